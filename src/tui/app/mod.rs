//! The expert screen: [`App`] composes its components — the application list (`list.rs`),
//! the criterion tree (`tree.rs`), the evidence pane (`evidence.rs`) and the inline score
//! entry (`entry.rs`), each owning its state, its `draw` and its `handle` — over the
//! session's data (`data.rs`), and commits through [`Persist`].
//!
//! [`update`] (`update.rs`) applies one action to an [`App`]. It does no terminal I/O;
//! it commits to the store through [`Persist`] (the store is part of the
//! state), and only after the commit returned `Ok` does the screen say saved.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use rust_decimal::Decimal;

use super::draw::Theme;
use super::i18n::Lang;
use super::keys::{Context, Keymap};
use super::layout::{self, Pane, Panes};
pub use super::overlay::{Confirmed, EditKind, Level, Note, Overlay};
use super::textbox::TextBox;

mod data;
mod entry;
mod evidence;
mod list;
mod tree;
mod update;

use crate::rubric::num::show;
use crate::rubric::value_check::{self, ValueFault};
use crate::rubric::{self, Evaluation, ItemEval, OpinionSpec, Rubric, Scored};
use crate::sheet::ReopenNote;
use crate::store::{AppStatus, Op, OPINION_ITEM};
pub use data::{
    load_sheets, stored_sheet, AppInput, MemPersist, Persist, Refreshed, SectionText, Session,
    Sheet,
};
pub use entry::InlineEntry;
use evidence::EvidencePane;
pub use evidence::{EvLine, Evidence, Hit, LineKind, TailCache};
pub(crate) use list::total_str;
pub use list::{list_title, AppList, ListSort};
pub use tree::{caps_applied, CriteriaTree, Row};
pub use update::{feed, handle_key, update};

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

/// One application with its evaluation, the expert's sheet and running scores.
#[derive(Debug, Clone)]
pub struct AppState {
    pub input: AppInput,
    pub eval: Evaluation,
    pub sheet: Sheet,
    /// `combine` of the effective item values (kept current after every commit).
    pub scored: Scored,
}

impl AppState {
    /// The chair's reason, while the application is handed back and not submitted since.
    pub fn reopened_reason(&self) -> Option<&str> {
        match self.sheet.status {
            Some(AppStatus::Draft) => self
                .sheet
                .status_reason
                .as_deref()
                .and_then(crate::sheet::reopened_reason),
            _ => None,
        }
    }
}

/// Progress of one application for this expert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Untouched,
    Partial,
    Submitted,
    Conflict,
}

impl Progress {
    pub fn mark(self) -> &'static str {
        match self {
            Progress::Untouched => "○",
            Progress::Partial => "●",
            Progress::Submitted => "✓",
            Progress::Conflict => "✗",
        }
    }

    /// Sort rank by work left: in progress, untouched, submitted, conflict.
    pub fn rank(self) -> u8 {
        match self {
            Progress::Partial => 0,
            Progress::Untouched => 1,
            Progress::Submitted => 2,
            Progress::Conflict => 3,
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        let t = lang.t();
        match self {
            Progress::Untouched => t.untouched,
            Progress::Partial => t.partial,
            Progress::Submitted => t.submitted,
            Progress::Conflict => t.conflict,
        }
    }

    /// The words the list filter (`/`) matches for this status, in both languages: the
    /// labels the screen shows, and the words a user may type for them (`进行中`).
    pub fn words(self) -> Vec<&'static str> {
        let mut w = vec![self.name(Lang::Zh), self.name(Lang::En), self.key()];
        w.extend_from_slice(match self {
            Progress::Untouched => &["未评"][..],
            Progress::Partial => &["进行中", "草稿", "draft"][..],
            Progress::Submitted => &["提交"][..],
            Progress::Conflict => &["利益冲突"][..],
        });
        w
    }

    /// Stable machine name (for `panel status --json`).
    pub fn key(self) -> &'static str {
        match self {
            Progress::Untouched => "untouched",
            Progress::Partial => "in_progress",
            Progress::Submitted => "submitted",
            Progress::Conflict => "conflict",
        }
    }
}

/// An item's value as the expert set it, with the override reason.
type ItemValue = (Decimal, Option<String>);

/// The expert screen's state.
pub struct App {
    pub lang: Lang,
    /// False under `NO_COLOR`.
    pub color: bool,
    pub keymap: Keymap,
    pub panel_id: String,
    pub panel_title: String,
    pub expert: String,
    pub expert_name: String,
    pub rubric: Rubric,
    pub apps: Vec<AppState>,
    /// The criterion tree.
    tree: CriteriaTree,
    pub focus: Pane,
    /// The application list (its selection is the application on screen).
    list: AppList,
    /// The inline score entry.
    entry: InlineEntry,
    /// Score changes of this session, newest last: (application, item, the value before).
    /// `u` takes back the newest one of the current application.
    undo: Vec<(usize, String, Option<ItemValue>)>,
    pub overlays: Vec<Overlay>,
    pub note: Option<Note>,
    pub size: (u16, u16),
    pub quit: bool,
    /// The switch-view key works (`panel demo`: expert ↔ chair).
    pub can_switch: bool,
    /// Set by the switch-view key; the demo loop switches and clears it.
    pub switch_requested: bool,
    persist: Box<dyn Persist>,
    /// The evidence pane (scroll, search, current match, cached text).
    ev: EvidencePane,
    /// Text typed into a comment or opinion box and left with Esc, unsaved: (application,
    /// item; `""` the application comment, [`OPINION_ITEM`] the opinion) → text. The box
    /// opens on it again; saving drops it.
    drafts: std::collections::BTreeMap<(usize, String), String>,
    /// `q` with drafts kept has warned once; the next `q` quits.
    quit_warned: bool,
    /// The last error of picking up the chair's reopen notes, said once (not at every poll).
    reopen_error: Option<String>,
}

impl App {
    /// A new screen on `session` with the stored `sheets` (one per application,
    /// same order; missing ones are empty).
    pub fn new(
        session: Session,
        sheets: Vec<Sheet>,
        persist: Box<dyn Persist>,
        lang: Lang,
        color: bool,
        size: (u16, u16),
    ) -> App {
        let Session {
            panel_id,
            panel_title,
            expert_id,
            expert_name,
            rubric,
            apps,
        } = session;
        let mut sheets = sheets.into_iter();
        let apps: Vec<AppState> = apps
            .into_iter()
            .map(|input| {
                let eval = rubric::evaluate(&rubric, &input.facts);
                let sheet = sheets.next().unwrap_or_default();
                let scored = rubric::combine(&rubric, &effective_values(&rubric, &eval, &sheet));
                AppState {
                    input,
                    eval,
                    sheet,
                    scored,
                }
            })
            .collect();
        let tree = CriteriaTree::new(&rubric);
        let mut app = App {
            lang,
            color,
            keymap: Keymap::default_map(),
            panel_id,
            panel_title,
            expert: expert_id,
            expert_name,
            rubric,
            apps,
            tree,
            focus: Pane::Apps,
            list: AppList::default(),
            entry: InlineEntry::default(),
            undo: Vec::new(),
            overlays: Vec::new(),
            note: None,
            size,
            quit: false,
            can_switch: false,
            switch_requested: false,
            drafts: Default::default(),
            quit_warned: false,
            reopen_error: None,
            persist,
            ev: EvidencePane::default(),
        };
        app.refresh_order();
        app.ensure_visible();
        app
    }

    /// Draw the panes shown at this size (`p`): each component draws itself.
    pub(crate) fn draw_panes(&self, p: &Panes, buf: &mut Buffer, th: Theme) {
        if let Some(r) = p.apps {
            self.list.draw(self, r, buf, th);
        }
        if let Some(r) = p.tree {
            self.tree.draw(self, r, buf, th);
        }
        if let Some(r) = p.evidence {
            self.ev.draw(self, r, buf, th);
        }
    }

    /// Recomputes the list order from the filter and the sort; the selection stays on its
    /// application when it is still shown, else moves to the first one shown.
    pub fn refresh_order(&mut self) {
        let q = self
            .list
            .filter()
            .map(|q| q.trim().to_lowercase())
            .filter(|q| !q.is_empty());
        let mut order: Vec<usize> = (0..self.apps.len())
            .filter(|&i| {
                let Some(q) = &q else {
                    return true;
                };
                let a = &self.apps[i].input;
                let pr = self.progress(i);
                [a.code.to_lowercase(), a.title.to_lowercase()]
                    .iter()
                    .any(|s| s.contains(q.as_str()))
                    || pr
                        .words()
                        .iter()
                        .any(|w| w.to_lowercase().contains(q.as_str()))
            })
            .collect();
        match self.list.sort() {
            ListSort::Code => {}
            ListSort::Status => order.sort_by_key(|&i| self.progress(i).rank()),
            // a conflict has no score: after every application that has one
            ListSort::Total => order.sort_by_key(|&i| {
                (
                    self.progress(i) == Progress::Conflict,
                    std::cmp::Reverse(self.apps[i].scored.total),
                )
            }),
        }
        if self.list.set_order(order) {
            self.ev.top();
            self.ev.forget_hit();
        }
    }

    /// Position of the selected application in the list (0 when it is filtered out).
    pub fn list_pos(&self) -> usize {
        self.list.pos()
    }

    /// The inline score entry's text, when it is open.
    pub fn entry(&self) -> Option<&str> {
        self.entry.text()
    }

    /// First visible line of the evidence body.
    pub fn ev_scroll(&self) -> usize {
        self.ev.scroll()
    }

    /// The evidence search, when one is set.
    pub fn search(&self) -> Option<&str> {
        self.ev.search()
    }

    /// Index of the current match in the combined hit list.
    pub fn hit(&self) -> Option<usize> {
        self.ev.hit()
    }

    /// The criterion tree's state.
    pub fn tree(&self) -> &CriteriaTree {
        &self.tree
    }

    /// The application list's state.
    pub fn list(&self) -> &AppList {
        &self.list
    }

    /// The application on screen (index into [`App::apps`]).
    pub fn app_sel(&self) -> usize {
        self.list.sel()
    }

    /// The applications the list shows, in its order (filter and sort applied).
    pub fn order(&self) -> &[usize] {
        self.list.order()
    }

    pub fn panes(&self) -> Panes {
        layout::layout(self.size.0, self.size.1, self.focus)
    }

    pub fn cur(&self) -> Option<&AppState> {
        self.apps.get(self.list.sel())
    }

    /// The selected row (an item row).
    pub fn sel_row(&self) -> Option<Row> {
        self.tree.sel_row()
    }

    /// Indices (category, criterion, item) of the selected item.
    pub fn sel_idx(&self) -> Option<(usize, usize, usize)> {
        match self.sel_row()? {
            Row::Item(c, k, i) => Some((c, k, i)),
            _ => None,
        }
    }

    pub fn sel_item(&self) -> Option<&rubric::Item> {
        let (c, k, i) = self.sel_idx()?;
        Some(&self.rubric.categories[c].criteria[k].items[i])
    }

    pub fn sel_criterion(&self) -> Option<&rubric::Criterion> {
        let (c, k, _) = self.sel_idx()?;
        Some(&self.rubric.categories[c].criteria[k])
    }

    /// Whether the application is locked for this expert (submitted or conflict).
    pub fn read_only(&self, ai: usize) -> bool {
        matches!(
            self.apps.get(ai).and_then(|a| a.sheet.status),
            Some(AppStatus::Submitted) | Some(AppStatus::Conflict)
        )
    }

    pub fn progress(&self, ai: usize) -> Progress {
        self.apps
            .get(ai)
            .map(|a| progress_of(&a.sheet))
            .unwrap_or(Progress::Untouched)
    }

    /// The suggestion of a rule item (`None` for expert items).
    pub fn suggestion(&self, ai: usize, item: &str) -> Option<Decimal> {
        self.item_eval(ai, item).and_then(|e| e.auto)
    }

    pub fn item_eval(&self, ai: usize, item: &str) -> Option<&ItemEval> {
        self.apps.get(ai)?.eval.item(item)
    }

    /// The value an item counts with: the expert's, else the rule's suggestion.
    pub fn effective(&self, ai: usize, item: &str) -> Option<Decimal> {
        let a = self.apps.get(ai)?;
        a.sheet
            .values
            .get(item)
            .map(|(v, _)| *v)
            .or_else(|| a.eval.item(item).and_then(|e| e.auto))
    }

    /// What blocks submitting: (item id, message), in rubric order.
    pub fn problems(&self, ai: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Some(a) = self.apps.get(ai) else {
            return out;
        };
        for (_, _, it) in self.rubric.items() {
            let explicit = a.sheet.values.get(&it.id);
            if it.is_expert() {
                if explicit.is_none() {
                    out.push((it.id.clone(), self.lang.unscored(&it.id)));
                }
            } else if let Some((v, reason)) = explicit {
                let sugg = a.eval.item(&it.id).and_then(|e| e.auto).unwrap_or_default();
                if *v != sugg && reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    out.push((it.id.clone(), self.lang.no_reason(&it.id)));
                }
            }
        }
        if let Some(m) = self.opinion_problem(ai) {
            out.push((OPINION_ITEM.to_string(), m));
        }
        out
    }

    /// Why the written opinion of application `ai` blocks submitting, if it does.
    pub fn opinion_problem(&self, ai: usize) -> Option<String> {
        let spec = self.rubric.opinion.as_ref()?;
        let text = self.apps.get(ai)?.sheet.comments.get(OPINION_ITEM);
        if spec.satisfied_by(text.map(String::as_str)) {
            return None;
        }
        let have = text.map(|t| OpinionSpec::count(t)).unwrap_or(0);
        Some(
            self.lang
                .opinion_missing(&spec.title, &spec.title_en, have, spec.min_chars.max(1)),
        )
    }

    /// Contexts in which keys are looked up now, first match wins.
    pub fn contexts(&self) -> Vec<Context> {
        if let Some(o) = self.overlays.last() {
            return vec![Context::of_overlay(o)];
        }
        if self.entry.text().is_some() {
            return vec![Context::Entry, Context::Global];
        }
        let pane = match self.focus {
            Pane::Apps => Context::Apps,
            Pane::Tree => Context::Tree,
            Pane::Evidence => Context::Evidence,
        };
        vec![pane, Context::Global]
    }

    // -----------------------------------------------------------------------------------------
    // Scrolling
    // -----------------------------------------------------------------------------------------

    /// Keep the selections visible and the scroll offsets in range.
    pub fn ensure_visible(&mut self) {
        let p = self.panes();
        if let Some(r) = p.apps {
            let h = layout::inner(r).height as usize;
            self.list.keep_visible(h);
        }
        if let Some(r) = p.tree {
            let h = layout::tree_list(r).height as usize;
            self.tree.keep_visible(h);
        }
        let (len, h) = self.ev_body_len();
        self.ev.clamp(len, h);
    }

    fn scroll_evidence(&mut self, delta: isize) {
        let (len, h) = self.ev_body_len();
        self.ev.scroll_by(delta, len, h);
    }

    fn page(&self, pane: Pane) -> usize {
        let p = self.panes();
        let h = match pane {
            Pane::Apps => p.apps.map(|r| layout::inner(r).height),
            Pane::Tree => p.tree.map(|r| layout::tree_list(r).height),
            Pane::Evidence => self.evidence().map(|e| e.body_h),
        };
        (h.unwrap_or(10) as usize).saturating_sub(1).max(1)
    }

    // -----------------------------------------------------------------------------------------
    // Commits
    // -----------------------------------------------------------------------------------------

    /// Commit `ops` (all on application `ai`); on success the application's sheet is read
    /// back from the store, which alone says what the operations do.
    fn commit(&mut self, ai: usize, ops: Vec<Op>) -> bool {
        match self.persist.commit(ops) {
            Ok(()) => {
                let rubric = &self.rubric;
                let a = &mut self.apps[ai];
                a.sheet = self.persist.sheet(&self.expert, &a.input.code);
                a.scored = rubric::combine(rubric, &effective_values(rubric, &a.eval, &a.sheet));
                self.refresh_order();
                true
            }
            Err(e) => {
                let msg = self.lang.not_saved(&e);
                self.note = Some(Note {
                    level: Level::Error,
                    text: msg.clone(),
                });
                let title = if self.lang.is_zh() {
                    "未保存"
                } else {
                    "NOT saved"
                };
                self.overlays.push(Overlay::Message {
                    title: title.into(),
                    lines: vec![msg],
                });
                false
            }
        }
    }

    fn saved(&mut self, text: String) {
        self.note = Some(Note {
            level: Level::Saved,
            text,
        });
    }

    fn info(&mut self, text: impl Into<String>) {
        self.note = Some(Note {
            level: Level::Info,
            text: text.into(),
        });
    }

    fn refuse(&mut self, text: impl Into<String>) {
        self.note = Some(Note {
            level: Level::Error,
            text: text.into(),
        });
    }

    /// Refuse with the read-only message when the current application is locked.
    fn locked(&mut self) -> bool {
        let ai = self.list.sel();
        if self.read_only(ai) {
            let code = self.apps[ai].input.code.clone();
            let conflict = self.apps[ai].sheet.status == Some(AppStatus::Conflict);
            self.refuse(self.lang.read_only(&code, conflict));
            return true;
        }
        false
    }

    fn set_score(&mut self, ai: usize, item: &str, value: Decimal, reason: Option<String>) -> bool {
        let code = self.apps[ai].input.code.clone();
        let before = self.apps[ai].sheet.values.get(item).cloned();
        let op = Op::SetScore {
            expert: self.expert.clone(),
            app: code.clone(),
            item: item.to_string(),
            value,
            reason: reason.clone(),
        };
        if !self.commit(ai, vec![op]) {
            return false;
        }
        self.undo.push((ai, item.to_string(), before));
        let msg = match (reason, self.suggestion(ai, item)) {
            (Some(_), Some(s)) => self.lang.saved_override(&code, item, value, s),
            _ => self.lang.saved(&code, item, value),
        };
        self.saved(msg);
        true
    }

    /// Items of application `ai` that need the expert, in tree order (indices into
    /// `item_rows`): first the expert items without a value and the rule items whose facts
    /// give no suggestion, then the rule items the expert has not confirmed.
    fn todo(&self, ai: usize) -> (Vec<usize>, Vec<usize>) {
        let (mut must, mut confirm) = (Vec::new(), Vec::new());
        let Some(a) = self.apps.get(ai) else {
            return (must, confirm);
        };
        for (n, c, k, i) in self.tree.item_indices() {
            let it = &self.rubric.categories[c].criteria[k].items[i];
            if a.sheet.values.contains_key(&it.id) {
                continue;
            }
            if it.is_expert() || self.suggestion(ai, &it.id).is_none() {
                must.push(n);
            } else {
                confirm.push(n);
            }
        }
        (must, confirm)
    }

    /// The unsaved text left in the comment or opinion box of (`ai`, `item`), else the saved
    /// text: what the box opens on.
    pub(super) fn draft_or_saved(&self, ai: usize, item: &str) -> String {
        self.drafts
            .get(&(ai, item.to_string()))
            .or_else(|| self.apps[ai].sheet.comments.get(item))
            .cloned()
            .unwrap_or_default()
    }

    /// Keeps `text`, left in the box of (`ai`, `item`) with Esc, when it differs from the
    /// saved text; says which. Returns whether it was kept.
    pub(super) fn keep_draft(&mut self, ai: usize, item: &str, text: &str) -> bool {
        let saved = self.apps[ai].sheet.comments.get(item).map(String::as_str);
        let key = (ai, item.to_string());
        if text.trim().is_empty() || Some(text.trim()) == saved.map(str::trim) {
            self.drafts.remove(&key);
            false
        } else {
            self.drafts.insert(key, text.to_string());
            // newly kept text: the next q warns again
            self.quit_warned = false;
            true
        }
    }

    /// Forgets the draft of (`ai`, `item`) once its box is saved.
    pub(super) fn drop_draft(&mut self, ai: usize, item: &str) {
        self.drafts.remove(&(ai, item.to_string()));
    }

    /// `q`: quits, except the first time while unsaved text is kept, which warns.
    pub(super) fn quit_or_warn(&mut self) {
        if self.drafts.is_empty() || self.quit_warned {
            self.quit = true;
            return;
        }
        self.quit_warned = true;
        self.refuse(self.lang.drafts_on_quit(self.drafts.len()));
    }

    /// Moves to the next (or previous) item that needs the expert, wrapping around; the
    /// unscored items come before the unconfirmed rule items. From the application list it
    /// takes the first (or last) such item of the application; in its criteria, the next
    /// one after the selected item. Says so when none is left.
    fn goto_todo(&mut self, forward: bool) -> bool {
        let ai = self.list.sel();
        let (must, confirm) = self.todo(ai);
        let cur = self.tree.sel();
        let from_list = self.focus == Pane::Apps;
        let pick = |list: &[usize]| -> Option<usize> {
            if from_list {
                if forward {
                    list.first().copied()
                } else {
                    list.last().copied()
                }
            } else if forward {
                list.iter().find(|&&n| n > cur).or(list.first()).copied()
            } else {
                list.iter()
                    .rev()
                    .find(|&&n| n < cur)
                    .or(list.last())
                    .copied()
            }
        };
        let target = pick(&must).or_else(|| pick(&confirm));
        match target {
            Some(n) => {
                self.focus = Pane::Tree;
                self.select_item(n);
                self.ensure_visible();
                true
            }
            None => false,
        }
    }

    /// `u`: takes back the newest score change of the current application made in this
    /// session, as a new journaled value (or clears an item that had none).
    fn undo_last(&mut self) {
        let ai = self.list.sel();
        let Some(pos) = self.undo.iter().rposition(|(a, _, _)| *a == ai) else {
            self.info(if self.lang.is_zh() {
                "本次会话中该项目没有可撤销的改分"
            } else {
                "nothing to undo for this application in this session"
            });
            return;
        };
        let (_, item, before) = self.undo.remove(pos);
        let code = self.apps[ai].input.code.clone();
        let op = match &before {
            Some((v, r)) => Op::SetScore {
                expert: self.expert.clone(),
                app: code.clone(),
                item: item.clone(),
                value: *v,
                reason: r.clone(),
            },
            None => Op::ClearScore {
                expert: self.expert.clone(),
                app: code.clone(),
                item: item.clone(),
            },
        };
        if self.commit(ai, vec![op]) {
            let rubric = &self.rubric;
            if let Some(n) = self
                .tree
                .find(|c, k, i| rubric.categories[c].criteria[k].items[i].id == item)
            {
                self.focus = Pane::Tree;
                self.select_item(n);
                self.ensure_visible();
            }
            let was = match before {
                Some((v, _)) => show(v),
                None => "—".into(),
            };
            self.saved(if self.lang.is_zh() {
                format!("已撤销：{code} {item} 恢复为 {was}")
            } else {
                format!("undone: {code} {item} back to {was}")
            });
        } else {
            self.undo.insert(pos, (ai, item, before));
        }
    }

    /// Declares (or withdraws) a conflict of interest for `ai` with `reason`, journaled, and
    /// writes the sheet for the chair. A withdrawn application is a draft again, with its
    /// scores as they were.
    fn set_conflict(&mut self, ai: usize, reason: String, withdraw: bool) {
        let code = self.apps[ai].input.code.clone();
        let op = Op::SetStatus {
            expert: self.expert.clone(),
            app: code.clone(),
            status: if withdraw {
                AppStatus::Draft
            } else {
                AppStatus::Conflict
            },
            reason: Some(if withdraw {
                format!("conflict withdrawn: {reason}")
            } else {
                reason
            }),
        };
        if self.commit(ai, vec![op]) {
            self.saved(if withdraw {
                self.lang.conflict_withdrawn(&code)
            } else {
                self.lang.conflict_saved(&code)
            });
            self.export_after_lock();
        }
    }

    /// After a value saved from the entry: on to the next item that needs the expert, else
    /// (every item has a value: rescoring) to the next item, as a spreadsheet moves down, so
    /// that the next value typed never replaces the one just saved; and say when the
    /// application is ready to submit.
    fn after_entry_saved(&mut self) {
        let (must, _) = self.todo(self.list.sel());
        if !self.goto_todo(true) {
            let next = self.tree.sel() + 1;
            if next < self.tree.items() {
                self.focus = Pane::Tree;
                self.select_item(next);
                self.ensure_visible();
            }
        }
        if must.is_empty() && self.opinion_problem(self.list.sel()).is_some() {
            let title = self
                .rubric
                .opinion
                .as_ref()
                .map(|o| self.pick(&o.title, &o.title_en).to_string())
                .unwrap_or_default();
            let zh = self.lang.is_zh();
            if let Some(n) = self.note.as_mut() {
                n.text.push_str(&if zh {
                    format!(" · 必评项均已评分，按 w 撰写{title}，再按 s 提交")
                } else {
                    format!(
                        " · every required item is scored; w writes the {title}, then s submits"
                    )
                });
            }
        } else if must.is_empty() {
            if let Some(n) = self.note.as_mut() {
                n.text.push_str(if self.lang.is_zh() {
                    " · 必评项均已评分，按 s 提交（未确认的规则项按建议分）"
                } else {
                    " · every required item is scored; s submits (unconfirmed rule items at their suggestion)"
                });
            }
        }
    }

    /// Validate the entry buffer and commit it (or ask for a reason).
    fn commit_entry(&mut self) {
        let Some(buf) = self.entry.text().map(str::to_string) else {
            return;
        };
        let ai = self.list.sel();
        let Some(item) = self.sel_item().cloned() else {
            return;
        };
        if buf.is_empty() {
            self.entry.close();
            self.info(self.lang.t().entry_cancelled);
            return;
        }
        // The one value check of every way scores come in (`rubric::value_check`).
        let v = match value_check::check_score_text(&buf, item.max(), item.step()) {
            Ok(v) => v.normalize(),
            Err(p) => {
                let msg = match p.fault {
                    ValueFault::NotNumber => self.lang.not_number(&buf),
                    ValueFault::OutOfRange => self.lang.out_of_range(&buf, item.max()),
                    ValueFault::OffStep => self.lang.off_step(&buf, item.step()),
                    ValueFault::Form => self.lang.bad_form(&buf, item.step()),
                };
                self.entry.refused();
                self.refuse(msg);
                return;
            }
        };
        self.entry.close();
        match self.suggestion(ai, &item.id) {
            Some(s) if v != s => {
                let old = self.apps[ai]
                    .sheet
                    .values
                    .get(&item.id)
                    .and_then(|(_, r)| r.clone())
                    .unwrap_or_default();
                self.overlays.push(Overlay::Editor {
                    prompt: self.lang.reason_prompt(&item.id, v, s),
                    kind: EditKind::Reason {
                        app: ai,
                        item: item.id.clone(),
                        value: v,
                    },
                    buf: TextBox::multi(&old),
                });
            }
            _ => {
                if self.set_score(ai, &item.id, v, None) {
                    self.after_entry_saved();
                }
            }
        }
    }

    fn start_submit(&mut self) {
        let ai = self.list.sel();
        let problems = self.problems(ai);
        let code = self.apps[ai].input.code.clone();
        if let Some((first, _)) = problems.first() {
            let rubric = &self.rubric;
            if let Some(pos) = self
                .tree
                .find(|c, k, i| &rubric.categories[c].criteria[k].items[i].id == first)
            {
                // the criterion tree takes the keys, so a digit typed next scores that item
                self.tree.set_sel(pos);
                self.focus = Pane::Tree;
                self.ev.top();
            }
            let mut lines: Vec<String> = problems.iter().map(|(_, m)| format!("• {m}")).collect();
            lines.insert(0, self.lang.incomplete(&code));
            self.refuse(
                self.lang
                    .incomplete_note(&code, problems.len(), &problems[0].1),
            );
            self.overlays.push(Overlay::Message {
                title: self.lang.t().cannot_submit.to_string(),
                lines,
            });
            return;
        }
        let filled = self
            .rubric
            .items()
            .filter(|(_, _, it)| {
                !it.is_expert() && !self.apps[ai].sheet.values.contains_key(&it.id)
            })
            .count();
        let total = self.apps[ai].scored.total;
        self.overlays.push(Overlay::Confirm {
            app: ai,
            what: Confirmed::Submit,
            lines: self.lang.confirm_submit(&code, total, filled),
        });
    }

    fn do_submit(&mut self, ai: usize) {
        let code = self.apps[ai].input.code.clone();
        let mut ops = Vec::new();
        for (_, _, it) in self.rubric.items() {
            if it.is_expert() || self.apps[ai].sheet.values.contains_key(&it.id) {
                continue;
            }
            ops.push(Op::SetScore {
                expert: self.expert.clone(),
                app: code.clone(),
                item: it.id.clone(),
                value: self.apps[ai]
                    .eval
                    .item(&it.id)
                    .and_then(|e| e.auto)
                    .unwrap_or_default(),
                reason: None,
            });
        }
        ops.push(Op::SetStatus {
            expert: self.expert.clone(),
            app: code.clone(),
            status: AppStatus::Submitted,
            reason: None,
        });
        if self.commit(ai, ops) {
            let total = self.apps[ai].scored.total;
            self.saved(self.lang.submitted(&code, total));
            self.export_after_lock();
        }
    }

    /// After a durable submit or conflict: write the sheet for the chair and say where;
    /// when that fails, say that the scores are safe in the database all the same.
    fn export_after_lock(&mut self) {
        match self.persist.export_sheet() {
            None => {}
            Some(Ok(path)) => {
                if let Some(n) = self.note.as_mut() {
                    n.text = self.lang.with_sheet_written(&n.text, &path);
                }
            }
            Some(Err(e)) => {
                let msg = self.lang.sheet_not_written(&e);
                self.note = Some(Note {
                    level: Level::Error,
                    text: msg.clone(),
                });
                let title = if self.lang.is_zh() {
                    "评分表未导出（评分已保存）"
                } else {
                    "Sheet not written (scores are saved)"
                };
                self.overlays.push(Overlay::Message {
                    title: title.into(),
                    lines: vec![msg],
                });
            }
        }
    }

    /// Pick up the chair's reopen notes (see [`Persist::refresh`]); shows what was
    /// reopened. Returns whether anything changed.
    pub fn refresh(&mut self) -> bool {
        let codes: Vec<String> = self.apps.iter().map(|a| a.input.code.clone()).collect();
        match self.persist.refresh(&codes) {
            Ok(None) => false,
            Ok(Some((notes, sheets))) => {
                for (a, sh) in self.apps.iter_mut().zip(sheets) {
                    a.sheet = sh;
                    a.scored = rubric::combine(
                        &self.rubric,
                        &effective_values(&self.rubric, &a.eval, &a.sheet),
                    );
                }
                self.refresh_order();
                self.show_reopens(&notes);
                true
            }
            Err(e) => {
                if self.reopen_error.as_ref() != Some(&e) {
                    self.reopen_error = Some(e.clone());
                    self.refuse(e);
                }
                false
            }
        }
    }

    /// While the screen is open: pick up a reopen note the chair wrote meanwhile (see
    /// [`App::refresh`]), when nothing is being typed (no editor, confirmation or entry open,
    /// so that the message never takes a key meant for them).
    pub fn poll_reopens(&mut self) -> bool {
        if !self.overlays.is_empty() || self.entry.text().is_some() {
            return false;
        }
        self.refresh()
    }

    /// Tell the expert which applications the chair reopened, and why.
    pub fn show_reopens(&mut self, notes: &[ReopenNote]) {
        if notes.is_empty() {
            return;
        }
        let mut lines: Vec<String> = notes
            .iter()
            .map(|n| self.lang.reopened(&n.application, &n.reason))
            .collect();
        self.note = Some(Note {
            level: Level::Info,
            text: lines.join("; "),
        });
        lines.push(String::new());
        lines.push(self.lang.reopened_hint().to_string());
        let title = if self.lang.is_zh() {
            "组长退回重评"
        } else {
            "Reopened by the chair"
        };
        self.overlays.push(Overlay::Message {
            title: title.into(),
            lines,
        });
    }

    fn search_step(&mut self, forward: bool) {
        let Some(q) = self.ev.search().map(str::to_string) else {
            self.info(self.lang.t().no_search);
            return;
        };
        let hits = self.all_hits();
        if hits.is_empty() {
            self.ev.forget_hit();
            let crit = self
                .sel_criterion()
                .map(|c| c.id.clone())
                .unwrap_or_default();
            self.refuse(self.lang.no_match(&q, &crit));
            return;
        }
        let (_, h) = self.ev_body_len();
        let next = self.ev.step(&hits, h, forward);
        self.info(self.lang.hit(&q, next + 1, hits.len()));
    }

    fn select_app(&mut self, i: usize) {
        if self.apps.is_empty() {
            return;
        }
        let i = i.min(self.apps.len() - 1);
        // the selected item stays (an expert may go through one criterion across the
        // applications); the evidence opens at its top
        if self.list.select(i) {
            self.ev.top();
            self.ev.forget_hit();
        }
    }

    fn select_item(&mut self, i: usize) {
        if self.tree.items() == 0 {
            return;
        }
        let i = i.min(self.tree.items() - 1);
        if i != self.tree.sel() {
            let old = self.sel_idx().map(|(c, k, _)| (c, k));
            self.tree.set_sel(i);
            if self.sel_idx().map(|(c, k, _)| (c, k)) != old {
                self.ev.top();
            }
            self.ev.forget_hit();
        }
    }

    fn move_sel(&mut self, pane: Pane, delta: isize) {
        match pane {
            Pane::Apps => {
                if let Some(i) = self.list.step(delta) {
                    self.select_app(i);
                }
            }
            Pane::Tree => {
                if let Some(i) = self.tree.step(delta) {
                    self.select_item(i);
                }
            }
            Pane::Evidence => self.scroll_evidence(delta),
        }
    }
}

/// Progress of a sheet: submitted, conflict, partly scored (any value or
/// comment stored) or untouched.
pub fn progress_of(sheet: &Sheet) -> Progress {
    match sheet.status {
        Some(AppStatus::Submitted) => Progress::Submitted,
        Some(AppStatus::Conflict) => Progress::Conflict,
        _ if sheet.values.is_empty() && sheet.comments.is_empty() => Progress::Untouched,
        _ => Progress::Partial,
    }
}

/// The item values that count: explicit values, else rule suggestions.
pub fn effective_values(
    rubric: &Rubric,
    eval: &Evaluation,
    sheet: &Sheet,
) -> BTreeMap<String, Decimal> {
    let mut m = BTreeMap::new();
    for (_, _, it) in rubric.items() {
        if let Some((v, _)) = sheet.values.get(&it.id) {
            m.insert(it.id.clone(), *v);
        } else if let Some(s) = eval.item(&it.id).and_then(|e| e.auto) {
            m.insert(it.id.clone(), s);
        }
    }
    m
}
