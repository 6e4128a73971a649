//! Display-width text helpers (CJK characters are two columns wide).

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
/// lines; Latin words are kept whole when they fit on a line; CJK text
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
        // byte index in `line` just after the last space
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
                    _ => {
                        out.push(line.trim_end_matches(' ').to_string());
                        line.clear();
                        lw = 0;
                    }
                }
                last_space = None;
            }
            line.push(c);
            lw += x;
            if c == ' ' {
                last_space = Some(line.len());
            }
        }
        out.push(line);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

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
