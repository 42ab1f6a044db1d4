// The fused BatchNorm → PReLU against LibTorch's two modules: the same output, running statistics and gradients for
// the input, the BatchNorm's gain and shift and the PReLU's slopes, up to the order of the sums; with a mean large
// against the spread, the cumulative running average, Ghost BatchNorm's parts and more rows than one block of work;
// and the two modules themselves wherever the fused step does not apply.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/backbones/batch_norm_prelu.h"

namespace marginlab::backbones {
namespace batch_norm_prelu_test {

struct Pair {
  SyncBatchNorm2d norm;
  PReLU prelu;
};

// Two identical pairs with non-trivial parameters and running statistics.
std::pair<Pair, Pair> twins(std::int64_t channels, c10::optional<double> momentum = 0.1) {
  auto make = [&] {
    Pair pair{SyncBatchNorm2d(torch::nn::BatchNorm2dOptions(channels).momentum(momentum)),
              PReLU(torch::nn::PReLUOptions().num_parameters(channels))};
    torch::NoGradGuard no_grad;
    torch::manual_seed(7);
    pair.norm->weight.uniform_(0.5, 1.5);
    pair.norm->bias.uniform_(-0.5, 0.5);
    pair.norm->running_mean.uniform_(-1, 1);
    pair.norm->running_var.uniform_(0.5, 2);
    pair.prelu->weight.uniform_(-0.3, 0.6);  // slopes of both signs
    return pair;
  };
  return {make(), make()};
}

struct Result {
  torch::Tensor output, input_grad;
};

Result run(const torch::Tensor& x, const torch::Tensor& upstream,
           const std::function<torch::Tensor(torch::Tensor)>& f) {
  const auto input = x.detach().clone(torch::MemoryFormat::Preserve).requires_grad_();
  auto output = f(input);
  output.backward(upstream);
  return {output.detach(), input.grad()};
}

void expect_close(const torch::Tensor& ours, const torch::Tensor& theirs, double tolerance, const std::string& what) {
  ASSERT_EQ(ours.sizes(), theirs.sizes()) << what;
  const auto difference = (ours - theirs).abs().max().item<double>();
  const auto scale = std::max(1.0, theirs.abs().max().item<double>());
  EXPECT_LE(difference, tolerance * scale) << what;
}

void expect_as_libtorch(const torch::Tensor& x, c10::optional<double> momentum = 0.1, int steps = 1) {
  const auto channels = x.size(1);
  auto [fused, apart] = twins(channels, momentum);
  for (int step = 0; step < steps; ++step) {
    const auto upstream = torch::randn(x.sizes()).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto ours = run(x, upstream, [&](const auto& i) { return batch_norm_prelu(*fused.norm, *fused.prelu, i); });
    const auto theirs = run(x, upstream, [&](const auto& i) { return apart.prelu->forward(apart.norm->forward(i)); });
    EXPECT_TRUE(ours.output.is_contiguous(torch::MemoryFormat::ChannelsLast));
    EXPECT_TRUE(ours.input_grad.is_contiguous(torch::MemoryFormat::ChannelsLast));
    expect_close(ours.output, theirs.output, 1e-5, "output");
    expect_close(ours.input_grad, theirs.input_grad, 1e-4, "input gradient");
  }
  expect_close(fused.norm->weight.grad(), apart.norm->weight.grad(), 1e-4, "gain gradient");
  expect_close(fused.norm->bias.grad(), apart.norm->bias.grad(), 1e-4, "shift gradient");
  expect_close(fused.prelu->weight.grad(), apart.prelu->weight.grad(), 1e-4, "slope gradient");
  expect_close(fused.norm->running_mean, apart.norm->running_mean, 1e-5, "running mean");
  expect_close(fused.norm->running_var, apart.norm->running_var, 1e-5, "running variance");
  EXPECT_EQ(fused.norm->num_batches_tracked.item<std::int64_t>(), apart.norm->num_batches_tracked.item<std::int64_t>());
}

torch::Tensor activations(std::vector<std::int64_t> shape, double mean = 0.0, double spread = 1.0) {
  return (torch::randn(shape) * spread + mean).contiguous(torch::MemoryFormat::ChannelsLast);
}

TEST(BatchNormPReLU, IsLibTorchsBatchNormThenPReLU) {
  torch::manual_seed(1);
  expect_as_libtorch(activations({4, 16, 9, 7}, 0.3, 2.0));
}

TEST(BatchNormPReLU, MoreRowsThanOneBlockOfWork) {
  // 33·17·19 rows of 64 channels: several blocks of 512 rows and a last one that is not full.
  torch::manual_seed(2);
  expect_as_libtorch(activations({33, 64, 17, 19}));
}

TEST(BatchNormPReLU, MeanLargeAgainstTheSpread) {
  // Activations at 300 ± 0.05: both are measured against the two modules in float64, and the fused step must be no
  // further from them than LibTorch's float32 modules are.
  torch::manual_seed(3);
  const auto x = activations({8, 8, 12, 12}, 300.0, 0.05);
  const auto upstream = torch::randn(x.sizes()).contiguous(torch::MemoryFormat::ChannelsLast);
  auto [fused, apart] = twins(8);
  auto [exact, unused] = twins(8);
  exact.norm->to(torch::kFloat64);
  exact.prelu->to(torch::kFloat64);
  const auto ours = run(x, upstream, [&](const auto& i) { return batch_norm_prelu(*fused.norm, *fused.prelu, i); });
  const auto theirs = run(x, upstream, [&](const auto& i) { return apart.prelu->forward(apart.norm->forward(i)); });
  const auto reference = run(x.to(torch::kFloat64), upstream.to(torch::kFloat64),
                             [&](const auto& i) { return exact.prelu->forward(exact.norm->forward(i)); });
  auto error = [](const torch::Tensor& t, const torch::Tensor& exact_value) {
    return (t.to(torch::kFloat64) - exact_value).abs().max().item<double>();
  };
  EXPECT_LE(error(ours.output, reference.output), std::max(1e-3, error(theirs.output, reference.output)));
  EXPECT_LE(error(ours.input_grad, reference.input_grad),
            std::max(1e-2, error(theirs.input_grad, reference.input_grad)));
  EXPECT_LE(error(fused.norm->running_var, exact.norm->running_var),
            std::max(1e-7, error(apart.norm->running_var, exact.norm->running_var)));
}

TEST(BatchNormPReLU, CumulativeRunningAverageOverSteps) {
  torch::manual_seed(4);
  expect_as_libtorch(activations({4, 8, 6, 6}), c10::nullopt, 3);
}

TEST(BatchNormPReLU, GhostBatchNormTakesEachPartsStatistics) {
  torch::manual_seed(7);
  const auto x = activations({6, 16, 5, 5}, 0.2, 1.5);
  const auto upstream = torch::randn(x.sizes()).contiguous(torch::MemoryFormat::ChannelsLast);
  auto [fused, apart] = twins(16);
  fused.norm->normalise_in_groups(3);
  apart.norm->normalise_in_groups(3);
  const auto ours = run(x, upstream, [&](const auto& i) { return batch_norm_prelu(*fused.norm, *fused.prelu, i); });
  const auto theirs = run(x, upstream, [&](const auto& i) { return apart.prelu->forward(apart.norm->forward(i)); });
  expect_close(ours.output, theirs.output, 1e-5, "output");
  expect_close(ours.input_grad, theirs.input_grad, 1e-4, "input gradient");
  expect_close(fused.norm->weight.grad(), apart.norm->weight.grad(), 1e-4, "gain gradient");
  expect_close(fused.prelu->weight.grad(), apart.prelu->weight.grad(), 1e-4, "slope gradient");
  expect_close(fused.norm->running_var, apart.norm->running_var, 1e-5, "running variance");
  EXPECT_EQ(fused.norm->num_batches_tracked.item<std::int64_t>(), 3);
}

TEST(BatchNormPReLU, GradientSumsDoNotDependOnTheThreadCount) {
  torch::manual_seed(5);
  const auto x = activations({16, 32, 24, 24});
  const auto upstream = torch::randn(x.sizes()).contiguous(torch::MemoryFormat::ChannelsLast);
  auto gradients = [&](int threads) {
    const auto before = at::get_num_threads();
    at::set_num_threads(threads);
    auto [pair, unused] = twins(32);
    const auto result = run(x, upstream, [&](const auto& i) { return batch_norm_prelu(*pair.norm, *pair.prelu, i); });
    at::set_num_threads(before);
    return std::vector<torch::Tensor>{result.input_grad, pair.norm->weight.grad(), pair.norm->bias.grad(),
                                      pair.prelu->weight.grad(), pair.norm->running_var};
  };
  const auto one = gradients(1), two = gradients(2);
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_TRUE(torch::equal(one[i], two[i])) << "tensor " << i;
}

TEST(BatchNormPReLU, TheTwoModulesWhereItDoesNotApply) {
  torch::manual_seed(6);
  const auto x = activations({4, 8, 6, 6});
  auto expect_unfused = [&](Pair& fused, Pair& apart, const torch::Tensor& input) {
    const auto ours = batch_norm_prelu(*fused.norm, *fused.prelu, input);
    const auto theirs = apart.prelu->forward(apart.norm->forward(input));
    EXPECT_TRUE(torch::equal(ours, theirs));
    EXPECT_TRUE(torch::equal(fused.norm->running_var, apart.norm->running_var));
  };
  {
    auto [fused, apart] = twins(8);  // evaluation: the running statistics
    fused.norm->eval();
    apart.norm->eval();
    expect_unfused(fused, apart, x);
  }
  {
    auto [fused, apart] = twins(8);  // plain NCHW layout
    expect_unfused(fused, apart, x.contiguous());
  }
  {
    auto [fused, apart] = twins(8);  // synchronised over ranks (here a "sum" over one rank)
    fused.norm->sync_over_ranks([](torch::Tensor&) {});
    apart.norm->sync_over_ranks([](torch::Tensor&) {});
    expect_unfused(fused, apart, x);
  }
  {
    auto [fused, apart] = twins(6);  // channels not a multiple of the kernels' eight
    expect_unfused(fused, apart, activations({4, 6, 5, 5}));
  }
}

}  // namespace batch_norm_prelu_test
}  // namespace marginlab::backbones
