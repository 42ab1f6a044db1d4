#include "app/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLayout>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScreen>
#include <QRegularExpression>
#include <QSettings>
#include <QStatusBar>
#include <QThreadPool>
#include <QToolBar>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

#include "app/data_preview.h"
#include "app/engine_catalog.h"
#include "app/margin_curves.h"
#include "app/model_exporter.h"
#include "app/model_importer.h"
#include "app/open_runs.h"
#include "app/run_state_text.h"
#include "app/study_window.h"
#include "app/theme.h"
#include "core/run/run_history.h"
#include "widgets/experiment_panel.h"
#include "widgets/figure_export_dialog.h"
#include "widgets/live_parameter_panel.h"
#include "widgets/model_export_dialog.h"
#include "widgets/plot_board.h"
#include "widgets/plot_export.h"
#include "widgets/plot_widget.h"
#include "widgets/runs_table.h"

namespace marginlab::app {
namespace {

constexpr int kMaxRecentRuns = 8;
const QString kRecentRunsKey = QStringLiteral("runs/recent");

QString formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("—");
  const auto total = static_cast<qint64>(std::llround(seconds));
  if (total >= 3600) return QStringLiteral("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60);
  if (total >= 60) return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
  return QStringLiteral("%1 s").arg(total);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      bridge_(std::make_unique<TrainingBridge>()),
      preview_(new DataPreview(this)),
      modelExporter_(new ModelExporter(this)),
      modelImporter_(new ModelImporter(this)),
      openRuns_(new OpenRuns(this)),
      runsTable_(new widgets::RunsTable),
      board_(new widgets::PlotBoard),
      experimentPanel_(new widgets::ExperimentPanel),
      parameterPanel_(new widgets::LiveParameterPanel),
      log_(new QPlainTextEdit),
      stateLabel_(new QLabel),
      progressLabel_(new QLabel),
      speedLabel_(new QLabel),
      etaLabel_(new QLabel),
      deviceLabel_(new QLabel) {
  setWindowTitle(tr("MarginLab"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/marginlab.svg")));
  setCentralWidget(board_);
  // The open runs side by side, with the plots' room: a table is wide.
  board_->addTab(runsTable_, tr("Runs"));
  // The head curves come from the real heads, i.e. from torch: computed off the GUI thread.
  QThreadPool::globalInstance()->start([self = QPointer<MainWindow>(this)] {
    const auto curves = default_margin_curves();
    QMetaObject::invokeMethod(qApp, [self, curves] {
      if (self) self->board_->setLogitCurves(curves);
    });
  });
  experimentPanel_->setChoices(experimentChoices());
  // The plots get the room; the docks what their forms need to stay readable.
  experimentPanel_->setMinimumWidth(340);
  parameterPanel_->setMaximumWidth(420);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);  // the run directory's events.jsonl keeps everything; the view needs the recent
  parameterPanel_->setEditable(false);

  createActions();
  createDocks();
  createMenus();
  connectBridge();
  for (QLabel* label : {stateLabel_, progressLabel_, speedLabel_, etaLabel_, deviceLabel_}) {
    statusBar()->addPermanentWidget(label);
  }

  connect(experimentPanel_, &widgets::ExperimentPanel::experimentEdited, this, &MainWindow::onExperimentEdited);
  connect(experimentPanel_, &widgets::ExperimentPanel::presetRequested, this, &MainWindow::loadPreset);
  connect(parameterPanel_, &widgets::LiveParameterPanel::changeRequested, this,
          &MainWindow::onParameterChangeRequested);
  connect(board_, &widgets::PlotBoard::classRequested, preview_, [this](qint64 id) { preview_->classSamples(id); });
  connect(board_, &widgets::PlotBoard::exportRequested, this, &MainWindow::exportPlotDialog);
  connect(openRuns_, &OpenRuns::changed, this, [this] {
    runsTable_->setRuns(openRuns_->rows(), openRuns_->differingKeys());
    board_->setBenchmarks(openRuns_->benchmarks());
  });
  connect(openRuns_, &OpenRuns::overlayChanged, board_, &widgets::PlotBoard::setOverlay);
  connect(openRuns_, &OpenRuns::overlayRemoved, board_, &widgets::PlotBoard::removeOverlay);
  connect(runsTable_, &widgets::RunsTable::overlayToggled, openRuns_, &OpenRuns::setOverlaid);
  connect(runsTable_, &widgets::RunsTable::removeRequested, openRuns_, &OpenRuns::remove);
  connect(runsTable_, &widgets::RunsTable::showRequested, this, [this](const QString& directory) {
    if (directory != runDirectory_) openRun(directory);
  });
  connect(preview_, &DataPreview::tilesReady, board_, &widgets::PlotBoard::setDataTiles);
  connect(preview_, &DataPreview::classSamplesReady, board_, &widgets::PlotBoard::setClassSamples);
  connect(preview_, &DataPreview::failed, this, [this](const QString& message) {
    log(tr("Data preview: %1").arg(message));
    board_->setDataMessage(message);
  });

  QSettings settings;
  // A geometry saved on a larger screen is cut to this one when the window is shown (showEvent).
  if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1600, 1000);
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  loadPreset(QStringLiteral("synthface-demo"));
  updateActions();
  updateStatus();
}

// The bridge goes last of the members and says goodbye as it goes (it stops following): not to a half-destroyed window.
MainWindow::~MainWindow() {
  if (bridge_) bridge_->disconnect(this);
}

void MainWindow::createActions() {
  startAction_ = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-start")), tr("&Start"), this);
  startAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  startAction_->setToolTip(tr("Start training the experiment (Ctrl+R)"));
  connect(startAction_, &QAction::triggered, this, &MainWindow::startRun);

  pauseAction_ = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-pause")), tr("&Pause"), this);
  pauseAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
  pauseAction_->setCheckable(true);
  pauseAction_->setToolTip(tr("Pause or resume at the next step boundary (Ctrl+P)"));
  connect(pauseAction_, &QAction::triggered, this, [this](bool paused) {
    if (paused) {
      bridge_->pause();
    } else {
      bridge_->resumeRun();
    }
  });

  stopAction_ = new QAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("S&top"), this);
  stopAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  stopAction_->setToolTip(tr("Stop the run; it always leaves a checkpoint to resume from (Ctrl+.)"));
  connect(stopAction_, &QAction::triggered, bridge_.get(), &TrainingBridge::stop);

  resumeRunAction_ = new QAction(tr("Resume the &shown run"), this);
  resumeRunAction_->setToolTip(tr("Continue the shown run from its latest checkpoint, in a new training process"));
  connect(resumeRunAction_, &QAction::triggered, this, &MainWindow::resumeShownRun);

  checkpointAction_ = new QAction(QIcon::fromTheme(QStringLiteral("document-save")), tr("&Checkpoint now"), this);
  checkpointAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
  connect(checkpointAction_, &QAction::triggered, bridge_.get(), &TrainingBridge::checkpointNow);

  openRunAction_ = new QAction(QIcon::fromTheme(QStringLiteral("document-open")), tr("Open &run…"), this);
  openRunAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
  connect(openRunAction_, &QAction::triggered, this, &MainWindow::chooseOpenRun);
  openModelAction_ = new QAction(tr("Open &model…"), this);
  openModelAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
  openModelAction_->setToolTip(
      tr("A model of arcface_torch, AdaFace or CVLface: imported as a run, then the experiment's data looked at under "
         "it before any step"));
  connect(openModelAction_, &QAction::triggered, this, &MainWindow::chooseOpenModel);
  connect(modelImporter_, &ModelImporter::finished, this,
          [this](const QString& run, const QStringList& found, bool classifierFits, const QString& fit) {
            // Logged again at the top of the look's log, which starts empty when the window attaches to that run.
            logPreface_ = QStringList{tr("Imported %1:").arg(run)};
            for (const QString& line : found) logPreface_ << QStringLiteral("  ") + line;
            if (!fit.isEmpty()) logPreface_ << fit;
            for (const QString& line : logPreface_) log(line);
            rememberRecentRun(run);
            updateActions();
            lookAtModel(run, classifierFits);
          });
  connect(modelImporter_, &ModelImporter::failed, this, [this](const QString& message) {
    report(tr("Open model"), message);
    updateActions();
  });
  overlayRunAction_ = new QAction(tr("&Compare with another run…"), this);
  overlayRunAction_->setToolTip(tr("Open another run in the runs table and overlay its training curves"));
  connect(overlayRunAction_, &QAction::triggered, this, &MainWindow::chooseOverlayRun);
  clearOverlayAction_ = new QAction(tr("Clear the overlays"), this);
  connect(clearOverlayAction_, &QAction::triggered, openRuns_, &OpenRuns::clearOverlays);

  exportAllAction_ = new QAction(QIcon::fromTheme(QStringLiteral("document-export")), tr("Export &all plots…"), this);
  exportAllAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  connect(exportAllAction_, &QAction::triggered, this, &MainWindow::exportAllDialog);
  exportModelAction_ = new QAction(tr("Export &model…"), this);
  exportModelAction_->setToolTip(tr("The run's trained model as ONNX and PyTorch weights, with a model card"));
  connect(exportModelAction_, &QAction::triggered, this, &MainWindow::exportModelDialog);
  connect(modelExporter_, &ModelExporter::progress, this, [this](const QString& line) { log(line); });
  connect(modelExporter_, &ModelExporter::finished, this, [this](const QStringList& files, const QString& summary) {
    log(summary);
    for (const QString& file : files) log(QStringLiteral("  ") + file);
    statusBar()->showMessage(summary, 8000);
    updateActions();
  });
  connect(modelExporter_, &ModelExporter::failed, this, [this](const QString& message) {
    report(tr("Export model"), message);
    updateActions();
  });

  auto* toolbar = addToolBar(tr("Run"));
  toolbar->setObjectName(QStringLiteral("runToolbar"));
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  toolbar->addActions({startAction_, pauseAction_, stopAction_, checkpointAction_});
  toolbar->addSeparator();
  toolbar->addActions({openRunAction_, exportAllAction_, exportModelAction_});
}

void MainWindow::createDocks() {
  experimentDock_ = new QDockWidget(tr("Experiment"), this);
  experimentDock_->setObjectName(QStringLiteral("experimentDock"));
  experimentDock_->setWidget(experimentPanel_);
  addDockWidget(Qt::LeftDockWidgetArea, experimentDock_);

  parameterDock_ = new QDockWidget(tr("Live hyperparameters"), this);
  parameterDock_->setObjectName(QStringLiteral("parameterDock"));
  parameterDock_->setWidget(parameterPanel_);
  addDockWidget(Qt::RightDockWidgetArea, parameterDock_);

  auto* logDock = new QDockWidget(tr("Run log"), this);
  logDock->setObjectName(QStringLiteral("logDock"));
  logDock->setWidget(log_);
  addDockWidget(Qt::RightDockWidgetArea, logDock);

}

void MainWindow::createMenus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open experiment…"), QKeySequence::Open, this, &MainWindow::chooseOpenExperiment);
  file->addAction(tr("&Save experiment as…"), QKeySequence::SaveAs, this, &MainWindow::chooseSaveExperiment);
  file->addSeparator();
  file->addAction(openRunAction_);
  file->addAction(openModelAction_);
  recentRunsMenu_ = file->addMenu(tr("Recent runs"));
  rebuildRecentRunsMenu();
  file->addAction(overlayRunAction_);
  file->addAction(clearOverlayAction_);
  file->addSeparator();
  file->addAction(tr("Export the current plot…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                  [this] { exportPlotDialog(board_->currentPlot()); });
  file->addAction(exportAllAction_);
  file->addAction(exportModelAction_);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  auto* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = parameterPanel_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = parameterPanel_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addActions({undo, redo});

  auto* run = menuBar()->addMenu(tr("&Run"));
  run->addActions({startAction_, pauseAction_, stopAction_, checkpointAction_});
  run->addSeparator();
  run->addAction(resumeRunAction_);

  auto* studyMenu = menuBar()->addMenu(tr("St&udy"));
  studyMenu->addAction(tr("&New study…"), this, [this] {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Study file (base experiment, axes, seeds, metric)"),
                                     QStringLiteral(MARGINLAB_STUDIES_DIR), tr("Study files (*.json)"));
    if (file.isEmpty()) return;
    QSettings settings;
    const QString parent = QFileDialog::getExistingDirectory(
        this, tr("Folder to hold the new study's folder"),
        settings.value(QStringLiteral("study/parent"), QDir::current().filePath(QStringLiteral("studies"))).toString());
    if (parent.isEmpty()) return;
    settings.setValue(QStringLiteral("study/parent"), parent);
    startStudy(file, parent);
  });
  studyMenu->addAction(tr("&Open study…"), this, [this] {
    const QString directory = QFileDialog::getExistingDirectory(this, tr("Study folder (holds study.json)"));
    if (!directory.isEmpty()) openStudy(directory);
  });

  auto* view = menuBar()->addMenu(tr("&View"));
  for (auto* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

  auto* settings = menuBar()->addMenu(tr("&Settings"));
  auto* language = settings->addMenu(tr("&Language"));
  const QString current = QSettings().value(QStringLiteral("ui/language"), QStringLiteral("system")).toString();
  auto* group = new QActionGroup(this);
  for (const auto& [code, name] : std::vector<std::pair<QString, QString>>{
           {QStringLiteral("system"), tr("System default")},
           {QStringLiteral("en"), QStringLiteral("English")},
           {QStringLiteral("zh_CN"), QStringLiteral("简体中文")}}) {
    QAction* action = language->addAction(name, this, [this, code = code] { chooseLanguage(code); });
    action->setCheckable(true);
    action->setChecked(code == current);
    group->addAction(action);
  }

  auto* theme = settings->addMenu(tr("&Theme"));
  auto* themes = new QActionGroup(this);
  const QString currentTheme = savedTheme();
  for (const auto& [code, name] : std::vector<std::pair<QString, QString>>{
           {QStringLiteral("system"), tr("System")}, {QStringLiteral("light"), tr("Light")},
           {QStringLiteral("dark"), tr("Dark")}}) {
    QAction* action = theme->addAction(name, this, [code = code] {
      QSettings().setValue(QStringLiteral("ui/theme"), code);
      applyTheme(code);
    });
    action->setCheckable(true);
    action->setChecked(code == currentTheme);
    themes->addAction(action);
  }

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About MarginLab"), this, &MainWindow::showAbout);
}

void MainWindow::connectBridge() {
  connect(bridge_.get(), &TrainingBridge::stateChanged, this, [this] {
    updateActions();
    updateStatus();
  });
  connect(bridge_.get(), &TrainingBridge::started, this, &MainWindow::onRunStarted);
  connect(bridge_.get(), &TrainingBridge::stepsArrived, this, &MainWindow::onStepsArrived);
  connect(bridge_.get(), &TrainingBridge::eventsArrived, this, &MainWindow::onEventsArrived);
  connect(bridge_.get(), &TrainingBridge::evaluationsArrived, board_, &widgets::PlotBoard::addEvaluations);
  connect(bridge_.get(), &TrainingBridge::snapshotArrived, this,
          [this](std::shared_ptr<const train::Snapshot> snapshot) { board_->setSnapshot(*snapshot); });
  connect(bridge_.get(), &TrainingBridge::finished, this,
          [this](const QString& directory, bool, qint64, const QString& message) {
            rememberRecentRun(directory);
            onRunEnded(message, false);
          });
  connect(bridge_.get(), &TrainingBridge::failed, this, [this](const QString& message) { onRunEnded(message, true); });
  connect(bridge_.get(), &TrainingBridge::attached, this, &MainWindow::onAttached);
  connect(bridge_.get(), &TrainingBridge::historyRestarted, this, [this] {
    board_->clear();
    board_->setRunName(QFileInfo(runDirectory_).fileName());
    log(tr("The run's records were rewritten (resumed from an earlier checkpoint): reading them again"));
  });
  connect(bridge_.get(), &TrainingBridge::experimentArrived, this, &MainWindow::onExperimentArrived);
  connect(bridge_.get(), &TrainingBridge::livenessChanged, this, [this] {
    updateStatus();
    updateActions();
  });
  connect(bridge_.get(), &TrainingBridge::problem, this, [this](const QString& message) { log(message); });
}

void MainWindow::onAttached(const QString& directory) {
  openRuns_->setShown(directory);
  board_->clear();
  board_->setRunName(QFileInfo(directory).fileName());
  runDirectory_ = directory;
  log_->clear();
  for (const QString& line : std::exchange(logPreface_, {})) log(line);
  step_ = epoch_ = totalSteps_ = lastWallStep_ = 0;
  samplesPerSecond_ = stepsPerSecond_ = lastWallSeconds_ = 0;
  rememberRecentRun(directory);
  updateActions();
  updateStatus();
}

void MainWindow::onExperimentArrived(const QString& json) {
  // The followed run's own experiment: what it trains, and the schedule its tuning has recorded so far.
  const auto document = nlohmann::json::parse(json.toStdString(), nullptr, false);
  try {
    const auto experiment =
        train::experiment_from_json(document, (runDirectory_ + QStringLiteral("/experiment.json")).toStdString());
    experiment_ = experiment;
    experimentPanel_->setExperiment(experiment);
    experimentPanel_->setValidationMessage(QString());
    if (!bridge_->isActive()) {
      parameterPanel_->setParameters(QString::fromStdString(experiment.head.kind), headParameters(experiment),
                                     experiment.optimizer.lr);
    }
  } catch (const std::exception& e) {
    log(tr("The run's experiment.json does not load here (%1); its plots are shown anyway.")
            .arg(QString::fromUtf8(e.what())));
  }
}

bool MainWindow::loadPreset(const QString& name) {
  train::Experiment experiment;
  QString error;
  if (!app::loadPreset(name, &experiment, &error)) {
    report(tr("Preset"), error);
    return false;
  }
  showExperiment(experiment);
  return true;
}

bool MainWindow::openExperiment(const QString& path) {
  train::Experiment experiment;
  QString error;
  if (!loadExperimentFile(path, &experiment, &error)) {
    report(tr("Open experiment"), error);
    return false;
  }
  showExperiment(experiment);
  return true;
}

void MainWindow::showExperiment(const train::Experiment& experiment) {
  experiment_ = experiment;
  experimentPanel_->setExperiment(experiment);
  experimentPanel_->setValidationMessage(validateExperiment(experiment));
  try {
    parameterPanel_->setParameters(QString::fromStdString(experiment.head.kind), headParameters(experiment),
                                   experiment.optimizer.lr);
  } catch (const std::exception& e) {
    experimentPanel_->setValidationMessage(QString::fromUtf8(e.what()));
  }
  refreshDataPreview();
}

void MainWindow::onExperimentEdited() {
  const train::Experiment edited = experimentPanel_->experiment();
  const QString problem = validateExperiment(edited);
  experimentPanel_->setValidationMessage(problem);
  const bool dataChanged = train::to_json(edited)["data"] != train::to_json(experiment_)["data"];
  experiment_ = edited;
  if (problem.isEmpty()) {
    parameterPanel_->setParameters(QString::fromStdString(edited.head.kind), headParameters(edited),
                                   edited.optimizer.lr);
    if (dataChanged) refreshDataPreview();
  }
  updateActions();
}

void MainWindow::refreshDataPreview() {
  if (!validateExperiment(experiment_).isEmpty()) return;
  board_->setDataMessage(tr("Opening the data source…"));
  preview_->preview(experiment_);
}

bool MainWindow::startRun() {
  experiment_ = experimentPanel_->experiment();
  const QString problem = validateExperiment(experiment_);
  if (!problem.isEmpty()) {
    experimentPanel_->setValidationMessage(problem);
    report(tr("Cannot start"), tr("The experiment is not valid:\n%1").arg(problem));
    return false;
  }
  QString error;
  if (!bridge_->start(experiment_, &error)) {
    report(tr("Cannot start"), error);
    return false;
  }
  experimentPanel_->setLocked(true);
  parameterPanel_->undoStack()->clear();
  log(tr("Starting %1 (%2, %3 backbone)…")
          .arg(QString::fromStdString(experiment_.name), QString::fromStdString(experiment_.head.kind),
               QString::fromStdString(experiment_.model.backbone)));
  updateActions();
  return true;
}

void MainWindow::onRunStarted(const QString& directory, const QString& device, qint64 startStep, qint64 totalSteps) {
  if (!tabifiedDockWidgets(parameterDock_).isEmpty()) parameterDock_->raise();  // tuning is what a run invites
  totalSteps_ = totalSteps;
  step_ = std::max(step_, startStep);
  deviceLabel_->setText(device);
  experimentPanel_->setLocked(true);
  updateActions();
  parameterPanel_->setParameters(QString::fromStdString(experiment_.head.kind), headParameters(experiment_),
                                 experiment_.optimizer.lr);
  parameterPanel_->setEditable(bridge_->canSteer());
  log(tr("Run directory %1 on %2: %3 steps").arg(directory, device).arg(totalSteps));
  updateStatus();
}

void MainWindow::onRunEnded(const QString& message, bool failed) {
  experimentPanel_->setLocked(false);
  parameterPanel_->setEditable(false);
  log(failed ? tr("Run failed: %1").arg(message) : tr("Run %1").arg(message));
  if (failed) report(tr("Training failed"), message);
  updateActions();
  updateStatus();
}

void MainWindow::onStepsArrived(const std::vector<train::StepRecord>& steps) {
  board_->appendSteps(steps);
  const auto& last = steps.back();
  if (last.wall_seconds > lastWallSeconds_ && last.step > lastWallStep_ && lastWallSeconds_ > 0) {
    const double rate = static_cast<double>(last.step - lastWallStep_) / (last.wall_seconds - lastWallSeconds_);
    stepsPerSecond_ = stepsPerSecond_ > 0 ? 0.8 * stepsPerSecond_ + 0.2 * rate : rate;
  }
  lastWallSeconds_ = last.wall_seconds;
  lastWallStep_ = last.step;
  step_ = last.step;
  epoch_ = last.epoch;
  samplesPerSecond_ = last.samples_per_second;
  updateStatus();
}

void MainWindow::onEventsArrived(const std::vector<train::RunEvent>& events) {
  board_->addEvents(events);
  for (const auto& event : events) {
    const QString name = QString::fromStdString(event.name);
    if (event.kind == train::RunEvent::Kind::param_applied) {
      parameterPanel_->markApplied(name, event.value, event.version, event.step);
    } else if (event.kind == train::RunEvent::Kind::param_rejected) {
      parameterPanel_->markRejected(name, event.value, QString::fromStdString(event.text));
    } else if (event.kind == train::RunEvent::Kind::request_rejected) {
      // A request of this window's that the run could not read: its sliders go back to what the run uses.
      statusBar()->showMessage(QString::fromStdString(event.text), 8000);
    }
    log(tr("step %1: %2").arg(event.step).arg(QString::fromStdString(event.text)));
  }
}

void MainWindow::onParameterChangeRequested(const QString& name, double value) {
  const quint64 version = bridge_->postParameter(name, value);
  if (version > 0) log(tr("%1 = %2 requested (version %3)").arg(name).arg(value).arg(version));
  board_->previewHeadParameters(parameterPanel_->currentValues());
}

void MainWindow::updateActions() {
  const auto state = bridge_->state();
  const bool idle = state == TrainingBridge::State::idle;
  const bool steer = bridge_->canSteer();
  const bool live = steer && (state == TrainingBridge::State::running || state == TrainingBridge::State::paused);
  startAction_->setEnabled(idle);
  pauseAction_->setEnabled(live);
  pauseAction_->setChecked(state == TrainingBridge::State::paused);
  pauseAction_->setText(state == TrainingBridge::State::paused ? tr("Res&ume") : tr("&Pause"));
  stopAction_->setEnabled(steer && !idle && state != TrainingBridge::State::stopping);
  checkpointAction_->setEnabled(live);
  resumeRunAction_->setEnabled(idle && !runDirectory_.isEmpty() &&
                               QFileInfo::exists(runDirectory_ + QStringLiteral("/checkpoints/latest.pt")));
  exportModelAction_->setEnabled(!runDirectory_.isEmpty() && !modelExporter_->isBusy());
  openModelAction_->setEnabled(idle && !modelImporter_->isBusy());
  parameterPanel_->setEditable(live);
}

QString MainWindow::livenessLabel() const {
  const QString state = runStateText(bridge_->status(), bridge_->liveness());
  if (!state.isEmpty()) return state;
  return runDirectory_.isEmpty() ? tr("Idle") : tr("Recorded run");
}

void MainWindow::updateStatus() {
  switch (bridge_->state()) {
    case TrainingBridge::State::idle: stateLabel_->setText(livenessLabel()); break;
    case TrainingBridge::State::starting: stateLabel_->setText(tr("Starting…")); break;
    case TrainingBridge::State::running: stateLabel_->setText(livenessLabel()); break;
    case TrainingBridge::State::paused: stateLabel_->setText(tr("Paused")); break;
    case TrainingBridge::State::stopping: stateLabel_->setText(tr("Stopping (writing a checkpoint)…")); break;
  }
  setWindowTitle(runDirectory_.isEmpty()
                     ? tr("MarginLab")
                     : tr("%1 — %2 — MarginLab").arg(QFileInfo(runDirectory_).fileName(), stateLabel_->text()));
  progressLabel_->setText(totalSteps_ > 0 ? tr("step %1 / %2 · epoch %3").arg(step_).arg(totalSteps_).arg(epoch_ + 1)
                                          : QString());
  speedLabel_->setText(samplesPerSecond_ > 0 ? tr("%1 samples/s").arg(samplesPerSecond_, 0, 'f', 0) : QString());
  const bool running = bridge_->state() == TrainingBridge::State::running;
  etaLabel_->setText(running && stepsPerSecond_ > 0
                         ? tr("ETA %1").arg(formatDuration(static_cast<double>(totalSteps_ - step_) / stepsPerSecond_))
                         : QString());
}

void MainWindow::report(const QString& title, const QString& message) {
  lastMessage_ = message;
  log(title + QStringLiteral(": ") + message);
  if (interactive_) QMessageBox::warning(this, title, message);
}

void MainWindow::log(const QString& line) {
  log_->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

bool MainWindow::openRun(const QString& directory) {
  if (bridge_->isActive() && bridge_->startedHere()) {
    report(tr("Open run"), tr("Stop the active run before opening another."));
    return false;
  }
  QString error;
  if (!bridge_->follow(directory, &error)) {
    report(tr("Open run"), error);
    return false;
  }
  statusBar()->showMessage(tr("Following %1").arg(directory), 8000);
  return true;
}

bool MainWindow::resumeShownRun() {
  QString error;
  if (!bridge_->resume(runDirectory_, &error)) {
    report(tr("Resume"), error);
    return false;
  }
  log(tr("Resuming %1…").arg(runDirectory_));
  updateActions();
  return true;
}

bool MainWindow::overlayRun(const QString& directory) {
  if (!QFileInfo::exists(directory + QStringLiteral("/experiment.json"))) {
    report(tr("Compare runs"), tr("%1: not a run directory (no experiment.json)").arg(directory));
    return false;
  }
  openRuns_->add(directory, true);
  return true;
}

bool MainWindow::exportModel(const QString& folder, const QString& format) {
  if (runDirectory_.isEmpty()) {
    report(tr("Export model"), tr("Start or open a run first: the model comes from its checkpoint."));
    return false;
  }
  if (!modelExporter_->start(runDirectory_, format, folder)) {
    report(tr("Export model"), tr("An export is already running."));
    return false;
  }
  log(tr("Exporting the model of %1 (%2) to %3").arg(runDirectory_, format, folder));
  updateActions();
  return true;
}

void MainWindow::exportModelDialog() {
  widgets::ModelExportDialog dialog(QFileInfo(runDirectory_).fileName(), ModelExporter::onnxAvailable(), this);
  if (dialog.exec() == QDialog::Accepted) exportModel(dialog.folder(), dialog.format());
}

void MainWindow::chooseOpenRun() {
  const QString directory = QFileDialog::getExistingDirectory(
      this, tr("Open a run directory"), QString::fromStdString(experiment_.runs_dir));
  if (!directory.isEmpty()) openRun(directory);
}

void MainWindow::chooseOpenModel() {
  const QString weights = QFileDialog::getOpenFileName(this, tr("Open a model"), QString(),
                                                       tr("Weights (*.pth *.pt *.ckpt *.safetensors);;All files (*)"));
  if (!weights.isEmpty()) openModel(weights);
}

bool MainWindow::openModel(const QString& weights) {
  if (bridge_->isActive() && bridge_->startedHere()) {
    report(tr("Open model"), tr("Stop the active run before opening a model."));
    return false;
  }
  const auto selected = experimentPanel_->experiment();
  if (!modelImporter_->start(weights, QString::fromStdString(selected.runs_dir), selected.data)) {
    report(tr("Open model"), tr("Another model is being imported."));
    return false;
  }
  log(tr("Importing %1…").arg(weights));
  updateActions();
  return true;
}

void MainWindow::lookAtModel(const QString& run, bool withClassifier) {
  train::Experiment look;
  try {
    look = train::load_experiment((run + QStringLiteral("/experiment.json")).toStdString());
  } catch (const std::exception& e) {
    report(tr("Open model"), QString::fromUtf8(e.what()));
    return;
  }
  // The data and the training settings the panel has, fed as the model expects (its input side, colour order and
  // normalisation); no steps, only the start reported.
  const auto selected = experimentPanel_->experiment();
  auto data = selected.data;
  data.image_size = look.data.image_size;
  data.color_order = look.data.color_order;
  data.mean = look.data.mean;
  data.std = look.data.std;
  look.data = data;
  look.train = selected.train;
  look.train.epochs = 0;
  look.train.max_steps = 0;
  look.report = selected.report;
  look.report.at_start = true;
  // A look is one forward pass per sample: 512 show the spread in a fraction of the time the training window
  // (2048 by default) would take through an IR-101 on a CPU.
  look.report.samples = std::min<std::int64_t>(look.report.samples, 512);
  look.eval = selected.eval;
  look.runs_dir = selected.runs_dir;
  look.model.init_from = run.toStdString();
  look.model.init_classifier = withClassifier;
  look.name = "look-" + QFileInfo(run).fileName().toStdString();
  showExperiment(look);
  if (startRun()) log(tr("Looking at the data under %1 before any step; set the epochs to fine-tune from it").arg(run));
}

void MainWindow::chooseOverlayRun() {
  const QString directory = QFileDialog::getExistingDirectory(this, tr("Compare with another run"),
                                                              QString::fromStdString(experiment_.runs_dir));
  if (!directory.isEmpty()) overlayRun(directory);
}

void MainWindow::chooseOpenExperiment() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Open an experiment"), QString(),
                                                    tr("Experiment files (*.json)"));
  if (!path.isEmpty()) openExperiment(path);
}

void MainWindow::chooseSaveExperiment() {
  const train::Experiment experiment = experimentPanel_->experiment();
  const QString problem = validateExperiment(experiment);
  if (!problem.isEmpty()) {
    report(tr("Save experiment"), tr("The experiment is not valid:\n%1").arg(problem));
    return;
  }
  const QString path = QFileDialog::getSaveFileName(this, tr("Save the experiment"),
                                                    QString::fromStdString(experiment.name) + QStringLiteral(".json"),
                                                    tr("Experiment files (*.json)"));
  if (path.isEmpty()) return;
  QString error;
  if (!saveExperimentFile(experiment, path, &error)) report(tr("Save experiment"), error);
}

void MainWindow::exportPlotDialog(widgets::PlotWidget* plot) {
  if (!plot) return;
  QString error;
  const QString path = widgets::FigureExportDialog::exportPlot(*plot, this, &error);
  if (!error.isEmpty()) {
    report(tr("Export"), error);
  } else if (!path.isEmpty()) {
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
  }
}

QStringList MainWindow::exportAll(const QString& folder, const QString& format, QString* error) {
  return widgets::exportPlotsInto(board_->plots(), board_->tables(), folder, format,
                                  widgets::FigureExportDialog::savedSize(), error);
}

void MainWindow::exportAllDialog() {
  QSettings settings;
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Export every plot (figure + CSV) into a folder"),
      settings.value(QStringLiteral("export/folder"), QDir::homePath()).toString());
  if (folder.isEmpty()) return;
  settings.setValue(QStringLiteral("export/folder"), folder);
  const QString format = settings.value(QStringLiteral("export/format"), QStringLiteral("png")).toString();
  QString error;
  const QStringList written = exportAll(folder, format, &error);
  if (!error.isEmpty()) {
    report(tr("Export all"), error);
  } else {
    statusBar()->showMessage(tr("Exported %1 files into %2").arg(written.size()).arg(folder), 6000);
  }
}

StudyWindow* MainWindow::openStudy(const QString& directory) {
  if (!QFileInfo(directory).isDir()) {
    report(tr("Open study"), tr("%1: no such folder").arg(directory));
    return nullptr;
  }
  auto* window = new StudyWindow(directory, this);
  window->show();
  return window;
}

StudyWindow* MainWindow::startStudy(const QString& studyFile, const QString& parent) {
  const QString name = QFileInfo(studyFile).completeBaseName() +
                       QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss"));
  const QString directory = QDir(parent).filePath(name);
  // The study checks itself (every run's experiment) before it makes its folder: a refusal lands in console.txt
  // beside it, which the window shows while it waits.
  QString error;
  if (!StudyWindow::launchStudy({QStringLiteral("--config"), studyFile, QStringLiteral("--out"), directory}, directory,
                                &error)) {
    report(tr("New study"), error);
    return nullptr;
  }
  return openStudy(directory);
}

void MainWindow::rememberRecentRun(const QString& directory) {
  QSettings settings;
  QStringList runs = settings.value(kRecentRunsKey).toStringList();
  runs.removeAll(directory);
  runs.prepend(directory);
  while (runs.size() > kMaxRecentRuns) runs.removeLast();
  settings.setValue(kRecentRunsKey, runs);
  rebuildRecentRunsMenu();
}

void MainWindow::rebuildRecentRunsMenu() {
  recentRunsMenu_->clear();
  const QStringList runs = QSettings().value(kRecentRunsKey).toStringList();
  for (const QString& run : runs) recentRunsMenu_->addAction(run, this, [this, run] { openRun(run); });
  recentRunsMenu_->setEnabled(!runs.isEmpty());
}

void MainWindow::chooseLanguage(const QString& code) {
  QSettings().setValue(QStringLiteral("ui/language"), code);
  QMessageBox::information(this, tr("Language"), tr("The language changes when MarginLab starts the next time."));
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (fittedToScreen_) return;
  fittedToScreen_ = true;
  // The window on the screen it opens on, whatever size was saved or asked for: a laptop's 1366×768 included. Where
  // the three columns do not fit side by side, the live hyperparameters share the experiment's place as a tab (raised
  // while a run goes).
  const QRect available = screen()->availableGeometry();
  const QSize frame = frameGeometry().size() - geometry().size();  // title bar and borders, where a manager adds them
  if (minimumSizeHint().width() > available.width() - frame.width() && tabifiedDockWidgets(parameterDock_).isEmpty()) {
    tabifyDockWidget(experimentDock_, parameterDock_);
    experimentDock_->raise();
    layout()->activate();  // the smaller minimum size, before the resize below
  }
  const QSize fitted = size().boundedTo(available.size() - frame);
  if (fitted != size()) resize(fitted);
  QRect placed = frameGeometry();
  if (!available.contains(placed)) {
    placed.moveLeft(std::clamp(placed.left(), available.left(), available.right() - placed.width() + 1));
    placed.moveTop(std::clamp(placed.top(), available.top(), available.bottom() - placed.height() + 1));
    move(placed.topLeft());
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (bridge_->isActive() && bridge_->canSteer()) {
    bool stop = !interactive_;
    if (interactive_) {
      // The run is its own process: it may go on without the window and be followed again from Recent runs.
      QMessageBox box(QMessageBox::Question, tr("Quit"),
                      tr("The run %1 is still going. Stop it (it writes a checkpoint you can resume from), or leave it "
                         "running and follow it again later from File ▸ Recent runs?")
                          .arg(QFileInfo(runDirectory_).fileName()),
                      QMessageBox::NoButton, this);
      QPushButton* stopButton = box.addButton(tr("Stop the run"), QMessageBox::DestructiveRole);
      QPushButton* leaveButton = box.addButton(tr("Leave it running"), QMessageBox::AcceptRole);
      box.addButton(QMessageBox::Cancel);
      box.setDefaultButton(leaveButton);
      box.exec();
      if (box.clickedButton() != stopButton && box.clickedButton() != leaveButton) {
        event->ignore();
        return;
      }
      stop = box.clickedButton() == stopButton;
    }
    // A run started here is also waited for (it writes its checkpoint); another's gets the request and goes its way.
    if (stop && bridge_->startedHere()) {
      bridge_->setStopRunOnExit(true);
    } else if (stop && interactive_) {
      bridge_->stop();
    }
  }
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  bridge_->disconnect(this);
  bridge_.reset();  // a run asked to stop is waited for (it writes its checkpoint); one left running goes on
  event->accept();
}

void MainWindow::showAbout() {
  QMessageBox::about(this, tr("About MarginLab"),
                     tr("<b>MarginLab %1</b><p>A workbench for training face-recognition models with adaptive margin "
                        "losses (AdaFace, KappaFace and their baselines) and watching them learn.</p>")
                         .arg(QApplication::applicationVersion()));
}

}  // namespace marginlab::app
