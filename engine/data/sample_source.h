#pragma once
// What every data source offers the loader: indexed images with global class ids. Torch-free and OpenCV-free, so
// the interface builds everywhere; the image work behind it lives in the OpenCV part of the engine.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace marginlab::data {

// Channel order of the pixels a source hands out and of the tensors the loader makes. Recorded with every run.
enum class ColorOrder { rgb, bgr };

// One decoded image, height × width × 3 interleaved 8-bit channels, in the order the source declares.
struct ImageSample {
  int height = 0;
  int width = 0;
  std::vector<std::uint8_t> pixels;  // height·width·3 bytes, row-major HWC
  std::int64_t label = -1;           // global class id
  // Known image quality in [0, 1] (SynthFace knows it); NaN when the source cannot know it.
  float quality = std::numeric_limits<float>::quiet_NaN();
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;

  virtual std::int64_t size() const = 0;         // number of images
  // Labels are in [0, num_classes). A source of images without identities (a verification set's, for evaluation
  // only) has num_classes 0, empty class_counts and label -1.
  virtual std::int64_t num_classes() const = 0;
  virtual std::int64_t label(std::int64_t index) const = 0;  // cheap: no decoding
  // n_c for every class (KappaFace's population weight, the class-size plots).
  virtual std::vector<std::int64_t> class_counts() const = 0;
  // Decodes / renders image `index`. Must be safe to call from several loader threads at once, and
  // deterministic: the same index always gives the same pixels. Throws InvalidFile naming the file/record.
  virtual ImageSample load(std::int64_t index) const = 0;
  virtual ColorOrder color_order() const = 0;
  // One line for logs and `data inspect`: what it is and where it comes from.
  virtual std::string describe() const = 0;
};

}  // namespace marginlab::data
