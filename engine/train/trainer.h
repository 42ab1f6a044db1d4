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

class Trainer {
 public:
  // A new run in a new directory under experiment.runs_dir.
  explicit Trainer(const Experiment& experiment);
  // Continues the run in `run_directory` from its latest checkpoint, with that run's experiment (or `experiment`,
  // when given, e.g. with more epochs: the model-defining settings must match the checkpoint).
  Trainer(const std::filesystem::path& run_directory, const Experiment* experiment = nullptr);
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
