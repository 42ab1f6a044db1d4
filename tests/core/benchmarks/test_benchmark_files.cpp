// The IJB meta files and embedding tables refused with file and line when malformed, and read alike with CRLF
// endings; template ids of any length, wherever they first appear (insightface#1364).
#include <gtest/gtest.h>

#include <fstream>

#include "core/benchmarks/embedding_table.h"
#include "core/benchmarks/ijb_meta.h"
#include "core/benchmarks/ijb_protocol.h"
#include "core/errors.h"
#include "tests/core/benchmarks/benchmark_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::benchmarks {
namespace {

using test_support::TempDir;

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A minimal IJB-C folder: three images in two templates.
IjbLayout small_release(const TempDir& dir, const std::string& tid_mid, const std::string& points) {
  const IjbLayout layout{IjbTarget::ijbc, dir.path() / "IJBC"};
  write(layout.face_tid_mid(), tid_mid);
  write(layout.name_5pts_score(), points);
  return layout;
}

const std::string kTidMid = "1.jpg 1 10\n2.jpg 1 11\n3.jpg 123456 12\n";
const std::string kPoints =
    "1.jpg 1 2 3 4 5 6 7 8 9 10 0.9\n2.jpg 1 2 3 4 5 6 7 8 9 10 0.8\n3.jpg 1 2 3 4 5 6 7 8 9 10 0.1\n";

template <typename Call>
std::string error_of(Call call) {
  try {
    call();
  } catch (const InvalidFile& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(IjbMeta, ReadsTheReleaseLayoutFromEitherRoot) {
  TempDir dir;
  const auto layout = small_release(dir, kTidMid, kPoints);
  EXPECT_EQ(find_ijb_layout(dir.path(), IjbTarget::ijbc).folder, layout.folder);
  EXPECT_EQ(find_ijb_layout(layout.folder, IjbTarget::ijbc).folder, layout.folder);
  EXPECT_NE(error_of([&] { find_ijb_layout(dir.path(), IjbTarget::ijbb); }).find("ijbb_face_tid_mid.txt"),
            std::string::npos);
  const auto images = read_ijb_images(layout);
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images.templates[2], 123456);
  EXPECT_FLOAT_EQ(images.landmarks[0][9], 10.f);
  EXPECT_FLOAT_EQ(images.faceness[2], 0.1f);
}

TEST(IjbMeta, CrlfLinesReadAsTheSame) {
  TempDir dir;
  auto crlf = [](const std::string& text) {
    std::string lines;
    for (const char c : text) {
      if (c == '\n') lines += '\r';
      lines += c;
    }
    return lines;
  };
  const auto images = read_ijb_images(small_release(dir, crlf(kTidMid), crlf(kPoints)));
  EXPECT_EQ(images.names[1], "2.jpg");
  EXPECT_EQ(images.medias[2], 12);
  EXPECT_FLOAT_EQ(images.faceness[2], 0.1f);
}

TEST(IjbMeta, MalformedLinesNameFileAndLine) {
  TempDir dir;
  EXPECT_NE(error_of([&] {
              read_ijb_images(small_release(dir, "1.jpg 1 10\n2.jpg 1\n", kPoints));
            }).find("ijbc_face_tid_mid.txt:2: 2 fields where 3 are expected"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_ijb_images(small_release(dir, "1.jpg 1 10\n2.jpg x7 11\n", kPoints));
            }).find("ijbc_face_tid_mid.txt:2: template id 'x7' is not an integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_ijb_images(small_release(dir, "1.jpg 1 10\n2.jpg 1 11\n4.jpg 2 12\n", kPoints));
            }).find("ijbc_name_5pts_score.txt:3: image '3.jpg' where"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_ijb_images(small_release(dir, kTidMid, "1.jpg 1 2 3 4 5 6 7 8 9 10 0.9\n"));
            }).find("1 lines for the 3 images"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              read_ijb_images(small_release(dir, kTidMid, "1.jpg 1 2 3 4 5 6 7 8 9 nan 0.9\n"));
            }).find(":1: landmark coordinate 'nan' is not a finite number"),
            std::string::npos);
  write(dir.path() / "pairs.txt", "1 123456 1\n1 123456 2\n");
  EXPECT_NE(error_of([&] {
              read_ijb_pairs(dir.path() / "pairs.txt");
            }).find("pairs.txt:2: label 2 is neither 0 (impostor) nor 1 (genuine)"),
            std::string::npos);
  write(dir.path() / "headless.csv", "1,67980,img/1.jpg\n");
  EXPECT_NE(error_of([&] { read_ijb_search_list(dir.path() / "headless.csv"); }).find("headless.csv:1: no header row"),
            std::string::npos);
  write(dir.path() / "short.csv", "TEMPLATE_ID,SUBJECT_ID\n1\n");
  EXPECT_NE(error_of([&] { read_ijb_search_list(dir.path() / "short.csv"); }).find("short.csv:2: 1 field where 2"),
            std::string::npos);
}

TEST(IjbMeta, PairsAndListsNamingUnknownTemplatesAreRefused) {
  TempDir dir;
  const auto layout = small_release(dir, kTidMid, kPoints);
  const auto images = read_ijb_images(layout);
  const IjbFeatures features{2, {1, 0, 0, 1, 1, 1}, {}};
  const auto templates =
      pool_ijb_templates(images, ijb_image_vectors(features, images.faceness, {true, false, false}), 2);
  ASSERT_EQ(templates.ids, (std::vector<std::int64_t>{1, 123456}));
  write(dir.path() / "pairs.txt", "1 123456 0\n\n1 99 1\n");  // a blank line: the line, not the pair, is named
  const auto pairs = read_ijb_pairs(dir.path() / "pairs.txt");
  EXPECT_NE(error_of([&] {
              score_ijb_pairs(templates, pairs, dir.path() / "pairs.txt");
            }).find("pairs.txt:3: template 99 has no image in the meta files"),
            std::string::npos);
  write(dir.path() / "g1.csv", "TEMPLATE_ID,SUBJECT_ID\n1,5\n77,6\n");
  EXPECT_NE(error_of([&] {
              ijb_search_set("G1", read_ijb_search_list(dir.path() / "g1.csv"), templates);
            }).find("g1.csv:3: template 77 has no image"),
            std::string::npos);
}

// Media-then-template pooling by hand: two frames of one media average, medias add, the sum is made unit.
TEST(IjbPooling, FramesAverageWithinAMediaAndMediasAdd) {
  TempDir dir;
  const auto layout = small_release(dir, "1.jpg 7 10\n2.jpg 8 20\n3.jpg 7 11\n4.jpg 7 10\n",
                                    "1.jpg 0 0 0 0 0 0 0 0 0 0 1\n2.jpg 0 0 0 0 0 0 0 0 0 0 1\n"
                                    "3.jpg 0 0 0 0 0 0 0 0 0 0 1\n4.jpg 0 0 0 0 0 0 0 0 0 0 1\n");
  const auto images = read_ijb_images(layout);
  // Template 7: media 10 = mean((4,0), (0,4)) = (2,2); media 11 = (0,6); sum (2,8).
  const std::vector<float> vectors{4, 0, 1, 1, 0, 6, 0, 4};
  const auto templates = pool_ijb_templates(images, vectors, 2);
  const auto seven = *templates.index_of(7);
  const double norm = std::sqrt(2.0 * 2 + 8 * 8);
  EXPECT_DOUBLE_EQ(templates.row(seven)[0], 2 / norm);
  EXPECT_DOUBLE_EQ(templates.row(seven)[1], 8 / norm);
}

TEST(EmbeddingTable, RefusesRaggedDuplicateAndNonNumericLines) {
  TempDir dir;
  write(dir.path() / "e.txt", "a.jpg 1 2\nb.jpg 3 4\r\n");
  const auto table = read_embedding_table(dir.path() / "e.txt");
  EXPECT_EQ(table.dim, 2);
  EXPECT_FLOAT_EQ(table.data(table.row("b.jpg"))[1], 4.f);
  EXPECT_NE(error_of([&] { table.row("c.jpg"); }).find("no embedding of 'c.jpg'"), std::string::npos);
  write(dir.path() / "ragged.txt", "a.jpg 1 2\nb.jpg 3\n");
  EXPECT_NE(error_of([&] {
              read_embedding_table(dir.path() / "ragged.txt");
            }).find("ragged.txt:2: 1 values where the first line has 2"),
            std::string::npos);
  write(dir.path() / "twice.txt", "a.jpg 1 2\na.jpg 3 4\n");
  EXPECT_NE(error_of([&] { read_embedding_table(dir.path() / "twice.txt"); }).find("twice.txt:2: 'a.jpg' again"),
            std::string::npos);
  write(dir.path() / "huge.txt", "a.jpg 1 1e39\n");
  EXPECT_NE(error_of([&] {
              read_embedding_table(dir.path() / "huge.txt");
            }).find("huge.txt:1: embedding value '1e39' is too large for a float"),
            std::string::npos);
  write(dir.path() / "text.txt", "a.jpg 1 x\n");
  EXPECT_NE(error_of([&] { read_embedding_table(dir.path() / "text.txt"); }).find("text.txt:1: embedding value 'x'"),
            std::string::npos);
}

// The fixture's pair file has its first six-digit template id after line 50,000, where np.loadtxt(dtype=str) used
// to cut ids to the width it had seen: every id must come back whole.
TEST(IjbMeta, SixDigitTemplateIdsLateInThePairFileComeBackWhole) {
  const auto layout = find_ijb_layout(test_support::benchmark_fixture(), IjbTarget::ijbc);
  const auto pairs = read_ijb_pairs(layout.template_pair_label());
  std::size_t first_six_digit = pairs.size();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (pairs.first[i] >= 100000 || pairs.second[i] >= 100000) {
      first_six_digit = i;
      break;
    }
  }
  EXPECT_GT(first_six_digit, 50000u);
  EXPECT_LT(first_six_digit, pairs.size());
  const auto images = read_ijb_images(layout);
  const IjbFeatures features{1, std::vector<float>(images.size(), 1.f), {}};
  const auto templates =
      pool_ijb_templates(images, ijb_image_vectors(features, images.faceness, {true, false, false}), 1);
  EXPECT_NO_THROW(score_ijb_pairs(templates, pairs, layout.template_pair_label()));
}

}  // namespace
}  // namespace marginlab::benchmarks
