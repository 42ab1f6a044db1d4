#include "widgets/plot_style.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>

namespace marginlab::widgets {
namespace {

const QColor kOkabeIto[] = {QColor(0, 114, 178),  QColor(230, 159, 0),  QColor(0, 158, 115),  QColor(204, 121, 167),
                            QColor(86, 180, 233), QColor(213, 94, 0),   QColor(240, 228, 66), QColor(110, 110, 110)};

void styleAxis(QCPAxis* axis, const QColor& text, const QColor& grid, const QColor& subGrid) {
  axis->setBasePen(QPen(text, 1));
  axis->setTickPen(QPen(text, 1));
  axis->setSubTickPen(QPen(text, 1));
  axis->setTickLabelColor(text);
  axis->setLabelColor(text);
  axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
  axis->grid()->setSubGridPen(QPen(subGrid, 1, Qt::DotLine));
  axis->grid()->setZeroLinePen(QPen(grid, 1));
}

}  // namespace

void applyPlotStyle(QCustomPlot* plot, const QPalette& palette) {
  const QColor background = palette.color(QPalette::Base);
  const QColor text = palette.color(QPalette::Text);
  const bool dark = background.lightnessF() < 0.5;
  const QColor grid = dark ? QColor(255, 255, 255, 50) : QColor(0, 0, 0, 45);
  const QColor subGrid = dark ? QColor(255, 255, 255, 22) : QColor(0, 0, 0, 20);
  plot->setBackground(background);
  for (QCPAxisRect* rect : plot->axisRects()) {
    rect->setBackground(background);
    for (QCPAxis* axis : rect->axes()) styleAxis(axis, text, grid, subGrid);
  }
  plot->legend->setBrush(QBrush(faded(background, 220)));
  plot->legend->setBorderPen(QPen(faded(text, 90)));
  plot->legend->setTextColor(text);
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i) {
    if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) title->setTextColor(text);
  }
}

QColor seriesColor(int index) {
  const int n = static_cast<int>(std::size(kOkabeIto));
  return kOkabeIto[((index % n) + n) % n];
}

QPen seriesPen(int index, double width) {
  static constexpr Qt::PenStyle kRounds[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
  const int n = static_cast<int>(std::size(kOkabeIto));
  const int round = (std::max(index, 0) / n) % static_cast<int>(std::size(kRounds));
  return QPen(seriesColor(index), width, kRounds[round]);
}

QString categoryTickLabel(const QString& label, int categories) {
  if (categories < 4 || label.size() <= 12) return label;
  const qsizetype middle = label.size() / 2;
  qsizetype best = -1;
  for (qsizetype i = 0; i < label.size(); ++i) {
    if (label[i] == QLatin1Char(' ') && (best < 0 || std::abs(i - middle) < std::abs(best - middle))) best = i;
  }
  if (best < 0) return label;
  return label.left(best) + QLatin1Char('\n') + label.mid(best + 1);
}

void placeLegendBelow(QCustomPlot* plot) {
  plot->axisRect()->insetLayout()->take(plot->legend);
  auto* legendRow = new QCPLayoutGrid;
  plot->plotLayout()->addElement(plot->plotLayout()->rowCount(), 0, legendRow);
  legendRow->setMargins(QMargins(0, 0, 0, 4));
  legendRow->addElement(0, 0, plot->legend);
  plot->plotLayout()->setRowStretchFactor(plot->plotLayout()->rowCount() - 1, 0.001);
  plot->legend->setFillOrder(QCPLegend::foRowsFirst, /*rearrange=*/true);
}

void fitLegendColumns(QCustomPlot* plot, int width) {
  QCPLegend* legend = plot->legend;
  const QFontMetrics metrics(legend->font());
  // The legend's grid keeps empty cells after entries are removed: only the entries count.
  int widest = 0, entries = 0;
  for (int i = 0; i < legend->itemCount(); ++i) {
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(legend->item(i))) {
      widest = std::max(widest, metrics.horizontalAdvance(item->plottable()->name()));
      ++entries;
    }
  }
  // An entry is its icon, the gap to its text, the text, and the item's padding on both sides.
  const int entry = legend->iconSize().width() + legend->iconTextPadding() + widest + 16;
  const int count = std::max(entries, 1);
  const int columns = std::clamp((width - 24) / std::max(entry, 1), 1, count);
  // Filled down the columns (rows first), so settings listed together in the study stay together in the legend.
  const int rows = (count + columns - 1) / columns;
  if (legend->wrap() == rows) return;
  legend->setWrap(rows);
  legend->setFillOrder(QCPLegend::foRowsFirst, /*rearrange=*/true);
}

namespace role {
QColor easy() { return QColor(0, 158, 115); }
QColor hard() { return QColor(213, 94, 0); }
QColor lowQuality() { return QColor(204, 121, 167); }
QColor highQuality() { return QColor(0, 114, 178); }
QColor marker() { return QColor(150, 150, 150); }
}  // namespace role

QColor faded(QColor color, int alpha) {
  color.setAlpha(alpha);
  return color;
}

QCPGraph* addLineGraph(QCustomPlot* plot, const QColor& color, double width, Qt::PenStyle style) {
  auto* graph = plot->addGraph();
  QPen pen(color, width);
  pen.setStyle(style);
  graph->setPen(pen);
  return graph;
}

QCPGraph* addScatterGraph(QCustomPlot* plot, const QColor& color, double size, int outlineAlpha, int fillAlpha) {
  auto* graph = plot->addGraph();
  graph->setLineStyle(QCPGraph::lsNone);
  graph->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssDisc, faded(color, outlineAlpha), faded(color, fillAlpha), size));
  graph->setPen(QPen(color));
  return graph;
}

QCPBars* addHistogramBars(QCustomPlot* plot, const QColor& color) {
  auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
  bars->setWidthType(QCPBars::wtPlotCoords);
  bars->setPen(QPen(color.darker(115), 1));
  bars->setBrush(faded(color, 170));
  bars->setStackingGap(0);
  return bars;
}

}  // namespace marginlab::widgets
