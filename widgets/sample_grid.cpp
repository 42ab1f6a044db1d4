#include "widgets/sample_grid.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollArea>
#include <QSlider>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>

namespace marginlab::widgets {

namespace {
constexpr int kSpacing = 8;  // between cells and around the grid
constexpr int kCaptionGap = 3;

QFont captionFont(const QFont& base) {
  QFont font = base;
  font.setPointSizeF(base.pointSizeF() * 0.9);
  return font;
}
}  // namespace

// Paints the grid and answers clicks and tooltips; the layout arithmetic lives in SampleGrid.
class SampleGridCanvas : public QWidget {
 public:
  explicit SampleGridCanvas(SampleGrid* grid) : QWidget(nullptr), grid_(grid) {
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
  }

 protected:
  void paintEvent(QPaintEvent* event) override {
    QPainter painter(this);
    painter.fillRect(event->rect(), palette().color(QPalette::Base));
    grid_->paintGrid(painter, event->rect(), grid_->columnCount());
  }
  bool event(QEvent* event) override {
    if (event->type() == QEvent::ToolTip) {
      auto* help = static_cast<QHelpEvent*>(event);
      const int index = grid_->tileAt(help->pos());
      if (index >= 0) {
        const SampleTile& tile = grid_->tiles_[index];
        QToolTip::showText(help->globalPos(), tile.tooltip.isEmpty() ? tile.caption : tile.tooltip, this,
                           grid_->tileRect(index));
      } else {
        QToolTip::hideText();
      }
      return true;
    }
    return QWidget::event(event);
  }
  void mouseReleaseEvent(QMouseEvent* event) override {
    if (event->button() != Qt::LeftButton) return;
    const int index = grid_->tileAt(event->position().toPoint());
    if (index >= 0) Q_EMIT grid_->tileClicked(index);
  }

 private:
  SampleGrid* grid_;
};

SampleGrid::SampleGrid(QWidget* parent)
    : QWidget(parent),
      slider_(new QSlider(Qt::Horizontal, this)),
      sizeLabel_(new QLabel(this)),
      countLabel_(new QLabel(this)),
      scroll_(new QScrollArea(this)),
      canvas_(new SampleGridCanvas(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  controls->addWidget(countLabel_);
  controls->addStretch(1);
  controls->addWidget(new QLabel(tr("Tile size"), this));
  slider_->setObjectName(QStringLiteral("tile_size"));
  slider_->setRange(kMinTileSize, kMaxTileSize);
  slider_->setSingleStep(8);
  slider_->setPageStep(16);
  slider_->setValue(tileSize_);
  slider_->setFixedWidth(160);
  controls->addWidget(slider_);
  sizeLabel_->setMinimumWidth(sizeLabel_->fontMetrics().horizontalAdvance(QStringLiteral("000 px")));
  controls->addWidget(sizeLabel_);
  layout->addLayout(controls);
  scroll_->setWidget(canvas_);
  scroll_->setWidgetResizable(false);
  scroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll_->viewport()->installEventFilter(this);  // re-flow the grid when the viewport changes width
  layout->addWidget(scroll_, 1);
  connect(slider_, &QSlider::valueChanged, this, &SampleGrid::setTileSize);
  emptyText_ = tr("No samples to show yet");
  setTileSize(kDefaultTileSize);
  relayout();
}

bool SampleGrid::eventFilter(QObject* watched, QEvent* event) {
  if (watched == scroll_->viewport() && event->type() == QEvent::Resize) relayout();
  return QWidget::eventFilter(watched, event);
}

SampleGrid::~SampleGrid() = default;

QWidget* SampleGrid::canvas() const { return canvas_; }

void SampleGrid::setTiles(const QList<SampleTile>& tiles) {
  tiles_ = tiles.mid(0, kMaxTiles);
  scaled_.clear();
  scaledSize_ = 0;
  countLabel_->setText(tiles.size() > kMaxTiles ? tr("%1 of %2 samples").arg(kMaxTiles).arg(tiles.size())
                                                 : tr("samples: %1").arg(tiles_.size()));
  relayout();
}

void SampleGrid::clear() { setTiles({}); }

void SampleGrid::setEmptyText(const QString& text) {
  emptyText_ = text;
  canvas_->update();
}

void SampleGrid::setTileSize(int pixels) {
  tileSize_ = std::clamp(pixels, static_cast<int>(kMinTileSize), static_cast<int>(kMaxTileSize));
  if (slider_->value() != tileSize_) slider_->setValue(tileSize_);
  sizeLabel_->setText(tr("%1 px").arg(tileSize_));
  relayout();
}

int SampleGrid::captionLines() const {
  int lines = 0;
  for (const SampleTile& tile : tiles_)
    if (!tile.caption.isEmpty()) lines = std::max<int>(lines, tile.caption.count(QLatin1Char('\n')) + 1);
  return std::min<int>(lines, kMaxCaptionLines);
}

QSize SampleGrid::cellSize() const {
  const int lines = captionLines();
  const int caption = lines > 0 ? kCaptionGap + lines * QFontMetrics(captionFont(font())).lineSpacing() : 0;
  return {tileSize_, tileSize_ + caption};
}

int SampleGrid::columnCount() const {
  const int width = scroll_->viewport()->width();
  return std::max(1, (width - kSpacing) / (tileSize_ + kSpacing));
}

QRect SampleGrid::tileRect(int index) const {
  if (index < 0 || index >= tiles_.size()) return {};
  const int columns = columnCount();
  const QSize cell = cellSize();
  return {kSpacing + (index % columns) * (cell.width() + kSpacing), kSpacing + (index / columns) * (cell.height() + kSpacing),
          cell.width(), cell.height()};
}

int SampleGrid::tileAt(QPoint p) const {
  const int columns = columnCount();
  const QSize cell = cellSize();
  if (p.x() < kSpacing || p.y() < kSpacing) return -1;
  const int column = (p.x() - kSpacing) / (cell.width() + kSpacing);
  const int row = (p.y() - kSpacing) / (cell.height() + kSpacing);
  if (column >= columns) return -1;
  const int index = row * columns + column;
  return index < tiles_.size() && tileRect(index).contains(p) ? index : -1;
}

void SampleGrid::relayout() {
  const int width = scroll_->viewport()->width();
  const int columns = columnCount();
  const int rows = (static_cast<int>(tiles_.size()) + columns - 1) / columns;
  // At least the viewport's height, so that the background is the canvas's everywhere.
  const int height = tiles_.isEmpty() ? 0 : kSpacing + rows * (cellSize().height() + kSpacing);
  canvas_->resize(width, std::max({height, scroll_->viewport()->height(), 1}));
  canvas_->update();
}

void SampleGrid::paintGrid(QPainter& painter, const QRect& area, int columns) const {
  const QPalette pal = palette();
  if (tiles_.isEmpty()) {
    painter.setPen(pal.color(QPalette::PlaceholderText));
    const QRect box = painter.device() == canvas_ ? canvas_->rect() : painter.viewport();
    painter.drawText(box, Qt::AlignCenter | Qt::TextWordWrap, emptyText_);
    return;
  }
  if (scaledSize_ != tileSize_) {
    scaled_.clear();
    scaledSize_ = tileSize_;
  }
  while (scaled_.size() < tiles_.size()) {
    const QImage& image = tiles_[scaled_.size()].image;
    scaled_ << (image.isNull() ? QPixmap()
                               : QPixmap::fromImage(image.scaled(tileSize_, tileSize_, Qt::KeepAspectRatio,
                                                                 Qt::SmoothTransformation)));
  }
  const QSize cell = cellSize();
  const QFont font = captionFont(this->font());
  const QFontMetrics metrics(font);
  painter.setFont(font);
  for (int i = 0; i < tiles_.size(); ++i) {
    const QRect rect(kSpacing + (i % columns) * (cell.width() + kSpacing),
                     kSpacing + (i / columns) * (cell.height() + kSpacing), cell.width(), cell.height());
    if (!rect.intersects(area)) continue;
    const QRect imageBox(rect.topLeft(), QSize(tileSize_, tileSize_));
    const QPixmap& pixmap = scaled_[i];
    if (pixmap.isNull()) {
      painter.fillRect(imageBox, pal.color(QPalette::AlternateBase));
      painter.setPen(pal.color(QPalette::PlaceholderText));
      painter.drawText(imageBox, Qt::AlignCenter, tr("no image"));
    } else {
      const QPoint offset((tileSize_ - pixmap.width()) / 2, (tileSize_ - pixmap.height()) / 2);
      painter.drawPixmap(imageBox.topLeft() + offset, pixmap);
    }
    painter.setPen(pal.color(QPalette::Text));
    const QStringList lines = tiles_[i].caption.split(QLatin1Char('\n'));
    int y = imageBox.bottom() + 1 + kCaptionGap;
    for (int line = 0; line < std::min<int>(lines.size(), kMaxCaptionLines); ++line) {
      painter.drawText(QRect(rect.left(), y, rect.width(), metrics.lineSpacing()), Qt::AlignHCenter | Qt::AlignTop,
                       metrics.elidedText(lines[line], Qt::ElideRight, rect.width()));
      y += metrics.lineSpacing();
    }
  }
}

QImage SampleGrid::renderGrid() const {
  const int columns = std::min<int>(columnCount(), std::max<int>(1, tiles_.size()));
  const QSize cell = cellSize();
  const int rows = (static_cast<int>(tiles_.size()) + columns - 1) / columns;
  QSize size(kSpacing + columns * (cell.width() + kSpacing), kSpacing + rows * (cell.height() + kSpacing));
  if (tiles_.isEmpty()) size = QSize(320, 80);
  QImage image(size, QImage::Format_ARGB32_Premultiplied);
  image.fill(palette().color(QPalette::Base));
  QPainter painter(&image);
  paintGrid(painter, image.rect(), columns);
  return image;
}

}  // namespace marginlab::widgets
