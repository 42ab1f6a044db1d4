#pragma once
// The only road between the workbench and a run. Every run lives in its own process and is reached through its run
// directory (core/run): a run started here is a `marginlab-cli train` child, detached so that it outlives the window
// if the user leaves it running, with its output in the directory's console.txt; a run opened with File ▸ Open run…
// is whatever process wrote it, on this machine or a server whose disk is mounted here. Either way a RunFollower on a
// thread of its own reads what the run appends (steps, events, evaluations) and replaces (snapshot, status,
// experiment) four times a second, and this bridge turns it into Qt signals on the GUI thread. A crash, an abort or
// an out-of-memory kill in training ends that process, never the window: the bridge says so, with the run's last
// words. Control goes the other way as request files (core/run/run_requests.h), answered in the run's events.
// No torch in this header, nor in its source.
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

#include "core/experiment/experiment.h"
#include "core/run/run_follower.h"
#include "core/run/run_requests.h"
#include "core/run/run_status.h"
#include "core/telemetry/telemetry.h"

namespace marginlab::app {

// marginlab-cli beside this program, else on the PATH; empty when neither has it. Runs and studies both start it.
QString marginlabCliProgram();

class TrainingBridge : public QObject {
  Q_OBJECT
 public:
  // The followed run as the bridge knows it: starting (launched or opened, no word from it yet), running, paused,
  // stopping (a stop asked, not yet done); idle when nothing is followed or the run has ended.
  enum class State { idle, starting, running, paused, stopping };

  explicit TrainingBridge(QObject* parent = nullptr);
  // Stops following. A run started here that is still live is asked to stop when stopRunOnExit() is set (scripted
  // use and tests); otherwise it goes on, and File ▸ Recent runs finds it again.
  ~TrainingBridge() override;

  // A new run of `experiment` in a new directory under its runs_dir, or the continuation of the run in
  // `runDirectory`, as a child process this bridge then follows. False, with the reason in `error`, when a live run
  // is followed or the process cannot be started; the run's own failures arrive as failed().
  bool start(const train::Experiment& experiment, QString* error);
  bool resume(const QString& runDirectory, QString* error);
  // Follows any run directory: a finished run fills the plots and stays there; a live one goes on arriving. False
  // with the reason when it is not a run directory.
  bool follow(const QString& runDirectory, QString* error);
  // Stops following (a live run goes on by itself).
  void detach();

  // Requests to the followed run (when canSteer()); each is answered in its events.
  void pause();
  void resumeRun();
  void stop();
  void checkpointNow();
  // A new value for a head hyperparameter or "lr"; returns the request's version (0 when no run can be steered).
  quint64 postParameter(const QString& name, double value);

  State state() const { return state_; }
  bool isActive() const { return state_ != State::idle; }
  bool isFollowing() const { return worker_ != nullptr; }
  // The run was started by this bridge (its child), rather than opened.
  bool startedHere() const { return childPid_ > 0; }
  // Live, and run by this user: requests from anyone else are refused by the run anyway.
  bool canSteer() const;
  const QString& runDirectory() const { return runDirectory_; }
  // What the run's status says of it (live, paused, finished, stalled: no step since ..., ...), or empty.
  const QString& livenessText() const { return livenessText_; }
  train::Liveness liveness() const { return liveness_; }
  // The run's last status, when it has written one.
  const std::optional<train::RunStatus>& status() const { return status_; }
  // The last lines the run printed (console.txt of a run started here), for a run that died.
  QString lastWords(int lines = 12) const;

  // How often the follower reads the directory (ms); 250 by default.
  void setPollInterval(int milliseconds) { pollInterval_ = milliseconds; }
  // No step (or heartbeat) for this long is a stalled run; 120 s by default (a big evaluation can be long).
  void setStallSeconds(double seconds) { stallSeconds_ = seconds; }
  void setStopRunOnExit(bool stop) { stopRunOnExit_ = stop; }
  // The trainer program; by default marginlab-cli beside this program.
  void setTrainerProgram(const QString& program) { trainerProgram_ = program; }

 Q_SIGNALS:
  void stateChanged(marginlab::app::TrainingBridge::State state);
  // A run is followed from now on (a new one, or another opened): what was shown belongs to another run.
  void attached(const QString& runDirectory);
  // The run's records were rewritten (it was resumed from an earlier checkpoint): clear, the whole history follows.
  void historyRestarted();
  // The followed run's experiment.json, when first read and whenever it changes (tuning records a schedule there).
  void experimentArrived(const QString& json);
  // The run's status first says it runs: the device and its length are known.
  void started(const QString& runDirectory, const QString& device, qint64 startStep, qint64 totalSteps);
  void stepsArrived(const std::vector<marginlab::train::StepRecord>& steps);
  void eventsArrived(const std::vector<marginlab::train::RunEvent>& events);
  void evaluationsArrived(const std::vector<marginlab::train::Evaluation>& evaluations);
  void snapshotArrived(std::shared_ptr<const marginlab::train::Snapshot> snapshot);
  void statusArrived(const marginlab::train::RunStatus& status);
  void livenessChanged(marginlab::train::Liveness liveness, const QString& text);
  // Records that could not be read ("events.jsonl:12: not a JSON object"); the rest goes on.
  void problem(const QString& message);
  // The run ended by itself or by a stop: `stopped` when before its planned length. `message` summarises it.
  void finished(const QString& runDirectory, bool stopped, qint64 steps, const QString& message);
  // The run failed (its own message), or its process ended without a word (with its last words where known).
  void failed(const QString& message);

 private:
  bool launch(const QStringList& arguments, const QString& directory, QString* error);
  void attach(const QString& directory);
  void onUpdate(const std::shared_ptr<train::RunFollower::Update>& update);
  void onStatus(const train::RunStatus& status);
  void judge();
  void end(bool failedRun, const QString& message);
  void setState(State state);
  quint64 request(train::RunRequest request);

  State state_ = State::idle;
  QString runDirectory_;
  QThread* thread_ = nullptr;
  QObject* worker_ = nullptr;
  QTimer judgeTimer_;
  std::optional<train::RunStatus> status_;
  train::Liveness liveness_ = train::Liveness::unknown;
  QString livenessText_;
  qint64 childPid_ = 0;
  double launchedAt_ = 0;  // Unix seconds
  bool startedSignalled_ = false;
  bool ended_ = false;
  int pollInterval_ = 250;
  double stallSeconds_ = 120;
  bool stopRunOnExit_ = false;
  QString trainerProgram_;
};

}  // namespace marginlab::app
