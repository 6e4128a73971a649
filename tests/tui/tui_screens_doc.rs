//! `docs/screens.md`: text captures of the expert screen on the embedded demo
//! panel, rendered by the real views. This test fails when the captures are
//! out of date; regenerate with `UPDATE_SCREENS=1 cargo test --test tui tui_screens_doc::`.

use crate::tui_snapshots::demo as demo_app;
use panel::tui::view::{buffer_text, draw};
use panel::tui::{feed, App, Lang};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The chair screen over the demo panel with its sheets (E02–E05) merged.
fn chair_app(tmp: &std::path::Path, lang: Lang, w: u16, h: u16) -> panel::tui::ChairApp {
    let dir = tmp.join("panel");
    panel::panel::materialize_demo(&dir).unwrap();
    let p = panel::panel::Panel::open(&dir).unwrap();
    let db = tmp.join(format!("chair-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&db);
    let (mut store, _) =
        panel::store::Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
    for e in ["E02", "E03", "E04", "E05"] {
        panel::sheet::merge_sheet(&p, &mut store, &panel::sheet::sheet_path(&dir, e)).unwrap();
    }
    panel::tui::ChairApp::new(p, store, &db, lang, false, (w, h)).unwrap()
}

fn chair_screen(app: &panel::tui::ChairApp) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| panel::tui::chair_view::draw(f, app)).unwrap();
    buffer_text(t.backend().buffer())
}

const CHAIR_SHOTS: &[Shot] = &[
    Shot {
        title: "The chair's ranking (`panel chair`, or F2 in `panel demo`; Chinese, 100×30): the quota cut line, recommended funding (T24-003 asked for 50 万, cut to the 40 万 cap), ineligible applications (no pass mark: none is stated by the call), the disagreement flags, the provisional mark (gate E2b not decided yet)",
        lang: Lang::Zh,
        size: (100, 30),
        keys: "",
    },
    Shot {
        title: "Comparing a method (English, 80×24): m switches to the trimmed mean of totals; the official total, the calibrated total and p(shortlist) stay beside it, and the rank changes are marked",
        lang: Lang::En,
        size: (80, 24),
        keys: "m",
    },
    Shot {
        title: "One application (Chinese, 100×30): experts × criteria, the extremes of the disagreement on B1 marked with !, E05's draft not counted, the spread of totals, comments",
        lang: Lang::Zh,
        size: (100, 30),
        keys: "j j j enter j",
    },
    Shot {
        title: "Under the trimmed mean per criterion the dropped values are in brackets; the override of a rule suggestion with its reason (English, 100×30)",
        lang: Lang::En,
        size: (100, 30),
        keys: "m b enter",
    },
    Shot {
        title: "Progress grid, expert × application (English, 80×24): E04's conflict of interest on T24-005, E05's draft of T24-010; r reopens the selected cell",
        lang: Lang::En,
        size: (80, 24),
        keys: "tab j j j l l l l",
    },
    Shot {
        title: "Experts: lean against the other experts and the distribution of totals (English, 100×30)",
        lang: Lang::En,
        size: (100, 30),
        keys: "tab tab",
    },
];

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    buffer_text(t.backend().buffer())
}

struct Shot {
    title: &'static str,
    lang: Lang,
    size: (u16, u16),
    keys: &'static str,
}

const SHOTS: &[Shot] = &[
    Shot {
        title: "`panel demo` as it opens (Chinese, 100×30): application list with progress marks and running totals, criterion tree",
        lang: Lang::Zh,
        size: (100, 30),
        keys: "",
    },
    Shot {
        title: "Scoring an expert item at 80×24 (English): Tab, j j j, then 1 . 5 Enter; the list collapses and the evidence sits under the tree",
        lang: Lang::En,
        size: (80, 24),
        keys: "tab j j j 1 . 5 enter",
    },
    Shot {
        title: "Three panes at 160×48 (Chinese): the evidence of A3 with the scoring standard pinned above it, searched for “PCT”",
        lang: Lang::Zh,
        size: (160, 48),
        keys: "tab j j j j j j j j j / text:PCT enter",
    },
    Shot {
        title: "Overriding a rule suggestion asks for a reason (Chinese, 80×24)",
        lang: Lang::Zh,
        size: (80, 24),
        keys: "tab j 1 enter text:部分企业专利已失效",
    },
    Shot {
        title: "An out-of-range value is refused and never stored (English, 80×24)",
        lang: Lang::En,
        size: (80, 24),
        keys: "tab j j j 3 enter",
    },
    Shot {
        title: "The help overlay, generated from the key map (English, 80×24): j/k, PgDn/PgUp, g/G scroll it; its bottom border counts the lines below",
        lang: Lang::En,
        size: (80, 24),
        keys: "?",
    },
];

fn render_doc() -> String {
    let mut out = String::from(
        "# Screens\n\n\
         Text captures of the expert screen (`panel score`, `panel demo`) on the embedded demo \
         panel, rendered by the real views under `NO_COLOR` (so selection and focus show as \
         marks and brackets, not colour). Generated by `tests/tui/tui_screens_doc.rs`; regenerate with \
         `UPDATE_SCREENS=1 cargo test --test tui tui_screens_doc::`.\n\n\
         Marks: ○ untouched · ● in progress · ✓ submitted · ✗ conflict (locked) · ▶ selected application or item · \
         `=2` the rule's suggestion in effect · `_` not scored · R override with reason · ✎ comment · ✍ written opinion (专家评审意见, `w`) · \
         ⚠ capped or fact missing · ↺ handed back by the chair, with the chair's reason (in the status line and above the evidence, until submitted again) · ▲3 ▼12 lines hidden above and below. The focused pane has a heavy border and its title in [ brackets ].\n",
    );
    for s in SHOTS {
        let mut app = demo_app(s.lang, s.size.0, s.size.1);
        feed(&mut app, s.keys);
        out.push_str(&format!("\n## {}\n\n", s.title));
        if !s.keys.is_empty() {
            out.push_str(&format!("Keys: `{}`\n\n", s.keys));
        }
        out.push_str("```text\n");
        out.push_str(&screen(&app));
        out.push_str("```\n");
    }
    out.push_str(
        "\n# The chair's screen\n\n\
         `panel chair <PANEL_DIR> [--db CHAIR_DB] [--watch]`, here over the demo panel's sheets \
         of experts E02–E05 (E01 is the expert you play in `panel demo`). Marks: ★ shortlisted · \
         ▶ selected · `40←50` funding cut to the per-award cap · `≠B1` disagreement on B1 · \
         `!E03` outlying expert total · `=cut` tie at the cut · `$` budget exhausted · \
         `[4.5]` dropped by the trimmed mean · `4.5!` extreme of a disagreement · \
         progress · unscored ● draft ✓ submitted ✗ conflict.\n",
    );
    for s in CHAIR_SHOTS {
        let tmp = tempfile::tempdir().unwrap();
        let mut app = chair_app(tmp.path(), s.lang, s.size.0, s.size.1);
        panel::tui::chair::feed(&mut app, s.keys);
        out.push_str(&format!("\n## {}\n\n", s.title));
        if !s.keys.is_empty() {
            out.push_str(&format!("Keys: `{}`\n\n", s.keys));
        }
        out.push_str("```text\n");
        out.push_str(&chair_screen(&app));
        out.push_str("```\n");
    }
    out
}

#[test]
fn docs_screens_md_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screens.md");
    let doc = render_doc();
    if std::env::var_os("UPDATE_SCREENS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &doc).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == doc,
        "docs/screens.md is out of date; regenerate with UPDATE_SCREENS=1 cargo test --test tui tui_screens_doc::"
    );
}
