//! What a demanding chair ran into on the screen: a reopen reason kept when the editor is
//! left or the reopen refused (and `q` warning about it), a `--watch` refusal waiting under
//! the editor instead of taking the next key, a reopen's reason in the interface language,
//! and a large panel (30 experts, 14 criteria, codes without a dash) at 80×24: the grid
//! scrolls to every expert, its columns name the applications, the matrix shows every
//! criterion and the total.

use crate::chair_support::{self, screen, synth_app};

use panel::tui::app::{Level, Overlay};
use panel::tui::chair::{feed, tick, View};
use panel::tui::Lang;

fn note(app: &panel::tui::ChairApp) -> (Level, String) {
    let n = app.note.as_ref().expect("a note");
    (n.level, n.text.clone())
}

fn editor_text(app: &panel::tui::ChairApp) -> String {
    match app.overlays.last() {
        Some(Overlay::Editor { buf, .. }) => buf.text(),
        o => panic!("no editor on top: {o:?}"),
    }
}

#[test]
fn a_reopen_reason_is_kept_when_the_editor_is_left_and_q_warns_before_dropping_it() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 80, 24);
    // progress grid, E03 × T24-001 (submitted)
    feed(&mut app, "tab j j r text:B1_与其他专家差距较大 esc");
    assert!(app.overlays.is_empty());
    let (_, text) = note(&app);
    assert!(text.contains("kept"), "{text}");
    assert_eq!(app.reopen_drafts(), vec!["E03×T24-001".to_string()]);
    // r on the same pair goes on with it; Ctrl-C still asks twice
    feed(&mut app, "r");
    assert_eq!(editor_text(&app), "B1 与其他专家差距较大");
    feed(&mut app, "ctrl-c");
    assert!(!app.quit, "the restored text is unsaved text");
    // another pair starts empty
    feed(&mut app, "esc j r");
    assert_eq!(editor_text(&app), "");
    feed(&mut app, "esc");
    // q with a reason not sent: said once, the second q quits
    feed(&mut app, "q");
    assert!(!app.quit);
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Error);
    assert!(
        text.contains("E03×T24-001") && text.contains("q again"),
        "{text}"
    );
    // another key in between: asked again
    feed(&mut app, "j q");
    assert!(!app.quit);
    feed(&mut app, "q");
    assert!(app.quit);

    // sent: nothing kept, q quits at once
    let mut app = demo.app(Lang::Zh, 120, 40);
    feed(&mut app, "tab j j r text:请复核 esc r enter");
    assert_eq!(note(&app).0, Level::Saved, "{:?}", app.note);
    assert!(app.reopen_drafts().is_empty());
    // the message saying what happens next closes on a key
    assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
    feed(&mut app, "esc");
    // the reason in the interface's language (stored after an English prefix)
    let s = screen(&app);
    assert!(s.contains("组长退回重评：请复核"), "{s}");
    assert!(!s.contains("reopened by the chair"), "{s}");
    feed(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn a_sheet_refused_while_the_chair_types_waits_under_the_editor() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 80, 24);
    app.watch = true;
    assert!(!tick(&mut app), "every shipped sheet is merged already");
    feed(&mut app, "tab j j r text:ab");
    std::fs::write(demo.dir.join("sheets/E09.sheet.json"), "{\"bad\":1}").unwrap();
    tick(&mut app);
    assert_eq!(note(&app).0, Level::Error);
    // the next keys still go to the text
    feed(&mut app, "text:c");
    assert_eq!(editor_text(&app), "abc");
    // the refusal is shown when the editor closes
    feed(&mut app, "esc");
    let Some(Overlay::Message { lines, .. }) = app.overlays.last() else {
        panic!("the refusal: {:?}", app.overlays)
    };
    assert!(lines.join(" ").contains("E09.sheet.json"), "{lines:?}");
    feed(&mut app, "esc");
    assert!(app.overlays.is_empty());
    // with no editor open, it shows at once
    std::fs::write(demo.dir.join("sheets/E09.sheet.json"), "{\"bad\":2}").unwrap();
    tick(&mut app);
    assert!(matches!(app.overlays.last(), Some(Overlay::Message { .. })));
}

#[test]
fn a_large_panel_fits_80x24_every_expert_application_and_criterion_reachable() {
    let (_tmp, mut app) = synth_app(12, 30, 14, Lang::En, 80, 24);
    feed(&mut app, "tab");
    assert_eq!(app.view, View::Progress);
    let s = screen(&app);
    let head = s.lines().nth(2).unwrap();
    // the columns name the applications (SY00001 → 001), not `SY…` eleven times
    assert!(head.contains("001 002 003"), "{head}");
    assert!(!head.contains("SY…"), "{head}");
    let row = |s: &str, e: &str| s.lines().any(|l| l.starts_with(&format!(" {e} ")));
    assert!(row(&s, "E01"), "{s}");
    assert!(!row(&s, "E30"), "{s}");
    assert!(s.contains("/30"), "where the rows are: {s}");
    // the last expert: shown and selected, with the valid/quorum line under the grid
    feed(&mut app, "G");
    assert_eq!(app.grid().0, 29);
    let s = screen(&app);
    assert!(row(&s, "E30") && !row(&s, "E01"), "{s}");
    assert!(s.contains("valid/quorum"), "{s}");
    assert!(s.contains("E30 × SY00001"), "{s}");
    // page keys move a screen of rows
    feed(&mut app, "g pagedown");
    assert!(app.grid().0 > 5, "{:?}", app.grid());
    feed(&mut app, "pageup");
    assert_eq!(app.grid().0, 0);

    // the details: every criterion and the total, no line wider than the screen
    feed(&mut app, "enter");
    assert_eq!(app.view, View::Detail);
    let lines = app.detail_lines();
    let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    for k in 1..=14 {
        let id = format!("K{k:02}/");
        assert!(text.iter().any(|l| l.contains(&id)), "{id}: {text:#?}");
    }
    let heads: Vec<&&str> = text.iter().filter(|l| l.contains("K0")).collect();
    assert!(heads.len() >= 2, "the matrix goes on in a second block");
    for l in &text {
        assert!(panel::tui::text::width(l) <= 78, "{l}");
        assert!(!l.contains('…'), "nothing cut: {l}");
    }
    assert!(
        heads.iter().all(|h| h.trim_end().ends_with("total")),
        "{heads:?}"
    );
}

#[test]
fn the_help_keeps_a_column_free_before_its_right_border() {
    let mut demo = chair_support::Demo::new();
    for lang in [Lang::Zh, Lang::En] {
        let app = demo.app(lang, 80, 24);
        // the help's inner width at 80 columns
        for (l, _) in panel::tui::chair::help_lines(&app, 78) {
            assert!(panel::tui::text::width(&l) <= 77, "{l}");
        }
    }
}

#[test]
fn an_experts_deviations_go_on_under_its_first_value_not_under_its_id() {
    let mut demo = chair_support::Demo::new();
    let mut app = demo.app(Lang::En, 80, 24);
    feed(&mut app, "tab tab");
    assert_eq!(app.view, View::Experts);
    let lines = app.expert_lines();
    let at = lines
        .iter()
        .position(|l| l.text.starts_with("E02: "))
        .expect("E02's deviations");
    let next = &lines[at + 1].text;
    assert!(
        next.starts_with("     0"),
        "a continued line hangs: {next:?}"
    );
    assert!(
        lines[at + 2].text.starts_with("E03: "),
        "{:?}",
        lines[at + 2]
    );
}

#[test]
fn sheets_merged_together_are_listed_with_the_chinese_semicolon() {
    let mut demo = chair_support::Demo::new();
    let aside = demo.tmp.path().join("aside");
    std::fs::rename(demo.dir.join("sheets"), &aside).unwrap();
    let mut app = demo.empty_app(Lang::Zh, 120, 40);
    app.watch = true;
    std::fs::create_dir_all(demo.dir.join("sheets")).unwrap();
    for e in ["E02", "E03"] {
        for f in [format!("{e}.sheet.json.sig"), format!("{e}.sheet.json")] {
            std::fs::copy(aside.join(&f), demo.dir.join("sheets").join(&f)).unwrap();
        }
    }
    assert!(tick(&mut app));
    let (lvl, text) = note(&app);
    assert_eq!(lvl, Level::Saved);
    assert!(text.contains("）；已合并 E03"), "{text}");
    // and the details' notes
    feed(&mut app, "enter");
    let lines: Vec<String> = app.detail_lines().into_iter().map(|l| l.text).collect();
    assert!(!lines.iter().any(|l| l.contains("; ")), "{lines:#?}");
}

#[test]
fn the_progress_view_lists_what_watch_merged_or_refused_newest_first() {
    let mut demo = chair_support::Demo::new();
    let aside = demo.tmp.path().join("aside");
    std::fs::rename(demo.dir.join("sheets"), &aside).unwrap();
    let mut app = demo.empty_app(Lang::Zh, 80, 24);
    feed(&mut app, "tab");
    assert!(!screen(&app).contains("合并记录"), "nothing merged yet");
    app.watch = true;
    std::fs::create_dir_all(demo.dir.join("sheets")).unwrap();
    for f in ["E02.sheet.json.sig", "E02.sheet.json"] {
        std::fs::copy(aside.join(f), demo.dir.join("sheets").join(f)).unwrap();
    }
    assert!(tick(&mut app));
    std::fs::write(demo.dir.join("sheets/E09.sheet.json"), "{\"bad\":1}").unwrap();
    tick(&mut app);
    feed(&mut app, "esc");
    assert!(app.overlays.is_empty());
    let s = screen(&app);
    let lines: Vec<&str> = s.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("本次监听的合并记录"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(
        lines[at + 1].contains("E09.sheet.json"),
        "newest first: {s}"
    );
    assert!(lines[at + 2].contains("已合并 E02 的评分表"), "{s}");
    for l in &lines {
        assert!(panel::tui::text::width(l) <= 80, "{l}");
    }
}

/// The screen names each key of the reopen editor once, in the box and in the bar, as what
/// it does; after a reopen it says what happens next, on the expert's side and the chair's.
#[test]
fn the_reopen_editor_and_its_result_say_what_happens_next() {
    let mut demo = chair_support::Demo::new();
    for lang in [Lang::Zh, Lang::En] {
        let zh = lang.is_zh();
        let pick = |z: &'static str, e: &'static str| if zh { z } else { e };
        let mut app = demo.app(lang, 80, 24);
        feed(&mut app, "tab j j r text:请复核_B1");
        let s = screen(&app);
        let bar = s.lines().last().unwrap();
        let enter = format!("Enter {}", pick("退回", "reopen"));
        let esc = format!("Esc {}", pick("关闭，保留理由", "close, keep reason"));
        for k in [&enter, &esc] {
            assert!(bar.contains(k.as_str()), "bar: {bar}");
            assert_eq!(s.matches(k.as_str()).count(), 2, "box and bar: {k}\n{s}");
        }
        assert!(!s.contains(pick("Esc 返回", "Esc back")), "{s}");
        feed(&mut app, "enter");
        assert_eq!(note(&app).0, Level::Saved, "{:?}", app.note);
        let lines = match app.overlays.last() {
            Some(Overlay::Message { lines, .. }) => lines.join(" "),
            o => panic!("a message saying what happens next, got {o:?}"),
        };
        for want in [
            pick("几秒内", "within seconds"),
            pick("再次提交", "submits again"),
            pick("新版本", "new revision"),
            pick("按 w 开启", "w turns it on"),
            "E03",
            "T24-001",
        ] {
            assert!(lines.contains(want), "{want}: {lines}");
        }
        // the message fits 80×24 (its last line shows, and the bar) and closes on a key
        let s = screen(&app);
        let any = pick("按任意键关闭", "press any key to close");
        assert_eq!(s.matches(any).count(), 2, "{s}");
        feed(&mut app, "esc");
        assert!(app.overlays.is_empty());
        // watching: the message says the new revision is merged as it arrives
        let mut app = demo.app(lang, 80, 24);
        feed(&mut app, "w tab j j r text:请复核_B1 enter");
        let lines = match app.overlays.last() {
            Some(Overlay::Message { lines, .. }) => lines.join(" "),
            o => panic!("a message, got {o:?}"),
        };
        assert!(
            lines.contains(pick("监听已开启", "Watching is on")),
            "{lines}"
        );
    }
}

#[test]
fn the_find_box_says_enter_finds() {
    let mut demo = chair_support::Demo::new();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = demo.app(lang, 80, 24);
        feed(&mut app, "/ text:T24");
        let s = screen(&app);
        let want = if lang.is_zh() {
            "Enter 查找"
        } else {
            "Enter find"
        };
        assert_eq!(s.matches(want).count(), 2, "box and bar: {s}");
    }
}
