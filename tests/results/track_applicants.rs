//! Who may apply to each track of seed 002 (第六条 「高校」, 第九条 「商业银行/保险机构/担保机构」,
//! 第十九条 「高校、科研机构、医院」, 第二十条 「商业银行」, 第二十一条 「在我局备案入册的知识产权服务
//! 机构」 …): the tracks' eligibility gates, as a table against the seed's words, and end to end
//! in `panel awards`, `panel results` and `panel eligibility` on the track fixture panels.

use std::path::{Path, PathBuf};

use crate::files::copy_dir;
use assert_cmd::Command;
use panel::panel::Panel;
use panel::rubric::{self, GateOutcome};
use panel::sheet;
use panel::store::Store;
use serde_json::{json, Value};

const UNIV: &str = "fixtures/special-fund-2022-univ-ops-center";
const LIC: &str = "fixtures/special-fund-2022-academic-license-award";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    Command::cargo_bin("panel").unwrap()
}

fn program() -> rubric::Loaded {
    rubric::embedded("special-fund-2022").unwrap()
}

/// The outcomes of track `track`'s gates for an applicant of type `kind` (`None`: the fact
/// is not given), with `registered` as 第二十一条's 备案入册 flag.
fn outcomes(
    track: &str,
    kind: Option<&str>,
    registered: Option<bool>,
) -> Vec<(String, GateOutcome)> {
    let l = program();
    let t = l.rubric.tracks.iter().find(|t| t.id == track).unwrap();
    let mut facts = serde_json::Map::new();
    if let Some(k) = kind {
        facts.insert("applicant_type".into(), json!(k));
    }
    if let Some(r) = registered {
        facts.insert("ip_agency_registered".into(), json!(r));
    }
    let (facts, problems) = rubric::parse_facts(&l.rubric, &facts);
    assert!(problems.is_empty(), "{problems:?}");
    rubric::check_gates(&t.eligibility, &facts)
        .into_iter()
        .map(|g| (g.id, g.outcome))
        .collect()
}

/// Each track's applicant gates pass, fail or stay unknown as the seed says: a bank passes
/// 第二十条 and a university fails it, a missing type is unknown; a part no fact decides
/// (委托专业机构, 先导产业 …) is checked by hand.
#[test]
fn each_track_admits_the_applicants_its_article_names() {
    use GateOutcome::{Fail, Manual, Pass, Unknown};
    // One row per case: track | the seed's words its first gate quotes | applicant_type ("-":
    // not given) | 备案入册 ("-": not given) | the outcome of each of the track's gates.
    const TABLE: &str = "
univ-ops-center | 择优遴选不超过10所高校 | university | - | T6=pass
univ-ops-center | 择优遴选不超过10所高校 | enterprise | - | T6=fail
univ-ops-center | 择优遴选不超过10所高校 | research_institute | - | T6=fail
univ-ops-center | 择优遴选不超过10所高校 | - | - | T6=unknown
pilot-industry-promotion-center | 支持本市先导产业行业协会 | industry_association | - | T8=pass T8b=manual
pilot-industry-promotion-center | 支持本市先导产业行业协会 | enterprise | - | T8=fail T8b=manual
finance-credit-center | 在本市商业银行中 | commercial_bank | - | T9=pass
finance-credit-center | 在本市商业银行中 | insurer | - | T9=fail
finance-credit-center | 在本市商业银行中 | - | - | T9=unknown
finance-insurance-center | 在本市保险机构中 | insurer | - | T9=pass
finance-insurance-center | 在本市保险机构中 | commercial_bank | - | T9=fail
finance-guarantee-center | 在本市担保机构中 | guarantee_institution | - | T9=pass
finance-guarantee-center | 在本市担保机构中 | insurer | - | T9=fail
std-pre-filing-assessment | 委托专业机构 | university | - | T10=manual
std-high-value-upgrade-spec | 委托专业机构 | - | - | T10=manual
std-park-trusteeship-spec | 委托专业机构 | enterprise | - | T10=manual
yrd-integration | 委托专业机构 | ip_service_agency | - | T11=manual
open-license-patent-wall | 支持本市重点产业行业协会依托知识产权服务机构 | industry_association | - | T12=pass T12b=manual
open-license-patent-wall | 支持本市重点产业行业协会依托知识产权服务机构 | ip_service_agency | - | T12=fail T12b=manual
open-license-patent-supermarket | 各区首家专利超市运行管理单位 | enterprise | - | T12=manual
high-value-center | 管理制度全的企业 | enterprise | - | T13=pass T13b=manual
high-value-center | 管理制度全的企业 | university | - | T13=fail T13b=manual
high-value-center | 管理制度全的企业 | commercial_bank | - | T13=pass T13b=manual
high-value-center | 管理制度全的企业 | industry_association | - | T13=fail T13b=manual
sme-cipo-training | 委托开展知识产权运营实务教育的有关高校 | university | - | T16=pass T16b=manual
sme-cipo-training | 委托开展知识产权运营实务教育的有关高校 | enterprise | - | T16=fail T16b=manual
innovation-award-analysis | 委托专业机构 | ip_service_agency | - | T17=manual
star-market-whitepaper | 委托有关高校知识产权学院 | university | - | T18=pass T18b=manual
star-market-whitepaper | 委托有关高校知识产权学院 | research_institute | - | T18=fail T18b=manual
academic-license-award | 支持本市高校、科研机构、医院 | university | - | T19=pass
academic-license-award | 支持本市高校、科研机构、医院 | research_institute | - | T19=pass
academic-license-award | 支持本市高校、科研机构、医院 | hospital | - | T19=pass
academic-license-award | 支持本市高校、科研机构、医院 | commercial_bank | - | T19=fail
academic-license-award | 支持本市高校、科研机构、医院 | enterprise | - | T19=fail
academic-license-award | 支持本市高校、科研机构、医院 | - | - | T19=unknown
bank-pledge-award | 支持商业银行 | commercial_bank | - | T20=pass
bank-pledge-award | 支持商业银行 | university | - | T20=fail
bank-pledge-award | 支持商业银行 | insurer | - | T20=fail
bank-pledge-award | 支持商业银行 | guarantee_institution | - | T20=fail
bank-pledge-award | 支持商业银行 | - | - | T20=unknown
agency-trusteeship-award | 对在我局备案入册的知识产权服务机构 | ip_service_agency | true | T21=pass
agency-trusteeship-award | 对在我局备案入册的知识产权服务机构 | ip_service_agency | false | T21=fail
agency-trusteeship-award | 对在我局备案入册的知识产权服务机构 | enterprise | true | T21=fail
agency-trusteeship-award | 对在我局备案入册的知识产权服务机构 | ip_service_agency | - | T21=unknown
agency-trusteeship-award | 对在我局备案入册的知识产权服务机构 | - | true | T21=unknown
agency-trusteeship-award | 对在我局备案入册的知识产权服务机构 | university | - | T21=fail
open-license-award | 予以企业（许可人）资金奖补 | enterprise | - | T22=pass
open-license-award | 予以企业（许可人）资金奖补 | university | - | T22=fail
# an insurer is a company: an enterprise (企业)
open-license-award | 予以企业（许可人）资金奖补 | insurer | - | T22=pass
open-license-award | 予以企业（许可人）资金奖补 | - | - | T22=unknown
";
    let outcome = |s: &str| match s {
        "pass" => Pass,
        "fail" => Fail,
        "unknown" => Unknown,
        "manual" => Manual,
        other => panic!("outcome {other:?}"),
    };
    let given = |s: &'static str| (s != "-").then_some(s);
    // (track, words, type, registered, outcomes of its gates)
    type Row = (
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<bool>,
        Vec<(&'static str, GateOutcome)>,
    );
    let table: Vec<Row> = TABLE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&'static str> = l.split(" | ").collect();
            assert_eq!(f.len(), 5, "{l}");
            let gates = f[4]
                .split(' ')
                .map(|g| {
                    let (id, o) = g.split_once('=').unwrap();
                    (id, outcome(o))
                })
                .collect();
            (
                f[0],
                f[1],
                given(f[2]),
                given(f[3]).map(|r| r == "true"),
                gates,
            )
        })
        .collect();
    let l = program();
    for (track, words, kind, reg, want) in &table {
        let t = l.rubric.tracks.iter().find(|t| t.id == *track).unwrap();
        let got = outcomes(track, *kind, *reg);
        let want: Vec<(String, GateOutcome)> =
            want.iter().map(|(g, o)| (g.to_string(), *o)).collect();
        assert_eq!(got, want, "{track} with {kind:?}, registered {reg:?}");
        // The gate quotes its article and the seed's words.
        assert!(
            t.eligibility
                .iter()
                .all(|g| g.text.starts_with(&t.article) && !g.text_en.is_empty()),
            "{track}: {:?}",
            t.eligibility
        );
        assert!(
            t.eligibility[0].text.contains(words),
            "{track}: {} does not quote {words}",
            t.eligibility[0].text
        );
    }
    // Every track says who may apply: by its own gates, or (a track reviewed with a rubric of
    // its own) by that rubric's E3, which a fact decides or a person checks.
    let covered: std::collections::BTreeSet<&str> = table.iter().map(|r| r.0).collect();
    for t in &l.rubric.tracks {
        if t.eligibility.is_empty() {
            let own = t.rubric.as_deref().unwrap();
            assert_ne!(own, l.rubric.id, "{}: no applicant gate", t.id);
            let r = rubric::embedded(own).unwrap().rubric;
            let e3 = r.eligibility.iter().find(|g| g.id == "E3").unwrap();
            assert!(e3.text.starts_with(&t.article), "{}: {}", t.id, e3.text);
        } else {
            assert!(
                covered.contains(t.id.as_str()),
                "{}: not in the table",
                t.id
            );
        }
    }
}

/// Sets (or, with `null`, removes) facts of bundle `code` of the panel in `dir`.
fn set_facts(dir: &Path, code: &str, facts: &[(&str, Value)]) {
    let f = dir.join("bundles").join(format!("{code}.json"));
    let mut b: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    let obj = b["facts"].as_object_mut().unwrap();
    for (k, v) in facts {
        if v.is_null() {
            obj.remove(*k);
        } else {
            obj.insert((*k).to_string(), v.clone());
        }
    }
    std::fs::write(&f, serde_json::to_string_pretty(&b).unwrap()).unwrap();
}

/// `panel <command> <dir> --db <db> <args>`, which must succeed: its stdout.
fn ok_stdout(command: &str, dir: &Path, db: &Path, args: &[&str]) -> String {
    let out = bin()
        .arg(command)
        .arg(dir)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn app<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
}

/// `panel awards` on 第二十条: the bank is awarded, the university is left out (ineligible,
/// nothing awarded, gate T20 named in every output), an applicant whose type is not given is
/// not guessed (unchecked, provisional, T20 open) until a person decides T20.
#[test]
fn awards_leave_out_an_applicant_of_the_wrong_type() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    copy_dir(&root().join(LIC), &dir);
    let cfg = dir.join("panel.json");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text.replace("academic-license-award", "bank-pledge-award"),
    )
    .unwrap();
    set_facts(
        &dir,
        "LIC-001",
        &[
            ("applicant_type", json!("commercial_bank")),
            ("pledge_loans_wan", json!(1000)),
        ],
    );
    set_facts(
        &dir,
        "LIC-002",
        &[
            ("applicant_type", json!("university")),
            ("pledge_loans_wan", json!(500)),
        ],
    );
    set_facts(
        &dir,
        "LIC-003",
        &[
            ("applicant_type", Value::Null),
            ("pledge_loans_wan", json!(200)),
        ],
    );
    set_facts(
        &dir,
        "LIC-004",
        &[
            ("applicant_type", json!("commercial_bank")),
            ("pledge_loans_wan", json!(300)),
        ],
    );
    let db = tmp.path().join("chair");
    // E2 (具有项目承担运行能力) is checked by hand for all four: decided, so that only T20 is left.
    let decide = |a: &str, gate: &str, reason: &str| {
        bin()
            .arg("eligibility")
            .arg(&dir)
            .args([
                "--application",
                a,
                "--gate",
                gate,
                "--pass",
                "--reason",
                reason,
                "--db",
            ])
            .arg(&db)
            .output()
            .unwrap()
    };
    for a in ["LIC-001", "LIC-002", "LIC-003", "LIC-004"] {
        assert!(decide(a, "E2", "运行正常").status.success());
    }
    let awards = |format: &str| ok_stdout("awards", &dir, &db, &["--format", format]);
    let j: Value = serde_json::from_str(&awards("json")).unwrap();
    assert_eq!(j["track"]["id"], "bank-pledge-award");
    // The bank: 1000万 × 10元 = 10000元.
    let bank = app(&j, "LIC-001");
    assert_eq!(
        (bank["status"].as_str(), bank["award_yuan"].as_i64()),
        (Some("awarded"), Some(10000))
    );
    let univ = app(&j, "LIC-002");
    assert_eq!(univ["status"], "ineligible", "{univ}");
    assert_eq!(univ["award_yuan"], 0);
    assert!(
        univ["working"]
            .to_string()
            .contains("T20 第二十条：支持商业银行"),
        "{univ}"
    );
    let unknown = app(&j, "LIC-003");
    assert_eq!(unknown["provisional"], true, "{unknown}");
    // Not guessed: the missing fact is named, in English and in the working.
    assert!(
        j["provisional_reasons"]
            .to_string()
            .contains("LIC-003: eligibility gate T20 (missing applicant_type) not decided"),
        "{}",
        j["provisional_reasons"]
    );
    assert!(
        unknown["working"]
            .to_string()
            .contains("申报条件T20缺少applicant_type待人工认定"),
        "{unknown}"
    );
    assert_eq!(j["provisional"], true);
    // Markdown and CSV name the gate too.
    let md = awards("md");
    assert!(
        md.lines()
            .any(|l| l.contains("LIC-002") && l.contains("T20")),
        "{md}"
    );
    let csv = awards("csv");
    assert!(
        csv.lines()
            .any(|l| l.contains("LIC-002") && l.contains("ineligible") && l.contains("T20")),
        "{csv}"
    );
    // T20 of the university is decided by its facts: a person cannot override it.
    let o = decide("LIC-002", "T20", "x");
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("decided by the bundle's facts"), "{e}");
    // A person decides the missing type by hand: LIC-003 is a bank after all.
    let o = decide("LIC-003", "T20", "营业执照：商业银行");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: Value = serde_json::from_str(&awards("json")).unwrap();
    let now = app(&j, "LIC-003");
    assert_eq!(
        (now["status"].as_str(), now["award_yuan"].as_i64()),
        (Some("awarded"), Some(2000))
    );
    assert_eq!(j["provisional"], false, "{}", j["provisional_reasons"]);
    assert!(now["decisions"].to_string().contains("T20"), "{now}");
    // An unknown gate is refused, listing the track's gates beside the rubric's.
    let o = decide("LIC-001", "T99", "x");
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("track `bank-pledge-award`") && e.contains("E1, E2, E9, T20"),
        "{e}"
    );
}

/// `panel results` on 第六条: an enterprise among the universities is ranked no more; it is
/// ineligible, naming T6, in JSON and in the 评审汇总表, and the next university takes its
/// place in the quota.
#[test]
fn results_leave_out_an_applicant_of_the_wrong_type() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    copy_dir(&root().join(UNIV), &dir);
    let p = Panel::open(&dir).unwrap();
    let db = tmp.path().join("chair");
    let (mut store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
    for e in ["E01", "E02", "E03"] {
        sheet::merge_sheet(&p, &mut store, &sheet::sheet_path(&dir, e)).unwrap();
    }
    drop(store);
    // UNI-012, the best, is an enterprise.
    set_facts(&dir, "UNI-012", &[("applicant_type", json!("enterprise"))]);
    let results = |format: &str| {
        ok_stdout(
            "results",
            &dir,
            &db,
            &["--format", format, "--resamples", "0"],
        )
    };
    let j: Value = serde_json::from_str(&results("json")).unwrap();
    let ent = app(&j, "UNI-012");
    assert_eq!(ent["eligibility"], "ineligible", "{ent}");
    assert_eq!(ent["shortlisted"], false);
    assert!(
        ent["ineligible_reasons"].to_string().contains("T6 第六条"),
        "{ent}"
    );
    // The ten shortlisted are universities, UNI-002 moving up into the quota.
    let short: Vec<&str> = j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["shortlisted"] == true)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(short.len(), 10);
    assert!(
        short.contains(&"UNI-002") && !short.contains(&"UNI-012"),
        "{short:?}"
    );
    let md = results("summary-md");
    assert!(
        md.lines()
            .any(|l| l.contains("UNI-012") && l.contains("T6")),
        "{md}"
    );
}

/// `rubric check` refuses a track gate that reuses a rubric gate's id, and applicant gates on
/// a track that is reviewed with a rubric of its own (they belong in that rubric).
#[test]
fn rubric_check_names_misplaced_track_gates() {
    let l = program();
    let mut v: Value = serde_json::to_value(&l.rubric).unwrap();
    let tracks = v["tracks"].as_array_mut().unwrap();
    let i = tracks
        .iter()
        .position(|t| t["id"] == "bank-pledge-award")
        .unwrap();
    tracks[i]["eligibility"][0]["id"] = json!("E2");
    let j = tracks
        .iter()
        .position(|t| t["id"] == "medical-ops-center")
        .unwrap();
    tracks[j]["eligibility"] = json!([{"id": "T7", "text": "第七条：医院", "all_of": []}]);
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("special-fund-2022.json");
    std::fs::write(&f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let out = bin().args(["rubric", "check"]).arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let e =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains(&format!("tracks[{i}].eligibility[0]")) && e.contains("`E2`"),
        "{e}"
    );
    assert!(
        e.contains(&format!("tracks[{j}].eligibility"))
            && e.contains("special-fund-2022-medical-ops-center"),
        "{e}"
    );
}

/// `rubric show` lists each track's applicant gates under the track.
#[test]
fn rubric_show_lists_the_track_gates() {
    let out = bin()
        .args(["rubric", "show", "special-fund-2022"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    let after = s.split("track bank-pledge-award").nth(1).unwrap();
    let block: String = after.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(
        block.contains("gate T20 第二十条：支持商业银行开展专利商标质押贷款工作。"),
        "{block}"
    );
}

/// The tracks reviewed with rubrics of their own say who may apply in that rubric's E3:
/// 第七条 医院, 第十四条 企业 (the qualities by hand in E3b), 第十五条 中小企业.
#[test]
fn own_rubric_tracks_admit_the_applicants_their_article_names() {
    use GateOutcome::{Fail, Manual, Pass, Unknown};
    let gate = |rubric_id: &str, facts: Value, id: &str| -> GateOutcome {
        let r = rubric::embedded(rubric_id).unwrap().rubric;
        let (facts, problems) = rubric::parse_facts(&r, facts.as_object().unwrap());
        assert!(problems.is_empty(), "{problems:?}");
        rubric::check_gates(&r.eligibility, &facts)
            .into_iter()
            .find(|g| g.id == id)
            .unwrap()
            .outcome
    };
    let up = "special-fund-2022-high-value-upgrade";
    assert_eq!(
        gate(up, json!({"applicant_type": "enterprise"}), "E3"),
        Pass
    );
    assert_eq!(
        gate(up, json!({"applicant_type": "university"}), "E3"),
        Fail
    );
    // a commercial bank is a company: an enterprise (企业) in the sense of the article
    assert_eq!(
        gate(up, json!({"applicant_type": "commercial_bank"}), "E3"),
        Pass
    );
    assert_eq!(
        gate(up, json!({"applicant_type": "research_institute"}), "E3"),
        Fail
    );
    assert_eq!(gate(up, json!({}), "E3"), Unknown);
    assert_eq!(
        gate(up, json!({"applicant_type": "enterprise"}), "E3b"),
        Manual
    );
    let med = "special-fund-2022-medical-ops-center";
    assert_eq!(
        gate(
            med,
            json!({"is_hospital": true, "ip_transfer_cases": 3}),
            "E3"
        ),
        Pass
    );
    assert_eq!(
        gate(
            med,
            json!({"is_hospital": false, "ip_transfer_cases": 3}),
            "E3"
        ),
        Fail
    );
    assert_eq!(gate(med, json!({"ip_transfer_cases": 3}), "E3"), Unknown);
    let sme = "special-fund-2022-sme-capability";
    let f = |is_sme: bool| json!({"is_sme": is_sme, "specialized_sme": true, "livelihood_sector_sme": false});
    assert_eq!(gate(sme, f(true), "E3"), Pass);
    assert_eq!(gate(sme, f(false), "E3"), Fail);
    assert_eq!(gate(sme, json!({"specialized_sme": true}), "E3"), Unknown);
}

/// `panel rubric eval --track` checks the track's applicant gates after the rubric's, as a
/// panel naming the track does; an unknown track is refused with the rubric's tracks.
#[test]
fn rubric_eval_checks_a_tracks_gates() {
    let bundle = root().join(LIC).join("bundles/LIC-001.json");
    let eval = |extra: &[&str]| {
        bin()
            .args(["rubric", "eval", "special-fund-2022"])
            .arg(&bundle)
            .args(extra)
            .output()
            .unwrap()
    };
    let plain = eval(&["--json"]);
    assert!(plain.status.success());
    let v: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(v["track"].is_null());
    assert!(v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["id"] != "T20"));
    // a university under 第二十条 (商业银行): the track's gate fails, the rubric's do not
    let bank = eval(&["--json", "--track", "bank-pledge-award"]);
    assert!(bank.status.success());
    let v: Value = serde_json::from_slice(&bank.stdout).unwrap();
    assert_eq!(v["track"], "bank-pledge-award");
    let t20 = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "T20")
        .expect("the track's gate");
    assert_eq!(t20["outcome"], "fail");
    assert_eq!(v["eligibility"], "ineligible");
    // its own track: the university passes T19
    let own = eval(&["--track", "academic-license-award"]);
    let text = String::from_utf8_lossy(&own.stdout);
    assert!(text.contains("track: academic-license-award"), "{text}");
    assert!(text.contains("  T19 pass"), "{text}");
    assert!(text.contains("  E1  pass"), "{text}");
    let bad = eval(&["--track", "nope"]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--track nope: rubric special-fund-2022 has no such track")
            && err.contains("bank-pledge-award"),
        "{err}"
    );
}
