// A study's runs: every combination of a grid (or distinct random draws) times every seed, each with the experiment
// it trains; a bad axis is refused before any run exists, naming the key and the value.
#include "core/study/study_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "core/errors.h"
#include "core/experiment/experiment.h"
#include "tests/core/study/study_fixture.h"
#include "tests/support/temp_dir.h"

namespace marginlab::study {
namespace {

using nlohmann::json;
using test_support::TempDir;
using testing::read_study;
using testing::small_study;

std::string plan_refusal(const json& document) {
  TempDir dir;
  try {
    plan_study(read_study(dir.path(), document));
  } catch (const InvalidParameter& error) {
    return error.what();
  }
  return "accepted";
}

TEST(StudyPlan, GridTimesSeedsInOrder) {
  TempDir dir;
  auto document = small_study();
  document["axes"][1]["values"] = {0.05, 0.1, 0.2};
  const auto config = read_study(dir.path(), document);
  const auto plan = plan_study(config);
  EXPECT_EQ(plan.settings, 6);
  ASSERT_EQ(plan.runs.size(), 12u);
  EXPECT_EQ(plan.runs[0].id, "r01");
  EXPECT_EQ(plan.runs[11].id, "r12");
  // The first axis outermost, seeds innermost.
  EXPECT_EQ(plan.runs[0].values, (std::vector<json>{0.3, 0.05}));
  EXPECT_EQ(plan.runs[1].values, plan.runs[0].values);
  EXPECT_EQ(plan.runs[1].seed, 2u);
  EXPECT_EQ(plan.runs[2].values, (std::vector<json>{0.3, 0.1}));
  EXPECT_EQ(plan.runs[11].values, (std::vector<json>{0.4, 0.2}));
  EXPECT_EQ(plan.runs[11].setting, 5);
  const auto& experiment = plan.runs[11].experiment;
  EXPECT_EQ(experiment["head"]["params"]["m"], 0.4);
  EXPECT_EQ(experiment["head"]["params"]["h"], 0.333);  // the base's, untouched
  EXPECT_EQ(experiment["optimizer"]["lr"], 0.2);
  EXPECT_EQ(experiment["train"]["seed"], 2);
  EXPECT_EQ(experiment["train"]["max_steps"], 12);
  EXPECT_EQ(experiment["name"], "small-r12");
  EXPECT_EQ(describe_setting(config, plan.runs[11].values), "head.params.m=0.4, optimizer.lr=0.2");
}

TEST(StudyPlan, AWholeSectionAsAnAxisWithLabels) {
  TempDir dir;
  auto document = small_study();
  document["axes"] = json::parse(R"([{"key": "head", "labels": ["ArcFace", "CosFace"],
    "values": [{"kind": "arcface", "params": {"m": 0.5, "s": 64}}, {"kind": "cosface", "params": {"m": 0.35, "s": 64}}]}])");
  const auto config = read_study(dir.path(), document);
  const auto plan = plan_study(config);
  ASSERT_EQ(plan.runs.size(), 4u);
  EXPECT_EQ(plan.runs[2].experiment["head"]["kind"], "cosface");
  EXPECT_FALSE(plan.runs[2].experiment["head"]["params"].contains("h"));  // the base's AdaFace h is gone with it
  EXPECT_EQ(describe_setting(config, plan.runs[2].values), "CosFace");
}

TEST(StudyPlan, RefusesAValueTheExperimentRefuses) {
  auto out_of_range = small_study();
  out_of_range["axes"][0]["values"] = {0.3, 7};
  const auto range_message = plan_refusal(out_of_range);
  EXPECT_NE(range_message.find("head.params.m"), std::string::npos) << range_message;
  EXPECT_NE(range_message.find("7"), std::string::npos) << range_message;
  EXPECT_NE(range_message.find("run r05"), std::string::npos) << range_message;

  auto unknown_key = small_study();
  unknown_key["axes"][1]["key"] = "optimiser.lr";
  const auto key_message = plan_refusal(unknown_key);
  EXPECT_NE(key_message.find("optimiser"), std::string::npos) << key_message;
  EXPECT_NE(key_message.find("unknown key"), std::string::npos) << key_message;

  auto wrong_type = small_study();
  wrong_type["axes"][1]["values"] = {0.05, "fast"};
  EXPECT_NE(plan_refusal(wrong_type).find("optimizer.lr = \"fast\""), std::string::npos) << plan_refusal(wrong_type);

  auto claim = small_study();
  claim["claims"] = json::parse(R"([{"claim": "x", "setting": "head.params.m=0.3, optimizer.lr=0.05",
                                     "against": ["head.params.m=0.9, optimizer.lr=0.05"]}])");
  EXPECT_NE(plan_refusal(claim).find("claims[0] names \"head.params.m=0.9, optimizer.lr=0.05\", not a setting"),
            std::string::npos)
      << plan_refusal(claim);

  auto unevaluated = small_study();
  unevaluated["metric"]["set"] = "lfw";
  EXPECT_NE(plan_refusal(unevaluated).find("metric.set = \"lfw\": the run does not evaluate it"), std::string::npos);
}

TEST(StudyPlan, EvaluatesAtTheEarlyStoppingSteps) {
  TempDir dir;
  auto document = small_study();
  document["early_stopping"] = {{"rule", "median"}, {"at_steps", {4, 10}}};
  const auto plan = plan_study(read_study(dir.path(), document));
  EXPECT_EQ(plan.runs[0].experiment["eval"]["every_steps"], 2);  // gcd(4, 10)

  document["set"]["eval.every_steps"] = 4;
  const auto message = plan_refusal(document);
  EXPECT_NE(message.find("early_stopping.at_steps = 10"), std::string::npos) << message;
}

TEST(StudyPlan, RandomDrawsAreDistinctInRangeAndRepeatable) {
  TempDir dir;
  auto document = small_study();
  document["axes"] = json::parse(R"([{"key": "optimizer.lr", "range": {"min": 0.001, "max": 0.3, "scale": "log"}},
    {"key": "head.params.h", "values": [0, 0.333, 0.66]},
    {"key": "train.batch_size", "range": {"min": 32, "max": 128, "integer": true}}])");
  document["sampling"] = {{"kind", "random"}, {"settings", 8}, {"seed", 11}};
  const auto config = read_study(dir.path(), document);
  const auto plan = plan_study(config);
  EXPECT_EQ(plan.settings, 8);
  ASSERT_EQ(plan.runs.size(), 16u);
  std::set<std::string> seen;
  for (const auto& run : plan.runs) {
    const double lr = run.values[0];
    EXPECT_GE(lr, 0.001);
    EXPECT_LE(lr, 0.3);
    EXPECT_TRUE(run.values[2].is_number_integer());
    seen.insert(json(run.values).dump());
  }
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(to_json(plan_study(config)), to_json(plan));

  document["axes"] = json::parse(R"([{"key": "head.params.h", "values": [0, 0.333]}])");
  document["sampling"]["settings"] = 3;
  EXPECT_NE(plan_refusal(document).find("only 2 distinct settings"), std::string::npos);
}

TEST(StudyPlan, RoundTripsThroughItsJson) {
  TempDir dir;
  const auto plan = plan_study(read_study(dir.path(), small_study()));
  const auto again = study_plan_from_json(to_json(plan), "plan.json");
  EXPECT_EQ(to_json(again), to_json(plan));
  auto broken = to_json(plan);
  broken["runs"][0]["setting"] = 9;
  EXPECT_THROW(study_plan_from_json(broken, "plan.json"), InvalidFile);
}

// The studies the repository ships (and reports on in docs/studies/) plan as they are, with a description for the
// report and claims naming their settings.
TEST(StudyPlan, EveryBuiltInStudyPlans) {
  int studies = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MARGINLAB_STUDIES_DIR)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    const auto config = read_study_file(entry.path(), MARGINLAB_PRESETS_DIR);
    EXPECT_EQ(config.name, entry.path().stem().string());
    EXPECT_FALSE(config.description.empty());
    EXPECT_FALSE(config.claims.empty());
    const auto plan = plan_study(config);
    EXPECT_EQ(plan.runs.size(), static_cast<std::size_t>(plan.settings) * config.seeds.size());
    ++studies;
  }
  EXPECT_GE(studies, 2);
}

// kappaface-claims compares imbalance ratios whose datasets differ in size: every run gets the same number of steps
// (a step cap reached before the epochs end), not the same epochs, which gave the smaller dataset 40% of the updates.
TEST(StudyPlan, KappafaceClaimsMatchesStepsAcrossImbalanceRatios) {
  const auto config =
      read_study_file(std::filesystem::path(MARGINLAB_STUDIES_DIR) / "kappaface-claims.json", MARGINLAB_PRESETS_DIR);
  const auto plan = plan_study(config);
  ASSERT_FALSE(plan.runs.empty());
  const auto steps = plan.runs.front().experiment["train"]["max_steps"];
  EXPECT_GT(steps.get<int>(), 0);
  for (const auto& run : plan.runs) EXPECT_EQ(run.experiment["train"]["max_steps"], steps) << run.id;
}

}  // namespace
}  // namespace marginlab::study
