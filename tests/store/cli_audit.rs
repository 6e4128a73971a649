//! `panel audit verify`: an intact journal passes, an edited one names the line.

use assert_cmd::Command;
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use predicates::prelude::*;
use rust_decimal::Decimal;

#[test]
fn audit_verify_intact_and_tampered() {
    let _turn = crate::turns::take(module_path!());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let id = StoreIdentity {
        panel_id: "p".into(),
        rubric_sha256: "0".repeat(64),
        role: panel::role::Role::expert("E01"),
    };
    {
        let (mut st, _) = Store::open(&db, &id).unwrap();
        for (i, v) in [5, 6, 7].iter().enumerate() {
            st.commit(vec![Op::SetScore {
                expert: "E01".into(),
                app: "T24-001".into(),
                item: format!("B1.{}", i + 1),
                value: Decimal::from(*v),
                reason: None,
            }])
            .unwrap();
        }
        st.commit(vec![Op::SetStatus {
            expert: "E01".into(),
            app: "T24-001".into(),
            status: AppStatus::Submitted,
            reason: None,
        }])
        .unwrap();
    }
    Command::cargo_bin("panel")
        .unwrap()
        .args(["audit", "verify"])
        .arg(&db)
        .assert()
        .success()
        .stdout(predicate::str::contains("chain intact"));
    // Change one value in the third line without fixing its hash.
    let j = db.join("journal.jsonl");
    let text = std::fs::read_to_string(&j).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let n = lines.len();
    assert!(n >= 4, "journal has {n} lines");
    let target = lines
        .iter()
        .position(|l| l.contains("B1.2"))
        .expect("line with B1.2");
    lines[target] = lines[target].replace("\"6\"", "\"9\"");
    std::fs::write(&j, lines.join("\n") + "\n").unwrap();
    Command::cargo_bin("panel")
        .unwrap()
        .args(["audit", "verify"])
        .arg(&db)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("line {}", target + 1)));
}

// ---------------------------------------------------------------------------------------------
// Reads never write; sled and journal disagreeing is refused; the explicit repair.
// ---------------------------------------------------------------------------------------------

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture_panel(tmp: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/park-ip-trusteeship-2024");
    let dir = tmp.join("panel");
    for sub in ["bundles", "sheets"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(fixture.join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.join(sub).join(e.file_name())).unwrap();
        }
    }
    std::fs::copy(fixture.join("panel.json"), dir.join("panel.json")).unwrap();
    dir
}

/// `panel` with the demo panel's keys (the chair, E01, signs the chair database).
fn panel_cmd() -> Command {
    let mut c = Command::cargo_bin("panel").unwrap();
    c.env(
        "PANEL_KEY_DIR",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/park-ip-trusteeship-2024/keys"),
    );
    c
}

/// The fixture's four sheets merged into a chair database by `panel merge`.
fn merged_chair(tmp: &Path) -> (PathBuf, PathBuf) {
    let dir = fixture_panel(tmp);
    let db = tmp.join("chair");
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(dir.join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".sheet.json"))
        .collect();
    sheets.sort();
    panel_cmd()
        .arg("merge")
        .arg(&dir)
        .args(&sheets)
        .arg("--db")
        .arg(&db)
        .assert()
        .success();
    (dir, db)
}

/// Every file under `dir` (relative path → sha256).
fn hash_tree(dir: &Path) -> BTreeMap<PathBuf, String> {
    use sha2::Digest;
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    hex::encode(sha2::Sha256::digest(std::fs::read(&p).unwrap())),
                );
            }
        }
    }
    out
}

/// Rewrites line `line` (1-based) of a journal with `from` → `to` and recomputes every
/// `prev`/`hash` from there on, as a forger would.
fn forge(journal: &Path, line: usize, from: &str, to: &str) {
    use sha2::Digest;
    let text = std::fs::read_to_string(journal).unwrap();
    let mut prev = panel::store::GENESIS_HASH.to_string();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        let l = if i + 1 == line {
            assert!(l.contains(from), "line {line} has no {from}");
            l.replacen(from, to, 1)
        } else {
            l.to_string()
        };
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        let (seq, ts, ops) = (&v["seq"], &v["ts"], &v["ops"]);
        let body = format!("{{\"seq\":{seq},\"ts\":{ts},\"ops\":{ops}}}");
        let hash = hex::encode(sha2::Sha256::digest(format!("{prev}{body}").as_bytes()));
        // a signature, if any, is kept: the forger cannot make a new one
        let sig = match v.get("sig") {
            Some(sig) => format!(",\"sig\":{sig}"),
            None => String::new(),
        };
        out.push_str(&format!(
            "{{\"seq\":{seq},\"prev\":\"{prev}\",\"ts\":{ts},\"ops\":{ops},\"hash\":\"{hash}\"{sig}}}\n"
        ));
        prev = hash;
    }
    std::fs::write(journal, out).unwrap();
}

fn head_of(journal: &Path) -> String {
    let text = std::fs::read_to_string(journal).unwrap();
    let last = text.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap();
    v["hash"].as_str().unwrap().to_string()
}

/// A copy of `db` damaged in one of several ways.
fn damaged_copies(db: &Path, tmp: &Path) -> Vec<(&'static str, PathBuf)> {
    let copy = |name: &str| {
        let to = tmp.join(format!("copy-{name}"));
        let mut todo = vec![(db.to_path_buf(), to.clone())];
        while let Some((from, to)) = todo.pop() {
            std::fs::create_dir_all(&to).unwrap();
            for e in std::fs::read_dir(&from).unwrap() {
                let p = e.unwrap().path();
                let t = to.join(p.file_name().unwrap());
                if p.is_dir() {
                    todo.push((p, t));
                } else {
                    std::fs::copy(&p, &t).unwrap();
                }
            }
        }
        to
    };
    let journal = |p: &Path| p.join("journal.jsonl");
    let mut out = Vec::new();
    out.push(("intact", copy("intact")));
    let p = copy("no-sled");
    std::fs::remove_dir_all(p.join("sled")).unwrap();
    out.push(("no sled", p));
    let p = copy("sled-flipped");
    let f = p.join("sled/db");
    let mut b = std::fs::read(&f).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 0x55;
    std::fs::write(&f, b).unwrap();
    out.push(("sled byte flipped", p));
    let p = copy("cut-mid-line");
    let len = std::fs::metadata(journal(&p)).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(journal(&p))
        .unwrap()
        .set_len(len - 200)
        .unwrap();
    out.push(("journal cut mid-line", p));
    let p = copy("no-newline");
    std::fs::OpenOptions::new()
        .write(true)
        .open(journal(&p))
        .unwrap()
        .set_len(len - 1)
        .unwrap();
    out.push(("journal without its last newline", p));
    let p = copy("forged");
    forge(
        &journal(&p),
        1,
        "\"value\":\"panel ",
        "\"value\":\"forged panel ",
    );
    out.push(("forged and rechained", p));
    let p = copy("torn-extra");
    let mut j = std::fs::OpenOptions::new()
        .append(true)
        .open(journal(&p))
        .unwrap();
    std::io::Write::write_all(&mut j, b"{\"seq\":6,\"prev\":").unwrap();
    out.push(("torn append", p));
    out
}

#[test]
fn read_only_commands_leave_every_byte_even_on_damaged_copies() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = merged_chair(tmp.path());
    for (what, copy) in damaged_copies(&db, tmp.path()) {
        let before = hash_tree(&copy);
        let out = tmp.path().join("out.json");
        let runs: Vec<Vec<std::ffi::OsString>> = vec![
            vec![
                "results".into(),
                dir.clone().into(),
                "--db".into(),
                copy.clone().into(),
            ],
            vec![
                "results".into(),
                dir.clone().into(),
                "--db".into(),
                copy.clone().into(),
                "--format".into(),
                "json".into(),
                "-o".into(),
                out.clone().into(),
            ],
            vec!["audit".into(), "verify".into(), copy.clone().into()],
            vec![
                "audit".into(),
                "verify".into(),
                copy.clone().into(),
                "--head".into(),
                "0123456789abcdef".into(),
            ],
        ];
        for args in runs {
            let o = panel_cmd().args(&args).output().unwrap();
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{what}: {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(
                hash_tree(&copy),
                before,
                "{what}: {args:?} changed the database"
            );
        }
    }
}

#[test]
fn forged_and_rechained_journal_is_caught_by_the_index_or_by_a_head() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = merged_chair(tmp.path());
    let printed_head = head_of(&db.join("journal.jsonl"));
    forge(
        &db.join("journal.jsonl"),
        2,
        "\"value\":\"3\"",
        "\"value\":\"1\"",
    );
    // With the sled index: it disagrees; results and audit verify say so and stop.
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("disagree"))
        .stderr(predicate::str::contains(&printed_head))
        .stdout(predicate::str::contains("chain intact").not());
    panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("disagree"));
    // Without it (deleted as well), the head printed earlier catches it.
    std::fs::remove_dir_all(db.join("sled")).unwrap();
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .args(["--head", &printed_head[..16]])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "head {} printed earlier is the hash of no line",
            &printed_head[..16]
        )));
}

#[test]
fn head_printed_earlier_matches_an_untouched_journal() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (_dir, db) = merged_chair(tmp.path());
    let text = std::fs::read_to_string(db.join("journal.jsonl")).unwrap();
    let line2: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    let h2 = line2["hash"].as_str().unwrap().to_string();
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .args(["--head", &h2])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "head {h2} is line 2 of 5"
        )))
        .stdout(predicate::str::contains("(3 commit(s) since)"));
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .args(["--head", "12ab"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("at least 16 hexadecimal"));
}

#[test]
fn truncated_journal_with_the_index_is_loss_never_unacknowledged() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = merged_chair(tmp.path());
    let j = db.join("journal.jsonl");
    let text = std::fs::read_to_string(&j).unwrap();
    let cut = text.trim_end_matches('\n').rfind('\n').unwrap() + 1 + 300;
    std::fs::write(&j, &text.as_bytes()[..cut]).unwrap();
    let o = panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("has applied 5 commits") && err.contains("holds only 4"),
        "{err}"
    );
    assert!(!err.contains("never acknowledged"), "{err}");
    panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("has applied 5 commits"));
    // the screen (a writer) refuses too, rather than repairing by trusting the journal
    let panel = panel::panel::Panel::open(&dir).unwrap();
    let journal_before = std::fs::read(&j).unwrap();
    let e = Store::open(&db, &panel::commands::chair::identity(&panel)).unwrap_err();
    assert!(
        matches!(e, panel::store::StoreError::Disagree { .. }),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&j).unwrap(),
        journal_before,
        "refused, yet the journal changed"
    );

    // the explicit repair says what it moves and where, and keeps it
    let o = panel_cmd()
        .args(["audit", "repair"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("journal.torn-") && out.contains("sled.damaged-"),
        "{out}"
    );
    let names: Vec<String> = std::fs::read_dir(&db)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for n in &names {
        if n.starts_with("journal.torn-") || n.starts_with("sled.damaged-") {
            assert!(out.contains(n.as_str()), "{n} not named in: {out}");
        }
    }
    assert_eq!(
        names.iter().filter(|n| n.contains('-')).count(),
        2,
        "{names:?}"
    );
    panel_cmd()
        .args(["audit", "repair"])
        .arg(&db)
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to repair"));
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .assert()
        .success();
}

#[test]
fn unterminated_last_line_is_kept_as_a_commit() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = merged_chair(tmp.path());
    let full = panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    let j = db.join("journal.jsonl");
    let len = std::fs::metadata(&j).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&j)
        .unwrap()
        .set_len(len - 1)
        .unwrap();
    std::fs::remove_dir_all(db.join("sled")).unwrap();
    let o = panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(o.stdout, full.stdout, "the last merge is not dropped");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("lacks its line end"), "{err}");
}

#[test]
fn lock_message_is_printed_once_and_names_the_read_only_commands() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = merged_chair(tmp.path());
    let panel = panel::panel::Panel::open(&dir).unwrap();
    let (_held, _) = Store::open(&db, &panel::commands::chair::identity(&panel)).unwrap();
    let o = panel_cmd()
        .args(["reopen"])
        .arg(&dir)
        .args([
            "--expert",
            "E02",
            "--application",
            "T24-001",
            "--reason",
            "x",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("open for changes").count(), 1, "{err}");
    assert!(err.contains("`panel results`"), "{err}");
    // ... and those commands work meanwhile, changing nothing (measured after the holder's
    // background sled flush, at most 500 ms after its open)
    let mut before = hash_tree(&db);
    for _ in 0..10 {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let now = hash_tree(&db);
        if now == before {
            break;
        }
        before = now;
    }
    panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .assert()
        .success()
        .stdout(predicate::str::contains("T24-001"));
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .assert()
        .success();
    // sled/ belongs to the holder, whose own background flushes may rewrite it at any time
    // (the byte-for-byte check of sled/ is in read_only_commands_leave_every_byte_even_on_
    // damaged_copies, with no writer); everything else is unchanged
    let outside_sled = |t: BTreeMap<PathBuf, String>| {
        t.into_iter()
            .filter(|(k, _)| !k.starts_with("sled"))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(outside_sled(hash_tree(&db)), outside_sled(before));
}

/// `status` reads without writing, whatever the state of the database. (`sheet export` is a
/// writer: it records its export, see the sheet CLI tests.)
#[test]
fn status_reads_without_writing() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture_panel(tmp.path());
    let panel = panel::panel::Panel::open(&dir).unwrap();
    let db = tmp.path().join("e02");
    {
        let (mut st, _) =
            Store::open(&db, &panel::commands::score::identity(&panel, "E02")).unwrap();
        st.commit(vec![Op::SetScore {
            expert: "E02".into(),
            app: "T24-001".into(),
            item: "A1.1".into(),
            value: Decimal::from(1),
            reason: None,
        }])
        .unwrap();
    }
    for (what, copy) in damaged_copies(&db, tmp.path()) {
        let before = hash_tree(&copy);
        let o = panel_cmd()
            .arg("status")
            .arg(&dir)
            .args(["--expert", "E02", "--db"])
            .arg(&copy)
            .output()
            .unwrap();
        // refusing (exit 1: loss or tampering) is allowed, writing is not
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(hash_tree(&copy), before, "{what}: status wrote");
    }
}

/// The fixture panel with a key for the chair (E01): the chair database is signed.
fn keyed_chair(tmp: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let dir = fixture_panel(tmp);
    let keys = tmp.join("keys");
    let (pk, _, _) = panel::sheet::keys::keygen(&keys, "E01", false).unwrap();
    let cfg_path = dir.join("panel.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    assert_eq!(cfg["chair"], "E01");
    for e in cfg["experts"].as_array_mut().unwrap() {
        if e["id"] == "E01" {
            e["public_key"] = panel::sheet::keys::public_key_string(&pk).into();
        }
    }
    std::fs::write(&cfg_path, serde_json::to_string_pretty(&cfg).unwrap()).unwrap();
    let db = tmp.join("chair");
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(dir.join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".sheet.json"))
        .collect();
    sheets.sort();
    // without the chair's key nothing is written (an unsigned commit would make every later
    // read refuse the whole database)
    let unsigned = tmp.join("unsigned");
    panel_cmd()
        .arg("merge")
        .arg(&dir)
        .args(&sheets)
        .arg("--db")
        .arg(&unsigned)
        .env("PANEL_KEY_DIR", tmp.join("no-keys"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no secret key of E01"));
    assert!(!unsigned.exists(), "nothing written");
    // with another key than the roster's, nothing is written
    let other = tmp.join("other-keys");
    panel::sheet::keys::keygen(&other, "E01", false).unwrap();
    panel_cmd()
        .arg("merge")
        .arg(&dir)
        .args(&sheets)
        .arg("--db")
        .arg(&db)
        .env("PANEL_KEY_DIR", &other)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is not the public_key the roster gives",
        ));
    assert!(!db.exists());
    panel_cmd()
        .arg("merge")
        .arg(&dir)
        .args(&sheets)
        .arg("--db")
        .arg(&db)
        .env("PANEL_KEY_DIR", &keys)
        .assert()
        .success();
    (dir, db, keys)
}

#[test]
fn signed_chair_journal_forged_and_rechained_fails_naming_the_line() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db, _keys) = keyed_chair(tmp.path());
    let text = std::fs::read_to_string(db.join("journal.jsonl")).unwrap();
    assert!(
        text.lines().all(|l| l.contains("\"sig\":\"ed25519:")),
        "{text}"
    );
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .arg("--panel")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("every line signed by E01"));
    panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .assert()
        .success();
    // rewrite line 2 and rechain, and delete the index that would also tell
    forge(
        &db.join("journal.jsonl"),
        2,
        "\"value\":\"3\"",
        "\"value\":\"1\"",
    );
    std::fs::remove_dir_all(db.join("sled")).unwrap();
    let before = hash_tree(&db);
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .arg("--panel")
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "line 2: the signature does not match",
        ));
    panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "line 2: the signature does not match",
        ));
    assert_eq!(hash_tree(&db), before);
}

#[test]
fn summary_shows_the_journal_head_that_audit_verify_accepts() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = merged_chair(tmp.path());
    let head = head_of(&db.join("journal.jsonl"));
    let o = panel_cmd()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .args(["--format", "summary-md"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains(&format!("**数据锚点 Journal head：`{head}`**")),
        "{md}"
    );
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .args(["--head", &head])
        .assert()
        .success()
        .stdout(predicate::str::contains("is line 5 of 5"));
}

/// Removes the `sig` of the 1-based lines `lines` of a journal (as a forger who cannot sign
/// must); `sig` is not part of the hash, so the chain still verifies.
fn drop_signatures(journal: &Path, lines: std::ops::RangeInclusive<usize>) {
    let text = std::fs::read_to_string(journal).unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        match (lines.contains(&(i + 1)), l.find(",\"sig\":\"")) {
            (true, Some(at)) => {
                out.push_str(&l[..at]);
                out.push('}');
            }
            _ => out.push_str(l),
        }
        out.push('\n');
    }
    std::fs::write(journal, out).unwrap();
}

#[test]
fn signatures_that_stop_partway_fail_verify_and_repair_even_without_the_panel() {
    let _turn = crate::turns::take(module_path!());
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db, keys) = keyed_chair(tmp.path());
    let j = db.join("journal.jsonl");
    let n = std::fs::read_to_string(&j).unwrap().lines().count();
    assert!(n >= 4, "{n} lines");
    // line 2 rewritten and rechained, the signatures that could not be forged dropped, the
    // index that would disagree deleted
    forge(&j, 2, "\"value\":\"3\"", "\"value\":\"1\"");
    drop_signatures(&j, 2..=n);
    std::fs::remove_dir_all(db.join("sled")).unwrap();
    let without_lock = |db: &Path| {
        let mut t = hash_tree(db);
        t.remove(Path::new("LOCK"));
        t
    };
    let before = without_lock(&db);
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("checked").and(predicate::str::contains("ok ").not()))
        .stderr(predicate::str::contains(
            "line 2 carries no signature, although line 1 before it does",
        ))
        .stderr(predicate::str::contains("--panel"));
    panel_cmd()
        .args(["audit", "repair"])
        .arg(&db)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("line 2 carries no signature"))
        .stderr(predicate::str::contains("does not rebuild an index"));
    assert!(!db.join("sled").exists(), "no index rebuilt");
    // nor does a command write into it
    panel_cmd()
        .arg("eligibility")
        .arg(&dir)
        .args(["--application", "T24-001", "--gate", "E2b", "--pass"])
        .args(["--reason", "符合", "--db"])
        .arg(&db)
        .env("PANEL_KEY_DIR", &keys)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("line 2 carries no signature"));
    assert_eq!(without_lock(&db), before);
    assert!(!db.join("sled").exists());

    // unsigned lines between signed ones: the chain intact, the index agreeing
    let tmp2 = tempfile::tempdir().unwrap();
    let (_, db2, _) = keyed_chair(tmp2.path());
    drop_signatures(&db2.join("journal.jsonl"), 3..=3);
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db2)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "line 3 carries no signature, although line 2 before it does",
        ));
    // a journal with no signature at all is what a database without a key holds: without
    // --panel (or --head) nothing tells, as before
    drop_signatures(&db2.join("journal.jsonl"), 1..=n);
    panel_cmd()
        .args(["audit", "verify"])
        .arg(&db2)
        .assert()
        .success()
        .stdout(predicate::str::contains("no line is signed"));
}
