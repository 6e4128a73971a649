#!/usr/bin/env bash
# panel results vs an independent reference of the aggregation pipeline.
#
# bench/reference_rank.py re-implements the pipeline from the documents only (docs/results.md,
# docs/rubric-format.md, README.md, the product brief's pipeline), in Python with exact fractions;
# bench/reference_cases.py builds small panels (panel synth with several shapes and seeds,
# hand-built rubric variants: weights != 1, capped and bonus categories, tie-break orders,
# eligibility gates, a fixed-award track, quota / budget / cap / requested amounts; sheets
# with conflicts, drafts and a later revision merged into a chair database; odd score CSVs),
# runs `panel results` on each with many settings (--method, --by, --trim, --round,
# --rounding, --quorum, --threshold, --quota, --budget, --cap) in JSON (and CSV for some),
# and compares every application's rank, status, total, experts, shortlisted, funding,
# flags, dropped values, criterion and category values, and the provisional mark; and the
# calibration: calibrated_total, calibrated_shortlisted, calibration_changes, and the
# `normalized` method as the official one (random settings, the chair-database panels with
# conflicts, and hand-built edge cases: an expert with one application, a constant expert,
# disjoint expert groups, incomplete applications, identical experts at a quota tie, values
# clamped at 0 and the max). Calibrated values are exact after --round (within 1e-6 with
# --rounding none); a run that differs only where an exact calibrated value lies within
# 1e-10 of a rounding boundary is printed as tolerated (docs/results.md, pipeline 9.).
# Inputs panel must refuse (values above the max, more decimals than the step, ...) are
# checked to be refused (exit 1).
#
#   bench/reference_check.sh            # about 3 minutes on 2 busy cores
#   QUICK=1 bench/reference_check.sh    # a smaller set, under a minute
#
# Environment: PANEL (the binary; default: built here with `cargo build --release` and found
# in cargo's target directory, so CARGO_TARGET_DIR is honoured), WORK (default
# target/reference-check; replaced on each run), QUICK.
# Exit 0 when every run agrees, 1 on any disagreement (each printed with the command that
# reproduces it). Needs python3 (standard library only). Not part of `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
panel_binary
WORK=${WORK:-$ROOT/target/reference-check}
fresh_work "$WORK"
ARGS=()
if [ -n "${QUICK:-}" ]; then
    ARGS+=(--quick)
fi
python3 bench/reference_cases.py "$PANEL" "$WORK" "${ARGS[@]}"
