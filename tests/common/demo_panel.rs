//! The demo panel (`fixtures/park-ip-trusteeship-2024`) as several test binaries use it: a
//! copy in a temporary directory, and its rubric's criteria with their maxima. Each binary
//! uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The demo panel, from the crate's root.
pub const FIXTURE: &str = "fixtures/park-ip-trusteeship-2024";

/// The demo rubric's criteria with their maxima, in file order.
pub const CRITERION_MAXIMA: [(&str, i32); 8] = [
    ("A1", 6),
    ("A2", 10),
    ("A3", 14),
    ("B1", 20),
    ("B2", 20),
    ("B3", 10),
    ("C1", 10),
    ("C2", 10),
];

/// The demo panel's directory in the fixtures.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

/// A copy of the demo panel at `<tmp>/panel`: its panel.json and the bundles of `codes`
/// (every bundle when `None`). Returns the copy's directory.
pub fn copy_panel(tmp: &Path, codes: Option<&[&str]>) -> PathBuf {
    let fixture = fixture();
    let dir = tmp.join("panel");
    std::fs::create_dir_all(dir.join("bundles")).unwrap();
    std::fs::copy(fixture.join("panel.json"), dir.join("panel.json")).unwrap();
    let names: Vec<String> = match codes {
        Some(codes) => codes.iter().map(|c| format!("{c}.json")).collect(),
        None => std::fs::read_dir(fixture.join("bundles"))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
    };
    for name in names {
        std::fs::copy(
            fixture.join("bundles").join(&name),
            dir.join("bundles").join(&name),
        )
        .unwrap();
    }
    dir
}

/// Runs the `panel` binary with `home` as its home and data directory, the demo's keys (the
/// chair E01 has a key in the demo roster: a chair database is signed with it) and a UTF-8
/// locale: (stdout, stderr, exit code).
pub fn run_panel(home: &Path, args: &[&str]) -> (Vec<u8>, String, i32) {
    let o = assert_cmd::Command::cargo_bin("panel")
        .unwrap()
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .env(
            "PANEL_KEY_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(FIXTURE)
                .join("keys"),
        )
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(args)
        .output()
        .unwrap();
    (
        o.stdout,
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}
