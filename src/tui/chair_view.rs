//! The chair screen's frame: title bar, info line, status line, key bar and help, drawn
//! around the current view's component (which draws its own body); it only reads the
//! [`ChairApp`].
//!
//! Meaning is never carried by colour alone: ★ shortlisted, the cut line, `≠B1`
//! disagreement, `!E03` outlier, `[4.5]` dropped by the trimmed mean, `4.5!` extreme
//! value, progress marks · ● ✓ ✗, reverse video for the selection.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;
use ratatui::Frame;

use super::action::Action;
use super::chair::{ChairApp, View};
use super::draw::{draw_bar, set, Theme};
use super::keys::{self, Context};
use super::layout::{MIN_H, MIN_W};
use super::overlay::{bar_label, draw_overlay, editor_geometry, help_bar_items};
use super::overlay::{Level, Overlay};
use super::text::{pad_right, truncate, width, wrap};
use crate::rubric::num::show;

/// Draw the chair screen; with an editor open, the terminal cursor sits at the end of its
/// text (for input methods).
pub fn draw(frame: &mut Frame, app: &ChairApp) {
    let area = frame.area();
    frame.render_widget(ChairScreen(app), area);
    if let Some(Overlay::Editor { prompt, buf, .. }) = app.overlays.last() {
        if area.width >= MIN_W && area.height >= MIN_H {
            let g = editor_geometry(prompt, buf, area);
            frame.set_cursor_position(buf.cursor_in(g.field));
        }
    }
}

/// The whole chair screen as a widget.
pub struct ChairScreen<'a>(pub &'a ChairApp);

impl Widget for ChairScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let th = Theme { color: app.color };
        if area.width < MIN_W || area.height < MIN_H {
            let msg = app.lang.chair_too_small(area.width, area.height);
            for (i, l) in wrap(&msg, area.width.max(1) as usize).iter().enumerate() {
                if (i as u16) < area.height {
                    set(buf, area.x, area.y + i as u16, l, area.width, Style::new());
                }
            }
            return;
        }
        let w = area.width;
        let h = area.height;
        title_bar(app, Rect::new(0, 0, w, 1), buf, th);
        info_line(app, Rect::new(0, 1, w, 1), buf, th);
        let body = Rect::new(0, 2, w, h - 4);
        match app.view {
            View::Ranking => app.ranking().draw(app, body, buf, th),
            View::Detail => app.detail().draw(app, body, buf, th),
            View::Progress => app.progress().draw(app, body, buf, th),
            View::Experts => app.experts_view().draw(app, body, buf, th),
        }
        status_line(app, Rect::new(0, h - 2, w, 1), buf, th);
        draw_bar(bar_items(app), Rect::new(0, h - 1, w, 1), buf, th);
        for o in &app.overlays {
            draw_overlay(app.lang, o, area, buf, th, &|w| {
                super::chair::help_lines(app, w)
            });
        }
    }
}

fn title_bar(app: &ChairApp, r: Rect, buf: &mut Buffer, th: Theme) {
    let c = app.lang.c();
    let tabs: Vec<String> = [View::Ranking, View::Progress, View::Experts]
        .iter()
        .map(|v| {
            let on = *v == app.view || (app.view == View::Detail && *v == app.detail().back());
            if on {
                format!("[{}]", v.name(app.lang))
            } else {
                v.name(app.lang).to_string()
            }
        })
        .collect();
    let left = format!(" panel · {} · {} ", c.chair, app.panel.config.title);
    let right = match (&app.view, app.detail().code()) {
        (View::Detail, Some(code)) => format!(" {} › {code} ", tabs.join(" ")),
        _ => format!(" {} ", tabs.join(" ")),
    };
    let w = r.width as usize;
    let rw = width(&right).min(w);
    let line = format!("{}{}", pad_right(&left, w - rw), truncate(&right, rw));
    set(buf, r.x, r.y, &line, r.width, th.title_bar());
}

fn info_line(app: &ChairApp, r: Rect, buf: &mut Buffer, th: Theme) {
    let c = app.lang.c();
    let s = &app.shown.settings;
    let official = app.method_label(app.official.settings.method, app.official.settings.by);
    let method = if app.is_official() {
        format!("{official}{}", app.lang.aside(c.official))
    } else {
        format!(
            "{} ≠ {} {}",
            app.method_label(app.method, app.by),
            c.official,
            official
        )
    };
    let zh = app.lang.is_zh();
    // (priority, text): the lowest priorities go first when the line is too long
    let mut parts: Vec<(u8, String)> = vec![
        (
            0,
            format!("{} {method}", if zh { "方法" } else { "method" }),
        ),
        (6, threshold_text(app, c)),
    ];
    if let Some(q) = s.quota {
        parts.push((4, format!("{} {q}", c.quota)));
    }
    if let Some(cap) = s.per_award_cap_wan {
        parts.push((5, format!("{} {}{}", c.cap, show(cap), c.wan)));
    }
    let used = app.shown.results.budget_used_wan.map(show);
    let money = match (used, s.budget_wan) {
        (Some(u), Some(b)) => Some(format!("{} {u}/{}{}", c.recommended, show(b), c.wan)),
        (Some(u), None) => Some(format!("{} {u}{}", c.recommended, c.wan)),
        (None, Some(b)) => Some(format!("{} {}{}", c.budget, show(b), c.wan)),
        (None, None) => None,
    };
    if let Some(m) = money {
        parts.push((3, m));
    }
    let n = app.shown.results.shortlist().count();
    parts.push((2, format!("{} {n}", c.shortlisted)));
    let reasons = app.shown.results.provisional.len();
    if reasons > 0 {
        // Kept like the method (priority 0): the shortlist could still change. Right after
        // the method, so that only the method outlasts it on a very narrow screen.
        let text = if zh {
            format!("{}：{reasons}项待定", c.provisional)
        } else {
            format!("{}: {reasons} open", c.provisional)
        };
        parts.insert(1, (0, text));
    }
    let watch = if app.watch {
        c.watching
    } else {
        c.not_watching
    };
    parts.push((1, watch.to_string()));
    let joined = |p: &[(u8, String)]| {
        p.iter()
            .map(|x| x.1.as_str())
            .collect::<Vec<_>>()
            .join("  ")
    };
    while width(&joined(&parts)) + 1 >= r.width as usize && parts.len() > 1 {
        let worst = parts
            .iter()
            .enumerate()
            .max_by_key(|(_, p)| p.0)
            .map(|(i, _)| i)
            .unwrap_or(0);
        parts.remove(worst);
    }
    let line = joined(&parts);
    let style = if app.is_official() {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        th.warn()
    };
    set(
        buf,
        r.x,
        r.y,
        &pad_right(&format!(" {line}"), r.width as usize),
        r.width,
        style,
    );
}

/// The pass mark and where it comes from: `门槛 无` when none is set (no call states one),
/// `门槛 60 (组长)` when the chair set it, `门槛 60 (规则)` when the rubric gives it.
fn threshold_text(app: &ChairApp, c: &crate::tui::i18n::ChairText) -> String {
    use crate::export::ThresholdSource;
    let zh = app.lang.is_zh();
    let Some(t) = app.shown.settings.threshold else {
        return format!("{} {}", c.threshold, if zh { "无" } else { "none" });
    };
    let from = match app.shown.threshold_source() {
        ThresholdSource::CommandLine => {
            if zh {
                "组长"
            } else {
                "chair"
            }
        }
        _ => {
            if zh {
                "规则"
            } else {
                "rubric"
            }
        }
    };
    format!("{} {} ({from})", c.threshold, show(t))
}

fn status_line(app: &ChairApp, r: Rect, buf: &mut Buffer, th: Theme) {
    let (s, style) = match &app.note {
        Some(n) => match n.level {
            Level::Saved => (format!(" ✓ {}", n.text), th.saved()),
            Level::Error => (format!(" ✗ {}", n.text), th.error()),
            Level::Info => (format!(" ℹ {}", n.text), Style::new()),
        },
        None => {
            let hint = match app.view {
                View::Ranking => app
                    .selected()
                    .map(|a| {
                        let t = app.official.titles.get(&a.id).cloned().unwrap_or_default();
                        format!(" {} {t}", a.id)
                    })
                    .unwrap_or_default(),
                View::Detail => app
                    .experts()
                    .get(app.detail().expert())
                    .map(|e| format!(" ▶ {} {}", e.id, e.name))
                    .unwrap_or_default(),
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
pub fn bar_items(app: &ChairApp) -> Vec<(String, &'static str, Option<Action>)> {
    let ctxs = app.contexts();
    let mut out: Vec<(String, &'static str, Option<Action>)> = Vec::new();
    let mut seen: Vec<Action> = Vec::new();
    if matches!(app.overlays.last(), Some(Overlay::Message { .. })) {
        out.push((String::new(), app.lang.t().any_key, None));
        return out;
    }
    for (i, ctx) in ctxs.iter().enumerate() {
        for (a, ks) in app.keymap.actions(*ctx) {
            if !a.in_bar() || seen.iter().any(|s| keys::same_kind(*s, a)) {
                continue;
            }
            if *ctx == Context::Global
                && i > 0
                && !(matches!(a, Action::Help | Action::Quit)
                    || app.can_switch && a == Action::SwitchView)
            {
                continue;
            }
            if a == Action::SwitchView && !app.can_switch {
                continue;
            }
            if a == Action::SearchNext && app.ranking().search().is_none() {
                continue;
            }
            let ks: Vec<&str> = ks
                .into_iter()
                .filter(|k| {
                    ctxs[..i]
                        .iter()
                        .all(|c| app.keymap.lookup(&[*c], k).is_none())
                })
                .collect();
            let Some(k) = ks.first() else {
                continue;
            };
            seen.push(a);
            let label = bar_label(app.overlays.last(), false, a, app.lang);
            out.push((keys::display(k), label, Some(a)));
        }
    }
    if matches!(app.overlays.last(), Some(Overlay::Help { .. })) {
        out.splice(0..0, help_bar_items(&app.keymap, app.lang));
    }
    out
}
