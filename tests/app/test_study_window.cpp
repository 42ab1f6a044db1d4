// The study window on a study directory: it waits for a study that is starting, then reads the runs off the GUI
// thread into its table and plots, and writes the report with the figures it exports into the study.
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "app/study_window.h"
#include "core/study/study_plan.h"
#include "core/study/study_report.h"
#include "tests/core/study/study_fixture.h"
#include "widgets/plot_widget.h"
#include "widgets/study_runs_table.h"

using namespace marginlab;

class TestStudyWindow : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void followsTheStudyAndWritesItsReport() {
    QTemporaryDir dir;
    const std::filesystem::path root = dir.path().toStdString();
    const QString folder = dir.filePath(QStringLiteral("study"));
    app::StudyWindow window(folder);
    QSignalSpy loaded(&window, &app::StudyWindow::loadedChanged);
    QVERIFY(!window.loaded());  // nothing there yet: it waits

    const auto config = study::testing::read_study(root, study::testing::small_study());
    const auto made = study::StudyDirectory::create(folder.toStdString(), config, study::plan_study(config));
    study::testing::write_run(made, "r01", train::RunState::finished, {{6, 0.5}, {12, 0.6}});
    study::testing::write_run(made, "r02", train::RunState::finished, {{6, 0.55}, {12, 0.7}});
    study::testing::write_run(made, "r03", train::RunState::finished, {{6, 0.4}, {12, 0.5}});
    // The window polls every two seconds: the study shows up without being asked.
    QTRY_VERIFY_WITH_TIMEOUT(window.loaded(), 10000);
    QCOMPARE(window.runsTable()->table()->rowCount(), 8);
    QCOMPARE(window.runsTable()->table()->item(1, 0)->text(), QStringLiteral("r02"));

    QString error;
    const QString report = window.writeReport(&error);
    QVERIFY2(!report.isEmpty(), qPrintable(error));
    std::ifstream in(report.toStdString());
    const std::string markdown((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QVERIFY(markdown.find("## Figures") != std::string::npos);
    // The curves of the metric and of the loss, the metric against each of the two keys, parallel coordinates, the
    // heatmap: each a PNG under figures/, listed in the index that `study report` reads too.
    const auto figures = study::read_report_figures(made);
    QCOMPARE(figures.size(), std::size_t{6});
    for (const auto& f : figures) {
      QVERIFY2(QFileInfo(dir.filePath(QStringLiteral("study/") + QString::fromStdString(f.file))).size() > 5000,
               f.file.c_str());
      QVERIFY(markdown.find("](" + f.file + ")") != std::string::npos);
    }
    // Each figure's data beside it.
    QCOMPARE(QDir(folder + QStringLiteral("/figures")).entryList({QStringLiteral("*.csv")}).size(), 6);
  }
};

QTEST_MAIN(TestStudyWindow)
#include "test_study_window.moc"
