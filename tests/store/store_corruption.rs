//! Damage to the sled index is repaired from the journal at open, without losing a score;
//! damage to the journal is refused, naming the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use panel::store::{AppStatus, Op, OpenReport, Store, StoreError, StoreIdentity};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

fn ident() -> StoreIdentity {
    StoreIdentity {
        panel_id: "P-CORRUPT".into(),
        rubric_sha256: "c0".repeat(32),
        role: panel::role::Role::Chair,
    }
}

type Scores = BTreeMap<(String, String, String), Decimal>;

/// Commits `n` scores (plus a status and a comment per application) and closes the store.
fn populate(db: &Path, n: usize) -> Scores {
    let mut rng = StdRng::seed_from_u64(42);
    let mut acked = Scores::new();
    let (mut s, _) = Store::open(db, &ident()).expect("open");
    let mut i = 0;
    while i < n {
        let mut ops = Vec::new();
        let app = format!("A{:03}", i % 50);
        for _ in 0..rng.gen_range(1..=4) {
            let key = (
                format!("E{:02}", rng.gen_range(1..=5)),
                app.clone(),
                format!("{}.{}", i % 7, i),
            );
            let value = Decimal::new(rng.gen_range(0..=200), 1);
            ops.push(Op::SetScore {
                expert: key.0.clone(),
                app: key.1.clone(),
                item: key.2.clone(),
                value,
                reason: None,
            });
            acked.insert(key, value);
            i += 1;
        }
        ops.push(Op::SetStatus {
            expert: "E01".into(),
            app: app.clone(),
            status: AppStatus::Draft,
            reason: None,
        });
        ops.push(Op::SetComment {
            expert: "E01".into(),
            app,
            item: String::new(),
            text: format!("意见 {i}"),
        });
        s.commit(ops).expect("commit");
    }
    acked
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read_dir") {
        let e = e.expect("entry");
        let to = dst.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).expect("copy");
        }
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Opens, which must succeed, and checks every acknowledged score.
fn open_and_check(db: &Path, acked: &Scores, case: &str) -> OpenReport {
    let (s, report) =
        Store::open(db, &ident()).unwrap_or_else(|e| panic!("{case}: open failed: {e}"));
    let mut missing = Vec::new();
    for ((e, a, i), v) in acked {
        if s.score(e, a, i).map(|x| x.value) != Some(*v) {
            missing.push((e.clone(), a.clone(), i.clone()));
        }
    }
    assert!(
        missing.is_empty(),
        "{case}: {} scores lost, e.g. {:?}; report {report:?}",
        missing.len(),
        &missing[..missing.len().min(3)]
    );
    assert_eq!(s.all_scores().len(), acked.len(), "{case}");
    assert_eq!(s.statuses_for("E01").len(), 50, "{case}");
    assert!(s.fault().is_none(), "{case}: {:?}", s.fault());
    report
}

struct Fixture {
    _dir: tempfile::TempDir,
    pristine: PathBuf,
    acked: Scores,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let pristine = dir.path().join("pristine");
    let acked = populate(&pristine, 600);
    Fixture {
        _dir: dir,
        pristine,
        acked,
    }
}

fn fresh_copy(f: &Fixture, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join(name);
    copy_dir(&f.pristine, &db);
    (dir, db)
}

#[test]
fn intact_database_reports_no_repair() {
    let _turn = crate::turns::take(module_path!());
    let f = fixture();
    let (_d, db) = fresh_copy(&f, "intact");
    let r = open_and_check(&db, &f.acked, "intact");
    assert!(r.repaired.is_empty() && r.warnings.is_empty(), "{r:?}");
}

#[test]
fn flipped_bytes_in_sled_files_are_repaired() {
    let _turn = crate::turns::take(module_path!());
    let f = fixture();
    let mut rng = StdRng::seed_from_u64(0x5EED);
    let cases = 30;
    let (mut repaired, mut harmless) = (0, 0);
    let t = Instant::now();
    for case in 0..cases {
        let (_d, db) = fresh_copy(&f, &format!("flip{case}"));
        let files = files_under(&db.join("sled"));
        // Mostly the data file `db`, sometimes `conf` or any other file sled keeps.
        let target = if rng.gen_bool(0.75) {
            db.join("sled").join("db")
        } else {
            files[rng.gen_range(0..files.len())].clone()
        };
        let mut bytes = std::fs::read(&target).expect("read");
        let used = bytes.iter().rposition(|b| *b != 0).map_or(1, |p| p + 1);
        let flips = rng.gen_range(1..=16);
        for _ in 0..flips {
            let pos = rng.gen_range(0..used);
            bytes[pos] ^= 1 << rng.gen_range(0..8);
        }
        std::fs::write(&target, &bytes).expect("write");
        let name = format!(
            "case {case}: {flips} bit flips in {}",
            target.file_name().unwrap_or_default().to_string_lossy()
        );
        let r = open_and_check(&db, &f.acked, &name);
        if r.repaired.is_empty() {
            harmless += 1;
        } else {
            repaired += 1;
        }
        // A second open finds nothing left to repair.
        let again = open_and_check(&db, &f.acked, &name);
        assert!(again.repaired.is_empty(), "{name}: {again:?}");
    }
    println!(
        "bit flips: {cases} cases in {:.1?}: {repaired} repaired from the journal, {harmless} \
         harmless (the index still matched the journal)",
        t.elapsed()
    );
    assert!(
        repaired * 2 >= cases,
        "only {repaired} of {cases} flips were noticed"
    );
}

#[test]
fn truncated_or_emptied_sled_files_are_repaired() {
    let _turn = crate::turns::take(module_path!());
    let f = fixture();
    let sled_files: Vec<String> = files_under(&f.pristine.join("sled"))
        .iter()
        .filter_map(|p| {
            p.strip_prefix(&f.pristine)
                .ok()
                .map(|p| p.display().to_string())
        })
        .collect();
    for rel in &sled_files {
        for keep in ["empty", "half"] {
            let (_d, db) = fresh_copy(&f, "trunc");
            let p = db.join(rel);
            let len = std::fs::metadata(&p).expect("metadata").len();
            let used = std::fs::read(&p)
                .expect("read")
                .iter()
                .rposition(|b| *b != 0)
                .map_or(0, |x| x as u64 + 1);
            let new_len = if keep == "empty" { 0 } else { used / 2 };
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .and_then(|f| f.set_len(new_len))
                .expect("truncate");
            let case = format!("{rel} truncated from {len} to {new_len} bytes");
            let r = open_and_check(&db, &f.acked, &case);
            // sled rewrites a missing `conf` (it only holds settings) and the index may then
            // verify intact; the data files must always be noticed.
            if !rel.ends_with("conf") {
                assert!(!r.repaired.is_empty(), "{case}: no repair reported: {r:?}");
            }
            let outcome = if r.repaired.is_empty() {
                "index verified intact".to_string()
            } else {
                r.repaired.join(" | ")
            };
            println!("{case}: {outcome}");
        }
    }
}

#[test]
fn deleted_sled_directory_is_rebuilt() {
    let _turn = crate::turns::take(module_path!());
    let f = fixture();
    let (_d, db) = fresh_copy(&f, "deleted");
    std::fs::remove_dir_all(db.join("sled")).expect("rm sled");
    let r = open_and_check(&db, &f.acked, "sled deleted");
    assert_eq!(r.repaired.len(), 1, "{r:?}");
    assert!(r.repaired[0].contains("missing"), "{r:?}");
}

#[test]
fn flipped_byte_in_a_journal_line_is_refused_with_its_line_number() {
    let _turn = crate::turns::take(module_path!());
    let f = fixture();
    let mut rng = StdRng::seed_from_u64(0x10_0D);
    for case in 0..12 {
        let (_d, db) = fresh_copy(&f, "journal");
        let jp = db.join("journal.jsonl");
        let mut bytes = std::fs::read(&jp).expect("read journal");
        let starts: Vec<usize> = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .filter(|i| *i < bytes.len())
            .collect();
        // A complete line in the middle (not the first, not the last).
        let line = rng.gen_range(2..starts.len());
        let (from, to) = (starts[line - 1], starts[line] - 1); // `to` is the newline
        let pos = rng.gen_range(from..to);
        // Flipping the low bit never creates or removes a newline in JSON text.
        bytes[pos] ^= 1;
        std::fs::write(&jp, &bytes).expect("write journal");
        let err = Store::open(&db, &ident()).expect_err("a damaged journal must be refused");
        match &err {
            StoreError::JournalDamaged { line: l, .. } => {
                assert_eq!(*l, line as u64, "case {case}: {err}")
            }
            other => panic!("case {case}: expected JournalDamaged, got {other}"),
        }
        let msg = err.to_string();
        assert!(msg.contains(&format!("line {line}:")), "{msg}");
        assert!(msg.contains(&jp.display().to_string()), "{msg}");
        // Refused without touching anything: the journal is as we left it.
        assert_eq!(std::fs::read(&jp).expect("read"), bytes);
        if case == 0 {
            println!("journal damage refused: {msg}");
        }
    }
}
