#include "engine/train/data_setup.h"

#include <fmt/format.h>

#include "engine/core/errors.h"

namespace marginlab::train {

data::SynthFaceConfig synthface_config(const DataSettings& data, const std::string& origin) {
  data::SynthFaceConfig config;
  config.image_size = data.image_size;
  const auto& json = data.synthface;
  auto fail = [&](const std::string& key, const nlohmann::json& value, const std::string& why) {
    throw InvalidParameter(fmt::format("{}: data.synthface.{} = {}: {}", origin, key, value.dump(), why));
  };
  auto integer = [&](const std::string& key, std::int64_t& out) {
    if (!json.contains(key)) return;
    if (!json[key].is_number_integer()) fail(key, json[key], "must be an integer");
    out = json[key].get<std::int64_t>();
  };
  auto number = [&](const std::string& key, double& out) {
    if (!json.contains(key)) return;
    if (!json[key].is_number()) fail(key, json[key], "must be a number");
    out = json[key].get<double>();
  };
  for (auto it = json.begin(); it != json.end(); ++it) {
    static const std::vector<std::string> known{"seed", "identities", "max_images_per_identity", "imbalance_ratio",
                                                "low_quality_fraction", "family_size", "identity_spread",
                                                "verification_identities", "pairs_per_stratum"};
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) fail(it.key(), it.value(), "unknown key");
  }
  std::int64_t seed = static_cast<std::int64_t>(config.seed);
  integer("seed", seed);
  if (seed < 0) fail("seed", seed, "must be ≥ 0");
  config.seed = static_cast<std::uint64_t>(seed);
  integer("identities", config.identities);
  integer("max_images_per_identity", config.max_images_per_identity);
  number("imbalance_ratio", config.imbalance_ratio);
  number("low_quality_fraction", config.low_quality_fraction);
  integer("family_size", config.family_size);
  number("identity_spread", config.identity_spread);
  integer("verification_identities", config.verification_identities);
  integer("pairs_per_stratum", config.pairs_per_stratum);
  try {
    config.validate();
  } catch (const InvalidParameter& error) {
    throw InvalidParameter(origin + ": data.synthface: " + error.what());
  }
  return config;
}

TrainingData open_training_data(const DataSettings& data, const std::string& origin) {
  if (data.source != "synthface") {
    // The readers for real datasets are the next piece of work; until then such an experiment is refused up front.
    throw InvalidParameter(origin + ": data.source = \"" + data.source +
                           "\": reading this source is not implemented yet; only synthface can be trained on today");
  }
  auto synthface = std::make_shared<data::SynthFace>(synthface_config(data, origin));
  TrainingData result;
  result.verification_images = synthface->verification_images();
  result.pairs = synthface->verification_pairs();
  result.train = std::move(synthface);
  return result;
}

data::LoaderConfig loader_config(const Experiment& e, bool training) {
  data::LoaderConfig config;
  config.batch_size = e.train.batch_size;
  config.threads = e.data.loader_threads;
  config.prefetch_batches = e.data.prefetch_batches;
  config.seed = e.train.seed;
  config.shuffle = training;
  config.drop_last = training;
  config.image_size = e.data.image_size;
  config.color_order = e.data.color_order == "bgr" ? data::ColorOrder::bgr : data::ColorOrder::rgb;
  config.mean = e.data.mean;
  config.std = e.data.std;
  if (training) {
    config.augment.flip = e.data.flip;
    config.augment.crop = e.data.crop;
    config.augment.low_resolution = e.data.low_resolution;
    config.augment.photometric = e.data.photometric;
  } else {
    config.augment = data::AugmentConfig{0.0, 0.0, 0.0, 0.0};
  }
  config.pin_memory = torch::cuda::is_available();
  return config;
}

}  // namespace marginlab::train
