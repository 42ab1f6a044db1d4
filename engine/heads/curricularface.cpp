#include "engine/heads/curricularface.h"

#include <cmath>

#include "engine/heads/arcface.h"
#include "engine/heads/head_factory.h"

namespace marginlab::heads {

CurricularFaceHeadImpl::CurricularFaceHeadImpl(std::int64_t dim, std::int64_t classes,
                                               const CurricularFaceParams& params)
    : HeadWithParams("CurricularFace", dim, classes, KernelInit::normal_001, params) {
  t_ = register_buffer("t", torch::zeros({1}));
}

MarginHeadImpl::MarginLogits CurricularFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                                  const Targets& targets, bool with_diagnostics) {
  const CurricularFaceParams p = params_;
  auto cos = cosine.clamp(-1.0, 1.0);
  auto cos_y = gather_target(cos, targets);
  const double th = std::cos(M_PI - p.m);
  const double mm = std::sin(M_PI - p.m) * p.m;
  auto target_of = [&](const torch::Tensor& c) {
    return torch::where(c > th, cos_theta_plus_margin(c, torch::full_like(c, p.m)), c - mm);
  };

  // A negative is hard when it beats the raw cos(θ_y + m) (not the th/mm value), as the authors compare. Under Partial
  // FC a row's target lives on one rank: every rank needs it for the row's negatives it holds, and for t.
  torch::Tensor hard;
  {
    torch::NoGradGuard no_grad;
    const auto rows = every_row(cos_y, targets);
    auto phi = cos_theta_plus_margin(rows.cos_y, torch::full_like(rows.cos_y, p.m));
    hard = (cos > phi.unsqueeze(1)) & rows.labelled.unsqueeze(1);
    // The EMA moves before it modulates this batch, as in the authors' code.
    if (rows.labelled.any().item<bool>()) {
      auto mean_target = rows.cos_y.masked_select(rows.labelled).mean();
      t_.copy_((p.t_alpha * mean_target + (1.0 - p.t_alpha) * t_).to(t_.scalar_type()));
    }
  }
  auto t = t_.to(cos.scalar_type());
  auto modulated = torch::where(hard, cos * (t + cos), cos);

  MarginLogits r;
  r.target = torch::where(targets.labelled, target_of(cos_y), cos_y);
  r.logits = place_target(modulated * p.s, targets, r.target * p.s);
  if (with_diagnostics) {
    r.margin = torch::full_like(cos_y, p.m);
    r.target_slope = target_slope(target_of, cos_y, p.s);
  }
  return r;
}

MarginHead make_curricularface_head(const HeadBuild& build) {
  return std::make_shared<CurricularFaceHeadImpl>(build.embedding_dim, build.num_classes, params_from<CurricularFaceParams>(build.values));
}

}  // namespace marginlab::heads
