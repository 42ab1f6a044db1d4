#pragma once
// A study: one base experiment trained at many settings, to answer "which m, h, γ, T?" with several seeds each
// (docs/studies.md). The study file is JSON with the experiment files' conventions:
//   {"name": "adaface-h", "description": "...",
//    "base": "synthface-demo",                  a preset, a file beside the study file, or an experiment object
//    "set": {"train.epochs": 4},                 keys every run shares, on top of the base
//    "axes": [{"key": "head.params.h", "values": [0, 0.333, 0.66]},
//             {"key": "head", "values": [{"kind": "arcface", "params": {"m": 0.5}}, ...], "labels": ["ArcFace", ...]},
//             {"key": "optimizer.lr", "range": {"min": 0.01, "max": 0.3, "scale": "log"}}],
//    "seeds": [1, 2, 3],                         train.seed of each setting's runs
//    "sampling": {"kind": "grid"} or {"kind": "random", "settings": 12, "seed": 7},
//    "metric": {"set": "synthface", "stratum": "low-low", "measure": "tar@far=1e-2"},
//    "early_stopping": {"rule": "median" | "successive_halving", "at_steps": [40, 80], "keep": 0.5, "min_runs": 3},
//    "parallel": {"runs": 2, "threads_per_run": 1},
//    "claims": [{"claim": "...", "setting": "AdaFace h=0.333", "against": ["ArcFace"], "metric": {...}}]}
// Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace marginlab::study {

// One experiment key the study varies: listed values (grid or random) or a numeric range (random only).
struct Axis {
  std::string key;  // an experiment key ("head.params.m") or section ("head")
  std::vector<nlohmann::json> values;
  std::vector<std::string> labels;  // one per value when given ("ArcFace"); else the value's JSON
  struct Range {
    double min = 0, max = 0;
    bool log = false;      // log-uniform
    bool integer = false;  // rounded to whole numbers
  };
  std::optional<Range> range;
  // How a value of this axis reads in tables and plots.
  std::string label_of(const nlohmann::json& value) const;
};

enum class Sampling { grid, random };

// What ranks the runs: one number from the runs' verification results.
struct Metric {
  std::string set = "synthface";  // an evaluation set of the experiment (eval.sets)
  std::string stratum = "all";    // "all", "high-high", "high-low", "low-low", or norm terciles on real data
  // "accuracy", "auc", "eer", "tar@far=1e-3" (one of 1e-1…1e-4) or "norm_quality_spearman" (the set's, not a stratum's)
  std::string measure = "accuracy";
  bool higher_is_better() const { return measure != "eer"; }
  std::string describe() const;       // "TAR@FAR=1e-2 on synthface low-low"
  std::optional<double> far() const;  // the FAR of a tar@far measure
};

enum class StoppingRule { none, median, successive_halving };
std::string to_string(StoppingRule rule);

// Looked at when a run has its evaluation at each of `at_steps` (ASHA's asynchronous form: each run is judged against
// the runs that reached the same step before it, so no run ever waits for another).
struct EarlyStopping {
  StoppingRule rule = StoppingRule::none;
  std::vector<std::int64_t> at_steps;  // ascending
  double keep = 0.5;                   // successive halving: the best fraction that goes on (1/η)
  int min_runs = 3;                    // no run is stopped before this many (itself included) reached the step
};

struct Parallel {
  int runs = 1;             // runs at once on this machine
  int threads_per_run = 0;  // train.threads of each run; 0: the cores shared among the runs
};

// A paper's claim the study tests: one setting (by its label, as describe_setting writes it) against others on a
// metric (the study's when not given). The report gives each difference of means over seeds with its 95% interval
// and says whether the claim reproduces, is not shown, or is reversed here.
struct Claim {
  std::string text;                  // "AdaFace verifies low-quality pairs better than ArcFace"
  std::string setting;               // "AdaFace h=0.333"
  std::vector<std::string> against;  // {"ArcFace", "CosFace"}
  std::optional<Metric> metric;
};

struct StudyConfig {
  std::string name = "study";
  std::string description;
  nlohmann::json base;      // the base experiment document, resolved to an object, with "set" applied
  std::string base_origin;  // where it came from ("synthface-demo preset", a path)
  std::vector<Axis> axes;
  std::vector<std::uint64_t> seeds{1};
  Sampling sampling = Sampling::grid;
  int random_settings = 0;  // random: how many settings are drawn
  std::uint64_t random_seed = 1;
  Metric metric;
  EarlyStopping early_stopping;
  Parallel parallel;
  std::vector<Claim> claims;
};

// The study as given (unresolved base kept as written) → config. `resolve_base` turns the "base" value into the
// experiment document (a preset, a file, or the object itself) and names where it came from. Throws
// InvalidParameter naming `origin`, the key and the value for anything malformed; axes' values are checked against
// the experiment later, by plan_study.
struct ResolvedBase {
  nlohmann::json document;
  std::string origin;
};
StudyConfig study_from_json(const nlohmann::json& json, const std::string& origin,
                            const std::function<ResolvedBase(const nlohmann::json& base)>& resolve_base);
// Reads a study file: a "base" string is a file beside the study file, else a preset in `presets_dir`.
StudyConfig read_study_file(const std::filesystem::path& file, const std::filesystem::path& presets_dir);
// The config as one JSON object, base resolved: what the study directory keeps (study_from_json reads it back).
nlohmann::json to_json(const StudyConfig& config);

// Sets a dotted key ("head.params.m") in an experiment document, making sections as needed; InvalidParameter naming
// `origin` when a part of the path is not an object.
void set_key(nlohmann::json& document, const std::string& key, nlohmann::json value, const std::string& origin);

}  // namespace marginlab::study
