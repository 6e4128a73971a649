//! Markdown: the results report, the panel 评审汇总表 and an expert's 评分表 (printable,
//! in the official form's wording).

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{
    calibrated_shortlisted, dropped_text, forms, opt_show, p_text, ExportError, Report, SourceInfo,
};
use crate::aggregate::{By, Method, Settings};
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

fn source_line(rep: &Report) -> String {
    match &rep.source {
        SourceInfo::Db {
            journal_seq,
            journal_head,
            ..
        } => format!(
            "组长数据库 chair database (journal seq {journal_seq}, head `{journal_head}`, checked \
             with `panel audit verify <DB> --head {journal_head}`); only submitted scores count"
        ),
        SourceInfo::Csv { path, sha256, rows } => format!(
            "评分文件 scores file `{}` ({rows} rows, sha256 `{}`)",
            super::json::file_name(path),
            sha256.as_deref().unwrap_or("not computed")
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
        (
            "threshold",
            opt_text(s.threshold.map(show), "none"),
            "threshold",
        ),
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
        "- 评分标准 Rubric: {} (`{}`, {}; sha256 `{}`)",
        rep.panel.rubric_title,
        rep.panel.rubric_id,
        rep.panel.rubric_version,
        rep.panel.rubric_sha256
    );
    let _ = writeln!(o, "- 数据来源 Source: {}", source_line(rep));
    let _ = writeln!(
        o,
        "- 入围 Shortlisted: {} of {}{}{}",
        rep.shortlisted(),
        r.applications.len(),
        r.budget_used_wan
            .map(|b| format!("; 建议资助合计 funding recommended {} 万元", show(b)))
            .unwrap_or_default(),
        if r.is_provisional() {
            " — 暂定 PROVISIONAL: the shortlist could still change"
        } else {
            ""
        }
    );
    for p in &r.provisional {
        let _ = writeln!(o, "  - {} / {}", p.zh(), p.en());
    }
    o.push('\n');

    o.push_str("## 计分规则 Settings\n\n");
    header(&mut o, &["设置 Setting", "值 Value", "来源 From"]);
    for (name, value, flag) in settings_rows(&rep.settings) {
        let from = if !flag.is_empty() && rep.overridden.contains(&flag) {
            format!("--{flag}")
        } else if name == "threshold" {
            rep.threshold_source().en()
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
                a.status.to_string(),
                a.eligibility.to_string(),
                opt_show(a.total),
                a.experts.to_string(),
                opt_show(a.calibrated_total),
                p_text(a.p_shortlist),
                if a.shortlisted { "yes 是" } else { "no 否" }.to_string(),
                opt_show(a.funding_wan),
                super::join_flags(&a.flags, ", "),
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

fn signature(o: &mut String, who: &str) {
    let _ = writeln!(
        o,
        "\n{who}签字：______________________　　　　日期：________年____月____日"
    );
}

/// The panel 评审汇总表: every application with each expert's total, the average, the final
/// score, rank, shortlist and recommended funding; signature lines for the panel leader.
pub fn to_summary_markdown(rep: &Report) -> String {
    let f = forms::summary_form(rep, &forms::Meeting::default());
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", f.printed_title());
    let _ = writeln!(o, "{}\n", f.panel_line);
    o.push_str(&anchor_line(rep));
    if let Some(p) = &f.provisional {
        let _ = writeln!(o, "{p}\n");
        for reason in &f.provisional_reasons {
            let _ = writeln!(o, "- {}", cell(reason));
        }
        o.push('\n');
    }
    let _ = writeln!(o, "{}\n", f.method_line);
    if let Some(t) = &f.track_line {
        let _ = writeln!(o, "{t}\n");
    }
    let head_refs: Vec<&str> = f.header.iter().map(String::as_str).collect();
    header(&mut o, &head_refs);
    for cells in &f.rows {
        row(&mut o, cells);
    }
    o.push('\n');
    let _ = writeln!(o, "{}\n", f.experts_line);
    let _ = writeln!(o, "{}", f.explanation);
    if let Some(line) = &f.funding_line {
        let _ = writeln!(o, "\n{line}");
    }
    signature(&mut o, "评审组长");
    o
}

/// One expert's 评分表: for each application the rubric's 一级指标 / 二级指标 / 分值 / 要求 /
/// 评分标准 with the expert's 得分, the total and a signature line.
pub fn to_sheet_markdown(rep: &Report, expert: &str) -> Result<String, ExportError> {
    let f = forms::sheet_form(rep, expert)?;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", f.title);
    let _ = writeln!(o, "{}\n", f.panel_line);
    let _ = writeln!(o, "{}\n", f.expert_line);
    for a in &f.apps {
        o.push_str("---\n\n");
        let _ = write!(o, "### 申报编号：{}", a.id);
        if let Some(t) = &a.title {
            let _ = write!(o, "　项目名称：{t}");
        }
        o.push_str("\n\n");
        let _ = writeln!(o, "评分状态：{}\n", a.state);
        header(&mut o, &forms::SHEET_HEADER);
        for r in a.rows.iter().chain(std::iter::once(&a.total_row)) {
            row(&mut o, r);
        }
        let _ = writeln!(o, "\n{}：\n", f.opinion_title);
        match &a.opinion {
            Some(text) => {
                for line in text.trim().lines() {
                    let _ = writeln!(o, "> {}", line.trim_end());
                }
            }
            None => o.push_str("（未填写）\n"),
        }
        let _ = writeln!(o, "\n{}", forms::expert_signature_line(f.date.as_deref()));
        o.push('\n');
    }
    Ok(o)
}
