#pragma once
// Whether a study's run goes on past one of the early-stopping steps, judged on the ranking metric against the runs
// that reached the same step before it (asynchronous, as ASHA: Li et al., MLSys 2020; the median rule as Google
// Vizier's and Optuna's MedianPruner). Torch-free.
#include <cstdint>
#include <span>
#include <string>

#include "core/study/study_config.h"

namespace marginlab::study {

struct StoppingDecision {
  bool stop = false;
  double value = 0;      // the run's metric at the step
  double threshold = 0;  // what it had to reach: the median, or the last value that still goes on
  int compared = 0;      // runs at this step, itself included
  std::string reason;    // one sentence for the user
};

// `value`: the run's metric at `step` (NaN: the run has no usable value there and is stopped as the worst);
// `others`: the other runs' metrics at the same step, NaN ones left out. Fewer than rule.min_runs runs in all: it goes
// on. Median rule: it stops when worse than the median of the others. Successive halving: it goes on when among the
// best max(1, floor(keep × runs)) of all, itself included; ties go on.
StoppingDecision decide(const EarlyStopping& rule, bool higher_is_better, std::int64_t step, double value,
                        std::span<const double> others);

}  // namespace marginlab::study
