// marginlab: the desktop workbench.
#include <QApplication>
#include <QCommandLineParser>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

#include "app/main_window.h"
#include "app/responsiveness_probe.h"
#include "app/study_window.h"
#include "app/theme.h"
#include "app/translations.h"
#include "core/version.h"
#include "engine/runtime/memory.h"
#include "widgets/plot_board.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("MarginLab"));
  QApplication::setApplicationName(QStringLiteral("MarginLab"));
  QApplication::setApplicationVersion(QString::fromLatin1(marginlab::kVersion));
  marginlab::app::installTranslations(app, marginlab::app::savedLanguage());
  marginlab::app::applyTheme(marginlab::app::savedTheme());

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "MarginLab: watch margin losses learn."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption preset(QStringLiteral("preset"),
                                  QApplication::translate("main", "Load a built-in preset (default: synthface-demo)."),
                                  QStringLiteral("name"));
  const QCommandLineOption experiment(QStringLiteral("experiment"),
                                      QApplication::translate("main", "Load an experiment file."),
                                      QStringLiteral("file"));
  const QCommandLineOption openRun(
      QStringList{QStringLiteral("follow"), QStringLiteral("open-run")},
      QApplication::translate("main",
                              "Follow a run directory: a finished run's plots, or a running one's as it goes "
                              "(here, or on a server's disk mounted here)."),
      QStringLiteral("directory"));
  const QCommandLineOption compare(
      QStringLiteral("compare"),
      QApplication::translate("main", "Open another run beside the followed one: in the runs table, its curves "
                                      "overlaid (repeat for more)."),
      QStringLiteral("directory"));
  const QCommandLineOption openModel(
      QStringLiteral("open-model"),
      QApplication::translate("main",
                              "Import a model of arcface_torch, AdaFace or CVLface and look at the experiment's data "
                              "under it before any step."),
      QStringLiteral("file"));
  const QCommandLineOption start(QStringLiteral("start"),
                                 QApplication::translate("main", "Start training the experiment right away."));
  const QCommandLineOption tab(QStringLiteral("tab"), QApplication::translate("main", "Show this plot tab (0–6)."),
                               QStringLiteral("index"));
  const QCommandLineOption screenshot(
      QStringLiteral("screenshot"),
      QApplication::translate("main", "Save the window as a PNG after --screenshot-delay seconds, then quit."),
      QStringLiteral("file"));
  const QCommandLineOption delay(QStringLiteral("screenshot-delay"),
                                 QApplication::translate("main", "Seconds before the screenshot (default 1)."),
                                 QStringLiteral("seconds"), QStringLiteral("1"));
  const QCommandLineOption theme(QStringLiteral("theme"),
                                 QApplication::translate("main", "Colours for this start: system, light or dark."),
                                 QStringLiteral("name"));
  const QCommandLineOption benchmark(
      QStringLiteral("benchmark"),
      QApplication::translate("main", "Train the experiment with the plots live, then print the event loop's latency "
                                      "(p50, p99, max) and the run directory, and quit (scripts/bench_gui.sh)."));
  const QCommandLineOption study(QStringLiteral("study"),
                                 QApplication::translate("main", "Open this study directory in its window."),
                                 QStringLiteral("directory"));
  const QCommandLineOption studyReport(
      QStringLiteral("write-study-report"),
      QApplication::translate("main", "With --study: export its figures, write its report.md, and quit."));
  parser.addOptions({preset, experiment, openRun, openModel, compare, start, tab, screenshot, delay, benchmark, theme,
                     study, studyReport});
  parser.process(app);
  if (parser.isSet(theme)) marginlab::app::applyTheme(parser.value(theme));

  // Training sets its own threads on the training thread (the experiment's train.threads; 0: every core): the GUI
  // thread does almost no work while a run goes, and leaving it a whole core would halve training on two cores.
  marginlab::reuse_freed_memory();
  marginlab::app::MainWindow window;
  if (parser.isSet(preset) && !window.loadPreset(parser.value(preset))) return 1;
  if (parser.isSet(experiment) && !window.openExperiment(parser.value(experiment))) return 1;
  if (parser.isSet(openRun) && !window.openRun(parser.value(openRun))) return 1;
  for (const QString& other : parser.values(compare)) {
    if (!window.overlayRun(other)) return 1;
  }
  if (parser.isSet(openModel) && !window.openModel(parser.value(openModel))) return 1;
  if (parser.isSet(tab)) window.board().setCurrentIndex(parser.value(tab).toInt());
  window.show();
  marginlab::app::StudyWindow* studyWindow = nullptr;
  if (parser.isSet(study) && !(studyWindow = window.openStudy(parser.value(study)))) return 1;
  if (studyWindow && parser.isSet(studyReport)) {
    QObject::connect(studyWindow, &marginlab::app::StudyWindow::loadedChanged, studyWindow, [studyWindow] {
      QString error;
      const QString path = studyWindow->writeReport(&error);
      if (path.isEmpty()) {
        std::fprintf(stderr, "marginlab: %s\n", qPrintable(error));
        QApplication::exit(1);
        return;
      }
      std::printf("%s\n", qPrintable(path));
      QApplication::quit();
    });
  }
  if (parser.isSet(start) || parser.isSet(benchmark)) {
    QTimer::singleShot(0, &window, [&window] {
      if (!window.startRun()) QApplication::exit(1);
    });
  }
  marginlab::app::ResponsivenessProbe probe;
  if (parser.isSet(benchmark)) {
    window.setInteractive(false);
    using marginlab::app::TrainingBridge;
    QObject::connect(&window.bridge(), &TrainingBridge::started, &probe, &marginlab::app::ResponsivenessProbe::start);
    QObject::connect(&window.bridge(), &TrainingBridge::finished, &probe, [&probe](const QString& directory) {
      probe.stop();
      std::printf(
          "run_directory %s\nevent_loop_latency_ms p50 %.1f p99 %.1f max %.1f (%zu samples)\n"
          "gui_thread_cpu %.1f%% of one core while training\n"
          "workbench_process_cpu %.1f%% of one core while following the training process\n",
          qPrintable(directory), probe.latenessPercentile(0.5), probe.latenessPercentile(0.99),
          probe.latenessPercentile(1.0), probe.samples(), probe.threadCpuPercent(), probe.processCpuPercent());
      QApplication::quit();
    });
    QObject::connect(&window.bridge(), &TrainingBridge::failed, &probe, [](const QString& message) {
      std::fprintf(stderr, "marginlab: the run failed: %s\n", qPrintable(message));
      QApplication::exit(1);
    });
  }
  if (parser.isSet(screenshot)) {
    const QString path = parser.value(screenshot);
    QTimer::singleShot(static_cast<int>(parser.value(delay).toDouble() * 1000), &window, [&window, studyWindow, path] {
      // With --study the study's window is the picture.
      QWidget* shown = studyWindow ? static_cast<QWidget*>(studyWindow) : &window;
      if (!shown->grab().save(path, "PNG")) {
        std::fprintf(stderr, "marginlab: cannot write the screenshot to %s\n", qPrintable(path));
        QApplication::exit(1);
        return;
      }
      window.setInteractive(false);  // an active run is stopped (with its checkpoint) without asking
      QApplication::quit();
    });
  }
  return QApplication::exec();
}
