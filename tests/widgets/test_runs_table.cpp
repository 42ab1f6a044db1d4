// The runs table: the varied keys and each stratum's last/best as columns, sortable by number, the overlay check box
// and the double-click reported with the run's directory.
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include "widgets/runs_table.h"

using namespace marginlab;

namespace {

widgets::RunRow run(const QString& name, double m, double lowLow, bool shown) {
  widgets::RunRow row;
  row.directory = QStringLiteral("/runs/") + name;
  row.name = name;
  row.state = QStringLiteral("finished");
  row.head = QStringLiteral("adaface");
  row.backbone = QStringLiteral("demo");
  row.values = {{"head.params.m", QString::number(m).toStdString()}};
  row.verification.strata = {{"synthface", "low-low", lowLow, lowLow, 100, 100}};
  row.verification.norm_quality_spearman = 0.5;
  row.shown = shown;
  return row;
}

int columnOf(const QTableWidget& table, const QString& header) {
  for (int c = 0; c < table.columnCount(); ++c) {
    if (table.horizontalHeaderItem(c)->text() == header) return c;
  }
  return -1;
}

}  // namespace

class TestRunsTable : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void showsTheVariedKeysAndStrata() {
    widgets::RunsTable table;
    table.setRuns({run(QStringLiteral("a"), 0.4, 0.61, true), run(QStringLiteral("b"), 0.3, 0.72, false)},
                  {"head.params.m"});
    const QTableWidget& t = *table.table();
    QCOMPARE(t.rowCount(), 2);
    const int m = columnOf(t, QStringLiteral("head.params.m"));
    const int last = columnOf(t, QStringLiteral("synthface low-low last %"));
    QVERIFY(m >= 0 && last >= 0);
    QVERIFY(columnOf(t, QStringLiteral("synthface low-low best %")) >= 0);
    QCOMPARE(t.item(0, last)->text(), QStringLiteral("61.00"));
    // Sorted by the number, descending: b (72 %) first.
    table.table()->sortItems(last, Qt::DescendingOrder);
    QCOMPARE(t.item(0, 1)->text(), QStringLiteral("b"));
    QCOMPARE(t.item(0, m)->text(), QStringLiteral("0.3"));
    QCOMPARE(table.shownData().rows.size(), std::size_t{2});
  }

  void reportsOverlayAndShowRequests() {
    widgets::RunsTable table;
    table.setRuns({run(QStringLiteral("a"), 0.4, 0.6, true), run(QStringLiteral("b"), 0.3, 0.7, false)}, {});
    QSignalSpy overlay(&table, &widgets::RunsTable::overlayToggled);
    QSignalSpy show(&table, &widgets::RunsTable::showRequested);
    // The shown run has no check box; the other does.
    QVERIFY(!(table.table()->item(0, 0)->flags() & Qt::ItemIsUserCheckable));
    table.table()->item(1, 0)->setCheckState(Qt::Checked);
    QCOMPARE(overlay.size(), 1);
    QCOMPARE(overlay.first().at(0).toString(), QStringLiteral("/runs/b"));
    QCOMPARE(overlay.first().at(1).toBool(), true);
    Q_EMIT table.table()->cellDoubleClicked(1, 2);
    QCOMPARE(show.size(), 1);
    QCOMPARE(show.first().at(0).toString(), QStringLiteral("/runs/b"));
  }
};

QTEST_MAIN(TestRunsTable)
#include "test_runs_table.moc"
