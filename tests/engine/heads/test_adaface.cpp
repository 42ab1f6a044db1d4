// AdaFace, as the official head.py: ẑ from an EMA of the batch norm statistics (updated before use), target
// s·[cos(clip(θ_y − m·ẑ, ε, π−ε)) − m(1+ẑ)], non-targets s·clamp(cos, ±(1−ε)). Properties: margins.md §5, 1–8.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/errors.h"
#include "engine/heads/adaface.h"
#include "engine/heads/arcface.h"
#include "engine/heads/cosface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::f64;
using marginlab::test_support::max_abs_diff;

constexpr double kEps = 1e-3;


std::shared_ptr<mh::AdaFaceHeadImpl> make_adaface(const mh::AdaFaceParams& p = {}, std::int64_t classes = 5,
                                               torch::Dtype dtype = torch::kFloat64) {
  auto head = std::make_shared<mh::AdaFaceHeadImpl>(4, classes, p);
  head->to(dtype);
  return head;
}

mh::AdaFaceParams params(double m, double h, double t_alpha = 0.01) {
  mh::AdaFaceParams p;
  p.m = m;
  p.h = h;
  p.t_alpha = t_alpha;
  return p;
}

// Cosines in (−1, 1) with a few entries beyond the ±(1 − ε) clamp.
torch::Tensor cosine_with_extremes(std::int64_t b, std::int64_t c, std::uint64_t seed, torch::Dtype dtype) {
  torch::manual_seed(seed);
  auto cos = torch::rand({b, c}, torch::kFloat64) * 1.98 - 0.99;
  cos[0][1] = 1.0;
  cos[1][0] = -1.0;
  cos[2][2] = 0.9995;
  cos[3][3] = -0.9999;
  return cos.to(dtype);
}

torch::Tensor labels_for(std::int64_t b, std::int64_t c) { return torch::arange(b, torch::kInt64) % c; }

torch::Tensor target_mask(const torch::Tensor& labels, std::int64_t c) {
  return torch::one_hot(labels.clamp_min(0), c).to(torch::kBool) & (labels >= 0).unsqueeze(1);
}

// The closed form of the target logit.
double target_logit(double c, double z, double m, double s = 64.0) {
  const double clamped = std::clamp(c, -1.0 + kEps, 1.0 - kEps);
  const double angle = std::clamp(std::acos(clamped) - m * z, kEps, M_PI - kEps);
  return s * (std::cos(angle) - m * (1.0 + z));
}

double sample_mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }
double sample_std(const std::vector<double>& v) {
  const double mu = sample_mean(v);
  double ss = 0;
  for (double x : v) ss += (x - mu) * (x - mu);
  return std::sqrt(ss / (v.size() - 1));
}

}  // namespace

TEST(AdaFace, NonTargetLogitsAreScaledClampedCosines) {
  struct Case {
    double m, h, mean, sd;
    std::vector<double> norms;
  };
  const std::vector<Case> cases{{0.4, 0.333, 20, 100, {1, 20, 50, 100, 3, 7}},
                                {1.2, 1.0, 30, 2, {0.001, 200, 30, 31, 29, 5}},
                                {0.0, 0.0, 0, 0, {10, 10, 10, 10, 10, 10}}};
  for (auto dtype : {torch::kFloat64, torch::kFloat32}) {
    for (const auto& k : cases) {
      auto head = make_adaface(params(k.m, k.h), 5, dtype);
      head->set_norm_statistics(k.mean, k.sd);
      auto cos = cosine_with_extremes(6, 5, 81, dtype);
      auto labels = i64({2, 3, 0, -1, 4, 1});
      auto out = head->forward_cosine(cos, torch::tensor(k.norms), labels);
      auto expected = 64.0 * cos.clamp(-1 + kEps, 1 - kEps);
      auto off = ~target_mask(labels, 5);
      const double tol = dtype == torch::kFloat64 ? 1e-12 : 1e-5;
      EXPECT_LT(max_abs_diff(out.logits.masked_select(off), expected.masked_select(off)), tol) << k.m << " " << dtype;
    }
  }
}

TEST(AdaFace, HZeroIsCosFaceOnTheClampedCosine) {
  for (auto dtype : {torch::kFloat64, torch::kFloat32}) {
    auto head = make_adaface(params(0.4, 0.0), 5, dtype);
    mh::CosFaceParams cp;
    cp.m = 0.4;
    mh::CosFaceHeadImpl cosface(4, 5, cp);
    cosface.to(dtype);
    auto cos = cosine_with_extremes(8, 5, 82, dtype);
    auto labels = labels_for(8, 5);
    auto norms = torch::tensor({1.0, 5.0, 20.0, 45.0, 80.0, 100.0, 0.5, 33.0});
    auto ada = head->forward_cosine(cos, norms, labels).logits;
    auto ref = cosface.forward_cosine(cos.clamp(-1 + kEps, 1 - kEps), norms, labels).logits;
    EXPECT_LE(max_abs_diff(ada, ref), dtype == torch::kFloat64 ? 1e-9 : 1e-5) << dtype;
  }
}

TEST(AdaFace, MZeroIsNormFaceOnTheClampedCosine) {
  auto head = make_adaface(params(0.0, 0.333));
  auto cos = cosine_with_extremes(6, 5, 83, torch::kFloat64);
  auto out = head->forward_cosine(cos, f64({1, 10, 30, 60, 90, 100}), labels_for(6, 5));
  EXPECT_LE(max_abs_diff(out.logits, 64.0 * cos.clamp(-1 + kEps, 1 - kEps)), 1e-9);
}

TEST(AdaFace, LowestQualityIsArcFace) {
  // Frozen statistics (t_alpha = 0) far above the norms: ẑ ≡ −1.
  auto head = make_adaface(params(0.4, 0.333, 0.0));
  head->set_norm_statistics(50.0, 1.0);
  mh::ArcFaceParams ap;
  ap.m = 0.4;
  ap.eps = kEps;
  mh::ArcFaceHeadImpl arcface(4, 5, ap);
  arcface.to(torch::kFloat64);
  auto cos = cosine_with_extremes(8, 5, 84, torch::kFloat64);
  cos[4][4] = -0.95;  // θ + m past π − ε: both clip
  auto labels = labels_for(8, 5);
  auto norms = f64({0.5, 1, 2, 3, 4, 5, 6, 7});
  auto ada = head->forward_cosine(cos, norms, labels, true);
  auto arc = arcface.forward_cosine(cos, norms, labels);
  EXPECT_LE(max_abs_diff(ada.logits, arc.logits), 1e-12);
  EXPECT_EQ(max_abs_diff(ada.diagnostics.z_hat, torch::full({8}, -1.0, torch::kFloat64)), 0.0);
  EXPECT_EQ(head->batch_mean(), 50.0);  // t_alpha = 0 froze the EMA
}

TEST(AdaFace, HighestQualityIsCosThetaMinusMMinusTwoM) {
  auto head = make_adaface(params(0.4, 0.333, 0.0));
  head->set_norm_statistics(0.0, 1.0);
  auto cos = cosine_with_extremes(8, 5, 85, torch::kFloat64);
  auto labels = labels_for(8, 5);
  auto out = head->forward_cosine(cos, torch::full({8}, 100.0, torch::kFloat64), labels, true);
  EXPECT_EQ(max_abs_diff(out.diagnostics.z_hat, torch::ones({8}, torch::kFloat64)), 0.0);
  for (std::int64_t i = 0; i < 8; ++i) {
    const auto y = labels[i].item<std::int64_t>();
    const double c = std::clamp(cos[i][y].item<double>(), -1 + kEps, 1 - kEps);
    const double angle = std::clamp(std::acos(c) - 0.4, kEps, M_PI - kEps);
    EXPECT_NEAR(out.logits[i][y].item<double>(), 64.0 * (std::cos(angle) - 0.8), 1e-10) << i;
  }
}

TEST(AdaFace, TargetLogitIsNonIncreasingInTheNorm) {
  auto head = make_adaface(params(0.4, 1.0, 0.0));
  head->set_norm_statistics(20.0, 10.0);
  const std::int64_t n = 60;
  auto norms = torch::linspace(0.5, 60.0, n, torch::kFloat64);
  for (double c : {-0.98, -0.7, -0.2, 0.0, 0.3, 0.8, 0.99}) {
    auto cos = torch::full({n, 5}, 0.05, torch::kFloat64);
    cos.select(1, 0).fill_(c);
    auto out = head->forward_cosine(cos, norms, torch::zeros({n}, torch::kInt64), true);
    auto target = out.logits.select(1, 0);
    for (std::int64_t i = 1; i < n; ++i) {
      EXPECT_LE(target[i].item<double>(), target[i - 1].item<double>() + 1e-12) << "cos " << c << " row " << i;
      const double z = out.diagnostics.z_hat[i].item<double>();
      EXPECT_NEAR(target[i].item<double>(), target_logit(c, z, 0.4), 1e-9);
    }
    EXPECT_GT(target[0].item<double>() - target[n - 1].item<double>(), 1.0) << c;  // ẑ spans [−1, 1]: ≥ s·(2m − 2 sin m)
  }
}

TEST(AdaFace, MarginsStayInTheirRanges) {
  const double m = 0.4;
  auto head = make_adaface(params(m, 1.0, 0.0));
  head->set_norm_statistics(20.0, 5.0);
  torch::manual_seed(86);
  auto norms = torch::rand({64}, torch::kFloat64) * 60.0;
  auto cos = torch::rand({64, 5}, torch::kFloat64) * 1.8 - 0.9;
  auto out = head->forward_cosine(cos, norms, labels_for(64, 5), true);
  const auto& d = out.diagnostics;
  EXPECT_GE(d.g_additive.min().item<double>(), 0.0);
  EXPECT_LE(d.g_additive.max().item<double>(), 2 * m + 1e-15);
  EXPECT_GE(d.g_angular.min().item<double>(), -m - 1e-15);
  EXPECT_LE(d.g_angular.max().item<double>(), m);
  EXPECT_NEAR(d.g_additive.min().item<double>(), 0.0, 1e-15);  // some rows saturate at ẑ = −1 ...
  EXPECT_NEAR(d.g_additive.max().item<double>(), 2 * m, 1e-15);  // ... and at ẑ = +1
  EXPECT_LT(max_abs_diff(d.g_angular, -m * d.z_hat), 1e-15);
  EXPECT_LT(max_abs_diff(d.g_additive, m * (1 + d.z_hat)), 1e-15);
  // The reported cosine margin is cos θ_y − target.
  auto cos_y = cos.gather(1, labels_for(64, 5).unsqueeze(1)).squeeze(1);
  EXPECT_LT(max_abs_diff(d.cos_margin, cos_y - out.logits.gather(1, labels_for(64, 5).unsqueeze(1)).squeeze(1) / 64.0),
            1e-12);
}

TEST(AdaFace, NoGradientReachesTheNorms) {
  auto head = make_adaface();
  torch::manual_seed(87);
  auto emb = torch::randn({6, 4}, torch::kFloat64);
  emb = (emb / emb.norm(2, 1, true)).requires_grad_(true);
  auto norms = f64({3, 15, 25, 40, 70, 150}).reshape({6, 1}).requires_grad_(true);
  auto out = head->forward({emb, norms, labels_for(6, 5)});
  out.loss.backward();
  EXPECT_TRUE(!norms.grad().defined() || norms.grad().abs().max().item<double>() == 0.0);
  ASSERT_TRUE(emb.grad().defined());
  EXPECT_GT(emb.grad().abs().max().item<double>(), 0.0);
}

TEST(AdaFace, EmaAfterKIdenticalBatches) {
  auto head = make_adaface();  // t_alpha 0.01, start 20 / 100
  EXPECT_EQ(head->batch_mean(), 20.0);
  EXPECT_EQ(head->batch_std(), 100.0);
  const std::vector<double> raw{10, 14, 30, 22, 17, 250, 0};
  const std::vector<double> clipped{10, 14, 30, 22, 17, 100, 0.001};  // clip to [0.001, 100] before the statistics
  const double mu_b = sample_mean(clipped);
  const double sd_b = sample_std(clipped);  // unbiased
  auto cos = torch::zeros({7, 5}, torch::kFloat64);
  for (int k = 1; k <= 6; ++k) {
    head->forward_cosine(cos, f64(raw), labels_for(7, 5));
    EXPECT_NEAR(head->batch_mean(), mu_b + (20.0 - mu_b) * std::pow(0.99, k), 1e-12) << k;
    EXPECT_NEAR(head->batch_std(), sd_b + (100.0 - sd_b) * std::pow(0.99, k), 1e-12) << k;
  }
  // Not the biased std.
  const double biased = sd_b * std::sqrt(6.0 / 7.0);
  EXPECT_GT(std::abs(head->batch_std() - (biased + (100.0 - biased) * std::pow(0.99, 6))), 1e-3);
}

TEST(AdaFace, StatisticsAreUpdatedBeforeUse) {
  auto head = make_adaface(params(0.4, 1.0, 1.0));  // t_alpha = 1: the statistics are this batch's
  const std::vector<double> norms{12, 18, 25, 40};
  auto out = head->forward_cosine(torch::zeros({4, 5}, torch::kFloat64), f64(norms), labels_for(4, 5), true);
  const double mu = sample_mean(norms), sd = sample_std(norms);
  EXPECT_NEAR(head->batch_mean(), mu, 1e-12);
  EXPECT_NEAR(head->batch_std(), sd, 1e-12);
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(out.diagnostics.z_hat[i].item<double>(), std::clamp((norms[i] - mu) / (sd + kEps), -1.0, 1.0), 1e-12);
  }
}

TEST(AdaFace, StatisticsIgnoreLabelsKernelAndRowOrder) {
  torch::manual_seed(88);
  auto emb = torch::randn({6, 4}, torch::kFloat64);
  emb = emb / emb.norm(2, 1, true);
  auto norms = f64({3, 15, 25, 40, 70, 150});
  auto perm = i64({4, 0, 5, 2, 1, 3});
  torch::manual_seed(1);
  auto a = make_adaface();
  torch::manual_seed(2);
  auto b = make_adaface();  // another kernel
  ASSERT_GT(max_abs_diff(a->kernel(), b->kernel()), 1e-3);
  auto c = make_adaface();
  a->forward({emb, norms, labels_for(6, 5)});
  b->forward({emb, norms, i64({4, 4, 3, -1, 0, 2})});
  c->forward({emb.index_select(0, perm), norms.index_select(0, perm), labels_for(6, 5)});
  EXPECT_NEAR(a->batch_mean(), b->batch_mean(), 1e-12);
  EXPECT_NEAR(a->batch_std(), b->batch_std(), 1e-12);
  EXPECT_NEAR(a->batch_mean(), c->batch_mean(), 1e-12);
  EXPECT_NEAR(a->batch_std(), c->batch_std(), 1e-12);
  EXPECT_NE(a->batch_mean(), 20.0);
}

TEST(AdaFace, PermutingTheBatchPermutesTheOutput) {
  auto a = make_adaface();
  auto b = make_adaface();
  auto cos = cosine_with_extremes(6, 5, 89, torch::kFloat64);
  auto norms = f64({3, 15, 25, 40, 70, 100});
  auto labels = i64({1, 0, 4, -1, 2, 2});
  auto perm = i64({5, 3, 0, 1, 4, 2});
  auto out = a->forward_cosine(cos, norms, labels, true);
  auto out_p = b->forward_cosine(cos.index_select(0, perm), norms.index_select(0, perm), labels.index_select(0, perm),
                                 true);
  EXPECT_LT(max_abs_diff(out.logits.index_select(0, perm), out_p.logits), 1e-12);
  EXPECT_LT(max_abs_diff(out.diagnostics.z_hat.index_select(0, perm), out_p.diagnostics.z_hat), 1e-12);
  EXPECT_NEAR(out.loss.item<double>(), out_p.loss.item<double>(), 1e-12);
}

TEST(AdaFace, AbsentClassGetsPlainLogitAndOnlySoftmaxGradient) {
  auto head = make_adaface({}, 6);
  torch::manual_seed(90);
  auto cos = (torch::rand({4, 6}, torch::kFloat64) * 1.6 - 0.8).requires_grad_(true);
  auto labels = i64({0, 1, 2, 1});  // classes 3, 4, 5 are absent
  auto out = head->forward_cosine(cos, f64({10, 20, 30, 40}), labels);
  auto absent = torch::arange(3, 6, torch::kInt64);
  EXPECT_LT(max_abs_diff(out.logits.index_select(1, absent), 64.0 * cos.detach().index_select(1, absent)), 1e-12);
  out.loss.backward();
  auto p = torch::softmax(out.logits.detach(), 1);
  EXPECT_LT(max_abs_diff(cos.grad().index_select(1, absent), 64.0 * p.index_select(1, absent) / 4.0), 1e-12);
}

TEST(AdaFace, BatchOfOneLeavesTheStatisticsUnchanged) {
  auto head = make_adaface(params(0.4, 0.333));
  auto one = f64({0.3, 0.1, -0.2, 0.5, 0.0}).reshape({1, 5});
  auto out = head->forward_cosine(one, f64({35.0}), i64({0}), true);
  EXPECT_EQ(head->batch_mean(), 20.0);
  EXPECT_EQ(head->batch_std(), 100.0);
  EXPECT_TRUE(torch::isfinite(out.logits).all().item<bool>());
  EXPECT_TRUE(std::isfinite(out.loss.item<double>()));
  // ẑ uses the statistics as they are.
  const double z = 0.333 * (35.0 - 20.0) / (100.0 + kEps);
  EXPECT_NEAR(out.diagnostics.z_hat[0].item<double>(), z, 1e-12);
  EXPECT_NEAR(out.logits[0][0].item<double>(), target_logit(0.3, z, 0.4), 1e-10);
  head->forward_cosine(torch::zeros({3, 5}, torch::kFloat64), f64({10, 20, 60}), labels_for(3, 5));
  const double mean = head->batch_mean(), sd = head->batch_std();
  EXPECT_NE(mean, 20.0);
  head->forward_cosine(one, f64({90.0}), i64({0}));
  EXPECT_EQ(head->batch_mean(), mean);
  EXPECT_EQ(head->batch_std(), sd);
}

TEST(AdaFace, InvertQualityFlipsZHat) {
  auto p = params(0.4, 0.5, 0.0);
  auto normal = make_adaface(p);
  p.invert_quality = true;
  auto inverted = make_adaface(p);
  normal->set_norm_statistics(30.0, 8.0);
  inverted->set_norm_statistics(30.0, 8.0);
  auto cos = cosine_with_extremes(6, 5, 91, torch::kFloat64);
  auto norms = f64({2, 20, 28, 30, 45, 100});
  auto a = normal->forward_cosine(cos, norms, labels_for(6, 5), true).diagnostics.z_hat;
  auto b = inverted->forward_cosine(cos, norms, labels_for(6, 5), true).diagnostics.z_hat;
  EXPECT_EQ(max_abs_diff(a, -b), 0.0);
  EXPECT_GT(a.abs().max().item<double>(), 0.5);
  EXPECT_LT(a[0].item<double>(), 0.0);  // a low norm is low quality unless inverted
}

TEST(AdaFace, UnlabelledRowsHaveZHatButNoMargin) {
  auto head = make_adaface(params(0.4, 1.0, 0.0));
  head->set_norm_statistics(20.0, 10.0);
  auto cos = cosine_with_extremes(4, 5, 92, torch::kFloat64);
  auto out = head->forward_cosine(cos, f64({35, 25, 5, 5}), i64({0, -1, 2, -1}), true);
  const auto& d = out.diagnostics;
  EXPECT_NEAR(d.z_hat[1].item<double>(), (25.0 - 20.0) / (10.0 + kEps), 1e-12);
  EXPECT_EQ(d.g_additive[1].item<double>(), 0.0);
  EXPECT_EQ(d.g_angular[3].item<double>(), 0.0);
  EXPECT_GT(d.g_additive[0].item<double>(), 0.4);
  EXPECT_LT(max_abs_diff(out.logits[1], 64.0 * cos[1].clamp(-1 + kEps, 1 - kEps)), 1e-12);
}

TEST(AdaFace, SetNormStatisticsValidates) {
  auto head = make_adaface();
  head->set_norm_statistics(25.0, 4.0);
  EXPECT_THROW(head->set_norm_statistics(std::numeric_limits<double>::quiet_NaN(), 1.0), marginlab::InvalidParameter);
  EXPECT_THROW(head->set_norm_statistics(25.0, -1.0), marginlab::InvalidParameter);
  EXPECT_THROW(head->set_norm_statistics(25.0, std::numeric_limits<double>::infinity()), marginlab::InvalidParameter);
  EXPECT_EQ(head->batch_mean(), 25.0);
  EXPECT_EQ(head->batch_std(), 4.0);
}
