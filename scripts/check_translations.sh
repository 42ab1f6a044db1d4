#!/usr/bin/env bash
# Fails when a translation catalogue misses a string of the sources or leaves one unfinished: runs lupdate over a
# copy of each translations/marginlab_*.ts (the checked-in files stay as they are) and counts what it reports.
set -euo pipefail
cd "$(dirname "$0")/.."
lupdate=${LUPDATE:-/usr/lib/qt6/bin/lupdate}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for ts in translations/marginlab_*.ts; do
  copy="$work/$(basename "$ts")"
  cp "$ts" "$copy"
  # lupdate warns about C++17 nested namespaces it cannot follow; the catalogue it writes is what counts.
  # core marks the experiment's labels with ML_TRANSLATABLE (core/translatable.h), lupdate's QT_TRANSLATE_NOOP.
  "$lupdate" -silent -no-obsolete -locations none -tr-function-alias QT_TRANSLATE_NOOP+=ML_TRANSLATABLE \
    app widgets core/experiment -ts "$copy" >/dev/null 2>&1
  unfinished=$(grep -c 'type="unfinished"' "$copy" || true)
  total=$(grep -c '<source>' "$copy" || true)
  if [ "$unfinished" -ne 0 ]; then
    echo "$ts: $unfinished of $total strings are new or unfinished, e.g.:"
    grep -B3 'type="unfinished"' "$copy" | grep '<source>' | head -5
    status=1
  else
    echo "$ts: all $total strings translated"
  fi
done
exit $status
