#include "widgets/margin_histogram_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {
namespace {

constexpr double kHeadroom = 1.35;  // y range above the tallest stack: room for the legend
constexpr double kLineTop = 1.05;   // the mean line ends a little above the tallest stack, below the legend

}  // namespace

MarginHistogramPlot::MarginHistogramPlot(QWidget* parent) : PlotWidget(tr("Applied margin histogram"), parent) {
  QCustomPlot* p = plot();
  p->yAxis->setLabel(tr("samples per bin"));
  easyBars_ = addHistogramBars(p, role::easy());
  hardBars_ = addHistogramBars(p, role::hard());
  hardBars_->moveAbove(easyBars_);
  meanLine_ = addLineGraph(p, seriesColor(0), 2);
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  applyPlotStyle(p, palette());
}

void MarginHistogramPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  unit_ = QString::fromStdString(snapshot.margin_unit);
  easy_.clear();
  hard_.clear();
  const auto& d = snapshot.samples;
  const std::size_t rows = std::min({d.margin.size(), d.labelled.size(), d.hard.size()});
  const std::size_t first = rows > kMaxSamples ? rows - kMaxSamples : 0;
  for (std::size_t i = first; i < rows; ++i) {
    if (!d.labelled[i] || !std::isfinite(d.margin[i])) continue;
    (d.hard[i] ? hard_ : easy_).push_back(d.margin[i]);
  }
  refresh();
}

MarginHistogramPlot::Model MarginHistogramPlot::model() const {
  Model md;
  if (!hasSnapshot_) {
    md.empty = tr("No samples yet: waiting for the first report");
    return md;
  }
  if (easy_.empty() && hard_.empty()) {
    md.empty = tr("No labelled samples with a margin in this report");
    return md;
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  for (const auto* set : {&easy_, &hard_}) {
    for (float v : *set) {
      lo = std::min<double>(lo, v);
      hi = std::max<double>(hi, v);
      sum += v;
    }
  }
  md.mean = sum / static_cast<double>(easy_.size() + hard_.size());
  const double span = hi - lo;
  if (span <= 1e-6 * std::max(1.0, std::abs(hi))) {
    // A constant margin: one bar centred on it, in a range of ±10% of the value (at least ±0.05).
    const double half = std::max(0.05, 0.1 * std::abs(hi));
    md.bins = 1;
    md.width = half / 5;
    md.lo = 0.5 * (lo + hi) - md.width / 2;
    md.xLo = md.lo + md.width / 2 - half;
    md.xHi = md.lo + md.width / 2 + half;
  } else {
    md.bins = kBins;
    md.width = span / kBins;
    md.lo = lo;
    md.xLo = lo - 0.04 * span;
    md.xHi = hi + 0.04 * span;
  }
  md.easy.assign(md.bins, 0.0);
  md.hard.assign(md.bins, 0.0);
  auto count = [&](const std::vector<float>& values, std::vector<double>& counts) {
    for (float v : values) counts[histogramBin(v, md.lo, md.width, md.bins)] += 1;
  };
  count(easy_, md.easy);
  count(hard_, md.hard);
  return md;
}

void MarginHistogramPlot::redraw() {
  QCustomPlot* p = plot();
  const Model md = model();
  const QColor text = palette().color(QPalette::Text);
  setEmptyText(md.empty);
  // The mean dashed in the text colour: distinct from the bars (also on top of a single bar) in both palettes.
  QPen meanPen(faded(text, 220), 2);
  meanPen.setStyle(Qt::DashLine);
  meanLine_->setPen(meanPen);
  p->xAxis->setLabel(unit_.isEmpty() ? tr("applied margin") : tr("applied margin (%1)").arg(unit_));
  easyBars_->data()->clear();
  hardBars_->data()->clear();
  meanLine_->data()->clear();
  p->legend->setVisible(md.empty.isEmpty());
  if (!md.empty.isEmpty()) {
    fitAxes({0, 1}, {0, 1});
    return;
  }
  QVector<double> keys, easy, hard;
  double tallest = 0;
  for (int b = 0; b < md.bins; ++b) {
    keys << md.lo + (b + 0.5) * md.width;
    easy << md.easy[b];
    hard << md.hard[b];
    tallest = std::max(tallest, md.easy[b] + md.hard[b]);
  }
  for (QCPBars* bars : {easyBars_, hardBars_}) bars->setWidth(md.width);
  easyBars_->setData(keys, easy, true);
  hardBars_->setData(keys, hard, true);
  easyBars_->setName(tr("easy (%1)").arg(easy_.size()));
  hardBars_->setName(tr("hard (%1)").arg(hard_.size()));
  const double top = std::max(1.0, tallest) * kHeadroom;
  meanLine_->setData(QVector<double>{md.mean, md.mean}, QVector<double>{0, std::max(1.0, tallest) * kLineTop}, true);
  meanLine_->setName(unit_.isEmpty() ? tr("mean = %1").arg(md.mean, 0, 'g', 4)
                                     : tr("mean = %1 %2").arg(md.mean, 0, 'g', 4).arg(unit_));
  fitAxes({md.xLo, md.xHi}, {0, top});
}

DataTable MarginHistogramPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("bin_lo"), QStringLiteral("bin_hi"),
                   QStringLiteral("count")},
                  {}};
  const Model md = model();
  if (!md.empty.isEmpty()) return table;
  for (const auto& [series, counts] : {std::pair{tr("easy"), &md.easy}, std::pair{tr("hard"), &md.hard}}) {
    for (int b = 0; b < md.bins; ++b)
      table.rows.push_back({series, md.lo + b * md.width, md.lo + (b + 1) * md.width, static_cast<qint64>((*counts)[b])});
  }
  table.rows.push_back({tr("mean"), md.mean, md.mean, QVariant()});
  return table;
}

}  // namespace marginlab::widgets
