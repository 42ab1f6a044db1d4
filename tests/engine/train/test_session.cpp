#include "engine/train/session.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "engine/heads/kappaface.h"

namespace marginlab::train {
namespace {

Experiment small_experiment(const std::string& head = "adaface") {
  Experiment e;
  e.model.backbone = "demo";
  e.model.embedding_dim = 16;
  e.data.image_size = 32;
  e.head.kind = head;
  e.train.batch_size = 8;
  e.train.device = DeviceChoice::cpu;
  return e;
}

data::Batch random_batch(std::int64_t size, std::int64_t classes, std::uint64_t seed) {
  torch::manual_seed(seed);
  data::Batch batch;
  batch.images = torch::randn({size, 3, 32, 32}).contiguous(torch::MemoryFormat::ChannelsLast);
  batch.labels = torch::randint(classes, {size}, torch::kInt64);
  batch.quality = torch::rand({size});
  batch.sample_ids = torch::arange(size, torch::kInt64);
  return batch;
}

std::vector<torch::Tensor> copy_parameters(torch::nn::Module& module) {
  std::vector<torch::Tensor> copies;
  for (const auto& p : module.parameters()) copies.push_back(p.detach().clone());
  return copies;
}

TEST(TrainingSession, StepsReduceTheLossOnAFixedBatch) {
  torch::manual_seed(3);
  const auto e = small_experiment();
  TrainingSession session(e, {5, {}, 40}, torch::kCPU);
  const auto batch = random_batch(8, 5, 11);
  const float first = session.step(batch, 0.05, false).stats[kLoss].item<float>();
  float last = first;
  for (int i = 0; i < 15; ++i) last = session.step(batch, 0.05, false).stats[kLoss].item<float>();
  EXPECT_LT(last, 0.8f * first);
}

TEST(TrainingSession, NonFiniteInputIsSkippedCountedAndLeavesTheModelUntouched) {
  torch::manual_seed(3);
  TrainingSession session(small_experiment(), {5, {}, 40}, torch::kCPU);
  auto batch = random_batch(8, 5, 11);
  session.step(batch, 0.05, false);  // momentum buffers exist from here on
  const auto before = copy_parameters(*session.backbone());
  const auto head_before = session.head()->kernel().detach().clone();
  auto poisoned = batch;
  poisoned.images = batch.images.clone();
  poisoned.images[2][0][5][5] = std::numeric_limits<float>::quiet_NaN();
  const auto outcome = session.step(poisoned, 0.05, true);
  EXPECT_TRUE(outcome.skipped);
  EXPECT_NE(outcome.skip_reason.find("non-finite"), std::string::npos) << outcome.skip_reason;
  EXPECT_EQ(session.skipped_steps(), 1);
  const auto after = copy_parameters(*session.backbone());
  for (std::size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(torch::equal(before[i], after[i])) << i;
  EXPECT_TRUE(torch::equal(head_before, session.head()->kernel()));
  // The run goes on.
  EXPECT_FALSE(session.step(batch, 0.05, false).skipped);
}

TEST(TrainingSession, LiveChangesAreValidatedBeforeTheyApply) {
  TrainingSession session(small_experiment(), {5, {}, 40}, torch::kCPU);
  session.apply({"m", 0.25});
  session.apply({kLearningRate, 0.02});
  EXPECT_DOUBLE_EQ(session.base_lr(), 0.02);
  try {
    session.apply({"h", 7.0});
    FAIL() << "h = 7 must be refused";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("h = 7"), std::string::npos) << error.what();
  }
  EXPECT_THROW(session.apply({kLearningRate, -1.0}), InvalidParameter);
  EXPECT_DOUBLE_EQ(session.base_lr(), 0.02);
  for (const auto& p : session.head()->parameter_values()) {
    if (p.name == "m") EXPECT_DOUBLE_EQ(p.value, 0.25);
    if (p.name == "h") EXPECT_DOUBLE_EQ(p.value, 0.333);
  }
}

TEST(TrainingSession, SaveAndLoadContinueIdentically) {
  const auto e = small_experiment("kappaface");
  const auto batch = random_batch(8, 5, 11);
  torch::manual_seed(5);
  TrainingSession original(e, {5, {10, 8, 8, 7, 7}, 40}, torch::kCPU);
  original.step(batch, 0.05, false);
  original.apply({"m0", 0.6});
  original.end_epoch();
  torch::serialize::OutputArchive archive;
  original.save(archive);
  std::stringstream stream;
  archive.save_to(stream);

  torch::manual_seed(99);  // different initial weights: everything must come from the archive
  TrainingSession restored(e, {5, {10, 8, 8, 7, 7}, 40}, torch::kCPU);
  torch::serialize::InputArchive input;
  input.load_from(stream);
  restored.load(input);
  const auto a = original.step(batch, 0.05, true);
  const auto b = restored.step(batch, 0.05, true);
  EXPECT_TRUE(torch::equal(a.stats, b.stats)) << a.stats << b.stats;
  EXPECT_TRUE(torch::equal(a.diagnostics.margin, b.diagnostics.margin));
}

// The authors' shipped KappaFace configuration: class statistics from the momentum encoder's features. They must
// differ from the memory buffer's (another source really is used), and the encoder travels with the checkpoint.
TEST(TrainingSession, KappaFaceMomentumEncoderFeedsTheStatisticsAndResumes) {
  const auto batch = random_batch(8, 5, 11);
  const DataShape shape{5, {10, 8, 8, 7, 7}, 40};
  auto psi_after_one_epoch = [&](const std::string& statistics) {
    auto e = small_experiment("kappaface");
    e.head.params["statistics"] = statistics;
    torch::manual_seed(5);
    auto session = std::make_unique<TrainingSession>(e, shape, torch::kCPU);
    session->step(batch, 0.05, false);
    session->step(batch, 0.05, false);
    session->end_epoch();
    auto* kappaface = dynamic_cast<heads::KappaFaceHeadImpl*>(session->head().get());
    return std::pair{std::move(session), kappaface->psi().clone()};
  };
  const auto [memory_session, memory_psi] = psi_after_one_epoch("memory");
  auto [encoder_session, encoder_psi] = psi_after_one_epoch("momentum_encoder");
  EXPECT_FALSE(torch::allclose(encoder_psi, torch::ones_like(encoder_psi))) << "statistics were refreshed";
  EXPECT_FALSE(torch::allclose(encoder_psi, memory_psi)) << encoder_psi << memory_psi;

  torch::serialize::OutputArchive archive;
  encoder_session->save(archive);
  std::stringstream stream;
  archive.save_to(stream);
  auto e = small_experiment("kappaface");
  e.head.params["statistics"] = std::string("momentum_encoder");
  torch::manual_seed(99);
  TrainingSession restored(e, shape, torch::kCPU);
  torch::serialize::InputArchive input;
  input.load_from(stream);
  restored.load(input);
  for (int i = 0; i < 2; ++i) {
    const auto a = encoder_session->step(batch, 0.05, true);  // with diagnostics: no NaN placeholder in the stats
    const auto b = restored.step(batch, 0.05, true);
    EXPECT_TRUE(torch::equal(a.stats, b.stats)) << a.stats << b.stats;
  }
  encoder_session->end_epoch();
  restored.end_epoch();
  auto psi = [](TrainingSession& s) { return dynamic_cast<heads::KappaFaceHeadImpl*>(s.head().get())->psi(); };
  EXPECT_TRUE(torch::equal(psi(*encoder_session), psi(restored)));
}

TEST(TrainingSession, MixedPrecisionIsRefusedOnTheCpuWithAReason) {
  auto e = small_experiment();
  e.train.precision = Precision::fp16;
  try {
    TrainingSession session(e, {5, {}, 40}, torch::kCPU);
    FAIL() << "fp16 on the CPU must be refused";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("train.precision = \"fp16\""), std::string::npos) << error.what();
  }
}

// fp16 with dynamic loss scaling: a step whose scaled gradients overflow is skipped and halves the scale, as
// torch.cuda.amp.GradScaler does, until a step goes through; bf16 needs no scaling and steps at once. The head's
// kernel stays float32 either way.
TEST(TrainingSession, MixedPrecisionStepsOnCuda) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  for (auto precision : {Precision::fp16, Precision::bf16}) {
    SCOPED_TRACE(to_string(precision));
    auto e = small_experiment();
    e.train.precision = precision;
    TrainingSession session(e, {5, {}, 40}, torch::kCUDA);
    const auto batch = random_batch(8, 5, 11);
    const double initial_scale = session.loss_scale();
    int skipped = 0;
    StepOutcome outcome = session.step(batch, 0.05, true);
    for (; outcome.skipped && skipped < 16; outcome = session.step(batch, 0.05, true)) {
      EXPECT_EQ(outcome.skip_reason, "non-finite gradients");
      ++skipped;
    }
    ASSERT_FALSE(outcome.skipped) << outcome.skip_reason;
    if (precision == Precision::bf16) EXPECT_EQ(skipped, 0);
    EXPECT_EQ(session.loss_scale(), initial_scale / std::pow(2.0, skipped));
    EXPECT_EQ(session.head()->kernel().scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::isfinite(outcome.stats).all().item<bool>());
  }
}

// Fine-tuning: the backbone frozen (weights and BatchNorm statistics) while the head learns, then learning again.
TEST(TrainingSession, AFrozenBackboneStaysAsItIsWhileTheHeadLearns) {
  torch::manual_seed(3);
  TrainingSession session(small_experiment("arcface"), {5, {}, 40}, torch::kCPU);
  const auto batch = random_batch(8, 5, 11);
  std::vector<torch::Tensor> state;
  for (const auto& t : session.backbone()->named_buffers()) state.push_back(t.value().clone());
  const auto weights = copy_parameters(*session.backbone());
  const auto kernel = session.head()->named_parameters()["kernel"].detach().clone();
  session.freeze_backbone(true);
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(session.step(batch, 0.1, false).skipped);
  const auto frozen = copy_parameters(*session.backbone());
  for (std::size_t i = 0; i < weights.size(); ++i) EXPECT_TRUE(torch::equal(frozen[i], weights[i])) << i;
  std::size_t index = 0;
  for (const auto& t : session.backbone()->named_buffers())
    EXPECT_TRUE(torch::equal(t.value(), state[index++])) << t.key();
  EXPECT_FALSE(torch::equal(session.head()->named_parameters()["kernel"], kernel));
  session.freeze_backbone(false);
  session.step(batch, 0.1, false);
  EXPECT_FALSE(torch::equal(copy_parameters(*session.backbone())[0], weights[0]));
}

TEST(TrainingSession, TheBackboneLearnsAtItsOwnScaleOfTheRate) {
  // Scale 0: the head moves, the backbone's weights do not (its BatchNorm statistics still follow the data).
  auto e = small_experiment("arcface");
  e.optimizer.backbone_lr_scale = 0.0;
  e.optimizer.weight_decay = 0.0;
  torch::manual_seed(3);
  TrainingSession still(e, {5, {}, 40}, torch::kCPU);
  const auto weights = copy_parameters(*still.backbone());
  const auto batch = random_batch(8, 5, 11);
  for (int i = 0; i < 2; ++i) still.step(batch, 0.1, false);
  const auto after = copy_parameters(*still.backbone());
  for (std::size_t i = 0; i < weights.size(); ++i) EXPECT_TRUE(torch::equal(after[i], weights[i])) << i;
  // Scale 0.5 moves the backbone's first step by half of scale 1's (SGD: the first step is lr × gradient).
  std::vector<torch::Tensor> moved;
  for (const double scale : {1.0, 0.5}) {
    e.optimizer.backbone_lr_scale = scale;
    torch::manual_seed(3);
    TrainingSession session(e, {5, {}, 40}, torch::kCPU);
    const auto before = copy_parameters(*session.backbone());
    session.step(batch, 0.1, false);
    moved.push_back(copy_parameters(*session.backbone())[0] - before[0]);
  }
  EXPECT_TRUE(torch::allclose(moved[1], moved[0] * 0.5, 1e-5, 1e-7));
}

TEST(TrainingSession, StartsFromAnotherModelsWeightsAndClassifier) {
  auto e = small_experiment("arcface");
  torch::manual_seed(5);
  TrainingSession source(e, {5, {}, 40}, torch::kCPU);
  source.step(random_batch(8, 5, 2), 0.1, false);
  torch::manual_seed(6);
  TrainingSession session(e, {5, {}, 40}, torch::kCPU);
  const auto kernel = source.head()->named_parameters()["kernel"].detach().clone();
  session.start_from(*source.backbone(), &kernel);
  const auto images = random_batch(4, 5, 9).images;
  EXPECT_TRUE(torch::equal(session.embed(images).embedding, source.embed(images).embedding));
  EXPECT_TRUE(torch::equal(session.head()->named_parameters()["kernel"], kernel));
  // A classifier of other classes is refused with both counts.
  TrainingSession more(e, {7, {}, 40}, torch::kCPU);
  try {
    more.start_from(*source.backbone(), &kernel);
    FAIL() << "a 5-class classifier was taken for 7 classes";
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what())
                  .find("the weights' classifier has 5 classes of 16 dimensions, the run's data 7 "
                        "classes of 16"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace marginlab::train
