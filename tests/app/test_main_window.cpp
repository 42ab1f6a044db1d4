// The workbench end to end, offscreen: real SynthFace runs driven through the bridge fill the plots, a live change
// reaches the trainer (read back from the engine's own telemetry), bad experiments are refused, exports are valid
// files, and a finished run reopens from its directory.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenuBar>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include <algorithm>

#include "app/engine_catalog.h"
#include "app/main_window.h"
#include "app/model_exporter.h"
#include "app/model_importer.h"
#include "app/open_runs.h"
#include "app/training_bridge.h"
#include "app/translations.h"
#include "core/run/run_history.h"
#include "core/run/run_status.h"
#include "widgets/experiment_panel.h"
#include "widgets/plot_board.h"
#include "widgets/plot_widget.h"
#include "widgets/runs_table.h"
#include "widgets/training_curves_plot.h"

using marginlab::app::MainWindow;
using marginlab::app::TrainingBridge;
using namespace marginlab;

namespace {

// A run of a few seconds on two cores: tiny SynthFace, the demo network, evaluation at the end.
train::Experiment tinyExperiment(const QString& runsDir, const std::string& head) {
  train::Experiment e;
  e.name = "gui-test-" + head;
  e.runs_dir = runsDir.toStdString();
  e.data.synthface = {{"identities", 16}, {"max_images_per_identity", 24}, {"imbalance_ratio", 3},
                      {"verification_identities", 12}, {"pairs_per_stratum", 40}};
  e.data.image_size = 32;
  e.model.backbone = "demo";
  e.model.embedding_dim = 32;
  e.head.kind = head;
  e.optimizer.lr = 0.1;
  e.schedule.kind = train::ScheduleKind::constant;
  e.train.epochs = 20;
  e.train.max_steps = 24;
  e.train.batch_size = 32;
  e.train.device = train::DeviceChoice::cpu;
  e.report.every_steps = 2;
  e.report.save_every_steps = 4;
  e.checkpoint.every_steps = 0;
  e.eval.at_end = true;
  return e;
}

bool waitForIdle(TrainingBridge& bridge, int seconds) {
  return QTest::qWaitFor([&] { return !bridge.isActive(); }, seconds * 1000);
}

QString runDirectoryIn(const QString& runsDir) {
  const auto entries = QDir(runsDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time);
  return entries.isEmpty() ? QString() : QDir(runsDir).filePath(entries.first());
}

// KappaFace's per-class plots: empty by design for the other heads.
bool kappaOnly(const QString& title) { return title.contains(QStringLiteral("κ")); }
// Drawn from what `marginlab-cli ijb` adds to a run, never from training itself.
bool benchmarkOnly(const QString& title) { return title == QStringLiteral("IJB ROC"); }

}  // namespace

class TestMainWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void invalidExperimentsAreRefusedWithTheKeyNamed() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    auto experiment = tinyExperiment(runs.path(), "adaface");
    experiment.optimizer.lr = -1;
    window.experimentPanel().setExperiment(experiment);
    QVERIFY(!window.startRun());
    QVERIFY2(window.lastMessage().contains(QStringLiteral("optimizer.lr")), qPrintable(window.lastMessage()));
    QVERIFY(!window.bridge().isActive());
    QVERIFY(QDir(runs.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
  }

  void aRealRunFillsThePlotsAndALiveChangeReachesTheTrainer() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    window.resize(1400, 900);
    window.show();
    window.experimentPanel().setExperiment(tinyExperiment(runs.path(), "adaface"));
    QSignalSpy snapshots(&window.bridge(), &TrainingBridge::snapshotArrived);
    QSignalSpy finished(&window.bridge(), &TrainingBridge::finished);
    QVERIFY(window.startRun());
    QVERIFY(!window.startRun());  // one run at a time
    QVERIFY(QTest::qWaitFor([&] { return !snapshots.isEmpty() || !window.bridge().isActive(); }, 120000));
    // A live change through the panel's path: the engine applies it at a step boundary and says so.
    QVERIFY(window.bridge().postParameter(QStringLiteral("m"), 0.55) > 0);
    QVERIFY(waitForIdle(window.bridge(), 300));
    QCOMPARE(finished.size(), 1);

    const QString directory = runDirectoryIn(runs.path());
    const auto history = train::read_run_history(directory.toStdString());
    const auto applied = std::find_if(history.events.begin(), history.events.end(), [](const auto& e) {
      return e.kind == train::RunEvent::Kind::param_applied && e.name == "m";
    });
    QVERIFY(applied != history.events.end());
    QCOMPARE(applied->value, 0.55);
    const auto& params = history.latest.head_params;
    const auto m = std::find_if(params.begin(), params.end(), [](const auto& p) { return p.name == "m"; });
    QVERIFY(m != params.end());
    QCOMPARE(m->value, 0.55);

    for (auto* plot : window.board().plots()) {
      if (kappaOnly(plot->title()) || benchmarkOnly(plot->title())) continue;
      QVERIFY2(!plot->shownData().rows.empty(), qPrintable(plot->title() + QStringLiteral(" is empty")));
    }
    // The change is marked on the training curves.
    QVERIFY(window.board().trainingCurves().front()->markerCount() >= 1);

    // Export every plot: valid figures and CSVs.
    QTemporaryDir exportDir;
    QString error;
    const QStringList files = window.exportAll(exportDir.path(), QStringLiteral("png"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(files.size() >= 2 * window.board().plots().size());
    for (const QString& file : files) {
      if (file.endsWith(QStringLiteral(".png"))) QVERIFY2(!QImage(file).isNull(), qPrintable(file));
      QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
    }

    // The finished run reopens with its curves, evaluations and snapshot.
    window.board().clear();
    QVERIFY(window.openRun(directory));
    const auto* loss = window.board().trainingCurves().front();
    QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(window.bridge().liveness() == train::Liveness::ended, 10000);
    QVERIFY(!window.bridge().isActive());
    for (auto* plot : window.board().plots()) {
      if (kappaOnly(plot->title()) || benchmarkOnly(plot->title())) continue;
      QVERIFY2(!plot->shownData().rows.empty(), qPrintable(plot->title() + QStringLiteral(" is empty after reopening")));
    }
  }

  void kappaFaceFillsThePerClassPlots() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    window.experimentPanel().setExperiment(tinyExperiment(runs.path(), "kappaface"));
    QVERIFY(window.startRun());
    QVERIFY(waitForIdle(window.bridge(), 300));
    int kappaPlots = 0;
    for (auto* plot : window.board().plots()) {
      if (!kappaOnly(plot->title())) continue;
      ++kappaPlots;
      QVERIFY2(!plot->shownData().rows.empty(), qPrintable(plot->title() + QStringLiteral(" is empty")));
    }
    QVERIFY(kappaPlots >= 2);

    // File > Export model: the run's model leaves through the engine's exporter, off the GUI thread.
    QTemporaryDir exportDir;
    QSignalSpy exported(&window.modelExporter(), &app::ModelExporter::finished);
    QSignalSpy failed(&window.modelExporter(), &app::ModelExporter::failed);
    QVERIFY(window.exportModel(exportDir.path(), QStringLiteral("all")));
    QVERIFY(!window.exportModel(exportDir.path(), QStringLiteral("all")));  // one export at a time
    QVERIFY(QTest::qWaitFor([&] { return !exported.isEmpty() || !failed.isEmpty(); }, 120000));
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
    QCOMPARE(exported.first().first().toStringList().size(), 4);
    QFile cardFile(QDir(exportDir.path()).filePath(QStringLiteral("model_card.json")));
    QVERIFY(cardFile.open(QIODevice::ReadOnly));
    const auto card = QJsonDocument::fromJson(cardFile.readAll()).object();
    const auto head = card.value(QStringLiteral("head")).toObject();
    QCOMPARE(head.value(QStringLiteral("kind")).toString(), QStringLiteral("kappaface"));
    // The per-class κ state travels with the kernel; the per-sample training memory does not.
    const auto tensors = head.value(QStringLiteral("tensors")).toObject();
    QVERIFY(tensors.contains(QStringLiteral("kernel")) && tensors.contains(QStringLiteral("kappa")));
    QVERIFY(!tensors.contains(QStringLiteral("memory")));
    QVERIFY(card.value(QStringLiteral("export")).toObject().value(QStringLiteral("onnx_parity")).isObject());
  }

  // File > Open model: an arcface_torch file imported as a run, then the panel's SynthFace under it before any step.
  void anImportedModelShowsTheDataUnderItBeforeAnyStep() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    auto selected = tinyExperiment(runs.path(), "arcface");
    selected.train.batch_size = 16;
    window.experimentPanel().setExperiment(selected);
    QSignalSpy imported(&window.modelImporter(), &app::ModelImporter::finished);
    QSignalSpy failed(&window.modelImporter(), &app::ModelImporter::failed);
    QVERIFY(window.openModel(QStringLiteral(MARGINLAB_FIXTURES_DIR "/import/arcface_mbf.pth")));
    QVERIFY(QTest::qWaitFor([&] { return !imported.isEmpty() || !failed.isEmpty(); }, 60000));
    QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.first().first().toString()));
    const QString model = imported.first().first().toString();
    QVERIFY(imported.first().at(1).toStringList().join(QLatin1Char('\n')).contains(QStringLiteral("mobilefacenet")));
    QVERIFY(QFile::exists(model + QStringLiteral("/model_card.json")));
    QTRY_VERIFY_WITH_TIMEOUT(window.bridge().isActive(), 10000);
    QVERIFY(waitForIdle(window.bridge(), 300));

    // The look: a run of no steps from the model's weights, the panel's data at the model's input and colours.
    const auto look = window.experimentPanel().experiment();
    QCOMPARE(look.model.init_from, model.toStdString());
    QCOMPARE(look.model.backbone, std::string("mobilefacenet"));
    QCOMPARE(look.train.epochs, std::int64_t{0});
    QCOMPARE(look.data.image_size, std::int64_t{112});
    QCOMPARE(look.data.synthface, selected.data.synthface);
    const auto history = train::read_run_history(window.runDirectory().toStdString());
    QCOMPARE(history.snapshot_steps, std::vector<std::int64_t>{0});
    QCOMPARE(history.evaluations.size(), std::size_t{1});
    for (auto* plot : window.board().plots()) {
      if (plot->title().contains(QStringLiteral("quality")) || plot->title().contains(QStringLiteral("Angle"))) {
        QVERIFY2(!plot->shownData().rows.empty(), qPrintable(plot->title() + QStringLiteral(" is empty")));
      }
    }

    QVERIFY(!look.model.init_classifier);  // it came without one

    // Partial FC shards with a classifier of ten classes, looked at with ten identities: θ to its own centres.
    selected.data.synthface["identities"] = 10;
    window.experimentPanel().setExperiment(selected);
    imported.clear();
    QVERIFY(window.openModel(QStringLiteral(MARGINLAB_FIXTURES_DIR "/import/arcface_shards/checkpoint_gpu_0.pt")));
    QVERIFY(QTest::qWaitFor([&] { return !imported.isEmpty() || !failed.isEmpty(); }, 60000));
    QVERIFY(failed.isEmpty());
    QVERIFY(imported.first().at(2).toBool());
    QVERIFY(imported.first().at(3).toString().contains(QStringLiteral("its classifier has the data's 10 classes")));
    QTRY_VERIFY_WITH_TIMEOUT(window.bridge().isActive(), 10000);
    QVERIFY(waitForIdle(window.bridge(), 300));
    QVERIFY(window.experimentPanel().experiment().model.init_classifier);
    QCOMPARE(train::read_run_history(window.runDirectory().toStdString()).snapshot_steps, std::vector<std::int64_t>{0});

    // A file that is no model is refused with what it is.
    failed.clear();
    QVERIFY(window.openModel(QStringLiteral(MARGINLAB_FIXTURES_DIR "/import/images.npy")));
    QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty(); }, 30000));
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("an unknown format")),
             qPrintable(failed.first().first().toString()));
  }

  void aMissingRunDirectoryIsReportedNotFatal() {
    MainWindow window;
    window.setInteractive(false);
    QVERIFY(!window.openRun(QStringLiteral("/nonexistent/run")));
    QVERIFY(window.lastMessage().contains(QStringLiteral("/nonexistent/run")));
    // Nothing to export before a run is started or opened.
    QVERIFY(!window.exportModel(QDir::tempPath(), QStringLiteral("all")));
    QVERIFY(window.lastMessage().contains(QStringLiteral("run")));
  }

  void stoppingWritesACheckpoint() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    auto experiment = tinyExperiment(runs.path(), "arcface");
    experiment.train.max_steps = 100000;
    experiment.eval.at_end = false;
    window.experimentPanel().setExperiment(experiment);
    QSignalSpy steps(&window.bridge(), &TrainingBridge::stepsArrived);
    QVERIFY(window.startRun());
    QVERIFY(QTest::qWaitFor([&] { return !steps.isEmpty(); }, 120000));
    window.bridge().pause();
    // The run answers at its next step boundary; its status says paused, and the window with it.
    QTRY_COMPARE_WITH_TIMEOUT(window.bridge().state(), TrainingBridge::State::paused, 30000);
    QVERIFY(window.windowTitle().contains(QStringLiteral("Paused")));
    window.bridge().stop();
    QVERIFY(waitForIdle(window.bridge(), 120));
    QVERIFY(QFile::exists(runDirectoryIn(runs.path()) + QStringLiteral("/checkpoints/latest.pt")));
  }

  // A run started from a shell, followed when it is already going: the whole history, then its new steps; killed
  // without a word (SIGKILL, as the OOM killer does), it is shown as ended with its last record, and the window lives.
  void aRunStartedElsewhereIsFollowedAndItsDeathShown() {
    QTemporaryDir work;
    const QString directory = work.filePath(QStringLiteral("server-run"));
    QVERIFY(QDir().mkpath(directory));
    auto experiment = tinyExperiment(work.path(), "adaface");
    experiment.train.max_steps = 100000;
    experiment.eval.at_end = false;
    QVERIFY(train::to_json(experiment).is_object());
    QString error;
    QVERIFY2(app::saveExperimentFile(experiment, work.filePath(QStringLiteral("e.json")), &error), qPrintable(error));
    QProcess shell;
    shell.setProgram(QCoreApplication::applicationDirPath() + QStringLiteral("/marginlab-cli"));
    shell.setArguments({QStringLiteral("train"), QStringLiteral("--quiet"), QStringLiteral("--config"),
                        work.filePath(QStringLiteral("e.json")), QStringLiteral("--into"), directory});
    shell.setProcessChannelMode(QProcess::ForwardedChannels);
    shell.start();
    QVERIFY(shell.waitForStarted());
    // Some history first.
    const QString metrics = directory + QStringLiteral("/metrics.csv");
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(metrics) && train::read_metrics_csv(metrics.toStdString()).size() >= 6,
                             120000);

    MainWindow window;
    window.setInteractive(false);
    QSignalSpy snapshots(&window.bridge(), &TrainingBridge::snapshotArrived);
    QSignalSpy events(&window.bridge(), &TrainingBridge::eventsArrived);
    QVERIFY(window.openRun(directory));
    QTRY_COMPARE_WITH_TIMEOUT(window.bridge().state(), TrainingBridge::State::running, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty() && !events.isEmpty(), 10000);  // snapshot.cbor, events.jsonl
    QVERIFY(!window.bridge().startedHere());
    QVERIFY(window.bridge().canSteer());  // the same user
    const auto* loss = window.board().trainingCurves().front();
    QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount() >= 6, 10000);  // the history from step 1
    const int seen = loss->pointCount();
    QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount() > seen, 30000);  // and what follows
    QVERIFY(window.windowTitle().contains(QStringLiteral("server-run")));

    QSignalSpy failed(&window.bridge(), &TrainingBridge::failed);
    shell.kill();  // SIGKILL
    QVERIFY(shell.waitForFinished(10000));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("ended without a word")),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(window.bridge().liveness(), train::Liveness::vanished);
    QVERIFY(!window.bridge().isActive());
    QVERIFY(loss->pointCount() > seen);  // its last records stay on screen
  }

  // A training process that aborts (an NCCL watchdog ends the process with SIGABRT) never takes the window down: the
  // run is shown as failed with its last words.
  void theWindowSurvivesATrainingProcessThatAborts() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    auto experiment = tinyExperiment(runs.path(), "cosface");
    experiment.train.max_steps = 100000;
    experiment.eval.at_end = false;
    window.experimentPanel().setExperiment(experiment);
    QSignalSpy steps(&window.bridge(), &TrainingBridge::stepsArrived);
    QSignalSpy failed(&window.bridge(), &TrainingBridge::failed);
    QVERIFY(window.startRun());
    QVERIFY(window.bridge().startedHere());
    QVERIFY(QTest::qWaitFor([&] { return !steps.isEmpty(); }, 120000));
    const auto status = train::read_run_status(window.runDirectory().toStdString());
    QVERIFY(status.has_value());
    QCOMPARE(::kill(static_cast<pid_t>(status->pid), SIGABRT), 0);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
    QVERIFY(failed.first().first().toString().contains(QStringLiteral("ended without a word")));
    QVERIFY(window.lastMessage().contains(QStringLiteral("ended without a word")));
    QVERIFY(window.startRun());  // and ready for the next run
    QTRY_VERIFY_WITH_TIMEOUT(window.bridge().state() == TrainingBridge::State::running, 120000);
    window.bridge().stop();
    QVERIFY(waitForIdle(window.bridge(), 120));
  }

  // Several runs open at once: each compared run in the runs table with what differs between them and its
  // verification, any number of them overlaid on the training curves, each one double-click away.
  void severalRunsAreComparedSideBySide() {
    QTemporaryDir runs;
    MainWindow window;
    window.setInteractive(false);
    QStringList directories;
    for (const double m : {0.2, 0.3, 0.4}) {
      auto experiment = tinyExperiment(runs.path(), "cosface");
      experiment.train.max_steps = 6;
      experiment.head.params["m"] = m;
      window.experimentPanel().setExperiment(experiment);
      QVERIFY(window.startRun());
      QVERIFY(waitForIdle(window.bridge(), 300));
      directories << window.runDirectory();
    }
    QVERIFY(window.openRun(directories[0]));
    QVERIFY(window.overlayRun(directories[1]));
    QVERIFY(window.overlayRun(directories[2]));
    QVERIFY(!window.overlayRun(runs.filePath(QStringLiteral("nowhere"))));
    const auto* loss = window.board().trainingCurves().front();
    QTRY_COMPARE_WITH_TIMEOUT(loss->overlayCount(), std::size_t{2}, 10000);
    const QTableWidget& table = *window.runsTable().table();
    const auto headers = [&table] {
      QStringList names;
      for (int c = 0; c < table.columnCount(); ++c) names << table.horizontalHeaderItem(c)->text();
      return names;
    };
    // Read in the background: all three, with their final evaluations.
    QTRY_VERIFY_WITH_TIMEOUT(table.rowCount() == 3 && headers().contains(QStringLiteral("synthface all last %")),
                             10000);
    QCOMPARE(window.openRuns().differingKeys(), std::vector<std::string>{"head.params.m"});
    QVERIFY2(headers().contains(QStringLiteral("head.params.m")), qPrintable(headers().join(QStringLiteral(", "))));
    window.openRuns().setOverlaid(directories[1], false);
    QCOMPARE(loss->overlayCount(), std::size_t{1});
    // Showing a compared run: it leaves the overlays and the shown one may join them.
    QVERIFY(window.openRun(directories[2]));
    QTRY_COMPARE_WITH_TIMEOUT(window.runDirectory(), directories[2], 5000);
    QCOMPARE(loss->overlayCount(), std::size_t{0});
  }

  // Last: the translators it installs stay for the rest of the process.
  void theChineseCatalogueReachesTheWindow() {
    QVERIFY(marginlab::app::installTranslations(*QCoreApplication::instance(), QStringLiteral("zh_CN")));
    MainWindow window;
    window.setInteractive(false);
    QCOMPARE(window.menuBar()->actions().first()->text(), QString::fromUtf8("文件(&F)"));
    QCOMPARE(window.board().tabText(0), QString::fromUtf8("训练"));
  }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
