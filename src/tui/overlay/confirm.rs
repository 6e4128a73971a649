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

    /// The popup's keys, naming what yes does (submit, declare the conflict, withdraw it).
    pub fn yes_no(&self, lang: Lang) -> &'static str {
        let keys = &lang.t().yes_no;
        match self {
            Confirmed::Submit => keys[0],
            Confirmed::Conflict(_) => keys[1],
            Confirmed::Withdraw(_) => keys[2],
        }
    }

    /// What yes does, for the key bar (the popup's keys name it too).
    pub fn yes_label(&self, lang: Lang) -> &'static str {
        match (self, lang.is_zh()) {
            (Confirmed::Submit, true) => "提交",
            (Confirmed::Submit, false) => "submit",
            (Confirmed::Conflict(_), true) => "声明回避",
            (Confirmed::Conflict(_), false) => "declare the conflict",
            (Confirmed::Withdraw(_), true) => "撤回回避",
            (Confirmed::Withdraw(_), false) => "withdraw the declaration",
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
        (what.yes_no(lang), th.heading()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yes_key_says_what_it_does() {
        let conflict = Confirmed::Conflict("r".into());
        let withdraw = Confirmed::Withdraw("r".into());
        assert!(Confirmed::Submit
            .yes_no(Lang::En)
            .contains("[y/Enter] submit"));
        assert!(conflict
            .yes_no(Lang::En)
            .contains("[y/Enter] declare the conflict"));
        assert!(withdraw.yes_no(Lang::En).contains("[y/Enter] withdraw"));
        assert!(Confirmed::Submit
            .yes_no(Lang::Zh)
            .contains("[y/Enter] 提交"));
        assert!(conflict.yes_no(Lang::Zh).contains("[y/Enter] 声明回避"));
        assert!(withdraw.yes_no(Lang::Zh).contains("[y/Enter] 撤回"));
        for what in [conflict, withdraw] {
            assert!(!what.yes_no(Lang::En).contains("submit"));
            assert!(!what.yes_no(Lang::Zh).contains("提交"));
        }
    }
}
