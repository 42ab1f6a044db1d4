#pragma once
// IJB-B/C ROC curves of every open run that has the benchmark, on one figure: the target and N/D/F mode chosen
// above the plot, a curve per run named with its TAR at FAR 1e-4 (insightface's read-out), true accepts against
// false accepts on a log FAR axis down to the 1e-6 the papers read.
#include <QString>

#include <string>
#include <vector>

#include "core/benchmarks/benchmark_rows.h"
#include "widgets/plot_widget.h"

class QComboBox;

namespace marginlab::widgets {

class BenchmarkRocPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit BenchmarkRocPlot(QWidget* parent = nullptr);

  void setRuns(const std::vector<benchmarks::RunBenchmarks>& runs);
  // "IJB-C N1D1F1": one of choices(); others are ignored.
  void setChoice(const QString& choice);
  QString choice() const { return choice_; }
  QStringList choices() const;

  // run, far, tar: one row per drawn point, curve by curve.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  std::vector<benchmarks::RunBenchmarks> runs_;
  QString choice_;
  QComboBox* choiceBox_;
};

}  // namespace marginlab::widgets
