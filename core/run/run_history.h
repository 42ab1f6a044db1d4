#pragma once
// A finished (or still running, or crashed) run read back from its directory, so the workbench can reopen it and
// draw every plot from what was recorded, or overlay its curves on another run's. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/telemetry/telemetry.h"

namespace marginlab::train {

struct RunHistory {
  std::filesystem::path directory;
  nlohmann::json experiment;              // experiment.json as written (every key)
  std::vector<StepRecord> steps;          // every metrics.csv row
  std::vector<RunEvent> events;
  std::vector<Evaluation> evaluations;    // in the order made
  Snapshot latest;                        // the last recorded snapshot, with the norm bands of all of them
  std::vector<std::int64_t> snapshot_steps;  // steps of every recorded snapshot (read_snapshot_at reads one)
  std::int64_t truncated_lines = 0;       // a last line cut short by a crash: skipped, not fatal
};

// Throws InvalidFile naming the file (and line) when the directory is not a run, or a record is malformed
// anywhere but in the last line of a file.
RunHistory read_run_history(const std::filesystem::path& directory);

// The recorded snapshot at `step` (class sizes and norm bands filled from the run as in `latest`); InvalidFile when
// no snapshot was recorded at that step.
Snapshot read_snapshot_at(const std::filesystem::path& directory, std::int64_t step);

// StepRecords from a metrics.csv (columns found by their header names; validation columns ignored).
std::vector<StepRecord> read_metrics_csv(const std::filesystem::path& file);

}  // namespace marginlab::train
