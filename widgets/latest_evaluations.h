#pragma once
// The rule the ROC plot and the evaluation table share for which validation result of a set they show: the newest,
// i.e. the one with the highest step; at equal steps the one given last. Fed the whole history, one call or many,
// they keep one evaluation per set name (bounded by the number of sets), in the order the sets first appeared.
// A new run whose steps start again from 1 needs clear() on the widget first, or its results would look older.
#include <algorithm>
#include <vector>

#include "core/telemetry/telemetry.h"

namespace marginlab::widgets {

inline void keepNewestPerSet(std::vector<train::Evaluation>& kept, const std::vector<train::Evaluation>& incoming) {
  for (const auto& evaluation : incoming) {
    auto sameSet = std::find_if(kept.begin(), kept.end(),
                                 [&](const train::Evaluation& e) { return e.set == evaluation.set; });
    if (sameSet == kept.end()) kept.push_back(evaluation);
    else if (evaluation.step >= sameSet->step) *sameSet = evaluation;
  }
}

}  // namespace marginlab::widgets
