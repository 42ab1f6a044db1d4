#pragma once
// What the runs table says of several runs side by side: the experiment keys whose values differ between them (what
// was varied), and per run the last and best verification accuracy of each validation set and quality stratum with the
// norm–quality correlation. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/telemetry/telemetry.h"

namespace marginlab::train {

// Every leaf of an experiment document by its dotted key ("head.params.m" → "0.4"), values as compact JSON text.
std::map<std::string, std::string> flatten_experiment(const nlohmann::json& experiment);

// The keys (in key order) whose values are not the same in all of `experiments` (a key absent from some counts as
// differing), leaving out what names or places a run rather than defines it: name, description, runs_dir.
std::vector<std::string> differing_keys(const std::vector<nlohmann::json>& experiments);

struct StratumSummary {
  std::string set;
  std::string stratum;
  double last = kNotApplicable;  // accuracy at the latest evaluation
  double best = kNotApplicable;  // the highest over the run's evaluations
  std::int64_t last_step = 0;
  std::int64_t best_step = 0;
};
struct VerificationSummary {
  std::vector<StratumSummary> strata;             // in the order first evaluated
  double norm_quality_spearman = kNotApplicable;  // of the latest evaluation that reports one
};
VerificationSummary summarise_verification(const std::vector<Evaluation>& evaluations);

}  // namespace marginlab::train
