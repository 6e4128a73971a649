//! CSV export of the ranking: UTF-8 with BOM (so spreadsheet programs read the Chinese
//! text), every cell that a spreadsheet would read as a formula neutralised.

use std::borrow::Cow;
use std::collections::BTreeMap;

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{dropped_to, p_text, HeaderLang, Report};
use crate::aggregate::{AppResult, EligibilityStatus};

/// Columns before the per-criterion columns.
pub const CSV_COLUMNS: [&str; 12] = [
    "rank",
    "id",
    "status",
    "eligibility",
    "total",
    "experts",
    "calibrated_total",
    "p_shortlist",
    "shortlisted",
    "funding_wan",
    "flags",
    "dropped",
];

/// [`CSV_COLUMNS`] in Chinese (`--lang zh`).
pub const CSV_COLUMNS_ZH: [&str; 12] = [
    "排名",
    "申报编号",
    "状态",
    "资格审查",
    "最终得分",
    "有效专家数",
    "校准得分",
    "入围概率",
    "是否入围",
    "建议资助金额（万元）",
    "标记",
    "去掉的分数",
];

/// Columns after the per-criterion columns: why an application is not (yet) eligible — the
/// failed requirements in the call's words, or the gates still open — and the gate decisions
/// recorded with `panel eligibility` (who decided what, when and why).
pub const CSV_TRAILING: [&str; 2] = ["eligibility_reasons", "gate_decisions"];

/// [`CSV_TRAILING`] in Chinese (`--lang zh`).
pub const CSV_TRAILING_ZH: [&str; 2] = ["资格审查理由", "资格人工认定"];

/// The English name of a results CSV column written in Chinese (`--lang zh`): `申报编号` →
/// `id`, `排名` → `rank`, …; `None` for any other name (the criterion columns are ids in both
/// languages). Readers of the results CSV (`panel reveal`) take either header with this.
pub fn english_column(name: &str) -> Option<&'static str> {
    CSV_COLUMNS_ZH
        .iter()
        .chain(&CSV_TRAILING_ZH)
        .zip(CSV_COLUMNS.iter().chain(&CSV_TRAILING))
        .find(|(zh, _)| **zh == name)
        .map(|(_, en)| *en)
}

/// The byte order mark every CSV export starts with: without it, spreadsheet programs
/// (Excel) read the UTF-8 Chinese text as another encoding.
pub(crate) const CSV_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer with the exports' settings (CRLF line ends, as spreadsheet programs write).
/// Every CSV export is [`CSV_BOM`] then rows written by one of these.
pub(crate) fn csv_writer<W: std::io::Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w)
}

/// A cell made safe for spreadsheets: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is prefixed with `'` so it is never evaluated as a formula.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The ranking as CSV bytes (BOM first; one row per application in output order), with
/// English column names.
pub fn to_csv(rep: &Report) -> Vec<u8> {
    to_csv_in(rep, HeaderLang::En)
}

/// [`to_csv`] with the column names in `lang` (the criterion ids stay as the rubric has
/// them; the values are the same in both).
pub fn to_csv_in(rep: &Report, lang: HeaderLang) -> Vec<u8> {
    let (columns, trailing) = match lang {
        HeaderLang::En => (CSV_COLUMNS, CSV_TRAILING),
        HeaderLang::Zh => (CSV_COLUMNS_ZH, CSV_TRAILING_ZH),
    };
    let extra = eligibility_cells(rep, lang);
    let mut out = CSV_BOM.to_vec();
    let crit_ids: Vec<&str> = rep.rubric.criteria().map(|(_, k)| k.id.as_str()).collect();
    {
        let mut w = csv_writer(&mut out);
        // Writing into a Vec cannot fail.
        for c in columns.iter().chain(&crit_ids).chain(&trailing) {
            let _ = w.write_field(neutralize(c).as_bytes());
        }
        let _ = w.write_record(None::<&[u8]>);
        let _ = w.flush();
    }
    let apps = &rep.results.applications;
    if apps.len() < 2_000 {
        rows_csv(apps, &crit_ids, &extra, &mut out);
        return out;
    }
    // A large ranking: blocks of rows on rayon's threads, joined in order (each row stands
    // on its own).
    use rayon::prelude::*;
    let blocks: Vec<Vec<u8>> = apps
        .par_chunks(1_000)
        .map(|block| {
            let mut part = Vec::new();
            rows_csv(block, &crit_ids, &extra, &mut part);
            part
        })
        .collect();
    for part in blocks {
        out.extend_from_slice(&part);
    }
    out
}

/// The [`CSV_TRAILING`] cells of the applications that have any: application id →
/// (eligibility reasons, gate decisions). Decisions are said in `lang`; the requirements'
/// and gates' own text is the call's (Chinese).
fn eligibility_cells(rep: &Report, lang: HeaderLang) -> BTreeMap<&str, [String; 2]> {
    let mut m: BTreeMap<&str, [String; 2]> = BTreeMap::new();
    for a in &rep.results.applications {
        let reasons = if a.eligibility == EligibilityStatus::Ineligible {
            a.ineligible_reasons.join("; ")
        } else {
            // The gates still open, as noted by the input stage.
            match lang {
                HeaderLang::En => super::forms::open_gates(a).join("; "),
                HeaderLang::Zh => super::forms::open_gates_zh(a)
                    .iter()
                    .map(|g| {
                        if g.contains("缺少") {
                            g.clone()
                        } else {
                            format!("{g}待人工判定")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("；"),
            }
        };
        let reasons = if reasons.is_empty() && a.eligibility == EligibilityStatus::Unchecked {
            // No gate to name: the application has no bundle in the panel.
            match lang {
                HeaderLang::En => "not checked (no bundle in the panel)".to_string(),
                HeaderLang::Zh => "未核验（评审组中无该申报材料）".to_string(),
            }
        } else {
            reasons
        };
        if !reasons.is_empty() {
            m.entry(a.id.as_str()).or_default()[0] = reasons;
        }
    }
    for d in &rep.decisions {
        if !matches!(d.decided, crate::decisions::Decided::Gate { .. }) {
            continue;
        }
        let Some(a) = rep.results.app(&d.application) else {
            continue;
        };
        let cell = &mut m.entry(a.id.as_str()).or_default()[1];
        if !cell.is_empty() {
            cell.push_str("; ");
        }
        cell.push_str(&match lang {
            HeaderLang::En => d.describe(),
            HeaderLang::Zh => d.describe_zh(),
        });
    }
    m
}

/// The rows of `apps`, appended to `out`.
fn rows_csv(
    apps: &[AppResult],
    crit_ids: &[&str],
    extra: &BTreeMap<&str, [String; 2]>,
    out: &mut Vec<u8>,
) {
    let mut w = csv_writer(out);
    // One buffer for every cell: no allocation per cell.
    let mut cell = String::new();
    let field = |w: &mut csv::Writer<&mut Vec<u8>>, cell: &mut String| {
        let _ = w.write_field(neutralize(cell).as_bytes());
        cell.clear();
    };

    for a in apps {
        if let Some(r) = a.rank {
            let _ = write!(cell, "{r}");
        }
        field(&mut w, &mut cell);
        cell.push_str(&a.id);
        field(&mut w, &mut cell);
        cell.push_str(a.status.as_str());
        field(&mut w, &mut cell);
        cell.push_str(a.eligibility.as_str());
        field(&mut w, &mut cell);
        show_into(&mut cell, a.total);
        field(&mut w, &mut cell);
        let _ = write!(cell, "{}", a.experts);
        field(&mut w, &mut cell);
        show_into(&mut cell, a.calibrated_total);
        field(&mut w, &mut cell);
        cell.push_str(&p_text(a.p_shortlist));
        field(&mut w, &mut cell);
        cell.push_str(if a.shortlisted { "true" } else { "false" });
        field(&mut w, &mut cell);
        show_into(&mut cell, a.funding_wan);
        field(&mut w, &mut cell);
        for (i, f) in a.flags.iter().enumerate() {
            if i > 0 {
                cell.push_str("; ");
            }
            let _ = write!(cell, "{f}");
        }
        field(&mut w, &mut cell);
        for (i, d) in a.dropped.iter().enumerate() {
            if i > 0 {
                cell.push_str("; ");
            }
            dropped_to(&mut cell, d);
        }
        field(&mut w, &mut cell);
        // The map iterates in id order, the columns follow the rubric: often the same.
        // (Ids compared byte by byte: a `memcmp` call per id costs more than the ids.)
        let same = a.criteria.len() == crit_ids.len()
            && a.criteria
                .keys()
                .zip(crit_ids)
                .all(|(k, c)| k.bytes().eq(c.bytes()));
        if same {
            for (_, v) in a.criteria.iter() {
                show_into(&mut cell, Some(*v));
                field(&mut w, &mut cell);
            }
        } else {
            for c in crit_ids {
                show_into(&mut cell, a.criteria.get(*c).copied());
                field(&mut w, &mut cell);
            }
        }
        match extra.get(a.id.as_str()) {
            Some(cells) => {
                for c in cells {
                    cell.push_str(c);
                    field(&mut w, &mut cell);
                }
            }
            None => {
                field(&mut w, &mut cell);
                field(&mut w, &mut cell);
            }
        }
        let _ = w.write_record(None::<&[u8]>);
    }
    let _ = w.flush();
}

/// `show(d)` appended to `cell` (nothing for `None`).
fn show_into(cell: &mut String, d: Option<Decimal>) {
    if let Some(d) = d {
        crate::rubric::num::show_to(cell, d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralizes_formula_starts() {
        for s in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralize(s), format!("'{s}"));
        }
        for s in ["", "T24-001", "86.25", "a=b", "'x"] {
            assert_eq!(neutralize(s), s);
        }
    }
}
