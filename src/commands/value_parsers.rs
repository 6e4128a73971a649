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
}
