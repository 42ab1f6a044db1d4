#pragma once
// Feature norm against true image quality, one point per recent labelled sample (easy and hard coloured apart), the
// median norm in ten quality bins as a robust trend, and the Spearman ρ of the window in a corner. Quality is known
// only for SynthFace data; otherwise the plot says so.
#include <QString>

#include <cstdint>
#include <limits>
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPGraph;
class QCPItemText;

namespace marginlab::widgets {

class NormQualityPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit NormQualityPlot(QWidget* parent = nullptr);

  // Copies quality, norm and hardness of the labelled samples with known quality (at most kMaxSamples, newest).
  void setSnapshot(const train::Snapshot& snapshot);
  static constexpr std::size_t kMaxSamples = 65536;
  static constexpr int kTrendBins = 10;  // quality bins of the median trend
  static constexpr int kTrendMinSamples = 5;  // a bin with fewer samples gets no trend point

  // The corner label, e.g. "Spearman ρ = 0.74, 2048 samples".
  QString summaryText() const;

  // Rows: series ("easy", "hard", "median norm per quality bin"), quality, norm.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Point {
    double quality;
    double norm;
  };
  QString emptyReason() const;
  std::vector<Point> trend() const;

  bool hasSnapshot_ = false;
  std::vector<Point> easy_, hard_;
  std::int64_t qualityCount_ = 0;  // samples (labelled or not) with a known quality: the ones ρ is computed over
  double spearman_ = std::numeric_limits<double>::quiet_NaN();

  QCPGraph* easyGraph_;
  QCPGraph* hardGraph_;
  QCPGraph* trendGraph_;
  QCPItemText* summary_;
};

}  // namespace marginlab::widgets
