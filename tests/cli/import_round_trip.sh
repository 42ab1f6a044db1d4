#!/usr/bin/env bash
# import from the command line: arcface_torch and AdaFace files become runs that eval, embed and export read
# unchanged (the ONNX export of AdaFace's IR-SE checked against LibTorch), and the refusals name what is wrong.
#   import_round_trip.sh MARGINLAB_CLI FIXTURES_DIR WORK_DIR
set -euo pipefail
cli=$1
fixtures=$2/import
work=$3
rm -rf "$work"
mkdir -p "$work"

"$cli" --threads 2 import "$fixtures/arcface_mbf.pth" --out "$work/mbf" | tee "$work/import.txt"
grep -q 'architecture: mobilefacenet (arcface_torch MobileFaceNet: blocks 1-4-6-2, width scale 2' "$work/import.txt"
grep -q 'classifier: none' "$work/import.txt"
grep -q '"imported_from"' "$work/mbf/model_card.json"

"$cli" --threads 2 eval --checkpoint "$work/mbf" --set synthface --json "$work/eval.json" | tee "$work/eval.txt"
grep -q '"set": "synthface"' "$work/eval.json"
"$cli" --threads 2 embed --checkpoint "$work/mbf" --data synthface --limit 8 --out "$work/emb/E.npy" | tee "$work/embed.txt"
grep -q '^8 embeddings of dimension 512' "$work/embed.txt"

# AdaFace's IR-SE: squeeze-and-excitation and subsampling shortcuts through ONNX, BGR in the card.
"$cli" --threads 2 import "$fixtures/adaface_ir_se_50.ckpt" --out "$work/se50" >/dev/null
"$cli" --threads 2 export --checkpoint "$work/se50" --format all --out "$work/se50-model" --parity-images 2 \
  | tee "$work/export.txt"
grep -q 'ONNX parity: 2 images, smallest cosine' "$work/export.txt"
grep -q '"color_order": "bgr"' "$work/se50-model/model_card.json"
test -s "$work/se50-model/head.pt"

# Refusals: the classifier against the data's classes, a file that is no model, resuming an import.
if "$cli" import "$fixtures/arcface_shards" --classes-from synthface --out "$work/refused" >"$work/refused.txt" 2>&1; then
  exit 1
fi
grep -q 'has 10 classes, but synthface has 200' "$work/refused.txt"
test ! -e "$work/refused"
if "$cli" import "$fixtures/images.npy" --out "$work/refused" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q 'images.npy: an unknown format (first bytes 934e554d50590100)' "$work/refused.txt"
if "$cli" --threads 2 train --resume "$work/mbf" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q 'an imported model, not a run to resume' "$work/refused.txt"
echo "import round trip: OK"
