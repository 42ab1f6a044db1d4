#pragma once
// MagFace's hyperparameters (torch-free; the head is engine/heads/magface.h).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct MagFaceParams {
  double s = 64.0;
  double l_a = 10.0;       // feature-norm clamp, lower
  double u_a = 110.0;      // feature-norm clamp, upper
  double l_margin = 0.45;  // margin at l_a
  double u_margin = 0.8;   // margin at u_a
  double lambda_g = 35.0;  // weight of the regulariser g(a) = a/u_a² + 1/a (run.sh; the trainer default is 20)
  bool easy_margin = true;
  void validate() const;
  // The smallest λ_g for which MagFace's convergence argument holds: s·k·u_a²·l_a²/(u_a²−l_a²), k = dm/da.
  double lambda_g_lower_bound() const;
};

const HeadTable<MagFaceParams>& table_of(const MagFaceParams*);

}  // namespace marginlab::heads
