#include "widgets/study_curves_plot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

StudyCurvesPlot::StudyCurvesPlot(QWidget* parent) : PlotWidget(tr("Curves by setting"), parent) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  auto* label = new QLabel(tr("Series:"), this);
  seriesBox_ = new QComboBox(this);
  seriesBox_->setObjectName(QStringLiteral("series"));
  seriesBox_->addItem(tr("Ranking metric at each evaluation"));
  seriesBox_->addItem(tr("Training loss"));
  seriesBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  label->setBuddy(seriesBox_);
  controls->addWidget(label);
  controls->addWidget(seriesBox_);
  controls->addStretch(1);
  // Said once here rather than in every legend entry, which keeps the legend short enough for many settings.
  auto* reading = new QLabel(tr("line: mean over seeds · band: lowest to highest seed · faint: each run"), this);
  reading->setForegroundRole(QPalette::PlaceholderText);
  controls->addWidget(reading);
  layout()->insertLayout(0, controls);
  connect(seriesBox_, &QComboBox::activated, this,
          [this](int index) { setSeries(index == 0 ? Series::metric : Series::loss); });
  plot()->xAxis->setLabel(tr("step"));
  // A study may have a dozen settings: below the plot their legend covers no curve.
  placeLegendBelow(plot());
  plot()->legend->setVisible(true);
  applyPlotStyle(plot(), palette());
}

void StudyCurvesPlot::setStudy(const study::StudyConfig& config, const study::StudyResults& results) {
  config_ = config;
  results_ = results;
  updateTitle();
  refresh();
}

void StudyCurvesPlot::updateTitle() {
  setTitle(series_ == Series::metric ? tr("%1 by setting").arg(QString::fromStdString(config_.metric.describe()))
                                     : tr("Training loss by setting"));
}

void StudyCurvesPlot::setSeries(Series series) {
  if (series == series_) return;
  series_ = series;
  seriesBox_->setCurrentIndex(series == Series::metric ? 0 : 1);
  updateTitle();
  resumeFollowingData();
  refresh();
}

QString StudyCurvesPlot::legendName(const QString& settingLabel) {
  // "data.synthface.imbalance_ratio=40" → "imbalance_ratio=40": the key's last part names it well enough beside the
  // plot, and the legend fits twice the columns. The full labels stay in the table, the CSV and the report.
  static const QRegularExpression keyPath(QStringLiteral("(?:[A-Za-z_]\\w*\\.)+(?=[A-Za-z_]\\w*=)"));
  return QString(settingLabel).remove(keyPath);
}

std::vector<StudyCurvesPlot::Curve> StudyCurvesPlot::curves() const {
  std::vector<Curve> result;
  for (const auto& setting : results_.settings) {
    Curve curve;
    curve.label = QString::fromStdString(setting.label);
    std::map<double, std::vector<double>> by_step;
    for (const auto& run : results_.runs) {
      if (run.setting != setting.setting) continue;
      std::vector<double> steps, values;
      if (series_ == Series::metric) {
        for (const auto& [step, value] : run.metric_by_step) {
          if (!std::isfinite(value)) continue;
          steps.push_back(static_cast<double>(step));
          values.push_back(value);
        }
      } else {
        steps = run.loss_steps;
        values = run.loss;
      }
      if (steps.empty()) continue;
      for (std::size_t i = 0; i < steps.size(); ++i) by_step[steps[i]].push_back(values[i]);
      curve.runs.emplace_back(std::move(steps), std::move(values));
      ++curve.runCount;
    }
    for (const auto& [step, values] : by_step) {
      double sum = 0;
      for (const double v : values) sum += v;
      curve.steps.push_back(step);
      curve.mean.push_back(sum / static_cast<double>(values.size()));
      curve.low.push_back(*std::min_element(values.begin(), values.end()));
      curve.high.push_back(*std::max_element(values.begin(), values.end()));
    }
    if (!curve.steps.empty()) result.push_back(std::move(curve));
  }
  return result;
}

void StudyCurvesPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearPlottables();
  const bool metric = series_ == Series::metric;
  custom->yAxis->setLabel(metric ? QString::fromStdString(config_.metric.describe()) : tr("training loss"));
  const auto all = curves();
  if (all.empty()) {
    setEmptyText(metric ? tr("No evaluations yet: the runs report the metric at eval.every_steps and at the end")
                        : tr("No training steps yet"));
    custom->legend->setVisible(false);
    fitAxes({0, 1}, {0, 1});
    return;
  }
  setEmptyText(QString());
  custom->legend->setVisible(true);
  double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
  // Run counts are named only where settings differ in them (runs still going, or stopped early): said on every entry
  // they would only widen the legend.
  const bool countsDiffer =
      std::any_of(all.begin(), all.end(), [&](const Curve& c) { return c.runCount != all.front().runCount; });
  int index = 0;
  for (const auto& curve : all) {
    const int series = index++;
    const QColor color = seriesColor(series);
    for (const auto& [steps, values] : curve.runs) {
      auto* run = addLineGraph(custom, faded(color, 60), 1.0);
      run->setData(QVector<double>(steps.begin(), steps.end()), QVector<double>(values.begin(), values.end()), true);
      run->removeFromLegend();
    }
    const QVector<double> x(curve.steps.begin(), curve.steps.end());
    auto* low = addLineGraph(custom, Qt::transparent, 0);
    low->setData(x, QVector<double>(curve.low.begin(), curve.low.end()), true);
    low->removeFromLegend();
    auto* high = addLineGraph(custom, Qt::transparent, 0);
    high->setData(x, QVector<double>(curve.high.begin(), curve.high.end()), true);
    high->setBrush(faded(color, 45));
    high->setChannelFillGraph(low);
    high->removeFromLegend();
    auto* mean = custom->addGraph();
    mean->setPen(seriesPen(series, 2.2));
    mean->setData(x, QVector<double>(curve.mean.begin(), curve.mean.end()), true);
    const QString name = legendName(curve.label);
    mean->setName(countsDiffer ? tr("%1 (n = %2)").arg(name).arg(curve.runCount) : name);
    if (metric) mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    xLo = std::min(xLo, curve.steps.front());
    xHi = std::max(xHi, curve.steps.back());
    for (const auto& [steps, values] : curve.runs) {
      for (const double v : values) {
        if (!std::isfinite(v)) continue;
        yLo = std::min(yLo, v);
        yHi = std::max(yHi, v);
      }
    }
  }
  layoutForWidth(custom->width());
  const double pad = yHi > yLo ? 0.05 * (yHi - yLo) : 0.05;
  fitAxes({xLo == xHi ? xLo - 1 : xLo, xLo == xHi ? xHi + 1 : xHi}, {yLo - pad, yHi + pad});
}

void StudyCurvesPlot::layoutForWidth(int width) { fitLegendColumns(plot(), width); }

DataTable StudyCurvesPlot::shownData() const {
  DataTable data;
  data.columns = {QStringLiteral("setting"), QStringLiteral("step"), QStringLiteral("mean"),
                  QStringLiteral("low"),     QStringLiteral("high"), QStringLiteral("runs")};
  for (const auto& curve : curves()) {
    for (std::size_t i = 0; i < curve.steps.size(); ++i) {
      data.rows.push_back({curve.label, curve.steps[i], curve.mean[i], curve.low[i], curve.high[i], curve.runCount});
    }
  }
  return data;
}

}  // namespace marginlab::widgets
