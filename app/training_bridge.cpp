#include "app/training_bridge.h"

#include <fmt/format.h>

#include <filesystem>

#include "engine/train/background_run.h"

namespace marginlab::app {

TrainingBridge::TrainingBridge(QObject* parent) : QObject(parent) {
  timer_.setInterval(100);
  connect(&timer_, &QTimer::timeout, this, &TrainingBridge::poll);
}

TrainingBridge::~TrainingBridge() = default;  // the run stops (with its checkpoint) and its thread is joined

bool TrainingBridge::start(const train::Experiment& experiment, QString* error) {
  return launch([experiment] { return std::make_unique<train::Trainer>(experiment); }, error);
}

bool TrainingBridge::resume(const QString& runDirectory, QString* error) {
  const std::filesystem::path path = runDirectory.toStdString();
  return launch([path] { return std::make_unique<train::Trainer>(path); }, error);
}

bool TrainingBridge::launch(std::function<std::unique_ptr<train::Trainer>()> factory, QString* error) {
  if (isActive()) {
    if (error) *error = tr("A run is already active: stop it first.");
    return false;
  }
  run_ = std::make_unique<train::BackgroundRun>(std::move(factory));
  setState(State::starting);
  timer_.start();
  return true;
}

void TrainingBridge::poll() {
  if (!run_) return;
  auto progress = run_->poll();
  if (progress.started) {
    const auto& s = *progress.started;
    runDirectory_ = QString::fromStdString(s.run_directory);
    if (state_ == State::starting) setState(State::running);
    Q_EMIT started(runDirectory_, QString::fromStdString(s.device), s.start_step, s.total_steps);
  }
  if (!progress.steps.empty()) Q_EMIT stepsArrived(progress.steps);
  if (!progress.events.empty()) Q_EMIT eventsArrived(progress.events);
  if (!progress.evaluations.empty()) Q_EMIT evaluationsArrived(progress.evaluations);
  if (progress.snapshot) Q_EMIT snapshotArrived(progress.snapshot);
  if (!progress.ended) return;
  timer_.stop();
  run_.reset();
  setState(State::idle);
  const auto& end = *progress.ended;
  if (end.failed) {
    Q_EMIT failed(QString::fromStdString(end.error));
    return;
  }
  const auto& summary = end.summary;
  const QString message =
      end.before_first_step
          ? tr("Stopped before the first step: %1").arg(runDirectory_)
          : QString::fromStdString(fmt::format("{} at step {} of {}; {} skipped steps; last loss {:.4g}",
                                               summary.stopped ? "stopped" : "finished", summary.steps,
                                               summary.total_steps, summary.skipped_steps, summary.last_loss));
  Q_EMIT finished(runDirectory_, summary.stopped, summary.steps, message);
}

void TrainingBridge::pause() {
  if (!run_ || state_ != State::running) return;
  run_->pause();
  setState(State::paused);
}

void TrainingBridge::resumeRun() {
  if (!run_ || state_ != State::paused) return;
  run_->resume();
  setState(State::running);
}

void TrainingBridge::stop() {
  if (!run_ || state_ == State::idle) return;
  run_->stop();
  setState(State::stopping);
}

void TrainingBridge::checkpointNow() {
  if (run_) run_->checkpoint_now();
}

quint64 TrainingBridge::postParameter(const QString& name, double value) {
  return run_ ? run_->post({{name.toStdString(), value}}) : 0;
}

void TrainingBridge::setState(State state) {
  if (state_ == state) return;
  state_ = state;
  Q_EMIT stateChanged(state);
}

}  // namespace marginlab::app
