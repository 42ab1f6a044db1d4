#include "core/heads/magface.h"

namespace marginlab::heads {

const HeadTable<MagFaceParams>& table_of(const MagFaceParams*) {
  using P = MagFaceParams;
  static const HeadTable<P> t{"MagFace",
                              {number("s", &P::s, kLogitScale, "logit scale"),
                               number("l_a", &P::l_a, {0.0, 1e4, true, false}, "lower feature-norm bound"),
                               number("u_a", &P::u_a, {0.0, 1e4, true, false}, "upper feature-norm bound"),
                               number("l_margin", &P::l_margin, kAngularMargin, "margin at the lower norm bound (rad)"),
                               number("u_margin", &P::u_margin, kAngularMargin, "margin at the upper norm bound (rad)"),
                               number("lambda_g", &P::lambda_g, {0.0, 1e6}, "weight of the norm regulariser g(a)")}};
  return t;
}

void MagFaceParams::validate() const {
  check_fields(*this);
  if (!(u_a > l_a)) {
    throw InvalidParameter("MagFace: u_a = " + format_number(u_a) +
                           " must be greater than l_a = " + format_number(l_a));
  }
}

double MagFaceParams::lambda_g_lower_bound() const {
  const double k = (u_margin - l_margin) / (u_a - l_a);
  return s * k * u_a * u_a * l_a * l_a / (u_a * u_a - l_a * l_a);
}

const HeadDescriptor& describe_magface() {
  static const HeadDescriptor d =
      make_descriptor<MagFaceParams>("magface", "norm-dependent ArcFace margin plus the g(a) regulariser",
                                     {{HeadCapability::feature_norms, {}, {}}, {HeadCapability::regulariser, {}, {}}});
  return d;
}

}  // namespace marginlab::heads
