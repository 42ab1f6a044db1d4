#pragma once
// How much memory a run may use on its device: what the current GPU has free (asked of the CUDA runtime the CUDA
// LibTorch has loaded), or this machine's available RAM. For a training run's refusal to start when its plan cannot
// fit (engine/train/memory_check.h).
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>

namespace marginlab {

struct DeviceMemory {
  double free_bytes = 0;
  double total_bytes = 0;
  std::string what;  // "cuda:0", "RAM of this machine"
};

// Empty when it cannot be known (a CUDA device whose runtime does not answer).
std::optional<DeviceMemory> device_memory(const torch::Device& device);

}  // namespace marginlab
