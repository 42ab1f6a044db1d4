#include "app/study_window.h"

#include <signal.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QThreadPool>
#include <QVBoxLayout>

#include <algorithm>

#include "app/training_bridge.h"
#include "core/atomic_file.h"
#include "core/study/study_report.h"
#include "widgets/figure_export_dialog.h"
#include "widgets/parallel_coordinates_plot.h"
#include "widgets/plot_export.h"
#include "widgets/study_curves_plot.h"
#include "widgets/study_heatmap_plot.h"
#include "widgets/study_key_plot.h"
#include "widgets/study_runs_table.h"

namespace marginlab::app {

namespace {

constexpr int kPollMilliseconds = 2000;

}  // namespace

StudyWindow::StudyWindow(const QString& directory, QWidget* parent)
    : QWidget(parent, Qt::Window),
      directory_(directory),
      title_(new QLabel(this)),
      state_(new QLabel(this)),
      stop_(new QPushButton(tr("Stop study"), this)),
      resume_(new QPushButton(tr("Resume study"), this)),
      report_(new QPushButton(tr("Write report"), this)),
      exportAll_(new QPushButton(tr("Export all…"), this)),
      table_(new widgets::StudyRunsTable(this)),
      tabs_(new QTabWidget(this)),
      curves_(new widgets::StudyCurvesPlot),
      keyPlot_(new widgets::StudyKeyPlot),
      parallel_(new widgets::ParallelCoordinatesPlot),
      heatmap_(new widgets::StudyHeatmapPlot) {
  setWindowTitle(tr("Study — %1").arg(QFileInfo(directory).fileName()));
  setAttribute(Qt::WA_DeleteOnClose);
  title_->setWordWrap(true);
  title_->setTextFormat(Qt::RichText);
  state_->setWordWrap(true);
  stop_->setToolTip(tr("Ask the study to stop: each running run stops at its next step with a checkpoint"));
  resume_->setToolTip(tr("Run what is left: finished runs and runs stopped by the rule stay as they are"));
  report_->setToolTip(tr("Export the figures into the study folder and write its report.md"));

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(state_, 1);
  for (auto* b : {stop_, resume_, report_, exportAll_}) buttons->addWidget(b);
  tabs_->addTab(curves_, tr("Curves"));
  tabs_->addTab(keyPlot_, tr("Metric vs key"));
  tabs_->addTab(parallel_, tr("Parallel coordinates"));
  tabs_->addTab(heatmap_, tr("Heatmap"));
  for (auto* plot : plots()) {
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot, &QWidget::customContextMenuRequested, this, [this, plot](const QPoint& at) {
      QMenu menu;
      menu.addAction(tr("Export “%1”…").arg(plot->title()), this, [this, plot] { exportPlot(plot); });
      menu.exec(plot->mapToGlobal(at));
    });
  }
  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(table_);
  splitter->addWidget(tabs_);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 3);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(title_);
  layout->addLayout(buttons);
  layout->addWidget(splitter, 1);

  connect(stop_, &QPushButton::clicked, this, &StudyWindow::stopStudy);
  connect(resume_, &QPushButton::clicked, this, &StudyWindow::resumeStudy);
  connect(report_, &QPushButton::clicked, this, [this] {
    QString error;
    const QString path = writeReport(&error);
    if (path.isEmpty()) {
      QMessageBox::warning(this, tr("Write report"), error);
    } else {
      state_->setText(tr("Report written: %1").arg(path));
    }
  });
  connect(exportAll_, &QPushButton::clicked, this, &StudyWindow::exportAll);
  connect(&timer_, &QTimer::timeout, this, &StudyWindow::poll);
  timer_.start(kPollMilliseconds);
  updateState();
  poll();
  // Large enough for the table and a plot, never larger than the screen (a 1366×768 laptop).
  const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 860);
  resize(std::min(1280, available.width() * 95 / 100), std::min(860, available.height() * 92 / 100));
}

QList<widgets::PlotWidget*> StudyWindow::plots() const { return {curves_, keyPlot_, parallel_, heatmap_}; }

void StudyWindow::poll() {
  if (polling_) return;  // a slow mount: one read at a time
  polling_ = true;
  QPointer<StudyWindow> self(this);
  const std::string directory = directory_.toStdString();
  QThreadPool::globalInstance()->start([self, directory, reader = reader_] {
    std::optional<study::StudyDirectory> study;
    std::optional<study::StudyResults> results;
    std::optional<train::RunStatus> status;
    QString problem;
    try {
      if (!*reader && study::is_study_directory(directory)) reader->emplace(study::StudyDirectory::open(directory));
      if (*reader) {
        results.emplace((*reader)->read());
        study.emplace((*reader)->study());
        status = train::read_run_status(directory);
      }
    } catch (const std::exception& error) {
      problem = QString::fromStdString(error.what());
    }
    QMetaObject::invokeMethod(
        qApp, [self, study = std::move(study), results = std::move(results), status, problem]() mutable {
          if (self) self->apply(std::move(study), std::move(results), status, problem);
        });
  });
}

void StudyWindow::apply(std::optional<study::StudyDirectory> study, std::optional<study::StudyResults> results,
                        std::optional<train::RunStatus> status, const QString& problem) {
  polling_ = false;
  if (!problem.isEmpty()) {
    state_->setText(tr("Cannot read the study: %1").arg(problem));
    return;
  }
  if (!study || !results) {
    state_->setText(tr("Waiting for the study to start in %1…").arg(directory_));
    return;
  }
  study_ = std::move(study);
  results_ = std::move(results);
  status_ = status;
  const auto& config = study_->config();
  title_->setText(QStringLiteral("<b>%1</b> — %2<br><small>%3</small>")
                      .arg(QString::fromStdString(config.name).toHtmlEscaped(),
                           tr("ranked by %1").arg(QString::fromStdString(config.metric.describe())).toHtmlEscaped(),
                           QString::fromStdString(config.description).toHtmlEscaped()));
  table_->setStudy(config, *results_);
  curves_->setStudy(config, *results_);
  keyPlot_->setStudy(config, *results_);
  parallel_->setStudy(config, *results_);
  heatmap_->setStudy(config, *results_);
  updateState();
  // Nothing changes in an ended study: no more polling until the user resumes it.
  if (!status_ || status_->state != train::RunState::running) timer_.stop();
  Q_EMIT loadedChanged();
}

void StudyWindow::updateState() {
  const bool running = status_ && status_->state == train::RunState::running &&
                       !(status_->host == train::this_process().host && train::process_gone(status_->pid));
  int finished = 0, stopped = 0, active = 0, other = 0;
  if (results_) {
    for (const auto& r : results_->runs) {
      if (r.outcome == study::RunOutcome::finished)
        ++finished;
      else if (r.outcome == study::RunOutcome::stopped)
        ++stopped;
      else if (r.outcome == study::RunOutcome::running)
        ++active;
      else
        ++other;
    }
    const QString counts = tr("%1 finished, %2 stopped early, %3 running, %4 to run or failed")
                               .arg(finished)
                               .arg(stopped)
                               .arg(active)
                               .arg(other);
    state_->setText(
        running ? tr("Running: %1").arg(counts)
                : tr("Not running (%1): %2")
                      .arg(status_ ? QString::fromStdString(train::to_string(status_->state)) : tr("never started"),
                           counts));
  }
  stop_->setEnabled(running);
  resume_->setEnabled(!running && study_ && other > 0);
  report_->setEnabled(loaded());
  exportAll_->setEnabled(loaded());
}

void StudyWindow::stopStudy() {
  if (!status_ || status_->host != train::this_process().host || train::process_gone(status_->pid)) return;
  // As a Ctrl-C at its terminal: the study asks each run to stop with a checkpoint, then ends.
  ::kill(static_cast<pid_t>(status_->pid), SIGINT);
  state_->setText(tr("Stopping: each running run writes a checkpoint…"));
  stop_->setEnabled(false);
}

bool StudyWindow::launchStudy(const QStringList& arguments, const QString& directory, QString* error) {
  const QString program = marginlabCliProgram();
  if (program.isEmpty()) {
    *error = tr("Cannot find marginlab-cli beside this program or on the PATH: it runs the study.");
    return false;
  }
  QDir().mkpath(directory);
  QProcess process;
  process.setProgram(program);
  process.setArguments(QStringList{QStringLiteral("study")} + arguments);
  process.setWorkingDirectory(QDir::currentPath());
  const QString console = QDir(directory).filePath(QStringLiteral("console.txt"));
  process.setStandardOutputFile(console, QIODevice::Append);
  process.setStandardErrorFile(console, QIODevice::Append);
  if (!process.startDetached()) {
    *error = tr("Cannot start %1: %2").arg(program, process.errorString());
    return false;
  }
  return true;
}

void StudyWindow::resumeStudy() {
  QString error;
  if (!launchStudy({QStringLiteral("--resume"), directory_}, directory_, &error)) {
    QMessageBox::warning(this, tr("Resume study"), error);
    return;
  }
  resume_->setEnabled(false);
  timer_.start(kPollMilliseconds);
}

void StudyWindow::exportPlot(widgets::PlotWidget* plot) {
  QString error;
  widgets::FigureExportDialog::exportPlot(*plot, this, &error);
  if (!error.isEmpty()) QMessageBox::warning(this, tr("Export"), error);
}

void StudyWindow::exportAll() {
  QSettings settings;
  const QString folder = QFileDialog::getExistingDirectory(
      this, tr("Export every study plot (figure + CSV) and the runs table into a folder"),
      settings.value(QStringLiteral("export/folder"), QDir::homePath()).toString());
  if (folder.isEmpty()) return;
  settings.setValue(QStringLiteral("export/folder"), folder);
  QString error;
  widgets::exportPlotsInto(plots(), {{tr("Study runs"), table_->shownData()}}, folder,
                           settings.value(QStringLiteral("export/format"), QStringLiteral("png")).toString(),
                           widgets::FigureExportDialog::savedSize(), &error);
  if (!error.isEmpty()) QMessageBox::warning(this, tr("Export all"), error);
}

QString StudyWindow::writeReport(QString* error) {
  if (!loaded()) {
    *error = tr("The study is not loaded yet");
    return {};
  }
  const QString folder = QDir(directory_).filePath(QStringLiteral("figures"));
  std::vector<study::ReportFigure> figures;
  // Each plot in each of its views a report needs: the metric and the loss curves, the metric against every key.
  const auto add = [&](widgets::PlotWidget* plot) -> bool {
    const QStringList written =
        widgets::exportPlotsInto({plot}, {}, folder, QStringLiteral("png"), widgets::FigureSize{7.5, 4.2, 150}, error);
    if (!error->isEmpty()) return false;
    const QString relative = QDir(directory_).relativeFilePath(written.front());
    figures.push_back({relative.toStdString(), plot->title().toStdString()});
    return true;
  };
  const auto series = curves_->series();
  const int axis = keyPlot_->axis();
  bool ok = true;
  for (const auto s : {widgets::StudyCurvesPlot::Series::metric, widgets::StudyCurvesPlot::Series::loss}) {
    curves_->setSeries(s);
    ok = ok && add(curves_);
  }
  for (int a = 0; ok && a < static_cast<int>(study_->config().axes.size()); ++a) {
    keyPlot_->setAxis(a);
    ok = add(keyPlot_);
  }
  if (ok && study_->config().axes.size() > 1) ok = add(parallel_) && add(heatmap_);
  curves_->setSeries(series);
  keyPlot_->setAxis(axis);
  if (!ok) return {};
  try {
    study::write_report_figures(*study_, figures);
    const auto path = study_->path() / "report.md";
    write_file_atomically(path, study::study_report_markdown(*study_, *results_, figures));
    return QString::fromStdString(path.string());
  } catch (const std::exception& e) {
    *error = QString::fromStdString(e.what());
    return {};
  }
}

}  // namespace marginlab::app
