//! 1,000 bundles loaded, validated and scanned for personal data (bar: < 0.5 s):
//! `Panel::open` on a synthetic panel (`panel synth`, about 4 KB of Chinese text per bundle,
//! a few facts, an attachment) — reads every file, hashes it, parses it, checks schema,
//! sections and facts against the rubric and runs the personal-data scan on every text;
//! and what `panel bundle check` runs on the same 1,000 files (walk, the same checks, the
//! report).

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use panel::panel::Panel;
use panel::synth::{self, Spec};

/// The binary's allocator, so that the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&base).expect("target dir");
    let tmp = tempfile::Builder::new()
        .prefix("bench-bundles-")
        .tempdir_in(base)
        .expect("temp dir");
    let dir = tmp.path().join("panel");
    let spec = Spec {
        per_app: 3,
        seed: 11,
        ..Spec::new(1000, 15, 30)
    };
    synth::generate(&spec, &dir, false).expect("synth");
    let bytes: u64 = std::fs::read_dir(dir.join("bundles"))
        .expect("bundles")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    let p = Panel::open(&dir).expect("open");
    assert_eq!(p.bundles.len(), 1000, "{:?}", p.invalid.first());
    eprintln!("bundles: 1000 files, {:.1} MB", bytes as f64 / 1e6);

    let mut g = c.benchmark_group("bundles");
    g.throughput(Throughput::Elements(1000));
    g.bench_function("panel_open_1000_bundles_4KB", |b| {
        b.iter(|| {
            let p = Panel::open(&dir).expect("open");
            assert_eq!(p.bundles.len(), 1000);
            p
        })
    });
    // What `panel bundle check <dir>/bundles --rubric <dir>/rubric.json` runs, in-process:
    // walk the directory, read, hash, parse, check and scan every bundle, render the report.
    let opts = panel::commands::bundle::CheckOptions {
        json: false,
        rubric: Some(dir.join("rubric.json")),
        identity_map: None,
    };
    let paths = vec![dir.join("bundles")];
    let o = panel::commands::bundle::check(&paths, &opts).expect("check");
    let first = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.exit,
        panel::commands::Exit::Success,
        "{}",
        first.lines().next().unwrap_or("")
    );
    g.bench_function("bundle_check_1000_bundles_4KB", |b| {
        b.iter(|| {
            let o = panel::commands::bundle::check(&paths, &opts).expect("check");
            assert_eq!(o.exit, panel::commands::Exit::Success);
            o.stdout
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
