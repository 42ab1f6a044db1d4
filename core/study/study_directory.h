#pragma once
// A study directory holds the study and its runs, so that it can be resumed, reported and opened in the workbench:
//   study.json        the study, its base experiment resolved (every run of it trains a variant of this)
//   plan.json         the runs: id, setting, axis values, seed, experiment (fixed when the study is made: random
//                     draws and all, so a resumed study runs exactly the runs it planned)
//   experiments/<id>.json   each run's experiment file, as `train --config` reads it
//   runs/<id>/        each run's directory (run_directory.h)
//   status.json       the study process: pid, host, running / finished / stopped / failed (run_status.h's format)
//   decisions.jsonl   the early-stopping verdicts, appended as they are made (how each run ended is its status.json)
//   report.md, figures/      `marginlab-cli study report`
// Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/study/study_config.h"
#include "core/study/study_plan.h"

namespace marginlab::study {

struct Decision {
  std::string run;
  std::int64_t step = 0;  // the early-stopping step
  bool stop = false;
  double value = 0;
  double threshold = 0;
  int compared = 0;
  std::string reason;
  double time = 0;  // Unix seconds
};

class StudyDirectory {
 public:
  // Makes `path` (new, or an existing empty folder) with study.json, plan.json and the experiment files.
  // InvalidFile when it holds anything.
  static StudyDirectory create(const std::filesystem::path& path, const StudyConfig& config, const StudyPlan& plan);
  // An existing study; InvalidFile naming the file when study.json or plan.json is missing or malformed.
  static StudyDirectory open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  const StudyConfig& config() const { return config_; }
  const StudyPlan& plan() const { return plan_; }
  std::filesystem::path run_directory(const std::string& id) const { return path_ / "runs" / id; }
  std::filesystem::path experiment_file(const std::string& id) const { return path_ / "experiments" / (id + ".json"); }
  std::filesystem::path decisions_file() const { return path_ / "decisions.jsonl"; }

  void record(const Decision& decision) const;
  // Every decision recorded (a last line cut short by a crash is skipped).
  std::vector<Decision> decisions() const;

 private:
  StudyDirectory(std::filesystem::path path, StudyConfig config, StudyPlan plan)
      : path_(std::move(path)), config_(std::move(config)), plan_(std::move(plan)) {}
  std::filesystem::path path_;
  StudyConfig config_;
  StudyPlan plan_;
};

// True when `path` holds a study (study.json and plan.json; a folder with only a study file is not one).
bool is_study_directory(const std::filesystem::path& path);

}  // namespace marginlab::study
