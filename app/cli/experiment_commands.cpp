// marginlab-cli keys: every experiment setting as the field table describes it (the keys that experiment files and
// `train --set` accept, their types, allowed values, defaults and when they apply).
#include <fmt/format.h>

#include "app/cli/command.h"
#include "core/experiment/experiment_fields.h"

namespace marginlab::cli {
namespace {

int run_keys(const std::string& prefix) {
  int shown = 0;
  for (const auto& field : train::experiment_fields()) {
    if (field.key.rfind(prefix, 0) != 0) continue;
    std::string value = field.default_value.is_null() ? "" : field.default_value.dump();
    if (field.optional) value += " (the generator's)";
    fmt::print("{:<36} {:<10} {}\n", field.key, train::to_string(field.type), field.label);
    fmt::print("{:<36} allowed: {}; default: {}{}\n", "", field.allowed(), value,
               field.unit.empty() ? "" : "; unit: " + field.unit);
    if (field.applies_when) {
      std::string values;
      for (const auto& v : field.applies_when->values) values += (values.empty() ? "" : " or ") + v;
      fmt::print("{:<36} applies when {} is {}\n", "", field.applies_when->key, values);
    }
    fmt::print("{:<36} {}\n", "", field.tooltip);
    ++shown;
  }
  if (prefix.empty() || std::string(train::kHeadParamsKey).rfind(prefix, 0) == 0) {
    fmt::print("{:<36} {:<10} {}\n{:<36} {}\n", train::kHeadParamsKey, "by name", "Head hyperparameters", "",
               "numbers and choices by name, as `marginlab-cli heads` lists them for head.kind; absent ones keep "
               "the head's defaults");
    ++shown;
  }
  if (shown == 0) {
    fmt::print(stderr, "keys: no experiment key starts with \"{}\"\n", prefix);
    return 1;
  }
  return 0;
}

}  // namespace

void add_experiment_commands(CLI::App& app, CLI::App& bench_group, Commands& commands) {
  (void)bench_group;
  auto* keys = app.add_subcommand("keys", "every experiment key: type, allowed values, default, when it applies");
  auto prefix = std::make_shared<std::string>();
  keys->add_option("prefix", *prefix, "only the keys starting with this, e.g. optimizer.");
  commands.push_back({keys, [prefix] { return run_keys(*prefix); }});
}

}  // namespace marginlab::cli
