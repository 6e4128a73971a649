//! Property tests of the aggregation pipeline.

use proptest::prelude::*;
use proptest::sample::Index;

use panel::aggregate::{
    run, AppInfo, By, CategorySpec, CriterionSpec, Eligibility, EligibilityStatus, Input, Method,
    Results, Scheme, ScoreRow, Settings, Status,
};
use rust_decimal::Decimal;

const CASES: u32 = 128;

/// Criterion maxima (whole points); `tight` makes category and total caps bind sometimes.
fn scheme_from(maxes: &[u32], weights: &[u32], tight: bool) -> Scheme {
    let criteria: Vec<CriterionSpec> = maxes
        .iter()
        .enumerate()
        .map(|(c, m)| {
            let mut spec =
                CriterionSpec::new(format!("C{c}"), format!("K{}", c % 2), Decimal::from(*m));
            // weights: 1, 2 or 0.5
            spec.weight = match weights.get(c).copied().unwrap_or(0) % 3 {
                0 => Decimal::ONE,
                1 => Decimal::TWO,
                _ => Decimal::new(5, 1),
            };
            spec
        })
        .collect();
    let mut cat_sum = [Decimal::ZERO; 2];
    for (c, spec) in criteria.iter().enumerate() {
        cat_sum[c % 2] += spec.max * spec.weight;
    }
    let shrink = |v: Decimal| {
        if tight {
            (v * Decimal::new(6, 1)).round()
        } else {
            v
        }
    };
    let categories = vec![
        CategorySpec::new("K0", shrink(cat_sum[0])),
        CategorySpec::new("K1", shrink(cat_sum[1])),
    ];
    let total_max = shrink(cat_sum[0] + cat_sum[1]);
    Scheme {
        criteria,
        categories,
        total_max,
        tie_break: vec!["K1".into(), "C0".into()],
    }
}

/// Rows: app `A{a}`, expert `E{e}`, every criterion; value = raw mod (2·max + 1) half-points.
fn rows_from(maxes: &[u32], apps: &[Vec<(u8, Vec<u32>)>]) -> Vec<ScoreRow> {
    let mut rows = Vec::new();
    for (a, experts) in apps.iter().enumerate() {
        let mut seen = std::collections::BTreeSet::new();
        for (e, vals) in experts {
            if !seen.insert(*e) {
                continue;
            }
            for (c, v) in vals.iter().enumerate() {
                let halves = v % (2 * maxes[c] + 1);
                rows.push(ScoreRow::new(
                    format!("A{a}"),
                    format!("E{e}"),
                    format!("C{c}"),
                    Decimal::new(i64::from(halves) * 5, 1),
                ));
            }
        }
    }
    rows
}

#[derive(Debug, Clone)]
struct Case {
    maxes: Vec<u32>,
    scheme: Scheme,
    rows: Vec<ScoreRow>,
}

fn case(
    max_apps: usize,
    max_experts: usize,
    unit_weights: bool,
    tight: bool,
) -> BoxedStrategy<Case> {
    (
        prop::collection::vec(prop_oneof![Just(5u32), Just(10), Just(20)], 1..=4),
        prop::collection::vec(0u32..3, 4),
        any::<bool>(),
    )
        .prop_flat_map(move |(maxes, weights, t)| {
            let nc = maxes.len();
            let app = prop::collection::vec(
                (0u8..8, prop::collection::vec(0u32..=40, nc)),
                1..=max_experts,
            );
            (
                Just(maxes),
                Just(weights),
                Just(t),
                prop::collection::vec(app, 1..=max_apps),
            )
        })
        .prop_map(move |(maxes, weights, t, apps)| {
            let weights = if unit_weights { vec![0; 4] } else { weights };
            let scheme = scheme_from(&maxes, &weights, tight && t);
            let rows = rows_from(&maxes, &apps);
            Case {
                maxes,
                scheme,
                rows,
            }
        })
        .boxed()
}

fn input(scheme: &Scheme, rows: Vec<ScoreRow>) -> Input {
    Input {
        scheme: scheme.clone(),
        apps: vec![],
        scores: rows,
        conflicts: vec![],
    }
}

fn loose(method: Method, by: By, trim: usize) -> Settings {
    Settings {
        method,
        by,
        trim,
        quorum: 1,
        threshold: Some(Decimal::ZERO),
        resamples: 0,
        ..Settings::default()
    }
}

fn method_strategy() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Mean),
        Just(Method::Median),
        Just(Method::Trimmed)
    ]
}

fn by_strategy() -> impl Strategy<Value = By> {
    prop_oneof![Just(By::Criterion), Just(By::Total)]
}

/// Per application and criterion, the (min, max) of the experts' values.
fn criterion_ranges(
    rows: &[ScoreRow],
) -> std::collections::BTreeMap<(String, String), (Decimal, Decimal)> {
    let mut out = std::collections::BTreeMap::new();
    for r in rows {
        let e = out
            .entry((r.app.clone(), r.criterion.clone()))
            .or_insert((r.value, r.value));
        e.0 = e.0.min(r.value);
        e.1 = e.1.max(r.value);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    /// The panel value of a criterion lies between the min and max expert values; by total,
    /// the panel total lies between the min and max expert totals.
    #[test]
    fn panel_value_between_min_and_max(
        c in case(4, 7, true, false),
        method in method_strategy(),
        trim in 0usize..3,
    ) {
        let ranges = criterion_ranges(&c.rows);
        let r = run(&input(&c.scheme, c.rows.clone()), &loose(method, By::Criterion, trim));
        for a in &r.applications {
            for (crit, v) in &a.criteria {
                let (lo, hi) = ranges[&(a.id.clone(), crit.clone())];
                prop_assert!(lo <= *v && *v <= hi, "{} {crit}: {v} not in [{lo}, {hi}]", a.id);
            }
        }
        let r = run(&input(&c.scheme, c.rows.clone()), &loose(method, By::Total, trim));
        for a in &r.applications {
            let total = a.total.expect("total with quorum 1");
            let lo = a.expert_totals.values().min().copied().expect("experts");
            let hi = a.expert_totals.values().max().copied().expect("experts");
            prop_assert!(lo <= total && total <= hi, "{}: {total} not in [{lo}, {hi}]", a.id);
        }
    }

    /// Shuffling the input rows changes nothing (ranks, totals, notes, bootstrap).
    #[test]
    fn invariant_under_row_shuffle(
        (c, shuffled) in case(6, 6, false, true)
            .prop_flat_map(|c| { let rows = c.rows.clone(); (Just(c), Just(rows).prop_shuffle()) }),
        method in prop_oneof![method_strategy(), Just(Method::Normalized)],
        by in by_strategy(),
        quota in prop::option::of(0usize..5),
    ) {
        let s = Settings {
            method,
            by,
            quota,
            quorum: 2,
            threshold: Some(Decimal::ZERO),
            resamples: 10,
            ..Settings::default()
        };
        let a = run(&input(&c.scheme, c.rows.clone()), &s);
        let b = run(&input(&c.scheme, shuffled), &s);
        prop_assert_eq!(a, b);
    }

    /// Raising one expert's value never lowers that application's total.
    #[test]
    fn raising_a_score_never_lowers_the_total(
        c in case(3, 6, false, true),
        pick in any::<Index>(),
        delta_halves in 1i64..=20,
        method in method_strategy(),
        by in by_strategy(),
        trim in 0usize..3,
    ) {
        let s = loose(method, by, trim);
        let before = run(&input(&c.scheme, c.rows.clone()), &s);
        let mut rows = c.rows.clone();
        let i = pick.index(rows.len());
        rows[i].value += Decimal::new(delta_halves * 5, 1);
        let app = rows[i].app.clone();
        let after = run(&input(&c.scheme, rows), &s);
        let t0 = before.app(&app).and_then(|a| a.total).expect("total before");
        let t1 = after.app(&app).and_then(|a| a.total).expect("total after");
        prop_assert!(t1 >= t0, "{app}: {t0} → {t1} (maxes {:?})", c.maxes);
    }

    /// The shortlist never exceeds quota or budget and holds only eligible (or unchecked),
    /// complete applications at or above the threshold.
    #[test]
    fn shortlist_respects_quota_budget_and_status(
        c in case(8, 5, false, true),
        drop_mask in prop::collection::vec(prop::bool::weighted(0.08), 0..=400),
        elig in prop::collection::vec(0u8..3, 8),
        requested in prop::collection::vec(prop::option::of(0u32..80), 8),
        quota in prop::option::of(0usize..6),
        budget in prop::option::of(0u32..200),
        cap in prop::option::of(1u32..60),
        threshold_share in 0u32..100,
        quorum in 1usize..4,
        method in prop_oneof![method_strategy(), Just(Method::Normalized)],
        by in by_strategy(),
    ) {
        let rows: Vec<ScoreRow> = c
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !drop_mask.get(*i).copied().unwrap_or(false))
            .map(|(_, r)| r.clone())
            .collect();
        let apps: Vec<AppInfo> = (0..8)
            .map(|a| AppInfo {
                id: format!("A{a}"),
                eligibility: match elig[a] {
                    0 => Eligibility::Eligible,
                    1 => Eligibility::Ineligible(vec!["gate".into()]),
                    _ => Eligibility::Unchecked,
                },
                requested_wan: requested[a].map(Decimal::from),
            })
            .collect();
        let threshold = c.scheme.total_max * Decimal::from(threshold_share) / Decimal::from(100);
        let s = Settings {
            method,
            by,
            quota,
            quorum,
            threshold: Some(threshold),
            budget_wan: budget.map(Decimal::from),
            per_award_cap_wan: cap.map(Decimal::from),
            resamples: 0,
            ..Settings::default()
        };
        let inp = Input { scheme: c.scheme.clone(), apps, scores: rows, conflicts: vec![] };
        let r = run(&inp, &s);
        let short: Vec<_> = r.shortlist().collect();
        if let Some(q) = quota {
            prop_assert!(short.len() <= q, "{} > quota {q}", short.len());
        }
        let used: Decimal = short.iter().filter_map(|a| a.funding_wan).sum();
        if let Some(b) = budget {
            prop_assert!(used <= Decimal::from(b), "used {used} > budget {b}");
        }
        if let Some(cap) = cap {
            prop_assert!(short.iter().all(|a| a.funding_wan.is_none_or(|f| f <= Decimal::from(cap))));
        }
        prop_assert_eq!(r.budget_used_wan.unwrap_or_default(), used);
        for a in &short {
            prop_assert_eq!(a.status, Status::Ranked);
            prop_assert!(a.eligibility != EligibilityStatus::Ineligible);
            prop_assert!(a.experts >= quorum);
            prop_assert!(a.total.expect("total") >= threshold);
            prop_assert!(a.rank.is_some());
        }
        // Ranks are non-decreasing in output order, and the shortlist is a prefix of the ranked.
        let ranked: Vec<_> = r.applications.iter().filter(|a| a.status == Status::Ranked).collect();
        prop_assert!(ranked.windows(2).all(|w| w[0].rank <= w[1].rank));
        prop_assert!(ranked.windows(2).all(|w| w[0].total >= w[1].total));
        let first_out = ranked.iter().position(|a| !a.shortlisted).unwrap_or(ranked.len());
        prop_assert!(ranked[first_out..].iter().all(|a| !a.shortlisted));
        prop_assert!(r.applications.iter().all(|a| a.status == Status::Ranked || a.rank.is_none()));
    }

    /// Same input, same results (bootstrap included).
    #[test]
    fn deterministic(
        c in case(5, 6, false, true),
        method in prop_oneof![method_strategy(), Just(Method::Normalized)],
        by in by_strategy(),
        seed in any::<u64>(),
    ) {
        let s = Settings {
            method,
            by,
            quota: Some(2),
            quorum: 2,
            threshold: Some(Decimal::ZERO),
            resamples: 20,
            seed,
            ..Settings::default()
        };
        let inp = input(&c.scheme, c.rows.clone());
        let a: Results = run(&inp, &s);
        let b: Results = run(&inp, &s);
        prop_assert_eq!(
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&b).expect("json")
        );
        prop_assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// The provisional rule holds for the mean of totals: when the shortlist is not
    /// provisional, giving every incomplete application the experts it lacks for the quorum,
    /// each with full marks (its best case), leaves the shortlist as it was.
    #[test]
    fn not_provisional_means_completing_cannot_change_the_shortlist(
        apps in prop::collection::vec(
            (prop::collection::vec(0u32..=100, 0..4), prop::bool::weighted(0.2)),
            1..8,
        ),
        quota in prop::option::of(1usize..4),
        threshold in prop::option::of(0u32..90),
    ) {
        let scheme = Scheme {
            criteria: vec![CriterionSpec::new("C", "K", Decimal::from(100))],
            categories: vec![CategorySpec::new("K", Decimal::from(100))],
            total_max: Decimal::from(100),
            tie_break: vec![],
        };
        let quorum = 3;
        let mut rows = Vec::new();
        let mut infos = Vec::new();
        for (a, (vals, unchecked)) in apps.iter().enumerate() {
            for (e, v) in vals.iter().enumerate() {
                rows.push(ScoreRow::new(format!("A{a}"), format!("E{e}"), "C", Decimal::from(*v)));
            }
            infos.push(AppInfo {
                id: format!("A{a}"),
                eligibility: if *unchecked { Eligibility::Unchecked } else { Eligibility::Eligible },
                requested_wan: None,
            });
        }
        let s = Settings {
            quota,
            quorum,
            threshold: threshold.map(Decimal::from),
            resamples: 0,
            by: By::Total,
            ..Settings::default()
        };
        let inp = Input { scheme: scheme.clone(), apps: infos.clone(), scores: rows.clone(), conflicts: vec![] };
        let r = run(&inp, &s);
        // Every shortlisted unchecked application is a reason.
        for a in r.shortlist() {
            if a.eligibility == EligibilityStatus::Unchecked {
                prop_assert!(r.provisional.iter().any(|p| p.application() == a.id));
            }
        }
        if r.is_provisional() {
            return Ok(());
        }
        let before: Vec<String> = r.shortlist().map(|a| a.id.clone()).collect();
        let mut completed = rows.clone();
        for (a, (vals, _)) in apps.iter().enumerate() {
            for e in vals.len()..quorum {
                completed.push(ScoreRow::new(format!("A{a}"), format!("E{e}"), "C", Decimal::from(100)));
            }
        }
        let inp = Input { scheme, apps: infos, scores: completed, conflicts: vec![] };
        let after: Vec<String> = run(&inp, &s).shortlist().map(|a| a.id.clone()).collect();
        prop_assert_eq!(before, after);
    }
}
