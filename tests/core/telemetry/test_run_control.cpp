#include "core/telemetry/run_control.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace marginlab::train {
namespace {

TEST(LiveParameters, MergesPostsNewestValueWinsAndVersionsCount) {
  LiveParameters live;
  EXPECT_FALSE(live.take().has_value());
  EXPECT_EQ(live.post({{"m", 0.3}}), 1u);
  EXPECT_EQ(live.post({{"h", 0.2}, {"m", 0.35}}), 2u);
  const auto pending = live.take();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->version, 2u);
  ASSERT_EQ(pending->updates.size(), 2u);
  EXPECT_EQ(pending->updates[0].name, "m");
  EXPECT_DOUBLE_EQ(pending->updates[0].value, 0.35);
  EXPECT_EQ(pending->updates[1].name, "h");
  EXPECT_FALSE(live.take().has_value());
  EXPECT_EQ(live.latest_version(), 2u);
}

TEST(RunControl, PauseBlocksUntilResumeAndStopEndsAPause) {
  RunControl control;
  control.pause();
  std::atomic<bool> released{false};
  std::thread trainer([&] {
    control.wait_while_paused();
    released = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(released.load());
  control.resume();
  trainer.join();
  EXPECT_TRUE(released.load());

  control.pause();
  std::thread stopped([&] { control.wait_while_paused(); });
  control.stop();
  stopped.join();
  EXPECT_TRUE(control.stop_requested());
}

TEST(RunControl, CheckpointRequestWakesAPausedRunOnce) {
  RunControl control;
  control.pause();
  std::thread trainer([&] { control.wait_while_paused(); });
  control.checkpoint_now();
  trainer.join();
  EXPECT_TRUE(control.take_checkpoint_request());
  EXPECT_FALSE(control.take_checkpoint_request());
  EXPECT_TRUE(control.paused());
}

}  // namespace
}  // namespace marginlab::train
