#pragma once
// A study's runs read back from their directories: how each ended, its ranking metric along the way and at the end,
// its last verification per set; and per setting the mean over seeds with a 95% confidence interval. What
// `study report`, the study view and the runner's early stopping all read. Torch-free.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/eval/set_evaluation.h"
#include "core/study/study_directory.h"

namespace marginlab::study {

enum class RunOutcome {
  pending,      // not started
  running,      // its process lives (status.json's heartbeat)
  interrupted,  // stopped, or its process died, before the end: a resumed study continues it
  stopped,      // stopped by the early-stopping rule
  finished,
  failed,  // it ended with an error (status.json's message); a resumed study tries it again
};
std::string to_string(RunOutcome outcome);

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct RunResult {
  std::string id;
  int setting = 0;
  std::uint64_t seed = 1;
  RunOutcome outcome = RunOutcome::pending;
  std::string message;  // failed: the error; stopped: the rule's reason
  std::int64_t step = 0;
  std::int64_t total_steps = 0;
  // The ranking metric at each evaluation (step → value; NaN where the measure is not supported there).
  std::map<std::int64_t, double> metric_by_step;
  double metric = kNoValue;  // at the last evaluation
  std::int64_t metric_step = 0;
  std::map<std::string, eval::SetEvaluation> last_by_set;  // each evaluation set's newest result
  std::vector<double> loss_steps, loss;                    // the training loss per step (for the study's curves)
  double seconds = 0;  // its process's time, start to last status (a resumed run: its last process's)
  double ended = 0;    // Unix seconds of its last status
};

// One setting over its seeds.
struct SettingSummary {
  int setting = 0;
  std::string label;                   // describe_setting
  std::vector<nlohmann::json> values;  // one per axis
  int runs = 0, finished = 0, stopped = 0;
  // Over the finished runs' final metric: mean, sample standard deviation and the 95% interval's half-width
  // (Student's t; NaN with fewer than two runs).
  double mean = kNoValue, sd = kNoValue, ci95 = kNoValue;
};

struct StudyResults {
  std::vector<RunResult> runs;           // in plan order
  std::vector<SettingSummary> settings;  // in plan order
  bool higher_is_better = true;          // the metric's direction
  // Settings by mean metric, best first (settings without a finished run last).
  std::vector<int> ranking() const;
};

// Reads every run of the study; a run whose files cannot be read is `failed` with the file's error as its message.
StudyResults read_study_results(const StudyDirectory& study);

// The same, read again and again (the study window while a study runs): one RunFollower per run is kept between
// reads, so that each read parses only what the runs' files gained since the last, not every run's whole history.
// Not for two threads at once.
class StudyReader {
 public:
  explicit StudyReader(StudyDirectory study);
  ~StudyReader();
  StudyReader(StudyReader&&) noexcept;
  StudyReader& operator=(StudyReader&&) noexcept;

  StudyResults read();
  const StudyDirectory& study() const { return study_; }

  struct Followed;

 private:
  StudyDirectory study_;
  std::vector<Followed> runs_;  // in plan order
};

// The run's ranking metric in one verification result: NaN when the stratum or the FAR is not there.
double metric_value(const Metric& metric, const eval::SetEvaluation& evaluation);

// Mean, sample sd and 95% half-width (t with n−1 degrees of freedom) of `values`; NaN where undefined.
struct MeanInterval {
  double mean = kNoValue, sd = kNoValue, ci95 = kNoValue;
  int n = 0;
};
MeanInterval mean_interval(const std::vector<double>& values);

// The finished runs' values of `metric` (on their last evaluation of its set) for one setting.
std::vector<double> setting_values(const StudyResults& results, int setting, const Metric& metric);

// mean(a) − mean(b) with Welch's 95% interval (Student's t at the Welch–Satterthwaite degrees of freedom, rounded
// down); NaN bounds with fewer than two values on either side.
struct Difference {
  double difference = kNoValue, low = kNoValue, high = kNoValue;
};
Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace marginlab::study
