#pragma once
// AdaFace's hyperparameters (torch-free; the head is engine/heads/adaface.h).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct AdaFaceParams {
  double s = 64.0;
  double m = 0.4;
  double h = 0.333;
  double t_alpha = 0.01;        // weight of the current batch in the EMA of the norm statistics
  double eps = 1e-3;            // cosine clamp ±(1−eps), θ clip [eps, π−eps], σ + eps
  bool invert_quality = false;  // flips the sign of h, for models whose low norm means high quality
  void validate() const;
};

const HeadTable<AdaFaceParams>& table_of(const AdaFaceParams*);

}  // namespace marginlab::heads
