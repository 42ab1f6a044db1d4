#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QSlider>
#include <QtTest>

#include <cmath>

#include "widgets/training_curves_plot.h"

using namespace marginlab;
using marginlab::widgets::DataTable;
using marginlab::widgets::TrainingCurvesPlot;
using Metric = TrainingCurvesPlot::Metric;
using XAxis = TrainingCurvesPlot::XAxis;

namespace {

// `n` steps from `first`, `per_epoch` steps an epoch, one second each; loss = 10 / step, accuracy = step / (n + 1).
std::vector<train::StepRecord> steps(std::int64_t first, std::int64_t n, std::int64_t per_epoch = 1000) {
  std::vector<train::StepRecord> records;
  for (std::int64_t s = first; s < first + n; ++s) {
    train::StepRecord r;
    r.step = s;
    r.epoch = (s - 1) / per_epoch;
    r.wall_seconds = static_cast<double>(s);
    r.loss = 10.0 / static_cast<double>(s);
    r.accuracy = static_cast<double>(s) / static_cast<double>(first + n);
    r.lr = 0.1;
    r.samples_per_second = 500;
    r.norm_mean = 20;
    r.margin_mean = 0.5;
    r.grad_norm = 2;
    records.push_back(r);
  }
  return records;
}

train::RunEvent paramApplied(std::int64_t step, const std::string& name, double value) {
  train::RunEvent event;
  event.kind = train::RunEvent::Kind::param_applied;
  event.step = step;
  event.name = name;
  event.value = value;
  return event;
}

QStringList itemTexts(QCustomPlot* plot) {
  QStringList texts;
  for (int i = 0; i < plot->itemCount(); ++i)
    if (auto* text = qobject_cast<QCPItemText*>(plot->item(i))) texts << text->text();
  return texts;
}

int countItems(QCustomPlot* plot, const char* className) {
  int n = 0;
  for (int i = 0; i < plot->itemCount(); ++i) n += plot->item(i)->inherits(className) ? 1 : 0;
  return n;
}

QString titleText(QCustomPlot* plot) {
  for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
    if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) return title->text();
  return {};
}

}  // namespace

class TestTrainingCurvesPlot : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void emptyStateSaysSoAndShowsNothing() {
    TrainingCurvesPlot plot;
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 0);
    QVERIFY(itemTexts(plot.plot()).contains(QStringLiteral("No training steps yet")));
    QVERIFY(plot.shownData().rows.empty());
    QCOMPARE(plot.shownData().columns,
             QStringList({"step", "epoch", "wall_seconds", "raw", "smoothed"}));
  }

  void rawValuesAreDrawnAndSmoothedIsTheDebiasedEma() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.setSmoothing(0.5);
    plot.appendSteps(steps(1, 3));
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 2);  // faint raw, solid smoothed
    auto* raw = plot.plot()->graph(0);
    auto* smooth = plot.plot()->graph(1);
    QCOMPARE(raw->dataCount(), 3);
    QCOMPARE(raw->data()->at(1)->key, 2.0);
    QCOMPARE(raw->data()->at(1)->value, 5.0);
    QVERIFY(raw->pen().color().alpha() < 255);
    // EMA from 0, debiased: first = 10; second = (0.5·0.5·10 + 0.5·5) / (1 − 0.25).
    QCOMPARE(smooth->data()->at(0)->value, 10.0);
    QVERIFY(std::abs(smooth->data()->at(1)->value - (0.25 * 10 + 0.5 * 5) / 0.75) < 1e-12);
    const DataTable table = plot.shownData();
    QCOMPARE(table.rows.size(), std::size_t(3));
    QCOMPARE(table.rows[2][0].toLongLong(), 3);
    QCOMPARE(table.rows[2][3].toDouble(), 10.0 / 3);
    QVERIFY(std::abs(table.rows[1][4].toDouble() - smooth->data()->at(1)->value) < 1e-12);

    plot.setSmoothing(0);  // only the raw line, drawn solid and named
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 1);
    QCOMPARE(plot.plot()->graph(0)->pen().color().alpha(), 255);
  }

  void controlsChangeWhatIsDrawn() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.appendSteps(steps(1, 10));
    auto* metric = plot.findChild<QComboBox*>(QStringLiteral("metric"));
    auto* slider = plot.findChild<QSlider*>(QStringLiteral("smoothing"));
    auto* log = plot.findChild<QCheckBox*>(QStringLiteral("logY"));
    auto* x = plot.findChild<QComboBox*>(QStringLiteral("xAxis"));
    QVERIFY(metric && slider && log && x);
    QSignalSpy changed(&plot, &TrainingCurvesPlot::metricChanged);
    const int accuracy_index = metric->findData(static_cast<int>(Metric::accuracy));
    metric->setCurrentIndex(accuracy_index);
    Q_EMIT metric->activated(accuracy_index);
    QCOMPARE(plot.metric(), Metric::accuracy);
    QCOMPARE(changed.count(), 1);
    plot.redrawNow();
    QCOMPARE(plot.plot()->graph(0)->data()->at(9)->value, 10.0 / 11);
    // Accuracy has the fixed 0–1 axis and no log option.
    QCOMPARE(plot.plot()->yAxis->range().lower, 0.0);
    QVERIFY(plot.plot()->yAxis->range().upper >= 1.0 && plot.plot()->yAxis->range().upper < 1.05);
    QVERIFY(!log->isEnabled());

    slider->setValue(0);
    QCOMPARE(plot.smoothing(), 0.0);
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 1);

    plot.setMetric(Metric::grad_norm);  // from code: the combo box follows
    QCOMPARE(metric->currentData().toInt(), static_cast<int>(Metric::grad_norm));
    QVERIFY(log->isEnabled());
    log->setChecked(true);
    QVERIFY(plot.logY());
    plot.redrawNow();
    QCOMPARE(plot.plot()->yAxis->scaleType(), QCPAxis::stLogarithmic);

    const int wall = x->findData(static_cast<int>(XAxis::wall_time));
    x->setCurrentIndex(wall);
    Q_EMIT x->activated(wall);
    QCOMPARE(plot.xAxisKind(), XAxis::wall_time);
    plot.redrawNow();
    QVERIFY(plot.plot()->xAxis->label().contains(QStringLiteral("(s)")));
  }

  void logAxisLeavesOutNonPositiveValuesWithANote() {
    TrainingCurvesPlot plot(Metric::learning_rate);
    auto records = steps(1, 5);
    records[0].lr = 0;  // warm-up starts at zero
    plot.appendSteps(records);
    plot.setSmoothing(0);
    plot.setLogY(true);
    plot.redrawNow();
    QCOMPARE(plot.plot()->graph(0)->dataCount(), 4);
    QCOMPARE(plot.plot()->graph(0)->data()->at(0)->key, 2.0);
    QVERIFY(itemTexts(plot.plot()).join(' ').contains(QStringLiteral("1 left out (≤ 0 on a log axis)")));
    QCOMPARE(plot.shownData().rows.size(), std::size_t(4));
    plot.setMetric(Metric::margin_mean);  // signed: the log option does not apply
    QVERIFY(!plot.logY());
    plot.redrawNow();
    QCOMPARE(plot.plot()->yAxis->scaleType(), QCPAxis::stLinear);
  }

  void skippedStepsAreCountedNotDrawnAndNanIsAGap() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.setSmoothing(0);
    auto records = steps(1, 6);
    records[1].skipped = true;
    records[1].loss = std::nan("");
    records[2].skipped = true;
    records[2].loss = 1e30;
    records[4].loss = std::nan("");  // not skipped, but no value: a gap
    plot.appendSteps(records);
    plot.redrawNow();
    QCOMPARE(plot.skippedSteps(), 2);
    QVERIFY(titleText(plot.plot()).contains(QStringLiteral("2 skipped")));
    auto* graph = plot.plot()->graph(0);
    QCOMPARE(graph->dataCount(), 4);  // steps 1, 4, 5 (NaN), 6
    QCOMPARE(graph->data()->at(1)->key, 4.0);
    QVERIFY(std::isnan(graph->data()->at(2)->value));
    const DataTable table = plot.shownData();
    QCOMPARE(table.rows.size(), std::size_t(3));
    QCOMPARE(table.rows[2][0].toLongLong(), 6);
    QVERIFY(plot.plot()->yAxis->range().upper < 20);  // the skipped step's 1e30 is nowhere

    TrainingCurvesPlot all_skipped;
    auto bad = steps(1, 3);
    for (auto& r : bad) r.skipped = true;
    all_skipped.appendSteps(bad);
    all_skipped.redrawNow();
    QCOMPARE(all_skipped.plot()->graphCount(), 0);
    QVERIFY(itemTexts(all_skipped.plot()).join(' ').contains(QStringLiteral("Nothing to draw yet: 3 skipped")));
  }

  void metricTheRunDoesNotReportSaysSo() {
    TrainingCurvesPlot plot(Metric::margin_mean);
    auto records = steps(1, 4);
    for (auto& r : records) r.margin_mean = std::nan("");
    plot.appendSteps(records);
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 0);
    QVERIFY(itemTexts(plot.plot()).join(' ').contains(QStringLiteral("does not report the mean margin")));
    QVERIFY(plot.shownData().rows.empty());
  }

  void hundredThousandStepsStayBoundedAndSpanTheRun() {
    TrainingCurvesPlot plot(Metric::accuracy);
    plot.setSmoothing(0);
    for (std::int64_t first = 1; first <= 100000; first += 1000) plot.appendSteps(steps(first, 1000));
    QVERIFY(plot.pointCount() <= TrainingCurvesPlot::kMaxPoints);
    QVERIFY(plot.pointCount() >= TrainingCurvesPlot::kMaxPoints / 4);  // thinned, not truncated to a few
    QCOMPARE(plot.firstStep(), 1);
    QCOMPARE(plot.lastStep(), 100000);
    plot.redrawNow();
    const DataTable table = plot.shownData();
    QCOMPARE(static_cast<int>(table.rows.size()), plot.pointCount());
    QCOMPARE(table.rows.back()[0].toLongLong(), 100000);
    QVERIFY(table.rows.front()[0].toLongLong() <= 16);
    QVERIFY(plot.plot()->xAxis->range().lower <= 1.0);
    QVERIFY(plot.plot()->xAxis->range().upper >= 100000.0);
    // Each point is the mean of the steps it stands for: accuracy = step / (first + n) with each batch its own n, so
    // check the loss instead on the raw stored points: the mean of 10/s over its group lies within the group's range.
    plot.setMetric(Metric::loss);
    const DataTable loss = plot.shownData();
    for (std::size_t i = 1; i < loss.rows.size(); i += 997) {
      const double step = loss.rows[i][0].toDouble();
      const double previous = loss.rows[i - 1][0].toDouble();
      const double value = loss.rows[i][3].toDouble();
      QVERIFY(value <= 10.0 / (previous + 1) + 1e-12);
      QVERIFY(value >= 10.0 / step - 1e-12);
    }
  }

  void epochAxisIsFractional() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.setSmoothing(0);
    plot.setXAxis(XAxis::epoch);
    plot.appendSteps(steps(1, 5, 10));  // the first epoch still running: its length is unknown
    plot.redrawNow();
    QCOMPARE(plot.plot()->graph(0)->data()->at(4)->key, 0.0);
    QVERIFY(plot.plot()->xAxis->label().contains(QStringLiteral("whole epochs")));
    plot.appendSteps(steps(6, 30, 10));  // steps 1..35, ten an epoch
    plot.redrawNow();
    const DataTable table = plot.shownData();
    QCOMPARE(table.rows[4][1].toDouble(), 0.5);   // step 5: half of epoch 0 done
    QCOMPARE(table.rows[9][1].toDouble(), 1.0);   // step 10: epoch 0 done
    QCOMPARE(table.rows[34][1].toDouble(), 3.5);  // step 35 in the running epoch 3, by the last epoch's length
    QCOMPARE(plot.plot()->graph(0)->data()->at(14)->key, 1.5);
  }

  void parameterChangesBecomeBoundedMarkers() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.appendSteps(steps(1, 300));
    train::RunEvent other;
    other.kind = train::RunEvent::Kind::checkpoint;
    other.step = 100;
    plot.addEvents({paramApplied(100, "m", 0.5), other, paramApplied(200, "s", 64)});
    QCOMPARE(plot.markerCount(), 2);
    plot.redrawNow();
    QCOMPARE(countItems(plot.plot(), "QCPItemLine"), 2);
    const QStringList texts = itemTexts(plot.plot());
    QVERIFY(texts.contains(QStringLiteral("m = 0.5")));
    QVERIFY(texts.contains(QStringLiteral("s = 64")));
    std::vector<train::RunEvent> many;
    for (int i = 0; i < 250; ++i) many.push_back(paramApplied(i + 1, "h", 0.33));
    plot.addEvents(many);
    QCOMPARE(plot.markerCount(), TrainingCurvesPlot::kMaxMarkers);
    plot.redrawNow();
    QCOMPARE(countItems(plot.plot(), "QCPItemLine"), TrainingCurvesPlot::kMaxMarkers);
    plot.clear();
    QCOMPARE(plot.markerCount(), 0);
    QCOMPARE(plot.pointCount(), 0);
  }

  void crowdedMarkerLabelsAreThinnedButEveryLineStays() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.resize(500, 350);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.appendSteps(steps(1, 1000));
    std::vector<train::RunEvent> dense;
    for (int i = 0; i < 50; ++i) dense.push_back(paramApplied(400 + i, "m", 0.4 + i * 0.001));
    dense.push_back(paramApplied(900, "s", 32));
    plot.addEvents(dense);
    plot.redrawNow();
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);  // lays out the axis rect, then thins the labels
    QCOMPARE(countItems(plot.plot(), "QCPItemLine"), 51);
    int visible = 0;
    bool far_one_visible = false;
    for (int i = 0; i < plot.plot()->itemCount(); ++i) {
      auto* text = qobject_cast<QCPItemText*>(plot.plot()->item(i));
      if (!text || !text->visible() || text->text().isEmpty() || !text->text().contains('=')) continue;
      ++visible;
      far_one_visible = far_one_visible || text->text() == QStringLiteral("s = 32");
    }
    QVERIFY(visible >= 2);
    QVERIFY(visible <= 5);  // 50 markers within 50 of 1000 steps share a few pixels
    QVERIFY(far_one_visible);
  }

  void overlayIsDashedNamedAndExported() {
    TrainingCurvesPlot plot(Metric::loss);
    plot.setRunName(QStringLiteral("adaface-a"));
    plot.appendSteps(steps(1, 10));
    auto other = steps(1, 5);
    for (auto& r : other) r.loss *= 2;
    plot.setOverlay(QStringLiteral("arcface-b"), other);
    plot.setSmoothing(0);
    plot.redrawNow();
    QCOMPARE(plot.plot()->graphCount(), 2);
    QCOMPARE(plot.plot()->graph(1)->pen().style(), Qt::DashLine);
    QVERIFY(plot.plot()->legend->visible());
    QCOMPARE(plot.plot()->legend->itemCount(), 2);
    QCOMPARE(plot.plot()->graph(0)->name(), QStringLiteral("adaface-a"));
    QCOMPARE(plot.plot()->graph(1)->name(), QStringLiteral("arcface-b"));
    const DataTable table = plot.shownData();
    QCOMPARE(table.columns.front(), QStringLiteral("series"));
    QCOMPARE(table.rows.size(), std::size_t(15));
    QCOMPARE(table.rows[10][0].toString(), QStringLiteral("arcface-b"));
    QCOMPARE(table.rows[10][4].toDouble(), 20.0);
    plot.clear();  // the overlay stays for the next run
    plot.redrawNow();
    QCOMPARE(plot.shownData().rows.size(), std::size_t(5));
    plot.clearOverlay();
    plot.redrawNow();
    QVERIFY(!plot.plot()->legend->visible());
    QVERIFY(plot.shownData().rows.empty());
  }
};

QTEST_MAIN(TestTrainingCurvesPlot)
#include "test_training_curves_plot.moc"
