#pragma once
// The base of every plot in the workbench: one QCustomPlot, a title, the table of exactly the data it draws (the CSV
// export writes it), and drawing only when it can be seen. Data setters store the numbers and call refresh(); a
// hidden plot just remembers it is stale and draws once when it is shown, so a busy training run costs nothing for
// the tabs nobody looks at.
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QVBoxLayout;

namespace marginlab::widgets {

// Columns and rows of what a plot shows. Cells are numbers (double, qint64) or text; an invalid QVariant or a NaN
// is an empty cell.
struct DataTable {
  QStringList columns;
  std::vector<QVariantList> rows;
};

class PlotWidget : public QWidget {
  Q_OBJECT
 public:
  explicit PlotWidget(const QString& title, QWidget* parent = nullptr);

  QString title() const { return title_; }
  QCustomPlot* plot() const { return plot_; }
  // Exactly the points drawn now, as the CSV export writes them.
  virtual DataTable shownData() const = 0;
  // Draws now (also when hidden): exports and tests call it to get the current picture.
  void redrawNow();

 protected:
  // Subclasses put their stored numbers into the QCustomPlot here and leave the replot to the caller.
  virtual void redraw() = 0;
  // After a data change: draws now when visible, else marks the plot stale for its next showEvent.
  void refresh();
  // For plots whose subject changes (a metric chosen in a combo box): the title names what is shown.
  void setTitle(const QString& title) { title_ = title; }
  // Controls above the plot (smoothing sliders, mode boxes) go into this layout.
  QVBoxLayout* layout() const { return layout_; }

  void showEvent(QShowEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  QString title_;
  QVBoxLayout* layout_;
  QCustomPlot* plot_;
  bool stale_ = true;
};

}  // namespace marginlab::widgets
