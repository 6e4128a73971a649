//! Decimal display and JSON helpers.
//!
//! Points are exact decimals (`rust_decimal`); in JSON output they are plain
//! numbers (integers where integral), never strings.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Normalized display: `6`, `4.5`, `0.2`.
pub fn show(d: Decimal) -> String {
    d.normalize().to_string()
}

/// [`show`] appended to `out`, without allocating (for exports of many numbers).
pub fn show_to(out: &mut String, d: Decimal) {
    // The usual mantissa fits 64 bits: digits in 64-bit arithmetic (a 128-bit division is
    // a slow library call, and exports show hundreds of thousands of numbers). A wider one
    // is shown by `show`.
    let Ok(mut n) = u64::try_from(d.mantissa().unsigned_abs()) else {
        out.push_str(&show(d));
        return;
    };
    if n == 0 {
        out.push('0');
        return;
    }
    let mut scale = d.scale();
    while scale > 0 && n % 10 == 0 {
        n /= 10;
        scale -= 1;
    }
    if d.is_sign_negative() {
        out.push('-');
    }
    // At most 20 digits.
    let mut digits = [0u8; 20];
    let mut len = 0;
    while n > 0 {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
    }
    let scale = scale as usize;
    if len <= scale {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - len));
        out.extend(digits[..len].iter().rev().map(|&b| b as char));
    } else {
        out.extend(digits[scale..len].iter().rev().map(|&b| b as char));
        if scale > 0 {
            out.push('.');
            out.extend(digits[..scale].iter().rev().map(|&b| b as char));
        }
    }
}

/// Display keeping the computed scale: `30 × 0.2 = 6.0`.
pub fn show_raw(d: Decimal) -> String {
    d.to_string()
}

/// A decimal as a JSON number: integral values as integers, others as the
/// nearest f64 (whose shortest representation is the decimal itself for the
/// values a rubric produces).
pub fn to_json(d: Decimal) -> serde_json::Value {
    let n = d.normalize();
    if n.scale() == 0 {
        if let Some(i) = n.to_i64() {
            return serde_json::Value::from(i);
        }
    }
    n.to_f64()
        .and_then(serde_json::Number::from_f64)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// `#[serde(with = "num::dec")]`: a Decimal as a JSON number.
pub mod dec {
    use rust_decimal::Decimal;
    use serde::{Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        super::to_json(*d).serialize(s)
    }
}

/// `#[serde(with = "num::opt")]`: an optional Decimal as a JSON number or null.
pub mod opt {
    use rust_decimal::Decimal;
    use serde::{Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => super::to_json(*d).serialize(s),
            None => s.serialize_none(),
        }
    }
}

/// `#[serde(with = "num::map")]`: a map of Decimals as JSON numbers.
pub mod map {
    use rust_decimal::Decimal;
    use serde::ser::SerializeMap;
    use serde::Serializer;
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(
        m: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(m.len()))?;
        for (k, v) in m {
            map.serialize_entry(k, &super::to_json(*v))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn show_to_is_show(m in any::<i64>(), wide in any::<i64>(), scale in 0u32..=28) {
            let mut out = String::from("x");
            for d in [
                Decimal::new(m, scale.min(18)),
                Decimal::from_i128_with_scale(i128::from(m) * i128::from(wide >> 33), scale),
                Decimal::new(m % 1000, scale),
            ] {
                out.truncate(1);
                show_to(&mut out, d);
                prop_assert_eq!(&out[1..], show(d));
            }
        }
    }

    #[test]
    fn show_to_examples() {
        for (m, s, want) in [
            (0, 3, "0"),
            (-0, 0, "0"),
            (60, 1, "6"),
            (45, 1, "4.5"),
            (-5, 3, "-0.005"),
            (100, 0, "100"),
        ] {
            let mut out = String::new();
            show_to(&mut out, Decimal::new(m, s));
            assert_eq!(out, want);
        }
        let mut out = String::new();
        show_to(&mut out, Decimal::MAX);
        assert_eq!(out, show(Decimal::MAX));
    }
}
