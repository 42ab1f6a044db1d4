#pragma once
// The target logit as a function of the angle to the class centre, one curve per head setting: the picture the
// margin papers draw to compare their losses.
#include <QString>
#include <QWidget>

#include <vector>

class QCustomPlot;

namespace marginlab::widgets {

struct LogitCurve {
  QString name;
  std::vector<double> theta_degrees;
  std::vector<double> target_logit;  // unscaled: cos θ after the margin
  bool dashed = false;               // for a family of curves that may lie on top of another head's
};

class TargetLogitPlot : public QWidget {
  Q_OBJECT
 public:
  explicit TargetLogitPlot(QWidget* parent = nullptr);
  void setCurves(const std::vector<LogitCurve>& curves);
  QCustomPlot* plot() const { return plot_; }

 private:
  QCustomPlot* plot_;
};

}  // namespace marginlab::widgets
