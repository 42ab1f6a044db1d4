#include "core/experiment/param_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/errors.h"

namespace marginlab::train {
using nlohmann::json;

void to_json(json& j, const ScheduledChange& change) { j = json{{"step", change.step}, {"params", change.params}}; }

void from_json(const json& j, ScheduledChange& change) {
  j.at("step").get_to(change.step);
  change.params = j.at("params").get<std::map<std::string, double>>();
}

std::string schedule_refusal(const json& value) {
  if (!value.is_array()) return R"(must be an array of {"step": s, "params": {"name": value}} entries)";
  std::int64_t previous = -1;
  for (const auto& entry : value) {
    if (!entry.is_object() || !entry.contains("step") || !entry.contains("params") || entry.size() != 2) {
      return R"(entries must be {"step": s, "params": {"name": value}}, found )" + entry.dump().substr(0, 60);
    }
    const auto& step = entry["step"];
    if (!step.is_number_integer() || step.get<std::int64_t>() < 0) return "steps must be integers ≥ 0";
    if (step.get<std::int64_t>() <= previous) {
      return fmt::format("steps must increase, one entry per step (step {} after step {})", step.get<std::int64_t>(),
                         previous);
    }
    previous = step.get<std::int64_t>();
    const auto& params = entry["params"];
    if (!params.is_object() || params.empty())
      return fmt::format("step {}: params must name at least one value", previous);
    for (auto it = params.begin(); it != params.end(); ++it) {
      if (!it.value().is_number() || !std::isfinite(it.value().get<double>())) {
        return fmt::format("step {}: {} = {} must be a number", previous, it.key(), it.value().dump());
      }
    }
  }
  return {};
}

void record_change(ParamSchedule& schedule, std::int64_t step, const std::string& name, double value) {
  auto at = std::lower_bound(schedule.begin(), schedule.end(), step,
                             [](const ScheduledChange& c, std::int64_t s) { return c.step < s; });
  if (at == schedule.end() || at->step != step) at = schedule.insert(at, ScheduledChange{step, {}});
  at->params[name] = value;
}

const ScheduledChange* change_at(const ParamSchedule& schedule, std::int64_t step) {
  const auto at = std::lower_bound(schedule.begin(), schedule.end(), step,
                                   [](const ScheduledChange& c, std::int64_t s) { return c.step < s; });
  return at != schedule.end() && at->step == step ? &*at : nullptr;
}

std::string schedule_to_text(const ParamSchedule& schedule) {
  std::string text;
  for (const auto& change : schedule) {
    if (!text.empty()) text += "; ";
    text += fmt::format("{}:", change.step);
    bool first = true;
    for (const auto& [name, value] : change.params) {
      text += fmt::format("{} {}={:g}", first ? "" : ",", name, value);
      first = false;
    }
  }
  return text;
}

namespace {

std::string trimmed(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\n");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\n") - begin + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(s);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(trimmed(part));
  return parts;
}

double parse_number(const std::string& text, const std::string& part) {
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw InvalidParameter("\"" + part + "\": \"" + text + "\" is not a number");
}

}  // namespace

ParamSchedule schedule_from_text(const std::string& text) {
  json entries = json::array();
  for (const auto& entry : split(text, ';')) {
    if (entry.empty()) continue;
    const auto colon = entry.find(':');
    if (colon == std::string::npos) throw InvalidParameter("\"" + entry + "\": expected \"step: name=value, ...\"");
    const std::string step_text = trimmed(entry.substr(0, colon));
    const double step = parse_number(step_text, entry);
    if (step < 0 || step != std::floor(step))
      throw InvalidParameter("\"" + entry + "\": the step must be a whole number ≥ 0");
    json params = json::object();
    for (const auto& assignment : split(entry.substr(colon + 1), ',')) {
      const auto equals = assignment.find('=');
      if (equals == std::string::npos || trimmed(assignment.substr(0, equals)).empty()) {
        throw InvalidParameter("\"" + entry + "\": expected name=value, found \"" + assignment + "\"");
      }
      params[trimmed(assignment.substr(0, equals))] = parse_number(trimmed(assignment.substr(equals + 1)), entry);
    }
    entries.push_back({{"step", static_cast<std::int64_t>(step)}, {"params", params}});
  }
  if (const auto why = schedule_refusal(entries); !why.empty()) throw InvalidParameter(why);
  return entries.get<ParamSchedule>();
}

}  // namespace marginlab::train
