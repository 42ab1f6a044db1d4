#include "engine/distributed/replica_sync.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace marginlab::distributed {
namespace {

// One allreduce over several tensors of one dtype: flattened into one buffer and unflattened back.
void sum_flat(Communicator& comm, const std::vector<torch::Tensor>& tensors) {
  auto flat = torch::cat([&] {
    std::vector<torch::Tensor> views;
    for (const auto& t : tensors) views.push_back(t.reshape({-1}));
    return views;
  }());
  comm.allreduce_sum(flat);
  std::int64_t offset = 0;
  for (const auto& t : tensors) {
    t.copy_(flat.narrow(0, offset, t.numel()).view_as(t));
    offset += t.numel();
  }
}

void broadcast_flat(Communicator& comm, const std::vector<torch::Tensor>& tensors) {
  if (tensors.empty()) return;
  std::vector<torch::Tensor> views;
  for (const auto& t : tensors) views.push_back(t.detach().reshape({-1}));
  auto flat = torch::cat(views);
  comm.broadcast(flat, 0);
  std::int64_t offset = 0;
  torch::NoGradGuard no_grad;
  for (const auto& t : tensors) {
    t.detach().copy_(flat.narrow(0, offset, t.numel()).view_as(t));
    offset += t.numel();
  }
}

}  // namespace

ReplicaSync::ReplicaSync(std::shared_ptr<Communicator> comm, std::vector<torch::Tensor> parameters,
                         std::vector<torch::Tensor> buffers, std::int64_t bucket_bytes)
    : comm_(std::move(comm)), parameters_(std::move(parameters)), buffers_(std::move(buffers)) {
  // Buckets in parameter order, closed when full or when the dtype changes: every rank forms the same ones.
  std::int64_t filled = 0;
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const auto& p = parameters_[i];
    const std::int64_t bytes = p.numel() * static_cast<std::int64_t>(p.element_size());
    const bool dtype_changes =
        !buckets_.empty() && parameters_[buckets_.back().front()].scalar_type() != p.scalar_type();
    // A parameter larger than a bucket gets one of its own.
    if (buckets_.empty() || dtype_changes || (filled > 0 && filled + bytes > bucket_bytes)) {
      buckets_.emplace_back();
      filled = 0;
    }
    buckets_.back().push_back(i);
    filled += bytes;
  }
}

void ReplicaSync::broadcast_from_rank0() {
  if (comm_->world_size() == 1) return;
  // Grouped by dtype (BatchNorm's num_batches_tracked is an integer buffer).
  std::vector<torch::Tensor> all = parameters_;
  all.insert(all.end(), buffers_.begin(), buffers_.end());
  std::vector<std::vector<torch::Tensor>> by_dtype;
  for (const auto& t : all) {
    auto it = std::find_if(by_dtype.begin(), by_dtype.end(),
                           [&t](const auto& group) { return group.front().scalar_type() == t.scalar_type(); });
    if (it == by_dtype.end()) {
      by_dtype.push_back({t});
    } else {
      it->push_back(t);
    }
  }
  for (const auto& group : by_dtype) broadcast_flat(*comm_, group);
}

void ReplicaSync::sum_gradients() {
  if (comm_->world_size() == 1) return;
  const auto started = std::chrono::steady_clock::now();
  struct AddTime {
    std::chrono::steady_clock::time_point started;
    double& total;
    ~AddTime() { total += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); }
  } add_time{started, seconds_summing_};
  for (const auto& bucket : buckets_) {
    std::vector<torch::Tensor> grads;
    for (const auto i : bucket) {
      auto& p = parameters_[i];
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      grads.push_back(p.mutable_grad());
    }
    sum_flat(*comm_, grads);
  }
}

std::vector<std::int64_t> ReplicaSync::bucket_sizes() const {
  std::vector<std::int64_t> sizes;
  for (const auto& bucket : buckets_) {
    std::int64_t n = 0;
    for (const auto i : bucket) n += parameters_[i].numel();
    sizes.push_back(n);
  }
  return sizes;
}

}  // namespace marginlab::distributed
