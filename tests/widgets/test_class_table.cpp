#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/class_table.h"

using namespace marginlab;
using namespace marginlab::widgets;

namespace {

QVariant cell(const ClassTable& table, int row, int column) {
  return table.model()->data(table.model()->index(row, column), ClassTable::kValueRole);
}
QString text(const ClassTable& table, int row, int column) {
  return table.model()->data(table.model()->index(row, column), Qt::DisplayRole).toString();
}

}  // namespace

class TestClassTable : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void showsEveryClassWithItsStatistics() {
    const train::Snapshot s = testing::makeClassSnapshot();
    ClassTable table;
    table.setSnapshot(s);
    table.updateNow();
    QVERIFY(table.hasKappa());
    QCOMPARE(table.classCount(), 500);
    QCOMPARE(table.model()->columnCount(), 8);
    QCOMPARE(table.model()->headerData(7, Qt::Horizontal).toString(), QStringLiteral("mean θ (°)"));
    // Sorted by class id at first: row 7 is class 7.
    QCOMPARE(cell(table, 7, 0).toLongLong(), 7);
    QCOMPARE(cell(table, 7, 1).toLongLong(), s.class_count[7]);
    QCOMPARE(cell(table, 7, 2).toDouble(), s.kappa.kappa[7]);
    QCOMPARE(cell(table, 7, 3).toDouble(), s.kappa.r[7]);
    QCOMPARE(cell(table, 7, 4).toDouble(), s.kappa.psi[7]);
    QCOMPARE(cell(table, 7, 5).toDouble(), s.kappa.margin[7]);
    QVERIFY(std::abs(cell(table, 7, 6).toDouble() - s.kappa.margin[7] * 180.0 / M_PI) < 1e-9);
    QCOMPARE(text(table, 7, 5), QString::number(s.kappa.margin[7], 'f', 3));
    // Mean θ in degrees; blank for a class that was not in the sample window.
    int unseen = -1, seen = -1;
    for (int c = 0; c < 500; ++c) (std::isnan(s.class_mean_theta[c]) ? unseen : seen) = c;
    QVERIFY(unseen >= 0 && seen >= 0);
    QVERIFY(!cell(table, unseen, 7).isValid());
    QCOMPARE(text(table, unseen, 7), QString());
    QVERIFY(std::abs(cell(table, seen, 7).toDouble() - s.class_mean_theta[seen] * 180.0 / M_PI) < 1e-4);
    const DataTable shown = table.shownData();
    QCOMPARE(shown.columns.size(), 8);
    QCOMPARE(shown.rows.size(), std::size_t(500));
    QCOMPARE(shown.rows[7][2].toDouble(), s.kappa.kappa[7]);
  }

  void sortsNumericallyWithUnknownsLast() {
    const train::Snapshot s = testing::makeClassSnapshot();
    ClassTable table;
    table.setSnapshot(s);
    table.updateNow();
    // Sizes run from 2 to 200: a text sort would put "99" above "200".
    table.view()->sortByColumn(1, Qt::DescendingOrder);
    QCOMPARE(cell(table, 0, 1).toLongLong(), 200);
    for (int row = 1; row < table.classCount(); ++row)
      QVERIFY(cell(table, row - 1, 1).toLongLong() >= cell(table, row, 1).toLongLong());
    table.view()->sortByColumn(2, Qt::AscendingOrder);
    for (int row = 1; row < table.classCount(); ++row)
      QVERIFY(cell(table, row - 1, 2).toDouble() <= cell(table, row, 2).toDouble());
    // Mean θ: the unseen classes (blank) come last whichever way round.
    for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
      table.view()->sortByColumn(7, order);
      bool blank = false;
      for (int row = 0; row < table.classCount(); ++row) {
        const bool here = !cell(table, row, 7).isValid();
        QVERIFY(!blank || here);
        blank = here;
      }
      QVERIFY(blank);
    }
    QCOMPARE(table.shownData().rows.front()[7].toDouble(), cell(table, 0, 7).toDouble());
  }

  void selectionEmitsAndFollowsItsClass() {
    train::Snapshot s = testing::makeClassSnapshot();
    ClassTable table;
    table.resize(700, 400);
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    table.setSnapshot(s);
    QSignalSpy spy(&table, &ClassTable::classSelected);

    // A user click on a row.
    const QRect rect = table.view()->visualRect(table.model()->index(3, 1));
    QTest::mouseClick(table.view()->viewport(), Qt::LeftButton, Qt::NoModifier, rect.center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toLongLong(), table.classAtRow(3));

    // Programmatic selection: emits once, selects and scrolls to the row.
    table.selectClass(321);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toLongLong(), 321);
    table.selectClass(321);
    QCOMPARE(spy.count(), 2);
    QCOMPARE(table.view()->selectionModel()->selectedRows().size(), 1);
    QCOMPARE(table.view()->selectionModel()->selectedRows().first().row(), table.rowOfClass(321));

    // The selection stays on class 321 through a re-sort and a new snapshot, without emitting again.
    table.view()->sortByColumn(2, Qt::DescendingOrder);
    QCOMPARE(table.classAtRow(table.view()->selectionModel()->selectedRows().first().row()), 321);
    for (auto& k : s.kappa.kappa) k *= 1.1;
    s.kappa.kappa[321] = 1.0;  // now the smallest: the row moves to the bottom
    table.setSnapshot(s);
    QCOMPARE(table.rowOfClass(321), 499);
    QCOMPARE(table.view()->selectionModel()->selectedRows().first().row(), 499);
    QCOMPARE(table.selectedClass(), 321);
    QCOMPARE(spy.count(), 2);
    testing::saveLook(table, QStringLiteral("class_table"));

    // An unknown class clears the selection.
    table.selectClass(100000);
    QCOMPARE(table.selectedClass(), -1);
    QVERIFY(table.view()->selectionModel()->selectedRows().isEmpty());
  }

  void otherHeadsShowSizeAndMeanThetaOnly() {
    testing::ClassSnapshotOptions arc;
    arc.head_kind = "arcface";
    ClassTable table;
    table.setSnapshot(testing::makeClassSnapshot(arc));
    table.updateNow();
    QVERIFY(!table.hasKappa());
    QCOMPARE(table.model()->columnCount(), 3);
    QCOMPARE(table.classCount(), 500);
    QCOMPARE(table.shownData().columns,
             QStringList({QStringLiteral("class"), QStringLiteral("n (images)"), QStringLiteral("mean theta (degrees)")}));
    QVERIFY(table.findChild<QLabel*>()->text().contains(QStringLiteral("arcface")));
    // And back to KappaFace: the columns come back.
    table.setSnapshot(testing::makeClassSnapshot());
    table.updateNow();
    QCOMPARE(table.model()->columnCount(), 8);
  }

  void hiddenTableDefersAndEmptyTableSaysWhy() {
    ClassTable table;
    QCOMPARE(table.classCount(), 0);
    QVERIFY(table.findChild<QLabel*>()->text().contains(QStringLiteral("first snapshot")));
    table.setSnapshot(testing::makeClassSnapshot());
    QCOMPARE(table.classCount(), 0);  // hidden: stored, not sorted
    table.updateNow();
    QCOMPARE(table.classCount(), 500);
    table.setSnapshot(testing::makeClassSnapshot());
    table.selectClass(5);  // selecting in a hidden table applies its stored snapshot first
    QCOMPARE(table.selectedClass(), 5);
    table.clear();
    QCOMPARE(table.classCount(), 0);
    QCOMPARE(table.shownData().rows.size(), std::size_t(0));
  }

  void handlesMs1mv2SizedRuns() {
    testing::ClassSnapshotOptions big;
    big.classes = 85000;
    big.max_size = 600;
    train::Snapshot s = testing::makeClassSnapshot(big);
    ClassTable table;
    table.resize(700, 400);
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    table.view()->sortByColumn(2, Qt::DescendingOrder);
    QElapsedTimer timer;
    timer.start();
    for (int update = 0; update < 10; ++update) {
      for (float& t : s.class_mean_theta) t *= 0.999f;
      s.kappa.kappa[update] += 1000.0;
      table.setSnapshot(s);
      QCoreApplication::processEvents();
    }
    qInfo("10 updates of an 85,000-class table, sorted by κ: %lld ms", static_cast<long long>(timer.elapsed()));
    QCOMPARE(table.classCount(), 85000);
    QCOMPARE(table.classAtRow(0), 9);  // the last bumped class has the largest κ
    table.selectClass(84999);
    QCOMPARE(table.view()->selectionModel()->selectedRows().first().row(), table.rowOfClass(84999));
    QCOMPARE(table.shownData().rows.size(), std::size_t(85000));
  }
};

QTEST_MAIN(TestClassTable)
#include "test_class_table.moc"
