#include <qcustomplot.h>

#include <QtTest>

#include <algorithm>
#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/class_size_plot.h"

using namespace marginlab;
using namespace marginlab::widgets;

class TestClassSizePlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void binsEveryClassOnLogSpacedBins() {
    const train::Snapshot s = testing::makeClassSnapshot();
    ClassSizePlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    const DataTable shown = plot.shownData();
    QVERIFY(shown.rows.size() >= 15 && shown.rows.size() <= std::size_t(ClassSizePlot::kTargetBins));
    qint64 total = 0;
    for (const auto& row : shown.rows) {
      const qint64 lo = row[0].toLongLong(), hi = row[1].toLongLong();
      QVERIFY(lo <= hi);
      const auto inside = std::count_if(s.class_count.begin(), s.class_count.end(),
                                        [&](std::int64_t n) { return n >= lo && n <= hi; });
      QCOMPARE(row[2].toLongLong(), qint64(inside));
      total += row[2].toLongLong();
    }
    QCOMPARE(total, qint64(500));
    // Consecutive bins tile the sizes, and the large bins are log-spaced (widths grow with size).
    for (std::size_t i = 1; i < shown.rows.size(); ++i)
      QCOMPARE(shown.rows[i][0].toLongLong(), shown.rows[i - 1][1].toLongLong() + 1);
    QCOMPARE(shown.rows.front()[0].toLongLong(), 2);
    QCOMPARE(shown.rows.back()[1].toLongLong(), 200);
    const double last_width = shown.rows.back()[1].toDouble() - shown.rows.back()[0].toDouble() + 1;
    const double middle_width = shown.rows[shown.rows.size() / 2][1].toDouble() -
                                shown.rows[shown.rows.size() / 2][0].toDouble() + 1;
    QVERIFY(last_width > 2 * middle_width);
    QCOMPARE(plot.plot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    // The graph steps through exactly those counts.
    QCPGraph* graph = plot.plot()->graph(0);
    QCOMPARE(graph->dataCount(), int(shown.rows.size()) + 3);
    QCOMPARE(graph->data()->at(1)->key, shown.rows.front()[0].toDouble());
    QCOMPARE(graph->data()->at(1)->value, shown.rows.front()[3].toDouble());
    // The height is a density per decade: classes / log10(upper edge / lower edge).
    for (const auto& row : shown.rows)
      QVERIFY(std::abs(row[3].toDouble() - row[2].toDouble() / std::log10((row[1].toDouble() + 1) / row[0].toDouble())) <
              1e-9 * (1 + row[3].toDouble()));
    testing::saveLook(plot, QStringLiteral("class_size_plot"));
    plot.setPalette(testing::darkPalette());
    testing::saveLook(plot, QStringLiteral("class_size_plot_dark"));
  }

  void summaryGivesClassesAndImbalance() {
    ClassSizePlot plot;
    plot.setClassCounts({3, 3, 5, 60, 0, 12});
    plot.redrawNow();
    QCOMPARE(plot.imbalance(), 20.0);
    const QString summary = plot.summary();
    QVERIFY(summary.contains(QStringLiteral("6 classes")));
    QVERIFY(summary.contains(QStringLiteral("3 to 60 images")));
    QVERIFY(summary.contains(QStringLiteral("median 5")));
    QVERIFY(summary.contains(QStringLiteral("= 20×")));
    QVERIFY(summary.contains(QStringLiteral("1 empty classes not shown")));
    qint64 total = 0;
    for (const auto& row : plot.shownData().rows) total += row[2].toLongLong();
    QCOMPARE(total, qint64(5));
    auto* title = qobject_cast<QCPTextElement*>(plot.plot()->plotLayout()->element(0, 0));
    QVERIFY(title);
    QCOMPARE(title->text(), summary);
  }

  void handlesMs1mv2SizedDatasets() {
    // 85,000 classes from 2 to ~600 images: still about 30 bins.
    std::vector<std::int64_t> counts(85000);
    for (std::size_t c = 0; c < counts.size(); ++c)
      counts[c] = 2 + static_cast<std::int64_t>(600.0 * std::pow((c * 7919 % 85000) / 85000.0, 3.0));
    ClassSizePlot plot;
    plot.setClassCounts(counts);
    plot.redrawNow();
    qint64 total = 0;
    for (const auto& row : plot.shownData().rows) total += row[2].toLongLong();
    QCOMPARE(total, qint64(85000));
    QVERIFY(plot.shownData().rows.size() <= std::size_t(ClassSizePlot::kTargetBins));
    const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    QCOMPARE(plot.imbalance(), double(*hi) / double(*lo));
  }

  void emptyStates() {
    ClassSizePlot plot;
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("first snapshot")));
    QCOMPARE(plot.summary(), QString());
    plot.setClassCounts({});
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("no class sizes")));
    QCOMPARE(plot.plot()->graph(0)->dataCount(), 0);
    testing::saveLook(plot, QStringLiteral("class_size_plot_empty"));
    plot.setClassCounts({1, 1, 1});
    QVERIFY(plot.emptyText().isEmpty());
    QCOMPARE(plot.imbalance(), 1.0);
    QCOMPARE(plot.shownData().rows.size(), std::size_t(1));
  }
};

QTEST_MAIN(TestClassSizePlot)
#include "test_class_size_plot.moc"
