#pragma once
// What the workbench shows of the benchmarks: rows of the papers' tables (IJB-B/C TAR at FAR, 1:N and TinyFace
// ranks) for the open runs' newest results, beside the published numbers of the same backbone depth (and training
// set, where a run's data says which), and the IJB ROC curves of every run for one target and mode. Torch- and
// Qt-free, so the rules are tested without a window.
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/benchmarks/benchmark_record.h"

namespace marginlab::benchmarks {

// One open run's benchmark results and what it trained.
struct RunBenchmarks {
  std::string run;        // the run's name (its folder)
  std::string backbone;   // model.backbone
  std::string data_path;  // data.path: a training set's name in it ("ms1mv2", "webface4m") picks published rows
  std::vector<BenchmarkRecord> records;
};

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct BenchmarkRow {
  std::string source;  // the run, or "AdaFace R100 MS1MV2"
  bool published = false;
  std::string benchmark;   // "IJB-C", "IJB-B", "TinyFace"
  std::string protocol;    // "1:1 N1D0F1", "1:N, galleries apart", "rank", "1:1 (paper)"
  std::int64_t step = -1;  // the model's step; -1 for published rows
  std::array<double, 6> tar{kNoValue, kNoValue, kNoValue, kNoValue, kNoValue, kNoValue};  // % at 1e-6 … 1e-1
  std::array<double, 3> rank{kNoValue, kNoValue, kNoValue};  // % at rank 1, 5, 20 (1:N: 1, 5, –)
  std::string note;  // where a published number comes from and how it was computed
};

// The newest record per run and benchmark (highest step; the later one on a tie), one row per IJB 1:1 mode, one for
// IJB 1:N (each gallery alone, averaged), one for TinyFace; then the published rows matching any run's backbone
// depth (IResNet/IR 50 or 100/101) and, when a run's data path names a training set, that set.
std::vector<BenchmarkRow> benchmark_rows(const std::vector<RunBenchmarks>& runs);

// Every published row (docs/benchmarks.md §6), for reference and tests.
std::vector<BenchmarkRow> published_benchmark_rows();

// The IResNet depth class of a backbone kind: 100 (ir100, r100, iresnet100, adaface-ir101 …), 50, or 0.
int published_depth(const std::string& backbone);

struct BenchmarkCurve {
  std::string run;
  std::string label;  // "IJBC N1D1F1"
  std::vector<double> far, tar;
  double tar_at_1e4 = kNoValue;  // the insightface read-out, for the legend
};
// The choices for the ROC plot: "IJBC N1D1F1", … present in the runs' newest records.
std::vector<std::string> benchmark_curve_choices(const std::vector<RunBenchmarks>& runs);
// Each run's ROC for `choice` (one of the above), from its newest record of that target.
std::vector<BenchmarkCurve> benchmark_curves(const std::vector<RunBenchmarks>& runs, const std::string& choice);

}  // namespace marginlab::benchmarks
