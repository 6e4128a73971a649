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
