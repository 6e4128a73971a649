//! The expert screen's frame: the title bar, the status line, the key bar, the help and the
//! overlays around the panes, which draw themselves ([`App::draw_panes`]). It only reads the
//! [`App`].
//!
//! The drawing helpers shared with the chair screen live in [`super::draw`] (re-exported
//! here under their old paths).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;
use ratatui::Frame;

use super::action::Action;
use super::app::{total_str, App, Confirmed, EditKind, Level, Overlay, Progress};
use super::i18n::Lang;
use super::keys::{self, Context};
use super::layout;
use super::text::{pad_right, truncate, width, wrap};
use super::textbox::TextBox;
use crate::rubric::num::show;

pub use super::app::list_title;
pub use super::draw::{buffer_text, more_hint};
pub(crate) use super::draw::{centered, clear, draw_bar, pane_block, set, Theme};

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
