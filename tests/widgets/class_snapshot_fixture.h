#pragma once
// A realistic synthetic telemetry snapshot for the per-class, angle and data widgets' tests: long-tailed class sizes,
// KappaFace statistics computed the way the head computes them (vMF κ̂ from r̂, standardised, mixed with the
// population weight), and a window of samples whose angle, difficulty, quality and target gradient relate the way a
// real run's do (low quality → larger θ, more misclassified; the gradient grows with θ and, for AdaFace's argument,
// with quality on hard samples).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <QCoreApplication>
#include <QDir>
#include <QString>
#include <QWidget>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_export.h"
#include "widgets/plot_widget.h"

namespace marginlab::testing {

struct ClassSnapshotOptions {
  int classes = 500;
  int samples = 2048;
  int min_size = 2;
  int max_size = 200;
  std::string head_kind = "kappaface";
  bool quality_known = true;
  std::int64_t refreshes = 3;
  unsigned seed = 7;
};

inline train::Snapshot makeClassSnapshot(const ClassSnapshotOptions& o = {}) {
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  constexpr double kPi = 3.14159265358979323846;
  constexpr double d = 512.0;

  train::Snapshot s;
  s.step = 12000;
  s.epoch = 3;
  s.head_kind = o.head_kind;
  s.margin_unit = "rad";

  // Long-tailed sizes: log-normal (median ~ 20 images) clipped to [min_size, max_size], like a web-crawled dataset.
  std::vector<std::int64_t> sizes(o.classes);
  for (int c = 0; c < o.classes; ++c) {
    sizes[c] = std::clamp<std::int64_t>(std::llround(std::exp(std::log(20.0) + 1.0 * normal(rng))), o.min_size,
                                        o.max_size);
  }
  sizes[0] = o.max_size;
  sizes[o.classes - 1] = o.min_size;
  std::shuffle(sizes.begin(), sizes.end(), rng);
  s.class_count = sizes;

  // κ̂ grows with the class size (more images, tighter estimate of a tighter class), plus noise.
  std::vector<double> r(o.classes), kappa(o.classes);
  for (int c = 0; c < o.classes; ++c) {
    const double lr = std::log(static_cast<double>(sizes[c])) / std::log(static_cast<double>(o.max_size));
    r[c] = std::clamp(0.42 + 0.28 * lr + 0.04 * normal(rng), 0.2, 0.95);
    kappa[c] = r[c] * (d - r[c] * r[c]) / (1.0 - r[c] * r[c]);
  }
  const bool kappaface = o.head_kind == "kappaface";
  if (kappaface) {
    double mean = 0, sd = 0;
    for (double k : kappa) mean += k;
    mean /= o.classes;
    for (double k : kappa) sd += (k - mean) * (k - mean);
    sd = std::sqrt(sd / (o.classes - 1));
    const double big_k = 1.05 * static_cast<double>(*std::max_element(sizes.begin(), sizes.end()));
    auto& st = s.kappa;
    st.kept = true;
    st.refreshes = o.refreshes;
    for (int c = 0; c < o.classes; ++c) {
      const double w_kappa = 1.0 - 1.0 / (1.0 + std::exp(-0.4 * (kappa[c] - mean) / sd));
      const double w_pop = (std::cos(kPi * static_cast<double>(sizes[c]) / big_k) + 1.0) / 2.0;
      const double psi = 0.7 * w_kappa + 0.3 * w_pop;
      st.count.push_back(sizes[c]);
      st.r.push_back(r[c]);
      st.kappa.push_back(kappa[c]);
      st.w_kappa.push_back(w_kappa);
      st.w_pop.push_back(w_pop);
      st.psi.push_back(psi);
      st.margin.push_back(0.8 * psi);
    }
  }

  // The sample window: classes drawn in proportion to their size.
  std::discrete_distribution<int> pick_class(sizes.begin(), sizes.end());
  auto& smp = s.samples;
  std::vector<double> theta_sum(o.classes, 0.0);
  std::vector<int> seen(o.classes, 0);
  for (int i = 0; i < o.samples; ++i) {
    const int c = pick_class(rng);
    const double q = std::clamp(0.55 + 0.25 * normal(rng), 0.0, 1.0);
    const double theta_deg =
        std::clamp(78.0 - 38.0 * q - 6.0 * (r[c] - 0.55) / 0.15 + 9.0 * normal(rng), 8.0, 170.0);
    const double theta = theta_deg * kPi / 180.0;
    const double other_deg = 72.0 + 7.0 * normal(rng);
    const double margin = kappaface ? s.kappa.margin[c] : 0.5;
    // |∂L/∂cos θ_y| of a softmax cross-entropy at s = 64: s·(1 − p_y), with p_y from the margin logit's lead.
    const double lead = 64.0 * (std::cos(theta + margin) - std::cos(other_deg * kPi / 180.0)) - 2.0;
    const double p_y = 1.0 / (1.0 + std::exp(-lead / 6.0));
    smp.label.push_back(c);
    smp.labelled.push_back(i % 97 == 0 ? 0 : 1);
    smp.norm.push_back(static_cast<float>(12.0 + 30.0 * q + 2.5 * normal(rng)));
    smp.margin.push_back(static_cast<float>(margin));
    smp.cos_margin.push_back(static_cast<float>(std::cos(theta) - std::cos(theta + margin)));
    smp.theta.push_back(static_cast<float>(theta));
    smp.max_other_cos.push_back(static_cast<float>(std::cos(other_deg * kPi / 180.0)));
    smp.hard.push_back(theta_deg > other_deg ? 1 : 0);
    smp.target_grad.push_back(static_cast<float>(64.0 * (1.0 - p_y) * (0.55 + 0.45 * q)));
    s.quality.push_back(o.quality_known ? static_cast<float>(q) : NAN);
    theta_sum[c] += theta;
    ++seen[c];
  }
  s.class_mean_theta.resize(o.classes);
  for (int c = 0; c < o.classes; ++c)
    s.class_mean_theta[c] = seen[c] ? static_cast<float>(theta_sum[c] / seen[c]) : NAN;
  return s;
}

// With MARGINLAB_LOOK_DIR set, writes the plot (or widget) as <dir>/<name>.png for a person to look at; otherwise
// does nothing.
inline void saveLook(widgets::PlotWidget& plot, const QString& name) {
  const QString dir = qEnvironmentVariable("MARGINLAB_LOOK_DIR");
  if (dir.isEmpty()) return;
  QDir().mkpath(dir);
  widgets::exportFigure(plot, dir + QLatin1Char('/') + name + QStringLiteral(".png"), widgets::FigureFormat::png,
                        {6.4, 4.0, 100});
}
inline void saveLook(QWidget& widget, const QString& name) {
  const QString dir = qEnvironmentVariable("MARGINLAB_LOOK_DIR");
  if (dir.isEmpty()) return;
  QDir().mkpath(dir);
  QCoreApplication::processEvents();  // pending layout requests (a label's new text) first
  widget.grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}
// A dark palette like a dark desktop theme's, for looking at plots in both.
inline QPalette darkPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(45, 45, 48));
  p.setColor(QPalette::Base, QColor(30, 30, 32));
  p.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
  p.setColor(QPalette::Text, QColor(230, 230, 230));
  p.setColor(QPalette::WindowText, QColor(230, 230, 230));
  p.setColor(QPalette::Button, QColor(55, 55, 58));
  p.setColor(QPalette::ButtonText, QColor(230, 230, 230));
  return p;
}

}  // namespace marginlab::testing
