#pragma once
// CosFace's hyperparameters (torch-free; the head is engine/heads/cosface.h).
#include "core/heads/head_fields.h"

namespace marginlab::heads {

struct CosFaceParams {
  double s = 64.0;
  double m = 0.4;  // insightface and the AdaFace repo; the mxnet configs use 0.35
  void validate() const;
};

const HeadTable<CosFaceParams>& table_of(const CosFaceParams*);

}  // namespace marginlab::heads
