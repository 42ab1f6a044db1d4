// ArcFace: s·cos(θ_y + m) at the target, with the exact (default), straight-through and legacy th/mm forms.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <memory>
#include <string>

#include "engine/heads/arcface.h"
#include "engine/heads/normface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::max_abs_diff;

mh::ArcFaceParams variant(const std::string& name) {
  mh::ArcFaceParams p;
  if (name == "straight_through") p.gradient = mh::ArcFaceGradient::straight_through;
  if (name == "legacy") p.legacy_th_mm = true;
  return p;
}

// One-row batch: target logit and its derivative with respect to the target cosine.
std::pair<double, double> target_and_slope(mh::ArcFaceHeadImpl& head, double c) {
  auto cos = torch::tensor({c, 0.0}, torch::kFloat64).reshape({1, 2}).requires_grad_(true);
  auto out = head.forward_cosine(cos, torch::ones({1}), i64({0}));
  out.logits[0][0].backward();
  return {out.logits[0][0].item<double>(), cos.grad()[0][0].item<double>()};
}

std::shared_ptr<mh::ArcFaceHeadImpl> make_ptr(const mh::ArcFaceParams& p) {
  auto head = std::make_shared<mh::ArcFaceHeadImpl>(4, 2, p);
  head->to(torch::kFloat64);
  return head;
}
}  // namespace

TEST(ArcFace, ExactFormMatchesClosedFormAndItsDerivative) {
  auto head_ptr = make_ptr(variant("exact"));
  auto& head = *head_ptr;
  const double s = 64.0, m = 0.5;
  for (double c : {-0.8, -0.3, 0.0, 0.4, 0.9, 0.99}) {
    const double theta = std::acos(c);
    auto [logit, slope] = target_and_slope(head, c);
    EXPECT_NEAR(logit, s * std::cos(theta + m), 1e-10) << c;
    EXPECT_NEAR(slope, s * std::sin(theta + m) / std::sin(theta), 1e-8) << c;
  }
  // θ + m past π − eps is clipped: the target sits at cos(π − eps) with no gradient.
  auto [logit, slope] = target_and_slope(head, -0.95);
  EXPECT_NEAR(logit, s * std::cos(M_PI - 1e-4), 1e-10);
  EXPECT_EQ(slope, 0.0);
  // Non-targets are clamped to ±(1 − eps).
  auto cos = torch::tensor({0.2, 1.0, 0.3, -1.0}, torch::kFloat64).reshape({2, 2});
  auto out = head.forward_cosine(cos, torch::ones({2}), i64({0, 0}));
  EXPECT_NEAR(out.logits[0][1].item<double>(), s * (1 - 1e-4), 1e-10);
  EXPECT_NEAR(out.logits[1][1].item<double>(), -s * (1 - 1e-4), 1e-10);
}

TEST(ArcFace, ZeroMarginIsNormFaceForEveryForm) {
  mh::NormFaceHeadImpl normface(4, 5);
  normface.to(torch::kFloat64);
  torch::manual_seed(41);
  auto cos = torch::rand({6, 5}, torch::kFloat64) * 1.9 - 0.95;
  auto labels = i64({0, 1, 2, 3, 4, 2});
  auto reference = normface.forward_cosine(cos, torch::ones({6}), labels).logits;
  for (const char* name : {"exact", "straight_through", "legacy"}) {
    auto p = variant(name);
    p.m = 0.0;
    mh::ArcFaceHeadImpl head(4, 5, p);
    head.to(torch::kFloat64);
    auto logits = head.forward_cosine(cos, torch::ones({6}), labels).logits;
    EXPECT_LT(max_abs_diff(logits, reference), 1e-10) << name;
  }
}

TEST(ArcFace, StraightThroughHasSlopeExactlySAndNoClip) {
  auto head_ptr = make_ptr(variant("straight_through"));
  auto& head = *head_ptr;
  for (double c : {-0.99, -0.9, -0.5, 0.0, 0.5, 0.99, 1.0, -1.0}) {
    auto [logit, slope] = target_and_slope(head, c);
    // Forward: plain cos(θ + m), rising again once θ + m passes π.
    EXPECT_NEAR(logit, 64.0 * std::cos(std::acos(c) + 0.5), 1e-10) << c;
    EXPECT_EQ(slope, 64.0) << c;
  }
  auto [past_pi, unused] = target_and_slope(head, -0.999);
  auto [before_pi, unused2] = target_and_slope(head, -0.85);
  EXPECT_GT(past_pi, before_pi);  // insightface's forward is not monotone there
}

TEST(ArcFace, LegacyFallbackIsActiveExactlyBelowTheThreshold) {
  const double m = 0.5;
  const double th = std::cos(M_PI - m);
  const double mm = std::sin(M_PI - m) * m;
  auto head_ptr = make_ptr(variant("legacy"));
  auto& head = *head_ptr;
  const double above = std::nextafter(th, 1.0);
  auto [logit_above, slope_above] = target_and_slope(head, above);
  EXPECT_NEAR(logit_above, 64.0 * (above * std::cos(m) - std::sqrt(1 - above * above) * std::sin(m)), 1e-9);
  EXPECT_NEAR(logit_above / 64.0, -1.0, 1e-6);
  auto [logit_at, slope_at] = target_and_slope(head, th);
  EXPECT_NEAR(logit_at, 64.0 * (th - mm), 1e-10);
  EXPECT_NEAR(logit_at / 64.0, -std::cos(m) - m * std::sin(m), 1e-12);  // the discontinuity: −1.117
  EXPECT_EQ(slope_at, 64.0);
  for (double c : {-0.999, -0.95, -0.9}) {
    auto [logit, slope] = target_and_slope(head, c);
    EXPECT_NEAR(logit, 64.0 * (c - mm), 1e-10) << c;
    EXPECT_EQ(slope, 64.0) << c;
  }
  for (double c : {-0.85, 0.0, 0.7}) {
    auto [logit, slope] = target_and_slope(head, c);
    EXPECT_NEAR(logit, 64.0 * std::cos(std::acos(c) + m), 1e-10) << c;
  }
  // The insightface legacy form's NaN gradient at |cos| = 1 is fixed here.
  auto [logit_one, slope_one] = target_and_slope(head, 1.0);
  EXPECT_NEAR(logit_one, 64.0 * std::cos(m), 1e-3);
  EXPECT_TRUE(std::isfinite(slope_one));
}

TEST(ArcFace, EasyMarginOnlyWherePositive) {
  for (const char* name : {"exact", "legacy"}) {
    auto p = variant(name);
    p.easy_margin = true;
    auto head_ptr = make_ptr(p);
    auto& head = *head_ptr;
    auto cos = torch::tensor({-0.6, 0.1, -0.05, 0.2, 0.0, 0.3, 0.5, 0.2}, torch::kFloat64).reshape({4, 2});
    auto out = head.forward_cosine(cos, torch::ones({4}), i64({0, 0, 0, 0}), true);
    EXPECT_NEAR(out.logits[0][0].item<double>(), 64.0 * -0.6, 1e-10) << name;
    EXPECT_NEAR(out.logits[1][0].item<double>(), 64.0 * -0.05, 1e-10) << name;
    EXPECT_NEAR(out.logits[2][0].item<double>(), 0.0, 1e-10) << name;
    EXPECT_NEAR(out.logits[3][0].item<double>(), 64.0 * std::cos(std::acos(0.5) + 0.5), 1e-10) << name;
    auto margin = out.diagnostics.margin;
    EXPECT_EQ(margin[0].item<double>(), 0.0) << name;
    EXPECT_EQ(margin[2].item<double>(), 0.0) << name;
    EXPECT_NEAR(margin[3].item<double>(), 0.5, 1e-12) << name;
  }
}

TEST(ArcFace, DiagnosticsReportTheAngularMargin) {
  auto head_ptr = make_ptr(variant("exact"));
  auto& head = *head_ptr;
  auto cos = torch::tensor({0.6, 0.1}, torch::kFloat64).reshape({1, 2});
  auto out = head.forward_cosine(cos, torch::ones({1}), i64({0}), true);
  EXPECT_EQ(head.margin_unit(), "rad");
  EXPECT_NEAR(out.diagnostics.margin[0].item<double>(), 0.5, 1e-12);
  EXPECT_NEAR(out.diagnostics.cos_margin[0].item<double>(), 0.6 - std::cos(std::acos(0.6) + 0.5), 1e-10);
}

TEST(ArcFace, CosThetaPlusMarginHelper) {
  auto c = torch::tensor({-1.0, -0.3, 0.2, 1.0}, torch::kFloat64).requires_grad_(true);
  auto m = torch::full({4}, 0.3, torch::kFloat64);
  auto y = mh::cos_theta_plus_margin(c, m);
  for (int i = 1; i < 3; ++i) {
    const double v = c[i].item<double>();
    EXPECT_NEAR(y[i].item<double>(), std::cos(std::acos(v) + 0.3), 1e-12);
  }
  EXPECT_NEAR(y[3].item<double>(), std::cos(0.3), 1e-6);
  y.sum().backward();
  EXPECT_TRUE(torch::isfinite(c.grad()).all().item<bool>());
}
