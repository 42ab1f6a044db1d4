#include <qcustomplot.h>

#include <QtTest>

#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/target_gradient_plot.h"

using namespace marginlab;
using namespace marginlab::widgets;

namespace {

int labelled(const train::Snapshot& s) {
  int n = 0;
  for (auto l : s.samples.labelled) n += l;
  return n;
}

// Whether the graph draws the point (x, y).
bool draws(QCPGraph* graph, double x, double y) {
  auto data = graph->data();
  for (auto it = data->constBegin(); it != data->constEnd(); ++it)
    if (std::abs(it->key - x) < 1e-9 && it->value == y) return true;
  return false;
}

}  // namespace

class TestTargetGradientPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void drawsEverySampleColouredByQuality() {
    const train::Snapshot s = testing::makeClassSnapshot();
    TargetGradientPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(plot.colouredByQuality());
    QCOMPARE(plot.colorScale()->dataRange(), QCPRange(0, 1));
    QVERIFY(plot.colorScale()->label().contains(QStringLiteral("quality")));
    int total = 0;
    for (int level = 0; level <= TargetGradientPlot::kLevels; ++level) total += plot.levelGraph(level)->dataCount();
    QCOMPARE(total, labelled(s));
    QCOMPARE(plot.shownData().rows.size(), std::size_t(labelled(s)));
    // A sample with q = 0.93 is drawn in the tenth colour step, at (θ in degrees, its gradient).
    for (std::size_t i = 0; i < s.quality.size(); ++i) {
      if (!s.samples.labelled[i]) continue;
      const int level = std::min(9, int(s.quality[i] * 10));
      QVERIFY(draws(plot.levelGraph(level), s.samples.theta[i] * 180.0 / M_PI, s.samples.target_grad[i]));
    }
    QCOMPARE(plot.levelGraph(TargetGradientPlot::kLevels)->dataCount(), 0);
    QCOMPARE(s.samples.labelled[0], std::uint8_t(0));  // the fixture leaves sample 0 unlabelled: row 0 is sample 1
    const auto row = plot.shownData().rows.front();
    QVERIFY(std::abs(row[0].toDouble() - s.samples.theta[1] * 180.0 / M_PI) < 1e-4);
    QCOMPARE(row[1].toDouble(), double(s.samples.target_grad[1]));
    QCOMPARE(row[2].toDouble(), double(s.quality[1]));
    // θ axis zoomed to the data inside 0–180°; gradient axis from 0.
    QVERIFY(plot.plot()->xAxis->range().lower >= 0 && plot.plot()->xAxis->range().upper <= 180);
    QCOMPARE(plot.plot()->yAxis->range().lower, 0.0);
    testing::saveLook(plot, QStringLiteral("target_gradient_plot"));
    plot.setPalette(testing::darkPalette());
    testing::saveLook(plot, QStringLiteral("target_gradient_plot_dark"));
  }

  void colourByFeatureNormWhenQualityIsUnknown() {
    testing::ClassSnapshotOptions unknown;
    unknown.quality_known = false;
    const train::Snapshot s = testing::makeClassSnapshot(unknown);
    TargetGradientPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(!plot.colouredByQuality());
    QVERIFY(plot.colorScale()->label().contains(QStringLiteral("feature norm")));
    QVERIFY(plot.colorScale()->label().contains(QStringLiteral("quality unknown")));
    float lo = 1e9f, hi = -1e9f;
    for (std::size_t i = 0; i < s.samples.norm.size(); ++i)
      if (s.samples.labelled[i]) lo = std::min(lo, s.samples.norm[i]), hi = std::max(hi, s.samples.norm[i]);
    QCOMPARE(plot.colorScale()->dataRange(), QCPRange(lo, hi));
    QCOMPARE(plot.shownData().columns[2], QStringLiteral("feature norm"));
    QCOMPARE(plot.levelGraph(TargetGradientPlot::kLevels)->dataCount(), 0);
    testing::saveLook(plot, QStringLiteral("target_gradient_plot_norm"));
  }

  void samplesWithoutAQualityAreGrey() {
    train::Snapshot s = testing::makeClassSnapshot();
    s.quality[1] = NAN;  // sample 0 is unlabelled: these are rows 0 and 1
    s.quality[2] = NAN;
    TargetGradientPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(plot.colouredByQuality());
    QCOMPARE(plot.levelGraph(TargetGradientPlot::kLevels)->dataCount(), 2);
    QVERIFY(std::isnan(plot.shownData().rows[0][2].toDouble()));
  }

  void emptyStates() {
    TargetGradientPlot plot;
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("first snapshot")));
    QVERIFY(!plot.colorScale()->visible());
    train::Snapshot s = testing::makeClassSnapshot();
    s.samples.target_grad.clear();
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("no per-sample target gradient")));
    QCOMPARE(plot.shownData().rows.size(), std::size_t(0));
    testing::saveLook(plot, QStringLiteral("target_gradient_plot_empty"));
    plot.setSnapshot(testing::makeClassSnapshot());
    QVERIFY(plot.emptyText().isEmpty());
  }
};

QTEST_MAIN(TestTargetGradientPlot)
#include "test_target_gradient_plot.moc"
