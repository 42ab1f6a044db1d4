#include "core/eval/quality_strata.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace marginlab::eval {
namespace {

// The k/3 quantile of sorted values, linear between the order statistics around position (n − 1)·k/3. The position
// is split in integers so that a cut meant to land on a value does not land a rounding error below it.
double tercile_cut(const std::vector<float>& sorted, std::size_t k) {
  const std::size_t below = (sorted.size() - 1) * k / 3;
  const double fraction = static_cast<double>((sorted.size() - 1) * k % 3) / 3.0;
  const auto above = std::min(below + 1, sorted.size() - 1);
  return static_cast<double>(sorted[below]) +
         fraction * (static_cast<double>(sorted[above]) - static_cast<double>(sorted[below]));
}

}  // namespace

QualityStrata quality_strata(std::span<const float> image_norms, std::span<const std::int64_t> first_image,
                             std::span<const std::int64_t> second_image) {
  if (first_image.size() != second_image.size()) {
    throw std::invalid_argument("quality strata: " + std::to_string(first_image.size()) + " first images for " +
                                std::to_string(second_image.size()) + " second images");
  }
  for (std::size_t i = 0; i < image_norms.size(); ++i) {
    if (!std::isfinite(image_norms[i])) {
      throw std::invalid_argument("quality strata: norm of image " + std::to_string(i) + " is not finite (" +
                                  std::to_string(image_norms[i]) + ")");
    }
  }
  const auto images = static_cast<std::int64_t>(image_norms.size());
  std::vector<float> lower_norms;
  lower_norms.reserve(first_image.size());
  for (std::size_t i = 0; i < first_image.size(); ++i) {
    for (auto image : {first_image[i], second_image[i]}) {
      if (image < 0 || image >= images) {
        throw std::invalid_argument("quality strata: pair " + std::to_string(i) + " names image " +
                                    std::to_string(image) + " of " + std::to_string(images));
      }
    }
    lower_norms.push_back(std::min(image_norms[first_image[i]], image_norms[second_image[i]]));
  }
  QualityStrata strata;
  if (lower_norms.empty()) return strata;
  auto sorted = lower_norms;
  std::sort(sorted.begin(), sorted.end());
  strata.low_cut = tercile_cut(sorted, 1);
  strata.high_cut = tercile_cut(sorted, 2);
  strata.stratum_of_pair.reserve(lower_norms.size());
  for (float norm : lower_norms) {
    const double value = norm;
    strata.stratum_of_pair.push_back(value < strata.low_cut ? 0 : value >= strata.high_cut ? 2 : 1);
  }
  return strata;
}

}  // namespace marginlab::eval
