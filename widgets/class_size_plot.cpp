#include "widgets/class_size_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {

ClassSizePlot::ClassSizePlot(QWidget* parent) : PlotWidget(tr("Images per class"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("images per class (log scale, log-spaced bins)"));
  // Small sizes make bins of whole images that are wider on the log axis than the others: the height is a density
  // (classes per decade of size), so that a bar's area, not its height, counts its classes.
  p->yAxis->setLabel(tr("classes per decade of size"));
  p->xAxis->setScaleType(QCPAxis::stLogarithmic);
  p->xAxis->setTicker(logTicker125());
  p->xAxis->setRange(1, 1000);
  p->yAxis->setRange(0, 1);
  graph_ = p->addGraph();
  graph_->setLineStyle(QCPGraph::lsStepLeft);
  graph_->setSelectable(QCP::stNone);
  p->plotLayout()->insertRow(0);
  summary_ = new QCPTextElement(p, QString(), QFont(font().family(), qRound(font().pointSizeF() * 0.95)));
  p->plotLayout()->addElement(0, 0, summary_);
  applyPlotStyle(p, palette());
  setEmptyText(tr("Waiting for the first snapshot of the run"));
}

void ClassSizePlot::setSnapshot(const train::Snapshot& snapshot) {
  setClassCounts(!snapshot.class_count.empty() ? snapshot.class_count : snapshot.kappa.count);
}

void ClassSizePlot::setClassCounts(const std::vector<std::int64_t>& counts) {
  if (hasData_ && counts == lastCounts_) return;
  hasData_ = true;
  lastCounts_ = counts;
  edges_.clear();
  bins_.clear();
  emptyClasses_ = 0;
  std::vector<std::int64_t> sizes;
  sizes.reserve(counts.size());
  for (std::int64_t n : counts) {
    if (n > 0) sizes.push_back(n);
    else ++emptyClasses_;
  }
  classes_ = static_cast<std::int64_t>(counts.size());
  if (sizes.empty()) {
    min_ = max_ = 0;
    median_ = 0;
    setEmptyText(counts.empty() ? tr("The data source reported no class sizes") : tr("Every class is empty"));
    refresh();
    return;
  }
  setEmptyText(QString());
  std::sort(sizes.begin(), sizes.end());
  min_ = sizes.front();
  max_ = sizes.back();
  const std::size_t n = sizes.size();
  median_ = n % 2 ? static_cast<double>(sizes[n / 2]) : 0.5 * static_cast<double>(sizes[n / 2 - 1] + sizes[n / 2]);

  // Log-spaced edges from the smallest size to one past the largest, rounded to whole images; duplicate edges (the
  // small sizes, where a log step is less than one image) merge, so every bin holds at least one whole size.
  const double lo = static_cast<double>(min_), hi = static_cast<double>(max_ + 1);
  for (int k = 0; k <= kTargetBins; ++k) {
    const auto edge = static_cast<std::int64_t>(std::llround(lo * std::pow(hi / lo, static_cast<double>(k) / kTargetBins)));
    if (edges_.empty() || edge > edges_.back()) edges_.push_back(edge);
  }
  if (edges_.back() != max_ + 1) edges_.push_back(max_ + 1);
  bins_.assign(edges_.size() - 1, 0);
  std::size_t bin = 0;
  for (std::int64_t size : sizes) {  // sorted: walk the bins once
    while (size >= edges_[bin + 1]) ++bin;
    ++bins_[bin];
  }
  refresh();
}

void ClassSizePlot::clear() {
  hasData_ = false;
  lastCounts_.clear();
  edges_.clear();
  bins_.clear();
  classes_ = emptyClasses_ = min_ = max_ = 0;
  median_ = 0;
  setEmptyText(tr("Waiting for the first snapshot of the run"));
  refresh();
}

QString ClassSizePlot::summary() const {
  if (bins_.empty()) return {};
  QString text = tr("%1 classes · %2 to %3 images per class · median %4 · imbalance max/min = %5×")
                     .arg(classes_)
                     .arg(min_)
                     .arg(max_)
                     .arg(median_, 0, 'g', 6)
                     .arg(imbalance(), 0, 'g', 4);
  if (emptyClasses_ > 0) text += tr(" · %1 empty classes not shown").arg(emptyClasses_);
  return text;
}

double ClassSizePlot::density(std::size_t bin) const {
  return static_cast<double>(bins_[bin]) /
         std::log10(static_cast<double>(edges_[bin + 1]) / static_cast<double>(edges_[bin]));
}

DataTable ClassSizePlot::shownData() const {
  DataTable table{{QStringLiteral("images_lo"), QStringLiteral("images_hi"), QStringLiteral("classes"),
                   QStringLiteral("classes per decade")},
                  {}};
  for (std::size_t i = 0; i < bins_.size(); ++i)
    table.rows.push_back({static_cast<qint64>(edges_[i]), static_cast<qint64>(edges_[i + 1] - 1),
                          static_cast<qint64>(bins_[i]), density(i)});
  return table;
}

void ClassSizePlot::redraw() {
  const QPalette pal = palette();
  summary_->setText(summary());
  summary_->setTextColor(pal.color(QPalette::Text));
  summary_->setVisible(!bins_.empty());

  // A filled step outline: up from zero at the first edge, one step per bin, down to zero after the last edge.
  QVector<double> keys, values;
  double peak = 0;
  if (!bins_.empty()) {
    keys << edges_.front() * (1.0 - 1e-9);
    values << 0;
    for (std::size_t i = 0; i < bins_.size(); ++i) {
      keys << static_cast<double>(edges_[i]);
      values << density(i);
      peak = std::max(peak, density(i));
    }
    keys << static_cast<double>(edges_.back()) << edges_.back() * (1.0 + 1e-9);
    values << density(bins_.size() - 1) << 0;
  }
  const QColor color = seriesColor(0);
  graph_->setPen(QPen(color, 1.6));
  graph_->setBrush(faded(color, 110));
  graph_->setData(keys, values, true);
  if (!bins_.empty()) fitAxes({edges_.front() / 1.25, edges_.back() * 1.25}, {0, peak * 1.1});
}

}  // namespace marginlab::widgets
