#pragma once
// Small pieces shared by several plots: one sequential colour scale and its colour bar, 1-2-5 log ticks, histogram
// binning, and the per-class κ empty-state reason. (The empty-state text and the user-zoom tracking every plot has
// live in PlotWidget.)
#include <QSharedPointer>
#include <QString>

class QCustomPlot;
class QCPColorScale;
class QCPColorGradient;
class QCPAxisTicker;
class QPalette;

namespace marginlab::train {
struct Snapshot;
}

namespace marginlab::widgets {

// A sequential gradient (viridis) that stays visible on the palette's background: without its lightest end on a
// light background and without its darkest end on a dark one. Quantised to `levels` steps so that the colour bar
// shows exactly the colours the points are drawn in.
QCPColorGradient sequentialGradient(int levels, const QPalette& palette);
// The colour bar's axis in the palette's colours (applyPlotStyle styles only the plot's axis rects).
void styleColorScale(QCPColorScale* scale, const QPalette& palette);
// A colour bar showing `gradient` to the right of the plot's axis rect (layout cell (0, 1)), its top and bottom
// aligned with the axis rect's; the user cannot drag or zoom it.
QCPColorScale* addColorScale(QCustomPlot* plot, const QCPColorGradient& gradient);

// The bin of `value` among `bins` bins of `width` starting at `lo`; values outside go to the first or last bin.
int histogramBin(double value, double lo, double width, int bins);

// Log-axis ticks at 1, 2, 5 × 10^k (only 10^k when the range spans more than three decades), sub-ticks at the other
// integers' multiples: class sizes read as "2, 5, 10, 20" rather than two lonely powers of ten.
QSharedPointer<QCPAxisTicker> logTicker125();

// Why there is no per-class κ to draw, or an empty string when there is.
QString kappaUnavailableText(const train::Snapshot& snapshot);

}  // namespace marginlab::widgets
