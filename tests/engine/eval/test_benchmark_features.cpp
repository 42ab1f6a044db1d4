// The pixels and embeddings behind the IJB / TinyFace protocols (docs/benchmarks.md §5.3): the warp, the mirror,
// the colour order, batch-size invariance (insightface#1351) and the per-model cache.
#include "engine/eval/benchmark_features.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <random>

#include "core/benchmarks/five_point.h"
#include "engine/data/face_alignment.h"
#include "engine/data/image_list.h"
#include "engine/data/loader.h"
#include "tests/engine/export/export_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::eval {
namespace {

using benchmarks::FivePoints;
using benchmarks::kArcFaceTemplate112;
using test_support::TempDir;

// A smooth random loose crop (BGR, as written to disk), so that a warp's interpolation matters.
cv::Mat loose_crop(std::mt19937& random, int side) {
  cv::Mat small(side / 8, side / 8, CV_8UC3);
  cv::randu(small, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::Mat image;
  cv::resize(small, image, cv::Size(side, side + static_cast<int>(random() % 17)), 0, 0, cv::INTER_CUBIC);
  return image;
}

// The template enlarged, moved and jittered: landmarks of a face somewhere in a loose crop.
FivePoints landmarks_in_crop(std::mt19937& random) {
  std::uniform_real_distribution<float> jitter(-2.f, 2.f), offset(5.f, 25.f);
  const float dx = offset(random), dy = offset(random);
  FivePoints points{};
  for (std::size_t k = 0; k < 10; ++k) points[k] = kArcFaceTemplate112[k] * 1.3f + (k % 2 ? dy : dx) + jitter(random);
  return points;
}

struct LooseCrops {
  std::vector<std::filesystem::path> files;
  std::vector<FivePoints> landmarks;
};

LooseCrops write_loose_crops(const TempDir& dir, int count) {
  std::mt19937 random(11);
  LooseCrops crops;
  for (int i = 0; i < count; ++i) {
    const auto file = dir.path() / ("loose_" + std::to_string(i) + ".png");
    cv::imwrite(file.string(), loose_crop(random, 150 + 8 * (i % 6)));
    crops.files.push_back(file);
    crops.landmarks.push_back(landmarks_in_crop(random));
  }
  return crops;
}

EmbedFunction embed_with(backbones::Backbone net) {
  return [net](const torch::Tensor& images) {
    torch::NoGradGuard no_grad;
    return net->forward(images);
  };
}

data::LoaderConfig loader(std::int64_t batch, std::int64_t image_size = 112) {
  data::LoaderConfig config;
  config.batch_size = batch;
  config.threads = 2;
  config.image_size = image_size;
  return config;
}

TEST(BenchmarkFeatures, EmbeddingsDoNotDependOnTheBatchTheyRideIn) {
  TempDir dir;
  const auto crops = write_loose_crops(dir, 37);
  const auto embed = embed_with(exporting::testing::trained_looking_backbone("ir18", 112, 64));
  const auto source = std::make_shared<data::ImageListSource>("loose crops", crops.files, crops.landmarks);
  const auto reference = embed_views(source, embed, loader(1), true);
  // Relative to the embeddings' size (not normalised here; the largest element is ~9): oneDNN picks its kernels and
  // their summation order by batch size, which moves float32 results by some units in the last place through the 18
  // layers (1.5e-5 once, in a loaded ctest run, against the 1e-5 this allowed before); a sample leaking into
  // another's embedding would move it by far more.
  const auto tolerance = 1e-5 * reference.plain.abs().max().item<double>();
  for (const std::int64_t batch : {7, 32}) {
    const auto views = embed_views(source, embed, loader(batch), true);
    EXPECT_LE((views.plain - reference.plain).abs().max().item<double>(), tolerance) << "batch " << batch;
    EXPECT_LE((views.mirrored - reference.mirrored).abs().max().item<double>(), tolerance) << "batch " << batch;
  }
  EXPECT_EQ(reference.plain.size(0), 37);
  EXPECT_GT(reference.plain.norm().item<float>(), 0.f);
}

TEST(BenchmarkFeatures, LandmarksOnTheTemplateWarpByTheIdentity) {
  std::mt19937 random(3);
  const auto crop = loose_crop(random, 160);
  data::ImageSample loose{crop.rows, crop.cols, {crop.data, crop.data + crop.total() * 3}};
  const auto aligned = data::align_face(loose, benchmarks::estimate_similarity(kArcFaceTemplate112));
  ASSERT_EQ(aligned.width, 112);
  int differing = 0;
  for (int y = 0; y < 112; ++y) {
    for (int x = 0; x < 112 * 3; ++x) {
      differing += aligned.pixels[static_cast<std::size_t>(y) * 112 * 3 + x] != crop.ptr<std::uint8_t>(y)[x];
    }
  }
  EXPECT_EQ(differing, 0);
}

// The flip is of the aligned crop (what the network sees), not of the loose crop before the warp.
TEST(BenchmarkFeatures, TheMirroredViewIsTheMirrorOfTheAlignedCrop) {
  TempDir dir;
  const auto crops = write_loose_crops(dir, 5);
  std::vector<std::filesystem::path> mirrored_files;
  for (std::size_t i = 0; i < crops.files.size(); ++i) {
    const cv::Mat image = cv::imread(crops.files[i].string());
    data::ImageSample loose{image.rows, image.cols, {image.data, image.data + image.total() * 3}};
    const auto aligned = data::align_face(loose, benchmarks::estimate_similarity(crops.landmarks[i]));
    cv::Mat mirrored;
    cv::flip(cv::Mat(112, 112, CV_8UC3, const_cast<std::uint8_t*>(aligned.pixels.data())), mirrored, 1);
    mirrored_files.push_back(dir.path() / ("mirrored_" + std::to_string(i) + ".png"));
    cv::imwrite(mirrored_files.back().string(), mirrored);
  }
  const auto embed = embed_with(exporting::testing::trained_looking_backbone("demo", 112, 32));
  const auto views = embed_views(std::make_shared<data::ImageListSource>("crops", crops.files, crops.landmarks), embed,
                                 loader(5), true);
  const auto explicit_mirror =
      embed_views(std::make_shared<data::ImageListSource>("mirrored", mirrored_files), embed, loader(5), false);
  EXPECT_LE((views.mirrored - explicit_mirror.plain).abs().max().item<float>(), 1e-5);
  EXPECT_GT((views.mirrored - views.plain).abs().max().item<float>(), 1e-3);
}

TEST(BenchmarkFeatures, ChannelsFollowTheModelsColourOrder) {
  TempDir dir;
  const auto file = dir.path() / "red.png";
  cv::imwrite(file.string(), cv::Mat(112, 112, CV_8UC3, cv::Scalar(0, 0, 255)));  // BGR: pure red
  const auto source = std::make_shared<data::ImageListSource>("red", std::vector<std::filesystem::path>{file});
  for (const auto order : {data::ColorOrder::rgb, data::ColorOrder::bgr}) {
    auto config = loader(1);
    config.shuffle = false;
    config.drop_last = false;
    config.color_order = order;
    data::Loader images(source, config);
    images.start(0, 0);
    const auto batch = images.next();
    ASSERT_TRUE(batch);
    const auto means = batch->images.mean({0, 2, 3});
    const int red = order == data::ColorOrder::rgb ? 0 : 2;
    EXPECT_FLOAT_EQ(means[red].item<float>(), 1.f);
    EXPECT_FLOAT_EQ(means[2 - red].item<float>(), -1.f);
  }
}

TEST(BenchmarkFeatures, TheRunCachesEmbeddingsUntilItsCheckpointChanges) {
  TempDir dir;
  const auto crops = write_loose_crops(dir, 6);
  train::TrainedModel model;
  model.experiment.model.backbone = "demo";
  model.experiment.data.image_size = 64;
  model.experiment.eval.batch_size = 4;
  model.backbone = exporting::testing::trained_looking_backbone("demo", 64, 32);
  model.checkpoint = dir.path() / "run/checkpoints/latest.pt";
  std::filesystem::create_directories(model.checkpoint.parent_path());
  std::ofstream(model.checkpoint) << "weights";
  const BenchmarkImages images{"IJBC", "six loose crops", crops.files, crops.landmarks};

  const auto first = benchmark_views(model, images, {});
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(first.cache.parent_path(), dir.path() / "run/benchmarks");
  const auto again = benchmark_views(model, images, {2, 1, true});
  EXPECT_TRUE(again.from_cache);
  EXPECT_EQ(again.plain, first.plain);
  EXPECT_EQ(again.mirrored, first.mirrored);

  std::ofstream(model.checkpoint) << "other weights";
  EXPECT_FALSE(benchmark_views(model, images, {}).from_cache);
  auto fewer = images;
  fewer.files.pop_back();
  fewer.landmarks.pop_back();
  EXPECT_FALSE(benchmark_views(model, fewer, {}).from_cache);
}

TEST(BenchmarkFeatures, UnreadableAndDegenerateImagesAreSkippedAndNamed) {
  TempDir dir;
  auto crops = write_loose_crops(dir, 4);
  crops.files[1] = dir.path() / "missing.png";
  crops.landmarks[2].fill(50.f);
  const auto views =
      embed_views(std::make_shared<data::ImageListSource>("crops", crops.files, crops.landmarks),
                  embed_with(exporting::testing::trained_looking_backbone("demo", 112, 32)), loader(4), true);
  EXPECT_EQ(views.skipped, 2);
  EXPECT_EQ(views.readable, (std::vector<std::uint8_t>{1, 0, 0, 1}));
  ASSERT_EQ(views.skipped_examples.size(), 2u);
  EXPECT_NE(views.skipped_examples[0].find("missing.png"), std::string::npos);
  EXPECT_NE(views.skipped_examples[1].find("landmarks coincide"), std::string::npos);
  EXPECT_EQ(views.plain[1].abs().sum().item<float>(), 0.f);
}

}  // namespace
}  // namespace marginlab::eval
