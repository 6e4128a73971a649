//! Snapshots of the expert screen on ratatui's TestBackend (text only;
//! styles are checked separately for NO_COLOR).

use crate::english::english_words;
use crate::tui_support::{self, app, goto};

use panel::tui::view::{buffer_text, draw};
use panel::tui::{feed, update, Action, App, Lang, MemPersist};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;

fn render(app: &App) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    t
}

fn snap(app: &App) -> String {
    buffer_text(render(app).backend().buffer())
}

#[test]
fn list_focused_80x24() {
    let mut a = app(Lang::Zh, 80, 24);
    goto(&mut a, "A2.1");
    feed(&mut a, "1 . 5 enter");
    goto(&mut a, "A2.1");
    feed(&mut a, "esc");
    insta::assert_snapshot!("zh_80x24_list", snap(&a));
    let mut a = app(Lang::En, 80, 24);
    feed(&mut a, "j");
    insta::assert_snapshot!("en_80x24_list", snap(&a));
}

#[test]
fn tree_and_evidence_80x24() {
    for (lang, name) in [(Lang::Zh, "zh_80x24_tree"), (Lang::En, "en_80x24_tree")] {
        let mut a = app(lang, 80, 24);
        goto(&mut a, "A1.2");
        insta::assert_snapshot!(name, snap(&a));
    }
}

#[test]
fn wide_160x48_with_cjk_evidence() {
    for (lang, name) in [(Lang::Zh, "zh_160x48"), (Lang::En, "en_160x48")] {
        let mut a = app(lang, 160, 48);
        goto(&mut a, "A3.2");
        feed(&mut a, "4 enter text:PCT_申请中有部分为同族专利 enter");
        goto(&mut a, "A3.1");
        feed(&mut a, "2 enter");
        goto(&mut a, "A3.1");
        feed(&mut a, "c text:服务制度完善 enter");
        insta::assert_snapshot!(name, snap(&a));
    }
}

#[test]
fn evidence_focused_with_search_80x24() {
    let mut a = app(Lang::Zh, 80, 24);
    goto(&mut a, "A1.3");
    feed(&mut a, "tab / text:示范 enter n");
    insta::assert_snapshot!("zh_80x24_evidence_search", snap(&a));
}

#[test]
fn help_overlay() {
    let mut a = app(Lang::En, 80, 24);
    feed(&mut a, "tab ?");
    insta::assert_snapshot!("en_80x24_help", snap(&a));
    let mut a = app(Lang::Zh, 160, 48);
    feed(&mut a, "?");
    insta::assert_snapshot!("zh_160x48_help", snap(&a));
}

#[test]
fn override_prompt() {
    let mut a = app(Lang::Zh, 80, 24);
    goto(&mut a, "A1.2");
    feed(&mut a, "1 enter text:部分企业专利已失效");
    insta::assert_snapshot!("zh_80x24_override_prompt", snap(&a));
    let mut a = app(Lang::En, 160, 48);
    goto(&mut a, "A1.2");
    feed(&mut a, "1 enter");
    insta::assert_snapshot!("en_160x48_override_prompt", snap(&a));
}

#[test]
fn out_of_range_refusal() {
    let mut a = app(Lang::En, 80, 24);
    goto(&mut a, "A2.1");
    feed(&mut a, "3 enter");
    insta::assert_snapshot!("en_80x24_out_of_range", snap(&a));
    let mut a = app(Lang::Zh, 80, 24);
    goto(&mut a, "A2.1");
    feed(&mut a, "1 . 2 enter");
    insta::assert_snapshot!("zh_80x24_off_step", snap(&a));
}

#[test]
fn submit_confirm_and_incomplete() {
    let mut a = app(Lang::Zh, 80, 24);
    feed(&mut a, "G s");
    insta::assert_snapshot!("zh_80x24_submit_incomplete", snap(&a));
    let mut a = app(Lang::En, 80, 24);
    for id in [
        "A2.1", "A3.1", "B1.1", "B1.2", "B1.3", "B3.1", "B3.2", "C1.2", "C2.1",
    ] {
        goto(&mut a, id);
        feed(&mut a, "1 enter");
    }
    feed(&mut a, "s");
    insta::assert_snapshot!("en_80x24_submit_confirm", snap(&a));
    feed(&mut a, "y");
    insta::assert_snapshot!("en_80x24_submitted", snap(&a));
}

#[test]
fn conflict_locked_and_too_small() {
    let mut a = app(Lang::Zh, 100, 30);
    feed(&mut a, "j x text:曾为该园区提供咨询服务 enter y");
    insta::assert_snapshot!("zh_100x30_conflict", snap(&a));
    update(&mut a, Action::Resize { w: 50, h: 12 });
    insta::assert_snapshot!("zh_50x12_too_small", snap(&a));
}

#[test]
fn no_color_means_no_colour_and_colour_otherwise() {
    let mut a = app(Lang::Zh, 160, 48);
    goto(&mut a, "A1.2");
    feed(&mut a, "tab / text:专利 enter");
    let t = render(&a);
    let colored = |t: &Terminal<TestBackend>| {
        t.backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    assert_eq!(colored(&t), 0, "NO_COLOR: no cell may carry a colour");
    a.color = true;
    assert!(colored(&render(&a)) > 100);
}

#[test]
fn cjk_cells_align_in_the_tree() {
    // every tree row has its max column at the same display column
    let mut a = app(Lang::Zh, 160, 48);
    feed(&mut a, "tab");
    let text = snap(&a);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .filter(|l| l.contains("A1.") || l.contains("A2."))
        .collect();
    assert!(rows.len() >= 8);
    let col_of_sugg = |l: &str| {
        // display column where the "│" right border of the tree pane is
        let mut col = 0;
        for ch in l.chars() {
            if (ch == '┃' || ch == '│') && col > 30 {
                return col;
            }
            col += unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        }
        col
    };
    let first = col_of_sugg(rows[0]);
    for r in &rows {
        assert_eq!(col_of_sugg(r), first, "{r}");
    }
}

#[test]
fn editor_puts_the_terminal_cursor_after_the_text() {
    use ratatui::backend::Backend;
    let mut a = app(Lang::Zh, 80, 24);
    goto(&mut a, "A2.1");
    feed(&mut a, "c text:论证充分");
    let mut t = render(&a);
    let text = snap(&a);
    let (row, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("论证充分"))
        .expect("the editor field");
    let end = line.find("论证充分").unwrap() + "论证充分".len();
    let col = unicode_width::UnicodeWidthStr::width(&line[..end]);
    let pos = t.backend_mut().get_cursor_position().unwrap();
    assert_eq!((pos.x as usize, pos.y as usize), (col, row));
}

/// A long multi-line comment in the editor: wrapped by display width, the cursor line in
/// view, moved with the cursor keys.
#[test]
fn long_multi_line_comment() {
    let mut a = app(Lang::Zh, 80, 24);
    goto(&mut a, "A2.1");
    feed(
        &mut a,
        "c text:一、管理机制：园区设立独立的知识产权服务中心，配备专职人员三名，制度文件齐全。",
    );
    feed(&mut a, "alt-enter text:二、不足：经费投入逐年增加但绩效考核办法尚未出台，建议在托管协议中明确考核指标与时间节点。");
    feed(&mut a, "alt-enter text:三、结论：同意推荐。");
    feed(&mut a, "up home text:（补）");
    insta::assert_snapshot!("zh_80x24_long_comment", snap(&a));
    feed(&mut a, "enter");
    let c = &a.apps[0].sheet.comments["A2.1"];
    assert_eq!(c.lines().count(), 3, "{c}");
    assert!(c.contains("\n（补）二、不足："), "{c}");
}

/// The written opinion (专家评审意见, seed 000 requires 20 characters): `w` opens a multi-line
/// editor under the rubric's title; the evidence pane shows it; a short one is saved but still
/// blocks submitting. Snapshots at 80×24, 120×40 and 200×60.
#[test]
fn written_opinion_editor_and_sizes() {
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 60)] {
        let mut a = app(Lang::Zh, w, h);
        goto(&mut a, "A2.1");
        insta::assert_snapshot!(format!("zh_{w}x{h}_tree_sized"), snap(&a));
        feed(&mut a, "w text:托管服务方案完整。");
        insta::assert_snapshot!(format!("zh_{w}x{h}_opinion_editor"), snap(&a));
        feed(&mut a, "enter");
        // saved although short; the note and the submit check say what is missing
        assert_eq!(
            a.apps[0].sheet.comments[panel::store::OPINION_ITEM],
            "托管服务方案完整。"
        );
        let p = a.opinion_problem(0).expect("too short");
        assert!(p.contains("仅 9 字，至少需 20 字"), "{p}");
        feed(
            &mut a,
            "w alt-enter text:绩效目标明确，配套经费落实，建议予以支持。 enter",
        );
        assert!(a.opinion_problem(0).is_none());
        // the evidence pane shows it under the rubric's title; its length leaves out the
        // line break (9 + 21 characters)
        assert!(
            snap(&a).contains("✍ 专家评审意见 (30 字): 托管"),
            "{}",
            snap(&a)
        );
        insta::assert_snapshot!(format!("zh_{w}x{h}_opinion_written"), snap(&a));
        let mut e = app(Lang::En, w, h);
        goto(&mut e, "A2.1");
        insta::assert_snapshot!(format!("en_{w}x{h}_tree_sized"), snap(&e));
        feed(&mut e, "esc");
        insta::assert_snapshot!(format!("en_{w}x{h}_list_sized"), snap(&e));
    }
}

/// Every Chinese screen speaks Chinese: no English word outside codes, numbers, key names
/// and what the applicants and the rubric wrote themselves (shown as written).
#[test]
fn chinese_screens_hold_no_english_words() {
    let session = tui_support::session();
    let mut data = String::new();
    data.push_str(&format!("{} {} ", session.panel_title, session.expert_name));
    for a in &session.apps {
        data.push_str(&format!("{} ", a.title));
        for s in &a.sections {
            data.push_str(&format!("{} {} ", s.title, s.text));
        }
        for n in &a.attachments {
            data.push_str(&format!("{n} "));
        }
    }
    let keys = [
        "Enter", "Esc", "Tab", "Home", "End", "Bksp", "Alt", "PgUp", "PgDn", "Ctrl", "S", "F",
        "panel", "PCT",
    ];
    let allowed: std::collections::BTreeSet<String> = english_words(&data)
        .into_iter()
        .chain(keys.iter().map(|k| k.to_string()))
        .collect();
    let mut screens = Vec::new();
    for size in [(80, 24), (120, 40), (160, 48), (200, 60)] {
        let mut a = app(Lang::Zh, size.0, size.1);
        for ai in 0..3 {
            feed(&mut a, "esc esc g");
            for _ in 0..ai {
                feed(&mut a, "j");
            }
            screens.push(snap(&a));
            feed(&mut a, "tab g");
            for _ in 0..26 {
                screens.push(snap(&a));
                feed(&mut a, "j");
            }
        }
        feed(&mut a, "?");
        screens.push(snap(&a));
        feed(&mut a, "esc esc g tab");
        goto(&mut a, "A1.2");
        feed(&mut a, "1 enter");
        screens.push(snap(&a));
        feed(&mut a, "esc x");
        screens.push(snap(&a));
        feed(&mut a, "text:理由 enter");
        screens.push(snap(&a));
        feed(&mut a, "n esc s");
        screens.push(snap(&a));
        feed(&mut a, "esc tab / text:专利 enter");
        screens.push(snap(&a));
        // the written opinion: the editor, a short one saved, the submit check listing it
        feed(&mut a, "esc esc g tab w text:方案完整");
        screens.push(snap(&a));
        feed(&mut a, "enter");
        screens.push(snap(&a));
        feed(&mut a, "s");
        screens.push(snap(&a));
    }
    // the rubric's fact keys (`self_funding_wan` shows where a fact is missing) and its
    // Chinese texts, as written
    for f in &session.rubric.facts {
        data.push_str(&format!("{} ", f.key));
    }
    for (_, k, it) in session.rubric.items() {
        data.push_str(&format!("{} {} {} ", k.title, k.standard, it.text));
    }
    // the data's words, also parts of keys: a data word cut at a column or by an overlay
    // (`Har…` of Harbour, `wan` of `…_wan`) is still the data's
    let parts: Vec<&str> = data
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let of_data = |w: &str| parts.iter().any(|p| p.starts_with(w) || p.ends_with(w));
    let mut found = std::collections::BTreeMap::new();
    for s in &screens {
        for w in english_words(s) {
            if !allowed.contains(&w) && !of_data(&w) {
                found.entry(w.clone()).or_insert_with(|| {
                    s.lines()
                        .find(|l| l.contains(w.as_str()))
                        .unwrap_or("")
                        .to_string()
                });
            }
        }
    }
    assert!(
        found.is_empty(),
        "English on the Chinese screens: {found:#?}"
    );
}

/// The demo session (10 applications, its long panel title, the opinion rule).
pub(crate) fn demo(lang: Lang, w: u16, h: u16) -> App {
    let tmp = tempfile::tempdir().unwrap();
    panel::panel::materialize_demo(tmp.path()).unwrap();
    let p = panel::panel::Panel::open(tmp.path()).unwrap();
    let ex = p.expert("E01").unwrap().clone();
    let s = panel::commands::score::session(&p, &ex);
    App::new(
        s,
        vec![],
        Box::new(MemPersist::default()),
        lang,
        false,
        (w, h),
    )
}

/// At 80 columns the list title keeps its count whole (the word is shortened first), the
/// header keeps the logged-in expert's id (the panel title is shortened first), and status
/// messages keep their key part.
#[test]
fn eighty_columns_keep_the_count_the_expert_and_the_reason() {
    for lang in [Lang::Zh, Lang::En] {
        let a = demo(lang, 80, 24);
        let s = snap(&a);
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines[0].contains("E01"), "{lang:?} header: {}", lines[0]);
        assert!(
            lines[1].contains(" 0/10 "),
            "{lang:?} list title: {}",
            lines[1]
        );
        // 120 columns: the full header, name included
        let wide = snap(&demo(lang, 120, 40));
        assert!(
            wide.lines().next().unwrap().contains("E01 专家一"),
            "{wide}"
        );
    }
    // an opinion saved too short: the shortfall is on the status line, whole
    for (lang, needle) in [
        (Lang::En, "20 needed (w edits)"),
        (Lang::Zh, "至少需 20 字（按 w 修改）"),
    ] {
        let mut a = demo(lang, 80, 24);
        feed(&mut a, "j j j w text:太短了的意见 enter");
        let s = snap(&a);
        let status = s.lines().nth(22).unwrap();
        assert!(status.contains(needle), "{lang:?}: {status}");
    }
    // a number in a refused form: how to write it, whole
    for (lang, needle) in [(Lang::En, "write 4.5"), (Lang::Zh, "请写作 4.5")] {
        let mut a = demo(lang, 80, 24);
        feed(&mut a, "tab");
        goto(&mut a, "B1.1");
        feed(&mut a, "4 . 5 0 enter");
        let s = snap(&a);
        let status = s.lines().nth(22).unwrap();
        assert!(
            status.contains(needle) && !status.contains('…'),
            "{lang:?}: {status}"
        );
    }
}

/// What a plain-text capture of the demo at 80×24 shows: the suggestion names the fact by
/// its label with the screen's yes/no (never `industry_in_9x = true`), and the conflict
/// confirmations say what yes does (declare, withdraw), not "submit".
#[test]
fn demo_suggestion_labels_and_conflict_buttons_80x24() {
    for (lang, tag, yes, no, declare, withdraw) in [
        (
            Lang::En,
            "en",
            "= yes → 1",
            "= no → 0",
            "[y/Enter] declare the conflict",
            "[y/Enter] withdraw",
        ),
        (
            Lang::Zh,
            "zh",
            "= 是 → 1",
            "= 否 → 0",
            "[y/Enter] 声明回避",
            "[y/Enter] 撤回回避",
        ),
    ] {
        let mut a = demo(lang, 80, 24);
        feed(&mut a, "tab");
        let s = snap(&a);
        assert!(s.contains(yes) && !s.contains("industry_in_9x"), "{s}");
        feed(&mut a, "backtab j j j tab");
        let s = snap(&a);
        assert!(s.contains(no) && !s.contains("industry_in_9x"), "{s}");
        insta::assert_snapshot!(format!("{tag}_80x24_demo_suggestion_label"), s);
        feed(&mut a, "backtab x text:reason enter");
        let s = snap(&a);
        assert!(
            s.contains(declare) && !s.contains("submit") && !s.contains("提交"),
            "{s}"
        );
        insta::assert_snapshot!(format!("{tag}_80x24_demo_conflict_confirm"), s);
        feed(&mut a, "y x text:reason enter");
        let s = snap(&a);
        assert!(s.contains(withdraw), "{s}");
    }
}
