#include "core/run/run_history.h"

#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "core/errors.h"
#include "core/telemetry/telemetry_json.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Every line of a JSON-lines file, parsed, with its origin "file:line". A line that does not parse is an error
// unless it is the last one (a crash mid-write), which is counted in `truncated` and skipped.
void for_each_json_line(const fs::path& file, std::int64_t& truncated,
                        const std::function<void(const json&, const std::string&)>& visit) {
  std::ifstream in(file);
  if (!in) return;  // a run that never got that far
  std::string line;
  std::string pending_error;
  std::int64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!pending_error.empty()) throw InvalidFile(pending_error);
    if (line.empty()) continue;
    const std::string origin = file.string() + ":" + std::to_string(number);
    const auto parsed = json::parse(line, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      pending_error = origin + ": not a JSON object";
      continue;
    }
    visit(parsed, origin);
  }
  if (!pending_error.empty()) ++truncated;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream stream(line);
  std::string cell;
  while (std::getline(stream, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

double csv_number(const std::string& cell, const std::string& origin, const std::string& column) {
  if (cell.empty() || cell == "nan" || cell == "-nan") return kNotApplicable;
  try {
    std::size_t used = 0;
    const double value = std::stod(cell, &used);
    if (used == cell.size()) return value;
  } catch (const std::exception&) {
  }
  throw InvalidFile(origin + ": " + column + " = \"" + cell + "\" is not a number");
}

}  // namespace

void append_band(std::vector<NormBand>& bands, const Snapshot& snapshot) {
  constexpr std::size_t kMaxBands = 1024;
  if (snapshot.norm_history.empty()) return;
  bands.push_back(snapshot.norm_history.back());
  if (bands.size() > kMaxBands) {
    std::vector<NormBand> thinned;
    for (std::size_t i = 0; i < bands.size(); i += 2) thinned.push_back(bands[i]);
    bands = std::move(thinned);
  }
}

MetricsColumns::MetricsColumns(const std::string& header, const std::string& file) {
  const auto names = split_csv(header);
  count_ = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) index_[names[i]] = i;
  for (const char* required : {"step", "loss"}) {
    if (!index_.count(required)) throw InvalidFile(file + ": no \"" + required + "\" column in the header");
  }
}

std::optional<StepRecord> MetricsColumns::parse(const std::string& line, const std::string& origin) const {
  const auto cells = split_csv(line);
  if (cells.size() != count_) return std::nullopt;
  const auto get = [&](const char* name, double fallback) {
    const auto it = index_.find(name);
    return it == index_.end() ? fallback : csv_number(cells[it->second], origin, name);
  };
  StepRecord s;
  s.step = static_cast<std::int64_t>(get("step", 0));
  s.epoch = static_cast<std::int64_t>(get("epoch", 0));
  s.wall_seconds = get("wall_seconds", 0);
  s.loss = get("loss", kNotApplicable);
  s.accuracy = get("accuracy", kNotApplicable);
  s.lr = get("lr", kNotApplicable);
  s.samples_per_second = get("samples_per_second", kNotApplicable);
  s.norm_mean = get("norm_mean", kNotApplicable);
  s.norm_std = get("norm_std", kNotApplicable);
  s.ema_norm_mean = get("ema_norm_mean", kNotApplicable);
  s.ema_norm_std = get("ema_norm_std", kNotApplicable);
  s.margin_mean = get("margin_mean", kNotApplicable);
  s.grad_norm = get("grad_norm", kNotApplicable);
  s.loss_scale = get("loss_scale", 1);
  s.skipped = get("skipped", 0) != 0;
  return s;
}

std::vector<StepRecord> read_metrics_csv(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw InvalidFile(file.string() + ": cannot open");
  std::string header;
  if (!std::getline(in, header)) return {};
  const MetricsColumns columns(header, file.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<StepRecord> steps;
  steps.reserve(lines.size());
  for (std::size_t row = 0; row < lines.size(); ++row) {
    const std::string origin = file.string() + ":" + std::to_string(row + 2);
    auto record = columns.parse(lines[row], origin);
    if (!record) {
      if (row + 1 == lines.size()) break;  // the last row cut short by a crash
      throw InvalidFile(origin + ": " + std::to_string(split_csv(lines[row]).size()) + " cells for " +
                        std::to_string(columns.size()) + " columns");
    }
    steps.push_back(*record);
  }
  return steps;
}

RunHistory read_run_history(const fs::path& directory) {
  RunHistory history;
  history.directory = directory;
  const fs::path experiment_file = directory / "experiment.json";
  std::ifstream experiment(experiment_file);
  if (!fs::is_directory(directory) || !experiment) {
    throw InvalidFile(directory.string() + ": not a run directory (no experiment.json)");
  }
  history.experiment = json::parse(experiment, nullptr, false);
  if (history.experiment.is_discarded()) throw InvalidFile(experiment_file.string() + ": not valid JSON");
  if (fs::exists(directory / "metrics.csv")) history.steps = read_metrics_csv(directory / "metrics.csv");

  for_each_json_line(directory / "events.jsonl", history.truncated_lines, [&](const json& line, const auto& origin) {
    history.events.push_back(event_from_json(line, origin));
  });
  for_each_json_line(directory / "evaluations.jsonl", history.truncated_lines,
                     [&](const json& line, const auto& origin) {
                       if (benchmarks::is_benchmark_line(line)) {
                         history.benchmarks.push_back(benchmarks::benchmark_record_from_json(line, origin));
                       } else {
                         history.evaluations.push_back(evaluation_from_json(line, origin));
                       }
                     });
  // Snapshots are large: parse each, keep only its band and the last one whole.
  std::vector<NormBand> bands;
  std::vector<std::int64_t> class_count;
  for_each_json_line(directory / "telemetry.jsonl", history.truncated_lines, [&](const json& line, const auto& origin) {
    Snapshot snapshot = snapshot_from_json(line, origin);
    append_band(bands, snapshot);
    if (!snapshot.class_count.empty()) class_count = snapshot.class_count;
    history.snapshot_steps.push_back(snapshot.step);
    history.latest = std::move(snapshot);
  });
  history.latest.norm_history = std::move(bands);
  history.latest.class_count = std::move(class_count);
  return history;
}

Snapshot read_snapshot_at(const fs::path& directory, std::int64_t step) {
  std::int64_t truncated = 0;
  std::vector<NormBand> bands;
  std::vector<std::int64_t> class_count;
  Snapshot found;
  bool have = false;
  for_each_json_line(directory / "telemetry.jsonl", truncated, [&](const json& line, const auto& origin) {
    if (have) return;
    const auto line_step = line.value("step", std::int64_t{-1});
    if (line_step > step) return;
    Snapshot snapshot = snapshot_from_json(line, origin);
    append_band(bands, snapshot);
    if (!snapshot.class_count.empty()) class_count = snapshot.class_count;
    if (line_step == step) {
      found = std::move(snapshot);
      have = true;
    }
  });
  if (!have) throw InvalidFile((directory / "telemetry.jsonl").string() + ": no snapshot at step " + std::to_string(step));
  found.norm_history = std::move(bands);
  found.class_count = std::move(class_count);
  return found;
}

}  // namespace marginlab::train
