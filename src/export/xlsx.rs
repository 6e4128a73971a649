//! XLSX export (rust_xlsxwriter): sheets `评审汇总表` (the printable panel summary, Chinese
//! headers, set up to print on A4 landscape), `ranking`, `per criterion`, `per expert`,
//! `disagreements`, `audit`. Text is written as text cells (never as formulas); numbers as
//! numbers (display only: the decisions were made in exact decimals).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::csv_out::CSV_COLUMNS;
use super::{dropped_text, ExportError, PairState, Report, SourceInfo};
use crate::aggregate::{self, AppResult};
use crate::rubric::num::show;

/// The worksheet names, in order.
pub const XLSX_SHEETS: [&str; 6] = [
    SUMMARY_SHEET,
    "ranking",
    "per criterion",
    "per expert",
    "disagreements",
    "audit",
];

/// The first sheet: the 评审汇总表.
pub const SUMMARY_SHEET: &str = "评审汇总表";

/// Excel's limit on the characters of a cell.
const MAX_CELL_CHARS: usize = 32_767;

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    bold: Format,
}

enum Cell {
    Text(String),
    Num(Decimal),
    Float(f64),
    Int(u64),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

/// `flag` written out when the application has it, else an empty text.
fn flag_cell(a: &AppResult, flag: aggregate::Flag) -> Cell {
    if a.flags.contains(&flag) {
        flag.to_string().into()
    } else {
        String::new().into()
    }
}

fn opt_num(d: Option<Decimal>) -> Cell {
    d.map(Cell::Num).unwrap_or(Cell::Empty)
}

impl<'a> Sheet<'a> {
    /// A worksheet in constant-memory mode: rows are written in order and
    /// flushed to a temporary file, so a 10,000-application workbook does not
    /// hold millions of cells in memory.
    fn new(wb: &'a mut Workbook, name: &str) -> Result<Sheet<'a>, XlsxError> {
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            row: 0,
            bold: Format::new().set_bold(),
        })
    }

    fn header(&mut self, cells: &[String]) -> Result<(), XlsxError> {
        for (c, h) in cells.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, c as u16, h, &self.bold)?;
        }
        self.ws.set_freeze_panes(self.row + 1, 0)?;
        self.row += 1;
        Ok(())
    }

    fn row(&mut self, cells: Vec<Cell>) -> Result<(), XlsxError> {
        for (c, v) in cells.into_iter().enumerate() {
            let c = c as u16;
            match v {
                Cell::Text(s) => {
                    if !s.is_empty() {
                        let s = if s.chars().count() > MAX_CELL_CHARS {
                            s.chars().take(MAX_CELL_CHARS - 1).collect::<String>() + "…"
                        } else {
                            s
                        };
                        self.ws.write_string(self.row, c, s)?;
                    }
                }
                Cell::Num(d) => {
                    self.ws
                        .write_number(self.row, c, d.to_f64().unwrap_or(f64::NAN))?;
                }
                Cell::Float(f) => {
                    self.ws.write_number(self.row, c, f)?;
                }
                Cell::Int(i) => {
                    self.ws.write_number(self.row, c, i as f64)?;
                }
                Cell::Empty => {}
            }
        }
        self.row += 1;
        Ok(())
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn ranking(wb: &mut Workbook, rep: &Report, crit_ids: &[&str]) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb, XLSX_SHEETS[1])?;
    let mut head = strings(&CSV_COLUMNS);
    head.insert(2, "title".into());
    head.push("calibrated_shortlisted".into());
    head.extend(crit_ids.iter().map(|s| s.to_string()));
    head.push("ineligible_reasons".into());
    head.push("gate_decisions".into());
    sh.header(&head)?;
    for a in &rep.results.applications {
        let mut cells = vec![
            a.rank.map(|r| Cell::Int(r as u64)).unwrap_or(Cell::Empty),
            a.id.as_str().into(),
            rep.titles.get(&a.id).cloned().unwrap_or_default().into(),
            a.status.as_str().into(),
            a.eligibility.as_str().into(),
            opt_num(a.total),
            Cell::Int(a.experts as u64),
            opt_num(a.calibrated_total),
            a.p_shortlist.map(Cell::Float).unwrap_or(Cell::Empty),
            if a.shortlisted { "yes" } else { "no" }.into(),
            opt_num(a.funding_wan),
            super::join_flags(&a.flags, "; ").into(),
            a.dropped
                .iter()
                .map(dropped_text)
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
            if super::calibrated_shortlisted(&rep.results, a) {
                "yes"
            } else {
                "no"
            }
            .into(),
        ];
        cells.extend(
            crit_ids
                .iter()
                .map(|c| opt_num(a.criteria.get(*c).copied())),
        );
        cells.push(a.ineligible_reasons.join("; ").into());
        cells.push(
            rep.decisions
                .iter()
                .filter(|d| {
                    d.application == a.id
                        && matches!(d.decided, crate::decisions::Decided::Gate { .. })
                })
                .map(|d| d.describe())
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        );
        sh.row(cells)?;
    }
    Ok(())
}

fn state_text(rep: &Report, a: &AppResult, expert: &str) -> Option<&'static str> {
    let p = rep.pairs.get(&(a.id.clone(), expert.to_string()))?;
    Some(match p.state {
        PairState::Conflict(_) => "conflict",
        PairState::Draft => "draft",
        _ if a.expert_totals.contains_key(expert) => "counted",
        _ => "excluded",
    })
}

fn per_criterion(wb: &mut Workbook, rep: &Report) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb, XLSX_SHEETS[2])?;
    let mut head = strings(&["id", "criterion", "title", "max", "panel value"]);
    head.extend(rep.experts.iter().map(|e| e.id.clone()));
    head.extend(strings(&[
        "min (counted)",
        "max (counted)",
        "range",
        "flag",
    ]));
    sh.header(&head)?;
    for a in &rep.results.applications {
        for (_, k) in rep.rubric.criteria() {
            let mut cells = vec![
                a.id.as_str().into(),
                k.id.as_str().into(),
                k.title.as_str().into(),
                Cell::Num(k.max),
                opt_num(a.criteria.get(&k.id).copied()),
            ];
            let mut counted = Vec::new();
            for e in &rep.experts {
                let p = rep.pairs.get(&(a.id.clone(), e.id.clone()));
                let v = p.and_then(|p| p.criteria.get(&k.id).copied());
                match (state_text(rep, a, &e.id), v) {
                    (Some("counted"), Some(v)) => {
                        counted.push(v.min(k.max).max(Decimal::ZERO));
                        cells.push(Cell::Num(v));
                    }
                    (Some("conflict"), _) => cells.push("conflict".into()),
                    (Some(_), Some(v)) => cells.push(format!("{} (not counted)", show(v)).into()),
                    _ => cells.push(Cell::Empty),
                }
            }
            let lo = counted.iter().min().copied();
            let hi = counted.iter().max().copied();
            cells.push(opt_num(lo));
            cells.push(opt_num(hi));
            cells.push(opt_num(lo.zip(hi).map(|(l, h)| h - l)));
            cells.push(flag_cell(a, aggregate::Flag::Disagreement(k.id.clone())));
            sh.row(cells)?;
        }
    }
    Ok(())
}

fn per_expert(wb: &mut Workbook, rep: &Report, crit_ids: &[&str]) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb, XLSX_SHEETS[3])?;
    let mut head = strings(&["id", "expert", "name", "state", "total"]);
    head.extend(crit_ids.iter().map(|s| s.to_string()));
    head.push("flag".into());
    sh.header(&head)?;
    for a in &rep.results.applications {
        for e in &rep.experts {
            let Some(state) = state_text(rep, a, &e.id) else {
                continue;
            };
            let p = rep.pairs.get(&(a.id.clone(), e.id.clone()));
            let mut cells = vec![
                a.id.as_str().into(),
                e.id.as_str().into(),
                e.name.as_str().into(),
                state.into(),
                opt_num(a.expert_totals.get(&e.id).copied()),
            ];
            cells.extend(
                crit_ids
                    .iter()
                    .map(|c| opt_num(p.and_then(|p| p.criteria.get(*c).copied()))),
            );
            cells.push(flag_cell(a, aggregate::Flag::Outlier(e.id.clone())));
            sh.row(cells)?;
        }
    }
    Ok(())
}

fn disagreements(wb: &mut Workbook, rep: &Report) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb, XLSX_SHEETS[4])?;
    sh.header(&strings(&[
        "id",
        "kind",
        "criterion / expert",
        "values",
        "rule",
    ]))?;
    let s = &rep.settings;
    for a in &rep.results.applications {
        for f in &a.flags {
            if let Some(c) = f.disagreement() {
                let max = rep.rubric.criterion(c).map(|k| k.max);
                let values: Vec<String> = a
                    .expert_totals
                    .keys()
                    .filter_map(|e| {
                        let v = rep.pairs.get(&(a.id.clone(), e.clone()))?.criteria.get(c)?;
                        Some(format!("{e} {}", show(*v)))
                    })
                    .collect();
                sh.row(vec![
                    a.id.as_str().into(),
                    "disagreement".into(),
                    c.into(),
                    values.join(", ").into(),
                    format!(
                        "range > {} × max {}",
                        show(s.disagreement_range_share),
                        max.map(show).unwrap_or_default()
                    )
                    .into(),
                ])?;
            } else if let Some(e) = f.outlier() {
                let values: Vec<String> = a
                    .expert_totals
                    .iter()
                    .map(|(x, t)| format!("{x} {}", show(*t)))
                    .collect();
                sh.row(vec![
                    a.id.as_str().into(),
                    "outlier".into(),
                    e.into(),
                    values.join(", ").into(),
                    format!(
                        "|total − mean of the others| > {} × {}",
                        show(s.outlier_total_share),
                        show(rep.rubric.total_max)
                    )
                    .into(),
                ])?;
            }
        }
    }
    Ok(())
}

fn audit(wb: &mut Workbook, rep: &Report) -> Result<(), XlsxError> {
    let mut sh = Sheet::new(wb, XLSX_SHEETS[5])?;
    sh.header(&strings(&["key", "value", "", "", ""]))?;
    let kv = |k: &str, v: String| vec![Cell::from(k), Cell::Text(v)];
    // The anchor first: the chair journal's head (check it later with `panel audit verify
    // <DB> --head <HASH>`), or the scores file's sha256.
    match &rep.source {
        SourceInfo::Db {
            journal_seq,
            journal_head,
            ..
        } => {
            sh.ws
                .write_string_with_format(sh.row, 0, "JOURNAL HEAD (anchor)", &sh.bold)?;
            sh.ws
                .write_string_with_format(sh.row, 1, journal_head, &sh.bold)?;
            sh.row += 1;
            sh.row(kv(
                "check with",
                format!("panel audit verify <DB> --head {journal_head} (commit {journal_seq})"),
            ))?;
        }
        SourceInfo::Csv { sha256, .. } => {
            let v = sha256.clone().unwrap_or_else(|| "not computed".into());
            sh.ws
                .write_string_with_format(sh.row, 0, "SCORES FILE SHA256 (anchor)", &sh.bold)?;
            sh.ws.write_string_with_format(sh.row, 1, &v, &sh.bold)?;
            sh.row += 1;
        }
    }
    sh.row(kv("panel", format!("{} {}", rep.panel.id, rep.panel.title)))?;
    sh.row(kv(
        "rubric",
        format!(
            "{} {} (sha256 {})",
            rep.panel.rubric_id, rep.panel.rubric_version, rep.panel.rubric_sha256
        ),
    ))?;
    let s = &rep.settings;
    let settings = [
        ("method", s.method.to_string()),
        ("trim", s.trim.to_string()),
        ("by", s.by.to_string()),
        ("round", s.digits.to_string()),
        ("rounding", s.rounding.to_string()),
        ("quorum", s.quorum.to_string()),
        ("threshold", s.threshold.map(show).unwrap_or("none".into())),
        ("threshold_source", rep.threshold_source().en()),
        (
            "quota",
            s.quota.map(|q| q.to_string()).unwrap_or("none".into()),
        ),
        (
            "budget_wan",
            s.budget_wan.map(show).unwrap_or("none".into()),
        ),
        (
            "per_award_cap_wan",
            s.per_award_cap_wan.map(show).unwrap_or("none".into()),
        ),
        ("resamples", s.resamples.to_string()),
        ("seed", s.seed.to_string()),
    ];
    for (k, v) in settings {
        sh.row(kv(&format!("setting {k}"), v))?;
    }
    sh.row(kv(
        "overridden on the command line",
        rep.overridden.join(", "),
    ))?;
    sh.row(kv(
        "shortlist",
        if rep.results.is_provisional() {
            "暂定 provisional".to_string()
        } else {
            "final as far as the scores and gates go".to_string()
        },
    ))?;
    for r in &rep.results.provisional {
        sh.row(kv(
            "provisional because",
            format!("{} / {}", r.zh(), r.en()),
        ))?;
    }
    match &rep.source {
        SourceInfo::Csv { path, sha256, rows } => {
            sh.row(kv("scores file", super::json::file_name(path)))?;
            sh.row(kv(
                "scores file sha256",
                sha256.clone().unwrap_or_else(|| "not computed".into()),
            ))?;
            sh.row(kv("scores file rows", rows.to_string()))?;
        }
        SourceInfo::Db {
            journal_seq,
            journal_head,
            audit,
            ..
        } => {
            sh.row(kv("chair journal seq", journal_seq.to_string()))?;
            sh.row(kv("chair journal head", journal_head.clone()))?;
            sh.row(vec![])?;
            for (c, h) in ["seq", "index", "time", "kind", "detail"]
                .iter()
                .enumerate()
            {
                sh.ws
                    .write_string_with_format(sh.row, c as u16, *h, &sh.bold)?;
            }
            sh.row += 1;
            for rec in audit {
                sh.row(vec![
                    Cell::Int(rec.seq),
                    Cell::Int(u64::from(rec.index)),
                    rec.ts.as_str().into(),
                    rec.kind.as_str().into(),
                    rec.detail.to_string().into(),
                ])?;
            }
        }
    }
    Ok(())
}

/// The 评审汇总表 sheet: title lines, the table with Chinese headers (numbers as numbers),
/// the remarks and signature lines; prints on A4 landscape, fitted to the page width, with
/// the header row repeated on every page.
fn summary(wb: &mut Workbook, rep: &Report) -> Result<(), XlsxError> {
    let f = super::forms::summary_form(rep, &rep.meeting);
    let mut sh = Sheet::new(wb, SUMMARY_SHEET)?;
    let title = Format::new().set_bold().set_font_size(16);
    sh.ws
        .write_string_with_format(0, 0, f.printed_title(), &title)?;
    sh.row = 1;
    if let Some(p) = &f.provisional {
        sh.row(vec![p.as_str().into()])?;
        for reason in &f.provisional_reasons {
            sh.row(vec![format!("· {reason}").into()])?;
        }
    }
    for line in f.heading_lines() {
        sh.row(vec![line.as_str().into()])?;
    }
    let head_row = sh.row;
    for (c, h) in f.header.iter().enumerate() {
        sh.ws
            .write_string_with_format(sh.row, c as u16, h, &sh.bold)?;
    }
    sh.row += 1;
    let numeric = |h: &str| {
        h.starts_with("专家")
            || matches!(h, "序号" | "平均分" | "最终得分" | "排名")
            || h.starts_with("建议资助金额")
    };
    for r in &f.rows {
        let cells = r
            .iter()
            .zip(&f.header)
            .map(|(v, h)| match v.parse::<Decimal>() {
                Ok(d) if numeric(h) => Cell::Num(d),
                _ => Cell::Text(v.clone()),
            })
            .collect();
        sh.row(cells)?;
    }
    sh.row(vec![])?;
    for line in [&f.budget_line, &f.funding_line].into_iter().flatten() {
        sh.row(vec![line.as_str().into()])?;
    }
    sh.row(vec![f.experts_line.as_str().into()])?;
    sh.row(vec![f.explanation.as_str().into()])?;
    sh.row(vec![])?;
    for s in &f.signers {
        sh.row(vec![format!("{s}　{}", super::SIGNATURE_BLANK).into()])?;
    }
    for (c, h) in f.header.iter().enumerate() {
        let w = match h.as_str() {
            "项目名称" => 30.0,
            "备注" => 40.0,
            "建议资助金额（万元）" => 12.0,
            "申报编号" => 12.0,
            _ => 8.0,
        };
        sh.ws.set_column_width(c as u16, w)?;
    }
    sh.ws
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    sh.ws.set_repeat_rows(head_row, head_row)?;
    sh.ws.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

fn build(rep: &Report) -> Result<Vec<u8>, XlsxError> {
    let crit_ids: Vec<&str> = rep.rubric.criteria().map(|(_, k)| k.id.as_str()).collect();
    let mut wb = Workbook::new();
    summary(&mut wb, rep)?;
    ranking(&mut wb, rep, &crit_ids)?;
    per_criterion(&mut wb, rep)?;
    per_expert(&mut wb, rep, &crit_ids)?;
    disagreements(&mut wb, rep)?;
    audit(&mut wb, rep)?;
    wb.save_to_buffer()
}

/// The report as an XLSX workbook.
pub fn to_xlsx(rep: &Report) -> Result<Vec<u8>, ExportError> {
    build(rep).map_err(|e| ExportError::Usage(format!("cannot build the workbook: {e}")))
}
