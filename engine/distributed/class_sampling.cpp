#include "engine/distributed/class_sampling.h"

#include <vector>

#include "engine/data/random.h"

namespace marginlab::distributed {
namespace {

constexpr std::uint64_t kClassSamplingStream = 0x5a3b1e0fd2c47a91ULL;

}  // namespace

torch::Tensor sampled_classes(const SampleKey& key, const ClassShard& shard, double rate, const torch::Tensor& labels) {
  std::vector<std::uint8_t> keep(static_cast<std::size_t>(shard.count), 0);
  const auto positives = labels.to(torch::kCPU, torch::kInt64).contiguous();
  const auto* y = positives.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < positives.numel(); ++i) {
    if (y[i] >= 0 && y[i] < shard.count) keep[static_cast<std::size_t>(y[i])] = 1;
  }
  const std::uint64_t step_key = data::hash_key({key.seed, kClassSamplingStream, static_cast<std::uint64_t>(key.epoch),
                                                 static_cast<std::uint64_t>(key.batch_index)});
  std::vector<std::int64_t> held;
  held.reserve(static_cast<std::size_t>(rate * static_cast<double>(shard.count)) + positives.numel());
  for (std::int64_t c = 0; c < shard.count; ++c) {
    const auto global = static_cast<std::uint64_t>(shard.first + c);
    if (keep[static_cast<std::size_t>(c)] || data::unit_from_bits(data::mix64(step_key ^ data::mix64(global))) < rate) {
      held.push_back(c);
    }
  }
  // A step with no positive here and no class drawn still needs one column (a softmax of no class has no shape the
  // heads take): the shard's first. Only at rates far below 1/C_r.
  if (held.empty()) held.push_back(0);
  return torch::tensor(held, torch::kInt64);
}

}  // namespace marginlab::distributed
