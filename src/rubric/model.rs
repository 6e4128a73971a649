//! The rubric file model (JSON, in `rubrics/`). See `docs/rubric-format.md`.
//!
//! Every struct denies unknown fields, so a misspelt key in a rubric file is an
//! error that names its JSON path instead of a silently ignored setting.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A whole rubric file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Stable identifier, e.g. `park-ip-trusteeship-2024`.
    pub id: String,
    /// Official Chinese title.
    pub title: String,
    /// English title.
    #[serde(default)]
    pub title_en: String,
    pub version: String,
    /// Where the rules come from (document number, annex).
    #[serde(default)]
    pub source: String,
    /// True when no official point table exists and the rubric was derived by
    /// the panel from the call's tasks.
    #[serde(default)]
    pub derived: bool,
    /// Free notes (interpretation choices, provenance).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Known inconsistencies of the source document; `panel rubric check`
    /// prints each as a warning.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Maximum of the non-bonus categories together (e.g. 100).
    pub total_max: Decimal,
    /// Text sections of the application form that bundles carry.
    #[serde(default)]
    pub sections: Vec<SectionDecl>,
    /// Facts the rubric reads.
    #[serde(default)]
    pub facts: Vec<FactDecl>,
    /// Eligibility gates (申报条件).
    #[serde(default)]
    pub eligibility: Vec<Gate>,
    /// Performance targets of the call (绩效目标), checked against the
    /// application's own targets.
    #[serde(default)]
    pub targets: Vec<Gate>,
    #[serde(default)]
    pub funding: Funding,
    #[serde(default)]
    pub aggregation: AggregationDefaults,
    /// Ordered category or criterion ids; a higher subtotal ranks first.
    #[serde(default)]
    pub tie_break: Vec<String>,
    /// Tracks of a multi-track program (seed 002); empty otherwise.
    #[serde(default)]
    pub tracks: Vec<Track>,
    pub categories: Vec<Category>,
    /// The expert's written opinion (专家评审意见) per application; absent: none asked.
    /// Skipped when absent so rubrics without it keep their canonical hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<OpinionSpec>,
}

/// The written opinion an expert gives on each application (`"opinion"` of a rubric).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OpinionSpec {
    /// Whether an application can be submitted only with the opinion written.
    #[serde(default)]
    pub required: bool,
    /// Fewest characters of an opinion ([`OpinionSpec::count`]: Unicode scalar values, white
    /// space such as blanks and line breaks not counted); 0: any non-empty text.
    #[serde(default)]
    pub min_chars: usize,
    /// Title on the screen and in the 评分表.
    #[serde(default = "OpinionSpec::default_title")]
    pub title: String,
    /// English title.
    #[serde(default = "OpinionSpec::default_title_en")]
    pub title_en: String,
}

impl OpinionSpec {
    fn default_title() -> String {
        "专家评审意见".to_string()
    }
    fn default_title_en() -> String {
        "Expert review opinion".to_string()
    }

    /// Length of an opinion as counted against `min_chars`: its characters (Unicode scalar
    /// values) without white space, so blanks and line breaks anywhere do not count. The one
    /// count the screen, the sheet export and the sheet verification all use.
    pub fn count(text: &str) -> usize {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }

    /// Whether `text` (absent: `None`) satisfies a required opinion.
    pub fn satisfied_by(&self, text: Option<&str>) -> bool {
        let n = text.map(Self::count).unwrap_or(0);
        !self.required || (n > 0 && n >= self.min_chars)
    }
}

/// A text section of the application form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SectionDecl {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
}

/// Type of a fact.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    /// Whole number.
    Int,
    /// Any number.
    Number,
    /// true / false.
    Bool,
    /// One of `values`.
    Enum,
    /// A list of yearly numbers (see `years`).
    Years,
    /// Free text.
    Text,
}

impl FactType {
    pub fn as_str(self) -> &'static str {
        match self {
            FactType::Int => "int (whole number)",
            FactType::Number => "number",
            FactType::Bool => "bool (true or false)",
            FactType::Enum => "enum (one of the declared strings)",
            FactType::Years => "years (array of numbers, one per year)",
            FactType::Text => "text (string)",
        }
    }
}

/// Declaration of one fact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FactDecl {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub label_en: String,
    /// Unit as written (家, 件, 人, 万元, %, …). Money is in 万元 unless said.
    #[serde(default)]
    pub unit: String,
    #[serde(rename = "type")]
    pub ty: FactType,
    /// Allowed strings of an enum fact.
    #[serde(default)]
    pub values: Vec<String>,
    /// Years covered by a `years` fact, base year first.
    #[serde(default)]
    pub years: Vec<i32>,
    /// `null` is an allowed value (e.g. "no quantified target").
    #[serde(default)]
    pub nullable: bool,
    #[serde(default)]
    pub min: Option<Decimal>,
    #[serde(default)]
    pub max: Option<Decimal>,
    /// Where the value is found in the application form.
    #[serde(default)]
    pub form_ref: String,
}

/// An eligibility gate or a performance target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    pub id: String,
    /// The official wording.
    pub text: String,
    #[serde(default)]
    pub text_en: String,
    /// All conditions must hold. Empty: checked by the secretariat by hand
    /// (reported as "manual").
    #[serde(default)]
    pub all_of: Vec<Condition>,
    /// At least one group must hold entirely (used for district-dependent
    /// thresholds). Combined with `all_of` by "and".
    #[serde(default)]
    pub any_of: Vec<Vec<Condition>>,
}

/// Funding rules of the call.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// Maximum number of projects (项目数量).
    #[serde(default)]
    pub quota: Option<usize>,
    /// Per-award cap in 万元.
    #[serde(default)]
    pub per_award_cap_wan: Option<Decimal>,
    /// Total budget in 万元, when the call states one.
    #[serde(default)]
    pub budget_wan: Option<Decimal>,
    /// Self-funding must be at least this ratio of the fiscal funding.
    #[serde(default)]
    pub self_funding_ratio: Option<Decimal>,
    /// Minimum team size.
    #[serde(default)]
    pub min_team: Option<u32>,
    /// Fact holding the requested fiscal funding (万元).
    #[serde(default)]
    pub requested_fact: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Aggregation defaults (docs/results.md); the command line may override them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AggregationDefaults {
    #[serde(default = "d_method")]
    pub method: String,
    #[serde(default = "d_trim")]
    pub trim: usize,
    #[serde(default = "d_by")]
    pub by: String,
    #[serde(default = "d_digits")]
    pub digits: u32,
    #[serde(default = "d_rounding")]
    pub rounding: String,
    #[serde(default = "d_quorum")]
    pub quorum: usize,
    /// Pass mark (minimum total for the shortlist). None of the calls states one, so
    /// a rubric may give it only as a panel convention, said in `threshold_basis`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Decimal>,
    /// Where the pass mark comes from (e.g. "评审组惯例：…"); required with `threshold`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub threshold_basis: String,
    #[serde(default = "d_range_share")]
    pub disagreement_range_share: Decimal,
    #[serde(default = "d_outlier_share")]
    pub outlier_total_share: Decimal,
}

fn d_method() -> String {
    "mean".into()
}
fn d_trim() -> usize {
    1
}
fn d_by() -> String {
    "total".into()
}
fn d_digits() -> u32 {
    2
}
fn d_rounding() -> String {
    "half-up".into()
}
fn d_quorum() -> usize {
    3
}
fn d_range_share() -> Decimal {
    Decimal::new(40, 2)
}
fn d_outlier_share() -> Decimal {
    Decimal::new(30, 2)
}

impl Default for AggregationDefaults {
    fn default() -> Self {
        AggregationDefaults {
            method: d_method(),
            trim: d_trim(),
            by: d_by(),
            digits: d_digits(),
            rounding: d_rounding(),
            quorum: d_quorum(),
            threshold: None,
            threshold_basis: String::new(),
            disagreement_range_share: d_range_share(),
            outlier_total_share: d_outlier_share(),
        }
    }
}

/// How a track's awards are decided: the spellings of `Track::mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::AsRefStr, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum TrackMode {
    /// Reviewed by an expert panel (ranked, quota, per-award cap).
    Panel,
    /// A formula award: rate × count (`panel awards`).
    PerUnit,
    /// A formula award by performance grade, no rate (`panel awards --assign`).
    Graded,
}

impl Track {
    /// The track's mode, `None` when `mode` is not one of the spellings (reported by
    /// `panel rubric check`).
    pub fn kind(&self) -> Option<TrackMode> {
        self.mode.parse().ok()
    }
}

/// One track of a multi-track program (seed 002).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Track {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    /// Article of the source (第X条).
    #[serde(default)]
    pub article: String,
    /// "panel" (reviewed by an expert panel), "per_unit" (rate × count
    /// award) or "graded" (award by performance grade, no rate): see [`Track::kind`]. Kept as
    /// written so that `panel rubric check` names an unknown mode at its path.
    pub mode: String,
    #[serde(default)]
    pub quota: Option<usize>,
    /// True when the quota is approximate in the text (约, 左右).
    #[serde(default)]
    pub quota_approx: bool,
    #[serde(default)]
    pub per_award_cap_wan: Option<Decimal>,
    /// The per-award cap is the award itself (「一次性给予30万元」, a fixed sum, not 「不超过」):
    /// every award of the track is that sum, whatever the application asked for.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fixed_award: bool,
    /// The track's total (奖补总额 / 一次性予以不超过… for the whole track) in 万元: the sum
    /// of its awards never exceeds it.
    #[serde(default)]
    pub budget_wan: Option<Decimal>,
    /// Targets the article states for the whole track (e.g. 「总培养人数不少于100人」), in
    /// the article's words; shown with the results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// For per-unit tracks: the fact of a bundle that holds the applicant's units
    /// (patents, contracts, loans in 万元 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_fact: Option<String>,
    /// For per-unit tracks: the award per unit of `unit_fact`, in 元 (the rate converted to
    /// the fact's unit: 0.1 % of a loan in 万元 is 10 元 per 万元).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yuan_per_unit: Option<Decimal>,
    /// For graded tracks: the grades, best first, with the weight of each in the split of
    /// the track total (see `docs/awards.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grades: Vec<Grade>,
    /// For per-unit tracks: the rate and its unit, as written.
    #[serde(default)]
    pub rate: Option<Decimal>,
    #[serde(default)]
    pub rate_unit: String,
    /// Rubric id used by the panel for this track, when it is reviewed.
    #[serde(default)]
    pub rubric: Option<String>,
    #[serde(default)]
    pub exclusions: Vec<String>,
    /// Who may apply, when the article names it (第六条 「不超过10所高校」, 第二十条
    /// 「商业银行」, 第二十一条 「在我局备案入册的知识产权服务机构」): eligibility gates of
    /// the track, checked with the rubric's own `eligibility` whenever a panel names the track
    /// (results, awards, `panel eligibility`, the chair screen). A track reviewed with a rubric
    /// of its own keeps these gates in that rubric's `eligibility`, as it keeps its exclusions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligibility: Vec<Gate>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One grade (等次) of a graded award track.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// The grade's name as the chair assigns it (一等, 二等 …).
    pub id: String,
    /// Relative weight in the split of the track total (> 0).
    pub weight: Decimal,
}

/// A category (一级指标).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    pub max: Decimal,
    /// Bonus category (附加分): capped on its own, added on top of the total.
    #[serde(default)]
    pub bonus: bool,
    /// The call caps the category below what its criteria reach (Σ weight × max);
    /// without it `rubric check` requires `max` to equal that sum.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub capped: bool,
    pub criteria: Vec<Criterion>,
}

/// A criterion (二级指标).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub title_en: String,
    pub max: Decimal,
    /// 要求 / 指标说明 as written.
    #[serde(default)]
    pub requirement: String,
    /// 评分标准 as written.
    #[serde(default)]
    pub standard: String,
    #[serde(default)]
    pub standard_en: String,
    /// Weight (factor) used by the aggregation; default 1.
    #[serde(default = "one")]
    pub weight: Decimal,
    #[serde(default)]
    pub evidence: Evidence,
    pub items: Vec<Item>,
}

fn one() -> Decimal {
    Decimal::ONE
}

/// Which bundle sections and facts a criterion shows as evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub facts: Vec<String>,
}

/// One scoring item of a criterion.
///
/// (No `deny_unknown_fields` here: serde does not support it together with
/// `flatten`; the flattened [`Rule`] denies unknown fields instead, and it
/// receives every key the item itself does not use.)
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Item {
    pub id: String,
    /// The clause of the scoring standard this item encodes, as written.
    pub text: String,
    #[serde(default)]
    pub text_en: String,
    #[serde(flatten)]
    pub rule: Rule,
    /// Conditions that must all hold for a rule item to earn anything.
    #[serde(default)]
    pub requires: Vec<Condition>,
    /// Step of values an expert may enter (default 0.5 for expert items,
    /// 0.1 for rule items).
    #[serde(default)]
    pub step: Option<Decimal>,
}

/// The kind of an item and its parameters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// A judgement from 0 to `max`.
    Expert { max: Decimal },
    /// A boolean fact gives fixed points.
    Flag { fact: String, points: Decimal },
    /// An enumerated fact maps to points.
    Choice {
        fact: String,
        options: Vec<ChoiceOption>,
    },
    /// A number maps to points by bands.
    Bands { value: NumExpr, bands: Vec<Band> },
    /// Σ rateᵢ × countᵢ, capped.
    PerUnit {
        terms: Vec<PerUnitTerm>,
        cap: Decimal,
    },
    /// Every condition must hold.
    AllOf {
        conditions: Vec<Condition>,
        points: Decimal,
    },
    /// At least one condition must hold ("2 名或专职 1 名以上").
    AnyOf {
        conditions: Vec<Condition>,
        points: Decimal,
    },
    /// When the condition holds, the criterion's value becomes `points`.
    Override {
        condition: Condition,
        points: Decimal,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub points: Decimal,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PerUnitTerm {
    pub fact: String,
    pub rate: Decimal,
}

/// A band: `from` ≤ x < `to` by default; inclusivity can be set per side.
/// A missing `from` is −∞, a missing `to` is +∞.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Band {
    #[serde(default)]
    pub from: Option<Decimal>,
    #[serde(default = "yes")]
    pub from_incl: bool,
    #[serde(default)]
    pub to: Option<Decimal>,
    #[serde(default)]
    pub to_incl: bool,
    pub points: Decimal,
    /// The band as written in the source ("250～299件").
    #[serde(default)]
    pub as_written: String,
}

fn yes() -> bool {
    true
}

/// A numeric value read from the facts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NumExpr {
    /// The fact itself.
    Fact(String),
    /// num / den × 100 (a percentage).
    Ratio { num: String, den: String },
    /// num / den × 10,000 (per ten thousand).
    Per10k { num: String, den: String },
    /// Minimum over the yearly values (convention 4); `skip_first` leaves the
    /// base year out.
    MinOver {
        fact: String,
        #[serde(default)]
        skip_first: bool,
    },
    /// Count of year-on-year increases over the yearly values (convention 5).
    Increases { fact: String },
    /// Sum of several facts.
    Sum(Vec<String>),
}

/// Comparison operator.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
    /// Boolean fact is true.
    IsTrue,
    /// Boolean fact is false.
    IsFalse,
    /// Fact present and not null.
    Present,
    /// Enum fact is one of `one_of`.
    In,
}

/// A condition on facts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Left side: a fact key (shorthand) …
    #[serde(default)]
    pub fact: Option<String>,
    /// … or a derived value.
    #[serde(default)]
    pub expr: Option<NumExpr>,
    pub op: Op,
    /// Right side: a constant …
    #[serde(default)]
    pub value: Option<Decimal>,
    /// … or another fact times `factor` (default 1).
    #[serde(default)]
    pub other: Option<String>,
    #[serde(default)]
    pub factor: Option<Decimal>,
    /// For `in`.
    #[serde(default)]
    pub one_of: Vec<String>,
    /// Human text of the condition, as written.
    #[serde(default)]
    pub text: String,
}

impl Rubric {
    /// All criteria with their category, in file order.
    pub fn criteria(&self) -> impl Iterator<Item = (&Category, &Criterion)> {
        self.categories
            .iter()
            .flat_map(|c| c.criteria.iter().map(move |k| (c, k)))
    }

    /// All items with category and criterion, in file order.
    pub fn items(&self) -> impl Iterator<Item = (&Category, &Criterion, &Item)> {
        self.criteria()
            .flat_map(|(c, k)| k.items.iter().map(move |i| (c, k, i)))
    }

    pub fn fact(&self, key: &str) -> Option<&FactDecl> {
        self.facts.iter().find(|f| f.key == key)
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria().map(|(_, k)| k).find(|k| k.id == id)
    }

    pub fn item(&self, id: &str) -> Option<(&Category, &Criterion, &Item)> {
        self.items().find(|(_, _, i)| i.id == id)
    }

    pub fn section(&self, key: &str) -> Option<&SectionDecl> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// Maximum of the bonus categories together.
    pub fn bonus_max(&self) -> Decimal {
        self.categories
            .iter()
            .filter(|c| c.bonus)
            .map(|c| c.max)
            .sum()
    }
}

impl Item {
    /// The most this item can give.
    pub fn max(&self) -> Decimal {
        self.rule.max()
    }

    pub fn is_expert(&self) -> bool {
        matches!(self.rule, Rule::Expert { .. })
    }

    /// Step of values an expert may enter.
    pub fn step(&self) -> Decimal {
        self.step.unwrap_or(if self.is_expert() {
            Decimal::new(5, 1)
        } else {
            Decimal::new(1, 1)
        })
    }

    pub fn kind_name(&self) -> &'static str {
        self.rule.kind_name()
    }
}

impl Rule {
    pub fn max(&self) -> Decimal {
        match self {
            Rule::Expert { max } => *max,
            Rule::Flag { points, .. } => *points,
            Rule::Choice { options, .. } => {
                options.iter().map(|o| o.points).max().unwrap_or_default()
            }
            Rule::Bands { bands, .. } => bands.iter().map(|b| b.points).max().unwrap_or_default(),
            Rule::PerUnit { cap, .. } => *cap,
            Rule::AllOf { points, .. } | Rule::AnyOf { points, .. } => *points,
            Rule::Override { points, .. } => *points,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Rule::Expert { .. } => "expert",
            Rule::Flag { .. } => "flag",
            Rule::Choice { .. } => "choice",
            Rule::Bands { .. } => "bands",
            Rule::PerUnit { .. } => "per_unit",
            Rule::AllOf { .. } => "all_of",
            Rule::AnyOf { .. } => "any_of",
            Rule::Override { .. } => "override",
        }
    }
}

impl NumExpr {
    /// Fact keys this expression reads.
    pub fn facts(&self) -> Vec<&str> {
        match self {
            NumExpr::Fact(k) => vec![k],
            NumExpr::Ratio { num, den } | NumExpr::Per10k { num, den } => vec![num, den],
            NumExpr::MinOver { fact, .. } | NumExpr::Increases { fact } => vec![fact],
            NumExpr::Sum(v) => v.iter().map(|s| s.as_str()).collect(),
        }
    }
}

impl Condition {
    /// Fact keys this condition reads.
    pub fn facts(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        if let Some(f) = &self.fact {
            v.push(f);
        }
        if let Some(e) = &self.expr {
            v.extend(e.facts());
        }
        if let Some(o) = &self.other {
            v.push(o);
        }
        v
    }
}

impl Band {
    /// Whether `x` lies in this band.
    pub fn contains(&self, x: Decimal) -> bool {
        let lo_ok = match self.from {
            None => true,
            Some(f) => {
                if self.from_incl {
                    x >= f
                } else {
                    x > f
                }
            }
        };
        let hi_ok = match self.to {
            None => true,
            Some(t) => {
                if self.to_incl {
                    x <= t
                } else {
                    x < t
                }
            }
        };
        lo_ok && hi_ok
    }

    /// The band in interval notation, e.g. `[250, 300)`.
    pub fn interval(&self) -> String {
        let lo = match self.from {
            None => "(−∞".to_string(),
            Some(f) => format!(
                "{}{}",
                if self.from_incl { "[" } else { "(" },
                f.normalize()
            ),
        };
        let hi = match self.to {
            None => "+∞)".to_string(),
            Some(t) => format!("{}{}", t.normalize(), if self.to_incl { "]" } else { ")" }),
        };
        format!("{lo}, {hi}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opinion_counts_its_characters_without_white_space() {
        // two lines typed with Alt-Enter: the line break is not a character of the opinion
        assert_eq!(OpinionSpec::count("很好\n第二行"), 5);
        assert_eq!(OpinionSpec::count("  很 好\r\n\t第二行\u{3000} "), 5);
        assert_eq!(OpinionSpec::count("good work"), 8);
        assert_eq!(OpinionSpec::count(" \n "), 0);
        let spec = OpinionSpec {
            required: true,
            min_chars: 6,
            title: String::new(),
            title_en: String::new(),
        };
        assert!(!spec.satisfied_by(Some("很好\n第二行")));
        assert!(spec.satisfied_by(Some("很好\n第二行啊")));
        assert!(!spec.satisfied_by(Some("\n\n")));
    }

    #[test]
    fn track_modes_keep_the_rubric_spellings() {
        let track = |mode: &str| Track {
            mode: mode.to_string(),
            ..serde_json::from_str(r#"{"id":"t","title":"x","mode":"panel"}"#).unwrap()
        };
        for (mode, kind) in [
            ("panel", Some(TrackMode::Panel)),
            ("per_unit", Some(TrackMode::PerUnit)),
            ("graded", Some(TrackMode::Graded)),
            ("Graded", None),
            ("per-unit", None),
            ("", None),
        ] {
            assert_eq!(track(mode).kind(), kind, "{mode:?}");
            if let Some(k) = kind {
                assert_eq!(k.as_ref(), mode);
            }
        }
    }
}
