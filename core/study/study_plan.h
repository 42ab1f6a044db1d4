#pragma once
// The runs of a study: each setting of the varied keys (a grid's every combination, or random draws) times each seed,
// with the experiment document it trains. Every run's experiment is validated when the plan is made, so that a bad
// axis (an unknown key, a value out of range) is refused before any run starts. Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/study/study_config.h"

namespace marginlab::study {

struct PlannedRun {
  std::string id;                      // "r003": its run directory's name
  int setting = 0;                     // index of its setting (runs that differ only in the seed share it)
  std::vector<nlohmann::json> values;  // one per axis, in axis order
  std::uint64_t seed = 1;
  nlohmann::json experiment;  // the document it trains
};

struct StudyPlan {
  std::vector<PlannedRun> runs;  // settings in order, seeds within a setting
  int settings = 0;
};

// Throws InvalidParameter naming the axis key and the value (and the run) that the experiment refuses.
StudyPlan plan_study(const StudyConfig& config);

// "head.params.h=0.333, optimizer.lr=0.05": a setting as it reads in tables (labels where the axis has them).
std::string describe_setting(const StudyConfig& config, const std::vector<nlohmann::json>& values);

nlohmann::json to_json(const StudyPlan& plan);
// InvalidFile naming `origin` when malformed.
StudyPlan study_plan_from_json(const nlohmann::json& json, const std::string& origin);

}  // namespace marginlab::study
