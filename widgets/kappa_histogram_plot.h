#pragma once
// How KappaFace's concentrations are spread over the classes: a histogram of κ (about 40 bins over the range of the
// classes with at least two images) with a vertical line at the median. Memory: the κ values of the latest snapshot
// (one per class), nothing kept across snapshots.
#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPBars;
class QCPItemStraightLine;
class QCPItemText;

namespace marginlab::widgets {

class KappaHistogramPlot : public PlotWidget {
  Q_OBJECT
 public:
  static constexpr int kBins = 40;

  explicit KappaHistogramPlot(QWidget* parent = nullptr);
  void setSnapshot(const train::Snapshot& snapshot);
  void clear();

  // Columns: series ("histogram" per bin, one "median" row), kappa_lo, kappa_hi, classes.
  DataTable shownData() const override;
  double median() const { return median_; }
  int omittedClasses() const { return omitted_; }

 protected:
  void redraw() override;

 private:
  void bin();

  std::vector<double> kappa_;  // estimable classes' κ, sorted
  std::vector<int> counts_;    // per bin
  double lo_ = 0, width_ = 1, median_ = 0;
  int omitted_ = 0;
  QCPBars* bars_;
  QCPItemStraightLine* medianLine_;
  QCPItemText* medianLabel_;
};

}  // namespace marginlab::widgets
