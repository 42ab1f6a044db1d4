// KappaFace: per-class margin m0·ψ_c, ψ mixing a vMF-concentration weight and a population weight, refreshed once per
// epoch (ψ = 1 before) or every N steps. Properties: margins.md §5, 9–13, and the Decisions table.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "core/errors.h"
#include "engine/heads/arcface.h"
#include "engine/heads/kappaface.h"
#include "tests/support/tensors.h"

namespace mh = marginlab::heads;
using marginlab::InvalidBatch;

namespace {

using marginlab::test_support::i64;
using marginlab::test_support::f64;
using marginlab::test_support::max_abs_diff;

constexpr std::int64_t kDim = 8;

torch::Tensor vec(const std::vector<double>& v) { return torch::tensor(v, torch::kFloat64); }
torch::Tensor unit_rows(const torch::Tensor& x) { return x / x.norm(2, 1, true); }

std::shared_ptr<mh::KappaFaceHeadImpl> make_kappaface(const std::vector<std::int64_t>& counts,
                                                 const mh::KappaFaceParams& p = {}, std::int64_t dataset_size = -1) {
  if (dataset_size < 0) dataset_size = std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
  auto head = std::make_shared<mh::KappaFaceHeadImpl>(kDim, counts, dataset_size, p, /*seed=*/3);
  head->to(torch::kFloat64);
  return head;
}

// One feature per sample of the dataset: class c around its own direction, noisier for larger c.
struct Scenario {
  torch::Tensor features;  // (N, D) unit rows
  torch::Tensor labels;    // (N)
  torch::Tensor ids;       // (N) 0..N−1
};

Scenario scenario(const std::vector<std::int64_t>& counts, std::uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<torch::Tensor> rows;
  std::vector<std::int64_t> labels;
  for (std::size_t c = 0; c < counts.size(); ++c) {
    auto centre = unit_rows(torch::randn({1, kDim}, torch::kFloat64));
    const double noise = 0.15 + 0.35 * static_cast<double>(c);
    rows.push_back(unit_rows(centre + noise * torch::randn({counts[c], kDim}, torch::kFloat64)));
    labels.insert(labels.end(), counts[c], static_cast<std::int64_t>(c));
  }
  auto features = torch::cat(rows);
  return {features, i64(labels), torch::arange(features.size(0), torch::kInt64)};
}

// Memory rows set to the features themselves, so that each observed row is exactly the feature.
void observe_all(mh::KappaFaceHeadImpl& head, const Scenario& s, std::int64_t chunks = 2) {
  head.memory().copy_(s.features);
  const auto n = s.features.size(0);
  const auto step = (n + chunks - 1) / chunks;
  for (std::int64_t start = 0; start < n; start += step) {
    const auto end = std::min(n, start + step);
    head.observe(s.ids.slice(0, start, end), s.features.slice(0, start, end), s.labels.slice(0, start, end));
  }
}

struct Expected {
  torch::Tensor r, kappa, w_kappa, w_pop, psi;
};

// The statistics as margins.md §2.2 defines them, with the decided fixes (r̂ cap, singleton classes out of the
// standardisation).
Expected expected_statistics(const torch::Tensor& sums, const std::vector<std::int64_t>& counts,
                             const mh::KappaFaceParams& p) {
  const bool code = p.variant == mh::KappaVariant::code;
  auto n = torch::tensor(counts, torch::kInt64).to(torch::kFloat64);
  Expected e;
  e.r = (sums.norm(2, 1) / n).clamp(0.0, 1.0 - p.eps);
  e.kappa = e.r * (kDim - e.r * e.r) / (1.0 - e.r * e.r);
  auto estimable = n >= 2;
  auto k = e.kappa.masked_select(estimable);
  const double mean = k.mean().item<double>();
  const double sd = std::sqrt((k - mean).pow(2).sum().item<double>() / (k.numel() - (code ? 1.0 : 0.0)));
  auto kappa_tilde = torch::where(estimable, (e.kappa - mean) / sd, torch::zeros_like(e.kappa));
  e.w_kappa = 1.0 - torch::sigmoid(p.temperature * kappa_tilde);
  const double big_k = (code ? 1.05 : 1.0) * n.max().item<double>();
  e.w_pop = (torch::cos(M_PI * n / big_k) + 1.0) / 2.0;
  e.psi = code ? p.gamma * e.w_kappa + (1 - p.gamma) * e.w_pop : p.gamma * e.w_pop + (1 - p.gamma) * e.w_kappa;
  return e;
}

torch::Tensor class_sums(const Scenario& s, std::int64_t classes) {
  return torch::zeros({classes, kDim}, torch::kFloat64).index_add_(0, s.labels, s.features);
}

const std::vector<std::int64_t> kCounts{2, 3, 4, 6, 10};

}  // namespace

TEST(KappaFace, BeforeTheFirstRefreshPsiIsOneAndTheHeadIsArcFaceM0) {
  auto head = make_kappaface(kCounts);
  EXPECT_EQ(max_abs_diff(head->psi(), torch::ones({5})), 0.0);
  EXPECT_EQ(head->class_statistics().refreshes, 0);
  mh::ArcFaceParams ap;
  ap.m = 0.8;
  mh::ArcFaceHeadImpl arcface(kDim, 5, ap);
  arcface.to(torch::kFloat64);
  torch::manual_seed(101);
  auto cos = torch::rand({6, 5}, torch::kFloat64) * 1.3 - 0.6;  // θ + 0.8 stays below π
  auto labels = i64({0, 1, 2, 3, 4, 0});
  auto out = head->forward_cosine(cos, torch::ones({6}), labels, true);
  auto ref = arcface.forward_cosine(cos, torch::ones({6}), labels);
  EXPECT_LT(max_abs_diff(out.logits, ref.logits), 1e-10);
  EXPECT_LT(max_abs_diff(out.diagnostics.margin, torch::full({6}, 0.8, torch::kFloat64)), 1e-12);
  // No th/mm fallback: past θ + m0 = π the target is clipped at cos π = −1 (legacy would give cos − mm).
  auto far = f64({-0.9, 0.2, 0.1, 0.0, -0.1}).reshape({1, 5});
  auto far_out = head->forward_cosine(far, torch::ones({1}), i64({0}));
  EXPECT_NEAR(far_out.logits[0][0].item<double>(), -64.0, 1e-9);
  // Non-targets are the plain scaled cosine.
  EXPECT_NEAR(far_out.logits[0][1].item<double>(), 64.0 * 0.2, 1e-12);
}

TEST(KappaFace, ZeroMarginIsNormFace) {
  mh::KappaFaceParams p;
  p.m0 = 0.0;
  auto head = make_kappaface(kCounts, p);
  torch::manual_seed(102);
  auto cos = torch::rand({6, 5}, torch::kFloat64) * 1.98 - 0.99;
  auto out = head->forward_cosine(cos, torch::ones({6}), i64({0, 1, 2, 3, 4, 0}));
  EXPECT_LT(max_abs_diff(out.logits, 64.0 * cos), 1e-12);
}

TEST(KappaFace, EpochRefreshComputesTheSpecifiedStatistics) {
  const mh::KappaFaceParams p;  // code variant, γ 0.7, T 0.4, m0 0.8
  auto head = make_kappaface(kCounts, p);
  const auto s = scenario(kCounts, 103);
  observe_all(*head, s);
  // Constant within the epoch: observing does not move ψ.
  EXPECT_EQ(max_abs_diff(head->psi(), torch::ones({5})), 0.0);
  head->end_epoch();
  const auto stats = head->class_statistics();
  EXPECT_EQ(stats.refreshes, 1);
  const auto e = expected_statistics(class_sums(s, 5), kCounts, p);
  EXPECT_LT(max_abs_diff(vec(stats.r), e.r), 1e-9);
  EXPECT_LT(max_abs_diff(vec(stats.kappa), e.kappa), 1e-6);
  EXPECT_LT(max_abs_diff(vec(stats.w_kappa), e.w_kappa), 1e-9);
  EXPECT_LT(max_abs_diff(vec(stats.w_pop), e.w_pop), 1e-12);
  EXPECT_LT(max_abs_diff(vec(stats.psi), e.psi), 1e-9);
  EXPECT_LT(max_abs_diff(vec(stats.margin), 0.8 * e.psi), 1e-9);
  EXPECT_EQ(stats.count, kCounts);
  for (int c = 0; c < 5; ++c) {
    EXPECT_GT(stats.psi[c], 0.0);
    EXPECT_LT(stats.psi[c], 1.0);
  }
  // w_κ strictly decreasing in κ.
  std::vector<int> order{0, 1, 2, 3, 4};
  std::sort(order.begin(), order.end(), [&](int a, int b) { return stats.kappa[a] < stats.kappa[b]; });
  for (int i = 1; i < 5; ++i) {
    ASSERT_LT(stats.kappa[order[i - 1]], stats.kappa[order[i]]);
    EXPECT_GT(stats.w_kappa[order[i - 1]], stats.w_kappa[order[i]]);
  }
  // w_n strictly decreasing in n_c; the largest class keeps (cos(π/1.05) + 1)/2 ≈ 0.0056.
  for (int c = 1; c < 5; ++c) EXPECT_GT(stats.w_pop[c - 1], stats.w_pop[c]);
  EXPECT_NEAR(stats.w_pop[4], 0.0056, 1e-4);
  EXPECT_NEAR(stats.w_pop[4], (std::cos(M_PI / 1.05) + 1) / 2, 1e-15);

  // The next epoch's logits use m0·ψ_y, and forward calls do not move ψ.
  torch::manual_seed(104);
  auto cos = torch::rand({5, 5}, torch::kFloat64) * 1.6 - 0.8;
  auto labels = i64({4, 3, 2, 1, 0});
  auto out = head->forward_cosine(cos, torch::ones({5}), labels, true);
  for (std::int64_t i = 0; i < 5; ++i) {
    const auto y = labels[i].item<std::int64_t>();
    const double angle = std::min(std::acos(cos[i][y].item<double>()) + 0.8 * stats.psi[y], M_PI);
    EXPECT_NEAR(out.logits[i][y].item<double>(), 64.0 * std::cos(angle), 1e-9) << i;
    EXPECT_NEAR(out.diagnostics.margin[i].item<double>(), 0.8 * stats.psi[y], 1e-12);
  }
  observe_all(*head, scenario(kCounts, 105));
  EXPECT_EQ(head->class_statistics().psi, stats.psi);
}

TEST(KappaFace, PaperVariantMixesTheOtherWayAndZeroesTheLargestClass) {
  mh::KappaFaceParams p;
  p.variant = mh::KappaVariant::paper;
  auto head = make_kappaface(kCounts, p);
  const auto s = scenario(kCounts, 106);
  observe_all(*head, s);
  head->refresh();
  const auto stats = head->class_statistics();
  const auto e = expected_statistics(class_sums(s, 5), kCounts, p);
  EXPECT_LT(max_abs_diff(vec(stats.w_kappa), e.w_kappa), 1e-9);
  EXPECT_LT(max_abs_diff(vec(stats.psi), e.psi), 1e-9);
  EXPECT_NEAR(stats.w_pop[4], 0.0, 1e-15);
  EXPECT_NEAR(stats.psi[4], 0.3 * stats.w_kappa[4], 1e-12);
}

TEST(KappaFace, GammaSelectsConcentrationOrPopulation) {
  const auto s = scenario(kCounts, 107);
  auto run = [&](double gamma, mh::KappaVariant variant) {
    mh::KappaFaceParams p;
    p.gamma = gamma;
    p.variant = variant;
    auto head = make_kappaface(kCounts, p);
    observe_all(*head, s);
    head->refresh();
    return head->class_statistics();
  };
  auto pure_kappa = run(1.0, mh::KappaVariant::code);
  EXPECT_LT(max_abs_diff(vec(pure_kappa.psi), vec(pure_kappa.w_kappa)), 1e-15);
  EXPECT_GT(max_abs_diff(vec(pure_kappa.psi), vec(pure_kappa.w_pop)), 0.05);
  auto pure_pop = run(0.0, mh::KappaVariant::code);
  EXPECT_LT(max_abs_diff(vec(pure_pop.psi), vec(pure_pop.w_pop)), 1e-15);
  auto paper_pop = run(1.0, mh::KappaVariant::paper);
  EXPECT_LT(max_abs_diff(vec(paper_pop.psi), vec(paper_pop.w_pop)), 1e-15);
}

TEST(KappaFace, ZeroTemperatureGivesHalfConcentrationWeight) {
  mh::KappaFaceParams p;
  p.temperature = 1e-9;
  auto head = make_kappaface(kCounts, p);
  observe_all(*head, scenario(kCounts, 108));
  head->refresh();
  const auto stats = head->class_statistics();
  EXPECT_LT(max_abs_diff(vec(stats.w_kappa), torch::full({5}, 0.5, torch::kFloat64)), 1e-8);
  // And a large T spreads them.
  p.temperature = 50.0;
  auto sharp = make_kappaface(kCounts, p);
  observe_all(*sharp, scenario(kCounts, 108));
  sharp->refresh();
  const auto w = vec(sharp->class_statistics().w_kappa);
  EXPECT_GT((w.max() - w.min()).item<double>(), 0.9);
}

TEST(KappaFace, UnseenClassHasZeroConcentration) {
  auto head = make_kappaface(kCounts);
  auto s = scenario(kCounts, 109);
  auto keep = (s.labels != 2).nonzero().reshape({-1});
  head->memory().copy_(s.features);
  head->observe(s.ids.index_select(0, keep), s.features.index_select(0, keep), s.labels.index_select(0, keep));
  head->end_epoch();
  const auto stats = head->class_statistics();
  EXPECT_EQ(stats.r[2], 0.0);
  EXPECT_EQ(stats.kappa[2], 0.0);
  for (double v : stats.psi) EXPECT_TRUE(std::isfinite(v));
  EXPECT_GT(stats.w_kappa[2], 0.5);  // the least concentrated class gets the largest concentration weight
}

TEST(KappaFace, SingletonClassIsFiniteAndDoesNotMoveTheOthers) {
  const std::vector<std::int64_t> counts{3, 4, 5, 6};
  const auto s = scenario(counts, 110);
  auto without = make_kappaface(counts);
  observe_all(*without, s);
  without->end_epoch();

  auto with_counts = counts;
  with_counts.push_back(1);
  auto with = make_kappaface(with_counts);
  torch::manual_seed(111);
  Scenario s1{torch::cat({s.features, unit_rows(torch::randn({1, kDim}, torch::kFloat64))}),
              torch::cat({s.labels, i64({4})}), torch::arange(19, torch::kInt64)};
  observe_all(*with, s1);
  with->end_epoch();

  const auto a = without->class_statistics();
  const auto b = with->class_statistics();
  EXPECT_TRUE(std::isfinite(b.kappa[4]));
  EXPECT_GT(b.kappa[4], 1e5);  // r̂ = 1 capped at 1 − 1e-6
  EXPECT_NEAR(b.w_kappa[4], 0.5, 1e-15);
  EXPECT_GT(b.psi[4], 0.0);
  EXPECT_LT(b.psi[4], 1.0);
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(a.kappa[c], b.kappa[c], 1e-9) << c;
    EXPECT_NEAR(a.w_kappa[c], b.w_kappa[c], 1e-12) << c;
    EXPECT_NEAR(a.psi[c], b.psi[c], 1e-12) << c;
  }
  // The others still differ among themselves (the singleton did not swamp the standardisation).
  EXPECT_GT(*std::max_element(b.w_kappa.begin(), b.w_kappa.begin() + 4) -
                *std::min_element(b.w_kappa.begin(), b.w_kappa.begin() + 4),
            0.1);
}

TEST(KappaFace, EqualConcentrationsFallBackToThePopulationWeight) {
  // Nothing observed: every κ = 0, std(κ) = 0.
  auto head = make_kappaface(kCounts);
  head->end_epoch();
  auto stats = head->class_statistics();
  for (int c = 0; c < 5; ++c) {
    EXPECT_FALSE(std::isnan(stats.psi[c]));
    EXPECT_EQ(stats.psi[c], stats.w_pop[c]);
    EXPECT_EQ(stats.kappa[c], 0.0);
  }
  // A single estimable class cannot be standardised with std over C − 1 either.
  const std::vector<std::int64_t> counts{1, 1, 5};
  auto few = make_kappaface(counts);
  observe_all(*few, scenario(counts, 112));
  few->end_epoch();
  stats = few->class_statistics();
  for (int c = 0; c < 3; ++c) {
    EXPECT_TRUE(std::isfinite(stats.psi[c]));
    EXPECT_EQ(stats.psi[c], stats.w_pop[c]);
  }
}

TEST(KappaFace, MemoryRowsMoveTowardsTheFeatureAndStayUnit) {
  mh::KappaFaceParams p;
  auto head = make_kappaface(kCounts, p);
  auto before = head->memory().clone();
  EXPECT_GT((before.norm(2, 1) - 1).abs().max().item<double>(), 0.1);  // starts random, not unit
  torch::manual_seed(113);
  auto features = 5.0 * torch::randn({4, kDim}, torch::kFloat64);
  auto ids = i64({3, 7, 20, 11});
  auto labels = i64({1, 2, 4, -1});
  head->observe(ids, features, labels);
  auto after = head->memory();
  // Every row's memory moves, an unlabelled one's too: under Partial FC its class is another rank's, and every rank
  // keeps the memory of every row (the same on all of them).
  for (std::int64_t i = 0; i < 4; ++i) {
    const auto id = ids[i].item<std::int64_t>();
    auto expected = 0.1 * before[id] + 0.9 * features[i];
    expected = expected / expected.norm();
    EXPECT_LT(max_abs_diff(after[id], expected), 1e-12) << id;
    EXPECT_NEAR(after[id].norm().item<double>(), 1.0, 1e-12);
  }
  // Untouched rows are left alone.
  EXPECT_EQ(max_abs_diff(after[0], before[0]), 0.0);
}

TEST(KappaFace, RefreshEveryNSteps) {
  mh::KappaFaceParams p;
  p.refresh_every_steps = 3;
  auto head = make_kappaface(kCounts, p);
  const auto s = scenario(kCounts, 114);
  head->memory().copy_(s.features);
  // Class 4 (n = 10) shows the same sample three times: r̂ divides by what was seen, so it is capped at 1 − eps.
  auto row = s.ids.slice(0, 15, 16);
  for (int step = 1; step <= 3; ++step) {
    EXPECT_EQ(head->class_statistics().refreshes, 0) << step;
    head->observe(row, s.features.slice(0, 15, 16), s.labels.slice(0, 15, 16));
  }
  auto stats = head->class_statistics();
  EXPECT_EQ(stats.refreshes, 1);
  EXPECT_NEAR(stats.r[4], 1.0 - 1e-6, 1e-12);
  EXPECT_EQ(stats.kappa[0], 0.0);
  head->end_epoch();  // per-step mode: the epoch end does not refresh
  EXPECT_EQ(head->class_statistics().refreshes, 1);
  // Next window sees only class 0: class 4 keeps its κ.
  for (int step = 0; step < 3; ++step) head->observe(s.ids.slice(0, 0, 2), s.features.slice(0, 0, 2), s.labels.slice(0, 0, 2));
  auto next = head->class_statistics();
  EXPECT_EQ(next.refreshes, 2);
  EXPECT_EQ(next.kappa[4], stats.kappa[4]);
  EXPECT_GT(next.kappa[0], 0.0);
  // Per epoch, the same three observations divide by the dataset count n = 10.
  auto epoch = make_kappaface(kCounts);
  epoch->memory().copy_(s.features);
  for (int step = 0; step < 3; ++step) epoch->observe(row, s.features.slice(0, 15, 16), s.labels.slice(0, 15, 16));
  epoch->end_epoch();
  EXPECT_NEAR(epoch->class_statistics().r[4], 0.3, 1e-12);
}

TEST(KappaFace, PsiIsIndexedByGlobalClassId) {
  std::vector<std::int64_t> counts(40);
  std::iota(counts.begin(), counts.end(), 1);
  auto head = make_kappaface(counts);
  head->end_epoch();  // nothing observed: ψ = w_pop, different for every class
  const auto stats = head->class_statistics();
  ASSERT_NE(stats.psi[35], stats.psi[2]);
  auto labels = i64({35, 2, 39});
  auto cos = torch::full({3, 40}, 0.1, torch::kFloat64);
  cos[0][35] = 0.5;
  cos[1][2] = 0.5;
  cos[2][39] = 0.5;
  auto out = head->forward_cosine(cos, torch::ones({3}), labels, true);
  for (int i = 0; i < 3; ++i) {
    const auto y = labels[i].item<std::int64_t>();
    EXPECT_NEAR(out.diagnostics.margin[i].item<double>(), 0.8 * stats.psi[y], 1e-12);
    EXPECT_NEAR(out.logits[i][y].item<double>(), 64.0 * std::cos(std::acos(0.5) + 0.8 * stats.psi[y]), 1e-10);
  }
}

TEST(KappaFace, ObserveRejectsBadInputWithoutChangingState) {
  auto head = make_kappaface(kCounts);
  auto buffers = [&] {
    auto named = head->named_buffers();
    return std::vector<torch::Tensor>{named["memory"].clone(), named["sums"].clone(), named["seen"].clone()};
  };
  const auto before = buffers();
  auto features = torch::randn({3, kDim}, torch::kFloat64);
  auto nan_features = features.clone();
  nan_features[1][0] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(head->observe(i64({0, 1, 2}), nan_features, i64({0, 0, 1})), InvalidBatch);
  EXPECT_THROW(head->observe(i64({0, 25, 2}), features, i64({0, 0, 1})), InvalidBatch);  // N = 25 samples
  EXPECT_THROW(head->observe(i64({0, -1, 2}), features, i64({0, 0, 1})), InvalidBatch);
  EXPECT_THROW(head->observe(i64({0, 1, 2}), features, i64({0, 5, 1})), InvalidBatch);
  EXPECT_THROW(head->observe(i64({0, 1}), features, i64({0, 0, 1})), InvalidBatch);
  EXPECT_THROW(head->observe(torch::Tensor(), features, i64({0, 0, 1})), InvalidBatch);
  EXPECT_THROW(head->observe(i64({0, 1, 2}), torch::randn({3, kDim + 1}), i64({0, 0, 1})), InvalidBatch);
  const auto after = buffers();
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(torch::equal(before[i], after[i])) << i;
  // A valid call does change them, and unlabelled rows are skipped.
  head->observe(i64({0, 1, 2}), features, i64({0, -1, 1}));
  EXPECT_EQ(head->named_buffers()["seen"][0].item<double>(), 1.0);
  EXPECT_EQ(head->named_buffers()["seen"].sum().item<double>(), 2.0);
}

TEST(KappaFace, MomentumEncoderSourceSumsUnitFeatures) {
  mh::KappaFaceParams p;
  p.source = mh::KappaStatisticsSource::momentum_encoder;
  auto head = make_kappaface(kCounts, p, 0);
  EXPECT_EQ(head->memory().size(0), 0);
  torch::manual_seed(115);
  auto features = 3.0 * torch::randn({6, kDim}, torch::kFloat64);
  auto labels = i64({0, 0, 1, 1, 1, 4});
  head->observe(torch::Tensor(), features, labels);
  head->end_epoch();
  const auto stats = head->class_statistics();
  auto sums = torch::zeros({5, kDim}, torch::kFloat64).index_add_(0, labels, unit_rows(features));
  EXPECT_NEAR(stats.r[0], sums[0].norm().item<double>() / 2.0, 1e-12);
  EXPECT_NEAR(stats.r[1], sums[1].norm().item<double>() / 3.0, 1e-12);
  EXPECT_NEAR(stats.r[4], 1.0 / 10.0, 1e-12);
}

TEST(KappaFace, StatisticsCarryNoGradient) {
  auto head = make_kappaface(kCounts);
  auto features = torch::randn({3, kDim}, torch::kFloat64).requires_grad_(true);
  head->observe(i64({0, 1, 2}), features, i64({0, 0, 1}));
  head->end_epoch();
  EXPECT_FALSE(head->memory().requires_grad());
  EXPECT_FALSE(head->psi().requires_grad());
  auto out = head->forward_cosine(torch::zeros({1, 5}, torch::kFloat64), torch::ones({1}), i64({3}));
  EXPECT_FALSE(head->psi().requires_grad());
  EXPECT_TRUE(std::isfinite(out.loss.item<double>()));
}

TEST(KappaFace, ConstructorValidatesCountsAndDatasetSize) {
  EXPECT_THROW(mh::KappaFaceHeadImpl(kDim, {3, 0, 2}, 5), marginlab::InvalidParameter);
  EXPECT_THROW(mh::KappaFaceHeadImpl(kDim, {3, 2}, 0), marginlab::InvalidParameter);
  mh::KappaFaceParams p;
  p.source = mh::KappaStatisticsSource::momentum_encoder;
  EXPECT_NO_THROW(mh::KappaFaceHeadImpl(kDim, {3, 2}, 0, p));
}
