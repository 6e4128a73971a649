//! Keystroke → frame time of the expert screen (design §8: median < 1 ms at
//! 200×60 with 1 MB of evidence and 28 criteria). Run in release:
//! `cargo test --release --test terminal -- --ignored --nocapture tui_perf::`.
//! The non-ignored test checks the same path with a loose bound in any build.

use std::time::{Duration, Instant};

use panel::rubric;
use panel::tui::view::draw;
use panel::tui::{feed, App, AppInput, Lang, MemPersist, SectionText, Session};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// A demonstration-park session whose application carries about `bytes` of
/// Chinese evidence spread over the rubric's sections.
fn big_session(bytes: usize) -> Session {
    let l = rubric::embedded("ip-demo-park").expect("embedded ip-demo-park");
    let r = l.rubric;
    let para = "园区围绕知识产权创造、运用、保护、管理和服务，建立健全工作体系，推动高价值专利培育与转化运用，完善维权援助与纠纷调解机制。PCT申请与专利许可持续增长。\n";
    let per = bytes / r.sections.len().max(1);
    let sections = r
        .sections
        .iter()
        .map(|s| SectionText {
            key: s.key.clone(),
            title: s.title.clone(),
            text: para.repeat(per / para.len() + 1),
        })
        .collect();
    Session {
        panel_id: "perf".into(),
        panel_title: "示范园区 评审".into(),
        expert_id: "E01".into(),
        expert_name: "专家一".into(),
        apps: vec![AppInput {
            code: "DP-001".into(),
            title: "示范园区".into(),
            requested_wan: None,
            facts: Default::default(),
            sections,
            attachments: vec![],
        }],
        rubric: r,
    }
}

/// Per-keystroke times of (update + draw) over `keys`, after a first frame.
fn measure(keys: &[&str]) -> Vec<Duration> {
    let s = big_session(1 << 20);
    let total: usize = s.apps[0].sections.iter().map(|x| x.text.len()).sum();
    assert!(total >= 1 << 20);
    let mut app = App::new(
        s,
        vec![],
        Box::new(MemPersist::default()),
        Lang::Zh,
        true,
        (200, 60),
    );
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    feed(&mut app, "tab");
    term.draw(|f| draw(f, &app)).unwrap();
    let mut times = Vec::new();
    for k in keys {
        let t = Instant::now();
        feed(&mut app, k);
        term.draw(|f| draw(f, &app)).unwrap();
        times.push(t.elapsed());
    }
    times
}

fn keys() -> Vec<&'static str> {
    // down through every item and back, some evidence paging, a search
    let mut k = vec!["j"; 45];
    k.extend(vec!["k"; 45]);
    k.extend([
        "tab", "pagedown", "pagedown", "pageup", "G", "g", "/", "专", "利", "enter", "n", "n", "N",
        "esc", "backtab",
    ]);
    k
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn keystroke_to_frame_stays_fast_enough() {
    let _turn = crate::turns::take(module_path!());
    let t = measure(&keys());
    // a loose bound that holds in debug builds on a loaded machine
    assert!(
        median(t) < Duration::from_millis(50),
        "median keystroke→frame too slow"
    );
}

#[test]
#[ignore]
fn keystroke_to_frame_median() {
    let _turn = crate::turns::take(module_path!());
    let t = measure(&keys());
    let max = *t.iter().max().unwrap();
    let m = median(t.clone());
    let mut s = t.clone();
    s.sort();
    let p90 = s[s.len() * 9 / 10];
    println!(
        "keystroke→frame at 200×60, 1 MB evidence, 28 criteria: median {:?}, p90 {:?}, max {:?} over {} keys",
        m,
        p90,
        max,
        t.len()
    );
}
