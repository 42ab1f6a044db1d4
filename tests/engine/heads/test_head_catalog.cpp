// The torch-free parameter catalogue lists exactly what the built heads list, and refuses what they refuse.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/heads/head_catalog.h"
#include "engine/heads/head_factory.h"

namespace marginlab::heads {
namespace {

TEST(HeadCatalog, ListsWhatEveryBuiltHeadListsAtItsDefaults) {
  for (const auto& [kind, description] : head_kinds()) {
    HeadSpec spec;
    spec.kind = kind;
    spec.embedding_dim = 4;
    spec.num_classes = 2;
    const auto built = make_head(spec)->parameter_values();
    const auto listed = head_parameter_values(kind);
    ASSERT_EQ(listed.size(), built.size()) << kind;
    for (std::size_t i = 0; i < built.size(); ++i) {
      EXPECT_EQ(listed[i].name, built[i].name) << kind;
      EXPECT_EQ(listed[i].value, built[i].value) << kind << " " << built[i].name;
      EXPECT_EQ(listed[i].lo, built[i].lo) << kind << " " << built[i].name;
      EXPECT_EQ(listed[i].hi, built[i].hi) << kind << " " << built[i].name;
      EXPECT_EQ(listed[i].lo_open, built[i].lo_open) << kind << " " << built[i].name;
      EXPECT_EQ(listed[i].hi_open, built[i].hi_open) << kind << " " << built[i].name;
    }
  }
}

TEST(HeadCatalog, AppliesValuesAndRefusesWhatTheHeadRefuses) {
  const auto values = head_parameter_values("adaface", {{"m", 0.5}, {"h", 0.2}});
  for (const auto& p : values) {
    if (p.name == "m") EXPECT_EQ(p.value, 0.5);
    if (p.name == "h") EXPECT_EQ(p.value, 0.2);
  }
  for (const auto& [kind, params] : std::vector<std::pair<std::string, std::map<std::string, double>>>{
           {"adaface", {{"margin", 0.4}}}, {"adaface", {{"m", -1.0}}}, {"kappaface", {{"refresh_every_steps", 2.5}}}}) {
    HeadSpec spec;
    spec.kind = kind;
    spec.embedding_dim = 4;
    spec.num_classes = 2;
    spec.values = params;
    std::string built_message, listed_message;
    try {
      make_head(spec);
    } catch (const InvalidParameter& e) {
      built_message = e.what();
    }
    try {
      head_parameter_values(kind, params);
    } catch (const InvalidParameter& e) {
      listed_message = e.what();
    }
    EXPECT_FALSE(listed_message.empty()) << kind;
    EXPECT_EQ(listed_message, built_message);
  }
  EXPECT_THROW(head_parameter_values("softmax"), InvalidParameter);
}

}  // namespace
}  // namespace marginlab::heads
