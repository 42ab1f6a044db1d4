#include "core/heads/normface.h"

namespace marginlab::heads {

const HeadTable<NormFaceParams>& table_of(const NormFaceParams*) {
  static const HeadTable<NormFaceParams> t{"NormFace", {number("s", &NormFaceParams::s, kLogitScale, "logit scale")}};
  return t;
}

void NormFaceParams::validate() const { check_fields(*this); }

const HeadDescriptor& describe_normface() {
  static const HeadDescriptor d =
      make_descriptor<NormFaceParams>("normface", "normalised softmax s·cos θ, no margin", {});
  return d;
}

}  // namespace marginlab::heads
