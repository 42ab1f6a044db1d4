#pragma once
// The only road between the GUI and the training engine. It owns the engine's BackgroundRun (the training thread and
// its Trainer, as marginlab-cli train does) and turns what the run reports into Qt signals on the GUI thread: a timer
// (10 Hz by default) drains the per-step queue (nothing dropped) and takes the newest snapshot (older ones are
// skipped), so a slow screen never slows
// training and the GUI thread never waits on it. 10 Hz, not 30: on two cores every millisecond of drawing is taken
// from training, and a training curve does not need video rates. Control (pause, stop, live parameters) goes the other way through the engine's
// mailboxes, which the trainer reads at step boundaries. No torch in this header: moc reads it.
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/telemetry/telemetry.h"

namespace marginlab::train {
class BackgroundRun;
class Trainer;
}

namespace marginlab::app {

class TrainingBridge : public QObject {
  Q_OBJECT
 public:
  enum class State { idle, starting, running, paused, stopping };

  explicit TrainingBridge(QObject* parent = nullptr);
  ~TrainingBridge() override;  // stops a run (with its checkpoint) and waits for the thread

  // A new run of `experiment`, or the continuation of the run in `runDirectory`. The trainer is built on the training
  // thread (building a model or scanning a dataset may take seconds): failures arrive as failed(). False, with the
  // reason in `error`, when a run is already active.
  bool start(const train::Experiment& experiment, QString* error);
  bool resume(const QString& runDirectory, QString* error);

  void pause();
  void resumeRun();
  void stop();
  void checkpointNow();
  // Posts a new value for a head hyperparameter or "lr"; returns the mailbox version (0 when no run is active).
  quint64 postParameter(const QString& name, double value);

  State state() const { return state_; }
  bool isActive() const { return state_ != State::idle; }
  // How often the telemetry is drained while a run is active (ms); 100 by default.
  void setPollInterval(int milliseconds) { timer_.setInterval(milliseconds); }

 Q_SIGNALS:
  void stateChanged(marginlab::app::TrainingBridge::State state);
  void started(const QString& runDirectory, const QString& device, qint64 startStep, qint64 totalSteps);
  void stepsArrived(const std::vector<marginlab::train::StepRecord>& steps);
  void eventsArrived(const std::vector<marginlab::train::RunEvent>& events);
  void evaluationsArrived(const std::vector<marginlab::train::Evaluation>& evaluations);
  void snapshotArrived(std::shared_ptr<const marginlab::train::Snapshot> snapshot);
  // The run ended: `stopped` when by stop() before its planned length. `message` summarises it.
  void finished(const QString& runDirectory, bool stopped, qint64 steps, const QString& message);
  void failed(const QString& message);

 private:
  bool launch(std::function<std::unique_ptr<train::Trainer>()> factory, QString* error);
  void poll();
  void setState(State state);

  QTimer timer_;
  State state_ = State::idle;
  // The engine's run on its own thread (the same as marginlab-cli train's); null when idle.
  std::unique_ptr<train::BackgroundRun> run_;
  QString runDirectory_;
};

}  // namespace marginlab::app
