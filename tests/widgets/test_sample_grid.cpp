#include <QPainter>
#include <QScrollArea>
#include <QSignalSpy>
#include <QSlider>
#include <QtTest>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/sample_grid.h"

using namespace marginlab;
using namespace marginlab::widgets;

namespace {

// Face-like stand-ins: a skin-coloured oval on a background whose hue says the identity.
QList<SampleTile> makeTiles(int count) {
  QList<SampleTile> tiles;
  for (int i = 0; i < count; ++i) {
    QImage image(112, 112, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((i * 37) % 360, 90, 150));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(QColor(225, 185, 150));
    painter.setPen(Qt::NoPen);
    painter.drawEllipse(QPoint(56, 58), 32, 42);
    painter.end();
    const double q = (i * 0.137) - int(i * 0.137);
    tiles << SampleTile{image,
                        QStringLiteral("id %1\nq = %2\n%3")
                            .arg(4000 + i)
                            .arg(q, 0, 'f', 2)
                            .arg(i % 3 == 0 ? QStringLiteral("flip, blur σ=1.5, jpeg q=30") : QStringLiteral("flip")),
                        QStringLiteral("sample %1 of identity %2").arg(i).arg(4000 + i)};
  }
  return tiles;
}

}  // namespace

class TestSampleGrid : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void laysOutTilesInRowsThatFitTheWidth() {
    SampleGrid grid;
    grid.resize(640, 480);
    grid.show();
    QVERIFY(QTest::qWaitForWindowExposed(&grid));
    grid.setTiles(makeTiles(30));
    QCOMPARE(grid.tileCount(), 30);
    const int columns = grid.columnCount();
    QVERIFY(columns >= 4 && columns <= 6);  // 96 px tiles in ~620 px
    QCOMPARE(grid.tileRect(columns).top(), grid.tileRect(0).bottom() + 1 + 8);  // the next row, one gap below
    QCOMPARE(grid.tileRect(1).left(), grid.tileRect(0).right() + 1 + 8);
    QCOMPARE(grid.tileRect(0).width(), 96);
    QVERIFY(grid.tileRect(0).height() > 96);  // room for the captions
    // The canvas is as tall as the rows: the rest scrolls.
    const int rows = (30 + columns - 1) / columns;
    QVERIFY(grid.canvas()->height() >= grid.tileRect(rows * columns - 1).bottom());
    QVERIFY(grid.canvas()->height() > grid.findChild<QScrollArea*>()->viewport()->height());
    testing::saveLook(grid, QStringLiteral("sample_grid"));
  }

  void tileSizeControlRescalesAndReflows() {
    SampleGrid grid;
    grid.resize(640, 480);
    grid.show();
    QVERIFY(QTest::qWaitForWindowExposed(&grid));
    grid.setTiles(makeTiles(30));
    const int columns = grid.columnCount();
    auto* slider = grid.findChild<QSlider*>(QStringLiteral("tile_size"));
    QCOMPARE(slider->minimum(), 48);
    QCOMPARE(slider->maximum(), 160);
    slider->setValue(48);
    QCOMPARE(grid.tileSize(), 48);
    QCOMPARE(grid.tileRect(0).width(), 48);
    QVERIFY(grid.columnCount() > columns);
    testing::saveLook(grid, QStringLiteral("sample_grid_small"));
    grid.setTileSize(500);  // clamped, and the slider follows
    QCOMPARE(grid.tileSize(), 160);
    QCOMPARE(slider->value(), 160);
    QVERIFY(grid.columnCount() < columns);
  }

  void clicksAndTooltipsFindTheirTile() {
    SampleGrid grid;
    grid.resize(640, 480);
    grid.show();
    QVERIFY(QTest::qWaitForWindowExposed(&grid));
    grid.setTiles(makeTiles(12));
    QSignalSpy spy(&grid, &SampleGrid::tileClicked);
    QTest::mouseClick(grid.canvas(), Qt::LeftButton, Qt::NoModifier, grid.tileRect(5).center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 5);
    // Between tiles and past the last one there is nothing to click.
    QCOMPARE(grid.tileAt(grid.tileRect(0).topRight() + QPoint(4, 0)), -1);
    QCOMPARE(grid.tileAt(QPoint(2, 2)), -1);
    QCOMPARE(grid.tileAt(grid.tileRect(11).center() + QPoint(grid.tileRect(0).width() + 8, 0)), -1);
    QCOMPARE(grid.tileAt(grid.tileRect(7).topLeft()), 7);
  }

  void rendersTheWholeGridForExport() {
    SampleGrid grid;
    grid.resize(640, 300);
    grid.show();
    QVERIFY(QTest::qWaitForWindowExposed(&grid));
    grid.setTiles(makeTiles(40));
    const QImage image = grid.renderGrid();
    const int columns = grid.columnCount();
    const int rows = (40 + columns - 1) / columns;
    QCOMPARE(image.height(), grid.tileRect((rows - 1) * columns).bottom() + 1 + 8);  // every row, not just the visible
    QVERIFY(image.height() > grid.findChild<QScrollArea*>()->viewport()->height());
    // The first tile's image is drawn where tileRect says (its background hue at the corner).
    const QColor corner = image.pixelColor(grid.tileRect(0).topLeft() + QPoint(2, 2));
    QCOMPARE(corner.hsvHue(), 0);
    QVERIFY(corner.saturation() > 60);
    const QString dir = qEnvironmentVariable("MARGINLAB_LOOK_DIR");
    if (!dir.isEmpty()) image.save(dir + QStringLiteral("/sample_grid_render.png"));
  }

  void boundedAndEmpty() {
    SampleGrid grid;
    QCOMPARE(grid.emptyText(), QStringLiteral("No samples to show yet"));
    QVERIFY(!grid.renderGrid().isNull());
    grid.setTiles(makeTiles(SampleGrid::kMaxTiles + 20));
    QCOMPARE(grid.tileCount(), SampleGrid::kMaxTiles);
    grid.clear();
    QCOMPARE(grid.tileCount(), 0);
    grid.setEmptyText(QStringLiteral("This data source has no images"));
    grid.resize(400, 200);
    grid.show();
    QVERIFY(QTest::qWaitForWindowExposed(&grid));
    testing::saveLook(grid, QStringLiteral("sample_grid_empty"));
    // The empty grid paints its text, not a blank: some pixel in the middle differs from the background.
    const QImage shot = grid.canvas()->grab().toImage();
    const QColor base = grid.palette().color(QPalette::Base);
    bool ink = false;
    for (int x = 0; x < shot.width() && !ink; ++x) ink = shot.pixelColor(x, shot.height() / 2) != base;
    QVERIFY(ink);
  }
};

QTEST_MAIN(TestSampleGrid)
#include "test_sample_grid.moc"
