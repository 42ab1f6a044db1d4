#include "app/open_runs.h"

#include <QFileInfo>
#include <QPointer>
#include <QThreadPool>

#include <algorithm>

#include "core/run/run_comparison.h"
#include "core/run/run_history.h"

namespace marginlab::app {
namespace {

// A live run's records grow: read again this often (off the GUI thread).
constexpr int kRefreshMs = 5000;

QString nameOf(const QString& directory) { return QFileInfo(directory).fileName(); }

}  // namespace

OpenRuns::OpenRuns(QObject* parent) : QObject(parent) {
  refresh_.setInterval(kRefreshMs);
  connect(&refresh_, &QTimer::timeout, this, &OpenRuns::refreshLive);
  refresh_.start();
}

OpenRuns::Run* OpenRuns::find(const QString& directory) {
  const auto it = std::find_if(runs_.begin(), runs_.end(), [&](const Run& r) { return r.directory == directory; });
  return it == runs_.end() ? nullptr : &*it;
}

void OpenRuns::add(const QString& directory, bool overlaid) {
  if (Run* run = find(directory)) {
    if (overlaid) setOverlaid(directory, true);
    return;
  }
  Run run;
  run.directory = directory;
  run.overlaid = overlaid && directory != shown_;
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
  QThreadPool::globalInstance()->start([self, directory] {
    Run loaded;
    loaded.directory = directory;
    try {
      const auto history = train::read_run_history(directory.toStdString());
      loaded.experiment = history.experiment;
      loaded.steps = history.steps;
      loaded.evaluations = history.evaluations;
      loaded.status = train::read_run_status(directory.toStdString());
    } catch (const std::exception& e) {
      loaded.problem = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        self.data(),
        [self, loaded = std::move(loaded)]() mutable {
          if (!self) return;
          Run* run = self->find(loaded.directory);
          if (!run) return;  // closed meanwhile
          loaded.overlaid = run->overlaid;
          *run = std::move(loaded);
          if (run->overlaid) Q_EMIT self->overlayChanged(nameOf(run->directory), run->steps);
          Q_EMIT self->changed();
        },
        Qt::QueuedConnection);
  });
}

void OpenRuns::refreshLive() {
  for (const auto& run : runs_) {
    const bool live =
        !run.status || run.status->state == train::RunState::running || run.status->state == train::RunState::paused;
    if (live && run.problem.isEmpty()) load(run.directory);
  }
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
    if (!run.problem.isEmpty()) {
      row.state = run.problem;
    } else if (run.experiment.is_null()) {
      row.state = tr("reading…");
    } else {
      // A run from before status files: what its records say.
      row.state = run.status ? QString::fromStdString(train::judge_liveness(run.status, now, 120).text)
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
