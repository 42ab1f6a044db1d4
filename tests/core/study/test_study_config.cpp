// A study file is read with the experiment files' conventions: the base found as a file beside it or a preset, the
// shared keys applied, and every malformed entry refused with the key and the value named.
#include "core/study/study_config.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "tests/core/study/study_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::study {
namespace {

using nlohmann::json;
using test_support::TempDir;
using testing::read_study;
using testing::small_study;

// The message of the InvalidParameter that reading `document` throws.
std::string refusal(const json& document) {
  TempDir dir;
  try {
    read_study(dir.path(), document);
  } catch (const InvalidParameter& error) {
    return error.what();
  }
  return "accepted";
}

TEST(StudyConfig, ReadsAPresetBaseWithTheSharedKeys) {
  TempDir dir;
  const auto config = read_study(dir.path(), small_study());
  EXPECT_EQ(config.name, "small");
  EXPECT_EQ(config.base["head"]["kind"], "adaface");  // the preset's
  EXPECT_EQ(config.base["train"]["max_steps"], 12);   // "set"
  EXPECT_NE(config.base_origin.find("synthface-demo.json"), std::string::npos);
  ASSERT_EQ(config.axes.size(), 2u);
  EXPECT_EQ(config.axes[1].key, "optimizer.lr");
  EXPECT_EQ(config.seeds, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(config.metric.describe(), "accuracy on synthface low-low");
  EXPECT_EQ(config.parallel.runs, 1);
  EXPECT_EQ(config.early_stopping.rule, StoppingRule::none);
}

TEST(StudyConfig, FindsTheBaseBesideTheStudyFileFirst) {
  TempDir dir;
  std::ofstream(dir.path() / "synthface-demo") << R"({"name": "mine", "head": {"kind": "arcface"}})";
  const auto config = read_study(dir.path(), small_study());
  EXPECT_EQ(config.base["name"], "mine");
  EXPECT_EQ(config.base["head"]["kind"], "arcface");
}

TEST(StudyConfig, RoundTripsThroughItsJson) {
  TempDir dir;
  auto document = small_study();
  document["axes"].push_back({{"key", "head.params.h"}, {"range", {{"min", 0.1}, {"max", 0.9}, {"scale", "log"}}}});
  document["sampling"] = {{"kind", "random"}, {"settings", 5}, {"seed", 3}};
  document["early_stopping"] = {{"rule", "successive_halving"}, {"at_steps", {4, 8}}, {"keep", 0.34}, {"min_runs", 2}};
  document["parallel"] = {{"runs", 2}, {"threads_per_run", 1}};
  document["metric"]["measure"] = "tar@far=1e-2";
  const auto config = read_study(dir.path(), document);
  const auto again = study_from_json(to_json(config), "again", [](const json& base) {
    return ResolvedBase{base, "x"};
  });
  EXPECT_EQ(to_json(again), to_json(config));
  EXPECT_EQ(again.metric.far(), 1e-2);
  EXPECT_TRUE(again.axes[2].range->log);
  EXPECT_EQ(again.early_stopping.at_steps, (std::vector<std::int64_t>{4, 8}));
  EXPECT_EQ(again.random_settings, 5);
}

TEST(StudyConfig, RefusesMalformedEntriesNamingKeyAndValue) {
  auto unknown = small_study();
  unknown["axis"] = json::array();
  EXPECT_NE(refusal(unknown).find("axis = []: unknown key"), std::string::npos) << refusal(unknown);

  auto no_values = small_study();
  no_values["axes"][0].erase("values");
  EXPECT_NE(refusal(no_values).find("axes[0] (head.params.m)"), std::string::npos) << refusal(no_values);

  auto range_in_grid = small_study();
  range_in_grid["axes"][1] = {{"key", "optimizer.lr"}, {"range", {{"min", 0.01}, {"max", 0.1}}}};
  EXPECT_NE(refusal(range_in_grid).find("a range needs random sampling"), std::string::npos);

  auto overlapping = small_study();
  overlapping["axes"][1] = {{"key", "head"}, {"values", {json{{"kind", "arcface"}}}}};
  EXPECT_NE(refusal(overlapping).find("overlaps the axis head.params.m"), std::string::npos) << refusal(overlapping);

  auto bad_measure = small_study();
  bad_measure["metric"]["measure"] = "tar@far=3e-3";
  EXPECT_NE(refusal(bad_measure).find("metric.measure = \"tar@far=3e-3\""), std::string::npos);

  auto unsorted = small_study();
  unsorted["early_stopping"] = {{"rule", "median"}, {"at_steps", {8, 4}}};
  EXPECT_NE(refusal(unsorted).find("must be ascending"), std::string::npos);

  auto keep = small_study();
  keep["early_stopping"] = {{"rule", "successive_halving"}, {"at_steps", {4}}, {"keep", 1.5}};
  EXPECT_NE(refusal(keep).find("early_stopping.keep = 1.5"), std::string::npos);

  auto seeds = small_study();
  seeds["seeds"] = {1, 1};
  EXPECT_NE(refusal(seeds).find("seeds = 1: listed twice"), std::string::npos) << refusal(seeds);

  auto seed_axis = small_study();
  seed_axis["axes"][1] = {{"key", "train.seed"}, {"values", {1, 2}}};
  EXPECT_NE(refusal(seed_axis).find("list seeds under \"seeds\""), std::string::npos);

  auto no_base = small_study();
  no_base["base"] = "no-such-preset";
  EXPECT_NE(refusal(no_base).find("base = \"no-such-preset\""), std::string::npos) << refusal(no_base);

  auto labels = small_study();
  labels["axes"][0]["labels"] = {"one"};
  EXPECT_NE(refusal(labels).find("must be a list of 2 names"), std::string::npos);
}

TEST(StudyConfig, SetKeyMakesSectionsAndRefusesToWalkThroughAValue) {
  json document{{"train", {{"epochs", 2}}}};
  set_key(document, "head.params.m", 0.4, "here");
  EXPECT_EQ(document["head"]["params"]["m"], 0.4);
  set_key(document, "train.epochs", 3, "here");
  EXPECT_EQ(document["train"]["epochs"], 3);
  EXPECT_THROW(set_key(document, "train.epochs.x", 1, "here"), InvalidParameter);
}

}  // namespace
}  // namespace marginlab::study
