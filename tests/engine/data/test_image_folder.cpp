// ImageFolder: stable class ids from sorted folder names, recursive scan, extensions in any case, files that are no
// images skipped and counted at scan, undecodable ones refused at load (and skipped by the loader), explicit colour.
#include "engine/data/image_folder.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "engine/data/image_decode.h"
#include "engine/data/loader.h"
#include "tests/support/temp_dir.h"
#include "tests/support/files.h"

namespace md = marginlab::data;
namespace fs = std::filesystem;

namespace {

using marginlab::test_support::write_bytes;

using marginlab::test_support::TempDir;

// A BGR image whose pixel (y, x) is (x * 9 + seed, y * 7, 200): left to right the blue channel rises.
cv::Mat pattern(int side, int seed) {
  cv::Mat image(side, side, CV_8UC3);
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 9 + seed, y * 7, 200);
  }
  return image;
}


void write_image(const fs::path& path, const cv::Mat& image, const std::string& extension) {
  std::vector<std::uint8_t> bytes;
  ASSERT_TRUE(cv::imencode(extension, image, bytes));
  write_bytes(path, bytes);
}

// Zed, alice, bob and dave hold images; carol only a text file named .jpg and notes; empty nothing; .hidden and
// files at the root are not looked at.
void make_tree(const fs::path& root) {
  write_image(root / "Zed" / "c.bmp", pattern(8, 1), ".bmp");
  write_image(root / "alice" / "b.JPEG", pattern(8, 2), ".jpg");
  write_image(root / "alice" / "x" / "deep.PNG", pattern(8, 3), ".png");
  write_image(root / "bob" / "a.jpg", pattern(8, 4), ".jpg");
  write_image(root / ".hidden" / "d.jpg", pattern(8, 5), ".jpg");
  write_image(root / "alice" / ".thumbs" / "e.jpg", pattern(8, 6), ".jpg");
  write_image(root / "top.jpg", pattern(8, 7), ".jpg");
  write_bytes(root / "carol" / "fake.jpg", {'h', 'e', 'l', 'l', 'o'});
  write_bytes(root / "carol" / "notes.txt", {'n', 'o'});
  write_bytes(root / "dave" / "broken.jpg", {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8});
  fs::create_directories(root / "empty");
}

}  // namespace

TEST(ImageFolder, ClassIdsFollowSortedFolderNamesAndScanIsRecursive) {
  TempDir dir;
  make_tree(dir.path());
  const md::ImageFolderSource source(dir.path().string());
  EXPECT_EQ(source.class_names(), (std::vector<std::string>{"Zed", "alice", "bob", "dave"}));  // bytes: 'Z' < 'a'
  EXPECT_EQ(source.num_classes(), 4);
  EXPECT_EQ(source.size(), 5);
  EXPECT_EQ(source.class_counts(), (std::vector<std::int64_t>{1, 2, 1, 1}));
  EXPECT_EQ(source.file(1), (dir.path() / "alice" / "b.JPEG").string());
  EXPECT_EQ(source.file(2), (dir.path() / "alice" / "x" / "deep.PNG").string());
  EXPECT_EQ(source.label(2), 1);
  EXPECT_EQ(source.label(4), 3);
  EXPECT_EQ(source.skipped_files(), 1);
  ASSERT_EQ(source.skipped_examples().size(), 1u);
  EXPECT_EQ(source.skipped_examples()[0], (dir.path() / "carol" / "fake.jpg").string());
  EXPECT_EQ(source.empty_folders(), (std::vector<std::string>{"carol", "empty"}));
  const auto description = source.describe();
  EXPECT_NE(description.find("5 images, 4 identities, 1 files skipped"), std::string::npos) << description;
}

TEST(ImageFolder, LoadsPixelsInTheAskedColourOrder) {
  TempDir dir;
  make_tree(dir.path());
  const md::ImageFolderSource rgb(dir.path().string());
  const md::ImageFolderSource bgr(dir.path().string(), md::ColorOrder::bgr);
  EXPECT_EQ(rgb.color_order(), md::ColorOrder::rgb);
  // The PNG is lossless: pixel (y=2, x=5) is BGR (5·9 + 3, 14, 200).
  const auto png_rgb = rgb.load(2);
  const auto png_bgr = bgr.load(2);
  ASSERT_EQ(png_rgb.height, 8);
  ASSERT_EQ(png_rgb.width, 8);
  EXPECT_EQ(png_rgb.label, 1);
  const std::size_t at = (2 * 8 + 5) * 3;
  EXPECT_EQ(png_bgr.pixels[at + 0], 48);
  EXPECT_EQ(png_bgr.pixels[at + 1], 14);
  EXPECT_EQ(png_bgr.pixels[at + 2], 200);
  EXPECT_EQ(png_rgb.pixels[at + 0], 200);
  EXPECT_EQ(png_rgb.pixels[at + 2], 48);
  // A JPEG decodes exactly as decode_image decodes its bytes.
  const auto jpeg = rgb.load(3);
  const auto direct = md::decode_image(rgb.file_bytes(3), md::ColorOrder::rgb, "bob/a.jpg");
  EXPECT_EQ(jpeg.pixels, direct.pixels);
}

TEST(ImageFolder, UndecodableFileIsAnUnreadableSampleTheLoaderSkips) {
  TempDir dir;
  make_tree(dir.path());
  auto source = std::make_shared<md::ImageFolderSource>(dir.path().string());
  try {
    source->load(4);
    FAIL() << "decoded a broken JPEG";
  } catch (const marginlab::UnreadableSample& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "dave" / "broken.jpg").string()), std::string::npos)
        << e.what();
  }
  md::LoaderConfig config;
  config.batch_size = 5;
  config.threads = 1;
  config.shuffle = false;
  config.drop_last = false;
  config.image_size = 8;
  config.augment = md::AugmentConfig::none();
  md::Loader loader(source, config);
  loader.start(0);
  const auto batch = loader.next();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->images.size(0), 4);
  EXPECT_TRUE(torch::equal(batch->sample_ids, torch::tensor({0, 1, 2, 3}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(batch->labels, torch::tensor({0, 1, 1, 2}, torch::kInt64)));
  EXPECT_EQ(loader.skipped_samples(), 1);
  ASSERT_EQ(loader.skipped_examples().size(), 1u);
  EXPECT_NE(loader.skipped_examples()[0].find("broken.jpg"), std::string::npos);
}

TEST(ImageFolder, MissingOrEmptyFoldersAreRefusedWithTheirPath) {
  TempDir dir;
  try {
    md::ImageFolderSource((dir.path() / "nowhere").string());
    FAIL() << "opened a missing folder";
  } catch (const marginlab::InvalidFile& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "nowhere").string() + ": not a folder"), std::string::npos);
  }
  write_bytes(dir.path() / "someone" / "fake.png", {'x'});
  try {
    md::ImageFolderSource(dir.path().string());
    FAIL() << "opened a folder without images";
  } catch (const marginlab::InvalidFile& e) {
    EXPECT_NE(std::string(e.what()).find("no images found in 1 identity folders"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("1 files skipped"), std::string::npos) << e.what();
  }
}

TEST(ImageFolder, SignaturesOfTheCommonFormats) {
  const auto check = [](const std::vector<std::uint8_t>& bytes) {
    return md::has_image_signature(bytes.data(), bytes.size());
  };
  EXPECT_TRUE(check({0xFF, 0xD8, 0xFF, 0xDB}));
  EXPECT_TRUE(check({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0}));
  EXPECT_TRUE(check({'B', 'M', 0, 0}));
  EXPECT_TRUE(check({'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P'}));
  EXPECT_FALSE(check({'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E'}));
  EXPECT_TRUE(check({'I', 'I', 0x2A, 0x00}));
  EXPECT_TRUE(check({'M', 'M', 0x00, 0x2A}));
  EXPECT_FALSE(check({0xFF, 0xD8}));
  EXPECT_FALSE(check({'<', 'h', 't', 'm', 'l', '>'}));
  EXPECT_FALSE(check({}));
}
