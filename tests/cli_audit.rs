//! `panel audit verify`: an intact journal passes, an edited one names the line.

use assert_cmd::Command;
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use predicates::prelude::*;
use rust_decimal::Decimal;

#[test]
fn audit_verify_intact_and_tampered() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let id = StoreIdentity {
        panel_id: "p".into(),
        rubric_sha256: "0".repeat(64),
        role: "expert:E01".into(),
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
