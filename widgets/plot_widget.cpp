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
    press_pixel_ = event->position();
  });
  connect(plot_, &QCustomPlot::mouseRelease, this, [this](QMouseEvent* event) {
    if (!pressed_ || event->button() != Qt::LeftButton) return;
    pressed_ = false;
    const QPointF moved = event->position() - press_pixel_;
    if (moved.manhattanLength() <= 4.0) {
      plotClicked(event->position());
    } else {
      follows_data_ = false;  // a drag: the user moved the range
    }
  });
  connect(plot_, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) { follows_data_ = false; });
  connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) {
    follows_data_ = true;
    refresh();
  });
}

void PlotWidget::fitAxes(const QCPRange& x, const QCPRange& y) {
  if (!follows_data_) return;
  plot_->xAxis->setRange(x);
  plot_->yAxis->setRange(y);
}

void PlotWidget::setEmptyText(const QString& text) {
  empty_text_ = text;
  plot_->xAxis->setTickLabels(text.isEmpty());
  plot_->yAxis->setTickLabels(text.isEmpty());
  if (text.isEmpty() && !empty_item_) return;
  if (!empty_item_) {
    empty_item_ = new QCPItemText(plot_);
    empty_item_->setClipToAxisRect(false);
    empty_item_->position->setType(QCPItemPosition::ptAxisRectRatio);
    empty_item_->position->setCoords(0.5, 0.5);
    empty_item_->setPositionAlignment(Qt::AlignCenter);
    empty_item_->setTextAlignment(Qt::AlignCenter);
    QFont font = empty_item_->font();
    font.setPointSizeF(font.pointSizeF() * 1.1);
    empty_item_->setFont(font);
    empty_item_->setPadding(QMargins(8, 6, 8, 6));
  }
  empty_item_->setText(text);
  empty_item_->setColor(palette().color(QPalette::Text));
  empty_item_->setVisible(!text.isEmpty());
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
    if (empty_item_) empty_item_->setColor(palette().color(QPalette::Text));
    refresh();
  }
}

}  // namespace marginlab::widgets
