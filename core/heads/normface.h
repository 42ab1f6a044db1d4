#pragma once
// NormFace's hyperparameters (torch-free; the head is engine/heads/normface.h).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct NormFaceParams {
  double s = 64.0;
  void validate() const;
};

const HeadTable<NormFaceParams>& table_of(const NormFaceParams*);

}  // namespace marginlab::heads
