//! Decimal → JSON number serializers (the crate's rust_decimal serializes to strings).
//!
//! The conversion goes through the decimal's text so the number is the nearest `f64` to the
//! exact value (85.35 prints as 85.35). Used at serialization time only.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

fn to_f64(d: &Decimal) -> Option<f64> {
    d.to_string().parse::<f64>().ok().filter(|f| f.is_finite())
}

pub(crate) fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    match to_f64(d) {
        Some(f) => s.serialize_f64(f),
        None => s.serialize_str(&d.to_string()),
    }
}

pub(crate) fn opt_dec<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => dec(d, s),
        None => s.serialize_none(),
    }
}

struct Num<'a>(&'a Decimal);

impl Serialize for Num<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        dec(self.0, s)
    }
}

pub(crate) fn map_dec<S: Serializer>(
    m: &BTreeMap<String, Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(m.len()))?;
    for (k, v) in m {
        map.serialize_entry(k, &Num(v))?;
    }
    map.end()
}
