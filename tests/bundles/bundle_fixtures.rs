//! The fixtures: every bundle is valid, every deliberately invalid file fails
//! with the kind its name announces, raw/ is never walked, the demo panels
//! open, identities are invented but well-formed, facts agree with the text.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folders of `fixtures/` that `keep` accepts, sorted.
pub(crate) fn programs_where(keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| keep(p))
        .collect();
    v.sort();
    v
}

fn programs() -> Vec<PathBuf> {
    programs_where(|p| p.join("panel.json").is_file())
}

fn check_json(args: &[&Path]) -> (Vec<Value>, i32) {
    let out = Command::cargo_bin("panel")
        .unwrap()
        .current_dir(root())
        .arg("bundle")
        .arg("check")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    // the bundles only (paths not read follow them with a "skipped" reason)
    let rows = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("skipped").is_none())
        .cloned()
        .collect();
    (rows, out.status.code().unwrap())
}

#[test]
fn every_program_has_a_panel_with_enough_bundles() {
    let want = [
        ("park-ip-trusteeship-2024", 8, 5),
        ("ip-demo-park", 6, 3),
        ("ip-operation-cluster", 3, 3),
        ("ip-operation-promotion-center", 3, 3),
        ("special-fund-2022-sme-capability", 3, 3),
        ("special-fund-2022-medical-ops-center", 3, 3),
    ];
    for (program, min_bundles, experts) in want {
        let dir = root().join("fixtures").join(program);
        let p = panel::panel::Panel::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.rubric.rubric.id, program);
        assert!(p.invalid.is_empty(), "{program}: {:?}", p.invalid);
        assert!(
            p.bundles.len() >= min_bundles,
            "{program}: {} bundles",
            p.bundles.len()
        );
        assert_eq!(p.config.experts.len(), experts, "{program}");
        let codes: Vec<&str> = p.bundles.iter().map(|b| b.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted, "bundles sorted by code");
        assert!(p.expert("E01").is_some());
        // Every declared section is present and non-empty in every bundle.
        for b in &p.bundles {
            for s in &p.rubric.rubric.sections {
                let sec = b.section(&s.key).expect("section");
                assert!(!sec.text.trim().is_empty(), "{} {}", b.code(), s.key);
            }
        }
    }
}

#[test]
fn every_fixture_bundle_passes_check() {
    let dirs: Vec<PathBuf> = programs().iter().map(|p| p.join("bundles")).collect();
    let refs: Vec<&Path> = dirs.iter().map(|p| p.as_path()).collect();
    let (rows, code) = check_json(&refs);
    assert_eq!(code, 0, "{rows:#?}");
    assert!(rows.len() >= 28, "{} bundles", rows.len());
    for r in &rows {
        assert_eq!(r["valid"], true, "{r:#}");
        assert!(r["problems"].as_array().unwrap().is_empty());
        assert!(r["id"].as_str().is_some_and(|s| !s.is_empty()));
        let path = r["path"].as_str().unwrap();
        let stem = Path::new(path).file_stem().unwrap().to_str().unwrap();
        assert_eq!(r["id"].as_str().unwrap(), stem, "file name is the code");
    }
}

#[test]
fn bundles_have_no_identity_left_when_checked_with_the_map() {
    for p in programs() {
        let map = p.join("secretariat/identity-map.json");
        let out = Command::cargo_bin("panel")
            .unwrap()
            .arg("bundle")
            .arg("check")
            .arg(p.join("bundles"))
            .arg("--identity-map")
            .arg(&map)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn invalid_files_fail_with_the_kind_in_their_name_and_raw_is_skipped() {
    let mut seen_invalid = 0;
    for p in programs() {
        let (rows, code) = check_json(&[&p]);
        let raw_count = std::fs::read_dir(p.join("raw")).unwrap().count();
        assert!(raw_count >= 3, "{} has raw applications", p.display());
        for r in &rows {
            let path = r["path"].as_str().unwrap();
            assert!(!path.contains("/raw/"), "raw/ must not be walked: {path}");
            assert!(
                !path.contains("secretariat"),
                "identity map is not a bundle"
            );
            assert!(!path.ends_with("panel.json"));
            if path.contains("/invalid/") {
                seen_invalid += 1;
                let name = Path::new(path).file_name().unwrap().to_str().unwrap();
                let kind = name.split("--").next().unwrap();
                assert_eq!(r["valid"], false, "{path} should be invalid");
                let problems = r["problems"].as_array().unwrap();
                assert!(
                    problems.iter().any(|q| q["kind"] == kind),
                    "{path}: expected a `{kind}` problem, got {problems:#?}"
                );
                for q in problems {
                    for k in ["kind", "detail", "location", "message"] {
                        assert!(q[k].is_string(), "{path}: problem field {k}: {q}");
                    }
                }
                if kind == "duplicate" {
                    let msg = problems[0]["message"].as_str().unwrap();
                    assert!(msg.contains("bundles/"), "names the first file: {msg}");
                }
            } else {
                assert_eq!(r["valid"], true, "{r:#}");
            }
        }
        let any_invalid = rows.iter().any(|r| r["valid"] == false);
        assert_eq!(code, i32::from(any_invalid), "{}", p.display());
    }
    assert!(
        seen_invalid >= 20,
        "{seen_invalid} invalid fixtures checked"
    );
}

#[test]
fn personal_data_problems_are_masked_and_located() {
    let f = root()
        .join("fixtures/park-ip-trusteeship-2024/invalid/personal_data--mobile-in-work-plan.json");
    let (rows, code) = check_json(&[&f]);
    assert_eq!(code, 1);
    let q = &rows[0]["problems"][0];
    assert_eq!(q["kind"], "personal_data");
    assert_eq!(q["detail"], "mobile");
    assert_eq!(q["location"], "sections.work_plan");
    assert!(q["offset"].as_u64().is_some());
    // The number is masked in the message.
    let text = std::fs::read_to_string(&f).unwrap();
    let digits: String = text
        .split("请联系项目专员，手机")
        .nth(1)
        .unwrap()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(11)
        .collect();
    assert_eq!(digits.len(), 11);
    assert!(!q["message"].as_str().unwrap().contains(&digits));
}

const BANNED: [&str; 8] = [
    "张燕山",
    "孔元中",
    "和月磊",
    "23170420",
    "23110876",
    "50723882",
    "zys820701",
    "heyuelei",
];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn identities_are_invented_and_well_formed() {
    let mut files = Vec::new();
    files_under(&root().join("fixtures"), &mut files);
    for f in &files {
        // The generator's own list of what it must never emit is the exception.
        if f.starts_with(root().join("fixtures/tools")) {
            continue;
        }
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for b in BANNED {
            assert!(!text.contains(b), "{}: seed contact {b}", f.display());
        }
    }
    let mut n_ids = 0;
    for p in programs() {
        let map = panel::anonymize::read_map(&p.join("secretariat/identity-map.json")).unwrap();
        let raws = std::fs::read_dir(p.join("raw")).unwrap().count();
        assert_eq!(map.entries.len(), raws, "{}", p.display());
        for e in &map.entries {
            let id = &e.identity;
            let cc = id.credit_code.as_deref().unwrap();
            assert!(panel::pii::is_valid_credit_code(cc), "{cc}");
            for person in id.project_lead.iter().chain(id.team.iter()) {
                if let Some(n) = &person.id_number {
                    assert!(panel::pii::is_valid_resident_id(n), "{n}");
                    n_ids += 1;
                }
                if let Some(m) = &person.email {
                    assert!(
                        m.ends_with("@example.com")
                            || m.ends_with("@example.org")
                            || m.ends_with("@example.net"),
                        "{m}"
                    );
                }
            }
            if let Some(m) = &id.email {
                assert!(m.contains("@example."), "{m}");
            }
            for pt in &id.partners {
                if let Some(cc) = &pt.credit_code {
                    assert!(panel::pii::is_valid_credit_code(cc), "{cc}");
                }
            }
        }
    }
    assert!(n_ids >= 20, "{n_ids} resident ids checked");
}

fn bundle(program: &str, code: &str) -> panel::bundle::Bundle {
    let f = root()
        .join("fixtures")
        .join(program)
        .join("bundles")
        .join(format!("{code}.json"));
    panel::bundle::read_bundle(&f).unwrap().0
}

fn text_of(b: &panel::bundle::Bundle, key: &str) -> String {
    b.sections
        .iter()
        .find(|s| s.key == key)
        .map(|s| s.text.clone())
        .unwrap()
}

fn num(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
        Some(f) => format!("{f}"),
        None => String::new(),
    }
}

/// The facts of every trusteeship bundle are the numbers its text states.
#[test]
fn trusteeship_facts_agree_with_the_text() {
    let dir = root().join("fixtures/park-ip-trusteeship-2024/bundles");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let b = panel::bundle::read_bundle(&e.path()).unwrap().0;
        let f = &b.facts;
        let wf = text_of(&b, "work_foundation");
        let et = text_of(&b, "expected_targets");
        let bu = text_of(&b, "budget");
        let pe = text_of(&b, "personnel");
        let code = &b.code;
        let has = |t: &str, s: String| assert!(t.contains(&s), "{code}: `{s}` not in text");
        has(
            &wf,
            format!(
                "其中中小微企业{}家；拥有注册商标",
                num(&f["smes_with_valid_patents"])
            ),
        );
        has(
            &wf,
            format!("国家级{}家", num(&f["national_ip_advantage_demo_firms"])),
        );
        has(
            &wf,
            format!("市级{}家", num(&f["municipal_patent_pilot_demo_units"])),
        );
        has(
            &wf,
            format!("区级{}家", num(&f["district_ip_pilot_demo_units"])),
        );
        has(
            &wf,
            format!("专业人员数：{}人", num(&f["ip_professional_staff"])),
        );
        let years = f["ip_budget_wan"].as_array().unwrap();
        has(
            &wf,
            format!(
                "2021年{}，2022年{}，2023年{}",
                num(&years[0]),
                num(&years[1]),
                num(&years[2])
            ),
        );
        has(&wf, format!("PCT专利申请{}件", num(&f["pct_applications"])));
        has(
            &wf,
            format!("知识产权质押融资{}笔", num(&f["ip_pledge_financing_deals"])),
        );
        has(
            &wf,
            format!("知识产权保险{}笔", num(&f["ip_insurance_policies"])),
        );
        has(&wf, format!("专利许可{}次", num(&f["patent_licenses"])));
        has(&wf, format!("专利转让{}次", num(&f["patent_transfers"])));
        let office = match f["ip_office"].as_str().unwrap() {
            "independent" => "设立独立的",
            "non_independent" => "兼管",
            _ => "暂未设立",
        };
        has(&wf, office.to_string());
        has(
            &et,
            format!("实地调研属地企业{}家", num(&f["target_firms_surveyed"])),
        );
        has(
            &et,
            format!("签署托管协议企业{}家", num(&f["target_trust_agreements"])),
        );
        has(
            &et,
            format!(
                "专利产品备案企业{}家",
                num(&f["target_product_filing_firms"])
            ),
        );
        has(
            &et,
            format!("完成专利许可转让{}次", num(&f["target_license_transfers"])),
        );
        has(
            &et,
            format!(
                "质押融资交易金额{}万元",
                num(&f["target_pledge_financing_wan"])
            ),
        );
        has(&et, format!("专题培训{}次", num(&f["target_trainings"])));
        has(&et, format!("受益{}人次", num(&f["target_trainee_visits"])));
        has(
            &et,
            format!("专业人才{}人", num(&f["target_new_professionals"])),
        );
        match &f["target_pct_applications"] {
            Value::Null => has(&et, "PCT专利申请量力争稳步增长".into()),
            v => has(&et, format!("PCT专利申请{}件", num(v))),
        }
        match &f["target_high_value_patent_growth_pct"] {
            Value::Null => has(&et, "有所提升".into()),
            v => has(&et, format!("增长率不低于{}%", num(v))),
        }
        has(
            &bu,
            format!(
                "财政资金{}万元，自筹资金{}万元",
                num(&f["fiscal_funding_wan"]),
                num(&f["self_funding_wan"])
            ),
        );
        has(&pe, format!("项目组共{}人", num(&f["team_size"])));
        assert_eq!(
            b.requested_wan.map(|d| d.to_string()),
            Some(num(&f["fiscal_funding_wan"])),
            "{code}"
        );
        n += 1;
    }
    assert!(n >= 8);
}

#[test]
fn demo_park_facts_agree_with_the_text() {
    for i in 1..=6 {
        let b = bundle("ip-demo-park", &format!("DP-{i:03}"));
        let f = &b.facts;
        let cr = text_of(&b, "creation");
        let ut = text_of(&b, "utilization");
        let ma = text_of(&b, "management");
        let has = |t: &str, s: String| assert!(t.contains(&s), "DP-{i:03}: `{s}` not in text");
        has(
            &cr,
            format!(
                "拥有有效专利的企业{}家",
                num(&f["firms_with_valid_patents"])
            ),
        );
        has(&cr, format!("（{}家）", num(&f["total_firms"])));
        has(
            &cr,
            format!("拥有有效商标的企业{}家", num(&f["firms_with_trademarks"])),
        );
        has(
            &cr,
            format!("PCT专利申请{}件", num(&f["pct_applications_3y"])),
        );
        has(
            &cr,
            format!(
                "有效发明专利{}件，企业职工{}人",
                num(&f["valid_invention_patents"]),
                num(&f["employees"])
            ),
        );
        has(&cr, format!("授权专利{}件", num(&f["patents_granted_3y"])));
        has(
            &ut,
            format!("质押融资金额{}万元", num(&f["pledge_financing_wan"])),
        );
        has(&ma, format!("专职{}名", num(&f["ip_fulltime_staff"])));
        let y = f["ip_budget_wan"].as_array().unwrap();
        has(&ma, format!("2020年（基期）{}万元", num(&y[0])));
        assert_eq!(
            ut.contains("证券化"),
            f["ip_securitization"] == true,
            "DP-{i:03} securitization"
        );
    }
}

#[test]
fn embedded_demo_is_the_trusteeship_panel() {
    let names: Vec<&str> = panel::panel::DEMO_FILES.iter().map(|(n, _)| *n).collect();
    assert!(names.contains(&"panel.json"), "{names:?}");
    assert!(names.iter().filter(|n| n.starts_with("bundles/")).count() >= 8);
    assert!(!names
        .iter()
        .any(|n| n.contains("raw") || n.contains("invalid") || n.contains("secretariat")));
    let d = tempfile::tempdir().unwrap();
    panel::panel::materialize_demo(d.path()).unwrap();
    let p = panel::panel::Panel::open(d.path()).unwrap();
    assert_eq!(p.config.id, "demo-t24-2024");
    assert_eq!(p.config.experts.len(), 5);
    assert!(p.invalid.is_empty());
    assert!(p.bundle("T24-001").is_some());
}
