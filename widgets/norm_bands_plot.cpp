#include "widgets/norm_bands_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {
namespace {

double finiteOrNan(double v) { return std::isfinite(v) ? v : std::numeric_limits<double>::quiet_NaN(); }

}  // namespace

NormBandsPlot::NormBandsPlot(QWidget* parent) : PlotWidget(tr("Feature norm distribution over time"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("step"));
  p->yAxis->setLabel(tr("feature norm ‖z‖"));
  const QColor band = seriesColor(0);
  const QColor ema = seriesColor(1);
  // Bands: the upper bound graph fills down to the lower one; bound lines are faint, only the fills are named.
  p05_ = addLineGraph(p, faded(band, 90), 1);
  p95_ = addLineGraph(p, faded(band, 90), 1);
  p95_->setBrush(faded(band, 45));
  p95_->setChannelFillGraph(p05_);
  p25_ = addLineGraph(p, faded(band, 140), 1);
  p75_ = addLineGraph(p, faded(band, 140), 1);
  p75_->setBrush(faded(band, 110));
  p75_->setChannelFillGraph(p25_);
  median_ = addLineGraph(p, band.darker(120), 2);
  emaMean_ = addLineGraph(p, ema, 2);
  emaLower_ = addLineGraph(p, ema, 1.5, Qt::DashLine);
  emaUpper_ = addLineGraph(p, ema, 1.5, Qt::DashLine);
  p95_->setName(tr("5th–95th percentile"));
  p75_->setName(tr("25th–75th percentile"));
  median_->setName(tr("median"));
  emaMean_->setName(tr("AdaFace EMA μ"));
  emaLower_->setName(tr("AdaFace EMA μ ± σ"));
  p->legend->clearItems();
  for (QCPGraph* graph : {p95_, p75_, median_}) graph->addToLegend();
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
  applyPlotStyle(p, palette());
}

void NormBandsPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  const auto& history = snapshot.norm_history;
  bands_.clear();
  if (history.size() <= kMaxBands) {
    bands_ = history;
  } else {
    // Evenly spaced over the whole run, the newest always included.
    const double stride = static_cast<double>(history.size() - 1) / static_cast<double>(kMaxBands - 1);
    for (std::size_t i = 0; i < kMaxBands; ++i)
      bands_.push_back(history[std::min(history.size() - 1, static_cast<std::size_t>(std::llround(i * stride)))]);
  }
  std::stable_sort(bands_.begin(), bands_.end(),
                   [](const train::NormBand& a, const train::NormBand& b) { return a.step < b.step; });
  hasEma_ = std::any_of(bands_.begin(), bands_.end(), [](const train::NormBand& b) { return std::isfinite(b.ema_mean); });
  refresh();
}

void NormBandsPlot::redraw() {
  QCustomPlot* p = plot();
  QString empty;
  if (!hasSnapshot_) empty = tr("No feature norms yet: waiting for the first report");
  else if (bands_.empty()) empty = tr("No norm history in this report");
  const QColor text = palette().color(QPalette::Text);
  setEmptyText(empty);
  // The median in the text colour: it stands out from the blue bands in light and dark palettes alike.
  median_->setPen(QPen(faded(text, 220), 2));

  QVector<double> step, p05, p25, p50, p75, p95, mean, lower, upper;
  for (const auto& b : bands_) {
    step << static_cast<double>(b.step);
    p05 << b.p05;
    p25 << b.p25;
    p50 << b.p50;
    p75 << b.p75;
    p95 << b.p95;
    const double mu = finiteOrNan(b.ema_mean);
    const double sd = finiteOrNan(b.ema_std);
    mean << mu;
    lower << mu - sd;
    upper << mu + sd;
  }
  p05_->setData(step, p05, true);
  p25_->setData(step, p25, true);
  median_->setData(step, p50, true);
  p75_->setData(step, p75, true);
  p95_->setData(step, p95, true);
  for (QCPGraph* g : {emaMean_, emaLower_, emaUpper_}) {
    g->setVisible(hasEma_);
    g->removeFromLegend();
  }
  if (hasEma_) {
    emaMean_->setData(step, mean, true);
    emaLower_->setData(step, lower, true);
    emaUpper_->setData(step, upper, true);
    emaMean_->addToLegend();
    emaLower_->addToLegend();
  } else {
    for (QCPGraph* g : {emaMean_, emaLower_, emaUpper_}) g->data()->clear();
  }
  p->legend->setVisible(empty.isEmpty());
  if (!empty.isEmpty()) {
    fitAxes({0, 1}, {0, 1});
    return;
  }

  double yLo = std::numeric_limits<double>::infinity(), yHi = -yLo;
  for (int i = 0; i < step.size(); ++i) {
    for (double v : {p05[i], p95[i], p25[i], p75[i], lower[i], upper[i]}) {
      if (!std::isfinite(v)) continue;
      yLo = std::min(yLo, v);
      yHi = std::max(yHi, v);
    }
  }
  if (!std::isfinite(yLo)) yLo = 0, yHi = 1;
  // Norms are non-negative: start at 0 when the data come near it, and leave the top 25% for the legend.
  const double span = std::max(yHi - yLo, 1e-3 * std::max(1.0, std::abs(yHi)));
  const double bottom = yLo - 0.05 * span < 0.25 * span ? 0.0 : yLo - 0.05 * span;
  const double x0 = step.front(), x1 = step.back();
  const double xPad = x1 > x0 ? 0.01 * (x1 - x0) : 1.0;
  fitAxes({x0 - xPad, x1 + xPad}, {bottom, yHi + 0.3 * (yHi - bottom + span * 0.05)});
}

DataTable NormBandsPlot::shownData() const {
  DataTable table{{QStringLiteral("step"), QStringLiteral("p05"), QStringLiteral("p25"), QStringLiteral("median"),
                   QStringLiteral("p75"), QStringLiteral("p95"), QStringLiteral("ema_mean"),
                   QStringLiteral("ema_mean_minus_std"), QStringLiteral("ema_mean_plus_std")},
                  {}};
  for (const auto& b : bands_) {
    QVariantList row{static_cast<qint64>(b.step), static_cast<double>(b.p05), static_cast<double>(b.p25),
                     static_cast<double>(b.p50), static_cast<double>(b.p75), static_cast<double>(b.p95)};
    const double mu = hasEma_ ? finiteOrNan(b.ema_mean) : std::numeric_limits<double>::quiet_NaN();
    const double sd = finiteOrNan(b.ema_std);
    row << mu << mu - sd << mu + sd;
    table.rows.push_back(row);
  }
  return table;
}

}  // namespace marginlab::widgets
