//! The pipeline proper: expert values → panel values → flags → status, rank, shortlist.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::bootstrap::{self, BootConfig};
use super::method::{
    combine, combine_units, dec_from_i128, floor_units, round_ratio, round_value, to_units, trims,
    Ratio, POW10_I64,
};
use super::normalize;
use super::table::{unpack, FxBuild, ScoreTable, Val};

/// No value (in a [`CollectScratch`]'s cells): never a packed value.
const EMPTY: u32 = u32::MAX;
use super::{
    AppInfo, AppResult, By, Dropped, Eligibility, Method, Results, Rounding, Scheme, Settings,
    SettingsEcho, Side, FLAG_BUDGET_EXHAUSTED, FLAG_DISAGREEMENT, FLAG_OUTLIER, FLAG_TIE_AT_CUT,
    STATUS_BELOW_THRESHOLD, STATUS_INCOMPLETE, STATUS_INELIGIBLE, STATUS_RANKED,
};

/// Largest criterion/category/total max accepted (larger values are clamped, with a note),
/// so that no sum, square or product of the pipeline can overflow.
const LIMIT_MAX: i64 = 10_000;
/// Largest criterion weight accepted.
const LIMIT_WEIGHT: i64 = 100;
/// Decimal places kept of expert values and maxima (finer digits are rounded, with a note).
const MAX_VALUE_DIGITS: u32 = 6;
/// Decimal places kept of weights.
const MAX_WEIGHT_DIGITS: u32 = 4;

#[derive(Debug, Clone, Copy)]
pub(crate) enum TieKey {
    Criterion(usize),
    Category(usize),
}

/// The scheme in index form, plus the settings the panel computations need.
pub(crate) struct Ctx {
    pub(crate) crit_ids: Vec<String>,
    pub(crate) crit_max: Vec<Decimal>,
    pub(crate) crit_w: Vec<Decimal>,
    crit_w_one: Vec<bool>,
    /// Expert values are held as integers in units of `10^-sv` (exact fixed point).
    pub(crate) sv: u32,
    /// Scale of weighted values: `sv` + the weights' decimal places.
    pub(crate) swv: u32,
    /// Criterion maxima in units of `10^-sv`.
    pub(crate) max_units: Vec<i64>,
    /// Weights in units of `10^-(swv - sv)`.
    pub(crate) w_units: Vec<i64>,
    /// The disagreement limits (`disagreement_range_share × max`) as [`floor_units`] of
    /// `10^-sv`: a range of `x` units exceeds the limit exactly when `x > disagree_units`.
    disagree_units: Vec<i128>,
    /// `outlier_total_share`.
    outlier_share: Decimal,
    pub(crate) crit_cat: Vec<usize>,
    crit_index: HashMap<String, usize>,
    pub(crate) cat_ids: Vec<String>,
    pub(crate) cat_max: Vec<Decimal>,
    pub(crate) cat_bonus: Vec<bool>,
    pub(crate) total_max: Decimal,
    /// `total_max` + Σ bonus category maxima.
    pub(crate) max_total: Decimal,
    pub(crate) tie: Vec<TieKey>,
    pub(crate) method: Method,
    pub(crate) k: usize,
    pub(crate) by: By,
    digits: u32,
    rounding: Rounding,
    /// Share the per-application work between two threads (large panels).
    pub(crate) parallel: bool,
    /// The official panel values, flags and the calibration pass's base are computed as
    /// each application is collected, and its values are not kept (`By::Total` with an
    /// official method that is not `Normalized`: nothing later needs them).
    fused: bool,
    /// Category maxima and `total_max` in units of `10^-swv`, when exact (and rounding is
    /// not `none`): the experts' capped subtotals and totals are then also kept as integers
    /// and combined as exact fractions (the same numbers as the decimal path, faster).
    units_caps: Option<(Vec<i64>, i64)>,
}

impl Ctx {
    pub(crate) fn nc(&self) -> usize {
        self.crit_ids.len()
    }

    pub(crate) fn ncat(&self) -> usize {
        self.cat_ids.len()
    }

    pub(crate) fn round(&self, v: Decimal) -> Decimal {
        round_value(v, self.digits, self.rounding)
    }

    /// Rounds an exact fraction (integer arithmetic).
    pub(crate) fn round_ratio(&self, r: Ratio) -> Decimal {
        round_ratio(r, self.digits, self.rounding)
    }

    /// `round(weight × v)`.
    pub(crate) fn weighted(&self, c: usize, v: Decimal) -> Decimal {
        if self.crit_w_one[c] {
            v
        } else {
            self.round(self.crit_w[c] * v)
        }
    }

    /// `weight × v` in units of `10^-swv`, exact.
    fn weighted_units(&self, c: usize, v: i64) -> i64 {
        v * self.w_units[c]
    }

    /// A value in units of `10^-sv` as a decimal.
    pub(crate) fn dec(&self, v: i64) -> Decimal {
        dec_from_i128(i128::from(v), self.sv)
    }
}

fn sane(v: Decimal, limit: i64, what: &str, notes: &mut Vec<String>) -> Decimal {
    let limit = Decimal::from(limit);
    if v < Decimal::ZERO {
        notes.push(format!("{what}: negative value {v} treated as 0"));
        Decimal::ZERO
    } else if v > limit {
        notes.push(format!(
            "{what}: {v} exceeds the supported limit {limit}; {limit} used"
        ));
        limit
    } else {
        v
    }
}

/// Rounds `v` to `digits` decimal places when it has more (noted).
fn limit_digits(v: Decimal, digits: u32, what: &str, notes: &mut Vec<String>) -> Decimal {
    if v.scale() > digits {
        let r = v.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero);
        notes.push(format!(
            "{what}: {v} rounded to {r} ({digits} decimal places)"
        ));
        r
    } else {
        v
    }
}

/// `row_scale`: the largest number of decimal places among the score values.
fn prepare(scheme: &Scheme, s: &Settings, row_scale: u32, notes: &mut Vec<String>) -> Ctx {
    let mut cat_index: HashMap<String, usize> = HashMap::new();
    let mut cat_ids = Vec::new();
    let mut cat_max = Vec::new();
    let mut cat_bonus = Vec::new();
    let mut implicit = Vec::new();
    for cat in &scheme.categories {
        if cat_index.contains_key(&cat.id) {
            notes.push(format!(
                "scheme: category \"{}\" is listed twice; the first entry is used",
                cat.id
            ));
            continue;
        }
        cat_index.insert(cat.id.clone(), cat_ids.len());
        cat_ids.push(cat.id.clone());
        cat_max.push(sane(
            cat.max,
            LIMIT_MAX,
            &format!("scheme: max of category \"{}\"", cat.id),
            notes,
        ));
        cat_bonus.push(cat.bonus);
        implicit.push(false);
    }
    let mut crit_index: HashMap<String, usize> = HashMap::new();
    let mut crit_ids = Vec::new();
    let mut crit_max = Vec::new();
    let mut crit_w = Vec::new();
    let mut crit_cat = Vec::new();
    for crit in &scheme.criteria {
        if crit_index.contains_key(&crit.id) {
            notes.push(format!(
                "scheme: criterion \"{}\" is listed twice; the first entry is used",
                crit.id
            ));
            continue;
        }
        let cat = match cat_index.get(&crit.category) {
            Some(&k) => k,
            None => {
                notes.push(format!(
                    "scheme: criterion \"{}\" names category \"{}\", which the scheme does not \
                     define; it is treated as a non-bonus category capped at the sum of its \
                     criteria",
                    crit.id, crit.category
                ));
                let k = cat_ids.len();
                cat_index.insert(crit.category.clone(), k);
                cat_ids.push(crit.category.clone());
                cat_max.push(Decimal::ZERO);
                cat_bonus.push(false);
                implicit.push(true);
                k
            }
        };
        crit_index.insert(crit.id.clone(), crit_ids.len());
        crit_ids.push(crit.id.clone());
        let what = format!("scheme: max of criterion \"{}\"", crit.id);
        let max = sane(crit.max, LIMIT_MAX, &what, notes);
        crit_max.push(limit_digits(max, MAX_VALUE_DIGITS, &what, notes));
        let what = format!("scheme: weight of criterion \"{}\"", crit.id);
        let weight = sane(crit.weight, LIMIT_WEIGHT, &what, notes);
        crit_w.push(limit_digits(weight, MAX_WEIGHT_DIGITS, &what, notes));
        crit_cat.push(cat);
    }
    for (c, &k) in crit_cat.iter().enumerate() {
        if implicit[k] {
            cat_max[k] += crit_max[c] * crit_w[c];
        }
    }
    let total_max = sane(scheme.total_max, LIMIT_MAX, "scheme: total_max", notes);
    let bonus_max: Decimal = cat_max
        .iter()
        .zip(&cat_bonus)
        .filter(|(_, &b)| b)
        .map(|(m, _)| *m)
        .sum();
    let mut tie = Vec::new();
    for id in &scheme.tie_break {
        if let Some(&c) = crit_index.get(id) {
            tie.push(TieKey::Criterion(c));
        } else if let Some(&k) = cat_index.get(id) {
            tie.push(TieKey::Category(k));
        } else {
            notes.push(format!(
                "scheme: tie-break id \"{id}\" is neither a criterion nor a category; ignored"
            ));
        }
    }
    let crit_w_one = crit_w.iter().map(|w| *w == Decimal::ONE).collect();
    let sv = crit_max
        .iter()
        .map(Decimal::scale)
        .chain([row_scale.min(MAX_VALUE_DIGITS)])
        .max()
        .unwrap_or(0);
    let sw = crit_w.iter().map(Decimal::scale).max().unwrap_or(0);
    // Scales and magnitudes are bounded above, so these conversions cannot fail.
    let max_units = crit_max
        .iter()
        .map(|m| to_units(*m, sv).unwrap_or(i64::MAX))
        .collect();
    let w_units = crit_w
        .iter()
        .map(|w| to_units(*w, sw).unwrap_or(0))
        .collect();
    let swv = sv + sw;
    let units_caps = if matches!(s.rounding, Rounding::None) || units_off() {
        None
    } else {
        let caps: Option<Vec<i64>> = cat_max.iter().map(|m| to_units(*m, swv)).collect();
        caps.zip(to_units(total_max, swv))
    };
    let disagree_units = crit_max
        .iter()
        .map(|m| {
            let limit = s
                .disagreement_range_share
                .checked_mul(*m)
                .unwrap_or(Decimal::MAX);
            floor_units(limit, sv)
        })
        .collect();
    Ctx {
        crit_ids,
        crit_max,
        crit_w,
        crit_w_one,
        sv,
        swv: sv + sw,
        max_units,
        w_units,
        disagree_units,
        outlier_share: s.outlier_total_share,
        crit_cat,
        crit_index,
        cat_ids,
        cat_max,
        cat_bonus,
        total_max,
        max_total: total_max + bonus_max,
        tie,
        method: s.method,
        k: s.trim,
        by: s.by,
        digits: s.digits,
        rounding: s.rounding,
        parallel: false,
        fused: s.by == By::Total && s.method != Method::Normalized && !fused_off(),
        units_caps,
    }
}

/// One application with its valid experts' (clamped) values.
pub(crate) struct AppWork {
    pub(crate) id: String,
    eligibility: Eligibility,
    requested: Option<Decimal>,
    /// Valid experts (table expert indices), sorted by expert id.
    pub(crate) experts: Vec<u32>,
    /// `experts.len() × nc`, clamped, unweighted, in units of `10^-sv`.
    pub(crate) values: Vec<i64>,
    /// `experts.len() × ncat`, the experts' capped category subtotals.
    pub(crate) cat_sub: Vec<Decimal>,
    /// The experts' capped totals.
    pub(crate) totals: Vec<Decimal>,
    /// `cat_sub` and `totals` in units of `10^-swv` (when `Ctx::units_caps`; else empty).
    cat_u: Vec<i64>,
    totals_u: Vec<i64>,
    notes: Vec<String>,
    /// With [`Ctx::fused`]: what was computed as it was collected (`values` is then empty).
    pub(crate) pre: Option<Pre>,
}

/// An application's panel values, flags and calibration base, computed as it is collected.
pub(crate) struct Pre {
    panel: Option<Panel>,
    flags: Vec<String>,
    /// [`panel_by_total`] with `Method::Mean` and no per-criterion means: the base of the
    /// calibration pass.
    pub(crate) cal: Option<Panel>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct DropIdx {
    expert: u32,
    criterion: Option<usize>,
    value: Decimal,
    side: Side,
}

/// A panel result for one application.
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub(crate) crit: Vec<Decimal>,
    pub(crate) cat: Vec<Decimal>,
    pub(crate) total: Decimal,
    pub(crate) key: Vec<Decimal>,
    pub(crate) dropped: Vec<DropIdx>,
    pub(crate) notes: Vec<String>,
}

#[derive(Default)]
pub(crate) struct Scratch {
    col: Vec<Decimal>,
    units: Vec<i64>,
    order: Vec<usize>,
}

/// Caps categories (in place) and the total; returns the capped total.
fn cap(
    ctx: &Ctx,
    cats: &mut [Decimal],
    who: &dyn std::fmt::Display,
    notes: &mut Vec<String>,
) -> Decimal {
    let mut regular = Decimal::ZERO;
    let mut bonus = Decimal::ZERO;
    for (k, v) in cats.iter_mut().enumerate() {
        if *v > ctx.cat_max[k] {
            notes.push(format!(
                "{who}: category {} {} capped at {}",
                ctx.cat_ids[k], *v, ctx.cat_max[k]
            ));
            *v = ctx.cat_max[k];
        }
        if ctx.cat_bonus[k] {
            bonus += *v;
        } else {
            regular += *v;
        }
    }
    if regular > ctx.total_max {
        notes.push(format!(
            "{who}: total {regular} capped at {} (bonus categories added on top)",
            ctx.total_max
        ));
        regular = ctx.total_max;
    }
    regular + bonus
}

/// Category subtotals, total and tie-break key from rounded weighted criterion values.
pub(crate) fn finish_criteria(
    ctx: &Ctx,
    crit: Vec<Decimal>,
    weighted: Vec<Decimal>,
    dropped: Vec<DropIdx>,
    mut notes: Vec<String>,
) -> Panel {
    let mut cat = vec![Decimal::ZERO; ctx.ncat()];
    for (c, v) in weighted.iter().enumerate() {
        cat[ctx.crit_cat[c]] += *v;
    }
    let total = cap(ctx, &mut cat, &"panel", &mut notes);
    let key = ctx
        .tie
        .iter()
        .map(|t| match *t {
            TieKey::Criterion(c) => weighted[c],
            TieKey::Category(k) => cat[k],
        })
        .collect();
    Panel {
        crit,
        cat,
        total,
        key,
        dropped,
        notes,
    }
}

fn trim_note(ctx: &Ctx, n: usize, what: &str) -> Option<String> {
    (ctx.method == Method::Trimmed && !trims(n, ctx.k)).then(|| {
        format!(
            "trimmed mean ({what}): {n} valid scores, trimming {k} high and {k} low needs at \
             least {min}; plain mean used",
            k = ctx.k,
            min = ctx.k.saturating_mul(2).saturating_add(1)
        )
    })
}

fn push_dropped(
    out: &mut Vec<DropIdx>,
    k: usize,
    order: &[usize],
    value: impl Fn(usize) -> Decimal,
    experts: &[u32],
    criterion: Option<usize>,
) {
    let n = order.len();
    for &p in &order[..k] {
        out.push(DropIdx {
            expert: experts[p],
            criterion,
            value: value(p),
            side: Side::Low,
        });
    }
    for &p in order[n - k..].iter().rev() {
        out.push(DropIdx {
            expert: experts[p],
            criterion,
            value: value(p),
            side: Side::High,
        });
    }
}

/// `By::Criterion` with a per-set method (mean, trimmed, median).
fn panel_by_criterion(ctx: &Ctx, w: &AppWork, sc: &mut Scratch) -> Option<Panel> {
    let n = w.experts.len();
    let nc = ctx.nc();
    if n == 0 {
        return None;
    }
    let mut crit = Vec::with_capacity(nc);
    let mut weighted = Vec::with_capacity(nc);
    let mut dropped = Vec::new();
    for c in 0..nc {
        sc.units.clear();
        sc.units.extend((0..n).map(|i| w.values[i * nc + c]));
        let comb = combine_units(ctx.method, ctx.k, &sc.units, ctx.sv, &mut sc.order)?;
        if comb.trimmed {
            let units = &sc.units;
            let value = |p: usize| ctx.dec(units[p]);
            push_dropped(&mut dropped, ctx.k, &sc.order, value, &w.experts, Some(c));
        }
        let r = ctx.round_ratio(comb.value);
        crit.push(r);
        weighted.push(ctx.weighted(c, r));
    }
    let notes = trim_note(ctx, n, "per criterion").into_iter().collect();
    Some(finish_criteria(ctx, crit, weighted, dropped, notes))
}

/// `By::Total` with `method` (the official one, or `Mean` for the normalized display);
/// the per-criterion means only `with_crit` (else `crit` is empty: a calibration pass
/// that is not the official one needs only the total, the categories and the key).
pub(crate) fn panel_by_total(
    ctx: &Ctx,
    w: &AppWork,
    method: Method,
    with_crit: bool,
    sc: &mut Scratch,
) -> Option<Panel> {
    let n = w.experts.len();
    let nc = ctx.nc();
    let ncat = ctx.ncat();
    if n == 0 {
        return None;
    }
    let units = ctx.units_caps.is_some() && w.totals_u.len() == n;
    let (total, trimmed) = if units {
        let comb = combine_units(method, ctx.k, &w.totals_u, ctx.swv, &mut sc.order)?;
        (ctx.round_ratio(comb.value), comb.trimmed)
    } else {
        let comb = combine(method, ctx.k, &w.totals, &mut sc.order)?;
        (ctx.round(comb.value), comb.trimmed)
    };
    let mut dropped = Vec::new();
    if trimmed {
        let value = |p: usize| w.totals[p];
        push_dropped(&mut dropped, ctx.k, &sc.order, value, &w.experts, None);
    }
    let mut crit = Vec::with_capacity(if with_crit { nc } else { 0 });
    for c in (0..nc).filter(|_| with_crit) {
        sc.units.clear();
        sc.units.extend((0..n).map(|i| w.values[i * nc + c]));
        let m = combine_units(Method::Mean, 0, &sc.units, ctx.sv, &mut sc.order)
            .map_or(Decimal::ZERO, |c| ctx.round_ratio(c.value));
        crit.push(m);
    }
    let mut cat = Vec::with_capacity(ncat);
    for k in 0..ncat {
        if units {
            sc.units.clear();
            sc.units.extend((0..n).map(|i| w.cat_u[i * ncat + k]));
            let v = combine_units(method, ctx.k, &sc.units, ctx.swv, &mut sc.order)
                .map_or(Decimal::ZERO, |c| ctx.round_ratio(c.value));
            cat.push(v);
        } else {
            sc.col.clear();
            sc.col.extend((0..n).map(|i| w.cat_sub[i * ncat + k]));
            let v =
                combine(method, ctx.k, &sc.col, &mut sc.order).map_or(Decimal::ZERO, |c| c.value);
            cat.push(ctx.round(v));
        }
    }
    let mut key = Vec::with_capacity(ctx.tie.len());
    for t in &ctx.tie {
        key.push(match *t {
            TieKey::Criterion(c) => {
                sc.units.clear();
                sc.units
                    .extend((0..n).map(|i| ctx.weighted_units(c, w.values[i * nc + c])));
                combine_units(method, ctx.k, &sc.units, ctx.swv, &mut sc.order)
                    .map_or(Decimal::ZERO, |c| ctx.round_ratio(c.value))
            }
            TieKey::Category(k) => cat[k],
        });
    }
    let notes = if method == ctx.method {
        trim_note(ctx, n, "expert totals").into_iter().collect()
    } else {
        Vec::new()
    };
    Some(Panel {
        crit,
        cat,
        total,
        key,
        dropped,
        notes,
    })
}

fn flags(ctx: &Ctx, w: &AppWork, expert_names: &[String]) -> Vec<String> {
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
            out.push(format!("{FLAG_DISAGREEMENT}{}", ctx.crit_ids[c]));
        }
    }
    // |T_i − (S − T_i)/(n − 1)| > share × total_max, multiplied through by (n − 1).
    let others = Decimal::from(n - 1);
    let limit = ctx
        .outlier_share
        .checked_mul(ctx.total_max)
        .and_then(|l| l.checked_mul(others))
        .unwrap_or(Decimal::MAX);
    let mut outlier = |i: usize| {
        out.push(format!(
            "{FLAG_OUTLIER}{}",
            expert_names[w.experts[i] as usize]
        ))
    };
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Ranked,
    Incomplete,
    Ineligible,
    Below,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ranked => STATUS_RANKED,
            Status::Incomplete => STATUS_INCOMPLETE,
            Status::Ineligible => STATUS_INELIGIBLE,
            Status::Below => STATUS_BELOW_THRESHOLD,
        }
    }

    fn group(self) -> u8 {
        match self {
            Status::Ranked => 0,
            Status::Incomplete => 1,
            Status::Ineligible => 2,
            Status::Below => 3,
        }
    }
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

fn recommendation(requested: Option<Decimal>, cap: Option<Decimal>) -> Option<Decimal> {
    let requested = requested.map(|r| r.max(Decimal::ZERO));
    let cap = cap.map(|c| c.max(Decimal::ZERO));
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
                Some(p) if s.threshold.is_some_and(|t| p.total < t) => Status::Below,
                Some(_) => Status::Ranked,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        status[a]
            .group()
            .cmp(&status[b].group())
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
            .map(|&i| recommendation(works[i].requested, s.per_award_cap_wan))
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

fn eligibility_str(e: &Eligibility) -> &'static str {
    match e {
        Eligibility::Eligible => "eligible",
        Eligibility::Ineligible(_) => "ineligible",
        Eligibility::Unchecked => "unchecked",
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
    for r in &table.runs {
        start[r.app as usize + 1] += 1;
    }
    for i in 0..na {
        start[i + 1] += start[i];
    }
    let grouped = !table.ungrouped;
    let bucket: Option<Vec<u32>> = (!grouped).then(|| {
        let mut fill = start.clone();
        let mut bucket = vec![0u32; table.runs.len()];
        for (ri, r) in table.runs.iter().enumerate() {
            let slot = &mut fill[r.app as usize];
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
    par_map(
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
    /// Packed values ([`EMPTY`]: none) by (expert slot, criterion).
    cells: Vec<u32>,
    dup: Vec<Option<usize>>,
    excluded: BTreeMap<u32, usize>,
    cat_units: Vec<i128>,
    unknown: BTreeMap<u32, usize>,
    /// The values buffer, when they are not kept ([`Ctx::fused`]).
    values: Vec<i64>,
    panel: Scratch,
}

/// Rows at least this many before the per-application work is shared between threads.
const PARALLEL_ROWS: usize = 200_000;

/// `f` over `items` in order, on two threads when `parallel` (the results are the same
/// either way: each item is computed on its own, with its own scratch `S`).
pub(crate) fn par_map<T: Send, R: Send, S: Default>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T, &mut S) -> R + Sync,
) -> Vec<R> {
    if !parallel || items.len() < 2 {
        let mut sc = S::default();
        return items.into_iter().map(|t| f(t, &mut sc)).collect();
    }
    let n = items.len();
    let mut items = items;
    let second = items.split_off(n / 2);
    let f = &f;
    std::thread::scope(|scope| {
        let other = scope.spawn(move || {
            let mut sc = S::default();
            second
                .into_iter()
                .map(|t| f(t, &mut sc))
                .collect::<Vec<R>>()
        });
        let mut sc = S::default();
        // Room for both halves: the second is appended without a regrowth.
        let mut out: Vec<R> = Vec::with_capacity(n);
        out.extend(items.into_iter().map(|t| f(t, &mut sc)));
        match other.join() {
            Ok(rest) => out.extend(rest),
            Err(e) => std::panic::resume_unwind(e),
        }
        out
    })
}

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
        unknown,
        values,
        panel: panel_scratch,
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
        pre: None,
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
            let r = table.runs[ri];
            let run_cells = table.run_cells(ri);
            if !src.conflict_pairs.is_empty() && src.conflict_pairs.contains(&(r.app, r.expert)) {
                *excluded.entry(r.expert).or_default() += run_cells.len();
                return;
            }
            let mut sl = slot_of[r.expert as usize];
            for cell in run_cells {
                let Some(c) = src.crit_map[cell.crit as usize] else {
                    *unknown.entry(cell.crit).or_default() += 1;
                    continue;
                };
                if sl == u32::MAX {
                    sl = local.len() as u32;
                    slot_of[r.expert as usize] = sl;
                    local.push(r.expert);
                    cells.resize(cells.len() + nc, EMPTY);
                    dup.push(None);
                }
                let s = sl as usize;
                let slot = &mut cells[s * nc + c];
                if *slot == EMPTY {
                    *slot = cell.v;
                } else if *slot != cell.v
                    && dup[s].is_none()
                    && table.value(*slot) != table.value(cell.v)
                {
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
    if ctx.fused {
        w.values = std::mem::take(values);
        w.values.clear();
    }
    w.experts.reserve_exact(ne);
    w.values.reserve_exact(ne * nc);
    w.cat_sub.reserve_exact(ne * ctx.ncat());
    w.totals.reserve_exact(ne);
    if ctx.units_caps.is_some() {
        w.cat_u.reserve_exact(ne * ctx.ncat());
        w.totals_u.reserve_exact(ne);
    }
    let mut ord: Vec<usize> = (0..local.len()).collect();
    ord.sort_unstable_by_key(|&sl| src.expert_rank[local[sl] as usize]);
    for sl in ord {
        let e = local[sl];
        let name = &expert_names[e as usize];
        if let Some(c) = dup[sl] {
            w.notes.push(format!(
                "expert {name} excluded: two different values for criterion {}",
                ctx.crit_ids[c]
            ));
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
            w.notes.push(format!(
                "expert {name} excluded: scored {} of {nc} criteria (missing {}{more})",
                nc - missing.len(),
                shown.join(", ")
            ));
            continue;
        }
        w.experts.push(e);
        cat_units.clear();
        cat_units.resize(ctx.ncat(), 0);
        for (c, &packed) in row.iter().enumerate() {
            // The usual value: a small non-negative decimal within the criterion's max.
            let fast = match unpack(packed) {
                Val::Small { mant, scale } if mant >= 0 && scale <= ctx.sv => POW10_I64
                    .get((ctx.sv - scale) as usize)
                    .and_then(|f| mant.checked_mul(*f))
                    .filter(|u| *u <= ctx.max_units[c]),
                _ => None,
            };
            let units = match fast {
                Some(u) => u,
                None => slow_units(ctx, c, table.value(packed), name, &mut w.notes),
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
        w.cat_sub
            .extend(cat_units.iter().map(|u| dec_from_i128(*u, ctx.swv)));
        let total = match uncapped {
            // Nothing capped: `cap` would only add the subtotals up (all at scale `swv`).
            Some(t) => dec_from_i128(i128::from(t), ctx.swv),
            None => {
                let cbase = w.cat_sub.len() - ctx.ncat();
                cap(
                    ctx,
                    &mut w.cat_sub[cbase..],
                    &format_args!("expert {name}"),
                    &mut w.notes,
                )
            }
        };
        w.totals.push(total);
    }
    if ctx.fused {
        let panel = panel_by_total(ctx, &w, ctx.method, true, panel_scratch);
        let flags = flags(ctx, &w, expert_names);
        let cal = panel_by_total(ctx, &w, Method::Mean, false, panel_scratch);
        w.pre = Some(Pre { panel, flags, cal });
        // Not kept: the next application reuses the buffer.
        *values = std::mem::take(&mut w.values);
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
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parallel = threads >= 2 && table.len() >= PARALLEL_ROWS;
    run_with(scheme, apps, conflicts, table, s, parallel)
}

/// [`run`], sharing the per-application work between two threads or not.
pub(crate) fn run_with(
    scheme: &Scheme,
    apps: &[AppInfo],
    conflicts: &[(String, String)],
    table: &ScoreTable,
    s: &Settings,
    parallel: bool,
) -> Results {
    let mut notes = Vec::new();
    let row_scale = table.max_scale;
    let mut ctx = prepare(scheme, s, row_scale, &mut notes);
    ctx.parallel = parallel;
    let mut works = collect(&ctx, apps, conflicts, table, &mut notes);
    let expert_names = &table.experts.names;

    let want_norm_values = s.resamples > 0 && s.method == Method::Normalized;
    let norm = normalize::normalized(&ctx, &mut works, table.experts.len(), want_norm_values);
    let official = s.method != Method::Normalized;
    let per_app: Vec<(Option<Panel>, Vec<String>)> = if ctx.fused {
        works
            .iter_mut()
            .map(|w| match w.pre.take() {
                Some(pre) => (pre.panel, pre.flags),
                None => (None, Vec::new()),
            })
            .collect()
    } else {
        let idx: Vec<usize> = (0..works.len()).collect();
        par_map(idx, ctx.parallel, |i, sc: &mut Scratch| {
            let w = &works[i];
            let panel = official
                .then(|| match ctx.by {
                    By::Criterion => panel_by_criterion(&ctx, w, sc),
                    By::Total => panel_by_total(&ctx, w, ctx.method, true, sc),
                })
                .flatten();
            (panel, flags(&ctx, w, expert_names))
        })
    };
    let (panels, flag_lists): (Vec<Option<Panel>>, Vec<Vec<String>>) = per_app.into_iter().unzip();
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
            .filter(|&i| matches!(dec.status[i], Status::Ranked | Status::Below))
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

    let items: Vec<(usize, AppWork, Option<Panel>, Vec<String>)> = works
        .into_iter()
        .zip(panels)
        .zip(flag_lists)
        .enumerate()
        .map(|(i, ((w, p), f))| (i, w, p, f))
        .collect();
    let built = par_map(
        items,
        ctx.parallel,
        |(i, mut w, panel, mut flags), _: &mut ()| {
            let status = dec.status[i];
            if dec.tie_at_cut[i] {
                flags.push(FLAG_TIE_AT_CUT.to_string());
            }
            if dec.budget_exhausted[i] {
                flags.push(FLAG_BUDGET_EXHAUSTED.to_string());
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
                status: status.as_str().to_string(),
                eligibility: eligibility_str(&w.eligibility).to_string(),
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
thread_local! {
    /// Tests turn the integer path off to compare it with the decimal one.
    static UNITS_OFF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Tests turn the fused collect off to compare it with the separate passes.
    static FUSED_OFF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the fused collect is off (only ever in tests).
fn fused_off() -> bool {
    #[cfg(test)]
    return FUSED_OFF.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// Whether the integer path for subtotals and totals is off (only ever in tests).
fn units_off() -> bool {
    #[cfg(test)]
    return UNITS_OFF.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
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
        /// Sharing the per-application work between threads changes nothing; nor does the
        /// integer path.
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
            // The integer path for subtotals and totals gives the decimal path's numbers.
            UNITS_OFF.with(|c| c.set(true));
            let dec = run_with(&scheme(), &apps, &conflicts, &table, &settings, false);
            UNITS_OFF.with(|c| c.set(false));
            prop_assert_eq!(&seq, &dec);
            // Computing panel values and flags as each application is collected gives the
            // separate passes' results.
            FUSED_OFF.with(|c| c.set(true));
            let apart = run_with(&scheme(), &apps, &conflicts, &table, &settings, false);
            FUSED_OFF.with(|c| c.set(false));
            prop_assert_eq!(&seq, &apart);
        }
    }
}
