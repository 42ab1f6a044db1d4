#!/usr/bin/env bash
# eval → verify round trip: a few training steps, `eval` of the run on SynthFace's pairs with the embeddings saved,
# then `verify` on those embeddings must report the same overall accuracy; plus eval's refusals.
#   eval_round_trip.sh MARGINLAB_CLI WORK_DIR
set -euo pipefail
cli=$1
work=$2
rm -rf "$work"
mkdir -p "$work"

"$cli" --threads 2 train --config synthface-demo --quiet --set train.max_steps=3 --set data.image_size=32 \
  --set runs_dir="$work/runs" --set eval.at_end=false >/dev/null
run=$(find "$work/runs" -mindepth 1 -maxdepth 1 -type d | head -n 1)

"$cli" --threads 2 eval --checkpoint "$run" --set synthface --flip sum --json "$work/eval.json" \
  --save-embeddings "$work/embeddings" | tee "$work/eval.txt"
"$cli" verify --embeddings "$work/embeddings/synthface_pairs.npy" --issame "$work/embeddings/synthface_issame.txt" \
  | tee "$work/verify.txt"

overall() { grep -E '^ *all ' "$1" | head -n 1 | awk '{print $2, $3}'; }  # pairs and accuracy of the "all" row
if [ "$(overall "$work/eval.txt")" != "$(overall "$work/verify.txt")" ]; then
  echo "eval and verify disagree: '$(overall "$work/eval.txt")' vs '$(overall "$work/verify.txt")'" >&2
  exit 1
fi
grep -q '"strata_basis": "true quality"' "$work/eval.json"
grep -q 'feature-norm terciles' "$work/verify.txt"

# Refusals name what is wrong and exit non-zero.
if "$cli" eval --checkpoint "$work/nowhere" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "nowhere: no such run directory or checkpoint file" "$work/refused.txt"
if "$cli" eval --checkpoint "$run" --set "$work/missing.bin" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q 'missing.bin.*not found' "$work/refused.txt"
echo "eval round trip: OK"
