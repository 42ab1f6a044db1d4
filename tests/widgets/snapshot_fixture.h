#pragma once
// A realistic synthetic training snapshot for the widget tests (and for looking at the plots): SynthFace-like
// quality q ~ U(0, 1), feature norms ~ N(20 + 15q, 3), about 20% hard samples (more of them at low quality), a few
// unlabelled rows, AdaFace's ẑ / g_angular / g_additive / margin computed as the head computes them (or a constant
// ArcFace margin for other heads), the norm histogram and a norm history as the telemetry builder makes them.
// Deterministic for a given seed. Also a few lookups into a QCustomPlot that several tests need.
#include <qcustomplot.h>

#include <QString>
#include <QStringList>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/telemetry/telemetry.h"

namespace marginlab::widgets::fixture {

struct Options {
  int samples = 2048;
  std::string head = "adaface";  // "adaface": AdaFace margins (cos); anything else: a constant 0.5 rad margin
  bool quality_known = true;
  double m = 0.4;
  double h = 0.333;
  int histogram_bins = 40;
  int bands = 200;
  unsigned seed = 7;
};

inline double mean(const std::vector<float>& v) {
  return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

inline double stddev(const std::vector<float>& v) {  // unbiased, as AdaFace's EMA uses
  if (v.size() < 2) return NAN;
  const double mu = mean(v);
  double s = 0;
  for (float x : v) s += (x - mu) * (x - mu);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

inline std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size(); ++i) r[order[i]] = static_cast<double>(i);
  return r;
}

inline double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(a.size());
  double d2 = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) d2 += (ra[i] - rb[i]) * (ra[i] - rb[i]);
  return 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
}

inline float percentile(std::vector<float> v, double p) {
  std::sort(v.begin(), v.end());
  const double position = p * static_cast<double>(v.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const auto above = std::min(below + 1, v.size() - 1);
  const double t = position - static_cast<double>(below);
  return static_cast<float>((1 - t) * v[below] + t * v[above]);
}

// AdaFace's ẑ exactly as the head computes it (σ + eps with eps = 1e-3).
inline double adafaceZHat(double norm, double mu, double sigma, double h) {
  return std::clamp((norm - mu) / (sigma + 1e-3) * h, -1.0, 1.0);
}

inline train::Snapshot makeSnapshot(const Options& o = {}) {
  std::mt19937 rng(o.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> gauss(0.0, 1.0);
  train::Snapshot s;
  s.step = 20000;
  s.epoch = 3;
  s.head_kind = o.head;
  const bool adaface = o.head == "adaface";
  s.margin_unit = adaface ? "cos" : "rad";
  if (adaface) {
    s.head_params = {{"s", 64, 0, 1e4, true, false, "logit scale"},
                     {"m", o.m, 0, 1.5707963267948966, false, false, "margin"},
                     {"h", o.h, 0, 1, false, false, "norm concentration"}};
  } else {
    s.head_params = {{"s", 64, 0, 1e4, true, false, "logit scale"}, {"m", 0.5, 0, 1.57, false, false, "margin"}};
  }
  s.base_lr = 0.1;

  const auto n = static_cast<std::size_t>(o.samples);
  auto& d = s.samples;
  std::vector<double> q(n);
  for (std::size_t i = 0; i < n; ++i) {
    q[i] = uniform(rng);
    d.label.push_back(static_cast<std::int64_t>(rng() % 1000));
    const bool labelled = i % 50 != 49;  // 2% unlabelled rows
    d.labelled.push_back(labelled ? 1 : 0);
    if (!labelled) d.label.back() = -1;
    d.norm.push_back(static_cast<float>(std::max(0.5, 20.0 + 15.0 * q[i] + 3.0 * gauss(rng))));
    const bool hard = labelled && uniform(rng) < 0.36 - 0.32 * q[i];
    d.hard.push_back(hard ? 1 : 0);
    const double theta = std::clamp((hard ? 1.45 : 1.2 - 0.45 * q[i]) + 0.12 * gauss(rng), 0.05, 3.0);
    d.theta.push_back(static_cast<float>(theta));
    d.max_other_cos.push_back(static_cast<float>(std::cos(theta) + (hard ? 0.05 : -0.2)));
    d.target_grad.push_back(static_cast<float>(uniform(rng)));
    s.quality.push_back(o.quality_known ? static_cast<float>(q[i]) : NAN);
  }
  const double mu = mean(d.norm) - 0.4;  // the EMA lags the batch a little
  const double sigma = stddev(d.norm) * 0.97;
  for (std::size_t i = 0; i < n; ++i) {
    const double theta = d.theta[i];
    double target;
    if (adaface) {
      const double z = adafaceZHat(d.norm[i], mu, sigma, o.h);
      const double g_ang = -o.m * z, g_add = o.m * (1 + z);
      d.z_hat.push_back(static_cast<float>(z));
      d.g_angular.push_back(d.labelled[i] ? static_cast<float>(g_ang) : 0.0f);
      d.g_additive.push_back(d.labelled[i] ? static_cast<float>(g_add) : 0.0f);
      target = std::cos(std::clamp(theta + g_ang, 1e-3, M_PI - 1e-3)) - g_add;
      d.margin.push_back(d.labelled[i] ? static_cast<float>(std::cos(theta) - target) : 0.0f);
    } else {
      target = std::cos(theta + 0.5);
      d.margin.push_back(d.labelled[i] ? 0.5f : 0.0f);
    }
    d.cos_margin.push_back(d.labelled[i] ? static_cast<float>(std::cos(theta) - target) : 0.0f);
  }
  if (o.quality_known) {
    std::vector<double> norms(d.norm.begin(), d.norm.end());
    s.norm_quality_spearman = spearman(norms, q);
  }

  const auto [lo_it, hi_it] = std::minmax_element(d.norm.begin(), d.norm.end());
  if (lo_it != d.norm.end()) {
    s.norm_histogram_lo = *lo_it;
    s.norm_histogram_hi = *hi_it > *lo_it ? *hi_it : *lo_it + 1e-3f;
    s.norm_histogram.assign(o.histogram_bins, 0);
    for (float x : d.norm) {
      const auto bin = std::min<std::int64_t>(
          o.histogram_bins - 1,
          static_cast<std::int64_t>((x - s.norm_histogram_lo) / (s.norm_histogram_hi - s.norm_histogram_lo) *
                                    o.histogram_bins));
      ++s.norm_histogram[bin];
    }
  }
  // Norms grow from ~6 to their final distribution over the run; the EMA follows the median with a lag.
  const bool any = !d.norm.empty();
  const float p05 = any ? percentile(d.norm, 0.05) : 0, p25 = any ? percentile(d.norm, 0.25) : 0,
              p50 = any ? percentile(d.norm, 0.50) : 0, p75 = any ? percentile(d.norm, 0.75) : 0,
              p95 = any ? percentile(d.norm, 0.95) : 0;
  for (int b = 0; b < (any ? o.bands : 0); ++b) {
    const double t = static_cast<double>(b + 1) / o.bands;
    const double grow = 0.25 + 0.75 * (1 - std::exp(-5 * t));
    train::NormBand band;
    band.step = static_cast<std::int64_t>(t * static_cast<double>(s.step));
    band.p05 = p05 * static_cast<float>(grow);
    band.p25 = p25 * static_cast<float>(grow);
    band.p50 = p50 * static_cast<float>(grow);
    band.p75 = p75 * static_cast<float>(grow);
    band.p95 = p95 * static_cast<float>(grow);
    if (adaface) {
      const double lag = 0.25 + 0.75 * (1 - std::exp(-5 * std::max(0.0, t - 0.03)));
      band.ema_mean = (mu + 0.4) * lag;
      band.ema_std = sigma * (0.6 + 0.4 * lag);
    }
    s.norm_history.push_back(band);
  }
  if (adaface && !s.norm_history.empty()) {
    s.norm_history.back().ema_mean = mu;
    s.norm_history.back().ema_std = sigma;
  }
  return s;
}

// The AdaFace EMA statistics the fixture's margins were computed with (the newest band's).
inline double emaMean(const train::Snapshot& s) { return s.norm_history.back().ema_mean; }
inline double emaStd(const train::Snapshot& s) { return s.norm_history.back().ema_std; }

// Texts of the visible text items (empty states, corner labels).
inline QStringList visibleTexts(QCustomPlot* plot) {
  QStringList texts;
  for (int i = 0; i < plot->itemCount(); ++i) {
    if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)); text && text->visible()) texts << text->text();
  }
  return texts;
}

// The first plottable of type T whose name starts with `prefix`, or nullptr.
template <class T>
T* plottableNamed(QCustomPlot* plot, const QString& prefix) {
  for (int i = 0; i < plot->plottableCount(); ++i) {
    if (auto* p = qobject_cast<T*>(plot->plottable(i)); p && p->name().startsWith(prefix)) return p;
  }
  return nullptr;
}

// Number of plottables that are visible and hold data.
inline int visibleWithData(QCustomPlot* plot) {
  int count = 0;
  for (int i = 0; i < plot->plottableCount(); ++i) {
    auto* p = plot->plottable(i);
    if (!p->visible()) continue;
    if (auto* g = qobject_cast<QCPGraph*>(p); g && g->dataCount() > 0) ++count;
    if (auto* b = qobject_cast<QCPBars*>(p); b && b->dataCount() > 0) ++count;
  }
  return count;
}

// The empty states every per-sample plot shares: before any snapshot, and with no labelled sample in it.
template <class Plot>
void checkSampleEmptyStates() {
  Plot plot;
  plot.redrawNow();
  QVERIFY(visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No samples yet")));
  auto s = makeSnapshot();
  std::fill(s.samples.labelled.begin(), s.samples.labelled.end(), 0);
  plot.setSnapshot(s);
  plot.redrawNow();
  QVERIFY(visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No labelled samples")));
  QCOMPARE(visibleWithData(plot.plot()), 0);
  QVERIFY(plot.shownData().rows.empty());
}

}  // namespace marginlab::widgets::fixture
