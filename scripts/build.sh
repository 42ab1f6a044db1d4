#!/usr/bin/env bash
# Installs what is missing, configures and builds MarginLab into build/. Used by run.sh and test.sh.
# MARGINLAB_BUILD_TARGETS (space-separated) builds only those targets: run.sh builds the program alone.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=deps.sh
source scripts/deps.sh
install_missing_packages

jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DMARGINLAB_BUILD_GUI=ON -DMARGINLAB_BUILD_TESTS=ON "$@"
targets=()
for target in ${MARGINLAB_BUILD_TARGETS:-}; do targets+=(--target "$target"); done
cmake --build build --parallel "$jobs" "${targets[@]}"
