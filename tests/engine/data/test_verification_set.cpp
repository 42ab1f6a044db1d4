// Verification sets: insightface .bin packs (written here by the pickle fixture builder, with real JPEGs) and pair
// lists open with the right pairs, decode the right pixels lazily, and turn a corrupt or missing image into an
// UnreadableSample naming it; SynthFace's set carries its true strata.
#include "engine/data/verification_set.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "engine/data/image_decode.h"
#include "engine/data/synthface.h"
#include "tests/engine/formats/pickle_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/files.h"

namespace md = marginlab::data;
namespace fs = std::filesystem;
namespace fx = marginlab::formats::fixtures;

namespace {

using marginlab::test_support::write_bytes;

using Bytes = std::vector<std::uint8_t>;

using marginlab::test_support::TempDir;


// A 112 × 112 RGB image, different for every seed, as a quality-95 JPEG (insightface's builder's setting).
Bytes jpeg(int seed) {
  md::ImageSample image;
  image.height = image.width = 112;
  for (int y = 0; y < 112; ++y) {
    for (int x = 0; x < 112; ++x) {
      image.pixels.insert(image.pixels.end(), {static_cast<std::uint8_t>(x * 2 + seed * 40),
                                               static_cast<std::uint8_t>(y * 2), static_cast<std::uint8_t>(seed * 25)});
    }
  }
  return md::encode_jpeg(image, md::ColorOrder::rgb, 95, "test image");
}

std::vector<Bytes> jpegs(int count) {
  std::vector<Bytes> images;
  for (int i = 0; i < count; ++i) images.push_back(jpeg(i));
  return images;
}

TEST(VerificationSet, OpensInsightfacePacksOfEveryPickleFlavour) {
  TempDir dir;
  const auto images = jpegs(6);
  const std::vector<bool> issame{true, false, true};
  const std::vector<std::pair<fx::PickleFlavour, fx::ImageObjects>> flavours{
      {fx::PickleFlavour::python2_protocol2, fx::ImageObjects::bytes},
      {fx::PickleFlavour::python3_protocol2, fx::ImageObjects::bytes},
      {fx::PickleFlavour::python3_protocol4, fx::ImageObjects::bytes},
      {fx::PickleFlavour::python3_protocol3, fx::ImageObjects::numpy_arrays},
      {fx::PickleFlavour::python3_protocol5, fx::ImageObjects::numpy_arrays},
  };
  for (const auto& [flavour, objects] : flavours) {
    const fs::path path = dir.path() / "lfw.bin";
    write_bytes(path, fx::pickle_pack(images, issame, flavour, objects));
    const md::VerificationSet set = md::open_verification_set(path.string(), md::ColorOrder::bgr);
    EXPECT_EQ(set.name, "lfw");
    EXPECT_EQ(set.path, path.string());
    EXPECT_FALSE(set.true_quality_strata);
    ASSERT_EQ(set.pairs.size(), 3u);
    for (std::size_t i = 0; i < set.pairs.size(); ++i) {
      EXPECT_EQ(set.pairs[i].first, static_cast<std::int64_t>(2 * i));
      EXPECT_EQ(set.pairs[i].second, static_cast<std::int64_t>(2 * i + 1));
      EXPECT_EQ(set.pairs[i].same, issame[i]);
    }
    ASSERT_EQ(set.images->size(), 6);
    EXPECT_EQ(set.images->num_classes(), 0);
    EXPECT_TRUE(set.images->class_counts().empty());
    EXPECT_EQ(set.images->color_order(), md::ColorOrder::bgr);
    for (std::int64_t i = 0; i < 6; ++i) {
      const md::ImageSample loaded = set.images->load(i);
      const md::ImageSample expected = md::decode_image(images[static_cast<std::size_t>(i)], md::ColorOrder::bgr, "x");
      EXPECT_EQ(loaded.height, 112);
      EXPECT_EQ(loaded.width, 112);
      EXPECT_EQ(loaded.pixels, expected.pixels) << "image " << i;
      EXPECT_EQ(loaded.label, -1);
      EXPECT_EQ(set.images->label(i), -1);
      EXPECT_TRUE(std::isnan(loaded.quality));
    }
  }
  const auto set = md::open_verification_set((dir.path() / "lfw.bin").string(), md::ColorOrder::rgb);
  EXPECT_EQ(set.format, "insightface .bin (pickle protocol 5, numpy arrays (numpy.core.numeric._frombuffer))");
  EXPECT_EQ(set.images->describe(), "insightface .bin pack " + (dir.path() / "lfw.bin").string() +
                                        ": 6 images, 3 pairs (pickle protocol 5, numpy arrays "
                                        "(numpy.core.numeric._frombuffer))");
}

TEST(VerificationSet, FormatNamesThePython2Flavour) {
  TempDir dir;
  const fs::path path = dir.path() / "cfp_fp.bin";
  write_bytes(path, fx::pickle_pack(jpegs(2), {false}, fx::PickleFlavour::python2_protocol2));
  const auto set = md::open_verification_set(path.string(), md::ColorOrder::rgb);
  EXPECT_EQ(set.name, "cfp_fp");
  EXPECT_EQ(set.format, "insightface .bin (pickle protocol 2, python 2 strings)");
}

TEST(VerificationSet, ACorruptImageIsAnUnreadableSampleNamingItsIndex) {
  TempDir dir;
  auto images = jpegs(4);
  images[3].resize(images[3].size() / 8);  // a JPEG cut short
  images[3][0] = 'X';                       // and no longer a JPEG at all
  const fs::path path = dir.path() / "agedb_30.bin";
  write_bytes(path, fx::pickle_pack(images, {true, false}, fx::PickleFlavour::python3_protocol3));
  const auto set = md::open_verification_set(path.string(), md::ColorOrder::rgb);  // opening decodes nothing
  EXPECT_NO_THROW(set.images->load(2));
  try {
    set.images->load(3);
    FAIL() << "a corrupt image decoded";
  } catch (const marginlab::UnreadableSample& error) {
    EXPECT_NE(std::string(error.what()).find(path.string() + ": image 3: "), std::string::npos) << error.what();
  }
  EXPECT_THROW(set.images->load(4), marginlab::InvalidFile);  // outside the pack
}

TEST(VerificationSet, PairListResolvesRelativePathsAndDecodesEachFileOnce) {
  TempDir dir;
  const auto images = jpegs(3);
  write_bytes(dir.path() / "faces" / "a.jpg", images[0]);
  write_bytes(dir.path() / "faces" / "b.jpg", images[1]);
  write_bytes(dir.path() / "elsewhere" / "c.jpg", images[2]);
  const std::string absolute_c = (dir.path() / "elsewhere" / "c.jpg").string();
  const fs::path list = dir.path() / "lists" / "pairs.txt";
  write_bytes(list, [&] {
    const std::string text = "# pairs\n"
                             "../faces/a.jpg ../faces/b.jpg 0\n"
                             "../faces/a.jpg ../faces/./a.jpg 1\n" +  // the same file, spelled differently
                             absolute_c + " ../faces/b.jpg false\n"
                             "../faces/missing.jpg ../faces/a.jpg True\n";
    return Bytes(text.begin(), text.end());
  }());
  const auto set = md::open_verification_set(list.string(), md::ColorOrder::rgb);
  EXPECT_EQ(set.name, "pairs");
  EXPECT_EQ(set.format, "pair list");
  ASSERT_EQ(set.pairs.size(), 4u);
  ASSERT_EQ(set.images->size(), 4);  // a, b, c, missing
  EXPECT_EQ(set.pairs[0].first, 0);
  EXPECT_EQ(set.pairs[0].second, 1);
  EXPECT_FALSE(set.pairs[0].same);
  EXPECT_EQ(set.pairs[1].first, 0);
  EXPECT_EQ(set.pairs[1].second, 0);
  EXPECT_TRUE(set.pairs[1].same);
  EXPECT_EQ(set.pairs[2].first, 2);
  EXPECT_EQ(set.pairs[2].second, 1);
  EXPECT_EQ(set.pairs[3].first, 3);
  EXPECT_EQ(set.pairs[3].second, 0);
  EXPECT_EQ(set.images->num_classes(), 0);
  for (std::int64_t i = 0; i < 3; ++i) {
    const auto expected = md::decode_image(images[static_cast<std::size_t>(i)], md::ColorOrder::rgb, "x");
    EXPECT_EQ(set.images->load(i).pixels, expected.pixels) << "image " << i;
  }
  const std::string missing = (dir.path() / "faces" / "missing.jpg").string();
  try {
    set.images->load(3);
    FAIL() << "a missing file loaded";
  } catch (const marginlab::UnreadableSample& error) {
    EXPECT_EQ(std::string(error.what()), missing + ": cannot open for reading (listed in " + list.string() + ")");
  }
}

TEST(VerificationSet, RefusesFilesThatAreNeither) {
  TempDir dir;
  write_bytes(dir.path() / "photo.jpg", jpeg(1));
  EXPECT_THROW(md::open_verification_set((dir.path() / "photo.jpg").string(), md::ColorOrder::rgb),
               marginlab::InvalidFile);
  write_bytes(dir.path() / "notes.bin", Bytes{'h', 'i', '\n'});
  try {
    md::open_verification_set((dir.path() / "notes.bin").string(), md::ColorOrder::rgb);
    FAIL() << "a text file opened as a pack";
  } catch (const marginlab::InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("not a pickle"), std::string::npos) << error.what();
  }
  write_bytes(dir.path() / "bad.txt", Bytes{'a', ' ', 'b', '\n'});
  try {
    md::open_verification_set((dir.path() / "bad.txt").string(), md::ColorOrder::rgb);
    FAIL() << "a malformed pair list opened";
  } catch (const marginlab::InvalidFile& error) {
    EXPECT_EQ(std::string(error.what()),
              (dir.path() / "bad.txt").string() + ":1: expected 'path1 path2 same', found 2 fields in 'a b'");
  }
  EXPECT_THROW(md::open_verification_set((dir.path() / "absent.bin").string(), md::ColorOrder::rgb),
               marginlab::InvalidFile);
}

TEST(VerificationSet, SynthFaceSetCarriesItsTrueStrata) {
  md::SynthFaceConfig config;
  config.identities = 10;
  config.max_images_per_identity = 4;
  config.imbalance_ratio = 2;
  config.verification_identities = 8;
  config.pairs_per_stratum = 10;
  config.family_size = 2;
  const md::SynthFace synthface(config);
  const auto set = md::synthface_verification_set(synthface);
  EXPECT_EQ(set.name, "synthface");
  EXPECT_EQ(set.path, "");
  EXPECT_EQ(set.format, "synthface");
  EXPECT_TRUE(set.true_quality_strata);
  EXPECT_EQ(set.images, synthface.verification_images());
  ASSERT_EQ(set.pairs.size(), synthface.verification_pairs().size());
  for (std::size_t i = 0; i < set.pairs.size(); ++i) {
    EXPECT_EQ(set.pairs[i].first, synthface.verification_pairs()[i].first);
    EXPECT_EQ(set.pairs[i].stratum, synthface.verification_pairs()[i].stratum);
  }
}

}  // namespace
