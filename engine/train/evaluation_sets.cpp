#include "engine/train/evaluation_sets.h"

#include <algorithm>

#include "core/errors.h"
#include "core/eval/closed_set.h"

namespace marginlab::train {

namespace fs = std::filesystem;

fs::path resolve_evaluation_file(const std::string& entry, const DataSettings& data) {
  const fs::path path(entry);
  if (path.is_absolute()) {
    if (!fs::exists(path)) throw InvalidFile(entry + ": evaluation set not found");
    return path;
  }
  std::vector<fs::path> candidates;
  if (!data.path.empty()) {
    const fs::path dataset(data.path);
    candidates.push_back((fs::is_directory(dataset) ? dataset : dataset.parent_path()) / path);
  }
  candidates.push_back(path);
  std::string tried;
  for (const auto& candidate : candidates) {
    if (fs::exists(candidate)) return candidate;
    tried += (tried.empty() ? "" : ", ") + candidate.string();
  }
  throw InvalidFile("eval.sets: \"" + entry + "\" not found (looked for " + tried + ")");
}

std::vector<data::VerificationSet> open_evaluation_sets(const Experiment& experiment, const TrainingData& training) {
  const auto order = experiment.data.color_order == "bgr" ? data::ColorOrder::bgr : data::ColorOrder::rgb;
  std::vector<data::VerificationSet> sets;
  for (const auto& entry : experiment.eval.sets) {
    if (entry == eval::kClosedSetName) continue;  // needs the head's class centres: the trainer's (closed_set_images)
    if (entry == "synthface") {
      if (!training.verification_images) {
        throw InvalidParameter("eval.sets: \"synthface\" needs data.source = \"synthface\"");
      }
      data::VerificationSet set;
      set.name = "synthface";
      set.format = "synthface";
      set.images = training.verification_images;
      set.pairs = training.pairs;
      set.true_quality_strata = true;
      sets.push_back(std::move(set));
    } else {
      sets.push_back(data::open_verification_set(resolve_evaluation_file(entry, experiment.data).string(), order));
    }
  }
  return sets;
}

std::shared_ptr<const data::SampleSource> closed_set_images(const Experiment& experiment,
                                                            const TrainingData& training) {
  const auto& sets = experiment.eval.sets;
  if (std::find(sets.begin(), sets.end(), eval::kClosedSetName) == sets.end()) return nullptr;
  if (!training.held_out_images) {
    throw InvalidParameter(std::string("eval.sets: \"") + eval::kClosedSetName +
                           "\" needs data.source = \"synthface\"");
  }
  return training.held_out_images;
}

eval::EvaluationOptions evaluation_options(const Experiment& experiment) {
  eval::EvaluationOptions options;
  options.loader = loader_config(experiment, false);
  if (experiment.eval.batch_size > 0) options.loader.batch_size = experiment.eval.batch_size;
  options.flip_test = experiment.eval.flip_test;
  return options;
}

}  // namespace marginlab::train
