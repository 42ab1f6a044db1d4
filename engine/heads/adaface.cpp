#include "engine/heads/adaface.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "engine/heads/head_factory.h"

namespace marginlab::heads {

AdaFaceHeadImpl::AdaFaceHeadImpl(std::int64_t dim, std::int64_t classes, const AdaFaceParams& params)
    : HeadWithParams("AdaFace", dim, classes, KernelInit::unit_uniform, params) {
  batch_mean_ = register_buffer("batch_mean", torch::full({1}, kInitialMean));
  batch_std_ = register_buffer("batch_std", torch::full({1}, kInitialStd));
}

void AdaFaceHeadImpl::set_norm_statistics(double mean, double std) {
  if (!std::isfinite(mean) || !std::isfinite(std) || std < 0) {
    throw InvalidParameter("AdaFace: norm statistics (mean " + std::to_string(mean) + ", std " + std::to_string(std) +
                           ") must be finite with std ≥ 0");
  }
  batch_mean_.fill_(mean);
  batch_std_.fill_(std);
}

MarginHeadImpl::MarginLogits AdaFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms,
                                                           const Targets& targets, bool with_diagnostics) {
  const AdaFaceParams p = params_;
  auto cos = cosine.clamp(-1.0 + p.eps, 1.0 - p.eps);
  auto safe_norms = norms.reshape({-1}).clamp(kNormMin, kNormMax).detach();  // no gradient through the margin

  {
    torch::NoGradGuard no_grad;
    if (safe_norms.size(0) >= 2) {
      auto [sd_b, mu_b] = torch::std_mean(safe_norms, /*unbiased=*/true);
      batch_mean_.copy_((p.t_alpha * mu_b + (1.0 - p.t_alpha) * batch_mean_).to(batch_mean_.scalar_type()));
      batch_std_.copy_((p.t_alpha * sd_b + (1.0 - p.t_alpha) * batch_std_).to(batch_std_.scalar_type()));
    } else if (!warned_single_sample_) {
      warned_single_sample_ = true;
      spdlog::warn("AdaFace: a batch of one sample has no unbiased std; its norm statistics were not updated "
                   "(the official head would turn them into NaN)");
    }
  }

  const double h = p.invert_quality ? -p.h : p.h;
  auto mu = batch_mean_.to(cos.scalar_type());
  auto sd = batch_std_.to(cos.scalar_type());
  auto z_hat = ((safe_norms - mu) / (sd + p.eps) * h).clamp(-1.0, 1.0);
  auto g_angular = -p.m * z_hat;
  auto g_additive = p.m + p.m * z_hat;
  auto target_of = [&](const torch::Tensor& c) {
    return torch::cos((torch::acos(c) + g_angular).clamp(p.eps, M_PI - p.eps)) - g_additive;
  };

  auto cos_y = gather_target(cos, targets);
  MarginLogits r;
  r.target = torch::where(targets.labelled, target_of(cos_y), cos_y);
  r.logits = place_target(cos * p.s, targets, r.target * p.s);
  if (with_diagnostics) {
    torch::NoGradGuard no_grad;
    r.margin = cos_y - r.target;
    r.target_slope = target_slope(target_of, cos_y, p.s);
    auto labelled = targets.labelled;
    auto zero = torch::zeros_like(z_hat);
    r.z_hat = z_hat;  // ẑ is defined for every row; the margins only where a label is
    r.g_angular = torch::where(labelled, g_angular, zero);
    r.g_additive = torch::where(labelled, g_additive, zero);
  }
  return r;
}

MarginHead make_adaface_head(const HeadBuild& build) {
  return std::make_shared<AdaFaceHeadImpl>(build.embedding_dim, build.num_classes, params_from<AdaFaceParams>(build.values));
}

}  // namespace marginlab::heads
