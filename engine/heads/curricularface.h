#pragma once
#include "core/heads/curricularface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// CurricularFace: an ArcFace target (th/mm form) plus hard negatives re-weighted as cos_j·(t + cos_j), where t is an
// EMA of the mean target cosine: early on (t ≈ 0) hard negatives are down-weighted, later emphasised.
class CurricularFaceHeadImpl : public HeadWithParams<CurricularFaceParams> {
 public:
  CurricularFaceHeadImpl(std::int64_t dim, std::int64_t classes, const CurricularFaceParams& params = {});
  std::string_view margin_unit() const override { return "rad"; }
  double t() const { return t_.item<double>(); }
  void set_t(double value) { t_.fill_(value); }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;

 private:
  torch::Tensor t_;
};
TORCH_MODULE(CurricularFaceHead);

}  // namespace marginlab::heads
