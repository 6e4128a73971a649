//! Markdown: the results report, the panel 评审汇总表 and an expert's 评分表 (printable,
//! in the official form's wording).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{
    calibrated_shortlisted, dropped_text, opt_show, p_text, ExportError, PairState, Report,
    SourceInfo,
};
use crate::aggregate::{self, AppResult, By, Method, Rounding, Settings};
use crate::rubric::num::show;

/// A table cell: `|` escaped, line breaks as `<br>`.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(&cell(c));
        out.push_str(" |");
    }
    out.push('\n');
}

fn header(out: &mut String, cells: &[&str]) {
    row(
        out,
        &cells.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    out.push('|');
    for _ in cells {
        out.push_str("---|");
    }
    out.push('\n');
}

fn short_hash(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

fn source_line(rep: &Report) -> String {
    match &rep.source {
        SourceInfo::Db {
            journal_seq,
            journal_head,
            ..
        } => format!(
            "组长数据库 chair database (journal seq {journal_seq}, head {}…); only submitted \
             scores count",
            short_hash(journal_head)
        ),
        SourceInfo::Csv { path, sha256, rows } => format!(
            "评分文件 scores file `{}` ({rows} rows, sha256 {}…)",
            super::json::file_name(path),
            sha256.as_deref().map_or("not computed", short_hash)
        ),
    }
}

/// The 评审汇总表's anchor, in full and in bold: the chair journal's head (checked later with
/// `panel audit verify <DB> --head <HASH>`), or the scores file's sha256.
fn anchor_line(rep: &Report) -> String {
    match &rep.source {
        SourceInfo::Db {
            journal_seq,
            journal_head,
            ..
        } => format!(
            "**数据锚点 Journal head：`{journal_head}`**（组长数据库第 {journal_seq} 次提交 chair \
             journal commit {journal_seq}；核对 verify：`panel audit verify <DB> --head \
             {journal_head}`）\n\n"
        ),
        SourceInfo::Csv { path, sha256, .. } => format!(
            "**数据锚点 Scores file：`{}` sha256 `{}`**\n\n",
            super::json::file_name(path),
            sha256.as_deref().unwrap_or("not computed")
        ),
    }
}

fn opt_text<T: ToString>(v: Option<T>, none: &str) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| none.to_string())
}

/// (setting, value, CLI flag name) of every setting.
fn settings_rows(s: &Settings) -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("method", s.method.to_string(), "method"),
        ("trim", s.trim.to_string(), "trim"),
        ("by", s.by.to_string(), "by"),
        ("round", s.digits.to_string(), "round"),
        ("rounding", s.rounding.to_string(), "rounding"),
        ("quorum", s.quorum.to_string(), "quorum"),
        ("threshold", show(s.threshold), "threshold"),
        ("quota", opt_text(s.quota, "none"), "quota"),
        (
            "budget_wan",
            opt_text(s.budget_wan.map(show), "none"),
            "budget",
        ),
        (
            "per_award_cap_wan",
            opt_text(s.per_award_cap_wan.map(show), "none"),
            "cap",
        ),
        (
            "disagreement_range_share",
            show(s.disagreement_range_share),
            "",
        ),
        ("outlier_total_share", show(s.outlier_total_share), ""),
        ("resamples", s.resamples.to_string(), "resamples"),
        ("seed", s.seed.to_string(), "seed"),
    ]
}

/// The results report: settings, ranking, per-criterion values, dropped scores,
/// calibration, notes.
pub fn to_markdown(rep: &Report) -> String {
    let r = &rep.results;
    let mut o = String::new();
    let _ = writeln!(o, "# 评审结果 Results: {}\n", rep.panel.title);
    let _ = writeln!(o, "- 评审组 Panel: `{}`", rep.panel.id);
    let _ = writeln!(
        o,
        "- 评分标准 Rubric: {} (`{}`, {}; sha256 {}…)",
        rep.panel.rubric_title,
        rep.panel.rubric_id,
        rep.panel.rubric_version,
        short_hash(&rep.panel.rubric_sha256)
    );
    let _ = writeln!(o, "- 数据来源 Source: {}", source_line(rep));
    let _ = writeln!(
        o,
        "- 入围 Shortlisted: {} of {}{}\n",
        rep.shortlisted(),
        r.applications.len(),
        r.budget_used_wan
            .map(|b| format!("; 建议资助合计 funding recommended {} 万元", show(b)))
            .unwrap_or_default()
    );

    o.push_str("## 计分规则 Settings\n\n");
    header(&mut o, &["设置 Setting", "值 Value", "来源 From"]);
    for (name, value, flag) in settings_rows(&rep.settings) {
        let from = if !flag.is_empty() && rep.overridden.contains(&flag) {
            format!("--{flag}")
        } else {
            "rubric".to_string()
        };
        row(&mut o, &[name.to_string(), value, from]);
    }

    o.push_str("\n## 排名 Ranking\n\n");
    header(
        &mut o,
        &[
            "排名 Rank",
            "申报编号 ID",
            "状态 Status",
            "资格 Eligibility",
            "总分 Total",
            "专家数 Experts",
            "校准分 Calibrated",
            "入围概率 p_shortlist",
            "入围 Shortlisted",
            "建议资助（万元） Funding",
            "标记 Flags",
        ],
    );
    for a in &r.applications {
        row(
            &mut o,
            &[
                opt_text(a.rank, ""),
                a.id.clone(),
                a.status.clone(),
                a.eligibility.clone(),
                opt_show(a.total),
                a.experts.to_string(),
                opt_show(a.calibrated_total),
                p_text(a.p_shortlist),
                if a.shortlisted { "yes 是" } else { "no 否" }.to_string(),
                opt_show(a.funding_wan),
                a.flags.join(", "),
            ],
        );
    }

    o.push_str("\n## 分项得分 Per criterion\n\n");
    let crits: Vec<(&str, Decimal)> = rep
        .rubric
        .criteria()
        .map(|(_, k)| (k.id.as_str(), k.max))
        .collect();
    let mut head = vec!["申报编号 ID".to_string()];
    head.extend(
        crits
            .iter()
            .map(|(id, max)| format!("{id} ({})", show(*max))),
    );
    head.push("总分 Total".into());
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    header(&mut o, &head_refs);
    for a in &r.applications {
        let mut cells = vec![a.id.clone()];
        cells.extend(
            crits
                .iter()
                .map(|(id, _)| opt_show(a.criteria.get(*id).copied())),
        );
        cells.push(opt_show(a.total));
        row(&mut o, &cells);
    }
    if rep.settings.by == By::Total {
        o.push_str(
            "\nBy total: the criterion values are the plain mean of the valid experts, for \
             display; the total is the method over the experts' totals.\n",
        );
    }

    o.push_str("\n## 去掉的分数 Dropped by trimming\n\n");
    let mut any = false;
    for a in r.applications.iter().filter(|a| !a.dropped.is_empty()) {
        any = true;
        let _ = writeln!(
            o,
            "- {}: {}",
            a.id,
            a.dropped
                .iter()
                .map(dropped_text)
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    if !any {
        let _ = writeln!(
            o,
            "None (method {}{}).",
            rep.settings.method,
            if rep.settings.method == Method::Trimmed {
                ": too few valid scores to trim"
            } else {
                ""
            }
        );
    }

    o.push_str("\n## 校准 Calibration (beside the official result, never replacing it)\n\n");
    if rep.settings.method == Method::Normalized {
        o.push_str("The official method is the normalized (calibrated) one.\n");
    } else if r.calibration_changes.is_empty() {
        o.push_str("Calibration changes no application's shortlist status.\n");
    } else {
        for id in &r.calibration_changes {
            if let Some(a) = r.app(id) {
                let _ = writeln!(
                    o,
                    "- {}: official {} → calibrated {} (total {} → calibrated {})",
                    id,
                    if a.shortlisted {
                        "shortlisted"
                    } else {
                        "not shortlisted"
                    },
                    if calibrated_shortlisted(r, a) {
                        "shortlisted"
                    } else {
                        "not shortlisted"
                    },
                    opt_text(a.total.map(show), "—"),
                    opt_text(a.calibrated_total.map(show), "—"),
                );
            }
        }
    }

    o.push_str("\n## 说明 Notes\n\n");
    for n in rep.notes.iter().chain(r.notes.iter()) {
        let _ = writeln!(o, "- {}", n.replace('\n', " "));
    }
    for a in r
        .applications
        .iter()
        .filter(|a| !a.notes.is_empty() || !a.ineligible_reasons.is_empty())
    {
        let _ = writeln!(o, "\n### {}\n", a.id);
        for reason in &a.ineligible_reasons {
            let _ = writeln!(o, "- 不符合申报条件 ineligible: {reason}");
        }
        for n in &a.notes {
            let _ = writeln!(o, "- {}", n.replace('\n', " "));
        }
    }
    o
}

fn method_zh(s: &Settings) -> String {
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

fn status_zh(a: &AppResult) -> Vec<String> {
    let mut v = Vec::new();
    match a.status.as_str() {
        aggregate::STATUS_INELIGIBLE => {
            // The failed gates in full (id and the call's own words), not only their codes;
            // `row` escapes the cell.
            let reasons: Vec<&str> = a
                .ineligible_reasons
                .iter()
                .map(|r| r.trim_end_matches('。'))
                .collect();
            v.push(format!("不符合申报条件：{}", reasons.join("；")));
        }
        aggregate::STATUS_INCOMPLETE => v.push(format!("有效评分{}份，评分不完整", a.experts)),
        aggregate::STATUS_BELOW_THRESHOLD => v.push("低于入围分数线".to_string()),
        _ => {}
    }
    if a.eligibility == "unchecked" {
        v.push("申报条件待人工核验".to_string());
    }
    for f in &a.flags {
        if f == aggregate::FLAG_TIE_AT_CUT {
            v.push("入围线处同分，需评审组议定".to_string());
        } else if f == aggregate::FLAG_BUDGET_EXHAUSTED {
            v.push("预算不足".to_string());
        } else if let Some(c) = f.strip_prefix(aggregate::FLAG_DISAGREEMENT) {
            v.push(format!("{c}评分分歧较大"));
        } else if let Some(e) = f.strip_prefix(aggregate::FLAG_OUTLIER) {
            v.push(format!("{e}总分偏离"));
        }
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

fn signature(o: &mut String, who: &str) {
    let _ = writeln!(
        o,
        "\n{who}签字：______________________　　　　日期：________年____月____日"
    );
}

/// The panel 评审汇总表: every application with each expert's total, the average, the final
/// score, rank, shortlist and recommended funding; signature lines for the panel leader.
pub fn to_summary_markdown(rep: &Report) -> String {
    let r = &rep.results;
    let s = &rep.settings;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", rep.rubric.title);
    o.push_str("## 评审汇总表\n\n");
    let _ = writeln!(o, "评审组：{}（{}）\n", rep.panel.title, rep.panel.id);
    o.push_str(&anchor_line(rep));
    let _ = writeln!(
        o,
        "计分方法：{}；有效评分不少于{}份；入围分数线{}分；入围名额{}；单项资助上限{}。\n",
        method_zh(s),
        s.quorum,
        show(s.threshold),
        s.quota
            .map(|q| format!("不超过{q}项"))
            .unwrap_or_else(|| "不限".into()),
        s.per_award_cap_wan
            .map(|c| format!("{}万元", show(c)))
            .unwrap_or_else(|| "无".into()),
    );
    let mut head: Vec<String> = vec!["序号".into(), "申报编号".into(), "项目名称".into()];
    head.extend((1..=rep.experts.len()).map(|i| format!("专家{i}")));
    head.extend(
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
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    header(&mut o, &head_refs);
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
        cells.push(opt_text(mean.map(show), "—"));
        cells.push(opt_text(a.total.map(show), "—"));
        cells.push(opt_text(a.rank, "—"));
        cells.push(if a.shortlisted { "是" } else { "否" }.into());
        cells.push(if a.shortlisted {
            opt_show(a.funding_wan)
        } else {
            String::new()
        });
        let mut remarks = status_zh(a);
        if let (true, Some(req), Some(f)) =
            (a.shortlisted, rep.requested_wan.get(&a.id), a.funding_wan)
        {
            if f < *req {
                remarks.push(format!("申请{}万元，核定{}万元", show(*req), show(f)));
            }
        }
        cells.push(remarks.join("；"));
        row(&mut o, &cells);
    }
    o.push('\n');
    let names: Vec<String> = rep
        .experts
        .iter()
        .enumerate()
        .map(|(i, e)| format!("专家{} {}（{}）", i + 1, e.name, e.id))
        .collect();
    let _ = writeln!(o, "评审专家：{}。\n", names.join("；"));
    o.push_str(
        "说明：专家栏为各专家评分合计；“回避”为利益冲突回避，“未提交”为评分未提交，\
         “不完整”为评分项目不全，“—”为未评分，均不计入。平均分为计入专家总分的算术平均；\
         最终得分按上述计分方法计算。\n",
    );
    if let Some(b) = r.budget_used_wan {
        let _ = writeln!(o, "\n建议资助金额合计：{}万元。", show(b));
    }
    signature(&mut o, "评审组长");
    o
}

/// One expert's 评分表: for each application the rubric's 一级指标 / 二级指标 / 分值 / 要求 /
/// 评分标准 with the expert's 得分, the total and a signature line.
pub fn to_sheet_markdown(rep: &Report, expert: &str) -> Result<String, ExportError> {
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
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", rep.rubric.title);
    o.push_str("## 专家评分表\n\n");
    let _ = writeln!(o, "评审组：{}（{}）\n", rep.panel.title, rep.panel.id);
    let _ = writeln!(o, "评审专家：{}（{}）\n", info.name, info.id);
    for id in ids {
        let Some(a) = rep.results.app(id) else {
            continue;
        };
        let pair = rep.pairs.get(&(id.to_string(), expert.to_string()));
        o.push_str("---\n\n");
        let _ = write!(o, "### 申报编号：{id}");
        if let Some(t) = rep.titles.get(id) {
            let _ = write!(o, "　项目名称：{t}");
        }
        o.push_str("\n\n");
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
        let _ = writeln!(o, "评分状态：{state}\n");
        header(
            &mut o,
            &["一级指标", "二级指标", "分值", "要求", "评分标准", "得分"],
        );
        for cat in &rep.rubric.categories {
            for (j, k) in cat.criteria.iter().enumerate() {
                let first = if j == 0 {
                    format!(
                        "{}（{}分）{}",
                        cat.title,
                        show(cat.max),
                        if cat.bonus { "（加分项）" } else { "" }
                    )
                } else {
                    String::new()
                };
                let score = pair
                    .filter(|p| !matches!(p.state, PairState::Conflict(_)))
                    .and_then(|p| p.criteria.get(&k.id))
                    .map(|v| show(*v))
                    .unwrap_or_default();
                row(
                    &mut o,
                    &[
                        first,
                        k.title.clone(),
                        show(k.max),
                        k.requirement.clone(),
                        k.standard.clone(),
                        score,
                    ],
                );
            }
        }
        let bonus = rep.rubric.bonus_max();
        let max_text = if bonus.is_zero() {
            show(rep.rubric.total_max)
        } else {
            format!("{}+{}", show(rep.rubric.total_max), show(bonus))
        };
        let total = a
            .expert_totals
            .get(expert)
            .map(|t| show(*t))
            .unwrap_or_else(|| "—".into());
        row(
            &mut o,
            &[
                "合计".into(),
                String::new(),
                max_text,
                String::new(),
                String::new(),
                total,
            ],
        );
        signature(&mut o, "评审专家");
        o.push('\n');
    }
    Ok(o)
}
