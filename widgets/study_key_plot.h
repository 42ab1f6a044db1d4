#pragma once
// The ranking metric against one varied key: each finished run a dot at its value of the key (categories for names
// and labelled values, a number line for numbers), and for each value the mean over all runs that have it, with its
// 95% confidence interval. The key is chosen above the plot. Plain values in.
#include "core/study/study_results.h"
#include "widgets/plot_widget.h"

class QComboBox;

namespace marginlab::widgets {

class StudyKeyPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit StudyKeyPlot(QWidget* parent = nullptr);

  void setStudy(const study::StudyConfig& config, const study::StudyResults& results);
  void setAxis(int axis);  // index into the study's axes
  int axis() const { return axis_; }

  // key value, run, metric: one row per dot; then value, mean, ci95, n per value (run empty).
  DataTable shownData() const override;
  void layoutForWidth(int width) override;

 protected:
  void redraw() override;

 private:
  struct Group {
    QString label;
    double x = 0;
    std::vector<std::pair<QString, double>> runs;  // id, metric
    study::MeanInterval interval;
  };
  std::vector<Group> groups(bool* numeric) const;
  void updateTitle();

  study::StudyConfig config_;
  study::StudyResults results_;
  int axis_ = 0;
  QComboBox* keyBox_;
};

}  // namespace marginlab::widgets
