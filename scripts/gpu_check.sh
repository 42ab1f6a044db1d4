#!/usr/bin/env bash
# The CUDA paths, on a machine with an NVIDIA GPU and a CUDA LibTorch (a PyTorch wheel's, found through python3, or
# TORCH_PREFIX), within 10 minutes: builds the engine, the CLI and the engine's tests (no GUI, no OpenCV, NCCL on
# when the wheel's NCCL is found), runs the CUDA tests (on a GPU they must run, not skip) and
# `bench train --precision fp16` on ir50. Not part of test.sh: CI has no GPU.
#
#   scripts/gpu_check.sh --pack-deps   here (Debian 12): the header and library packages the build needs, unpacked
#                                      into .gpu-deps/ (git-ignored), for a GPU machine that has no Debian packages
#   scripts/gpu_check.sh [OUT_DIR]     there: build, test, benchmark; the logs go to OUT_DIR (default build-gpu/)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
deps="$repo/.gpu-deps"

pack_deps() {
  # fmt, spdlog and libzip with their shared libraries, the header-only JSON and CLI11, GoogleTest's static libraries.
  local packages=(nlohmann-json3-dev libfmt-dev libfmt9 libspdlog-dev libspdlog1.10 libcli11-dev libgtest-dev
    libgmock-dev libzip-dev libzip4)
  local download
  download=$(mktemp -d)
  (cd "$download" && apt-get download "${packages[@]}")
  rm -rf "$deps"
  mkdir -p "$deps"
  for deb in "$download"/*.deb; do dpkg -x "$deb" "$deps"; done
  rm -rf "$download"
  grep -qxF '/.gpu-deps/' .git/info/exclude 2>/dev/null || echo '/.gpu-deps/' >>.git/info/exclude
  echo "gpu_check: $(du -sh "$deps" | cut -f1) of packages in $deps; carry .gpu-deps to the GPU machine"
}

main() {
  if [ "${1:-}" = "--pack-deps" ]; then
    pack_deps
    return 0
  fi
  local out=${1:-$repo/build-gpu}
  local build=$repo/build-gpu
  mkdir -p "$out" "$build"
  local started=$SECONDS

  local torch_prefix=${TORCH_PREFIX:-}
  if [ -z "$torch_prefix" ]; then
    torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  fi
  python3 - <<'EOF' || true
import torch
print(f"gpu_check: torch {torch.__version__}, CUDA {torch.version.cuda}, "
      f"{torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU visible to torch'}")
EOF
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true

  # The Debian packages carried from --pack-deps, where the machine has none of its own.
  local prefix_path="$torch_prefix"
  if [ -d "$deps/usr" ]; then
    prefix_path="$prefix_path;$deps/usr"
    export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  # NCCL from the wheel's nvidia-nccl package, when there is one.
  local nccl_dir nccl_flags=()
  nccl_dir=$(python3 -c 'import nvidia.nccl, os; print(os.path.dirname(nvidia.nccl.__file__))' 2>/dev/null || true)
  if [ -n "$nccl_dir" ] && [ -f "$nccl_dir/include/nccl.h" ]; then
    nccl_flags=(-DMARGINLAB_WITH_NCCL=ON "-DMARGINLAB_NCCL_INCLUDE_DIR=$nccl_dir/include"
      "-DMARGINLAB_NCCL_LIBRARY=$(ls "$nccl_dir"/lib/libnccl.so* | head -n 1)")
  fi

  echo "gpu_check: configure and build (engine, CLI, engine tests)"
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$prefix_path" \
    -DMARGINLAB_BUILD_GUI=OFF -DMARGINLAB_BUILD_TESTS=ON -DMARGINLAB_WITH_OPENCV=OFF "${nccl_flags[@]}" \
    >"$out/configure.log" 2>&1 || { tail -n 30 "$out/configure.log"; return 1; }
  cmake --build "$build" --parallel "$(nproc)" --target marginlab-cli engine_tests distributed_worker \
    >"$out/build.log" 2>&1 || { grep -m 20 -B 2 -A 6 'error' "$out/build.log"; return 1; }
  echo "gpu_check: built in $((SECONDS - started)) s"

  # The CUDA tests skip without a GPU; here a skip is a failure.
  echo "gpu_check: CUDA tests"
  local filter='*Cuda*:*CUDA*:*OnCuda*'
  (cd "$build/tests/engine" && "$build/bin/engine_tests" --gtest_filter="$filter" --gtest_brief=0) \
    2>&1 | tee "$out/cuda_tests.log"
  if grep -q '\[  SKIPPED \]' "$out/cuda_tests.log"; then
    echo "gpu_check: CUDA tests were skipped: no GPU reached from LibTorch" >&2
    return 1
  fi
  grep -q '\[  PASSED  \]' "$out/cuda_tests.log"

  echo "gpu_check: bench train --precision fp16 on ir50"
  "$build/bin/marginlab-cli" bench train --backbone ir50 --batch 128 --classes 10000 --precision fp16 \
    --device cuda --iterations 20 2>&1 | tee "$out/bench_train_fp16.log"
  echo "gpu_check: done in $((SECONDS - started)) s; logs in $out"
}

main "$@"
exit $?
