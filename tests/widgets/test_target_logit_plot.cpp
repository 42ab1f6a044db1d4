#include <qcustomplot.h>

#include <QtTest>

#include "widgets/target_logit_plot.h"

using marginlab::widgets::LogitCurve;
using marginlab::widgets::TargetLogitPlot;

class TestTargetLogitPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void drawsEveryCurveWithItsPointsAndName() {
    TargetLogitPlot plot;
    plot.setCurves({{"NormFace", {0, 90, 180}, {1, 0, -1}}, {"CosFace m = 0.4", {0, 90}, {0.6, -0.4}}});
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 2);
    QCOMPARE(plot.plot()->graph(0)->name(), QStringLiteral("NormFace"));
    QCOMPARE(plot.plot()->graph(1)->dataCount(), 2);
    QCOMPARE(plot.plot()->graph(0)->data()->at(2)->value, -1.0);
    QCOMPARE(plot.plot()->graph(1)->data()->at(1)->key, 90.0);
  }

  void replacesCurvesInsteadOfAccumulating() {
    TargetLogitPlot plot;
    plot.setCurves({{"a", {0}, {1}}, {"b", {0}, {1}}});
    plot.setCurves({{"c", {0, 1}, {1, 0.5}}});
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 1);
    QCOMPARE(plot.plot()->graph(0)->name(), QStringLiteral("c"));
    QCOMPARE(plot.shownData().rows.size(), std::size_t{2});
    QCOMPARE(plot.shownData().rows[1][2].toDouble(), 0.5);
  }
};

QTEST_MAIN(TestTargetLogitPlot)
#include "test_target_logit_plot.moc"
