#include "engine/data/image_list.h"

#include "core/atomic_file.h"
#include "core/errors.h"
#include "engine/data/face_alignment.h"
#include "engine/data/image_decode.h"

namespace marginlab::data {

ImageListSource::ImageListSource(std::string description, std::vector<std::filesystem::path> files,
                                 std::vector<benchmarks::FivePoints> landmarks)
    : description_(std::move(description)), files_(std::move(files)), landmarks_(std::move(landmarks)) {
  if (!landmarks_.empty() && landmarks_.size() != files_.size()) {
    throw InvalidParameter(description_ + ": " + std::to_string(landmarks_.size()) + " landmark sets for " +
                           std::to_string(files_.size()) + " images");
  }
}

ImageSample ImageListSource::load(std::int64_t index) const {
  const auto& path = file(index);
  std::string bytes;
  try {
    bytes = read_whole_file(path);
  } catch (const InvalidFile& error) {
    throw UnreadableSample(error.what());
  }
  auto image =
      decode_image({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, ColorOrder::bgr, path.string());
  if (landmarks_.empty()) return image;
  try {
    return align_face(image, benchmarks::estimate_similarity(landmarks_[static_cast<std::size_t>(index)]));
  } catch (const InvalidParameter& error) {
    throw UnreadableSample(path.string() + ": " + error.what());
  }
}

}  // namespace marginlab::data
