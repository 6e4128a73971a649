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

/// `as_str`, `Display` and `FromStr` of a setting from its table of spellings (the CLI and
/// serde spelling of each variant). `FromStr` takes any case, surrounding blanks and `_` for
/// `-`; it refuses anything else naming the setting (`$what`) and the spellings.
macro_rules! spellings {
    ($ty:ident, $what:literal, { $first:ident => $first_word:literal, $($variant:ident => $word:literal,)* }) => {
        impl $ty {
            /// The CLI / serde spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $ty::$first => $first_word,
                    $($ty::$variant => $word,)*
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = ParseSettingError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match norm_token(s).as_str() {
                    $first_word => Ok($ty::$first),
                    $($word => Ok($ty::$variant),)*
                    _ => Err(ParseSettingError {
                        what: $what,
                        value: s.to_string(),
                        expected: concat!($first_word $(, ", ", $word)*),
                    }),
                }
            }
        }
    };
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

spellings!(Method, "aggregation method", {
    Mean => "mean",
    Trimmed => "trimmed",
    Median => "median",
    Normalized => "normalized",
});

/// Whether the method is applied per criterion or to the expert totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    #[default]
    Criterion,
    Total,
}

spellings!(By, "aggregation level (--by)", {
    Criterion => "criterion",
    Total => "total",
});

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

spellings!(Rounding, "rounding mode", {
    HalfUp => "half-up",
    Truncate => "truncate",
    None => "none",
});
