#pragma once
// The workbench's window: the experiment on the left, the plots in the middle, live tuning and the run's log on the
// right; run control in the toolbar, the Run menu and shortcuts. It talks to the engine only through the
// TrainingBridge (training) and the DataPreview / engine_catalog helpers (everything before a run). No torch here.
#include <QMainWindow>
#include <QStringList>

#include <memory>
#include <vector>

#include "app/training_bridge.h"
#include "core/experiment/experiment.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPlainTextEdit;

namespace marginlab::widgets {
class ExperimentPanel;
class LiveParameterPanel;
class PlotBoard;
class PlotWidget;
class RunsTable;
}  // namespace marginlab::widgets

namespace marginlab::app {

class StudyWindow;

class DataPreview;
class ModelExporter;
class ModelImporter;
class OpenRuns;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // For tests and scripted use: the pieces a user drives.
  TrainingBridge& bridge() { return *bridge_; }
  widgets::PlotBoard& board() const { return *board_; }
  widgets::ExperimentPanel& experimentPanel() const { return *experimentPanel_; }
  widgets::LiveParameterPanel& parameterPanel() const { return *parameterPanel_; }
  // Loads a built-in preset or an experiment file into the panel; false with a message box when it cannot.
  bool loadPreset(const QString& name);
  bool openExperiment(const QString& path);
  // Starts the panel's experiment; false (and a message) when it is invalid or a run is active.
  bool startRun();
  // Follows a run directory: a finished run fills every plot from its records, a live one (here or on a mounted
  // server disk) goes on filling them; false (and a message) when it is not a run.
  bool openRun(const QString& directory);
  // Continues the shown run from its latest checkpoint, in a new training process.
  bool resumeShownRun();
  // Opens another run beside the shown one: in the runs table, its training curves overlaid (any number of runs).
  bool overlayRun(const QString& directory);
  OpenRuns& openRuns() const { return *openRuns_; }
  widgets::RunsTable& runsTable() const { return *runsTable_; }
  // Writes every plot as <folder>/<name>.<format> with its CSV; returns the files written, errors in `error`.
  QStringList exportAll(const QString& folder, const QString& format, QString* error);
  // Exports the shown run's trained model (its latest checkpoint) into `folder` off the GUI thread; `format` is "all",
  // "onnx" or "pytorch". False (and a message) when no run is shown or an export is already running; the outcome
  // arrives through modelExporter()'s signals and goes to the run log.
  bool exportModel(const QString& folder, const QString& format);
  ModelExporter& modelExporter() const { return *modelExporter_; }
  // Imports another tool's model (arcface_torch, AdaFace, CVLface weights; engine/import) as a run directory under the
  // runs folder, off the GUI thread, then looks at the panel's data under it: a run of no steps from those weights
  // (report.at_start) whose plots show the norms, margins, θ and verification of the starting model, with the
  // experiment left in the panel to fine-tune from. False (and a message) while a run started here is active.
  bool openModel(const QString& weights);
  ModelImporter& modelImporter() const { return *modelImporter_; }
  // A study directory in a window of its own (it waits for a study that is starting); and a new study from a study
  // file, run by `marginlab-cli study` in a new folder under `parent`, opened as it starts. Null / false (and a
  // message) when it cannot.
  StudyWindow* openStudy(const QString& directory);
  StudyWindow* startStudy(const QString& studyFile, const QString& parent);
  // The run directory the window shows (started or opened); empty before either.
  const QString& runDirectory() const { return runDirectory_; }
  // Scripted use and tests: problems go to the run log and lastMessage() instead of message boxes, and closing
  // with an active run stops it without asking.
  void setInteractive(bool interactive) { interactive_ = interactive; }
  QString lastMessage() const { return lastMessage_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private:
  void createActions();
  void createMenus();
  void createDocks();
  void connectBridge();
  void updateActions();
  void updateStatus();
  // What the followed run is doing, in the user's language: training, paused, finished, stalled since when, ...
  QString livenessLabel() const;
  void log(const QString& line);
  void report(const QString& title, const QString& message);
  void onStepsArrived(const std::vector<train::StepRecord>& steps);
  void onEventsArrived(const std::vector<train::RunEvent>& events);
  void onExperimentEdited();
  void onParameterChangeRequested(const QString& name, double value);
  void onRunStarted(const QString& directory, const QString& device, qint64 startStep, qint64 totalSteps);
  void onRunEnded(const QString& message, bool failed);
  void onAttached(const QString& directory);
  void onExperimentArrived(const QString& json);
  void showExperiment(const train::Experiment& experiment);
  void refreshDataPreview();
  void exportPlotDialog(widgets::PlotWidget* plot);
  void exportAllDialog();
  void exportModelDialog();
  void chooseOpenRun();
  void chooseOpenModel();
  // The panel's data under the imported model in `run`, with its classifier when `withClassifier`: see openModel().
  void lookAtModel(const QString& run, bool withClassifier);
  void chooseOverlayRun();
  void chooseOpenExperiment();
  void chooseSaveExperiment();
  void rememberRecentRun(const QString& directory);
  void rebuildRecentRunsMenu();
  void chooseLanguage(const QString& code);
  void showAbout();

  std::unique_ptr<TrainingBridge> bridge_;
  DataPreview* preview_;
  ModelExporter* modelExporter_;
  ModelImporter* modelImporter_;
  OpenRuns* openRuns_;
  widgets::RunsTable* runsTable_;
  QString runDirectory_;
  train::Experiment experiment_;
  widgets::PlotBoard* board_;
  widgets::ExperimentPanel* experimentPanel_;
  widgets::LiveParameterPanel* parameterPanel_;
  QPlainTextEdit* log_;
  QDockWidget* experimentDock_ = nullptr;
  QDockWidget* parameterDock_ = nullptr;
  bool interactive_ = true;
  bool fittedToScreen_ = false;
  QString lastMessage_;
  QStringList logPreface_;  // lines for the top of the next attached run's log (what an import found)

  QAction* startAction_ = nullptr;
  QAction* pauseAction_ = nullptr;
  QAction* stopAction_ = nullptr;
  QAction* checkpointAction_ = nullptr;
  QAction* resumeRunAction_ = nullptr;
  QAction* openRunAction_ = nullptr;
  QAction* openModelAction_ = nullptr;
  QAction* overlayRunAction_ = nullptr;
  QAction* clearOverlayAction_ = nullptr;
  QAction* exportAllAction_ = nullptr;
  QAction* exportModelAction_ = nullptr;
  QMenu* recentRunsMenu_ = nullptr;

  QLabel* stateLabel_;
  QLabel* progressLabel_;
  QLabel* speedLabel_;
  QLabel* etaLabel_;
  QLabel* deviceLabel_;

  // Progress of the active run, for the status bar.
  qint64 step_ = 0;
  qint64 epoch_ = 0;
  qint64 totalSteps_ = 0;
  double samplesPerSecond_ = 0;
  double stepsPerSecond_ = 0;  // smoothed over the recent steps, for the ETA
  double lastWallSeconds_ = 0;
  qint64 lastWallStep_ = 0;
};

}  // namespace marginlab::app
