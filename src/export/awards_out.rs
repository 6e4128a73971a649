//! Exporting formula awards (`panel awards`): JSON, CSV, Markdown and XLSX. Every figure is
//! shown with its working; amounts are whole 元 from [`crate::aggregate::awards`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, XlsxError};
use serde_json::{json, Value};

use super::csv_out::{csv_writer, CSV_BOM};
use super::{neutralize, ExportError, PanelInfo};
use crate::aggregate::awards::{AwardRule, AwardStatus, Awards};
use crate::decisions::Decision;
use crate::rubric::{num, Track};

/// Everything the award exports show.
#[derive(Debug, Clone)]
pub struct AwardsReport {
    pub panel: PanelInfo,
    pub track: Track,
    pub awards: Awards,
    /// Application id → anonymous title.
    pub titles: BTreeMap<String, String>,
    /// Decisions in force (gates and this track's grades).
    pub decisions: Vec<Decision>,
    pub notes: Vec<String>,
}

fn n(d: Decimal) -> Value {
    num::to_json(d)
}

fn on(d: Option<Decimal>) -> Value {
    d.map(num::to_json).unwrap_or(Value::Null)
}

fn show(d: Decimal) -> String {
    num::show(d)
}

/// Status in Chinese.
fn status_zh(s: AwardStatus) -> &'static str {
    match s {
        AwardStatus::Awarded => "予以奖补",
        AwardStatus::Ineligible => "不符合申报条件",
        AwardStatus::NoUnits => "缺少计量事实",
        AwardStatus::NoGrade => "待评定等次",
        AwardStatus::UnknownGrade => "等次不在所列等次中",
    }
}

/// The award report as pretty-printed JSON (with a final newline).
pub fn awards_json(rep: &AwardsReport) -> String {
    let a = &rep.awards;
    let t = &rep.track;
    let apps: Vec<Value> = a
        .lines
        .iter()
        .map(|l| {
            let decisions: Vec<&crate::decisions::Decision> = rep
                .decisions
                .iter()
                .filter(|d| d.application == l.id)
                .collect();
            json!({
                "id": l.id,
                "title": rep.titles.get(&l.id),
                "status": l.status,
                "units": on(l.units),
                "grade": l.grade,
                "claim_yuan": on(l.claim_yuan),
                "award_yuan": n(l.award_yuan),
                "working": l.working,
                "provisional": l.provisional,
                "decisions": decisions,
            })
        })
        .collect();
    let v = json!({
        "panel": {
            "id": rep.panel.id,
            "title": rep.panel.title,
            "rubric": rep.panel.rubric_id,
            "rubric_sha256": rep.panel.rubric_sha256,
        },
        "track": {
            "id": t.id,
            "article": t.article,
            "title": t.title,
            "mode": t.mode,
            "budget_wan": on(t.budget_wan),
            "rate": on(t.rate),
            "rate_unit": t.rate_unit,
            "unit_fact": t.unit_fact,
            "yuan_per_unit": on(t.yuan_per_unit),
            "per_award_cap_wan": on(t.per_award_cap_wan),
            "grades": t.grades.iter().map(|g| json!({"id": g.id, "weight": n(g.weight)})).collect::<Vec<_>>(),
        },
        "total_yuan": n(a.total_yuan),
        "claimed_yuan": n(a.claimed_yuan),
        "awarded_yuan": n(a.awarded_yuan),
        "oversubscribed": a.reduction_factor.is_some(),
        "reduction_factor": on(a.reduction_factor),
        "rule": a.rule_text,
        "provisional": a.provisional,
        "provisional_reasons": a.provisional_reasons,
        "applications": apps,
        "notes": rep.notes,
    });
    let mut s = serde_json::to_string_pretty(&v)
        .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
    s.push('\n');
    s
}

const CSV_HEAD: [&str; 9] = [
    "application",
    "title",
    "status",
    "units",
    "grade",
    "claim_yuan",
    "award_yuan",
    "provisional",
    "working",
];

fn rows(rep: &AwardsReport) -> Vec<[String; 9]> {
    rep.awards
        .lines
        .iter()
        .map(|l| {
            [
                l.id.clone(),
                rep.titles.get(&l.id).cloned().unwrap_or_default(),
                l.status.to_string(),
                l.units.map(show).unwrap_or_default(),
                l.grade.clone().unwrap_or_default(),
                l.claim_yuan.map(show).unwrap_or_default(),
                show(l.award_yuan),
                l.provisional.to_string(),
                l.working.join("；"),
            ]
        })
        .collect()
}

/// The award table as CSV (one row per applicant; cells that a spreadsheet would read as a
/// formula are neutralized), written as the results' CSV is: UTF-8 with a byte order mark,
/// CRLF line ends.
pub fn awards_csv(rep: &AwardsReport) -> Result<Vec<u8>, ExportError> {
    let mut w = csv_writer(CSV_BOM.to_vec());
    let io = |e: csv::Error| ExportError::Usage(format!("cannot write the CSV: {e}"));
    w.write_record(CSV_HEAD).map_err(io)?;
    for r in rows(rep) {
        w.write_record(r.iter().map(|c| neutralize(c).into_owned()))
            .map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| ExportError::Usage(format!("cannot write the CSV: {e}")))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The award table in Markdown: the rule, the table with each figure's working, the totals.
pub fn awards_md(rep: &AwardsReport) -> String {
    let a = &rep.awards;
    let t = &rep.track;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# {} {}（{}）{}\n",
        t.article,
        t.title,
        t.id,
        if a.provisional { "（暂定）" } else { "" }
    );
    let _ = writeln!(o, "评审组：{}（{}）\n", rep.panel.title, rep.panel.id);
    match &a.rule {
        AwardRule::PerUnit { .. } => {
            let _ = writeln!(
                o,
                "奖补标准：{} {}；奖补总额不超过{}万元。\n",
                t.rate.map(show).unwrap_or_default(),
                t.rate_unit,
                t.budget_wan.map(show).unwrap_or_default()
            );
        }
        AwardRule::Graded { .. } => {
            let _ = writeln!(
                o,
                "奖补方式：{}；奖补总额不超过{}万元。\n",
                t.rate_unit,
                t.budget_wan.map(show).unwrap_or_default()
            );
        }
    }
    for r in &a.rule_text {
        let _ = writeln!(o, "- {r}");
    }
    o.push('\n');
    o.push_str(
        "| 申报编号 | 项目名称 | 数量/等次 | 计算金额（元） | 奖补金额（元） | 计算过程 |\n",
    );
    o.push_str("|---|---|---|---|---|---|\n");
    for l in &a.lines {
        let qty = match (&l.units, &l.grade) {
            (_, Some(g)) => g.clone(),
            (Some(u), None) => show(*u),
            _ => "—".into(),
        };
        let mut work = l.working.clone();
        if l.status != AwardStatus::Awarded {
            work.insert(0, status_zh(l.status).to_string());
        }
        for d in rep.decisions.iter().filter(|d| d.application == l.id) {
            work.push(d.describe_zh());
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&l.id),
            cell(rep.titles.get(&l.id).map(String::as_str).unwrap_or("")),
            cell(&qty),
            l.claim_yuan.map(show).unwrap_or_else(|| "—".into()),
            show(l.award_yuan),
            cell(&work.join("；"))
        );
    }
    let _ = writeln!(
        o,
        "\n奖补金额合计：{}元（总额{}元{}）。",
        show(a.awarded_yuan),
        show(a.total_yuan),
        match a.reduction_factor {
            Some(f) => format!(
                "，申请合计{}元，按比例核减，系数≈{}",
                show(a.claimed_yuan),
                show(f)
            ),
            None => String::new(),
        }
    );
    if a.provisional {
        let _ = writeln!(
            o,
            "\n（暂定）以下事项未定，金额可能变化 / provisional: {}",
            a.provisional_reasons.join("; ")
        );
    }
    for note in &rep.notes {
        let _ = writeln!(o, "\n> {note}");
    }
    o
}

fn build_xlsx(rep: &AwardsReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("awards")?;
    for (c, h) in CSV_HEAD.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows(rep).iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, v) in row.iter().enumerate() {
            // Amounts and units as numbers, the rest as text.
            match (c, v.parse::<f64>()) {
                (3 | 5 | 6, Ok(x)) => ws.write_number(r, c as u16, x)?,
                _ => ws.write_string(r, c as u16, v)?,
            };
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("rule")?;
    let a = &rep.awards;
    let mut lines: Vec<String> = vec![
        format!(
            "{} {} ({})",
            rep.track.article, rep.track.title, rep.track.id
        ),
        format!("total_yuan {}", show(a.total_yuan)),
        format!("claimed_yuan {}", show(a.claimed_yuan)),
        format!("awarded_yuan {}", show(a.awarded_yuan)),
        format!("provisional {}", a.provisional),
    ];
    lines.extend(a.rule_text.iter().cloned());
    lines.extend(a.provisional_reasons.iter().cloned());
    for (i, l) in lines.iter().enumerate() {
        ws.write_string(i as u32, 0, l)?;
    }
    wb.save_to_buffer()
}

/// The award table as an XLSX workbook (sheets `awards` and `rule`).
pub fn awards_xlsx(rep: &AwardsReport) -> Result<Vec<u8>, ExportError> {
    build_xlsx(rep).map_err(|e| ExportError::Usage(format!("cannot build the workbook: {e}")))
}
