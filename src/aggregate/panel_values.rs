//! One application's panel values: the scheme in index form ([`Ctx`]), an application's
//! valid experts' values ([`AppWork`]), and the panel values computed from them
//! ([`panel_by_total`], [`panel_by_criterion`]): expert values as integers in units of
//! `10^-sv`, combined as exact fractions and rounded once (see [`Ctx::units_caps`] for the
//! one case that combines decimals). Used by the official pipeline ([`super::pipeline`])
//! and the calibration ([`super::normalize`]).

use std::collections::HashMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::method::{
    combine, combine_units, dec_from_i128, floor_units, round_ratio, round_value, to_units, trims,
    Frac, Ratio,
};
use super::{By, Eligibility, Method, Rounding, Scheme, Settings, Side};

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
    pub(crate) crit_w_one: Vec<bool>,
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
    pub(crate) disagree_units: Vec<i128>,
    /// `outlier_total_share`.
    pub(crate) outlier_share: Decimal,
    pub(crate) crit_cat: Vec<usize>,
    pub(crate) crit_index: HashMap<String, usize>,
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
    pub(crate) digits: u32,
    pub(crate) rounding: Rounding,
    /// Share the per-application work between threads (large panels).
    pub(crate) parallel: bool,
    /// Category maxima and `total_max` in units of `10^-swv`, when exact (and rounding is
    /// not `none`): the experts' capped subtotals and totals are then also kept as integers
    /// and combined as exact fractions, rounded once. Otherwise (a cap finer than the
    /// values' scale, or rounding `none`) [`panel_by_total`] and the outlier flag combine
    /// the decimal subtotals and totals instead.
    pub(crate) units_caps: Option<(Vec<i64>, i64)>,
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
    pub(crate) fn weighted_units(&self, c: usize, v: i64) -> i64 {
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

/// Gives `id` the next position in `ids` when it is not listed yet; a repeated `kind` id
/// is noted (the first entry is used) and gets none.
fn first_listing(
    index: &mut HashMap<String, usize>,
    ids: &mut Vec<String>,
    kind: &str,
    id: &str,
    notes: &mut Vec<String>,
) -> bool {
    if index.contains_key(id) {
        notes.push(format!(
            "scheme: {kind} \"{id}\" is listed twice; the first entry is used"
        ));
        return false;
    }
    index.insert(id.to_string(), ids.len());
    ids.push(id.to_string());
    true
}

/// `row_scale`: the largest number of decimal places among the score values.
pub(crate) fn prepare(
    scheme: &Scheme,
    s: &Settings,
    row_scale: u32,
    notes: &mut Vec<String>,
) -> Ctx {
    let mut cat_index: HashMap<String, usize> = HashMap::new();
    let mut cat_ids = Vec::new();
    let mut cat_max = Vec::new();
    let mut cat_bonus = Vec::new();
    let mut implicit = Vec::new();
    for cat in &scheme.categories {
        if !first_listing(&mut cat_index, &mut cat_ids, "category", &cat.id, notes) {
            continue;
        }
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
        if !first_listing(&mut crit_index, &mut crit_ids, "criterion", &crit.id, notes) {
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
    let units_caps = if matches!(s.rounding, Rounding::None) {
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
        units_caps,
    }
}

/// One application with its valid experts' (clamped) values.
pub(crate) struct AppWork {
    pub(crate) id: String,
    pub(crate) eligibility: Eligibility,
    pub(crate) requested: Option<Decimal>,
    /// Valid experts (table expert indices), sorted by expert id.
    pub(crate) experts: Vec<u32>,
    /// `experts.len() × nc`, clamped, unweighted, in units of `10^-sv`.
    pub(crate) values: Vec<i64>,
    /// `experts.len() × ncat`, the experts' capped category subtotals; empty when
    /// `Ctx::units_caps` (then `cat_u` holds them, and nothing reads the decimals).
    pub(crate) cat_sub: Vec<Decimal>,
    /// The experts' capped totals.
    pub(crate) totals: Vec<Decimal>,
    /// `cat_sub` and `totals` in units of `10^-swv` (when `Ctx::units_caps`; else empty).
    pub(crate) cat_u: Vec<i64>,
    pub(crate) totals_u: Vec<i64>,
    pub(crate) notes: Vec<String>,
    /// The notes (also in `notes`) of experts left out because of their scores: two
    /// different values for one criterion, or criteria missing.
    pub(crate) left_out: Vec<super::LeftOut>,
}

impl AppWork {
    /// Notes an expert left out because of their scores, in `notes` and in `left_out`.
    pub(crate) fn leave_out(&mut self, why: super::LeftOutWhy, note: String) {
        self.left_out.push(super::LeftOut {
            why,
            note: note.clone(),
        });
        self.notes.push(note);
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct DropIdx {
    pub(crate) expert: u32,
    pub(crate) criterion: Option<usize>,
    pub(crate) value: Decimal,
    pub(crate) side: Side,
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
    pub(crate) col: Vec<Decimal>,
    pub(crate) units: Vec<i64>,
    pub(crate) order: Vec<usize>,
}

/// Caps categories (in place) and the total; returns the capped total.
pub(crate) fn cap(
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

pub(crate) fn trim_note(ctx: &Ctx, n: usize, what: &str) -> Option<String> {
    (ctx.method == Method::Trimmed && !trims(n, ctx.k)).then(|| {
        format!(
            "trimmed mean ({what}): {n} valid scores, trimming {k} high and {k} low needs at \
             least {min}; plain mean used",
            k = ctx.k,
            min = ctx.k.saturating_mul(2).saturating_add(1)
        )
    })
}

pub(crate) fn push_dropped(
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
pub(crate) fn panel_by_criterion(ctx: &Ctx, w: &AppWork, sc: &mut Scratch) -> Option<Panel> {
    let n = w.experts.len();
    let nc = ctx.nc();
    if n == 0 {
        return None;
    }
    let mut crit = Vec::with_capacity(nc);
    let mut weighted = Vec::with_capacity(nc);
    let mut dropped = Vec::new();
    // Rounding `none`: the weighted values also as exact fractions (see finish_criteria_exact).
    let mut exact = matches!(ctx.rounding, Rounding::None).then(|| Vec::with_capacity(nc));
    for c in 0..nc {
        sc.units.clear();
        sc.units.extend((0..n).map(|i| w.values[i * nc + c]));
        let comb = combine_units(ctx.method, ctx.k, &sc.units, ctx.sv, &mut sc.order)?;
        if comb.trimmed {
            let units = &sc.units;
            let value = |p: usize| ctx.dec(units[p]);
            push_dropped(&mut dropped, ctx.k, &sc.order, value, &w.experts, Some(c));
        }
        if let Some(ex) = exact.as_mut() {
            let w = Frac::from_ratio(comb.value)
                .and_then(|f| f.scaled(i128::from(ctx.w_units[c]), ctx.swv - ctx.sv));
            match w {
                Some(w) => ex.push(w),
                None => exact = None,
            }
        }
        let r = ctx.round_ratio(comb.value);
        crit.push(r);
        weighted.push(ctx.weighted(c, r));
    }
    let notes: Vec<String> = trim_note(ctx, n, "per criterion").into_iter().collect();
    if let Some(ex) = exact {
        if let Some(p) = finish_criteria_exact(ctx, &crit, &ex, &dropped, &notes) {
            return Some(p);
        }
    }
    Some(finish_criteria(ctx, crit, weighted, dropped, notes))
}

/// [`finish_criteria`] for rounding `none`: the weighted panel values as exact fractions,
/// summed and capped exactly and turned into decimals once, so that a total that is a whole
/// number as a fraction is that number (a sum of 28-digit thirds is not), and equal totals
/// tie. `None` when a figure leaves `i128` (the caller then sums the decimals).
fn finish_criteria_exact(
    ctx: &Ctx,
    crit: &[Decimal],
    weighted: &[Frac],
    dropped: &[DropIdx],
    notes: &[String],
) -> Option<Panel> {
    let mut notes = notes.to_vec();
    let mut sums = vec![Frac::ZERO; ctx.ncat()];
    for (c, v) in weighted.iter().enumerate() {
        let k = ctx.crit_cat[c];
        sums[k] = sums[k].add(*v)?;
    }
    let mut cat = Vec::with_capacity(sums.len());
    let mut regular = Frac::ZERO;
    let mut bonus = Frac::ZERO;
    for (k, mut v) in sums.into_iter().enumerate() {
        let max = Frac::from_decimal(ctx.cat_max[k])?;
        if v.gt(max)? {
            notes.push(format!(
                "panel: category {} {} capped at {}",
                ctx.cat_ids[k],
                v.to_decimal()?,
                ctx.cat_max[k]
            ));
            v = max;
        }
        if ctx.cat_bonus[k] {
            bonus = bonus.add(v)?;
        } else {
            regular = regular.add(v)?;
        }
        cat.push(v.to_decimal()?);
    }
    let total_max = Frac::from_decimal(ctx.total_max)?;
    if regular.gt(total_max)? {
        notes.push(format!(
            "panel: total {} capped at {} (bonus categories added on top)",
            regular.to_decimal()?,
            ctx.total_max
        ));
        regular = total_max;
    }
    let total = regular.add(bonus)?.to_decimal()?;
    let key = ctx
        .tie
        .iter()
        .map(|t| match *t {
            TieKey::Criterion(c) => weighted[c].to_decimal(),
            TieKey::Category(k) => Some(cat[k]),
        })
        .collect::<Option<Vec<Decimal>>>()?;
    Some(Panel {
        crit: crit.to_vec(),
        cat,
        total,
        key,
        dropped: dropped.to_vec(),
        notes,
    })
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
