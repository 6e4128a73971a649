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
