#include <qcustomplot.h>

#include <QtTest>

#include "tests/widgets/snapshot_fixture.h"
#include "widgets/norm_bands_plot.h"

using namespace marginlab::widgets;
namespace fx = marginlab::widgets::fixture;

namespace {

QCPGraph* graph(QCustomPlot* plot, const QString& prefix) { return fx::plottableNamed<QCPGraph>(plot, prefix); }

bool inLegend(QCustomPlot* plot, QCPAbstractPlottable* p) { return plot->legend->hasItemWithPlottable(p); }

}  // namespace

class TestNormBandsPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyBeforeTheFirstSnapshot() {
    NormBandsPlot plot;
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No feature norms yet")));
    QVERIFY(plot.shownData().rows.empty());
    plot.setSnapshot(fx::makeSnapshot({.bands = 0}));
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No norm history")));
  }

  void bandsAndMedianAreTheHistory() {
    const auto s = fx::makeSnapshot();
    NormBandsPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).isEmpty());
    auto* outer = graph(plot.plot(), QStringLiteral("5th–95th"));
    auto* inner = graph(plot.plot(), QStringLiteral("25th–75th"));
    auto* median = graph(plot.plot(), QStringLiteral("median"));
    QVERIFY(outer && inner && median);
    QVERIFY(outer->channelFillGraph() && inner->channelFillGraph());
    QVERIFY(outer->brush().style() != Qt::NoBrush);
    // The outer band is lighter than the inner one.
    QVERIFY(outer->brush().color().alpha() < inner->brush().color().alpha());
    QCOMPARE(outer->dataCount(), 200);
    for (int i : {0, 57, 199}) {
      const auto& b = s.norm_history[i];
      QCOMPARE(outer->data()->at(i)->key, static_cast<double>(b.step));
      QCOMPARE(outer->data()->at(i)->value, static_cast<double>(b.p95));
      QCOMPARE(outer->channelFillGraph()->data()->at(i)->value, static_cast<double>(b.p05));
      QCOMPARE(inner->data()->at(i)->value, static_cast<double>(b.p75));
      QCOMPARE(inner->channelFillGraph()->data()->at(i)->value, static_cast<double>(b.p25));
      QCOMPARE(median->data()->at(i)->value, static_cast<double>(b.p50));
    }
    // Every band is inside the view.
    QVERIFY(plot.plot()->xAxis->range().contains(s.norm_history.front().step));
    QVERIFY(plot.plot()->xAxis->range().contains(s.norm_history.back().step));
    QVERIFY(plot.plot()->yAxis->range().lower <= s.norm_history.front().p05);
    QVERIFY(plot.plot()->yAxis->range().upper >= s.norm_history.back().p95);
  }

  void emaMeanAndSigmaLinesWhenKnown() {
    const auto s = fx::makeSnapshot();
    NormBandsPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    auto* mean = graph(plot.plot(), QStringLiteral("AdaFace EMA μ"));
    auto* band = graph(plot.plot(), QStringLiteral("AdaFace EMA μ ± σ"));
    QVERIFY(mean && band && mean->visible() && band->visible());
    QVERIFY(inLegend(plot.plot(), mean) && inLegend(plot.plot(), band));
    QCOMPARE(band->pen().style(), Qt::DashLine);
    const auto& last = s.norm_history.back();
    QCOMPARE(mean->data()->at(199)->value, last.ema_mean);
    QCOMPARE(band->data()->at(199)->value, last.ema_mean - last.ema_std);
    const DataTable shown = plot.shownData();
    QCOMPARE(static_cast<int>(shown.rows.size()), 200);
    QCOMPARE(shown.columns.size(), 9);
    QCOMPARE(shown.rows[199][0].toLongLong(), last.step);
    QCOMPARE(shown.rows[199][3].toDouble(), static_cast<double>(last.p50));
    QCOMPARE(shown.rows[199][6].toDouble(), last.ema_mean);
    QCOMPARE(shown.rows[199][8].toDouble(), last.ema_mean + last.ema_std);
  }

  void noEmaForOtherHeadsAndGapsWhereMissing() {
    NormBandsPlot plot;
    plot.setSnapshot(fx::makeSnapshot({.head = "arcface"}));
    plot.redrawNow();
    auto* mean = graph(plot.plot(), QStringLiteral("AdaFace EMA μ"));
    QVERIFY(!mean->visible());
    QVERIFY(!inLegend(plot.plot(), mean));
    QVERIFY(std::isnan(plot.shownData().rows[0][6].toDouble()));

    auto s = fx::makeSnapshot();
    s.norm_history[10].ema_mean = NAN;  // e.g. a band reported before the EMA existed
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(mean->visible());
    QVERIFY(std::isnan(mean->data()->at(10)->value));
    QCOMPARE(mean->data()->at(11)->value, s.norm_history[11].ema_mean);
  }

  void longHistoriesAreThinnedToABound() {
    auto s = fx::makeSnapshot({.bands = 10000});
    NormBandsPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    auto* median = graph(plot.plot(), QStringLiteral("median"));
    QCOMPARE(median->dataCount(), static_cast<int>(NormBandsPlot::kMaxBands));
    QCOMPARE(median->data()->at(0)->key, static_cast<double>(s.norm_history.front().step));
    QCOMPARE((median->data()->constEnd() - 1)->key, static_cast<double>(s.norm_history.back().step));
    QCOMPARE(plot.shownData().rows.size(), NormBandsPlot::kMaxBands);
  }
};

QTEST_MAIN(TestNormBandsPlot)
#include "test_norm_bands_plot.moc"
