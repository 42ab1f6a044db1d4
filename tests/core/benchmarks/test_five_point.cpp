// Five-point similarity estimates against skimage's (as insightface's IJB scripts call it) on the fixture's 16
// landmark sets: the template itself, a scaled copy, a mirrored set, a nearly collinear one, random ones.
#include <gtest/gtest.h>

#include "core/benchmarks/five_point.h"
#include "core/benchmarks/text_table.h"
#include "core/errors.h"
#include "tests/core/benchmarks/benchmark_fixture.h"
#include "tests/support/temp_dir.h"

#include <fstream>

namespace marginlab::benchmarks {
namespace {

using test_support::TempDir;

TEST(FivePoint, TemplateIsInsightfacesArcfaceSrc) {
  const auto& reference = test_support::benchmark_reference()["align_template"];
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(kArcFaceTemplate112[2 * i], reference[i][0].get<double>(), 1e-4);
    EXPECT_NEAR(kArcFaceTemplate112[2 * i + 1], reference[i][1].get<double>(), 1e-4);
  }
}

TEST(FivePoint, MatricesMatchSkimageOnEveryFixtureSet) {
  // The fixture's lines are the ten coordinates alone.
  TextTable table(test_support::benchmark_fixture() / "align_landmarks.txt", FieldSeparator::blanks);
  std::vector<FivePoints> sets;
  while (table.next()) {
    FivePoints points{};
    for (std::size_t k = 0; k < 10; ++k) points[k] = static_cast<float>(table.real(k, "coordinate"));
    sets.push_back(points);
  }
  const auto& reference = test_support::benchmark_reference()["align"];
  ASSERT_EQ(sets.size(), reference.size());
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const auto m = estimate_similarity(sets[s]);
    for (std::size_t k = 0; k < 6; ++k) {
      EXPECT_NEAR(m[k], reference[s]["M"][k / 3][k % 3].get<double>(), 1e-4) << "set " << s << " entry " << k;
    }
    // A scaled rotation: never a reflection, whatever the landmarks.
    EXPECT_DOUBLE_EQ(m[0], m[4]);
    EXPECT_DOUBLE_EQ(m[1], -m[3]);
  }
}

TEST(FivePoint, CoincidentPointsAndBadLinesAreRefused) {
  FivePoints same{};
  same.fill(40.f);
  EXPECT_THROW(estimate_similarity(same), InvalidParameter);
  FivePoints infinite = kArcFaceTemplate112;
  infinite[3] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(estimate_similarity(infinite), InvalidParameter);
}

TEST(FivePoint, LandmarkFilesTakeAnOptionalScoreAndNameBadLines) {
  TempDir dir;
  const auto file = dir.path() / "landmarks.txt";
  std::ofstream(file) << "a/1.jpg 1 2 3 4 5 6 7 8 9 10\r\nb.png 1 2 3 4 5 6 7 8 9 10 0.99\n";
  const auto entries = read_landmark_file(file);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].path, "a/1.jpg");
  EXPECT_FLOAT_EQ(entries[1].points[9], 10.f);
  EXPECT_EQ(entries[1].line, 2u);
  std::ofstream(file) << "a.jpg 1 2 3 4 5 6 7 8 9\n";
  EXPECT_THROW(read_landmark_file(file), InvalidFile);
  std::ofstream(file) << "a.jpg 1 2 3 4 5 6 7 8 9 10 0.9 7\n";
  EXPECT_THROW(read_landmark_file(file), InvalidFile);
}

}  // namespace
}  // namespace marginlab::benchmarks
