#pragma once
// CPU seconds of the calling thread or of the whole process: the benchmarks report work per CPU-second, which a
// shared, noisy machine disturbs far less than wall-clock time.
#include <ctime>

namespace marginlab::cli {

inline double cpu_seconds(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}
inline double thread_cpu_seconds() { return cpu_seconds(CLOCK_THREAD_CPUTIME_ID); }
inline double process_cpu_seconds() { return cpu_seconds(CLOCK_PROCESS_CPUTIME_ID); }

}  // namespace marginlab::cli
