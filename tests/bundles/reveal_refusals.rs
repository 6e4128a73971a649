//! What `panel reveal`, `panel anonymize` and `panel keygen --expert SECRETARIAT` say when
//! something is off, found by a new user: the raw-file check from another folder, a bundles
//! folder that is missing or incomplete, a map checked with another key or with the secret
//! key, a run that writes nothing, an identity map path that is a folder, and the smaller
//! messages (bad results JSON, `-o` into a missing folder, `--out` naming a file, `bundle
//! check` of a missing path, lower-case codes).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn t24() -> PathBuf {
    root().join("fixtures/park-ip-trusteeship-2024")
}

struct Run {
    out: String,
    err: String,
    code: i32,
}

/// `panel <args>` run in `dir` (the test process's folder when `None`).
fn panel_in(dir: Option<&Path>, args: &[&str]) -> Run {
    let mut c = Command::cargo_bin("panel").unwrap();
    if let Some(d) = dir {
        c.current_dir(d);
    }
    let o = c.args(args).env_remove("PANEL_KEY_DIR").output().unwrap();
    Run {
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().expect("exit code"),
    }
}

fn panel(args: &[&str]) -> Run {
    panel_in(None, args)
}

/// `r` refused (exit 1) with a message that holds every `has` and none of `lacks`.
fn refused(r: &Run, has: &[&str], lacks: &[&str]) {
    assert_eq!(r.code, 1, "{}\n{}", r.out, r.err);
    for h in has {
        assert!(r.err.contains(h), "{h:?} not in: {}", r.err);
    }
    for l in lacks {
        assert!(!r.err.contains(l), "{l:?} in: {}", r.err);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A secretariat folder `<d>/sec` with a copy of one raw file, the demo keys, and a signed
/// map `m.json` made in that folder from the relative path `rawcopy/SQ2024-003.json`.
fn secretariat(d: &Path) -> PathBuf {
    let sec = d.join("sec");
    std::fs::create_dir_all(sec.join("rawcopy")).unwrap();
    std::fs::copy(
        t24().join("raw/SQ2024-003.json"),
        sec.join("rawcopy/SQ2024-003.json"),
    )
    .unwrap();
    std::fs::write(sec.join("c1.txt"), "T24-001\n").unwrap();
    let kd = root().join("fixtures/keys");
    let r = panel_in(
        Some(&sec),
        &[
            "anonymize",
            "rawcopy/SQ2024-003.json",
            "--out",
            "b",
            "--identity-map",
            "m.json",
            "--key-dir",
            s(&kd),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    sec
}

/// The raw file the map names is found from the map's folder whatever the current folder;
/// an edited one is refused from anywhere, a missing one is refused unless
/// `--allow-missing-raw` (and the first line says it was not checked).
#[test]
fn raw_file_is_checked_from_any_folder_and_a_missing_one_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let sec = secretariat(d.path());
    let kd = root().join("fixtures/keys");
    let reveal = |extra: &[&str]| {
        let mut args = vec![
            "reveal",
            "sec/c1.txt",
            "--identity-map",
            "sec/m.json",
            "--key-dir",
            s(&kd),
        ];
        args.extend(extra);
        panel_in(Some(d.path()), &args)
    };
    // From the parent folder: the raw file is found and checked.
    let r = reveal(&[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .contains("sha256 checked for 0 bundle(s) and 1 raw file(s)"),
        "{}",
        r.out
    );
    // Edited: refused from here too (it was revealed, unchecked, before).
    let raw = sec.join("rawcopy/SQ2024-003.json");
    let mut text = std::fs::read_to_string(&raw).unwrap();
    text.push(' ');
    std::fs::write(&raw, &text).unwrap();
    let r = reveal(&[]);
    refused(
        &r,
        &["code T24-001: raw file", "does not have the sha256"],
        &[],
    );
    assert!(r.out.is_empty(), "{}", r.out);
    // Gone: refused, saying where it looked and what to do.
    std::fs::remove_file(&raw).unwrap();
    let r = reveal(&[]);
    refused(
        &r,
        &[
            "rawcopy/SQ2024-003.json",
            "not found",
            "--allow-missing-raw",
        ],
        &[],
    );
    let r = reveal(&["--allow-missing-raw"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .lines()
            .next()
            .unwrap()
            .contains("raw file(s) of T24-001 not found, not checked (--allow-missing-raw)"),
        "{}",
        r.out
    );
}

/// A map made by `panel anonymize` run in one folder, with the map in another, records the
/// raw files relative to the map's folder (clean, whether the raw folder is typed with a
/// trailing slash or a doubled one), so that reveal run from a third folder, at another
/// depth, finds and checks them: it passes, and refuses once a raw file is edited. (Maps
/// recorded the path as typed, relative to where anonymize ran: not found from there.)
#[test]
fn raw_files_are_recorded_relative_to_the_map_and_checked_from_a_third_folder() {
    let d = tempfile::tempdir().unwrap();
    let case = d.path().join("case");
    let raw = case.join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    let mut names = Vec::new();
    for e in std::fs::read_dir(t24().join("raw")).unwrap().flatten() {
        std::fs::copy(e.path(), raw.join(e.file_name())).unwrap();
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    let n = names.len();
    assert!(n >= 2, "{names:?}");
    let runner = d.path().join("runner");
    let third = d.path().join("x/y/third");
    std::fs::create_dir_all(&runner).unwrap();
    std::fs::create_dir_all(&third).unwrap();
    let kd = root().join("fixtures/keys");
    // The raw folder as typed plainly, and with a doubled and a trailing slash.
    let mut recorded_by_run = Vec::new();
    for (given, map) in [("../case/raw", "m1.json"), ("../case//raw/", "m.json")] {
        let map = format!("../case/secretariat/{map}");
        let r = panel_in(
            Some(&runner),
            &[
                "anonymize",
                given,
                "--out",
                "../case/bundles",
                "--identity-map",
                &map,
                "--key-dir",
                s(&kd),
            ],
        );
        assert_eq!(r.code, 0, "{given}: {}", r.err);
        let m = panel::anonymize::read_map(&runner.join(&map)).unwrap();
        let mut recorded: Vec<String> = m.entries.iter().map(|e| e.raw_file.clone()).collect();
        recorded.sort();
        recorded_by_run.push((given, recorded));
    }
    let codes = third.join("codes.txt");
    let m = panel::anonymize::read_map(&case.join("secretariat/m.json")).unwrap();
    let list: Vec<&str> = m.entries.iter().map(|e| e.code.as_str()).collect();
    std::fs::write(&codes, list.join("\n") + "\n").unwrap();
    let reveal = || {
        panel_in(
            Some(&third),
            &[
                "reveal",
                "codes.txt",
                "--identity-map",
                "../../../case/secretariat/m.json",
                "--bundles",
                "../../../case/bundles",
                "--key-dir",
                s(&kd),
            ],
        )
    };
    let r = reveal();
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains(&format!(
            "sha256 checked for {n} bundle(s) and {n} raw file(s)"
        )),
        "{}",
        r.out
    );
    // Recorded relative to the map's folder, clean however the folder was typed.
    let want: Vec<String> = names
        .iter()
        .map(|f| Path::new("..").join("raw").join(f).display().to_string())
        .collect();
    for (given, recorded) in &recorded_by_run {
        assert_eq!(recorded, &want, "{given}");
    }
    // An edited raw file: refused, naming it.
    let edited = raw.join(&names[1]);
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push(' ');
    std::fs::write(&edited, &text).unwrap();
    let r = reveal();
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err.contains("does not have the sha256") && r.err.contains(names[1].as_str()),
        "{}",
        r.err
    );
    assert!(r.out.is_empty(), "{}", r.out);
}

/// `--bundles` that does not exist, is a file, or lacks a revealed code's bundle: refused.
#[test]
fn bundles_option_must_name_a_folder_holding_every_revealed_bundle() {
    let d = tempfile::tempdir().unwrap();
    let codes = d.path().join("codes.txt");
    std::fs::write(&codes, "T24-001\nT24-002\n").unwrap();
    let map = t24().join("secretariat/identity-map.json");
    let kd = root().join("fixtures/keys");
    let reveal = |bundles: &Path| {
        panel(&[
            "reveal",
            s(&codes),
            "--identity-map",
            s(&map),
            "--key-dir",
            s(&kd),
            "--bundles",
            s(bundles),
        ])
    };
    let r = reveal(&d.path().join("nope"));
    refused(&r, &["--bundles", "nope: no such folder"], &[]);
    let r = reveal(&codes);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(r.err.contains("is a file, not a folder"), "{}", r.err);
    let partial = d.path().join("partial");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::copy(
        t24().join("bundles/T24-001.json"),
        partial.join("T24-001.json"),
    )
    .unwrap();
    let r = reveal(&partial);
    refused(&r, &["code T24-002: no bundle"], &["T24-001: no bundle"]);
    assert!(r.out.is_empty(), "{}", r.out);
    // The complete folder passes.
    let r = reveal(&t24().join("bundles"));
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("2 bundle(s) and 2 raw file(s)"), "{}", r.out);
}

/// Another secretariat key, or the secret key given as --key: said as such, not as
/// altered entries; also for a signature file written before it named its signer.
#[test]
fn another_key_and_the_secret_key_are_not_reported_as_tampering() {
    let d = tempfile::tempdir().unwrap();
    let sec = secretariat(d.path());
    let other = d.path().join("other-keys");
    assert_eq!(
        panel(&["keygen", "--expert", "SECRETARIAT", "--key-dir", s(&other)]).code,
        0
    );
    let codes = sec.join("c1.txt");
    let map = sec.join("m.json");
    let r = panel(&[
        "reveal",
        s(&codes),
        "--identity-map",
        s(&map),
        "--key-dir",
        s(&other),
    ]);
    refused(&r, &["signed by another key"], &["altered"]);
    // The secret key in place of the public one.
    let secret = root().join("fixtures/keys/SECRETARIAT.ed25519");
    let r = panel(&[
        "reveal",
        s(&codes),
        "--identity-map",
        s(&map),
        "--key",
        s(&secret),
    ]);
    refused(
        &r,
        &["this is a secret key", "SECRETARIAT.ed25519.pub"],
        &["altered"],
    );
    // The shipped map's signature file has no signer line.
    let shipped = t24().join("secretariat/identity-map.json");
    let r = panel(&[
        "reveal",
        s(&codes),
        "--identity-map",
        s(&shipped),
        "--key-dir",
        s(&other),
    ]);
    refused(&r, &["signed by another key"], &["altered"]);
}

/// A run that anonymizes nothing says that nothing was written, and leaves no empty output
/// folder and no map; an existing map and its signature stay as they were.
#[test]
fn anonymize_that_writes_nothing_says_so_and_leaves_nothing_behind() {
    let d = tempfile::tempdir().unwrap();
    let empty = d.path().join("emptyraw");
    std::fs::create_dir_all(&empty).unwrap();
    let invalid = d.path().join("notraw.json");
    std::fs::write(&invalid, r#"{"schema":"x"}"#).unwrap();
    for (i, input) in [d.path().join("nope.json"), empty, invalid.clone()]
        .iter()
        .enumerate()
    {
        let out = d.path().join(format!("o{i}/sub"));
        let map = d.path().join(format!("m{i}.json"));
        let r = panel(&[
            "anonymize",
            s(input),
            "--out",
            s(&out),
            "--identity-map",
            s(&map),
        ]);
        assert_eq!(r.code, 1, "{}", r.out);
        assert!(
            r.err.contains("nothing written") && r.err.contains("no identity map written"),
            "{}",
            r.err
        );
        assert!(!r.out.contains("0 bundle(s)"), "{}", r.out);
        assert!(!map.exists(), "{}", map.display());
        assert!(!d.path().join(format!("o{i}")).exists(), "o{i} left behind");
    }
    // An existing signed map, --force, no key and nothing to anonymize: kept with its .sig.
    let sec = secretariat(d.path());
    let before = std::fs::read(sec.join("m.json")).unwrap();
    let r = panel(&[
        "anonymize",
        s(&invalid),
        "--out",
        s(&sec.join("b")),
        "--identity-map",
        s(&sec.join("m.json")),
        "--force",
        "--key-dir",
        s(&d.path().join("no-keys")),
    ]);
    refused(&r, &["nothing written", "keeps its 1 entries"], &[]);
    assert_eq!(std::fs::read(sec.join("m.json")).unwrap(), before);
    assert!(sec.join("m.json.sig").is_file(), "signature removed");
}

/// `--identity-map` naming a folder: said as such, with or without `--force`.
#[test]
fn identity_map_naming_a_folder_is_said_as_such() {
    let d = tempfile::tempdir().unwrap();
    let raw = t24().join("raw/SQ2024-005.json");
    let dmap = d.path().join("dmap");
    std::fs::create_dir_all(&dmap).unwrap();
    let o = d.path().join("o");
    for force in [false, true] {
        let mut args = vec![
            "anonymize",
            s(&raw),
            "--out",
            s(&o),
            "--identity-map",
            s(&dmap),
        ];
        if force {
            args.push("--force");
        }
        let r = panel(&args);
        assert_eq!(r.code, 1, "{}", r.out);
        assert!(
            r.err
                .contains("dmap: is a directory; give a file path for the identity map"),
            "{}",
            r.err
        );
        assert!(!d.path().join("o").exists());
    }
}

/// `--out` naming a file (anonymize, ingest): said as such, not `File exists (os error 17)`.
#[test]
fn out_naming_a_file_is_said_as_such() {
    let d = tempfile::tempdir().unwrap();
    let raw = t24().join("raw/SQ2024-005.json");
    let afile = d.path().join("afile");
    std::fs::write(&afile, "").unwrap();
    let r = panel(&[
        "anonymize",
        s(&raw),
        "--out",
        s(&afile),
        "--identity-map",
        s(&d.path().join("m.json")),
    ]);
    refused(&r, &["afile: is a file, not a folder"], &["os error"]);
    let form = t24().join("forms/SQ2024-003.docx");
    let r = panel(&[
        "ingest",
        s(&form),
        "--program",
        "park-ip-trusteeship-2024",
        "--out",
        s(&afile),
    ]);
    refused(&r, &["afile: is a file, not a folder"], &["os error"]);
}

/// `keygen --expert SECRETARIAT` says where that key is used, not panel.json and sheets.
#[test]
fn secretariat_keygen_speaks_of_identity_maps() {
    let d = tempfile::tempdir().unwrap();
    let kd = d.path().join("keys");
    let args = ["keygen", "--expert", "SECRETARIAT", "--key-dir", s(&kd)];
    let r = panel(&args);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.err.contains("signs identity maps")
            && r.err.contains("panel reveal")
            && !r.err.contains("\"experts\""),
        "{}",
        r.err
    );
    let r = panel(&args);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.err.contains("identity maps signed with the old key") && !r.err.contains("sheets"),
        "{}",
        r.err
    );
    // An expert's key still speaks of panel.json.
    let r = panel(&["keygen", "--expert", "E07", "--key-dir", s(&kd)]);
    assert!(r.err.contains("\"experts\""), "{}", r.err);
}

/// Bad results JSON names the file once and says what RESULTS may be.
#[test]
fn bad_results_json_names_the_file_once_and_says_what_results_may_be() {
    let d = tempfile::tempdir().unwrap();
    let map = t24().join("secretariat/identity-map.json");
    let kd = root().join("fixtures/keys");
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, "{\"applications\":[\n").unwrap();
    let r = panel(&[
        "reveal",
        s(&bad),
        "--identity-map",
        s(&map),
        "--key-dir",
        s(&kd),
    ]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert_eq!(r.err.matches("bad.json").count(), 1, "{}", r.err);
    assert!(
        r.err.contains("line 2") && r.err.contains("one code per line"),
        "{}",
        r.err
    );
}

/// Codes are upper case by convention: a lower-case code is read as the map's code.
#[test]
fn a_lower_case_code_is_read_as_the_maps_code() {
    let d = tempfile::tempdir().unwrap();
    let map = t24().join("secretariat/identity-map.json");
    let kd = root().join("fixtures/keys");
    let lower = d.path().join("lower.txt");
    std::fs::write(&lower, "t24-002\n").unwrap();
    let r = panel(&[
        "reveal",
        s(&lower),
        "--identity-map",
        s(&map),
        "--key-dir",
        s(&kd),
    ]);
    assert_eq!(r.code, 0, "{}", r.err);
    let m = panel::anonymize::read_map(&map).unwrap();
    let name = &m.entry("T24-002").unwrap().identity.applicant;
    assert!(
        r.out.contains("T24-002") && r.out.contains(name.as_str()),
        "{}",
        r.out
    );
}

/// `-o` into a folder that does not exist names that folder, not a temporary file.
#[test]
fn output_into_a_missing_folder_names_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let r = panel(&[
        "form",
        "park-ip-trusteeship-2024",
        "-o",
        s(&d.path().join("nodir/x.docx")),
    ]);
    refused(&r, &["the folder", "nodir does not exist"], &[]);
    assert!(!r.err.contains("temporary"), "{}", r.err);
}

/// `bundle check` of a path that is not there says so.
#[test]
fn bundle_check_of_a_missing_path_says_so() {
    let d = tempfile::tempdir().unwrap();
    let r = panel(&["bundle", "check", s(&d.path().join("nope"))]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err.contains("nope: no such file or folder") && !r.out.contains("unreadable at ."),
        "{}{}",
        r.out,
        r.err
    );
}
