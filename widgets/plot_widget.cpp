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
  // Dragging and wheel-zooming are what researchers expect of a plot; a double click resets (see followsData()).
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  // Keeps replots cheap while training streams in: the antialiased look comes back on export.
  plot_->setNoAntialiasingOnDrag(true);
  applyPlotStyle(plot_, palette());

  // A left press and release within a few pixels is a click; a drag or a wheel turn means the user chose a range.
  connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent* event) {
    pressed_ = event->button() == Qt::LeftButton;
    pressPixel_ = event->position();
  });
  connect(plot_, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
    if (!pressed_ || event->button() != Qt::LeftButton) return;
    pressed_ = false;
    const QPointF moved = event->position() - pressPixel_;
    if (moved.manhattanLength() <= 4.0) {
      plotClicked(event->position());
    } else {
      followsData_ = false;  // a drag: the user moved the range
    }
  });
  connect(plot_, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) { followsData_ = false; });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
    followsData_ = true;
    refresh();
  });
}

void PlotWidget::fitAxes(const QCPRange& x, const QCPRange& y) {
  if (!followsData_) return;
  plot_->xAxis->setRange(x);
  plot_->yAxis->setRange(y);
}

void PlotWidget::setEmptyText(const QString& text) {
  emptyText_ = text;
  plot_->xAxis->setTickLabels(text.isEmpty());
  plot_->yAxis->setTickLabels(text.isEmpty());
  if (text.isEmpty() && !emptyItem_) return;
  if (!emptyItem_) {
    emptyItem_ = new QCPItemText(plot_);
    emptyItem_->setClipToAxisRect(false);
    emptyItem_->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyItem_->position->setCoords(0.5, 0.5);
    emptyItem_->setPositionAlignment(Qt::AlignCenter);
    emptyItem_->setTextAlignment(Qt::AlignCenter);
    QFont font = emptyItem_->font();
    font.setPointSizeF(font.pointSizeF() * 1.1);
    emptyItem_->setFont(font);
    emptyItem_->setPadding(QMargins(8, 6, 8, 6));
  }
  emptyItem_->setText(text);
  emptyItem_->setColor(palette().color(QPalette::Text));
  emptyItem_->setVisible(!text.isEmpty());
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

void PlotWidget::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  const int rows = plot_->legend->wrap();
  layoutForWidth(plot_->width());
  if (plot_->legend->wrap() != rows) plot_->replot(QCustomPlot::rpQueuedReplot);
}

void PlotWidget::changeEvent(QEvent* event) {
  QWidget::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) {
    applyPlotStyle(plot_, palette());
    if (emptyItem_) emptyItem_->setColor(palette().color(QPalette::Text));
    refresh();
  }
}

}  // namespace marginlab::widgets
