//! Aggregation, ranking and shortlist (docs/results.md): a pure pipeline over plain data.
//!
//! No store, no terminal, no file I/O: callers build an [`Input`] (or stream rows into a
//! [`ScoreTable`]) and get [`Results`] back. Every value that decides a status or a rank is
//! computed exactly, never through `f64`: expert values are held as integers in units of
//! `10^-s` (`s` = the most decimal places among the values and criterion maxima, at most 6;
//! finer digits are rounded half-up, with a note), sums are exact integers, and a mean or
//! median is an exact fraction rounded once ([`round_value`] semantics); totals and caps are
//! [`rust_decimal`] decimals. `f64` is used only for the advisory bootstrap (`p_shortlist`)
//! and when serializing numbers to JSON. Supported ranges (larger values are clamped, with a
//! note in [`Results::notes`]): maxima ≤ 10,000 points, weights ≤ 100 with ≤ 4 decimals.
//!
//! # Pipeline
//!
//! 1. **Expert values.** Rows of a conflicted (application, expert) pair are dropped before
//!    anything else. An expert counts for an application ("valid score") only if they scored
//!    every criterion of the scheme for it, with no two different values for the same
//!    criterion; other experts are excluded and noted. Each value is clamped to
//!    `[0, criterion max]`; the expert's category subtotal `Σ weight × value` is clamped to the
//!    category max; the expert total is `min(Σ non-bonus categories, total_max) + Σ bonus
//!    categories` (each bonus category capped on its own). Every clamp is noted.
//! 2. **Panel value** ([`By`], [`Method`]). `By::Criterion`: per criterion the method over the
//!    valid experts' (unweighted) values, rounded; then `weight × value`, rounded; then
//!    summed per category (category caps) and into the total (total cap, bonus on top).
//!    `By::Total`: the method over the expert totals, rounded.
//!    * `Trimmed`: see [`trims`] — the `k` highest and `k` lowest values are dropped only
//!      when `n ≥ 2k + 1` (the conventional 去掉一个最高分和一个最低分 needs three scores);
//!      otherwise the plain mean is used and a note says so. Exactly `k` instances are
//!      dropped on each side even when values tie at an extreme: values are ordered by
//!      (value, expert id), so among tied lowest values the experts whose ids sort FIRST are
//!      dropped, and among tied highest values the experts whose ids sort LAST are dropped.
//!      Every dropped value is recorded in [`AppResult::dropped`].
//!    * `Median`: the middle value, or the mean of the two middle values for even `n`.
//!    * `Normalized`: see *Calibration* below. When chosen as the official method it is
//!      used as such (explicitly, never silently); otherwise it is only shown beside the
//!      official total as `calibrated_total`.
//! 3. **Rounding** ([`round_value`]) at `digits`: `half-up` = midpoint away from zero,
//!    `truncate` = toward zero, `none` = full precision.
//! 4. **Quorum**: fewer valid experts than `quorum` → status `incomplete` (a total over the
//!    available valid experts is still shown when there is at least one).
//! 5. **Flags** (for discussion, never change a status): `disagreement:<criterion>` when
//!    `max − min` of the valid experts' values of that criterion is strictly greater than
//!    `disagreement_range_share × criterion max`; `outlier:<expert>` when
//!    `|expert total − mean of the OTHER valid experts' totals|` is strictly greater than
//!    `outlier_total_share × total_max` (a share of the scale, like the disagreement rule,
//!    so that low-scoring applications are not over-flagged). Both need ≥ 2 valid experts.
//! 6. **Ranking** among status `ranked` only: total descending, then each tie-break subtotal
//!    descending (in the scheme's order; a subtotal is computed the same way as the total:
//!    for `By::Criterion` the rounded weighted criterion value or the capped category sum;
//!    for `By::Total` the method applied to the experts' weighted criterion values or
//!    capped category subtotals, rounded), then application id ascending (byte order) for
//!    the ORDER only. Applications equal in total and in every tie-break subtotal share a
//!    rank (competition ranking 1, 1, 3).
//! 7. **Status**, first match wins: `ineligible` (eligibility check failed), `incomplete`,
//!    `below_threshold` (total < threshold, only when a threshold is set), `ranked`. Only `ranked` applications get a rank.
//!    **Shortlist**: the ranked applications (eligible or unchecked; `eligibility` says
//!    which) in rank order, up to `quota`. When a shared rank straddles the quota cut, none
//!    of the tied applications is shortlisted (no silent pick) and all get `tie_at_cut`.
//!    **Funding**: recommendation `min(requested, per_award_cap)` (either alone when the
//!    other is missing) in rank order while the budget lasts. When the remaining budget is
//!    smaller than a single application's recommendation, it gets the remainder and
//!    `budget_exhausted`; when a shared rank cannot be funded in full, none of it is
//!    shortlisted (`tie_at_cut` + `budget_exhausted`). The shortlist stops there: later
//!    applications that quota alone would admit get `budget_exhausted` and are not
//!    shortlisted.
//! 8. **Provisional**: [`Results::provisional`] lists why the shortlist could still change
//!    (see `provisional.rs`): a shortlisted or tied-at-cut application with an undecided
//!    gate (`unchecked`), or an incomplete application whose best possible total reaches
//!    the cut.
//! 9. **Beside the official result**: `calibrated_total` (normalized method, same `by`),
//!    [`Results::calibration_changes`] (applications whose `shortlisted` would differ under
//!    calibration, same shortlist rules), and `p_shortlist` (bootstrap, see below).
//!
//! # Calibration (`Normalized`)
//!
//! For each expert, over all applications they validly scored, each raw value `x` (expert
//! total for `By::Total`, criterion value per criterion for `By::Criterion`) becomes
//! `z = (x − μₑ) / σₑ` (population σ; `z = 0` when σ = 0 or the expert scored a single
//! application). Per application the mean `z̄` over its valid experts is mapped back onto
//! the panel's scale as `μ + z̄ × σ`, where `μ` and `σ` are the mean and population standard
//! deviation of ALL valid raw values of the panel (every expert × application pair), clamped
//! to `[0, max]`, then rounded and summed as in step 2. `μₑ`, `1/σₑ`, `μ`, `σ` and `z̄` are
//! rounded to 12 decimal places, so every sum is an exact integer and independent of the
//! input order; the calibrated value is then rounded to 10 places (half-up) before
//! `digits`, so that an exact 21 computed as 20.999999999999… is 21 under `Truncate` and
//! equal exact values stay equal under `None`.
//!
//! # Bootstrap (`p_shortlist`)
//!
//! For `resamples > 0`: each draw resamples, for every eligible and complete application,
//! its valid experts with replacement (as many as it has), recomputes the total with the
//! official method over the resampled experts' TOTALS (also for `By::Criterion`, an
//! approximation that keeps it O(draws × apps × experts)), rounds it, applies threshold
//! and quota (ties by id; budget ignored), and counts. `p_shortlist` is the share of draws
//! in which the application made the shortlist; `None` for ineligible or incomplete
//! applications or when disabled. Deterministic: draw `d` has its own stream, ChaCha8
//! seeded with a SplitMix64 mix of `seed` and `d` (so draws may be shared between threads),
//! applications in id order. Advisory only; computed in `f64`.
//!
//! # Output order
//!
//! [`Results::applications`]: `ranked` (by rank, then tie-break subtotals, then id), then
//! `incomplete`, `ineligible`, `below_threshold`, each group by total descending (none
//! last), tie-break subtotals, id.

pub mod awards;
mod bootstrap;
mod method;
mod normalize;
mod panel_values;
mod pipeline;
mod provisional;
mod ser;
pub(crate) mod table;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use method::{round_value, trims};
pub use provisional::ProvisionalReason;
pub use table::ScoreTable;

spelled_enum! {
    "snake_case",
    /// Status of an application in the result. Serialized, displayed and parsed in snake_case
    /// (`ranked`, `incomplete`, `ineligible`, `below_threshold`); the variants are in output
    /// order (see the module documentation).
    #[derive(PartialOrd, Ord)]
    pub enum Status {
        /// Ranked: eligible, complete and at or above the threshold.
        Ranked,
        /// Fewer valid experts than the quorum.
        Incomplete,
        /// Failed the eligibility check.
        Ineligible,
        /// Total below the threshold.
        BelowThreshold,
    }
}

/// A flag on an application's result. Written (Display, serde, every export) as
/// `disagreement:<criterion>`, `outlier:<expert>`, `tie_at_cut`, `budget_exhausted`.
///
/// Display, FromStr and Serialize are written by hand rather than derived with strum: two
/// kinds carry an id after a `kind:` prefix, a form strum's derives do not parse.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag {
    /// The experts' values of this criterion (id) are too far apart.
    Disagreement(String),
    /// This expert's (id) total is far from the other experts' mean.
    Outlier(String),
    /// A shared rank straddles the quota or budget cut.
    TieAtCut,
    /// The budget ran out at or before this application.
    BudgetExhausted,
}

impl Flag {
    const DISAGREEMENT: &'static str = "disagreement:";
    const OUTLIER: &'static str = "outlier:";
    const TIE_AT_CUT: &'static str = "tie_at_cut";
    const BUDGET_EXHAUSTED: &'static str = "budget_exhausted";

    /// The criterion id of a `disagreement` flag.
    pub fn disagreement(&self) -> Option<&str> {
        match self {
            Flag::Disagreement(c) => Some(c),
            _ => None,
        }
    }

    /// The expert id of an `outlier` flag.
    pub fn outlier(&self) -> Option<&str> {
        match self {
            Flag::Outlier(e) => Some(e),
            _ => None,
        }
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flag::Disagreement(c) => write!(f, "{}{c}", Flag::DISAGREEMENT),
            Flag::Outlier(e) => write!(f, "{}{e}", Flag::OUTLIER),
            Flag::TieAtCut => f.write_str(Flag::TIE_AT_CUT),
            Flag::BudgetExhausted => f.write_str(Flag::BUDGET_EXHAUSTED),
        }
    }
}

/// A string that is not a [`Flag`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown flag {0:?}: expected disagreement:<criterion>, outlier:<expert>, tie_at_cut or budget_exhausted")]
pub struct ParseFlagError(pub String);

impl std::str::FromStr for Flag {
    type Err = ParseFlagError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(c) = s.strip_prefix(Flag::DISAGREEMENT) {
            Ok(Flag::Disagreement(c.to_string()))
        } else if let Some(e) = s.strip_prefix(Flag::OUTLIER) {
            Ok(Flag::Outlier(e.to_string()))
        } else if s == Flag::TIE_AT_CUT {
            Ok(Flag::TieAtCut)
        } else if s == Flag::BUDGET_EXHAUSTED {
            Ok(Flag::BudgetExhausted)
        } else {
            Err(ParseFlagError(s.to_string()))
        }
    }
}

impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn one() -> Decimal {
    Decimal::ONE
}

/// One criterion of the scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionSpec {
    pub id: String,
    /// Id of the [`CategorySpec`] it belongs to.
    pub category: String,
    pub max: Decimal,
    /// Weight (factor) applied to the panel value; default 1.
    #[serde(default = "one")]
    pub weight: Decimal,
}

impl CriterionSpec {
    /// A criterion with weight 1.
    pub fn new(id: impl Into<String>, category: impl Into<String>, max: Decimal) -> Self {
        CriterionSpec {
            id: id.into(),
            category: category.into(),
            max,
            weight: Decimal::ONE,
        }
    }
}

/// One category of the scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySpec {
    pub id: String,
    pub max: Decimal,
    /// Bonus categories are capped on their own and added on top of `total_max`.
    #[serde(default)]
    pub bonus: bool,
}

impl CategorySpec {
    /// A regular (non-bonus) category.
    pub fn new(id: impl Into<String>, max: Decimal) -> Self {
        CategorySpec {
            id: id.into(),
            max,
            bonus: false,
        }
    }

    /// A bonus category.
    pub fn bonus(id: impl Into<String>, max: Decimal) -> Self {
        CategorySpec {
            id: id.into(),
            max,
            bonus: true,
        }
    }
}

/// The scoring scheme, from the rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub criteria: Vec<CriterionSpec>,
    pub categories: Vec<CategorySpec>,
    /// Cap of the non-bonus categories together (e.g. 100).
    pub total_max: Decimal,
    /// Ordered criterion or category ids; a higher subtotal ranks first.
    #[serde(default)]
    pub tie_break: Vec<String>,
}

pub use crate::rubric::aggregation::{By, Method, ParseSettingError, Rounding};
pub use crate::rubric::EligibilityStatus;

/// All settings of the pipeline (rubric defaults, overridable on the command line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub method: Method,
    /// `k` of the trimmed mean (default 1).
    pub trim: usize,
    pub by: By,
    /// Decimal places kept by rounding (default 2).
    pub digits: u32,
    pub rounding: Rounding,
    /// Minimum number of valid experts (default 3).
    pub quorum: usize,
    /// Minimum total for the shortlist (pass mark); `None` = no pass mark (the default:
    /// none of the calls states one; the chair or the rubric may set one).
    pub threshold: Option<Decimal>,
    /// Maximum number of shortlisted applications; `None` = no limit.
    pub quota: Option<usize>,
    /// Total budget in 万元; `None` = no limit.
    pub budget_wan: Option<Decimal>,
    /// Cap per award in 万元.
    pub per_award_cap_wan: Option<Decimal>,
    /// The cap is the award itself (a track's fixed sum, 「一次性给予30万元」): every
    /// shortlisted application is recommended the cap, whatever it asked for.
    pub fixed_award: bool,
    /// Disagreement flag share of the criterion max (default 0.40).
    pub disagreement_range_share: Decimal,
    /// Outlier flag share of `total_max` (default 0.30).
    pub outlier_total_share: Decimal,
    /// Bootstrap draws for `p_shortlist`; 0 disables (default 1000).
    pub resamples: usize,
    /// Seed of the bootstrap.
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            method: Method::Mean,
            trim: 1,
            by: By::Criterion,
            digits: 2,
            rounding: Rounding::HalfUp,
            quorum: 3,
            threshold: None,
            quota: None,
            budget_wan: None,
            per_award_cap_wan: None,
            fixed_award: false,
            disagreement_range_share: Decimal::new(40, 2),
            outlier_total_share: Decimal::new(30, 2),
            resamples: 1000,
            seed: 0,
        }
    }
}

/// One expert's value for one criterion (the sum of its items, item caps already applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub app: String,
    pub expert: String,
    pub criterion: String,
    pub value: Decimal,
}

impl ScoreRow {
    /// Convenience constructor.
    pub fn new(
        app: impl Into<String>,
        expert: impl Into<String>,
        criterion: impl Into<String>,
        value: Decimal,
    ) -> Self {
        ScoreRow {
            app: app.into(),
            expert: expert.into(),
            criterion: criterion.into(),
            value,
        }
    }
}

/// Result of the eligibility check of an application.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    Eligible,
    /// With the reasons.
    Ineligible(Vec<String>),
    #[default]
    Unchecked,
}

impl Eligibility {
    /// The verdict without the reasons.
    pub fn status(&self) -> EligibilityStatus {
        match self {
            Eligibility::Eligible => EligibilityStatus::Eligible,
            Eligibility::Ineligible(_) => EligibilityStatus::Ineligible,
            Eligibility::Unchecked => EligibilityStatus::Unchecked,
        }
    }
}

/// What the pipeline needs to know about an application besides its scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    pub id: String,
    #[serde(default)]
    pub eligibility: Eligibility,
    #[serde(default)]
    pub requested_wan: Option<Decimal>,
}

impl AppInfo {
    /// An eligible application without a requested amount.
    pub fn eligible(id: impl Into<String>) -> Self {
        AppInfo {
            id: id.into(),
            eligibility: Eligibility::Eligible,
            requested_wan: None,
        }
    }
}

/// Everything [`run`] reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    pub scheme: Scheme,
    /// Applications; those present only in `scores` are added as `Unchecked`. When an id is
    /// listed twice, the first entry is used (and a note says so).
    pub apps: Vec<AppInfo>,
    pub scores: Vec<ScoreRow>,
    /// Declared conflicts of interest: (application, expert).
    pub conflicts: Vec<(String, String)>,
}

/// The settings as used, echoed in the results (numbers serialize as JSON numbers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingsEcho {
    pub method: Method,
    pub trim: usize,
    pub by: By,
    pub digits: u32,
    pub rounding: Rounding,
    pub quorum: usize,
    #[serde(serialize_with = "ser::opt_dec")]
    pub threshold: Option<Decimal>,
    pub quota: Option<usize>,
    #[serde(serialize_with = "ser::opt_dec")]
    pub budget_wan: Option<Decimal>,
    #[serde(serialize_with = "ser::opt_dec")]
    pub per_award_cap_wan: Option<Decimal>,
    /// Written only when set (a fixed-sum track).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fixed_award: bool,
    #[serde(serialize_with = "ser::dec")]
    pub disagreement_range_share: Decimal,
    #[serde(serialize_with = "ser::dec")]
    pub outlier_total_share: Decimal,
    pub resamples: usize,
    pub seed: u64,
}

impl From<&Settings> for SettingsEcho {
    fn from(s: &Settings) -> Self {
        SettingsEcho {
            method: s.method,
            trim: s.trim,
            by: s.by,
            digits: s.digits,
            rounding: s.rounding,
            quorum: s.quorum,
            threshold: s.threshold,
            quota: s.quota,
            budget_wan: s.budget_wan,
            per_award_cap_wan: s.per_award_cap_wan,
            fixed_award: s.fixed_award,
            disagreement_range_share: s.disagreement_range_share,
            outlier_total_share: s.outlier_total_share,
            resamples: s.resamples,
            seed: s.seed,
        }
    }
}

/// Which extreme a dropped value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    High,
    Low,
}

/// A value dropped by the trimmed mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    pub expert: String,
    /// The criterion for `By::Criterion`; `None` when the expert's total was dropped.
    pub criterion: Option<String>,
    #[serde(serialize_with = "ser::dec")]
    pub value: Decimal,
    pub side: Side,
}

/// A gate of an `unchecked` application that is still open, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenGate {
    /// A gate a person decides (`panel eligibility`), not decided yet.
    Manual { gate: String },
    /// A gate whose facts are missing from the bundle.
    Missing { gate: String, facts: Vec<String> },
}

impl OpenGate {
    pub fn id(&self) -> &str {
        match self {
            OpenGate::Manual { gate } | OpenGate::Missing { gate, .. } => gate,
        }
    }

    /// In Chinese: `E2b`, `E1缺少good_credit_record`.
    pub fn zh(&self) -> String {
        match self {
            OpenGate::Manual { gate } => gate.clone(),
            OpenGate::Missing { gate, facts } => format!("{gate}缺少{}", facts.join("、")),
        }
    }
}

/// In English: `E2b (checked by hand)`, `E1 (missing good_credit_record)`.
impl std::fmt::Display for OpenGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenGate::Manual { gate } => write!(f, "{gate} (checked by hand)"),
            OpenGate::Missing { gate, facts } => write!(f, "{gate} (missing {})", facts.join(", ")),
        }
    }
}

/// The result for one application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppResult {
    /// 1-based competition rank among `ranked` applications.
    pub rank: Option<usize>,
    pub id: String,
    pub status: Status,
    pub eligibility: EligibilityStatus,
    pub ineligible_reasons: Vec<String>,
    /// Official panel total (rounded); `None` without any valid expert.
    #[serde(serialize_with = "ser::opt_dec")]
    pub total: Option<Decimal>,
    /// Number of valid experts.
    pub experts: usize,
    /// Panel value per criterion, rounded, before weight (`By::Total`: the plain mean, for
    /// display; `Normalized` official: the calibrated value).
    #[serde(serialize_with = "ser::map_dec")]
    pub criteria: BTreeMap<String, Decimal>,
    /// Panel subtotal per category (capped), as used by the tie-break.
    #[serde(serialize_with = "ser::map_dec")]
    pub categories: BTreeMap<String, Decimal>,
    /// Each valid expert's capped total.
    #[serde(serialize_with = "ser::map_dec")]
    pub expert_totals: BTreeMap<String, Decimal>,
    pub dropped: Vec<Dropped>,
    #[serde(serialize_with = "ser::opt_dec")]
    pub calibrated_total: Option<Decimal>,
    pub p_shortlist: Option<f64>,
    pub shortlisted: bool,
    #[serde(serialize_with = "ser::opt_dec")]
    pub funding_wan: Option<Decimal>,
    pub flags: Vec<Flag>,
    pub notes: Vec<String>,
    /// Eligibility `unchecked`: the gates still open (given by the caller that checked the
    /// gates; the notes say the same in words).
    #[serde(skip)]
    pub open_gates: Vec<OpenGate>,
    /// The experts left out of this application because of their scores, with the note
    /// (also in `notes`). The command line repeats them, so that they are not seen only in
    /// the JSON.
    #[serde(skip)]
    pub left_out: Vec<LeftOut>,
}

/// Why an expert's scores of an application were left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutWhy {
    /// Two different values for one criterion.
    TwoValues,
    /// A criterion without a value.
    Missing,
}

/// An expert left out of an application because of their scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub why: LeftOutWhy,
    /// The note, as in the application's `notes`.
    pub note: String,
}

/// The full result of [`run`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    pub settings: SettingsEcho,
    /// In output order (see the module documentation).
    pub applications: Vec<AppResult>,
    /// Ids (byte order) whose `shortlisted` would differ under calibration.
    pub calibration_changes: Vec<String>,
    /// Sum of the recommended funding of the shortlist.
    #[serde(serialize_with = "ser::opt_dec")]
    pub budget_used_wan: Option<Decimal>,
    /// Why the shortlist is still provisional (暂定); empty when it is not (see
    /// `provisional.rs` for the rule).
    pub provisional: Vec<ProvisionalReason>,
    pub notes: Vec<String>,
}

impl Results {
    /// The result of application `id`, if any.
    pub fn app(&self, id: &str) -> Option<&AppResult> {
        self.applications.iter().find(|a| a.id == id)
    }

    /// Whether the shortlist could still change (an undecided gate, or an incomplete
    /// application that could still reach the cut).
    pub fn is_provisional(&self) -> bool {
        !self.provisional.is_empty()
    }

    /// The shortlisted applications, in rank order.
    pub fn shortlist(&self) -> impl Iterator<Item = &AppResult> {
        self.applications.iter().filter(|a| a.shortlisted)
    }
}

/// Runs the pipeline over `input`.
pub fn run(input: &Input, settings: &Settings) -> Results {
    let table = ScoreTable::from_rows(&input.scores);
    run_table(
        &input.scheme,
        &input.apps,
        &input.conflicts,
        &table,
        settings,
    )
}

/// Runs the pipeline over rows already interned in a [`ScoreTable`] (the compact path for
/// large imports: ~28 bytes per score instead of three owned strings).
pub fn run_table(
    scheme: &Scheme,
    apps: &[AppInfo],
    conflicts: &[(String, String)],
    table: &ScoreTable,
    settings: &Settings,
) -> Results {
    pipeline::run(scheme, apps, conflicts, table, settings)
}

/// `f` over `items` (one per application), results in order, each worker with its own
/// scratch `S`: on rayon's threads when `parallel`, else on this one. Each item is computed on
/// its own, so the results are the same either way.
pub(crate) fn per_application<T: Send, R: Send, S: Default>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T, &mut S) -> R + Sync + Send,
) -> Vec<R> {
    use rayon::prelude::*;
    if parallel {
        items
            .into_par_iter()
            .map_init(S::default, |sc, t| f(t, sc))
            .collect()
    } else {
        let mut sc = S::default();
        items.into_iter().map(|t| f(t, &mut sc)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Status;
    use std::str::FromStr;
    use strum::IntoEnumIterator;

    #[test]
    fn status_spellings_agree_in_serde_display_and_from_str() {
        let all: Vec<&str> = Status::iter().map(Status::as_str).collect();
        assert_eq!(
            all,
            ["ranked", "incomplete", "ineligible", "below_threshold"]
        );
        for s in Status::iter() {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(s.as_ref(), s.as_str());
            assert_eq!(Status::from_str(s.as_str()).unwrap(), s);
        }
    }

    #[test]
    fn eligibility_spellings_agree_in_serde_display_and_from_str() {
        use super::{Eligibility, EligibilityStatus};
        let all: Vec<&str> = EligibilityStatus::iter()
            .map(EligibilityStatus::as_str)
            .collect();
        assert_eq!(all, ["eligible", "ineligible", "unchecked"]);
        for s in EligibilityStatus::iter() {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
            assert_eq!(s.as_ref(), s.as_str());
            assert_eq!(EligibilityStatus::from_str(s.as_str()).unwrap(), s);
        }
        assert_eq!(
            Eligibility::Ineligible(vec!["x".into()]).status(),
            EligibilityStatus::Ineligible
        );
        assert_eq!(
            Eligibility::Unchecked.status(),
            EligibilityStatus::Unchecked
        );
        assert_eq!(Eligibility::Eligible.status(), EligibilityStatus::Eligible);
    }

    #[test]
    fn flags_are_written_as_before_and_parse_back() {
        use super::Flag;
        let cases = [
            (Flag::Disagreement("B1".into()), "disagreement:B1"),
            (Flag::Outlier("E03".into()), "outlier:E03"),
            (Flag::TieAtCut, "tie_at_cut"),
            (Flag::BudgetExhausted, "budget_exhausted"),
        ];
        for (f, s) in cases {
            assert_eq!(f.to_string(), s);
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{s}\""));
            assert_eq!(Flag::from_str(s).unwrap(), f);
        }
        assert_eq!(Flag::Disagreement("B1".into()).disagreement(), Some("B1"));
        assert_eq!(Flag::Outlier("E03".into()).outlier(), Some("E03"));
        assert_eq!(Flag::TieAtCut.disagreement(), None);
        assert!(Flag::from_str("tie").is_err());
    }
}
