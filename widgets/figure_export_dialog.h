#pragma once
// Asks where and how to write one plot: file (its suffix picks PNG, PDF or SVG), physical size, resolution, and
// whether to write the plotted data as CSV beside it. Remembers the choices (QSettings "export/…") for next time
// and for "export all".
#include <QDialog>

#include "widgets/plot_export.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace marginlab::widgets {

class FigureExportDialog : public QDialog {
  Q_OBJECT
 public:
  explicit FigureExportDialog(const QString& plotTitle, QWidget* parent = nullptr);

  QString path() const;
  FigureSize size() const;
  bool withCsv() const;

  // The size and resolution last chosen (defaults: 6.4 × 4 in, 200 dpi).
  static FigureSize savedSize();
  // The whole flow for one plot: asks, then writes the figure and, when chosen, its CSV beside it. Returns the
  // figure's path, or an empty string when cancelled or when writing failed (then `error` says why).
  static QString exportPlot(PlotWidget& plot, QWidget* parent, QString* error);

  void accept() override;

 private:
  void browse();
  void formatChanged();

  QLineEdit* path_;
  QComboBox* format_;
  QDoubleSpinBox* width_;
  QDoubleSpinBox* height_;
  QSpinBox* dpi_;
  QCheckBox* csv_;
};

}  // namespace marginlab::widgets
