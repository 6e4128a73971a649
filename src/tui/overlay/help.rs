//! The help popup: every context's keys and the legend (the lines come from the screen that
//! opened it), scrolled; its keys scroll it and close it. It fills the rows between the
//! title bar and the key bar (96 columns at most), its bottom border tells how many lines are
//! hidden above and below (`▲3 ▼12 · 4–21/64`, as the panes do), and the key bar names its
//! scroll keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::Common;
use crate::tui::action::Action;
use crate::tui::draw::{clear, more_hint, pane_block, set, Theme};
use crate::tui::i18n::Lang;
use crate::tui::keys::{self, Context, Keymap};

/// The widest the help gets.
const MAX_W: u16 = 96;

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

/// Where the help goes over `area` (the whole screen): the rows between the title bar and the
/// key bar, the full width up to [`MAX_W`] columns, centred. A narrower help keeps a blank
/// column on each side (cleared by [`draw`]), so its border never stands next to a pane's.
pub(crate) fn rect(area: Rect) -> Rect {
    let h = area.height.saturating_sub(2);
    let w = if area.width >= MAX_W + 2 {
        MAX_W
    } else {
        area.width
    };
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + area.height.min(1),
        w,
        h,
    )
}

/// The furthest the help scrolls on a screen of `size` (width, height), `help` giving its
/// lines for a width: the screens keep the scroll within it after each key, so that `k`
/// scrolls back at once after `G` or a long `PgDn`.
pub(crate) fn max_scroll(size: (u16, u16), help: &dyn Fn(usize) -> Vec<(String, bool)>) -> usize {
    let r = rect(Rect::new(0, 0, size.0, size.1));
    let n = help(r.width.saturating_sub(2) as usize).len();
    n.saturating_sub(r.height.saturating_sub(2) as usize)
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
    let r = rect(area);
    if r.width < 3 || r.height < 3 {
        return;
    }
    let lines = help(r.width.saturating_sub(2) as usize);
    // the blank margin beside a help narrower than the screen
    let margin = Rect::new(
        r.x.saturating_sub(1).max(area.x),
        r.y,
        (r.width + 2).min(area.right() - r.x.saturating_sub(1).max(area.x)),
        r.height,
    );
    clear(margin, buf);
    let mut block = pane_block(format!("{} · ? / Esc", t.help), true, th);
    let h = block.inner(r).height as usize;
    let max = lines.len().saturating_sub(h);
    let s = scroll.min(max);
    if let Some(more) = more_hint(s, h, lines.len()) {
        let shown_to = (s + h).min(lines.len());
        let pos = format!(
            "{} · {}–{}/{} ",
            more.trim_end(),
            s + 1,
            shown_to,
            lines.len()
        );
        block = block.title_bottom(Line::from(pos).right_aligned());
    }
    let inner = block.inner(r);
    block.render(r, buf);
    for (k, (l, head)) in lines.iter().skip(s).take(h).enumerate() {
        let style = if *head { th.heading() } else { Style::new() };
        set(buf, inner.x, inner.y + k as u16, l, inner.width, style);
    }
}

/// The help's scroll keys for the key bar, from the key map (`j/k scroll`, `PgDn/PgUp page`).
pub(crate) fn bar_items(
    keymap: &Keymap,
    lang: Lang,
) -> Vec<(String, &'static str, Option<Action>)> {
    let [line, page] = lang.t().help_scroll;
    let mut out = Vec::new();
    for (down, up, label) in [
        (Action::Down, Action::Up, line),
        (Action::PageDown, Action::PageUp, page),
    ] {
        let ks: Vec<&str> = [down, up]
            .iter()
            .filter_map(|a| keymap.keys_for(Context::Help, *a).first().copied())
            .collect();
        if !ks.is_empty() {
            out.push((keys::show_keys(&ks), label, Some(down)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::draw::buffer_text;

    fn lines(n: usize) -> Vec<(String, bool)> {
        (1..=n).map(|i| (format!("line {i}"), i == 1)).collect()
    }

    fn shown(scroll: usize, w: u16, h: u16, n: usize) -> String {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        // a pane under the help, its border one column in from the edges
        pane_block("pane".into(), true, Theme { color: false }).render(area, &mut buf);
        draw(
            scroll,
            Lang::En,
            area,
            &mut buf,
            Theme { color: false },
            &|_| lines(n),
        );
        buffer_text(&buf)
    }

    #[test]
    fn the_help_has_one_border_and_says_what_is_hidden() {
        // 80×24: the full width between the title bar and the key bar; one border
        let s = shown(0, 80, 24, 64);
        let rows: Vec<&str> = s.lines().collect();
        assert!(rows[1].starts_with("┏[ Help · ? / Esc ]━"), "{s}");
        assert!(rows[1].ends_with('┓') && !rows[1].contains("┓┐"), "{s}");
        assert!(
            rows.iter().all(|r| !r.contains("┏┏") && !r.contains("┃┃")),
            "{s}"
        );
        // 20 rows shown of 64: 44 below, the position
        assert!(rows[22].contains("▼44 · 1–20/64"), "{}", rows[22]);
        assert!(rows[2].contains("line 1"), "{s}");
        // scrolled: lines hidden above and below
        let s = shown(10, 80, 24, 64);
        let rows: Vec<&str> = s.lines().collect();
        assert!(rows[2].contains("line 11"), "{s}");
        assert!(rows[22].contains("▲10 ▼34 · 11–30/64"), "{}", rows[22]);
        // at the end (G): nothing below; the scroll is kept in range
        let s = shown(usize::MAX / 2, 80, 24, 64);
        assert!(s.lines().nth(22).unwrap().contains("▲44 · 45–64/64"), "{s}");
        // everything shown: no hint
        let s = shown(0, 80, 24, 5);
        assert!(!s.contains('▼') && !s.contains('▲'), "{s}");
        // wider than the help: a blank column beside its border, never a pane's border
        for w in [97, 98, 120] {
            let s = shown(0, w, 30, 64);
            for row in s.lines().skip(1).take(28) {
                assert!(
                    !row.contains("┃┃") && !row.contains("┏┏") && !row.contains("┓┓"),
                    "{w}: {row}"
                );
            }
        }
    }

    #[test]
    fn the_bar_names_the_scroll_keys() {
        let km = Keymap::default_map();
        let items = bar_items(&km, Lang::En);
        let shown: Vec<(&str, &str)> = items.iter().map(|(k, l, _)| (k.as_str(), *l)).collect();
        assert_eq!(shown, [("j/k", "scroll"), ("PgDn/PgUp", "page")]);
        assert_eq!(bar_items(&km, Lang::Zh)[0].1, "滚动");
    }
}
