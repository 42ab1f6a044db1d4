#include "widgets/parallel_coordinates_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "widgets/plot_style.h"
#include "widgets/snapshot_plot_support.h"

namespace marginlab::widgets {
namespace {

// Where each value of one dimension sits on its axis, 0 (bottom) to 1 (top), and the labels along it.
struct Dimension {
  QString name;
  std::vector<nlohmann::json> values;  // categories, or the numbers met
  bool numeric = true;
  double lo = 0, hi = 1;
  double position(const nlohmann::json& v) const {
    if (numeric) return hi > lo ? (v.get<double>() - lo) / (hi - lo) : 0.5;
    const auto i = std::find(values.begin(), values.end(), v) - values.begin();
    return values.size() > 1 ? static_cast<double>(i) / static_cast<double>(values.size() - 1) : 0.5;
  }
};

bool better(bool higher, double a, double b) { return higher ? a > b : a < b; }

}  // namespace

ParallelCoordinatesPlot::ParallelCoordinatesPlot(QWidget* parent) : PlotWidget(tr("Parallel coordinates"), parent) {
  plot()->yAxis->setVisible(false);
  applyPlotStyle(plot(), palette());
}

void ParallelCoordinatesPlot::setStudy(const study::StudyConfig& config, const study::StudyResults& results) {
  config_ = config;
  results_ = results;
  setTitle(tr("Parallel coordinates: the varied keys and %1").arg(QString::fromStdString(config_.metric.describe())));
  refresh();
}

void ParallelCoordinatesPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearPlottables();
  custom->clearItems();
  const QString metric = QString::fromStdString(config_.metric.describe());
  std::vector<const study::RunResult*> runs;
  for (const auto& run : results_.runs) {
    if (run.outcome == study::RunOutcome::finished && std::isfinite(run.metric)) runs.push_back(&run);
  }
  if (runs.empty() || config_.axes.empty()) {
    setEmptyText(tr("No finished run yet"));
    fitAxes({0, 1}, {0, 1});
    return;
  }
  setEmptyText(QString());
  std::vector<Dimension> dims;
  for (std::size_t a = 0; a < config_.axes.size(); ++a) {
    Dimension d;
    d.name = QString::fromStdString(config_.axes[a].key);
    d.numeric = config_.axes[a].labels.empty();
    for (const auto& s : results_.settings) {
      const auto& v = s.values[a];
      d.numeric = d.numeric && v.is_number();
      if (std::find(d.values.begin(), d.values.end(), v) == d.values.end()) d.values.push_back(v);
    }
    if (d.numeric) {
      std::sort(d.values.begin(), d.values.end(),
                [](const auto& x, const auto& y) { return x.template get<double>() < y.template get<double>(); });
      d.lo = d.values.front().get<double>();
      d.hi = d.values.back().get<double>();
    }
    dims.push_back(std::move(d));
  }
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* run : runs) {
    lo = std::min(lo, run->metric);
    hi = std::max(hi, run->metric);
  }
  const bool higher = config_.metric.higher_is_better();
  // The metric's own axis: better at the top.
  const auto metricPosition = [&](double v) {
    if (!(hi > lo)) return 0.5;
    const double t = (v - lo) / (hi - lo);
    return higher ? t : 1 - t;
  };
  QCPColorGradient gradient = sequentialGradient(256, palette());  // color() caches its table: not const
  // Best drawn last, on top.
  std::sort(runs.begin(), runs.end(),
            [&](const auto* a, const auto* b) { return better(higher, b->metric, a->metric); });
  const int n = static_cast<int>(dims.size());
  for (const auto* run : runs) {
    const auto& values = results_.settings[static_cast<std::size_t>(run->setting)].values;
    QVector<double> t, x, y;
    for (int d = 0; d < n; ++d) {
      t << d;
      x << d;
      y << dims[static_cast<std::size_t>(d)].position(values[static_cast<std::size_t>(d)]);
    }
    t << n;
    x << n;
    y << metricPosition(run->metric);
    auto* line = new QCPCurve(custom->xAxis, custom->yAxis);
    line->setData(t, x, y, true);
    const double shade = hi > lo ? (higher ? (run->metric - lo) / (hi - lo) : (hi - run->metric) / (hi - lo)) : 1.0;
    line->setPen(QPen(QColor(gradient.color(shade, QCPRange(0, 1))), 2.0));
    line->setName(QString::fromStdString(run->id));
  }
  // Each dimension's axis line and its value labels.
  const QColor ink = palette().color(QPalette::WindowText);
  const auto addLabel = [&](double x, double y, const QString& text, Qt::Alignment align) {
    auto* label = new QCPItemText(custom);
    label->position->setCoords(x, y);
    label->setText(text);
    label->setPositionAlignment(align);
    label->setColor(ink);
    label->setBrush(QBrush(faded(palette().color(QPalette::Base), 200)));
    label->setPadding(QMargins(2, 0, 2, 0));
  };
  QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
  for (int d = 0; d <= n; ++d) {
    auto* axisLine = new QCPItemLine(custom);
    axisLine->start->setCoords(d, 0);
    axisLine->end->setCoords(d, 1);
    axisLine->setPen(QPen(ink, 1.2));
    ticker->addTick(d, d < n ? dims[static_cast<std::size_t>(d)].name : metric);
    if (d == n) {
      addLabel(d, higher ? 1 : 0, QString::number(hi, 'f', 4), Qt::AlignLeft | Qt::AlignVCenter);
      addLabel(d, higher ? 0 : 1, QString::number(lo, 'f', 4), Qt::AlignLeft | Qt::AlignVCenter);
      continue;
    }
    const auto& dim = dims[static_cast<std::size_t>(d)];
    const auto& axis = config_.axes[static_cast<std::size_t>(d)];
    for (const auto& v : dim.values) {
      addLabel(d, dim.position(v), QString::fromStdString(axis.label_of(v)), Qt::AlignLeft | Qt::AlignVCenter);
    }
  }
  custom->xAxis->setTicker(ticker);
  custom->xAxis->setLabel(QString());
  custom->legend->setVisible(false);
  fitAxes({-0.25, n + 0.6}, {-0.06, 1.06});
}

DataTable ParallelCoordinatesPlot::shownData() const {
  DataTable data;
  data.columns << QStringLiteral("run");
  for (const auto& axis : config_.axes) data.columns << QString::fromStdString(axis.key);
  data.columns << QString::fromStdString(config_.metric.describe());
  for (const auto& run : results_.runs) {
    if (run.outcome != study::RunOutcome::finished || !std::isfinite(run.metric)) continue;
    QVariantList row{QString::fromStdString(run.id)};
    const auto& values = results_.settings[static_cast<std::size_t>(run.setting)].values;
    for (std::size_t a = 0; a < config_.axes.size(); ++a) {
      row << (values[a].is_number() ? QVariant(values[a].get<double>())
                                    : QVariant(QString::fromStdString(config_.axes[a].label_of(values[a]))));
    }
    row << run.metric;
    data.rows.push_back(row);
  }
  return data;
}

}  // namespace marginlab::widgets
