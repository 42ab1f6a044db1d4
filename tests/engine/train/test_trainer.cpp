#include "engine/train/trainer.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/errors.h"
#include "engine/train/evaluation_sets.h"
#include "engine/train/trained_model.h"
#include "tests/engine/train/trainer_fixture.h"

namespace marginlab::train {
namespace {

namespace fs = std::filesystem;

TEST_F(TrainerTest, ARealShortRunLowersTheLossAndItsNormsTrackQuality) {
  auto e = small();
  e.train.max_steps = 120;
  e.eval.at_end = true;
  e.eval.every_steps = 60;
  Trainer trainer(e);
  const auto summary = trainer.run();
  EXPECT_EQ(summary.steps, 120);
  EXPECT_FALSE(summary.stopped);
  const auto steps = trainer.telemetry().drain_steps();
  ASSERT_EQ(steps.size(), 120u);
  double first = 0, last = 0;
  for (int i = 0; i < 10; ++i) {
    first += steps[i].loss / 10;
    last += steps[steps.size() - 1 - i].loss / 10;
  }
  EXPECT_LT(last, 0.8 * first) << "first 10 steps " << first << ", last 10 steps " << last;
  ASSERT_EQ(summary.evaluations.size(), 2u);  // mid-run at step 60, and at the end
  EXPECT_EQ(summary.evaluations.front().step, 60);
  const auto& evaluation = summary.evaluations.back();
  EXPECT_EQ(evaluation.step, 120);
  // After 120 steps ρ(norm, quality) lay between 0.16 and 0.40 over the seeds 1..6 (measured when the kernel init
  // changed): a threshold of 0.2 failed on seed 1.
  EXPECT_GT(evaluation.norm_quality_spearman, 0.1);
  ASSERT_EQ(evaluation.strata.size(), 4u);  // all, high-high, high-low, low-low
  EXPECT_EQ(evaluation.strata[0].stratum, "all");
  EXPECT_EQ(evaluation.strata_basis, "true quality");
  EXPECT_EQ(evaluation.flip_test, eval::FlipTest::norm_weighted);
  EXPECT_FALSE(evaluation.strata.front().roc.points.empty());

  // The run directory holds its record.
  const auto dir = summary.run_directory;
  for (const auto* name : {"experiment.json", "metrics.csv", "events.jsonl", "evaluations.jsonl", "telemetry.jsonl",
                           "log.txt", "checkpoints/latest.pt"}) {
    EXPECT_TRUE(fs::exists(dir / name)) << name;
  }
  std::ifstream metrics(dir / "metrics.csv");
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(metrics, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 121u);  // header + one row per step
  // The validation accuracy is the last column, filled on the evaluated steps only.
  EXPECT_TRUE(rows[0].ends_with(",val_synthface_accuracy")) << rows[0];
  for (std::size_t step = 1; step <= 120; ++step) {
    const bool evaluated = step == 60 || step == 120;
    EXPECT_EQ(rows[step].back() != ',', evaluated) << "step " << step << ": " << rows[step];
  }
  EXPECT_TRUE(rows[120].ends_with(fmt::format(",{:.6g}", evaluation.strata[0].metrics.accuracy))) << rows[120];

  // The checkpoint's backbone, read back as `marginlab-cli eval` reads it, verifies exactly as the run did.
  const auto model = load_trained_model(dir, torch::kCPU);
  EXPECT_EQ(model.step, 120);
  auto training = open_training_data(model.experiment.data, "test");
  const auto sets = open_evaluation_sets(model.experiment, training);
  ASSERT_EQ(sets.size(), 1u);
  const auto again = eval::evaluate_set(
      sets[0], [&](const torch::Tensor& images) { return model.backbone->forward(images); },
      evaluation_options(model.experiment));
  EXPECT_EQ(again.strata[0].metrics.accuracy, evaluation.strata[0].metrics.accuracy);
  EXPECT_EQ(again.strata[0].metrics.auc, evaluation.strata[0].metrics.auc);
  EXPECT_NO_THROW(load_experiment((dir / "experiment.json").string()));

  const auto snapshot = trainer.telemetry().latest_snapshot();
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->samples.norm.size(), snapshot->quality.size());
  EXPECT_FALSE(snapshot->samples.z_hat.empty());
  EXPECT_EQ(snapshot->class_count.size(), 16u);
  EXPECT_FALSE(snapshot->norm_history.empty());
}

TEST_F(TrainerTest, AResumedRunContinuesWithExactlyTheSameLosses) {
  auto e = small();
  e.train.max_steps = 12;
  Trainer straight(e);
  straight.run();
  const auto reference = straight.telemetry().drain_steps();

  e.name = "interrupted";
  e.train.max_steps = 6;
  fs::path directory;
  {
    Trainer first_half(e);
    directory = first_half.run_directory();
    EXPECT_EQ(first_half.run().steps, 6);
  }
  e.train.max_steps = 12;
  Trainer second_half(directory, &e);
  EXPECT_EQ(second_half.start_step(), 6);
  second_half.run();
  const auto resumed = second_half.telemetry().drain_steps();
  ASSERT_EQ(resumed.size(), 6u);
  for (std::size_t i = 0; i < resumed.size(); ++i) {
    EXPECT_EQ(resumed[i].step, reference[6 + i].step);
    EXPECT_EQ(resumed[i].loss, reference[6 + i].loss) << "step " << resumed[i].step;
    EXPECT_EQ(resumed[i].norm_mean, reference[6 + i].norm_mean) << "step " << resumed[i].step;
  }
}

TEST_F(TrainerTest, StopLeavesACheckpointToResumeFrom) {
  auto e = small();
  e.train.max_steps = 400;
  Trainer trainer(e);
  auto stopper = when_step_reached(trainer, 4, [&] { trainer.control().stop(); });
  const auto summary = trainer.run();
  stopper.join();
  EXPECT_TRUE(summary.stopped);
  EXPECT_LT(summary.steps, 400);
  EXPECT_TRUE(fs::exists(trainer.run_directory() / "checkpoints" / "latest.pt"));

  e.train.max_steps = summary.steps + 3;
  Trainer resumed(trainer.run_directory(), &e);
  EXPECT_EQ(resumed.start_step(), summary.steps);
  const auto rest = resumed.run();
  EXPECT_EQ(rest.steps, summary.steps + 3);
  EXPECT_FALSE(rest.stopped);
}

// A checkpoint is never loaded into a model of another shape, and the refused change does not reach the run's file.
TEST_F(TrainerTest, AResumeWithOtherClassesIsRefusedAndLeavesTheRunAsItWas) {
  auto e = small();
  e.train.max_steps = 2;
  fs::path directory;
  {
    Trainer first(e);
    directory = first.run_directory();
    first.run();
  }
  const auto before = read_experiment_document((directory / "experiment.json").string());
  auto other = e;
  other.data.synthface["identities"] = 20;
  other.train.max_steps = 4;
  try {
    Trainer resumed(directory, &other);
    FAIL() << "a checkpoint of 16 classes was resumed with 20";
  } catch (const InvalidFile& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("the checkpoint's head kernel is 32 × 16, this run's is 32 × 20"));
  }
  EXPECT_EQ(read_experiment_document((directory / "experiment.json").string()), before);
  Trainer resumed(directory);  // the run itself still resumes
  EXPECT_EQ(resumed.start_step(), 2);
}

TEST_F(TrainerTest, LiveChangesApplyAtTheNextStepBoundaryAndAreRecorded) {
  auto e = small("cosface");  // CosFace applies exactly m to every sample: the change is visible per step
  e.train.max_steps = 16;
  Trainer trainer(e);
  std::uint64_t version = 0;
  auto tuner = when_step_reached(trainer, 4, [&] {
    version = trainer.live_parameters().post({{"m", 0.2}});
    trainer.live_parameters().post({{"s", -5.0}});  // refused by the head
  });
  trainer.run();
  tuner.join();
  auto all_events = trainer.telemetry().drain_events();
  const RunEvent* applied = nullptr;
  const RunEvent* rejected = nullptr;
  for (const auto& event : all_events) {
    if (event.kind == RunEvent::Kind::param_applied) applied = &event;
    if (event.kind == RunEvent::Kind::param_rejected) rejected = &event;
  }
  ASSERT_NE(applied, nullptr);
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(applied->name, "m");
  EXPECT_GE(applied->version, version);
  EXPECT_NE(rejected->text.find("s = -5"), std::string::npos) << rejected->text;
  const auto step = applied->step;  // applied before step `step` + 1 ran
  EXPECT_GE(step, 4);
  for (const auto& record : trainer.telemetry().drain_steps()) {
    EXPECT_NEAR(record.margin_mean, record.step <= step ? 0.4 : 0.2, 1e-6) << "step " << record.step;
  }
  for (const auto& p : trainer.telemetry().latest_snapshot()->head_params) {
    if (p.name == "s") EXPECT_DOUBLE_EQ(p.value, 64.0);
  }
}

TEST_F(TrainerTest, ABatchLargerThanTheDatasetIsRefusedByName) {
  auto e = small();
  e.train.batch_size = 100000;
  try {
    Trainer trainer(e);
    FAIL() << "the batch cannot be filled";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("train.batch_size = 100000"), std::string::npos) << error.what();
  }
  // Nothing is left behind by a run that could not start.
  EXPECT_TRUE(!fs::exists(runs_) || fs::is_empty(runs_));
}

}  // namespace
}  // namespace marginlab::train
