//! Seed 002 tracks and formula awards (issue #13, part A).
//!
//! - A panel names its track in panel.json: the track's quota, per-award cap and track total
//!   apply, never the whole fund (第六条: 12 × 100万 → ≤ 10 shortlisted, each ≤ 80万;
//!   第十六条: Σ ≤ 50万); property test over every reviewed track.
//! - Every track's figures match the seed's words.
//! - `panel eligibility` records a person's decision on a manual gate; outputs show it.
//! - `panel awards`: 第十九条 under- and oversubscribed, 第二十一条 by grades, with
//!   hand-computed amounts.
//!
//! The fixture panels' bundles come from `fixtures/tools/gen_tracks.py`; the sheets of the two
//! reviewed panels are generated through the library (as chair_demo_sheets does):
//! `cargo test --test results -- --ignored tracks_awards::regenerate`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::files::copy_dir;
use assert_cmd::Command;
use panel::aggregate::{self, AppInfo, Eligibility, ScoreRow};
use panel::panel::Panel;
use panel::results_input::{self, Overrides};
use panel::rubric;
use panel::sheet::{self, MergeKind};
use panel::store::{AppStatus, Op, Store, StoreIdentity};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

const UNIV: &str = "fixtures/special-fund-2022-univ-ops-center";
const CIPO: &str = "fixtures/special-fund-2022-sme-cipo-training";
const LIC: &str = "fixtures/special-fund-2022-academic-license-award";
const LIC_OVER: &str = "fixtures/special-fund-2022-academic-license-award-over";
const AGT: &str = "fixtures/special-fund-2022-agency-trusteeship-award";
const EXPERTS: [&str; 3] = ["E01", "E02", "E03"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn bin() -> Command {
    Command::cargo_bin("panel").unwrap()
}

// ---------------------------------------------------------------------------------------------
// Sheets of the reviewed fixture panels
// ---------------------------------------------------------------------------------------------

/// How good an application is (share of each item's max): by its number, best last for
/// 第六条 (so that the ranking is not the id order), best first for 第十六条.
fn quality(code: &str) -> Decimal {
    let n: i64 = code.rsplit('-').next().unwrap().parse().unwrap();
    if code.starts_with("UNI") {
        // UNI-001 0.68 … UNI-012 0.90, every total ≥ 60
        d("0.66") + Decimal::from(n) * d("0.02")
    } else {
        d("0.90") - Decimal::from(n) * d("0.05")
    }
}

fn lean(expert: &str) -> Decimal {
    d(match expert {
        "E02" => "0.03",
        "E03" => "-0.02",
        _ => "0",
    })
}

fn ops_for(panel: &Panel, expert: &str) -> Vec<Op> {
    let mut ops = Vec::new();
    for b in &panel.bundles {
        let code = b.bundle.code.as_str();
        for (_, _, it) in panel.rubric.rubric.items() {
            if !it.is_expert() {
                continue;
            }
            let share = quality(code) + lean(expert);
            let v = (it.max() * share * Decimal::TWO).round() / Decimal::TWO;
            ops.push(Op::SetScore {
                expert: expert.into(),
                app: code.into(),
                item: it.id.clone(),
                value: v.clamp(Decimal::ZERO, it.max()).normalize(),
                reason: None,
            });
        }
        ops.push(Op::SetStatus {
            expert: expert.into(),
            app: code.into(),
            status: AppStatus::Submitted,
            reason: None,
        });
    }
    ops
}

fn build_sheets(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let panel = Panel::open(dir).unwrap();
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
        let (bytes, sig) = sheet::export_sheet(&panel, &mut store, expert, None).unwrap();
        assert!(sig.is_none());
        let mut sh: sheet::Sheet = serde_json::from_slice(&bytes).unwrap();
        sh.exported_at = format!("2022-12-{:02}T18:00:00.000Z", 15 + k);
        for (i, a) in sh.applications.iter_mut().enumerate() {
            if a.updated_at.is_some() {
                a.updated_at = Some(format!(
                    "2022-12-{:02}T{:02}:{:02}:00.000Z",
                    10 + k,
                    9 + i / 2,
                    (i % 2) * 30 + 5
                ));
            }
        }
        sh.digest = sh.compute_digest();
        out.push((format!("{expert}.sheet.json"), sh.to_file_bytes()));
    }
    out
}

#[test]
#[ignore = "writes the fixture files; run explicitly to regenerate them"]
fn regenerate() {
    for p in [UNIV, CIPO] {
        let dir = root().join(p).join("sheets");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in build_sheets(&root().join(p)) {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
}

#[test]
fn committed_sheets_are_current() {
    for p in [UNIV, CIPO] {
        for (name, bytes) in build_sheets(&root().join(p)) {
            let on_disk =
                std::fs::read(root().join(p).join("sheets").join(&name)).unwrap_or_default();
            assert!(
                on_disk == bytes,
                "{p}/sheets/{name} is out of date; regenerate with \
                 `cargo test --test results -- --ignored tracks_awards::regenerate`"
            );
        }
    }
}

/// A copy of fixture panel `p` with its sheets merged into a fresh chair database.
fn merged(p: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    copy_dir(&root().join(p), &dir);
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
    (tmp, dir, db)
}

fn results_json(dir: &Path, db: &Path, extra: &[&str]) -> Value {
    let out = bin()
        .arg("results")
        .arg(dir)
        .arg("--db")
        .arg(db)
        .args(["--format", "json", "--resamples", "0"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Reviewed tracks: quota, cap, track total
// ---------------------------------------------------------------------------------------------

#[test]
fn art6_twelve_universities_asking_100_wan_give_at_most_ten_of_80() {
    let (_t, dir, db) = merged(UNIV);
    let j = results_json(&dir, &db, &[]);
    assert_eq!(j["panel"]["track"]["id"], "univ-ops-center");
    assert_eq!(j["settings"]["quota"], 10);
    assert_eq!(j["settings"]["per_award_cap_wan"], 80);
    assert_eq!(
        j["settings"]["budget_wan"],
        Value::Null,
        "never the whole fund"
    );
    let apps = j["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 12);
    assert!(apps.iter().all(|a| a["status"] == "ranked"), "{apps:#?}");
    let short: Vec<&Value> = apps.iter().filter(|a| a["shortlisted"] == true).collect();
    assert_eq!(short.len(), 10);
    for a in &short {
        assert_eq!(dec(&a["funding_wan"]), d("80"), "{}", a["id"]);
    }
    // The two weakest (UNI-001, UNI-002) are out.
    let out: Vec<&str> = apps
        .iter()
        .filter(|a| a["shortlisted"] == false)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(out, ["UNI-002", "UNI-001"]);
    assert_eq!(dec(&j["budget_used_wan"]), d("800"));
    let notes = j["notes"].to_string();
    assert!(notes.contains("track univ-ops-center (第六条"), "{notes}");
}

#[test]
fn art16_the_track_total_of_50_wan_is_never_exceeded() {
    let (_t, dir, db) = merged(CIPO);
    let j = results_json(&dir, &db, &[]);
    assert_eq!(j["settings"]["budget_wan"], 50);
    assert_eq!(j["settings"]["per_award_cap_wan"], Value::Null);
    assert_eq!(j["panel"]["track"]["targets"][0], "总培养人数不少于100人");
    let apps = j["applications"].as_array().unwrap();
    let funded: Vec<(String, Decimal)> = apps
        .iter()
        .filter(|a| a["shortlisted"] == true)
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                dec(&a["funding_wan"]),
            )
        })
        .collect();
    // CIPO-001 (best) asks 30, CIPO-002 asks 25 and gets the remaining 20; the rest wait.
    assert_eq!(
        funded,
        vec![("CIPO-001".into(), d("30")), ("CIPO-002".into(), d("20"))]
    );
    let sum: Decimal = funded.iter().map(|(_, f)| *f).sum();
    assert!(sum <= d("50"));
    assert_eq!(dec(&j["budget_used_wan"]), d("50"));
    // The 评审汇总表 names the track, its total and its target.
    let out = bin()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .args(["--format", "summary-md", "--resamples", "0"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("评审赛道：第十六条 中小企业知识产权首席运营官培养；赛道总额不超过50万元；赛道目标：总培养人数不少于100人"),
        "{md}"
    );
    // The chair screen says why CIPO-002 gets 20 of its 25万: the track total, not a cap.
    let p = Panel::open(&dir).unwrap();
    let (store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
    let mut app =
        panel::tui::ChairApp::new(p, store, &db, panel::tui::i18n::Lang::En, false, (120, 40))
            .unwrap();
    app.open_details("CIPO-002");
    let detail: Vec<String> = app.detail_lines().into_iter().map(|l| l.text).collect();
    let detail = detail.join(" ");
    assert!(
        detail.contains("cut to what is left of the budget"),
        "{detail}"
    );
}

fn generic() -> rubric::Loaded {
    rubric::embedded("special-fund-2022").unwrap()
}

#[test]
fn a_panel_without_a_track_gets_no_fund_budget_and_a_note() {
    let (_t, dir, db) = merged(UNIV);
    let cfg = dir.join("panel.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&cfg).unwrap()).unwrap();
    assert!(v.as_object_mut().unwrap().remove("track").is_some());
    std::fs::write(&cfg, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let j = results_json(&dir, &db, &[]);
    assert_eq!(j["settings"]["budget_wan"], Value::Null);
    assert_eq!(j["settings"]["quota"], Value::Null);
    assert!(
        j["notes"].to_string().contains("names none"),
        "{}",
        j["notes"]
    );
}

#[test]
fn panel_json_track_errors_name_the_file() {
    let (_t, dir, _db) = merged(UNIV);
    let cfg = dir.join("panel.json");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("univ-ops-center", "nope")).unwrap();
    let e = Panel::open(&dir).unwrap_err().to_string();
    assert!(
        e.contains("panel.json") && e.contains("`nope`") && e.contains("univ-ops-center"),
        "{e}"
    );
    // A reviewed track with its own rubric needs that rubric.
    std::fs::write(&cfg, text.replace("univ-ops-center", "medical-ops-center")).unwrap();
    let e = Panel::open(&dir).unwrap_err().to_string();
    assert!(e.contains("special-fund-2022-medical-ops-center"), "{e}");
}

/// Every track's figures, against the seed's own words (seed 002). The phrase is quoted in
/// the track's notes, and the figures are read off it.
#[test]
fn every_track_matches_the_seed_text() {
    // (track, phrase of the seed, quota, quota approx, per-award cap 万, track total 万)
    type Row = (
        &'static str,
        &'static str,
        Option<usize>,
        bool,
        Option<&'static str>,
        Option<&'static str>,
    );
    let table: [Row; 22] = [
        (
            "univ-ops-center",
            "择优遴选不超过10所高校",
            Some(10),
            false,
            Some("80"),
            None,
        ),
        (
            "medical-ops-center",
            "择优遴选不超过10家",
            Some(10),
            false,
            Some("50"),
            None,
        ),
        (
            "pilot-industry-promotion-center",
            "一次性给予每家不超过50万元经费支持",
            None,
            false,
            Some("50"),
            None,
        ),
        (
            "finance-credit-center",
            "择优遴选8家左右",
            Some(8),
            true,
            Some("10"),
            None,
        ),
        (
            "finance-insurance-center",
            "择优遴选1家",
            Some(1),
            false,
            Some("30"),
            None,
        ),
        (
            "finance-guarantee-center",
            "择优遴选1家",
            Some(1),
            false,
            Some("20"),
            None,
        ),
        (
            "std-pre-filing-assessment",
            "一次性给予30万元资金奖补",
            Some(1),
            false,
            Some("30"),
            None,
        ),
        (
            "std-high-value-upgrade-spec",
            "一次性给予10万元资金奖补",
            Some(1),
            false,
            Some("10"),
            None,
        ),
        (
            "std-park-trusteeship-spec",
            "一次性给予10万元资金奖补",
            Some(1),
            false,
            Some("10"),
            None,
        ),
        (
            "yrd-integration",
            "一次性予以每家不超过25万元经费支持",
            None,
            false,
            Some("25"),
            None,
        ),
        (
            "open-license-patent-wall",
            "一次性予以每家不超过20万元经费支持",
            None,
            false,
            Some("20"),
            None,
        ),
        (
            "open-license-patent-supermarket",
            "不超过20万元经费支持",
            None,
            false,
            Some("20"),
            None,
        ),
        (
            "high-value-center",
            "择优遴选10家左右",
            Some(10),
            true,
            Some("80"),
            None,
        ),
        (
            "high-value-upgrade",
            "择优遴选15家左右",
            Some(15),
            true,
            Some("50"),
            None,
        ),
        (
            "sme-capability",
            "一次性予以每家不超过20万元经费支持",
            None,
            false,
            Some("20"),
            None,
        ),
        (
            "sme-cipo-training",
            "一次性予以不超过50万元经费支持，总培养人数不少于100人",
            None,
            false,
            None,
            Some("50"),
        ),
        (
            "innovation-award-analysis",
            "一次性予以不超过20万元经费支持",
            Some(1),
            false,
            Some("20"),
            None,
        ),
        (
            "star-market-whitepaper",
            "一次性予以不超过30万元经费支持",
            Some(1),
            false,
            Some("30"),
            None,
        ),
        (
            "academic-license-award",
            "总额不超过300万元",
            None,
            false,
            None,
            Some("300"),
        ),
        (
            "bank-pledge-award",
            "总额不超过500万元",
            None,
            false,
            None,
            Some("500"),
        ),
        (
            "agency-trusteeship-award",
            "总额不超过50万元",
            None,
            false,
            None,
            Some("50"),
        ),
        (
            "open-license-award",
            "总额不超过30万元",
            None,
            false,
            None,
            Some("30"),
        ),
    ];
    let g = generic();
    assert_eq!(g.rubric.tracks.len(), table.len());
    for (id, phrase, quota, approx, cap, total) in table {
        let t = g
            .rubric
            .tracks
            .iter()
            .find(|t| t.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!(
            t.notes.iter().any(|n| n.contains(phrase)),
            "{id}: notes lack 「{phrase}」"
        );
        assert_eq!(t.quota, quota, "{id} quota");
        assert_eq!(t.quota_approx, approx, "{id} quota_approx");
        assert_eq!(t.per_award_cap_wan, cap.map(d), "{id} cap");
        assert_eq!(t.budget_wan, total.map(d), "{id} total");
        // 「一次性给予N万元」 (第十条) is a fixed sum; 「不超过」 is a cap.
        let fixed = t
            .notes
            .iter()
            .any(|n| n.contains("一次性给予") && !n.contains("不超过"));
        assert_eq!(t.fixed_award, fixed, "{id} fixed_award");
    }
    let fixed: Vec<&str> = g
        .rubric
        .tracks
        .iter()
        .filter(|t| t.fixed_award)
        .map(|t| t.article.as_str())
        .collect();
    assert_eq!(fixed, ["第十条（一）", "第十条（二）", "第十条（三）"]);
    let rate = |id: &str| {
        let t = g.rubric.tracks.iter().find(|t| t.id == id).unwrap();
        (t.rate, t.yuan_per_unit)
    };
    assert_eq!(
        rate("academic-license-award"),
        (Some(d("1500")), Some(d("1500")))
    );
    assert_eq!(rate("bank-pledge-award"), (Some(d("0.1")), Some(d("10"))));
    assert_eq!(
        rate("open-license-award"),
        (Some(d("3000")), Some(d("3000")))
    );
    let cipo = g
        .rubric
        .tracks
        .iter()
        .find(|t| t.id == "sme-cipo-training")
        .unwrap();
    assert_eq!(cipo.targets, ["总培养人数不少于100人"]);
    // 第十五条: 「处于市级专利导航工程、高价值专利培育工程实施期间」 — 市级 covers both.
    for r in [
        g,
        rubric::embedded("special-fund-2022-sme-capability").unwrap(),
    ] {
        let t = r
            .rubric
            .tracks
            .iter()
            .find(|t| t.id == "sme-capability")
            .unwrap();
        assert!(
            t.exclusions.contains(
                &"处于市级高价值专利培育工程实施期间的企业不参与本项目遴选。".to_string()
            ),
            "{:?}",
            t.exclusions
        );
        assert!(
            !t.exclusions.iter().any(|e| e.contains("处于高价值")),
            "{:?}",
            t.exclusions
        );
    }
    let sme = rubric::embedded("special-fund-2022-sme-capability").unwrap();
    let e4 = sme
        .rubric
        .eligibility
        .iter()
        .find(|g| g.id == "E4")
        .unwrap();
    assert!(e4
        .all_of
        .iter()
        .any(|c| c.text == "不处于市级高价值专利培育工程实施期间"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// For every reviewed track: shortlisted ≤ quota, each award ≤ cap, Σ ≤ track total.
    #[test]
    fn every_track_respects_quota_cap_and_total(
        track_ix in 0usize..18,
        reqs in proptest::collection::vec(1u32..2000, 1..25),
        totals in proptest::collection::vec(60u32..=100, 25),
    ) {
        let g = generic();
        let panel_tracks: Vec<&rubric::Track> = g.rubric.tracks.iter().filter(|t| t.mode == "panel").collect();
        prop_assert_eq!(panel_tracks.len(), 18);
        let t = panel_tracks[track_ix];
        let (settings, _) = results_input::settings_for_track(&g, Some(t), &Overrides { resamples: Some(0), ..Overrides::default() }).unwrap();
        prop_assert_eq!(settings.quota, t.quota);
        let scheme = results_input::scheme_of(&g.rubric);
        let crit: Vec<(String, Decimal)> = g.rubric.criteria().map(|(_, c)| (c.id.clone(), c.max)).collect();
        let mut apps = Vec::new();
        let mut scores = Vec::new();
        for (i, r) in reqs.iter().enumerate() {
            let id = format!("A{i:02}");
            apps.push(AppInfo { id: id.clone(), eligibility: Eligibility::Eligible, requested_wan: Some(Decimal::new(i64::from(*r), 1)) });
            for e in ["E1", "E2", "E3"] {
                for (c, max) in &crit {
                    scores.push(ScoreRow::new(&id, e, c, *max * Decimal::from(totals[i]) / Decimal::from(100)));
                }
            }
        }
        let input = aggregate::Input { scheme, apps, scores, conflicts: vec![] };
        let res = aggregate::run(&input, &settings);
        let short: Vec<&aggregate::AppResult> = res.shortlist().collect();
        if let Some(q) = t.quota {
            prop_assert!(short.len() <= q, "{} shortlisted > quota {q}", short.len());
        }
        let mut sum = Decimal::ZERO;
        for a in &short {
            let f = a.funding_wan.unwrap_or_default();
            if let Some(c) = t.per_award_cap_wan {
                prop_assert!(f <= c, "{}: {f} > cap {c}", a.id);
            }
            sum += f;
        }
        if let Some(b) = t.budget_wan {
            prop_assert!(sum <= b, "Σ {sum} > total {b}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decisions on manual gates
// ---------------------------------------------------------------------------------------------

#[test]
fn a_manual_gate_decided_by_a_person_shows_in_every_output() {
    let (_t, dir, db) = merged(UNIV);
    let before = results_json(&dir, &db, &[]);
    let a = before["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "UNI-012")
        .unwrap();
    assert_eq!(
        a["eligibility"], "unchecked",
        "E2 is checked by hand: never silently eligible"
    );
    // A gate the facts decide is refused.
    let out = bin()
        .arg("eligibility")
        .arg(&dir)
        .args([
            "--application",
            "UNI-012",
            "--gate",
            "E1",
            "--pass",
            "--reason",
            "x",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("decided by the bundle's facts"));
    // --pass and --fail together is a usage error.
    let out = bin()
        .arg("eligibility")
        .arg(&dir)
        .args([
            "--application",
            "UNI-012",
            "--gate",
            "E2",
            "--pass",
            "--fail",
            "--reason",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    for (app, flag, reason) in [
        ("UNI-012", "--pass", "技术转移机构在运行，专职人员到位"),
        ("UNI-011", "--fail", "技术转移机构尚未设立，不具备运行能力"),
    ] {
        bin()
            .arg("eligibility")
            .arg(&dir)
            .args([
                "--application",
                app,
                "--gate",
                "E2",
                flag,
                "--reason",
                reason,
                "--db",
            ])
            .arg(&db)
            .assert()
            .success();
    }
    let j = results_json(&dir, &db, &[]);
    let app = |id: &str| {
        j["applications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .unwrap()
            .clone()
    };
    let a12 = app("UNI-012");
    assert_eq!(a12["decisions"][0]["decided_by"], "E01");
    assert_eq!(
        a12["decisions"][0]["reason"],
        "技术转移机构在运行，专职人员到位"
    );
    assert!(!a12["decisions"][0]["at"].as_str().unwrap().is_empty());
    let a11 = app("UNI-011");
    assert_eq!(a11["status"], "ineligible");
    assert!(
        a11["ineligible_reasons"][0]
            .as_str()
            .unwrap()
            .contains("E2经人工认定不符合"),
        "{a11}"
    );
    // UNI-002 (the best below the cut) moves up into the shortlist.
    assert_eq!(app("UNI-002")["shortlisted"], true);
    let md = bin()
        .arg("results")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .args(["--format", "summary-md", "--resamples", "0"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("E2经人工认定符合（专家一 Expert 1/E01"), "{md}");
    assert!(
        md.contains("理由：技术转移机构尚未设立，不具备运行能力"),
        "{md}"
    );
    // The chair screen's detail of UNI-012 says who decided what and when.
    let p = Panel::open(&dir).unwrap();
    let (store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
    let mut app =
        panel::tui::ChairApp::new(p, store, &db, panel::tui::i18n::Lang::En, false, (120, 40))
            .unwrap();
    app.open_details("UNI-012");
    let detail: Vec<String> = app.detail_lines().into_iter().map(|l| l.text).collect();
    let detail = detail.join("\n");
    assert!(detail.contains("E2 decided pass by E01"), "{detail}");
    assert!(detail.contains("技术转移机构在运行"), "{detail}");
}

// ---------------------------------------------------------------------------------------------
// Formula awards
// ---------------------------------------------------------------------------------------------

fn awards_json(dir: &Path, db: Option<&Path>) -> Value {
    let mut c = bin();
    c.arg("awards").arg(dir).args(["--format", "json"]);
    let tmp = tempfile::tempdir().unwrap();
    match db {
        Some(db) => c.arg("--db").arg(db),
        // An empty data directory: no chair database, no decisions.
        None => c.env("XDG_DATA_HOME", tmp.path()).env("HOME", tmp.path()),
    };
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn amounts(j: &Value) -> Vec<(String, Decimal)> {
    j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), dec(&a["award_yuan"])))
        .collect()
}

fn decide_e2(dir: &Path, db: &Path, apps: &[&str]) {
    for a in apps {
        bin()
            .arg("eligibility")
            .arg(dir)
            .args([
                "--application",
                a,
                "--gate",
                "E2",
                "--pass",
                "--reason",
                "在册，运行正常",
                "--db",
            ])
            .arg(db)
            .assert()
            .success();
    }
}

#[test]
fn art19_undersubscribed_pays_1500_per_patent() {
    let j = awards_json(&root().join(LIC), None);
    // 120, 85, 40, 12 patents × 1500元; Σ 257 × 1500 = 385500 ≤ 3000000.
    assert_eq!(
        amounts(&j),
        vec![
            ("LIC-001".into(), d("180000")),
            ("LIC-002".into(), d("127500")),
            ("LIC-003".into(), d("60000")),
            ("LIC-004".into(), d("18000")),
        ]
    );
    assert_eq!(dec(&j["awarded_yuan"]), d("385500"));
    assert_eq!(j["oversubscribed"], false);
    assert_eq!(
        j["applications"][0]["working"][1],
        "120件 × 1500元 = 180000元"
    );
    // E2 is checked by hand and not decided: provisional, said.
    assert_eq!(j["provisional"], true);
    assert_eq!(j["provisional_reasons"].as_array().unwrap().len(), 4);
}

#[test]
fn art19_oversubscribed_is_reduced_pro_rata_to_exactly_300_wan() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    copy_dir(&root().join(LIC_OVER), &dir);
    let db = tmp.path().join("chair");
    decide_e2(&dir, &db, &["LICO-001", "LICO-002", "LICO-003", "LICO-004"]);
    let j = awards_json(&dir, Some(&db));
    // Claims 900, 700, 500, 137 patents × 1500 = 1350000, 1050000, 750000, 205500 元,
    // Σ 3355500 > 3000000. Exact shares c × 3000000 / 3355500:
    //   1206973.6254, 938757.2642, 670540.9030, 183728.2074 (Σ 3000000);
    // floors Σ 2999998, the 2 元 left go to the largest remainders .9030 (LICO-003) and
    // .6254 (LICO-001).
    assert_eq!(
        amounts(&j),
        vec![
            ("LICO-001".into(), d("1206974")),
            ("LICO-002".into(), d("938757")),
            ("LICO-003".into(), d("670541")),
            ("LICO-004".into(), d("183728")),
        ]
    );
    assert_eq!(dec(&j["awarded_yuan"]), d("3000000"));
    assert_eq!(dec(&j["claimed_yuan"]), d("3355500"));
    assert_eq!(j["oversubscribed"], true);
    assert!(j["rule"].to_string().contains("按比例核减"));
    assert_eq!(j["provisional"], false, "{}", j["provisional_reasons"]);
    assert!(j["applications"][2]["working"]
        .to_string()
        .contains("最大余数加1元"));
    // CSV, Markdown and XLSX carry the same figures.
    let csv = bin()
        .arg("awards")
        .arg(&dir)
        .args(["--format", "csv", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    // As the results' CSV: a byte order mark (Excel reads the Chinese titles), CRLF.
    assert!(
        csv.starts_with(
            "\u{feff}application,title,status,units,grade,claim_yuan,award_yuan,provisional,\
             working\r\n"
        ),
        "{csv}"
    );
    assert_eq!(
        csv.matches('\n').count(),
        csv.matches("\r\n").count(),
        "{csv}"
    );
    assert!(
        csv.contains("LICO-003,") && csv.contains(",670541,false,"),
        "{csv}"
    );
    let md = bin()
        .arg("awards")
        .arg(&dir)
        .args(["--format", "md", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains("奖补金额合计：3000000元（总额3000000元，申请合计3355500元，按比例核减"),
        "{md}"
    );
    assert!(!md.contains("（暂定）"), "{md}");
    let x = tmp.path().join("a.xlsx");
    bin()
        .arg("awards")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .arg("-o")
        .arg(&x)
        .assert()
        .success();
    assert!(std::fs::read(&x).unwrap().starts_with(b"PK"));
}

/// `panel awards` checks `-o` as `panel results` does (the same check and words): an
/// extension that does not fit the format, or that no format writes, is refused with nothing
/// written; `-o -` is stdout for text and refused for the binary workbook.
#[test]
fn awards_output_files_are_checked_as_results_are() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    copy_dir(&root().join(LIC), &dir);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let run = |args: &[&str]| {
        let o = bin()
            .arg("awards")
            .arg(&dir)
            .args(args)
            .env("XDG_DATA_HOME", tmp.path())
            .env("HOME", tmp.path())
            .current_dir(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        (o.stdout, err, o.status.code().unwrap_or(-1))
    };
    for (args, want) in [
        (
            &["--format", "csv", "-o", "aw.json"][..],
            "error: -o aw.json: the extension .json does not fit --format csv (which writes \
             .csv); name the file .csv, or --format json for a .json file",
        ),
        (
            &["--format", "md", "-o", "aw2.xlsx"],
            "error: -o aw2.xlsx: the extension .xlsx does not fit --format md (which writes \
             .md); name the file .md, or --format xlsx for a .xlsx file",
        ),
        (
            &["-o", "aw3.pdf"],
            "error: -o aw3.pdf: no format of `panel awards` writes .pdf files; name the file \
             .json, .csv, .xlsx or .md, or pass --format",
        ),
        (
            &["--format", "xlsx", "-o", "-"],
            "error: --format xlsx writes a binary file, not text for a terminal or a pipe: \
             write it to a file: -o awards.xlsx",
        ),
    ] {
        let (stdout, err, code) = run(args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(err.starts_with(want), "{args:?}: {err}");
    }
    // A format awards does not write is a command-line error listing the four it does (the
    // list was the results' eight, `docx` and `summary-md` among them, for `--format pdf`).
    for args in [
        &["--format", "docx", "-o", "aw.docx"][..],
        &["--format", "summary-md"],
        &["--format", "pdf"],
    ] {
        let (stdout, err, code) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(
            err.contains(&format!("invalid value '{}' for '--format", args[1]))
                && err.contains("for panel awards: expected one of json, csv, xlsx, md"),
            "{args:?}: {err}"
        );
    }
    let names: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert!(names.is_empty(), "{names:?}");
    // `-o -`: the Markdown on stdout, no file named `-`.
    let (stdout, err, code) = run(&["-o", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(String::from_utf8(stdout).unwrap().starts_with("# 第十九条"));
    assert!(!out.join("-").exists());
}

#[test]
fn art21_grades_split_the_50_wan_by_weight() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    copy_dir(&root().join(AGT), &dir);
    let db = tmp.path().join("chair");
    // Before any grade: nothing is awarded and the result says it is provisional.
    let tmpdata = tempfile::tempdir().unwrap();
    let j = bin()
        .arg("awards")
        .arg(&dir)
        .args(["--format", "json"])
        .env("XDG_DATA_HOME", tmpdata.path())
        .env("HOME", tmpdata.path())
        .output()
        .unwrap();
    let j: Value = serde_json::from_slice(&j.stdout).unwrap();
    assert_eq!(dec(&j["awarded_yuan"]), Decimal::ZERO);
    assert_eq!(j["provisional"], true);
    // A grade that the track does not list is refused.
    // `panel awards --assign APP --grade GRADE --reason REASON` on the chair database
    let assign = |app: &str, grade: &str, reason: &str| {
        bin()
            .arg("awards")
            .arg(&dir)
            .args([
                "--assign", app, "--grade", grade, "--reason", reason, "--db",
            ])
            .arg(&db)
            .output()
            .unwrap()
    };
    let out = assign("AGT-001", "特等", "x");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("一等, 二等, 三等"));
    decide_e2(&dir, &db, &["AGT-001", "AGT-002", "AGT-003", "AGT-004"]);
    for (app, grade) in [
        ("AGT-001", "三等"),
        ("AGT-002", "一等"),
        ("AGT-003", "三等"),
        ("AGT-004", "二等"),
    ] {
        let o = assign(app, grade, "按2022年度实际工作绩效");
        assert!(o.status.success(), "{o:?}");
    }
    // A later assignment supersedes: AGT-001 becomes 二等.
    let o = assign("AGT-001", "二等", "复核：促成46项");
    assert!(o.status.success(), "{o:?}");
    let j = awards_json(&dir, Some(&db));
    // Weights 2 + 3 + 1 + 2 = 8: 500000 × 2/8 = 125000, × 3/8 = 187500, × 1/8 = 62500.
    assert_eq!(
        amounts(&j),
        vec![
            ("AGT-001".into(), d("125000")),
            ("AGT-002".into(), d("187500")),
            ("AGT-003".into(), d("62500")),
            ("AGT-004".into(), d("125000")),
        ]
    );
    assert_eq!(dec(&j["awarded_yuan"]), d("500000"));
    assert_eq!(j["provisional"], false, "{}", j["provisional_reasons"]);
    let a1 = &j["applications"][0];
    assert_eq!(a1["grade"], "二等");
    let grade_decision = a1["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "grade")
        .unwrap();
    assert_eq!(grade_decision["reason"], "复核：促成46项");
    assert_eq!(
        a1["working"][0],
        "二等 权重2 ÷ 权重合计8 × 500000元 = 125000 → 125000元"
    );
    // The same assignment again writes nothing and says so.
    let journal = std::fs::read(db.join("journal.jsonl")).unwrap();
    let o = assign("AGT-001", "二等", "复核：促成46项");
    assert!(o.status.success(), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("already recorded / 已记录（未重复记录）"),
        "{o:?}"
    );
    assert_eq!(std::fs::read(db.join("journal.jsonl")).unwrap(), journal);
}

#[test]
fn awards_refuses_a_reviewed_track() {
    let out = bin().arg("awards").arg(root().join(UNIV)).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use `panel results`"));
}

/// The award table as the chair prints it: undersubscribed 第十九条, no decision yet
/// (provisional), every figure with its working.
#[test]
fn awards_markdown_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .arg("awards")
        .arg(root().join(LIC))
        .args(["--format", "md"])
        .env("XDG_DATA_HOME", tmp.path())
        .env("HOME", tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

/// A gate whose facts are missing leaves the application unchecked (never silently
/// eligible) until a person decides it.
#[test]
fn missing_facts_leave_the_gate_unchecked_until_decided() {
    let (_t, dir, db) = merged(UNIV);
    let f = dir.join("bundles/UNI-005.json");
    let mut b: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    b["facts"]
        .as_object_mut()
        .unwrap()
        .remove("good_credit_record");
    std::fs::write(&f, serde_json::to_string_pretty(&b).unwrap()).unwrap();
    let app = |j: &Value| {
        j["applications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == "UNI-005")
            .unwrap()
            .clone()
    };
    // E2 (by hand) decided first, so that only E1's missing fact is open.
    bin()
        .arg("eligibility")
        .arg(&dir)
        .args([
            "--application",
            "UNI-005",
            "--gate",
            "E2",
            "--pass",
            "--reason",
            "运行正常",
            "--db",
        ])
        .arg(&db)
        .assert()
        .success();
    let a = app(&results_json(&dir, &db, &[]));
    assert_eq!(a["eligibility"], "unchecked");
    assert!(
        a["notes"]
            .to_string()
            .contains("E1 (missing good_credit_record)"),
        "{a}"
    );
    // The chair screen's detail shows the decision on E2 (who, what, when) and lists only E1
    // as open: it does not re-check E2 from the facts.
    for (lang, decided, open_e1, open_e2) in [
        (
            panel::tui::i18n::Lang::En,
            "✓ E2 decided pass by E01",
            "? E1 ",
            "? E2 ",
        ),
        (
            panel::tui::i18n::Lang::Zh,
            "✓ E2经人工认定符合（专家一",
            "? E1 ",
            "? E2 ",
        ),
    ] {
        let p = Panel::open(&dir).unwrap();
        let (store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
        let mut chair = panel::tui::ChairApp::new(p, store, &db, lang, false, (120, 40)).unwrap();
        chair.open_details("UNI-005");
        let detail: Vec<String> = chair.detail_lines().into_iter().map(|l| l.text).collect();
        let detail = detail.join("\n");
        assert!(detail.contains(decided), "{detail}");
        assert!(detail.contains("运行正常"), "{detail}");
        // Once, with the eligibility, not again among the notes.
        assert_eq!(detail.matches("运行正常").count(), 1, "{detail}");
        assert!(detail.contains(open_e1), "{detail}");
        assert!(!detail.contains(open_e2), "{detail}");
    }
    // UNI-005's E1 passed by hand with `reason`.
    let decide = |reason: &str| {
        bin()
            .arg("eligibility")
            .arg(&dir)
            .args([
                "--application",
                "UNI-005",
                "--gate",
                "E1",
                "--pass",
                "--reason",
                reason,
                "--db",
            ])
            .arg(&db)
            .output()
            .unwrap()
    };
    assert!(decide("信用中国查询无失信记录").status.success());
    let a = app(&results_json(&dir, &db, &[]));
    assert_eq!(a["eligibility"], "eligible");
    assert_eq!(a["decisions"].as_array().unwrap().len(), 2);
    // The same decision again (a command run twice) writes nothing and says so; another
    // reason is a new decision.
    let journal = std::fs::read(db.join("journal.jsonl")).unwrap();
    let o = decide("信用中国查询无失信记录");
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("already recorded / 已记录（未重复记录）"),
        "{out}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("nothing was written"),
        "{o:?}"
    );
    assert_eq!(std::fs::read(db.join("journal.jsonl")).unwrap(), journal);
    let o = decide("信用中国复核无失信记录");
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("recorded / 已记录"));
    assert_ne!(std::fs::read(db.join("journal.jsonl")).unwrap(), journal);
    // Once the fact is there, the facts decide the gate and the decision no longer applies.
    b["facts"]["good_credit_record"] = Value::Bool(false);
    std::fs::write(&f, serde_json::to_string_pretty(&b).unwrap()).unwrap();
    let a = app(&results_json(&dir, &db, &[]));
    assert_eq!(a["status"], "ineligible");
    let gates: Vec<&str> = a["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["gate"].as_str().unwrap())
        .collect();
    assert_eq!(gates, ["E2"]);
}
