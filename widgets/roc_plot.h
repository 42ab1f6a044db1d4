#pragma once
// ROC curves of the latest validation of one verification set: true accepts against false accepts on a log FAR axis
// (the low-FAR end is where face recognition systems are compared), one thick curve for all pairs and a thinner one
// per quality stratum, each named with its AUC in the legend. A combo box above the plot chooses the set.
#include <QString>

#include <vector>

#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"

class QComboBox;
class QCPTextElement;

namespace marginlab::widgets {

class RocPlot : public PlotWidget {
  Q_OBJECT
 public:
  explicit RocPlot(QWidget* parent = nullptr);

  // Keeps the newest evaluation per set (highest step; at equal steps the later one), whether given one at a time or
  // as a whole history: see latest_evaluations.h. At most one evaluation per set is kept.
  void setEvaluations(const std::vector<train::Evaluation>& evaluations);
  // Forgets every evaluation (a new run starts counting steps from 1 again).
  void clear();

  // The set drawn; the combo box above the plot sets it too. Unknown names are ignored.
  void setCurrentSet(const QString& set);
  QString currentSet() const;
  QStringList sets() const;

  // set, stratum, far, tar: one row per drawn point, curve by curve in legend order.
  DataTable shownData() const override;

  // Colour of a stratum's curve: the "high" strata in the high-quality colour, the "low" ones in the low-quality
  // colour, the mixed/middle one between; "all" in the palette's text colour.
  static QColor stratumColor(const QString& stratum, const QColor& text);

 protected:
  void redraw() override;

 private:
  struct Curve {
    QString stratum;
    double auc;
    std::vector<double> far, tar;
  };
  const train::Evaluation* current() const;
  std::vector<Curve> curves() const;
  void updateSetBox();

  std::vector<train::Evaluation> evaluations_;  // one per set
  QString currentSet_;
  QComboBox* setBox_;
  QCPTextElement* title_;
  QCPTextElement* subtitle_;  // what the strata are made of
};

}  // namespace marginlab::widgets
