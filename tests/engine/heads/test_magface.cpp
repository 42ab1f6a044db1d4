// MagFace: margin linear in the clamped feature norm, easy-margin ArcFace target, regulariser λ_g·mean g(a), and a
// norm that keeps its gradient.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "engine/heads/magface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::f64;

std::shared_ptr<mh::MagFaceHeadImpl> make_magface(const mh::MagFaceParams& p = {}) {
  auto head = std::make_shared<mh::MagFaceHeadImpl>(4, 3, p);
  head->to(torch::kFloat64);
  return head;
}

double margin_at(double a) {
  const double clamped = std::min(110.0, std::max(10.0, a));
  return (0.8 - 0.45) / 100.0 * (clamped - 10.0) + 0.45;
}
}  // namespace

TEST(MagFace, LambdaLowerBoundForDefaults) {
  mh::MagFaceParams p;
  const double k = 0.35 / 100.0;
  EXPECT_NEAR(p.lambda_g_lower_bound(), 64.0 * k * 110 * 110 * 10 * 10 / (110 * 110 - 10 * 10), 1e-12);
  EXPECT_NEAR(p.lambda_g_lower_bound(), 22.6, 0.05);
  EXPECT_GT(p.lambda_g_lower_bound(), 20.0);  // the trainer default fails the check
  EXPECT_LT(p.lambda_g_lower_bound(), p.lambda_g);
}

TEST(MagFace, MarginIsLinearInTheClampedNorm) {
  auto head = make_magface();
  const std::vector<double> norms{1.0, 10.0, 35.0, 60.0, 110.0, 400.0};
  auto cos = torch::full({6, 3}, 0.1, torch::kFloat64);
  cos.select(1, 0).fill_(0.6);
  auto out = head->forward_cosine(cos, f64(norms), i64({0, 0, 0, 0, 0, 0}), true);
  for (std::size_t i = 0; i < norms.size(); ++i) {
    const double m = margin_at(norms[i]);
    EXPECT_NEAR(out.diagnostics.margin[i].item<double>(), m, 1e-12) << norms[i];
    EXPECT_NEAR(out.logits[i][0].item<double>(), 64.0 * std::cos(std::acos(0.6) + m), 1e-10) << norms[i];
    EXPECT_NEAR(out.logits[i][1].item<double>(), 6.4, 1e-12);
  }
  EXPECT_NEAR(out.diagnostics.margin[2].item<double>(), 0.5375, 1e-12);
  EXPECT_EQ(head->margin_unit(), "rad");
}

TEST(MagFace, EasyMarginByDefaultThMmOtherwise) {
  auto cos = f64({-0.3, 0.1, 0.1, -0.95, 0.1, 0.1}).reshape({2, 3});
  auto easy = make_magface();
  auto out = easy->forward_cosine(cos, f64({60, 60}), i64({0, 0}));
  EXPECT_NEAR(out.logits[0][0].item<double>(), 64.0 * -0.3, 1e-12);
  EXPECT_NEAR(out.logits[1][0].item<double>(), 64.0 * -0.95, 1e-12);
  mh::MagFaceParams p;
  p.easy_margin = false;
  auto hard = make_magface(p);
  out = hard->forward_cosine(cos, f64({60, 60}), i64({0, 0}));
  const double m = margin_at(60);
  EXPECT_NEAR(out.logits[0][0].item<double>(), 64.0 * std::cos(std::acos(-0.3) + m), 1e-10);
  EXPECT_NEAR(out.logits[1][0].item<double>(), 64.0 * (-0.95 - std::sin(M_PI - m) * m), 1e-10);
}

TEST(MagFace, RegulariserIsLambdaTimesMeanGOfTheClampedNorm) {
  auto head = make_magface();
  auto norms = f64({5.0, 20.0, 70.0, 150.0}).requires_grad_(true);
  torch::manual_seed(61);
  auto cos = torch::rand({4, 3}, torch::kFloat64) * 1.6 - 0.8;
  auto out = head->forward_cosine(cos, norms, i64({0, 1, 2, 0}));
  auto g = [](double a) { return a / (110.0 * 110.0) + 1.0 / a; };
  const double expected = 35.0 * (g(10) + g(20) + g(70) + g(110)) / 4.0;
  EXPECT_NEAR(out.regulariser.item<double>(), expected, 1e-12);
  EXPECT_NEAR(out.loss.item<double>(), out.classification_loss.item<double>() + expected, 1e-12);
  // Its gradient: λ_g/B·(1/u_a² − 1/a²) inside the clamp, zero outside.
  out.regulariser.backward();
  auto grad = norms.grad();
  EXPECT_EQ(grad[0].item<double>(), 0.0);
  EXPECT_EQ(grad[3].item<double>(), 0.0);
  EXPECT_NEAR(grad[1].item<double>(), 35.0 / 4.0 * (1.0 / 12100.0 - 1.0 / 400.0), 1e-12);
  EXPECT_NEAR(grad[2].item<double>(), 35.0 / 4.0 * (1.0 / 12100.0 - 1.0 / 4900.0), 1e-12);
}

TEST(MagFace, ClassificationLossSendsGradientToTheNorm) {
  auto head = make_magface();
  auto norms = f64({40.0, 80.0}).requires_grad_(true);
  auto cos = f64({0.7, 0.2, -0.1, 0.1, 0.5, 0.3}).reshape({2, 3});
  auto out = head->forward_cosine(cos, norms, i64({0, 1}));
  out.classification_loss.backward();
  // A larger norm → a larger margin → a lower target logit → a larger loss.
  EXPECT_GT(norms.grad()[0].item<double>(), 0.0);
  EXPECT_GT(norms.grad()[1].item<double>(), 0.0);
  // Finite difference of the classification loss in the first norm.
  auto loss_at = [&](double a0) {
    auto fresh = make_magface();
    return fresh->forward_cosine(cos, f64({a0, 80.0}), i64({0, 1})).classification_loss.item<double>();
  };
  const double h = 1e-5;
  EXPECT_NEAR(norms.grad()[0].item<double>(), (loss_at(40.0 + h) - loss_at(40.0 - h)) / (2 * h), 1e-6);
}

TEST(MagFace, KernelColumnsStartUnitLength) {
  mh::MagFaceHeadImpl head(16, 7);
  EXPECT_LT((head.kernel().norm(2, 0) - 1).abs().max().item<double>(), 1e-5);
  EXPECT_LE(head.kernel().abs().max().item<double>(), 1.0);
}
