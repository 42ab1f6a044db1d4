#include "widgets/angle_distribution_plot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

namespace {

constexpr double kDegreesPerRadian = 180.0 / 3.14159265358979323846;
// Below this width the legend's two columns ("hard · high quality (n = 1234)" each) would be cut.
constexpr int kTwoLegendColumnsWidth = 640;

// Silverman's rule of thumb, h = 0.9·min(σ, IQR/1.34)·n^(−1/5), at least half a degree (and 2° for a lone sample).
double silverman(std::vector<double> values) {
  const std::size_t n = values.size();
  if (n < 2) return 2.0;
  std::sort(values.begin(), values.end());
  double mean = 0, var = 0;
  for (double v : values) mean += v;
  mean /= n;
  for (double v : values) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / (n - 1));
  const double iqr = values[(3 * n) / 4] - values[n / 4];
  double spread = iqr > 0 ? std::min(sd, iqr / 1.34) : sd;
  if (!(spread > 0)) spread = 1.0;
  return std::max(0.5, 0.9 * spread * std::pow(static_cast<double>(n), -0.2));
}

double percentile(std::vector<float> values, double percent) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double position = std::clamp(percent / 100.0, 0.0, 1.0) * (values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - below) * (values[above] - values[below]);
}

}  // namespace

AngleDistributionPlot::AngleDistributionPlot(QWidget* parent)
    : PlotWidget(tr("Angle to the own class centre by difficulty and quality"), parent) {
  // Controls: one row for the difficulty split, one for the quality split and what it is based on.
  auto* controls = new QWidget(this);
  auto* rows = new QVBoxLayout(controls);
  rows->setContentsMargins(4, 2, 4, 0);
  rows->setSpacing(2);
  auto* difficultyRow = new QHBoxLayout;
  difficultyRow->addWidget(new QLabel(tr("Hard:"), controls));
  difficultyBox_ = new QComboBox(controls);
  difficultyBox_->setObjectName(QStringLiteral("difficulty_mode"));
  difficultyBox_->addItem(tr("misclassified by the cosine classifier"));
  difficultyBox_->addItem(tr("θ above"));
  difficultyRow->addWidget(difficultyBox_);
  thetaSpin_ = new QDoubleSpinBox(controls);
  thetaSpin_->setObjectName(QStringLiteral("theta_threshold"));
  thetaSpin_->setRange(0.0, 180.0);
  thetaSpin_->setDecimals(1);
  thetaSpin_->setSingleStep(1.0);
  thetaSpin_->setSuffix(QStringLiteral("°"));
  thetaSpin_->setValue(thetaThreshold_);
  thetaSpin_->setEnabled(false);
  difficultyRow->addWidget(thetaSpin_);
  difficultyRow->addStretch(1);
  rows->addLayout(difficultyRow);

  auto* qualityRow = new QHBoxLayout;
  qualityRow->addWidget(new QLabel(tr("Low quality:"), controls));
  qualitySpin_ = new QDoubleSpinBox(controls);
  qualitySpin_->setObjectName(QStringLiteral("quality_threshold"));
  qualitySpin_->setRange(0.0, 1.0);
  qualitySpin_->setDecimals(2);
  qualitySpin_->setSingleStep(0.05);
  qualitySpin_->setPrefix(tr("q < "));
  qualitySpin_->setValue(qualityThreshold_);
  qualityRow->addWidget(qualitySpin_);
  percentileSpin_ = new QSpinBox(controls);
  percentileSpin_->setObjectName(QStringLiteral("norm_percentile"));
  percentileSpin_->setRange(1, 99);
  percentileSpin_->setPrefix(tr("‖z‖ below percentile "));
  percentileSpin_->setValue(static_cast<int>(normPercentile_));
  percentileSpin_->setVisible(false);
  qualityRow->addWidget(percentileSpin_);
  qualityLabel_ = new QLabel(controls);
  qualityLabel_->setObjectName(QStringLiteral("quality_source"));
  qualityLabel_->setWordWrap(true);  // a long explanation wraps rather than widening the window past a laptop screen
  qualityRow->addWidget(qualityLabel_, 1);
  rows->addLayout(qualityRow);
  layout()->insertWidget(0, controls);

  connect(difficultyBox_, &QComboBox::currentIndexChanged, this,
          [this](int index) { setDifficulty(index == 1 ? Difficulty::theta_above : Difficulty::misclassified); });
  connect(thetaSpin_, &QDoubleSpinBox::valueChanged, this, &AngleDistributionPlot::setThetaThreshold);
  connect(qualitySpin_, &QDoubleSpinBox::valueChanged, this, &AngleDistributionPlot::setQualityThreshold);
  connect(percentileSpin_, &QSpinBox::valueChanged, this, [this](int p) { setNormPercentile(p); });

  QCustomPlot* p = plot();
  p->xAxis->setLabel(tr("θ to own class centre (degrees)"));
  p->yAxis->setLabel(tr("density per degree (area 1 per group)"));
  p->xAxis->setRange(0, 180);
  p->yAxis->setRange(0, 0.05);
  for (int g = 0; g < 4; ++g) {
    graphs_[g] = p->addGraph();
    graphs_[g]->setLineStyle(QCPGraph::lsLine);
    graphs_[g]->setSelectable(QCP::stNone);
  }
  // The legend goes below the plot in two columns, where it never covers a distribution.
  placeLegendBelow(p);
  p->legend->setWrap(2);
  p->legend->setFillOrder(QCPLegend::foColumnsFirst, /*rearrange=*/true);  // rows: easy, hard; columns: low, high
  p->legend->setVisible(true);
  applyPlotStyle(p, palette());
  regroup();
}

QString AngleDistributionPlot::groupName(int group) {
  switch (group) {
    case easy_low: return tr("easy · low quality");
    case easy_high: return tr("easy · high quality");
    case hard_low: return tr("hard · low quality");
    case hard_high: return tr("hard · high quality");
  }
  return {};
}

void AngleDistributionPlot::setSnapshot(const train::Snapshot& snapshot) {
  hasSnapshot_ = true;
  thetaDeg_.clear();
  misclassified_.clear();
  quality_.clear();
  norm_.clear();
  const auto& s = snapshot.samples;
  const std::size_t n = s.theta.size();
  int known = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < s.labelled.size() && !s.labelled[i]) continue;
    if (!std::isfinite(s.theta[i])) continue;
    thetaDeg_.push_back(s.theta[i] * kDegreesPerRadian);
    misclassified_.push_back(i < s.hard.size() ? s.hard[i] : 0);
    const float q = i < snapshot.quality.size() ? snapshot.quality[i] : NAN;
    known += std::isfinite(q);
    quality_.push_back(q);
    norm_.push_back(i < s.norm.size() ? s.norm[i] : NAN);
  }
  qualityKnown_ = known > 0;
  regroup();
  refresh();
}

void AngleDistributionPlot::clear() {
  hasSnapshot_ = false;
  thetaDeg_.clear();
  misclassified_.clear();
  quality_.clear();
  norm_.clear();
  qualityKnown_ = false;
  regroup();
  refresh();
}

void AngleDistributionPlot::setDifficulty(Difficulty difficulty) {
  difficulty_ = difficulty;
  {
    const QSignalBlocker block(difficultyBox_);
    difficultyBox_->setCurrentIndex(difficulty == Difficulty::theta_above ? 1 : 0);
  }
  thetaSpin_->setEnabled(difficulty == Difficulty::theta_above);
  regroup();
  refresh();
}

void AngleDistributionPlot::setThetaThreshold(double degrees) {
  thetaThreshold_ = std::clamp(degrees, 0.0, 180.0);
  const QSignalBlocker block(thetaSpin_);
  thetaSpin_->setValue(thetaThreshold_);
  regroup();
  refresh();
}

void AngleDistributionPlot::setQualityThreshold(double q) {
  qualityThreshold_ = std::clamp(q, 0.0, 1.0);
  const QSignalBlocker block(qualitySpin_);
  qualitySpin_->setValue(qualityThreshold_);
  regroup();
  refresh();
}

void AngleDistributionPlot::setNormPercentile(double percent) {
  normPercentile_ = std::clamp(percent, 1.0, 99.0);
  const QSignalBlocker block(percentileSpin_);
  percentileSpin_->setValue(static_cast<int>(std::lround(normPercentile_)));
  regroup();
  refresh();
}

void AngleDistributionPlot::regroup() {
  counts_ = {};
  grid_.clear();
  for (auto& d : density_) d.clear();
  bandwidth_ = {};
  unknownQuality_ = 0;
  if (!hasSnapshot_) setEmptyText(tr("Waiting for the first snapshot of the run"));
  else if (thetaDeg_.empty()) setEmptyText(tr("No labelled samples in the window yet"));
  else setEmptyText(QString());

  qualitySpin_->setVisible(qualityKnown_ || !hasSnapshot_);
  percentileSpin_->setVisible(!qualityKnown_ && hasSnapshot_);
  QString source;
  if (qualityKnown_) {
    source = tr("using the data source's true quality q");
  } else if (hasSnapshot_) {
    std::vector<float> finite;
    for (float z : norm_)
      if (std::isfinite(z)) finite.push_back(z);
    normThreshold_ = percentile(std::move(finite), normPercentile_);
    source = tr("quality unknown for this source: feature norm ‖z‖ < %1 counts as low").arg(normThreshold_, 0, 'f', 2);
  }
  if (thetaDeg_.empty()) {
    qualityLabel_->setText(source);
    return;
  }

  std::array<std::vector<double>, 4> members;
  for (std::size_t i = 0; i < thetaDeg_.size(); ++i) {
    const bool hard = difficulty_ == Difficulty::misclassified ? misclassified_[i] != 0
                                                               : thetaDeg_[i] > thetaThreshold_;
    const float quality = qualityKnown_ ? quality_[i] : norm_[i];
    if (!std::isfinite(quality)) {
      ++unknownQuality_;
      continue;
    }
    const bool low = quality < (qualityKnown_ ? qualityThreshold_ : normThreshold_);
    members[(hard ? 2 : 0) + (low ? 0 : 1)].push_back(thetaDeg_[i]);
  }
  if (unknownQuality_ > 0) source += tr(" · %1 samples without a quality left out").arg(unknownQuality_);
  qualityLabel_->setText(source);

  double lo = 180.0, hi = 0.0;
  for (int g = 0; g < 4; ++g) {
    counts_[g] = static_cast<int>(members[g].size());
    if (members[g].empty()) continue;
    bandwidth_[g] = silverman(members[g]);
    const auto [min_it, max_it] = std::minmax_element(members[g].begin(), members[g].end());
    lo = std::min(lo, *min_it - 3.0 * bandwidth_[g]);
    hi = std::max(hi, *max_it + 3.0 * bandwidth_[g]);
  }
  if (!(hi > lo)) return;
  lo = std::max(0.0, std::floor(lo / kGridStep) * kGridStep);
  hi = std::min(180.0, std::ceil(hi / kGridStep) * kGridStep);
  for (double x = lo; x <= hi + 1e-9; x += kGridStep) grid_.push_back(x);
  constexpr double kInvSqrt2Pi = 0.3989422804014327;
  for (int g = 0; g < 4; ++g) {
    if (members[g].empty()) continue;
    const double h = bandwidth_[g];
    const double scale = kInvSqrt2Pi / (h * static_cast<double>(members[g].size()));
    auto& d = density_[g];
    d.assign(grid_.size(), 0.0);
    for (double t : members[g]) {
      // Only grid points within 5 h of the sample contribute anything visible.
      const auto first = static_cast<std::size_t>(std::max(0.0, std::ceil((t - 5 * h - lo) / kGridStep)));
      const auto last = std::min(grid_.size() - 1, static_cast<std::size_t>(std::max(0.0, (t + 5 * h - lo) / kGridStep)));
      for (std::size_t k = first; k <= last; ++k) {
        const double u = (grid_[k] - t) / h;
        d[k] += scale * std::exp(-0.5 * u * u);
      }
    }
  }
}

DataTable AngleDistributionPlot::shownData() const {
  DataTable table{{QStringLiteral("series"), QStringLiteral("theta (degrees)"), QStringLiteral("density (per degree)"),
                   QStringLiteral("samples"), QStringLiteral("bandwidth (degrees)")},
                  {}};
  for (int g = 0; g < 4; ++g)
    for (std::size_t k = 0; k < density_[g].size(); ++k)
      table.rows.push_back({groupName(g), grid_[k], density_[g][k], static_cast<qint64>(counts_[g]), bandwidth_[g]});
  return table;
}

void AngleDistributionPlot::resizeEvent(QResizeEvent* event) {
  PlotWidget::resizeEvent(event);
  // Two legend columns where they fit whole, one where the plot is narrow (three columns of a laptop's window).
  QCPLegend* legend = plot()->legend;
  const int wrap = width() < kTwoLegendColumnsWidth ? 1 : 2;
  if (legend->wrap() == wrap) return;
  legend->setWrap(wrap);
  legend->setFillOrder(QCPLegend::foColumnsFirst, /*rearrange=*/true);
  plot()->replot(QCustomPlot::rpQueuedReplot);
}

void AngleDistributionPlot::redraw() {
  QCustomPlot* p = plot();
  double peak = 0;
  for (int g = 0; g < 4; ++g) {
    const bool hard = g >= 2, high = g % 2 == 1;
    // Hue says easy or hard; the line says quality: solid for high, dashed for low.
    QPen pen(hard ? role::hard() : role::easy(), high ? 2.2 : 2.0, high ? Qt::SolidLine : Qt::DashLine);
    graphs_[g]->setPen(pen);
    graphs_[g]->setName(tr("%1 (n = %2)").arg(groupName(g)).arg(counts_[g]));
    const auto& d = density_[g];
    QVector<double> keys, values;
    if (!d.empty()) {
      keys = QVector<double>(grid_.begin(), grid_.end());
      values = QVector<double>(d.begin(), d.end());
      peak = std::max(peak, *std::max_element(d.begin(), d.end()));
    }
    graphs_[g]->setData(keys, values, true);
  }
  p->legend->setVisible(!thetaDeg_.empty());
  if (!grid_.empty()) fitAxes({grid_.front(), grid_.back()}, {0, peak > 0 ? peak * 1.08 : 0.05});
  else fitAxes({0, 180}, {0, 0.05});
}

}  // namespace marginlab::widgets
