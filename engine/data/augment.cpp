#include "engine/data/augment.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <string>

#include "core/errors.h"
#include "engine/data/random.h"

namespace marginlab::data {
namespace {

void check_probability(std::string_view key, double value) {
  if (value >= 0.0 && value <= 1.0) return;
  std::ostringstream message;
  message.precision(10);
  message << "augment: " << key << " = " << value << " is outside the allowed range [0, 1]";
  throw InvalidParameter(message.str());
}

// A draw for one augmentation: whether it happens, and a private stream for its own parameters.
struct Draw {
  bool happens;
  std::uint64_t bits;
};
Draw draw(std::mt19937_64& rng, double probability) {
  const bool happens = unit_from_bits(rng()) < probability;
  return {happens, rng()};
}

// torchvision's RandomResizedCrop.get_params (scale [0.2, 1], ratio [3/4, 4/3]), then AdaFace's twist: the region
// stays where it was and everything around it turns black.
void crop_in_place(cv::Mat& image, CounterRandom& r) {
  const int height = image.rows, width = image.cols;
  const double area = static_cast<double>(height) * width;
  const double log_low = std::log(3.0 / 4.0), log_high = std::log(4.0 / 3.0);
  int crop_h = height, crop_w = width, top = 0, left = 0;
  bool found = false;
  for (int attempt = 0; attempt < 10 && !found; ++attempt) {
    const double target = area * r.uniform(0.2, 1.0);
    const double aspect = std::exp(r.uniform(log_low, log_high));
    const int w = static_cast<int>(std::lround(std::sqrt(target * aspect)));
    const int h = static_cast<int>(std::lround(std::sqrt(target / aspect)));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      crop_h = h;
      crop_w = w;
      top = static_cast<int>(r.below(height - h + 1));
      left = static_cast<int>(r.below(width - w + 1));
      found = true;
    }
  }
  if (!found) {  // torchvision's fallback: the largest centred region within the aspect range
    const double in_ratio = static_cast<double>(width) / height;
    if (in_ratio < 3.0 / 4.0) crop_h = static_cast<int>(std::lround(width / (3.0 / 4.0)));
    if (in_ratio > 4.0 / 3.0) crop_w = static_cast<int>(std::lround(height * (4.0 / 3.0)));
    top = (height - crop_h) / 2;
    left = (width - crop_w) / 2;
  }
  const cv::Scalar black(0, 0, 0);
  image.rowRange(0, top).setTo(black);
  image.rowRange(top + crop_h, height).setTo(black);
  image(cv::Rect(0, top, left, crop_h)).setTo(black);
  image(cv::Rect(left + crop_w, top, width - left - crop_w, crop_h)).setTo(black);
}

constexpr std::array<int, 5> kInterpolations{cv::INTER_NEAREST, cv::INTER_LINEAR, cv::INTER_AREA, cv::INTER_CUBIC,
                                             cv::INTER_LANCZOS4};

void lower_resolution(cv::Mat& image, CounterRandom& r) {
  const double side_ratio = r.uniform(0.2, 1.0);
  const int down = kInterpolations[static_cast<std::size_t>(r.below(kInterpolations.size()))];
  const int up = kInterpolations[static_cast<std::size_t>(r.below(kInterpolations.size()))];
  const cv::Size small(std::max(1, static_cast<int>(side_ratio * image.cols)),
                       std::max(1, static_cast<int>(side_ratio * image.rows)));
  thread_local cv::Mat reduced;
  cv::resize(image, reduced, small, 0, 0, down);
  cv::resize(reduced, image, image.size(), 0, 0, up);
}

// ITU-R 601 luma, as PIL's convert("L") and torchvision's rgb_to_grayscale weigh the channels.
struct LumaWeights {
  float first, second, third;
};
LumaWeights luma_weights(ColorOrder order) {
  return order == ColorOrder::rgb ? LumaWeights{0.299f, 0.587f, 0.114f} : LumaWeights{0.114f, 0.587f, 0.299f};
}

std::uint8_t to_byte(float value) { return static_cast<std::uint8_t>(std::clamp(value, 0.0f, 255.0f) + 0.5f); }

// A plain loop rather than cv::Mat::forEach: the loader already runs one image per thread, and forEach would hand
// each small image to OpenCV's thread pool.
template <class Fn>
void for_each_pixel(cv::Mat& image, Fn&& fn) {
  for (int y = 0; y < image.rows; ++y) {
    auto* row = image.ptr<cv::Vec3b>(y);
    for (int x = 0; x < image.cols; ++x) fn(row[x]);
  }
}

// The three blends of PIL's ImageEnhance (which AdaFace's ColorJitter runs on): each pixel moves towards black,
// the image's mean grey or its own grey by 1 − factor, rounded back to bytes after every step.
void blend_with_black(cv::Mat& image, float factor) {
  for_each_pixel(image, [factor](cv::Vec3b& p) {
    for (int c = 0; c < 3; ++c) p[c] = to_byte(p[c] * factor);
  });
}
void blend_with_mean_grey(cv::Mat& image, float factor, LumaWeights w) {
  double sum = 0.0;
  for_each_pixel(image, [&sum, w](const cv::Vec3b& p) { sum += w.first * p[0] + w.second * p[1] + w.third * p[2]; });
  const float mean = static_cast<float>(sum / (static_cast<double>(image.rows) * image.cols));
  for_each_pixel(image, [factor, mean](cv::Vec3b& p) {
    for (int c = 0; c < 3; ++c) p[c] = to_byte(mean + factor * (p[c] - mean));
  });
}
void blend_with_own_grey(cv::Mat& image, float factor, LumaWeights w) {
  for_each_pixel(image, [factor, w](cv::Vec3b& p) {
    const float grey = w.first * p[0] + w.second * p[1] + w.third * p[2];
    for (int c = 0; c < 3; ++c) p[c] = to_byte(grey + factor * (p[c] - grey));
  });
}

void jitter_colours(cv::Mat& image, CounterRandom& r, ColorOrder order) {
  const float brightness = static_cast<float>(r.uniform(0.5, 1.5));
  const float contrast = static_cast<float>(r.uniform(0.5, 1.5));
  const float saturation = static_cast<float>(r.uniform(0.5, 1.5));
  std::array<int, 3> steps{0, 1, 2};
  for (std::size_t i = steps.size(); i > 1; --i) std::swap(steps[i - 1], steps[static_cast<std::size_t>(r.below(i))]);
  const LumaWeights weights = luma_weights(order);
  for (const int step : steps) {
    if (step == 0) blend_with_black(image, brightness);
    if (step == 1) blend_with_mean_grey(image, contrast, weights);
    if (step == 2) blend_with_own_grey(image, saturation, weights);
  }
}

}  // namespace

void AugmentConfig::validate() const {
  check_probability("flip", flip);
  check_probability("crop", crop);
  check_probability("low_resolution", low_resolution);
  check_probability("photometric", photometric);
}

void augment(ImageSample& image, const AugmentConfig& config, std::mt19937_64& rng, ColorOrder order) {
  config.validate();
  if (image.height <= 0 || image.width <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.height) * image.width * 3) {
    throw InvalidParameter("augment: image of " + std::to_string(image.height) + "×" + std::to_string(image.width) +
                           " pixels holds " + std::to_string(image.pixels.size()) + " bytes instead of h·w·3");
  }
  const Draw crop = draw(rng, config.crop);
  const Draw low_resolution = draw(rng, config.low_resolution);
  const Draw photometric = draw(rng, config.photometric);
  const Draw flip = draw(rng, config.flip);
  cv::Mat pixels(image.height, image.width, CV_8UC3, image.pixels.data());
  if (crop.happens) {
    CounterRandom r(crop.bits);
    crop_in_place(pixels, r);
  }
  if (low_resolution.happens) {
    CounterRandom r(low_resolution.bits);
    lower_resolution(pixels, r);
  }
  if (photometric.happens) {
    CounterRandom r(photometric.bits);
    jitter_colours(pixels, r, order);
  }
  if (flip.happens) cv::flip(pixels, pixels, 1);
}

}  // namespace marginlab::data
