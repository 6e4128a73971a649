//! The aggregation settings a rubric names and the command line overrides: the method
//! (mean, trimmed, median, normalized), the level it applies at (per criterion or to the
//! totals) and the rounding mode, with their spellings. They live with the rubric so that
//! `rubric check` validates a rubric's defaults with the same parsers `panel results` uses,
//! without the rubric depending on the pipeline; `aggregate` re-exports them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Error of the `FromStr` implementations of [`Method`], [`By`] and [`Rounding`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} \"{value}\": expected one of {expected}")]
pub struct ParseSettingError {
    /// Which setting (e.g. "aggregation method").
    pub what: &'static str,
    /// The value given.
    pub value: String,
    /// The accepted values.
    pub expected: &'static str,
}

fn norm_token(s: &str) -> String {
    s.trim().to_ascii_lowercase().replace('_', "-")
}

/// How the panel value is computed from the valid experts' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    #[default]
    Mean,
    Trimmed,
    Median,
    Normalized,
}

impl Method {
    /// The CLI / serde spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Mean => "mean",
            Method::Trimmed => "trimmed",
            Method::Median => "median",
            Method::Normalized => "normalized",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Method {
    type Err = ParseSettingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match norm_token(s).as_str() {
            "mean" => Ok(Method::Mean),
            "trimmed" => Ok(Method::Trimmed),
            "median" => Ok(Method::Median),
            "normalized" => Ok(Method::Normalized),
            _ => Err(ParseSettingError {
                what: "aggregation method",
                value: s.to_string(),
                expected: "mean, trimmed, median, normalized",
            }),
        }
    }
}

/// Whether the method is applied per criterion or to the expert totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    #[default]
    Criterion,
    Total,
}

impl By {
    /// The CLI / serde spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Criterion => "criterion",
            By::Total => "total",
        }
    }
}

impl fmt::Display for By {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for By {
    type Err = ParseSettingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match norm_token(s).as_str() {
            "criterion" => Ok(By::Criterion),
            "total" => Ok(By::Total),
            _ => Err(ParseSettingError {
                what: "aggregation level (--by)",
                value: s.to_string(),
                expected: "criterion, total",
            }),
        }
    }
}

/// Rounding mode at `digits` decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rounding {
    /// Midpoint away from zero (四舍五入).
    #[default]
    HalfUp,
    /// Toward zero.
    Truncate,
    /// Full precision.
    None,
}

impl Rounding {
    /// The CLI / serde spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half-up",
            Rounding::Truncate => "truncate",
            Rounding::None => "none",
        }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rounding {
    type Err = ParseSettingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match norm_token(s).as_str() {
            "half-up" => Ok(Rounding::HalfUp),
            "truncate" => Ok(Rounding::Truncate),
            "none" => Ok(Rounding::None),
            _ => Err(ParseSettingError {
                what: "rounding mode",
                value: s.to_string(),
                expected: "half-up, truncate, none",
            }),
        }
    }
}
