//! Durable score commit vs a bare 4 KB write + fsync on the same file system, in the same run
//! (bar: commit median ≤ 1.5 × bare). Both files live in one temporary directory
//! under `target/` (the disk the work tree is on, not a tmpfs).
//!
//! Criterion measures each separately, back to back. Before and after that, a paired loop
//! alternates the two (so that load from other processes hits both alike) and prints both
//! medians and their ratio, back to back and paced at 20 ms (an expert's fastest typing).
//! Note: besides the journal's `fdatasync`, each commit makes sled write its log buffer in
//! the background (`pwrite` + `sync_file_range`, from sled's transaction batch seal), so
//! back-to-back commits compete with those writes for the disk.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use panel::store::{Op, Store, StoreIdentity};
use rust_decimal::Decimal;

/// The binary's allocator, so that the figures are the program's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench_dir() -> tempfile::TempDir {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&base).expect("target dir");
    tempfile::Builder::new()
        .prefix("bench-commit-")
        .tempdir_in(base)
        .expect("temp dir")
}

fn open_store(dir: &Path) -> Store {
    let id = StoreIdentity {
        panel_id: "bench".into(),
        rubric_sha256: "0".repeat(64),
        role: panel::role::Role::expert("E01"),
    };
    Store::open(&dir.join("db"), &id).expect("store").0
}

struct Bare {
    file: File,
    block: Vec<u8>,
}

impl Bare {
    fn new(dir: &Path) -> Bare {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("bare.bin"))
            .expect("bare file");
        Bare {
            file,
            block: vec![b'x'; 4096],
        }
    }

    /// One 4 KB append and fsync.
    fn write(&mut self) {
        self.file.write_all(&self.block).expect("write");
        self.file.sync_all().expect("fsync");
    }
}

/// One score, as the expert screen commits it.
fn commit(store: &mut Store, n: u64) {
    let op = Op::SetScore {
        expert: "E01".into(),
        app: format!("SY{:05}", n % 500),
        item: format!("K{:02}.1", n % 28 + 1),
        value: Decimal::new((n % 11) as i64 * 5, 1),
        reason: None,
    };
    store.commit(vec![op]).expect("commit");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Alternates a bare write and a commit `rounds` times, `pace` apart (zero: back to back,
/// the worst case; 20 ms: an expert typing fast), and prints both medians and the ratio.
fn paired(label: &str, store: &mut Store, bare: &mut Bare, rounds: usize, pace: Duration) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for n in 0..rounds as u64 {
        std::thread::sleep(pace);
        let t = Instant::now();
        bare.write();
        a.push(t.elapsed());
        std::thread::sleep(pace);
        let t = Instant::now();
        commit(store, n);
        b.push(t.elapsed());
    }
    let (ma, mb) = (median(a), median(b));
    eprintln!(
        "commit paired {label} ({rounds} rounds, {pace:?} apart): bare 4 KB write + fsync median {ma:?}, durable commit median {mb:?}, ratio {:.2}",
        mb.as_secs_f64() / ma.as_secs_f64()
    );
}

fn bench(c: &mut Criterion) {
    let dir = bench_dir();
    let mut store = open_store(dir.path());
    let mut bare = Bare::new(dir.path());
    paired("back-to-back", &mut store, &mut bare, 1000, Duration::ZERO);
    paired(
        "paced",
        &mut store,
        &mut bare,
        200,
        Duration::from_millis(20),
    );
    let mut g = c.benchmark_group("commit");
    g.bench_function("bare_4k_write_fsync", |b| b.iter(|| bare.write()));
    let mut n = 1_000_000u64;
    g.bench_function("store_commit_one_score", |b| {
        b.iter(|| {
            n += 1;
            commit(&mut store, n)
        })
    });
    g.finish();
    paired(
        "back-to-back, after",
        &mut store,
        &mut bare,
        1000,
        Duration::ZERO,
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
