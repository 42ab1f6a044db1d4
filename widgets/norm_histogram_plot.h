#pragma once
// Histogram of the recent samples' feature norms (the snapshot's norm histogram), with AdaFace's EMA μ and μ ± σ as
// vertical lines when known, and, when the data source knows the true image quality, the histogram split into low-
// and high-quality samples (stacked) at an adjustable quality threshold.
#include <QString>

#include <cstdint>
#include <limits>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCheckBox;
class QDoubleSpinBox;
class QCPBars;
class QCPGraph;

namespace marginlab::widgets {

class NormHistogramPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit NormHistogramPlot(QWidget* parent = nullptr);

  // Copies the histogram and, where quality is known, the samples' norms and qualities (bounded, see the .cpp).
  void setSnapshot(const train::Snapshot& snapshot);
  // AdaFace's EMA norm mean and std; NaN = unknown (then the newest norm_history band's EMA is used if it has one,
  // else no lines are drawn).
  void setNormStatistics(double mean, double std);
  // The "split by true quality" checkbox and its threshold (default 0.5: low quality is q < threshold).
  void setSplitByQuality(bool split);
  bool splitByQuality() const;
  void setQualityThreshold(double threshold);
  double qualityThreshold() const;
  // Whether the current data knows the true quality (the split control is enabled only then).
  bool qualityKnown() const { return !quality_.empty(); }

  // Rows: series ("all samples", "low quality, q < t", "high quality, q ≥ t", "quality unknown", "EMA mean",
  // "EMA mean - std", "EMA mean + std"), bin_lo, bin_hi, count; a line has bin_lo = bin_hi = its norm, no count.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Series {
    QString name;
    std::vector<double> counts;  // one per bin
  };
  struct Model {
    QString empty;  // non-empty: nothing to draw, this text says why
    double lo = 0, width = 1;
    int bins = 0;
    std::vector<Series> stacked;  // bottom first
    double mean = 0, std = 0;
    bool lines = false;
  };
  Model model() const;
  void updateControls();

  QCheckBox* split_;
  QDoubleSpinBox* threshold_;
  bool hasSnapshot_ = false;
  double lo_ = 0, hi_ = 0;
  std::vector<double> counts_;
  std::vector<float> norm_, quality_;  // only when some quality is known; NaN quality kept as "unknown"
  double explicitMean_ = std::numeric_limits<double>::quiet_NaN();
  double explicitStd_ = std::numeric_limits<double>::quiet_NaN();
  double snapshotMean_ = std::numeric_limits<double>::quiet_NaN();
  double snapshotStd_ = std::numeric_limits<double>::quiet_NaN();

  std::vector<QCPBars*> bars_;  // all, low, high, unknown
  QCPGraph* meanLine_;
  QCPGraph* lowerLine_;
  QCPGraph* upperLine_;
};

}  // namespace marginlab::widgets
