#pragma once
// A study in its own window (Study ▸ New / Open): its runs table, the curves by setting, the metric against each
// key, parallel coordinates and a heatmap of two keys, followed through the study directory off the GUI thread every
// two seconds while it runs. The study itself is a `marginlab-cli study` process (started detached, so it outlives
// the window): Stop asks it to stop its runs with a checkpoint each, Resume starts it again on the same directory,
// Write report exports the figures into the study and writes its report.md.
#include <QString>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>

#include "core/run/run_status.h"
#include "core/study/study_directory.h"
#include "core/study/study_results.h"

class QLabel;
class QPushButton;
class QTabWidget;

namespace marginlab::widgets {
class PlotWidget;
class StudyRunsTable;
class StudyCurvesPlot;
class StudyKeyPlot;
class ParallelCoordinatesPlot;
class StudyHeatmapPlot;
}  // namespace marginlab::widgets

namespace marginlab::app {

class StudyWindow : public QWidget {
  Q_OBJECT
 public:
  // `directory` may not hold the study yet (a study being started): the window waits for it.
  explicit StudyWindow(const QString& directory, QWidget* parent = nullptr);

  QString directory() const { return directory_; }
  bool loaded() const { return study_.has_value() && results_.has_value(); }
  QList<widgets::PlotWidget*> plots() const;
  widgets::StudyRunsTable* runsTable() const { return table_; }

  // Figures (PNG) and their CSVs into STUDY/figures, then STUDY/report.md with them; the report's path, or an empty
  // string with `error` set.
  QString writeReport(QString* error);
  // `marginlab-cli study` with these arguments, detached, its output appended to STUDY/console.txt.
  static bool launchStudy(const QStringList& arguments, const QString& directory, QString* error);

 Q_SIGNALS:
  void loadedChanged();  // the first results arrived, or new ones

 private:
  void poll();
  void apply(std::optional<study::StudyDirectory> study, std::optional<study::StudyResults> results,
             std::optional<train::RunStatus> status, const QString& problem);
  void stopStudy();
  void resumeStudy();
  void exportPlot(widgets::PlotWidget* plot);
  void exportAll();
  void updateState();

  QString directory_;
  std::optional<study::StudyDirectory> study_;
  std::optional<study::StudyResults> results_;
  std::optional<train::RunStatus> status_;
  bool polling_ = false;
  // Reads the runs on the thread pool, one poll at a time, keeping what it read between polls; shared with the poll
  // in flight so that closing the window mid-read is safe. The GUI thread never reads through it.
  std::shared_ptr<std::optional<study::StudyReader>> reader_ = std::make_shared<std::optional<study::StudyReader>>();
  QTimer timer_;
  QLabel* title_;
  QLabel* state_;
  QPushButton* stop_;
  QPushButton* resume_;
  QPushButton* report_;
  QPushButton* exportAll_;
  widgets::StudyRunsTable* table_;
  QTabWidget* tabs_;
  widgets::StudyCurvesPlot* curves_;
  widgets::StudyKeyPlot* keyPlot_;
  widgets::ParallelCoordinatesPlot* parallel_;
  widgets::StudyHeatmapPlot* heatmap_;
};

}  // namespace marginlab::app
