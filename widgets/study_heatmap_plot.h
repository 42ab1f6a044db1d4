#pragma once
// Two varied keys against each other: a cell per pair of their values coloured by the mean of the ranking metric over
// the finished runs that have both (over seeds, and over the other keys when there are more), the mean written in
// the cell. The keys are chosen above the plot. Plain values in.
#include "core/study/study_results.h"
#include "widgets/plot_widget.h"

class QComboBox;
class QCPColorScale;

namespace marginlab::widgets {

class StudyHeatmapPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit StudyHeatmapPlot(QWidget* parent = nullptr);

  void setStudy(const study::StudyConfig& config, const study::StudyResults& results);
  void setAxes(int columns, int rows);  // indices into the study's axes

  // column value, row value, mean, runs: one row per cell.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  struct Grid {
    QStringList columns, rows;
    std::vector<double> mean;  // rows × columns, row-major
    std::vector<int> count;
  };
  Grid grid() const;
  void updateTitle();

  study::StudyConfig config_;
  study::StudyResults results_;
  int columns_ = 0, rows_ = 1;
  QCPColorScale* scale_;
  QComboBox* columnBox_;
  QComboBox* rowBox_;
};

}  // namespace marginlab::widgets
