//! `panel results --scores` on 10,000 applications × 15 experts × 30 criteria (4.5 M scores;
//! bar: CSV to ranked shortlist < 2 s), and the XLSX export of its 10,000 rows.
//!
//! The panel is `panel synth --apps 10000 --experts 15 --criteria 30 --per-app 15
//! --no-bundles` (about 4.43 M rows after conflicts and gaps, 84 MB). Each iteration runs
//! what the command runs in-process (open the panel, stream the CSV, the pipeline, render
//! CSV), parsed from command-line arguments so that the bench follows the command's flags.
//! The XLSX export (every expert's values: about 150,000 rows × 30 criteria) takes seconds
//! and is timed by hand (three runs, median printed).
//! Process start-up and peak memory are measured by `bench/compare.sh`.

use std::path::Path;
use std::time::{Duration, Instant};

use clap::Parser;
use criterion::{criterion_group, criterion_main, Criterion};
use panel::commands::results::{report, ResultsArgs};
use panel::export::Format;
use panel::synth::{self, Spec};

/// The binary's allocator, so that the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: ResultsArgs,
}

fn args(dir: &Path, extra: &[&str]) -> ResultsArgs {
    let csv = dir.join("scores.csv");
    let mut v: Vec<String> = vec![
        "panel-results".into(),
        dir.display().to_string(),
        "--scores".into(),
        csv.display().to_string(),
        "--method".into(),
        "trimmed".into(),
        "--by".into(),
        "total".into(),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    Cli::parse_from(v).args
}

fn run(a: &ResultsArgs, format: Format) -> Vec<u8> {
    let rep = report(a, format).expect("results");
    rep.render(format, None).expect("render")
}

fn bench(c: &mut Criterion) {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&base).expect("target dir");
    let tmp = tempfile::Builder::new()
        .prefix("bench-results-")
        .tempdir_in(base)
        .expect("temp dir");
    let dir = tmp.path().join("panel");
    let spec = Spec {
        per_app: 15,
        bundles: false,
        ..Spec::new(10_000, 15, 30)
    };
    let r = synth::generate(&spec, &dir, false).expect("synth");
    eprintln!(
        "results: {} rows, {:.1} MB of CSV",
        r.stats.rows,
        r.score_bytes as f64 / 1e6
    );

    let no_boot = args(&dir, &["--resamples", "0"]);
    let default = args(&dir, &[]);
    let out = run(&no_boot, Format::Csv);
    assert!(out.len() > 10_000 * 50, "10,000 result rows");

    let mut g = c.benchmark_group("results");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(12));
    g.bench_function("csv_to_shortlist_10000x15x30_trimmed_total", |b| {
        b.iter(|| run(&no_boot, Format::Csv))
    });
    g.measurement_time(Duration::from_secs(30));
    g.bench_function("csv_to_shortlist_10000x15x30_default_bootstrap", |b| {
        b.iter(|| run(&default, Format::Csv))
    });
    g.finish();

    let rep = report(&no_boot, Format::Xlsx).expect("results");
    assert_eq!(rep.results.applications.len(), 10_000);
    // The XLSX export takes seconds (it holds every expert's criterion values): timed by
    // hand, three runs, instead of criterion's ten samples.
    let mut t: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let bytes = rep.render(Format::Xlsx, None).expect("xlsx");
            let d = start.elapsed();
            eprintln!(
                "export: xlsx of 10,000 applications ({:.1} MB) in {d:?}",
                bytes.len() as f64 / 1e6
            );
            d
        })
        .collect();
    t.sort();
    eprintln!("export: xlsx_10000_rows median of 3 runs: {:?}", t[1]);
    let mut g = c.benchmark_group("export");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.bench_function("csv_10000_rows", |b| {
        b.iter(|| rep.render(Format::Csv, None).expect("csv"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
