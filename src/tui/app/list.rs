//! The expert screen's application list as a component: which applications it shows and in
//! which order (the filter and the sort), the selected one and the scroll. The screen
//! computes the order from its data ([`super::App::refresh_order`]); the list keeps it and
//! the selection consistent.

use crate::tui::i18n::Lang;
use crate::tui::layout::keep_in_view;

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
}
