#pragma once
// Hyperparameter changes at given steps, as part of the experiment: `head.schedule` (the head's live parameters)
// and `optimizer.schedule` (the base learning rate, "lr"). An entry {"step": s, "params": {"m": 0.3}} is in force
// from step s + 1: it is applied at the step boundary after step s, exactly where a live change made at step s lands,
// so a run tuned by hand records its changes here and replays them bit for bit. Written by hand they give margin
// warm-ups and "softmax first, margin later" (step 0: before the first step). Torch-free.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace marginlab::train {

struct ScheduledChange {
  std::int64_t step = 0;
  std::map<std::string, double> params;  // name → value in force from step + 1
  bool operator==(const ScheduledChange& other) const { return step == other.step && params == other.params; }
};
// Entries in increasing step order, one per step (the field's rule refuses anything else).
using ParamSchedule = std::vector<ScheduledChange>;

void to_json(nlohmann::json& json, const ScheduledChange& change);
void from_json(const nlohmann::json& json, ScheduledChange& change);

// Why `value` is not a schedule ([{"step": s, "params": {name: number}}], steps increasing), or empty.
std::string schedule_refusal(const nlohmann::json& value);

// Records `name` = `value` as applied at the boundary after `step`: into that step's entry (a later value for the same
// name replaces the earlier), or a new entry in step order.
void record_change(ParamSchedule& schedule, std::int64_t step, const std::string& name, double value);

// The entry at `step`, or null.
const ScheduledChange* change_at(const ParamSchedule& schedule, std::int64_t step);

// The form the workbench edits: "0: m=0; 2000: m=0.4, h=0.333" (entries by ';', parameters by ','). parse throws
// InvalidParameter naming the part it cannot read.
std::string schedule_to_text(const ParamSchedule& schedule);
ParamSchedule schedule_from_text(const std::string& text);

}  // namespace marginlab::train
