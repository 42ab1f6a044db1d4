#include "core/heads/arcface.h"

namespace marginlab::heads {
namespace {

// The form, as a choice, sets the gradient and the legacy th/mm fallback together.
ParamField<ArcFaceParams> form_field() {
  ParamField<ArcFaceParams> f;
  f.name = "form";
  f.type = HeadParamType::choice;
  f.live = false;
  f.help = "how cos(θ + m) is computed and differentiated";
  f.choices = {{"exact", "cos(θ + m) with θ + m clipped to [eps, π − eps], true gradient (AdaFace's, KappaFace's)"},
               {"straight_through", "insightface since 2022-12: cos(θ + m) unclipped, gradient as if no margin"},
               {"legacy", "insightface until 2022: cos θ·cos m − sin θ·sin m, cos θ − m·sin m past θ + m = π"}};
  f.get = [](const ArcFaceParams& p) {
    if (p.legacy_th_mm) return HeadValue("legacy");
    return HeadValue(p.gradient == ArcFaceGradient::straight_through ? "straight_through" : "exact");
  };
  f.set = [](ArcFaceParams& p, const HeadValue& v) {
    const auto& name = std::get<std::string>(v);
    p.legacy_th_mm = name == "legacy";
    p.gradient = name == "straight_through" ? ArcFaceGradient::straight_through : ArcFaceGradient::exact;
  };
  return f;
}

}  // namespace

const HeadTable<ArcFaceParams>& table_of(const ArcFaceParams*) {
  static const HeadTable<ArcFaceParams> t{
      "ArcFace",
      {number("s", &ArcFaceParams::s, kLogitScale, "logit scale"),
       number("m", &ArcFaceParams::m, kAngularMargin, "additive angular margin (rad)"),
       number("eps", &ArcFaceParams::eps, kSmallEps, "cosine clamp and angle clip"), form_field()}};
  return t;
}

void ArcFaceParams::validate() const { check_fields(*this); }

std::string_view to_string(ArcFaceGradient g) { return g == ArcFaceGradient::exact ? "exact" : "straight_through"; }

const HeadDescriptor& describe_arcface() {
  static const HeadDescriptor d =
      make_descriptor<ArcFaceParams>("arcface", "s·cos(θ_y + m): additive angular margin", {},
                                     {{"arcface-straight-through", {{"form", std::string("straight_through")}}},
                                      {"arcface-legacy", {{"form", std::string("legacy")}}}});
  return d;
}

}  // namespace marginlab::heads
