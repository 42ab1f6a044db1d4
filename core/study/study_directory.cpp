#include "core/study/study_directory.h"

#include <fstream>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run/run_status.h"

namespace marginlab::study {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& file) {
  const json document = json::parse(read_whole_file(file), nullptr, false);
  if (document.is_discarded()) throw InvalidFile(file.string() + ": not valid JSON");
  return document;
}

}  // namespace

bool is_study_directory(const fs::path& path) {
  return fs::is_regular_file(path / "study.json") && fs::is_regular_file(path / "plan.json");
}

StudyDirectory StudyDirectory::create(const fs::path& path, const StudyConfig& config, const StudyPlan& plan) {
  std::error_code error;
  if (fs::exists(path) && !fs::is_empty(path, error)) {
    throw InvalidFile(path.string() + ": not empty; a new study needs a new folder (resume one with --resume)");
  }
  fs::create_directories(path / "experiments", error);
  fs::create_directories(path / "runs", error);
  if (error) throw InvalidFile(path.string() + ": cannot create the study folder: " + error.message());
  for (const auto& run : plan.runs) {
    write_file_atomically(path / "experiments" / (run.id + ".json"), run.experiment.dump(2) + "\n");
  }
  write_file_atomically(path / "plan.json", to_json(plan).dump(1) + "\n");
  // study.json last: a folder with it is a whole study.
  write_file_atomically(path / "study.json", to_json(config).dump(2) + "\n");
  return StudyDirectory(path, config, plan);
}

StudyDirectory StudyDirectory::open(const fs::path& path) {
  if (!is_study_directory(path))
    throw InvalidFile(path.string() + ": not a study directory (no study.json and plan.json)");
  const auto study_file = path / "study.json";
  auto config = study_from_json(read_json(study_file), study_file.string(), [&](const json& base) {
    return ResolvedBase{base, study_file.string() + " (base)"};
  });
  const auto plan_file = path / "plan.json";
  auto plan = study_plan_from_json(read_json(plan_file), plan_file.string());
  return StudyDirectory(path, std::move(config), std::move(plan));
}

void StudyDirectory::record(const Decision& d) const {
  const json line{{"run", d.run},
                  {"step", d.step},
                  {"stop", d.stop},
                  {"value", d.value},
                  {"threshold", d.threshold},
                  {"compared", d.compared},
                  {"reason", d.reason},
                  {"time", d.time > 0 ? d.time : train::unix_now()}};
  std::ofstream out(decisions_file(), std::ios::app);
  out << line.dump() << "\n";
  out.flush();
  if (!out) throw InvalidFile(decisions_file().string() + ": cannot append");
}

std::vector<Decision> StudyDirectory::decisions() const {
  std::vector<Decision> result;
  std::ifstream in(decisions_file());
  std::string text;
  std::int64_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.empty()) continue;
    const auto line = json::parse(text, nullptr, false);
    const bool last = in.peek() == std::char_traits<char>::eof();
    if (line.is_discarded() || !line.is_object()) {
      if (last) break;  // cut short by a crash
      throw InvalidFile(decisions_file().string() + ":" + std::to_string(number) + ": not a JSON object");
    }
    try {
      Decision d;
      d.run = line.at("run");
      d.step = line.at("step");
      d.stop = line.at("stop");
      // NaN was written as null.
      d.value = line.at("value").is_number() ? line["value"].get<double>() : NAN;
      d.threshold = line.at("threshold").is_number() ? line["threshold"].get<double>() : NAN;
      d.compared = line.at("compared");
      d.reason = line.at("reason");
      d.time = line.value("time", 0.0);
      result.push_back(std::move(d));
    } catch (const json::exception& error) {
      throw InvalidFile(decisions_file().string() + ":" + std::to_string(number) + ": " + error.what());
    }
  }
  return result;
}

}  // namespace marginlab::study
