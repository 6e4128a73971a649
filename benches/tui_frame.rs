//! Keystroke → frame of the expert screen (bar: median < 1 ms): `update` + `draw`
//! at 200×60 on ratatui's `TestBackend`, the 28-criterion ip-demo-park rubric, and an
//! application whose most-cited evidence section holds 1 MB of Chinese text (the other
//! sections a few KB). Each iteration is one key of a cycle that moves through every item
//! of the criterion tree and pages the evidence, so the evidence pane changes section often.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use panel::rubric::{self, Rubric};
use panel::synth::chinese_text;
use panel::tui::view::draw;
use panel::tui::{feed, App, AppInput, Lang, MemPersist, SectionText, Session};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The binary's allocator, so that the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EVIDENCE_BYTES: usize = 1 << 20;

/// The section key cited by the most criteria.
fn most_cited(r: &Rubric) -> String {
    let mut best = (0, r.sections[0].key.clone());
    for s in &r.sections {
        let n = r
            .criteria()
            .filter(|(_, c)| c.evidence.sections.contains(&s.key))
            .count();
        if n > best.0 {
            best = (n, s.key.clone());
        }
    }
    best.1
}

fn session() -> Session {
    let r = rubric::embedded("ip-demo-park")
        .expect("embedded ip-demo-park")
        .rubric;
    assert_eq!(r.criteria().count(), 28);
    let big = most_cited(&r);
    let sections = r
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionText {
            key: s.key.clone(),
            title: s.title.clone(),
            text: chinese_text(i as u64, if s.key == big { EVIDENCE_BYTES } else { 4096 }),
        })
        .collect();
    Session {
        panel_id: "bench".into(),
        panel_title: "示范园区 评审（基准）".into(),
        expert_id: "E01".into(),
        expert_name: "专家一".into(),
        apps: vec![AppInput {
            code: "DP-001".into(),
            title: "知识产权示范园区（基准样本）".into(),
            requested_wan: None,
            facts: Default::default(),
            sections,
            attachments: vec!["实施方案.pdf".into()],
        }],
        rubric: r,
    }
}

fn keys(r: &Rubric) -> Vec<&'static str> {
    let n = r.items().count();
    let mut k = vec!["j"; n];
    k.extend(vec!["k"; n]);
    // to the evidence pane, page down and back up, back to the tree
    k.extend([
        "tab", "pagedown", "pagedown", "pagedown", "pageup", "pageup", "pageup", "backtab",
    ]);
    k
}

fn new_app(s: Session) -> App {
    App::new(
        s,
        vec![],
        Box::new(MemPersist::default()),
        Lang::Zh,
        true,
        (200, 60),
    )
}

/// Per-keystroke times over three cycles (criterion reports per-sample means; this shows
/// the spread of single keystrokes, including the first view of each section).
fn per_key_distribution(s: &Session, keys: &[&str]) {
    let mut app = new_app(s.clone());
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let mut t = Vec::new();
    for k in std::iter::once(&"enter").chain(keys.iter().cycle().take(3 * keys.len())) {
        let start = Instant::now();
        feed(&mut app, k);
        term.draw(|f| draw(f, &app)).expect("draw");
        t.push(start.elapsed());
    }
    let first = t[0];
    t.sort();
    let q = |p: usize| t[(t.len() - 1) * p / 100];
    eprintln!(
        "tui per keystroke over {} keys: median {:?}, p90 {:?}, p99 {:?}, max {:?} (first key, cold caches: {:?})",
        t.len(),
        q(50),
        q(90),
        q(99),
        t[t.len() - 1],
        first
    );
}

fn bench(c: &mut Criterion) {
    let s = session();
    let keys = keys(&s.rubric);
    per_key_distribution(&s, &keys);
    let mut app = new_app(s.clone());
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    feed(&mut app, "enter");
    term.draw(|f| draw(f, &app)).expect("draw");
    let mut i = 0usize;
    let mut g = c.benchmark_group("tui");
    g.bench_function("keystroke_to_frame_200x60_1MB_28criteria", |b| {
        b.iter(|| {
            feed(&mut app, keys[i % keys.len()]);
            i += 1;
            term.draw(|f| draw(f, &app)).expect("draw");
        })
    });
    g.bench_function("draw_only_200x60_1MB_28criteria", |b| {
        b.iter(|| {
            term.draw(|f| draw(f, &app)).expect("draw");
        })
    });
    g.sample_size(20);
    g.bench_function("first_key_cold_200x60_1MB_28criteria", |b| {
        b.iter_batched(
            || new_app(s.clone()),
            |mut app| {
                feed(&mut app, "enter");
                term.draw(|f| draw(f, &app)).expect("draw");
                app
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
