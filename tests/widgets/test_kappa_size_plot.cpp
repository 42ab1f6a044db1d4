#include <qcustomplot.h>

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/kappa_size_plot.h"

using namespace marginlab;
using namespace marginlab::widgets;

namespace {

int drawnPoints(const KappaSizePlot& plot, QCPGraph* except) {
  int total = 0;
  for (int i = 0; i < plot.plot()->graphCount(); ++i)
    if (plot.plot()->graph(i) != except) total += plot.plot()->graph(i)->dataCount();
  return total;
}

// The graph (colour step) that draws the point (n, κ), or −1.
int graphOf(const KappaSizePlot& plot, double n, double kappa) {
  for (int i = 0; i < plot.plot()->graphCount() - 1; ++i) {
    auto data = plot.plot()->graph(i)->data();
    for (auto it = data->constBegin(); it != data->constEnd(); ++it)
      if (it->key == n && it->value == kappa) return i;
  }
  return -1;
}

}  // namespace

class TestKappaSizePlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void drawsOnePointPerClassColouredByMargin() {
    const train::Snapshot s = testing::makeClassSnapshot();
    KappaSizePlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(plot.emptyText().isEmpty());
    QCOMPARE(plot.shownData().rows.size(), std::size_t(500));
    QCOMPARE(drawnPoints(plot, plot.plot()->graph(plot.plot()->graphCount() - 1)), 500);
    // Every class's (n, κ̂) is drawn, and the step of its colour follows its margin.
    const auto& k = s.kappa;
    std::size_t lo = 0, hi = 0;
    for (std::size_t c = 0; c < k.margin.size(); ++c) {
      if (k.margin[c] < k.margin[lo]) lo = c;
      if (k.margin[c] > k.margin[hi]) hi = c;
      QVERIFY(graphOf(plot, double(k.count[c]), k.kappa[c]) >= 0);
    }
    QCOMPARE(graphOf(plot, double(k.count[lo]), k.kappa[lo]), 0);
    QCOMPARE(graphOf(plot, double(k.count[hi]), k.kappa[hi]), plot.plot()->graphCount() - 2);
    QCOMPARE(plot.colorScale()->dataRange().lower, k.margin[lo]);
    QCOMPARE(plot.colorScale()->dataRange().upper, k.margin[hi]);
    QCOMPARE(plot.plot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    const auto row = plot.shownData().rows[7];
    QCOMPARE(row[0].toLongLong(), 7);
    QCOMPARE(row[1].toLongLong(), k.count[7]);
    QCOMPARE(row[2].toDouble(), k.kappa[7]);
    QCOMPARE(row[3].toDouble(), k.margin[7]);
    testing::saveLook(plot, QStringLiteral("kappa_size_plot"));
  }

  void leavesOutClassesWhoseKappaIsNotEstimable() {
    train::Snapshot s = testing::makeClassSnapshot();
    s.kappa.count[3] = 1;
    s.kappa.kappa[4] = std::nan("");
    KappaSizePlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QCOMPARE(plot.omittedClasses(), 2);
    QCOMPARE(plot.shownData().rows.size(), std::size_t(498));
    QCOMPARE(plot.shownData().rows[3][0].toLongLong(), 5);
  }

  void clickingAPointEmitsItsClassAndHighlightsIt() {
    const train::Snapshot s = testing::makeClassSnapshot();
    KappaSizePlot plot;
    plot.resize(700, 450);
    plot.setSnapshot(s);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.redrawNow();
    plot.plot()->replot();
    QCPAxis* x = plot.plot()->xAxis;
    QCPAxis* y = plot.plot()->yAxis;
    // A class whose point has no neighbour within 12 px, so that the click can only mean it.
    qint64 target = -1;
    QPoint pixel;
    for (std::size_t c = 0; c < s.kappa.kappa.size() && target < 0; ++c) {
      const QPointF pc(x->coordToPixel(double(s.kappa.count[c])), y->coordToPixel(s.kappa.kappa[c]));
      bool alone = true;
      for (std::size_t o = 0; o < s.kappa.kappa.size() && alone; ++o) {
        if (o == c) continue;
        const QPointF po(x->coordToPixel(double(s.kappa.count[o])), y->coordToPixel(s.kappa.kappa[o]));
        alone = QLineF(pc, po).length() > 12.0;
      }
      if (alone) {
        target = qint64(c);
        pixel = pc.toPoint();
      }
    }
    QVERIFY(target >= 0);
    QSignalSpy spy(&plot, &KappaSizePlot::classClicked);
    QTest::mouseClick(plot.plot(), Qt::LeftButton, Qt::NoModifier, pixel + QPoint(2, -1));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toLongLong(), target);
    QCOMPARE(plot.selectedClass(), target);
    QCPGraph* highlight = plot.plot()->graph(plot.plot()->graphCount() - 1);
    QCOMPARE(highlight->dataCount(), 1);
    QCOMPARE(highlight->data()->at(0)->key, double(s.kappa.count[target]));
    QCOMPARE(highlight->data()->at(0)->value, s.kappa.kappa[target]);
    testing::saveLook(plot, QStringLiteral("kappa_size_plot_selected"));
    plot.setPalette(testing::darkPalette());
    testing::saveLook(plot, QStringLiteral("kappa_size_plot_dark"));

    // A click on empty space selects nothing.
    QTest::mouseClick(plot.plot(), Qt::LeftButton, Qt::NoModifier,
                      QPoint(int(x->coordToPixel(x->range().lower)) + 3, int(y->coordToPixel(y->range().lower)) - 3));
    QCOMPARE(spy.count(), 1);
  }

  void programmaticSelectionDoesNotEmit() {
    KappaSizePlot plot;
    plot.setSnapshot(testing::makeClassSnapshot());
    QSignalSpy spy(&plot, &KappaSizePlot::classClicked);
    plot.setSelectedClass(42);
    plot.redrawNow();
    QCOMPARE(spy.count(), 0);
    QCOMPARE(plot.plot()->graph(plot.plot()->graphCount() - 1)->dataCount(), 1);
    plot.setSelectedClass(-1);
    plot.redrawNow();
    QCOMPARE(plot.plot()->graph(plot.plot()->graphCount() - 1)->dataCount(), 0);
  }

  void drawsMs1mv2SizedRuns() {
    testing::ClassSnapshotOptions big;
    big.classes = 85000;
    big.max_size = 600;
    const train::Snapshot s = testing::makeClassSnapshot(big);
    KappaSizePlot plot;
    plot.resize(700, 450);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.setSnapshot(s);
    plot.redrawNow();
    plot.plot()->replot();
    QCOMPARE(drawnPoints(plot, plot.plot()->graph(plot.plot()->graphCount() - 1)), 85000);
    QCOMPARE(plot.shownData().rows.size(), std::size_t(85000));
    testing::saveLook(plot, QStringLiteral("kappa_size_plot_85k"));
  }

  void emptyStatesSayWhy() {
    KappaSizePlot plot;
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("first snapshot")));

    testing::ClassSnapshotOptions arc;
    arc.head_kind = "arcface";
    plot.setSnapshot(testing::makeClassSnapshot(arc));
    plot.redrawNow();
    QCOMPARE(plot.emptyText(), QStringLiteral("Per-class κ is KappaFace's: this run trains arcface"));
    QCOMPARE(drawnPoints(plot, nullptr), 0);
    QCOMPARE(plot.shownData().rows.size(), std::size_t(0));
    QVERIFY(!plot.colorScale()->visible());
    testing::saveLook(plot, QStringLiteral("kappa_size_plot_empty"));

    train::Snapshot fresh = testing::makeClassSnapshot();
    fresh.kappa = {.kept = true};  // KappaFace before its first refresh
    plot.setSnapshot(fresh);
    QVERIFY(plot.emptyText().startsWith(QStringLiteral("No κ yet")));

    plot.setSnapshot(testing::makeClassSnapshot());
    QVERIFY(plot.emptyText().isEmpty());
    plot.clear();
    plot.redrawNow();
    QCOMPARE(drawnPoints(plot, nullptr), 0);
  }
};

QTEST_MAIN(TestKappaSizePlot)
#include "test_kappa_size_plot.moc"
