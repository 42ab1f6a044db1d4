#pragma once
// A run directory holds everything about one run, so that it can be resumed, compared and replayed later:
//   experiment.json     the resolved experiment (every key, defaults included)
//   metrics.csv         one row per step (never thinned), with validation accuracy on the evaluated steps
//   events.jsonl        parameter changes ("version v applied at step s"), checkpoints, skipped steps, epochs
//   evaluations.jsonl   verification results
//   telemetry.jsonl     snapshots of the per-sample / per-class arrays, every report.save_every_steps
//   checkpoints/latest.pt
//   log.txt
// and for whoever follows or steers the run while it goes (docs/workbench.md, "Following a run"):
//   status.json         state and heartbeat (run_status.h)
//   snapshot.cbor       the newest snapshot, whole and compact (snapshot_file.h)
//   requests/           live changes and control from outside (run_requests.h)
//   console.txt         the output of a run the workbench started: its last words if it dies
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/telemetry/telemetry.h"

namespace marginlab::train {

class RunDirectory {
 public:
  // A new directory `<runs_dir>/<name>-<YYYYmmdd-HHMMSS>` (a suffix keeps it unique).
  static RunDirectory create(const std::filesystem::path& runs_dir, const std::string& name);
  // An existing run to resume: must hold experiment.json and checkpoints/latest.pt (InvalidFile otherwise).
  static RunDirectory open_for_resume(const std::filesystem::path& path);
  // A directory made for this run by whoever started it (the workbench creates it to follow the run from the first
  // moment): it must exist and hold no run yet.
  static RunDirectory adopt(const std::filesystem::path& path);
  // The directory rank 0 of a distributed run created or opened: the other ranks only read its checkpoint.
  static RunDirectory of_rank0(const std::filesystem::path& path) { return RunDirectory(path); }

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path experiment_file() const { return path_ / "experiment.json"; }
  std::filesystem::path checkpoint_file() const { return path_ / "checkpoints" / "latest.pt"; }
  std::filesystem::path metrics_file() const { return path_ / "metrics.csv"; }
  std::filesystem::path events_file() const { return path_ / "events.jsonl"; }
  std::filesystem::path evaluations_file() const { return path_ / "evaluations.jsonl"; }
  std::filesystem::path telemetry_file() const { return path_ / "telemetry.jsonl"; }
  std::filesystem::path log_file() const { return path_ / "log.txt"; }
  std::filesystem::path console_file() const { return path_ / "console.txt"; }

 private:
  explicit RunDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Appends the run's records to its files as they happen, so the files are complete whoever else listens.
class RunRecorder {
 public:
  // `resume_step` > 0: continuing a run from its checkpoint at that step; metric rows and events written after
  // the checkpoint (by a run that died later) are dropped so that the files show one consistent history.
  // `validation_sets`: the evaluation sets' names, one metrics.csv column each with the accuracy on the rows of the
  // steps where the set was evaluated.
  RunRecorder(const RunDirectory& directory, std::int64_t resume_step,
              std::vector<std::string> validation_sets = {});

  void record(const StepRecord& step);
  void record(const RunEvent& event);
  void record(const Evaluation& evaluation);
  void record(const Snapshot& snapshot);
  void flush();

 private:
  std::ofstream metrics_, events_, evaluations_, telemetry_;
  std::vector<std::string> validation_sets_;
  // Accuracy by step and set, recorded before the step's row is written.
  std::map<std::int64_t, std::map<std::string, double>> pending_validation_;
  // Class sizes never change during a run: the first snapshot each recorder writes carries them.
  bool class_count_written_ = false;
};

std::string metrics_csv_header(const std::vector<std::string>& validation_sets);

}  // namespace marginlab::train
