#include <qcustomplot.h>

#include <QCheckBox>
#include <QtTest>

#include "tests/widgets/snapshot_fixture.h"
#include "widgets/norm_histogram_plot.h"

using namespace marginlab::widgets;
namespace fx = marginlab::widgets::fixture;

namespace {

double barsTotal(QCPBars* bars) {
  double total = 0;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) total += it->value;
  return total;
}

double barsMeanKey(QCPBars* bars) {
  double sum = 0, weight = 0;
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
    sum += it->key * it->value;
    weight += it->value;
  }
  return sum / weight;
}

QCPGraph* line(QCustomPlot* plot, const QString& prefix) {
  auto* graph = fx::plottableNamed<QCPGraph>(plot, prefix);
  return graph && graph->visible() && graph->dataCount() > 0 ? graph : nullptr;
}

}  // namespace

class TestNormHistogramPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyBeforeTheFirstSnapshot() {
    NormHistogramPlot plot;
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No feature norms yet")));
    QCOMPARE(fx::visibleWithData(plot.plot()), 0);
    QVERIFY(plot.shownData().rows.empty());
  }

  void barsAreTheSnapshotHistogram() {
    const auto s = fx::makeSnapshot({.head = "arcface"});
    NormHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).isEmpty());
    auto* bars = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("all samples"));
    QVERIFY(bars);
    QCOMPARE(bars->dataCount(), 40);
    const double width = (s.norm_histogram_hi - s.norm_histogram_lo) / 40.0;
    QCOMPARE(bars->width(), width);
    for (int i = 0; i < 40; ++i) {
      QCOMPARE(bars->data()->at(i)->key, s.norm_histogram_lo + (i + 0.5) * width);
      QCOMPARE(bars->data()->at(i)->value, static_cast<double>(s.norm_histogram[i]));
    }
    QVERIFY(bars->name().contains(QStringLiteral("2048")));
    // No EMA for ArcFace: no lines.
    QVERIFY(!line(plot.plot(), QStringLiteral("EMA")));
    const DataTable shown = plot.shownData();
    QCOMPARE(shown.columns, (QStringList{"series", "bin_lo", "bin_hi", "count"}));
    QCOMPARE(static_cast<int>(shown.rows.size()), 40);
    QCOMPARE(shown.rows[3][3].toLongLong(), s.norm_histogram[3]);
    QCOMPARE(shown.rows[3][0].toString(), QStringLiteral("all samples"));
    QVERIFY(plot.plot()->yAxis->range().upper > *std::max_element(s.norm_histogram.begin(), s.norm_histogram.end()));
  }

  void emaLinesAtMeanAndMeanPlusMinusStd() {
    const auto s = fx::makeSnapshot();
    NormHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    // Without setNormStatistics, the newest band's EMA is used.
    QVERIFY(line(plot.plot(), QStringLiteral("EMA μ =")));
    QCOMPARE(line(plot.plot(), QStringLiteral("EMA μ ="))->data()->at(0)->key, fx::emaMean(s));

    plot.setNormStatistics(25.0, 4.0);
    plot.redrawNow();
    auto* mean = line(plot.plot(), QStringLiteral("EMA μ ="));
    auto* band = line(plot.plot(), QStringLiteral("EMA μ ± σ"));
    QVERIFY(mean && band);
    QCOMPARE(mean->data()->at(0)->key, 25.0);
    QCOMPARE(mean->data()->at(1)->key, 25.0);
    QVERIFY(mean->data()->at(1)->value > *std::max_element(s.norm_histogram.begin(), s.norm_histogram.end()));
    QVERIFY(mean->data()->at(1)->value < plot.plot()->yAxis->range().upper);
    QCOMPARE(band->data()->at(0)->key, 21.0);
    QVERIFY(band->name().contains(QStringLiteral("4.00")));
    const DataTable shown = plot.shownData();
    QCOMPARE(shown.rows[shown.rows.size() - 3][0].toString(), QStringLiteral("EMA mean"));
    QCOMPARE(shown.rows[shown.rows.size() - 3][1].toDouble(), 25.0);
    QCOMPARE(shown.rows[shown.rows.size() - 2][1].toDouble(), 21.0);
    QCOMPARE(shown.rows[shown.rows.size() - 1][1].toDouble(), 29.0);

    // Unknown statistics (and none in the snapshot): no lines.
    const auto arc = fx::makeSnapshot({.head = "arcface"});
    plot.setSnapshot(arc);
    plot.setNormStatistics(NAN, NAN);
    plot.redrawNow();
    QVERIFY(!line(plot.plot(), QStringLiteral("EMA")));
    QCOMPARE(static_cast<int>(plot.shownData().rows.size()), 40);
  }

  void splitByQualityStacksLowAndHigh() {
    const auto s = fx::makeSnapshot();
    NormHistogramPlot plot;
    plot.setSnapshot(s);
    QVERIFY(plot.qualityKnown());
    QVERIFY(plot.findChild<QCheckBox*>()->isEnabled());
    plot.setSplitByQuality(true);
    plot.redrawNow();
    QVERIFY(!fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("all samples"))->visible());
    auto* low = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("low quality"));
    auto* high = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("high quality"));
    QVERIFY(low && high && low->visible() && high->visible());
    QCOMPARE(high->barBelow(), low);
    const auto below = [&](double t) {
      return std::count_if(s.quality.begin(), s.quality.end(), [t](float q) { return q < t; });
    };
    QCOMPARE(barsTotal(low), static_cast<double>(below(0.5)));
    QCOMPARE(barsTotal(high), static_cast<double>(2048 - below(0.5)));
    QVERIFY(barsMeanKey(low) + 5 < barsMeanKey(high));  // norms grow with quality
    // The stack is the whole histogram, bin by bin (up to samples on a bin edge).
    double mismatch = 0;
    for (int i = 0; i < 40; ++i)
      mismatch += std::abs(low->data()->at(i)->value + high->data()->at(i)->value - s.norm_histogram[i]);
    QVERIFY(mismatch <= 2);
    QVERIFY(!fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("quality unknown"))->visible());

    plot.setQualityThreshold(0.8);
    plot.redrawNow();
    QCOMPARE(barsTotal(low), static_cast<double>(below(0.8)));
    QVERIFY(low->name().contains(QStringLiteral("0.80")));
    const DataTable shown = plot.shownData();
    QCOMPARE(static_cast<int>(shown.rows.size()), 80 + 3);
    QVERIFY(shown.rows[0][0].toString().startsWith(QStringLiteral("low quality")));
    QVERIFY(shown.rows[40][0].toString().startsWith(QStringLiteral("high quality")));

    plot.setSplitByQuality(false);
    plot.redrawNow();
    QVERIFY(fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("all samples"))->visible());
    QVERIFY(!low->visible());
  }

  void splitIsDisabledWhenQualityIsUnknown() {
    NormHistogramPlot plot;
    plot.setSplitByQuality(true);
    plot.setSnapshot(fx::makeSnapshot({.quality_known = false}));
    QVERIFY(!plot.qualityKnown());
    QVERIFY(!plot.findChild<QCheckBox*>()->isEnabled());
    plot.redrawNow();
    QVERIFY(fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("all samples"))->visible());
    QVERIFY(!fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("low quality"))->visible());
  }

  void manyBinsAreMergedToABoundedCount() {
    auto s = fx::makeSnapshot({.histogram_bins = 5000});
    NormHistogramPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    auto* bars = fx::plottableNamed<QCPBars>(plot.plot(), QStringLiteral("all samples"));
    QVERIFY(bars->dataCount() <= 512);
    QCOMPARE(barsTotal(bars), 2048.0);
  }
};

QTEST_MAIN(TestNormHistogramPlot)
#include "test_norm_histogram_plot.moc"
