#pragma once
#include "core/heads/adaface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// AdaFace, exactly as the official head.py: the feature norm (clipped to [0.001, 100], no gradient) is standardised
// with an EMA of the batch mean and unbiased std, updated before use (start 20 / 100), giving ẑ ∈ [−1, 1]. The target
// logit is s·[cos(clip(θ_y − m·ẑ, eps, π−eps)) − m(1+ẑ)]: ArcFace-like for low norms (low quality), CosFace at ẑ = 0,
// harder for high norms. One documented deviation: a batch of one sample leaves the EMA unchanged (the official
// code makes it NaN for good).
class AdaFaceHeadImpl : public HeadWithParams<AdaFaceParams> {
 public:
  AdaFaceHeadImpl(std::int64_t dim, std::int64_t classes, const AdaFaceParams& params = {});
  std::string_view margin_unit() const override { return "cos"; }

  double batch_mean() const { return batch_mean_.item<double>(); }
  double batch_std() const { return batch_std_.item<double>(); }
  void set_norm_statistics(double mean, double std);
  // The running mean and std themselves (device tensors, updated in place), for telemetry without a host sync.
  std::pair<torch::Tensor, torch::Tensor> running_norm_statistics() const override { return {batch_mean_, batch_std_}; }
  static constexpr double kInitialMean = 20.0;
  static constexpr double kInitialStd = 100.0;
  static constexpr double kNormMin = 0.001;
  static constexpr double kNormMax = 100.0;

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;

 private:
  torch::Tensor batch_mean_;
  torch::Tensor batch_std_;
  bool warned_single_sample_ = false;
};
TORCH_MODULE(AdaFaceHead);

}  // namespace marginlab::heads
