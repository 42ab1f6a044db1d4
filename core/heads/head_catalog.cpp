#include "core/heads/head_catalog.h"

#include <algorithm>

#include "core/errors.h"
#include "core/heads/head_params.h"

namespace marginlab::heads {
namespace {

template <class Params>
std::vector<ParamValue> resolve(Params params, const std::string& head, const std::map<std::string, double>& values) {
  const auto& table = fields(static_cast<const Params*>(nullptr));
  for (const auto& entry : values) {
    const auto& [name, value] = entry;
    // A lambda may not name a structured binding before C++20 compilers that clang-tidy 14 parses with.
    const auto field =
        std::find_if(table.begin(), table.end(), [&entry](const auto& f) { return f.name == entry.first; });
    if (field == table.end()) {
      std::string known;
      for (const auto& f : table) known += (known.empty() ? "" : ", ") + std::string(f.name);
      throw InvalidParameter(head + ": unknown parameter '" + name + "' (known: " + known + ")");
    }
    params.*(field->member) = value;
  }
  params.validate();
  std::vector<ParamValue> resolved;
  for (const auto& f : table) {
    resolved.push_back({std::string(f.name), params.*(f.member), f.range.lo, f.range.hi, f.range.lo_open,
                        f.range.hi_open, std::string(f.help)});
  }
  return resolved;
}

}  // namespace

std::vector<ParamValue> head_parameter_values(const std::string& kind, const std::map<std::string, double>& values) {
  if (kind == "normface") return resolve(NormFaceParams{}, "NormFace", values);
  if (kind == "cosface") return resolve(CosFaceParams{}, "CosFace", values);
  if (kind == "arcface" || kind == "arcface-straight-through" || kind == "arcface-legacy") {
    return resolve(ArcFaceParams{}, "ArcFace", values);
  }
  if (kind == "curricularface") return resolve(CurricularFaceParams{}, "CurricularFace", values);
  if (kind == "magface") return resolve(MagFaceParams{}, "MagFace", values);
  if (kind == "elasticface-arc") return resolve(ElasticFaceParams::defaults(ElasticKind::arc, false), "ElasticFace-Arc", values);
  if (kind == "elasticface-arc+") return resolve(ElasticFaceParams::defaults(ElasticKind::arc, true), "ElasticFace-Arc+", values);
  if (kind == "elasticface-cos") return resolve(ElasticFaceParams::defaults(ElasticKind::cos, false), "ElasticFace-Cos", values);
  if (kind == "elasticface-cos+") return resolve(ElasticFaceParams::defaults(ElasticKind::cos, true), "ElasticFace-Cos+", values);
  if (kind == "adaface") return resolve(AdaFaceParams{}, "AdaFace", values);
  if (kind == "kappaface") return resolve(KappaFaceParams{}, "KappaFace", values);
  throw InvalidParameter("unknown head kind '" + kind + "' (see `marginlab-cli heads`)");
}

}  // namespace marginlab::heads
