//! The demo panel's expert sheets, `fixtures/park-ip-trusteeship-2024/sheets/`.
//!
//! They are generated through the library, as an expert's screen would make them: each
//! expert's scores are committed to a fresh expert store (`Store` + `Op`), then exported
//! with `sheet::export_sheet`. Only the timestamps are then fixed (and the digest
//! recomputed), so that the files are reproducible; each sheet is signed with its expert's
//! demo key (`keys/`, derived from a fixed seed: signatures are required by default, and
//! the demo ships its keys so that its walkthrough signs and verifies like a real panel).
//!
//! The demo runs the expert screen as E01 with an empty database; the chair sees E02–E05:
//! - every application scored by E02, E03 and E04, and by E05 except T24-010 (a draft);
//! - E04 declares a conflict of interest on T24-005 (which keeps exactly 3 valid experts);
//! - E03 overrides a rule suggestion (T24-001 A3.2) with a reason;
//! - E02 and E03 disagree on T24-010 B1 (range 10 of 20) and E03 and E05 on T24-007 C2,
//!   so disagreement flags appear, and the trimmed mean drops values;
//! - T24-006 and T24-009 fail an eligibility gate, T24-003 requests 50 万 (cap 40),
//!   T24-002 is ranked last (the call states no pass mark); 3 are shortlisted (quota 3);
//! - gate E2b (industry direction) is decided by hand, so until it is recorded every other
//!   application is `unchecked` and the shortlist is provisional (暂定).
//!
//! Regenerate with `cargo test --test chair -- --ignored chair_demo_sheets::regenerate`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use panel::aggregate::{EligibilityStatus, Flag, ProvisionalReason, Status};
use panel::panel::Panel;
use panel::sheet::{self, MergeKind};
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use rust_decimal::Decimal;

const FIXTURE: &str = "fixtures/park-ip-trusteeship-2024";
const EXPERTS: [&str; 4] = ["E02", "E03", "E04", "E05"];

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// How good an application is, as a share of the expert items' maxima.
fn quality(code: &str) -> Decimal {
    d(match code {
        "T24-001" => "0.86",
        "T24-002" => "0.55",
        "T24-003" => "0.80",
        "T24-004" => "0.35",
        "T24-005" => "0.69",
        "T24-006" => "0.74",
        "T24-007" => "0.64",
        "T24-008" => "0.60",
        "T24-009" => "0.58",
        _ => "0.88",
    })
}

/// How generous an expert is.
fn lean(expert: &str) -> Decimal {
    d(match expert {
        "E02" => "0.06",
        "E03" => "-0.08",
        "E05" => "0.03",
        _ => "0",
    })
}

/// A small deterministic wobble in [-0.10, 0.10] per (expert, application, item).
fn wobble(expert: &str, app: &str, item: &str) -> Decimal {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in expert.bytes().chain(app.bytes()).chain(item.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Decimal::from((h % 21) as i64 - 10) / Decimal::from(100)
}

/// `max × share`, to the expert step 0.5, within [0, max].
fn value(max: Decimal, share: Decimal) -> Decimal {
    let v = (max * share * Decimal::TWO).round() / Decimal::TWO;
    v.clamp(Decimal::ZERO, max).normalize()
}

/// The written opinion (专家评审意见, required by the rubric) of `expert` on `code`: by the
/// application's quality as this expert sees it, with one remark picked per pair.
fn opinion(expert: &str, code: &str) -> String {
    let q = quality(code) + lean(expert);
    let verdict = if q >= d("0.8") {
        "托管方案完整，绩效目标量化明确，服务机构分工清楚，配套经费落实，建议予以支持。"
    } else if q >= d("0.62") {
        "托管工作内容基本完整，绩效目标可考核，但特色服务和经费测算依据有待加强，建议完善后支持。"
    } else if q >= d("0.5") {
        "方案较为笼统，绩效目标与工作内容对应不足，预算测算依据不充分，建议谨慎支持。"
    } else {
        "申报材料不够完整，托管服务与园区企业需求结合不紧，绩效目标偏低，不建议支持。"
    };
    const REMARKS: [&str; 4] = [
        "园区企业入托意愿调研较为扎实。",
        "服务机构以往托管经验可作参考。",
        "建议进一步明确年度考核节点。",
        "培训安排可增加面向中小企业的实务内容。",
    ];
    let pick = (wobble(expert, code, "opinion") * Decimal::from(100))
        .round()
        .abs()
        .normalize();
    let pick: usize = pick.to_string().parse::<usize>().unwrap() % REMARKS.len();
    format!("{verdict}{}", REMARKS[pick])
}

/// Values set by hand: (expert, application, item) → value.
fn fixed() -> BTreeMap<(&'static str, &'static str, &'static str), Decimal> {
    let mut m = BTreeMap::new();
    // T24-010 B1: E02 generous, E03 strict
    for (e, a, i, v) in [
        ("E02", "T24-010", "B1.1", "9"),
        ("E02", "T24-010", "B1.2", "4.5"),
        ("E02", "T24-010", "B1.3", "4.5"),
        ("E03", "T24-010", "B1.1", "4"),
        ("E03", "T24-010", "B1.2", "2"),
        ("E03", "T24-010", "B1.3", "2"),
        // T24-007 C2 (C2.2 is a rule item worth 5): E05 full marks, E03 almost nothing
        ("E05", "T24-007", "C2.1", "5"),
        ("E03", "T24-007", "C2.1", "0.5"),
    ] {
        m.insert((e, a, i), d(v));
    }
    m
}

/// The ops of one expert: every application of the panel.
fn ops_for(panel: &Panel, expert: &str) -> Vec<Op> {
    let r = &panel.rubric.rubric;
    let fixed = fixed();
    let mut ops = Vec::new();
    for b in &panel.bundles {
        let code = b.bundle.code.as_str();
        if expert == "E04" && code == "T24-005" {
            ops.push(Op::SetStatus {
                expert: expert.into(),
                app: code.into(),
                status: AppStatus::Conflict,
                reason: Some("本人近三年曾为该园区管理公司提供知识产权咨询服务，申请回避。".into()),
            });
            continue;
        }
        let draft = expert == "E05" && code == "T24-010";
        for (_, _, it) in r.items() {
            if !it.is_expert() {
                continue;
            }
            if draft && !["A2.1", "A3.1", "B1.1"].contains(&it.id.as_str()) {
                continue;
            }
            let v = match fixed.get(&(expert, code, it.id.as_str())) {
                Some(v) => *v,
                None => value(
                    it.max(),
                    quality(code) + lean(expert) + wobble(expert, code, &it.id),
                ),
            };
            ops.push(Op::SetScore {
                expert: expert.into(),
                app: code.into(),
                item: it.id.clone(),
                value: v,
                reason: None,
            });
        }
        if !draft {
            ops.push(Op::SetComment {
                expert: expert.into(),
                app: code.into(),
                item: panel::store::OPINION_ITEM.into(),
                text: opinion(expert, code),
            });
            ops.push(Op::SetStatus {
                expert: expert.into(),
                app: code.into(),
                status: AppStatus::Submitted,
                reason: None,
            });
        }
    }
    // an override of a rule suggestion, with its reason
    if expert == "E03" {
        ops.push(Op::SetScore {
            expert: expert.into(),
            app: "T24-001".into(),
            item: "A3.2".into(),
            value: d("4"),
            reason: Some(
                "30件PCT申请中有5件为同一发明的同族申请，按25件计，建议分5分调整为4分。".into(),
            ),
        });
    }
    // comments
    let comment = |app: &str, item: &str, text: &str| Op::SetComment {
        expert: expert.into(),
        app: app.into(),
        item: item.into(),
        text: text.into(),
    };
    match expert {
        "E02" => {
            ops.push(comment(
                "T24-001",
                "",
                "托管方案具体，目标量化清晰，服务机构协作机制成熟。",
            ));
            ops.push(comment(
                "T24-010",
                "B1.1",
                "工作内容覆盖调研、入托、运营、培训全链条，安排合理。",
            ));
        }
        "E03" => {
            ops.push(comment(
                "T24-010",
                "B1.1",
                "工作内容与往年托管项目重复较多，缺少针对生物医药企业的特色服务。",
            ));
            ops.push(comment(
                "T24-007",
                "C2.1",
                "预算中运营服务费占比过高，培训经费测算依据不足。",
            ));
        }
        "E05" => ops.push(comment(
            "T24-007",
            "C2.1",
            "经费预算编制规范，自筹资金来源明确。",
        )),
        _ => {}
    }
    ops
}

/// The demo key of an expert: the secret is sha256 of a fixed phrase (a demo, not a secret).
fn demo_key(expert: &str) -> ed25519_dalek::SigningKey {
    use sha2::Digest;
    let seed: [u8; 32] = sha2::Sha256::digest(format!("panel demo key {expert}")).into();
    ed25519_dalek::SigningKey::from_bytes(&seed)
}

const ALL_EXPERTS: [&str; 5] = ["E01", "E02", "E03", "E04", "E05"];

/// The demo panel's key files (`keys/<E>.ed25519`, `keys/<E>.ed25519.pub`) and panel.json
/// with every expert's public key, as (relative path, bytes).
fn key_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let cfg_path = fixture().join("panel.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    for e in ALL_EXPERTS {
        let k = demo_key(e);
        let public = sheet::keys::public_key_string(&k.verifying_key());
        out.push((
            format!("keys/{e}.ed25519"),
            format!("{}\n", hex::encode(k.to_bytes())).into_bytes(),
        ));
        out.push((
            format!("keys/{e}.ed25519.pub"),
            format!("{public}\n").into_bytes(),
        ));
        for x in cfg["experts"].as_array_mut().unwrap() {
            if x["id"] == e {
                x["public_key"] = public.clone().into();
            }
        }
    }
    out.push((
        "panel.json".into(),
        (serde_json::to_string_pretty(&cfg).unwrap() + "\n").into_bytes(),
    ));
    out
}

/// The sheets and their signatures, as (file name, bytes).
fn build() -> Vec<(String, Vec<u8>)> {
    let panel = Panel::open(&fixture()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut out = Vec::new();
    for (k, expert) in EXPERTS.iter().enumerate() {
        let ident = StoreIdentity {
            panel_id: panel.config.id.clone(),
            rubric_sha256: panel.rubric.sha256.clone(),
            role: panel::role::Role::expert(*expert),
        };
        let (mut store, _) = Store::open(&tmp.path().join(expert), &ident).unwrap();
        store.commit(ops_for(&panel, expert)).unwrap();
        let key = demo_key(expert);
        let (bytes, sig) = sheet::export_sheet(&panel, &mut store, expert, Some(&key)).unwrap();
        assert!(sig.is_some());
        // fixed timestamps, so that the files are reproducible
        let mut sh: sheet::Sheet = serde_json::from_slice(&bytes).unwrap();
        sh.exported_at = format!("2024-07-{:02}T18:00:00.000Z", 15 + k);
        for (i, a) in sh.applications.iter_mut().enumerate() {
            if a.updated_at.is_some() {
                a.updated_at = Some(format!(
                    "2024-07-{:02}T{:02}:{:02}:00.000Z",
                    10 + k,
                    9 + i / 2,
                    (i % 2) * 30 + 5
                ));
            }
        }
        sh.digest = sh.compute_digest();
        let bytes = sh.to_file_bytes();
        let sig = sheet::keys::sign(&bytes, &key);
        out.push((format!("{expert}.sheet.json"), bytes));
        out.push((format!("{expert}.sheet.json.sig"), sig.into_bytes()));
    }
    out
}

#[test]
#[ignore = "writes the fixture files; run explicitly to regenerate them"]
fn regenerate() {
    for (rel, bytes) in key_files() {
        let path = fixture().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let dir = fixture().join("sheets");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in build() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

#[test]
fn committed_sheets_are_current() {
    for (rel, bytes) in key_files() {
        let on_disk = std::fs::read(fixture().join(&rel)).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "{rel} is out of date; regenerate with \
             `cargo test --test chair -- --ignored chair_demo_sheets::regenerate`"
        );
    }
    let dir = fixture().join("sheets");
    for (name, bytes) in build() {
        let on_disk = std::fs::read(dir.join(&name)).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "{name} is out of date; regenerate with \
             `cargo test --test chair -- --ignored chair_demo_sheets::regenerate`"
        );
    }
    // and they are embedded in the binary for `panel demo`
    let names: Vec<&str> = panel::panel::DEMO_FILES.iter().map(|(n, _)| *n).collect();
    for e in EXPERTS {
        assert!(
            names.contains(&format!("sheets/{e}.sheet.json").as_str()),
            "{names:?}"
        );
    }
}

/// The demo panel with its sheets merged into a fresh chair database.
fn merged() -> (tempfile::TempDir, Panel, Store, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    panel::panel::materialize_demo(&dir).unwrap();
    let panel = Panel::open(&dir).unwrap();
    let db = tmp.path().join("chair");
    let (mut store, _) = Store::open(&db, &panel::commands::chair::identity(&panel)).unwrap();
    for e in EXPERTS {
        let r = sheet::merge_sheet(&panel, &mut store, &sheet::sheet_path(&dir, e)).unwrap();
        assert!(
            matches!(r.kind, MergeKind::Merged { .. }),
            "{e}: {:?}",
            r.kind
        );
    }
    (tmp, panel, store, db)
}

#[test]
fn demo_sheets_give_the_demo_outcome() {
    let (_tmp, panel, store, db) = merged();
    let rep = panel::report::build_from_store(&panel, &store, &db, &Default::default()).unwrap();
    let r = &rep.results;
    let app = |c: &str| r.app(c).unwrap();
    // eligibility
    // T24-004 (team of 4, self-funding 10 of 40) and T24-008 (16 of 40) fail the call's
    // requirements (gates E6 and E7).
    for c in ["T24-004", "T24-006", "T24-008", "T24-009"] {
        assert_eq!(app(c).status, Status::Ineligible, "{c}");
    }
    // No pass mark: T24-002 (55.23) is ranked, last, and not shortlisted.
    assert_eq!(app("T24-002").status, Status::Ranked);
    assert!(!app("T24-002").shortlisted);
    assert_eq!(rep.settings.threshold, None);
    // quorum with a conflict and a draft: still 3 valid experts
    assert_eq!(app("T24-005").experts, 3);
    assert_eq!(app("T24-010").experts, 3);
    assert!(r
        .applications
        .iter()
        .all(|a| a.status != Status::Incomplete));
    // the shortlist: quota 3, the over-cap request cut to 40
    let short: Vec<&str> = r.shortlist().map(|a| a.id.as_str()).collect();
    assert_eq!(short.len(), 3, "{short:?}");
    assert!(short.contains(&"T24-003"), "{short:?}");
    assert_eq!(app("T24-003").funding_wan, Some(d("40")));
    assert_eq!(rep.requested_wan.get("T24-003"), Some(&d("50")));
    assert_eq!(r.budget_used_wan, Some(d("120")));
    assert!(
        r.applications
            .iter()
            .filter(|a| a.status == Status::Ranked)
            .count()
            >= 5
    );
    // disagreement flags
    assert!(app("T24-010")
        .flags
        .contains(&Flag::Disagreement("B1".into())));
    assert!(app("T24-007")
        .flags
        .contains(&Flag::Disagreement("C2".into())));
    // the override with its reason, the conflict with its reason
    let ov = store.score("E03", "T24-001", "A3.2").unwrap();
    assert_eq!(ov.value, d("4"));
    assert!(ov.reason.unwrap().contains("同族"));
    let (st, reason) = store.status("E04", "T24-005").unwrap();
    assert_eq!(st, AppStatus::Conflict);
    assert!(reason.unwrap().contains("回避"));
    assert_eq!(store.status("E05", "T24-010").unwrap().0, AppStatus::Draft);
    // the trimmed mean drops values
    let o = panel::results_input::Overrides {
        method: Some(panel::aggregate::Method::Trimmed),
        ..Default::default()
    };
    let t = panel::report::build_from_store(&panel, &store, &db, &o).unwrap();
    assert!(!t.results.app("T24-001").unwrap().dropped.is_empty());
    // provisional: the three shortlisted applications have gates E2b and E3b undecided, and
    // the reasons name them
    let want: Vec<ProvisionalReason> = short
        .iter()
        .map(|c| ProvisionalReason::Unchecked {
            application: c.to_string(),
            shortlisted: true,
            gates: vec!["E2b".into(), "E3b".into()],
        })
        .collect();
    assert_eq!(r.provisional, want);
    assert!(
        r.provisional[0]
            .zh()
            .ends_with("已入围，但资格尚未核验完毕（申报条件E2b、E3b未判定）"),
        "{}",
        r.provisional[0].zh()
    );
    for c in &short {
        assert_eq!(app(c).eligibility, EligibilityStatus::Unchecked, "{c}");
    }
}

/// The case: two strong applications lack the quorum (here: quorum 4, so T24-005
/// and T24-010 with 3 valid experts each), drop to `incomplete`, and a weaker one (T24-007)
/// takes their place; the shortlist says it is provisional, naming both with their best
/// possible total against the cut.
#[test]
fn incomplete_strong_applications_make_the_shortlist_provisional() {
    let (_tmp, panel, store, db) = merged();
    let o = panel::results_input::Overrides {
        quorum: Some(4),
        ..Default::default()
    };
    let rep = panel::report::build_from_store(&panel, &store, &db, &o).unwrap();
    let r = &rep.results;
    for c in ["T24-005", "T24-010"] {
        assert_eq!(r.app(c).unwrap().status, Status::Incomplete, "{c}");
    }
    let short: Vec<&str> = r.shortlist().map(|a| a.id.as_str()).collect();
    assert_eq!(short, ["T24-001", "T24-003", "T24-007"]);
    let cut = r.app("T24-007").unwrap().total.unwrap();
    let incomplete: Vec<(&str, Decimal, Option<Decimal>)> = r
        .provisional
        .iter()
        .filter_map(|p| match p {
            ProvisionalReason::Incomplete {
                application,
                best,
                cut,
                experts,
                quorum,
            } => {
                assert_eq!((*experts, *quorum), (3, 4));
                Some((application.as_str(), *best, *cut))
            }
            _ => None,
        })
        .collect();
    // best = (Σ three expert totals + 1 × 100) / 4, each ≥ the cut.
    let best = |c: &str| {
        let a = r.app(c).unwrap();
        let sum: Decimal = a.expert_totals.values().copied().sum();
        ((sum + d("100")) / d("4")).round_dp(2)
    };
    assert_eq!(
        incomplete,
        vec![
            ("T24-005", best("T24-005"), Some(cut)),
            ("T24-010", best("T24-010"), Some(cut)),
        ]
    );
    assert!(best("T24-005") >= cut && best("T24-010") >= cut);
    // Every output says so.
    let json = String::from_utf8(rep.render(panel::export::Format::Json, None).unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["provisional"], true);
    let kinds: Vec<&str> = v["provisional_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"incomplete") && kinds.contains(&"unchecked"),
        "{kinds:?}"
    );
    let md =
        String::from_utf8(rep.render(panel::export::Format::SummaryMd, None).unwrap()).unwrap();
    assert!(md.contains("评审汇总表（暂定）\n"), "{md}");
    assert!(md.contains("T24-010有效评分不足（3/4份）"), "{md}");
}

#[test]
#[ignore = "prints the demo outcome for tuning the generator"]
fn print_outcome() {
    let (_tmp, panel, store, db) = merged();
    for m in ["mean", "trimmed", "median", "normalized"] {
        for by in ["total", "criterion"] {
            let o = panel::results_input::Overrides {
                method: Some(m.parse().unwrap()),
                by: Some(by.parse().unwrap()),
                ..Default::default()
            };
            let rep = panel::report::build_from_store(&panel, &store, &db, &o).unwrap();
            println!("== {m} {by}");
            for a in &rep.results.applications {
                println!(
                    "{:?} {} {} {:?} cal {:?} p {:?} n {} {} {:?} {:?}",
                    a.rank,
                    a.id,
                    a.status,
                    a.total.map(|t| t.to_string()),
                    a.calibrated_total.map(|t| t.to_string()),
                    a.p_shortlist,
                    a.experts,
                    a.shortlisted,
                    a.funding_wan.map(|t| t.to_string()),
                    a.flags
                );
            }
        }
    }
}
