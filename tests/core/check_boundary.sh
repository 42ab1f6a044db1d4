#!/usr/bin/env bash
# Builds the boundary probe (a torch include compiled with the torch-free targets' flags) and passes only when the
# compiler refuses it for the poisoned LibTorch names: a build that succeeds, or fails for another reason (a missing
# header, say), fails this test.   Usage: check_boundary.sh CMAKE BUILD_DIR TARGET
set -uo pipefail
output=$("$1" --build "$2" --target "$3" 2>&1)
status=$?
if [ $status -eq 0 ]; then
  echo "FAIL: $3 compiled: a torch-free target can include LibTorch"
  exit 1
fi
if ! grep -q 'attempt to use poisoned' <<<"$output"; then
  echo "FAIL: $3 did not compile, but not because of the poisoned names:"
  echo "$output" | tail -20
  exit 1
fi
echo "ok: the torch include was refused ($(grep -m1 'attempt to use poisoned' <<<"$output"))"
