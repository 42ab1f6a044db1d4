// head.schedule and optimizer.schedule: their form, their checks against the head, the text the workbench edits.
#include "core/experiment/param_schedule.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "core/experiment/experiment.h"

namespace marginlab::train {
namespace {

using nlohmann::json;

Experiment with(const std::string& key, const std::string& value) {
  json document = {{"head", {{"kind", "adaface"}}}};
  apply_override(document, key + "=" + value);
  return experiment_from_json(document, "probe.json");
}

std::string refusal(const std::string& key, const std::string& value) {
  try {
    with(key, value);
  } catch (const InvalidParameter& error) {
    return error.what();
  }
  return "accepted";
}

TEST(ParamSchedule, ReadsAndWritesBack) {
  const auto e = with("head.schedule", R"([{"step": 0, "params": {"m": 0}}, {"step": 200, "params": {"m": 0.4}}])");
  ASSERT_EQ(e.head.schedule.size(), 2u);
  EXPECT_EQ(e.head.schedule[1].step, 200);
  EXPECT_DOUBLE_EQ(e.head.schedule[1].params.at("m"), 0.4);
  EXPECT_EQ(experiment_from_json(to_json(e), "again").head.schedule, e.head.schedule);
  EXPECT_TRUE(Experiment{}.head.schedule.empty());
  EXPECT_EQ(to_json(Experiment{})["optimizer"]["schedule"], json::array());
}

TEST(ParamSchedule, RefusesWhatALiveChangeCouldNotSet) {
  EXPECT_NE(refusal("head.schedule", R"([{"step": 10, "params": {"m": 0.3}}, {"step": 5, "params": {"m": 0.4}}])")
                .find("steps must increase"),
            std::string::npos);
  EXPECT_NE(
      refusal("head.schedule", R"([{"step": 10, "params": {"q": 1}}])").find("q is not a live parameter of adaface"),
      std::string::npos);
  EXPECT_NE(refusal("head.schedule", R"([{"step": 10, "params": {"m": -7}}])").find("head.schedule, step 10"),
            std::string::npos);
  EXPECT_NE(
      refusal("optimizer.schedule", R"([{"step": 10, "params": {"m": 0.1}}])").find("only the base learning rate"),
      std::string::npos);
  EXPECT_NE(refusal("optimizer.schedule", R"([{"step": 10, "params": {"lr": 0}}])").find("lr = 0"), std::string::npos);
  EXPECT_NE(refusal("head.schedule", R"([{"step": 1.5, "params": {"m": 0.1}}])").find("integers"), std::string::npos);
  EXPECT_NE(refusal("head.schedule", R"({"step": 1})").find("must be an array"), std::string::npos);
}

TEST(ParamSchedule, RecordsChangesInStepOrderOnePerStep) {
  ParamSchedule schedule;
  record_change(schedule, 50, "m", 0.3);
  record_change(schedule, 10, "h", 0.2);
  record_change(schedule, 50, "m", 0.35);  // a later change at the same boundary wins
  record_change(schedule, 50, "h", 0.1);
  ASSERT_EQ(schedule.size(), 2u);
  EXPECT_EQ(schedule[0].step, 10);
  EXPECT_DOUBLE_EQ(schedule[1].params.at("m"), 0.35);
  EXPECT_EQ(change_at(schedule, 50), &schedule[1]);
  EXPECT_EQ(change_at(schedule, 11), nullptr);
}

TEST(ParamSchedule, TextRoundTripsAndNamesWhatItCannotRead) {
  const auto schedule = schedule_from_text(" 0: m=0 ; 2000: m=0.4, h=0.333");
  ASSERT_EQ(schedule.size(), 2u);
  EXPECT_DOUBLE_EQ(schedule[1].params.at("h"), 0.333);
  EXPECT_EQ(schedule_to_text(schedule), "0: m=0; 2000: h=0.333, m=0.4");
  EXPECT_EQ(schedule_from_text(schedule_to_text(schedule)), schedule);
  EXPECT_TRUE(schedule_from_text("").empty());
  try {
    schedule_from_text("100: m=big");
    FAIL();
  } catch (const InvalidParameter& error) {
    EXPECT_NE(std::string(error.what()).find("\"big\" is not a number"), std::string::npos) << error.what();
  }
  EXPECT_THROW(schedule_from_text("100 m=0.3"), InvalidParameter);
  EXPECT_THROW(schedule_from_text("100: m"), InvalidParameter);
  EXPECT_THROW(schedule_from_text("200: m=0.3; 100: m=0.2"), InvalidParameter);
}

}  // namespace
}  // namespace marginlab::train
