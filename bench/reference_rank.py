#!/usr/bin/env python3
"""Independent reference of `panel results --scores` (the aggregation pipeline).

Written from the documents only (the product brief's pipeline, docs/results.md "The pipeline's
conventions" and "Scores CSV", docs/rubric-format.md "aggregation", "funding", "tracks",
"Evaluation and caps", README.md), never from src/aggregate, so that a disagreement with
`panel` points at one of the two or at an ambiguity of the documents.
Python 3, standard library only; exact arithmetic with fractions.Fraction.

Implements:
  - reading panel.json (rubric path, or the id of a rubric shipped in rubrics/; bundles
    dir, expert roster), the rubric JSON
    (categories: max, bonus, capped; criteria: max, weight; expert items: max, step;
    total_max; tie_break; funding quota / per_award_cap_wan / budget_wan / requested_fact;
    aggregation defaults; a track named by panel.json inside the panel's own rubric,
    fixed_award), bundles (code, requested_wan or the requested fact);
  - the scores CSV: header, BOM, trimmed fields, blank lines, the value check (plain
    decimal, no more places than the step, in [0, max], a multiple of the step), unknown
    applications refused when the panel has bundles, criterion rows and item rows (items
    clamped to their max and summed, the criterion capped at its max), the same item twice
    refused, the same criterion twice with different values excluding the expert;
  - an optional conflicts file (application,expert): those experts contribute nothing;
  - expert totals (category subtotal sum of weight x value capped at the category max,
    regular categories capped at total_max, bonus categories added, each capped on its own);
  - panel value by criterion (method per criterion, rounded, weight x value rounded, summed
    per category with caps) or by total (method over expert totals, rounded);
    methods mean, trimmed (k highest and k lowest dropped when n >= 2k + 1; ties at an
    extreme: low drop = first expert id, high drop = last expert id), median;
  - rounding half-up (away from zero), truncate (toward zero), none;
  - eligibility gates with fact conditions (ge gt le lt eq ne is_true is_false in; all_of,
    any_of; a missing fact leaves the gate unknown, a gate without conditions is manual:
    `unchecked`; applications without a bundle are `unchecked`), the rubric's and those of
    the track panel.json names (who may apply);
  - quorum, statuses, threshold, ranking with tie-break subtotals and shared ranks,
    application id in byte order for the order only;
  - readings where the documents were silent, settled with panel and now written in
    docs/results.md: by total, a category subtotal is the method over the experts' capped
    subtotals (rounded); a criterion in the tie-break compares its weighted subtotal (by
    criterion round(weight x panel value), by total the method over weight x value);
    rounding `none` is exact (fractions) here, and panel sums by-criterion totals exactly
    (its criterion values carry 28 digits: compared within 1e-9); a full, empty shortlist
    (quota 0) lets no incomplete application make it provisional;
  - shortlist by quota in whole rank groups (tie_at_cut), funding min(requested, cap) in
    rank order while the budget lasts (remainder and budget_exhausted), fixed_award;
  - the provisional rule (unchecked shortlisted / tie_at_cut, incomplete that could reach
    the cut);
  - disagreement and outlier flags;
  - the calibration (docs/results.md, pipeline 9.) and the `normalized` method: z-scores
    over each expert's counted applications (population standard deviation; z = 0 for an
    expert with one application or sd 0), mean z mapped back with the panel's mean and sd of
    every counted value, clamped, rounded as the official values (by criterion per
    criterion, weighted, capped, summed; by total the total); square roots to 60 digits and a
    calibrated value rounded to 20 places before --round; calibrated_shortlisted and
    calibration_changes by the same status, rank and shortlist rules over the calibrated
    totals. Readings settled with panel where the documents were silent, now written in
    docs/results.md: by total the calibrated categories (and the calibrated tie-break) are
    the mean of the experts' subtotals; the calibrated shortlist's tie-break compares the
    calibrated subtotals.

Does not implement: gate conditions with `other`/`factor`, gate decisions, rule items
(bands, per_unit, ... suggestions) and overrides, p_shortlist (bootstrap), the chair database itself (bench/reference_cases.py
gives it the rows a database counts: submitted, not drafts, plus the conflicts), tracks
of another rubric than the panel's, notes and their wording, any output format: it
returns a plain dict that bench/reference_cases.py compares with panel's JSON and CSV.
"""

import csv
import decimal
import io
import json
import os
import re
import sys
from fractions import Fraction as F

PLAIN_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")


class Refused(Exception):
    """The input would be refused by panel (exit 1, nothing computed)."""


def dec(x):
    """A JSON/str decimal to a Fraction."""
    if x is None:
        return None
    if isinstance(x, (int, float)):
        x = repr(x) if isinstance(x, float) else str(x)
    return F(x)


def places(s):
    return len(s.split(".")[1]) if "." in s else 0


def step_places(step):
    """Decimal places of a step Fraction (e.g. 0.5 -> 1, 0.25 -> 2, 1 -> 0)."""
    p = 0
    while (step * 10**p).denominator != 1:
        p += 1
        if p > 12:
            break
    return p


def round_to(x, digits, mode):
    if x is None or mode == "none":
        return x
    scale = 10**digits
    q = x * scale
    sign = -1 if q < 0 else 1
    a = abs(q)
    if mode == "half-up":
        n = (a + F(1, 2)).numerator // (a + F(1, 2)).denominator
    elif mode == "truncate":
        n = a.numerator // a.denominator
    else:
        raise ValueError(mode)
    return F(sign * n, scale)


def mean(vals):
    return sum(vals, F(0)) / len(vals)


def median(vals):
    s = sorted(vals)
    n = len(s)
    if n % 2:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) / 2


def trimmed(pairs, k):
    """pairs: [(expert, value)]. Returns (value, dropped[(expert, value, side)])."""
    n = len(pairs)
    if k == 0 or n < 2 * k + 1:
        return mean([v for _, v in pairs]), []
    # lowest: ties -> the expert whose id sorts first; highest: ties -> id sorts last
    by_low = sorted(pairs, key=lambda p: (p[1], p[0].encode()))
    low = by_low[:k]
    rest = by_low[k:]
    by_high = sorted(rest, key=lambda p: (p[1], p[0].encode()))
    high = by_high[-k:]
    kept = by_high[:-k]
    dropped = [(e, v, "low") for e, v in low] + [(e, v, "high") for e, v in high]
    return mean([v for _, v in kept]), dropped


def sqrt_f(x):
    """The square root of a Fraction >= 0, as a Fraction exact to about 50 digits."""
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        r = (decimal.Decimal(x.numerator) / decimal.Decimal(x.denominator)).sqrt()
    return F(r)


def mean_sd(vals):
    """Mean and population standard deviation (None for fewer than two values)."""
    m = mean(vals)
    if len(vals) < 2:
        return m, None
    return m, sqrt_f(sum(((v - m) ** 2 for v in vals), F(0)) / len(vals))


def method_value(method, k, pairs):
    if method == "mean":
        return mean([v for _, v in pairs]), []
    if method == "median":
        return median([v for _, v in pairs]), []
    if method == "trimmed":
        return trimmed(pairs, k)
    raise ValueError("method not covered by the reference: " + method)


class Rubric:
    def __init__(self, doc):
        self.doc = doc
        self.total_max = dec(doc["total_max"])
        self.categories = []  # (id, max, bonus, [criterion ids])
        self.criteria = {}  # id -> dict(max, weight, category, items{id: (max, step)})
        self.items = {}  # item id -> criterion id
        for cat in doc["categories"]:
            cids = []
            for c in cat["criteria"]:
                items = {}
                for it in c.get("items", []):
                    if it.get("kind", "expert") != "expert":
                        raise ValueError("reference covers expert items only")
                    items[it["id"]] = (dec(it["max"]), dec(it.get("step") or "0.5"))
                    self.items[it["id"]] = c["id"]
                self.criteria[c["id"]] = {
                    "max": dec(c["max"]),
                    "weight": dec(c.get("weight") or "1"),
                    "category": cat["id"],
                    "items": items,
                    # the smallest step of its items
                    "step": min(s for _, s in items.values()) if items else F(1, 2),
                }
                cids.append(c["id"])
            self.categories.append((cat["id"], dec(cat["max"]), bool(cat.get("bonus")), cids))
        self.crit_order = [c for _, _, _, cids in self.categories for c in cids]
        self.tie_break = doc.get("tie_break") or []
        self.bonus_max = sum((m for _, m, b, _ in self.categories if b), F(0))

    def expert_total(self, values):
        """values: criterion -> Fraction (already within [0, max])."""
        regular = F(0)
        bonus = F(0)
        subtotals = {}
        for cid, cmax, is_bonus, cids in self.categories:
            s = sum((self.criteria[c]["weight"] * values[c] for c in cids), F(0))
            s = min(s, cmax)
            subtotals[cid] = s
            if is_bonus:
                bonus += s
            else:
                regular += s
        return min(regular, self.total_max) + bonus, subtotals


def settings_from(rubric_doc, track, args):
    agg = rubric_doc.get("aggregation") or {}
    fund = rubric_doc.get("funding") or {}
    s = {
        "method": agg.get("method", "mean"),
        "trim": int(agg.get("trim", 1)),
        "by": agg.get("by", "total"),
        "digits": int(agg.get("digits", 2)),
        "rounding": agg.get("rounding", "half-up"),
        "quorum": int(agg.get("quorum", 3)),
        "threshold": dec(agg.get("threshold")),
        "dis_share": dec(agg.get("disagreement_range_share", "0.4")),
        "out_share": dec(agg.get("outlier_total_share", "0.3")),
        "quota": fund.get("quota"),
        "cap": dec(fund.get("per_award_cap_wan")),
        "budget": dec(fund.get("budget_wan")),
        "fixed_award": False,
    }
    if track is not None:
        # a figure the track does not state is no limit
        s["quota"] = track.get("quota")
        s["cap"] = dec(track.get("per_award_cap_wan"))
        s["budget"] = dec(track.get("budget_wan"))
        s["fixed_award"] = bool(track.get("fixed_award"))
    over = {
        "method": "method", "trim": "trim", "by": "by", "round": "digits",
        "rounding": "rounding", "quorum": "quorum",
    }
    for a, k in over.items():
        if args.get(a) is not None:
            s[k] = args[a] if k in ("method", "by", "rounding") else int(args[a])
    for a, k in (("threshold", "threshold"), ("budget", "budget"), ("cap", "cap")):
        if args.get(a) is not None:
            s[k] = dec(args[a])
    if args.get("quota") is not None:
        s["quota"] = int(args["quota"])
    return s


def read_scores(path, rubric, known_apps):
    """Returns {(app, expert): {"crit": {c: [values]}, "items": {item: value}}} and row count."""
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows = [r for r in rows if any(f.strip() for f in r)]
    header = [f.strip() for f in rows[0]]
    if header not in (["application", "expert", "criterion", "value"],
                      ["application", "expert", "criterion", "value", "comment"]):
        raise Refused("header")
    pairs = {}
    for r in rows[1:]:
        r = [f.strip() for f in r]
        if len(r) < 4:
            raise Refused("short row")
        app, exp, key, val = r[:4]
        if known_apps is not None and app not in known_apps:
            raise Refused("unknown application " + app)
        if not PLAIN_DECIMAL.match(val) or val == "-0":
            raise Refused("not a plain decimal: " + val)
        v = F(val)
        if key in rubric.criteria:
            c = rubric.criteria[key]
            mx, step = c["max"], c["step"]
        elif key in rubric.items:
            mx, step = rubric.criteria[rubric.items[key]]["items"][key]
        else:
            raise Refused("unknown criterion " + key)
        if places(val) > step_places(step):
            raise Refused("more places than the step: " + val)
        if v < 0 or v > mx:
            raise Refused("out of range: " + val)
        if (v / step).denominator != 1:
            raise Refused("not a multiple of the step: " + val)
        p = pairs.setdefault((app, exp), {"crit": {}, "items": {}})
        if key in rubric.criteria:
            p["crit"].setdefault(key, []).append(v)
        else:
            if key in p["items"]:
                raise Refused("the same item twice: %s %s %s" % (app, exp, key))
            p["items"][key] = v
    return pairs, len(rows) - 1


def load_panel(panel_dir):
    pj = json.load(open(os.path.join(panel_dir, "panel.json"), encoding="utf-8"))
    rpath = os.path.join(panel_dir, pj["rubric"])
    if not os.path.isfile(rpath):
        # a rubric id: one of the rubrics shipped in the binary (rubrics/<id>.json)
        rpath = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rubrics",
                             pj["rubric"] + ".json")
    rdoc = json.load(open(rpath, encoding="utf-8"))
    track = None
    if pj.get("track"):
        for t in rdoc.get("tracks") or []:
            if t["id"] == pj["track"]:
                track = t
        if track is None:
            raise ValueError("reference: track must be in the panel's own rubric")
    bundles = {}
    bdir = os.path.join(panel_dir, pj.get("bundles", "bundles"))
    if os.path.isdir(bdir):
        for name in sorted(os.listdir(bdir)):
            if name.endswith(".json"):
                b = json.load(open(os.path.join(bdir, name), encoding="utf-8"))
                req = b.get("requested_wan")
                rf = (rdoc.get("funding") or {}).get("requested_fact")
                if req is None and rf:
                    req = (b.get("facts") or {}).get(rf)
                bundles[b["code"]] = (dec(req), b.get("facts") or {})
    return pj, rdoc, track, bundles


def condition(c, facts):
    """True, False or None (fact missing). Ops: ge gt le lt eq ne (with `value`), is_true,
    is_false, in (an enum fact among `one_of`)."""
    v = facts.get(c["fact"])
    if v is None:
        return None
    op = c["op"]
    if op == "is_true":
        return v is True
    if op == "is_false":
        return v is False
    if op == "in":
        return v in c["one_of"]
    x, y = dec(v), dec(c["value"])
    return {"ge": x >= y, "gt": x > y, "le": x <= y, "lt": x < y, "eq": x == y, "ne": x != y}[op]


def eligibility(rdoc, track, facts):
    """eligible | ineligible | unchecked from the rubric's gates and those of the track that
    panel.json names (docs/rubric-format.md, `tracks`: `eligibility`)."""
    outcomes = []
    gates = list(rdoc.get("eligibility") or [])
    if track is not None:
        gates += track.get("eligibility") or []
    for g in gates:
        all_of, any_of = g.get("all_of") or [], g.get("any_of") or []
        if not all_of and not any_of:
            outcomes.append("manual")
            continue
        parts = []
        if all_of:
            vals = [condition(c, facts) for c in all_of]
            parts.append(False if False in vals else (None if None in vals else True))
        if any_of:
            groups = []
            for grp in any_of:
                vals = [condition(c, facts) for c in grp]
                groups.append(False if False in vals else (None if None in vals else True))
            parts.append(True if True in groups else (None if None in groups else False))
        outcomes.append("fail" if False in parts else ("unknown" if None in parts else "pass"))
    if "fail" in outcomes:
        return "ineligible"
    if "manual" in outcomes or "unknown" in outcomes:
        return "unchecked"
    return "eligible"


def expert_values(rubric, app, pairs, conflicts):
    """expert -> criterion values, for the experts who count for `app` (pipeline rule 1)."""
    valid = {}
    for (a, e), p in pairs.items():
        if a != app or (a, e) in conflicts:
            continue
        vals = {}
        ok = True
        for c in rubric.crit_order:
            crit = rubric.criteria[c]
            if c in p["crit"]:
                vs = p["crit"][c]
                if len(set(vs)) > 1:
                    ok = False
                    break
                v = vs[0]
            else:
                its = crit["items"]
                if not its or any(i not in p["items"] for i in its):
                    ok = False
                    break
                v = sum((min(max(p["items"][i], F(0)), its[i][0]) for i in its), F(0))
            vals[c] = min(max(v, F(0)), crit["max"])
        if ok:
            valid[e] = vals
    return valid


def normalize(values):
    """The calibration of docs/results.md (pipeline 9.): values {(app, expert): x} ->
    {app: panel mean + mean z x panel sd}, unclamped and unrounded. z is over the
    applications each expert scored (population standard deviation); the panel mean and
    standard deviation are over every (application, expert) value.
    An expert whose standard deviation is undefined (one application) or 0 contributes
    z = 0 (their values say nothing about their spread)."""
    by_expert = {}
    for (a, e), v in values.items():
        by_expert.setdefault(e, []).append(v)
    stats = {e: mean_sd(vs) for e, vs in by_expert.items()}
    for m, sd in stats.values():
        if sd is None:
            CAL_STATS["expert sd undefined"] = CAL_STATS.get("expert sd undefined", 0) + 1
        elif sd == 0:
            CAL_STATS["expert sd 0"] = CAL_STATS.get("expert sd 0", 0) + 1
    pm, psd = mean_sd(list(values.values()))
    zs = {}
    for (a, e), v in values.items():
        m, sd = stats[e]
        z = F(0) if not sd else (v - m) / sd
        zs.setdefault(a, []).append(z)
    return {a: snap(pm + (mean(z) * psd if psd else F(0))) for a, z in zs.items()}


def snap(x):
    """A calibrated value to 20 decimal places: the 60-digit square roots leave it within
    10^-50 of the exact figure, so a value that is exactly 21 is 21 before truncation."""
    return round_to(x, 20, "half-up")


# what the calibration met (bench/reference_cases.py prints it)
CAL_STATS = {}


def near_boundary(x, digits, mode, window=F(1, 10**10)):
    """Whether the exact calibrated value x lies within `window` of a boundary of the --round
    rounding (a whole unit for truncate, a half unit for half-up): there panel's 12-place
    intermediates and 10-place guard may round it one unit the other way (docs/results.md)."""
    if mode == "none":
        return False
    q = x * 10**digits
    frac = q - (q.numerator // q.denominator)
    if mode == "truncate":
        dist = min(frac, 1 - frac)
    else:
        dist = abs(frac - F(1, 2))
    return dist / 10**digits < window


def clamp(x, hi):
    if x < 0 or x > hi:
        CAL_STATS["calibrated value clamped"] = CAL_STATS.get("calibrated value clamped", 0) + 1
    return min(max(x, F(0)), hi)


def calibrate(rubric, st, valid_by_app, rnd):
    """Calibrated values per application: {app: {"total", "criteria", "categories"}}."""
    out = {a: {"criteria": {}, "categories": {}} for a, v in valid_by_app.items() if v}
    full_max = rubric.total_max + rubric.bonus_max
    if st["by"] == "criterion":
        for c in rubric.crit_order:
            cal = normalize({(a, e): vals[c] for a, valid in valid_by_app.items()
                             for e, vals in valid.items()})
            for a, x in cal.items():
                y = clamp(x, rubric.criteria[c]["max"])
                out[a]["criteria"][c] = rnd(y)
                out[a]["near"] = out[a].get("near") or near_boundary(y, st["digits"], st["rounding"])
        for a, o in out.items():
            regular = bonus = F(0)
            for cid, cmax, is_bonus, cids in rubric.categories:
                sub = min(sum((rnd(rubric.criteria[c]["weight"] * o["criteria"][c]) for c in cids),
                              F(0)), cmax)
                o["categories"][cid] = sub
                if is_bonus:
                    bonus += sub
                else:
                    regular += sub
            o["total"] = min(regular, rubric.total_max) + bonus
    else:
        totals, subs = {}, {}
        for a, valid in valid_by_app.items():
            for e, vals in valid.items():
                t, sb = rubric.expert_total(vals)
                totals[(a, e)] = t
                subs[(a, e)] = sb
        for a, x in normalize(totals).items():
            y = clamp(x, full_max)
            out[a]["total"] = rnd(y)
            out[a]["near"] = near_boundary(y, st["digits"], st["rounding"])
        # by total, the categories (what the tie-break reads) are not calibrated: the mean of
        # the experts' capped subtotals, rounded (panel's reading, written in docs/results.md)
        for a, valid in valid_by_app.items():
            for cid, _, _, _ in rubric.categories:
                if valid:
                    out[a]["categories"][cid] = rnd(mean([subs[(a, e)][cid] for e in valid]))
    # a criterion in the tie-break: by criterion round(weight x calibrated value), by total the
    # mean over the experts' weight x value, rounded
    for a, o in out.items():
        o["tie_criteria"] = {}
        for t in rubric.tie_break:
            if t in rubric.criteria:
                w = rubric.criteria[t]["weight"]
                if st["by"] == "criterion":
                    o["tie_criteria"][t] = rnd(w * o["criteria"][t])
                else:
                    o["tie_criteria"][t] = rnd(mean([w * v[t] for v in valid_by_app[a].values()]))
    return out


def rank_and_shortlist(rows, rubric, st, total_key, tb_values):
    """Ranks, shortlist and funding (pipeline 6. and 7.) over `rows` (dicts with id, status,
    requested and the total under `total_key`). Returns {id: (rank, shortlisted, funding,
    flags)} and whether the shortlist is full."""
    ranked = [r for r in rows if r["status"] == "ranked"]
    ranked.sort(key=lambda r: ([-r[total_key]] + [-x for x in tb_values(r)], r["id"].encode()))
    res = {r["id"]: [None, False, None, []] for r in rows}
    prev_key = None
    for i, r in enumerate(ranked):
        key = [r[total_key]] + tb_values(r)
        res[r["id"]][0] = res[ranked[i - 1]["id"]][0] if key == prev_key else i + 1
        prev_key = key
    groups = []
    for r in ranked:
        if groups and res[groups[-1][0]["id"]][0] == res[r["id"]][0]:
            groups[-1].append(r)
        else:
            groups.append([r])
    quota = st["quota"]
    budget_left = st["budget"]
    taken = 0
    full = False
    budget_out = False

    def need(r):
        if st["fixed_award"] and st["cap"] is not None:
            return st["cap"]
        req, cap = r["requested"], st["cap"]
        if req is None:
            return cap
        if cap is None:
            return req
        return min(req, cap)

    for g in groups:
        if quota is not None and taken + len(g) > quota:
            if taken < quota:
                for r in g:
                    res[r["id"]][3].append("tie_at_cut")
            full = True
            break
        if budget_out:
            for r in g:
                res[r["id"]][3].append("budget_exhausted")
            taken += len(g)
            continue
        needs = [need(r) for r in g]
        total_need = sum((x for x in needs if x is not None), F(0))
        if budget_left is None or total_need <= budget_left:
            for r, x in zip(g, needs):
                res[r["id"]][1] = True
                res[r["id"]][2] = x
            if budget_left is not None:
                budget_left -= total_need
            taken += len(g)
            continue
        # the budget runs short here
        budget_out = True
        full = True
        if len(g) == 1 and budget_left > 0:
            res[g[0]["id"]][1] = True
            res[g[0]["id"]][2] = budget_left
            res[g[0]["id"]][3].append("budget_exhausted")
            budget_left = F(0)
        else:
            for r in g:
                res[r["id"]][3].append("budget_exhausted")
                if len(g) > 1 and budget_left > 0:
                    res[r["id"]][3].append("tie_at_cut")
        taken += len(g)
    if quota is not None and taken >= quota:
        full = True
    return res, full


def compute(panel_dir, scores_path, args, conflicts=()):
    """The whole pipeline. Returns {"applications": {id: {...}}, "provisional": bool, ...}."""
    pj, rdoc, track, bundles = load_panel(panel_dir)
    rubric = Rubric(rdoc)
    st = settings_from(rdoc, track, args)
    known = set(bundles) if bundles else None
    pairs, nrows = read_scores(scores_path, rubric, known)
    conflicts = set(conflicts)

    d, mode = st["digits"], st["rounding"]

    def rnd(x):
        return round_to(x, d, mode)

    app_ids = set(bundles) if bundles else {a for a, _ in pairs}
    valid_by_app = {app: expert_values(rubric, app, pairs, conflicts) for app in app_ids}
    cal = calibrate(rubric, st, valid_by_app, rnd)
    normalized = st["method"] == "normalized"
    # the other methods' helpers; `normalized` takes its official values from `cal`
    meth = "mean" if normalized else st["method"]
    apps = {}
    for app in app_ids:
        elig = eligibility(rdoc, track, bundles[app][1]) if bundles else "unchecked"
        valid = valid_by_app[app]
        experts = sorted(valid, key=lambda e: e.encode())
        n = len(experts)
        totals = {}
        for e in experts:
            totals[e] = rubric.expert_total(valid[e])[0]
        res = {
            "id": app,
            "eligibility": elig,
            "experts": n,
            "requested": bundles[app][0] if bundles else None,
            "expert_totals": totals,
            "flags": [],
            "dropped": [],
            "calibrated_total": cal[app]["total"] if n else None,
            "calibrated_categories": cal[app]["categories"] if n else {},
            "calibrated_tie_criteria": cal[app]["tie_criteria"] if n else {},
            "calibrated_near_boundary": bool(n and cal[app].get("near")),
        }
        if n == 0:
            res.update(total=None, criteria={}, categories={})
        else:
            crit_vals = {}
            dropped = []
            for c in rubric.crit_order:
                pv, dr = method_value(meth, st["trim"], [(e, valid[e][c]) for e in experts])
                if st["by"] == "criterion":
                    crit_vals[c] = rnd(pv)
                    dropped += [(e, c, v, side) for e, v, side in dr]
                else:
                    crit_vals[c] = rnd(mean([valid[e][c] for e in experts]))
            if normalized and st["by"] == "criterion":
                crit_vals = dict(cal[app]["criteria"])
            cats = {}
            regular = F(0)
            bonus = F(0)
            for cid, cmax, is_bonus, cids in rubric.categories:
                s = sum((rnd(rubric.criteria[c]["weight"] * crit_vals[c]) for c in cids), F(0))
                s = min(s, cmax)
                cats[cid] = s
                if is_bonus:
                    bonus += s
                else:
                    regular += s
            if st["by"] == "criterion":
                total = min(regular, rubric.total_max) + bonus
            elif normalized:
                total = cal[app]["total"]
                cats = dict(cal[app]["categories"])
            else:
                # by total, a category's panel subtotal (shown, and what the tie-break reads)
                # is the method over the experts' own capped subtotals, rounded
                subs = {e: rubric.expert_total(valid[e])[1] for e in experts}
                for cid, _, _, _ in rubric.categories:
                    cats[cid] = rnd(method_value(meth, st["trim"],
                                                 [(e, subs[e][cid]) for e in experts])[0])
                tv, dr = method_value(meth, st["trim"], [(e, totals[e]) for e in experts])
                total = rnd(tv)
                dropped = [(e, None, v, side) for e, v, side in dr]
            # a criterion in the tie-break compares its weighted subtotal: by criterion
            # round(weight x panel value); by total the method over the experts' weight x value
            tie_crit = {}
            for t in rubric.tie_break:
                if t in rubric.criteria:
                    w = rubric.criteria[t]["weight"]
                    if st["by"] == "criterion":
                        tie_crit[t] = rnd(w * crit_vals[t])
                    else:
                        tie_crit[t] = rnd(method_value(meth, st["trim"],
                                                       [(e, w * valid[e][t]) for e in experts])[0])
            res.update(total=total, criteria=crit_vals, categories=cats, dropped=dropped,
                       tie_criteria=tie_crit)
            if n >= 2:
                for c in rubric.crit_order:
                    vs = [valid[e][c] for e in experts]
                    if max(vs) - min(vs) > st["dis_share"] * rubric.criteria[c]["max"]:
                        res["flags"].append("disagreement:" + c)
                for e in experts:
                    others = [totals[o] for o in experts if o != e]
                    if abs(totals[e] - mean(others)) > st["out_share"] * rubric.total_max:
                        res["flags"].append("outlier:" + e)
        res["elig_status"] = elig

        def status_for(total):
            if elig == "ineligible":
                return "ineligible"
            if n < st["quorum"]:
                return "incomplete"
            if st["threshold"] is not None and total < st["threshold"]:
                return "below_threshold"
            return "ranked"
        res["status"] = status_for(res["total"])
        res["calibrated_status"] = status_for(res["calibrated_total"])
        res["valid_totals"] = [totals[e] for e in experts]
        apps[app] = res

    def tb_values(r):
        out = []
        for t in rubric.tie_break:
            if t in r["categories"]:
                out.append(r["categories"][t])
            else:
                out.append(r["tie_criteria"][t])
        return out

    rows = list(apps.values())
    official, full = rank_and_shortlist(rows, rubric, st, "total", tb_values)
    for aid, (rank, sl, funding, flags) in official.items():
        r = apps[aid]
        r["rank"], r["shortlisted"], r["funding"] = rank, sl, funding
        r["flags"] += flags

    # calibration (pipeline 9.): the same shortlist rules over the calibrated totals; the
    # tie-break compares the calibrated panel's subtotals (panel's reading, in docs/results.md)
    cal_rows = [dict(r, status=r["calibrated_status"], categories=r["calibrated_categories"],
                     tie_criteria=r["calibrated_tie_criteria"]) for r in rows]
    calibrated, _ = rank_and_shortlist(cal_rows, rubric, st, "calibrated_total", tb_values)
    for aid, (_, sl, _, _) in calibrated.items():
        apps[aid]["calibrated_shortlisted"] = sl
    changes = sorted((a for a, r in apps.items() if r["calibrated_shortlisted"] != r["shortlisted"]),
                     key=lambda a: a.encode())

    # provisional
    reasons = []
    for r in sorted(apps.values(), key=lambda r: r["id"].encode()):
        if r["eligibility"] == "unchecked" and (r["shortlisted"] or "tie_at_cut" in r["flags"]):
            reasons.append(("unchecked", r["id"]))
    at_cut = [r["total"] for r in apps.values() if r["shortlisted"] or "tie_at_cut" in r["flags"]]
    full_max = rubric.total_max + rubric.bonus_max
    for r in sorted(apps.values(), key=lambda r: r["id"].encode()):
        if r["status"] != "incomplete":
            continue
        q = st["quorum"]
        best = rnd((sum(r["valid_totals"], F(0)) + (q - r["experts"]) * full_max) / q)
        if full:
            # a full shortlist without a cut is an empty one (quota 0): nothing can join
            could = bool(at_cut) and best >= min(at_cut)
        elif st["threshold"] is not None:
            could = best >= st["threshold"]
        else:
            could = True
        if could:
            reasons.append(("incomplete", r["id"]))
    return {
        "applications": apps,
        "calibration_changes": changes,
        "ncrit": len(rubric.crit_order),
        "provisional": bool(reasons),
        "provisional_reasons": reasons,
        "rows": nrows,
        "settings": st,
    }


def fmt(x):
    """A Fraction as the shortest exact decimal string (None stays None)."""
    if x is None:
        return None
    if isinstance(x, F) and x.denominator == 1:
        return str(x.numerator)
    s = "%s" % (F(x).numerator / F(x).denominator)
    return s


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("panel_dir")
    ap.add_argument("--scores", required=True)
    ap.add_argument("--conflicts")
    for o in ("method", "trim", "by", "round", "rounding", "quorum", "threshold", "quota",
              "budget", "cap"):
        ap.add_argument("--" + o)
    a = ap.parse_args()
    conf = []
    if a.conflicts:
        with open(a.conflicts, encoding="utf-8-sig") as f:
            conf = [tuple(r[:2]) for r in list(csv.reader(f))[1:] if r]
    try:
        out = compute(a.panel_dir, a.scores, vars(a), conf)
    except Refused as e:
        print("refused: %s" % e, file=sys.stderr)
        sys.exit(1)
    for r in sorted(out["applications"].values(),
                    key=lambda r: (r["rank"] is None, r["rank"] or 0, r["id"].encode())):
        print(r["rank"], r["id"], r["status"], fmt(r["total"]), r["shortlisted"],
              fmt(r["funding"]), ";".join(r["flags"]))
    print("provisional:", out["provisional"], out["provisional_reasons"])
