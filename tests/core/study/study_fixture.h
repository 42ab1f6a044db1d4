#pragma once
// A study file on the SynthFace demo preset, written into a test's folder, and its runs' files as the trainer writes
// them, for the study tests.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/run/run_directory.h"
#include "core/run/run_status.h"
#include "core/study/study_config.h"
#include "core/study/study_directory.h"

namespace marginlab::study::testing {

// Two keys × two seeds by default; callers change what they test.
inline nlohmann::json small_study() {
  return nlohmann::json::parse(R"({
    "name": "small",
    "base": "synthface-demo",
    "set": {"train.max_steps": 12},
    "axes": [{"key": "head.params.m", "values": [0.3, 0.4]},
             {"key": "optimizer.lr", "values": [0.05, 0.1]}],
    "seeds": [1, 2],
    "metric": {"set": "synthface", "stratum": "low-low", "measure": "accuracy"}
  })");
}

inline StudyConfig read_study(const std::filesystem::path& folder, const nlohmann::json& document) {
  const auto file = folder / "study.json";
  std::ofstream(file) << document.dump(2);
  return read_study_file(file, MARGINLAB_PRESETS_DIR);
}

inline eval::StratumResult stratum(const std::string& name, double accuracy, double tar_at_1e2) {
  eval::StratumResult s;
  s.stratum = name;
  s.metrics.accuracy = accuracy;
  s.metrics.tar_at_far = {eval::TarAtFar{1e-2, true, tar_at_1e2, 1e-2, 0.3}, eval::TarAtFar{1e-3, false}};
  return s;
}

// A run of the study with its files as the trainer writes them: steps, evaluations, status.
inline void write_run(const StudyDirectory& study, const std::string& id, train::RunState state,
                      const std::vector<std::pair<std::int64_t, double>>& low_low_accuracy,
                      const std::string& message = "") {
  const auto path = study.run_directory(id);
  std::filesystem::create_directories(path);
  const auto directory = train::RunDirectory::adopt(path);
  std::ofstream(directory.experiment_file()) << study.plan().runs[0].experiment.dump();
  train::RunRecorder recorder(directory, 0, {"synthface"});
  for (const auto& [step, accuracy] : low_low_accuracy) {
    train::StepRecord record;
    record.step = step;
    record.loss = 5.0 / static_cast<double>(step);
    recorder.record(record);
    train::Evaluation e;
    e.set = "synthface";
    e.step = step;
    e.strata = {stratum("all", accuracy + 0.1, 0.5), stratum("low-low", accuracy, accuracy - 0.2)};
    e.norm_quality_spearman = accuracy / 2;
    recorder.record(e);
  }
  recorder.flush();
  auto status = train::status_of_this_process(state);
  status.step = low_low_accuracy.empty() ? 0 : low_low_accuracy.back().first;
  status.total_steps = 12;
  status.message = message;
  train::write_run_status(path, status);
}

}  // namespace marginlab::study::testing
