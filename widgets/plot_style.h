#pragma once
// One look for every plot, taken from the widget's palette so that plots read well in light and dark themes, and
// one series palette (Okabe–Ito: distinguishable for common colour-vision deficiencies).
#include <QColor>
#include <QPalette>
#include <QPen>
#include <QString>

class QCustomPlot;
class QCPAxis;
class QCPBars;
class QCPGraph;

namespace marginlab::widgets {

// Background, axes, tick labels, grid and legend from `palette`; applied to every axis rect of the plot.
void applyPlotStyle(QCustomPlot* plot, const QPalette& palette);

// The i-th series colour (cycles after 8).
QColor seriesColor(int index);
// The i-th series' pen: its colour, solid for the first 8, then dashed, dotted and dash-dotted as the colours come
// round again, so that up to 32 series (a study's settings, say) stay told apart.
QPen seriesPen(int index, double width);

// A category's tick label on a horizontal axis of `categories` categories: from four categories on, a label longer
// than a dozen characters is broken in two at the space nearest its middle, so that neighbours ("KappaFace γ=0.7
// T=0.4", "KappaFace γ=0.3") do not run into each other on a laptop-wide plot or a report figure.
QString categoryTickLabel(const QString& label, int categories);

// Moves the legend out of the axis rect into a row below the plot, where it never covers data (for plots whose
// series count is not known in advance). fitLegendColumns then chooses as many columns as the widest entry allows in
// a plot `width` pixels wide.
void placeLegendBelow(QCustomPlot* plot);
void fitLegendColumns(QCustomPlot* plot, int width);

// Named roles used by several plots, so that "hard" or "low quality" has one colour everywhere.
namespace role {
QColor easy();
QColor hard();
QColor lowQuality();
QColor highQuality();
QColor marker();  // vertical lines for applied parameter changes
}  // namespace role

// `color` with the given alpha (0–255), e.g. for a raw line drawn faint under its smoothed version.
QColor faded(QColor color, int alpha);

// Series every plot draws the same way, added to the plot's default axes:
// a line of the given width and style;
QCPGraph* addLineGraph(QCustomPlot* plot, const QColor& color, double width, Qt::PenStyle style = Qt::SolidLine);
// dots without a line (discs of `size` pixels, outline and fill `color` at the given alphas);
QCPGraph* addScatterGraph(QCustomPlot* plot, const QColor& color, double size = 4, int outlineAlpha = 150,
                          int fillAlpha = 110);
// histogram bars (width in plot coordinates, no gap when stacked).
QCPBars* addHistogramBars(QCustomPlot* plot, const QColor& color);

}  // namespace marginlab::widgets
