//! `panel results` end to end on the seed-000 demo panel (park IP trusteeship 2024): paper
//! forms imported into a chair database with `panel import`, and the same scores computed
//! straight from a CSV with `--scores`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use panel::panel::Panel;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::demo_panel::copy_panel;

const EXPERTS: [&str; 5] = ["E01", "E02", "E03", "E04", "E05"];

struct Demo {
    tmp: tempfile::TempDir,
    dir: PathBuf,
}

/// A copy of the demo panel (panel.json with experts E01–E05, bundles/).
fn demo() -> Demo {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_panel(tmp.path(), None);
    Demo { tmp, dir }
}

impl Demo {
    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn run(&self, args: &[&str]) -> (Vec<u8>, String, i32) {
        crate::demo_panel::run_panel(self.tmp.path(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (out, err, code) = self.run(args);
        assert_eq!(code, 0, "panel {args:?} failed: {err}");
        String::from_utf8(out).unwrap()
    }

    fn dir(&self) -> &str {
        self.dir.to_str().unwrap()
    }
}

/// Quality of each demo application (share of the maximum an average expert gives).
fn quality(app: &str) -> f64 {
    match app {
        "T24-001" => 0.92,
        "T24-002" => 0.55,
        "T24-003" => 0.86,
        "T24-004" => 0.50,
        "T24-005" => 0.90,
        "T24-006" => 0.95,
        "T24-007" => 0.70,
        "T24-008" => 0.62,
        "T24-009" => 0.80,
        _ => 0.75,
    }
}

/// A realistic value for an expert item: the application's quality ± the expert's lean,
/// a multiple of 0.5 in [0, max].
fn expert_value(app: &str, expert: usize, item: usize, max: Decimal) -> Decimal {
    let lean = [0.0, 0.06, -0.05, 0.03, -0.08][expert % 5];
    let wobble = (((expert * 7 + item * 3 + app.len()) % 5) as f64 - 2.0) * 0.02;
    let m: f64 = max.to_string().parse().unwrap();
    let v = ((quality(app) + lean + wobble).clamp(0.0, 1.0) * m * 2.0).round() / 2.0;
    Decimal::from_str(&format!("{v}")).unwrap()
}

/// Paper-form rows (`panel import` format): every expert item of every application by every
/// expert; rule items are left to their computed suggestions.
fn paper_csv(panel: &Panel) -> String {
    let r = &panel.rubric.rubric;
    let mut out = String::from("application,expert,criterion,value,comment\n");
    for b in &panel.bundles {
        for (e, expert) in EXPERTS.iter().enumerate() {
            for (i, (_, _, item)) in r.items().enumerate() {
                if item.is_expert() {
                    let v = expert_value(&b.bundle.code, e, i, item.max());
                    out.push_str(&format!("{},{expert},{},{v},\n", b.bundle.code, item.id));
                }
            }
        }
    }
    out
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

fn app<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn check_demo_results(j: &Value) {
    let apps = j["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 10);
    // The gates exclude the applicant that had a trusteeship project within three years
    // (E5) and the one with fewer than 100 SMEs holding patents (E2), however well scored.
    let t6 = app(j, "T24-006");
    assert_eq!(t6["status"], "ineligible");
    assert_eq!(t6["eligibility"], "ineligible");
    assert!(t6["ineligible_reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("E5"));
    assert_eq!(t6["rank"], Value::Null);
    assert_eq!(t6["shortlisted"], false);
    assert_eq!(app(j, "T24-009")["status"], "ineligible");
    // The over-cap request (50 万元) is cut to the 40 万元 cap.
    let t3 = app(j, "T24-003");
    assert_eq!(t3["shortlisted"], true, "{t3}");
    assert_eq!(t3["funding_wan"], 40);
    // At most 3 (the call's quota), in rank order.
    let short: Vec<&Value> = apps.iter().filter(|a| a["shortlisted"] == true).collect();
    assert_eq!(short.len(), 3);
    for (i, a) in short.iter().enumerate() {
        assert_eq!(a["rank"], i as u64 + 1);
        assert!(a["funding_wan"].as_f64().unwrap() <= 40.0);
    }
    assert_eq!(j["budget_used_wan"], 120);
    // Every application was scored by all five experts.
    for a in apps {
        assert_eq!(a["experts"], 5, "{a}");
        assert_eq!(a["expert_totals"].as_object().unwrap().len(), 5);
        assert!(a["calibrated_total"].is_number());
        let p = &a["p_shortlist"];
        if a["status"] == "ineligible" {
            assert!(p.is_null());
        } else {
            let p = p.as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p));
        }
    }
    assert_eq!(j["settings"]["quota"], 3);
    assert_eq!(j["settings"]["per_award_cap_wan"], 40);
    assert_eq!(j["settings"]["method"], "mean");
    assert_eq!(j["settings"]["by"], "total");
    assert!(j["calibration_changes"].is_array());
}

#[test]
fn demo_panel_from_the_chair_database() {
    let d = demo();
    let panel = Panel::open(&d.dir).unwrap();
    let csv = d.path("paper.csv");
    std::fs::write(&csv, paper_csv(&panel)).unwrap();
    let db = d.path("chair");
    let db_s = db.to_str().unwrap();
    d.ok(&["import", d.dir(), csv.to_str().unwrap(), "--db", db_s]);

    let j = json(&d.ok(&["results", d.dir(), "--db", db_s, "--format", "json"]));
    check_demo_results(&j);
    assert_eq!(j["source"]["kind"], "db");

    // The 评审汇总表 lists every expert's total of every application.
    let summary = d.ok(&["results", d.dir(), "--db", db_s, "--format", "summary-md"]);
    assert!(
        summary.starts_with("# 2024年上海市园区知识产权集中托管项目评审汇总表"),
        "{summary}"
    );
    assert!(summary.contains("| 序号 | 申报编号 | 项目名称 | 专家1 | 专家2 | 专家3 | 专家4 | 专家5 | 平均分 | 最终得分 | 排名 | 是否入围 | 建议资助金额（万元） | 备注 |"), "{summary}");
    assert!(summary.contains("评审组长签字："));
    for a in j["applications"].as_array().unwrap() {
        let id = a["id"].as_str().unwrap();
        let line = summary
            .lines()
            .find(|l| l.contains(&format!("| {id} |")))
            .unwrap_or_else(|| panic!("{id} not in the summary"));
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        for (k, e) in EXPERTS.iter().enumerate() {
            let t = a["expert_totals"][e].as_f64().unwrap();
            let cell: f64 = cells[4 + k].parse().unwrap();
            assert_eq!(cell, t, "{id} {e}: {line}");
        }
        let total = a["total"].as_f64().unwrap();
        assert_eq!(cells[10].parse::<f64>().unwrap(), total, "{line}");
    }
    let t6 = summary.lines().find(|l| l.contains("| T24-006 |")).unwrap();
    assert!(
        t6.contains("不符合申报条件：E5 已承担知识产权集中托管项目的单位自立项起三年内不再申报")
            && t6.contains("| 否 |"),
        "{t6}"
    );
    let t3 = summary.lines().find(|l| l.contains("| T24-003 |")).unwrap();
    assert!(t3.contains("申请50万元，核定40万元"), "{t3}");

    // One expert's 评分表 in the official wording.
    let sheet = d.ok(&[
        "results",
        d.dir(),
        "--db",
        db_s,
        "--format",
        "sheet-md",
        "--expert",
        "E02",
    ]);
    assert!(sheet.contains("| 一级指标 | 二级指标 | 分值 | 要求 | 评分标准 | 得分 |"));
    assert!(sheet.contains("评审专家：专家二 Expert 2（E02）"));
    assert_eq!(sheet.matches("评审专家签字：").count(), 10);
    let t1_total = app(&j, "T24-001")["expert_totals"]["E02"].as_f64().unwrap();
    let t1 = &sheet[sheet.find("### 申报编号：T24-001").unwrap()..];
    let total_line = t1.lines().find(|l| l.starts_with("| 合计 |")).unwrap();
    assert!(
        total_line.ends_with(&format!("| {t1_total} |")),
        "{total_line}"
    );
    // a paper import carries no written opinion: the space says so, above the signature
    let t1_form = &t1[..t1.find("评审专家签字：").unwrap()];
    assert!(
        t1_form.contains("专家评审意见：\n\n（未填写）"),
        "{t1_form}"
    );
    assert!(t1.contains("日期：________年____月____日"), "{t1}");
    // merged from the expert's sheet, the opinion is printed
    let sheet_file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/park-ip-trusteeship-2024/sheets/E02.sheet.json");
    let shipped: Value = serde_json::from_slice(&std::fs::read(&sheet_file).unwrap()).unwrap();
    let op = shipped["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "T24-001")
        .unwrap()["opinion"]
        .as_str()
        .unwrap()
        .to_string();
    let db2 = d.path("chair-sheets");
    let db2_s = db2.to_str().unwrap();
    d.ok(&[
        "merge",
        d.dir(),
        sheet_file.to_str().unwrap(),
        "--db",
        db2_s,
    ]);
    let form = d.ok(&[
        "results",
        d.dir(),
        "--db",
        db2_s,
        "--format",
        "sheet-md",
        "--expert",
        "E02",
    ]);
    let t1 = &form[form.find("### 申报编号：T24-001").unwrap()..];
    let t1_form = &t1[..t1.find("评审专家签字：").unwrap()];
    assert!(
        t1_form.contains(&format!("专家评审意见：\n\n> {op}\n")),
        "{t1_form}"
    );

    // The other formats.
    let md = d.ok(&["results", d.dir(), "--db", db_s]);
    assert!(md.contains("## 排名 Ranking") && md.contains("## 校准 Calibration"));
    let csv_out = d.ok(&["results", d.dir(), "--db", db_s, "--format", "csv"]);
    assert!(csv_out.starts_with('\u{feff}'));
    let xlsx = d.path("results.xlsx");
    let (_, err, code) = d.run(&[
        "results",
        d.dir(),
        "--db",
        db_s,
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 shortlisted"), "{err}");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));

    // `panel reveal` reads the JSON results.
    let res = d.path("results.json");
    d.ok(&[
        "results",
        d.dir(),
        "--db",
        db_s,
        "-o",
        res.to_str().unwrap(),
    ]);
    assert!(json(&std::fs::read_to_string(&res).unwrap())["applications"].is_array());
}

#[test]
fn demo_panel_straight_from_a_scores_csv() {
    let d = demo();
    let panel = Panel::open(&d.dir).unwrap();
    let csv = d.path("paper.csv");
    // Item rows, exactly the paper forms: rule items take their computed suggestions.
    std::fs::write(&csv, paper_csv(&panel)).unwrap();
    let j = json(&d.ok(&[
        "results",
        d.dir(),
        "--scores",
        csv.to_str().unwrap(),
        "--format",
        "json",
    ]));
    check_demo_results(&j);
    assert_eq!(j["source"]["kind"], "csv");
    assert_eq!(j["source"]["file"], "paper.csv");

    // The chair database gives the same numbers.
    let db = d.path("chair");
    d.ok(&[
        "import",
        d.dir(),
        csv.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    let from_db = json(&d.ok(&[
        "results",
        d.dir(),
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert_eq!(from_db["applications"], j["applications"]);
}

/// The demo's shortlist is provisional while the gates decided by hand (E2b, E3b) are open;
/// once the chair has decided them for every application with `panel eligibility`, the
/// shortlist is final: no `"provisional"` in JSON, no 「（暂定）」 in the 评审汇总表, and the
/// CSV carries the decisions and the reasons.
#[test]
fn a_fully_decided_demo_gives_a_final_shortlist() {
    let d = demo();
    let panel = Panel::open(&d.dir).unwrap();
    let csv = d.path("paper.csv");
    std::fs::write(&csv, paper_csv(&panel)).unwrap();
    let db = d.path("chair");
    let db_s = db.to_str().unwrap();
    d.ok(&["import", d.dir(), csv.to_str().unwrap(), "--db", db_s]);
    let results = |format: &str| d.ok(&["results", d.dir(), "--db", db_s, "--format", format]);

    let j = json(&results("json"));
    assert_eq!(j["provisional"], true, "{}", j["provisional_reasons"]);
    let before: Vec<String> = j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["shortlisted"] == true)
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(before.len(), 3);
    let summary = results("summary-md");
    assert!(summary.contains("（暂定）"), "{summary}");
    // The CSV says which gates are still open.
    let csv_out = results("csv");
    let header = csv_out.lines().next().unwrap();
    assert!(
        header.ends_with(",eligibility_reasons,gate_decisions"),
        "{header}"
    );
    let t1 = csv_out.lines().find(|l| l.contains(",T24-001,")).unwrap();
    assert!(
        t1.contains("E2b (checked by hand); E3b (checked by hand)"),
        "{t1}"
    );

    // The chair decides both gates for every application that is still unchecked.
    let unchecked: Vec<String> = j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["eligibility"] == "unchecked")
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert!(unchecked.len() >= 3, "{unchecked:?}");
    for id in &unchecked {
        for (gate, reason) in [
            ("E2b", "主导产业为集成电路、生物医药，符合本市先导产业方向"),
            ("E3b", "专利商标管理工作制度健全并有效运行"),
        ] {
            d.ok(&[
                "eligibility",
                d.dir(),
                "--application",
                id,
                "--gate",
                gate,
                "--pass",
                "--reason",
                reason,
                "--db",
                db_s,
            ]);
        }
    }
    let j = json(&results("json"));
    assert_eq!(j["provisional"], false, "{}", j["provisional_reasons"]);
    for a in j["applications"].as_array().unwrap() {
        assert_ne!(a["eligibility"], "unchecked", "{a}");
    }
    let after: Vec<String> = j["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["shortlisted"] == true)
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(after, before);
    // A failed requirement with several clauses says which are not met, in the call's words;
    // a one-clause requirement is its own reason.
    let t4 = app(&j, "T24-004");
    assert_eq!(
        t4["ineligible_reasons"],
        serde_json::json!([
            "E6 申报单位应与知识产权服务机构共同申报本项目，项目服务团队人员不低于5名。\
             （未满足：与知识产权服务机构共同申报；项目服务团队人员不低于5名）",
            "E7 自筹资金与财政资金的比例不低于0.5：1（园区配套经费不低于市级财政经费50%）。"
        ])
    );
    let t1 = app(&j, "T24-001");
    assert_eq!(t1["eligibility"], "eligible");
    assert_eq!(t1["decisions"].as_array().unwrap().len(), 2, "{t1}");
    let summary = results("summary-md");
    assert!(!summary.contains("暂定"), "{summary}");
    assert!(summary.contains("E3b经人工认定符合"), "{summary}");
    let csv_out = results("csv");
    let t1 = csv_out.lines().find(|l| l.contains(",T24-001,")).unwrap();
    assert!(t1.contains("E2b decided pass by E01"), "{t1}");
    assert!(t1.contains("E3b decided pass by E01"), "{t1}");
    // In Chinese, the decisions are said in Chinese.
    let zh = d.ok(&[
        "results",
        d.dir(),
        "--db",
        db_s,
        "--format",
        "csv",
        "--lang",
        "zh",
    ]);
    assert!(zh
        .lines()
        .next()
        .unwrap()
        .ends_with(",资格审查理由,资格人工认定"));
    let t1 = zh.lines().find(|l| l.contains(",T24-001,")).unwrap();
    assert!(t1.contains("E3b经人工认定符合"), "{t1}");
}

/// Criterion rows of three experts for `app` (total 89), as a scores CSV body.
fn rows_of(app: &str) -> String {
    let mut text = String::new();
    for e in ["E01", "E02", "E03"] {
        for (c, v) in [
            ("A1", "5"),
            ("A2", "9"),
            ("A3", "12"),
            ("B1", "18"),
            ("B2", "18"),
            ("B3", "9"),
            ("C1", "9"),
            ("C2", "9"),
        ] {
            text.push_str(&format!("{app},{e},{c},{v}\n"));
        }
    }
    text
}

/// The demo panel has bundles, so it knows its applications: a code it does not have (a
/// typo, a missing bundle) is refused at its first row, as `panel import` refuses it, never
/// ranked with the cap standing in for its requested amount.
#[test]
fn an_application_the_panel_does_not_have_is_refused() {
    let d = demo();
    let csv = d.path("scores.csv");
    let text = format!(
        "application,expert,criterion,value\n{}{}",
        rows_of("T24-001"),
        rows_of("T24-999")
    );
    std::fs::write(&csv, text).unwrap();
    let (out, err, code) = d.run(&["results", d.dir(), "--scores", csv.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    let f = csv.display().to_string();
    let want = format!(
        "{f}:26:1: application \"T24-999\" is not in panel demo-t24-2024 (applications: \
         T24-001, T24-002, T24-003, T24-004, T24-005, T24-006, T24-007, T24-008, T24-009, \
         T24-010); correct the code, or add the application's bundle to {}",
        d.dir.join("bundles").display()
    );
    assert!(err.contains(&want), "{err}");
    // Item rows only: refused the same way (it used to vanish from the output).
    std::fs::write(
        &csv,
        "application,expert,criterion,value\nT24-001,E01,B1.1,4.5\nT24-999,E01,B1.1,4.5\n",
    )
    .unwrap();
    let (_, err, code) = d.run(&["results", d.dir(), "--scores", csv.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("{f}:3:1: application \"T24-999\" is not in panel")),
        "{err}"
    );
}

/// A panel without any bundle (`panel synth --no-bundles`) takes its applications from the
/// scores: each is ranked with eligibility `unchecked` and the note `no bundle in the panel`;
/// one with item rows that leave its criteria unscored is listed with the `not scored` note,
/// as an application with a bundle is.
#[test]
fn applications_without_a_bundle_are_ranked_unchecked() {
    let d = demo();
    let dir = d.path("synth");
    d.ok(&[
        "synth",
        "--apps",
        "3",
        "--experts",
        "3",
        "--criteria",
        "2",
        "--no-bundles",
        "--out",
        dir.to_str().unwrap(),
    ]);
    // K01 in two items (K01.1, K01.2): an item row alone leaves K01 unscored.
    let rubric_path = dir.join("rubric.json");
    let mut r: Value = json(&std::fs::read_to_string(&rubric_path).unwrap());
    let k01 = &mut r["categories"][0]["criteria"][0];
    let mut second = k01["items"][0].clone();
    let max = Decimal::from_str(k01["max"].as_str().unwrap()).unwrap() / Decimal::from(2);
    k01["items"][0]["max"] = Value::from(max.to_string());
    second["id"] = Value::from("K01.2");
    second["max"] = Value::from(max.to_string());
    k01["items"].as_array_mut().unwrap().push(second);
    std::fs::write(&rubric_path, serde_json::to_string_pretty(&r).unwrap()).unwrap();

    let csv = d.path("scores.csv");
    let mut text = String::from("application,expert,criterion,value\n");
    for e in ["E01", "E02", "E03"] {
        text.push_str(&format!("X-NEW,{e},K01,4\nX-NEW,{e},K02,4\n"));
    }
    text.push_str("X-ITEMS,E01,K01.1,2\n");
    std::fs::write(&csv, text).unwrap();
    let j = json(&d.ok(&[
        "results",
        dir.to_str().unwrap(),
        "--scores",
        csv.to_str().unwrap(),
        "--format",
        "json",
        "--threshold",
        "0",
    ]));
    let x = app(&j, "X-NEW");
    assert_eq!(x["eligibility"], "unchecked");
    assert_eq!(x["status"], "ranked");
    assert_eq!(x["rank"], 1);
    assert_eq!(x["total"], 8);
    assert!(x["notes"][0]
        .as_str()
        .unwrap()
        .starts_with("no bundle in the panel"));
    let items = app(&j, "X-ITEMS");
    assert_eq!(items["status"], "incomplete");
    assert_eq!(items["experts"], 0);
    let notes: Vec<&str> = items["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(notes[0].starts_with("no bundle in the panel"), "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("expert E01: criteria K01, K02 not scored")),
        "{notes:?}"
    );
}

#[test]
fn bad_scores_csv_is_refused_with_file_line_and_column() {
    let d = demo();
    let csv = d.path("bad.csv");
    std::fs::write(
        &csv,
        "application,expert,criterion,value\nT24-001,E01,A1,5\nT24-001,E01,Z9,5\n\
         T24-001,E01,A2,4,5\nT24-001,E01,A3,1e3\n",
    )
    .unwrap();
    let (out, err, code) = d.run(&["results", d.dir(), "--scores", csv.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let f = csv.display().to_string();
    assert!(
        err.contains(&format!(
            "{f}:3:3: rubric park-ip-trusteeship-2024 has no criterion or item \"Z9\""
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{f}:4:5: 5 field(s), the header has 4")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{f}:5:4: value \"1e3\" is in scientific notation; write 1000"
        )),
        "{err}"
    );

    std::fs::write(&csv, "app,expert,criterion,value\n").unwrap();
    let (_, err, code) = d.run(&["results", d.dir(), "--scores", csv.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "{f}:1:1: column 1 is named \"app\" but must be \"application\""
        )),
        "{err}"
    );

    // A duplicated item row names both lines.
    std::fs::write(
        &csv,
        "application,expert,criterion,value\nT24-001,E01,B1.1,8\nT24-001,E01,B1.1,9\n",
    )
    .unwrap();
    let (_, err, _) = d.run(&["results", d.dir(), "--scores", csv.to_str().unwrap()]);
    assert!(
        err.contains(&format!(
            "{f}:3:3: item B1.1 of T24-001 for E01 is already given at line 2"
        )),
        "{err}"
    );

    // A quote the file never closes is said to be one (not `"4.5\n" is not a number`), and
    // full-width digits get the plain spelling to type.
    std::fs::write(
        &csv,
        "application,expert,criterion,value\nT24-001,E01,B1.2,４．５\nT24-001,E01,B1.1,\"4.5",
    )
    .unwrap();
    let (_, err, code) = d.run(&["results", d.dir(), "--scores", csv.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "{f}:2:4: value \"４．５\" is typed in full-width characters; type 4.5"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{f}:3:4: a quote opens this field (\"4.5) and is never closed: the file ends \
             inside it; add the closing quote (\") or remove the opening one"
        )),
        "{err}"
    );
    assert!(!err.contains("not a number"), "{err}");

    // Usage errors.
    let (_, err, code) = d.run(&[
        "results",
        d.dir(),
        "--scores",
        csv.to_str().unwrap(),
        "--format",
        "xlsx",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("write it to a file: -o results.xlsx"), "{err}");
    // `-o -` is stdout: for a binary format refused the same way (no file named `-`), for
    // text the output itself.
    for format in ["xlsx", "docx"] {
        let (out, err, code) = d.run(&[
            "results",
            d.dir(),
            "--scores",
            csv.to_str().unwrap(),
            "--format",
            format,
            "-o",
            "-",
        ]);
        assert_eq!(code, 1, "{err}");
        assert!(out.is_empty());
        assert!(
            err.contains(&format!(
                "--format {format} writes a binary file, not text for a terminal or a pipe: \
                 write it to a file: -o results.{format}"
            )),
            "{err}"
        );
    }
    assert!(!Path::new("-").exists());
    let (_, err, code) = d.run(&[
        "results",
        d.dir(),
        "--format",
        "sheet-md",
        "--scores",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("--expert"), "{err}");
    let (_, err, code) = d.run(&[
        "results",
        d.dir(),
        "--db",
        d.path("nowhere").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no chair database at"), "{err}");
    let (_, err, code) = d.run(&["results", d.dir(), "--method", "mode"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown aggregation method"), "{err}");
}

/// Three experts, one application: per-criterion trimming drops a different expert per
/// criterion, so `--method trimmed --by criterion` differs from the mean and from trimming
/// the totals.
#[test]
fn flags_override_the_rubric_defaults() {
    let d = demo();
    let csv = d.path("scores.csv");
    let rows: BTreeMap<&str, [&str; 3]> = [
        ("A1", ["6", "3", "4"]),
        ("A2", ["2", "10", "7"]),
        ("A3", ["14", "7", "8"]),
        ("B1", ["20", "9", "15"]),
        ("B2", ["10", "20", "16"]),
        ("B3", ["10", "3", "4"]),
        ("C1", ["1", "10", "6"]),
        ("C2", ["10", "5", "2"]),
    ]
    .into_iter()
    .collect();
    let mut text = String::from("application,expert,criterion,value\n");
    for (c, vals) in &rows {
        for (e, v) in ["E01", "E02", "E03"].iter().zip(vals) {
            text.push_str(&format!("T24-001,{e},{c},{v}\n"));
        }
    }
    std::fs::write(&csv, text).unwrap();
    let total = |extra: &[&str]| -> (f64, Value) {
        let mut args = vec![
            "results",
            d.dir(),
            "--scores",
            csv.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let j = json(&d.ok(&args));
        (app(&j, "T24-001")["total"].as_f64().unwrap(), j)
    };
    // E01 73, E02 67, E03 62 → mean 67.33.
    let (mean, j) = total(&[]);
    assert_eq!(mean, 67.33);
    assert!(j["settings"]["overridden"].as_array().unwrap().is_empty());
    let (by_total, _) = total(&["--method", "trimmed"]);
    assert_eq!(by_total, 67.0);
    let (by_crit, j) = total(&["--method", "trimmed", "--by", "criterion"]);
    // Middle values: 4 + 7 + 8 + 15 + 16 + 4 + 6 + 5 = 65.
    assert_eq!(by_crit, 65.0);
    assert_eq!(
        j["settings"]["overridden"],
        serde_json::json!(["method", "by"])
    );
    let t1 = app(&j, "T24-001");
    assert_eq!(t1["dropped"].as_array().unwrap().len(), 16, "{t1}");
    assert_eq!(
        t1["dropped"][0],
        serde_json::json!({"expert": "E02", "criterion": "A1", "value": 3, "side": "low"})
    );
    let (median, _) = total(&["--method", "median", "--by", "criterion"]);
    assert_eq!(median, 65.0);
    let (trunc, _) = total(&["--round", "0", "--rounding", "truncate"]);
    assert_eq!(trunc, 67.0);
    let (none, _) = total(&["--rounding", "none"]);
    assert!((none - 67.333_333).abs() < 1e-5, "{none}");
    // Quorum, threshold, quota, budget and cap.
    let (_, j) = total(&["--quorum", "4"]);
    assert_eq!(app(&j, "T24-001")["status"], "incomplete");
    let (_, j) = total(&["--threshold", "70"]);
    assert_eq!(app(&j, "T24-001")["status"], "below_threshold");
    let (_, j) = total(&["--quota", "0"]);
    assert_eq!(app(&j, "T24-001")["shortlisted"], false);
    let (_, j) = total(&["--cap", "30", "--budget", "25"]);
    let t1 = app(&j, "T24-001");
    assert_eq!(t1["funding_wan"], 25);
    assert!(t1["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "budget_exhausted"));
    assert_eq!(j["settings"]["budget_wan"], 25);
    let (_, j) = total(&["--resamples", "0"]);
    assert!(app(&j, "T24-001")["p_shortlist"].is_null());
}

/// Invalid values on the command line are clap's (exit 2, nothing read), like `--method foo`
/// and `--quota abc`: a rounding beyond 6 places, a language other than zh/en, and a zero
/// budget, cap or quorum (a budget of 0 funds nobody: a slip, not a setting).
#[test]
fn invalid_option_values_are_command_line_errors() {
    let d = demo();
    for (args, want) in [
        (&["--round", "7"][..], "at most 6 decimal places"),
        (&["--lang", "fr"], "expected zh or en"),
        (&["--budget", "0"], "expected an amount above 0"),
        (&["--cap", "0.0"], "expected an amount above 0"),
        (&["--quorum", "0"], "at least 1"),
        (&["--resamples", "100001"], "at most 100000 draws"),
        // a negative number is a value the option does not take, not an unknown option
        // (clap suggested `-- -1`, which would pass it as a second panel directory)
        (&["--quota", "-1"], "expected a whole number such as 5"),
        (&["--trim", "-1"], "expected a whole number such as 5"),
        (&["--round", "-2"], "expected a whole number such as 5"),
        (&["--quorum", "-3"], "expected a whole number such as 5"),
        (&["--seed", "-1"], "expected a whole number such as 5"),
        (&["--resamples", "-1"], "expected a whole number such as 5"),
        (&["--threshold", "-5"], "expected a number ≥ 0"),
        (&["--budget", "-3"], "expected a number ≥ 0"),
        (&["--cap", "-40"], "expected a number ≥ 0"),
        (
            &["--meeting-date", "2024-13-45"],
            "2024年9月12日 or 2024-09-12",
        ),
        (
            &["--meeting-date", "2023年2月29日"],
            "no day 29 of month 2 in 2023",
        ),
        (&["--meeting-date", "下周四"], "not a date"),
    ] {
        let mut all = vec!["results", d.dir(), "--scores", "nowhere.csv"];
        all.extend_from_slice(args);
        let (out, err, code) = d.run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty());
        assert!(
            err.contains(&format!("invalid value '{}' for '{}", args[1], args[0]))
                && err.contains(want),
            "{args:?}: {err}"
        );
    }
}

/// The budget in rank order: the application where the money runs short gets what is left
/// and `budget_exhausted`; the shortlist stops there, and an application the quota would
/// have taken after it is not shortlisted and flagged `budget_exhausted` too (it says why).
#[test]
fn the_budget_stops_the_shortlist_where_it_runs_short() {
    let d = demo();
    let csv = d.path("scores.csv");
    let mut text = String::from("application,expert,criterion,value\n");
    for (app, b1) in [("T24-001", "18"), ("T24-002", "16"), ("T24-003", "14")] {
        text.push_str(&rows_of(app).replace(",B1,18", &format!(",B1,{b1}")));
    }
    std::fs::write(&csv, text).unwrap();
    let j = json(&d.ok(&[
        "results",
        d.dir(),
        "--scores",
        csv.to_str().unwrap(),
        "--format",
        "json",
        "--quota",
        "3",
        "--cap",
        "40",
        "--budget",
        "45",
        "--resamples",
        "0",
    ]));
    let flags = |id: &str| app(&j, id)["flags"].as_array().unwrap().clone();
    let exhausted = serde_json::json!("budget_exhausted");
    let first = app(&j, "T24-001");
    assert_eq!(first["rank"], 1);
    assert_eq!(first["shortlisted"], true);
    assert!(!flags("T24-001").contains(&exhausted));
    let funded = first["funding_wan"].as_f64().unwrap();
    let second = app(&j, "T24-002");
    assert_eq!(second["shortlisted"], true);
    assert_eq!(second["funding_wan"].as_f64().unwrap(), 45.0 - funded);
    assert!(flags("T24-002").contains(&exhausted));
    let third = app(&j, "T24-003");
    assert_eq!(third["rank"], 3);
    assert_eq!(third["shortlisted"], false);
    assert!(third["funding_wan"].is_null());
    assert!(flags("T24-003").contains(&exhausted));
    assert_eq!(j["budget_used_wan"], 45);
}
