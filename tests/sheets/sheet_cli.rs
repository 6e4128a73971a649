//! The commands end to end: keygen, sheet export, merge (dry run, merge, already merged,
//! refused), import, reopen.

use std::path::Path;

use crate::sheet_common;

use crate::files::file_tree;
use assert_cmd::Command;
use panel::store::AppStatus;
use sheet_common::*;

fn panel_cmd(tp: &TestPanel) -> Command {
    let mut c = Command::cargo_bin("panel").unwrap();
    c.env("PANEL_KEY_DIR", &tp.key_dir)
        .env("HOME", tp.tmp.path())
        .env("XDG_DATA_HOME", tp.tmp.path().join("xdg"));
    c
}

/// `panel synth` of 3 applications × 3 experts × 2 criteria into `dir`, with `extra` options.
fn small_synth(tp: &TestPanel, dir: &std::path::Path, extra: &[&str]) {
    let out = dir.to_str().unwrap();
    let mut args = vec![
        "synth",
        "--apps",
        "3",
        "--experts",
        "3",
        "--criteria",
        "2",
        "--per-app",
        "3",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let (_, err, rc) = run(tp, &args);
    assert_eq!(rc, 0, "{err}");
}

fn run(tp: &TestPanel, args: &[&str]) -> (String, String, i32) {
    let o = panel_cmd(tp).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

/// `panel sheet export` of expert E01's database `db` to `out` (with `--force`).
fn export_e01(tp: &TestPanel, db: &Path, out: &Path, force: bool) -> (String, String, i32) {
    let (p, db, out) = (
        tp.dir.to_str().unwrap(),
        db.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    let mut args = vec![
        "sheet", "export", p, "--expert", "E01", "--db", db, "-o", out,
    ];
    if force {
        args.push("--force");
    }
    run(tp, &args)
}

#[test]
fn keygen_export_merge_import_reopen() {
    let tp = test_panel(&[]);
    let p = tp.dir.to_str().unwrap().to_string();

    // keygen through $PANEL_KEY_DIR; the public key goes into the roster
    let (out, err, code) = run(&tp, &["keygen", "--expert", "E01"]);
    assert_eq!(code, 0, "{err}");
    let pk = out.trim().to_string();
    assert!(pk.starts_with("ed25519:") && pk.len() == 8 + 64, "{out}");
    assert!(err.contains("created the key of expert E01"), "{err}");
    assert!(tp.key_dir.join("E01.ed25519").is_file());
    let (out2, err2, _) = run(&tp, &["keygen", "--expert", "E01"]);
    assert_eq!(out2.trim(), pk);
    assert!(err2.contains("already has a key"), "{err2}");
    let cfg_path = tp.dir.join("panel.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["experts"][0]["public_key"] = pk.clone().into();
    std::fs::write(&cfg_path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();

    // the expert scores (through the library), then exports with the command
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    {
        let mut s = tp.expert_store("E01");
        for (i, a) in apps.iter().enumerate() {
            score_app(&mut s, &view, "E01", a, i as u64, AppStatus::Submitted);
        }
    }
    let db = tp.tmp.path().join("db-E01");
    let sheet_file = tp.tmp.path().join("E01.sheet.json");
    let (out, err, code) = export_e01(&tp, &db, &sheet_file, false);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote") && out.contains("seq 1"), "{out}");
    assert!(out.contains(&format!("{} submitted", apps.len())), "{out}");
    assert!(out.contains("signed"), "{out}");

    let chair = tp.chair_path();
    let chair_s = chair.to_str().unwrap();
    let sf = sheet_file.to_str().unwrap();

    // dry run: reports, writes nothing (not even the database)
    let (out, err, code) = run(&tp, &["merge", &p, sf, "--db", chair_s, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("would merge"), "{out}");
    assert!(out.contains("E01 ") && out.contains(" → "), "{out}");
    // the opinions written before submitting are counted and listed with the values
    let opinions = out
        .lines()
        .filter(|l| l.ends_with("written opinion (专家评审意见): added"))
        .count();
    assert_eq!(opinions, apps.len(), "{out}");
    let comments = out.lines().filter(|l| l.ends_with(": added")).count();
    assert!(
        out.contains(&format!(" {comments} comment(s) changed, ")),
        "{out}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!chair.exists());

    let (out, err, code) = run(&tp, &["merge", &p, sf, "--db", chair_s]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("merged (chair commit"), "{out}");
    assert!(out.contains("signature verified"), "{out}");
    let (out, _, code) = run(&tp, &["merge", &p, sf, "--db", chair_s]);
    assert_eq!(code, 0);
    assert!(out.starts_with("already merged"), "{out}");

    // a tampered copy: refused, exit 1, the good sheet in the same batch still reported
    let bad = tp.tmp.path().join("bad.sheet.json");
    let text = std::fs::read_to_string(&sheet_file).unwrap();
    std::fs::write(&bad, text.replacen("\"seq\": 1", "\"seq\": 7", 1)).unwrap();
    std::fs::copy(
        panel::sheet::sig_path(&sheet_file),
        panel::sheet::sig_path(&bad),
    )
    .unwrap();
    let (out, _, code) = run(
        &tp,
        &["merge", &p, sf, bad.to_str().unwrap(), "--db", chair_s],
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("already merged"), "{out}");
    assert!(
        lines[1].starts_with("refused ") && lines[1].contains("bad.sheet.json: digest"),
        "{out}"
    );

    // import: errors name file:line:column, exit 1
    let csv = tp.tmp.path().join("paper.csv");
    std::fs::write(
        &csv,
        format!(
            "application,expert,criterion,value\n{},E02,B1.1,99\n",
            apps[0]
        ),
    )
    .unwrap();
    let (_, err, code) = run(&tp, &["import", &p, csv.to_str().unwrap(), "--db", chair_s]);
    assert_eq!(code, 1);
    assert!(err.contains("paper.csv:2:4: item B1.1: value 99"), "{err}");

    // reopen
    let (out, err, code) = run(
        &tp,
        &[
            "reopen",
            &p,
            "--expert",
            "E01",
            "--application",
            &apps[0],
            "--reason",
            "请复核",
            "--db",
            chair_s,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("reopened {} for expert E01", apps[0])),
        "{out}"
    );
    assert!(out.contains("status was submitted"), "{out}");
    assert!(out.contains("values before: "), "{out}");
    assert!(tp
        .dir
        .join("reopen")
        .join(format!("E01--{}.json", apps[0]))
        .is_file());

    // export without the expert's database: a clear error
    let (_, err, code) = run(
        &tp,
        &[
            "sheet",
            "export",
            &p,
            "--expert",
            "E02",
            "--db",
            tp.tmp.path().join("nope").to_str().unwrap(),
            "-o",
            "x.json",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("no database of expert E02"), "{err}");
}

#[test]
fn export_never_replaces_the_panel_sheet_of_another_database() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    for (db, n) in [("db-E01", apps.len()), ("db-E01-b", 1)] {
        let mut s = tp.open_store(db, "expert:E01");
        for (i, a) in apps.iter().take(n).enumerate() {
            score_app(&mut s, &view, "E01", a, i as u64, AppStatus::Submitted);
        }
    }
    std::fs::create_dir_all(tp.dir.join("sheets")).unwrap();
    let target = tp.dir.join("sheets").join("E01.sheet.json");
    let export = |db: &str, force: bool| export_e01(&tp, &tp.tmp.path().join(db), &target, force);
    let (_, err, code) = export("db-E01", false);
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read(&target).unwrap();
    // the export is recorded, so the same database replaces its own sheet again (the next
    // revision); another database needs --force
    let (_, err, code) = export("db-E01", false);
    assert_eq!(code, 0, "{err}");
    assert_ne!(std::fs::read(&target).unwrap(), written);
    let written = std::fs::read(&target).unwrap();
    let (out, err, code) = export("db-E01-b", false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("E01.sheet.json")
            && err.contains("written by another database")
            && err.contains(&format!(
                "{} of {} applications submitted",
                apps.len(),
                apps.len()
            ))
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&target).unwrap(), written);
    let (_, err, code) = export("db-E01-b", true);
    assert_eq!(code, 0, "{err}");
    // exporting elsewhere is the user's choice
    let elsewhere = tp.tmp.path().join("b.sheet.json");
    let db = tp.tmp.path().join("db-E01-b");
    let (_, err, code) = export_e01(&tp, &db, &elsewhere, false);
    assert_eq!(code, 0, "{err}");
}

/// `panel sheet export` records each export in the expert's database, as the screen's
/// autosave does: exporting twice gives two revisions in a chain, and the chair merges both,
/// in order (each export unrecorded had the same seq, and the chair refused the second as a
/// fork, and every later sheet of the screen after it). While the expert's screen holds the
/// database, the export is refused, saying what to do, and nothing is written.
#[test]
fn exporting_again_gives_the_next_revision_and_the_chair_merges_each() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    let db = tp.tmp.path().join("db-E01");
    // the expert has a key: the screen signs every commit of the expert's database, and the
    // export's record must be signed too (a signed journal takes no unsigned line)
    let (_, err, code) = run(&tp, &["keygen", "--expert", "E01"]);
    assert_eq!(code, 0, "{err}");
    {
        let key = panel::sheet::keys::load_signing_key(&tp.key_dir, "E01")
            .unwrap()
            .unwrap();
        let p = tp.panel();
        let ident = panel::store::StoreIdentity {
            panel_id: p.config.id.clone(),
            rubric_sha256: p.rubric.sha256.clone(),
            role: "expert:E01".parse().unwrap(),
        };
        let (mut s, _) = panel::store::Store::open_signed(
            &db,
            &ident,
            Some(panel::sheet::keys::store_signer(key)),
        )
        .unwrap();
        for (i, a) in apps.iter().enumerate() {
            score_app(&mut s, &view, "E01", a, i as u64, AppStatus::Submitted);
        }
    }
    let p = tp.dir.to_str().unwrap();
    let chair = tp.chair_path();
    let chair_s = chair.to_str().unwrap();
    let mut seqs = Vec::new();
    for n in 1..=3 {
        let f = tp.tmp.path().join(format!("E01-{n}.sheet.json"));
        let (out, err, code) = export_e01(&tp, &db, &f, false);
        assert_eq!(code, 0, "{err}");
        seqs.push(out.contains(&format!("seq {n},")));
        let (out, err, code) = run(&tp, &["merge", p, f.to_str().unwrap(), "--db", chair_s]);
        assert_eq!(code, 0, "export {n}: {out}{err}");
        assert!(out.starts_with("merged (chair commit"), "export {n}: {out}");
    }
    assert_eq!(seqs, vec![true, true, true]);
    // every line of the expert's journal is signed, the export records included
    let (out, err, code) = run(&tp, &["audit", "verify", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("no line is signed"), "{out}");
    // the expert's screen holds the database: refused, nothing written
    let _screen = tp.open_store("db-E01", "expert:E01");
    let f = tp.tmp.path().join("E01-open.sheet.json");
    let (out, err, code) = export_e01(&tp, &db, &f, false);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("screen has this database open") && err.contains("Quit the screen (q)"),
        "{err}"
    );
    assert!(!f.exists());
}

/// Every example of the README's "Examples on the shipped fixtures" block runs as written
/// (with `/tmp/` moved into a temporary directory, `panel` the binary under test), except the
/// interactive screens (`panel score`, `panel chair`), which the tmux tests drive.
#[test]
fn readme_examples_run_as_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("Examples on the shipped fixtures")
        .expect("the README's examples");
    let block = &readme[start..];
    let block = &block[block.find("```sh\n").expect("a sh block") + 6..];
    let block = &block[..block.find("```").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    let t = format!("{}/", tmp.path().display());
    let mut script = String::from("set -eu\n");
    let mut ran = 0;
    for line in block.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.contains("panel score ") || l.contains("panel chair ") {
            continue;
        }
        script.push_str(&format!("echo '+ {}'\n", l.replace('\'', "")));
        script.push_str(&l.replace("/tmp/", &t));
        script.push('\n');
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} examples found");
    let bin = assert_cmd::cargo::cargo_bin("panel");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(root)
        .env("PATH", path)
        .env("HOME", tmp.path())
        .env("XDG_DATA_HOME", tmp.path().join("xdg"))
        .env("PANEL_KEY_DIR", tmp.path().join("keys"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "a README example failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("评审汇总表"), "{stdout}");
}

#[test]
fn the_chair_never_writes_into_an_experts_database_nor_an_expert_into_the_chairs() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let p = tp.dir.to_str().unwrap().to_string();
    let a = view.apps.keys().next().unwrap().clone();
    let mut e2 = tp.expert_store("E02");
    score_app(&mut e2, &view, "E02", &a, 1, AppStatus::Submitted);
    let sheet = tp.export(&mut e2, "E02", "E02.sheet.json");
    drop(e2);
    let e2db = tp.tmp.path().join("db-E02");
    let csv = tp.tmp.path().join("paper.csv");
    std::fs::write(
        &csv,
        format!("application,expert,criterion,value\n{a},E01,B1.1,1\n"),
    )
    .unwrap();
    let before = file_tree(&e2db);
    let (db, csv, sheet) = (
        e2db.to_str().unwrap(),
        csv.to_str().unwrap(),
        sheet.to_str().unwrap(),
    );
    for args in [
        vec!["import", &p, csv, "--db", db],
        vec!["merge", &p, sheet, "--db", db],
        vec![
            "reopen",
            &p,
            "--expert",
            "E02",
            "--application",
            &a,
            "--reason",
            "复核",
            "--db",
            db,
        ],
        vec![
            "eligibility",
            &p,
            "--application",
            "T24-001",
            "--gate",
            "E2b",
            "--pass",
            "--reason",
            "符合",
            "--by",
            "E01",
            "--db",
            db,
        ],
    ] {
        let (out, err, code) = run(&tp, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        for needle in [
            format!("database {db} belongs to expert:E02, and chair may not write into it"),
            "nothing was written".into(),
            "pass --db with the chair's database".into(),
        ] {
            assert!(err.contains(&needle), "{args:?}: {needle} in {err}");
        }
        assert_eq!(
            file_tree(&e2db),
            before,
            "{args:?} changed the expert's database"
        );
    }
    // the expert screen refuses the chair's database the same way, before any terminal
    let mut chair = tp.chair_store();
    score_app(&mut chair, &view, "E03", &a, 2, AppStatus::Submitted);
    drop(chair);
    let chair_db = tp.chair_path();
    let before = file_tree(&chair_db);
    let cdb = chair_db.to_str().unwrap();
    let (out, err, code) = run(&tp, &["score", &p, "--expert", "E02", "--db", cdb]);
    assert_eq!(code, 1, "{out}{err}");
    for needle in [
        format!("database {cdb} belongs to chair, and expert:E02 may not write into it"),
        "`panel score --expert E02` writes into expert E02's own database".into(),
    ] {
        assert!(err.contains(&needle), "{needle} in {err}");
    }
    assert_eq!(file_tree(&chair_db), before);
}

#[test]
fn a_refused_command_leaves_no_new_database() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let p = tp.dir.to_str().unwrap().to_string();
    let a = view.apps.keys().next().unwrap().clone();
    let mut e2 = tp.expert_store("E02");
    score_app(&mut e2, &view, "E02", &a, 1, AppStatus::Submitted);
    let good = tp.export(&mut e2, "E02", "E02.sheet.json");
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(text.contains("总体意见"), "{text}");
    let tampered = tp.tmp.path().join("out").join("E02-tampered.sheet.json");
    std::fs::write(&tampered, text.replacen("总体意见", "总体意见（改）", 1)).unwrap();
    let bad_csv = tp.tmp.path().join("bad.csv");
    std::fs::write(
        &bad_csv,
        format!("application,expert,criterion,value\n{a},E01,B1.1,-1\n"),
    )
    .unwrap();
    let (good, tampered, bad_csv) = (
        good.to_str().unwrap(),
        tampered.to_str().unwrap(),
        bad_csv.to_str().unwrap(),
    );
    let new = |name: &str| tp.tmp.path().join(name).to_str().unwrap().to_string();
    let (n1, n2, n3, n4) = (new("new1"), new("new2"), new("new3"), new("new4"));
    for (args, needle) in [
        (vec!["import", &p, bad_csv, "--db", &n1], "outside"),
        (vec!["merge", &p, tampered, "--db", &n2], "refused"),
        (
            vec![
                "reopen",
                &p,
                "--expert",
                "E09",
                "--application",
                &a,
                "--reason",
                "x",
                "--db",
                &n3,
            ],
            "not in the roster",
        ),
        (
            vec![
                "reopen",
                &p,
                "--expert",
                "E01",
                "--application",
                &a,
                "--reason",
                "x",
                "--db",
                &n4,
            ],
            "nothing to reopen: E01 has not submitted",
        ),
    ] {
        let db = args.last().unwrap().to_string();
        let (out, err, code) = run(&tp, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(
            out.contains(needle) || err.contains(needle),
            "{needle} in {out}{err}"
        );
        assert!(err.contains("removed the database"), "{err}");
        assert!(!Path::new(&db).exists(), "{args:?} left {db} behind");
    }
    // a directory that existed before is kept (empty, as it was)
    let n5 = new("new5");
    std::fs::create_dir(&n5).unwrap();
    let (_, err, code) = run(&tp, &["merge", &p, tampered, "--db", &n5]);
    assert_eq!(code, 1, "{err}");
    assert!(Path::new(&n5).is_dir());
    assert_eq!(std::fs::read_dir(&n5).unwrap().count(), 0);
    // a database with something merged into it stays, even when another sheet is refused
    let n6 = new("new6");
    let (out, err, code) = run(&tp, &["merge", &p, good, tampered, "--db", &n6]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("merged (chair commit 2)"), "{out}");
    assert!(Path::new(&n6).join("journal.jsonl").is_file());
    // and a refused import leaves an existing database in place, its journal as it was
    let journal = Path::new(&n6).join("journal.jsonl");
    let before = std::fs::read(&journal).unwrap();
    let (_, err, code) = run(&tp, &["import", &p, bad_csv, "--db", &n6]);
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("removed the database"), "{err}");
    assert_eq!(std::fs::read(&journal).unwrap(), before);
}

/// A panel without bundles has no applications to import into: the refusal says so and
/// what to do, rather than listing no applications.
#[test]
fn import_into_a_panel_without_bundles_says_to_add_them() {
    let tp = test_panel(&[]);
    let dir = tp.tmp.path().join("nobundles");
    small_synth(&tp, &dir, &["--no-bundles"]);
    let db = tp.tmp.path().join("nb-chair");
    let (_, err, rc) = run(
        &tp,
        &[
            "import",
            dir.to_str().unwrap(),
            dir.join("scores.csv").to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(rc, 1, "{err}");
    assert!(
        err.contains("which has no applications (no bundles): add the applications' bundles"),
        "{err}"
    );
    // said once, not at every row
    assert_eq!(err.matches("which has no applications").count(), 1, "{err}");
    assert!(err.contains("1 problem(s)"), "{err}");
    assert!(!db.exists(), "a refused import leaves no database");
}

/// The files secretariats make, through `panel import` and `panel results --scores` alike:
/// a Chinese or differently cased header is read; a workbook, GBK text, another separator,
/// a decimal comma, a mistyped expert or criterion id (another case, another leading zero)
/// and an expert's name for the id are refused by both, at the same place, saying
/// what the file is and what to do, and a refused import leaves no database.
#[test]
fn secretariat_files_are_read_or_named_the_same_by_import_and_results() {
    let tp = test_panel(&[]);
    let dir = tp.tmp.path().join("syn");
    small_synth(&tp, &dir, &[]);
    let scores = std::fs::read_to_string(dir.join("scores.csv")).unwrap();
    let (head, body) = scores.split_once('\n').unwrap();
    let first = body.lines().next().unwrap().to_string();
    let with_first = |row: &str| format!("{head}\n{}", body.replacen(&first, row, 1));
    let f: Vec<String> = first.split(',').map(String::from).collect();
    let zh = format!("申请编号,专家,指标,分值\n{body}");
    let (gbk, _, _) = encoding_rs::GBK.encode(&zh);
    let roster_id = format!("{:?}", f[1]);
    let crit_id = format!("(did you mean {:?}?", f[2]);
    let digit = f[1].find(|c: char| c.is_ascii_digit()).unwrap();
    let zeroed = format!("{}0{}", &f[1][..digit], &f[1][digit..]);
    // the expert's name in panel.json (its first word: 专家2 of "专家2 Expert 2")
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("panel.json")).unwrap()).unwrap();
    let name = config["experts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == f[1].as_str())
        .and_then(|e| e["name"].as_str()?.split_whitespace().next())
        .unwrap()
        .to_string();
    // (file name, bytes, None when read, else the place and words of the refusal)
    type Case<'a> = (&'a str, Vec<u8>, Option<(&'a str, &'a str)>);
    let cases: Vec<Case<'_>> = vec![
        ("zh.csv", format!("申请编号,专家,指标,分值\n{body}").into_bytes(), None),
        ("case.csv", format!("Application,Expert,Criterion,Value\n{body}").into_bytes(), None),
        (
            "book.csv",
            b"PK\x03\x04\x14\0\0\0\0\0[Content_Types].xml<Types/>PK\x03\x04xl/workbook.xml".to_vec(),
            Some((":1:1: ", "this is an Excel workbook (.xlsx), not a CSV file: open it in Excel or WPS and save it as CSV UTF-8")),
        ),
        ("gbk.csv", gbk.into_owned(), Some((":1:1: ", "GBK/GB18030 (these bytes read “申请编号,专家,指标,分值”"))),
        (
            "semi.csv",
            scores.replace(',', ";").into_bytes(),
            Some((":1:1: ", "the columns are separated by semicolons (;), not commas")),
        ),
        (
            "comma.csv",
            with_first(&format!("{},{},{},{}", f[0], f[1], f[2], f[3].replace('.', ",") + if f[3].contains('.') { "" } else { ",5" })).into_bytes(),
            Some((":2:5: ", "the value seems written with a decimal comma")),
        ),
        (
            "expert.csv",
            with_first(&format!("{},{},{},{}", f[0], f[1].to_lowercase(), f[2], f[3])).into_bytes(),
            Some((":2:2: ", roster_id.as_str())),
        ),
        (
            // another leading zero in the expert's number (E002 for E02)
            "zeros.csv",
            with_first(&format!("{},{},{},{}", f[0], zeroed, f[2], f[3])).into_bytes(),
            Some((":2:2: ", roster_id.as_str())),
        ),
        (
            // the expert's name where the id belongs
            "name.csv",
            with_first(&format!("{},{},{},{}", f[0], name, f[2], f[3])).into_bytes(),
            Some((":2:2: ", roster_id.as_str())),
        ),
        (
            "criterion.csv",
            with_first(&format!("{},{},{},{}", f[0], f[1], f[2].to_lowercase(), f[3])).into_bytes(),
            Some((":2:3: ", crit_id.as_str())),
        ),
    ];
    for (name, bytes, want) in cases {
        let csv = tp.tmp.path().join(name);
        std::fs::write(&csv, bytes).unwrap();
        let db = tp.tmp.path().join(format!("{name}-chair"));
        let (d, c) = (dir.to_str().unwrap(), csv.to_str().unwrap());
        let import = run(&tp, &["import", d, c, "--db", db.to_str().unwrap()]);
        let results = run(&tp, &["results", d, "--scores", c, "--format", "csv"]);
        for (what, (_, err, rc)) in [("import", &import), ("results", &results)] {
            match want {
                None => assert_eq!(*rc, 0, "{name} {what}: {err}"),
                Some((place, message)) => {
                    assert_eq!(*rc, 1, "{name} {what}: {err}");
                    assert!(
                        err.contains(&format!("{name}{place}")),
                        "{name} {what}: {err}"
                    );
                    assert!(err.contains(message), "{name} {what}: {err}");
                }
            }
        }
        assert_eq!(
            db.exists(),
            want.is_none(),
            "{name}: a refused import leaves no database"
        );
    }
}

/// A small synthetic panel without bundles in `name` and the text of its scores CSV, after
/// checking that `results` on that file warns of nothing.
fn clean_scores(tp: &TestPanel, name: &str) -> (std::path::PathBuf, String) {
    let dir = tp.tmp.path().join(name);
    small_synth(tp, &dir, &["--no-bundles"]);
    let csv = dir.join("scores.csv");
    let (_, err, rc) = run(
        tp,
        &[
            "results",
            dir.to_str().unwrap(),
            "--scores",
            csv.to_str().unwrap(),
        ],
    );
    assert_eq!(rc, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    (dir, text)
}

/// A scores CSV may name an expert outside the roster (not a mistyped roster id): `results`
/// counts that expert and says so on the terminal whatever the format, naming the id;
/// `import` refuses it.
#[test]
fn results_warns_of_experts_outside_the_roster() {
    let tp = test_panel(&[]);
    let (dir, scores) = clean_scores(&tp, "off-roster");
    let d = dir.to_str().unwrap();
    // every row of the first row's expert given to an expert nobody registered
    let expert = scores
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let other = scores.replace(&format!(",{expert},"), ",X99,");
    let csv = dir.join("other.csv");
    std::fs::write(&csv, other).unwrap();
    for format in ["csv", "json", "md"] {
        let (_, err, rc) = run(
            &tp,
            &[
                "results",
                d,
                "--scores",
                csv.to_str().unwrap(),
                "--format",
                format,
            ],
        );
        assert_eq!(rc, 0, "{format}: {err}");
        assert!(
            err.contains("warning: 1 expert(s) not in the roster of panel.json are counted: X99;"),
            "{format}: {err}"
        );
    }
    let db = tp.tmp.path().join("off-roster-chair");
    let (_, err, rc) = run(
        &tp,
        &[
            "import",
            d,
            csv.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(rc, 1, "{err}");
    assert!(err.contains("expert \"X99\" is not in the roster"), "{err}");
}

/// An expert left out of an application because of their rows in a scores CSV (two
/// different values for one criterion, a criterion missing) changes the ranking: `results`
/// says so on the terminal, whatever the format, naming the application, the expert and
/// why, and for the two values how to find the lines; a clean file warns of nothing.
#[test]
fn results_warns_of_experts_left_out_by_their_rows() {
    let tp = test_panel(&[]);
    let (dir, csv) = clean_scores(&tp, "left-out");
    let d = dir.to_str().unwrap();
    // the first row again with another value, at the end of the file
    let first = csv.lines().nth(1).unwrap();
    let (head, _) = first.rsplit_once(',').unwrap();
    let (app, rest) = head.split_once(',').unwrap();
    let (expert, crit) = rest.split_once(',').unwrap();
    let value: f64 = first.rsplit(',').next().unwrap().parse().unwrap();
    let other = if value == 0.0 { "1" } else { "0" };
    let dup = dir.join("dup.csv");
    std::fs::write(&dup, format!("{csv}{head},{other}\n")).unwrap();
    for format in ["csv", "json", "xlsx"] {
        let out = tp.tmp.path().join(format!("r.{format}"));
        let (_, err, rc) = run(
            &tp,
            &[
                "results",
                d,
                "--scores",
                dup.to_str().unwrap(),
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(rc, 0, "{err}");
        assert!(
            err.contains(&format!(
                "  {app}: expert {expert} excluded: two different values for criterion {crit}"
            )),
            "{format}: {err}"
        );
        assert!(err.contains("--dry-run` names the lines"), "{err}");
    }
    // a row left out: that expert scored one criterion fewer
    let missing = dir.join("missing.csv");
    let kept: Vec<&str> = csv.lines().filter(|l| *l != first).collect();
    std::fs::write(&missing, kept.join("\n") + "\n").unwrap();
    let (_, err, rc) = run(&tp, &["results", d, "--scores", missing.to_str().unwrap()]);
    assert_eq!(rc, 0, "{err}");
    assert!(
        err.contains(&format!(
            "  {app}: expert {expert} excluded: scored 1 of 2 criteria (missing {crit})"
        )),
        "{err}"
    );
    assert!(!err.contains("--dry-run"), "{err}");
}
