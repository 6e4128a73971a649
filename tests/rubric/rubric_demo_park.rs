//! Table tests of `rubrics/ip-demo-park.json` (seed 004, 附件4) through the
//! library: every band boundary, cap and override of the official rubric, the
//! interpretation conventions (docs/rubric-format.md), and `panel rubric check` over
//! every file in `rubrics/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use panel::rubric::{combine, evaluate, load, parse_facts, Evaluation, Loaded};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

fn rubric_path(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics")).join(name)
}

fn loaded() -> Loaded {
    load(&rubric_path("ip-demo-park.json")).expect("ip-demo-park.json loads and validates")
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal literal")
}

/// Facts that earn every rule point of the rubric.
fn full_facts() -> Map<String, Value> {
    json!({
        "has_ip_plan": true,
        "ip_in_annual_assessment": true,
        "regular_ip_review": true,
        "independent_ip_office": true,
        "ip_management_rules": true,
        "ip_professional_staff": 3,
        "ip_fulltime_staff": 1,
        "ip_policies_issued": true,
        "subsidy_quality_oriented": true,
        "ip_budget_wan": [8, 12, 15, 20],
        "total_firms": 1000,
        "firms_with_valid_patents": 400,
        "firms_with_trademarks": 600,
        "pct_applications_3y": 25,
        "employees": 10000,
        "valid_invention_patents": 320,
        "patents_granted_3y": 1500,
        "grant_growth_pct": 12.5,
        "pledge_financing_wan": 6000,
        "ip_insurance": "good",
        "ip_securitization": false,
        "patent_navigation": true,
        "ip_early_warning": true,
        "rights_assistance_center": true,
        "dispute_cases_helped": 3,
        "diversified_dispute_mechanism": true,
        "dispute_resolution_cases": 2,
        "publicity_mechanism": true,
        "training_mechanism": true,
        "public_service_platform": "complete",
        "long_term_mechanism": true
    })
    .as_object()
    .expect("object")
    .clone()
}

/// Evaluate `full_facts()` with some facts replaced (`Value::Null` in `set`
/// stands for JSON null; keys in `remove` are left out).
fn eval_with(l: &Loaded, set: &[(&str, Value)], remove: &[&str]) -> Evaluation {
    let mut obj = full_facts();
    for (k, v) in set {
        obj.insert((*k).to_string(), v.clone());
    }
    for k in remove {
        obj.remove(*k);
    }
    let (facts, problems) = parse_facts(&l.rubric, &obj);
    assert!(problems.is_empty(), "fact problems: {problems:?}");
    evaluate(&l.rubric, &facts)
}

fn crit(ev: &Evaluation, id: &str) -> Decimal {
    ev.criterion(id)
        .unwrap_or_else(|| panic!("criterion {id}"))
        .auto
}

fn item(ev: &Evaluation, id: &str) -> Decimal {
    ev.item(id)
        .unwrap_or_else(|| panic!("item {id}"))
        .auto
        .unwrap_or_else(|| panic!("item {id} has no suggestion"))
}

#[test]
fn shape_ids_and_maxima() {
    let l = loaded();
    let r = &l.rubric;
    assert_eq!(r.id, "ip-demo-park");
    assert!(!r.derived);
    assert_eq!(r.total_max, d("100"));
    assert_eq!(r.bonus_max(), d("10"));
    let ids: Vec<&str> = r.criteria().map(|(_, k)| k.id.as_str()).collect();
    let want: Vec<String> = (1..=28).map(|i| i.to_string()).collect();
    assert_eq!(ids, want.iter().map(String::as_str).collect::<Vec<_>>());
    let cats: Vec<(&str, Decimal, bool)> = r
        .categories
        .iter()
        .map(|c| (c.id.as_str(), c.max, c.bonus))
        .collect();
    assert_eq!(
        cats,
        vec![
            ("M", d("20"), false),
            ("C", d("20"), false),
            ("U", d("20"), false),
            ("P", d("15"), false),
            ("S", d("25"), false),
            ("X", d("10"), true),
        ]
    );
    let (x, k) = r.criteria().find(|(_, k)| k.id == "28").expect("28");
    assert!(x.bonus);
    assert_eq!(k.max, d("10"));
    // Criterion maxima as in 附件4.
    let maxima = [
        5, 5, 4, 4, 2, 3, 3, 8, 2, 2, 2, 4, 8, 3, 3, 2, 4, 4, 4, 3, 4, 4, 4, 4, 3, 3, 3, 10,
    ];
    for (i, m) in maxima.iter().enumerate() {
        let id = (i + 1).to_string();
        assert_eq!(
            r.criterion(&id).expect("criterion").max,
            Decimal::from(*m),
            "criterion {id}"
        );
    }
    // Expert-only criteria (材料审核，专家打分).
    for id in [
        "5", "11", "12", "14", "16", "17", "20", "24", "25", "26", "28",
    ] {
        let k = r.criterion(id).expect("criterion");
        assert!(
            k.items.iter().all(|i| i.is_expert()),
            "criterion {id} is expert-only"
        );
    }
    assert_eq!(r.tie_break, vec!["C", "U", "M", "S", "P"]);
    assert!(r.eligibility.is_empty());
    assert_eq!(r.funding.quota, None);
    assert_eq!(r.aggregation.quorum, 3);
    // Seed 004 states no pass mark, so the rubric gives none.
    assert_eq!(r.aggregation.threshold, None);
    // Every criterion shows at least one evidence section.
    for (_, k) in r.criteria() {
        assert!(
            !k.evidence.sections.is_empty(),
            "criterion {} has evidence",
            k.id
        );
    }
}

#[test]
fn full_facts_earn_every_rule_point() {
    let l = loaded();
    let ev = eval_with(&l, &[], &[]);
    let want = [
        ("1", "5"),
        ("2", "5"),
        ("3", "4"),
        ("4", "4"),
        ("5", "0"),
        ("6", "3"),
        ("7", "3"),
        ("8", "8"),
        ("9", "2"),
        ("10", "2"),
        ("13", "8"),
        ("15", "3"),
        ("18", "4"),
        ("19", "4"),
        ("21", "2"),
        ("22", "2"),
        ("23", "4"),
        ("27", "1"),
        ("28", "0"),
    ];
    for (id, v) in want {
        assert_eq!(crit(&ev, id), d(v), "criterion {id}");
    }
    // Rule points: M 18 + C 18 + U 11 + P 8 + S 9 = 64, within 100 + 10.
    assert_eq!(ev.auto_total, d("64"));
    assert!(ev.auto_total <= d("110"));
    for c in &ev.criteria {
        assert!(
            c.missing_facts.is_empty(),
            "criterion {} misses {:?}",
            c.id,
            c.missing_facts
        );
        assert!(c.auto <= c.max);
    }
}

#[test]
fn criterion_6_patent_firm_ratio_bands() {
    let l = loaded();
    // total_firms = 1000: the count is the per-mille, so 199 → 19.9%.
    for (n, want) in [
        (0, "0"),
        (99, "0"),
        (100, "1"),
        (199, "1"),
        (200, "2"),
        (299, "2"),
        (300, "3"),
        (1000, "3"),
    ] {
        let ev = eval_with(&l, &[("firms_with_valid_patents", json!(n))], &[]);
        assert_eq!(crit(&ev, "6"), d(want), "{n}/1000 firms with valid patents");
    }
    // Exactly 10%, 20%, 30% on another denominator.
    for (n, total, want) in [(3, 30, "1"), (6, 30, "2"), (9, 30, "3"), (1, 7, "1")] {
        let ev = eval_with(
            &l,
            &[
                ("firms_with_valid_patents", json!(n)),
                ("total_firms", json!(total)),
            ],
            &[],
        );
        assert_eq!(crit(&ev, "6"), d(want), "{n}/{total}");
    }
    // A zero denominator gives no value: 0, not a missing fact.
    let ev = eval_with(
        &l,
        &[
            ("total_firms", json!(0)),
            ("firms_with_valid_patents", json!(0)),
        ],
        &[],
    );
    assert_eq!(crit(&ev, "6"), d("0"));
    assert!(ev.criterion("6").expect("6").missing_facts.is_empty());
}

#[test]
fn criterion_7_trademark_firm_ratio_bands() {
    let l = loaded();
    for (n, want) in [
        (299, "0"),
        (300, "1"),
        (399, "1"),
        (400, "2"),
        (499, "2"),
        (500, "3"),
        (999, "3"),
    ] {
        let ev = eval_with(&l, &[("firms_with_trademarks", json!(n))], &[]);
        assert_eq!(crit(&ev, "7"), d(want), "{n}/1000 firms with trademarks");
    }
}

#[test]
fn criterion_8_pct_bands() {
    let l = loaded();
    for (n, want) in [
        (0, "0"),
        (1, "3"),
        (9, "3"),
        (10, "6"),
        (19, "6"),
        (20, "8"),
        (500, "8"),
    ] {
        let ev = eval_with(&l, &[("pct_applications_3y", json!(n))], &[]);
        assert_eq!(crit(&ev, "8"), d(want), "{n} PCT applications");
    }
}

#[test]
fn criterion_9_density_bands() {
    let l = loaded();
    // employees = 100,000: patents / 10 is the density per 10,000.
    for (patents, want) in [
        (1499, "0"),   // 149.9
        (1500, "0.5"), // 150
        (1995, "0.5"), // 199.5
        (1999, "0.5"), // 199.9
        (2000, "1"),   // 200
        (2490, "1"),   // 249
        (2499, "1"),   // 249.9
        (2500, "1.5"), // 250
        (2995, "1.5"), // 299.5 (convention 3)
        (3000, "2"),   // 300
        (9000, "2"),
    ] {
        let ev = eval_with(
            &l,
            &[
                ("valid_invention_patents", json!(patents)),
                ("employees", json!(100_000)),
            ],
            &[],
        );
        assert_eq!(
            crit(&ev, "9"),
            d(want),
            "{patents} patents per 100,000 employees"
        );
    }
}

#[test]
fn criterion_10_grants_and_growth() {
    let l = loaded();
    for (n, want) in [(0, "0"), (99, "0"), (100, "0.5"), (999, "0.5"), (1000, "1")] {
        let ev = eval_with(&l, &[("patents_granted_3y", json!(n))], &[]);
        assert_eq!(item(&ev, "10.1"), d(want), "{n} patents granted");
    }
    for (g, want) in [
        (json!(9.99), "0.5"),
        (json!(10), "1"), // 10%（含）以上 wins over 10%以下 (convention 2)
        (json!(10.01), "1"),
        (json!(-5), "0.5"),
        (json!(0), "0.5"),
        (Value::Null, "0"), // no growth stated
    ] {
        let ev = eval_with(&l, &[("grant_growth_pct", g.clone())], &[]);
        assert_eq!(item(&ev, "10.2"), d(want), "growth {g}");
    }
    let ev = eval_with(&l, &[("grant_growth_pct", Value::Null)], &[]);
    assert!(
        ev.criterion("10").expect("10").missing_facts.is_empty(),
        "null is not missing"
    );
    let ev = eval_with(
        &l,
        &[
            ("patents_granted_3y", json!(999)),
            ("grant_growth_pct", json!(9.99)),
        ],
        &[],
    );
    assert_eq!(crit(&ev, "10"), d("1"));
}

#[test]
fn criterion_13_pledge_insurance_securitization() {
    let l = loaded();
    for (pledge, want) in [
        (json!(0), "0"),
        (json!(0.01), "2"),
        (json!(999.99), "2"),
        (json!(1000), "4"),
        (json!(4999), "4"),
        (json!(4999.99), "4"),
        (json!(5000), "6"),
        (json!(100000), "6"),
    ] {
        let ev = eval_with(
            &l,
            &[
                ("pledge_financing_wan", pledge.clone()),
                ("ip_insurance", json!("none")),
            ],
            &[],
        );
        assert_eq!(item(&ev, "13.1"), d(want), "pledge {pledge}");
        assert_eq!(crit(&ev, "13"), d(want), "pledge {pledge}");
    }
    for (ins, want) in [("good", "2"), ("fair", "1"), ("none", "0")] {
        let ev = eval_with(
            &l,
            &[
                ("ip_insurance", json!(ins)),
                ("pledge_financing_wan", json!(0)),
            ],
            &[],
        );
        assert_eq!(crit(&ev, "13"), d(want), "insurance {ins}");
    }
    let ev = eval_with(
        &l,
        &[
            ("pledge_financing_wan", json!(1000)),
            ("ip_insurance", json!("fair")),
        ],
        &[],
    );
    assert_eq!(crit(&ev, "13"), d("5"));
    let ev = eval_with(
        &l,
        &[
            ("pledge_financing_wan", json!(5000)),
            ("ip_insurance", json!("good")),
        ],
        &[],
    );
    assert_eq!(crit(&ev, "13"), d("8"));

    // Securitization overrides to 8, even with no financing and no insurance.
    let ev = eval_with(
        &l,
        &[
            ("ip_securitization", json!(true)),
            ("pledge_financing_wan", json!(0)),
            ("ip_insurance", json!("none")),
        ],
        &[],
    );
    assert_eq!(crit(&ev, "13"), d("8"));
    assert!(ev.item("13.3").expect("13.3").override_active);
    assert!(
        ev.criterion("13")
            .expect("13")
            .clamps
            .iter()
            .any(|c| c.contains("override")),
        "the override is recorded: {:?}",
        ev.criterion("13").expect("13").clamps
    );

    // Criterion 13 is never above 8.
    for pledge in [0, 500, 1000, 5000, 9000] {
        for ins in ["good", "fair", "none"] {
            for sec in [true, false] {
                let ev = eval_with(
                    &l,
                    &[
                        ("pledge_financing_wan", json!(pledge)),
                        ("ip_insurance", json!(ins)),
                        ("ip_securitization", json!(sec)),
                    ],
                    &[],
                );
                let v = crit(&ev, "13");
                assert!(v <= d("8"), "pledge {pledge} {ins} {sec} → {v}");
                if sec {
                    assert_eq!(v, d("8"));
                }
            }
        }
    }
}

#[test]
fn criterion_15_navigation_and_warning_capped_at_3() {
    let l = loaded();
    for (nav, warn, want) in [
        (true, true, "3"),
        (true, false, "3"),
        (false, true, "2"),
        (false, false, "0"),
    ] {
        let ev = eval_with(
            &l,
            &[
                ("patent_navigation", json!(nav)),
                ("ip_early_warning", json!(warn)),
            ],
            &[],
        );
        assert_eq!(crit(&ev, "15"), d(want), "navigation {nav}, warning {warn}");
    }
    let ev = eval_with(&l, &[], &[]);
    let c15 = ev.criterion("15").expect("15");
    assert!(
        c15.clamps.iter().any(|c| c.contains("capped at 3")),
        "3 + 2 = 5 → capped at 3 is recorded: {:?}",
        c15.clamps
    );
}

#[test]
fn criterion_4_budget_increases_and_yearly_minimum() {
    let l = loaded();
    for (years, want) in [
        // Three increases; the base year (5) below 10 does not matter.
        (json!([5, 10, 11, 12]), "4"),
        (json!([0, 10, 10, 10]), "2"),
        (json!([8, 12, 15, 20]), "4"),
        (json!([20, 10, 11, 12]), "3"),
        (json!([10, 11, 12, 11]), "3"),
        (json!([10, 11, 11, 11]), "2"),
        (json!([20, 19, 18, 17]), "0"),
        (json!([10, 10, 10, 10]), "0"),
        // A window year below 10 → nothing, whatever the growth.
        (json!([5, 9.99, 20, 30]), "0"),
        (json!([10, 12, 15, 9]), "0"),
        (json!([1, 2, 3, 4]), "0"),
        (json!([9, 10, 10.5, 11]), "4"),
    ] {
        let ev = eval_with(&l, &[("ip_budget_wan", years.clone())], &[]);
        assert_eq!(crit(&ev, "4"), d(want), "budget {years}");
    }
    // A year left empty counts as missing.
    let ev = eval_with(&l, &[("ip_budget_wan", json!([10, null, 12, 13]))], &[]);
    assert_eq!(crit(&ev, "4"), d("0"));
    assert_eq!(
        ev.criterion("4").expect("4").missing_facts,
        vec!["ip_budget_wan"]
    );
    // Three values instead of four are rejected when the facts are parsed.
    let mut obj = full_facts();
    obj.insert("ip_budget_wan".into(), json!([10, 11, 12]));
    let (_, problems) = parse_facts(&l.rubric, &obj);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "ip_budget_wan");
}

#[test]
fn criterion_2_staff_any_of() {
    let l = loaded();
    for (prof, full, want) in [
        (2, 0, "1"),
        (1, 1, "1"),
        (1, 0, "0"),
        (0, 3, "1"),
        (5, 5, "1"),
    ] {
        let ev = eval_with(
            &l,
            &[
                ("ip_professional_staff", json!(prof)),
                ("ip_fulltime_staff", json!(full)),
            ],
            &[],
        );
        assert_eq!(
            item(&ev, "2.3"),
            d(want),
            "professional {prof}, full-time {full}"
        );
    }
    // One alternative holds: the other one missing does not matter.
    let ev = eval_with(
        &l,
        &[("ip_fulltime_staff", json!(1))],
        &["ip_professional_staff"],
    );
    assert_eq!(item(&ev, "2.3"), d("1"));
    assert!(ev.criterion("2").expect("2").missing_facts.is_empty());
    // Neither holds and one is missing: 0, marked missing.
    let ev = eval_with(
        &l,
        &[("ip_professional_staff", json!(1))],
        &["ip_fulltime_staff"],
    );
    assert_eq!(item(&ev, "2.3"), d("0"));
    assert_eq!(
        ev.criterion("2").expect("2").missing_facts,
        vec!["ip_fulltime_staff"]
    );
}

#[test]
fn checklists_cases_and_platform() {
    let l = loaded();
    for (cases, want) in [(0, "2"), (1, "4"), (7, "4")] {
        let ev = eval_with(&l, &[("dispute_cases_helped", json!(cases))], &[]);
        assert_eq!(crit(&ev, "18"), d(want), "18 with {cases} cases");
        let ev = eval_with(&l, &[("dispute_resolution_cases", json!(cases))], &[]);
        assert_eq!(crit(&ev, "19"), d(want), "19 with {cases} cases");
    }
    // 19: 「如果已建立，是否有相应的处理案例」 — cases count only under a mechanism.
    for (mech, cases, want) in [
        (true, 1, "4"),
        (false, 1, "0"),
        (false, 0, "0"),
        (true, 0, "2"),
    ] {
        let ev = eval_with(
            &l,
            &[
                ("diversified_dispute_mechanism", json!(mech)),
                ("dispute_resolution_cases", json!(cases)),
            ],
            &[],
        );
        assert_eq!(
            crit(&ev, "19"),
            d(want),
            "19: mechanism {mech}, {cases} cases"
        );
    }
    let ev = eval_with(&l, &[("rights_assistance_center", json!(false))], &[]);
    assert_eq!(crit(&ev, "18"), d("2"));
    for (p, want) in [
        ("complete", "4"),
        ("partial", "3"),
        ("basic", "1"),
        ("none", "0"),
    ] {
        let ev = eval_with(&l, &[("public_service_platform", json!(p))], &[]);
        assert_eq!(crit(&ev, "23"), d(want), "platform {p}");
    }
    for (k, id, pts) in [
        ("has_ip_plan", "1", "3"),
        ("ip_in_annual_assessment", "1", "3"),
        ("regular_ip_review", "1", "4"),
        ("independent_ip_office", "2", "3"),
        ("subsidy_quality_oriented", "3", "2"),
        ("publicity_mechanism", "21", "0"),
        ("training_mechanism", "22", "0"),
        ("long_term_mechanism", "27", "0"),
    ] {
        let ev = eval_with(&l, &[(k, json!(false))], &[]);
        assert_eq!(crit(&ev, id), d(pts), "{k} false");
    }
}

#[test]
fn missing_facts_earn_zero_and_are_listed() {
    let l = loaded();
    let (facts, problems) = parse_facts(&l.rubric, &Map::new());
    assert!(problems.is_empty());
    let ev = evaluate(&l.rubric, &facts);
    assert_eq!(ev.auto_total, d("0"));
    for c in &ev.criteria {
        assert_eq!(c.auto, d("0"), "criterion {}", c.id);
        let expert_only = l
            .rubric
            .criterion(&c.id)
            .expect("criterion")
            .items
            .iter()
            .all(|i| i.is_expert());
        assert_eq!(
            c.missing_facts.is_empty(),
            expert_only,
            "criterion {}: {:?}",
            c.id,
            c.missing_facts
        );
    }
    let c13 = ev.criterion("13").expect("13");
    assert_eq!(
        c13.missing_facts,
        vec!["ip_insurance", "ip_securitization", "pledge_financing_wan"]
    );
    assert_eq!(
        ev.criterion("9").expect("9").missing_facts,
        vec!["employees", "valid_invention_patents"]
    );
    // One fact removed from the full set: only its criterion loses points.
    let ev = eval_with(&l, &[], &["pct_applications_3y"]);
    assert_eq!(crit(&ev, "8"), d("0"));
    assert_eq!(
        ev.criterion("8").expect("8").missing_facts,
        vec!["pct_applications_3y"]
    );
    assert_eq!(ev.auto_total, d("56"));
}

#[test]
fn bad_facts_are_reported_not_guessed() {
    let l = loaded();
    let mut obj = full_facts();
    obj.insert("ip_insurance".into(), json!("excellent"));
    obj.insert("pct_applications_3y".into(), json!(2.5));
    obj.insert("pledge_financing_wan".into(), json!(-1));
    obj.insert("grant_growth".into(), json!(3));
    let (facts, problems) = parse_facts(&l.rubric, &obj);
    let mut keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "grant_growth",
            "ip_insurance",
            "pct_applications_3y",
            "pledge_financing_wan"
        ]
    );
    let ev = evaluate(&l.rubric, &facts);
    assert_eq!(crit(&ev, "8"), d("0"));
    assert_eq!(item(&ev, "13.1"), d("0"));
    assert_eq!(item(&ev, "13.2"), d("0"));
}

#[test]
fn caps_in_order_up_to_100_plus_10() {
    let l = loaded();
    let r = &l.rubric;
    // Every item at its max: 100 + 10.
    let mut values: BTreeMap<String, Decimal> = BTreeMap::new();
    for (_, _, it) in r.items() {
        values.insert(it.id.clone(), it.max());
    }
    // The override item at its max replaces criterion 13 by 8.
    let s = combine(r, &values);
    assert_eq!(s.main, d("100"));
    assert_eq!(s.bonus, d("10"));
    assert_eq!(s.total, d("110"));
    assert_eq!(s.criteria["13"].value, d("8"));
    assert_eq!(s.criteria["15"].value, d("3"));
    for (id, cat) in [
        ("M", "20"),
        ("C", "20"),
        ("U", "20"),
        ("P", "15"),
        ("S", "25"),
        ("X", "10"),
    ] {
        assert_eq!(s.categories[id], d(cat), "category {id}");
    }
    // An over-max expert value is clamped at the item, and recorded.
    values.insert("28.1".into(), d("12"));
    values.insert("5.1".into(), d("2.5"));
    let s = combine(r, &values);
    assert_eq!(s.bonus, d("10"));
    assert_eq!(s.total, d("110"));
    assert_eq!(s.criteria["5"].value, d("2"));
    assert!(s.criteria["28"].clamps.iter().any(|c| c.contains("28.1")));
    // Expert values alone.
    let mut ex: BTreeMap<String, Decimal> = BTreeMap::new();
    for (_, _, it) in r.items().filter(|(_, _, i)| i.is_expert()) {
        ex.insert(it.id.clone(), it.max());
    }
    let s = combine(r, &ex);
    // Expert maxima: 5:2 11:2 12:4 14:3 16:2 17:4 20:3 21:2 22:2 24:4 25:3 26:3 27:2 = 36, + 28:10.
    assert_eq!(s.main, d("36"));
    assert_eq!(s.bonus, d("10"));
}

fn arb_facts() -> impl Strategy<Value = Map<String, Value>> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            0u32..5,
            0u32..3,
        ),
        proptest::collection::vec(0u32..40, 4),
        (1u32..2000, 0u32..2000, 0u32..2000, 0u32..40),
        (1u32..200_000, 0u32..10_000, 0u32..3000, -50i32..60),
        (
            0u32..10_000,
            0usize..3,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            0u32..4,
            0usize..4,
            any::<bool>(),
            proptest::collection::vec(any::<bool>(), 8),
        ),
    )
        .prop_map(|(a, budget, b, cnt, e, f)| {
            let mut o = Map::new();
            o.insert("has_ip_plan".into(), json!(a.0));
            o.insert("ip_in_annual_assessment".into(), json!(a.1));
            o.insert("regular_ip_review".into(), json!(a.2));
            o.insert("ip_professional_staff".into(), json!(a.3));
            o.insert("ip_fulltime_staff".into(), json!(a.4));
            o.insert("ip_budget_wan".into(), json!(budget));
            o.insert("total_firms".into(), json!(b.0));
            o.insert("firms_with_valid_patents".into(), json!(b.1.min(b.0)));
            o.insert("firms_with_trademarks".into(), json!(b.2.min(b.0)));
            o.insert("pct_applications_3y".into(), json!(b.3));
            o.insert("employees".into(), json!(cnt.0));
            o.insert("valid_invention_patents".into(), json!(cnt.1));
            o.insert("patents_granted_3y".into(), json!(cnt.2));
            o.insert("grant_growth_pct".into(), json!(cnt.3));
            o.insert("pledge_financing_wan".into(), json!(e.0));
            o.insert("ip_insurance".into(), json!(["good", "fair", "none"][e.1]));
            o.insert("ip_securitization".into(), json!(e.2));
            o.insert("patent_navigation".into(), json!(e.3));
            o.insert("ip_early_warning".into(), json!(e.4));
            o.insert("dispute_cases_helped".into(), json!(f.0));
            o.insert(
                "public_service_platform".into(),
                json!(["complete", "partial", "basic", "none"][f.1]),
            );
            o.insert("rights_assistance_center".into(), json!(f.2));
            let keys = [
                "independent_ip_office",
                "ip_management_rules",
                "ip_policies_issued",
                "subsidy_quality_oriented",
                "diversified_dispute_mechanism",
                "publicity_mechanism",
                "training_mechanism",
                "long_term_mechanism",
            ];
            for (k, v) in keys.iter().zip(f.3) {
                o.insert((*k).into(), json!(v));
            }
            o
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_suggestion_stays_within_its_caps(obj in arb_facts()) {
        let l = loaded();
        let (facts, problems) = parse_facts(&l.rubric, &obj);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        let ev = evaluate(&l.rubric, &facts);
        for c in &ev.criteria {
            prop_assert!(c.auto >= Decimal::ZERO && c.auto <= c.max, "criterion {} = {}", c.id, c.auto);
        }
        prop_assert!(crit(&ev, "13") <= d("8"));
        prop_assert!(crit(&ev, "15") <= d("3"));
        // Expert items count 0, so rule points stay within 64 of the 110.
        prop_assert!(ev.auto_total <= d("64"));
        let sum: Decimal = ev.criteria.iter().map(|c| c.auto).sum();
        prop_assert_eq!(sum, ev.auto_total);
    }
}

/// Every rubric file in `rubrics/`, sorted.
fn rubric_files() -> Vec<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics"));
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("rubrics/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_rubric_file_loads() {
    let files = rubric_files();
    assert!(files.iter().any(|p| p.ends_with("ip-demo-park.json")));
    let mut ids = std::collections::BTreeSet::new();
    for f in &files {
        let l = load(f).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            ids.insert(l.rubric.id.clone()),
            "duplicate rubric id {}",
            l.rubric.id
        );
    }
}

#[test]
fn panel_rubric_check_passes_every_file() {
    let files = rubric_files();
    let out = assert_cmd::Command::cargo_bin("panel")
        .expect("panel binary")
        .arg("rubric")
        .arg("check")
        .args(&files)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    for f in &files {
        let name = f.file_name().and_then(|s| s.to_str()).expect("name");
        assert!(stdout.contains(name), "{name} reported:\n{stdout}");
    }
    assert!(stdout.contains("total 100 + 10 bonus"), "{stdout}");
}

// ---- The derived rubrics written alongside (seeds 001, 002, 003). ----

/// Gate id and outcome, in file order.
type Outcomes = Vec<(String, &'static str)>;

fn gate_outcomes(file: &str, facts: Value) -> (Outcomes, Outcomes, &'static str) {
    use panel::rubric::{check_gates, eligibility_summary};
    let l = load(&rubric_path(file)).unwrap_or_else(|e| panic!("{e}"));
    let (facts, problems) = parse_facts(&l.rubric, facts.as_object().expect("object"));
    assert!(problems.is_empty(), "{problems:?}");
    let e = check_gates(&l.rubric.eligibility, &facts);
    let t = check_gates(&l.rubric.targets, &facts);
    let summary = eligibility_summary(&e).as_str();
    (
        e.into_iter().map(|g| (g.id, g.outcome.as_str())).collect(),
        t.into_iter().map(|g| (g.id, g.outcome.as_str())).collect(),
        summary,
    )
}

fn outcome<'a>(v: &'a [(String, &'static str)], id: &str) -> &'a str {
    v.iter()
        .find(|(g, _)| g == id)
        .unwrap_or_else(|| panic!("gate {id}"))
        .1
}

#[test]
fn derived_rubrics_are_marked_and_all_expert() {
    for f in [
        "ip-operation-cluster.json",
        "ip-operation-promotion-center.json",
        "special-fund-2022.json",
        "special-fund-2022-sme-capability.json",
        "special-fund-2022-high-value-upgrade.json",
        "special-fund-2022-medical-ops-center.json",
    ] {
        let l = load(&rubric_path(f)).unwrap_or_else(|e| panic!("{e}"));
        let r = &l.rubric;
        assert!(r.derived, "{f} is derived");
        assert!(r.notes[0].contains("DERIVED"), "{f} says so first");
        assert_eq!(r.total_max, d("100"), "{f}");
        assert_eq!(r.bonus_max(), d("0"), "{f}");
        assert!(
            r.items().all(|(_, _, i)| i.is_expert()),
            "{f}: every item is expert"
        );
        assert!(
            r.items().all(|(_, _, i)| i.step() == d("0.5")),
            "{f}: step 0.5"
        );
    }
    let c = load(&rubric_path("ip-operation-cluster.json"))
        .expect("001")
        .rubric;
    assert_eq!(
        c.criteria().count(),
        8,
        "one criterion per task of seed 001"
    );
    let p = load(&rubric_path("ip-operation-promotion-center.json"))
        .expect("003")
        .rubric;
    assert_eq!(
        p.criteria().count(),
        9,
        "one criterion per task of seed 003"
    );
}

#[test]
fn special_fund_tracks_quota_caps_and_budget() {
    let r = load(&rubric_path("special-fund-2022.json"))
        .expect("002")
        .rubric;
    // The fund (5447.20万元, 第三条) is the programme's money, never one panel's budget: it is in
    // the notes, and each track carries its own quota, cap and total.
    assert_eq!(r.funding.budget_wan, None);
    assert!(r.notes.iter().any(|n| n.contains("5447.20万元")));
    assert_eq!(r.tracks.len(), 22);
    let t = |id: &str| {
        r.tracks
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("track {id}"))
    };
    let u = t("univ-ops-center");
    assert_eq!(
        (u.quota, u.quota_approx, u.per_award_cap_wan),
        (Some(10), false, Some(d("80")))
    );
    let m = t("medical-ops-center");
    assert_eq!((m.quota, m.per_award_cap_wan), (Some(10), Some(d("50"))));
    let h = t("high-value-center");
    assert_eq!(
        (h.quota, h.quota_approx, h.per_award_cap_wan),
        (Some(10), true, Some(d("80")))
    );
    let up = t("high-value-upgrade");
    assert_eq!(
        (up.quota, up.quota_approx, up.per_award_cap_wan),
        (Some(15), true, Some(d("50")))
    );
    // 第十六条: 「一次性予以不超过50万元经费支持，总培养人数不少于100人」 — the track's total.
    let c = t("sme-cipo-training");
    assert_eq!((c.per_award_cap_wan, c.budget_wan), (None, Some(d("50"))));
    assert_eq!(c.targets, ["总培养人数不少于100人"]);
    let s = t("sme-capability");
    assert_eq!((s.quota, s.per_award_cap_wan), (None, Some(d("20"))));
    assert_eq!(s.exclusions.len(), 4);
    for (id, rate, budget) in [
        ("academic-license-award", Some("1500"), "300"),
        ("bank-pledge-award", Some("0.1"), "500"),
        ("agency-trusteeship-award", None, "50"),
        ("open-license-award", Some("3000"), "30"),
    ] {
        let tr = t(id);
        let want_mode = if rate.is_some() { "per_unit" } else { "graded" };
        assert_eq!(tr.mode, want_mode, "{id}");
        assert_eq!(tr.rate, rate.map(d), "{id}");
        assert_eq!(tr.budget_wan, Some(d(budget)), "{id}");
    }
    assert_eq!(r.tracks.iter().filter(|t| t.mode == "panel").count(), 18);
    // Every track rubric named exists in rubrics/.
    for tr in &r.tracks {
        if let Some(id) = &tr.rubric {
            load(&rubric_path(&format!("{id}.json")))
                .unwrap_or_else(|e| panic!("track {}: {e}", tr.id));
        }
    }
}

/// The funding note of each track rubric of seed 002 says which tracks have a total. The
/// rules state one for 第十六条 (「一次性予以不超过50万元经费支持，总培养人数不少于100人」, a panel
/// track), for the per-unit awards (第十九条 「本项目奖补总额不超过300万元」, 第二十条 500万,
/// 第二十二条 30万) and for the award by grade (第二十一条 「分等次予以资金奖补。本项目奖补总额不超过
/// 50万元」): the note names every article whose track in `special-fund-2022` has a
/// `budget_wan`, and does not say that only the per-unit tracks have one.
#[test]
fn special_fund_track_rubrics_name_every_track_with_a_total() {
    let programme = load(&rubric_path("special-fund-2022.json"))
        .expect("002")
        .rubric;
    let with_total: Vec<&str> = programme
        .tracks
        .iter()
        .filter(|t| t.budget_wan.is_some())
        .map(|t| t.article.as_str())
        .collect();
    assert_eq!(
        with_total,
        [
            "第十六条",
            "第十九条",
            "第二十条",
            "第二十一条",
            "第二十二条"
        ]
    );
    for f in [
        "special-fund-2022-sme-capability.json",
        "special-fund-2022-high-value-upgrade.json",
        "special-fund-2022-medical-ops-center.json",
    ] {
        let r = load(&rubric_path(f)).expect("track rubric").rubric;
        let note = r
            .notes
            .iter()
            .find(|n| n.starts_with("Fund:"))
            .unwrap_or_else(|| panic!("{f}: a note starting `Fund:`"));
        for article in &with_total {
            assert!(
                note.contains(article),
                "{f}: the note names {article}: {note}"
            );
        }
        assert!(
            !note.contains("only for the per-unit tracks"),
            "{f}: {note}"
        );
        // Its own track states no total.
        assert!(r.tracks.iter().all(|t| t.budget_wan.is_none()), "{f}");
    }
}

#[test]
fn cluster_district_dependent_firm_counts() {
    let base = |central: Value, ht: i64, smes: i64| {
        json!({
            "applicant_recognized_park": true, "located_central_or_chongming": central,
            "high_tech_firms": ht, "smes": smes, "exchange_partner": true, "partner_banks": 2,
            "partner_insurers": 1, "partner_service_agencies": 2,
            "min_dual_certified_staff_per_agency": 2, "max_cluster_projects_per_agency": 2,
            "bad_credit_record_3y": false, "mass_infringement_cases_3y": false
        })
    };
    for (central, ht, smes, want) in [
        (true, 20, 200, "pass"),
        (true, 19, 500, "fail"),
        (true, 50, 199, "fail"),
        (false, 50, 300, "pass"),
        (false, 49, 1000, "fail"),
        (false, 50, 299, "fail"),
        (false, 20, 200, "fail"),
    ] {
        let (e, _, _) = gate_outcomes("ip-operation-cluster.json", base(json!(central), ht, smes));
        assert_eq!(
            outcome(&e, "E1"),
            want,
            "central {central}, {ht} high-tech, {smes} SMEs"
        );
    }
    let mut f = base(json!(true), 60, 400);
    f.as_object_mut()
        .expect("object")
        .remove("located_central_or_chongming");
    let (e, _, summary) = gate_outcomes("ip-operation-cluster.json", f);
    assert_eq!(
        outcome(&e, "E1"),
        "unknown",
        "district missing, both groups would hold"
    );
    assert_eq!(summary, "unchecked");
    // 「成熟条件」 of 申报条件（三） is decided by hand (E3b), beside E3's partnerships.
    assert_eq!(outcome(&e, "E3"), "pass");
    assert_eq!(outcome(&e, "E3b"), "manual");
    let mut f = base(json!(false), 60, 400);
    f["partner_banks"] = json!(1);
    f["max_cluster_projects_per_agency"] = json!(3);
    let (e, _, summary) = gate_outcomes("ip-operation-cluster.json", f);
    assert_eq!(outcome(&e, "E3"), "fail");
    assert_eq!(outcome(&e, "E4"), "fail");
    assert_eq!(outcome(&e, "E1b"), "manual");
    assert_eq!(summary, "ineligible");
}

#[test]
fn promotion_center_targets() {
    let f = json!({
        "applicant_type": "tech_transfer", "founded_by_listed_body": true,
        "recommended_by_municipal_department": true,
        "target_key_units": 50, "target_one_firm_one_file": true,
        "target_supply_records": 2000, "target_demand_records": 500,
        "target_license_transfer_growth_pct": 20, "target_equity_patents_growth_pct": 20,
        "target_deal_amount_growth_pct": 25, "target_received_amount_growth_pct": 20,
        "target_sme_academic_licensee_growth_pct": 20,
        "target_annual_satisfaction_survey": true, "target_satisfaction_pct": 90
    });
    let (e, t, _) = gate_outcomes("ip-operation-promotion-center.json", f.clone());
    for g in ["E1", "E2"] {
        assert_eq!(outcome(&e, g), "pass", "{g}");
    }
    for g in ["T1", "T2", "T3", "T4", "T6"] {
        assert_eq!(outcome(&t, g), "pass", "{g}");
    }
    assert_eq!(outcome(&t, "T5"), "manual");
    for (k, v, gate) in [
        ("target_key_units", json!(49), "T1"),
        ("target_supply_records", json!(1999), "T2"),
        ("target_demand_records", json!(499), "T2"),
        ("target_received_amount_growth_pct", json!(19.9), "T3"),
        ("target_deal_amount_growth_pct", Value::Null, "T3"),
        ("target_satisfaction_pct", json!(89.9), "T6"),
    ] {
        let mut g = f.clone();
        g[k] = v;
        let (_, t, _) = gate_outcomes("ip-operation-promotion-center.json", g);
        assert_eq!(outcome(&t, gate), "fail", "{k}");
    }
    let mut g = f.clone();
    g["applicant_type"] = json!("other");
    g["recommended_by_municipal_department"] = json!(false);
    let (e, _, summary) = gate_outcomes("ip-operation-promotion-center.json", g);
    assert_eq!(outcome(&e, "E1"), "fail");
    assert_eq!(outcome(&e, "E2"), "fail");
    assert_eq!(summary, "ineligible");
}

#[test]
fn sme_capability_target_group_and_exclusion_rule() {
    let f = json!({
        "registered_in_shanghai": true, "operating_normally": true, "good_credit_record": true,
        "disqualified_art26": false, "is_sme": true, "specialized_sme": false,
        "livelihood_sector_sme": true, "national_ip_advantage_demo_unit": false,
        "municipal_patent_pilot_demo_unit": false, "in_patent_navigation_project": false,
        "in_high_value_patent_project": false, "requested_funding_wan": 20
    });
    let file = "special-fund-2022-sme-capability.json";
    let (e, _, _) = gate_outcomes(file, f.clone());
    for g in ["E1", "E3", "E4", "E9"] {
        assert_eq!(outcome(&e, g), "pass", "{g}");
    }
    let mut g = f.clone();
    g["livelihood_sector_sme"] = json!(false);
    assert_eq!(
        outcome(&gate_outcomes(file, g.clone()).0, "E3"),
        "fail",
        "neither group"
    );
    g["specialized_sme"] = json!(true);
    assert_eq!(outcome(&gate_outcomes(file, g).0, "E3"), "pass", "专精特新");
    for k in [
        "national_ip_advantage_demo_unit",
        "municipal_patent_pilot_demo_unit",
        "in_patent_navigation_project",
        "in_high_value_patent_project",
    ] {
        let mut g = f.clone();
        g[k] = json!(true);
        let (e, _, summary) = gate_outcomes(file, g);
        assert_eq!(outcome(&e, "E4"), "fail", "{k} excludes");
        assert_eq!(summary, "ineligible", "{k}");
    }
    let l = load(&rubric_path(file)).expect("sme");
    assert_eq!(l.rubric.funding.per_award_cap_wan, Some(d("20")));
    assert_eq!(
        l.rubric.funding.requested_fact.as_deref(),
        Some("requested_funding_wan")
    );
}
