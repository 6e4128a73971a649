//! Bad input gives clear errors naming the file and the place, never a panic:
//! duplicate codes, unknown rubric, wrong-type facts, a 50 MB section, binary
//! garbage, invalid UTF-8, empty and missing paths.

use std::path::{Path, PathBuf};
use std::time::Instant;

use assert_cmd::Command;
use proptest::prelude::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn t24_001() -> String {
    std::fs::read_to_string(root().join("fixtures/park-ip-trusteeship-2024/bundles/T24-001.json"))
        .unwrap()
}

fn check(args: &[&Path], json: bool) -> (String, String, i32) {
    let mut c = Command::cargo_bin("panel").unwrap();
    c.arg("bundle").arg("check").args(args);
    if json {
        c.arg("--json");
    }
    let out = c.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().expect("exit code, not a signal"),
    )
}

fn problems(stdout: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(stdout).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn duplicate_codes_name_both_files() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.json");
    let b = d.path().join("b.json");
    std::fs::write(&a, t24_001()).unwrap();
    std::fs::write(&b, t24_001()).unwrap();
    let (out, _, code) = check(&[d.path()], true);
    assert_eq!(code, 1);
    let rows = problems(&out);
    assert_eq!(rows[0]["valid"], true);
    assert_eq!(rows[1]["valid"], false);
    let p = &rows[1]["problems"][0];
    assert_eq!(p["kind"], "duplicate");
    assert_eq!(p["location"], "code");
    assert!(p["message"].as_str().unwrap().contains("a.json"), "{p}");
    assert!(rows[1]["path"].as_str().unwrap().ends_with("b.json"));

    // In a panel, the second file goes to the invalid list with both names.
    let pd = tempfile::tempdir().unwrap();
    std::fs::write(
        pd.path().join("panel.json"),
        r#"{"schema":"panel/1","id":"dup","title":"t","rubric":"park-ip-trusteeship-2024","experts":[{"id":"E01","name":"专家一"}]}"#,
    )
    .unwrap();
    std::fs::create_dir(pd.path().join("bundles")).unwrap();
    std::fs::write(pd.path().join("bundles/T24-001.json"), t24_001()).unwrap();
    std::fs::write(pd.path().join("bundles/x-copy.json"), t24_001()).unwrap();
    let p = panel::panel::Panel::open(pd.path()).unwrap();
    assert_eq!(p.bundles.len(), 1);
    assert_eq!(p.invalid.len(), 1);
    let (path, reason) = &p.invalid[0];
    assert!(path.ends_with("x-copy.json"));
    assert!(
        reason.contains("T24-001.json") && reason.contains("duplicate"),
        "{reason}"
    );
}

#[test]
fn unknown_rubric_is_named() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("x.json");
    std::fs::write(
        &f,
        t24_001().replace("park-ip-trusteeship-2024", "no-such-program"),
    )
    .unwrap();
    let (out, _, code) = check(&[&f], false);
    assert_eq!(code, 1);
    assert!(
        out.contains("x.json") && out.contains("no-such-program") && out.contains("unknown_rubric"),
        "{out}"
    );
    // In a panel directory a bundle of another program is invalid, not loaded.
    let (rows, _, _) = check(&[&f], true);
    let rows = problems(&rows);
    assert_eq!(rows[0]["id"], "T24-001");
    assert_eq!(rows[0]["problems"][0]["detail"], "unknown_rubric");
    // --rubric forces the rubric: then the program mismatch is reported.
    let out = Command::cargo_bin("panel")
        .unwrap()
        .args([
            "bundle",
            "check",
            "--rubric",
            "park-ip-trusteeship-2024",
            "--json",
        ])
        .arg(&f)
        .output()
        .unwrap();
    let rows = problems(&String::from_utf8_lossy(&out.stdout));
    assert!(rows[0]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["detail"] == "program_mismatch"));
}

#[test]
fn wrong_type_fact_names_key_and_expected_type() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("t.json");
    let mut v: Value = serde_json::from_str(&t24_001()).unwrap();
    v["facts"]["smes_with_valid_patents"] = Value::String("一百二十".into());
    v["facts"]["industry_in_9x"] = Value::from(1);
    std::fs::write(&f, serde_json::to_string(&v).unwrap()).unwrap();
    let (out, _, code) = check(&[&f], false);
    assert_eq!(code, 1);
    assert!(out.contains("t.json"), "{out}");
    assert!(
        out.contains("facts.smes_with_valid_patents") && out.contains("expected int"),
        "{out}"
    );
    assert!(
        out.contains("facts.industry_in_9x") && out.contains("expected bool"),
        "{out}"
    );
    // The library keeps the bundle loaded but invalid, with the fact left out.
    let r = panel::rubric::embedded("park-ip-trusteeship-2024")
        .unwrap()
        .rubric;
    let lb = panel::bundle::load_bundle(&f, &r).unwrap();
    assert!(!lb.is_valid());
    assert!(lb.facts.get("smes_with_valid_patents").is_none());
    assert!(lb.facts.get("pct_applications").is_some());
}

#[test]
fn fifty_megabyte_section_is_refused_quickly() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("huge.json");
    let mut v: Value = serde_json::from_str(&t24_001()).unwrap();
    v["sections"][2]["text"] = Value::String("托".repeat(50 * 1024 * 1024 / 3));
    std::fs::write(&f, serde_json::to_vec(&v).unwrap()).unwrap();
    assert!(std::fs::metadata(&f).unwrap().len() >= 50 * 1000 * 1000);
    let t = Instant::now();
    let (out, _, code) = check(&[&f], false);
    assert_eq!(code, 1);
    assert!(
        out.contains("huge.json") && out.contains("too_large"),
        "{out}"
    );
    assert!(out.contains("bytes"), "{out}");
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    // A long section within the file limit is loaded but invalid.
    let mut v: Value = serde_json::from_str(&t24_001()).unwrap();
    v["sections"][2]["text"] = Value::String("托".repeat(panel::bundle::MAX_TEXT_CHARS + 1));
    std::fs::write(&f, serde_json::to_vec(&v).unwrap()).unwrap();
    let (out, _, code) = check(&[&f], true);
    assert_eq!(code, 1);
    let rows = problems(&out);
    let p = &rows[0]["problems"][0];
    assert_eq!(p["detail"], "text_too_long");
    assert_eq!(p["location"], "sections.work_plan");
}

#[test]
fn binary_and_non_utf8_name_the_byte() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("garbage.json");
    std::fs::write(&f, [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).unwrap();
    let (out, _, code) = check(&[&f], false);
    assert_eq!(code, 1);
    assert!(
        out.contains("garbage.json") && out.contains("byte 2") && out.contains("UTF-8"),
        "{out}"
    );
    std::fs::write(&f, b"{\"schema\": \0}").unwrap();
    let (out, _, _) = check(&[&f], false);
    assert!(out.contains("NUL byte at byte 11"), "{out}");
}

#[test]
fn empty_missing_and_non_bundle_paths() {
    let d = tempfile::tempdir().unwrap();
    let (_, err, code) = check(&[d.path()], false);
    assert_eq!(code, 1);
    assert!(err.contains("no bundle found"), "{err}");
    let missing = d.path().join("nope.json");
    // A missing path is a mistyped argument: said on stderr, not as an unreadable bundle.
    let (out, err, code) = check(&[&missing], false);
    assert_eq!(code, 1);
    assert!(
        err.contains("nope.json: no such file or folder") && !out.contains("unreadable"),
        "{out}{err}"
    );
    // A JSON array is not a bundle: the error names the path in the JSON.
    let f = d.path().join("arr.json");
    std::fs::write(&f, "[1, 2]").unwrap();
    let (out, _, code) = check(&[&f], false);
    assert_eq!(code, 1);
    assert!(out.contains("arr.json") && out.contains("line 1"), "{out}");
}

#[test]
fn walk_skips_raw_and_other_panel_files() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("raw")).unwrap();
    std::fs::create_dir_all(d.path().join("deep/er")).unwrap();
    // A raw application in raw/ (would fail the scan) and one misplaced elsewhere.
    let raw = std::fs::read_to_string(
        root().join("fixtures/park-ip-trusteeship-2024/raw/SQ2024-003.json"),
    )
    .unwrap();
    std::fs::write(d.path().join("raw/a.json"), &raw).unwrap();
    std::fs::write(d.path().join("deep/misplaced-raw.json"), &raw).unwrap();
    std::fs::write(d.path().join("deep/er/T24-001.json"), t24_001()).unwrap();
    std::fs::write(d.path().join("notes.txt"), "not json").unwrap();
    let (out, _, code) = check(&[d.path()], true);
    assert_eq!(code, 0, "{out}");
    let rows = problems(&out);
    // the bundle first, then every path found but not read, with its reason
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("deep/er/T24-001.json"));
    let skipped: Vec<String> = rows[1..]
        .iter()
        .map(|r| format!("{} {}", r["path"], r["skipped"]))
        .collect();
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("/raw") && s.contains("not walked")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.contains("misplaced-raw.json") && s.contains("not a bundle")),
        "{skipped:?}"
    );
    // Named explicitly, a raw file is checked (and fails: it is not a bundle).
    let (out, _, code) = check(&[&d.path().join("raw/a.json")], false);
    assert_eq!(code, 1, "{out}");
}

fn tmp_check(bytes: &[u8]) -> (String, i32) {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("fuzz.json");
    std::fs::write(&f, bytes).unwrap();
    let r = panel::rubric::embedded("park-ip-trusteeship-2024")
        .unwrap()
        .rubric;
    match panel::bundle::load_bundle(&f, &r) {
        Ok(b) => (b.reason(), 0),
        Err(e) => {
            let s = e.to_string();
            assert!(s.contains("fuzz.json"), "{s}");
            (s, 1)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random bytes never panic and every error names the file.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        tmp_check(&bytes);
    }

    /// A valid bundle cut anywhere gives an error naming the file and a line.
    #[test]
    fn truncated_bundles_are_parse_errors(cut in 1usize..5000) {
        let text = t24_001();
        let cut = text.char_indices().map(|(i, _)| i).take_while(|i| *i < cut.min(text.len() - 1)).last().unwrap_or(0);
        let (msg, code) = tmp_check(&text.as_bytes()[..cut]);
        prop_assert_eq!(code, 1);
        prop_assert!(msg.contains("line"), "{}", msg);
    }
}
