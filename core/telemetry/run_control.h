#pragma once
// The two ways into a running trainer from another thread (the GUI's bridge, the CLI's signal handler): live
// hyperparameter changes and run control. Both are read by the trainer at step boundaries only, so a change never
// lands in the middle of a forward/backward pass. Torch-free.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace marginlab::train {

// A new value for a head hyperparameter (by its name, as `marginlab-cli heads` lists it) or for "lr": the base
// learning rate, which the schedule keeps scaling (warm-up and decay continue from the new base).
struct ParamUpdate {
  std::string name;
  double value;
  std::uint64_t version = 0;  // the mailbox version of the post that carried it (set by post)
};

inline constexpr const char* kLearningRate = "lr";

// Versioned mailbox. Each post() gets the next version; the trainer takes everything posted since its last take,
// in posting order, applies each update in turn (so the newest value per name wins) and reports "version v applied
// at step s" for every one: whoever posted a version learns its own fate, even when a later post superseded it.
class LiveParameters {
 public:
  std::uint64_t post(const std::vector<ParamUpdate>& updates);
  // A post under a version chosen by the caller (a request file's, core/run/run_requests.h); it must be newer than
  // every version so far (std::invalid_argument otherwise), so versions keep telling the order of posts.
  void post_as(std::uint64_t version, const std::vector<ParamUpdate>& updates);
  std::optional<std::vector<ParamUpdate>> take();
  std::uint64_t latest_version() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t version_ = 0;
  std::vector<ParamUpdate> pending_;
};

// Pause, resume, stop and "checkpoint now". Stop also ends a pause; stop always leaves a checkpoint.
class RunControl {
 public:
  void pause();
  void resume();
  void stop();
  void checkpoint_now();

  bool stop_requested() const { return stop_.load(); }
  bool paused() const;
  // True once (and clears the request).
  bool take_checkpoint_request() { return checkpoint_.exchange(false); }
  // Blocks while paused; returns when resumed, stopped or asked for a checkpoint (the caller loops), or after
  // `at_most` (a distributed run's rank 0 tells the other ranks it is still paused, before their collectives time out).
  void wait_while_paused();
  void wait_while_paused(std::chrono::milliseconds at_most);

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> checkpoint_{false};
  mutable std::mutex mutex_;
  std::condition_variable resumed_;
  bool paused_ = false;
};

}  // namespace marginlab::train
