#!/usr/bin/env bash
# Same outputs from two builds of panel: runs OLD and NEW over the shipped fixtures and a
# synthetic panel, every output format, and compares them byte for byte. For refactoring:
# a step that changes nothing the user sees must print "same" for every case.
#
#   bench/same_output.sh OLD_PANEL_BINARY NEW_PANEL_BINARY
#   APPS=2000 bench/same_output.sh old/panel target/release/panel
#
# Environment: APPS (applications of the synthetic panel, default 10000), WORK (scratch
# folder, default target/same-output). Exit 0 when every case is the same, 1 otherwise.
#
# What is compared:
# - the demo panel (seed 000): its sheets merged once, then on identical copies of that chair
#   database: results in every format (json, csv, md, summary-md, docx, xlsx, sheet-md and
#   sheet-docx for each expert), status, audit verify;
# - the demo panel merged and imported afresh by each build: results json (the journal's
#   times and the hashes that cover them are masked);
# - the track fixtures (special-fund-2022-*): their bundle checks and awards;
# - a synthetic panel (APPS × 15 experts × 30 criteria): results --scores with each method,
#   in json, csv, md and xlsx; import into a chair database then results json (times masked).
# XLSX and DOCX files are zip archives: they are compared by their unpacked parts, with the
# creation/modification times inside docProps masked (they name the minute of writing).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 OLD_PANEL_BINARY NEW_PANEL_BINARY" >&2
    exit 2
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OLD=$(realpath "$1")
NEW=$(realpath "$2")
APPS=${APPS:-10000}
WORK=${WORK:-$ROOT/target/same-output}
for b in "$OLD" "$NEW"; do
    [ -x "$b" ] || { echo "$b: not an executable panel binary" >&2; exit 2; }
done
rm -rf "$WORK"
mkdir -p "$WORK/old/bin" "$WORK/new/bin" "$WORK/shared"
# both under the same name, so usage lines match
cp "$OLD" "$WORK/old/bin/panel"
cp "$NEW" "$WORK/new/bin/panel"
export PANEL_KEY_DIR="$ROOT/fixtures/park-ip-trusteeship-2024/keys"
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/xdg" NO_COLOR=1 LANG=C.UTF-8
mkdir -p "$HOME"

FAIL=0
CASES=0
say() { printf '%s\n' "$*" >&2; }

# run TAG NAME CMD…: run the build TAG (old|new) with CMD, stdout, stderr and exit code kept
# as $WORK/TAG/NAME.{out,err,rc}
run() {
    local tag=$1 name=$2
    shift 2
    set +e
    "$WORK/$tag/bin/panel" "$@" >"$WORK/$tag/$name.out" 2>"$WORK/$tag/$name.err"
    echo $? >"$WORK/$tag/$name.rc"
    set -e
    # the build's own folder named in a message is not a difference
    sed -i "s#$WORK/$tag/#<out>/#g" "$WORK/$tag/$name.out" "$WORK/$tag/$name.err"
}

# both NAME CMD…: the same command with each build. Paths containing @TAG@ get old or new.
both() {
    local name=$1
    shift
    local tag
    for tag in old new; do
        local args=()
        local a
        for a in "$@"; do args+=("${a//@TAG@/$tag}"); done
        run "$tag" "$name" "${args[@]}"
    done
}

# unpack a zip's parts into a folder, docProps times masked
unpack() {
    python3 - "$1" "$2" <<'EOF'
import re, sys, zipfile, pathlib
src, dst = sys.argv[1:3]
out = pathlib.Path(dst)
with zipfile.ZipFile(src) as z:
    for n in sorted(z.namelist()):
        if n.endswith("/"):
            continue
        data = z.read(n)
        if n.startswith("docProps/"):
            data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"<time>", data)
        p = out / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
EOF
}

# journal times and the hashes/signatures that cover them, masked
mask() {
    sed -E -e 's/"(at|time|ts|merged_at|imported_at|created|generated_at)": ?"[^"]*"/"\1":"<time>"/g' \
        -e 's/"(head|hash|prev|sig|signature|journal_head|anchor|db_head)": ?"[^"]*"/"\1":"<masked>"/g' \
        -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?/<time>/g' \
        -e 's/\b[0-9a-f]{64}\b/<sha>/g' "$1"
}

# same NAME [masked]: compare old/NAME.* with new/NAME.* (out, err, rc, and files NAME.*)
same() {
    local name=$1 how=${2:-exact}
    CASES=$((CASES + 1))
    local f ok=1
    for f in "$WORK/old/$name".*; do
        local g="$WORK/new/${f#"$WORK/old/"}"
        if [ ! -e "$g" ]; then
            say "DIFF $name: ${f##*/} only from the old build"
            ok=0
            continue
        fi
        case "$f" in
        *.xlsx | *.docx)
            rm -rf "$f.d" "$g.d"
            unpack "$f" "$f.d"
            unpack "$g" "$g.d"
            if ! diff -r "$f.d" "$g.d" >"$WORK/diff.txt"; then
                say "DIFF $name: ${f##*/} (unpacked parts differ; $WORK/diff.txt)"
                ok=0
            fi
            ;;
        *)
            if [ "$how" = masked ]; then
                if ! diff <(mask "$f") <(mask "$g") >"$WORK/diff.txt"; then
                    say "DIFF $name: ${f##*/} (times masked)"
                    head -20 "$WORK/diff.txt" >&2
                    ok=0
                fi
            elif ! cmp -s "$f" "$g"; then
                say "DIFF $name: ${f##*/}"
                diff "$f" "$g" | head -20 >&2 || true
                ok=0
            fi
            ;;
        esac
    done
    for f in "$WORK/new/$name".*; do
        [ -e "$WORK/old/${f#"$WORK/new/"}" ] || { say "DIFF $name: ${f##*/} only from the new build"; ok=0; }
    done
    if [ $ok = 1 ]; then say "same  $name"; else FAIL=1; fi
}

# --- the demo panel, one chair database -------------------------------------------------------
DEMO="$ROOT/fixtures/park-ip-trusteeship-2024"
P="$WORK/shared/demo"
cp -r "$DEMO" "$P"
rm -rf "$P/keys"
"$OLD" merge "$P" "$P"/sheets/*.sheet.json --db "$WORK/shared/demo-db" >/dev/null 2>&1 || {
    say "the old build could not merge the demo sheets"
    exit 1
}
for tag in old new; do cp -r "$WORK/shared/demo-db" "$WORK/$tag/demo-db"; done
for fmt in json csv md summary-md; do
    both "demo-results-$fmt" results "$P" --db "$WORK/@TAG@/demo-db" --format "$fmt"
    same "demo-results-$fmt"
done
for fmt in csv; do
    for lang in zh en; do
        both "demo-results-$fmt-$lang" results "$P" --db "$WORK/@TAG@/demo-db" --format "$fmt" --lang "$lang"
        same "demo-results-$fmt-$lang"
    done
done
for m in mean median trimmed normalized; do
    both "demo-results-$m" results "$P" --db "$WORK/@TAG@/demo-db" --method "$m" --format json
    same "demo-results-$m"
done
both "demo-results-threshold" results "$P" --db "$WORK/@TAG@/demo-db" --threshold 80 --quota 2 --format json
same "demo-results-threshold"
both "demo-docx" results "$P" --db "$WORK/@TAG@/demo-db" --format docx -o "$WORK/@TAG@/demo-docx.docx"
same "demo-docx"
both "demo-xlsx" results "$P" --db "$WORK/@TAG@/demo-db" --format xlsx -o "$WORK/@TAG@/demo-xlsx.xlsx"
same "demo-xlsx"
for e in E01 E02 E03 E04 E05; do
    both "demo-sheet-md-$e" results "$P" --db "$WORK/@TAG@/demo-db" --format sheet-md --expert "$e"
    same "demo-sheet-md-$e"
    both "demo-sheet-docx-$e" results "$P" --db "$WORK/@TAG@/demo-db" --format sheet-docx --expert "$e" \
        -o "$WORK/@TAG@/demo-sheet-docx-$e.docx"
    same "demo-sheet-docx-$e"
done
both "demo-status" status "$P" --db "$WORK/@TAG@/demo-db" --expert E02
same "demo-status"
both "demo-audit" audit verify "$WORK/@TAG@/demo-db" --panel "$P"
same "demo-audit" masked
both "demo-bundle-check" bundle check "$P/bundles"
same "demo-bundle-check"

# --- the demo panel, merged afresh by each build ----------------------------------------------
both "demo-merge" merge "$P" "$P"/sheets/*.sheet.json --db "$WORK/@TAG@/demo-merged"
same "demo-merge" masked
both "demo-merged-results" results "$P" --db "$WORK/@TAG@/demo-merged" --format json
same "demo-merged-results" masked

# --- track fixtures ---------------------------------------------------------------------------
for d in "$ROOT"/fixtures/special-fund-2022-*; do
    n=${d##*/}
    both "$n-check" bundle check "$d/bundles"
    same "$n-check"
    if grep -q '"track"' "$d/panel.json"; then
        both "$n-awards" awards "$d" --format json
        same "$n-awards"
    fi
done

# --- a synthetic panel ------------------------------------------------------------------------
S="$WORK/shared/synth"
"$OLD" synth --apps "$APPS" --experts 15 --criteria 30 --per-app 15 --seed 1 --no-bundles \
    --force --out "$S" >/dev/null 2>&1
for m in mean median trimmed normalized; do
    both "synth-$m-json" results "$S" --scores "$S/scores.csv" --method "$m" --format json
    same "synth-$m-json"
done
both "synth-csv" results "$S" --scores "$S/scores.csv" --format csv
same "synth-csv"
both "synth-md" results "$S" --scores "$S/scores.csv" --method trimmed --by total --trim 1 --format md
same "synth-md"
both "synth-xlsx" results "$S" --scores "$S/scores.csv" --resamples 0 --format xlsx -o "$WORK/@TAG@/synth-xlsx.xlsx"
same "synth-xlsx"
SMALL="$WORK/shared/small"
# (with its bundles: `panel import` takes only the panel's applications)
"$OLD" synth --apps 300 --experts 15 --criteria 30 --per-app 5 --seed 2 \
    --force --out "$SMALL" >/dev/null 2>&1
both "small-import" import "$SMALL" "$SMALL/scores.csv" --db "$WORK/@TAG@/small-db"
same "small-import" masked
both "small-import-results" results "$SMALL" --db "$WORK/@TAG@/small-db" --format json
same "small-import-results" masked
both "small-scores-results" results "$SMALL" --scores "$SMALL/scores.csv" --format json
same "small-scores-results"

if [ $FAIL = 0 ]; then
    say "all $CASES cases the same"
else
    say "some of $CASES cases differ (outputs under $WORK)"
fi
exit $FAIL
