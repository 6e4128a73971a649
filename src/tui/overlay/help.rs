//! The help popup: every context's keys and the legend (the lines come from the screen that
//! opened it), scrolled; its keys scroll it and close it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

use super::Common;
use crate::tui::action::Action;
use crate::tui::draw::{centered, clear, pane_block, set, Theme};
use crate::tui::i18n::Lang;

/// A key in the help at `scroll`: it scrolls, or closes the help.
pub(super) fn handle(scroll: &mut usize, action: Action) -> Common {
    match action {
        Action::Back | Action::Help | Action::Quit | Action::Click { .. } => return Common::Close,
        Action::Down => *scroll += 1,
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll += 10,
        Action::PageUp => *scroll = scroll.saturating_sub(10),
        Action::Top => *scroll = 0,
        Action::Bottom => *scroll = usize::MAX / 2,
        Action::Scroll { down, .. } => {
            *scroll = if down {
                *scroll + 3
            } else {
                scroll.saturating_sub(3)
            }
        }
        _ => {}
    }
    Common::Done
}

/// Draw the help scrolled to `scroll` (kept in range) over `area`; `help` gives its lines
/// for a width (`true` marks a heading).
pub(super) fn draw(
    scroll: usize,
    lang: Lang,
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
    help: &dyn Fn(usize) -> Vec<(String, bool)>,
) {
    let t = lang.t();
    let r = centered(area, 96, area.height.saturating_sub(2));
    let lines = help(r.width.saturating_sub(2) as usize);
    clear(r, buf);
    let block = pane_block(format!("{} · ? / Esc", t.help), true, th);
    let inner = block.inner(r);
    block.render(r, buf);
    let max = lines.len().saturating_sub(inner.height as usize);
    let s = scroll.min(max);
    for (k, (l, head)) in lines.iter().skip(s).take(inner.height as usize).enumerate() {
        let style = if *head { th.heading() } else { Style::new() };
        set(buf, inner.x, inner.y + k as u16, l, inner.width, style);
    }
}
