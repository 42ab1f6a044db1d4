// The field table is the experiment format: every key it lists reads, writes and refuses as it says.
#include "core/experiment/experiment_fields.h"

#include <gtest/gtest.h>

#include <set>

#include "core/errors.h"

namespace marginlab::train {
namespace {

using nlohmann::json;

std::string error_of(const json& document) {
  try {
    experiment_from_json(document, "fields.json");
  } catch (const InvalidParameter& error) {
    return error.what();
  }
  return "";
}

json document_with(const std::string& key, const json& value) {
  json document = json::object();
  apply_override(document, key + "=" + value.dump());
  return document;
}

TEST(ExperimentFields, EveryKeyOfTheWrittenFileIsAFieldOrASection) {
  std::set<std::string> written;
  std::function<void(const json&, const std::string&)> walk = [&](const json& node, const std::string& path) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      const auto key = path.empty() ? it.key() : path + "." + it.key();
      if (it.value().is_object() && !find_field(key)) {
        EXPECT_TRUE(is_field_section(key)) << key;
        if (key != kHeadParamsKey) walk(it.value(), key);
      } else {
        EXPECT_NE(find_field(key), nullptr) << key;
        written.insert(key);
      }
    }
  };
  walk(to_json(Experiment{}), "");
  // ... and every field that is not optional is written.
  for (const auto& field : experiment_fields()) {
    if (!field.optional) {
      EXPECT_TRUE(written.count(field.key)) << field.key;
    }
  }
}

TEST(ExperimentFields, KeysAreUniqueAndDescribed) {
  std::set<std::string> keys;
  for (const auto& field : experiment_fields()) {
    EXPECT_TRUE(keys.insert(field.key).second) << "twice: " << field.key;
    EXPECT_FALSE(field.label.empty()) << field.key;
    EXPECT_FALSE(field.tooltip.empty()) << field.key;
    if (field.type == FieldType::choice) {
      EXPECT_GE(field.choices.size(), 2u) << field.key;
    }
    if (field.applies_when) {
      EXPECT_NE(find_field(field.applies_when->key), nullptr) << field.key;
    }
  }
}

TEST(ExperimentFields, DefaultsAreTheExperimentsOwnAndPassTheirOwnChecks) {
  const Experiment defaults;
  for (const auto& field : experiment_fields()) {
    SCOPED_TRACE(field.key);
    const json value = field_value(field, defaults);
    EXPECT_EQ(value, field.default_value);
    EXPECT_EQ(field.refusal(value), "");
  }
}

// Each field's range bounds: the bound itself is taken when closed and refused when open; one step past it is
// refused with the field's own key and allowed range in the message.
TEST(ExperimentFields, RangesAreEnforcedAtTheirBoundsWithTheKeyInTheMessage) {
  int checked = 0;
  for (const auto& field : experiment_fields()) {
    if (field.type != FieldType::number && field.type != FieldType::integer) continue;
    if (field.rule) continue;  // image_size: its multiple-of-16 rule speaks first
    SCOPED_TRACE(field.key);
    const bool integer = field.type == FieldType::integer;
    const auto value = [&](double x) { return integer ? json(static_cast<std::int64_t>(x)) : json(x); };
    if (field.range.lo > -1e299) {
      EXPECT_EQ(field.refusal(value(field.range.lo)).empty(), !field.range.lo_open);
      const double below = integer ? field.range.lo - 1 : field.range.lo - 1e-3 * (1 + std::abs(field.range.lo));
      if (integer && below < 0 && field.range.lo == 0) {
        // unsigned seeds: a negative number is still refused
      }
      const auto message = error_of(document_with(field.key, value(below)));
      EXPECT_NE(message.find(field.key + " = "), std::string::npos) << message;
      EXPECT_NE(message.find("must be in " + field.allowed()), std::string::npos) << message;
    }
    if (field.range.hi < 1e299 && field.range.hi < 1e12) {
      const double above = integer ? field.range.hi + 1 : field.range.hi + 1e-3 * (1 + std::abs(field.range.hi));
      EXPECT_NE(field.refusal(value(above)), "");
    }
    ++checked;
  }
  EXPECT_GT(checked, 30);
}

TEST(ExperimentFields, TypesAndChoicesAreRefusedByName) {
  EXPECT_NE(error_of(document_with("train.epochs", 1.5)).find("train.epochs = 1.5: must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of(document_with("model.channels_last", "yes")).find("must be true or false"), std::string::npos);
  EXPECT_NE(error_of(document_with("optimizer.kind", "lion")).find("optimizer.kind = \"lion\": must be one of sgd, adamw"),
            std::string::npos);
  EXPECT_NE(error_of(document_with("data.mean", json::array({0.5, 0.5}))).find("must be an array of 3 numbers"),
            std::string::npos);
  EXPECT_NE(error_of(document_with("data.synthface.identities", 1)).find("data.synthface.identities = 1: must be in [2, 1000000]"),
            std::string::npos);
  EXPECT_NE(error_of(document_with("data.synthface.colour", 1)).find("data.synthface.colour = 1: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(document_with("name", "a/b")).find("must be a non-empty name without '/'"), std::string::npos);
}

TEST(ExperimentFields, SetThenGetIsTheValueForEveryField) {
  for (const auto& field : experiment_fields()) {
    SCOPED_TRACE(field.key);
    Experiment e;
    json value = field_value(field, e);
    if (field.type == FieldType::choice) value = field.choices.back().name;
    if (field.type == FieldType::boolean) value = !value.get<bool>();
    if (field.type == FieldType::integer && field.refusal(json(field.range.lo + 16)).empty()) {
      value = static_cast<std::int64_t>(field.range.lo + 16);
    }
    ASSERT_EQ(field.refusal(value), "");
    field.set(e, value);
    EXPECT_EQ(field_value(field, e), value);
  }
}

TEST(ExperimentFields, ConditionsFollowTheFieldsTheyNameAndOptionalFieldsStayAbsent) {
  Experiment e;
  const auto& momentum = *find_field("optimizer.momentum");
  const auto& betas = *find_field("optimizer.betas");
  EXPECT_TRUE(momentum.applies_to(e));
  EXPECT_FALSE(betas.applies_to(e));
  e.optimizer.kind = OptimizerKind::adamw;
  EXPECT_FALSE(momentum.applies_to(e));
  EXPECT_TRUE(betas.applies_to(e));
  EXPECT_EQ(find_field("head.kappa_statistics"), nullptr);  // now KappaFace's choice head.params.statistics

  const auto& seed = *find_field("data.synthface.seed");
  EXPECT_TRUE(seed.get(e).is_null());
  EXPECT_EQ(field_value(seed, e), 1);
  EXPECT_FALSE(to_json(e)["data"]["synthface"].contains("seed"));
}

}  // namespace
}  // namespace marginlab::train
