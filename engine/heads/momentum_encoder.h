#pragma once
// KappaFace's momentum encoder: an EMA copy of the backbone whose features feed the class statistics.
// Unlike the authors' code, the BatchNorm running statistics follow the backbone too (they stayed at mean 0,
// var 1 there), so the encoder in eval mode sees what the backbone sees.
#include <torch/torch.h>

#include <memory>

namespace marginlab::heads {

// target ← (1 − source_weight)·target + source_weight·source for every parameter and floating buffer matched by
// name; integer buffers and BatchNorm's num_batches_tracked counters are copied. Throws InvalidParameter on a structure mismatch.
void ema_update(torch::nn::Module& target, const torch::nn::Module& source, double source_weight);

// The module type behind a TORCH_MODULE holder or a plain shared_ptr (the backbones are held by shared_ptr).
template <class Holder>
struct HeldModule {
  using type = typename Holder::ContainedType;
};
template <class Module>
struct HeldModule<std::shared_ptr<Module>> {
  using type = Module;
};

template <class Holder>
class MomentumEncoder {
 public:
  // The authors' source weight: θ_k ← 0.9·θ_k + 0.1·θ_q.
  static constexpr double kAuthorsSourceWeight = 0.1;

  MomentumEncoder(const Holder& backbone, double source_weight)
      : encoder_(std::dynamic_pointer_cast<typename HeldModule<Holder>::type>(backbone->clone())),
        source_weight_(source_weight) {
    for (auto& p : encoder_->parameters()) p.set_requires_grad(false);
    encoder_->eval();
  }

  // Call after each optimiser step.
  void update(const Holder& backbone) { ema_update(*encoder_, *backbone, source_weight_); }
  Holder& encoder() { return encoder_; }

 private:
  Holder encoder_;
  double source_weight_;
};

}  // namespace marginlab::heads
