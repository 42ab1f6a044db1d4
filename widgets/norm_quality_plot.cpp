#include "widgets/norm_quality_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

NormQualityPlot::NormQualityPlot(QWidget* parent) : PlotWidget(tr("Feature norm vs true quality"), parent) {
  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("true image quality q"));
  p->yAxis->setLabel(tr("feature norm ‖z‖"));
  easyGraph_ = addScatterGraph(p, role::easy());
  hardGraph_ = addScatterGraph(p, role::hard());
  trendGraph_ = p->addGraph();
  trendGraph_->setName(tr("median norm per quality bin"));
  p->legend->setVisible(true);
  p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);

  summary_ = new QCPItemText(p);
  summary_->position->setType(QCPItemPosition::ptAxisRectRatio);
  summary_->position->setCoords(0.98, 0.03);
  summary_->setPositionAlignment(Qt::AlignTop | Qt::AlignRight);
  summary_->setPadding(QMargins(4, 2, 4, 2));
  applyPlotStyle(p, palette());
}

void NormQualityPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  easy_.clear();
  hard_.clear();
  qualityCount_ = 0;
  const auto& d = snapshot.samples;
  const std::size_t rows = std::min({d.norm.size(), snapshot.quality.size(), d.labelled.size(), d.hard.size()});
  const std::size_t first = rows > kMaxSamples ? rows - kMaxSamples : 0;
  for (std::size_t i = first; i < rows; ++i) {
    const float q = snapshot.quality[i], norm = d.norm[i];
    if (!std::isfinite(q) || !std::isfinite(norm)) continue;
    ++qualityCount_;
    if (!d.labelled[i]) continue;
    (d.hard[i] ? hard_ : easy_).push_back({q, norm});
  }
  spearman_ = snapshot.norm_quality_spearman;
  refresh();
}

QString NormQualityPlot::emptyReason() const {
  if (!hasSnapshot_) return tr("No samples yet: waiting for the first report");
  if (qualityCount_ == 0) return tr("True quality is known only for SynthFace data");
  if (easy_.empty() && hard_.empty()) return tr("No labelled samples with a known quality in this report");
  return {};
}

QString NormQualityPlot::summaryText() const {
  if (!emptyReason().isEmpty()) return {};
  const QString rho = std::isfinite(spearman_) ? tr("Spearman ρ = %1").arg(spearman_, 0, 'f', 2)
                                               : tr("Spearman ρ: not available");
  return tr("%1, %n samples", nullptr, static_cast<int>(qualityCount_)).arg(rho);
}

std::vector<NormQualityPlot::Point> NormQualityPlot::trend() const {
  std::vector<std::vector<float>> bins(kTrendBins);
  for (const auto* set : {&easy_, &hard_}) {
    for (const Point& pt : *set) {
      const int bin = std::clamp(static_cast<int>(pt.quality * kTrendBins), 0, kTrendBins - 1);
      bins[bin].push_back(pt.norm);
    }
  }
  std::vector<Point> out;
  for (int b = 0; b < kTrendBins; ++b) {
    auto& v = bins[b];
    if (static_cast<int>(v.size()) < kTrendMinSamples) continue;
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    float median = *mid;
    if (v.size() % 2 == 0) median = 0.5f * (median + *std::max_element(v.begin(), mid));
    out.push_back({(b + 0.5) / kTrendBins, median});
  }
  return out;
}

void NormQualityPlot::redraw() {
  QCustomPlot* p = plot();
  const QString empty = emptyReason();
  const QColor text = palette().color(QPalette::Text);
  setEmptyText(empty);
  // The trend in the text colour: it stands out from the green and orange dots in light and dark palettes.
  trendGraph_->setPen(QPen(text, 2.5));
  trendGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, text, palette().color(QPalette::Base), 7));
  summary_->setColor(text);
  summary_->setBrush(QBrush(faded(palette().color(QPalette::Base), 220)));
  summary_->setText(summaryText());
  summary_->setVisible(empty.isEmpty());

  double yLo = std::numeric_limits<double>::infinity(), yHi = -yLo;
  auto fill = [&](QCPGraph* graph, const std::vector<Point>& points) {
    QVector<double> x, y;
    x.reserve(static_cast<int>(points.size()));
    y.reserve(static_cast<int>(points.size()));
    for (const Point& pt : points) {
      x << pt.quality;
      y << pt.norm;
      yLo = std::min(yLo, pt.norm);
      yHi = std::max(yHi, pt.norm);
    }
    graph->setData(x, y);
  };
  fill(easyGraph_, empty.isEmpty() ? easy_ : std::vector<Point>{});
  fill(hardGraph_, empty.isEmpty() ? hard_ : std::vector<Point>{});
  fill(trendGraph_, empty.isEmpty() ? trend() : std::vector<Point>{});
  easyGraph_->setName(tr("easy (%1)").arg(easy_.size()));
  hardGraph_->setName(tr("hard (%1)").arg(hard_.size()));
  p->legend->setVisible(empty.isEmpty());
  const QCPRange quality(-0.02, 1.02);  // quality lives in [0, 1]
  if (!std::isfinite(yLo)) {
    fitAxes(quality, {0, 1});
    return;
  }
  // The top quarter stays free for the legend (top left) and the ρ label (top right).
  const double span = std::max(yHi - yLo, 1e-3);
  fitAxes(quality, {yLo - 0.05 * span, yHi + 0.4 * span});
}

DataTable NormQualityPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("quality"), QStringLiteral("norm")}, {}};
  if (!emptyReason().isEmpty()) return table;
  auto add = [&](const QString& series, const std::vector<Point>& points) {
    for (const Point& pt : points)
      table.rows.push_back({series, pt.quality, pt.norm});
  };
  add(tr("easy"), easy_);
  add(tr("hard"), hard_);
  add(tr("median norm per quality bin"), trend());
  return table;
}

}  // namespace marginlab::widgets
