#!/usr/bin/env bash
# `panel merge` as a user runs it: a synthetic panel where every one of 15 experts scores
# every one of APPS applications (default 1,000; 30 criteria), signed sheets (keys in
# panel.json, signatures required), then one `panel merge` of all 15 sheets into a fresh
# chair database (signed journal: the chair E01 has a key), timed with /usr/bin/time -v (wall, peak RSS).
#
#   bench/merge.sh [PANEL_BINARY]      (default: $CARGO_TARGET_DIR or target, release/panel)
#   APPS=1000 PER_APP=15 RUNS=3 bench/merge.sh
#
# The sheets are written by the ignored test `write_scale_sheets` (tests/sheets/
# merge_roundtrip.rs), built in release.
set -euo pipefail
cd "$(dirname "$0")/.."
TGT=${CARGO_TARGET_DIR:-target}
BIN=${1:-$TGT/release/panel}
APPS=${APPS:-1000}
EXPERTS=${EXPERTS:-15}
CRITERIA=${CRITERIA:-30}
PER_APP=${PER_APP:-15}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
WORK=${WORK:-$TGT/merge-bench}
D=$WORK/panel-$APPS-$PER_APP
if [ ! -f "$D/sheets/E$(printf %02d "$EXPERTS").sheet.json.done" ]; then
    rm -rf "$D"
    mkdir -p "$WORK"
    "$BIN" synth --apps "$APPS" --experts "$EXPERTS" --criteria "$CRITERIA" \
        --per-app "$PER_APP" --seed "$SEED" --out "$D" >/dev/null
    PANEL_SCALE_DIR=$D PANEL_SCALE_SPEC=$APPS,$EXPERTS,$CRITERIA,$PER_APP,$SEED \
        cargo test -q --release --test sheets write_scale_sheets -- --ignored >/dev/null
    touch "$D/sheets/E$(printf %02d "$EXPERTS").sheet.json.done"
fi
du -sh "$D/sheets" | sed 's/^/sheets: /'
for i in $(seq "$RUNS"); do
    rm -rf "$WORK/db"
    PANEL_KEY_DIR=$D/keys /usr/bin/time -v "$BIN" merge "$D" "$D"/sheets/*.sheet.json --db "$WORK/db" \
        >"$WORK/merge.out" 2>"$WORK/merge.time" || { cat "$WORK/merge.out" "$WORK/merge.time"; exit 1; }
    printf 'run %s: wall %s, peak RSS %s kB, user %s s, sys %s s\n' "$i" \
        "$(grep -F 'Elapsed (wall' "$WORK/merge.time" | awk '{print $NF}')" \
        "$(grep -F 'Maximum resident' "$WORK/merge.time" | awk '{print $NF}')" \
        "$(grep -F 'User time' "$WORK/merge.time" | awk '{print $NF}')" \
        "$(grep -F 'System time' "$WORK/merge.time" | awk '{print $NF}')"
done
tail -n 3 "$WORK/merge.out"
