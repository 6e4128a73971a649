//! The expert screen's frame: the title bar, the status line, the key bar, the help and the
//! overlays around the panes, which draw themselves (`App::draw_panes`). It only reads the
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
use super::app::{total_str, App, EditKind, Level, Overlay, Progress};
use super::keys::{self, Context};
use super::layout::{self, Pane};
use super::overlay::{bar_label, help_bar_items};
use super::text::{pad_right, truncate, width, wrap};
use crate::rubric::num::show;

pub use super::app::list_title;
pub use super::draw::{buffer_text, more_hint};
pub(crate) use super::draw::{draw_bar, set, Theme};

/// Draw the whole screen. With an editor open, the terminal cursor sits at
/// the end of its text, where input methods (e.g. Chinese IMEs) show their
/// candidate window.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(Screen(app), area);
    if let Some(at) = app.overlays.last().and_then(|o| o.cursor(area)) {
        let p = layout::layout(area.width, area.height, app.focus);
        if !p.too_small {
            frame.set_cursor_position(at);
        }
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
            // a conflict has no total: the title bar says it is not scored
            let total = match pr {
                Progress::Conflict => app.lang.not_scored().to_string(),
                _ => format!("{} {total}", t.total),
            };
            format!(
                " {} {} ({}/{}) {} {} ",
                pr.mark(),
                a.input.code,
                app.app_sel() + 1,
                app.apps.len(),
                pr.name(app.lang),
                total
            )
        }
        None => String::new(),
    };
    let w = r.width as usize;
    let rw = width(&right).min(w);
    let left = title_left(app, w - rw);
    let line = format!("{}{}", pad_right(&left, w - rw), truncate(&right, rw));
    set(buf, r.x, r.y, &line, r.width, th.title_bar());
}

/// The left of the title bar in `room` columns: the panel title and who is logged in. The
/// expert id always stays: the panel title is shortened first, then the expert's name and
/// the word "expert" are left out.
fn title_left(app: &App, room: usize) -> String {
    const HEAD: &str = " panel · ";
    let t = app.lang.t();
    // (who, the fewest title columns worth keeping beside it)
    let whos = [
        (
            format!(" │ {} {} {}", t.expert, app.expert, app.expert_name),
            20,
        ),
        (format!(" │ {} {}", t.expert, app.expert), 12),
        (format!(" │ {}", app.expert), 1),
    ];
    for (who, min) in &whos {
        let avail = room.saturating_sub(width(HEAD) + width(who));
        if avail >= (*min).min(width(&app.panel_title)) {
            return format!("{HEAD}{}{who}", truncate(&app.panel_title, avail));
        }
    }
    format!(" {}", app.expert)
}

fn status_line(app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
    let (s, style) = match &app.note {
        Some(n) => match n.level {
            Level::Saved => (format!(" ✓ {}", n.text), th.saved()),
            Level::Error => (format!(" ✗ {}", n.text), th.error()),
            Level::Info => (format!(" ℹ {}", n.text), Style::new()),
        },
        None => (focus_hint(app), th.dim()),
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

/// The status line without a note: what has the focus. An open box: what it edits or asks,
/// and for which application and item; the application list: the selected application and
/// how to open it; the criteria or the evidence: the selected item's range and step.
pub fn focus_hint(app: &App) -> String {
    let zh = app.lang.is_zh();
    let code = |ai: usize| {
        app.apps
            .get(ai)
            .map(|a| a.input.code.as_str())
            .unwrap_or("")
    };
    if let Some(o) = app.overlays.last() {
        return match o {
            Overlay::Editor { kind, .. } => {
                let title = kind.title(app.lang);
                match kind {
                    EditKind::Reason { app: ai, item, .. }
                    | EditKind::Comment { app: ai, item } => {
                        format!(" ✎ {title} · {} {item}", code(*ai))
                            .trim_end()
                            .to_string()
                    }
                    EditKind::Opinion { app: ai, .. } | EditKind::Conflict { app: ai, .. } => {
                        format!(" ✎ {title} · {}", code(*ai))
                    }
                    _ => format!(" {title}"),
                }
            }
            Overlay::Confirm { app: ai, what, .. } => {
                format!(" {} · {}", what.title(app.lang), code(*ai))
            }
            Overlay::Help { .. } => format!(" {}", app.lang.t().help),
            Overlay::Message { title, .. } => format!(" {title}"),
        };
    }
    match (app.focus, app.cur(), app.sel_item()) {
        (Pane::Apps, Some(a), _) if a.reopened_reason().is_some() => {
            let r = a.reopened_reason().unwrap_or_default();
            let text = format!(
                " ↺ {}{}{}",
                app.lang.reopened(&a.input.code, r),
                app.lang.list_sep(),
                app.lang.t().open_hint
            );
            truncate(&text, app.size.0 as usize)
        }
        (Pane::Apps, Some(a), _) => {
            let sep = if zh { "：" } else { ": " };
            let head = format!(" {} {}", a.input.code, list_title(&a.input.title));
            // a locked application has nothing to score: say what can be done instead
            let hint = match app.progress(app.app_sel()) {
                Progress::Conflict => app.lang.locked_hint(true),
                Progress::Submitted => app.lang.locked_hint(false),
                _ => app.lang.t().open_hint,
            };
            let tail = format!("{sep}{hint}");
            let room = (app.size.0 as usize).saturating_sub(width(&tail));
            format!("{}{tail}", truncate(&head, room))
        }
        (Pane::Tree | Pane::Evidence, Some(a), Some(_))
            if matches!(
                app.progress(app.app_sel()),
                Progress::Conflict | Progress::Submitted
            ) =>
        {
            let conflict = app.progress(app.app_sel()) == Progress::Conflict;
            truncate(
                &format!(" {}", app.lang.read_only(&a.input.code, conflict)),
                app.size.0 as usize,
            )
        }
        (Pane::Tree | Pane::Evidence, Some(_), Some(it)) => {
            let step = show(it.step());
            if zh {
                format!(" {} 分值 0–{}，步长 {step}", it.id, show(it.max()))
            } else {
                format!(" {}: 0–{}, step {step}", it.id, show(it.max()))
            }
        }
        _ => String::new(),
    }
}

/// The keys that work here, from the key map.
pub fn bar_items(app: &App) -> Vec<(String, &'static str, Option<Action>)> {
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
            let label = bar_label(app.overlays.last(), typing, a, app.lang);
            out.push((keys::show_keys(&shown), label, Some(a)));
        }
    }
    if matches!(app.overlays.last(), Some(Overlay::Help { .. })) {
        out.splice(0..0, help_bar_items(&app.keymap, app.lang));
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
    // one column kept free before the right border
    let text_w = width.saturating_sub(KEYS + 5).max(10);
    let plain = |out: &mut Vec<(String, bool)>, s: &str| {
        for l in wrap(s, width.saturating_sub(3).max(10)) {
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
    o.draw(app.lang, area, buf, th, &|w| help_lines(app, w));
}
