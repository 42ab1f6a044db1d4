// Fine-tuning runs: model.init_from starts a run from an arcface_torch file (its forward equal to the authors' before
// any step), takes its classifier when asked and the classes agree, freezes the backbone for the steps asked; an
// imported model is not resumed as a run.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/run/run_history.h"
#include "core/run/run_status.h"
#include "engine/formats/npy.h"
#include "engine/import/model_import.h"
#include "engine/train/trained_model.h"
#include "tests/engine/train/trainer_fixture.h"

namespace marginlab::train {
namespace {

const fs::path kFixtures = fs::path(MARGINLAB_FIXTURES_DIR) / "import";

class FineTuningTest : public TrainerTest {
 protected:
  // MobileFaceNet at 112×112 on ten SynthFace identities: the shape of arcface_shards' model and classifier.
  Experiment from_mbf(const fs::path& weights) const {
    auto e = small("arcface");
    e.data.image_size = 112;
    e.data.synthface["identities"] = 10;
    e.data.synthface["max_images_per_identity"] = 4;
    e.model.backbone = "mobilefacenet";
    e.model.embedding_dim = 512;
    e.model.init_from = weights.string();
    e.train.batch_size = 8;
    e.train.max_steps = 3;
    e.report.every_steps = 1;
    e.checkpoint.every_steps = 3;
    return e;
  }
};

TEST_F(FineTuningTest, StartsFromTheWeightsAndClassifierOfAShardSet) {
  auto e = from_mbf(kFixtures / "arcface_shards");
  e.model.init_classifier = true;
  e.optimizer.freeze_backbone_steps = 3;  // the whole run: the backbone must end as it began
  Trainer trainer(e);
  const auto summary = trainer.run();
  bool announced = false;
  for (const auto& event : events_of(trainer, RunEvent::Kind::info)) {
    announced = announced || event.text.find("starting from mobilefacenet from " + e.model.init_from +
                                             " (arcface_torch Partial FC shards (4 ranks)), with its classifier") !=
                                 std::string::npos;
  }
  EXPECT_TRUE(announced);
  // Frozen throughout: the run's backbone is the authors' model still, image for image.
  const auto model = load_trained_model(summary.run_directory, torch::kCPU);
  const auto images = formats::read_npy((kFixtures / "images.npy").string());
  const auto x = (torch::tensor(images.values).reshape(images.shape) / 255.0 - 0.5) / 0.5;
  const auto reference = formats::read_npy((kFixtures / "arcface_shards.embeddings.npy").string());
  torch::NoGradGuard no_grad;
  const auto out = model.backbone->forward(x);
  const auto cosine =
      torch::cosine_similarity(out.embedding * out.norm, torch::tensor(reference.values).reshape(reference.shape), 1);
  EXPECT_GE(cosine.min().item<double>(), 0.99999);
  // The classifier started from the shards' rows and learned for three steps.
  const auto head = load_trained_head(model);
  const auto rows = formats::read_npy((kFixtures / "arcface_shards.kernel.npy").string());
  const auto start = torch::tensor(rows.values).reshape(rows.shape).t();
  for (const auto& [name, tensor] : head.tensors) {
    if (name != "kernel") continue;
    EXPECT_EQ(tensor.sizes(), start.sizes());
    EXPECT_LT((tensor - start).abs().max().item<double>(), 0.5);  // near where it began
    EXPECT_FALSE(torch::equal(tensor, start));                    // but it learned
  }
}

TEST_F(FineTuningTest, RefusesAClassifierOfOtherClassesAndWeightsOfAnotherBackbone) {
  auto e = from_mbf(kFixtures / "arcface_shards");
  e.model.init_classifier = true;
  e.data.synthface["identities"] = 12;
  try {
    Trainer trainer(e);
    FAIL() << "a 10-class classifier was taken for 12 identities";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("classifier has 10 classes of 512 dimensions, the run's data 12"),
              std::string::npos)
        << error.what();
  }
  e = from_mbf(kFixtures / "arcface_r18.pth");
  try {
    Trainer trainer(e);
    FAIL() << "IResNet-18 weights were taken for a MobileFaceNet";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what())
                  .find("holds a ir18 of 512 dimensions at 112×112, but the run builds a "
                        "mobilefacenet"),
              std::string::npos)
        << error.what();
  }
  e = from_mbf(kFixtures / "arcface_mbf.pth");
  e.model.init_classifier = true;
  try {
    Trainer trainer(e);
    FAIL() << "a classifier was asked of a file without one";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("arcface_mbf.pth has no classifier"), std::string::npos) << error.what();
  }
}

TEST_F(FineTuningTest, AnImportedModelStartsRunsButIsNotResumed) {
  const auto imported = runs_ / "imported";
  importing::write_imported_run(importing::import_model(kFixtures / "arcface_mbf.pth", {}), imported);
  try {
    Trainer resumed(imported);
    FAIL() << "an imported model was resumed";
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what())
                  .find("an imported model, not a run to resume; start a run from it with "
                        "model.init_from"),
              std::string::npos)
        << error.what();
  }
  // A run directory (the imported one) as model.init_from, with a new head of another kind.
  auto e = from_mbf(imported);
  e.head.kind = "cosface";
  Trainer trainer(e);
  EXPECT_EQ(trainer.run().steps, 3);
}

TEST_F(FineTuningTest, ALookAtTheStartingModelLeavesTheTrainingAsItWas) {
  std::vector<std::vector<double>> losses;
  for (const bool look : {false, true}) {
    auto e = from_mbf(kFixtures / "arcface_mbf.pth");
    e.name = look ? "look" : "plain";
    e.report.at_start = look;
    Trainer trainer(e);
    const auto history = read_run_history(trainer.run().run_directory);
    losses.emplace_back();
    for (const auto& record : history.steps) losses.back().push_back(record.loss);
    if (!look) continue;
    ASSERT_FALSE(history.snapshot_steps.empty());
    EXPECT_EQ(history.snapshot_steps.front(), 0);  // the starting model's picture
    ASSERT_FALSE(history.evaluations.empty());
    EXPECT_EQ(history.evaluations.front().step, 0);
  }
  ASSERT_EQ(losses[0].size(), 3u);
  EXPECT_EQ(losses[0], losses[1]);  // bit for bit
}

TEST_F(FineTuningTest, ALookAloneShowsHowTheDataSitsUnderAnImportedModel) {
  const auto imported = runs_ / "imported";
  importing::write_imported_run(importing::import_model(kFixtures / "arcface_mbf.pth", {}), imported);
  auto e = load_experiment((imported / "experiment.json").string());
  e.runs_dir = runs_.string();
  e.data.synthface = small("arcface").data.synthface;
  e.data.synthface["identities"] = 10;
  e.model.init_from = imported.string();
  e.report.at_start = true;
  e.train.epochs = 0;
  e.train.batch_size = 8;
  e.train.device = DeviceChoice::cpu;
  Trainer trainer(e);
  const auto summary = trainer.run();
  EXPECT_EQ(summary.steps, 0);
  const auto history = read_run_history(summary.run_directory);
  EXPECT_TRUE(history.steps.empty());
  ASSERT_EQ(history.snapshot_steps, std::vector<std::int64_t>{0});
  // Every sample's norm against its true quality, SynthFace's ground truth.
  EXPECT_GT(history.latest.samples.norm.size(), 0u);
  EXPECT_EQ(history.latest.samples.norm.size(), history.latest.quality.size());
  EXPECT_GT(history.latest.norm_quality_spearman, -1.0);  // computed: SynthFace knows every sample's quality
  ASSERT_EQ(history.evaluations.size(), 1u);
  EXPECT_EQ(history.evaluations[0].set, "synthface");
  EXPECT_EQ(read_run_status(summary.run_directory)->state, RunState::finished);
}
}  // namespace
}  // namespace marginlab::train
