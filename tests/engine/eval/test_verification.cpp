#include "engine/eval/verification.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace marginlab::eval {
namespace {

TEST(Verification, PerfectlySeparatedScoresGiveFullAccuracyAucOneAndNoErrors) {
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 100; ++i) {
    same.push_back(i % 2);
    scores.push_back(i % 2 ? 0.6f + 0.001f * i : 0.1f + 0.001f * i);
  }
  const auto m = verification_metrics(scores, same);
  EXPECT_EQ(m.pairs, 100);
  EXPECT_EQ(m.genuine, 50);
  EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(m.accuracy_std, 0.0);
  EXPECT_DOUBLE_EQ(m.auc, 1.0);
  EXPECT_NEAR(m.eer, 0.0, 1e-12);
  EXPECT_GT(m.threshold, 0.2);
  EXPECT_LT(m.threshold, 0.6);
}

TEST(Verification, ReversedScoresGiveAucZero) {
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 40; ++i) {
    same.push_back(i % 2);
    scores.push_back(i % 2 ? -1.0f - i : 1.0f + i);
  }
  EXPECT_DOUBLE_EQ(verification_metrics(scores, same).auc, 0.0);
}

TEST(Verification, TenFoldAccuracyMatchesAHandCheckedCase) {
  // 20 pairs, folds of 2. Every fold holds one genuine (score 0.9) and one impostor (0.1) except the last, where
  // the impostor scores 0.95: the threshold learnt on the other folds (between 0.1 and 0.9) calls it genuine.
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int f = 0; f < 10; ++f) {
    scores.push_back(0.9f);
    same.push_back(1);
    scores.push_back(f == 9 ? 0.95f : 0.1f);
    same.push_back(0);
  }
  const auto m = verification_metrics(scores, same);
  EXPECT_NEAR(m.accuracy, (9 * 1.0 + 0.5) / 10, 1e-12);
  EXPECT_NEAR(m.accuracy_std, std::sqrt((9 * 0.05 * 0.05 + 0.45 * 0.45) / 10), 1e-12);
}

TEST(Verification, AucCountsTiesAsHalf) {
  const std::vector<float> scores{0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  const std::vector<std::uint8_t> same{1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
  EXPECT_DOUBLE_EQ(verification_metrics(scores, same).auc, 0.5);
}

TEST(Verification, EqualErrorRateOfOverlappingGaussiansIsWhereTheoryPutsIt) {
  // Genuine ~ N(1, 1), impostor ~ N(−1, 1): FAR = FRR at 0, where each is Φ(−1) ≈ 0.1587.
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 200000; ++i) {
    same.push_back(i % 2);
    scores.push_back((i % 2 ? 1.0f : -1.0f) + noise(rng));
  }
  const auto m = verification_metrics(scores, same);
  EXPECT_NEAR(m.eer, 0.1587, 0.004);
  EXPECT_NEAR(m.accuracy, 1 - 0.1587, 0.004);
  EXPECT_NEAR(m.threshold, 0.0, 0.05);
}

TEST(Verification, RejectsMismatchedSizesTooFewPairsAndNonFiniteScores) {
  const std::vector<float> scores(20, 0.5f);
  const std::vector<std::uint8_t> fewer(19, 1);
  EXPECT_THROW(verification_metrics(scores, fewer), std::invalid_argument);
  const std::vector<float> five(5, 0.1f);
  const std::vector<std::uint8_t> five_same(5, 1);
  EXPECT_THROW(verification_metrics(five, five_same), std::invalid_argument);
  auto with_nan = scores;
  with_nan[3] = NAN;
  const std::vector<std::uint8_t> same(20, 1);
  try {
    verification_metrics(with_nan, same);
    FAIL() << "a NaN score must be refused";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("pair 3"), std::string::npos) << error.what();
  }
}

TEST(Spearman, MonotonicIsOneReversedIsMinusOneConstantIsNaN) {
  const std::vector<float> x{1, 2, 3, 4, 5};
  const std::vector<float> up{10, 20, 25, 100, 1000};
  const std::vector<float> down{5, 4, 3, 2, 1};
  const std::vector<float> flat{1, 1, 1, 1, 1};
  EXPECT_NEAR(spearman(x, up), 1.0, 1e-12);
  EXPECT_NEAR(spearman(x, down), -1.0, 1e-12);
  EXPECT_TRUE(std::isnan(spearman(x, flat)));
}

TEST(Spearman, TiesTakeTheirMeanRank) {
  // Ranks of y: 1, 2.5, 2.5, 4 against 1..4: ρ = cov / (σx σy) computed by hand = 0.9486833.
  const std::vector<float> x{1, 2, 3, 4};
  const std::vector<float> y{0, 5, 5, 9};
  EXPECT_NEAR(spearman(x, y), 0.9486833, 1e-6);
}

}  // namespace
}  // namespace marginlab::eval
