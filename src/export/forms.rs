//! The printable forms' content, computed once from a [`Report`]: the panel 评审汇总表 and
//! one expert's 评分表 as title lines, table header and rows, remarks and signature lines.
//! The Markdown and the Word renderers ([`super::md`], [`super::docx_out`]) only lay them out.

use rust_decimal::Decimal;

use super::{ExportError, PairState, Report};
use crate::aggregate::{
    self, AppResult, By, EligibilityStatus, Flag, Method, OpenGate, Rounding, Settings,
};
use crate::rubric::num::show;

/// The meeting a results document belongs to (from `panel.json` or the command line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meeting {
    /// 评审日期, as written (e.g. `2024年9月12日`).
    pub date: Option<String>,
    /// 评审地点.
    pub place: Option<String>,
    /// Expert id of the panel chair (评审组长).
    pub chair: Option<String>,
}

/// The name of the panel form, ending its title.
pub const SUMMARY_NAME: &str = "评审汇总表";
/// The name of an expert's form, ending its title.
pub const SHEET_NAME: &str = "专家评分表";

/// The panel 评审汇总表.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryForm {
    /// The form's title: the rubric's title with its 评审标准 ending replaced by 评审汇总表
    /// ([`form_title`]).
    pub title: String,
    /// `评审组：… （id）`.
    pub panel_line: String,
    /// The call and track: `申报类别：… （rubric id，version）；依据：source`.
    pub call_line: String,
    /// `评审时间：…；评审地点：…` (blank lines to fill in when not known).
    pub meeting_line: String,
    /// `计分方法：…`.
    pub method_line: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// `评审专家：…。`
    pub experts_line: String,
    /// `说明：…`
    pub explanation: String,
    /// `建议资助金额合计：X万元。` when the results recommend funding.
    pub funding_line: Option<String>,
    /// `预算总额X万元，建议资助合计Y万元。` when a budget is set.
    pub budget_line: Option<String>,
    /// The data anchor: the chair journal's head (checked with `panel audit verify --head`),
    /// or the scores file's sha256.
    pub anchor_line: String,
    /// The track this panel reviews (article, title, track total, targets), if it names one.
    pub track_line: Option<String>,
    /// The provisional marker, when the shortlist is not final.
    pub provisional: Option<String>,
    /// Why it is provisional (what could still change the shortlist).
    pub provisional_reasons: Vec<String>,
    /// Who signs: every panel member (`评审专家 name（id）`), then the chair (`评审组长 …`).
    pub signers: Vec<String>,
}

impl SummaryForm {
    /// The title as printed: [`Self::title`], ending `（暂定）` while the shortlist is
    /// provisional, in every layout (Markdown, Word, the XLSX sheet).
    pub fn printed_title(&self) -> String {
        match self.provisional {
            Some(_) => format!("{}（暂定）", self.title),
            None => self.title.clone(),
        }
    }

    /// The lines printed between the title and the table, in order: call, panel, meeting,
    /// method, data anchor, and the track when the panel names one.
    pub fn heading_lines(&self) -> impl Iterator<Item = &String> {
        [
            &self.call_line,
            &self.panel_line,
            &self.meeting_line,
            &self.method_line,
            &self.anchor_line,
        ]
        .into_iter()
        .chain(&self.track_line)
    }
}

/// One application of an expert's 评分表.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetApp {
    pub id: String,
    pub title: Option<String>,
    /// `评分状态` text.
    pub state: String,
    /// 一级指标 (on every row of the category), 二级指标, 分值, 要求, 评分标准, 得分.
    pub rows: Vec<[String; 6]>,
    /// The 合计 row.
    pub total_row: [String; 6],
    /// The expert's written opinion (the rubric's opinion title, e.g. 专家评审意见); `None`
    /// when none is stored (the form then leaves the space blank for a handwritten one).
    pub opinion: Option<String>,
}

/// One expert's 评分表.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetForm {
    /// The form's title: the rubric's title ending in 专家评分表 ([`form_title`]).
    pub title: String,
    pub panel_line: String,
    /// `评审专家：name（id）`.
    pub expert_line: String,
    /// Heading of the opinion space: the rubric's opinion title, or 评审意见.
    pub opinion_title: String,
    /// The date on the expert's signature line: the meeting date when known
    /// (`panel.json` `meeting.date`), else a blank to fill in by hand.
    pub date: Option<String>,
    pub apps: Vec<SheetApp>,
}

/// The blank date of a signature line.
pub const DATE_BLANK: &str = "________年____月____日";

/// An expert's signature line with the date (`date`, or [`DATE_BLANK`]).
pub fn expert_signature_line(date: Option<&str>) -> String {
    format!(
        "评审专家签字：______________________　　日期：{}",
        date.unwrap_or(DATE_BLANK)
    )
}

/// Endings of a rubric title that name the rubric itself (its standard, criteria, rules),
/// longest first: the form title replaces them with the form's name.
const RUBRIC_TITLE_ENDINGS: [&str; 12] = [
    "申报参考评价指标",
    "参考评价指标",
    "评审标准",
    "评分标准",
    "评价标准",
    "评分细则",
    "评审细则",
    "评审指标",
    "评价指标",
    "评分指标",
    "评审办法",
    "评分办法",
];

/// The title of a printable form (`form`: 评审汇总表, 专家评分表) for a rubric titled
/// `rubric_title`, in the official wording: a trailing note in brackets (such as
/// `（派生）`) is dropped, and a trailing 评审标准 / 评分细则 / 评审指标 … is replaced by the
/// form's name; a title with no such ending gets the name appended.
/// `2024年上海市园区知识产权集中托管项目评审标准` → `2024年上海市园区知识产权集中托管项目评审汇总表`.
pub fn form_title(rubric_title: &str, form: &str) -> String {
    let mut stem = rubric_title.trim();
    // a trailing （…） or (…) note
    for (open, close) in [('（', '）'), ('(', ')')] {
        if stem.ends_with(close) {
            if let Some(i) = stem.rfind(open) {
                if i > 0 {
                    stem = stem[..i].trim_end();
                }
            }
        }
    }
    for ending in RUBRIC_TITLE_ENDINGS {
        if let Some(s) = stem.strip_suffix(ending) {
            if !s.is_empty() {
                stem = s;
                break;
            }
        }
    }
    let stem = stem.strip_suffix(form).unwrap_or(stem);
    format!("{stem}{form}")
}

/// The 评分表's column heads.
pub const SHEET_HEADER: [&str; 6] = ["一级指标", "二级指标", "分值", "要求", "评分标准", "得分"];

pub(crate) fn method_zh(s: &Settings) -> String {
    let m = match s.method {
        Method::Mean => "算术平均".to_string(),
        Method::Trimmed => format!(
            "去掉{k}个最高分和{k}个最低分后取算术平均（有效评分不少于{}份时；否则取算术平均）",
            2 * s.trim + 1,
            k = s.trim
        ),
        Method::Median => "中位数".to_string(),
        Method::Normalized => "标准化（各专家评分换算为标准分后映射回百分制）".to_string(),
    };
    let by = match s.by {
        By::Total => "对各专家总分",
        By::Criterion => "对各项指标分别",
    };
    let rounding = match s.rounding {
        Rounding::HalfUp => format!("保留{}位小数（四舍五入）", s.digits),
        Rounding::Truncate => format!("保留{}位小数（截断）", s.digits),
        Rounding::None => "不舍入".to_string(),
    };
    format!("{by}取{m}，{rounding}")
}

/// The gates still open of an `unchecked` application, in English (`E2b (checked by hand)`,
/// `E1 (missing good_credit_record)`).
pub(crate) fn open_gates(a: &AppResult) -> Vec<String> {
    a.open_gates.iter().map(ToString::to_string).collect()
}

/// [`open_gates`] in Chinese: `E2b`, `E1缺少good_credit_record`.
pub(crate) fn open_gates_zh(a: &AppResult) -> Vec<String> {
    a.open_gates.iter().map(OpenGate::zh).collect()
}

/// The remarks of application `a` (status, unchecked eligibility, flags), in Chinese; an
/// ineligible application gives each failed gate in full (id and the call's own words).
pub(crate) fn status_zh(a: &AppResult) -> Vec<String> {
    let mut v = Vec::new();
    match a.status {
        aggregate::Status::Ineligible => {
            let reasons: Vec<&str> = a
                .ineligible_reasons
                .iter()
                .map(|r| r.trim_end_matches('。'))
                .collect();
            v.push(format!("不符合申报条件：{}", reasons.join("；")));
        }
        aggregate::Status::Incomplete => v.push(format!("有效评分{}份，评分不完整", a.experts)),
        aggregate::Status::BelowThreshold => v.push("低于入围分数线".to_string()),
        aggregate::Status::Ranked => {}
    }
    if a.eligibility == EligibilityStatus::Unchecked {
        let open = open_gates_zh(a);
        if open.is_empty() {
            v.push("申报条件待人工核验".to_string());
        } else {
            v.push(format!("申报条件待人工核验（{}）", open.join("、")));
        }
    }
    for f in &a.flags {
        v.push(match f {
            Flag::TieAtCut => "入围线处同分，需评审组议定".to_string(),
            Flag::BudgetExhausted => "预算不足".to_string(),
            Flag::Disagreement(c) => format!("{c}评分分歧较大"),
            Flag::Outlier(e) => format!("{e}总分偏离"),
        });
    }
    v
}

/// The cell of `expert` for application `a` in the summary table.
fn expert_cell(rep: &Report, a: &AppResult, expert: &str) -> String {
    if let Some(t) = a.expert_totals.get(expert) {
        return show(*t);
    }
    match rep.pairs.get(&(a.id.clone(), expert.to_string())) {
        Some(p) => match p.state {
            PairState::Conflict(_) => "回避".into(),
            PairState::Draft => "未提交".into(),
            PairState::Submitted | PairState::Scored => "不完整".into(),
        },
        None => "—".into(),
    }
}

fn or_blank(v: Option<&str>, blank: &str) -> String {
    v.map(str::to_string).unwrap_or_else(|| blank.to_string())
}

/// The 评审汇总表 of `rep` for `meeting`.
pub fn summary_form(rep: &Report, meeting: &Meeting) -> SummaryForm {
    let r = &rep.results;
    let s = &rep.settings;
    let mut header: Vec<String> = vec!["序号".into(), "申报编号".into(), "项目名称".into()];
    header.extend((1..=rep.experts.len()).map(|i| format!("专家{i}")));
    header.extend(
        [
            "平均分",
            "最终得分",
            "排名",
            "是否入围",
            "建议资助金额（万元）",
            "备注",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let mut rows = Vec::with_capacity(r.applications.len());
    for (i, a) in r.applications.iter().enumerate() {
        let mut cells = vec![
            (i + 1).to_string(),
            a.id.clone(),
            rep.titles.get(&a.id).cloned().unwrap_or_default(),
        ];
        cells.extend(rep.experts.iter().map(|e| expert_cell(rep, a, &e.id)));
        let mean = if a.expert_totals.is_empty() {
            None
        } else {
            let sum: Decimal = a.expert_totals.values().copied().sum();
            Some(aggregate::round_value(
                sum / Decimal::from(a.expert_totals.len()),
                s.digits,
                Rounding::HalfUp,
            ))
        };
        cells.push(mean.map(show).unwrap_or_else(|| "—".into()));
        cells.push(a.total.map(show).unwrap_or_else(|| "—".into()));
        cells.push(a.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()));
        cells.push(if a.shortlisted { "是" } else { "否" }.into());
        cells.push(if a.shortlisted {
            a.funding_wan.map(show).unwrap_or_default()
        } else {
            String::new()
        });
        let mut remarks = status_zh(a);
        // Gates decided to pass (a failed one is in the ineligibility reasons already).
        remarks.extend(
            rep.decisions
                .iter()
                .filter(|d| {
                    d.application == a.id
                        && matches!(
                            d.decided,
                            crate::decisions::Decided::Gate { pass: true, .. }
                        )
                })
                .map(|d| d.describe_zh()),
        );
        if let (true, Some(req), Some(f)) =
            (a.shortlisted, rep.requested_wan.get(&a.id), a.funding_wan)
        {
            if f < *req {
                remarks.push(format!("申请{}万元，核定{}万元", show(*req), show(f)));
            }
        }
        cells.push(remarks.join("；"));
        rows.push(cells);
    }
    let names: Vec<String> = rep
        .experts
        .iter()
        .enumerate()
        .map(|(i, e)| format!("专家{} {}（{}）", i + 1, e.name, e.id))
        .collect();
    let mut signers: Vec<String> = rep
        .experts
        .iter()
        .filter(|e| e.in_roster && meeting.chair.as_deref() != Some(e.id.as_str()))
        .map(|e| format!("评审专家 {}（{}）", e.name, e.id))
        .collect();
    signers.push(match &meeting.chair {
        Some(c) => format!("评审组长 {}（{}）", rep.expert_name(c), c),
        None => "评审组长".to_string(),
    });
    let rubric = &rep.rubric;
    SummaryForm {
        title: form_title(&rubric.title, SUMMARY_NAME),
        panel_line: format!("评审组：{}（{}）", rep.panel.title, rep.panel.id),
        call_line: format!(
            "申报类别：{}（{}，{}）{}",
            rubric.title,
            rubric.id,
            rubric.version,
            if rubric.source.is_empty() {
                String::new()
            } else {
                format!("；依据：{}", rubric.source)
            }
        ),
        meeting_line: format!(
            "评审时间：{}　　评审地点：{}",
            or_blank(meeting.date.as_deref(), "________年____月____日"),
            or_blank(meeting.place.as_deref(), "______________________")
        ),
        method_line: format!(
            "计分方法：{}；有效评分不少于{}份；入围分数线{}；入围名额{}；单项资助上限{}。",
            method_zh(s),
            s.quorum,
            match s.threshold {
                Some(t) => format!("{}分（{}）", show(t), rep.threshold_source().zh()),
                None => rep.threshold_source().zh(),
            },
            s.quota
                .map(|q| format!("不超过{q}项"))
                .unwrap_or_else(|| "不限".into()),
            s.per_award_cap_wan
                .map(|c| format!("{}万元", show(c)))
                .unwrap_or_else(|| "无".into()),
        ),
        header,
        rows,
        experts_line: format!("评审专家：{}。", names.join("；")),
        explanation: "说明：专家栏为各专家评分合计；“回避”为利益冲突回避，“未提交”为评分未提交，\
                      “不完整”为评分项目不全，“—”为未评分，均不计入。平均分为计入专家总分的算术平均；\
                      最终得分按上述计分方法计算。"
            .to_string(),
        funding_line: r
            .budget_used_wan
            .map(|b| format!("建议资助金额合计：{}万元。", show(b))),
        budget_line: s.budget_wan.map(|b| {
            format!(
                "预算总额{}万元，建议资助合计{}万元。",
                show(b),
                show(r.budget_used_wan.unwrap_or_default())
            )
        }),
        anchor_line: match &rep.source {
            super::SourceInfo::Db {
                journal_seq,
                journal_head,
                ..
            } => format!(
                "数据锚点（组长数据库第 {journal_seq} 次提交）：{journal_head}；核对：panel audit verify <数据库> --head {journal_head}"
            ),
            super::SourceInfo::Csv { path, sha256, .. } => format!(
                "数据锚点（评分文件 {}）：sha256 {}",
                super::json::file_name(path),
                sha256.as_deref().unwrap_or("未计算")
            ),
        },
        track_line: rep.track.as_ref().map(|t| {
            let mut parts = vec![format!("评审赛道：{} {}", t.article, t.title)];
            if let Some(b) = t.budget_wan {
                parts.push(format!("赛道总额不超过{}万元", show(b)));
            }
            if !t.targets.is_empty() {
                parts.push(format!("赛道目标：{}", t.targets.join("；")));
            }
            format!("{}。", parts.join("；"))
        }),
        provisional: r
            .is_provisional()
            .then(|| "【暂定结果】入围名单为暂定，在下列情况解决前仍可能变化：".to_string()),
        provisional_reasons: r.provisional.iter().map(|p| p.zh()).collect(),
        signers,
    }
}

/// One expert's 评分表: for each application (id order) the rubric's rows with the
/// expert's 得分 and the total.
pub fn sheet_form(rep: &Report, expert: &str) -> Result<SheetForm, ExportError> {
    let Some(info) = rep.experts.iter().find(|e| e.id == expert) else {
        return Err(ExportError::Usage(format!(
            "--expert {expert}: no such expert in panel {} (experts: {})",
            rep.panel.id,
            rep.experts
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let mut ids: Vec<&str> = rep
        .results
        .applications
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    ids.sort_unstable();
    let bonus = rep.rubric.bonus_max();
    let max_text = if bonus.is_zero() {
        show(rep.rubric.total_max)
    } else {
        format!("{}+{}", show(rep.rubric.total_max), show(bonus))
    };
    let mut apps = Vec::new();
    for id in ids {
        let Some(a) = rep.results.app(id) else {
            continue;
        };
        let pair = rep.pairs.get(&(id.to_string(), expert.to_string()));
        let state = match pair.map(|p| &p.state) {
            None => "未评分".to_string(),
            Some(PairState::Conflict(reason)) => format!(
                "回避（利益冲突{}）",
                reason
                    .as_deref()
                    .map(|r| format!("：{r}"))
                    .unwrap_or_default()
            ),
            Some(s) => s.label_zh().to_string(),
        };
        let mut rows = Vec::new();
        for cat in &rep.rubric.categories {
            // The 一级指标 on every row of its category: a page that starts inside a
            // category still names it (a vertically merged cell would print it on the first
            // page only).
            let category = format!(
                "{}（{}分）{}",
                cat.title,
                show(cat.max),
                if cat.bonus { "（加分项）" } else { "" }
            );
            for k in &cat.criteria {
                let first = category.clone();
                let score = pair
                    .filter(|p| !matches!(p.state, PairState::Conflict(_)))
                    .and_then(|p| p.criteria.get(&k.id))
                    .map(|v| show(*v))
                    .unwrap_or_default();
                rows.push([
                    first,
                    k.title.clone(),
                    show(k.max),
                    k.requirement.clone(),
                    k.standard.clone(),
                    score,
                ]);
            }
        }
        let total = a
            .expert_totals
            .get(expert)
            .map(|t| show(*t))
            .unwrap_or_else(|| "—".into());
        apps.push(SheetApp {
            id: id.to_string(),
            title: rep.titles.get(id).cloned(),
            state,
            rows,
            total_row: [
                "合计".into(),
                String::new(),
                max_text.clone(),
                String::new(),
                String::new(),
                total,
            ],
            opinion: pair
                .filter(|p| !matches!(p.state, PairState::Conflict(_)))
                .and_then(|p| p.opinion.clone())
                .filter(|o| !o.trim().is_empty()),
        });
    }
    Ok(SheetForm {
        title: form_title(&rep.rubric.title, SHEET_NAME),
        panel_line: format!("评审组：{}（{}）", rep.panel.title, rep.panel.id),
        expert_line: format!("评审专家：{}（{}）", info.name, info.id),
        opinion_title: rep
            .rubric
            .opinion
            .as_ref()
            .map(|o| o.title.clone())
            .unwrap_or_else(|| "评审意见".to_string()),
        date: rep.meeting.date.clone(),
        apps,
    })
}

#[cfg(test)]
mod tests {
    use super::{form_title, SHEET_NAME, SUMMARY_NAME};

    /// One title per form, in the official wording, for every rubric shipped in rubrics/.
    #[test]
    fn form_titles_of_the_shipped_rubrics() {
        let got: Vec<(String, String)> = crate::rubric::EMBEDDED
            .iter()
            .map(|(stem, _)| {
                let t = crate::rubric::embedded(stem).unwrap().rubric.title;
                (form_title(&t, SUMMARY_NAME), form_title(&t, SHEET_NAME))
            })
            .collect();
        let want = [
            "上海市知识产权示范园区",
            "上海市知识产权运营服务集聚区项目",
            "上海市知识产权运营促进中心项目",
            "2024年上海市园区知识产权集中托管项目",
            "高价值专利升级培育项目",
            "医疗卫生系统知识产权运营中心建设项目",
            "中小企业知识产权运营能力提升项目",
            "上海市知识产权运营服务体系建设第二批专项资金项目",
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|s| (format!("{s}评审汇总表"), format!("{s}专家评分表")))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_title_without_a_rubric_ending_gets_the_form_name_appended() {
        assert_eq!(form_title("某某项目", SUMMARY_NAME), "某某项目评审汇总表");
        assert_eq!(
            form_title("某某项目评审汇总表", SUMMARY_NAME),
            "某某项目评审汇总表"
        );
        assert_eq!(form_title("评审标准", SUMMARY_NAME), "评审标准评审汇总表");
        assert_eq!(
            form_title("某某项目评分细则", SHEET_NAME),
            "某某项目专家评分表"
        );
    }
}
