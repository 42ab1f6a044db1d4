#include "core/run/run_directory.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <ctime>
#include <sstream>
#include <vector>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/telemetry/telemetry_json.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Keeps the lines of `file` for which `keep` holds (the header line always).
template <class Keep>
void filter_lines(const fs::path& file, bool has_header, Keep&& keep) {
  std::ifstream in(file);
  if (!in) return;
  std::vector<std::string> lines;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if ((first && has_header) || keep(line)) lines.push_back(line);
    first = false;
  }
  in.close();
  // Replaced, not rewritten in place: a follower sees another file and reads the history again.
  std::string text;
  for (const auto& l : lines) text += l + '\n';
  write_file_atomically(file, text);
}

std::int64_t leading_step(const std::string& csv_line) {
  try {
    return std::stoll(csv_line.substr(0, csv_line.find(',')));
  } catch (const std::exception&) {
    return -1;
  }
}

std::int64_t json_step(const std::string& line) {
  const auto parsed = json::parse(line, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("step")) return -1;
  return parsed["step"].get<std::int64_t>();
}

std::ofstream open_append(const fs::path& file) {
  std::ofstream out(file, std::ios::app);
  if (!out) throw InvalidFile(file.string() + ": cannot open for writing");
  return out;
}

}  // namespace

RunDirectory RunDirectory::create(const fs::path& runs_dir, const std::string& name) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm local{};
  localtime_r(&now, &local);
  const std::string stem = fmt::format("{}-{:%Y%m%d-%H%M%S}", name, local);
  std::error_code error;
  fs::create_directories(runs_dir, error);
  if (error) throw InvalidFile(runs_dir.string() + ": cannot create the runs directory (" + error.message() + ")");
  for (int attempt = 0; attempt < 1000; ++attempt) {
    fs::path candidate = runs_dir / (attempt == 0 ? stem : fmt::format("{}-{}", stem, attempt + 1));
    if (fs::create_directory(candidate, error)) {
      fs::create_directory(candidate / "checkpoints");
      return RunDirectory(candidate);
    }
    if (error) throw InvalidFile(candidate.string() + ": cannot create the run directory (" + error.message() + ")");
  }
  throw InvalidFile(runs_dir.string() + ": no free run directory name for " + stem);
}

RunDirectory RunDirectory::adopt(const fs::path& path) {
  if (!fs::is_directory(path)) throw InvalidFile(path.string() + ": no such directory to train into");
  RunDirectory directory(path);
  for (const auto& taken : {directory.metrics_file(), directory.checkpoint_file()}) {
    if (fs::exists(taken)) {
      throw InvalidFile(path.string() + ": already holds a run (" + taken.filename().string() +
                        "); resume it instead of training into it");
    }
  }
  std::error_code error;
  fs::create_directories(path / "checkpoints", error);
  if (error) throw InvalidFile(path.string() + ": cannot create checkpoints/ (" + error.message() + ")");
  return directory;
}

RunDirectory RunDirectory::open_for_resume(const fs::path& path) {
  RunDirectory directory(path);
  if (!fs::is_directory(path)) throw InvalidFile(path.string() + ": not a run directory");
  for (const auto& required : {directory.experiment_file(), directory.checkpoint_file()}) {
    if (!fs::is_regular_file(required)) {
      throw InvalidFile(path.string() + ": cannot resume, " + required.filename().string() + " is missing");
    }
  }
  return directory;
}

std::string metrics_csv_header(const std::vector<std::string>& validation_sets) {
  std::string header =
      "step,epoch,wall_seconds,loss,accuracy,lr,samples_per_second,norm_mean,norm_std,ema_norm_mean,"
      "ema_norm_std,margin_mean,grad_norm,loss_scale,skipped";
  for (const auto& set : validation_sets) header += ",val_" + set + "_accuracy";
  return header;
}

RunRecorder::RunRecorder(const RunDirectory& directory, std::int64_t resume_step,
                         std::vector<std::string> validation_sets)
    : validation_sets_(std::move(validation_sets)) {
  if (resume_step > 0) {
    filter_lines(directory.metrics_file(), true,
                 [&](const std::string& l) { return leading_step(l) <= resume_step; });
    for (const auto& file : {directory.events_file(), directory.evaluations_file(), directory.telemetry_file()}) {
      filter_lines(file, false, [&](const std::string& l) { return json_step(l) <= resume_step; });
    }
  }
  const bool new_metrics = !fs::exists(directory.metrics_file()) || fs::file_size(directory.metrics_file()) == 0;
  metrics_ = open_append(directory.metrics_file());
  if (new_metrics) metrics_ << metrics_csv_header(validation_sets_) << '\n';
  events_ = open_append(directory.events_file());
  evaluations_ = open_append(directory.evaluations_file());
  telemetry_ = open_append(directory.telemetry_file());
}

void RunRecorder::record(const StepRecord& s) {
  std::string row =
      fmt::format("{},{},{:.3f},{:.6g},{:.6g},{:.6g},{:.4g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:g},{}", s.step,
                  s.epoch, s.wall_seconds, s.loss, s.accuracy, s.lr, s.samples_per_second, s.norm_mean, s.norm_std,
                  s.ema_norm_mean, s.ema_norm_std, s.margin_mean, s.grad_norm, s.loss_scale, s.skipped ? 1 : 0);
  const auto pending = pending_validation_.find(s.step);
  for (const auto& set : validation_sets_) {
    row += ',';
    if (pending == pending_validation_.end()) continue;
    if (const auto it = pending->second.find(set); it != pending->second.end()) {
      row += fmt::format("{:.6g}", it->second);
    }
  }
  metrics_ << row << '\n';
  pending_validation_.erase(pending_validation_.begin(), pending_validation_.upper_bound(s.step));
}

void RunRecorder::record(const RunEvent& e) {
  events_ << event_to_json(e).dump() << '\n';
  events_.flush();  // rare and precious: they explain the curves
}

void RunRecorder::record(const Evaluation& e) {
  auto line = eval::to_json(e);
  line["step"] = e.step;
  evaluations_ << line.dump() << '\n';
  evaluations_.flush();
  if (!e.strata.empty()) pending_validation_[e.step][e.set] = e.strata.front().metrics.accuracy;
}

void RunRecorder::record(const Snapshot& s) {
  telemetry_ << snapshot_to_json(s, {.class_count = !class_count_written_}).dump() << '\n';
  class_count_written_ = true;
}

void RunRecorder::flush() {
  metrics_.flush();
  telemetry_.flush();
}

}  // namespace marginlab::train
