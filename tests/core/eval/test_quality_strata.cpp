#include "core/eval/quality_strata.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/eval/verification.h"

namespace marginlab::eval {
namespace {

// Images 0..(n−1) have the given norms; image n has norm 100, above all, and partners each of them so that every
// pair's lower norm is its own image's. Alternate which side it is on: the order within a pair must not matter.
struct PairsWithLowerNorms {
  std::vector<float> norms;
  std::vector<std::int64_t> first, second;
  explicit PairsWithLowerNorms(const std::vector<float>& lower) : norms(lower) {
    const auto strong = static_cast<std::int64_t>(lower.size());
    norms.push_back(100.0f);
    for (std::int64_t i = 0; i < strong; ++i) {
      first.push_back(i % 2 ? strong : i);
      second.push_back(i % 2 ? i : strong);
    }
  }
};

TEST(QualityStrata, TercileCutsOfTheLowerNormAssignEachPair) {
  // Lower norms 1..9 in shuffled order: cuts at quantiles 1/3 and 2/3 are 3 + 2/3 and 6 + 1/3.
  const PairsWithLowerNorms pairs({5, 1, 9, 3, 7, 2, 8, 4, 6});
  const auto strata = quality_strata(pairs.norms, pairs.first, pairs.second);
  EXPECT_NEAR(strata.low_cut, 11.0 / 3, 1e-12);
  EXPECT_NEAR(strata.high_cut, 19.0 / 3, 1e-12);
  const std::vector<std::uint8_t> expected{1, 0, 2, 0, 2, 0, 2, 1, 1};
  EXPECT_EQ(strata.stratum_of_pair, expected);
  EXPECT_EQ(kQualityStratumNames[0], "low");
  EXPECT_EQ(kQualityStratumNames[1], "mid");
  EXPECT_EQ(kQualityStratumNames[2], "high");
}

TEST(QualityStrata, TheWorseImageDecides) {
  // Pair 0: 2 and 9 (lower 2); pair 1: 8 and 7 (lower 7); pair 2: 5 and 5. Over the sorted {2, 5, 7} the cuts sit
  // at positions 2/3 and 4/3: 2 + (2/3)·3 = 4 and 5 + (1/3)·2 = 17/3.
  const std::vector<float> norms{2, 9, 8, 7, 5};
  const std::vector<std::int64_t> first{0, 2, 4}, second{1, 3, 4};
  const auto strata = quality_strata(norms, first, second);
  EXPECT_NEAR(strata.low_cut, 4.0, 1e-12);
  EXPECT_NEAR(strata.high_cut, 17.0 / 3, 1e-12);
  EXPECT_EQ(strata.stratum_of_pair, (std::vector<std::uint8_t>{0, 2, 1}));
}

TEST(QualityStrata, TiedLowerNormsShareAStratum) {
  // Ten pairs {1,1,1,2,2,2,2,3,3,3}: both cuts land on 2, so every 2 goes up with the 3s and "mid" is empty.
  const PairsWithLowerNorms pairs({2, 1, 3, 2, 1, 3, 2, 1, 3, 2});
  const auto strata = quality_strata(pairs.norms, pairs.first, pairs.second);
  EXPECT_EQ(strata.low_cut, 2.0);
  EXPECT_EQ(strata.high_cut, 2.0);
  EXPECT_EQ(strata.stratum_of_pair, (std::vector<std::uint8_t>{2, 0, 2, 2, 0, 2, 2, 0, 2, 2}));
}

TEST(QualityStrata, NoPairsGiveNoCuts) {
  const std::vector<float> norms{1, 2};
  const auto strata = quality_strata(norms, {}, {});
  EXPECT_TRUE(std::isnan(strata.low_cut));
  EXPECT_TRUE(std::isnan(strata.high_cut));
  EXPECT_TRUE(strata.stratum_of_pair.empty());
}

TEST(QualityStrata, RejectsMismatchedPairListsMissingImagesAndNonFiniteNorms) {
  const std::vector<float> norms{1, 2, 3};
  EXPECT_THROW(quality_strata(norms, std::vector<std::int64_t>{0, 1}, std::vector<std::int64_t>{2}),
               std::invalid_argument);
  auto message_of = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "no exception";
  };
  const std::vector<std::int64_t> first{0, 1}, second{2, 3};
  const auto missing = message_of([&] { quality_strata(norms, first, second); });
  EXPECT_NE(missing.find("pair 1 names image 3"), std::string::npos) << missing;
  const std::vector<std::int64_t> negative{-1, 0};
  EXPECT_THROW(quality_strata(norms, negative, negative), std::invalid_argument);
  const std::vector<float> with_nan{1, NAN, 3};
  const auto not_finite =
      message_of([&] { quality_strata(with_nan, std::vector<std::int64_t>{0}, std::vector<std::int64_t>{2}); });
  EXPECT_NE(not_finite.find("image 1"), std::string::npos) << not_finite;
  EXPECT_NE(not_finite.find("nan"), std::string::npos) << not_finite;
}

TEST(QualityStrata, StratifiedMetricsPerTercileWithAllFirst) {
  // 60 pairs, lower norms 1..60 in order: 20 per tercile. Low-norm pairs are hard (genuine and impostor scores
  // interleave), high-norm pairs perfectly separated.
  std::vector<float> lower;
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 60; ++i) {
    lower.push_back(static_cast<float>(i + 1));
    const bool genuine = i % 2 == 0;
    same.push_back(genuine);
    const bool hard = i < 20;
    scores.push_back(hard ? 0.01f * static_cast<float>(i % 7) + (genuine ? 0.0f : 0.02f)
                          : (genuine ? 0.8f : 0.1f) + 0.001f * static_cast<float>(i));
  }
  const PairsWithLowerNorms pairs(lower);
  const auto strata = quality_strata(pairs.norms, pairs.first, pairs.second);
  const auto result = verification_by_stratum(scores, same, strata.stratum_of_pair, kQualityStratumNames);
  ASSERT_EQ(result.strata.size(), 4u);
  EXPECT_TRUE(result.skipped.empty());
  const std::vector<std::string> names{"all", "low", "mid", "high"};
  for (std::size_t k = 0; k < names.size(); ++k) EXPECT_EQ(result.strata[k].stratum, names[k]);
  EXPECT_EQ(result.strata[0].metrics.pairs, 60);
  for (std::size_t k = 1; k < 4; ++k) {
    EXPECT_EQ(result.strata[k].metrics.pairs, 20);
    EXPECT_EQ(result.strata[k].metrics.genuine, 10);
  }
  // Each stratum is exactly verification_metrics of its pairs in their original order.
  const std::span<const float> all_scores(scores);
  const std::span<const std::uint8_t> all_same(same);
  for (std::size_t k = 1; k < 4; ++k) {
    const auto direct = verification_metrics(all_scores.subspan(20 * (k - 1), 20), all_same.subspan(20 * (k - 1), 20));
    EXPECT_EQ(result.strata[k].metrics.accuracy, direct.accuracy) << names[k];
    EXPECT_EQ(result.strata[k].metrics.auc, direct.auc) << names[k];
    EXPECT_EQ(result.strata[k].metrics.eer, direct.eer) << names[k];
  }
  EXPECT_LT(result.strata[1].metrics.auc, 0.9);
  EXPECT_DOUBLE_EQ(result.strata[2].metrics.auc, 1.0);
  EXPECT_DOUBLE_EQ(result.strata[3].metrics.accuracy, 1.0);
  EXPECT_EQ(result.strata[3].metrics.tar_at_far.size(), kStandardFarTargets.size());
}

}  // namespace
}  // namespace marginlab::eval
