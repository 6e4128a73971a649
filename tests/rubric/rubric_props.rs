//! Property tests of the rubric engine: caps are never exceeded, per-unit
//! points never decrease when a count grows, evaluation is deterministic, and
//! the parsers never panic on arbitrary input.

use std::collections::BTreeMap;
use std::path::Path;

use panel::rubric::{self, combine, evaluate, parse_facts, FactType, Loaded, Rule};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

fn all_rubrics() -> Vec<Loaded> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files.iter().map(|f| rubric::load(f).unwrap()).collect()
}

/// Random facts for a rubric from a seed vector: each declared fact gets a
/// value of its type (sometimes absent, sometimes extreme).
fn facts_for(r: &rubric::Rubric, seed: &[u32]) -> Map<String, Value> {
    let mut m = Map::new();
    for (i, f) in r.facts.iter().enumerate() {
        let s = seed[i % seed.len()].wrapping_add(i as u32 * 7919);
        if s.is_multiple_of(11) {
            continue; // missing
        }
        let big = s.is_multiple_of(5);
        let n = if big {
            (s % 100_000) as i64
        } else {
            (s % 60) as i64
        };
        let v = match f.ty {
            FactType::Int => json!(n),
            FactType::Number => json!(n as f64 + (s % 100) as f64 / 100.0),
            FactType::Bool => json!(s.is_multiple_of(2)),
            FactType::Enum => json!(f.values[(s as usize) % f.values.len()]),
            FactType::Years => {
                let k = if f.years.is_empty() { 3 } else { f.years.len() };
                json!((0..k).map(|j| ((s >> j) % 40) as i64).collect::<Vec<_>>())
            }
            FactType::Text => json!("文本"),
        };
        let v = if f.nullable && s.is_multiple_of(13) {
            Value::Null
        } else {
            v
        };
        m.insert(f.key.clone(), v);
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn caps_never_exceeded(seed in proptest::collection::vec(any::<u32>(), 1..40), pick in 0usize..16) {
        let rubrics = all_rubrics();
        let l = &rubrics[pick % rubrics.len()];
        let r = &l.rubric;
        let (facts, _) = parse_facts(r, &facts_for(r, &seed));
        let e = evaluate(r, &facts);
        let mut cat_sum = BTreeMap::new();
        for (cat, k) in r.criteria() {
            let ce = e.criterion(&k.id).unwrap();
            prop_assert!(ce.auto >= Decimal::ZERO && ce.auto <= k.max, "{} auto {} max {}", k.id, ce.auto, k.max);
            for (it, ie) in k.items.iter().zip(&ce.items) {
                if let Some(a) = ie.auto {
                    prop_assert!(a >= Decimal::ZERO && a <= it.max(), "{} {} > {}", it.id, a, it.max());
                }
            }
            *cat_sum.entry(cat.id.clone()).or_insert(Decimal::ZERO) += ce.auto;
        }
        let bonus = r.bonus_max();
        prop_assert!(e.auto_total <= r.total_max + bonus);
        // Random expert values, also beyond the maxima: combine clamps them.
        let mut values = BTreeMap::new();
        for (i, (_, _, it)) in r.items().enumerate() {
            let s = seed[i % seed.len()];
            values.insert(it.id.clone(), Decimal::from(s % 30) - Decimal::from(3));
        }
        let sc = combine(r, &values);
        for cat in &r.categories {
            let v = sc.categories[&cat.id];
            prop_assert!(v >= Decimal::ZERO && v <= cat.max);
        }
        for (_, k) in r.criteria() {
            let v = sc.criteria[&k.id].value;
            prop_assert!(v >= Decimal::ZERO && v <= k.max);
        }
        prop_assert!(sc.main <= r.total_max);
        prop_assert!(sc.bonus <= bonus);
        prop_assert_eq!(sc.total, sc.main + sc.bonus);
    }

    #[test]
    fn evaluation_is_deterministic(seed in proptest::collection::vec(any::<u32>(), 1..40), pick in 0usize..16) {
        let rubrics = all_rubrics();
        let l = &rubrics[pick % rubrics.len()];
        let obj = facts_for(&l.rubric, &seed);
        let (f1, _) = parse_facts(&l.rubric, &obj);
        let (f2, _) = parse_facts(&l.rubric, &obj);
        let a = serde_json::to_string(&evaluate(&l.rubric, &f1)).unwrap();
        let b = serde_json::to_string(&evaluate(&l.rubric, &f2)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn per_unit_never_decreases_when_a_count_grows(seed in proptest::collection::vec(any::<u32>(), 1..40), pick in 0usize..16, bump in 1i64..500) {
        let rubrics = all_rubrics();
        let l = &rubrics[pick % rubrics.len()];
        let r = &l.rubric;
        let obj = facts_for(r, &seed);
        let (facts, _) = parse_facts(r, &obj);
        let before = evaluate(r, &facts);
        for (_, _, it) in r.items() {
            if let Rule::PerUnit { terms, .. } = &it.rule {
                for t in terms {
                    let mut o2 = obj.clone();
                    let cur = o2.get(&t.fact).and_then(|v| v.as_i64()).unwrap_or(0);
                    o2.insert(t.fact.clone(), json!(cur + bump));
                    let (f2, _) = parse_facts(r, &o2);
                    let after = evaluate(r, &f2);
                    prop_assert!(after.item(&it.id).unwrap().auto >= before.item(&it.id).unwrap().auto);
                }
            }
        }
    }

    #[test]
    fn rubric_parser_never_panics_on_arbitrary_text(s in ".{0,400}") {
        let _ = rubric::parse_rubric(Path::new("arbitrary.json"), &s);
        let _ = rubric::facts_object(Path::new("arbitrary.json"), &s);
    }

    #[test]
    fn rubric_parser_never_panics_on_mutated_rubric(idx in 0usize..100_000, byte in any::<u8>(), cut in 0usize..100_000) {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/park-ip-trusteeship-2024.json")).unwrap();
        let mut bytes = text.into_bytes();
        let i = idx % bytes.len();
        bytes[i] = byte;
        bytes.truncate(bytes.len() - cut % 64);
        if let Ok(s) = String::from_utf8(bytes) {
            match rubric::parse_rubric(Path::new("mutated.json"), &s) {
                Ok(l) => { let _ = evaluate(&l.rubric, &Default::default()); }
                Err(e) => prop_assert!(e.to_string().contains("mutated.json")),
            }
        }
    }

    #[test]
    fn rubric_parser_never_panics_on_arbitrary_json(v in arb_json()) {
        let s = v.to_string();
        let _ = rubric::parse_rubric(Path::new("a.json"), &s);
        for l in all_rubrics().iter().take(2) {
            if let Value::Object(m) = &v {
                let (f, _) = parse_facts(&l.rubric, m);
                let _ = evaluate(&l.rubric, &f);
            }
        }
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        "[a-z_]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("categories".to_string()),
                    Just("kind".to_string()),
                    Just("team_size".to_string()),
                    Just("ip_budget_wan".to_string()),
                    "[a-z_]{1,10}"
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
