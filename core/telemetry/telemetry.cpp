#include "core/telemetry/telemetry.h"

#include <utility>

namespace marginlab::train {

std::string to_string(RunEvent::Kind kind) {
  switch (kind) {
    case RunEvent::Kind::param_applied: return "param_applied";
    case RunEvent::Kind::param_rejected: return "param_rejected";
    case RunEvent::Kind::checkpoint: return "checkpoint";
    case RunEvent::Kind::evaluation: return "evaluation";
    case RunEvent::Kind::epoch_end: return "epoch_end";
    case RunEvent::Kind::step_skipped: return "step_skipped";
    case RunEvent::Kind::control:
      return "control";
    case RunEvent::Kind::request_rejected:
      return "request_rejected";
    case RunEvent::Kind::info: return "info";
  }
  return "info";
}

void TelemetryChannel::push_step(const StepRecord& record) {
  std::lock_guard lock(mutex_);
  steps_.push_back(record);
}

void TelemetryChannel::push_event(const RunEvent& event) {
  std::lock_guard lock(mutex_);
  events_.push_back(event);
}

void TelemetryChannel::push_evaluation(const Evaluation& evaluation) {
  std::lock_guard lock(mutex_);
  evaluations_.push_back(evaluation);
}

void TelemetryChannel::publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
}

std::vector<StepRecord> TelemetryChannel::drain_steps() {
  std::lock_guard lock(mutex_);
  return std::exchange(steps_, {});
}

std::vector<RunEvent> TelemetryChannel::drain_events() {
  std::lock_guard lock(mutex_);
  return std::exchange(events_, {});
}

std::vector<Evaluation> TelemetryChannel::drain_evaluations() {
  std::lock_guard lock(mutex_);
  return std::exchange(evaluations_, {});
}

std::shared_ptr<const Snapshot> TelemetryChannel::latest_snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

}  // namespace marginlab::train
