//! `panel rubric eval <program> <bundle> --json` runs for every fixture bundle
//! and its rule items agree with the facts as written: each flag, choice,
//! per-unit, plain-fact band and all-of item is recomputed here from the
//! bundle's facts and the rubric file, independently of the evaluator; and a
//! few hand-checked values per program.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn eval(program: &str, bundle: &Path) -> Value {
    let out = Command::cargo_bin("panel")
        .unwrap()
        .args(["rubric", "eval", program])
        .arg(bundle)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        bundle.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn items(ev: &Value) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for c in ev["criteria"].as_array().unwrap() {
        for it in c["items"].as_array().unwrap() {
            m.insert(it["id"].as_str().unwrap().to_string(), it.clone());
        }
    }
    m
}

fn criterion(ev: &Value, id: &str) -> Value {
    ev["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("criterion {id}"))
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Independent value of a condition; None when it cannot be decided here.
fn cond(c: &Value, facts: &Value) -> Option<bool> {
    let fact = c["fact"].as_str()?;
    let x = &facts[fact];
    let op = c["op"].as_str()?;
    Some(match op {
        "is_true" => x == &Value::Bool(true),
        "is_false" => x == &Value::Bool(false),
        "present" => !x.is_null(),
        "in" => c["one_of"]
            .as_array()?
            .iter()
            .any(|v| v.as_str() == x.as_str()),
        _ => {
            let Some(xv) = f(x) else { return Some(false) };
            let rhs = match c.get("other").and_then(Value::as_str) {
                Some(o) => f(&facts[o])? * c.get("factor").and_then(Value::as_f64).unwrap_or(1.0),
                None => f(&c["value"])?,
            };
            match op {
                "ge" => xv >= rhs,
                "gt" => xv > rhs,
                "le" => xv <= rhs,
                "lt" => xv < rhs,
                "eq" => close(xv, rhs),
                "ne" => !close(xv, rhs),
                _ => return None,
            }
        }
    })
}

/// Independent value of a rule item from the facts, or None when not
/// recomputed here (derived values, items with `requires`).
fn expected(item: &Value, facts: &Value) -> Option<f64> {
    if item
        .get("requires")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
    {
        return None;
    }
    match item["kind"].as_str()? {
        "flag" => {
            let x = &facts[item["fact"].as_str()?];
            Some(if x == &Value::Bool(true) {
                f(&item["points"])?
            } else {
                0.0
            })
        }
        "choice" => {
            let x = facts[item["fact"].as_str()?].as_str()?;
            item["options"]
                .as_array()?
                .iter()
                .find(|o| o["value"] == x)
                .and_then(|o| f(&o["points"]))
                .or(Some(0.0))
        }
        "per_unit" => {
            let mut s = 0.0;
            for t in item["terms"].as_array()? {
                s += f(&t["rate"])? * f(&facts[t["fact"].as_str()?]).unwrap_or(0.0);
            }
            Some(s.min(f(&item["cap"])?))
        }
        "bands" => {
            let x = f(&facts[item["value"]["fact"].as_str()?])?;
            let mut pts = 0.0;
            for b in item["bands"].as_array()? {
                let lo_ok = match f(&b["from"]) {
                    None => true,
                    Some(lo) => {
                        if b["from_incl"] == false {
                            x > lo
                        } else {
                            x >= lo
                        }
                    }
                };
                let hi_ok = match f(&b["to"]) {
                    None => true,
                    Some(hi) => {
                        if b["to_incl"] == true {
                            x <= hi
                        } else {
                            x < hi
                        }
                    }
                };
                if lo_ok && hi_ok {
                    pts = f(&b["points"])?;
                }
            }
            Some(pts)
        }
        "all_of" | "any_of" => {
            let all = item["kind"] == "all_of";
            let mut vals = Vec::new();
            for c in item["conditions"].as_array()? {
                vals.push(cond(c, facts)?);
            }
            let ok = if all {
                vals.iter().all(|v| *v)
            } else {
                vals.iter().any(|v| *v)
            };
            Some(if ok { f(&item["points"])? } else { 0.0 })
        }
        _ => None,
    }
}

#[test]
fn every_fixture_bundle_evaluates_and_rule_items_agree_with_the_facts() {
    let mut checked_items = 0;
    let mut bundles = 0;
    for e in std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .flatten()
    {
        let dir = e.path().join("bundles");
        if !dir.is_dir() {
            continue;
        }
        for b in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = b.path();
            let bundle: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let program = bundle["program"].as_str().unwrap();
            let rubric: Value = serde_json::from_str(
                &std::fs::read_to_string(root().join("rubrics").join(format!("{program}.json")))
                    .unwrap(),
            )
            .unwrap();
            let ev = eval(program, &path);
            assert_eq!(ev["rubric"], program);
            let got = items(&ev);
            for cat in rubric["categories"].as_array().unwrap() {
                for k in cat["criteria"].as_array().unwrap() {
                    for it in k["items"].as_array().unwrap() {
                        let id = it["id"].as_str().unwrap();
                        let g = &got[id];
                        if let Some(want) = expected(it, &bundle["facts"]) {
                            let auto = g["auto"].as_f64().unwrap();
                            assert!(
                                close(auto, want),
                                "{}: item {id}: evaluator {auto}, facts say {want}",
                                path.display()
                            );
                            checked_items += 1;
                        }
                    }
                }
            }
            assert!(ev["auto_total"].as_f64().is_some());
            bundles += 1;
        }
    }
    assert!(bundles >= 28, "{bundles}");
    assert!(checked_items >= 200, "{checked_items} items recomputed");
}

fn fixture(program: &str, code: &str) -> PathBuf {
    root()
        .join("fixtures")
        .join(program)
        .join("bundles")
        .join(format!("{code}.json"))
}

fn item_auto(ev: &Value, id: &str) -> f64 {
    items(ev)[id]["auto"].as_f64().unwrap()
}

fn gate(ev: &Value, id: &str) -> String {
    ev["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .map(|g| g["outcome"].as_str().unwrap().to_string())
        .unwrap()
}

const T24: &str = "park-ip-trusteeship-2024";
const DP: &str = "ip-demo-park";

#[test]
fn trusteeship_hand_checked() {
    // T24-001: 32 PCT × 0.2 = 6.4 → capped at 5; 4 + 7×0.5 + 15×0.2 = 10.5 → 3;
    // 6 + 3 + 1.4 + 2.2 = 12.6 → 7; every rule item at its max: 56.
    let ev = eval(T24, &fixture(T24, "T24-001"));
    let it = &items(&ev)["A3.2"];
    assert_eq!(it["auto"].as_f64(), Some(5.0));
    assert!(!it["clamps"].as_array().unwrap().is_empty(), "{it}");
    assert_eq!(item_auto(&ev, "A1.3"), 3.0);
    assert_eq!(item_auto(&ev, "A3.3"), 7.0);
    assert_eq!(ev["auto_total"].as_f64(), Some(56.0));
    // Every rule gate passes; E2b (industry direction) and E3b (effective patent and
    // trademark management work) are decided by hand.
    assert_eq!(ev["eligibility"], "unchecked");
    assert_eq!(gate(&ev, "E2b"), "manual");
    assert_eq!(gate(&ev, "E3b"), "manual");

    // T24-002 (borderline): budget minimum 8 < 10 → 0; PCT target null → B2.3 0;
    // 8 new professionals < 10 → B2.5 0; 31.6 in all.
    let ev = eval(T24, &fixture(T24, "T24-002"));
    assert_eq!(item_auto(&ev, "A2.5"), 0.0);
    assert_eq!(item_auto(&ev, "B2.3"), 0.0);
    assert_eq!(item_auto(&ev, "B2.5"), 0.0);
    assert_eq!(item_auto(&ev, "A3.2"), 0.8);
    assert_eq!(ev["auto_total"].as_f64(), Some(31.6));

    // T24-003 asks 50万 (over the 40万 cap) with 30万 self-funding ≥ 25: C2.2 holds.
    let ev = eval(T24, &fixture(T24, "T24-003"));
    assert_eq!(item_auto(&ev, "C2.2"), 5.0);
    let b = panel::bundle::read_bundle(&fixture(T24, "T24-003"))
        .unwrap()
        .0;
    assert_eq!(
        b.requested_wan.map(|d| d.to_string()).as_deref(),
        Some("50")
    );

    // T24-004 (weak): no cooperation, team of 4 → C1.1 0; self 10 < 20 → C2.2 0.
    let ev = eval(T24, &fixture(T24, "T24-004"));
    assert_eq!(item_auto(&ev, "C1.1"), 0.0);
    assert_eq!(item_auto(&ev, "C2.2"), 0.0);
    assert_eq!(item_auto(&ev, "A1.1"), 0.0);

    // T24-006: a trusteeship project within three years → ineligible (E5).
    let ev = eval(T24, &fixture(T24, "T24-006"));
    assert_eq!(ev["eligibility"], "ineligible");
    assert_eq!(gate(&ev, "E5"), "fail");

    // T24-008: self 16 < 0.5 × 40; pledge target 1800 < 2000.
    let ev = eval(T24, &fixture(T24, "T24-008"));
    assert_eq!(item_auto(&ev, "C2.2"), 0.0);
    assert_eq!(item_auto(&ev, "B2.4"), 0.0);

    // T24-009: 86 SMEs with patents: band 80–99 → 1, and ineligible (E2).
    let ev = eval(T24, &fixture(T24, "T24-009"));
    assert_eq!(item_auto(&ev, "A1.2"), 1.0);
    assert_eq!(gate(&ev, "E2"), "fail");
    assert_eq!(ev["eligibility"], "ineligible");
}

#[test]
fn demo_park_hand_checked() {
    // DP-001: securitization overrides criterion 13 to 8; navigation + warning
    // capped at 3; 2580 / 86000 × 10000 = 300 exactly → 2.
    let ev = eval(DP, &fixture(DP, "DP-001"));
    assert_eq!(criterion(&ev, "13")["auto"].as_f64(), Some(8.0));
    assert_eq!(criterion(&ev, "15")["auto"].as_f64(), Some(3.0));
    assert_eq!(item_auto(&ev, "9.1"), 2.0);
    assert_eq!(item_auto(&ev, "4.1"), 4.0);

    // DP-002 sits on the boundaries: 30% → 3, 40% → 2, 299.42 → 1.5,
    // growth 10% → 1, 5000万 → 6, budget 60/80/80/95 → two increases → 3.
    let ev = eval(DP, &fixture(DP, "DP-002"));
    assert_eq!(item_auto(&ev, "6.1"), 3.0);
    assert_eq!(item_auto(&ev, "7.1"), 2.0);
    assert_eq!(item_auto(&ev, "9.1"), 1.5);
    assert_eq!(item_auto(&ev, "10.2"), 1.0);
    assert_eq!(item_auto(&ev, "13.1"), 6.0);
    assert_eq!(item_auto(&ev, "4.1"), 3.0);

    // DP-003: growth unknown (null) → 0.
    let ev = eval(DP, &fixture(DP, "DP-003"));
    assert_eq!(item_auto(&ev, "10.2"), 0.0);

    // DP-004: a window year below 10万 → criterion 4 earns nothing; −5% → 0.5.
    let ev = eval(DP, &fixture(DP, "DP-004"));
    assert_eq!(item_auto(&ev, "4.1"), 0.0);
    assert_eq!(item_auto(&ev, "10.2"), 0.5);

    // DP-005: one full-time IP staff suffices for 2.3.
    let ev = eval(DP, &fixture(DP, "DP-005"));
    assert_eq!(item_auto(&ev, "2.3"), 1.0);

    // DP-006: 999万 → 2.
    let ev = eval(DP, &fixture(DP, "DP-006"));
    assert_eq!(item_auto(&ev, "13.1"), 2.0);
}

#[test]
fn derived_programs_hand_checked_eligibility() {
    let cases = [
        ("ip-operation-cluster", "OC-001", "unchecked", vec![]),
        ("ip-operation-cluster", "OC-002", "unchecked", vec![]),
        (
            "ip-operation-cluster",
            "OC-003",
            "ineligible",
            vec!["E1", "E4"],
        ),
        (
            "ip-operation-promotion-center",
            "PC-001",
            "unchecked",
            vec![],
        ),
        (
            "ip-operation-promotion-center",
            "PC-003",
            "ineligible",
            vec!["E2"],
        ),
        (
            "special-fund-2022-sme-capability",
            "SME-001",
            "unchecked",
            vec![],
        ),
        (
            "special-fund-2022-sme-capability",
            "SME-003",
            "ineligible",
            vec!["E4"],
        ),
        (
            "special-fund-2022-medical-ops-center",
            "MED-001",
            "unchecked",
            vec![],
        ),
        (
            "special-fund-2022-medical-ops-center",
            "MED-003",
            "ineligible",
            vec!["E3"],
        ),
    ];
    for (program, code, want, fails) in cases {
        let ev = eval(program, &fixture(program, code));
        assert_eq!(ev["eligibility"], want, "{code}");
        for g in fails {
            assert_eq!(gate(&ev, g), "fail", "{code} {g}");
        }
        for g in ev["gates"].as_array().unwrap() {
            if want != "ineligible" {
                assert_ne!(g["outcome"], "fail", "{code}: {g}");
            }
        }
    }
    // OC-002 meets the central-district thresholds exactly (24 ≥ 20, 230 ≥ 200)
    // and every target at its boundary.
    let ev = eval(
        "ip-operation-cluster",
        &fixture("ip-operation-cluster", "OC-002"),
    );
    assert_eq!(gate(&ev, "E1"), "pass");
    for t in ev["targets"].as_array().unwrap() {
        assert_ne!(t["outcome"], "fail", "{t}");
    }
}
