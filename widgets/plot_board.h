#pragma once
// Every live plot of the workbench, in tabs by question: how training goes, what the feature norms do, what margins
// the head applies, the per-class κ, the angles AdaFace argues with, verification, and the data itself. It hands
// each plot the part of the telemetry it draws; plots that are not visible only store it (PlotWidget). Torch-free:
// it sees the engine's plain value types only.
#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTabWidget>

#include <map>

#include <utility>
#include <vector>

#include "core/benchmarks/benchmark_rows.h"
#include "core/telemetry/telemetry.h"
#include "widgets/plot_widget.h"
#include "widgets/sample_grid.h"
#include "widgets/target_logit_plot.h"

class QLabel;

namespace marginlab::widgets {

class AdaFaceMarginPlot;
class BenchmarkRocPlot;
class BenchmarkTable;
class AngleDistributionPlot;
class ClassDetails;
class ClassSizePlot;
class ClassTable;
class EvaluationTable;
class KappaHistogramPlot;
class KappaSizePlot;
class MarginHistogramPlot;
class MarginNormPlot;
class NormBandsPlot;
class NormHistogramPlot;
class NormQualityPlot;
class RocPlot;
class TargetGradientPlot;
class TrainingCurvesPlot;

class PlotBoard : public QTabWidget {
  Q_OBJECT
 public:
  explicit PlotBoard(QWidget* parent = nullptr);

  // Forgets the run shown (a new run starts, or another is opened). The static head curves and the data preview stay.
  void clear();
  void setRunName(const QString& name);
  void appendSteps(const std::vector<train::StepRecord>& steps);
  void addEvents(const std::vector<train::RunEvent>& events);
  void setSnapshot(const train::Snapshot& snapshot);
  void addEvaluations(const std::vector<train::Evaluation>& evaluations);
  // The open runs' IJB / TinyFace results (each run's whole record; the newest per benchmark is shown).
  void setBenchmarks(const std::vector<benchmarks::RunBenchmarks>& runs);
  // Another run's curves beside this one's, in every training-curve plot.
  // Other runs' training curves beside this run's, any number, by name (the same name replaces that run's curves).
  void setOverlay(const QString& runName, const std::vector<train::StepRecord>& steps);
  void removeOverlay(const QString& runName);
  void clearOverlay();
  // The live panel's values (by name), before the trainer applies them: the plots of a head's margin functions
  // follow at once (AdaFace's g functions take m and h when the run's head has a quality-adaptive margin).
  void previewHeadParameters(const std::map<QString, double>& values);
  void setLogitCurves(const std::vector<LogitCurve>& curves);

  void setDataTiles(const QList<SampleTile>& tiles, const QString& description, const std::vector<qint64>& classCounts);
  void setDataMessage(const QString& message);
  void setClassSamples(qint64 classId, const QList<QImage>& images, const QStringList& captions);

  // Every plot, for "export all"; the plot under the current tab's focus or its first, for "export this plot".
  QList<PlotWidget*> plots() const { return plots_; }
  PlotWidget* currentPlot() const;
  // The tables (evaluation, per-class), exported as CSV.
  std::vector<std::pair<QString, DataTable>> tables() const;

  // For tests: the plots of one kind.
  const QList<TrainingCurvesPlot*>& trainingCurves() const { return curves_; }

 Q_SIGNALS:
  void classRequested(qint64 classId);  // a class picked in the κ plot or table: the app fetches its images
  void exportRequested(marginlab::widgets::PlotWidget* plot);

 private:
  template <class Plot>
  Plot* track(Plot* plot);
  QWidget* page(const QList<QWidget*>& widgets, int columns);
  void selectClass(qint64 classId);
  void showExportMenu(PlotWidget* plot, const QPoint& at);

  QList<PlotWidget*> plots_;
  QList<TrainingCurvesPlot*> curves_;
  NormHistogramPlot* normHistogram_;
  NormBandsPlot* normBands_;
  NormQualityPlot* normQuality_;
  MarginNormPlot* marginNorm_;
  AdaFaceMarginPlot* adaFaceMargin_;
  MarginHistogramPlot* marginHistogram_;
  TargetLogitPlot* logitCurves_;
  KappaSizePlot* kappaSize_;
  KappaHistogramPlot* kappaHistogram_;
  ClassTable* classTable_;
  ClassDetails* classDetails_;
  AngleDistributionPlot* angles_;
  TargetGradientPlot* targetGradient_;
  RocPlot* roc_;
  EvaluationTable* evaluationTable_;
  BenchmarkRocPlot* benchmarkRoc_;
  BenchmarkTable* benchmarkTable_;
  QTabWidget* evaluationTables_;  // verification | benchmarks
  SampleGrid* sampleGrid_;
  ClassSizePlot* classSizes_;
  QLabel* dataDescription_;
  train::Snapshot lastSnapshot_;                // for the class details panel
};

}  // namespace marginlab::widgets
