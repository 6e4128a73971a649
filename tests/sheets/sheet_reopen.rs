//! The chair's reopen: chair database, reopen note, the expert applying it once, and the
//! next merge recording the values after.

use crate::sheet_common;

use panel::sheet;
use panel::store::{AppStatus, Op};
use sheet_common::*;

#[test]
fn reopen_round_trip() {
    let tp = test_panel(&["E02"]);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    let a = apps[1].clone();
    let mut e2 = tp.expert_store("E02");
    let set = score_app(&mut e2, &view, "E02", &a, 4, AppStatus::Submitted);
    let f1 = tp.export(&mut e2, "E02", "E02-1.sheet.json");
    let mut chair = tp.chair_store();
    sheet::merge_sheet_view(&view, &mut chair, &f1).unwrap();

    // refusals change nothing
    let before = snapshot(&chair);
    for (e, app, reason, needle) in [
        ("E02", a.as_str(), "  ", "needs a reason"),
        ("E09", a.as_str(), "x", "not in the roster"),
        ("E02", "T24-999", "x", "not in panel"),
        // E01 has no status for `a`: nothing to hand back, nothing recorded
        (
            "E01",
            a.as_str(),
            "x",
            "nothing to reopen: E01 has not submitted",
        ),
        // E02's sheet has apps[0] as a draft: still the expert's to finish
        (
            "E02",
            apps[0].as_str(),
            "x",
            "nothing to reopen: E02 has not submitted",
        ),
    ] {
        let err = sheet::reopen_view(&view, &mut chair, e, app, reason).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
    assert_eq!(snapshot(&chair), before);
    assert!(sheet::pending_reopens(&tp.dir, "E02").is_empty());

    // A declared conflict is not reopened (the chair could then import scores for it).
    let c = apps[2].clone();
    chair
        .commit(vec![Op::SetStatus {
            expert: "E03".into(),
            app: c.clone(),
            status: AppStatus::Conflict,
            reason: Some("曾为申报单位提供咨询服务".into()),
        }])
        .unwrap();
    let before = snapshot(&chair);
    let err = sheet::reopen_view(&view, &mut chair, "E03", &c, "x").unwrap_err();
    for needle in [
        "E03 declared a conflict of interest (回避)",
        "曾为申报单位提供咨询服务",
        "nothing was recorded",
    ] {
        assert!(err.to_string().contains(needle), "{needle} in {err}");
    }
    assert_eq!(snapshot(&chair), before);
    assert!(sheet::pending_reopens(&tp.dir, "E03").is_empty());

    let r = sheet::reopen_view(&view, &mut chair, "E02", &a, "请复核 B1.1 的评分依据").unwrap();
    assert_eq!(r.before_status, Some(AppStatus::Submitted));
    assert_eq!(r.before["B1.1"], set["B1.1"]);
    assert_eq!(r.note, sheet::reopen_note_path(&tp.dir, "E02", &a));
    let (st, reason) = chair.status("E02", &a).unwrap();
    assert_eq!(st, AppStatus::Draft);
    assert!(reason.unwrap().contains("请复核"));
    // values stay in the chair database until the next sheet
    assert_eq!(chair.score("E02", &a, "B1.1").unwrap().value, set["B1.1"]);
    let audit = chair.audit_records();
    let ro = audit.iter().find(|x| x.kind == "reopen").unwrap();
    assert_eq!(ro.detail["app"], a.as_str());
    assert_eq!(ro.detail["before"]["B1.1"], set["B1.1"].to_string());
    assert_eq!(ro.detail["before_status"], "submitted");

    let note: serde_json::Value = serde_json::from_slice(&std::fs::read(&r.note).unwrap()).unwrap();
    assert_eq!(note["schema"], "panel-reopen/1");
    assert_eq!(note["panel"], view.id.as_str());
    assert_eq!(note["chair_seq"], r.chair_seq);

    assert!(sheet::pending_reopens(&tp.dir, "E01").is_empty());
    let pending = sheet::pending_reopens(&tp.dir, "E02");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].application, a);

    // the same reopen again: refused, nothing recorded, the note kept
    let before = snapshot(&chair);
    let note_bytes = std::fs::read(&r.note).unwrap();
    let err =
        sheet::reopen_view(&view, &mut chair, "E02", &a, "请复核 B1.1 的评分依据").unwrap_err();
    for needle in [
        "is already handed back to E02",
        "请复核 B1.1",
        "nothing was recorded",
    ] {
        assert!(err.to_string().contains(needle), "{needle} in {err}");
    }
    assert_eq!(snapshot(&chair), before);
    assert_eq!(std::fs::read(&r.note).unwrap(), note_bytes);
    // a note that could not be written is written by the same reopen run again
    std::fs::remove_file(&r.note).unwrap();
    let again = sheet::reopen_view(&view, &mut chair, "E02", &a, "请复核 B1.1 的评分依据").unwrap();
    assert!(again.note.exists());
    assert_eq!(again.before_status, Some(AppStatus::Draft));

    // the expert applies it once
    let applied = sheet::apply_reopens(&mut e2, &tp.dir, "E02").unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(e2.status("E02", &a).unwrap().0, AppStatus::Draft);
    assert!(sheet::apply_reopens(&mut e2, &tp.dir, "E02")
        .unwrap()
        .is_empty());
    assert!(e2
        .audit_records()
        .iter()
        .any(|x| x.kind == "reopen_applied"));

    // rescoring and the next merge record the values after
    let new = if set["B1.1"] == dec("0") {
        dec("1")
    } else {
        dec("0")
    };
    e2.commit(vec![
        Op::SetScore {
            expert: "E02".into(),
            app: a.clone(),
            item: "B1.1".into(),
            value: new,
            reason: None,
        },
        Op::SetStatus {
            expert: "E02".into(),
            app: a.clone(),
            status: AppStatus::Submitted,
            reason: None,
        },
    ])
    .unwrap();
    let f2 = tp.export(&mut e2, "E02", "E02-2.sheet.json");
    let m = sheet::merge_sheet_view(&view, &mut chair, &f2).unwrap();
    assert_eq!(m.changed.len(), 1);
    assert_eq!(m.changed[0].before, Some(set["B1.1"]));
    assert_eq!(m.changed[0].after, Some(new));
    assert_eq!(m.status_changes.len(), 1);
    assert_eq!(m.status_changes[0].before, Some(AppStatus::Draft));
    assert_eq!(chair.status("E02", &a), Some((AppStatus::Submitted, None)));

    // a second reopen of the same pair rewrites the note, which applies again
    sheet::reopen_view(&view, &mut chair, "E02", &a, "再次复核").unwrap();
    let applied = sheet::apply_reopens(&mut e2, &tp.dir, "E02").unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].reason, "再次复核");
}

#[test]
fn notes_of_another_panel_are_refused() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let a = view.apps.keys().next().unwrap().clone();
    let mut chair = tp.chair_store();
    chair
        .commit(vec![Op::SetStatus {
            expert: "E01".into(),
            app: a.clone(),
            status: AppStatus::Submitted,
            reason: None,
        }])
        .unwrap();
    let r = sheet::reopen_view(&view, &mut chair, "E01", &a, "复核").unwrap();
    let mut note: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&r.note).unwrap()).unwrap();
    note["panel"] = "other".into();
    std::fs::write(&r.note, serde_json::to_vec(&note).unwrap()).unwrap();
    let mut e1 = tp.expert_store("E01");
    let seq = e1.seq();
    let e = sheet::apply_reopens(&mut e1, &tp.dir, "E01").unwrap_err();
    assert!(e.to_string().contains("other"), "{e}");
    assert_eq!(e1.seq(), seq);
    // unreadable notes are skipped
    std::fs::write(&r.note, "not json").unwrap();
    assert!(sheet::pending_reopens(&tp.dir, "E01").is_empty());
}
