#pragma once
// Quality strata of verification pairs on real data, where true quality is unknown and the feature norm stands in for
// it (the AdaFace observation: norm tracks image quality). A pair is as hard as its worse image, so the pair's lower
// norm decides its stratum. Torch-free.
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

namespace marginlab::eval {

// Stratum indices 0, 1, 2 name themselves here; pass this to verification_by_stratum.
inline constexpr std::array<std::string_view, 3> kQualityStratumNames{"low", "mid", "high"};

struct QualityStrata {
  // The 1/3 and 2/3 quantiles of the pairs' lower norms, interpolated linearly between order statistics (numpy's
  // default). A pair is "low" below low_cut, "high" at or above high_cut, "mid" otherwise, so pairs with equal lower
  // norms always share a stratum and the strata hold about a third of the pairs each unless norms tie.
  double low_cut = std::numeric_limits<double>::quiet_NaN();
  double high_cut = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::uint8_t> stratum_of_pair;  // index into kQualityStratumNames
};

// Pair i joins images first_image[i] and second_image[i] (indices into image_norms). With no pairs the cuts are NaN.
// Throws std::invalid_argument when the pair lists differ in size, a pair names an image that does not exist, or a
// norm is not finite (the message names the pair or image and the value).
QualityStrata quality_strata(std::span<const float> image_norms, std::span<const std::int64_t> first_image,
                             std::span<const std::int64_t> second_image);

}  // namespace marginlab::eval
