//! A new user's mistakes with the panel directory, said as such: the arguments in the wrong
//! order (a sheet or CSV where the panel directory belongs), `panel.json` given for its
//! folder, a folder that does not exist. Exit 1, nothing written.

use assert_cmd::Command;

const T24: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/park-ip-trusteeship-2024"
);

fn panel_cmd(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("panel").unwrap();
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .env("PANEL_KEY_DIR", format!("{T24}/keys"));
    c
}

fn refused(home: &std::path::Path, args: &[&str]) -> String {
    let out = panel_cmd(home).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{args:?}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn the_panel_directory_given_wrong_is_said_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let db = home.join("chair");
    let db = db.to_str().unwrap();
    let sheet = format!("{T24}/sheets/E02.sheet.json");

    // a sheet first, the panel directory after it
    let err = refused(home, &["merge", &sheet, T24, "--db", db]);
    assert!(
        err.contains(&format!("{sheet}: is a file, not a panel directory"))
            && err.contains("PANEL_DIR (the folder that holds panel.json) comes first"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
    assert!(!std::path::Path::new(db).exists(), "no chair database made");

    // panel.json for its folder
    let file = format!("{T24}/panel.json");
    let err = refused(home, &["results", &file, "--db", db]);
    assert!(
        err.contains("this is the panel file; give the folder that holds it")
            && err.contains(&format!("({T24}) as PANEL_DIR")),
        "{err}"
    );

    // a folder that does not exist
    let nowhere = home.join("nowhere");
    let nowhere = nowhere.to_str().unwrap();
    for args in [
        vec!["status", nowhere, "--expert", "E01"],
        vec!["import", nowhere, &sheet, "--db", db],
    ] {
        let err = refused(home, &args);
        assert!(
            err.contains(&format!(
                "{nowhere}: no such folder; give the panel directory"
            )),
            "{args:?}: {err}"
        );
    }
    assert!(!std::path::Path::new(db).exists(), "no chair database made");
}

#[test]
fn a_database_given_as_the_panel_directory_is_said_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let db = home.join("chair");
    let db = db.to_str().unwrap();
    let sheet = format!("{T24}/sheets/E02.sheet.json");
    let out = panel_cmd(home)
        .args(["merge", T24, &sheet, "--db", db])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // the panel directory and --db swapped
    for args in [
        vec!["results", db, "--db", T24],
        vec!["merge", db, &sheet, "--db", T24],
        vec!["status", db, "--expert", "E01", "--db", T24],
    ] {
        let err = refused(home, &args);
        assert!(
            err.contains(&format!("{db}: is a database (it holds journal.jsonl)"))
                && err.contains("the database goes after --db"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("os error"), "{args:?}: {err}");
    }
}

/// A copy of the demo panel's `panel.json` and bundles in `dir`.
fn panel_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("t24");
    std::fs::create_dir_all(p.join("bundles")).unwrap();
    std::fs::copy(format!("{T24}/panel.json"), p.join("panel.json")).unwrap();
    for e in std::fs::read_dir(format!("{T24}/bundles")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), p.join("bundles").join(e.file_name())).unwrap();
    }
    p
}

#[test]
fn an_output_path_that_is_an_input_is_refused_and_the_input_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let p = panel_copy(home);
    let dir = p.to_str().unwrap();
    let scores = home.join("scores.csv");
    std::fs::write(
        &scores,
        "application,expert,criterion,value\nT24-001,E02,A1.1,1\n",
    )
    .unwrap();
    let scores = scores.to_str().unwrap();
    let db = home.join("chair");
    let db = db.to_str().unwrap();
    let sheet = format!("{T24}/sheets/E02.sheet.json");
    let out = panel_cmd(home)
        .args(["merge", dir, &sheet, "--db", db])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let panel_json = format!("{dir}/panel.json");
    let bundle = format!("{dir}/./bundles/T24-001.json");
    let new_in_bundles = format!("{dir}/bundles/results.json");
    let in_db = format!("{db}/results.json");
    let form = format!("{T24}/forms/SQ2024-011.docx");
    let form_copy = home.join("form.docx");
    std::fs::copy(&form, &form_copy).unwrap();
    let form_copy = form_copy.to_str().unwrap();
    let raw = home.join("raw");
    let raw = raw.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec![
                "results",
                dir,
                "--db",
                db,
                "--format",
                "json",
                "-o",
                &panel_json,
            ],
            "is the panel file panel.json",
            &panel_json,
        ),
        (
            vec!["results", dir, "--db", db, "-o", &bundle],
            "is in the panel's bundles folder",
            &bundle,
        ),
        (
            vec!["results", dir, "--db", db, "-o", &new_in_bundles],
            "is in the panel's bundles folder",
            &new_in_bundles,
        ),
        (
            vec!["results", dir, "--db", db, "-o", &in_db],
            "is in the chair database",
            &in_db,
        ),
        (
            vec!["results", dir, "--scores", scores, "-o", scores],
            "is the scores file",
            scores,
        ),
        (
            vec![
                "sheet",
                "export",
                dir,
                "--expert",
                "E02",
                "--db",
                db,
                "-o",
                &panel_json,
            ],
            "is the panel file panel.json",
            &panel_json,
        ),
        (
            vec![
                "ingest",
                form_copy,
                "--program",
                "park-ip-trusteeship-2024",
                "--out",
                raw,
                "--allow-missing",
                "--report",
                form_copy,
            ],
            "is one of the forms given",
            form_copy,
        ),
    ];
    for (args, says, out) in cases {
        let before = (
            crate::files::file_tree(home),
            std::fs::metadata(out).is_ok(),
        );
        let err = refused(home, &args);
        assert!(
            err.contains(&format!("{out}: {says}")) && err.contains("nothing was written"),
            "{args:?}: {err}"
        );
        let after = (
            crate::files::file_tree(home),
            std::fs::metadata(out).is_ok(),
        );
        assert!(before == after, "{args:?}: files changed");
    }
    assert!(!std::path::Path::new(raw).exists(), "no raw folder made");
}
