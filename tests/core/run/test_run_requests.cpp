// requests/: versions taken in order and never twice, what the run's inbox makes of each file, and the answer read
// back from the run's events.
#include "core/run/run_requests.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "core/run/run_directory.h"
#include "core/run/run_status.h"
#include "core/telemetry/telemetry_json.h"
#include "tests/support/temp_dir.h"

namespace marginlab::train {
namespace {

using test_support::TempDir;

RunRequest set(std::map<std::string, double> params) {
  RunRequest r;
  r.action = RequestAction::set;
  r.params = std::move(params);
  return r;
}

TEST(RunRequests, VersionsCountUpAndTheInboxTakesThemInOrderOnce) {
  TempDir dir;
  EXPECT_EQ(write_request(dir.path(), set({{"head.params.m", 0.3}})), 1u);
  RunRequest pause;
  pause.action = RequestAction::pause;
  EXPECT_EQ(write_request(dir.path(), pause), 2u);
  EXPECT_EQ(newest_request_version(dir.path()), 2u);

  RequestInbox inbox(dir.path(), ::getuid(), 0);
  const auto received = inbox.take();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].version, 1u);
  EXPECT_TRUE(received[0].refusal.empty()) << received[0].refusal;
  EXPECT_EQ(received[0].request.action, RequestAction::set);
  EXPECT_DOUBLE_EQ(received[0].request.params.at("head.params.m"), 0.3);
  EXPECT_EQ(received[0].request.user, this_process().user);
  EXPECT_EQ(received[1].request.action, RequestAction::pause);
  EXPECT_TRUE(inbox.take().empty());

  write_request(dir.path(), set({{"optimizer.lr", 0.01}}));
  const auto later = inbox.take();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].version, 3u);
  // A run resuming after version 2 was answered starts after it.
  EXPECT_EQ(RequestInbox(dir.path(), ::getuid(), 2).take().size(), 1u);
}

TEST(RunRequests, ControllersWritingAtOnceNeverShareAVersion) {
  TempDir dir;
  constexpr int kWriters = 4, kEach = 10;
  std::vector<std::thread> writers;
  std::vector<std::vector<std::uint64_t>> versions(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i)
        versions[w].push_back(write_request(dir.path(), set({{"head.params.m", 0.1 * w}})));
    });
  }
  for (auto& t : writers) t.join();
  std::set<std::uint64_t> all;
  for (const auto& v : versions) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kWriters * kEach));
  EXPECT_EQ(*all.rbegin(), static_cast<std::uint64_t>(kWriters * kEach));
  EXPECT_EQ(RequestInbox(dir.path(), ::getuid(), 0).take().size(), all.size());
}

TEST(RunRequests, MalformedAndForeignRequestsAreRefusedWithTheReason) {
  TempDir dir;
  std::filesystem::create_directories(requests_directory(dir.path()));
  std::ofstream(requests_directory(dir.path()) / "000000000001.json") << "{not json";
  std::ofstream(requests_directory(dir.path()) / "000000000002.json") << R"({"version": 2, "action": "dance"})";
  std::ofstream(requests_directory(dir.path()) / "000000000003.json")
      << R"({"version": 3, "action": "set", "params": {"head.params.m": "big"}})";
  std::ofstream(requests_directory(dir.path()) / "000000000004.json") << R"({"version": 9, "action": "stop"})";
  std::ofstream(requests_directory(dir.path()) / "notes.txt") << "ignored";
  const auto received = RequestInbox(dir.path(), ::getuid(), 0).take();
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0].refusal, "not a JSON object");
  EXPECT_NE(received[1].refusal.find("unknown action \"dance\""), std::string::npos) << received[1].refusal;
  EXPECT_NE(received[2].refusal.find("head.params.m = \"big\" is not a number"), std::string::npos)
      << received[2].refusal;
  EXPECT_NE(received[3].refusal.find("version 9 does not match"), std::string::npos) << received[3].refusal;

  // A run owned by another user refuses this user's files, whatever they claim.
  write_request(dir.path(), set({{"head.params.m", 0.3}}));
  const auto foreign = RequestInbox(dir.path(), ::getuid() + 1, 4).take();
  ASSERT_EQ(foreign.size(), 1u);
  EXPECT_NE(foreign[0].refusal.find("not by the run's owner"), std::string::npos) << foreign[0].refusal;
}

TEST(RunRequests, AnswersAreReadFromTheRunsEvents) {
  TempDir dir;
  const auto events = dir.path() / "events.jsonl";
  {
    std::ofstream out(events);
    RunEvent applied{RunEvent::Kind::param_applied, 12, "m = 0.3 (request 5 by me) applied at step 12", "m", 0.3, 5};
    RunEvent refused{
        RunEvent::Kind::param_rejected, 12, "request 5 by me refused: lr = 500 is outside (0, 100]", "lr", 500, 5};
    RunEvent other{RunEvent::Kind::control, 12, "pause (request 4 by me) at step 12", "pause", 0, 4};
    out << event_to_json(other).dump() << "\n"
        << event_to_json(applied).dump() << "\n"
        << event_to_json(refused).dump() << "\n";
  }
  const auto answer = await_answer(dir.path(), 5, 2, std::chrono::seconds(5));
  EXPECT_TRUE(answer.complete);
  EXPECT_FALSE(answer.obeyed);
  ASSERT_EQ(answer.lines.size(), 2u);
  EXPECT_EQ(answer.lines[0], "[step 12] m = 0.3 (request 5 by me) applied at step 12");

  const auto pause = await_answer(dir.path(), 4, 1, std::chrono::seconds(5));
  EXPECT_TRUE(pause.obeyed);
  const auto none = await_answer(dir.path(), 6, 1, std::chrono::milliseconds(200));
  EXPECT_FALSE(none.complete);
  EXPECT_TRUE(none.lines.empty());
}

TEST(RunRequests, LiveParameterKeysMapToTheTrainersNames) {
  EXPECT_EQ(live_parameter_name("head.params.m"), "m");
  EXPECT_EQ(live_parameter_name("optimizer.lr"), "lr");
  EXPECT_EQ(live_parameter_name("optimizer.momentum"), "");
  EXPECT_EQ(live_parameter_name("head.params."), "");
  EXPECT_EQ(live_parameter_key("lr"), "optimizer.lr");
  EXPECT_EQ(live_parameter_key("h"), "head.params.h");
}

}  // namespace
}  // namespace marginlab::train
