#pragma once
// The run directory's JSON lines for events and snapshots, written by RunRecorder and read back by read_run_history,
// in one place so the two cannot drift apart. Torch-free. NaN is written as null and read back as NaN.
#include <nlohmann/json.hpp>

#include <string>

#include "core/telemetry/telemetry.h"

namespace marginlab::train {

nlohmann::json event_to_json(const RunEvent& event);
// `origin` ("events.jsonl:12") names the line in InvalidFile errors.
RunEvent event_from_json(const nlohmann::json& line, const std::string& origin);

// How much of a snapshot, and in which form. telemetry.jsonl's lines carry the newest norm band only (earlier bands
// went out with earlier lines) and the class sizes, which never change during a run, in the first line only. The
// run's latest snapshot file (snapshot_file.h) is whole and compact: every band, the class sizes, and the arrays as
// binary blobs, which CBOR stores as raw bytes (85,000 classes of κ in 5 MB, written in milliseconds).
struct SnapshotForm {
  bool class_count = false;
  bool all_bands = false;
  bool binary_arrays = false;
};
nlohmann::json snapshot_to_json(const Snapshot& snapshot, SnapshotForm form);
// Reads either form; a line's norm_history holds the line's band (read_run_history joins them).
Snapshot snapshot_from_json(const nlohmann::json& line, const std::string& origin);

Evaluation evaluation_from_json(const nlohmann::json& line, const std::string& origin);

}  // namespace marginlab::train
