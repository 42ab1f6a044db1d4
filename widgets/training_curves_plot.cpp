#include "widgets/training_curves_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/plot_style.h"

namespace marginlab::widgets {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double metricValue(const train::StepRecord& record, int metric) {
  switch (static_cast<TrainingCurvesPlot::Metric>(metric)) {
    case TrainingCurvesPlot::Metric::loss: return record.loss;
    case TrainingCurvesPlot::Metric::accuracy: return record.accuracy;
    case TrainingCurvesPlot::Metric::learning_rate: return record.lr;
    case TrainingCurvesPlot::Metric::samples_per_second: return record.samples_per_second;
    case TrainingCurvesPlot::Metric::norm_mean: return record.norm_mean;
    case TrainingCurvesPlot::Metric::margin_mean: return record.margin_mean;
    case TrainingCurvesPlot::Metric::grad_norm: return record.grad_norm;
  }
  return kNaN;
}

// The mean of the finite ones; NaN when neither is (a gap stays a gap, a half-missing pair keeps its value).
double meanOfFinite(double a, double b) {
  const bool fa = std::isfinite(a), fb = std::isfinite(b);
  if (fa && fb) return 0.5 * (a + b);
  if (fa) return a;
  if (fb) return b;
  return kNaN;
}

// Log-axis ticks at 1, 2, 5 × 10^k over narrow ranges (a loss from 2 to 25 gets labels at 2, 5, 10, 20), at powers
// of ten over wide ones.
class LogTicker125 : public QCPAxisTickerLog {
 protected:
  QVector<double> createTickVector(double tickStep, const QCPRange& range) override {
    if (!(range.lower > 0 && range.upper > range.lower)) return QCPAxisTickerLog::createTickVector(tickStep, range);
    const double decades = std::log10(range.upper / range.lower);
    if (decades > 3) return QCPAxisTickerLog::createTickVector(tickStep, range);
    const int first = static_cast<int>(std::floor(std::log10(range.lower)));
    const int last = static_cast<int>(std::ceil(std::log10(range.upper)));
    const double mantissasWide[] = {1, 2, 5};
    const double mantissasNarrow[] = {1, 1.5, 2, 3, 5, 7};
    QVector<double> ticks;
    for (int k = first - 1; k <= last; ++k) {
      if (decades <= 0.6) {
        for (double m : mantissasNarrow) ticks << m * std::pow(10.0, k);
      } else {
        for (double m : mantissasWide) ticks << m * std::pow(10.0, k);
      }
    }
    return ticks;
  }
  int getSubTickCount(double) override { return 0; }
};

// Drawn points of a series as they appear in the plot and in shownData(): a value is drawn when it is finite and not
// left out by the log axis.
bool drawnValue(double value, bool leftOut) { return std::isfinite(value) && !leftOut; }

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Series

void TrainingCurvesPlot::Series::append(const train::StepRecord& record) {
  // Skipped steps still take a step of their epoch, so they count for the epoch's length.
  if (!epochStart_.count(record.epoch)) {
    epochStart_[record.epoch] = record.step;
    if (const auto length = epochLength(record.epoch - 1); length > 0) typicalLength_ = length;
  }
  if (record.skipped) {
    ++skipped_;
    return;
  }
  if (pendingSteps_ == 0) pending_.first_step = record.step;
  pending_.step = record.step;
  pending_.epoch = record.epoch;
  pending_.wall_seconds = record.wall_seconds;
  for (int m = 0; m < kMetricCount; ++m) {
    const double value = metricValue(record, m);
    if (!std::isfinite(value)) continue;
    pendingSum_[m] += value;
    ++pendingCount_[m];
  }
  if (++pendingSteps_ >= stride_) flushPending();
}

void TrainingCurvesPlot::Series::flushPending() {
  Point point = pending_;
  for (int m = 0; m < kMetricCount; ++m)
    point.value[m] = pendingCount_[m] > 0 ? pendingSum_[m] / pendingCount_[m] : kNaN;
  points_.push_back(point);
  std::fill(std::begin(pendingSum_), std::end(pendingSum_), 0.0);
  std::fill(std::begin(pendingCount_), std::end(pendingCount_), 0);
  pendingSteps_ = 0;
  if (static_cast<int>(points_.size()) < kMaxPoints) return;
  // Full: merge adjacent pairs (values averaged, the later step, epoch and time kept); groups are now twice as long.
  std::vector<Point> merged;
  merged.reserve(points_.size() / 2 + 1);
  for (std::size_t i = 0; i < points_.size(); i += 2) {
    if (i + 1 == points_.size()) {
      merged.push_back(points_[i]);
      break;
    }
    Point point = points_[i + 1];
    point.first_step = points_[i].first_step;
    for (int m = 0; m < kMetricCount; ++m) point.value[m] = meanOfFinite(points_[i].value[m], points_[i + 1].value[m]);
    merged.push_back(point);
  }
  points_ = std::move(merged);
  stride_ *= 2;
}

std::vector<TrainingCurvesPlot::Point> TrainingCurvesPlot::Series::points() const {
  std::vector<Point> all;
  all.reserve(points_.size() + 1);
  all = points_;
  if (pendingSteps_ > 0) {  // the newest steps show up at once, as the mean of the group so far
    Point point = pending_;
    for (int m = 0; m < kMetricCount; ++m)
      point.value[m] = pendingCount_[m] > 0 ? pendingSum_[m] / pendingCount_[m] : kNaN;
    all.push_back(point);
  }
  return all;
}

std::int64_t TrainingCurvesPlot::Series::firstStep() const {
  if (!points_.empty()) return points_.front().first_step;
  return pendingSteps_ > 0 ? pending_.first_step : 0;
}

std::int64_t TrainingCurvesPlot::Series::lastStep() const {
  if (pendingSteps_ > 0) return pending_.step;
  return points_.empty() ? 0 : points_.back().step;
}

double TrainingCurvesPlot::Series::lastWallSeconds() const {
  if (pendingSteps_ > 0) return pending_.wall_seconds;
  return points_.empty() ? 0 : points_.back().wall_seconds;
}

// An epoch's length is known once the next one has started and the epoch was seen from its beginning (the run's
// first step, or the previous epoch seen before it; a resumed run's first epoch may have been entered midway).
std::int64_t TrainingCurvesPlot::Series::epochLength(std::int64_t epoch) const {
  const auto it = epochStart_.find(epoch);
  const auto next = epochStart_.find(epoch + 1);
  if (it == epochStart_.end() || next == epochStart_.end()) return 0;
  if (it->second != 1 && !epochStart_.count(epoch - 1)) return 0;
  return next->second - it->second;
}

std::int64_t TrainingCurvesPlot::Series::epochOf(std::int64_t step) const {
  std::int64_t epoch = -1;
  for (const auto& [e, start] : epochStart_) {
    if (start > step) break;
    epoch = e;
  }
  return epoch;
}

// 0-based epoch + the fraction of it done after `step`: epochs completed, as the learning-rate schedule counts them.
// Without a known epoch length (the first epoch is still running) the epoch number itself.
double TrainingCurvesPlot::Series::fractionalEpoch(std::int64_t step, std::int64_t epoch) const {
  const auto it = epochStart_.find(epoch);
  if (it == epochStart_.end()) return static_cast<double>(epoch);
  const auto next = epochStart_.find(epoch + 1);
  const std::int64_t own = epochLength(epoch);
  const std::int64_t length = own > 0 ? own : typicalLength_;
  if (length <= 0) return static_cast<double>(epoch);
  const double done = next != epochStart_.end() ? static_cast<double>(length - (next->second - 1 - step))
                                                 : static_cast<double>(step - it->second + 1);
  return static_cast<double>(epoch) + std::clamp(done / static_cast<double>(length), 0.0, 1.0);
}

// ---------------------------------------------------------------------------------------------------------------
// Widget

TrainingCurvesPlot::TrainingCurvesPlot(Metric metric, QWidget* parent)
    : PlotWidget(tr("Training curve: %1").arg(metricName(metric)), parent), metric_(metric) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  metricBox_ = new QComboBox(this);
  metricBox_->setObjectName(QStringLiteral("metric"));
  for (int m = 0; m < kMetricCount; ++m) metricBox_->addItem(metricName(static_cast<Metric>(m)), m);
  metricBox_->setToolTip(tr("The quantity drawn"));
  xBox_ = new QComboBox(this);
  xBox_->setObjectName(QStringLiteral("xAxis"));
  xBox_->addItem(tr("step"), static_cast<int>(XAxis::step));
  xBox_->addItem(tr("epoch"), static_cast<int>(XAxis::epoch));
  xBox_->addItem(tr("wall time"), static_cast<int>(XAxis::wall_time));
  xBox_->setToolTip(tr("Horizontal axis"));
  logBox_ = new QCheckBox(tr("log y"), this);
  logBox_->setObjectName(QStringLiteral("logY"));
  smoothingSlider_ = new QSlider(Qt::Horizontal, this);
  smoothingSlider_->setObjectName(QStringLiteral("smoothing"));
  smoothingSlider_->setRange(0, 99);
  smoothingSlider_->setMinimumWidth(40);
  smoothingSlider_->setToolTip(tr("Smoothing: exponential moving average weight (debiased, as in TensorBoard)"));
  smoothingLabel_ = new QLabel(this);
  smoothingLabel_->setMinimumWidth(smoothingLabel_->fontMetrics().horizontalAdvance(QStringLiteral("0.00")) + 2);
  // Narrow enough for two plots side by side on a laptop screen; the open list shows the names whole.
  metricBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  metricBox_->setMinimumContentsLength(9);
  xBox_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  xBox_->setMinimumContentsLength(5);
  controls->addWidget(metricBox_);
  controls->addWidget(xBox_);
  controls->addWidget(logBox_);
  controls->addWidget(smoothingSlider_, 1);
  controls->addWidget(smoothingLabel_);
  layout()->insertLayout(0, controls);

  connect(metricBox_, &QComboBox::activated, this,
          [this](int index) { setMetric(static_cast<Metric>(metricBox_->itemData(index).toInt())); });
  connect(xBox_, &QComboBox::activated, this,
          [this](int index) { setXAxis(static_cast<XAxis>(xBox_->itemData(index).toInt())); });
  connect(logBox_, &QCheckBox::toggled, this, &TrainingCurvesPlot::setLogY);
  connect(smoothingSlider_, &QSlider::valueChanged, this, [this](int value) { setSmoothing(value / 100.0); });

  QCustomPlot* custom = plot();
  title_ = new QCPTextElement(custom, QString(), QFont(font().family(), font().pointSize(), QFont::DemiBold));
  custom->plotLayout()->insertRow(0);
  custom->plotLayout()->addElement(0, 0, title_);
  custom->legend->setVisible(false);
  QFont legendFont = font();
  legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
  custom->legend->setFont(legendFont);
  applyPlotStyle(custom, palette());
  // Marker labels are thinned where they would overlap, which needs the laid-out axis rect (also on export).
  connect(custom, &QCustomPlot::afterLayout, this, &TrainingCurvesPlot::updateMarkerLabels);
  connect(custom->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
          &TrainingCurvesPlot::updateMarkerLabels);
  updateControls();
}

TrainingCurvesPlot::~TrainingCurvesPlot() = default;

QString TrainingCurvesPlot::metricName(Metric metric) {
  switch (metric) {
    case Metric::loss: return tr("loss");
    case Metric::accuracy: return tr("accuracy");
    case Metric::learning_rate: return tr("learning rate");
    case Metric::samples_per_second: return tr("samples / s");
    case Metric::norm_mean: return tr("mean feature norm");
    case Metric::margin_mean: return tr("mean margin");
    case Metric::grad_norm: return tr("gradient norm");
  }
  return {};
}

void TrainingCurvesPlot::appendSteps(const std::vector<train::StepRecord>& steps) {
  if (steps.empty()) return;
  for (const auto& record : steps) run_.append(record);
  refresh();
}

void TrainingCurvesPlot::addEvents(const std::vector<train::RunEvent>& events) {
  bool added = false;
  for (const auto& event : events) {
    if (event.kind != train::RunEvent::Kind::param_applied) continue;
    markers_.push_back({event.step, QStringLiteral("%1 = %2").arg(QString::fromStdString(event.name))
                                        .arg(QString::number(event.value, 'g', 4))});
    if (static_cast<int>(markers_.size()) > kMaxMarkers) markers_.pop_front();
    added = true;
  }
  if (added) refresh();
}

void TrainingCurvesPlot::clear() {
  run_.clear();
  markers_.clear();
  resumeFollowingData();
  refresh();
}

void TrainingCurvesPlot::setOverlay(const QString& runName, const std::vector<train::StepRecord>& steps) {
  auto named = std::find_if(overlays_.begin(), overlays_.end(), [&](const Overlay& o) { return o.name == runName; });
  if (named == overlays_.end()) {
    overlays_.push_back({runName, Series()});
    named = overlays_.end() - 1;
  }
  named->series.clear();
  for (const auto& record : steps) named->series.append(record);
  refresh();
}

void TrainingCurvesPlot::removeOverlay(const QString& runName) {
  const auto named =
      std::find_if(overlays_.begin(), overlays_.end(), [&](const Overlay& o) { return o.name == runName; });
  if (named == overlays_.end()) return;
  overlays_.erase(named);
  refresh();
}

void TrainingCurvesPlot::clearOverlay() {
  overlays_.clear();
  refresh();
}

void TrainingCurvesPlot::setRunName(const QString& name) {
  runName_ = name;
  refresh();
}

void TrainingCurvesPlot::setMarginUnit(const QString& unit) {
  marginUnit_ = unit;
  refresh();
}

void TrainingCurvesPlot::setMetric(Metric metric) {
  if (metric == metric_) return;
  metric_ = metric;
  setTitle(tr("Training curve: %1").arg(metricName(metric)));
  resumeFollowingData();
  updateControls();
  refresh();
  Q_EMIT metricChanged(metric);
}

void TrainingCurvesPlot::setXAxis(XAxis axis) {
  if (axis == xAxis_) return;
  xAxis_ = axis;
  resumeFollowingData();
  updateControls();
  refresh();
}

void TrainingCurvesPlot::setLogY(bool on) {
  if (on == logY_) return;
  logY_ = on;
  resumeFollowingData();
  updateControls();
  refresh();
}

bool TrainingCurvesPlot::logY() const { return logY_ && logYAvailable(); }

// Accuracy has its fixed 0–1 axis, and the mean margin is signed (AdaFace's −m·ẑ can make it negative).
bool TrainingCurvesPlot::logYAvailable() const {
  return metric_ != Metric::accuracy && metric_ != Metric::margin_mean;
}

void TrainingCurvesPlot::setSmoothing(double weight) {
  weight = std::clamp(std::isfinite(weight) ? weight : 0.0, 0.0, 0.99);
  if (weight == smoothing_) return;
  smoothing_ = weight;
  updateControls();
  refresh();
}

int TrainingCurvesPlot::pointCount() const { return run_.size(); }
std::int64_t TrainingCurvesPlot::firstStep() const { return run_.firstStep(); }
std::int64_t TrainingCurvesPlot::lastStep() const { return run_.lastStep(); }

std::int64_t TrainingCurvesPlot::skippedSteps() const { return run_.skipped(); }

void TrainingCurvesPlot::updateControls() {
  const QSignalBlocker b1(metricBox_), b2(xBox_), b3(logBox_), b4(smoothingSlider_);
  metricBox_->setCurrentIndex(metricBox_->findData(static_cast<int>(metric_)));
  xBox_->setCurrentIndex(xBox_->findData(static_cast<int>(xAxis_)));
  logBox_->setEnabled(logYAvailable());
  logBox_->setChecked(logY());
  logBox_->setToolTip(logYAvailable() ? tr("Logarithmic vertical axis (values <= 0 are left out)")
                                       : tr("Not for %1: it is not a positive quantity on a ratio scale")
                                             .arg(metricName(metric_)));
  smoothingSlider_->setValue(static_cast<int>(std::lround(smoothing_ * 100)));
  smoothingLabel_->setText(QString::number(smoothing_, 'f', 2));
}

QString TrainingCurvesPlot::runLabel() const { return runName_.isEmpty() ? tr("this run") : runName_; }

QString TrainingCurvesPlot::yLabel() const {
  switch (metric_) {
    case Metric::loss: return tr("training loss");
    case Metric::accuracy: return tr("training accuracy (0–1)");
    case Metric::learning_rate: return tr("learning rate");
    case Metric::samples_per_second: return tr("throughput (samples / s)");
    case Metric::norm_mean: return tr("mean feature norm ‖z‖");
    case Metric::margin_mean:
      return marginUnit_.isEmpty() ? tr("mean applied margin") : tr("mean applied margin (%1)").arg(marginUnit_);
    case Metric::grad_norm: return tr("gradient norm (before clipping)");
  }
  return {};
}

// Wall time in the unit that keeps the numbers short: seconds up to 5 minutes, minutes up to 3 hours, then hours.
double TrainingCurvesPlot::wallScale() const {
  double longest = 0;
  longest = run_.lastWallSeconds();
  for (const Overlay& overlay : overlays_) longest = std::max(longest, overlay.series.lastWallSeconds());
  if (longest <= 300) return 1;
  if (longest <= 3 * 3600) return 60;
  return 3600;
}

QString TrainingCurvesPlot::wallUnit() const {
  const double scale = wallScale();
  return scale == 1 ? tr("s") : scale == 60 ? tr("min") : tr("h");
}

TrainingCurvesPlot::Drawn TrainingCurvesPlot::drawSeries(const Series& series, const QString& name) const {
  Drawn drawn;
  drawn.name = name;
  drawn.points = series.points();
  const std::size_t n = drawn.points.size();
  drawn.x.resize(n);
  drawn.raw.resize(n);
  drawn.smoothed.resize(n);
  drawn.raw_out.assign(n, false);
  drawn.smoothed_out.assign(n, false);
  const double scale = wallScale();
  const double w = smoothing_;
  const bool log = logY();
  double last = 0;
  double wPower = 1;  // wⁿ after n finite values
  for (std::size_t i = 0; i < n; ++i) {
    const Point& p = drawn.points[i];
    switch (xAxis_) {
      case XAxis::step: drawn.x[i] = static_cast<double>(p.step); break;
      case XAxis::epoch: drawn.x[i] = series.fractionalEpoch(p.step, p.epoch); break;
      case XAxis::wall_time: drawn.x[i] = p.wall_seconds / scale; break;
    }
    const double value = p.value[static_cast<int>(metric_)];
    drawn.raw[i] = value;
    // TensorBoard's smoothing: an EMA started at 0 and divided by (1 − wⁿ) so that early points are not pulled
    // towards 0; a missing value stays a gap and does not advance the average.
    if (std::isfinite(value)) {
      last = last * w + (1 - w) * value;
      wPower *= w;
      drawn.smoothed[i] = w > 0 ? last / (1 - wPower) : value;
    } else {
      drawn.smoothed[i] = kNaN;
    }
    if (log) {
      drawn.raw_out[i] = std::isfinite(drawn.raw[i]) && drawn.raw[i] <= 0;
      drawn.smoothed_out[i] = std::isfinite(drawn.smoothed[i]) && drawn.smoothed[i] <= 0;
      if (drawn.raw_out[i]) ++drawn.left_out;
    }
  }
  return drawn;
}

const TrainingCurvesPlot::Series& TrainingCurvesPlot::seriesAt(std::size_t index) const {
  return index == 0 ? run_ : overlays_[index - 1].series;
}

std::vector<TrainingCurvesPlot::Drawn> TrainingCurvesPlot::drawnSeries() const {
  std::vector<Drawn> all;
  all.push_back(drawSeries(run_, runLabel()));
  for (const Overlay& overlay : overlays_) all.push_back(drawSeries(overlay.series, overlay.name));
  return all;
}

// A marker's position on the current axis: its step, its fractional epoch, or the wall time interpolated between the
// drawn points around it.
double TrainingCurvesPlot::markerX(std::int64_t step, const std::vector<Point>& points) const {
  switch (xAxis_) {
    case XAxis::step: return static_cast<double>(step);
    case XAxis::epoch: {
      const std::int64_t epoch = run_.epochOf(step);
      return epoch < 0 ? kNaN : run_.fractionalEpoch(step, epoch);
    }
    case XAxis::wall_time: {
      if (points.empty()) return kNaN;
      const double scale = wallScale();
      const auto after = std::lower_bound(points.begin(), points.end(), step,
                                          [](const Point& p, std::int64_t s) { return p.step < s; });
      if (after == points.begin()) return points.front().wall_seconds / scale;
      if (after == points.end()) return points.back().wall_seconds / scale;
      const Point& a = *(after - 1);
      const Point& b = *after;
      const double t = static_cast<double>(step - a.step) / static_cast<double>(b.step - a.step);
      return (a.wall_seconds + t * (b.wall_seconds - a.wall_seconds)) / scale;
    }
  }
  return kNaN;
}

void TrainingCurvesPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearGraphs();
  custom->clearItems();  // markers and notes are made anew below; setEmptyText() remakes its item when needed
  markerLabels_.clear();
  const QColor text = palette().color(QPalette::Text);

  const auto all = drawnSeries();
  QString title = metricName(metric_);
  if (overlays_.empty()) {
    if (!runName_.isEmpty()) title += QStringLiteral(" — ") + runName_;
    if (run_.skipped() > 0) title += QStringLiteral("  ·  ") + tr("%1 skipped").arg(run_.skipped());
  } else {
    for (std::size_t s = 0; s < all.size(); ++s) {
      const std::int64_t skipped = seriesAt(s).skipped();
      if (skipped > 0) title += QStringLiteral("  ·  ") + tr("%1: %2 skipped").arg(all[s].name).arg(skipped);
    }
  }
  title_->setText(title);

  const bool log = logY();
  custom->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log) custom->yAxis->setTicker(QSharedPointer<LogTicker125>(new LogTicker125));
  else custom->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  custom->yAxis->setLabel(yLabel());
  switch (xAxis_) {
    case XAxis::step: custom->xAxis->setLabel(tr("step")); break;
    case XAxis::epoch:
      custom->xAxis->setLabel(run_.epochLengthKnown() || run_.size() == 0
                                  ? tr("epoch (epochs completed)")
                                  : tr("epoch (whole epochs until the first one ends and its length is known)"));
      break;
    case XAxis::wall_time: custom->xAxis->setLabel(tr("wall time (%1)").arg(wallUnit())); break;
  }

  bool anyPoint = false, anyValue = false;
  for (const auto& drawn : all) {
    anyPoint = anyPoint || !drawn.points.empty();
    for (double v : drawn.raw) anyValue = anyValue || std::isfinite(v);
  }
  custom->legend->setVisible(false);
  if (!anyPoint) {
    setEmptyText(run_.skipped() > 0
                     ? tr("Nothing to draw yet: %1 skipped\n(non-finite loss or gradients)").arg(run_.skipped())
                     : tr("No training steps yet"));
    fitAxes({0, 1}, log ? QCPRange(0.1, 10) : QCPRange(0, 1));
    return;
  }
  if (!anyValue) {
    setEmptyText(tr("This run does not report the %1").arg(metricName(metric_)));
    return;
  }
  setEmptyText(QString());

  double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo;
  double yLo = xLo, yHi = -xLo;
  int leftOut = 0;
  for (std::size_t s = 0; s < all.size(); ++s) {
    const Drawn& drawn = all[s];
    if (drawn.points.empty()) continue;
    const QColor colour = seriesColor(static_cast<int>(s));
    const bool dashed = s >= 1;  // the followed run solid, the others dashed
    QVector<double> x, raw, sx, smooth;
    for (std::size_t i = 0; i < drawn.points.size(); ++i) {
      // Left-out values (<= 0 on a log axis) are skipped, not gaps; NaN stays in as a gap.
      if (!drawn.raw_out[i]) {
        x.push_back(drawn.x[i]);
        raw.push_back(drawn.raw[i]);
      }
      if (!drawn.smoothed_out[i]) {
        sx.push_back(drawn.x[i]);
        smooth.push_back(drawn.smoothed[i]);
      }
      if (drawnValue(drawn.raw[i], drawn.raw_out[i]) || drawnValue(drawn.smoothed[i], drawn.smoothed_out[i])) {
        xLo = std::min(xLo, drawn.x[i]);
        xHi = std::max(xHi, drawn.x[i]);
      }
      for (double v : {drawnValue(drawn.raw[i], drawn.raw_out[i]) ? drawn.raw[i] : kNaN,
                       drawnValue(drawn.smoothed[i], drawn.smoothed_out[i]) ? drawn.smoothed[i] : kNaN}) {
        if (!std::isfinite(v)) continue;
        yLo = std::min(yLo, v);
        yHi = std::max(yHi, v);
      }
    }
    leftOut += drawn.left_out;
    // In step mode the range starts at the first step the first point stands for (it sits at its group's last).
    if (xAxis_ == XAxis::step) xLo = std::min(xLo, static_cast<double>(drawn.points.front().first_step));
    const bool smoothed = smoothing_ > 0;
    auto* rawGraph = custom->addGraph();
    rawGraph->setData(x, raw, /*alreadySorted=*/xAxis_ != XAxis::wall_time);
    QPen rawPen(smoothed ? faded(colour, 70) : colour, smoothed ? 1.0 : 1.6);
    if (dashed && !smoothed) rawPen.setStyle(Qt::DashLine);  // under a smoothed line dashes only add noise
    rawGraph->setPen(rawPen);
    rawGraph->setName(drawn.name);
    if (smoothed) {
      rawGraph->removeFromLegend();
      auto* smoothGraph = custom->addGraph();
      smoothGraph->setData(sx, smooth, /*alreadySorted=*/xAxis_ != XAxis::wall_time);
      QPen pen(colour, 1.8);
      if (dashed) pen.setStyle(Qt::DashLine);
      smoothGraph->setPen(pen);
      smoothGraph->setName(drawn.name);
    }
  }

  if (!overlays_.empty()) {
    custom->legend->setVisible(true);
    // Falling quantities leave the upper right free, rising ones the lower right.
    const bool rising = metric_ == Metric::accuracy || metric_ == Metric::norm_mean ||
                        metric_ == Metric::samples_per_second;
    custom->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignRight | (rising ? Qt::AlignBottom : Qt::AlignTop));
  }

  if (leftOut > 0) {
    auto* note = new QCPItemText(custom);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.01, 0.99);
    note->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    note->setColor(faded(text, 180));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    note->setFont(small);
    note->setText(tr("%1 left out (≤ 0 on a log axis)").arg(leftOut));
  }

  // Parameter changes: a faint vertical line at the step after which the new value applies, and its value.
  QFont labelFont = font();
  labelFont.setPointSizeF(labelFont.pointSizeF() * 0.8);
  for (const Marker& marker : markers_) {
    const double x = markerX(marker.step, all.front().points);
    if (!std::isfinite(x)) continue;
    auto* line = new QCPItemLine(custom);
    line->start->setTypeX(QCPItemPosition::ptPlotCoords);
    line->start->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->end->setTypeX(QCPItemPosition::ptPlotCoords);
    line->end->setTypeY(QCPItemPosition::ptAxisRectRatio);
    line->start->setCoords(x, 0);
    line->end->setCoords(x, 1);
    line->setPen(QPen(faded(role::marker(), 170), 1, Qt::DashDotLine));
    auto* label = new QCPItemText(custom);
    label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(x, 0.02);
    // Rotated to read upwards, ending near the top, just right of its line.
    label->setRotation(-90);
    label->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    label->setPadding(QMargins(2, 1, 2, 1));
    label->setFont(labelFont);
    label->setColor(role::marker());
    label->setBrush(faded(palette().color(QPalette::Base), 200));  // legible over the curve
    label->setText(marker.label);
    markerLabels_.push_back({x, label});
  }
  std::stable_sort(markerLabels_.begin(), markerLabels_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  if (xLo == xHi) {
    xLo -= 1;
    xHi += 1;
  }
  QCPRange y;
  if (metric_ == Metric::accuracy) {
    y = QCPRange(0, 1.02);  // the quantity's whole range, so runs and moments compare at a glance
  } else if (log) {
    if (!(yLo > 0)) yLo = yHi > 0 ? yHi / 10 : 0.1;
    if (!(yHi > 0)) yHi = 1;
    const double pad = std::pow(yHi / yLo, 0.05);
    y = QCPRange(yLo / (pad > 1 ? pad : 1.5), yHi * (pad > 1 ? pad : 1.5));
  } else {
    double pad = 0.05 * (yHi - yLo);
    if (!(pad > 0)) pad = std::max(1e-12, 0.05 * std::abs(yHi));
    y = QCPRange(yLo - pad, yHi + pad);
  }
  fitAxes({xLo, xHi + 0.01 * (xHi - xLo)}, y);
}

// Hides the labels that would overlap the one before them (the line stays): dense markers read as lines only.
void TrainingCurvesPlot::updateMarkerLabels() {
  if (markerLabels_.empty()) return;
  QCPAxis* axis = plot()->xAxis;
  const QRect rect = plot()->axisRect()->rect();
  const double gap = QFontMetricsF(markerLabels_.front().second->font()).height() + 2;
  double lastShown = -std::numeric_limits<double>::infinity();
  for (auto& [x, label] : markerLabels_) {
    const double pixel = axis->coordToPixel(x);
    const bool inside = pixel >= rect.left() && pixel + gap <= rect.right() + 1;
    const bool shown = inside && pixel - lastShown >= gap;
    label->setVisible(shown);
    if (shown) lastShown = pixel;
  }
}

DataTable TrainingCurvesPlot::shownData() const {
  DataTable table;
  if (!overlays_.empty()) table.columns << QStringLiteral("series");
  table.columns << QStringLiteral("step") << QStringLiteral("epoch") << QStringLiteral("wall_seconds")
                << QStringLiteral("raw") << QStringLiteral("smoothed");
  const auto all = drawnSeries();
  bool anyValue = false;
  for (const auto& drawn : all)
    for (double v : drawn.raw) anyValue = anyValue || std::isfinite(v);
  if (!anyValue) return table;
  for (std::size_t s = 0; s < all.size(); ++s) {
    const Drawn& drawn = all[s];
    const Series& series = seriesAt(s);
    for (std::size_t i = 0; i < drawn.points.size(); ++i) {
      const bool raw = drawnValue(drawn.raw[i], drawn.raw_out[i]);
      const bool smooth = drawnValue(drawn.smoothed[i], drawn.smoothed_out[i]);
      if (!raw && !smooth) continue;
      const Point& p = drawn.points[i];
      QVariantList row;
      if (!overlays_.empty()) row << drawn.name;
      row << QVariant::fromValue<qint64>(p.step) << series.fractionalEpoch(p.step, p.epoch) << p.wall_seconds
          << (raw ? QVariant(drawn.raw[i]) : QVariant()) << (smooth ? QVariant(drawn.smoothed[i]) : QVariant());
      table.rows.push_back(row);
    }
  }
  return table;
}

}  // namespace marginlab::widgets
