#include "core/telemetry/run_control.h"

#include <stdexcept>

namespace marginlab::train {

std::uint64_t LiveParameters::post(const std::vector<ParamUpdate>& updates) {
  std::lock_guard lock(mutex_);
  ++version_;
  for (auto update : updates) {
    update.version = version_;
    pending_.push_back(std::move(update));
  }
  return version_;
}

void LiveParameters::post_as(std::uint64_t version, const std::vector<ParamUpdate>& updates) {
  std::lock_guard lock(mutex_);
  if (version <= version_) {
    throw std::invalid_argument("live parameters: version " + std::to_string(version) + " is not newer than " +
                                std::to_string(version_));
  }
  version_ = version;
  for (auto update : updates) {
    update.version = version;
    pending_.push_back(std::move(update));
  }
}

std::optional<std::vector<ParamUpdate>> LiveParameters::take() {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) return std::nullopt;
  auto taken = std::move(pending_);
  pending_.clear();
  return taken;
}

std::uint64_t LiveParameters::latest_version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

void RunControl::pause() {
  std::lock_guard lock(mutex_);
  paused_ = true;
}

void RunControl::resume() {
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  resumed_.notify_all();
}

void RunControl::stop() {
  stop_ = true;
  resume();
}

void RunControl::checkpoint_now() {
  {
    std::lock_guard lock(mutex_);
    checkpoint_ = true;
  }
  resumed_.notify_all();
}

bool RunControl::paused() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

void RunControl::wait_while_paused() {
  std::unique_lock lock(mutex_);
  resumed_.wait(lock, [&] { return !paused_ || stop_.load() || checkpoint_.load(); });
}

void RunControl::wait_while_paused(std::chrono::milliseconds at_most) {
  std::unique_lock lock(mutex_);
  resumed_.wait_for(lock, at_most, [&] { return !paused_ || stop_.load() || checkpoint_.load(); });
}

}  // namespace marginlab::train
