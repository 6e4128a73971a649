#!/usr/bin/env bash
# `panel import` of a large paper-form CSV into a fresh chair database: wall time and peak
# RSS from /usr/bin/time -v, several runs, medians. The CSV is a `panel synth` panel's
# scores.csv (criterion rows of single-item criteria, the import format).
#
#   bench/import.sh                      # 5,000 applications × 3 experts × 30 criteria = 450,000 rows
#   RUNS=3 APPS=1000 bench/import.sh
#
# Environment: APPS (5000), EXPERTS (15), CRITERIA (30), PER_APP (3), RUNS (3), SEED (1),
# WORK (target/bench-import), BIN (target/release/panel, built when missing).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
APPS=${APPS:-5000}
EXPERTS=${EXPERTS:-15}
CRITERIA=${CRITERIA:-30}
PER_APP=${PER_APP:-3}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
WORK=${WORK:-$ROOT/target/bench-import}
BIN=${BIN:-$ROOT/target/release/panel}

say() { printf '%s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { say "needs GNU time (/usr/bin/time; apt-get install time)"; exit 2; }
[ -x "$BIN" ] || cargo build --release
mkdir -p "$WORK"
PANEL="$WORK/panel-$APPS-$EXPERTS-$CRITERIA-$PER_APP"
if [ ! -f "$PANEL/scores.csv" ]; then
    say "writing the synthetic panel $PANEL…"
    "$BIN" synth --apps "$APPS" --experts "$EXPERTS" --criteria "$CRITERIA" \
        --per-app "$PER_APP" --seed "$SEED" --text-bytes 256 --out "$PANEL" --force >/dev/null
fi
ROWS=$(($(wc -l < "$PANEL/scores.csv") - 1))
say "$ROWS rows, $(du -h "$PANEL/scores.csv" | cut -f1)"

walls=(); rss=()
for i in $(seq 1 "$RUNS"); do
    DB="$WORK/chair-$i"
    rm -rf "$DB"
    /usr/bin/time -v -o "$WORK/time-$i.txt" \
        "$BIN" import "$PANEL" "$PANEL/scores.csv" --db "$DB" > "$WORK/out-$i.txt" 2>&1
    w=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time-$i.txt")
    m=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time-$i.txt")
    secs=$(awk -v t="$w" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
    commits=$(wc -l < "$DB/journal.jsonl")
    say "run $i: ${secs} s, peak RSS $((m / 1024)) MB, $commits journal lines"
    walls+=("$secs"); rss+=("$m")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "import of $ROWS rows: median wall $(median "${walls[@]}") s, median peak RSS $(( $(median "${rss[@]}") / 1024 )) MB ($RUNS runs)"
