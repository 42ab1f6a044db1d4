#include <qcustomplot.h>

#include <QtTest>

#include "tests/widgets/snapshot_fixture.h"
#include "widgets/margin_histogram_plot.h"

using namespace marginlab::widgets;
namespace fx = marginlab::widgets::fixture;

namespace {

double total(QCPBars* bars) {
  double sum = 0;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) sum += it->value;
  return sum;
}

struct Expected {
  int easy = 0, hard = 0;
  double lo = INFINITY, hi = -INFINITY, mean = 0;
};

Expected expected(const marginlab::train::Snapshot& s) {
  Expected e;
  double sum = 0;
  for (std::size_t i = 0; i < s.samples.margin.size(); ++i) {
    if (!s.samples.labelled[i]) continue;
    (s.samples.hard[i] ? e.hard : e.easy) += 1;
    e.lo = std::min<double>(e.lo, s.samples.margin[i]);
    e.hi = std::max<double>(e.hi, s.samples.margin[i]);
    sum += s.samples.margin[i];
  }
  e.mean = sum / (e.easy + e.hard);
  return e;
}

}  // namespace

class TestMarginHistogramPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStates() { fx::checkSampleEmptyStates<MarginHistogramPlot>(); }

  void fortyStackedBinsBetweenMinAndMax() {
    const auto s = fx::makeSnapshot();
    const Expected e = expected(s);
    MarginHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QCOMPARE(plot.plot()->xAxis->label(), QStringLiteral("applied margin (cos)"));
    auto* easy = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("easy"));
    auto* hard = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("hard"));
    QVERIFY(easy && hard);
    QCOMPARE(hard->barBelow(), easy);
    QCOMPARE(easy->dataCount(), 40);
    QCOMPARE(total(easy), static_cast<double>(e.easy));
    QCOMPARE(total(hard), static_cast<double>(e.hard));
    QCOMPARE(easy->name(), QStringLiteral("easy (%1)").arg(e.easy));
    const double width = (e.hi - e.lo) / 40;
    QCOMPARE(easy->width(), width);
    QCOMPARE(easy->data()->at(0)->key, e.lo + width / 2);
    QCOMPARE((easy->data()->constEnd() - 1)->key, e.hi - width / 2);
    QVERIFY(plot.plot()->xAxis->range().lower < e.lo && plot.plot()->xAxis->range().upper > e.hi);

    auto* mean = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("mean"));
    QVERIFY(mean);
    QCOMPARE(mean->data()->at(0)->key, e.mean);
    QVERIFY(mean->name().endsWith(QStringLiteral("cos")));

    const DataTable shown = plot.shownData();
    QCOMPARE(static_cast<int>(shown.rows.size()), 81);
    QCOMPARE(shown.rows[0][1].toDouble(), e.lo);
    QVERIFY(std::abs(shown.rows[39][2].toDouble() - e.hi) < 1e-9);
    QCOMPARE(shown.rows[40][0].toString(), QStringLiteral("hard"));
    QCOMPARE(shown.rows[80][0].toString(), QStringLiteral("mean"));
    QCOMPARE(shown.rows[80][1].toDouble(), e.mean);
    qint64 counted = 0;
    for (const auto& row : shown.rows) counted += row[3].toLongLong();
    QCOMPARE(counted, static_cast<qint64>(e.easy + e.hard));
  }

  void constantMarginIsOneCentredBar() {
    const auto s = fx::makeSnapshot({.head = "arcface"});
    const Expected e = expected(s);
    MarginHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QCOMPARE(plot.plot()->xAxis->label(), QStringLiteral("applied margin (rad)"));
    auto* easy = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("easy"));
    auto* hard = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("hard"));
    QCOMPARE(easy->dataCount(), 1);
    QCOMPARE(easy->data()->at(0)->key, 0.5);
    QCOMPARE(easy->data()->at(0)->value, static_cast<double>(e.easy));
    QCOMPARE(hard->data()->at(0)->value, static_cast<double>(e.hard));
    const QCPRange x = plot.plot()->xAxis->range();
    QCOMPARE(x.center(), 0.5);
    QVERIFY(x.size() >= 0.1 && x.size() < 0.5);
    QVERIFY(easy->width() > 0 && easy->width() < x.size() / 4);
    QCOMPARE(fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("mean"))->data()->at(0)->key, 0.5);
  }
};

QTEST_MAIN(TestMarginHistogramPlot)
#include "test_margin_histogram_plot.moc"
