//! Table tests: every band boundary and every cap of `park-ip-trusteeship-2024`.

use std::path::Path;
use std::str::FromStr;

use panel::rubric::{self, evaluate, parse_facts, Evaluation, Loaded};
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn loaded() -> Loaded {
    rubric::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rubrics/park-ip-trusteeship-2024.json"
    )))
    .expect("rubric loads")
}

/// A complete, middle-of-the-road set of facts; tests change one key.
fn base() -> Value {
    json!({
        "industry_in_9x": true, "smes_with_valid_patents": 120,
        "national_ip_advantage_demo_firms": 1, "municipal_patent_pilot_demo_units": 1,
        "district_ip_pilot_demo_units": 1, "ip_office": "independent", "ip_professional_staff": 2,
        "has_ip_management_system": true, "ip_budget_wan": [15, 15, 15], "pct_applications": 10,
        "ip_pledge_financing_deals": 1, "ip_insurance_policies": 1, "patent_transfers": 5,
        "patent_licenses": 5, "target_procedure_document": true, "target_firms_surveyed": 150,
        "target_trust_agreements": 50, "target_survey_report": true,
        "target_high_value_patent_growth_pct": 5,
        "target_pct_applications": 10, "target_license_transfers": 5,
        "target_pledge_financing_wan": 2000, "target_product_filing_firms": 10,
        "target_trainings": 5, "target_trainee_visits": 200, "target_new_professionals": 10,
        "team_size": 5, "has_service_agency_cooperation": true, "fiscal_funding_wan": 40,
        "self_funding_wan": 20
    })
}

fn eval_with(changes: &[(&str, Value)]) -> Evaluation {
    let l = loaded();
    let mut v = base();
    for (k, x) in changes {
        if x.is_null()
            && *k != "target_pct_applications"
            && *k != "target_high_value_patent_growth_pct"
        {
            v.as_object_mut().unwrap().remove(*k);
        } else {
            v[*k] = x.clone();
        }
    }
    let (facts, problems) = parse_facts(&l.rubric, v.as_object().unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    evaluate(&l.rubric, &facts)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn item(e: &Evaluation, id: &str) -> Decimal {
    e.item(id).unwrap().auto.unwrap()
}

#[test]
fn a1_2_smes_bands_79_80_99_100() {
    for (n, want) in [
        (0, "0"),
        (79, "0"),
        (80, "1"),
        (99, "1"),
        (100, "2"),
        (5000, "2"),
    ] {
        let e = eval_with(&[("smes_with_valid_patents", json!(n))]);
        assert_eq!(item(&e, "A1.2"), d(want), "smes = {n}");
    }
}

#[test]
fn a1_3_per_unit_cap_3() {
    // 1 + 0.5 + 0.2 = 1.7
    let e = eval_with(&[]);
    assert_eq!(item(&e, "A1.3"), d("1.7"));
    // 2×1 + 1×0.5 + 3×0.2 = 3.1 → capped at 3
    let e = eval_with(&[
        ("national_ip_advantage_demo_firms", json!(2)),
        ("municipal_patent_pilot_demo_units", json!(1)),
        ("district_ip_pilot_demo_units", json!(3)),
    ]);
    assert_eq!(item(&e, "A1.3"), d("3"));
    assert!(e
        .criterion("A1")
        .unwrap()
        .clamps
        .iter()
        .any(|c| c.contains("capped at 3")));
    // exactly 3: 0 + 2×0.5 + 10×0.2 = 3.0, no clamp
    let e = eval_with(&[
        ("national_ip_advantage_demo_firms", json!(0)),
        ("municipal_patent_pilot_demo_units", json!(2)),
        ("district_ip_pilot_demo_units", json!(10)),
    ]);
    assert_eq!(item(&e, "A1.3"), d("3"));
    assert!(e.item("A1.3").unwrap().clamps.is_empty());
}

#[test]
fn a2_office_staff_and_system() {
    for (v, want) in [
        ("independent", "2"),
        ("non_independent", "1"),
        ("none", "0"),
    ] {
        let e = eval_with(&[("ip_office", json!(v))]);
        assert_eq!(item(&e, "A2.2"), d(want));
    }
    for (n, want) in [(0, "0"), (1, "1"), (2, "2"), (9, "2")] {
        let e = eval_with(&[("ip_professional_staff", json!(n))]);
        assert_eq!(item(&e, "A2.3"), d(want), "staff {n}");
    }
    let e = eval_with(&[("has_ip_management_system", json!(false))]);
    assert_eq!(item(&e, "A2.4"), d("0"));
}

#[test]
fn a2_5_budget_every_year_10_and_20() {
    for (years, want) in [
        (json!([9.99, 50, 50]), "0"), // 不足10万 in one year → 0
        (json!([10, 10, 10]), "1"),   // 10 included (以上/10-20)
        (json!([19.9, 30, 30]), "1"), // minimum 19.9 → 10–20
        (json!([20, 20, 20]), "2"),   // 20 in both bands, no （含）: higher wins
        (json!([20, 25, 100]), "2"),
        (json!([30, 30, 19]), "1"), // every year must meet 20
    ] {
        let e = eval_with(&[("ip_budget_wan", years.clone())]);
        assert_eq!(item(&e, "A2.5"), d(want), "budget {years}");
    }
}

#[test]
fn a3_2_pct_24_25_26_capped_at_5() {
    for (n, want) in [
        (0, "0"),
        (1, "0.2"),
        (24, "4.8"),
        (25, "5"),
        (26, "5"),
        (30, "5"),
    ] {
        let e = eval_with(&[("pct_applications", json!(n))]);
        assert_eq!(item(&e, "A3.2"), d(want), "pct {n}");
    }
    let e = eval_with(&[("pct_applications", json!(30))]);
    let clamps = &e.item("A3.2").unwrap().clamps;
    assert_eq!(
        clamps,
        &vec!["A3.2: 30 × 0.2 = 6.0 → capped at 5".to_string()]
    );
    let e = eval_with(&[("pct_applications", json!(25))]);
    assert!(
        e.item("A3.2").unwrap().clamps.is_empty(),
        "25 × 0.2 = 5 is not a clamp"
    );
}

#[test]
fn a3_3_point_one_items_sum_past_7() {
    // 0.1-point items alone: 69 transfers + 1 licence = 7.0 exactly, no clamp
    let e = eval_with(&[
        ("ip_pledge_financing_deals", json!(0)),
        ("ip_insurance_policies", json!(0)),
        ("patent_transfers", json!(69)),
        ("patent_licenses", json!(1)),
    ]);
    assert_eq!(item(&e, "A3.3"), d("7"));
    assert!(e.item("A3.3").unwrap().clamps.is_empty());
    // 71 × 0.1 = 7.1 → capped at 7 (exact decimals: no 7.000000001)
    let e = eval_with(&[
        ("ip_pledge_financing_deals", json!(0)),
        ("ip_insurance_policies", json!(0)),
        ("patent_transfers", json!(70)),
        ("patent_licenses", json!(1)),
    ]);
    assert_eq!(item(&e, "A3.3"), d("7"));
    assert_eq!(e.item("A3.3").unwrap().clamps.len(), 1);
    // 3 + 3 + 0.3 + 0.4 = 6.7 (exact)
    let e = eval_with(&[
        ("ip_pledge_financing_deals", json!(3)),
        ("ip_insurance_policies", json!(3)),
        ("patent_transfers", json!(3)),
        ("patent_licenses", json!(4)),
    ]);
    assert_eq!(item(&e, "A3.3"), d("6.7"));
}

#[test]
fn b2_all_or_nothing_clauses() {
    let full = eval_with(&[]);
    for (id, want) in [
        ("B2.1", "3"),
        ("B2.2", "3"),
        ("B2.3", "5"),
        ("B2.4", "6"),
        ("B2.5", "3"),
    ] {
        assert_eq!(item(&full, id), d(want), "{id}");
    }
    assert_eq!(full.criterion("B2").unwrap().auto, d("20"));
    for (k, v, id) in [
        ("target_firms_surveyed", json!(149), "B2.2"),
        ("target_trust_agreements", json!(49), "B2.2"),
        // 「形成调研报告」 is part of the clause.
        ("target_survey_report", json!(false), "B2.2"),
        // A target of 0 PCT applications is not a quantified target.
        ("target_pct_applications", json!(0), "B2.3"),
        ("target_license_transfers", json!(4), "B2.4"),
        ("target_pledge_financing_wan", json!(1999.99), "B2.4"),
        ("target_product_filing_firms", json!(9), "B2.4"),
        ("target_trainings", json!(4), "B2.5"),
        ("target_trainee_visits", json!(199), "B2.5"),
        ("target_new_professionals", json!(9), "B2.5"),
        ("target_procedure_document", json!(false), "B2.1"),
    ] {
        let e = eval_with(&[(k, v.clone())]);
        assert_eq!(item(&e, id), d("0"), "{k} = {v} must void {id}");
    }
    // B2.3 needs BOTH targets quantified; null means not quantified.
    let e = eval_with(&[("target_pct_applications", Value::Null)]);
    assert_eq!(item(&e, "B2.3"), d("0"));
    assert!(
        e.item("B2.3").unwrap().missing_facts.is_empty(),
        "null is not missing"
    );
    let e = eval_with(&[("target_high_value_patent_growth_pct", Value::Null)]);
    assert_eq!(item(&e, "B2.3"), d("0"));
}

#[test]
fn c1_team_and_c2_self_funding() {
    let e = eval_with(&[("team_size", json!(4))]);
    assert_eq!(item(&e, "C1.1"), d("0"));
    let e = eval_with(&[("team_size", json!(5))]);
    assert_eq!(item(&e, "C1.1"), d("5"));
    let e = eval_with(&[("has_service_agency_cooperation", json!(false))]);
    assert_eq!(item(&e, "C1.1"), d("0"));
    // self ≥ 0.5 × fiscal
    for (fiscal, own, want) in [
        (40.0, 20.0, "5"),
        (40.0, 19.99, "0"),
        (50.0, 25.0, "5"),
        (30.0, 15.0, "5"),
        (30.0, 14.0, "0"),
    ] {
        let e = eval_with(&[
            ("fiscal_funding_wan", json!(fiscal)),
            ("self_funding_wan", json!(own)),
        ]);
        assert_eq!(item(&e, "C2.2"), d(want), "fiscal {fiscal} self {own}");
    }
}

#[test]
fn missing_facts_earn_zero_and_are_listed() {
    let l = loaded();
    let (facts, _) = parse_facts(&l.rubric, json!({}).as_object().unwrap());
    let e = evaluate(&l.rubric, &facts);
    assert_eq!(e.auto_total, Decimal::ZERO);
    let a1 = e.criterion("A1").unwrap();
    assert!(a1
        .missing_facts
        .contains(&"smes_with_valid_patents".to_string()));
    assert!(a1.missing_facts.contains(&"industry_in_9x".to_string()));
    let b1 = e.criterion("B1").unwrap();
    assert!(b1.needs_expert && b1.missing_facts.is_empty());
}

/// C2.2 compares two facts (配套经费不得低于财政经费50%): when both are missing, both are
/// listed, not only the left one (found by bench/rules_reference.py).
#[test]
fn a_comparison_of_two_missing_facts_lists_both() {
    for (gone, want) in [
        (
            &["fiscal_funding_wan", "self_funding_wan"][..],
            &["fiscal_funding_wan", "self_funding_wan"][..],
        ),
        (&["self_funding_wan"][..], &["self_funding_wan"][..]),
        (&["fiscal_funding_wan"][..], &["fiscal_funding_wan"][..]),
    ] {
        let changes: Vec<(&str, Value)> = gone.iter().map(|k| (*k, Value::Null)).collect();
        let e = eval_with(&changes);
        assert_eq!(item(&e, "C2.2"), d("0"), "{gone:?}");
        let mut listed = e.item("C2.2").unwrap().missing_facts.clone();
        listed.sort();
        assert_eq!(listed, want, "item, missing {gone:?}");
        let mut listed = e.criterion("C2").unwrap().missing_facts.clone();
        listed.sort();
        assert_eq!(listed, want, "criterion, missing {gone:?}");
    }
}

#[test]
fn full_marks_rule_total_and_expert_share() {
    // Max facts: every rule item at its max.
    let e = eval_with(&[
        ("smes_with_valid_patents", json!(500)),
        ("national_ip_advantage_demo_firms", json!(5)),
        ("ip_budget_wan", json!([50, 50, 50])),
        ("pct_applications", json!(100)),
        ("ip_pledge_financing_deals", json!(10)),
    ]);
    // Rule maxima: A1 6, A2 8 (A2.1 expert), A3 12 (A3.1 expert), B2 20, C1 5, C2 5.
    assert_eq!(e.criterion("A1").unwrap().auto, d("6"));
    assert_eq!(e.criterion("A2").unwrap().auto, d("8"));
    assert_eq!(e.criterion("A3").unwrap().auto, d("12"));
    assert_eq!(e.auto_total, d("56"));
}

#[test]
fn wrong_type_names_key_and_type() {
    let l = loaded();
    let (_, problems) = parse_facts(
        &l.rubric,
        json!({"team_size": "5", "ip_budget_wan": [1, 2], "ip_office": "maybe", "pct_applications": 2.5})
            .as_object()
            .unwrap(),
    );
    let msg: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        msg.iter()
            .any(|m| m.contains("team_size") && m.contains("expected int")),
        "{msg:?}"
    );
    assert!(
        msg.iter()
            .any(|m| m.contains("ip_budget_wan") && m.contains("3 yearly values")),
        "{msg:?}"
    );
    assert!(
        msg.iter()
            .any(|m| m.contains("ip_office") && m.contains("allowed values")),
        "{msg:?}"
    );
    assert!(
        msg.iter()
            .any(|m| m.contains("pct_applications") && m.contains("expected int")),
        "{msg:?}"
    );
}

#[test]
fn eligibility_gates() {
    let l = loaded();
    let mut v = base();
    v["applicant_is_park_body"] = json!(true);
    v["has_ip_coordination_mechanism"] = json!(true);
    v["prior_trusteeship_within_3y"] = json!(false);
    let (facts, _) = parse_facts(&l.rubric, v.as_object().unwrap());
    let g = rubric::check_gates(&l.rubric.eligibility, &facts);
    // Every rule passes; E2b (the industry-direction clause of 申报条件2) and E3b (申报条件3's
    // 有效开展专利商标管理工作) are decided by hand, so the application stays unchecked until
    // they are.
    assert_eq!(
        rubric::eligibility_summary(&g).as_str(),
        "unchecked",
        "{g:?}"
    );
    let open: Vec<(&str, &str)> = g
        .iter()
        .filter(|r| r.outcome != rubric::GateOutcome::Pass)
        .map(|r| (r.id.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(open, vec![("E2b", "manual"), ("E3b", "manual")]);
    let e3b = g.iter().find(|r| r.id == "E3b").unwrap();
    assert!(e3b.text.contains("有效开展专利商标管理工作"));
    let e2b = g.iter().find(|r| r.id == "E2b").unwrap();
    assert!(e2b
        .text
        .contains("园区主导产业符合本市战略性新兴产业和先导产业发展方向"));
    // E3: 「具有一定的知识产权经费投入」 — a year without IP budget fails it.
    let mut nb = v.clone();
    nb["ip_budget_wan"] = json!([0, 15, 15]);
    let (facts, _) = parse_facts(&l.rubric, nb.as_object().unwrap());
    let g = rubric::check_gates(&l.rubric.eligibility, &facts);
    assert_eq!(
        g.iter().find(|r| r.id == "E3").unwrap().outcome.as_str(),
        "fail"
    );
    assert_eq!(rubric::eligibility_summary(&g).as_str(), "ineligible");
    // T5: a PCT target of 0 is not quantified; 1 is.
    for (pct, want) in [
        (json!(0), "fail"),
        (json!(1), "pass"),
        (Value::Null, "fail"),
    ] {
        let mut t = v.clone();
        t["target_pct_applications"] = pct.clone();
        let (facts, _) = parse_facts(&l.rubric, t.as_object().unwrap());
        let g = rubric::check_gates(&l.rubric.targets, &facts);
        assert_eq!(
            g.iter().find(|r| r.id == "T5").unwrap().outcome.as_str(),
            want,
            "{pct}"
        );
    }
    v["smes_with_valid_patents"] = json!(99);
    let (facts, _) = parse_facts(&l.rubric, v.as_object().unwrap());
    let g = rubric::check_gates(&l.rubric.eligibility, &facts);
    assert_eq!(rubric::eligibility_summary(&g).as_str(), "ineligible");
    v["smes_with_valid_patents"] = json!(100);
    v["prior_trusteeship_within_3y"] = json!(true);
    let (facts, _) = parse_facts(&l.rubric, v.as_object().unwrap());
    let g = rubric::check_gates(&l.rubric.eligibility, &facts);
    assert_eq!(rubric::eligibility_summary(&g).as_str(), "ineligible");
    // No service experience of any kind → E4 fails.
    v["prior_trusteeship_within_3y"] = json!(false);
    for k in [
        "ip_pledge_financing_deals",
        "ip_insurance_policies",
        "patent_transfers",
        "patent_licenses",
    ] {
        v[k] = json!(0);
    }
    v["high_value_patent_cultivation_experience"] = json!(false);
    let (facts, _) = parse_facts(&l.rubric, v.as_object().unwrap());
    let g = rubric::check_gates(&l.rubric.eligibility, &facts);
    assert_eq!(
        g.iter().find(|r| r.id == "E4").unwrap().outcome.as_str(),
        "fail"
    );
    // Unknown when a needed fact is missing.
    v.as_object_mut()
        .unwrap()
        .remove("high_value_patent_cultivation_experience");
    let (facts, _) = parse_facts(&l.rubric, v.as_object().unwrap());
    let g = rubric::check_gates(&l.rubric.eligibility, &facts);
    assert_eq!(
        g.iter().find(|r| r.id == "E4").unwrap().outcome.as_str(),
        "unknown"
    );
}

#[test]
fn maxima_match_the_seed() {
    let l = loaded();
    let r = &l.rubric;
    assert_eq!(r.total_max, d("100"));
    let cats: Vec<(String, Decimal)> = r.categories.iter().map(|c| (c.id.clone(), c.max)).collect();
    assert_eq!(
        cats,
        vec![
            ("A".into(), d("30")),
            ("B".into(), d("50")),
            ("C".into(), d("20"))
        ]
    );
    let crits: Vec<(String, Decimal)> = r.criteria().map(|(_, k)| (k.id.clone(), k.max)).collect();
    assert_eq!(
        crits,
        crate::demo_panel::CRITERION_MAXIMA
            .iter()
            .map(|(a, b)| (a.to_string(), Decimal::from(*b)))
            .collect::<Vec<_>>()
    );
    assert_eq!(r.funding.quota, Some(3));
    assert_eq!(r.funding.per_award_cap_wan, Some(d("40")));
    assert_eq!(r.funding.self_funding_ratio, Some(d("0.5")));
    assert_eq!(r.funding.min_team, Some(5));
}

/// The call's requirements (gate E6: joint application, team ≥ 5; gate E7: self-funding
/// ≥ 0.5 × fiscal) at their boundaries, in 万元 with decimals; a missing fact leaves the
/// gate `unknown`, never `pass`.
#[test]
fn call_requirements_at_their_boundaries() {
    let l = loaded();
    let outcome = |changes: &[(&str, Value)], gate: &str| {
        let mut v = base();
        v["applicant_is_park_body"] = json!(true);
        v["has_ip_coordination_mechanism"] = json!(true);
        v["prior_trusteeship_within_3y"] = json!(false);
        for (k, x) in changes {
            if x.is_null() {
                v.as_object_mut().unwrap().remove(*k);
            } else {
                v[*k] = x.clone();
            }
        }
        let (facts, problems) = parse_facts(&l.rubric, v.as_object().unwrap());
        assert!(problems.is_empty(), "{problems:?}");
        let g = rubric::check_gates(&l.rubric.eligibility, &facts);
        let o = g.iter().find(|r| r.id == gate).unwrap().outcome.as_str();
        (o, rubric::eligibility_summary(&g).as_str())
    };
    // (changed facts, gate, its outcome, the application's eligibility)
    type Case = (
        Vec<(&'static str, Value)>,
        &'static str,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (vec![("team_size", json!(5))], "E6", "pass", "unchecked"), // E2b and E3b are decided by hand
        (vec![("team_size", json!(4))], "E6", "fail", "ineligible"),
        (
            vec![("team_size", Value::Null)],
            "E6",
            "unknown",
            "unchecked",
        ),
        (
            vec![("has_service_agency_cooperation", json!(false))],
            "E6",
            "fail",
            "ineligible",
        ),
        (
            vec![("self_funding_wan", json!(20))],
            "E7",
            "pass",
            "unchecked", // E2b and E3b are decided by hand
        ),
        (
            vec![("self_funding_wan", json!(19.99999))],
            "E7",
            "fail",
            "ineligible",
        ),
        (
            vec![
                ("fiscal_funding_wan", json!(39.99998)),
                ("self_funding_wan", json!(19.99999)),
            ],
            "E7",
            "pass",
            "unchecked", // E2b and E3b are decided by hand
        ),
        (
            vec![
                ("fiscal_funding_wan", json!(39.99998)),
                ("self_funding_wan", json!(19.99998)),
            ],
            "E7",
            "fail",
            "ineligible",
        ),
        (
            vec![("self_funding_wan", Value::Null)],
            "E7",
            "unknown",
            "unchecked",
        ),
        // The ratio exactly 0.49999 and exactly 0.5 of a fiscal request of 37.5万 (万元 with
        // decimals: 18.749625 / 37.5 = 0.49999; 18.75 / 37.5 = 0.5).
        (
            vec![
                ("fiscal_funding_wan", json!(37.5)),
                ("self_funding_wan", json!(18.749625)),
            ],
            "E7",
            "fail",
            "ineligible",
        ),
        (
            vec![
                ("fiscal_funding_wan", json!(37.5)),
                ("self_funding_wan", json!(18.75)),
            ],
            "E7",
            "pass",
            "unchecked", // E2b and E3b are decided by hand
        ),
        (
            vec![("fiscal_funding_wan", Value::Null)],
            "E7",
            "unknown",
            "unchecked",
        ),
    ];
    for (changes, gate, want, summary) in cases {
        let got = outcome(&changes, gate);
        assert_eq!(got, (want, summary), "{changes:?}");
    }
}
