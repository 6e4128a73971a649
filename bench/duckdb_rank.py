#!/usr/bin/env python3
"""The DuckDB peer of `panel results --scores CSV --method trimmed --by total --resamples 0`.

The same computation as bench/pandas_rank.py (read its docstring for the steps: clamp,
validity per expert, capped category subtotals, trimmed mean in exact integer hundredths
with half-up rounding, quorum, threshold, competition ranks with tie-breaks, shortlist with
the tie-at-cut rule), written the DuckDB way: one SQL query over `read_csv` of the file
(explicit column types, no sniffing), the rubric's criteria as a small VALUES table joined
on the criterion id, all arithmetic in BIGINT hundredths. Category subtotals are
`sum(...) FILTER (WHERE cat = i)` in one GROUP BY (application, expert); the trimmed mean
is sum - min - max for --trim 1, a row_number() window for other k; ranks are
`rank() OVER (...)` (competition ranks), the tie-at-cut rule a count over each rank.

Same CLI and the same output CSV (rank,id,total,shortlisted) as the pandas script.
"""

import argparse
import csv
import json
import os
import sys

import duckdb


def sql_str(s):
    return "'" + str(s).replace("'", "''") + "'"


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
    crit_rows = []
    for ci, cat in enumerate(rubric["categories"]):
        cats.append((cat["id"], int(round(float(cat["max"]) * 100)), bool(cat.get("bonus", False))))
        for k in cat["criteria"]:
            crit_rows.append(
                f"({sql_str(k['id'])}, {ci}, {float(k['max'])!r}::DOUBLE, {float(k.get('weight', 1))!r}::DOUBLE)"
            )
    total_max = int(round(float(rubric["total_max"]) * 100))
    quota = (rubric.get("funding") or {}).get("quota")
    tie_break = rubric.get("tie_break", [])
    cat_ids = [c[0] for c in cats]
    for t in tie_break:
        if t not in cat_ids:
            sys.exit(f"tie-break {t}: only category ids are supported by this script")
    n_crit = len(crit_rows)
    k = args.trim
    keys = ["total"] + ["tb_" + t for t in tie_break]

    capped = [f"least(coalesce(s{i}, 0), {cmax})" for i, (_, cmax, _) in enumerate(cats)]
    regular = " + ".join(c for c, (_, _, b) in zip(capped, cats) if not b) or "0"
    bonus = " + ".join(c for c, (_, _, b) in zip(capped, cats) if b) or "0"
    tb_cols = "".join(f", {capped[cat_ids.index(t)]} AS tb_{t}" for t in tie_break)

    # 3. trimmed mean in hundredths, half-up: (2 s + d) // (2 d)
    if k == 1:
        trimmed_from = "per_expert"
        agg = ", ".join(
            f"CAST((2 * (CASE WHEN count(*) >= 3 THEN sum({c}) - min({c}) - max({c}) ELSE sum({c}) END)"
            f" + (CASE WHEN count(*) >= 3 THEN count(*) - 2 ELSE count(*) END))"
            f" // (2 * (CASE WHEN count(*) >= 3 THEN count(*) - 2 ELSE count(*) END)) AS BIGINT) AS {c}"
            for c in keys
        )
    else:
        # one ordinal per key column: r_c (1-based, ascending), n = experts of the application
        trimmed_from = "(SELECT *, count(*) OVER (PARTITION BY application) AS n_app" + "".join(
            f", row_number() OVER (PARTITION BY application ORDER BY {c}) AS r_{c}" for c in keys
        ) + " FROM per_expert)"
        keep = lambda c: f"(n_app < {2 * k + 1} OR (r_{c} > {k} AND r_{c} <= n_app - {k}))"
        d = f"(CASE WHEN count(*) >= {2 * k + 1} THEN count(*) - {2 * k} ELSE count(*) END)"
        agg = ", ".join(
            f"CAST((2 * sum({c}) FILTER (WHERE {keep(c)}) + {d}) // (2 * {d}) AS BIGINT) AS {c}" for c in keys
        )

    order = ", ".join(f"{c} DESC" for c in keys)
    if quota is None:
        shortlisted = "true"
    else:
        shortlisted = f"(rnk + count(*) OVER (PARTITION BY rnk) - 1) <= {int(quota)}"

    # 1. clamp, weight, hundredths; 2. per (application, expert): criteria scored, category
    # subtotals. Kept as a temporary table: the summary line and the unknown-criterion check
    # read it beside the ranking.
    pairs = f"""
    WITH crit(criterion, cat, cmax, weight) AS (VALUES {", ".join(crit_rows)})
    SELECT application, expert, count(*) AS n, count(*) - count(cat) AS unknown,
        {", ".join(f"sum(c) FILTER (WHERE cat = {i}) AS s{i}" for i in range(len(cats)))}
    FROM (
        SELECT s.application, s.expert, k.cat,
            CAST(round(least(greatest(s.value, 0), k.cmax) * k.weight * 100) AS BIGINT) AS c
        FROM read_csv({sql_str(args.csv)}, header = true, auto_detect = false,
            columns = {{'application': 'VARCHAR', 'expert': 'VARCHAR', 'criterion': 'VARCHAR', 'value': 'DOUBLE'}}) s
        LEFT JOIN crit k USING (criterion)
    )
    GROUP BY application, expert
    """
    ranking = f"""
    WITH per_expert AS (
        SELECT application, least({regular}, {total_max}) + {bonus} AS total{tb_cols}
        FROM pairs WHERE n = {n_crit}
    ),
    per_app AS (
        SELECT application, count(*) AS experts, {agg}
        FROM {trimmed_from}
        GROUP BY application
    ),
    -- 4. quorum and threshold; 5. competition ranks
    ranked AS (
        SELECT application, rank() OVER (ORDER BY {order}) AS rnk, {", ".join(keys)}
        FROM per_app
        WHERE experts >= {args.quorum} AND total >= {int(round(args.threshold * 100))}
    )
    -- 6. shortlist with the tie-at-cut rule
    SELECT rnk, application,
        rtrim(rtrim(printf('%d.%02d', total // 100, total % 100), '0'), '.') AS total_text,
        CASE WHEN {shortlisted} THEN 'true' ELSE 'false' END AS shortlisted
    FROM ranked
    ORDER BY rnk, application
    """
    con = duckdb.connect()
    con.execute(f"CREATE TEMP TABLE pairs AS {pairs}")
    stats = con.execute("SELECT sum(n), sum(unknown), count(DISTINCT application) FROM pairs").fetchone()
    if stats[1]:
        sys.exit(f"{args.csv}: {stats[1]} rows with criteria not in the rubric")
    rows = con.execute(ranking).fetchall()

    f = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["rank", "id", "total", "shortlisted"])
    w.writerows(rows)
    if args.out:
        f.close()
    print(
        f"duckdb: {stats[0]} rows, {stats[2]} applications, {len(rows)} ranked, "
        f"{sum(1 for r in rows if r[3] == 'true')} shortlisted",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
