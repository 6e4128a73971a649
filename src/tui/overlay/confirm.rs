//! The confirmation popup (y/n): what is confirmed, its lines, and its texts (the title, the
//! note when it is declined). The screen carries out the answer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Common;
use crate::tui::draw::{popup, Theme};
use crate::tui::i18n::Lang;

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
    let title = what.title(lang).into();
    popup(
        area,
        buf,
        th,
        64,
        title,
        lines,
        (lang.t().yes_no, th.heading()),
    );
}
