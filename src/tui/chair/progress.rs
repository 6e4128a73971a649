//! The chair screen's progress grid as a component: experts × applications with each
//! cell's state (· ● ✓ ✗) and, per expert, the counts and the last merged sheet. It owns its
//! state (the selected cell, the first visible column), draws the grid and handles its keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::data::{ChairData, GRID_CELL, GRID_LABEL};
use super::doc::{code_tail, short_name};
use crate::rubric::num::show;
use crate::tui::action::Action;
use crate::tui::draw::{more_hint, set, Theme};
use crate::tui::text::{pad_left, pad_right, truncate, wrap};

/// The progress grid's state.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Selected cell: (expert index, application index).
    cell: (usize, usize),
    /// First visible application column.
    scroll: usize,
    /// First visible expert row.
    top: usize,
}

/// What a key in the progress grid asks of the screen.
pub(super) enum Outcome {
    /// Open the details of application `code` on the row of expert `expert`.
    Drill { code: String, expert: usize },
    /// Reopen `code` for the expert at index `expert`.
    Reopen { code: String, expert: usize },
    /// Back to the ranking.
    Back,
}

impl Progress {
    /// The selected cell: (expert index, application index).
    pub fn cell(&self) -> (usize, usize) {
        self.cell
    }

    /// First visible expert row.
    pub fn top(&self) -> usize {
        self.top
    }

    /// Keep the selected cell among `ne` experts and `na` applications, its column among
    /// the `cols` visible ones and its row among the `rows` visible ones.
    pub(super) fn clamp(&mut self, ne: usize, na: usize, cols: usize, rows: usize) {
        if ne > 0 && self.cell.0 >= ne {
            self.cell.0 = ne - 1;
        }
        if na > 0 && self.cell.1 >= na {
            self.cell.1 = na - 1;
        }
        if self.cell.1 < self.scroll {
            self.scroll = self.cell.1;
        } else if cols > 0 && self.cell.1 >= self.scroll + cols {
            self.scroll = self.cell.1 + 1 - cols;
        }
        self.scroll = self.scroll.min(na.saturating_sub(cols.max(1)));
        let rows = rows.max(1);
        if self.cell.0 < self.top {
            self.top = self.cell.0;
        } else if self.cell.0 >= self.top + rows {
            self.top = self.cell.0 + 1 - rows;
        }
        self.top = self.top.min(ne.saturating_sub(rows));
    }

    /// Apply a key of the progress grid.
    pub(super) fn handle(&mut self, action: Action, app: &ChairData) -> Option<Outcome> {
        let ne = app.experts().len();
        let na = app.panel.bundles.len();
        match action {
            Action::Up => self.cell.0 = self.cell.0.saturating_sub(1),
            Action::Down => self.cell.0 = (self.cell.0 + 1).min(ne.saturating_sub(1)),
            Action::Left => self.cell.1 = self.cell.1.saturating_sub(1),
            Action::Right => self.cell.1 = (self.cell.1 + 1).min(na.saturating_sub(1)),
            Action::Top => self.cell.0 = 0,
            Action::Bottom => self.cell.0 = ne.saturating_sub(1),
            Action::PageDown => {
                let page = app.grid_rows().max(1);
                self.cell.0 = (self.cell.0 + page).min(ne.saturating_sub(1));
            }
            Action::PageUp => self.cell.0 = self.cell.0.saturating_sub(app.grid_rows().max(1)),
            Action::Drill => {
                if let Some(code) = app.codes().get(self.cell.1) {
                    return Some(Outcome::Drill {
                        code: code.to_string(),
                        expert: self.cell.0,
                    });
                }
            }
            Action::Reopen => {
                if let Some(code) = app.codes().get(self.cell.1) {
                    return Some(Outcome::Reopen {
                        code: code.to_string(),
                        expert: self.cell.0,
                    });
                }
            }
            Action::Back => return Some(Outcome::Back),
            _ => {}
        }
        None
    }

    /// Draw the grid into `r`.
    pub(crate) fn draw(&self, app: &ChairData, r: Rect, buf: &mut Buffer, th: Theme) {
        draw_grid(self, app, r, buf, th);
    }
}

fn draw_grid(pg: &Progress, app: &ChairData, r: Rect, buf: &mut Buffer, th: Theme) {
    let c = app.lang.c();
    let zh = app.lang.is_zh();
    let codes = app.codes();
    let cols = app.grid_cols().max(1);
    let first = pg.scroll;
    let visible: Vec<(usize, &str)> = codes
        .iter()
        .enumerate()
        .skip(first)
        .take(cols)
        .map(|(i, c)| (i, *c))
        .collect();
    let more_left = first > 0;
    let more_right = first + visible.len() < codes.len();
    // header
    let mut head = pad_right(
        &format!(" {}{}", c.col_expert, if more_left { " ◀" } else { "" }),
        GRID_LABEL,
    );
    for (_, code) in &visible {
        head.push_str(&pad_left(&code_tail(code, GRID_CELL - 1), GRID_CELL - 1));
        head.push(' ');
    }
    head.push_str(&format!(
        "{}  ✓  ●  ✗  ·  {}",
        if more_right { "▶" } else { " " },
        if zh { "评分表" } else { "sheet" }
    ));
    set(
        buf,
        r.x,
        r.y,
        &head,
        r.width,
        th.heading().add_modifier(Modifier::UNDERLINED),
    );
    let experts = app.experts();
    let mut y = r.y + 1;
    let bottom = r.bottom();
    let rows = app.grid_rows().max(1);
    for (ei, e) in experts.iter().enumerate().skip(pg.top).take(rows) {
        if y >= bottom {
            break;
        }
        let label = pad_right(&format!(" {} {}", e.id, short_name(&e.name)), GRID_LABEL);
        set(buf, r.x, y, &label, GRID_LABEL as u16, Style::new());
        let mut x = r.x + GRID_LABEL as u16;
        for (ai, code) in &visible {
            let cell = app.cell(code, &e.id);
            let sel = (ei, *ai) == pg.cell;
            let s = if sel {
                format!("[{}]", cell.mark())
            } else {
                format!(" {} ", cell.mark())
            };
            let s = pad_right(&s, GRID_CELL - 1);
            let style = if sel { th.selected(true) } else { Style::new() };
            set(buf, x, y, &s, (GRID_CELL - 1) as u16, style);
            x += GRID_CELL as u16;
        }
        let count = |k: super::Cell| codes.iter().filter(|a| app.cell(a, &e.id) == k).count();
        use super::Cell;
        let seq = app
            .merged
            .get(&e.id)
            .map(|s| {
                if zh {
                    format!("第{s}{}", c.sheet_seq)
                } else {
                    format!("{} {s}", c.sheet_seq)
                }
            })
            .unwrap_or_else(|| c.no_sheet.to_string());
        let summary = format!(
            "{:>3}{:>3}{:>3}{:>3}  {seq}",
            count(Cell::Submitted),
            count(Cell::Draft),
            count(Cell::Conflict),
            count(Cell::Unscored)
        );
        set(
            buf,
            x,
            y,
            &summary,
            r.right().saturating_sub(x),
            Style::new(),
        );
        y += 1;
    }
    // valid experts per application (official results)
    if y < bottom {
        let quorum = app.official.settings.quorum;
        let mut line = pad_right(
            &format!(" {}", if zh { "有效/法定" } else { "valid/quorum" }),
            GRID_LABEL,
        );
        for (_, code) in &visible {
            let n = app
                .official
                .results
                .app(code)
                .map(|a| a.experts)
                .unwrap_or(0);
            let s = if n < quorum {
                format!("{n}!")
            } else {
                format!("{n} ")
            };
            line.push_str(&pad_left(&s, GRID_CELL - 1));
            line.push(' ');
        }
        line.push_str(&format!(
            "  {}",
            if zh {
                format!("法定人数 {quorum}，! 不足")
            } else {
                format!("quorum {quorum}, ! short")
            }
        ));
        set(
            buf,
            r.x,
            y,
            &line,
            r.width,
            Style::new().add_modifier(Modifier::BOLD),
        );
        y += 1;
    }
    // the selected cell, the legend
    let mut foot: Vec<(String, Style)> = Vec::new();
    if let (Some(e), Some(code)) = (experts.get(pg.cell.0), codes.get(pg.cell.1)) {
        let cell = app.cell(code, &e.id);
        let state = match cell {
            super::Cell::Unscored => {
                if zh {
                    "未评"
                } else {
                    "unscored"
                }
            }
            super::Cell::Draft => {
                if zh {
                    "草稿（未提交，不计入）"
                } else {
                    "draft (not submitted, not counted)"
                }
            }
            super::Cell::Submitted => {
                if zh {
                    "已提交"
                } else {
                    "submitted"
                }
            }
            super::Cell::Conflict => {
                if zh {
                    "回避"
                } else {
                    "conflict of interest"
                }
            }
        };
        let title = app.official.titles.get(*code).cloned().unwrap_or_default();
        let mut s = format!("{} {} × {code} {title}: {state}", cell.mark(), e.id);
        if let Some(reason) = app.reasons.get(&(code.to_string(), e.id.clone())) {
            s.push_str(&format!(" — {}", app.lang.status_reason(reason)));
        }
        if let Some(t) = app
            .official
            .results
            .app(code)
            .and_then(|a| a.expert_totals.get(&e.id))
        {
            s.push_str(&format!(" · {} {}", c.col_total, show(*t)));
        }
        for l in wrap(&s, r.width.saturating_sub(2) as usize) {
            foot.push((l, Style::new().add_modifier(Modifier::BOLD)));
        }
    }
    foot.push((c.progress_legend.to_string(), th.dim()));
    // which experts are shown when not all fit (the blank line under the grid)
    let ne = experts.len();
    if ne > rows && y < bottom {
        let first = pg.top.min(ne);
        let more = more_hint(first, rows, ne).unwrap_or_default();
        let pos = format!(
            "{} {}–{}/{} ",
            more.trim_end(),
            first + 1,
            (first + rows).min(ne),
            ne
        );
        set(
            buf,
            r.x,
            y,
            &pad_left(&pos, r.width as usize),
            r.width,
            th.key(),
        );
    }
    let y = y + 1;
    for (k, (l, st)) in foot.iter().enumerate() {
        let yy = y + k as u16;
        if yy >= bottom {
            break;
        }
        set(buf, r.x + 1, yy, l, r.width.saturating_sub(1), *st);
    }
    // what `--watch` merged or refused, newest first, in the rows left (one line each)
    let mut y = y + foot.len() as u16 + 1;
    if !app.log.is_empty() && y + 1 < bottom {
        set(
            buf,
            r.x + 1,
            y,
            &format!("── {} ──", c.merge_log),
            r.width.saturating_sub(1),
            th.heading(),
        );
        y += 1;
        for l in app.log.iter().rev() {
            if y >= bottom {
                break;
            }
            let line = format!("· {}", l.replace(['\n', '\r'], " "));
            let line = truncate(&line, r.width.saturating_sub(2) as usize);
            set(
                buf,
                r.x + 1,
                y,
                &line,
                r.width.saturating_sub(1),
                Style::new(),
            );
            y += 1;
        }
    }
}
