//! The chair screen's experts view as a component: per expert, the number of totals, their
//! mean, the lean against the other experts (a bar) and the distribution (a sparkline). It
//! owns its scroll, builds its lines, draws them and handles the keys of the view.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use rust_decimal::Decimal;

use super::data::ChairData;
use super::doc::{self, short_code, short_name, wrap_into, DKind, DLine};
use crate::rubric::num::show;
use crate::tui::action::Action;
use crate::tui::draw::Theme;
use crate::tui::text;

/// The experts view's state.
#[derive(Debug, Clone, Default)]
pub struct Experts {
    /// First visible line.
    scroll: usize,
}

/// What a key in the experts view asks of the screen.
pub(super) enum Outcome {
    /// Back to the ranking.
    Back,
}

impl Experts {
    /// The lines at the screen's width.
    pub fn lines(&self, app: &ChairData) -> Vec<DLine> {
        lines_of(app, (app.size.0 as usize).saturating_sub(2))
    }

    /// Keep the scroll in range for `len` lines, `h` of them visible.
    pub(super) fn clamp(&mut self, len: usize, h: usize) {
        self.scroll = self.scroll.min(len.saturating_sub(h));
    }

    /// Apply a key of the experts view; `h` is the body's height.
    pub(super) fn handle(&mut self, action: Action, h: usize) -> Option<Outcome> {
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll += 1,
            Action::PageUp => self.scroll = self.scroll.saturating_sub(h),
            Action::PageDown => self.scroll += h,
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = usize::MAX / 2,
            Action::Scroll { down, .. } => {
                self.scroll = if down {
                    self.scroll + 3
                } else {
                    self.scroll.saturating_sub(3)
                }
            }
            Action::Back => return Some(Outcome::Back),
            _ => {}
        }
        None
    }

    /// Draw the view into `r`.
    pub(crate) fn draw(&self, app: &ChairData, r: Rect, buf: &mut Buffer, th: Theme) {
        doc::draw(&self.lines(app), self.scroll, None, r, buf, th);
    }
}

/// Sparkline levels.
const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of `values` in `bins` equal bins over `[0, max]` (a space for an empty bin).
pub fn sparkline(values: &[Decimal], max: Decimal, bins: usize) -> String {
    if bins == 0 || max <= Decimal::ZERO {
        return String::new();
    }
    let mut counts = vec![0usize; bins];
    for v in values {
        let f = (*v / max * Decimal::from(bins)).floor();
        let i = usize::try_from(f.mantissa() / 10i128.pow(f.scale())).unwrap_or(0);
        counts[i.min(bins - 1)] += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&n| {
            if n == 0 || top == 0 {
                ' '
            } else {
                SPARK[((n * 8).div_ceil(top)).clamp(1, 8) - 1]
            }
        })
        .collect()
}

/// A lean bar: `half` columns on each side of `│`, ◀ for negative, ▶ for positive;
/// `scale` points per column.
pub fn lean_bar(lean: Decimal, scale: Decimal, half: usize) -> String {
    let n = if scale > Decimal::ZERO {
        let f = (lean.abs() / scale).round();
        usize::try_from(f.mantissa() / 10i128.pow(f.scale()))
            .unwrap_or(0)
            .min(half)
    } else {
        0
    };
    let (l, r) = if lean < Decimal::ZERO {
        (
            format!("{}{}", " ".repeat(half - n), "◀".repeat(n)),
            " ".repeat(half),
        )
    } else {
        (
            " ".repeat(half),
            format!("{}{}", "▶".repeat(n), " ".repeat(half - n)),
        )
    };
    format!("{l}│{r}")
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", show(d))
    } else if d < Decimal::ZERO {
        format!("−{}", show(-d))
    } else {
        "0".into()
    }
}

/// The lines of the experts view at width `w`.
fn lines_of(app: &ChairData, w: usize) -> Vec<DLine> {
    let lang = app.lang;
    let c = lang.c();
    let rubric = &app.panel.rubric.rubric;
    let max = rubric.total_max + rubric.bonus_max();
    let data = app.lean_data();
    let mut out = Vec::new();
    const BINS: usize = 10;
    const HALF: usize = 8;
    // expert, scored, mean, lean, bar, distribution, range
    let name_w = 12usize;
    let range_head = format!(
        "0{}{}",
        text::pad_left(&show(max), BINS - 1),
        if w > 80 {
            format!("  {}", c.range)
        } else {
            String::new()
        }
    );
    let head = format!(
        "{}{}{}{}  {}  {}",
        text::pad_right(c.col_expert, name_w),
        text::pad_left(c.scored, 7),
        text::pad_left(c.mean_total, 11),
        text::pad_left(if lang.is_zh() { "倾向" } else { "lean" }, 8),
        text::pad_right("◀ │ ▶", HALF * 2 + 1),
        range_head,
    );
    out.push(DLine::new(head, DKind::Header));
    // scale of the bar: the largest |lean|, at least 5 points over the half width
    let leans: BTreeMap<&str, Decimal> = data
        .iter()
        .filter_map(|(e, rows)| {
            let d: Vec<Decimal> = rows
                .iter()
                .filter_map(|(_, t, m)| m.map(|m| *t - m))
                .collect();
            (!d.is_empty()).then(|| {
                (
                    e.as_str(),
                    (d.iter().copied().sum::<Decimal>() / Decimal::from(d.len())).round_dp(1),
                )
            })
        })
        .collect();
    let biggest = leans
        .values()
        .map(|d| d.abs())
        .max()
        .unwrap_or_default()
        .max(Decimal::from(5));
    let scale = biggest / Decimal::from(HALF as u64);
    for (ei, e) in app.experts().iter().enumerate() {
        let rows = data.get(&e.id);
        let totals: Vec<Decimal> = rows
            .map(|r| r.iter().map(|x| x.1).collect())
            .unwrap_or_default();
        let label = text::pad_right(&format!("{} {}", e.id, short_name(&e.name)), name_w);
        if totals.is_empty() {
            out.push(DLine::new(
                format!("{label}{}  {}", text::pad_left("0", 7), c.no_totals),
                DKind::Row(ei),
            ));
            continue;
        }
        let mean =
            (totals.iter().copied().sum::<Decimal>() / Decimal::from(totals.len())).round_dp(1);
        let lean = leans.get(e.id.as_str()).copied();
        let lo = totals.iter().copied().min().unwrap_or_default();
        let hi = totals.iter().copied().max().unwrap_or_default();
        let range = if w > 80 {
            format!("  {}–{}", show(lo), show(hi))
        } else {
            String::new()
        };
        out.push(DLine::new(
            format!(
                "{label}{}{}{}  {}  {}{range}",
                text::pad_left(&totals.len().to_string(), 7),
                text::pad_left(&show(mean), 11),
                text::pad_left(&lean.map(signed).unwrap_or_else(|| "—".into()), 8),
                lean.map(|l| lean_bar(l, scale, HALF))
                    .unwrap_or_else(|| " ".repeat(HALF * 2 + 1)),
                text::pad_right(&sparkline(&totals, max, BINS), BINS),
            ),
            DKind::Row(ei),
        ));
    }
    // all experts together
    let all: Vec<Decimal> = data.values().flatten().map(|x| x.1).collect();
    if !all.is_empty() {
        out.push(DLine::new(
            format!(
                "{}{}{}{}  {}  {}",
                text::pad_right(if lang.is_zh() { "全体" } else { "all" }, name_w),
                text::pad_left(&all.len().to_string(), 7),
                text::pad_left(
                    &show(
                        (all.iter().copied().sum::<Decimal>() / Decimal::from(all.len()))
                            .round_dp(1)
                    ),
                    11
                ),
                text::pad_left("", 8),
                " ".repeat(HALF * 2 + 1),
                sparkline(&all, max, BINS),
            ),
            DKind::Panel,
        ));
    }
    out.push(DLine::new("", DKind::Text));
    wrap_into(&mut out, c.lean_help, w, DKind::Dim, 0);
    wrap_into(
        &mut out,
        &format!(
            "{}: {} {} ({})",
            c.distribution,
            if lang.is_zh() { "每格" } else { "bins of" },
            show(max / Decimal::from(BINS as u64)),
            if lang.is_zh() {
                "▁ 少 … █ 多"
            } else {
                "▁ few … █ many"
            }
        ),
        w,
        DKind::Dim,
        0,
    );
    // per expert, per application: the deviations
    out.push(DLine::new("", DKind::Text));
    out.push(DLine::new(
        format!(
            "── {} ──",
            if lang.is_zh() {
                "各项目的偏差（专家总分 − 其他专家平均）"
            } else {
                "deviation per application (expert total − others' mean)"
            }
        ),
        DKind::Heading,
    ));
    for e in app.experts() {
        let Some(rows) = data.get(&e.id) else {
            continue;
        };
        let parts: Vec<String> = rows
            .iter()
            .filter_map(|(a, t, m)| {
                // a no-break space keeps the code and its value on one line
                m.map(|m| format!("{}\u{a0}{}", short_code(a), signed((*t - m).round_dp(1))))
            })
            .collect();
        // continued lines hang under the first value, not under the expert's id
        let label = format!("{}: ", e.id);
        let hang = crate::tui::text::width(&label);
        let body = crate::tui::text::wrap(&parts.join("  "), w.saturating_sub(hang).max(10));
        for (i, l) in body.into_iter().enumerate() {
            let lead = if i == 0 {
                label.clone()
            } else {
                " ".repeat(hang)
            };
            // the wrap may leave a separator's blank at the start of a continued line
            let l = l.trim_start_matches(' ');
            out.push(DLine::new(format!("{lead}{l}"), DKind::Text));
        }
    }
    out
}
