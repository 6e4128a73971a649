//! The editor popup: a prompt and a text box (one line, or several) for what `kind` edits —
//! a reason, a comment, the opinion, a search, a filter. Its keys edit the text; Enter and
//! Esc are the screen's, which decides what the text does.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;
use rust_decimal::Decimal;

use super::Common;
use crate::tui::action::Action;
use crate::tui::draw::{centered, clear, pane_block, set, Theme};
use crate::tui::i18n::Lang;
use crate::tui::text::wrap;
use crate::tui::textbox::TextBox;

/// What an editor overlay edits.
#[derive(Debug, Clone, PartialEq)]
pub enum EditKind {
    /// The reason for overriding a rule suggestion with `value`.
    Reason {
        app: usize,
        item: String,
        value: Decimal,
    },
    /// A comment on an item (`""`: the application).
    Comment { app: usize, item: String },
    /// The written opinion on the application; `title` is the rubric's (专家评审意见).
    Opinion { app: usize, title: String },
    /// The reason for declaring a conflict of interest (`withdraw`: for withdrawing one).
    Conflict { app: usize, withdraw: bool },
    /// The evidence search.
    Search,
    /// The chair's reason for reopening `app` for `expert` (chair screen).
    Reopen { expert: String, app: String },
    /// Find an application by code or title (chair screen).
    Find,
    /// Filter the application list by code, title or status (expert screen).
    Filter,
}

impl EditKind {
    /// The editor's title.
    pub fn title(&self, lang: Lang) -> String {
        let zh = lang.is_zh();
        let t = lang.t();
        match self {
            EditKind::Reason { .. } => {
                if zh {
                    "改动理由".into()
                } else {
                    "Override reason".into()
                }
            }
            EditKind::Comment { item, .. } if item.is_empty() => t.app_comment.into(),
            EditKind::Comment { .. } => t.comment.into(),
            EditKind::Opinion { title, .. } => title.clone(),
            EditKind::Conflict {
                withdraw: false, ..
            } => {
                if zh {
                    "声明回避".into()
                } else {
                    "Conflict of interest".into()
                }
            }
            EditKind::Conflict { withdraw: true, .. } => {
                if zh {
                    "撤回回避".into()
                } else {
                    "Withdraw conflict".into()
                }
            }
            EditKind::Search => t.search.into(),
            EditKind::Reopen { .. } => {
                if zh {
                    "退回重评".into()
                } else {
                    "Reopen for the expert".into()
                }
            }
            EditKind::Find => {
                if zh {
                    "查找项目".into()
                } else {
                    "Find an application".into()
                }
            }
            EditKind::Filter => {
                if zh {
                    "筛选项目".into()
                } else {
                    "Filter applications".into()
                }
            }
        }
    }

    /// What Enter and Esc do in this editor, as the box's key line and the key bar both name
    /// them: `(enter, esc)`. Esc keeps the text of a comment, an opinion or a reopen reason
    /// for the next time the box opens; elsewhere it drops it.
    pub fn key_labels(&self, lang: Lang) -> (&'static str, &'static str) {
        let (zh, en) = match self {
            EditKind::Reason { .. } => (("保存", "放弃改动"), ("save", "drop the change")),
            EditKind::Comment { .. } | EditKind::Opinion { .. } => {
                (("保存", "关闭，留作草稿"), ("save", "close, keep draft"))
            }
            EditKind::Conflict { .. } => (("下一步", "取消"), ("next", "cancel")),
            EditKind::Search => (("搜索", "取消"), ("search", "cancel")),
            EditKind::Reopen { .. } => {
                (("退回", "关闭，保留理由"), ("reopen", "close, keep reason"))
            }
            EditKind::Find => (("查找", "取消"), ("find", "cancel")),
            EditKind::Filter => (("应用筛选", "取消"), ("apply filter", "cancel")),
        };
        if lang.is_zh() {
            zh
        } else {
            en
        }
    }

    /// The key line under the box: Enter and Esc as [`EditKind::key_labels`] names them,
    /// then the editing keys.
    pub fn keys_line(&self, lang: Lang, multiline: bool) -> String {
        let (enter, esc) = self.key_labels(lang);
        let rest = match (lang.is_zh(), multiline) {
            (true, false) => "Backspace 删除",
            (true, true) => "Alt-Enter 换行",
            (false, false) => "Backspace deletes",
            (false, true) => "Alt-Enter new line",
        };
        format!("Enter {enter}   Esc {esc}   {rest}")
    }
}

/// A key in the editor: typing and editing keys go to its text box; the rest (Enter, Esc)
/// are the screen's.
pub(super) fn handle(text: &mut TextBox, action: Action) -> Common {
    match action {
        Action::Char(c) => text.type_char(c),
        Action::EditKey(ev) => {
            text.key(ev);
        }
        Action::Backspace => text.backspace(),
        _ => return Common::Screen,
    }
    Common::Done
}

/// Where an editor overlay goes.
pub(crate) struct EditorGeometry {
    pub(crate) rect: Rect,
    pub(crate) prompt: Vec<String>,
    /// The text box: one row, or up to six for a multi-line box on a tall enough screen.
    pub(crate) field: Rect,
}

pub(crate) fn editor_geometry(prompt: &str, text: &TextBox, area: Rect) -> EditorGeometry {
    let w = 70u16.min(area.width.saturating_sub(4));
    let iw = w.saturating_sub(4) as usize;
    let prompt_lines = wrap(prompt, iw);
    // prompt, a blank, the box, a blank, the keys, and the borders
    let room = area
        .height
        .saturating_sub(prompt_lines.len() as u16 + 6)
        .max(1);
    let rows = if text.is_multiline() { room.min(6) } else { 1 };
    let h = prompt_lines.len() as u16 + 5 + rows;
    let rect = centered(area, w, h);
    let field = Rect::new(
        rect.x + 2,
        rect.y + 1 + prompt_lines.len() as u16 + 1,
        iw as u16,
        rows,
    );
    EditorGeometry {
        rect,
        prompt: prompt_lines,
        field,
    }
}

/// Where the terminal cursor goes in an editor over `area`: at the end of its text, where
/// input methods (e.g. Chinese IMEs) show their candidate window.
pub(super) fn cursor(prompt: &str, text: &TextBox, area: Rect) -> (u16, u16) {
    let g = editor_geometry(prompt, text, area);
    text.cursor_in(g.field)
}

/// Draw the editor of `kind` with its `prompt` and `text` over `area`.
pub(super) fn draw(
    kind: &EditKind,
    prompt: &str,
    text: &TextBox,
    lang: Lang,
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
) {
    let g = editor_geometry(prompt, text, area);
    clear(g.rect, buf);
    let block = pane_block(kind.title(lang), true, th);
    block.render(g.rect, buf);
    for (k, l) in g.prompt.iter().enumerate() {
        set(
            buf,
            g.field.x,
            g.rect.y + 1 + k as u16,
            l,
            g.field.width,
            Style::new(),
        );
    }
    text.render(g.field, buf, th.selected(false));
    let keys = kind.keys_line(lang, text.is_multiline());
    set(
        buf,
        g.field.x,
        g.field.bottom() + 1,
        &keys,
        g.field.width,
        th.dim(),
    );
}
