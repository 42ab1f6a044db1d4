#include "core/run/run_status.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr RunState kStates[] = {RunState::running, RunState::paused, RunState::finished, RunState::stopped,
                                RunState::failed};

std::string clock_time(double unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  localtime_r(&t, &local);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", local);
}

}  // namespace

std::string to_string(RunState state) {
  switch (state) {
    case RunState::running:
      return "running";
    case RunState::paused:
      return "paused";
    case RunState::finished:
      return "finished";
    case RunState::stopped:
      return "stopped";
    case RunState::failed:
      return "failed";
  }
  return "?";
}

json to_json(const RunStatus& s) {
  return {{"state", to_string(s.state)},
          {"step", s.step},
          {"total_steps", s.total_steps},
          {"activity", s.activity},
          {"device", s.device},
          {"pid", s.pid},
          {"host", s.host},
          {"uid", s.uid},
          {"user", s.user},
          {"started", s.started},
          {"updated", s.updated},
          {"progressed", s.progressed},
          {"message", s.message}};
}

RunStatus run_status_from_json(const json& j, const std::string& origin) {
  if (!j.is_object()) throw InvalidFile(origin + ": not a JSON object");
  RunStatus s;
  const auto read = [&](const char* key, auto& member) {
    const auto it = j.find(key);
    if (it == j.end()) return;
    try {
      it->get_to(member);
    } catch (const json::exception&) {
      throw InvalidFile(origin + ": \"" + key + "\" = " + it->dump().substr(0, 60) + " has the wrong type");
    }
  };
  std::string state;
  read("state", state);
  bool known = false;
  for (auto candidate : kStates) {
    if (to_string(candidate) == state) {
      s.state = candidate;
      known = true;
    }
  }
  if (!known) throw InvalidFile(origin + ": unknown state \"" + state + "\"");
  read("step", s.step);
  read("total_steps", s.total_steps);
  read("activity", s.activity);
  read("device", s.device);
  read("pid", s.pid);
  read("host", s.host);
  read("uid", s.uid);
  read("user", s.user);
  read("started", s.started);
  read("updated", s.updated);
  read("progressed", s.progressed);
  read("message", s.message);
  return s;
}

fs::path run_status_file(const fs::path& run_directory) { return run_directory / "status.json"; }

void write_run_status(const fs::path& run_directory, RunStatus status) {
  status.updated = unix_now();
  write_file_atomically(run_status_file(run_directory), to_json(status).dump() + "\n");
}

std::optional<RunStatus> read_run_status(const fs::path& run_directory) {
  const auto file = run_status_file(run_directory);
  if (!fs::exists(file)) return std::nullopt;
  const auto parsed = json::parse(read_whole_file(file), nullptr, false);
  if (parsed.is_discarded()) throw InvalidFile(file.string() + ": not valid JSON");
  return run_status_from_json(parsed, file.string());
}

ProcessIdentity this_process() {
  ProcessIdentity me;
  me.pid = ::getpid();
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) me.host = host;
  me.uid = ::getuid();
  // getpwuid_r: no shared static buffer (the workbench asks from more than one thread).
  passwd entry{};
  passwd* found = nullptr;
  char buffer[4096];
  if (::getpwuid_r(me.uid, &entry, buffer, sizeof buffer, &found) == 0 && found) me.user = found->pw_name;
  if (me.user.empty()) me.user = std::to_string(me.uid);
  return me;
}

RunStatus status_of_this_process(RunState state) {
  const auto me = this_process();
  RunStatus status;
  status.state = state;
  status.pid = me.pid;
  status.host = me.host;
  status.uid = me.uid;
  status.user = me.user;
  status.started = unix_now();
  return status;
}

bool process_gone(std::int64_t pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

StatusHeartbeat::StatusHeartbeat(fs::path run_directory, RunStatus initial, std::chrono::milliseconds interval)
    : directory_(std::move(run_directory)), interval_(interval), status_(std::move(initial)) {
  step_ = status_.step;
  progressed_ = status_.progressed;
  {
    std::unique_lock lock(mutex_);
    write_now(lock);
  }
  thread_ = std::thread([this] { loop(); });
}

StatusHeartbeat::~StatusHeartbeat() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StatusHeartbeat::step_taken(std::int64_t step) {
  step_.store(step, std::memory_order_relaxed);
  progressed_.store(unix_now(), std::memory_order_relaxed);
}

void StatusHeartbeat::set(RunState state, std::string activity) {
  std::unique_lock lock(mutex_);
  if (status_.state == state && status_.activity == activity) return;
  status_.state = state;
  status_.activity = std::move(activity);
  write_now(lock);
}

void StatusHeartbeat::finish(RunState state, std::string message) {
  std::unique_lock lock(mutex_);
  status_.state = state;
  status_.activity.clear();
  status_.message = std::move(message);
  write_now(lock);
}

void StatusHeartbeat::write_now(std::unique_lock<std::mutex>&) {
  status_.step = step_.load(std::memory_order_relaxed);
  status_.progressed = progressed_.load(std::memory_order_relaxed);
  try {
    write_run_status(directory_, status_);
  } catch (const InvalidFile&) {
    // A full disk or a vanished mount costs the followers a heartbeat; the run goes on.
  }
}

void StatusHeartbeat::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return closing_; })) write_now(lock);
  write_now(lock);
}

LivenessJudgement judge_liveness(const std::optional<RunStatus>& status, double now, double stall_seconds) {
  if (!status) return {Liveness::unknown, "no status (a run from before 0.4, or not started yet)"};
  const auto& s = *status;
  if (s.state == RunState::finished || s.state == RunState::stopped || s.state == RunState::failed) {
    return {Liveness::ended, to_string(s.state)};
  }
  // A process on this host can be asked directly; kill(pid, 0) fails with ESRCH once it is gone.
  // The host name once: followers judge every second, and the user name that this_process() also looks up may take
  // a directory service.
  static const std::string this_host = this_process().host;
  if (s.host == this_host && process_gone(s.pid)) {
    return {Liveness::vanished, fmt::format("ended without a word (process {} is gone; last heard of at {})", s.pid,
                                            clock_time(s.updated))};
  }
  if (now - s.updated > stall_seconds) {
    return {Liveness::stalled, fmt::format("stalled: no heartbeat since {}", clock_time(s.updated))};
  }
  if (s.state == RunState::running && s.activity == "training" && s.progressed > 0 &&
      now - s.progressed > stall_seconds) {
    return {Liveness::stalled, fmt::format("stalled: no step since {}", clock_time(s.progressed))};
  }
  return {Liveness::live, s.state == RunState::paused ? "paused" : "live"};
}

}  // namespace marginlab::train
