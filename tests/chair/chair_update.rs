//! The chair screen without a terminal: key sequences drive `update()` over the demo
//! panel's sheets merged into a real chair database; the state, the database and the
//! files written are asserted.

use crate::chair_support;

use panel::aggregate::{By, Method, Status};
use panel::store::AppStatus;
use panel::tui::app::{Level, Overlay};
use panel::tui::chair::{feed, update, Cell, View};
use panel::tui::{Action, Lang};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn order(app: &panel::tui::ChairApp) -> Vec<String> {
    app.rows().iter().map(|a| a.id.clone()).collect()
}

fn shortlist(app: &panel::tui::ChairApp) -> Vec<String> {
    app.shown
        .results
        .shortlist()
        .map(|a| a.id.clone())
        .collect()
}

fn note(app: &panel::tui::ChairApp) -> (Level, String) {
    let n = app.note.as_ref().expect("a note");
    (n.level, n.text.clone())
}

#[test]
fn ranking_is_the_official_result_with_cut_line_and_funding() {
    let mut demo = chair_support::Demo::new();
    let app = demo.app(Lang::En, 100, 30);
    assert!(app.is_official());
    assert_eq!((app.method, app.by), (Method::Mean, By::Total));
    // No pass mark (the call states none): T24-002 is ranked 6th, before the ineligible.
    assert_eq!(
        &order(&app)[..7],
        ["T24-001", "T24-003", "T24-005", "T24-010", "T24-007", "T24-002", "T24-006"]
    );
    assert_eq!(shortlist(&app), ["T24-001", "T24-003", "T24-005"]);
    // Gate E2b is not decided yet: the shortlist is provisional, and the header says so.
    assert_eq!(app.shown.results.provisional.len(), 3);
    let screen = chair_support::screen(&app);
    assert!(screen.contains("PROVISIONAL: 3 open"), "{screen}");
    // the cut line sits right after the third row
    let rows = app.table_rows();
    assert_eq!(rows[3], None);
    assert_eq!(rows.iter().filter(|r| r.is_none()).count(), 1);
    let a3 = app.shown.results.app("T24-003").unwrap();
    assert_eq!(a3.funding_wan, Some(d("40")));
    assert_eq!(
        panel::tui::chair::funding_text(&app, a3),
        "40←50",
        "the over-cap request is cut to the cap"
    );
    for c in ["T24-004", "T24-006", "T24-008", "T24-009"] {
        assert_eq!(app.shown.results.app(c).unwrap().status, Status::Ineligible);
    }
    // the progress grid knows every state
    assert_eq!(app.cell("T24-005", "E04"), Cell::Conflict);
    assert_eq!(app.cell("T24-010", "E05"), Cell::Draft);
    assert_eq!(app.cell("T24-001", "E02"), Cell::Submitted);
    assert_eq!(app.cell("T24-001", "E01"), Cell::Unscored);
    assert_eq!(app.merged.get("E02"), Some(&1));
    assert!(!app.merged.contains_key("E01"));
    // the override and its reason are read from the chair database
    let ov = app
        .overrides
        .iter()
        .find(|o| o.expert == "E03" && o.app == "T24-001")
        .expect("override");
    assert_eq!((ov.value, ov.suggestion), (d("4"), Some(d("5"))));
    assert!(ov.reason.as_deref().unwrap().contains("同族"));
}

#[test]
fn method_switch_changes_order_and_totals_beside_the_official() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 100, 30);
    let official_total = app.shown.results.app("T24-001").unwrap().total;
    feed(&mut app, "m");
    assert_eq!(app.method, Method::Trimmed);
    assert!(!app.is_official());
    // the trimmed mean of totals puts T24-010 above the cut, T24-005 below
    assert_eq!(
        &order(&app)[..4],
        ["T24-001", "T24-003", "T24-010", "T24-005"]
    );
    assert_eq!(shortlist(&app), ["T24-001", "T24-003", "T24-010"]);
    let t10 = app.shown.results.app("T24-010").unwrap();
    assert_eq!(t10.total, Some(d("87.2")));
    assert!(!t10.dropped.is_empty(), "the trimmed mean drops values");
    // the official result is untouched and still shown beside it
    assert_eq!(
        app.official.results.app("T24-001").unwrap().total,
        official_total
    );
    assert!(app.official.results.app("T24-005").unwrap().shortlisted);
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Info);
    assert!(
        text.contains("+T24-010") && text.contains("−T24-005"),
        "{text}"
    );
    assert!(text.contains("official result stands"), "{text}");
    // calibrated totals and p(shortlist) stay available
    assert!(t10.calibrated_total.is_some() && t10.p_shortlist.is_some());
    // per criterion
    feed(&mut app, "b");
    assert_eq!(app.by, By::Criterion);
    assert_eq!(
        app.shown.results.app("T24-001").unwrap().total,
        Some(d("94.25"))
    );
    // median, normalized, back to the official mean (of totals after one more b)
    feed(&mut app, "m m m b");
    assert_eq!((app.method, app.by), (Method::Mean, By::Total));
    assert!(app.is_official());
    assert_eq!(shortlist(&app), ["T24-001", "T24-003", "T24-005"]);
    assert!(note(&app).1.contains("back to the official method"));
    // the selection follows the application across a switch
    feed(&mut app, "j j");
    assert_eq!(app.selected().unwrap().id, "T24-005");
    feed(&mut app, "m");
    assert_eq!(app.selected().unwrap().id, "T24-005");
    assert_eq!(app.sel(), 3);
}

#[test]
fn details_matrix_navigation_and_back() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 100, 40);
    feed(&mut app, "j j j enter");
    assert_eq!(app.view, View::Detail);
    assert_eq!(app.detail().code(), Some("T24-010"));
    let lines = app.detail_lines();
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    let all = text.join("\n");
    assert!(all.contains("≠B1/20"), "{all}");
    let e02 = text.iter().find(|l| l.contains("✓ E02")).unwrap();
    assert!(e02.contains("18!"), "an extreme of a disagreement: {e02}");
    let e05 = text.iter().find(|l| l.contains("● E05")).unwrap();
    assert!(e05.contains("draft"), "{e05}");
    assert!(all.contains("E03 B1.1: 工作内容与往年"), "{all}");
    // the expert rows are selectable
    feed(&mut app, "j j");
    assert_eq!(app.experts()[app.detail().expert()].id, "E03");
    // next application, previous, back to the ranking where we were
    feed(&mut app, "]");
    assert_eq!(app.detail().code(), Some("T24-007"));
    feed(&mut app, "[ [");
    assert_eq!(app.detail().code(), Some("T24-005"));
    feed(&mut app, "esc");
    assert_eq!(app.view, View::Ranking);
    assert_eq!(app.selected().unwrap().id, "T24-005");
    // trimmed: dropped values in brackets
    feed(&mut app, "m enter");
    let all: String = app
        .detail_lines()
        .iter()
        .map(|l| l.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains('[') && all.contains(']'), "{all}");
    // Esc never quits; q does
    feed(&mut app, "esc esc esc");
    assert!(!app.quit);
    feed(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn views_cycle_with_tab_and_find_selects() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::Zh, 80, 24);
    feed(&mut app, "tab");
    assert_eq!(app.view, View::Progress);
    feed(&mut app, "tab");
    assert_eq!(app.view, View::Experts);
    feed(&mut app, "tab");
    assert_eq!(app.view, View::Ranking);
    feed(&mut app, "backtab");
    assert_eq!(app.view, View::Experts);
    feed(&mut app, "esc");
    assert_eq!(app.view, View::Ranking);
    feed(&mut app, "/ text:009 enter");
    assert_eq!(app.selected().unwrap().id, "T24-009");
    feed(&mut app, "/ backspace backspace backspace text:T24 enter");
    assert_eq!(app.sel(), 0, "the first match from the top");
    feed(&mut app, "n n");
    assert_eq!(app.sel(), 2);
    feed(&mut app, "N");
    assert_eq!(app.sel(), 1);
    feed(
        &mut app,
        "/ backspace backspace backspace text:无此项 enter",
    );
    assert_eq!(note(&app).0, Level::Error);
    // a lean: E03 is the strictest expert of the demo
    let data = app.lean_data();
    let lean = |e: &str| -> Decimal {
        let rows = &data[e];
        let devs: Vec<Decimal> = rows
            .iter()
            .filter_map(|(_, t, m)| m.map(|m| *t - m))
            .collect();
        devs.iter().copied().sum::<Decimal>() / Decimal::from(devs.len())
    };
    assert!(lean("E03") < Decimal::ZERO && lean("E02") > Decimal::ZERO);
    assert!(!data.contains_key("E01"));
}

#[test]
fn reopen_writes_the_note_and_the_chair_database_records_it() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 100, 30);
    // progress grid: E03 × T24-001
    feed(&mut app, "tab j j");
    assert_eq!(app.grid(), (2, 0));
    feed(&mut app, "r");
    assert!(matches!(app.overlays.last(), Some(Overlay::Editor { .. })));
    // an empty reason is refused, the editor stays open
    feed(&mut app, "enter");
    assert_eq!(note(&app).0, Level::Error);
    assert!(matches!(app.overlays.last(), Some(Overlay::Editor { .. })));
    feed(&mut app, "text:B1_与其他专家差距较大，请复核 enter");
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Saved, "{text}");
    assert!(text.contains("reopen/E03--T24-001.json"), "{text}");
    // a message says what happens next; a key closes it
    assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
    feed(&mut app, "esc");
    assert!(app.overlays.is_empty());
    // the note for the expert
    let path = panel::sheet::reopen_note_path(&demo.dir, "E03", "T24-001");
    let n: panel::sheet::ReopenNote =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(n.reason, "B1 与其他专家差距较大，请复核");
    assert_eq!(
        (n.expert.as_str(), n.application.as_str()),
        ("E03", "T24-001")
    );
    // the chair database: status draft with the reason, an audit record
    let st = app.store().status("E03", "T24-001").unwrap();
    assert_eq!(st.0, AppStatus::Draft);
    assert!(st.1.unwrap().contains("请复核"));
    let audit = app.store().audit_records();
    let rec = audit.iter().find(|r| r.kind == "reopen").expect("audit");
    assert_eq!(rec.detail["expert"], "E03");
    assert_eq!(rec.detail["before_status"], "submitted");
    // recomputed: E03 no longer counts for T24-001; the grid shows a draft
    assert_eq!(app.shown.results.app("T24-001").unwrap().experts, 3);
    assert_eq!(app.cell("T24-001", "E03"), Cell::Draft);
    assert_eq!(n.chair_seq, app.store().seq());

    // nothing to reopen for an expert who has not submitted (E01), no file written
    feed(&mut app, "k k r");
    assert_eq!(app.grid(), (0, 0));
    assert!(app.overlays.is_empty());
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Error);
    assert!(text.contains("E01 has not submitted T24-001"), "{text}");
    assert!(!panel::sheet::reopen_note_path(&demo.dir, "E01", "T24-001").exists());

    // from the details, Esc cancels
    feed(&mut app, "j j enter j j j j r");
    assert!(matches!(app.overlays.last(), Some(Overlay::Editor { .. })));
    feed(&mut app, "text:x esc");
    assert!(app.overlays.is_empty());
    assert!(note(&app).1.contains("nothing reopened"));
    assert!(!panel::sheet::reopen_note_path(&demo.dir, "E04", "T24-001").exists());
    // in the ranking, r explains where to reopen
    feed(&mut app, "esc esc");
    assert_eq!(app.view, View::Ranking);
    feed(&mut app, "r");
    assert!(note(&app).1.contains("to reopen"));
}

#[test]
fn export_writes_every_format_to_results() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 100, 30);
    // the official method: results/
    feed(&mut app, "e");
    let official = demo.dir.join("results");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(official.join("results.json")).unwrap())
            .unwrap();
    assert_eq!(v["settings"]["method"], "mean", "{v}");
    let official_bytes: Vec<Vec<u8>> = ["results.json", "results.csv", "summary.md"]
        .iter()
        .map(|f| std::fs::read(official.join(f)).unwrap())
        .collect();
    assert!(note(&app).1.contains(&official.display().to_string()));
    feed(&mut app, "x");
    // a comparison method: its own folder, the official files left as they are
    feed(&mut app, "m e");
    let dir = official.join("compare-trimmed-total");
    for (f, before) in ["results.json", "results.csv", "summary.md"]
        .iter()
        .zip(&official_bytes)
    {
        assert_eq!(&std::fs::read(official.join(f)).unwrap(), before, "{f}");
    }
    let Some(Overlay::Message { lines, .. }) = app.overlays.last() else {
        panic!("a message")
    };
    assert!(lines[0].contains("compare-trimmed-total"), "{lines:?}");
    assert!(lines[1].contains("not the official result"), "{lines:?}");
    for f in [
        "results.json",
        "results.csv",
        "results.xlsx",
        "results.md",
        "summary.md",
    ] {
        let p = dir.join(f);
        assert!(p.is_file(), "{f}");
        assert!(std::fs::metadata(&p).unwrap().len() > 100, "{f}");
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    // the method on screen is what is exported, and it says so
    assert_eq!(v["settings"]["method"], "trimmed", "{v}");
    let csv = std::fs::read(dir.join("results.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Saved);
    assert!(text.contains("trimmed mean"), "{text}");
    // no temporary files left behind
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    // any key closes the message
    feed(&mut app, "x");
    assert!(app.overlays.is_empty());
}

#[test]
fn resize_help_and_force_quit() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 80, 24);
    feed(&mut app, "?");
    assert!(matches!(app.overlays.last(), Some(Overlay::Help { .. })));
    feed(&mut app, "j j ?");
    assert!(app.overlays.is_empty());
    update(&mut app, Action::Resize { w: 60, h: 16 });
    assert_eq!(app.size, (60, 16));
    feed(&mut app, "G");
    assert_eq!(app.sel(), app.rows().len() - 1);
    let pos = app
        .table_rows()
        .iter()
        .position(|r| *r == Some(app.sel()))
        .unwrap();
    assert!(pos >= app.ranking().scroll() && pos < app.ranking().scroll() + app.list_height());
    update(&mut app, Action::Resize { w: 60, h: 16 });
    feed(&mut app, "g");
    assert_eq!((app.sel(), app.ranking().scroll()), (0, 0));
    // switch view does nothing outside the demo
    feed(&mut app, "f2");
    assert!(!app.switch_requested);
    feed(&mut app, "ctrl-c");
    assert!(app.quit);
}
