//! What a program's 申报书 contains, computed from its rubric: the blocks of the form
//! (cover, 承诺书, headed tables with labels, value slots and units, free-text boxes, the
//! 项目参与人员 and 经费预算 tables). The writer ([`super::form_write`]) lays it out as
//! Word, the reader ([`super::form_read`]) uses the same labels to find the values in a
//! filled form (typed by people, not only this program's output).
//!
//! Seed 000 (`park-ip-trusteeship-2024`) follows its 附件2 row by row; other rubrics get a
//! form built from their sections and facts (`form_ref`), which says so on its cover.

use crate::rubric::{FactDecl, FactType, Rubric};

/// An identity field of the form (→ `identity` of the raw application).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdField {
    Applicant,
    ParkName,
    CreditCode,
    LegalRep,
    LegalRepPhone,
    Address,
    /// 通讯地址及邮编: the postcode is the trailing six digits.
    PostalAddress,
    Bank,
    BankAccount,
    ContactPerson,
    Landline,
    Mobile,
    Email,
    /// 参加单位 (a partner institution's name).
    Partner,
    Recommender,
    /// 单位性质 (seed 003).
    UnitNature,
    /// 单位法人's 身份证号码 and 电子邮箱 (seed 003's 人员信息): a `identity.team` person
    /// with the role 单位法人.
    LegalRepIdNumber,
    LegalRepEmail,
    /// 项目联系人's 身份证号码 (seed 003): a `identity.team` person with the role 项目联系人.
    ContactIdNumber,
}

impl IdField {
    pub fn key(self) -> &'static str {
        match self {
            IdField::Applicant => "applicant",
            IdField::ParkName => "park_name",
            IdField::CreditCode => "credit_code",
            IdField::LegalRep => "legal_rep",
            IdField::LegalRepPhone => "legal_rep_phone",
            IdField::Address => "address",
            IdField::PostalAddress => "postal_address",
            IdField::Bank => "bank",
            IdField::BankAccount => "bank_account",
            IdField::ContactPerson => "contact_person",
            IdField::Landline => "landline",
            IdField::Mobile => "mobile",
            IdField::Email => "email",
            IdField::Partner => "partner",
            IdField::Recommender => "recommender",
            IdField::UnitNature => "unit_nature",
            IdField::LegalRepIdNumber => "legal_rep_id_number",
            IdField::LegalRepEmail => "legal_rep_email",
            IdField::ContactIdNumber => "contact_id_number",
        }
    }
}

/// A field of the 项目负责人 table (性别 and 固定电话: seed 003 only).
pub const LEAD_FIELDS: [(&str, &str); 10] = [
    ("姓名", "name"),
    ("学历", "education"),
    ("身份证号码", "id_number"),
    ("所在部门", "department"),
    ("职务", "title"),
    ("现从事专业", "major"),
    ("手机", "mobile"),
    ("电子邮箱", "email"),
    ("性别", "gender"),
    ("固定电话", "landline"),
];

/// The columns of seed 003's 项目组全部成员 table (after 序号).
pub const MEMBER_COLUMNS: [(&str, &str); 7] = [
    ("姓名", "name"),
    ("身份证号码", "id_number"),
    ("所在部门", "department"),
    ("职务/职称", "title"),
    ("学历", "education"),
    ("现从事专业", "major"),
    ("承担任务", "task"),
];

/// The columns of the 项目主要人员 table.
pub const TEAM_COLUMNS: [(&str, &str); 7] = [
    ("姓名", "name"),
    ("性别", "gender"),
    ("年龄", "age"),
    ("职务/职称", "title"),
    ("专业", "major"),
    ("在本项目中承担的任务", "task"),
    ("所在单位", "org"),
];

/// The columns of the 经费预算 table.
pub const BUDGET_COLUMNS: [&str; 5] = ["序号", "支出内容", "金额（万元）", "依据", "来源"];

/// Where a value goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Slot {
    /// 项目名称.
    Title,
    /// 起止时间 (kept in the section text only).
    Period,
    Id(IdField),
    /// A number, whole number or text fact.
    Fact(String),
    /// One year of a `years` fact.
    Year(String, usize),
    /// A bool or enum fact shown as checkboxes.
    Check(String),
    /// Free text kept in the section only (园区主要产业 …).
    Note(String),
    /// A field of the 项目负责人 table (`LEAD_FIELDS` key).
    Lead(&'static str),
}

impl Slot {
    /// A stable key (`fact:team_size`, `year:ip_budget_wan:0`, `id:applicant`, …).
    pub fn key(&self) -> String {
        match self {
            Slot::Title => "title".into(),
            Slot::Period => "period".into(),
            Slot::Id(f) => format!("id:{}", f.key()),
            Slot::Fact(k) => format!("fact:{k}"),
            Slot::Year(k, i) => format!("year:{k}:{i}"),
            Slot::Check(k) => format!("check:{k}"),
            Slot::Note(k) => format!("note:{k}"),
            Slot::Lead(k) => format!("lead:{k}"),
        }
    }
}

/// One cell of a form table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Label(String),
    Value(Slot),
    /// A unit printed after a value (家, 件, 万元 …).
    Unit(String),
}

/// A table row: cells with their grid span.
pub type Row = Vec<(Cell, usize)>;

/// A block of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Big centred title line.
    Title(String),
    /// Centred line.
    Center(String),
    Para(String),
    PageBreak,
    /// A part heading (一、基本情况 …), with the rubric section it starts.
    Heading {
        text: String,
        section: Option<String>,
    },
    Table(Vec<Row>),
    /// A box for a free-text section (a one-cell table), with the form's hint.
    TextBox {
        section: String,
        hint: String,
    },
    /// 项目主要人员: header and `rows` empty rows.
    TeamTable {
        rows: usize,
    },
    /// Seed 003's 项目组全部成员 ([`MEMBER_COLUMNS`]): header and `rows` numbered rows.
    MemberTable {
        rows: usize,
    },
    /// A table read by row label and column header (seed 003's 人员信息): the header row
    /// (`corner`, then `columns`), then per row its label and one slot per column.
    Grid {
        corner: String,
        columns: Vec<String>,
        rows: Vec<(String, Vec<Slot>)>,
    },
    /// 经费预算: header and `rows` empty rows.
    BudgetTable {
        rows: usize,
    },
    /// 附件材料清单: 序号 | 附件名称, `rows` empty rows (files named here and found beside
    /// the filled form are hashed into the raw application).
    AttachmentTable {
        rows: usize,
    },
}

/// A program's form.
#[derive(Debug, Clone, PartialEq)]
pub struct FormLayout {
    pub program: String,
    pub title: String,
    /// Whether the layout follows a form printed in the seed (seed 000's 附件2, seed 003's
    /// 附件1 申报书).
    pub from_seed: bool,
    pub blocks: Vec<Block>,
}

/// The checkbox options of a bool or enum fact: (value, Chinese label).
pub fn check_options(f: &FactDecl) -> Vec<(serde_json::Value, String)> {
    match f.ty {
        FactType::Bool => vec![
            (serde_json::Value::Bool(true), "是".into()),
            (serde_json::Value::Bool(false), "否".into()),
        ],
        FactType::Enum => f
            .values
            .iter()
            .map(|v| (serde_json::Value::String(v.clone()), enum_label(&f.key, v)))
            .collect(),
        _ => Vec::new(),
    }
}

fn enum_label(fact: &str, v: &str) -> String {
    let zh = match (fact, v) {
        ("ip_office", "independent") => "独立设置",
        ("ip_office", "non_independent") => "非独立设置",
        ("ip_office", "none") => "未设置",
        // Seed 003's 申报对象.
        ("applicant_type", "tech_transfer") => "科技成果转移转化机构",
        ("applicant_type", "ip_public_service") => "知识产权公共服务机构",
        ("applicant_type", "intl_tech_trade") => "国际技术贸易服务机构",
        ("applicant_type", "other") => "其他",
        // Seed 002's applicants (special-fund-2022 `applicant_type`).
        ("applicant_type", "university") => "高校",
        ("applicant_type", "research_institute") => "科研机构",
        ("applicant_type", "hospital") => "医院",
        ("applicant_type", "enterprise") => "企业",
        ("applicant_type", "commercial_bank") => "商业银行",
        ("applicant_type", "insurer") => "保险机构",
        ("applicant_type", "guarantee_institution") => "担保机构",
        ("applicant_type", "industry_association") => "行业协会",
        ("applicant_type", "ip_service_agency") => "知识产权服务机构",
        (_, "good") => "良好",
        (_, "fair") => "一般",
        (_, "none") => "无",
        (_, "complete") => "完善",
        (_, "partial") => "部分",
        (_, "basic") => "基本",
        _ => v,
    };
    zh.to_string()
}

fn label(s: &str) -> (Cell, usize) {
    (Cell::Label(s.to_string()), 1)
}

fn wide_label(s: &str, span: usize) -> (Cell, usize) {
    (Cell::Label(s.to_string()), span)
}

fn value(s: Slot, span: usize) -> (Cell, usize) {
    (Cell::Value(s), span)
}

/// A row of label–value pairs, each one column wide.
fn pairs<const N: usize>(cells: [(&str, Slot); N]) -> Row {
    cells
        .into_iter()
        .flat_map(|(l, s)| [label(l), value(s, 1)])
        .collect()
}

fn unit(s: &str) -> (Cell, usize) {
    (Cell::Unit(s.to_string()), 1)
}

fn fact(k: &str) -> Slot {
    Slot::Fact(k.to_string())
}

fn check(k: &str) -> Slot {
    Slot::Check(k.to_string())
}

/// The form of `rubric`.
pub fn layout(rubric: &Rubric) -> FormLayout {
    if rubric.id == "park-ip-trusteeship-2024" {
        trusteeship(rubric)
    } else if rubric.id == "ip-operation-promotion-center" {
        promotion_center(rubric)
    } else {
        generic(rubric)
    }
}

/// The 承诺书 of seed 000 (word for word).
const PLEDGE: &[&str] = &[
    "本单位承诺目前运营正常，财务和信用状况良好，所提供申报资料真实可靠，未被认定为失信联合惩戒对象且过去在申报和承担各级知识产权项目中没有不良信用记录。如有失实或失信行为，愿意根据相关规定，承担以下责任：",
    "1、取消项目承接资格；",
    "2、撤销项目立项，并收回拨付经费；",
    "3、根据失信情况，报送至市公共信用信息平台，列入社会信用记录，接受相应处理；",
    "4、其它相关法律责任等。",
];

/// The 填报说明 of seed 000 (word for word).
const INSTRUCTIONS: &[&str] = &[
    "1. 申报书的内容将作为项目评审、签订合同的重要依据，申报书的各项填报内容及附件材料必须实事求是、准确严谨、层次清晰。申报单位对申报材料的合法性、真实性、完整性负责。",
    "2. 申报书各栏目不得空缺，无内容时填“无”。各栏不够填写时，可自行加页。",
    "3. 项目期原则上不超过一年，起止日期根据项目计划填写，实际以合同约定为准。",
    "4. 申请财政资金不高于40万元，自筹资金与财政资金的比例不低于0.5：1。",
    "5. 申报单位需准备的相关附件材料：第二项工作基础各项填报内容的证明材料；营业执照复印件；相关资质、荣誉等证书复印件；其他需要提交的证明材料。",
    "6. 申报书及相关材料一律采用A4纸张双面打印，并于左侧装订成册，打印一式一份（签名并加盖公章）。",
];

fn trusteeship(r: &Rubric) -> FormLayout {
    use IdField::*;
    let mut b = vec![
        Block::Para("编号：".into()),
        Block::Title("上海市园区知识产权集中托管".into()),
        Block::Title("项目申报书".into()),
        Block::Table(vec![
            vec![label("项目名称"), value(Slot::Title, 3)],
            vec![label("申报园区"), value(Slot::Id(ParkName), 3)],
            vec![label("起止时间"), value(Slot::Period, 3)],
        ]),
        Block::Center("上海市知识产权局制表".into()),
        Block::Center("填报日期：　　年　　月　　日".into()),
        Block::PageBreak,
        Block::Title("填 报 说 明".into()),
    ];
    b.extend(INSTRUCTIONS.iter().map(|s| Block::Para(s.to_string())));
    b.push(Block::PageBreak);
    b.push(Block::Title("项目实施承诺书".into()));
    b.extend(PLEDGE.iter().map(|s| Block::Para(s.to_string())));
    b.push(Block::Table(vec![vec![
        label("自立项起三年内已承担知识产权集中托管项目"),
        value(check("prior_trusteeship_within_3y"), 1),
    ]]));
    b.push(Block::Para("申报单位（盖章）：".into()));
    b.push(Block::Para("年　　月　　日".into()));
    b.push(Block::PageBreak);
    b.push(Block::Heading {
        text: "一、基本情况".into(),
        section: Some("basic_info".into()),
    });
    b.push(Block::Table(vec![
        vec![label("园区名称"), value(Slot::Id(ParkName), 3)],
        vec![label("管理主体单位名称"), value(Slot::Id(Applicant), 3)],
        vec![
            label("申报主体为高新区、经开区或符合条件的园区管委会或管理公司"),
            value(check("applicant_is_park_body"), 3),
        ],
        vec![label("统一社会信用代码"), value(Slot::Id(CreditCode), 3)],
        pairs([
            ("法定代表人", Slot::Id(LegalRep)),
            ("电话", Slot::Id(LegalRepPhone)),
        ]),
        vec![label("注册地址"), value(Slot::Id(Address), 3)],
        vec![label("通讯地址及邮编"), value(Slot::Id(PostalAddress), 3)],
        pairs([
            ("开户银行", Slot::Id(Bank)),
            ("银行账号", Slot::Id(BankAccount)),
        ]),
        pairs([
            ("项目联系人", Slot::Id(ContactPerson)),
            ("联系人电话", Slot::Id(Landline)),
        ]),
        pairs([
            ("联系人手机", Slot::Id(Mobile)),
            ("E-mail", Slot::Id(Email)),
        ]),
    ]));
    b.push(Block::Heading {
        text: "二、工作基础".into(),
        section: Some("work_foundation".into()),
    });
    let count_row = |l: &str, k1: Option<&str>, k2: Option<&str>| -> Row {
        vec![
            wide_label(l, 2),
            value(k1.map(fact).unwrap_or(Slot::Note(format!("{l}_all"))), 1),
            unit("家"),
            label("其中中小微企业"),
            value(k2.map(fact).unwrap_or(Slot::Note(format!("{l}_sme"))), 1),
            unit("家"),
        ]
    };
    b.push(Block::Table(vec![
        vec![wide_label("园区产业基础", 7)],
        vec![
            wide_label("园区主要产业", 2),
            value(Slot::Note("园区主要产业".into()), 5),
        ],
        vec![
            wide_label("园区主导产业符合本市“9+X”重点产业发展方向", 2),
            value(check("industry_in_9x"), 5),
        ],
        count_row("园区属地企业", None, None),
        count_row("拥有有效专利企业", None, Some("smes_with_valid_patents")),
        count_row("拥有注册商标企业", None, None),
        vec![
            wide_label("知识产权试点示范单位", 2),
            value(Slot::Note("试点示范单位合计".into()), 4),
            unit("家"),
        ],
        vec![
            wide_label("国家级", 2),
            value(fact("national_ip_advantage_demo_firms"), 4),
            unit("家"),
        ],
        vec![
            wide_label("市级", 2),
            value(fact("municipal_patent_pilot_demo_units"), 4),
            unit("家"),
        ],
        vec![
            wide_label("区级", 2),
            value(fact("district_ip_pilot_demo_units"), 4),
            unit("家"),
        ],
        vec![wide_label("知识产权管理机制（统计至2023年底）", 7)],
        vec![
            wide_label("知识产权组织协调工作机制", 2),
            value(check("has_ip_coordination_mechanism"), 5),
        ],
        vec![wide_label("管理机构", 2), value(check("ip_office"), 5)],
        vec![
            wide_label("专业人员数", 2),
            value(fact("ip_professional_staff"), 4),
            unit("人"),
        ],
        vec![
            wide_label("专利商标管理系统", 2),
            value(check("has_ip_management_system"), 5),
        ],
        vec![
            wide_label("国内有效发明专利", 2),
            value(Slot::Note("国内有效发明专利".into()), 1),
            unit("件"),
            label("注册商标"),
            value(Slot::Note("注册商标".into()), 1),
            unit("件"),
        ],
        vec![
            wide_label("知识产权工作经费（万元）", 1),
            label("2021年"),
            value(Slot::Year("ip_budget_wan".into(), 0), 1),
            label("2022年"),
            value(Slot::Year("ip_budget_wan".into(), 1), 1),
            label("2023年"),
            value(Slot::Year("ip_budget_wan".into(), 2), 1),
        ],
        vec![wide_label("知识产权服务成效（2021-2023年）", 7)],
        vec![
            wide_label("知识产权服务举措：协助园区企业开展过高价值专利培育工作", 2),
            value(check("high_value_patent_cultivation_experience"), 5),
        ],
        vec![
            wide_label("知识产权质押融资", 2),
            value(fact("ip_pledge_financing_deals"), 1),
            unit("笔"),
            label("知识产权保险"),
            value(fact("ip_insurance_policies"), 1),
            unit("笔"),
        ],
        vec![
            wide_label("专利许可", 2),
            value(fact("patent_licenses"), 1),
            unit("次"),
            label("专利转让"),
            value(fact("patent_transfers"), 1),
            unit("次"),
        ],
        vec![
            wide_label("PCT专利申请", 2),
            value(fact("pct_applications"), 1),
            unit("件"),
            label("专利产品备案企业"),
            value(Slot::Note("专利产品备案企业".into()), 1),
            unit("家"),
        ],
    ]));
    for (key, text, hint) in [
        (
            "work_plan",
            "三、项目工作方案",
            "（项目目的意义、工作内容、保障措施等）",
        ),
        (
            "implementation_plan",
            "四、项目实施计划",
            "（按照月度计划填写）",
        ),
        (
            "expected_targets",
            "五、项目预期目标及成果形式",
            "（目标明确、可量化）",
        ),
    ] {
        b.push(Block::Heading {
            text: text.into(),
            section: Some(key.into()),
        });
        b.push(Block::TextBox {
            section: key.into(),
            hint: hint.into(),
        });
    }
    // The performance targets (附件1) the rubric checks, one row each.
    let targets: Vec<Row> = r
        .facts
        .iter()
        .filter(|f| is_target(f))
        .map(|f| fact_row(f, 3))
        .collect();
    if !targets.is_empty() {
        b.push(Block::Para("项目绩效目标（对照附件1填写）：".into()));
        b.push(Block::Table(targets));
    }
    b.push(Block::Heading {
        text: "六、项目参与人员".into(),
        section: Some("personnel".into()),
    });
    b.push(Block::Table(vec![
        vec![wide_label("项目负责人：　　　　（签字）", 6)],
        pairs([
            ("姓名", Slot::Lead("name")),
            ("学历", Slot::Lead("education")),
            ("身份证号码", Slot::Lead("id_number")),
        ]),
        pairs([
            ("所在部门", Slot::Lead("department")),
            ("职务", Slot::Lead("title")),
            ("现从事专业", Slot::Lead("major")),
        ]),
        vec![
            label("手机"),
            value(Slot::Lead("mobile"), 1),
            label("电子邮箱"),
            value(Slot::Lead("email"), 3),
        ],
    ]));
    b.push(Block::Para("项目主要人员（可续行）：".into()));
    b.push(Block::TeamTable { rows: 8 });
    b.push(Block::Heading {
        text: "七、经费预算".into(),
        section: Some("budget".into()),
    });
    b.push(Block::Table(vec![pairs([
        ("项目总金额", Slot::Note("项目总金额".into())),
        ("财政资金", fact("fiscal_funding_wan")),
        ("自筹资金", fact("self_funding_wan")),
    ])]));
    b.push(Block::Para(
        "经费预算（明确区分财政资金与自筹资金，可续行）：".into(),
    ));
    b.push(Block::BudgetTable { rows: 6 });
    b.push(Block::Heading {
        text: "八、单位意见".into(),
        section: None,
    });
    b.push(Block::Para(
        "本单位符合项目申报条件，承诺所提供资料真实有效，并承担可能引起的一切后果。同意申报。"
            .into(),
    ));
    b.push(Block::Table(vec![
        vec![
            label("园区管理机构与知识产权服务机构建立协同工作机制（共同申报）"),
            value(check("has_service_agency_cooperation"), 1),
        ],
        vec![
            label("承担单位（签章）"),
            value(Slot::Note("承担单位".into()), 1),
        ],
        vec![
            label("参加单位（签章）"),
            value(Slot::Id(IdField::Partner), 1),
        ],
    ]));
    b.push(Block::Para(
        "附件材料清单（与申报书电子版放在同一文件夹，文件名与下表一致）：".into(),
    ));
    b.push(Block::AttachmentTable { rows: 5 });
    let mut l = FormLayout {
        program: r.id.clone(),
        title: "上海市园区知识产权集中托管项目申报书".into(),
        from_seed: true,
        blocks: b,
    };
    // A fact the rows above do not hold (a rubric newer than this layout) still gets a row.
    let placed = placed_facts(&l);
    let rest: Vec<Row> = r
        .facts
        .iter()
        .filter(|f| f.key != "team_size" && !placed.contains(&f.key))
        .map(|f| fact_row(f, 1))
        .collect();
    if !rest.is_empty() {
        l.blocks.push(Block::Heading {
            text: "附：评审所需的其他数据".into(),
            section: None,
        });
        l.blocks.push(Block::Table(rest));
    }
    l
}

/// The 填报说明 of seed 003's 申报书 (word for word).
const PC_INSTRUCTIONS: &[&str] = &[
    "1.申报书的内容将作为项目评审、签订任务书的重要依据，申报书的各项填报内容及附件材料必须实事求是、准确严谨、层次清晰。申报单位对申报材料的合法性、真实性、完整性负责。",
    "2.封面中项目编号不需填写。",
    "3.申报书各栏目不得空缺，无内容时填“无”。 各栏不够填写时，请自行加页。",
    "4. 申报单位需准备的相关附件材料：营业执照复印件;相关认证、资质、荣誉等证书复印件；项目负责人和项目团队成员职称证、职业资格证等复印件；申报单位承担的相关项目任务书和成果证明材料复印件（篇幅较长的材料可以仅提供封面或目录及相关页）；其他需要提交的支撑材料。",
    "5.申报书及相关材料一律采用 A4 纸张双面打印，并于左侧装订成册，打印一式两份（签名并加盖公章）。",
];

/// The undertaking printed in both opinions of seed 003's 五、单位意见.
const PC_PLEDGE: &str = "所提交的资料真实有效，并自愿承担相应责任。同意申报。";

/// Seed 003 (`ip-operation-promotion-center`): the 申报书 of its 附件1 as printed — 填报说明,
/// 申报单位基本信息 with its hints and the 人员信息 grid, the two text parts with their
/// hints, 四、项目组成员信息 (项目负责人 and 项目组全部成员), 五、单位意见 — then the
/// rubric's facts, for which the notice's form has no row, in 附：评审所需数据. The notice
/// numbers only 三 to 五; the first two parts are numbered 一、二 here as in the rubric.
fn promotion_center(r: &Rubric) -> FormLayout {
    use IdField::*;
    let mut b = vec![
        Block::Para("项目编号：".into()),
        Block::Title("上海市知识产权运营促进中心项目".into()),
        Block::Title("项目申报书".into()),
        Block::Table(vec![vec![label("项目名称"), value(Slot::Title, 3)]]),
        Block::Center("填报日期：　　年　　月　　日".into()),
        Block::PageBreak,
        Block::Title("填 报 说 明".into()),
    ];
    b.extend(PC_INSTRUCTIONS.iter().map(|s| Block::Para(s.to_string())));
    b.push(Block::PageBreak);
    b.push(Block::Heading {
        text: "一、申报单位基本信息".into(),
        section: Some("basic_info".into()),
    });
    b.push(Block::Table(vec![
        vec![label("申报单位"), value(Slot::Id(Applicant), 1)],
        vec![
            label("单位性质（公益1类、2类、3类事业单位、科研机构、国有企业等）"),
            value(Slot::Id(UnitNature), 1),
        ],
        vec![label("统一社会信用代码"), value(Slot::Id(CreditCode), 1)],
        vec![
            label("开户银行（公益1类事业单位不用填）"),
            value(Slot::Id(Bank), 1),
        ],
        vec![
            label("银行账号（公益1类事业单位不用填）"),
            value(Slot::Id(BankAccount), 1),
        ],
        vec![
            label("通信地址（邮政编码）"),
            value(Slot::Id(PostalAddress), 1),
        ],
    ]));
    b.push(Block::Grid {
        corner: "人员信息".into(),
        columns: ["姓名", "身份证号码", "电话（手机）", "电子邮箱"]
            .map(String::from)
            .to_vec(),
        rows: vec![
            (
                "单位法人".into(),
                vec![
                    Slot::Id(LegalRep),
                    Slot::Id(LegalRepIdNumber),
                    Slot::Id(LegalRepPhone),
                    Slot::Id(LegalRepEmail),
                ],
            ),
            (
                "项目负责人".into(),
                vec![
                    Slot::Lead("name"),
                    Slot::Lead("id_number"),
                    Slot::Lead("mobile"),
                    Slot::Lead("email"),
                ],
            ),
            (
                "项目联系人".into(),
                vec![
                    Slot::Id(ContactPerson),
                    Slot::Id(ContactIdNumber),
                    Slot::Id(Mobile),
                    Slot::Id(Email),
                ],
            ),
        ],
    });
    b.push(Block::Table(vec![vec![
        label("单位主营业务范围"),
        value(Slot::Note("单位主营业务范围".into()), 1),
    ]]));
    for (key, text, hint) in [
        (
            "capability",
            "二、申报单位承担项目能力基本情况",
            "（申报单位简介；所在系统简介；项目人员构成；机构合作情况；知识产权运营能力条件简述；专利许可转让、作价入股、跨境交易等知识产权运营工作或科技成果转化工作实际开展状况和成效简述；所获荣誉奖项等，1000字以内，详细内容另外附页。）",
        ),
        (
            "plan_targets",
            "三、项目实施方案和绩效目标",
            "（拟开展的工作计划、推进举措、资金安排和保障措施，预计2021-2023年完成的绩效成果产出等，1000字以内，详细方案另外附页。）",
        ),
    ] {
        b.push(Block::Heading {
            text: text.into(),
            section: Some(key.into()),
        });
        b.push(Block::TextBox {
            section: key.into(),
            hint: hint.into(),
        });
    }
    b.push(Block::Heading {
        text: "四、项目组成员信息".into(),
        section: Some("team".into()),
    });
    b.push(Block::Table(vec![
        vec![wide_label("项目负责人", 6)],
        pairs([
            ("姓名", Slot::Lead("name")),
            ("性别", Slot::Lead("gender")),
            ("身份证号码", Slot::Lead("id_number")),
        ]),
        pairs([
            ("学历", Slot::Lead("education")),
            ("职务/职称", Slot::Lead("title")),
            ("现从事专业", Slot::Lead("major")),
        ]),
        vec![
            label("所在部门"),
            value(Slot::Lead("department"), 1),
            label("职务"),
            value(Slot::Note("项目负责人职务".into()), 3),
        ],
        vec![
            label("手机"),
            value(Slot::Lead("mobile"), 1),
            label("电子邮箱"),
            value(Slot::Lead("email"), 3),
        ],
        vec![
            label("固定电话"),
            value(Slot::Lead("landline"), 1),
            label("签名"),
            value(Slot::Note("项目负责人签名".into()), 3),
        ],
    ]));
    b.push(Block::Para("项目组全部成员".into()));
    b.push(Block::MemberTable { rows: 4 });
    b.push(Block::Heading {
        text: "五、单位意见".into(),
        section: Some("opinions".into()),
    });
    b.push(Block::Para("申报单位意见".into()));
    b.push(Block::Table(vec![vec![
        label("申报单位承诺及意见"),
        label(PC_PLEDGE),
    ]]));
    b.push(Block::Para("单位签章：".into()));
    b.push(Block::Para("年　　月　　日".into()));
    b.push(Block::Para("推荐单位意见".into()));
    b.push(Block::Table(vec![
        vec![label("推荐单位意见"), label(PC_PLEDGE)],
        vec![label("推荐单位名称"), value(Slot::Id(Recommender), 1)],
    ]));
    b.push(Block::Para("单位签章：".into()));
    b.push(Block::Para("年　　月　　日".into()));
    let mut l = FormLayout {
        program: r.id.clone(),
        title: "上海市知识产权运营促进中心项目申报书".into(),
        from_seed: true,
        blocks: b,
    };
    // The notice's form has no row for the rubric's facts: one row each, after the form.
    let rest: Vec<Row> = r
        .facts
        .iter()
        .filter(|f| !placed_facts(&l).contains(&f.key))
        .map(|f| fact_row(f, 1))
        .collect();
    if !rest.is_empty() {
        l.blocks.push(Block::Heading {
            text: "附：评审所需数据".into(),
            section: None,
        });
        l.blocks.push(Block::Para(
            "说明：以下各栏为评审规则（派生，非通知原文的评分表）所需的事实，通知所附申报书未设此栏；请按申报书所填内容如实填写。"
                .into(),
        ));
        l.blocks.push(Block::Table(rest));
    }
    l
}

/// The facts the layout already has a slot for.
fn placed_facts(l: &FormLayout) -> Vec<String> {
    slot_paths(l)
        .into_iter()
        .filter_map(|(s, _)| match s {
            Slot::Fact(k) | Slot::Check(k) | Slot::Year(k, _) => Some(k),
            _ => None,
        })
        .collect()
}

/// A performance target of 附件1 (五、项目预期目标及成果形式).
fn is_target(f: &FactDecl) -> bool {
    f.form_ref.starts_with("五、") || f.form_ref.contains("绩效目标")
}

/// A label | value | unit row for one fact (checkboxes for bool and enum facts).
fn fact_row(f: &FactDecl, value_span: usize) -> Row {
    // Target labels keep their 目标： (the same words name a work-foundation count).
    let lab = f
        .label
        .trim_end_matches(&format!("（{}）", f.unit))
        .to_string();
    match f.ty {
        FactType::Bool | FactType::Enum => vec![
            label(&lab),
            value(Slot::Check(f.key.clone()), value_span + 1),
        ],
        FactType::Years => {
            let mut row = vec![label(&lab)];
            for (i, y) in f.years.iter().enumerate() {
                row.push(label(&format!("{y}年")));
                row.push(value(Slot::Year(f.key.clone(), i), 1));
            }
            row
        }
        _ => vec![
            label(&lab),
            value(Slot::Fact(f.key.clone()), value_span),
            unit(if f.unit.is_empty() { "　" } else { &f.unit }),
        ],
    }
}

/// The form of a rubric without a seed layout: cover, applicant table, then per section
/// the facts whose `form_ref` names it and a text box; facts of no section last.
fn generic(r: &Rubric) -> FormLayout {
    use IdField::*;
    let mut b = vec![
        Block::Title(r.title.clone()),
        Block::Title("申报书".into()),
        Block::Para(generic_note(r)),
        Block::Table(vec![
            vec![label("项目名称"), value(Slot::Title, 3)],
            vec![label("起止时间"), value(Slot::Period, 3)],
        ]),
        Block::Heading {
            text: "申报单位及联系人".into(),
            section: None,
        },
        Block::Table(vec![
            vec![label("申报单位"), value(Slot::Id(Applicant), 3)],
            vec![label("统一社会信用代码"), value(Slot::Id(CreditCode), 3)],
            pairs([
                ("法定代表人", Slot::Id(LegalRep)),
                ("电话", Slot::Id(LegalRepPhone)),
            ]),
            vec![label("注册地址"), value(Slot::Id(Address), 3)],
            pairs([
                ("项目联系人", Slot::Id(ContactPerson)),
                ("联系人手机", Slot::Id(Mobile)),
            ]),
            pairs([
                ("联系人电话", Slot::Id(Landline)),
                ("E-mail", Slot::Id(Email)),
            ]),
        ]),
    ];
    let mut used = vec![false; r.facts.len()];
    for s in &r.sections {
        b.push(Block::Heading {
            text: s.title.clone(),
            section: Some(s.key.clone()),
        });
        let head = strip_numbering(&s.title);
        let mut rows: Vec<Row> = Vec::new();
        for (i, f) in r.facts.iter().enumerate() {
            let first = f.form_ref.split(['/', '；']).next().unwrap_or("").trim();
            let part = strip_numbering(first);
            if !used[i] && !part.is_empty() && (head.contains(&part) || part.contains(&head)) {
                used[i] = true;
                rows.push(fact_row(f, 1));
            }
        }
        if !rows.is_empty() {
            b.push(Block::Table(rows));
        }
        b.push(Block::TextBox {
            section: s.key.clone(),
            hint: String::new(),
        });
    }
    let rest: Vec<Row> = r
        .facts
        .iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .map(|(_, f)| fact_row(f, 1))
        .collect();
    if !rest.is_empty() {
        b.push(Block::Heading {
            text: "附：评审所需数据".into(),
            section: None,
        });
        b.push(Block::Table(rest));
    }
    FormLayout {
        program: r.id.clone(),
        title: format!("{}申报书", r.title),
        from_seed: false,
        blocks: b,
    }
}

/// Whether the call prints a 申报书 of its own (its source names one), whose sections a form
/// without a seed layout follows.
pub fn call_prints_a_form(r: &Rubric) -> bool {
    r.source.contains("申报书")
}

/// What a form without a seed layout says about where its parts come from.
fn generic_note(r: &Rubric) -> String {
    let seed_form = call_prints_a_form(r);
    let rules = if r.derived {
        "评审规则（派生，非通知原文的评分表）"
    } else {
        "评审规则"
    };
    if seed_form {
        format!(
            "说明：本申报书的章节取自通知所附申报书；各章节下的数据栏是{rules}所需的事实，通知所附申报书未逐项规定，填写时以通知原文为准。"
        )
    } else {
        format!(
            "说明：通知未附申报书格式；本申报书的章节和数据栏由{rules}所需的申报材料章节和事实生成，填写时以通知原文为准。"
        )
    }
}

/// `申报书 三、项目工作方案（…）` → `项目工作方案`: the document name, the numbering and
/// parenthesised parts dropped.
fn strip_numbering(s: &str) -> String {
    let s = s
        .trim()
        .trim_start_matches("申报书")
        .trim_start_matches("申报材料")
        .trim();
    let s = match s.find('、') {
        Some(i) if s[..i].chars().count() <= 3 => &s[i + '、'.len_utf8()..],
        _ => s,
    };
    s.split(['（', '(']).next().unwrap_or(s).trim().to_string()
}

/// The value cells of the layout's grids: (slot, row label, column header).
pub fn grid_cells(l: &FormLayout) -> Vec<(Slot, String, String)> {
    let mut out = Vec::new();
    for b in &l.blocks {
        if let Block::Grid { columns, rows, .. } = b {
            for (label, slots) in rows {
                for (col, slot) in columns.iter().zip(slots) {
                    out.push((slot.clone(), label.clone(), col.clone()));
                }
            }
        }
    }
    out
}

/// Every value slot of the layout with the labels before it in its row (the row's first
/// label, then the last label before the slot; in a grid, the row label and the column
/// header): the reader's search path.
pub fn slot_paths(l: &FormLayout) -> Vec<(Slot, Vec<String>)> {
    let mut out = Vec::new();
    for b in &l.blocks {
        if let Block::Grid { columns, rows, .. } = b {
            for (label, slots) in rows {
                for (col, slot) in columns.iter().zip(slots) {
                    out.push((slot.clone(), vec![label.clone(), col.clone()]));
                }
            }
            continue;
        }
        let Block::Table(rows) = b else { continue };
        for row in rows {
            let mut first: Option<&str> = None;
            let mut last: Option<&str> = None;
            for (c, _) in row {
                match c {
                    Cell::Label(s) => {
                        if first.is_none() {
                            first = Some(s);
                        }
                        last = Some(s);
                    }
                    Cell::Value(slot) => {
                        let mut path = Vec::new();
                        if let Some(f) = first {
                            path.push(f.to_string());
                        }
                        if let Some(l) = last {
                            if Some(l) != first {
                                path.push(l.to_string());
                            }
                        }
                        out.push((slot.clone(), path));
                    }
                    Cell::Unit(_) => {}
                }
            }
        }
    }
    out
}
