//! `panel chair` on the command line, without a terminal: the database is checked (and
//! locked) before the terminal is needed, and every refusal says what to do.

use assert_cmd::Command;
use predicates::str::contains;

fn panel() -> Command {
    Command::cargo_bin("panel").unwrap()
}

#[test]
fn chair_needs_a_database_or_watch_and_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    panel::panel::materialize_demo(&dir).unwrap();
    let db = tmp.path().join("chair");
    let chair_on_db = || {
        let mut c = panel();
        c.arg("chair").arg(&dir).arg("--db").arg(&db);
        c
    };
    // no database, no --watch: says how to make one
    chair_on_db()
        .assert()
        .code(1)
        .stderr(contains("no chair database at"))
        .stderr(contains(db.display().to_string()))
        .stderr(contains("panel merge"))
        .stderr(contains("--watch"));
    assert!(!db.exists(), "nothing created");
    // without the chair's key (the roster gives the chair one) nothing is written
    chair_on_db()
        .arg("--watch")
        .env("PANEL_KEY_DIR", tmp.path().join("no-keys"))
        .assert()
        .code(1)
        .stderr(contains("no secret key of E01"));
    assert!(!db.exists(), "nothing created");
    // --watch creates it; without a terminal the screen refuses with a text alternative
    chair_on_db()
        .arg("--watch")
        .env("PANEL_KEY_DIR", dir.join("keys"))
        .assert()
        .code(1)
        .stderr(contains("the chair screen needs an interactive terminal"))
        .stderr(contains("panel results"));
    assert!(db.is_dir());
    // the database is in use by another process: a clear error naming it
    let p = panel::panel::Panel::open(&dir).unwrap();
    // (with the chair's key: the database is signed, and an unsigned writer is refused)
    let signer = panel::commands::chair::chair_signer(&p, Some(&dir.join("keys"))).unwrap();
    let _held =
        panel::store::Store::open_signed(&db, &panel::commands::chair::identity(&p), signer)
            .unwrap();
    chair_on_db()
        .env("PANEL_KEY_DIR", dir.join("keys"))
        .args(["--lang", "en"])
        .assert()
        .code(1)
        .stderr(contains(db.display().to_string()))
        .stderr(contains("is open for changes in another panel process"));
    // in the screen's language, with the same advice
    let zh = chair_on_db()
        .env("PANEL_KEY_DIR", dir.join("keys"))
        .args(["--lang", "zh"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let zh = String::from_utf8(zh.stderr).unwrap();
    assert!(zh.contains("正被另一个 panel 进程"), "{zh}");
    assert!(
        zh.contains(&db.display().to_string()) && zh.contains("panel results"),
        "{zh}"
    );
    assert!(!zh.contains("is open for changes"), "{zh}");
    // a bad language: a command-line error (clap's value parser, exit 2)
    panel()
        .arg("chair")
        .arg(&dir)
        .args(["--lang", "fr"])
        .assert()
        .code(2)
        .stderr(contains(
            "invalid value 'fr' for '--lang <LANG>': expected zh or en",
        ));
}

#[test]
fn chair_is_listed_in_the_help() {
    panel()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("chair"))
        .stdout(contains("评审组长"));
    panel()
        .args(["chair", "--help"])
        .assert()
        .success()
        .stdout(contains("--watch"))
        .stdout(contains("--db"));
}
