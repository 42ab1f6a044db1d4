#pragma once
#include "core/heads/combinedmargin.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// The combined margin of insightface's mxnet trainer: s·(cos(m1·θ_y + m2) − m3) at the target, s·cos θ elsewhere,
// with the true gradient through acos. As there, the angle m1·θ + m2 is not clipped (past π the target logit rises
// again); (1, m, 0) is ArcFace without its clip and (1, 0, m) is CosFace. arcface_torch keeps only those two cases.
class CombinedMarginHeadImpl : public HeadWithParams<CombinedMarginParams> {
 public:
  CombinedMarginHeadImpl(std::int64_t dim, std::int64_t classes, const CombinedMarginParams& params = {});
  // The margins mix angle and cosine, so the head reports the one unit they share: the target's cosine drop.
  std::string_view margin_unit() const override { return "cos"; }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;
};
TORCH_MODULE(CombinedMarginHead);

}  // namespace marginlab::heads
