#pragma once
// Partial FC's split of the classes over the ranks (arcface_torch's): contiguous ranges in global class order, the
// first C % W ranks holding one class more. A checkpoint stores the classifier in global order, so a run resumed at
// another world size only cuts it differently.
#include <cstdint>

namespace marginlab::distributed {

struct ClassShard {
  std::int64_t first = 0;  // global id of the rank's first class
  std::int64_t count = 0;
  bool holds(std::int64_t class_id) const { return class_id >= first && class_id < first + count; }
};

// Throws InvalidParameter when there are fewer classes than ranks (a rank would hold none) or the rank is not one
// of the world's.
ClassShard class_shard(std::int64_t classes, int rank, int world_size);

}  // namespace marginlab::distributed
