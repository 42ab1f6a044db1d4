#include "engine/heads/cosface.h"

#include "engine/heads/head_factory.h"

namespace marginlab::heads {

CosFaceHeadImpl::CosFaceHeadImpl(std::int64_t dim, std::int64_t classes, const CosFaceParams& params)
    : HeadWithParams("CosFace", dim, classes, KernelInit::normal_001, params) {}

MarginHeadImpl::MarginLogits CosFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                           const Targets& targets, bool with_diagnostics) {
  const double m = params_.m;
  auto cos = cosine.clamp(-1.0, 1.0);
  auto cos_y = gather_target(cos, targets);
  MarginLogits r;
  r.target = torch::where(targets.labelled, cos_y - m, cos_y);
  r.logits = place_target(cos * params_.s, targets, r.target * params_.s);
  if (with_diagnostics) {
    r.margin = torch::full_like(cos_y, m);
    r.target_slope = torch::full_like(cos_y, params_.s);
  }
  return r;
}

MarginHead make_cosface_head(const HeadBuild& build) {
  return std::make_shared<CosFaceHeadImpl>(build.embedding_dim, build.num_classes, params_from<CosFaceParams>(build.values));
}

}  // namespace marginlab::heads
