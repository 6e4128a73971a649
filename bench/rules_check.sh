#!/usr/bin/env bash
# `panel rubric eval` vs an independent reference of the rule items of the two official
# rubrics (park-ip-trusteeship-2024 from seed 000 附件3, ip-demo-park from seed 004 附件4).
#
# bench/rules_reference.py encodes every rule-computed item from the seed texts (each
# function quotes its seed sentence), in Python with exact fractions, and generates facts:
# every band boundary (at, just below, just above; 0.5 and 0.01 steps), ratios and
# per-10,000 densities exactly on their thresholds, growth windows (up / equal / down over
# four years around the 10万 floor), every combination of the all-of clauses (met, just
# missed, missing), the 证券化 override with and without the other points, per-unit caps,
# missing and null facts, values panel must refuse (negative counts, unknown enum values),
# and random facts. It compares every rule item, every criterion value and its missing facts,
# and the rule total.
#
#   bench/rules_check.sh            # about 8,000 cases, 1–2 minutes on 2 busy cores
#   QUICK=1 bench/rules_check.sh    # about 1,700 cases, seconds
#
# Environment: PANEL (the binary; default: built here with `cargo build --release`), WORK
# (default target/rules-check; replaced on each run), QUICK, SEED, JOBS (parallel runs, 2).
# Exit 0 when every case agrees, 1 on any disagreement (the first 40 printed with the command
# that reproduces them). Needs python3 (standard library only). Not part of `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
. bench/lib.sh
panel_binary
WORK=${WORK:-$ROOT/target/rules-check}
fresh_work "$WORK"
ARGS=()
if [ -n "${QUICK:-}" ]; then
    ARGS+=(--quick)
fi
if [ -n "${SEED:-}" ]; then
    ARGS+=(--seed "$SEED")
fi
exec python3 bench/rules_reference.py check "$PANEL" "$WORK" "${ARGS[@]}"
