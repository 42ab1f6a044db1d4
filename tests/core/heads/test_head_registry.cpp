// The head registry: every head described once, with typed parameters, capabilities and the older kind names.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>
#include <string>

#include "core/errors.h"
#include "core/heads/head_registry.h"
#include "core/range.h"

namespace marginlab::heads {
namespace {

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InvalidParameter& e) {
    return e.what();
  }
  ADD_FAILURE() << "did not throw InvalidParameter";
  return {};
}

const ParamValue& param(const std::vector<ParamValue>& params, const std::string& name) {
  for (const auto& p : params) {
    if (p.name == name) return p;
  }
  throw std::out_of_range(name);
}

TEST(HeadRegistry, ListsEveryHeadOnceWithDescribedParameters) {
  std::set<std::string> kinds;
  for (const auto& head : head_registry()) {
    EXPECT_TRUE(kinds.insert(head.kind).second) << head.kind;
    EXPECT_EQ(find_head(head.kind), &head);
    EXPECT_FALSE(head.title.empty()) << head.kind;
    EXPECT_FALSE(head.description.empty()) << head.kind;
    ASSERT_NE(head.resolve, nullptr) << head.kind;
    EXPECT_EQ(param(head.params, "s").value, 64.0) << head.kind;  // every head has a logit scale, 64 by default
    for (const auto& p : head.params) {
      EXPECT_FALSE(p.help.empty()) << head.kind << "." << p.name;
      if (p.type == HeadParamType::choice) {
        EXPECT_FALSE(p.live) << head.kind << "." << p.name;  // another choice is another loss
        ASSERT_FALSE(p.choices.empty()) << head.kind << "." << p.name;
        EXPECT_EQ(p.choice, p.choices.front().name) << "the first choice is the default: " << head.kind;
      } else {
        EXPECT_TRUE((marginlab::Range{p.lo, p.hi, p.lo_open, p.hi_open}.contains(p.value)))
            << head.kind << "." << p.name;
      }
    }
  }
  for (const char* kind :
       {"normface", "cosface", "arcface", "curricularface", "magface", "elasticface", "adaface", "kappaface"}) {
    EXPECT_TRUE(kinds.count(kind)) << kind;
  }
  EXPECT_EQ(find_head("arcface-legacy"), nullptr);  // aliases are not heads of their own
}

TEST(HeadRegistry, VariantsAreChoicesOfOneHead) {
  const auto arcface = find_head("arcface")->params;
  EXPECT_EQ(param(arcface, "form").type, HeadParamType::choice);
  std::vector<std::string> forms;
  for (const auto& c : param(arcface, "form").choices) forms.push_back(c.name);
  EXPECT_EQ(forms, (std::vector<std::string>{"exact", "straight_through", "legacy"}));
  const auto kappaface = find_head("kappaface")->params;
  EXPECT_EQ(param(kappaface, "statistics").choice, "memory");
  EXPECT_EQ(param(kappaface, "formula").choice, "code");
  EXPECT_EQ(param(kappaface, "refresh_every_steps").type, HeadParamType::integer);
  // The paper's formula is reachable by name.
  EXPECT_EQ(param(head_parameter_values("kappaface", {{"formula", std::string("paper")}}), "formula").choice, "paper");

  std::vector<std::string> labels;
  for (const auto& v : head_variants()) labels.push_back(v.label());
  std::size_t expected = 0;  // the product of each head's choice counts, summed over the heads
  for (const auto& head : head_registry()) {
    std::size_t of_head = 1;
    for (const auto& p : head.params) of_head *= p.type == HeadParamType::choice ? p.choices.size() : 1;
    expected += of_head;
  }
  EXPECT_EQ(labels.size(), expected);
  EXPECT_EQ(std::set<std::string>(labels.begin(), labels.end()).size(), labels.size());
  EXPECT_NE(std::find(labels.begin(), labels.end(), "arcface(form=legacy)"), labels.end());
  EXPECT_NE(std::find(labels.begin(), labels.end(), "elasticface(assignment=ranked, form=cos)"), labels.end());
}

TEST(HeadRegistry, OlderKindNamesAreTheHeadWithAChoice) {
  const auto legacy = canonical_head("arcface-legacy");
  EXPECT_EQ(legacy.head->kind, "arcface");
  EXPECT_EQ(legacy.values, (HeadValues{{"form", std::string("legacy")}}));
  const auto cos_plus = canonical_head("elasticface-cos+", {{"sigma", 0.03}});
  EXPECT_EQ(cos_plus.head->kind, "elasticface");
  EXPECT_EQ(cos_plus.values,
            (HeadValues{{"form", std::string("cos")}, {"assignment", std::string("ranked")}, {"sigma", 0.03}}));
  // The same choice given again is fine; a different one contradicts the name.
  EXPECT_NO_THROW(canonical_head("arcface-legacy", {{"form", std::string("legacy")}}));
  const auto msg = message_of([] { canonical_head("arcface-legacy", {{"form", std::string("exact")}}); });
  EXPECT_NE(msg.find("arcface-legacy"), std::string::npos) << msg;
  EXPECT_NE(msg.find("form = \"exact\""), std::string::npos) << msg;
  const auto unknown = message_of([] { canonical_head("sphereface"); });
  EXPECT_NE(unknown.find("'sphereface'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("adaface"), std::string::npos) << "lists the known kinds: " << unknown;
}

TEST(HeadRegistry, DefaultsThatDependOnAChoiceFollowIt) {
  // The ElasticFace paper's m and σ per variant, unless given.
  const auto arc = head_parameter_values("elasticface");
  EXPECT_EQ(param(arc, "m").value, 0.5);
  EXPECT_EQ(param(arc, "sigma").value, 0.05);
  const auto cos_plus = head_parameter_values("elasticface-cos+");
  EXPECT_EQ(param(cos_plus, "m").value, 0.35);
  EXPECT_EQ(param(cos_plus, "sigma").value, 0.02);
  const auto given = head_parameter_values("elasticface", {{"form", std::string("cos")}, {"m", 0.3}});
  EXPECT_EQ(param(given, "m").value, 0.3);
  EXPECT_EQ(param(given, "sigma").value, 0.05);
}

TEST(HeadRegistry, RefusesWrongTypesUnknownChoicesAndFractionalIntegers) {
  const auto type = message_of([] { head_parameter_values("adaface", {{"m", std::string("large")}}); });
  EXPECT_EQ(type, "AdaFace: m = \"large\" must be a number");
  const auto choice = message_of([] { head_parameter_values("arcface", {{"form", std::string("sphere")}}); });
  EXPECT_EQ(choice, "ArcFace: form = \"sphere\" must be one of exact, straight_through, legacy");
  const auto number_for_choice = message_of([] { head_parameter_values("kappaface", {{"formula", 1.0}}); });
  EXPECT_NE(number_for_choice.find("formula = 1 must be one of code, paper"), std::string::npos) << number_for_choice;
  const auto fraction = message_of([] { head_parameter_values("kappaface", {{"refresh_every_steps", 2.5}}); });
  EXPECT_NE(fraction.find("refresh_every_steps = 2.5 must be a whole number"), std::string::npos) << fraction;
  const auto range = message_of([] { head_parameter_values("adaface", {{"h", 1.5}}); });
  EXPECT_EQ(range, "AdaFace: h = 1.5 is outside the allowed range [0, 1]");
  const auto name = message_of([] { head_parameter_values("cosface", {{"margin", 0.3}}); });
  EXPECT_EQ(name, "CosFace: unknown parameter 'margin' (known: s, m)");
}

TEST(HeadRegistry, CapabilitiesCanDependOnAChoice) {
  const auto& kappaface = *find_head("kappaface");
  const auto memory = kappaface.resolve({});
  const auto encoder = kappaface.resolve({{"statistics", std::string("momentum_encoder")}});
  EXPECT_TRUE(kappaface.has(HeadCapability::class_statistics, memory));
  EXPECT_TRUE(kappaface.has(HeadCapability::class_statistics, encoder));
  EXPECT_TRUE(kappaface.has(HeadCapability::sample_memory, memory));
  EXPECT_FALSE(kappaface.has(HeadCapability::sample_memory, encoder));
  EXPECT_FALSE(kappaface.has(HeadCapability::momentum_encoder, memory));
  EXPECT_TRUE(kappaface.has(HeadCapability::momentum_encoder, encoder));
  const auto& adaface = *find_head("adaface");
  EXPECT_TRUE(adaface.has(HeadCapability::feature_norms, adaface.params));
  EXPECT_FALSE(adaface.has(HeadCapability::class_statistics, adaface.params));
  for (auto capability : all_capabilities()) {
    EXPECT_FALSE(to_string(capability).empty());
    EXPECT_FALSE(describe(capability).empty());
  }
}

}  // namespace
}  // namespace marginlab::heads
