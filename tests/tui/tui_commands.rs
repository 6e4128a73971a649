//! `panel score`, `panel status` and `panel demo` from the outside (no terminal).

use crate::tui_support;

use assert_cmd::Command;
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use rust_decimal::Decimal;
use std::str::FromStr;

fn ident() -> StoreIdentity {
    StoreIdentity {
        panel_id: "demo-t24-2024".into(),
        rubric_sha256: tui_support::rubric_sha(),
        role: panel::role::Role::expert("E01"),
    }
}

fn panel_cmd() -> Command {
    Command::cargo_bin("panel").unwrap()
}

#[test]
fn status_before_anything_is_scored_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    tui_support::write_panel(tmp.path());
    let db = tmp.path().join("db");
    let out = panel_cmd()
        .arg("status")
        .arg(tmp.path())
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("not created yet"), "{out}");
    assert!(
        out.contains("2 applications: 0 submitted, 0 conflict, 2 open"),
        "{out}"
    );
    // an untouched application's total is the rules' suggestions: in brackets, said so
    let t1 = out.lines().find(|l| l.starts_with("T24-001")).unwrap();
    assert!(t1.trim_end().ends_with(')') && t1.contains(" ("), "{out}");
    assert!(
        out.contains("(total) of an untouched application: the rules' suggestions alone"),
        "{out}"
    );
    assert!(!db.exists(), "status must not create a database");
}

#[test]
fn status_reports_scores_submissions_and_conflicts() {
    let tmp = tempfile::tempdir().unwrap();
    tui_support::write_panel(tmp.path());
    let db = tmp.path().join("db");
    {
        let (mut s, _) = Store::open(&db, &ident()).unwrap();
        let set = |item: &str, v: &str, reason: Option<&str>| Op::SetScore {
            expert: "E01".into(),
            app: "T24-001".into(),
            item: item.into(),
            value: Decimal::from_str(v).unwrap(),
            reason: reason.map(String::from),
        };
        s.commit(vec![
            set("A2.1", "1.5", None),
            set("B1.1", "8", None),
            set("A1.2", "1", Some("部分专利失效")),
            Op::SetComment {
                expert: "E01".into(),
                app: "T24-001".into(),
                item: "".into(),
                text: "总体较好".into(),
            },
            Op::SetStatus {
                expert: "E01".into(),
                app: "T24-002".into(),
                status: AppStatus::Conflict,
                reason: Some("回避".into()),
            },
        ])
        .unwrap();
    }
    let out = panel_cmd()
        .arg("status")
        .arg(tmp.path())
        .args(["--expert", "E01", "--json", "--db"])
        .arg(&db)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["panel"], "demo-t24-2024");
    assert_eq!(v["expert"], "E01");
    assert_eq!(v["conflict"], 1);
    let a = &v["applications"][0];
    assert_eq!(a["code"], "T24-001");
    assert_eq!(a["status"], "in_progress");
    assert_eq!(a["expert_items_scored"], 2);
    assert_eq!(a["expert_items"], 9);
    assert_eq!(a["overrides"], 1);
    assert_eq!(a["comments"], 1);
    assert_eq!(v["applications"][1]["status"], "conflict");
    // the total is the combine() of the effective values
    let session = tui_support::session();
    let app = panel::tui::App::new(
        session,
        {
            let (s, _) = Store::open(&db, &ident()).unwrap();
            panel::tui::app::load_sheets(&s, "E01", &["T24-001".into(), "T24-002".into()])
        },
        Box::new(panel::tui::MemPersist::default()),
        panel::tui::Lang::En,
        false,
        (80, 24),
    );
    assert_eq!(
        a["total"].as_f64().unwrap(),
        app.apps[0].scored.total.to_string().parse::<f64>().unwrap()
    );
}

#[test]
fn a_second_process_on_the_same_database_fails_fast() {
    let tmp = tempfile::tempdir().unwrap();
    tui_support::write_panel(tmp.path());
    let db = tmp.path().join("db");
    let (_held, _) = Store::open(&db, &ident()).unwrap();
    // a second screen is refused at once, the message printed once
    let t = std::time::Instant::now();
    let out = panel_cmd()
        .arg("score")
        .arg(tmp.path())
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is open for changes in another panel process"),
        "{err}"
    );
    assert_eq!(err.matches("open for changes").count(), 1, "{err}");
    assert!(err.contains(&db.display().to_string()), "{err}");
    assert!(err.contains("`panel status`"), "{err}");
    assert!(err.contains("--db"), "suggests --db: {err}");
    // in the language asked for, with the same advice
    let zh = panel_cmd()
        .arg("score")
        .arg(tmp.path())
        .args(["--expert", "E01", "--lang", "zh", "--db"])
        .arg(&db)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let zh = String::from_utf8(zh.stderr).unwrap();
    assert!(zh.contains("正被另一个 panel 进程"), "{zh}");
    assert!(
        zh.contains("--db") && zh.contains(&db.display().to_string()),
        "{zh}"
    );
    assert!(!zh.contains("is open for changes"), "{zh}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "no terminal control output");
    // reading needs no lock: status works meanwhile
    panel_cmd()
        .arg("status")
        .arg(tmp.path())
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .assert()
        .success();
}

#[test]
fn helpful_errors() {
    let tmp = tempfile::tempdir().unwrap();
    tui_support::write_panel(tmp.path());
    let db = tmp.path().join("db");
    let err = panel_cmd()
        .arg("score")
        .arg(tmp.path())
        .args(["--expert", "E09", "--db"])
        .arg(&db)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("expert `E09` is not in the roster (E01, E02)"),
        "{err}"
    );
    let err = panel_cmd()
        .arg("score")
        .arg(tmp.path())
        .args(["--expert", "E01", "--lang", "fr", "--db"])
        .arg(&db)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("invalid value 'fr' for '--lang <LANG>': expected zh or en"));
    // without a terminal the screen refuses and points to `panel status`
    let err = panel_cmd()
        .arg("score")
        .arg(tmp.path())
        .args(["--expert", "E01", "--db"])
        .arg(&db)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("needs an interactive terminal") && err.contains("panel status"),
        "{err}"
    );
    // the refused screen leaves no new database behind
    assert!(!db.exists(), "{} was created", db.display());
    let err = panel_cmd()
        .arg("status")
        .arg(tmp.path().join("nowhere"))
        .args(["--expert", "E01"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err).unwrap().contains("panel.json"));
}

#[test]
fn demo_writes_the_embedded_panel_and_says_where() {
    // no terminal here: the demo writes its panel and database location, then
    // refuses to start the screen with the documented message
    let out = panel_cmd()
        .arg("demo")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    let dir_line = err
        .lines()
        .find(|l| l.starts_with("demo panel / 演示评审: "))
        .unwrap_or_else(|| panic!("{err}"));
    let dir = std::path::PathBuf::from(dir_line.trim_start_matches("demo panel / 演示评审: "));
    assert!(err.contains("database / 数据库: "), "{err}");
    assert!(err.contains("needs an interactive terminal"), "{err}");
    let p = panel::panel::Panel::open(&dir).unwrap();
    assert!(!p.bundles.is_empty());
    assert!(p.expert("E01").is_some());
    // clean up what this test made under the system temp dir
    if let Some(root) = dir.parent() {
        if root
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("panel-demo-"))
        {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}
