#pragma once
// From the experiment's data settings to the sources and loader settings a run uses. Needs the engine's OpenCV
// part (SynthFace, the image loader).
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "engine/data/loader.h"
#include "engine/data/synthface.h"
#include "core/experiment/experiment.h"

namespace marginlab::train {

struct TrainingData {
  std::shared_ptr<const data::SampleSource> train;
  // Verification images and the pairs over them (SynthFace's held-out identities); null when the source has none.
  std::shared_ptr<const data::SampleSource> verification_images;
  std::vector<data::VerificationPair> pairs;
  // Unseen images of the training identities for the closed-set accuracy by class size (eval.sets
  // "synthface-closed"); null when the source cannot render them.
  std::shared_ptr<const data::SampleSource> held_out_images;
};

// Held-out images per training identity in the closed-set evaluation.
inline constexpr std::int64_t kHeldOutImagesPerIdentity = 5;

TrainingData open_training_data(const DataSettings& data, const std::string& origin);

// Training: shuffled, augmented, incomplete last batch dropped. Evaluation: in order, every image, no augmentation.
data::LoaderConfig loader_config(const Experiment& experiment, bool training);

}  // namespace marginlab::train
