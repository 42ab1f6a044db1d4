#include "core/data/synthface_config.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "core/errors.h"
#include "core/range.h"

namespace marginlab::data {
namespace {

void check(bool ok, std::string_view key, double value, std::string_view allowed) {
  if (ok) return;
  throw InvalidParameter("synthface: " + std::string(key) + " = " + format_number(value) + " is outside the allowed " +
                         "range " + std::string(allowed));
}

}  // namespace

void SynthFaceConfig::validate() const {
  constexpr double kMaxIdentities = 1e6;
  check(identities >= 2 && identities <= kMaxIdentities, "identities", double(identities), "[2, 1000000]");
  check(max_images_per_identity >= 1 && max_images_per_identity <= 100000, "max_images_per_identity",
        double(max_images_per_identity), "[1, 100000]");
  check(std::isfinite(imbalance_ratio) && imbalance_ratio >= 1 && imbalance_ratio <= double(max_images_per_identity),
        "imbalance_ratio", imbalance_ratio,
        "[1, max_images_per_identity = " + std::to_string(max_images_per_identity) + "]");
  check(image_size >= 32 && image_size <= 1024, "image_size", double(image_size), "[32, 1024]");
  check(low_quality_fraction >= 0 && low_quality_fraction <= 1, "low_quality_fraction", low_quality_fraction, "[0, 1]");
  check(family_size >= 1 && family_size <= std::min(identities, verification_identities), "family_size",
        double(family_size), "[1, min(identities, verification_identities)]");
  check(identity_spread > 0 && identity_spread <= 1, "identity_spread", identity_spread, "(0, 1]");
  check(verification_identities >= 2 && verification_identities <= kMaxIdentities, "verification_identities",
        double(verification_identities), "[2, 1000000]");
  check(pairs_per_stratum >= 2 && pairs_per_stratum <= 1000000, "pairs_per_stratum", double(pairs_per_stratum),
        "[2, 1000000]");
}

}  // namespace marginlab::data
