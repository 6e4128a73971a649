//! `panel chair --watch` without a terminal: the tick function is driven directly. A sheet
//! that appears in `<panel>/sheets/` is merged on the next tick; a changed sheet is merged
//! again; a refused one is shown once and not retried until it changes.

use crate::chair_support;

use panel::aggregate::Status;
use panel::panel::Panel;
use panel::sheet;
use panel::store::{AppStatus, Op, Store};
use panel::tui::app::{Level, Overlay};
use panel::tui::chair::{tick, Cell};
use panel::tui::Lang;

/// E01 scores T24-002 completely (every expert item 1) and submits; the expert store
/// then autosaves the sheet into the panel's sheets folder, as the expert screen does.
fn e01_submits(panel: &Panel, store: &mut Store, app: &str) {
    let mut ops = Vec::new();
    for (_, _, it) in panel.rubric.rubric.items() {
        if it.is_expert() {
            ops.push(Op::SetScore {
                expert: "E01".into(),
                app: app.into(),
                item: it.id.clone(),
                value: 1.into(),
                reason: None,
            });
        }
    }
    // the seed 000 rubric requires the written opinion (专家评审意见)
    ops.push(Op::SetComment {
        expert: "E01".into(),
        app: app.into(),
        item: panel::store::OPINION_ITEM.into(),
        text: "托管方案完整，绩效目标明确，配套经费落实，建议予以支持。".into(),
    });
    ops.push(Op::SetStatus {
        expert: "E01".into(),
        app: app.into(),
        status: AppStatus::Submitted,
        reason: None,
    });
    store.commit(ops).unwrap();
}

/// A sheet arrives in `<panel>/sheets/` with its signature (the signature first).
fn arrive(aside: &std::path::Path, panel_dir: &std::path::Path, name: &str) {
    let sig = format!("{name}.sig");
    std::fs::copy(aside.join(&sig), panel_dir.join("sheets").join(&sig)).unwrap();
    std::fs::copy(aside.join(name), panel_dir.join("sheets").join(name)).unwrap();
}

#[test]
fn watch_merges_new_and_changed_sheets_on_the_next_tick() {
    let mut demo = chair_support::Demo::new();
    // sheets arrive later: keep the demo's aside
    let aside = demo.tmp.path().join("aside");
    std::fs::rename(demo.dir.join("sheets"), &aside).unwrap();
    let mut app = demo.empty_app(Lang::En, 100, 30);
    assert!(app.shown.results.shortlist().next().is_none());
    // watch off: nothing happens
    assert!(!tick(&mut app));
    app.watch = true;
    // no folder yet: nothing happens, no error
    assert!(!tick(&mut app));
    assert!(app.note.is_none());

    // two sheets appear
    std::fs::create_dir_all(demo.dir.join("sheets")).unwrap();
    for e in ["E02", "E03"] {
        arrive(&aside, &demo.dir, &format!("{e}.sheet.json"));
    }
    assert!(tick(&mut app), "merged on the next tick");
    let (lvl, text) = {
        let n = app.note.as_ref().unwrap();
        (n.level, n.text.clone())
    };
    assert_eq!(lvl, Level::Saved);
    assert!(
        text.contains("merged the sheet of E02") && text.contains("E03"),
        "{text}"
    );
    assert_eq!(app.cell("T24-001", "E02"), Cell::Submitted);
    assert_eq!(app.merged.get("E03"), Some(&1));
    // two experts are below the quorum of 3: incomplete, nothing shortlisted
    assert_eq!(
        app.shown.results.app("T24-001").unwrap().status,
        Status::Incomplete
    );
    // nothing new: no merge, nothing recomputed
    assert!(!tick(&mut app));

    // the third sheet makes the quorum
    arrive(&aside, &demo.dir, "E04.sheet.json");
    assert!(tick(&mut app));
    assert_eq!(
        app.shown.results.app("T24-001").unwrap().status,
        Status::Ranked
    );
    assert!(app.shown.results.shortlist().count() > 0);

    // a tampered sheet is refused, shown once, nothing changes
    let bad = std::fs::read_to_string(aside.join("E05.sheet.json"))
        .unwrap()
        .replacen("\"value\": \"", "\"value\": \"1", 1);
    std::fs::write(demo.dir.join("sheets/E05.sheet.json"), bad).unwrap();
    let seq = app.store().seq();
    assert!(!tick(&mut app));
    assert_eq!(app.store().seq(), seq, "nothing written");
    assert_eq!(app.note.as_ref().unwrap().level, Level::Error);
    let msg = match app.overlays.last() {
        Some(Overlay::Message { lines, .. }) => lines.join("\n"),
        o => panic!("no message: {o:?}"),
    };
    assert!(msg.contains("E05.sheet.json"), "names the file: {msg}");
    app.overlays.clear();
    app.note = None;
    assert!(!tick(&mut app));
    assert!(
        app.overlays.is_empty(),
        "not retried until the file changes"
    );
    assert_eq!(app.cell("T24-001", "E05"), Cell::Unscored);
    // the right file replaces it: merged
    arrive(&aside, &demo.dir, "E05.sheet.json");
    assert!(tick(&mut app));
    assert_eq!(app.cell("T24-010", "E05"), Cell::Draft);

    // an expert submits: the autosaved sheet is merged on the next tick; a newer
    // revision of the same expert too
    let panel = demo.panel();
    let ident = panel::commands::score::identity(&panel, "E01");
    let (mut store, _) = Store::open(&demo.tmp.path().join("e01"), &ident).unwrap();
    // the demo's keys (signatures are required; the demo ships its experts' keys)
    let keys = demo.dir.join("keys");
    e01_submits(&panel, &mut store, "T24-002");
    sheet::autosave_view(&app.pview, &mut store, "E01", Some(&keys)).unwrap();
    assert!(tick(&mut app));
    assert_eq!(app.cell("T24-002", "E01"), Cell::Submitted);
    assert_eq!(app.cell("T24-004", "E01"), Cell::Unscored);
    assert_eq!(app.shown.results.app("T24-002").unwrap().experts, 5);
    e01_submits(&panel, &mut store, "T24-004");
    sheet::autosave_view(&app.pview, &mut store, "E01", Some(&keys)).unwrap();
    assert!(tick(&mut app));
    assert_eq!(app.cell("T24-004", "E01"), Cell::Submitted);
    assert_eq!(app.merged.get("E01"), Some(&2));
    assert!(
        app.log.iter().any(|l| l.contains("E01 (seq 2")),
        "{:?}",
        app.log
    );
}

#[test]
fn toggle_watch_key_merges_at_once() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.empty_app(Lang::Zh, 80, 24);
    assert!(!app.watch);
    panel::tui::chair::feed(&mut app, "w");
    assert!(app.watch);
    // the four demo sheets were merged right away
    assert_eq!(app.merged.len(), 4);
    assert_eq!(app.shown.results.shortlist().count(), 3);
    panel::tui::chair::feed(&mut app, "w");
    assert!(!app.watch);
    assert!(app.note.as_ref().unwrap().text.contains("停止"));
}
