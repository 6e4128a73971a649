//! Round trip: three experts score the panel through the library, export signed sheets, the
//! chair merges them, and every value, reason, comment and status arrives exactly. A newer
//! revision replaces the older one and the audit log records both.

use crate::sheet_common;

use std::collections::BTreeMap;

use panel::sheet::{self, CommentChange, CommentChangeKind, MergeKind, SignatureState};
use panel::store::{AppStatus, Op, Store, OPINION_ITEM};
use sheet_common::*;

/// What the chair must hold for `expert` after merging the expert's sheet: the expert's
/// stored values, plus the computed suggestion of untouched rule items of submitted
/// applications; nothing for conflicted applications.
fn expected_scores(
    tp: &TestPanel,
    store: &Store,
    expert: &str,
) -> BTreeMap<(String, String), (String, Option<String>)> {
    let view = tp.view();
    let mut out = BTreeMap::new();
    for (app, item, e) in store.scores_for(expert) {
        if store.status(expert, &app).map(|s| s.0) == Some(AppStatus::Conflict) {
            continue;
        }
        out.insert((app, item), (e.value.to_string(), e.reason));
    }
    for (app, info) in &view.apps {
        if store.status(expert, app).map(|s| s.0) == Some(AppStatus::Submitted) {
            for (item, s) in &info.suggestions {
                out.entry((app.clone(), item.clone()))
                    .or_insert((s.to_string(), None));
            }
        }
    }
    out
}

fn chair_scores(
    chair: &Store,
    expert: &str,
) -> BTreeMap<(String, String), (String, Option<String>)> {
    chair
        .scores_for(expert)
        .into_iter()
        .map(|(a, i, e)| ((a, i), (e.value.to_string(), e.reason)))
        .collect()
}

#[test]
fn three_experts_round_trip_exactly() {
    let tp = test_panel(&EXPERTS);
    let view = tp.view();
    let apps: Vec<String> = view.apps.keys().cloned().collect();
    assert!(apps.len() >= 3, "{apps:?}");
    let mut stores: Vec<Store> = EXPERTS.iter().map(|e| tp.expert_store(e)).collect();

    // E01 submits everything.
    for (i, a) in apps.iter().enumerate() {
        score_app(
            &mut stores[0],
            &view,
            "E01",
            a,
            i as u64,
            AppStatus::Submitted,
        );
    }
    // E02: a conflict (with a reason) on the first application, the rest submitted, with an
    // override (with its reason) of a rule item and values written with trailing zeros.
    stores[1]
        .commit(vec![
            Op::SetStatus {
                expert: "E02".into(),
                app: apps[0].clone(),
                status: AppStatus::Conflict,
                reason: Some("曾为该园区提供咨询服务".into()),
            },
            Op::SetComment {
                expert: "E02".into(),
                app: apps[0].clone(),
                item: String::new(),
                text: "回避".into(),
            },
        ])
        .unwrap();
    for (i, a) in apps.iter().enumerate().skip(1) {
        score_app(
            &mut stores[1],
            &view,
            "E02",
            a,
            40 + i as u64,
            AppStatus::Submitted,
        );
    }
    let (rule_item, sugg) = view.apps[&apps[1]]
        .suggestions
        .iter()
        .find(|(_, v)| **v > dec("0"))
        .map(|(k, v)| (k.clone(), *v))
        .unwrap();
    let overridden = if sugg >= dec("1") {
        sugg - dec("1")
    } else {
        dec("0")
    };
    let b11 = view.rubric.rubric.item("B1.1").unwrap().2.max();
    assert!(b11 >= dec("4.5"));
    stores[1]
        .commit(vec![
            Op::SetScore {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: rule_item.clone(),
                value: overridden,
                reason: Some("托管协议数量核实后不足".into()),
            },
            Op::SetScore {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: "B1.1".into(),
                value: dec("4.50"),
                reason: None,
            },
            Op::SetComment {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: "B1.1".into(),
                text: "方案具体，\"可行\"；措施到位\n第二行".into(),
            },
        ])
        .unwrap();
    // E03: one submitted, one draft with partial values and an item comment only, the rest
    // untouched.
    score_app(
        &mut stores[2],
        &view,
        "E03",
        &apps[0],
        3,
        AppStatus::Submitted,
    );
    stores[2]
        .commit(vec![
            Op::SetScore {
                expert: "E03".into(),
                app: apps[1].clone(),
                item: "B1.2".into(),
                value: dec("2.5"),
                reason: None,
            },
            Op::SetComment {
                expert: "E03".into(),
                app: apps[1].clone(),
                item: "C1.2".into(),
                text: "待核实".into(),
            },
            Op::SetStatus {
                expert: "E03".into(),
                app: apps[1].clone(),
                status: AppStatus::Draft,
                reason: None,
            },
        ])
        .unwrap();

    let files: Vec<_> = EXPERTS
        .iter()
        .zip(stores.iter_mut())
        .map(|(e, s)| tp.export(s, e, &format!("{e}.sheet.json")))
        .collect();
    for f in &files {
        assert!(sheet::sig_path(f).is_file());
    }

    let mut chair = tp.chair_store();
    for f in &files {
        let r = sheet::merge_sheet_view(&view, &mut chair, f).unwrap();
        assert!(matches!(r.kind, MergeKind::Merged { .. }));
        assert_eq!(r.signature, SignatureState::Verified);
        assert_eq!(r.replaced_seq, None);
    }

    for (e, s) in EXPERTS.iter().zip(stores.iter()) {
        let want = expected_scores(&tp, s, e);
        assert!(!want.is_empty());
        assert_eq!(chair_scores(&chair, e), want, "scores of {e}");
        // comments: all of them, except item comments of conflicted applications
        let want_comments: Vec<_> = s
            .comments_for(e)
            .into_iter()
            .filter(|(a, i, _)| {
                i.is_empty() || s.status(e, a).map(|x| x.0) != Some(AppStatus::Conflict)
            })
            .collect();
        assert_eq!(chair.comments_for(e), want_comments, "comments of {e}");
        // statuses: every application listed; untouched ones as drafts
        for a in &apps {
            let want = s.status(e, a).unwrap_or((AppStatus::Draft, None));
            assert_eq!(chair.status(e, a), Some(want), "status of {e} {a}");
        }
    }
    // exact decimal text and the override reason
    assert_eq!(
        chair
            .score("E02", &apps[1], "B1.1")
            .unwrap()
            .value
            .to_string(),
        "4.50"
    );
    let o = chair.score("E02", &apps[1], &rule_item).unwrap();
    assert_eq!(o.value, overridden);
    assert_eq!(o.reason.as_deref(), Some("托管协议数量核实后不足"));
    assert!(chair
        .scores_for("E02")
        .iter()
        .all(|(a, _, _)| a != &apps[0]));
    assert_eq!(
        chair.status("E02", &apps[0]),
        Some((AppStatus::Conflict, Some("曾为该园区提供咨询服务".into())))
    );
    assert_eq!(
        chair.comment("E02", &apps[1], "B1.1").as_deref(),
        Some("方案具体，\"可行\"；措施到位\n第二行")
    );

    // A newer revision of E02: one value changed, one comment removed.
    stores[1]
        .commit(vec![
            Op::SetScore {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: "B1.1".into(),
                value: dec("3"),
                reason: None,
            },
            Op::SetComment {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: "B1.1".into(),
                text: String::new(),
            },
        ])
        .unwrap();
    let f2 = tp.export(&mut stores[1], "E02", "E02-2.sheet.json");
    let r = sheet::merge_sheet_view(&view, &mut chair, &f2).unwrap();
    assert_eq!(r.replaced_seq, Some(1));
    assert_eq!(r.seq, 2);
    assert_eq!(r.changed.len(), 1, "{:?}", r.changed);
    assert_eq!(r.changed[0].before, Some(dec("4.50")));
    assert_eq!(r.changed[0].after, Some(dec("3")));
    assert_eq!(
        r.comment_changes,
        vec![CommentChange {
            app: apps[1].clone(),
            item: "B1.1".into(),
            kind: CommentChangeKind::Removed,
        }]
    );
    assert_eq!(
        chair_scores(&chair, "E02"),
        expected_scores(&tp, &stores[1], "E02")
    );
    assert_eq!(chair.comment("E02", &apps[1], "B1.1"), None);

    // the audit log records both revisions of E02
    let merges: Vec<_> = chair
        .audit_records()
        .into_iter()
        .filter(|a| a.kind == "merge" && a.detail["expert"] == "E02")
        .collect();
    assert_eq!(merges.len(), 2);
    assert_eq!(merges[0].detail["seq"], 1);
    assert_eq!(merges[0].detail["replaced_seq"], serde_json::Value::Null);
    assert_eq!(merges[1].detail["seq"], 2);
    assert_eq!(merges[1].detail["replaced_seq"], 1);
    assert_eq!(merges[1].detail["sheet"], "E02-2.sheet.json");
    assert_eq!(merges[1].detail["changed"][0]["before"], "4.50");
    assert_eq!(merges[1].detail["changed"][0]["after"], "3");
    assert_eq!(
        merges[1].detail["comments_changed"],
        serde_json::json!([{"app": apps[1], "item": "B1.1", "change": "removed"}])
    );
    assert_eq!(
        chair.meta(&sheet::merged_meta_key("E02")).unwrap(),
        format!("{{\"seq\":2,\"sha256\":\"{}\"}}", r.sha256)
    );

    // merging everything again changes nothing
    let before = snapshot(&chair);
    for f in [&files[0], &files[2], &f2] {
        let r = sheet::merge_sheet_view(&view, &mut chair, f).unwrap();
        assert_eq!(r.kind, MergeKind::AlreadyMerged);
    }
    assert_eq!(snapshot(&chair), before);

    // A revision that only writes the opinion and rewords an application comment: no value
    // changed, and the merge says what did.
    let kind_for = |item: &str| match chair.comment("E02", &apps[1], item) {
        Some(_) => CommentChangeKind::Changed,
        None => CommentChangeKind::Added,
    };
    let (app_comment, opinion) = (kind_for(""), kind_for(OPINION_ITEM));
    stores[1]
        .commit(vec![
            Op::SetComment {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: OPINION_ITEM.into(),
                text: "目标明确，措施具体可行，托管服务团队经验丰富，同意推荐。".into(),
            },
            Op::SetComment {
                expert: "E02".into(),
                app: apps[1].clone(),
                item: String::new(),
                text: "整体可行（修改后）".into(),
            },
        ])
        .unwrap();
    let f3 = tp.export(&mut stores[1], "E02", "E02-3.sheet.json");
    let r = sheet::merge_sheet_view(&view, &mut chair, &f3).unwrap();
    assert!(r.changed.is_empty() && r.status_changes.is_empty(), "{r:?}");
    assert_eq!(
        r.comment_changes,
        vec![
            CommentChange {
                app: apps[1].clone(),
                item: String::new(),
                kind: app_comment,
            },
            CommentChange {
                app: apps[1].clone(),
                item: OPINION_ITEM.into(),
                kind: opinion,
            },
        ]
    );
    assert_eq!(
        chair.comment("E02", &apps[1], OPINION_ITEM).as_deref(),
        Some("目标明确，措施具体可行，托管服务团队经验丰富，同意推荐。")
    );
}

#[test]
fn export_chain_and_autosave() {
    let tp = test_panel(&["E01"]);
    let view = tp.view();
    let app = view.apps.keys().next().unwrap().clone();
    let mut s = tp.expert_store("E01");
    score_app(&mut s, &view, "E01", &app, 1, AppStatus::Submitted);
    let p = sheet::autosave_view(&view, &mut s, "E01", Some(&tp.key_dir)).unwrap();
    assert_eq!(p, tp.dir.join("sheets").join("E01.sheet.json"));
    assert!(sheet::sig_path(&p).is_file());
    let first = std::fs::read(&p).unwrap();
    let p2 = sheet::autosave_view(&view, &mut s, "E01", Some(&tp.key_dir)).unwrap();
    let second: sheet::Sheet = serde_json::from_slice(&std::fs::read(&p2).unwrap()).unwrap();
    assert_eq!(second.seq, 2);
    use sha2::Digest;
    assert_eq!(
        second.prev_sha256.unwrap(),
        hex::encode(sha2::Sha256::digest(&first))
    );
    assert_eq!(s.meta(sheet::META_EXPORT_SEQ).as_deref(), Some("2"));
    // no temp files left behind
    let names: Vec<String> = std::fs::read_dir(tp.dir.join("sheets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    // an expert without a key: unsigned, and a stale .sig is removed
    let mut s3 = tp.expert_store("E03");
    std::fs::write(tp.dir.join("sheets").join("E03.sheet.json.sig"), "stale").unwrap();
    let p3 = sheet::autosave_view(&view, &mut s3, "E03", Some(&tp.key_dir)).unwrap();
    assert!(!sheet::sig_path(&p3).exists());
    // a database of another expert is refused
    let e = sheet::export_sheet_view(&view, &mut s3, "E02", None).unwrap_err();
    assert!(e.to_string().contains("belongs to expert:E03"), "{e}");
    // an expert outside the roster is refused
    let e = sheet::export_sheet_view(&view, &mut s3, "E77", None).unwrap_err();
    assert!(e.to_string().contains("not in the roster"), "{e}");
}

#[test]
fn export_refuses_what_the_chair_would_refuse() {
    let tp = test_panel(&[]);
    let view = tp.view();
    let app = view.apps.keys().next().unwrap().clone();
    let mut s = tp.expert_store("E01");
    // submitted with a single value: incomplete
    s.commit(vec![
        Op::SetScore {
            expert: "E01".into(),
            app: app.clone(),
            item: "B1.1".into(),
            value: dec("3"),
            reason: None,
        },
        Op::SetStatus {
            expert: "E01".into(),
            app: app.clone(),
            status: AppStatus::Submitted,
            reason: None,
        },
    ])
    .unwrap();
    let e = sheet::export_sheet_view(&view, &mut s, "E01", None).unwrap_err();
    assert_eq!(e.refusal(), Some(sheet::Refusal::Incomplete), "{e}");
    assert!(e.to_string().contains("B1.2"), "{e}");
    // nothing recorded for a failed export
    assert_eq!(s.meta(sheet::META_EXPORT_SEQ), None);
    // a conflict drops the values instead of exporting them
    s.commit(vec![Op::SetStatus {
        expert: "E01".into(),
        app: app.clone(),
        status: AppStatus::Conflict,
        reason: Some("亲属关系".into()),
    }])
    .unwrap();
    let (bytes, sig) = sheet::export_sheet_view(&view, &mut s, "E01", None).unwrap();
    assert!(sig.is_none());
    let sh: sheet::Sheet = serde_json::from_slice(&bytes).unwrap();
    let a = sh.app(&app).unwrap();
    assert!(a.items.is_empty());
    assert_eq!(a.conflict_reason.as_deref(), Some("亲属关系"));
    assert_eq!(sh.digest, sh.compute_digest());
}

/// Writes signed sheets of every roster expert into a panel made by `panel synth`, for timing
/// `panel merge` as a user would (`bench/merge.sh`): keys are generated into `<DIR>/keys`,
/// their public halves written into `panel.json` (signatures then required), and each
/// expert's sheet (the synthetic scores, conflicts as conflict applications) signed into
/// `<DIR>/sheets/<EXPERT>.sheet.json` + `.sig`. Ignored; run with
/// `PANEL_SCALE_DIR=D PANEL_SCALE_SPEC=apps,experts,criteria,per_app,seed cargo test
/// --release --test sheets write_scale_sheets -- --ignored`.
#[test]
#[ignore]
fn write_scale_sheets() {
    use panel::synth::{self, Spec};
    let (Ok(dir), Ok(spec)) = (
        std::env::var("PANEL_SCALE_DIR"),
        std::env::var("PANEL_SCALE_SPEC"),
    ) else {
        eprintln!("PANEL_SCALE_DIR / PANEL_SCALE_SPEC not set: nothing written");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let n: Vec<usize> = spec
        .split(',')
        .map(|x| x.trim().parse().expect("PANEL_SCALE_SPEC: numbers"))
        .collect();
    let spec = Spec {
        per_app: n[3],
        seed: n[4] as u64,
        ..Spec::new(n[0], n[1], n[2])
    };
    // keys, public halves into panel.json, signatures required
    let keys = dir.join("keys");
    let cfg_path = dir.join("panel.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).expect("panel.json"))
            .expect("panel.json json");
    let mut signers = Vec::new();
    for e in 0..spec.experts {
        let id = spec.expert_id(e);
        let (public, _, _) = sheet::keys::keygen(&keys, &id, true).expect("keygen");
        cfg["experts"][e]["public_key"] = sheet::keys::public_key_string(&public).into();
        signers.push(
            sheet::keys::load_signing_key(&keys, &id)
                .expect("key")
                .expect("key"),
        );
    }
    cfg.as_object_mut().expect("object").remove("signatures");
    std::fs::write(&cfg_path, serde_json::to_string_pretty(&cfg).expect("json")).expect("write");
    let p = panel::panel::Panel::open(&dir).expect("open panel");
    let view = sheet::PanelView::from_panel(&p);
    assert!(view.signatures_required);

    const TS: &str = "2026-11-23T08:00:00.000Z";
    let items: Vec<String> = (0..spec.criteria)
        .map(|c| format!("{}.1", spec.criterion_id(c)))
        .collect();
    let new_app = |a: usize, status: AppStatus| {
        let code = spec.app_code(a);
        sheet::SheetApp {
            bundle_sha256: view.apps[&code].bundle_sha256.clone(),
            code,
            status,
            conflict_reason: (status == AppStatus::Conflict).then(|| "曾为该单位提供咨询".into()),
            updated_at: Some(TS.into()),
            items: BTreeMap::new(),
            comment: None,
            opinion: None,
        }
    };
    let apps = std::cell::RefCell::new(vec![BTreeMap::new(); spec.experts]);
    synth::for_each_score(
        &spec,
        |a, e, c, h| {
            let mut apps = apps.borrow_mut();
            let app = apps[e]
                .entry(a)
                .or_insert_with(|| new_app(a, AppStatus::Submitted));
            app.items.insert(
                items[c].clone(),
                sheet::SheetItem {
                    value: Some(synth::half_points(h)),
                    reason: None,
                    comment: None,
                },
            );
        },
        |a, e| {
            apps.borrow_mut()[e].insert(a, new_app(a, AppStatus::Conflict));
        },
    );
    std::fs::create_dir_all(dir.join("sheets")).expect("sheets dir");
    for (e, m) in apps.into_inner().into_iter().enumerate() {
        let mut s = sheet::Sheet {
            schema: sheet::SHEET_SCHEMA.into(),
            panel: view.id.clone(),
            rubric: view.rubric.rubric.id.clone(),
            rubric_sha256: view.rubric.sha256.clone(),
            expert: spec.expert_id(e),
            seq: 1,
            prev_sha256: None,
            exported_at: TS.into(),
            applications: m.into_values().collect(),
            digest: String::new(),
        };
        s.digest = s.compute_digest();
        let bytes = s.to_file_bytes();
        let sig = sheet::keys::sign(&bytes, &signers[e]);
        let path = dir.join("sheets").join(format!("{}.sheet.json", s.expert));
        sheet::write_sheet_atomic(&path, &bytes, Some(&sig)).expect("write sheet");
    }
}
