#include "widgets/target_gradient_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {

namespace {
constexpr double kDegreesPerRadian = 180.0 / 3.14159265358979323846;
}

TargetGradientPlot::TargetGradientPlot(QWidget* parent)
    : PlotWidget(tr("Target gradient against angle, by quality"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("θ to own class centre (degrees)"));
  p->yAxis->setLabel(tr("target gradient |∂L/∂cos θ_y|"));
  p->xAxis->setRange(0, 180);
  p->yAxis->setRange(0, 1);
  // The unknown-colour graph first, so that coloured points draw over it.
  QCPGraph* unknown = p->addGraph();
  for (int level = 0; level < kLevels; ++level) graphs_ << p->addGraph();
  graphs_ << unknown;
  for (QCPGraph* graph : graphs_) {
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setSelectable(QCP::stNone);
    graph->setPen(Qt::NoPen);
  }
  colorScale_ = addColorScale(p, sequentialGradient(kLevels, palette()));
  setEmptyText(tr("Waiting for the first snapshot of the run"));
}

void TargetGradientPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  points_.clear();
  const auto& s = snapshot.samples;
  int known = 0;
  for (float q : snapshot.quality) known += std::isfinite(q);
  byQuality_ = known > 0;
  const std::size_t n = std::min(s.theta.size(), s.target_grad.size());
  points_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i < s.labelled.size() && !s.labelled[i]) continue;
    if (!std::isfinite(s.theta[i]) || !std::isfinite(s.target_grad[i])) continue;
    double colour = std::nan("");
    if (byQuality_ && i < snapshot.quality.size()) colour = snapshot.quality[i];
    if (!byQuality_ && i < s.norm.size()) colour = s.norm[i];
    points_.push_back({s.theta[i] * kDegreesPerRadian, s.target_grad[i], std::isfinite(colour) ? colour : std::nan("")});
  }
  if (s.target_grad.empty() && !s.theta.empty())
    setEmptyText(tr("This head reports no per-sample target gradient"));
  else if (points_.empty())
    setEmptyText(tr("No labelled samples in the window yet"));
  else
    setEmptyText(QString());
  refresh();
}

void TargetGradientPlot::clear() {
  hasSnapshot_ = false;
  points_.clear();
  byQuality_ = true;
  setEmptyText(tr("Waiting for the first snapshot of the run"));
  refresh();
}

DataTable TargetGradientPlot::shownData() const {
  DataTable table{{QStringLiteral("theta (degrees)"), QStringLiteral("target gradient"),
                   byQuality_ ? QStringLiteral("quality q") : QStringLiteral("feature norm")},
                  {}};
  table.rows.reserve(points_.size());
  for (const Point& p : points_) table.rows.push_back({p.theta_deg, p.grad, p.colour});
  return table;
}

void TargetGradientPlot::redraw() {
  const QPalette pal = palette();
  styleColorScale(colorScale_, pal);
  colorScale_->setVisible(!points_.empty());

  // Quality has its own scale [0, 1]; the norm's range is the window's.
  double lo = 0.0, hi = 1.0;
  if (!byQuality_) {
    lo = std::numeric_limits<double>::infinity();
    hi = -lo;
    for (const Point& point : points_)
      if (std::isfinite(point.colour)) {
        lo = std::min(lo, point.colour);
        hi = std::max(hi, point.colour);
      }
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (!(hi > lo)) lo -= 0.5, hi += 0.5;
  }
  const QCPRange range(lo, hi);
  QCPColorGradient gradient = sequentialGradient(kLevels, palette());
  colorScale_->setGradient(gradient);
  colorScale_->setDataRange(range);
  colorScale_->setLabel(byQuality_ ? tr("image quality q (data source)")
                                     : tr("feature norm ‖z‖ (quality unknown)"));

  QVector<QVector<double>> keys(kLevels + 1), values(kLevels + 1);
  double xLo = 180, xHi = 0, yHi = 0;
  for (const Point& point : points_) {
    const int level = std::isfinite(point.colour)
                          ? std::clamp(static_cast<int>((point.colour - lo) / (hi - lo) * kLevels), 0, kLevels - 1)
                          : kLevels;
    keys[level] << point.theta_deg;
    values[level] << point.grad;
    xLo = std::min(xLo, point.theta_deg);
    xHi = std::max(xHi, point.theta_deg);
    yHi = std::max(yHi, point.grad);
  }
  for (int level = 0; level <= kLevels; ++level) {
    const QColor color = level < kLevels ? gradient.color(lo + (level + 0.5) / kLevels * (hi - lo), range)
                                         : faded(pal.color(QPalette::Text), 90);
    graphs_[level]->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDisc, faded(color, 200), faded(color, 200), 4.5));
    graphs_[level]->setData(keys[level], values[level]);
    graphs_[level]->setName(level < kLevels ? QString() : tr("quality unknown"));
  }
  if (!points_.empty()) {
    const double pad = std::max(2.0, 0.04 * (xHi - xLo));
    fitAxes({std::max(0.0, xLo - pad), std::min(180.0, xHi + pad)}, {0, yHi > 0 ? yHi * 1.06 : 1.0});
  } else {
    fitAxes({0, 180}, {0, 1});
  }
}

}  // namespace marginlab::widgets
