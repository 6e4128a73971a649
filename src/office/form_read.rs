//! Reads a filled 申报书 (paragraphs and tables from [`super::docx_read`]) into a raw
//! application (`panel-raw/1`), finding every value by its label as the program's form
//! ([`super::form_layout`]) prints it. A value that cannot be read is listed with the cell
//! looked at and never guessed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::cell_values::{
    chinese_digit, inline_value, is_label, is_placeholder, norm, norm_bare, parse_number, ticked,
};
use super::docx_read::{DocBlock, DocCell, PICTURE};
use super::form_layout::{
    check_options, grid_cells, slot_paths, Block, FormLayout, IdField, Slot, LEAD_FIELDS,
    MEMBER_COLUMNS, TEAM_COLUMNS,
};
use crate::anonymize::{Identity, Partner, Person, RawApplication, RAW_SCHEMA};
use crate::bundle::{Attachment, Section};
use crate::rubric::{FactType, Rubric};

/// A value the form did not give.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Missing {
    /// Fact key, identity field (`identity.applicant`), `title` or `sections.<key>`.
    pub key: String,
    /// What was looked at and why it is not a value.
    pub message: String,
}

/// The result of reading one form.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    pub raw: RawApplication,
    pub missing: Vec<Missing>,
    /// Identity fields whose label was found with an empty value: written without them
    /// (not a failure), reported because anonymize cannot redact what it does not know.
    pub warnings: Vec<Missing>,
    /// Attachments the form names that are not beside it.
    pub absent_attachments: Vec<String>,
}

/// What the reader found for one slot.
enum Found {
    /// The label was found; the value cell's text (maybe empty), where (table and row) and
    /// the value cell's place in the row (1-based), when there is one.
    Value(String, String, Option<usize>),
    /// A value typed after the label in its own cell (`专业人员数：5人`) and another in the
    /// value cell (`4`): both, where, and the value cell's place.
    Twice(String, String, String, usize),
    /// A number whose label names one unit and whose unit cell another (`（亿元）` in the
    /// label, 万元 printed after the box): the value, where, the value cell's place, and
    /// what the two say.
    TwoUnits(String, String, usize, String),
    /// No row holds the labels.
    NoLabel,
}

/// Table numbers from here on name a table converted to text: `CONVERTED + b` is the one
/// whose first paragraph is block `b` (1-based), its rows the paragraphs from there.
const CONVERTED: usize = 1 << 20;

/// Where row `r` (1-based) of table `t` is, for a message.
fn place_of(t: usize, r: usize) -> String {
    if t >= CONVERTED {
        format!(
            "paragraph {} of a table converted to text",
            t - CONVERTED + r - 1
        )
    } else {
        format!("table {t} row {r}")
    }
}

/// The blocks with each run of paragraphs holding tabs (a table converted to text with
/// Word's 表格转换成文本, cells separated by tabs) as a table of those cells, and each
/// table's number (1-based; see [`CONVERTED`] for a converted one).
fn with_converted_tables(blocks: &[DocBlock]) -> Vec<(DocBlock, usize)> {
    let mut out: Vec<(DocBlock, usize)> = Vec::new();
    let mut t = 0;
    let mut run: Option<(usize, Vec<Vec<DocCell>>)> = None;
    for (i, b) in blocks.iter().enumerate() {
        if let DocBlock::Para(p) = b {
            if p.contains('\t') && !p.trim().is_empty() {
                let row = p
                    .split('\t')
                    .enumerate()
                    .map(|(k, c)| DocCell {
                        text: c.trim().to_string(),
                        col: k,
                        span: 1,
                        merged: false,
                    })
                    .collect();
                run.get_or_insert((i + 1, Vec::new())).1.push(row);
                continue;
            }
        }
        if let Some((first, rows)) = run.take() {
            out.push((DocBlock::Table(rows), CONVERTED + first));
        }
        if let DocBlock::Table(_) = b {
            t += 1;
        }
        out.push((b.clone(), t));
    }
    if let Some((first, rows)) = run {
        out.push((DocBlock::Table(rows), CONVERTED + first));
    }
    out
}

/// All table rows in document order, with their table number (see
/// [`with_converted_tables`]) and row number (1-based).
fn rows(blocks: &[(DocBlock, usize)]) -> Vec<(usize, usize, &Vec<DocCell>)> {
    let mut out = Vec::new();
    for (b, t) in blocks {
        if let DocBlock::Table(rs) = b {
            for (i, r) in rs.iter().enumerate() {
                out.push((*t, i + 1, r));
            }
        }
    }
    out
}

fn unit_only(s: &str) -> bool {
    let n = norm(s);
    matches!(
        n.as_str(),
        "家" | "件" | "人" | "万元" | "次" | "笔" | "%" | "人次" | "元" | "个" | "项"
    )
}

/// Whether `s` is a number followed by one of the form's units (`1200家`).
fn ends_in_unit(s: &str) -> bool {
    let n = norm(s);
    [
        "家", "件", "人", "万元", "次", "笔", "%", "人次", "元", "个", "项", "条",
    ]
    .iter()
    .any(|u| {
        n.strip_suffix(u)
            .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// A unit word as printed in a unit cell or a label's brackets (`亿元`, `万人`, `%`).
fn unit_word(s: &str) -> Option<String> {
    let n = norm(s);
    let n = n
        .trim_start_matches('单')
        .trim_start_matches('位')
        .trim_start_matches(['/', ':']);
    const UNITS: [&str; 19] = [
        "亿元",
        "千万元",
        "百万元",
        "万元",
        "千元",
        "元",
        "万人",
        "人",
        "人次",
        "万家",
        "家",
        "万件",
        "件",
        "项",
        "笔",
        "次",
        "个",
        "条",
        "%",
    ];
    UNITS.contains(&n).then(|| n.to_string())
}

/// The unit the applicant gives a value by its label (`知识产权质押融资金额（亿元）`) and the
/// unit cell after it (`亿元` typed over the printed 万元): `Ok(Some(unit))` when one unit
/// of money or of ten thousands is given, `Ok(None)` when none or a count's own unit, `Err`
/// naming both when the label and the unit cell disagree.
fn typed_unit(label: &str, unit_cell: Option<&str>) -> Result<Option<String>, String> {
    let n = norm(label);
    let in_label = n
        .rfind('(')
        .and_then(|i| n[i + 1..].strip_suffix(')'))
        .and_then(unit_word);
    let in_cell = unit_cell.and_then(unit_word);
    match (in_label, in_cell) {
        (Some(a), Some(b)) if a != b => Err(format!(
            "the label says {a} and the unit cell {b} (标签为{a}，单位栏为{b})"
        )),
        // Only a unit that scales the number matters: a count's own unit (家, 条, 人)
        // printed after the box changes nothing.
        (Some(u), _) | (None, Some(u)) if u.contains(['元', '万']) => Ok(Some(u)),
        _ => Ok(None),
    }
}

/// The year a column header names, however typed: `2023年`, `2023`, `2023年度`,
/// `二〇二三年`.
fn year_of(s: &str) -> Option<u32> {
    let n = norm(s);
    let n = n.strip_suffix("度").unwrap_or(&n);
    let n = n.strip_suffix('年').unwrap_or(n);
    let digits: String = n
        .chars()
        .map(|c| match chinese_digit(c) {
            Some(d) => char::from(b'0' + d as u8),
            None if c == 'o' => '0',
            None => c,
        })
        .collect();
    (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

fn ends_in_digit(s: &str) -> bool {
    s.trim().nfkc().last().is_some_and(|c| c.is_ascii_digit())
}

/// Finds the value after `path` (row label, then the label just before the value).
fn find(
    all: &[(usize, usize, &Vec<DocCell>)],
    path: &[String],
    labels: &[String],
    year: bool,
) -> Found {
    let Some(last) = path.last() else {
        return Found::NoLabel;
    };
    for (ti, (t, r, row)) in all.iter().enumerate() {
        let Some(first_at) = row
            .iter()
            .position(|c| is_label(&c.text, &path[0]) || inline_value(&c.text, &path[0]).is_some())
        else {
            continue;
        };
        let at = if path.len() > 1 {
            match row.iter().enumerate().skip(first_at + 1).find(|(_, c)| {
                is_label(&c.text, last)
                    || inline_value(&c.text, last).is_some()
                    || (year && year_of(last).is_some() && year_of(&c.text) == year_of(last))
            }) {
                Some((i, _)) => i,
                None => continue,
            }
        } else {
            first_at
        };
        let place = place_of(*t, *r);
        let is_known = |s: &str| labels.iter().any(|l| is_label(s, l));
        if let Some(v) = inline_value(&row[at].text, last) {
            // Another value in the cell after it: two values, neither taken.
            let other = row
                .get(at + 1)
                .filter(|c| !(c.merged && c.text == row[at].text))
                .map(|c| c.text.trim())
                .filter(|o| {
                    !o.is_empty()
                        && !unit_only(o)
                        && !is_known(o)
                        && !is_placeholder(o)
                        && norm(o) != norm(&v)
                });
            if let Some(o) = other {
                return Found::Twice(v, o.to_string(), place, at + 2);
            }
            return Found::Value(v, place, Some(at + 1));
        }
        // Years as a header row: the value is below, same column.
        let below = || {
            let (nt, nr, next) = all.get(ti + 1).filter(|(nt, _, _)| nt == t)?;
            let (i, below) = next
                .iter()
                .enumerate()
                .find(|(_, b)| b.col == row[at].col)?;
            Some(Found::Value(
                below.text.clone(),
                place_of(*nt, *nr),
                Some(i + 1),
            ))
        };
        match row.get(at + 1) {
            Some(c) if !c.merged || c.text != row[at].text => {
                if year && (is_known(&c.text) || c.text.trim().is_empty()) {
                    if let Some(v) = below() {
                        return v;
                    }
                }
                if is_known(&c.text) {
                    continue;
                }
                let text = if unit_only(&c.text) {
                    ""
                } else {
                    c.text.as_str()
                };
                // The value typed over the unit printed after its box (`1200家` in the 家
                // cell, the box left empty).
                if text.trim().is_empty() {
                    if let Some(u) = row.get(at + 2).filter(|u| {
                        !u.merged
                            && !unit_only(&u.text)
                            && !is_known(&u.text)
                            && ends_in_unit(&u.text)
                    }) {
                        return Found::Value(u.text.clone(), place, Some(at + 3));
                    }
                }
                if !year {
                    match typed_unit(&row[at].text, row.get(at + 2).map(|u| u.text.as_str())) {
                        // The label or the unit cell says another unit than the form
                        // prints (`（亿元）`, `亿元` typed over 万元): the number is in it.
                        Ok(Some(u)) if ends_in_digit(text) => {
                            return Found::Value(
                                format!("{}{u}", text.trim()),
                                place,
                                Some(at + 2),
                            );
                        }
                        Ok(_) => {}
                        Err(units) if ends_in_digit(text) => {
                            return Found::TwoUnits(text.to_string(), place, at + 2, units);
                        }
                        Err(_) => {}
                    }
                }
                return Found::Value(text.to_string(), place, Some(at + 2));
            }
            _ => {
                if year {
                    if let Some(v) = below() {
                        return v;
                    }
                }
                return Found::Value(String::new(), place, None);
            }
        }
    }
    Found::NoLabel
}

/// Finds the value of a grid cell (seed 003's 人员信息): the row whose first cell is
/// `row_label`, in the column of the nearest row above it (same table) holding `column`.
fn find_grid(all: &[(usize, usize, &Vec<DocCell>)], row_label: &str, column: &str) -> Found {
    for (i, (t, r, row)) in all.iter().enumerate() {
        let Some(first) = row.first() else { continue };
        // The row's person may be typed into its label cell (`项目联系人：蔡嘉欣`).
        let inline = inline_value(&first.text, row_label);
        if !is_label(&first.text, row_label) && inline.is_none() {
            continue;
        }
        let header = all[..i]
            .iter()
            .rev()
            .take_while(|(ht, _, _)| ht == t)
            .find_map(|(_, _, h)| h.iter().find(|c| is_label(&c.text, column)));
        let Some(head) = header else { continue };
        let place = place_of(*t, *r);
        let cell = row
            .iter()
            .enumerate()
            .find(|(_, c)| c.col <= head.col && head.col < c.col + c.span.max(1))
            .filter(|(_, c)| !c.merged && c.col != first.col);
        let text = cell.map(|(_, c)| c.text.clone()).unwrap_or_default();
        if let Some(v) = inline.filter(|_| is_label(column, "姓名")) {
            if text.trim().is_empty() || norm(&text) == norm(&v) {
                return Found::Value(v, place, cell.map(|(i, _)| i + 1));
            }
            return Found::Twice(v, text, place, cell.map_or(1, |(i, _)| i + 1));
        }
        return Found::Value(text, place, cell.map(|(i, _)| i + 1));
    }
    Found::NoLabel
}

/// Whether a slot holds one line: a name, number or code (not an address list of
/// 参加单位, one per line, nor free text).
fn single_line(slot: &Slot) -> bool {
    match slot {
        Slot::Title | Slot::Lead(_) => true,
        Slot::Id(f) => *f != IdField::Partner,
        _ => false,
    }
}

/// Whether a slot holds a number or code (phone, e-mail, ID number, credit code, account,
/// postcode), which full-width characters do not change.
fn is_code(slot: &Slot) -> bool {
    match slot {
        Slot::Id(f) => matches!(
            f,
            IdField::CreditCode
                | IdField::LegalRepPhone
                | IdField::BankAccount
                | IdField::Landline
                | IdField::Mobile
                | IdField::Email
                | IdField::LegalRepIdNumber
                | IdField::LegalRepEmail
                | IdField::ContactIdNumber
        ),
        Slot::Lead(k) => matches!(*k, "id_number" | "mobile" | "email" | "landline"),
        _ => false,
    }
}

/// `v` with its line breaks taken out: none between two Chinese characters (a name
/// wrapped by hand), a space otherwise.
fn one_line(v: &str) -> String {
    let mut out = String::new();
    for line in v.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let cjk = |c: Option<char>| c.is_some_and(|c| c as u32 >= 0x2E80);
        let joins = out.is_empty() || (cjk(out.chars().last()) && cjk(line.chars().next()));
        if !joins {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// Why no cell holds the labels `path`, and what to do: the row was removed, its label
/// changed, or the table converted to text (the label is then in a paragraph).
fn not_found(blocks: &[DocBlock], path: &[String]) -> String {
    let labels = path.join(" / ");
    let first = path.first().map(|l| norm_bare(l)).unwrap_or_default();
    let para = blocks.iter().enumerate().find_map(|(i, b)| match b {
        DocBlock::Para(p) if !first.is_empty() && norm_bare(p).starts_with(&first) => Some(i + 1),
        _ => None,
    });
    let pictures: usize = blocks
        .iter()
        .map(|b| match b {
            DocBlock::Para(p) => p.matches(PICTURE).count(),
            DocBlock::Table(rows) => rows
                .iter()
                .flatten()
                .filter(|c| !c.merged)
                .map(|c| c.text.matches(PICTURE).count())
                .sum(),
        })
        .sum();
    let pictures = if pictures > 0 {
        format!(
            "; the form holds {pictures} picture(s): a table pasted as a picture cannot be \
             read, type its values into the form's table"
        )
    } else {
        String::new()
    };
    match para {
        Some(i) => format!(
            "cell \"{labels}\" not found in any table, but its label is in a paragraph \
             (block {i}): the table seems converted to text; put the values back into the \
             form's table (panel form prints a blank one){pictures}"
        ),
        None => format!(
            "cell \"{labels}\" not found in any table: the form's row was removed, or its \
             label changed or typed into one cell with the value without a colon; restore \
             the row as the blank form prints it (or type `label：value`){pictures}"
        ),
    }
}

fn cell_note(path: &[String]) -> String {
    path.last().cloned().unwrap_or_default()
}

/// The part headings of the layout: (normalized heading, section key).
fn headings(l: &FormLayout) -> Vec<(String, Option<String>, String)> {
    l.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, section } => {
                let bare = match text.find('、') {
                    Some(i) => &text[i + '、'.len_utf8()..],
                    None => text.as_str(),
                };
                Some((norm_bare(bare), section.clone(), text.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Which heading `text` is (its first line), if any. A heading numbered or punctuated
/// otherwise than the form prints it (`三．项目工作方案`, `3. 项目工作方案`, `（三）…`,
/// `第三部分 …`, `三、项目工作方案：`) is the same heading.
fn heading_of(text: &str, hs: &[(String, Option<String>, String)]) -> Option<usize> {
    let first = text.lines().next().unwrap_or("").trim();
    let n = norm_bare(first);
    let (renumbered, numbered) = without_numbering(&n);
    // `经费预算：` introduces a table; a heading has no colon, unless it is numbered.
    if first.ends_with([':', '：']) && !numbered {
        return None;
    }
    let n = match n.find('、') {
        Some(i) if n[..i].chars().count() <= 3 => n[i + '、'.len_utf8()..].to_string(),
        _ => n,
    };
    if n.is_empty() {
        return None;
    }
    // The full heading first (`一、申报单位基本信息（…）`), then without parentheses, then
    // without its numbering.
    let full = norm(first);
    hs.iter()
        .position(|(_, _, text)| norm(text) == full)
        .or_else(|| hs.iter().position(|(h, _, _)| *h == n))
        .or_else(|| {
            let r = renumbered.trim_end_matches(['.', '。']);
            (numbered && !r.is_empty())
                .then(|| hs.iter().position(|(h, _, _)| h == r))
                .flatten()
        })
}

/// A heading's text (as [`norm_bare`] gives it) without the part number before it
/// (`三、` `三.` `3.` `3、` `第三部分` `第3章`), and whether it had one.
fn without_numbering(n: &str) -> (String, bool) {
    let chars: Vec<char> = n.chars().collect();
    let ordinal = chars.first() == Some(&'第');
    let start = usize::from(ordinal);
    let digits = chars[start..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十〇零".contains(**c))
        .count();
    if digits == 0 || digits > 3 {
        return (n.to_string(), false);
    }
    let mut i = start + digits;
    if ordinal {
        let rest: String = chars[i..].iter().collect();
        match ["部分", "部", "章", "节", "项"]
            .iter()
            .find(|w| rest.starts_with(**w))
        {
            Some(w) => i += w.chars().count(),
            None => return (n.to_string(), false),
        }
    }
    // `三 项目工作方案`: the space after the number is gone here.
    if chars
        .get(i)
        .is_some_and(|c| matches!(c, '、' | '.' | ',' | '，' | '。'))
    {
        i += 1;
    }
    (chars[i..].iter().collect(), true)
}

/// Text outside the form's parts (before the first heading, or under a heading that
/// starts no rubric section): where it is and what it says.
struct Outside {
    place: String,
    text: String,
}

/// The section texts: what follows each heading up to the next (paragraphs kept; a table
/// row as its cells joined by `　`), without the form's hint line; and the paragraphs and
/// cells outside every section, for [`unread`] to tell the form's own text from what was
/// typed there.
fn section_texts(blocks: &[DocBlock], l: &FormLayout) -> (BTreeMap<String, String>, Vec<Outside>) {
    let hs = headings(l);
    let hints: Vec<String> = l
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::TextBox { hint, .. } if !hint.is_empty() => Some(norm(hint)),
            _ => None,
        })
        .collect();
    let mut cur: Option<String> = None;
    // The heading last seen (for where outside text is).
    let mut under: Option<String> = None;
    let mut outside: Vec<Outside> = Vec::new();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let push = |cur: &Option<String>, line: &str, out: &mut BTreeMap<String, Vec<String>>| {
        if let Some(k) = cur {
            if !hints.contains(&norm(line)) {
                out.entry(k.clone()).or_default().push(line.to_string());
            }
        }
    };
    let whereabouts = |under: &Option<String>, what: String| match under {
        Some(h) => format!("{what} under \"{h}\""),
        None => format!("{what} before the first part heading"),
    };
    let mut t = 0;
    for b in blocks {
        match b {
            DocBlock::Para(tabbed) => {
                // A tab is a space in the text (see `with_converted_tables`).
                let p = &tabbed.replace('\t', " ");
                if let Some(i) = heading_of(p, &hs) {
                    cur = hs[i].1.clone();
                    under = Some(hs[i].2.clone());
                    continue;
                }
                if cur.is_none() {
                    // A row of a table converted to text: cell by cell.
                    for piece in tabbed.split('\t').filter(|c| !c.trim().is_empty()) {
                        outside.push(Outside {
                            place: whereabouts(&under, "a paragraph".into()),
                            text: piece.trim().to_string(),
                        });
                    }
                }
                push(&cur, p, &mut out);
            }
            DocBlock::Table(rs) => {
                t += 1;
                for (r, row) in rs.iter().enumerate() {
                    let cells: Vec<&DocCell> = row.iter().filter(|c| !c.merged).collect();
                    // A heading typed into a table row (a form kept as one big table).
                    if let Some(first) = cells.first() {
                        if let Some(i) = heading_of(&first.text, &hs) {
                            cur = hs[i].1.clone();
                            under = Some(hs[i].2.clone());
                            let rest: Vec<&str> = first.text.lines().skip(1).collect();
                            for line in rest {
                                push(&cur, line, &mut out);
                            }
                            for c in cells.iter().skip(1) {
                                for line in c.text.lines() {
                                    push(&cur, line, &mut out);
                                }
                            }
                            continue;
                        }
                    }
                    if cur.is_none() {
                        for (k, c) in cells.iter().enumerate() {
                            if !c.text.trim().is_empty() {
                                outside.push(Outside {
                                    place: whereabouts(
                                        &under,
                                        format!("table {t} row {} cell {}", r + 1, k + 1),
                                    ),
                                    text: c.text.trim().to_string(),
                                });
                            }
                        }
                    }
                    if cells.len() == 1 {
                        for line in cells[0].text.lines() {
                            push(&cur, line, &mut out);
                        }
                    } else {
                        let line: Vec<String> = cells
                            .iter()
                            .map(|c| c.text.replace('\n', " ").trim().to_string())
                            .filter(|t| !t.is_empty())
                            .collect();
                        if !line.is_empty() {
                            push(&cur, &line.join("　"), &mut out);
                        }
                    }
                }
            }
        }
    }
    let texts = out
        .into_iter()
        .map(|(k, lines)| {
            // Trim blank lines at both ends, keep the paragraphs inside.
            let text = lines.join("\n");
            (k, text.trim().to_string())
        })
        .collect();
    (texts, outside)
}

/// The text typed outside the form's parts that nothing read: not the blank form's own
/// text (`printed`, normalized), and not a value read from its cell (`read`, e.g. the
/// title on the cover). Each is a warning: it is in no raw application field.
fn unread(outside: Vec<Outside>, printed: &BTreeSet<String>, read: &[String]) -> Vec<Missing> {
    let consumed = |text: &str| {
        if printed.contains(&norm(text)) || printed.contains(&norm_bare(text)) {
            return true;
        }
        read.iter().filter(|v| !v.is_empty()).any(|v| {
            let rest = norm(&text.replace(v.as_str(), ""));
            rest.is_empty() || printed.contains(&rest) || norm(text) == norm(v)
        })
    };
    outside
        .into_iter()
        .filter(|o| !consumed(&o.text))
        .map(|o| {
            let shown: String = o.text.chars().take(80).collect();
            let more = if o.text.chars().count() > 80 {
                "…"
            } else {
                ""
            };
            Missing {
                key: "unread".into(),
                message: format!(
                    "text typed outside the form's parts ({}) is in no field of the raw \
                     application: \"{}{more}\"; if the review needs it, move it into a part \
                     of the form and ingest again, or add it to a section of the raw \
                     application by hand",
                    o.place,
                    shown.replace('\n', " ")
                ),
            }
        })
        .collect()
}

/// The blank form's own text (its paragraphs, cells and their lines), normalized.
fn printed_text(rubric: &Rubric, l: &FormLayout) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(bytes) = super::form_write::form_docx(rubric, l, &Default::default()) else {
        return out;
    };
    let Ok(blocks) = super::docx_read::read_docx_bytes(Path::new("blank.docx"), &bytes) else {
        return out;
    };
    let mut add = |t: &str| {
        out.insert(norm(t));
        out.insert(norm_bare(t));
        for line in t.lines() {
            out.insert(norm(line));
        }
    };
    for b in &blocks {
        match b {
            DocBlock::Para(p) => add(p),
            DocBlock::Table(rs) => rs.iter().flatten().for_each(|c| add(&c.text)),
        }
    }
    out.remove("");
    out
}

/// The columns of a header row of the 项目主要人员 table (姓名, 性别, 年龄 …) or of seed
/// 003's 项目组全部成员 (姓名, 身份证号码, 承担任务 …): (grid column, key).
fn team_header(row: &[DocCell]) -> Option<Vec<(usize, &'static str)>> {
    let has = |l: &str| row.iter().any(|c| is_label(&c.text, l));
    let columns: &[(&str, &'static str)] = if has("姓名") && has("性别") && has("年龄") {
        &TEAM_COLUMNS
    } else if has("姓名") && has("身份证号码") && has("承担任务") {
        &MEMBER_COLUMNS
    } else {
        return None;
    };
    Some(
        row.iter()
            .filter_map(|c| {
                columns
                    .iter()
                    .find(|(l, _)| is_label(&c.text, l))
                    .map(|(_, k)| (c.col, *k))
            })
            .collect(),
    )
}

/// The 项目主要人员 table: rows under a header with 姓名, 性别 and 年龄 (or, seed 003's
/// 项目组全部成员, 姓名, 身份证号码 and 承担任务). A table split across pages counts as one:
/// the tables that follow it with only blank paragraphs between and rows of the same
/// columns continue it, and a header row repeated on the next page is not a person.
/// The team's rows, and the 姓名 cells that held several names.
fn team_rows(blocks: &[DocBlock]) -> (Vec<BTreeMap<&'static str, String>>, Vec<String>) {
    let mut out = Vec::new();
    let mut several = Vec::new();
    let mut cols: Option<Vec<(usize, &'static str)>> = None;
    // The header row's cell columns, which a continuation table's rows must have.
    let mut shape: Vec<usize> = Vec::new();
    for b in blocks {
        let rs = match b {
            DocBlock::Table(rs) => rs,
            DocBlock::Para(p) if p.trim().is_empty() => continue,
            DocBlock::Para(_) => {
                if cols.is_some() {
                    break;
                }
                continue;
            }
        };
        if cols.is_some() {
            let continues = rs.first().is_some_and(|first| {
                team_header(first).is_some()
                    || first.iter().map(|c| c.col).collect::<Vec<_>>() == shape
            });
            if !continues {
                break;
            }
        }
        for row in rs {
            if let Some(header) = team_header(row) {
                if cols.is_none() {
                    shape = row.iter().map(|c| c.col).collect();
                    cols = Some(header);
                }
                continue;
            }
            let Some(c) = &cols else { continue };
            let mut p = BTreeMap::new();
            for (col, key) in c {
                if let Some(cell) = row.iter().find(|x| x.col == *col) {
                    // A name, number or code wrapped by hand is one line; the task is text.
                    let text = cell.text.replace(PICTURE, "");
                    let t = if *key == "task" {
                        text.trim().to_string()
                    } else {
                        one_line(&text)
                    };
                    if !t.is_empty() && !is_placeholder(&t) {
                        p.insert(*key, t);
                    }
                }
            }
            // A row closing the table (合计 / 共7人, （以下空白）) names no one.
            let first = row.first().map(|c| norm(&c.text)).unwrap_or_default();
            if ["合计", "小计", "总计", "共计"].contains(&first.as_str()) {
                continue;
            }
            let Some(name) = p.get("name").cloned() else {
                continue;
            };
            if !is_person_name(&name) {
                continue;
            }
            // Several people typed into one row (`孔令辉、施雨桐`): each is a person (their
            // names are identifiers to redact), and the row is reported.
            let mut names: Vec<&str> = name
                .split(['、', '，', ',', '；', ';', '/', '／'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect();
            // Or split by a space or a line break (`罗丽华 孙启明`) when each part is a
            // Chinese name (two to four Han characters).
            let spaced: Vec<&str> = name
                .split(char::is_whitespace)
                .filter(|n| !n.is_empty())
                .collect();
            if names.len() == 1
                && spaced.len() > 1
                && spaced.iter().all(|n| {
                    (2..=4).contains(&n.chars().count())
                        && n.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
                })
            {
                names = spaced;
            }
            if names.len() > 1 {
                several.push(name.clone());
                for n in names {
                    let mut one = p.clone();
                    one.insert("name", n.to_string());
                    out.push(one);
                }
            } else {
                out.push(p);
            }
        }
    }
    (out, several)
}

/// Whether a team row's 姓名 cell names a person: not a note closing the table
/// (`（以下空白）`, `以下无`, `无`) nor a count (`7人`, `共7人`).
fn is_person_name(name: &str) -> bool {
    let n = norm_bare(name);
    !(n.is_empty()
        || n.contains("空白")
        || n.starts_with("以下")
        || ["无", "略", "同上", "..."].contains(&n.as_str())
        || n.chars().all(|c| matches!(c, '.' | '…' | '-' | '—'))
        || n.chars().any(|c| c.is_ascii_digit()))
}

/// The attachments the form lists (a table with a 附件名称 column). A list split across
/// pages counts as one, as [`team_rows`] reads the team: the tables that follow it with only
/// blank paragraphs between and rows of the same columns continue it, and its header row
/// repeated on the next page is not an attachment.
fn attachment_names(blocks: &[DocBlock]) -> Vec<String> {
    let header_col = |row: &[DocCell]| {
        row.iter()
            .find(|c| is_label(&c.text, "附件名称"))
            .map(|c| c.col)
    };
    let mut out = Vec::new();
    // The 附件名称 column and the header row's cell columns of the list being read.
    let mut list: Option<(usize, Vec<usize>)> = None;
    for b in blocks {
        let rs = match b {
            DocBlock::Table(rs) => rs,
            DocBlock::Para(p) if p.trim().is_empty() => continue,
            DocBlock::Para(_) => {
                list = None;
                continue;
            }
        };
        if let Some((_, shape)) = &list {
            let continues = rs.first().is_some_and(|first| {
                header_col(first).is_some()
                    || first.iter().map(|c| c.col).collect::<Vec<_>>() == *shape
            });
            if !continues {
                list = None;
            }
        }
        for row in rs {
            if let Some(k) = header_col(row) {
                list = Some((k, row.iter().map(|c| c.col).collect()));
                continue;
            }
            let Some((k, _)) = &list else { continue };
            if let Some(c) = row.iter().find(|c| c.col == *k) {
                let t = c.text.trim();
                if !t.is_empty() {
                    out.push(t.to_string());
                }
            }
        }
    }
    out
}

fn person_from(p: &BTreeMap<&'static str, String>) -> Person {
    let g = |k: &str| p.get(k).cloned();
    Person {
        name: p.get("name").cloned().unwrap_or_default(),
        gender: g("gender"),
        age: p.get("age").and_then(|a| {
            use rust_decimal::prelude::ToPrimitive;
            parse_number(a, "岁")
                .ok()
                .filter(|d| d.fract().is_zero())
                .and_then(|d| d.to_u32())
        }),
        title: g("title"),
        major: g("major"),
        task: g("task"),
        org: g("org"),
        id_number: g("id_number"),
        department: g("department"),
        education: g("education"),
        ..Person::default()
    }
}

/// Whether the document is this program's form: its title (or, for a form without a
/// seed layout, the rubric's title) appears in a paragraph or cell.
pub fn is_form_of(blocks: &[DocBlock], l: &FormLayout) -> bool {
    let want = norm(&l.title.replace("申报书", ""));
    let mut text = String::new();
    for b in blocks.iter().take(40) {
        match b {
            DocBlock::Para(p) => text.push_str(p),
            DocBlock::Table(rs) => {
                for r in rs.iter().take(5) {
                    for c in r {
                        text.push_str(&c.text);
                    }
                }
            }
        }
    }
    norm(&text).contains(&want)
}

/// Reads the form `blocks` of program `rubric` (file `path`, for attachments beside it).
pub fn ingest(path: &Path, blocks: &[DocBlock], rubric: &Rubric, l: &FormLayout) -> Ingested {
    let converted = with_converted_tables(blocks);
    let tabled: Vec<DocBlock> = converted.iter().map(|(b, _)| b.clone()).collect();
    let all = rows(&converted);
    let paths = slot_paths(l);
    let labels: Vec<String> = l
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(rs) => Some(rs),
            _ => None,
        })
        .flatten()
        .flatten()
        .filter_map(|(c, _)| match c {
            super::form_layout::Cell::Label(s) => Some(s.clone()),
            _ => None,
        })
        .chain(TEAM_COLUMNS.iter().map(|(l, _)| l.to_string()))
        .chain(MEMBER_COLUMNS.iter().map(|(l, _)| l.to_string()))
        .chain(l.blocks.iter().flat_map(|b| {
            match b {
                Block::Grid {
                    corner,
                    columns,
                    rows,
                } => std::iter::once(corner.clone())
                    .chain(columns.iter().cloned())
                    .chain(rows.iter().map(|(r, _)| r.clone()))
                    .collect(),
                _ => Vec::new(),
            }
        }))
        .collect();
    let grid = grid_cells(l);
    let mut missing = Vec::new();
    let mut texts: BTreeMap<Slot, (String, Vec<String>, String)> = BTreeMap::new();
    // The value cell of a slot whose label was found (1-based in its row).
    let mut cells: BTreeMap<Slot, usize> = BTreeMap::new();
    // Slots whose cell holds a placeholder left as typed: the placeholder.
    let mut placeholders: BTreeMap<Slot, String> = BTreeMap::new();
    // Slots with a value after the label in its cell and another in the value cell.
    let mut twice: BTreeMap<Slot, (String, String)> = BTreeMap::new();
    let mut two_units: BTreeMap<Slot, String> = BTreeMap::new();
    for (slot, path) in &paths {
        // A slot printed twice (seed 003's 项目负责人): the first value given.
        if texts.get(slot).is_some_and(|(v, _, _)| !v.is_empty()) {
            continue;
        }
        let year = matches!(slot, Slot::Year(..));
        let in_grid = grid
            .iter()
            .find(|(s, r, c)| s == slot && path.len() == 2 && path[0] == *r && path[1] == *c);
        let found = match in_grid {
            Some((_, r, c)) => find_grid(&all, r, c),
            None => find(&all, path, &labels, year),
        };
        let found = match found {
            Found::Twice(v, other, place, cell) => {
                twice.insert(slot.clone(), (v.clone(), other));
                Found::Value(v, place, Some(cell))
            }
            Found::TwoUnits(v, place, cell, units) => {
                two_units.insert(slot.clone(), units);
                Found::Value(v, place, Some(cell))
            }
            f => f,
        };
        match found {
            Found::Value(v, place, cell) => {
                match cell {
                    Some(c) => cells.insert(slot.clone(), c),
                    None => cells.remove(slot),
                };
                let mut v = v.trim().to_string();
                // A picture beside a name or code (a scanned signature) is not part of it; a
                // fact's value that is a picture is reported as one.
                if !matches!(slot, Slot::Fact(_) | Slot::Year(..) | Slot::Check(_)) {
                    v = v.replace(PICTURE, "").trim().to_string();
                }
                // A placeholder left as typed (请填写, 如：张三, XXXX) is no value.
                if is_placeholder(&v) {
                    placeholders.insert(slot.clone(), std::mem::take(&mut v));
                } else {
                    placeholders.remove(slot);
                }
                // A one-line field wrapped by hand (`上海青禾园区⏎管理有限公司`) is one line.
                if single_line(slot) {
                    v = one_line(&v);
                }
                // A number or code typed in full-width characters (`１７７０１７４６８１４`,
                // `ｉｐ＠ｅｘａｍｐｌｅ．ｃｏｍ`) is the number or code.
                if is_code(slot) {
                    v = v.nfkc().collect();
                }
                texts.insert(slot.clone(), (v, path.clone(), place));
            }
            Found::Twice(..) | Found::TwoUnits(..) | Found::NoLabel => {
                texts
                    .entry(slot.clone())
                    .or_insert((String::new(), path.clone(), String::new()));
            }
        }
    }
    let describe = |path: &[String], place: &str, v: &str, why: &str| -> String {
        if place.is_empty() {
            not_found(blocks, path)
        } else {
            format!(
                "cell \"{}\" found ({place}), value \"{}\" {why}",
                cell_note(path),
                v.replace('\n', "⏎")
            )
        }
    };
    let text_of = |slot: &Slot| {
        texts
            .get(slot)
            .map(|(v, _, _)| v.clone())
            .unwrap_or_default()
    };

    // Facts.
    let mut facts = Map::new();
    for f in &rubric.facts {
        let key = &f.key;
        let value: Result<Option<Value>, String> = match f.ty {
            FactType::Int | FactType::Number => match texts.get(&Slot::Fact(key.clone())) {
                Some((v, _, _)) if f.nullable && norm(v) == "无" => Ok(Some(Value::Null)),
                Some((v, path, place)) if two_units.contains_key(&Slot::Fact(key.clone())) => {
                    Err(describe(
                        path,
                        place,
                        v,
                        &format!(
                            "has two units: {}; type the number in the unit the form prints",
                            two_units[&Slot::Fact(key.clone())]
                        ),
                    ))
                }
                Some((v, path, place)) => {
                    let unit = if f.unit.is_empty() {
                        ""
                    } else {
                        f.unit.as_str()
                    };
                    match parse_number(v, unit) {
                        Ok(d) if f.ty == FactType::Int && !d.fract().is_zero() => {
                            Err(describe(path, place, v, "is not a whole number"))
                        }
                        // `0.25` in a percentage cell is 25 % written as a fraction, or a
                        // quarter of a percent: which one, only the applicant knows.
                        Ok(d) if unit == "%"
                            && !v.contains(['%', '％'])
                            && d > Decimal::ZERO
                            && d < Decimal::ONE =>
                        {
                            Err(describe(path, place, v, "is a fraction in a percentage cell: type 25 for 25 %, or 0.25% for a quarter of a percent"))
                        }
                        Ok(d) => Ok(Some(num_value(d))),
                        Err(e) => Err(describe(path, place, v, &e)),
                    }
                }
                None => Ok(None),
            },
            FactType::Years => {
                let mut ys = Vec::new();
                let mut err = None;
                for i in 0..f.years.len() {
                    match texts.get(&Slot::Year(key.clone(), i)) {
                        Some((v, path, place)) => match parse_number(v, &f.unit) {
                            Ok(d) => ys.push(num_value(d)),
                            Err(e) => {
                                err = Some(describe(
                                    path,
                                    place,
                                    v,
                                    &format!("{e} ({} 年)", f.years[i]),
                                ));
                                break;
                            }
                        },
                        None => {
                            err = None;
                            ys.clear();
                            break;
                        }
                    }
                }
                match err {
                    Some(e) => Err(e),
                    None if ys.len() == f.years.len() => Ok(Some(Value::Array(ys))),
                    None => Ok(None),
                }
            }
            FactType::Bool | FactType::Enum => match texts.get(&Slot::Check(key.clone())) {
                Some((v, path, place)) => {
                    let opts = check_options(f);
                    let labels: Vec<String> = opts.iter().map(|(_, l)| l.clone()).collect();
                    let mut extra = labels.clone();
                    if f.ty == FactType::Bool {
                        extra = vec!["是".into(), "否".into()];
                    }
                    match ticked(v, &extra).or_else(|e| {
                        if f.ty == FactType::Bool {
                            ticked(v, &["有".to_string(), "无".to_string()]).map_err(|_| e)
                        } else {
                            Err(e)
                        }
                    }) {
                        Ok(i) => Ok(Some(opts[i].0.clone())),
                        Err(e) => Err(if place.is_empty() {
                            describe(path, place, v, "")
                        } else {
                            format!("cell \"{}\" found ({place}), {e}", cell_note(path))
                        }),
                    }
                }
                None => Ok(None),
            },
            FactType::Text => match texts.get(&Slot::Fact(key.clone())) {
                Some((v, path, place)) if v.is_empty() => Err(describe(path, place, v, "is empty")),
                Some((v, _, _)) => Ok(Some(Value::String(v.clone()))),
                None => Ok(None),
            },
        };
        match value {
            Ok(Some(v)) => {
                facts.insert(key.clone(), v);
            }
            Ok(None) => {}
            Err(message) => {
                let slot = placeholders.keys().find(
                    |s| matches!(s, Slot::Fact(k) | Slot::Check(k) | Slot::Year(k, _) if k == key),
                );
                let message = match slot.and_then(|s| texts.get(s).zip(placeholders.get(s))) {
                    Some(((_, path, place), ph)) => format!(
                        "cell \"{}\" found ({place}) but it still holds the form's placeholder \
                         \"{ph}\": type the value over it",
                        cell_note(path)
                    ),
                    None => message,
                };
                missing.push(Missing {
                    key: key.clone(),
                    message,
                })
            }
        }
    }

    // A fact typed twice (after its label and in its cell) is not read; another field
    // keeps the value after its label, with a warning naming the other.
    let mut twice_warnings = Vec::new();
    for (slot, (v, other)) in &twice {
        let (_, path, place) = texts.get(slot).cloned().unwrap_or_default();
        let said = format!(
            "cell \"{}\" found ({place}) holds \"{v}\" after its label and the cell after it \
             \"{other}\"",
            cell_note(&path)
        );
        match slot {
            Slot::Fact(k) | Slot::Check(k) | Slot::Year(k, _) => {
                facts.remove(k);
                missing.retain(|m| m.key != *k);
                missing.push(Missing {
                    key: k.clone(),
                    message: format!("{said}: two values, neither read; keep one"),
                });
            }
            _ => twice_warnings.push(Missing {
                key: format!("twice.{}", slot.key()),
                message: format!(
                    "{said}: the value after the label is taken; delete the one that is wrong"
                ),
            }),
        }
    }

    // People.
    let (team, several_names) = team_rows(&tabled);
    let lead_name = text_of(&Slot::Lead("name"));
    let mut lead = Person {
        name: lead_name.clone(),
        role: Some("项目负责人".into()),
        ..Person::default()
    };
    for (_, k) in LEAD_FIELDS {
        let v = text_of(&Slot::Lead(k));
        if v.is_empty() || k == "name" {
            continue;
        }
        match k {
            "education" => lead.education = Some(v),
            "id_number" => lead.id_number = Some(v),
            "department" => lead.department = Some(v),
            "title" => lead.title = Some(v),
            "major" => lead.major = Some(v),
            "mobile" => lead.mobile = Some(v),
            "email" => lead.email = Some(v),
            "gender" => lead.gender = Some(v),
            "landline" => lead.landline = Some(v),
            _ => {}
        }
    }
    let mut members = Vec::new();
    for p in &team {
        let person = person_from(p);
        if !lead_name.is_empty() && person.name == lead_name {
            lead.gender = lead.gender.or(person.gender);
            lead.age = lead.age.or(person.age);
            lead.task = lead.task.or(person.task);
            lead.org = lead.org.or(person.org);
            lead.title = lead.title.or(person.title);
            lead.major = lead.major.or(person.major);
            lead.id_number = lead.id_number.or(person.id_number);
            lead.department = lead.department.or(person.department);
            lead.education = lead.education.or(person.education);
        } else {
            members.push(person);
        }
    }
    if rubric.facts.iter().any(|f| f.key == "team_size") && !facts.contains_key("team_size") {
        let n = members.len() + usize::from(!lead_name.is_empty());
        if !several_names.is_empty() {
            missing.push(Missing {
                key: "team_size".into(),
                message: format!(
                    "the 项目参与人员 table has several names in one row ({}): give each person \
                     a row of their own, with their own 性别, 年龄 and task",
                    several_names
                        .iter()
                        .map(|n| format!("\"{n}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        } else if n == 0 {
            missing.push(Missing {
                key: "team_size".into(),
                message: "the 项目参与人员 table (姓名 / 性别 / 年龄 …) has no named row and no 项目负责人 is given".into(),
            });
        } else {
            facts.insert("team_size".into(), Value::from(n as u64));
        }
    }

    // Identity.
    let id = |f: IdField| {
        let v = text_of(&Slot::Id(f));
        (!v.is_empty()).then_some(v)
    };
    let mut identity = Identity {
        applicant: id(IdField::Applicant).unwrap_or_default(),
        park_name: id(IdField::ParkName),
        credit_code: id(IdField::CreditCode),
        legal_rep: id(IdField::LegalRep),
        legal_rep_phone: id(IdField::LegalRepPhone),
        contact_person: id(IdField::ContactPerson),
        mobile: id(IdField::Mobile),
        landline: id(IdField::Landline),
        email: id(IdField::Email),
        address: id(IdField::Address),
        bank: id(IdField::Bank),
        bank_account: id(IdField::BankAccount),
        recommender: id(IdField::Recommender),
        unit_nature: id(IdField::UnitNature),
        project_lead: (!lead.name.is_empty()).then_some(lead),
        team: members,
        ..Identity::default()
    };
    // Seed 003's 人员信息: the 单位法人's and 项目联系人's ID number and e-mail, which the
    // identity has no field for, as people of the team with that role.
    for (role, name, id_number, email) in [
        (
            "单位法人",
            IdField::LegalRep,
            IdField::LegalRepIdNumber,
            IdField::LegalRepEmail,
        ),
        (
            "项目联系人",
            IdField::ContactPerson,
            IdField::ContactIdNumber,
            IdField::Email,
        ),
    ] {
        let id_number = id(id_number);
        let email = if role == "单位法人" {
            id(email)
        } else {
            None
        };
        if id_number.is_some() || email.is_some() {
            identity.team.push(Person {
                name: id(name).unwrap_or_default(),
                role: Some(role.into()),
                id_number,
                email,
                ..Person::default()
            });
        }
    }
    // Several people typed into one person's field (`蔡嘉欣、王敏` as 项目联系人): the field
    // keeps what was typed, each name is a person of the identity (to be redacted), and the
    // field is reported.
    for (role, field) in [
        ("法定代表人", IdField::LegalRep),
        ("项目联系人", IdField::ContactPerson),
    ] {
        let Some(v) = id(field) else { continue };
        let names: Vec<&str> = v
            .split(['、', '，', ',', '；', ';', '/', '／'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        if names.len() < 2 {
            continue;
        }
        for n in &names {
            identity.team.push(Person {
                name: n.to_string(),
                role: Some(role.into()),
                ..Person::default()
            });
        }
        let (_, path, place) = texts.get(&Slot::Id(field)).cloned().unwrap_or_default();
        twice_warnings.push(Missing {
            key: format!("several.{}", Slot::Id(field).key()),
            message: format!(
                "cell \"{}\" found ({place}) holds several names \"{v}\": each is in the \
                 identity to be redacted, but the field is one person's; keep one name there",
                cell_note(&path)
            ),
        });
    }
    if let Some(pa) = id(IdField::PostalAddress) {
        // `地址（200000）` as 通信地址（邮政编码） asks.
        let pa = pa.trim_end_matches([')', '）', ' ', '　']).to_string();
        let digits: String = pa
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if digits.len() == 6 {
            identity.postcode = Some(digits);
        }
        if identity.address.is_none() {
            let a = pa
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end_matches([',', '，', ' ', '　', '、', '(', '（'])
                .to_string();
            if !a.is_empty() {
                identity.address = Some(a);
            }
        }
    }
    if let Some(park) = &identity.park_name {
        identity.aliases.push(park.clone());
    }
    if let Some(p) = id(IdField::Partner) {
        for name in p.split(['；', ';', '\n', '、']) {
            let name = name.trim();
            if !name.is_empty() {
                identity.partners.push(Partner {
                    name: name.to_string(),
                    role: Some("参加单位".into()),
                    credit_code: None,
                });
            }
        }
    }
    if identity.applicant.is_empty() {
        let (_, path, place) = texts
            .get(&Slot::Id(IdField::Applicant))
            .cloned()
            .unwrap_or_default();
        let why = match placeholders.get(&Slot::Id(IdField::Applicant)) {
            Some(p) => format!("is the form's placeholder \"{p}\": type the applicant's name"),
            None => "is empty".into(),
        };
        missing.push(Missing {
            key: "identity.applicant".into(),
            message: describe(&path, &place, "", &why),
        });
    }
    let mut warnings = blank_identity_fields(&texts, &cells, &placeholders);
    warnings.extend(twice_warnings);
    let title = text_of(&Slot::Title);
    if title.is_empty() {
        let (_, path, place) = texts.get(&Slot::Title).cloned().unwrap_or_default();
        let why = match placeholders.get(&Slot::Title) {
            Some(p) => format!("is the form's placeholder \"{p}\": type the project's name"),
            None => "is empty".into(),
        };
        missing.push(Missing {
            key: "title".into(),
            message: describe(&path, &place, "", &why),
        });
    }

    // Sections.
    let (found, outside) = section_texts(blocks, l);
    // A note (园区主要产业, 承担单位 …) is kept only in its section's text: outside every
    // section it is read into nothing.
    let read: Vec<String> = texts
        .iter()
        .filter(|(slot, _)| !matches!(slot, Slot::Note(_)))
        .map(|(_, (v, _, _))| v.clone())
        .chain(placeholders.values().cloned())
        .chain(attachment_names(&tabled))
        .collect();
    warnings.extend(unread(outside, &printed_text(rubric, l), &read));
    // 起止时间 has no field of its own: it opens the first section's text, as typed.
    let period = text_of(&Slot::Period);
    let mut sections = Vec::new();
    for (i, s) in rubric.sections.iter().enumerate() {
        let mut text = found.get(&s.key).cloned().unwrap_or_default();
        if i == 0 && !period.is_empty() {
            text = if text.is_empty() {
                format!("起止时间　{period}")
            } else {
                format!("起止时间　{period}\n{text}")
            };
        }
        let text = if text.trim().is_empty() {
            missing.push(Missing {
                key: format!("sections.{}", s.key),
                message: format!("nothing under the heading \"{}\"", s.title),
            });
            "无".to_string()
        } else {
            text
        };
        // A picture in a part's text (a chart, a table pasted as an image) is said to be
        // there.
        let text = text.replace(PICTURE, "［图片］");
        sections.push(Section {
            key: s.key.clone(),
            title: s.title.clone(),
            text,
        });
    }

    // Attachments beside the form.
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut attachments = Vec::new();
    let mut absent = Vec::new();
    for name in attachment_names(&tabled) {
        let p = dir.join(&name);
        match std::fs::read(&p) {
            Ok(bytes) if !name.contains(['/', '\\']) => attachments.push(Attachment {
                name: name.clone(),
                sha256: hex::encode(Sha256::digest(&bytes)),
                text: None,
            }),
            _ => absent.push(name),
        }
    }

    let requested_wan = rubric
        .funding
        .requested_fact
        .as_deref()
        .and_then(|k| facts.get(k))
        .and_then(|v| v.as_str().map(String::from).or_else(|| Some(v.to_string())))
        .and_then(|s| s.parse::<Decimal>().ok());
    Ingested {
        raw: RawApplication {
            schema: RAW_SCHEMA.into(),
            program: rubric.id.clone(),
            identity,
            title: if title.is_empty() {
                "（未填写项目名称）".into()
            } else {
                title
            },
            requested_wan,
            facts,
            sections,
            attachments,
        },
        missing,
        warnings,
        absent_attachments: absent,
    }
}

/// The identity fields (and the 项目负责人's) whose label the form has but whose cell is
/// blank (or an unfilled placeholder): nothing is in the identity for them, so
/// `panel anonymize` has nothing to redact for them. The applicant is not among them (a
/// blank applicant is missing, see [`ingest`]).
fn blank_identity_fields(
    texts: &BTreeMap<Slot, (String, Vec<String>, String)>,
    cells: &BTreeMap<Slot, usize>,
    placeholders: &BTreeMap<Slot, String>,
) -> Vec<Missing> {
    let mut out = Vec::new();
    for (slot, (v, path, place)) in texts {
        let key = match slot {
            Slot::Id(IdField::Applicant) => continue,
            Slot::Id(f) => format!("identity.{}", f.key()),
            Slot::Lead(k) => format!("identity.project_lead.{k}"),
            _ => continue,
        };
        if !v.is_empty() || place.is_empty() {
            continue;
        }
        let cell = cells
            .get(slot)
            .map(|c| format!(" cell {c}"))
            .unwrap_or_default();
        let what = match placeholders.get(slot) {
            Some(p) => format!("still holds the placeholder \"{p}\""),
            None => "is empty or an unfilled placeholder".into(),
        };
        out.push(Missing {
            key,
            message: format!(
                "cell \"{}\" found ({place}{cell}) but its value {what}: \
                 left out of the identity, so panel anonymize has nothing to redact for it; \
                 if it is given elsewhere in the form, fill the cell in and ingest again",
                cell_note(path),
            ),
        });
    }
    out
}

/// A decimal as a JSON number (whole numbers without a fraction).
fn num_value(d: Decimal) -> Value {
    let d = d.normalize();
    if d.fract().is_zero() {
        if let Ok(i) = i64::try_from(d) {
            return Value::from(i);
        }
    }
    serde_json::from_str(&d.to_string()).unwrap_or(Value::Null)
}
