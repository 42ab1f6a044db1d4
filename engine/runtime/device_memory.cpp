#include "engine/runtime/device_memory.h"

#include <dlfcn.h>

#include <fstream>

namespace marginlab {

std::optional<DeviceMemory> device_memory(const torch::Device& device) {
  if (device.is_cuda()) {
    // cudaMemGetInfo of the CUDA runtime a CUDA LibTorch links: looked up at run time, so that this builds against
    // a CPU LibTorch and without the CUDA toolkit's headers.
    using MemGetInfo = int (*)(std::size_t*, std::size_t*);
    const auto get = reinterpret_cast<MemGetInfo>(dlsym(RTLD_DEFAULT, "cudaMemGetInfo"));
    std::size_t free = 0, total = 0;
    if (!get || get(&free, &total) != 0) return std::nullopt;
    return DeviceMemory{static_cast<double>(free), static_cast<double>(total), device.str()};
  }
  // The kernel's estimate of what can be allocated without swapping (free memory and reclaimable caches), as
  // `free` shows it under "available".
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0, total_kib = 0, available_kib = -1;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemTotal:") total_kib = kib;
    if (key == "MemAvailable:") available_kib = kib;
  }
  if (total_kib <= 0 || available_kib < 0) return std::nullopt;
  return DeviceMemory{available_kib * 1024, total_kib * 1024, "RAM of this machine"};
}

}  // namespace marginlab
