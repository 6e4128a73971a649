//! The rubric by position (criteria, items, their ids as lookup keys and the limits of a
//! criterion row), and one pair's item values turned into criterion values. Shared by the
//! scores CSV ([`super::table`]) and the chair database (`crate::results_input`).

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use crate::aggregate::table::FxBuild;
use crate::rubric::{self, Item, Rubric};

/// The rubric in index form: criteria and items by position.
pub(crate) struct RubricIndex<'r> {
    pub(crate) rubric: &'r Rubric,
    pub(crate) crit_ids: Vec<&'r str>,
    /// Item positions of each criterion.
    crit_items: Vec<Vec<usize>>,
    pub(crate) items: Vec<&'r Item>,
    /// Criterion or item id → its position in `lookup_keys`.
    pub(crate) lookup: HashMap<Box<[u8]>, u32, FxBuild>,
    /// Ids and targets: the criteria in the rubric's order, then the items.
    pub(crate) lookup_keys: Vec<(Box<[u8]>, Target)>,
    /// Per criterion: the value check of a criterion row (max, smallest item step), and the
    /// same in integers for the fast paths.
    crit_limits: Vec<CritLimit>,
}

/// A criterion row's limits: `max` and `step` (the smallest step of its items); `max_m` and
/// `step_m` are them at `places` decimal places.
struct CritLimit {
    max: Decimal,
    step: Decimal,
    places: u32,
    max_m: i64,
    step_m: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Criterion(u32),
    Item(u32),
}

impl<'r> RubricIndex<'r> {
    pub(crate) fn new(rubric: &'r Rubric) -> Self {
        let mut crit_ids = Vec::new();
        let mut crit_items = Vec::new();
        let mut items = Vec::new();
        let mut targets: HashMap<&'r str, Target> = HashMap::new();
        // Criteria first, then all items: rows that list criteria (or items) in the
        // rubric's order then name the next key of `lookup_keys` each time.
        let mut order: Vec<&'r str> = Vec::new();
        let mut item_order: Vec<&'r str> = Vec::new();
        for (_, k) in rubric.criteria() {
            let c = crit_ids.len();
            crit_ids.push(k.id.as_str());
            // A criterion id wins over an item id of the same spelling.
            if let Some(Target::Item(_)) = targets.insert(&k.id, Target::Criterion(c as u32)) {
                item_order.retain(|id| *id != k.id);
            }
            order.push(&k.id);
            let mut mine = Vec::new();
            for it in &k.items {
                mine.push(items.len());
                if !targets.contains_key(it.id.as_str()) {
                    targets.insert(&it.id, Target::Item(items.len() as u32));
                    item_order.push(&it.id);
                }
                items.push(it);
            }
            crit_items.push(mine);
        }
        order.extend(item_order);
        let mut seen = std::collections::HashSet::new();
        order.retain(|id| seen.insert(*id));
        let lookup_keys: Vec<(Box<[u8]>, Target)> = order
            .iter()
            .map(|id| (id.as_bytes().into(), targets[id]))
            .collect();
        let lookup = lookup_keys
            .iter()
            .enumerate()
            .map(|(p, (k, _))| (k.clone(), p as u32))
            .collect();
        let crit_limits = rubric
            .criteria()
            .map(|(_, k)| {
                let step = k
                    .items
                    .iter()
                    .map(|i| i.step())
                    .filter(|s| *s > Decimal::ZERO)
                    .min()
                    .unwrap_or(Decimal::ZERO);
                let places = step.normalize().scale().max(k.max.normalize().scale());
                let at = |d: Decimal| {
                    let mut d = d;
                    d.rescale(places);
                    i64::try_from(d.mantissa()).unwrap_or(i64::MAX)
                };
                CritLimit {
                    max: k.max,
                    step,
                    places,
                    max_m: at(k.max),
                    step_m: at(step),
                }
            })
            .collect();
        RubricIndex {
            rubric,
            crit_ids,
            crit_items,
            items,
            lookup,
            lookup_keys,
            crit_limits,
        }
    }

    /// The value check of a row naming `target` (`rubric::value_check::check_score` with the
    /// item's max and step, or the criterion's max and its items' smallest step).
    pub(crate) fn check_target_value(&self, target: Target, value: Decimal) -> Result<(), String> {
        let (what, id, max, step) = match target {
            Target::Item(i) => {
                let it = self.items[i as usize];
                ("item", it.id.as_str(), it.max(), it.step())
            }
            Target::Criterion(c) => {
                let l = &self.crit_limits[c as usize];
                ("criterion", self.crit_ids[c as usize], l.max, l.step)
            }
        };
        crate::rubric::value_check::check_score(value, max, step).map_err(|p| {
            format!(
                "{what} {id}: {}",
                p.message.replace("the item's", &format!("the {what}'s"))
            )
        })
    }

    /// [`RubricIndex::check_target_value`] of a criterion row's value `mant × 10^-scale`, in
    /// integers (the fast paths): `false` sends the row to the checked path, which reports
    /// it.
    #[inline]
    pub(crate) fn crit_scaled_ok(&self, crit: u32, mant: i64, scale: u32) -> bool {
        let l = &self.crit_limits[crit as usize];
        if scale > l.places {
            return false;
        }
        if mant < 0 {
            return false;
        }
        let Some(m) = 10i64
            .checked_pow(l.places - scale)
            .and_then(|f| mant.checked_mul(f))
        else {
            return false;
        };
        m <= l.max_m && (l.step_m == 0 || m % l.step_m == 0)
    }

    fn nc(&self) -> usize {
        self.crit_ids.len()
    }
}

/// Criterion values of one (application, expert) pair from its item values.
///
/// Rule items without a value take `suggestions` (the rubric's computed value for the
/// application's facts). A criterion some of whose items still have no value is not scored
/// (listed in `notes`, prefixed with `who`); `skip(c)` criteria are given otherwise and left
/// out. The values are [`rubric::combine`]'s (item caps, overrides, criterion caps).
pub(crate) fn pair_criteria(
    ix: &RubricIndex<'_>,
    given: &BTreeMap<String, Decimal>,
    suggestions: Option<&BTreeMap<String, Decimal>>,
    skip: &dyn Fn(usize) -> bool,
    who: &str,
    notes: &mut Vec<String>,
) -> Vec<(usize, Decimal)> {
    let mut full = given.clone();
    if let Some(sugg) = suggestions {
        for it in &ix.items {
            if !it.is_expert() && !full.contains_key(&it.id) {
                if let Some(v) = sugg.get(&it.id) {
                    full.insert(it.id.clone(), *v);
                }
            }
        }
    }
    let scored = rubric::combine(ix.rubric, &full);
    let mut out = Vec::with_capacity(ix.nc());
    let mut unscored = Vec::new();
    let mut missing_items = Vec::new();
    for c in 0..ix.nc() {
        if skip(c) {
            continue;
        }
        let missing: Vec<&str> = ix.crit_items[c]
            .iter()
            .map(|&i| ix.items[i].id.as_str())
            .filter(|id| !full.contains_key(*id))
            .collect();
        if missing.is_empty() {
            if let Some(cs) = scored.criteria.get(ix.crit_ids[c]) {
                out.push((c, cs.value));
            }
        } else {
            unscored.push(ix.crit_ids[c]);
            missing_items.extend(missing);
        }
    }
    if !unscored.is_empty() {
        notes.push(format!(
            "{who}: criteria {} not scored (no value for item(s) {}; a rule item needs a \
             value when its facts are missing or the application has no bundle)",
            unscored.join(", "),
            missing_items.join(", ")
        ));
    }
    out
}
