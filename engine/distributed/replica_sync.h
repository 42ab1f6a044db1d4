#pragma once
// Data parallelism for the backbone, which LibTorch's C++ API lacks (no DistributedDataParallel; c10d's Reducer does
// not compile from Debian's headers): every rank holds a replica, started from rank 0's parameters and buffers,
// and after each backward pass the gradients are summed over the ranks in buckets, in a fixed order, so that every
// replica takes the same step. Summed, not averaged: each rank's loss is its part of the global batch's mean loss
// (gather_rows and sharded_cross_entropy give exactly that), so the sum is the global batch's gradient.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/distributed/communicator.h"

namespace marginlab::distributed {

class ReplicaSync {
 public:
  // `bucket_bytes`: how much gradient one allreduce carries (arcface_torch's DDP uses 16 MB buckets).
  ReplicaSync(std::shared_ptr<Communicator> comm, std::vector<torch::Tensor> parameters,
              std::vector<torch::Tensor> buffers, std::int64_t bucket_bytes = 25 << 20);

  // Every rank takes rank 0's parameters and buffers (BatchNorm's running statistics included).
  void broadcast_from_rank0();
  // After backward, before clipping and the optimiser step: each parameter's gradient becomes its sum over the
  // ranks. A parameter without a gradient counts as zero and gets the sum (the same on every rank).
  void sum_gradients();

  // The buckets' sizes in elements, in the order they travel (for tests and the benchmark).
  std::vector<std::int64_t> bucket_sizes() const;
  // Wall time spent in sum_gradients() so far (the benchmark's gradient-allreduce share of a step). Under NCCL the
  // collectives are asynchronous: the time is exact only when the caller synchronises the device around the call.
  double seconds_summing() const { return seconds_summing_; }

 private:
  std::shared_ptr<Communicator> comm_;
  std::vector<torch::Tensor> parameters_;
  std::vector<torch::Tensor> buffers_;
  std::vector<std::vector<std::size_t>> buckets_;  // indices into parameters_, same dtype within a bucket
  double seconds_summing_ = 0;
};

}  // namespace marginlab::distributed
