//! The expert screen's keys: [`update`] applies one [`Action`] (no terminal I/O). With an
//! overlay open the overlay has the key (the keys both screens share in
//! [`Overlay::handle_common`], the answers here); with the score entry open the entry has it;
//! otherwise the focused pane's component has it first and what it leaves are the keys every
//! pane shares, handled once here. The components answer with an outcome the screen carries
//! out.

use crossterm::event::KeyEvent;

use super::{entry, evidence, list, tree, App, Confirmed, EditKind, Overlay};
use crate::rubric::num::show;
use crate::rubric::OpinionSpec;
use crate::store::{AppStatus, Op, OPINION_ITEM};
use crate::tui::action::Action;
use crate::tui::keys::{self, Context, Keymap};
use crate::tui::layout::{self, Pane};
use crate::tui::overlay::{help_max_scroll, Common};
use crate::tui::textbox::TextBox;
use ratatui::layout::{Position, Rect};

impl App {
    /// Carry out what the list asked for.
    fn list_outcome(&mut self, out: list::Outcome) {
        match out {
            list::Outcome::Select(i) => self.select_app(i),
            list::Outcome::Page(d) => {
                let page = self.page(Pane::Apps) as isize;
                self.move_sel(Pane::Apps, d * page)
            }
            list::Outcome::Open => {
                if !self.apps.is_empty() {
                    self.focus = Pane::Tree;
                }
            }
            list::Outcome::FilterCleared => {
                self.refresh_order();
                self.info(if self.lang.is_zh() {
                    "已清除筛选"
                } else {
                    "filter cleared"
                });
            }
            list::Outcome::Sorted => {
                self.refresh_order();
                self.ensure_visible();
                let name = self.list.sort().name(self.lang);
                self.info(if self.lang.is_zh() {
                    format!("列表按{name}排序")
                } else {
                    format!("list sorted by {name}")
                });
            }
            list::Outcome::AskFind(q) => self.overlays.push(Overlay::Editor {
                kind: EditKind::Filter,
                prompt: self.lang.filter_prompt(Some(&q)),
                buf: TextBox::single(""),
            }),
            list::Outcome::CommentApp => self.ask_comment(true),
            list::Outcome::DigitHint => self.info(self.lang.t().digits_in_list),
        }
    }

    /// Carry out what the tree asked for.
    fn tree_outcome(&mut self, out: tree::Outcome) {
        match out {
            tree::Outcome::Select(i) => self.select_item(i),
            tree::Outcome::PageEvidence(d) => {
                let page = self.page(Pane::Evidence) as isize;
                self.scroll_evidence(d * page)
            }
            tree::Outcome::Focus(pane) => self.focus = pane,
        }
    }

    /// Carry out what the evidence pane asked for.
    fn evidence_outcome(&mut self, out: evidence::Outcome) {
        match out {
            evidence::Outcome::Scroll(d) => self.scroll_evidence(d),
            evidence::Outcome::Page(d) => {
                let page = self.page(Pane::Evidence) as isize;
                self.scroll_evidence(d * page)
            }
            evidence::Outcome::SearchStep(forward) => self.search_step(forward),
            evidence::Outcome::Focus(pane) => self.focus = pane,
        }
    }

    /// Open the comment editor on the application (`on_app`) or on the selected item.
    fn ask_comment(&mut self, on_app: bool) {
        if self.cur().is_none() || self.locked() {
            return;
        }
        let ai = self.list.sel();
        let item = if on_app {
            String::new()
        } else {
            self.sel_item().map(|i| i.id.clone()).unwrap_or_default()
        };
        let code = self.apps[ai].input.code.clone();
        let old = self.draft_or_saved(ai, &item);
        self.overlays.push(Overlay::Editor {
            prompt: self.lang.comment_prompt(&code, &item),
            kind: EditKind::Comment { app: ai, item },
            buf: TextBox::multi(&old),
        });
    }

    /// The pane under the mouse at (`col`, `row`), and its area.
    fn pane_at(&self, col: u16, row: u16) -> Option<(Pane, Rect)> {
        let p = self.panes();
        let at = Position::new(col, row);
        [
            (Pane::Apps, p.apps),
            (Pane::Tree, p.tree),
            (Pane::Evidence, p.evidence),
        ]
        .into_iter()
        .find_map(|(pane, r)| r.filter(|r| r.contains(at)).map(|r| (pane, r)))
    }

    fn click(&mut self, col: u16, row: u16) {
        let Some((pane, area)) = self.pane_at(col, row) else {
            return;
        };
        self.focus = pane;
        match pane {
            Pane::Apps => {
                let r = layout::inner(area);
                if row >= r.y && row < r.bottom() {
                    if let Some(i) = self.list.at_row((row - r.y) as usize) {
                        self.select_app(i);
                    }
                }
            }
            Pane::Tree => {
                let r = layout::tree_list(area);
                if row >= r.y && row < r.bottom() {
                    // a header row selects its first item
                    if let Some(pos) = self.tree.at_row((row - r.y) as usize) {
                        self.select_item(pos);
                    }
                }
            }
            Pane::Evidence => {}
        }
    }

    fn wheel(&mut self, col: u16, row: u16, down: bool) {
        let d = if down { 1 } else { -1 };
        match self.pane_at(col, row) {
            Some((Pane::Evidence, _)) => self.scroll_evidence(3 * d),
            Some((pane, _)) => self.move_sel(pane, d),
            None => {}
        }
    }
}

/// Translate a key event into an action and apply it.
pub fn handle_key(app: &mut App, ev: KeyEvent) {
    keys::dispatch(app, ev);
}

/// Feed space-separated key names (`"j j 4 . 5 enter"`); `text:` prefixes
/// literal text for editors (`"text:理由"`, `_` for a space). For tests and
/// scripted input.
pub fn feed(app: &mut App, keys_str: &str) {
    keys::feed(app, keys_str);
}

impl keys::KeyTarget for App {
    fn keymap(&self) -> &Keymap {
        &self.keymap
    }
    fn contexts(&self) -> Vec<Context> {
        App::contexts(self)
    }
    fn top_overlay(&self) -> Option<&Overlay> {
        self.overlays.last()
    }
    fn shared(&mut self) -> keys::Shared<'_> {
        keys::Shared {
            quit: &mut self.quit,
            size: &mut self.size,
            note: &mut self.note,
            lang: self.lang,
        }
    }
    fn handle(&mut self, action: Action) {
        if !self.overlays.is_empty() {
            overlay_update(self, action);
        } else if self.entry.text().is_some() {
            entry_update(self, action);
        } else {
            main_update(self, action);
        }
    }
    fn keep_visible(&mut self) {
        self.ensure_visible();
    }
}

/// Apply one action ([`keys::KeyTarget::apply`]). No terminal I/O; commits go through the
/// store.
pub fn update(app: &mut App, action: Action) {
    keys::KeyTarget::apply(app, action);
}

fn overlay_update(app: &mut App, action: Action) {
    let Some(top) = app.overlays.last_mut() else {
        return;
    };
    match top.handle_common(action) {
        Common::Done => {
            if matches!(app.overlays.last(), Some(Overlay::Help { .. })) {
                let max = help_max_scroll(app.size, &|w| crate::tui::view::help_lines(app, w));
                if let Some(o) = app.overlays.last_mut() {
                    o.keep_help_scroll(max);
                }
            }
            return;
        }
        Common::Close => {
            app.overlays.pop();
            return;
        }
        Common::Screen => {}
    }
    match top {
        Overlay::Confirm { app: ai, what, .. } => {
            let (ai, what) = (*ai, what.clone());
            match action {
                Action::Yes => {
                    app.overlays.pop();
                    match what {
                        Confirmed::Submit => app.do_submit(ai),
                        Confirmed::Conflict(reason) => app.set_conflict(ai, reason, false),
                        Confirmed::Withdraw(reason) => app.set_conflict(ai, reason, true),
                    }
                }
                Action::No | Action::Back => {
                    app.overlays.pop();
                    app.info(what.declined(app.lang));
                }
                _ => {}
            }
        }
        Overlay::Editor { .. } => match action {
            Action::Back => {
                let Some(Overlay::Editor { kind, buf, .. }) = app.overlays.pop() else {
                    return;
                };
                let t = app.lang.t();
                let boxed = match &kind {
                    EditKind::Comment { app: ai, item } => Some((*ai, item.clone())),
                    EditKind::Opinion { app: ai, .. } => Some((*ai, OPINION_ITEM.to_string())),
                    _ => None,
                };
                if let Some((ai, item)) = boxed {
                    if app.keep_draft(ai, &item, &buf.text()) {
                        let key = if item == OPINION_ITEM { "w" } else { "c" };
                        app.info(app.lang.draft_kept(key));
                        return;
                    }
                }
                match kind {
                    EditKind::Reason { .. } => app.info(t.override_cancelled),
                    EditKind::Search => {}
                    EditKind::Filter | EditKind::Find => {
                        app.info(app.lang.filter_kept(app.list.filter()))
                    }
                    _ => app.info(if app.lang.is_zh() {
                        "已取消，未保存"
                    } else {
                        "cancelled; not saved"
                    }),
                }
            }
            Action::Confirm => editor_confirm(app),
            _ => {}
        },
        Overlay::Help { .. } | Overlay::Message { .. } => {}
    }
}

fn editor_confirm(app: &mut App) {
    let Some(Overlay::Editor { kind, buf, .. }) = app.overlays.last().cloned() else {
        return;
    };
    let text = buf.text().trim().to_string();
    let expert = app.expert.clone();
    match kind {
        EditKind::Reason {
            app: ai,
            item,
            value,
        } => {
            if text.is_empty() {
                app.refuse(app.lang.t().reason_required);
                return;
            }
            app.overlays.pop();
            if app.set_score(ai, &item, value, Some(text)) {
                app.after_entry_saved();
            }
        }
        EditKind::Comment { app: ai, item } => {
            app.overlays.pop();
            let code = app.apps[ai].input.code.clone();
            let removed = text.is_empty();
            let op = Op::SetComment {
                expert,
                app: code.clone(),
                item: item.clone(),
                text,
            };
            if app.commit(ai, vec![op]) {
                app.drop_draft(ai, &item);
                app.saved(app.lang.comment_saved(&code, &item, removed));
            }
        }
        EditKind::Opinion { app: ai, .. } => {
            app.overlays.pop();
            let code = app.apps[ai].input.code.clone();
            let chars = OpinionSpec::count(&text);
            let op = Op::SetComment {
                expert,
                app: code.clone(),
                item: OPINION_ITEM.to_string(),
                text,
            };
            if app.commit(ai, vec![op]) {
                app.drop_draft(ai, OPINION_ITEM);
                let (title, title_en) = app
                    .rubric
                    .opinion
                    .as_ref()
                    .map(|o| (o.title.clone(), o.title_en.clone()))
                    .unwrap_or_default();
                let min = app.rubric.opinion.as_ref().map_or(0, |o| o.min_chars);
                let msg = if chars > 0 && app.opinion_problem(ai).is_some() {
                    // the shortfall is the message: it comes first, and fits 80 columns
                    app.lang.opinion_saved_short(&code, chars, min.max(1))
                } else {
                    let mut msg = app.lang.opinion_saved(&code, &title, &title_en, chars);
                    if let Some(p) = app.opinion_problem(ai) {
                        msg.push_str(" · ");
                        msg.push_str(&p);
                    }
                    msg
                };
                app.saved(msg);
            }
        }
        EditKind::Conflict { app: ai, withdraw } => {
            if text.is_empty() {
                app.refuse(app.lang.t().reason_required);
                return;
            }
            app.overlays.pop();
            let code = app.apps[ai].input.code.clone();
            let (what, lines) = if withdraw {
                (
                    Confirmed::Withdraw(text.clone()),
                    app.lang.confirm_withdraw(&code, &text),
                )
            } else {
                (
                    Confirmed::Conflict(text.clone()),
                    app.lang.confirm_conflict(&code, &text),
                )
            };
            let _ = expert;
            app.overlays.push(Overlay::Confirm {
                app: ai,
                what,
                lines,
            });
        }
        EditKind::Reopen { .. } => {
            app.overlays.pop();
        }
        EditKind::Find | EditKind::Filter => {
            app.overlays.pop();
            app.list.set_filter((!text.is_empty()).then_some(text));
            app.refresh_order();
            app.focus = Pane::Apps;
            let zh = app.lang.is_zh();
            match (app.list.filter(), app.list.order().len()) {
                (None, _) => app.info(if zh {
                    "已清除筛选"
                } else {
                    "filter cleared"
                }),
                (Some(q), 0) => app.refuse(if zh {
                    format!("没有项目符合“{q}”；Esc 清除筛选")
                } else {
                    format!("no application matches “{q}”; Esc clears the filter")
                }),
                (Some(q), n) => app.info(if zh {
                    format!("筛选“{q}”：{n} 个项目；Esc 清除")
                } else {
                    format!("filter “{q}”: {n} application(s); Esc clears it")
                }),
            }
            app.ensure_visible();
        }
        EditKind::Search => {
            app.overlays.pop();
            app.ev.forget_hit();
            if text.is_empty() {
                app.ev.set_search(None);
                return;
            }
            app.ev.set_search(Some(buf.text()));
            if app.focus == Pane::Apps {
                app.focus = Pane::Tree;
            }
            app.search_step(true);
        }
    }
}

/// A key while the score entry is open: the entry takes every key.
fn entry_update(app: &mut App, action: Action) {
    match app.entry.handle(action) {
        Some(entry::Outcome::Commit) => app.commit_entry(),
        Some(entry::Outcome::Cancelled) => app.info(app.lang.t().entry_cancelled),
        Some(entry::Outcome::Help) => app.overlays.push(Overlay::Help { scroll: 0 }),
        Some(entry::Outcome::Pending) => app.info(app.lang.t().entry_pending),
        Some(entry::Outcome::SecondDot) => app.refuse(app.lang.t().second_dot),
        Some(entry::Outcome::Full) => app.refuse(app.lang.t().entry_full),
        None => {}
    }
}

/// A key with no overlay and no entry open: the focused pane's component has it first (its
/// own keys: moving, paging, Esc…); what it leaves goes to the keys shared by every pane.
fn main_update(app: &mut App, action: Action) {
    match app.focus {
        Pane::Apps => {
            if let Some(out) = app.list.handle(action) {
                app.list_outcome(out);
                return;
            }
        }
        Pane::Tree => {
            if let Some(out) = app.tree.handle(action) {
                app.tree_outcome(out);
                return;
            }
        }
        Pane::Evidence => {
            if let Some(out) = app.ev.handle(action) {
                app.evidence_outcome(out);
                return;
            }
        }
    }
    shared_update(app, action);
}

/// The keys that mean the same in every pane: quitting, help, focus, mouse, and the commands
/// on the application and the item on screen.
fn shared_update(app: &mut App, action: Action) {
    let focus = app.focus;
    match action {
        Action::Quit => app.quit_or_warn(),
        Action::Help => app.overlays.push(Overlay::Help { scroll: 0 }),
        Action::NextPane => {
            app.focus = match focus {
                Pane::Apps => Pane::Tree,
                Pane::Tree => Pane::Evidence,
                Pane::Evidence => Pane::Apps,
            }
        }
        Action::PrevPane => {
            app.focus = match focus {
                Pane::Apps => Pane::Evidence,
                Pane::Tree => Pane::Apps,
                Pane::Evidence => Pane::Tree,
            }
        }
        Action::Type(c) => {
            if app.cur().is_none() || app.sel_item().is_none() || app.locked() {
                return;
            }
            app.entry.start(c);
        }
        Action::Edit => {
            if app.cur().is_none() || app.locked() {
                return;
            }
            let ai = app.list.sel();
            let Some(id) = app.sel_item().map(|i| i.id.clone()) else {
                return;
            };
            let cur = app.apps[ai].sheet.values.get(&id).map(|(v, _)| show(*v));
            let cur = cur.or_else(|| app.suggestion(ai, &id).map(show));
            app.entry.edit(cur);
        }
        Action::Reset => {
            if app.cur().is_none() || app.locked() {
                return;
            }
            let ai = app.list.sel();
            let Some(id) = app.sel_item().map(|i| i.id.clone()) else {
                return;
            };
            if !app.apps[ai].sheet.values.contains_key(&id) {
                app.info(app.lang.t().nothing_to_clear);
                return;
            }
            let code = app.apps[ai].input.code.clone();
            let before = app.apps[ai].sheet.values.get(&id).cloned();
            let op = Op::ClearScore {
                expert: app.expert.clone(),
                app: code.clone(),
                item: id.clone(),
            };
            if app.commit(ai, vec![op]) {
                app.undo.push((ai, id.clone(), before));
                let s = app.suggestion(ai, &id);
                app.saved(app.lang.cleared(&code, &id, s));
            }
        }
        Action::Comment => app.ask_comment(false),
        Action::Opinion => {
            if app.cur().is_none() || app.locked() {
                return;
            }
            let ai = app.list.sel();
            let code = app.apps[ai].input.code.clone();
            let Some(spec) = app.rubric.opinion.clone() else {
                app.refuse(if app.lang.is_zh() {
                    "该评分标准不要求专家评审意见；按 c 写评语"
                } else {
                    "this rubric asks for no written opinion; c writes a comment"
                });
                return;
            };
            let old = app.draft_or_saved(ai, OPINION_ITEM);
            let min = if spec.required {
                spec.min_chars.max(1)
            } else {
                0
            };
            app.overlays.push(Overlay::Editor {
                prompt: app
                    .lang
                    .opinion_prompt(&code, &spec.title, &spec.title_en, min),
                kind: EditKind::Opinion {
                    app: ai,
                    title: app.pick(&spec.title, &spec.title_en).to_string(),
                },
                buf: TextBox::multi(&old),
            });
        }
        Action::Conflict => {
            if app.cur().is_none() {
                return;
            }
            let ai = app.list.sel();
            let code = app.apps[ai].input.code.clone();
            // a declared conflict can be withdrawn until the application is submitted
            let withdraw = app.apps[ai].sheet.status == Some(AppStatus::Conflict);
            if !withdraw && app.locked() {
                return;
            }
            app.overlays.push(Overlay::Editor {
                prompt: if withdraw {
                    app.lang.withdraw_prompt(&code)
                } else {
                    app.lang.conflict_prompt(&code)
                },
                kind: EditKind::Conflict { app: ai, withdraw },
                buf: TextBox::multi(""),
            });
        }
        Action::Submit => {
            if app.cur().is_none() || app.locked() {
                return;
            }
            app.start_submit();
        }
        Action::Search => {
            app.overlays.push(Overlay::Editor {
                prompt: app.lang.t().search.to_string(),
                kind: EditKind::Search,
                buf: TextBox::single(app.ev.search().unwrap_or_default()),
            });
        }
        Action::NextTodo | Action::PrevTodo => {
            let forward = action == Action::NextTodo;
            if app.ev.search().is_some() && focus != Pane::Apps {
                app.search_step(forward);
            } else if app.cur().is_some() && !app.goto_todo(forward) {
                app.info(if app.lang.is_zh() {
                    "该项目各项均已评分或确认"
                } else {
                    "nothing left to score or confirm in this application"
                });
            }
        }
        Action::Undo => {
            if app.cur().is_none() || app.locked() {
                return;
            }
            app.undo_last();
        }
        Action::Click { col, row } => app.click(col, row),
        Action::Scroll { col, row, down } => app.wheel(col, row, down),
        Action::SwitchView => {
            if app.can_switch {
                app.switch_requested = true;
            }
        }
        // the panes' own keys: the focused component had them (see `main_update`)
        Action::Up
        | Action::Down
        | Action::Top
        | Action::Bottom
        | Action::PageUp
        | Action::PageDown
        | Action::EvidencePageUp
        | Action::EvidencePageDown
        | Action::DigitInList
        | Action::Back
        | Action::Open
        | Action::Find
        | Action::Sort
        | Action::SearchNext
        | Action::SearchPrev => {}
        // keys of the overlays, the entry and the chair screen
        Action::Confirm
        | Action::Backspace
        | Action::Yes
        | Action::No
        | Action::Char(_)
        | Action::EditKey(_)
        | Action::ForceQuit
        | Action::Resize { .. }
        | Action::Left
        | Action::Right
        | Action::Drill
        | Action::NextView
        | Action::PrevView
        | Action::NextApp
        | Action::PrevApp
        | Action::CycleMethod
        | Action::ToggleBy
        | Action::Reopen
        | Action::Export
        | Action::ToggleWatch => {}
    }
}
