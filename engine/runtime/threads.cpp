#include "engine/runtime/threads.h"

#include <torch/torch.h>

#include <algorithm>
#include <thread>

namespace marginlab {

int configure_threads(int requested, int reserved) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = requested > 0 ? requested : std::max(1, cores - reserved);
  at::set_num_threads(threads);
  return threads;
}

}  // namespace marginlab
