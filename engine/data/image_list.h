#pragma once
// Image files named one by one, each aligned on load by its five landmarks when it has them: the IJB loose crops,
// TinyFace's aligned or raw crops, a user's faces for `align`. A SampleSource for embedding, without identities.
// Pixels are decoded as OpenCV reads them (BGR, as the authors' scripts do); the loader converts to the model's order.
#include <filesystem>
#include <string>
#include <vector>

#include "core/benchmarks/five_point.h"
#include "engine/data/sample_source.h"

namespace marginlab::data {

class ImageListSource : public SampleSource {
 public:
  // `landmarks`: empty (images used as they are) or one set per file. Throws InvalidParameter when the counts differ.
  ImageListSource(std::string description, std::vector<std::filesystem::path> files,
                  std::vector<benchmarks::FivePoints> landmarks = {});

  std::int64_t size() const override { return static_cast<std::int64_t>(files_.size()); }
  std::int64_t num_classes() const override { return 0; }
  std::int64_t label(std::int64_t) const override { return -1; }
  std::vector<std::int64_t> class_counts() const override { return {}; }
  // Reads, decodes and (with landmarks) aligns to 112×112. Throws UnreadableSample naming the file when it cannot be
  // read or decoded, or when its landmarks are degenerate.
  ImageSample load(std::int64_t index) const override;
  ColorOrder color_order() const override { return ColorOrder::bgr; }
  std::string describe() const override { return description_; }

  const std::filesystem::path& file(std::int64_t index) const { return files_.at(static_cast<std::size_t>(index)); }

 private:
  std::string description_;
  std::vector<std::filesystem::path> files_;
  std::vector<benchmarks::FivePoints> landmarks_;
};

}  // namespace marginlab::data
