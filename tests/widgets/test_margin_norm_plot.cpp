#include <qcustomplot.h>

#include <QtTest>

#include "tests/widgets/snapshot_fixture.h"
#include "widgets/margin_norm_plot.h"
#include "widgets/plot_style.h"

using namespace marginlab::widgets;
namespace fx = marginlab::widgets::fixture;

class TestMarginNormPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStates() { fx::checkSampleEmptyStates<MarginNormPlot>(); }

  void onePointPerLabelledSample() {
    const auto s = fx::makeSnapshot();
    MarginNormPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).isEmpty());
    QCOMPARE(plot.plot()->yAxis->label(), QStringLiteral("margin (cos)"));
    int easy = 0, hard = 0;
    double hardMargin = 0;
    for (std::size_t i = 0; i < s.samples.norm.size(); ++i) {
      if (!s.samples.labelled[i]) continue;
      if (s.samples.hard[i]) {
        ++hard;
        hardMargin += s.samples.margin[i];
      } else {
        ++easy;
      }
    }
    auto* easyGraph = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("easy"));
    auto* hardGraph = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("hard"));
    QCOMPARE(easyGraph->dataCount(), easy);
    QCOMPARE(hardGraph->dataCount(), hard);
    QCOMPARE(easyGraph->name(), QStringLiteral("easy (%1)").arg(easy));
    QCOMPARE(hardGraph->name(), QStringLiteral("hard (%1)").arg(hard));
    double drawn = 0;
    for (auto it = hardGraph->data()->constBegin(); it != hardGraph->data()->constEnd(); ++it) drawn += it->value;
    QVERIFY(std::abs(drawn - hardMargin) < 1e-3);
    QCOMPARE(hardGraph->scatterStyle().pen().color().rgb(), role::hard().rgb());
    // Every point is in view.
    for (auto* g : {easyGraph, hardGraph}) {
      for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
        QVERIFY(plot.plot()->xAxis->range().contains(it->key));
        QVERIFY(plot.plot()->yAxis->range().contains(it->value));
      }
    }
    const DataTable shown = plot.shownData();
    QCOMPARE(shown.columns, (QStringList{"series", "norm", "margin (cos)"}));
    QCOMPARE(static_cast<int>(shown.rows.size()), easy + hard);
  }

  void constantMarginIsALineInASensibleRange() {
    MarginNormPlot plot;
    plot.setSnapshot(fx::makeSnapshot({.head = "arcface"}));
    plot.redrawNow();
    QCOMPARE(plot.plot()->yAxis->label(), QStringLiteral("margin (rad)"));
    auto* easyGraph = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("easy"));
    for (auto it = easyGraph->data()->constBegin(); it != easyGraph->data()->constEnd(); ++it)
      QCOMPARE(it->value, 0.5);
    const QCPRange y = plot.plot()->yAxis->range();
    QVERIFY(y.lower < 0.5 && y.upper > 0.5);
    QVERIFY(y.size() > 0.05 && y.size() < 1.0);
    QCOMPARE(plot.shownData().columns[2], QStringLiteral("margin (rad)"));
  }

  // PlotWidget's zoom tracking: a wheel turn holds the view while new snapshots arrive; a double click follows the
  // data again.
  void userZoomHoldsUntilDoubleClick() {
    MarginNormPlot plot;
    plot.resize(640, 420);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.setSnapshot(fx::makeSnapshot());
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    QVERIFY(plot.followsData());
    const QCPRange fitted = plot.plot()->yAxis->range();
    const QPointF centre = plot.plot()->axisRect()->rect().center();
    QWheelEvent wheel(centre, plot.plot()->mapToGlobal(centre), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(plot.plot(), &wheel);
    QVERIFY(!plot.followsData());
    const QCPRange zoomed = plot.plot()->yAxis->range();
    QVERIFY(zoomed.size() < fitted.size());
    plot.setSnapshot(fx::makeSnapshot({.head = "arcface"}));
    plot.redrawNow();
    QCOMPARE(plot.plot()->yAxis->range(), zoomed);
    QTest::mouseDClick(plot.plot(), Qt::LeftButton, Qt::NoModifier, centre.toPoint());
    QVERIFY(plot.followsData());
    QVERIFY(plot.plot()->yAxis->range().contains(0.5));  // the arcface snapshot's constant margin
    QVERIFY(plot.plot()->yAxis->range().size() < 1.0);
  }
};

QTEST_MAIN(TestMarginNormPlot)
#include "test_margin_norm_plot.moc"
