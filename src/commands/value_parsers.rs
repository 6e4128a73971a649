//! The value parsers of numeric options: a wrong value is refused by clap (exit code 2) with a
//! message that says what is expected, in English and Chinese, instead of the parser's own
//! words ("invalid digit found in string").

use std::str::FromStr;

use rust_decimal::Decimal;

/// A whole number ≥ 0 (`--quota`, `--quorum`, `--trim`, `--resamples`, `--seed`, `--round`).
pub fn whole<T: FromStr>(s: &str) -> Result<T, String> {
    let t = s.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "expected a whole number such as 5, not {s:?} / 应为非负整数，例如 5"
        ));
    }
    t.parse::<T>()
        .map_err(|_| format!("{s:?} is too large / 数值过大"))
}

/// A plain decimal number ≥ 0 such as `60` or `12.5` (`--threshold`, `--budget`, `--cap`).
pub fn amount(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let plain = !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().filter(|b| *b == b'.').count() <= 1
        && !t.starts_with('.')
        && !t.ends_with('.');
    if !plain {
        return Err(format!(
            "expected a number ≥ 0 such as 60 or 12.5, not {s:?} / 应为非负数，例如 60 或 12.5"
        ));
    }
    Decimal::from_str_exact(t).map_err(|_| format!("{s:?} is too large / 数值过大"))
}

/// A whole number ≥ 1 (`--quorum`: a quorum of 0 would count an application that no expert
/// scored as complete).
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match whole::<usize>(s)? {
        0 => Err(format!(
            "expected a whole number of at least 1, not {s:?}: with 0, an application no \
             expert scored would count as complete / 应至少为 1"
        )),
        n => Ok(n),
    }
}

/// Decimal places kept (`--round`): a whole number from 0 to
/// [`MAX_DIGITS`](crate::results_input::MAX_DIGITS).
pub fn digits(s: &str) -> Result<u32, String> {
    let max = crate::results_input::MAX_DIGITS;
    let d = whole::<u32>(s)?;
    if d > max {
        return Err(format!(
            "at most {max} decimal places are supported, not {s:?} / 最多保留 {max} 位小数"
        ));
    }
    Ok(d)
}

/// Bootstrap draws (`--resamples`): a whole number from 0 (none) to
/// [`MAX_RESAMPLES`](crate::results_input::MAX_RESAMPLES).
pub fn resamples(s: &str) -> Result<usize, String> {
    let max = crate::results_input::MAX_RESAMPLES;
    let n = whole::<usize>(s)?;
    if n > max {
        return Err(format!(
            "at most {max} draws are supported, not {s:?} / 最多 {max} 次"
        ));
    }
    Ok(n)
}

/// An amount above 0 such as `120` or `12.5` (`--budget`, `--cap`): 0 would fund nothing;
/// leaving the option out sets no limit.
pub fn positive_amount(s: &str) -> Result<Decimal, String> {
    let d = amount(s)?;
    if d.is_zero() {
        return Err(format!(
            "expected an amount above 0 such as 120 or 12.5, not {s:?}: 0 would fund no \
             application; leave the option out for no limit / 应大于 0；不设上限请省略此项"
        ));
    }
    Ok(d)
}

/// A meeting date (`--meeting-date`): `2024年9月12日` or `2024-09-12` (also `2024/9/12`,
/// `2024.9.12`), a day that exists in the calendar; returned in the form the printed forms
/// use, `2024年9月12日`.
pub fn meeting_date(s: &str) -> Result<String, String> {
    let refuse = |why: &str| {
        format!(
            "{why}: expected a date such as 2024年9月12日 or 2024-09-12, not {s:?} / \
             应为日期，例如 2024年9月12日 或 2024-09-12"
        )
    };
    let re = regex::Regex::new(
        r"^(\d{4})(?:年(\d{1,2})月(\d{1,2})日|-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2})|\.(\d{1,2})\.(\d{1,2}))$",
    )
    .expect("the date pattern compiles");
    let Some(c) = re.captures(s.trim()) else {
        return Err(refuse("not a date"));
    };
    let num = |i: usize| c.get(i).map(|m| m.as_str().parse::<u32>().unwrap_or(0));
    let year = num(1).unwrap_or(0);
    let (month, day) = (2..10)
        .step_by(2)
        .find_map(|i| Some((num(i)?, num(i + 1)?)))
        .unwrap_or((0, 0));
    let valid = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .zip(u8::try_from(day).ok())
        .and_then(|(m, d)| time::Date::from_calendar_date(year as i32, m, d).ok());
    match valid {
        Some(_) => Ok(format!("{year}年{month}月{day}日")),
        None => Err(refuse(&format!(
            "there is no day {day} of month {month} in {year}"
        ))),
    }
}

/// A format `panel awards` writes (`--format`): json, csv, xlsx or md. The results' other
/// formats (the 评审汇总表, 评分表) are not awards documents; the message lists only these four.
pub fn awards_format(s: &str) -> Result<crate::export::Format, String> {
    use crate::export::Format;
    let allowed = [Format::Json, Format::Csv, Format::Xlsx, Format::Md];
    match s.parse::<Format>() {
        Ok(f) if allowed.contains(&f) => Ok(f),
        _ => Err(format!(
            "unknown format {s:?} for panel awards: expected one of json, csv, xlsx, md / \
             应为 json、csv、xlsx 或 md"
        )),
    }
}

/// An interface language (`--lang`): `zh` or `en` (also `zh_CN.UTF-8`, `en-US`, …).
pub fn lang(s: &str) -> Result<String, String> {
    match crate::tui::Lang::parse(s) {
        Some(_) => Ok(s.to_string()),
        None => Err(format!("expected zh or en, not {s:?} / 应为 zh 或 en")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers() {
        assert_eq!(whole::<usize>("5"), Ok(5));
        assert_eq!(whole::<usize>(" 12 "), Ok(12));
        for bad in ["abc", "-1", "1.5", "", "５", "1e3"] {
            let e = whole::<usize>(bad).unwrap_err();
            assert!(e.contains("expected a whole number"), "{bad}: {e}");
        }
        assert!(whole::<u32>("99999999999")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn amounts() {
        assert_eq!(amount("60"), Ok(Decimal::from(60)));
        assert_eq!(
            amount("12.5"),
            Decimal::from_str("12.5").map_err(|e| e.to_string())
        );
        for bad in ["x1", "-5", "1,000", ".5", "5.", "1e2", "", "NaN"] {
            let e = amount(bad).unwrap_err();
            assert!(e.contains("expected a number"), "{bad}: {e}");
        }
    }

    #[test]
    fn bounded_and_positive_values() {
        assert_eq!(at_least_one("3"), Ok(3));
        assert!(at_least_one("0").unwrap_err().contains("at least 1"));
        assert_eq!(digits("6"), Ok(6));
        assert!(digits("7")
            .unwrap_err()
            .contains("at most 6 decimal places"));
        assert!(digits("x").unwrap_err().contains("expected a whole number"));
        assert_eq!(resamples("0"), Ok(0));
        assert!(resamples("100001")
            .unwrap_err()
            .contains("at most 100000 draws"));
        assert_eq!(positive_amount("0.5"), Ok(Decimal::new(5, 1)));
        for zero in ["0", "0.0", "00"] {
            let e = positive_amount(zero).unwrap_err();
            assert!(e.contains("expected an amount above 0"), "{zero}: {e}");
        }
        assert_eq!(
            meeting_date("2024年9月12日"),
            Ok("2024年9月12日".to_string())
        );
        assert_eq!(meeting_date("2024-09-12"), Ok("2024年9月12日".to_string()));
        assert_eq!(meeting_date("2024/9/2"), Ok("2024年9月2日".to_string()));
        assert_eq!(
            meeting_date("2024年2月29日"),
            Ok("2024年2月29日".to_string())
        );
        for bad in [
            "2024-13-45",
            "2023年2月29日",
            "2024-00-10",
            "明天",
            "",
            "9月12日",
        ] {
            let e = meeting_date(bad).unwrap_err();
            assert!(
                e.contains("expected a date such as 2024年9月12日"),
                "{bad}: {e}"
            );
        }
        assert_eq!(awards_format("XLSX"), Ok(crate::export::Format::Xlsx));
        for bad in ["pdf", "docx", "summary-md"] {
            let e = awards_format(bad).unwrap_err();
            assert!(
                e.ends_with("expected one of json, csv, xlsx, md / 应为 json、csv、xlsx 或 md"),
                "{e}"
            );
        }
        assert_eq!(lang("zh_CN.UTF-8"), Ok("zh_CN.UTF-8".to_string()));
        assert_eq!(lang("en"), Ok("en".to_string()));
        assert!(lang("fr").unwrap_err().contains("expected zh or en"));
    }
}
