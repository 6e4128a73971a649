//! The chair's screen: ranking with the quota cut line, one application's experts ×
//! criteria matrix, the progress grid, per-expert lean and distributions.
//!
//! [`update`] applies one [`Action`] to a [`ChairApp`]. It does no terminal I/O. The
//! chair database is part of the state: a reopen commits to it (through
//! [`sheet::reopen_view`]), and [`tick`] (the `--watch` poll) merges new sheets into it
//! (through [`sheet::merge_sheet_view`]); the results shown are recomputed from it with the
//! results report ([`crate::report::build_from_store`]) after every change.
//!
//! The screen is composed of components, each owning its private state, its text, its
//! `draw` and its `handle` (which returns what it asks of the screen): [`Ranking`],
//! [`Detail`], [`Progress`] and [`Experts`]. They read the shared [`ChairData`] (panel,
//! results, the database's cells and comments) and never the screen itself. [`ChairApp`]
//! holds the data, the components, the overlays and the note, and routes each action to
//! the component of the current view.

mod data;
mod detail;
mod doc;
pub use doc::help_lines;
mod experts;
mod progress;
mod ranking;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crossterm::event::KeyEvent;

use super::action::Action;
use super::i18n::Lang;
use super::keys::{self, Context, Keymap};
use super::overlay::{help_max_scroll, Common, EditKind, Level, Note, Overlay};
use super::textbox::TextBox;
use crate::aggregate::{AppResult, By, Method};
use crate::export::Format;
use crate::panel::Panel;
use crate::report;
use crate::results_input::Overrides;
use crate::sheet::{self, MergeKind, PanelView};
use crate::store::Store;
use data::err_text;
use ranking::Find;

pub use data::{Cell, ChairData, OverrideRow, View, GRID_CELL, GRID_LABEL, GRID_SUMMARY};
pub use detail::Detail;
pub use doc::{flag_marks, short_code, DKind, DLine};
pub use experts::Experts;
pub use progress::Progress;
pub use ranking::{funding_text, Ranking};

/// Size and modification time of a sheet and its signature, to notice a changed file.
type Stamp = (u64, Option<SystemTime>, Option<(u64, Option<SystemTime>)>);

/// The chair screen's state: the shared [`ChairData`] (which it dereferences to, so
/// `app.shown` reads the data), the components, the overlays and the note.
pub struct ChairApp {
    data: ChairData,
    pub color: bool,
    pub keymap: Keymap,
    pub view: View,
    /// The ranking table.
    ranking: Ranking,
    /// The application details (one application's matrix).
    detail: Detail,
    /// The progress grid.
    progress: Progress,
    /// The experts view (lean and distributions).
    experts_view: Experts,
    pub overlays: Vec<Overlay>,
    pub note: Option<Note>,
    pub quit: bool,
    /// Merge new sheets of `<panel>/sheets/` on every [`tick`].
    pub watch: bool,
    /// Sheets seen by [`tick`], with the stamp they had.
    pub seen: BTreeMap<PathBuf, Stamp>,
    /// Reopen reasons typed and not sent (the editor closed with Esc, or the reopen was
    /// refused), by (expert, application): the next `r` on the same pair goes on with it.
    drafts: BTreeMap<(String, String), String>,
    /// `q` said that reopen reasons would be lost: the next `q` quits.
    quit_armed: bool,
    /// The switch-view key works (`panel demo`).
    pub can_switch: bool,
    pub switch_requested: bool,
}

impl std::ops::Deref for ChairApp {
    type Target = ChairData;
    fn deref(&self) -> &ChairData {
        &self.data
    }
}

impl std::ops::DerefMut for ChairApp {
    fn deref_mut(&mut self) -> &mut ChairData {
        &mut self.data
    }
}

impl ChairApp {
    /// A chair screen over `panel` and its chair database `store` (at `db`).
    pub fn new(
        panel: Panel,
        store: Store,
        db: &Path,
        lang: Lang,
        color: bool,
        size: (u16, u16),
    ) -> Result<ChairApp, String> {
        let official = report::build_from_store(&panel, &store, db, &Overrides::default())
            .map_err(err_text)?;
        let pview = PanelView::from_panel(&panel);
        let data = ChairData {
            lang,
            method: official.settings.method,
            by: official.settings.by,
            shown: official.clone(),
            official,
            panel,
            pview,
            store,
            db: db.to_path_buf(),
            size,
            cells: BTreeMap::new(),
            reasons: BTreeMap::new(),
            comments: BTreeMap::new(),
            overrides: Vec::new(),
            merged: BTreeMap::new(),
            log: Vec::new(),
        };
        let mut app = ChairApp {
            data,
            color,
            keymap: Keymap::default_map(),
            view: View::Ranking,
            ranking: Ranking::default(),
            detail: Detail::default(),
            progress: Progress::default(),
            experts_view: Experts::default(),
            overlays: Vec::new(),
            note: None,
            quit: false,
            watch: false,
            seen: BTreeMap::new(),
            drafts: BTreeMap::new(),
            quit_armed: false,
            can_switch: false,
            switch_requested: false,
        };
        app.read_store();
        app.ensure_visible();
        Ok(app)
    }

    /// The ranking's state.
    pub fn ranking(&self) -> &Ranking {
        &self.ranking
    }

    /// The selected row of the ranking (index into [`ChairData::rows`]).
    pub fn sel(&self) -> usize {
        self.ranking.sel()
    }

    /// The progress grid's state.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The selected cell of the progress grid: (expert index, application index).
    pub fn grid(&self) -> (usize, usize) {
        self.progress.cell()
    }

    /// The application details' state.
    pub fn detail(&self) -> &Detail {
        &self.detail
    }

    /// The experts view's state.
    pub(crate) fn experts_view(&self) -> &Experts {
        &self.experts_view
    }

    /// The selected application of the ranking.
    pub fn selected(&self) -> Option<&AppResult> {
        self.rows().get(self.ranking.sel())
    }

    // -----------------------------------------------------------------------------------------
    // Data
    // -----------------------------------------------------------------------------------------

    /// Recompute everything from the store (after a merge or a reopen); keeps the
    /// selection on the same application.
    pub fn reload(&mut self) -> Result<(), String> {
        let code = self.selected().map(|a| a.id.clone());
        self.official =
            report::build_from_store(&self.panel, &self.store, &self.db, &Overrides::default())
                .map_err(err_text)?;
        self.recompute_shown()?;
        self.read_store();
        if let Some(c) = code {
            if let Some(i) = self.rows().iter().position(|a| a.id == c) {
                self.ranking.select(i);
            }
        }
        self.ensure_visible();
        Ok(())
    }

    /// Switch the method or level on screen; says how the shortlist would change.
    fn set_method(&mut self, method: Method, by: By) {
        let code = self.selected().map(|a| a.id.clone());
        let (old_m, old_b) = (self.method, self.by);
        self.method = method;
        self.by = by;
        if let Err(e) = self.recompute_shown() {
            self.method = old_m;
            self.by = old_b;
            self.refuse(e);
            return;
        }
        if let Some(c) = code {
            if let Some(i) = self.rows().iter().position(|a| a.id == c) {
                self.ranking.select(i);
            }
        }
        let label = self.method_label(method, by);
        if self.is_official() {
            self.info(self.lang.back_to_official(&label));
            return;
        }
        let off: BTreeSet<&str> = self
            .official
            .results
            .shortlist()
            .map(|a| a.id.as_str())
            .collect();
        let now: BTreeSet<&str> = self
            .shown
            .results
            .shortlist()
            .map(|a| a.id.as_str())
            .collect();
        let entering: Vec<String> = now.difference(&off).map(|s| s.to_string()).collect();
        let leaving: Vec<String> = off.difference(&now).map(|s| s.to_string()).collect();
        self.info(self.lang.method_switched(&label, &entering, &leaving));
    }

    // -----------------------------------------------------------------------------------------
    // Notes
    // -----------------------------------------------------------------------------------------

    fn info(&mut self, text: impl Into<String>) {
        self.note = Some(Note {
            level: Level::Info,
            text: text.into(),
        });
    }

    fn saved(&mut self, text: impl Into<String>) {
        self.note = Some(Note {
            level: Level::Saved,
            text: text.into(),
        });
    }

    fn refuse(&mut self, text: impl Into<String>) {
        self.note = Some(Note {
            level: Level::Error,
            text: text.into(),
        });
    }

    /// Show a message. Over an open editor it waits underneath, shown when the editor
    /// closes: a message that arrives while the chair types (a sheet refused by `--watch`)
    /// never takes the next key meant for the text.
    fn message(&mut self, title: &str, lines: Vec<String>) {
        let msg = Overlay::Message {
            title: title.to_string(),
            lines,
        };
        match self.overlays.last() {
            Some(Overlay::Editor { .. }) => {
                let at = self.overlays.len() - 1;
                self.overlays.insert(at, msg);
            }
            _ => self.overlays.push(msg),
        }
    }

    /// The reopen reasons typed and not sent, as `E02×T24-002`.
    pub fn reopen_drafts(&self) -> Vec<String> {
        self.drafts
            .keys()
            .map(|(e, a)| format!("{e}×{a}"))
            .collect()
    }

    /// Keep a reopen reason typed and not sent, for the next `r` on the same pair.
    fn keep_draft(&mut self, expert: &str, code: &str, text: &str) -> bool {
        if text.trim().is_empty() {
            return false;
        }
        self.drafts
            .insert((expert.to_string(), code.to_string()), text.to_string());
        true
    }

    // -----------------------------------------------------------------------------------------
    // Geometry
    // -----------------------------------------------------------------------------------------

    /// Keep the selections visible and the scroll offsets in range.
    pub fn ensure_visible(&mut self) {
        let n = self.rows().len();
        let rows = self.table_rows();
        let h = self.list_height().max(1);
        self.ranking.ensure_visible(n, &rows, h);
        let ne = self.experts().len();
        let na = self.panel.bundles.len();
        let cols = self.grid_cols();
        let grid_rows = self.grid_rows();
        self.progress.clamp(ne, na, cols, grid_rows);
        let h = self.detail_height().max(1);
        let len = (self.view == View::Detail).then(|| self.detail_lines().len());
        self.detail.clamp(ne, len, h);
        if self.view == View::Experts {
            let len = self.expert_lines().len();
            self.experts_view.clamp(len, h);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Details
    // -----------------------------------------------------------------------------------------

    /// The lines of the application details at the current width.
    pub fn detail_lines(&self) -> Vec<DLine> {
        self.detail.lines(&self.data)
    }

    /// The lines of the experts view at the current width.
    pub fn expert_lines(&self) -> Vec<DLine> {
        self.experts_view.lines(&self.data)
    }

    /// Show the details of `code` (as Enter on its ranking row does).
    pub fn open_details(&mut self, code: &str) {
        if let Some(i) = self.rows().iter().position(|a| a.id == code) {
            self.ranking.select(i);
        }
        self.open_detail(code.to_string(), None, View::Ranking);
    }

    fn open_detail(&mut self, code: String, expert: Option<usize>, back: View) {
        self.detail.open(code, expert, back);
        self.view = View::Detail;
        let lines = self.detail_lines();
        self.detail
            .keep_row_visible(&lines, self.detail_height().max(1));
    }

    // -----------------------------------------------------------------------------------------
    // Commands
    // -----------------------------------------------------------------------------------------

    /// Ask for the reason to reopen `code` for the expert at `ei`.
    fn start_reopen(&mut self, code: &str, ei: usize) {
        let Some(expert) = self.experts().get(ei).map(|e| e.id.clone()) else {
            return;
        };
        match self.cell(code, &expert) {
            Cell::Submitted | Cell::Conflict => {
                let mut buf = TextBox::multi("");
                // typed into the box (not opened with it): Ctrl-C still asks twice
                if let Some(d) = self.drafts.remove(&(expert.clone(), code.to_string())) {
                    buf.paste(&d);
                    self.info(self.lang.reopen_draft_restored());
                }
                self.overlays.push(Overlay::Editor {
                    prompt: self.lang.reopen_prompt(&expert, code),
                    kind: EditKind::Reopen {
                        expert,
                        app: code.to_string(),
                    },
                    buf,
                });
            }
            _ => self.refuse(self.lang.reopen_not_submitted(&expert, code)),
        }
    }

    fn do_reopen(&mut self, expert: &str, code: &str, reason: &str) {
        match sheet::reopen_view(&self.data.pview, &mut self.data.store, expert, code, reason) {
            Ok(rep) => {
                let note = rep
                    .note
                    .strip_prefix(&self.panel.dir)
                    .unwrap_or(&rep.note)
                    .display()
                    .to_string();
                if let Err(e) = self.reload() {
                    self.refuse(e);
                    return;
                }
                self.saved(self.lang.reopen_done(expert, code, &note));
                let title = self.lang.c().reopened_title;
                let lines = self.lang.reopen_next(expert, code, &note, self.watch);
                self.message(title, lines);
            }
            Err(e) => {
                // the reason is not lost: the next `r` on the pair goes on with it
                self.keep_draft(expert, code, reason);
                let msg = e.to_string();
                self.refuse(msg.clone());
                let title = self.lang.c().reopened_title;
                self.message(title, vec![msg]);
            }
        }
    }

    /// Where [`ChairApp::export`] writes: `<panel>/results/` for the official method, and
    /// for another method on screen (a comparison) its own folder under it,
    /// `results/compare-<method>-<by>/`, so that it never replaces the official files.
    pub fn export_dir(&self) -> PathBuf {
        let dir = self.panel.dir.join("results");
        if self.is_official() {
            dir
        } else {
            dir.join(format!(
                "compare-{}-{}",
                self.method.as_str(),
                self.by.as_str()
            ))
        }
    }

    /// Write the results on screen (JSON, CSV, XLSX, Markdown, 评审汇总表) to
    /// [`ChairApp::export_dir`]. Returns the files written.
    pub fn export(&mut self) -> Result<Vec<PathBuf>, String> {
        let dir = self.export_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut written = Vec::new();
        for (fmt, name) in [
            (Format::Json, "results.json"),
            (Format::Csv, "results.csv"),
            (Format::Xlsx, "results.xlsx"),
            (Format::Md, "results.md"),
            (Format::SummaryMd, "summary.md"),
        ] {
            let bytes = self.shown.render(fmt, None).map_err(err_text)?;
            let path = dir.join(name);
            write_atomic(&path, &bytes)?;
            written.push(path);
        }
        Ok(written)
    }

    fn do_export(&mut self) {
        let c = self.lang.c();
        let label = self.method_label(self.method, self.by);
        match self.export() {
            Ok(files) => {
                let dir = self.export_dir();
                let mut lines = vec![self.lang.exported_to(&dir.display().to_string(), &label)];
                if !self.is_official() {
                    let official = self.panel.dir.join("results");
                    lines.push(
                        self.lang
                            .exported_comparison(&official.display().to_string()),
                    );
                }
                for f in &files {
                    if let Some(n) = f.file_name() {
                        lines.push(format!("  {}", n.to_string_lossy()));
                    }
                }
                self.saved(lines[0].clone());
                self.message(c.exported, lines);
            }
            Err(e) => {
                self.refuse(e.clone());
                self.message(c.not_exported, vec![e]);
            }
        }
    }

    /// Select a match of the find query ([`Ranking::find`]) and say which.
    fn find(&mut self, how: Find) {
        let out = self.ranking.find(&self.data, how);
        self.ranking_outcome(out);
    }

    /// Carry out what the ranking asked for.
    fn ranking_outcome(&mut self, out: ranking::Outcome) {
        match out {
            ranking::Outcome::Drill(code) => self.open_detail(code, None, View::Ranking),
            ranking::Outcome::AskFind(q) => self.overlays.push(Overlay::Editor {
                kind: EditKind::Find,
                prompt: self.lang.c().find_prompt.to_string(),
                buf: TextBox::single(&q),
            }),
            ranking::Outcome::Info(t) => self.info(t),
            ranking::Outcome::Refuse(t) => self.refuse(t),
        }
    }

    /// Contexts in which keys are looked up now, first match wins.
    pub fn contexts(&self) -> Vec<Context> {
        if let Some(o) = self.overlays.last() {
            return vec![Context::of_overlay(o)];
        }
        vec![self.view.context(), Context::Global]
    }
}

/// The results file the chair asked for, written with [`crate::atomic_file`] (readable by
/// everyone, like every exported document).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::atomic_file::store(path, bytes, crate::atomic_file::Options::DOCUMENT)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Watch
// ---------------------------------------------------------------------------------------------

fn stamp_of(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    let sig = std::fs::metadata(sheet::sig_path(path))
        .ok()
        .map(|s| (s.len(), s.modified().ok()));
    Some((m.len(), m.modified().ok(), sig))
}

/// One poll of `<panel>/sheets/` (when [`ChairApp::watch`] is on): every `*.sheet.json`
/// that is new or changed since the last poll is verified and merged into the chair
/// database ([`sheet::merge_sheet_view`]); refusals are shown as messages (and not retried
/// until the file changes); the results are recomputed. Returns whether anything was
/// merged.
pub fn tick(app: &mut ChairApp) -> bool {
    if !app.watch {
        return false;
    }
    let dir = app.panel.dir.join("sheets");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.ends_with(".sheet.json") && !n.starts_with('.'))
            })
            .collect(),
        Err(_) => return false,
    };
    files.sort();
    let mut merged = Vec::new();
    let mut refused = Vec::new();
    for p in files {
        let Some(st) = stamp_of(&p) else {
            continue;
        };
        if app.seen.get(&p) == Some(&st) {
            continue;
        }
        app.seen.insert(p.clone(), st);
        match sheet::merge_sheet_view(&app.data.pview, &mut app.data.store, &p) {
            Ok(r) => {
                if let MergeKind::Merged { .. } = r.kind {
                    let n = r.changed.len() + r.status_changes.len() + r.comment_changes.len();
                    merged.push(app.lang.merged_sheet(&r.expert, r.seq, n));
                }
            }
            Err(e) => refused.push(e.to_string()),
        }
    }
    let changed = !merged.is_empty();
    if changed {
        if let Err(e) = app.reload() {
            refused.push(e);
        }
        app.log.extend(merged.iter().cloned());
        app.saved(merged.join(app.lang.list_sep()));
    }
    if !refused.is_empty() {
        app.log.extend(refused.iter().cloned());
        app.refuse(refused.join(app.lang.list_sep()));
        let title = app.lang.c().merge_refused;
        app.message(title, refused);
    }
    changed
}

// ---------------------------------------------------------------------------------------------
// Keys and update
// ---------------------------------------------------------------------------------------------

/// Translate a key event into an action and apply it.
pub fn handle_key(app: &mut ChairApp, ev: KeyEvent) {
    keys::dispatch(app, ev);
}

/// Feed space-separated key names (`"j j 4 . 5 enter"`); `text:` prefixes
/// literal text for editors (`"text:理由"`, `_` for a space). For tests and
/// scripted input.
pub fn feed(app: &mut ChairApp, keys_str: &str) {
    keys::feed(app, keys_str);
}

impl keys::KeyTarget for ChairApp {
    fn keymap(&self) -> &Keymap {
        &self.keymap
    }
    fn contexts(&self) -> Vec<Context> {
        ChairApp::contexts(self)
    }
    fn top_overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }
    fn shared(&mut self) -> keys::Shared<'_> {
        keys::Shared {
            quit: &mut self.quit,
            size: &mut self.data.size,
            note: &mut self.note,
            lang: self.data.lang,
        }
    }
    fn handle(&mut self, action: Action) {
        if action != Action::Quit {
            self.quit_armed = false;
        }
        if !self.overlays.is_empty() {
            overlay_update(self, action);
        } else {
            main_update(self, action);
        }
    }
    fn keep_visible(&mut self) {
        self.ensure_visible();
    }
}

/// Apply one action ([`keys::KeyTarget::apply`]).
pub fn update(app: &mut ChairApp, action: Action) {
    keys::KeyTarget::apply(app, action);
}

fn overlay_update(app: &mut ChairApp, action: Action) {
    let Some(top) = app.overlays.last_mut() else {
        return;
    };
    match top.handle_common(action) {
        Common::Done => {
            if matches!(app.overlays.last(), Some(Overlay::Help { .. })) {
                let max = help_max_scroll(app.data.size, &|w| doc::help_lines(app, w));
                if let Some(o) = app.overlays.last_mut() {
                    o.keep_help_scroll(max);
                }
            }
        }
        Common::Close => {
            app.overlays.pop();
        }
        Common::Screen => match (top, action) {
            // the chair asks for no confirmation; one would close like a message
            (Overlay::Confirm { .. }, Action::Scroll { .. }) => {}
            (Overlay::Confirm { .. }, _) => {
                app.overlays.pop();
            }
            (Overlay::Editor { .. }, Action::Back) => {
                if let Some(Overlay::Editor {
                    kind: EditKind::Reopen { expert, app: code },
                    buf,
                    ..
                }) = app.overlays.pop()
                {
                    let kept = app.keep_draft(&expert, &code, &buf.text());
                    app.info(app.lang.reopen_cancelled(kept));
                }
            }
            (Overlay::Editor { .. }, Action::Confirm) => editor_confirm(app),
            _ => {}
        },
    }
}

fn editor_confirm(app: &mut ChairApp) {
    let Some(Overlay::Editor { kind, buf, .. }) = app.overlays.last().cloned() else {
        return;
    };
    let text = buf.text().trim().to_string();
    match kind {
        EditKind::Reopen { expert, app: code } => {
            if text.is_empty() {
                app.refuse(app.lang.t().reason_required);
                return;
            }
            app.overlays.pop();
            app.do_reopen(&expert, &code, &text);
        }
        EditKind::Find => {
            app.overlays.pop();
            if text.is_empty() {
                app.ranking.set_search(None);
                return;
            }
            app.ranking.set_search(Some(text));
            app.find(Find::First);
        }
        _ => {
            app.overlays.pop();
        }
    }
}

fn cycle(m: Method) -> Method {
    match m {
        Method::Mean => Method::Trimmed,
        Method::Trimmed => Method::Median,
        Method::Median => Method::Normalized,
        Method::Normalized => Method::Mean,
    }
}

fn next_view(v: View, forward: bool) -> View {
    let order = [View::Ranking, View::Progress, View::Experts];
    let i = order.iter().position(|x| *x == v).unwrap_or(0);
    let n = order.len();
    order[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

fn main_update(app: &mut ChairApp, action: Action) {
    // actions that work the same in every view
    match action {
        Action::Quit => {
            // reopen reasons typed and not sent: said once, the second q quits
            let drafts = app.reopen_drafts();
            if drafts.is_empty() || app.quit_armed {
                app.quit = true;
            } else {
                app.quit_armed = true;
                app.refuse(app.lang.reopen_drafts_on_quit(&drafts));
            }
            return;
        }
        Action::Help => {
            app.overlays.push(Overlay::Help { scroll: 0 });
            return;
        }
        Action::SwitchView => {
            if app.can_switch {
                app.switch_requested = true;
            }
            return;
        }
        Action::CycleMethod => {
            let m = cycle(app.method);
            app.set_method(m, app.by);
            return;
        }
        Action::ToggleBy => {
            let b = match app.by {
                By::Criterion => By::Total,
                By::Total => By::Criterion,
            };
            app.set_method(app.method, b);
            return;
        }
        Action::Export => {
            app.do_export();
            return;
        }
        Action::ToggleWatch => {
            app.watch = !app.watch;
            app.info(app.lang.watch_state(app.watch));
            if app.watch {
                tick(app);
            }
            return;
        }
        Action::NextView | Action::PrevView => {
            let from = if app.view == View::Detail {
                app.detail.back()
            } else {
                app.view
            };
            app.view = next_view(from, action == Action::NextView);
            return;
        }
        _ => {}
    }
    match app.view {
        View::Ranking => ranking_update(app, action),
        View::Detail => detail_update(app, action),
        View::Progress => progress_update(app, action),
        View::Experts => experts_update(app, action),
    }
}

fn ranking_update(app: &mut ChairApp, action: Action) {
    let out = app.ranking.handle(action, &app.data);
    if let Some(out) = out {
        app.ranking_outcome(out);
    }
}

fn detail_update(app: &mut ChairApp, action: Action) {
    let out = app.detail.handle(action, &app.data);
    match out {
        Some(detail::Outcome::Back) => app.view = app.detail.back(),
        Some(detail::Outcome::Select(i)) => app.ranking.select(i),
        Some(detail::Outcome::Reopen { code, expert }) => app.start_reopen(&code, expert),
        None => {}
    }
}

fn progress_update(app: &mut ChairApp, action: Action) {
    let out = app.progress.handle(action, &app.data);
    match out {
        Some(progress::Outcome::Drill { code, expert }) => {
            if let Some(i) = app.rows().iter().position(|a| a.id == code) {
                app.ranking.select(i);
            }
            app.open_detail(code, Some(expert), View::Progress);
        }
        Some(progress::Outcome::Reopen { code, expert }) => app.start_reopen(&code, expert),
        Some(progress::Outcome::Back) => app.view = View::Ranking,
        None => {}
    }
}

fn experts_update(app: &mut ChairApp, action: Action) {
    let h = app.body_height().max(1);
    match app.experts_view.handle(action, h) {
        Some(experts::Outcome::Back) => app.view = View::Ranking,
        None => {}
    }
}
