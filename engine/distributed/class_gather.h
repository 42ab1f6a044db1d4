#pragma once
// Tensors that run over the classes (the classifier, its optimiser slots, KappaFace's per-class state) held in
// shards, one contiguous range per rank (core/distributed/class_shard.h): gathered whole in global class order for a
// checkpoint or the telemetry, and cut again for a rank at any world size.
#include <torch/torch.h>

#include <cstdint>

#include "core/distributed/class_shard.h"
#include "engine/distributed/communicator.h"

namespace marginlab::distributed {

// Every rank's shard of a `classes`-wide tensor, joined along `axis` in global class order; the same on every rank.
// Shards differ by one class at most: each is padded to the largest for the allgather (Gloo wants equal shapes).
torch::Tensor gather_classes(Communicator& comm, const torch::Tensor& shard, std::int64_t axis, std::int64_t classes);

// This rank's part of a whole tensor, as a contiguous copy.
torch::Tensor cut_classes(const torch::Tensor& whole, std::int64_t axis, const ClassShard& shard);

}  // namespace marginlab::distributed
