//! What applicants do to a Word form, one change at a time to the plain seed-000 fixture
//! (`fixtures/tools/gen_ingest_sweep.py` → `forms-sweep/*.docx` and `cases.tsv`): every
//! value is read as a careful clerk reads it, or listed as not readable with the cell
//! looked at and left out of the raw application. Never a silent misread.

use std::path::PathBuf;

use serde_json::Value;

use panel::office;

const PROGRAM: &str = "park-ip-trusteeship-2024";

fn sweep_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(PROGRAM)
        .join("forms-sweep")
}

/// What one check reads: the value in the raw application (`None` when absent) and the
/// key an unreadable value is reported under.
fn read(raw: &Value, what: &str) -> (Option<Value>, String) {
    let (kind, key) = what.split_once('.').unwrap_or((what, ""));
    let got = |v: &Value| (!v.is_null()).then(|| v.clone());
    match kind {
        "facts" => (got(&raw["facts"][key]), key.to_string()),
        "identity" => (got(&raw["identity"][key]), format!("identity.{key}")),
        "title" => (got(&raw["title"]), "title".into()),
        "team_size" => (got(&raw["facts"]["team_size"]), "team_size".into()),
        "section" => {
            let text = raw["sections"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["key"] == key)
                .map(|s| s["text"].clone())
                .filter(|t| t != "无");
            (text, format!("sections.{key}"))
        }
        _ => panic!("unknown check {what}"),
    }
}

#[test]
fn ingest_reads_what_applicants_type_or_reports_it() {
    let r = panel::rubric::embedded(PROGRAM).unwrap().rubric;
    let layout = office::layout(&r);
    let table = std::fs::read_to_string(sweep_dir().join("cases.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut checks = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let [case, what, expected] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("bad line {line:?}")
        };
        checks += 1;
        let path = sweep_dir().join(format!("{case}.docx"));
        let blocks = office::read_docx(&path).unwrap();
        let got = office::ingest(&path, &blocks, &r, &layout);
        let raw = serde_json::to_value(&got.raw).unwrap();
        let (value, key) = read(&raw, what);
        let reported = got.missing.iter().find(|m| m.key == key);
        let ok = match expected {
            // Listed as unreadable, saying where it looked, and not in the raw file.
            "missing" => {
                value.is_none()
                    && reported.is_some_and(|m| {
                        ["found", "table", "heading"]
                            .iter()
                            .any(|w| m.message.contains(w))
                    })
            }
            _ if expected.starts_with('~') => value
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|t| t.contains(&expected[1..])),
            _ => value == Some(serde_json::from_str::<Value>(expected).unwrap()),
        };
        if !ok {
            failures.push(format!(
                "{case}: {what}: expected {expected}, read {value:?}, reported {:?}",
                reported.map(|m| &m.message)
            ));
        }
    }
    assert!(checks >= 80, "{checks} checks");
    assert!(
        failures.is_empty(),
        "{} of {checks}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
