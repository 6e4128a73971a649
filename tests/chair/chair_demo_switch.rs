//! `panel demo` without a terminal: the expert's and the chair's screens over the
//! embedded demo panel, switched with F2. What the expert submits reaches the chair on
//! the switch (the chair watches the sheets folder); what the chair reopens reaches the
//! expert on the switch back.

use crossterm::event::Event;
use panel::commands::score::{expert_app, identity};
use panel::panel::Panel;
use panel::store::Store;
use panel::tui::chair::Cell;
use panel::tui::demo::Demo;
use panel::tui::keys::key_event;
use panel::tui::term::Screen;
use panel::tui::view::buffer_text;
use panel::tui::{app::Progress, feed, Lang, Pane};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn keys(demo: &mut Demo, keys: &str) {
    for k in keys.split(' ').filter(|k| !k.is_empty()) {
        if let Some(t) = k.strip_prefix("text:") {
            for c in t.chars() {
                let name = if c == '_' {
                    "space".to_string()
                } else {
                    c.to_string()
                };
                demo.on_event(Event::Key(key_event(&name).unwrap()));
            }
        } else {
            demo.on_event(Event::Key(key_event(k).unwrap()));
        }
    }
}

fn screen(demo: &Demo) -> String {
    let (w, h) = demo.size();
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| demo.draw(f)).unwrap();
    buffer_text(t.backend().buffer())
}

fn build(tmp: &std::path::Path, lang: Lang) -> Demo {
    let dir = tmp.join("panel");
    panel::panel::materialize_demo(&dir).unwrap();
    let p = Panel::open(&dir).unwrap();
    let (store, _) = Store::open(&tmp.join("db-E01"), &identity(&p, "E01")).unwrap();
    // as `panel demo`: the demo's own keys (materialized in <demo>/keys/) sign E01's sheets
    // and the chair database
    let keys = dir.join("keys");
    let app = expert_app(&p, store, "E01", Some(keys.clone()), lang, false, (100, 30)).unwrap();
    let mut chair = panel::commands::chair::chair_app(
        &p,
        &tmp.join("db-chair"),
        true,
        lang,
        false,
        (100, 30),
        Some(&keys),
    )
    .unwrap();
    panel::tui::chair::tick(&mut chair);
    Demo::new(app, chair)
}

#[test]
fn f2_switches_and_carries_submissions_and_reopens() {
    let tmp = tempfile::tempdir().unwrap();
    let mut demo = build(tmp.path(), Lang::En);
    assert!(!demo.chair_active);
    // the demo's sheets are merged at start; E01 has sent nothing
    assert_eq!(demo.chair.merged.len(), 4);
    assert_eq!(demo.chair.cell("T24-002", "E01"), Cell::Unscored);
    let s = screen(&demo);
    assert!(s.contains("Applications") && s.contains("F2"), "{s}");

    // the expert submits T24-002
    let app = &mut demo.expert;
    feed(app, "j");
    assert_eq!(app.cur().unwrap().input.code, "T24-002");
    let items: Vec<String> = app
        .rubric
        .items()
        .filter(|(_, _, i)| i.is_expert())
        .map(|(_, _, i)| i.id.clone())
        .collect();
    feed(app, "tab");
    for it in items {
        feed(app, "g");
        while app.sel_item().map(|i| i.id.as_str()) != Some(it.as_str()) {
            feed(app, "j");
        }
        feed(app, "2 enter");
    }
    // the seed 000 rubric requires the written opinion (专家评审意见) before submitting
    feed(
        app,
        "w text:托管方案完整，绩效目标明确，配套经费落实，建议予以支持。 enter",
    );
    feed(app, "s y");
    assert_eq!(app.progress(1), Progress::Submitted);

    // F2: the chair's ranking, with E01's sheet merged
    keys(&mut demo, "f2");
    assert!(demo.chair_active);
    assert_eq!(demo.chair.cell("T24-002", "E01"), Cell::Submitted);
    assert_eq!(demo.chair.merged.get("E01"), Some(&1));
    assert_eq!(demo.chair.shown.results.app("T24-002").unwrap().experts, 5);
    let s = screen(&demo);
    assert!(
        s.contains("cut line") && s.contains("T24-003") && s.contains("40←50"),
        "{s}"
    );
    assert!(s.contains("F2"), "the switch key is in the bar: {s}");

    // the chair reopens T24-002 for E01 from the progress grid
    keys(&mut demo, "tab l r text:Please_recheck_B1 enter esc");
    assert_eq!(demo.chair.cell("T24-002", "E01"), Cell::Draft);
    // back to the expert: the note is applied and shown
    keys(&mut demo, "f2");
    assert!(!demo.chair_active);
    assert_eq!(demo.expert.progress(1), Progress::Partial);
    let s = screen(&demo);
    assert!(
        s.contains("T24-002 reopened by the chair: Please recheck B1"),
        "{s}"
    );
    // C switches too; q quits from either
    keys(&mut demo, "x C");
    assert!(demo.chair_active);
    keys(&mut demo, "q");
    assert!(demo.quit());
    assert_eq!(demo.expert.focus, Pane::Tree);
}

#[test]
fn resize_carries_over_on_switch() {
    let tmp = tempfile::tempdir().unwrap();
    let mut demo = build(tmp.path(), Lang::Zh);
    demo.on_event(Event::Resize(80, 24));
    keys(&mut demo, "f2");
    assert_eq!(demo.chair.size, (80, 24));
    let s = screen(&demo);
    assert!(s.contains("入围线") && s.contains("评审组长"), "{s}");
}
