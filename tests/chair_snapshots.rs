//! Snapshots of the chair screen on ratatui's TestBackend (text only), over the demo
//! panel's sheets; and its styles under NO_COLOR.

mod chair_support;

use chair_support::{buffer, screen, Demo};
use panel::tui::chair::feed;
use panel::tui::Lang;
use ratatui::style::Color;

#[test]
fn ranking_80x24() {
    let mut demo = Demo::new();
    for (lang, name) in [
        (Lang::Zh, "zh_80x24_ranking"),
        (Lang::En, "en_80x24_ranking"),
    ] {
        let a = demo.app(lang, 80, 24);
        insta::assert_snapshot!(name, screen(&a));
    }
}

#[test]
fn ranking_160x48() {
    let mut demo = Demo::new();
    for (lang, name) in [
        (Lang::Zh, "zh_160x48_ranking"),
        (Lang::En, "en_160x48_ranking"),
    ] {
        let mut a = demo.app(lang, 160, 48);
        feed(&mut a, "j");
        insta::assert_snapshot!(name, screen(&a));
    }
}

#[test]
fn method_switched_80x24() {
    let mut demo = Demo::new();
    let mut a = demo.app(Lang::En, 80, 24);
    feed(&mut a, "m");
    insta::assert_snapshot!("en_80x24_trimmed", screen(&a));
    let mut a = demo.app(Lang::Zh, 100, 30);
    feed(&mut a, "m b");
    insta::assert_snapshot!("zh_100x30_trimmed_by_criterion", screen(&a));
}

#[test]
fn details_matrix() {
    let mut demo = Demo::new();
    // T24-010: the disagreement on B1, a draft, comments
    let mut a = demo.app(Lang::Zh, 80, 24);
    feed(&mut a, "j j j enter j");
    insta::assert_snapshot!("zh_80x24_details", screen(&a));
    // T24-001 under the trimmed mean per criterion: dropped values, the override
    let mut a = demo.app(Lang::En, 100, 40);
    feed(&mut a, "m b enter");
    insta::assert_snapshot!("en_100x40_details_trimmed", screen(&a));
    // T24-005 at 160×48: the conflict of interest and its reason
    let mut a = demo.app(Lang::En, 160, 48);
    feed(&mut a, "j j enter");
    insta::assert_snapshot!("en_160x48_details_conflict", screen(&a));
}

#[test]
fn progress_grid() {
    let mut demo = Demo::new();
    let mut a = demo.app(Lang::Zh, 80, 24);
    feed(&mut a, "tab j j j l l l l");
    insta::assert_snapshot!("zh_80x24_progress", screen(&a));
    let mut a = demo.app(Lang::En, 80, 24);
    feed(&mut a, "tab G l l l l l l l l l");
    insta::assert_snapshot!("en_80x24_progress", screen(&a));
}

#[test]
fn experts_lean_and_distribution() {
    let mut demo = Demo::new();
    let mut a = demo.app(Lang::En, 100, 30);
    feed(&mut a, "tab tab");
    insta::assert_snapshot!("en_100x30_experts", screen(&a));
    let mut a = demo.app(Lang::Zh, 80, 24);
    feed(&mut a, "backtab");
    insta::assert_snapshot!("zh_80x24_experts", screen(&a));
}

#[test]
fn overlays() {
    let mut demo = Demo::new();
    let mut a = demo.app(Lang::En, 80, 24);
    feed(&mut a, "?");
    insta::assert_snapshot!("en_80x24_help", screen(&a));
    let mut a = demo.app(Lang::Zh, 80, 24);
    feed(&mut a, "enter j j r text:请复核_B1");
    insta::assert_snapshot!("zh_80x24_reopen_prompt", screen(&a));
    let a = demo.app(Lang::Zh, 50, 12);
    insta::assert_snapshot!("zh_50x12_too_small", screen(&a));
}

#[test]
fn no_color_means_no_colour_and_marks_carry_the_meaning() {
    let mut demo = Demo::new();
    for keys in ["", "m", "enter", "tab", "tab tab", "?"] {
        let mut a = demo.app(Lang::Zh, 100, 30);
        assert!(!a.color);
        feed(&mut a, keys);
        let buf = buffer(&a);
        for cell in buf.content() {
            assert_eq!(cell.fg, Color::Reset, "keys {keys:?}: {cell:?}");
            assert_eq!(cell.bg, Color::Reset, "keys {keys:?}: {cell:?}");
        }
    }
    // marks: shortlist stars, the cut line, the selection, the cut request
    let a = demo.app(Lang::En, 100, 30);
    let s = screen(&a);
    assert_eq!(s.matches('★').count(), 3, "{s}");
    assert!(s.contains("cut line"), "{s}");
    assert!(s.contains("▶★"), "{s}");
    assert!(s.contains("40←50"), "{s}");
    assert!(s.contains("≠B1"), "{s}");
}

#[test]
fn cjk_columns_line_up() {
    // every row of the ranking has its total at the same display column
    let mut demo = Demo::new();
    let a = demo.app(Lang::Zh, 160, 48);
    let s = screen(&a);
    // the code column starts at the same display column in every row
    let row =
        |l: &&str| l.contains("T24-") && ["排名", "不合格", "低于"].iter().any(|x| l.contains(x));
    let starts: Vec<usize> = s
        .lines()
        .filter(row)
        .map(|l| panel::tui::text::width(&l[..l.find("T24-").unwrap()]))
        .collect();
    assert!(starts.iter().all(|&c| c == starts[0]), "{starts:?}");
    // and the funding column ends at the same display column
    let ends: Vec<usize> = s
        .lines()
        .filter(row)
        .filter(|l| l.contains('★'))
        // the shortlisted rows have no flags: the line ends with the funding column
        .map(|l| panel::tui::text::width(l.trim_end()))
        .collect();
    assert_eq!(ends.len(), 3, "{s}");
    assert!(ends.iter().all(|&c| c == ends[0]), "{ends:?}\n{s}");
}
