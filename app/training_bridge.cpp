#include "app/training_bridge.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QProcess>
#include <QStandardPaths>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/run/run_directory.h"
#include "core/run/run_requests.h"

namespace marginlab::app {

TrainingBridge::TrainingBridge(QObject* parent) : QObject(parent) {
  judgeTimer_.setInterval(1000);
  connect(&judgeTimer_, &QTimer::timeout, this, &TrainingBridge::judge);
}

TrainingBridge::~TrainingBridge() {
  if (stopRunOnExit_ && startedHere() && !ended_) {
    // Scripted use: the run this bridge started ends with it, as a stop (with its checkpoint) if it listens, else by
    // signal. Bounded: a run that ignores both is killed.
    const std::filesystem::path directory = runDirectory_.toStdString();
    train::RunRequest stopRequest;
    stopRequest.action = train::RequestAction::stop;
    try {
      train::write_request(directory, stopRequest);
    } catch (const std::exception&) {
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!train::process_gone(childPid_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!train::process_gone(childPid_)) ::kill(static_cast<pid_t>(childPid_), SIGKILL);
  }
  detach();
}

bool TrainingBridge::start(const train::Experiment& experiment, QString* error) {
  if (isActive()) {
    if (error) *error = tr("A run is active: stop it first.");
    return false;
  }
  std::filesystem::path directory;
  try {
    directory = train::RunDirectory::create(experiment.runs_dir, experiment.name).path();
    train::save_experiment(experiment, (directory / "experiment.json").string());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  const QString path = QString::fromStdString(directory.string());
  if (!launch({QStringLiteral("train"), QStringLiteral("--quiet"), QStringLiteral("--config"),
               path + QStringLiteral("/experiment.json"), QStringLiteral("--into"), path},
              path, error)) {
    QDir(path).removeRecursively();
    return false;
  }
  return true;
}

bool TrainingBridge::resume(const QString& runDirectory, QString* error) {
  if (isActive()) {
    if (error) *error = tr("A run is active: stop it first.");
    return false;
  }
  try {
    train::RunDirectory::open_for_resume(runDirectory.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  return launch({QStringLiteral("train"), QStringLiteral("--quiet"), QStringLiteral("--resume"), runDirectory},
                runDirectory, error);
}

QString marginlabCliProgram() {
  const QString beside = QCoreApplication::applicationDirPath() + QStringLiteral("/marginlab-cli");
  return QFileInfo(beside).isExecutable() ? beside : QStandardPaths::findExecutable(QStringLiteral("marginlab-cli"));
}

bool TrainingBridge::launch(const QStringList& arguments, const QString& directory, QString* error) {
  const QString program = trainerProgram_.isEmpty() ? marginlabCliProgram() : trainerProgram_;
  if (program.isEmpty() || !QFileInfo(program).isExecutable()) {
    if (error) *error = tr("Cannot find marginlab-cli beside this program or on the PATH: it runs the training.");
    return false;
  }
  // Detached: the run is not this window's to end. Its output goes to the run directory, where whoever follows the
  // run reads its last words.
  QProcess process;
  process.setProgram(program);
  process.setArguments(arguments);
  process.setWorkingDirectory(QDir::currentPath());
  const QString console =
      QString::fromStdString(train::RunDirectory::of_rank0(directory.toStdString()).console_file().string());
  process.setStandardOutputFile(console, QIODevice::Append);
  process.setStandardErrorFile(console, QIODevice::Append);
  qint64 pid = 0;
  if (!process.startDetached(&pid)) {
    if (error) *error = tr("Cannot start %1: %2").arg(program, process.errorString());
    return false;
  }
  attach(directory);
  childPid_ = pid;
  launchedAt_ = train::unix_now();
  setState(State::starting);
  return true;
}

bool TrainingBridge::follow(const QString& runDirectory, QString* error) {
  if (!QFileInfo::exists(runDirectory + QStringLiteral("/experiment.json"))) {
    if (error) *error = tr("%1: not a run directory (no experiment.json)").arg(runDirectory);
    return false;
  }
  attach(runDirectory);
  return true;
}

void TrainingBridge::attach(const QString& directory) {
  detach();
  runDirectory_ = directory;
  Q_EMIT attached(directory);
  thread_ = new QThread(this);
  worker_ = new QObject;
  worker_->moveToThread(thread_);
  connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_->start();
  // On the follower's thread: a timer that reads the directory and hands what it found to the GUI thread. A slow
  // mount blocks that thread, never this one.
  QPointer<TrainingBridge> self(this);
  QObject* worker = worker_;
  const int interval = pollInterval_;
  QMetaObject::invokeMethod(worker_, [self, worker, directory, interval] {
    auto follower = std::make_shared<train::RunFollower>(directory.toStdString());
    auto* timer = new QTimer(worker);
    const auto poll = [self, worker, follower] {
      auto update = std::make_shared<train::RunFollower::Update>(follower->poll());
      if (update->empty()) return;
      QMetaObject::invokeMethod(
          self.data(),
          [self, worker, update] {
            // Dropped when the bridge has moved on to another run since.
            if (self && self->worker_ == worker) self->onUpdate(update);
          },
          Qt::QueuedConnection);
    };
    QObject::connect(timer, &QTimer::timeout, worker, poll);
    timer->start(interval);
    poll();
  });
  judgeTimer_.start();
}

void TrainingBridge::detach() {
  judgeTimer_.stop();
  if (thread_) {
    thread_->quit();
    thread_->wait();
    delete thread_;  // the worker went with the thread's finished()
  }
  thread_ = nullptr;
  worker_ = nullptr;
  status_.reset();
  liveness_ = train::Liveness::unknown;
  livenessText_.clear();
  childPid_ = 0;
  startedSignalled_ = false;
  ended_ = false;
  runDirectory_.clear();
  setState(State::idle);
}

void TrainingBridge::onUpdate(const std::shared_ptr<train::RunFollower::Update>& update) {
  if (update->restarted) Q_EMIT historyRestarted();
  if (update->experiment) Q_EMIT experimentArrived(QString::fromStdString(update->experiment->dump()));
  if (!update->steps.empty()) Q_EMIT stepsArrived(update->steps);
  if (!update->events.empty()) Q_EMIT eventsArrived(update->events);
  if (!update->evaluations.empty()) Q_EMIT evaluationsArrived(update->evaluations);
  if (update->snapshot) Q_EMIT snapshotArrived(update->snapshot);
  for (const auto& message : update->problems) Q_EMIT problem(QString::fromStdString(message));
  // Last: a finished run's final status comes after its records.
  if (update->status) onStatus(*update->status);
}

void TrainingBridge::onStatus(const train::RunStatus& status) {
  status_ = status;
  Q_EMIT statusArrived(status);
  const bool wasEnded = ended_;
  judge();
  if (ended_ && !wasEnded) return;  // its process is gone, whatever the status says
  switch (status.state) {
    case train::RunState::running:
    case train::RunState::paused:
      if (ended_) {
        // Ended, and now going again (resumed from a shell, say): followed on as a live run.
        ended_ = false;
        startedSignalled_ = false;
      }
      if (!startedSignalled_) {
        startedSignalled_ = true;
        Q_EMIT started(runDirectory_, QString::fromStdString(status.device), status.step, status.total_steps);
      }
      if (state_ != State::stopping || status.state == train::RunState::paused) {
        setState(status.state == train::RunState::paused ? State::paused : State::running);
      }
      break;
    case train::RunState::finished:
    case train::RunState::stopped:
      end(false, QString::fromStdString(status.message));
      break;
    case train::RunState::failed: {
      QString message = QString::fromStdString(status.message);
      const QString words = lastWords();
      if (!words.isEmpty() && !words.contains(message)) message += QStringLiteral("\n\n") + words;
      end(true, message);
      break;
    }
  }
}

void TrainingBridge::judge() {
  if (runDirectory_.isEmpty()) return;
  if (!status_) {
    // No word from the run yet: a child that is gone died before its first status (a bad experiment, a missing
    // library); its console says why.
    if (!ended_ && startedHere() && train::process_gone(childPid_)) {
      // The status may have been written after the last poll: one more look before concluding.
      try {
        if (auto status = train::read_run_status(runDirectory_.toStdString())) {
          onStatus(*status);
          return;
        }
      } catch (const std::exception&) {
      }
      end(true, tr("The training process ended before it started.") + QStringLiteral("\n\n") + lastWords());
    }
    return;
  }
  const auto judgement = train::judge_liveness(status_, train::unix_now(), stallSeconds_);
  const QString text = QString::fromStdString(judgement.text);
  if (judgement.liveness != liveness_ || text != livenessText_) {
    liveness_ = judgement.liveness;
    livenessText_ = text;
    Q_EMIT livenessChanged(liveness_, livenessText_);
  }
  if (!ended_ && judgement.liveness == train::Liveness::vanished) {
    const QString words = lastWords();
    end(true, tr("The training process %1").arg(text) + (words.isEmpty() ? QString() : QStringLiteral("\n\n") + words));
  }
}

void TrainingBridge::end(bool failedRun, const QString& message) {
  if (ended_) return;
  ended_ = true;
  const bool wasLive = startedSignalled_ || startedHere();
  setState(State::idle);
  // A run opened after it ended is shown, not announced.
  if (!wasLive) return;
  if (failedRun) {
    Q_EMIT failed(message);
    return;
  }
  const bool stopped = status_ && status_->state == train::RunState::stopped;
  Q_EMIT finished(runDirectory_, stopped, status_ ? status_->step : 0, message);
}

QString TrainingBridge::lastWords(int lines) const {
  QFile console(runDirectory_ + QStringLiteral("/console.txt"));
  if (!console.open(QIODevice::ReadOnly)) return {};
  // The end of the file is enough: a run's last words are at its end.
  constexpr qint64 kTail = 16 * 1024;
  if (console.size() > kTail) console.seek(console.size() - kTail);
  QStringList all = QString::fromUtf8(console.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
  if (all.size() > lines) all = all.mid(all.size() - lines);
  return all.join(QLatin1Char('\n'));
}

bool TrainingBridge::canSteer() const {
  if (!isActive()) return false;
  return startedHere() || (status_ && status_->uid == ::getuid());
}

quint64 TrainingBridge::request(train::RunRequest request) {
  if (!canSteer()) return 0;
  try {
    return train::write_request(runDirectory_.toStdString(), std::move(request));
  } catch (const std::exception& e) {
    Q_EMIT problem(QString::fromUtf8(e.what()));
    return 0;
  }
}

void TrainingBridge::pause() {
  train::RunRequest r;
  r.action = train::RequestAction::pause;
  request(r);
}

void TrainingBridge::resumeRun() {
  train::RunRequest r;
  r.action = train::RequestAction::resume;
  request(r);
}

void TrainingBridge::stop() {
  train::RunRequest r;
  r.action = train::RequestAction::stop;
  if (request(r) > 0) setState(State::stopping);
}

void TrainingBridge::checkpointNow() {
  train::RunRequest r;
  r.action = train::RequestAction::checkpoint;
  request(r);
}

quint64 TrainingBridge::postParameter(const QString& name, double value) {
  train::RunRequest r;
  r.action = train::RequestAction::set;
  r.params[train::live_parameter_key(name.toStdString())] = value;
  return request(r);
}

void TrainingBridge::setState(State state) {
  if (state_ == state) return;
  state_ = state;
  Q_EMIT stateChanged(state);
}

}  // namespace marginlab::app
