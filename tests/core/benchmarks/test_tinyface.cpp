// TinyFace from the fixture's features against AdaFace's tinyface_helper, and the layout's traps: names matched
// without extension, duplicates and missing aligned files refused, distractors never an identity.
#include <gtest/gtest.h>

#include <fstream>

#include "core/benchmarks/embedding_table.h"
#include "core/benchmarks/tinyface.h"
#include "core/errors.h"
#include "tests/core/benchmarks/benchmark_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::benchmarks {
namespace {

using test_support::TempDir;

std::vector<float> rows_of(const EmbeddingTable& table, const std::vector<std::string>& names) {
  std::vector<float> rows;
  for (const auto& name : names)
    rows.insert(rows.end(), table.data(table.row(name)), table.data(table.row(name)) + table.dim);
  return rows;
}

TEST(TinyFace, RanksMatchAdaFacesHelperOnTheFixture) {
  const auto root = test_support::benchmark_fixture() / "tinyface";
  const auto layout = find_tinyface_layout(root);
  const auto plain = read_embedding_table(root / "features.txt");
  const auto flipped = read_embedding_table(root / "features_flip.txt");
  std::vector<std::string> gallery(layout.matches);
  gallery.insert(gallery.end(), layout.distractors.begin(), layout.distractors.end());
  const auto probes = fuse_flip_unit(rows_of(plain, layout.probes), rows_of(flipped, layout.probes), plain.dim);
  const auto gallery_features = fuse_flip_unit(rows_of(plain, gallery), rows_of(flipped, gallery), plain.dim);
  const auto result = identify_tinyface(layout, probes, gallery_features, plain.dim);

  const auto& reference = test_support::benchmark_reference()["tinyface"];
  EXPECT_EQ(result.probes, reference["counts"]["probe"].get<std::int64_t>());
  EXPECT_EQ(result.gallery_match, reference["counts"]["gallery_match"].get<std::int64_t>());
  EXPECT_EQ(result.distractors, reference["counts"]["distractor"].get<std::int64_t>());
  EXPECT_EQ(result.mate_probes, reference["counts"]["mate_probes"].get<std::int64_t>());
  EXPECT_EQ(result.non_mate_probes, reference["counts"]["non_mate_probes"].get<std::int64_t>());
  for (std::size_t r = 0; r < kTinyFaceRanks.size(); ++r) {
    // The reference is float32 (DIR_FAR's array): within one probe, and normally the same count.
    EXPECT_NEAR(result.rank[r], reference["rank"][std::to_string(kTinyFaceRanks[r])].get<double>(),
                1.0 / static_cast<double>(result.mate_probes) + 1e-6)
        << "rank " << kTinyFaceRanks[r];
  }
}

void touch(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

// Probe 12_1 and a distractor whose name starts with 12 have the same features; 12's gallery match is far away.
TEST(TinyFace, DistractorsNeverCountAsAnIdentity) {
  TempDir dir;
  for (const auto* folder : {"tinyface/Testing_Set", kTinyFaceAlignedFolder}) {
    touch(dir.path() / folder / "Probe/12_1.jpg");
    touch(dir.path() / folder / "Gallery_Match/12_2.jpg");
    touch(dir.path() / folder / "Gallery_Distractor/12_777_3_face0.jpg");
  }
  const auto layout = find_tinyface_layout(dir.path());
  ASSERT_EQ(layout.probe_labels, std::vector<std::int64_t>{12});
  const auto result = identify_tinyface(layout, {1, 0}, {0, 1, 1, 0}, 2);
  EXPECT_EQ(result.mate_probes, 1);
  EXPECT_EQ(result.rank[0], 0.0);  // the distractor outranks the mate
  EXPECT_EQ(result.rank[1], 1.0);
}

std::string error_of(const std::filesystem::path& root) {
  try {
    find_tinyface_layout(root);
  } catch (const InvalidFile& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(TinyFace, AmbiguousOrMissingAlignedImagesAreRefused) {
  TempDir dir;
  touch(dir.path() / "tinyface/Testing_Set/Probe/1_1.jpg");
  touch(dir.path() / "tinyface/Testing_Set/Gallery_Match/1_2.jpg");
  std::filesystem::create_directories(dir.path() / "tinyface/Testing_Set/Gallery_Distractor");
  touch(dir.path() / kTinyFaceAlignedFolder / "Probe/1_1.png");
  touch(dir.path() / kTinyFaceAlignedFolder / "Gallery_Distractor/nothing.jpg");
  std::filesystem::create_directories(dir.path() / kTinyFaceAlignedFolder / "Gallery_Match");
  EXPECT_NE(error_of(dir.path()).find("no aligned image of"), std::string::npos) << error_of(dir.path());
  EXPECT_NE(error_of(dir.path()).find("'1_2.*'"), std::string::npos);
  touch(dir.path() / kTinyFaceAlignedFolder / "Gallery_Match/1_2.jpg");
  EXPECT_EQ(error_of(dir.path()), "(no error)");
  EXPECT_EQ(find_tinyface_layout(dir.path()).probes, std::vector<std::string>{"Probe/1_1.png"});
  touch(dir.path() / kTinyFaceAlignedFolder / "Gallery_Distractor/1_1.jpg");
  EXPECT_NE(error_of(dir.path()).find("have the same name"), std::string::npos);
  std::filesystem::remove(dir.path() / kTinyFaceAlignedFolder / "Gallery_Distractor/1_1.jpg");
  touch(dir.path() / "tinyface/Testing_Set/Probe/x_1.jpg");
  touch(dir.path() / kTinyFaceAlignedFolder / "Probe/x_1.jpg");
  EXPECT_NE(error_of(dir.path()).find("'Probe/x_1.jpg' does not start with an identity number"), std::string::npos)
      << error_of(dir.path());
}

TEST(TinyFace, UnalignedLayoutReadsTheRawCrops) {
  TempDir dir;
  touch(dir.path() / "tinyface/Testing_Set/Probe/3_1.jpg");
  touch(dir.path() / "tinyface/Testing_Set/Gallery_Match/3_2.jpg");
  std::filesystem::create_directories(dir.path() / "tinyface/Testing_Set/Gallery_Distractor");
  const auto layout = find_tinyface_layout(dir.path(), "");
  EXPECT_FALSE(layout.aligned);
  EXPECT_EQ(layout.images, dir.path() / "tinyface/Testing_Set");
  EXPECT_FALSE(to_json(identify_tinyface(layout, {1, 0}, {1, 0}, 2))["comparable"].get<bool>());
}

}  // namespace
}  // namespace marginlab::benchmarks
