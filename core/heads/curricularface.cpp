#include "core/heads/curricularface.h"

namespace marginlab::heads {

const HeadTable<CurricularFaceParams>& table_of(const CurricularFaceParams*) {
  using P = CurricularFaceParams;
  static const HeadTable<P> t{
      "CurricularFace",
      {number("s", &P::s, kLogitScale, "logit scale"),
       number("m", &P::m, kAngularMargin, "additive angular margin (rad)"),
       number("t_alpha", &P::t_alpha, kUnitInterval, "EMA weight of the batch's mean target cosine")}};
  return t;
}

void CurricularFaceParams::validate() const { check_fields(*this); }

const HeadDescriptor& describe_curricularface() {
  static const HeadDescriptor d = make_descriptor<CurricularFaceParams>(
      "curricularface", "ArcFace target, hard negatives re-weighted by an EMA curriculum",
      {{HeadCapability::batch_statistics, {}, {}}});
  return d;
}

}  // namespace marginlab::heads
