//! Word documents (.docx) of the printable forms: the panel 评审汇总表 (A4 landscape) and
//! one expert's 评分表 (A4 portrait), written with `docx-rs` from [`super::forms`].

use docx_rs::{
    AlignmentType, Docx, Footer, NumPages, PageMargin, PageNum, PageOrientationType, Paragraph,
    Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use super::forms::{self, SheetForm, SummaryForm, SHEET_HEADER};
use super::{ExportError, Report};
use crate::office::form_write::run;

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
/// Page margin (2 cm).
const MARGIN: i32 = 1_134;

/// The signature line printed for every signer.
pub const SIGNATURE_BLANK: &str = "签字：______________________　　日期：________年____月____日";

fn para(s: &str) -> Paragraph {
    Paragraph::new().add_run(run(s, 21))
}

fn title(s: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(s, size).bold())
        .align(AlignmentType::Center)
}

/// A cell whose text keeps its line breaks (one paragraph per line).
fn cell(s: &str, size: usize, bold: bool) -> TableCell {
    let mut c = TableCell::new();
    let lines: Vec<&str> = s.split('\n').collect();
    for line in lines {
        let mut r = run(line, size);
        if bold {
            r = r.bold();
        }
        c = c.add_paragraph(Paragraph::new().add_run(r));
    }
    c
}

/// A table with a bold header row (repeated at the top of every page the table runs
/// onto, see [`crate::office::docx_write`]); `widths` in twips (one per column). A row is not
/// split across pages.
fn table(header: &[String], rows: &[Vec<String>], widths: &[usize], size: usize) -> Table {
    let mut trs = vec![TableRow::new(
        header
            .iter()
            .zip(widths)
            .map(|(h, w)| cell(h, size, true).width(*w, WidthType::Dxa))
            .collect(),
    )
    .cant_split()];
    for r in rows {
        trs.push(
            TableRow::new(
                r.iter()
                    .zip(widths)
                    .map(|(c, w)| cell(c, size, false).width(*w, WidthType::Dxa))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(trs)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
}

/// Footer `第 X 页 共 Y 页`.
fn page_footer() -> Footer {
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run("第 ", 18))
            .add_page_num(PageNum::new())
            .add_run(run(" 页 共 ", 18))
            .add_num_pages(NumPages::new())
            .add_run(run(" 页", 18)),
    )
}

fn pack(doc: Docx) -> Result<Vec<u8>, ExportError> {
    crate::office::docx_write::pack(doc, true).map_err(|e| {
        ExportError::Usage(format!(
            "cannot build the Word document: {e} (a bug: report it)"
        ))
    })
}

fn margin() -> PageMargin {
    PageMargin::new()
        .top(MARGIN)
        .bottom(MARGIN)
        .left(MARGIN)
        .right(MARGIN)
}

/// Splits `total` twips over the summary's columns: narrow number columns, wider title
/// and remark columns.
fn summary_widths(header: &[String], total: usize) -> Vec<usize> {
    let weights: Vec<usize> = header
        .iter()
        .map(|h| match h.as_str() {
            "序号" | "排名" | "是否入围" => 2,
            // a code such as SQ2024-003 on one line
            "申报编号" => 5,
            "项目名称" => 6,
            "备注" => 8,
            "建议资助金额（万元）" => 3,
            _ => 3,
        })
        .collect();
    let sum: usize = weights.iter().sum();
    weights.iter().map(|w| total * w / sum.max(1)).collect()
}

/// The 评审汇总表 as a .docx (A4 landscape).
pub fn summary_docx(rep: &Report) -> Result<Vec<u8>, ExportError> {
    let f = forms::summary_form(rep, &rep.meeting);
    pack(summary_doc(&f))
}

fn summary_doc(f: &SummaryForm) -> Docx {
    let width = (A4_LONG as i32 - 2 * MARGIN) as usize;
    let mut doc = Docx::new()
        .page_size(A4_LONG, A4_SHORT)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(margin())
        .footer(page_footer())
        .add_paragraph(title(&f.printed_title(), 32));
    if let Some(p) = &f.provisional {
        doc = doc.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(p, 24).bold().color("C00000")),
        );
        for reason in &f.provisional_reasons {
            doc = doc.add_paragraph(Paragraph::new().add_run(run(&format!("· {reason}"), 21)));
        }
    }
    for line in f.heading_lines() {
        doc = doc.add_paragraph(para(line));
    }
    let widths = summary_widths(&f.header, width);
    doc = doc.add_table(table(&f.header, &f.rows, &widths, 18));
    doc = doc.add_paragraph(para(""));
    for line in [Some(&f.budget_line), Some(&f.funding_line)]
        .into_iter()
        .flatten()
        .flatten()
    {
        doc = doc.add_paragraph(para(line));
    }
    doc = doc
        .add_paragraph(para(&f.experts_line))
        .add_paragraph(para(&f.explanation))
        .add_paragraph(para(""));
    for s in &f.signers {
        doc = doc.add_paragraph(para(&format!("{s}　{SIGNATURE_BLANK}")));
    }
    doc
}

/// One expert's 评分表 as a .docx (A4 portrait; one page per application).
pub fn sheet_docx(rep: &Report, expert: &str) -> Result<Vec<u8>, ExportError> {
    let f = forms::sheet_form(rep, expert)?;
    pack(sheet_doc(&f))
}

fn sheet_doc(f: &SheetForm) -> Docx {
    let width = (A4_SHORT as i32 - 2 * MARGIN) as usize;
    // 一级指标, 二级指标, 分值, 要求, 评分标准, 得分: 分值 and 得分 wide enough for "100"
    // and their two-character headings on one line
    let weights = [3usize, 3, 2, 4, 6, 2];
    let sum: usize = weights.iter().sum();
    let widths: Vec<usize> = weights.iter().map(|w| width * w / sum).collect();
    let header: Vec<String> = SHEET_HEADER.iter().map(|s| s.to_string()).collect();
    let mut doc = Docx::new()
        .page_size(A4_SHORT, A4_LONG)
        .page_margin(margin())
        .footer(page_footer());
    if f.apps.is_empty() {
        doc = doc
            .add_paragraph(title(&f.title, 32))
            .add_paragraph(para(&f.panel_line))
            .add_paragraph(para(&f.expert_line))
            .add_paragraph(para("（无申报项目）"));
    }
    for (i, a) in f.apps.iter().enumerate() {
        doc = doc
            .add_paragraph(title(&f.title, 32).page_break_before(i > 0))
            .add_paragraph(para(&f.panel_line))
            .add_paragraph(para(&f.expert_line));
        let mut line = format!("申报编号：{}", a.id);
        if let Some(t) = &a.title {
            line.push_str(&format!("　项目名称：{t}"));
        }
        doc = doc
            .add_paragraph(para(&line))
            .add_paragraph(para(&format!("评分状态：{}", a.state)));
        let rows: Vec<Vec<String>> = a
            .rows
            .iter()
            .chain(std::iter::once(&a.total_row))
            .map(|r| r.to_vec())
            .collect();
        doc = doc
            .add_table(table(&header, &rows, &widths, 16))
            .add_paragraph(para(""))
            .add_paragraph(para(&format!("{}：", f.opinion_title)));
        match &a.opinion {
            Some(text) => {
                for line in text.trim().lines() {
                    doc = doc.add_paragraph(para(line.trim_end()));
                }
            }
            // blank lines for a handwritten opinion
            None => doc = doc.add_paragraph(para("")).add_paragraph(para("")),
        }
        doc = doc
            .add_paragraph(para(""))
            .add_paragraph(para(&forms::expert_signature_line(f.date.as_deref())));
    }
    doc
}
