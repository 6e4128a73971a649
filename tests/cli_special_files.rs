//! `-o` onto a path that is not a regular file (a FIFO here, standing in for
//! /dev/null or /dev/stdout) is written in place, never replaced by a rename.

#![cfg(unix)]

use std::os::unix::fs::FileTypeExt;
use std::process::Command as StdCommand;

use assert_cmd::Command;

#[test]
fn results_output_to_a_fifo_keeps_the_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    let ok = StdCommand::new("mkfifo").arg(&fifo).status();
    if !ok.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: mkfifo not available");
        return;
    }
    let csv = dir.path().join("scores.csv");
    std::fs::write(&csv, "application,expert,criterion,value\nX-1,E01,B1.1,8\n").unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    let panel = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/park-ip-trusteeship-2024"
    );
    Command::cargo_bin("panel")
        .unwrap()
        .args(["results", panel, "--scores"])
        .arg(&csv)
        .args(["--format", "csv", "-o"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    let got = reader.join().unwrap();
    assert!(!got.is_empty(), "the FIFO's reader got the CSV");
    let ft = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(
        ft.is_fifo(),
        "the FIFO is still a FIFO, not replaced by a file"
    );
}

/// A FIFO among the bundles is skipped with a note, and one named explicitly is refused:
/// reading it would wait for a writer forever.
#[test]
fn bundle_check_never_waits_on_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("x.json");
    let ok = StdCommand::new("mkfifo").arg(&fifo).status();
    if !ok.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: mkfifo not available");
        return;
    }
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/park-ip-trusteeship-2024/bundles/T24-001.json"
        ),
        dir.path().join("T24-001.json"),
    )
    .unwrap();
    let out = Command::cargo_bin("panel")
        .unwrap()
        .args(["bundle", "check"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("1 valid, 0 invalid; skipped 1 path(s)"),
        "{text}"
    );
    Command::cargo_bin("panel")
        .unwrap()
        .args(["bundle", "check"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(1)
        .stdout(predicates::str::contains("not a regular file"));
}
