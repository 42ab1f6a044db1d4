#include "core/benchmarks/benchmark_rows.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <utility>

#include "core/benchmarks/ijb_protocol.h"
#include "core/eval/roc.h"

namespace marginlab::benchmarks {
namespace {

using nlohmann::json;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string display_name(const std::string& benchmark) {
  if (benchmark == "IJBC") return "IJB-C";
  if (benchmark == "IJBB") return "IJB-B";
  return benchmark;
}

double percent_at(const json& object, const std::string& key) {
  if (!object.is_object()) return kNoValue;
  const auto found = object.find(key);
  return found != object.end() && found->is_number() ? 100 * found->get<double>() : kNoValue;
}

// The newest record of each (run, benchmark): the highest step, the later one on a tie.
std::vector<std::pair<const RunBenchmarks*, const BenchmarkRecord*>> newest_records(
    const std::vector<RunBenchmarks>& runs) {
  std::vector<std::pair<const RunBenchmarks*, const BenchmarkRecord*>> newest;
  for (const auto& run : runs) {
    std::map<std::string, const BenchmarkRecord*> by_benchmark;
    std::vector<std::string> order;
    for (const auto& record : run.records) {
      auto& kept = by_benchmark[record.benchmark];
      if (!kept) order.push_back(record.benchmark);
      if (!kept || record.step >= kept->step) kept = &record;
    }
    for (const auto& benchmark : order) newest.emplace_back(&run, by_benchmark[benchmark]);
  }
  return newest;
}

// A training set named in a data path, in the published rows' spelling; "" when none is recognised.
std::string training_set_of(const std::string& data_path) {
  const auto path = lower(data_path);
  const std::array<std::pair<const char*, const char*>, 7> names{{{"webface12m", "WebFace12M"},
                                                                  {"webface4m", "WebFace4M"},
                                                                  {"ms1mv3", "MS1MV3"},
                                                                  {"ms1m-retinaface", "MS1MV3"},
                                                                  {"ms1mv2", "MS1MV2"},
                                                                  {"faces_emore", "MS1MV2"},
                                                                  {"casia", "CASIA-WebFace"}}};
  for (const auto& [key, name] : names) {
    if (path.find(key) != std::string::npos) return name;
  }
  return "";
}

// The modes of a `1to1` object, the authors' defaults first (insightface's, then AdaFace's), the others after them.
std::vector<std::string> ordered_modes(const json& one_to_one) {
  std::vector<std::string> modes;
  for (const auto& [mode, result] : one_to_one.items()) modes.push_back(mode);
  const auto rank = [](const std::string& mode) {
    return mode == kInsightfaceIjbMode.name() ? 0 : mode == kAdaFaceIjbMode.name() ? 1 : 2;
  };
  std::stable_sort(modes.begin(), modes.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return modes;
}

struct Published {
  const char* method;
  int depth;
  const char* backbone;
  const char* training;
  const char* benchmark;
  std::array<double, 6> tar;
  std::array<double, 3> rank;
  const char* note;
};

constexpr double n = kNoValue;
constexpr const char* kAdaFace = "AdaFace README (the authors); validate_IJB_BC.py N1D0F1, BGR";
constexpr const char* kAdaFaceTiny = "AdaFace README; validate_tinyface.py on aligned_pad_0.1_pad_high";
constexpr const char* kCvlface = "CVLface README: the authors' re-evaluation with their own toolkit";

// docs/benchmarks.md §6: TAR (%) at FAR 1e-6 … 1e-1, ranks 1 / 5 / 20.
const std::vector<Published>& published() {
  static const std::vector<Published> rows{
      {"AdaFace", 100, "R100", "MS1MV2", "IJB-B", {n, n, 95.67, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "MS1MV2", "IJB-C", {n, n, 96.89, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "MS1MV2", "TinyFace", {n, n, n, n, n, n}, {68.21, 71.54, n}, kAdaFaceTiny},
      {"AdaFace", 100, "R100", "MS1MV3", "IJB-B", {n, n, 95.84, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "MS1MV3", "IJB-C", {n, n, 97.09, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "WebFace4M", "IJB-B", {n, n, 96.03, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "WebFace4M", "IJB-C", {n, n, 97.39, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "WebFace4M", "TinyFace", {n, n, n, n, n, n}, {72.02, 74.52, n}, kAdaFaceTiny},
      {"AdaFace", 100, "R100", "WebFace12M", "IJB-B", {n, n, 96.41, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "WebFace12M", "IJB-C", {n, n, 97.66, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "R100", "WebFace12M", "TinyFace", {n, n, n, n, n, n}, {72.29, 74.97, n}, kAdaFaceTiny},
      {"AdaFace", 50, "R50", "MS1MV2", "IJB-B", {n, n, 94.82, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 50, "R50", "MS1MV2", "IJB-C", {n, n, 96.27, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 50, "R50", "WebFace4M", "IJB-B", {n, n, 95.44, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 50, "R50", "WebFace4M", "IJB-C", {n, n, 96.98, n, n, n}, {n, n, n}, kAdaFace},
      {"AdaFace", 100, "IR101", "MS1MV2", "IJB-B", {n, n, 95.59, n, n, n}, {n, n, n}, kCvlface},
      {"AdaFace", 100, "IR101", "MS1MV2", "IJB-C", {n, n, 96.81, n, n, n}, {n, n, n}, kCvlface},
      {"AdaFace", 100, "IR101", "MS1MV2", "TinyFace", {n, n, n, n, n, n}, {68.11, 71.49, n}, kCvlface},
      {"AdaFace", 100, "IR101", "WebFace4M", "IJB-B", {n, n, 96.10, n, n, n}, {n, n, n}, kCvlface},
      {"AdaFace", 100, "IR101", "WebFace4M", "IJB-C", {n, n, 97.46, n, n, n}, {n, n, n}, kCvlface},
      {"AdaFace", 100, "IR101", "WebFace4M", "TinyFace", {n, n, n, n, n, n}, {72.13, 74.49, n}, kCvlface},
      {"AdaFace", 100, "IR101", "WebFace12M", "IJB-B", {n, n, 96.46, n, n, n}, {n, n, n}, kCvlface},
      {"AdaFace", 100, "IR101", "WebFace12M", "IJB-C", {n, n, 97.72, n, n, n}, {n, n, n}, kCvlface},
      {"AdaFace", 100, "IR101", "WebFace12M", "TinyFace", {n, n, n, n, n, n}, {72.42, 74.81, n}, kCvlface},
      {"ArcFace", 100, "R100", "MS1MV2", "IJB-B", {n, n, 94.2, n, n, n}, {n, n, n}, "ArcFace paper (CVPR 2019)"},
      {"ArcFace", 100, "R100", "MS1MV2", "IJB-C", {n, n, 95.6, n, n, n}, {n, n, n}, "ArcFace paper (CVPR 2019)"},
      {"ArcFace",
       100,
       "R100",
       "MS1MV2",
       "IJB-B",
       {n, 90.76, 94.75, n, n, n},
       {n, n, n},
       "insightface#1263: the released model through IJB_11.py (N1D1F1)"},
      {"ArcFace",
       100,
       "R100",
       "MS1MV2",
       "IJB-C",
       {89.91, 94.47, 96.28, n, n, n},
       {n, n, n},
       "insightface#1263: the released model through IJB_11.py (N1D1F1)"},
      {"ArcFace",
       100,
       "R100",
       "MS1MV2",
       "IJB-C",
       {n, 94.27, 96.37, n, n, n},
       {n, n, n},
       "arcface_torch README (eval_ijbc.py, N1D1F1)"},
      {"ArcFace", 100, "R100", "MS1MV2", "IJB-B", {n, n, 94.25, n, n, n}, {n, n, n}, "as cited by the AdaFace README"},
      {"ArcFace", 100, "R100", "MS1MV2", "IJB-C", {n, n, 96.03, n, n, n}, {n, n, n}, "as cited by the AdaFace README"},
      {"ArcFace", 100, "IR101", "WebFace4M", "IJB-B", {n, n, 95.83, n, n, n}, {n, n, n}, kCvlface},
      {"ArcFace", 100, "IR101", "WebFace4M", "IJB-C", {n, n, 97.30, n, n, n}, {n, n, n}, kCvlface},
      {"ArcFace", 100, "IR101", "WebFace4M", "TinyFace", {n, n, n, n, n, n}, {71.03, 74.41, n}, kCvlface},
      {"ArcFace",
       100,
       "R100",
       "WebFace4M",
       "IJB-C",
       {n, 95.48, 97.19, n, n, n},
       {n, n, n},
       "arcface_torch README (eval_ijbc.py, N1D1F1)"},
      {"ArcFace",
       100,
       "R100",
       "WebFace12M",
       "IJB-C",
       {n, 95.97, 97.59, n, n, n},
       {n, n, n},
       "arcface_torch README (eval_ijbc.py, N1D1F1)"},
      {"KappaFace (momentum encoder)",
       100,
       "R100",
       "MS1MV2",
       "IJB-B",
       {n, n, 95.3, n, n, n},
       {n, n, n},
       "KappaFace README, Table 2 (eval_ijbc.py, N1D1F1)"},
      {"KappaFace (momentum encoder)",
       100,
       "R100",
       "MS1MV2",
       "IJB-C",
       {n, n, 96.6, n, n, n},
       {n, n, n},
       "KappaFace README, Table 2 (eval_ijbc.py, N1D1F1)"},
      {"KappaFace (memory buffer)",
       100,
       "R100",
       "MS1MV2",
       "IJB-B",
       {n, n, 95.1, n, n, n},
       {n, n, n},
       "KappaFace README, Table 2 (eval_ijbc.py, N1D1F1)"},
      {"KappaFace (memory buffer)",
       100,
       "R100",
       "MS1MV2",
       "IJB-C",
       {n, n, 96.4, n, n, n},
       {n, n, n},
       "KappaFace README, Table 2 (eval_ijbc.py, N1D1F1)"},
      {"CurricularFace",
       100,
       "R100",
       "MS1MV2",
       "IJB-B",
       {n, n, 94.80, n, n, n},
       {n, n, n},
       "as cited by the AdaFace README"},
      {"CurricularFace",
       100,
       "R100",
       "MS1MV2",
       "IJB-C",
       {n, n, 96.10, n, n, n},
       {n, n, n},
       "as cited by the AdaFace README"},
      {"CurricularFace",
       100,
       "R100",
       "MS1MV2",
       "TinyFace",
       {n, n, n, n, n, n},
       {63.68, 67.65, n},
       "as cited by the AdaFace README"},
  };
  return rows;
}

BenchmarkRow row_of(const Published& entry) {
  BenchmarkRow row;
  row.source = std::string(entry.method) + " " + entry.backbone + " " + entry.training;
  row.published = true;
  row.benchmark = entry.benchmark;
  row.protocol = std::string(entry.benchmark) == "TinyFace" ? "rank (published)" : "1:1 (published)";
  row.tar = entry.tar;
  row.rank = entry.rank;
  row.note = entry.note;
  return row;
}

}  // namespace

int published_depth(const std::string& backbone) {
  static const std::regex depth(R"((?:^|[^0-9])(50|100|101)$)");
  std::smatch match;
  const auto kind = lower(backbone);
  if (kind.find("mobile") != std::string::npos || !std::regex_search(kind, match, depth)) return 0;
  return match[1] == "50" ? 50 : 100;
}

std::vector<BenchmarkRow> published_benchmark_rows() {
  std::vector<BenchmarkRow> rows;
  for (const auto& entry : published()) rows.push_back(row_of(entry));
  return rows;
}

std::vector<BenchmarkRow> benchmark_rows(const std::vector<RunBenchmarks>& runs) {
  std::vector<BenchmarkRow> rows;
  for (const auto& [run, record] : newest_records(runs)) {
    const auto& results = record->results;
    BenchmarkRow base;
    base.source = run->run;
    base.benchmark = display_name(record->benchmark);
    base.step = record->step;
    if (results.contains("1to1") && results["1to1"].is_object()) {
      for (const auto& mode : ordered_modes(results["1to1"])) {
        const auto& result = results["1to1"][mode];
        auto row = base;
        row.protocol = "1:1 " + mode;
        for (std::size_t t = 0; t < eval::kIjbFarTargets.size(); ++t) {
          row.tar[t] = percent_at(result.value("tar", json()), rate_key(eval::kIjbFarTargets[t]));
        }
        row.note = "insightface read-out (eval_ijbc.py); features " + results.value("features", std::string());
        rows.push_back(std::move(row));
      }
    }
    if (results.contains("1N_separate") && results["1N_separate"].is_object()) {
      const auto& separate = results["1N_separate"];
      auto row = base;
      row.protocol = "1:N " + separate.value("mode", std::string()) + ", galleries apart";
      row.rank = {percent_at(separate, "mean_top1"), percent_at(separate, "mean_top5"), kNoValue};
      row.note = "CMC over both galleries searched alone (ijb_evals.py)";
      rows.push_back(std::move(row));
    }
    if (results.contains("rank") && results["rank"].is_object()) {
      auto row = base;
      const bool comparable = results.value("comparable", true);
      row.protocol = comparable ? "rank" : "rank, raw crops";
      row.rank = {percent_at(results["rank"], "1"), percent_at(results["rank"], "5"),
                  percent_at(results["rank"], "20")};
      row.note = comparable ? "validate_tinyface.py's protocol on the aligned copy"
                            : "raw Testing_Set crops resized: not comparable with published numbers";
      rows.push_back(std::move(row));
    }
  }
  // Published rows for each backbone depth the runs have, narrowed to a run's training set when its data names one.
  std::set<std::pair<int, std::string>> wanted;
  for (const auto& run : runs) {
    if (const int depth = published_depth(run.backbone); depth > 0)
      wanted.emplace(depth, training_set_of(run.data_path));
  }
  for (const auto& entry : published()) {
    if (wanted.count({entry.depth, ""}) > 0 || wanted.count({entry.depth, entry.training}) > 0) {
      rows.push_back(row_of(entry));
    }
  }
  return rows;
}

std::vector<std::string> benchmark_curve_choices(const std::vector<RunBenchmarks>& runs) {
  std::vector<std::string> choices;
  for (const auto& [run, record] : newest_records(runs)) {
    const auto& results = record->results;
    if (!results.contains("1to1") || !results["1to1"].is_object()) continue;
    for (const auto& mode : ordered_modes(results["1to1"])) {
      const auto choice = display_name(record->benchmark) + " " + mode;
      if (std::find(choices.begin(), choices.end(), choice) == choices.end()) choices.push_back(choice);
    }
  }
  return choices;
}

std::vector<BenchmarkCurve> benchmark_curves(const std::vector<RunBenchmarks>& runs, const std::string& choice) {
  std::vector<BenchmarkCurve> curves;
  for (const auto& [run, record] : newest_records(runs)) {
    const auto& results = record->results;
    if (!results.contains("1to1") || !results["1to1"].is_object()) continue;
    for (const auto& [mode, result] : results["1to1"].items()) {
      if (display_name(record->benchmark) + " " + mode != choice) continue;
      BenchmarkCurve curve;
      curve.run = run->run;
      curve.label = choice;
      const auto roc = result.value("roc", json::object());
      curve.far = roc.value("far", std::vector<double>{});
      curve.tar = roc.value("tar", std::vector<double>{});
      if (curve.far.size() != curve.tar.size()) continue;
      curve.tar_at_1e4 = percent_at(result.value("tar", json()), rate_key(1e-4));
      curves.push_back(std::move(curve));
    }
  }
  return curves;
}

}  // namespace marginlab::benchmarks
