//! `panel demo` to first frame (bar: < 200 ms).
//!
//! 1. The real thing: the release binary runs `panel demo` in a pseudo-terminal made by
//!    `script(1)`, with `PANEL_DEBUG_PANIC_AFTER_DRAW=1` (the terminal loop panics right
//!    after drawing its first frame, restores the terminal and exits), so the wall time of
//!    the process is start-up + first frame + the (small) panic exit. `script -qec true`
//!    is measured beside it as the pseudo-terminal's own cost. Skipped when `script` is
//!    missing.
//! 2. The same start-up path in-process, step by step: write the embedded demo panel,
//!    open it (load, validate and scan its bundles), open a fresh store (creating the
//!    journal and the sled index), load the sheets, build the screen and draw it once on an
//!    80×24 `TestBackend`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use panel::commands::score::{identity, session};
use panel::panel::{materialize_demo, Panel};
use panel::store::Store;
use panel::tui::app::load_sheets;
use panel::tui::view::draw;
use panel::tui::{App, Lang};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The binary's allocator, so that the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn script_available() -> bool {
    Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run_script(cmd: &str, tmpdir: &Path) {
    let st = Command::new("script")
        .args(["-qec", cmd, "/dev/null"])
        .env("TMPDIR", tmpdir)
        .env("PANEL_DEBUG_PANIC_AFTER_DRAW", "1")
        .env("RUST_BACKTRACE", "0")
        .env("TERM", "xterm-256color")
        .env("LANG", "zh_CN.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("script");
    // `panel demo` exits 101 from the deliberate panic after the first frame.
    assert!(st.code().is_some(), "script was killed");
}

/// The in-process start-up: returns the app (and keeps the store open inside it).
fn start(root: &Path) -> App {
    let dir = root.join("panel");
    materialize_demo(&dir).expect("demo files");
    let panel = Panel::open(&dir).expect("demo panel");
    let ex = panel.config.experts[0].clone();
    let (store, _) = Store::open(&root.join("db-E01"), &identity(&panel, &ex.id)).expect("store");
    let s = session(&panel, &ex);
    let codes: Vec<String> = s.apps.iter().map(|a| a.code.clone()).collect();
    let sheets = load_sheets(&store, &ex.id, &codes);
    App::new(s, sheets, Box::new(store), Lang::Zh, true, (80, 24))
}

fn bench(c: &mut Criterion) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&base).expect("target dir");
    let tmp = tempfile::Builder::new()
        .prefix("bench-startup-")
        .tempdir_in(base)
        .expect("temp dir");
    let mut g = c.benchmark_group("startup");
    g.sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));

    if script_available() {
        let bin = env!("CARGO_BIN_EXE_panel");
        let demo = format!("{bin} demo");
        let tmpdir = tmp.path().join("tmp");
        std::fs::create_dir_all(&tmpdir).expect("tmp");
        g.bench_function("panel_demo_to_first_frame_in_pty", |b| {
            b.iter(|| run_script(&demo, &tmpdir))
        });
        g.bench_function("pty_baseline_script_true", |b| {
            b.iter(|| run_script("true", &tmpdir))
        });
    } else {
        eprintln!("startup: `script` not found; the process measurement is skipped");
    }

    let mut n = 0u64;
    let mut roots: Vec<PathBuf> = Vec::new();
    g.bench_function("demo_start_in_process_to_first_draw_80x24", |b| {
        b.iter_batched(
            || {
                n += 1;
                let r = tmp.path().join(format!("run-{n}"));
                roots.push(r.clone());
                r
            },
            |root| {
                let app = start(&root);
                let mut term = Terminal::new(TestBackend::new(80, 24)).expect("backend");
                term.draw(|f| draw(f, &app)).expect("draw");
                app
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // One start-up, step by step.
    let root = tmp.path().join("steps");
    let t = Instant::now();
    let dir = root.join("panel");
    materialize_demo(&dir).expect("demo files");
    let t1 = t.elapsed();
    let panel = Panel::open(&dir).expect("demo panel");
    let t2 = t.elapsed();
    let ex = panel.config.experts[0].clone();
    let (store, _) = Store::open(&root.join("db-E01"), &identity(&panel, &ex.id)).expect("store");
    let t3 = t.elapsed();
    let s = session(&panel, &ex);
    let codes: Vec<String> = s.apps.iter().map(|a| a.code.clone()).collect();
    let sheets = load_sheets(&store, &ex.id, &codes);
    let app = App::new(s, sheets, Box::new(store), Lang::Zh, true, (80, 24));
    let t4 = t.elapsed();
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("backend");
    term.draw(|f| draw(f, &app)).expect("draw");
    let t5 = t.elapsed();
    eprintln!(
        "startup steps: write demo {:?}, open panel ({} bundles) {:?}, open new store {:?}, screen {:?}, first draw {:?}; total {:?}",
        t1,
        panel.bundles.len(),
        t2 - t1,
        t3 - t2,
        t4 - t3,
        t5 - t4,
        t5
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
