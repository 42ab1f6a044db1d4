#pragma once
// Turns what the training steps leave on the device into telemetry: per-step records (their numbers copied to the
// host in one go per report) and snapshots of the recent samples' diagnostics, the norm distribution and the
// per-class state. Memory is bounded by report.samples and a fixed number of norm bands.
#include <torch/torch.h>

#include <deque>
#include <memory>
#include <vector>

#include "core/experiment/experiment.h"
#include "engine/train/session.h"
#include "core/telemetry/telemetry.h"

namespace marginlab::train {

class TelemetryBuilder {
 public:
  TelemetryBuilder(const Experiment& experiment, std::vector<std::int64_t> class_counts);

  // After each step: `record` carries the host-side fields (step, epoch, times, lr, loss scale, skipped).
  void add_step(const StepRecord& record, const StepOutcome& outcome, TrainingSession& session);
  // Diagnostics of a batch looked at without a step (TrainingSession::look): they join the snapshot's samples, no
  // step record is made.
  void add_observation(const StepOutcome& outcome);
  // The records since the last call, completed from the device numbers (one host copy).
  std::vector<StepRecord> take_steps();
  // The current picture: recent samples, norm histogram and bands, per-class θ and the head's per-class state
  // (session.class_statistics(), which a distributed run's ranks gather together).
  std::shared_ptr<Snapshot> snapshot(TrainingSession& session, heads::ClassStatistics class_statistics,
                                     std::int64_t step, std::int64_t epoch);

  // Mean loss of the non-skipped steps in the last take_steps() batch (NaN before any).
  double last_loss() const { return last_loss_; }

 private:
  Experiment experiment_;
  std::vector<std::int64_t> class_counts_;
  std::vector<StepRecord> pending_records_;
  std::vector<torch::Tensor> pending_stats_;
  std::deque<heads::DiagnosticTensors> window_;
  std::deque<torch::Tensor> window_quality_;
  std::int64_t window_samples_ = 0;
  std::vector<NormBand> norm_bands_;
  double last_loss_ = std::numeric_limits<double>::quiet_NaN();
};

}  // namespace marginlab::train
