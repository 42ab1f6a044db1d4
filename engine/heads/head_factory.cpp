#include "engine/heads/head_factory.h"

#include "engine/heads/adaface.h"
#include "engine/heads/arcface.h"
#include "engine/heads/cosface.h"
#include "engine/heads/curricularface.h"
#include "engine/heads/elasticface.h"
#include "engine/heads/kappaface.h"
#include "engine/heads/magface.h"
#include "engine/heads/normface.h"

namespace marginlab::heads {
namespace {

void apply_values(MarginHeadImpl& head, const std::map<std::string, double>& values) {
  for (const auto& [name, value] : values) head.set_parameter(name, value);
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& head_kinds() {
  static const std::vector<std::pair<std::string, std::string>> kinds{
      {"normface", "normalised softmax s·cos θ, no margin"},
      {"cosface", "s·(cos θ_y − m)"},
      {"arcface", "s·cos(θ_y + m), exact gradient"},
      {"arcface-straight-through", "ArcFace as insightface today: margin without gradient"},
      {"arcface-legacy", "ArcFace as insightface until 2022: th/mm fallback"},
      {"curricularface", "ArcFace target, hard negatives re-weighted by an EMA curriculum"},
      {"magface", "norm-dependent ArcFace margin plus the g(a) regulariser"},
      {"elasticface-arc", "ArcFace with margins drawn from N(m, σ)"},
      {"elasticface-arc+", "ElasticFace-Arc with margins ranked by distance to the class centre"},
      {"elasticface-cos", "CosFace with margins drawn from N(m, σ)"},
      {"elasticface-cos+", "ElasticFace-Cos with margins ranked by distance to the class centre"},
      {"adaface", "quality-adaptive margin from the feature norm"},
      {"kappaface", "per-class margin from vMF concentration and class size"},
  };
  return kinds;
}

MarginHead make_head(const HeadSpec& spec) {
  const auto dim = spec.embedding_dim;
  const auto classes = spec.num_classes;
  MarginHead head;
  const std::string& k = spec.kind;
  if (k == "normface") {
    head = std::make_shared<NormFaceHeadImpl>(dim, classes);
  } else if (k == "cosface") {
    head = std::make_shared<CosFaceHeadImpl>(dim, classes);
  } else if (k == "arcface" || k == "arcface-straight-through" || k == "arcface-legacy") {
    ArcFaceParams p;
    if (k == "arcface-straight-through") p.gradient = ArcFaceGradient::straight_through;
    if (k == "arcface-legacy") p.legacy_th_mm = true;
    head = std::make_shared<ArcFaceHeadImpl>(dim, classes, p);
  } else if (k == "curricularface") {
    head = std::make_shared<CurricularFaceHeadImpl>(dim, classes);
  } else if (k == "magface") {
    head = std::make_shared<MagFaceHeadImpl>(dim, classes);
  } else if (k.rfind("elasticface-", 0) == 0) {
    const bool plus = k.back() == '+';
    const auto variant = k.substr(12, plus ? k.size() - 13 : std::string::npos);
    if (variant != "arc" && variant != "cos") {
      throw InvalidParameter("unknown head kind '" + k + "' (see `marginlab-cli heads`)");
    }
    head = std::make_shared<ElasticFaceHeadImpl>(
        dim, classes, ElasticFaceParams::defaults(variant == "arc" ? ElasticKind::arc : ElasticKind::cos, plus));
  } else if (k == "adaface") {
    head = std::make_shared<AdaFaceHeadImpl>(dim, classes);
  } else if (k == "kappaface") {
    auto counts = spec.class_counts.empty() ? std::vector<std::int64_t>(classes, spec.samples_per_class)
                                            : spec.class_counts;
    if (static_cast<std::int64_t>(counts.size()) != classes) {
      throw InvalidParameter("kappaface: class_counts has " + std::to_string(counts.size()) + " entries for " +
                             std::to_string(classes) + " classes");
    }
    std::int64_t samples = 0;
    for (auto n : counts) samples += n;
    KappaFaceParams params;
    params.source = spec.kappa_source;
    head = std::make_shared<KappaFaceHeadImpl>(dim, counts, samples, params);
  } else {
    throw InvalidParameter("unknown head kind '" + k + "' (see `marginlab-cli heads`)");
  }
  apply_values(*head, spec.values);
  return head;
}

}  // namespace marginlab::heads
