#include "widgets/adaface_margin_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The smallest multiple of 0.25 (of 0.05 below 0.25) that is ≥ v: the y range follows m in steps, so a slider move
// reshapes the curves instead of rescaling the axis under them.
double stepCeil(double v) {
  const double step = v > 0.25 ? 0.25 : 0.05;
  return std::max(step, std::ceil(v / step - 1e-9) * step);
}

}  // namespace

AdaFaceMarginPlot::AdaFaceMarginPlot(QWidget* parent) : PlotWidget(tr("AdaFace margin functions"), parent) {
  QCustomPlot* p = plot();
  p->yAxis->setLabel(tr("margin term (g_angular: rad, g_additive: cos)"));
  angularDots_ = addScatterGraph(p, seriesColor(0), 3.5, 70, 55);
  additiveDots_ = addScatterGraph(p, seriesColor(1), 3.5, 70, 55);
  angular_ = addLineGraph(p, seriesColor(0), 2.5);
  additive_ = addLineGraph(p, seriesColor(1), 2.5);
  angular_->setName(tr("g_angular = −m·ẑ (rad, on θ)"));
  additive_->setName(tr("g_additive = m(1+ẑ) (on cos)"));
  angularDots_->setName(tr("samples: g_angular"));
  additiveDots_->setName(tr("samples: g_additive"));
  p->legend->clearItems();
  for (QCPGraph* g : {angular_, additive_, angularDots_, additiveDots_}) g->addToLegend();
  p->legend->setVisible(true);

  // The top axis shows ẑ at its place on the norm axis: it moves with μ, σ and h.
  p->xAxis2->setLabel(tr("normalised norm ẑ"));
  p->xAxis2->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
  connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), p->xAxis2,
          qOverload<const QCPRange&>(&QCPAxis::setRange));

  // Layout rows: the parameters line, the axis rect, the legend (two columns below the plot: the curves fill the
  // whole axis rect as m and h change, so an inset legend would cover them).
  p->plotLayout()->insertRow(0);
  subtitle_ = new QCPTextElement(p, QString(), QFont(font().family(), font().pointSize()));
  p->plotLayout()->addElement(0, 0, subtitle_);
  p->axisRect()->insetLayout()->take(p->legend);
  p->plotLayout()->addElement(2, 0, p->legend);
  p->plotLayout()->setRowStretchFactor(2, 0.001);
  p->legend->setWrap(2);
  p->legend->setFillOrder(QCPLegend::foColumnsFirst, /*rearrange=*/true);
  p->legend->setMargins(QMargins(4, 2, 4, 2));
  applyPlotStyle(p, palette());
}

void AdaFaceMarginPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  headKind_ = QString::fromStdString(snapshot.head_kind);
  // The quality-adaptive margin's diagnostics (ẑ, g) are there only for a head that computes them (AdaFace).
  isAdaFace_ = !snapshot.samples.z_hat.empty();
  samples_.clear();
  snapshotMean_ = snapshotStd_ = kNaN;
  if (isAdaFace_) {
    for (const auto& param : snapshot.head_params) {
      if (param.name == "eps") eps_ = param.value;
      if (explicitParameters_) continue;
      if (param.name == "m") m_ = param.value;
      if (param.name == "h") h_ = param.value;
    }
    const auto& d = snapshot.samples;
    const std::size_t rows =
        std::min({d.norm.size(), d.labelled.size(), d.z_hat.size(), d.g_angular.size(), d.g_additive.size()});
    const std::size_t first = rows > kMaxSamples ? rows - kMaxSamples : 0;
    for (std::size_t i = first; i < rows; ++i) {
      // The engine reports g = 0 for unlabelled rows: no margin was applied there.
      if (!d.labelled[i] || !std::isfinite(d.norm[i]) || !std::isfinite(d.z_hat[i])) continue;
      samples_.push_back({d.norm[i], d.z_hat[i], d.g_angular[i], d.g_additive[i]});
    }
    if (!snapshot.norm_history.empty()) {
      snapshotMean_ = snapshot.norm_history.back().ema_mean;
      snapshotStd_ = snapshot.norm_history.back().ema_std;
    }
  }
  refresh();
}

void AdaFaceMarginPlot::setParameters(double m, double h) {
  explicitParameters_ = true;
  m_ = m;
  h_ = h;
  refresh();
}

void AdaFaceMarginPlot::setNormStatistics(double mean, double std) {
  explicitMean_ = mean;
  explicitStd_ = std;
  refresh();
}

bool AdaFaceMarginPlot::plotsAgainstNorm() const { return model().byNorm; }

double AdaFaceMarginPlot::zHat(double norm, double mean, double std) const {
  if (!(h_ > 0)) return 0.0;  // h = 0: every norm is average
  return std::clamp((norm - mean) / (std + eps_) * h_, -1.0, 1.0);
}

AdaFaceMarginPlot::Model AdaFaceMarginPlot::model() const {
  Model md;
  if (!hasSnapshot_) {
    md.empty = tr("No data yet: waiting for the first report");
    return md;
  }
  if (!isAdaFace_) {
    md.empty = tr("AdaFace only: this run trains %1").arg(headKind_.isEmpty() ? tr("another head") : headKind_);
    return md;
  }
  if (!std::isfinite(m_) || !std::isfinite(h_)) {
    md.empty = tr("AdaFace's m and h are not known yet");
    return md;
  }
  const bool explicitKnown = std::isfinite(explicitMean_) && std::isfinite(explicitStd_) && explicitStd_ > 0;
  md.mean = explicitKnown ? explicitMean_ : snapshotMean_;
  md.std = explicitKnown ? explicitStd_ : snapshotStd_;
  md.byNorm = std::isfinite(md.mean) && std::isfinite(md.std) && md.std > 0;
  if (!md.byNorm) {
    md.xLo = -1.1;
    md.xHi = 1.1;
    for (double z : {-1.0, 1.0}) md.curve.push_back({kNaN, z, -m_ * z, m_ * (1 + z)});
    return md;
  }
  // x range: μ ± 2σ and every sample, never below 0, padded; it does not depend on m or h.
  double lo = md.mean - 2 * md.std, hi = md.mean + 2 * md.std;
  for (const Sample& s : samples_) {
    if (!std::isfinite(s.norm)) continue;
    lo = std::min<double>(lo, s.norm);
    hi = std::max<double>(hi, s.norm);
  }
  const double pad = 0.04 * (hi - lo);
  md.xLo = std::max(0.0, lo - pad);
  md.xHi = hi + pad;
  std::vector<double> xs{md.xLo, md.xHi};
  if (h_ > 0) {
    const double halfWidth = (md.std + eps_) / h_;  // |ẑ| reaches 1 here
    for (double x : {md.mean - halfWidth, md.mean + halfWidth})
      if (x > md.xLo && x < md.xHi) xs.push_back(x);
  }
  std::sort(xs.begin(), xs.end());
  for (double x : xs) {
    const double z = zHat(x, md.mean, md.std);
    md.curve.push_back({x, z, -m_ * z, m_ * (1 + z)});
  }
  return md;
}

double AdaFaceMarginPlot::curveValue(double x, bool angular) const {
  const Model md = model();
  if (!md.empty.isEmpty()) return kNaN;
  const double z = md.byNorm ? zHat(x, md.mean, md.std) : std::clamp(x, -1.0, 1.0);
  return angular ? -m_ * z : m_ * (1 + z);
}

double AdaFaceMarginPlot::gAngularAt(double x) const { return curveValue(x, true); }
double AdaFaceMarginPlot::gAdditiveAt(double x) const { return curveValue(x, false); }

void AdaFaceMarginPlot::redraw() {
  QCustomPlot* p = plot();
  const Model md = model();
  const QColor text = palette().color(QPalette::Text);
  setEmptyText(md.empty);
  subtitle_->setTextColor(text);
  for (QCPGraph* g : {angular_, additive_, angularDots_, additiveDots_}) g->data()->clear();
  if (!md.empty.isEmpty()) {
    subtitle_->setText(QString());
    // The legend leaves the layout so that its row does not stay behind as blank space.
    if (p->legend->layout() == p->plotLayout()) {
      p->plotLayout()->take(p->legend);
      p->plotLayout()->simplify();
    }
    p->legend->setVisible(false);
    p->xAxis2->setVisible(false);
    p->xAxis->setLabel(tr("feature norm ‖z‖"));
    fitAxes({0, 1}, {0, 1});
    return;
  }
  if (p->legend->layout() != p->plotLayout()) {
    p->plotLayout()->addElement(2, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(2, 0.001);
  }
  p->legend->setVisible(true);
  QString subtitle = tr("m = %1, h = %2").arg(m_, 0, 'f', 3).arg(h_, 0, 'f', 3);
  if (md.byNorm) subtitle += tr("  ·  EMA μ = %1, σ = %2").arg(md.mean, 0, 'f', 2).arg(md.std, 0, 'f', 2);
  subtitle_->setText(subtitle);

  QVector<double> x, ga, gd;
  for (const Vertex& v : md.curve) {
    x << (md.byNorm ? v.norm : v.z_hat);
    ga << v.g_angular;
    gd << v.g_additive;
  }
  angular_->setData(x, ga, true);
  additive_->setData(x, gd, true);

  double extent = std::abs(m_);  // the curves span [−m, 2m]
  QVector<double> sx, sa, sd;
  for (const Sample& s : samples_) {
    const double key = md.byNorm ? s.norm : s.z_hat;
    if (!std::isfinite(key)) continue;
    sx << key;
    sa << s.g_angular;
    sd << s.g_additive;
    if (std::isfinite(s.g_angular)) extent = std::max(extent, std::abs(static_cast<double>(s.g_angular)));
    if (std::isfinite(s.g_additive)) extent = std::max(extent, std::abs(static_cast<double>(s.g_additive)) / 2);
  }
  angularDots_->setData(sx, sa);
  additiveDots_->setData(sx, sd);

  const double top = stepCeil(extent);
  fitAxes({md.xLo, md.xHi}, {-1.15 * top, 2.15 * top});
  if (md.byNorm) {
    p->xAxis->setLabel(tr("feature norm ‖z‖"));
    auto ticker = qSharedPointerCast<QCPAxisTickerText>(p->xAxis2->ticker());
    ticker->clear();
    if (h_ > 0) {
      const double halfWidth = (md.std + eps_) / h_;
      const QStringList labels{QStringLiteral("−1"), QStringLiteral("−0.5"), QStringLiteral("0"),
                               QStringLiteral("0.5"), QStringLiteral("1")};
      for (int i = 0; i < labels.size(); ++i) ticker->addTick(md.mean + (i - 2) * 0.5 * halfWidth, labels[i]);
    } else {
      ticker->addTick(md.mean, QStringLiteral("0"));
    }
    p->xAxis2->setVisible(true);
    p->xAxis2->setRange(p->xAxis->range());
  } else {
    p->xAxis->setLabel(tr("normalised norm ẑ (EMA norm μ, σ unknown: plotted against ẑ, not ‖z‖)"));
    p->xAxis2->setVisible(false);
  }
}

DataTable AdaFaceMarginPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("norm"), QStringLiteral("z_hat"), QStringLiteral("value")},
                  {}};
  const Model md = model();
  if (!md.empty.isEmpty()) return table;
  auto norm = [&](double v) { return md.byNorm ? QVariant(v) : QVariant(); };
  for (const Vertex& v : md.curve) table.rows.push_back({tr("g_angular"), norm(v.norm), v.z_hat, v.g_angular});
  for (const Vertex& v : md.curve)
    table.rows.push_back({tr("g_additive"), norm(v.norm), v.z_hat, v.g_additive});
  for (const Sample& s : samples_)
    table.rows.push_back({tr("samples g_angular"), norm(s.norm), static_cast<double>(s.z_hat),
                          static_cast<double>(s.g_angular)});
  for (const Sample& s : samples_)
    table.rows.push_back({tr("samples g_additive"), norm(s.norm), static_cast<double>(s.z_hat),
                          static_cast<double>(s.g_additive)});
  return table;
}

}  // namespace marginlab::widgets
