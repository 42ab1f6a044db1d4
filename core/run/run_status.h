#pragma once
// status.json: how a run is doing, for whoever follows it (the workbench, marginlab-cli tune/control, a script). Rank
// 0 replaces it atomically when the state changes and, as a heartbeat, every couple of seconds while the process
// lives, so a follower tells a live run from a finished one, a paused one, a stalled one (alive, no new step for a
// while) and one whose process died without a word (SIGKILL, an NCCL abort, the OOM killer). Torch-free.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace marginlab::train {

enum class RunState { running, paused, finished, stopped, failed };
std::string to_string(RunState state);

struct RunStatus {
  RunState state = RunState::running;
  std::int64_t step = 0;
  std::int64_t total_steps = 0;
  std::string activity;  // while running: "training", "evaluating", "writing a checkpoint", ...
  std::string device;
  // Who runs it: requests from another user are refused (run_requests.h).
  std::int64_t pid = 0;
  std::string host;
  std::uint32_t uid = 0;
  std::string user;
  double started = 0;     // Unix seconds, this process's start
  double updated = 0;     // Unix seconds, the last write (the heartbeat)
  double progressed = 0;  // Unix seconds, the last step taken
  std::string message;    // failed: the error; finished/stopped: a summary
};

nlohmann::json to_json(const RunStatus& status);
// InvalidFile naming `origin` and the key for a malformed status.
RunStatus run_status_from_json(const nlohmann::json& json, const std::string& origin);

std::filesystem::path run_status_file(const std::filesystem::path& run_directory);
// Sets `updated` to now and replaces status.json.
void write_run_status(const std::filesystem::path& run_directory, RunStatus status);
// nullopt when the run has none (written before 0.4, or not started yet); InvalidFile when it is malformed.
std::optional<RunStatus> read_run_status(const std::filesystem::path& run_directory);

// This process's identity, as a status or a request records it.
struct ProcessIdentity {
  std::int64_t pid = 0;
  std::string host;
  std::uint32_t uid = 0;
  std::string user;
};
ProcessIdentity this_process();
double unix_now();
// A status in `state` of this process (pid, host, user; started now), for a run to fill in.
RunStatus status_of_this_process(RunState state);
// True when no process `pid` exists on this host (kill(pid, 0) fails with ESRCH); false for pid <= 0.
bool process_gone(std::int64_t pid);

// Rank 0's writer of status.json: at once on every change of state or activity, and from a thread of its own every
// `interval` (the heartbeat, which goes on through a long evaluation or checkpoint and stops only with the process).
// The step is only noted (an atomic store per step) and goes out with the next write.
class StatusHeartbeat {
 public:
  StatusHeartbeat(std::filesystem::path run_directory, RunStatus initial, std::chrono::milliseconds interval);
  ~StatusHeartbeat();  // the last state is written; a run that ends says so with finish() first
  StatusHeartbeat(const StatusHeartbeat&) = delete;
  StatusHeartbeat& operator=(const StatusHeartbeat&) = delete;

  void step_taken(std::int64_t step);
  void set(RunState state, std::string activity);
  void finish(RunState state, std::string message);

 private:
  void write_now(std::unique_lock<std::mutex>& lock);
  void loop();

  std::filesystem::path directory_;
  std::chrono::milliseconds interval_;
  std::atomic<std::int64_t> step_{0};
  std::atomic<double> progressed_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  RunStatus status_;
  bool closing_ = false;
  std::thread thread_;
};

// What a follower can say about a run from its status and the clock.
enum class Liveness {
  unknown,   // no status.json: a run from before 0.4, or one whose process has not written it yet
  live,      // running (or paused) and its heartbeat is fresh
  stalled,   // running, but no new step for `stall_seconds`, or no heartbeat for that long
  ended,     // finished, stopped or failed, as it said itself
  vanished,  // the status says running, but its process on this host is gone: it died without a word
};
struct LivenessJudgement {
  Liveness liveness = Liveness::unknown;
  std::string text;  // "live", "paused", "finished", "stalled: no step since 14:02:11", ...
};
// `now` in Unix seconds. A paused run is live while its heartbeat is; a process on another host cannot be probed,
// only its heartbeat.
LivenessJudgement judge_liveness(const std::optional<RunStatus>& status, double now, double stall_seconds);

}  // namespace marginlab::train
