#include "engine/eval/evaluator.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "engine/data/synthface.h"

namespace marginlab::eval {
namespace {

// Images whose content encodes their index; a chosen few cannot be decoded, as a corrupt JPEG in a .bin would.
class NumberedImages : public data::SampleSource {
 public:
  NumberedImages(std::int64_t count, std::vector<std::int64_t> unreadable)
      : count_(count), unreadable_(std::move(unreadable)) {}
  std::int64_t size() const override { return count_; }
  std::int64_t num_classes() const override { return 0; }
  std::int64_t label(std::int64_t) const override { return -1; }
  std::vector<std::int64_t> class_counts() const override { return {}; }
  data::ImageSample load(std::int64_t index) const override {
    if (std::find(unreadable_.begin(), unreadable_.end(), index) != unreadable_.end()) {
      throw UnreadableSample("numbered: image " + std::to_string(index) + " is corrupt");
    }
    data::ImageSample image;
    image.height = image.width = 16;
    image.pixels.resize(16 * 16 * 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
      image.pixels[i] = static_cast<std::uint8_t>((index * 37 + (i % 48) * (index % 5 + 1)) % 256);
    }
    return image;
  }
  data::ColorOrder color_order() const override { return data::ColorOrder::rgb; }
  std::string describe() const override { return "numbered test images"; }

 private:
  std::int64_t count_;
  std::vector<std::int64_t> unreadable_;
};

// Embeddings of a fixed random projection of the pixels: norm and direction both depend on the image.
EmbedFunction projection(std::int64_t dim = 8) {
  torch::manual_seed(7);
  const auto weights = torch::randn({3 * 16 * 16, dim});
  return [weights](const torch::Tensor& images) {
    return backbones::unit_and_norm(images.contiguous().flatten(1).matmul(weights));
  };
}

EvaluationOptions options(std::int64_t batch, int threads, FlipTest flip = FlipTest::none) {
  EvaluationOptions o;
  o.loader.batch_size = batch;
  o.loader.threads = threads;
  o.loader.image_size = 16;
  o.flip_test = flip;
  return o;
}

// Pairs over `images` images: i with i+1, genuine on even i.
data::VerificationSet chain(std::int64_t images, std::vector<std::int64_t> unreadable = {}) {
  data::VerificationSet set;
  set.name = "chain";
  set.images = std::make_shared<NumberedImages>(images, std::move(unreadable));
  for (std::int64_t i = 0; i + 1 < images; ++i) set.pairs.push_back({i, i + 1, i % 2 == 0});
  return set;
}

TEST(Evaluator, EmbeddingsDoNotDependOnBatchSizeOrThreads) {
  data::SynthFaceConfig config;
  config.image_size = 32;
  config.identities = 12;
  config.verification_identities = 10;
  config.pairs_per_stratum = 30;
  const data::SynthFace synth(config);
  torch::manual_seed(3);
  backbones::BackboneSpec spec;
  spec.kind = "demo";
  spec.embedding_dim = 16;
  spec.input_size = 32;
  auto net = backbones::make_backbone(spec);
  net->eval();
  const EmbedFunction embed = [&](const torch::Tensor& images) { return net->forward(images); };

  data::VerificationSet set;
  set.name = "synthface";
  set.images = synth.verification_images();
  set.pairs = synth.verification_pairs();
  set.true_quality_strata = true;
  auto small = options(5, 1, FlipTest::norm_weighted);
  auto large = options(64, 2, FlipTest::norm_weighted);
  small.loader.image_size = large.loader.image_size = 32;
  const auto a = embed_images(set.images, embed, small);
  const auto b = embed_images(set.images, embed, large);
  EXPECT_TRUE(torch::allclose(a.embeddings, b.embeddings, 1e-5, 1e-6));
  const auto ra = score_pairs(set, a, small);
  const auto rb = score_pairs(set, b, large);
  ASSERT_EQ(ra.strata.size(), 4u);
  EXPECT_EQ(ra.strata_basis, "true quality");
  EXPECT_EQ(ra.strata[1].stratum, "high-high");
  for (std::size_t s = 0; s < ra.strata.size(); ++s) {
    EXPECT_DOUBLE_EQ(ra.strata[s].metrics.accuracy, rb.strata[s].metrics.accuracy) << ra.strata[s].stratum;
    EXPECT_NEAR(ra.strata[s].metrics.auc, rb.strata[s].metrics.auc, 1e-9) << ra.strata[s].stratum;
  }
  EXPECT_TRUE(std::isfinite(ra.norm_quality_spearman));  // SynthFace knows the quality
}

TEST(Evaluator, FlipTestFusesTheMirrorImageAsDocumented) {
  const auto set = chain(12);
  const auto embed = projection();
  const auto plain = embed_images(set.images, embed, options(4, 1, FlipTest::none));
  const auto summed = embed_images(set.images, embed, options(4, 1, FlipTest::sum));
  const auto weighted = embed_images(set.images, embed, options(4, 1, FlipTest::norm_weighted));

  // The mirror images' embeddings, computed here by hand.
  data::LoaderConfig config = options(12, 1).loader;
  config.shuffle = config.drop_last = false;
  config.augment = data::AugmentConfig{0, 0, 0, 0};
  data::Loader loader(set.images, config);
  loader.start(0);
  const auto batch = loader.next();
  const auto view = embed(batch->images);
  const auto mirror = embed(batch->images.flip({3}));
  EXPECT_TRUE(torch::allclose(plain.embeddings, view.embedding, 1e-5, 1e-6));
  const auto sum = view.embedding + mirror.embedding;
  EXPECT_TRUE(torch::allclose(summed.embeddings, sum / sum.norm(2, 1, true), 1e-5, 1e-6));
  const auto raw = view.embedding * view.norm + mirror.embedding * mirror.norm;
  EXPECT_TRUE(torch::allclose(weighted.embeddings, raw / raw.norm(2, 1, true), 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(summed.embeddings, weighted.embeddings, 1e-4, 1e-5)) << "the two fusions differ";
  const auto mean_norm = ((view.norm + mirror.norm) / 2).flatten();
  for (std::int64_t i = 0; i < 12; ++i) EXPECT_NEAR(weighted.norms[i], mean_norm[i].item<float>(), 1e-3);
}

TEST(Evaluator, UnreadableImagesDropTheirPairsAndAreCounted) {
  const auto set = chain(40, {3, 17});
  const auto result = evaluate_set(set, projection(), options(8, 2));
  EXPECT_EQ(result.images, 40);
  EXPECT_EQ(result.images_skipped, 2);
  EXPECT_EQ(result.pairs_dropped, 4);  // (2,3), (3,4), (16,17), (17,18)
  EXPECT_EQ(result.strata[0].metrics.pairs, 39 - 4);
  ASSERT_FALSE(result.skipped_examples.empty());
  EXPECT_NE(result.skipped_examples.front().find("image 3 is corrupt"), std::string::npos)
      << result.skipped_examples.front();
}

TEST(Evaluator, RealDataIsStratifiedByFeatureNormTerciles) {
  const auto result = evaluate_set(chain(90), projection(), options(16, 2));
  ASSERT_EQ(result.strata.size(), 4u);
  EXPECT_EQ(result.strata[0].stratum, "all");
  EXPECT_EQ(result.strata[1].stratum, "low");
  EXPECT_EQ(result.strata[3].stratum, "high");
  EXPECT_NE(result.strata_basis.find("feature-norm terciles"), std::string::npos) << result.strata_basis;
  std::int64_t stratified = 0;
  for (std::size_t s = 1; s < result.strata.size(); ++s) stratified += result.strata[s].metrics.pairs;
  EXPECT_EQ(stratified, 89);
  EXPECT_TRUE(std::isnan(result.norm_quality_spearman)) << "no known quality";
  for (const auto& stratum : result.strata) EXPECT_FALSE(stratum.roc.points.empty()) << stratum.stratum;
}

TEST(Evaluator, TooFewReadablePairsIsAClearError) {
  const auto set = chain(8);
  try {
    evaluate_set(set, projection(), options(4, 1));
    FAIL() << "7 pairs cannot make 10 folds";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("chain: 7 of 7 pairs"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace marginlab::eval

namespace marginlab::eval {
namespace {

data::SynthFaceConfig held_out_config() {
  data::SynthFaceConfig config;
  config.identities = 9;
  config.max_images_per_identity = 12;
  config.imbalance_ratio = 4;
  config.verification_identities = 4;
  config.pairs_per_stratum = 20;
  config.image_size = 32;  // the loader resizes to the projection's 16
  return config;
}

TEST(ClosedSetEvaluation, HeldOutImagesAreNewImagesOfTheTrainingIdentities) {
  const data::SynthFace synthface(held_out_config());
  const auto held_out = synthface.held_out_images(3);
  ASSERT_EQ(held_out->size(), 27);
  EXPECT_EQ(held_out->class_counts(), synthface.class_counts());
  EXPECT_EQ(held_out->label(5), 1);
  // The sample after identity 1's training ones, at the middle quality of three.
  const auto image = held_out->load(4);
  EXPECT_DOUBLE_EQ(image.quality, 0.5);
  const auto expected = synthface.render(1, synthface.class_counts()[1] + 1, 0.5);
  EXPECT_EQ(image.pixels, expected.pixels);
  EXPECT_THROW(held_out->load(27), InvalidFile);
}

TEST(ClosedSetEvaluation, ClassifiesByTheNearestCentre) {
  const data::SynthFace synthface(held_out_config());
  const auto held_out = synthface.held_out_images(3);
  const auto embed = projection();
  const auto o = options(4, 1);
  // Centres: each class's mean held-out embedding. The result must be what argmax over them gives.
  const auto embedded = embed_images(held_out, embed, o);
  auto centres = torch::zeros({8, 9});
  for (std::int64_t i = 0; i < held_out->size(); ++i) centres.select(1, held_out->label(i)) += embedded.embeddings[i];
  centres = torch::nn::functional::normalize(centres, torch::nn::functional::NormalizeFuncOptions().dim(0));
  const auto predicted = embedded.embeddings.matmul(centres).argmax(1);
  std::int64_t correct = 0;
  for (std::int64_t i = 0; i < held_out->size(); ++i)
    correct += predicted[i].item<std::int64_t>() == held_out->label(i);
  const auto result = evaluate_closed_set(held_out, centres, embed, o);
  EXPECT_EQ(result.set, "synthface-closed");
  ASSERT_EQ(result.strata.size(), 4u);
  EXPECT_EQ(result.strata[0].metrics.pairs, 27);
  EXPECT_EQ(result.strata[0].metrics.genuine, correct);
  EXPECT_EQ(result.strata[1].metrics.pairs + result.strata[2].metrics.pairs + result.strata[3].metrics.pairs, 27);
  EXPECT_GT(correct, 9);  // better than chance (1 in 9)
  // Centres of the wrong shape are refused by size.
  EXPECT_THROW(evaluate_closed_set(held_out, centres.narrow(1, 0, 8), embed, o), std::invalid_argument);
}

}  // namespace
}  // namespace marginlab::eval
