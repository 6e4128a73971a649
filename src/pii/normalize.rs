//! Normalization in front of every detector, with an offset map back to the
//! original text.
//!
//! Char by char:
//! - NFKC (full-width digits, letters and punctuation become ASCII, `㎡` → `m2`);
//! - every Unicode dash (‐ ‑ ‒ – — ― − ﹘ ﹣ － ⁃ ー …) becomes `-`;
//! - every Unicode space (no-break, en/em/thin/hair, ideographic …) becomes ` `,
//!   line and paragraph separators become `\n`;
//! - zero-width spaces, joiners, soft hyphens, word joiners and bidi marks are
//!   removed (they normalize to nothing);
//! - Chinese numerals (〇零一幺二三四五六七八九 and 壹贰叁肆伍陆柒捌玖) become ASCII
//!   digits when they stand in a run long enough to be an identifier: at least
//!   [`MIN_NUMERAL_RUN`] numerals, counting ASCII digits and separators between
//!   them as part of the run. `两` is left alone: nobody reads a number digit by
//!   digit with it (`幺` is the spoken 1 of phone numbers), and it is common in
//!   counts (`两年`, `两项`).
//!
//! Case folding is left to the detectors (credit codes compare upper case, e-mail
//! patterns accept both cases), so the normalized text keeps the original case.
//!
//! Offsets: every char whose normalized form differs is recorded as an
//! [`Anchor`]; between anchors both texts are byte-identical, so a byte offset of
//! the normalized text maps back to the original exactly, even when a char
//! expands (`㎡`) or vanishes (a zero-width space).

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Chinese numerals in a run shorter than this stay as written (`二〇二四年`).
pub const MIN_NUMERAL_RUN: usize = 7;

/// The normalized text and a way back to original offsets.
pub(crate) struct Normalized<'a> {
    original: &'a str,
    /// The normalized text; `None` when normalization changed nothing.
    text: Option<String>,
    /// One anchor per changed char, sorted; between anchors both texts are
    /// byte-identical.
    anchors: Vec<Anchor>,
    /// The letters read as digits (`O`, `l` …): their byte in the normalized text
    /// (one byte for one byte) and the letter typed.
    letters: Vec<(usize, u8)>,
}

/// A char whose normalized form differs from the original: it spans
/// `norm..norm + norm_len` in the normalized text (`norm_len` 0: removed) and
/// `orig..orig + orig_len` in the original.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    norm: usize,
    norm_len: usize,
    orig: usize,
    orig_len: usize,
}

/// Chars removed by normalization: zero-width space/non-joiner/joiner, word
/// joiner and invisible operators, BOM, soft hyphen, Mongolian vowel separator,
/// directional marks and embeddings.
#[inline]
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Dashes of every kind (hyphens, en/em dashes, minus signs, the small and
/// full-width hyphen-minus, the katakana prolonged sound mark an IME types for
/// a dash).
#[inline]
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'
            ..='\u{2015}'
                | '\u{2043}'
                | '\u{2212}'
                | '\u{2E3A}'
                | '\u{2E3B}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{30FC}'
                | '\u{FF70}'
    )
}

/// Space chars other than ASCII space, tab and line breaks.
#[inline]
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// The digit a Chinese numeral stands for.
#[inline]
pub fn numeral_digit(c: char) -> Option<u8> {
    Some(match c {
        '〇' | '零' => 0,
        '一' | '幺' | '壹' => 1,
        '二' | '贰' | '貳' => 2,
        '三' | '叁' | '參' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' | '陸' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Chars that may sit between the digits of one identifier: ASCII and Unicode
/// spaces and dashes, `.`, `/`, middle dots, line breaks, invisible chars.
#[inline]
fn is_run_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '-' | '.' | '/' | '·' | '•' | '・' | '．' | '／' | '\u{2028}'
    ) || is_dash(c)
        || is_space(c)
        || is_invisible(c)
}

/// Chars whose normalized form is themselves, decided cheaply for the common
/// cases.
#[inline]
fn is_stable_char(c: char) -> bool {
    c.is_ascii()
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        // Common CJK punctuation that NFKC keeps: 、。〈〉《》「」『』【】 ‘ ’ “ ” ·
        || matches!(c, '\u{3001}'..='\u{3002}' | '\u{3008}'..='\u{3011}' | '\u{2018}'..='\u{201D}' | '\u{00B7}')
        || (!('\u{FF01}'..='\u{FF5E}').contains(&c)
            && !is_dash(c)
            && !is_space(c)
            && !is_invisible(c)
            && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
            && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

/// Byte offsets of the Chinese numerals that stand in a run of at least
/// [`MIN_NUMERAL_RUN`] numerals (ASCII digits and separators may sit between
/// them), sorted.
fn numerals_to_convert(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let flush = |run: &mut Vec<usize>, out: &mut Vec<usize>| {
        if run.len() >= MIN_NUMERAL_RUN {
            out.append(run);
        }
        run.clear();
    };
    for (i, c) in text.char_indices() {
        if numeral_digit(c).is_some() {
            run.push(i);
        } else if run.is_empty() {
            // Nothing to extend: skip the separator tests (most chars).
        } else if !(c.is_ascii_digit() || is_run_separator(c)) {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The digit an ASCII letter typed for one stands for: `O`/`o` for 0, `l`/`I` for 1.
#[inline]
fn lookalike_digit(b: u8) -> Option<u8> {
    match b {
        b'O' | b'o' => Some(0),
        b'l' | b'I' => Some(1),
        _ => None,
    }
}

/// Byte offsets of the letters `O`, `o`, `l`, `I` typed for 0 and 1 inside a
/// number, sorted. A *token* is a stretch of ASCII digits and such letters,
/// its groups joined by at most [`MAX_TOKEN_SEP`] spaces, dashes or `.` (as
/// typed: `186 2O17 3345`). Its letters are digits when the token is a number
/// written with a few wrong keys: not glued to other ASCII letters (`ISO9001`,
/// `Model`, `LW-139O` keep theirs), at least 7 real digits, no more than one
/// letter for every two digits, and every letter in a group that holds a
/// digit (`OO 1234567` keeps its `OO`).
fn letters_for_digits(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Cheap test first: a look-alike letter next to a digit.
    let near_digit = (0..b.len()).any(|i| {
        lookalike_digit(b[i]).is_some()
            && ((i > 0 && b[i - 1].is_ascii_digit())
                || b.get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if !near_digit {
        return out;
    }
    let core = |c: u8| c.is_ascii_digit() || lookalike_digit(c).is_some();
    let mut i = 0;
    while i < b.len() {
        if !core(b[i]) || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let s = i;
        let (mut digits, mut letters, mut ok) = (0usize, Vec::new(), true);
        let mut end;
        loop {
            // One group: digits and look-alike letters without a separator.
            let g = i;
            while i < b.len() && core(b[i]) {
                i += 1;
            }
            let real = b[g..i].iter().filter(|c| c.is_ascii_digit()).count();
            // A group of letters only (`OO`) is a word, not a number's part.
            ok &= real > 0;
            letters.extend((g..i).filter(|&k| !b[k].is_ascii_digit()));
            digits += real;
            end = i;
            let (mut j, mut seps) = (i, 0);
            while j < b.len() && seps < MAX_TOKEN_SEP {
                let len = separator_len(text, j);
                if len == 0 {
                    break;
                }
                j += len;
                seps += 1;
            }
            if j == i || j >= b.len() || !core(b[j]) {
                break;
            }
            i = j;
        }
        i = end.max(s + 1);
        let glued = b.get(end).is_some_and(u8::is_ascii_alphabetic);
        if ok && !glued && !letters.is_empty() && digits >= 7 && 2 * letters.len() <= digits {
            out.extend(letters);
        }
    }
    out
}

/// The length in bytes of the separator between two groups of a number at byte `j`
/// of `text` (a char boundary): a space (also the ideographic one), `-`, `.` or any
/// dash (`—`, `–`, `－` …); 0 for anything else.
fn separator_len(text: &str, j: usize) -> usize {
    text[j..]
        .chars()
        .next()
        .filter(|&c| matches!(c, ' ' | '\u{3000}' | '-' | '.' | '－') || is_dash(c))
        .map_or(0, char::len_utf8)
}

/// Longest run of separators between two groups of a number with look-alike
/// letters.
const MAX_TOKEN_SEP: usize = 3;

/// A multiplication sign `×` at byte `i` stands for the check character `X` of
/// a resident ID (`11010519491231002×`, typed from a Chinese input method): right
/// after a digit (ASCII or full-width), no letter or digit after it. `3×4` stays.
fn check_x_position(text: &str, i: usize) -> bool {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    text[..i].chars().next_back().is_some_and(digit)
        && !text[i + '×'.len_utf8()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
}

impl<'a> Normalized<'a> {
    pub(crate) fn new(original: &'a str) -> Self {
        let mut text: Option<String> = None;
        let mut anchors = Vec::new();
        let numerals = if original.is_ascii() {
            Vec::new()
        } else {
            numerals_to_convert(original)
        };
        let mut next_numeral = numerals.iter().copied().peekable();
        let letters = letters_for_digits(original);
        let mut next_letter = letters.iter().copied().peekable();
        let mut letters_read = Vec::new();
        // Start of the stretch of stable chars not yet copied to `text`.
        let mut copied = 0;
        for (ob, c) in original.char_indices() {
            let numeral = if next_numeral.peek() == Some(&ob) {
                next_numeral.next();
                numeral_digit(c)
            } else {
                None
            };
            let letter = if next_letter.peek() == Some(&ob) {
                next_letter.next();
                lookalike_digit(c as u8)
            } else {
                None
            };
            let numeral = numeral.or(letter);
            let letter = letter.map(|_| c as u8);
            let times_x = c == '×' && check_x_position(original, ob);
            if numeral.is_none() && !times_x && is_stable_char(c) {
                continue;
            }
            let t = text.get_or_insert_with(|| String::with_capacity(original.len()));
            t.push_str(&original[copied..ob]);
            copied = ob + c.len_utf8();
            let before = t.len();
            if let Some(typed) = letter {
                letters_read.push((before, typed));
            }
            if times_x {
                t.push('X');
            } else if let Some(d) = numeral {
                t.push((b'0' + d) as char);
            } else if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
                // Full-width ASCII: NFKC maps it to the ASCII char 0xFEE0 below.
                t.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
            } else if is_dash(c) {
                t.push('-');
            } else if is_space(c) {
                t.push(' ');
            } else if matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}') {
                t.push('\n');
            } else if is_invisible(c) {
                // Removed.
            } else {
                t.extend(std::iter::once(c).nfkc());
            }
            let norm_len = t.len() - before;
            if norm_len != c.len_utf8() || t[before..].chars().ne(std::iter::once(c)) {
                anchors.push(Anchor {
                    norm: before,
                    norm_len,
                    orig: ob,
                    orig_len: c.len_utf8(),
                });
            }
        }
        if let Some(t) = text.as_mut() {
            t.push_str(&original[copied..]);
        }
        Normalized {
            original,
            text,
            anchors,
            letters: letters_read,
        }
    }

    /// The normalized text with the letters read as digits typed back as letters
    /// (same length, the same offsets): `None` when no letter was read as a digit.
    /// A number's letters may be its own (`…3208 5l`: a credit code's check character
    /// `L`), so codes are also looked for in this reading.
    pub(crate) fn with_letters_as_typed(&self) -> Option<String> {
        if self.letters.is_empty() {
            return None;
        }
        let mut bytes = self.text().as_bytes().to_vec();
        for &(at, typed) in &self.letters {
            bytes[at] = typed;
        }
        String::from_utf8(bytes).ok()
    }

    pub(crate) fn text(&self) -> &str {
        self.text.as_deref().unwrap_or(self.original)
    }

    /// The last anchor starting at or before normalized byte `n` that covers
    /// it or ends before it.
    fn anchor_before(&self, n: usize) -> Option<&Anchor> {
        let i = self.anchors.partition_point(|a| a.norm <= n);
        i.checked_sub(1).map(|i| &self.anchors[i])
    }

    /// Original byte offset where the char holding normalized byte `n` starts.
    pub(crate) fn orig_start(&self, n: usize) -> usize {
        match self.anchor_before(n) {
            None => n,
            Some(a) if n < a.norm + a.norm_len => a.orig,
            Some(a) => a.orig + a.orig_len + (n - a.norm - a.norm_len),
        }
    }

    /// Original byte offset where the char holding normalized byte `e - 1` ends.
    pub(crate) fn orig_end(&self, e: usize) -> usize {
        let n = e - 1;
        // Anchors of removed chars at `e` or later are outside the span; a
        // removed char right before byte `n` is inside it.
        match self.anchor_before(n) {
            None => e,
            Some(a) if n < a.norm + a.norm_len => a.orig + a.orig_len,
            Some(a) => a.orig + a.orig_len + (n - a.norm - a.norm_len) + 1,
        }
    }
}

/// Converts sorted-or-not original byte offsets (on char boundaries) into char
/// offsets, counting chars once across the text.
pub(crate) fn byte_to_char_offsets(text: &str, offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = vec![0; offsets.len()];
    let (mut byte, mut chars) = (0usize, 0usize);
    for i in order {
        let b = offsets[i].min(text.len());
        if b > byte {
            chars += text.get(byte..b).map_or(0, |s| s.chars().count());
            byte = b;
        }
        out[i] = chars;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Normalized::new(s).text().to_string()
    }

    #[test]
    fn stable_fast_path_agrees_with_nfkc() {
        for c in ['、', '。', '〈', '】', '‘', '”', '·', '中', 'a', '9'] {
            assert!(is_stable_char(c));
            assert_eq!(std::iter::once(c).nfkc().collect::<String>(), c.to_string());
        }
        for c in [
            '，', '１', 'Ａ', '\u{3000}', '㎡', '①', '…', '—', '\u{200B}',
        ] {
            assert!(!is_stable_char(c), "{c}");
        }
    }

    #[test]
    fn forms() {
        assert_eq!(norm("139—1234–5678"), "139-1234-5678");
        assert_eq!(norm("139‒1234―5678－1"), "139-1234-5678-1");
        assert_eq!(norm("139\u{200B}1234\u{200D}5678"), "13912345678");
        assert_eq!(norm("139\u{3000}1234\u{00A0}5678"), "139 1234 5678");
        assert_eq!(norm("一三九一二三四五六七八"), "13912345678");
        assert_eq!(norm("幺三九 〇一二三 四五六七"), "139 0123 4567");
        assert_eq!(norm("一三九1234五六七八"), "13912345678");
        // Short runs stay: years, ordinals, counts.
        assert_eq!(norm("二〇二四年，一二三等奖"), "二〇二四年,一二三等奖");
        assert_eq!(norm("两两一组"), "两两一组");
        // `×` typed for the check character X after digits; a product stays.
        assert_eq!(norm("11010519491231002×"), "11010519491231002X");
        assert_eq!(
            norm("１１０×，3×4，面积20×30米，×2"),
            "110X,3×4,面积20×30米,×2"
        );
        assert_eq!(norm("２０２１—２０２３年"), "2021-2023年");
    }

    #[test]
    fn letters_typed_for_digits() {
        for (typed, want) in [
            ("手机：139O1234567", "手机:13901234567"),
            ("l3912345678", "13912345678"),
            ("186 2O17 3345", "186 2017 3345"),
            ("158OO21I345", "15800211345"),
            ("021 6488 I238", "021 6488 1238"),
            ("31O11O197211O5OO36", "310110197211050036"),
        ] {
            assert_eq!(norm(typed), want, "{typed}");
        }
        // Glued to other letters, too few digits, letters only in a group,
        // too many letters: a code or a word, as written.
        for kept in [
            "ISO9001",
            "LW-139O-l234",
            "ISO1391l",
            "2O24年",
            "OO 1234567",
            "lOlOl1234567",
            "Model1O1234567",
            "zhao19901234567",
        ] {
            assert_eq!(norm(kept), kept, "{kept}");
        }
        // Groups joined by dashes of any kind are one number.
        assert_eq!(norm("13137220—92958670 - 9l"), "13137220-92958670 - 91");
        // The letters read as digits can be had back as typed, at the same offsets (a
        // credit code's check character `L` typed `l` is looked for in that reading).
        let n = Normalized::new("代码：9146 0658 3268 3208 5l。");
        assert_eq!(n.text(), "代码:9146 0658 3268 3208 51。");
        assert_eq!(
            n.with_letters_as_typed().as_deref(),
            Some("代码:9146 0658 3268 3208 5l。")
        );
        assert_eq!(
            Normalized::new("139 1234 5678").with_letters_as_typed(),
            None
        );
    }

    #[test]
    fn offsets_map_back_across_removed_and_expanded_chars() {
        let text = "a\u{200B}b㎡c—d";
        let n = Normalized::new(text);
        assert_eq!(n.text(), "abm2c-d");
        // "b" in the normalized text (byte 1) is "b" in the original (byte 4).
        assert_eq!(n.orig_start(1), 4);
        assert_eq!(n.orig_end(2), 5);
        // "m2" maps to the whole "㎡".
        assert_eq!((n.orig_start(2), n.orig_end(4)), (5, 8));
        // "a..b" spans the zero-width space.
        assert_eq!((n.orig_start(0), n.orig_end(2)), (0, 5));
        // "-" maps to "—".
        assert_eq!((n.orig_start(5), n.orig_end(6)), (9, 12));
        assert_eq!(n.orig_end(7), 13);
    }

    #[test]
    fn byte_to_char() {
        let t = "中a文";
        assert_eq!(byte_to_char_offsets(t, &[4, 0, 3, 7]), vec![2, 0, 1, 3]);
    }
}
