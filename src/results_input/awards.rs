//! Reading the input of a formula-award track (`panel awards`): the panel's track and its
//! rule, each bundle's units (the track's `unit_fact`) and eligibility, and the chair's
//! decisions (manual gates, grades), for [`crate::report::build_awards`].

use rust_decimal::Decimal;

use super::panel_apps;
use std::collections::BTreeMap;

use crate::aggregate::awards::{AwardApplicant, AwardRule};
use crate::aggregate::Eligibility;
use crate::decisions::{self, Decided, Decision};
use crate::export::ExportError;
use crate::panel::Panel;
use crate::rubric::{FactValue, Track, TrackMode};

/// 万元 → 元.
fn yuan(wan: Decimal) -> Decimal {
    wan * Decimal::from(10_000)
}

/// The track's award rule, or why there is none. `r` is the panel's rubric (for the unit of
/// the track's `unit_fact`).
pub fn rule_of(
    t: &Track,
    r: &crate::rubric::Rubric,
    file: &std::path::Path,
) -> Result<AwardRule, ExportError> {
    let bad = |m: String| ExportError::Usage(format!("{}: {m}", file.display()));
    match t.kind() {
        Some(TrackMode::PerUnit) => Ok(AwardRule::PerUnit {
            yuan_per_unit: t.yuan_per_unit.ok_or_else(|| {
                bad(format!(
                    "track `{}` has no `yuan_per_unit`; check the rubric (`panel rubric check`)",
                    t.id
                ))
            })?,
            cap_yuan: t.per_award_cap_wan.map(yuan),
            unit: unit_label(t, r),
        }),
        Some(TrackMode::Graded) => Ok(AwardRule::Graded {
            grades: t.grades.iter().map(|g| (g.id.clone(), g.weight)).collect(),
        }),
        Some(TrackMode::Panel) | None => Err(bad(format!(
            "track `{}` ({} {}) is `{}`: it is reviewed by the panel, not a formula award; \
             use `panel results`",
            t.id, t.article, t.title, t.mode
        ))),
    }
}

/// The unit of the track's `unit_fact` as the rubric declares it (件, 万元 …).
fn unit_label(t: &Track, r: &crate::rubric::Rubric) -> String {
    t.unit_fact
        .as_deref()
        .and_then(|k| r.facts.iter().find(|f| f.key == k))
        .map(|f| f.unit.clone())
        .unwrap_or_default()
}

/// What a formula-award track computes on.
pub struct AwardInput {
    pub track: Track,
    pub rule: AwardRule,
    /// The track's total, in 元.
    pub total_yuan: Decimal,
    /// Every valid bundle, by id.
    pub applicants: Vec<AwardApplicant>,
    pub titles: BTreeMap<String, String>,
    /// The gate decisions that decided a gate, and this track's grades in force, in commit
    /// order.
    pub decisions: Vec<Decision>,
}

/// Reads the award input of `panel` (which must name a per-unit or graded track) with the
/// chair's `decisions` (all, as read from the store; those in force are used).
pub fn read_awards(panel: &Panel, decisions: &[Decision]) -> Result<AwardInput, ExportError> {
    let file = panel.dir.join("panel.json");
    let Some(t) = panel.track.clone() else {
        return Err(ExportError::Usage(format!(
            "{}: no `track`: `panel awards` computes a formula-award track; add \"track\": \
             \"<id>\" (academic-license-award, bank-pledge-award, agency-trusteeship-award, \
             open-license-award)",
            file.display()
        )));
    };
    let rule = rule_of(&t, &panel.rubric.rubric, &file)?;
    let total_yuan = t.budget_wan.map(yuan).ok_or_else(|| {
        ExportError::Usage(format!(
            "{}: track `{}` states no total (`budget_wan`)",
            file.display(),
            t.id
        ))
    })?;
    let in_force = decisions::in_force(decisions);
    let grades = decisions::grade_map(&in_force, &t.id);
    let pa = panel_apps(panel, &in_force);
    let mut applicants = Vec::new();
    for info in &pa.apps {
        let b = panel.bundle(&info.id);
        let units = match (&t.unit_fact, b) {
            (Some(k), Some(b)) => match b.facts.get(k) {
                Some(FactValue::Num(d)) => Some(*d),
                _ => None,
            },
            _ => None,
        };
        // The gates still open.
        let unchecked = match &info.eligibility {
            Eligibility::Unchecked => {
                Some(pa.open_gates.get(&info.id).cloned().unwrap_or_default())
            }
            _ => None,
        };
        applicants.push(AwardApplicant {
            id: info.id.clone(),
            units,
            grade: grades.get(&info.id).and_then(|d| match &d.decided {
                Decided::Grade { grade, .. } => Some(grade.clone()),
                _ => None,
            }),
            ineligible: match &info.eligibility {
                Eligibility::Ineligible(r) => Some(r.clone()),
                _ => None,
            },
            unchecked,
        });
    }
    applicants.sort_by(|a, b| a.id.cmp(&b.id));
    let mut decisions: Vec<Decision> = pa.applied.clone();
    decisions.extend(grades.values().cloned());
    decisions.sort_by_key(|d| d.seq);
    Ok(AwardInput {
        track: t,
        rule,
        total_yuan,
        applicants,
        titles: pa.titles,
        decisions,
    })
}
