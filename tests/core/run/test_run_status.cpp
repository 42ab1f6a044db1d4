// status.json: written and read back; what a follower concludes from it.
#include "core/run/run_status.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "core/errors.h"
#include "tests/support/temp_dir.h"

namespace marginlab::train {
namespace {

using test_support::TempDir;

RunStatus running_here(std::int64_t pid) {
  RunStatus status;
  const auto me = this_process();
  status.pid = pid;
  status.host = me.host;
  status.uid = me.uid;
  status.user = me.user;
  status.step = 40;
  status.total_steps = 100;
  status.activity = "training";
  status.progressed = unix_now();
  status.updated = unix_now();
  return status;
}

TEST(RunStatus, ReadsBackWhatWasWritten) {
  TempDir dir;
  EXPECT_FALSE(read_run_status(dir.path()).has_value());
  auto status = running_here(::getpid());
  status.state = RunState::paused;
  status.message = "waiting";
  write_run_status(dir.path(), status);
  const auto read = read_run_status(dir.path());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->state, RunState::paused);
  EXPECT_EQ(read->step, 40);
  EXPECT_EQ(read->pid, ::getpid());
  EXPECT_EQ(read->user, status.user);
  EXPECT_EQ(read->message, "waiting");
  EXPECT_NEAR(read->updated, unix_now(), 5.0);
}

TEST(RunStatus, MalformedIsAnErrorNamingTheFile) {
  TempDir dir;
  std::ofstream(run_status_file(dir.path())) << R"({"state": "dancing"})";
  try {
    read_run_status(dir.path());
    FAIL();
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("status.json: unknown state \"dancing\""), std::string::npos)
        << error.what();
  }
}

TEST(RunStatus, JudgesLiveEndedStalledAndVanished) {
  const double now = unix_now();
  EXPECT_EQ(judge_liveness(std::nullopt, now, 60).liveness, Liveness::unknown);

  auto live = running_here(::getpid());
  EXPECT_EQ(judge_liveness(live, now, 60).liveness, Liveness::live);
  live.state = RunState::paused;
  live.progressed = now - 3600;  // a pause is no stall
  live.activity = "paused";
  EXPECT_EQ(judge_liveness(live, now, 60).text, "paused");

  auto finished = live;
  finished.state = RunState::finished;
  EXPECT_EQ(judge_liveness(finished, now, 60).liveness, Liveness::ended);

  auto slow = running_here(::getpid());
  slow.progressed = now - 600;
  const auto stalled = judge_liveness(slow, now, 60);
  EXPECT_EQ(stalled.liveness, Liveness::stalled);
  EXPECT_NE(stalled.text.find("no step since"), std::string::npos) << stalled.text;

  auto elsewhere = running_here(1);
  elsewhere.host = "another-host.example";
  elsewhere.updated = now - 600;
  EXPECT_EQ(judge_liveness(elsewhere, now, 60).liveness, Liveness::stalled);

  // A process of this host that is gone: a child that has exited and been reaped.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  const auto gone = judge_liveness(running_here(child), now, 60);
  EXPECT_EQ(gone.liveness, Liveness::vanished);
  EXPECT_NE(gone.text.find(std::to_string(child)), std::string::npos) << gone.text;
}

TEST(StatusHeartbeat, WritesChangesAtOnceAndTheFinalState) {
  TempDir dir;
  auto initial = running_here(::getpid());
  initial.step = 0;
  {
    StatusHeartbeat heartbeat(dir.path(), initial, std::chrono::seconds(60));
    EXPECT_EQ(read_run_status(dir.path())->state, RunState::running);
    heartbeat.step_taken(12);
    heartbeat.set(RunState::paused, "paused");
    const auto paused = read_run_status(dir.path());
    EXPECT_EQ(paused->state, RunState::paused);
    EXPECT_EQ(paused->step, 12);
    heartbeat.finish(RunState::stopped, "stopped at step 12 of 100");
  }
  const auto last = read_run_status(dir.path());
  EXPECT_EQ(last->state, RunState::stopped);
  EXPECT_EQ(last->message, "stopped at step 12 of 100");
}

}  // namespace
}  // namespace marginlab::train
