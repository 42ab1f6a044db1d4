#pragma once
// What one rank of a Partial FC run holds, and what it sends per step, from the run's sizes: the numbers behind
// `marginlab-cli plan`. Arithmetic only (no torch): the backbone's parameter count and per-image activations come
// from its layer walk (engine/backbones/model_info.h).
#include <cstdint>
#include <string>
#include <vector>

namespace marginlab::distributed {

struct PlanInput {
  std::string backbone;  // for the report
  std::int64_t backbone_parameters = 0;
  double activation_elements_per_image = 0;  // every layer's output, kept for the backward pass
  std::int64_t classes = 0;
  std::int64_t embedding_dim = 512;
  std::int64_t global_batch = 0;  // train.batch_size: the batch of one step over all ranks
  int world_size = 1;
  double sample_rate = 1.0;             // Partial FC's share of each rank's classes in the softmax
  bool half_activations = false;        // fp16/bf16 autocast: activations in 2 bytes, weights stay fp32
  int optimizer_slots = 1;              // per weight: SGD with momentum 1, AdamW 2
  std::int64_t sample_memory_rows = 0;  // KappaFace's per-sample memory (the dataset's size, whole on every rank), 0: none
};

struct PlanLine {
  std::string what;
  double bytes = 0;
  std::string how;  // the formula, with the numbers
};

struct MemoryPlan {
  std::int64_t local_batch = 0;
  std::int64_t classes_per_rank = 0;  // the largest shard: the first C % W ranks hold one more
  std::int64_t sampled_per_rank = 0;  // classes in each rank's softmax
  std::vector<PlanLine> memory;       // per rank
  std::vector<PlanLine> traffic;      // bytes each rank sends per step
  double memory_bytes() const;
  double traffic_bytes() const;
};

// Throws InvalidParameter naming the value when the world size does not divide the global batch, a size is not
// positive or the sample rate is outside (0, 1].
MemoryPlan plan_memory(const PlanInput& input);

// "1.23 GiB", "512 MiB", "3.0 KiB".
std::string format_bytes(double bytes);

}  // namespace marginlab::distributed
