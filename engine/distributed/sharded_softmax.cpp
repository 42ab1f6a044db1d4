#include "engine/distributed/sharded_softmax.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/errors.h"

namespace marginlab::distributed {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The communicator travels with the autograd context (saved_data holds IValues; a capsule holds any object).
struct Held : torch::CustomClassHolder {
  explicit Held(std::shared_ptr<Communicator> c) : comm(std::move(c)) {}
  std::shared_ptr<Communicator> comm;
};

void keep(AutogradContext* ctx, const std::shared_ptr<Communicator>& comm) {
  ctx->saved_data["comm"] = c10::IValue::make_capsule(c10::make_intrusive<Held>(comm));
}

std::shared_ptr<Communicator> kept(AutogradContext* ctx) {
  return c10::static_intrusive_pointer_cast<Held>(ctx->saved_data["comm"].toCapsule())->comm;
}

struct GatherRows : torch::autograd::Function<GatherRows> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& local,
                               const std::shared_ptr<Communicator>& comm) {
    keep(ctx, comm);
    ctx->saved_data["rows"] = local.size(0);
    return comm->allgather_rows(local.detach().contiguous());
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto comm = kept(ctx);
    const auto rows = ctx->saved_data["rows"].toInt();
    auto total = grads[0].contiguous().clone();
    comm->allreduce_sum(total);
    return {total.narrow(0, comm->rank() * rows, rows).clone(), torch::Tensor()};
  }
};

struct ShardedCrossEntropy : torch::autograd::Function<ShardedCrossEntropy> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& logits, const torch::Tensor& target,
                               const std::shared_ptr<Communicator>& comm) {
    torch::NoGradGuard no_grad;
    const auto rows = logits.size(0);
    const auto here = target >= 0;
    // The row maximum over all ranks' columns, for a stable exp; then the softmax denominator over all columns.
    // A rank may hold no class at all (fewer classes than ranks): its maximum is −inf, its exp sum 0.
    auto max = logits.size(1) > 0 ? std::get<0>(logits.max(1)).contiguous()
                                  : torch::full({rows}, -std::numeric_limits<double>::infinity(), logits.options());
    comm->allreduce_max(max);
    auto exp = (logits - max.unsqueeze(1)).exp();
    auto sum = exp.sum(1).contiguous();
    comm->allreduce_sum(sum);
    auto p = exp / sum.unsqueeze(1);
    // log p at each row's target, from the rank that holds it, in log space: exact where p_y underflows (arcface_torch
    // clamps p_y at 1e-30, which caps a row's loss at 69.08; one process's log_softmax does not).
    auto shifted_target = torch::where(here, logits.gather(1, target.clamp_min(0).unsqueeze(1)).squeeze(1) - max,
                                       torch::zeros({rows}, logits.options()));
    auto found = torch::stack({shifted_target, here.to(logits.scalar_type())}).contiguous();
    comm->allreduce_sum(found);
    const auto labelled = found[1] > 0.5;
    const double n = std::max(1.0, labelled.sum().item<double>());
    auto loss = ((sum.log() - found[0]) * labelled).sum() / n;
    ctx->save_for_backward({p, target, labelled});
    ctx->saved_data["n"] = n;
    return loss;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& p = saved[0];
    const auto& target = saved[1];
    const auto& labelled = saved[2];
    const double n = ctx->saved_data["n"].toDouble();
    auto grad = p.clone();
    const auto here = target >= 0;
    auto column = target.clamp_min(0).unsqueeze(1);
    grad.scatter_add_(1, column, -here.to(p.scalar_type()).unsqueeze(1));
    grad *= labelled.to(p.scalar_type()).unsqueeze(1) * (grads[0] / n);
    return {grad, torch::Tensor(), torch::Tensor()};
  }
};

// Every rank must bring the same number of rows to a collective (Gloo aborts a rank on a size mismatch): one small
// allgather of the sizes first, so that every rank refuses with the same message.
void check_same_rows(Communicator& comm, std::int64_t rows, const char* what) {
  auto all = comm.allgather(torch::tensor({rows}, torch::kInt64));
  for (int r = 0; r < comm.world_size(); ++r) {
    const auto theirs = all[r].item<std::int64_t>();
    if (theirs == rows) continue;
    throw DistributedError(std::string(what) + ": rank " + std::to_string(comm.rank()) + " has " +
                           std::to_string(rows) + " rows and rank " + std::to_string(r) + " has " +
                           std::to_string(theirs) + "; every rank must hold the same number");
  }
}

}  // namespace

torch::Tensor gather_rows(const std::shared_ptr<Communicator>& comm, const torch::Tensor& local) {
  if (comm->world_size() == 1) return local;
  check_same_rows(*comm, local.size(0), "gathering the batch (each rank's share of the global batch)");
  return GatherRows::apply(local, comm);
}

torch::Tensor sharded_cross_entropy(const std::shared_ptr<Communicator>& comm, const torch::Tensor& logits,
                                    const torch::Tensor& target) {
  if (logits.dim() != 2 || target.dim() != 1 || target.size(0) != logits.size(0)) {
    throw InvalidBatch("sharded cross-entropy: logits " + std::to_string(logits.dim()) + "-D with " +
                       std::to_string(logits.size(0)) + " rows, targets of " + std::to_string(target.size(0)) +
                       " rows: expected (B × C_r) logits and B targets");
  }
  if (comm->world_size() > 1) check_same_rows(*comm, logits.size(0), "sharded cross-entropy");
  return ShardedCrossEntropy::apply(logits, target, comm);
}

}  // namespace marginlab::distributed
