// Strided 3×3 convolutions with the weight gradient from oneDNN's blocked layout, against LibTorch's convolution in
// float64: output and input gradient (LibTorch's own kernels), weight gradient (oneDNN's blocked one), for even and odd
// sizes and either weight layout; and LibTorch's module wherever the blocked gradient does not apply.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <thread>

#include "engine/backbones/backbone.h"
#include "engine/backbones/strided_convolution.h"

namespace marginlab::backbones {
namespace strided_convolution_test {

torch::nn::Conv2d strided(std::int64_t in, std::int64_t out, std::int64_t stride = 2, bool bias = false) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(bias));
}

double relative_difference(const torch::Tensor& ours, const torch::Tensor& exact) {
  return (ours.to(torch::kFloat64) - exact).abs().max().item<double>() / exact.abs().max().item<double>();
}

// Output and gradients of convolve() in float32 against the same convolution in float64.
void expect_exact_up_to_rounding(torch::nn::Conv2d conv, const torch::Tensor& x) {
  ASSERT_EQ(blocked_weight_gradient_applies(*conv, x), blocked_weight_gradient_available());
  const auto input = x.detach().clone(torch::MemoryFormat::Preserve).requires_grad_();
  const auto output = convolve(*conv, input);
  const auto upstream = torch::randn(output.sizes()).contiguous(torch::MemoryFormat::ChannelsLast);
  output.backward(upstream);

  const auto input64 = x.detach().to(torch::kFloat64).requires_grad_();
  const auto weight64 = conv->weight.detach().to(torch::kFloat64).requires_grad_();
  const auto exact = torch::conv2d(input64, weight64, {}, 2, 1);
  exact.backward(upstream.to(torch::kFloat64));

  EXPECT_TRUE(output.is_contiguous(torch::MemoryFormat::ChannelsLast));
  EXPECT_LT(relative_difference(output, exact), 1e-5);
  EXPECT_LT(relative_difference(input.grad(), input64.grad()), 1e-5);
  ASSERT_TRUE(conv->weight.grad().defined());
  EXPECT_EQ(conv->weight.grad().strides(), conv->weight.strides());  // in the weight's own layout
  EXPECT_LT(relative_difference(conv->weight.grad(), weight64.grad()), 1e-5);
}

TEST(StridedConvolution, EvenSizesAsLibTorchComputesThem) {
  torch::manual_seed(1);
  auto conv = strided(16, 32);
  use_channels_last(*conv);
  expect_exact_up_to_rounding(conv, torch::randn({4, 16, 14, 14}).contiguous(torch::MemoryFormat::ChannelsLast));
}

// An odd side: the last output row and column take one padded row and column more.
TEST(StridedConvolution, OddSizesPadTheLastRowAndColumn) {
  torch::manual_seed(2);
  auto conv = strided(32, 16);
  use_channels_last(*conv);
  expect_exact_up_to_rounding(conv, torch::randn({3, 32, 7, 9}).contiguous(torch::MemoryFormat::ChannelsLast));
}

// Weights as they arrive from a file (the default layout) get their gradient in that layout.
TEST(StridedConvolution, WeightInTheDefaultLayout) {
  torch::manual_seed(3);
  auto conv = strided(8, 16);
  ASSERT_TRUE(conv->weight.is_contiguous());
  expect_exact_up_to_rounding(conv, torch::randn({2, 8, 12, 12}).contiguous(torch::MemoryFormat::ChannelsLast));
}

// Only the input's gradient wanted (a frozen weight) or only the weight's (the first layer): each alone is right.
TEST(StridedConvolution, EachGradientAlone) {
  torch::manual_seed(4);
  auto conv = strided(16, 16);
  use_channels_last(*conv);
  const auto x = torch::randn({2, 16, 10, 10}).contiguous(torch::MemoryFormat::ChannelsLast);
  const auto exact_weight_grad = [&] {
    const auto w = conv->weight.detach().to(torch::kFloat64).requires_grad_();
    torch::conv2d(x.to(torch::kFloat64), w, {}, 2, 1).sum().backward();
    return w.grad();
  }();
  convolve(*conv, x).sum().backward();
  EXPECT_LT(relative_difference(conv->weight.grad(), exact_weight_grad), 1e-5);

  conv->weight.requires_grad_(false);
  EXPECT_FALSE(blocked_weight_gradient_applies(*conv, x));  // nothing to gain: LibTorch's convolution
  const auto input = x.clone(torch::MemoryFormat::Preserve).requires_grad_();
  convolve(*conv, input).sum().backward();
  const auto input64 = x.to(torch::kFloat64).requires_grad_();
  torch::conv2d(input64, conv->weight.to(torch::kFloat64), {}, 2, 1).sum().backward();
  EXPECT_LT(relative_difference(input.grad(), input64.grad()), 1e-5);
}

// Steps on several threads (ranks in one process, a study's runs) share the primitives of a shape, not their buffers.
TEST(StridedConvolution, StepsOnTwoThreadsAtOnce) {
  torch::manual_seed(5);
  std::array<torch::nn::Conv2d, 2> convs{strided(16, 16), strided(16, 16)};
  std::array<torch::Tensor, 2> inputs;
  for (int t = 0; t < 2; ++t) {
    use_channels_last(*convs[t]);
    inputs[t] = torch::randn({4, 16, 16, 16}).contiguous(torch::MemoryFormat::ChannelsLast);
  }
  std::array<std::thread, 2> threads;
  for (int t = 0; t < 2; ++t) {
    threads[t] = std::thread([&, t] {
      for (int repeat = 0; repeat < 20; ++repeat) convolve(*convs[t], inputs[t]).sum().backward();
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 2; ++t) {
    const auto w = convs[t]->weight.detach().to(torch::kFloat64).requires_grad_();
    torch::conv2d(inputs[t].to(torch::kFloat64), w, {}, 2, 1).sum().backward();
    EXPECT_LT(relative_difference(convs[t]->weight.grad() / 20, w.grad()), 1e-5) << "thread " << t;
  }
}

TEST(StridedConvolution, LibTorchsModuleWhereItDoesNotApply) {
  auto conv = strided(8, 8);
  use_channels_last(*conv);
  const auto x = torch::randn({2, 8, 8, 8}).contiguous(torch::MemoryFormat::ChannelsLast);
  EXPECT_FALSE(blocked_weight_gradient_applies(*conv, x.contiguous()));         // NCHW
  EXPECT_FALSE(blocked_weight_gradient_applies(*conv, x.to(torch::kFloat64)));  // not float32
  EXPECT_FALSE(blocked_weight_gradient_applies(*strided(8, 8, 1), x));          // stride 1
  EXPECT_FALSE(blocked_weight_gradient_applies(*strided(8, 8, 2, true), x));    // a bias
  {
    torch::NoGradGuard no_grad;  // evaluation
    EXPECT_FALSE(blocked_weight_gradient_applies(*conv, x));
  }
  EXPECT_EQ(blocked_weight_gradient_applies(*conv, x), blocked_weight_gradient_available());
}

}  // namespace strided_convolution_test
}  // namespace marginlab::backbones
