#!/usr/bin/env bash
# Compiles MarginLab's CUDA and NCCL paths, and exercises the LibTorch 2.x API, on a machine without a GPU.
# Not part of test.sh (it takes tens of minutes the first time); run it after touching torch, CUDA or c10d code.
#
#   scripts/check_cuda_build.sh [cuda|cpu2|all]      (default: all)
#
# Two Debian 13 ("trixie") roots made with debootstrap, kept in a cache folder and reused (MARGINLAB_TRIXIE_CACHE,
# default ~/.cache/marginlab/trixie; about 14 GB together):
#   cuda: libtorch-cuda-dev 2.6 (contrib), NCCL, CUDA Gloo, nvidia-cuda-toolkit 12.4 (non-free). The engine and the
#         CLI are built with NCCL on, without GUI and OpenCV. Debian has no cuDNN, so the programs are linked with
#         --allow-shlib-undefined: this proves they compile and link, not that they run.
#   cpu2: libtorch-dev 2.6 (CPU) and Gloo. The engine, the CLI and the engine's tests are built and the tests run,
#         multi-process ones included, so the 2.x API is exercised.
# The working tree (uncommitted changes included) is copied into each root's /src; the builds stay in /build-cuda and
# /build-cpu2 there, so a second run compiles only what changed. Needs root (debootstrap, chroot).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
cache=${MARGINLAB_TRIXIE_CACHE:-$HOME/.cache/marginlab/trixie}
mirror=${MARGINLAB_TRIXIE_MIRROR:-http://deb.debian.org/debian}
jobs=$(nproc)
common=(cmake g++ ninja-build pkgconf nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev libgtest-dev libgmock-dev libzip-dev)

say() { printf '\n== check_cuda_build: %s\n' "$*"; }

make_root() {  # make_root DIR PACKAGES...
  local root=$1
  shift
  if [ ! -x "$root/usr/bin/apt-get" ]; then
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
    say "debootstrap trixie into $root"
    mkdir -p "$root"
    debootstrap --variant=minbase trixie "$root" "$mirror"
    echo "deb $mirror trixie main contrib non-free non-free-firmware" >"$root/etc/apt/sources.list"
  fi
  say "packages in $root: $*"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # nvidia-cudnn's post-install script downloads cuDNN from its vendor, which fails offline: it is made a no-op
  # (Debian has no cuDNN to install instead), and the installation finished.
  if ! chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; then
    if [ -f "$root/var/lib/dpkg/info/nvidia-cudnn.postinst" ]; then
      printf '#!/bin/sh\nexit 0\n' >"$root/var/lib/dpkg/info/nvidia-cudnn.postinst"
      chroot "$root" env DEBIAN_FRONTEND=noninteractive dpkg --configure -a
      chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
    else
      return 1
    fi
  fi
}

copy_tree() {  # copy_tree ROOT: the working tree, without build folders, into ROOT/src
  local root=$1
  rm -rf "$root/src"
  mkdir -p "$root/src"
  git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - | tar -xf - -C "$root/src"
  # The authors' reference vectors, beside the checkout as here (tests/CMakeLists.txt).
  if [ -d ../shared/reference ]; then
    rm -rf "$root/shared"
    mkdir -p "$root/shared"
    cp -r ../shared/reference "$root/shared/"
  fi
}

check_cuda() {
  local root=$cache/cuda
  # The CUDA Gloo replaces libgloo-dev (they conflict).
  make_root "$root" "${common[@]}" libtorch-cuda-dev libnccl-dev libgloo-cuda-dev nvidia-cuda-toolkit
  copy_tree "$root"
  say "build engine + CLI against CUDA LibTorch $(chroot "$root" dpkg-query -W -f '${Version}' libtorch-cuda-dev)"
  chroot "$root" bash -c "cmake -S /src -B /build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DMARGINLAB_BUILD_GUI=OFF -DMARGINLAB_BUILD_TESTS=OFF -DMARGINLAB_WITH_OPENCV=OFF -DMARGINLAB_WITH_NCCL=ON \
      -DCMAKE_EXE_LINKER_FLAGS=-Wl,--allow-shlib-undefined && cmake --build /build-cuda --parallel $jobs"
  say "cuda: engine and CLI compiled and linked with CUDA and NCCL"
}

check_cpu2() {
  local root=$cache/cpu2
  make_root "$root" "${common[@]}" libtorch-dev libgloo-dev
  copy_tree "$root"
  # The tests read /proc (LibTorch's CPU detection, the launcher's own path); unmounted again on the way out.
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  trap "umount '$root/proc' 2>/dev/null || true" EXIT
  say "build engine + CLI + engine tests against LibTorch $(chroot "$root" dpkg-query -W -f '${Version}' libtorch-dev)"
  chroot "$root" bash -c "cmake -S /src -B /build-cpu2 -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DMARGINLAB_BUILD_GUI=OFF -DMARGINLAB_BUILD_TESTS=ON -DMARGINLAB_WITH_OPENCV=OFF && \
      cmake --build /build-cpu2 --parallel $jobs --target marginlab-cli engine_tests distributed_worker && \
      cd /build-cpu2 && bin/engine_tests --gtest_brief=1"
  say "cpu2: engine tests passed on LibTorch 2.x"
}

# The whole script is read before it runs (bash reads a file as it goes): editing it during a run is harmless.
main() {
  case $what in
    roots)  # only make or update the two roots
      make_root "$cache/cuda" "${common[@]}" libtorch-cuda-dev libnccl-dev libgloo-cuda-dev nvidia-cuda-toolkit
      make_root "$cache/cpu2" "${common[@]}" libtorch-dev libgloo-dev ;;
    cuda) check_cuda ;;
    cpu2) check_cpu2 ;;
    all) check_cuda; check_cpu2 ;;
    *) echo "usage: $0 [cuda|cpu2|all|roots]" >&2; exit 2 ;;
  esac
}
main "$@"; exit $?
