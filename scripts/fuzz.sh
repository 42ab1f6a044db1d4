#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang and runs each for a while on its seed corpus.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [BUILD_DIR]      default: 20 s each (the test suite's smoke run), build/fuzz
# A crash, a sanitizer report or a leak fails the run; libFuzzer leaves the input that did it as crash-* in the
# working directory (build/fuzz/findings) for a regression fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
build_dir=$(realpath -m "${2:-build/fuzz}")
root=$PWD

CXX=clang++ cmake -S fuzz -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"

mkdir -p "$build_dir/findings"
for target in recordio pickle checkpoint_pickle torch_file npy benchmark_meta; do
  # New inputs go to a scratch corpus: the seeds in the repository stay as they are.
  scratch="$build_dir/corpus/$target"
  mkdir -p "$scratch"
  echo "fuzz_$target: ${seconds}s"
  log="$build_dir/fuzz_$target.log"
  if (cd "$build_dir/findings" &&
      "$build_dir/fuzz_$target" -max_total_time="$seconds" -seed=1 -print_final_stats=1 -max_len=65536 \
        "$scratch" "$root/fuzz/corpus/$target" >"$log" 2>&1); then
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || tail -n 3 "$log"
  else
    cat "$log"
    echo "fuzz_$target FAILED: the input is in $build_dir/findings" >&2
    exit 1
  fi
done
