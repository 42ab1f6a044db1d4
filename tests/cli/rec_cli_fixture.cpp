// Fixtures and the round-trip check for the `marginlab-cli rec` tests.
//   rec_cli_fixture make DIR             DIR/faces (an ImageFolder with a broken JPEG, a text file named .jpg and an
//                                        identity folder without images), DIR/garbage (a .rec that is no RecordIO),
//                                        DIR/bad_image (insightface's layout with one undecodable image)
//   rec_cli_fixture compare FOLDER REC   the .rec holds the folder's decodable images in order, with the same labels
//                                        and the same pixels (bit-identical for JPEG files, stored unchanged)
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "engine/data/image_folder.h"
#include "engine/data/recordio_pack.h"
#include "engine/data/recordio_source.h"

namespace md = marginlab::data;
namespace fs = std::filesystem;

namespace {

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> face_like(int seed, const std::string& extension) {
  cv::Mat image(112, 112, CV_8UC3, cv::Scalar(40 + seed * 20, 90, 160 - seed * 10));
  cv::circle(image, {56, 60}, 30 + seed, cv::Scalar(120, 150 + seed * 5, 210), cv::FILLED);
  cv::circle(image, {44, 52}, 4, cv::Scalar(20, 20, 20), cv::FILLED);
  cv::circle(image, {68, 52}, 4, cv::Scalar(20, 20, 20), cv::FILLED);
  std::vector<std::uint8_t> bytes;
  cv::imencode(extension, image, bytes, {cv::IMWRITE_JPEG_QUALITY, 90});
  return bytes;
}

int make(const fs::path& dir) {
  fs::remove_all(dir);
  const auto faces = dir / "faces";
  write_bytes(faces / "alice" / "a1.jpg", face_like(1, ".jpg"));
  write_bytes(faces / "alice" / "a2.jpg", face_like(2, ".jpg"));
  write_bytes(faces / "alice" / "a3.png", face_like(3, ".png"));
  write_bytes(faces / "bob" / "sub" / "b1.jpg", face_like(4, ".jpg"));
  write_bytes(faces / "bob" / "b2.JPG", face_like(5, ".jpg"));
  write_bytes(faces / "bob" / "b3.jpg", face_like(6, ".jpg"));
  write_bytes(faces / "carol" / "c1.jpg", face_like(7, ".jpg"));
  write_bytes(faces / "carol" / "c2.jpg", face_like(8, ".jpg"));
  write_bytes(faces / "carol" / "broken.jpg", {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F'});
  write_bytes(faces / "dave" / "fake.jpg", {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});

  write_bytes(dir / "garbage" / "train.rec", {'j', 'u', 's', 't', ' ', 't', 'e', 'x', 't', '.', '.', '\n'});
  std::ofstream(dir / "garbage" / "train.idx") << "0\t0\n";

  fs::create_directories(dir / "bad_image");
  md::InsightfaceRecordWriter writer((dir / "bad_image" / "train.rec").string());
  writer.add(0, face_like(1, ".jpg"));
  writer.add(0, std::vector<std::uint8_t>{0xFF, 0xD8, 0xFF, 0xDB, 1, 2, 3});
  writer.add(1, face_like(2, ".jpg"));
  writer.finish(112, 112);
  std::printf("fixtures written to %s\n", dir.c_str());
  return 0;
}

int compare(const std::string& folder_path, const std::string& rec_path) {
  const md::ImageFolderSource folder(folder_path);
  const md::RecordIOSource rec(rec_path);
  std::int64_t next = 0, identical = 0, reencoded = 0;
  double worst_difference = 0;
  for (std::int64_t i = 0; i < folder.size(); ++i) {
    md::ImageSample expected;
    try {
      expected = folder.load(i);
    } catch (const marginlab::UnreadableSample&) {
      continue;  // rec pack leaves these out
    }
    if (next >= rec.size()) {
      std::printf("FAIL: the .rec ends after %lld images; %s is missing\n", static_cast<long long>(next),
                  folder.file(i).c_str());
      return 1;
    }
    const auto actual = rec.load(next);
    if (actual.label != expected.label || rec.label(next) != expected.label) {
      std::printf("FAIL: image %lld (%s): label %lld in the .rec, %lld in the folder\n", static_cast<long long>(next),
                  folder.file(i).c_str(), static_cast<long long>(actual.label),
                  static_cast<long long>(expected.label));
      return 1;
    }
    const auto bytes = folder.file_bytes(i);
    const bool jpeg = bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8;
    if (actual.height != expected.height || actual.width != expected.width) {
      std::printf("FAIL: image %lld (%s): size differs\n", static_cast<long long>(next), folder.file(i).c_str());
      return 1;
    }
    if (jpeg) {
      if (actual.pixels != expected.pixels) {
        std::printf("FAIL: image %lld (%s): a JPEG stored unchanged decodes differently\n",
                    static_cast<long long>(next), folder.file(i).c_str());
        return 1;
      }
      ++identical;
    } else {
      double sum = 0;
      for (std::size_t p = 0; p < actual.pixels.size(); ++p) sum += std::abs(actual.pixels[p] - expected.pixels[p]);
      const double difference = sum / static_cast<double>(actual.pixels.size());
      worst_difference = std::max(worst_difference, difference);
      if (difference > 3.0) {
        std::printf("FAIL: image %lld (%s): re-encoded image differs by %.2f grey levels on average\n",
                    static_cast<long long>(next), folder.file(i).c_str(), difference);
        return 1;
      }
      ++reencoded;
    }
    ++next;
  }
  if (next != rec.size()) {
    std::printf("FAIL: the .rec holds %lld images, the folder %lld decodable ones\n",
                static_cast<long long>(rec.size()), static_cast<long long>(next));
    return 1;
  }
  std::printf("round trip: %lld images, labels identical, %lld JPEGs bit-identical, %lld re-encoded "
              "(mean difference at most %.2f)\n",
              static_cast<long long>(next), static_cast<long long>(identical), static_cast<long long>(reencoded),
              worst_difference);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "make") return make(args[1]);
    if (args.size() == 3 && args[0] == "compare") return compare(args[1], args[2]);
    std::fprintf(stderr, "usage: rec_cli_fixture make DIR | compare FOLDER REC\n");
    return 2;
  } catch (const std::exception& error) {
    std::printf("FAIL: %s\n", error.what());
    return 1;
  }
}
