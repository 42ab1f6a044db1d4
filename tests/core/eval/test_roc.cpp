#include "core/eval/roc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/eval/verification.h"

namespace marginlab::eval {
namespace {

TEST(RocCurve, TiedScoresMoveTogetherInAHandComputedCase) {
  // Genuine 0.9, 0.8, 0.7; impostors 0.8, 0.5, 0.5. The 0.8 tie is one diagonal step; the 0.5 pair one step of two.
  const std::vector<float> scores{0.5f, 0.8f, 0.9f, 0.5f, 0.7f, 0.8f};
  const std::vector<std::uint8_t> same{0, 1, 1, 0, 1, 0};
  const auto roc = roc_curve(scores, same);
  EXPECT_EQ(roc.genuine, 3);
  EXPECT_EQ(roc.impostors, 3);
  struct Expected {
    double threshold, far, tar;
    std::int64_t impostors, genuine;
  };
  const std::vector<Expected> expected{{INFINITY, 0, 0, 0, 0},
                                       {0.9f, 0, 1.0 / 3, 0, 1},
                                       {0.8f, 1.0 / 3, 2.0 / 3, 1, 2},
                                       {0.7f, 1.0 / 3, 1, 1, 3},
                                       {0.5f, 1, 1, 3, 3}};
  ASSERT_EQ(roc.points.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_EQ(roc.points[k].threshold, expected[k].threshold) << "point " << k;
    EXPECT_DOUBLE_EQ(roc.points[k].false_accept_rate, expected[k].far) << "point " << k;
    EXPECT_DOUBLE_EQ(roc.points[k].true_accept_rate, expected[k].tar) << "point " << k;
    EXPECT_EQ(roc.points[k].accepted_impostors, expected[k].impostors) << "point " << k;
    EXPECT_EQ(roc.points[k].accepted_genuine, expected[k].genuine) << "point " << k;
  }
  // Mann–Whitney by hand: 0.9 beats 3 impostors, 0.8 ties one and beats two (2.5), 0.7 beats two: 7.5 of 9.
  EXPECT_DOUBLE_EQ(roc_auc(roc), 7.5 / 9);
  // At threshold 0.8 one impostor of three is accepted and one genuine of three rejected.
  EXPECT_DOUBLE_EQ(equal_error_rate(roc), 1.0 / 3);
}

TEST(RocCurve, EqualErrorRateInterpolatesAlongTheCrossingSegment) {
  // Genuine 0.9, 0.4; impostors 0.4, 0.1. The tie at 0.4 is one step from (FAR 0, FRR 1/2) to (FAR 1/2, FRR 0);
  // FAR = FRR halfway along it, at 1/4. No operating point has that error rate; the interpolation finds it.
  const std::vector<float> scores{0.9f, 0.4f, 0.4f, 0.1f};
  const std::vector<std::uint8_t> same{1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(equal_error_rate(roc_curve(scores, same)), 0.25);
}

TEST(RocCurve, NegativeAndPositiveZeroTieAndGiveOneThresholdInEitherOrder) {
  const std::vector<std::uint8_t> same{1, 0, 0};
  for (const auto& scores : {std::vector<float>{1.0f, -0.0f, 0.0f}, std::vector<float>{1.0f, 0.0f, -0.0f}}) {
    const auto roc = roc_curve(scores, same);
    ASSERT_EQ(roc.points.size(), 3u);
    EXPECT_EQ(roc.points[2].accepted_impostors, 2);
    EXPECT_FALSE(std::signbit(roc.points[2].threshold));
  }
}

TEST(RocCurve, IsEmptyWithoutBothGenuineAndImpostorPairs) {
  const std::vector<float> scores{0.1f, 0.2f, 0.3f};
  const std::vector<std::uint8_t> all_genuine{1, 1, 1};
  const auto roc = roc_curve(scores, all_genuine);
  EXPECT_EQ(roc.genuine, 3);
  EXPECT_EQ(roc.impostors, 0);
  EXPECT_TRUE(roc.points.empty());
  EXPECT_TRUE(std::isnan(roc_auc(roc)));
  EXPECT_TRUE(std::isnan(equal_error_rate(roc)));
  const auto tar = tar_at_far(roc);
  ASSERT_EQ(tar.size(), kStandardFarTargets.size());
  for (const auto& entry : tar) {
    EXPECT_FALSE(entry.supported);
    EXPECT_TRUE(std::isnan(entry.true_accept_rate));
  }
}

TEST(RocCurve, RejectsMismatchedSizesAndNamesTheNonFiniteScore) {
  const std::vector<float> scores{0.1f, 0.2f, NAN, 0.4f};
  EXPECT_THROW(roc_curve(scores, std::vector<std::uint8_t>{1, 0, 1}), std::invalid_argument);
  try {
    roc_curve(scores, std::vector<std::uint8_t>{1, 0, 1, 0});
    FAIL() << "a NaN score must be refused";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("pair 2"), std::string::npos) << message;
    EXPECT_NE(message.find("nan"), std::string::npos) << message;
  }
  const std::vector<float> infinite{0.1f, INFINITY};
  EXPECT_THROW(roc_curve(infinite, std::vector<std::uint8_t>{1, 0}), std::invalid_argument);
}

// Impostors score 0, 1, ..., 999. Genuine pairs: 10 above every impostor, one tied with the top impostor (999), four
// at 995.5, three at 950.5 and two at 500.5.
void thousand_impostor_set(std::vector<float>& scores, std::vector<std::uint8_t>& same) {
  for (int i = 0; i < 1000; ++i) {
    scores.push_back(static_cast<float>(i));
    same.push_back(0);
  }
  auto genuine = [&](float score, int count) {
    for (int i = 0; i < count; ++i) {
      scores.push_back(score);
      same.push_back(1);
    }
  };
  for (int i = 0; i < 10; ++i) genuine(1000.0f + static_cast<float>(i), 1);
  genuine(999.0f, 1);
  genuine(995.5f, 4);
  genuine(950.5f, 3);
  genuine(500.5f, 2);
}

TEST(TarAtFar, ExactValuesOnAConstructedSet) {
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  thousand_impostor_set(scores, same);
  const auto tar = tar_at_far(roc_curve(scores, same));
  ASSERT_EQ(tar.size(), 4u);

  // FAR ≤ 1e-1 allows 100 false accepts, but the best TAR (18 of 20, down to 950.5) needs only the 49 above 950.5.
  EXPECT_EQ(tar[0].far_target, 1e-1);
  EXPECT_TRUE(tar[0].supported);
  EXPECT_DOUBLE_EQ(tar[0].true_accept_rate, 18.0 / 20);
  EXPECT_DOUBLE_EQ(tar[0].false_accept_rate, 49.0 / 1000);
  EXPECT_EQ(tar[0].threshold, 950.5);

  // FAR ≤ 1e-2: 10 false accepts allowed; 15 of 20 genuine at threshold 995.5, where 4 impostors (996..999) pass.
  EXPECT_TRUE(tar[1].supported);
  EXPECT_DOUBLE_EQ(tar[1].true_accept_rate, 15.0 / 20);
  EXPECT_DOUBLE_EQ(tar[1].false_accept_rate, 4.0 / 1000);
  EXPECT_EQ(tar[1].threshold, 995.5);

  // FAR ≤ 1e-3: exactly one false accept allowed; the genuine pair tied with it comes along.
  EXPECT_TRUE(tar[2].supported);
  EXPECT_DOUBLE_EQ(tar[2].true_accept_rate, 11.0 / 20);
  EXPECT_DOUBLE_EQ(tar[2].false_accept_rate, 1.0 / 1000);
  EXPECT_EQ(tar[2].threshold, 999.0);

  // FAR ≤ 1e-4 would need 10 000 impostor pairs: reported as unsupported, with no number.
  EXPECT_EQ(tar[3].far_target, 1e-4);
  EXPECT_FALSE(tar[3].supported);
  EXPECT_TRUE(std::isnan(tar[3].true_accept_rate));
  EXPECT_TRUE(std::isnan(tar[3].false_accept_rate));
  EXPECT_TRUE(std::isnan(tar[3].threshold));
}

TEST(TarAtFar, TargetIsUnsupportedWithOneImpostorTooFew) {
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  thousand_impostor_set(scores, same);
  const std::vector<double> targets{1e-3};
  EXPECT_TRUE(tar_at_far(roc_curve(scores, same), targets)[0].supported);
  scores.erase(scores.begin());  // the impostor scoring 0
  same.erase(same.begin());
  const auto tar = tar_at_far(roc_curve(scores, same), targets);
  EXPECT_FALSE(tar[0].supported);
  EXPECT_TRUE(std::isnan(tar[0].true_accept_rate));
}

TEST(TarAtFar, ImpostorsNeededIsTheCeilingOfOneOverTheTarget) {
  EXPECT_EQ(impostors_needed_for_far(1e-1), 10);
  EXPECT_EQ(impostors_needed_for_far(1e-2), 100);
  EXPECT_EQ(impostors_needed_for_far(1e-3), 1000);
  EXPECT_EQ(impostors_needed_for_far(1e-4), 10000);
  EXPECT_EQ(impostors_needed_for_far(0.3), 4);
  EXPECT_EQ(impostors_needed_for_far(1.0), 1);
}

TEST(TarAtFar, RejectsTargetsOutsideZeroToOne) {
  const std::vector<float> scores{0.9f, 0.1f};
  const std::vector<std::uint8_t> same{1, 0};
  const auto roc = roc_curve(scores, same);
  for (double bad : {0.0, -0.1, 1.5, static_cast<double>(NAN)}) {
    const std::vector<double> targets{bad};
    EXPECT_THROW(tar_at_far(roc, targets), std::invalid_argument) << bad;
    EXPECT_THROW(tar_at_far(RocCurve{}, targets), std::invalid_argument) << bad;
  }
}

TEST(RocCurve, PermutingThePairsChangesNoRocAucEerOrTarNumber) {
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 20000; ++i) {
    same.push_back(i % 3 == 0);
    // Rounded to 0.05 so that many scores tie, some across genuine and impostor pairs.
    scores.push_back(std::round((((i % 3 == 0) ? 1.5f : -1.0f) + noise(rng)) * 20.0f) / 20.0f);
  }
  std::vector<std::size_t> order(scores.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<float> shuffled_scores;
  std::vector<std::uint8_t> shuffled_same;
  for (auto i : order) {
    shuffled_scores.push_back(scores[i]);
    shuffled_same.push_back(same[i]);
  }
  const auto a = roc_curve(scores, same);
  const auto b = roc_curve(shuffled_scores, shuffled_same);
  ASSERT_EQ(a.points.size(), b.points.size());
  for (std::size_t k = 0; k < a.points.size(); ++k) {
    EXPECT_EQ(a.points[k].threshold, b.points[k].threshold);
    EXPECT_EQ(a.points[k].false_accept_rate, b.points[k].false_accept_rate);
    EXPECT_EQ(a.points[k].true_accept_rate, b.points[k].true_accept_rate);
  }
  const auto ma = verification_metrics(scores, same);
  const auto mb = verification_metrics(shuffled_scores, shuffled_same);
  EXPECT_EQ(ma.auc, mb.auc);
  EXPECT_EQ(ma.eer, mb.eer);
  ASSERT_EQ(ma.tar_at_far.size(), mb.tar_at_far.size());
  for (std::size_t k = 0; k < ma.tar_at_far.size(); ++k) {
    EXPECT_EQ(ma.tar_at_far[k].supported, mb.tar_at_far[k].supported);
    if (!ma.tar_at_far[k].supported) continue;
    EXPECT_EQ(ma.tar_at_far[k].true_accept_rate, mb.tar_at_far[k].true_accept_rate);
    EXPECT_EQ(ma.tar_at_far[k].false_accept_rate, mb.tar_at_far[k].false_accept_rate);
    EXPECT_EQ(ma.tar_at_far[k].threshold, mb.tar_at_far[k].threshold);
  }
  // The ties are real: far fewer points than pairs, so the test exercises grouping.
  EXPECT_LT(a.points.size(), scores.size() / 20);
}

TEST(RocCurve, DownsamplingKeepsBothEndsAndEvenDetailPerDecadeOfFar) {
  std::mt19937 rng(5);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> scores;
  std::vector<std::uint8_t> same;
  for (int i = 0; i < 200000; ++i) {
    same.push_back(i % 2);
    scores.push_back((i % 2 ? 2.0f : 0.0f) + noise(rng));
  }
  const auto full = roc_curve(scores, same);
  const auto thin = downsample_roc(full, 60);
  ASSERT_LE(thin.points.size(), 60u);
  EXPECT_EQ(thin.genuine, full.genuine);
  EXPECT_EQ(thin.impostors, full.impostors);
  EXPECT_EQ(thin.points.front().threshold, full.points.front().threshold);
  EXPECT_EQ(thin.points.back().threshold, full.points.back().threshold);
  EXPECT_EQ(thin.points.back().false_accept_rate, 1.0);
  // The best point without a false accept is kept.
  std::size_t last_zero_far = 0;
  while (full.points[last_zero_far + 1].false_accept_rate == 0) ++last_zero_far;
  EXPECT_NE(std::find_if(thin.points.begin(), thin.points.end(),
                         [&](const RocPoint& p) { return p.threshold == full.points[last_zero_far].threshold; }),
            thin.points.end());
  // Every kept point is a point of the full curve, in order.
  std::size_t cursor = 0;
  for (const auto& p : thin.points) {
    while (cursor < full.points.size() && full.points[cursor].threshold != p.threshold) ++cursor;
    ASSERT_LT(cursor, full.points.size()) << "threshold " << p.threshold << " is not on the full curve";
    EXPECT_EQ(full.points[cursor].true_accept_rate, p.true_accept_rate);
  }
  // 57 log targets over five decades (1e-5 .. 1): the four decades above 1e-4 each get several points.
  for (double decade = 1e-4; decade < 1; decade *= 10) {
    const auto in_decade = std::count_if(thin.points.begin(), thin.points.end(), [&](const RocPoint& p) {
      return p.false_accept_rate >= decade && p.false_accept_rate < 10 * decade;
    });
    EXPECT_GE(in_decade, 8) << "decade from " << decade;
  }
  // The shape survives: the area under the thinned polyline is close to the full one.
  EXPECT_NEAR(roc_auc(thin), roc_auc(full), 2e-3);
}

TEST(RocCurve, DownsamplingLeavesASmallCurveWholeAndRefusesFewerThanTwoPoints) {
  const std::vector<float> scores{0.5f, 0.8f, 0.9f, 0.5f, 0.7f, 0.8f};
  const std::vector<std::uint8_t> same{0, 1, 1, 0, 1, 0};
  const auto roc = roc_curve(scores, same);
  EXPECT_EQ(downsample_roc(roc, 5).points.size(), 5u);
  const auto ends = downsample_roc(roc, 2);
  ASSERT_EQ(ends.points.size(), 2u);
  EXPECT_EQ(ends.points[0].threshold, INFINITY);
  EXPECT_EQ(ends.points[1].threshold, 0.5f);
  EXPECT_THROW(downsample_roc(roc, 1), std::invalid_argument);
}

}  // namespace
}  // namespace marginlab::eval
