//! The expert screen wired to the sheets, with real stores: the chair's reopen notes are
//! applied and shown at start (`sheet::apply_reopens`), and every submit writes the sheet
//! for the chair (`sheet::autosave`), saying so, or saying that the scores are safe in
//! the database when the file cannot be written.

use std::path::{Path, PathBuf};

use panel::commands::score::{expert_app, identity};
use panel::panel::Panel;
use panel::sheet;
use panel::store::{AppStatus, Op, Store};
use panel::tui::app::{Level, Overlay, Progress};
use panel::tui::{feed, App, Lang};

use crate::tui_support::goto;

struct Fixture {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("panel");
        panel::panel::materialize_demo(&dir).unwrap();
        Fixture { tmp, dir }
    }
    fn panel(&self) -> Panel {
        Panel::open(&self.dir).unwrap()
    }
    fn db(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }
    /// The demo's own keys (materialized with the panel; signatures are required).
    fn keys(&self) -> PathBuf {
        self.dir.join("keys")
    }
    fn expert_store(&self, expert: &str) -> Store {
        let p = self.panel();
        Store::open(&self.db(&format!("db-{expert}")), &identity(&p, expert))
            .unwrap()
            .0
    }
    fn app(&self, expert: &str, lang: Lang) -> App {
        let p = self.panel();
        let store = self.expert_store(expert);
        expert_app(&p, store, expert, Some(self.keys()), lang, false, (100, 30)).unwrap()
    }
}

/// Score every expert item of the selected application 1 and submit it, by keys.
fn score_and_submit(app: &mut App) {
    let items: Vec<String> = app
        .rubric
        .items()
        .filter(|(_, _, i)| i.is_expert())
        .map(|(_, _, i)| i.id.clone())
        .collect();
    for it in items {
        goto(app, &it);
        feed(app, "1 enter");
    }
    // the seed 000 rubric requires the written opinion (专家评审意见) before submitting
    feed(
        app,
        "w text:托管方案完整，绩效目标明确，配套经费落实，建议予以支持。 enter",
    );
    feed(app, "s y");
}

fn select_app(app: &mut App, code: &str) {
    feed(app, "esc esc g");
    while app.cur().unwrap().input.code != code {
        feed(app, "j");
    }
}

fn note(app: &App) -> (Level, String) {
    let n = app.note.as_ref().expect("a note");
    (n.level, n.text.clone())
}

#[test]
fn submit_writes_the_sheet_for_the_chair() {
    let fx = Fixture::new();
    let sheet_file = sheet::sheet_path(&fx.dir, "E01");
    assert!(!sheet_file.exists());
    let mut app = fx.app("E01", Lang::En);
    select_app(&mut app, "T24-002");
    score_and_submit(&mut app);
    assert_eq!(app.progress(app.app_sel()), Progress::Submitted);
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Saved, "{text}");
    assert!(
        text.contains("T24-002 submitted")
            && text.contains("sheet written to sheets/E01.sheet.json"),
        "{text}"
    );
    let sh: sheet::Sheet =
        serde_json::from_str(&std::fs::read_to_string(&sheet_file).unwrap()).unwrap();
    assert_eq!(sh.seq, 1);
    assert_eq!(sh.app("T24-002").unwrap().status, AppStatus::Submitted);
    assert_eq!(sh.app("T24-001").unwrap().status, AppStatus::Draft);
    // a conflict declaration writes the next revision
    select_app(&mut app, "T24-004");
    feed(&mut app, "x text:曾为该园区提供咨询 enter y");
    assert!(note(&app).1.contains("sheet written"), "{:?}", app.note);
    let sh: sheet::Sheet =
        serde_json::from_str(&std::fs::read_to_string(&sheet_file).unwrap()).unwrap();
    assert_eq!(sh.seq, 2);
    assert_eq!(sh.app("T24-004").unwrap().status, AppStatus::Conflict);
    drop(app);
    // the chair can merge what was written
    let p = fx.panel();
    let (mut chair, _) =
        Store::open(&fx.db("chair"), &panel::commands::chair::identity(&p)).unwrap();
    let r = sheet::merge_sheet(&p, &mut chair, &sheet_file).unwrap();
    assert!(matches!(r.kind, sheet::MergeKind::Merged { .. }));
    assert_eq!(
        chair.status("E01", "T24-002").unwrap().0,
        AppStatus::Submitted
    );
}

#[test]
fn a_sheet_that_cannot_be_written_says_the_scores_are_safe() {
    let fx = Fixture::new();
    // a file where the sheets folder should be: the sheet cannot be written
    std::fs::remove_dir_all(fx.dir.join("sheets")).unwrap();
    std::fs::write(fx.dir.join("sheets"), "not a folder").unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app("E01", lang);
        let code = if lang == Lang::Zh {
            "T24-001"
        } else {
            "T24-003"
        };
        select_app(&mut app, code);
        score_and_submit(&mut app);
        assert_eq!(app.progress(app.app_sel()), Progress::Submitted);
        let (lvl, text) = note(&app);
        assert_eq!(lvl, Level::Error);
        match lang {
            Lang::Zh => assert!(
                text.contains("已提交并保存到数据库（评分不会丢失）")
                    && text.contains("panel sheet export"),
                "{text}"
            ),
            Lang::En => assert!(
                text.contains("saved in the database (no score is lost)"),
                "{text}"
            ),
        }
        assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
        drop(app);
        // durable all the same
        let store = fx.expert_store("E01");
        assert_eq!(store.status("E01", code).unwrap().0, AppStatus::Submitted);
    }
}

/// E01 has submitted `code` in its store (through the library).
fn submitted_in_store(fx: &Fixture, code: &str) {
    let p = fx.panel();
    let mut s = fx.expert_store("E01");
    let mut ops: Vec<Op> = p
        .rubric
        .rubric
        .items()
        .filter(|(_, _, i)| i.is_expert())
        .map(|(_, _, i)| Op::SetScore {
            expert: "E01".into(),
            app: code.into(),
            item: i.id.clone(),
            value: 1.into(),
            reason: None,
        })
        .collect();
    // the seed 000 rubric requires the written opinion (专家评审意见)
    ops.push(Op::SetComment {
        expert: "E01".into(),
        app: code.into(),
        item: panel::store::OPINION_ITEM.into(),
        text: "托管方案完整，绩效目标明确，配套经费落实，建议予以支持。".into(),
    });
    ops.push(Op::SetStatus {
        expert: "E01".into(),
        app: code.into(),
        status: AppStatus::Submitted,
        reason: None,
    });
    s.commit(ops).unwrap();
}

fn chair_reopens(fx: &Fixture, code: &str, reason: &str) {
    let p = fx.panel();
    let (mut chair, _) =
        Store::open(&fx.db("chair"), &panel::commands::chair::identity(&p)).unwrap();
    // the chair holds E01's submission (as a merge of E01's sheet records it): a reopen
    // hands back only what the expert submitted
    chair
        .commit(vec![Op::SetStatus {
            expert: "E01".into(),
            app: code.into(),
            status: AppStatus::Submitted,
            reason: None,
        }])
        .unwrap();
    sheet::reopen(&p, &mut chair, "E01", code, reason).unwrap();
}

#[test]
fn reopen_notes_are_applied_and_shown_at_start() {
    let fx = Fixture::new();
    submitted_in_store(&fx, "T24-001");
    submitted_in_store(&fx, "T24-002");
    chair_reopens(&fx, "T24-001", "B1 评分与其他专家差距较大，请复核");
    assert!(Path::new(&sheet::reopen_note_path(&fx.dir, "E01", "T24-001")).is_file());

    let mut app = fx.app("E01", Lang::Zh);
    // shown: a message with the reason, and the status line
    let msg = match app.overlays.last() {
        Some(Overlay::Message { title, lines }) => format!("{title}\n{}", lines.join("\n")),
        o => panic!("no message: {o:?}"),
    };
    assert!(msg.contains("组长退回重评"), "{msg}");
    assert!(
        msg.contains("组长已退回 T24-001 重评：B1 评分与其他专家差距较大，请复核"),
        "{msg}"
    );
    assert!(note(&app).1.contains("T24-001"));
    // applied: T24-001 is editable again, T24-002 still submitted
    let i1 = app
        .apps
        .iter()
        .position(|a| a.input.code == "T24-001")
        .unwrap();
    let i2 = app
        .apps
        .iter()
        .position(|a| a.input.code == "T24-002")
        .unwrap();
    assert_eq!(app.progress(i1), Progress::Partial);
    assert_eq!(app.progress(i2), Progress::Submitted);
    assert!(!app.read_only(i1));
    // any key closes the message; the expert can change a value and submit again
    feed(&mut app, "x");
    assert!(app.overlays.is_empty());
    select_app(&mut app, "T24-001");
    goto(&mut app, "B1.1");
    feed(&mut app, "3 enter");
    assert_eq!(note(&app).0, Level::Saved, "{:?}", app.note);
    feed(&mut app, "s y");
    assert_eq!(app.progress(i1), Progress::Submitted);
    drop(app);

    // the store records it: status, audit, applied marker; a second start applies nothing
    let store = fx.expert_store("E01");
    let audit = store.audit_records();
    assert!(audit
        .iter()
        .any(|r| r.kind == "reopen_applied" && r.detail["app"] == "T24-001"));
    drop(store);
    let app = fx.app("E01", Lang::En);
    assert!(app.overlays.is_empty(), "{:?}", app.overlays);
    assert!(app.note.is_none());
    drop(app);

    // a new reopen while the screen is open: picked up by refresh (the demo's switch)
    let mut app = fx.app("E01", Lang::En);
    chair_reopens(&fx, "T24-002", "please check C2");
    assert!(app.refresh());
    assert_eq!(app.progress(i2), Progress::Partial);
    assert!(note(&app)
        .1
        .contains("T24-002 reopened by the chair: please check C2"));
    assert!(!app.refresh(), "applied once");
}

fn screen_text(app: &App) -> String {
    let mut t =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| panel::tui::view::draw(f, app)).unwrap();
    panel::tui::view::buffer_text(t.backend().buffer())
}

/// The chair's reason stays in view until the expert submits again: in the status line of
/// the application list and on top of the evidence, also after a restart (the message at
/// opening is shown once). A reopen while the screen is open is picked up by the screen's
/// poll, but only when nothing is being typed.
#[test]
fn the_chairs_reason_stays_in_view_until_submitted_again() {
    use panel::tui::view::focus_hint;
    let fx = Fixture::new();
    submitted_in_store(&fx, "T24-001");
    submitted_in_store(&fx, "T24-002");
    chair_reopens(&fx, "T24-001", "请复核 B1");
    let mut app = fx.app("E01", Lang::Zh);
    feed(&mut app, "x");
    drop(app);
    let mut app = fx.app("E01", Lang::Zh);
    assert!(app.overlays.is_empty(), "applied once: {:?}", app.overlays);
    select_app(&mut app, "T24-001");
    let reason = "组长已退回 T24-001 重评：请复核 B1";
    assert!(
        focus_hint(&app).contains(&format!("↺ {reason}")),
        "{}",
        focus_hint(&app)
    );
    feed(&mut app, "enter");
    let text = screen_text(&app);
    assert!(text.contains(&format!("↺ {reason}")), "{text}");
    select_app(&mut app, "T24-002");
    assert!(!focus_hint(&app).contains('↺'), "{}", focus_hint(&app));

    // the chair hands back T24-002 while the help is open: nothing pops up over it
    chair_reopens(&fx, "T24-002", "请复核 C2");
    feed(&mut app, "?");
    assert!(!app.poll_reopens());
    assert!(matches!(app.overlays.last(), Some(Overlay::Help { .. })));
    feed(&mut app, "esc");
    assert!(app.poll_reopens());
    assert!(note(&app).1.contains("组长已退回 T24-002 重评：请复核 C2"));
    feed(&mut app, "x");

    // submitted again: the reason is no longer shown
    select_app(&mut app, "T24-001");
    feed(&mut app, "s y");
    assert_eq!(app.progress(app.app_sel()), Progress::Submitted);
    feed(&mut app, "esc");
    assert!(!focus_hint(&app).contains('↺'), "{}", focus_hint(&app));
    assert!(!screen_text(&app).contains("↺"));
}

#[test]
fn a_sheet_another_database_wrote_is_never_replaced() {
    let fx = Fixture::new();
    let sheet_file = sheet::sheet_path(&fx.dir, "E02");
    let shipped = std::fs::read(&sheet_file).expect("the demo ships E02's sheet");
    // a fresh database for E02 (another computer, or a forgotten --db)
    let mut app = fx.app("E02", Lang::En);
    select_app(&mut app, "T24-002");
    score_and_submit(&mut app);
    assert_eq!(app.progress(app.app_sel()), Progress::Submitted);
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Error, "{text}");
    assert!(
        text.contains("not replaced") && text.contains("written by another database"),
        "{text}"
    );
    assert!(text.contains("expert E02's sheet seq"), "{text}");
    // an English screen says it in English only, the dialog too
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert!(!cjk(&text), "{text}");
    for o in &app.overlays {
        if let panel::tui::app::Overlay::Message { lines, .. } = o {
            assert!(lines.iter().all(|l| !cjk(l)), "{lines:?}");
        }
    }
    drop(app);
    // a Chinese screen in Chinese, with the same advice
    let mut app = fx.app("E02", Lang::Zh);
    select_app(&mut app, "T24-004");
    score_and_submit(&mut app);
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Error, "{text}");
    assert!(text.contains("未覆盖") && text.contains("--db"), "{text}");
    assert!(!text.contains("written by another database"), "{text}");
    drop(app);
    assert_eq!(
        std::fs::read(&sheet_file).unwrap(),
        shipped,
        "the sheet changed"
    );
    // the scores are safe in the database all the same
    let store = fx.expert_store("E02");
    assert_eq!(
        store.status("E02", "T24-002").unwrap().0,
        AppStatus::Submitted
    );
    drop(store);
    // once the obsolete sheet is moved away, this database writes its own, and keeps
    // replacing it (it wrote it)
    std::fs::rename(&sheet_file, fx.tmp.path().join("E02.old.json")).unwrap();
    let mut app = fx.app("E02", Lang::En);
    select_app(&mut app, "T24-003");
    score_and_submit(&mut app);
    assert_eq!(note(&app).0, Level::Saved, "{:?}", app.note);
    let first = std::fs::read(&sheet_file).unwrap();
    select_app(&mut app, "T24-001");
    score_and_submit(&mut app);
    assert_eq!(note(&app).0, Level::Saved, "{:?}", app.note);
    assert_ne!(std::fs::read(&sheet_file).unwrap(), first);
}
