#pragma once
// Small tensor helpers the engine's tests share (one definition: the tests compile in unity batches).
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace marginlab::test_support {

inline torch::Tensor i64(std::vector<std::int64_t> values) { return torch::tensor(values, torch::kInt64); }
inline torch::Tensor f64(std::vector<double> values) { return torch::tensor(values, torch::kFloat64); }

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

// A (b, c) float64 matrix of cosines uniform in [−spread, spread], from `seed`.
inline torch::Tensor random_cosine(std::int64_t b, std::int64_t c, std::uint64_t seed, double spread = 0.9) {
  torch::manual_seed(seed);
  return torch::rand({b, c}, torch::kFloat64) * (2 * spread) - spread;
}

}  // namespace marginlab::test_support
