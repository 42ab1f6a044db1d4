#include "core/heads/adaface.h"

namespace marginlab::heads {

const HeadTable<AdaFaceParams>& table_of(const AdaFaceParams*) {
  using P = AdaFaceParams;
  static const HeadTable<P> t{
      "AdaFace",
      {number("s", &P::s, kLogitScale, "logit scale"),
       number("m", &P::m, {0.0, 1.5707963267948966}, "margin (rad for g_angular, cosine for g_additive)"),
       number("h", &P::h, kUnitInterval, "how strongly the norm (image quality) scales the margin"),
       number("t_alpha", &P::t_alpha, kUnitInterval, "EMA weight of the batch's norm mean and std"),
       number("eps", &P::eps, kSmallEps, "cosine clamp, angle clip and std offset")}};
  return t;
}

void AdaFaceParams::validate() const { check_fields(*this); }

const HeadDescriptor& describe_adaface() {
  static const HeadDescriptor d = make_descriptor<AdaFaceParams>(
      "adaface", "quality-adaptive margin from the feature norm",
      {{HeadCapability::feature_norms, {}, {}}, {HeadCapability::batch_statistics, {}, {}}});
  return d;
}

}  // namespace marginlab::heads
