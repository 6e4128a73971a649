//! One process per database: a second open fails at once with `Locked`, naming the path and
//! the read-only commands; it never waits and never touches the data. A read-only snapshot
//! needs no lock.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use panel::store::{Op, Store, StoreError, StoreIdentity};
use rust_decimal::Decimal;

const ENV_DB: &str = "PANEL_LOCK_CHILD";

fn ident() -> StoreIdentity {
    StoreIdentity {
        panel_id: "P-LOCK".into(),
        rubric_sha256: "10".repeat(32),
        role: panel::role::Role::expert("E01"),
    }
}

/// The child: opens the store, says "ready", holds it until stdin closes.
#[test]
fn child_entry() {
    let Ok(db) = std::env::var(ENV_DB) else {
        return;
    };
    let (mut store, _) = Store::open(Path::new(&db), &ident()).expect("child: open");
    store
        .commit(vec![Op::SetScore {
            expert: "E01".into(),
            app: "A1".into(),
            item: "1".into(),
            value: Decimal::from_str("4").expect("decimal"),
            reason: None,
        }])
        .expect("child: commit");
    // libtest may already have written "test child_entry ... " on this line.
    println!("\nready");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}

fn assert_locked_fast(db: &Path) -> String {
    let t = Instant::now();
    let err = Store::open(db, &ident()).expect_err("second open must fail");
    let took = t.elapsed();
    assert!(took < Duration::from_secs(1), "second open took {took:?}");
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&db.display().to_string()), "{msg}");
    assert!(
        msg.contains(&db.join("LOCK").display().to_string()),
        "{msg}"
    );
    // it points to the commands that read without the lock, not to another (empty) --db
    assert!(
        msg.contains("`panel results`") && msg.contains("`panel status`"),
        "{msg}"
    );
    assert!(!msg.contains("--db <OTHER_PATH>"), "{msg}");
    println!("second open refused in {took:?}: {msg}");
    msg
}

#[test]
fn second_open_in_the_same_process_fails_fast() {
    let _turn = crate::turns::take(module_path!());
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db");
    let (first, _) = Store::open(&db, &ident()).expect("first open");
    assert_locked_fast(&db);
    // The refused open changed nothing; after the first closes, the database opens normally.
    drop(first);
    let (s, report) = Store::open(&db, &ident()).expect("open after close");
    assert!(report.repaired.is_empty(), "{report:?}");
    assert_eq!(s.seq(), 1);
}

#[test]
fn second_open_from_another_process_fails_fast() {
    let _turn = crate::turns::take(module_path!());
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("db");
    let exe = std::env::current_exe().expect("current_exe");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            crate::store_support::test_name(module_path!(), "child_entry").as_str(),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV_DB, &db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("child stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line == "ready" {
                let _ = tx.send(());
            }
        }
    });
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = child.kill();
        panic!("the child did not open the database within 30 s");
    }
    let msg = assert_locked_fast(&db);
    assert!(msg.contains(&format!("pid {}", child.id())), "{msg}");

    // A read-only snapshot needs no lock: it sees the holder's acknowledged commit.
    let (snap, report) = Store::open_read_only(&db, &ident()).expect("read-only open");
    assert!(report.warnings.is_empty(), "{report:?}");
    assert_eq!(snap.seq(), 2);
    assert_eq!(
        snap.score("E01", "A1", "1").map(|e| e.value),
        Some(Decimal::from(4))
    );
    assert!(snap.is_read_only());
    drop(snap);

    // A holder killed with SIGKILL releases the lock (the kernel drops it with the process).
    child.kill().expect("kill child");
    child.wait().expect("wait child");
    let (s, report) = Store::open(&db, &ident()).expect("open after the holder died");
    assert_eq!(
        s.score("E01", "A1", "1").map(|e| e.value),
        Some(Decimal::from_str("4").expect("decimal")),
        "{report:?}"
    );
}
