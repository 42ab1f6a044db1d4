#!/usr/bin/env bash
# ijb, tinyface and align end to end. The fixture's embeddings through `ijb` and `tinyface` print the authors'
# numbers under reference-a.json's keys; a trained run embeds an IJB-layout folder of real images (the same numbers
# at batch 1 and at the default batch, cached for the next call, recorded in the run's evaluations.jsonl); `align`
# aligns what it can and names what it cannot.
#   benchmark_round_trip.sh MARGINLAB_CLI FIXTURE_DIR REFERENCE_JSON WORK_DIR
set -euo pipefail
cli=$1
fixture=$2
reference=$3
work=$4
rm -rf "$work"
mkdir -p "$work"

# --- the fixture's embeddings: the printed TARs of both authors' modes, and TinyFace within one probe
"$cli" ijb --root "$fixture" --target IJBC --embeddings "$fixture/IJBC/embeddings.txt" \
  --embeddings-flip "$fixture/IJBC/embeddings_flip.txt" --json "$work/ijbc.json" >"$work/ijbc.txt"
for mode in N1D1F1 N1D0F1; do
  ours=$(jq -c ".IJBC[\"1to1\"].$mode.tar_printed" "$work/ijbc.json")
  theirs=$(jq -c ".IJBC[\"1to1\"].$mode.tar_printed" "$reference")
  [ "$ours" = "$theirs" ] || { echo "IJBC $mode: $ours, the authors' $theirs" >&2; exit 1; }
done
jq -e '.IJBC["1N_separate"].gallery_G1.top1_count == 258' "$work/ijbc.json" >/dev/null
"$cli" tinyface --root "$fixture/tinyface" --features "$fixture/tinyface/features.txt" \
  --features-flip "$fixture/tinyface/features_flip.txt" --json "$work/tinyface.json" >/dev/null
jq -e --slurpfile ref "$reference" \
  '(.tinyface.rank["1"] - $ref[0].tinyface.rank["1"]) | fabs < (1 / 161 + 1e-6)' "$work/tinyface.json" >/dev/null

# --- a trained run over real images: 48 of the fixture's aligned TinyFace images as IJB loose crops, each identity
# in two templates, landmarks on the template (the warp is the identity), every template pair scored.
"$cli" --threads 2 train --config synthface-demo --quiet --set train.max_steps=2 --set data.image_size=32 \
  --set runs_dir="$work/runs" --set eval.at_end=false >/dev/null
run=$(find "$work/runs" -mindepth 1 -maxdepth 1 -type d | head -n 1)
ijb="$work/release/IJBC"
mkdir -p "$ijb/loose_crop" "$ijb/meta"
i=0
for image in $(find "$fixture/tinyface/aligned_pad_0.1_pad_high/Gallery_Match" -name '*.jpg' | sort | head -n 48); do
  i=$((i + 1))
  cp "$image" "$ijb/loose_crop/$i.jpg"
  identity=$(basename "$image" | cut -d_ -f1)
  echo "$i.jpg $((identity * 10 + i % 2)) $i" >>"$ijb/meta/ijbc_face_tid_mid.txt"
  echo "$i.jpg 38.2946 51.6963 73.5318 51.5014 56.0252 71.7366 41.5493 92.3655 70.7299 92.2041 0.9" \
    >>"$ijb/meta/ijbc_name_5pts_score.txt"
done
cut -d' ' -f2 "$ijb/meta/ijbc_face_tid_mid.txt" | sort -n -u >"$work/templates.txt"
awk '{ t[n++] = $1 } END {
       for (a = 0; a < n; ++a) for (b = a + 1; b < n; ++b) print t[a], t[b], (int(t[a] / 10) == int(t[b] / 10)) ? 1 : 0
     }' "$work/templates.txt" \
  >"$ijb/meta/ijbc_template_pair_label.txt"

"$cli" --threads 2 ijb --root "$work/release" --target IJBC --checkpoint "$run" --batch 1 --json "$work/run1.json" \
  | tee "$work/run1.txt"
grep -q "embeddings: computed, cached" "$work/run1.txt"
grep -q "1:N: not computed" "$work/run1.txt"
"$cli" --threads 2 ijb --root "$work/release" --target IJBC --checkpoint "$run" --json "$work/run2.json" >"$work/run2.txt"
grep -q "embeddings: from the cache" "$work/run2.txt"
"$cli" --threads 2 ijb --root "$work/release" --target IJBC --checkpoint "$run" --batch 16 --no-cache \
  --json "$work/run3.json" >"$work/run3.txt"
for file in run2 run3; do
  for mode in N1D1F1 N1D0F1; do
    a=$(jq -c ".IJBC[\"1to1\"].$mode.tar" "$work/run1.json")
    b=$(jq -c ".IJBC[\"1to1\"].$mode.tar" "$work/$file.json")
    [ "$a" = "$b" ] || { echo "batch 1 and $file differ in $mode: $a vs $b" >&2; exit 1; }
  done
done
[ "$(grep -c '"benchmark":"IJBC"' "$run/evaluations.jsonl")" = 3 ]

# --- align: three faces, a missing file and a degenerate landmark set, with a contact sheet
{
  for n in 1 2 3; do echo "$n.jpg 50 60 80 60 65 75 52 92 78 92"; done
  echo "nowhere.jpg 50 60 80 60 65 75 52 92 78 92"
  echo "4.jpg 10 10 10 10 10 10 10 10 10 10 0.99"
} >"$work/landmarks.txt"
if "$cli" align --images "$ijb/loose_crop" --landmarks "$work/landmarks.txt" --out "$work/aligned" \
  --grid "$work/grid.png" >"$work/align.txt"; then :; else echo "align failed" >&2; cat "$work/align.txt" >&2; exit 1; fi
grep -q "aligned 3 of 5 faces" "$work/align.txt"
grep -q "nowhere.jpg (line 4)" "$work/align.txt"
grep -q "4.jpg (line 5): the five landmarks coincide" "$work/align.txt"
[ -s "$work/grid.png" ] && [ -s "$work/aligned/3.jpg" ]

# Refusals name what is wrong and exit non-zero.
if "$cli" ijb --root "$work/release" --target IJBX --checkpoint "$run" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "target IJBX: expected IJBB or IJBC" "$work/refused.txt"
if "$cli" ijb --root "$work/release" --target IJBB --checkpoint "$run" >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "no IJBB release here" "$work/refused.txt"
if "$cli" ijb --root "$work/release" --target IJBC >"$work/refused.txt" 2>&1; then exit 1; fi
grep -q "checkpoint or --embeddings" "$work/refused.txt"
echo "benchmark round trip: OK"
