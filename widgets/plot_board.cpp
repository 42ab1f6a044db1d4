#include "widgets/plot_board.h"

#include <QApplication>
#include <QGridLayout>
#include <QLabel>
#include <QMenu>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "widgets/adaface_margin_plot.h"
#include "widgets/angle_distribution_plot.h"
#include "widgets/benchmark_roc_plot.h"
#include "widgets/benchmark_table.h"
#include "widgets/class_details.h"
#include "widgets/class_size_plot.h"
#include "widgets/class_table.h"
#include "widgets/evaluation_table.h"
#include "widgets/kappa_histogram_plot.h"
#include "widgets/kappa_size_plot.h"
#include "widgets/margin_histogram_plot.h"
#include "widgets/margin_norm_plot.h"
#include "widgets/norm_bands_plot.h"
#include "widgets/norm_histogram_plot.h"
#include "widgets/norm_quality_plot.h"
#include "widgets/roc_plot.h"
#include "widgets/target_gradient_plot.h"
#include "widgets/training_curves_plot.h"

namespace marginlab::widgets {

template <class Plot>
Plot* PlotBoard::track(Plot* plot) {
  plots_ << plot;
  plot->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(plot, &QWidget::customContextMenuRequested, this,
          [this, plot](const QPoint& at) { showExportMenu(plot, plot->mapToGlobal(at)); });
  return plot;
}

QWidget* PlotBoard::page(const QList<QWidget*>& widgets, int columns) {
  auto* page = new QWidget;
  auto* grid = new QGridLayout(page);
  grid->setContentsMargins(4, 4, 4, 4);
  grid->setSpacing(6);
  for (int i = 0; i < widgets.size(); ++i) {
    // A last plot alone on its row takes the whole row.
    const bool alone = i == widgets.size() - 1 && i % columns == 0;
    grid->addWidget(widgets[i], i / columns, i % columns, 1, alone ? columns : 1);
  }
  for (int c = 0; c < columns; ++c) grid->setColumnStretch(c, 1);
  for (int r = 0; r < (widgets.size() + columns - 1) / columns; ++r) grid->setRowStretch(r, 1);
  return page;
}

PlotBoard::PlotBoard(QWidget* parent)
    : QTabWidget(parent),
      normHistogram_(track(new NormHistogramPlot)),
      normBands_(track(new NormBandsPlot)),
      normQuality_(track(new NormQualityPlot)),
      marginNorm_(track(new MarginNormPlot)),
      adaFaceMargin_(track(new AdaFaceMarginPlot)),
      marginHistogram_(track(new MarginHistogramPlot)),
      logitCurves_(track(new TargetLogitPlot)),
      kappaSize_(track(new KappaSizePlot)),
      kappaHistogram_(track(new KappaHistogramPlot)),
      classTable_(new ClassTable),
      classDetails_(new ClassDetails),
      angles_(track(new AngleDistributionPlot)),
      targetGradient_(track(new TargetGradientPlot)),
      roc_(track(new RocPlot)),
      evaluationTable_(new EvaluationTable),
      benchmarkRoc_(track(new BenchmarkRocPlot)),
      benchmarkTable_(new BenchmarkTable),
      sampleGrid_(new SampleGrid),
      classSizes_(track(new ClassSizePlot)),
      dataDescription_(new QLabel) {
  setDocumentMode(true);
  QList<QWidget*> curvePlots;
  for (auto metric : {TrainingCurvesPlot::Metric::loss, TrainingCurvesPlot::Metric::accuracy,
                      TrainingCurvesPlot::Metric::learning_rate, TrainingCurvesPlot::Metric::samples_per_second}) {
    curves_ << track(new TrainingCurvesPlot(metric));
    // The schedule is exact: smoothing it would only draw it late. Noisy per-step metrics get a light smoothing.
    curves_.back()->setSmoothing(metric == TrainingCurvesPlot::Metric::learning_rate ? 0.0 : 0.6);
    curvePlots << curves_.back();
  }
  addTab(page(curvePlots, 2), tr("Training"));
  addTab(page({normHistogram_, normBands_, normQuality_}, 2), tr("Feature norms"));
  addTab(page({marginNorm_, adaFaceMargin_, marginHistogram_, logitCurves_}, 2), tr("Margins"));
  addTab(page({kappaSize_, kappaHistogram_, classTable_, classDetails_}, 2), tr("Per-class κ"));
  addTab(page({angles_, targetGradient_}, 2), tr("Angles"));

  // The run's own validation beside the papers' benchmarks of every open run: the two ROCs above, the tables below.
  auto* rocs = new QSplitter(Qt::Horizontal);
  rocs->addWidget(roc_);
  rocs->addWidget(benchmarkRoc_);
  auto* tables = evaluationTables_ = new QTabWidget;
  tables->setDocumentMode(true);
  tables->addTab(evaluationTable_, tr("Verification"));
  tables->addTab(benchmarkTable_, tr("Benchmarks: IJB-B/C, TinyFace"));
  auto* evaluation = new QSplitter(Qt::Vertical);
  evaluation->addWidget(rocs);
  evaluation->addWidget(tables);
  evaluation->setStretchFactor(0, 3);
  evaluation->setStretchFactor(1, 2);
  addTab(evaluation, tr("Evaluation"));

  auto* data = new QWidget;
  auto* dataLayout = new QVBoxLayout(data);
  dataDescription_->setWordWrap(true);
  dataLayout->addWidget(dataDescription_);
  auto* dataSplit = new QSplitter(Qt::Horizontal);
  dataSplit->addWidget(sampleGrid_);
  dataSplit->addWidget(classSizes_);
  dataSplit->setStretchFactor(0, 3);
  dataSplit->setStretchFactor(1, 2);
  dataLayout->addWidget(dataSplit, 1);
  addTab(data, tr("Data"));

  connect(kappaSize_, &KappaSizePlot::classClicked, this, &PlotBoard::selectClass);
  connect(classTable_, &ClassTable::classSelected, this, &PlotBoard::selectClass);
}

void PlotBoard::showExportMenu(PlotWidget* plot, const QPoint& at) {
  QMenu menu;
  menu.addAction(tr("Export “%1”…").arg(plot->title()), this, [this, plot] { Q_EMIT exportRequested(plot); });
  menu.exec(at);
}

void PlotBoard::selectClass(qint64 classId) {
  kappaSize_->setSelectedClass(classId);
  classTable_->selectClass(classId);
  classDetails_->setClass(classId, lastSnapshot_);
  Q_EMIT classRequested(classId);
}

void PlotBoard::clear() {
  for (auto* curves : curves_) curves->clear();
  roc_->clear();
  evaluationTable_->clear();
  kappaSize_->clear();
  classTable_->clear();
  classDetails_->clear();
  lastSnapshot_ = train::Snapshot();
  setSnapshot(lastSnapshot_);
}

void PlotBoard::setRunName(const QString& name) {
  for (auto* curves : curves_) curves->setRunName(name);
}

void PlotBoard::appendSteps(const std::vector<train::StepRecord>& steps) {
  for (auto* curves : curves_) curves->appendSteps(steps);
  // AdaFace's running μ and σ: the newest known ones place the margin functions and the histogram's lines.
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    if (std::isfinite(it->ema_norm_mean) && std::isfinite(it->ema_norm_std)) {
      normHistogram_->setNormStatistics(it->ema_norm_mean, it->ema_norm_std);
      adaFaceMargin_->setNormStatistics(it->ema_norm_mean, it->ema_norm_std);
      break;
    }
  }
}

void PlotBoard::addEvents(const std::vector<train::RunEvent>& events) {
  for (auto* curves : curves_) curves->addEvents(events);
}

void PlotBoard::setSnapshot(const train::Snapshot& snapshot) {
  lastSnapshot_ = snapshot;
  normHistogram_->setSnapshot(snapshot);
  normBands_->setSnapshot(snapshot);
  normQuality_->setSnapshot(snapshot);
  marginNorm_->setSnapshot(snapshot);
  adaFaceMargin_->setSnapshot(snapshot);
  marginHistogram_->setSnapshot(snapshot);
  kappaSize_->setSnapshot(snapshot);
  kappaHistogram_->setSnapshot(snapshot);
  classTable_->setSnapshot(snapshot);
  angles_->setSnapshot(snapshot);
  targetGradient_->setSnapshot(snapshot);
  if (!snapshot.class_count.empty()) classSizes_->setSnapshot(snapshot);
  for (auto* curves : curves_) curves->setMarginUnit(QString::fromStdString(snapshot.margin_unit));
}

void PlotBoard::setBenchmarks(const std::vector<benchmarks::RunBenchmarks>& runs) {
  benchmarkRoc_->setRuns(runs);
  benchmarkTable_->setRuns(runs);
  // A run evaluated only on the benchmarks (an imported model, say) opens on their table.
  if (evaluationTable_->table()->rowCount() == 0 && benchmarkTable_->table()->rowCount() > 0) {
    evaluationTables_->setCurrentWidget(benchmarkTable_);
  }
}

void PlotBoard::addEvaluations(const std::vector<train::Evaluation>& evaluations) {
  // Both keep the newest result per set themselves (latest_evaluations.h).
  roc_->setEvaluations(evaluations);
  evaluationTable_->setEvaluations(evaluations);
}

void PlotBoard::setOverlay(const QString& runName, const std::vector<train::StepRecord>& steps) {
  for (auto* curves : curves_) curves->setOverlay(runName, steps);
}

void PlotBoard::removeOverlay(const QString& runName) {
  for (auto* curves : curves_) curves->removeOverlay(runName);
}

void PlotBoard::clearOverlay() {
  for (auto* curves : curves_) curves->clearOverlay();
}

void PlotBoard::previewHeadParameters(const std::map<QString, double>& values) {
  const auto m = values.find(QStringLiteral("m"));
  const auto h = values.find(QStringLiteral("h"));
  if (m != values.end() && h != values.end()) adaFaceMargin_->setParameters(m->second, h->second);
}

void PlotBoard::setLogitCurves(const std::vector<LogitCurve>& curves) { logitCurves_->setCurves(curves); }

void PlotBoard::setDataTiles(const QList<SampleTile>& tiles, const QString& description,
                             const std::vector<qint64>& classCounts) {
  sampleGrid_->setTiles(tiles);
  dataDescription_->setText(description);
  train::Snapshot sizes;
  sizes.class_count.assign(classCounts.begin(), classCounts.end());
  classSizes_->setSnapshot(sizes);
}

void PlotBoard::setDataMessage(const QString& message) { dataDescription_->setText(message); }

void PlotBoard::setClassSamples(qint64 classId, const QList<QImage>& images, const QStringList& captions) {
  Q_UNUSED(classId);
  classDetails_->setSampleImages(images, captions);
}

PlotWidget* PlotBoard::currentPlot() const {
  QWidget* page = currentWidget();
  if (!page) return nullptr;
  for (QWidget* focus = QApplication::focusWidget(); focus; focus = focus->parentWidget()) {
    if (auto* plot = qobject_cast<PlotWidget*>(focus); plot && page->isAncestorOf(plot)) return plot;
  }
  for (PlotWidget* plot : plots_) {
    if (page->isAncestorOf(plot)) return plot;
  }
  return nullptr;
}

std::vector<std::pair<QString, DataTable>> PlotBoard::tables() const {
  return {{tr("Verification results"), evaluationTable_->shownData()},
          {tr("Benchmark results"), benchmarkTable_->shownData()},
          {tr("Per-class statistics"), classTable_->shownData()}};
}

}  // namespace marginlab::widgets
