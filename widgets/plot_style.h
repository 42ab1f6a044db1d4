#pragma once
// One look for every plot, taken from the widget's palette so that plots read well in light and dark themes, and
// one series palette (Okabe–Ito: distinguishable for common colour-vision deficiencies).
#include <QColor>
#include <QPalette>

class QCustomPlot;
class QCPAxis;

namespace marginlab::widgets {

// Background, axes, tick labels, grid and legend from `palette`; applied to every axis rect of the plot.
void applyPlotStyle(QCustomPlot* plot, const QPalette& palette);

// The i-th series colour (cycles after 8).
QColor seriesColor(int index);

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

}  // namespace marginlab::widgets
