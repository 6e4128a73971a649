//! The chair screen's application details as a component: one application's experts ×
//! criteria matrix with its result, gates, flags, comments and overrides. It owns its state
//! (the application shown, the selected expert row, the scroll, where Esc goes back to),
//! builds its lines, draws them and handles the keys of the details view.

use std::collections::BTreeSet;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use rust_decimal::Decimal;

use super::data::{Cell, ChairData, OverrideRow, View};
use super::doc::{self, flag_marks, wrap_into, DKind, DLine};
use crate::aggregate::{By, EligibilityStatus, Flag};
use crate::rubric::num::show;
use crate::rubric::GateOutcome;
use crate::store::OPINION_ITEM;
use crate::tui::action::Action;
use crate::tui::draw::Theme;
use crate::tui::text;

/// The details' state.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The application shown.
    code: Option<String>,
    /// Selected expert row (index into [`ChairData::experts`]).
    expert: usize,
    /// First visible line.
    scroll: usize,
    /// Where Esc goes back to.
    back: View,
}

/// What a key in the details asks of the screen.
pub(super) enum Outcome {
    /// Go back to the view the details were opened from.
    Back,
    /// The details moved to the ranking's row `i`.
    Select(usize),
    /// Reopen `code` for the expert at index `expert`.
    Reopen { code: String, expert: usize },
}

impl Detail {
    /// The application shown.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The selected expert row (index into [`ChairData::experts`]).
    pub fn expert(&self) -> usize {
        self.expert
    }

    /// The view Esc goes back to.
    pub fn back(&self) -> View {
        self.back
    }

    /// The lines at the screen's width (none when no application is shown).
    pub fn lines(&self, app: &ChairData) -> Vec<DLine> {
        match &self.code {
            Some(code) => lines_of(app, code, (app.size.0 as usize).saturating_sub(2)),
            None => Vec::new(),
        }
    }

    /// Show `code` from the view `back`, on the expert row `expert` when given.
    pub(super) fn open(&mut self, code: String, expert: Option<usize>, back: View) {
        self.code = Some(code);
        self.back = back;
        self.scroll = 0;
        if let Some(e) = expert {
            self.expert = e;
        }
    }

    /// Scroll so that the selected expert's row (in `lines`) is among the `h` visible ones.
    pub(super) fn keep_row_visible(&mut self, lines: &[DLine], h: usize) {
        if let Some(pos) = lines.iter().position(|l| l.kind == DKind::Row(self.expert)) {
            if pos < self.scroll {
                self.scroll = pos;
            } else if pos >= self.scroll + h {
                self.scroll = pos + 1 - h;
            }
        }
    }

    /// Keep the expert row among `experts` and, when the lines are known (`len`), the
    /// scroll in range for `h` visible lines.
    pub(super) fn clamp(&mut self, experts: usize, len: Option<usize>, h: usize) {
        if experts > 0 && self.expert >= experts {
            self.expert = experts - 1;
        }
        if let Some(len) = len {
            self.scroll = self.scroll.min(len.saturating_sub(h));
        }
    }

    /// Apply a key of the details view.
    pub(super) fn handle(&mut self, action: Action, app: &ChairData) -> Option<Outcome> {
        let ne = app.experts().len();
        let h = app.detail_height().max(1);
        match action {
            Action::Up => {
                self.expert = self.expert.saturating_sub(1);
                self.keep_row_visible(&self.lines(app), h);
            }
            Action::Down => {
                self.expert = (self.expert + 1).min(ne.saturating_sub(1));
                self.keep_row_visible(&self.lines(app), h);
            }
            Action::PageDown => self.scroll += h.saturating_sub(1).max(1),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(h.saturating_sub(1).max(1)),
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
            Action::NextApp | Action::PrevApp => {
                let rows: Vec<&str> = app.rows().iter().map(|a| a.id.as_str()).collect();
                if rows.is_empty() {
                    return None;
                }
                let cur = self
                    .code
                    .as_deref()
                    .and_then(|c| rows.iter().position(|x| *x == c))
                    .unwrap_or(0);
                let n = rows.len();
                let next = if action == Action::NextApp {
                    (cur + 1) % n
                } else {
                    (cur + n - 1) % n
                };
                self.code = Some(rows[next].to_string());
                self.scroll = 0;
                return Some(Outcome::Select(next));
            }
            Action::Reopen => {
                if let Some(code) = self.code.clone() {
                    return Some(Outcome::Reopen {
                        code,
                        expert: self.expert,
                    });
                }
            }
            _ => {}
        }
        None
    }

    /// Draw the details into `r`.
    pub(crate) fn draw(&self, app: &ChairData, r: Rect, buf: &mut Buffer, th: Theme) {
        doc::draw(&self.lines(app), self.scroll, Some(self.expert), r, buf, th);
    }
}

/// Width of a matrix cell.
const MCELL: usize = 7;
/// Width of the matrix's expert column.
const MLABEL: usize = 9;

/// The criteria of each block of the matrix at width `w` (index ranges into the criteria):
/// one block when they all fit beside the expert column and the total, else as few blocks
/// as needed, of even sizes.
fn matrix_chunks(n: usize, w: usize) -> Vec<std::ops::Range<usize>> {
    let fit = (w.saturating_sub(MLABEL + MCELL + 1) / MCELL).max(1);
    if n <= fit {
        return std::iter::once(0..n).collect();
    }
    let blocks = n.div_ceil(fit);
    let size = n.div_ceil(blocks);
    (0..n).step_by(size).map(|a| a..(a + size).min(n)).collect()
}

/// The lines of the details of `code` at width `w`.
fn lines_of(app: &ChairData, code: &str, w: usize) -> Vec<DLine> {
    let lang = app.lang;
    let c = lang.c();
    let zh = lang.is_zh();
    let mut out = Vec::new();
    let rubric = &app.panel.rubric.rubric;
    let Some(a) = app.shown.results.app(code) else {
        out.push(DLine::new(format!("{code}: —"), DKind::Warn));
        return out;
    };
    let off = app.official.results.app(code);
    let title = app.official.titles.get(code).cloned().unwrap_or_default();
    out.push(DLine::new(
        format!("{}{} {title}", if a.shortlisted { "★ " } else { "" }, a.id),
        DKind::Heading,
    ));
    // status line
    let status = lang.app_status(a.status, app.shown.settings.threshold);
    let rank = a.rank.map(|r| format!(" #{r}")).unwrap_or_default();
    let mut s = format!(
        "{}{status}{rank} · {} {} · {}",
        lang.label(c.col_status),
        c.col_total,
        a.total.map(show).unwrap_or_else(|| "—".into()),
        app.method_label(app.method, app.by)
    );
    if !app.is_official() {
        if let Some(o) = off {
            s.push_str(&format!(
                " · {} {}{}",
                c.official,
                o.total.map(show).unwrap_or_else(|| "—".into()),
                lang.aside(
                    &app.method_label(app.official.settings.method, app.official.settings.by)
                )
            ));
        }
    }
    wrap_into(&mut out, &s, w, DKind::Text, 0);
    let mut s = format!(
        "{} {} · {} {}",
        c.calibrated,
        a.calibrated_total.map(show).unwrap_or_else(|| "—".into()),
        c.p_shortlist,
        a.p_shortlist
            .map(|p| format!("{:.0}%", p * 100.0))
            .unwrap_or_else(|| "—".into())
    );
    let req = app.shown.requested_wan.get(code).copied();
    let wan = |d: Option<Decimal>| {
        d.map(|d| format!("{}{}", show(d), c.wan))
            .unwrap_or_else(|| "—".into())
    };
    s.push_str(&format!(
        " · {} {} · {} {}",
        c.requested,
        wan(req),
        c.funding,
        wan(a.funding_wan)
    ));
    if let (Some(r), Some(f)) = (req, a.funding_wan) {
        if r > f {
            // The remainder of the budget (track total), or the per-award cap.
            let by_budget = a.flags.contains(&Flag::BudgetExhausted);
            s.push_str(match (by_budget, zh) {
                (true, true) => "（预算余额不足，按余额核减）",
                (true, false) => " (cut to what is left of the budget)",
                (false, true) => "（按每项上限核减）",
                (false, false) => " (cut to the per-award cap)",
            });
        }
    }
    wrap_into(&mut out, &s, w, DKind::Text, 0);
    let elig = match a.eligibility {
        EligibilityStatus::Eligible => (if zh { "符合" } else { "eligible" }).to_string(),
        EligibilityStatus::Ineligible => (if zh { "不符合" } else { "NOT eligible" }).to_string(),
        EligibilityStatus::Unchecked => (if zh { "未核验" } else { "unchecked" }).to_string(),
    };
    let flags = flag_marks(a);
    wrap_into(
        &mut out,
        &format!(
            "{}{elig} · {}{}",
            lang.label(c.eligibility),
            lang.label(c.flags),
            if flags.is_empty() { c.none } else { &flags }
        ),
        w,
        if a.eligibility == EligibilityStatus::Ineligible || !a.flags.is_empty() {
            DKind::Warn
        } else {
            DKind::Text
        },
        0,
    );
    for r in &a.ineligible_reasons {
        wrap_into(
            &mut out,
            &format!("✗ {}: {r}", c.ineligible_reasons),
            w,
            DKind::Warn,
            2,
        );
    }
    // The gates a person decided (`panel eligibility`): who decided what, when and why. A
    // failed one that is already among the reasons above is not repeated.
    let decided: Vec<&crate::decisions::Decision> = app
        .shown
        .decisions
        .iter()
        .filter(|d| d.application == code)
        .collect();
    for d in &decided {
        let crate::decisions::Decided::Gate { gate, pass } = &d.decided else {
            continue;
        };
        let said = !pass
            && a.ineligible_reasons
                .iter()
                .any(|r| r.starts_with(&format!("{gate} ")));
        if said {
            continue;
        }
        let text = if zh { d.describe_zh() } else { d.describe() };
        wrap_into(
            &mut out,
            &format!("{} {text}", if *pass { "✓" } else { "✗" }),
            w,
            if *pass { DKind::Text } else { DKind::Warn },
            2,
        );
    }
    if a.eligibility == EligibilityStatus::Unchecked {
        // The gates still open, in the call's words (a gate a person decided is not open).
        let bundle = app.panel.bundles.iter().find(|b| b.bundle.code == code);
        if let Some(b) = bundle {
            for g in crate::rubric::check_gates(&app.panel.eligibility_gates(), &b.facts) {
                let is_decided = decided.iter().any(|d| {
                    matches!(&d.decided, crate::decisions::Decided::Gate { gate, .. } if *gate == g.id)
                });
                if is_decided {
                    continue;
                }
                let why = match g.outcome {
                    GateOutcome::Manual => {
                        if zh {
                            "待人工判定".to_string()
                        } else {
                            "to be decided by hand".to_string()
                        }
                    }
                    GateOutcome::Unknown => {
                        if zh {
                            format!("缺少 {}", g.missing_facts.join("、"))
                        } else {
                            format!("missing {}", g.missing_facts.join(", "))
                        }
                    }
                    GateOutcome::Pass | GateOutcome::Fail => continue,
                };
                wrap_into(
                    &mut out,
                    &format!("? {} {}（{why}）", g.id, g.text),
                    w,
                    DKind::Warn,
                    2,
                );
            }
        }
    }
    for p in app
        .shown
        .results
        .provisional
        .iter()
        .filter(|p| p.application() == code)
    {
        let text = if zh { p.zh() } else { p.en() };
        wrap_into(
            &mut out,
            &format!("{}{text}", lang.label(c.provisional)),
            w,
            DKind::Warn,
            2,
        );
    }
    out.push(DLine::new("", DKind::Text));

    // matrix
    let crits: Vec<(String, Decimal)> = rubric
        .criteria()
        .map(|(_, k)| (k.id.clone(), k.max))
        .collect();
    // extremes of disagreement criteria among the valid experts
    let valid: BTreeSet<&str> = a.expert_totals.keys().map(|s| s.as_str()).collect();
    let mut extremes: BTreeSet<(String, String)> = BTreeSet::new();
    for f in &a.flags {
        let Some(cid) = f.disagreement() else {
            continue;
        };
        let vals: Vec<(&str, Decimal)> = valid
            .iter()
            .filter_map(|e| {
                app.shown
                    .pairs
                    .get(&(code.to_string(), e.to_string()))
                    .and_then(|p| p.criteria.get(cid))
                    .map(|v| (*e, *v))
            })
            .collect();
        if let (Some(lo), Some(hi)) = (
            vals.iter().map(|x| x.1).min(),
            vals.iter().map(|x| x.1).max(),
        ) {
            for (e, v) in &vals {
                if *v == lo || *v == hi {
                    extremes.insert((e.to_string(), cid.to_string()));
                }
            }
        }
    }
    let outliers: BTreeSet<&str> = a.flags.iter().filter_map(Flag::outlier).collect();
    // criteria that do not fit beside each other go on in further blocks, each with the
    // expert column and the total (nothing cut off at 80 columns)
    let chunks = matrix_chunks(crits.len(), w);
    for (bi, range) in chunks.iter().enumerate() {
        let chunk = &crits[range.clone()];
        if bi > 0 {
            out.push(DLine::new("", DKind::Text));
        }
        let mut head = text::pad_right(c.col_expert, MLABEL);
        for (id, max) in chunk {
            let disagree = a
                .flags
                .iter()
                .any(|f| f.disagreement() == Some(id.as_str()));
            let h = format!("{}{id}/{}", if disagree { "≠" } else { "" }, show(*max));
            head.push_str(&text::pad_left(&h, MCELL));
        }
        head.push_str(&text::pad_left(c.col_total, MCELL + 1));
        out.push(DLine::new(head, DKind::Header));
        for (ei, e) in app.experts().iter().enumerate() {
            let cell = app.cell(code, &e.id);
            let mut line = text::pad_right(&format!("{} {}", cell.mark(), e.id), MLABEL);
            let pair = app.shown.pairs.get(&(code.to_string(), e.id.clone()));
            match cell {
                Cell::Conflict => {
                    line.push_str(&format!(
                        "  {}",
                        if zh {
                            "回避（不计入）"
                        } else {
                            "conflict of interest (not counted)"
                        }
                    ));
                }
                // nothing given: never the rule suggestions as if the expert had scored
                Cell::Unscored => {
                    line.push_str(&format!("  {}", if zh { "未评" } else { "not scored" }));
                }
                _ => {
                    for (id, _) in chunk {
                        let v = pair.and_then(|p| p.criteria.get(id)).copied();
                        let dropped = a.dropped.iter().any(|d| {
                            d.expert == e.id && d.criterion.as_deref() == Some(id.as_str())
                        });
                        let ext = extremes.contains(&(e.id.clone(), id.clone()));
                        let s = match v {
                            None => "—".to_string(),
                            Some(v) if dropped => format!("[{}]", show(v)),
                            Some(v) => show(v),
                        };
                        let s = if ext {
                            format!("{s}!")
                        } else {
                            format!("{s} ")
                        };
                        line.push_str(&text::pad_left(&s, MCELL));
                    }
                    let t = a.expert_totals.get(&e.id).copied();
                    let total_dropped = a
                        .dropped
                        .iter()
                        .any(|d| d.expert == e.id && d.criterion.is_none());
                    let s = match t {
                        Some(t) if total_dropped => format!("[{}]", show(t)),
                        Some(t) => show(t),
                        None if cell == Cell::Draft => {
                            if zh {
                                "草稿".into()
                            } else {
                                "draft".into()
                            }
                        }
                        None => "—".into(),
                    };
                    let s = if outliers.contains(e.id.as_str()) {
                        format!("{s}!")
                    } else {
                        format!("{s} ")
                    };
                    line.push_str(&text::pad_left(&s, MCELL + 1));
                }
            }
            out.push(DLine::new(line, DKind::Row(ei)));
        }
        let mut line = text::pad_right(&format!("= {}", c.panel_row), MLABEL);
        for (id, _) in chunk {
            let v = a.criteria.get(id).map(|v| format!("{} ", show(*v)));
            line.push_str(&text::pad_left(&v.unwrap_or_else(|| "— ".into()), MCELL));
        }
        line.push_str(&text::pad_left(
            &format!("{} ", a.total.map(show).unwrap_or_else(|| "—".into())),
            MCELL + 1,
        ));
        out.push(DLine::new(line, DKind::Panel));
    }
    if app.by == By::Total && !a.criteria.is_empty() {
        wrap_into(
            &mut out,
            if zh {
                "（按总分汇总：指标行为各专家的算术平均，仅供参考）"
            } else {
                "(method of totals: the criterion row is the plain mean, for reference)"
            },
            w,
            DKind::Dim,
            0,
        );
    }
    // strip of the expert totals
    if !a.expert_totals.is_empty() {
        let scale_max = rubric.total_max + rubric.bonus_max();
        let label = format!("{} 0 ", c.spread);
        let tail = format!(" {}", show(scale_max));
        let sw = w
            .saturating_sub(text::width(&label) + text::width(&tail))
            .clamp(10, 60);
        let mut strip: Vec<char> = vec!['·'; sw];
        let pos = |v: Decimal| -> usize {
            if scale_max <= Decimal::ZERO {
                return 0;
            }
            let f = (v / scale_max * Decimal::from(sw - 1)).round();
            usize::try_from(f.mantissa() / 10i128.pow(f.scale()))
                .unwrap_or(0)
                .min(sw - 1)
        };
        // an expert's digit, or `*` where several marks meet: the panel total's `│` is never
        // drawn over (it becomes `*` when an expert's total falls on it)
        if let Some(t) = a.total {
            strip[pos(t)] = '│';
        }
        for (e, t) in &a.expert_totals {
            let ch = e.chars().last().unwrap_or('*');
            let p = pos(*t);
            strip[p] = if strip[p] == '·' { ch } else { '*' };
        }
        out.push(DLine::new(
            format!("{label}{}{tail}", strip.into_iter().collect::<String>()),
            DKind::Text,
        ));
        wrap_into(
            &mut out,
            if zh {
                "（数字 = 专家编号末位，│ = 小组总分，* = 重叠）"
            } else {
                "(digit = last digit of the expert id, │ = panel total, * = overlap)"
            },
            w,
            DKind::Dim,
            0,
        );
    }
    // overrides, comments, conflicts, notes
    let ov: Vec<&OverrideRow> = app.overrides.iter().filter(|o| o.app == code).collect();
    if !ov.is_empty() {
        out.push(DLine::new("", DKind::Text));
        out.push(DLine::new(format!("── {} ──", c.overrides), DKind::Heading));
        for o in ov {
            let sugg = o
                .suggestion
                .map(|s| format!(" ({} {})", c.suggestion, show(s)))
                .unwrap_or_default();
            let reason = o.reason.as_deref().unwrap_or("—");
            wrap_into(
                &mut out,
                &format!(
                    "R {} {} = {}{sugg}: {reason}",
                    o.expert,
                    o.item,
                    show(o.value)
                ),
                w,
                DKind::Text,
                2,
            );
        }
    }
    // the experts' written opinions (专家评审意见), under the rubric's title
    let ops: Vec<(&String, &String)> = app
        .comments
        .iter()
        .filter(|((ap, _, item), _)| ap == code && item == OPINION_ITEM)
        .map(|((_, e, _), t)| (e, t))
        .collect();
    if !ops.is_empty() {
        let title = app
            .pview
            .rubric
            .rubric
            .opinion
            .as_ref()
            .map(|o| {
                if app.lang.is_zh() {
                    o.title.clone()
                } else {
                    o.title_en.clone()
                }
            })
            .unwrap_or_else(|| c.comments.to_string());
        out.push(DLine::new("", DKind::Text));
        out.push(DLine::new(format!("── {title} ──"), DKind::Heading));
        for (e, t) in ops {
            for (i, line) in t.lines().enumerate() {
                let s = if i == 0 {
                    format!("✍ {e}: {line}")
                } else {
                    format!("  {line}")
                };
                wrap_into(&mut out, &s, w, DKind::Text, 2);
            }
        }
    }
    let cm: Vec<(&(String, String, String), &String)> = app
        .comments
        .iter()
        .filter(|((ap, _, item), _)| ap == code && item != OPINION_ITEM)
        .collect();
    if !cm.is_empty() {
        out.push(DLine::new("", DKind::Text));
        out.push(DLine::new(format!("── {} ──", c.comments), DKind::Heading));
        for ((_, e, item), t) in cm {
            let at = if item.is_empty() {
                e.clone()
            } else {
                format!("{e} {item}")
            };
            wrap_into(&mut out, &format!("✎ {at}: {t}"), w, DKind::Text, 2);
        }
    }
    let cf: Vec<(&String, Option<&String>)> = app
        .experts()
        .iter()
        .filter(|e| app.cell(code, &e.id) == Cell::Conflict)
        .map(|e| (&e.id, app.reasons.get(&(code.to_string(), e.id.clone()))))
        .collect();
    if !cf.is_empty() {
        out.push(DLine::new("", DKind::Text));
        out.push(DLine::new(format!("── {} ──", c.conflicts), DKind::Heading));
        for (e, r) in cf {
            wrap_into(
                &mut out,
                &format!("✗ {e}: {}", r.map(|s| s.as_str()).unwrap_or("—")),
                w,
                DKind::Text,
                2,
            );
        }
    }
    // A gate decision is shown with the eligibility above, not again among the notes.
    let mut notes: Vec<String> = a
        .notes
        .iter()
        .filter(|n| {
            !app.shown
                .decisions
                .iter()
                .any(|d| d.application == code && d.describe() == **n)
        })
        .cloned()
        .collect();
    for e in app.experts() {
        if app.cell(code, &e.id) == Cell::Draft {
            if let Some(r) = app.reasons.get(&(code.to_string(), e.id.clone())) {
                notes.push(format!("{}: {}", e.id, app.lang.status_reason(r)));
            }
        }
    }
    if !notes.is_empty() {
        out.push(DLine::new("", DKind::Text));
        out.push(DLine::new(format!("── {} ──", c.notes), DKind::Heading));
        for n in notes {
            wrap_into(
                &mut out,
                &format!("· {}", app.lang.note(&n)),
                w,
                DKind::Dim,
                2,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one block: a Vec of one range, as meant
    fn the_matrix_goes_on_in_even_blocks_when_the_criteria_do_not_fit() {
        // 78 columns: the expert column, the total and 8 criteria
        assert_eq!(matrix_chunks(8, 78), vec![0..8]);
        assert_eq!(matrix_chunks(9, 78), vec![0..5, 5..9]);
        assert_eq!(matrix_chunks(14, 78), vec![0..7, 7..14]);
        assert_eq!(matrix_chunks(28, 78).len(), 4);
        assert_eq!(matrix_chunks(28, 198), vec![0..14, 14..28]);
        assert_eq!(matrix_chunks(0, 78), vec![0..0]);
        // never an empty block, even on a very narrow screen
        assert_eq!(matrix_chunks(3, 10), vec![0..1, 1..2, 2..3]);
    }
}
