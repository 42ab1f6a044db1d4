// The runs table's arithmetic: what differs between runs, and each run's last and best verification per stratum.
#include "core/run/run_comparison.h"

#include <gtest/gtest.h>

#include <cmath>

namespace marginlab::train {
namespace {

using nlohmann::json;

TEST(RunComparison, FindsTheKeysThatDifferAndOnlyThose) {
  const json a = {{"name", "a"},
                  {"runs_dir", "runs"},
                  {"head", {{"kind", "adaface"}, {"params", {{"m", 0.4}, {"h", 0.333}}}}},
                  {"optimizer", {{"lr", 0.1}}}};
  json b = a;
  b["name"] = "b";                 // names a run, does not define it
  b["head"]["params"]["m"] = 0.3;  // varied
  json c = a;
  c["head"]["params"].erase("h");  // absent in one: differs
  EXPECT_EQ(differing_keys({a, b, c}), (std::vector<std::string>{"head.params.h", "head.params.m"}));
  EXPECT_TRUE(differing_keys({a, a}).empty());
  EXPECT_TRUE(differing_keys({a}).empty());
  EXPECT_EQ(flatten_experiment(a).at("head.params.m"), "0.4");
}

Evaluation evaluation(std::int64_t step, double all, double low, double rho) {
  Evaluation e;
  e.step = step;
  e.set = "synthface";
  e.norm_quality_spearman = rho;
  eval::StratumResult r;
  r.stratum = "all";
  r.metrics.accuracy = all;
  e.strata.push_back(r);
  r.stratum = "low-low";
  r.metrics.accuracy = low;
  e.strata.push_back(r);
  return e;
}

TEST(RunComparison, LastAndBestPerSetAndStratum) {
  const auto summary =
      summarise_verification({evaluation(100, 0.8, 0.6, 0.4), evaluation(200, 0.75, 0.65, kNotApplicable)});
  ASSERT_EQ(summary.strata.size(), 2u);
  EXPECT_EQ(summary.strata[0].stratum, "all");
  EXPECT_DOUBLE_EQ(summary.strata[0].last, 0.75);
  EXPECT_EQ(summary.strata[0].last_step, 200);
  EXPECT_DOUBLE_EQ(summary.strata[0].best, 0.8);
  EXPECT_EQ(summary.strata[0].best_step, 100);
  EXPECT_DOUBLE_EQ(summary.strata[1].best, 0.65);
  EXPECT_DOUBLE_EQ(summary.norm_quality_spearman, 0.4);  // the latest that reports one
  EXPECT_TRUE(summarise_verification({}).strata.empty());
}

}  // namespace
}  // namespace marginlab::train
