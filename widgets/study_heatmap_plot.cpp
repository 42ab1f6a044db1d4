#include "widgets/study_heatmap_plot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {
namespace {

constexpr int kLevels = 64;

// The distinct values of one axis among the settings, in the order the study lists them.
std::vector<nlohmann::json> axis_values(const study::StudyResults& results, int axis) {
  std::vector<nlohmann::json> values;
  for (const auto& s : results.settings) {
    const auto& v = s.values[static_cast<std::size_t>(axis)];
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  return values;
}

}  // namespace

StudyHeatmapPlot::StudyHeatmapPlot(QWidget* parent) : PlotWidget(tr("Heatmap of two keys"), parent) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  columnBox_ = new QComboBox(this);
  columnBox_->setObjectName(QStringLiteral("columns"));
  rowBox_ = new QComboBox(this);
  rowBox_->setObjectName(QStringLiteral("rows"));
  for (auto* box : {columnBox_, rowBox_}) box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  auto* across = new QLabel(tr("Across:"), this);
  across->setBuddy(columnBox_);
  auto* down = new QLabel(tr("Down:"), this);
  down->setBuddy(rowBox_);
  controls->addWidget(across);
  controls->addWidget(columnBox_);
  controls->addWidget(down);
  controls->addWidget(rowBox_);
  controls->addStretch(1);
  layout()->insertLayout(0, controls);
  connect(columnBox_, &QComboBox::activated, this, [this](int index) { setAxes(index, rows_); });
  connect(rowBox_, &QComboBox::activated, this, [this](int index) { setAxes(columns_, index); });
  scale_ = addColorScale(plot(), sequentialGradient(kLevels, palette()));
  styleColorScale(scale_, palette());
  applyPlotStyle(plot(), palette());
}

void StudyHeatmapPlot::setStudy(const study::StudyConfig& config, const study::StudyResults& results) {
  config_ = config;
  results_ = results;
  const int n = static_cast<int>(config_.axes.size());
  if (columns_ >= n || rows_ >= n || columns_ == rows_) {
    columns_ = 0;
    rows_ = n > 1 ? 1 : 0;
  }
  for (auto* box : {columnBox_, rowBox_}) {
    const QSignalBlocker blocker(box);
    box->clear();
    for (const auto& axis : config_.axes) box->addItem(QString::fromStdString(axis.key));
    box->setEnabled(n > 2);
  }
  columnBox_->setCurrentIndex(columns_);
  rowBox_->setCurrentIndex(rows_);
  updateTitle();
  refresh();
}

void StudyHeatmapPlot::updateTitle() {
  if (config_.axes.size() < 2) {
    setTitle(tr("Heatmap of two keys"));
    return;
  }
  setTitle(tr("%1 by %2 and %3")
               .arg(QString::fromStdString(config_.metric.describe()),
                    QString::fromStdString(config_.axes[static_cast<std::size_t>(columns_)].key),
                    QString::fromStdString(config_.axes[static_cast<std::size_t>(rows_)].key)));
}

void StudyHeatmapPlot::setAxes(int columns, int rows) {
  const int n = static_cast<int>(config_.axes.size());
  if (columns < 0 || rows < 0 || columns >= n || rows >= n) return;
  // Picking the other box's key makes the two trade places.
  if (columns == rows) {
    if (columns == columns_) {
      columns = rows_;
    } else {
      rows = columns_;
    }
  }
  columns_ = columns;
  rows_ = rows;
  columnBox_->setCurrentIndex(columns_);
  rowBox_->setCurrentIndex(rows_);
  updateTitle();
  resumeFollowingData();
  refresh();
}

StudyHeatmapPlot::Grid StudyHeatmapPlot::grid() const {
  Grid g;
  if (config_.axes.size() < 2 || columns_ == rows_) return g;
  const auto across = axis_values(results_, columns_), down = axis_values(results_, rows_);
  for (const auto& v : across)
    g.columns << QString::fromStdString(config_.axes[static_cast<std::size_t>(columns_)].label_of(v));
  for (const auto& v : down)
    g.rows << QString::fromStdString(config_.axes[static_cast<std::size_t>(rows_)].label_of(v));
  std::vector<double> sum(across.size() * down.size(), 0.0);
  g.count.assign(sum.size(), 0);
  for (const auto& run : results_.runs) {
    if (run.outcome != study::RunOutcome::finished || !std::isfinite(run.metric)) continue;
    const auto& values = results_.settings[static_cast<std::size_t>(run.setting)].values;
    const auto c = std::find(across.begin(), across.end(), values[static_cast<std::size_t>(columns_)]) - across.begin();
    const auto r = std::find(down.begin(), down.end(), values[static_cast<std::size_t>(rows_)]) - down.begin();
    const auto cell = static_cast<std::size_t>(r) * across.size() + static_cast<std::size_t>(c);
    sum[cell] += run.metric;
    ++g.count[cell];
  }
  for (std::size_t i = 0; i < sum.size(); ++i) g.mean.push_back(g.count[i] ? sum[i] / g.count[i] : NAN);
  return g;
}

void StudyHeatmapPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearPlottables();
  custom->clearItems();
  scale_->setVisible(false);
  const auto g = grid();
  const QString metric = QString::fromStdString(config_.metric.describe());
  if (config_.axes.size() < 2) {
    setEmptyText(tr("A heatmap needs a study that varies two keys"));
    fitAxes({0, 1}, {0, 1});
    return;
  }
  const QString across = QString::fromStdString(config_.axes[static_cast<std::size_t>(columns_)].key);
  const QString down = QString::fromStdString(config_.axes[static_cast<std::size_t>(rows_)].key);
  const bool any = std::any_of(g.count.begin(), g.count.end(), [](int n) { return n > 0; });
  if (!any) {
    setEmptyText(tr("No finished run yet"));
    fitAxes({0, 1}, {0, 1});
    return;
  }
  setEmptyText(QString());
  const int nx = static_cast<int>(g.columns.size()), ny = static_cast<int>(g.rows.size());
  auto* map = new QCPColorMap(custom->xAxis, custom->yAxis);
  map->data()->setSize(nx, ny);
  map->data()->setRange(QCPRange(0, nx - 1), QCPRange(0, ny - 1));
  double lo = INFINITY, hi = -INFINITY;
  for (int y = 0; y < ny; ++y) {
    for (int x = 0; x < nx; ++x) {
      const double v = g.mean[static_cast<std::size_t>(y * nx + x)];
      map->data()->setCell(x, y, v);
      if (!std::isfinite(v)) {
        map->data()->setAlpha(x, y, 0);
        continue;
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  scale_->setVisible(true);
  scale_->setLabel(metric);
  map->setColorScale(scale_);
  map->setGradient(scale_->gradient());
  map->setDataRange(QCPRange(lo, hi > lo ? hi : lo + 1e-9));
  map->setInterpolate(false);
  // Each cell's mean and run count written in it, dark on the light end of the scale and light on the dark end.
  const QCPRange range = map->dataRange();
  QFont bold = font();
  bold.setBold(true);
  for (int y = 0; y < ny; ++y) {
    for (int x = 0; x < nx; ++x) {
      const auto i = static_cast<std::size_t>(y * nx + x);
      if (!std::isfinite(g.mean[i])) continue;
      auto* label = new QCPItemText(custom);
      label->position->setCoords(x, y);
      label->setText(QStringLiteral("%1\n(%2)").arg(g.mean[i], 0, 'f', 4).arg(g.count[i]));
      const QColor cell = QColor::fromRgb(scale_->gradient().color(g.mean[i], range));
      label->setColor(cell.lightnessF() > 0.55 ? Qt::black : Qt::white);
      label->setFont(bold);
    }
  }
  QSharedPointer<QCPAxisTickerText> xt(new QCPAxisTickerText), yt(new QCPAxisTickerText);
  for (int x = 0; x < nx; ++x) xt->addTick(x, categoryTickLabel(g.columns[x], nx));
  for (int y = 0; y < ny; ++y) yt->addTick(y, g.rows[y]);
  custom->xAxis->setTicker(xt);
  custom->yAxis->setTicker(yt);
  custom->xAxis->setLabel(across);
  custom->yAxis->setLabel(down);
  custom->legend->setVisible(false);
  fitAxes({-0.5, nx - 0.5}, {-0.5, ny - 0.5});
}

DataTable StudyHeatmapPlot::shownData() const {
  DataTable data;
  data.columns = {QStringLiteral("across"), QStringLiteral("down"), QStringLiteral("mean"), QStringLiteral("runs")};
  const auto g = grid();
  for (int y = 0; y < g.rows.size(); ++y) {
    for (int x = 0; x < g.columns.size(); ++x) {
      const auto i = static_cast<std::size_t>(y * g.columns.size() + x);
      data.rows.push_back({g.columns[x], g.rows[y], g.mean[i], g.count[i]});
    }
  }
  return data;
}

}  // namespace marginlab::widgets
