#!/usr/bin/env bash
# export and embed from the command line: a few training steps, `export --format all` writes the four files (its
# ONNX parity check passing), `embed` writes the .npy set, and the refusals name what is wrong, exit non-zero and
# leave nothing behind.
#   export_round_trip.sh MARGINLAB_CLI WORK_DIR
set -euo pipefail
cli=$1
work=$2
rm -rf "$work"
mkdir -p "$work"

"$cli" --threads 2 train --config synthface-demo --quiet --set train.max_steps=3 --set data.image_size=32 \
  --set runs_dir="$work/runs" --set eval.at_end=false >/dev/null
run=$(find "$work/runs" -mindepth 1 -maxdepth 1 -type d | head -n 1)

"$cli" --threads 2 export --checkpoint "$run" --format all --out "$work/model" --parity-images 6 | tee "$work/export.txt"
grep -q 'ONNX parity: 6 images, smallest cosine' "$work/export.txt"
for file in model.onnx backbone.pt head.pt model_card.json; do
  test -s "$work/model/$file" || { echo "missing $file" >&2; exit 1; }
done
test -z "$(find "$work/model" -name '.marginlab-export-*')"  # no staging folder left
grep -q '"backbone": "demo"' "$work/model/model_card.json"

"$cli" --threads 2 embed --checkpoint "$run" --data synthface --limit 12 --out "$work/emb/E.npy" | tee "$work/embed.txt"
grep -q '^12 embeddings of dimension 128' "$work/embed.txt"
for file in E.npy E.norms.npy E.labels.npy E.quality.npy E.json; do
  test -s "$work/emb/$file" || { echo "missing $file" >&2; exit 1; }
done
head -c 6 "$work/emb/E.npy" | grep -q 'NUMPY'

# Refusals name what is wrong, exit non-zero, and write nothing.
if "$cli" export --checkpoint "$work/nowhere" --out "$work/refused" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "nowhere: no such run directory or checkpoint file" "$work/refused.txt"
test ! -e "$work/refused"
touch "$work/a-file"
if "$cli" export --checkpoint "$run" --format pytorch --out "$work/a-file" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "a-file: exists and is not a folder" "$work/refused.txt"
if "$cli" embed --checkpoint "$run" --data synthface --out "$work/E.txt" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "E.txt: must name a .npy file" "$work/refused.txt"
if "$cli" embed --checkpoint "$run" --data "$work/no-such-data" --out "$work/F.npy" >"$work/refused.txt" 2>&1; then
  exit 1
fi
grep -q "no-such-data: no such file or folder" "$work/refused.txt"
test ! -e "$work/F.npy"
echo "export round trip: OK"
