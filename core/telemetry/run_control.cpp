#include "core/telemetry/run_control.h"

#include <algorithm>

namespace marginlab::train {

std::uint64_t LiveParameters::post(const std::vector<ParamUpdate>& updates) {
  std::lock_guard lock(mutex_);
  for (const auto& update : updates) {
    auto same_name = std::find_if(pending_.begin(), pending_.end(),
                                  [&](const ParamUpdate& p) { return p.name == update.name; });
    if (same_name != pending_.end()) {
      same_name->value = update.value;
    } else {
      pending_.push_back(update);
    }
  }
  return ++version_;
}

std::optional<LiveParameters::Pending> LiveParameters::take() {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) return std::nullopt;
  Pending pending{version_, std::move(pending_)};
  pending_.clear();
  return pending;
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
