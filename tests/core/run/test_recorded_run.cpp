// A run directory recorded by MarginLab 0.1.0 opens unchanged: its experiment reads and writes back to the same
// JSON (less head.kappa_statistics, now KappaFace's choice head.params.statistics), and its history (metrics, events, evaluations, snapshots) reads as recorded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/experiment/experiment.h"
#include "core/run/run_history.h"

namespace marginlab::train {
namespace {

const std::filesystem::path kRun = std::filesystem::path(MARGINLAB_FIXTURES_DIR) / "run-0.1.0";

TEST(RecordedRun, ExperimentReadsAndWritesBackUnchanged) {
  const auto document = read_experiment_document((kRun / "experiment.json").string());
  const auto experiment = load_experiment((kRun / "experiment.json").string());
  EXPECT_EQ(experiment.name, "recorded-by-0.1.0");
  EXPECT_EQ(experiment.head.kind, "adaface");
  EXPECT_EQ(std::get<double>(experiment.head.params.at("m")), 0.45);
  EXPECT_EQ(experiment.model.backbone, "demo");
  EXPECT_EQ(experiment.train.max_steps, 6);
  EXPECT_EQ(experiment.data.synthface.at("identities"), 12);
  // Every key, every value and every number's type (an integer stays an integer) as 0.1.0 wrote them, but the one
  // key that moved: 0.1.0 wrote KappaFace's statistics source for every head, here AdaFace's "memory" (no effect);
  // and the keys added since, written with their defaults.
  auto expected = document;
  ASSERT_EQ(expected["head"]["kappa_statistics"], "memory");
  expected["head"].erase("kappa_statistics");
  ASSERT_FALSE(expected["train"].contains("sync_batchnorm"));
  expected["train"]["sync_batchnorm"] = false;
  ASSERT_FALSE(expected["train"].contains("batchnorm_groups"));
  expected["train"]["batchnorm_groups"] = 1;
  expected["train"]["processes"] = 1;
  ASSERT_FALSE(expected["head"].contains("sample_rate"));
  expected["head"]["sample_rate"] = 1.0;
  expected["head"]["schedule"] = nlohmann::json::array();
  expected["optimizer"]["schedule"] = nlohmann::json::array();
  expected["model"]["init_from"] = "";
  expected["model"]["init_classifier"] = false;
  expected["optimizer"]["backbone_lr_scale"] = 1.0;
  expected["optimizer"]["freeze_backbone_steps"] = 0;
  expected["report"]["at_start"] = false;
  EXPECT_EQ(to_json(experiment), expected) << to_json(experiment).dump(2);
}

TEST(RecordedRun, HistoryReadsAsRecorded) {
  const auto history = read_run_history(kRun);
  EXPECT_EQ(history.truncated_lines, 0);
  ASSERT_EQ(history.steps.size(), 6u);
  EXPECT_EQ(history.steps.front().step, 1);
  EXPECT_EQ(history.steps.back().step, 6);
  EXPECT_DOUBLE_EQ(history.steps.front().lr, 0.05);
  ASSERT_EQ(history.evaluations.size(), 2u);
  EXPECT_EQ(history.evaluations[0].step, 3);
  EXPECT_EQ(history.evaluations[1].step, 6);
  EXPECT_EQ(history.evaluations[1].set, "synthface");
  EXPECT_FALSE(history.events.empty());
  EXPECT_EQ(history.events.back().text, "finished: 6 steps, 0 skipped");
  ASSERT_GE(history.snapshot_steps.size(), 3u);
  EXPECT_EQ(history.snapshot_steps.front(), 2);
  EXPECT_EQ(history.snapshot_steps.back(), 6);
  EXPECT_EQ(history.latest.head_kind, "adaface");
  EXPECT_EQ(history.latest.class_count.size(), 12u);
  EXPECT_FALSE(history.latest.samples.norm.empty());
  EXPECT_EQ(history.experiment, read_experiment_document((kRun / "experiment.json").string()));
}

}  // namespace
}  // namespace marginlab::train
