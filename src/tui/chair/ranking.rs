//! The chair screen's ranking as a component: the table of applications with the quota's
//! cut line, the method's rank changes, funding and flags. It owns its state (the selected
//! row, the scroll, the find query), draws the table and handles the keys of the ranking.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::data::ChairData;
use super::doc::flag_marks;
use crate::aggregate::AppResult;
use crate::rubric::num::show;
use crate::tui::action::Action;
use crate::tui::app::list_title;
use crate::tui::draw::{set, Theme};
use crate::tui::text::{pad_left, pad_right, width};

/// The ranking's state.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Selected row (index into [`ChairData::rows`]).
    sel: usize,
    /// First visible row of the table (rows include the cut line).
    scroll: usize,
    /// The find query (code or title), kept for next and previous match.
    search: Option<String>,
}

/// Which match [`Ranking::find`] selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Find {
    First,
    Next,
    Prev,
}

/// What a key in the ranking asks of the screen.
pub(super) enum Outcome {
    /// Open the details of the selected application.
    Drill(String),
    /// Ask for the find query (an editor showing the current one).
    AskFind(String),
    /// Say this in the status line.
    Info(String),
    /// Refuse with this in the status line.
    Refuse(String),
}

impl Ranking {
    /// The selected row (index into [`ChairData::rows`]).
    pub fn sel(&self) -> usize {
        self.sel
    }

    /// The first visible row of the table.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The find query, when one is set.
    pub fn search(&self) -> Option<&str> {
        self.search.as_deref()
    }

    /// Select row `i`.
    pub(super) fn select(&mut self, i: usize) {
        self.sel = i;
    }

    /// Keep the selection among `n` applications and visible among the table's `rows`,
    /// `h` of them visible (the cut line right below the selection too, when there is room).
    pub(super) fn ensure_visible(&mut self, n: usize, rows: &[Option<usize>], h: usize) {
        if n == 0 {
            self.sel = 0;
        } else if self.sel >= n {
            self.sel = n - 1;
        }
        if let Some(pos) = rows.iter().position(|r| *r == Some(self.sel)) {
            let want_end = match rows.get(pos + 1) {
                Some(None) => pos + 1,
                _ => pos,
            };
            if pos < self.scroll {
                self.scroll = pos;
            } else if want_end >= self.scroll + h {
                self.scroll = (want_end + 1).saturating_sub(h).min(pos);
            }
        }
        self.scroll = self.scroll.min(rows.len().saturating_sub(h));
    }

    /// Set (or with `None` clear) the find query.
    pub(super) fn set_search(&mut self, q: Option<String>) {
        self.search = q;
    }

    /// Select the first, next or previous application whose code or title contains the
    /// query; returns the note to show.
    pub(super) fn find(&mut self, app: &ChairData, how: Find) -> Outcome {
        let Some(q) = self.search.clone() else {
            return Outcome::Info(app.lang.t().no_search.to_string());
        };
        let ql = q.to_lowercase();
        let hits: Vec<usize> = app
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.id.to_lowercase().contains(&ql)
                    || app
                        .official
                        .titles
                        .get(&a.id)
                        .is_some_and(|t| t.to_lowercase().contains(&ql))
            })
            .map(|(i, _)| i)
            .collect();
        if hits.is_empty() {
            return Outcome::Refuse(app.lang.not_found(&q));
        }
        let n = hits.len();
        let k = match how {
            Find::First => 0,
            Find::Next => hits.iter().position(|&i| i > self.sel).unwrap_or(0),
            Find::Prev => hits.iter().rposition(|&i| i < self.sel).unwrap_or(n - 1),
        };
        self.sel = hits[k];
        Outcome::Info(app.lang.found(&q, k + 1, n))
    }

    /// Apply a key of the ranking.
    pub(super) fn handle(&mut self, action: Action, app: &ChairData) -> Option<Outcome> {
        let n = app.rows().len();
        let page = app.list_height().saturating_sub(1).max(1);
        match action {
            Action::Up => self.sel = self.sel.saturating_sub(1),
            Action::Down => self.sel = (self.sel + 1).min(n.saturating_sub(1)),
            Action::Top => self.sel = 0,
            Action::Bottom => self.sel = n.saturating_sub(1),
            Action::PageUp => self.sel = self.sel.saturating_sub(page),
            Action::PageDown => self.sel = (self.sel + page).min(n.saturating_sub(1)),
            Action::Drill => {
                if let Some(a) = app.rows().get(self.sel) {
                    return Some(Outcome::Drill(a.id.clone()));
                }
            }
            Action::Reopen => return Some(Outcome::Info(app.lang.c().reopen_where.to_string())),
            Action::Find => return Some(Outcome::AskFind(self.search.clone().unwrap_or_default())),
            Action::SearchNext => return Some(self.find(app, Find::Next)),
            Action::SearchPrev => return Some(self.find(app, Find::Prev)),
            Action::Back if self.search.take().is_some() => {
                return Some(Outcome::Info(
                    if app.lang.is_zh() {
                        "已清除查找"
                    } else {
                        "search cleared"
                    }
                    .to_string(),
                ));
            }
            Action::Click { row, .. } => {
                // the list starts below the title, info and header rows
                let y = row as usize;
                if y >= 3 {
                    let rows = app.table_rows();
                    if let Some(Some(i)) = rows.get(self.scroll + y - 3) {
                        self.sel = *i;
                    }
                }
            }
            Action::Scroll { down, .. } => {
                self.sel = if down {
                    (self.sel + 1).min(n.saturating_sub(1))
                } else {
                    self.sel.saturating_sub(1)
                }
            }
            _ => {}
        }
        None
    }

    /// Draw the table into `r`.
    pub(crate) fn draw(&self, app: &ChairData, r: Rect, buf: &mut Buffer, th: Theme) {
        draw_table(self, app, r, buf, th);
    }
}

/// "40" or "40←50" when the request was cut.
pub fn funding_text(app: &ChairData, a: &AppResult) -> String {
    let req = app.shown.requested_wan.get(&a.id).copied();
    match (a.funding_wan, req) {
        (Some(f), Some(r)) if r > f => format!("{}←{}", show(f), show(r)),
        (Some(f), _) => show(f),
        _ => String::new(),
    }
}

/// A column of the ranking table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Mark,
    Rank,
    Delta,
    Code,
    Title,
    Total,
    Official,
    Calibrated,
    P,
    N,
    Status,
    Funding,
    Flags,
}

/// The ranking's columns and their widths for a width `w`.
fn columns(app: &ChairData, w: usize) -> Vec<(Col, usize)> {
    let official = app.is_official();
    let mut cols: Vec<(Col, usize)> = vec![(Col::Mark, 1), (Col::Rank, 4)];
    if !official {
        cols.push((Col::Delta, 4));
    }
    cols.push((Col::Code, 8));
    cols.push((Col::Title, 0));
    cols.push((Col::Total, 6));
    if !official {
        cols.push((Col::Official, 6));
    }
    cols.extend([
        (Col::Calibrated, 6),
        (Col::P, 7),
        (Col::N, 2),
        (Col::Status, 10),
        (Col::Funding, 6),
        (Col::Flags, 0),
    ]);
    // one space between columns
    let fixed: usize = cols.iter().map(|c| c.1).sum::<usize>() + cols.len() - 1;
    let rest = w.saturating_sub(fixed);
    let flags_min = 8usize;
    // the title column takes the spare width, up to the longest title (at least 34)
    let longest = app
        .official
        .titles
        .values()
        .map(|t| width(&list_title(t)))
        .max()
        .unwrap_or(0)
        .max(34);
    let title = rest.saturating_sub(flags_min).min(longest);
    let (title, flags) = if title < 14 {
        (0, rest)
    } else {
        (title, rest - title)
    };
    cols.iter_mut().for_each(|c| match c.0 {
        Col::Title => c.1 = title,
        Col::Flags => c.1 = flags,
        _ => {}
    });
    if title == 0 {
        cols.retain(|c| c.0 != Col::Title);
    }
    cols
}

fn right_aligned(c: Col) -> bool {
    matches!(
        c,
        Col::Rank
            | Col::Delta
            | Col::Total
            | Col::Official
            | Col::Calibrated
            | Col::P
            | Col::N
            | Col::Funding
    )
}

fn header_text(app: &ChairData, c: Col) -> &'static str {
    let t = app.lang.c();
    match c {
        Col::Mark => "",
        Col::Rank => t.col_rank,
        Col::Delta => t.col_delta,
        Col::Code => t.col_code,
        Col::Title => t.col_title,
        Col::Total => t.col_total,
        Col::Official => t.col_official,
        Col::Calibrated => t.col_calibrated,
        Col::P => t.col_p,
        Col::N => t.col_n,
        Col::Status => t.col_status,
        Col::Funding => t.col_funding,
        Col::Flags => t.col_flags,
    }
}

fn cell_text(app: &ChairData, a: &AppResult, c: Col) -> String {
    let dash = || "—".to_string();
    match c {
        Col::Mark => (if a.shortlisted { "★" } else { "" }).into(),
        Col::Rank => a.rank.map(|r| r.to_string()).unwrap_or_else(dash),
        Col::Delta => {
            let off = app.official.results.app(&a.id).and_then(|o| o.rank);
            match (a.rank, off) {
                (Some(n), Some(o)) if n < o => format!("▲{}", o - n),
                (Some(n), Some(o)) if n > o => format!("▼{}", n - o),
                (Some(_), Some(_)) => "=".into(),
                (Some(_), None) => "new".into(),
                _ => String::new(),
            }
        }
        Col::Code => a.id.clone(),
        Col::Title => app
            .official
            .titles
            .get(&a.id)
            .map(|t| list_title(t))
            .unwrap_or_default(),
        Col::Total => a.total.map(show).unwrap_or_else(dash),
        Col::Official => app
            .official
            .results
            .app(&a.id)
            .and_then(|o| o.total)
            .map(show)
            .unwrap_or_else(dash),
        Col::Calibrated => a.calibrated_total.map(show).unwrap_or_else(dash),
        Col::P => a
            .p_shortlist
            .map(|p| format!("{:.0}%", p * 100.0))
            .unwrap_or_else(dash),
        Col::N => a.experts.to_string(),
        Col::Status => app.lang.app_status(a.status, app.shown.settings.threshold),
        Col::Funding => funding_text(app, a),
        Col::Flags => flag_marks(a),
    }
}

/// The flag marks in `w` columns: whole marks while they fit, then how many more (`≠K01
/// !E03 +2`), so that a cut mark never reads as another one; the details list them all.
fn fit_marks(marks: &str, w: usize) -> String {
    if width(marks) <= w {
        return marks.to_string();
    }
    let all: Vec<&str> = marks.split(' ').collect();
    for keep in (0..all.len()).rev() {
        let more = format!("+{}", all.len() - keep);
        let head = all[..keep].join(" ");
        let s = if head.is_empty() {
            more
        } else {
            format!("{head} {more}")
        };
        if width(&s) <= w {
            return s;
        }
    }
    String::new()
}

fn join_cells(cols: &[(Col, usize)], text: impl Fn(Col) -> String) -> String {
    cols.iter()
        .map(|(c, w)| {
            let t = text(*c);
            let t = if *c == Col::Flags {
                fit_marks(&t, *w)
            } else {
                t
            };
            if right_aligned(*c) {
                pad_left(&t, *w)
            } else {
                pad_right(&t, *w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn draw_table(rk: &Ranking, app: &ChairData, r: Rect, buf: &mut Buffer, th: Theme) {
    let c = app.lang.c();
    let w = r.width as usize;
    let cols = columns(app, w.saturating_sub(1));
    let head = format!(
        " {}",
        join_cells(&cols, |c| header_text(app, c).to_string())
    );
    set(
        buf,
        r.x,
        r.y,
        &head,
        r.width,
        th.heading().add_modifier(Modifier::UNDERLINED),
    );
    if app.rows().is_empty() {
        set(buf, r.x + 1, r.y + 1, c.no_apps, r.width, th.dim());
        return;
    }
    let rows = app.table_rows();
    let list_h = r.height.saturating_sub(1) as usize;
    for k in 0..list_h {
        let Some(row) = rows.get(rk.scroll + k) else {
            break;
        };
        let y = r.y + 1 + k as u16;
        match row {
            None => {
                let s = &app.shown.settings;
                let zh = app.lang.is_zh();
                let mut label = if zh {
                    format!(
                        " 入围线：{} {} · {} {} ",
                        c.shortlisted,
                        app.shown.results.shortlist().count(),
                        c.quota,
                        s.quota.map(|q| q.to_string()).unwrap_or_else(|| "—".into())
                    )
                } else {
                    format!(
                        " cut line: {} {} · {} {} ",
                        app.shown.results.shortlist().count(),
                        c.shortlisted,
                        c.quota,
                        s.quota.map(|q| q.to_string()).unwrap_or_else(|| "—".into())
                    )
                };
                if let Some(u) = app.shown.results.budget_used_wan {
                    label.push_str(&format!("· {} {}{} ", c.recommended, show(u), c.wan));
                }
                let lw = width(&label);
                let left = 6usize.min(w.saturating_sub(lw));
                let line = format!(
                    "{}{label}{}",
                    "─".repeat(left),
                    "─".repeat(w.saturating_sub(left + lw))
                );
                set(buf, r.x, y, &line, r.width, th.heading());
            }
            Some(i) => {
                let a = &app.rows()[*i];
                let lead = if *i == rk.sel { "▶" } else { " " };
                let line = format!("{lead}{}", join_cells(&cols, |c| cell_text(app, a, c)));
                let style = if *i == rk.sel {
                    th.selected(true)
                } else if a.status == crate::aggregate::Status::Ineligible {
                    th.dim()
                } else {
                    Style::new()
                };
                set(buf, r.x, y, &pad_right(&line, w), r.width, style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn flag_marks_that_do_not_fit_end_in_a_count_of_the_rest() {
        assert_eq!(super::fit_marks("≠K01 !E03", 12), "≠K01 !E03");
        assert_eq!(super::fit_marks("≠K01 ≠K02 ≠K03 =cut ?", 11), "≠K01 +4");
        assert_eq!(
            super::fit_marks("≠K01 ≠K02 ≠K03 =cut ?", 16),
            "≠K01 ≠K02 +3"
        );
        assert_eq!(
            super::fit_marks("≠K01 ≠K02 ≠K03 =cut ?", 17),
            "≠K01 ≠K02 ≠K03 +2"
        );
        assert_eq!(super::fit_marks("≠K01 ≠K02", 3), "+2");
        assert_eq!(super::fit_marks("≠K01 ≠K02", 1), "");
    }
}
