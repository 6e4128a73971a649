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

const UNITS: [&str; 15] = [
    "万元", "元", "人次", "家", "件", "人", "次", "笔", "%", "个", "项", "份", "名", "年", "岁",
];

fn chinese_digit(c: char) -> Option<u64> {
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

/// A Chinese numeral (`十`, `三十二`, `一百零五`, `两万`, `一点五`).
fn chinese_number(s: &str) -> Option<Decimal> {
    if s.is_empty() {
        return None;
    }
    let (int_part, frac_part) = match s.split_once('点') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let mut total: u64 = 0;
    let mut section: u64 = 0;
    let mut digit: Option<u64> = None;
    for c in int_part.chars() {
        if let Some(d) = chinese_digit(c) {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            '万' => {
                section += digit.take().unwrap_or(0);
                total += section * 10_000;
                section = 0;
                continue;
            }
            _ => return None,
        };
        section += digit.take().unwrap_or(1) * unit;
    }
    section += digit.unwrap_or(0);
    total += section;
    let mut v = Decimal::from(total);
    if let Some(f) = frac_part {
        let mut scale = Decimal::new(1, 1);
        for c in f.chars() {
            let d = chinese_digit(c)?;
            v += Decimal::from(d) * scale;
            scale /= Decimal::from(10);
        }
        if f.is_empty() {
            return None;
        }
    }
    if int_part.is_empty() && frac_part.is_none() {
        return None;
    }
    Some(v)
}

/// A number as typed, in `unit` (the fact's unit): `1,268家`, `３０万元`, `十`, `8%`,
/// `300000元` for 万元 (→ 30). Errors quote why.
pub fn parse_number(text: &str, unit: &str) -> Result<Decimal, String> {
    // White space and invisible characters (a zero-width space pasted from a web page)
    // are not part of the number.
    let t: String = text
        .nfkc()
        .filter(|&c| !c.is_whitespace() && !is_invisible(c))
        .collect::<String>();
    if t.is_empty() {
        return Err("is empty".into());
    }
    let mut s = t.as_str();
    let mut in_yuan = false;
    for u in UNITS {
        if let Some(rest) = s.strip_suffix(u) {
            if u == "元" && unit == "万元" {
                in_yuan = true;
            }
            s = rest;
            break;
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
            return Err(format!(
                "\"{text}\" is not a number (a comma in the wrong place)"
            ));
        }
        cleaned.push(*c);
    }
    let v = if cleaned.chars().all(|c| c.is_ascii_digit() || c == '.')
        && cleaned.chars().any(|c| c.is_ascii_digit())
    {
        cleaned
            .parse::<Decimal>()
            .map_err(|_| format!("\"{text}\" is not a number"))?
    } else if let Some(v) = chinese_number(&cleaned) {
        v
    } else {
        return Err(format!("\"{text}\" is not a number"));
    };
    Ok(if in_yuan {
        v / Decimal::from(10_000)
    } else {
        v.normalize()
    })
}

/// The option ticked in a checkbox cell: `☑独立设置 □非独立设置` → `Ok(Some(0))`. A cell
/// holding exactly one option's label (typed, no boxes) counts as that option.
pub fn ticked(text: &str, options: &[String]) -> Result<usize, String> {
    let t: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    let bare: String = t
        .chars()
        .filter(|c| !CHECKED_MARKS.contains(c) && !UNCHECKED_MARKS.contains(c))
        .collect();
    if let Some(i) = options.iter().position(|o| norm(o) == norm(&bare)) {
        if !t.chars().any(|c| UNCHECKED_MARKS.contains(&c)) {
            return Ok(i);
        }
    }
    // Longest labels first, so that 非独立设置 is not read as 独立设置.
    let mut order: Vec<usize> = (0..options.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(options[*i].chars().count()));
    let mut found: Vec<usize> = Vec::new();
    let mut taken = vec![false; t.len()];
    for i in order {
        let o: String = options[i].nfkc().filter(|c| !c.is_whitespace()).collect();
        let mut from = 0;
        while let Some(p) = t[from..].find(&o) {
            let at = from + p;
            from = at + o.len();
            if taken[at] {
                continue;
            }
            for b in taken.iter_mut().skip(at).take(o.len()) {
                *b = true;
            }
            let mark = t[..at].chars().next_back();
            if mark.is_some_and(|m| CHECKED_MARKS.contains(&m)) {
                found.push(i);
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!("\"{text}\": no box ticked")),
        _ => Err(format!("\"{text}\": more than one box ticked")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
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
        ] {
            assert_eq!(parse_number(text, unit), Ok(d(want)), "{text}");
        }
        for text in ["若干", "", "1,26", "约30", "30-40", "abc"] {
            assert!(parse_number(text, "家").is_err(), "{text}");
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
    }
}
