//! The aggregation settings a rubric names and the command line overrides: the method
//! (mean, trimmed, median, normalized), the level it applies at (per criterion or to the
//! totals) and the rounding mode, with their spellings. They live with the rubric so that
//! `rubric check` validates a rubric's defaults with the same parsers `panel results` uses,
//! without the rubric depending on the pipeline; `aggregate` re-exports them.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use strum::IntoEnumIterator;

/// Error of the `FromStr` implementations of [`Method`], [`By`] and [`Rounding`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} \"{value}\": expected one of {expected}")]
pub struct ParseSettingError {
    /// Which setting (e.g. "aggregation method").
    pub what: &'static str,
    /// The value given.
    pub value: String,
    /// The accepted values.
    pub expected: String,
}

fn norm_token(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace('_', "-")
}

/// Parses a setting from its spellings (strum's, the same as serde's and the CLI's): any case,
/// surrounding blanks and `_` for `-` are accepted; anything else is refused naming the
/// setting (`what`) and every spelling.
fn parse_setting<T>(s: &str, what: &'static str) -> Result<T, ParseSettingError>
where
    T: IntoEnumIterator + Into<&'static str> + Copy,
{
    let token = norm_token(s);
    T::iter()
        .find(|v| Into::<&'static str>::into(*v) == token)
        .ok_or_else(|| ParseSettingError {
            what,
            value: s.to_string(),
            expected: T::iter().map(Into::into).collect::<Vec<&str>>().join(", "),
        })
}

/// How the panel value is computed from the valid experts' values.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::AsRefStr,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Method {
    #[default]
    Mean,
    Trimmed,
    Median,
    Normalized,
}

impl FromStr for Method {
    type Err = ParseSettingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_setting(s, "aggregation method")
    }
}

/// Whether the method is applied per criterion or to the expert totals.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::AsRefStr,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum By {
    #[default]
    Criterion,
    Total,
}

impl FromStr for By {
    type Err = ParseSettingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_setting(s, "aggregation level (--by)")
    }
}

/// Rounding mode at `digits` decimal places.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Serialize,
    Deserialize,
    strum::Display,
    strum::AsRefStr,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Rounding {
    /// Midpoint away from zero (四舍五入).
    #[default]
    HalfUp,
    /// Toward zero.
    Truncate,
    /// Full precision.
    None,
}

impl FromStr for Rounding {
    type Err = ParseSettingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_setting(s, "rounding mode")
    }
}
