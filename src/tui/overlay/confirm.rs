//! The confirmation popup (y/n): what is confirmed, its lines, and its texts (the title, the
//! note when it is declined). The screen carries out the answer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::Common;
use crate::tui::draw::{centered, clear, pane_block, set, Theme};
use crate::tui::i18n::Lang;
use crate::tui::text::wrap;

/// What a confirmation overlay confirms.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    Submit,
    /// Declaring a conflict of interest, with its reason.
    Conflict(String),
    /// Withdrawing a declared conflict, with the reason for withdrawing.
    Withdraw(String),
}

impl Confirmed {
    /// The popup's title.
    pub fn title(&self, lang: Lang) -> &'static str {
        match (self, lang.is_zh()) {
            (Confirmed::Submit, true) => "确认提交",
            (Confirmed::Submit, false) => "Confirm submit",
            (Confirmed::Conflict(_), true) => "确认声明回避",
            (Confirmed::Conflict(_), false) => "Confirm conflict of interest",
            (Confirmed::Withdraw(_), true) => "确认撤回回避",
            (Confirmed::Withdraw(_), false) => "Confirm withdrawal",
        }
    }

    /// The status-line note when the answer is no.
    pub fn declined(&self, lang: Lang) -> &'static str {
        match (self, lang.is_zh()) {
            (Confirmed::Submit, true) => "未提交",
            (Confirmed::Submit, false) => "not submitted",
            (Confirmed::Conflict(_), true) => "未声明回避，未保存",
            (Confirmed::Conflict(_), false) => "no conflict declared; nothing saved",
            (Confirmed::Withdraw(_), true) => "回避声明未撤回",
            (Confirmed::Withdraw(_), false) => "the conflict stays declared",
        }
    }
}

/// A key on a confirmation: the screen decides (yes, no, cancel).
pub(super) fn handle() -> Common {
    Common::Screen
}

/// Draw the confirmation of `what` with its `lines` (wrapped) and the y/n hint over `area`.
pub(super) fn draw(
    what: &Confirmed,
    lines: &[String],
    lang: Lang,
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
) {
    let t = lang.t();
    let w = 64u16;
    let mut body: Vec<String> = Vec::new();
    for l in lines {
        body.extend(wrap(l, (w - 4) as usize));
    }
    body.push(String::new());
    body.push(t.yes_no.to_string());
    let r = centered(area, w, body.len() as u16 + 2);
    clear(r, buf);
    let block = pane_block(what.title(lang).into(), true, th);
    let inner = block.inner(r);
    block.render(r, buf);
    for (k, l) in body.iter().take(inner.height as usize).enumerate() {
        let style = if k + 1 == body.len() {
            th.heading()
        } else {
            Style::new()
        };
        set(
            buf,
            inner.x + 1,
            inner.y + k as u16,
            l,
            inner.width.saturating_sub(1),
            style,
        );
    }
}
