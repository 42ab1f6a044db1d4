#include "engine/heads/normface.h"

#include "engine/heads/head_factory.h"

namespace marginlab::heads {

NormFaceHeadImpl::NormFaceHeadImpl(std::int64_t dim, std::int64_t classes, const NormFaceParams& params)
    : HeadWithParams("NormFace", dim, classes, KernelInit::normal_001, params) {}

MarginHeadImpl::MarginLogits NormFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                            const Targets& targets, bool with_diagnostics) {
  MarginLogits r;
  r.logits = cosine * params_.s;
  r.target = gather_target(cosine, targets);
  if (with_diagnostics) {
    r.margin = torch::zeros_like(r.target);
    r.target_slope = torch::full_like(r.target, params_.s);
  }
  return r;
}

MarginHead make_normface_head(const HeadBuild& build) {
  return std::make_shared<NormFaceHeadImpl>(build.embedding_dim, build.num_classes, params_from<NormFaceParams>(build.values));
}

}  // namespace marginlab::heads
