#!/usr/bin/env python3
"""Cases for bench/reference_check.sh: build small panels, run `panel results` on them with
many settings, and compare every application's rank, status, total, shortlisted, funding
(and flags, dropped values, criterion and category values, the provisional mark), its
calibrated_total and calibrated_shortlisted and the run's calibration_changes with
bench/reference_rank.py. Standard library only.

Usage: reference_cases.py PANEL_BINARY WORK_DIR [--quick]
Exit 1 on any disagreement (each is printed with the command to reproduce it).
"""

import copy
import csv
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from fractions import Fraction as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_rank as ref  # noqa: E402

PANEL = sys.argv[1]
WORK = sys.argv[2]
QUICK = "--quick" in sys.argv
STATS = {"panels": 0, "runs": 0, "agreed": 0, "refusals": 0, "apps": 0, "tolerated": 0}
COVER = {}


def cover(refres):
    """Count what the compared results exercised (printed at the end)."""
    def bump(k):
        COVER[k] = COVER.get(k, 0) + 1
    ranks = {}
    for r in refres["applications"].values():
        for f in r["flags"]:
            bump(f.split(":")[0])
        bump("status " + r["status"])
        if r["total"] is None:
            bump("no valid expert")
        if r["dropped"]:
            bump("values dropped")
        if r["rank"] is not None:
            ranks[r["rank"]] = ranks.get(r["rank"], 0) + 1
        if r["shortlisted"]:
            bump("shortlisted")
    bump("shared ranks" if any(n > 1 for n in ranks.values()) else "no shared rank")
    if refres["provisional"]:
        bump("provisional")
    if refres["calibration_changes"]:
        bump("calibration changes")
    if refres["settings"]["method"] == "normalized":
        bump("normalized official")
    for k, _ in refres["provisional_reasons"]:
        bump("provisional " + k)
FAILS = []
CASE_LOG = []


def run_panel(args):
    p = subprocess.run([PANEL] + args, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def num(x):
    """panel's JSON number (parsed exactly) or CSV cell to Fraction."""
    if x is None or x == "":
        return None
    return F(str(x))


def close(a, b, exact):
    if a is None or b is None:
        return a is None and b is None
    if exact:
        return a == b
    # rounding `none`: panel keeps 28 significant digits and writes JSON numbers as f64
    return abs(a - b) <= F(1, 10**9) * max(1, abs(b))


def close_cal(a, b, settings):
    """A calibrated value (calibrated_total; total, criterion and category values when
    `normalized` is the official method). Its standard deviations are square roots, which no
    decimal holds: the reference keeps 60 digits and rounds a calibrated value to 20 places
    before --round, panel works with 12-place intermediates and rounds to 10 places (both
    documented). So: exact after --round (half-up, truncate), where the two can differ only
    for an exact value within 5e-11 of a rounding boundary (such runs are reported as
    tolerated when the exact value is within 1e-10 of one; see `tolerable`); within 10^-6 with
    --rounding none (10-place values of up to 30 criteria, weighted and summed)."""
    if a is None or b is None:
        return a is None and b is None
    if settings.get("rounding") != "none":
        return a == b
    return abs(a - b) <= F(1, 10**6)


def tolerable(problems, refres, settings):
    """A run whose every calibrated value that differs is an application whose exact value is
    near a rounding boundary, off by at most one unit of --round per criterion (by criterion:
    each criterion value rounded, weighted, rounded); other differences of that run (a
    calibrated shortlist, or with `normalized` official the ranks and shortlist) follow."""
    unit = F(1, 10**int(settings.get("round", refres["settings"]["digits"])))
    rub_crit = refres["ncrit"]
    seen = False
    for p in problems:
        if ": " not in p or p.startswith(("provisional", "calibration_changes")):
            continue
        aid, what = p.split(": ", 1)
        r = refres["applications"].get(aid[4:] if aid.startswith("csv ") else aid)
        if r is None:
            return False
        for part in what.split("; "):
            official = settings.get("method") == "normalized"
            if part.startswith("calibrated_total ") or (
                    official and part.startswith(("total ", "criterion ", "category "))):
                if not r["calibrated_near_boundary"] or "None" in part:
                    return False
                a, b = part.split(" ")[-3], part.split(" ")[-1]
                if abs(num(a) - num(b)) > 2 * rub_crit * unit:
                    return False
                seen = True
    return seen


def close_for(settings):
    """The comparison of official values: calibrated ones when `normalized` is official."""
    if settings.get("method") == "normalized":
        return lambda a, b, exact: close_cal(a, b, settings) if not exact else a == b
    return close


KEEP_FLAGS = ("tie_at_cut", "budget_exhausted", "disagreement:", "outlier:")


def compare_json(out, refres, settings, label, cmd):
    exact = settings.get("rounding") != "none"
    cl = close_for(settings)
    problems = []
    apps = {a["id"]: a for a in out["applications"]}
    rapps = refres["applications"]
    if set(apps) != set(rapps):
        problems.append("application sets differ: panel %s ref %s" % (sorted(apps), sorted(rapps)))
    for aid in sorted(set(apps) & set(rapps)):
        p, r = apps[aid], rapps[aid]
        diffs = []
        if p["rank"] != r["rank"]:
            diffs.append("rank %s vs %s" % (p["rank"], r["rank"]))
        if p["status"] != r["status"]:
            diffs.append("status %s vs %s" % (p["status"], r["status"]))
        if not cl(num(p["total"]), r["total"], exact):
            diffs.append("total %s vs %s" % (p["total"], ref.fmt(r["total"])))
        if p["experts"] != r["experts"]:
            diffs.append("experts %s vs %s" % (p["experts"], r["experts"]))
        if bool(p["shortlisted"]) != r["shortlisted"]:
            diffs.append("shortlisted %s vs %s" % (p["shortlisted"], r["shortlisted"]))
        if not cl(num(p["funding_wan"]), r["funding"], True):
            diffs.append("funding %s vs %s" % (p["funding_wan"], ref.fmt(r["funding"])))
        pf = sorted(f for f in p["flags"] if f.startswith(KEEP_FLAGS))
        rf = sorted(r["flags"])
        if pf != rf:
            diffs.append("flags %s vs %s" % (pf, rf))
        pd = sorted((d["expert"], d["criterion"] or "", num(d["value"]), d["side"]) for d in p["dropped"])
        rd = sorted((e, c or "", v, s) for e, c, v, s in r["dropped"])
        if pd != rd:
            diffs.append("dropped %s vs %s" % (pd, rd))
        for c, v in r["criteria"].items():
            if not cl(num(p["criteria"].get(c)), v, exact):
                diffs.append("criterion %s %s vs %s" % (c, p["criteria"].get(c), ref.fmt(v)))
        if True:
            for c, v in r["categories"].items():
                if not cl(num(p["categories"].get(c)), v, exact):
                    diffs.append("category %s %s vs %s" % (c, p["categories"].get(c), ref.fmt(v)))
        for e, v in r["expert_totals"].items():
            if not cl(num(p["expert_totals"].get(e)), v, True):
                diffs.append("expert total %s %s vs %s" % (e, p["expert_totals"].get(e), ref.fmt(v)))
        if not close_cal(num(p.get("calibrated_total")), r["calibrated_total"], settings):
            diffs.append("calibrated_total %s vs %s" % (p.get("calibrated_total"),
                                                       ref.fmt(r["calibrated_total"])))
        if bool(p.get("calibrated_shortlisted")) != r["calibrated_shortlisted"]:
            diffs.append("calibrated_shortlisted %s vs %s" % (p.get("calibrated_shortlisted"),
                                                             r["calibrated_shortlisted"]))
        if diffs:
            problems.append("%s: %s" % (aid, "; ".join(diffs)))
    pchanges = sorted(out.get("calibration_changes", []), key=lambda a: a.encode())
    if pchanges != refres["calibration_changes"]:
        problems.append("calibration_changes %s vs %s" % (pchanges, refres["calibration_changes"]))
    preasons = sorted((x["kind"], x["application"]) for x in out.get("provisional_reasons", []))
    if bool(out.get("provisional")) != refres["provisional"] or preasons != sorted(refres["provisional_reasons"]):
        problems.append("provisional %s %s vs %s %s" % (out.get("provisional"), preasons,
                                                        refres["provisional"], refres["provisional_reasons"]))
    return problems


def compare_csv(text, refres, settings):
    exact = settings.get("rounding") != "none"
    cl = close_for(settings)
    rows = list(csv.DictReader(text.lstrip("\ufeff").splitlines()))
    problems = []
    for row in rows:
        aid = row["id"].lstrip("'") if row["id"].startswith("'") else row["id"]
        r = refres["applications"].get(aid)
        if r is None:
            problems.append("csv: unknown application %s" % aid)
            continue
        rank = int(row["rank"]) if row["rank"] else None
        d = []
        if rank != r["rank"]:
            d.append("rank %s vs %s" % (rank, r["rank"]))
        if row["status"] != r["status"]:
            d.append("status")
        if not cl(num(row["total"]), r["total"], exact):
            d.append("total %s vs %s" % (row["total"], ref.fmt(r["total"])))
        if not close_cal(num(row["calibrated_total"]), r["calibrated_total"], settings):
            d.append("calibrated_total %s vs %s" % (row["calibrated_total"], ref.fmt(r["calibrated_total"])))
        if (row["shortlisted"] == "true") != r["shortlisted"]:
            d.append("shortlisted")
        if not cl(num(row["funding_wan"]), r["funding"], True):
            d.append("funding %s vs %s" % (row["funding_wan"], ref.fmt(r["funding"])))
        if d:
            problems.append("csv %s: %s" % (aid, "; ".join(d)))
    if len(rows) != len(refres["applications"]):
        problems.append("csv: %d rows, reference %d applications" % (len(rows), len(refres["applications"])))
    return problems


def check(panel_dir, scores, settings, label, conflicts=(), csv_too=False, db=None):
    """Run panel on `scores` (or on the chair database `db`, the reference then reading
    `scores`, the rows that database counts, and `conflicts`) and compare."""
    source = ["--db", db] if db else ["--scores", scores]
    args = ["results", panel_dir] + source + ["--resamples", "0", "--format", "json"]
    for k, v in settings.items():
        args += ["--" + k, str(v)]
    cmd = " ".join([os.path.basename(PANEL)] + args)
    STATS["runs"] += 1
    try:
        refres = ref.compute(panel_dir, scores, dict(settings), conflicts)
        refused = None
    except ref.Refused as e:
        refres, refused = None, str(e)
    rc, out, err = run_panel(args)
    problems = []
    if refused is not None:
        STATS["refusals"] += 1
        if rc != 1:
            problems.append("reference refuses (%s), panel exit %d" % (refused, rc))
    elif rc != 0:
        problems.append("panel exit %d: %s" % (rc, err.strip()[:300]))
    else:
        problems += compare_json(json.loads(out), refres, settings, label, cmd)
        STATS["apps"] += len(refres["applications"])
        cover(refres)
        if csv_too:
            args[args.index("json")] = "csv"
            rc2, out2, _ = run_panel(args)
            problems += compare_csv(out2, refres, settings) if rc2 == 0 else ["csv exit %d" % rc2]
    near = refres is not None and [a for a, r in refres["applications"].items()
                                   if r["calibrated_near_boundary"]]
    if problems and near and tolerable(problems, refres, settings):
        # an exact calibrated value within 1e-10 of a rounding boundary (see close_cal)
        STATS["tolerated"] += 1
        print("tolerated %s (calibrated values near a rounding boundary: %s)\n  %s\n  %s"
              % (label, ", ".join(sorted(near)[:5]), cmd, "\n  ".join(problems[:4])), flush=True)
        problems = []
    if problems:
        FAILS.append((label, cmd, problems))
        print("DISAGREE %s\n  %s\n  %s" % (label, cmd, "\n  ".join(problems[:8])), flush=True)
    else:
        STATS["agreed"] += 1


def synth(out, apps, experts, criteria, per_app, seed, no_bundles=False):
    args = ["synth", "--apps", str(apps), "--experts", str(experts), "--criteria", str(criteria),
            "--per-app", str(per_app), "--seed", str(seed), "--text-bytes", "200", "--out", out, "--force"]
    if no_bundles:
        args.append("--no-bundles")
    rc, _, err = run_panel(args)
    assert rc == 0, err
    STATS["panels"] += 1


def random_settings(rng, napps, big=False):
    s = {}
    s["method"] = rng.choice(["mean", "trimmed", "median", "normalized"])
    s["by"] = rng.choice(["criterion", "total"])
    if rng.random() < 0.5:
        s["rounding"] = rng.choice(["half-up", "truncate", "none"])
    if rng.random() < 0.5:
        s["round"] = rng.choice([0, 1, 2, 3, 6])
    if s["method"] == "trimmed" and rng.random() < 0.4:
        s["trim"] = rng.choice([0, 1, 2])
    if rng.random() < 0.5:
        s["quorum"] = rng.choice([1, 2, 3, 4])
    if rng.random() < 0.5:
        s["threshold"] = rng.choice([0, 40, 55.5, 60, 70, 75])
    if rng.random() < 0.5:
        s["quota"] = rng.randint(0, max(1, napps))
    if rng.random() < 0.4:
        s["budget"] = rng.choice([15, 30, 42, 60, 100, 1000])
    if rng.random() < 0.3:
        s["cap"] = rng.choice([10, 20, 25.5, 40])
    return s


def load(path):
    return json.load(open(path, encoding="utf-8"))


def dump(obj, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)


# --- family A: panel synth panels, their own scores ---------------------------------------

def family_synth(rng):
    shapes = [(6, 4, 5, 3), (8, 5, 6, 4), (12, 6, 8, 5), (10, 3, 4, 3), (15, 7, 10, 6), (5, 5, 3, 5),
              (20, 8, 12, 4), (9, 4, 7, 2)]
    if QUICK:
        shapes = shapes[:3]
    for i, (a, e, c, k) in enumerate(shapes):
        for seed in (1, 7, 42):
            d = os.path.join(WORK, "synth-%d-%d" % (i, seed))
            synth(d, a, e, c, k, seed, no_bundles=(seed == 7))
            scores = os.path.join(d, "scores.csv")
            check(d, scores, {}, "synth %s seed %d defaults" % ((a, e, c, k), seed), csv_too=True)
            for j in range(4 if QUICK else 10):
                s = random_settings(rng, a)
                check(d, scores, s, "synth %s seed %d settings %s" % ((a, e, c, k), seed, s), csv_too=(j % 3 == 0))


def family_large(rng):
    """Larger synth panels: the pipeline's fixed-point and parallel paths."""
    shapes = [(300, 15, 30, 15, 5), (1200, 12, 12, 5, 6)]
    if QUICK:
        shapes = shapes[:1]
    for i, (a, e, c, k, seed) in enumerate(shapes):
        d = os.path.join(WORK, "large-%d" % i)
        synth(d, a, e, c, k, seed, no_bundles=(i == 1))
        scores = os.path.join(d, "scores.csv")
        for j in range(2 if QUICK else 6):
            s = random_settings(rng, a)
            if rng.random() < 0.5:
                s["quota"] = rng.randint(1, a // 3)
            check(d, scores, s, "large %s %s" % ((a, e, c, k), s), csv_too=(j == 0))


# --- family B: hand-built rubric variants on a synth panel's bundles -----------------------

def criterion(tmpl, cid, mx, weight, items):
    c = copy.deepcopy(tmpl)
    c["id"], c["max"], c["weight"] = cid, str(mx), str(weight)
    c["title"] = "指标" + cid
    c["items"] = []
    for iid, imax, step in items:
        it = copy.deepcopy(tmpl["items"][0])
        it["id"], it["max"], it["step"] = iid, str(imax), str(step)
        c["items"].append(it)
    return c


def variant_rubric(base, rng, spec):
    """spec: categories [(id, bonus, capped_share or None, [(cid, max, weight, [(item max, step)])])]."""
    r = copy.deepcopy(base)
    tmpl = base["categories"][0]["criteria"][0]
    cats = []
    total = F(0)
    for cat_id, bonus, capped, crits in spec["categories"]:
        cs = []
        reach = F(0)
        for cid, mx, w, items in crits:
            its = [("%s.%d" % (cid, n + 1), imax, step) for n, (imax, step) in enumerate(items)]
            cs.append(criterion(tmpl, cid, mx, w, its))
            reach += F(str(mx)) * F(str(w))
        cmax = reach
        cat = {"id": cat_id, "title": "类别" + cat_id, "title_en": "Category " + cat_id,
               "max": None, "bonus": bonus, "criteria": cs}
        if capped is not None:
            cmax = F(int(reach * F(str(capped)) * 2), 2)
            cat["capped"] = True
        cat["max"] = ref.fmt(cmax)
        if not bonus:
            total += cmax
        cats.append(cat)
    r["categories"] = cats
    r["total_max"] = ref.fmt(total)
    r["tie_break"] = spec.get("tie_break", [])
    r["funding"] = dict(r["funding"], **spec.get("funding", {}))
    agg = dict(r["aggregation"], **spec.get("aggregation", {}))
    r["aggregation"] = {k: v for k, v in agg.items() if v is not None}
    if spec.get("eligibility"):
        r["eligibility"] = spec["eligibility"]
    if spec.get("tracks"):
        r["tracks"] = spec["tracks"]
    return r


def gen_scores(rng, rubric_doc, apps, experts, per_app, path, tweaks=(), item_rows=0.5):
    """Random scores; some applications copy another's values (ties), some swap criteria."""
    rub = ref.Rubric(rubric_doc)
    rows = []
    base_vals = {}
    for n, app in enumerate(apps):
        quality = rng.random()
        chosen = sorted(rng.sample(experts, min(per_app, len(experts))))
        vals = {}
        for e in chosen:
            for cid in rub.crit_order:
                for iid, (imax, step) in rub.criteria[cid]["items"].items():
                    steps = int(imax / step)
                    k = max(0, min(steps, int(round(steps * (quality + rng.uniform(-0.25, 0.25))))))
                    vals[(e, iid)] = step * k
        if n > 0 and rng.random() < 0.25:
            # an exact copy of an earlier application: equal totals and subtotals
            src = apps[rng.randrange(n)]
            vals = dict(base_vals[src])
        base_vals[app] = vals
        for (e, iid), v in sorted(vals.items()):
            cid = rub.items[iid]
            single = len(rub.criteria[cid]["items"]) == 1
            key = iid
            if single and rng.random() > item_rows:
                key = cid
            rows.append([app, e, key, ref.fmt(v)])
    for t in tweaks:
        t(rng, rows, rub)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["application", "expert", "criterion", "value"])
        w.writerows(rows)


def tweak_missing_one(rng, rows, rub):
    """An expert misses one criterion for one application (not valid there)."""
    if rows:
        del rows[rng.randrange(len(rows))]


def tweak_dup_equal(rng, rows, rub):
    """The same criterion twice with the same value (a criterion row, counted once)."""
    for r in rows:
        if r[2] in rub.criteria:
            rows.append(list(r))
            return


def tweak_dup_diff(rng, rows, rub):
    """The same criterion twice with different values: the expert is excluded there."""
    for r in rows:
        if r[2] in rub.criteria:
            mx = rub.criteria[r[2]]["max"]
            v = F(r[3])
            other = v - 1 if v >= 1 else min(v + 1, mx)
            if other != v:
                rows.append([r[0], r[1], r[2], ref.fmt(other)])
                return


def family_variants(rng):
    d0 = os.path.join(WORK, "variant-base")
    synth(d0, 10, 6, 4, 4, 5)
    base = load(os.path.join(d0, "rubric.json"))
    specs = []
    # weights != 1, a capped category that binds, a bonus category, tie-break, funding
    specs.append({"name": "weights+capped+bonus", "categories": [
        ("A", False, None, [("A1", 10, "1.2", [(10, "0.5")]), ("A2", 10, "1.2", [(10, "0.5")])]),
        ("B", False, "0.8", [("B1", 20, "1", [(12, "0.5"), (12, "0.5")]), ("B2", 15, "1.5", [(15, "1")])]),
        ("C", True, None, [("C1", 5, "1", [(5, "0.5")]), ("C2", 5, "1", [(3, "0.25"), (3, "0.25")])]),
    ], "tie_break": ["B", "A1"], "funding": {"quota": 4, "per_award_cap_wan": "20", "budget_wan": "55"},
        "aggregation": {"method": "mean", "by": "criterion", "threshold": None, "threshold_basis": None}})
    specs.append({"name": "half-weights+capped-bonus", "categories": [
        ("P", False, None, [("P1", 30, "0.5", [(30, "0.5")]), ("P2", 20, "1", [(20, "0.5")])]),
        ("Q", False, "0.75", [("Q1", 30, "1", [(20, "0.5"), (20, "0.5")]), ("Q2", 25, "1", [(25, "0.5")])]),
        ("X", True, "0.5", [("X1", 10, "1", [(10, "0.5")]), ("X2", 10, "1", [(10, "0.5")])]),
    ], "tie_break": ["Q2", "P"], "funding": {"quota": 3, "per_award_cap_wan": None, "budget_wan": "70"},
        "aggregation": {"method": "trimmed", "trim": 1, "by": "total", "digits": 1, "rounding": "truncate",
                        "quorum": 2, "threshold": "30", "threshold_basis": "test pass mark"}})
    specs.append({"name": "thirds", "categories": [
        ("A", False, None, [("A1", 7, "1", [(7, "1")]), ("A2", 3, "1", [(3, "1")])]),
        ("B", False, None, [("B1", 10, "1.25", [(10, "0.5")])]),
    ], "tie_break": ["A"], "funding": {"quota": 2, "per_award_cap_wan": "30", "budget_wan": None},
        "eligibility": [
            {"id": "E1", "text": "有效发明专利不少于200件", "all_of": [{"fact": "valid_patents", "op": "ge", "value": 200}],
             "any_of": []},
            {"id": "E2", "text": "设有知识产权管理机构或从业人员不少于500人", "all_of": [],
             "any_of": [[{"fact": "has_ip_office", "op": "is_true"}], [{"fact": "employees", "op": "ge", "value": 500}]]}],
        "aggregation": {"method": "mean", "by": "criterion", "digits": 2, "rounding": "half-up",
                        "threshold": None, "threshold_basis": None}})
    specs.append({"name": "fixed-award-track", "categories": [
        ("A", False, None, [("A1", 50, "1", [(50, "0.5")]), ("A2", 50, "1", [(50, "0.5")])]),
    ], "tie_break": ["A2"], "tracks": [{"id": "fixed", "title": "固定资助赛道", "title_en": "Fixed track",
                                        "article": "第十条", "mode": "panel", "quota": 4,
                                        "per_award_cap_wan": "30", "fixed_award": True, "budget_wan": "100",
                                        "rubric": "synthetic"}],
        "aggregation": {"threshold": None, "threshold_basis": None}})
    n_settings = 6 if QUICK else 25
    for sp in specs:
        for seed in ((1,) if QUICK else (1, 2, 3)):
            d = os.path.join(WORK, "variant-%s-%d" % (sp["name"], seed))
            if os.path.exists(d):
                shutil.rmtree(d)
            shutil.copytree(d0, d)
            STATS["panels"] += 1
            r = variant_rubric(base, rng, sp)
            dump(r, os.path.join(d, "rubric.json"))
            pj = load(os.path.join(d, "panel.json"))
            if sp.get("tracks"):
                pj["track"] = sp["tracks"][0]["id"]
            dump(pj, os.path.join(d, "panel.json"))
            apps = sorted(f[:-5] for f in os.listdir(os.path.join(d, "bundles")))
            for a in apps:  # requested amounts: some equal, some above the cap
                bp = os.path.join(d, "bundles", a + ".json")
                b = load(bp)
                amt = rng.choice([5, 10, 15, 20, 25, 30, 45])
                b["requested_wan"] = amt
                b["facts"]["requested_funding_wan"] = amt
                dump(b, bp)
            experts = [e["id"] for e in pj["experts"]]
            rc, _, err = run_panel(["rubric", "check", os.path.join(d, "rubric.json")])
            if rc != 0:
                FAILS.append(("rubric check " + sp["name"], "", [err[:400]]))
                print("rubric check failed", sp["name"], err[:400])
                continue
            tweaks = [[], [tweak_missing_one], [tweak_dup_equal], [tweak_dup_diff]][seed % 4]
            scores = os.path.join(d, "scores.csv")
            gen_scores(rng, r, apps, experts, rng.choice([3, 4, 5]), scores, tweaks)
            check(d, scores, {}, "variant %s seed %d defaults" % (sp["name"], seed), csv_too=True)
            for j in range(n_settings):
                s = random_settings(rng, len(apps))
                check(d, scores, s, "variant %s seed %d %s" % (sp["name"], seed, s), csv_too=(j % 4 == 0))


# --- family E: seed 002 tracks on the shipped special-fund fixture ---------------------

def family_tracks(rng):
    """The embedded special-fund-2022 rubric with several of its tracks: quota, cap, track
    total, fixed sums (第十条), requested amounts below and above the cap, and who may apply
    (the track's gates: applicants of the track's kind, of another kind, of none given)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                       "special-fund-2022-univ-ops-center")
    rdoc = load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rubrics",
                             "special-fund-2022.json"))
    tracks = ["univ-ops-center", "finance-credit-center", "std-pre-filing-assessment",
              "sme-cipo-training", "yrd-integration", "high-value-center"]
    if QUICK:
        tracks = tracks[:3]
    for t in tracks:
        track_doc = next(x for x in rdoc["tracks"] if x["id"] == t)
        d = os.path.join(WORK, "track-" + t)
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(os.path.join(src, "bundles"), os.path.join(d, "bundles"))
        STATS["panels"] += 1
        pj = load(os.path.join(src, "panel.json"))
        pj["track"] = t
        dump(pj, os.path.join(d, "panel.json"))
        apps = sorted(f[:-5] for f in os.listdir(os.path.join(d, "bundles")))
        for a in apps:
            bp = os.path.join(d, "bundles", a + ".json")
            b = load(bp)
            amt = rng.choice([5, 8, 10, 12.5, 20, 25, 30, 50, 80, 100])
            b["requested_wan"] = amt
            b["facts"]["requested_funding_wan"] = amt
            kinds = [v for g in track_doc.get("eligibility") or [] for c in g.get("all_of") or []
                     if c.get("fact") == "applicant_type" for v in c["one_of"]]
            pick = rng.random()
            if pick < 0.15:
                b["facts"].pop("applicant_type", None)
            elif pick < 0.35 or not kinds:
                b["facts"]["applicant_type"] = rng.choice(["enterprise", "commercial_bank", "other"])
            else:
                b["facts"]["applicant_type"] = rng.choice(kinds)
            dump(b, bp)
        experts = [x["id"] for x in pj["experts"]]
        scores = os.path.join(d, "scores.csv")
        gen_scores(rng, rdoc, apps, experts, min(len(experts), rng.choice([3, 4])), scores)
        check(d, scores, {}, "track %s defaults" % t, csv_too=True)
        for j in range(3 if QUICK else 10):
            s = random_settings(rng, len(apps))
            for k in ("budget", "cap", "quota"):
                if rng.random() < 0.6:
                    s.pop(k, None)  # mostly the track's own figures
            check(d, scores, s, "track %s %s" % (t, s))


# --- family D: sheets merged into a chair database: conflicts, drafts, revisions ---------

def sheet_bytes(panel_dir, expert, seq, prev, status, values):
    """A panel-sheet/1 file as docs/sheet-format.md defines it (unsigned).
    status: code -> submitted | conflict | draft; values: (code, item id) -> value string."""
    pj = load(os.path.join(panel_dir, "panel.json"))
    rpath = os.path.join(panel_dir, pj["rubric"])
    rub = load(rpath)
    rsha = hashlib.sha256(json.dumps(rub, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    bdir = os.path.join(panel_dir, pj.get("bundles", "bundles"))
    apps = []
    for name in sorted(os.listdir(bdir)):
        raw = open(os.path.join(bdir, name), "rb").read()
        code = json.loads(raw)["code"]
        st = status.get(code, "draft")
        items = {}
        if st != "conflict":
            for (c, i), v in values.items():
                if c == code:
                    items[i] = {"value": v, "reason": None, "comment": None}
        items = dict(sorted(items.items(), key=lambda kv: kv[0].encode()))
        apps.append({"code": code, "bundle_sha256": hashlib.sha256(raw).hexdigest(), "status": st,
                     "conflict_reason": "回避" if st == "conflict" else None,
                     "updated_at": "2026-12-04T10:00:00.000Z" if items or st != "draft" else None,
                     "items": items, "comment": None})
    apps.sort(key=lambda a: a["code"].encode())
    doc = {"schema": "panel-sheet/1", "panel": pj["id"], "rubric": rub["id"], "rubric_sha256": rsha,
           "expert": expert, "seq": seq, "prev_sha256": prev,
           "exported_at": "2026-12-04T10:00:%02d.000Z" % seq, "applications": apps}
    doc["digest"] = hashlib.sha256(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def family_sheets(rng):
    for n, (a, e, c, k, seed) in enumerate([(8, 5, 4, 4, 3), (10, 6, 5, 5, 8), (6, 4, 3, 4, 13)]):
        if QUICK and n:
            break
        d = os.path.join(WORK, "sheets-%d" % n)
        synth(d, a, e, c, k, seed)
        rows = list(csv.DictReader(open(os.path.join(d, "scores.csv"), encoding="utf-8")))
        pj = load(os.path.join(d, "panel.json"))
        experts = [x["id"] for x in pj["experts"]]
        apps = sorted({r["application"] for r in rows})
        conflicts = {(r["application"], r["expert"])
                     for r in csv.DictReader(open(os.path.join(d, "conflicts.csv"), encoding="utf-8"))}
        # every expert declares a conflict on the first application; one more conflict each
        for x in experts:
            conflicts.add((apps[0], x))
        conflicts |= {(rng.choice(apps), x) for x in experts}
        drafts = {(rng.choice(apps), x) for x in experts[:2]}
        later_conflict = (apps[-1], experts[-1])
        db = os.path.join(WORK, "sheets-%d.db" % n)
        shutil.rmtree(db, ignore_errors=True)
        counted = []
        sheet_files = []
        for x in experts:
            vals = {(r["application"], r["criterion"] + ".1"): r["value"] for r in rows if r["expert"] == x}
            status = {}
            for app, _ in vals:
                status[app] = "draft" if (app, x) in drafts else "submitted"
            for app in apps:
                if (app, x) in conflicts:
                    status[app] = "conflict"
            first = sheet_bytes(d, x, 1, None, status, vals)
            p1 = os.path.join(d, "sheets", "%s.1.sheet.json" % x)
            os.makedirs(os.path.dirname(p1), exist_ok=True)
            open(p1, "wb").write(first)
            sheet_files.append(p1)
            if (later_conflict[1] == x) and status.get(later_conflict[0]) == "submitted":
                # the expert submitted, then declared a conflict in a later revision
                status2 = dict(status, **{later_conflict[0]: "conflict"})
                p2 = os.path.join(d, "sheets", "%s.2.sheet.json" % x)
                open(p2, "wb").write(sheet_bytes(d, x, 2, hashlib.sha256(first).hexdigest(), status2, vals))
                sheet_files.append(p2)
                status = status2
            counted += [r for r in rows if r["expert"] == x and status.get(r["application"]) == "submitted"]
        rc, _, err = run_panel(["merge", d] + sheet_files + ["--db", db])
        if rc != 0:
            FAILS.append(("merge sheets-%d" % n, "", [err[:400]]))
            print("merge failed", err[:400])
            continue
        ref_scores = os.path.join(d, "counted.csv")
        with open(ref_scores, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["application", "expert", "criterion", "value"])
            # conflicted rows stay in the reference's input: its conflict rule must drop them
            w.writerows([r["application"], r["expert"], r["criterion"], r["value"]] for r in counted)
            w.writerows([r["application"], r["expert"], r["criterion"], r["value"]] for r in rows
                        if (r["application"], r["expert"]) in conflicts)
        check(d, ref_scores, {}, "sheets-%d defaults" % n, conflicts=conflicts, db=db, csv_too=True)
        for s in ({"method": "normalized", "by": "criterion"}, {"method": "normalized", "by": "total"},
                  {"method": "median", "by": "total", "quota": 2}):
            check(d, ref_scores, s, "sheets-%d %s" % (n, s), conflicts=conflicts, db=db)
        for j in range(4 if QUICK else 12):
            s = random_settings(rng, a)
            check(d, ref_scores, s, "sheets-%d %s" % (n, s), conflicts=conflicts, db=db)


# --- family F: calibration (the normalized method, calibrated_total / _shortlisted) ------

def family_calibration(rng):
    """Hand-built score sets for the calibration's edge cases, each run by criterion and by
    total, with the normalized method official and beside mean / trimmed / median, and with
    several roundings, quotas (ties at the cut), thresholds and quorums."""
    d = os.path.join(WORK, "calib")
    synth(d, 4, 6, 3, 3, 19, no_bundles=True)
    r = load(os.path.join(d, "rubric.json"))
    crits = [(c["id"], F(c["max"])) for cat in r["categories"] for c in cat["criteria"]]

    def frac(cmax, x):
        """x (a Fraction in [0, 1]) of a criterion's max, on the 0.5 step."""
        return ref.fmt(F(int(cmax * x * 2), 2))

    def row(app, exp, share, jitter=(0, 0, 0)):
        return [[app, exp, c, frac(m, min(F(1), max(F(0), share + F(j, 10))))]
                for (c, m), j in zip(crits, jitter)]

    def rand_rows(apps, experts, lean=0):
        out = []
        for a in apps:
            q = F(rng.randint(2, 8), 10)
            for e in experts:
                out += row(a, e, q + F(lean, 10), [rng.randint(-2, 2) for _ in crits])
        return out

    cases = {}
    apps = ["X-%d" % i for i in range(1, 7)]
    # an expert who scored one application only (standard deviation undefined)
    cases["one-app-expert"] = rand_rows(apps, ["E01", "E02", "E03"]) + row("X-3", "E04", F(9, 10))
    # an expert who gave every application the same values (sd 0), by criterion and total
    rows = rand_rows(apps, ["E01", "E02", "E03"])
    for a in apps:
        rows += row(a, "E04", F(1, 2))
    cases["constant-expert"] = rows
    # the same total from an expert everywhere, but not the same criterion values
    rows = rand_rows(apps[:4], ["E01", "E02", "E03"])
    (c1, m1), (c2, m2), (c3, m3) = crits
    for i, a in enumerate(apps[:4]):
        rows += [[a, "E05", c1, ref.fmt(F(i))], [a, "E05", c2, ref.fmt(F(6 - i))], [a, "E05", c3, "1"]]
    cases["constant-total-expert"] = rows
    # two disjoint groups of experts and applications, one lenient and one severe
    cases["disjoint"] = (rand_rows(["A-1", "A-2", "A-3"], ["E01", "E02", "E03"], lean=2)
                         + rand_rows(["B-1", "B-2", "B-3", "B-4"], ["E04", "E05", "E06"], lean=-2))
    # incomplete applications (1 and 2 experts), an expert missing a criterion somewhere
    rows = rand_rows(apps[:4], ["E01", "E02", "E03", "E04"])
    rows += rand_rows(["I-1"], ["E01"]) + rand_rows(["I-2"], ["E02", "E03"])
    rows = [x for x in rows if not (x[0] == "X-2" and x[1] == "E04" and x[2] == c2)]
    cases["incomplete"] = rows
    # every expert the same values: calibrated = official exactly; shared ranks at the cut
    rows = []
    for i, (v1, v2) in enumerate([(9, 9), (8, 9), (9, 8), (8, 9), (7, 7), (8, 8)]):
        for e in ("E01", "E02", "E03"):
            rows += [["T-%d" % i, e, c1, str(min(v1, m1))], ["T-%d" % i, e, c2, str(min(v2, m2))],
                     ["T-%d" % i, e, c3, "3" if m3 >= 3 else "0"]]
    cases["identical-experts"] = rows
    # two applications per expert (z = ±1), three experts per application
    rows = []
    for i, a in enumerate(apps):
        for e in ("E0%d" % (1 + i % 6), "E0%d" % (1 + (i + 1) % 6), "E0%d" % (1 + (i + 2) % 6)):
            rows += row(a, e, F(rng.randint(1, 9), 10))
    cases["rotating-experts"] = rows
    # z pushes past the max and below 0 (clamped)
    for name, (lo, hi) in (("clamp-high", (0, 1)), ("clamp-low", (1, 0))):
        rows = []
        for e, base in (("E01", lo), ("E02", lo), ("E03", F(1, 2))):
            for a in apps[:4]:
                rows += row(a, e, F(base))
            rows += row(apps[4], e, F(hi))
        cases[name] = rows
    extras = [{}, {"quota": 1}, {"quota": 2}, {"quota": 3, "budget": 100},
              {"rounding": "none"}, {"rounding": "truncate", "round": 0},
              {"rounding": "half-up", "round": 6, "quorum": 2}, {"quorum": 1, "threshold": 40},
              {"threshold": 55.5, "quota": 2}]
    if QUICK:
        extras = extras[:5]
    for name, rows in cases.items():
        p = os.path.join(d, name + ".csv")
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write("application,expert,criterion,value\n")
            for x in rows:
                f.write(",".join(x) + "\n")
        for by in ("criterion", "total"):
            for method in ("normalized", "mean", "median", "trimmed"):
                for ex in extras:
                    st = dict(ex, by=by, method=method)
                    check(d, p, st, "calibration %s %s" % (name, st), csv_too=(ex == {}))


# --- family C: odd inputs on a small hand-written panel -----------------------------------

def family_odd(rng):
    d = os.path.join(WORK, "odd")
    synth(d, 4, 5, 3, 3, 9, no_bundles=True)
    r = load(os.path.join(d, "rubric.json"))
    crits = [(c["id"], F(c["max"])) for cat in r["categories"] for c in cat["criteria"]]
    (c1, m1), (c2, m2), (c3, m3) = crits

    def write(name, rows):
        p = os.path.join(d, name + ".csv")
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write("application,expert,criterion,value\n")
            for row in rows:
                f.write(",".join(row) + "\n")
        return p

    def full(app, exp, v1, v2, v3):
        return [[app, exp, c1, v1], [app, exp, c2, v2], [app, exp, c3, v3]]

    cases = {}
    cases["more-decimals-than-step"] = full("X-1", "E01", "5.25", "1", "1")
    cases["trailing-zero-decimals"] = full("X-1", "E01", "5.00", "1", "1")
    cases["above-max"] = full("X-1", "E01", ref.fmt(m1 + 1), "1", "1")
    cases["negative"] = full("X-1", "E01", "-1", "1", "1")
    cases["minus-zero"] = full("X-1", "E01", "-0", "1", "1")
    cases["leading-zero"] = full("X-1", "E01", "05", "1", "1")
    cases["exponent"] = full("X-1", "E01", "1e1", "1", "1")
    cases["not-step-multiple"] = full("X-1", "E01", "0.3", "1", "1")
    cases["dup-item-equal"] = full("X-1", "E01", "1", "1", "1") + [["X-1", "E01", c1 + ".1", "2"], ["X-1", "E01", c1 + ".1", "2"]]
    cases["max-exact"] = full("X-1", "E01", ref.fmt(m1), ref.fmt(m2), ref.fmt(m3))
    cases["one-place-for-half-step"] = full("X-1", "E01", "5.0", "1.5", "0")
    cases["two-places-for-half-step"] = full("X-1", "E01", "5.50", "1", "1")
    cases["unknown-criterion"] = full("X-1", "E01", "5", "1", "1") + [["X-1", "E01", "K99", "1"]]
    # a criterion row and an item row of the same criterion: the criterion row counts
    rows = full("X-1", "E01", "5", "4", "3") + [["X-1", "E01", c1 + ".1", "9"]]
    rows += full("X-1", "E02", "6", "4", "3") + full("X-1", "E03", "7", "4", "3")
    cases["criterion-and-item-row"] = rows
    # three experts, one of them with the same criterion twice (equal), one twice (different)
    rows = full("X-1", "E01", "5", "4", "3") + full("X-1", "E02", "6", "4", "3") + full("X-1", "E03", "7", "4", "3")
    rows += [["X-1", "E01", c1, "5"]]
    rows += full("X-2", "E01", "5", "4", "3") + full("X-2", "E02", "6", "4", "3") + full("X-2", "E03", "7", "4", "3")
    rows += [["X-2", "E03", c1, "8"]]
    cases["dup-criterion"] = rows
    # an expert missing one criterion; exactly quorum experts; all experts missing
    rows = full("X-1", "E01", "5", "4", "3") + full("X-1", "E02", "6", "4", "3") + full("X-1", "E03", "7", "4", "3")
    rows += full("X-2", "E01", "5", "4", "3") + full("X-2", "E02", "6", "4", "3") + full("X-2", "E03", "7", "4", "3")[:2]
    rows += [["X-3", "E01", c1, "2"]]
    cases["missing-criterion"] = rows
    # trim with too few values; ties at an extreme (which expert is dropped)
    rows = full("X-1", "E01", "5", "4", "3") + full("X-1", "E02", "5", "4", "3")
    rows += full("X-2", "E01", "5", "4", "3") + full("X-2", "E02", "5", "4", "3") + full("X-2", "E03", "5", "4", "3")
    rows += full("X-3", "E01", "1", "2", "3") + full("X-3", "E02", "1", "2", "3") + full("X-3", "E03", "9", "9", "9") + full("X-3", "E04", "9", "9", "9")
    cases["trim-few-and-ties"] = rows
    # ids differing only in case and byte order, all with equal totals (order by bytes)
    ids = ["b-1", "B-1", "a-1", "A-1", "Z-1", "ä-1", "_-1", "a-10", "a-2", "ｂ-1"]
    rows = []
    for i in ids:
        for e in ("E01", "E02", "E03"):
            rows += full(i, e, "5", "4", "3")
    cases["byte-order-ids"] = rows
    # ties exactly at the quota cut, ties resolved by a tie-break subtotal
    rows = []
    for i, (v1, v2) in enumerate([("9", "9"), ("8", "9"), ("9", "8"), ("8", "9"), ("7", "7"), ("8", "8")]):
        for e in ("E01", "E02", "E03"):
            rows += full("T-%d" % i, e, v1, v2, "3")
    cases["ties-at-cut"] = rows
    # totals equal as fractions whose criterion means do not terminate (rounding none)
    rows = []
    for app, per in (("N-P", [("1", "0", "3"), ("2", "0", "3"), ("2", "1", "3")]),
                     ("N-Q", [("1", "1", "3")] * 3),
                     ("N-R", [("1", "1", "1"), ("0", "0", "0"), ("0", "0", "0")]),
                     ("N-S", [("1", "0", "0")] * 3)):
        for e, (v1, v2, v3) in zip(("E01", "E02", "E03"), per):
            rows += full(app, e, v1, v2, v3)
    cases["none-thirds"] = rows
    # by total: 200/3 from three experts and 400/6 from six must tie under rounding none
    rows = full("M-3", "E01", "30", "20", "16") + full("M-3", "E02", "30", "20", "17")
    rows += full("M-3", "E03", "30", "20", "17")
    for e, v3 in zip(("E01", "E02", "E03", "E04", "E05", "E06"), ("16", "16", "17", "17", "17", "17")):
        rows += full("M-6", e, "30", "20", v3)
    cases["none-equal-fractions-by-total"] = rows
    settings_list = [{}, {"rounding": "none", "by": "criterion"}, {"rounding": "none", "by": "total"},
                     {"rounding": "none", "by": "criterion", "quota": 1},
                     {"rounding": "none", "by": "criterion", "method": "mean", "threshold": 0},
                     {"rounding": "none", "by": "criterion", "method": "mean", "threshold": 1, "quota": 3}, {"method": "trimmed", "by": "criterion"}, {"method": "trimmed", "by": "total"},
                     {"method": "median"}, {"quorum": 3}, {"quorum": 2, "quota": 2},
                     {"quota": 1}, {"quota": 3, "budget": 100}, {"quota": 4, "budget": 75},
                     {"threshold": 12}, {"rounding": "none"}, {"rounding": "truncate", "round": 0},
                     {"method": "trimmed", "trim": 2}, {"budget": 50, "cap": 25},
                     {"method": "normalized", "by": "criterion"},
                     {"method": "normalized", "by": "total", "quota": 2},
                     {"method": "normalized", "by": "criterion", "rounding": "none", "quota": 3}]
    # a spreadsheet's export: BOM, CRLF, a comment column with a quoted comma, padded fields
    p = os.path.join(d, "spreadsheet.csv")
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        f.write("application,expert,criterion,value,comment\r\n")
        for i, app in enumerate(("S-1", "S-2", "S-3")):
            for e in ("E01", "E02", "E03"):
                for c, v in ((c1, 5 + i), (c2, 4), (c3, 3 + (e == "E02"))):
                    f.write(' %s , %s,%s, %s ,"好，很好"\r\n' % (app, e, c, v))
            f.write("\r\n")
    for s in ({}, {"method": "mean", "threshold": 0}, {"by": "criterion", "quota": 1}):
        check(d, p, s, "odd spreadsheet-export %s" % s, csv_too=True)
    for name, rows in cases.items():
        p = write(name, rows)
        for s in settings_list:
            check(d, p, s, "odd %s %s" % (name, s), csv_too=(name == "byte-order-ids"))
    # tie-break variants of the ties-at-cut case
    r2 = copy.deepcopy(r)
    for tb in ([c2], [c1, c2], [r["categories"][0]["id"]]):
        r2["tie_break"] = tb
        dump(r2, os.path.join(d, "rubric.json"))
        for s in settings_list:
            check(d, os.path.join(d, "ties-at-cut.csv"), s, "odd ties tie_break=%s %s" % (tb, s))
    dump(r, os.path.join(d, "rubric.json"))


def main():
    rng = random.Random(20261204)
    os.makedirs(WORK, exist_ok=True)
    family_calibration(rng)
    family_odd(rng)
    family_sheets(rng)
    family_tracks(rng)
    family_variants(rng)
    family_synth(rng)
    family_large(rng)
    print("reference check: %d panels, %d runs of `panel results` (%d expected refusals), "
          "%d application results compared; %d runs agreed, %d disagreed"
          % (STATS["panels"], STATS["runs"], STATS["refusals"], STATS["apps"], STATS["agreed"], len(FAILS)))
    print("tolerated: %d runs with a calibrated value near a rounding boundary" % STATS["tolerated"])
    print("exercised: " + ", ".join("%s %d" % kv for kv in sorted(COVER.items())))
    print("calibration met: " + ", ".join("%s %d" % kv for kv in sorted(ref.CAL_STATS.items())))
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
