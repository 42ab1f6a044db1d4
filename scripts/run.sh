#!/usr/bin/env bash
# Quick start, part 1: installs what is missing, builds, and opens the MarginLab workbench.
set -euo pipefail
cd "$(dirname "$0")/.."
# Only the program: the test suites (most of a fresh build's time) wait for ./scripts/test.sh.
MARGINLAB_BUILD_TARGETS=marginlab ./scripts/build.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "MarginLab: no display found (DISPLAY/WAYLAND_DISPLAY unset). Run it from a desktop session, or under" >&2
  echo "  xvfb-run -a ./scripts/run.sh   to render it off screen." >&2
  exit 1
fi
exec ./build/bin/marginlab "$@"
