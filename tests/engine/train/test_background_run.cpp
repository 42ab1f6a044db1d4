// The run both front ends own: what it reports arrives complete and in order through poll(), control reaches the
// trainer, and failures end the run with their message instead of escaping the thread.
#include "engine/train/background_run.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace marginlab::train {
namespace {

namespace fs = std::filesystem;

class BackgroundRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runs_ = fs::temp_directory_path() /
            ("marginlab_background_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(runs_);
  }
  void TearDown() override { fs::remove_all(runs_); }

  Experiment tiny(std::int64_t max_steps) const {
    Experiment e;
    e.name = "background";
    e.runs_dir = runs_.string();
    e.data.synthface = {{"identities", 8}, {"max_images_per_identity", 8}, {"imbalance_ratio", 2},
                        {"verification_identities", 8}, {"pairs_per_stratum", 10}};
    e.data.image_size = 32;
    e.model.backbone = "demo";
    e.model.embedding_dim = 16;
    e.head.kind = "kappaface";
    e.train.epochs = 100;
    e.train.max_steps = max_steps;
    e.train.batch_size = 8;
    e.train.device = DeviceChoice::cpu;
    e.train.threads = 1;
    e.report.every_steps = 1;
    e.checkpoint.every_steps = 0;
    e.eval.at_end = false;
    return e;
  }

  // Polls until the end (at most a minute), collecting everything.
  static BackgroundRun::Progress run_to_end(BackgroundRun& run) {
    BackgroundRun::Progress all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (!all.ended && std::chrono::steady_clock::now() < deadline) {
      auto p = run.poll();
      if (p.started) all.started = p.started;
      all.steps.insert(all.steps.end(), p.steps.begin(), p.steps.end());
      all.events.insert(all.events.end(), p.events.begin(), p.events.end());
      if (p.snapshot) all.snapshot = p.snapshot;
      all.ended = std::move(p.ended);
      if (!all.ended) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return all;
  }

  fs::path runs_;
};

TEST_F(BackgroundRunTest, ReportsEveryStepThenTheEnd) {
  const auto experiment = tiny(5);
  BackgroundRun run([experiment] { return std::make_unique<Trainer>(experiment); });
  const auto all = run_to_end(run);
  ASSERT_TRUE(all.ended);
  EXPECT_FALSE(all.ended->failed) << all.ended->error;
  ASSERT_TRUE(all.started);
  EXPECT_EQ(all.started->total_steps, 5);
  EXPECT_EQ(all.started->head_kind, "kappaface");
  ASSERT_EQ(all.steps.size(), 5u);
  for (std::size_t i = 0; i < all.steps.size(); ++i) EXPECT_EQ(all.steps[i].step, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(all.ended->summary.steps, 5);
  EXPECT_FALSE(all.ended->summary.stopped);
  ASSERT_TRUE(all.snapshot);
  EXPECT_TRUE(all.snapshot->kappa.kept);  // the head's own section, reported through its hooks
  EXPECT_TRUE(run.ended());
  EXPECT_FALSE(run.poll().ended);  // handed out once
}

TEST_F(BackgroundRunTest, AFactoryThatThrowsEndsTheRunAsFailedWithItsMessage) {
  BackgroundRun run([]() -> std::unique_ptr<Trainer> { throw std::runtime_error("data.path = \"/nowhere\": missing"); });
  const auto all = run_to_end(run);
  ASSERT_TRUE(all.ended);
  EXPECT_TRUE(all.ended->failed);
  EXPECT_EQ(all.ended->error, "data.path = \"/nowhere\": missing");
  EXPECT_FALSE(all.started);
}

TEST_F(BackgroundRunTest, StopBeforeTheTrainerIsBuiltEndsBeforeTheFirstStep) {
  const auto experiment = tiny(1000);
  BackgroundRun run([experiment] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return std::make_unique<Trainer>(experiment);
  });
  run.stop();
  const auto all = run_to_end(run);
  ASSERT_TRUE(all.ended);
  EXPECT_FALSE(all.ended->failed);
  EXPECT_TRUE(all.ended->before_first_step);
  EXPECT_TRUE(all.ended->summary.stopped);
  EXPECT_TRUE(all.steps.empty());
}

TEST_F(BackgroundRunTest, StopDuringTheRunLeavesACheckpointAndEndsStopped) {
  const auto experiment = tiny(100000);
  BackgroundRun run([experiment] { return std::make_unique<Trainer>(experiment); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  std::int64_t seen = 0;
  while (seen < 2 && std::chrono::steady_clock::now() < deadline) {
    seen += static_cast<std::int64_t>(run.poll().steps.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(seen, 2);
  run.stop();
  const auto all = run_to_end(run);
  ASSERT_TRUE(all.ended);
  EXPECT_TRUE(all.ended->summary.stopped);
  EXPECT_LT(all.ended->summary.steps, 100000);
  EXPECT_TRUE(fs::exists(all.ended->summary.run_directory / "checkpoints" / "latest.pt"));
}

}  // namespace
}  // namespace marginlab::train
