//! The chair screen's shared data: the panel, the chair database, the official results and
//! the results with the method on screen, and what the database says of each expert and
//! application (cells, reasons, comments, overrides, merged sheets), with the screen's
//! language and size. Every component of the screen reads it; none owns it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::aggregate::{AppResult, By, Method};
use crate::export::{self, Report};
use crate::panel::Panel;
use crate::report;
use crate::results_input::Overrides;
use crate::sheet::{self, PanelView};
use crate::store::{AppStatus, Store};
use crate::tui::i18n::Lang;
use crate::tui::keys::Context;

/// The chair screen's views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Ranking,
    /// One application (the code is [`super::Detail::code`]).
    Detail,
    Progress,
    Experts,
}

impl View {
    fn index(self) -> usize {
        match self {
            View::Ranking => 0,
            View::Detail => 1,
            View::Progress => 2,
            View::Experts => 3,
        }
    }

    /// The key-map context of the view.
    pub fn context(self) -> Context {
        match self {
            View::Ranking => Context::Ranking,
            View::Detail => Context::Detail,
            View::Progress => Context::Progress,
            View::Experts => Context::Experts,
        }
    }

    /// Name shown in the title bar.
    pub fn name(self, lang: Lang) -> &'static str {
        lang.c().views[self.index()]
    }
}

/// Where one expert stands on one application, in the chair database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Unscored,
    Draft,
    Submitted,
    Conflict,
}

impl Cell {
    pub fn mark(self) -> &'static str {
        match self {
            Cell::Unscored => "·",
            Cell::Draft => "●",
            Cell::Submitted => "✓",
            Cell::Conflict => "✗",
        }
    }
}

/// A rule item's value that departs from the computed suggestion, or any value given with
/// a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideRow {
    pub expert: String,
    pub app: String,
    pub item: String,
    pub value: Decimal,
    pub suggestion: Option<Decimal>,
    pub reason: Option<String>,
}

/// Width of the progress grid's expert column.
pub const GRID_LABEL: usize = 14;
/// Width of one application column of the grid.
pub const GRID_CELL: usize = 4;
/// Width of the grid's summary column.
pub const GRID_SUMMARY: usize = 20;

pub(super) fn err_text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// What the chair screen shows, shared by its components.
pub struct ChairData {
    pub lang: Lang,
    pub panel: Panel,
    /// The panel as the sheet module sees it (suggestions, bundle hashes).
    pub pview: PanelView,
    pub(super) store: Store,
    /// The chair database's directory.
    pub db: PathBuf,
    /// Results with the rubric's settings.
    pub official: Report,
    /// Results with the method and level chosen on screen (a copy of `official` when the
    /// same).
    pub shown: Report,
    pub method: Method,
    pub by: By,
    pub size: (u16, u16),
    /// (application, expert) → state in the chair database.
    pub cells: BTreeMap<(String, String), Cell>,
    /// (application, expert) → (status reason).
    pub reasons: BTreeMap<(String, String), String>,
    /// What `--watch` merged or refused since the screen opened, newest last (shown under
    /// the progress grid).
    pub log: Vec<String>,
    /// (application, expert, item) → comment (`""` item: on the application).
    pub comments: BTreeMap<(String, String, String), String>,
    pub overrides: Vec<OverrideRow>,
    /// Expert → seq of the last merged sheet.
    pub merged: BTreeMap<String, u64>,
}

impl ChairData {
    /// The chair database (read only).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Experts in the matrix and the grid: the roster, then experts only the scores name.
    pub fn experts(&self) -> &[export::ExpertInfo] {
        &self.official.experts
    }

    /// Application codes of the panel, in bundle order (the grid's columns).
    pub fn codes(&self) -> Vec<&str> {
        self.panel
            .bundles
            .iter()
            .map(|b| b.bundle.code.as_str())
            .collect()
    }

    /// The rows of the ranking, in order.
    pub fn rows(&self) -> &[AppResult] {
        &self.shown.results.applications
    }

    /// Whether the method on screen is the official one.
    pub fn is_official(&self) -> bool {
        self.method == self.official.settings.method && self.by == self.official.settings.by
    }

    /// "mean of totals" etc. for the method on screen.
    pub fn method_label(&self, method: Method, by: By) -> String {
        let sep = if self.lang.is_zh() { "·" } else { " " };
        format!(
            "{}{sep}{}",
            self.lang.method_name(method),
            self.lang.by_name(by)
        )
    }

    /// The state of (application, expert).
    pub fn cell(&self, app: &str, expert: &str) -> Cell {
        self.cells
            .get(&(app.to_string(), expert.to_string()))
            .copied()
            .unwrap_or(Cell::Unscored)
    }

    /// Rank rows with the cut line: `Some(i)` is application `i`, `None` the cut line
    /// (after the last shortlisted application).
    pub fn table_rows(&self) -> Vec<Option<usize>> {
        let rows = self.rows();
        let last = rows.iter().rposition(|a| a.shortlisted);
        let mut out = Vec::with_capacity(rows.len() + 1);
        for i in 0..rows.len() {
            out.push(Some(i));
            if Some(i) == last {
                out.push(None);
            }
        }
        if last.is_none() && !rows.is_empty() {
            out.insert(0, None);
        }
        out
    }

    /// Read statuses, comments, overrides and merged sheets from the store.
    pub(super) fn read_store(&mut self) {
        let mut values: BTreeSet<(String, String)> = BTreeSet::new();
        let mut overrides = Vec::new();
        for (expert, app, item, e) in self.store.all_scores() {
            values.insert((app.clone(), expert.clone()));
            let sugg = self
                .pview
                .apps
                .get(&app)
                .and_then(|a| a.suggestions.get(&item))
                .copied();
            let differs = sugg.is_some_and(|s| s != e.value);
            let reason = e.reason.filter(|r| !r.trim().is_empty());
            if differs || reason.is_some() {
                overrides.push(OverrideRow {
                    expert,
                    app,
                    item,
                    value: e.value,
                    suggestion: sugg,
                    reason,
                });
            }
        }
        let mut comments = BTreeMap::new();
        for (expert, app, item, text) in self.store.all_comments() {
            values.insert((app.clone(), expert.clone()));
            comments.insert((app, expert, item), text);
        }
        let mut cells = BTreeMap::new();
        let mut reasons = BTreeMap::new();
        for (expert, app, status, reason) in self.store.all_statuses() {
            let key = (app, expert);
            let c = match status {
                AppStatus::Submitted => Cell::Submitted,
                AppStatus::Conflict => Cell::Conflict,
                AppStatus::Draft if values.contains(&key) => Cell::Draft,
                AppStatus::Draft => Cell::Unscored,
            };
            if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
                reasons.insert(key.clone(), r);
            }
            cells.insert(key, c);
        }
        for key in values {
            cells.entry(key).or_insert(Cell::Draft);
        }
        let mut merged = BTreeMap::new();
        for e in &self.official.experts {
            if let Ok(st) = sheet::ExpertState::from_store(&self.store, &e.id) {
                if let Some(m) = st.merged {
                    merged.insert(e.id.clone(), m.seq);
                }
            }
        }
        self.cells = cells;
        self.reasons = reasons;
        self.comments = comments;
        self.overrides = overrides;
        self.merged = merged;
    }

    pub(super) fn recompute_shown(&mut self) -> Result<(), String> {
        self.shown = if self.is_official() {
            self.official.clone()
        } else {
            let o = Overrides {
                method: Some(self.method),
                by: Some(self.by),
                ..Overrides::default()
            };
            report::build_from_store(&self.panel, &self.store, &self.db, &o).map_err(err_text)?
        };
        Ok(())
    }

    /// Rows of the body (between the title and info lines and the status and key bars).
    pub fn body_height(&self) -> usize {
        self.size.1.saturating_sub(4) as usize
    }

    /// Visible rows of the ranking list (the body less its header row).
    pub fn list_height(&self) -> usize {
        self.body_height().saturating_sub(1)
    }

    /// Visible lines of the details and the experts view: the body less the row the position
    /// mark takes when the document does not fit.
    pub fn detail_height(&self) -> usize {
        self.body_height().saturating_sub(1)
    }

    /// Expert rows the progress grid shows at this height: the body less the grid's head,
    /// its valid/quorum line, a blank line and three lines for the selected cell and the
    /// legend.
    pub fn grid_rows(&self) -> usize {
        self.body_height().saturating_sub(6).max(1)
    }

    /// Application columns the progress grid shows at this width.
    pub fn grid_cols(&self) -> usize {
        let w = self.size.0 as usize;
        w.saturating_sub(GRID_LABEL + GRID_SUMMARY) / GRID_CELL
    }

    /// Per expert: (application, expert total, mean of the other valid experts' totals)
    /// over the applications where the expert is valid (official results).
    pub fn lean_data(&self) -> BTreeMap<String, Vec<(String, Decimal, Option<Decimal>)>> {
        let mut out: BTreeMap<String, Vec<(String, Decimal, Option<Decimal>)>> = BTreeMap::new();
        for a in &self.official.results.applications {
            for (e, t) in &a.expert_totals {
                let others: Vec<Decimal> = a
                    .expert_totals
                    .iter()
                    .filter(|(x, _)| *x != e)
                    .map(|(_, v)| *v)
                    .collect();
                let mean = (!others.is_empty())
                    .then(|| others.iter().copied().sum::<Decimal>() / Decimal::from(others.len()));
                out.entry(e.clone())
                    .or_default()
                    .push((a.id.clone(), *t, mean));
            }
        }
        out
    }
}
