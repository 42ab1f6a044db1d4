#pragma once
#include "core/heads/arcface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// ArcFace (additive angular margin): s·cos(θ_y + m) at the target.
// Default: the AdaFace repository's form, cosine clamped to ±(1−eps), θ+m clipped to [eps, π−eps], true gradient.
// Options: straight_through (insightface since 2022-12), legacy_th_mm (insightface ≤ 2022: cos − mm past π − m),
// easy_margin (margin only where cos θ > 0).
class ArcFaceHeadImpl : public HeadWithParams<ArcFaceParams> {
 public:
  ArcFaceHeadImpl(std::int64_t dim, std::int64_t classes, const ArcFaceParams& params = {});
  std::string_view margin_unit() const override { return "rad"; }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;
};
TORCH_MODULE(ArcFaceHead);

// cos(θ + m) computed as cos·cos m − sin θ·sin m, with sin θ kept away from 0 so that |cos| = 1 gives a finite gradient.
torch::Tensor cos_theta_plus_margin(const torch::Tensor& cos, const torch::Tensor& margin);

}  // namespace marginlab::heads
