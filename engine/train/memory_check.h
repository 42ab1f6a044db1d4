#pragma once
// A run that cannot fit its device is refused before it starts, saying what to change: the memory plan `marginlab-cli
// plan` prints (core/distributed/memory_plan.h) against the memory the device has available (the GPU's free memory,
// or this machine's RAM shared by the ranks on it).
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "core/distributed/memory_plan.h"
#include "core/experiment/experiment.h"

namespace marginlab::train {

// What one rank of this run holds, from the backbone's own layer walk and the data's sizes.
distributed::MemoryPlan plan_run(const Experiment& experiment, std::int64_t classes, std::int64_t dataset_size,
                                 int world_size);

// Throws InvalidParameter, naming `origin`, the need, the memory available and what to change, when the plan times
// `ranks_sharing` (the ranks on this machine for RAM, 1 for a GPU) exceeds what the device has available. Nothing is
// checked when the device's memory cannot be known.
void check_memory(const Experiment& experiment, std::int64_t classes, std::int64_t dataset_size, int world_size,
                  int ranks_sharing, const torch::Device& device, const std::string& origin);

}  // namespace marginlab::train
