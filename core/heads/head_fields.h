#pragma once
// A head's hyperparameter table: each parameter once, typed (number, integer, choice), tied to the member of the
// head's Params struct it sets. Core builds the registry's descriptor from it (core/heads/head_registry.h); the
// engine's heads use it for name-based access (live tuning). Each head declares its table next to its Params struct
// (core/heads/<head>.h) as an overload of table_of().
#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "core/heads/head_values.h"
#include "core/range.h"

namespace marginlab::heads {

// A real-valued hyperparameter's allowed interval, for validation and for the GUI's editors.
using ParamRange = Range;

// Ranges several heads share.
inline constexpr ParamRange kLogitScale{0.0, 1024.0, true, false};
inline constexpr ParamRange kAngularMargin{-1.5707963267948966, 1.5707963267948966};  // |m| ≤ π/2
inline constexpr ParamRange kCosineMargin{-1.0, 2.0};
inline constexpr ParamRange kUnitInterval{0.0, 1.0};
inline constexpr ParamRange kSmallEps{0.0, 0.1, true, false};

// Throws InvalidParameter("<head>: <name> = <value> is outside <range>") unless value is finite and in range.
void check_param(std::string_view head, std::string_view name, double value, const ParamRange& range);
// The words every head uses for a value of the wrong type or an unknown choice, naming head, parameter and value.
[[noreturn]] void refuse_value(std::string_view head, std::string_view name, const HeadValue& value,
                               std::string_view why);
std::string describe_value(const HeadValue& value);  // 0.5, "legacy"

template <class Params>
struct ParamField {
  std::string name;
  HeadParamType type = HeadParamType::number;
  ParamRange range{0, 0};           // number, integer
  std::vector<HeadChoice> choices;  // choice
  std::string help;
  bool live = true;
  std::function<HeadValue(const Params&)> get;
  std::function<void(Params&, const HeadValue&)> set;  // receives a value of the field's type, checked before
};

template <class Params>
struct HeadTable {
  std::string title;  // "ArcFace", as messages name the head
  std::vector<ParamField<Params>> fields;
  // Defaults that depend on the choices (ElasticFace's m and σ per form): applied after the choices, before the
  // numbers given.
  void (*choice_defaults)(Params&) = nullptr;
};

template <class Params>
ParamField<Params> number(std::string name, double Params::*member, ParamRange range, std::string help) {
  ParamField<Params> f;
  f.name = std::move(name);
  f.range = range;
  f.help = std::move(help);
  f.get = [member](const Params& p) { return HeadValue(p.*member); };
  f.set = [member](Params& p, const HeadValue& v) { p.*member = std::get<double>(v); };
  return f;
}

// A whole number kept in a double member, so it is live like the numbers (set_parameter takes a double).
template <class Params>
ParamField<Params> integer(std::string name, double Params::*member, ParamRange range, std::string help) {
  auto f = number(std::move(name), member, range, std::move(help));
  f.type = HeadParamType::integer;
  return f;
}

// A choice stored as an enum member. Choices are fixed for a run: each is a different loss, not a knob.
template <class Params, class Enum>
ParamField<Params> choice(std::string name, Enum Params::*member, std::vector<std::pair<HeadChoice, Enum>> options,
                          std::string help) {
  ParamField<Params> f;
  f.name = std::move(name);
  f.type = HeadParamType::choice;
  f.help = std::move(help);
  f.live = false;
  for (const auto& option : options) f.choices.push_back(option.first);
  f.get = [member, options](const Params& p) {
    for (const auto& [c, value] : options) {
      if (p.*member == value) return HeadValue(c.name);
    }
    return HeadValue(options.front().first.name);
  };
  f.set = [member, options](Params& p, const HeadValue& v) {
    for (const auto& [c, value] : options) {
      if (c.name == std::get<std::string>(v)) p.*member = value;
    }
  };
  return f;
}

// The table of a head's Params, found by overload (each head declares `const HeadTable<P>& table_of(const P*)`).
template <class Params>
const HeadTable<Params>& table() {
  return table_of(static_cast<const Params*>(nullptr));
}

// Range and whole-number checks of every number and integer field; a Params::validate() starts with this.
template <class Params>
void check_fields(const Params& params) {
  const auto& t = table<Params>();
  for (const auto& f : t.fields) {
    if (f.type == HeadParamType::choice) continue;
    const double value = std::get<double>(f.get(params));
    if (f.type == HeadParamType::integer && f.range.contains(value) && value != std::floor(value)) {
      refuse_value(t.title, f.name, value, "must be a whole number in " + f.range.describe());
    }
    check_param(t.title, f.name, value, f.range);
  }
}

// Sets one parameter by name, checking the name and the value's type (ranges are validate()'s). Throws
// InvalidParameter naming the head, the parameter and the value.
template <class Params>
void set_value(Params& params, std::string_view name, const HeadValue& value) {
  const auto& t = table<Params>();
  std::string known;
  for (const auto& f : t.fields) {
    if (f.name != name) {
      known += (known.empty() ? "" : ", ") + f.name;
      continue;
    }
    if (f.type == HeadParamType::choice) {
      const auto* chosen = std::get_if<std::string>(&value);
      std::string names;
      bool found = false;
      for (const auto& c : f.choices) {
        names += (names.empty() ? "" : ", ") + c.name;
        found = found || (chosen && *chosen == c.name);
      }
      if (!found) refuse_value(t.title, name, value, "must be one of " + names);
    } else if (!std::holds_alternative<double>(value)) {
      refuse_value(t.title, name, value, "must be a number");
    }
    f.set(params, value);
    return;
  }
  throw InvalidParameter(t.title + ": unknown parameter '" + std::string(name) + "' (known: " + known + ")");
}

// The head's Params from values by name: defaults, then the choices given, the defaults that depend on them, then
// the numbers given; validated.
template <class Params>
Params params_from(const HeadValues& values) {
  const auto& t = table<Params>();
  Params params;
  for (const auto& [name, value] : values) {
    if (std::holds_alternative<std::string>(value)) set_value(params, name, value);
  }
  if (t.choice_defaults) t.choice_defaults(params);
  for (const auto& [name, value] : values) {
    if (!std::holds_alternative<std::string>(value)) set_value(params, name, value);
  }
  params.validate();
  return params;
}

// Every parameter with its value, type, range or choices, and help.
template <class Params>
std::vector<ParamValue> param_values(const Params& params) {
  std::vector<ParamValue> listed;
  for (const auto& f : table<Params>().fields) {
    ParamValue p;
    p.name = f.name;
    p.type = f.type;
    p.help = f.help;
    p.live = f.live;
    const HeadValue value = f.get(params);
    if (f.type == HeadParamType::choice) {
      p.choice = std::get<std::string>(value);
      p.choices = f.choices;
    } else {
      p.value = std::get<double>(value);
      p.lo = f.range.lo;
      p.hi = f.range.hi;
      p.lo_open = f.range.lo_open;
      p.hi_open = f.range.hi_open;
    }
    listed.push_back(std::move(p));
  }
  return listed;
}

// A head's registry entry from its table: the parameters, their defaults and its resolve().
template <class Params>
HeadDescriptor make_descriptor(std::string kind, std::string description, std::vector<CapabilityRule> capabilities,
                               std::vector<HeadAlias> aliases = {}) {
  HeadDescriptor d;
  d.kind = std::move(kind);
  d.title = table<Params>().title;
  d.description = std::move(description);
  d.capabilities = std::move(capabilities);
  d.aliases = std::move(aliases);
  d.resolve = [](const HeadValues& given) { return param_values(params_from<Params>(given)); };
  d.params = d.resolve({});
  return d;
}

}  // namespace marginlab::heads
