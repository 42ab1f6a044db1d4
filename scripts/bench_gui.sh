#!/usr/bin/env bash
# The workbench's cost to training: trains the same experiment headless (marginlab-cli), then from the workbench
# (which starts the same marginlab-cli as a child process and follows its run directory, the Training tab's plots
# live; under Xvfb when there is no display), then headless again, and prints the throughputs (median samples/s over
# each run's steps after the first 10%), the followed run's ratio to the mean of the two headless runs around it (so a
# machine whose speed drifts is compared with itself; target >= 97%), the event loop's latency while following
# (target p99 < 50 ms), and the CPU the workbench process itself used meanwhile (GUI thread and follower thread).
# Usage: scripts/bench_gui.sh [PRESET_OR_FILE] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-synthface-demo}
build=${2:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_throughput() {  # metrics.csv -> median samples_per_second of the steps after the first 10%
  python3 - "$1" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
rows = rows[len(rows) // 10:]
print(statistics.median(float(r["samples_per_second"]) for r in rows))
PY
}

# One experiment file for both: the preset (or file) with its own runs folder and no final evaluation.
preset=$config
[ -f "$preset" ] || preset=resources/presets/$config.json
python3 - "$preset" "$work" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e.setdefault("eval", {})["at_end"] = False
for name in ("cli", "gui", "cli2"):
    e["runs_dir"] = f"{sys.argv[2]}/{name}"
    json.dump(e, open(f"{sys.argv[2]}/{name}.json", "w"))
PY
"$build/bin/marginlab-cli" train --config "$work/cli.json" > "$work/cli.log"
cli_run=$(ls -d "$work"/cli/*/ | head -1)
launcher=()
if [ -z "${DISPLAY:-}" ]; then launcher=(xvfb-run -a -s "-screen 0 1600x1000x24"); fi
"${launcher[@]}" "$build/bin/marginlab" --experiment "$work/gui.json" --tab "${MARGINLAB_BENCH_TAB:-0}" --benchmark | tee "$work/gui.log"
gui_run=$(awk '/^run_directory/ {print $2}' "$work/gui.log")
"$build/bin/marginlab-cli" train --config "$work/cli2.json" > "$work/cli2.log"
cli2_run=$(ls -d "$work"/cli2/*/ | head -1)

cli=$(median_throughput "$cli_run/metrics.csv")
gui=$(median_throughput "$gui_run/metrics.csv")
cli2=$(median_throughput "$cli2_run/metrics.csv")
python3 - "$cli" "$gui" "$cli2" <<'PY'
import sys
before, gui, after = map(float, sys.argv[1:])
headless = (before + after) / 2
print(f"headless before {before:.0f}, GUI {gui:.0f}, headless after {after:.0f} samples/s: "
      f"GUI at {100 * gui / headless:.1f}% of headless (target >= 97%)")
PY
