#include "engine/heads/magface.h"

#include <spdlog/spdlog.h>

#include <cmath>

#include "engine/heads/arcface.h"
#include "engine/heads/head_factory.h"

namespace marginlab::heads {

MagFaceHeadImpl::MagFaceHeadImpl(std::int64_t dim, std::int64_t classes, const MagFaceParams& params)
    : HeadWithParams("MagFace", dim, classes, KernelInit::unit_uniform, params) {
  if (params.lambda_g < params.lambda_g_lower_bound()) {
    spdlog::warn("MagFace: lambda_g = {} is below {:.1f}, the bound under which MagFace's norm-quality argument holds",
                 params.lambda_g, params.lambda_g_lower_bound());
  }
}

MarginHeadImpl::MarginLogits MagFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms,
                                                           const Targets& targets, bool with_diagnostics) {
  const MagFaceParams p = params_;
  auto a = norms.reshape({-1}).clamp(p.l_a, p.u_a);  // keeps its gradient
  auto margin = (p.u_margin - p.l_margin) / (p.u_a - p.l_a) * (a - p.l_a) + p.l_margin;
  auto cos = cosine.clamp(-1.0, 1.0);
  auto cos_y = gather_target(cos, targets);

  auto target_with = [&p](const torch::Tensor& c, const torch::Tensor& mg) {
    auto phi = cos_theta_plus_margin(c, mg);
    if (p.easy_margin) return torch::where(c > 0, phi, c);
    return torch::where(c > torch::cos(M_PI - mg), phi, c - torch::sin(M_PI - mg) * mg);
  };

  MarginLogits r;
  r.target = torch::where(targets.labelled, target_with(cos_y, margin), cos_y);
  r.logits = place_target(cos * p.s, targets, r.target * p.s);
  const auto g = a / (p.u_a * p.u_a) + 1.0 / a;
  if (sharded()) {
    // Every rank sees every row's norm; each counts only the rows whose class it holds, so that the ranks' terms add
    // up to the batch's mean once (and so do their gradients, summed with the gathered rows').
    r.regulariser = p.lambda_g * (g * targets.labelled.to(g.scalar_type())).sum() / static_cast<double>(g.size(0));
  } else {
    r.regulariser = p.lambda_g * g.mean();
  }
  if (with_diagnostics) {
    auto fixed_margin = margin.detach();
    r.margin = fixed_margin;
    r.target_slope = target_slope([&](const torch::Tensor& c) { return target_with(c, fixed_margin); }, cos_y, p.s);
  }
  return r;
}

MarginHead make_magface_head(const HeadBuild& build) {
  return std::make_shared<MagFaceHeadImpl>(build.embedding_dim, build.num_classes, params_from<MagFaceParams>(build.values));
}

}  // namespace marginlab::heads
