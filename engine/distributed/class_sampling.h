#pragma once
// Partial FC's negative sampling (head.sample_rate < 1): at each step the softmax runs over the classes of the batch
// (the positives, always) and a random share of the others. Each class's draw is keyed by (seed, epoch, batch index,
// global class id), so the sampled set is the same whatever the world size and however the classes are split, and a
// resumed run draws what the uninterrupted one drew. arcface_torch instead takes, per rank, the top
// int(rate · classes held) of fresh random scores: an exact count, but a set that depends on the world size. Here the
// count is binomial around rate · C.
#include <torch/torch.h>

#include <cstdint>

#include "core/distributed/class_shard.h"

namespace marginlab::distributed {

struct SampleKey {
  std::uint64_t seed = 0;
  std::int64_t epoch = 0;
  std::int64_t batch_index = 0;
};

// The held classes (ids relative to the shard's first class, ascending, int64) in this step's softmax: every class
// with a row in `labels` (held-relative ids, −1 for rows of other ranks' classes) and every other whose draw is
// below `rate` (at least one: the shard's first class when nothing else is in).
torch::Tensor sampled_classes(const SampleKey& key, const ClassShard& shard, double rate, const torch::Tensor& labels);

}  // namespace marginlab::distributed
