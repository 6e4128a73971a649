//! The key bar names each key as the focused widget does: an open editor's Enter and Esc
//! carry one word in the box and in the bar, and that word says what the key then does;
//! the score entry's and a confirmation's keys too. A conflict of interest shows no total.

use crate::tui_support::{app, goto, screen};

use panel::tui::app::{Overlay, Progress};
use panel::tui::{feed, App, Lang};

/// Every label the screen gives `key` (`"Esc"`, `"Enter"`): the words after `key `, up to
/// two blanks, a border or the end of the line.
fn labels(screen: &str, key: &str) -> Vec<String> {
    let pat = format!("{key} ");
    let mut out = Vec::new();
    for line in screen.lines() {
        let mut rest = line;
        while let Some(at) = rest.find(&pat) {
            // a key name stands alone: not the tail of `Alt-Enter`
            let before = rest[..at].chars().last();
            rest = &rest[at + pat.len()..];
            if before.is_some_and(|c| c != ' ' && c != '┃' && c != '│') {
                continue;
            }
            let end = [rest.find("  "), rest.find('┃'), rest.find('│')]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(rest.len());
            out.push(rest[..end].trim().to_string());
        }
    }
    out
}

/// The screen names `key` at least twice (the box and the bar), always as `want`.
fn agree(app: &App, key: &str, want: &str) {
    let s = screen(app);
    let got = labels(&s, key);
    assert!(
        got.len() >= 2,
        "{key} named in the box and the bar: {got:?}\n{s}"
    );
    assert!(
        got.iter().all(|l| l == want),
        "{key}: {got:?}, want {want}\n{s}"
    );
    let bar = s.lines().last().unwrap();
    assert!(bar.contains(&format!("{key} {want}")), "{bar}");
}

#[test]
fn an_open_editor_names_enter_and_esc_alike_in_its_box_and_in_the_key_bar() {
    for lang in [Lang::Zh, Lang::En] {
        let zh = lang.is_zh();
        let pick = |z: &'static str, e: &'static str| if zh { z } else { e };
        // a comment: Esc closes the box and keeps the text as a draft (c opens it again)
        let mut a = app(lang, 80, 24);
        goto(&mut a, "A2.1");
        feed(&mut a, "c text:论证充分");
        agree(&a, "Esc", pick("关闭，留作草稿", "close, keep draft"));
        agree(&a, "Enter", pick("保存", "save"));
        feed(&mut a, "esc");
        assert!(a.overlays.is_empty());
        feed(&mut a, "c");
        match a.overlays.last() {
            Some(Overlay::Editor { buf, .. }) => assert_eq!(buf.text(), "论证充分"),
            o => panic!("the comment box again, got {o:?}"),
        }
        feed(&mut a, "esc");
        // the opinion: the same
        feed(&mut a, "w");
        agree(&a, "Esc", pick("关闭，留作草稿", "close, keep draft"));
        feed(&mut a, "esc");
        // the override reason: Esc drops the change
        let mut a = app(lang, 80, 24);
        goto(&mut a, "A1.1");
        feed(&mut a, "0 enter");
        assert!(matches!(a.overlays.last(), Some(Overlay::Editor { .. })));
        agree(&a, "Esc", pick("放弃改动", "drop the change"));
        feed(&mut a, "esc");
        assert!(!a.apps[0].sheet.values.contains_key("A1.1"), "dropped");
        // a conflict of interest: Enter goes on to the confirmation, which says what y does
        feed(&mut a, "x");
        agree(&a, "Enter", pick("下一步", "next"));
        agree(&a, "Esc", pick("取消", "cancel"));
        feed(&mut a, "text:曾为该园区提供咨询 enter");
        assert!(matches!(a.overlays.last(), Some(Overlay::Confirm { .. })));
        let bar = screen(&a).lines().last().unwrap().to_string();
        assert!(
            bar.contains(pick("y 声明回避", "y declare the conflict"))
                && bar.contains(pick("n 取消", "n cancel")),
            "{bar}"
        );
        feed(&mut a, "n");
    }
}

#[test]
fn the_filter_box_says_enter_applies_the_filter_and_esc_leaves_it_as_it_was() {
    for lang in [Lang::Zh, Lang::En] {
        let zh = lang.is_zh();
        let mut a = app(lang, 80, 24);
        feed(&mut a, "/ text:T24-00");
        agree(&a, "Enter", if zh { "应用筛选" } else { "apply filter" });
        let s = screen(&a);
        assert!(
            !s.contains(if zh { "Enter 保存" } else { "Enter save" }),
            "{s}"
        );
        feed(&mut a, "enter / text:xyz esc");
        let n = a.note.as_ref().unwrap().text.clone();
        assert!(
            n.contains(if zh {
                "筛选未改变"
            } else {
                "filter unchanged"
            }) && n.contains("T24-00"),
            "{n}"
        );
        let kept = a.list().filter().map(str::to_lowercase);
        assert_eq!(kept.as_deref(), Some("t24-00"));
    }
}

#[test]
fn while_a_score_is_typed_the_bar_says_esc_cancels_as_the_status_line_does() {
    for lang in [Lang::Zh, Lang::En] {
        let mut a = app(lang, 80, 24);
        goto(&mut a, "A2.1");
        feed(&mut a, "1");
        let s = screen(&a);
        let bar = s.lines().last().unwrap();
        let want = if lang.is_zh() {
            "Esc 取消"
        } else {
            "Esc cancel"
        };
        assert!(bar.contains(want), "{bar}");
        feed(&mut a, "esc");
        assert!(!a.apps[0].sheet.values.contains_key("A2.1"));
    }
}

#[test]
fn a_conflict_of_interest_shows_the_conflict_where_a_total_would_stand() {
    for lang in [Lang::Zh, Lang::En] {
        let zh = lang.is_zh();
        let mut a = app(lang, 100, 30);
        goto(&mut a, "A2.1");
        feed(&mut a, "2 enter x text:曾为该园区提供咨询 enter y");
        assert_eq!(a.progress(0), Progress::Conflict);
        let total = a.apps[0].scored.total.to_string();
        // the list focused, wide enough for its total column
        feed(&mut a, "esc");
        let s = screen(&a);
        let word = if zh { "回避" } else { "conflict" };
        // the list's total column: the word, not the suggested total
        let row = s.lines().skip(1).find(|l| l.contains("✗ T24-001")).unwrap();
        assert!(
            row.contains(&format!("{word}┃")) || row.contains(&format!("{word}│")),
            "{row}"
        );
        // the title bar: not scored, no total
        let title = s.lines().next().unwrap();
        assert!(
            title.contains(if zh { "不评分" } else { "not scored" })
                && !title.contains(if zh { "总分" } else { "Total" }),
            "{title}"
        );
        // the criteria's footer: no number, how to withdraw; the category rows no subtotal
        let total_word = if zh { "总分 " } else { "Total " };
        assert!(!s.contains(&format!("{total_word}{total}")), "{s}");
        let foot = s
            .lines()
            .find(|l| l.contains(&format!("{total_word}—")))
            .unwrap_or_else(|| panic!("a footer without a total\n{s}"));
        assert!(
            foot.contains(if zh { "不评分" } else { "not scored" }) && foot.contains("x "),
            "{foot}"
        );
        let cat = s
            .lines()
            .find(|l| l.contains("│B "))
            .unwrap_or_else(|| panic!("category B\n{s}"));
        assert!(cat.contains("—"), "{cat}");
        // sorted by suggested total, the conflict comes last
        feed(&mut a, "o o");
        assert_eq!(a.order().last(), Some(&0), "{:?}", a.order());
    }
}

#[test]
fn the_status_line_of_a_locked_application_says_what_can_be_done_there() {
    for lang in [Lang::Zh, Lang::En] {
        let zh = lang.is_zh();
        let mut a = app(lang, 80, 24);
        goto(&mut a, "A2.1");
        feed(&mut a, "x text:曾为该园区提供咨询 enter y");
        assert_eq!(a.progress(0), Progress::Conflict);
        a.note = None;
        // in the criteria: read-only, x withdraws (not the item's range and step)
        let status = |a: &App| {
            screen(a)
                .lines()
                .nth(a.size.1 as usize - 2)
                .unwrap()
                .to_string()
        };
        let s = status(&a);
        assert!(
            s.contains(if zh {
                "按 x 可撤回"
            } else {
                "press x to withdraw"
            }),
            "{s}"
        );
        // in the list: not "n the next item to score"
        feed(&mut a, "esc");
        a.note = None;
        let s = status(&a);
        assert!(
            s.contains(if zh {
                "x 撤回回避声明"
            } else {
                "x withdraws it"
            }) && !s.contains(if zh { "待评" } else { "next item" }),
            "{s}"
        );
    }
}

#[test]
fn the_conflict_footer_fits_the_criteria_pane_at_80x24() {
    for lang in [Lang::Zh, Lang::En] {
        let mut a = app(lang, 80, 24);
        goto(&mut a, "A2.1");
        feed(&mut a, "x text:曾为该园区提供咨询 enter y");
        // the list focused: the criteria pane at its narrowest
        feed(&mut a, "esc");
        let s = screen(&a);
        // the footer whole, within the pane's borders
        let foot = lang.conflict_footer();
        assert!(
            s.lines().any(|l| l.contains(&format!("│{foot}"))),
            "{foot}\n{s}"
        );
    }
}
