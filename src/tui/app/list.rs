//! The expert screen's application list as a component: which applications it shows and in
//! which order (the filter and the sort), the selected one and the scroll. The screen
//! computes the order from its data ([`super::App::refresh_order`]); the list keeps it and
//! the selection consistent.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

use super::{App, Progress};
use crate::rubric::num::show;
use crate::tui::action::Action;
use crate::tui::draw::{more_hint, pane_block, set, Theme};
use crate::tui::i18n::Lang;
use crate::tui::layout::{keep_in_view, Pane};
use crate::tui::text::{pad_left, pad_right, width};

/// Order of the application list (`o` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListSort {
    Code,
    /// Work left first: in progress, untouched, then submitted and conflict.
    Status,
    /// Suggested total, highest first.
    Total,
}

impl ListSort {
    pub fn next(self) -> ListSort {
        match self {
            ListSort::Code => ListSort::Status,
            ListSort::Status => ListSort::Total,
            ListSort::Total => ListSort::Code,
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang.is_zh()) {
            (ListSort::Code, true) => "编号",
            (ListSort::Code, false) => "code",
            (ListSort::Status, true) => "状态",
            (ListSort::Status, false) => "status",
            (ListSort::Total, true) => "建议总分",
            (ListSort::Total, false) => "suggested total",
        }
    }
}

/// What a key in the list asks of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Select application `i` (index into the screen's applications).
    Select(usize),
    /// Move the selection a page up (`-1`) or down (`1`).
    Page(isize),
    /// Open the selected application: focus its criteria.
    Open,
    /// The filter was cleared: show every application again and say so.
    FilterCleared,
    /// The next sort was chosen: reorder and say so.
    Sorted,
    /// Ask for the filter (an empty editor, so what is typed replaces the filter; its
    /// prompt names the current one).
    AskFind(String),
    /// Comment on the application as a whole.
    CommentApp,
    /// A digit was typed: the list does not score; say where digits score.
    DigitHint,
}

/// The application list's state.
#[derive(Debug, Clone)]
pub struct AppList {
    /// The selected application (index into the screen's applications).
    sel: usize,
    /// First visible row.
    scroll: usize,
    /// The applications shown, in order (filter and sort applied).
    order: Vec<usize>,
    /// The filter (`/` in the list): code, title or status contains it.
    filter: Option<String>,
    sort: ListSort,
}

impl Default for AppList {
    fn default() -> AppList {
        AppList {
            sel: 0,
            scroll: 0,
            order: Vec::new(),
            filter: None,
            sort: ListSort::Code,
        }
    }
}

impl AppList {
    /// The selected application (index into the screen's applications).
    pub fn sel(&self) -> usize {
        self.sel
    }

    /// First visible row.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The applications shown, in order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The filter, when one is set.
    pub fn filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// The sort.
    pub fn sort(&self) -> ListSort {
        self.sort
    }

    /// Position of the selected application in the list (0 when it is filtered out).
    pub fn pos(&self) -> usize {
        self.order.iter().position(|&i| i == self.sel).unwrap_or(0)
    }

    /// Set (or with `None` clear) the filter; the screen then refreshes the order.
    pub(super) fn set_filter(&mut self, filter: Option<String>) {
        self.filter = filter;
    }

    /// The next sort; the screen then refreshes the order.
    pub(super) fn next_sort(&mut self) {
        self.sort = self.sort.next();
    }

    /// Show `order`; when the selection is not in it, select its first application.
    /// Returns whether the selection moved.
    pub(super) fn set_order(&mut self, order: Vec<usize>) -> bool {
        let moved = !order.is_empty() && !order.contains(&self.sel);
        if moved {
            self.sel = order[0];
        }
        self.order = order;
        moved
    }

    /// Select application `i`; returns whether the selection changed.
    pub(super) fn select(&mut self, i: usize) -> bool {
        let changed = i != self.sel;
        self.sel = i;
        changed
    }

    /// The application `delta` rows from the selected one (clamped to the list).
    pub(super) fn step(&self, delta: isize) -> Option<usize> {
        let n = self.order.len() as isize;
        (n > 0).then(|| self.order[(self.pos() as isize + delta).clamp(0, n - 1) as usize])
    }

    /// The application on visible row `row` of the list.
    pub(super) fn at_row(&self, row: usize) -> Option<usize> {
        self.order.get(self.scroll + row).copied()
    }

    /// Keep the selection among the `h` visible rows.
    pub(super) fn keep_visible(&mut self, h: usize) {
        self.scroll = keep_in_view(self.pos(), self.scroll, h, self.order.len());
    }

    /// Apply a key of the list; `None` when the key is not the list's own (the screen's
    /// shared keys) or asks nothing of the screen.
    pub(super) fn handle(&mut self, action: Action) -> Option<Outcome> {
        match action {
            Action::Up => self.step(-1).map(Outcome::Select),
            Action::Down => self.step(1).map(Outcome::Select),
            Action::PageUp => Some(Outcome::Page(-1)),
            Action::PageDown => Some(Outcome::Page(1)),
            Action::Top => self.order.first().copied().map(Outcome::Select),
            Action::Bottom => self.order.last().copied().map(Outcome::Select),
            Action::Back if self.filter.is_some() => {
                self.set_filter(None);
                Some(Outcome::FilterCleared)
            }
            Action::Back => None,
            Action::Open => Some(Outcome::Open),
            Action::Find => Some(Outcome::AskFind(self.filter.clone().unwrap_or_default())),
            Action::Sort => {
                self.next_sort();
                Some(Outcome::Sorted)
            }
            Action::Comment => Some(Outcome::CommentApp),
            Action::DigitInList => Some(Outcome::DigitHint),
            _ => None,
        }
    }

    /// Draw the list into `r`: its title (done, filter, sort), one row per application
    /// shown (selection mark ▶, progress mark, code, title, total), the selection's style and
    /// the "more" hint.
    pub(super) fn draw(&self, app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
        let focused = app.focus == Pane::Apps;
        let t = app.lang.t();
        let done = (0..app.apps.len())
            .filter(|&i| matches!(app.progress(i), Progress::Submitted | Progress::Conflict))
            .count();
        let count = format!("{done}/{}", app.apps.len());
        let mut extra = String::new();
        if let Some(q) = self.filter.as_deref() {
            extra.push_str(&format!(" /{q} ({})", self.order.len()));
        }
        if self.sort != ListSort::Code {
            extra.push_str(&format!(" ↕{}", self.sort.name(app.lang)));
        }
        // the count stays whole: in a narrow pane the word is shortened, then left out
        let room = (r.width as usize).saturating_sub(6);
        let title = [
            format!("{} {count}{extra}", t.apps),
            format!("{} {count}{extra}", t.apps_short),
            format!("{count}{extra}"),
        ]
        .into_iter()
        .find(|s| width(s) <= room)
        .unwrap_or(count);
        let mut block = pane_block(title, focused, th);
        let h = block.inner(r).height as usize;
        if let Some(hint) = more_hint(self.scroll, h, self.order.len()) {
            block = block.title_bottom(Line::from(hint).right_aligned());
        }
        let inner = block.inner(r);
        block.render(r, buf);
        if app.apps.is_empty() {
            set(buf, inner.x, inner.y, t.no_apps, inner.width, th.dim());
            return;
        }
        if self.order.is_empty() {
            let msg = if app.lang.is_zh() {
                "无匹配项目；Esc 清除筛选"
            } else {
                "no match; Esc clears the filter"
            };
            set(buf, inner.x, inner.y, msg, inner.width, th.dim());
            return;
        }
        let w = inner.width as usize;
        let shown: Vec<usize> = (0..inner.height as usize)
            .filter_map(|row| self.order.get(self.scroll + row).copied())
            .collect();
        let tw = total_cols(w, shown.iter().map(|&i| width(&total_str(app, i))));
        for row in 0..inner.height as usize {
            let Some(&i) = self.order.get(self.scroll + row) else {
                break;
            };
            let a = &app.apps[i];
            let pr = app.progress(i);
            let total = if tw > 0 {
                pad_left(&total_str(app, i), tw)
            } else {
                String::new()
            };
            // the selection is marked in the first column (▶), not only by its style, so a
            // screen without colour or styles (a text capture) still shows it
            let left = format!(
                "{}{} {} {}",
                if i == self.sel { "▶" } else { " " },
                pr.mark(),
                a.input.code,
                list_title(&a.input.title)
            );
            let line = format!("{}{total}", pad_right(&left, w.saturating_sub(tw)));
            let style = if i == self.sel {
                th.selected(focused)
            } else {
                Style::new()
            };
            set(
                buf,
                inner.x,
                inner.y + row as u16,
                &line,
                inner.width,
                style,
            );
        }
    }
}

/// Narrowest list (inside its border) that shows the totals: below it the title keeps the
/// room, since the title bar names the selected application's total.
const TOTALS_FROM: usize = 24;

/// Columns of the total column in a list `w` columns wide whose shown totals are
/// `widths` wide: the widest and one blank before it, or none in a narrow list.
fn total_cols(w: usize, widths: impl Iterator<Item = usize>) -> usize {
    if w < TOTALS_FROM {
        return 0;
    }
    widths.max().map_or(0, |m| m + 1)
}

/// The total shown for an application: none for an application the expert has not touched
/// (its prefilled rule suggestions are not a score); for a conflict of interest the word
/// (回避 / conflict), since the expert gives it no score.
pub(crate) fn total_str(app: &App, ai: usize) -> String {
    match app.progress(ai) {
        Progress::Conflict => app.lang.t().conflict.into(),
        Progress::Untouched => "—".into(),
        _ => show(app.apps[ai].scored.total),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn list(order: Vec<usize>) -> AppList {
        let mut l = AppList::default();
        l.set_order(order);
        l
    }

    #[test]
    fn moving_keys_select_within_the_order() {
        // the selection (application 0) is second in the order
        let mut l = list(vec![2, 0, 1]);
        assert_eq!((l.sel(), l.pos()), (0, 1));
        assert_eq!(l.handle(Action::Down), Some(Outcome::Select(1)));
        assert_eq!(l.handle(Action::Up), Some(Outcome::Select(2)));
        assert_eq!(l.handle(Action::Bottom), Some(Outcome::Select(1)));
        assert_eq!(l.handle(Action::Top), Some(Outcome::Select(2)));
        assert_eq!(l.handle(Action::PageDown), Some(Outcome::Page(1)));
        assert_eq!(list(Vec::new()).handle(Action::Top), None);
    }

    #[test]
    fn the_total_column_is_as_wide_as_its_widest_total_and_gone_in_a_narrow_list() {
        // untouched applications show "—": two columns, not six
        assert_eq!(total_cols(28, [1, 1, 1].into_iter()), 2);
        assert_eq!(total_cols(28, [1, 4, 3].into_iter()), 5);
        // the list at 80×24 (18 columns inside): the titles get the room
        assert_eq!(total_cols(18, [1, 4].into_iter()), 0);
        assert_eq!(total_cols(28, std::iter::empty()), 0);
    }

    #[test]
    fn esc_clears_the_filter_once_and_sort_cycles() {
        let mut l = list(vec![0, 1]);
        l.set_filter(Some("x".into()));
        assert_eq!(l.handle(Action::Find), Some(Outcome::AskFind("x".into())));
        assert_eq!(l.handle(Action::Back), Some(Outcome::FilterCleared));
        assert_eq!(l.filter(), None);
        assert_eq!(l.handle(Action::Back), None);
        assert_eq!(l.handle(Action::Sort), Some(Outcome::Sorted));
        assert_eq!(l.sort(), ListSort::Status);
        // the keys every pane shares are not the list's
        assert_eq!(l.handle(Action::Submit), None);
        assert_eq!(l.handle(Action::Help), None);
    }
}
