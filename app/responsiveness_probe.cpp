#include "app/responsiveness_probe.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace marginlab::app {
namespace {

double cpuSeconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

}  // namespace

ResponsivenessProbe::ResponsivenessProbe(QObject* parent) : QObject(parent) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(kIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &ResponsivenessProbe::tick);
}

void ResponsivenessProbe::start() {
  lateness_ms_.clear();
  clock_.start();
  last_ms_ = 0;
  cpu_start_s_ = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  process_cpu_start_s_ = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  timer_.start();
}

void ResponsivenessProbe::stop() {
  timer_.stop();
  cpu_stop_s_ = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
  process_cpu_stop_s_ = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  wall_stop_ms_ = clock_.elapsed();
}

double ResponsivenessProbe::threadCpuPercent() const {
  if (wall_stop_ms_ <= 0) return std::numeric_limits<double>::quiet_NaN();
  return 100.0 * (cpu_stop_s_ - cpu_start_s_) / (static_cast<double>(wall_stop_ms_) / 1000.0);
}

double ResponsivenessProbe::processCpuPercent() const {
  if (wall_stop_ms_ <= 0) return std::numeric_limits<double>::quiet_NaN();
  return 100.0 * (process_cpu_stop_s_ - process_cpu_start_s_) / (static_cast<double>(wall_stop_ms_) / 1000.0);
}

void ResponsivenessProbe::tick() {
  const qint64 now = clock_.elapsed();
  lateness_ms_.push_back(std::max<double>(0.0, static_cast<double>(now - last_ms_ - kIntervalMs)));
  last_ms_ = now;
}

double ResponsivenessProbe::latenessPercentile(double q) const {
  if (lateness_ms_.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sorted = lateness_ms_;
  std::sort(sorted.begin(), sorted.end());
  const auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))) ;
  return sorted[std::min(sorted.size() - 1, index == 0 ? 0 : index - 1)];
}

}  // namespace marginlab::app
