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
    std::fs::write(
        &csv,
        "application,expert,criterion,value\nT24-001,E01,B1.1,8\n",
    )
    .unwrap();
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

/// Symlinks among the bundles: followed only when they stay inside the folder and are not
/// a second path to a bundle already read; the skipped ones are listed in `--json`, and a
/// panel never lets a symlinked copy shadow the real bundle.
#[cfg(unix)]
#[test]
fn symlinks_in_the_bundles_folder() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = crate::demo_panel::copy_panel(tmp.path(), None);
    let bundles = dir.join("bundles");
    // outside: an altered copy of T24-006 (would change its eligibility) linked in under a
    // name that sorts first
    let outside = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    let t6 = std::fs::read_to_string(bundles.join("T24-006.json")).unwrap();
    std::fs::write(outside.join("T24-006.json"), t6).unwrap();
    symlink(outside.join("T24-006.json"), bundles.join("A-T24-006.json")).unwrap();
    // inside: a second path to T24-001, sorting first
    symlink(bundles.join("T24-001.json"), bundles.join("0-copy.json")).unwrap();
    // inside, relative, to a file of a subfolder: followed
    std::fs::create_dir_all(bundles.join("extra")).unwrap();
    std::fs::rename(
        bundles.join("T24-002.json"),
        bundles.join("extra/T24-002.json"),
    )
    .unwrap();
    symlink("extra/T24-002.json", bundles.join("T24-002.json")).unwrap();
    // dangling
    symlink(tmp.path().join("missing.json"), bundles.join("gone.json")).unwrap();

    let p = panel::panel::Panel::open(&dir).unwrap();
    let codes: Vec<&str> = p.bundles.iter().map(|b| b.bundle.code.as_str()).collect();
    assert!(codes.contains(&"T24-001") && codes.contains(&"T24-002") && codes.contains(&"T24-006"));
    let path_of = |code: &str| {
        p.bundles
            .iter()
            .find(|b| b.bundle.code == code)
            .map(|b| b.path.clone())
            .unwrap()
    };
    assert_eq!(
        path_of("T24-001"),
        bundles.join("T24-001.json"),
        "the real file, not the copy"
    );
    assert_eq!(path_of("T24-006"), bundles.join("T24-006.json"));
    let invalid: Vec<String> = p
        .invalid
        .iter()
        .map(|(p, r)| format!("{}: {r}", p.display()))
        .collect();
    let joined = invalid.join("\n");
    assert!(joined.contains("0-copy.json: a second path to"), "{joined}");
    assert!(
        joined.contains("A-T24-006.json: a symlink to") && joined.contains("not followed"),
        "{joined}"
    );
    assert!(
        joined.contains("gone.json: a symlink whose target does not exist"),
        "{joined}"
    );
    assert!(!joined.contains("T24-002"), "{joined}");

    let out = Command::cargo_bin("panel")
        .unwrap()
        .args(["bundle", "check", "--json"])
        .arg(&bundles)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    let skipped: Vec<(&str, &str)> = rows
        .iter()
        .filter_map(|r| Some((r["path"].as_str()?, r.get("skipped")?.as_str()?)))
        .collect();
    for name in ["0-copy.json", "A-T24-006.json", "gone.json"] {
        assert!(
            skipped.iter().any(|(p, _)| p.ends_with(name)),
            "{name} not in the skipped list: {skipped:?}"
        );
    }
    let read: Vec<&str> = rows
        .iter()
        .filter(|r| r.get("skipped").is_none())
        .filter_map(|r| r["path"].as_str())
        .collect();
    // the walk is recursive here: the real file is read, the symlink is its second path
    assert!(
        read.iter().any(|p| p.ends_with("extra/T24-002.json")),
        "{read:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|(p, r)| p.ends_with("bundles/T24-002.json") && r.contains("second path")),
        "{skipped:?}"
    );
}

/// A scores file that cannot be mapped into memory (a pipe, here `/dev/stdin`) is read
/// whole, with the same result as the same bytes in a regular file.
#[test]
fn results_read_scores_from_a_pipe_as_from_a_file() {
    if !std::path::Path::new("/dev/stdin").exists() {
        eprintln!("SKIPPED: no /dev/stdin");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = "application,expert,criterion,value\r\nT24-001,E01,B1.1,8\r\nT24-001,E02,B1.1,7\r\n";
    let csv = dir.path().join("scores.csv");
    std::fs::write(&csv, text).unwrap();
    let panel = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/park-ip-trusteeship-2024"
    );
    let run = |scores: &std::path::Path, stdin: &str| {
        let out = Command::cargo_bin("panel")
            .unwrap()
            .args(["results", panel, "--scores"])
            .arg(scores)
            .args(["--format", "csv", "--resamples", "0"])
            .write_stdin(stdin)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        out.stdout
    };
    let from_file = run(&csv, "");
    let from_pipe = run(std::path::Path::new("/dev/stdin"), text);
    assert!(!from_file.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&from_pipe),
        String::from_utf8_lossy(&from_file)
    );
    // A bad row is named at its line from a pipe too.
    let bad = format!("{text}T24-001,E03,B1.1,abc\r\n");
    Command::cargo_bin("panel")
        .unwrap()
        .args([
            "results",
            panel,
            "--scores",
            "/dev/stdin",
            "--format",
            "csv",
        ])
        .write_stdin(bad)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicates::str::contains("/dev/stdin:4:4:"));
}

/// A scores file that cannot be opened is named with the system's reason once, and what to
/// do.
#[test]
fn results_name_a_missing_scores_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    let panel = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/park-ip-trusteeship-2024"
    );
    let out = Command::cargo_bin("panel")
        .unwrap()
        .args(["results", panel, "--scores"])
        .arg(&missing)
        .args(["--format", "csv"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&missing.display().to_string()), "{err}");
    assert!(err.contains("Check the path and its permissions"), "{err}");
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}
