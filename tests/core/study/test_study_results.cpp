// A study read back from its runs' own files: each run's outcome and metric, the settings' means over seeds with
// their intervals, the ranking, and the report that prints them.
#include "core/study/study_results.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/errors.h"
#include "core/run/run_directory.h"
#include "core/run/run_status.h"
#include "core/study/study_report.h"
#include "tests/core/study/study_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::study {
namespace {

using nlohmann::json;
using test_support::TempDir;

using testing::stratum;
using testing::write_run;

TEST(StudyResults, MeansOverSeedsRankingAndReport) {
  TempDir dir;
  auto document = testing::small_study();
  document["axes"] = json::parse(R"([{"key": "head.params.m", "values": [0.3, 0.4, 0.5]}])");
  document["seeds"] = {1, 2, 3};
  const auto config = testing::read_study(dir.path(), document);
  const auto study = StudyDirectory::create(dir.path() / "study", config, plan_study(config));
  ASSERT_EQ(study.plan().runs.size(), 9u);
  // m = 0.3: three finished seeds at 0.6, 0.7, 0.8.
  write_run(study, "r01", train::RunState::finished, {{6, 0.5}, {12, 0.6}});
  write_run(study, "r02", train::RunState::finished, {{6, 0.5}, {12, 0.7}});
  write_run(study, "r03", train::RunState::finished, {{6, 0.5}, {12, 0.8}});
  // m = 0.4: one finished at 0.9, one stopped by the rule, one failed.
  write_run(study, "r04", train::RunState::finished, {{6, 0.6}, {12, 0.9}});
  write_run(study, "r05", train::RunState::stopped, {{6, 0.2}});
  study.record(Decision{"r05", 6, true, 0.2, 0.5, 4, "stopped at step 6: 0.2000 is worse than the median", 0});
  write_run(study, "r06", train::RunState::failed, {}, "out of memory");
  // m = 0.5: one interrupted (stopped without a verdict), two not started.
  write_run(study, "r07", train::RunState::stopped, {{6, 0.4}});

  const auto results = read_study_results(study);
  ASSERT_EQ(results.runs.size(), 9u);
  EXPECT_EQ(results.runs[0].outcome, RunOutcome::finished);
  EXPECT_DOUBLE_EQ(results.runs[0].metric, 0.6);
  EXPECT_EQ(results.runs[0].metric_step, 12);
  EXPECT_EQ(results.runs[0].metric_by_step.size(), 2u);
  EXPECT_EQ(results.runs[0].loss.size(), 2u);
  EXPECT_EQ(results.runs[4].outcome, RunOutcome::stopped);
  EXPECT_NE(results.runs[4].message.find("median"), std::string::npos);
  EXPECT_EQ(results.runs[5].outcome, RunOutcome::failed);
  EXPECT_EQ(results.runs[5].message, "out of memory");
  EXPECT_EQ(results.runs[6].outcome, RunOutcome::interrupted);
  EXPECT_EQ(results.runs[7].outcome, RunOutcome::pending);

  const auto& low = results.settings[0];
  EXPECT_EQ(low.finished, 3);
  EXPECT_NEAR(low.mean, 0.7, 1e-12);
  EXPECT_NEAR(low.sd, 0.1, 1e-12);
  EXPECT_NEAR(low.ci95, 4.303 * 0.1 / std::sqrt(3.0), 1e-9);  // t(0.975, 2 df)
  const auto& middle = results.settings[1];
  EXPECT_EQ(middle.finished, 1);
  EXPECT_EQ(middle.stopped, 1);
  EXPECT_DOUBLE_EQ(middle.mean, 0.9);
  EXPECT_TRUE(std::isnan(middle.ci95));
  EXPECT_TRUE(std::isnan(results.settings[2].mean));
  EXPECT_EQ(results.ranking(), (std::vector<int>{1, 0, 2}));

  const auto md = study_report_markdown(study, results);
  EXPECT_NE(md.find("# Study: small"), std::string::npos);
  EXPECT_NE(md.find("- **Time**: 0 min of run processes in all"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1 | head.params.m=0.4 | 1 (+1 stopped) | 0.9000 (1 run) |"), std::string::npos) << md;
  EXPECT_NE(
      md.find(fmt::format("| 2 | head.params.m=0.3 | 3 | 0.7000 ± {:.4f} | 0.1000 |", 4.303 * 0.1 / std::sqrt(3.0))),
      std::string::npos)
      << md;
  // The other strata of the set, and ρ.
  EXPECT_NE(md.find("| all |"), std::string::npos) << md;
  EXPECT_NE(md.find("0.8000 ± "), std::string::npos) << md;  // "all" accuracy of m = 0.3
  EXPECT_NE(md.find("| r06 | head.params.m=0.4 | 3 | failed | 0/12 | – | out of memory |"), std::string::npos) << md;
  EXPECT_NE(md.find("| r05 | 6 | stopped at step 6"), std::string::npos) << md;
}

TEST(StudyResults, MetricValueReadsTheMeasure) {
  train::Evaluation e;
  e.set = "synthface";
  e.strata = {stratum("all", 0.9, 0.8), stratum("low-low", 0.7, 0.4)};
  e.strata[1].metrics.eer = 0.2;
  e.norm_quality_spearman = 0.55;
  Metric m;
  m.stratum = "low-low";
  m.measure = "tar@far=1e-2";
  EXPECT_DOUBLE_EQ(metric_value(m, e), 0.4);
  m.measure = "tar@far=1e-3";  // unsupported there
  EXPECT_TRUE(std::isnan(metric_value(m, e)));
  m.measure = "eer";
  EXPECT_DOUBLE_EQ(metric_value(m, e), 0.2);
  m.measure = "norm_quality_spearman";
  EXPECT_DOUBLE_EQ(metric_value(m, e), 0.55);
  m.measure = "accuracy";
  m.stratum = "high-high";  // not in this evaluation
  EXPECT_TRUE(std::isnan(metric_value(m, e)));
}

TEST(StudyResults, ReopensTheDirectoryAsWritten) {
  TempDir dir;
  const auto config = testing::read_study(dir.path(), testing::small_study());
  const auto plan = plan_study(config);
  const auto made = StudyDirectory::create(dir.path() / "s", config, plan);
  const auto opened = StudyDirectory::open(dir.path() / "s");
  EXPECT_EQ(to_json(opened.config()), to_json(config));
  EXPECT_EQ(to_json(opened.plan()), to_json(plan));
  EXPECT_TRUE(std::filesystem::is_regular_file(opened.experiment_file("r03")));
  EXPECT_THROW(StudyDirectory::create(dir.path() / "s", config, plan), InvalidFile);
  EXPECT_THROW(StudyDirectory::open(dir.path()), InvalidFile);
}

TEST(StudyResults, MeanIntervalOfFewValues) {
  EXPECT_EQ(mean_interval({}).n, 0);
  const auto one = mean_interval({0.5});
  EXPECT_DOUBLE_EQ(one.mean, 0.5);
  EXPECT_TRUE(std::isnan(one.sd));
  const auto two = mean_interval({1.0, 3.0});
  EXPECT_DOUBLE_EQ(two.mean, 2.0);
  EXPECT_NEAR(two.ci95, 12.706 * std::sqrt(2.0) / std::sqrt(2.0), 1e-9);
}

}  // namespace
}  // namespace marginlab::study

namespace marginlab::study {
namespace {

TEST(StudyResults, WelchDifferenceOfTwoSettings) {
  const auto d = welch_difference({1.0, 2.0, 3.0}, {0.0, 0.5, 1.0});
  EXPECT_DOUBLE_EQ(d.difference, 1.5);
  // Welch–Satterthwaite: (1/3 + 1/12)² / ((1/3)²/2 + (1/12)²/2) = 2.94 → 2 degrees of freedom, t = 4.303.
  const double se = std::sqrt(1.0 / 3 + 0.25 / 3);
  EXPECT_NEAR(d.low, 1.5 - 4.303 * se, 1e-12);
  EXPECT_NEAR(d.high, 1.5 + 4.303 * se, 1e-12);
  EXPECT_TRUE(std::isnan(welch_difference({1.0}, {0.0, 1.0}).low));
}

// What a reader kept between reads says what a fresh read says: after runs' records were written again with more
// steps and evaluations and one finished, and after a run's folder was moved aside and started again (a resumed study's
// abandoned run).
TEST(StudyResults, AReaderKeptBetweenReadsSeesWhatAFreshReadSees) {
  TempDir dir;
  const auto config = testing::read_study(dir.path(), testing::small_study());
  const auto study = StudyDirectory::create(dir.path() / "study", config, plan_study(config));
  StudyReader reader(study);
  const auto same_as_fresh = [&](const std::string& when) -> StudyResults {
    SCOPED_TRACE(when);
    const auto kept = reader.read();
    const auto fresh = read_study_results(study);
    EXPECT_EQ(kept.runs.size(), fresh.runs.size());
    if (kept.runs.size() != fresh.runs.size()) return kept;
    for (std::size_t i = 0; i < kept.runs.size(); ++i) {
      const auto &a = kept.runs[i], &b = fresh.runs[i];
      EXPECT_EQ(a.outcome, b.outcome) << a.id;
      EXPECT_EQ(a.step, b.step) << a.id;
      EXPECT_EQ(a.metric_by_step, b.metric_by_step) << a.id;
      EXPECT_EQ(a.loss, b.loss) << a.id;
      EXPECT_EQ(a.last_by_set.size(), b.last_by_set.size()) << a.id;
    }
    for (std::size_t s = 0; s < kept.settings.size(); ++s) {
      EXPECT_EQ(kept.settings[s].finished, fresh.settings[s].finished);
      EXPECT_TRUE(kept.settings[s].mean == fresh.settings[s].mean ||
                  (std::isnan(kept.settings[s].mean) && std::isnan(fresh.settings[s].mean)));
    }
    return kept;
  };
  same_as_fresh("nothing started");
  write_run(study, "r01", train::RunState::running, {{3, 0.4}});
  write_run(study, "r02", train::RunState::running, {{3, 0.5}});
  EXPECT_EQ(same_as_fresh("two running").runs[0].metric_by_step.size(), 1u);
  // The runs' files written again with more records (a resumed run rewrites its records from its checkpoint).
  std::filesystem::remove_all(study.run_directory("r01"));
  std::filesystem::remove_all(study.run_directory("r02"));
  write_run(study, "r01", train::RunState::finished, {{3, 0.4}, {6, 0.5}, {12, 0.6}});
  write_run(study, "r02", train::RunState::running, {{3, 0.5}, {6, 0.55}});
  const auto later = same_as_fresh("one finished, one further");
  EXPECT_EQ(later.runs[0].outcome, RunOutcome::finished);
  EXPECT_DOUBLE_EQ(later.runs[0].metric, 0.6);
  EXPECT_EQ(later.runs[1].metric_by_step.size(), 2u);
  std::filesystem::create_directories(study.path() / "runs" / ".abandoned");
  std::filesystem::rename(study.run_directory("r02"), study.path() / "runs" / ".abandoned" / "r02");
  same_as_fresh("r02 moved aside");
  write_run(study, "r02", train::RunState::finished, {{12, 0.9}});
  const auto again = same_as_fresh("r02 run again");
  EXPECT_EQ(again.runs[1].metric_by_step.size(), 1u);
  EXPECT_DOUBLE_EQ(again.runs[1].metric, 0.9);
}

TEST(StudyResults, TheReportTestsEachClaim) {
  TempDir dir;
  auto document = testing::small_study();
  document["axes"] = json::parse(R"([{"key": "head.params.m", "values": [0.3, 0.4, 0.5]}])");
  document["seeds"] = {1, 2, 3};
  document["claims"] = json::parse(R"([{"claim": "m = 0.4 does best", "setting": "head.params.m=0.4",
    "against": ["head.params.m=0.3", "head.params.m=0.5"]}])");
  const auto config = testing::read_study(dir.path(), document);
  const auto study = StudyDirectory::create(dir.path() / "study", config, plan_study(config));
  // m = 0.3: 0.60, 0.61, 0.62; m = 0.4: 0.70, 0.71, 0.72 (clearly better); m = 0.5: 0.60, 0.75, 0.90 (noisy).
  const std::vector<double> finals{0.60, 0.61, 0.62, 0.70, 0.71, 0.72, 0.60, 0.75, 0.90};
  for (int i = 0; i < 9; ++i) {
    write_run(study, fmt::format("r0{}", i + 1), train::RunState::finished,
              {{12, finals[static_cast<std::size_t>(i)]}});
  }
  const auto md = study_report_markdown(study, read_study_results(study));
  EXPECT_NE(md.find("## The claims, tested"), std::string::npos) << md;
  EXPECT_NE(md.find("| head.params.m=0.3 | +0.1000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("**reproduces**"), std::string::npos) << md;
  EXPECT_NE(md.find("| head.params.m=0.5 | -0.0400 |"), std::string::npos) << md;
  EXPECT_NE(md.find("not shown"), std::string::npos) << md;
}

}  // namespace
}  // namespace marginlab::study
