//! The one header check of a scores CSV: `application,expert,criterion,value[,comment]`.

use super::CsvProblem;

/// The column names, in order (`comment` optional).
pub const HEADER: [&str; 5] = ["application", "expert", "criterion", "value", "comment"];
/// The header as the messages spell it.
pub const EXPECTED_HEADER: &str = "application,expert,criterion,value[,comment]";

/// Spaces and tabs around a field are not data.
pub fn trim(b: &[u8]) -> &[u8] {
    let blank = |c: &u8| matches!(c, b' ' | b'\t');
    let start = b.iter().position(|c| !blank(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !blank(c)).map_or(start, |p| p + 1);
    &b[start..end]
}

/// Checks the header's raw fields (`len` of them); returns the number of columns (4 or 5).
/// A header problem is reported alone, at line 1.
pub fn check_header<'a>(fields: impl IntoIterator<Item = &'a [u8]>) -> Result<usize, CsvProblem> {
    let fields: Vec<&[u8]> = fields.into_iter().collect();
    let problem = |column: usize, message: String| CsvProblem {
        line: 1,
        column,
        message,
    };
    let first = fields.first().copied().unwrap_or_default();
    // A UTF-16 byte order mark, or ASCII text with a zero byte beside every character.
    let utf16 = first.starts_with(b"\xFF\xFE")
        || first.starts_with(b"\xFE\xFF")
        || (first.len() >= 4 && (first[1] == 0 && first[3] == 0 || first[0] == 0 && first[2] == 0));
    if utf16 {
        return Err(problem(
            1,
            "the file is UTF-16 (as spreadsheet programs save “Unicode text”); save it as \
             CSV UTF-8"
                .into(),
        ));
    }
    let len = fields.len();
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
        if h != HEADER[i].as_bytes() {
            return Err(problem(
                i + 1,
                format!(
                    "column {} is named {:?} but must be {:?}; the header must be exactly \
                     {EXPECTED_HEADER}",
                    i + 1,
                    String::from_utf8_lossy(h),
                    HEADER[i]
                ),
            ));
        }
    }
    Ok(len)
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

    #[test]
    fn trim_bytes() {
        assert_eq!(trim(b"  a b \t"), b"a b");
        assert_eq!(trim(b"a b"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }
}
