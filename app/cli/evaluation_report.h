#pragma once
// How marginlab-cli prints a verification result (train's summary, eval, verify): one table per set, strata as rows.
#include <cstdint>

#include "core/eval/set_evaluation.h"

namespace marginlab::cli {

// `step` < 0: not part of a training run.
void print_set_evaluation(const eval::SetEvaluation& evaluation, std::int64_t step = -1);

}  // namespace marginlab::cli
