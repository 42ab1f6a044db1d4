#pragma once
// BatchNorm layers whose training statistics can be the global batch's in a distributed run (train.sync_batchnorm),
// as torch.nn.SyncBatchNorm computes them: each channel's Σx, Σx² and count are summed over the ranks in the forward
// pass, and their gradients are summed the same way in the backward pass, so that W ranks compute what one process
// computes on the global batch. Not synchronised (the default, as in arcface_torch) they are LibTorch's BatchNorm,
// state-dict names and all; the backbones build every BatchNorm as one of these.
#include <torch/torch.h>
#include <torch/version.h>

#include <functional>
#include <ostream>

#if TORCH_VERSION_MAJOR < 2
// LibTorch 1.x defines BatchNormImplBase<D>::pretty_print in its library without exporting it (the class template is
// not TORCH_API), and a class derived from BatchNorm{1,2}dImpl needs it for its vtables; 2.x defines it in the header.
template <>
void torch::nn::BatchNormImplBase<1, torch::nn::BatchNorm1dImpl>::pretty_print(std::ostream& stream) const;
template <>
void torch::nn::BatchNormImplBase<2, torch::nn::BatchNorm2dImpl>::pretty_print(std::ostream& stream) const;
#endif

namespace marginlab::backbones {

// Sums a tensor in place over the ranks; every rank calls it at the same point with the same shape.
using SumOverRanks = std::function<void(torch::Tensor&)>;

// LibTorch's BatchNorm{1,2}d (`Base`) with the two ways a run may change its training statistics.
template <class Base>
class SyncBatchNorm : public Base {
 public:
  template <class Options>
  explicit SyncBatchNorm(const Options& options) : Base(options) {}
  torch::Tensor forward(const torch::Tensor& input);
  void sync_over_ranks(SumOverRanks sum) { sum_ = std::move(sum); }
  void normalise_in_groups(int groups) { groups_ = groups; }
  bool synchronised() const { return static_cast<bool>(sum_); }
  int groups() const { return groups_; }
  // Moves the running statistics by one training batch's per-channel mean and (biased) variance over `count` values
  // each, as LibTorch's BatchNorm moves them: by `momentum`, or to the cumulative average when momentum is unset; the
  // running variance is the unbiased one. For the steps that compute the statistics themselves.
  void track_batch(const torch::Tensor& mean, const torch::Tensor& variance, double count);

 private:
  SumOverRanks sum_;
  int groups_ = 1;
};
using SyncBatchNorm2dImpl = SyncBatchNorm<torch::nn::BatchNorm2dImpl>;
using SyncBatchNorm1dImpl = SyncBatchNorm<torch::nn::BatchNorm1dImpl>;
TORCH_MODULE(SyncBatchNorm2d);
TORCH_MODULE(SyncBatchNorm1d);

// Makes every BatchNorm of `module` (and below) take the statistics of the global batch through `sum`, or its own
// batch's again when `sum` is empty. Returns how many layers it set.
int synchronise_batch_norm(torch::nn::Module& module, const SumOverRanks& sum);

// Ghost BatchNorm (Hoffer et al., 2017): in training, every BatchNorm of `module` normalises the batch's `groups`
// equal parts each with its own statistics, which is what `groups` ranks without synchronised BatchNorm compute on
// their shares (train.batchnorm_groups); the running statistics move once per group. Returns how many layers it set.
int normalise_batch_norm_in_groups(torch::nn::Module& module, int groups);

}  // namespace marginlab::backbones
