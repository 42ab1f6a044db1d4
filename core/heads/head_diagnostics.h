#pragma once
// What the heads report for the GUI and the telemetry, as plain values (no torch): the widgets draw these.
#include <cstdint>
#include <string>
#include <vector>

#include "core/heads/head_values.h"

namespace marginlab::heads {

// One entry per sample of the batch the head last saw with diagnostics on.
struct SampleDiagnostics {
  std::vector<std::int64_t> label;
  std::vector<std::uint8_t> labelled;  // 0 for label −1 rows: no margin, not in the loss
  std::vector<float> norm;             // feature norm as given to the head
  std::vector<float> margin;           // margin applied at the target, in the head's margin unit
  std::vector<float> cos_margin;     // cos θ_y − target logit / s: the target's cosine drop, comparable across heads
  std::vector<float> theta;          // angle to the own class centre (rad), before any margin
  std::vector<float> max_other_cos;  // largest cosine to another class
  std::vector<std::uint8_t> hard;    // misclassified by the plain cosine classifier: max_other_cos > cos θ_y
  std::vector<float> target_grad;    // |∂L_i/∂cos θ_y| of the sample's own cross-entropy
  // AdaFace only; empty for other heads.
  std::vector<float> z_hat;       // normalised norm ẑ in [−1, 1]
  std::vector<float> g_angular;   // −m·ẑ, added to θ_y
  std::vector<float> g_additive;  // m(1+ẑ), subtracted from cos
};

// A head's per-class state after its latest refresh (KappaFace's). `kept` is false for heads that keep none; a head
// that keeps them has empty vectors (but the counts) until its first refresh.
struct ClassStatistics {
  bool kept = false;
  std::vector<std::int64_t> count;  // n_c (dataset count)
  std::vector<double> r;            // mean resultant length r̂_c
  std::vector<double> kappa;        // vMF concentration κ̂_c
  std::vector<double> w_kappa;      // concentration weight
  std::vector<double> w_pop;        // population weight
  std::vector<double> psi;          // margin weight ψ_c
  std::vector<double> margin;       // m0·ψ_c (rad)
  std::int64_t refreshes = 0;       // how many times the statistics have been computed
};

}  // namespace marginlab::heads
