#include <qcustomplot.h>

#include <QDir>
#include <QImage>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

#include "widgets/plot_export.h"
#include "widgets/plot_widget.h"

using namespace marginlab::widgets;

namespace {

// The smallest real plot: one line whose points are its shown data; counts its redraws.
class LinePlot : public PlotWidget {
 public:
  LinePlot() : PlotWidget(QStringLiteral("line")) { plot()->addGraph(); }
  void setPoints(QVector<double> x, QVector<double> y) {
    x_ = std::move(x);
    y_ = std::move(y);
    refresh();
  }
  DataTable shownData() const override {
    DataTable table{{QStringLiteral("x"), QStringLiteral("y, value")}, {}};
    for (int i = 0; i < x_.size(); ++i) table.rows.push_back({x_[i], y_[i]});
    return table;
  }
  int redraws = 0;

 protected:
  void redraw() override {
    ++redraws;
    plot()->graph(0)->setData(x_, y_);
    plot()->rescaleAxes();
  }

 private:
  QVector<double> x_, y_;
};

QByteArray readAll(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class TestPlotExport : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void hiddenPlotsRedrawOnlyWhenShown() {
    LinePlot plot;
    plot.setPoints({0, 1}, {1, 2});
    plot.setPoints({0, 1, 2}, {1, 2, 3});
    QCOMPARE(plot.redraws, 0);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    QCOMPARE(plot.redraws, 1);
    QCOMPARE(plot.plot()->graph(0)->dataCount(), 3);
    plot.setPoints({0}, {1});
    QCOMPARE(plot.redraws, 2);
  }

  void pngHasThePixelSizeOfInchesTimesDpi() {
    QTemporaryDir dir;
    LinePlot plot;
    plot.setPoints({0, 1, 2}, {0, 1, 4});
    const QString path = dir.filePath(QStringLiteral("line.png"));
    QCOMPARE(exportFigure(plot, path, FigureFormat::png, {3.0, 2.0, 150}), QString());
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(450, 300));
    QCOMPARE(qRound(image.dotsPerMeterX() * 0.0254), 150);
  }

  void pdfAndSvgAreValidDocuments() {
    QTemporaryDir dir;
    LinePlot plot;
    plot.setPoints({0, 1, 2}, {0, 1, 4});
    const QString pdf = dir.filePath(QStringLiteral("line.pdf"));
    QCOMPARE(exportFigure(plot, pdf, FigureFormat::pdf, {}), QString());
    QVERIFY(readAll(pdf).startsWith("%PDF-"));
    const QString svg = dir.filePath(QStringLiteral("line.svg"));
    QCOMPARE(exportFigure(plot, svg, FigureFormat::svg, {}), QString());
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QVERIFY(readAll(svg).contains("<svg"));
  }

  void csvRowsAreTheShownPoints() {
    QTemporaryDir dir;
    LinePlot plot;
    plot.setPoints({0.1, 2}, {1.0 / 3.0, std::nan("")});
    const QString path = dir.filePath(QStringLiteral("line.csv"));
    QCOMPARE(exportCsv(plot.shownData(), path), QString());
    const QStringList lines = QString::fromUtf8(readAll(path)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QStringLiteral("x,\"y, value\""));
    const QStringList first = lines[1].split(QLatin1Char(','));
    QCOMPARE(first[0].toDouble(), 0.1);
    QCOMPARE(first[1].toDouble(), 1.0 / 3.0);  // 17 significant digits round-trip the double
    QCOMPARE(lines[2], QStringLiteral("2,"));  // NaN: an empty cell
  }

  void formatsComeFromTheSuffix() {
    FigureFormat format{};
    QVERIFY(figureFormatFromPath(QStringLiteral("a/b.PDF"), &format));
    QCOMPARE(format, FigureFormat::pdf);
    QVERIFY(figureFormatFromPath(QStringLiteral("b.svg"), &format));
    QCOMPARE(format, FigureFormat::svg);
    QVERIFY(!figureFormatFromPath(QStringLiteral("b.jpeg"), &format));
  }

  void failuresNameTheFileAndLeaveNothingBehind() {
    QTemporaryDir dir;
    LinePlot plot;
    plot.setPoints({0, 1}, {0, 1});
    const QString missingFolder = dir.filePath(QStringLiteral("no/such/folder/line.png"));
    const QString error = exportFigure(plot, missingFolder, FigureFormat::png, {});
    QVERIFY2(error.contains(missingFolder), qPrintable(error));
    QVERIFY(exportCsv(plot.shownData(), missingFolder + QStringLiteral(".csv")).contains(QStringLiteral("no/such")));

    const QString tooLarge = dir.filePath(QStringLiteral("big.png"));
    QVERIFY(exportFigure(plot, tooLarge, FigureFormat::png, {500, 4, 200}).contains(QStringLiteral("inches")));
    QVERIFY(exportFigure(plot, tooLarge, FigureFormat::png, {6, 4, 5}).contains(QStringLiteral("dpi")));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
  }
};

QTEST_MAIN(TestPlotExport)
#include "test_plot_export.moc"
