// The backbones' PReLU against LibTorch's: the same output, the same input gradient bit for bit, the same slope
// gradient up to the order of the sums; in both memory formats, with exact zeros and slopes of either sign; the
// slope gradient identical whatever the thread count; LibTorch's own path wherever the one-pass backward does not
// apply.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/backbones/prelu.h"

namespace marginlab::backbones {
namespace {

struct Gradients {
  torch::Tensor output, input, weight;
};

template <class Prelu>
Gradients run(Prelu prelu, const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& upstream) {
  const auto input = x.detach().clone(at::MemoryFormat::Preserve).requires_grad_();
  const auto weight = w.detach().clone().requires_grad_();
  const auto output = prelu(input, weight);
  output.backward(upstream);
  return {output.detach(), input.grad(), weight.grad()};
}

// Activations as a BatchNorm leaves them, with some exact zeros (the boundary: x = 0 takes the slope).
torch::Tensor activations(std::vector<std::int64_t> shape, torch::MemoryFormat format) {
  auto x = torch::randn(shape);
  x.masked_fill_(torch::rand(shape) < 0.05, 0.0);
  return x.contiguous(format);
}

void expect_as_libtorch(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& upstream) {
  const auto ours = run([](const auto& i, const auto& s) { return backbones::prelu(i, s); }, x, w, upstream);
  const auto theirs = run([](const auto& i, const auto& s) { return torch::prelu(i, s); }, x, w, upstream);
  EXPECT_TRUE(torch::equal(ours.output, theirs.output));
  EXPECT_TRUE(torch::equal(ours.input, theirs.input));
  EXPECT_EQ(ours.input.is_contiguous(torch::MemoryFormat::ChannelsLast),
            x.is_contiguous(torch::MemoryFormat::ChannelsLast) && !x.is_contiguous());
  ASSERT_EQ(ours.weight.sizes(), theirs.weight.sizes());
  EXPECT_TRUE(torch::allclose(ours.weight, theirs.weight, 1e-5, 1e-4))
      << "ours " << ours.weight << "\nLibTorch " << theirs.weight;
}

TEST(PReLU, ChannelsLastGradientsAreLibTorchs) {
  torch::manual_seed(1);
  const auto x = activations({6, 5, 9, 7}, torch::MemoryFormat::ChannelsLast);
  const auto w = torch::randn({5}) * 0.5;  // slopes of both signs
  expect_as_libtorch(x, w, torch::randn({6, 5, 9, 7}).contiguous(torch::MemoryFormat::ChannelsLast));
}

TEST(PReLU, ContiguousGradientsAreLibTorchs) {
  torch::manual_seed(2);
  const auto x = activations({6, 5, 9, 7}, torch::MemoryFormat::Contiguous);
  expect_as_libtorch(x, torch::randn({5}) * 0.5, torch::randn({6, 5, 9, 7}));
}

TEST(PReLU, UpstreamGradientInTheOtherFormat) {
  torch::manual_seed(3);
  const auto x = activations({4, 8, 6, 6}, torch::MemoryFormat::ChannelsLast);
  expect_as_libtorch(x, torch::full({8}, 0.25), torch::randn({4, 8, 6, 6}));  // NCHW gradient, channels-last input
}

TEST(PReLU, LargerThanOneBlockOfWork) {
  // More rows than one unit of parallel work, with a last block that is not full.
  torch::manual_seed(4);
  const auto x = activations({33, 16, 17, 19}, torch::MemoryFormat::ChannelsLast);
  expect_as_libtorch(x, torch::full({16}, 0.25), torch::randn_like(x));
  expect_as_libtorch(x.contiguous(), torch::full({16}, 0.25), torch::randn_like(x.contiguous()));
}

TEST(PReLU, EmbeddingShapedInput) {
  torch::manual_seed(5);
  expect_as_libtorch(activations({32, 12}, torch::MemoryFormat::Contiguous), torch::randn({12}),
                     torch::randn({32, 12}));
}

TEST(PReLU, SlopeGradientDoesNotDependOnTheThreadCount) {
  torch::manual_seed(6);
  const auto x = activations({64, 16, 32, 32}, torch::MemoryFormat::ChannelsLast);
  const auto upstream = torch::randn_like(x);
  const auto w = torch::full({16}, 0.25);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const auto one = run([](const auto& i, const auto& s) { return backbones::prelu(i, s); }, x, w, upstream);
  at::set_num_threads(4);
  const auto four = run([](const auto& i, const auto& s) { return backbones::prelu(i, s); }, x, w, upstream);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one.weight, four.weight));
  EXPECT_TRUE(torch::equal(one.input, four.input));
}

TEST(PReLU, OtherTypesAndLayoutsAreLibTorchs) {
  torch::manual_seed(7);
  // float64, and a strided (transposed) input: LibTorch's path, so exactly its gradients.
  const auto x64 = torch::randn({3, 4, 5, 5}, torch::kFloat64);
  const auto w64 = torch::randn({4}, torch::kFloat64);
  const auto up64 = torch::randn_like(x64);
  const auto a = run([](const auto& i, const auto& s) { return backbones::prelu(i, s); }, x64, w64, up64);
  const auto b = run([](const auto& i, const auto& s) { return torch::prelu(i, s); }, x64, w64, up64);
  EXPECT_TRUE(torch::equal(a.weight, b.weight));
  const auto strided = torch::randn({3, 5, 4, 5}).transpose(1, 2);
  const auto w = torch::randn({4});
  const auto up = torch::randn({3, 4, 5, 5});
  const auto c = run([](const auto& i, const auto& s) { return backbones::prelu(i, s); }, strided, w, up);
  const auto d = run([](const auto& i, const auto& s) { return torch::prelu(i, s); }, strided, w, up);
  EXPECT_TRUE(torch::equal(c.weight, d.weight));
  EXPECT_TRUE(torch::equal(c.input, d.input));
}

TEST(PReLU, TheModuleIsLibTorchsByNameAndState) {
  PReLU ours(torch::nn::PReLUOptions().num_parameters(3));
  torch::nn::PReLU theirs(torch::nn::PReLUOptions().num_parameters(3));
  EXPECT_EQ(ours->named_parameters().keys(), theirs->named_parameters().keys());
  EXPECT_TRUE(torch::equal(ours->weight, theirs->weight));
  // The walkers and the ONNX export find it as LibTorch's module.
  torch::nn::Module& module = *ours;
  EXPECT_NE(module.as<torch::nn::PReLUImpl>(), nullptr);
  const auto x = torch::randn({2, 3, 4, 4});
  EXPECT_TRUE(torch::equal(ours(x), theirs(x)));
}

}  // namespace
}  // namespace marginlab::backbones
