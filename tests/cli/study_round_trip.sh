#!/usr/bin/env bash
# marginlab-cli study end to end with real short trainings: a bad axis refused before anything starts; a small study
# (two keys × two seeds) whose report matches the runs' own files; the median rule stopping the runs it says; a study
# interrupted with SIGINT and resumed without running its finished run again.
#   study_round_trip.sh MARGINLAB_CLI WORK_DIR
set -euo pipefail
cli=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
pids=()
# Only the processes this script started, and only if still there.
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local limit=$1; shift
  for _ in $(seq $((limit * 10))); do "$@" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for: $*" >&2; return 1
}

# A study on a small, fast SynthFace: study_file NAME STEPS AXES [MORE_TOP_LEVEL_MEMBERS]
study_file() {
  cat >"$work/$1.json" <<JSON
{"name": "$1", "base": "synthface-demo",
 "set": {"data.image_size": 32, "data.synthface.identities": 40, "data.synthface.max_images_per_identity": 12,
         "data.synthface.verification_identities": 40, "data.synthface.pairs_per_stratum": 100,
         "train.batch_size": 32, "train.epochs": 100, "train.max_steps": $2, "report.every_steps": 5, "report.save_every_steps": 0,
         "checkpoint.every_steps": 0},
 "axes": $3,
 "metric": {"set": "synthface", "stratum": "all", "measure": "accuracy"}${4:-}}
JSON
}

# 1. An axis value the experiment refuses: named, and no study folder made.
study_file bad 6 '[{"key": "head.params.m", "values": [0.3, 7]}]' ', "seeds": [1, 2]'
if "$cli" study --config "$work/bad.json" --out "$work/bad" >"$work/bad.txt" 2>&1; then exit 1; fi
grep -q 'run r03 (head.params.m=7, seed 1): AdaFace: m = 7 is outside' "$work/bad.txt" || { cat "$work/bad.txt"; exit 1; }
[ ! -e "$work/bad" ]

# 2. Two keys × two seeds, two runs at a time; the report's means are the runs' own final accuracies.
study_file small 6 '[{"key": "head.params.m", "values": [0.3, 0.5]}, {"key": "optimizer.lr", "values": [0.05, 0.1]}]' \
  ', "seeds": [1, 2], "parallel": {"runs": 2, "threads_per_run": 1}'
"$cli" study --config "$work/small.json" --out "$work/small" | tee "$work/small.txt"
grep -q '4 settings × 2 seeds = 8 runs' "$work/small.txt"
grep -q '8 finished, 0 stopped early, 0 failed' "$work/small.txt"
report=$work/small/report.md
[ -s "$report" ]
# Each setting's mean over its two seeds, from each run's last synthface evaluation.
final_accuracy() {  # the "all" accuracy of the run's last synthface evaluation
  jq -s -r '[.[] | select(.set == "synthface")] | last | .strata[] | select(.stratum == "all") | .accuracy' \
    "$work/small/runs/$1/evaluations.jsonl"
}
setting=0
for pair in "r1 r2" "r3 r4" "r5 r6" "r7 r8"; do
  set -- $pair
  a=$(final_accuracy "${1/r/r0}"); b=$(final_accuracy "${2/r/r0}")
  mean=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", (a + b) / 2 }')
  label=$(jq -r ".runs[$((setting * 2))].values | \"head.params.m=\\(.[0]), optimizer.lr=\\(.[1])\"" "$work/small/plan.json")
  grep -F "| $label | 2 | $mean ± " "$report" >/dev/null || { echo "no row '$label' with mean $mean" >&2; cat "$report"; exit 1; }
  setting=$((setting + 1))
done
[ "$(grep -c '| finished |' "$report")" = 8 ]
"$cli" study report "$work/small" --out "$work/again.md" >/dev/null
cmp "$report" "$work/again.md"

# 3. The median rule at step 25: a 2-d embedding cannot verify as a 128-d one does (on this data about 0.58 against
# 0.66 at step 25), so its runs are judged worse than the median of the runs before them (one run at a time, so
# "before" is the plan's order); each verdict is checked against the runs' own evaluations at step 25, and exactly
# the runs judged to stop were stopped.
cat >"$work/stopping.json" <<JSON
{"name": "stopping", "base": "synthface-demo",
 "set": {"data.image_size": 32, "data.synthface.identities": 50, "data.synthface.max_images_per_identity": 40,
         "data.synthface.imbalance_ratio": 1, "data.synthface.verification_identities": 40,
         "data.synthface.pairs_per_stratum": 100, "train.batch_size": 64, "train.epochs": 20, "train.max_steps": 60,
         "report.save_every_steps": 0, "checkpoint.every_steps": 0},
 "axes": [{"key": "model.embedding_dim", "values": [128, 2]}], "seeds": [1, 2],
 "metric": {"set": "synthface", "stratum": "all", "measure": "accuracy"},
 "early_stopping": {"rule": "median", "at_steps": [25], "min_runs": 2}}
JSON
"$cli" study --config "$work/stopping.json" --out "$work/stopping" | tee "$work/stopping.txt"
at_rung() {
  jq -s -r '[.[] | select(.set == "synthface" and .step == 25)] | first | .strata[] | select(.stratum == "all") | .accuracy' \
    "$work/stopping/runs/$1/evaluations.jsonl"
}
values=()
for run in r01 r02 r03 r04; do
  v=$(at_rung $run)
  verdict=$(jq -r "select(.run == \"$run\") | .stop" "$work/stopping/decisions.jsonl")
  # The first run alone is not judged (min_runs 2): it goes on.
  expected=false
  if [ ${#values[@]} -ge 1 ]; then
    expected=$(printf '%s\n' "${values[@]}" | sort -g | awk -v v="$v" '{ x[NR] = $1 } END {
      m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2; print (v < m ? "true" : "false") }')
  fi
  [ "$verdict" = "$expected" ] || { echo "$run: verdict '$verdict', the rule says '$expected'" >&2; exit 1; }
  state=$(jq -r .state "$work/stopping/runs/$run/status.json")
  if [ "$verdict" = true ]; then
    [ "$state" = stopped ] && [ "$(jq -r .step "$work/stopping/runs/$run/status.json")" -lt 60 ]
  else
    [ "$state" = finished ]
  fi
  values+=("$v")
done
# The 2-d embeddings' runs.
[ "$(jq -r 'select(.run == "r03") | .stop' "$work/stopping/decisions.jsonl")" = true ]
[ "$(jq -r 'select(.run == "r04") | .stop' "$work/stopping/decisions.jsonl")" = true ]
grep -q '| r03 | model.embedding_dim=2 | 1 | stopped early |' "$work/stopping/report.md"

# 4. Interrupted after its first run finished, then resumed: the finished run is left alone, the interrupted one
# continues from its checkpoint.
study_file resumed 300 '[{"key": "head.params.m", "values": [0.3, 0.5, 0.6]}]'
"$cli" study --config "$work/resumed.json" --out "$work/resumed" >"$work/resumed.txt" 2>&1 &
study_pid=$!
pids+=($study_pid)
wait_for 240 grep -q '"activity":"training"' "$work/resumed/runs/r02/status.json"
grep -q '"state":"finished"' "$work/resumed/runs/r01/status.json"
before=$(md5sum "$work/resumed/runs/r01/metrics.csv" "$work/resumed/runs/r01/status.json")
kill -INT $study_pid
status=0; wait $study_pid || status=$?
[ $status = 3 ] || { echo "an interrupted study exits 3, not $status" >&2; cat "$work/resumed.txt"; exit 1; }
grep -q 'resume with: marginlab-cli study --resume' "$work/resumed.txt"
grep -q '"state":"stopped"' "$work/resumed/runs/r02/status.json"
[ ! -e "$work/resumed/runs/r03" ]
"$cli" study --resume "$work/resumed" | tee "$work/resumed2.txt"
grep -q 'resuming: 1 runs finished and 0 stopped early stay as they are; 2 to run' "$work/resumed2.txt"
grep -q '\[r02\] resumes from its checkpoint' "$work/resumed2.txt"
! grep -q '\[r01\]' "$work/resumed2.txt"
[ "$(md5sum "$work/resumed/runs/r01/metrics.csv" "$work/resumed/runs/r01/status.json")" = "$before" ]
for run in r01 r02 r03; do grep -q '"state":"finished"' "$work/resumed/runs/$run/status.json"; done
# The resumed run's history is one: every step once.
[ "$(tail -n +2 "$work/resumed/runs/r02/metrics.csv" | cut -d, -f1 | sort -n | uniq -d | wc -l)" = 0 ]
[ "$(tail -n +2 "$work/resumed/runs/r02/metrics.csv" | wc -l)" = 300 ]
echo "study round trip: OK"
