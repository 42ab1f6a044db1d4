#include "widgets/roc_plot.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

#include "widgets/latest_evaluations.h"
#include "widgets/plot_style.h"

namespace marginlab::widgets {

RocPlot::RocPlot(QWidget* parent) : PlotWidget(tr("ROC"), parent) {
  auto* controls = new QHBoxLayout;
  controls->setContentsMargins(4, 2, 4, 0);
  auto* label = new QLabel(tr("Validation set:"), this);
  setBox_ = new QComboBox(this);
  setBox_->setObjectName(QStringLiteral("set"));
  setBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  label->setBuddy(setBox_);
  controls->addWidget(label);
  controls->addWidget(setBox_);
  controls->addStretch(1);
  layout()->insertLayout(0, controls);
  connect(setBox_, &QComboBox::activated, this, [this](int index) { setCurrentSet(setBox_->itemText(index)); });

  QCustomPlot* custom = plot();
  title_ = new QCPTextElement(custom, QString(), QFont(font().family(), font().pointSize(), QFont::DemiBold));
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  subtitle_ = new QCPTextElement(custom, QString(), small);
  custom->plotLayout()->insertRow(0);
  custom->plotLayout()->addElement(0, 0, title_);
  custom->plotLayout()->insertRow(1);
  custom->plotLayout()->addElement(1, 0, subtitle_);
  custom->plotLayout()->setRowSpacing(0);
  custom->xAxis->setScaleType(QCPAxis::stLogarithmic);
  custom->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  custom->xAxis->setNumberFormat(QStringLiteral("eb"));  // 10⁻⁴ style
  custom->xAxis->setNumberPrecision(0);
  custom->xAxis->setLabel(tr("false accept rate (FAR, log scale)"));
  custom->yAxis->setLabel(tr("true accept rate (TAR)"));
  custom->legend->setVisible(false);
  QFont legendFont = font();
  legendFont.setPointSizeF(legendFont.pointSizeF() * 0.9);
  custom->legend->setFont(legendFont);
  // Curves rise from the lower left to the upper right: the lower right stays free.
  custom->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignRight | Qt::AlignBottom);
  applyPlotStyle(custom, palette());
}

void RocPlot::setEvaluations(const std::vector<train::Evaluation>& evaluations) {
  keepNewestPerSet(evaluations_, evaluations);
  updateSetBox();
  refresh();
}

void RocPlot::clear() {
  evaluations_.clear();
  currentSet_.clear();
  updateSetBox();
  resumeFollowingData();
  refresh();
}

void RocPlot::setCurrentSet(const QString& set) {
  if (set == currentSet_ || setBox_->findText(set) < 0) return;
  currentSet_ = set;
  updateSetBox();
  resumeFollowingData();  // another set's curves: the view chosen for the last one may not show them
  refresh();
}

QString RocPlot::currentSet() const { return currentSet_; }

QStringList RocPlot::sets() const {
  QStringList names;
  for (const auto& evaluation : evaluations_) names << QString::fromStdString(evaluation.set);
  return names;
}

void RocPlot::updateSetBox() {
  const QStringList names = sets();
  if (!names.contains(currentSet_)) currentSet_ = names.isEmpty() ? QString() : names.front();
  const QSignalBlocker blocker(setBox_);
  setBox_->clear();
  setBox_->addItems(names);
  setBox_->setCurrentIndex(setBox_->findText(currentSet_));
  setBox_->setEnabled(names.size() > 1);
}

const train::Evaluation* RocPlot::current() const {
  for (const auto& evaluation : evaluations_)
    if (QString::fromStdString(evaluation.set) == currentSet_) return &evaluation;
  return nullptr;
}

QColor RocPlot::stratumColor(const QString& stratum, const QColor& text) {
  if (stratum == QLatin1String("all")) return text;
  if (stratum == QLatin1String("high-high") || stratum == QLatin1String("high")) return role::highQuality();
  if (stratum == QLatin1String("low-low") || stratum == QLatin1String("low")) return role::lowQuality();
  if (stratum == QLatin1String("high-low") || stratum == QLatin1String("mid")) return seriesColor(1);
  return seriesColor(static_cast<int>(qHash(stratum) % 3) + 4);  // an unknown name: a colour the known ones avoid
}

// The drawn points of each curve. A log axis has no place for FAR = 0: the points that accept no impostor (the
// curve's start at (0, 0) and the best zero-false-accept point) are left out, so every curve starts at its smallest
// positive FAR, 1/impostors at the best. Strata without a ROC (no genuine or no impostor pairs) have no curve.
std::vector<RocPlot::Curve> RocPlot::curves() const {
  std::vector<Curve> result;
  const train::Evaluation* evaluation = current();
  if (!evaluation) return result;
  for (const auto& stratum : evaluation->strata) {
    Curve curve{QString::fromStdString(stratum.stratum), stratum.metrics.auc, {}, {}};
    for (const auto& point : stratum.roc.points) {
      if (!(point.false_accept_rate > 0) || !std::isfinite(point.true_accept_rate)) continue;
      curve.far.push_back(point.false_accept_rate);
      curve.tar.push_back(point.true_accept_rate);
    }
    if (!curve.far.empty()) result.push_back(std::move(curve));
  }
  return result;
}

void RocPlot::redraw() {
  QCustomPlot* custom = plot();
  custom->clearPlottables();
  custom->legend->setVisible(false);
  const QColor text = palette().color(QPalette::Text);
  const train::Evaluation* evaluation = current();
  title_->setText(evaluation ? tr("ROC — %1 at step %2").arg(currentSet_).arg(evaluation->step) : tr("ROC"));
  QString basis;
  if (evaluation && evaluation->strata.size() > 1 && !evaluation->strata_basis.empty())
    basis = tr("strata by %1").arg(QString::fromStdString(evaluation->strata_basis));
  subtitle_->setText(basis);
  subtitle_->setVisible(!basis.isEmpty());

  const auto all = curves();
  if (!evaluation) setEmptyText(tr("No validation results yet"));
  else if (all.empty()) setEmptyText(tr("No ROC for %1:\nit needs both genuine and impostor pairs").arg(currentSet_));
  else setEmptyText(QString());
  if (all.empty()) {
    fitAxes({1e-4, 1}, {0, 1.02});
    return;
  }

  std::int64_t mostImpostors = 1;
  for (const auto& stratum : evaluation->strata) mostImpostors = std::max(mostImpostors, stratum.roc.impostors);
  // From the decade of the finest FAR the largest curve can express (1/impostors) up to 1; where the pair counts are
  // unknown (a curve read back without them), from the decade of the smallest FAR drawn.
  double finestFar = 1.0 / static_cast<double>(mostImpostors);
  for (const auto& curve : all) {
    for (double far : curve.far) finestFar = std::min(finestFar, far);
  }
  const double farLo = std::pow(10.0, std::floor(std::log10(finestFar)));
  double tarLo = 1;
  for (const auto& curve : all) {
    auto* graph = new QCPCurve(custom->xAxis, custom->yAxis);
    QVector<double> t(static_cast<int>(curve.far.size()));
    for (int i = 0; i < t.size(); ++i) t[i] = i;
    graph->setData(t, QVector<double>(curve.far.begin(), curve.far.end()),
                   QVector<double>(curve.tar.begin(), curve.tar.end()), /*alreadySorted=*/true);
    const bool overall = curve.stratum == QLatin1String("all");
    graph->setPen(QPen(stratumColor(curve.stratum, text), overall ? 2.6 : 1.5));
    graph->setName(std::isfinite(curve.auc)
                       ? tr("%1 (AUC %2)").arg(curve.stratum, QString::number(curve.auc, 'f', 4))
                       : tr("%1 (AUC —)").arg(curve.stratum));
    for (std::size_t i = 0; i < curve.far.size(); ++i)
      if (curve.far[i] >= farLo) tarLo = std::min(tarLo, curve.tar[i]);
  }
  custom->legend->setVisible(true);
  // TAR from a little below the lowest drawn point, in steps of 0.05, so good models are not squeezed to the top.
  const double yLo = std::max(0.0, std::floor((tarLo - 0.02) * 20.0) / 20.0);
  fitAxes({farLo, 1.05}, {yLo, 1.0 + 0.02 * (1.0 - yLo)});
}

DataTable RocPlot::shownData() const {
  DataTable table{{QStringLiteral("set"), QStringLiteral("stratum"), QStringLiteral("far"), QStringLiteral("tar")}, {}};
  for (const auto& curve : curves())
    for (std::size_t i = 0; i < curve.far.size(); ++i)
      table.rows.push_back({currentSet_, curve.stratum, curve.far[i], curve.tar[i]});
  return table;
}

}  // namespace marginlab::widgets
