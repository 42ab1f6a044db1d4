#include "widgets/benchmark_roc_plot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

BenchmarkRocPlot::BenchmarkRocPlot(QWidget* parent) : PlotWidget(tr("IJB ROC"), parent) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  auto* label = new QLabel(tr("Benchmark:"), this);
  choiceBox_ = new QComboBox(this);
  choiceBox_->setObjectName(QStringLiteral("benchmark"));
  choiceBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  choiceBox_->setToolTip(
      tr("IJB target and N/D/F mode (N1: raw norms, D1: weighted by the detector score, F1: the "
         "mirror image added)"));
  label->setBuddy(choiceBox_);
  controls->addWidget(label);
  controls->addWidget(choiceBox_);
  controls->addStretch(1);
  layout()->insertLayout(0, controls);
  connect(choiceBox_, &QComboBox::activated, this, [this](int index) { setChoice(choiceBox_->itemText(index)); });

  QCustomPlot* custom = plot();
  custom->xAxis->setScaleType(QCPAxis::stLogarithmic);
  custom->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  custom->xAxis->setNumberFormat(QStringLiteral("eb"));
  custom->xAxis->setNumberPrecision(0);
  custom->xAxis->setLabel(tr("false accept rate (FAR, log scale)"));
  custom->yAxis->setLabel(tr("true accept rate (TAR)"));
  QFont legendFont = font();
  legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
  custom->legend->setFont(legendFont);
  // Under the axes, one run per line: curves of weak and strong models cover every corner of the axes between them.
  custom->axisRect()->insetLayout()->take(custom->legend);
  custom->axisRect()->insetLayout()->simplify();
  auto* below = new QCPLayoutGrid;
  custom->plotLayout()->addElement(1, 0, below);
  below->setMargins(QMargins(6, 0, 6, 4));
  below->addElement(0, 0, custom->legend);
  custom->plotLayout()->setRowStretchFactor(1, 0.001);
  applyPlotStyle(custom, palette());
}

QStringList BenchmarkRocPlot::choices() const {
  QStringList names;
  for (const auto& choice : benchmarks::benchmark_curve_choices(runs_)) names << QString::fromStdString(choice);
  return names;
}

void BenchmarkRocPlot::setRuns(const std::vector<benchmarks::RunBenchmarks>& runs) {
  runs_ = runs;
  const QStringList names = choices();
  if (!names.contains(choice_)) choice_ = names.isEmpty() ? QString() : names.front();
  const QSignalBlocker blocker(choiceBox_);
  choiceBox_->clear();
  choiceBox_->addItems(names);
  choiceBox_->setCurrentIndex(choiceBox_->findText(choice_));
  choiceBox_->setEnabled(names.size() > 1);
  refresh();
}

void BenchmarkRocPlot::setChoice(const QString& choice) {
  if (choice == choice_ || !choices().contains(choice)) return;
  choice_ = choice;
  choiceBox_->setCurrentIndex(choiceBox_->findText(choice_));
  resumeFollowingData();
  refresh();
}

void BenchmarkRocPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearPlottables();
  custom->legend->setVisible(false);
  const auto curves = benchmarks::benchmark_curves(runs_, choice_.toStdString());
  if (curves.empty()) {
    setEmptyText(tr("No IJB results in the open runs:\nmarginlab-cli ijb --root DIR --target IJBC --checkpoint RUN"));
    fitAxes({1e-6, 1}, {0, 1.02});
    return;
  }
  setEmptyText(QString());
  double farLo = 1, tarLo = 1;
  int index = 0;
  for (const auto& curve : curves) {
    // A log axis has no place for FAR = 0: each curve starts at its smallest positive FAR.
    QVector<double> t, far, tar;
    for (std::size_t i = 0; i < curve.far.size(); ++i) {
      if (!(curve.far[i] > 0)) continue;
      t << static_cast<double>(t.size());
      far << curve.far[i];
      tar << curve.tar[i];
      farLo = std::min(farLo, curve.far[i]);
    }
    if (far.isEmpty()) continue;
    auto* graph = new QCPCurve(custom->xAxis, custom->yAxis);
    graph->setData(t, far, tar, /*alreadySorted=*/true);
    graph->setPen(seriesPen(index++, 2.0));
    graph->setName(std::isfinite(curve.tar_at_1e4)
                       ? tr("%1 (TAR@1e-4 %2%)").arg(QString::fromStdString(curve.run)).arg(curve.tar_at_1e4, 0, 'f', 2)
                       : QString::fromStdString(curve.run));
    for (int i = 0; i < far.size(); ++i) tarLo = std::min(tarLo, tar[i]);
  }
  custom->legend->setVisible(true);
  const double xLo = std::max(1e-7, std::pow(10.0, std::floor(std::log10(farLo))));
  const double yLo = std::max(0.0, std::floor((tarLo - 0.02) * 20.0) / 20.0);
  fitAxes({xLo, 1.05}, {yLo, 1.0 + 0.02 * (1.0 - yLo)});
}

DataTable BenchmarkRocPlot::shownData() const {
  DataTable table{{QStringLiteral("benchmark"), QStringLiteral("run"), QStringLiteral("far"), QStringLiteral("tar")},
                  {}};
  for (const auto& curve : benchmarks::benchmark_curves(runs_, choice_.toStdString())) {
    for (std::size_t i = 0; i < curve.far.size(); ++i) {
      if (curve.far[i] > 0)
        table.rows.push_back({choice_, QString::fromStdString(curve.run), curve.far[i], curve.tar[i]});
    }
  }
  return table;
}

}  // namespace marginlab::widgets
