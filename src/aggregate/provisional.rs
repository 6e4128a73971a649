//! Whether the shortlist is still provisional (暂定), and why: computed from the results.
//!
//! The shortlist is provisional while either could still change it:
//!
//! 1. **An undecided gate.** A shortlisted application, or one tied at the cut
//!    (`tie_at_cut`), whose eligibility is `unchecked` (a manual gate, or a gate whose facts
//!    are missing, is not decided yet): if the gate fails, it leaves the shortlist.
//! 2. **An incomplete application that could still reach the cut.** Its *best possible
//!    total* is what it would get if the experts still missing for the quorum each gave it
//!    the scheme's maximum (`total_max` + bonus maxima): `(Σ valid experts' totals +
//!    (quorum − n) × maximum) / quorum` — the plain mean of the expert totals, whatever the
//!    official method (a stated rule, not a bound for every method). It could still reach
//!    the cut when that is at least the *cut*: the lowest total among the shortlisted and
//!    tied-at-cut applications when the shortlist is full (the quota is reached, a tie
//!    straddles the cut or the budget ran out); when there is still room on the shortlist,
//!    the pass mark if one is set, else any incomplete application could join. A shortlist
//!    that is full and empty (quota 0) has no cut, and nothing can join it. An ineligible
//!    application never counts.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{round_value, AppResult, EligibilityStatus, Flag, Settings, Status};

/// One reason why the shortlist is provisional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProvisionalReason {
    /// A shortlisted (or tied-at-cut) application has an undecided eligibility gate.
    Unchecked {
        application: String,
        /// Whether it is shortlisted now (else: tied at the cut).
        shortlisted: bool,
        /// The gates still open (ids), when the caller knows them (the pipeline does not:
        /// the export layer fills them from the bundle's gates).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        gates: Vec<String>,
    },
    /// An incomplete application whose best possible total reaches the cut.
    Incomplete {
        application: String,
        /// Valid experts so far, and the quorum.
        experts: usize,
        quorum: usize,
        /// Best possible total (rounded as the totals are).
        #[serde(serialize_with = "super::ser::dec")]
        best: Decimal,
        /// The cut's total; `None` when there is still room on the shortlist.
        #[serde(serialize_with = "super::ser::opt_dec")]
        cut: Option<Decimal>,
    },
}

impl ProvisionalReason {
    /// The application the reason is about.
    pub fn application(&self) -> &str {
        match self {
            ProvisionalReason::Unchecked { application, .. }
            | ProvisionalReason::Incomplete { application, .. } => application,
        }
    }

    /// In English.
    pub fn en(&self) -> String {
        match self {
            ProvisionalReason::Unchecked {
                application,
                shortlisted,
                gates,
            } => format!(
                "{application} is {} but its eligibility is unchecked ({})",
                if *shortlisted {
                    "shortlisted"
                } else {
                    "tied at the cut"
                },
                if gates.is_empty() {
                    "a gate undecided, or no bundle".to_string()
                } else {
                    format!(
                        "{} {} not decided",
                        if gates.len() == 1 { "gate" } else { "gates" },
                        gates.join(", ")
                    )
                }
            ),
            ProvisionalReason::Incomplete {
                application,
                experts,
                quorum,
                best,
                cut,
            } => match cut {
                Some(c) => format!(
                    "{application} is incomplete ({experts} of {quorum} valid experts) and could \
                     still reach the cut: best possible total {} ≥ {}",
                    best.normalize(),
                    c.normalize()
                ),
                None => format!(
                    "{application} is incomplete ({experts} of {quorum} valid experts) and could \
                     still join the shortlist (best possible total {}; the shortlist is not full)",
                    best.normalize()
                ),
            },
        }
    }

    /// In Chinese.
    pub fn zh(&self) -> String {
        match self {
            ProvisionalReason::Unchecked {
                application,
                shortlisted,
                gates,
            } => format!(
                "{application}{}，但资格尚未核验完毕（{}）",
                if *shortlisted {
                    "已入围"
                } else {
                    "在入围线上并列"
                },
                if gates.is_empty() {
                    "有申报条件未判定或缺少申报材料".to_string()
                } else {
                    format!("申报条件{}未判定", gates.join("、"))
                }
            ),
            ProvisionalReason::Incomplete {
                application,
                experts,
                quorum,
                best,
                cut,
            } => match cut {
                Some(c) => format!(
                    "{application}有效评分不足（{experts}/{quorum}份），最高可能得分{}不低于入围线{}，仍可能入围",
                    best.normalize(),
                    c.normalize()
                ),
                None => format!(
                    "{application}有效评分不足（{experts}/{quorum}份），入围名额未满，最高可能得分{}，仍可能入围",
                    best.normalize()
                ),
            },
        }
    }
}

/// The reasons (empty: the shortlist is final as far as the data go). `apps` in output
/// order; `max_total` = `total_max` + Σ bonus category maxima.
pub(crate) fn reasons(
    apps: &[AppResult],
    s: &Settings,
    max_total: Decimal,
) -> Vec<ProvisionalReason> {
    let mut out = Vec::new();
    let at_cut = |a: &AppResult| a.flags.contains(&Flag::TieAtCut);
    for a in apps {
        if a.eligibility == EligibilityStatus::Unchecked && (a.shortlisted || at_cut(a)) {
            out.push(ProvisionalReason::Unchecked {
                application: a.id.clone(),
                shortlisted: a.shortlisted,
                gates: Vec::new(),
            });
        }
    }
    let shortlisted = apps.iter().filter(|a| a.shortlisted).count();
    let full = s.quota.is_some_and(|q| shortlisted >= q)
        || apps
            .iter()
            .any(|a| at_cut(a) || a.flags.contains(&Flag::BudgetExhausted));
    let cut = if full {
        apps.iter()
            .filter(|a| a.shortlisted || at_cut(a))
            .filter_map(|a| a.total)
            .min()
    } else {
        s.threshold
    };
    for a in apps {
        if a.status != Status::Incomplete || a.eligibility == EligibilityStatus::Ineligible {
            continue;
        }
        let n = a.expert_totals.len();
        let q = s.quorum.max(n).max(1);
        let sum: Decimal = a.expert_totals.values().copied().sum();
        let missing = Decimal::from(q - n);
        let best = round_value(
            (sum + missing * max_total) / Decimal::from(q),
            s.digits,
            s.rounding,
        );
        let reaches = match cut {
            Some(c) => best >= c,
            // A full shortlist without a cut is an empty one (quota 0): nothing can join.
            None => !full,
        };
        if reaches {
            out.push(ProvisionalReason::Incomplete {
                application: a.id.clone(),
                experts: n,
                quorum: s.quorum,
                best,
                cut: if full { cut } else { None },
            });
        }
    }
    out
}
