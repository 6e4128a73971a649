//! Views: widgets that only read the [`App`].
//!
//! Meaning is never carried by colour alone: marks (○ ● ✓ ✗ ⚠ R ✎),
//! brackets around the focused pane's title, reverse video for the
//! selection. Under `NO_COLOR` no colour is used at all.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};
use ratatui::Frame;

use super::action::Action;
use super::app::{total_str, App, Confirmed, EditKind, Level, Overlay, Progress};
use super::i18n::Lang;
use super::keys::{self, Context};
use super::layout;
use super::text::{pad_right, truncate, width, wrap};
use super::textbox::TextBox;
use crate::rubric::num::show;

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

/// Draw the whole screen. With an editor open, the terminal cursor sits at
/// the end of its text, where input methods (e.g. Chinese IMEs) show their
/// candidate window.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(Screen(app), area);
    if let Some(Overlay::Editor { prompt, buf, .. }) = app.overlays.last() {
        let p = layout::layout(area.width, area.height, app.focus);
        if !p.too_small {
            let g = editor_geometry(prompt, buf, area);
            frame.set_cursor_position(buf.cursor_in(g.field));
        }
    }
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

/// The whole expert screen as a widget.
pub struct Screen<'a>(pub &'a App);

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

impl Widget for Screen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let th = Theme { color: app.color };
        let p = layout::layout(area.width, area.height, app.focus);
        if p.too_small {
            let msg = app.lang.too_small(area.width, area.height);
            for (i, l) in wrap(&msg, area.width.max(1) as usize).iter().enumerate() {
                if (i as u16) < area.height {
                    set(buf, area.x, area.y + i as u16, l, area.width, Style::new());
                }
            }
            return;
        }
        title_bar(app, p.title, buf, th);
        app.draw_panes(&p, buf, th);
        status_line(app, p.status, buf, th);
        bottom_bar(app, p.bar, buf, th);
        for o in &app.overlays {
            overlay(app, o, area, buf, th);
        }
    }
}

/// A title as the list shows it: redaction markers (`[已隐去:…]`) left out, so the first
/// meaningful words come first; the marker stays when nothing else is left.
pub fn list_title(title: &str) -> String {
    let mut out = String::new();
    let mut rest = title;
    while let Some(start) = rest.find("[已隐去:") {
        out.push_str(&rest[..start]);
        match rest[start..].find(']') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let t = out.trim_matches(|c: char| c.is_whitespace() || "，,、；;:：".contains(c));
    if t.is_empty() {
        title.to_string()
    } else {
        t.to_string()
    }
}

fn title_bar(app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
    let t = app.lang.t();
    let left = format!(
        " panel · {} │ {} {} {}",
        app.panel_title, t.expert, app.expert, app.expert_name
    );
    let right = match app.cur() {
        Some(a) => {
            let pr = app.progress(app.app_sel());
            let total = match pr {
                Progress::Untouched => format!(
                    "— ({} {})",
                    if app.lang.is_zh() {
                        "建议"
                    } else {
                        "suggested"
                    },
                    show(a.scored.total)
                ),
                _ => total_str(app, app.app_sel()),
            };
            format!(
                " {} {} ({}/{}) {} {} {} ",
                pr.mark(),
                a.input.code,
                app.app_sel() + 1,
                app.apps.len(),
                pr.name(app.lang),
                t.total,
                total
            )
        }
        None => String::new(),
    };
    let w = r.width as usize;
    let rw = width(&right).min(w);
    let line = format!("{}{}", pad_right(&left, w - rw), truncate(&right, rw));
    set(buf, r.x, r.y, &line, r.width, th.title_bar());
}

fn status_line(app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
    let (s, style) = match &app.note {
        Some(n) => match n.level {
            Level::Saved => (format!(" ✓ {}", n.text), th.saved()),
            Level::Error => (format!(" ✗ {}", n.text), th.error()),
            Level::Info => (format!(" ℹ {}", n.text), Style::new()),
        },
        None => {
            let hint = match (app.cur(), app.sel_item()) {
                (Some(_), Some(it)) => {
                    let step = show(it.step());
                    if app.lang.is_zh() {
                        format!(" {} 分值 0–{}，步长 {step}", it.id, show(it.max()))
                    } else {
                        format!(" {}: 0–{}, step {step}", it.id, show(it.max()))
                    }
                }
                _ => String::new(),
            };
            (hint, th.dim())
        }
    };
    set(
        buf,
        r.x,
        r.y,
        &pad_right(&s, r.width as usize),
        r.width,
        style,
    );
}

/// The keys that work here, from the key map.
pub fn bar_items(app: &App) -> Vec<(String, &'static str, Option<Action>)> {
    let zh = app.lang.is_zh();
    let ctxs = app.contexts();
    let mut out: Vec<(String, &'static str, Option<Action>)> = Vec::new();
    let mut seen: Vec<Action> = Vec::new();
    for (i, ctx) in ctxs.iter().enumerate() {
        for (a, ks) in app.keymap.actions(*ctx) {
            let global = *ctx == Context::Global && i > 0;
            if !a.in_bar() || seen.iter().any(|s| keys::same_kind(*s, a)) {
                continue;
            }
            if a == Action::SearchNext && app.search().is_none() {
                continue;
            }
            if a == Action::SwitchView && !app.can_switch {
                continue;
            }
            // an action that also has a global key is shown with that key
            let ks = match app.keymap.keys_for(Context::Global, a) {
                g if !g.is_empty() && ctxs.contains(&Context::Global) => g,
                _ => ks,
            };
            // while typing a score only help works besides the entry keys
            let typing = ctxs.first() == Some(&Context::Entry);
            if global
                && !(matches!(a, Action::Help)
                    || !typing && matches!(a, Action::NextPane | Action::Quit)
                    || !typing && app.can_switch && a == Action::SwitchView)
            {
                continue;
            }
            // keys shadowed by an earlier context are not shown for this one
            let ks: Vec<&str> = ks
                .into_iter()
                .filter(|k| {
                    ctxs[..i]
                        .iter()
                        .all(|c| app.keymap.lookup(&[*c], k).is_none())
                })
                .collect();
            if ks.is_empty() {
                continue;
            }
            seen.push(a);
            let shown: Vec<&str> = if matches!(a, Action::Type(_)) {
                ks
            } else {
                ks.into_iter().take(1).collect()
            };
            out.push((keys::show_keys(&shown), a.short(zh).unwrap_or(""), Some(a)));
        }
    }
    if matches!(app.overlays.last(), Some(Overlay::Message { .. })) {
        out.clear();
        out.push((String::new(), app.lang.t().any_key, None));
    }
    out
}

fn bottom_bar(app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
    draw_bar(bar_items(app), r, buf, th);
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

/// The help overlay's lines, wrapped to `width`: every context's actions
/// with their keys (from the key map and the actions' doc comments), then
/// the legend. `true` marks a heading.
pub fn help_lines(app: &App, width: usize) -> Vec<(String, bool)> {
    let zh = app.lang.is_zh();
    let t = app.lang.t();
    let mut out = Vec::new();
    const KEYS: usize = 14;
    let text_w = width.saturating_sub(KEYS + 4).max(10);
    let plain = |out: &mut Vec<(String, bool)>, s: &str| {
        for l in wrap(s, width.saturating_sub(2).max(10)) {
            out.push((format!("  {l}"), false));
        }
    };
    for ctx in [
        Context::Global,
        Context::Apps,
        Context::Tree,
        Context::Evidence,
        Context::Entry,
        Context::Editor,
        Context::Confirm,
    ] {
        out.push((format!("── {} ──", t.ctx_names[ctx as usize]), true));
        for (a, ks) in app.keymap.actions(ctx) {
            if a == Action::SwitchView && !app.can_switch {
                continue;
            }
            let k = keys::show_keys(&ks);
            for (i, l) in wrap(a.long(zh).unwrap_or(""), text_w)
                .into_iter()
                .enumerate()
            {
                let key = if i == 0 { k.as_str() } else { "" };
                out.push((format!("  {}  {l}", pad_right(key, KEYS)), false));
            }
        }
    }
    out.push((format!("── {} ──", t.legend), true));
    for l in t.legend_lines {
        plain(&mut out, l);
    }
    plain(
        &mut out,
        if zh {
            "鼠标：单击选择窗格或行，滚轮滚动。"
        } else {
            "Mouse: click to focus a pane or row; the wheel scrolls."
        },
    );
    out
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

fn overlay(app: &App, o: &Overlay, area: Rect, buf: &mut Buffer, th: Theme) {
    draw_overlay(app.lang, o, area, buf, th, &|w| help_lines(app, w));
}

/// Draw one overlay; `help` gives the help overlay's lines for a width.
pub(crate) fn draw_overlay(
    lang: Lang,
    o: &Overlay,
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
    help: &dyn Fn(usize) -> Vec<(String, bool)>,
) {
    let t = lang.t();
    match o {
        Overlay::Help { scroll } => {
            let r = centered(area, 96, area.height.saturating_sub(2));
            let lines = help(r.width.saturating_sub(2) as usize);
            clear(r, buf);
            let block = pane_block(format!("{} · ? / Esc", t.help), true, th);
            let inner = block.inner(r);
            block.render(r, buf);
            let max = lines.len().saturating_sub(inner.height as usize);
            let s = (*scroll).min(max);
            for (k, (l, head)) in lines.iter().skip(s).take(inner.height as usize).enumerate() {
                let style = if *head { th.heading() } else { Style::new() };
                set(buf, inner.x, inner.y + k as u16, l, inner.width, style);
            }
        }
        Overlay::Confirm { lines, what, .. } => {
            let w = 64u16;
            let mut body: Vec<String> = Vec::new();
            for l in lines {
                body.extend(wrap(l, (w - 4) as usize));
            }
            body.push(String::new());
            body.push(t.yes_no.to_string());
            let r = centered(area, w, body.len() as u16 + 2);
            clear(r, buf);
            let title = match (what, lang.is_zh()) {
                (Confirmed::Submit, true) => "确认提交",
                (Confirmed::Submit, false) => "Confirm submit",
                (Confirmed::Conflict(_), true) => "确认声明回避",
                (Confirmed::Conflict(_), false) => "Confirm conflict of interest",
                (Confirmed::Withdraw(_), true) => "确认撤回回避",
                (Confirmed::Withdraw(_), false) => "Confirm withdrawal",
            };
            let block = pane_block(title.into(), true, th);
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
        Overlay::Editor {
            prompt,
            buf: text_buf,
            ..
        } => {
            let g = editor_geometry(prompt, text_buf, area);
            clear(g.rect, buf);
            let block = pane_block(editor_title(lang, o), true, th);
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
            text_buf.render(g.field, buf, th.selected(false));
            let keys = if text_buf.is_multiline() {
                t.editor_keys_multi
            } else {
                t.editor_keys
            };
            set(
                buf,
                g.field.x,
                g.field.bottom() + 1,
                keys,
                g.field.width,
                th.dim(),
            );
        }
        Overlay::Message { title, lines } => {
            let w = 70u16.min(area.width.saturating_sub(4));
            let mut body: Vec<String> = Vec::new();
            for l in lines {
                body.extend(wrap(l, (w - 4) as usize));
            }
            body.push(String::new());
            body.push(t.any_key.to_string());
            let r = centered(area, w, body.len() as u16 + 2);
            clear(r, buf);
            let block = pane_block(title.clone(), true, th);
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
    }
}

fn editor_title(lang: Lang, o: &Overlay) -> String {
    let zh = lang.is_zh();
    let t = lang.t();
    match o {
        Overlay::Editor { kind, .. } => match kind {
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
        },
        _ => String::new(),
    }
}
