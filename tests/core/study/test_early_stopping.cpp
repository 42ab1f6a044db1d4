// The early-stopping rules judge a run against the runs that reached the same step before it.
#include "core/study/early_stopping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace marginlab::study {
namespace {

EarlyStopping rule(StoppingRule kind, int min_runs = 3, double keep = 0.5) {
  EarlyStopping r;
  r.rule = kind;
  r.at_steps = {10};
  r.min_runs = min_runs;
  r.keep = keep;
  return r;
}

TEST(EarlyStopping, MedianRuleStopsRunsWorseThanTheOthersMedian) {
  const std::vector<double> others{0.6, 0.8, 0.7};
  const auto worse = decide(rule(StoppingRule::median), true, 10, 0.65, others);
  EXPECT_TRUE(worse.stop);
  EXPECT_DOUBLE_EQ(worse.threshold, 0.7);
  EXPECT_EQ(worse.compared, 4);
  EXPECT_NE(worse.reason.find("worse than the median 0.7000"), std::string::npos) << worse.reason;
  EXPECT_FALSE(decide(rule(StoppingRule::median), true, 10, 0.7, others).stop);  // a tie goes on
  // An even count: the mean of the middle two.
  const auto even = decide(rule(StoppingRule::median), true, 10, 0.69, std::vector<double>{0.6, 0.7, 0.8, 0.9});
  EXPECT_DOUBLE_EQ(even.threshold, 0.75);
  EXPECT_TRUE(even.stop);
}

TEST(EarlyStopping, NoVerdictBeforeEnoughRuns) {
  const auto early = decide(rule(StoppingRule::median, 4), true, 10, 0.1, std::vector<double>{0.9, 0.8});
  EXPECT_FALSE(early.stop);
  EXPECT_EQ(early.compared, 3);
  // Runs without a value do not count.
  EXPECT_FALSE(decide(rule(StoppingRule::median, 3), true, 10, 0.1, std::vector<double>{0.9, NAN}).stop);
}

TEST(EarlyStopping, LowerIsBetterForErrorRates) {
  const std::vector<double> others{0.10, 0.20, 0.30};
  EXPECT_TRUE(decide(rule(StoppingRule::median), false, 10, 0.25, others).stop);
  EXPECT_FALSE(decide(rule(StoppingRule::median), false, 10, 0.15, others).stop);
}

TEST(EarlyStopping, SuccessiveHalvingKeepsTheBestFraction) {
  const std::vector<double> others{0.9, 0.8, 0.7};
  // Four runs, keep 0.5: the best two go on.
  const auto second = decide(rule(StoppingRule::successive_halving), true, 10, 0.85, others);
  EXPECT_FALSE(second.stop);
  EXPECT_DOUBLE_EQ(second.threshold, 0.85);
  const auto third = decide(rule(StoppingRule::successive_halving), true, 10, 0.75, others);
  EXPECT_TRUE(third.stop);
  EXPECT_DOUBLE_EQ(third.threshold, 0.8);
  EXPECT_NE(third.reason.find("ranks 3 of 4"), std::string::npos) << third.reason;
  // keep 1/3 of four runs: one goes on.
  EXPECT_TRUE(decide(rule(StoppingRule::successive_halving, 3, 1.0 / 3), true, 10, 0.85, others).stop);
  EXPECT_FALSE(decide(rule(StoppingRule::successive_halving, 3, 1.0 / 3), true, 10, 0.95, others).stop);
}

TEST(EarlyStopping, ARunWithoutAValueStops) {
  const auto d = decide(rule(StoppingRule::median), true, 10, NAN, std::vector<double>{0.5, 0.6});
  EXPECT_TRUE(d.stop);
  EXPECT_NE(d.reason.find("no value"), std::string::npos);
}

TEST(EarlyStopping, NoRuleNeverStops) {
  EXPECT_FALSE(decide(rule(StoppingRule::none, 2), true, 10, 0.0, std::vector<double>{1, 1, 1}).stop);
}

}  // namespace
}  // namespace marginlab::study
