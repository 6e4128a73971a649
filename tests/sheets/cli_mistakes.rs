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
