#include "engine/backbones/sync_batch_norm.h"

#include <vector>

#if TORCH_VERSION_MAJOR < 2
// As LibTorch prints them: "torch::nn::BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=true,
// track_running_stats=true)".
namespace {
template <class Options>
void print_batch_norm(std::ostream& stream, std::size_t dims, const Options& options) {
  stream << std::boolalpha << "torch::nn::BatchNorm" << dims << "d(" << options.num_features() << ", "
         << "eps=" << options.eps() << ", momentum=";
  if (options.momentum().has_value()) {
    stream << options.momentum().value();
  } else {
    stream << "None";
  }
  stream << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats() << ")";
}
}  // namespace

template <>
void torch::nn::BatchNormImplBase<1, torch::nn::BatchNorm1dImpl>::pretty_print(std::ostream& stream) const {
  print_batch_norm(stream, 1, options);
}
template <>
void torch::nn::BatchNormImplBase<2, torch::nn::BatchNorm2dImpl>::pretty_print(std::ostream& stream) const {
  print_batch_norm(stream, 2, options);
}
#endif

namespace marginlab::backbones {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The sum over the ranks as an autograd step: every rank's output is Σ_r input_r, so the gradient reaching a rank's
// input is the sum over the ranks of their outputs' gradients.
struct SumAcrossRanks : torch::autograd::Function<SumAcrossRanks> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& local, const SumOverRanks* sum) {
    ctx->saved_data["sum"] = reinterpret_cast<std::int64_t>(sum);
    auto total = local.detach().clone().contiguous();
    (*sum)(total);
    return total;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto* sum = reinterpret_cast<const SumOverRanks*>(ctx->saved_data["sum"].toInt());
    auto total = grads[0].contiguous().clone();
    (*sum)(total);
    return {total, torch::Tensor()};
  }
};

template <class Base>
torch::Tensor global_batch_norm(SyncBatchNorm<Base>& norm, const torch::Tensor& input, const SumOverRanks& sum) {
  const auto channels = input.size(1);
  std::vector<std::int64_t> reduced;
  for (std::int64_t d = 0; d < input.dim(); ++d) {
    if (d != 1) reduced.push_back(d);
  }
  // Sums accumulated in float64: E[x²] − E[x]² in float32 loses the variance of activations whose mean is large.
  const double count = static_cast<double>(input.numel() / channels);
  auto local =
      torch::cat({input.sum(reduced, false, torch::kFloat64), input.square().sum(reduced, false, torch::kFloat64),
                  torch::full({1}, count, input.options().dtype(torch::kFloat64))});
  // The module outlives the step (the backward runs before the next forward), so its hook can be referred to.
  const auto total = SumAcrossRanks::apply(local, &sum);
  const auto n = total[2 * channels].detach().item<double>();
  const auto mean = total.narrow(0, 0, channels) / n;
  const auto variance = (total.narrow(0, channels, channels) / n - mean * mean).clamp_min(0.0);
  norm.track_batch(mean, variance, n);
  const auto& options = norm.options;
  std::vector<std::int64_t> shape(input.dim(), 1);
  shape[1] = channels;
  // Normalised in float32 at least (half-precision inputs under autocast), as BatchNorm does.
  const auto type = at::promote_types(input.scalar_type(), torch::kFloat32);
  auto y = (input.to(type) - mean.to(type).view(shape)) * (variance + options.eps()).rsqrt().to(type).view(shape);
  if (options.affine()) y = y * norm.weight.to(type).view(shape) + norm.bias.to(type).view(shape);
  return y.to(input.scalar_type()).contiguous(input.suggest_memory_format());
}

}  // namespace

template <class Base>
torch::Tensor SyncBatchNorm<Base>::forward(const torch::Tensor& input) {
  if (groups_ > 1 && this->is_training()) {
    std::vector<torch::Tensor> parts;
    for (const auto& part : input.chunk(groups_, 0)) parts.push_back(Base::forward(part));
    return torch::cat(parts, 0).contiguous(input.suggest_memory_format());
  }
  if (!sum_ || !this->is_training()) return Base::forward(input);
  return global_batch_norm(*this, input, sum_);
}

template <class Base>
void SyncBatchNorm<Base>::track_batch(const torch::Tensor& mean, const torch::Tensor& variance, double count) {
  if (!this->options.track_running_stats()) return;
  torch::NoGradGuard no_grad;
  this->num_batches_tracked.add_(1);
  const auto& momentum = this->options.momentum();
  const double factor = momentum.has_value()
                            ? *momentum
                            : 1.0 / static_cast<double>(this->num_batches_tracked.template item<std::int64_t>());
  this->running_mean.mul_(1 - factor).add_(mean.detach().to(this->running_mean.scalar_type()), factor);
  this->running_var.mul_(1 - factor)
      .add_((variance.detach() * (count / std::max(1.0, count - 1))).to(this->running_var.scalar_type()), factor);
}

template class SyncBatchNorm<torch::nn::BatchNorm2dImpl>;
template class SyncBatchNorm<torch::nn::BatchNorm1dImpl>;

namespace {

// Calls `set` on every BatchNorm of `module` (and below); returns how many there were.
template <class Set>
int for_each_batch_norm(torch::nn::Module& module, Set set) {
  int count = 0;
  for (const auto& m : module.modules(/*include_self=*/true)) {
    if (auto* two = m->as<SyncBatchNorm2dImpl>()) {
      set(*two);
      ++count;
    } else if (auto* one = m->as<SyncBatchNorm1dImpl>()) {
      set(*one);
      ++count;
    }
  }
  return count;
}

}  // namespace

int normalise_batch_norm_in_groups(torch::nn::Module& module, int groups) {
  return for_each_batch_norm(module, [groups](auto& norm) { norm.normalise_in_groups(groups); });
}

int synchronise_batch_norm(torch::nn::Module& module, const SumOverRanks& sum) {
  return for_each_batch_norm(module, [&sum](auto& norm) { norm.sync_over_ranks(sum); });
}

}  // namespace marginlab::backbones
