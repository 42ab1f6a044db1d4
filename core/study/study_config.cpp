#include "core/study/study_config.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <set>

#include "core/errors.h"
#include "core/eval/roc.h"
#include "core/json_path.h"

namespace marginlab::study {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& origin, const std::string& key, const json& value, const std::string& why) {
  throw InvalidParameter(fmt::format("{}: {} = {}: {}", origin, key, value.dump(), why));
}

void check_keys(const json& object, const std::string& where, const std::set<std::string>& known,
                const std::string& origin) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!known.count(it.key())) {
      std::string names;
      for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
      refuse(origin, where.empty() ? it.key() : where + "." + it.key(), it.value(),
             "unknown key (known: " + names + ")");
    }
  }
}

// The key is a C string (the callers' literals): with std::string parameters GCC 14 took the returned reference for one
// into the temporaries (-Wdangling-reference).
const json& object_at(const json& parent, const char* key, const std::string& origin) {
  const json& value = parent.at(key);
  if (!value.is_object()) refuse(origin, key, value, "must be a JSON object");
  return value;
}

std::int64_t whole_number(const json& value, const std::string& key, std::int64_t min, const std::string& origin) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < min) {
    refuse(origin, key, value, fmt::format("must be a whole number ≥ {}", min));
  }
  return value.get<std::int64_t>();
}

Axis read_axis(const json& entry, std::size_t index, const std::string& origin) {
  const std::string where = fmt::format("axes[{}]", index);
  if (!entry.is_object()) refuse(origin, where, entry, "must be a JSON object with key and values (or range)");
  check_keys(entry, where, {"key", "values", "labels", "range"}, origin);
  Axis axis;
  if (!entry.contains("key") || !entry["key"].is_string() || entry["key"].get<std::string>().empty()) {
    refuse(origin, where + ".key", entry.value("key", json()), "must name an experiment key, e.g. head.params.m");
  }
  axis.key = entry["key"];
  const std::string named = where + " (" + axis.key + ")";
  if (entry.contains("values") == entry.contains("range")) {
    refuse(origin, named, entry, "give either values (a list) or range ({min, max, scale})");
  }
  if (entry.contains("values")) {
    const json& values = entry["values"];
    if (!values.is_array() || values.empty()) refuse(origin, named + ".values", values, "must be a non-empty list");
    for (const auto& v : values) {
      if (v.is_null()) refuse(origin, named + ".values", v, "null is not a value");
      for (const auto& seen : axis.values) {
        if (seen == v) refuse(origin, named + ".values", v, "listed twice");
      }
      axis.values.push_back(v);
    }
    if (entry.contains("labels")) {
      const json& labels = entry["labels"];
      if (!labels.is_array() || labels.size() != values.size()) {
        refuse(origin, named + ".labels", labels,
               fmt::format("must be a list of {} names, one per value", values.size()));
      }
      for (const auto& l : labels) {
        if (!l.is_string() || l.get<std::string>().empty()) refuse(origin, named + ".labels", l, "must be a name");
        axis.labels.push_back(l);
      }
    }
  } else {
    if (entry.contains("labels"))
      refuse(origin, named + ".labels", entry["labels"], "labels go with values, not a range");
    const json& range = entry["range"];
    if (!range.is_object())
      refuse(origin, named + ".range", range, "must be {\"min\": a, \"max\": b, \"scale\": \"linear\"|\"log\"}");
    check_keys(range, named + ".range", {"min", "max", "scale", "integer"}, origin);
    Axis::Range r;
    for (const char* bound : {"min", "max"}) {
      if (!range.contains(bound) || !range[bound].is_number() || !std::isfinite(range[bound].get<double>())) {
        refuse(origin, named + ".range." + bound, range.value(bound, json()), "must be a finite number");
      }
    }
    r.min = range["min"];
    r.max = range["max"];
    if (!(r.min < r.max)) refuse(origin, named + ".range", range, "min must be below max");
    const std::string scale = range.value("scale", std::string("linear"));
    if (scale != "linear" && scale != "log")
      refuse(origin, named + ".range.scale", range["scale"], "must be linear or log");
    r.log = scale == "log";
    if (r.log && r.min <= 0) refuse(origin, named + ".range.min", range["min"], "a log scale needs min > 0");
    if (range.contains("integer")) {
      if (!range["integer"].is_boolean())
        refuse(origin, named + ".range.integer", range["integer"], "must be true or false");
      r.integer = range["integer"];
    }
    axis.range = r;
  }
  return axis;
}

Metric read_metric(const json& m, const std::string& origin) {
  if (!m.is_object()) refuse(origin, "metric", m, "must be {\"set\": ..., \"stratum\": ..., \"measure\": ...}");
  check_keys(m, "metric", {"set", "stratum", "measure"}, origin);
  Metric metric;
  for (const char* key : {"set", "stratum", "measure"}) {
    if (!m.contains(key)) continue;
    if (!m[key].is_string() || m[key].get<std::string>().empty())
      refuse(origin, std::string("metric.") + key, m[key], "must be a name");
  }
  metric.set = m.value("set", metric.set);
  metric.stratum = m.value("stratum", metric.stratum);
  metric.measure = m.value("measure", metric.measure);
  static const std::set<std::string> plain{"accuracy", "auc", "eer", "norm_quality_spearman"};
  if (!plain.count(metric.measure)) {
    const auto far = metric.far();
    bool standard = false;
    for (const double target : eval::kStandardFarTargets)
      standard = standard || (far && std::abs(*far / target - 1) < 1e-9);
    if (!standard) {
      refuse(origin, "metric.measure", m["measure"],
             "must be accuracy, auc, eer, norm_quality_spearman or tar@far=1e-1, 1e-2, 1e-3 or 1e-4");
    }
  }
  if (metric.measure == "norm_quality_spearman" && metric.stratum != "all") {
    refuse(origin, "metric.stratum", m["stratum"],
           "the norm–quality correlation is the set's: leave the stratum at all");
  }
  return metric;
}

EarlyStopping read_early_stopping(const json& e, const std::string& origin) {
  if (!e.is_object()) refuse(origin, "early_stopping", e, "must be a JSON object with rule and at_steps");
  check_keys(e, "early_stopping", {"rule", "at_steps", "keep", "min_runs"}, origin);
  EarlyStopping rule;
  const std::string name = e.value("rule", std::string("none"));
  if (name == "median") {
    rule.rule = StoppingRule::median;
  } else if (name == "successive_halving") {
    rule.rule = StoppingRule::successive_halving;
  } else if (name != "none") {
    refuse(origin, "early_stopping.rule", e["rule"], "must be median, successive_halving or none");
  }
  if (rule.rule == StoppingRule::none) return rule;
  if (!e.contains("at_steps") || !e["at_steps"].is_array() || e["at_steps"].empty()) {
    refuse(origin, "early_stopping.at_steps", e.value("at_steps", json()),
           "must list the steps at which the rule looks");
  }
  for (const auto& s : e["at_steps"]) {
    const auto step = whole_number(s, "early_stopping.at_steps", 1, origin);
    if (!rule.at_steps.empty() && step <= rule.at_steps.back()) {
      refuse(origin, "early_stopping.at_steps", e["at_steps"], "must be ascending");
    }
    rule.at_steps.push_back(step);
  }
  if (e.contains("keep")) {
    if (!e["keep"].is_number() || !(e["keep"].get<double>() > 0 && e["keep"].get<double>() < 1)) {
      refuse(origin, "early_stopping.keep", e["keep"],
             "must be a fraction between 0 and 1 (0.5 keeps the better half)");
    }
    rule.keep = e["keep"];
  }
  if (e.contains("min_runs"))
    rule.min_runs = static_cast<int>(whole_number(e["min_runs"], "early_stopping.min_runs", 2, origin));
  return rule;
}

}  // namespace

std::string Axis::label_of(const json& value) const {
  for (std::size_t i = 0; i < labels.size() && i < values.size(); ++i) {
    if (values[i] == value) return labels[i];
  }
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return fmt::format("{:g}", value.get<double>());
  return value.dump();
}

std::optional<double> Metric::far() const {
  constexpr std::string_view prefix = "tar@far=";
  if (measure.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string number = measure.substr(prefix.size());
  std::size_t used = 0;
  try {
    const double far = std::stod(number, &used);
    if (used != number.size()) return std::nullopt;
    return far;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string Metric::describe() const {
  std::string what = measure;
  if (const auto f = far()) {
    // As the papers write it: 1e-3, not 0.001.
    const double exponent = std::round(std::log10(*f));
    what = std::abs(std::pow(10.0, exponent) / *f - 1) < 1e-9 ? fmt::format("TAR@FAR=1e{}", static_cast<int>(exponent))
                                                              : fmt::format("TAR@FAR={:g}", *f);
  }
  if (measure == "accuracy") what = "accuracy";
  if (measure == "auc") what = "AUC";
  if (measure == "eer") what = "EER";
  if (measure == "norm_quality_spearman") return "norm–quality Spearman ρ on " + set;
  return what + " on " + set + (stratum == "all" ? "" : " " + stratum);
}

std::string to_string(StoppingRule rule) {
  switch (rule) {
    case StoppingRule::none:
      return "none";
    case StoppingRule::median:
      return "median";
    case StoppingRule::successive_halving:
      return "successive_halving";
  }
  return "none";
}

void set_key(json& document, const std::string& key, json value, const std::string& origin) {
  std::string problem;
  json* slot = dotted_slot(document, key, &problem);
  if (!slot) refuse(origin, key, value, problem);
  *slot = std::move(value);
}

StudyConfig study_from_json(const json& document, const std::string& origin,
                            const std::function<ResolvedBase(const json& base)>& resolve_base) {
  if (!document.is_object()) throw InvalidParameter(origin + ": a study file is a JSON object");
  check_keys(document, "",
             {"name", "description", "base", "set", "axes", "seeds", "sampling", "metric", "early_stopping", "parallel",
              "claims"},
             origin);
  StudyConfig config;
  if (document.contains("name")) {
    const json& name = document["name"];
    const bool ok = name.is_string() && !name.get<std::string>().empty() &&
                    name.get<std::string>().find_first_of("/\\") == std::string::npos;
    if (!ok) refuse(origin, "name", name, "must be a name without slashes");
    config.name = name;
  }
  if (document.contains("description")) {
    if (!document["description"].is_string()) refuse(origin, "description", document["description"], "must be text");
    config.description = document["description"];
  }
  if (!document.contains("base")) {
    throw InvalidParameter(origin + ": base: missing (a preset name, an experiment file, or an experiment object)");
  }
  const auto base = resolve_base(document["base"]);
  if (!base.document.is_object()) refuse(origin, "base", document["base"], "is not an experiment object");
  config.base = base.document;
  config.base_origin = base.origin;
  if (document.contains("set")) {
    const json& shared = object_at(document, "set", origin);
    for (auto it = shared.begin(); it != shared.end(); ++it) {
      set_key(config.base, it.key(), it.value(), origin + ": set." + it.key());
    }
  }

  if (!document.contains("axes") || !document["axes"].is_array() || document["axes"].empty()) {
    refuse(origin, "axes", document.value("axes", json()), "must list the keys the study varies");
  }
  for (std::size_t i = 0; i < document["axes"].size(); ++i) {
    auto axis = read_axis(document["axes"][i], i, origin);
    for (const auto& other : config.axes) {
      const bool nested =
          axis.key == other.key || axis.key.rfind(other.key + ".", 0) == 0 || other.key.rfind(axis.key + ".", 0) == 0;
      if (nested) refuse(origin, fmt::format("axes[{}].key", i), axis.key, "overlaps the axis " + other.key);
    }
    if (axis.key == "train.seed")
      refuse(origin, fmt::format("axes[{}].key", i), axis.key, "list seeds under \"seeds\"");
    config.axes.push_back(std::move(axis));
  }

  if (document.contains("seeds")) {
    const json& seeds = document["seeds"];
    if (!seeds.is_array() || seeds.empty()) refuse(origin, "seeds", seeds, "must be a non-empty list of whole numbers");
    config.seeds.clear();
    for (const auto& s : seeds) {
      const auto seed = static_cast<std::uint64_t>(whole_number(s, "seeds", 0, origin));
      for (const auto seen : config.seeds) {
        if (seen == seed) refuse(origin, "seeds", s, "listed twice");
      }
      config.seeds.push_back(seed);
    }
  }

  if (document.contains("sampling")) {
    const json& s = object_at(document, "sampling", origin);
    check_keys(s, "sampling", {"kind", "settings", "seed"}, origin);
    const std::string kind = s.value("kind", std::string("grid"));
    if (kind == "random") {
      config.sampling = Sampling::random;
      if (!s.contains("settings"))
        refuse(origin, "sampling.settings", json(), "random sampling needs how many settings to draw");
      config.random_settings = static_cast<int>(whole_number(s["settings"], "sampling.settings", 1, origin));
      if (s.contains("seed"))
        config.random_seed = static_cast<std::uint64_t>(whole_number(s["seed"], "sampling.seed", 0, origin));
    } else if (kind != "grid") {
      refuse(origin, "sampling.kind", s["kind"], "must be grid or random");
    } else if (s.contains("settings") || s.contains("seed")) {
      refuse(origin, "sampling", s, "settings and seed belong to random sampling");
    }
  }
  if (config.sampling == Sampling::grid) {
    for (std::size_t i = 0; i < config.axes.size(); ++i) {
      if (config.axes[i].range) {
        refuse(origin, fmt::format("axes[{}] ({})", i, config.axes[i].key), document["axes"][i],
               "a range needs random sampling; list values for a grid");
      }
    }
  }

  if (document.contains("metric")) config.metric = read_metric(document["metric"], origin);
  if (document.contains("early_stopping"))
    config.early_stopping = read_early_stopping(document["early_stopping"], origin);
  if (document.contains("parallel")) {
    const json& p = object_at(document, "parallel", origin);
    check_keys(p, "parallel", {"runs", "threads_per_run"}, origin);
    if (p.contains("runs"))
      config.parallel.runs = static_cast<int>(whole_number(p["runs"], "parallel.runs", 1, origin));
    if (p.contains("threads_per_run")) {
      config.parallel.threads_per_run =
          static_cast<int>(whole_number(p["threads_per_run"], "parallel.threads_per_run", 0, origin));
    }
  }
  if (document.contains("claims")) {
    const json& claims = document["claims"];
    if (!claims.is_array()) refuse(origin, "claims", claims, "must be a list of {claim, setting, against, metric}");
    for (std::size_t i = 0; i < claims.size(); ++i) {
      const std::string where = fmt::format("claims[{}]", i);
      const json& c = claims[i];
      if (!c.is_object()) refuse(origin, where, c, "must be {claim, setting, against, metric}");
      check_keys(c, where, {"claim", "setting", "against", "metric"}, origin);
      Claim claim;
      for (const char* key : {"claim", "setting"}) {
        if (!c.contains(key) || !c[key].is_string() || c[key].get<std::string>().empty()) {
          refuse(origin, where + "." + key, c.value(key, json()), "must be text (setting: a setting's label)");
        }
      }
      claim.text = c["claim"];
      claim.setting = c["setting"];
      const json& against = c.value("against", json());
      if (!against.is_array() || against.empty())
        refuse(origin, where + ".against", against, "must list settings' labels");
      for (const auto& a : against) {
        if (!a.is_string()) refuse(origin, where + ".against", a, "must be a setting's label");
        claim.against.push_back(a);
      }
      if (c.contains("metric")) claim.metric = read_metric(c["metric"], origin);
      config.claims.push_back(std::move(claim));
    }
  }
  return config;
}

StudyConfig read_study_file(const std::filesystem::path& file, const std::filesystem::path& presets_dir) {
  std::ifstream in(file);
  if (!in) throw InvalidFile(file.string() + ": cannot read the study file");
  const json document = json::parse(in, nullptr, false, /*ignore_comments=*/true);
  if (document.is_discarded()) throw InvalidFile(file.string() + ": not valid JSON");
  const auto resolve = [&](const json& base) -> ResolvedBase {
    if (base.is_object()) return {base, file.string() + " (base)"};
    if (!base.is_string())
      refuse(file.string(), "base", base, "must be a preset name, an experiment file or an object");
    const std::string name = base;
    for (const auto& candidate : {file.parent_path() / name, presets_dir / (name + ".json")}) {
      if (!std::filesystem::is_regular_file(candidate)) continue;
      std::ifstream experiment(candidate);
      const json read = json::parse(experiment, nullptr, false, true);
      if (read.is_discarded()) throw InvalidFile(candidate.string() + ": not valid JSON");
      return {read, candidate.string()};
    }
    refuse(file.string(), "base", base,
           "no such experiment file beside the study, nor a preset in " + presets_dir.string());
  };
  return study_from_json(document, file.string(), resolve);
}

json to_json(const StudyConfig& c) {
  json axes = json::array();
  for (const auto& a : c.axes) {
    json axis{{"key", a.key}};
    if (a.range) {
      axis["range"] = {{"min", a.range->min},
                       {"max", a.range->max},
                       {"scale", a.range->log ? "log" : "linear"},
                       {"integer", a.range->integer}};
    } else {
      axis["values"] = a.values;
      if (!a.labels.empty()) axis["labels"] = a.labels;
    }
    axes.push_back(std::move(axis));
  }
  json sampling{{"kind", c.sampling == Sampling::grid ? "grid" : "random"}};
  if (c.sampling == Sampling::random) {
    sampling["settings"] = c.random_settings;
    sampling["seed"] = c.random_seed;
  }
  json result{{"name", c.name},
              {"description", c.description},
              {"base", c.base},
              {"axes", axes},
              {"seeds", c.seeds},
              {"sampling", sampling},
              {"metric", {{"set", c.metric.set}, {"stratum", c.metric.stratum}, {"measure", c.metric.measure}}},
              {"parallel", {{"runs", c.parallel.runs}, {"threads_per_run", c.parallel.threads_per_run}}}};
  json stopping{{"rule", to_string(c.early_stopping.rule)}};
  if (c.early_stopping.rule != StoppingRule::none) {
    stopping["at_steps"] = c.early_stopping.at_steps;
    stopping["keep"] = c.early_stopping.keep;
    stopping["min_runs"] = c.early_stopping.min_runs;
  }
  result["early_stopping"] = stopping;
  json claims = json::array();
  for (const auto& claim : c.claims) {
    json entry{{"claim", claim.text}, {"setting", claim.setting}, {"against", claim.against}};
    if (claim.metric) {
      entry["metric"] = {
          {"set", claim.metric->set}, {"stratum", claim.metric->stratum}, {"measure", claim.metric->measure}};
    }
    claims.push_back(std::move(entry));
  }
  if (!claims.empty()) result["claims"] = claims;
  return result;
}

}  // namespace marginlab::study
