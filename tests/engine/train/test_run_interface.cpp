// The trainer's run directory as the interface to a run: requests written into it steer the run (applied, refused,
// recorded), the tuning becomes the experiment's schedule and replays bit for bit, status.json and snapshot.cbor
// follow the run, and a hand-written schedule changes parameters at its steps.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "core/errors.h"
#include "core/run/run_follower.h"
#include "core/run/run_requests.h"
#include "core/run/run_status.h"
#include "core/run/snapshot_file.h"
#include "tests/engine/train/trainer_fixture.h"

namespace marginlab::train {
namespace {

RunRequest set(std::map<std::string, double> params) {
  RunRequest r;
  r.params = std::move(params);
  return r;
}

RunRequest control(RequestAction action) {
  RunRequest r;
  r.action = action;
  return r;
}

std::vector<RunEvent> of_kind(const std::vector<RunEvent>& events, RunEvent::Kind kind) {
  std::vector<RunEvent> selected;
  for (const auto& e : events) {
    if (e.kind == kind) selected.push_back(e);
  }
  return selected;
}

using RunInterfaceTest = TrainerTest;

TEST_F(RunInterfaceTest, RequestsAreAppliedRecordedAsScheduleAndReplayBitForBit) {
  auto e = small("kappaface");  // KappaFace: its epoch-end refresh must land on the same side of each change
  e.train.max_steps = 30;       // several epochs of 7 batches
  Trainer trainer(e);
  const auto run = trainer.run_directory();
  std::uint64_t version = 0, refused = 0;
  auto tuner = when_step_reached(trainer, 6, [&] {
    version = write_request(run, set({{"head.params.gamma", 0.3}, {"optimizer.lr", 0.05}}));
    refused = write_request(run, set({{"head.params.temperature", -1}}));  // out of range: refused by the head
    write_request(run, set({{"optimizer.momentum", 0.5}}));                // not a live parameter
  });
  trainer.run();
  tuner.join();
  const auto events = trainer.telemetry().drain_events();
  const auto applied = of_kind(events, RunEvent::Kind::param_applied);
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0].version, version);
  EXPECT_NE(applied[0].text.find(fmt::format("(request {} by {}@", version, this_process().user)), std::string::npos)
      << applied[0].text;
  const auto rejected = of_kind(events, RunEvent::Kind::param_rejected);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].version, refused);
  const auto not_live = of_kind(events, RunEvent::Kind::request_rejected);
  ASSERT_EQ(not_live.size(), 1u);
  EXPECT_NE(not_live[0].text.find("optimizer.momentum is not a live parameter"), std::string::npos) << not_live[0].text;

  // Recorded in the run's experiment: in force from the step after the boundary where they landed.
  const auto recorded = load_experiment((run / "experiment.json").string());
  ASSERT_EQ(recorded.head.schedule.size(), 1u);
  EXPECT_EQ(recorded.head.schedule[0].step, applied[0].step);
  EXPECT_DOUBLE_EQ(recorded.head.schedule[0].params.at("gamma"), 0.3);
  ASSERT_EQ(recorded.optimizer.schedule.size(), 1u);
  EXPECT_DOUBLE_EQ(recorded.optimizer.schedule[0].params.at("lr"), 0.05);

  // Training the run's experiment again replays the tuning: the same losses, bit for bit.
  const auto original = trainer.telemetry().drain_steps();
  Trainer replay(recorded);
  replay.run();
  const auto replayed = replay.telemetry().drain_steps();
  ASSERT_EQ(replayed.size(), original.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(replayed[i].loss, original[i].loss) << "step " << original[i].step;
    EXPECT_EQ(replayed[i].lr, original[i].lr) << "step " << original[i].step;
  }
  EXPECT_EQ(original[applied[0].step].lr, 0.05);  // the step after the boundary
  EXPECT_EQ(original[applied[0].step - 1].lr, 0.1);
}

TEST_F(RunInterfaceTest, ControlRequestsPauseResumeCheckpointAndStop) {
  auto e = small();
  e.train.max_steps = 100000;
  Trainer trainer(e);
  const auto run = trainer.run_directory();
  std::thread training([&] { trainer.run(); });
  const auto wait_for = [&](auto&& done) {
    for (int i = 0; i < 600 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return done();
  };
  ASSERT_TRUE(wait_for([&] { return read_run_status(run)->step >= 3; }));
  const auto pause = write_request(run, control(RequestAction::pause));
  ASSERT_TRUE(wait_for([&] { return read_run_status(run)->state == RunState::paused; }));
  EXPECT_TRUE(await_answer(run, pause, 1, std::chrono::seconds(10)).obeyed);
  const auto paused_at = read_run_status(run)->step;
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(read_run_status(run)->step, paused_at);
  EXPECT_EQ(judge_liveness(read_run_status(run), unix_now(), 60).text, "paused");

  write_request(run, control(RequestAction::resume));
  ASSERT_TRUE(wait_for([&] { return read_run_status(run)->step > paused_at + 2; }));
  const auto checkpoint = write_request(run, control(RequestAction::checkpoint));
  EXPECT_TRUE(await_answer(run, checkpoint, 1, std::chrono::seconds(30)).obeyed);
  const auto stop = write_request(run, control(RequestAction::stop));
  training.join();
  const auto answer = await_answer(run, stop, 1, std::chrono::seconds(10));
  ASSERT_TRUE(answer.obeyed);
  EXPECT_NE(answer.lines[0].find("stop (request 4 by"), std::string::npos) << answer.lines[0];
  const auto status = read_run_status(run);
  EXPECT_EQ(status->state, RunState::stopped);
  EXPECT_EQ(status->pid, ::getpid());
  EXPECT_EQ(judge_liveness(status, unix_now(), 60).liveness, Liveness::ended);
}

TEST_F(RunInterfaceTest, AFollowerSeesWhatTheRunRecorded) {
  auto e = small();
  e.train.max_steps = 12;
  Trainer trainer(e);
  trainer.run();
  const auto update = RunFollower(trainer.run_directory()).poll();
  EXPECT_TRUE(update.problems.empty());
  ASSERT_EQ(update.steps.size(), 12u);
  const auto telemetry = trainer.telemetry().drain_steps();
  for (std::size_t i = 0; i < telemetry.size(); ++i) {
    // metrics.csv keeps six significant digits.
    EXPECT_NEAR(update.steps[i].loss, telemetry[i].loss, 1e-5 * std::abs(telemetry[i].loss));
  }
  ASSERT_NE(update.snapshot, nullptr);
  EXPECT_EQ(update.snapshot->step, 12);  // the last one, written when the run ended
  EXPECT_EQ(update.snapshot->class_count.size(), 16u);
  ASSERT_TRUE(update.status.has_value());
  EXPECT_EQ(update.status->state, RunState::finished);
  EXPECT_EQ(update.status->step, 12);
  EXPECT_EQ(update.status->message, "finished: 12 steps, 0 skipped");
}

TEST_F(RunInterfaceTest, AHandWrittenScheduleWarmsTheMarginUp) {
  auto e = small("cosface");  // CosFace applies exactly m to every sample
  e.train.max_steps = 10;
  e.head.schedule = {{0, {{"m", 0.0}}}, {5, {{"m", 0.35}}}};
  Trainer trainer(e);
  trainer.run();
  for (const auto& record : trainer.telemetry().drain_steps()) {
    EXPECT_NEAR(record.margin_mean, record.step <= 5 ? 0.0 : 0.35, 1e-6) << "step " << record.step;
  }
  const auto applied = events_of(trainer, RunEvent::Kind::param_applied);
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[1].step, 5);
  EXPECT_NE(applied[1].text.find("(head.schedule)"), std::string::npos) << applied[1].text;
}

TEST_F(RunInterfaceTest, ARunThatCannotStartInADirectoryMadeForItSaysWhyInItsStatus) {
  auto e = small();
  e.train.batch_size = 4096;  // larger than the dataset
  const auto into = runs_ / "made-by-the-workbench";
  fs::create_directories(into);
  EXPECT_THROW(Trainer(e, nullptr, into), InvalidParameter);
  const auto status = read_run_status(into);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->state, RunState::failed);
  EXPECT_NE(status->message.find("train.batch_size = 4096"), std::string::npos) << status->message;
  // A directory that holds a run already is refused.
  fs::create_directories(into / "checkpoints");
  std::ofstream(into / "metrics.csv") << "step,loss\n";
  EXPECT_THROW(Trainer(small(), nullptr, into), InvalidFile);
}

}  // namespace
}  // namespace marginlab::train
