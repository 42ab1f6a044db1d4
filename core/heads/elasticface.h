#pragma once
// ElasticFace's hyperparameters (torch-free; the head is engine/heads/elasticface.h). The paper's four variants are
// two choices: the form (Arc or Cos) and the assignment (random, or ranked: ElasticFace+).
#include <cstdint>

#include "core/heads/head_fields.h"

namespace marginlab::heads {

enum class ElasticKind { arc, cos };

struct ElasticFaceParams {
  ElasticKind kind = ElasticKind::arc;
  bool plus = false;  // ElasticFace+: larger margins for samples farther from their class centre
  double s = 64.0;
  double m = 0.5;       // mean margin (0.35 for the Cos variant)
  double sigma = 0.05;  // std of the per-sample margin
  std::uint64_t seed = 0;
  void validate() const;
  static ElasticFaceParams defaults(ElasticKind kind, bool plus);  // the paper's recommended m and σ
};

const HeadTable<ElasticFaceParams>& table_of(const ElasticFaceParams*);

}  // namespace marginlab::heads
