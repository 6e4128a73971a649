//! The message popup: a title and lines (a refusal, an error, what the chair reopened), closed
//! by any key but the wheel.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Common;
use crate::tui::action::Action;
use crate::tui::draw::{popup, Theme};
use crate::tui::i18n::Lang;

/// A key on a message: any key but the wheel closes it.
pub(super) fn handle(action: Action) -> Common {
    match action {
        Action::Scroll { .. } => Common::Done,
        _ => Common::Close,
    }
}

/// Draw the message `title` with its `lines` (wrapped) and the any-key hint over `area`.
pub(super) fn draw(
    title: &str,
    lines: &[String],
    lang: Lang,
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
) {
    let w = 70u16.min(area.width.saturating_sub(4));
    popup(
        area,
        buf,
        th,
        w,
        title.to_string(),
        lines,
        (lang.t().any_key, th.dim()),
    );
}
