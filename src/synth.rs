//! Synthetic panels for benchmarks and load tests (`panel synth`).
//!
//! A synthetic panel is a panel directory like the fixtures, at any size:
//!
//! ```text
//! DIR/panel.json      panel/1, E experts, rubric "rubric.json"
//! DIR/rubric.json     C single-item expert criteria (K01 … with item K01.1, step 0.5), maxima adding up
//!                     to 100 in 1–5 categories, declared sections and a few facts
//! DIR/bundles/*.json  one bundle per application (a few KB of Chinese-looking text, no
//!                     personal data), unless `bundles` is false (the directory is then empty)
//! DIR/scores.csv      application,expert,criterion,value — each application scored by K of
//!                     the E experts; criterion ids are valid score keys for `panel import`
//!                     and `panel results --scores`
//! DIR/conflicts.csv   application,expert — the declared conflicts (their rows are omitted)
//! ```
//!
//! Values are realistic: per-application quality + per-expert lean + per-criterion effect +
//! noise, as a share of the criterion max, rounded to the step (0.5) and clamped to
//! `[0, max]`; a few reviews are wild (outliers). Maxima are whole points up to 100 criteria,
//! half points above.
//! About 1 % of (application, expert) pairs are declared conflicts and 0.5 % are missing
//! reviews (gaps: no rows, nothing declared), so some small panels fall below quorum.
//!
//! Everything is deterministic for a seed: the generator is SplitMix64 (no dependency on
//! `rand`'s stream stability), every application, expert and bundle draws from its own stream
//! derived from the seed, and no file holds a timestamp. The same spec and seed give the
//! same bytes, whether bundles are written or not.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::atomic_file::{self, Options};
use crate::bundle::{self, Attachment, Bundle, Section};
use crate::panel::{self, Expert, PanelConfig};
use crate::rubric::{
    AggregationDefaults, Category, Criterion, Evidence, FactDecl, FactType, Funding, Item, Rubric,
    Rule, SectionDecl,
};

/// Largest supported number of criteria (each needs at least 0.5 of the 100 points).
pub const MAX_CRITERIA: usize = 200;
/// Largest supported number of experts.
pub const MAX_EXPERTS: usize = 9_999;
/// Largest supported number of applications.
pub const MAX_APPS: usize = 10_000_000;

/// Rubric id of every synthetic panel.
pub const RUBRIC_ID: &str = "synthetic";
/// Share of (application, expert) pairs declared as conflicts, in 1/10,000.
const CONFLICT_PER_10K: u64 = 100;
/// Share of (application, expert) pairs never scored (gaps), in 1/10,000.
const GAP_PER_10K: u64 = 50;
/// Share of reviews that are wild (a large lean for that one review), in 1/10,000.
const WILD_PER_10K: u64 = 50;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub apps: usize,
    pub experts: usize,
    pub criteria: usize,
    /// Experts per application (K ≤ E).
    pub per_app: usize,
    pub seed: u64,
    /// Write one bundle per application.
    pub bundles: bool,
    /// Approximate UTF-8 bytes of section text per bundle.
    pub text_bytes: usize,
}

impl Spec {
    /// A spec with `per_app = min(3, experts)`, seed 1, bundles of about 4 KB.
    pub fn new(apps: usize, experts: usize, criteria: usize) -> Spec {
        Spec {
            apps,
            experts,
            criteria,
            per_app: experts.min(3),
            seed: 1,
            bundles: true,
            text_bytes: 4096,
        }
    }

    /// Checks the ranges; the message says what to change.
    pub fn validate(&self) -> Result<(), SynthError> {
        let bad = |m: String| Err(SynthError::Spec(m));
        if self.apps == 0 || self.apps > MAX_APPS {
            return bad(format!(
                "--apps {} is out of range; give 1 to {MAX_APPS}",
                self.apps
            ));
        }
        if self.experts == 0 || self.experts > MAX_EXPERTS {
            return bad(format!(
                "--experts {} is out of range; give 1 to {MAX_EXPERTS}",
                self.experts
            ));
        }
        if self.criteria == 0 || self.criteria > MAX_CRITERIA {
            return bad(format!(
                "--criteria {} is out of range; give 1 to {MAX_CRITERIA} (each criterion needs at least 0.5 of the 100 points)",
                self.criteria
            ));
        }
        if self.per_app == 0 || self.per_app > self.experts {
            return bad(format!(
                "--per-app {} is out of range; give 1 to --experts ({})",
                self.per_app, self.experts
            ));
        }
        Ok(())
    }

    /// Panel id: `synth-<apps>x<experts>x<criteria>-k<per_app>-s<seed>`.
    pub fn panel_id(&self) -> String {
        format!(
            "synth-{}x{}x{}-k{}-s{}",
            self.apps, self.experts, self.criteria, self.per_app, self.seed
        )
    }

    /// Code of application `i` (0-based): `SY00001` … (at least 5 digits).
    pub fn app_code(&self, i: usize) -> String {
        let w = digits(self.apps).max(5);
        format!("SY{:0w$}", i + 1)
    }

    /// Id of expert `e` (0-based): `E01` … (at least 2 digits).
    pub fn expert_id(&self, e: usize) -> String {
        let w = digits(self.experts).max(2);
        format!("E{:0w$}", e + 1)
    }

    /// Id of criterion `c` (0-based): `K01` … (at least 2 digits); its only item is `<id>.1`.
    pub fn criterion_id(&self, c: usize) -> String {
        let w = digits(self.criteria).max(2);
        format!("K{:0w$}", c + 1)
    }
}

fn digits(n: usize) -> usize {
    n.max(1).to_string().len()
}

/// Errors of the generator.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("synthetic panel: {0}")]
    Spec(String),
    #[error("{}: {message}", path.display())]
    Exists { path: PathBuf, message: String },
    #[error("{}: cannot write: {source}. Check the path, free space and permissions.", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Generated files are ordinary documents, stored atomically.
const DOCUMENT: Options = Options::DOCUMENT;

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

// ---------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and its stream is fixed forever (unlike `rand::StdRng`).
#[derive(Debug, Clone)]
pub struct Rng(u64);

/// Stream ids, so that each part of the panel draws independently.
const S_RUBRIC: u64 = 1;
const S_APP: u64 = 2;
const S_EXPERT: u64 = 3;
const S_BUNDLE: u64 = 4;
const S_TEXT: u64 = 5;

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for (seed, kind, index).
    pub fn stream(seed: u64, kind: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ kind.wrapping_mul(0xA076_1D64_78BD_642F));
        let a = r.next_u64();
        let mut r = Rng(a ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; multiply-shift, bias below 2⁻³²).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() >> 32) * n) >> 32
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Approximately standard normal (Irwin–Hall of 4 uniforms, rescaled): only additions,
    /// so the same on every platform.
    pub fn normal(&mut self) -> f64 {
        let s = self.unit() + self.unit() + self.unit() + self.unit();
        (s - 2.0) * 1.732_050_807_568_877_2
    }

    /// True with probability `per_10k` / 10,000.
    pub fn chance(&mut self, per_10k: u64) -> bool {
        self.below(10_000) < per_10k
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// Rubric
// ---------------------------------------------------------------------------------------------

const CATEGORY_TITLES: [(&str, &str); 5] = [
    ("工作基础", "Foundation"),
    ("工作方案", "Work plan"),
    ("实施保障", "Implementation"),
    ("创新成效", "Results"),
    ("服务能力", "Service capacity"),
];

const CRITERION_TITLES: [(&str, &str); 16] = [
    ("产业基础", "Industrial base"),
    ("管理机制", "Management"),
    ("服务成效", "Service results"),
    ("工作内容", "Work content"),
    ("工作目标", "Targets"),
    ("实施计划", "Schedule"),
    ("人员组织", "Staffing"),
    ("资金预算", "Budget"),
    ("专利导航", "Patent navigation"),
    ("质押融资", "Pledge financing"),
    ("维权援助", "Enforcement support"),
    ("人才培养", "Training"),
    ("品牌建设", "Brands"),
    ("转化运用", "Commercialization"),
    ("公共服务", "Public services"),
    ("协同机制", "Cooperation"),
];

/// (key, title, title_en) of the declared sections.
pub const SECTIONS: [(&str, &str, &str); 5] = [
    ("basic_info", "一、基本情况", "Basic information"),
    ("foundation", "二、工作基础", "Work foundation"),
    ("plan", "三、工作方案", "Work plan"),
    ("targets", "四、预期目标", "Expected targets"),
    ("budget", "五、经费预算", "Budget"),
];

/// Half points as a decimal (`9` → 4.5).
pub fn half_points(h: u32) -> Decimal {
    Decimal::new(i64::from(h) * 5, 1).normalize()
}

/// Criterion maxima in half points, adding up to 100 points: whole points up to 100
/// criteria, half points above.
pub fn maxima(spec: &Spec) -> Vec<u32> {
    let c = spec.criteria.clamp(1, MAX_CRITERIA);
    let whole = c <= 100;
    let total: u32 = if whole { 100 } else { 200 };
    let mut rng = Rng::stream(spec.seed, S_RUBRIC, 0);
    let w: Vec<u64> = (0..c).map(|_| 2 + rng.below(9)).collect();
    let sum: u64 = w.iter().sum();
    let mut units: Vec<u32> = w
        .iter()
        .map(|&x| ((u64::from(total) * x / sum) as u32).max(1))
        .collect();
    let mut have: u32 = units.iter().sum();
    let mut i = 0;
    while have < total {
        units[i % c] += 1;
        have += 1;
        i += 1;
    }
    while have > total {
        if units[i % c] > 1 {
            units[i % c] -= 1;
            have -= 1;
        }
        i += 1;
    }
    if whole {
        units.iter_mut().for_each(|u| *u *= 2);
    }
    units
}

/// Number of categories: about one per six criteria, 1 to 5.
fn n_categories(c: usize) -> usize {
    c.div_ceil(6).clamp(1, 5).min(c)
}

/// The synthetic rubric.
pub fn rubric(spec: &Spec) -> Rubric {
    let units = maxima(spec);
    let c = units.len();
    let ncat = n_categories(c);
    let mut categories: Vec<Category> = Vec::with_capacity(ncat);
    for k in 0..ncat {
        let lo = k * c / ncat;
        let hi = (k + 1) * c / ncat;
        let (title, title_en) = CATEGORY_TITLES[k % CATEGORY_TITLES.len()];
        let id = ((b'A' + k as u8) as char).to_string();
        let mut criteria = Vec::with_capacity(hi - lo);
        let mut cat_units = 0u32;
        for (i, &u) in units.iter().enumerate().take(hi).skip(lo) {
            cat_units += u;
            let max = half_points(u);
            let cid = spec.criterion_id(i);
            let (t, te) = CRITERION_TITLES[i % CRITERION_TITLES.len()];
            let s1 = SECTIONS[1 + i % 4].0;
            let s2 = SECTIONS[(2 + i) % 5].0;
            let mut sections = vec![s1.to_string()];
            if s2 != s1 {
                sections.push(s2.to_string());
            }
            let facts = match i % 4 {
                0 => vec!["valid_patents".to_string()],
                1 => vec!["employees".to_string(), "has_ip_office".to_string()],
                2 => vec!["requested_funding_wan".to_string()],
                _ => vec![],
            };
            let hi_band = max * Decimal::new(8, 1);
            criteria.push(Criterion {
                id: cid.clone(),
                title: format!("{t}（{}）", i + 1),
                title_en: format!("{te} ({})", i + 1),
                max,
                requirement: format!("{t}情况清晰，措施具体可行，目标可量化、可考核。"),
                standard: format!(
                    "专家根据申报材料综合评价：优秀得{}～{}分，良好得{}～{}分，一般及以下酌情给分。",
                    show(hi_band.round_dp(0).min(max)),
                    show(max),
                    show((max * Decimal::new(5, 1)).round_dp(0)),
                    show(hi_band.round_dp(0).min(max)),
                ),
                standard_en: "Expert judgement from the application: excellent near the max, \
                              good from half of it, fair and below at discretion."
                    .into(),
                weight: Decimal::ONE,
                evidence: Evidence { sections, facts },
                items: vec![Item {
                    id: format!("{cid}.1"),
                    text: format!("{t}：专家综合评分（0～{}分）", show(max)),
                    text_en: format!("{te}: expert judgement (0–{})", show(max)),
                    rule: Rule::Expert { max },
                    requires: vec![],
                    step: Some(Decimal::new(5, 1)),
                }],
            });
        }
        categories.push(Category {
            id,
            title: title.into(),
            title_en: title_en.into(),
            max: half_points(cat_units),
            bonus: false,
            capped: false,
            criteria,
        });
    }
    let tie_break = if ncat >= 2 {
        vec!["B".to_string()]
    } else {
        vec![]
    };
    let fact = |key: &str, label: &str, label_en: &str, unit: &str, ty: FactType| FactDecl {
        key: key.into(),
        label: label.into(),
        label_en: label_en.into(),
        unit: unit.into(),
        ty,
        values: vec![],
        years: vec![],
        nullable: false,
        min: if ty == FactType::Bool {
            None
        } else {
            Some(Decimal::ZERO)
        },
        max: None,
        form_ref: String::new(),
    };
    Rubric {
        id: RUBRIC_ID.into(),
        title: format!("合成评审标准（{c}项指标）"),
        title_en: format!("Synthetic rubric ({c} criteria)"),
        version: format!("seed-{}", spec.seed),
        source: "panel synth".into(),
        derived: true,
        notes: vec![
            "Generated by `panel synth` for benchmarks and load tests; not an official rubric."
                .into(),
        ],
        warnings: vec![],
        total_max: Decimal::from(100),
        sections: SECTIONS
            .iter()
            .map(|(k, t, te)| SectionDecl {
                key: (*k).into(),
                title: (*t).into(),
                title_en: (*te).into(),
            })
            .collect(),
        facts: vec![
            fact(
                "requested_funding_wan",
                "申请财政资金",
                "Requested funding",
                "万元",
                FactType::Number,
            ),
            fact("employees", "从业人员", "Employees", "人", FactType::Int),
            fact(
                "valid_patents",
                "有效发明专利",
                "Valid invention patents",
                "件",
                FactType::Int,
            ),
            fact(
                "has_ip_office",
                "设有知识产权管理机构",
                "Has an IP office",
                "",
                FactType::Bool,
            ),
        ],
        eligibility: vec![],
        targets: vec![],
        funding: Funding {
            quota: Some(quota(spec.apps)),
            per_award_cap_wan: Some(Decimal::from(50)),
            budget_wan: None,
            self_funding_ratio: None,
            min_team: None,
            requested_fact: Some("requested_funding_wan".into()),
            notes: vec![],
        },
        aggregation: AggregationDefaults {
            method: "trimmed".into(),
            trim: 1,
            by: "total".into(),
            // The benchmark's pandas peer (bench/pandas_rank.py) applies a pass mark of 60.
            threshold: Some(Decimal::from(60)),
            threshold_basis: "synthetic benchmark panel: pass mark 60, as bench/pandas_rank.py \
                              applies"
                .into(),
            ..AggregationDefaults::default()
        },
        tie_break,
        tracks: vec![],
        categories,
        opinion: None,
    }
}

/// Quota of a synthetic panel: 5 % of the applications, at least 3.
pub fn quota(apps: usize) -> usize {
    (apps / 20).max(3)
}

fn show(d: Decimal) -> String {
    crate::rubric::num::show(d)
}

// ---------------------------------------------------------------------------------------------
// Text and bundles
// ---------------------------------------------------------------------------------------------

const SUBJECTS: [&str; 8] = [
    "园区",
    "项目组",
    "服务机构",
    "运营中心",
    "托管平台",
    "专业团队",
    "合作单位",
    "企业联盟",
];
const VERBS: [&str; 8] = [
    "建立健全",
    "持续完善",
    "统筹推进",
    "深入开展",
    "系统梳理",
    "积极探索",
    "稳步提升",
    "全面落实",
];
const OBJECTS: [&str; 12] = [
    "知识产权管理制度",
    "专利导航服务",
    "高价值专利培育工作",
    "知识产权质押融资",
    "维权援助机制",
    "企业知识产权托管服务",
    "专利转化运用",
    "知识产权人才培养",
    "海外知识产权预警",
    "商标品牌建设",
    "公共服务平台功能",
    "知识产权保险业务",
];
const TAILS: [&str; 6] = [
    "，形成了较为完整的工作体系。",
    "，取得阶段性成效。",
    "，服务覆盖面进一步扩大。",
    "，为区域创新发展提供支撑。",
    "，年度目标任务全部完成。",
    "，相关经验在全市推广。",
];

/// One sentence of Chinese-looking application prose. Numbers are small counts with a unit,
/// years and amounts in 万元: nothing the personal-data scan may flag.
fn sentence(rng: &mut Rng, out: &mut String) {
    use std::fmt::Write as _;
    match rng.below(4) {
        0 => {
            let _ = write!(
                out,
                "截至{}年底，累计服务企业{}家，新增发明专利{}件，实现质押融资{}万元。",
                2019 + rng.below(6),
                10 + rng.below(990),
                1 + rng.below(500),
                10 + rng.below(9990)
            );
        }
        1 => {
            let _ = write!(
                out,
                "组织专题培训{}场次，参训{}人次，满意度{}%。",
                1 + rng.below(40),
                20 + rng.below(900),
                80 + rng.below(20)
            );
        }
        _ => {
            out.push_str(rng.pick(&SUBJECTS));
            out.push_str(rng.pick(&VERBS));
            out.push_str(rng.pick(&OBJECTS));
            out.push_str(rng.pick(&TAILS));
        }
    }
}

/// About `bytes` UTF-8 bytes of Chinese-looking prose in paragraphs (deterministic for a
/// seed; at least `bytes`, at most one sentence more).
pub fn chinese_text(seed: u64, bytes: usize) -> String {
    let mut rng = Rng::stream(seed, S_TEXT, bytes as u64);
    let mut s = String::with_capacity(bytes + 256);
    let mut in_para = 0;
    while s.len() < bytes {
        sentence(&mut rng, &mut s);
        in_para += 1;
        if in_para >= 4 + rng.below(4) {
            s.push('\n');
            in_para = 0;
        }
    }
    s
}

const TITLES: [&str; 6] = [
    "知识产权集中托管服务项目",
    "知识产权运营服务体系建设项目",
    "高价值专利培育项目",
    "知识产权公共服务能力提升项目",
    "专利转化运用促进项目",
    "知识产权金融服务项目",
];

/// The bundle of application `i` (0-based).
pub fn bundle(spec: &Spec, i: usize) -> Bundle {
    let mut rng = Rng::stream(spec.seed, S_BUNDLE, i as u64);
    let code = spec.app_code(i);
    let requested = 10 + rng.below(41); // 10..=50 万元
    let mut facts = Map::new();
    if rng.below(10) > 0 {
        facts.insert(
            "requested_funding_wan".into(),
            Value::from(requested as i64),
        );
    }
    if rng.below(4) > 0 {
        facts.insert("employees".into(), Value::from(5 + rng.below(5000) as i64));
    }
    if rng.below(4) > 0 {
        facts.insert("valid_patents".into(), Value::from(rng.below(800) as i64));
    }
    if rng.below(2) > 0 {
        facts.insert("has_ip_office".into(), Value::from(rng.below(3) > 0));
    }
    let per = spec.text_bytes / SECTIONS.len();
    let text_seed = rng.next_u64();
    let sections = SECTIONS
        .iter()
        .enumerate()
        .map(|(k, (key, title, _))| Section {
            key: (*key).into(),
            title: (*title).into(),
            text: chinese_text(text_seed ^ k as u64, per.max(1)),
        })
        .collect();
    let mut attachments = Vec::new();
    if rng.below(3) > 0 {
        let name = ["实施方案.pdf", "经费预算表.xlsx", "工作基础证明材料.pdf"]
            [rng.below(3) as usize]
            .to_string();
        attachments.push(Attachment {
            sha256: hex::encode(Sha256::digest(format!("{code}/{name}").as_bytes())),
            name,
            text: None,
        });
    }
    Bundle {
        schema: bundle::SCHEMA.into(),
        program: RUBRIC_ID.into(),
        title: format!("{}（合成样本 {}）", TITLES[i % TITLES.len()], i + 1),
        code,
        requested_wan: facts
            .get("requested_funding_wan")
            .map(|_| Decimal::from(requested)),
        facts,
        sections,
        attachments,
    }
}

/// The panel configuration (`rubric` = `rubric.json`).
pub fn panel_config(spec: &Spec) -> PanelConfig {
    PanelConfig {
        schema: panel::SCHEMA.into(),
        id: spec.panel_id(),
        title: format!(
            "合成评审（{} 项申报 × {} 位专家 × {} 项指标） / Synthetic panel",
            spec.apps, spec.experts, spec.criteria
        ),
        rubric: "rubric.json".into(),
        bundles: "bundles".into(),
        experts: (0..spec.experts)
            .map(|e| Expert {
                id: spec.expert_id(e),
                name: format!("专家{} Expert {}", e + 1, e + 1),
                public_key: None,
            })
            .collect(),
        chair: Some(spec.expert_id(0)),
        meeting: None,
        track: None,
        // synthetic experts have no keys (benchmarks merge unsigned sheets)
        signatures: Some("optional".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------------------------

/// Counts of what [`write_scores`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreStats {
    /// Data rows of `scores.csv`.
    pub rows: u64,
    /// (application, expert) pairs with rows.
    pub reviews: u64,
    /// Declared conflicts (no rows).
    pub conflicts: u64,
    /// Missing reviews (no rows, nothing declared).
    pub gaps: u64,
    /// Reviews with a large lean of their own.
    pub wild: u64,
}

/// One expert's review of one application, as a value per criterion in units of the step.
/// Calls `emit(expert index, criterion index, units)` for each value, applications in
/// order, experts ascending, criteria in order; `conflict(app, expert)` for each declared
/// conflict.
pub fn for_each_score(
    spec: &Spec,
    mut emit: impl FnMut(usize, usize, usize, u32),
    mut conflict: impl FnMut(usize, usize),
) -> ScoreStats {
    let units = maxima(spec);
    let c = units.len();
    let e = spec.experts;
    let k = spec.per_app.clamp(1, e);
    let leans: Vec<f64> = (0..e)
        .map(|x| {
            let mut r = Rng::stream(spec.seed, S_EXPERT, x as u64);
            0.06 * r.normal()
        })
        .collect();
    let mut stats = ScoreStats::default();
    let mut pool: Vec<usize> = (0..e).collect();
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    let mut effect = vec![0f64; c];
    for a in 0..spec.apps {
        let mut rng = Rng::stream(spec.seed, S_APP, a as u64);
        let quality = (0.66 + 0.14 * rng.normal()).clamp(0.05, 0.98);
        for x in effect.iter_mut() {
            *x = 0.08 * rng.normal();
        }
        // K distinct experts: partial Fisher–Yates, then ascending.
        chosen.clear();
        if k == e {
            chosen.extend(0..e);
        } else {
            for j in 0..k {
                let r = j + rng.below((e - j) as u64) as usize;
                pool.swap(j, r);
                chosen.push(pool[j]);
            }
            chosen.sort_unstable();
        }
        for &ex in &chosen {
            if rng.chance(CONFLICT_PER_10K) {
                stats.conflicts += 1;
                conflict(a, ex);
                continue;
            }
            if rng.chance(GAP_PER_10K) {
                stats.gaps += 1;
                continue;
            }
            let wild = if rng.chance(WILD_PER_10K) {
                stats.wild += 1;
                if rng.below(2) == 0 {
                    0.3
                } else {
                    -0.3
                }
            } else {
                0.0
            };
            stats.reviews += 1;
            let base = quality + leans[ex] + wild;
            for (ci, &u) in units.iter().enumerate() {
                let share = base + effect[ci] + 0.07 * rng.normal();
                let v = (share * f64::from(u)).round().clamp(0.0, f64::from(u)) as u32;
                emit(a, ex, ci, v);
                stats.rows += 1;
            }
        }
    }
    stats
}

/// Appends half points `h` as a plain decimal (`9` → `4.5`, `8` → `4`).
fn push_half(out: &mut Vec<u8>, h: u32) {
    push_u(out, u64::from(h / 2));
    if h % 2 == 1 {
        out.extend_from_slice(b".5");
    }
}

fn push_u(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Writes the scores CSV (`application,expert,criterion,value`, LF line ends, no BOM) to
/// `scores` and the declared conflicts (`application,expert`) to `conflicts`.
pub fn write_scores(
    spec: &Spec,
    scores: &mut dyn Write,
    conflicts: &mut dyn Write,
) -> io::Result<ScoreStats> {
    let apps: Vec<String> = (0..spec.apps).map(|i| spec.app_code(i)).collect();
    let experts: Vec<String> = (0..spec.experts).map(|e| spec.expert_id(e)).collect();
    let criteria: Vec<String> = (0..spec.criteria).map(|c| spec.criterion_id(c)).collect();
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(b"application,expert,criterion,value\n");
    let mut cbuf: Vec<u8> = b"application,expert\n".to_vec();
    let mut err: Option<io::Error> = None;
    let stats = for_each_score(
        spec,
        |a, e, c, v| {
            if err.is_some() {
                return;
            }
            buf.extend_from_slice(apps[a].as_bytes());
            buf.push(b',');
            buf.extend_from_slice(experts[e].as_bytes());
            buf.push(b',');
            buf.extend_from_slice(criteria[c].as_bytes());
            buf.push(b',');
            push_half(&mut buf, v);
            buf.push(b'\n');
            if buf.len() >= 1 << 16 {
                if let Err(e) = scores.write_all(&buf) {
                    err = Some(e);
                }
                buf.clear();
            }
        },
        |a, e| {
            cbuf.extend_from_slice(apps[a].as_bytes());
            cbuf.push(b',');
            cbuf.extend_from_slice(experts[e].as_bytes());
            cbuf.push(b'\n');
        },
    );
    if let Some(e) = err {
        return Err(e);
    }
    scores.write_all(&buf)?;
    conflicts.write_all(&cbuf)?;
    Ok(stats)
}

// ---------------------------------------------------------------------------------------------
// The directory
// ---------------------------------------------------------------------------------------------

/// What [`generate`] wrote.
#[derive(Debug, Clone)]
pub struct Report {
    pub dir: PathBuf,
    pub panel_id: String,
    pub rubric: PathBuf,
    pub scores: PathBuf,
    pub conflicts: PathBuf,
    /// Bundle files written (0 with `bundles: false`).
    pub bundles: usize,
    pub stats: ScoreStats,
    pub score_bytes: u64,
}

/// Writes a synthetic panel into `dir` (created if needed). Refuses a directory that already
/// holds a `panel.json` unless `force`; with `force`, the `*.json` files of `bundles/` are
/// removed first so that no stale bundle survives.
pub fn generate(spec: &Spec, dir: &Path, force: bool) -> Result<Report, SynthError> {
    spec.validate()?;
    let cfg_path = dir.join("panel.json");
    if cfg_path.exists() && !force {
        return Err(SynthError::Exists {
            path: cfg_path,
            message: "a panel is already here; choose another --out or pass --force to replace it"
                .into(),
        });
    }
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    let bdir = dir.join("bundles");
    fs::create_dir_all(&bdir).map_err(io_at(&bdir))?;
    if force {
        for entry in fs::read_dir(&bdir).map_err(io_at(&bdir))? {
            let p = entry.map_err(io_at(&bdir))?.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "json") {
                fs::remove_file(&p).map_err(io_at(&p))?;
            }
        }
    }

    // The bundles are generated files in the panel's own output folder: written plainly (an
    // fsync and rename per file made 1,000 bundles take 0.5 s instead of 0.06 s), before
    // panel.json, which is written last and atomically with the rest: an interrupted run
    // leaves no panel.json, so nothing reads its partial files as a panel, and running it
    // again writes every file anew.
    let mut nb = 0;
    if spec.bundles {
        for i in 0..spec.apps {
            let b = bundle(spec, i);
            let p = bdir.join(format!("{}.json", b.code));
            fs::write(&p, bundle::to_json_pretty(&b).as_bytes()).map_err(io_at(&p))?;
            nb += 1;
        }
    }

    let r = rubric(spec);
    let rubric_path = dir.join("rubric.json");
    write_json(&rubric_path, &r)?;

    let scores = dir.join("scores.csv");
    let conflicts = dir.join("conflicts.csv");
    // The conflicts are a few lines: held in memory, stored after the scores.
    let mut conflict_bytes = Vec::new();
    let stats = atomic_file::store_with(&scores, DOCUMENT, |sw| {
        write_scores(spec, sw, &mut conflict_bytes)
    })
    .map_err(write_err)?;
    atomic_file::store(&conflicts, &conflict_bytes, DOCUMENT).map_err(write_err)?;
    write_json(&cfg_path, &panel_config(spec))?;
    let score_bytes = fs::metadata(&scores).map_err(io_at(&scores))?.len();
    Ok(Report {
        dir: dir.to_path_buf(),
        panel_id: spec.panel_id(),
        rubric: rubric_path,
        scores,
        conflicts,
        bundles: nb,
        stats,
        score_bytes,
    })
}

fn write_json<T: serde::Serialize>(path: &Path, v: &T) -> Result<(), SynthError> {
    let mut s = serde_json::to_string_pretty(v).map_err(|e| SynthError::Io {
        path: path.to_path_buf(),
        source: io::Error::other(e),
    })?;
    s.push('\n');
    atomic_file::store(path, s.as_bytes(), DOCUMENT).map_err(write_err)
}

fn write_err(e: atomic_file::WriteError) -> SynthError {
    SynthError::Io {
        path: e.path,
        source: e.source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxima_add_up_to_100() {
        for c in [1, 2, 3, 7, 28, 30, 99, 100, 101, 150, 200] {
            let s = Spec::new(5, 3, c);
            let u = maxima(&s);
            assert_eq!(u.len(), c);
            let total: u32 = u.iter().sum();
            assert_eq!(total, 200, "c = {c}");
            assert!(u.iter().all(|&x| x >= 1));
            if c <= 100 {
                assert!(
                    u.iter().all(|&x| x % 2 == 0),
                    "whole points up to 100 criteria"
                );
            }
        }
    }

    #[test]
    fn rubric_is_valid_for_many_sizes() {
        for c in [1, 2, 5, 6, 7, 28, 30, 101, 200] {
            let r = rubric(&Spec::new(5, 3, c));
            let issues = crate::rubric::validate(&r);
            assert!(issues.is_empty(), "c = {c}: {issues:?}");
            assert_eq!(r.criteria().count(), c);
        }
    }

    #[test]
    fn text_has_no_personal_data() {
        for seed in 0..40 {
            let t = chinese_text(seed, 4000);
            assert!(t.len() >= 4000);
            let f = crate::pii::scan(&t, &[]);
            assert!(f.is_empty(), "seed {seed}: {f:?}");
        }
    }

    #[test]
    fn experts_per_app_are_distinct_and_values_in_range() {
        let spec = Spec {
            per_app: 4,
            ..Spec::new(200, 9, 7)
        };
        let units = maxima(&spec);
        let mut seen: std::collections::BTreeSet<(usize, usize, usize)> = Default::default();
        let pairs: std::cell::RefCell<
            std::collections::BTreeMap<usize, std::collections::BTreeSet<usize>>,
        > = Default::default();
        let st = for_each_score(
            &spec,
            |a, e, c, v| {
                assert!(v <= units[c]);
                assert!(seen.insert((a, e, c)), "duplicate row");
                pairs.borrow_mut().entry(a).or_default().insert(e);
            },
            |a, e| {
                pairs.borrow_mut().entry(a).or_default().insert(e);
            },
        );
        assert!(pairs.borrow().values().all(|s| s.len() <= 4));
        assert_eq!(st.rows, seen.len() as u64);
        assert_eq!(st.reviews + st.conflicts + st.gaps, 200 * 4);
    }

    #[test]
    fn half_points_print_as_plain_decimals() {
        let mut v = Vec::new();
        for h in [9, 8, 0, 1, 201] {
            push_half(&mut v, h);
            v.push(b' ');
        }
        assert_eq!(String::from_utf8(v).unwrap(), "4.5 4 0 0.5 100.5 ");
    }
}
