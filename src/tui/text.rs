//! Display-width text helpers (CJK characters are two columns wide).

use ratatui::buffer::Buffer;
use ratatui::style::Style;
use ratatui::text::Line;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width of a string.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn cw(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Cut `s` to at most `w` columns, ending in `…` when something was cut.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let x = cw(c);
        if used + x > w - 1 {
            break;
        }
        out.push(c);
        used += x;
    }
    out.push('…');
    out
}

/// `s` cut or padded with spaces on the right to exactly `w` columns.
pub fn pad_right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let n = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(n))
}

/// `s` cut or padded with spaces on the left to exactly `w` columns.
pub fn pad_left(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let n = w.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(n))
}

/// Wrap text to lines of at most `w` columns. Paragraphs (`\n`) start new
/// lines; Latin words (after a space or right after a CJK character, as in
/// `必填；Alt+Enter`) are kept whole when they fit on a line; CJK text
/// breaks between any two characters. Tabs become spaces and other control
/// characters are dropped.
pub fn wrap(text: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r');
        if para.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut line = String::new();
        let mut lw = 0usize;
        // byte index in `line` where the word of narrow characters it ends with may start:
        // just after the last space or wide character
        let mut last_space: Option<usize> = None;
        for c in para.chars() {
            let c = if c == '\t' { ' ' } else { c };
            if c.is_control() {
                continue;
            }
            let x = cw(c);
            if lw + x > w {
                if c == ' ' {
                    out.push(line.trim_end_matches(' ').to_string());
                    line.clear();
                    lw = 0;
                    last_space = None;
                    continue;
                }
                // a closing mark never starts a line, an opening one never ends it
                if let Some(at) = kinsoku_tail(&line, c, w) {
                    let tail = line[at..].to_string();
                    line.truncate(at);
                    out.push(line.trim_end_matches(' ').to_string());
                    lw = width(&tail);
                    line = tail;
                    last_space = None;
                    line.push(c);
                    lw += x;
                    if x == 2 {
                        last_space = Some(line.len());
                    }
                    continue;
                }
                // a narrow non-space character continues a word of narrow characters
                let word_char = x == 1;
                match last_space {
                    Some(at)
                        if word_char
                            && at < line.len()
                            && line[at..].chars().all(|c| cw(c) == 1) =>
                    {
                        let tail = line[at..].to_string();
                        line.truncate(at);
                        out.push(line.trim_end().to_string());
                        lw = width(&tail);
                        line = tail;
                    }
                    _ => match number_tail(&line, c, w) {
                        // a number is never split, nor parted from the unit after it
                        Some(at) => {
                            let tail = line[at..].to_string();
                            line.truncate(at);
                            out.push(line.trim_end_matches(' ').to_string());
                            lw = width(&tail);
                            line = tail;
                        }
                        None => {
                            out.push(line.trim_end_matches(' ').to_string());
                            line.clear();
                            lw = 0;
                        }
                    },
                }
                last_space = None;
            }
            line.push(c);
            lw += x;
            if c == ' ' || x == 2 {
                last_space = Some(line.len());
            }
        }
        out.push(line);
    }
    out
}

/// Where a line about to break before `next` should break instead so that a number stays
/// whole and with its unit: the start of the number the line ends with, when `next`
/// continues it (a digit, `.`, `%`) or is a wide character (a unit such as 家 or 万元), and the
/// number is short enough to move to the next line.
fn number_tail(line: &str, next: char, w: usize) -> Option<usize> {
    let num = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
    let continues = next.is_ascii_digit() || next == '.' || next == '%' || cw(next) == 2;
    if !continues || !line.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let start = line
        .char_indices()
        .rev()
        .take_while(|&(_, c)| num(c))
        .last()
        .map(|(i, _)| i)?;
    (start > 0 && width(&line[start..]) * 2 < w).then_some(start)
}

/// Closing punctuation that never starts a line (Chinese line-breaking rules, 避头点).
const NO_LINE_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〉', '”', '’',
    '…', ',', '.', ';', ':', '!', '?', ')', ']',
];

/// Opening punctuation that never ends a line (避尾点).
const NO_LINE_END: &[char] = &['（', '《', '「', '『', '【', '〔', '〈', '“', '‘', '(', '['];

/// Where a line about to break before `next` should break instead so that the next line
/// does not start with closing punctuation and this one does not end with opening
/// punctuation: the last character (or characters) of the line move down with `next`,
/// together with the number or Latin word they end, when that fits on the next line.
fn kinsoku_tail(line: &str, next: char, w: usize) -> Option<usize> {
    let mut at = line.len();
    if NO_LINE_START.contains(&next) {
        // the character before `next` goes with it, and any closing marks before that
        loop {
            let (i, c) = line[..at].char_indices().next_back()?;
            at = i;
            if !NO_LINE_START.contains(&c) {
                break;
            }
        }
    }
    while let Some((i, c)) = line[..at].char_indices().next_back() {
        if !NO_LINE_END.contains(&c) {
            break;
        }
        at = i;
    }
    if at == line.len() {
        return None;
    }
    // a number or a Latin word moves whole
    let first = line[at..].chars().next()?;
    if let Some(n) = number_tail(&line[..at], first, w) {
        at = n;
    } else if cw(first) == 1 && first != ' ' {
        at = line[..at]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| cw(c) == 1 && c != ' ')
            .last()
            .map_or(at, |(i, _)| i);
    }
    let fits = width(&line[at..]) + cw(next) <= w;
    (at > 0 && fits && !line[..at].trim_end().is_empty()).then_some(at)
}

/// Byte ranges of the ASCII-case-insensitive matches of `q` in `s`.
pub fn find_all(s: &str, q: &str) -> Vec<(usize, usize)> {
    if q.is_empty() {
        return Vec::new();
    }
    let hay = s.to_ascii_lowercase();
    let needle = q.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let start = from + i;
        out.push((start, start + needle.len()));
        from = start + needle.len();
    }
    out
}

/// A char that is a grapheme cluster by itself next to any other such char (Unicode
/// grapheme break property `Other`), with its terminal width: printable ASCII and the
/// [`PLAIN_NARROW`] signs (1), CJK unified ideographs, CJK punctuation `、。〃` and brackets
/// `〈〉《》「」『』【】`, fullwidth ASCII variants (2). `None` for any other char.
#[inline]
fn plain_width(c: char) -> Option<u16> {
    match c {
        ' '..='~' => Some(1),
        c if PLAIN_NARROW.contains(&c) => Some(1),
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3001}'..='\u{3003}'
        | '\u{3008}'..='\u{3011}'
        | '\u{FF01}'..='\u{FF5E}' => Some(2),
        _ => None,
    }
}

/// Signs the panes use often, one column wide: `·×–—“”…←↑→↓−≠─│■●○✓✗`.
const PLAIN_NARROW: [char; 20] = [
    '\u{B7}', '\u{D7}', '\u{2013}', '\u{2014}', '\u{201C}', '\u{201D}', '\u{2026}', '\u{2190}',
    '\u{2191}', '\u{2192}', '\u{2193}', '\u{2212}', '\u{2260}', '\u{2500}', '\u{2502}', '\u{25A0}',
    '\u{25CF}', '\u{25CB}', '\u{2713}', '\u{2717}',
];

/// [`Buffer::set_stringn`], cell for cell, without its grapheme segmentation when every
/// char of `s` is [`plain_width`] (the usual Chinese and ASCII text of the panes); any other
/// text goes through `set_stringn` itself. Returns where the text ended.
pub fn set_text(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    s: &str,
    max_width: usize,
    style: Style,
) -> (u16, u16) {
    if !s.chars().all(|c| plain_width(c).is_some()) {
        return buf.set_stringn(x, y, s, max_width, style);
    }
    let max_width = u16::try_from(max_width).unwrap_or(u16::MAX);
    let mut remaining = buf.area.right().saturating_sub(x).min(max_width);
    let mut x = x;
    for c in s.chars() {
        let w = plain_width(c).unwrap_or(1);
        let Some(r) = remaining.checked_sub(w) else {
            break;
        };
        remaining = r;
        buf[(x, y)].set_char(c).set_style(style);
        let next = x + w;
        x += 1;
        // The cell a wide char covers is reset, as `set_stringn` does.
        while x < next {
            buf[(x, y)].reset();
            x += 1;
        }
    }
    (x, y)
}

/// [`Buffer::set_line`] with [`set_text`] for each span.
pub fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max_width: u16) -> (u16, u16) {
    let mut remaining = max_width;
    let mut x = x;
    for span in line {
        if remaining == 0 {
            break;
        }
        let pos = set_text(
            buf,
            x,
            y,
            span.content.as_ref(),
            remaining as usize,
            line.style.patch(span.style),
        );
        let w = pos.0.saturating_sub(x);
        x = pos.0;
        remaining = remaining.saturating_sub(w);
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    /// `set_text` and `set_stringn` on two copies of a part-filled buffer.
    fn both(s: &str, x: u16, max: usize) -> (Buffer, Buffer) {
        let area = Rect::new(2, 1, 12, 2);
        let mut a = Buffer::empty(area);
        a.set_string(2, 1, "0123456789ab", Style::new().fg(Color::Red));
        let mut b = a.clone();
        let st = Style::new().add_modifier(Modifier::BOLD);
        let pa = set_text(&mut a, x, 1, s, max, st);
        let pb = b.set_stringn(x, 1, s, max, st);
        assert_eq!(pa, pb, "{s:?} at {x}, max {max}");
        (a, b)
    }

    /// Every plain char, between others, at every width limit: the same cells as
    /// `set_stringn` (so also the same graphemes and widths).
    #[test]
    fn set_text_is_set_stringn_for_every_plain_char() {
        let plain = (' '..='~')
            .chain('\u{4E00}'..='\u{9FFF}')
            .chain('\u{3001}'..='\u{3003}')
            .chain('\u{3008}'..='\u{3011}')
            .chain('\u{FF01}'..='\u{FF5E}')
            .chain(PLAIN_NARROW);
        for c in plain {
            let s = format!("a{c}中{c}b");
            for max in [3, 4, 9] {
                let (a, b) = both(&s, 3, max);
                assert_eq!(a, b, "{c:?} max {max}");
            }
        }
    }

    /// Chars that join their neighbours, have other widths or are controls, next to plain
    /// ones: the same cells as `set_stringn`.
    #[test]
    fn set_text_is_set_stringn_next_to_odd_chars() {
        for c in ODD {
            for s in [format!("中{c}x"), format!("{c}中"), format!("a{c}")] {
                for max in [1, 2, 3, 9] {
                    let (a, b) = both(&s, 3, max);
                    assert_eq!(a, b, "{s:?} max {max}");
                }
            }
        }
    }

    /// Not plain: combining marks, joiners, halfwidth sound marks, emoji, controls, others.
    const ODD: [char; 14] = [
        '\u{301}',
        '\u{200D}',
        '\u{FF9E}',
        '\u{FF9F}',
        '\u{3099}',
        '\u{FE0F}',
        '\u{20E3}',
        '\u{1F600}',
        '\t',
        '\u{7F}',
        '\u{AD}',
        'é',
        '한',
        '\u{FF61}',
    ];

    proptest! {
        /// Plain text with up to one odd char anywhere, any start and limit: the same cells
        /// as `set_stringn`, and the same lines as `Buffer::set_line`.
        #[test]
        fn set_text_is_set_stringn(
            chars in prop::collection::vec(
                prop::sample::select(vec!['a', ' ', '~', '中', '。', '【', 'Ａ', '文', '…', '·']),
                0..14,
            ),
            odd in prop::option::of((prop::sample::select(ODD.to_vec()), 0usize..14)),
            x in 2u16..15,
            max in 0usize..16,
        ) {
            let mut chars = chars;
            if let Some((c, at)) = odd {
                chars.insert(at.min(chars.len()), c);
            }
            let s: String = chars.into_iter().collect();
            let (a, b) = both(&s, x.min(13), max);
            prop_assert_eq!(a, b);
            let line = Line::from(vec![
                Span::styled(s.clone(), Style::new().fg(Color::Blue)),
                Span::raw("中x"),
            ]);
            let area = Rect::new(0, 0, 10, 1);
            let (mut p, mut q) = (Buffer::empty(area), Buffer::empty(area));
            let w = max.min(10) as u16;
            prop_assert_eq!(set_line(&mut p, 1, 0, &line, w), q.set_line(1, 0, &line, w));
            prop_assert_eq!(p, q);
        }
    }

    #[test]
    fn cjk_is_two_columns() {
        assert_eq!(width("工作基础"), 8);
        assert_eq!(width("A1 产业"), 7);
        assert_eq!(truncate("工作基础很重要", 7), "工作基…");
        assert_eq!(width(&truncate("工作基础很重要", 7)), 7);
        assert_eq!(pad_right("工作", 6), "工作  ");
        assert_eq!(pad_left("4.5", 5), "  4.5");
        assert_eq!(pad_right("工作基础", 5), "工作…");
    }

    #[test]
    fn wrap_respects_width_and_words() {
        for line in wrap(
            "园区共有中小企业一千二百家，其中拥有有效专利的一百二十家。",
            10,
        ) {
            assert!(width(&line) <= 10, "{line}");
        }
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            vec!["the quick", "brown fox", "jumps"]
        );
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
        // a CJK char never splits, even when only one column is left
        let lines = wrap("abcd工作", 5);
        assert_eq!(lines, vec!["abcd", "工作"]);
        // long Latin word is broken
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        // a Latin word right after CJK text stays whole too
        assert_eq!(
            wrap("提交前必填；Alt+Enter 换行", 16),
            vec!["提交前必填；", "Alt+Enter 换行"]
        );
    }

    #[test]
    fn wrap_keeps_a_number_whole_and_with_its_unit() {
        // "1 / 00家" was the old break
        assert_eq!(
            wrap("拥有有效专利企业100家", 18),
            vec!["拥有有效专利企业", "100家"]
        );
        assert_eq!(wrap("经费共计12.5万元", 12), vec!["经费共计", "12.5万元"]);
        assert_eq!(wrap("比例达到45%以上", 12), vec!["比例达到45%", "以上"]);
        assert_eq!(wrap("比例达到45%以上", 10), vec!["比例达到", "45%以上"]);
        // a number too long to move is broken as before
        let lines = wrap("编号1234567890123", 10);
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
        for (text, w) in [
            (
                "园区内拥有有效专利的中小企业共120家，其中国家知识产权优势示范企业2家",
                20,
            ),
            ("近三年知识产权工作经费分别为18万元、22万元、25万元", 13),
        ] {
            let lines = wrap(text, w);
            assert_eq!(lines.concat(), text);
            for pair in lines.windows(2) {
                let (a, b) = (pair[0].chars().last(), pair[1].chars().next());
                assert!(
                    !(a.is_some_and(|c| c.is_ascii_digit())
                        && b.is_some_and(|c| c.is_ascii_digit() || cw(c) == 2)),
                    "{lines:?}"
                );
            }
        }
    }

    #[test]
    fn closing_punctuation_never_starts_a_line_nor_opening_ends_one() {
        // "…区级15家" then "。" alone on a line was the old break
        assert_eq!(
            wrap("市级7家，区级15家。", 18),
            vec!["市级7家，区级", "15家。"]
        );
        assert_eq!(
            wrap("统筹园区知识产权工作，", 20),
            vec!["统筹园区知识产权工", "作，"]
        );
        assert_eq!(
            wrap("〔二、工作基础 / 园区主要产业〕", 30),
            vec!["〔二、工作基础 / 园区主要产", "业〕"]
        );
        // two closing marks in a row move with the character before them
        assert_eq!(
            wrap("发展方向（待定）。", 16),
            vec!["发展方向（待", "定）。"]
        );
        // an opening bracket moves down with what it opens
        assert_eq!(
            wrap("符合发展方向。（待人工判定）", 16),
            vec!["符合发展方向。", "（待人工判定）"]
        );
        // a Latin word before the mark moves whole
        assert_eq!(wrap("方法：均值 mean。", 15), vec!["方法：均值", "mean。"]);
        // nothing to move: the mark is the line's only neighbour, the break stays
        assert_eq!(wrap("工，", 2), vec!["工", "，"]);
        for (text, w) in [
            (
                "园区属地企业1268家，其中中小微企业1175家；拥有有效专利企业412家。",
                9,
            ),
            (
                "知识产权试点示范单位26家（国家级4家），市级7家、区级15家。",
                11,
            ),
            ("已写入 /tmp/panel/results（方法：均值·按总分）", 20),
        ] {
            let lines = wrap(text, w);
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
            for l in &lines {
                assert!(width(l) <= w, "{lines:?}");
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(!NO_LINE_START.contains(&first), "{lines:?}");
                assert!(!NO_LINE_END.contains(&last), "{lines:?}");
            }
        }
    }

    #[test]
    fn find_is_case_insensitive_and_byte_exact() {
        let s = "PCT 专利 pct";
        let hits = find_all(s, "pct");
        assert_eq!(hits.len(), 2);
        assert_eq!(&s[hits[1].0..hits[1].1], "pct");
        assert_eq!(find_all("托管协议托管", "托管"), vec![(0, 6), (12, 18)]);
    }
}
