#pragma once
// Measures how responsive the event loop stays while training runs: a timer asks to fire every 20 ms and records how
// late each firing comes (the delay any click or key press would see). Used by `marginlab --benchmark`, which also
// reports the run's training throughput, to compare with the headless `marginlab-cli train` on the same experiment,
// and the CPU time the GUI thread itself used meanwhile: what the plots take from training, independent of how fast
// the machine happens to be at the moment.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace marginlab::app {

class ResponsivenessProbe : public QObject {
  Q_OBJECT
 public:
  explicit ResponsivenessProbe(QObject* parent = nullptr);
  void start();
  void stop();
  // Lateness percentiles in milliseconds (q in [0, 1]); NaN before any sample.
  double latenessPercentile(double q) const;
  std::size_t samples() const { return lateness_ms_.size(); }
  // CPU time of the thread that called start() (the GUI thread) between start() and stop(), as a percentage of the
  // wall time between them: 100 = one core busy all along.
  double threadCpuPercent() const;
  // The same for the whole process (the GUI thread, the run follower's thread, the data preview's): what watching a
  // run takes from the machine, now that training runs in a process of its own.
  double processCpuPercent() const;

 private:
  void tick();

  static constexpr int kIntervalMs = 20;
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ms_ = 0;
  double cpu_start_s_ = 0, cpu_stop_s_ = 0;
  double process_cpu_start_s_ = 0, process_cpu_stop_s_ = 0;
  qint64 wall_stop_ms_ = 0;
  std::vector<double> lateness_ms_;
};

}  // namespace marginlab::app
