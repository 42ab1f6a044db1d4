#include "core/experiment/experiment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/atomic_file.h"
#include "core/backbones/backbone_catalog.h"
#include "core/errors.h"
#include "core/experiment/experiment_fields.h"
#include "core/heads/head_registry.h"
#include "core/json_path.h"

namespace marginlab::train {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& origin, const std::string& key, const json& value, const std::string& why) {
  throw InvalidParameter(fmt::format("{}: {} = {}: {}", origin, key, value.dump(), why));
}

// Every key of `object` (at `path`) must be a field or a section of fields; sections are walked.
void check_known_keys(const json& object, const std::string& path, const std::string& origin) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string key = path.empty() ? it.key() : path + "." + it.key();
    if (find_field(key)) continue;
    if (!is_field_section(key)) refuse(origin, key, it.value(), "unknown key");
    if (!it.value().is_object()) {
      refuse(origin, key, it.value(), key == kHeadParamsKey ? "must be a JSON object of numbers and choice names" : "must be a JSON object");
    }
    if (key != kHeadParamsKey) check_known_keys(it.value(), key, origin);
  }
}

void set_path(json& document, const std::string& key, json value) {
  std::string problem;
  json* slot = dotted_slot(document, key, &problem);
  if (!slot) throw std::logic_error("experiment field " + key + ": " + problem);  // the field table's own keys
  *slot = std::move(value);
}

// Where a file says what older versions wrote, the head in today's terms: an older kind name ("arcface-legacy") is
// the head with that choice, and head.kappa_statistics is KappaFace's statistics choice.
void read_head_legacy(const json& document, Experiment& e, const std::string& origin) {
  try {
    const auto chosen = heads::canonical_head(e.head.kind, e.head.params);
    e.head.kind = chosen.head->kind;
    e.head.params = chosen.values;
  } catch (const InvalidParameter& error) {
    refuse(origin, "head.kind", json(e.head.kind), error.what());
  }
  const json* statistics = find_dotted(document, kLegacyKappaStatisticsKey);
  if (!statistics) return;
  const auto* kappaface = heads::find_head("kappaface");
  const auto& spec = *std::find_if(kappaface->params.begin(), kappaface->params.end(),
                                   [](const heads::ParamValue& p) { return p.name == "statistics"; });
  std::string names;
  bool known = false;
  for (const auto& c : spec.choices) {
    names += (names.empty() ? "" : ", ") + c.name;
    known = known || (statistics->is_string() && statistics->get<std::string>() == c.name);
  }
  if (!known) refuse(origin, kLegacyKappaStatisticsKey, *statistics, "must be one of " + names);
  const std::string value = statistics->get<std::string>();
  if (e.head.kind != kappaface->kind) {
    // What every run directory wrote for the other heads: the default, which changes nothing.
    if (value == spec.choice) return;
    refuse(origin, kLegacyKappaStatisticsKey, *statistics,
           "only KappaFace collects class statistics (head.kind = \"" + e.head.kind + "\")");
  }
  const auto given = e.head.params.find("statistics");
  if (given != e.head.params.end() && given->second != heads::HeadValue(value)) {
    refuse(origin, kLegacyKappaStatisticsKey, *statistics,
           "disagrees with head.params.statistics = " + json(std::get<std::string>(given->second)).dump());
  }
  e.head.params["statistics"] = value;
}

// A scheduled value must be one a live change could set: a live number of the head, in its range; "lr" in
// optimizer.lr's range.
void check_schedules(const Experiment& e, const std::string& origin) {
  const auto* head = heads::find_head(e.head.kind);
  for (const auto& change : e.head.schedule) {
    const std::string where = fmt::format("{}: head.schedule, step {}", origin, change.step);
    heads::HeadValues values = e.head.params;
    for (const auto& [key, value] : change.params) {
      const std::string& name = key;  // a structured binding is not captured by older compilers (clang < 16)
      const auto spec = std::find_if(head->params.begin(), head->params.end(),
                                     [&](const heads::ParamValue& p) { return p.name == name; });
      if (spec == head->params.end() || spec->type == heads::HeadParamType::choice || !spec->live) {
        std::string live;
        for (const auto& p : head->params) {
          if (p.type != heads::HeadParamType::choice && p.live) live += (live.empty() ? "" : ", ") + p.name;
        }
        throw InvalidParameter(
            fmt::format("{}: {} is not a live parameter of {} (live: {})", where, name, e.head.kind, live));
      }
      values[name] = value;
    }
    try {
      heads::head_parameter_values(e.head.kind, values);
    } catch (const InvalidParameter& error) {
      throw InvalidParameter(where + ": " + error.what());
    }
  }
  const auto& lr = *find_field("optimizer.lr");
  for (const auto& change : e.optimizer.schedule) {
    for (const auto& [name, value] : change.params) {
      const std::string where =
          fmt::format("{}: optimizer.schedule, step {}: {} = {:g}", origin, change.step, name, value);
      if (name != "lr") throw InvalidParameter(where + ": only the base learning rate \"lr\" is scheduled here");
      if (const auto why = lr.refusal(json(value)); !why.empty()) throw InvalidParameter(where + ": " + why);
    }
  }
}

}  // namespace

Experiment experiment_from_json(const json& document, const std::string& origin) {
  if (!document.is_object()) refuse(origin, "the document", document, "must be a JSON object");
  json current = document;
  if (auto head = current.find("head"); head != current.end() && head->is_object()) head->erase("kappa_statistics");
  check_known_keys(current, "", origin);
  Experiment e;
  for (const auto& field : experiment_fields()) {
    const json* value = find_dotted(document, field.key);
    if (!value) continue;
    const std::string why = field.refusal(*value);
    if (!why.empty()) refuse(origin, field.key, *value, why);
    field.set(e, *value);
  }
  if (const json* params = find_dotted(document, kHeadParamsKey)) {
    for (auto it = params->begin(); it != params->end(); ++it) {
      if (it.value().is_number()) {
        e.head.params[it.key()] = it.value().get<double>();
      } else if (it.value().is_string()) {
        e.head.params[it.key()] = it.value().get<std::string>();
      } else {
        refuse(origin, std::string(kHeadParamsKey) + "." + it.key(), it.value(), "must be a number or a choice's name");
      }
    }
  }
  read_head_legacy(document, e, origin);
  check_experiment(e, origin);
  return e;
}

data::SynthFaceConfig synthface_config(const DataSettings& data, const std::string& origin) {
  data::SynthFaceConfig config;
  config.image_size = data.image_size;
  const std::string prefix = "data.synthface.";
  if (!data.synthface.is_object()) refuse(origin, "data.synthface", data.synthface, "must be a JSON object");
  for (auto it = data.synthface.begin(); it != data.synthface.end(); ++it) {
    const auto* field = find_field(prefix + it.key());
    if (!field) refuse(origin, prefix + it.key(), it.value(), "unknown key");
    const std::string why = field->refusal(it.value());
    if (!why.empty()) refuse(origin, field->key, it.value(), why);
  }
  auto read = [&](const char* name, auto& member) {
    const auto it = data.synthface.find(name);
    if (it != data.synthface.end()) it->get_to(member);
  };
  read("seed", config.seed);
  read("identities", config.identities);
  read("max_images_per_identity", config.max_images_per_identity);
  read("imbalance_ratio", config.imbalance_ratio);
  read("low_quality_fraction", config.low_quality_fraction);
  read("family_size", config.family_size);
  read("identity_spread", config.identity_spread);
  read("verification_identities", config.verification_identities);
  read("pairs_per_stratum", config.pairs_per_stratum);
  try {
    config.validate();
  } catch (const InvalidParameter& error) {
    throw InvalidParameter(origin + ": data.synthface: " + error.what());
  }
  return config;
}

void check_experiment(const Experiment& e, const std::string& origin) {
  try {
    // The backbone's size constraints are checked when it is built; here only its kind.
    if (!backbones::is_backbone_kind(e.model.backbone)) {
      throw InvalidParameter("model.backbone = \"" + e.model.backbone + "\": unknown backbone (known: " +
                             backbones::backbone_kind_names() + ")");
    }
    // The kind, the parameter names and their ranges, as the head will check them, without building one.
    heads::head_parameter_values(e.head.kind, e.head.params);
  } catch (const InvalidParameter& error) {
    throw InvalidParameter(origin + ": " + error.what());
  }
  check_schedules(e, origin);
  for (const auto& set : e.eval.sets) {
    if (set == "synthface-closed" && e.data.source != "synthface") {
      throw InvalidParameter(origin +
                             ": eval.sets contains \"synthface-closed\": the held-out images of the training "
                             "identities come from the SynthFace generator, but data.source = \"" +
                             e.data.source + "\"");
    }
    if (set == "synthface" && e.data.source != "synthface") {
      throw InvalidParameter(origin + ": eval.sets contains \"synthface\": its pairs come from the SynthFace "
                             "generator of data.source = \"synthface\", but data.source = \"" + e.data.source +
                             "\"; list verification files (.bin packs, pair lists) instead");
    }
  }
  if (e.data.source == "synthface") synthface_config(e.data, origin);  // names its own keys in errors
  if (e.model.init_classifier && e.model.init_from.empty()) {
    throw InvalidParameter(origin + ": model.init_classifier = true, but model.init_from is empty");
  }
}

json to_json(const Experiment& e) {
  json document = json::object();
  for (const auto& field : experiment_fields()) {
    json value = field.get(e);
    if (!value.is_null()) set_path(document, field.key, std::move(value));
  }
  // Sections present even when empty, as every run directory has written them.
  set_path(document, kHeadParamsKey, to_json(e.head.params));
  set_path(document, "data.synthface", e.data.synthface.is_object() ? e.data.synthface : json::object());
  return document;
}

json to_json(const heads::HeadValues& values) {
  json params = json::object();
  for (const auto& [name, value] : values) {
    if (const auto* choice = std::get_if<std::string>(&value)) {
      params[name] = *choice;
    } else {
      params[name] = std::get<double>(value);
    }
  }
  return params;
}

json read_experiment_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidFile(path + ": cannot open the experiment file");
  json document;
  try {
    in >> document;
  } catch (const json::parse_error& error) {
    throw InvalidFile(path + ": not valid JSON (" + error.what() + ")");
  }
  return document;
}

Experiment load_experiment(const std::string& path) {
  return experiment_from_json(read_experiment_document(path), path);
}

void save_experiment(const Experiment& experiment, const std::string& path) {
  // A failed save never leaves a half-written experiment, and a follower never reads one.
  write_file_atomically(path, to_json(experiment).dump(2) + "\n");
}

void apply_override(json& document, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InvalidParameter("--set " + assignment + ": expected key=value, e.g. optimizer.lr=0.05");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;  // a bare word such as adaface is meant as a string

  std::string problem;
  json* slot = dotted_slot(document, key, &problem);
  if (!slot) throw InvalidParameter("--set " + assignment + ": " + problem);
  *slot = std::move(value);
}

std::string to_string(Precision precision) {
  Experiment e;
  e.train.precision = precision;
  return find_field("train.precision")->get(e).get<std::string>();
}

std::string to_string(DeviceChoice device) {
  Experiment e;
  e.train.device = device;
  return find_field("train.device")->get(e).get<std::string>();
}

DeviceChoice device_choice_from_string(const std::string& name, const std::string& origin) {
  for (const auto choice : {DeviceChoice::automatic, DeviceChoice::cpu, DeviceChoice::cuda}) {
    if (to_string(choice) == name) return choice;
  }
  throw InvalidParameter(origin + " " + name + ": expected auto, cpu or cuda");
}

}  // namespace marginlab::train
