//! insta snapshots of every text export for a fixed small input: four demo bundles (one
//! ineligible, one over the cap) and three experts. (An application without a bundle is
//! refused in a panel with bundles; cells starting with `=` are neutralized, see
//! `export::neutralize`'s tests.)

use std::path::{Path, PathBuf};

use panel::export::{Format, Report};
use panel::panel::Panel;
use panel::report;
use panel::results_input::Overrides;

use crate::demo_panel::copy_panel;

/// Criterion values of E01, E02, E03 per application.
const SCORES: &[(&str, [[&str; 8]; 3])] = &[
    (
        "T24-001",
        [
            ["5", "9", "12", "17", "18", "9", "9", "9"],
            ["5", "8", "11.5", "16", "18", "8", "9", "8.5"],
            ["6", "9.5", "13", "19", "20", "9.5", "10", "9"],
        ],
    ),
    (
        "T24-003",
        [
            ["5", "9", "11", "16", "17", "8", "9", "9"],
            ["4", "8", "10", "18", "16", "9", "8", "8"],
            ["5", "9", "12", "8", "17", "8.5", "9", "9"],
        ],
    ),
    (
        "T24-006",
        [
            ["6", "10", "13", "19", "19", "9", "10", "10"],
            ["6", "9", "13", "18", "19", "9", "10", "9"],
            ["5", "10", "14", "19", "20", "10", "9", "10"],
        ],
    ),
    (
        "T24-002",
        [
            ["4", "7", "9", "14", "15", "7", "8", "7"],
            ["4", "7", "10", "13", "15", "7", "7", "7"],
            ["3", "6", "9", "14", "14", "6", "8", "7"],
        ],
    ),
];
const CRITERIA: [&str; 8] = ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2"];

fn small_panel(tmp: &Path) -> (PathBuf, PathBuf) {
    let dir = copy_panel(tmp, Some(&["T24-001", "T24-002", "T24-003", "T24-006"]));
    let mut csv = String::from("application,expert,criterion,value,comment\n");
    for (app, experts) in SCORES {
        for (e, vals) in ["E01", "E02", "E03"].iter().zip(experts) {
            for (c, v) in CRITERIA.iter().zip(vals) {
                csv.push_str(&format!("\"{app}\",{e},{c},{v},\n"));
            }
        }
    }
    let path = tmp.join("scores.csv");
    std::fs::write(&path, csv).unwrap();
    (dir, path)
}

fn report(o: &Overrides) -> (Report, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, csv) = small_panel(tmp.path());
    let panel = Panel::open(&dir).unwrap();
    let rep = report::build_from_csv(&panel, &csv, o, true).unwrap();
    (rep, tmp)
}

/// The output with the rubric hash replaced (it changes whenever the rubric file does).
fn text(rep: &Report, f: Format, expert: Option<&str>) -> String {
    let s = String::from_utf8(rep.render(f, expert).unwrap()).unwrap();
    let short = &rep.panel.rubric_sha256[..12];
    s.replace(&rep.panel.rubric_sha256, "<rubric-sha256>")
        .replace(short, "<rubric-sha256>")
}

#[test]
fn snapshot_json() {
    let (rep, _t) = report(&Overrides::default());
    insta::assert_snapshot!("json", text(&rep, Format::Json, None));
}

#[test]
fn snapshot_csv() {
    let (rep, _t) = report(&Overrides::default());
    let s = text(&rep, Format::Csv, None);
    let body = s.strip_prefix('\u{feff}').expect("UTF-8 BOM first");
    assert!(body.contains("\r\n"));
    // No cell is a formula.
    assert!(!body.split(['\n', ',']).any(|c| c.starts_with('=')));
    insta::assert_snapshot!("csv", body.replace("\r\n", "\n"));
}

#[test]
fn snapshot_md() {
    let (rep, _t) = report(&Overrides::default());
    insta::assert_snapshot!("md", text(&rep, Format::Md, None));
}

#[test]
fn snapshot_md_trimmed_by_criterion() {
    let o = Overrides {
        method: Some(panel::aggregate::Method::Trimmed),
        by: Some(panel::aggregate::By::Criterion),
        ..Overrides::default()
    };
    let (rep, _t) = report(&o);
    insta::assert_snapshot!("md_trimmed_by_criterion", text(&rep, Format::Md, None));
}

#[test]
fn snapshot_summary_md() {
    let (rep, _t) = report(&Overrides::default());
    insta::assert_snapshot!("summary_md", text(&rep, Format::SummaryMd, None));
}

#[test]
fn snapshot_sheet_md() {
    let (rep, _t) = report(&Overrides::default());
    insta::assert_snapshot!("sheet_md_e02", text(&rep, Format::SheetMd, Some("E02")));
    assert!(rep.render(Format::SheetMd, Some("E99")).is_err());
    assert!(rep.render(Format::SheetMd, None).is_err());
}
