#!/usr/bin/env bash
# panel vs pandas on one synthetic panel: CSV of raw scores → trimmed mean per application →
# rank → shortlist. Wall time and peak RSS from /usr/bin/time -v, several interleaved runs,
# medians and ratios; checks that both rank every application the same way.
#
#   bench/compare.sh                 # 10,000 applications × 15 experts × 30 criteria, 5 runs
#   RUNS=7 APPS=2000 bench/compare.sh
#
# Environment: APPS, EXPERTS, CRITERIA (default 10000, 15, 30), RUNS (5), SEED (1),
# WORK (target/bench-compare), VENV (target/bench-venv).
# Needs cargo and python3 (with venv); installs `time` with apt-get when /usr/bin/time is
# missing, and pandas into $VENV when it is absent there.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
APPS=${APPS:-10000}
EXPERTS=${EXPERTS:-15}
CRITERIA=${CRITERIA:-30}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
WORK=${WORK:-$ROOT/target/bench-compare}
VENV=${VENV:-$ROOT/target/bench-venv}

say() { printf '%s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    say "installing GNU time (apt-get)…"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pandas' 2>/dev/null; then
    say "creating $VENV with pandas…"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q pandas
fi
PY="$VENV/bin/python"

say "building panel (release)…"
cargo build --release --quiet
PANEL="$ROOT/target/release/panel"

# --- data ------------------------------------------------------------------------------------
mkdir -p "$WORK"
DIR="$WORK/panel-${APPS}x${EXPERTS}x${CRITERIA}-s${SEED}"
"$PANEL" synth --apps "$APPS" --experts "$EXPERTS" --criteria "$CRITERIA" \
    --per-app "$EXPERTS" --seed "$SEED" --no-bundles --force --out "$DIR" >&2
CSV="$DIR/scores.csv"
ROWS=$(($(wc -l <"$CSV") - 1))
SIZE=$(du -m "$CSV" | cut -f1)

PANEL_CMD=("$PANEL" results "$DIR" --scores "$CSV" --method trimmed --by total --trim 1
    --resamples 0 --format csv -o "$WORK/panel.csv")
PANEL_DEFAULT_CMD=("$PANEL" results "$DIR" --scores "$CSV" --method trimmed --by total
    --format csv -o "$WORK/panel-default.csv")
PANDAS_CMD=("$PY" "$ROOT/bench/pandas_rank.py" "$CSV" --rubric "$DIR/rubric.json"
    --out "$WORK/pandas.csv")

# --- runs ------------------------------------------------------------------------------------
# run NAME CMD… : one run under /usr/bin/time -v; appends "wall_s rss_kb" to $WORK/NAME.times
run() {
    local name=$1
    shift
    local tf="$WORK/$name.time"
    if ! /usr/bin/time -v -o "$tf" "$@" >/dev/null 2>"$WORK/$name.err"; then
        say "$name failed:"
        cat "$WORK/$name.err" >&2
        exit 1
    fi
    "$PY" - "$tf" >>"$WORK/$name.times" <<'EOF'
import re, sys
t = open(sys.argv[1]).read()
w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1)
secs = 0.0
for part in w.split(":"):
    secs = secs * 60 + float(part)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(secs, rss)
EOF
}

rm -f "$WORK"/*.times
say "warm-up (file cache, imports)…"
run warmup "${PANEL_CMD[@]}"
run warmup "${PANDAS_CMD[@]}"
for i in $(seq 1 "$RUNS"); do
    say "run $i/$RUNS"
    run panel "${PANEL_CMD[@]}"
    run pandas "${PANDAS_CMD[@]}"
    run panel_default "${PANEL_DEFAULT_CMD[@]}"
done

# --- agreement -------------------------------------------------------------------------------
"$PY" - "$WORK/panel.csv" "$WORK/pandas.csv" <<'EOF'
import csv, sys
p = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["status"] == "ranked"]
q = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
a = [(int(r["rank"]), r["id"], round(float(r["total"]), 2), r["shortlisted"]) for r in p]
b = [(int(r["rank"]), r["id"], round(float(r["total"]), 2), r["shortlisted"]) for r in q]
diff = [(x, y) for x, y in zip(a, b) if x != y]
if len(a) != len(b) or diff:
    print(f"DISAGREE: panel ranks {len(a)}, pandas {len(b)}; first differences: {diff[:5]}", file=sys.stderr)
    sys.exit(1)
short = sum(1 for x in a if x[3] == "true")
print(f"agreement: both rank the same {len(a)} applications in the same order with the same totals; "
      f"the same {short} are shortlisted", file=sys.stderr)
EOF

# --- report ----------------------------------------------------------------------------------
"$PY" - "$WORK" "$RUNS" "$APPS" "$EXPERTS" "$CRITERIA" "$ROWS" "$SIZE" <<'EOF'
import statistics, sys
work, runs, apps, experts, criteria, rows, size = sys.argv[1:8]
def load(name):
    v = [tuple(map(float, l.split())) for l in open(f"{work}/{name}.times")]
    return statistics.median(x[0] for x in v), statistics.median(x[1] for x in v) / 1024, v
pw, pm, pv = load("panel")
dw, dm, dv = load("pandas")
bw, bm, bv = load("panel_default")
print(f"{int(apps):,} applications × {experts} experts × {criteria} criteria: {int(rows):,} score rows, {size} MB CSV; {runs} runs each, interleaved")
print(f"| command | median wall | median peak RSS | runs (wall s) |")
print(f"|---|---|---|---|")
print(f"| panel results --resamples 0 | {pw:.3f} s | {pm:.0f} MB | {' '.join(f'{x[0]:.2f}' for x in pv)} |")
print(f"| pandas_rank.py | {dw:.3f} s | {dm:.0f} MB | {' '.join(f'{x[0]:.2f}' for x in dv)} |")
print(f"| panel results (default: + bootstrap p_shortlist, draws reduced on large panels) | {bw:.3f} s | {bm:.0f} MB | {' '.join(f'{x[0]:.2f}' for x in bv)} |")
print(f"speed-up (pandas wall / panel wall): {dw / pw:.2f}×; memory (pandas / panel): {dm / pm:.2f}×")
# The machine's speed drifts (a shared VM): also the ratio within each interleaved pair, and
# the most conservative one, pandas' fastest run against panel's median.
pairs = sorted(d[0] / p[0] for p, d in zip(pv, dv))
print(f"speed-up per interleaved pair: median {statistics.median(pairs):.2f}×, lowest {pairs[0]:.2f}×; "
      f"pandas' fastest run / panel's median: {min(x[0] for x in dv) / pw:.2f}×")
EOF
