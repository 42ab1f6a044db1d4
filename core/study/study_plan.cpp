#include "core/study/study_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/errors.h"
#include "core/experiment/experiment.h"

namespace marginlab::study {
namespace {

using nlohmann::json;

// Three significant digits: a drawn learning rate reads 0.0347, not 0.034712908.
double significant(double value) {
  if (value == 0 || !std::isfinite(value)) return value;
  const double scale = std::pow(10.0, 2 - std::floor(std::log10(std::abs(value))));
  return std::round(value * scale) / scale;
}

json draw(const Axis& axis, std::mt19937_64& rng) {
  if (!axis.range) {
    std::uniform_int_distribution<std::size_t> pick(0, axis.values.size() - 1);
    return axis.values[pick(rng)];
  }
  const auto& r = *axis.range;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double u = unit(rng);
  const double x =
      r.log ? std::exp(std::log(r.min) + u * (std::log(r.max) - std::log(r.min))) : r.min + u * (r.max - r.min);
  if (r.integer) return static_cast<std::int64_t>(std::llround(x));
  return significant(x);
}

std::vector<std::vector<json>> grid(const StudyConfig& config) {
  std::vector<std::vector<json>> settings{{}};
  for (const auto& axis : config.axes) {
    std::vector<std::vector<json>> grown;
    for (const auto& partial : settings) {
      for (const auto& value : axis.values) {
        grown.push_back(partial);
        grown.back().push_back(value);
      }
    }
    settings = std::move(grown);
  }
  return settings;
}

std::vector<std::vector<json>> random_settings(const StudyConfig& config) {
  std::mt19937_64 rng(config.random_seed);
  std::vector<std::vector<json>> settings;
  const int wanted = config.random_settings;
  for (int attempt = 0; attempt < wanted * 100 && static_cast<int>(settings.size()) < wanted; ++attempt) {
    std::vector<json> values;
    for (const auto& axis : config.axes) values.push_back(draw(axis, rng));
    if (std::find(settings.begin(), settings.end(), values) == settings.end()) settings.push_back(std::move(values));
  }
  if (static_cast<int>(settings.size()) < wanted) {
    throw InvalidParameter(fmt::format("sampling.settings = {}: only {} distinct settings could be drawn from the axes",
                                       wanted, settings.size()));
  }
  return settings;
}

// Where the experiment must evaluate for the rule to look: every early-stopping step.
void plan_evaluations(json& experiment, const EarlyStopping& rule, const std::string& origin) {
  if (rule.rule == StoppingRule::none) return;
  json& every = experiment["eval"]["every_steps"];
  std::int64_t interval = every.is_number_integer() ? every.get<std::int64_t>() : 0;
  if (interval == 0) {
    interval = 0;
    for (const auto step : rule.at_steps) interval = std::gcd(interval, step);
    every = interval;
    return;
  }
  for (const auto step : rule.at_steps) {
    if (step % interval != 0) {
      throw InvalidParameter(
          fmt::format("{}: early_stopping.at_steps = {}: not a step the runs evaluate at "
                      "(eval.every_steps = {}); use multiples of it",
                      origin, step, interval));
    }
  }
}

}  // namespace

std::string describe_setting(const StudyConfig& config, const std::vector<json>& values) {
  std::string text;
  for (std::size_t i = 0; i < config.axes.size() && i < values.size(); ++i) {
    const auto& axis = config.axes[i];
    text +=
        (text.empty() ? "" : ", ") + (axis.labels.empty() ? axis.key + "=" : std::string()) + axis.label_of(values[i]);
  }
  return text;
}

StudyPlan plan_study(const StudyConfig& config) {
  const auto settings = config.sampling == Sampling::grid ? grid(config) : random_settings(config);
  StudyPlan plan;
  plan.settings = static_cast<int>(settings.size());
  const std::size_t total = settings.size() * config.seeds.size();
  const int digits = std::max(2, static_cast<int>(std::to_string(total).size()));
  for (std::size_t s = 0; s < settings.size(); ++s) {
    for (const auto seed : config.seeds) {
      PlannedRun run;
      run.id = fmt::format("r{:0{}}", plan.runs.size() + 1, digits);
      run.setting = static_cast<int>(s);
      run.values = settings[s];
      run.seed = seed;
      const std::string origin = fmt::format("study {}: run {} ({}, seed {})", config.name, run.id,
                                             describe_setting(config, run.values), seed);
      run.experiment = config.base;
      for (std::size_t a = 0; a < config.axes.size(); ++a) {
        set_key(run.experiment, config.axes[a].key, run.values[a], origin);
      }
      set_key(run.experiment, "train.seed", seed, origin);
      set_key(run.experiment, "name", config.name + "-" + run.id, origin);
      plan_evaluations(run.experiment, config.early_stopping, origin);
      // The experiment's own checks name the key and the value it refuses.
      const auto experiment = train::experiment_from_json(run.experiment, origin);
      const auto& sets = experiment.eval.sets;
      if (std::find(sets.begin(), sets.end(), config.metric.set) == sets.end()) {
        throw InvalidParameter(fmt::format("{}: metric.set = \"{}\": the run does not evaluate it (eval.sets = {})",
                                           origin, config.metric.set, json(sets).dump()));
      }
      for (const auto& claim : config.claims) {
        if (claim.metric && std::find(sets.begin(), sets.end(), claim.metric->set) == sets.end()) {
          throw InvalidParameter(fmt::format("{}: a claim's metric.set = \"{}\": the run does not evaluate it", origin,
                                             claim.metric->set));
        }
      }
      if (!experiment.eval.at_end && experiment.eval.every_steps == 0) {
        throw InvalidParameter(origin + ": eval.at_end = false and no eval.every_steps: the runs would have no metric");
      }
      plan.runs.push_back(std::move(run));
    }
  }
  // Each claim names settings of this study.
  std::vector<std::string> labels;
  for (const auto& values : settings) labels.push_back(describe_setting(config, values));
  for (std::size_t i = 0; i < config.claims.size(); ++i) {
    const auto& claim = config.claims[i];
    std::vector<std::string> named{claim.setting};
    named.insert(named.end(), claim.against.begin(), claim.against.end());
    for (const auto& label : named) {
      if (std::find(labels.begin(), labels.end(), label) != labels.end()) continue;
      std::string known;
      for (const auto& l : labels) known += (known.empty() ? "" : "; ") + l;
      throw InvalidParameter(fmt::format("study {}: claims[{}] names \"{}\", not a setting of the study ({})",
                                         config.name, i, label, known));
    }
  }
  return plan;
}

json to_json(const StudyPlan& plan) {
  json runs = json::array();
  for (const auto& r : plan.runs) {
    runs.push_back(
        {{"id", r.id}, {"setting", r.setting}, {"values", r.values}, {"seed", r.seed}, {"experiment", r.experiment}});
  }
  return {{"settings", plan.settings}, {"runs", runs}};
}

StudyPlan study_plan_from_json(const json& document, const std::string& origin) {
  StudyPlan plan;
  try {
    plan.settings = document.at("settings").get<int>();
    for (const auto& r : document.at("runs")) {
      PlannedRun run;
      run.id = r.at("id").get<std::string>();
      run.setting = r.at("setting").get<int>();
      run.values = r.at("values").get<std::vector<json>>();
      run.seed = r.at("seed").get<std::uint64_t>();
      run.experiment = r.at("experiment");
      if (run.setting < 0 || run.setting >= plan.settings || run.id.empty()) throw InvalidFile("a run out of range");
      plan.runs.push_back(std::move(run));
    }
  } catch (const std::exception& error) {
    throw InvalidFile(origin + ": not a study plan (" + error.what() + ")");
  }
  return plan;
}

}  // namespace marginlab::study
