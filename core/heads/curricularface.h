#pragma once
// CurricularFace's hyperparameters (torch-free; the head is engine/heads/curricularface.h).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct CurricularFaceParams {
  double s = 64.0;
  double m = 0.5;
  double t_alpha = 0.01;  // weight of the current batch in the EMA of the mean target cosine
  void validate() const;
};

const HeadTable<CurricularFaceParams>& table_of(const CurricularFaceParams*);

}  // namespace marginlab::heads
