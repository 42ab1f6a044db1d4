#include "app/open_runs.h"

#include <QFileInfo>
#include <QPointer>
#include <QThreadPool>

#include <algorithm>

#include "app/run_state_text.h"
#include "core/run/run_comparison.h"

namespace marginlab::app {
namespace {

// A live run's records grow: looked at again this often (off the GUI thread, only what was appended is read).
constexpr int kRefreshMs = 2000;
// As the window judges the run it follows (TrainingBridge's default).
constexpr double kStallSeconds = 120;

QString nameOf(const QString& directory) { return QFileInfo(directory).fileName(); }

}  // namespace

OpenRuns::OpenRuns(QObject* parent) : QObject(parent) {
  refresh_.setInterval(kRefreshMs);
  connect(&refresh_, &QTimer::timeout, this, &OpenRuns::refreshAll);
  refresh_.start();
}

OpenRuns::Run* OpenRuns::find(const QString& directory) {
  const auto it = std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) { return r.directory == directory; });
  return it == runs_.end() ? nullptr : &*it;
}

void OpenRuns::add(const QString& directory, bool overlaid) {
  if (find(directory)) {
    if (overlaid) setOverlaid(directory, true);
    return;
  }
  Run run;
  run.directory = directory;
  run.overlaid = overlaid && directory != shown_;
  run.follower = std::make_shared<train::RunFollower>(directory.toStdString());
  runs_.push_back(std::move(run));
  load(directory);
  Q_EMIT changed();
}

void OpenRuns::remove(const QString& directory) {
  if (directory == shown_) return;
  const auto it = std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) { return r.directory == directory; });
  if (it == runs_.end()) return;
  if (it->overlaid) Q_EMIT overlayRemoved(nameOf(directory));
  runs_.erase(it);
  Q_EMIT changed();
}

void OpenRuns::setShown(const QString& directory) {
  shown_ = directory;
  if (Run* run = find(directory)) {
    if (run->overlaid) Q_EMIT overlayRemoved(nameOf(directory));
    run->overlaid = false;
    Q_EMIT changed();
    return;
  }
  add(directory, false);
}

void OpenRuns::setOverlaid(const QString& directory, bool overlaid) {
  Run* run = find(directory);
  if (!run || directory == shown_ || run->overlaid == overlaid) return;
  run->overlaid = overlaid;
  if (overlaid) {
    Q_EMIT overlayChanged(nameOf(directory), run->steps);
  } else {
    Q_EMIT overlayRemoved(nameOf(directory));
  }
  Q_EMIT changed();
}

void OpenRuns::clearOverlays() {
  for (auto& run : runs_) {
    if (run.overlaid) Q_EMIT overlayRemoved(nameOf(run.directory));
    run.overlaid = false;
  }
  Q_EMIT changed();
}

void OpenRuns::load(const QString& directory) {
  Run* run = find(directory);
  if (!run || run->loading) return;
  run->loading = true;
  QPointer<OpenRuns> self(this);
  QThreadPool::globalInstance()->start([self, directory, follower = run->follower] {
    auto update = std::make_shared<train::RunFollower::Update>(follower->poll());
    QMetaObject::invokeMethod(
        self.data(),
        [self, directory, update] {
          if (self) self->apply(directory, *update);
        },
        Qt::QueuedConnection);
  });
}

void OpenRuns::apply(const QString& directory, const train::RunFollower::Update& update) {
  Run* run = find(directory);
  if (!run) return;  // closed meanwhile
  run->loading = false;
  if (update.empty()) return;
  if (update.restarted) {
    run->steps.clear();
    run->evaluations.clear();
    run->benchmarks.clear();
  }
  if (update.experiment) run->experiment = *update.experiment;
  if (update.status) run->status = update.status;
  run->steps.insert(run->steps.end(), update.steps.begin(), update.steps.end());
  run->evaluations.insert(run->evaluations.end(), update.evaluations.begin(), update.evaluations.end());
  run->benchmarks.insert(run->benchmarks.end(), update.benchmarks.begin(), update.benchmarks.end());
  if (!update.problems.empty()) run->problem = QString::fromStdString(update.problems.back());
  if (run->overlaid && (update.restarted || !update.steps.empty())) {
    Q_EMIT overlayChanged(nameOf(run->directory), run->steps);
  }
  Q_EMIT changed();
}

void OpenRuns::refreshAll() {
  // Finished runs too: `marginlab-cli ijb` and `tinyface` append to a run long after it ended. A poll that finds
  // nothing new only compares file sizes.
  for (const auto& run : runs_) load(run.directory);
}

std::vector<benchmarks::RunBenchmarks> OpenRuns::benchmarks() const {
  std::vector<benchmarks::RunBenchmarks> result;
  for (const auto& run : runs_) {
    if (run.benchmarks.empty()) continue;
    const auto text = [&](const char* section, const char* key) {
      const auto value = run.experiment.is_object()
                             ? run.experiment.value(section, nlohmann::json::object()).value(key, nlohmann::json())
                             : nlohmann::json();
      return value.is_string() ? value.get<std::string>() : std::string();
    };
    result.push_back(
        {nameOf(run.directory).toStdString(), text("model", "backbone"), text("data", "path"), run.benchmarks});
  }
  return result;
}

std::vector<std::string> OpenRuns::differingKeys() const {
  std::vector<nlohmann::json> experiments;
  for (const auto& run : runs_) {
    if (!run.experiment.is_null()) experiments.push_back(run.experiment);
  }
  return train::differing_keys(experiments);
}

std::vector<widgets::RunRow> OpenRuns::rows() const {
  std::vector<widgets::RunRow> rows;
  const double now = train::unix_now();
  for (const auto& run : runs_) {
    widgets::RunRow row;
    row.directory = run.directory;
    row.name = nameOf(run.directory);
    if (run.experiment.is_null()) {
      row.state = run.problem.isEmpty() ? tr("reading…") : run.problem;
    } else {
      // A run from before status files: what its records say.
      row.state = run.status ? runStateText(run.status, train::judge_liveness(run.status, now, kStallSeconds).liveness)
                             : tr("recorded (%1 steps)").arg(run.steps.size());
    }
    if (run.experiment.is_object()) {
      row.head =
          QString::fromStdString(run.experiment.value(nlohmann::json::json_pointer("/head/kind"), std::string()));
      row.backbone =
          QString::fromStdString(run.experiment.value(nlohmann::json::json_pointer("/model/backbone"), std::string()));
      row.values = train::flatten_experiment(run.experiment);
    }
    row.verification = train::summarise_verification(run.evaluations);
    row.shown = run.directory == shown_;
    row.overlaid = run.overlaid;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace marginlab::app
