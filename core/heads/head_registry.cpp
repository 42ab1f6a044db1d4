#include "core/heads/head_registry.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "core/heads/head_fields.h"

namespace marginlab::heads {

// Each head's descriptor, defined in core/heads/<kind>.cpp.
#define MARGINLAB_HEAD(kind) const HeadDescriptor& describe_##kind();
#include "core/heads/heads.def"
#undef MARGINLAB_HEAD

namespace {

struct CapabilityName {
  HeadCapability capability;
  const char* name;
  const char* description;
};

const std::vector<CapabilityName>& capability_names() {
  static const std::vector<CapabilityName> names{
      {HeadCapability::feature_norms, "feature_norms", "its margin depends on each sample's feature norm"},
      {HeadCapability::batch_statistics, "batch_statistics", "keeps an EMA of batch statistics"},
      {HeadCapability::class_statistics, "class_statistics", "keeps per-class statistics, refreshed while training"},
      {HeadCapability::sample_memory, "sample_memory", "keeps a per-sample memory the size of the dataset"},
      {HeadCapability::momentum_encoder, "momentum_encoder", "learns from an EMA copy of the backbone"},
      {HeadCapability::random_margins, "random_margins", "draws its margins from a seeded generator"},
      {HeadCapability::regulariser, "regulariser", "adds a regulariser to the loss"},
  };
  return names;
}

const CapabilityName& name_of(HeadCapability capability) {
  const auto& names = capability_names();
  return *std::find_if(names.begin(), names.end(),
                       [capability](const CapabilityName& n) { return n.capability == capability; });
}

std::string known_kinds() {
  std::string known;
  for (const auto& head : head_registry()) known += (known.empty() ? "" : ", ") + head.kind;
  return known;
}

}  // namespace

std::string_view to_string(HeadParamType type) {
  switch (type) {
    case HeadParamType::number:
      return "number";
    case HeadParamType::integer:
      return "integer";
    case HeadParamType::choice:
      return "choice";
  }
  return "?";
}

std::string_view to_string(HeadCapability capability) { return name_of(capability).name; }
std::string_view describe(HeadCapability capability) { return name_of(capability).description; }

const std::vector<HeadCapability>& all_capabilities() {
  static const std::vector<HeadCapability> all = [] {
    std::vector<HeadCapability> list;
    for (const auto& n : capability_names()) list.push_back(n.capability);
    return list;
  }();
  return all;
}

bool HeadDescriptor::has(HeadCapability capability, const std::vector<ParamValue>& resolved) const {
  for (const auto& rule : capabilities) {
    if (rule.capability != capability) continue;
    if (rule.param.empty()) return true;
    for (const auto& p : resolved) {
      if (p.name == rule.param && p.choice == rule.choice) return true;
    }
  }
  return false;
}

const std::vector<HeadDescriptor>& head_registry() {
  static const std::vector<HeadDescriptor> registry{
#define MARGINLAB_HEAD(kind) describe_##kind(),
#include "core/heads/heads.def"
#undef MARGINLAB_HEAD
  };
  return registry;
}

const HeadDescriptor* find_head(std::string_view kind) {
  for (const auto& head : head_registry()) {
    if (head.kind == kind) return &head;
  }
  return nullptr;
}

HeadChoiceOf canonical_head(const std::string& kind, const HeadValues& given) {
  if (const auto* head = find_head(kind)) return {head, given};
  for (const auto& head : head_registry()) {
    for (const auto& alias : head.aliases) {
      if (alias.kind != kind) continue;
      HeadValues values = given;
      for (const auto& [name, choice] : alias.choices) {
        const auto it = values.find(name);
        if (it != values.end() && it->second != choice) {
          throw InvalidParameter("head kind '" + kind + "' is " + head.kind + " with " + name + " = " +
                                 describe_value(choice) + ", but " + name + " = " + describe_value(it->second) +
                                 " is given");
        }
        values[name] = choice;
      }
      return {&head, values};
    }
  }
  throw InvalidParameter("unknown head kind '" + kind + "' (known: " + known_kinds() + ")");
}

std::vector<ParamValue> head_parameter_values(const std::string& kind, const HeadValues& given) {
  const auto chosen = canonical_head(kind, given);
  return chosen.head->resolve(chosen.values);
}

std::string HeadVariant::label() const {
  std::string text = kind;
  std::string inner;
  for (const auto& [name, value] : choices) {
    inner += (inner.empty() ? "" : ", ") + name + "=" + std::get<std::string>(value);
  }
  return inner.empty() ? text : text + "(" + inner + ")";
}

std::vector<HeadVariant> head_variants() {
  std::vector<HeadVariant> variants;
  for (const auto& head : head_registry()) {
    std::vector<HeadVariant> of_head{{head.kind, {}}};
    for (const auto& p : head.params) {
      if (p.type != HeadParamType::choice) continue;
      std::vector<HeadVariant> grown;
      for (const auto& v : of_head) {
        for (const auto& c : p.choices) {
          auto more = v;
          more.choices[p.name] = c.name;
          grown.push_back(std::move(more));
        }
      }
      of_head = std::move(grown);
    }
    variants.insert(variants.end(), of_head.begin(), of_head.end());
  }
  return variants;
}

HeadValues values_of(const std::vector<ParamValue>& params) {
  HeadValues values;
  for (const auto& p : params) values[p.name] = p.head_value();
  return values;
}

void check_param(std::string_view head, std::string_view name, double value, const ParamRange& range) {
  if (range.contains(value)) return;
  throw InvalidParameter(std::string(head) + ": " + std::string(name) + " = " + format_number(value) +
                         " is outside the allowed range " + range.describe());
}

std::string describe_value(const HeadValue& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return "\"" + *text + "\"";
  return format_number(std::get<double>(value));
}

void refuse_value(std::string_view head, std::string_view name, const HeadValue& value, std::string_view why) {
  throw InvalidParameter(std::string(head) + ": " + std::string(name) + " = " + describe_value(value) + " " +
                         std::string(why));
}

}  // namespace marginlab::heads
