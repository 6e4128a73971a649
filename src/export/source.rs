//! The pipeline's input, built from a panel and its scores (the chair database, or a raw
//! score CSV), and the run itself.
//!
//! - **Scheme**: the rubric's criteria (category, max, weight), categories (max, bonus),
//!   `total_max` and `tie_break` ([`scheme_of`]).
//! - **Applications**: the panel's valid bundles; eligibility from the rubric's gates
//!   ([`crate::rubric::check_gates`] → `eligible` / `ineligible` with the failed gates /
//!   `unchecked` when a gate is manual or its facts are missing); the requested amount is the
//!   bundle's `requested_wan`, else the rubric's `funding.requested_fact`. Applications that
//!   only the scores name are ranked with eligibility `unchecked`.
//! - **Scores** per (application, expert): item values → criterion values with
//!   [`crate::rubric::combine`]. From the chair database only `submitted` pairs count;
//!   `conflict` pairs are declared conflicts; drafts are listed in the notes and never
//!   counted. From a CSV every pair counts.
//! - **Settings**: the rubric's `aggregation` and `funding` defaults, overridden by
//!   [`Overrides`] ([`settings_for`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::{ExpertInfo, ExportError, PairDetail, PairState, PanelInfo, Report, SourceInfo};
use crate::aggregate::{
    self, AppInfo, By, CategorySpec, CriterionSpec, Eligibility, Method, Rounding, Scheme,
    ScoreTable, Settings,
};
use crate::panel::Panel;
use crate::rubric::{self, FactValue, Item, Rubric};
use crate::sheet::CsvProblem;
use crate::store::{AppStatus, Store, StoreIdentity};

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
    set!(threshold, "threshold");
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
        ("--threshold", Some(s.threshold)),
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

/// The rubric in index form: criteria and items by position.
pub(crate) struct RubricIndex<'r> {
    pub(crate) rubric: &'r Rubric,
    pub(crate) crit_ids: Vec<&'r str>,
    /// Item positions of each criterion.
    crit_items: Vec<Vec<usize>>,
    items: Vec<&'r Item>,
    /// Criterion or item id → its position in `lookup_keys`.
    lookup: HashMap<Box<[u8]>, u32, FnvBuild>,
    /// Ids and targets in the rubric's order: each criterion, then its items.
    lookup_keys: Vec<(Box<[u8]>, Target)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Criterion(u32),
    Item(u32),
}

impl<'r> RubricIndex<'r> {
    pub(crate) fn new(rubric: &'r Rubric) -> Self {
        let mut crit_ids = Vec::new();
        let mut crit_items = Vec::new();
        let mut items = Vec::new();
        let mut targets: HashMap<&'r str, Target> = HashMap::new();
        let mut order: Vec<&'r str> = Vec::new();
        for (_, k) in rubric.criteria() {
            let c = crit_ids.len();
            crit_ids.push(k.id.as_str());
            // A criterion id wins over an item id of the same spelling.
            if targets.insert(&k.id, Target::Criterion(c as u32)).is_none() {
                order.push(&k.id);
            }
            let mut mine = Vec::new();
            for it in &k.items {
                mine.push(items.len());
                if !targets.contains_key(it.id.as_str()) {
                    targets.insert(&it.id, Target::Item(items.len() as u32));
                    order.push(&it.id);
                }
                items.push(it);
            }
            crit_items.push(mine);
        }
        let lookup_keys: Vec<(Box<[u8]>, Target)> = order
            .iter()
            .map(|id| (id.as_bytes().into(), targets[id]))
            .collect();
        let lookup = lookup_keys
            .iter()
            .enumerate()
            .map(|(p, (k, _))| (k.clone(), p as u32))
            .collect();
        RubricIndex {
            rubric,
            crit_ids,
            crit_items,
            items,
            lookup,
            lookup_keys,
        }
    }

    fn nc(&self) -> usize {
        self.crit_ids.len()
    }
}

/// Criterion values of one (application, expert) pair from its item values.
///
/// Rule items without a value take `suggestions` (the rubric's computed value for the
/// application's facts). A criterion some of whose items still have no value is not scored
/// (listed in `notes`, prefixed with `who`); `skip(c)` criteria are given otherwise and left
/// out. The values are [`rubric::combine`]'s (item caps, overrides, criterion caps).
pub(crate) fn pair_criteria(
    ix: &RubricIndex<'_>,
    given: &BTreeMap<String, Decimal>,
    suggestions: Option<&BTreeMap<String, Decimal>>,
    skip: &dyn Fn(usize) -> bool,
    who: &str,
    notes: &mut Vec<String>,
) -> Vec<(usize, Decimal)> {
    let mut full = given.clone();
    if let Some(sugg) = suggestions {
        for it in &ix.items {
            if !it.is_expert() && !full.contains_key(&it.id) {
                if let Some(v) = sugg.get(&it.id) {
                    full.insert(it.id.clone(), *v);
                }
            }
        }
    }
    let scored = rubric::combine(ix.rubric, &full);
    let mut out = Vec::with_capacity(ix.nc());
    let mut unscored = Vec::new();
    let mut missing_items = Vec::new();
    for c in 0..ix.nc() {
        if skip(c) {
            continue;
        }
        let missing: Vec<&str> = ix.crit_items[c]
            .iter()
            .map(|&i| ix.items[i].id.as_str())
            .filter(|id| !full.contains_key(*id))
            .collect();
        if missing.is_empty() {
            if let Some(cs) = scored.criteria.get(ix.crit_ids[c]) {
                out.push((c, cs.value));
            }
        } else {
            unscored.push(ix.crit_ids[c]);
            missing_items.extend(missing);
        }
    }
    if !unscored.is_empty() {
        notes.push(format!(
            "{who}: criteria {} not scored (no value for item(s) {}; a rule item needs a \
             value when its facts are missing or the application has no bundle)",
            unscored.join(", "),
            missing_items.join(", ")
        ));
    }
    out
}

/// What the pipeline needs of the panel's bundles.
pub(crate) struct PanelApps {
    pub(crate) apps: Vec<AppInfo>,
    pub(crate) titles: BTreeMap<String, String>,
    /// Rule item suggestions per application.
    pub(crate) suggestions: BTreeMap<String, BTreeMap<String, Decimal>>,
    /// Input notes per application.
    pub(crate) notes: BTreeMap<String, Vec<String>>,
}

pub(crate) fn panel_apps(panel: &Panel) -> PanelApps {
    let r = &panel.rubric.rubric;
    let mut out = PanelApps {
        apps: Vec::new(),
        titles: BTreeMap::new(),
        suggestions: BTreeMap::new(),
        notes: BTreeMap::new(),
    };
    for b in &panel.bundles {
        let code = b.bundle.code.clone();
        let gates = rubric::check_gates(&r.eligibility, &b.facts);
        let eligibility = match rubric::eligibility_summary(&gates) {
            "eligible" => Eligibility::Eligible,
            "ineligible" => Eligibility::Ineligible(
                gates
                    .iter()
                    .filter(|g| g.outcome == "fail")
                    .map(|g| format!("{} {}", g.id, g.text))
                    .collect(),
            ),
            _ => {
                let open: Vec<String> = gates
                    .iter()
                    .filter(|g| g.outcome == "unknown" || g.outcome == "manual")
                    .map(|g| {
                        if g.outcome == "manual" {
                            format!("{} (checked by hand)", g.id)
                        } else {
                            format!("{} (missing {})", g.id, g.missing_facts.join(", "))
                        }
                    })
                    .collect();
                out.notes
                    .entry(code.clone())
                    .or_default()
                    .push(format!("eligibility unchecked: {}", open.join("; ")));
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
        let ev = rubric::evaluate(r, &b.facts);
        let sugg = ev
            .criteria
            .iter()
            .flat_map(|c| c.items.iter())
            .filter_map(|i| i.auto.map(|a| (i.id.clone(), a)))
            .collect();
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

fn global_notes(panel: &Panel, experts: &[ExpertInfo]) -> Vec<String> {
    let mut notes = Vec::new();
    for (path, reason) in &panel.invalid {
        notes.push(format!(
            "bundle {} is not used: {reason}",
            path.strip_prefix(&panel.dir).unwrap_or(path).display()
        ));
    }
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

/// With `PANEL_TIMING` set, the duration of a phase on stderr (for benchmarks).
pub fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("PANEL_TIMING").is_some() {
        eprintln!("timing: {phase}: {:.3} s", since.elapsed().as_secs_f64());
    }
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

/// Runs the pipeline and wraps the results with their context.
#[allow(clippy::too_many_arguments)]
fn finish(
    panel: &Panel,
    o: &Overrides,
    table: ScoreTable,
    pa: PanelApps,
    conflicts: Vec<(String, String)>,
    source: SourceInfo,
    pairs: BTreeMap<(String, String), PairDetail>,
    experts: Vec<ExpertInfo>,
) -> Result<Report, ExportError> {
    let (mut settings, overridden) = settings_for(&panel.rubric, o)?;
    let mut notes = global_notes(panel, &experts);
    // The bootstrap costs draws × scores; on very large panels the default
    // number of draws is reduced (never when --resamples is given) and said.
    if o.resamples.is_none() {
        let draws = default_resamples(settings.resamples, table.len());
        if draws < settings.resamples {
            notes.push(format!(
                "p_shortlist from {draws} bootstrap draws instead of {} for a panel of {} scores (keeps the run fast); pass --resamples N to choose",
                settings.resamples,
                table.len()
            ));
            settings.resamples = draws;
        }
    }
    let scheme = scheme_of(&panel.rubric.rubric);
    let t0 = std::time::Instant::now();
    let mut results = aggregate::run_table(&scheme, &pa.apps, &conflicts, &table, &settings);
    timing("pipeline", t0);
    drop(table);
    let mut notes_by_app = pa.notes;
    for app in &mut results.applications {
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
        requested_wan,
        panel: panel_info(panel),
        rubric: panel.rubric.rubric.clone(),
        experts,
        titles: pa.titles,
        settings,
        overridden,
        results,
        source,
        pairs,
        notes,
    })
}

/// Opens the chair database at `path` (which must exist: results never create one).
pub fn open_chair(panel: &Panel, path: &Path) -> Result<Store, ExportError> {
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
        role: "chair".into(),
    };
    let (store, _report) = Store::open(path, &ident).map_err(|source| ExportError::Store {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(store)
}

/// Results from the chair database: submitted pairs count, conflicts exclude, drafts are
/// noted.
pub fn build_from_store(
    panel: &Panel,
    store: &Store,
    db_path: &Path,
    o: &Overrides,
) -> Result<Report, ExportError> {
    let ix = RubricIndex::new(&panel.rubric.rubric);
    let mut pa = panel_apps(panel);
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
    let empty = BTreeMap::new();
    let mut table = ScoreTable::new();
    let mut conflicts = Vec::new();
    let mut pairs = BTreeMap::new();
    let mut seen_experts = BTreeSet::new();
    for ((app, expert), state) in states {
        seen_experts.insert(expert.clone());
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
        pairs.insert(
            (app, expert),
            PairDetail {
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
    finish(panel, o, table, pa, conflicts, source, pairs, experts)
}

// ---------------------------------------------------------------------------------------------
// Raw-score CSV
// ---------------------------------------------------------------------------------------------

/// FNV-1a, for the short ids of the CSV reader (local data: no flooding concern).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        // Mix the high bits down (bucket selection uses the low bits).
        let h = self.0;
        h ^ (h >> 29) ^ (h >> 47)
    }
}

pub(crate) type FnvBuild = BuildHasherDefault<Fnv>;

/// Byte strings ↔ dense indices, with a one-entry cache for sorted input.
#[derive(Default)]
struct Ids {
    map: HashMap<Box<[u8]>, u32, FnvBuild>,
    names: Vec<String>,
    last: Option<u32>,
}

impl Ids {
    /// The index of `s`; `None` when `s` is not valid UTF-8 (checked only for new ids).
    fn intern(&mut self, s: &[u8]) -> Option<u32> {
        if let Some(l) = self.last {
            if self.names[l as usize].as_bytes() == s {
                return Some(l);
            }
        }
        let id = match self.map.get(s) {
            Some(&id) => id,
            None => {
                let name = std::str::from_utf8(s).ok()?.to_owned();
                let id = self.names.len() as u32;
                self.names.push(name);
                self.map.insert(s.into(), id);
                id
            }
        };
        self.last = Some(id);
        Some(id)
    }
}

/// The reader thread: blocks of `file` into `tx`; returns the sha256 of what it read.
fn read_blocks(
    mut file: std::fs::File,
    tx: std::sync::mpsc::SyncSender<std::io::Result<Vec<u8>>>,
) -> String {
    let mut hasher = Sha256::new();
    loop {
        let mut block = vec![0u8; 1 << 20];
        let n = match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = tx.send(Err(e));
                break;
            }
        };
        block.truncate(n);
        hasher.update(&block);
        if tx.send(Ok(block)).is_err() {
            break; // the parser stopped early
        }
    }
    hex::encode(hasher.finalize())
}

/// Valid rows of the parser, handed to the builder thread in batches.
#[derive(Default)]
struct Batch {
    /// Application and expert ids of the rows, back to back.
    bytes: Vec<u8>,
    rows: Vec<BatchRow>,
}

struct BatchRow {
    app_end: u32,
    expert_end: u32,
    target: Target,
    value: Decimal,
    line: u64,
}

const BATCH_ROWS: usize = 1 << 15;

/// The builder thread's state: interned ids, the score table, item rows.
struct Builder<'a> {
    ix: &'a RubricIndex<'a>,
    detail: &'a Detail,
    words: usize,
    table: ScoreTable,
    apps: Ids,
    experts: Ids,
    pair_index: HashMap<(u32, u32), u32, FnvBuild>,
    pair_keys: Vec<(u32, u32)>,
    /// Per pair: the criteria given by criterion rows (bit set).
    crit_bits: Vec<u64>,
    last_pair: Option<((u32, u32), u32)>,
    item_rows: Vec<ItemRow>,
    detail_rows: Vec<(u32, u32, Decimal)>,
    problems: Vec<CsvProblem>,
    /// The table's index of each application, expert and criterion (`u32::MAX`: not yet),
    /// so that criterion rows go to the table without a second lookup by name.
    table_apps: Vec<u32>,
    table_experts: Vec<u32>,
    table_crits: Vec<u32>,
}

impl Builder<'_> {
    fn batch(&mut self, b: &Batch) {
        let mut start = 0usize;
        for r in &b.rows {
            let app = &b.bytes[start..r.app_end as usize];
            let expert = &b.bytes[r.app_end as usize..r.expert_end as usize];
            start = r.expert_end as usize;
            self.row(app, expert, r.target, r.value, r.line);
        }
    }

    /// The table's indices of application `a`, expert `e` (builder indices) and criterion `c`.
    fn table_ids(&mut self, a: u32, e: u32, c: usize) -> (u32, u32, u32) {
        fn get(map: &mut Vec<u32>, i: usize, intern: impl FnOnce() -> u32) -> u32 {
            if map.len() <= i {
                map.resize(i + 1, u32::MAX);
            }
            if map[i] == u32::MAX {
                map[i] = intern();
            }
            map[i]
        }
        let table = &mut self.table;
        let ta = get(&mut self.table_apps, a as usize, || {
            table.app_index(&self.apps.names[a as usize])
        });
        let te = get(&mut self.table_experts, e as usize, || {
            table.expert_index(&self.experts.names[e as usize])
        });
        let tc = get(&mut self.table_crits, c, || {
            table.criterion_index(self.ix.crit_ids[c])
        });
        (ta, te, tc)
    }

    fn row(&mut self, app: &[u8], expert: &[u8], target: Target, value: Decimal, line: u64) {
        let a = self.apps.intern(app);
        let e = self.experts.intern(expert);
        let (Some(a), Some(e)) = (a, e) else {
            if self.problems.len() < MAX_PROBLEMS {
                self.problems.push(CsvProblem {
                    line,
                    column: if a.is_none() { 1 } else { 2 },
                    message: "not valid UTF-8; save the file as UTF-8 (with or without BOM)".into(),
                });
            }
            return;
        };
        let p = match self.last_pair {
            Some((k, p)) if k == (a, e) => p,
            _ => {
                let next = self.pair_keys.len() as u32;
                let p = *self.pair_index.entry((a, e)).or_insert(next);
                if p == next {
                    self.pair_keys.push((a, e));
                    self.crit_bits.resize(self.crit_bits.len() + self.words, 0);
                }
                self.last_pair = Some(((a, e), p));
                p
            }
        };
        match target {
            Target::Criterion(c) => {
                let c = c as usize;
                self.crit_bits[p as usize * self.words + c / 64] |= 1u64 << (c % 64);
                let (ta, te, tc) = self.table_ids(a, e, c);
                self.table.push_indexed(ta, te, tc, value);
                if self.detail.keeps(&self.experts.names[e as usize]) {
                    self.detail_rows.push((p, c as u32, value));
                }
            }
            Target::Item(i) => self.item_rows.push(ItemRow {
                pair: p,
                item: i,
                value,
                line,
            }),
        }
    }
}

const HEADER: [&str; 5] = ["application", "expert", "criterion", "value", "comment"];
const MAX_PROBLEMS: usize = 50;

fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t'))
        .map_or(start, |p| p + 1);
    &b[start..end]
}

/// A plain decimal (`4.5`, `-1`, `10`): digits with at most one dot inside; no exponent,
/// no comma, no sign other than a leading `-`.
pub(crate) fn parse_value(b: &[u8]) -> Result<Decimal, String> {
    let text = || String::from_utf8_lossy(b).into_owned();
    let (neg, body) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if b.contains(&b',') {
        return Err(format!(
            "value {:?} uses a comma; write decimals with a dot, e.g. \"4.5\"",
            text()
        ));
    }
    let bad = || {
        format!(
            "value {:?} is not a number; write a plain decimal such as \"4.5\"",
            text()
        )
    };
    if body.is_empty() || body[0] == b'.' || body[body.len() - 1] == b'.' {
        return Err(bad());
    }
    let mut mant: i64 = 0;
    let mut scale: u32 = 0;
    let mut dot = false;
    let mut digits = 0u32;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 18 {
                    // Too long for the fast path: exact parse.
                    return std::str::from_utf8(b)
                        .ok()
                        .and_then(|s| Decimal::from_str_exact(s).ok())
                        .ok_or_else(bad);
                }
                mant = mant * 10 + i64::from(c - b'0');
                if dot {
                    scale += 1;
                }
            }
            b'.' if !dot => dot = true,
            _ => return Err(bad()),
        }
    }
    Ok(Decimal::new(if neg { -mant } else { mant }, scale))
}

/// Which (application, expert) details a CSV read keeps (they cost memory at scale).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    None,
    /// Every pair (XLSX).
    All,
    /// The pairs of one expert (that expert's 评分表).
    Expert(String),
}

impl Detail {
    fn keeps(&self, expert: &str) -> bool {
        match self {
            Detail::None => false,
            Detail::All => true,
            Detail::Expert(e) => e == expert,
        }
    }
}

/// Scores read from a raw-score CSV.
pub struct CsvScores {
    pub table: ScoreTable,
    pub rows: u64,
    pub sha256: String,
    /// Expert ids named by the file (sorted).
    pub experts: Vec<String>,
    /// Notes per application.
    pub notes: BTreeMap<String, Vec<String>>,
    /// (application, expert) → values, when asked for.
    pub pairs: BTreeMap<(String, String), PairDetail>,
}

struct ItemRow {
    pair: u32,
    item: u32,
    value: Decimal,
    line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parser {
    /// [`parse_rows_fast`]; gives up on quotes and lone carriage returns.
    Fast,
    /// [`parse_rows_general`]: any CSV.
    General,
}

type Pass<'a> = (
    Parsed,
    std::thread::Result<Builder<'a>>,
    std::thread::Result<String>,
);

/// One pass over the file: `None` when the fast parser gave up (nothing of it is used).
fn read_pass<'a>(
    path: &Path,
    ix: &'a RubricIndex<'a>,
    detail: &'a Detail,
    words: usize,
    parser: Parser,
) -> Result<Option<Pass<'a>>, ExportError> {
    let file = std::fs::File::open(path).map_err(|source| ExportError::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let (block_tx, block_rx) = std::sync::mpsc::sync_channel(4);
    let (batch_tx, batch_rx) = std::sync::mpsc::sync_channel::<Batch>(4);
    let (spare_tx, spare_rx) = std::sync::mpsc::sync_channel::<Batch>(8);
    let pass = std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_blocks(file, block_tx));
        let building = scope.spawn(move || {
            let mut b = Builder {
                ix,
                detail,
                words,
                // Untouched capacity costs no resident memory; a regrowth would copy it all.
                table: ScoreTable::with_capacity(((size / 12) as usize).min(1 << 27)),
                apps: Ids::default(),
                experts: Ids::default(),
                pair_index: HashMap::default(),
                pair_keys: Vec::new(),
                crit_bits: Vec::new(),
                last_pair: None,
                item_rows: Vec::new(),
                detail_rows: Vec::new(),
                problems: Vec::new(),
                table_apps: Vec::new(),
                table_experts: Vec::new(),
                table_crits: Vec::new(),
            };
            for mut batch in batch_rx {
                b.batch(&batch);
                // Hand the buffers back: no fresh pages for every batch.
                batch.bytes.clear();
                batch.rows.clear();
                let _ = spare_tx.try_send(batch);
            }
            b
        });
        let sink = RowSink {
            lookup: &ix.lookup,
            lookup_keys: &ix.lookup_keys,
            last_key: usize::MAX - 1,
            rubric_id: &ix.rubric.id,
            out: batch_tx,
            spare: spare_rx,
            ncols: None,
            rows: 0,
            problems: Vec::new(),
            batch: Batch::default(),
        };
        let parsed = match parser {
            Parser::Fast => parse_rows_fast(block_rx, sink),
            Parser::General => Some(parse_rows_general(block_rx, sink)),
        };
        // The parser's channels are closed (dropped): both threads finish.
        let builder = building.join();
        let sha = reader.join();
        parsed.map(|parsed| (parsed, builder, sha))
    });
    Ok(pass)
}

/// Reads a raw-score CSV (`application,expert,criterion,value[,comment]`, UTF-8 with or
/// without BOM) in one streaming pass. `criterion` names a criterion id (the value is the
/// criterion's) or an item id (items are combined per (application, expert) with
/// [`rubric::combine`]; rule items without a row take `suggestions`). The comment column is
/// ignored. All problems (up to 50) are reported with line and column.
///
/// Three threads share the work: one reads and hashes the file, one parses and checks the
/// rows (the caller's), one interns the ids and fills the score table.
pub fn read_scores_csv(
    path: &Path,
    rubric: &Rubric,
    suggestions: &BTreeMap<String, BTreeMap<String, Decimal>>,
    detail: &Detail,
) -> Result<CsvScores, ExportError> {
    let ix = RubricIndex::new(rubric);
    let nc = ix.nc();
    let words = nc.div_ceil(64).max(1);
    let fail = |problems: Vec<CsvProblem>| ExportError::Csv {
        file: path.to_path_buf(),
        problems,
    };
    let pass = match read_pass(path, &ix, detail, words, Parser::Fast)? {
        Some(pass) => pass,
        // Quotes or lone carriage returns: read it again with the general parser.
        None => read_pass(path, &ix, detail, words, Parser::General)?
            .expect("the general parser reads any input"),
    };
    let (parsed, builder, sha256) = pass;
    let (rows, mut problems) = parsed;
    let sha256 = sha256.unwrap_or_default();
    let Ok(mut b) = builder else {
        return Err(ExportError::Usage(format!(
            "{}: reading the scores failed unexpectedly",
            path.display()
        )));
    };
    problems.append(&mut b.problems);
    if problems.first().is_some_and(|p| p.line <= 1) {
        // The header is wrong: nothing else is worth reporting.
        problems.truncate(1);
        return Err(fail(problems));
    }

    // Item rows: per pair, combined into criterion values.
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut item_rows = std::mem::take(&mut b.item_rows);
    item_rows.sort_by_key(|r| (r.pair, r.item, r.line));
    let mut i = 0;
    while i < item_rows.len() && problems.len() < MAX_PROBLEMS {
        let p = item_rows[i].pair;
        let (a, e) = b.pair_keys[p as usize];
        let app = b.apps.names[a as usize].clone();
        let expert = b.experts.names[e as usize].clone();
        let mut j = i;
        let mut given: BTreeMap<String, Decimal> = BTreeMap::new();
        while j < item_rows.len() && item_rows[j].pair == p {
            let r = &item_rows[j];
            if j > i && item_rows[j - 1].item == r.item {
                problems.push(CsvProblem {
                    line: r.line,
                    column: 3,
                    message: format!(
                        "item {} of {app} for {expert} is already given at line {}; keep one row",
                        ix.items[r.item as usize].id,
                        item_rows[j - 1].line
                    ),
                });
            }
            given.insert(ix.items[r.item as usize].id.clone(), r.value);
            j += 1;
        }
        let bits = &b.crit_bits[p as usize * words..(p as usize + 1) * words];
        let mut pair_notes = Vec::new();
        let values = pair_criteria(
            &ix,
            &given,
            suggestions.get(&app),
            &|c| bits[c / 64] & (1u64 << (c % 64)) != 0,
            &format!("expert {expert}"),
            &mut pair_notes,
        );
        if !pair_notes.is_empty() {
            notes.entry(app.clone()).or_default().extend(pair_notes);
        }
        for (c, v) in values {
            b.table.push(&app, &expert, ix.crit_ids[c], v);
            if detail.keeps(&expert) {
                b.detail_rows.push((p, c as u32, v));
            }
        }
        i = j;
    }
    if rows == 0 && problems.is_empty() {
        problems.push(CsvProblem {
            line: 2,
            column: 1,
            message: "the file has no rows below the header".into(),
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.line, p.column));
        problems.truncate(MAX_PROBLEMS);
        return Err(fail(problems));
    }
    let mut pairs = BTreeMap::new();
    if *detail != Detail::None {
        for &(p, c, v) in &b.detail_rows {
            let (a, e) = b.pair_keys[p as usize];
            pairs
                .entry((
                    b.apps.names[a as usize].clone(),
                    b.experts.names[e as usize].clone(),
                ))
                .or_insert_with(|| PairDetail {
                    state: PairState::Scored,
                    criteria: BTreeMap::new(),
                })
                .criteria
                .insert(ix.crit_ids[c as usize].to_string(), v);
        }
    }
    let mut expert_ids = std::mem::take(&mut b.experts.names);
    expert_ids.sort();
    Ok(CsvScores {
        table: b.table,
        rows,
        sha256,
        experts: expert_ids,
        notes,
        pairs,
    })
}

const EXPECTED_HEADER: &str = "application,expert,criterion,value[,comment]";

/// Checks the header's fields; returns the number of columns.
fn check_header(fields: &[&[u8]], len: usize) -> Result<usize, CsvProblem> {
    let problem = |column: usize, message: String| CsvProblem {
        line: 1,
        column,
        message,
    };
    if !(4..=5).contains(&len) {
        return Err(problem(
            1,
            format!("the header has {len} column(s); it must be exactly {EXPECTED_HEADER}"),
        ));
    }
    for (i, h) in fields.iter().enumerate() {
        let h = if i == 0 {
            h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
        } else {
            h
        };
        if trim(h) != HEADER[i].as_bytes() {
            return Err(problem(
                i + 1,
                format!(
                    "column {} is named {:?} but must be {:?}; the header must be exactly \
                     {EXPECTED_HEADER}",
                    i + 1,
                    String::from_utf8_lossy(h),
                    HEADER[i]
                ),
            ));
        }
    }
    Ok(len)
}

fn empty_file_problem() -> CsvProblem {
    CsvProblem {
        line: 1,
        column: 1,
        message: format!("the file is empty; the first line must be {EXPECTED_HEADER}"),
    }
}

/// What the parser found: data rows, problems (a header problem is the only one).
type Parsed = (u64, Vec<CsvProblem>);

/// The row checks shared by both parsers; valid rows go to the builder in batches.
struct RowSink<'a> {
    lookup: &'a HashMap<Box<[u8]>, u32, FnvBuild>,
    /// Ids and targets in the rubric's order (criteria, each followed by its items).
    lookup_keys: &'a [(Box<[u8]>, Target)],
    rubric_id: &'a str,
    out: std::sync::mpsc::SyncSender<Batch>,
    /// Emptied batches coming back from the builder.
    spare: std::sync::mpsc::Receiver<Batch>,
    /// The position in `lookup_keys` of the last criterion/item id (rows usually list a
    /// pair's criteria in the rubric's order: the next one is tried first).
    last_key: usize,
    /// Columns of the header; `None` until the header is read.
    ncols: Option<usize>,
    rows: u64,
    problems: Vec<CsvProblem>,
    batch: Batch,
}

impl RowSink<'_> {
    /// One record (`fields` = its first fields, `len` = its field count, `rest_blank` =
    /// whether fields beyond `fields` are all blank). Returns `false` to stop.
    fn record(&mut self, line: u64, fields: &[&[u8]], len: usize, rest_blank: bool) -> bool {
        let Some(ncols) = self.ncols else {
            match check_header(fields, len) {
                Ok(n) => {
                    self.ncols = Some(n);
                    return true;
                }
                Err(p) => {
                    self.problems.push(p);
                    return false;
                }
            }
        };
        if len != ncols {
            if rest_blank && fields.iter().all(|f| trim(f).is_empty()) {
                return true; // blank line
            }
            self.rows += 1;
            self.problems.push(CsvProblem {
                line,
                column: len.min(ncols) + 1,
                message: format!(
                    "{len} field(s), the header has {ncols}; quote fields that contain commas"
                ),
            });
            return self.problems.len() < MAX_PROBLEMS;
        }
        let app = trim(fields[0]);
        let expert = trim(fields[1]);
        let id = trim(fields[2]);
        let value = trim(fields[3]);
        if app.is_empty()
            && expert.is_empty()
            && id.is_empty()
            && value.is_empty()
            && fields.get(4).is_none_or(|c| trim(c).is_empty())
        {
            return true; // blank line
        }
        self.rows += 1;
        let mut ok = true;
        if app.is_empty() {
            ok = false;
            self.problem(line, 1, "the application is empty".into());
        }
        if expert.is_empty() {
            ok = false;
            self.problem(line, 2, "the expert is empty".into());
        }
        let target = self.target(id);
        if target.is_none() {
            ok = false;
            let m = format!(
                "rubric {} has no criterion or item {:?}",
                self.rubric_id,
                String::from_utf8_lossy(id)
            );
            self.problem(line, 3, m);
        }
        let value = match parse_value(value) {
            Ok(v) => Some(v),
            Err(m) => {
                ok = false;
                self.problem(line, 4, m);
                None
            }
        };
        if let (true, Some(target), Some(value)) = (ok, target, value) {
            let batch = &mut self.batch;
            batch.bytes.extend_from_slice(app);
            let app_end = batch.bytes.len() as u32;
            batch.bytes.extend_from_slice(expert);
            batch.rows.push(BatchRow {
                app_end,
                expert_end: batch.bytes.len() as u32,
                target,
                value,
                line,
            });
            if batch.rows.len() >= BATCH_ROWS {
                let fresh = self.spare.try_recv().unwrap_or_else(|_| Batch {
                    bytes: Vec::with_capacity(BATCH_ROWS * 16),
                    rows: Vec::with_capacity(BATCH_ROWS),
                });
                let full = std::mem::replace(batch, fresh);
                if self.out.send(full).is_err() {
                    return false;
                }
            }
        }
        self.problems.len() < MAX_PROBLEMS
    }

    /// The criterion or item `id` names: the one after the last first, then a lookup.
    #[inline]
    fn target(&mut self, id: &[u8]) -> Option<Target> {
        let keys = &self.lookup_keys;
        for p in [self.last_key + 1, 0] {
            if let Some((k, t)) = keys.get(p) {
                if **k == *id {
                    self.last_key = p;
                    return Some(*t);
                }
            }
        }
        let p = *self.lookup.get(id)? as usize;
        self.last_key = p;
        Some(keys[p].1)
    }

    fn problem(&mut self, line: u64, column: usize, message: String) {
        self.problems.push(CsvProblem {
            line,
            column,
            message,
        });
    }

    /// Sends the last batch; the rows and problems.
    fn finish(mut self) -> Parsed {
        if self.ncols.is_none() && self.problems.is_empty() {
            self.problems.push(empty_file_problem());
        }
        let _ = self.out.send(std::mem::take(&mut self.batch));
        (self.rows, self.problems)
    }
}

/// The fast parser ([`csv_lines`](super::csv_lines)): `None` when the input needs the `csv`
/// crate (a quote or a lone carriage return), and nothing may be used of what was sent.
fn parse_rows_fast(
    rx: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    mut sink: RowSink<'_>,
) -> Option<Parsed> {
    use super::csv_lines::{Record, Splitter};
    let mut splitter = Splitter::default();
    let mut f = |r: &Record<'_>| sink.record(r.line, r.held(), r.len, r.extra_blank);
    for block in rx {
        match block {
            Ok(block) => match splitter.feed(&block, &mut f) {
                Ok(true) => {}
                Ok(false) => break,
                Err(_) => return None,
            },
            Err(e) => {
                let line = splitter.line();
                sink.problem(line, 1, format!("cannot read the file ({e})"));
                return Some(sink.finish());
            }
        }
    }
    if splitter.finish(&mut f).is_err() {
        return None;
    }
    Some(sink.finish())
}

/// The general parser ([`CoreSplitter`](super::csv_lines::CoreSplitter): quotes, quoted line
/// breaks, lone carriage returns), with the same row checks.
fn parse_rows_general(
    rx: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    mut sink: RowSink<'_>,
) -> Parsed {
    use super::csv_lines::{CoreSplitter, Record};
    let mut splitter = CoreSplitter::default();
    let mut f = |r: &Record<'_>| sink.record(r.line, r.held(), r.len, r.extra_blank);
    for block in rx {
        match block {
            Ok(block) => {
                if !splitter.feed(&block, &mut f) {
                    break;
                }
            }
            Err(e) => {
                let line = splitter.line();
                sink.problem(line, 1, format!("cannot read the file ({e})"));
                return sink.finish();
            }
        }
    }
    splitter.finish(&mut f);
    sink.finish()
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
    build_from_csv_detail(panel, path, o, &detail)
}

/// [`build_from_csv`] keeping the per-expert values that `detail` names.
pub fn build_from_csv_detail(
    panel: &Panel,
    path: &Path,
    o: &Overrides,
    detail: &Detail,
) -> Result<Report, ExportError> {
    // Settings first: a bad setting is reported before reading a large file.
    settings_for(&panel.rubric, o)?;
    let mut pa = panel_apps(panel);
    let t0 = std::time::Instant::now();
    let cs = read_scores_csv(path, &panel.rubric.rubric, &pa.suggestions, detail)?;
    timing("read scores CSV", t0);
    for (app, mut n) in cs.notes {
        pa.notes.entry(app).or_default().append(&mut n);
    }
    let experts = experts_of(panel, cs.experts);
    let source = SourceInfo::Csv {
        path: PathBuf::from(path),
        sha256: cs.sha256,
        rows: cs.rows,
    };
    finish(
        panel,
        o,
        cs.table,
        pa,
        Vec::new(),
        source,
        cs.pairs,
        experts,
    )
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
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn plain_values() {
        assert_eq!(parse_value(b"4.5").unwrap(), d("4.5"));
        assert_eq!(parse_value(b"10").unwrap(), d("10"));
        assert_eq!(parse_value(b"-0.25").unwrap(), d("-0.25"));
        assert_eq!(parse_value(b"0.10").unwrap().to_string(), "0.10");
        assert_eq!(
            parse_value(b"12345678901234567890.5").unwrap(),
            d("12345678901234567890.5")
        );
        for bad in [
            &b""[..],
            b".5",
            b"5.",
            b"1e3",
            b"4,5",
            b"+4",
            b"1.2.3",
            b"--1",
            b"x",
        ] {
            assert!(
                parse_value(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(parse_value(b"4,5").unwrap_err().contains("comma"));
    }

    #[test]
    fn trim_bytes() {
        assert_eq!(trim(b"  a b \t"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }
}
