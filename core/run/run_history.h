#pragma once
// A finished (or still running, or crashed) run read back from its directory, so the workbench can reopen it and
// draw every plot from what was recorded, or overlay its curves on another run's. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/benchmarks/benchmark_record.h"
#include "core/telemetry/telemetry.h"

namespace marginlab::train {

struct RunHistory {
  std::filesystem::path directory;
  nlohmann::json experiment;              // experiment.json as written (every key)
  std::vector<StepRecord> steps;          // every metrics.csv row
  std::vector<RunEvent> events;
  std::vector<Evaluation> evaluations;    // in the order made
  std::vector<benchmarks::BenchmarkRecord> benchmarks;  // IJB / TinyFace results, in the order made
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

// metrics.csv's columns, found by the names in its header line (InvalidFile when step or loss is missing).
class MetricsColumns {
 public:
  MetricsColumns(const std::string& header, const std::string& file);
  std::size_t size() const { return count_; }
  // The row's record; nullopt when it has another number of cells (a row cut short); InvalidFile naming `origin` and
  // the column for a cell that is not a number.
  std::optional<StepRecord> parse(const std::string& line, const std::string& origin) const;

 private:
  std::map<std::string, std::size_t> index_;
  std::size_t count_ = 0;
};

// Adds a snapshot line's norm band to `bands`, thinned as the trainer thins them (every other one once past the
// bound): the band history of a run read line by line.
void append_band(std::vector<NormBand>& bands, const Snapshot& snapshot);

}  // namespace marginlab::train
