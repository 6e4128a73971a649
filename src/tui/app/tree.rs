//! The expert screen's criterion tree as a component: the rows (categories, criteria,
//! items) built from the rubric, the selected item and the scroll. Only item rows are
//! selectable; the header rows above an item are kept in view with it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Widget;
use rust_decimal::Decimal;

use super::{App, Progress};
use crate::rubric::num::show;
use crate::rubric::Rubric;
use crate::tui::action::Action;
use crate::tui::draw::{more_hint, pane_block, set, Theme};
use crate::tui::layout::{self, Pane};
use crate::tui::text::{pad_left, pad_right, truncate, width};

const W_MAX: usize = 5;
const W_SUGG: usize = 6;
const W_VAL: usize = 7;
const W_MARK: usize = 3;

fn tree_cols(w: usize) -> usize {
    w.saturating_sub(W_MAX + W_SUGG + W_VAL + W_MARK)
}

/// A row of the criterion tree: indices of category, criterion, item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Cat(usize),
    Crit(usize, usize),
    Item(usize, usize, usize),
}

/// What a key in the tree asks of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Select item `i` (index into the item rows; the screen keeps it in range).
    Select(usize),
    /// Page through the evidence (`-1` up, `1` down): the tree's page keys are bound to
    /// the evidence page actions and scroll the evidence beside it.
    PageEvidence(isize),
    /// Focus this pane.
    Focus(Pane),
}

/// The criterion tree's state.
#[derive(Debug, Clone, Default)]
pub struct CriteriaTree {
    rows: Vec<Row>,
    /// Indices into `rows` of the item rows (the selectable ones).
    item_rows: Vec<usize>,
    /// The selected item (index into `item_rows`).
    sel: usize,
    /// First visible row.
    scroll: usize,
}

impl CriteriaTree {
    /// The tree of `rubric`, its first item selected.
    pub fn new(rubric: &Rubric) -> CriteriaTree {
        let mut rows = Vec::new();
        let mut item_rows = Vec::new();
        for (ci, cat) in rubric.categories.iter().enumerate() {
            rows.push(Row::Cat(ci));
            for (ki, k) in cat.criteria.iter().enumerate() {
                rows.push(Row::Crit(ci, ki));
                for ii in 0..k.items.len() {
                    item_rows.push(rows.len());
                    rows.push(Row::Item(ci, ki, ii));
                }
            }
        }
        CriteriaTree {
            rows,
            item_rows,
            sel: 0,
            scroll: 0,
        }
    }

    /// Every row, in order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Indices into [`CriteriaTree::rows`] of the item rows.
    pub fn item_rows(&self) -> &[usize] {
        &self.item_rows
    }

    /// The selected item (index into [`CriteriaTree::item_rows`]).
    pub fn sel(&self) -> usize {
        self.sel
    }

    /// First visible row.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The row of the selected item.
    pub fn sel_row(&self) -> Option<Row> {
        self.item_rows.get(self.sel).map(|&r| self.rows[r])
    }

    /// Number of items.
    pub fn items(&self) -> usize {
        self.item_rows.len()
    }

    /// The items as (index into `item_rows`, category, criterion, item).
    pub(super) fn item_indices(&self) -> impl Iterator<Item = (usize, usize, usize, usize)> + '_ {
        self.item_rows
            .iter()
            .enumerate()
            .filter_map(|(n, &r)| match self.rows[r] {
                Row::Item(c, k, i) => Some((n, c, k, i)),
                _ => None,
            })
    }

    /// The first item (index into `item_rows`) for which `pred(category, criterion, item)`.
    pub(super) fn find(&self, pred: impl Fn(usize, usize, usize) -> bool) -> Option<usize> {
        self.item_indices()
            .find(|&(_, c, k, i)| pred(c, k, i))
            .map(|(n, ..)| n)
    }

    /// Select item `i` (index into `item_rows`, not clamped).
    pub(super) fn set_sel(&mut self, i: usize) {
        self.sel = i;
    }

    /// The item `delta` items from the selected one (clamped to the tree).
    pub(super) fn step(&self, delta: isize) -> Option<usize> {
        let n = self.item_rows.len() as isize;
        (n > 0).then(|| (self.sel as isize + delta).clamp(0, n - 1) as usize)
    }

    /// The item on visible row `row` (a header row gives its first item).
    pub(super) fn at_row(&self, row: usize) -> Option<usize> {
        let ri = self.scroll + row;
        let pos = self.item_rows.iter().position(|&x| x >= ri)?;
        (ri < self.rows.len()).then_some(pos)
    }

    /// Keep the selected item, and the header rows right above it (its criterion, its
    /// category) when they fit, among the `h` visible rows.
    pub(super) fn keep_visible(&mut self, h: usize) {
        if let Some(&row) = self.item_rows.get(self.sel) {
            let mut top = row;
            while top > 0 && !matches!(self.rows[top - 1], Row::Item(..)) && row - (top - 1) < h {
                top -= 1;
            }
            if top < self.scroll {
                self.scroll = top;
            } else if h > 0 && row >= self.scroll + h {
                self.scroll = row + 1 - h;
            }
            self.scroll = self.scroll.min(self.rows.len().saturating_sub(h));
        }
    }

    /// Apply a key of the tree; `None` when the key is not the tree's own (the screen's shared
    /// keys: the item's value, comment, search…) or asks nothing of the screen.
    pub(super) fn handle(&self, action: Action) -> Option<Outcome> {
        match action {
            Action::Up => self.step(-1).map(Outcome::Select),
            Action::Down => self.step(1).map(Outcome::Select),
            Action::Top => Some(Outcome::Select(0)),
            Action::Bottom => Some(Outcome::Select(usize::MAX)),
            Action::EvidencePageUp => Some(Outcome::PageEvidence(-1)),
            Action::EvidencePageDown => Some(Outcome::PageEvidence(1)),
            Action::Back => Some(Outcome::Focus(Pane::Apps)),
            _ => None,
        }
    }

    /// Draw the tree into `r`: the column header, one row per category, criterion and item
    /// (maximum, suggestion, value, marks), the open score entry on the selected item, and
    /// the footer with the total and the caps applied.
    pub(super) fn draw(&self, app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
        let focused = app.focus == Pane::Tree;
        let t = app.lang.t();
        let title = match app.cur() {
            Some(a) => format!("{} · {} {}", t.tree, a.input.code, a.input.title),
            None => t.tree.to_string(),
        };
        let mut block = pane_block(
            truncate(&title, r.width.saturating_sub(8) as usize),
            focused,
            th,
        );
        if app.cur().is_some() {
            let h = layout::tree_list(r).height as usize;
            if let Some(hint) = more_hint(self.scroll, h, self.rows.len()) {
                block = block.title_bottom(Line::from(hint).right_aligned());
            }
        }
        let inner = block.inner(r);
        block.render(r, buf);
        let w = inner.width as usize;
        let lw = tree_cols(w);
        // header
        let head = format!(
            "{}{}{}{}",
            pad_right(t.col_item, lw),
            pad_left(t.col_max, W_MAX),
            pad_left(t.col_sugg, W_SUGG),
            pad_left(t.col_value, W_VAL)
        );
        set(
            buf,
            inner.x,
            inner.y,
            &head,
            inner.width,
            th.heading().add_modifier(Modifier::UNDERLINED),
        );
        let Some(a) = app.cur() else {
            return;
        };
        let ai = app.app_sel();
        // under a conflict of interest the expert gives no score: no subtotals, no total
        let conflict = app.progress(ai) == Progress::Conflict;
        let list = layout::tree_list(r);
        let sel_row = self.item_rows.get(self.sel).copied();
        for k in 0..list.height as usize {
            let ri = self.scroll + k;
            let Some(row) = self.rows.get(ri) else {
                break;
            };
            let y = list.y + k as u16;
            let (label, max, sugg, val, marks, style) = match *row {
                Row::Cat(c) => {
                    let cat = &app.rubric.categories[c];
                    let v = a
                        .scored
                        .categories
                        .get(&cat.id)
                        .copied()
                        .unwrap_or_default();
                    let raw: Decimal = cat
                        .criteria
                        .iter()
                        .filter_map(|k| a.scored.criteria.get(&k.id))
                        .map(|s| s.value)
                        .sum();
                    let title = app.pick(&cat.title, &cat.title_en);
                    let bonus = if cat.bonus {
                        format!(" ({})", t.bonus)
                    } else {
                        String::new()
                    };
                    (
                        format!("{} {title}{bonus}", cat.id),
                        show(cat.max),
                        String::new(),
                        if conflict { "—".into() } else { show(v) },
                        if raw > cat.max {
                            "⚠".to_string()
                        } else {
                            String::new()
                        },
                        th.heading(),
                    )
                }
                Row::Crit(c, k) => {
                    let crit = &app.rubric.categories[c].criteria[k];
                    let s = a.scored.criteria.get(&crit.id);
                    let clamped = s.is_some_and(|s| !s.clamps.is_empty());
                    let missing = a
                        .eval
                        .criterion(&crit.id)
                        .is_some_and(|e| !e.missing_facts.is_empty());
                    (
                        format!("  {} {}", crit.id, app.pick(&crit.title, &crit.title_en)),
                        show(crit.max),
                        String::new(),
                        match s {
                            _ if conflict => "—".into(),
                            Some(s) => show(s.value),
                            None => String::new(),
                        },
                        if clamped || missing {
                            "⚠".into()
                        } else {
                            String::new()
                        },
                        Style::new().add_modifier(Modifier::BOLD),
                    )
                }
                Row::Item(c, k, i) => {
                    let it = &app.rubric.categories[c].criteria[k].items[i];
                    let ie = a.eval.item(&it.id);
                    let sugg = ie.and_then(|e| e.auto);
                    let explicit = a.sheet.values.get(&it.id);
                    let is_sel = Some(ri) == sel_row;
                    let val = match (app.entry.cell_fit(W_VAL), explicit, sugg) {
                        (Some(b), _, _) if is_sel => b,
                        (_, Some((v, _)), _) => show(*v),
                        (_, None, Some(s)) => format!("={}", show(s)),
                        (_, None, None) => "_".into(),
                    };
                    let mut marks = String::new();
                    if let (Some((v, _)), Some(s)) = (explicit, sugg) {
                        if *v != s {
                            marks.push('R');
                        }
                    }
                    if a.sheet.comments.contains_key(&it.id) {
                        marks.push('✎');
                    }
                    if ie.is_some_and(|e| !e.clamps.is_empty() || !e.missing_facts.is_empty()) {
                        marks.push('⚠');
                    }
                    let style = if is_sel {
                        th.selected(focused || app.focus == Pane::Evidence)
                    } else {
                        Style::new()
                    };
                    (
                        format!(
                            "  {} {} {}",
                            if is_sel { "▶" } else { " " },
                            it.id,
                            app.pick(&it.text, &it.text_en)
                        ),
                        show(it.max()),
                        sugg.map(show).unwrap_or_else(|| "—".into()),
                        val,
                        marks,
                        style,
                    )
                }
            };
            let line = format!(
                "{}{}{}{} {}",
                pad_right(&label, lw),
                pad_left(&max, W_MAX),
                pad_left(&sugg, W_SUGG),
                pad_left(&val, W_VAL),
                pad_right(&marks, W_MARK - 1)
            );
            set(buf, inner.x, y, &line, inner.width, style);
            if matches!(row, Row::Item(..)) && Some(ri) == sel_row {
                let x = inner.x + (lw + W_MAX + W_SUGG) as u16;
                app.entry.draw(buf, x, y, W_VAL, th);
            }
        }
        // footer: the total = the category subtotals, and the number of caps applied
        if inner.height >= 3 {
            let fy = inner.y + inner.height - 1;
            let mut main_parts = Vec::new();
            let mut bonus_parts = Vec::new();
            for cat in &app.rubric.categories {
                let v = a
                    .scored
                    .categories
                    .get(&cat.id)
                    .copied()
                    .unwrap_or_default();
                let part = format!("{} {}", cat.id, show(v));
                if cat.bonus {
                    bonus_parts.push(part);
                } else {
                    main_parts.push(part);
                }
            }
            let head = format!(
                "{} {} / {}",
                t.total,
                show(a.scored.total),
                show(app.rubric.total_max + app.rubric.bonus_max()),
            );
            let mut parts = format!(" = {}", main_parts.join(" + "));
            if !bonus_parts.is_empty() {
                parts.push_str(&format!(" + {} ({})", bonus_parts.join(" + "), t.bonus));
            }
            let mut tail = String::new();
            let raw_main: Decimal = app
                .rubric
                .categories
                .iter()
                .filter(|c| !c.bonus)
                .filter_map(|c| a.scored.categories.get(&c.id))
                .sum();
            if raw_main > app.rubric.total_max {
                tail.push_str(&format!(" ⚠ → {}", show(app.rubric.total_max)));
            }
            let caps = caps_applied(app, ai);
            if caps > 0 {
                tail.push_str(&format!("   ⚠ {} {caps}", t.caps));
            }
            let s = if conflict {
                app.lang.conflict_footer().to_string()
            } else {
                footer_text(&head, &parts, &tail, w)
            };
            set(
                buf,
                inner.x,
                fy,
                &s,
                inner.width,
                Style::new().add_modifier(Modifier::BOLD),
            );
        }
    }
}

/// The tree's footer in `w` columns: the total (`head`), the category subtotals (`parts`)
/// and the warnings (`tail`: over the maximum, caps applied). When it does not fit, the
/// subtotals are cut, ending in `…` (they stand on the category rows too), or left out, so
/// that the total and the warnings keep their numbers; only a pane too narrow even for
/// those cuts the end, with `…`.
fn footer_text(head: &str, parts: &str, tail: &str, w: usize) -> String {
    let full = format!("{head}{parts}{tail}");
    if width(&full) <= w {
        return full;
    }
    // room for the cut subtotals: at least " = A 1…" to be worth showing
    let room = w.saturating_sub(width(head) + width(tail));
    if room >= 7 {
        return format!("{head}{}{tail}", truncate(parts, room));
    }
    truncate(&format!("{head}{tail}"), w)
}

/// Number of caps applied to the application's current values: item caps of
/// the suggestions in effect, criterion, category and total caps.
pub fn caps_applied(app: &App, ai: usize) -> usize {
    let a = &app.apps[ai];
    let items = a
        .eval
        .criteria
        .iter()
        .flat_map(|c| c.items.iter())
        .filter(|e| !a.sheet.values.contains_key(&e.id))
        .map(|e| e.clamps.len())
        .sum::<usize>();
    items
        + a.scored
            .criteria
            .values()
            .map(|c| c.clamps.len())
            .sum::<usize>()
        + a.scored.clamps.len()
}

#[cfg(test)]
mod tests {
    use super::footer_text;
    use crate::tui::text::width;

    #[test]
    fn a_footer_too_wide_cuts_the_subtotals_with_an_ellipsis_and_keeps_the_numbers() {
        let (head, parts, tail) = ("Total 57.5 / 100", " = A 27.5 + B 20 + C 10", "   ⚠ caps 3");
        // fits: whole
        assert_eq!(
            footer_text(head, parts, tail, 60),
            "Total 57.5 / 100 = A 27.5 + B 20 + C 10   ⚠ caps 3"
        );
        // the criteria pane at 120×40 (47 columns inside): the subtotals are cut, the caps
        // keep their number
        let s = footer_text(head, parts, tail, 47);
        assert_eq!(s, "Total 57.5 / 100 = A 27.5 + B 20 + …   ⚠ caps 3");
        assert!(width(&s) <= 47);
        // narrower: the subtotals go, the total and the caps stay whole
        assert_eq!(
            footer_text(head, parts, tail, 30),
            "Total 57.5 / 100   ⚠ caps 3"
        );
        // too narrow even for that: the end is cut, and says so
        let s = footer_text(head, parts, tail, 20);
        assert!(s.ends_with('…') && width(&s) <= 20, "{s}");
    }
}
