// CurricularFace: ArcFace (th/mm) target, hard negatives re-weighted to cos_j·(t + cos_j), t an EMA of the mean target
// cosine updated before use.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "engine/heads/arcface.h"
#include "engine/heads/curricularface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::f64;

std::shared_ptr<mh::CurricularFaceHeadImpl> make_curricularface(const mh::CurricularFaceParams& p = {}) {
  auto head = std::make_shared<mh::CurricularFaceHeadImpl>(4, 4, p);
  head->to(torch::kFloat64);
  return head;
}
}  // namespace

TEST(CurricularFace, TFollowsItsEmaOverLabelledRows) {
  auto head = make_curricularface();
  EXPECT_EQ(head->t(), 0.0);
  double t = 0.0;
  torch::manual_seed(51);
  for (int step = 0; step < 4; ++step) {
    auto cos = torch::rand({5, 4}, torch::kFloat64) * 1.8 - 0.9;
    auto labels = i64({0, 3, -1, 2, 1});
    head->forward_cosine(cos, torch::ones({5}), labels);
    // The unlabelled row 2 is not in the mean.
    const double mean = (cos[0][0] + cos[1][3] + cos[3][2] + cos[4][1]).item<double>() / 4.0;
    t = 0.01 * mean + 0.99 * t;
    EXPECT_NEAR(head->t(), t, 1e-15) << step;
  }
  // A batch without labels leaves t alone.
  head->forward_cosine(torch::zeros({2, 4}, torch::kFloat64), torch::ones({2}), i64({-1, -1}));
  EXPECT_NEAR(head->t(), t, 1e-15);
}

TEST(CurricularFace, TAlphaOneTracksTheBatchMean) {
  mh::CurricularFaceParams p;
  p.t_alpha = 1.0;
  auto head = make_curricularface(p);
  head->set_t(0.77);
  auto cos = f64({0.2, 0.0, 0.0, 0.0, 0.0, 0.6, 0.0, 0.0}).reshape({2, 4});
  head->forward_cosine(cos, torch::ones({2}), i64({0, 1}));
  EXPECT_NEAR(head->t(), 0.4, 1e-15);
  p.t_alpha = 0.0;
  head->set_params(p);
  head->forward_cosine(cos * 0.5, torch::ones({2}), i64({0, 1}));
  EXPECT_NEAR(head->t(), 0.4, 1e-15);
}

TEST(CurricularFace, OnlyHardNegativesAreModulated) {
  auto head = make_curricularface();
  head->set_t(0.3);
  const double m = 0.5, s = 64.0;
  // Row 0: target 0.5, cos(θ+m) = 0.0175; negatives 0.6 and 0.3 are hard, −0.2 is not.
  // Row 1: target 0.95, cos(θ+m) ≈ 0.68; only 0.9 is hard. Row 2: unlabelled, nothing is modulated.
  auto cos = f64({0.5, 0.6, 0.3, -0.2,  //
                  0.1, 0.95, 0.9, 0.2,  //
                  0.99, 0.9, 0.8, 0.7})
                 .reshape({3, 4})
                 .requires_grad_(true);
  auto labels = i64({0, 1, -1});
  auto out = head->forward_cosine(cos, torch::ones({3}), labels, true);
  const double t = 0.01 * (0.5 + 0.95) / 2 + 0.99 * 0.3;  // updated before it modulates
  EXPECT_NEAR(head->t(), t, 1e-15);
  auto expect_logit = [&](int i, int j, double value) {
    EXPECT_NEAR(out.logits[i][j].item<double>(), s * value, 1e-10) << i << "," << j;
  };
  auto phi = [&](double c) { return std::cos(std::acos(c) + m); };
  expect_logit(0, 0, phi(0.5));
  expect_logit(0, 1, 0.6 * (t + 0.6));
  expect_logit(0, 2, 0.3 * (t + 0.3));
  expect_logit(0, 3, -0.2);
  expect_logit(1, 1, phi(0.95));
  expect_logit(1, 0, 0.1);
  expect_logit(1, 2, 0.9 * (t + 0.9));
  expect_logit(1, 3, 0.2);
  for (int j = 0; j < 4; ++j) expect_logit(2, j, cos[2][j].item<double>());
  // d logit / d cos_j = s·(t + 2 cos_j) on a hard negative, s on an easy one.
  out.logits[0][1].backward(torch::ones({}, torch::kFloat64), /*retain_graph=*/true);
  EXPECT_NEAR(cos.grad()[0][1].item<double>(), s * (t + 1.2), 1e-10);
  cos.grad().zero_();
  out.logits[0][3].backward();
  EXPECT_NEAR(cos.grad()[0][3].item<double>(), s, 1e-12);
}

TEST(CurricularFace, TargetUsesThMmFallback) {
  auto head = make_curricularface();
  const double m = 0.5;
  const double mm = std::sin(M_PI - m) * m;
  auto cos = f64({-0.95, -0.99, -0.99, -0.99, -0.5, -0.99, -0.99, -0.99}).reshape({2, 4});
  auto out = head->forward_cosine(cos, torch::ones({2}), i64({0, 0}));
  EXPECT_NEAR(out.logits[0][0].item<double>(), 64.0 * (-0.95 - mm), 1e-10);
  EXPECT_NEAR(out.logits[1][0].item<double>(), 64.0 * std::cos(std::acos(-0.5) + m), 1e-10);
  // −0.99 beats neither target's cos(θ+m) ≈ −1: not hard, left as it is.
  EXPECT_NEAR(out.logits[0][1].item<double>(), 64.0 * -0.99, 1e-10);
}
