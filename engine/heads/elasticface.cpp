#include "engine/heads/elasticface.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "engine/heads/head_factory.h"

namespace marginlab::heads {
namespace {
constexpr double kAcosEps = 1e-7;  // keeps acos' gradient finite at |cos| = 1
}

ElasticFaceHeadImpl::ElasticFaceHeadImpl(std::int64_t dim, std::int64_t classes, const ElasticFaceParams& params)
    : HeadWithParams(params.kind == ElasticKind::arc ? (params.plus ? "ElasticFace-Arc+" : "ElasticFace-Arc")
                                                     : (params.plus ? "ElasticFace-Cos+" : "ElasticFace-Cos"),
                     dim, classes, KernelInit::normal_001, params),
      generator_(at::make_generator<at::CPUGeneratorImpl>(params.seed)) {}

MarginHeadImpl::MarginLogits ElasticFaceHeadImpl::apply_margin(const torch::Tensor& cosine, const torch::Tensor&,
                                                               const Targets& targets, bool with_diagnostics) {
  const ElasticFaceParams p = params_;
  auto cos = cosine.clamp(-1.0, 1.0);
  auto cos_y = gather_target(cos, targets);
  const std::int64_t batch = cos_y.size(0);

  torch::Tensor margin;
  {
    torch::NoGradGuard no_grad;
    margin = at::normal(p.m, p.sigma, {batch}, generator_, torch::TensorOptions().dtype(torch::kFloat64))
                 .to(cos.device(), cos.scalar_type());
    if (p.plus) {
      // Rank among labelled rows only, of the whole batch (under Partial FC their targets are on several ranks): the
      // k-th largest cos θ_y receives the k-th smallest margin.
      const auto every = every_row(cos_y, targets);
      auto rows = every.labelled.nonzero().reshape({-1});
      auto ascending_margins = std::get<0>(margin.index_select(0, rows).sort());
      auto by_cos_descending = std::get<1>(every.cos_y.index_select(0, rows).sort(0, /*descending=*/true));
      margin = margin.index_put({rows.index_select(0, by_cos_descending)}, ascending_margins);
    }
  }

  auto target_of = [&](const torch::Tensor& c) {
    if (p.kind == ElasticKind::cos) return c - margin;
    return torch::cos((torch::acos(c.clamp(-1.0 + kAcosEps, 1.0 - kAcosEps)) + margin).clamp(0.0, M_PI));
  };

  MarginLogits r;
  r.target = torch::where(targets.labelled, target_of(cos_y), cos_y);
  r.logits = place_target(cos * p.s, targets, r.target * p.s);
  if (with_diagnostics) {
    r.margin = margin;
    r.target_slope = target_slope(target_of, cos_y, p.s);
  }
  return r;
}

void ElasticFaceHeadImpl::save_extra_state(torch::serialize::OutputArchive& archive) const {
  // The margin draws continue where they stopped, so a resumed run sees the same margins.
  archive.write("margin_generator", generator_.get_state());
}

void ElasticFaceHeadImpl::load_extra_state(torch::serialize::InputArchive& archive) {
  torch::Tensor state;
  archive.read("margin_generator", state);
  generator_.set_state(state);
}

MarginHead make_elasticface_head(const HeadBuild& build) {
  return std::make_shared<ElasticFaceHeadImpl>(build.embedding_dim, build.num_classes,
                                               params_from<ElasticFaceParams>(build.values));
}

}  // namespace marginlab::heads
