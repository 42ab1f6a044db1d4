#!/usr/bin/env bash
# Quick start, part 2: installs what is missing, builds, and runs every test (GoogleTest, QtTest offscreen,
# the CLI end to end, including verify-heads on every file in ../shared/reference).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 600
