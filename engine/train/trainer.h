#pragma once
// A training run: data, model, schedule, live parameters, telemetry, checkpoints and the run directory. Torch-free
// interface, so the GUI's bridge can own one; run() blocks and belongs on a thread of its own. Everything another
// thread may touch goes through live_parameters(), control() and telemetry().
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/telemetry/run_control.h"
#include "core/telemetry/telemetry.h"

namespace marginlab::distributed {
class Communicator;
}

namespace marginlab::train {

struct RunSummary {
  std::filesystem::path run_directory;
  std::int64_t steps = 0;           // steps taken (including skipped ones) by the end of this run() call
  std::int64_t total_steps = 0;     // the run's planned length
  std::int64_t skipped_steps = 0;
  double last_loss = 0;             // mean loss over the last report window
  bool stopped = false;             // ended by control().stop() before total_steps
  std::vector<Evaluation> evaluations;  // those made during this run() call, the final one last
};

// One rank of a distributed run when given a communicator of several ranks (docs/distributed.md): every rank
// constructs its Trainer and calls run() together. Rank 0 owns the run directory (files, telemetry, evaluation) and
// decides at each step boundary what every rank does next (live changes, pause, checkpoint, stop); a stop asked of
// any rank stops them all at the same step. The other ranks' live_parameters(), telemetry() go unused.
class Trainer {
 public:
  // A new run in a new directory under experiment.runs_dir, or in `into`: a directory made for it by whoever follows
  // it (RunDirectory::adopt).
  explicit Trainer(const Experiment& experiment, std::shared_ptr<distributed::Communicator> comm = nullptr,
                   const std::filesystem::path& into = {});
  // Continues the run in `run_directory` from its latest checkpoint, with that run's experiment (or `experiment`,
  // when given, e.g. with more epochs: the model-defining settings must match the checkpoint). The checkpoint may
  // come from a run at another world size.
  Trainer(const std::filesystem::path& run_directory, const Experiment* experiment = nullptr,
          std::shared_ptr<distributed::Communicator> comm = nullptr);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  RunSummary run();

  LiveParameters& live_parameters();
  RunControl& control();
  TelemetryChannel& telemetry();

  const Experiment& experiment() const;
  const std::filesystem::path& run_directory() const;
  std::int64_t total_steps() const;
  std::int64_t start_step() const;   // 0 for a new run, the checkpoint's step when resuming
  std::string device_name() const;   // "cpu" or "cuda:0 (<name>)"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace marginlab::train
