//! JSON export: `{"panel", "source", "settings", "applications", "calibration_changes",
//! "budget_used_wan", "notes"}`; decimals as JSON numbers (integers where integral).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Report, SourceInfo};
use crate::aggregate::{AppResult, Dropped, Side};
use crate::rubric::num;

struct Num(Decimal);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        num::to_json(self.0).serialize(s)
    }
}

struct OptNum(Option<Decimal>);

impl Serialize for OptNum {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(d) => num::to_json(d).serialize(s),
            None => s.serialize_none(),
        }
    }
}

struct NumMap<'a>(&'a BTreeMap<String, Decimal>);

impl Serialize for NumMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, &Num(*v))?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct JDropped<'a> {
    expert: &'a str,
    criterion: Option<&'a str>,
    value: Num,
    side: &'static str,
}

impl<'a> From<&'a Dropped> for JDropped<'a> {
    fn from(d: &'a Dropped) -> Self {
        JDropped {
            expert: &d.expert,
            criterion: d.criterion.as_deref(),
            value: Num(d.value),
            side: match d.side {
                Side::High => "high",
                Side::Low => "low",
            },
        }
    }
}

#[derive(Serialize)]
struct JApp<'a> {
    rank: Option<usize>,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    status: &'a str,
    eligibility: &'a str,
    ineligible_reasons: &'a [String],
    total: OptNum,
    experts: usize,
    criteria: NumMap<'a>,
    categories: NumMap<'a>,
    expert_totals: NumMap<'a>,
    dropped: Vec<JDropped<'a>>,
    calibrated_total: OptNum,
    calibrated_shortlisted: bool,
    p_shortlist: Option<f64>,
    shortlisted: bool,
    funding_wan: OptNum,
    flags: &'a [crate::aggregate::Flag],
    notes: &'a [String],
    /// The chair's decisions in force for this application (who, what, when, why).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    decisions: Vec<&'a crate::decisions::Decision>,
}

fn japp<'a>(rep: &'a Report, a: &'a AppResult) -> JApp<'a> {
    JApp {
        rank: a.rank,
        id: &a.id,
        title: rep.titles.get(&a.id).map(String::as_str),
        status: a.status.as_str(),
        eligibility: a.eligibility.as_str(),
        ineligible_reasons: &a.ineligible_reasons,
        total: OptNum(a.total),
        experts: a.experts,
        criteria: NumMap(&a.criteria),
        categories: NumMap(&a.categories),
        expert_totals: NumMap(&a.expert_totals),
        dropped: a.dropped.iter().map(JDropped::from).collect(),
        calibrated_total: OptNum(a.calibrated_total),
        calibrated_shortlisted: super::calibrated_shortlisted(&rep.results, a),
        p_shortlist: a.p_shortlist,
        shortlisted: a.shortlisted,
        funding_wan: OptNum(a.funding_wan),
        flags: &a.flags,
        notes: &a.notes,
        decisions: rep
            .decisions
            .iter()
            .filter(|d| d.application == a.id)
            .collect(),
    }
}

#[derive(Serialize)]
struct JPanel<'a> {
    id: &'a str,
    title: &'a str,
    rubric: &'a str,
    rubric_title: &'a str,
    rubric_version: &'a str,
    rubric_sha256: &'a str,
    /// The track panel.json names: the rules that apply to this panel.
    #[serde(skip_serializing_if = "Option::is_none")]
    track: Option<JTrack<'a>>,
}

#[derive(Serialize)]
struct JTrack<'a> {
    id: &'a str,
    article: &'a str,
    title: &'a str,
    mode: &'a str,
    quota: Option<usize>,
    quota_approx: bool,
    per_award_cap_wan: OptNum,
    /// The cap is the award itself (a fixed sum); written only then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    fixed_award: bool,
    budget_wan: OptNum,
    targets: &'a [String],
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JSource<'a> {
    Db {
        journal_seq: u64,
        journal_head: &'a str,
    },
    Csv {
        file: String,
        sha256: Option<&'a str>,
        rows: u64,
    },
}

#[derive(Serialize)]
struct JSettings<'a> {
    method: &'static str,
    trim: usize,
    by: &'static str,
    round: u32,
    rounding: &'static str,
    quorum: usize,
    threshold: OptNum,
    /// `none`, `command_line` or `rubric`.
    threshold_source: &'static str,
    /// The rubric's `threshold_basis` when the pass mark is the rubric's.
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold_basis: Option<&'a str>,
    quota: Option<usize>,
    budget_wan: OptNum,
    per_award_cap_wan: OptNum,
    /// Every award is the cap (a fixed-sum track); written only then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    fixed_award: bool,
    disagreement_range_share: Num,
    outlier_total_share: Num,
    resamples: usize,
    seed: u64,
    /// Settings given on the command line (the rest are the rubric's defaults).
    overridden: &'a [&'static str],
}

#[derive(Serialize)]
struct JReport<'a> {
    panel: JPanel<'a>,
    source: JSource<'a>,
    settings: JSettings<'a>,
    applications: Vec<JApp<'a>>,
    calibration_changes: &'a [String],
    budget_used_wan: OptNum,
    /// True while the shortlist could still change (暂定); the reasons say why.
    provisional: bool,
    provisional_reasons: Vec<JReason<'a>>,
    notes: Vec<&'a str>,
}

#[derive(Serialize)]
struct JReason<'a> {
    #[serde(flatten)]
    reason: &'a crate::aggregate::ProvisionalReason,
    text: String,
    text_zh: String,
}

/// File name of a path (paths of temporary directories would make the output unstable).
pub(crate) fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// The report as pretty-printed JSON (with a final newline).
pub fn to_json(rep: &Report) -> String {
    let s = &rep.settings;
    let source = match &rep.source {
        SourceInfo::Db {
            journal_seq,
            journal_head,
            ..
        } => JSource::Db {
            journal_seq: *journal_seq,
            journal_head,
        },
        SourceInfo::Csv { path, sha256, rows } => JSource::Csv {
            file: file_name(path),
            sha256: sha256.as_deref(),
            rows: *rows,
        },
    };
    let j = JReport {
        panel: JPanel {
            id: &rep.panel.id,
            title: &rep.panel.title,
            rubric: &rep.panel.rubric_id,
            rubric_title: &rep.panel.rubric_title,
            rubric_version: &rep.panel.rubric_version,
            rubric_sha256: &rep.panel.rubric_sha256,
            track: rep.track.as_ref().map(|t| JTrack {
                id: &t.id,
                article: &t.article,
                title: &t.title,
                mode: &t.mode,
                quota: t.quota,
                quota_approx: t.quota_approx,
                per_award_cap_wan: OptNum(t.per_award_cap_wan),
                fixed_award: t.fixed_award,
                budget_wan: OptNum(t.budget_wan),
                targets: &t.targets,
            }),
        },
        source,
        settings: JSettings {
            method: s.method.into(),
            trim: s.trim,
            by: s.by.into(),
            round: s.digits,
            rounding: s.rounding.into(),
            quorum: s.quorum,
            threshold: OptNum(s.threshold),
            threshold_source: rep.threshold_source().tag(),
            threshold_basis: match rep.threshold_source() {
                super::ThresholdSource::Rubric(b) => Some(b),
                _ => None,
            },
            quota: s.quota,
            budget_wan: OptNum(s.budget_wan),
            per_award_cap_wan: OptNum(s.per_award_cap_wan),
            fixed_award: s.fixed_award,
            disagreement_range_share: Num(s.disagreement_range_share),
            outlier_total_share: Num(s.outlier_total_share),
            resamples: s.resamples,
            seed: s.seed,
            overridden: &rep.overridden,
        },
        applications: rep
            .results
            .applications
            .iter()
            .map(|a| japp(rep, a))
            .collect(),
        calibration_changes: &rep.results.calibration_changes,
        budget_used_wan: OptNum(rep.results.budget_used_wan),
        provisional: rep.results.is_provisional(),
        provisional_reasons: rep
            .results
            .provisional
            .iter()
            .map(|r| JReason {
                reason: r,
                text: r.en(),
                text_zh: r.zh(),
            })
            .collect(),
        notes: rep
            .notes
            .iter()
            .chain(rep.results.notes.iter())
            .map(String::as_str)
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&j).unwrap_or_else(|e| {
        // Serializing plain data into a String cannot fail; keep a valid document anyway.
        format!("{{\"error\": {:?}}}", e.to_string())
    });
    out.push('\n');
    out
}
