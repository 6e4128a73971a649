//! Snapshots of the chair screen on ratatui's TestBackend (text only), over the demo
//! panel's sheets; and its styles under NO_COLOR.

use crate::chair_support;
use crate::english::english_words;

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

/// The deviations per application wrap under the first value at every width: a continued
/// line never starts with the blank that separated two values.
#[test]
fn experts_deviation_lines_hang_evenly_at_every_width() {
    let mut demo = Demo::new();
    for w in 60..=100 {
        let mut a = demo.app(Lang::En, w, 60);
        feed(&mut a, "tab tab");
        let text = screen(&a);
        let all: Vec<&str> = text.lines().collect();
        // without the status line and the key bar
        let mut lines = all[..all.len() - 2]
            .iter()
            .skip_while(|l| !l.contains("deviation per application"))
            .skip(1)
            .peekable();
        assert!(lines.peek().is_some(), "{text}");
        for l in lines.filter(|l| !l.trim().is_empty() && !l.starts_with(" E0")) {
            let lead = l.len() - l.trim_start().len();
            assert_eq!(lead, " E02: ".len(), "width {w}: {l:?}\n{text}");
        }
    }
}

#[test]
fn overlays() {
    let mut demo = Demo::new();
    let mut a = demo.app(Lang::En, 80, 24);
    feed(&mut a, "?");
    insta::assert_snapshot!("en_80x24_help", screen(&a));
    // the flags' legend states the demo rubric's shares: 40% of a criterion's max, 0.3 × 100
    let help: String = panel::tui::chair::help_lines(&a, 200)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert!(
        help.contains("exceeds 40% of its max") && help.contains("over 30 points"),
        "{help}"
    );
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

/// The three sizes of issue #16 for the ranking and the details (with the experts' written
/// opinions): the title column takes the spare width at 200×60, and at every size the
/// position mark of a scrolled document has a row of its own (it never covers text).
#[test]
fn sizes_80x24_120x40_200x60() {
    let mut demo = Demo::new();
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 60)] {
        for lang in [Lang::Zh, Lang::En] {
            let l = if lang == Lang::Zh { "zh" } else { "en" };
            let a = demo.app(lang, w, h);
            insta::assert_snapshot!(format!("{l}_{w}x{h}_ranking_sized"), screen(&a));
            let mut a = demo.app(lang, w, h);
            feed(&mut a, "enter");
            let s = screen(&a);
            insta::assert_snapshot!(format!("{l}_{w}x{h}_details_sized"), s);
        }
    }
    // 200 wide: every title is shown whole (the demo titles are at most 60 cells)
    let a = demo.app(Lang::Zh, 200, 60);
    let s = screen(&a);
    let p = demo.panel();
    for b in &p.bundles {
        let t = panel::tui::view::list_title(&b.bundle.title);
        assert!(s.contains(&t), "title {t:?} cut at 200×60:\n{s}");
    }
    // the details list the experts' written opinions under the rubric's title
    let mut a = demo.app(Lang::Zh, 200, 60);
    feed(&mut a, "enter");
    let s = screen(&a);
    assert!(s.contains("── 专家评审意见 ──"), "{s}");
    for e in ["E02", "E03", "E04", "E05"] {
        assert!(s.contains(&format!("✍ {e}: ")), "{e}:\n{s}");
    }
    assert!(!s.contains("#opinion"), "{s}");
    // 80×24 details: the last body row holds only the position mark
    let mut a = demo.app(Lang::Zh, 80, 24);
    feed(&mut a, "enter");
    let s = screen(&a);
    let lines: Vec<&str> = s.lines().collect();
    let mark = lines
        .iter()
        .rposition(|l| l.contains('/') && l.trim_end().ends_with(|c: char| c.is_ascii_digit()))
        .expect("a position mark");
    let row = lines[mark].trim();
    assert!(
        row.chars()
            .all(|c| c.is_ascii_digit() || "▲▼–/ ".contains(c)),
        "the position mark row holds text: {row:?}\n{s}"
    );
    // scrolled to the end, the last line of the details is above the mark
    feed(&mut a, "G");
    let s = screen(&a);
    let last = a.detail_lines().last().unwrap().text.trim().to_string();
    assert!(s.contains(&last), "{last:?} hidden:\n{s}");
}

/// Every Chinese chair screen speaks Chinese (ranking, details of every application,
/// progress, experts, help, the reopen prompt, the find prompt), at 80×24, 120×40 and
/// 200×60: no English word outside key names and what the panel's data says as written
/// (titles, expert names, comments, reasons, rubric texts).
#[test]
fn chinese_chair_screens_hold_no_english_words() {
    let mut demo = Demo::new();
    let p = demo.panel();
    let mut data = format!("{} {} ", p.config.title, p.config.id);
    for e in &p.config.experts {
        data.push_str(&format!("{} {} ", e.id, e.name));
    }
    for b in &p.bundles {
        data.push_str(&format!("{} ", b.bundle.title));
    }
    for f in std::fs::read_dir(demo.dir.join("sheets")).unwrap() {
        data.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    let r = &p.rubric.rubric;
    data.push_str(&format!("{} {} ", r.title, r.source));
    for (_, k, it) in r.items() {
        data.push_str(&format!("{} {} {} ", k.title, it.text, k.standard));
    }
    let keys = [
        "Enter",
        "Esc",
        "Tab",
        "Home",
        "End",
        "Bksp",
        "Backspace",
        "Space",
        "Alt",
        "PgUp",
        "PgDn",
        "Ctrl",
        "Shift",
        "panel",
        "PCT",
        "CSV",
        "JSON",
        "XLSX",
        "Markdown",
        // folder names of the panel directory
        "results",
        "sheets",
        // the flag mark of a tie across the cut line (`=cut`), a mark like ≠B1 and !E03
        "cut",
    ];
    let allowed: std::collections::BTreeSet<String> = english_words(&data)
        .into_iter()
        .chain(keys.iter().map(|k| k.to_string()))
        .collect();
    let mut screens = Vec::new();
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 60)] {
        let mut a = demo.app(Lang::Zh, w, h);
        screens.push(screen(&a));
        for m in ["m", "m", "m", "b"] {
            feed(&mut a, m);
            screens.push(screen(&a));
        }
        let mut a = demo.app(Lang::Zh, w, h);
        feed(&mut a, "enter");
        for _ in 0..p.bundles.len() {
            screens.push(screen(&a));
            feed(&mut a, "G");
            screens.push(screen(&a));
            feed(&mut a, "]");
        }
        feed(&mut a, "r");
        screens.push(screen(&a));
        let mut a = demo.app(Lang::Zh, w, h);
        feed(&mut a, "tab");
        screens.push(screen(&a));
        feed(&mut a, "G l l l l");
        screens.push(screen(&a));
        feed(&mut a, "tab");
        screens.push(screen(&a));
        feed(&mut a, "G");
        screens.push(screen(&a));
        feed(&mut a, "?");
        screens.push(screen(&a));
        feed(&mut a, "G");
        screens.push(screen(&a));
        let mut a = demo.app(Lang::Zh, w, h);
        feed(&mut a, "/");
        screens.push(screen(&a));
    }
    let mut found = std::collections::BTreeMap::new();
    for s in &screens {
        for w in english_words(s) {
            if !allowed.contains(&w) {
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
        "English on the Chinese chair screens: {found:#?}"
    );
}

/// The distribution line always shows the panel total: T24-010 under the trimmed mean of
/// totals has its panel total (87.2) on E04's total (87.2), so the mark becomes `*`
/// (overlap) instead of disappearing under E04's digit.
#[test]
fn the_panel_total_mark_survives_an_expert_on_it() {
    let mut demo = Demo::new();
    for (lang, label) in [(Lang::Zh, "总分分布"), (Lang::En, "totals")] {
        let mut a = demo.app(lang, 100, 40);
        feed(&mut a, "j j j enter m");
        let s = screen(&a);
        assert!(s.contains("T24-010"), "{s}");
        let line = s
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no distribution line:\n{s}"));
        assert!(line.contains('*') || line.contains('│'), "{line}");
        // each of the three valid experts or the overlap mark is on the line
        let marks = line.chars().filter(|c| "234*│".contains(*c)).count();
        assert!(marks >= 3, "{line}");
    }
}
