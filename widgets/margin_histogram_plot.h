#pragma once
// Histogram of the margins applied to the recent labelled samples, easy and hard stacked, with the mean as a line.
// About 40 bins between the smallest and largest margin; a head with a constant margin gets one bar centred on it.
#include <QString>

#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QCPBars;
class QCPGraph;

namespace marginlab::widgets {

class MarginHistogramPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit MarginHistogramPlot(QWidget* parent = nullptr);

  // Copies the labelled samples' margins and hardness (at most kMaxSamples, newest) and the margin unit.
  void setSnapshot(const train::Snapshot& snapshot);
  static constexpr std::size_t kMaxSamples = 65536;
  static constexpr int kBins = 40;

  // Rows: series ("easy", "hard", "mean"), bin_lo, bin_hi, count; the mean row has bin_lo = bin_hi = the mean.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Model {
    QString empty;
    double lo = 0, width = 1;
    int bins = 0;
    std::vector<double> easy, hard;
    double mean = 0;
    double xLo = 0, xHi = 1;
  };
  Model model() const;

  bool hasSnapshot_ = false;
  QString unit_;
  std::vector<float> easy_, hard_;

  QCPBars* easyBars_;
  QCPBars* hardBars_;
  QCPGraph* meanLine_;
};

}  // namespace marginlab::widgets
