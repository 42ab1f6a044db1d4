// A run directory written by RunRecorder reads back into the same records (the workbench reopens runs from it).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/errors.h"
#include "core/run/run_directory.h"
#include "core/run/run_follower.h"
#include "core/run/run_history.h"
#include "tests/core/run/sample_snapshot.h"
#include "tests/support/temp_dir.h"

namespace marginlab::train {
namespace {

using test_support::TempDir;

void write_run(const RunDirectory& directory) {
  std::ofstream(directory.experiment_file()) << R"({"name": "probe"})";
  RunRecorder recorder(directory, 0, {"synthface"});
  for (std::int64_t step = 1; step <= 3; ++step) {
    StepRecord record;
    record.step = step;
    record.epoch = 0;
    record.wall_seconds = 0.5 * static_cast<double>(step);
    record.loss = 10.0 - static_cast<double>(step);
    record.accuracy = 0.25;
    record.lr = 0.01;
    record.samples_per_second = 1000;
    record.ema_norm_mean = step == 1 ? kNotApplicable : 12.0;
    record.skipped = step == 2;
    if (step == 3) {
      Evaluation evaluation;
      evaluation.step = 3;
      evaluation.set = "synthface";
      evaluation.strata_basis = "true quality";
      evaluation.flip_test = eval::FlipTest::sum;
      eval::StratumResult all;
      all.stratum = "all";
      all.metrics.pairs = 600;
      all.metrics.accuracy = 0.8;
      all.metrics.tar_at_far = {{0.1, true, 0.7, 0.09, 0.3}, {1e-4, false}};
      all.roc.points = {{0, 0, 0}, {0, 0.1, 0.5}, {0, 1, 1}};
      evaluation.strata = {all};
      evaluation.skipped_strata = {{"low-low", 4}};
      recorder.record(evaluation);
    }
    recorder.record(record);
    recorder.record(make_snapshot(step));
  }
  recorder.record(RunEvent{RunEvent::Kind::param_applied, 2, "m0 = 0.9 applied", "m0", 0.9, 4});
  recorder.flush();
}

TEST(RunHistory, ReadsBackEverythingTheRecorderWrote) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "probe");
  write_run(directory);
  const auto history = read_run_history(directory.path());
  EXPECT_EQ(history.experiment.at("name"), "probe");
  ASSERT_EQ(history.steps.size(), 3u);
  EXPECT_EQ(history.steps[2].step, 3);
  EXPECT_DOUBLE_EQ(history.steps[2].loss, 7.0);
  EXPECT_DOUBLE_EQ(history.steps[1].wall_seconds, 1.0);
  EXPECT_TRUE(history.steps[1].skipped);
  EXPECT_TRUE(std::isnan(history.steps[0].ema_norm_mean));
  EXPECT_DOUBLE_EQ(history.steps[1].ema_norm_mean, 12.0);

  ASSERT_EQ(history.events.size(), 1u);
  EXPECT_EQ(history.events[0].kind, RunEvent::Kind::param_applied);
  EXPECT_EQ(history.events[0].name, "m0");
  EXPECT_EQ(history.events[0].version, 4u);
  EXPECT_DOUBLE_EQ(history.events[0].value, 0.9);

  ASSERT_EQ(history.evaluations.size(), 1u);
  const auto& evaluation = history.evaluations[0];
  EXPECT_EQ(evaluation.step, 3);
  EXPECT_EQ(evaluation.flip_test, eval::FlipTest::sum);
  ASSERT_EQ(evaluation.strata.size(), 1u);
  EXPECT_DOUBLE_EQ(evaluation.strata[0].metrics.accuracy, 0.8);
  ASSERT_EQ(evaluation.strata[0].metrics.tar_at_far.size(), 2u);
  EXPECT_FALSE(evaluation.strata[0].metrics.tar_at_far[1].supported);
  EXPECT_TRUE(std::isnan(evaluation.strata[0].metrics.tar_at_far[1].true_accept_rate));
  ASSERT_EQ(evaluation.strata[0].roc.points.size(), 3u);
  EXPECT_DOUBLE_EQ(evaluation.strata[0].roc.points[1].false_accept_rate, 0.1);
  EXPECT_DOUBLE_EQ(evaluation.strata[0].roc.points[1].true_accept_rate, 0.5);
  ASSERT_EQ(evaluation.skipped_strata.size(), 1u);
  EXPECT_EQ(evaluation.skipped_strata[0].pairs, 4);

  EXPECT_EQ(history.snapshot_steps, (std::vector<std::int64_t>{1, 2, 3}));
  const auto& latest = history.latest;
  const auto expected = make_snapshot(3);
  EXPECT_EQ(latest.step, 3);
  EXPECT_EQ(latest.head_kind, "kappaface");
  ASSERT_EQ(latest.head_params.size(), 1u);
  EXPECT_EQ(latest.head_params[0].name, "m0");
  EXPECT_EQ(latest.samples.label, expected.samples.label);
  EXPECT_EQ(latest.samples.labelled, expected.samples.labelled);
  EXPECT_EQ(latest.samples.norm, expected.samples.norm);
  EXPECT_EQ(latest.samples.hard, expected.samples.hard);
  EXPECT_TRUE(std::isnan(latest.samples.theta[2]));
  EXPECT_TRUE(std::isnan(latest.quality[1]));
  EXPECT_FLOAT_EQ(latest.quality[0], 0.2f);
  EXPECT_DOUBLE_EQ(latest.norm_quality_spearman, 0.5);
  EXPECT_EQ(latest.norm_histogram, expected.norm_histogram);
  // Class sizes are written once per recorder and still reach the latest snapshot; bands of every snapshot join.
  EXPECT_EQ(latest.class_count, expected.class_count);
  ASSERT_EQ(latest.norm_history.size(), 3u);
  EXPECT_EQ(latest.norm_history[0].step, 1);
  EXPECT_TRUE(std::isnan(latest.norm_history[2].ema_mean));
  EXPECT_DOUBLE_EQ(latest.norm_history[2].ema_std, 2.5);
  EXPECT_EQ(latest.kappa.kappa, expected.kappa.kappa);
  EXPECT_EQ(latest.kappa.count, expected.kappa.count);
  EXPECT_EQ(latest.kappa.refreshes, 2);
  EXPECT_EQ(history.truncated_lines, 0);
}

TEST(RunHistory, ReadsAnEarlierSnapshotByStep) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "probe");
  write_run(directory);
  const auto snapshot = read_snapshot_at(directory.path(), 2);
  EXPECT_EQ(snapshot.step, 2);
  EXPECT_FLOAT_EQ(snapshot.samples.norm[0], 12.f);
  EXPECT_EQ(snapshot.class_count, (std::vector<std::int64_t>{7, 3}));
  EXPECT_EQ(snapshot.norm_history.size(), 2u);
  EXPECT_THROW(read_snapshot_at(directory.path(), 99), InvalidFile);
}

TEST(RunHistory, ToleratesALastLineCutShortByACrash) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "probe");
  write_run(directory);
  std::ofstream(directory.telemetry_file(), std::ios::app) << R"({"step": 4, "samples": {"nor)";
  std::ofstream(directory.metrics_file(), std::ios::app) << "4,0,2.0";
  const auto history = read_run_history(directory.path());
  EXPECT_EQ(history.truncated_lines, 1);
  EXPECT_EQ(history.steps.size(), 3u);
  EXPECT_EQ(history.latest.step, 3);
}

// `marginlab-cli ijb/tinyface` append their results to evaluations.jsonl: read apart from the verification results,
// whichever reader opens the run, and a malformed one named by file and line.
TEST(RunHistory, BenchmarkResultsBesideVerificationResults) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "probe");
  write_run(directory);
  const benchmarks::BenchmarkRecord record{
      "IJBC", 3, "run/checkpoints/latest.pt", {{"1to1", {{"N1D1F1", {{"tar", {{"0.0001", 0.9}}}}}}}}};
  std::ofstream(directory.evaluations_file(), std::ios::app) << benchmarks::to_json(record).dump() << '\n';
  const auto history = read_run_history(directory.path());
  ASSERT_EQ(history.evaluations.size(), 1u);
  ASSERT_EQ(history.benchmarks.size(), 1u);
  EXPECT_EQ(history.benchmarks[0].benchmark, "IJBC");
  EXPECT_EQ(history.benchmarks[0].step, 3);
  EXPECT_EQ(history.benchmarks[0].results, record.results);

  RunFollower follower(directory.path());
  const auto update = follower.poll();
  EXPECT_EQ(update.evaluations.size(), 1u);
  ASSERT_EQ(update.benchmarks.size(), 1u);
  EXPECT_EQ(update.benchmarks[0].checkpoint, "run/checkpoints/latest.pt");

  std::ofstream(directory.evaluations_file(), std::ios::app) << R"({"benchmark": "IJBC", "step": 4})" << '\n'
                                                             << R"({"step": 5, "set": "x"})" << '\n';
  try {
    read_run_history(directory.path());
    FAIL() << "expected InvalidFile";
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("evaluations.jsonl:3"), std::string::npos) << error.what();
  }
}

TEST(RunHistory, NamesTheFileAndLineOfAMalformedRecord) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "probe");
  write_run(directory);
  {
    std::ofstream out(directory.events_file(), std::ios::trunc);
    out << "{not json\n" << R"({"step": 2, "kind": "info", "text": "x"})" << '\n';
  }
  try {
    read_run_history(directory.path());
    FAIL() << "expected InvalidFile";
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("events.jsonl:1"), std::string::npos) << error.what();
  }
  std::ofstream(directory.events_file(), std::ios::trunc) << R"({"step": 2, "kind": "party", "text": "x"})" << '\n';
  EXPECT_THROW(read_run_history(directory.path()), InvalidFile);
  EXPECT_THROW(read_run_history(dir.path() / "missing"), InvalidFile);
}

}  // namespace
}  // namespace marginlab::train
