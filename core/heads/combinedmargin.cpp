#include "core/heads/combinedmargin.h"

namespace marginlab::heads {

const HeadTable<CombinedMarginParams>& table_of(const CombinedMarginParams*) {
  using P = CombinedMarginParams;
  static const HeadTable<P> t{
      "CombinedMargin",
      {number("s", &P::s, kLogitScale, "logit scale"),
       number("m1", &P::m1, {0.0, 4.0, true, false}, "multiplicative angular margin: cos(m1·θ + m2)"),
       number("m2", &P::m2, kAngularMargin, "additive angular margin (rad)"),
       number("m3", &P::m3, kCosineMargin, "additive cosine margin, subtracted after the angle"),
       number("eps", &P::eps, kSmallEps, "cosine clamp before acos")}};
  return t;
}

void CombinedMarginParams::validate() const { check_fields(*this); }

const HeadDescriptor& describe_combinedmargin() {
  static const HeadDescriptor d = make_descriptor<CombinedMarginParams>(
      "combinedmargin", "s·(cos(m1·θ_y + m2) − m3): SphereFace's, ArcFace's and CosFace's margins at once", {});
  return d;
}

}  // namespace marginlab::heads
