//! Computing the results report: the pipeline ([`crate::aggregate`]) run on the results'
//! input ([`crate::results_input`]) with the settings of the rubric and the command line, into
//! the [`Report`] that the exports ([`crate::export`]) and the chair screen show, with the
//! notes around it (unused bundles, experts outside the roster, the track's rules, a reduced
//! bootstrap); and the award report of a formula-award track ([`build_awards`]).

use std::path::Path;

use rust_decimal::Decimal;

use crate::aggregate::{self, awards, Eligibility};
use crate::decisions::Decision;
use crate::export::{AwardsReport, ExpertInfo, ExportError, PanelInfo, Report, SourceInfo};
use crate::panel::Panel;
use crate::results_input::{self, scheme_of, settings_for_track, timing, Input, Overrides};
use crate::rubric;
use crate::scores::Detail;
use crate::store::Store;

/// Results from the chair database ([`results_input::read_store`]).
pub fn build_from_store(
    panel: &Panel,
    store: &Store,
    db_path: &Path,
    o: &Overrides,
) -> Result<Report, ExportError> {
    run(panel, o, results_input::read_store(panel, store, db_path))
}

/// Results straight from a raw-score CSV (no database). `want_detail` keeps every expert's
/// criterion values (for the XLSX and the 评分表; see [`build_from_csv_detail`]).
pub fn build_from_csv(
    panel: &Panel,
    path: &Path,
    o: &Overrides,
    want_detail: bool,
) -> Result<Report, ExportError> {
    let detail = if want_detail {
        Detail::All
    } else {
        Detail::None
    };
    build_from_csv_detail(panel, path, o, &detail, true)
}

/// [`build_from_csv`] keeping the per-expert values that `detail` names; the file's sha256
/// only when `hash`.
pub fn build_from_csv_detail(
    panel: &Panel,
    path: &Path,
    o: &Overrides,
    detail: &Detail,
    hash: bool,
) -> Result<Report, ExportError> {
    // Settings first: a bad setting is reported before reading a large file.
    settings_for_track(&panel.rubric, panel.track.as_ref(), o)?;
    run(
        panel,
        o,
        results_input::read_csv(panel, path, detail, hash)?,
    )
}

/// The award report of `panel` (which must name a per-unit or graded track) with the chair's
/// `decisions` (all, as read from the store; those in force are used).
pub fn build_awards(panel: &Panel, decisions: &[Decision]) -> Result<AwardsReport, ExportError> {
    let input = results_input::awards::read_awards(panel, decisions)?;
    let awards = awards::compute(&input.rule, input.total_yuan, &input.applicants);
    let mut notes = unused_bundles(panel);
    notes.extend(input.track.notes.iter().cloned());
    Ok(AwardsReport {
        panel: panel_info(panel),
        track: input.track,
        awards,
        titles: input.titles,
        decisions: input.decisions,
        notes,
    })
}

/// Draws × scores allowed for the default bootstrap (about half a second on
/// this project's 2-core machine).
pub const BOOTSTRAP_BUDGET: usize = 1_000_000_000;

/// The default number of bootstrap draws for a panel of `scores` scores:
/// `wanted`, reduced so that draws × scores stays within
/// [`BOOTSTRAP_BUDGET`], never below 100.
pub fn default_resamples(wanted: usize, scores: usize) -> usize {
    if wanted == 0 || scores == 0 {
        return wanted;
    }
    wanted.min((BOOTSTRAP_BUDGET / scores).max(100))
}

/// Runs the pipeline on `input` and wraps the results with their context.
fn run(panel: &Panel, o: &Overrides, input: Input) -> Result<Report, ExportError> {
    let pa = input.apps;
    let (mut settings, overridden) = settings_for_track(&panel.rubric, panel.track.as_ref(), o)?;
    let mut notes = global_notes(panel, &input.experts);
    notes.extend(track_notes(panel));
    if matches!(input.source, SourceInfo::Csv { .. })
        && pa
            .apps
            .iter()
            .any(|a| matches!(a.eligibility, Eligibility::Unchecked))
    {
        notes.push(
            "eligibility decisions (`panel eligibility`) live in the chair database; results \
             from a scores CSV do not read them, so gates checked by hand stay unchecked"
                .into(),
        );
    }
    // The bootstrap costs draws × scores; on very large panels the default
    // number of draws is reduced (never when --resamples is given) and said.
    if o.resamples.is_none() {
        let draws = default_resamples(settings.resamples, input.table.len());
        if draws < settings.resamples {
            notes.push(format!(
                "p_shortlist from {draws} bootstrap draws instead of {} for a panel of {} scores (keeps the run fast); pass --resamples N to choose",
                settings.resamples,
                input.table.len()
            ));
            settings.resamples = draws;
        }
    }
    let scheme = scheme_of(&panel.rubric.rubric);
    let t0 = std::time::Instant::now();
    let mut results =
        aggregate::run_table(&scheme, &pa.apps, &input.conflicts, &input.table, &settings);
    timing("pipeline", t0);
    drop(input.table);
    // The provisional reasons name the gates still open.
    for r in &mut results.provisional {
        if let aggregate::ProvisionalReason::Unchecked {
            application, gates, ..
        } = r
        {
            if let Some(g) = pa.open_gates.get(application.as_str()) {
                *gates = g.iter().map(|g| g.id().to_string()).collect();
            }
        }
    }
    let mut notes_by_app = pa.notes;
    let mut open_gates = pa.open_gates;
    for app in &mut results.applications {
        app.open_gates = open_gates.remove(&app.id).unwrap_or_default();
        let mut n = notes_by_app.remove(&app.id).unwrap_or_default();
        if !pa.titles.contains_key(&app.id) {
            n.insert(
                0,
                "no bundle in the panel: eligibility not checked, no requested amount".into(),
            );
        }
        if !n.is_empty() {
            n.append(&mut app.notes);
            app.notes = n;
        }
    }
    let requested_wan = pa
        .apps
        .iter()
        .filter_map(|a| a.requested_wan.map(|r| (a.id.clone(), r)))
        .collect();
    Ok(Report {
        track: panel.track.clone(),
        decisions: {
            let mut d = pa.applied;
            d.sort_by_key(|x| x.seq);
            d
        },
        requested_wan,
        panel: panel_info(panel),
        rubric: panel.rubric.rubric.clone(),
        experts: input.experts,
        titles: pa.titles,
        settings,
        overridden,
        results,
        source: input.source,
        pairs: input.pairs,
        notes,
        meeting: crate::export::forms::Meeting {
            date: panel.config.meeting.as_ref().and_then(|m| m.date.clone()),
            place: panel.config.meeting.as_ref().and_then(|m| m.place.clone()),
            chair: panel.config.chair.clone(),
        },
    })
}

fn panel_info(panel: &Panel) -> PanelInfo {
    let r = &panel.rubric.rubric;
    PanelInfo {
        id: panel.config.id.clone(),
        title: panel.config.title.clone(),
        rubric_id: r.id.clone(),
        rubric_title: r.title.clone(),
        rubric_version: r.version.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
    }
}

/// A note for each bundle file of the panel that is not used, with why.
fn unused_bundles(panel: &Panel) -> Vec<String> {
    panel
        .invalid
        .iter()
        .map(|(path, reason)| {
            format!(
                "bundle {} is not used: {reason}",
                path.strip_prefix(&panel.dir).unwrap_or(path).display()
            )
        })
        .collect()
}

fn global_notes(panel: &Panel, experts: &[ExpertInfo]) -> Vec<String> {
    let mut notes = unused_bundles(panel);
    let extra: Vec<&str> = experts
        .iter()
        .filter(|e| !e.in_roster)
        .map(|e| e.id.as_str())
        .collect();
    if !extra.is_empty() {
        notes.push(format!(
            "experts not in the roster of panel.json: {}",
            extra.join(", ")
        ));
    }
    notes
}

/// What the panel's track applies, and a reminder when a multi-track rubric is used without
/// naming the track.
fn track_notes(panel: &Panel) -> Vec<String> {
    let r = &panel.rubric.rubric;
    let Some(t) = &panel.track else {
        if r.tracks.len() > 1 {
            return vec![format!(
                "rubric `{}` lists {} tracks and panel.json names none: no track quota, cap or \
                 total applies; add \"track\": \"<id>\" to panel.json",
                r.id,
                r.tracks.len()
            )];
        }
        return Vec::new();
    };
    let wan = |d: Decimal| format!("{}万元", rubric::num::show(d));
    let mut rules = Vec::new();
    match t.quota {
        Some(q) if t.quota_approx => rules.push(format!(
            "quota about {q} (左右: --quota sets the panel's number)"
        )),
        Some(q) => rules.push(format!("quota ≤ {q}")),
        None => rules.push("no quota stated".into()),
    }
    rules.push(match t.per_award_cap_wan {
        Some(c) if t.fixed_award => format!("{} per award (a fixed sum)", wan(c)),
        Some(c) => format!("≤ {} per award", wan(c)),
        None => "no per-award cap stated".into(),
    });
    rules.push(match t.budget_wan {
        Some(b) => format!("track total ≤ {}", wan(b)),
        None => "no track total stated".into(),
    });
    let mut notes = vec![format!(
        "track {} ({} {}): {}",
        t.id,
        t.article,
        t.title,
        rules.join(", ")
    )];
    for target in &t.targets {
        notes.push(format!(
            "track target ({}): {target} — the track's own target; check it against the plans",
            t.article
        ));
    }
    if t.kind() != Some(crate::rubric::TrackMode::Panel) {
        notes.push(format!(
            "track {} is a formula award ({}), not reviewed by the panel: use `panel awards`",
            t.id, t.mode
        ));
    }
    notes
}

#[cfg(test)]
mod tests {

    #[test]
    fn default_resamples_shrink_only_for_large_panels() {
        use super::default_resamples;
        assert_eq!(default_resamples(1000, 0), 1000);
        assert_eq!(default_resamples(1000, 500), 1000);
        assert_eq!(default_resamples(1000, 1_000_000), 1000);
        assert_eq!(default_resamples(1000, 4_500_000), 222);
        assert_eq!(default_resamples(1000, 100_000_000), 100);
        assert_eq!(default_resamples(0, 4_500_000), 0);
    }
}
