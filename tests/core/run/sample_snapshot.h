#pragma once
// A small KappaFace snapshot with every kind of value a run records (NaN included), for the tests of the files that
// carry snapshots.
#include <cmath>

#include "core/telemetry/telemetry.h"

namespace marginlab::train {

inline Snapshot make_snapshot(std::int64_t step) {
  Snapshot s;
  s.step = step;
  s.epoch = 1;
  s.head_kind = "kappaface";
  s.margin_unit = "rad";
  heads::ParamValue m0;
  m0.name = "m0";
  m0.value = 0.8;
  m0.hi = 2;
  m0.help = "base margin";
  s.head_params = {m0};
  s.base_lr = 0.1;
  auto& d = s.samples;
  d.label = {0, 1, -1};
  d.labelled = {1, 1, 0};
  d.norm = {10.f + step, 20.f, 30.f};
  d.margin = {0.5f, 0.6f, 0.f};
  d.cos_margin = {0.1f, 0.2f, 0.f};
  d.theta = {1.0f, 1.2f, NAN};
  d.max_other_cos = {0.1f, 0.9f, 0.f};
  d.hard = {0, 1, 0};
  d.target_grad = {0.3f, 0.9f, 0.f};
  s.quality = {0.2f, NAN, 0.9f};
  s.norm_quality_spearman = 0.5;
  s.norm_histogram_lo = 10;
  s.norm_histogram_hi = 30;
  s.norm_histogram = {1, 0, 2};
  s.norm_history = {{step, 1, 2, 3, 4, 5, kNotApplicable, 2.5}};
  s.class_count = {7, 3};
  s.class_mean_theta = {1.0f, NAN};
  s.kappa.count = {7, 3};
  s.kappa.r = {0.9, 0.5};
  s.kappa.kept = true;
  s.kappa.kappa = {40, 10};
  s.kappa.w_kappa = {0.2, 0.8};
  s.kappa.w_pop = {0.1, 0.9};
  s.kappa.psi = {0.17, 0.83};
  s.kappa.margin = {0.136, 0.664};
  s.kappa.refreshes = 2;
  return s;
}

}  // namespace marginlab::train
