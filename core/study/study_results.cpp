#include "core/study/study_results.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

#include "core/run/run_follower.h"
#include "core/run/run_status.h"
#include "core/study/study_plan.h"

namespace marginlab::study {
namespace {

namespace fs = std::filesystem;

// Student's t 97.5% quantiles for 1…30 degrees of freedom.
constexpr std::array<double, 30> kT975{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                       2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                       2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

double t975(int degrees) {
  if (degrees <= 30) return kT975[static_cast<std::size_t>(degrees - 1)];
  // Cornish–Fisher's first correction to the normal quantile: within 0.001 of the table from 30 on.
  constexpr double z = 1.959964;
  return z + (z * z * z + z) / (4.0 * degrees);
}

}  // namespace

// What one run's files held at the last read, with the follower that reads what they gain.
struct StudyReader::Followed {
  std::optional<train::RunFollower> follower;
  std::vector<double> loss_steps, loss;
  std::vector<train::Evaluation> evaluations;
  std::optional<train::RunStatus> status;
  std::string problem;  // the last read's error: the run counts as failed with it

  void forget() {
    loss_steps.clear();
    loss.clear();
    evaluations.clear();
    status.reset();
  }

  // Adds what the run's files gained since the last read (everything, the first time or when they were rewritten).
  void read(const fs::path& directory) {
    try {
      if (!follower) follower.emplace(directory);
      auto update = follower->poll();
      if (update.restarted) forget();
      for (const auto& s : update.steps) {
        loss_steps.push_back(static_cast<double>(s.step));
        loss.push_back(s.loss);
      }
      for (auto& e : update.evaluations) evaluations.push_back(std::move(e));
      if (update.status) status = std::move(update.status);
      problem.clear();
    } catch (const std::exception& error) {
      // Read again from the start next time: the files may have been replaced (a resumed study moves a run aside).
      follower.reset();
      forget();
      problem = error.what();
    }
  }
};

namespace {

RunResult run_result(const StudyDirectory& study, const PlannedRun& planned, const StudyReader::Followed& run,
                     const std::set<std::string>& stopped_by_rule, const std::map<std::string, std::string>& reasons) {
  RunResult r;
  r.id = planned.id;
  r.setting = planned.setting;
  r.seed = planned.seed;
  if (!run.problem.empty()) {
    r.outcome = RunOutcome::failed;
    r.message = run.problem;
    return r;
  }
  r.loss_steps = run.loss_steps;
  r.loss = run.loss;
  if (!r.loss_steps.empty()) r.step = static_cast<std::int64_t>(r.loss_steps.back());
  for (const auto& e : run.evaluations) {
    r.last_by_set[e.set] = e;
    if (e.set != study.config().metric.set) continue;
    const double value = metric_value(study.config().metric, e);
    r.metric_by_step[e.step] = value;
    r.metric = value;
    r.metric_step = e.step;
  }
  const auto& status = run.status;
  const bool by_rule = stopped_by_rule.count(r.id) > 0;
  if (!status) {
    r.outcome = RunOutcome::interrupted;  // started, gone before its first status
  } else {
    r.total_steps = status->total_steps;
    r.step = std::max(r.step, status->step);
    r.seconds = std::max(0.0, status->updated - status->started);
    r.ended = status->updated;
    switch (status->state) {
      case train::RunState::finished:
        r.outcome = RunOutcome::finished;
        break;
      case train::RunState::failed:
        r.outcome = RunOutcome::failed;
        r.message = status->message;
        break;
      case train::RunState::stopped:
        r.outcome = by_rule ? RunOutcome::stopped : RunOutcome::interrupted;
        break;
      case train::RunState::running:
      case train::RunState::paused: {
        const bool here = status->host == train::this_process().host;
        r.outcome = here && train::process_gone(status->pid) ? RunOutcome::interrupted : RunOutcome::running;
        break;
      }
    }
  }
  if (by_rule && r.outcome != RunOutcome::failed) r.message = reasons.at(r.id);
  return r;
}

}  // namespace

std::string to_string(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::pending:
      return "pending";
    case RunOutcome::running:
      return "running";
    case RunOutcome::interrupted:
      return "interrupted";
    case RunOutcome::stopped:
      return "stopped early";
    case RunOutcome::finished:
      return "finished";
    case RunOutcome::failed:
      return "failed";
  }
  return "pending";
}

double metric_value(const Metric& metric, const eval::SetEvaluation& evaluation) {
  if (metric.measure == "norm_quality_spearman") return evaluation.norm_quality_spearman;
  const auto stratum = std::find_if(evaluation.strata.begin(), evaluation.strata.end(),
                                    [&](const eval::StratumResult& s) { return s.stratum == metric.stratum; });
  if (stratum == evaluation.strata.end()) return kNoValue;
  const auto& m = stratum->metrics;
  if (metric.measure == "accuracy") return m.accuracy;
  if (metric.measure == "auc") return m.auc;
  if (metric.measure == "eer") return m.eer;
  if (const auto far = metric.far()) {
    for (const auto& t : m.tar_at_far) {
      if (std::abs(t.far_target / *far - 1) < 1e-9) return t.supported ? t.true_accept_rate : kNoValue;
    }
  }
  return kNoValue;
}

MeanInterval mean_interval(const std::vector<double>& values) {
  MeanInterval m;
  m.n = static_cast<int>(values.size());
  if (m.n == 0) return m;
  double sum = 0;
  for (const double v : values) sum += v;
  m.mean = sum / m.n;
  if (m.n < 2) return m;
  double squares = 0;
  for (const double v : values) squares += (v - m.mean) * (v - m.mean);
  m.sd = std::sqrt(squares / (m.n - 1));
  m.ci95 = t975(m.n - 1) * m.sd / std::sqrt(static_cast<double>(m.n));
  return m;
}

std::vector<double> setting_values(const StudyResults& results, int setting, const Metric& metric) {
  std::vector<double> values;
  for (const auto& run : results.runs) {
    if (run.setting != setting || run.outcome != RunOutcome::finished) continue;
    const auto it = run.last_by_set.find(metric.set);
    if (it == run.last_by_set.end()) continue;
    const double v = metric_value(metric, it->second);
    if (std::isfinite(v)) values.push_back(v);
  }
  return values;
}

Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b) {
  Difference d;
  const auto x = mean_interval(a), y = mean_interval(b);
  if (x.n == 0 || y.n == 0) return d;
  d.difference = x.mean - y.mean;
  if (x.n < 2 || y.n < 2) return d;
  const double va = x.sd * x.sd / x.n, vb = y.sd * y.sd / y.n;
  const double se = std::sqrt(va + vb);
  if (!(se > 0)) {
    d.low = d.high = d.difference;
    return d;
  }
  const double df = (va + vb) * (va + vb) / (va * va / (x.n - 1) + vb * vb / (y.n - 1));
  const double t = t975(std::max(1, static_cast<int>(std::floor(df))));
  d.low = d.difference - t * se;
  d.high = d.difference + t * se;
  return d;
}

std::vector<int> StudyResults::ranking() const {
  std::vector<int> order;
  for (const auto& s : settings) order.push_back(s.setting);
  const bool higher = higher_is_better;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const double x = settings[static_cast<std::size_t>(a)].mean, y = settings[static_cast<std::size_t>(b)].mean;
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    return higher ? x > y : x < y;
  });
  return order;
}

StudyReader::StudyReader(StudyDirectory study) : study_(std::move(study)), runs_(study_.plan().runs.size()) {}
StudyReader::~StudyReader() = default;
StudyReader::StudyReader(StudyReader&&) noexcept = default;
StudyReader& StudyReader::operator=(StudyReader&&) noexcept = default;

StudyResults StudyReader::read() {
  StudyResults results;
  results.higher_is_better = study_.config().metric.higher_is_better();
  std::set<std::string> stopped_by_rule;
  std::map<std::string, std::string> reasons;
  for (const auto& d : study_.decisions()) {
    if (!d.stop) continue;
    stopped_by_rule.insert(d.run);
    reasons[d.run] = d.reason;
  }
  const auto& plan = study_.plan();
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& planned = plan.runs[i];
    const auto directory = study_.run_directory(planned.id);
    auto& run = runs_[i];
    if (!fs::is_regular_file(directory / "experiment.json")) {  // not started, or moved aside to start again
      run = Followed{};
      RunResult pending;
      pending.id = planned.id;
      pending.setting = planned.setting;
      pending.seed = planned.seed;
      results.runs.push_back(std::move(pending));
      continue;
    }
    run.read(directory);
    results.runs.push_back(run_result(study_, planned, run, stopped_by_rule, reasons));
  }
  const auto& study = study_;
  for (int s = 0; s < plan.settings; ++s) {
    SettingSummary summary;
    summary.setting = s;
    std::vector<double> finals;
    for (std::size_t i = 0; i < plan.runs.size(); ++i) {
      if (plan.runs[i].setting != s) continue;
      const auto& run = results.runs[i];
      summary.values = plan.runs[i].values;
      ++summary.runs;
      if (run.outcome == RunOutcome::stopped) ++summary.stopped;
      if (run.outcome != RunOutcome::finished) continue;
      ++summary.finished;
      if (std::isfinite(run.metric)) finals.push_back(run.metric);
    }
    summary.label = describe_setting(study.config(), summary.values);
    const auto interval = mean_interval(finals);
    summary.mean = interval.mean;
    summary.sd = interval.sd;
    summary.ci95 = interval.ci95;
    results.settings.push_back(std::move(summary));
  }
  return results;
}

StudyResults read_study_results(const StudyDirectory& study) { return StudyReader(study).read(); }

}  // namespace marginlab::study
