// The combined margin s·(cos(m1·θ + m2) − m3): ArcFace and CosFace as its special cases, the mxnet sample's numbers,
// and its place in the registry. (The checks every head passes, from finite gradients to unlabelled rows, reach it
// through the registry's variants.)
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "engine/heads/arcface.h"
#include "engine/heads/combinedmargin.h"
#include "engine/heads/cosface.h"
#include "tests/support/tensors.h"

namespace marginlab::heads {
namespace {

using test_support::i64;
using test_support::max_abs_diff;

// Cosines in (−0.7, 0.9): θ + 0.5 stays below π, where ArcFace's clip does not act.
torch::Tensor moderate_cosine(std::int64_t rows, std::int64_t columns) {
  torch::manual_seed(41);
  return (torch::rand({rows, columns}, torch::kFloat64) * 1.6 - 0.7).requires_grad_(true);
}

CombinedMarginParams margins(double m1, double m2, double m3) {
  CombinedMarginParams p;
  p.m1 = m1;
  p.m2 = m2;
  p.m3 = m3;
  return p;
}

// Logits and the gradient of the loss with respect to the cosines.
std::pair<torch::Tensor, torch::Tensor> run(MarginHeadImpl& head, const torch::Tensor& cosine,
                                            const torch::Tensor& labels) {
  head.to(torch::kFloat64);
  auto cos = cosine.detach().clone().requires_grad_(true);
  auto out = head.forward_cosine(cos, torch::ones({cos.size(0)}, torch::kFloat64), labels);
  out.loss.backward();
  return {out.logits.detach(), cos.grad()};
}

TEST(CombinedMargin, WithOnlyM2IsArcFace) {
  const auto cosine = moderate_cosine(6, 5);
  const auto labels = i64({0, 1, 2, 3, 4, 0});
  CombinedMarginHeadImpl combined(4, 5, margins(1.0, 0.5, 0.0));
  ArcFaceHeadImpl arcface(4, 5);
  const auto [combined_logits, combined_grad] = run(combined, cosine, labels);
  const auto [arcface_logits, arcface_grad] = run(arcface, cosine, labels);
  EXPECT_LT(max_abs_diff(combined_logits, arcface_logits), 1e-12);
  EXPECT_LT(max_abs_diff(combined_grad, arcface_grad), 1e-12);
}

TEST(CombinedMargin, WithOnlyM3IsCosFace) {
  const auto cosine = moderate_cosine(6, 5);
  const auto labels = i64({4, 3, 2, 1, 0, -1});
  CombinedMarginHeadImpl combined(4, 5, margins(1.0, 0.0, 0.35));
  CosFaceParams p;
  p.m = 0.35;
  CosFaceHeadImpl cosface(4, 5, p);
  const auto [combined_logits, combined_grad] = run(combined, cosine, labels);
  const auto [cosface_logits, cosface_grad] = run(cosface, cosine, labels);
  EXPECT_LT(max_abs_diff(combined_logits, cosface_logits), 1e-12);
  EXPECT_LT(max_abs_diff(combined_grad, cosface_grad), 1e-12);
}

TEST(CombinedMargin, TargetIsCosOfTheScaledShiftedAngleMinusM3) {
  CombinedMarginHeadImpl head(4, 3);  // the mxnet sample's (1.0, 0.3, 0.2)
  head.to(torch::kFloat64);
  const auto cosine = torch::tensor({0.5, 0.1, -0.2, 0.3, 0.8, 0.0}, torch::kFloat64).reshape({2, 3});
  auto out = head.forward_cosine(cosine, torch::ones({2}, torch::kFloat64), i64({0, 1}), true);
  EXPECT_NEAR(out.logits[0][0].item<double>(), 64.0 * (std::cos(std::acos(0.5) + 0.3) - 0.2), 1e-12);
  EXPECT_NEAR(out.logits[1][1].item<double>(), 64.0 * (std::cos(std::acos(0.8) + 0.3) - 0.2), 1e-12);
  EXPECT_NEAR(out.logits[0][1].item<double>(), 64.0 * 0.1, 1e-12);  // non-targets untouched
  // The reported margin is the target's cosine drop.
  EXPECT_NEAR(out.diagnostics.margin[0].item<double>(), 0.5 - (std::cos(std::acos(0.5) + 0.3) - 0.2), 1e-12);

  // m1 = 2 doubles the angle (SphereFace's multiplicative margin, without its piecewise ψ).
  head.set_parameter("m1", 2.0);
  head.set_parameter("m2", 0.0);
  head.set_parameter("m3", 0.0);
  out = head.forward_cosine(cosine, torch::ones({2}, torch::kFloat64), i64({0, 1}));
  EXPECT_NEAR(out.logits[0][0].item<double>(), 64.0 * std::cos(2.0 * std::acos(0.5)), 1e-12);
}

TEST(CombinedMargin, IsInTheRegistryWithTheMxnetSampleAsDefaults) {
  const auto* head = find_head("combinedmargin");
  ASSERT_NE(head, nullptr);
  std::map<std::string, double> defaults;
  for (const auto& p : head->params) defaults[p.name] = p.value;
  EXPECT_EQ(defaults.at("m1"), 1.0);
  EXPECT_EQ(defaults.at("m2"), 0.3);
  EXPECT_EQ(defaults.at("m3"), 0.2);
  EXPECT_THROW(head_parameter_values("combinedmargin", {{"m1", 0.0}}), InvalidParameter);
}

}  // namespace
}  // namespace marginlab::heads
