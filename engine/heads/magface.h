#pragma once
#include "core/heads/magface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// MagFace: an ArcFace whose margin grows linearly with the clamped feature norm a ∈ [l_a, u_a], plus the regulariser
// λ_g·mean(a/u_a² + 1/a). Unlike AdaFace, the norm keeps its gradient: MagFace trains the norm to encode quality.
class MagFaceHeadImpl : public HeadWithParams<MagFaceParams> {
 public:
  MagFaceHeadImpl(std::int64_t dim, std::int64_t classes, const MagFaceParams& params = {});
  std::string_view margin_unit() const override { return "rad"; }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;
};
TORCH_MODULE(MagFaceHead);

}  // namespace marginlab::heads
