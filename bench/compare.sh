#!/usr/bin/env bash
# panel vs pandas, polars and DuckDB on one synthetic panel: CSV of raw scores → trimmed mean
# per application → rank → shortlist. First checks that every peer ranks every application
# the same way as panel; then wall time and peak RSS from /usr/bin/time -v, several
# interleaved runs, medians and ratios.
#
#   bench/compare.sh                 # 10,000 applications × 15 experts × 30 criteria, 5 runs
#   RUNS=7 APPS=2000 bench/compare.sh
#   PEERS=pandas bench/compare.sh    # only the pandas peer
#
# Environment: APPS, EXPERTS, CRITERIA (default 10000, 15, 30), RUNS (5), SEED (1),
# WORK (target/bench-compare), VENV (target/bench-venv), PEERS ("pandas polars duckdb":
# which bench/<peer>_rank.py to run, each beside panel), PANEL (the panel binary to time;
# default: built here with `cargo build --release` and found in cargo's target directory,
# so CARGO_TARGET_DIR is honoured).
# Needs cargo and python3 (with venv); installs `time` with apt-get when /usr/bin/time is
# missing, and each peer's library (pip) into $VENV when it is absent there.
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
PEERS=${PEERS:-pandas polars duckdb}

say() { printf '%s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    say "installing GNU time (apt-get)…"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null
fi
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV…"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
fi
PY="$VENV/bin/python"
for peer in $PEERS; do
    [ -f "$ROOT/bench/${peer}_rank.py" ] || { say "no bench/${peer}_rank.py"; exit 1; }
    if ! "$PY" -c "import $peer" 2>/dev/null; then
        say "installing $peer into $VENV…"
        "$VENV/bin/pip" install -q "$peer"
    fi
done
# shellcheck disable=SC2086
"$PY" -c 'import importlib, sys; print("peers: " + ", ".join(m + " " + importlib.import_module(m).__version__ for m in sys.argv[1:]))' $PEERS >&2

if [ -z "${PANEL:-}" ]; then
    say "building panel (release)…"
    cargo build --release --quiet
    TARGET_DIR=$(cargo metadata --format-version 1 --no-deps |
        "$PY" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    PANEL="$TARGET_DIR/release/panel"
fi
say "panel: $PANEL"

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
# peer_cmd PEER: the command line of bench/PEER_rank.py, into the array CMD
peer_cmd() {
    CMD=("$PY" "$ROOT/bench/$1_rank.py" "$CSV" --rubric "$DIR/rubric.json" --out "$WORK/$1.csv")
}

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

# --- warm-up and agreement -------------------------------------------------------------------
# The warm-up runs (file cache, imports) write the outputs that are compared, before any timing.
rm -f "$WORK"/*.times "$WORK/panel.csv"
say "warm-up and agreement…"
run warmup "${PANEL_CMD[@]}"
for peer in $PEERS; do
    rm -f "$WORK/$peer.csv"
    peer_cmd "$peer"
    run warmup "${CMD[@]}"
    "$PY" - "$WORK/panel.csv" "$WORK/$peer.csv" "$peer" <<'EOF'
import csv, sys
peer = sys.argv[3]
p = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["status"] == "ranked"]
q = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
a = [(int(r["rank"]), r["id"], round(float(r["total"]), 2), r["shortlisted"]) for r in p]
b = [(int(r["rank"]), r["id"], round(float(r["total"]), 2), r["shortlisted"]) for r in q]
diff = [(x, y) for x, y in zip(a, b) if x != y]
if len(a) != len(b) or diff:
    print(f"DISAGREE: panel ranks {len(a)}, {peer} {len(b)}; first differences: {diff[:5]}", file=sys.stderr)
    sys.exit(1)
short = sum(1 for x in a if x[3] == "true")
print(f"agreement: panel and {peer} rank the same {len(a)} applications in the same order with the "
      f"same totals; the same {short} are shortlisted", file=sys.stderr)
EOF
done

# --- runs ------------------------------------------------------------------------------------
for i in $(seq 1 "$RUNS"); do
    say "run $i/$RUNS"
    run panel "${PANEL_CMD[@]}"
    for peer in $PEERS; do
        peer_cmd "$peer"
        run "$peer" "${CMD[@]}"
    done
    run panel_default "${PANEL_DEFAULT_CMD[@]}"
done

# --- report ----------------------------------------------------------------------------------
# shellcheck disable=SC2086
"$PY" - "$WORK" "$RUNS" "$APPS" "$EXPERTS" "$CRITERIA" "$ROWS" "$SIZE" $PEERS <<'EOF'
import importlib.metadata as md, statistics, sys
work, runs, apps, experts, criteria, rows, size = sys.argv[1:8]
peers = sys.argv[8:]
def load(name):
    v = [tuple(map(float, l.split())) for l in open(f"{work}/{name}.times")]
    return statistics.median(x[0] for x in v), statistics.median(x[1] for x in v) / 1024, v
def row(label, m):
    w, r, v = m
    print(f"| {label} | {w:.3f} s | {r:.0f} MB | {' '.join(f'{x[0]:.2f}' for x in v)} |")
panel = load("panel")
loaded = {p: load(p) for p in peers}
print(f"{int(apps):,} applications × {experts} experts × {criteria} criteria: {int(rows):,} score rows, "
      f"{size} MB CSV; {runs} runs each, interleaved (panel, {', '.join(peers)}, panel default)")
print("| command | median wall | median peak RSS | runs (wall s) |")
print("|---|---|---|---|")
row("panel results --resamples 0", panel)
for p in peers:
    try:
        version = md.version(p)
    except md.PackageNotFoundError:
        version = "?"
    row(f"{p}_rank.py ({p} {version})", loaded[p])
row("panel results (default: + bootstrap p_shortlist, draws reduced on large panels)", load("panel_default"))
# The machine's speed drifts (a shared VM): beside the ratio of medians, the ratio within each
# interleaved pair (median and lowest), and the most conservative one, the peer's fastest run
# against panel's median.
print()
print("| peer | speed-up (peer median / panel median) | per interleaved pair: median (lowest) | peer fastest / panel median | memory (peer / panel) |")
print("|---|---|---|---|---|")
pw, pm, pv = panel
for p in peers:
    dw, dm, dv = loaded[p]
    pairs = sorted(d[0] / x[0] for x, d in zip(pv, dv))
    print(f"| {p} | {dw / pw:.2f} × | {statistics.median(pairs):.2f} × ({pairs[0]:.2f} ×) | "
          f"{min(x[0] for x in dv) / pw:.2f} × | {dm / pm:.2f} × |")
EOF
