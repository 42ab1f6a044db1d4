#include "core/run/run_comparison.h"

#include <cmath>
#include <set>

namespace marginlab::train {
using nlohmann::json;

namespace {

void flatten(const json& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.is_object() && !node.empty()) {
    for (auto it = node.begin(); it != node.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    return;
  }
  out[prefix] = node.dump();
}

}  // namespace

std::map<std::string, std::string> flatten_experiment(const json& experiment) {
  std::map<std::string, std::string> out;
  flatten(experiment, "", out);
  return out;
}

std::vector<std::string> differing_keys(const std::vector<json>& experiments) {
  static const std::set<std::string> not_defining{"name", "description", "runs_dir"};
  std::vector<std::map<std::string, std::string>> flat;
  std::set<std::string> keys;
  for (const auto& e : experiments) {
    flat.push_back(flatten_experiment(e));
    for (const auto& [key, value] : flat.back()) keys.insert(key);
  }
  std::vector<std::string> differing;
  if (flat.size() < 2) return differing;
  for (const auto& key : keys) {
    if (not_defining.count(key)) continue;
    const auto first = flat.front().find(key);
    for (const auto& run : flat) {
      const auto it = run.find(key);
      const bool same =
          (it == run.end()) == (first == flat.front().end()) && (it == run.end() || it->second == first->second);
      if (!same) {
        differing.push_back(key);
        break;
      }
    }
  }
  return differing;
}

VerificationSummary summarise_verification(const std::vector<Evaluation>& evaluations) {
  VerificationSummary summary;
  for (const auto& evaluation : evaluations) {
    if (std::isfinite(evaluation.norm_quality_spearman))
      summary.norm_quality_spearman = evaluation.norm_quality_spearman;
    for (const auto& stratum : evaluation.strata) {
      auto it = summary.strata.begin();
      while (it != summary.strata.end() && !(it->set == evaluation.set && it->stratum == stratum.stratum)) ++it;
      if (it == summary.strata.end()) {
        summary.strata.push_back({evaluation.set, stratum.stratum});
        it = summary.strata.end() - 1;
      }
      const double accuracy = stratum.metrics.accuracy;
      if (!std::isfinite(accuracy)) continue;
      if (evaluation.step >= it->last_step || !std::isfinite(it->last)) {
        it->last = accuracy;
        it->last_step = evaluation.step;
      }
      if (!std::isfinite(it->best) || accuracy > it->best) {
        it->best = accuracy;
        it->best_step = evaluation.step;
      }
    }
  }
  return summary;
}

}  // namespace marginlab::train
