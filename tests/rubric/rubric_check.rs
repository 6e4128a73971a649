//! `panel rubric check | show | eval` from the command line, and every kind of
//! invalid rubric named by its JSON path.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

const T24: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/rubrics/park-ip-trusteeship-2024.json"
);

fn panel() -> Command {
    Command::cargo_bin("panel").unwrap()
}

fn t24() -> Value {
    serde_json::from_str(&std::fs::read_to_string(T24).unwrap()).unwrap()
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

/// Mutate the trusteeship rubric, check it, expect exit 1 and the path and
/// message in stderr.
fn expect_error(mutate: impl FnOnce(&mut Value), path: &str, msg: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut v = t24();
    mutate(&mut v);
    let f = write(dir.path(), "bad.json", &v);
    panel()
        .args(["rubric", "check"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json"))
        .stderr(predicate::str::contains(path))
        .stderr(predicate::str::contains(msg));
}

#[test]
fn all_shipped_rubrics_pass_with_only_documented_warnings() {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let out = panel()
        .args(["rubric", "check"])
        .args(&files)
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    // Every warning printed is one the file documents in `warnings`.
    for line in stderr.lines() {
        assert!(line.starts_with("warning: "), "unexpected output: {line}");
        let (file, text) = line["warning: ".len()..].split_once(": ").unwrap();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let documented: Vec<&str> = v["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        assert!(documented.contains(&text), "undocumented warning {line}");
    }
    assert!(
        stderr.contains("6个方面"),
        "the 6-vs-5 aspects inconsistency is reported"
    );
}

#[test]
fn show_matches_seed_maxima() {
    panel()
        .args(["rubric", "show", T24])
        .assert()
        .success()
        .stdout(predicate::str::contains("总分: 100  (= 30 + 50 + 20)"))
        .stdout(predicate::str::contains(
            "A3.2   [5] per_unit 0.2 × pct_applications (cap 5)",
        ));
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/rubrics/ip-demo-park.json");
    if Path::new(demo).exists() {
        panel()
            .args(["rubric", "show", demo])
            .assert()
            .success()
            .stdout(predicate::str::contains("总分: 100 + 10 bonus"));
    }
    // Embedded by id, no file needed.
    panel()
        .args(["rubric", "show", "park-ip-trusteeship-2024"])
        .assert()
        .success()
        .stdout(predicate::str::contains("工作方案"));
}

#[test]
fn eval_json_shape_and_values() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "facts.json",
        &json!({"pct_applications": 30, "smes_with_valid_patents": 100, "industry_in_9x": true}),
    );
    let out = panel()
        .args(["rubric", "eval", T24])
        .arg(&f)
        .arg("--json")
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["rubric"], "park-ip-trusteeship-2024");
    let a3 = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "A3")
        .unwrap();
    assert_eq!(a3["max"], json!(14));
    assert_eq!(a3["auto"], json!(5));
    assert_eq!(a3["needs_expert"], json!(true));
    assert!(a3["clamps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "A3.2: 30 × 0.2 = 6.0 → capped at 5"));
    assert!(a3["missing_facts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "patent_licenses"));
    let a1 = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "A1")
        .unwrap();
    assert_eq!(a1["auto"], json!(3));
    assert_eq!(v["auto_total"], json!(8));
    // Human output explains.
    panel()
        .args(["rubric", "eval", T24])
        .arg(&f)
        .assert()
        .success()
        .stdout(predicate::str::contains("30 × 0.2 = 6.0 → capped at 5"))
        .stdout(predicate::str::contains("FACT MISSING"));
}

#[test]
fn eval_wrong_type_names_key_and_expected_type() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "facts.json", &json!({"team_size": "five"}));
    panel()
        .args(["rubric", "eval", T24])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("facts.json"))
        .stderr(predicate::str::contains("team_size"))
        .stderr(predicate::str::contains("expected int"));
}

#[test]
fn duplicate_ids() {
    expect_error(
        |v| v["categories"][0]["criteria"][1]["items"][0]["id"] = json!("A1.1"),
        "categories[0].criteria[1].items[0]",
        "duplicate id `A1.1`",
    );
}

/// The written opinion's settings (`opinion`) and the reserved `#` item ids.
#[test]
fn opinion_settings_and_reserved_item_ids() {
    assert_eq!(t24()["opinion"]["required"], json!(true));
    assert_eq!(t24()["opinion"]["min_chars"], json!(20));
    expect_error(
        |v| v["opinion"]["required"] = json!(false),
        "opinion.min_chars",
        "min_chars is set but the opinion is not required",
    );
    expect_error(
        |v| v["opinion"]["title"] = json!(" "),
        "opinion.title",
        "the opinion's title is empty",
    );
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][0]["id"] = json!("#opinion"),
        "categories[0].criteria[0].items[0]",
        "starts with `#`, which is reserved",
    );
    // a misspelt key is refused with its path
    let dir = tempfile::tempdir().unwrap();
    let mut v = t24();
    v["opinion"]["min_char"] = json!(5);
    let f = write(dir.path(), "bad.json", &v);
    panel()
        .args(["rubric", "check"])
        .arg(&f)
        .assert()
        .failure()
        .stderr(predicate::str::contains("min_char"));
}

#[test]
fn unknown_fact_key() {
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][0]["fact"] = json!("industry_in_9xx"),
        "categories[0].criteria[0].items[0].fact",
        "unknown fact key `industry_in_9xx`",
    );
}

#[test]
fn overlapping_bands() {
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][1]["bands"][1]["from"] = json!(90),
        "categories[0].criteria[0].items[1].bands[1]",
        "overlaps",
    );
}

#[test]
fn gap_between_bands() {
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][1]["bands"][0]["to"] = json!(99),
        "categories[0].criteria[0].items[1].bands[1]",
        "gap",
    );
    // Both sides exclusive at the meeting point is a gap too.
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][1]["bands"][1]["from_incl"] = json!(false),
        "categories[0].criteria[0].items[1].bands[1]",
        "gap at 100",
    );
}

#[test]
fn maxima_do_not_add_up() {
    expect_error(
        |v| v["categories"][0]["max"] = json!(31),
        "categories[0].max",
        "can reach only 30",
    );
    expect_error(
        |v| v["categories"][0]["max"] = json!(29),
        "categories[0].max",
        "add up to 30",
    );
    expect_error(|v| v["total_max"] = json!(90), "total_max", "add up to 100");
    expect_error(
        |v| v["categories"][0]["criteria"][0]["max"] = json!(7),
        "categories[0].criteria[0].max",
        "maxima do not add up",
    );
}

#[test]
fn negative_points() {
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][0]["points"] = json!(-1),
        "categories[0].criteria[0].items[0].points",
        "negative",
    );
}

#[test]
fn unknown_kind_and_unknown_field() {
    expect_error(
        |v| v["categories"][0]["criteria"][0]["items"][0]["kind"] = json!("lottery"),
        "categories[0].criteria[0].items[0]",
        "unknown variant `lottery`",
    );
    expect_error(
        |v| v["categories"][0]["criteria"][0]["colour"] = json!("red"),
        "categories[0].criteria[0]",
        "unknown field `colour`",
    );
    expect_error(
        |v| v["aggregation"]["method"] = json!("vote"),
        "aggregation.method",
        "unknown method",
    );
}

#[test]
fn bad_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.json", vec![]),
        (
            "truncated.json",
            std::fs::read(T24).unwrap()[..5000].to_vec(),
        ),
        ("latin1.json", b"{\"id\": \"caf\xe9\"}".to_vec()),
        (
            "garbage.json",
            (0..4096u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
        ("array.json", b"[1,2,3]".to_vec()),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        panel()
            .args(["rubric", "check"])
            .arg(&p)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(name))
            .stderr(predicate::str::contains("panicked").not());
    }
    // Huge file: refused by size before parsing.
    let p = dir.path().join("huge.json");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(20 * 1024 * 1024).unwrap();
    panel()
        .args(["rubric", "check"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("more than the"));
    // Missing file.
    panel()
        .args(["rubric", "check", "/nonexistent/x.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/x.json"));
}

#[test]
fn empty_any_of_option_and_bad_track() {
    expect_error(
        |v| {
            v["eligibility"][1]["any_of"] = json!([[]]);
        },
        "eligibility[1].any_of[0]",
        "empty option",
    );
    expect_error(
        |v| {
            v["tracks"] = json!([{"id": "t", "title": "x", "mode": "lottery"}]);
        },
        "tracks[0].mode",
        "unknown mode `lottery`",
    );
    expect_error(
        |v| {
            v["tracks"] = json!([{"id": "t", "title": "x", "mode": "per_unit"}]);
        },
        "tracks[0].rate",
        "needs a `rate`",
    );
}

#[test]
fn formula_award_tracks_need_their_units_grades_and_total() {
    let per_unit =
        json!({"id": "t", "title": "x", "mode": "per_unit", "rate": 1500, "budget_wan": 300});
    expect_error(
        |v| v["tracks"] = json!([per_unit.clone()]),
        "tracks[0].unit_fact",
        "needs `unit_fact`",
    );
    expect_error(
        |v| {
            let mut t = per_unit.clone();
            t["unit_fact"] = json!("team_size");
            v["tracks"] = json!([t]);
        },
        "tracks[0].yuan_per_unit",
        "needs `yuan_per_unit` > 0",
    );
    expect_error(
        |v| {
            let mut t = per_unit.clone();
            t["unit_fact"] = json!("no_such_fact");
            t["yuan_per_unit"] = json!(1500);
            v["tracks"] = json!([t]);
        },
        "tracks[0].unit_fact",
        "unknown fact key `no_such_fact`",
    );
    expect_error(
        |v| v["tracks"] = json!([{"id": "g", "title": "x", "mode": "graded", "budget_wan": 50}]),
        "tracks[0].grades",
        "needs `grades`",
    );
    expect_error(
        |v| {
            v["tracks"] = json!([{"id": "g", "title": "x", "mode": "graded", "budget_wan": 50,
                "grades": [{"id": "一等", "weight": 3}, {"id": "一等", "weight": 0}]}])
        },
        "tracks[0].grades[1]",
        "duplicate grade `一等`",
    );
    expect_error(
        |v| {
            v["tracks"] = json!([{"id": "g", "title": "x", "mode": "graded",
                "grades": [{"id": "一等", "weight": 3}]}])
        },
        "tracks[0].budget_wan",
        "needs its total",
    );
    // Exclusions need a rubric whose gates enforce them.
    expect_error(
        |v| {
            v["tracks"] = json!([{"id": "p", "title": "x", "mode": "panel",
                "exclusions": ["已获得认定的企业不参与本项目遴选。"]}])
        },
        "tracks[0].exclusions",
        "needs a rubric of its own",
    );
    // A fixed sum (第十条 「一次性给予30万元」) needs the sum.
    expect_error(
        |v| v["tracks"] = json!([{"id": "p", "title": "x", "mode": "panel", "fixed_award": true}]),
        "tracks[0].fixed_award",
        "needs its sum in `per_award_cap_wan`",
    );
}

#[test]
fn a_funding_requirement_no_gate_enforces_is_refused() {
    let drop_gate = |id: &'static str| {
        move |v: &mut Value| {
            let gates = v["eligibility"].as_array_mut().unwrap();
            gates.retain(|g| g["id"] != id);
        }
    };
    expect_error(
        drop_gate("E6"),
        "funding.min_team",
        "no eligibility gate enforces the minimum team of 5",
    );
    expect_error(
        drop_gate("E7"),
        "funding.self_funding_ratio",
        "no eligibility gate enforces self-funding ≥ 0.5",
    );
}

// ------------------------------------------------------------------ weights

/// A rubric with weights 0.8, 1.2, 1.6 and 2.0: category A reaches exactly
/// 0.8 × 10 + 1.2 × 10 = 20; category B's criteria reach 1.6 × 10 + 2.0 × 5 = 26
/// and the call caps it at 20 (`capped`), so that cap can bind. total_max 40.
fn weighted_rubric() -> Value {
    let crit = |id: &str, max: u32, w: &str| {
        json!({
            "id": id, "title": id, "max": max, "weight": w.parse::<f64>().unwrap(),
            "items": [{"id": format!("{id}.1"), "text": id, "kind": "expert", "max": max}]
        })
    };
    json!({
        "id": "weighted-test", "title": "加权测试", "version": "1", "total_max": 40,
        "aggregation": {"by": "criterion", "quorum": 3},
        "categories": [
            {"id": "A", "title": "A", "max": 20,
             "criteria": [crit("A1", 10, "0.8"), crit("A2", 10, "1.2")]},
            {"id": "B", "title": "B", "max": 20, "capped": true,
             "criteria": [crit("B1", 10, "1.6"), crit("B2", 5, "2.0")]}
        ]
    })
}

#[test]
fn weighted_rubric_passes_check_and_category_max_is_the_weighted_sum() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "w.json", &weighted_rubric());
    panel().args(["rubric", "check"]).arg(&f).assert().code(0);
    panel()
        .args(["rubric", "show"])
        .arg(&f)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("A1 A1   [10 × 0.8]"))
        .stdout(predicate::str::contains("[20] capped / 封顶"));

    // Figure-skating style: five criteria of max 10 with factor 1.2 reach 60, not 50.
    let mut v = weighted_rubric();
    let five: Vec<Value> = (1..=5)
        .map(|i| {
            json!({"id": format!("P{i}"), "title": "p", "max": 10, "weight": 1.2,
                   "items": [{"id": format!("P{i}.1"), "text": "p", "kind": "expert", "max": 10}]})
        })
        .collect();
    v["categories"] = json!([{"id": "P", "title": "P", "max": 50, "criteria": five}]);
    v["total_max"] = json!(50);
    let f = write(dir.path(), "skate.json", &v);
    panel()
        .args(["rubric", "check"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("categories[0].max"))
        .stderr(predicate::str::contains("Σ weight × max = 60"));
    v["categories"][0]["max"] = json!(60);
    v["total_max"] = json!(60);
    let f = write(dir.path(), "skate.json", &v);
    panel().args(["rubric", "check"]).arg(&f).assert().code(0);

    // B below its weighted reach without `capped`: refused, naming the key to add.
    let mut v = weighted_rubric();
    v["categories"][1].as_object_mut().unwrap().remove("capped");
    let f = write(dir.path(), "nocap.json", &v);
    panel()
        .args(["rubric", "check"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("categories[1].max"))
        .stderr(predicate::str::contains("Σ weight × max = 26"))
        .stderr(predicate::str::contains("\"capped\": true"));
    // A max above what the criteria reach can never be reached.
    let mut v = weighted_rubric();
    v["categories"][0]["max"] = json!(21);
    v["total_max"] = json!(41);
    let f = write(dir.path(), "over.json", &v);
    panel()
        .args(["rubric", "check"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "can reach only Σ weight × max = 20",
        ));
    // `capped` on a category whose max is exactly its reach is a mistake.
    let mut v = weighted_rubric();
    v["categories"][0]["capped"] = json!(true);
    let f = write(dir.path(), "cap.json", &v);
    panel()
        .args(["rubric", "check"])
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("categories[0].capped"));
}

/// Totals of `panel results` on the weighted rubric equal
/// Σ round2(weight × round2(panel value)), with B's cap binding for X.
#[test]
fn weighted_totals_are_sums_of_rounded_weighted_panel_values() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "w.json", &weighted_rubric());
    std::fs::create_dir(dir.path().join("bundles")).unwrap();
    let cfg = json!({"schema": "panel/1", "id": "w", "title": "w", "rubric": "w.json",
        "bundles": "bundles",
        "experts": [{"id": "E1", "name": "e1", "public_key": null},
                    {"id": "E2", "name": "e2", "public_key": null},
                    {"id": "E3", "name": "e3", "public_key": null}],
        "chair": "E1"});
    write(dir.path(), "panel.json", &cfg);
    // (app, expert, [A1, A2, B1, B2])
    let rows: &[(&str, &str, [&str; 4])] = &[
        ("X", "E1", ["7", "9", "9", "4"]),
        ("X", "E2", ["8", "9", "10", "5"]),
        ("X", "E3", ["8", "8", "10", "4"]),
        ("Y", "E1", ["5", "5", "5", "2"]),
        ("Y", "E2", ["5", "6", "5", "3"]),
        ("Y", "E3", ["6", "6", "5", "3"]),
    ];
    let mut csv = String::from("application,expert,criterion,value\n");
    for (a, e, vals) in rows {
        for (c, v) in ["A1", "A2", "B1", "B2"].iter().zip(vals) {
            csv.push_str(&format!("{a},{e},{c},{v}\n"));
        }
    }
    let scores = dir.path().join("scores.csv");
    std::fs::write(&scores, csv).unwrap();
    let out = panel()
        .arg("results")
        .arg(dir.path())
        .arg("--scores")
        .arg(&scores)
        .args(["--format", "json", "--resamples", "0"])
        .assert()
        .code(0);
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let app = |id: &str| {
        v["applications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    let num = |x: &Value| x.as_f64().unwrap();
    // X: A1 7.67 × 0.8 = 6.136 → 6.14; A2 8.67 × 1.2 = 10.404 → 10.40; A = 16.54.
    //    B1 9.67 × 1.6 = 15.472 → 15.47; B2 4.33 × 2.0 = 8.66; B = 24.13 → capped at 20.
    //    Total 36.54.
    let x = app("X");
    assert_eq!(num(&x["criteria"]["A1"]), 7.67);
    assert_eq!(num(&x["criteria"]["B2"]), 4.33);
    assert_eq!(num(&x["categories"]["A"]), 16.54);
    assert_eq!(num(&x["categories"]["B"]), 20.0);
    assert_eq!(num(&x["total"]), 36.54);
    // Expert E1 of X: A = 0.8 × 7 + 1.2 × 9 = 16.4; B = 1.6 × 9 + 2 × 4 = 22.4 → 20; 36.4.
    assert_eq!(num(&x["expert_totals"]["E1"]), 36.4);
    // Y: A1 5.33 × 0.8 = 4.264 → 4.26; A2 5.67 × 1.2 = 6.804 → 6.80; A = 11.06.
    //    B1 5 × 1.6 = 8; B2 2.67 × 2.0 = 5.34; B = 13.34 (the cap does not bind). 24.40.
    let y = app("Y");
    assert_eq!(num(&y["categories"]["A"]), 11.06);
    assert_eq!(num(&y["categories"]["B"]), 13.34);
    assert_eq!(num(&y["total"]), 24.4);
    // No pass mark: none is set, and the output says so.
    assert_eq!(v["settings"]["threshold"], Value::Null);
    assert_eq!(v["settings"]["threshold_source"], "none");
    assert_eq!(y["status"], "ranked");
    // The chair sets one.
    let out = panel()
        .arg("results")
        .arg(dir.path())
        .arg("--scores")
        .arg(&scores)
        .args(["--format", "json", "--resamples", "0", "--threshold", "30"])
        .assert()
        .code(0);
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(num(&v["settings"]["threshold"]), 30.0);
    assert_eq!(v["settings"]["threshold_source"], "command_line");
    let status = |id: &str| {
        v["applications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("X"), "ranked");
    assert_eq!(status("Y"), "below_threshold");
    // The rubric gives one as a panel convention: the basis is named.
    let mut r = weighted_rubric();
    r["aggregation"]["threshold"] = json!(30);
    r["aggregation"]["threshold_basis"] = json!("评审组惯例 panel convention (test)");
    write(dir.path(), "w.json", &r);
    let out = panel()
        .arg("results")
        .arg(dir.path())
        .arg("--scores")
        .arg(&scores)
        .args(["--format", "summary-md", "--resamples", "0"])
        .assert()
        .code(0);
    let md = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        md.contains("入围分数线30分（评审规则约定：评审组惯例 panel convention (test)）"),
        "{md}"
    );
}

/// One expert's own subtotal (what the expert screen shows): Σ weight × value,
/// exact, with B's cap binding and the clamp named.
#[test]
fn combine_weights_an_experts_category_sum() {
    let text = serde_json::to_string(&weighted_rubric()).unwrap();
    let loaded = panel::rubric::parse_rubric(Path::new("w.json"), &text).unwrap();
    let r = &loaded.rubric;
    let vals = |v: [&str; 4]| {
        ["A1.1", "A2.1", "B1.1", "B2.1"]
            .iter()
            .zip(v)
            .map(|(k, x)| (k.to_string(), x.parse().unwrap()))
            .collect()
    };
    let s = panel::rubric::combine(r, &vals(["7", "9", "9", "4"]));
    // A = 0.8 × 7 + 1.2 × 9 = 16.4; B = 1.6 × 9 + 2.0 × 4 = 22.4 → 20.
    assert_eq!(s.criteria["A1"].value.to_string(), "7");
    assert_eq!(s.categories["A"].normalize().to_string(), "16.4");
    assert_eq!(s.categories["B"].normalize().to_string(), "20");
    assert_eq!(s.total.normalize().to_string(), "36.4");
    assert!(
        s.clamps
            .iter()
            .any(|c| c.contains("1.6×9 + 2×4 = 22.4 → capped at 20")),
        "{:?}",
        s.clamps
    );
    let s = panel::rubric::combine(r, &vals(["5", "5", "5", "2"]));
    // A = 4 + 6 = 10; B = 8 + 4 = 12; no clamp.
    assert_eq!(s.total.normalize().to_string(), "22");
    assert!(s.clamps.is_empty());
}

#[test]
fn a_pass_mark_needs_its_basis() {
    expect_error(
        |v| v["aggregation"]["threshold"] = json!(60),
        "aggregation.threshold",
        "no `threshold_basis`",
    );
    expect_error(
        |v| v["aggregation"]["threshold_basis"] = json!("评审组惯例"),
        "aggregation.threshold_basis",
        "without a `threshold`",
    );
    // With its basis it passes, and results say where the pass mark came from.
    let dir = tempfile::tempdir().unwrap();
    let mut v = weighted_rubric();
    v["aggregation"]["threshold"] = json!(30);
    v["aggregation"]["threshold_basis"] = json!("评审组惯例 panel convention (test)");
    let f = write(dir.path(), "w.json", &v);
    panel().args(["rubric", "check"]).arg(&f).assert().code(0);
}

/// A new user's mistakes: the arguments of `rubric eval` swapped, a folder or a missing
/// file where a file belongs, each said as such; a folder given to `rubric check` stands for
/// its rubric files.
#[test]
fn swapped_arguments_folders_and_missing_files_are_said_as_such() {
    let bundle = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/park-ip-trusteeship-2024/bundles/T24-001.json"
    );
    panel()
        .args(["rubric", "eval", bundle, "park-ip-trusteeship-2024"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "this is an application bundle (`schema` \"panel-bundle/1\"), not a rubric",
        ))
        .stderr(predicate::str::contains("the rubric comes first"))
        .stderr(predicate::str::contains("unknown field").not());
    let bundles = Path::new(bundle).parent().unwrap();
    panel()
        .args(["rubric", "eval", "park-ip-trusteeship-2024"])
        .arg(bundles)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot read: it is a folder, not a file",
        ));
    let dir = tempfile::tempdir().unwrap();
    panel()
        .args(["rubric", "eval", "park-ip-trusteeship-2024"])
        .arg(dir.path().join("nothing.json"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read: no such file"))
        .stderr(predicate::str::contains("check the spelling"));

    // a folder: its *.json, in order; an empty one is refused
    let rubrics = Path::new(T24).parent().unwrap();
    let n = std::fs::read_dir(rubrics)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    let out = panel()
        .args(["rubric", "check"])
        .arg(rubrics)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ok ")).count(),
        n,
        "{out}"
    );
    assert!(out.contains("park-ip-trusteeship-2024.json: park-ip-trusteeship-2024"));
    panel()
        .args(["rubric", "check"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a folder without rubric files (*.json)",
        ));
}
