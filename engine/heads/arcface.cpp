#include "engine/heads/arcface.h"

#include <cmath>

#include "engine/heads/head_factory.h"

namespace marginlab::heads {

torch::Tensor cos_theta_plus_margin(const torch::Tensor& cos, const torch::Tensor& margin) {
  // sqrt'(0) is infinite; the floor changes sin θ only where |cos| > 1 − 5e-13.
  auto sin_theta = torch::sqrt((1.0 - cos * cos).clamp_min(1e-12));
  return cos * torch::cos(margin) - sin_theta * torch::sin(margin);
}

ArcFaceHeadImpl::ArcFaceHeadImpl(std::int64_t dim, std::int64_t classes, const ArcFaceParams& params)
    : HeadWithParams("ArcFace", dim, classes, KernelInit::normal_001, params) {}

MarginHeadImpl::MarginLogits ArcFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                           const Targets& targets, bool with_diagnostics) {
  const ArcFaceParams p = params_;
  // insightface's forms (legacy th/mm, and today's straight-through) keep its plain [−1, 1] clamp.
  const bool insightface_form = p.legacy_th_mm || p.gradient == ArcFaceGradient::straight_through;
  auto cos = insightface_form ? cosine.clamp(-1.0, 1.0) : cosine.clamp(-1.0 + p.eps, 1.0 - p.eps);
  auto cos_y = gather_target(cos, targets);

  auto margin_target = [&p](const torch::Tensor& c) {
    torch::Tensor phi;
    if (p.legacy_th_mm) {
      phi = cos_theta_plus_margin(c, torch::full_like(c, p.m));
      if (p.easy_margin) return torch::where(c > 0, phi, c);
      const double th = std::cos(M_PI - p.m);
      const double mm = std::sin(M_PI - p.m) * p.m;
      return torch::where(c > th, phi, c - mm);
    }
    if (p.gradient == ArcFaceGradient::straight_through) {
      // insightface today: cos(θ + m) as it is, rising again past θ + m = π; no gradient flows through it.
      phi = torch::cos(torch::acos(c) + p.m);
    } else {
      phi = torch::cos((torch::acos(c) + p.m).clamp(p.eps, M_PI - p.eps));
    }
    return p.easy_margin ? torch::where(c > 0, phi, c) : phi;
  };
  auto target_of = [&](const torch::Tensor& c) {
    auto t = margin_target(c);
    if (p.gradient == ArcFaceGradient::straight_through) t = c + (t - c).detach();
    return t;
  };

  MarginLogits r;
  r.target = torch::where(targets.labelled, target_of(cos_y), cos_y);
  r.logits = place_target(cos * p.s, targets, r.target * p.s);
  if (with_diagnostics) {
    torch::NoGradGuard no_grad;
    r.margin = p.easy_margin ? torch::where(cos_y > 0, torch::full_like(cos_y, p.m), torch::zeros_like(cos_y))
                             : torch::full_like(cos_y, p.m);
    r.target_slope = target_slope(target_of, cos_y, p.s);
  }
  return r;
}

MarginHead make_arcface_head(const HeadBuild& build) {
  return std::make_shared<ArcFaceHeadImpl>(build.embedding_dim, build.num_classes, params_from<ArcFaceParams>(build.values));
}

}  // namespace marginlab::heads
