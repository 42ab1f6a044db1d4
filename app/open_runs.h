#pragma once
// The runs open in the window beside the one it follows: each followed through its directory off the GUI thread (a
// RunFollower per run: the whole history first, then only what was appended, every two seconds), summarised for the
// runs table (what differs between them, their verification) and overlaid on the training curves when ticked. Any
// number of them.
#include <QObject>
#include <QString>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "core/benchmarks/benchmark_rows.h"
#include "core/run/run_follower.h"
#include "core/run/run_status.h"
#include "core/telemetry/telemetry.h"
#include "widgets/runs_table.h"

namespace marginlab::app {

class OpenRuns : public QObject {
  Q_OBJECT
 public:
  struct Run {
    QString directory;
    nlohmann::json experiment;
    std::vector<train::StepRecord> steps;
    std::vector<train::Evaluation> evaluations;
    std::vector<benchmarks::BenchmarkRecord> benchmarks;  // IJB / TinyFace results the CLI appended
    std::optional<train::RunStatus> status;
    QString problem;  // why a record could not be read, if so (the rest is shown)
    bool overlaid = false;
    bool loading = false;
    std::shared_ptr<train::RunFollower> follower;  // used by one pool task at a time (`loading`)
  };

  explicit OpenRuns(QObject* parent = nullptr);

  // Opens a run (read at once, in the background); `overlaid`: its curves drawn beside the shown run's.
  void add(const QString& directory, bool overlaid);
  void remove(const QString& directory);
  // The run the plots show: in the table, in bold, never overlaid on itself.
  void setShown(const QString& directory);
  void setOverlaid(const QString& directory, bool overlaid);
  void clearOverlays();

  const std::vector<Run>& runs() const { return runs_; }
  // The table's rows and the keys that differ between the runs.
  std::vector<widgets::RunRow> rows() const;
  std::vector<std::string> differingKeys() const;
  // Every open run's benchmark results, for the Evaluation tab.
  std::vector<benchmarks::RunBenchmarks> benchmarks() const;

 Q_SIGNALS:
  void changed();
  // Draw or remove a run's curves (name = its directory's name).
  void overlayChanged(const QString& name, const std::vector<marginlab::train::StepRecord>& steps);
  void overlayRemoved(const QString& name);

 private:
  Run* find(const QString& directory);
  void load(const QString& directory);
  void refreshAll();
  void apply(const QString& directory, const train::RunFollower::Update& update);

  std::vector<Run> runs_;
  QString shown_;
  QTimer refresh_;
};

}  // namespace marginlab::app
