#pragma once
// Per-channel sums that do not depend on the thread count: the kernels sum each fixed block of rows on its own, and
// the blocks' sums are added here, in order.
#include <torch/torch.h>

namespace marginlab::backbones {

// Elements per unit of parallel work in the PReLU and BatchNorm → PReLU kernels, and so per block of the ordered sums:
// large enough that a thread's start costs little, small enough for two cores to share even the last stage's
// activations.
constexpr std::int64_t kBlockElements = 1 << 15;

// Σ over the rows of a (rows, channels) table of float64 sums, in order.
inline torch::Tensor sum_rows(const torch::Tensor& table) {
  const auto rows = table.size(0), channels = table.size(1);
  auto total = torch::zeros({channels}, torch::kFloat64);
  const double* in = table.data_ptr<double>();
  double* out = total.data_ptr<double>();
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < channels; ++c) out[c] += in[r * channels + c];
  }
  return total;
}

}  // namespace marginlab::backbones
