// The workbench's benchmark rows and curves: the newest result per run and benchmark, published numbers of the same
// depth and training set, and each run's ROC for one target and mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/benchmarks/benchmark_rows.h"

namespace marginlab::benchmarks {
namespace {

nlohmann::json ijb_results(double tar_1e4) {
  return {{"features", "run/checkpoints/latest.pt"},
          {"1to1",
           {{"N1D1F1",
             {{"tar", {{"1e-06", nullptr}, {"0.0001", tar_1e4}, {"0.1", 0.99}}},
              {"roc", {{"far", {0.0, 1e-4, 1.0}}, {"tar", {0.0, tar_1e4, 1.0}}}}}}}},
          {"1N_separate", {{"mode", "N1D1F1"}, {"mean_top1", 0.9}, {"mean_top5", 0.95}}}};
}

TEST(BenchmarkRows, NewestResultPerRunWithPublishedNumbersOfTheSameDepthAndTrainingSet) {
  RunBenchmarks run{"r100-adaface", "ir100", "/data/faces_emore", {}};
  run.records.push_back({"IJBC", 2000, "a.pt", ijb_results(0.5)});
  run.records.push_back({"IJBC", 4000, "b.pt", ijb_results(0.8)});
  run.records.push_back({"IJBC", 3000, "c.pt", ijb_results(0.6)});
  run.records.push_back(
      {"TinyFace", 4000, "b.pt", {{"rank", {{"1", 0.6}, {"5", 0.7}, {"20", 0.8}}}, {"comparable", true}}});
  const auto rows = benchmark_rows({run});
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0].benchmark, "IJB-C");
  EXPECT_EQ(rows[0].protocol, "1:1 N1D1F1");
  EXPECT_EQ(rows[0].step, 4000);
  EXPECT_DOUBLE_EQ(rows[0].tar[2], 80.0);
  EXPECT_DOUBLE_EQ(rows[0].tar[5], 99.0);
  EXPECT_TRUE(std::isnan(rows[0].tar[0]));
  EXPECT_EQ(rows[1].protocol, "1:N N1D1F1, galleries apart");
  EXPECT_DOUBLE_EQ(rows[1].rank[0], 90.0);
  EXPECT_EQ(rows[2].benchmark, "TinyFace");
  EXPECT_DOUBLE_EQ(rows[2].rank[2], 80.0);
  // faces_emore is MS1MV2: only MS1MV2 rows of R100 / IR101 are shown beside it.
  int published = 0;
  for (const auto& row : rows) {
    if (!row.published) continue;
    ++published;
    EXPECT_NE(row.source.find("MS1MV2"), std::string::npos) << row.source;
    EXPECT_TRUE(row.source.find("R100") != std::string::npos || row.source.find("IR101") != std::string::npos);
  }
  EXPECT_GT(published, 5);
  const auto adaface = std::find_if(rows.begin(), rows.end(), [](const BenchmarkRow& row) {
    return row.source == "AdaFace R100 MS1MV2" && row.benchmark == "IJB-C";
  });
  ASSERT_NE(adaface, rows.end());
  EXPECT_DOUBLE_EQ(adaface->tar[2], 96.89);
}

TEST(BenchmarkRows, NoPublishedNumbersForBackbonesThePapersDidNotUse) {
  RunBenchmarks demo{"demo", "demo", "synthface", {{"IJBC", 10, "x.pt", ijb_results(0.1)}}};
  for (const auto& row : benchmark_rows({demo})) EXPECT_FALSE(row.published) << row.source;
  RunBenchmarks r50{"r50", "adaface-ir-se50", "", {}};
  std::set<std::string> training;
  for (const auto& row : benchmark_rows({r50})) {
    EXPECT_NE(row.source.find("R50"), std::string::npos);
    training.insert(row.source);
  }
  EXPECT_EQ(training.size(), 2u);  // MS1MV2 and WebFace4M: no training set named, both shown
}

TEST(BenchmarkRows, DepthOfBackboneKinds) {
  EXPECT_EQ(published_depth("ir100"), 100);
  EXPECT_EQ(published_depth("r100"), 100);
  EXPECT_EQ(published_depth("adaface-ir101"), 100);
  EXPECT_EQ(published_depth("ir50"), 50);
  EXPECT_EQ(published_depth("adaface-ir-se50"), 50);
  EXPECT_EQ(published_depth("ir18"), 0);
  EXPECT_EQ(published_depth("ir200"), 0);
  EXPECT_EQ(published_depth("mobilefacenet"), 0);
  EXPECT_EQ(published_depth("demo"), 0);
}

TEST(BenchmarkRows, EachRunsCurveForOneTargetAndMode) {
  RunBenchmarks a{"a", "ir18", "", {{"IJBC", 10, "x.pt", ijb_results(0.3)}}};
  RunBenchmarks b{"b", "ir18", "", {{"IJBC", 20, "y.pt", ijb_results(0.7)}, {"IJBB", 20, "y.pt", ijb_results(0.6)}}};
  EXPECT_EQ(benchmark_curve_choices({a, b}), (std::vector<std::string>{"IJB-C N1D1F1", "IJB-B N1D1F1"}));
  const auto curves = benchmark_curves({a, b}, "IJB-C N1D1F1");
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_EQ(curves[1].run, "b");
  EXPECT_DOUBLE_EQ(curves[1].tar_at_1e4, 70.0);
  EXPECT_EQ(curves[1].far, (std::vector<double>{0.0, 1e-4, 1.0}));
  EXPECT_EQ(benchmark_curves({a, b}, "IJB-B N1D1F1").size(), 1u);
}

}  // namespace
}  // namespace marginlab::benchmarks
