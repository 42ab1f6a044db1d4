#pragma once
// What a run reports, as plain values (no torch): the GUI's plots, the CLI's progress line and the run directory's
// files are all fed from here. Per-step records and events are queued and never dropped (the consumer drains them;
// the run directory keeps them too); the large per-sample / per-class arrays travel as a snapshot in a
// latest-value slot where the newest wins, so a slow consumer costs nothing but missed frames.
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/eval/set_evaluation.h"
#include "core/heads/head_diagnostics.h"

namespace marginlab::train {

inline constexpr double kNotApplicable = std::numeric_limits<double>::quiet_NaN();

struct StepRecord {
  std::int64_t step = 0;           // 1-based: the number of optimiser steps taken (or skipped) so far
  std::int64_t epoch = 0;
  double wall_seconds = 0;         // since the run (or its resumption) started
  double loss = 0;
  double accuracy = 0;             // argmax of the margin logits == label
  double lr = 0;
  double samples_per_second = 0;
  double norm_mean = 0, norm_std = 0;
  double ema_norm_mean = kNotApplicable, ema_norm_std = kNotApplicable;  // AdaFace's running μ, σ
  double margin_mean = 0;          // mean applied margin, in the head's margin unit
  double grad_norm = 0;            // global gradient norm before clipping
  double loss_scale = 1;           // fp16 dynamic loss scale; 1 otherwise
  bool skipped = false;            // non-finite loss or gradients: no update was made
};

struct RunEvent {
  // control: a pause, resume, stop or checkpoint asked through the run directory, obeyed; request_rejected: a request
  // that could not be obeyed (another user's, malformed), with the reason in `text`.
  enum class Kind {
    param_applied,
    param_rejected,
    checkpoint,
    evaluation,
    epoch_end,
    step_skipped,
    info,
    control,
    request_rejected
  };
  Kind kind = Kind::info;
  std::int64_t step = 0;
  std::string text;            // a sentence for logs and the status bar
  std::string name;            // param_*: the parameter; control: the action
  double value = 0;            // param_*: the requested value
  // param_*, control, request_rejected: the mailbox version, which for a request through the run directory is the
  // request's (run_requests.h); 0 for a change from the experiment's schedule.
  std::uint64_t version = 0;
};
std::string to_string(RunEvent::Kind kind);

// Percentiles of the feature norm over one report window: a band plot of the distribution over time.
struct NormBand {
  std::int64_t step = 0;
  float p05 = 0, p25 = 0, p50 = 0, p75 = 0, p95 = 0;
  double ema_mean = kNotApplicable, ema_std = kNotApplicable;
};

struct Snapshot {
  std::int64_t step = 0;
  std::int64_t epoch = 0;
  std::string head_kind;
  std::string margin_unit;                   // "rad" or "cos"
  std::vector<heads::ParamValue> head_params;
  double base_lr = 0;
  // The most recent samples (several batches): the heads' diagnostics and, where the source knows it, quality.
  heads::SampleDiagnostics samples;
  std::vector<float> quality;                // NaN where unknown
  double norm_quality_spearman = kNotApplicable;  // Spearman ρ of those samples' norms and known qualities
  // Histogram of those samples' norms: `norm_histogram[i]` counts norms in [lo + i·w, lo + (i+1)·w).
  float norm_histogram_lo = 0, norm_histogram_hi = 0;
  std::vector<std::int64_t> norm_histogram;
  std::vector<NormBand> norm_history;        // one band per report, thinned to a bounded length
  // Per class: dataset size, mean θ to the own centre over the window (NaN when the class was not seen).
  std::vector<std::int64_t> class_count;
  std::vector<float> class_mean_theta;
  heads::ClassStatistics kappa;              // KappaFace only (empty vectors otherwise)
};

// One verification set's result at a step of the run.
struct Evaluation : eval::SetEvaluation {
  std::int64_t step = 0;
};

class TelemetryChannel {
 public:
  void push_step(const StepRecord& record);
  void push_event(const RunEvent& event);
  void push_evaluation(const Evaluation& evaluation);
  void publish(std::shared_ptr<const Snapshot> snapshot);

  std::vector<StepRecord> drain_steps();
  std::vector<RunEvent> drain_events();
  std::vector<Evaluation> drain_evaluations();
  std::shared_ptr<const Snapshot> latest_snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<StepRecord> steps_;
  std::vector<RunEvent> events_;
  std::vector<Evaluation> evaluations_;
  std::shared_ptr<const Snapshot> snapshot_;
};

}  // namespace marginlab::train
