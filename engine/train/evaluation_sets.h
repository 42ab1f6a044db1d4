#pragma once
// The verification sets an experiment's eval.sets names, opened for the trainer and `marginlab-cli eval`.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/data/verification_set.h"
#include "engine/eval/evaluator.h"
#include "engine/train/data_setup.h"
#include "core/experiment/experiment.h"

namespace marginlab::train {

// A relative entry is looked up in data.path's folder first (insightface ships lfw.bin beside train.rec), then in
// the working directory. Throws InvalidFile naming the entry and every place tried.
std::filesystem::path resolve_evaluation_file(const std::string& entry, const DataSettings& data);

// "synthface" comes from the training data's held-out identities (true-quality strata); the others are .bin packs
// or pair lists, decoded in the experiment's colour order. "synthface-closed" is left out (closed_set_images).
std::vector<data::VerificationSet> open_evaluation_sets(const Experiment& experiment, const TrainingData& training);

// The held-out images of the training identities when eval.sets lists "synthface-closed" (null otherwise):
// the trainer classifies them by its head's class centres. InvalidParameter when the source cannot render them.
std::shared_ptr<const data::SampleSource> closed_set_images(const Experiment& experiment, const TrainingData& training);

// The experiment's preprocessing and eval settings as evaluator options.
eval::EvaluationOptions evaluation_options(const Experiment& experiment);

}  // namespace marginlab::train
