#pragma once
// Small pieces shared by the per-class, angle and data plots (KappaSizePlot, KappaHistogramPlot, ClassSizePlot,
// AngleDistributionPlot, TargetGradientPlot): the centred empty-state text, the user-zoom tracking that stops a
// streaming plot from snapping its axes back 30 times a second, click detection, and one sequential colour scale.
#include <QObject>
#include <QPointF>
#include <QSharedPointer>
#include <QString>

#include <string>

class QCustomPlot;
class QCPItemText;
class QCPColorScale;
class QCPColorGradient;
class QCPAxisTicker;
class QPalette;

namespace marginlab::train {
struct Snapshot;
}

namespace marginlab::widgets {

// A text item centred in the plot's axis rect, hidden until setEmptyText() gives it something to say.
QCPItemText* addEmptyStateText(QCustomPlot* plot);
// Shows `text` in the palette's text colour, or hides the item when `text` is empty.
void setEmptyText(QCPItemText* item, const QString& text, const QPalette& palette);

// A sequential gradient (viridis) that stays visible on the palette's background: without its lightest end on a
// light background and without its darkest end on a dark one. Quantised to `levels` steps so that the colour bar
// shows exactly the colours the points are drawn in.
QCPColorGradient sequentialGradient(int levels, const QPalette& palette);
// The colour bar's axis in the palette's colours (applyPlotStyle styles only the plot's axis rects).
void styleColorScale(QCPColorScale* scale, const QPalette& palette);

// Log-axis ticks at 1, 2, 5 × 10^k (only 10^k when the range spans more than three decades), sub-ticks at the other
// integers' multiples: class sizes read as "2, 5, 10, 20" rather than two lonely powers of ten.
QSharedPointer<QCPAxisTicker> logTicker125();

// Why there is no per-class κ to draw, or an empty string when there is.
QString kappaUnavailableText(const train::Snapshot& snapshot);

// Watches a plot's mouse: a left press and release within a few pixels is a click; a drag or a wheel turn means the
// user chose a range, so the plot stops rescaling to the data until a double click hands the range back.
class PlotInteraction : public QObject {
  Q_OBJECT
 public:
  explicit PlotInteraction(QCustomPlot* plot);
  bool autoRange() const { return auto_range_; }
  void setAutoRange(bool on) { auto_range_ = on; }

 Q_SIGNALS:
  void clicked(QPointF pixel);
  void autoRangeRequested();

 private:
  bool auto_range_ = true;
  bool pressed_ = false;
  QPointF press_pixel_;
};

}  // namespace marginlab::widgets
