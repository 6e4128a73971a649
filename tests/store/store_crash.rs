//! kill -9 while scoring: no acknowledged score may be lost, and the database opens every time.
//!
//! The test binary re-executes itself as the child (`child_entry` with `PANEL_CRASH_CHILD`
//! set). The child commits scores through the real store and prints
//! `ack <expert> <app> <item> <value>` only after `commit` returned `Ok`. The parent SIGKILLs it
//! at seeded random moments, reopens the database and checks every acknowledged score.
//!
//! A negative control runs the same harness with a child that acknowledges a batch BEFORE
//! committing it; the harness must see losses there, proving that it can see one.
//!
//! `PANEL_CRASH_CYCLES` (default 60) and `PANEL_CRASH_SEED` override the defaults.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use panel::store::{Op, Store, StoreIdentity};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

const ENV_DB: &str = "PANEL_CRASH_CHILD";
const ENV_MODE: &str = "PANEL_CRASH_MODE";
const ENV_TAG: &str = "PANEL_CRASH_TAG";

fn ident() -> StoreIdentity {
    StoreIdentity {
        panel_id: "P-CRASH".into(),
        rubric_sha256: "5e".repeat(32),
        role: panel::role::Role::expert("E01"),
    }
}

/// The child: commits scores until killed. Returns at once in a normal test run.
#[test]
fn child_entry() {
    let Ok(db) = std::env::var(ENV_DB) else {
        return;
    };
    let ack_before = std::env::var(ENV_MODE).as_deref() == Ok("ack_before");
    let tag = std::env::var(ENV_TAG).unwrap_or_else(|_| "t".into());
    let seed = tag
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut store, _) = open_retrying(Path::new(&db));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    // libtest may already have written "test child_entry ... " on the current line.
    writeln!(out).expect("child: stdout");
    let mut n = 0u64;
    while n < 1_000_000 {
        // 1 to 3 scores per commit.
        let k = rng.gen_range(1..=3);
        let scores: Vec<(String, String, String, Decimal)> = (0..k)
            .map(|j| {
                let expert = format!("E{:02}", rng.gen_range(1..=7));
                let app = format!("A{:03}", rng.gen_range(1..=40));
                let item = format!("{tag}-{}-{j}", n);
                let value = Decimal::new(rng.gen_range(0..=300), 1);
                (expert, app, item, value)
            })
            .collect();
        n += 1;
        let ops: Vec<Op> = scores
            .iter()
            .map(|(e, a, i, v)| Op::SetScore {
                expert: e.clone(),
                app: a.clone(),
                item: i.clone(),
                value: *v,
                reason: None,
            })
            .collect();
        if ack_before {
            // Wrong on purpose: acknowledge, do a little work, then commit.
            for (e, a, i, v) in &scores {
                writeln!(out, "ack {e} {a} {i} {v}").expect("child: stdout");
            }
            out.flush().expect("child: stdout");
            std::thread::sleep(Duration::from_millis(5));
            store.commit(ops).expect("child: commit");
        } else {
            store.commit(ops).expect("child: commit");
            for (e, a, i, v) in &scores {
                writeln!(out, "ack {e} {a} {i} {v}").expect("child: stdout");
            }
            out.flush().expect("child: stdout");
        }
    }
}

/// Opens, retrying briefly on `Locked`: while another test thread of the parent forks a
/// child, that fork holds a copy of the parent's descriptors (and so of a just-closed lock)
/// until it execs. Not a store behaviour: the store itself never waits.
fn open_retrying(db: &Path) -> (Store, panel::store::OpenReport) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match Store::open(db, &ident()) {
            Ok(x) => return x,
            Err(panel::store::StoreError::Locked { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Err(e) => panic!("open {}: {e}", db.display()),
        }
    }
}

type Key = (String, String, String);

struct Outcome {
    cycles: u32,
    acknowledged: usize,
    checks: usize,
    lost: Vec<(Key, Decimal, Option<Decimal>)>,
    repaired_opens: usize,
    damaged_rebuilds: usize,
    torn_tails: usize,
    early_kills: usize,
}

fn run_cycles(mode: &str, cycles: u32, seed: u64) -> Outcome {
    let exe = std::env::current_exe().expect("current_exe");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut acked: BTreeMap<Key, Decimal> = BTreeMap::new();
    let mut out = Outcome {
        cycles,
        acknowledged: 0,
        checks: 0,
        lost: Vec::new(),
        repaired_opens: 0,
        damaged_rebuilds: 0,
        torn_tails: 0,
        early_kills: 0,
    };
    for cycle in 0..cycles {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                crate::store_support::test_name(module_path!(), "child_entry").as_str(),
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV_DB, &db)
            .env(ENV_MODE, mode)
            .env(ENV_TAG, format!("c{cycle}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("child.err")).expect("child.err"),
            ))
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("child stdout");
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("ack ") && tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut lines = Vec::new();
        if rng.gen_bool(0.2) {
            // Anywhere, including while the child opens (and perhaps repairs) the database.
            out.early_kills += 1;
            std::thread::sleep(Duration::from_millis(rng.gen_range(0..40)));
        } else {
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(l) => lines.push(l),
                Err(_) => panic!(
                    "cycle {cycle}: child acknowledged nothing within 20 s: {}",
                    std::fs::read_to_string(dir.path().join("child.err")).unwrap_or_default()
                ),
            }
            std::thread::sleep(Duration::from_micros(rng.gen_range(0..60_000)));
        }
        child.kill().expect("kill child");
        child.wait().expect("wait child");
        reader.join().expect("reader");
        lines.extend(rx.try_iter());
        for l in lines {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!(f.len(), 5, "bad ack line {l:?}");
            let v = Decimal::from_str(f[4]).expect("ack value");
            acked.insert((f[1].into(), f[2].into(), f[3].into()), v);
        }

        let (store, report) = open_retrying(&db);
        if !report.repaired.is_empty() {
            out.repaired_opens += 1;
        }
        if report.repaired.iter().any(|r| r.contains("was damaged")) {
            out.damaged_rebuilds += 1;
        }
        out.torn_tails += report
            .warnings
            .iter()
            .filter(|w| w.contains("incomplete line"))
            .count();
        for ((e, a, i), v) in &acked {
            out.checks += 1;
            let got = store.score(e, a, i).map(|s| s.value);
            if got != Some(*v)
                && !out
                    .lost
                    .iter()
                    .any(|(k, _, _)| k == &(e.clone(), a.clone(), i.clone()))
            {
                out.lost.push(((e.clone(), a.clone(), i.clone()), *v, got));
            }
        }
        assert!(
            store.fault().is_none(),
            "cycle {cycle}: {:?}",
            store.fault()
        );
        drop(store);
    }
    out.acknowledged = acked.len();
    out
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn kill9_never_loses_an_acknowledged_score() {
    let _turn = crate::turns::take(module_path!());
    let cycles = env_u64("PANEL_CRASH_CYCLES", 60) as u32;
    let seed = env_u64("PANEL_CRASH_SEED", 20_261_123);
    let t = Instant::now();
    let o = run_cycles("ack_after", cycles, seed);
    println!(
        "crash test: {} cycles, {} acknowledged scores checked ({} checks over all reopens; \
         {} reopens caught the sled index up, {} of them rebuilt a damaged index, {} torn \
         journal tails moved aside, {} kills before the first ack) in {:.1?}, seed {seed}",
        o.cycles,
        o.acknowledged,
        o.checks,
        o.repaired_opens,
        o.damaged_rebuilds,
        o.torn_tails,
        o.early_kills,
        t.elapsed()
    );
    assert!(
        o.acknowledged >= cycles as usize,
        "too few acknowledged scores ({}) for the test to mean anything",
        o.acknowledged
    );
    assert!(
        o.lost.is_empty(),
        "{} acknowledged score(s) lost, e.g. {:?}",
        o.lost.len(),
        &o.lost[..o.lost.len().min(5)]
    );
}

/// The same harness with a child that acknowledges before committing must see a loss.
#[test]
fn negative_control_ack_before_commit_is_caught() {
    let _turn = crate::turns::take(module_path!());
    let seed = env_u64("PANEL_CRASH_SEED", 20_261_123) ^ 0xA5A5;
    let t = Instant::now();
    let o = run_cycles("ack_before", 20, seed);
    println!(
        "negative control: {} cycles, {} acknowledged, {} lost acknowledged scores detected in \
         {:.1?}",
        o.cycles,
        o.acknowledged,
        o.lost.len(),
        t.elapsed()
    );
    assert!(
        !o.lost.is_empty(),
        "the harness did not detect any loss although the child acknowledged before committing"
    );
}
