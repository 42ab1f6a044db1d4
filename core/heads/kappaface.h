#pragma once
// KappaFace's hyperparameters (torch-free; the head is engine/heads/kappaface.h). Where its class statistics come
// from (memory buffer or momentum encoder) and which formula gives ψ (the authors' code or the paper) are choices.
#include "core/heads/head_fields.h"

namespace marginlab::heads {

enum class KappaVariant {
  code,   // the authors' code: ψ = γ·w_κ + (1−γ)·w_n, K = 1.05·max n, std with C−1
  paper,  // the paper: ψ = γ·w_n + (1−γ)·w_κ, K = max n, std with C
};

enum class KappaStatisticsSource {
  memory_buffer,     // per-sample EMA of normalised features (the authors' memory.py)
  momentum_encoder,  // features of an EMA copy of the backbone (momentum_head.py)
};

struct KappaFaceParams {
  double s = 64.0;
  double m0 = 0.8;
  double gamma = 0.7;
  double temperature = 0.4;
  double memory_momentum = 0.9;  // weight of the new feature in the memory-buffer update
  double eps = 1e-6;             // cosine clamp ±(1−eps) before acos; r̂ capped at 1−eps
  KappaVariant variant = KappaVariant::code;
  KappaStatisticsSource source = KappaStatisticsSource::memory_buffer;
  // 0: once per epoch (the authors); N: every N steps. A whole number; a double so it is a live parameter like the
  // rest.
  double refresh_every_steps = 0;
  void validate() const;
};

std::string_view to_string(KappaVariant v);
std::string_view to_string(KappaStatisticsSource s);

const HeadTable<KappaFaceParams>& table_of(const KappaFaceParams*);

}  // namespace marginlab::heads
