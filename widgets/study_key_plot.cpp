#include "widgets/study_key_plot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"

namespace marginlab::widgets {

StudyKeyPlot::StudyKeyPlot(QWidget* parent) : PlotWidget(tr("Metric against a key"), parent) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  auto* label = new QLabel(tr("Key:"), this);
  keyBox_ = new QComboBox(this);
  keyBox_->setObjectName(QStringLiteral("key"));
  keyBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  label->setBuddy(keyBox_);
  controls->addWidget(label);
  controls->addWidget(keyBox_);
  controls->addStretch(1);
  layout()->insertLayout(0, controls);
  connect(keyBox_, &QComboBox::activated, this, [this](int index) { setAxis(index); });
  // Inside the axis rect the legend hid the top of the best setting's interval, which is what the plot is read for.
  placeLegendBelow(plot());
  applyPlotStyle(plot(), palette());
}

void StudyKeyPlot::setStudy(const study::StudyConfig& config, const study::StudyResults& results) {
  config_ = config;
  results_ = results;
  const QSignalBlocker blocker(keyBox_);
  keyBox_->clear();
  for (const auto& axis : config_.axes) keyBox_->addItem(QString::fromStdString(axis.key));
  if (axis_ >= static_cast<int>(config_.axes.size())) axis_ = 0;
  keyBox_->setCurrentIndex(axis_);
  keyBox_->setEnabled(config_.axes.size() > 1);
  updateTitle();
  refresh();
}

// The title names the key at once (an export names its file after it before anything is drawn).
void StudyKeyPlot::updateTitle() {
  if (config_.axes.empty()) return;
  setTitle(tr("%1 against %2")
               .arg(QString::fromStdString(config_.metric.describe()),
                    QString::fromStdString(config_.axes[static_cast<std::size_t>(axis_)].key)));
}

void StudyKeyPlot::setAxis(int axis) {
  if (axis == axis_ || axis < 0 || axis >= static_cast<int>(config_.axes.size())) return;
  axis_ = axis;
  keyBox_->setCurrentIndex(axis);
  updateTitle();
  resumeFollowingData();
  refresh();
}

std::vector<StudyKeyPlot::Group> StudyKeyPlot::groups(bool* numeric) const {
  std::vector<Group> result;
  if (config_.axes.empty()) return result;
  const auto& axis = config_.axes[static_cast<std::size_t>(axis_)];
  // Numbers on a number line, unless the study names them (labels): then they are categories like names.
  *numeric = axis.labels.empty();
  std::vector<nlohmann::json> values;
  for (const auto& s : results_.settings) {
    const auto& v = s.values[static_cast<std::size_t>(axis_)];
    if (!v.is_number()) *numeric = false;
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  if (*numeric) {
    std::sort(values.begin(), values.end(),
              [](const auto& a, const auto& b) { return a.template get<double>() < b.template get<double>(); });
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    Group g;
    g.label = QString::fromStdString(axis.label_of(values[i]));
    g.x = *numeric ? values[i].get<double>() : static_cast<double>(i);
    std::vector<double> finals;
    for (const auto& run : results_.runs) {
      const auto& setting = results_.settings[static_cast<std::size_t>(run.setting)];
      if (setting.values[static_cast<std::size_t>(axis_)] != values[i]) continue;
      if (run.outcome != study::RunOutcome::finished || !std::isfinite(run.metric)) continue;
      g.runs.emplace_back(QString::fromStdString(run.id), run.metric);
      finals.push_back(run.metric);
    }
    g.interval = study::mean_interval(finals);
    result.push_back(std::move(g));
  }
  return result;
}

void StudyKeyPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearPlottables();
  bool numeric = true;
  const auto all = groups(&numeric);
  const QString key =
      config_.axes.empty() ? QString() : QString::fromStdString(config_.axes[static_cast<std::size_t>(axis_)].key);
  const QString metric = QString::fromStdString(config_.metric.describe());
  custom->xAxis->setLabel(key);
  custom->yAxis->setLabel(metric);
  std::size_t dots = 0;
  for (const auto& g : all) dots += g.runs.size();
  if (dots == 0) {
    setEmptyText(tr("No finished run yet"));
    fitAxes({0, 1}, {0, 1});
    return;
  }
  setEmptyText(QString());
  // On categories 0 is only the first one's position: no heavier line through it.
  custom->xAxis->grid()->setZeroLinePen(numeric ? custom->yAxis->grid()->zeroLinePen() : QPen(Qt::NoPen));
  if (numeric) {
    custom->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  } else {
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (const auto& g : all) ticker->addTick(g.x, categoryTickLabel(g.label, static_cast<int>(all.size())));
    custom->xAxis->setTicker(ticker);
  }
  const QColor color = seriesColor(0);
  auto* points = addScatterGraph(custom, color, 6);
  QVector<double> mx, my, me;
  double yLo = INFINITY, yHi = -INFINITY;
  for (const auto& g : all) {
    for (const auto& [id, value] : g.runs) {
      points->addData(g.x, value);
      yLo = std::min(yLo, value);
      yHi = std::max(yHi, value);
    }
    if (g.interval.n == 0) continue;
    mx << g.x;
    my << g.interval.mean;
    me << (std::isfinite(g.interval.ci95) ? g.interval.ci95 : 0.0);
    if (std::isfinite(g.interval.ci95)) {
      yLo = std::min(yLo, g.interval.mean - g.interval.ci95);
      yHi = std::max(yHi, g.interval.mean + g.interval.ci95);
    }
  }
  points->setName(tr("runs"));
  auto* means = addLineGraph(custom, seriesColor(1), numeric ? 1.5 : 0);
  if (!numeric) means->setLineStyle(QCPGraph::lsNone);
  means->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, seriesColor(1), seriesColor(1), 11));
  means->setData(mx, my, true);
  means->setName(tr("mean, 95% interval over runs"));
  auto* bars = new QCPErrorBars(custom->xAxis, custom->yAxis);
  bars->setDataPlottable(means);
  bars->setData(me);
  bars->setPen(QPen(seriesColor(1), 1.5));
  bars->removeFromLegend();
  custom->legend->setVisible(true);
  layoutForWidth(custom->width());
  const double xLo = all.front().x, xHi = all.back().x;
  const double xPad = numeric ? std::max(1e-9, 0.08 * (xHi - xLo)) : 0.5;
  const double yPad = yHi > yLo ? 0.08 * (yHi - yLo) : 0.05;
  fitAxes({xLo - xPad, xHi + xPad}, {yLo - yPad, yHi + yPad});
}

void StudyKeyPlot::layoutForWidth(int width) { fitLegendColumns(plot(), width); }

DataTable StudyKeyPlot::shownData() const {
  DataTable data;
  data.columns = {QStringLiteral("value"), QStringLiteral("run"),  QStringLiteral("metric"),
                  QStringLiteral("mean"),  QStringLiteral("ci95"), QStringLiteral("n")};
  bool numeric = true;
  for (const auto& g : groups(&numeric)) {
    for (const auto& [id, value] : g.runs)
      data.rows.push_back({g.label, id, value, QVariant(), QVariant(), QVariant()});
    data.rows.push_back({g.label, QString(), QVariant(), g.interval.mean, g.interval.ci95, g.interval.n});
  }
  return data;
}

}  // namespace marginlab::widgets
