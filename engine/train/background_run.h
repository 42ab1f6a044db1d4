#pragma once
// A training run on a thread of its own, as both front ends need it: marginlab-cli train and the workbench's bridge
// each own one and differ only in what they do with what it reports. The Trainer is built on that thread (building a
// model or scanning a dataset can take seconds), runs there, and everything it reports is collected by poll(), which
// the owner calls from its own thread at its own pace (the CLI's loop, the GUI's timer): per-step records, events and
// evaluations are never dropped; of the snapshots only the newest is handed out. Torch-free interface.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/telemetry/run_control.h"
#include "core/telemetry/telemetry.h"
#include "engine/train/trainer.h"

namespace marginlab::train {

class BackgroundRun {
 public:
  // Builds the trainer: a new run (Trainer(experiment)) or a resumed one (Trainer(run_directory)). Called on the
  // run's thread; an exception it throws ends the run as failed with its message.
  using TrainerFactory = std::function<std::unique_ptr<Trainer>()>;

  // Known once the trainer is built.
  struct Started {
    std::string run_directory;
    std::string device;
    std::string experiment_name;
    std::string head_kind;
    std::int64_t start_step = 0;
    std::int64_t total_steps = 0;
  };
  struct Ended {
    bool failed = false;  // the trainer could not be built, or run() threw: `error` says why
    std::string error;
    RunSummary summary;   // when not failed; summary.stopped when stopped before its planned length
    bool before_first_step = false;  // stopped before the trainer took a step
  };
  // What happened since the previous poll().
  struct Progress {
    std::optional<Started> started;
    std::vector<StepRecord> steps;
    std::vector<RunEvent> events;
    std::vector<Evaluation> evaluations;
    std::shared_ptr<const Snapshot> snapshot;  // a newer snapshot than the last one handed out, or null
    std::optional<Ended> ended;                // last: everything the run reported has been handed out before it
  };

  // Starts the thread at once.
  explicit BackgroundRun(TrainerFactory factory);
  // Stops the run (it leaves its checkpoint) and waits for the thread.
  ~BackgroundRun();
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  Progress poll();
  bool ended() const;  // true once poll() has handed out `ended`

  // Control, from any thread; each takes effect at the next step boundary. stop() before the trainer is built makes
  // the run end stopped before its first step. post() returns the mailbox version, 0 before the trainer is built.
  void pause();
  void resume();
  void stop();
  void checkpoint_now();
  std::uint64_t post(const std::vector<ParamUpdate>& updates);

 private:
  std::shared_ptr<Trainer> trainer() const;

  mutable std::mutex mutex_;
  std::shared_ptr<Trainer> trainer_;   // set once built; kept after the run so that poll() drains the last records
  bool stop_before_start_ = false;
  std::optional<Started> started_;     // not yet handed out
  std::optional<Ended> ended_;         // not yet handed out
  bool ended_handed_out_ = false;
  std::shared_ptr<const Snapshot> last_snapshot_;
  std::thread thread_;
};

}  // namespace marginlab::train
