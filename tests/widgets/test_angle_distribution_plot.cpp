#include <qcustomplot.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
#include <QtTest>

#include <array>
#include <cmath>

#include "tests/widgets/class_snapshot_fixture.h"
#include "widgets/angle_distribution_plot.h"

using namespace marginlab;
using namespace marginlab::widgets;
using Counts = std::array<int, 4>;

namespace {

// The expected group sizes, computed straight from the snapshot.
Counts expected(const train::Snapshot& s, double theta_above_deg, double q_below) {
  Counts c{};
  for (std::size_t i = 0; i < s.samples.theta.size(); ++i) {
    if (!s.samples.labelled[i]) continue;
    const bool hard = theta_above_deg < 0 ? s.samples.hard[i] != 0 : s.samples.theta[i] * 180.0 / M_PI > theta_above_deg;
    const bool low = s.quality[i] < q_below;
    ++c[(hard ? 2 : 0) + (low ? 0 : 1)];
  }
  return c;
}

int labelled(const train::Snapshot& s) {
  int n = 0;
  for (auto l : s.samples.labelled) n += l;
  return n;
}

}  // namespace

class TestAngleDistributionPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void splitsByMisclassificationAndTrueQuality() {
    const train::Snapshot s = testing::makeClassSnapshot();
    AngleDistributionPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(plot.qualityKnown());
    QCOMPARE(plot.groupCounts(), expected(s, -1, 0.5));
    const Counts c = plot.groupCounts();
    QCOMPARE(c[0] + c[1] + c[2] + c[3], labelled(s));
    for (int g = 0; g < 4; ++g) {
      QVERIFY(c[g] > 20);  // the fixture fills every group
      QVERIFY(plot.plot()->graph(g)->name().contains(QStringLiteral("n = %1").arg(c[g])));
    }
    QVERIFY(plot.findChild<QLabel*>(QStringLiteral("quality_source"))->text().contains(QStringLiteral("true quality")));
    QVERIFY(plot.findChild<QDoubleSpinBox*>(QStringLiteral("quality_threshold"))->isVisibleTo(&plot));
    QVERIFY(!plot.findChild<QSpinBox*>(QStringLiteral("norm_percentile"))->isVisibleTo(&plot));
    testing::saveLook(plot, QStringLiteral("angle_distribution_plot"));
    plot.setPalette(testing::darkPalette());
    testing::saveLook(plot, QStringLiteral("angle_distribution_plot_dark"));
  }

  void eachGroupIsADensityInDegrees() {
    const train::Snapshot s = testing::makeClassSnapshot();
    AngleDistributionPlot plot;
    plot.setSnapshot(s);
    plot.redrawNow();
    const QStringList names = {QStringLiteral("easy · low quality"), QStringLiteral("easy · high quality"),
                               QStringLiteral("hard · low quality"), QStringLiteral("hard · high quality")};
    std::array<double, 4> area{}, peak_theta{}, peak{};
    double max_theta_grid = 0;
    for (const auto& row : plot.shownData().rows) {
      const int g = names.indexOf(row[0].toString());
      QVERIFY(g >= 0);
      QCOMPARE(row[3].toLongLong(), qint64(plot.groupCounts()[g]));
      QCOMPARE(row[4].toDouble(), plot.bandwidth(g));
      area[g] += row[2].toDouble() * AngleDistributionPlot::kGridStep;
      if (row[2].toDouble() > peak[g]) {
        peak[g] = row[2].toDouble();
        peak_theta[g] = row[1].toDouble();
      }
      max_theta_grid = std::max(max_theta_grid, row[1].toDouble());
    }
    for (int g = 0; g < 4; ++g) {
      QVERIFY2(std::abs(area[g] - 1.0) < 2e-3, qPrintable(QString::number(area[g])));
      QVERIFY(plot.bandwidth(g) >= 0.5 && plot.bandwidth(g) < 10.0);
    }
    // θ arrives in radians and is shown in degrees: the grid covers the largest angle, and hard samples peak at
    // larger angles than easy ones.
    double max_theta = 0;
    for (auto t : s.samples.theta) max_theta = std::max(max_theta, t * 180.0 / M_PI);
    QVERIFY(max_theta_grid >= max_theta && max_theta_grid <= 180.0);
    QVERIFY(peak_theta[3] > peak_theta[1]);
    // The axis zooms to the data, inside 0–180°.
    QVERIFY(plot.plot()->xAxis->range().upper <= 180.0);
    QVERIFY(plot.plot()->xAxis->range().upper < max_theta + 20);
    // The graphs draw exactly the table's densities.
    for (int g = 0; g < 4; ++g) {
      double graph_peak = 0;
      for (int i = 0; i < plot.plot()->graph(g)->dataCount(); ++i)
        graph_peak = std::max(graph_peak, plot.plot()->graph(g)->data()->at(i)->value);
      QCOMPARE(graph_peak, peak[g]);
    }
  }

  void controlsMoveSamplesBetweenGroups() {
    const train::Snapshot s = testing::makeClassSnapshot();
    AngleDistributionPlot plot;
    plot.setSnapshot(s);
    auto* quality = plot.findChild<QDoubleSpinBox*>(QStringLiteral("quality_threshold"));
    quality->setValue(0.3);
    QCOMPARE(plot.groupCounts(), expected(s, -1, 0.3));
    QVERIFY(plot.groupCounts() != expected(s, -1, 0.5));

    auto* mode = plot.findChild<QComboBox*>(QStringLiteral("difficulty_mode"));
    auto* theta = plot.findChild<QDoubleSpinBox*>(QStringLiteral("theta_threshold"));
    QVERIFY(!theta->isEnabled());
    mode->setCurrentIndex(1);
    QCOMPARE(plot.difficulty(), AngleDistributionPlot::Difficulty::theta_above);
    QVERIFY(theta->isEnabled());
    QCOMPARE(plot.groupCounts(), expected(s, 60.0, 0.3));
    theta->setValue(45.0);
    QCOMPARE(plot.groupCounts(), expected(s, 45.0, 0.3));
    plot.redrawNow();
    QVERIFY(plot.plot()->graph(2)->name().contains(QStringLiteral("n = %1").arg(expected(s, 45.0, 0.3)[2])));
    mode->setCurrentIndex(0);
    QCOMPARE(plot.groupCounts(), expected(s, -1, 0.3));
  }

  void fallsBackToTheFeatureNormWithoutQuality() {
    testing::ClassSnapshotOptions unknown;
    unknown.quality_known = false;
    const train::Snapshot s = testing::makeClassSnapshot(unknown);
    AngleDistributionPlot plot;
    plot.setSnapshot(s);
    QVERIFY(!plot.qualityKnown());
    auto* label = plot.findChild<QLabel*>(QStringLiteral("quality_source"));
    QVERIFY(label->text().contains(QStringLiteral("feature norm")));
    QVERIFY(plot.findChild<QSpinBox*>(QStringLiteral("norm_percentile"))->isVisibleTo(&plot));
    QVERIFY(!plot.findChild<QDoubleSpinBox*>(QStringLiteral("quality_threshold"))->isVisibleTo(&plot));
    // At the 50th percentile half the samples are low quality (within one, the median sample itself).
    const int total = labelled(s);
    Counts c = plot.groupCounts();
    QVERIFY(std::abs(c[0] + c[2] - total / 2) <= 1);
    plot.findChild<QSpinBox*>(QStringLiteral("norm_percentile"))->setValue(20);
    c = plot.groupCounts();
    QVERIFY(std::abs(c[0] + c[2] - total / 5) <= 1);
    QCOMPARE(c[0] + c[1] + c[2] + c[3], total);
    testing::saveLook(plot, QStringLiteral("angle_distribution_plot_norm"));
    plot.resize(720, 520);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    testing::saveLook(static_cast<QWidget&>(plot), QStringLiteral("angle_distribution_widget"));
  }

  void emptyStates() {
    AngleDistributionPlot plot;
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("first snapshot")));
    QCOMPARE(plot.shownData().rows.size(), std::size_t(0));
    train::Snapshot s = testing::makeClassSnapshot();
    std::fill(s.samples.labelled.begin(), s.samples.labelled.end(), 0);
    plot.setSnapshot(s);
    plot.redrawNow();
    QVERIFY(plot.emptyText().contains(QStringLiteral("No labelled samples")));
    for (int g = 0; g < 4; ++g) QCOMPARE(plot.plot()->graph(g)->dataCount(), 0);
    testing::saveLook(plot, QStringLiteral("angle_distribution_plot_empty"));
    plot.setSnapshot(testing::makeClassSnapshot());
    QVERIFY(plot.emptyText().isEmpty());
    plot.clear();
    QCOMPARE(plot.groupCounts(), Counts{});
  }
};

QTEST_MAIN(TestAngleDistributionPlot)
#include "test_angle_distribution_plot.moc"
