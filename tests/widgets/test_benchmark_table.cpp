// The benchmark table and the IJB ROC of several runs: the runs' rows above the published ones (in italics), numbers
// sortable and exported as shown; one curve per run for the chosen target and mode, none at FAR 0.
#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QTableWidget>
#include <QtTest>

#include <cmath>

#include "widgets/benchmark_roc_plot.h"
#include "widgets/benchmark_table.h"

using namespace marginlab;

namespace {

nlohmann::json ijb(double tar) {
  return {{"1to1",
           {{"N1D0F1",
             {{"tar", {{"0.0001", tar}}}, {"roc", {{"far", {0.0, 1e-5, 1e-4, 1.0}}, {"tar", {0.0, 0.2, tar, 1.0}}}}}},
            {"N1D1F1",
             {{"tar", {{"0.0001", tar + 0.01}}}, {"roc", {{"far", {0.0, 1e-4, 1.0}}, {"tar", {0.0, tar, 1.0}}}}}}}}};
}

std::vector<benchmarks::RunBenchmarks> runs() {
  return {{"adaface-r100", "ir100", "/data/ms1mv2", {{"IJBC", 100, "a.pt", ijb(0.9)}}},
          {"arcface-r100", "ir100", "/data/ms1mv2", {{"IJBC", 200, "b.pt", ijb(0.8)}}}};
}

}  // namespace

class TestBenchmarkTable : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyTableSaysHowToFillIt() {
    widgets::BenchmarkTable table;
    QCOMPARE(table.table()->rowCount(), 0);
    QVERIFY(table.findChild<QLabel*>()->text().contains(QStringLiteral("marginlab-cli ijb")));
  }

  void runsFirstThenPublishedInItalics() {
    widgets::BenchmarkTable table;
    table.setRuns(runs());
    QTableWidget* t = table.table();
    QVERIFY(t->rowCount() > 4);
    QCOMPARE(t->item(0, 0)->text(), QStringLiteral("adaface-r100"));
    QCOMPARE(t->item(0, 2)->text(), QStringLiteral("1:1 N1D1F1"));  // insightface's default mode first
    QCOMPARE(t->item(0, 6)->text(), QStringLiteral("91.00"));       // TAR at 1e-4, in percent
    QVERIFY(!t->item(0, 0)->font().italic());
    QVERIFY(t->item(4, 0)->font().italic());
    QVERIFY(t->item(4, 0)->text().contains(QStringLiteral("MS1MV2")));
    const auto data = table.shownData();
    QCOMPARE(data.columns.size(), t->columnCount() + 1);
    QCOMPARE(data.columns[6], QStringLiteral("TAR (%) @1e-4"));
    QCOMPARE(data.rows[0][6].toDouble(), 91.0);
    QCOMPARE(data.rows[0][4].toString(), QString());  // no TAR at 1e-6 in this result
    QCOMPARE(data.rows[4].back().toBool(), true);
    // Sorting by TAR at 1e-4, descending: the published 96-97 % above the runs.
    t->sortItems(6, Qt::DescendingOrder);
    QVERIFY(t->item(0, 0)->font().italic());
  }

  void oneCurvePerRunForTheChosenMode() {
    widgets::BenchmarkRocPlot plot;
    plot.setRuns(runs());
    QCOMPARE(plot.choices(), (QStringList{QStringLiteral("IJB-C N1D1F1"), QStringLiteral("IJB-C N1D0F1")}));
    QCOMPARE(plot.choice(), QStringLiteral("IJB-C N1D1F1"));
    plot.redrawNow();
    QCOMPARE(plot.plot()->plottableCount(), 2);
    auto* first = qobject_cast<QCPCurve*>(plot.plot()->plottable(0));
    QCOMPARE(first->dataCount(), 2);  // FAR 0 left out of the log axis
    QCOMPARE(first->name(), QStringLiteral("adaface-r100 (TAR@1e-4 91.00%)"));
    plot.setChoice(QStringLiteral("IJB-C N1D0F1"));
    plot.redrawNow();
    QCOMPARE(qobject_cast<QCPCurve*>(plot.plot()->plottable(1))->dataCount(), 3);
    QCOMPARE(plot.plot()->xAxis->range().lower, 1e-5);
    QCOMPARE(plot.shownData().rows.size(), std::size_t{6});
    plot.setRuns({});
    plot.redrawNow();
    QCOMPARE(plot.plot()->plottableCount(), 0);
  }
};

QTEST_MAIN(TestBenchmarkTable)
#include "test_benchmark_table.moc"
