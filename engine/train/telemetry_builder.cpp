#include "engine/train/telemetry_builder.h"

#include <algorithm>
#include <cmath>

#include "core/eval/verification.h"

namespace marginlab::train {
namespace {

// Norm bands kept for the distribution-over-time plot: when full, every other one is dropped (older history gets
// coarser, memory stays bounded).
constexpr std::size_t kMaxNormBands = 1024;

torch::Tensor cat_defined(const std::deque<heads::DiagnosticTensors>& window,
                          torch::Tensor heads::DiagnosticTensors::*field) {
  std::vector<torch::Tensor> parts;
  for (const auto& d : window) {
    if ((d.*field).defined()) parts.push_back(d.*field);
  }
  return parts.empty() ? torch::Tensor() : torch::cat(parts);
}

float percentile(const std::vector<float>& sorted, double p) {
  if (sorted.empty()) return NAN;
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const auto above = std::min(below + 1, sorted.size() - 1);
  const double t = position - static_cast<double>(below);
  return static_cast<float>((1 - t) * sorted[below] + t * sorted[above]);
}

}  // namespace

TelemetryBuilder::TelemetryBuilder(const Experiment& experiment, std::vector<std::int64_t> class_counts)
    : experiment_(experiment), class_counts_(std::move(class_counts)) {}

void TelemetryBuilder::add_step(const StepRecord& record, const StepOutcome& outcome, TrainingSession& session) {
  auto stats = outcome.stats;
  if (const auto [mean, std] = session.head()->running_norm_statistics(); mean.defined()) {
    // The running statistics change in place at the next step: keep their values of this one.
    stats = torch::cat({stats, mean.detach().to(torch::kFloat32).flatten(), std.detach().to(torch::kFloat32).flatten()});
  }
  pending_records_.push_back(record);
  pending_stats_.push_back(stats);
  if (outcome.skipped) return;
  add_observation(outcome);
}

void TelemetryBuilder::add_observation(const StepOutcome& outcome) {
  if (!outcome.diagnostics.label.defined()) return;
  const auto batch = outcome.diagnostics.label.size(0);
  window_.push_back(outcome.diagnostics);
  window_quality_.push_back(outcome.quality.defined()
                                ? outcome.quality
                                : torch::full({batch}, std::numeric_limits<float>::quiet_NaN()));
  window_samples_ += batch;
  while (window_.size() > 1 && window_samples_ - window_.front().label.size(0) >= experiment_.report.samples) {
    window_samples_ -= window_.front().label.size(0);
    window_.pop_front();
    window_quality_.pop_front();
  }
}

std::vector<StepRecord> TelemetryBuilder::take_steps() {
  if (pending_records_.empty()) return {};
  const auto host = torch::stack(pending_stats_).to(torch::kCPU, torch::kFloat64).contiguous();
  const auto rows = host.accessor<double, 2>();
  double loss_sum = 0;
  std::int64_t loss_count = 0;
  for (std::size_t i = 0; i < pending_records_.size(); ++i) {
    auto& r = pending_records_[i];
    r.loss = rows[i][kLoss];
    r.accuracy = rows[i][kAccuracy];
    r.norm_mean = rows[i][kNormMean];
    r.norm_std = rows[i][kNormStd];
    r.margin_mean = rows[i][kMarginMean];
    r.grad_norm = rows[i][kGradNorm];
    if (host.size(1) > kStepStatCount) {
      r.ema_norm_mean = rows[i][kStepStatCount];
      r.ema_norm_std = rows[i][kStepStatCount + 1];
    }
    if (!r.skipped) {
      loss_sum += r.loss;
      ++loss_count;
    }
  }
  if (loss_count > 0) last_loss_ = loss_sum / static_cast<double>(loss_count);
  pending_stats_.clear();
  return std::exchange(pending_records_, {});
}

std::shared_ptr<Snapshot> TelemetryBuilder::snapshot(TrainingSession& session,
                                                     heads::ClassStatistics class_statistics, std::int64_t step,
                                                     std::int64_t epoch) {
  auto s = std::make_shared<Snapshot>();
  s->step = step;
  s->epoch = epoch;
  auto& head = *session.head();
  s->head_kind = experiment_.head.kind;
  s->margin_unit = std::string(head.margin_unit());
  s->head_params = head.parameter_values();
  s->base_lr = session.base_lr();
  s->class_count = class_counts_;
  if (!window_.empty()) {
    heads::DiagnosticTensors all;
    for (auto field : {&heads::DiagnosticTensors::label, &heads::DiagnosticTensors::labelled,
                       &heads::DiagnosticTensors::norm, &heads::DiagnosticTensors::margin,
                       &heads::DiagnosticTensors::cos_margin, &heads::DiagnosticTensors::theta,
                       &heads::DiagnosticTensors::max_other_cos, &heads::DiagnosticTensors::hard,
                       &heads::DiagnosticTensors::target_grad, &heads::DiagnosticTensors::z_hat,
                       &heads::DiagnosticTensors::g_angular, &heads::DiagnosticTensors::g_additive}) {
      all.*field = cat_defined(window_, field);
    }
    s->samples = all.to_host();
    const auto quality = torch::cat(std::vector<torch::Tensor>(window_quality_.begin(), window_quality_.end()))
                             .to(torch::kCPU, torch::kFloat32)
                             .contiguous();
    s->quality.assign(quality.data_ptr<float>(), quality.data_ptr<float>() + quality.numel());
    std::vector<float> known_norm, known_quality;
    for (std::size_t i = 0; i < s->quality.size(); ++i) {
      if (std::isnan(s->quality[i]) || !s->samples.labelled[i]) continue;
      known_norm.push_back(s->samples.norm[i]);
      known_quality.push_back(s->quality[i]);
    }
    s->norm_quality_spearman = eval::spearman(known_norm, known_quality);
  }

  // Norm histogram and percentile band of the window.
  std::vector<float> norms = s->samples.norm;
  std::sort(norms.begin(), norms.end());
  if (!norms.empty()) {
    const auto bins = experiment_.report.histogram_bins;
    const float lo = norms.front();
    const float hi = norms.back() > lo ? norms.back() : lo + 1e-3f;
    s->norm_histogram_lo = lo;
    s->norm_histogram_hi = hi;
    s->norm_histogram.assign(bins, 0);
    for (float n : norms) {
      const auto bin = std::min<std::int64_t>(bins - 1, static_cast<std::int64_t>((n - lo) / (hi - lo) * bins));
      ++s->norm_histogram[bin];
    }
    NormBand band{step, percentile(norms, 0.05), percentile(norms, 0.25), percentile(norms, 0.5),
                  percentile(norms, 0.75), percentile(norms, 0.95)};
    if (const auto [mean, std] = session.head()->running_norm_statistics(); mean.defined()) {
      band.ema_mean = mean.item<double>();
      band.ema_std = std.item<double>();
    }
    norm_bands_.push_back(band);
    if (norm_bands_.size() > kMaxNormBands) {
      std::vector<NormBand> thinned;
      for (std::size_t i = 0; i < norm_bands_.size(); i += 2) thinned.push_back(norm_bands_[i]);
      norm_bands_ = std::move(thinned);
    }
  }
  s->norm_history = norm_bands_;

  // Mean θ per class over the window.
  const auto classes = static_cast<std::int64_t>(class_counts_.size());
  std::vector<double> theta_sum(classes, 0.0);
  std::vector<std::int64_t> seen(classes, 0);
  for (std::size_t i = 0; i < s->samples.label.size(); ++i) {
    const auto c = s->samples.label[i];
    if (c < 0 || c >= classes) continue;
    theta_sum[c] += s->samples.theta[i];
    ++seen[c];
  }
  s->class_mean_theta.resize(classes);
  for (std::int64_t c = 0; c < classes; ++c) {
    s->class_mean_theta[c] = seen[c] ? static_cast<float>(theta_sum[c] / static_cast<double>(seen[c])) : NAN;
  }
  s->kappa = std::move(class_statistics);
  return s;
}

}  // namespace marginlab::train
