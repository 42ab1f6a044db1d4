// snapshot.cbor: the newest snapshot whole and compact, read back exactly (NaN included), and its writer.
#include "core/run/snapshot_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/errors.h"
#include "core/run/run_directory.h"
#include "core/telemetry/telemetry_json.h"
#include "tests/core/run/sample_snapshot.h"
#include "tests/support/temp_dir.h"

namespace marginlab::train {
namespace {

using test_support::TempDir;

void expect_same_floats(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(b[i])) {
      EXPECT_TRUE(std::isnan(a[i])) << i;
    } else {
      EXPECT_EQ(a[i], b[i]) << i;
    }
  }
}

TEST(SnapshotFile, ReadsBackWholeWithEveryBandAndTheClassSizes) {
  TempDir dir;
  auto snapshot = make_snapshot(7);
  snapshot.norm_history.push_back({8, 2, 3, 4, 5, 6, 11.5, 2.0});
  const auto file = dir.path() / "snapshot.cbor";
  write_snapshot_file(file, snapshot);
  const auto read = read_snapshot_file(file);
  EXPECT_EQ(read.step, 7);
  EXPECT_EQ(read.head_kind, "kappaface");
  EXPECT_EQ(read.samples.label, snapshot.samples.label);
  EXPECT_EQ(read.samples.labelled, snapshot.samples.labelled);
  EXPECT_EQ(read.samples.hard, snapshot.samples.hard);
  expect_same_floats(read.samples.norm, snapshot.samples.norm);
  expect_same_floats(read.samples.theta, snapshot.samples.theta);
  expect_same_floats(read.quality, snapshot.quality);
  expect_same_floats(read.class_mean_theta, snapshot.class_mean_theta);
  EXPECT_EQ(read.class_count, snapshot.class_count);
  EXPECT_EQ(read.norm_histogram, snapshot.norm_histogram);
  ASSERT_EQ(read.norm_history.size(), 2u);
  EXPECT_EQ(read.norm_history[1].step, 8);
  EXPECT_DOUBLE_EQ(read.norm_history[1].ema_mean, 11.5);
  EXPECT_TRUE(std::isnan(read.norm_history[0].ema_mean));
  EXPECT_TRUE(read.kappa.kept);
  EXPECT_EQ(read.kappa.kappa, snapshot.kappa.kappa);  // doubles stay doubles, bit for bit
  EXPECT_EQ(read.kappa.count, snapshot.kappa.count);
  EXPECT_EQ(read.kappa.refreshes, 2);
}

TEST(SnapshotFile, IsCompactForManyClasses) {
  TempDir dir;
  auto snapshot = make_snapshot(1);
  constexpr std::size_t kClasses = 85000;
  snapshot.class_count.assign(kClasses, 40);
  snapshot.class_mean_theta.assign(kClasses, 1.1f);
  for (auto* column : {&snapshot.kappa.r, &snapshot.kappa.kappa, &snapshot.kappa.w_kappa, &snapshot.kappa.w_pop,
                       &snapshot.kappa.psi, &snapshot.kappa.margin}) {
    column->resize(kClasses);
    for (std::size_t c = 0; c < kClasses; ++c)
      (*column)[c] = 1.0 / static_cast<double>(c + 7);  // all digits, as real κ
  }
  snapshot.kappa.count = snapshot.class_count;
  const auto file = dir.path() / "snapshot.cbor";
  write_snapshot_file(file, snapshot);
  // Raw bytes: 8 arrays of 8 bytes and one of 4 per class, and little else. The same as JSON text is larger (and
  // slower to write and parse, number by number).
  const auto size = std::filesystem::file_size(file);
  EXPECT_LT(size, kClasses * (8 * 8 + 4) + 4096);
  const auto as_text = snapshot_to_json(snapshot, {.class_count = true}).dump().size();
  EXPECT_GT(as_text, 2 * size);
  EXPECT_EQ(read_snapshot_file(file).kappa.psi.size(), kClasses);
}

TEST(SnapshotFile, RefusesWhatIsNotASnapshot) {
  TempDir dir;
  const auto file = dir.path() / "snapshot.cbor";
  std::ofstream(file) << "{\"step\": 1}";  // JSON text, not CBOR
  try {
    read_snapshot_file(file);
    FAIL() << "read a text file as a snapshot";
  } catch (const InvalidFile& error) {
    EXPECT_NE(std::string(error.what()).find("snapshot.cbor"), std::string::npos) << error.what();
  }
}

TEST(SnapshotWriter, WritesTheNewestAndAlwaysTheLast) {
  TempDir dir;
  const auto file = dir.path() / "snapshot.cbor";
  {
    // A long interval: of the snapshots published in a burst only the first goes out at once, and the last one when
    // the writer closes.
    SnapshotWriter writer(file, std::chrono::seconds(60));
    for (std::int64_t step = 1; step <= 5; ++step) writer.publish(std::make_shared<Snapshot>(make_snapshot(step)));
    writer.flush();
    EXPECT_EQ(read_snapshot_file(file).step, 5);
    writer.publish(std::make_shared<Snapshot>(make_snapshot(6)));
  }
  EXPECT_EQ(read_snapshot_file(file).step, 6);
}

}  // namespace
}  // namespace marginlab::train
