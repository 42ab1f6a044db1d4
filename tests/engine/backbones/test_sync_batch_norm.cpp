// The BatchNorm the backbones are built of: unsynchronised it is LibTorch's; synchronised, its arithmetic (sums over
// the ranks in the forward pass, their gradients summed in the backward pass) equals LibTorch's BatchNorm on the
// global batch. In one process the sum over "ranks" is the identity, or, with a batch split in two halves, adds the
// other half's sums: both are checked here against torch's BatchNorm in float64. Across processes:
// tests/engine/distributed (TrainingOnRanks).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/backbones/sync_batch_norm.h"

namespace marginlab::backbones {
namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

TEST(SyncBatchNorm, UnsynchronisedItIsLibTorchsBatchNorm) {
  torch::manual_seed(3);
  SyncBatchNorm2d ours(torch::nn::BatchNorm2dOptions(4));
  torch::nn::BatchNorm2d theirs(torch::nn::BatchNorm2dOptions(4));
  const auto x = torch::randn({5, 4, 3, 3});
  EXPECT_EQ(max_diff(ours(x), theirs(x)), 0.0);
  EXPECT_EQ(max_diff(ours->running_var, theirs->running_var), 0.0);
  // The same names in the state dict (the exports and arcface_torch's loaders rely on them).
  std::vector<std::string> names, expected;
  for (const auto& p : ours->named_parameters()) names.push_back(p.key());
  for (const auto& b : ours->named_buffers()) names.push_back(b.key());
  for (const auto& p : theirs->named_parameters()) expected.push_back(p.key());
  for (const auto& b : theirs->named_buffers()) expected.push_back(b.key());
  EXPECT_EQ(names, expected);
}

// Two "ranks" in one process, on two threads: each half of the batch goes through its own layer, and the sum over the
// ranks adds the two halves' tensors as an allreduce would. Outputs, the input's gradient, the running statistics and
// the (summed) parameter gradients equal LibTorch's BatchNorm on the whole batch.
TEST(SyncBatchNorm, TwoHalvesSynchronisedEqualTheWholeBatch) {
  torch::manual_seed(5);
  const auto x = torch::randn({6, 3, 4, 4}, torch::kFloat64) * 2 + 5;
  const auto upstream = torch::randn({6, 3, 4, 4}, torch::kFloat64);

  torch::nn::BatchNorm2d whole(torch::nn::BatchNorm2dOptions(3));
  whole->to(torch::kFloat64);
  {
    torch::NoGradGuard no_grad;
    whole->weight.uniform_(0.5, 1.5);
    whole->bias.uniform_(-0.5, 0.5);
  }
  std::array<SyncBatchNorm2d, 2> halves{SyncBatchNorm2d(torch::nn::BatchNorm2dOptions(3)),
                                        SyncBatchNorm2d(torch::nn::BatchNorm2dOptions(3))};
  for (auto& half : halves) {
    half->to(torch::kFloat64);
    torch::NoGradGuard no_grad;
    half->weight.copy_(whole->weight);
    half->bias.copy_(whole->bias);
  }
  auto x_whole = x.clone().requires_grad_(true);
  const auto expected = whole(x_whole);
  (expected * upstream).sum().backward();

  // The allreduce: both ranks contribute, both get the sum.
  std::mutex mutex;
  std::condition_variable both;
  int arrived = 0, round = 0;
  std::array<torch::Tensor, 2> contributions;
  auto exchange = [&](int r, torch::Tensor& t) {
    std::unique_lock lock(mutex);
    contributions[r] = t.clone();
    const int mine = round;
    if (++arrived == 2) {
      arrived = 0;
      ++round;
      both.notify_all();
    } else {
      both.wait(lock, [&] { return round != mine; });
    }
    t.copy_(contributions[0] + contributions[1]);
    // Both read the sum before the next round overwrites the contributions.
    if (++arrived == 2) {
      arrived = 0;
      ++round;
      both.notify_all();
    } else {
      const int next = round;
      both.wait(lock, [&] { return round != next; });
    }
  };
  auto x_halves = x.clone().requires_grad_(true);
  std::array<torch::Tensor, 2> out;
  std::array<std::thread, 2> ranks;
  for (int r = 0; r < 2; ++r) {
    halves[r]->sync_over_ranks([&exchange, r](torch::Tensor& t) { exchange(r, t); });
    ranks[r] = std::thread([&, r] {
      out[r] = halves[r](x_halves.narrow(0, 3 * r, 3));
      (out[r] * upstream.narrow(0, 3 * r, 3)).sum().backward();
    });
  }
  for (auto& t : ranks) t.join();

  EXPECT_LT(max_diff(torch::cat({out[0], out[1]}).detach(), expected.detach()), 1e-12);
  EXPECT_LT(max_diff(x_halves.grad(), x_whole.grad()), 1e-12);
  // Each rank's parameter gradient is its rows' part: the replicas' sum (ReplicaSync) is the whole batch's.
  EXPECT_LT(max_diff(halves[0]->weight.grad() + halves[1]->weight.grad(), whole->weight.grad()), 1e-12);
  EXPECT_LT(max_diff(halves[0]->bias.grad() + halves[1]->bias.grad(), whole->bias.grad()), 1e-12);
  for (const auto& half : halves) {
    EXPECT_LT(max_diff(half->running_mean, whole->running_mean), 1e-12);
    EXPECT_LT(max_diff(half->running_var, whole->running_var), 1e-12);
    EXPECT_EQ(half->num_batches_tracked.item<std::int64_t>(), 1);
  }
}

// Running statistics moved as LibTorch's BatchNorm moves them, over several steps: by the momentum, and by the
// cumulative average when the momentum is unset, also where the layer computes the statistics itself (synchronised,
// here over one "rank").
TEST(SyncBatchNorm, SynchronisedRunningStatisticsFollowLibTorchs) {
  // c10::optional: LibTorch 1.13's option type (std::optional's alias in 2.x).
  for (const c10::optional<double> momentum : {c10::optional<double>(0.3), c10::optional<double>()}) {
    SCOPED_TRACE(momentum ? "momentum 0.3" : "cumulative average");
    torch::manual_seed(7);
    const auto options = torch::nn::BatchNorm2dOptions(3).momentum(momentum);
    SyncBatchNorm2d ours(options);
    torch::nn::BatchNorm2d theirs(options);
    ours->to(torch::kFloat64);
    theirs->to(torch::kFloat64);
    ours->sync_over_ranks([](torch::Tensor&) {});
    for (int step = 0; step < 3; ++step) {
      const auto x = torch::randn({4, 3, 2, 2}, torch::kFloat64) * (step + 1) + step;
      EXPECT_LT(max_diff(ours(x), theirs(x)), 1e-12);
    }
    EXPECT_LT(max_diff(ours->running_mean, theirs->running_mean), 1e-12);
    EXPECT_LT(max_diff(ours->running_var, theirs->running_var), 1e-12);
    EXPECT_EQ(ours->num_batches_tracked.item<std::int64_t>(), 3);
  }
}

}  // namespace
}  // namespace marginlab::backbones
