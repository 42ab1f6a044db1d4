#include <qcustomplot.h>

#include <QComboBox>
#include <QtTest>

#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/roc_plot.h"

using namespace marginlab;
using marginlab::widgets::DataTable;
using marginlab::widgets::RocPlot;

namespace {

// A stratum whose ROC starts at (0, 0), has a zero-false-accept point at TAR `zero_tar`, then the given points.
eval::StratumResult stratum(const std::string& name, double auc, double zero_tar,
                            std::vector<std::pair<double, double>> points, std::int64_t impostors = 2000) {
  eval::StratumResult result;
  result.stratum = name;
  result.metrics.auc = auc;
  result.metrics.pairs = 2 * impostors;
  result.metrics.genuine = impostors;
  result.roc.genuine = impostors;
  result.roc.impostors = impostors;
  result.roc.points.push_back({INFINITY, 0, 0, 0, 0});
  result.roc.points.push_back({0.9, 0, zero_tar, 0, 0});
  for (const auto& [far, tar] : points) result.roc.points.push_back({0.5, far, tar, 0, 0});
  return result;
}

train::Evaluation evaluation(const std::string& set, std::int64_t step) {
  train::Evaluation e;
  e.set = set;
  e.step = step;
  e.strata_basis = "true quality";
  e.strata = {stratum("all", 0.95, 0.4, {{5e-4, 0.5}, {1e-2, 0.8}, {1, 1}}),
              stratum("high-high", 0.987, 0.8, {{1e-3, 0.9}, {1, 1}}),
              stratum("high-low", 0.96, 0.5, {{1e-2, 0.7}, {1, 1}}),
              stratum("low-low", 0.9, 0.2, {{1e-1, 0.6}, {1, 1}})};
  return e;
}

QStringList itemTexts(QCustomPlot* plot) {
  QStringList texts;
  for (int i = 0; i < plot->itemCount(); ++i)
    if (auto* text = qobject_cast<QCPItemText*>(plot->item(i))) texts << text->text();
  return texts;
}

QStringList layoutTexts(QCustomPlot* plot) {
  QStringList texts;
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
    if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) texts << title->text();
  return texts;
}

QCPCurve* curve(QCustomPlot* plot, int i) { return qobject_cast<QCPCurve*>(plot->plottable(i)); }

}  // namespace

class TestRocPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStateSaysSo() {
    RocPlot plot;
    plot.redrawNow();
    QCOMPARE(plot.plot()->plottableCount(), 0);
    QVERIFY(itemTexts(plot.plot()).contains(QStringLiteral("No validation results yet")));
    QVERIFY(plot.shownData().rows.empty());
  }

  void oneCurvePerStratumWithoutZeroFar() {
    RocPlot plot;
    plot.setEvaluations({evaluation("synthface", 3000)});
    plot.redrawNow();
    QCustomPlot* p = plot.plot();
    QCOMPARE(p->plottableCount(), 4);
    QCOMPARE(p->xAxis->scaleType(), QCPAxis::stLogarithmic);
    QCOMPARE(curve(p, 0)->name(), QStringLiteral("all (AUC 0.9500)"));
    QCOMPARE(curve(p, 1)->name(), QStringLiteral("high-high (AUC 0.9870)"));
    QVERIFY(curve(p, 0)->pen().widthF() > curve(p, 1)->pen().widthF());
    QCOMPARE(curve(p, 1)->pen().color(), marginlab::widgets::role::highQuality());
    QCOMPARE(curve(p, 3)->pen().color(), marginlab::widgets::role::lowQuality());
    QVERIFY(curve(p, 2)->pen().color() != curve(p, 1)->pen().color());
    // FAR = 0 has no place on the log axis: each curve starts at its smallest positive FAR.
    QCOMPARE(curve(p, 0)->dataCount(), 3);
    QCOMPARE(curve(p, 0)->data()->at(0)->key, 5e-4);
    QCOMPARE(curve(p, 0)->data()->at(0)->value, 0.5);
    QCOMPARE(curve(p, 1)->dataCount(), 2);
    // From the decade of 1/impostors (1/2000 → 1e-4) to 1; TAR from just below the lowest drawn point.
    QCOMPARE(p->xAxis->range().lower, 1e-4);
    QVERIFY(p->xAxis->range().upper >= 1.0);
    QVERIFY(p->yAxis->range().lower <= 0.5 && p->yAxis->range().lower >= 0.4);
    QVERIFY(p->legend->visible());
    QCOMPARE(p->legend->itemCount(), 4);
    const QStringList titles = layoutTexts(p);
    QVERIFY(titles.contains(QStringLiteral("ROC — synthface at step 3000")));
    QVERIFY(titles.contains(QStringLiteral("strata by true quality")));

    const DataTable table = plot.shownData();
    QCOMPARE(table.columns, QStringList({"set", "stratum", "far", "tar"}));
    QCOMPARE(table.rows.size(), std::size_t(3 + 2 + 2 + 2));
    QCOMPARE(table.rows[0][0].toString(), QStringLiteral("synthface"));
    QCOMPARE(table.rows[0][1].toString(), QStringLiteral("all"));
    QCOMPARE(table.rows[0][2].toDouble(), 5e-4);
    QCOMPARE(table.rows[3][1].toString(), QStringLiteral("high-high"));
    QCOMPARE(table.rows[3][3].toDouble(), 0.9);
    for (const auto& row : table.rows) QVERIFY(row[2].toDouble() > 0);
  }

  void keepsTheNewestEvaluationPerSet() {
    RocPlot plot;
    plot.setEvaluations({evaluation("lfw", 100), evaluation("lfw", 300), evaluation("lfw", 200),
                         evaluation("cfp_fp", 50)});
    QCOMPARE(plot.sets(), QStringList({"lfw", "cfp_fp"}));
    QCOMPARE(plot.currentSet(), QStringLiteral("lfw"));
    plot.setEvaluations({evaluation("lfw", 250)});  // older than what is shown: ignored
    plot.redrawNow();
    QVERIFY(layoutTexts(plot.plot()).contains(QStringLiteral("ROC — lfw at step 300")));
    plot.setEvaluations({evaluation("lfw", 400)});
    plot.redrawNow();
    QVERIFY(layoutTexts(plot.plot()).contains(QStringLiteral("ROC — lfw at step 400")));
    plot.clear();
    QVERIFY(plot.sets().isEmpty());
  }

  void theComboBoxChoosesTheSet() {
    RocPlot plot;
    auto cfp = evaluation("cfp_fp", 10);
    cfp.strata.resize(1);
    plot.setEvaluations({evaluation("lfw", 10), cfp});
    auto* box = plot.findChild<QComboBox*>(QStringLiteral("set"));
    QVERIFY(box);
    QCOMPARE(box->count(), 2);
    box->setCurrentIndex(1);
    Q_EMIT box->activated(1);
    QCOMPARE(plot.currentSet(), QStringLiteral("cfp_fp"));
    plot.redrawNow();
    QCOMPARE(plot.plot()->plottableCount(), 1);
    QCOMPARE(plot.shownData().rows.front()[0].toString(), QStringLiteral("cfp_fp"));
    // One stratum only ("all"): no strata line under the title.
    QVERIFY(!layoutTexts(plot.plot()).contains(QStringLiteral("strata by true quality")));
    plot.setCurrentSet(QStringLiteral("lfw"));
    QCOMPARE(box->currentText(), QStringLiteral("lfw"));
  }

  void aSetWithoutRocSaysWhy() {
    RocPlot plot;
    train::Evaluation e;
    e.set = "genuine_only";
    e.strata.push_back({"all", {}, {}});
    plot.setEvaluations({e});
    plot.redrawNow();
    QCOMPARE(plot.plot()->plottableCount(), 0);
    QVERIFY(itemTexts(plot.plot()).join(' ').contains(QStringLiteral("needs both genuine and impostor pairs")));
    QVERIFY(plot.shownData().rows.empty());
  }
};

QTEST_MAIN(TestRocPlot)
#include "test_roc_plot.moc"
