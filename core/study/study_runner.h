#pragma once
// Runs a study's planned runs as child processes (`marginlab-cli train --config <experiment> --into <run dir>`, or
// `train --resume <run dir>` for one that was interrupted), `parallel.runs` at a time; follows each through its
// directory, applies the early-stopping rule when a run's evaluation at one of the rule's steps appears and stops the
// losers through a stop request (they write a checkpoint and end cleanly). Runs that finished or were stopped by the
// rule are never run again: an interrupted study resumes where it was. Only the processes started here are
// signalled. POSIX, torch-free.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "core/study/study_directory.h"

namespace marginlab::study {

struct RunnerOptions {
  std::string program;                               // marginlab-cli
  std::function<void(const std::string& line)> say;  // progress, a line at a time
  // Set (by a signal handler) to end the study: running runs are asked to stop (a checkpoint each), none is started.
  const std::atomic<bool>* interrupt = nullptr;
  std::chrono::milliseconds poll{500};
};

struct RunnerOutcome {
  int finished = 0, stopped = 0, failed = 0, interrupted = 0, pending = 0;
  bool complete() const { return interrupted == 0 && pending == 0 && failed == 0; }
};

// Throws InvalidFile when a run directory cannot be prepared, std::runtime_error when a process cannot start.
RunnerOutcome run_study(const StudyDirectory& study, const RunnerOptions& options);

}  // namespace marginlab::study
