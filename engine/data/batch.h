#pragma once
// A training or evaluation batch as the trainer consumes it.
#include <torch/torch.h>

#include <cstdint>

namespace marginlab::data {

struct Batch {
  torch::Tensor images;      // (B, 3, H, W) float32, normalised, channels-last memory format
  torch::Tensor labels;      // (B) int64 global class ids
  torch::Tensor quality;     // (B) float32 known quality, NaN where unknown
  torch::Tensor sample_ids;  // (B) int64 indices into the source (KappaFace's memory buffer rows)
  std::int64_t epoch = 0;    // position of this batch in the run: epoch and batch index within it
  std::int64_t index = 0;
};

}  // namespace marginlab::data
