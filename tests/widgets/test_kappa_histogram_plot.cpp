#include <qcustomplot.h>

#include <QtTest>

#include <algorithm>
#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/kappa_histogram_plot.h"

using namespace marginlab;
using namespace marginlab::widgets;

namespace {

QCPBars* barsOf(const KappaHistogramPlot& plot) {
  return qobject_cast<QCPBars*>(plot.plot()->plottable(0));
}

}  // namespace

class TestKappaHistogramPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void binsEveryClassAndMarksTheMedian() {
    const train::Snapshot s = testing::makeClassSnapshot();
    KappaHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QCPBars* bars = barsOf(plot);
    QVERIFY(bars);
    QCOMPARE(bars->dataCount(), KappaHistogramPlot::kBins);
    double total = 0;
    for (int i = 0; i < bars->dataCount(); ++i) total += bars->data()->at(i)->value;
    QCOMPARE(total, 500.0);

    std::vector<double> k = s.kappa.kappa;
    std::sort(k.begin(), k.end());
    QCOMPARE(plot.median(), 0.5 * (k[249] + k[250]));
    // The extremes fall in the first and last bins, and each bin counts exactly the κ inside it.
    const DataTable shown = plot.shownData();
    QCOMPARE(shown.rows.size(), std::size_t(KappaHistogramPlot::kBins + 1));
    QCOMPARE(shown.rows.front()[1].toDouble(), k.front());
    QVERIFY(std::abs(shown.rows[KappaHistogramPlot::kBins - 1][2].toDouble() - k.back()) < 1e-9 * k.back());
    const double lo = shown.rows[10][1].toDouble(), hi = shown.rows[10][2].toDouble();
    const auto inside = std::count_if(k.begin(), k.end(), [&](double v) { return v >= lo && v < hi; });
    QCOMPARE(shown.rows[10][3].toLongLong(), qint64(inside));
    QCOMPARE(bars->data()->at(10)->value, double(inside));
    QCOMPARE(shown.rows.back()[0].toString(), QStringLiteral("median"));
    QCOMPARE(shown.rows.back()[1].toDouble(), plot.median());
    auto* line = qobject_cast<QCPItemStraightLine*>(plot.plot()->item(0));
    QVERIFY(line && line->visible());
    QCOMPARE(line->point1->coords().x(), plot.median());
    QVERIFY(plot.plot()->xAxis->label().contains(QStringLiteral("500 classes")));
    testing::saveLook(plot, QStringLiteral("kappa_histogram_plot"));
    plot.setPalette(testing::darkPalette());
    testing::saveLook(plot, QStringLiteral("kappa_histogram_plot_dark"));
  }

  void leavesOutSingleImageClasses() {
    train::Snapshot s = testing::makeClassSnapshot();
    s.kappa.count[0] = 1;
    s.kappa.kappa[0] = 5e8;  // what r = 1 − ε gives: it would squash every other bar into one
    KappaHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QCOMPARE(plot.omittedClasses(), 1);
    QVERIFY(plot.shownData().rows[KappaHistogramPlot::kBins - 1][2].toDouble() < 1e4);
    QVERIFY(plot.plot()->xAxis->label().contains(QStringLiteral("1 with fewer than 2 images")));
  }

  void equalKappasStillDrawOneBar() {
    train::Snapshot s = testing::makeClassSnapshot();
    std::fill(s.kappa.kappa.begin(), s.kappa.kappa.end(), 300.0);
    KappaHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QCOMPARE(plot.median(), 300.0);
    double total = 0, peak = 0;
    for (const auto& row : plot.shownData().rows)
      if (row[0].toString() == QStringLiteral("histogram")) {
        total += row[3].toDouble();
        peak = std::max(peak, row[3].toDouble());
      }
    QCOMPARE(total, 500.0);
    QCOMPARE(peak, 500.0);
  }

  void emptyStatesSayWhy() {
    KappaHistogramPlot plot;
    plot.redrawNow();
    QVERIFY(!plot.emptyText().isEmpty());
    testing::ClassSnapshotOptions ada;
    ada.head_kind = "adaface";
    plot.setSnapshot(testing::makeClassSnapshot(ada));
    plot.redrawNow();
    QCOMPARE(plot.emptyText(), QStringLiteral("Per-class κ is KappaFace's: this run trains adaface"));
    QCOMPARE(barsOf(plot)->dataCount(), 0);
    QCOMPARE(plot.shownData().rows.size(), std::size_t(0));
    QVERIFY(!qobject_cast<QCPItemStraightLine*>(plot.plot()->item(0))->visible());
    testing::ClassSnapshotOptions fresh;
    fresh.refreshes = 0;
    train::Snapshot s = testing::makeClassSnapshot(fresh);
    s.kappa = {.kept = true};  // KappaFace before its first refresh
    plot.setSnapshot(s);
    QVERIFY(plot.emptyText().startsWith(QStringLiteral("No κ yet")));
    testing::saveLook(plot, QStringLiteral("kappa_histogram_plot_empty"));
  }
};

QTEST_MAIN(TestKappaHistogramPlot)
#include "test_kappa_histogram_plot.moc"
