//! Writes a program's 申报书 ([`FormLayout`]) as a Word document with `docx-rs`: blank for
//! the secretariat to publish, or filled (tests fill it to check that `panel ingest` reads
//! back what was written).

use std::collections::BTreeMap;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, PageMargin, PageNum, Paragraph, Run, RunFonts, Table,
    TableCell, TableLayoutType, TableRow, WidthType,
};

use super::form_layout::{
    check_options, Block, Cell, FormLayout, BUDGET_COLUMNS, MEMBER_COLUMNS, TEAM_COLUMNS,
};
use super::OfficeError;
use crate::rubric::Rubric;

/// Values to print into a form (all empty for the blank form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormFill {
    /// Slot key ([`super::form_layout::Slot::key`]) → text as typed. For a checkbox slot:
    /// the chosen option's label (是 / 否 / 独立设置 …).
    pub values: BTreeMap<String, String>,
    /// Section key → free text (paragraphs separated by `\n`).
    pub sections: BTreeMap<String, String>,
    /// Rows of the 项目主要人员 table (one cell per [`TEAM_COLUMNS`] column), or of seed
    /// 003's 项目组全部成员 table (one cell per [`MEMBER_COLUMNS`] column).
    pub team: Vec<Vec<String>>,
    /// Rows of the 经费预算 table (one cell per [`BUDGET_COLUMNS`] column).
    pub budget: Vec<Vec<String>>,
    /// Names in the 附件材料清单.
    pub attachments: Vec<String>,
}

const WIDTH: usize = 9_000;
const UNCHECKED: char = '□';
const CHECKED: char = '☑';

/// The fonts of every Word document written: 宋体 for Chinese, Times New Roman otherwise.
fn fonts() -> RunFonts {
    RunFonts::new()
        .east_asia("宋体")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

/// A run of text at `size` half-points in the documents' fonts.
pub(crate) fn run(s: &str, size: usize) -> Run {
    Run::new().add_text(s).size(size).fonts(fonts())
}

fn para(s: &str) -> Paragraph {
    Paragraph::new().add_run(run(s, 24))
}

/// One paragraph per line.
fn cell_text(s: &str, span: usize, width: usize) -> TableCell {
    let mut c = TableCell::new().width(width, WidthType::Dxa);
    if span > 1 {
        c = c.grid_span(span);
    }
    for line in s.split('\n') {
        c = c.add_paragraph(Paragraph::new().add_run(run(line, 21)));
    }
    c
}

fn checkbox_text(options: &[(serde_json::Value, String)], chosen: Option<&str>) -> String {
    options
        .iter()
        .map(|(_, l)| {
            let mark = if chosen == Some(l.as_str()) {
                CHECKED
            } else {
                UNCHECKED
            };
            format!("{mark}{l}")
        })
        .collect::<Vec<_>>()
        .join("　")
}

/// A numbered table of people: `序号` and `columns`, at least `rows` rows, filled from
/// `team` (one cell per column); `more`: an unfilled last row is numbered `…`.
fn people_table(columns: &[(&str, &str)], rows: usize, team: &[Vec<String>], more: bool) -> Table {
    let mut trs = vec![std::iter::once("序号".to_string())
        .chain(columns.iter().map(|(l, _)| l.to_string()))
        .map(|t| (t, 1))
        .collect::<Vec<_>>()];
    let n = rows.max(team.len());
    for i in 0..n {
        let no = if more && i + 1 == n && team.len() < n {
            "…".to_string()
        } else {
            (i + 1).to_string()
        };
        let mut r = vec![(no, 1)];
        for c in 0..columns.len() {
            let v = team
                .get(i)
                .and_then(|row| row.get(c))
                .cloned()
                .unwrap_or_default();
            r.push((v, 1));
        }
        trs.push(r);
    }
    grid_table(trs, columns.len() + 1)
}

/// A table of `cols` equal grid columns. No row is split across pages: a label stays with
/// its value, and a heading kept with the table (`w:keepNext`) is not left alone at the foot
/// of a page (LibreOffice keeps a paragraph with a table only when the table's first row
/// cannot be split; Word and LibreOffice still split a row taller than a page).
fn grid_table(rows: Vec<Vec<(String, usize)>>, cols: usize) -> Table {
    let col = WIDTH / cols.max(1);
    let trs = rows
        .into_iter()
        .map(|r| {
            TableRow::new(
                r.into_iter()
                    .map(|(t, span)| cell_text(&t, span, col * span))
                    .collect(),
            )
            .cant_split()
        })
        .collect();
    Table::new(trs)
        .set_grid(vec![col; cols.max(1)])
        .layout(TableLayoutType::Fixed)
        .width(col * cols.max(1), WidthType::Dxa)
}

/// The form as .docx bytes.
pub fn form_docx(
    rubric: &Rubric,
    layout: &FormLayout,
    fill: &FormFill,
) -> Result<Vec<u8>, OfficeError> {
    let facts: BTreeMap<&str, &crate::rubric::FactDecl> =
        rubric.facts.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut doc = Docx::new()
        .page_size(11_906, 16_838)
        .page_margin(
            PageMargin::new()
                .top(1_440)
                .bottom(1_440)
                .left(1_440)
                .right(1_440),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_page_num(PageNum::new()),
            ),
        );
    for (i, b) in layout.blocks.iter().enumerate() {
        // A heading, or a paragraph just before a table (经费预算：, a cover's title), is
        // printed on the page of what follows it.
        let before_table = layout.blocks.get(i + 1).is_some_and(|n| {
            !matches!(
                n,
                Block::Title(_)
                    | Block::Center(_)
                    | Block::Para(_)
                    | Block::PageBreak
                    | Block::Heading { .. }
            )
        });
        doc = match b {
            Block::Title(s) => doc.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(run(s, 36).bold())
                    .keep_next(before_table),
            ),
            Block::Center(s) => doc.add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(run(s, 24))
                    .keep_next(before_table),
            ),
            Block::Para(s) => doc.add_paragraph(para(s).keep_next(before_table)),
            Block::PageBreak => {
                doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
            Block::Heading { text, .. } => doc.add_paragraph(
                Paragraph::new()
                    .add_run(run(text, 28).bold())
                    .keep_next(true),
            ),
            Block::Table(rows) => {
                let cols = rows
                    .iter()
                    .map(|r| r.iter().map(|(_, s)| *s).sum::<usize>())
                    .max()
                    .unwrap_or(1);
                let rows = rows
                    .iter()
                    .map(|r| {
                        let used: usize = r.iter().map(|(_, s)| *s).sum();
                        let n = r.len();
                        r.iter()
                            .enumerate()
                            .map(|(i, (c, span))| {
                                // The last cell takes what the row leaves of the grid.
                                let span = if i + 1 == n {
                                    span + cols - used
                                } else {
                                    *span
                                };
                                let text = match c {
                                    Cell::Label(s) | Cell::Unit(s) => s.clone(),
                                    Cell::Value(slot) => {
                                        let key = slot.key();
                                        let v = fill.values.get(&key).map(String::as_str);
                                        match slot {
                                            super::form_layout::Slot::Check(k) => {
                                                let opts = facts
                                                    .get(k.as_str())
                                                    .map(|f| check_options(f))
                                                    .unwrap_or_default();
                                                checkbox_text(&opts, v)
                                            }
                                            _ => v.unwrap_or("").to_string(),
                                        }
                                    }
                                };
                                (text, span)
                            })
                            .collect()
                    })
                    .collect();
                doc.add_table(grid_table(rows, cols))
            }
            Block::TextBox { section, hint } => {
                let text = fill.sections.get(section).cloned().unwrap_or_default();
                let mut body = String::new();
                if !hint.is_empty() {
                    body.push_str(hint);
                    body.push('\n');
                }
                body.push_str(&text);
                if text.is_empty() {
                    body.push_str("\n\n\n\n\n");
                }
                doc.add_table(grid_table(vec![vec![(body, 1)]], 1))
            }
            Block::TeamTable { rows } => {
                doc.add_table(people_table(&TEAM_COLUMNS, *rows, &fill.team, false))
            }
            Block::MemberTable { rows } => {
                // The notice's last row is numbered …: more may follow.
                doc.add_table(people_table(&MEMBER_COLUMNS, *rows, &fill.team, true))
            }
            Block::Grid {
                corner,
                columns,
                rows,
            } => {
                let mut trs = vec![std::iter::once(corner.clone())
                    .chain(columns.iter().cloned())
                    .map(|t| (t, 1))
                    .collect::<Vec<_>>()];
                for (label, slots) in rows {
                    let mut r = vec![(label.clone(), 1)];
                    for slot in slots {
                        let v = fill.values.get(&slot.key()).cloned().unwrap_or_default();
                        r.push((v, 1));
                    }
                    trs.push(r);
                }
                doc.add_table(grid_table(trs, columns.len() + 1))
            }
            Block::AttachmentTable { rows } => {
                let mut trs = vec![vec![("序号".to_string(), 1), ("附件名称".to_string(), 3)]];
                for i in 0..(*rows).max(fill.attachments.len()) {
                    trs.push(vec![
                        ((i + 1).to_string(), 1),
                        (fill.attachments.get(i).cloned().unwrap_or_default(), 3),
                    ]);
                }
                doc.add_table(grid_table(trs, 4))
            }
            Block::BudgetTable { rows } => {
                let mut trs = vec![BUDGET_COLUMNS
                    .iter()
                    .map(|l| (l.to_string(), 1))
                    .collect::<Vec<_>>()];
                let n = (*rows).max(fill.budget.len());
                for i in 0..n {
                    let r = (0..BUDGET_COLUMNS.len())
                        .map(|c| {
                            let v = fill.budget.get(i).and_then(|row| row.get(c)).cloned();
                            (
                                v.unwrap_or_else(|| {
                                    if c == 0 {
                                        (i + 1).to_string()
                                    } else {
                                        String::new()
                                    }
                                }),
                                1,
                            )
                        })
                        .collect();
                    trs.push(r);
                }
                doc.add_table(grid_table(trs, BUDGET_COLUMNS.len()))
            }
        };
    }
    super::docx_write::pack(doc, false).map_err(OfficeError::Write)
}
