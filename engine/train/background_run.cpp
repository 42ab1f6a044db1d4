#include "engine/train/background_run.h"

#include <exception>

namespace marginlab::train {

BackgroundRun::BackgroundRun(TrainerFactory factory) {
  thread_ = std::thread([this, factory = std::move(factory)] {
    Ended end;
    std::shared_ptr<Trainer> trainer;
    try {
      trainer = factory();
    } catch (const std::exception& e) {
      end.failed = true;
      end.error = e.what();
    }
    bool stop_first = false;
    if (trainer) {
      std::lock_guard lock(mutex_);
      trainer_ = trainer;
      started_ = Started{trainer->run_directory().string(), trainer->device_name(), trainer->experiment().name,
                         trainer->experiment().head.kind,  trainer->start_step(),    trainer->total_steps()};
      stop_first = stop_before_start_;
    }
    if (trainer && stop_first) {
      end.summary.run_directory = trainer->run_directory();
      end.summary.steps = trainer->start_step();
      end.summary.total_steps = trainer->total_steps();
      end.summary.stopped = true;
      end.before_first_step = true;
    } else if (trainer) {
      try {
        end.summary = trainer->run();
      } catch (const std::exception& e) {
        end.failed = true;
        end.error = e.what();
      }
    }
    std::lock_guard lock(mutex_);
    ended_ = std::move(end);
  });
}

BackgroundRun::~BackgroundRun() {
  stop();
  if (thread_.joinable()) thread_.join();
}

BackgroundRun::Progress BackgroundRun::poll() {
  Progress progress;
  std::shared_ptr<Trainer> trainer;
  bool ended = false;
  {
    std::lock_guard lock(mutex_);
    progress.started = std::move(started_);
    started_.reset();
    trainer = trainer_;
    ended = ended_.has_value() && !ended_handed_out_;
  }
  // Once the run has ended its channel holds all it will ever hold: drain it before handing out the end.
  if (trainer) {
    auto& channel = trainer->telemetry();
    progress.steps = channel.drain_steps();
    progress.events = channel.drain_events();
    progress.evaluations = channel.drain_evaluations();
    if (auto snapshot = channel.latest_snapshot(); snapshot && snapshot != last_snapshot_) {
      last_snapshot_ = snapshot;
      progress.snapshot = std::move(snapshot);
    }
  }
  if (ended) {
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mutex_);
    progress.ended = std::move(ended_);
    ended_handed_out_ = true;
  }
  return progress;
}

bool BackgroundRun::ended() const {
  std::lock_guard lock(mutex_);
  return ended_handed_out_;
}

std::shared_ptr<Trainer> BackgroundRun::trainer() const {
  std::lock_guard lock(mutex_);
  return trainer_;
}

void BackgroundRun::pause() {
  if (const auto t = trainer()) t->control().pause();
}

void BackgroundRun::resume() {
  if (const auto t = trainer()) t->control().resume();
}

void BackgroundRun::stop() {
  std::lock_guard lock(mutex_);
  if (trainer_) {
    trainer_->control().stop();
  } else {
    stop_before_start_ = true;  // the run's thread checks it once the trainer is built
  }
}

void BackgroundRun::checkpoint_now() {
  if (const auto t = trainer()) t->control().checkpoint_now();
}

std::uint64_t BackgroundRun::post(const std::vector<ParamUpdate>& updates) {
  const auto t = trainer();
  return t ? t->live_parameters().post(updates) : 0;
}

}  // namespace marginlab::train
