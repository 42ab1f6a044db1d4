// The prefetching loader: complete and deterministic epochs whatever the thread count, exact resumption,
// normalisation and channel order, errors surfacing in the consumer, and prompt shutdown.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include "core/errors.h"
#include "engine/data/loader.h"
#include "engine/data/synthface.h"

namespace md = marginlab::data;

namespace {

// Image i is side × side, every pixel (i mod 256, 100, 200) in the declared order; label i mod 7, quality i / n.
class PatternSource : public md::SampleSource {
 public:
  PatternSource(std::int64_t count, int side, md::ColorOrder order = md::ColorOrder::rgb)
      : count_(count), side_(side), order_(order) {}
  std::int64_t size() const override { return count_; }
  std::int64_t num_classes() const override { return 7; }
  std::int64_t label(std::int64_t index) const override { return index % 7; }
  std::vector<std::int64_t> class_counts() const override {
    std::vector<std::int64_t> counts(7, 0);
    for (std::int64_t i = 0; i < count_; ++i) ++counts[i % 7];
    return counts;
  }
  md::ImageSample load(std::int64_t index) const override {
    if (index == throw_at_)
      throw marginlab::InvalidFile("pattern source: record " + std::to_string(index) + " is damaged");
    if (unreadable_.contains(index))
      throw marginlab::UnreadableSample("pattern source: image " + std::to_string(index) + " is not a JPEG");
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    md::ImageSample image;
    image.height = image.width = side_;
    image.label = label(index);
    image.quality = static_cast<float>(index) / count_;
    for (int p = 0; p < side_ * side_; ++p) {
      image.pixels.insert(image.pixels.end(), {static_cast<std::uint8_t>(index % 256), 100, 200});
    }
    return image;
  }
  md::ColorOrder color_order() const override { return order_; }
  std::string describe() const override { return "pattern source"; }

  std::int64_t throw_at_ = -1;
  std::set<std::int64_t> unreadable_;
  std::chrono::milliseconds delay_{0};

 private:
  std::int64_t count_;
  int side_;
  md::ColorOrder order_;
};

md::LoaderConfig plain_config(int threads) {
  md::LoaderConfig config;
  config.batch_size = 10;
  config.threads = threads;
  config.image_size = 4;
  config.augment = md::AugmentConfig::none();
  return config;
}

std::vector<std::int64_t> epoch_ids(const std::shared_ptr<const md::SampleSource>& source, md::LoaderConfig config,
                                    std::int64_t epoch) {
  md::Loader loader(source, config);
  loader.start(epoch);
  std::vector<std::int64_t> ids;
  std::int64_t expected_index = 0;
  while (auto batch = loader.next()) {
    EXPECT_EQ(batch->epoch, epoch);
    EXPECT_EQ(batch->index, expected_index++);
    const auto* data = batch->sample_ids.data_ptr<std::int64_t>();
    ids.insert(ids.end(), data, data + batch->sample_ids.numel());
  }
  EXPECT_EQ(expected_index, loader.batches_per_epoch());
  return ids;
}

// 10 identities of up to 8 images: real rendered faces, so that augmentation has something to change.
std::shared_ptr<md::SynthFace> small_synthface() {
  md::SynthFaceConfig synth;
  synth.identities = 10;
  synth.max_images_per_identity = 8;
  synth.imbalance_ratio = 2;
  synth.verification_identities = 4;
  synth.pairs_per_stratum = 4;
  return std::make_shared<md::SynthFace>(synth);
}

}  // namespace

TEST(Loader, EverySampleExactlyOncePerEpochWithoutDropLast) {
  auto source = std::make_shared<PatternSource>(103, 4);
  auto config = plain_config(2);
  config.drop_last = false;
  md::Loader loader(source, config);
  EXPECT_EQ(loader.batches_per_epoch(), 11);
  const auto ids = epoch_ids(source, config, 0);
  ASSERT_EQ(ids.size(), 103u);
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 103u);
  config.drop_last = true;
  EXPECT_EQ(md::Loader(source, config).batches_per_epoch(), 10);
  EXPECT_EQ(epoch_ids(source, config, 0).size(), 100u);
  config.shuffle = false;
  config.drop_last = false;
  const auto in_order = epoch_ids(source, config, 3);
  for (std::size_t i = 0; i < in_order.size(); ++i) EXPECT_EQ(in_order[i], static_cast<std::int64_t>(i));
}

TEST(Loader, OrderDependsOnSeedAndEpochButNotOnThreads) {
  auto source = std::make_shared<PatternSource>(200, 4);
  const auto one_thread = epoch_ids(source, plain_config(1), 0);
  auto config = plain_config(3);
  config.prefetch_batches = 2;
  EXPECT_EQ(epoch_ids(source, config, 0), one_thread);
  EXPECT_NE(epoch_ids(source, config, 1), one_thread);
  config.seed = 2;
  EXPECT_NE(epoch_ids(source, config, 0), one_thread);
}

// A rank loads its share of the global batch: the W shares, in rank order, are the batch of one process, images
// and augmentation included, whatever W (distributed.md: runs comparable across world sizes).
TEST(Loader, RankSharesMakeUpTheOneProcessBatch) {
  auto source = small_synthface();
  md::LoaderConfig config;
  config.batch_size = 12;
  config.threads = 2;
  config.image_size = 32;
  config.augment = {0.5, 0.5, 0.5, 0.5};
  md::Loader whole(source, config);
  whole.start(1);
  std::vector<md::Batch> expected;
  while (auto batch = whole.next()) expected.push_back(*batch);
  ASSERT_GE(expected.size(), 3u);
  for (const int world : {2, 3, 4}) {
    std::vector<std::vector<md::Batch>> shares(static_cast<std::size_t>(world));
    for (int rank = 0; rank < world; ++rank) {
      auto ranked = config;
      ranked.rank = rank;
      ranked.world_size = world;
      md::Loader loader(source, ranked);
      EXPECT_EQ(loader.batches_per_epoch(), whole.batches_per_epoch());
      loader.start(1);
      while (auto batch = loader.next()) shares[static_cast<std::size_t>(rank)].push_back(*batch);
    }
    for (std::size_t t = 0; t < expected.size(); ++t) {
      std::vector<torch::Tensor> images, ids;
      for (const auto& share : shares) {
        ASSERT_EQ(share[t].images.size(0), 12 / world);
        images.push_back(share[t].images);
        ids.push_back(share[t].sample_ids);
      }
      EXPECT_TRUE(torch::equal(torch::cat(ids), expected[t].sample_ids)) << "W = " << world << ", batch " << t;
      EXPECT_TRUE(torch::equal(torch::cat(images), expected[t].images)) << "W = " << world << ", batch " << t;
    }
  }
  auto uneven = config;
  uneven.world_size = 5;
  try {
    md::Loader refused(source, uneven);
    ADD_FAILURE() << "a batch of 12 was split over 5 ranks";
  } catch (const marginlab::InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("batch_size = 12 is not a multiple of the world size 5"),
              std::string::npos)
        << error.what();
  }
}

TEST(Loader, StartReproducesAnyBatchBitExactly) {
  auto source = small_synthface();
  md::LoaderConfig config;
  config.batch_size = 6;
  config.threads = 2;
  config.image_size = 56;  // also exercises the resize
  config.augment = {0.5, 0.5, 0.5, 0.5};
  md::Loader uninterrupted(source, config);
  uninterrupted.start(2);
  std::vector<md::Batch> batches;
  while (auto batch = uninterrupted.next()) batches.push_back(*batch);
  ASSERT_GE(batches.size(), 5u);
  EXPECT_EQ(batches[0].images.sizes(), (std::vector<std::int64_t>{6, 3, 56, 56}));

  config.threads = 1;
  md::Loader resumed(source, config);
  resumed.start(0);  // positioned elsewhere first: start() must throw that work away
  resumed.next();
  for (const std::int64_t b : {3L, 1L, 4L}) {
    resumed.start(2, b);
    const auto batch = resumed.next();
    ASSERT_TRUE(batch);
    EXPECT_EQ(batch->index, b);
    EXPECT_TRUE(torch::equal(batch->images, batches[b].images)) << "batch " << b;
    EXPECT_TRUE(torch::equal(batch->sample_ids, batches[b].sample_ids));
    EXPECT_TRUE(torch::equal(batch->quality, batches[b].quality));
  }
  resumed.start(2, resumed.batches_per_epoch());
  EXPECT_FALSE(resumed.next());
}

TEST(Loader, NormalisesAndOrdersChannelsAsConfigured) {
  // A BGR source whose pixels are (B, G, R) = (i, 100, 200) as stored: in an RGB tensor channel 0 holds 200.
  auto source = std::make_shared<PatternSource>(12, 6, md::ColorOrder::bgr);
  auto config = plain_config(1);
  config.batch_size = 4;
  config.shuffle = false;
  config.image_size = 6;
  config.mean = {0.1f, 0.2f, 0.3f};
  config.std = {0.5f, 0.25f, 2.0f};
  md::Loader loader(source, config);
  loader.start(0, 1);
  const auto batch = loader.next();
  ASSERT_TRUE(batch);
  const auto& images = batch->images;
  EXPECT_EQ(images.sizes(), (std::vector<std::int64_t>{4, 3, 6, 6}));
  EXPECT_EQ(images.scalar_type(), torch::kFloat32);
  EXPECT_TRUE(images.is_contiguous(torch::MemoryFormat::ChannelsLast));
  EXPECT_FLOAT_EQ(images[0][0][2][3].item<float>(), (200 / 255.0f - 0.1f) / 0.5f);
  EXPECT_FLOAT_EQ(images[0][1][2][3].item<float>(), (100 / 255.0f - 0.2f) / 0.25f);
  EXPECT_FLOAT_EQ(images[1][2][5][0].item<float>(), (5 / 255.0f - 0.3f) / 2.0f);  // sample 5 = batch 1, row 1
  EXPECT_EQ(batch->labels[1].item<std::int64_t>(), 5);
  EXPECT_EQ(batch->labels.scalar_type(), torch::kInt64);
  EXPECT_FLOAT_EQ(batch->quality[1].item<float>(), 5.0f / 12);
  EXPECT_EQ(batch->sample_ids[3].item<std::int64_t>(), 7);

  config.color_order = md::ColorOrder::bgr;  // same order as the source: stored order kept
  md::Loader same_order(source, config);
  same_order.start(0);
  EXPECT_FLOAT_EQ(same_order.next()->images[2][0][0][0].item<float>(), (2 / 255.0f - 0.1f) / 0.5f);
}

TEST(Loader, ASourceErrorSurfacesFromNextWithItsMessage) {
  auto source = std::make_shared<PatternSource>(50, 4);
  source->throw_at_ = 23;
  auto config = plain_config(2);
  config.shuffle = false;
  md::Loader loader(source, config);
  loader.start(0);
  std::int64_t delivered = 0;
  std::string message;
  for (int i = 0; i < 5; ++i) {
    try {
      if (!loader.next()) break;
      ++delivered;
    } catch (const marginlab::InvalidFile& e) {
      message = e.what();
    }
  }
  EXPECT_EQ(message, "pattern source: record 23 is damaged");
  EXPECT_EQ(delivered, 4);  // the batch holding record 23 failed, the others came through
}

TEST(Loader, UnreadableSamplesAreLeftOutAndCounted) {
  auto source = std::make_shared<PatternSource>(50, 4);
  source->unreadable_ = {3, 23, 24, 41, 42, 43, 44, 45, 46};
  auto config = plain_config(2);
  config.shuffle = false;
  config.drop_last = false;
  md::Loader loader(source, config);
  loader.start(0);
  std::vector<std::int64_t> sizes, ids;
  std::vector<md::Batch> batches;
  while (auto batch = loader.next()) {
    sizes.push_back(batch->images.size(0));
    EXPECT_EQ(batch->labels.size(0), batch->images.size(0));
    EXPECT_EQ(batch->quality.size(0), batch->images.size(0));
    EXPECT_TRUE(batch->images.is_contiguous(torch::MemoryFormat::ChannelsLast));
    const auto* data = batch->sample_ids.data_ptr<std::int64_t>();
    ids.insert(ids.end(), data, data + batch->sample_ids.numel());
    batches.push_back(*batch);
  }
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{9, 10, 8, 10, 4}));
  EXPECT_EQ(ids.size(), 41u);
  for (const auto id : ids) EXPECT_FALSE(source->unreadable_.contains(id)) << id;
  // Row 3 of batch 0 is sample 4, not the unreadable 3 and not a black image; its label and quality follow it.
  EXPECT_EQ(batches[0].sample_ids[3].item<std::int64_t>(), 4);
  EXPECT_FLOAT_EQ(batches[0].images[3][0][1][1].item<float>(), (4 / 255.0f - 0.5f) / 0.5f);
  EXPECT_EQ(batches[0].labels[3].item<std::int64_t>(), 4);
  EXPECT_FLOAT_EQ(batches[0].quality[3].item<float>(), 4.0f / 50);
  EXPECT_EQ(loader.skipped_samples(), 9);
  const auto examples = loader.skipped_examples();
  ASSERT_EQ(examples.size(), md::Loader::kSkippedExamplesKept);
  EXPECT_EQ(examples[0], "pattern source: image 3 is not a JPEG");
  EXPECT_EQ(examples[1], "pattern source: image 23 is not a JPEG");

  // The same samples are left out whatever the threads, and the augmentation of the others does not shift.
  auto shuffled = plain_config(1);
  shuffled.augment = {0.5, 0.0, 0.0, 0.5};
  md::Loader one(source, shuffled);
  shuffled.threads = 3;
  md::Loader three(source, shuffled);
  one.start(1);
  three.start(1);
  while (auto a = one.next()) {
    const auto b = three.next();
    ASSERT_TRUE(b);
    EXPECT_TRUE(torch::equal(a->sample_ids, b->sample_ids));
    EXPECT_TRUE(torch::equal(a->images, b->images));
  }
  EXPECT_EQ(one.skipped_samples(), three.skipped_samples());
}

TEST(Loader, ABatchOfOnlyUnreadableSamplesIsAnErrorNotAnEmptyBatch) {
  auto source = std::make_shared<PatternSource>(30, 4);
  for (std::int64_t i = 10; i < 20; ++i) source->unreadable_.insert(i);
  auto config = plain_config(1);
  config.shuffle = false;
  md::Loader loader(source, config);
  loader.start(0);
  EXPECT_EQ(loader.next()->images.size(0), 10);
  try {
    loader.next();
    FAIL() << "an all-unreadable batch came back";
  } catch (const marginlab::InvalidFile& e) {
    EXPECT_EQ(std::string(e.what()), "pattern source: all 10 images of batch 1 (epoch 0) were unreadable; the first: "
                                     "pattern source: image 10 is not a JPEG");
  }
  EXPECT_EQ(loader.next()->sample_ids[0].item<std::int64_t>(), 20);  // and it goes on
  EXPECT_EQ(loader.skipped_samples(), 10);
}

TEST(Loader, DestroyingMidEpochReturnsPromptly) {
  auto source = std::make_shared<PatternSource>(10000, 4);
  source->delay_ = std::chrono::milliseconds(2);
  auto config = plain_config(2);
  config.batch_size = 500;  // a whole batch would take a second per thread
  const auto begin = std::chrono::steady_clock::now();
  {
    md::Loader loader(source, config);
    loader.start(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(300));
}

TEST(Loader, InvalidConfigsAndMisuseAreRefused) {
  auto source = std::make_shared<PatternSource>(10, 4);
  auto config = plain_config(1);
  config.batch_size = 0;
  try {
    md::Loader loader(source, config);
    FAIL() << "accepted batch_size = 0";
  } catch (const marginlab::InvalidParameter& e) {
    EXPECT_NE(std::string(e.what()).find("batch_size = 0"), std::string::npos) << e.what();
  }
  config = plain_config(1);
  config.std = {0.5f, 0.0f, 0.5f};
  EXPECT_THROW(md::Loader(source, config), marginlab::InvalidParameter);
  md::Loader loader(source, plain_config(1));
  EXPECT_THROW(loader.next(), std::logic_error);
  EXPECT_THROW(loader.start(0, 2), marginlab::InvalidParameter);  // only 1 batch of 10
}
