#pragma once
// Follows a run through its directory, whoever runs it and wherever (this process's child, a server's run on an
// NFS or sshfs mount, a finished run): the first poll() hands out the whole recorded history, each later one what
// was appended since. Only whole lines are read (a line still being written waits for the next poll), appended files
// are read from where the last poll stopped, and the snapshot, status and experiment files are read again only when
// they were replaced. Torch-free; poll() belongs on a thread that may block on a slow mount (not the GUI's).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/run/run_history.h"
#include "core/run/run_status.h"
#include "core/telemetry/telemetry.h"

namespace marginlab::train {

class RunFollower {
 public:
  struct Update {
    // The run's records were rewritten (a resumed run drops those after its checkpoint): what this update holds is
    // the whole history again, and what was shown before must be forgotten.
    bool restarted = false;
    std::optional<nlohmann::json> experiment;  // experiment.json, when first seen or changed (tuning records there)
    std::vector<StepRecord> steps;
    std::vector<RunEvent> events;
    std::vector<Evaluation> evaluations;
    std::vector<benchmarks::BenchmarkRecord> benchmarks;
    std::shared_ptr<const Snapshot> snapshot;  // newer than the last handed out, or null
    std::optional<RunStatus> status;           // when changed
    std::vector<std::string> problems;         // records that could not be read ("events.jsonl:12: ...")
    bool empty() const {
      return !restarted && !experiment && steps.empty() && events.empty() && evaluations.empty() &&
             benchmarks.empty() && !snapshot && !status && problems.empty();
    }
  };

  explicit RunFollower(std::filesystem::path directory);
  ~RunFollower();
  RunFollower(RunFollower&&) noexcept;
  RunFollower& operator=(RunFollower&&) noexcept;

  Update poll();
  const std::filesystem::path& directory() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace marginlab::train
