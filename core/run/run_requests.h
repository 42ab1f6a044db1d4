#pragma once
// requests/: how anyone steers a run through its directory (the workbench, marginlab-cli tune and control, a script on
// another machine over a shared mount). Each request is one file, requests/<version>.json, never changed once
// written:
//   {"version": 7, "action": "set", "params": {"head.params.m": 0.3, "optimizer.lr": 0.01},
//    "user": "alice", "host": "laptop", "pid": 4242, "time": 1796370000.5}
// Actions: set (live parameters by their experiment keys), pause, resume, stop, checkpoint. Versions are taken in
// order by hard-linking the written file to its name, which fails when another controller took the version first
// (link(2) is atomic locally and on NFS): two controllers at once get two versions, and the run obeys them in
// version order. The run (rank 0) reads new requests at step boundaries and records what it did with each in
// events.jsonl under the request's version: applied, or rejected with the reason (another user's file, a malformed
// request, a value out of range). Torch-free.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace marginlab::train {

enum class RequestAction { set, pause, resume, stop, checkpoint };
std::string to_string(RequestAction action);
// nullopt for an unknown name.
std::optional<RequestAction> request_action(const std::string& name);

struct RunRequest {
  std::uint64_t version = 0;  // given by write_request
  RequestAction action = RequestAction::set;
  std::map<std::string, double> params;  // set: experiment key → value
  std::string user;
  std::string host;
  std::int64_t pid = 0;
  double time = 0;  // Unix seconds
};

std::filesystem::path requests_directory(const std::filesystem::path& run_directory);
// Fills in who, where and when (this process), takes the next free version and writes the file; returns the version.
// InvalidFile when the directory is not writable.
std::uint64_t write_request(const std::filesystem::path& run_directory, RunRequest request);
// The highest version in the folder (0 when none).
std::uint64_t newest_request_version(const std::filesystem::path& run_directory);

// A request as the run found it: `refusal` says why it cannot be obeyed (then `request` may be partial).
struct ReceivedRequest {
  std::uint64_t version = 0;
  RunRequest request;
  std::string refusal;
  std::string file;
};

// The run's side: every request newer than the last one taken, in version order.
class RequestInbox {
 public:
  // `owner_uid`: the run's user; files owned by anyone else are refused. `after_version`: the newest version
  // already answered (a resumed run's events say it).
  RequestInbox(std::filesystem::path run_directory, std::uint32_t owner_uid, std::uint64_t after_version);
  std::vector<ReceivedRequest> take();

 private:
  std::filesystem::path directory_;
  std::uint32_t owner_uid_;
  std::uint64_t after_;
};

// What the run answered to one request, read from its events.
struct RequestAnswer {
  bool complete = false;           // every part answered (a set request: each parameter)
  bool obeyed = false;             // complete, and nothing refused
  std::vector<std::string> lines;  // the events' sentences, in order
};
// Follows the run's events until every part of request `version` is answered (`parts`: the parameters of a set
// request, 1 otherwise) or `timeout` has passed.
RequestAnswer await_answer(const std::filesystem::path& run_directory, std::uint64_t version, std::size_t parts,
                           std::chrono::milliseconds timeout);

// The live parameters by experiment key: "head.params.m" → "m", "optimizer.lr" → "lr" (the trainer's names);
// empty for any other key.
std::string live_parameter_name(const std::string& key);
// The inverse: "lr" → "optimizer.lr", "m" → "head.params.m".
std::string live_parameter_key(const std::string& name);

}  // namespace marginlab::train
