// Dotted keys: the slot made with its sections, a path through a value refused with the document left as it was.
#include "core/json_path.h"

#include <gtest/gtest.h>

namespace marginlab {
namespace {

using nlohmann::json;

TEST(JsonPath, MakesSectionsAndRefusesToWalkThroughAValue) {
  json document{{"train", {{"epochs", 2}}}};
  std::string problem;
  *dotted_slot(document, "head.params.m", &problem) = 0.4;
  EXPECT_EQ(document["head"]["params"]["m"], 0.4);
  const json before = document;
  EXPECT_EQ(dotted_slot(document, "train.epochs.x.y", &problem), nullptr);
  EXPECT_EQ(problem, "train.epochs is not a section");
  EXPECT_EQ(dotted_slot(document, "train..epochs", &problem), nullptr);
  EXPECT_EQ(problem, "empty key component");
  EXPECT_EQ(dotted_slot(document, "train.", &problem), nullptr);
  EXPECT_EQ(document, before);
  ASSERT_NE(find_dotted(document, "train.epochs"), nullptr);
  EXPECT_EQ(*find_dotted(document, "train.epochs"), 2);
  EXPECT_EQ(find_dotted(document, "train.seed"), nullptr);
  EXPECT_EQ(find_dotted(document, "train.epochs.x"), nullptr);
}

}  // namespace
}  // namespace marginlab
