#include "engine/runtime/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <thread>

namespace marginlab {
namespace {

// OpenBLAS (the BLAS of Debian's LibTorch) runs matrix products on a thread pool of its own, whose threads spin for
// about 0.1 s after each product before they sleep: on cores that LibTorch's OpenMP threads use for everything else,
// the head's products left a core spinning through much of the backward pass. With products on the calling thread the
// demo network's step ran 1.25× faster (bench train, 2 cores), while its products take a few percent of the step.
// Another BLAS (MKL in PyTorch's wheels) has no such function and is left as it is.
void run_blas_on_calling_thread() {
  using SetThreads = void (*)(int);
  if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(1);
}

}  // namespace

int configure_threads(int requested, int reserved) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = requested > 0 ? requested : std::max(1, cores - reserved);
  at::set_num_threads(threads);
  run_blas_on_calling_thread();
  return threads;
}

}  // namespace marginlab
