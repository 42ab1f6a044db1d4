#include "core/heads/cosface.h"

namespace marginlab::heads {

const HeadTable<CosFaceParams>& table_of(const CosFaceParams*) {
  static const HeadTable<CosFaceParams> t{"CosFace",
                                          {number("s", &CosFaceParams::s, kLogitScale, "logit scale"),
                                           number("m", &CosFaceParams::m, kCosineMargin, "additive cosine margin")}};
  return t;
}

void CosFaceParams::validate() const { check_fields(*this); }

const HeadDescriptor& describe_cosface() {
  static const HeadDescriptor d = make_descriptor<CosFaceParams>("cosface", "s·(cos θ_y − m)", {});
  return d;
}

}  // namespace marginlab::heads
