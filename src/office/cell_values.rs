//! Reading values as people type them into a form's cells: labels compared loosely
//! (spaces, line breaks, full-width forms, colons), numbers with units, thousands
//! separators, full-width digits and Chinese numerals, ticked checkboxes. Nothing is
//! guessed: a text that is not plainly a number is an error that quotes it.

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use super::docx_read::{CHECKED_MARKS, UNCHECKED_MARKS};
use crate::pii::normalize::is_invisible;

/// A label as compared: NFKC (full-width → ASCII), without white space, invisible
/// characters (zero-width spaces, a byte order mark), colons, hyphens or asterisks, ASCII
/// lower case.
pub fn norm(s: &str) -> String {
    s.nfkc()
        .filter(|&c| {
            !c.is_whitespace() && !is_invisible(c) && !matches!(c, ':' | '-' | '*' | '\u{3000}')
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `norm` without parenthesised parts (`知识产权工作经费(万元)` → `知识产权工作经费`).
pub fn norm_bare(s: &str) -> String {
    let n = norm(s);
    let mut out = String::new();
    let mut depth = 0;
    for c in n.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth as i32 - 1).max(0) as usize,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether cell text `cell` is label `label`.
pub fn is_label(cell: &str, label: &str) -> bool {
    let (c, l) = (norm(cell), norm(label));
    !l.is_empty()
        && (c == l || (!norm_bare(label).is_empty() && norm_bare(cell) == norm_bare(label)))
}

/// `拥有有效专利企业：412家` → `Some("412家")` when the cell starts with `label` and a
/// colon (a label and its value typed into one cell).
pub fn inline_value(cell: &str, label: &str) -> Option<String> {
    let i = cell.find([':', '：'])?;
    let (head, rest) = cell.split_at(i);
    if !is_label(head, label) {
        return None;
    }
    let v = rest.trim_start_matches([':', '：']).trim();
    (!v.is_empty()).then(|| v.to_string())
}

/// Whether a cell's text is a placeholder left as typed rather than a value: an example
/// (`如：张三`, `例：…`), an instruction (`请填写`, `（请输入）`, `单击此处输入文字`), or a
/// mask (`XXXX`, `××××`, `____`).
pub fn is_placeholder(text: &str) -> bool {
    let t: String = text
        .nfkc()
        .filter(|&c| !c.is_whitespace() && !is_invisible(c))
        .collect();
    if t.is_empty() || t.chars().count() > 40 {
        return false;
    }
    let bare = t.trim_start_matches(['(', '[', '【', '<']);
    const EXAMPLE: [&str; 6] = ["如:", "例:", "例如", "比如", "示例", "举例"];
    const ASK: [&str; 8] = [
        "请填写",
        "请输入",
        "请选择",
        "请在此",
        "单击此处",
        "点击此处",
        "在此处输入",
        "此处填写",
    ];
    if EXAMPLE.iter().any(|p| bare.starts_with(p)) || ASK.iter().any(|p| t.contains(p)) {
        return true;
    }
    let masks = t
        .chars()
        .filter(|c| matches!(c, 'x' | 'X' | '×' | '*' | '_'))
        .count();
    masks >= 2
        && t.chars()
            .all(|c| matches!(c, 'x' | 'X' | '×' | '*' | '_' | '.' | '…' | '-' | '/' | '@'))
}

const UNITS: [&str; 15] = [
    "万元", "元", "人次", "家", "件", "人", "次", "笔", "%", "个", "项", "份", "名", "年", "岁",
];

/// Units of money: a sum typed where a count is asked for (or the reverse) is refused.
const MONEY: [&str; 2] = ["万元", "元"];

/// The value of one Chinese digit (`〇`/`零` … `九`, and the financial forms `壹` … `玖`).
pub(super) fn chinese_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

/// A section of a Chinese numeral below 万 (`三千零五`, `十二`, `四百`), in the standard
/// form: each unit (千, 百, 十) at most once and in that order, one digit before each
/// (`十` alone only at the start of the numeral, `first`, or after `零`), `零` only before
/// what follows a gap. `abbreviated`: a last digit after 百 or 千 counts one place lower,
/// as said aloud (`三百八` = 380, `一千二` = 1200). `None` for anything else
/// (`三百百`, `十十`, `三百八六`).
fn chinese_section(s: &str, first: bool, abbreviated: bool) -> Option<u64> {
    let mut value = 0u64;
    // The last unit written (above 千 before the first).
    let mut last_unit = 10_000u64;
    let mut digit: Option<u64> = None;
    let mut zero = false;
    let mut start = first;
    for c in s.chars() {
        if let Some(d) = chinese_digit(c) {
            if digit.is_some() || (d == 0 && (zero || start)) {
                // Two digits in a row, `零零`, or a numeral that starts with `零`.
                return None;
            }
            if d == 0 {
                zero = true;
            } else {
                digit = Some(d);
            }
            start = false;
            continue;
        }
        let unit = chinese_unit(c)?;
        // Units in order; after `零` at least one place skipped (`一百零五十` is malformed).
        if unit >= last_unit || (zero && unit * 10 >= last_unit) {
            return None;
        }
        let d = match digit.take() {
            Some(d) => d,
            None if unit == 10 && (start || zero) => 1,
            None => return None,
        };
        value += d * unit;
        last_unit = unit;
        zero = false;
        start = false;
    }
    match digit {
        None if zero => None,
        None => Some(value),
        // `十零五`: no place skipped before the digit.
        Some(_) if zero && last_unit < 100 => None,
        Some(d) if zero || last_unit == 10_000 || last_unit == 10 => Some(value + d),
        Some(d) if abbreviated => Some(value + d * last_unit / 10),
        Some(_) => None,
    }
}

/// A Chinese numeral: the standard form (`十`, `三十二`, `一百零五`, `两万`, `一万二千`,
/// `一万零五`, and as said aloud `三百八`, `两万五`), digit by digit (`三八六`, `二〇二三`),
/// with a fraction after `点` (`一点五`). `None` for anything else: a malformed numeral is
/// never read as some other number.
fn chinese_number(s: &str) -> Option<Decimal> {
    let (int_part, frac_part) = match s.split_once('点') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    if int_part.is_empty() {
        return None;
    }
    let whole: u64 = if int_part.chars().all(|c| chinese_digit(c).is_some()) {
        // Digit by digit (a year, a count read out): `三八六` = 386.
        int_part.chars().try_fold(0u64, |v, c| {
            v.checked_mul(10)?.checked_add(chinese_digit(c)?)
        })?
    } else {
        match int_part.split_once('万') {
            None => chinese_section(int_part, true, true)?,
            Some((high, low)) => {
                if high.is_empty() || low.contains('万') {
                    return None;
                }
                let high = chinese_section(high, true, false)?;
                let low = if low.is_empty() {
                    0
                } else if let Some(rest) = low.strip_prefix(['零', '〇']) {
                    // `一万零五`, `一万零三百`: below a thousand after 零.
                    let v = chinese_section(rest, true, true)?;
                    if v >= 1000 || v == 0 {
                        return None;
                    }
                    v
                } else if low.chars().count() == 1 {
                    // `两万五` = 25000, as said aloud.
                    chinese_digit(low.chars().next()?).filter(|&d| d > 0)? * 1000
                } else {
                    // `一万二千三百`: the thousands must be written.
                    let v = chinese_section(low, false, true)?;
                    if v < 1000 {
                        return None;
                    }
                    v
                };
                high.checked_mul(10_000)?.checked_add(low)?
            }
        }
    };
    let mut v = Decimal::from(whole);
    if let Some(f) = frac_part {
        if f.is_empty() {
            return None;
        }
        let mut scale = Decimal::new(1, 1);
        for c in f.chars() {
            v += Decimal::from(chinese_digit(c)?) * scale;
            scale /= Decimal::from(10);
        }
    }
    Some(v)
}

/// A number as typed, in `unit` (the fact's unit): `1,268家`, `３０万元`, `十`, `8%`,
/// `300000元`, `40万` or `四十万` for 万元 (→ 30, 40, 40). The error says why (to follow
/// the quoted value: "is not a number").
pub fn parse_number(text: &str, unit: &str) -> Result<Decimal, String> {
    // A raised or lowered digit is a note mark or an exponent, not part of the number
    // (`386¹` is not 3861).
    if text.chars().any(is_script_digit) {
        return Err("is not a number (a superscript or subscript digit, perhaps a note mark, after it: type the number alone and put the note in the part's text)".into());
    }
    let spaced = text.nfkc().collect::<String>();
    if let Some(why) = digits_split_by_space(&spaced) {
        return Err(why.into());
    }
    // White space and invisible characters (a zero-width space pasted from a web page)
    // are not part of the number.
    let t: String = spaced
        .chars()
        .filter(|&c| !c.is_whitespace() && !is_invisible(c))
        .collect::<String>();
    if t.is_empty() {
        return Err("is empty".into());
    }
    parse_number_in(&t, unit).map_err(|e| {
        // A number on the first line and more on the next (`1200⏎其中入驻企业800家`).
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let remark_below = lines.next().is_some_and(|first| {
            lines.next().is_some()
                && parse_number_in(&first.nfkc().collect::<String>(), unit).is_ok()
        });
        let why = if remark_below {
            Some(REMARK)
        } else {
            not_a_number_why(&t)
        };
        match why {
            Some(why) if e == "is not a number" => format!("{e} ({why})"),
            _ => e,
        }
    })
}

/// A superscript or subscript digit (`¹`, `²`, `₂`).
fn is_script_digit(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴'..='⁹' | '₀'..='₉')
}

/// Why digits with white space between them (`4 5`, `30 40`, a struck-through old value
/// beside the new one) are not one number; `1 268` (a space grouping thousands: three
/// digits after it, at most three before) is one.
fn digits_split_by_space(t: &str) -> Option<&'static str> {
    let chars: Vec<char> = t.chars().filter(|&c| !is_invisible(c)).collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = chars[..start]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let after = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if before > 0 && after > 0 {
                let grouping = after == 3
                    && before <= 3
                    && chars[..start - before].last().is_none_or(|c| *c != '.');
                if !grouping {
                    return Some("is not a number (two numbers, or digits split by a space: type one number)");
                }
            }
            continue;
        }
        i += 1;
    }
    None
}

/// A number typed with a remark (`5人（专职3人）`, or the remark on a second line).
const REMARK: &str =
    "a number with a remark: type the number alone and put the remark in the part's text";

/// Why a value that is not a number is not one, when it says so itself: an approximate or
/// bounded value (`约300`, `1200余`, `不低于90%`, `≥90`, `30-40`), or none given (`无`, `/`).
fn not_a_number_why(t: &str) -> Option<&'static str> {
    const NONE: [&str; 9] = ["无", "/", "\\", "—", "——", "-", "空", "暂无", "n/a"];
    const BOUNDS: [&str; 20] = [
        "约",
        "余",
        "多",
        "左右",
        "以上",
        "以下",
        "以内",
        "不低于",
        "不少于",
        "不超过",
        "不高于",
        "超过",
        "至少",
        "大于",
        "小于",
        "≥",
        "≤",
        ">",
        "<",
        "~",
    ];
    if t.contains(super::docx_read::PICTURE) {
        return Some("a picture, not typed text: type the value");
    }
    let lower = t.to_lowercase();
    if NONE.contains(&lower.as_str()) {
        return Some("none given: type 0 if it is zero");
    }
    // A number with a remark after it (`5人（专职3人）`, `12家，其中…`).
    let lead_digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if lead_digits > 0 && t.contains(['(', '（', ',', '，', ';', '；']) && !t.contains("万") {
        let after: String = t.chars().skip(lead_digits).collect();
        if after.contains(['(', '（', '，', ';', '；']) {
            return Some(REMARK);
        }
    }
    let range = t.trim_start_matches('-').contains(['-', '—', '～', '至']);
    (BOUNDS.iter().any(|b| t.contains(b)) || range || t.ends_with('+'))
        .then_some("an approximate, bounded or range value: type the one exact number")
}

/// [`parse_number`] of a value without white space.
fn parse_number_in(t: &str, unit: &str) -> Result<Decimal, String> {
    // A currency sign or word before a sum (`￥300万元`, `人民币40万元`; NFKC made ￥ ¥).
    let mut s = t;
    if MONEY.contains(&unit) {
        for p in ["人民币", "rmb", "RMB", "¥"] {
            if let Some(rest) = s.strip_prefix(p) {
                s = rest;
                break;
            }
        }
    }
    // 整 after a sum in words or figures (`40万元整`, `肆拾万元整`): exactly that sum.
    if MONEY.contains(&unit) {
        if let Some(rest) = s.strip_suffix('整').filter(|r| r.ends_with(['元', '万'])) {
            s = rest;
        }
    }
    // 亿 for a sum in 万元 (`0.3亿元`, `1亿`): ten thousand 万.
    let mut in_yi = false;
    if unit == "万元" {
        if let Some(rest) = s.strip_suffix("亿元").or_else(|| s.strip_suffix('亿')) {
            s = rest;
            in_yi = true;
        }
    }
    let mut in_yuan = false;
    for u in UNITS.iter().filter(|_| !in_yi) {
        if let Some(rest) = s.strip_suffix(u) {
            if MONEY.contains(u) != MONEY.contains(&unit) && !unit.is_empty() {
                return Err(if MONEY.contains(&unit) {
                    format!("is not a sum of money (it counts {u}; the cell asks for {unit})")
                } else {
                    format!("is a sum of money ({u}); the cell asks for a number of {unit}")
                });
            }
            if *u == "元" && unit == "万元" {
                in_yuan = true;
            }
            s = rest;
            break;
        }
    }
    if unit == "万元" && !in_yuan && !in_yi {
        // `40万`, `四十万`: the 万 of 万元 without its 元.
        if let Some(rest) = s.strip_suffix('万') {
            s = rest;
        }
    }
    // Thousands separators: a comma between digits followed by three digits.
    let chars: Vec<char> = s.chars().collect();
    let mut cleaned = String::new();
    for (i, c) in chars.iter().enumerate() {
        if *c == ',' {
            let before = i > 0 && chars[i - 1].is_ascii_digit();
            let after = chars.len() >= i + 4
                && chars[i + 1..i + 4].iter().all(|d| d.is_ascii_digit())
                && chars.get(i + 4).is_none_or(|d| !d.is_ascii_digit());
            if before && after {
                continue;
            }
            return Err("is not a number (a comma in the wrong place)".into());
        }
        cleaned.push(*c);
    }
    let v = if cleaned.chars().all(|c| c.is_ascii_digit() || c == '.')
        && cleaned.chars().any(|c| c.is_ascii_digit())
    {
        cleaned
            .parse::<Decimal>()
            .map_err(|_| "is not a number".to_string())?
    } else if let Some(v) = chinese_number(&cleaned) {
        v
    } else {
        return Err("is not a number".into());
    };
    Ok(if in_yuan {
        v / Decimal::from(10_000)
    } else if in_yi {
        (v * Decimal::from(10_000)).normalize()
    } else {
        v.normalize()
    })
}

/// A variation selector (U+FE00–U+FE0F): it only picks how the character before it is
/// drawn (`☑︎`, `✔️`).
fn is_variation_selector(c: char) -> bool {
    ('\u{FE00}'..='\u{FE0F}').contains(&c)
}

/// A piece of a checkbox cell.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    /// A box or mark: ticked or not (`☑`, `√`, `(√)`; `□`, `( )`).
    Mark(bool),
    /// An option's label (its index).
    Opt(usize),
    /// Any other text.
    Other,
}

/// The pieces of a checkbox cell (NFKC, white space dropped), each with whether white
/// space came before it. Options are matched longest first, so that 非独立设置 is not read
/// as 独立设置.
fn pieces(text: &str, options: &[String]) -> Vec<(Piece, bool)> {
    let mut chars: Vec<(char, bool)> = Vec::new();
    let mut space = false;
    for c in text.nfkc() {
        if is_variation_selector(c) {
            // `☑︎`: the text / emoji presentation of the mark before.
            continue;
        }
        if c.is_whitespace() || is_invisible(c) {
            space = true;
        } else {
            chars.push((c, std::mem::take(&mut space)));
        }
    }
    let labels: Vec<Vec<char>> = options
        .iter()
        .map(|o| {
            o.nfkc()
                .filter(|c| !c.is_whitespace() && !is_invisible(*c))
                .collect()
        })
        .collect();
    let mut out: Vec<(Piece, bool)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (c, space) = chars[i];
        if CHECKED_MARKS.contains(&c) || UNCHECKED_MARKS.contains(&c) {
            out.push((Piece::Mark(CHECKED_MARKS.contains(&c)), space));
            i += 1;
            continue;
        }
        // A mark in brackets: `(√)`, `[√]`, `[x]`, `( )`, `()`.
        if matches!(c, '(' | '[') {
            let inner = chars.get(i + 1).map(|x| x.0);
            let (mark, close) = match inner {
                Some(m) if CHECKED_MARKS.contains(&m) || UNCHECKED_MARKS.contains(&m) => {
                    (CHECKED_MARKS.contains(&m), i + 2)
                }
                // `[x]`, `(X)`: a checked box typed in plain text.
                Some('x' | 'X') => (true, i + 2),
                _ => (false, i + 1),
            };
            if chars.get(close).is_some_and(|x| matches!(x.0, ')' | ']')) {
                out.push((Piece::Mark(mark), space));
                i = close + 1;
                continue;
            }
        }
        let found = labels
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                !l.is_empty()
                    && chars.len() >= i + l.len()
                    && chars[i..i + l.len()]
                        .iter()
                        .map(|x| x.0)
                        .eq(l.iter().copied())
            })
            .max_by_key(|(_, l)| l.len());
        match found {
            Some((k, l)) => {
                out.push((Piece::Opt(k), space));
                i += l.len();
            }
            None => {
                if out.last().is_none_or(|p| p.0 != Piece::Other || space) {
                    out.push((Piece::Other, space));
                }
                i += 1;
            }
        }
    }
    out
}

/// The option ticked in a checkbox cell: `☑独立设置 □非独立设置` → `Ok(0)`. A mark
/// belongs to the option it stands before when the cell's boxes come first (`☑是 □否`),
/// to the option it follows when they come last (`是☑ 否□`), and otherwise to the one
/// option it touches (`是√　否`); a tick that could belong to either is an error, never a
/// guess. A cell holding exactly one option's label (typed, no boxes) counts as that
/// option.
pub fn ticked(text: &str, options: &[String]) -> Result<usize, String> {
    let ps = pieces(text, options);
    let ticks = ps.iter().any(|p| p.0 == Piece::Mark(true));
    // One option left, the others deleted (`□是` once `□否` is gone), typed without a box
    // (`是`) or with its box unticked: that option.
    let opts: Vec<usize> = ps
        .iter()
        .filter_map(|p| match p.0 {
            Piece::Opt(i) => Some(i),
            _ => None,
        })
        .collect();
    if let ([i], false) = (opts.as_slice(), ticks) {
        if options.len() > 1 {
            return Ok(*i);
        }
    }
    let ends: Vec<Piece> = ps
        .iter()
        .map(|p| p.0)
        .filter(|p| *p != Piece::Other)
        .collect();
    let before = matches!(ends.first(), Some(Piece::Mark(_)));
    let after = !before && matches!(ends.last(), Some(Piece::Mark(_)));
    let mut found: Vec<usize> = Vec::new();
    for (k, &(p, space)) in ps.iter().enumerate() {
        if p != Piece::Mark(true) {
            continue;
        }
        let prev = k.checked_sub(1).map(|j| ps[j].0);
        let next = ps.get(k + 1).map(|n| (n.0, n.1));
        // The one option it touches (no space between).
        let touching = || {
            let left = match prev {
                Some(Piece::Opt(o)) if !space => Some(o),
                _ => None,
            };
            let right = match next {
                Some((Piece::Opt(o), false)) => Some(o),
                _ => None,
            };
            match (left, right) {
                (Some(o), None) | (None, Some(o)) => Some(o),
                _ => None,
            }
        };
        let by_layout = if before {
            match next {
                Some((Piece::Opt(o), _)) => Some(o),
                _ => None,
            }
        } else if after {
            match prev {
                Some(Piece::Opt(o)) => Some(o),
                _ => None,
            }
        } else {
            None
        };
        // Where the layout says nothing (a tick typed after the last option of a cell
        // whose boxes come first, `□是 □否✓`), the option it touches.
        let owner = by_layout.or_else(touching);
        match owner {
            Some(o) => found.push(o),
            None => {
                return Err(format!(
                    "\"{text}\": a tick that belongs to no single option; put the mark \
                     right before the option it ticks (☑是 □否)"
                ))
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "\"{text}\": no box ticked; tick one (☑ before the option) or delete the \
             options that do not apply"
        )),
        _ => Err(format!("\"{text}\": more than one box ticked")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// Digits split by white space are two numbers unless the space groups thousands; a
    /// raised digit is a note mark; 整 closes a sum.
    #[test]
    fn spaces_between_digits_superscripts_and_zheng() {
        assert_eq!(parse_number("1 268", "家"), Ok(d("1268")));
        assert_eq!(parse_number("1 268 000元", "元"), Ok(d("1268000")));
        assert_eq!(parse_number("4\n人", "人"), Ok(d("4")));
        assert_eq!(parse_number("40万元整", "万元"), Ok(d("40")));
        assert_eq!(parse_number("肆拾万元整", "万元"), Ok(d("40")));
        for bad in ["4 5", "30 40", "12 34", "1 2680", "0.5 500", "4¹", "3₂"] {
            assert!(parse_number(bad, "人").is_err(), "{bad}");
        }
        assert!(parse_number("12整", "家").is_err());
    }

    #[test]
    fn numbers_as_typed() {
        for (text, unit, want) in [
            ("1,268家", "家", "1268"),
            ("３０万元", "万元", "30"),
            ("十", "人", "10"),
            ("三十二", "件", "32"),
            ("一百零五", "件", "105"),
            ("两万", "人次", "20000"),
            ("一点五", "万元", "1.5"),
            ("8%", "%", "8"),
            ("300000元", "万元", "30"),
            (" 412 ", "家", "412"),
            ("2,500", "万元", "2500"),
            ("52.0", "万元", "52"),
            ("1\u{200B}268家", "家", "1268"),
            ("\u{FEFF}412", "家", "412"),
            // Digit by digit, as a year or a count read out.
            ("三八六", "家", "386"),
            ("二〇二三", "年", "2023"),
            ("九九", "件", "99"),
            ("零", "件", "0"),
            // The standard form, and as said aloud.
            ("一千零五十", "件", "1050"),
            ("一百一十", "件", "110"),
            ("十五", "件", "15"),
            ("三百八", "件", "380"),
            ("一千二", "件", "1200"),
            ("两万五", "人次", "25000"),
            ("一万二千三百", "人次", "12300"),
            ("一万零五", "人次", "10005"),
            ("一万零三百", "人次", "10300"),
            ("十万", "人次", "100000"),
            ("一百零五万", "人次", "1050000"),
            ("叁佰捌拾陆", "家", "386"),
            // 万 typed for 万元 without its 元.
            ("四十万", "万元", "40"),
            ("三十八万", "万元", "38"),
            ("40万", "万元", "40"),
            ("四十万元", "万元", "40"),
            ("400000元", "万元", "40"),
            ("两万", "家", "20000"),
        ] {
            assert_eq!(parse_number(text, unit), Ok(d(want)), "{text}");
        }
        for text in [
            "若干",
            "",
            "1,26",
            "约30",
            "30-40",
            "abc",
            "万",
            "十十",
            "三百百",
            "五十五十",
            "三百八六",
            "一百零五十",
            "十零五",
            "一万五十",
            "三千五万",
            "一百零",
            "点五",
            "一点",
            "40万",
            "万万",
        ] {
            assert!(parse_number(text, "家").is_err(), "{text}");
        }
        // A currency sign or word before a sum, 亿 for a sum in 万元.
        for (text, want) in [
            ("￥300万元", "300"),
            ("人民币40万元", "40"),
            ("0.3亿元", "3000"),
            ("1亿", "10000"),
        ] {
            assert_eq!(parse_number(text, "万元"), Ok(d(want)), "{text}");
        }
        assert!(parse_number("1亿", "家").is_err());
        // What a value that is not a number says of itself is given in the message.
        for (text, why) in [
            ("约300", "approximate"),
            ("1200余", "approximate"),
            ("不低于90%", "approximate"),
            ("≥90", "approximate"),
            ("30-40", "range"),
            ("无", "none given"),
            ("/", "none given"),
            ("5人（专职3人）", "remark"),
            ("5\n（专职3人）", "remark"),
            ("1200\n其中入驻企业800家", "remark"),
        ] {
            let e = parse_number(text, "家").unwrap_err();
            assert!(
                e.starts_with("is not a number (") && e.contains(why),
                "{text}: {e}"
            );
        }
        // A sum of money where a count is asked for, and the reverse.
        assert!(parse_number("40万元", "家").is_err());
        assert!(parse_number("12家", "万元").is_err());
        assert_eq!(parse_number("12", "万元"), Ok(d("12")));
    }

    #[test]
    fn placeholders_left_as_typed() {
        for t in [
            "请填写",
            "（请填写）",
            "如：张三",
            "例：上海某某有限公司",
            "XXXXXXXXXXXXXXXXXX",
            "××××",
            "____",
            "单击或点击此处输入文字。",
            "xxx@xxx.xx",
        ] {
            assert!(is_placeholder(t), "{t}");
        }
        for t in [
            "张三",
            "如意科技有限公司",
            "x",
            "13912345678",
            "无",
            "XX科技有限公司",
        ] {
            assert!(!is_placeholder(t), "{t}");
        }
    }

    #[test]
    fn labels_compare_loosely() {
        assert!(is_label("PCT 专利申请", "PCT专利申请"));
        assert!(is_label(
            "知识产权工作经费\n（万元）",
            "知识产权工作经费（万元）"
        ));
        assert!(is_label("所在部\n门", "所在部门"));
        assert!(is_label("E－mail：", "E-mail"));
        assert!(is_label("所在\u{200B}部门\u{FEFF}", "所在部门"));
        assert!(!is_label("其中中小微企业", "拥有有效专利企业"));
        assert_eq!(
            inline_value("拥有有效专利企业：412家", "拥有有效专利企业").as_deref(),
            Some("412家")
        );
    }

    /// `[x]` is a box ticked in plain text; 🗹 a tick; a tick typed after the last option
    /// of a cell whose boxes come first belongs to the option it touches.
    #[test]
    fn plain_text_boxes_and_a_trailing_tick() {
        let yn: Vec<String> = vec!["是".into(), "否".into()];
        assert_eq!(ticked("[x]是 [ ]否", &yn), Ok(0));
        assert_eq!(ticked("［Ｘ］是　［　］否", &yn), Ok(0));
        assert_eq!(ticked("( )是 (x)否", &yn), Ok(1));
        assert_eq!(ticked("🗹是 □否", &yn), Ok(0));
        assert_eq!(ticked("□是　□否✓", &yn), Ok(1));
        assert_eq!(ticked("□是✓ □否", &yn), Ok(0));
        assert!(ticked("□是 ✓□否", &yn).is_err());
        assert!(ticked("[×]是 [ ]否", &yn).is_err());
    }

    #[test]
    fn ticked_boxes() {
        let o: Vec<String> = ["独立设置", "非独立设置", "未设置"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(ticked("□独立设置 ☑非独立设置 □未设置", &o), Ok(1));
        assert_eq!(ticked("■独立设置 □非独立设置 □未设置", &o), Ok(0));
        assert_eq!(ticked("√未设置", &o), Ok(2));
        assert_eq!(ticked("非独立设置", &o), Ok(1));
        assert!(ticked("□独立设置 □非独立设置 □未设置", &o).is_err());
        assert!(ticked("☑独立设置 ☑未设置", &o).is_err());
        let yn: Vec<String> = vec!["是".into(), "否".into()];
        assert_eq!(ticked("☑是　□否", &yn), Ok(0));
        assert_eq!(ticked("□是 ☒否", &yn), Ok(1));
        // The mark after its option, when the cell's boxes come last.
        assert_eq!(ticked("是☑　否□", &yn), Ok(0));
        assert_eq!(ticked("是□　否☑", &yn), Ok(1));
        assert_eq!(ticked("是 ☑　否 □", &yn), Ok(0));
        // A mark between two options belongs to the one it touches.
        assert_eq!(ticked("是√　否", &yn), Ok(0));
        assert_eq!(ticked("是　√否", &yn), Ok(1));
        // Marks in brackets.
        assert_eq!(ticked("(√)是 ( )否", &yn), Ok(0));
        assert_eq!(ticked("[ ]是 [√]否", &yn), Ok(1));
        assert_eq!(ticked("（√）是　（　）否", &yn), Ok(0));
        // Which option a tick belongs to cannot be told: an error, never a guess.
        assert!(ticked("是 √　否", &yn).is_err());
        assert!(ticked("是√否", &yn).is_err());
        assert!(ticked("是 否", &yn).is_err());
        assert_eq!(ticked("否", &yn), Ok(1));
        // Filled shapes typed over a box, a radio button, an emoji or text presentation.
        for cell in [
            "▇是　□否",
            "█是　□否",
            "●是　○否",
            "✅是　□否",
            "☑\u{FE0E}是　□否",
        ] {
            assert_eq!(ticked(cell, &yn), Ok(0), "{cell}");
        }
        // The other options deleted: the one left counts, its box ticked or not.
        assert_eq!(ticked("□是", &yn), Ok(0));
        assert_eq!(ticked("□否", &yn), Ok(1));
        assert_eq!(ticked("□非独立设置", &o), Ok(1));
        // A mark that is no tick is not read as one.
        assert!(ticked("×是　□否", &yn).is_err());
        assert!(ticked("是　□否", &yn).is_err());
    }
}
