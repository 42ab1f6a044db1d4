#!/usr/bin/env bash
# The house's naming (clang-tidy's readability-identifier-naming, per folder: .clang-tidy files) and format
# (clang-format --dry-run) on the given sources, or by default on core/ and widgets/ (no LibTorch to parse, so a
# minute; the engine's files take 15-40 s each). Needs a configured build/ (compile_commands.json).
#   scripts/lint.sh [--format] [FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
format=0
if [ "${1:-}" = "--format" ]; then format=1; shift; fi
build=${MARGINLAB_BUILD_DIR:-build}
[ -f "$build/compile_commands.json" ] || { echo "lint: configure first (./scripts/build.sh)" >&2; exit 2; }
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files 'core/*.cpp' 'widgets/*.cpp')
else
  files=("$@")
fi
status=0
# stderr too: a .clang-tidy that clang-tidy cannot read is reported there, and must fail the check.
report=$(clang-tidy -p "$build" --quiet --checks='-*,readability-identifier-naming' "${files[@]}" 2>&1 || true)
if grep -qE 'warning:|error:' <<<"$report"; then
  grep -E 'warning:|error:' <<<"$report" | sort -u
  status=1
else
  echo "lint: naming ok in ${#files[@]} files"
fi
if [ $format -eq 1 ]; then
  clang-format --dry-run --Werror "${files[@]}" || status=1
fi
exit $status
