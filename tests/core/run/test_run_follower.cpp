// A follower sees a run's whole history on its first poll and then only what was appended, whole lines only; a
// resumed run's rewritten records restart it; the snapshot and status files are read when replaced.
#include "core/run/run_follower.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/run/run_directory.h"
#include "core/run/snapshot_file.h"
#include "core/telemetry/telemetry_json.h"
#include "tests/core/run/sample_snapshot.h"
#include "tests/support/temp_dir.h"

namespace marginlab::train {
namespace {

using test_support::TempDir;

StepRecord step_record(std::int64_t step) {
  StepRecord r;
  r.step = step;
  r.loss = 10.0 - static_cast<double>(step);
  r.lr = 0.1;
  return r;
}

TEST(RunFollower, HandsOutTheHistoryThenWhatIsAppended) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "followed");
  RunFollower follower(directory.path());
  EXPECT_TRUE(follower.poll().empty());  // nothing written yet: a run that is starting

  std::ofstream(directory.experiment_file()) << R"({"name": "followed"})";
  RunRecorder recorder(directory, 0);
  for (std::int64_t step = 1; step <= 3; ++step) recorder.record(step_record(step));
  recorder.record(RunEvent{RunEvent::Kind::info, 0, "started", "", 0, 0});
  recorder.flush();
  auto first = follower.poll();
  ASSERT_TRUE(first.experiment.has_value());
  EXPECT_EQ(first.experiment->at("name"), "followed");
  ASSERT_EQ(first.steps.size(), 3u);
  EXPECT_EQ(first.steps[2].step, 3);
  ASSERT_EQ(first.events.size(), 1u);
  EXPECT_FALSE(first.restarted);

  recorder.record(step_record(4));
  recorder.flush();
  auto second = follower.poll();
  EXPECT_FALSE(second.experiment.has_value());  // unchanged
  ASSERT_EQ(second.steps.size(), 1u);
  EXPECT_EQ(second.steps[0].step, 4);
  EXPECT_TRUE(follower.poll().empty());
}

TEST(RunFollower, WaitsForALineToEnd) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "followed");
  std::ofstream(directory.experiment_file()) << "{}";
  const std::string line = event_to_json({RunEvent::Kind::info, 5, "half written", "", 0, 0}).dump();
  std::ofstream events(directory.events_file());
  events << line.substr(0, 10) << std::flush;
  RunFollower follower(directory.path());
  EXPECT_TRUE(follower.poll().events.empty());
  events << line.substr(10) << "\n" << std::flush;
  const auto update = follower.poll();
  ASSERT_EQ(update.events.size(), 1u);
  EXPECT_EQ(update.events[0].text, "half written");
  EXPECT_TRUE(update.problems.empty());
}

TEST(RunFollower, StartsOverWhenAResumeRewritesTheRecords) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "followed");
  std::ofstream(directory.experiment_file()) << "{}";
  {
    RunRecorder recorder(directory, 0);
    for (std::int64_t step = 1; step <= 6; ++step) recorder.record(step_record(step));
    recorder.flush();
  }
  RunFollower follower(directory.path());
  EXPECT_EQ(follower.poll().steps.size(), 6u);
  // The run died after step 6; its checkpoint was at step 4. The resumed run drops steps 5 and 6 and goes on.
  RunRecorder resumed(directory, 4);
  resumed.record(step_record(5));
  resumed.flush();
  const auto update = follower.poll();
  EXPECT_TRUE(update.restarted);
  ASSERT_EQ(update.steps.size(), 5u);
  EXPECT_EQ(update.steps.back().step, 5);
}

TEST(RunFollower, ReadsTheSnapshotAndStatusWhenReplaced) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "followed");
  std::ofstream(directory.experiment_file()) << "{}";
  RunFollower follower(directory.path());
  write_snapshot_file(snapshot_file(directory.path()), make_snapshot(10));
  RunStatus status;
  status.step = 10;
  write_run_status(directory.path(), status);
  auto update = follower.poll();
  for (const auto& problem : update.problems) ADD_FAILURE() << problem;
  ASSERT_NE(update.snapshot, nullptr);
  EXPECT_EQ(update.snapshot->step, 10);
  EXPECT_EQ(update.snapshot->class_count, make_snapshot(10).class_count);
  ASSERT_TRUE(update.status.has_value());
  EXPECT_EQ(update.status->step, 10);
  update = follower.poll();
  EXPECT_EQ(update.snapshot, nullptr);
  EXPECT_FALSE(update.status.has_value());
  write_snapshot_file(snapshot_file(directory.path()), make_snapshot(20));
  EXPECT_EQ(follower.poll().snapshot->step, 20);
}

TEST(RunFollower, AnOlderRunsSnapshotComesFromItsTelemetryLines) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "older");
  std::ofstream(directory.experiment_file()) << "{}";
  {
    RunRecorder recorder(directory, 0);
    for (std::int64_t step = 1; step <= 3; ++step) recorder.record(make_snapshot(step));
    recorder.flush();
  }
  const auto update = RunFollower(directory.path()).poll();
  ASSERT_NE(update.snapshot, nullptr);
  EXPECT_EQ(update.snapshot->step, 3);
  EXPECT_EQ(update.snapshot->norm_history.size(), 3u);  // one band per line, joined
  EXPECT_EQ(update.snapshot->class_count, make_snapshot(1).class_count);
}

TEST(RunFollower, ABrokenLineIsReportedAndSkipped) {
  TempDir dir;
  const auto directory = RunDirectory::create(dir.path(), "followed");
  std::ofstream(directory.events_file()) << "{oops\n"
                                         << event_to_json({RunEvent::Kind::info, 1, "fine", "", 0, 0}).dump() << "\n";
  const auto update = RunFollower(directory.path()).poll();
  ASSERT_EQ(update.events.size(), 1u);
  ASSERT_EQ(update.problems.size(), 1u);
  EXPECT_EQ(update.problems[0], "events.jsonl:1: not a JSON object");
}

}  // namespace
}  // namespace marginlab::train
