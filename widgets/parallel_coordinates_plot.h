#pragma once
// Parallel coordinates over a study: a vertical axis per varied key and one for the ranking metric, each finished run
// a line across them coloured by its metric (viridis: bright is better), so that which combinations of values lead to
// good runs shows at a glance. Numbers sit on their axis by value, names and labelled values evenly. Plain values in.
#include "core/study/study_results.h"
#include "widgets/plot_widget.h"

namespace marginlab::widgets {

class ParallelCoordinatesPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit ParallelCoordinatesPlot(QWidget* parent = nullptr);

  void setStudy(const study::StudyConfig& config, const study::StudyResults& results);

  // run, one column per key (its value), metric: one row per drawn line.
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  study::StudyConfig config_;
  study::StudyResults results_;
};

}  // namespace marginlab::widgets
