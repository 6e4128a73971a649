//! The chair screen's documents (the application details, the experts view): their lines,
//! the text helpers the chair's views share, and the drawing of a scrollable document.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use crate::aggregate::{AppResult, EligibilityStatus, Flag};
use crate::tui::draw::{self, set, Theme};
use crate::tui::keys;
use crate::tui::text::{self, pad_left, pad_right};

/// Kind of a line of the details or the experts view (for styling and selection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DKind {
    Heading,
    Text,
    Dim,
    Warn,
    /// The column header of the matrix.
    Header,
    /// The matrix row of expert `i` (index into [`super::ChairData::experts`]).
    Row(usize),
    /// The panel's row of the matrix.
    Panel,
}

/// One line of a document view.
#[derive(Debug, Clone, PartialEq)]
pub struct DLine {
    pub text: String,
    pub kind: DKind,
}

impl DLine {
    pub(super) fn new(text: impl Into<String>, kind: DKind) -> DLine {
        DLine {
            text: text.into(),
            kind,
        }
    }
}

/// Wrap `s` to `w` columns into `out`, each line indented by `indent` spaces.
pub(super) fn wrap_into(out: &mut Vec<DLine>, s: &str, w: usize, kind: DKind, indent: usize) {
    let pad = " ".repeat(indent);
    for l in text::wrap(s, w.saturating_sub(indent).max(10)) {
        out.push(DLine::new(format!("{pad}{l}"), kind));
    }
}

/// The flags of an application as short marks (`≠B1 !E03 =cut $ ?`).
pub fn flag_marks(a: &AppResult) -> String {
    let mut v = Vec::new();
    for f in &a.flags {
        v.push(match f {
            Flag::Disagreement(c) => format!("≠{c}"),
            Flag::Outlier(e) => format!("!{e}"),
            Flag::TieAtCut => "=cut".into(),
            Flag::BudgetExhausted => "$".into(),
        });
    }
    if a.eligibility == EligibilityStatus::Unchecked {
        v.push("?".into());
    }
    v.join(" ")
}

/// The part of a display name before a space (`专家一 Expert 1` → `专家一`).
pub(super) fn short_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

/// The last dash-separated part of a code (`T24-003` → `003`).
pub fn short_code(code: &str) -> &str {
    code.rsplit('-').next().unwrap_or(code)
}

/// A code in at most `w` columns, for a narrow column head: its last dash-separated part
/// when that fits (`T24-003` → `003`), else its last `w` columns (`SY00013` → `013`), the
/// end being where codes of one call differ.
pub fn code_tail(code: &str, w: usize) -> String {
    let short = short_code(code);
    if text::width(short) <= w {
        return short.to_string();
    }
    let mut used = 0;
    let mut tail: Vec<char> = Vec::new();
    for c in code.chars().rev() {
        let cw = text::width(c.encode_utf8(&mut [0; 4]));
        if used + cw > w {
            break;
        }
        used += cw;
        tail.push(c);
    }
    tail.into_iter().rev().collect()
}

fn dline_style(l: &DLine, selected: Option<usize>, th: Theme) -> Style {
    match l.kind {
        DKind::Heading => th.heading(),
        DKind::Header => th.heading().add_modifier(Modifier::UNDERLINED),
        DKind::Warn => th.warn(),
        DKind::Dim => th.dim(),
        DKind::Text => Style::new(),
        DKind::Panel => Style::new().add_modifier(Modifier::BOLD),
        DKind::Row(i) if Some(i) == selected => th.selected(true),
        DKind::Row(_) => Style::new(),
    }
}

/// Draw a scrollable document (details, experts); `selected` is the expert row shown
/// selected (▶, reverse video). When it does not fit, its last row is kept for the position
/// mark (`▲3 ▼12 4–21/36`, right-aligned), so the mark never covers text.
pub(super) fn draw(
    lines: &[DLine],
    scroll: usize,
    selected: Option<usize>,
    r: Rect,
    buf: &mut Buffer,
    th: Theme,
) {
    let rows = r.height as usize;
    let over = lines.len() > rows && rows > 1;
    let h = if over { rows - 1 } else { rows };
    let s = scroll.min(lines.len().saturating_sub(h));
    for (k, l) in lines.iter().skip(s).take(h).enumerate() {
        let style = dline_style(l, selected, th);
        let lead = match l.kind {
            DKind::Row(i) if Some(i) == selected => "▶",
            _ => " ",
        };
        let text = if matches!(l.kind, DKind::Row(_) | DKind::Panel | DKind::Header) {
            pad_right(&format!("{lead}{}", l.text), r.width as usize)
        } else {
            format!("{lead}{}", l.text)
        };
        set(buf, r.x, r.y + k as u16, &text, r.width, style);
    }
    if over {
        let more = draw::more_hint(s, h, lines.len()).unwrap_or_default();
        let pos = format!(
            "{} {}–{}/{} ",
            more.trim_end(),
            s + 1,
            (s + h).min(lines.len()),
            lines.len()
        );
        let pos = pad_left(&pos, r.width as usize);
        set(buf, r.x, r.bottom() - 1, &pos, r.width, th.key());
    }
}

/// The help overlay's lines: every chair context's actions with their keys (from the key
/// map and the actions' doc comments), then the legend.
pub fn help_lines(app: &super::ChairApp, width: usize) -> Vec<(String, bool)> {
    let zh = app.lang.is_zh();
    let t = app.lang.t();
    let c = app.lang.c();
    let mut out = Vec::new();
    const KEYS: usize = 14;
    // one column kept free before the right border
    let text_w = width.saturating_sub(KEYS + 5).max(10);
    for ctx in [
        keys::Context::Global,
        keys::Context::Ranking,
        keys::Context::Detail,
        keys::Context::Progress,
        keys::Context::Experts,
        keys::Context::Editor,
    ] {
        out.push((format!("── {} ──", t.ctx_names[ctx as usize]), true));
        for (a, ks) in app.keymap.actions(ctx) {
            if ctx == keys::Context::Global
                && !(matches!(
                    a,
                    crate::tui::action::Action::ForceQuit
                        | crate::tui::action::Action::Quit
                        | crate::tui::action::Action::Help
                        | crate::tui::action::Action::Back
                ) || app.can_switch && a == crate::tui::action::Action::SwitchView)
            {
                continue;
            }
            let k = keys::show_keys(&ks);
            for (i, l) in text::wrap(a.long(zh).unwrap_or(""), text_w)
                .into_iter()
                .enumerate()
            {
                let key = if i == 0 { k.as_str() } else { "" };
                out.push((format!("  {}  {l}", text::pad_right(key, KEYS)), false));
            }
        }
    }
    out.push((format!("── {} ──", c.legend), true));
    let settings = &app.data.official.settings;
    let flags = app.lang.flag_legend(
        settings.disagreement_range_share,
        settings.outlier_total_share,
        app.data.official.rubric.total_max,
    );
    let (first, rest) = c.legend_lines.split_at(1);
    for l in first
        .iter()
        .copied()
        .chain([flags.as_str()])
        .chain(rest.iter().copied())
    {
        for w in text::wrap(l, width.saturating_sub(3).max(10)) {
            out.push((format!("  {w}"), false));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_tail_keeps_the_part_that_differs() {
        assert_eq!(code_tail("T24-003", 3), "003");
        assert_eq!(code_tail("SY00013", 3), "013");
        assert_eq!(code_tail("A-1", 3), "1");
        assert_eq!(code_tail("2024-0012", 3), "012");
        // double-width characters count two columns
        assert_eq!(code_tail("项目甲乙", 3), "乙");
        assert_eq!(code_tail("项目甲乙", 4), "甲乙");
    }
}
