#include <QLabel>
#include <QTableWidget>
#include <QtTest>

#include <cmath>

#include "widgets/evaluation_table.h"

using namespace marginlab;
using marginlab::widgets::DataTable;
using marginlab::widgets::EvaluationTable;

namespace {

eval::StratumResult stratum(const std::string& name, double accuracy, double auc, std::int64_t impostors) {
  eval::StratumResult result;
  result.stratum = name;
  auto& m = result.metrics;
  m.pairs = 2 * impostors;
  m.genuine = impostors;
  m.accuracy = accuracy;
  m.accuracy_std = 0.0031;
  m.auc = auc;
  m.eer = 0.0125;
  for (double far : {1e-1, 1e-2, 1e-3, 1e-4}) {
    eval::TarAtFar t;
    t.far_target = far;
    t.supported = impostors >= std::ceil(1 / far);
    if (t.supported) {
      t.true_accept_rate = 1 - far * 10;
      t.false_accept_rate = far / 2;
      t.threshold = 0.3;
    }
    m.tar_at_far.push_back(t);
  }
  return result;
}

train::Evaluation evaluation(const std::string& set, std::int64_t step) {
  train::Evaluation e;
  e.set = set;
  e.step = step;
  e.strata_basis = "true quality";
  e.strata = {stratum("all", 0.9953, 0.998, 3000), stratum("high-high", 0.999, 0.9999, 1000),
              stratum("low-low", 0.95, 0.97, 1000)};
  return e;
}

}  // namespace

class TestEvaluationTable : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStateSaysSo() {
    EvaluationTable table;
    QCOMPARE(table.table()->rowCount(), 0);
    QCOMPARE(table.notes()->text(), QStringLiteral("No validation results yet."));
    QVERIFY(table.shownData().rows.empty());
  }

  void oneRowPerSetAndStratumWithFormattedNumbers() {
    EvaluationTable table;
    table.setEvaluations({evaluation("lfw", 500)});
    QTableWidget* t = table.table();
    QCOMPARE(t->rowCount(), 3);
    QCOMPARE(t->columnCount(), 11);
    QCOMPARE(t->item(0, 0)->text(), QStringLiteral("lfw"));
    QCOMPARE(t->item(1, 1)->text(), QStringLiteral("high-high"));
    QCOMPARE(t->item(0, 2)->text(), QStringLiteral("500"));
    QCOMPARE(t->item(0, 3)->text(), QStringLiteral("6000"));
    QCOMPARE(t->item(0, 4)->text(), QStringLiteral("99.53 ± 0.31"));
    QCOMPARE(t->item(0, 5)->text(), QStringLiteral("0.9980"));
    QCOMPARE(t->item(0, 6)->text(), QStringLiteral("1.25"));
    QCOMPARE(t->item(0, 7)->text(), QStringLiteral("0.00"));    // TAR@1e-1 = 1 − 1 = 0
    QCOMPARE(t->item(0, 8)->text(), QStringLiteral("90.00"));   // TAR@1e-2
    QCOMPARE(t->item(0, 9)->text(), QStringLiteral("99.00"));   // TAR@1e-3: 3000 impostors suffice
    // 1e-4 needs 10,000 impostor pairs; 1e-3 needs 1,000 and the strata have exactly that.
    QCOMPARE(t->item(0, 10)->text(), QStringLiteral("—"));
    QVERIFY(t->item(0, 10)->toolTip().contains(QStringLiteral("needs at least 10000 impostor pairs")));
    QVERIFY(t->item(0, 10)->toolTip().contains(QStringLiteral("has 3000")));
    QCOMPARE(t->item(1, 9)->text(), QStringLiteral("99.00"));
    QVERIFY(t->horizontalHeaderItem(10)->text().contains(QStringLiteral("1e-4")));

    const DataTable data = table.shownData();
    QCOMPARE(data.columns.size(), 12);  // accuracy's std gets its own column
    QCOMPARE(data.columns[4], QStringLiteral("accuracy_percent"));
    QCOMPARE(data.rows.size(), std::size_t(3));
    QCOMPARE(data.rows[0][2].toLongLong(), 500);
    QVERIFY(std::abs(data.rows[0][4].toDouble() - 99.53) < 1e-9);
    QVERIFY(std::abs(data.rows[0][5].toDouble() - 0.31) < 1e-9);
    QCOMPARE(data.rows[0][6].toDouble(), 0.998);
    QVERIFY(!data.rows[0][11].isValid());  // unsupported: an empty cell
  }

  void notesSayWhatStrataAreAndWhatWasSkipped() {
    EvaluationTable table;
    auto e = evaluation("lfw", 1);
    e.images = 13233;
    e.images_skipped = 2;
    e.skipped_examples = {"Aaron_0003.jpg"};
    e.pairs_dropped = 3;
    e.skipped_strata = {{"low-high", 4}};
    table.setEvaluations({e});
    const QString notes = table.notes()->text();
    QVERIFY(notes.contains(QStringLiteral("strata by true quality")));
    QVERIFY(notes.contains(QStringLiteral("2 of 13233 images unreadable (e.g. Aaron_0003.jpg)")));
    QVERIFY(notes.contains(QStringLiteral("pairs dropped: 3")));
    QVERIFY(notes.contains(QStringLiteral("stratum low-high left out (pairs: 4, fewer than the folds)")));
  }

  void keepsTheNewestPerSetAndSortsNumerically() {
    EvaluationTable table;
    table.setEvaluations({evaluation("lfw", 500), evaluation("cfp_fp", 100), evaluation("lfw", 200)});
    QCOMPARE(table.table()->rowCount(), 6);
    QCOMPARE(table.table()->item(0, 2)->text(), QStringLiteral("500"));
    auto newer = evaluation("cfp_fp", 900);
    newer.strata.resize(1);
    newer.strata[0].metrics.auc = std::nan("");
    newer.strata[0].metrics.pairs = 20000;
    table.setEvaluations({newer});
    QCOMPARE(table.table()->rowCount(), 4);
    QCOMPARE(table.table()->item(3, 5)->text(), QStringLiteral("—"));

    table.table()->sortItems(5, Qt::AscendingOrder);  // AUC: the missing one first, then by number
    DataTable data = table.shownData();
    QVERIFY(!data.rows[0][6].isValid());
    QCOMPARE(data.rows[1][6].toDouble(), 0.97);
    QCOMPARE(data.rows[3][6].toDouble(), 0.9999);
    table.table()->sortItems(3, Qt::DescendingOrder);  // pairs: 20000 before 6000, by number, not by text
    data = table.shownData();
    QCOMPARE(data.rows[0][3].toLongLong(), 20000);
    QCOMPARE(data.rows[1][3].toLongLong(), 6000);
    // A later update keeps the user's sort.
    table.setEvaluations({evaluation("lfw", 600)});
    QCOMPARE(table.shownData().rows[1][3].toLongLong(), 6000);
    QCOMPARE(table.shownData().rows[1][2].toLongLong(), 600);
    table.clear();
    QCOMPARE(table.table()->rowCount(), 0);
  }
};

QTEST_MAIN(TestEvaluationTable)
#include "test_evaluation_table.moc"
