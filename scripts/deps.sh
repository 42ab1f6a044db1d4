#!/usr/bin/env bash
# Installs the Debian 12 packages MarginLab needs, and only those that are missing.
# Sourced by run.sh and test.sh; safe to run on its own. Needs root or sudo when something is missing.
set -euo pipefail

MARGINLAB_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config
  # engine: LibTorch (CPU) with a fast BLAS; without libopenblas0-pthread LibTorch uses reference BLAS
  libtorch-dev libopenblas0-pthread
  # oneDNN's own API (the library LibTorch runs its CPU convolutions on), for strided convolutions' weight gradients
  libdnnl-dev
  # distributed training: the headers of the Gloo that libtorch_cpu.so links (c10d's ProcessGroupGloo needs them)
  libgloo-dev
  # engine image I/O (optional part of the engine build)
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-dnn-dev
  # model export: ONNX files written with the ONNX library (checked with OpenCV DNN, above)
  libonnx-dev
  # weights of other tools: torch.save files are zip archives
  libzip-dev
  # small libraries instead of hand-written code
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  # GUI
  qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6
  libgl-dev
  # a CJK font, so the Chinese translation renders on a machine that has none
  fonts-wqy-microhei
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev xvfb xauth jq
  # libFuzzer targets for the file parsers (clang's fuzzer runtime is only recommended by clang, so named here)
  clang libclang-rt-14-dev
)

missing_packages() {
  local pkg
  for pkg in "${MARGINLAB_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      printf '%s\n' "$pkg"
    fi
  done
}

install_missing_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "MarginLab: installing missing Debian packages: ${missing[*]}"
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "MarginLab: need root or sudo to install: ${missing[*]}" >&2
      return 1
    fi
    as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  install_missing_packages
fi
