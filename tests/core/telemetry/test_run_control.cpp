#include "core/telemetry/run_control.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace marginlab::train {
namespace {

TEST(LiveParameters, KeepsEveryPostInOrderWithItsVersion) {
  LiveParameters live;
  EXPECT_FALSE(live.take().has_value());
  EXPECT_EQ(live.post({{"m", 0.3}}), 1u);
  EXPECT_EQ(live.post({{"h", 0.2}, {"m", 0.35}}), 2u);
  const auto pending = live.take();
  ASSERT_TRUE(pending.has_value());
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].name, "m");
  EXPECT_DOUBLE_EQ((*pending)[0].value, 0.3);
  EXPECT_EQ((*pending)[0].version, 1u);
  EXPECT_EQ((*pending)[1].name, "h");
  EXPECT_EQ((*pending)[2].name, "m");  // applied last: the newest value wins
  EXPECT_DOUBLE_EQ((*pending)[2].value, 0.35);
  EXPECT_EQ((*pending)[2].version, 2u);
  EXPECT_FALSE(live.take().has_value());
  EXPECT_EQ(live.latest_version(), 2u);
}

TEST(LiveParameters, PostsUnderAChosenVersionOnlyWhenItIsNewer) {
  LiveParameters live;
  live.post_as(7, {{"m", 0.3}});
  EXPECT_EQ(live.latest_version(), 7u);
  EXPECT_THROW(live.post_as(7, {{"m", 0.4}}), std::invalid_argument);
  EXPECT_EQ(live.post({{"lr", 0.01}}), 8u);
  const auto pending = live.take();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].version, 7u);
  EXPECT_EQ((*pending)[1].version, 8u);
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
