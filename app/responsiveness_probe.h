#pragma once
// Measures how responsive the event loop stays while training runs: a timer asks to fire every 20 ms and records how
// late each firing comes (the delay any click or key press would see). Used by `marginlab --benchmark`, which also
// reports the run's training throughput, to compare with the headless `marginlab-cli train` on the same experiment.
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

 private:
  void tick();

  static constexpr int kIntervalMs = 20;
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ms_ = 0;
  std::vector<double> lateness_ms_;
};

}  // namespace marginlab::app
