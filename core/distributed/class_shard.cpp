#include "core/distributed/class_shard.h"

#include <algorithm>
#include <string>

#include "core/errors.h"

namespace marginlab::distributed {

ClassShard class_shard(std::int64_t classes, int rank, int world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw InvalidParameter("rank " + std::to_string(rank) + " is not one of a world of " + std::to_string(world_size));
  }
  if (classes < world_size) {
    throw InvalidParameter(std::to_string(classes) + " classes cannot be split over " + std::to_string(world_size) +
                           " ranks: every rank must hold at least one class");
  }
  const std::int64_t base = classes / world_size, extra = classes % world_size;
  return {base * rank + std::min<std::int64_t>(rank, extra), base + (rank < extra ? 1 : 0)};
}

}  // namespace marginlab::distributed
