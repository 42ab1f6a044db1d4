// RecordIO as a training source: an ImageFolder packed in insightface's layout reads back with the same labels and
// the same decoded images, in either colour order; im2rec files; corrupt records and lying identity records become
// unreadable samples that the loader skips; missing files are refused with their path.
#include "engine/data/recordio_source.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "engine/data/image_decode.h"
#include "engine/data/image_folder.h"
#include "engine/data/loader.h"
#include "engine/data/recordio_pack.h"
#include "tests/support/temp_dir.h"
#include "tests/support/files.h"

namespace md = marginlab::data;
namespace rio = marginlab::formats::recordio;
namespace fs = std::filesystem;

namespace {

using marginlab::test_support::write_bytes;

using marginlab::test_support::TempDir;

cv::Mat pattern(int height, int width, int seed) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<std::uint8_t>(x * 5 + seed * 20),
                                            static_cast<std::uint8_t>(y * 3), static_cast<std::uint8_t>(250 - seed));
    }
  }
  return image;
}

std::vector<std::uint8_t> encoded(const cv::Mat& image, const std::string& extension) {
  std::vector<std::uint8_t> bytes;
  cv::imencode(extension, image, bytes);
  return bytes;
}


// Three identities of JPEGs (one a PNG in disguise of nothing: a real .png) and one JPEG that does not decode.
fs::path make_folder(const fs::path& root) {
  const fs::path folder = root / "faces";
  write_bytes(folder / "id_a" / "1.jpg", encoded(pattern(20, 20, 1), ".jpg"));
  write_bytes(folder / "id_a" / "2.jpg", encoded(pattern(20, 20, 2), ".jpg"));
  write_bytes(folder / "id_b" / "1.png", encoded(pattern(20, 20, 3), ".png"));
  write_bytes(folder / "id_b" / "2.jpg", encoded(pattern(20, 20, 4), ".jpg"));
  write_bytes(folder / "id_b" / "3.jpg", {0xFF, 0xD8, 0xFF, 0xE0, 9, 9, 9, 9});
  write_bytes(folder / "id_c" / "1.jpg", encoded(pattern(20, 20, 5), ".jpg"));
  return folder;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

double mean_absolute_difference(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(int(a[i]) - int(b[i]));
  return sum / static_cast<double>(a.size());
}

}  // namespace

TEST(RecordIOSource, PackedFolderReadsBackWithTheSameLabelsAndImages) {
  TempDir dir;
  const md::ImageFolderSource folder(make_folder(dir.path()).string());
  ASSERT_EQ(folder.size(), 6);
  const auto rec = dir.path() / "train.rec";
  std::vector<std::int64_t> progress;
  const auto summary = md::pack_image_folder(folder, rec.string(), {}, [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 6);
    progress.push_back(done);
  });
  EXPECT_EQ(progress, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(summary.images, 5);
  EXPECT_EQ(summary.classes, 3);
  EXPECT_EQ(summary.stored_as_is, 4);
  EXPECT_EQ(summary.reencoded, 1);  // the PNG
  EXPECT_EQ(summary.unreadable, 1);
  ASSERT_EQ(summary.unreadable_examples.size(), 1u);
  EXPECT_NE(summary.unreadable_examples[0].find("3.jpg"), std::string::npos);
  EXPECT_EQ(summary.height, 20);
  EXPECT_FALSE(summary.mixed_sizes);
  EXPECT_EQ(read_text(dir.path() / "property"), "3,20,20\n");
  // insightface's key order: images 1..5, identities 6..8, the header 0 last.
  EXPECT_EQ(read_text(dir.path() / "train.idx").substr(0, 2), "1\t");
  EXPECT_NE(read_text(dir.path() / "train.idx").find("\n0\t"), std::string::npos);

  const md::RecordIOSource source(dir.path().string());
  EXPECT_EQ(source.layout(), rio::Layout::insightface);
  EXPECT_EQ(source.size(), 5);
  EXPECT_EQ(source.num_classes(), 3);
  EXPECT_EQ(source.class_counts(), (std::vector<std::int64_t>{2, 2, 1}));
  EXPECT_TRUE(source.notes().empty());
  EXPECT_NE(source.describe().find("insightface layout"), std::string::npos);
  EXPECT_NE(source.describe().find("5 images, 3 classes"), std::string::npos);
  // Folder index of each packed image: the broken id_b/3.jpg (folder index 4) is not there.
  const std::vector<std::int64_t> folder_index{0, 1, 2, 3, 5};
  for (std::int64_t i = 0; i < source.size(); ++i) {
    const auto from_rec = source.load(i);
    const auto from_folder = folder.load(folder_index[static_cast<std::size_t>(i)]);
    EXPECT_EQ(source.key(i), i + 1);
    EXPECT_EQ(source.label(i), folder.label(folder_index[static_cast<std::size_t>(i)])) << i;
    EXPECT_EQ(from_rec.label, source.label(i));
    ASSERT_EQ(from_rec.height, 20);
    if (i == 2) {  // the PNG went through JPEG at quality 95
      EXPECT_LT(mean_absolute_difference(from_rec.pixels, from_folder.pixels), 3.0);
    } else {  // the JPEG bytes went in unchanged: bit-identical decode
      EXPECT_EQ(from_rec.pixels, from_folder.pixels) << i;
    }
  }
}

TEST(RecordIOSource, OpensARecPathAndHandsOutEitherColourOrder) {
  TempDir dir;
  const md::ImageFolderSource folder(make_folder(dir.path()).string());
  const auto rec = dir.path() / "packed" / "set.rec";
  fs::create_directories(rec.parent_path());
  md::pack_image_folder(folder, rec.string(), {100, 16});
  const md::RecordIOSource rgb(rec.string());
  const md::RecordIOSource bgr(rec.string(), md::ColorOrder::bgr);
  EXPECT_EQ(bgr.color_order(), md::ColorOrder::bgr);
  const auto a = rgb.load(0), b = bgr.load(0);
  ASSERT_EQ(a.height, 16);  // --resize 16
  ASSERT_EQ(a.width, 16);
  for (std::size_t p = 0; p < a.pixels.size(); p += 3) {
    ASSERT_EQ(a.pixels[p], b.pixels[p + 2]);
    ASSERT_EQ(a.pixels[p + 2], b.pixels[p]);
  }
  EXPECT_GT(b.pixels[2], 200);  // red (250 − seed) is the third byte in BGR
}

TEST(RecordIOSource, Im2recFileWithArrayLabels) {
  TempDir dir;
  const auto rec = (dir.path() / "custom.rec").string();
  {
    rio::RecordWriter writer(rec, (dir.path() / "custom.idx").string());
    const auto jpeg = encoded(pattern(10, 12, 1), ".jpg");
    for (std::int64_t key = 0; key < 4; ++key) {
      const std::vector<float> labels{static_cast<float>(key % 2), 7.5f};
      writer.write(key, rio::pack_payload(labels, static_cast<std::uint64_t>(key), 0, jpeg));
    }
    writer.close();
  }
  const md::RecordIOSource source(rec);
  EXPECT_EQ(source.layout(), rio::Layout::im2rec);
  EXPECT_EQ(source.class_counts(), (std::vector<std::int64_t>{2, 2}));
  const auto image = source.load(3);
  EXPECT_EQ(image.label, 1);
  EXPECT_EQ(image.height, 10);
  EXPECT_EQ(image.width, 12);
  EXPECT_NE(source.describe().find("im2rec layout"), std::string::npos);
}

TEST(RecordIOSource, CorruptRecordsAreUnreadableSamplesNamingTheKey) {
  TempDir dir;
  const auto rec = (dir.path() / "train.rec").string();
  {
    md::InsightfaceRecordWriter writer(rec);
    writer.add(0, encoded(pattern(8, 8, 1), ".jpg"));
    writer.add(0, std::vector<std::uint8_t>{0xFF, 0xD8, 0xFF, 1, 2, 3});  // key 2: not a decodable JPEG
    writer.add(1, encoded(pattern(8, 8, 2), ".jpg"));
    writer.finish(8, 8);
  }
  auto source = std::make_shared<md::RecordIOSource>(dir.path().string());
  try {
    source->load(1);
    FAIL() << "decoded a broken payload";
  } catch (const marginlab::UnreadableSample& e) {
    EXPECT_NE(std::string(e.what()).find(rec + ", key 2"), std::string::npos) << e.what();
  }
  md::LoaderConfig config;
  config.batch_size = 3;
  config.threads = 2;
  config.drop_last = false;
  config.image_size = 8;
  config.augment = md::AugmentConfig::none();
  md::Loader loader(source, config);
  loader.start(0);
  const auto batch = loader.next();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->images.size(0), 2);
  EXPECT_EQ(loader.skipped_samples(), 1);
}

TEST(RecordIOSource, RecordWhoseLabelContradictsItsIdentityRecordIsUnreadable) {
  TempDir dir;
  const auto rec = (dir.path() / "train.rec").string();
  {
    rio::RecordWriter writer(rec, (dir.path() / "train.idx").string());
    const auto jpeg = encoded(pattern(8, 8, 1), ".jpg");
    writer.write(1, rio::pack_payload(0.0f, 1, 0, jpeg));
    writer.write(2, rio::pack_payload(0.0f, 2, 0, jpeg));  // the identity records below put key 2 in class 1
    writer.write(3, rio::pack_payload(1.0f, 3, 0, jpeg));
    const std::vector<float> class0{1, 2}, class1{2, 4}, header{4, 6};
    writer.write(4, rio::pack_payload(class0, 0, 0, {}));
    writer.write(5, rio::pack_payload(class1, 0, 0, {}));
    writer.write(0, rio::pack_payload(header, 0, 1, {}));
    writer.close();
  }
  const md::RecordIOSource source(dir.path().string());
  EXPECT_EQ(source.label(1), 1);
  EXPECT_EQ(source.load(2).label, 1);
  try {
    source.load(1);
    FAIL() << "a contradicting label went through";
  } catch (const marginlab::UnreadableSample& e) {
    EXPECT_NE(std::string(e.what()).find(rec + ", key 2: the record's label 0 contradicts class 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(RecordIOSource, MissingFilesAndStalePropertyAreReported) {
  TempDir dir;
  try {
    md::RecordIOSource source(dir.path().string());
    FAIL() << "opened an empty folder";
  } catch (const marginlab::InvalidFile& e) {
    EXPECT_NE(std::string(e.what()).find("no train.rec there"), std::string::npos) << e.what();
  }
  const auto rec = (dir.path() / "train.rec").string();
  {
    md::InsightfaceRecordWriter writer(rec);
    writer.add(0, encoded(pattern(8, 8, 1), ".jpg"));
    writer.finish(8, 8);
  }
  std::ofstream(dir.path() / "property") << "85742,112,112\n";
  const md::RecordIOSource source(dir.path().string());
  ASSERT_EQ(source.notes().size(), 1u);
  EXPECT_NE(source.notes()[0].find("says \"85742,112,112\" but the records hold 1 classes"), std::string::npos);
  fs::remove(dir.path() / "train.idx");
  try {
    md::RecordIOSource missing_index(rec);
    FAIL() << "opened a .rec without its .idx";
  } catch (const marginlab::InvalidFile& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "train.idx").string() + ": cannot open the RecordIO index"),
              std::string::npos)
        << e.what();
  }
}
