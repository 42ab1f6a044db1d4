#include "core/distributed/memory_plan.h"

#include <fmt/format.h>

#include <cmath>

#include "core/errors.h"

namespace marginlab::distributed {
namespace {

constexpr double kFloat = 4.0;  // fp32: weights, gradients, optimiser slots, logits
// The (B × C_sel) matrices our Partial FC step keeps at once: cosines, scaled logits with margins, the softmax's
// exponentials, probabilities, and the gradient.
constexpr int kLogitCopies = 5;

void require(bool ok, const std::string& message) {
  if (!ok) throw InvalidParameter(message);
}

// A ring allreduce sends 2(W − 1)/W of the buffer from every rank; an allgather (W − 1)/W of the gathered result.
double allreduce(double bytes, int w) { return w > 1 ? 2.0 * (w - 1) / w * bytes : 0.0; }
double allgather(double gathered_bytes, int w) { return w > 1 ? (w - 1.0) / w * gathered_bytes : 0.0; }

}  // namespace

double MemoryPlan::memory_bytes() const {
  double total = 0;
  for (const auto& line : memory) total += line.bytes;
  return total;
}

double MemoryPlan::traffic_bytes() const {
  double total = 0;
  for (const auto& line : traffic) total += line.bytes;
  return total;
}

MemoryPlan plan_memory(const PlanInput& in) {
  require(in.world_size >= 1, fmt::format("world size = {}: must be at least 1", in.world_size));
  require(in.global_batch >= 1, fmt::format("batch = {}: must be at least 1", in.global_batch));
  require(in.global_batch % in.world_size == 0,
          fmt::format("batch = {} is not a multiple of the world size {}: every rank takes the same share of the "
                      "global batch",
                      in.global_batch, in.world_size));
  require(in.classes >= 1, fmt::format("classes = {}: must be at least 1", in.classes));
  require(in.embedding_dim >= 1, fmt::format("embedding dim = {}: must be at least 1", in.embedding_dim));
  require(in.sample_rate > 0 && in.sample_rate <= 1,
          fmt::format("sample rate = {}: must be in (0, 1]", in.sample_rate));
  require(in.optimizer_slots >= 0, "optimizer slots must not be negative");

  MemoryPlan plan;
  const int w = in.world_size;
  const double d = static_cast<double>(in.embedding_dim);
  plan.local_batch = in.global_batch / w;
  plan.classes_per_rank = in.classes / w + (in.classes % w ? 1 : 0);
  plan.sampled_per_rank = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::floor(in.sample_rate * static_cast<double>(plan.classes_per_rank))));
  const double copies = 2.0 + in.optimizer_slots;  // weight, gradient, optimiser slots
  const double params = static_cast<double>(in.backbone_parameters);
  const double activation_bytes = in.half_activations ? 2.0 : kFloat;

  plan.memory.push_back({"backbone weights, gradients, optimiser", params * kFloat * copies,
                         fmt::format("{} parameters × 4 B × {} (weight, gradient, {} slot{})", in.backbone_parameters,
                                     copies, in.optimizer_slots, in.optimizer_slots == 1 ? "" : "s")});
  plan.memory.push_back({"backbone activations",
                         static_cast<double>(plan.local_batch) * in.activation_elements_per_image * activation_bytes,
                         fmt::format("{} images × {:.3g} values × {} B", plan.local_batch,
                                     in.activation_elements_per_image, activation_bytes)});
  plan.memory.push_back({"classifier shard, gradient, optimiser",
                         static_cast<double>(plan.classes_per_rank) * d * kFloat * copies,
                         fmt::format("{} classes × {} × 4 B × {}", plan.classes_per_rank, in.embedding_dim, copies)});
  plan.memory.push_back(
      {"logits of the gathered batch",
       static_cast<double>(in.global_batch) * static_cast<double>(plan.sampled_per_rank) * kFloat * kLogitCopies,
       fmt::format("{} rows × {} classes × 4 B × {} (cosine, logits, exp, p, gradient)", in.global_batch,
                   plan.sampled_per_rank, kLogitCopies)});
  plan.memory.push_back({"gathered embeddings and their gradient",
                         static_cast<double>(in.global_batch) * d * kFloat * 2,
                         fmt::format("{} rows × {} × 4 B × 2", in.global_batch, in.embedding_dim)});
  if (in.sample_memory_rows > 0) {
    // Every rank keeps every sample's row (each sees the whole gathered batch, so a checkpoint needs no merge): it
    // does not shrink with W. Keeping only the samples of a rank's own classes is not done yet.
    const double rows = static_cast<double>(in.sample_memory_rows);
    plan.memory.push_back({"per-sample memory (KappaFace)", rows * d * kFloat,
                           fmt::format("{:.0f} samples × {} × 4 B", rows, in.embedding_dim)});
  }

  plan.traffic.push_back({"backbone gradient allreduce", allreduce(params * kFloat, w),
                          fmt::format("2(W−1)/W × {} parameters × 4 B", in.backbone_parameters)});
  plan.traffic.push_back({"embeddings allgather", allgather(static_cast<double>(in.global_batch) * d * kFloat, w),
                          fmt::format("(W−1)/W × {} rows × {} × 4 B", in.global_batch, in.embedding_dim)});
  plan.traffic.push_back({"embedding gradient allreduce",
                          allreduce(static_cast<double>(in.global_batch) * d * kFloat, w),
                          fmt::format("2(W−1)/W × {} rows × {} × 4 B", in.global_batch, in.embedding_dim)});
  plan.traffic.push_back({"softmax statistics (max, sum, p at the target)",
                          allreduce(static_cast<double>(in.global_batch) * 4 * kFloat, w),
                          fmt::format("2(W−1)/W × {} rows × 4 values × 4 B", in.global_batch)});
  return plan;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024.0 && unit < 4) {
    bytes /= 1024.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.3g} {}", bytes, units[unit]);
}

}  // namespace marginlab::distributed
