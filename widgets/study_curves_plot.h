#pragma once
// A study's curves grouped by setting: the ranking metric at each evaluation, or the training loss per step, averaged
// over the setting's seeds (a solid line), the spread between its lowest and highest seed (a band), and every run
// faint beneath. Plain values in.
#include "core/study/study_results.h"
#include "widgets/plot_widget.h"

class QComboBox;

namespace marginlab::widgets {

class StudyCurvesPlot : public PlotWidget {
  Q_OBJECT
 public:
  enum class Series { metric, loss };
  explicit StudyCurvesPlot(QWidget* parent = nullptr);

  void setStudy(const study::StudyConfig& config, const study::StudyResults& results);
  void setSeries(Series series);
  Series series() const { return series_; }

  // setting, step, mean, low, high, runs: the drawn band and mean of each setting.
  DataTable shownData() const override;
  void layoutForWidth(int width) override;

 protected:
  void redraw() override;

 private:
  struct Curve {
    QString label;
    std::vector<double> steps, mean, low, high;
    std::vector<std::pair<std::vector<double>, std::vector<double>>> runs;  // each run's (steps, values)
    int runCount = 0;
  };
  std::vector<Curve> curves() const;
  // A setting's label as its legend entry: keys without their dotted path.
  static QString legendName(const QString& settingLabel);
  void updateTitle();

  study::StudyConfig config_;
  study::StudyResults results_;
  Series series_ = Series::metric;
  QComboBox* seriesBox_;
};

}  // namespace marginlab::widgets
