//! `panel import`: paper-form scores from CSV, validated like a sheet, all or nothing, with
//! errors naming file, line and column.

use crate::sheet_common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use panel::rubric::{self, Facts};
use panel::sheet::{self, PanelView, RosterEntry, SheetError};
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use rust_decimal::Decimal;
use sheet_common::*;

/// Rows scoring every item of `app` that has no computed suggestion.
fn rows_for(view: &PanelView, app: &str, seed: u64) -> Vec<(String, Decimal)> {
    let info = &view.apps[app];
    view.rubric
        .rubric
        .items()
        .enumerate()
        .filter(|(_, (_, _, it))| it.is_expert() || !info.suggestions.contains_key(&it.id))
        .map(|(n, (_, _, it))| {
            (
                it.id.clone(),
                value_for(it.max(), it.step(), seed * 7 + n as u64),
            )
        })
        .collect()
}

fn write_csv(tp: &TestPanel, name: &str, text: &str) -> PathBuf {
    let p = tp.tmp.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn problems(e: &SheetError) -> Vec<(u64, usize, String)> {
    match e {
        SheetError::Csv { problems, .. } => problems
            .iter()
            .map(|p| (p.line, p.column, p.message.clone()))
            .collect(),
        other => panic!("expected CSV problems, got {other}"),
    }
}

#[test]
fn paper_forms_import_with_bom_and_crlf() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    let mut text = String::from("\u{feff}application,expert,criterion,value,comment\r\n");
    let mut want: BTreeMap<(String, String, String), Decimal> = BTreeMap::new();
    for (ei, e) in ["E01", "E02"].iter().enumerate() {
        for (ai, a) in apps.iter().enumerate() {
            for (item, v) in rows_for(&view, a, (ei * 10 + ai) as u64) {
                let comment = if item == "B1.1" {
                    "\"方案可行, 措施具体\""
                } else {
                    ""
                };
                write!(text, "{a},{e},{item},{v},{comment}\r\n").unwrap();
                want.insert((e.to_string(), a.clone(), item), v);
            }
            for (item, s) in &view.apps[a].suggestions {
                want.insert((e.to_string(), a.clone(), item.clone()), *s);
            }
        }
    }
    let csv = write_csv(&tp, "paper.csv", &text);
    let mut chair = tp.chair_store();
    let r = sheet::import_csv_view(&view, Some(&mut chair), &csv, false).unwrap();
    assert_eq!(r.pairs.len(), 2 * apps.len());
    assert!(r.chair_seq.is_some());
    let got: BTreeMap<(String, String, String), Decimal> = chair
        .all_scores()
        .into_iter()
        .map(|(e, a, i, s)| ((e, a, i), s.value))
        .collect();
    assert_eq!(got, want);
    for e in ["E01", "E02"] {
        for a in &apps {
            assert_eq!(chair.status(e, a), Some((AppStatus::Submitted, None)));
        }
    }
    assert_eq!(
        chair.comment("E01", &apps[0], "B1.1").as_deref(),
        Some("方案可行, 措施具体")
    );
    let audit = chair.audit_records();
    let imp = audit.iter().find(|a| a.kind == "import").unwrap();
    assert_eq!(imp.detail["file"], "paper.csv");
    assert_eq!(imp.detail["rows"], r.rows as u64);
    assert_eq!(imp.detail["sha256"], r.sha256.as_str());

    // Importing a corrected form replaces the pair's values; the change is recorded.
    let before = chair.score("E02", &apps[0], "B1.1").unwrap().value;
    let after = if before == dec("0") {
        dec("1")
    } else {
        dec("0")
    };
    // the expert's written opinion the chair holds (merged from a sheet) is kept: the CSV
    // has no column for it
    chair
        .commit(vec![panel::store::Op::SetComment {
            expert: "E02".into(),
            app: apps[0].clone(),
            item: panel::store::OPINION_ITEM.into(),
            text: "托管方案完整，绩效目标明确，建议予以支持。".into(),
        }])
        .unwrap();
    let mut text2 = String::from("application,expert,criterion,value\n");
    for (item, v) in rows_for(&view, &apps[0], 10) {
        let v = if item == "B1.1" { after } else { v };
        writeln!(text2, "{},E02,{item},{v}", apps[0]).unwrap();
    }
    let csv2 = write_csv(&tp, "paper-2.csv", &text2);
    let r = sheet::import_csv_view(&view, Some(&mut chair), &csv2, false).unwrap();
    assert_eq!(r.changed.len(), 1, "{:?}", r.changed);
    assert_eq!(r.changed[0].1.before, Some(before));
    assert_eq!(r.changed[0].1.after, Some(after));
    assert_eq!(chair.comment("E02", &apps[0], "B1.1"), None);
    assert_eq!(
        chair
            .comment("E02", &apps[0], panel::store::OPINION_ITEM)
            .as_deref(),
        Some("托管方案完整，绩效目标明确，建议予以支持。")
    );
}

#[test]
fn single_item_criteria_may_be_named_by_criterion_id() {
    let loaded = rubric::embedded("ip-operation-cluster").unwrap();
    let r = loaded.rubric.clone();
    let facts = Facts::default();
    let dir = tempfile::tempdir().unwrap();
    let view = PanelView::new(
        dir.path(),
        "oc-test",
        loaded.clone(),
        vec![RosterEntry {
            id: "E01".into(),
            name: "专家一".into(),
            public_key: None,
        }],
        [("OC-001".to_string(), "ab".repeat(32), &facts)],
    );
    let mut text = String::from("application,expert,criterion,value\n");
    for (k, c) in r.criteria() {
        let _ = k;
        assert_eq!(c.items.len(), 1);
        writeln!(text, "OC-001,E01,{},{}", c.id, c.items[0].step()).unwrap();
    }
    let csv = dir.path().join("oc.csv");
    std::fs::write(&csv, &text).unwrap();
    let ident = StoreIdentity {
        panel_id: "oc-test".into(),
        rubric_sha256: loaded.sha256.clone(),
        role: panel::role::Role::Chair,
    };
    let (mut chair, _) = Store::open(&dir.path().join("db"), &ident).unwrap();
    sheet::import_csv_view(&view, Some(&mut chair), &csv, false).unwrap();
    let items: Vec<String> = chair
        .scores_for("E01")
        .into_iter()
        .map(|(_, i, _)| i)
        .collect();
    let want: Vec<String> = r.items().map(|(_, _, i)| i.id.clone()).collect();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(items, want_sorted);
}

#[test]
fn every_problem_names_line_and_column_and_nothing_is_imported() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    let a = &apps[0];
    let mut chair = tp.chair_store();
    // something in the chair db first, to see it unchanged
    let mut good = String::from("application,expert,criterion,value\n");
    for (item, v) in rows_for(&view, a, 1) {
        writeln!(good, "{a},E03,{item},{v}").unwrap();
    }
    let g = write_csv(&tp, "good.csv", &good);
    sheet::import_csv_view(&view, Some(&mut chair), &g, false).unwrap();
    let before = snapshot(&chair);

    let b11max = view.rubric.rubric.item("B1.1").unwrap().2.max();
    let text = format!(
        "application,expert,criterion,value,comment\n\
         T24-999,E01,B1.1,1,\n\
         {a},E99,B1.1,1,\n\
         {a},E01,Z1.1,1,\n\
         {a},E01,B1,1,\n\
         {a},E01,B1.2,\"4,5\",\n\
         {a},E01,B1.3,{},\n\
         {a},E01,B3.1,0.3,\n\
         {a},E01,B3.2,1,\n\
         {a},E01,B3.2,2,\n\
         {a},E01,C1.2\n",
        b11max + dec("1")
    );
    let csv = write_csv(&tp, "bad.csv", &text);
    let e = sheet::import_csv_view(&view, Some(&mut chair), &csv, false).unwrap_err();
    let msg = e.to_string();
    let ps = problems(&e);
    let has = |line: u64, col: usize, needle: &str| {
        assert!(
            ps.iter()
                .any(|(l, c, m)| *l == line && *c == col && m.contains(needle)),
            "no problem at {line}:{col} with {needle:?} in:\n{msg}"
        );
        assert!(msg.contains(&format!("bad.csv:{line}:{col}: ")), "{msg}");
    };
    has(2, 1, "T24-999");
    has(3, 2, "E99");
    has(4, 3, "Z1.1");
    has(5, 3, "name the item");
    has(6, 4, "comma");
    has(7, 4, "outside");
    has(8, 4, "step");
    has(10, 3, "already given at line 9");
    has(11, 4, "3 field(s)");
    // the pair (a, E01) lacks most items
    has(9, 3, "lacks items");
    assert!(msg.contains("nothing was imported"), "{msg}");
    assert_eq!(snapshot(&chair), before);
}

/// A row refused for its value is the only problem of its pair: its item is not reported
/// as missing too (the refusal names its row already).
#[test]
fn a_refused_value_is_not_also_a_missing_item() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let a = view.apps.keys().next().unwrap().clone();
    let mut text = String::from("application,expert,criterion,value\n");
    for (n, (item, v)) in rows_for(&view, &a, 3).into_iter().enumerate() {
        let v = if n == 0 {
            "—".to_string()
        } else {
            v.to_string()
        };
        writeln!(text, "{a},E01,{item},{v}").unwrap();
    }
    let csv = write_csv(&tp, "dash.csv", &text);
    let e = sheet::import_csv_view(&view, None, &csv, true).unwrap_err();
    let ps = problems(&e);
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert_eq!((ps[0].0, ps[0].1), (2, 4));
    assert!(ps[0].2.contains("is a dash, not a score"), "{ps:?}");
}

#[test]
fn a_declared_conflict_is_not_overridden_by_an_import() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    let (a, b) = (&apps[0], &apps[1]);
    let mut chair = tp.chair_store();
    // E02 declared a conflict of interest on `a` (as a merged sheet records it)
    chair
        .commit(vec![Op::SetStatus {
            expert: "E02".into(),
            app: a.clone(),
            status: AppStatus::Conflict,
            reason: Some("曾为申报单位提供咨询服务".into()),
        }])
        .unwrap();
    let before = snapshot(&chair);
    // rows of E03 for `b` (fine) first, then E02 for `a` from line N on
    let mut text = String::from("application,expert,criterion,value\n");
    for (item, v) in rows_for(&view, b, 2) {
        writeln!(text, "{b},E03,{item},{v}").unwrap();
    }
    let first = text.lines().count() as u64 + 1;
    for (item, v) in rows_for(&view, a, 3) {
        writeln!(text, "{a},E02,{item},{v}").unwrap();
    }
    let csv = write_csv(&tp, "conflict.csv", &text);
    for dry_run in [true, false] {
        let e = sheet::import_csv_view(&view, Some(&mut chair), &csv, dry_run).unwrap_err();
        let msg = e.to_string();
        let ps = problems(&e);
        assert_eq!(ps.len(), 1, "{msg}");
        assert_eq!((ps[0].0, ps[0].1), (first, 2), "{msg}");
        for needle in [
            format!("conflict.csv:{first}:2: "),
            "E02 declared a conflict of interest (回避)".to_string(),
            "曾为申报单位提供咨询服务".to_string(),
            "panel merge".to_string(),
            "nothing was imported".to_string(),
        ] {
            assert!(msg.contains(&needle), "{needle} in {msg}");
        }
        // all or nothing: E03's rows are not imported either
        assert_eq!(snapshot(&chair), before);
    }
    // once the conflict is withdrawn (E02's next sheet merged: status draft), it imports
    chair
        .commit(vec![Op::SetStatus {
            expert: "E02".into(),
            app: a.clone(),
            status: AppStatus::Draft,
            reason: None,
        }])
        .unwrap();
    sheet::import_csv_view(&view, Some(&mut chair), &csv, false).unwrap();
    assert_eq!(
        chair.status("E02", a).map(|s| s.0),
        Some(AppStatus::Submitted)
    );
}

#[test]
fn header_encoding_and_override_rules() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let a = view.apps.keys().next().unwrap().clone();
    let mut chair = tp.chair_store();
    let before = snapshot(&chair);
    let check =
        |chair: &mut Store, name: &str, bytes: &[u8], line: u64, col: usize, needle: &str| {
            let p = tp.tmp.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let e = sheet::import_csv_view(&view, Some(chair), &p, false).unwrap_err();
            let ps = problems(&e);
            assert!(
                ps.iter()
                    .any(|(l, c, m)| *l == line && *c == col && m.contains(needle)),
                "{e}"
            );
        };
    check(
        &mut chair,
        "h1.csv",
        b"app,expert,criterion,value\nx,y,z,1\n",
        1,
        1,
        "must be \"application\"",
    );
    check(
        &mut chair,
        "h2.csv",
        b"application,expert,item,value\n",
        1,
        3,
        "criterion",
    );
    check(
        &mut chair,
        "h3.csv",
        b"application,expert\n",
        1,
        1,
        "exactly",
    );
    check(
        &mut chair,
        "empty.csv",
        b"application,expert,criterion,value\n",
        2,
        1,
        "no rows",
    );
    let mut latin1 = b"application,expert,criterion,value,comment\n".to_vec();
    latin1.extend_from_slice(format!("{a},E01,B1.1,1,caf").as_bytes());
    latin1.extend_from_slice(&[0xe9, b'\n']);
    let col = format!("{a},E01,B1.1,1,caf").chars().count() + 1;
    check(&mut chair, "latin1.csv", &latin1, 2, col, "UTF-8");
    // CRLF, a blank line and a quoted line break: the line named is the row's own.
    let crlf = format!(
        "application,expert,criterion,value,comment\r\n\r\n{a},E01,B1.1,1,\"two\r\nlines\"\r\n{a},E01,B1.2,x,\r\n"
    );
    check(&mut chair, "crlf.csv", crlf.as_bytes(), 5, 4, "");
    // Lone `\r` line ends (an old Mac spreadsheet's CSV): counted as line breaks too.
    let cr = format!(
        "application,expert,criterion,value,comment\r\r{a},E01,B1.1,1,\"two\rlines\"\r{a},E01,B1.2,x,\r"
    );
    check(&mut chair, "cr.csv", cr.as_bytes(), 5, 4, "");
    // An id with an invisible character pasted in: named as such, not as an unknown id.
    let zw = format!("application,expert,criterion,value\n{a},E01\u{200B},B1.1,1\n");
    check(
        &mut chair,
        "zw.csv",
        zw.as_bytes(),
        2,
        2,
        "invisible character U+200B",
    );

    // a rule item off its suggestion: the comment is the reason
    let (rid, _) = view.apps[&a]
        .suggestions
        .iter()
        .find(|(_, v)| **v > dec("0"))
        .map(|(k, v)| (k.clone(), *v))
        .unwrap();
    let mut text = String::from("application,expert,criterion,value,comment\n");
    for (item, v) in rows_for(&view, &a, 2) {
        writeln!(text, "{a},E01,{item},{v},").unwrap();
    }
    let no_reason = format!("{text}{a},E01,{rid},0,\n");
    check(
        &mut chair,
        "ov.csv",
        no_reason.as_bytes(),
        text.lines().count() as u64 + 1,
        4,
        "reason in the comment column",
    );
    assert_eq!(snapshot(&chair), before);
    let with_reason = format!("{text}{a},E01,{rid},0,证明材料缺失\n");
    let p = tp.tmp.path().join("ov-ok.csv");
    std::fs::write(&p, with_reason).unwrap();
    // dry run first: nothing written
    let r = sheet::import_csv_view(&view, Some(&mut chair), &p, true).unwrap();
    assert!(r.chair_seq.is_none());
    assert_eq!(snapshot(&chair), before);
    sheet::import_csv_view(&view, Some(&mut chair), &p, false).unwrap();
    let s = chair.score("E01", &a, &rid).unwrap();
    assert_eq!(s.value, dec("0"));
    assert_eq!(s.reason.as_deref(), Some("证明材料缺失"));
}
