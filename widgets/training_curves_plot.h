#pragma once
// One training metric over the run (loss, accuracy, learning rate, ...): the raw per-step values drawn faint under a
// TensorBoard-style smoothed line, vertical markers where a head parameter was changed live, and optionally a second
// run's curve of the same metric, dashed, for comparison. The main window shows several side by side, one metric each.
//
// Memory is bounded: each run keeps at most kMaxPoints points. Steps are averaged in groups of `stride` consecutive
// (not skipped) steps; when the store is full, adjacent pairs are merged (values averaged, the later step kept) and the
// stride doubles, so the whole run stays visible at an even, coarser resolution (100,000 steps → stride 8, 12,500
// points). Smoothing acts on those points, as TensorBoard's does on its downsampled series.
#include <QString>

#include <cstdint>
#include <deque>
#include <map>
#include <utility>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCheckBox;
class QCPItemText;
class QCPTextElement;
class QComboBox;
class QLabel;
class QSlider;

namespace marginlab::widgets {

class TrainingCurvesPlot : public PlotWidget {
  Q_OBJECT
 public:
  enum class Metric { loss, accuracy, learning_rate, samples_per_second, norm_mean, margin_mean, grad_norm };
  enum class XAxis { step, epoch, wall_time };
  static constexpr int kMetricCount = 7;
  static constexpr int kMaxPoints = 20000;   // per run (this one and each overlay), the partial newest group included
  static constexpr int kMaxMarkers = 200;    // the newest parameter-change markers are kept

  explicit TrainingCurvesPlot(Metric metric = Metric::loss, QWidget* parent = nullptr);
  ~TrainingCurvesPlot() override;

  // New steps of this run, in step order (any batch size).
  void appendSteps(const std::vector<train::StepRecord>& steps);
  // Run events; every `param_applied` one becomes a marker ("m = 0.5") at its step. Others are ignored.
  void addEvents(const std::vector<train::RunEvent>& events);
  // Forgets this run's steps, markers and skip count (the overlay stays).
  void clear();
  // Another run's whole history, drawn dashed in a colour of its own; any number of them, by name (a second call with
  // the same name replaces that run's curve).
  void setOverlay(const QString& runName, const std::vector<train::StepRecord>& steps);
  void removeOverlay(const QString& runName);
  void clearOverlay();
  std::size_t overlayCount() const { return overlays_.size(); }
  void setRunName(const QString& name);
  // The head's margin unit ("rad" or "cos", Snapshot::margin_unit) for the margin axis label.
  void setMarginUnit(const QString& unit);

  // The controls above the plot, settable from code too.
  void setMetric(Metric metric);
  Metric metric() const { return metric_; }
  void setXAxis(XAxis axis);
  XAxis xAxisKind() const { return xAxis_; }
  // Only for metrics that are positive by nature (not accuracy, not the signed mean margin); values <= 0 are then
  // left out and counted in a note.
  void setLogY(bool on);
  bool logY() const;
  bool logYAvailable() const;
  // TensorBoard's debiased exponential moving average, weight in [0, 0.99]; 0 draws the raw line only.
  void setSmoothing(double weight);
  double smoothing() const { return smoothing_; }

  // This run's stored points (<= kMaxPoints), the steps they cover, and the skipped steps seen (never drawn).
  int pointCount() const;
  std::int64_t firstStep() const;
  std::int64_t lastStep() const;
  std::int64_t skippedSteps() const;
  int markerCount() const { return static_cast<int>(markers_.size()); }

  // series (only with an overlay), step, epoch, wall_seconds, raw, smoothed: one row per drawn point.
  DataTable shownData() const override;

  static QString metricName(Metric metric);

 Q_SIGNALS:
  void metricChanged(Metric metric);

 protected:
  void redraw() override;

 public:
  // One drawn point: the mean of a group of consecutive steps, at the group's last step. Public for the .cpp's helpers.
  struct Point {
    std::int64_t first_step = 0, step = 0, epoch = 0;
    double wall_seconds = 0;
    double value[kMetricCount] = {};
  };
  // A run's points, thinned as described at the top.
  class Series {
   public:
    void append(const train::StepRecord& record);
    void clear() { *this = Series(); }
    std::vector<Point> points() const;  // stored ones and the partial newest group
    int size() const { return static_cast<int>(points_.size()) + (pendingSteps_ > 0 ? 1 : 0); }
    std::int64_t firstStep() const;
    std::int64_t lastStep() const;
    double lastWallSeconds() const;
    std::int64_t skipped() const { return skipped_; }
    // The step's position in epochs (0-based epoch + fraction done), when the epoch length can be told.
    bool epochLengthKnown() const { return typicalLength_ > 0; }
    double fractionalEpoch(std::int64_t step, std::int64_t epoch) const;
    // The epoch a step belongs to (the last epoch that started at or before it); -1 before any.
    std::int64_t epochOf(std::int64_t step) const;

   private:
    std::vector<Point> points_;
    Point pending_;
    double pendingSum_[kMetricCount] = {};
    int pendingCount_[kMetricCount] = {};
    std::int64_t pendingSteps_ = 0;
    std::int64_t stride_ = 1;
    std::int64_t skipped_ = 0;
    std::int64_t typicalLength_ = 0;  // steps of the newest epoch seen whole
    std::map<std::int64_t, std::int64_t> epochStart_;  // epoch -> its first step seen (one entry per epoch)
    void flushPending();
    std::int64_t epochLength(std::int64_t epoch) const;  // 0 when unknown
  };

 private:
  struct Marker {
    std::int64_t step = 0;
    QString label;
  };
  struct Drawn {  // one series as drawn
    QString name;
    std::vector<Point> points;
    std::vector<double> x, raw, smoothed;    // NaN: a gap (a missing value)
    std::vector<bool> raw_out, smoothed_out;  // left out: <= 0 on the log axis
    int left_out = 0;
  };
  std::vector<Drawn> drawnSeries() const;
  const Series& seriesAt(std::size_t index) const;  // 0: this run, then the overlays in order

  void updateControls();
  void updateMarkerLabels();
  Drawn drawSeries(const Series& series, const QString& name) const;
  double markerX(std::int64_t step, const std::vector<Point>& runPoints) const;
  double wallScale() const;  // seconds per unit of the wall-time axis
  QString wallUnit() const;
  QString yLabel() const;
  QString runLabel() const;

  Metric metric_;
  XAxis xAxis_ = XAxis::step;
  bool logY_ = false;
  double smoothing_ = 0.9;  // per-step values are noisy: a clear trend by default
  QString runName_, marginUnit_;
  Series run_;
  struct Overlay {
    QString name;
    Series series;
  };
  std::vector<Overlay> overlays_;
  std::deque<Marker> markers_;
  std::vector<std::pair<double, QCPItemText*>> markerLabels_;  // x and label of the drawn markers
  QCPTextElement* title_ = nullptr;

  QComboBox* metricBox_;
  QComboBox* xBox_;
  QCheckBox* logBox_;
  QSlider* smoothingSlider_;
  QLabel* smoothingLabel_;
};

}  // namespace marginlab::widgets
