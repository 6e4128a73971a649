#!/usr/bin/env python3
"""The pandas peer of `panel results --scores CSV --method trimmed --by total --resamples 0`.

Reads a raw-score CSV (application,expert,criterion,value) and the panel's rubric, and does
the same computation as panel's pipeline for these settings:

  1. each value clamped to [0, criterion max]; an expert counts for an application only if
     they scored every criterion (else that expert is left out for that application);
  2. per (application, expert): category subtotals (weight x value) capped at the category
     max, total = min(sum of the regular categories, total_max) + bonus categories;
  3. per application: trimmed mean of the experts' totals (drop the highest and the lowest
     when at least 3 remain, else the plain mean), rounded half-up to 2 decimals - in exact
     integer arithmetic (values in hundredths), as panel does;
  4. quorum (3 valid experts, else "incomplete"), threshold (60, else "below_threshold");
  5. rank by total descending, then each tie-break subtotal descending (the same trimmed
     mean of the experts' capped category subtotals), competition ranks for equal keys,
     then id ascending for the order;
  6. shortlist: the top `quota` ranked applications; a shared rank straddling the cut is
     left out entirely (no silent pick).

Writes the ranked applications as CSV (rank,id,total,shortlisted) to --out (or stdout),
and prints a summary line on stderr. Ids are read as categoricals (the fast pandas idiom).
"""

import argparse
import json
import os
import sys

import numpy as np
import pandas as pd


def dec(x):
    return float(x)


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
    crit_rows = []
    cats = []
    for cat in rubric["categories"]:
        cats.append((cat["id"], int(round(dec(cat["max"]) * 100)), bool(cat.get("bonus", False))))
        for k in cat["criteria"]:
            crit_rows.append((k["id"], cat["id"], dec(k["max"]), dec(k.get("weight", 1))))
    total_max = int(round(dec(rubric["total_max"]) * 100))
    quota = (rubric.get("funding") or {}).get("quota")
    tie_break = rubric.get("tie_break", [])
    n_crit = len(crit_rows)

    df = pd.read_csv(
        args.csv,
        dtype={"application": "category", "expert": "category", "criterion": "category", "value": "float64"},
        usecols=["application", "expert", "criterion", "value"],
        encoding="utf-8-sig",
    )

    crit = pd.DataFrame(crit_rows, columns=["criterion", "category", "max", "weight"]).set_index("criterion")
    cidx = crit.index.get_indexer(df["criterion"].cat.categories)
    if (cidx < 0).any():
        bad = list(df["criterion"].cat.categories[cidx < 0])
        sys.exit(f"{args.csv}: unknown criteria {bad[:5]}")
    codes = df["criterion"].cat.codes.to_numpy()
    row_crit = cidx[codes]
    maxima = crit["max"].to_numpy()[row_crit]
    weights = crit["weight"].to_numpy()[row_crit]
    cat_ids = [c[0] for c in cats]
    cat_of = pd.Index(cat_ids).get_indexer(crit["category"].to_numpy())[row_crit]

    # 1. values in hundredths, clamped; weight applied (weights are exact small decimals)
    v = np.clip(df["value"].to_numpy(), 0.0, maxima)
    cents = np.rint(v * weights * 100).astype(np.int64)

    # pairs (application, expert) as one integer key
    a = df["application"].cat.codes.to_numpy().astype(np.int64)
    e = df["expert"].cat.codes.to_numpy().astype(np.int64)
    n_exp = len(df["expert"].cat.categories)
    pair = a * n_exp + e

    # 2. per pair: count of criteria (validity) and capped category subtotals
    ncat = len(cats)
    key = pair * ncat + cat_of
    sub = pd.Series(cents).groupby(key).sum()
    cnt = pd.Series(np.ones_like(pair)).groupby(pair).sum()
    valid_pairs = cnt.index[cnt.to_numpy() == n_crit]

    sub_pair = sub.index.to_numpy() // ncat
    sub_cat = sub.index.to_numpy() % ncat
    cat_max = np.array([c[1] for c in cats])
    capped = np.minimum(sub.to_numpy(), cat_max[sub_cat])
    subs = pd.DataFrame({"pair": sub_pair, "cat": sub_cat, "v": capped})
    wide = subs.pivot(index="pair", columns="cat", values="v").fillna(0).astype(np.int64)
    wide = wide.loc[wide.index.isin(valid_pairs)]
    bonus = np.array([c[2] for c in cats])
    cols = list(wide.columns)
    main_sum = wide[[c for c in cols if not bonus[c]]].sum(axis=1)
    bonus_sum = wide[[c for c in cols if bonus[c]]].sum(axis=1) if bonus.any() else 0
    totals = np.minimum(main_sum, total_max) + bonus_sum

    per = pd.DataFrame({"app": wide.index.to_numpy() // n_exp, "total": totals.to_numpy()})
    for t in tie_break:
        if t in cat_ids:
            per["tb_" + t] = wide[cat_ids.index(t)].to_numpy()
        else:
            sys.exit(f"tie-break {t}: only category ids are supported by this script")

    # 3. trimmed mean per application, exact half-up rounding in hundredths
    k = args.trim

    def trimmed(col):
        g = per.groupby("app")[col]
        s, n = g.sum(), g.count()
        if k == 1:
            lo, hi = g.min(), g.max()
            trims = n >= 3
            s2 = np.where(trims, s - lo - hi, s)
        else:
            srt = per.sort_values([ "app", col])
            r = srt.groupby("app").cumcount()
            nn = srt.groupby("app")[col].transform("count")
            keep = ~((nn >= 2 * k + 1) & ((r < k) | (r >= nn - k)))
            s2 = srt[keep].groupby("app")[col].sum().reindex(s.index).to_numpy()
            trims = n >= 2 * k + 1
        d = np.where(trims, n - 2 * k, n)
        # round half-up: (2 s + d) // (2 d), values are non-negative
        return (2 * s2 + d) // (2 * d), n

    total, n = trimmed("total")
    res = pd.DataFrame({"total": total, "experts": n.to_numpy()}, index=n.index)
    for t in tie_break:
        res["tb_" + t], _ = trimmed("tb_" + t)

    # 4. quorum and threshold
    res = res[res["experts"] >= args.quorum]
    res = res[res["total"] >= int(round(args.threshold * 100))]

    # 5. rank: total desc, tie-breaks desc, id asc; competition ranks on (total, tie-breaks)
    res["id"] = df["application"].cat.categories[res.index.to_numpy()]
    keys = ["total"] + ["tb_" + t for t in tie_break]
    res = res.sort_values(keys + ["id"], ascending=[False] * len(keys) + [True], kind="mergesort")
    first = ~res[keys].eq(res[keys].shift()).all(axis=1)
    pos = np.arange(1, len(res) + 1)
    res["rank"] = pd.Series(np.where(first, pos, 0), index=res.index).replace(0, np.nan).ffill().astype(int)

    # 6. shortlist with the tie-at-cut rule
    if quota is None:
        res["shortlisted"] = True
    else:
        size = res.groupby("rank")["rank"].transform("count")
        res["shortlisted"] = (res["rank"] + size - 1) <= quota

    out = pd.DataFrame(
        {
            "rank": res["rank"],
            "id": res["id"],
            "total": (res["total"] / 100).map(lambda x: f"{x:.2f}".rstrip("0").rstrip(".")),
            "shortlisted": res["shortlisted"].map({True: "true", False: "false"}),
        }
    )
    out.to_csv(args.out if args.out else sys.stdout, index=False)
    print(
        f"pandas: {len(df)} rows, {len(n)} applications, {len(res)} ranked, "
        f"{int(res['shortlisted'].sum())} shortlisted",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
