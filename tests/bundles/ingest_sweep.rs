//! What applicants do to a Word form, one change at a time to the plain seed-000 fixture
//! (`fixtures/tools/gen_ingest_sweep.py` → `forms-sweep/*.docx` and `cases.tsv`) and to
//! filled seed-003, 004 and 001 forms (`fixtures/tools/gen_ingest_sweep_others.py`): every
//! value is read as a careful clerk reads it, or listed as not readable with the cell
//! looked at and left out of the raw application. Never a silent misread.

use std::path::PathBuf;

use serde_json::Value;

use panel::office;

fn sweep_dir(program: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(program)
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
        // The named people of the team tables: the lead and the members (not the
        // 单位法人 or 项目联系人 of seed 003's 人员信息 grid).
        "people" => {
            let id = &raw["identity"];
            let n = usize::from(!id["project_lead"].is_null())
                + id["team"]
                    .as_array()
                    .map_or(0, |t| t.iter().filter(|p| p["role"].is_null()).count());
            (Some(Value::from(n)), "team".into())
        }
        "lead" => (
            got(&raw["identity"]["project_lead"][key]),
            format!("identity.project_lead.{key}"),
        ),
        "team" => {
            let (n, field) = key.split_once('.').unwrap();
            let n: usize = n.parse().unwrap();
            (
                got(&raw["identity"]["team"][n][field]),
                format!("identity.team.{field}"),
            )
        }
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

/// Runs one program's sweep table; returns the number of checks and the failures.
fn sweep(program: &str) -> (usize, Vec<String>) {
    let r = panel::rubric::embedded(program).unwrap().rubric;
    let layout = office::layout(&r);
    let table = std::fs::read_to_string(sweep_dir(program).join("cases.tsv")).unwrap();
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
        let path = sweep_dir(program).join(format!("{case}.docx"));
        let blocks = office::read_docx(&path).unwrap();
        let got = office::ingest(&path, &blocks, &r, &layout);
        let raw = serde_json::to_value(&got.raw).unwrap();
        let (value, key) = read(&raw, what);
        let reported = got.missing.iter().find(|m| m.key.starts_with(&key));
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
            "null" => value.is_none(),
            // Kept as typed, and a warning names the field.
            "warned" => {
                value.is_some()
                    && got
                        .warnings
                        .iter()
                        .any(|w| w.key.ends_with(key.trim_start_matches("identity.")))
            }
            _ if expected.starts_with('~') => value
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|t| t.contains(&expected[1..])),
            _ => value == Some(serde_json::from_str::<Value>(expected).unwrap()),
        };
        if !ok {
            failures.push(format!(
                "{program} {case}: {what}: expected {expected}, read {value:?}, reported {:?}",
                reported.map(|m| &m.message)
            ));
        }
    }
    (checks, failures)
}

#[test]
fn ingest_reads_what_applicants_type_or_reports_it() {
    let (checks, failures) = sweep("park-ip-trusteeship-2024");
    assert!(checks >= 80, "{checks} checks");
    assert!(
        failures.is_empty(),
        "{} of {checks}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The same on the forms of seeds 003 (the notice's own 申报书: 人员信息 grid, 项目组全部成员),
/// 004 (a multi-year row, percentages, units) and 001.
#[test]
fn ingest_sweep_on_the_other_programs_forms() {
    let mut all = Vec::new();
    let mut total = 0;
    for (program, floor) in [
        ("ip-operation-promotion-center", 35),
        ("ip-demo-park", 20),
        ("ip-operation-cluster", 9),
    ] {
        // The clean filled form reads without a gap.
        let path = sweep_dir(program).join("base.docx");
        let r = panel::rubric::embedded(program).unwrap().rubric;
        let blocks = office::read_docx(&path).unwrap();
        let got = office::ingest(&path, &blocks, &r, &office::layout(&r));
        assert!(got.missing.is_empty(), "{program} base: {:?}", got.missing);
        let (checks, failures) = sweep(program);
        assert!(checks >= floor, "{program}: {checks} checks");
        total += checks;
        all.extend(failures);
    }
    assert!(
        all.is_empty(),
        "{} of {total}:\n{}",
        all.len(),
        all.join("\n")
    );
}
