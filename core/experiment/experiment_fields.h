#pragma once
// The experiment's settings, each described once: key path, type, range or choices, default, unit, label, tooltip,
// and when it applies. Reading and writing experiment files, `--set`, the validation messages, `marginlab-cli keys`
// and the workbench's experiment form are all generated from this table; adding a setting is one entry here and a
// member of the Experiment struct (CONTRIBUTING.md, "Add an experiment setting").
//
// Labels, tooltips and choice tips are English; the workbench shows them translated (they are marked for lupdate
// with ML_TRANSLATABLE, context "ExperimentField").
#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/range.h"

namespace marginlab::train {

enum class FieldType {
  number,    // a JSON number
  integer,   // a JSON integer
  boolean,   // true or false
  text,      // a string
  choice,    // one of a few names
  numbers,   // an array of numbers: a fixed length (`count`) or any (`count` = 0)
  texts,     // an array of non-empty strings
  schedule,  // values at given steps: [{"step": s, "params": {"name": value}}] (param_schedule.h)
};
std::string to_string(FieldType type);

struct FieldChoice {
  std::string name;
  std::string tip;  // English, translatable
};

// A field applies only while another field has one of `values` (e.g. optimizer.momentum while optimizer.kind is
// sgd): forms hide it otherwise, and the key listing says so. Files may still hold it; it is read and kept.
struct FieldCondition {
  std::string key;
  std::vector<std::string> values;
};

struct ExperimentField {
  std::string key;  // "optimizer.lr"
  FieldType type = FieldType::number;
  std::string label;    // "Learning rate"
  std::string tooltip;  // one or two sentences
  std::string unit;     // "epochs", "steps", "px", ... or empty
  Range range{0, 0};    // number, integer and each entry of numbers
  std::size_t count = 0;  // numbers: the exact length, 0 for any
  std::vector<FieldChoice> choices;
  std::optional<FieldCondition> applies_when;
  // Optional: the field is absent unless given (data.synthface.*): get() returns null then, and the default is the
  // consumer's (the SynthFace generator's).
  bool optional = false;
  nlohmann::json default_value;  // Experiment{}'s value, or the consumer's default for optional fields

  // Reading and writing the Experiment struct. set() receives a value that check() accepted.
  std::function<nlohmann::json(const Experiment&)> get;
  std::function<void(Experiment&, const nlohmann::json&)> set;
  // A rule beyond type and range (name without '/', increasing milestones, ...): the reason a value is refused, or
  // empty.
  std::function<std::string(const nlohmann::json&)> rule;

  // Why `value` is not acceptable for this field ("must be in (0, 100]"), or empty when it is.
  std::string refusal(const nlohmann::json& value) const;
  // The allowed values in words: "(0, 100]", "one of sgd, adamw", "3 numbers in [0, 1]", ...
  std::string allowed() const;
  bool applies_to(const Experiment& experiment) const;
};

// Every field, in the order forms and listings show them.
const std::vector<ExperimentField>& experiment_fields();
// The field with this key path, or null.
const ExperimentField* find_field(const std::string& key);
// The field's value in `experiment`, or its default where an optional field is absent.
nlohmann::json field_value(const ExperimentField& field, const Experiment& experiment);

// Objects that are not fields themselves but hold fields ("data", "data.synthface", ...) or free maps
// ("head.params": names, types and ranges come from the head registry).
bool is_field_section(const std::string& key);
inline constexpr const char* kHeadParamsKey = "head.params";
// Written by 0.1 for every head; now KappaFace's choice head.params.statistics. Still read (experiment_from_json).
inline constexpr const char* kLegacyKappaStatisticsKey = "head.kappa_statistics";

}  // namespace marginlab::train
