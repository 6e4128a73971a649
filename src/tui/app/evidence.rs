//! The expert screen's evidence pane as text: the scoring standard, the selected item's
//! details, the criterion's facts and the application's sections, wrapped to the pane's
//! width (sections cached per application and width), and the search's matches in them.
//! The view draws these lines; `update` scrolls through them.

use std::cell::{Ref, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::App;
use crate::rubric::num::show;
use crate::rubric::{self, OpinionSpec};
use crate::store::{AppStatus, OPINION_ITEM};
use crate::tui::action::Action;
use crate::tui::draw::{more_hint, pane_block, set, Theme};
use crate::tui::i18n::Lang;
use crate::tui::layout;
use crate::tui::layout::Pane;
use crate::tui::text::{self, truncate};

/// Kind of an evidence line (for styling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    Text,
    Fact,
    Warn,
    Detail,
}

/// One wrapped line of the evidence pane.
#[derive(Debug, Clone, PartialEq)]
pub struct EvLine {
    pub text: String,
    pub kind: LineKind,
}

impl EvLine {
    pub(super) fn new(text: impl Into<String>, kind: LineKind) -> EvLine {
        EvLine {
            text: text.into(),
            kind,
        }
    }
}

/// A search match: line of the evidence body, byte range.
pub type Hit = (usize, usize, usize);

/// The facts and sections of one criterion of one application, wrapped to
/// a width. Sections (which can be large, and are shared by several
/// criteria) are wrapped once per application and width and kept; this
/// view only strings them together.
#[derive(Debug, Clone)]
pub struct TailCache {
    key: (usize, usize, u16, Lang),
    segments: Vec<Rc<Vec<EvLine>>>,
    /// First line of each segment.
    starts: Vec<usize>,
    len: usize,
    hits_for: Option<String>,
    /// Matches of the current search, sorted by line.
    pub hits: Vec<Hit>,
}

impl TailCache {
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Line `n`.
    pub fn line(&self, n: usize) -> Option<&EvLine> {
        if n >= self.len {
            return None;
        }
        let seg = self.starts.partition_point(|&s| s <= n) - 1;
        self.segments[seg].get(n - self.starts[seg])
    }
}

/// Wrapped sections: (application, section key, width, language) → lines.
type SectionKey = (usize, String, u16, Lang);

/// The evidence pane's content for the current selection.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The scoring standard, wrapped (the pinned block shows its first rows).
    pub standard: Vec<EvLine>,
    /// Rows of the pinned block (heading included).
    pub pinned: u16,
    /// Item details (and the full standard when the pinned block cut it).
    pub head: Vec<EvLine>,
    pub head_hits: Vec<Hit>,
    /// Inner size of the scrollable body.
    pub body_w: u16,
    pub body_h: u16,
}

/// The evidence pane's caches: the wrapped facts and sections of the selected criterion,
/// and every wrapped section by application, key, width and language.
#[derive(Debug, Default)]
struct EvidenceCache {
    tail: RefCell<Option<TailCache>>,
    sections: RefCell<HashMap<SectionKey, Rc<Vec<EvLine>>>>,
}

/// What a key in the evidence pane asks of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Scroll the body by this many lines.
    Scroll(isize),
    /// Page through the body (`-1` up, `1` down).
    Page(isize),
    /// Move to the next (`true`) or the previous match of the search.
    SearchStep(bool),
    /// Focus this pane.
    Focus(Pane),
}

/// The evidence pane's state: the scroll of its body, the search and its current match,
/// and the caches of its text.
#[derive(Debug, Default)]
pub(super) struct EvidencePane {
    /// First visible line of the body.
    scroll: usize,
    search: Option<String>,
    /// Index of the current match in the combined hit list.
    hit: Option<usize>,
    cache: EvidenceCache,
}

impl EvidencePane {
    /// First visible line of the body.
    pub(super) fn scroll(&self) -> usize {
        self.scroll
    }

    /// The search, when one is set.
    pub(super) fn search(&self) -> Option<&str> {
        self.search.as_deref()
    }

    /// Index of the current match in the combined hit list.
    pub(super) fn hit(&self) -> Option<usize> {
        self.hit
    }

    /// Back to the top of the body.
    pub(super) fn top(&mut self) {
        self.scroll = 0;
    }

    /// No current match.
    pub(super) fn forget_hit(&mut self) {
        self.hit = None;
    }

    /// Set (or with `None` clear) the search.
    pub(super) fn set_search(&mut self, q: Option<String>) {
        self.search = q;
    }

    /// Keep the scroll in range for a body of `len` lines, `h` of them shown.
    pub(super) fn clamp(&mut self, len: usize, h: usize) {
        self.scroll = self.scroll.min(len.saturating_sub(h.max(1)));
    }

    /// Scroll by `delta` lines within a body of `len` lines, `h` of them shown.
    pub(super) fn scroll_by(&mut self, delta: isize, len: usize, h: usize) {
        let max = len.saturating_sub(h.max(1));
        self.scroll = (self.scroll as isize + delta).clamp(0, max as isize) as usize;
    }

    /// Move to the next (or previous) of `hits` (not empty): from the current match, or
    /// else from the top of the view; scroll it into the `h` lines shown. Returns its index.
    pub(super) fn step(&mut self, hits: &[Hit], h: usize, forward: bool) -> usize {
        let n = hits.len();
        let next = match self.hit {
            Some(i) if i < n => {
                if forward {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }
            }
            _ => {
                let from = self.scroll;
                if forward {
                    hits.iter().position(|h| h.0 >= from).unwrap_or(0)
                } else {
                    hits.iter().rposition(|h| h.0 < from).unwrap_or(n - 1)
                }
            }
        };
        self.hit = Some(next);
        let line = hits[next].0;
        if line < self.scroll || line >= self.scroll + h.max(1) {
            self.scroll = line.saturating_sub(h / 3);
        }
        next
    }

    /// Apply a key of the evidence pane; `None` when the key is not the pane's own (the
    /// screen's shared keys: the item's value, comment, search…) or asks nothing of the screen.
    pub(super) fn handle(&mut self, action: Action) -> Option<Outcome> {
        match action {
            Action::Up => Some(Outcome::Scroll(-1)),
            Action::Down => Some(Outcome::Scroll(1)),
            Action::Top => {
                self.top();
                None
            }
            Action::Bottom => Some(Outcome::Scroll(isize::MAX / 2)),
            Action::PageUp => Some(Outcome::Page(-1)),
            Action::PageDown => Some(Outcome::Page(1)),
            Action::SearchNext => Some(Outcome::SearchStep(true)),
            Action::SearchPrev => Some(Outcome::SearchStep(false)),
            // Esc clears the search first
            Action::Back if self.search.is_some() => {
                self.search = None;
                self.hit = None;
                None
            }
            Action::Back => Some(Outcome::Focus(Pane::Tree)),
            _ => None,
        }
    }

    /// Draw the pane into `r`: the pinned scoring standard, then the body (the item's details,
    /// the facts and the sections) from the scroll, the search's matches highlighted, and the
    /// position and the search in the bottom border.
    pub(super) fn draw(&self, app: &App, r: Rect, buf: &mut Buffer, th: Theme) {
        let focused = app.focus == Pane::Evidence;
        let t = app.lang.t();
        let title = match app.sel_criterion() {
            Some(k) => format!(
                "{} · {} {}",
                t.evidence,
                k.id,
                app.pick(&k.title, &k.title_en)
            ),
            None => t.evidence.to_string(),
        };
        let mut block = pane_block(
            truncate(&title, r.width.saturating_sub(8) as usize),
            focused,
            th,
        );
        let (Some(ev), Some(tail)) = (app.evidence(), app.tail()) else {
            block.render(r, buf);
            return;
        };
        let total = ev.head.len() + tail.len();
        let shown_to = (self.scroll + ev.body_h as usize).min(total);
        let pos = format!(" {}–{}/{} ", (self.scroll + 1).min(total), shown_to, total);
        // ▲n ▼m: lines hidden above and below, as in the other panes
        let pos = match more_hint(self.scroll, shown_to.saturating_sub(self.scroll), total) {
            Some(h) => format!("{} ·{pos}", h.trim_end()),
            None => pos,
        };
        let pos = match self.search() {
            Some(q) => format!(" /{} {}", truncate(q, 12), pos.trim_start()),
            None => pos,
        };
        block = block.title_bottom(Line::from(pos).right_aligned());
        let inner = block.inner(r);
        block.render(r, buf);
        // pinned scoring standard
        if ev.pinned > 0 {
            let crit = app.sel_criterion();
            let head = format!(
                "■ {} ({} {})",
                t.standard,
                t.col_max,
                crit.map(|k| show(k.max)).unwrap_or_default()
            );
            set(buf, inner.x, inner.y, &head, inner.width, th.heading());
            let rows = ev.pinned as usize - 1;
            for (i, l) in ev.standard.iter().take(rows).enumerate() {
                let cut = i + 1 == rows && ev.standard.len() > rows;
                let s = if cut {
                    format!(
                        "{} …↓",
                        truncate(&l.text, inner.width.saturating_sub(3) as usize)
                    )
                } else {
                    l.text.clone()
                };
                set(
                    buf,
                    inner.x,
                    inner.y + 1 + i as u16,
                    &s,
                    inner.width,
                    Style::new(),
                );
            }
        }
        let body = Rect::new(
            inner.x,
            inner.y + ev.pinned,
            inner.width,
            inner.height.saturating_sub(ev.pinned),
        );
        let off = ev.head.len();
        let tail_hits: Vec<Hit> = tail
            .hits
            .iter()
            .map(|(l, s, e)| (l + off, *s, *e))
            .collect();
        let current = self.hit.and_then(|i| {
            if i < ev.head_hits.len() {
                ev.head_hits.get(i).copied()
            } else {
                tail_hits.get(i - ev.head_hits.len()).copied()
            }
        });
        for k in 0..body.height as usize {
            let n = self.scroll + k;
            let (l, hits): (&EvLine, &[Hit]) = if n < off {
                (&ev.head[n], &ev.head_hits)
            } else if let Some(l) = tail.line(n - off) {
                (l, visible_hits(&tail_hits, n))
            } else {
                break;
            };
            let line = hit_line(l, hits, n, current, th);
            crate::tui::text::set_line(buf, body.x, body.y + k as u16, &line, body.width);
        }
    }
}

impl App {
    /// The evidence pane's inner size, when the pane is shown.
    fn ev_inner(&self) -> Option<(u16, u16)> {
        let p = self.panes();
        let r = layout::inner(p.evidence?);
        Some((r.width, r.height))
    }

    /// A rule explanation in the screen's language ([`Lang::explain`]): yes/no values in the
    /// screen's words, in Chinese an enumerated fact value as the rubric's option label
    /// (`ip_office = 独立`), and every fact key as the fact's label ([`App::fact_labels`]).
    pub(super) fn explain(&self, s: &str) -> String {
        let mut out = self.lang.explain(s);
        if self.lang.is_zh() {
            for (_, _, it) in self.rubric.items() {
                if let rubric::Rule::Choice { fact, options } = &it.rule {
                    for o in options.iter().filter(|o| !o.label.is_empty()) {
                        out = out.replace(
                            &format!("{fact} = {} ", o.value),
                            &format!("{fact} = {} ", o.label),
                        );
                    }
                }
            }
        }
        self.fact_labels(&out)
    }

    /// `s` with each word that is a declared fact key (`industry_in_9x`) replaced by the
    /// fact's label in the screen's language; other words are kept.
    fn fact_labels(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            match self.rubric.fact(word) {
                Some(f) if !f.label.is_empty() => out.push_str(self.pick(&f.label, &f.label_en)),
                _ => out.push_str(word),
            }
            word.clear();
        };
        for c in s.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// The label a choice item of the rubric gives `value` of fact `key`, if any.
    fn choice_label(&self, key: &str, value: &str) -> Option<&str> {
        self.rubric.items().find_map(|(_, _, it)| match &it.rule {
            rubric::Rule::Choice { fact, options } if fact == key => options
                .iter()
                .find(|o| o.value == value && !o.label.is_empty())
                .map(|o| o.label.as_str()),
            _ => None,
        })
    }

    pub(super) fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::En && !en.is_empty() {
            en
        } else {
            zh
        }
    }

    /// The evidence for the current selection, when the pane is shown.
    pub fn evidence(&self) -> Option<Evidence> {
        let (w, h) = self.ev_inner()?;
        let a = self.cur()?;
        let (c, k, i) = self.sel_idx()?;
        let crit = &self.rubric.categories[c].criteria[k];
        let item = &crit.items[i];
        let t = self.lang.t();
        let tw = w as usize;
        let standard: Vec<EvLine> = text::wrap(self.pick(&crit.standard, &crit.standard_en), tw)
            .into_iter()
            .map(|l| EvLine::new(l, LineKind::Text))
            .collect();
        let pinned = layout::standard_rows(standard.len(), h);
        let mut head = Vec::new();
        if pinned == 0 && !standard.is_empty() {
            head.push(EvLine::new(
                format!("── {} ──", t.standard),
                LineKind::Heading,
            ));
            head.extend(standard.iter().cloned());
        }
        let wrap_into = |out: &mut Vec<EvLine>, s: &str, kind: LineKind| {
            for l in text::wrap(s, tw) {
                out.push(EvLine::new(l, kind));
            }
        };
        if a.sheet.status == Some(AppStatus::Conflict) {
            let r = a.sheet.status_reason.as_deref().unwrap_or("");
            wrap_into(&mut head, &format!("✗ {}: {r}", t.conflict), LineKind::Warn);
        }
        // handed back by the chair and not submitted since: the chair's reason stays in view
        // (the message at opening is shown once)
        if let Some(r) = a.reopened_reason() {
            wrap_into(
                &mut head,
                &format!("↺ {}", self.lang.reopened(&a.input.code, r)),
                LineKind::Warn,
            );
        }
        if let Some(cm) = a.sheet.comments.get("") {
            wrap_into(
                &mut head,
                &format!("✎ {}: {cm}", t.app_comment),
                LineKind::Detail,
            );
        }
        // the written opinion, one line on every item (the whole text is in the editor, `w`);
        // not written yet, the submit check and the note after the last value say so
        if let (Some(spec), Some(op)) = (&self.rubric.opinion, a.sheet.comments.get(OPINION_ITEM)) {
            let title = self.pick(&spec.title, &spec.title_en);
            let n = OpinionSpec::count(op);
            let unit = if self.lang.is_zh() { "字" } else { "chars" };
            let flat: String = op.split_whitespace().collect::<Vec<_>>().join(" ");
            let s = format!("✍ {title} ({n} {unit}): {flat}");
            head.push(EvLine::new(text::truncate(&s, tw), LineKind::Detail));
        }
        let ie = a.eval.item(&item.id);
        wrap_into(
            &mut head,
            &format!(
                "▶ {} {} ({} {} · {})",
                item.id,
                self.pick(&item.text, &item.text_en),
                t.col_max,
                show(item.max()),
                self.lang.item_kind(item.kind_name())
            ),
            LineKind::Heading,
        );
        match ie.and_then(|e| e.auto) {
            Some(s) => {
                let ex = self.explain(ie.map(|e| e.explanation.as_str()).unwrap_or(""));
                wrap_into(
                    &mut head,
                    &format!("{} {}: {ex}", t.suggestion, show(s)),
                    LineKind::Detail,
                );
            }
            None => wrap_into(&mut head, t.expert_item, LineKind::Detail),
        }
        if let Some(e) = ie {
            for cl in &e.clamps {
                let cl = self.explain(cl);
                wrap_into(&mut head, &format!("⚠ {cl}"), LineKind::Warn);
            }
            for m in &e.missing_facts {
                let label = self
                    .rubric
                    .fact(m)
                    .map(|f| self.pick(&f.label, &f.label_en).to_string())
                    .unwrap_or_default();
                wrap_into(
                    &mut head,
                    &format!("⚠ {}: {m} {label}", t.missing),
                    LineKind::Warn,
                );
            }
        }
        if let Some(cs) = a.scored.criteria.get(&crit.id) {
            for cl in &cs.clamps {
                let cl = self.explain(cl);
                wrap_into(&mut head, &format!("⚠ {cl}"), LineKind::Warn);
            }
        }
        if let Some((v, Some(r))) = a.sheet.values.get(&item.id) {
            wrap_into(
                &mut head,
                &format!("R {} {}: {r}", show(*v), t.reason),
                LineKind::Detail,
            );
        }
        if let Some(cm) = a.sheet.comments.get(&item.id) {
            wrap_into(
                &mut head,
                &format!("✎ {}: {cm}", t.comment),
                LineKind::Detail,
            );
        }
        if !crit.requirement.is_empty() {
            wrap_into(
                &mut head,
                &format!("{}: {}", t.requirement, crit.requirement),
                LineKind::Detail,
            );
        }
        let head_hits = match self.ev.search() {
            Some(q) => hits_in(&head, q, 0),
            None => Vec::new(),
        };
        Some(Evidence {
            standard,
            pinned,
            head,
            head_hits,
            body_w: w,
            body_h: h.saturating_sub(pinned),
        })
    }

    /// The wrapped facts and sections of the selected criterion (cached).
    pub fn tail(&self) -> Option<Ref<'_, TailCache>> {
        let (w, _) = self.ev_inner()?;
        let (c, k, _) = self.sel_idx()?;
        let ai = self.list.sel();
        self.cur()?;
        let crit_index = self.rubric.categories[..c]
            .iter()
            .map(|x| x.criteria.len())
            .sum::<usize>()
            + k;
        let key = (ai, crit_index, w, self.lang);
        let stale = self
            .ev
            .cache
            .tail
            .borrow()
            .as_ref()
            .is_none_or(|t| t.key != key);
        if stale {
            let segments = self.build_tail(ai, c, k, w);
            let mut starts = Vec::with_capacity(segments.len());
            let mut len = 0;
            for sg in &segments {
                starts.push(len);
                len += sg.len();
            }
            *self.ev.cache.tail.borrow_mut() = Some(TailCache {
                key,
                segments,
                starts,
                len,
                hits_for: None,
                hits: Vec::new(),
            });
        }
        let q = self.ev.search.clone();
        let need = self
            .ev
            .cache
            .tail
            .borrow()
            .as_ref()
            .is_some_and(|t| t.hits_for != q);
        if need {
            let mut b = self.ev.cache.tail.borrow_mut();
            if let Some(t) = b.as_mut() {
                t.hits = match &q {
                    Some(q) => t
                        .segments
                        .iter()
                        .zip(&t.starts)
                        .flat_map(|(sg, &st)| hits_in(sg, q, st))
                        .collect(),
                    None => Vec::new(),
                };
                t.hits_for = q;
            }
        }
        Ref::filter_map(self.ev.cache.tail.borrow(), |t| t.as_ref()).ok()
    }

    /// A section of an application wrapped to `w` (cached).
    fn section_lines(&self, ai: usize, key: &str, w: u16) -> Rc<Vec<EvLine>> {
        let ck: SectionKey = (ai, key.to_string(), w, self.lang);
        if let Some(v) = self.ev.cache.sections.borrow().get(&ck) {
            return v.clone();
        }
        let t = self.lang.t();
        let sec = self.apps[ai].input.sections.iter().find(|s| s.key == key);
        let title = match sec {
            Some(s) if !s.title.is_empty() => s.title.clone(),
            _ => self
                .rubric
                .section(key)
                .map(|d| self.pick(&d.title, &d.title_en).to_string())
                .unwrap_or_else(|| key.to_string()),
        };
        let mut out = Vec::new();
        let wu = w as usize;
        for l in text::wrap(&format!("── {title} ──"), wu) {
            out.push(EvLine::new(l, LineKind::Heading));
        }
        let (body, kind) = match sec {
            Some(s) => (s.text.clone(), LineKind::Text),
            None => (
                if self.lang.is_zh() {
                    "（申报书缺少此部分）".to_string()
                } else {
                    format!("({}: {key})", t.missing)
                },
                LineKind::Warn,
            ),
        };
        for l in text::wrap(&body, wu) {
            out.push(EvLine::new(l, kind));
        }
        let v = Rc::new(out);
        let mut cache = self.ev.cache.sections.borrow_mut();
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(ck, v.clone());
        v
    }

    fn build_tail(&self, ai: usize, c: usize, k: usize, w: u16) -> Vec<Rc<Vec<EvLine>>> {
        let t = self.lang.t();
        let a = &self.apps[ai];
        let crit = &self.rubric.categories[c].criteria[k];
        let mut out = Vec::new();
        let mut push = |s: &str, kind: LineKind| {
            for l in text::wrap(s, w as usize) {
                out.push(EvLine::new(l, kind));
            }
        };
        if crit.evidence.facts.is_empty() && crit.evidence.sections.is_empty() {
            push(t.no_evidence, LineKind::Detail);
        }
        if !crit.evidence.facts.is_empty() {
            push(&format!("── {} ──", t.facts), LineKind::Heading);
            for key in &crit.evidence.facts {
                let decl = self.rubric.fact(key);
                let label = decl
                    .map(|f| self.pick(&f.label, &f.label_en).to_string())
                    .unwrap_or_else(|| key.clone());
                let unit = decl.map(|f| f.unit.as_str()).unwrap_or("");
                let (val, kind) = match a.input.facts.get(key) {
                    Some(v) => {
                        let d = match v {
                            // an enumerated value reads as its option label in Chinese
                            rubric::FactValue::Str(s) if self.lang.is_zh() => self
                                .choice_label(key, s)
                                .map(str::to_string)
                                .unwrap_or_else(|| s.clone()),
                            _ => self.lang.explain(&v.display()),
                        };
                        let with_unit = if unit.is_empty()
                            || matches!(v, rubric::FactValue::Bool(_) | rubric::FactValue::Null)
                        {
                            d
                        } else {
                            format!("{d} {unit}")
                        };
                        (with_unit, LineKind::Fact)
                    }
                    None => (format!("— ({})", t.missing), LineKind::Warn),
                };
                let form = decl
                    .map(|f| f.form_ref.as_str())
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("  〔{s}〕"))
                    .unwrap_or_default();
                push(&format!("· {label}: {val}{form}"), kind);
            }
        }
        let mut segments = vec![Rc::new(out)];
        for key in &crit.evidence.sections {
            segments.push(self.section_lines(ai, key, w));
        }
        segments
    }

    /// All matches: head first, then tail (line numbers of the whole body).
    pub(super) fn all_hits(&self) -> Vec<Hit> {
        let Some(ev) = self.evidence() else {
            return Vec::new();
        };
        let mut v = ev.head_hits.clone();
        if let Some(t) = self.tail() {
            let off = ev.head.len();
            v.extend(t.hits.iter().map(|(l, s, e)| (l + off, *s, *e)));
        }
        v
    }

    /// Lines of the evidence body and the rows it shows.
    pub(super) fn ev_body_len(&self) -> (usize, usize) {
        let Some(ev) = self.evidence() else {
            return (0, 0);
        };
        let tail = self.tail().map(|t| t.len()).unwrap_or(0);
        (ev.head.len() + tail, ev.body_h as usize)
    }
}

/// The matches of `q` in `lines`, sorted. Chinese text wraps between any two characters,
/// so a match may also run from the end of a line into the next line of the same kind: it
/// is found, and marked on its first line (from where it starts to the line's end).
fn hits_in(lines: &[EvLine], q: &str, off: usize) -> Vec<Hit> {
    let mut v = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        for (s, e) in text::find_all(&l.text, q) {
            v.push((i + off, s, e));
        }
        if let Some(next) = lines.get(i + 1).filter(|n| n.kind == l.kind) {
            if let Some(s) = across_break(&l.text, &next.text, q) {
                v.push((i + off, s, l.text.len()));
            }
        }
    }
    v
}

/// Where a match of `q` (ASCII case ignored) starts in `line` when it runs on into `next`:
/// it starts in the line, ends in `next`, and is in neither alone.
fn across_break(line: &str, next: &str, q: &str) -> Option<usize> {
    if q.chars().count() < 2 || line.is_empty() || next.is_empty() {
        return None;
    }
    // the last characters of the line that can start a match, and the first of the next line
    let from = line
        .char_indices()
        .rev()
        .take(q.chars().count() - 1)
        .last()
        .map_or(line.len(), |(i, _)| i);
    let to = next
        .char_indices()
        .nth(q.chars().count() - 1)
        .map_or(next.len(), |(i, _)| i);
    let joined = format!("{}{}", &line[from..], &next[..to]);
    text::find_all(&joined, q)
        .into_iter()
        .find(|&(s, e)| s < line.len() - from && e > line.len() - from)
        .map(|(s, _)| from + s)
}

fn line_style(kind: LineKind, th: Theme) -> Style {
    match kind {
        LineKind::Heading => th.heading(),
        LineKind::Text => Style::new(),
        LineKind::Fact => th.fact(),
        LineKind::Warn => th.warn(),
        LineKind::Detail => Style::new(),
    }
}

/// One evidence line with its search matches highlighted.
fn hit_line<'a>(
    l: &'a EvLine,
    hits: &[Hit],
    line_no: usize,
    current: Option<Hit>,
    th: Theme,
) -> Line<'a> {
    let base = line_style(l.kind, th);
    let mine: Vec<&Hit> = hits.iter().filter(|h| h.0 == line_no).collect();
    if mine.is_empty() {
        return Line::from(Span::styled(l.text.as_str(), base));
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for h in mine {
        if h.1 < at || h.2 > l.text.len() {
            continue;
        }
        if h.1 > at {
            spans.push(Span::styled(&l.text[at..h.1], base));
        }
        spans.push(Span::styled(&l.text[h.1..h.2], th.hit(Some(*h) == current)));
        at = h.2;
    }
    if at < l.text.len() {
        spans.push(Span::styled(&l.text[at..], base));
    }
    Line::from(spans)
}

/// The hits on line `n` (hits are sorted by line).
fn visible_hits(hits: &[Hit], n: usize) -> &[Hit] {
    let start = hits.partition_point(|h| h.0 < n);
    let end = hits.partition_point(|h| h.0 <= n);
    &hits[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_clears_the_search_before_leaving_the_pane() {
        let mut ev = EvidencePane::default();
        ev.set_search(Some("园区".into()));
        ev.step(&[(3, 0, 6)], 10, true);
        assert_eq!(ev.hit(), Some(0));
        assert_eq!(ev.handle(Action::Back), None);
        assert_eq!((ev.search(), ev.hit()), (None, None));
        assert_eq!(ev.handle(Action::Back), Some(Outcome::Focus(Pane::Tree)));
        assert_eq!(
            ev.handle(Action::SearchNext),
            Some(Outcome::SearchStep(true))
        );
        assert_eq!(ev.handle(Action::PageUp), Some(Outcome::Page(-1)));
        assert_eq!(ev.handle(Action::Comment), None);
    }

    /// A term the wrap cut in two (Chinese wraps between any two characters) is found, on the
    /// line where it starts; a term whole on a line is found as before; lines of another kind
    /// (a heading after the text) are not joined.
    #[test]
    fn a_match_across_a_line_break_is_found() {
        let t = |s: &str| EvLine::new(s, LineKind::Text);
        let lines = vec![
            t("与园区企业签订入"),
            t("托协议，入托企业"),
            EvLine::new("协议一览", LineKind::Heading),
        ];
        let start = "与园区企业签订".len();
        assert_eq!(
            hits_in(&lines, "入托协议", 5),
            vec![(5, start, lines[0].text.len())]
        );
        assert_eq!(
            hits_in(&lines, "入托", 0),
            vec![
                (0, start, lines[0].text.len()),
                (1, "托协议，".len(), "托协议，入托".len())
            ]
        );
        assert!(
            hits_in(&lines, "企业协议", 0).is_empty(),
            "not across kinds"
        );
        assert!(hits_in(&[t("PCT专"), t("利申请")], "pct专利", 0) == vec![(0, 0, 6)]);
        assert!(
            hits_in(&lines, "入", 0).len() == 2,
            "one character: no join"
        );
    }
}
