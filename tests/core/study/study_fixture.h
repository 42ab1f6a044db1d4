#pragma once
// A study file on the SynthFace demo preset, written into a test's folder, for the study tests.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/study/study_config.h"

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

}  // namespace marginlab::study::testing
