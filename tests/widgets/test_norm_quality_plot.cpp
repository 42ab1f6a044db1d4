#include <qcustomplot.h>

#include <QtTest>

#include "tests/widgets/snapshot_fixture.h"
#include "widgets/norm_quality_plot.h"
#include "widgets/plot_style.h"

using namespace marginlab::widgets;
namespace fx = marginlab::widgets::fixture;

namespace {

double sumOf(QCPGraph* g, bool keys) {
  double sum = 0;
  for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) sum += keys ? it->key : it->value;
  return sum;
}

}  // namespace

class TestNormQualityPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStates() {
    NormQualityPlot plot;
    plot.redrawNow();
    QVERIFY(fx::visibleTexts(plot.plot()).join(' ').contains(QStringLiteral("No samples yet")));
    plot.setSnapshot(fx::makeSnapshot({.quality_known = false}));
    plot.redrawNow();
    QCOMPARE(fx::visibleTexts(plot.plot()), QStringList{QStringLiteral("True quality is known only for SynthFace data")});
    QCOMPARE(fx::visibleWithData(plot.plot()), 0);
    QVERIFY(plot.shownData().rows.empty());
    QVERIFY(plot.summaryText().isEmpty());
  }

  void onePointPerLabelledSampleColouredByHardness() {
    const auto s = fx::makeSnapshot();
    NormQualityPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    int easy = 0, hard = 0;
    double easyQ = 0, hardNorm = 0;
    for (std::size_t i = 0; i < s.quality.size(); ++i) {
      if (!s.samples.labelled[i]) continue;
      if (s.samples.hard[i]) {
        ++hard;
        hardNorm += s.samples.norm[i];
      } else {
        ++easy;
        easyQ += s.quality[i];
      }
    }
    auto* easyGraph = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("easy"));
    auto* hardGraph = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("hard"));
    QVERIFY(easyGraph && hardGraph);
    QCOMPARE(easyGraph->dataCount(), easy);
    QCOMPARE(hardGraph->dataCount(), hard);
    QVERIFY(easy + hard < 2048);  // unlabelled rows are left out
    QVERIFY(std::abs(sumOf(easyGraph, true) - easyQ) < 1e-3);
    QVERIFY(std::abs(sumOf(hardGraph, false) - hardNorm) < 1e-2);
    QVERIFY(easyGraph->name().contains(QString::number(easy)));
    QCOMPARE(easyGraph->scatterStyle().pen().color().rgb(), role::easy().rgb());
    QCOMPARE(hardGraph->scatterStyle().pen().color().rgb(), role::hard().rgb());
    QCOMPARE(easyGraph->lineStyle(), QCPGraph::lsNone);
    // Quality has a fixed range.
    QVERIFY(plot.plot()->xAxis->range().contains(0.0) && plot.plot()->xAxis->range().contains(1.0));
    QVERIFY(plot.plot()->xAxis->range().size() < 1.1);
  }

  void spearmanInTheCorner() {
    auto s = fx::makeSnapshot();
    NormQualityPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    const QString expected =
        QStringLiteral("Spearman ρ = %1, 2048 samples").arg(s.norm_quality_spearman, 0, 'f', 2);
    QCOMPARE(plot.summaryText(), expected);
    QVERIFY(fx::visibleTexts(plot.plot()).contains(expected));
    QVERIFY(s.norm_quality_spearman > 0.6);  // the fixture: norms grow with quality

    s.norm_quality_spearman = NAN;
    plot.setSnapshot(s);
    QVERIFY(plot.summaryText().contains(QStringLiteral("not available")));
  }

  void binnedMedianTrend() {
    const auto s = fx::makeSnapshot();
    NormQualityPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    std::vector<std::vector<float>> bins(10);
    for (std::size_t i = 0; i < s.quality.size(); ++i) {
      if (!s.samples.labelled[i]) continue;
      bins[std::min(9, static_cast<int>(s.quality[i] * 10))].push_back(s.samples.norm[i]);
    }
    auto* trend = fx::plottableNamed<QCPGraph>(plot.plot(), QStringLiteral("median norm"));
    QVERIFY(trend);
    QCOMPARE(trend->dataCount(), 10);
    for (int b = 0; b < 10; ++b) {
      auto v = bins[b];
      std::sort(v.begin(), v.end());
      const double median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
      QCOMPARE(trend->data()->at(b)->key, (b + 0.5) / 10);
      QCOMPARE(trend->data()->at(b)->value, median);
    }
    QVERIFY(trend->data()->at(9)->value > trend->data()->at(0)->value + 10);

    // A bin with fewer than kTrendMinSamples samples gets no trend point.
    auto sparse = s;
    for (std::size_t i = 0; i < sparse.quality.size(); ++i)
      if (sparse.quality[i] < 0.1f) sparse.quality[i] = i % 500 == 0 ? 0.05f : 0.15f;
    plot.setSnapshot(sparse);
    plot.redrawNow();
    QCOMPARE(trend->dataCount(), 9);
    QVERIFY(trend->data()->at(0)->key > 0.1);
  }

  void shownDataRows() {
    const auto s = fx::makeSnapshot();
    NormQualityPlot plot;
    plot.setSnapshot(s);
    const DataTable shown = plot.shownData();
    QCOMPARE(shown.columns, (QStringList{"series", "quality", "norm"}));
    const auto labelled = std::count(s.samples.labelled.begin(), s.samples.labelled.end(), 1);
    QCOMPARE(static_cast<long>(shown.rows.size()), static_cast<long>(labelled + 10));
    QCOMPARE(shown.rows.back()[0].toString(), QStringLiteral("median norm per quality bin"));
    QCOMPARE(shown.rows.front()[0].toString(), QStringLiteral("easy"));
  }
};

QTEST_MAIN(TestNormQualityPlot)
#include "test_norm_quality_plot.moc"
