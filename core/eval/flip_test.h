#pragma once
// How an image's embedding is combined with its horizontal mirror's at evaluation, as the papers report results.
#include <optional>
#include <string_view>

namespace marginlab::eval {

enum class FlipTest {
  none,           // the image alone
  sum,            // unit(u + u_flip): both views count equally, whatever their norms
  norm_weighted,  // unit(‖f‖·u + ‖f_flip‖·u_flip), i.e. the sum of the raw features: insightface's flip test and
                  // AdaFace's fuse_features_with_norm, where the more confident (higher-norm) view dominates
};

constexpr std::string_view to_string(FlipTest flip) {
  switch (flip) {
    case FlipTest::none: return "none";
    case FlipTest::sum: return "sum";
    case FlipTest::norm_weighted: return "norm_weighted";
  }
  return "?";
}

// The inverse of to_string; nullopt for any other name.
constexpr std::optional<FlipTest> flip_test_from_string(std::string_view name) {
  for (const auto flip : {FlipTest::none, FlipTest::sum, FlipTest::norm_weighted}) {
    if (to_string(flip) == name) return flip;
  }
  return std::nullopt;
}

}  // namespace marginlab::eval
