#include "core/eval/verification.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
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
    EXPECT_NE(std::string(error.what()).find("nan"), std::string::npos) << error.what();
  }
  const std::vector<double> bad_target{2.0};
  EXPECT_THROW(verification_metrics(scores, same, 10, bad_target), std::invalid_argument);
}

TEST(Verification, AucEerAndTarAtFarAreThoseOfTheRocCurve) {
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 3000; ++i) {
    same.push_back(i % 3 == 0);
    scores.push_back((i % 3 == 0 ? 1.0f : -1.0f) + noise(rng));
  }
  const auto m = verification_metrics(scores, same);
  const auto roc = roc_curve(scores, same);
  EXPECT_EQ(m.auc, roc_auc(roc));
  EXPECT_EQ(m.eer, equal_error_rate(roc));
  const auto expected = tar_at_far(roc);
  ASSERT_EQ(m.tar_at_far.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(m.tar_at_far[k].far_target, kStandardFarTargets[k]);
    EXPECT_EQ(m.tar_at_far[k].supported, expected[k].supported);
  }
  // 2000 impostors support 1e-1 .. 1e-3 but not 1e-4.
  EXPECT_TRUE(m.tar_at_far[2].supported);
  EXPECT_EQ(m.tar_at_far[2].true_accept_rate, expected[2].true_accept_rate);
  EXPECT_FALSE(m.tar_at_far[3].supported);
  const std::vector<double> custom{0.5, 1e-2};
  const auto asked = verification_metrics(scores, same, 10, custom);
  ASSERT_EQ(asked.tar_at_far.size(), 2u);
  EXPECT_EQ(asked.tar_at_far[0].far_target, 0.5);
  EXPECT_EQ(asked.tar_at_far[1].true_accept_rate, m.tar_at_far[1].true_accept_rate);
}

TEST(Verification, StrataWithFewerPairsThanFoldsAreSkippedAndNamed) {
  // 30 pairs: stratum 0 has 25, stratum 1 has 5 (fewer than 10 folds), stratum 2 none.
  std::vector<float> scores;
  std::vector<std::uint8_t> same, stratum;
  for (int i = 0; i < 30; ++i) {
    same.push_back(i % 2);
    scores.push_back(i % 2 ? 0.7f : 0.2f);
    stratum.push_back(i % 6 == 5 ? 1 : 0);
  }
  const std::vector<std::string_view> names{"common", "rare", "absent"};
  const auto result = verification_by_stratum(scores, same, stratum, names);
  ASSERT_EQ(result.strata.size(), 2u);
  EXPECT_EQ(result.strata[0].stratum, "all");
  EXPECT_EQ(result.strata[0].metrics.pairs, 30);
  EXPECT_EQ(result.strata[1].stratum, "common");
  EXPECT_EQ(result.strata[1].metrics.pairs, 25);
  ASSERT_EQ(result.skipped.size(), 2u);
  EXPECT_EQ(result.skipped[0].stratum, "rare");
  EXPECT_EQ(result.skipped[0].pairs, 5);
  EXPECT_EQ(result.skipped[1].stratum, "absent");
  EXPECT_EQ(result.skipped[1].pairs, 0);
  // With 5 folds the rare stratum is evaluated.
  EXPECT_EQ(verification_by_stratum(scores, same, stratum, names, 5).strata.size(), 3u);
}

TEST(Verification, StratifiedMetricsRejectMislabelledStrata) {
  const std::vector<float> scores(20, 0.5f);
  const std::vector<std::uint8_t> same(20, 1);
  const std::vector<std::string_view> names{"a", "b"};
  EXPECT_THROW(verification_by_stratum(scores, same, std::vector<std::uint8_t>(19, 0), names), std::invalid_argument);
  std::vector<std::uint8_t> stratum(20, 0);
  stratum[7] = 2;
  try {
    verification_by_stratum(scores, same, stratum, names);
    FAIL() << "a stratum index without a name must be refused";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("pair 7"), std::string::npos) << error.what();
  }
}

TEST(Verification, TableRowsAlignAndMarkUnsupportedTargets) {
  VerificationMetrics m;
  m.pairs = 6000;
  m.accuracy = 0.9983;
  m.accuracy_std = 0.0021;
  m.auc = 0.99951;
  m.eer = 0.0018;
  m.tar_at_far = {{1e-2, true, 0.998, 0.009, 0.31}, {1e-4, false}};
  const std::vector<StratumResult> strata{{"all", m, {}}, {"low", m, {}}};
  const std::string expected =
      "stratum      pairs     accuracy (%)     AUC EER (%) TAR@0.01 (%) TAR@0.0001 (%)\n"
      "all           6000    99.83 ± 0.21   0.9995    0.18        99.80              -\n"
      "low           6000    99.83 ± 0.21   0.9995    0.18        99.80              -\n";
  EXPECT_EQ(format_verification_table(strata), expected);
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
