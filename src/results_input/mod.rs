//! Reading the input of the results: the pipeline's input ([`Input`]), built from a panel and
//! its scores (the chair database, or a raw score CSV), for [`crate::report`] to compute the
//! report that the exports and the chair screen show. [`awards`] reads a formula-award
//! track's.
//!
//! - **Scheme**: the rubric's criteria (category, max, weight), categories (max, bonus),
//!   `total_max` and `tie_break` ([`scheme_of`]).
//! - **Applications**: the panel's valid bundles; eligibility from the rubric's gates and
//!   those of the panel's track ([`crate::rubric::check_gates`] → `eligible` / `ineligible` with the failed gates /
//!   `unchecked` when a gate is manual or its facts are missing, unless the chair database holds
//!   a person's decision on that gate: [`crate::decisions`]); the requested amount is the
//!   bundle's `requested_wan`, else the rubric's `funding.requested_fact`. A scores CSV naming
//!   an application that a panel with bundles does not have is refused; in a panel without
//!   any bundle, the applications the scores name are ranked with eligibility `unchecked`.
//! - **Scores** per (application, expert): item values → criterion values with
//!   [`crate::rubric::combine`]. From the chair database only `submitted` pairs count;
//!   `conflict` pairs are declared conflicts; drafts are listed in the notes and never
//!   counted. From a CSV every pair counts.
//! - **Settings**: the rubric's `aggregation` and `funding` defaults, overridden by
//!   [`Overrides`] ([`settings_for`]).

pub mod awards;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::aggregate::{
    AppInfo, By, CategorySpec, CriterionSpec, Eligibility, Method, OpenGate, Rounding, Scheme,
    ScoreTable, Settings,
};
use crate::decisions::{self, Decision};
use crate::export::{ExpertInfo, ExportError, PairDetail, PairState, SourceInfo};
use crate::panel::Panel;
use crate::rubric::{self, EligibilityStatus, FactValue, GateOutcome, Rubric, Track};
use crate::scores::rubric_index::{pair_criteria, RubricIndex};
use crate::scores::table::UnknownApp;
use crate::scores::{read_scores_csv, CsvProblem, Detail, Problems, RowReader, MAX_PROBLEMS};
use crate::store::{AppStatus, Store, StoreIdentity, OPINION_ITEM};

/// Settings given on the command line; `None` keeps the rubric's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub method: Option<Method>,
    pub trim: Option<usize>,
    pub by: Option<By>,
    pub digits: Option<u32>,
    pub rounding: Option<Rounding>,
    pub quorum: Option<usize>,
    pub threshold: Option<Decimal>,
    pub quota: Option<usize>,
    pub budget_wan: Option<Decimal>,
    pub per_award_cap_wan: Option<Decimal>,
    pub resamples: Option<usize>,
    pub seed: Option<u64>,
}

/// Largest `--round` accepted.
pub const MAX_DIGITS: u32 = 6;
/// Largest `--resamples` accepted.
pub const MAX_RESAMPLES: usize = 100_000;

/// The pipeline settings: the rubric's `aggregation` and `funding` defaults, then the
/// command line's overrides. Returns the settings and the names of the overridden ones.
pub fn settings_for(
    loaded: &rubric::Loaded,
    o: &Overrides,
) -> Result<(Settings, Vec<&'static str>), ExportError> {
    settings_for_track(loaded, None, o)
}

/// [`settings_for`] for a panel that reviews `track` (panel.json `track`): the track's quota,
/// per-award cap and track total replace the rubric's `funding` values (a value the track
/// does not state is no limit: the programme's whole fund is never one panel's budget);
/// the command line still overrides them.
pub fn settings_for_track(
    loaded: &rubric::Loaded,
    track: Option<&Track>,
    o: &Overrides,
) -> Result<(Settings, Vec<&'static str>), ExportError> {
    let r = &loaded.rubric;
    let a = &r.aggregation;
    let bad = |field: &'static str, message: String| ExportError::Setting {
        file: loaded.path.clone(),
        field,
        message,
    };
    let mut s = Settings {
        method: Method::from_str(&a.method)
            .map_err(|e| bad("aggregation.method", e.to_string()))?,
        trim: a.trim,
        by: By::from_str(&a.by).map_err(|e| bad("aggregation.by", e.to_string()))?,
        digits: a.digits,
        rounding: Rounding::from_str(&a.rounding)
            .map_err(|e| bad("aggregation.rounding", e.to_string()))?,
        quorum: a.quorum,
        threshold: a.threshold,
        quota: r.funding.quota,
        budget_wan: r.funding.budget_wan,
        per_award_cap_wan: r.funding.per_award_cap_wan,
        disagreement_range_share: a.disagreement_range_share,
        outlier_total_share: a.outlier_total_share,
        ..Settings::default()
    };
    if let Some(t) = track {
        s.quota = t.quota;
        s.per_award_cap_wan = t.per_award_cap_wan;
        s.fixed_award = t.fixed_award;
        s.budget_wan = t.budget_wan;
    }
    let mut over = Vec::new();
    macro_rules! set {
        ($field:ident, $name:literal) => {
            if let Some(v) = o.$field {
                s.$field = v;
                over.push($name);
            }
        };
    }
    set!(method, "method");
    set!(trim, "trim");
    set!(by, "by");
    set!(digits, "round");
    set!(rounding, "rounding");
    set!(quorum, "quorum");
    if let Some(t) = o.threshold {
        s.threshold = Some(t);
        over.push("threshold");
    }
    set!(resamples, "resamples");
    set!(seed, "seed");
    if let Some(q) = o.quota {
        s.quota = Some(q);
        over.push("quota");
    }
    if let Some(b) = o.budget_wan {
        s.budget_wan = Some(b);
        over.push("budget");
    }
    if let Some(c) = o.per_award_cap_wan {
        s.per_award_cap_wan = Some(c);
        over.push("cap");
    }
    if s.digits > MAX_DIGITS {
        return Err(ExportError::Usage(format!(
            "--round {}: at most {MAX_DIGITS} decimal places are supported",
            s.digits
        )));
    }
    if s.resamples > MAX_RESAMPLES {
        return Err(ExportError::Usage(format!(
            "--resamples {}: at most {MAX_RESAMPLES} draws are supported",
            s.resamples
        )));
    }
    for (name, v) in [
        ("--threshold", s.threshold),
        ("--budget", s.budget_wan),
        ("--cap", s.per_award_cap_wan),
    ] {
        if v.is_some_and(|v| v.is_sign_negative() && !v.is_zero()) {
            return Err(ExportError::Usage(format!("{name} must not be negative")));
        }
    }
    Ok((s, over))
}

/// The pipeline's scheme of a rubric.
pub fn scheme_of(r: &Rubric) -> Scheme {
    Scheme {
        criteria: r
            .criteria()
            .map(|(cat, k)| CriterionSpec {
                id: k.id.clone(),
                category: cat.id.clone(),
                max: k.max,
                weight: k.weight,
            })
            .collect(),
        categories: r
            .categories
            .iter()
            .map(|c| CategorySpec {
                id: c.id.clone(),
                max: c.max,
                bonus: c.bonus,
            })
            .collect(),
        total_max: r.total_max,
        tie_break: r.tie_break.clone(),
    }
}

/// What the results are computed from ([`crate::report`]): the scores, the panel's
/// applications, the declared conflicts, where the scores come from, every pair's state and
/// values, the experts.
pub struct Input {
    pub(crate) table: ScoreTable,
    pub(crate) apps: PanelApps,
    pub(crate) conflicts: Vec<(String, String)>,
    pub(crate) source: SourceInfo,
    pub(crate) pairs: BTreeMap<(String, String), PairDetail>,
    pub(crate) experts: Vec<ExpertInfo>,
}

/// What the pipeline needs of the panel's bundles.
pub(crate) struct PanelApps {
    pub(crate) apps: Vec<AppInfo>,
    pub(crate) titles: BTreeMap<String, String>,
    /// Rule item suggestions per application.
    pub(crate) suggestions: BTreeMap<String, BTreeMap<String, Decimal>>,
    /// Input notes per application.
    pub(crate) notes: BTreeMap<String, Vec<String>>,
    /// The chair's gate decisions that decided a gate (manual or lacking facts), in commit
    /// order; a decision on a gate that the facts now decide is not applied and not listed.
    pub(crate) applied: Vec<Decision>,
    /// Per unchecked application, the gates still open (undecided manual gates and gates
    /// lacking facts).
    pub(crate) open_gates: BTreeMap<String, Vec<OpenGate>>,
}

/// The panel's applications: eligibility from the rubric's gates and the track's
/// ([`Panel::eligibility_gates`]), with the chair's recorded
/// decisions (`decisions`, those in force) deciding gates that are manual or lack facts.
pub(crate) fn panel_apps(panel: &Panel, decisions: &[Decision]) -> PanelApps {
    let decided = decisions::gate_map(decisions);
    let r = &panel.rubric.rubric;
    let mut out = PanelApps {
        apps: Vec::new(),
        titles: BTreeMap::new(),
        suggestions: BTreeMap::new(),
        notes: BTreeMap::new(),
        applied: Vec::new(),
        open_gates: BTreeMap::new(),
    };
    let panel_gates = panel.eligibility_gates();
    for b in &panel.bundles {
        let code = b.bundle.code.clone();
        let mut gates = rubric::check_gates(&panel_gates, &b.facts);
        for g in &mut gates {
            if !g.outcome.is_open() {
                continue;
            }
            if let Some(d) = decided.get(&(code.clone(), g.id.clone())) {
                let pass = matches!(d.decided, decisions::Decided::Gate { pass: true, .. });
                g.outcome = if pass {
                    GateOutcome::Pass
                } else {
                    GateOutcome::Fail
                };
                g.text = format!("{}（{}）", g.text, d.describe_zh());
                out.notes
                    .entry(code.clone())
                    .or_default()
                    .push(d.describe());
                out.applied.push(d.clone());
            }
        }
        let eligibility = match rubric::eligibility_summary(&gates) {
            EligibilityStatus::Eligible => Eligibility::Eligible,
            EligibilityStatus::Ineligible => Eligibility::Ineligible(
                gates
                    .iter()
                    .filter(|g| g.outcome == GateOutcome::Fail)
                    .map(|g| {
                        if g.failed_clauses.is_empty() {
                            format!("{} {}", g.id, g.text)
                        } else {
                            // Which clause of a requirement with several is not met.
                            format!(
                                "{} {}（未满足：{}）",
                                g.id,
                                g.text,
                                g.failed_clauses.join("；")
                            )
                        }
                    })
                    .collect(),
            ),
            EligibilityStatus::Unchecked => {
                let open: Vec<OpenGate> = gates
                    .iter()
                    .filter_map(|g| match g.outcome {
                        GateOutcome::Manual => Some(OpenGate::Manual { gate: g.id.clone() }),
                        GateOutcome::Unknown => Some(OpenGate::Missing {
                            gate: g.id.clone(),
                            facts: g.missing_facts.clone(),
                        }),
                        GateOutcome::Pass | GateOutcome::Fail => None,
                    })
                    .collect();
                let words: Vec<String> = open.iter().map(OpenGate::to_string).collect();
                out.notes
                    .entry(code.clone())
                    .or_default()
                    .push(format!("eligibility unchecked: {}", words.join("; ")));
                out.open_gates.insert(code.clone(), open);
                Eligibility::Unchecked
            }
        };
        let requested_wan = b.bundle.requested_wan.or_else(|| {
            let key = r.funding.requested_fact.as_deref()?;
            match b.facts.get(key) {
                Some(FactValue::Num(d)) => Some(*d),
                _ => None,
            }
        });
        let sugg = rubric::evaluate(r, &b.facts).suggestions();
        out.suggestions.insert(code.clone(), sugg);
        out.titles.insert(code.clone(), b.bundle.title.clone());
        out.apps.push(AppInfo {
            id: code,
            eligibility,
            requested_wan,
        });
    }
    out
}

fn experts_of(panel: &Panel, seen: impl IntoIterator<Item = String>) -> Vec<ExpertInfo> {
    let mut out: Vec<ExpertInfo> = panel
        .config
        .experts
        .iter()
        .map(|e| ExpertInfo {
            id: e.id.clone(),
            name: e.name.clone(),
            in_roster: true,
        })
        .collect();
    let extra: BTreeSet<String> = seen
        .into_iter()
        .filter(|id| panel.expert(id).is_none())
        .collect();
    out.extend(extra.into_iter().map(|id| ExpertInfo {
        name: id.clone(),
        id,
        in_roster: false,
    }));
    out
}

/// Experts outside the roster are accepted (listed in the notes), except one whose id is a
/// mistyped spelling of a roster id (`e02`, `Ｅ０２`, `E2` for `E02`, an invisible space) or
/// a roster expert's name (`张三` for `E01`): that would split one expert's scores in two and
/// drop the expert from the applications, so it is refused at its first row (the file is
/// read again for the lines: only when there is one).
fn mistyped_experts(panel: &Panel, path: &Path, seen: &[String]) -> Result<(), ExportError> {
    let roster = || panel.config.experts.iter().map(|e| e.id.as_str());
    let names = || {
        panel
            .config
            .experts
            .iter()
            .map(|e| (e.id.as_str(), e.name.as_str()))
    };
    // typed id → (roster id, whether the typed id is that expert's name)
    let mistyped: BTreeMap<&str, (&str, bool)> = seen
        .iter()
        .filter(|id| panel.expert(id).is_none())
        .filter_map(|id| {
            let near = rubric::value_check::near_id(id, roster()).map(|k| (k, false));
            let named = || rubric::value_check::expert_named(id, names()).map(|k| (k, true));
            Some((id.as_str(), near.or_else(named)?))
        })
        .collect();
    if mistyped.is_empty() {
        return Ok(());
    }
    let mut first: BTreeMap<&str, u64> = BTreeMap::new();
    if let Ok(file) = std::fs::File::open(path) {
        let mut reader = RowReader::new(std::io::BufReader::new(file), false);
        if reader.header().is_ok() {
            reader.rows(&mut Problems::default(), |row, _| {
                if let Some((id, _)) = mistyped.get_key_value(row.expert()) {
                    first.entry(id).or_insert(row.line);
                }
            });
        }
    }
    let mut problems: Vec<CsvProblem> = mistyped
        .iter()
        .map(|(id, &(known, by_name))| CsvProblem {
            line: first.get(id).copied().unwrap_or(1),
            column: 2,
            message: if by_name {
                format!(
                    "expert {id:?} is not in the roster, but it is the name of {known:?}: the \
                     file gives experts by id; write {known:?} (an expert outside the roster \
                     is counted as another expert)"
                )
            } else {
                format!(
                    "expert {id:?} is not in the roster, but {known:?} is: the same id in \
                     another case, width, with spaces or other leading zeros; write {known:?} \
                     (an expert outside the roster is counted as another expert)"
                )
            },
        })
        .collect();
    problems.sort_by_key(|p| (p.line, p.column));
    problems.truncate(MAX_PROBLEMS);
    Err(ExportError::Csv {
        file: path.to_path_buf(),
        problems,
    })
}

/// With `PANEL_TIMING` set, the duration of a phase on stderr (for benchmarks).
pub fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("PANEL_TIMING").is_some() {
        // Resident memory now (Linux), to see which phase grows it.
        let rss = std::fs::read_to_string("/proc/self/statm")
            .ok()
            .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map(|pages| format!(", {} MB resident", (pages * 4096) >> 20))
            .unwrap_or_default();
        eprintln!(
            "timing: {phase}: {:.3} s{rss}",
            since.elapsed().as_secs_f64()
        );
    }
}

/// Opens a read-only snapshot of the chair database at `path` (which must exist: results
/// never create one), with the findings to show (torn journal tail, unreadable index).
pub fn open_chair(panel: &Panel, path: &Path) -> Result<(Store, Vec<String>), ExportError> {
    if !path.exists() {
        return Err(ExportError::Usage(format!(
            "no chair database at {}: merge the experts' sheets (`panel merge`) or import \
             paper forms (`panel import`) first, pass --db <PATH>, or compute from a CSV with \
             --scores <CSV>",
            path.display()
        )));
    }
    let ident = StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: crate::role::Role::Chair,
    };
    let (store, report) =
        Store::open_read_only(path, &ident).map_err(|error| ExportError::Store {
            path: path.to_path_buf(),
            error,
        })?;
    Ok((store, report.warnings))
}

/// The results' input from the chair database: submitted pairs count, conflicts exclude,
/// drafts are noted.
pub fn read_store(panel: &Panel, store: &Store, db_path: &Path) -> Input {
    let ix = RubricIndex::new(&panel.rubric.rubric);
    let decisions = decisions::in_force(&decisions::read(store));
    let mut pa = panel_apps(panel, &decisions);
    // (app, expert) → item values.
    let mut given: BTreeMap<(String, String), BTreeMap<String, Decimal>> = BTreeMap::new();
    for (expert, app, item, entry) in store.all_scores() {
        given
            .entry((app, expert))
            .or_default()
            .insert(item, entry.value);
    }
    let mut states: BTreeMap<(String, String), PairState> = BTreeMap::new();
    for (expert, app, status, reason) in store.all_statuses() {
        let st = match status {
            AppStatus::Submitted => PairState::Submitted,
            AppStatus::Draft => PairState::Draft,
            AppStatus::Conflict => PairState::Conflict(reason),
        };
        states.insert((app, expert), st);
    }
    for k in given.keys() {
        states.entry(k.clone()).or_insert(PairState::Draft);
    }
    let comments = store.all_comments();
    // A draft with nothing in it (no value, no comment) is an application the expert has
    // not started: a merged sheet lists every application of the panel, untouched ones as
    // drafts. It is left out like an application the expert has no row for, so that no
    // view shows its rule suggestions as the expert's scores (drafts never count anyway).
    let started: BTreeSet<(String, String)> = comments
        .iter()
        .map(|(expert, app, _, _)| (app.clone(), expert.clone()))
        .chain(given.keys().cloned())
        .collect();
    let mut seen_experts = BTreeSet::new();
    states.retain(|k, st| {
        seen_experts.insert(k.1.clone());
        *st != PairState::Draft || started.contains(k)
    });
    let mut opinions: BTreeMap<(String, String), String> = comments
        .into_iter()
        .filter(|(_, _, item, _)| item == OPINION_ITEM)
        .map(|(expert, app, _, text)| ((app, expert), text))
        .collect();
    let empty = BTreeMap::new();
    let mut table = ScoreTable::new();
    let mut conflicts = Vec::new();
    let mut pairs = BTreeMap::new();
    for ((app, expert), state) in states {
        let items = given.get(&(app.clone(), expert.clone())).unwrap_or(&empty);
        let mut pair_notes = Vec::new();
        let values = pair_criteria(
            &ix,
            items,
            pa.suggestions.get(&app),
            &|_| false,
            &format!("expert {expert}"),
            &mut pair_notes,
        );
        let app_notes = pa.notes.entry(app.clone()).or_default();
        match &state {
            PairState::Submitted | PairState::Scored => {
                app_notes.append(&mut pair_notes);
                for (c, v) in &values {
                    table.push(&app, &expert, ix.crit_ids[*c], *v);
                }
            }
            PairState::Draft => app_notes.push(format!(
                "expert {expert}: draft, not submitted; not counted"
            )),
            PairState::Conflict(_) => conflicts.push((app.clone(), expert.clone())),
        }
        let opinion = opinions.remove(&(app.clone(), expert.clone()));
        pairs.insert(
            (app, expert),
            PairDetail {
                opinion,
                state,
                criteria: values
                    .into_iter()
                    .map(|(c, v)| (ix.crit_ids[c].to_string(), v))
                    .collect(),
            },
        );
    }
    pa.notes.retain(|_, v| !v.is_empty());
    let experts = experts_of(panel, seen_experts);
    let source = SourceInfo::Db {
        path: db_path.to_path_buf(),
        journal_seq: store.seq(),
        journal_head: store.head().to_string(),
        audit: store.audit_records(),
    };
    Input {
        table,
        apps: pa,
        conflicts,
        source,
        pairs,
        experts,
    }
}

// ---------------------------------------------------------------------------------------------
// Raw-score CSV
// ---------------------------------------------------------------------------------------------

/// The refusal of an application code that a panel with bundles does not have.
fn unknown_app(panel: &Panel, code: &str) -> String {
    const SHOWN: usize = 10;
    let codes: Vec<&str> = panel
        .bundles
        .iter()
        .map(|b| b.bundle.code.as_str())
        .collect();
    let list = if codes.len() > SHOWN {
        format!("{}, … ({} in all)", codes[..SHOWN].join(", "), codes.len())
    } else {
        codes.join(", ")
    };
    let invalid = if panel.invalid.is_empty() {
        String::new()
    } else {
        format!(
            "; {} bundle file(s) there are invalid and not used (`panel bundle check`)",
            panel.invalid.len()
        )
    };
    format!(
        "application {code:?} is not in panel {}{} (applications: {list}); correct the code, \
         or add the application's bundle to {}{invalid}",
        panel.config.id,
        crate::rubric::value_check::did_you_mean(code, codes.iter().copied()),
        panel.dir.join(&panel.config.bundles).display(),
    )
}

/// The results' input from a raw-score CSV (no database): the per-expert values that
/// `detail` names are kept; the file's sha256 only when `hash` (outputs that do not show it
/// need not pay for it).
pub fn read_csv(
    panel: &Panel,
    path: &Path,
    detail: &Detail,
    hash: bool,
) -> Result<Input, ExportError> {
    let mut pa = panel_apps(panel, &[]);
    let t0 = std::time::Instant::now();
    // A panel with bundles lists its applications: a code outside them is a typo or a
    // missing bundle, never an application to rank. (A panel without any bundle, such as
    // `panel synth --no-bundles`, takes its applications from the scores.)
    let has_bundles = !panel.bundles.is_empty() || !panel.invalid.is_empty();
    let unknown = |code: &str| (!pa.titles.contains_key(code)).then(|| unknown_app(panel, code));
    let check: Option<&UnknownApp<'_>> = has_bundles.then_some(&unknown);
    let cs = read_scores_csv(
        path,
        &panel.rubric.rubric,
        &pa.suggestions,
        detail,
        hash,
        check,
    )?;
    timing("read scores CSV", t0);
    let pairs = cs
        .pairs
        .into_iter()
        .map(|(key, criteria)| {
            let detail = PairDetail {
                state: PairState::Scored,
                criteria,
                opinion: None,
            };
            (key, detail)
        })
        .collect();
    for (app, mut n) in cs.notes {
        if !pa.titles.contains_key(&app) {
            // An application without a bundle whose experts left a criterion unscored (item
            // rows only): listed, with the note, as a panel application would be, not dropped.
            pa.apps.push(AppInfo {
                id: app.clone(),
                eligibility: Eligibility::Unchecked,
                requested_wan: None,
            });
        }
        pa.notes.entry(app).or_default().append(&mut n);
    }
    mistyped_experts(panel, path, &cs.experts)?;
    let experts = experts_of(panel, cs.experts);
    let source = SourceInfo::Csv {
        path: PathBuf::from(path),
        sha256: cs.sha256,
        rows: cs.rows,
    };
    Ok(Input {
        table: cs.table,
        apps: pa,
        conflicts: Vec::new(),
        source,
        pairs,
        experts,
    })
}
