#include "widgets/kappa_histogram_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {

KappaHistogramPlot::KappaHistogramPlot(QWidget* parent) : PlotWidget(tr("Distribution of per-class κ"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("estimated concentration κ (vMF)"));
  p->yAxis->setLabel(tr("classes per bin"));
  p->yAxis->setRange(0, 1);
  bars_ = new QCPBars(p->xAxis, p->yAxis);
  bars_->setSelectable(QCP::stNone);
  bars_->setWidthType(QCPBars::wtPlotCoords);

  medianLine_ = new QCPItemStraightLine(p);
  medianLine_->point1->setCoords(0, 0);
  medianLine_->point2->setCoords(0, 1);
  medianLabel_ = new QCPItemText(p);
  medianLabel_->position->setTypeX(QCPItemPosition::ptPlotCoords);
  medianLabel_->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
  medianLabel_->setPadding(QMargins(6, 2, 6, 2));

  setEmptyText(kappaUnavailableText({}));
}

void KappaHistogramPlot::setSnapshot(const train::Snapshot& snapshot) {
  kappa_.clear();
  omitted_ = 0;
  QString empty = kappaUnavailableText(snapshot);
  if (empty.isEmpty()) {
    const auto& k = snapshot.kappa;
    const std::vector<std::int64_t>& counts = k.count.empty() ? snapshot.class_count : k.count;
    kappa_.reserve(k.kappa.size());
    for (std::size_t c = 0; c < k.kappa.size(); ++c) {
      // One image gives r = 1 and a meaningless κ: left out, as the head leaves it out of its standardisation.
      if ((c < counts.size() && counts[c] < 2) || !std::isfinite(k.kappa[c])) {
        ++omitted_;
        continue;
      }
      kappa_.push_back(k.kappa[c]);
    }
    if (kappa_.empty()) empty = tr("No class has the two images κ needs");
  }
  setEmptyText(empty);
  bin();
  refresh();
}

void KappaHistogramPlot::clear() {
  kappa_.clear();
  omitted_ = 0;
  setEmptyText(kappaUnavailableText({}));
  bin();
  refresh();
}

void KappaHistogramPlot::bin() {
  counts_.clear();
  median_ = 0;
  if (kappa_.empty()) return;
  std::sort(kappa_.begin(), kappa_.end());
  const std::size_t n = kappa_.size();
  median_ = n % 2 ? kappa_[n / 2] : 0.5 * (kappa_[n / 2 - 1] + kappa_[n / 2]);
  double lo = kappa_.front(), hi = kappa_.back();
  if (!(hi > lo)) {  // all equal: one bin around the value
    const double half = std::max(0.5, std::abs(lo) * 0.01);
    lo -= half;
    hi += half;
  }
  lo_ = lo;
  width_ = (hi - lo) / kBins;
  counts_.assign(kBins, 0);
  for (double k : kappa_) ++counts_[histogramBin(k, lo_, width_, kBins)];
}

DataTable KappaHistogramPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("kappa_lo"), QStringLiteral("kappa_hi"),
                   QStringLiteral("classes")},
                  {}};
  for (int i = 0; i < static_cast<int>(counts_.size()); ++i)
    table.rows.push_back({QStringLiteral("histogram"), lo_ + i * width_, lo_ + (i + 1) * width_,
                          static_cast<qint64>(counts_[i])});
  if (!counts_.empty()) table.rows.push_back({QStringLiteral("median"), median_, median_, QVariant()});
  return table;
}

void KappaHistogramPlot::redraw() {
  QCustomPlot* p = plot();
  const QPalette pal = palette();
  const QColor text = pal.color(QPalette::Text);

  QVector<double> keys, values;
  int peak = 0;
  for (int i = 0; i < static_cast<int>(counts_.size()); ++i) {
    keys << lo_ + (i + 0.5) * width_;
    values << counts_[i];
    peak = std::max(peak, counts_[i]);
  }
  const QColor color = seriesColor(0);
  bars_->setPen(QPen(pal.color(QPalette::Base), 1));  // a thin gap between bars in either palette
  bars_->setBrush(faded(color, 215));
  bars_->setWidth(width_);
  bars_->setData(keys, values, true);

  const bool has = !counts_.empty();
  medianLine_->setVisible(has);
  medianLabel_->setVisible(has);
  if (has) {
    medianLine_->setPen(QPen(text, 1.5, Qt::DashLine));
    medianLine_->point1->setCoords(median_, 0);
    medianLine_->point2->setCoords(median_, 1);
    medianLabel_->setText(tr("median κ = %1").arg(median_, 0, 'f', 1));
    medianLabel_->setColor(text);
    medianLabel_->setBrush(QBrush(faded(pal.color(QPalette::Base), 220)));
  }
  if (has) fitAxes({lo_ - width_, lo_ + (kBins + 1) * width_}, {0, peak * 1.12 + 0.5});
  if (has) {
    // The label sits at the top beside the line, on the side with more room.
    const QCPRange x = p->xAxis->range();
    const bool rightHalf = median_ > x.center();
    medianLabel_->setPositionAlignment((rightHalf ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    medianLabel_->position->setCoords(median_, 0.02);
  }
  // How many classes the bars hold goes into the axis label, where it can never cover a bar.
  QString label = tr("estimated concentration κ (vMF)");
  if (has) label += tr("  ·  %1 classes").arg(kappa_.size());
  if (omitted_ > 0) label += tr(", %1 with fewer than 2 images not shown").arg(omitted_);
  p->xAxis->setLabel(label);
}

}  // namespace marginlab::widgets
