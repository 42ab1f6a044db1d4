// The plan of a Partial FC run: shard sizes, per-rank memory by part, traffic per step, and refusals.
#include <gtest/gtest.h>

#include <string>

#include "core/distributed/memory_plan.h"
#include "core/errors.h"

namespace marginlab::distributed {
namespace {

PlanInput webface(int world) {
  PlanInput in;
  in.backbone = "ir100";
  in.backbone_parameters = 65'000'000;
  in.activation_elements_per_image = 20'000'000;
  in.classes = 2'000'000;
  in.embedding_dim = 512;
  in.global_batch = 1024;
  in.world_size = world;
  return in;
}

double line(const MemoryPlan& plan, const std::string& what) {
  for (const auto& l : plan.memory) {
    if (l.what.rfind(what, 0) == 0) return l.bytes;
  }
  for (const auto& l : plan.traffic) {
    if (l.what.rfind(what, 0) == 0) return l.bytes;
  }
  ADD_FAILURE() << "no line " << what;
  return 0;
}

TEST(MemoryPlan, ShardsAndBatchesPerRank) {
  auto in = webface(8);
  in.classes = 10;
  in.world_size = 4;
  in.global_batch = 128;
  const auto plan = plan_memory(in);
  EXPECT_EQ(plan.local_batch, 32);
  EXPECT_EQ(plan.classes_per_rank, 3);  // 3 + 3 + 2 + 2: the largest shard
  EXPECT_EQ(plan.sampled_per_rank, 3);
  in.classes = 2'000'000;
  in.sample_rate = 0.1;
  EXPECT_EQ(plan_memory(in).sampled_per_rank, 50'000);
}

TEST(MemoryPlan, TheClassifierShrinksAsOneOverTheWorldSize) {
  const auto one = plan_memory(webface(1));
  const auto eight = plan_memory(webface(8));
  // 2M × 512 × 4 B × (weight, gradient, momentum): 11.4 GiB on one rank.
  EXPECT_DOUBLE_EQ(line(one, "classifier"), 2e6 * 512 * 4 * 3);
  EXPECT_DOUBLE_EQ(line(eight, "classifier"), 250'000.0 * 512 * 4 * 3);
  EXPECT_DOUBLE_EQ(line(eight, "backbone weights"), line(one, "backbone weights"));  // replicated
  EXPECT_DOUBLE_EQ(line(eight, "backbone activations") * 8, line(one, "backbone activations"));
  auto adamw = webface(8);
  adamw.optimizer_slots = 2;
  EXPECT_DOUBLE_EQ(line(plan_memory(adamw), "classifier"), 250'000.0 * 512 * 4 * 4);
  auto half = webface(8);
  half.half_activations = true;
  EXPECT_DOUBLE_EQ(line(plan_memory(half), "backbone activations") * 2, line(eight, "backbone activations"));
}

TEST(MemoryPlan, TrafficIsZeroForOneRankAndRingSizedOtherwise) {
  EXPECT_EQ(plan_memory(webface(1)).traffic_bytes(), 0.0);
  const auto eight = plan_memory(webface(8));
  EXPECT_DOUBLE_EQ(line(eight, "backbone gradient"), 2.0 * 7 / 8 * 65e6 * 4);
  EXPECT_DOUBLE_EQ(line(eight, "embeddings allgather"), 7.0 / 8 * 1024 * 512 * 4);
}

// Every rank keeps the whole per-sample memory (it sees every gathered row): it does not shrink with W.
TEST(MemoryPlan, KappaFacesMemoryIsWholeOnEveryRank) {
  auto in = webface(4);
  in.sample_memory_rows = 42'000'001;
  EXPECT_DOUBLE_EQ(line(plan_memory(in), "per-sample memory"), 42'000'001.0 * 512 * 4);
}

TEST(MemoryPlan, RefusesWhatCannotRun) {
  auto in = webface(8);
  in.global_batch = 100;
  try {
    plan_memory(in);
    ADD_FAILURE() << "accepted";
  } catch (const InvalidParameter& e) {
    EXPECT_NE(std::string(e.what()).find("batch = 100 is not a multiple of the world size 8"), std::string::npos);
  }
  in = webface(8);
  in.sample_rate = 0;
  EXPECT_THROW(plan_memory(in), InvalidParameter);
  in.sample_rate = 1.5;
  EXPECT_THROW(plan_memory(in), InvalidParameter);
}

TEST(MemoryPlan, BytesAreWrittenInBinaryUnits) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(3.0 * 1024 * 1024 * 1024), "3 GiB");
}

}  // namespace
}  // namespace marginlab::distributed
