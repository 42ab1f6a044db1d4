#pragma once
// A run's state in the user's language, from its status and what a follower concluded of it: training, paused,
// finished, stopped, failed, stalled since when, ended without a word. The window's title and status bar and the
// runs table say it the same way.
#include <QString>

#include <optional>

#include "core/run/run_status.h"

namespace marginlab::app {

// Empty when there is no status (a run from before 0.4, or one not started yet): the caller says what it knows.
QString runStateText(const std::optional<train::RunStatus>& status, train::Liveness liveness);

}  // namespace marginlab::app
