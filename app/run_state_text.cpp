#include "app/run_state_text.h"

#include <QCoreApplication>
#include <QDateTime>

#include <algorithm>

namespace marginlab::app {
namespace {

QString clockTime(double unixSeconds) {
  return QDateTime::fromSecsSinceEpoch(static_cast<qint64>(unixSeconds))
      .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

}  // namespace

QString runStateText(const std::optional<train::RunStatus>& status, train::Liveness liveness) {
  if (!status) return {};
  switch (liveness) {
    case train::Liveness::stalled:
      // The last sign of progress: a step, or the heartbeat where that stopped first.
      return QCoreApplication::translate("RunState", "Stalled: no progress since %1")
          .arg(clockTime(status->progressed > 0 ? std::min(status->progressed, status->updated) : status->updated));
    case train::Liveness::vanished:
      return QCoreApplication::translate("RunState", "Ended without a word (last heard of at %1)")
          .arg(clockTime(status->updated));
    default:
      break;
  }
  switch (status->state) {
    case train::RunState::finished:
      return QCoreApplication::translate("RunState", "Finished");
    case train::RunState::stopped:
      return QCoreApplication::translate("RunState", "Stopped");
    case train::RunState::failed:
      return QCoreApplication::translate("RunState", "Failed");
    case train::RunState::paused:
      return QCoreApplication::translate("RunState", "Paused");
    case train::RunState::running:
      return QCoreApplication::translate("RunState", "Training");
  }
  return {};
}

}  // namespace marginlab::app
