//! The one header check of a scores CSV: `application,expert,criterion,value[,comment]`.

use super::{sniff, CsvProblem};

/// The column names, in order (`comment` optional).
pub const HEADER: [&str; 5] = ["application", "expert", "criterion", "value", "comment"];
/// The header as the messages spell it.
pub const EXPECTED_HEADER: &str = "application,expert,criterion,value[,comment]";
/// The Chinese names a secretariat writes on its forms, accepted for the same columns.
pub const CHINESE_HEADER: [&[&str]; 5] = [
    &["申请编号", "申报编号"],
    &["专家", "专家编号"],
    &["指标", "指标编号"],
    &["分值", "得分"],
    &["评语", "备注"],
];

/// Spaces and tabs around a field are not data.
pub fn trim(b: &[u8]) -> &[u8] {
    let blank = |c: &u8| matches!(c, b' ' | b'\t');
    let start = b.iter().position(|c| !blank(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !blank(c)).map_or(start, |p| p + 1);
    &b[start..end]
}

/// Whether `name` (trimmed) names column `i`: its English name in any case
/// (`Application`), or one of its Chinese names.
fn names_column(name: &[u8], i: usize) -> bool {
    name.eq_ignore_ascii_case(HEADER[i].as_bytes())
        || CHINESE_HEADER[i].iter().any(|c| c.as_bytes() == name)
}

/// Checks the header's raw fields (`len` of them); returns the number of columns (4 or 5).
/// A header problem is reported alone, at line 1. The names may be written in any case or
/// in Chinese ([`CHINESE_HEADER`]).
pub fn check_header<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> Result<usize, CsvProblem> {
    let fields: Vec<&[u8]> = fields.into_iter().collect();
    let problem = |column: usize, message: String| CsvProblem {
        line: 1,
        column,
        message,
    };
    let first = fields.first().copied().unwrap_or_default();
    if sniff::utf16(first) {
        return Err(problem(
            1,
            format!(
                "the file is UTF-16 (as spreadsheet programs save “Unicode text”, with tabs \
                 between the columns); {}",
                sniff::SAVE_AS_CSV
            ),
        ));
    }
    let joined = fields.join(&b","[..]);
    if let Some(text) = sniff::gb18030(&joined) {
        return Err(problem(1, sniff::gb18030_message(&text)));
    }
    if let Some(message) = wide_table(&fields) {
        return Err(problem(3, message));
    }
    let len = fields.len();
    if len < 4 {
        // One column: another separator than the comma, most likely.
        for (sep, name) in [(b';', "semicolons (;)"), (b'\t', "tabs")] {
            let split: Vec<&[u8]> = joined.split(|&b| b == sep).map(trim).collect();
            let named = (4..=5).contains(&split.len())
                && split.iter().enumerate().all(|(i, h)| names_column(h, i));
            if named {
                return Err(problem(
                    1,
                    format!(
                        "the columns are separated by {name}, not commas; {}",
                        sniff::SAVE_AS_CSV
                    ),
                ));
            }
        }
    }
    if !(4..=5).contains(&len) {
        // Columns without a name at the end: a spreadsheet's unused columns, most likely.
        let unnamed = fields
            .iter()
            .rev()
            .take_while(|h| trim(h).is_empty())
            .count();
        let hint = if len > 5 && unnamed > 0 && unnamed < len {
            format!(
                ", {unnamed} at the end without a name (empty spreadsheet columns?): delete \
                 them; the header"
            )
        } else {
            "; it".to_string()
        };
        return Err(problem(
            1,
            format!("the header has {len} column(s){hint} must be exactly {EXPECTED_HEADER}"),
        ));
    }
    for (i, h) in fields.iter().enumerate() {
        // A byte order mark the reader left: one after blank lines, or a second one.
        let h = if i == 0 {
            h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
        } else {
            h
        };
        let h = trim(h);
        if !names_column(h, i) {
            return Err(problem(
                i + 1,
                format!(
                    "column {} is named {:?} but must be {:?} (or {}); the header must be \
                     exactly {EXPECTED_HEADER} (or 申请编号,专家,指标,分值[,评语])",
                    i + 1,
                    String::from_utf8_lossy(h),
                    HEADER[i],
                    CHINESE_HEADER[i].join(" or ")
                ),
            ));
        }
    }
    Ok(len)
}

/// A header that names the application and expert columns and then one column per
/// criterion (`application,expert,K01,K02,…`): a wide table, as score sheets are often kept
/// in a spreadsheet. The refusal says how to turn it into one row per value; `None` for
/// any other header.
fn wide_table(fields: &[&[u8]]) -> Option<String> {
    let [app, expert, rest @ ..] = fields else {
        return None;
    };
    // (empty columns at the end: a spreadsheet's unused columns)
    let named_len = rest.len() - rest.iter().rev().take_while(|f| trim(f).is_empty()).count();
    let rest = &rest[..named_len];
    let app = app.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(app);
    let named = names_column(trim(app), 0) && names_column(trim(expert), 1);
    let columns: Vec<String> = rest
        .iter()
        .map(|f| String::from_utf8_lossy(trim(f)).into_owned())
        .collect();
    // Two or more named columns, none of them a column of the long layout (a header such
    // as `application,expert,指标名称,分值` only misnames its criterion column).
    let long_layout = rest
        .iter()
        .any(|f| (2..5).any(|i| names_column(trim(f), i)));
    if !named || long_layout || columns.len() < 2 || columns.iter().any(String::is_empty) {
        return None;
    }
    let shown = columns
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let more = if columns.len() > 3 { ", …" } else { "" };
    Some(format!(
        "the header has a column per criterion after application and expert ({shown}{more}): \
         a wide table; the scores CSV has one row per value, {EXPECTED_HEADER} — turn the \
         criterion columns into rows (in Excel: 数据 → 来自表格/区域 → Power Query 逆透视列, \
         “Unpivot Columns”), then save it as CSV UTF-8"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(line: &str) -> Result<usize, CsvProblem> {
        check_header(line.split(',').map(str::as_bytes))
    }

    #[test]
    fn four_or_five_named_columns() {
        assert_eq!(check("application,expert,criterion,value"), Ok(4));
        assert_eq!(check(" application ,expert,criterion,value,comment"), Ok(5));
        assert_eq!(check("\u{feff}application,expert,criterion,value"), Ok(4));
        let p = check("application,expert,item,value").unwrap_err();
        assert_eq!((p.line, p.column), (1, 3));
        assert!(p.message.contains("must be \"criterion\""), "{}", p.message);
        let p = check("application,expert,criterion,value,, ,").unwrap_err();
        assert!(
            p.message.starts_with(
                "the header has 7 column(s), 3 at the end without a name (empty spreadsheet \
                 columns?): delete them; the header must be exactly"
            ),
            "{}",
            p.message
        );
        let p = check("application,expert").unwrap_err();
        assert!(
            p.message.starts_with("the header has 2 column(s)"),
            "{}",
            p.message
        );
    }

    /// The names in any case or in Chinese; the other separators, UTF-16 and GBK are
    /// named, with what to do.
    #[test]
    fn header_spellings_and_encodings() {
        assert_eq!(check("Application, EXPERT ,Criterion,Value"), Ok(4));
        assert_eq!(check("申请编号,专家,指标,分值"), Ok(4));
        assert_eq!(check("申报编号,专家编号,指标编号,得分,评语"), Ok(5));
        assert_eq!(check("application,专家,criterion,分值,备注"), Ok(5));
        let p = check("申请编号,专家,指标,分数").unwrap_err();
        assert_eq!(p.column, 4);
        assert!(
            p.message.contains("must be \"value\" (or 分值 or 得分)"),
            "{}",
            p.message
        );
        for (line, want) in [
            (
                "application;expert;criterion;value",
                "separated by semicolons (;)",
            ),
            ("申请编号\t专家\t指标\t分值\t评语", "separated by tabs"),
        ] {
            let p = check(line).unwrap_err();
            assert!(
                p.message
                    .starts_with(&format!("the columns are {want}, not commas")),
                "{}",
                p.message
            );
            assert!(p.message.contains("CSV UTF-8"), "{}", p.message);
        }
        let utf16: Vec<u8> = "application\texpert"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let p = check_header([&utf16[..]]).unwrap_err();
        assert!(p.message.starts_with("the file is UTF-16"), "{}", p.message);
        let (gbk, _, _) = encoding_rs::GBK.encode("申请编号,专家,指标,分值");
        let p = check_header(gbk.split(|&b| b == b',')).unwrap_err();
        assert_eq!((p.line, p.column), (1, 1));
        assert!(
            p.message
                .contains("GBK/GB18030 (these bytes read “申请编号,专家,指标,分值”"),
            "{}",
            p.message
        );
    }

    /// A column per criterion after application and expert is named as a wide table with
    /// how to turn it into rows; a long header with one misnamed column is not one.
    #[test]
    fn a_wide_table_is_named() {
        for (line, shown) in [
            ("application,expert,K01,K02,K03,K04", "(K01, K02, K03, …)"),
            ("申请编号,专家,1.1,1.2", "(1.1, 1.2)"),
            ("\u{feff}Application,Expert,A1,A2,A3,,", "(A1, A2, A3)"),
        ] {
            let p = check(line).unwrap_err();
            assert_eq!((p.line, p.column), (1, 3), "{line}");
            assert!(
                p.message.starts_with(&format!(
                    "the header has a column per criterion after application and expert \
                     {shown}: a wide table"
                )),
                "{line}: {}",
                p.message
            );
            assert!(p.message.contains("逆透视列"), "{}", p.message);
        }
        for line in [
            "application,expert,指标名称,分值",
            "application,expert,K01",
            "application,expert,criterion,value,, ,",
            "序号,expert,K01,K02",
        ] {
            let p = check(line).unwrap_err();
            assert!(!p.message.contains("wide table"), "{line}: {}", p.message);
        }
    }

    #[test]
    fn trim_bytes() {
        assert_eq!(trim(b"  a b \t"), b"a b");
        assert_eq!(trim(b"a b"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }
}
