//! The expert screen's criterion tree as a component: the rows (categories, criteria,
//! items) built from the rubric, the selected item and the scroll. Only item rows are
//! selectable; the header rows above an item are kept in view with it.

use crate::rubric::Rubric;

/// A row of the criterion tree: indices of category, criterion, item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Cat(usize),
    Crit(usize, usize),
    Item(usize, usize, usize),
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
}
