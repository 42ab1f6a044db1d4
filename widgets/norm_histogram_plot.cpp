#include "widgets/norm_histogram_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {
namespace {

// Bounds on what is copied from a snapshot: the engine sends ~2048 samples and a few dozen bins; anything beyond
// these is cut (the newest samples kept) or merged (adjacent bins summed).
constexpr std::size_t kMaxSamples = 65536;
constexpr std::size_t kMaxBins = 512;
constexpr double kHeadroom = 1.4;  // y range above the tallest bar: room for the legend in the top-right corner
constexpr double kLineTop = 1.05;  // the EMA lines end a little above the tallest bar, below the legend

}  // namespace

NormHistogramPlot::NormHistogramPlot(QWidget* parent)
    : PlotWidget(tr("Feature norm histogram"), parent),
      split_(new QCheckBox(tr("split by true quality"), this)),
      threshold_(new QDoubleSpinBox(this)) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  controls->addWidget(split_);
  auto* thresholdLabel = new QLabel(tr("low quality: q <"), this);
  controls->addWidget(thresholdLabel);
  threshold_->setRange(0.05, 0.95);
  threshold_->setSingleStep(0.05);
  threshold_->setDecimals(2);
  threshold_->setValue(0.5);
  threshold_->setToolTip(tr("True-quality threshold between the low- and high-quality histograms"));
  controls->addWidget(threshold_);
  controls->addStretch(1);
  layout()->insertLayout(0, controls);
  connect(split_, &QCheckBox::toggled, this, [this] {
    updateControls();
    refresh();
  });
  connect(threshold_, &QDoubleSpinBox::valueChanged, this, [this] { refresh(); });

  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("feature norm ‖z‖"));
  p->yAxis->setLabel(tr("samples per bin"));
  bars_ = {addHistogramBars(p, seriesColor(0)), addHistogramBars(p, role::lowQuality()),
           addHistogramBars(p, role::highQuality()), addHistogramBars(p, role::marker())};
  bars_[0]->setName(tr("all samples"));
  bars_[1]->setName(tr("low quality"));
  bars_[2]->setName(tr("high quality"));
  bars_[3]->setName(tr("quality unknown"));
  bars_[2]->moveAbove(bars_[1]);
  bars_[3]->moveAbove(bars_[2]);
  meanLine_ = addLineGraph(p, seriesColor(1), 2);
  lowerLine_ = addLineGraph(p, seriesColor(1), 2, Qt::DashLine);
  upperLine_ = addLineGraph(p, seriesColor(1), 2, Qt::DashLine);
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  applyPlotStyle(p, palette());
  updateControls();
}

void NormHistogramPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  lo_ = snapshot.norm_histogram_lo;
  hi_ = snapshot.norm_histogram_hi;
  counts_.clear();
  const std::size_t n = snapshot.norm_histogram.size();
  const std::size_t merge = (n + kMaxBins - 1) / kMaxBins;
  if (n > 0 && std::isfinite(lo_) && std::isfinite(hi_) && hi_ > lo_) {
    counts_.assign((n + merge - 1) / merge, 0.0);
    for (std::size_t i = 0; i < n; ++i) counts_[i / merge] += static_cast<double>(snapshot.norm_histogram[i]);
    hi_ = lo_ + (hi_ - lo_) * static_cast<double>(counts_.size() * merge) / static_cast<double>(n);
  }

  norm_.clear();
  quality_.clear();
  const auto& norms = snapshot.samples.norm;
  const std::size_t rows = std::min(norms.size(), snapshot.quality.size());
  const bool anyQuality =
      std::any_of(snapshot.quality.begin(), snapshot.quality.begin() + rows, [](float q) { return std::isfinite(q); });
  if (anyQuality) {
    const std::size_t first = rows > kMaxSamples ? rows - kMaxSamples : 0;
    for (std::size_t i = first; i < rows; ++i) {
      if (!std::isfinite(norms[i])) continue;
      norm_.push_back(norms[i]);
      quality_.push_back(snapshot.quality[i]);
    }
  }
  snapshotMean_ = snapshotStd_ = std::numeric_limits<double>::quiet_NaN();
  if (!snapshot.norm_history.empty()) {
    snapshotMean_ = snapshot.norm_history.back().ema_mean;
    snapshotStd_ = snapshot.norm_history.back().ema_std;
  }
  updateControls();
  refresh();
}

void NormHistogramPlot::setNormStatistics(double mean, double std) {
  explicitMean_ = mean;
  explicitStd_ = std;
  refresh();
}

void NormHistogramPlot::setSplitByQuality(bool split) { split_->setChecked(split); }
bool NormHistogramPlot::splitByQuality() const { return split_->isChecked(); }
void NormHistogramPlot::setQualityThreshold(double threshold) { threshold_->setValue(threshold); }
double NormHistogramPlot::qualityThreshold() const { return threshold_->value(); }

void NormHistogramPlot::updateControls() {
  const bool known = qualityKnown();
  split_->setEnabled(known);
  split_->setToolTip(known ? tr("Stack the histograms of low- and high-quality samples")
                           : tr("True quality is known only for SynthFace data"));
  threshold_->setEnabled(known && split_->isChecked());
}

NormHistogramPlot::Model NormHistogramPlot::model() const {
  Model m;
  if (!hasSnapshot_) {
    m.empty = tr("No feature norms yet: waiting for the first report");
    return m;
  }
  if (counts_.empty()) {
    m.empty = tr("No feature norms in this report");
    return m;
  }
  m.lo = lo_;
  m.bins = static_cast<int>(counts_.size());
  m.width = (hi_ - lo_) / m.bins;
  if (split_->isChecked() && qualityKnown()) {
    const double t = threshold_->value();
    Series low{tr("low quality, q < %1").arg(t, 0, 'f', 2), std::vector<double>(m.bins, 0.0)};
    Series high{tr("high quality, q ≥ %1").arg(t, 0, 'f', 2), std::vector<double>(m.bins, 0.0)};
    Series unknown{tr("quality unknown"), std::vector<double>(m.bins, 0.0)};
    for (std::size_t i = 0; i < norm_.size(); ++i) {
      const int bin = histogramBin(norm_[i], m.lo, m.width, m.bins);
      const float q = quality_[i];
      (!std::isfinite(q) ? unknown : q < t ? low : high).counts[bin] += 1;
    }
    m.stacked = {low, high, unknown};
  } else {
    m.stacked = {{tr("all samples"), counts_}};
  }
  m.mean = std::isfinite(explicitMean_) ? explicitMean_ : snapshotMean_;
  m.std = std::isfinite(explicitMean_) ? explicitStd_ : snapshotStd_;
  m.lines = std::isfinite(m.mean);
  if (!(std::isfinite(m.std) && m.std >= 0)) m.std = std::numeric_limits<double>::quiet_NaN();
  return m;
}

void NormHistogramPlot::redraw() {
  const Model m = model();
  QCustomPlot* p = plot();
  setEmptyText(m.empty);
  for (QCPBars* bars : bars_) {
    bars->data()->clear();
    bars->setVisible(false);
    bars->removeFromLegend();
  }
  for (QCPGraph* line : {meanLine_, lowerLine_, upperLine_}) {
    line->data()->clear();
    line->setVisible(false);
    line->removeFromLegend();
  }
  if (!m.empty.isEmpty()) {
    p->legend->setVisible(false);
    fitAxes({0, 1}, {0, 1});
    return;
  }

  // Series index → bars: "all" uses the first bars, the split uses low/high/unknown.
  std::vector<QCPBars*> targets = m.stacked.size() == 1 ? std::vector<QCPBars*>{bars_[0]}
                                                        : std::vector<QCPBars*>{bars_[1], bars_[2], bars_[3]};
  std::vector<double> stackTop(m.bins, 0.0);
  for (std::size_t s = 0; s < m.stacked.size(); ++s) {
    const Series& series = m.stacked[s];
    double total = 0;
    QVector<double> keys, values;
    for (int b = 0; b < m.bins; ++b) {
      keys << m.lo + (b + 0.5) * m.width;
      values << series.counts[b];
      total += series.counts[b];
      stackTop[b] += series.counts[b];
    }
    if (m.stacked.size() > 1 && total == 0 && s == 2) continue;  // no unknown-quality samples: no empty series
    QCPBars* bars = targets[s];
    bars->setWidth(m.width);
    bars->setData(keys, values, /*alreadySorted=*/true);
    bars->setName(QStringLiteral("%1 (%2)").arg(series.name).arg(static_cast<qint64>(total)));
    bars->setVisible(true);
    bars->addToLegend();
  }
  const double tallest = *std::max_element(stackTop.begin(), stackTop.end());
  const double top = std::max(1.0, tallest) * kHeadroom;
  const double lineTop = std::max(1.0, tallest) * kLineTop;

  double xLo = m.lo, xHi = m.lo + m.bins * m.width;
  if (m.lines) {
    auto vertical = [&](QCPGraph* line, double x, const QString& name) {
      line->setData(QVector<double>{x, x}, QVector<double>{0, lineTop}, true);
      line->setVisible(true);
      if (!name.isEmpty()) {
        line->setName(name);
        line->addToLegend();
      }
      xLo = std::min(xLo, x);
      xHi = std::max(xHi, x);
    };
    vertical(meanLine_, m.mean, tr("EMA μ = %1").arg(m.mean, 0, 'f', 2));
    if (std::isfinite(m.std)) {
      vertical(lowerLine_, m.mean - m.std, tr("EMA μ ± σ (σ = %1)").arg(m.std, 0, 'f', 2));
      vertical(upperLine_, m.mean + m.std, QString());
    }
  }
  p->legend->setVisible(true);
  const double pad = 0.03 * std::max(xHi - xLo, 1e-6);
  fitAxes({xLo - pad, xHi + pad}, {0, top});
}

DataTable NormHistogramPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("bin_lo"), QStringLiteral("bin_hi"),
                   QStringLiteral("count")},
                  {}};
  const Model m = model();
  if (!m.empty.isEmpty()) return table;
  for (std::size_t s = 0; s < m.stacked.size(); ++s) {
    const auto& counts = m.stacked[s].counts;
    if (s == 2 && std::all_of(counts.begin(), counts.end(), [](double c) { return c == 0; })) continue;
    for (int b = 0; b < m.bins; ++b) {
      table.rows.push_back(
          {m.stacked[s].name, m.lo + b * m.width, m.lo + (b + 1) * m.width, static_cast<qint64>(counts[b])});
    }
  }
  if (m.lines) {
    table.rows.push_back({QStringLiteral("EMA mean"), m.mean, m.mean, QVariant()});
    if (std::isfinite(m.std)) {
      table.rows.push_back({QStringLiteral("EMA mean - std"), m.mean - m.std, m.mean - m.std, QVariant()});
      table.rows.push_back({QStringLiteral("EMA mean + std"), m.mean + m.std, m.mean + m.std, QVariant()});
    }
  }
  return table;
}

}  // namespace marginlab::widgets
