// ElasticFace: per-sample margins drawn from N(m, σ) at every call; the "+" variants rank them so that the k-th
// largest cos θ_y gets the k-th smallest margin.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "engine/heads/cosface.h"
#include "engine/heads/elasticface.h"
#include "engine/heads/head_factory.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::max_abs_diff;
using marginlab::test_support::random_cosine;

std::shared_ptr<mh::ElasticFaceHeadImpl> make_elasticface(mh::ElasticKind kind, bool plus, std::uint64_t seed,
                                                   std::int64_t classes = 3) {
  auto p = mh::ElasticFaceParams::defaults(kind, plus);
  p.seed = seed;
  auto head = std::make_shared<mh::ElasticFaceHeadImpl>(4, classes, p);
  head->to(torch::kFloat64);
  return head;
}


torch::Tensor margins_of(mh::ElasticFaceHeadImpl& head, const torch::Tensor& cos, const torch::Tensor& labels) {
  return head.forward_cosine(cos, torch::ones({cos.size(0)}), labels, true).diagnostics.margin;
}
}  // namespace

TEST(ElasticFace, MarginsFollowTheNormalDistribution) {
  for (auto kind : {mh::ElasticKind::arc, mh::ElasticKind::cos}) {
    auto head = make_elasticface(kind, false, 123);
    const double m = kind == mh::ElasticKind::arc ? 0.5 : 0.35;
    auto cos = random_cosine(4000, 3, 71, 0.8);
    auto labels = torch::zeros({4000}, torch::kInt64);
    auto draws = torch::cat({margins_of(*head, cos, labels), margins_of(*head, cos, labels)});
    const double n = static_cast<double>(draws.numel());
    // 5 standard errors of the mean, and of the std (≈ σ/√(2n)).
    EXPECT_NEAR(draws.mean().item<double>(), m, 5 * 0.05 / std::sqrt(n));
    EXPECT_NEAR(draws.std().item<double>(), 0.05, 5 * 0.05 / std::sqrt(2 * n));
    // Roughly normal: about 68% within one σ.
    const double within = ((draws - m).abs() < 0.05).to(torch::kFloat64).mean().item<double>();
    EXPECT_NEAR(within, 0.6827, 0.02);
  }
}

TEST(ElasticFace, SameSeedSameMarginsAndFreshDrawsEveryCall) {
  auto cos = random_cosine(16, 3, 72, 0.8);
  auto labels = torch::randint(0, 3, {16}, torch::kInt64);
  auto a = make_elasticface(mh::ElasticKind::arc, false, 9);
  auto b = make_elasticface(mh::ElasticKind::arc, false, 9);
  auto c = make_elasticface(mh::ElasticKind::arc, false, 10);
  auto a1 = margins_of(*a, cos, labels);
  auto b1 = margins_of(*b, cos, labels);
  EXPECT_EQ(max_abs_diff(a1, b1), 0.0);
  EXPECT_GT(max_abs_diff(a1, margins_of(*c, cos, labels)), 1e-3);
  auto a2 = margins_of(*a, cos, labels);
  EXPECT_GT(max_abs_diff(a1, a2), 1e-3);  // resampled at every call
  EXPECT_EQ(max_abs_diff(a2, margins_of(*b, cos, labels)), 0.0);
}

TEST(ElasticFace, TargetsUseTheDrawnMargin) {
  auto cos = random_cosine(8, 3, 73, 0.8);
  auto labels = i64({0, 1, 2, 0, 1, 2, 0, 1});
  for (auto kind : {mh::ElasticKind::arc, mh::ElasticKind::cos}) {
    auto head = make_elasticface(kind, false, 5);
    auto out = head->forward_cosine(cos, torch::ones({8}), labels, true);
    for (std::int64_t i = 0; i < 8; ++i) {
      const auto y = labels[i].item<std::int64_t>();
      const double c = cos[i][y].item<double>();
      const double m = out.diagnostics.margin[i].item<double>();
      const double want = kind == mh::ElasticKind::arc ? std::cos(std::min(std::acos(c) + m, M_PI)) : c - m;
      EXPECT_NEAR(out.logits[i][y].item<double>(), 64.0 * want, 1e-9);
      for (std::int64_t j = 0; j < 3; ++j) {
        if (j != y) EXPECT_NEAR(out.logits[i][j].item<double>(), 64.0 * cos[i][j].item<double>(), 1e-12);
      }
    }
  }
}

TEST(ElasticFace, ZeroSigmaIsTheFixedMarginHead) {
  auto p = mh::ElasticFaceParams::defaults(mh::ElasticKind::cos, false);
  p.sigma = 0.0;
  mh::ElasticFaceHeadImpl elastic(4, 3, p);
  mh::CosFaceParams cp;
  cp.m = 0.35;
  mh::CosFaceHeadImpl cosface(4, 3, cp);
  elastic.to(torch::kFloat64);
  cosface.to(torch::kFloat64);
  auto cos = random_cosine(6, 3, 74, 0.8);
  auto labels = i64({0, 1, 2, 0, 1, 2});
  EXPECT_LT(max_abs_diff(elastic.forward_cosine(cos, torch::ones({6}), labels).logits,
                         cosface.forward_cosine(cos, torch::ones({6}), labels).logits),
            1e-12);
}

TEST(ElasticFace, PlusGivesTheLargestCosineTheSmallestMargin) {
  for (auto kind : {mh::ElasticKind::arc, mh::ElasticKind::cos}) {
    auto cos = random_cosine(12, 3, 75, 0.8);
    auto labels = i64({0, 1, 2, -1, 0, 1, 2, 0, -1, 1, 2, 0});
    auto plus = make_elasticface(kind, true, 77, 3);
    auto out = plus->forward_cosine(cos, torch::ones({12}), labels, true);
    auto margin = out.diagnostics.margin;
    auto cos_y = cos.gather(1, labels.clamp_min(0).unsqueeze(1)).squeeze(1);
    int compared = 0;
    for (std::int64_t i = 0; i < 12; ++i) {
      for (std::int64_t j = 0; j < 12; ++j) {
        if (labels[i].item<std::int64_t>() < 0 || labels[j].item<std::int64_t>() < 0) continue;
        if (cos_y[i].item<double>() > cos_y[j].item<double>()) {
          EXPECT_LE(margin[i].item<double>(), margin[j].item<double>()) << i << " vs " << j;
          ++compared;
        }
      }
    }
    EXPECT_GT(compared, 40);
    EXPECT_GT(margin.max().item<double>() - margin.masked_select(labels >= 0).min().item<double>(), 1e-3);
    // The same seed without "+" draws the same values, only in another order.
    auto p = mh::ElasticFaceParams::defaults(kind, true);
    p.plus = false;
    p.seed = 77;
    mh::ElasticFaceHeadImpl plain(4, 3, p);
    plain.to(torch::kFloat64);
    auto raw = plain.forward_cosine(cos, torch::ones({12}), labels, true).diagnostics.margin;
    auto labelled = labels >= 0;
    // The "+" head ranks the labelled rows' own draws among themselves.
    EXPECT_LT(max_abs_diff(std::get<0>(margin.masked_select(labelled).sort()),
                           std::get<0>(raw.masked_select(labelled).sort())),
              1e-15);
  }
}

TEST(ElasticFace, FactoryUsesThePaperDefaults) {
  auto arc_plus = mh::make_head(mh::HeadSpec{"elasticface-arc+", 4, 3});
  EXPECT_EQ(arc_plus->head_name(), "ElasticFace-Arc+");
  EXPECT_EQ(arc_plus->margin_unit(), "rad");
  auto values = arc_plus->parameter_values();
  EXPECT_DOUBLE_EQ(values[1].value, 0.5);
  EXPECT_DOUBLE_EQ(values[2].value, 0.0175);
  auto cos_plain = mh::make_head(mh::HeadSpec{"elasticface-cos", 4, 3});
  EXPECT_EQ(cos_plain->head_name(), "ElasticFace-Cos");
  EXPECT_EQ(cos_plain->margin_unit(), "cos");
  values = cos_plain->parameter_values();
  EXPECT_DOUBLE_EQ(values[1].value, 0.35);
  EXPECT_DOUBLE_EQ(values[2].value, 0.05);
  EXPECT_DOUBLE_EQ(mh::ElasticFaceParams::defaults(mh::ElasticKind::cos, true).sigma, 0.02);
}
