#pragma once
// Training samples as the network sees them: a scrolling grid of image tiles, each with a caption (identity,
// quality, the augmentations applied) and a tooltip, at a tile size the user picks (48–160 px). The whole grid can be
// rendered to one image for export. Memory: at most kMaxTiles tiles (the images given, plus one scaled copy each).
#include <QImage>
#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QScrollArea;
class QSlider;

namespace marginlab::widgets {

struct SampleTile {
  QImage image;
  QString caption;  // may hold several lines ("id 4021\nq = 0.42\nflip, blur"); each is elided to the tile width
  QString tooltip;  // the full story; the caption when empty
};

class SampleGridCanvas;

class SampleGrid : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMaxTiles = 512;
  static constexpr int kMinTileSize = 48, kMaxTileSize = 160, kDefaultTileSize = 96;
  static constexpr int kMaxCaptionLines = 3;

  explicit SampleGrid(QWidget* parent = nullptr);
  ~SampleGrid() override;

  // Replaces the tiles (the first kMaxTiles of them).
  void setTiles(const QList<SampleTile>& tiles);
  void clear();
  int tileCount() const { return tiles_.size(); }
  const QList<SampleTile>& tiles() const { return tiles_; }

  // Side of a tile's image square in pixels, clamped to [kMinTileSize, kMaxTileSize]; the slider follows.
  void setTileSize(int pixels);
  int tileSize() const { return tileSize_; }
  // Tiles per row at the current width.
  int columnCount() const;
  // A tile's cell (image and caption) in grid coordinates, and the tile at a point in them (−1 if none).
  QRect tileRect(int index) const;
  int tileAt(QPoint gridPoint) const;

  // The text shown when there are no tiles (the app can say why: "this data source has no images").
  void setEmptyText(const QString& text);
  QString emptyText() const { return emptyText_; }

  // The whole grid (all rows, at the current tile size and column count) as one image in the palette's colours.
  QImage renderGrid() const;
  // The canvas inside the scroll area (grid coordinates are its coordinates).
  QWidget* canvas() const;

 Q_SIGNALS:
  void tileClicked(int index);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  friend class SampleGridCanvas;
  QSize cellSize() const;
  int captionLines() const;
  void relayout();
  void paintGrid(QPainter& painter, const QRect& area, int columns) const;

  QList<SampleTile> tiles_;
  mutable QList<QPixmap> scaled_;  // per tile at tileSize_, made on first paint
  mutable int scaledSize_ = 0;
  int tileSize_ = kDefaultTileSize;
  QString emptyText_;
  QSlider* slider_;
  QLabel* sizeLabel_;
  QLabel* countLabel_;
  QScrollArea* scroll_;
  SampleGridCanvas* canvas_;
};

}  // namespace marginlab::widgets
