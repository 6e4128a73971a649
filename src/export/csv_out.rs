//! CSV export of the ranking: UTF-8 with BOM (so spreadsheet programs read the Chinese
//! text), every cell that a spreadsheet would read as a formula neutralised.

use std::borrow::Cow;

use super::{dropped_text, opt_show, p_text, Report};
use crate::rubric::num::show;

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

/// A cell made safe for spreadsheets: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is prefixed with `'` so it is never evaluated as a formula.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The ranking as CSV bytes (BOM first; one row per application in output order).
pub fn to_csv(rep: &Report) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let crit_ids: Vec<&str> = rep.rubric.criteria().map(|(_, k)| k.id.as_str()).collect();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let mut row: Vec<String> = CSV_COLUMNS.iter().map(|s| s.to_string()).collect();
        row.extend(crit_ids.iter().map(|s| s.to_string()));
        let _ = w.write_record(row.iter().map(|c| neutralize(c).into_owned()));
        for a in &rep.results.applications {
            row.clear();
            row.push(a.rank.map(|r| r.to_string()).unwrap_or_default());
            row.push(a.id.clone());
            row.push(a.status.clone());
            row.push(a.eligibility.clone());
            row.push(opt_show(a.total));
            row.push(a.experts.to_string());
            row.push(opt_show(a.calibrated_total));
            row.push(p_text(a.p_shortlist));
            row.push(a.shortlisted.to_string());
            row.push(opt_show(a.funding_wan));
            row.push(a.flags.join("; "));
            row.push(
                a.dropped
                    .iter()
                    .map(dropped_text)
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            for c in &crit_ids {
                row.push(a.criteria.get(*c).map(|v| show(*v)).unwrap_or_default());
            }
            // Writing into a Vec cannot fail.
            let _ = w.write_record(row.iter().map(|c| neutralize(c).into_owned()));
        }
        let _ = w.flush();
    }
    out
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
