#include "widgets/margin_norm_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {
namespace {

// [lo, hi] padded by 6% of the span; a (near) constant range gets ±10% of the value (at least ±0.05) around it.
QCPRange padded(double lo, double hi, double minHalfWidth) {
  const double span = hi - lo;
  if (span <= 1e-6 * std::max(1.0, std::abs(hi))) {
    const double half = std::max(minHalfWidth, 0.1 * std::abs(hi));
    return {lo - half, hi + half};
  }
  return {lo - 0.06 * span, hi + 0.06 * span};
}

}  // namespace

MarginNormPlot::MarginNormPlot(QWidget* parent) : PlotWidget(tr("Applied margin vs feature norm"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("feature norm ‖z‖"));
  p->yAxis->setLabel(tr("margin"));
  easyGraph_ = addScatterGraph(p, role::easy());
  hardGraph_ = addScatterGraph(p, role::hard());
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  applyPlotStyle(p, palette());
}

void MarginNormPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  unit_ = QString::fromStdString(snapshot.margin_unit);
  easy_.clear();
  hard_.clear();
  const auto& d = snapshot.samples;
  const std::size_t rows = std::min({d.norm.size(), d.margin.size(), d.labelled.size(), d.hard.size()});
  const std::size_t first = rows > kMaxSamples ? rows - kMaxSamples : 0;
  for (std::size_t i = first; i < rows; ++i) {
    if (!d.labelled[i] || !std::isfinite(d.norm[i]) || !std::isfinite(d.margin[i])) continue;
    (d.hard[i] ? hard_ : easy_).push_back({d.norm[i], d.margin[i]});
  }
  refresh();
}

QString MarginNormPlot::emptyReason() const {
  if (!hasSnapshot_) return tr("No samples yet: waiting for the first report");
  if (easy_.empty() && hard_.empty()) return tr("No labelled samples with a margin in this report");
  return {};
}

void MarginNormPlot::redraw() {
  QCustomPlot* p = plot();
  const QString empty = emptyReason();
  setEmptyText(empty);
  p->yAxis->setLabel(unit_.isEmpty() ? tr("margin") : tr("margin (%1)").arg(unit_));

  double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo, yLo = xLo, yHi = -xLo;
  auto fill = [&](QCPGraph* graph, const std::vector<Point>& points) {
    QVector<double> x, y;
    x.reserve(static_cast<int>(points.size()));
    y.reserve(static_cast<int>(points.size()));
    for (const Point& pt : points) {
      x << pt.norm;
      y << pt.margin;
      xLo = std::min<double>(xLo, pt.norm);
      xHi = std::max<double>(xHi, pt.norm);
      yLo = std::min<double>(yLo, pt.margin);
      yHi = std::max<double>(yHi, pt.margin);
    }
    graph->setData(x, y);
  };
  fill(easyGraph_, easy_);
  fill(hardGraph_, hard_);
  easyGraph_->setName(tr("easy (%1)").arg(easy_.size()));
  hardGraph_->setName(tr("hard (%1)").arg(hard_.size()));
  p->legend->setVisible(empty.isEmpty());
  if (!empty.isEmpty()) {
    fitAxes({0, 1}, {0, 1});
    return;
  }
  // The top fifth stays free for the legend.
  const QCPRange y = padded(yLo, yHi, 0.05);
  fitAxes(padded(xLo, xHi, 1.0), {y.lower, y.upper + 0.2 * y.size()});
}

DataTable MarginNormPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("norm"),
                   unit_.isEmpty() ? QStringLiteral("margin") : QStringLiteral("margin (%1)").arg(unit_)},
                  {}};
  if (!emptyReason().isEmpty()) return table;
  for (const auto& [series, points] : {std::pair{tr("easy"), &easy_}, std::pair{tr("hard"), &hard_}}) {
    for (const Point& pt : *points)
      table.rows.push_back({series, static_cast<double>(pt.norm), static_cast<double>(pt.margin)});
  }
  return table;
}

}  // namespace marginlab::widgets
