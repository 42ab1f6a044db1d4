#!/usr/bin/env bash
# tune and control through the run directory, against a real `train` in the background: a change applied and one
# refused, pause/resume, a stop; then the refusals of a run that has ended and of one killed with SIGKILL.
#   steer_round_trip.sh MARGINLAB_CLI WORK_DIR
set -euo pipefail
cli=$1
work=$2
rm -rf "$work"
mkdir -p "$work/run" "$work/killed"
pids=()
# Only the processes this script started, and only if still there.
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

train() {  # train into $1, many steps (the test stops it), in the background
  "$cli" --threads 1 train --config synthface-demo --quiet --into "$1" --set train.max_steps=100000 \
    --set data.image_size=32 --set eval.at_end=false --set report.every_steps=5 >"$1/console.txt" 2>&1 &
  pids+=($!)
}
wait_for() {  # wait_for SECONDS COMMAND...: until the command succeeds
  local limit=$1; shift
  for _ in $(seq $((limit * 10))); do "$@" && return 0; sleep 0.1; done
  echo "timed out waiting for: $*" >&2; return 1
}
step_of() { sed -n 's/.*"step":\([0-9]*\).*/\1/p' "$1/status.json"; }

train "$work/run"
run=$work/run
wait_for 120 grep -q '"activity":"training"' "$run/status.json"

"$cli" tune "$run" --set head.params.m=0.3 --set optimizer.lr=0.05 --timeout 60 | tee "$work/tune.txt"
grep -q 'm = 0.3 (request 1 by .*) applied at step' "$work/tune.txt"
grep -q 'lr = 0.05 (request 1 by .*) applied at step' "$work/tune.txt"
grep -q '"m":0.3' "$run/experiment.json" || grep -q '"m": 0.3' "$run/experiment.json"

# Out of range: the run refuses it with the reason and goes on; tune exits 1.
if "$cli" tune "$run" --set head.params.m=50 --timeout 60 >"$work/refused.txt"; then exit 1; fi
grep -q 'request 2 by .* refused: .*m = 50' "$work/refused.txt"
# Not a live parameter: refused before anything is written.
if "$cli" tune "$run" --set optimizer.momentum=0.5 >"$work/not_live.txt" 2>&1; then exit 1; fi
grep -q 'optimizer.momentum=0.5: expected KEY=VALUE with KEY a live parameter' "$work/not_live.txt"

"$cli" control "$run" pause --timeout 60 | tee "$work/pause.txt"
grep -q 'pause (request 3 by .*) at step' "$work/pause.txt"
wait_for 30 grep -q '"state":"paused"' "$run/status.json"
paused_at=$(step_of "$run")
sleep 1
[ "$(step_of "$run")" = "$paused_at" ] || { echo "the run went on while paused" >&2; exit 1; }
"$cli" control "$run" resume --timeout 60 | grep -q 'resume (request 4 by'
"$cli" control "$run" checkpoint --timeout 60 | grep -q 'checkpoint (request 5 by'
"$cli" control "$run" stop --timeout 60 | grep -q 'stop (request 6 by'
wait "${pids[0]}"
grep -q '"state":"stopped"' "$run/status.json"

# An ended run cannot answer: said at once.
if "$cli" control "$run" pause >"$work/ended.txt" 2>&1; then exit 1; fi
grep -q 'the run is not running (stopped at step' "$work/ended.txt"

# A run killed without a word: its status still says running, but its process is gone.
train "$work/killed"
wait_for 120 grep -q '"activity":"training"' "$work/killed/status.json"
kill -9 "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true
if "$cli" control "$work/killed" pause >"$work/killed.txt" 2>&1; then exit 1; fi
grep -q 'ended without a word (process [0-9]* is gone' "$work/killed.txt"
echo "steer round trip: OK"
