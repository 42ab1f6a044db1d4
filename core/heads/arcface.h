#pragma once
// ArcFace's hyperparameters (torch-free; the head is engine/heads/arcface.h). Its three forms are one choice:
// exact (the true derivative), straight_through (insightface since 2022-12) and legacy (insightface until 2022).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

enum class ArcFaceGradient {
  exact,             // true derivative through acos/cos (AdaFace's and KappaFace's heads)
  straight_through,  // insightface since 2022-12, forward included: cos(θ+m) without clip, d logit/d cos = s
};

struct ArcFaceParams {
  double s = 64.0;
  double m = 0.5;
  double eps = 1e-4;  // cosine clamp ±(1−eps) and θ+m clip to [eps, π−eps] (AdaFace repo)
  ArcFaceGradient gradient = ArcFaceGradient::exact;
  bool legacy_th_mm = false;  // insightface ≤2022: cos(θ+m) via cos·cos m − sin·sin m, fallback cos − mm
  bool easy_margin = false;   // margin only where cos θ > 0
  void validate() const;
};

std::string_view to_string(ArcFaceGradient g);

const HeadTable<ArcFaceParams>& table_of(const ArcFaceParams*);

}  // namespace marginlab::heads
