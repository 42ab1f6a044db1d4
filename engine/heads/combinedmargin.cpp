#include "engine/heads/combinedmargin.h"

#include "engine/heads/head_factory.h"

namespace marginlab::heads {

CombinedMarginHeadImpl::CombinedMarginHeadImpl(std::int64_t dim, std::int64_t classes,
                                               const CombinedMarginParams& params)
    : HeadWithParams("CombinedMargin", dim, classes, KernelInit::normal_001, params) {}

MarginHeadImpl::MarginLogits CombinedMarginHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                                  const Targets& targets, bool with_diagnostics) {
  const CombinedMarginParams p = params_;
  auto cos = cosine.clamp(-1.0 + p.eps, 1.0 - p.eps);
  auto cos_y = gather_target(cos, targets);
  auto target_of = [&p](const torch::Tensor& c) { return torch::cos(p.m1 * torch::acos(c) + p.m2) - p.m3; };

  MarginLogits r;
  r.target = torch::where(targets.labelled, target_of(cos_y), cos_y);
  r.logits = place_target(cos * p.s, targets, r.target * p.s);
  if (with_diagnostics) {
    torch::NoGradGuard no_grad;
    r.margin = cos_y - target_of(cos_y);
    r.target_slope = target_slope(target_of, cos_y, p.s);
  }
  return r;
}

MarginHead make_combinedmargin_head(const HeadBuild& build) {
  return std::make_shared<CombinedMarginHeadImpl>(build.embedding_dim, build.num_classes,
                                                  params_from<CombinedMarginParams>(build.values));
}

}  // namespace marginlab::heads
