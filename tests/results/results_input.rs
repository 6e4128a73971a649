//! How scores become the pipeline's input: only submitted pairs of the chair database count,
//! conflicts exclude, drafts are noted; item rows of a scores CSV are combined with the
//! rubric (rule items from their suggestions, caps), incomplete criteria never count as 0.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use panel::aggregate::{EligibilityStatus, Status};
use panel::export::{self, Format, PairState};
use panel::panel::Panel;
use panel::report;
use panel::results_input::Overrides;
use panel::rubric::Rule;
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use rust_decimal::Decimal;

use crate::demo_panel::copy_panel;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn demo_dir(tmp: &Path) -> PathBuf {
    copy_panel(tmp, None)
}

fn chair(panel: &Panel, path: &Path) -> Store {
    let ident = StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: panel::role::Role::Chair,
    };
    Store::open(path, &ident).unwrap().0
}

/// Every item of `app` for `expert`: expert items at `share` of their max (step 0.5), rule
/// items at their suggestion.
fn score(panel: &Panel, store: &mut Store, expert: &str, app: &str, share: &str, st: AppStatus) {
    let b = panel.bundle(app).unwrap();
    let ev = panel::rubric::evaluate(&panel.rubric.rubric, &b.facts);
    let mut ops = Vec::new();
    for (_, _, item) in panel.rubric.rubric.items() {
        let value = match item.rule {
            Rule::Expert { max } => ((max * d(share)) * d("2")).round() / d("2"),
            _ => ev.item(&item.id).and_then(|i| i.auto).unwrap_or_default(),
        };
        ops.push(Op::SetScore {
            expert: expert.into(),
            app: app.into(),
            item: item.id.clone(),
            value,
            reason: None,
        });
    }
    ops.push(Op::SetStatus {
        expert: expert.into(),
        app: app.into(),
        status: st,
        reason: (st == AppStatus::Conflict).then(|| "former employer".to_string()),
    });
    store.commit(ops).unwrap();
}

/// A merged sheet lists every application, untouched ones as drafts with no values: such a
/// pair is "not scored", never the rule suggestions as if the expert had scored (the chair's
/// drill-down and the per-expert 评分表 showed them), and it never counts.
#[test]
fn an_untouched_draft_is_not_scored_and_shows_no_suggestions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let panel = Panel::open(&dir).unwrap();
    let db = tmp.path().join("chair");
    {
        let mut s = chair(&panel, &db);
        for (e, share) in [("E02", "0.8"), ("E03", "0.7"), ("E04", "0.6")] {
            score(&panel, &mut s, e, "T24-010", share, AppStatus::Submitted);
        }
        // E01's sheet as merged: T24-010 listed as a draft with nothing in it
        s.commit(vec![Op::SetStatus {
            expert: "E01".into(),
            app: "T24-010".into(),
            status: AppStatus::Draft,
            reason: None,
        }])
        .unwrap();
        // E05 started T24-010 (a comment, no value yet): a draft that is noted
        s.commit(vec![
            Op::SetComment {
                expert: "E05".into(),
                app: "T24-010".into(),
                item: "A2.1".into(),
                text: "to check".into(),
            },
            Op::SetStatus {
                expert: "E05".into(),
                app: "T24-010".into(),
                status: AppStatus::Draft,
                reason: None,
            },
        ])
        .unwrap();
    }
    let store = chair(&panel, &db);
    let rep = report::build_from_store(&panel, &store, &db, &Overrides::default()).unwrap();
    let a = rep.results.app("T24-010").unwrap();
    assert_eq!(a.experts, 3, "{a:?}");
    assert!(!a.expert_totals.contains_key("E01"));
    let key = |e: &str| ("T24-010".to_string(), e.to_string());
    assert!(
        !rep.pairs.contains_key(&key("E01")),
        "{:?}",
        rep.pairs.get(&key("E01"))
    );
    assert!(!a.notes.iter().any(|n| n.contains("E01")), "{:?}", a.notes);
    assert_eq!(rep.pairs[&key("E05")].state, PairState::Draft);
    assert!(rep.experts.iter().any(|e| e.id == "E01"));
    // the per-expert 评分表 says not scored and shows no value
    let md = String::from_utf8(rep.render(Format::SheetMd, Some("E01")).unwrap()).unwrap();
    let t010 = &md[md.find("T24-010").unwrap()..];
    let t010 = &t010[..t010.find("| 合计").unwrap()];
    assert!(t010.contains("评分状态：未评分"), "{t010}");
    assert!(
        t010.lines()
            .all(|l| !l.ends_with("| 6 |") && !l.ends_with("| 20 |")),
        "{t010}"
    );
}

#[test]
fn only_submitted_pairs_count_and_conflicts_exclude() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_dir(tmp.path());
    let panel = Panel::open(&dir).unwrap();
    let db = tmp.path().join("chair");
    {
        let mut s = chair(&panel, &db);
        for (e, share) in [("E01", "0.9"), ("E02", "0.8"), ("E03", "0.7")] {
            score(&panel, &mut s, e, "T24-001", share, AppStatus::Submitted);
        }
        // A draft never counts, however high.
        score(&panel, &mut s, "E04", "T24-001", "1", AppStatus::Draft);
        // A conflicted expert's stored scores never count either.
        score(&panel, &mut s, "E05", "T24-001", "1", AppStatus::Conflict);
        s.commit(vec![Op::Audit {
            kind: "test".into(),
            detail: serde_json::json!({"note": "audit trail"}),
        }])
        .unwrap();
    }
    let store = chair(&panel, &db);
    let rep = report::build_from_store(&panel, &store, &db, &Overrides::default()).unwrap();
    let a = rep.results.app("T24-001").unwrap();
    assert_eq!(a.experts, 3, "{a:?}");
    assert_eq!(
        a.expert_totals.keys().collect::<Vec<_>>(),
        ["E01", "E02", "E03"]
    );
    assert!(a
        .notes
        .iter()
        .any(|n| n == "expert E04: draft, not submitted; not counted"));
    assert!(a
        .notes
        .iter()
        .any(|n| n.contains("conflict of interest declared by expert E05")));
    assert_eq!(
        rep.pairs[&("T24-001".to_string(), "E05".to_string())].state,
        PairState::Conflict(Some("former employer".into()))
    );
    // The per-expert total equals the rubric's own combination of the stored items.
    let items: std::collections::BTreeMap<String, Decimal> = store
        .scores_for("E01")
        .into_iter()
        .filter(|(app, _, _)| app == "T24-001")
        .map(|(_, item, e)| (item, e.value))
        .collect();
    let scored = panel::rubric::combine(&panel.rubric.rubric, &items);
    assert_eq!(a.expert_totals["E01"], scored.total);

    let summary = String::from_utf8(rep.render(Format::SummaryMd, None).unwrap()).unwrap();
    let line = summary.lines().find(|l| l.contains("| T24-001 |")).unwrap();
    assert!(line.contains("| 未提交 | 回避 |"), "{line}");
    let sheet = String::from_utf8(rep.render(Format::SheetMd, Some("E05")).unwrap()).unwrap();
    assert!(
        sheet.contains("评分状态：回避（利益冲突：former employer）"),
        "{sheet}"
    );
    // The audit records of the chair journal are in the workbook's audit sheet.
    match &rep.source {
        export::SourceInfo::Db { audit, .. } => {
            assert!(audit.iter().any(|r| r.kind == "test"));
        }
        other => panic!("{other:?}"),
    }
}

/// A panel of the demo rubric without its eligibility gates and without any bundle: its
/// applications are the ones the scores name (a panel with bundles refuses codes it does not
/// have), so that rule items without a bundle can be tried.
fn bundleless_dir(tmp: &Path) -> PathBuf {
    let dir = tmp.join("bundleless");
    std::fs::create_dir_all(dir.join("bundles")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rubric = root.join("rubrics/park-ip-trusteeship-2024.json");
    let mut r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rubric).unwrap()).unwrap();
    r["eligibility"] = serde_json::json!([]);
    // (the funding rules that only gates enforce go with them)
    let funding = r["funding"].as_object_mut().unwrap();
    funding.remove("min_team");
    funding.remove("self_funding_ratio");
    std::fs::write(dir.join("rubric.json"), r.to_string()).unwrap();
    let panel_json = root.join(crate::demo_panel::FIXTURE).join("panel.json");
    let mut p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(panel_json).unwrap()).unwrap();
    p["rubric"] = serde_json::json!("rubric.json");
    std::fs::write(dir.join("panel.json"), p.to_string()).unwrap();
    dir
}

/// [`csv_report`] on [`bundleless_dir`].
fn bundleless_report(tmp: &Path, csv: &str) -> Result<export::Report, export::ExportError> {
    let panel = Panel::open(&bundleless_dir(tmp)).unwrap();
    let path = tmp.join("s.csv");
    std::fs::write(&path, csv).unwrap();
    report::build_from_csv(&panel, &path, &Overrides::default(), true)
}

fn csv_report(tmp: &Path, csv: &str) -> Result<export::Report, export::ExportError> {
    let dir = demo_dir(tmp);
    let panel = Panel::open(&dir).unwrap();
    let path = tmp.join("s.csv");
    std::fs::write(&path, csv).unwrap();
    report::build_from_csv(&panel, &path, &Overrides::default(), true)
}

/// The demo panel and a scores file `s.csv` in a temporary directory, for refusals.
struct Refusals {
    _tmp: tempfile::TempDir,
    panel: Panel,
    path: PathBuf,
}

impl Refusals {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let panel = Panel::open(&demo_dir(tmp.path())).unwrap();
        let path = tmp.path().join("s.csv");
        Refusals {
            _tmp: tmp,
            panel,
            path,
        }
    }

    /// The error of reading `bytes` as the scores CSV (it must be refused).
    fn of(&self, bytes: impl AsRef<[u8]>) -> String {
        std::fs::write(&self.path, bytes).unwrap();
        report::build_from_csv(&self.panel, &self.path, &Overrides::default(), false)
            .unwrap_err()
            .to_string()
    }
}

const EXPERT_ITEMS: [(&str, &str); 9] = [
    ("A2.1", "2"),
    ("A3.1", "2"),
    ("B1.1", "10"),
    ("B1.2", "5"),
    ("B1.3", "5"),
    ("B3.1", "6"),
    ("B3.2", "4"),
    ("C1.2", "5"),
    ("C2.1", "5"),
];

#[test]
fn item_rows_take_rule_suggestions_and_caps() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("application,expert,criterion,value\n");
    for e in ["E01", "E02", "E03"] {
        for (item, v) in EXPERT_ITEMS {
            csv.push_str(&format!("T24-001,{e},{item},{v}\n"));
        }
    }
    // A rule item above its maximum (2) is refused like `import` refuses it, naming
    // file:line:column, never clamped.
    let e = match csv_report(tmp.path(), &format!("{csv}T24-001,E03,A2.5,7\n")) {
        Ok(_) => panic!("a value above the item's maximum must be refused"),
        Err(e) => e.to_string(),
    };
    assert!(
        e.contains("s.csv:29:4: item A2.5: value 7 is outside the item's range 0–2"),
        "{e}"
    );
    // E03 gives the rule item explicitly, at its maximum.
    csv.push_str("T24-001,E03,A2.5,2\n");
    let rep = csv_report(tmp.path(), &csv).unwrap();
    let a = rep.results.app("T24-001").unwrap();
    assert_eq!(a.experts, 3);
    // T24-001's facts give every rule item its maximum, so each expert scores 100.
    assert_eq!(a.expert_totals["E01"], d("100"));
    assert_eq!(a.expert_totals["E03"], d("100"));
    let e3 = &rep.pairs[&("T24-001".to_string(), "E03".to_string())];
    assert_eq!(e3.criteria["A2"], d("10"));
}

#[test]
fn a_missing_expert_item_leaves_the_criterion_unscored() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("application,expert,criterion,value\n");
    for e in ["E01", "E02", "E03"] {
        for (item, v) in EXPERT_ITEMS {
            if e == "E02" && item == "B1.3" {
                continue;
            }
            csv.push_str(&format!("T24-001,{e},{item},{v}\n"));
        }
    }
    let rep = csv_report(tmp.path(), &csv).unwrap();
    let a = rep.results.app("T24-001").unwrap();
    assert_eq!(a.experts, 2, "{a:?}");
    assert_eq!(a.status, Status::Incomplete);
    assert!(
        a.notes
            .iter()
            .any(|n| n.starts_with("expert E02: criteria B1 not scored (no value for item(s) B1.3")),
        "{:?}",
        a.notes
    );
}

#[test]
fn rule_items_without_a_bundle_need_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("application,expert,criterion,value\n");
    for e in ["E01", "E02", "E03"] {
        for (item, v) in EXPERT_ITEMS {
            csv.push_str(&format!("NEW-1,{e},{item},{v}\n"));
        }
    }
    let rep = bundleless_report(tmp.path(), &csv).unwrap();
    let a = rep.results.app("NEW-1").unwrap();
    assert_eq!(a.eligibility, EligibilityStatus::Unchecked);
    assert_eq!(a.experts, 0, "no rule values: no expert is complete");
    assert!(
        a.notes
            .iter()
            .any(|n| n.contains("criteria A1, A2, A3, B2, C1, C2 not scored")),
        "{:?}",
        a.notes
    );
}

#[test]
fn criterion_and_item_rows_mix_per_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("application,expert,criterion,value\n");
    for e in ["E01", "E02", "E03"] {
        // Criterion values for A, B and C1 …
        for (c, v) in [
            ("A1", "5"),
            ("A2", "8"),
            ("A3", "12"),
            ("B1", "15"),
            ("B2", "18"),
            ("B3", "9"),
            ("C1", "9"),
        ] {
            csv.push_str(&format!("NEW-2,{e},{c},{v}\n"));
        }
        // … and the items of C2 (the rule item C2.2 given explicitly, no bundle).
        csv.push_str(&format!("NEW-2,{e},C2.1,4\nNEW-2,{e},C2.2,5\n"));
    }
    let rep = bundleless_report(tmp.path(), &csv).unwrap();
    let a = rep.results.app("NEW-2").unwrap();
    assert_eq!(a.experts, 3, "{:?}", a.notes);
    assert_eq!(a.total, Some(d("85")));
    assert_eq!(a.criteria["C2"], d("9"));
    assert!(
        a.notes.iter().all(|n| !n.contains("not scored")),
        "{:?}",
        a.notes
    );
}

#[test]
fn values_out_of_range_off_step_or_in_a_refused_form_are_refused_like_import() {
    let r = Refusals::new();
    let head = "application,expert,criterion,value\n";
    // (row, what the refusal says, at line 2 column 4 unless given)
    let cases: [(&str, &str); 9] = [
        (
            "T24-001,E01,A1,9",
            "criterion A1: value 9 is outside the criterion's range 0–6",
        ),
        (
            "T24-001,E01,A2.1,-1",
            "item A2.1: value -1 is outside the item's range 0–2",
        ),
        (
            "T24-001,E01,A2.1,1000",
            "item A2.1: value 1000 is outside the item's range 0–2",
        ),
        (
            "T24-001,E01,A2.1,0.25",
            "item A2.1: value 0.25 is not a multiple of the item's step 0.5",
        ),
        (
            "T24-001,E01,A2.1,08",
            "value \"08\" has a leading zero; write \"8\"",
        ),
        ("T24-001,E01,A2.1,-0", "value \"-0\" is a negative zero"),
        (
            "T24-001,E01,A2.1,1.000",
            "item A2.1: value 1.000 has 3 decimal places",
        ),
        ("T24-001,E01,A1,08", "value \"08\" has a leading zero"),
        (
            "T24-001,E01,A1,5.000",
            "criterion A1: value 5.000 has 3 decimal places",
        ),
    ];
    for (row, want) in cases {
        let e = r.of(format!("{head}{row}\n"));
        assert!(e.contains(&format!("s.csv:2:4: {want}")), "{row}: {e}");
    }
    // ids: printable (a NUL is refused at its column)
    let e = r.of(format!("{head}T24-001\0,E01,A1,5\n"));
    assert!(
        e.contains(
            "s.csv:2:1: the application \"T24-001\\0\" contains the control character U+0000"
        ),
        "{e}"
    );
    let e = r.of(format!("{head}T24-001,E01\u{7},A1,5\n"));
    assert!(e.contains("s.csv:2:2: the expert"), "{e}");
}

#[test]
fn blank_lines_bom_and_spaces_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("\u{feff}application, expert ,criterion,value,comment\r\n\r\n");
    for e in ["E01", "E02", "E03"] {
        for (c, v) in [
            ("A1", "5"),
            ("A2", "8"),
            ("A3", "12"),
            ("B1", "15"),
            ("B2", "18"),
            ("B3", "9"),
            ("C1", "9"),
            ("C2", "9"),
        ] {
            csv.push_str(&format!(" T24-001 ,{e}, {c},{v} ,\"a, comment\"\r\n"));
        }
    }
    csv.push_str(",,,,\n");
    let rep = csv_report(tmp.path(), &csv).unwrap();
    assert_eq!(rep.results.app("T24-001").unwrap().total, Some(d("85")));
    match &rep.source {
        export::SourceInfo::Csv { rows, .. } => assert_eq!(*rows, 24),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_utf8_is_refused() {
    let mut bytes = b"application,expert,criterion,value\nT24-001,E01,A1,5\n".to_vec();
    bytes.extend_from_slice(b"T24-\xff01,E01,A1,5\n");
    let err = Refusals::new().of(bytes);
    // The column of the bad byte itself, as `panel import` names it.
    assert!(err.contains("s.csv:3:5: not valid UTF-8"), "{err}");
}

/// Problems name the line the row is on, whatever the line endings (`\n`, `\r\n`, a lone
/// `\r`), blank lines or quoted line breaks before it (the `csv` crate's own positions would
/// say 3 for the CRLF file, and 1 for the `\r` one).
#[test]
fn problems_name_the_real_line() {
    let refusals = Refusals::new();
    let cases: [(&str, &str); 6] = [
        ("plain", "application,expert,criterion,value\nT24-001,E01,A1,5\n\nT24-001,E01,A2,x\n"),
        ("cr", "application,expert,criterion,value\rT24-001,E01,A1,5\r\rT24-001,E01,A2,x\r"),
        ("mixed", "application,expert,criterion,value\r\nT24-001,E01,A1,5\n\rT24-001,E01,A2,x\n"),
        ("crlf", "application,expert,criterion,value\r\nT24-001,E01,A1,5\r\n\r\nT24-001,E01,A2,x\r\n"),
        (
            "quoted",
            "application,expert,criterion,value,comment\r\nT24-001,E01,A1,5,\"two\r\nlines\"\r\nT24-001,E01,A2,x,\r\n",
        ),
        ("bom", "\u{feff}\napplication,expert,criterion,value\n\nT24-001,E01,A2,x\n"),
    ];
    for (name, csv) in cases {
        let err = refusals.of(csv);
        assert!(
            err.contains("s.csv:4:4: value \"x\" is not a number"),
            "{name}: {err}"
        );
    }
}

/// A file that is not a CSV of scores (one endless line, an unclosed quote) is refused with
/// a message naming the line, without reading it all into memory.
#[test]
fn endless_lines_are_refused() {
    let refusals = Refusals::new();
    let long = "a".repeat(17 << 20);
    let header = "application,expert,criterion,value,comment\n";
    let cases = [
        (long.clone(), "s.csv:1:1: no header in the first 16 MB"),
        (
            format!("{header}T24-001,E01,A1,5,\n{long}\nT24-001,E01,A2,5,\n"),
            "s.csv:3:1: cannot read the file (a line longer than 16 MB",
        ),
        (
            format!("{header}T24-001,E01,A1,5,\"{long}"),
            "s.csv:2:1: a record longer than 16 MB (an unclosed quote?)",
        ),
    ];
    for (csv, want) in cases {
        let err = refusals.of(csv);
        assert!(err.contains(want), "{err}");
    }
}

/// A UTF-16 file (a spreadsheet's "Unicode text") is named as such, not as a wrong header.
#[test]
fn utf16_files_are_named() {
    let refusals = Refusals::new();
    let text = "application,expert,criterion,value\nT24-001,E01,A1,5\n";
    for bom in [&[0xFF, 0xFE][..], &[]] {
        let mut bytes = bom.to_vec();
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let err = refusals.of(bytes);
        assert!(err.contains("s.csv:1:1: the file is UTF-16"), "{err}");
    }
}

/// The scores file is hashed for the outputs that show its sha256 (JSON, Markdown, XLSX),
/// with the hash of the bytes read (fast and general readers alike), and not for the
/// others; the results do not depend on it.
#[test]
fn the_file_is_hashed_when_the_output_shows_it() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    let panel = Panel::open(&demo_dir(tmp.path())).unwrap();
    let mut plain = String::from("application,expert,criterion,value\n");
    for e in ["E01", "E02", "E03"] {
        for (item, v) in EXPERT_ITEMS {
            plain.push_str(&format!("T24-001,{e},{item},{v}\n"));
        }
    }
    // Quotes send the file to the general reader.
    let quoted = plain.replace("T24-001,E02", "\"T24-001\",E02");
    for csv in [plain, quoted] {
        let path = tmp.path().join("s.csv");
        std::fs::write(&path, &csv).unwrap();
        let want = hex::encode(Sha256::digest(csv.as_bytes()));
        let mut results = Vec::new();
        for format in [
            Format::Json,
            Format::Md,
            Format::Xlsx,
            Format::Csv,
            Format::SummaryMd,
            Format::SheetMd,
        ] {
            let hash = format.shows_source_hash();
            let rep = report::build_from_csv_detail(
                &panel,
                &path,
                &Overrides::default(),
                &export::Detail::None,
                hash,
            )
            .unwrap();
            let export::SourceInfo::Csv { sha256, .. } = &rep.source else {
                panic!("{:?}", rep.source);
            };
            assert_eq!(
                hash,
                matches!(format, Format::Json | Format::Md | Format::Xlsx)
            );
            assert_eq!(
                sha256.as_deref(),
                hash.then_some(want.as_str()),
                "{format:?}"
            );
            if format == Format::Json {
                let json = String::from_utf8(rep.render(format, None).unwrap()).unwrap();
                assert!(json.contains(&want), "{json}");
            }
            results.push(rep.results);
        }
        assert!(results.windows(2).all(|w| w[0] == w[1]));
    }
}
