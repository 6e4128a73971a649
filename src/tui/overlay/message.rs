//! The message popup: a title and lines (a refusal, an error, what the chair reopened), closed
//! by any key but the wheel.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::Common;
use crate::tui::action::Action;
use crate::tui::draw::{centered, clear, pane_block, set, Theme};
use crate::tui::i18n::Lang;
use crate::tui::text::wrap;

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
    let t = lang.t();
    let w = 70u16.min(area.width.saturating_sub(4));
    let mut body: Vec<String> = Vec::new();
    for l in lines {
        body.extend(wrap(l, (w - 4) as usize));
    }
    body.push(String::new());
    body.push(t.any_key.to_string());
    let r = centered(area, w, body.len() as u16 + 2);
    clear(r, buf);
    let block = pane_block(title.to_string(), true, th);
    let inner = block.inner(r);
    block.render(r, buf);
    for (k, l) in body.iter().take(inner.height as usize).enumerate() {
        let style = if k + 1 == body.len() {
            th.dim()
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
