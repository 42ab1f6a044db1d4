#include <qcustomplot.h>

#include <QtTest>

#include "tests/widgets/snapshot_fixture.h"
#include "widgets/adaface_margin_plot.h"

using namespace marginlab::widgets;
namespace fx = marginlab::widgets::fixture;

namespace {

constexpr double kEps = 1e-3;  // AdaFace's σ offset (the fixture's head uses the default)

QCPGraph* curve(QCustomPlot* plot, const QString& prefix) { return fx::plottableNamed<QCPGraph>(plot, prefix); }

// Linear interpolation of a drawn polyline at x (the curves are piecewise linear, drawn by their vertices).
double drawnAt(QCPGraph* graph, double x) {
  auto data = graph->data();
  for (int i = 1; i < data->size(); ++i) {
    const auto a = data->at(i - 1), b = data->at(i);
    if (x >= a->key && x <= b->key) return a->value + (b->value - a->value) * (x - a->key) / (b->key - a->key);
  }
  return NAN;
}

}  // namespace

class TestAdaFaceMarginPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStates() {
    AdaFaceMarginPlot plot;
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No data yet")));
    plot.setParameters(0.4, 0.333);
    plot.setSnapshot(fx::makeSnapshot({.head = "arcface"}));
    plot.redrawNow();
    QCOMPARE(fx::visibleTexts(plot.plot()), QStringList{QStringLiteral("AdaFace only: this run trains arcface")});
    QCOMPARE(fx::visibleWithData(plot.plot()), 0);
    QVERIFY(plot.shownData().rows.empty());
    QVERIFY(std::isnan(plot.gAngularAt(20)));
    // Back to an AdaFace run: curves, and the legend below the plot again.
    plot.setSnapshot(fx::makeSnapshot());
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).isEmpty());
    QVERIFY(plot.plot()->legend->visible());
    QCOMPARE(plot.plot()->legend->layout(), plot.plot()->plotLayout());
    QCOMPARE(plot.plot()->legend->itemCount(), 4);
    QVERIFY(fx::visibleWithData(plot.plot()) == 4);
  }

  void curvesAreAdaFacesMarginFunctionsOfTheNorm() {
    const auto s = fx::makeSnapshot();
    const double mu = fx::emaMean(s), sigma = fx::emaStd(s);
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).isEmpty());
    QVERIFY(plot.plotsAgainstNorm());
    QCOMPARE(plot.m(), 0.4);
    QCOMPARE(plot.h(), 0.333);
    QCOMPARE(plot.plot()->xAxis->label(), QStringLiteral("feature norm ‖z‖"));
    auto* angular = curve(plot.plot(), QStringLiteral("g_angular ="));
    auto* additive = curve(plot.plot(), QStringLiteral("g_additive ="));
    QVERIFY(angular && additive);
    for (double x : {mu - 3 * sigma, mu - sigma, mu - 0.2 * sigma, mu, mu + 0.7 * sigma, mu + 2.5 * sigma}) {
      if (!plot.plot()->xAxis->range().contains(x)) continue;
      const double z = fx::adafaceZHat(x, mu, sigma, 0.333);
      QVERIFY(std::abs(drawnAt(angular, x) - (-0.4 * z)) < 1e-9);
      QVERIFY(std::abs(drawnAt(additive, x) - 0.4 * (1 + z)) < 1e-9);
      QVERIFY(std::abs(plot.gAngularAt(x) - (-0.4 * z)) < 1e-12);
    }
    // The samples' applied values lie on the curves when m and h are the ones the engine used.
    auto* dots = curve(plot.plot(), QStringLiteral("samples: g_angular"));
    const auto labelled = std::count(s.samples.labelled.begin(), s.samples.labelled.end(), 1);
    QCOMPARE(dots->dataCount(), static_cast<int>(labelled));
    QCOMPARE(dots->lineStyle(), QCPGraph::lsNone);
    for (int i = 0; i < dots->dataCount(); i += 97)
      QVERIFY(std::abs(dots->data()->at(i)->value - plot.gAngularAt(dots->data()->at(i)->key)) < 1e-5);
    // The top axis marks ẑ = 0 at μ and ẑ = ±1 where the clip starts.
    QVERIFY(plot.plot()->xAxis2->visible());
    auto ticker = qSharedPointerCast<QCPAxisTickerText>(plot.plot()->xAxis2->ticker());
    QCOMPARE(ticker->ticks().value(mu), QStringLiteral("0"));
    QCOMPARE(ticker->ticks().value(mu + (sigma + kEps) / 0.333), QStringLiteral("1"));
  }

  void raisingMLowersGAngularAboveTheMean() {
    const auto s = fx::makeSnapshot();
    const double mu = fx::emaMean(s), sigma = fx::emaStd(s);
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    auto* angular = curve(plot.plot(), QStringLiteral("g_angular ="));
    auto* additive = curve(plot.plot(), QStringLiteral("g_additive ="));
    const double above = mu + sigma;
    const double before = drawnAt(angular, above), beforeAdd = drawnAt(additive, above);
    const QCPRange xBefore = plot.plot()->xAxis->range(), yBefore = plot.plot()->yAxis->range();
    plot.setParameters(0.45, 0.333);
    plot.redrawNow();
    QVERIFY(drawnAt(angular, above) < before);
    QVERIFY(drawnAt(additive, above) > beforeAdd);
    // The axes stay put, so the change shows as the curves moving.
    QCOMPARE(plot.plot()->xAxis->range(), xBefore);
    QCOMPARE(plot.plot()->yAxis->range(), yBefore);
    // A large m makes room.
    plot.setParameters(1.2, 0.333);
    plot.redrawNow();
    QVERIFY(plot.plot()->yAxis->range().upper >= 2.4 && plot.plot()->yAxis->range().lower <= -1.2);
    QVERIFY(plot.plot()->xAxis->range() == xBefore);
  }

  void raisingHSteepensTheTransition() {
    const auto s = fx::makeSnapshot();
    const double mu = fx::emaMean(s), sigma = fx::emaStd(s);
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    auto* additive = curve(plot.plot(), QStringLiteral("g_additive ="));
    auto slope = [&] { return (drawnAt(additive, mu + 0.2 * sigma) - drawnAt(additive, mu - 0.2 * sigma)) / (0.4 * sigma); };
    const double gentle = slope();
    plot.setParameters(0.4, 0.9);
    plot.redrawNow();
    QVERIFY(slope() > 2.5 * gentle);
    // The clip now starts inside the view: a vertex at μ + (σ + eps)/h, saturated beyond.
    const double knee = mu + (sigma + kEps) / 0.9;
    bool found = false;
    for (int i = 0; i < additive->dataCount(); ++i) found |= std::abs(additive->data()->at(i)->key - knee) < 1e-9;
    QVERIFY(found);
    QVERIFY(std::abs(drawnAt(additive, knee + 0.5) - 0.8) < 1e-12);
    QVERIFY(std::abs(plot.gAngularAt(mu - 2 * sigma) - 0.4) < 1e-12);
    // h = 0: every norm counts as average (ẑ = 0): flat curves at g_angular = 0, g_additive = m.
    plot.setParameters(0.4, 0.0);
    plot.redrawNow();
    QCOMPARE(additive->dataCount(), 2);
    QCOMPARE(additive->data()->at(0)->value, 0.4);
    QCOMPARE(additive->data()->at(1)->value, 0.4);
  }

  void setParametersRedrawsAVisiblePlotAtOnceAndWinsOverSnapshots() {
    const auto s = fx::makeSnapshot();
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    auto* angular = curve(plot.plot(), QStringLiteral("g_angular ="));
    const double left = angular->data()->at(0)->value;
    QCOMPARE(left, 0.4);  // saturated at +m on the low-norm side
    plot.setParameters(0.7, 0.5);
    QCOMPARE(angular->data()->at(0)->value, 0.7);  // no redrawNow: drawn immediately
    QVERIFY(fx::visibleTexts(plot.plot()).isEmpty());
    plot.setSnapshot(s);  // its head parameters still say m = 0.4
    QCOMPARE(plot.m(), 0.7);
    QCOMPARE(plot.h(), 0.5);
    QCOMPARE(angular->data()->at(0)->value, 0.7);
  }

  void normStatisticsMoveTheTransition() {
    const auto s = fx::makeSnapshot();
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.setNormStatistics(30.0, 4.0);
    plot.redrawNow();
    QCOMPARE(plot.gAdditiveAt(30.0), 0.4);
    QVERIFY(std::abs(plot.gAdditiveAt(32.0) - 0.4 * (1 + 2.0 / (4.0 + kEps) * 0.333)) < 1e-12);
    auto ticker = qSharedPointerCast<QCPAxisTickerText>(plot.plot()->xAxis2->ticker());
    QCOMPARE(ticker->ticks().value(30.0), QStringLiteral("0"));
    // Unknown explicit statistics fall back to the snapshot's EMA.
    plot.setNormStatistics(NAN, NAN);
    QCOMPARE(plot.gAdditiveAt(fx::emaMean(s)), 0.4);
  }

  void fallsBackToZHatWithoutNormStatistics() {
    auto s = fx::makeSnapshot();
    for (auto& band : s.norm_history) band.ema_mean = band.ema_std = NAN;
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(!plot.plotsAgainstNorm());
    QVERIFY(plot.plot()->xAxis->label().contains(QStringLiteral("ẑ")));
    QVERIFY(plot.plot()->xAxis->label().contains(QStringLiteral("unknown")));
    QVERIFY(!plot.plot()->xAxis2->visible());
    auto* angular = curve(plot.plot(), QStringLiteral("g_angular ="));
    QCOMPARE(angular->dataCount(), 2);
    QCOMPARE(angular->data()->at(0)->key, -1.0);
    QCOMPARE(angular->data()->at(0)->value, 0.4);
    QCOMPARE(angular->data()->at(1)->value, -0.4);
    auto* dots = curve(plot.plot(), QStringLiteral("samples: g_additive"));
    for (auto it = dots->data()->constBegin(); it != dots->data()->constEnd(); ++it) {
      QVERIFY(it->key >= -1 && it->key <= 1);
      QVERIFY(std::abs(it->value - 0.4 * (1 + it->key)) < 1e-5);
    }
    const DataTable shown = plot.shownData();
    QVERIFY(!shown.rows[0][1].isValid());  // no norm column against ẑ
    // Known statistics bring the norm axis back.
    plot.setNormStatistics(27.0, 5.0);
    QVERIFY(plot.plotsAgainstNorm());
  }

  void shownDataRows() {
    const auto s = fx::makeSnapshot();
    AdaFaceMarginPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    const DataTable shown = plot.shownData();
    QCOMPARE(shown.columns, (QStringList{"series", "norm", "z_hat", "value"}));
    auto* angular = curve(plot.plot(), QStringLiteral("g_angular ="));
    const auto labelled = std::count(s.samples.labelled.begin(), s.samples.labelled.end(), 1);
    QCOMPARE(static_cast<long>(shown.rows.size()), 2 * angular->dataCount() + 2 * labelled);
    QCOMPARE(shown.rows[0][0].toString(), QStringLiteral("g_angular"));
    QCOMPARE(shown.rows[0][1].toDouble(), angular->data()->at(0)->key);
    QCOMPARE(shown.rows[0][3].toDouble(), angular->data()->at(0)->value);
    QCOMPARE(shown.rows.back()[0].toString(), QStringLiteral("samples g_additive"));
  }
};

QTEST_MAIN(TestAdaFaceMarginPlot)
#include "test_adaface_margin_plot.moc"
