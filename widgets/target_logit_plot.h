#pragma once
// The target logit as a function of the angle to the class centre, one curve per head setting: the picture the
// margin papers draw to compare their losses.
#include <QString>

#include <vector>

#include "widgets/plot_widget.h"

namespace marginlab::widgets {

struct LogitCurve {
  QString name;
  std::vector<double> theta_degrees;
  std::vector<double> target_logit;  // unscaled: cos θ after the margin
  bool dashed = false;               // for a family of curves that may lie on top of another head's
};

class TargetLogitPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit TargetLogitPlot(QWidget* parent = nullptr);
  void setCurves(const std::vector<LogitCurve>& curves);
  DataTable shownData() const override;

 protected:
  void redraw() override;

 private:
  std::vector<LogitCurve> curves_;
};

}  // namespace marginlab::widgets
