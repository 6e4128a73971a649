#!/usr/bin/env python3
"""The polars peer of `panel results --scores CSV --method trimmed --by total --resamples 0`.

The same computation as bench/pandas_rank.py (read its docstring for the steps: clamp,
validity per expert, capped category subtotals, trimmed mean in exact integer hundredths
with half-up rounding, quorum, threshold, competition ranks with tie-breaks, shortlist with
the tie-at-cut rule), written the polars way: one lazy query over `scan_csv`, expressions
only (no Python per row), collected once. The rubric's criteria are a small frame joined on
the criterion id; the category subtotals of each (application, expert) are filtered sums in
a single group-by; the trimmed mean uses sum - min - max for --trim 1, a sort and slice per
application for other k.

Same CLI and the same output CSV (rank,id,total,shortlisted) as the pandas script.
"""

import argparse
import json
import os
import sys

import polars as pl


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--rubric", help="rubric JSON (default: rubric.json beside the CSV)")
    ap.add_argument("--out", help="output CSV (default: stdout)")
    ap.add_argument("--quorum", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=60.0)
    ap.add_argument("--trim", type=int, default=1)
    args = ap.parse_args()

    rubric_path = args.rubric or os.path.join(os.path.dirname(os.path.abspath(args.csv)), "rubric.json")
    with open(rubric_path, encoding="utf-8") as f:
        rubric = json.load(f)
    cats = []  # (id, max in hundredths, bonus)
    crit = {"criterion": [], "cat": [], "max": [], "weight": []}
    for ci, cat in enumerate(rubric["categories"]):
        cats.append((cat["id"], int(round(float(cat["max"]) * 100)), bool(cat.get("bonus", False))))
        for k in cat["criteria"]:
            crit["criterion"].append(k["id"])
            crit["cat"].append(ci)
            crit["max"].append(float(k["max"]))
            crit["weight"].append(float(k.get("weight", 1)))
    total_max = int(round(float(rubric["total_max"]) * 100))
    quota = (rubric.get("funding") or {}).get("quota")
    tie_break = rubric.get("tie_break", [])
    cat_ids = [c[0] for c in cats]
    for t in tie_break:
        if t not in cat_ids:
            sys.exit(f"tie-break {t}: only category ids are supported by this script")
    n_crit = len(crit["criterion"])
    k = args.trim
    crit_df = pl.DataFrame(
        crit, schema={"criterion": pl.String, "cat": pl.Int32, "max": pl.Float64, "weight": pl.Float64}
    ).lazy()

    scores = pl.scan_csv(
        args.csv,
        schema={"application": pl.String, "expert": pl.String, "criterion": pl.String, "value": pl.Float64},
    )
    # an unknown criterion is an error, as in the pandas script (checked on the same scan)
    rows = scores.join(crit_df, on="criterion", how="left")

    # 1. clamp, weight, hundredths
    cents = (pl.col("value").clip(0.0, pl.col("max")) * pl.col("weight") * 100).round(0).cast(pl.Int64)

    # 2. per (application, expert): number of criteria scored and capped category subtotals
    per_pair = (
        rows.with_columns(cents.alias("c"))
        .group_by("application", "expert")
        .agg(
            pl.len().alias("n"),
            pl.col("max").null_count().alias("unknown"),
            *[pl.col("c").filter(pl.col("cat") == i).sum().alias(f"s{i}") for i in range(len(cats))],
        )
    )
    capped = [pl.min_horizontal(pl.col(f"s{i}"), pl.lit(cmax)) for i, (_, cmax, _) in enumerate(cats)]
    regular = [c for c, (_, _, bonus) in zip(capped, cats) if not bonus]
    bonuses = [c for c, (_, _, bonus) in zip(capped, cats) if bonus]
    total = pl.min_horizontal(pl.sum_horizontal(regular), pl.lit(total_max))
    if bonuses:
        total = total + pl.sum_horizontal(bonuses)
    per_expert = per_pair.select(
        "application",
        "n",
        "unknown",
        total.alias("total"),
        *[capped[cat_ids.index(t)].alias("tb_" + t) for t in tie_break],
    )

    # 3. trimmed mean per application in hundredths, half-up: (2 s + d) // (2 d)
    def trimmed(col):
        c = pl.col(col)
        n = pl.len()
        if k == 1:
            s = pl.when(n >= 3).then(c.sum() - c.min() - c.max()).otherwise(c.sum())
        else:
            s = pl.when(n >= 2 * k + 1).then(c.sort().slice(k, n - 2 * k).sum()).otherwise(c.sum())
        d = pl.when(n >= 2 * k + 1).then(n - 2 * k).otherwise(n).cast(pl.Int64)
        return ((2 * s + d) // (2 * d)).alias(col)

    keys = ["total"] + ["tb_" + t for t in tie_break]
    per_app = (
        per_expert.filter(pl.col("n") == n_crit)
        .group_by("application")
        .agg(pl.len().alias("experts"), *[trimmed(c) for c in keys])
        # 4. quorum and threshold
        .filter((pl.col("experts") >= args.quorum) & (pl.col("total") >= int(round(args.threshold * 100))))
        # 5. total desc, tie-breaks desc, id asc; competition ranks on the keys
        .sort(keys + ["application"], descending=[True] * len(keys) + [False])
        .with_row_index("pos", offset=1)
        .with_columns(
            pl.when(pl.any_horizontal([pl.col(c) != pl.col(c).shift(1) for c in keys]).fill_null(True))
            .then(pl.col("pos"))
            .otherwise(None)
            .forward_fill()
            .alias("rank")
        )
    )
    # 6. shortlist with the tie-at-cut rule
    if quota is None:
        shortlisted = pl.lit(True)
    else:
        shortlisted = (pl.col("rank") + pl.len().over("rank") - 1) <= quota
    total_s = pl.format("{}.{}", pl.col("total") // 100, (pl.col("total") % 100).cast(pl.String).str.zfill(2))
    out = per_app.select(
        "rank",
        pl.col("application").alias("id"),
        total_s.str.strip_chars_end("0").str.strip_chars_end(".").alias("total"),
        pl.when(shortlisted).then(pl.lit("true")).otherwise(pl.lit("false")).alias("shortlisted"),
    )
    # the unknown-criterion count and the row/application counts come out of the same query
    stats = per_expert.select(pl.col("n").sum().alias("rows"), pl.col("unknown").sum(), pl.col("application").n_unique())
    res, st = pl.collect_all([out, stats])
    if st["unknown"][0]:
        sys.exit(f"{args.csv}: {st['unknown'][0]} rows with criteria not in the rubric")
    res.write_csv(args.out if args.out else sys.stdout)
    print(
        f"polars: {st['rows'][0]} rows, {st['application'][0]} applications, {len(res)} ranked, "
        f"{(res['shortlisted'] == 'true').sum()} shortlisted",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
