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

// The newest norm band only (earlier bands went out with earlier snapshots); the class sizes, which never change
// during a run, only when `with_class_count` (the recorder's first snapshot).
nlohmann::json snapshot_to_json(const Snapshot& snapshot, bool with_class_count);
// The snapshot of one line; its norm_history holds the line's band (read_run_history joins them).
Snapshot snapshot_from_json(const nlohmann::json& line, const std::string& origin);

Evaluation evaluation_from_json(const nlohmann::json& line, const std::string& origin);

}  // namespace marginlab::train
