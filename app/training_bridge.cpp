#include "app/training_bridge.h"

#include <fmt/format.h>

#include <QMetaObject>

#include <exception>

#include "engine/train/trainer.h"

namespace marginlab::app {

TrainingBridge::TrainingBridge(QObject* parent) : QObject(parent) {
  timer_.setInterval(100);
  connect(&timer_, &QTimer::timeout, this, &TrainingBridge::poll);
}

TrainingBridge::~TrainingBridge() {
  stop();
  joinThread();
}

bool TrainingBridge::start(const train::Experiment& experiment, QString* error) {
  return launch([experiment] { return std::make_shared<train::Trainer>(experiment); }, error);
}

bool TrainingBridge::resume(const QString& runDirectory, QString* error) {
  const std::string path = runDirectory.toStdString();
  return launch([path] { return std::make_shared<train::Trainer>(std::filesystem::path(path)); }, error);
}

bool TrainingBridge::launch(TrainerFactory factory, QString* error) {
  if (isActive()) {
    if (error) *error = tr("A run is already active: stop it first.");
    return false;
  }
  joinThread();  // the previous run's thread has ended; collect it
  {
    std::lock_guard lock(mutex_);
    trainer_.reset();
    stopBeforeStart_ = false;
  }
  lastSnapshot_.reset();
  setState(State::starting);
  thread_ = std::thread([this, factory = std::move(factory)] {
    std::shared_ptr<train::Trainer> trainer;
    try {
      trainer = factory();
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      QMetaObject::invokeMethod(this, [this, message] { onThreadEnded(false, false, 0, message); });
      return;
    }
    bool skip = false;
    {
      std::lock_guard lock(mutex_);
      trainer_ = trainer;
      skip = stopBeforeStart_;
    }
    const QString directory = QString::fromStdString(trainer->run_directory().string());
    const QString device = QString::fromStdString(trainer->device_name());
    const qint64 startStep = trainer->start_step();
    const qint64 totalSteps = trainer->total_steps();
    QMetaObject::invokeMethod(this, [this, directory, device, startStep, totalSteps] {
      runDirectory_ = directory;
      if (state_ == State::starting) setState(State::running);
      Q_EMIT started(directory, device, startStep, totalSteps);
    });
    if (skip) {
      QMetaObject::invokeMethod(this, [this, directory] {
        onThreadEnded(true, true, 0, tr("Stopped before the first step: %1").arg(directory));
      });
      return;
    }
    try {
      const auto summary = trainer->run();
      const QString message =
          QString::fromStdString(fmt::format("{} at step {} of {}; {} skipped steps; last loss {:.4g}",
                                             summary.stopped ? "stopped" : "finished", summary.steps,
                                             summary.total_steps, summary.skipped_steps, summary.last_loss));
      QMetaObject::invokeMethod(this, [this, summary, message] {
        onThreadEnded(true, summary.stopped, summary.steps, message);
      });
    } catch (const std::exception& e) {
      const QString message = QString::fromStdString(e.what());
      QMetaObject::invokeMethod(this, [this, message] { onThreadEnded(false, false, 0, message); });
    }
  });
  timer_.start();
  return true;
}

void TrainingBridge::onThreadEnded(bool ok, bool stopped, qint64 steps, const QString& message) {
  poll();  // what the run reported last, before it is gone
  timer_.stop();
  joinThread();
  {
    std::lock_guard lock(mutex_);
    trainer_.reset();
  }
  setState(State::idle);
  if (ok) {
    Q_EMIT finished(runDirectory_, stopped, steps, message);
  } else {
    Q_EMIT failed(message);
  }
}

void TrainingBridge::joinThread() {
  if (thread_.joinable()) thread_.join();
}

void TrainingBridge::poll() {
  const auto trainer = this->trainer();
  if (!trainer) return;
  auto& channel = trainer->telemetry();
  if (auto steps = channel.drain_steps(); !steps.empty()) Q_EMIT stepsArrived(steps);
  if (auto events = channel.drain_events(); !events.empty()) Q_EMIT eventsArrived(events);
  if (auto evaluations = channel.drain_evaluations(); !evaluations.empty()) Q_EMIT evaluationsArrived(evaluations);
  if (auto snapshot = channel.latest_snapshot(); snapshot && snapshot != lastSnapshot_) {
    lastSnapshot_ = snapshot;
    Q_EMIT snapshotArrived(snapshot);
  }
}

std::shared_ptr<train::Trainer> TrainingBridge::trainer() const {
  std::lock_guard lock(mutex_);
  return trainer_;
}

void TrainingBridge::pause() {
  const auto trainer = this->trainer();
  if (!trainer || state_ != State::running) return;
  trainer->control().pause();
  setState(State::paused);
}

void TrainingBridge::resumeRun() {
  const auto trainer = this->trainer();
  if (!trainer || state_ != State::paused) return;
  trainer->control().resume();
  setState(State::running);
}

void TrainingBridge::stop() {
  if (state_ == State::idle) return;
  {
    std::lock_guard lock(mutex_);
    if (trainer_) {
      trainer_->control().stop();
    } else {
      stopBeforeStart_ = true;  // the training thread checks it once the trainer is built
    }
  }
  setState(State::stopping);
}

void TrainingBridge::checkpointNow() {
  if (const auto trainer = this->trainer()) trainer->control().checkpoint_now();
}

quint64 TrainingBridge::postParameter(const QString& name, double value) {
  const auto trainer = this->trainer();
  return trainer ? trainer->live_parameters().post({{name.toStdString(), value}}) : 0;
}

void TrainingBridge::setState(State state) {
  if (state_ == state) return;
  state_ = state;
  Q_EMIT stateChanged(state);
}

}  // namespace marginlab::app
