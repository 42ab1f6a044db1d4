#include "widgets/plot_widget.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QVBoxLayout>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

PlotWidget::PlotWidget(const QString& title, QWidget* parent)
    : QWidget(parent), title_(title), layout_(new QVBoxLayout(this)), plot_(new QCustomPlot(this)) {
  layout_->setContentsMargins(0, 0, 0, 0);
  layout_->setSpacing(2);
  layout_->addWidget(plot_, 1);
  plot_->setMinimumSize(240, 180);
  // Dragging and wheel-zooming are what researchers expect of a plot; double-click resets (subclasses rescale).
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  // Keeps replots cheap while training streams in: the antialiased look comes back on export.
  plot_->setNoAntialiasingOnDrag(true);
  applyPlotStyle(plot_, palette());
}

void PlotWidget::refresh() {
  if (!isVisible()) {
    stale_ = true;
    return;
  }
  redrawNow();
}

void PlotWidget::redrawNow() {
  stale_ = false;
  redraw();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PlotWidget::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  if (stale_) redrawNow();
}

void PlotWidget::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) {
    applyPlotStyle(plot_, palette());
    refresh();
  }
}

}  // namespace marginlab::widgets
