//! Drawing helpers shared by both screens, their components and the overlays: the theme
//! (with or without colour), a pane's block, the "more" hint, text cells, the key bar,
//! centred boxes and clearing under them, and a buffer as text.
//!
//! Meaning is never carried by colour alone: marks (○ ● ✓ ✗ ⚠ R ✎ ✍), brackets around the
//! focused pane's title, ▶ beside the selected row as well as reverse video, ▲ ▼ for rows
//! hidden above and below. Under `NO_COLOR` no colour is used at all.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};

use super::action::Action;
use super::text::width;

/// A buffer as text, one line per row, wide characters once, trailing
/// spaces trimmed (for snapshots and text captures).
pub fn buffer_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in buf.area.y..buf.area.bottom() {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in buf.area.x..buf.area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Styles, with or without colour.
#[derive(Clone, Copy)]
pub(crate) struct Theme {
    pub(crate) color: bool,
}

impl Theme {
    pub(crate) fn pick(self, color: Style, mono: Style) -> Style {
        if self.color {
            color
        } else {
            mono
        }
    }
    pub(crate) fn title_bar(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }
    pub(crate) fn border(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, true) => Style::new().fg(Color::DarkGray),
            (false, false) => Style::new(),
        }
    }
    pub(crate) fn selected(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            (true, false) => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            (false, true) => Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD),
            (false, false) => Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
        }
    }
    pub(crate) fn heading(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    pub(crate) fn warn(self) -> Style {
        self.pick(
            Style::new().fg(Color::LightRed),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    pub(crate) fn saved(self) -> Style {
        self.pick(
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    pub(crate) fn error(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        )
    }
    pub(crate) fn dim(self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }
    pub(crate) fn fact(self) -> Style {
        self.pick(Style::new().fg(Color::Cyan), Style::new())
    }
    pub(crate) fn hit(self, current: bool) -> Style {
        match (current, self.color) {
            (true, true) => Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            (false, true) => Style::new().fg(Color::Black).bg(Color::LightYellow),
            (true, false) => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            (false, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }
    pub(crate) fn key(self) -> Style {
        self.pick(
            Style::new().fg(Color::Black).bg(Color::Gray),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }
}

/// A pane's block: bold brackets around the focused pane's title.
pub(crate) fn pane_block<'a>(title: String, focused: bool, th: Theme) -> Block<'a> {
    let t = if focused {
        format!("[ {title} ]")
    } else {
        format!("  {title}  ")
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(th.border(focused))
        .title(Span::styled(t, th.border(focused)))
}

/// The "more" hint of a scrolled pane's bottom border: `▲3 ▼12` (rows hidden above and
/// below), or nothing when every row is shown.
pub fn more_hint(first: usize, shown: usize, total: usize) -> Option<String> {
    let above = first.min(total);
    let below = total.saturating_sub(first + shown);
    if above == 0 && below == 0 {
        return None;
    }
    let mut parts = Vec::new();
    if above > 0 {
        parts.push(format!("▲{above}"));
    }
    if below > 0 {
        parts.push(format!("▼{below}"));
    }
    Some(format!(" {} ", parts.join(" ")))
}

pub(crate) fn set(buf: &mut Buffer, x: u16, y: u16, s: &str, w: u16, style: Style) {
    crate::tui::text::set_text(buf, x, y, s, w as usize, style);
}

/// Draw a bottom bar: key cells filling from the left; switch view, next pane or view,
/// quit and help keep their place at the right end.
pub(crate) fn draw_bar(
    items: Vec<(String, &'static str, Option<Action>)>,
    r: Rect,
    buf: &mut Buffer,
    th: Theme,
) {
    // help and quit keep their place at the right end; the rest fill from the left
    let (mut right, left): (Vec<_>, Vec<_>) = items.into_iter().partition(|(_, _, a)| {
        matches!(
            a,
            Some(Action::NextPane)
                | Some(Action::NextView)
                | Some(Action::SwitchView)
                | Some(Action::Help)
                | Some(Action::Quit)
        )
    });
    let rank = |a: &Option<Action>| match a {
        Some(Action::SwitchView) => 0,
        Some(Action::NextPane) | Some(Action::NextView) => 1,
        Some(Action::Quit) => 2,
        _ => 3,
    };
    right.sort_by_key(|(_, _, a)| rank(a));
    let cell = |k: &str, label: &str| (width(k) + width(label) + 3) as u16;
    let right_w: u16 = right.iter().map(|(k, l, _)| cell(k, l)).sum();
    let mut x = r.x;
    let end = r.x + r.width;
    let left_end = end.saturating_sub(right_w);
    let mut put = |x: &mut u16, k: &str, label: &str, limit: u16| -> bool {
        let need = cell(k, label);
        if *x + need > limit {
            return false;
        }
        if !k.is_empty() {
            set(buf, *x, r.y, &format!(" {k} "), need, th.key());
            *x += width(k) as u16 + 2;
        } else {
            *x += 1;
        }
        set(buf, *x, r.y, &format!("{label} "), limit - *x, Style::new());
        *x += width(label) as u16 + 1;
        true
    };
    for (k, l, _) in &left {
        if !put(&mut x, k, l, left_end) {
            break;
        }
    }
    let mut x = left_end.max(x);
    for (k, l, _) in &right {
        put(&mut x, k, l, end);
    }
}

pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2)).max(10.min(area.width));
    let h = h.min(area.height.saturating_sub(2)).max(3.min(area.height));
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Blank a wide character just left of `r` whose right half would lie under
/// the overlay (the terminal would otherwise draw half a glyph).
fn clear_wide_left_edge(r: Rect, buf: &mut Buffer) {
    if r.x == 0 {
        return;
    }
    for y in r.y..r.bottom() {
        let x = r.x - 1;
        if width(buf[(x, y)].symbol()) > 1 {
            buf[(x, y)].set_symbol(" ");
        }
    }
}

pub(crate) fn clear(r: Rect, buf: &mut Buffer) {
    clear_wide_left_edge(r, buf);
    Clear.render(r, buf);
    clear_wide_right_edge(r, buf);
}

/// Blank the right half of a wide character that started under the overlay's last
/// column (the overlay erased its left half; a lone right half would shift the row).
fn clear_wide_right_edge(r: Rect, buf: &mut Buffer) {
    let x = r.right();
    if x >= buf.area.right() {
        return;
    }
    for y in r.y..r.bottom() {
        if buf[(x, y)].symbol().is_empty() {
            buf[(x, y)].set_symbol(" ");
        }
    }
}

/// A popup `w` columns wide, centred in `area`: `title` on its frame, `lines` wrapped, a blank
/// line, then the footer (the keys that close it) in its style.
pub(crate) fn popup(
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
    w: u16,
    title: String,
    lines: &[String],
    (footer, footer_style): (&str, Style),
) {
    let mut body: Vec<String> = Vec::new();
    for l in lines {
        body.extend(crate::tui::text::wrap(l, (w - 4) as usize));
    }
    body.push(String::new());
    body.push(footer.to_string());
    let r = centered(area, w, body.len() as u16 + 2);
    clear(r, buf);
    let block = pane_block(title, true, th);
    let inner = block.inner(r);
    block.render(r, buf);
    for (k, l) in body.iter().take(inner.height as usize).enumerate() {
        let style = if k + 1 == body.len() {
            footer_style
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
