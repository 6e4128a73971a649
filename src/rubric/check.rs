//! Semantic validation of a parsed rubric. Every issue names its JSON path.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::model::*;
use super::num::show;

/// One problem found in a rubric file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// JSON path, e.g. `categories[1].criteria[0].items[2].bands[1]`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

struct Ctx<'a> {
    rubric: &'a Rubric,
    facts: BTreeMap<&'a str, &'a FactDecl>,
    errors: Vec<Issue>,
}

impl<'a> Ctx<'a> {
    fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.errors.push(Issue {
            path: path.into(),
            message: msg.into(),
        });
    }

    fn need_fact(&mut self, path: &str, key: &str, types: &[FactType]) {
        match self.facts.get(key) {
            None => self.err(
                path,
                format!("unknown fact key `{key}`: declare it in `facts` or fix the spelling"),
            ),
            Some(d) => {
                if !types.is_empty() && !types.contains(&d.ty) {
                    let want: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
                    self.err(
                        path,
                        format!(
                            "fact `{key}` is declared as {} but this rule needs {}",
                            d.ty.as_str(),
                            want.join(" or ")
                        ),
                    );
                }
            }
        }
    }

    fn num_expr(&mut self, path: &str, e: &NumExpr) {
        use FactType::*;
        match e {
            NumExpr::Fact(k) => self.need_fact(path, k, &[Int, Number]),
            NumExpr::Ratio { num, den } | NumExpr::Per10k { num, den } => {
                self.need_fact(path, num, &[Int, Number]);
                self.need_fact(path, den, &[Int, Number]);
            }
            NumExpr::MinOver { fact, .. } | NumExpr::Increases { fact } => {
                self.need_fact(path, fact, &[Years])
            }
            NumExpr::Sum(v) => {
                if v.is_empty() {
                    self.err(path, "`sum` needs at least one fact");
                }
                for k in v {
                    self.need_fact(path, k, &[Int, Number]);
                }
            }
        }
    }

    fn condition(&mut self, path: &str, c: &Condition) {
        use FactType::*;
        match (&c.fact, &c.expr) {
            (Some(_), Some(_)) => self.err(path, "give either `fact` or `expr`, not both"),
            (None, None) => self.err(path, "a condition needs `fact` or `expr`"),
            _ => {}
        }
        match c.op {
            Op::IsTrue | Op::IsFalse => {
                if let Some(k) = &c.fact {
                    self.need_fact(path, k, &[Bool]);
                } else {
                    self.err(path, "`is_true`/`is_false` need `fact`");
                }
            }
            Op::Present => {
                if let Some(k) = &c.fact {
                    self.need_fact(path, k, &[]);
                } else {
                    self.err(path, "`present` needs `fact`");
                }
            }
            Op::In => {
                if let Some(k) = &c.fact {
                    self.need_fact(path, k, &[Enum]);
                    if let Some(d) = self.facts.get(k.as_str()).copied() {
                        for v in &c.one_of {
                            if !d.values.contains(v) {
                                let msg = format!("`{v}` is not a declared value of `{k}`");
                                self.err(path, msg);
                            }
                        }
                    }
                } else {
                    self.err(path, "`in` needs `fact`");
                }
                if c.one_of.is_empty() {
                    self.err(path, "`in` needs a non-empty `one_of`");
                }
            }
            _ => {
                if let Some(k) = &c.fact {
                    self.need_fact(path, k, &[Int, Number]);
                }
                if let Some(e) = &c.expr {
                    self.num_expr(path, e);
                }
                match (&c.other, &c.value) {
                    (Some(o), None) => self.need_fact(path, o, &[Int, Number]),
                    (None, Some(_)) => {}
                    _ => self.err(path, "a comparison needs exactly one of `value` or `other`"),
                }
            }
        }
    }
}

fn neg(ctx: &mut Ctx, path: &str, what: &str, d: Decimal) {
    if d < Decimal::ZERO {
        ctx.err(
            path,
            format!(
                "{what} is negative ({}); points are never negative",
                show(d)
            ),
        );
    }
}

/// Check that bands are ordered, do not overlap and leave no gaps.
fn bands(ctx: &mut Ctx, path: &str, bands: &[Band]) {
    if bands.is_empty() {
        ctx.err(path, "`bands` is empty");
        return;
    }
    for (i, b) in bands.iter().enumerate() {
        let bp = format!("{path}.bands[{i}]");
        neg(ctx, &bp, "points", b.points);
        if let (Some(f), Some(t)) = (b.from, b.to) {
            if f > t || (f == t && !(b.from_incl && b.to_incl)) {
                ctx.err(&bp, format!("empty band {}", b.interval()));
            }
        }
        if i > 0 && b.from.is_none() {
            ctx.err(&bp, "only the first band may be open below (no `from`)");
        }
        if i + 1 < bands.len() && b.to.is_none() {
            ctx.err(
                &bp,
                "only the last band may be open above (no `to`); order bands ascending",
            );
        }
    }
    for i in 1..bands.len() {
        let (a, b) = (&bands[i - 1], &bands[i]);
        let bp = format!("{path}.bands[{i}]");
        let (Some(at), Some(bf)) = (a.to, b.from) else {
            continue;
        };
        if bf > at {
            ctx.err(
                &bp,
                format!(
                    "gap between {} and {}: values in ({}, {}) match no band (convention 3: bands leave no gaps)",
                    a.interval(),
                    b.interval(),
                    show(at),
                    show(bf)
                ),
            );
        } else if bf < at {
            ctx.err(
                &bp,
                format!(
                    "overlaps the previous band: {} and {}",
                    a.interval(),
                    b.interval()
                ),
            );
        } else if a.to_incl && b.from_incl {
            ctx.err(
                &bp,
                format!(
                    "{} belongs to both {} and {}; mark one side exclusive (convention 2)",
                    show(at),
                    a.interval(),
                    b.interval()
                ),
            );
        } else if !a.to_incl && !b.from_incl {
            ctx.err(
                &bp,
                format!(
                    "gap at {}: it belongs to neither {} nor {}",
                    show(at),
                    a.interval(),
                    b.interval()
                ),
            );
        }
    }
}

fn item(ctx: &mut Ctx, path: &str, it: &Item, criterion_max: Decimal) {
    use FactType::*;
    if let Some(s) = it.step {
        if s <= Decimal::ZERO {
            ctx.err(format!("{path}.step"), "step must be positive");
        }
    }
    for (i, c) in it.requires.iter().enumerate() {
        ctx.condition(&format!("{path}.requires[{i}]"), c);
    }
    match &it.rule {
        Rule::Expert { max } => {
            neg(ctx, &format!("{path}.max"), "max", *max);
            if *max == Decimal::ZERO {
                ctx.err(format!("{path}.max"), "an expert item needs a positive max");
            }
            let step = it.step();
            if step > Decimal::ZERO && (*max % step) != Decimal::ZERO {
                ctx.err(
                    format!("{path}.max"),
                    format!(
                        "max {} is not a multiple of the step {}",
                        show(*max),
                        show(step)
                    ),
                );
            }
        }
        Rule::Flag { fact, points } => {
            ctx.need_fact(&format!("{path}.fact"), fact, &[Bool]);
            neg(ctx, &format!("{path}.points"), "points", *points);
        }
        Rule::Choice { fact, options } => {
            ctx.need_fact(&format!("{path}.fact"), fact, &[Enum]);
            let decl = ctx.facts.get(fact.as_str()).copied();
            let mut seen = BTreeSet::new();
            for (i, o) in options.iter().enumerate() {
                let op = format!("{path}.options[{i}]");
                neg(ctx, &op, "points", o.points);
                if !seen.insert(o.value.clone()) {
                    ctx.err(&op, format!("duplicate option `{}`", o.value));
                }
                if let Some(d) = decl {
                    if !d.values.contains(&o.value) {
                        ctx.err(
                            &op,
                            format!("`{}` is not a declared value of fact `{fact}`", o.value),
                        );
                    }
                }
            }
        }
        Rule::Bands { value, bands: b } => {
            ctx.num_expr(&format!("{path}.value"), value);
            bands(ctx, path, b);
        }
        Rule::PerUnit { terms, cap } => {
            neg(ctx, &format!("{path}.cap"), "cap", *cap);
            if terms.is_empty() {
                ctx.err(format!("{path}.terms"), "per_unit needs at least one term");
            }
            for (i, t) in terms.iter().enumerate() {
                let tp = format!("{path}.terms[{i}]");
                ctx.need_fact(&tp, &t.fact, &[Int, Number]);
                neg(ctx, &tp, "rate", t.rate);
            }
        }
        Rule::AllOf { conditions, points } | Rule::AnyOf { conditions, points } => {
            neg(ctx, &format!("{path}.points"), "points", *points);
            if conditions.is_empty() {
                ctx.err(format!("{path}.conditions"), "needs at least one condition");
            }
            for (i, c) in conditions.iter().enumerate() {
                ctx.condition(&format!("{path}.conditions[{i}]"), c);
            }
        }
        Rule::Override { condition, points } => {
            neg(ctx, &format!("{path}.points"), "points", *points);
            ctx.condition(&format!("{path}.condition"), condition);
            if *points > criterion_max {
                ctx.err(
                    format!("{path}.points"),
                    format!(
                        "override gives {} but the criterion max is {}",
                        show(*points),
                        show(criterion_max)
                    ),
                );
            }
        }
    }
}

/// Validate a parsed rubric; returns every error found (empty when valid).
pub fn validate(rubric: &Rubric) -> Vec<Issue> {
    let mut ctx = Ctx {
        rubric,
        facts: BTreeMap::new(),
        errors: Vec::new(),
    };
    if rubric.id.trim().is_empty() {
        ctx.err("id", "rubric id is empty");
    }
    // Facts.
    for (i, f) in rubric.facts.iter().enumerate() {
        let p = format!("facts[{i}]");
        if ctx.facts.insert(f.key.as_str(), f).is_some() {
            ctx.err(&p, format!("duplicate fact key `{}`", f.key));
        }
        if f.ty == FactType::Enum && f.values.is_empty() {
            ctx.err(&p, format!("enum fact `{}` declares no `values`", f.key));
        }
        if let (Some(a), Some(b)) = (f.min, f.max) {
            if a > b {
                ctx.err(&p, "min is above max");
            }
        }
    }
    let mut sections = BTreeSet::new();
    for (i, s) in rubric.sections.iter().enumerate() {
        if !sections.insert(s.key.as_str()) {
            ctx.err(
                format!("sections[{i}]"),
                format!("duplicate section key `{}`", s.key),
            );
        }
    }
    // Aggregation defaults.
    let a = &rubric.aggregation;
    // The same parsers `panel results` uses, so a rubric that passes check
    // always yields valid settings.
    use super::aggregation::{By, Method, Rounding};
    use std::str::FromStr;
    if let Err(e) = Method::from_str(&a.method) {
        ctx.err("aggregation.method", format!("unknown method: {e}"));
    }
    if let Err(e) = By::from_str(&a.by) {
        ctx.err("aggregation.by", e.to_string());
    }
    if let Err(e) = Rounding::from_str(&a.rounding) {
        ctx.err("aggregation.rounding", e.to_string());
    }
    if a.quorum == 0 {
        ctx.err("aggregation.quorum", "quorum must be at least 1");
    }
    match (a.threshold, a.threshold_basis.trim().is_empty()) {
        (Some(t), true) => ctx.err(
            "aggregation.threshold",
            format!(
                "a pass mark of {} with no `threshold_basis`: the calls state no pass mark, so \
                 say where it comes from (e.g. \"评审组惯例 panel convention: …\") or remove it \
                 (the chair may still set one with --threshold)",
                show(t)
            ),
        ),
        (None, false) => ctx.err(
            "aggregation.threshold_basis",
            "`threshold_basis` without a `threshold`: give the pass mark or remove the basis",
        ),
        (Some(t), false) => neg(&mut ctx, "aggregation.threshold", "threshold", t),
        (None, true) => {}
    }
    // Gates: the rubric's, then each track's applicant gates (checked with the rubric's
    // eligibility gates, so their ids must differ from those).
    let rubric_gate_ids: BTreeSet<&str> =
        rubric.eligibility.iter().map(|g| g.id.as_str()).collect();
    let mut gate_lists: Vec<(String, &Vec<Gate>, bool)> = vec![
        ("eligibility".into(), &rubric.eligibility, false),
        ("targets".into(), &rubric.targets, false),
    ];
    for (i, t) in rubric.tracks.iter().enumerate() {
        gate_lists.push((format!("tracks[{i}].eligibility"), &t.eligibility, true));
    }
    for (name, gates, of_track) in gate_lists {
        let mut ids = BTreeSet::new();
        for (i, g) in gates.iter().enumerate() {
            let p = format!("{name}[{i}]");
            if !ids.insert(g.id.as_str()) {
                ctx.err(&p, format!("duplicate id `{}`", g.id));
            }
            if of_track && rubric_gate_ids.contains(g.id.as_str()) {
                ctx.err(
                    &p,
                    format!(
                        "id `{}` is also an eligibility gate of the rubric; a track's gates are \
                         checked together with the rubric's, so give it its own id (T6, T20 …)",
                        g.id
                    ),
                );
            }
            for (j, c) in g.all_of.iter().enumerate() {
                ctx.condition(&format!("{p}.all_of[{j}]"), c);
            }
            for (j, grp) in g.any_of.iter().enumerate() {
                if grp.is_empty() {
                    ctx.err(
                        format!("{p}.any_of[{j}]"),
                        "an empty option would always hold; give it at least one condition",
                    );
                }
                for (k, c) in grp.iter().enumerate() {
                    ctx.condition(&format!("{p}.any_of[{j}][{k}]"), c);
                }
            }
        }
    }
    let mut track_ids = BTreeSet::new();
    for (i, t) in rubric.tracks.iter().enumerate() {
        let p = format!("tracks[{i}]");
        if !track_ids.insert(t.id.as_str()) {
            ctx.err(&p, format!("duplicate track id `{}`", t.id));
        }
        match t.kind() {
            Some(TrackMode::Panel | TrackMode::Graded) => {}
            Some(TrackMode::PerUnit) => {
                if t.rate.is_none() {
                    ctx.err(format!("{p}.rate"), "a per_unit track needs a `rate`");
                }
                match &t.unit_fact {
                    Some(k) => ctx.need_fact(
                        &format!("{p}.unit_fact"),
                        k,
                        &[FactType::Int, FactType::Number],
                    ),
                    None => ctx.err(
                        format!("{p}.unit_fact"),
                        "a per_unit track needs `unit_fact`: the fact that holds each \
                         applicant's units (patents, contracts, loans)",
                    ),
                }
                if t.yuan_per_unit.is_none_or(|y| y <= Decimal::ZERO) {
                    ctx.err(
                        format!("{p}.yuan_per_unit"),
                        "a per_unit track needs `yuan_per_unit` > 0: the award in 元 per unit \
                         of `unit_fact` (the rate converted to the fact's unit)",
                    );
                }
            }
            None => ctx.err(
                format!("{p}.mode"),
                format!("unknown mode `{}` (panel, per_unit, graded)", t.mode),
            ),
        }
        if t.kind() == Some(TrackMode::Graded) {
            if t.grades.is_empty() {
                ctx.err(
                    format!("{p}.grades"),
                    "a graded track needs `grades` (id and weight of each 等次, best first)",
                );
            }
            let mut seen = BTreeSet::new();
            for (j, g) in t.grades.iter().enumerate() {
                if !seen.insert(g.id.as_str()) {
                    ctx.err(
                        format!("{p}.grades[{j}].id"),
                        format!("duplicate grade `{}`", g.id),
                    );
                }
                if g.weight <= Decimal::ZERO {
                    ctx.err(
                        format!("{p}.grades[{j}].weight"),
                        "a grade's weight must be greater than 0",
                    );
                }
            }
        }
        if t.kind() != Some(TrackMode::Panel) && t.budget_wan.is_none() {
            ctx.err(
                format!("{p}.budget_wan"),
                "a formula-award track needs its total (`budget_wan`, 奖补总额)",
            );
        }
        // Exclusions are enforced by eligibility gates of the track's own rubric: in the
        // track's own file a gate must carry the article's exclusion clause.
        let own = t.rubric.as_deref() == Some(rubric.id.as_str());
        let gated = rubric
            .eligibility
            .iter()
            .any(|g| g.text.contains("不参与本项目遴选"));
        if !t.exclusions.is_empty() && (t.rubric.is_none() || (own && !gated)) {
            ctx.err(
                format!("{p}.exclusions"),
                "a track with exclusions needs a rubric of its own (`rubric`) with an \
                 eligibility gate that enforces them (its text quoting 「不参与本项目遴选」)",
            );
        }
        // A track reviewed with a rubric of its own has its applicant gates in that rubric
        // (the panel scores with it, and its copy of the track is the one that applies).
        if !t.eligibility.is_empty() && t.rubric.as_deref().is_some_and(|r| r != rubric.id) {
            ctx.err(
                format!("{p}.eligibility"),
                format!(
                    "track `{}` is reviewed with rubric `{}`: put its applicant gates in that \
                     rubric's `eligibility` (as its exclusions are), not in this copy of the track",
                    t.id,
                    t.rubric.as_deref().unwrap_or_default()
                ),
            );
        }
        if t.fixed_award && t.per_award_cap_wan.is_none() {
            ctx.err(
                format!("{p}.fixed_award"),
                "a fixed award (一次性给予 N 万元) needs its sum in `per_award_cap_wan`",
            );
        }
        for (name, v) in [
            ("per_award_cap_wan", t.per_award_cap_wan),
            ("budget_wan", t.budget_wan),
            ("rate", t.rate),
        ] {
            if let Some(v) = v {
                neg(&mut ctx, &format!("{p}.{name}"), name, v);
            }
        }
    }
    if let Some(k) = &rubric.funding.requested_fact {
        ctx.need_fact(
            "funding.requested_fact",
            k,
            &[FactType::Int, FactType::Number],
        );
    }
    for (name, v) in [
        (
            "funding.per_award_cap_wan",
            rubric.funding.per_award_cap_wan,
        ),
        ("funding.budget_wan", rubric.funding.budget_wan),
        (
            "funding.self_funding_ratio",
            rubric.funding.self_funding_ratio,
        ),
    ] {
        if let Some(v) = v {
            neg(&mut ctx, name, "amount", v);
        }
    }
    // A stated requirement must be enforced: an eligibility gate carries it.
    let gate_conditions = || {
        rubric
            .eligibility
            .iter()
            .flat_map(|g| g.all_of.iter().chain(g.any_of.iter().flatten()))
    };
    if let Some(t) = rubric.funding.min_team {
        let enforced = gate_conditions()
            .any(|c| c.op == Op::Ge && c.other.is_none() && c.value == Some(Decimal::from(t)));
        if !enforced {
            ctx.err(
                "funding.min_team",
                format!(
                    "no eligibility gate enforces the minimum team of {t}: add a gate condition \
                     {{\"fact\": <team fact>, \"op\": \"ge\", \"value\": {t}}} or remove the key"
                ),
            );
        }
    }
    if let Some(r) = rubric.funding.self_funding_ratio {
        let enforced = gate_conditions()
            .any(|c| c.op == Op::Ge && c.other.is_some() && c.factor.unwrap_or(Decimal::ONE) == r);
        if !enforced {
            ctx.err(
                "funding.self_funding_ratio",
                format!(
                    "no eligibility gate enforces self-funding ≥ {r} × fiscal funding: add a gate \
                     condition {{\"fact\": <self>, \"op\": \"ge\", \"other\": <fiscal>, \"factor\": {r}}} \
                     or remove the key"
                ),
            );
        }
    }
    // Categories, criteria, items.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let mut main_sum = Decimal::ZERO;
    if rubric.categories.is_empty() {
        ctx.err("categories", "a rubric needs at least one category");
    }
    for (ci, cat) in rubric.categories.iter().enumerate() {
        let cp = format!("categories[{ci}]");
        if let Some(prev) = ids.insert(cat.id.clone(), cp.clone()) {
            ctx.err(&cp, format!("duplicate id `{}` (also at {prev})", cat.id));
        }
        neg(&mut ctx, &format!("{cp}.max"), "max", cat.max);
        if !cat.bonus {
            main_sum += cat.max;
        }
        let mut crit_sum = Decimal::ZERO;
        if cat.criteria.is_empty() {
            ctx.err(
                format!("{cp}.criteria"),
                "a category needs at least one criterion",
            );
        }
        for (ki, k) in cat.criteria.iter().enumerate() {
            let kp = format!("{cp}.criteria[{ki}]");
            if let Some(prev) = ids.insert(k.id.clone(), kp.clone()) {
                ctx.err(&kp, format!("duplicate id `{}` (also at {prev})", k.id));
            }
            neg(&mut ctx, &format!("{kp}.max"), "max", k.max);
            if k.weight <= Decimal::ZERO {
                ctx.err(format!("{kp}.weight"), "weight must be positive");
            }
            crit_sum += k.weight * k.max;
            for (si, s) in k.evidence.sections.iter().enumerate() {
                if !sections.contains(s.as_str()) {
                    ctx.err(
                        format!("{kp}.evidence.sections[{si}]"),
                        format!("unknown section `{s}`: declare it in `sections`"),
                    );
                }
            }
            for (fi, f) in k.evidence.facts.iter().enumerate() {
                ctx.need_fact(&format!("{kp}.evidence.facts[{fi}]"), f, &[]);
            }
            if k.items.is_empty() {
                ctx.err(format!("{kp}.items"), "a criterion needs at least one item");
            }
            let mut item_sum = Decimal::ZERO;
            let mut override_max = Decimal::ZERO;
            for (ii, it) in k.items.iter().enumerate() {
                let ip = format!("{kp}.items[{ii}]");
                if let Some(prev) = ids.insert(it.id.clone(), ip.clone()) {
                    ctx.err(&ip, format!("duplicate id `{}` (also at {prev})", it.id));
                }
                if it.id.starts_with('#') {
                    ctx.err(
                        &ip,
                        format!(
                            "item id `{}` starts with `#`, which is reserved; rename it",
                            it.id
                        ),
                    );
                }
                item(&mut ctx, &ip, it, k.max);
                if matches!(it.rule, Rule::Override { .. }) {
                    override_max = override_max.max(it.max());
                } else {
                    item_sum += it.max();
                }
            }
            if item_sum.max(override_max) < k.max {
                ctx.err(
                    format!("{kp}.max"),
                    format!(
                        "criterion {} has max {} but its items can give at most {}: maxima do not add up",
                        k.id,
                        show(k.max),
                        show(item_sum.max(override_max))
                    ),
                );
            }
        }
        // What the criteria can reach: Σ weight × max (weight 1: the plain sum).
        let weighted = cat.criteria.iter().any(|k| k.weight != Decimal::ONE);
        let reach = if weighted {
            format!("Σ weight × max = {}", show(crit_sum))
        } else {
            show(crit_sum)
        };
        if cat.max > crit_sum {
            ctx.err(
                format!("{cp}.max"),
                format!(
                    "category {} has max {} but its criteria can reach only {reach}: set max \
                     to {}",
                    cat.id,
                    show(cat.max),
                    show(crit_sum)
                ),
            );
        } else if cat.max < crit_sum && !cat.capped {
            ctx.err(
                format!("{cp}.max"),
                format!(
                    "category {} has max {} but its criteria add up to {reach}: set max to {} \
                     or, when the call caps the category below that, add \"capped\": true",
                    cat.id,
                    show(cat.max),
                    show(crit_sum)
                ),
            );
        } else if cat.max == crit_sum && cat.capped {
            ctx.err(
                format!("{cp}.capped"),
                format!(
                    "category {} is marked capped but its max {} is what its criteria reach: \
                     remove \"capped\"",
                    cat.id,
                    show(cat.max)
                ),
            );
        }
    }
    if main_sum != rubric.total_max {
        ctx.err(
            "total_max",
            format!(
                "total_max is {} but the non-bonus categories add up to {}",
                show(rubric.total_max),
                show(main_sum)
            ),
        );
    }
    for (i, t) in rubric.tie_break.iter().enumerate() {
        if !ids.contains_key(t) {
            ctx.err(
                format!("tie_break[{i}]"),
                format!("unknown category or criterion id `{t}`"),
            );
        }
    }
    if let Some(op) = &rubric.opinion {
        if op.title.trim().is_empty() {
            ctx.err(
                "opinion.title",
                "the opinion's title is empty; write e.g. 专家评审意见",
            );
        }
        if op.min_chars > 0 && !op.required {
            ctx.err(
                "opinion.min_chars",
                "min_chars is set but the opinion is not required; set \"required\": true or drop min_chars",
            );
        }
        if op.min_chars > 10_000 {
            ctx.err("opinion.min_chars", "min_chars is above 10000 characters");
        }
    }
    let _ = ctx.rubric;
    ctx.errors
}
