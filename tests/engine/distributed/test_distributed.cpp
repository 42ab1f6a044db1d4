// Distributed training's pieces across real processes: W ranks of distributed_worker on 127.0.0.1 through a file
// store, started and watched by run_ranks (the launcher's code), with a deadline; only those processes are signalled.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <vector>
#include <string>
#include <thread>

#include "engine/distributed/rank_processes.h"
#include "tests/support/temp_dir.h"

#include <torch/torch.h>

namespace marginlab::distributed {
namespace {

struct Ran {
  LaunchOutcome outcome;
  std::string output;
};

Ran run(const std::vector<std::string>& args, int world, const std::function<void()>& meanwhile = {}) {
  test_support::TempDir dir;
  RankLaunch launch;
  launch.program = MARGINLAB_DISTRIBUTED_WORKER;
  launch.args = args;
  launch.nproc = world;
  launch.store_file = (dir.path() / "store").string();
  launch.deadline = std::chrono::seconds(120);
  launch.grace = std::chrono::seconds(5);
  Ran ran;
  launch.on_line = [&ran](int rank, const std::string& line) {
    ran.output += "[rank " + std::to_string(rank) + "] " + line + "\n";
  };
  std::thread other;
  if (meanwhile) other = std::thread(meanwhile);
  ran.outcome = run_ranks(launch);
  if (other.joinable()) other.join();
  return ran;
}

class EveryWorldSize : public ::testing::TestWithParam<int> {};

TEST_P(EveryWorldSize, CollectivesGiveTheExpectedValues) {
  const auto ran = run({"collectives"}, GetParam());
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

// W = 3 and 4 split the 10 classes unevenly (4+3+3, 3+3+2+2).
TEST_P(EveryWorldSize, ShardedCrossEntropyEqualsTheFullOne) {
  const auto ran = run({"sharded_cross_entropy"}, GetParam());
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

// Replicas made equal, gradients summed in buckets, clipping after the sum: the same steps as one process.
TEST_P(EveryWorldSize, DataParallelStepsEqualOneProcessOnTheGlobalBatch) {
  const auto ran = run({"data_parallel"}, GetParam());
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

// Backbone replicas, classifier shards, gathered embeddings, sharded cross-entropy: the same training as one
// process with the whole classifier.
TEST_P(EveryWorldSize, PartialFcTrainingEqualsOneProcess) {
  const auto ran = run({"partial_fc_training"}, GetParam());
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

// Every head variant, CurricularFace and ElasticFace+ included (they take the other ranks' target cosines).
TEST_P(EveryWorldSize, EveryHeadOnShardsGivesTheFullHeadsColumns) {
  const auto ran = run({"heads_on_shards"}, GetParam());
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

INSTANTIATE_TEST_SUITE_P(Ranks, EveryWorldSize, ::testing::Values(1, 2, 3, 4));

#ifdef MARGINLAB_WITH_OPENCV
// A real run (the Trainer on SynthFace, synchronised BatchNorm) of W ranks equals one process on the same global
// batch, step by step; uneven class shards for W = 3 and 4.
class TrainingOnRanks : public ::testing::TestWithParam<std::pair<std::string, int>> {};

TEST_P(TrainingOnRanks, EqualsOneProcess) {
  test_support::TempDir dir;
  const auto& [head, world] = GetParam();
  const auto ran = run({"training_run", dir.path().string(), head}, world);
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

INSTANTIATE_TEST_SUITE_P(Heads, TrainingOnRanks,
                         ::testing::Values(std::make_pair(std::string("adaface"), 2),
                                           std::make_pair(std::string("kappaface"), 3),
                                           std::make_pair(std::string("curricularface"), 4),
                                           std::make_pair(std::string("magface"), 2),
                                           // Negative sampling: each step's classes drawn per class, not per rank.
                                           std::make_pair(std::string("arcface@0.5"), 3),
                                           std::make_pair(std::string("arcface@1"), 3),
                                           // Without synchronised BatchNorm: one process with a group per rank.
                                           std::make_pair(std::string("adaface:per-rank"), 2),
                                           std::make_pair(std::string("curricularface:per-rank"), 4)),
                         [](const auto& info) {
                           auto name = info.param.first + "_" + std::to_string(info.param.second);
                           for (auto& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// Rank 0 decides for all: a live change applies on every rank at the same step, a refused one nowhere, and a stop
// asked of the last rank stops every rank at the same step with one checkpoint there.
TEST(Distributed, ControlsReachEveryRankAtTheSameStep) {
  test_support::TempDir dir;
  const auto ran = run({"controls", dir.path().string()}, 3);
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
}

// The one run directory under `runs`.
std::filesystem::path only_run(const std::filesystem::path& runs) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(runs)) found.push_back(entry.path());
  EXPECT_EQ(found.size(), 1u) << runs;
  return found.empty() ? runs : found.front();
}

// Every tensor of a checkpoint's model part (backbone, head, head state, optimiser), by name.
std::map<std::string, torch::Tensor> checkpoint_tensors(const std::filesystem::path& run) {
  torch::serialize::InputArchive archive, session;
  archive.load_from((run / "checkpoints" / "latest.pt").string());
  archive.read("session", session);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto* part : {"backbone", "head"}) {
    torch::serialize::InputArchive sub;
    session.read(part, sub);
    for (const auto& key : sub.keys()) {
      torch::Tensor t;
      if (sub.try_read(key, t)) tensors[std::string(part) + "." + key] = t;
    }
  }
  return tensors;
}

// Saved at W = 4 after 3 steps, resumed at W = 2 and at W = 1 to 6 steps: both equal the uninterrupted 6-step run
// (at W = 2), the classifier and its per-class state cut anew for each world size. The new runs end with an
// evaluation on rank 0 (the others at a barrier).
TEST(Distributed, ACheckpointResumesAtAnotherWorldSize) {
  test_support::TempDir dir;
  const auto stage = [&](const std::string& runs, const std::string& steps, const char* mode, int world) {
    const auto ran = run({"training_stage", (dir.path() / runs).string(), "r", steps, mode}, world);
    ASSERT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
  };
  stage("at4", "3", "new", 4);
  const auto saved = only_run(dir.path() / "at4");
  std::filesystem::create_directories(dir.path() / "copy");
  std::filesystem::copy(saved, dir.path() / "copy" / saved.filename(), std::filesystem::copy_options::recursive);
  stage("uninterrupted", "6", "new", 2);
  const auto reference = checkpoint_tensors(only_run(dir.path() / "uninterrupted"));
  ASSERT_FALSE(reference.empty());

  for (const auto& [copy, world] : {std::make_pair(saved, 2), std::make_pair(dir.path() / "copy" / saved.filename(), 1)}) {
    SCOPED_TRACE("resumed at W = " + std::to_string(world));
    const auto ran = run({"training_stage", copy.string(), "r", "6", "resume"}, world);
    ASSERT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
    const auto resumed = checkpoint_tensors(copy);
    ASSERT_EQ(resumed.size(), reference.size());
    for (const auto& [name, tensor] : reference) {
      const auto& other = resumed.at(name);
      ASSERT_EQ(other.sizes(), tensor.sizes()) << name;
      const double diff = (other.to(torch::kFloat64) - tensor.to(torch::kFloat64)).abs().max().item<double>();
      EXPECT_LT(diff, 1e-4) << name;
    }
  }
}
#endif

TEST(Distributed, MismatchedRowsAreRefusedOnEveryRank) {
  const auto ran = run({"mismatched_rows"}, 3);
  EXPECT_TRUE(ran.outcome.ok()) << ran.outcome.report() << "\n" << ran.output;
  EXPECT_NE(ran.output.find("[rank 0] refused:"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("[rank 2] refused:"), std::string::npos) << ran.output;
}

// A rank that fails makes the launcher end the others (they would wait for it at the rendezvous) and name it.
TEST(Distributed, AFailedRankEndsTheOthersAndIsNamed) {
  const auto ran = run({"exit"}, 3);
  ASSERT_FALSE(ran.outcome.ok());
  EXPECT_EQ(ran.outcome.first_failure, 1) << ran.outcome.report();
  EXPECT_FALSE(ran.outcome.timed_out);
  EXPECT_EQ(ran.outcome.ranks[1].exit_code, 3);
  EXPECT_NE(ran.outcome.report().find("rank 1 failed first (exit code 3)"), std::string::npos) << ran.outcome.report();
}

// A rank that dies after the group formed: nobody waits for it until the group's timeout (30 s here), whether the
// others' next collective fails first or the launcher ends them first.
TEST(Distributed, ARankDyingInTheGroupEndsTheRunPromptly) {
  const auto started = std::chrono::steady_clock::now();
  const auto ran = run({"die"}, 2);
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_FALSE(ran.outcome.ok());
  EXPECT_FALSE(ran.outcome.timed_out) << ran.output;
  EXPECT_LT(seconds, 20.0) << ran.output;
  EXPECT_GE(ran.outcome.first_failure, 0) << ran.output;
}

// Ctrl-C at the launcher reaches every rank once, and the launcher says it was interrupted.
TEST(Distributed, AnInterruptReachesEveryRank) {
  const auto ran = run({"sleep"}, 3, [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    kill(getpid(), SIGINT);  // the launcher's handler takes it and passes it on
  });
  EXPECT_TRUE(ran.outcome.interrupted);
  EXPECT_FALSE(ran.outcome.timed_out);
  ASSERT_EQ(ran.outcome.ranks.size(), 3u);
  for (const auto& rank : ran.outcome.ranks) {
    EXPECT_EQ(rank.signal, SIGINT) << rank.describe();
    EXPECT_TRUE(rank.ended_by_us);
  }
  EXPECT_EQ(ran.outcome.first_failure, -1);
}

}  // namespace
}  // namespace marginlab::distributed
