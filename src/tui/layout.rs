//! Where each pane goes, for a terminal size and the focused pane. Used by
//! the views (to draw) and by `update` (mouse hits, scrolling), so both
//! always agree.

use ratatui::layout::Rect;

/// The three panes of the expert screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Apps,
    Tree,
    Evidence,
}

/// From this width on, the three panes sit side by side.
pub const WIDE: u16 = 110;
/// Smallest usable terminal.
pub const MIN_W: u16 = 60;
pub const MIN_H: u16 = 16;

/// Rows of the tree pane's inner area that are not list rows: the column
/// header on top, the totals line at the bottom.
pub const TREE_HEADER: u16 = 1;
pub const TREE_FOOTER: u16 = 1;

/// The screen's areas. A pane is `None` when it is collapsed at this size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub title: Rect,
    pub apps: Option<Rect>,
    pub tree: Option<Rect>,
    pub evidence: Option<Rect>,
    pub status: Rect,
    pub bar: Rect,
    pub too_small: bool,
}

/// Lay out a `w`×`h` screen with `focus` focused.
///
/// Wide (≥ [`WIDE`] columns): applications | criteria | evidence side by side.
/// Narrow: with the application list focused, list | criteria; otherwise
/// the criteria above the evidence (the list collapses; the title bar still
/// names the application).
pub fn layout(w: u16, h: u16, focus: Pane) -> Panes {
    let full = Rect::new(0, 0, w, h);
    let too_small = w < MIN_W || h < MIN_H;
    let title = Rect::new(0, 0, w, 1.min(h));
    let status = Rect::new(0, h.saturating_sub(2), w, 1.min(h));
    let bar = Rect::new(0, h.saturating_sub(1), w, 1.min(h));
    let mut p = Panes {
        title,
        apps: None,
        tree: None,
        evidence: None,
        status,
        bar,
        too_small,
    };
    if too_small {
        p.title = full;
        return p;
    }
    let body = Rect::new(0, 1, w, h - 3);
    if w >= WIDE {
        let aw = (w * 18 / 100).clamp(22, 32);
        let rest = w - aw;
        let tw = rest * 52 / 100;
        p.apps = Some(Rect::new(0, body.y, aw, body.height));
        p.tree = Some(Rect::new(aw, body.y, tw, body.height));
        p.evidence = Some(Rect::new(aw + tw, body.y, rest - tw, body.height));
        return p;
    }
    match focus {
        Pane::Apps => {
            // wide enough that the titles can be told apart (at 80 columns: 24)
            let aw = (w * 3 / 10).clamp(24, 30);
            p.apps = Some(Rect::new(0, body.y, aw, body.height));
            p.tree = Some(Rect::new(aw, body.y, w - aw, body.height));
        }
        Pane::Tree | Pane::Evidence => {
            let th = if focus == Pane::Tree {
                body.height * 55 / 100
            } else {
                body.height * 40 / 100
            }
            .max(TREE_HEADER + TREE_FOOTER + 5);
            p.tree = Some(Rect::new(0, body.y, w, th));
            p.evidence = Some(Rect::new(0, body.y + th, w, body.height - th));
        }
    }
    p
}

/// The area inside a pane's border.
pub fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x + 1,
        r.y + 1,
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// The list rows of the tree pane (inside the border, between header and footer).
pub fn tree_list(r: Rect) -> Rect {
    let i = inner(r);
    Rect::new(
        i.x,
        i.y + TREE_HEADER,
        i.width,
        i.height.saturating_sub(TREE_HEADER + TREE_FOOTER),
    )
}

/// Height of the pinned scoring-standard block at the top of the evidence
/// pane, given the standard's wrapped line count and the pane's inner height.
pub fn standard_rows(std_lines: usize, inner_h: u16) -> u16 {
    if std_lines == 0 {
        return 0;
    }
    let cap = (inner_h / 3).max(2) as usize;
    // one row for the heading; a standard that does not fit is not pinned
    // but shown in full at the top of the scrollable body instead
    if std_lines < cap {
        (std_lines + 1) as u16
    } else {
        0
    }
}

/// The first visible row that keeps row `sel` among `h` visible rows of `len`, moving
/// `scroll` as little as possible.
pub fn keep_in_view(sel: usize, scroll: usize, h: usize, len: usize) -> usize {
    if h == 0 {
        return 0;
    }
    let mut s = scroll;
    if sel < s {
        s = sel;
    } else if sel >= s + h {
        s = sel + 1 - h;
    }
    s.min(len.saturating_sub(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_tiles_without_overlap() {
        for (w, h) in [
            (80, 24),
            (100, 30),
            (110, 30),
            (160, 48),
            (200, 60),
            (60, 16),
        ] {
            for f in [Pane::Apps, Pane::Tree, Pane::Evidence] {
                let p = layout(w, h, f);
                assert!(!p.too_small);
                let panes: Vec<Rect> = [p.apps, p.tree, p.evidence].into_iter().flatten().collect();
                assert!(panes.len() >= 2, "{w}x{h} {f:?}");
                for (i, a) in panes.iter().enumerate() {
                    assert!(a.right() <= w && a.bottom() <= h - 2);
                    for b in &panes[i + 1..] {
                        assert!(!a.intersects(*b), "{w}x{h} {f:?}: {a:?} {b:?}");
                    }
                }
                // the focused pane is always shown
                let shown = match f {
                    Pane::Apps => p.apps,
                    Pane::Tree => p.tree,
                    Pane::Evidence => p.evidence,
                };
                assert!(shown.is_some(), "{w}x{h} {f:?}");
                assert!(tree_list(p.tree.unwrap()).height >= 3, "{w}x{h} {f:?}");
            }
        }
        assert!(layout(59, 24, Pane::Tree).too_small);
        assert!(layout(80, 15, Pane::Tree).too_small);
        assert!(layout(0, 0, Pane::Tree).too_small);
    }
}
