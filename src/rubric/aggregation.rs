//! The aggregation settings a rubric names and the command line overrides: the method
//! (mean, trimmed, median, normalized), the level it applies at (per criterion or to the
//! totals) and the rounding mode, with their spellings. They live with the rubric so that
//! `rubric check` validates a rubric's defaults with the same parsers `panel results` uses,
//! without the rubric depending on the pipeline; `aggregate` re-exports them.

use std::str::FromStr;

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

/// A setting's enum ([`spelled_enum!`], its `#[default]` variant the default), parsed by
/// [`parse_setting`] naming the setting (`$what`) when a value is refused.
macro_rules! setting_enum {
    ($case:tt, $what:literal, $(#[$meta:meta])* $vis:vis enum $name:ident $body:tt) => {
        spelled_enum! {
            @own_parse $case,
            #[derive(Default)]
            $(#[$meta])*
            $vis enum $name $body
        }

        impl FromStr for $name {
            type Err = ParseSettingError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_setting(s, $what)
            }
        }
    };
}

setting_enum! {
    "snake_case",
    "aggregation method",
    /// How the panel value is computed from the valid experts' values.
    pub enum Method {
        #[default]
        Mean,
        Trimmed,
        Median,
        Normalized,
    }
}

setting_enum! {
    "snake_case",
    "aggregation level (--by)",
    /// Whether the method is applied per criterion or to the expert totals.
    pub enum By {
        #[default]
        Criterion,
        Total,
    }
}

setting_enum! {
    "kebab-case",
    "rounding mode",
    /// Rounding mode at `digits` decimal places.
    pub enum Rounding {
        /// Midpoint away from zero (四舍五入).
        #[default]
        HalfUp,
        /// Toward zero.
        Truncate,
        /// Full precision.
        None,
    }
}
