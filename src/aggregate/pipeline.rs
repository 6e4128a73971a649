//! The pipeline proper: expert values → panel values → flags → status, rank, shortlist.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::bootstrap::{self, BootConfig};
use super::method::{dec_from_i128, floor_units, round_value, to_units};
use super::normalize;
use super::panel_values::{
    cap, panel_by_criterion, panel_by_total, prepare, AppWork, Ctx, Panel, Scratch,
};
use super::per_application;
use super::table::{CellValue, FxBuild, ScoreTable};

/// No value (in a [`CollectScratch`]'s cells).
const EMPTY: CellValue = CellValue::NONE;
use super::{
    AppInfo, AppResult, By, Dropped, Eligibility, Flag, LeftOutWhy, Method, Results, Rounding,
    Scheme, Settings, SettingsEcho, Status,
};

fn flags(ctx: &Ctx, w: &AppWork, expert_names: &[String]) -> Vec<Flag> {
    let n = w.experts.len();
    let nc = ctx.nc();
    let mut out = Vec::new();
    if n < 2 {
        return out;
    }
    for c in 0..nc {
        let mut lo = w.values[c];
        let mut hi = w.values[c];
        for i in 1..n {
            let v = w.values[i * nc + c];
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if i128::from(hi - lo) > ctx.disagree_units[c] {
            out.push(Flag::Disagreement(ctx.crit_ids[c].clone()));
        }
    }
    // |T_i − (S − T_i)/(n − 1)| > share × total_max, multiplied through by (n − 1).
    let others = Decimal::from(n - 1);
    let limit = ctx
        .outlier_share
        .checked_mul(ctx.total_max)
        .and_then(|l| l.checked_mul(others))
        .unwrap_or(Decimal::MAX);
    let mut outlier =
        |i: usize| out.push(Flag::Outlier(expert_names[w.experts[i] as usize].clone()));
    if ctx.units_caps.is_some() && w.totals_u.len() == n {
        // The same test in units of `10^-swv`: |n × T_i − S| > limit.
        let limit = floor_units(limit, ctx.swv);
        let sum: i128 = w.totals_u.iter().map(|&t| i128::from(t)).sum();
        let n = n as i128;
        for (i, &t) in w.totals_u.iter().enumerate() {
            if (n * i128::from(t) - sum).abs() > limit {
                outlier(i);
            }
        }
    } else {
        let sum: Decimal = w.totals.iter().sum();
        for (i, t) in w.totals.iter().enumerate() {
            if (*t * others - (sum - *t)).abs() > limit {
                outlier(i);
            }
        }
    }
    out
}

struct Decision {
    status: Vec<Status>,
    rank: Vec<Option<usize>>,
    shortlisted: Vec<bool>,
    funding: Vec<Option<Decimal>>,
    tie_at_cut: Vec<bool>,
    budget_exhausted: Vec<bool>,
    order: Vec<usize>,
    budget_used: Option<Decimal>,
}

/// Total descending (none last), then tie-break subtotals descending.
fn cmp_panels(a: &Option<Panel>, b: &Option<Panel>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.total.cmp(&a.total).then_with(|| b.key.cmp(&a.key)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The sum recommended for an application that asked for `requested`: at most the cap, or
/// the cap itself when the award is a fixed sum.
fn recommendation(requested: Option<Decimal>, s: &Settings) -> Option<Decimal> {
    let requested = requested.map(|r| r.max(Decimal::ZERO));
    let cap = s.per_award_cap_wan.map(|c| c.max(Decimal::ZERO));
    if s.fixed_award && cap.is_some() {
        return cap;
    }
    match (requested, cap) {
        (Some(r), Some(c)) => Some(r.min(c)),
        (Some(r), None) => Some(r),
        (None, Some(c)) => Some(c),
        (None, None) => None,
    }
}

fn decide(works: &[AppWork], panels: &[Option<Panel>], s: &Settings) -> Decision {
    let n = works.len();
    let status: Vec<Status> = (0..n)
        .map(|i| {
            if matches!(works[i].eligibility, Eligibility::Ineligible(_)) {
                return Status::Ineligible;
            }
            match &panels[i] {
                None => Status::Incomplete,
                Some(_) if works[i].experts.len() < s.quorum => Status::Incomplete,
                Some(p) if s.threshold.is_some_and(|t| p.total < t) => Status::BelowThreshold,
                Some(_) => Status::Ranked,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        // Status order is output order (ranked, incomplete, ineligible, below_threshold).
        status[a]
            .cmp(&status[b])
            .then_with(|| cmp_panels(&panels[a], &panels[b]))
            .then_with(|| works[a].id.cmp(&works[b].id))
    });
    let ranked: Vec<usize> = order
        .iter()
        .copied()
        .take_while(|&i| status[i] == Status::Ranked)
        .collect();
    let mut rank = vec![None; n];
    for (pos, &i) in ranked.iter().enumerate() {
        rank[i] = match pos {
            0 => Some(1),
            _ => {
                let prev = ranked[pos - 1];
                if cmp_panels(&panels[prev], &panels[i]) == Ordering::Equal {
                    rank[prev]
                } else {
                    Some(pos + 1)
                }
            }
        };
    }
    let mut tie_at_cut = vec![false; n];
    let mut budget_exhausted = vec![false; n];
    let mut shortlisted = vec![false; n];
    let mut funding = vec![None; n];

    // Pass 1: quota, in whole rank groups.
    let mut candidates: Vec<&[usize]> = Vec::new();
    let mut count = 0usize;
    for group in ranked.chunk_by(|&a, &b| rank[a] == rank[b]) {
        if let Some(q) = s.quota {
            if count >= q {
                break;
            }
            if count + group.len() > q {
                for &i in group {
                    tie_at_cut[i] = true;
                }
                break;
            }
        }
        count += group.len();
        candidates.push(group);
    }

    // Pass 2: budget, in rank order.
    let mut remaining = s.budget_wan.map(|b| b.max(Decimal::ZERO));
    let mut stopped = false;
    for group in candidates {
        if stopped {
            for &i in group {
                budget_exhausted[i] = true;
            }
            continue;
        }
        let recs: Vec<Option<Decimal>> = group
            .iter()
            .map(|&i| recommendation(works[i].requested, s))
            .collect();
        match remaining {
            None => {
                for (&i, r) in group.iter().zip(&recs) {
                    shortlisted[i] = true;
                    funding[i] = *r;
                }
            }
            Some(rem) => {
                let needed = recs
                    .iter()
                    .flatten()
                    .fold(Decimal::ZERO, |a, r| a.saturating_add(*r));
                if needed <= rem {
                    for (&i, r) in group.iter().zip(&recs) {
                        shortlisted[i] = true;
                        funding[i] = *r;
                    }
                    remaining = Some(rem - needed);
                } else if group.len() == 1 && rem > Decimal::ZERO {
                    let i = group[0];
                    shortlisted[i] = true;
                    funding[i] = Some(rem);
                    budget_exhausted[i] = true;
                    remaining = Some(Decimal::ZERO);
                    stopped = true;
                } else {
                    for &i in group {
                        budget_exhausted[i] = true;
                        if group.len() > 1 && rem > Decimal::ZERO {
                            tie_at_cut[i] = true;
                        }
                    }
                    stopped = true;
                }
            }
        }
    }
    let any_funding = funding.iter().any(Option::is_some);
    let budget_used = (any_funding || s.budget_wan.is_some()).then(|| {
        funding
            .iter()
            .flatten()
            .fold(Decimal::ZERO, |a, f| a.saturating_add(*f))
    });
    Decision {
        status,
        rank,
        shortlisted,
        funding,
        tie_at_cut,
        budget_exhausted,
        order,
        budget_used,
    }
}

/// Reads the rows of every application into [`AppWork`]s (sorted by id).
fn collect(
    ctx: &Ctx,
    apps: &[AppInfo],
    conflicts: &[(String, String)],
    table: &ScoreTable,
    notes: &mut Vec<String>,
) -> Vec<AppWork> {
    // The universe of applications, sorted by id, each with its table index.
    let mut entries: Vec<(String, Eligibility, Option<Decimal>, Option<u32>)> = Vec::new();
    {
        let mut seen: HashSet<&str> = HashSet::new();
        for a in apps {
            if !seen.insert(a.id.as_str()) {
                notes.push(format!(
                    "application \"{}\" is listed twice; the first entry is used",
                    a.id
                ));
                continue;
            }
            entries.push((
                a.id.clone(),
                a.eligibility.clone(),
                a.requested_wan,
                table.apps.get(&a.id),
            ));
        }
        for (ti, name) in table.apps.names.iter().enumerate() {
            if !seen.contains(name.as_str()) {
                entries.push((name.clone(), Eligibility::Unchecked, None, Some(ti as u32)));
            }
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let position: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.0.as_str(), i))
        .collect();

    // Conflicts.
    let mut conflict_pairs: HashSet<(u32, u32), FxBuild> = HashSet::default();
    let mut declared: Vec<Vec<&str>> = vec![Vec::new(); entries.len()];
    for (a, e) in conflicts {
        match position.get(a.as_str()) {
            None => notes.push(format!(
                "conflict of interest declared by expert \"{e}\" for unknown application \
                 \"{a}\"; ignored"
            )),
            Some(&w) => {
                declared[w].push(e.as_str());
                if let (Some(ta), Some(te)) = (table.apps.get(a), table.experts.get(e)) {
                    conflict_pairs.insert((ta, te));
                }
            }
        }
    }
    drop(position);

    // Runs by table application: as they are when the table is grouped by application
    // (ids are interned in first-seen order, so grouped runs have non-decreasing indices),
    // else bucketed by a counting sort (O(runs)).
    let na = table.apps.len();
    let mut start = vec![0u32; na + 1];
    for (app, _) in table.run_pairs() {
        start[app as usize + 1] += 1;
    }
    for i in 0..na {
        start[i + 1] += start[i];
    }
    let grouped = table.is_grouped();
    let bucket: Option<Vec<u32>> = (!grouped).then(|| {
        let mut fill = start.clone();
        let mut bucket = vec![0u32; table.run_count()];
        for (ri, (app, _)) in table.run_pairs().enumerate() {
            let slot = &mut fill[app as usize];
            bucket[*slot as usize] = ri as u32;
            *slot += 1;
        }
        bucket
    });

    let crit_map: Vec<Option<usize>> = table
        .criteria
        .names
        .iter()
        .map(|n| ctx.crit_index.get(n).copied())
        .collect();
    // Each table expert's place in id order (byte order, as `String`'s `Ord`).
    let mut by_name: Vec<u32> = (0..table.experts.len() as u32).collect();
    by_name.sort_by(|&a, &b| table.experts.names[a as usize].cmp(&table.experts.names[b as usize]));
    let mut expert_rank = vec![0u32; by_name.len()];
    for (r, &e) in by_name.iter().enumerate() {
        expert_rank[e as usize] = r as u32;
    }
    let src = Rows {
        table,
        start,
        bucket,
        crit_map,
        conflict_pairs,
        expert_rank,
    };
    let jobs: Vec<(Entry, Vec<&str>)> = entries.into_iter().zip(declared).collect();
    per_application(
        jobs,
        ctx.parallel,
        |(entry, declared), sc: &mut CollectScratch| collect_one(ctx, &src, entry, declared, sc),
    )
}

/// An application to collect: id, eligibility, requested amount, table index.
type Entry = (String, Eligibility, Option<Decimal>, Option<u32>);

/// What [`collect_one`] reads: the table, its rows by application, the criteria map.
struct Rows<'t> {
    table: &'t ScoreTable,
    /// Runs of table application `a`: positions `start[a]..start[a + 1]` (of `bucket`, or
    /// of the table's runs themselves when they are grouped by application).
    start: Vec<u32>,
    bucket: Option<Vec<u32>>,
    /// Table criterion → scheme criterion.
    crit_map: Vec<Option<usize>>,
    conflict_pairs: HashSet<(u32, u32), FxBuild>,
    /// Table expert → its place among the table's experts sorted by id.
    expert_rank: Vec<u32>,
}

/// Buffers reused from one application to the next.
#[derive(Default)]
struct CollectScratch {
    slot_of: Vec<u32>,
    local: Vec<u32>,
    /// Table values ([`EMPTY`]: none) by (expert slot, criterion).
    cells: Vec<CellValue>,
    dup: Vec<Option<usize>>,
    excluded: BTreeMap<u32, usize>,
    cat_units: Vec<i128>,
    /// One expert's decimal subtotals, when the work does not keep them.
    cat_dec: Vec<Decimal>,
    unknown: BTreeMap<u32, usize>,
}

/// Rows at least this many before the per-application work is shared between threads.
const PARALLEL_ROWS: usize = 200_000;

fn collect_one(
    ctx: &Ctx,
    src: &Rows<'_>,
    (id, eligibility, requested, ta): Entry,
    mut declared_here: Vec<&str>,
    sc: &mut CollectScratch,
) -> AppWork {
    let table = src.table;
    let nc = ctx.nc();
    let expert_names = &table.experts.names;
    if sc.slot_of.len() < table.experts.len() {
        sc.slot_of.resize(table.experts.len(), u32::MAX);
    }
    let CollectScratch {
        slot_of,
        local,
        cells,
        dup,
        excluded,
        cat_units,
        cat_dec,
        unknown,
    } = sc;
    let mut w = AppWork {
        id,
        eligibility,
        requested,
        experts: Vec::new(),
        values: Vec::new(),
        cat_sub: Vec::new(),
        totals: Vec::new(),
        cat_u: Vec::new(),
        totals_u: Vec::new(),
        notes: Vec::new(),
        left_out: Vec::new(),
    };
    local.clear();
    cells.clear();
    dup.clear();
    excluded.clear();
    unknown.clear();
    if let Some(ta) = ta {
        let (lo, hi) = (
            src.start[ta as usize] as usize,
            src.start[ta as usize + 1] as usize,
        );
        let mut run = |ri: usize| {
            let (app, expert, run_cells) = table.run(ri);
            if !src.conflict_pairs.is_empty() && src.conflict_pairs.contains(&(app, expert)) {
                *excluded.entry(expert).or_default() += run_cells.len();
                return;
            }
            let mut sl = slot_of[expert as usize];
            for (crit, v) in run_cells {
                let Some(c) = src.crit_map[crit as usize] else {
                    *unknown.entry(crit).or_default() += 1;
                    continue;
                };
                if sl == u32::MAX {
                    sl = local.len() as u32;
                    slot_of[expert as usize] = sl;
                    local.push(expert);
                    cells.resize(cells.len() + nc, EMPTY);
                    dup.push(None);
                }
                let s = sl as usize;
                let slot = &mut cells[s * nc + c];
                if *slot == EMPTY {
                    *slot = v;
                } else if *slot != v && dup[s].is_none() && table.value(*slot) != table.value(v) {
                    dup[s] = Some(c);
                }
            }
        };
        match &src.bucket {
            None => (lo..hi).for_each(&mut run),
            Some(bucket) => bucket[lo..hi].iter().for_each(|&ri| run(ri as usize)),
        }
        for &e in local.iter() {
            slot_of[e as usize] = u32::MAX;
        }
    }
    declared_here.sort_unstable();
    declared_here.dedup();
    for e in declared_here {
        let rows = table
            .experts
            .get(e)
            .and_then(|te| excluded.get(&te))
            .copied()
            .unwrap_or(0);
        w.notes.push(format!(
            "conflict of interest declared by expert {e}: {rows} score rows excluded"
        ));
    }
    let mut unknown_named: Vec<(&str, usize)> = unknown
        .iter()
        .map(|(c, n)| (table.criteria.names[*c as usize].as_str(), *n))
        .collect();
    unknown_named.sort_unstable();
    for (name, count) in unknown_named {
        w.notes.push(format!(
            "{count} score rows for criterion \"{name}\", which the rubric does not define, \
             ignored"
        ));
    }
    // Room for every expert at once: growing these by doubling, for thousands of
    // applications, costs more in fresh memory than the values themselves.
    let ne = local.len();
    w.experts.reserve_exact(ne);
    w.values.reserve_exact(ne * nc);
    w.totals.reserve_exact(ne);
    if ctx.units_caps.is_some() {
        w.cat_u.reserve_exact(ne * ctx.ncat());
        w.totals_u.reserve_exact(ne);
    } else {
        w.cat_sub.reserve_exact(ne * ctx.ncat());
    }
    let mut ord: Vec<usize> = (0..local.len()).collect();
    ord.sort_unstable_by_key(|&sl| src.expert_rank[local[sl] as usize]);
    for sl in ord {
        let e = local[sl];
        let name = &expert_names[e as usize];
        if let Some(c) = dup[sl] {
            w.leave_out(
                LeftOutWhy::TwoValues,
                format!(
                    "expert {name} excluded: two different values for criterion {}",
                    ctx.crit_ids[c]
                ),
            );
            continue;
        }
        let row = &cells[sl * nc..(sl + 1) * nc];
        let missing: Vec<&str> = (0..nc)
            .filter(|&c| row[c] == EMPTY)
            .map(|c| ctx.crit_ids[c].as_str())
            .collect();
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().take(8).copied().collect();
            let more = if missing.len() > shown.len() {
                ", …"
            } else {
                ""
            };
            w.leave_out(
                LeftOutWhy::Missing,
                format!(
                    "expert {name} excluded: scored {} of {nc} criteria (missing {}{more})",
                    nc - missing.len(),
                    shown.join(", ")
                ),
            );
            continue;
        }
        w.experts.push(e);
        cat_units.clear();
        cat_units.resize(ctx.ncat(), 0);
        for (c, &v) in row.iter().enumerate() {
            // The usual value: a small non-negative decimal within the criterion's max.
            let fast = table
                .scaled(v, ctx.sv)
                .filter(|u| (0..=ctx.max_units[c]).contains(u));
            let units = match fast {
                Some(u) => u,
                None => slow_units(ctx, c, table.value(v), name, &mut w.notes),
            };
            w.values.push(units);
            cat_units[ctx.crit_cat[c]] += i128::from(ctx.weighted_units(c, units));
        }
        let mut uncapped: Option<i64> = None;
        if let Some((caps, total_cap)) = &ctx.units_caps {
            // The same caps as `cap` below, in units (exact: the caps are whole units).
            let (mut regular, mut bonus) = (0i64, 0i64);
            let mut capped = false;
            for (k, &u) in cat_units.iter().enumerate() {
                let u = i64::try_from(u).unwrap_or(i64::MAX);
                let v = u.min(caps[k]);
                capped |= v < u;
                w.cat_u.push(v);
                if ctx.cat_bonus[k] {
                    bonus += v;
                } else {
                    regular += v;
                }
            }
            capped |= regular > *total_cap;
            w.totals_u.push(regular.min(*total_cap) + bonus);
            if !capped && ctx.ncat() > 0 {
                uncapped = Some(regular + bonus);
            }
        }
        let total = match uncapped {
            // Nothing capped: `cap` would only add the subtotals up (all at scale `swv`).
            Some(t) => dec_from_i128(i128::from(t), ctx.swv),
            None => {
                // The decimal subtotals, capped (with notes). The work keeps them only when
                // `panel_by_total` combines them (no `units_caps`: it combines `cat_u`
                // otherwise); else they are a scratch buffer's, for the capped total.
                let subs = if ctx.units_caps.is_some() {
                    cat_dec.clear();
                    &mut *cat_dec
                } else {
                    &mut w.cat_sub
                };
                let base = subs.len();
                subs.extend(cat_units.iter().map(|u| dec_from_i128(*u, ctx.swv)));
                cap(
                    ctx,
                    &mut subs[base..],
                    &format_args!("expert {name}"),
                    &mut w.notes,
                )
            }
        };
        w.totals.push(total);
    }
    w
}

/// An expert's value for criterion `c` in units of `10^-sv`: rounded to `sv` decimal
/// places, negatives clamped to 0, values above the criterion's max clamped to it, each
/// with a note.
fn slow_units(ctx: &Ctx, c: usize, raw: Decimal, name: &str, notes: &mut Vec<String>) -> i64 {
    let v = if raw.scale() > ctx.sv {
        let r = round_value(raw, ctx.sv, Rounding::HalfUp);
        notes.push(format!(
            "expert {name} {}: {raw} rounded to {r} ({} decimal places)",
            ctx.crit_ids[c], ctx.sv
        ));
        r
    } else {
        raw
    };
    if v.is_sign_negative() && !v.is_zero() {
        notes.push(format!(
            "expert {name} {}: {v} clamped to 0",
            ctx.crit_ids[c]
        ));
        0
    } else {
        match to_units(v, ctx.sv) {
            Some(u) if u <= ctx.max_units[c] => u,
            _ => {
                notes.push(format!(
                    "expert {name} {}: {v} clamped to the criterion max {}",
                    ctx.crit_ids[c], ctx.crit_max[c]
                ));
                ctx.max_units[c]
            }
        }
    }
}

fn describe(ctx: &Ctx, s: &Settings) -> Vec<String> {
    let mut notes = vec![format!(
        "official method: {} by {}; rounding {} at {} digits; quorum {}; threshold {}",
        s.method,
        s.by,
        s.rounding,
        s.digits,
        s.quorum,
        s.threshold.map_or("none".to_string(), |t| t.to_string())
    )];
    if s.method == Method::Trimmed {
        notes.push(format!(
            "trimmed mean: the {k} highest and {k} lowest values are dropped when there are at \
             least {min} valid values, otherwise the plain mean is used; among tied extremes \
             the low drop is the expert whose id sorts first, the high drop the expert whose id \
             sorts last",
            k = ctx.k,
            min = ctx.k.saturating_mul(2).saturating_add(1)
        ));
    }
    notes.push(
        "calibration (normalized): each expert's values as z-scores over the applications they \
         scored, mean z per application mapped back as panel mean + z × panel standard \
         deviation of all raw values; shown beside the official total"
            .to_string(),
    );
    if s.resamples > 0 {
        notes.push(format!(
            "p_shortlist: bootstrap over each application's valid experts' totals, {} draws, \
             seed {}; quota and threshold only (budget ignored); advisory",
            s.resamples, s.seed
        ));
    }
    notes
}

pub(crate) fn run(
    scheme: &Scheme,
    apps: &[AppInfo],
    conflicts: &[(String, String)],
    table: &ScoreTable,
    s: &Settings,
) -> Results {
    let parallel = table.len() >= PARALLEL_ROWS && rayon::current_num_threads() >= 2;
    run_with(scheme, apps, conflicts, table, s, parallel)
}

/// [`run`], sharing the per-application work between rayon's threads or not (the results
/// are the same either way).
pub(crate) fn run_with(
    scheme: &Scheme,
    apps: &[AppInfo],
    conflicts: &[(String, String)],
    table: &ScoreTable,
    s: &Settings,
    parallel: bool,
) -> Results {
    let mut notes = Vec::new();
    let row_scale = table.max_scale();
    let mut ctx = prepare(scheme, s, row_scale, &mut notes);
    ctx.parallel = parallel;
    let mut works = collect(&ctx, apps, conflicts, table, &mut notes);
    let expert_names = &table.experts.names;

    let want_norm_values = s.resamples > 0 && s.method == Method::Normalized;
    let norm = normalize::normalized(&ctx, &mut works, table.experts.len(), want_norm_values);
    let official = s.method != Method::Normalized;
    let per_app: Vec<(Option<Panel>, Vec<Flag>)> = per_application(
        works.iter().collect(),
        ctx.parallel,
        |w, sc: &mut Scratch| {
            let panel = official
                .then(|| match ctx.by {
                    By::Criterion => panel_by_criterion(&ctx, w, sc),
                    By::Total => panel_by_total(&ctx, w, ctx.method, true, sc),
                })
                .flatten();
            (panel, flags(&ctx, w, expert_names))
        },
    );
    let (panels, flag_lists): (Vec<Option<Panel>>, Vec<Vec<Flag>>) = per_app.into_iter().unzip();
    let panels = if official {
        panels
    } else {
        norm.panels.clone()
    };
    let dec = decide(&works, &panels, s);
    let calibration_changes = if s.method == Method::Normalized {
        Vec::new()
    } else {
        let cal = decide(&works, &norm.panels, s);
        let mut ids: Vec<String> = (0..works.len())
            .filter(|&i| cal.shortlisted[i] != dec.shortlisted[i])
            .map(|i| works[i].id.clone())
            .collect();
        ids.sort();
        ids
    };

    let mut p_short: Vec<Option<f64>> = vec![None; works.len()];
    if s.resamples > 0 {
        let idx: Vec<usize> = (0..works.len())
            .filter(|&i| matches!(dec.status[i], Status::Ranked | Status::BelowThreshold))
            .collect();
        let cands: Vec<Vec<f64>> = idx
            .iter()
            .map(|&i| {
                if s.method == Method::Normalized {
                    norm.expert_values[i].clone()
                } else {
                    works[i]
                        .totals
                        .iter()
                        .map(|t| t.to_f64().unwrap_or(0.0))
                        .collect()
                }
            })
            .collect();
        let cfg = BootConfig {
            method: s.method,
            k: s.trim,
            digits: s.digits,
            rounding: s.rounding,
            threshold: s
                .threshold
                .map_or(f64::NEG_INFINITY, |t| t.to_f64().unwrap_or(0.0)),
            quota: s.quota,
            resamples: s.resamples,
            seed: s.seed,
            parallel: ctx.parallel,
        };
        let p = bootstrap::p_shortlist(&cands, &cfg);
        for (j, &i) in idx.iter().enumerate() {
            p_short[i] = Some(p[j]);
        }
    }

    let items: Vec<(usize, AppWork, Option<Panel>, Vec<Flag>)> = works
        .into_iter()
        .zip(panels)
        .zip(flag_lists)
        .enumerate()
        .map(|(i, ((w, p), f))| (i, w, p, f))
        .collect();
    let built = per_application(
        items,
        ctx.parallel,
        |(i, mut w, panel, mut flags), _: &mut ()| {
            let status = dec.status[i];
            if dec.tie_at_cut[i] {
                flags.push(Flag::TieAtCut);
            }
            if dec.budget_exhausted[i] {
                flags.push(Flag::BudgetExhausted);
            }
            let mut app_notes = std::mem::take(&mut w.notes);
            let (criteria, categories, total, dropped) = match panel {
                Some(p) => {
                    app_notes.extend(p.notes);
                    let criteria = ctx.crit_ids.iter().cloned().zip(p.crit).collect();
                    let categories = ctx.cat_ids.iter().cloned().zip(p.cat).collect();
                    let dropped = p
                        .dropped
                        .iter()
                        .map(|d| Dropped {
                            expert: expert_names[d.expert as usize].clone(),
                            criterion: d.criterion.map(|c| ctx.crit_ids[c].clone()),
                            value: d.value,
                            side: d.side,
                        })
                        .collect();
                    (criteria, categories, Some(p.total), dropped)
                }
                None => (BTreeMap::new(), BTreeMap::new(), None, Vec::new()),
            };
            if status == Status::Incomplete {
                app_notes.push(format!(
                    "incomplete: {} valid experts, quorum {}",
                    w.experts.len(),
                    s.quorum
                ));
            }
            if let (true, true, Some(f)) = (dec.shortlisted[i], s.fixed_award, dec.funding[i]) {
                if w.requested.is_some_and(|r| r != f) {
                    app_notes.push(format!(
                        "asked for {} 万元; the track's award is a fixed sum of {} 万元",
                        w.requested.unwrap_or_default().normalize(),
                        f.normalize()
                    ));
                }
            }
            if dec.shortlisted[i] && matches!(w.eligibility, Eligibility::Unchecked) {
                app_notes.push("shortlisted with eligibility unchecked".to_string());
            }
            let expert_totals = w
                .experts
                .iter()
                .zip(&w.totals)
                .map(|(e, t)| (expert_names[*e as usize].clone(), *t))
                .collect();
            let ineligible_reasons = match &w.eligibility {
                Eligibility::Ineligible(r) => r.clone(),
                _ => Vec::new(),
            };
            Some(AppResult {
                rank: dec.rank[i],
                id: std::mem::take(&mut w.id),
                status,
                eligibility: w.eligibility.status(),
                ineligible_reasons,
                total,
                experts: w.experts.len(),
                criteria,
                categories,
                expert_totals,
                dropped,
                calibrated_total: norm.panels[i].as_ref().map(|p| p.total),
                p_shortlist: p_short[i],
                shortlisted: dec.shortlisted[i],
                funding_wan: dec.funding[i],
                flags,
                notes: app_notes,
                open_gates: Vec::new(),
                left_out: std::mem::take(&mut w.left_out),
            })
        },
    );
    let mut built = built;
    let applications: Vec<AppResult> = dec.order.iter().filter_map(|&i| built[i].take()).collect();
    let mut all_notes = describe(&ctx, s);
    all_notes.extend(notes);
    let provisional = super::provisional::reasons(&applications, s, ctx.max_total);
    Results {
        settings: SettingsEcho::from(s),
        applications,
        calibration_changes,
        budget_used_wan: dec.budget_used,
        provisional,
        notes: all_notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{CategorySpec, CriterionSpec};
    use proptest::prelude::*;

    fn scheme() -> Scheme {
        Scheme {
            criteria: vec![
                CriterionSpec::new("A1", "A", Decimal::from(10)),
                CriterionSpec {
                    weight: Decimal::new(15, 1),
                    ..CriterionSpec::new("A2", "A", Decimal::from(20))
                },
                CriterionSpec::new("B1", "B", Decimal::new(55, 1)),
                CriterionSpec::new("X1", "X", Decimal::from(5)),
            ],
            categories: vec![
                CategorySpec::new("A", Decimal::from(35)),
                CategorySpec::new("B", Decimal::from(5)),
                CategorySpec::bonus("X", Decimal::from(3)),
            ],
            total_max: Decimal::from(40),
            tie_break: vec!["A".into(), "B1".into()],
        }
    }

    /// Disagreement and outlier shares: whole, fractional, zero, above one.
    const SHARES: [Decimal; 5] = [
        Decimal::from_parts(3, 0, 0, false, 1),
        Decimal::from_parts(333, 0, 0, false, 3),
        Decimal::ZERO,
        Decimal::from_parts(105, 0, 0, false, 2),
        Decimal::from_parts(15, 0, 0, false, 2),
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Sharing the per-application work between threads changes nothing.
        #[test]
        fn parallel_and_sequential_runs_agree(
            rows in prop::collection::vec(
                (0u8..12, 0u8..6, 0u8..5, -4i64..240, 0u32..3),
                0..400,
            ),
            conflicts in prop::collection::vec((0u8..12, 0u8..6), 0..4),
            method in 0usize..4,
            by_total in any::<bool>(),
            quota in 0usize..6,
            shares in (0usize..5, 0usize..5),
        ) {
            let crits = ["A1", "A2", "B1", "X1", "Z9"];
            let mut table = ScoreTable::new();
            for (a, e, c, v, scale) in rows {
                table.push(
                    &format!("P{a:02}"),
                    &format!("E{e}"),
                    crits[c as usize],
                    Decimal::new(v, scale),
                );
            }
            let apps: Vec<AppInfo> = (0..8)
                .map(|i| AppInfo {
                    id: format!("P{i:02}"),
                    eligibility: if i == 3 {
                        Eligibility::Ineligible(vec!["gate".into()])
                    } else {
                        Eligibility::Eligible
                    },
                    requested_wan: Some(Decimal::from(10 + i)),
                })
                .collect();
            let conflicts: Vec<(String, String)> = conflicts
                .into_iter()
                .map(|(a, e)| (format!("P{a:02}"), format!("E{e}")))
                .collect();
            let settings = Settings {
                method: [Method::Mean, Method::Trimmed, Method::Median, Method::Normalized][method],
                by: if by_total { By::Total } else { By::Criterion },
                quorum: 2,
                quota: Some(quota),
                budget_wan: Some(Decimal::from(40)),
                resamples: 20,
                disagreement_range_share: SHARES[shares.0],
                outlier_total_share: SHARES[shares.1],
                ..Settings::default()
            };
            let seq = run_with(&scheme(), &apps, &conflicts, &table, &settings, false);
            let par = run_with(&scheme(), &apps, &conflicts, &table, &settings, true);
            prop_assert_eq!(&seq, &par);
            // Nor does the number of threads.
            let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
            let par3 = pool.install(|| {
                run_with(&scheme(), &apps, &conflicts, &table, &settings, true)
            });
            prop_assert_eq!(&seq, &par3);
        }
    }
}
