//! Shared test data for the expert-screen tests: the embedded trusteeship
//! rubric and three hand-written applications with CJK-heavy evidence.
#![allow(dead_code)]

use panel::rubric;
use panel::tui::{AppInput, SectionText, Session};
use rust_decimal::Decimal;

pub const RUBRIC: &str = "park-ip-trusteeship-2024";

fn facts(r: &rubric::Rubric, v: serde_json::Value) -> rubric::Facts {
    let serde_json::Value::Object(m) = v else {
        panic!("facts must be an object")
    };
    let (f, problems) = rubric::parse_facts(r, &m);
    assert!(problems.is_empty(), "{problems:?}");
    f
}

fn sec(key: &str, title: &str, text: &str) -> SectionText {
    SectionText {
        key: key.into(),
        title: title.into(),
        text: text.into(),
    }
}

pub const FOUNDATION: &str = "园区位于本市重点产业集聚区，主导产业为集成电路与生物医药，符合本市“9+X”重点产业发展方向。园区内拥有有效专利的中小企业共一百二十家，其中国家知识产权优势示范企业两家、上海市企事业专利工作试点示范单位四家、区级知识产权试点示范单位十家。\n园区设立独立的知识产权服务中心，配备专职知识产权管理人员三名，建有专利商标管理系统。近三年知识产权工作经费分别为18万元、22万元、25万元。\n2023年园区企业提交PCT专利申请30件，完成知识产权质押融资4笔、知识产权保险2笔，专利转让15次、许可8次。";

pub const PLAN: &str = "一、完善制度体系：制定《园区知识产权托管工作规程》，明确服务范围、工作流程及绩效管理。\n二、签订入托协议：实地调研属地企业不少于160家，形成调研报告，与不少于55家企业签订入托协议。\n三、提升创造质量：入托企业高价值专利申请增长15%，PCT专利申请不少于12件。\n四、推动高效运营：完成专利许可转让6次，达成质押融资2500万元。\n五、开展专业辅导：举办培训6次，累计220人次，培养知识产权专业人才12人。";

pub fn facts_001() -> serde_json::Value {
    serde_json::json!({
        "industry_in_9x": true,
        "smes_with_valid_patents": 120,
        "national_ip_advantage_demo_firms": 2,
        "municipal_patent_pilot_demo_units": 4,
        "district_ip_pilot_demo_units": 10,
        "ip_office": "independent",
        "ip_professional_staff": 3,
        "has_ip_management_system": true,
        "ip_budget_wan": [18, 22, 25],
        "pct_applications": 30,
        "ip_pledge_financing_deals": 4,
        "ip_insurance_policies": 2,
        "patent_transfers": 15,
        "patent_licenses": 8,
        "target_procedure_document": true,
        "target_firms_surveyed": 160,
        "target_trust_agreements": 55,
        "target_survey_report": true,
        "target_high_value_patent_growth_pct": 15,
        "target_pct_applications": 12,
        "target_license_transfers": 6,
        "target_pledge_financing_wan": 2500,
        "target_product_filing_firms": 12,
        "target_trainings": 6,
        "target_trainee_visits": 220,
        "target_new_professionals": 12,
        "team_size": 6,
        "has_service_agency_cooperation": true,
        "fiscal_funding_wan": 40,
        "self_funding_wan": 25
    })
}

pub fn facts_002() -> serde_json::Value {
    serde_json::json!({
        "industry_in_9x": true,
        "smes_with_valid_patents": 85,
        "ip_office": "non_independent",
        "ip_professional_staff": 1,
        "pct_applications": 4,
        "team_size": 4,
        "fiscal_funding_wan": 35,
        "self_funding_wan": 10
    })
}

pub fn session() -> Session {
    let l = rubric::embedded(RUBRIC).expect("embedded rubric");
    let r = l.rubric;
    let a1 = AppInput {
        code: "T24-001".into(),
        title: "园区知识产权集中托管项目".into(),
        requested_wan: Some(Decimal::from(40)),
        facts: facts(&r, facts_001()),
        sections: vec![
            sec("work_foundation", "二、工作基础", FOUNDATION),
            sec("work_plan", "三、项目工作方案", PLAN),
            sec("implementation_plan", "四、项目实施计划", "2024年7月出台托管工作规程；9月完成企业调研并签订入托协议；2025年6月前完成绩效目标。每季度向区知识产权局报送项目进展。"),
            sec("expected_targets", "五、项目预期目标及成果形式", "形成托管工作规程文件一份；调研报告一份；入托企业55家；培训6次220人次。"),
            sec("personnel", "六、项目参与人员（仅列角色）", "项目负责人1名；知识产权服务机构专业人员3名；园区管理人员2名。"),
            sec("budget", "七、经费预算", "财政资金40万元：调研与辅导15万元，培训10万元，运营服务15万元。自筹资金25万元。"),
        ],
        attachments: vec!["营业执照复印件.pdf".into()],
    };
    let a2 = AppInput {
        code: "T24-002".into(),
        title: "科技园知识产权托管服务".into(),
        requested_wan: Some(Decimal::from(35)),
        facts: facts(&r, facts_002()),
        sections: vec![sec(
            "work_foundation",
            "二、工作基础",
            "园区拥有有效专利的中小企业85家。",
        )],
        attachments: vec![],
    };
    let a3 = AppInput {
        code: "T24-003".into(),
        title: "Harbour park IP trusteeship".into(),
        requested_wan: None,
        facts: facts(&r, serde_json::json!({})),
        sections: vec![],
        attachments: vec![],
    };
    Session {
        panel_id: "demo-t24-2024".into(),
        panel_title: "2024 园区知识产权集中托管项目 评审（演示）".into(),
        expert_id: "E01".into(),
        expert_name: "专家一 Expert 1".into(),
        rubric: r,
        apps: vec![a1, a2, a3],
    }
}

/// Write a panel directory (panel.json + one valid bundle per application
/// T24-001 and T24-002; sections an application lacks are written as "无").
pub fn write_panel(dir: &std::path::Path) {
    let s = session();
    std::fs::create_dir_all(dir.join("bundles")).unwrap();
    let panel = serde_json::json!({
        "schema": "panel/1",
        "id": s.panel_id,
        "title": s.panel_title,
        "rubric": RUBRIC,
        "bundles": "bundles",
        "experts": [
            {"id": "E01", "name": s.expert_name, "public_key": null},
            {"id": "E02", "name": "专家二 Expert 2", "public_key": null}
        ],
        "chair": "E01"
    });
    std::fs::write(
        dir.join("panel.json"),
        serde_json::to_string_pretty(&panel).unwrap(),
    )
    .unwrap();
    for (code, facts) in [("T24-001", facts_001()), ("T24-002", facts_002())] {
        let app = s.apps.iter().find(|a| a.code == code).unwrap();
        let sections: Vec<serde_json::Value> = s
            .rubric
            .sections
            .iter()
            .map(|d| {
                let text = app
                    .sections
                    .iter()
                    .find(|x| x.key == d.key)
                    .map(|x| x.text.clone())
                    .unwrap_or_else(|| "无".into());
                serde_json::json!({"key": d.key, "title": d.title, "text": text})
            })
            .collect();
        let b = serde_json::json!({
            "schema": "panel-bundle/1",
            "program": RUBRIC,
            "code": code,
            "title": app.title,
            "requested_wan": app.requested_wan.map(|d| d.to_string()).and_then(|d| d.parse::<f64>().ok()),
            "facts": facts,
            "sections": sections,
            "attachments": []
        });
        std::fs::write(
            dir.join("bundles").join(format!("{code}.json")),
            serde_json::to_string_pretty(&b).unwrap(),
        )
        .unwrap();
    }
}

pub fn rubric_sha() -> String {
    rubric::embedded(RUBRIC).unwrap().sha256
}

/// Select an item of the tree by pressing keys (g, then j until it is selected).
pub fn goto(app: &mut panel::tui::App, item: &str) {
    use panel::tui::feed;
    if app.focus == panel::tui::Pane::Apps {
        feed(app, "tab");
    }
    feed(app, "g");
    for _ in 0..40 {
        if app.sel_item().map(|i| i.id.as_str()) == Some(item) {
            return;
        }
        feed(app, "j");
    }
    panic!("item {item} not reachable");
}

/// The expert screen on the session above, over an in-memory store, `w`×`h` cells.
pub fn app(lang: panel::tui::Lang, w: u16, h: u16) -> panel::tui::App {
    panel::tui::App::new(
        session(),
        vec![],
        Box::new(panel::tui::MemPersist::default()),
        lang,
        false,
        (w, h),
    )
}

/// The text of `app` drawn on a test terminal of its size.
pub fn screen(app: &panel::tui::App) -> String {
    use ratatui::{backend::TestBackend, Terminal};
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| panel::tui::view::draw(f, app)).unwrap();
    panel::tui::view::buffer_text(t.backend().buffer())
}
