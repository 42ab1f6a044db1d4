// Augmentation: probabilities 0 and 1 behave as such, the crop keeps the image's size and alignment, outcomes are
// deterministic for a given generator state, and the rendering's quality is never touched.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/errors.h"
#include "engine/data/augment.h"

namespace md = marginlab::data;

namespace {

// A 40×48 image with a different value in every byte position (so that flips and crops show).
md::ImageSample pattern_image() {
  md::ImageSample image;
  image.height = 40;
  image.width = 48;
  image.quality = 0.3f;
  image.label = 7;
  image.pixels.resize(40 * 48 * 3);
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = static_cast<std::uint8_t>(30 + (i * 37) % 200);
  return image;
}

md::ImageSample augmented(const md::AugmentConfig& config, std::uint64_t seed) {
  auto image = pattern_image();
  std::mt19937_64 rng(seed);
  md::augment(image, config, rng);
  return image;
}

}  // namespace

TEST(Augment, ProbabilityZeroLeavesTheImageAlone) {
  for (std::uint64_t seed = 0; seed < 20; ++seed)
    EXPECT_EQ(augmented(md::AugmentConfig::none(), seed).pixels, pattern_image().pixels);
}

TEST(Augment, ProbabilityOneAlwaysChangesTheImageAndNeverTheQuality) {
  const auto original = pattern_image();
  for (auto config : {md::AugmentConfig{1, 0, 0, 0}, md::AugmentConfig{0, 1, 0, 0}, md::AugmentConfig{0, 0, 1, 0},
                      md::AugmentConfig{0, 0, 0, 1}}) {
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      const auto image = augmented(config, seed);
      EXPECT_NE(image.pixels, original.pixels) << "seed " << seed;
      EXPECT_EQ(image.quality, original.quality);
      EXPECT_EQ(image.label, original.label);
      EXPECT_EQ(image.height, original.height);
      EXPECT_EQ(image.width, original.width);
    }
  }
}

TEST(Augment, FlipMirrorsTheRows) {
  const auto original = pattern_image();
  const auto flipped = augmented({1, 0, 0, 0}, 1);
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 48; ++x) {
      for (int c = 0; c < 3; ++c) {
        ASSERT_EQ(flipped.pixels[(y * 48 + x) * 3 + c], original.pixels[(y * 48 + 47 - x) * 3 + c]);
      }
    }
  }
}

TEST(Augment, CropKeepsARegionInPlaceAndBlacksOutTheRest) {
  const auto original = pattern_image();
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto cropped = augmented({0, 1, 0, 0}, seed);
    ASSERT_EQ(cropped.pixels.size(), original.pixels.size());
    // Every pixel is either untouched or black, the kept ones form a rectangle covering at least 20 % of the image.
    int top = 40, bottom = -1, left = 48, right = -1, kept = 0;
    for (int y = 0; y < 40; ++y) {
      for (int x = 0; x < 48; ++x) {
        const std::size_t at = static_cast<std::size_t>((y * 48 + x) * 3);
        const bool black = cropped.pixels[at] == 0 && cropped.pixels[at + 1] == 0 && cropped.pixels[at + 2] == 0;
        if (black) continue;
        ASSERT_EQ(cropped.pixels[at], original.pixels[at]);
        ++kept;
        top = std::min(top, y), bottom = std::max(bottom, y), left = std::min(left, x), right = std::max(right, x);
      }
    }
    EXPECT_EQ(kept, (bottom - top + 1) * (right - left + 1)) << "seed " << seed;
    EXPECT_GE(kept, 0.2 * 40 * 48 - 48) << "seed " << seed;
  }
}

TEST(Augment, SameGeneratorStateSameOutcome) {
  const auto config = md::AugmentConfig{0.5, 0.5, 0.5, 0.5};
  for (std::uint64_t seed = 0; seed < 10; ++seed)
    EXPECT_EQ(augmented(config, seed).pixels, augmented(config, seed).pixels);
  int differing = 0;
  for (std::uint64_t seed = 0; seed < 10; ++seed)
    differing += augmented(config, seed).pixels != augmented(config, seed + 100).pixels;
  EXPECT_GE(differing, 8);
}

TEST(Augment, DrawsTheSameNumberOfValuesWhateverHappens) {
  // The generator ends in the same state whether or not the augmentations fired.
  std::mt19937_64 fired(5), skipped(5);
  auto a = pattern_image(), b = pattern_image();
  md::augment(a, md::AugmentConfig{1, 1, 1, 1}, fired);
  md::augment(b, md::AugmentConfig::none(), skipped);
  EXPECT_EQ(fired(), skipped());
}

TEST(Augment, InvalidProbabilitiesAndImagesAreRefused) {
  auto image = pattern_image();
  std::mt19937_64 rng(1);
  try {
    md::augment(image, md::AugmentConfig{0.5, 1.5, 0, 0}, rng);
    FAIL() << "accepted crop = 1.5";
  } catch (const marginlab::InvalidParameter& e) {
    EXPECT_NE(std::string(e.what()).find("crop = 1.5"), std::string::npos) << e.what();
  }
  image.pixels.pop_back();
  EXPECT_THROW(md::augment(image, md::AugmentConfig::adaface(), rng), marginlab::InvalidParameter);
}
