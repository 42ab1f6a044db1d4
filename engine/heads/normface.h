#pragma once
#include "core/heads/normface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// Normalised softmax: s·cos θ for every class, no margin. The reference point every margin is measured against.
class NormFaceHeadImpl : public HeadWithParams<NormFaceParams> {
 public:
  NormFaceHeadImpl(std::int64_t dim, std::int64_t classes, const NormFaceParams& params = {});
  std::string_view margin_unit() const override { return "cos"; }

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;
};
TORCH_MODULE(NormFaceHead);

}  // namespace marginlab::heads
