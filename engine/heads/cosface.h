#pragma once
#include "core/heads/cosface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// CosFace (large margin cosine loss): s·(cos θ_y − m) at the target, s·cos θ elsewhere, cosines clamped to [−1, 1]
// as insightface's partial_fc does.
class CosFaceHeadImpl : public HeadWithParams<CosFaceParams> {
 public:
  CosFaceHeadImpl(std::int64_t dim, std::int64_t classes, const CosFaceParams& params = {});
  std::string_view margin_unit() const override { return "cos"; }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;
};
TORCH_MODULE(CosFaceHead);

}  // namespace marginlab::heads
