#include "engine/distributed/class_gather.h"

#include <vector>

namespace marginlab::distributed {

torch::Tensor gather_classes(Communicator& comm, const torch::Tensor& shard, std::int64_t axis, std::int64_t classes) {
  const int world = comm.world_size();
  if (world == 1) return shard;
  const auto largest = class_shard(classes, 0, world).count;  // the first ranks hold the extra classes
  auto padded = shard;
  if (shard.size(axis) < largest) {
    auto shape = shard.sizes().vec();
    shape[axis] = largest - shard.size(axis);
    padded = torch::cat({shard, torch::zeros(shape, shard.options())}, axis);
  }
  const auto parts = comm.allgather(padded.contiguous());
  std::vector<torch::Tensor> cut;
  for (int r = 0; r < world; ++r) cut.push_back(parts[r].narrow(axis, 0, class_shard(classes, r, world).count));
  return torch::cat(cut, axis);
}

torch::Tensor cut_classes(const torch::Tensor& whole, std::int64_t axis, const ClassShard& shard) {
  return whole.narrow(axis, shard.first, shard.count).contiguous();
}

}  // namespace marginlab::distributed
