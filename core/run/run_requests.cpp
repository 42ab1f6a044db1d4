#include "core/run/run_requests.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/run/run_follower.h"
#include "core/run/run_status.h"

namespace marginlab::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr RequestAction kActions[] = {RequestAction::set, RequestAction::pause, RequestAction::resume,
                                      RequestAction::stop, RequestAction::checkpoint};
constexpr const char* kHeadParamsPrefix = "head.params.";
// Far more than any run receives; a bound on the versions taken by one write_request.
constexpr int kMaxVersionAttempts = 1000;

// "000000000007.json" → 7; nullopt for anything else in the folder (temporaries, stray files).
std::optional<std::uint64_t> version_of(const fs::path& file) {
  const std::string name = file.filename().string();
  if (name.size() < 6 || name.substr(name.size() - 5) != ".json") return std::nullopt;
  const std::string digits = name.substr(0, name.size() - 5);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  try {
    return std::stoull(digits);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

fs::path request_file(const fs::path& run_directory, std::uint64_t version) {
  return requests_directory(run_directory) / fmt::format("{:012}.json", version);
}

json to_json(const RunRequest& r) {
  return {{"version", r.version}, {"action", to_string(r.action)},
          {"params", r.params},   {"user", r.user},
          {"host", r.host},       {"pid", r.pid},
          {"time", r.time}};
}

// The request in `text`, or the reason it is not one.
std::string parse_request(const std::string& text, std::uint64_t version, RunRequest& r) {
  const auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return "not a JSON object";
  try {
    r.user = j.value("user", std::string());
    r.host = j.value("host", std::string());
    r.pid = j.value("pid", std::int64_t{0});
    r.time = j.value("time", 0.0);
    if (j.value("version", std::uint64_t{0}) != version) {
      return fmt::format("its version {} does not match its file name", j.value("version", std::uint64_t{0}));
    }
    const auto action = request_action(j.value("action", std::string()));
    if (!action)
      return "unknown action " + j.value("action", json()).dump() + " (set, pause, resume, stop, checkpoint)";
    r.action = *action;
    if (r.action != RequestAction::set) return {};
    const auto params = j.find("params");
    if (params == j.end() || !params->is_object() || params->empty()) return "a set request names no parameters";
    for (auto it = params->begin(); it != params->end(); ++it) {
      if (!it.value().is_number()) return fmt::format("{} = {} is not a number", it.key(), it.value().dump());
      r.params[it.key()] = it.value().get<double>();
    }
  } catch (const json::exception& error) {
    return std::string("malformed: ") + error.what();
  }
  return {};
}

}  // namespace

std::string to_string(RequestAction action) {
  switch (action) {
    case RequestAction::set:
      return "set";
    case RequestAction::pause:
      return "pause";
    case RequestAction::resume:
      return "resume";
    case RequestAction::stop:
      return "stop";
    case RequestAction::checkpoint:
      return "checkpoint";
  }
  return "?";
}

std::optional<RequestAction> request_action(const std::string& name) {
  for (auto action : kActions) {
    if (to_string(action) == name) return action;
  }
  return std::nullopt;
}

fs::path requests_directory(const fs::path& run_directory) { return run_directory / "requests"; }

std::uint64_t newest_request_version(const fs::path& run_directory) {
  std::uint64_t newest = 0;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(requests_directory(run_directory), error)) {
    if (const auto version = version_of(entry.path())) newest = std::max(newest, *version);
  }
  return newest;
}

std::uint64_t write_request(const fs::path& run_directory, RunRequest request) {
  if (!fs::is_directory(run_directory)) throw InvalidFile(run_directory.string() + ": not a run directory");
  const auto folder = requests_directory(run_directory);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw InvalidFile(folder.string() + ": cannot create (" + error.message() + ")");
  const auto me = this_process();
  request.user = me.user;
  request.host = me.host;
  request.pid = me.pid;
  request.time = unix_now();
  static std::atomic<std::uint64_t> counter{0};
  const fs::path temporary = folder / fmt::format(".request-{}-{}-{}", me.host, me.pid, counter++);
  auto version = newest_request_version(run_directory) + 1;
  for (int attempt = 0; attempt < kMaxVersionAttempts; ++attempt, ++version) {
    request.version = version;
    write_file_atomically(temporary, to_json(request).dump() + "\n");
    const auto target = request_file(run_directory, version);
    const int linked = ::link(temporary.c_str(), target.c_str());
    const int link_error = errno;
    fs::remove(temporary, error);
    if (linked == 0) return version;
    if (link_error != EEXIST) {
      throw InvalidFile(target.string() + ": cannot write the request (" + std::strerror(link_error) + ")");
    }
  }
  throw InvalidFile(folder.string() + ": no free request version after " + std::to_string(kMaxVersionAttempts) +
                    " attempts");
}

RequestInbox::RequestInbox(fs::path run_directory, std::uint32_t owner_uid, std::uint64_t after_version)
    : directory_(std::move(run_directory)), owner_uid_(owner_uid), after_(after_version) {}

std::vector<ReceivedRequest> RequestInbox::take() {
  std::vector<std::pair<std::uint64_t, fs::path>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(requests_directory(directory_), error)) {
    const auto version = version_of(entry.path());
    if (version && *version > after_) found.emplace_back(*version, entry.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<ReceivedRequest> received;
  for (const auto& [version, file] : found) {
    ReceivedRequest r;
    r.version = version;
    r.file = file.string();
    r.request.version = version;
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0) {
      r.refusal = std::string("cannot read it (") + std::strerror(errno) + ")";
    } else {
      try {
        r.refusal = parse_request(read_whole_file(file), version, r.request);
      } catch (const InvalidFile& e) {
        r.refusal = e.what();
      }
      // The owner of the file, not what it claims: only the run's user steers it.
      if (info.st_uid != owner_uid_) {
        r.refusal = fmt::format("written by uid {} ({}), not by the run's owner (uid {})", info.st_uid,
                                r.request.user.empty() ? "unnamed" : r.request.user, owner_uid_);
      }
    }
    after_ = version;
    received.push_back(std::move(r));
  }
  return received;
}

RequestAnswer await_answer(const fs::path& run_directory, std::uint64_t version, std::size_t parts,
                           std::chrono::milliseconds timeout) {
  RequestAnswer answer;
  RunFollower follower(run_directory);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t answered = 0;
  bool refused = false;
  while (true) {
    for (const auto& event : follower.poll().events) {
      if (event.version != version) continue;
      using Kind = RunEvent::Kind;
      switch (event.kind) {
        case Kind::param_applied:
        case Kind::control:
          ++answered;
          break;
        case Kind::param_rejected:
          ++answered, refused = true;
          break;
        case Kind::request_rejected:
          answered = parts, refused = true;
          break;
        default:
          continue;
      }
      answer.lines.push_back(fmt::format("[step {}] {}", event.step, event.text));
    }
    if (answered >= parts) {
      answer.complete = true;
      answer.obeyed = !refused;
      return answer;
    }
    if (std::chrono::steady_clock::now() >= deadline) return answer;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string live_parameter_name(const std::string& key) {
  if (key == "optimizer.lr") return "lr";
  const std::string prefix = kHeadParamsPrefix;
  if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0) return key.substr(prefix.size());
  return {};
}

std::string live_parameter_key(const std::string& name) {
  return name == "lr" ? std::string("optimizer.lr") : kHeadParamsPrefix + name;
}

}  // namespace marginlab::train
