// Partial FC's negative sampling: the batch's classes are always in, the others are drawn per class and step, so the
// sampled set does not depend on how the classes are split over ranks.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "engine/distributed/class_sampling.h"

namespace marginlab::distributed {
namespace {

constexpr std::int64_t kClasses = 1000;

// The global ids sampled over W shards, each given the batch's labels relative to its first class (−1 elsewhere).
std::set<std::int64_t> sampled_over(int world, const SampleKey& key, double rate, const torch::Tensor& labels) {
  std::set<std::int64_t> all;
  for (int r = 0; r < world; ++r) {
    const auto shard = class_shard(kClasses, r, world);
    const auto held = (labels >= shard.first) & (labels < shard.first + shard.count);
    const auto local = torch::where(held, labels - shard.first, torch::full_like(labels, -1));
    const auto ids = sampled_classes(key, shard, rate, local);
    EXPECT_TRUE(torch::equal(ids, std::get<0>(ids.sort()))) << "ascending";
    for (std::int64_t i = 0; i < ids.numel(); ++i) all.insert(shard.first + ids[i].item<std::int64_t>());
  }
  return all;
}

TEST(ClassSampling, TheBatchsClassesAreAlwaysInAndTheSetDoesNotDependOnTheWorldSize) {
  const auto labels = torch::tensor({3, 999, 500, 3, 271, 640, 12}, torch::kInt64);
  const SampleKey key{7, 2, 41};
  const auto one = sampled_over(1, key, 0.3, labels);
  for (std::int64_t i = 0; i < labels.numel(); ++i) EXPECT_TRUE(one.count(labels[i].item<std::int64_t>()));
  for (int world : {2, 3, 7}) EXPECT_EQ(sampled_over(world, key, 0.3, labels), one) << "W = " << world;
  // About rate · C of the others: 993 draws at 0.3 give 298 ± 14 (one standard deviation).
  const double negatives = static_cast<double>(one.size()) - 6;
  EXPECT_NEAR(negatives, 0.3 * 993, 5 * 14.4);
}

TEST(ClassSampling, EachStepDrawsAnewAndTheSameStepDrawsTheSame) {
  const auto labels = torch::tensor({1, 2}, torch::kInt64);
  const auto a = sampled_over(1, {7, 0, 5}, 0.5, labels);
  EXPECT_EQ(sampled_over(1, {7, 0, 5}, 0.5, labels), a);
  EXPECT_NE(sampled_over(1, {7, 0, 6}, 0.5, labels), a);
  EXPECT_NE(sampled_over(1, {8, 0, 5}, 0.5, labels), a);
}

TEST(ClassSampling, AShardWithNothingDrawnKeepsOneColumn) {
  const auto ids = sampled_classes({1, 0, 0}, {10, 5}, 1e-12, torch::full({4}, -1, torch::kInt64));
  ASSERT_EQ(ids.numel(), 1);
  EXPECT_EQ(ids[0].item<std::int64_t>(), 0);
}

}  // namespace
}  // namespace marginlab::distributed
