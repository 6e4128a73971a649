//! The expert screen without a terminal: key sequences drive `update()`, and
//! the resulting state and store contents are asserted.

use crate::tui_support::{self, goto};

use panel::store::{AppStatus, Op, Store, StoreIdentity};
use panel::tui::app::{load_sheets, Level, Overlay, Progress};
use panel::tui::{feed, update, Action, App, Lang, MemPersist, Pane, Sheet};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn mem_app(lang: Lang, size: (u16, u16)) -> (App, MemPersist) {
    let m = MemPersist::default();
    let app = App::new(
        tui_support::session(),
        vec![],
        Box::new(m.clone()),
        lang,
        true,
        size,
    );
    (app, m)
}

fn note(app: &App) -> (Level, String) {
    let n = app.note.as_ref().expect("a note");
    (n.level, n.text.clone())
}

fn ident() -> StoreIdentity {
    StoreIdentity {
        panel_id: "demo-t24-2024".into(),
        rubric_sha256: tui_support::rubric_sha(),
        role: panel::role::Role::expert("E01"),
    }
}

#[test]
fn navigation_moves_between_panes_and_rows() {
    let (mut app, _) = mem_app(Lang::En, (160, 48));
    assert_eq!(app.focus, Pane::Apps);
    feed(&mut app, "j j");
    assert_eq!(app.app_sel(), 2);
    feed(&mut app, "j");
    assert_eq!(app.app_sel(), 2, "stops at the last application");
    feed(&mut app, "g");
    assert_eq!(app.app_sel(), 0);
    feed(&mut app, "G");
    assert_eq!(app.app_sel(), 2);
    feed(&mut app, "k enter");
    assert_eq!((app.app_sel(), app.focus), (1, Pane::Tree));
    assert_eq!(app.sel_item().unwrap().id, "A1.1");
    feed(&mut app, "j j j");
    assert_eq!(app.sel_item().unwrap().id, "A2.1");
    assert_eq!(app.sel_criterion().unwrap().id, "A2");
    feed(&mut app, "G");
    assert_eq!(app.sel_item().unwrap().id, "C2.2");
    feed(&mut app, "tab");
    assert_eq!(app.focus, Pane::Evidence);
    feed(&mut app, "tab");
    assert_eq!(app.focus, Pane::Apps);
    feed(&mut app, "backtab backtab");
    assert_eq!(app.focus, Pane::Tree);
    // Esc goes back, never quits
    feed(&mut app, "esc esc esc esc");
    assert_eq!(app.focus, Pane::Apps);
    assert!(!app.quit);
    feed(&mut app, "q");
    assert!(app.quit);
}

/// A Chinese input method left in full-width mode types `４．５` (or `。` for the dot): the
/// score is 4.5, and an editor's text keeps what was typed.
#[test]
fn full_width_digits_score_like_ascii_ones() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use panel::tui::handle_key;
    let (mut app, m) = mem_app(Lang::Zh, (80, 24));
    goto(&mut app, "A2.1");
    for c in ['１', '。', '５'] {
        handle_key(
            &mut app,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        );
    }
    assert_eq!(app.entry(), Some("1.5"));
    feed(&mut app, "enter");
    assert_eq!(app.apps[0].sheet.values["A2.1"], (d("1.5"), None));
    assert_eq!(m.log.borrow().len(), 1);
}

#[test]
fn digits_score_the_focused_expert_item() {
    let (mut app, m) = mem_app(Lang::Zh, (80, 24));
    goto(&mut app, "A2.1");
    feed(&mut app, "1 .");
    assert_eq!(app.entry(), Some("1."));
    assert!(m.log.borrow().is_empty(), "nothing is stored while typing");
    feed(&mut app, "5 enter");
    assert_eq!(app.entry(), None);
    let log = m.log.borrow().clone();
    assert_eq!(
        log,
        vec![vec![Op::SetScore {
            expert: "E01".into(),
            app: "T24-001".into(),
            item: "A2.1".into(),
            value: d("1.5"),
            reason: None
        }]]
    );
    assert_eq!(app.apps[0].sheet.values["A2.1"], (d("1.5"), None));
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Saved);
    assert!(text.starts_with("已保存 T24-001 A2.1 = 1.5"), "{text}");
    assert_eq!(app.progress(0), Progress::Partial);
    // Enter saved and moved on to the next item that needs the expert
    assert_eq!(app.sel_item().unwrap().id, "A3.1");
    // Backspace edits; Esc cancels without storing
    feed(&mut app, "2 backspace 1 esc");
    assert_eq!(app.entry(), None);
    assert_eq!(m.log.borrow().len(), 1);
    // Enter shows the current value; a digit replaces it (never appends to it)
    goto(&mut app, "A2.1");
    feed(&mut app, "enter");
    assert_eq!(app.entry(), Some("1.5"));
    feed(&mut app, "2");
    assert_eq!(app.entry(), Some("2"));
    feed(&mut app, "enter");
    assert_eq!(app.apps[0].sheet.values["A2.1"].0, d("2"));
    // Backspace first edits the shown value instead
    goto(&mut app, "A2.1");
    feed(&mut app, "enter backspace");
    assert_eq!(app.entry(), Some(""));
    feed(&mut app, "1 enter");
    assert_eq!(app.apps[0].sheet.values["A2.1"].0, d("1"));
}

/// Rescoring an application whose every item has a value (handed back by the chair):
/// Enter saves and moves down to the next item, so that `8 Enter 4 Enter 4 Enter` scores
/// three items instead of replacing the first one three times.
#[test]
fn enter_moves_down_when_every_item_already_has_a_value() {
    use panel::tui::app::Persist;
    let session = tui_support::session();
    let mut m = MemPersist::default();
    let ops = session
        .rubric
        .items()
        .map(|(_, _, it)| Op::SetScore {
            expert: "E01".into(),
            app: "T24-001".into(),
            item: it.id.clone(),
            value: d("1"),
            reason: None,
        })
        .collect();
    m.commit(ops).unwrap();
    let sheet = m.sheet("E01", "T24-001");
    let mut app = App::new(
        session,
        vec![sheet],
        Box::new(m.clone()),
        Lang::Zh,
        true,
        (80, 24),
    );
    goto(&mut app, "B1.1");
    feed(&mut app, "8 enter");
    assert_eq!(
        app.sel_item().unwrap().id,
        "B1.2",
        "moved down after saving"
    );
    feed(&mut app, "4 enter");
    assert_eq!(app.sel_item().unwrap().id, "B1.3", "{:?}", app.note);
    feed(&mut app, "3 enter");
    let v = |id: &str| app.apps[0].sheet.values[id].0;
    assert_eq!((v("B1.1"), v("B1.2"), v("B1.3")), (d("8"), d("4"), d("3")));
    assert_eq!(app.sel_item().unwrap().id, "B2.1");
}

#[test]
fn out_of_range_and_off_step_values_are_refused_never_stored() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    goto(&mut app, "A2.1"); // expert item, max 2, step 0.5
    for (typed, needle) in [
        ("3", "out of range"),
        ("2.5", "out of range"),
        ("1.2", "multiple of 0.5"),
        // `1.` and `.5`: how to write them (a second `.` is never taken)
        ("1.", "write 1;"),
        (".5", "write 0.5;"),
        (".", "not a number"),
        // the one value check of every input (`rubric::value_check`): the written form
        ("01", "write 1 (no extra zeros)"),
        ("1.00", "write 1 (no extra zeros)"),
    ] {
        let keys: Vec<String> = typed.chars().map(|c| c.to_string()).collect();
        feed(&mut app, &keys.join(" "));
        feed(&mut app, "enter");
        let (lvl, text) = note(&app);
        assert_eq!(lvl, Level::Error, "{typed}");
        assert!(
            text.contains(needle) && text.contains("not saved"),
            "{typed}: {text}"
        );
        // the entry stays open to be corrected
        assert_eq!(app.entry(), Some(typed));
        feed(&mut app, "esc");
    }
    assert!(m.log.borrow().is_empty());
    assert!(app.apps[0].sheet.values.is_empty());
    // a rule item has step 0.1
    goto(&mut app, "A3.2");
    feed(&mut app, "4 . 0 5 enter");
    assert!(note(&app).1.contains("multiple of 0.1"));
    assert!(m.log.borrow().is_empty());
}

#[test]
fn overriding_a_suggestion_requires_a_reason() {
    let (mut app, m) = mem_app(Lang::En, (160, 48));
    goto(&mut app, "A1.2"); // bands: 120 SMEs -> 2
    assert_eq!(app.suggestion(0, "A1.2"), Some(d("2")));
    assert_eq!(app.effective(0, "A1.2"), Some(d("2")));
    feed(&mut app, "1 enter");
    match app.overlays.last() {
        Some(Overlay::Editor { prompt, .. }) => {
            assert!(prompt.contains("differs from the suggestion 2"), "{prompt}")
        }
        other => panic!("expected the reason editor, got {other:?}"),
    }
    // empty reason refused
    feed(&mut app, "enter");
    assert!(note(&app).1.contains("reason is required"));
    assert!(m.log.borrow().is_empty());
    // q and digits are text in the editor
    feed(&mut app, "text:q_材料显示部分企业专利已失效");
    assert!(!app.quit);
    feed(&mut app, "enter");
    assert!(app.overlays.is_empty());
    let log = m.log.borrow().clone();
    assert_eq!(
        log.last().unwrap(),
        &vec![Op::SetScore {
            expert: "E01".into(),
            app: "T24-001".into(),
            item: "A1.2".into(),
            value: d("1"),
            reason: Some("q 材料显示部分企业专利已失效".into()),
        }]
    );
    assert!(note(&app).1.contains("overrides suggestion 2"));
    // Esc in the reason editor stores nothing
    goto(&mut app, "A1.2");
    feed(&mut app, "0 enter esc");
    assert_eq!(m.log.borrow().len(), 1);
    assert_eq!(app.apps[0].sheet.values["A1.2"].0, d("1"));
    // typing the suggestion itself needs no reason
    feed(&mut app, "2 enter");
    assert!(app.overlays.is_empty());
    assert_eq!(app.apps[0].sheet.values["A1.2"], (d("2"), None));
    // r clears: back to the suggestion
    goto(&mut app, "A1.2");
    feed(&mut app, "r");
    assert!(!app.apps[0].sheet.values.contains_key("A1.2"));
    assert!(matches!(
        m.log.borrow().last().unwrap()[0],
        Op::ClearScore { .. }
    ));
    assert_eq!(app.effective(0, "A1.2"), Some(d("2")));
    feed(&mut app, "r");
    assert!(note(&app).1.contains("no value to clear"));
    // u takes the changes back one by one, each as a new journaled value
    let n = m.log.borrow().len();
    feed(&mut app, "u");
    assert_eq!(app.apps[0].sheet.values["A1.2"], (d("2"), None));
    feed(&mut app, "u");
    assert_eq!(
        app.apps[0].sheet.values["A1.2"],
        (d("1"), Some("q 材料显示部分企业专利已失效".into()))
    );
    feed(&mut app, "u");
    assert!(!app.apps[0].sheet.values.contains_key("A1.2"));
    assert!(
        note(&app).1.contains("undone: T24-001 A1.2 back to —"),
        "{:?}",
        app.note
    );
    let log = m.log.borrow().clone();
    assert_eq!(log.len(), n + 3, "every undo is a new commit");
    assert!(matches!(&log[n][0], Op::SetScore { value, .. } if *value == d("2")));
    assert!(matches!(&log[n + 2][0], Op::ClearScore { .. }));
    feed(&mut app, "u");
    assert!(note(&app).1.contains("nothing to undo"), "{:?}", app.note);
    assert_eq!(m.log.borrow().len(), n + 3);
}

#[test]
fn running_totals_follow_combine_with_caps() {
    let (mut app, _) = mem_app(Lang::En, (160, 48));
    let before = app.apps[0].scored.total;
    // A3.2: 30 PCT x 0.2 = 6 capped at 5
    let a3 = &app.apps[0].scored.criteria["A3"];
    assert!(a3.value <= d("14"));
    assert!(app.apps[0]
        .eval
        .item("A3.2")
        .unwrap()
        .clamps
        .iter()
        .any(|c| c.contains("capped at 5")));
    goto(&mut app, "B1.1");
    feed(&mut app, "8 enter");
    assert_eq!(app.apps[0].scored.total, before + d("8"));
    let s = &app.apps[0].scored;
    let cats: Decimal = s.categories.values().copied().sum();
    assert_eq!(cats, s.total);
    let b: Decimal = ["B1", "B2", "B3"]
        .iter()
        .map(|k| s.criteria[*k].value)
        .sum();
    assert_eq!(s.categories["B"], b);
}

#[test]
fn comment_conflict_and_read_only() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    goto(&mut app, "A2.1");
    feed(&mut app, "c text:论证充分 enter");
    assert_eq!(app.apps[0].sheet.comments["A2.1"], "论证充分");
    // application-level comment from the list
    feed(&mut app, "esc c text:overall_fine enter");
    assert_eq!(app.apps[0].sheet.comments[""], "overall fine");
    // conflict needs a reason, then a confirmation, and locks the application
    feed(&mut app, "x enter");
    assert!(note(&app).1.contains("reason is required"));
    let n = m.log.borrow().len();
    feed(&mut app, "text:曾为该园区提供咨询 enter");
    match app.overlays.last() {
        Some(Overlay::Confirm { lines, .. }) => {
            assert!(lines[0].contains("Declare a conflict of interest for T24-001?"));
            assert!(
                lines.join(" ").contains("your scores do not count"),
                "{lines:?}"
            );
        }
        other => panic!("expected the confirmation, got {other:?}"),
    }
    feed(&mut app, "n");
    assert!(app.overlays.is_empty() && app.apps[0].sheet.status.is_none());
    assert_eq!(m.log.borrow().len(), n, "declined: nothing saved");
    // q closes a confirmation as it closes the help and a message (it did nothing there)
    feed(&mut app, "x text:曾为该园区提供咨询 enter q");
    assert!(app.overlays.is_empty() && !app.quit);
    assert!(app.apps[0].sheet.status.is_none());
    assert_eq!(m.log.borrow().len(), n, "declined with q: nothing saved");
    feed(&mut app, "x text:曾为该园区提供咨询 enter y");
    assert_eq!(app.apps[0].sheet.status, Some(AppStatus::Conflict));
    assert_eq!(app.progress(0), Progress::Conflict);
    assert!(matches!(
        m.log.borrow().last().unwrap()[0],
        Op::SetStatus {
            status: AppStatus::Conflict,
            ..
        }
    ));
    let n = m.log.borrow().len();
    feed(&mut app, "tab 1 c s r u");
    assert_eq!(
        m.log.borrow().len(),
        n,
        "a locked application takes no changes"
    );
    assert!(app.entry().is_none() && app.overlays.is_empty());
    // the expert, not only the chair, can undo a declared conflict: the note says how
    assert!(
        note(&app).1.contains("press x to withdraw the declaration")
            && !note(&app).1.contains("only the chair"),
        "{:?}",
        app.note
    );
    // the expert can withdraw the declaration (reason, confirmation), journaled
    feed(&mut app, "x enter");
    assert!(note(&app).1.contains("reason is required"));
    feed(&mut app, "text:看错了项目 enter");
    assert!(
        matches!(app.overlays.last(), Some(Overlay::Confirm { lines, .. })
        if lines[0].contains("Withdraw"))
    );
    feed(&mut app, "y");
    assert_eq!(app.apps[0].sheet.status, Some(AppStatus::Draft));
    assert_eq!(
        m.log.borrow().last().unwrap()[0],
        Op::SetStatus {
            expert: "E01".into(),
            app: "T24-001".into(),
            status: AppStatus::Draft,
            reason: Some("conflict withdrawn: 看错了项目".into()),
        }
    );
    assert!(note(&app).1.contains("withdrawn"), "{:?}", app.note);
    // scores as they were, and scoring works again
    assert_eq!(app.apps[0].sheet.comments["A2.1"], "论证充分");
    goto(&mut app, "A2.1");
    feed(&mut app, "1 enter");
    assert_eq!(app.apps[0].sheet.values["A2.1"].0, d("1"));
}

#[test]
fn submit_checks_completeness_confirms_and_locks() {
    let (mut app, m) = mem_app(Lang::En, (160, 48));
    goto(&mut app, "C2.2");
    feed(&mut app, "s");
    // incomplete: a message, the selection jumps to the first unscored expert item
    match app.overlays.last() {
        Some(Overlay::Message { lines, .. }) => {
            assert!(lines[0].contains("cannot be submitted"));
            // nine unscored expert items and the written opinion
            assert_eq!(lines.len(), 1 + 9 + 1, "{lines:?}");
            assert!(lines[10].contains("Expert review opinion not written (press w)"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.sel_item().unwrap().id, "A2.1");
    assert!(m.log.borrow().is_empty());
    feed(&mut app, "esc");
    // score every expert item with its max
    for id in [
        "A2.1", "A3.1", "B1.1", "B1.2", "B1.3", "B3.1", "B3.2", "C1.2", "C2.1",
    ] {
        goto(&mut app, id);
        let max = app.sel_item().unwrap().max();
        let text = max.normalize().to_string();
        let keys: Vec<String> = text.chars().map(|c| c.to_string()).collect();
        feed(&mut app, &keys.join(" "));
        feed(&mut app, "enter");
        assert_eq!(app.apps[0].sheet.values[id].0, max);
    }
    // every item scored: still refused, the written opinion is missing
    feed(&mut app, "s");
    match app.overlays.last() {
        Some(Overlay::Message { lines, .. }) => {
            assert_eq!(lines.len(), 2, "{lines:?}");
            assert!(lines[1].contains("not written"), "{lines:?}");
        }
        other => panic!("{other:?}"),
    }
    // too short (19 characters): saved, still refused, and the message says by how much
    feed(
        &mut app,
        "esc w text:托管方案完整目标明确经费已落实建议支持 enter s",
    );
    match app.overlays.last() {
        Some(Overlay::Message { lines, .. }) => {
            assert!(
                lines[1].contains("has 19 characters, at least 20"),
                "{lines:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    feed(&mut app, "esc w text:。 enter");
    assert!(app.opinion_problem(0).is_none());
    let commits = m.log.borrow().len();
    feed(&mut app, "s");
    assert!(matches!(app.overlays.last(), Some(Overlay::Confirm { .. })));
    feed(&mut app, "n");
    assert!(app.overlays.is_empty());
    assert_eq!(m.log.borrow().len(), commits);
    feed(&mut app, "s y");
    let log = m.log.borrow().clone();
    assert_eq!(log.len(), commits + 1, "one atomic commit");
    let last = log.last().unwrap();
    // every rule item not set explicitly is stored at its suggestion, then the status
    assert_eq!(last.len(), 25 - 9 + 1);
    assert!(matches!(
        last.last().unwrap(),
        Op::SetStatus {
            status: AppStatus::Submitted,
            ..
        }
    ));
    assert!(last.iter().any(|op| matches!(op,
        Op::SetScore { item, value, reason: None, .. } if item == "A3.2" && *value == d("5"))));
    assert_eq!(app.progress(0), Progress::Submitted);
    assert!(note(&app).1.contains("submitted"));
    feed(&mut app, "1");
    assert!(app.entry().is_none());
    assert!(note(&app).1.contains("only the chair can reopen"));
}

/// `s` in the application list refuses an incomplete application and selects its first
/// unscored item: the keys typed next score it (they were dropped while the list kept the
/// focus: "1 enter" then opened the entry and the next digit was refused).
#[test]
fn a_refused_submit_from_the_list_lets_the_next_digits_score_the_first_gap() {
    let (mut app, _m) = mem_app(Lang::Zh, (80, 24));
    assert_eq!(app.focus, Pane::Apps);
    feed(&mut app, "s");
    assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
    feed(&mut app, "esc");
    assert_eq!(app.sel_item().unwrap().id, "A2.1");
    assert_eq!(app.focus, Pane::Tree);
    feed(&mut app, "1 enter");
    assert_eq!(app.apps[0].sheet.values["A2.1"].0, d("1"));
}

/// Ctrl-C with a written opinion typed and not saved: the first press says so and keeps
/// the text (it quit and dropped it); Enter then saves; a second Ctrl-C right after the
/// warning quits; with nothing typed, Ctrl-C quits at once as before.
#[test]
fn ctrl_c_in_an_editor_with_unsaved_text_asks_for_a_second_press() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    feed(&mut app, "w text:托管方案完整，目标量化明确，建议支持");
    feed(&mut app, "ctrl-c");
    assert!(!app.quit, "the typed opinion is not dropped by one Ctrl-C");
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Error);
    assert!(
        text.contains("not saved") && text.contains("Ctrl-C again"),
        "{text}"
    );
    // whole on the status line at 80 columns (" ✗ " before it)
    assert!(panel::tui::text::width(&text) + 3 <= 80, "{text}");
    let zh = Lang::Zh.unsaved_text_on_quit();
    assert!(panel::tui::text::width(&zh) + 3 <= 80, "{zh}");
    assert!(matches!(app.overlays.last(), Some(Overlay::Editor { .. })));
    // any other key disarms it: typing goes on, the next Ctrl-C warns again
    feed(&mut app, "text:。 ctrl-c");
    assert!(!app.quit);
    feed(&mut app, "enter");
    assert!(app.overlays.is_empty());
    assert_eq!(m.log.borrow().len(), 1, "the opinion was saved");
    // twice in a row quits without the text
    feed(&mut app, "c text:草稿 ctrl-c ctrl-c");
    assert!(app.quit);
    assert_eq!(m.log.borrow().len(), 1, "the comment draft was not saved");
    // nothing typed (or a one-line search box): at once
    let (mut app, _) = mem_app(Lang::Zh, (80, 24));
    feed(&mut app, "c ctrl-c");
    assert!(app.quit);
    let (mut app, _) = mem_app(Lang::Zh, (80, 24));
    feed(&mut app, "tab / text:专利 ctrl-c");
    assert!(app.quit);
}

#[test]
fn a_failing_store_never_says_saved() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    *m.fail.borrow_mut() = Some("disk full".into());
    goto(&mut app, "A2.1");
    feed(&mut app, "2 enter");
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Error);
    assert!(
        text.contains("NOT saved") && text.contains("disk full"),
        "{text}"
    );
    assert!(app.apps[0].sheet.values.is_empty());
    assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
    feed(&mut app, "space");
    assert!(app.overlays.is_empty(), "any key closes a message");
}

#[test]
fn ctrl_c_quits_from_anywhere_and_help_toggles() {
    let (mut app, _) = mem_app(Lang::En, (80, 24));
    feed(&mut app, "?");
    assert!(matches!(app.overlays.last(), Some(Overlay::Help { .. })));
    feed(&mut app, "j j esc");
    assert!(app.overlays.is_empty());
    goto(&mut app, "A2.1");
    feed(&mut app, "c text:abc");
    // typed text not saved: the second Ctrl-C quits (see the test below)
    feed(&mut app, "ctrl-c ctrl-c");
    assert!(app.quit);
    let (mut app, _) = mem_app(Lang::En, (80, 24));
    goto(&mut app, "A2.1");
    feed(&mut app, "1 q");
    assert!(!app.quit, "q while typing a score does not drop it");
    assert!(note(&app).1.contains("Enter saves"));
    feed(&mut app, "ctrl-c");
    assert!(app.quit);
}

#[test]
fn search_finds_and_cycles_through_evidence() {
    let (mut app, _) = mem_app(Lang::Zh, (160, 48));
    goto(&mut app, "A3.2");
    feed(&mut app, "/ text:PCT enter");
    assert_eq!(app.search(), Some("PCT"));
    let first = app.hit().expect("a hit");
    let n = note(&app).1;
    assert!(n.contains("第 1/"), "{n}");
    feed(&mut app, "n");
    assert_eq!(app.hit(), Some(first + 1));
    feed(&mut app, "N N");
    assert!(app.hit().is_some());
    feed(
        &mut app,
        "/ backspace backspace backspace text:无此内容 enter",
    );
    assert_eq!(app.hit(), None);
    assert!(
        note(&app).1.contains("A3 的证据中找不到 “无此内容”"),
        "{:?}",
        app.note
    );
    // a long section scrolls to its match
    let (mut app, _) = mem_app(Lang::En, (80, 24));
    goto(&mut app, "B1.1");
    feed(&mut app, "tab / text:培训 enter");
    assert!(app.hit().is_some());
    let ev = app.evidence().unwrap();
    let total = ev.head.len() + app.tail().unwrap().len();
    assert!(
        total > ev.body_h as usize,
        "the evidence must need scrolling here"
    );
    assert!(app.ev_scroll() > 0, "scrolled to the match");
    feed(&mut app, "g");
    assert_eq!(app.ev_scroll(), 0);
    feed(&mut app, "G");
    assert_eq!(app.ev_scroll(), total - ev.body_h as usize);
}

#[test]
fn mouse_clicks_focus_and_wheel_scrolls() {
    let (mut app, _) = mem_app(Lang::En, (160, 48));
    let p = app.panes();
    let apps = p.apps.unwrap();
    // click the third application
    update(
        &mut app,
        Action::Click {
            col: apps.x + 3,
            row: apps.y + 3,
        },
    );
    assert_eq!((app.focus, app.app_sel()), (Pane::Apps, 2));
    // click a row of the tree: header row 0 is the category, 1 the criterion, 2 the first item
    let tree = panel::tui::layout::tree_list(p.tree.unwrap());
    update(
        &mut app,
        Action::Click {
            col: tree.x + 5,
            row: tree.y + 3,
        },
    );
    assert_eq!(app.focus, Pane::Tree);
    assert_eq!(app.sel_item().unwrap().id, "A1.2");
    update(
        &mut app,
        Action::Click {
            col: tree.x + 5,
            row: tree.y,
        },
    );
    assert_eq!(
        app.sel_item().unwrap().id,
        "A1.1",
        "a header selects its first item"
    );
    update(
        &mut app,
        Action::Scroll {
            col: tree.x + 5,
            row: tree.y,
            down: true,
        },
    );
    assert_eq!(app.sel_item().unwrap().id, "A1.2");
    let ev = p.evidence.unwrap();
    update(
        &mut app,
        Action::Click {
            col: ev.x + 2,
            row: ev.y + 2,
        },
    );
    assert_eq!(app.focus, Pane::Evidence);
}

#[test]
fn resize_keeps_the_selection_visible() {
    let (mut app, _) = mem_app(Lang::En, (160, 48));
    feed(&mut app, "tab G");
    update(&mut app, Action::Resize { w: 80, h: 24 });
    let list = panel::tui::layout::tree_list(app.panes().tree.unwrap());
    let row = app.tree().item_rows()[app.tree().sel()];
    assert!(row >= app.tree().scroll() && row < app.tree().scroll() + list.height as usize);
    // narrow: the list collapses while the tree is focused
    assert!(app.panes().apps.is_none());
    feed(&mut app, "esc");
    assert!(app.panes().apps.is_some());
    update(&mut app, Action::Resize { w: 30, h: 10 });
    assert!(app.panes().too_small);
    feed(&mut app, "j");
}

#[test]
fn real_store_keeps_scores_across_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    {
        let (store, _) = Store::open(&db, &ident()).unwrap();
        let mut app = App::new(
            tui_support::session(),
            vec![],
            Box::new(store),
            Lang::En,
            false,
            (80, 24),
        );
        goto(&mut app, "A2.1");
        feed(&mut app, "1 . 5 enter");
        goto(&mut app, "A1.2");
        feed(&mut app, "0 enter text:证据不足 enter");
        goto(&mut app, "A1.2");
        feed(&mut app, "c text:需复核 enter");
        feed(&mut app, "esc j x text:回避理由 enter y");
        assert_eq!(app.note.as_ref().unwrap().level, Level::Saved);
    } // the app (and the store's lock) is dropped here
    let (store, _) = Store::open(&db, &ident()).unwrap();
    let s = store.score("E01", "T24-001", "A2.1").unwrap();
    assert_eq!(s.value, d("1.5"));
    let s = store.score("E01", "T24-001", "A1.2").unwrap();
    assert_eq!((s.value, s.reason.as_deref()), (d("0"), Some("证据不足")));
    assert_eq!(
        store.comment("E01", "T24-001", "A1.2").as_deref(),
        Some("需复核")
    );
    assert_eq!(
        store.status("E01", "T24-002"),
        Some((AppStatus::Conflict, Some("回避理由".into())))
    );
    // a second session sees the same state
    let codes: Vec<String> = ["T24-001", "T24-002", "T24-003"].map(String::from).to_vec();
    let sheets: Vec<Sheet> = load_sheets(&store, "E01", &codes);
    assert_eq!(sheets[0].values["A2.1"], (d("1.5"), None));
    assert_eq!(sheets[1].status, Some(AppStatus::Conflict));
    assert_eq!(sheets[2], Sheet::default());
    let app = App::new(
        tui_support::session(),
        sheets,
        Box::new(store),
        Lang::En,
        false,
        (80, 24),
    );
    assert_eq!(app.progress(0), Progress::Partial);
    assert_eq!(app.progress(1), Progress::Conflict);
    assert_eq!(app.progress(2), Progress::Untouched);
    assert!(app.read_only(1));
}

#[test]
fn test_panel_directory_opens_with_valid_bundles() {
    let dir = tempfile::tempdir().unwrap();
    tui_support::write_panel(dir.path());
    let p = panel::panel::Panel::open(dir.path()).unwrap();
    assert!(p.invalid.is_empty(), "{:?}", p.invalid);
    assert_eq!(p.bundles.len(), 2);
    let ex = p.expert("E01").unwrap().clone();
    let s = panel::commands::score::session(&p, &ex);
    assert_eq!(s.apps[0].code, "T24-001");
    assert_eq!(s.apps[0].facts, tui_support::session().apps[0].facts);
}

#[test]
fn an_empty_panel_and_random_keys_never_panic() {
    let mut s = tui_support::session();
    s.apps.clear();
    let mut app = App::new(
        s,
        vec![],
        Box::new(MemPersist::default()),
        Lang::Zh,
        false,
        (80, 24),
    );
    feed(
        &mut app,
        "j k g G enter tab 1 enter c x s r / text:a enter n N tab pagedown esc esc ?",
    );
    assert!(!app.quit);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| panel::tui::view::draw(f, &app)).unwrap();
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Any key sequence at any size: no panic, and everything stored is valid.
    #[test]
    fn random_keys_keep_the_state_valid(
        keys in proptest::collection::vec(0usize..40, 0..120),
        w in 20u16..200,
        h in 5u16..70,
    ) {
        const K: [&str; 40] = [
            "j", "k", "g", "G", "tab", "backtab", "enter", "esc", "0", "1", "2", "5", ".", "9",
            "backspace", "r", "c", "x", "s", "y", "n", "N", "/", "?", "pagedown", "pageup",
            "a", "space", "up", "down", "left", "right", "home", "end", "q", "h", "l", "3", "7", "8",
        ];
        let (mut app, m) = mem_app(Lang::En, (w, h));
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        for k in keys {
            feed(&mut app, K[k]);
            app.quit = false;
            term.draw(|f| panel::tui::view::draw(f, &app)).unwrap();
        }
        let rubric = panel::rubric::embedded(tui_support::RUBRIC).unwrap().rubric;
        for ops in m.log.borrow().iter() {
            for op in ops {
                if let Op::SetScore { item, value, reason, app: code, .. } = op {
                    let (_, _, it) = rubric.item(item).unwrap();
                    proptest::prop_assert!(*value >= Decimal::ZERO && *value <= it.max());
                    proptest::prop_assert!((*value % it.step()).is_zero());
                    let a = app.apps.iter().position(|a| &a.input.code == code).unwrap();
                    let sugg = app.suggestion(a, item);
                    if let (Some(s), None) = (sugg, reason) {
                        // without a reason a rule item is only ever set to its suggestion
                        proptest::prop_assert_eq!(*value, s);
                    }
                }
            }
        }
    }
}

/// One application of seed 000 from the list to submitted: `n` opens it at the first item
/// that needs the expert, each `Enter` saves and moves on, `w` opens the written opinion
/// (专家评审意见, required by the rubric) and `Enter` saves it, `s y` submits. Counted: every
/// key that is not part of a typed value or the opinion's text; the bar is 20.
#[test]
fn one_application_start_to_submit_in_twenty_keys() {
    let (mut app, m) = mem_app(Lang::Zh, (80, 24));
    assert_eq!(app.focus, Pane::Apps);
    let mut keys = 0;
    feed(&mut app, "n");
    keys += 1;
    assert_eq!(app.focus, Pane::Tree);
    let mut typed = Vec::new();
    let item_problems = |app: &panel::tui::app::App| {
        app.problems(0)
            .into_iter()
            .filter(|(id, _)| id != panel::store::OPINION_ITEM)
            .count()
    };
    while item_problems(&app) > 0 {
        let item = app.sel_item().unwrap().clone();
        assert!(
            app.problems(0).iter().any(|(id, _)| *id == item.id),
            "the selection is on {}, which needs nothing",
            item.id
        );
        let v = item.max().normalize().to_string();
        let ks: Vec<String> = v.chars().map(|c| c.to_string()).collect();
        feed(&mut app, &ks.join(" "));
        feed(&mut app, "enter");
        keys += 1;
        assert_eq!(app.apps[0].sheet.values[&item.id].0, item.max());
        typed.push(item.id);
        assert!(typed.len() <= 25, "no progress: {typed:?}");
    }
    assert!(
        note(&app).1.contains("按 w 撰写专家评审意见"),
        "{:?}",
        app.note
    );
    // submitting without the opinion is refused and lists it
    feed(&mut app, "s");
    keys += 1;
    assert_ne!(app.progress(0), Progress::Submitted);
    assert!(
        app.problems(0)
            .iter()
            .any(|(id, m)| id == panel::store::OPINION_ITEM && m.contains("专家评审意见未填写")),
        "{:?}",
        app.problems(0)
    );
    feed(
        &mut app,
        "esc w text:托管服务方案完整，绩效目标明确，配套经费落实，建议予以支持。 enter",
    );
    keys += 3;
    assert!(note(&app).1.contains("专家评审意见"), "{:?}", app.note);
    feed(&mut app, "s y");
    keys += 2;
    assert_eq!(app.progress(0), Progress::Submitted);
    assert!(keys <= 20, "{keys} keys besides the values ({typed:?})");
    // one commit per value, the opinion and the submission
    assert!(m.log.borrow().len() == typed.len() + 2);
}

/// The list: `/` filters by code, title or status, Esc clears; `o` cycles the sort; an
/// untouched application shows no total; titles skip redaction markers.
#[test]
fn the_list_filters_sorts_and_shows_no_total_before_work() {
    use panel::tui::view::list_title;
    assert_eq!(
        list_title("[已隐去:姓名/名称]中小企业知识产权集中托管项目"),
        "中小企业知识产权集中托管项目"
    );
    assert_eq!(list_title("[已隐去:姓名/名称]"), "[已隐去:姓名/名称]");
    assert_eq!(list_title("A 园区[已隐去:地址]，托管"), "A 园区，托管");
    assert_eq!(list_title("[已隐去:地址]，托管"), "托管");

    let (mut app, _m) = mem_app(Lang::En, (100, 30));
    assert_eq!(app.order(), vec![0, 1, 2]);
    feed(&mut app, "/ text:科技园 enter");
    assert_eq!(app.order(), vec![1]);
    assert_eq!(app.cur().unwrap().input.code, "T24-002");
    assert!(note(&app).1.contains("1 application"), "{:?}", app.note);
    feed(&mut app, "j k g G");
    assert_eq!(app.cur().unwrap().input.code, "T24-002");
    feed(&mut app, "esc");
    assert_eq!(app.order(), vec![0, 1, 2]);
    assert_eq!(app.cur().unwrap().input.code, "T24-002");
    // by status: score T24-003 partly, it comes first (work in progress)
    feed(&mut app, "j");
    goto(&mut app, "A2.1");
    feed(&mut app, "1 enter esc");
    feed(&mut app, "o");
    assert_eq!(app.order()[0], 2, "{:?}", app.order());
    assert!(note(&app).1.contains("sorted by status"));
    feed(&mut app, "/ text:in_progress enter");
    assert_eq!(app.order(), vec![2]);
    feed(&mut app, "esc o");
    assert!(note(&app).1.contains("suggested total"));
    let totals: Vec<Decimal> = app
        .order()
        .iter()
        .map(|&i| app.apps[i].scored.total)
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    feed(&mut app, "o");
    assert_eq!(app.order(), vec![0, 1, 2]);
    // nothing matches: said, and the list says how to get back
    feed(&mut app, "/ text:zzz enter");
    assert!(app.order().is_empty());
    assert_eq!(note(&app).0, Level::Error);
    feed(&mut app, "j g G");
    feed(&mut app, "esc");
    assert_eq!(app.order().len(), 3);
}

/// Scrolled panes say how many rows are hidden above and below.
#[test]
fn more_rows_are_announced() {
    use panel::tui::view::more_hint;
    assert_eq!(more_hint(0, 10, 10), None);
    assert_eq!(more_hint(0, 10, 3), None);
    assert_eq!(more_hint(0, 10, 25).as_deref(), Some(" ▼15 "));
    assert_eq!(more_hint(5, 10, 25).as_deref(), Some(" ▲5 ▼10 "));
    assert_eq!(more_hint(15, 10, 25).as_deref(), Some(" ▲15 "));
}

/// A refused score stays visible, and the next digit starts a new value instead of being
/// appended to the refused text; a second decimal point is not taken.
#[test]
fn a_refused_score_is_replaced_by_the_next_digit() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    feed(&mut app, "tab");
    goto(&mut app, "A2.1");
    // A2.1: 0–2, step 0.5
    feed(&mut app, "1 . 2 5 enter");
    assert_eq!(note(&app).0, Level::Error);
    assert!(note(&app).1.contains("multiple of 0.5"), "{:?}", app.note);
    assert_eq!(app.entry(), Some("1.25"), "the refused text stays visible");
    feed(&mut app, "1 . 5 enter");
    assert_eq!(app.entry(), None);
    assert!(note(&app).1.contains("saved"), "{:?}", app.note);
    let a = app.cur().unwrap();
    assert_eq!(a.sheet.values.get("A2.1").map(|(v, _)| *v), Some(d("1.5")));
    assert!(!m.log.borrow().is_empty());
    // Enter, an out-of-range value, then a valid one: never "2.51"
    goto(&mut app, "A3.1");
    feed(&mut app, "enter 2 . 5 enter");
    assert_eq!(app.entry(), Some("2.5"));
    feed(&mut app, "1 enter");
    assert_eq!(app.entry(), None, "{:?}", app.note);
    // a second decimal point is refused at once and not taken
    goto(&mut app, "B1.1");
    feed(&mut app, "1 . .");
    assert_eq!(note(&app).0, Level::Error);
    assert!(note(&app).1.contains("one decimal point"), "{:?}", app.note);
    feed(&mut app, "5");
    assert_eq!(app.entry(), Some("1.5"));
}

/// The filter prompt lists the status labels the list shows, and the filter matches the
/// status words in both languages (`进行中` as well as the label `评分中`); `/` starts empty.
#[test]
fn the_filter_prompt_names_the_shown_labels_and_matches_both_languages() {
    let (mut app, _m) = mem_app(Lang::Zh, (100, 30));
    feed(&mut app, "j");
    goto(&mut app, "A2.1");
    feed(&mut app, "1 enter esc");
    assert_eq!(app.progress(1), Progress::Partial);
    feed(&mut app, "/");
    match app.overlays.last() {
        Some(Overlay::Editor { prompt, buf, .. }) => {
            assert!(
                prompt.contains(Progress::Partial.name(Lang::Zh)),
                "{prompt}"
            );
            assert!(
                prompt.contains("评分中") && !prompt.contains("进行中"),
                "{prompt}"
            );
            assert_eq!(buf.text(), "");
        }
        o => panic!("{o:?}"),
    }
    feed(&mut app, "esc");
    for q in ["评分中", "进行中", "progress", "PROGRESS", "in_progress"] {
        feed(&mut app, &format!("/ text:{q} enter"));
        assert_eq!(app.order(), vec![1], "{q}");
        feed(&mut app, "esc");
    }
    // `/` again starts empty; the prompt names the filter in force, and typing replaces it
    feed(&mut app, "/ text:未开始 enter");
    assert_eq!(app.order(), vec![0, 2]);
    feed(&mut app, "/");
    match app.overlays.last() {
        Some(Overlay::Editor { prompt, buf, .. }) => {
            assert!(prompt.contains("当前：未开始"), "{prompt}");
            assert_eq!(buf.text(), "");
        }
        o => panic!("{o:?}"),
    }
    feed(&mut app, "text:T24-002 enter");
    assert_eq!(app.order(), vec![1]);
}

/// `n` from the application list takes the first item of the newly selected application that
/// needs the expert, not the first one after the row carried over from the application
/// before (T24-003: `n` went to B1.2 past the unscored A2.1); `N` takes the last. The
/// selected item itself stays when another application is selected.
#[test]
fn next_to_do_from_the_list_starts_at_the_top_of_the_application() {
    let (mut app, _) = mem_app(Lang::En, (80, 24));
    let ids: Vec<String> = app.rubric.items().map(|(_, _, it)| it.id.clone()).collect();
    let needs = |app: &App, ai: usize| -> Vec<String> {
        app.rubric
            .items()
            .filter(|(_, _, it)| it.is_expert() || app.effective(ai, &it.id).is_none())
            .map(|(_, _, it)| it.id.clone())
            .collect()
    };
    let todo = needs(&app, 1);
    assert!(todo.len() >= 2, "{todo:?}");
    // an item of the first application past the second application's first to-do item is
    // selected, then the list moves on: the item stays selected
    let pos = |id: &String| ids.iter().position(|x| x == id).unwrap();
    let mid = ids
        .iter()
        .find(|id| pos(id) > pos(&todo[0]) && !todo.contains(id))
        .expect("an item after the first to-do item that needs nothing")
        .clone();
    goto(&mut app, &mid);
    feed(&mut app, "esc");
    assert_eq!(app.focus, Pane::Apps);
    feed(&mut app, "j");
    assert_eq!(app.list_pos(), 1);
    assert_eq!(app.sel_item().map(|i| i.id.clone()), Some(mid));
    feed(&mut app, "n");
    assert_eq!(app.focus, Pane::Tree);
    assert_eq!(app.sel_item().map(|i| i.id.clone()), todo.first().cloned());
    // in the criteria `n` goes on from the selected item
    feed(&mut app, "n");
    assert_eq!(app.sel_item().map(|i| i.id.clone()), todo.get(1).cloned());
    // from the list, `N` takes the application's last such item
    feed(&mut app, "esc N");
    assert_eq!(app.sel_item().map(|i| i.id.clone()), todo.last().cloned());
}

/// A digit typed in the application list scores nothing and says where digits score.
#[test]
fn a_digit_in_the_list_says_where_digits_score() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    feed(&mut app, "5");
    assert_eq!(app.focus, Pane::Apps);
    let (level, text) = note(&app);
    assert_eq!(level, Level::Info);
    assert!(text.contains("Enter opens the application"), "{text}");
    assert!(m.log.borrow().is_empty());
    let (mut app, _) = mem_app(Lang::Zh, (80, 24));
    feed(&mut app, ".");
    assert!(note(&app).1.contains("Enter 打开项目"), "{:?}", app.note);
}

/// The status line without a note describes what has the focus: the selected application in
/// the list, the box open over the screen, the item's range only in the criteria.
#[test]
fn the_status_line_describes_what_has_the_focus() {
    use panel::tui::view::focus_hint;
    let (mut app, _) = mem_app(Lang::En, (80, 24));
    let code = app.apps[0].input.code.clone();
    let hint = focus_hint(&app);
    assert!(
        hint.contains(&code) && hint.contains("Enter opens its criteria"),
        "{hint}"
    );
    assert!(!hint.contains("step"), "{hint}");
    feed(&mut app, "tab");
    let item = app.sel_item().unwrap().id.clone();
    assert!(focus_hint(&app).contains(&format!("{item}: 0–")));
    feed(&mut app, "c");
    let hint = focus_hint(&app);
    assert!(
        hint.contains("✎") && hint.contains(&format!("{code} {item}")),
        "{hint}"
    );
    assert!(!hint.contains("step"), "{hint}");
    feed(&mut app, "esc w");
    let hint = focus_hint(&app);
    assert!(hint.contains("✎") && hint.contains(&code), "{hint}");
    assert!(!hint.contains("step"), "{hint}");
    feed(&mut app, "esc ?");
    assert_eq!(focus_hint(&app), " Help");
}

/// Esc in a comment or opinion box keeps the unsaved text: the box opens on it again, Enter
/// saves it (and forgets the draft); `q` with text kept warns once, and the second quits.
/// Text that is the saved text, or nothing, is not kept.
#[test]
fn esc_keeps_an_unsaved_comment_and_q_warns_before_dropping_it() {
    let (mut app, m) = mem_app(Lang::En, (80, 24));
    feed(&mut app, "tab c text:论证充分但数据偏少 esc");
    assert!(app.overlays.is_empty());
    let (level, text) = note(&app);
    assert_eq!(level, Level::Info);
    assert!(
        text.contains("your text is kept: c opens it again"),
        "{text}"
    );
    assert!(m.log.borrow().is_empty(), "nothing saved");
    // q warns once, naming the kept text; the screen stays
    feed(&mut app, "q");
    assert!(!app.quit);
    let warning = note(&app).1;
    assert!(
        warning.contains("unsaved text kept in 1 box(es)"),
        "{warning}"
    );
    assert!(
        panel::tui::text::width(&warning) <= 76,
        "fits 80 columns: {warning}"
    );
    // the box opens on the kept text; Enter saves it
    feed(&mut app, "c");
    match app.overlays.last() {
        Some(Overlay::Editor { buf, .. }) => assert_eq!(buf.text(), "论证充分但数据偏少"),
        other => panic!("{other:?}"),
    }
    feed(&mut app, "enter");
    assert_eq!(m.log.borrow().len(), 1);
    // opened and left unchanged: nothing kept, the plain cancel note
    feed(&mut app, "c esc");
    assert!(note(&app).1.contains("cancelled"), "{:?}", app.note);
    feed(&mut app, "q");
    assert!(app.quit, "no text kept: q quits at once");

    // the second q quits and drops the kept text
    let (mut app, _) = mem_app(Lang::Zh, (80, 24));
    feed(&mut app, "tab c text:草稿 esc");
    assert!(note(&app).1.contains("文字已保留"), "{:?}", app.note);
    feed(&mut app, "q");
    assert!(!app.quit);
    // text kept after the warning: the next q warns again
    feed(&mut app, "c text:再改 esc q");
    assert!(!app.quit, "{:?}", app.note);
    feed(&mut app, "q");
    assert!(app.quit);
}
