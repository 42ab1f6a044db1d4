// CosFace: s·(cos θ_y − m) at the target, s·cos θ elsewhere, cosines clamped to [−1, 1].
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/heads/cosface.h"
#include "engine/heads/normface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::max_abs_diff;
using marginlab::test_support::random_cosine;
}  // namespace

TEST(CosFace, TargetLogitLosesMOthersUntouched) {
  mh::CosFaceParams p;
  p.m = 0.35;
  p.s = 30.0;
  mh::CosFaceHeadImpl head(4, 5, p);
  head.to(torch::kFloat64);
  auto cos = random_cosine(4, 5, 31);
  auto labels = i64({1, 0, 4, 1});
  auto out = head.forward_cosine(cos, torch::ones({4}), labels, true);
  auto expected = 30.0 * cos.clone();
  for (std::int64_t i = 0; i < 4; ++i) {
    const auto y = labels[i].item<std::int64_t>();
    expected[i][y] = 30.0 * (cos[i][y].item<double>() - 0.35);
  }
  EXPECT_LT(max_abs_diff(out.logits, expected), 1e-12);
  EXPECT_LT(max_abs_diff(out.diagnostics.cos_margin, torch::full({4}, 0.35, torch::kFloat64)), 1e-12);
  EXPECT_LT(max_abs_diff(out.diagnostics.margin, torch::full({4}, 0.35, torch::kFloat64)), 1e-12);
}

TEST(CosFace, ZeroMarginIsNormFace) {
  mh::CosFaceParams p;
  p.m = 0.0;
  mh::CosFaceHeadImpl cosface(4, 5, p);
  mh::NormFaceHeadImpl normface(4, 5);
  cosface.to(torch::kFloat64);
  normface.to(torch::kFloat64);
  auto cos = random_cosine(6, 5, 32);
  auto labels = i64({0, 1, 2, 3, 4, 0});
  auto a = cosface.forward_cosine(cos, torch::ones({6}), labels);
  auto b = normface.forward_cosine(cos, torch::ones({6}), labels);
  EXPECT_LT(max_abs_diff(a.logits, b.logits), 1e-15);
  EXPECT_NEAR(a.loss.item<double>(), b.loss.item<double>(), 1e-12);
}

TEST(CosFace, CosinesBeyondUnitAreClampedAndTargetSlopeIsS) {
  mh::CosFaceHeadImpl head(4, 3);
  head.to(torch::kFloat64);
  auto cos = torch::tensor({1.2, -1.5, 0.3}, torch::kFloat64).reshape({1, 3}).requires_grad_(true);
  auto out = head.forward_cosine(cos, torch::ones({1}), i64({2}), true);
  auto expected = torch::tensor({64.0, -64.0, 64.0 * (0.3 - 0.4)}, torch::kFloat64).reshape({1, 3});
  EXPECT_LT(max_abs_diff(out.logits, expected), 1e-12);
  out.logits[0][2].backward();
  EXPECT_NEAR(cos.grad()[0][2].item<double>(), 64.0, 1e-12);
  EXPECT_EQ(cos.grad()[0][0].item<double>(), 0.0);
}
