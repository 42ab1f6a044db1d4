#pragma once
// The base of every plot in the workbench: one QCustomPlot, a title, the table of exactly the data it draws (the CSV
// export writes it), and drawing only when it can be seen. Data setters store the numbers and call refresh(); a
// hidden plot just remembers it is stale and draws once when it is shown, so a busy training run costs nothing for
// the tabs nobody looks at. The base also owns what every plot shares: the centred empty-state message and the
// user's zoom (a drag or a wheel turn holds the view while data streams in; a double click follows the data again).
#include <QPointF>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPItemText;
class QCPRange;
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
  // The message shown instead of data (why there is nothing to draw), or an empty string when data is drawn.
  QString emptyText() const { return emptyText_; }
  // True until the user drags or wheel-zooms the plot; then redraw() leaves the axis ranges alone, so a chosen view
  // stays while new data arrives, until a double click hands the ranges back to the data (and redraws).
  bool followsData() const { return followsData_; }
  // Lays out what depends on the width (a legend's columns) for a picture `width` pixels wide: the figure export calls
  // it with the figure's width before drawing and with the plot's own after.
  virtual void layoutForWidth(int width) { Q_UNUSED(width); }

 protected:
  // Subclasses put their stored numbers into the QCustomPlot here and leave the replot to the caller.
  virtual void redraw() = 0;
  // After a data change: draws now when visible, else marks the plot stale for its next showEvent.
  void refresh();
  // For plots whose subject changes (a metric chosen in a combo box): the title names what is shown.
  void setTitle(const QString& title) { title_ = title; }
  // Controls above the plot (smoothing sliders, mode boxes) go into this layout.
  QVBoxLayout* layout() const { return layout_; }
  // Shows `text` centred in the axis rect, in the palette's text colour, with the x and y tick labels hidden (there
  // is nothing to read off them); an empty string hides it and brings the tick labels back. The item is made on
  // first use and made again if the plot's items were cleared.
  void setEmptyText(const QString& text);
  // The axis ranges that show the data: set while followsData(), else the user's view stays.
  void fitAxes(const QCPRange& x, const QCPRange& y);
  // Back to following the data (no redraw: the caller refreshes), e.g. when what the axes mean changes.
  void resumeFollowingData() { followsData_ = true; }
  // A left click on the plot (press and release within a few pixels, not a drag), in the plot's pixels.
  virtual void plotClicked(QPointF pixel) { Q_UNUSED(pixel); }

  void showEvent(QShowEvent* event) override;
  void changeEvent(QEvent* event) override;
  // Lays out for the new width (layoutForWidth) and replots when that moved the legend's columns.
  void resizeEvent(QResizeEvent* event) override;

 private:
  QString title_;
  QVBoxLayout* layout_;
  QCustomPlot* plot_;
  bool stale_ = true;
  QString emptyText_;
  QPointer<QCPItemText> emptyItem_;
  bool followsData_ = true;
  bool pressed_ = false;
  QPointF pressPixel_;
};

}  // namespace marginlab::widgets
