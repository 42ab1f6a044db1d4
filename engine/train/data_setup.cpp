#include "engine/train/data_setup.h"

#include "core/errors.h"
#include "engine/data/image_folder.h"
#include "engine/data/recordio_source.h"

namespace marginlab::train {

TrainingData open_training_data(const DataSettings& data, const std::string& origin) {
  if (data.source == "image_folder" || data.source == "recordio") {
    if (data.path.empty()) {
      throw InvalidParameter(origin + ": data.path is empty, but data.source = \"" + data.source +
                             "\" reads the dataset from there (" +
                             (data.source == "recordio" ? "a folder with train.rec and train.idx, or a .rec file"
                                                        : "a folder with one subfolder per identity") +
                             ")");
    }
    // Decoded straight into the tensor's channel order: the loader then has no channels to swap.
    const auto order = data.color_order == "bgr" ? data::ColorOrder::bgr : data::ColorOrder::rgb;
    TrainingData result;
    if (data.source == "recordio") {
      result.train = std::make_shared<data::RecordIOSource>(data.path, order);
    } else {
      result.train = std::make_shared<data::ImageFolderSource>(data.path, order);
    }
    return result;  // no verification images of their own: the evaluation sets come from eval.sets
  }
  if (data.source != "synthface") {
    throw InvalidParameter(origin + ": data.source = \"" + data.source +
                           "\" is not a known source (synthface, image_folder, recordio)");
  }
  auto synthface = std::make_shared<data::SynthFace>(synthface_config(data, origin));
  TrainingData result;
  result.verification_images = synthface->verification_images();
  result.pairs = synthface->verification_pairs();
  result.held_out_images = synthface->held_out_images(kHeldOutImagesPerIdentity);
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
  config.pin_memory = true;  // the loader pins only where CUDA is there
  return config;
}

}  // namespace marginlab::train
