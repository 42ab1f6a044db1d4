#include "core/study/early_stopping.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace marginlab::study {

StoppingDecision decide(const EarlyStopping& rule, bool higher_is_better, std::int64_t step, double value,
                        std::span<const double> others) {
  StoppingDecision d;
  d.value = value;
  std::vector<double> seen;
  for (const double v : others) {
    if (std::isfinite(v)) seen.push_back(v);
  }
  d.compared = static_cast<int>(seen.size()) + 1;
  // Sorted best first, so "better" is always "earlier".
  const auto better = [higher_is_better](double a, double b) { return higher_is_better ? a > b : a < b; };
  std::sort(seen.begin(), seen.end(), better);
  if (rule.rule == StoppingRule::none || d.compared < rule.min_runs) {
    d.threshold = NAN;
    d.reason =
        fmt::format("goes on: {} of {} runs needed at step {} before the rule judges", d.compared, rule.min_runs, step);
    return d;
  }
  if (!std::isfinite(value)) {
    d.stop = true;
    d.threshold = NAN;
    d.reason = fmt::format("stopped at step {}: no value of the metric there", step);
    return d;
  }
  if (rule.rule == StoppingRule::median) {
    const std::size_t n = seen.size();
    d.threshold = n % 2 ? seen[n / 2] : 0.5 * (seen[n / 2 - 1] + seen[n / 2]);
    d.stop = better(d.threshold, value);
    d.reason = fmt::format("{} at step {}: {:.4f} {} the median {:.4f} of the {} other runs there",
                           d.stop ? "stopped" : "goes on", step, value, d.stop ? "is worse than" : "is not worse than",
                           d.threshold, n);
    return d;
  }
  // Successive halving: the best max(1, ⌊keep·n⌋) of the n runs at this step go on.
  const int kept = std::max(1, static_cast<int>(std::floor(rule.keep * d.compared + 1e-9)));
  // Its rank: 1 + the runs strictly better (ties go on together).
  const int rank =
      1 + static_cast<int>(std::count_if(seen.begin(), seen.end(), [&](double v) { return better(v, value); }));
  // What it had to reach: the worst value that still goes on, among all the runs here.
  std::vector<double> all = seen;
  all.insert(std::upper_bound(all.begin(), all.end(), value, better), value);
  d.threshold = all[static_cast<std::size_t>(kept - 1)];
  d.stop = rank > kept;
  d.reason = fmt::format("{} at step {}: {:.4f} ranks {} of {}; the best {} go on (keep {:g})",
                         d.stop ? "stopped" : "goes on", step, value, rank, d.compared, kept, rule.keep);
  return d;
}

}  // namespace marginlab::study
