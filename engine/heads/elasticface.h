#pragma once
#include "core/heads/elasticface.h"
#include "engine/heads/margin_head.h"

namespace marginlab::heads {

// ElasticFace: ArcFace or CosFace whose per-sample margin is drawn from N(m, σ) at every call.
// ElasticFace+ assigns the drawn margins by rank, as the paper describes: the sample farthest from its class centre
// (smallest cos θ_y) gets the largest margin. (The authors' code gathers by the argsort instead, which does not give
// that ordering; see docs/heads.md.)
class ElasticFaceHeadImpl : public HeadWithParams<ElasticFaceParams> {
 public:
  ElasticFaceHeadImpl(std::int64_t dim, std::int64_t classes, const ElasticFaceParams& params = {});
  std::string_view margin_unit() const override { return params_.kind == ElasticKind::arc ? "rad" : "cos"; }
  void save_extra_state(torch::serialize::OutputArchive& archive) const override;
  void load_extra_state(torch::serialize::InputArchive& archive) override;

 protected:
  MarginLogits apply_margin(const torch::Tensor& cosine, const torch::Tensor& norms, const Targets& targets,
                            bool with_diagnostics) override;

 private:
  at::Generator generator_;  // margins are drawn on the CPU so a seed gives the same run on every device
};
TORCH_MODULE(ElasticFaceHead);

}  // namespace marginlab::heads
