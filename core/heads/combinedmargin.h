#pragma once
// The combined margin's hyperparameters (torch-free; the head is engine/heads/combinedmargin.h).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct CombinedMarginParams {
  double s = 64.0;
  double m1 = 1.0;    // multiplicative angular margin (SphereFace's m); 1: none
  double m2 = 0.3;    // additive angular margin (ArcFace's m), rad
  double m3 = 0.2;    // additive cosine margin (CosFace's m)
  double eps = 1e-4;  // cosine clamp ±(1−eps) before acos, so that |cos θ| = 1 keeps a finite gradient
  void validate() const;
};

const HeadTable<CombinedMarginParams>& table_of(const CombinedMarginParams*);

}  // namespace marginlab::heads
