//! Results of a panel exported: JSON, CSV, XLSX, Markdown, and the printable 评审汇总表 /
//! 评分表 (and the formula awards' exports).
//!
//! [`crate::results_input`] turns a [`Panel`](crate::panel::Panel) plus either the chair
//! database or a raw score CSV into an [`aggregate`](crate::aggregate) run and returns a
//! [`Report`]: the pipeline's [`Results`] with the context every export needs (panel, rubric,
//! roster, settings and where they came from, per-expert values). The format modules only
//! read a `Report` (or an [`AwardsReport`]); this module never reads the input itself.
//!
//! Conventions of the input (also in `docs/results.md`):
//! - only applications an expert has **submitted** count (drafts never do); a declared
//!   conflict of interest excludes the expert from that application;
//! - item values become criterion values through [`rubric::combine`](crate::rubric::combine)
//!   (item caps, overrides, criterion caps); a rule item without a value takes the rubric's
//!   computed suggestion; a criterion with an item that has no value (and no suggestion) is
//!   left unscored, so that expert does not count for that application (never a silent 0);
//! - every number that decides a status or a rank comes from the pipeline's exact decimal
//!   arithmetic; exports only format them.

mod awards_out;
mod csv_out;
mod docx_out;
pub mod forms;
mod json;
mod md;
mod xlsx;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::aggregate::{AppResult, Results, Settings};
use crate::rubric::Rubric;
use crate::scores::{CsvProblem, ReadError};
use crate::store::{AuditRecord, StoreError};

pub use crate::scores::Detail;
pub use awards_out::{awards_csv, awards_json, awards_md, awards_xlsx, AwardsReport};
pub use csv_out::{english_column, neutralize, to_csv, to_csv_in, CSV_COLUMNS_ZH};
pub use docx_out::{sheet_docx, summary_docx, SIGNATURE_BLANK};
pub use json::to_json;
pub use md::{to_markdown, to_sheet_markdown, to_summary_markdown};
pub use xlsx::{to_xlsx, SUMMARY_SHEET, XLSX_SHEETS};

/// Errors building or writing results. Every message names the file and the place in it.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: {} problem(s), no results computed:\n{}", file.display(), problems.len(),
        problems.iter().map(|p| format!("  {}:{}:{}: {}", file.display(), p.line, p.column, p.message)).collect::<Vec<_>>().join("\n"))]
    Csv {
        file: PathBuf,
        problems: Vec<CsvProblem>,
    },
    #[error("{action} {}: {source}. Check the path and its permissions.", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: aggregation setting `{field}`: {message}", file.display())]
    Setting {
        file: PathBuf,
        field: &'static str,
        message: String,
    },
    /// The store's message already names the database; `error` is not a `#[source]` so
    /// that `{:#}` prints it once.
    #[error("chair database {}: {error}", path.display())]
    Store { path: PathBuf, error: StoreError },
    #[error("{0}")]
    Usage(String),
}

impl From<ReadError> for ExportError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::Csv { file, problems } => ExportError::Csv { file, problems },
            ReadError::Io { path, source } => ExportError::Io {
                action: "cannot read",
                path,
                source,
            },
        }
    }
}

/// Output formats of `panel results`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
    Md,
    /// The printable panel 评审汇总表.
    SummaryMd,
    /// One expert's printable 评分表.
    SheetMd,
    /// The 评审汇总表 as a Word document (A4 landscape).
    Docx,
    /// One expert's 评分表 as a Word document.
    SheetDocx,
}

impl Format {
    /// Whether the output shows the scores file's sha256 (its provenance): JSON, Markdown
    /// and the XLSX audit sheet do; the CSV table and the printed forms do not, so for
    /// them the file is not hashed.
    pub fn shows_source_hash(self) -> bool {
        matches!(self, Format::Json | Format::Md | Format::Xlsx)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Md => "md",
            Format::SummaryMd => "summary-md",
            Format::SheetMd => "sheet-md",
            Format::Docx => "docx",
            Format::SheetDocx => "sheet-docx",
        }
    }

    /// Whether the format shows each expert's per-criterion values (kept for every
    /// (application, expert) pair only then).
    pub fn needs_detail(self) -> bool {
        matches!(self, Format::Xlsx | Format::SheetMd | Format::SheetDocx)
    }

    /// Whether the format is one expert's 评分表 (needs `--expert`).
    pub fn is_sheet(self) -> bool {
        matches!(self, Format::SheetMd | Format::SheetDocx)
    }

    /// Whether the output is a binary file (written only with `-o`).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Docx | Format::SheetDocx)
    }

    /// The output file extensions that fit the format.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Json => &["json"],
            Format::Csv => &["csv"],
            Format::Xlsx => &["xlsx"],
            Format::Md | Format::SummaryMd | Format::SheetMd => &["md", "markdown", "txt"],
            Format::Docx | Format::SheetDocx => &["docx"],
        }
    }

    /// From an output file's extension (`.json`, `.csv`, `.xlsx`, `.md`).
    pub fn from_extension(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "md" | "markdown" => Some(Format::Md),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            "md" | "markdown" => Ok(Format::Md),
            "summary-md" | "summary" => Ok(Format::SummaryMd),
            "sheet-md" | "sheet" => Ok(Format::SheetMd),
            "docx" | "summary-docx" => Ok(Format::Docx),
            "sheet-docx" => Ok(Format::SheetDocx),
            _ => Err(format!(
                "unknown format \"{s}\": expected one of json, csv, xlsx, md, summary-md, \
                 sheet-md, docx, sheet-docx"
            )),
        }
    }
}

/// The language of column names in the CSV export (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderLang {
    #[default]
    En,
    Zh,
}

/// The panel, as named in the results.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelInfo {
    pub id: String,
    pub title: String,
    pub rubric_id: String,
    pub rubric_title: String,
    pub rubric_version: String,
    /// Canonical sha256 of the rubric.
    pub rubric_sha256: String,
}

/// One expert: the roster's, or one named only by the scores file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertInfo {
    pub id: String,
    pub name: String,
    pub in_roster: bool,
}

/// Where the scores came from.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceInfo {
    /// The chair database.
    Db {
        path: PathBuf,
        journal_seq: u64,
        journal_head: String,
        audit: Vec<AuditRecord>,
    },
    /// A raw-score CSV (`--scores`).
    Csv {
        path: PathBuf,
        /// sha256 of the bytes read, when the output shows it (see
        /// [`Format::shows_source_hash`]; `None`: not computed).
        sha256: Option<String>,
        /// Data rows read (blank lines excluded).
        rows: u64,
    },
}

/// How an expert stands on one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairState {
    /// Submitted (chair database): counts.
    Submitted,
    /// Started, not submitted: never counts.
    Draft,
    /// Declared a conflict of interest (with the reason).
    Conflict(Option<String>),
    /// Rows in a scores CSV: counts.
    Scored,
}

impl PairState {
    /// Chinese label for the printable forms.
    pub fn label_zh(&self) -> &'static str {
        match self {
            PairState::Submitted | PairState::Scored => "已提交",
            PairState::Draft => "未提交",
            PairState::Conflict(_) => "回避",
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            PairState::Submitted => "submitted",
            PairState::Draft => "draft",
            PairState::Conflict(_) => "conflict",
            PairState::Scored => "scored",
        }
    }
}

/// One expert's values for one application (as entered, before the pipeline's clamps).
#[derive(Debug, Clone, PartialEq)]
pub struct PairDetail {
    pub state: PairState,
    /// Criterion id → value (only the criteria the expert completed).
    pub criteria: BTreeMap<String, Decimal>,
    /// The expert's written opinion (专家评审意见), when the chair database holds one.
    pub opinion: Option<String>,
}

/// Everything an export needs.
#[derive(Debug, Clone)]
pub struct Report {
    pub panel: PanelInfo,
    /// The track named by panel.json, when any (its quota, cap and total are in `settings`).
    pub track: Option<crate::rubric::Track>,
    /// The chair's decisions in force (manual gates, grades), from the chair database.
    pub decisions: Vec<crate::decisions::Decision>,
    pub rubric: Rubric,
    /// Roster order, then experts named only by the scores (sorted).
    pub experts: Vec<ExpertInfo>,
    /// Application id → anonymous project title (from its bundle).
    pub titles: BTreeMap<String, String>,
    /// Application id → requested funding in 万元 (from its bundle).
    pub requested_wan: BTreeMap<String, Decimal>,
    pub settings: Settings,
    /// Settings given on the command line (the others are the rubric's defaults).
    pub overridden: Vec<&'static str>,
    pub results: Results,
    pub source: SourceInfo,
    /// (application, expert) → detail; filled for the chair database always, for a scores
    /// CSV only when the format needs it ([`Format::needs_detail`]).
    pub pairs: BTreeMap<(String, String), PairDetail>,
    /// Notes of the input stage (invalid bundles, experts outside the roster, …).
    pub notes: Vec<String>,
    /// The meeting (date, place, chair) the printed forms name.
    pub meeting: forms::Meeting,
}

/// Where the pass mark (threshold) of a report comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThresholdSource<'a> {
    /// No pass mark: no call states one and neither the chair nor the rubric set one.
    None,
    /// `--threshold` on the command line (the chair).
    CommandLine,
    /// The rubric's `aggregation.threshold`, with its `threshold_basis`.
    Rubric(&'a str),
}

impl ThresholdSource<'_> {
    /// Machine-readable tag (JSON `threshold_source`).
    pub fn tag(&self) -> &'static str {
        match self {
            ThresholdSource::None => "none",
            ThresholdSource::CommandLine => "command_line",
            ThresholdSource::Rubric(_) => "rubric",
        }
    }

    /// In Chinese, for the printed forms.
    pub fn zh(&self) -> String {
        match self {
            ThresholdSource::None => "不设（评审规则未规定入围分数线）".to_string(),
            ThresholdSource::CommandLine => "由评审组长设定".to_string(),
            ThresholdSource::Rubric(b) => format!("评审规则约定：{b}"),
        }
    }

    /// In English.
    pub fn en(&self) -> String {
        match self {
            ThresholdSource::None => "none (no pass mark is stated by the call)".to_string(),
            ThresholdSource::CommandLine => "set by the chair (--threshold)".to_string(),
            ThresholdSource::Rubric(b) => format!("rubric convention: {b}"),
        }
    }
}

impl Report {
    /// Where the pass mark comes from.
    pub fn threshold_source(&self) -> ThresholdSource<'_> {
        if self.settings.threshold.is_none() {
            ThresholdSource::None
        } else if self.overridden.contains(&"threshold") {
            ThresholdSource::CommandLine
        } else {
            ThresholdSource::Rubric(self.rubric.aggregation.threshold_basis.as_str())
        }
    }

    /// Number of shortlisted applications.
    pub fn shortlisted(&self) -> usize {
        self.results.shortlist().count()
    }

    /// The display name of expert `id`.
    pub fn expert_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.experts
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.name.as_str())
            .unwrap_or(id)
    }

    /// Renders the report in `format` (text formats as UTF-8 bytes).
    pub fn render(&self, format: Format, expert: Option<&str>) -> Result<Vec<u8>, ExportError> {
        self.render_in(format, expert, HeaderLang::En)
    }

    /// [`Report::render`] with the CSV's column names in `lang`.
    pub fn render_in(
        &self,
        format: Format,
        expert: Option<&str>,
        lang: HeaderLang,
    ) -> Result<Vec<u8>, ExportError> {
        Ok(match format {
            Format::Json => to_json(self).into_bytes(),
            Format::Csv => to_csv_in(self, lang),
            Format::Md => to_markdown(self).into_bytes(),
            Format::SummaryMd => to_summary_markdown(self).into_bytes(),
            Format::SheetMd => {
                let Some(e) = expert else {
                    return Err(ExportError::Usage(
                        "--format sheet-md needs --expert <ID> (whose 评分表 to print)".into(),
                    ));
                };
                to_sheet_markdown(self, e)?.into_bytes()
            }
            Format::Xlsx => to_xlsx(self)?,
            Format::Docx => docx_out::summary_docx(self)?,
            Format::SheetDocx => {
                let Some(e) = expert else {
                    return Err(ExportError::Usage(
                        "--format sheet-docx needs --expert <ID> (whose 评分表 to print)".into(),
                    ));
                };
                docx_out::sheet_docx(self, e)?
            }
        })
    }

    /// One line for the terminal: shortlisted count, budget, calibration changes.
    pub fn summary_line(&self) -> String {
        let r = &self.results;
        let count =
            |s: crate::aggregate::Status| r.applications.iter().filter(|a| a.status == s).count();
        let mut s = format!(
            "{} applications: {} ranked, {} incomplete, {} ineligible, {} below threshold; {} \
             shortlisted",
            r.applications.len(),
            count(crate::aggregate::Status::Ranked),
            count(crate::aggregate::Status::Incomplete),
            count(crate::aggregate::Status::Ineligible),
            count(crate::aggregate::Status::BelowThreshold),
            self.shortlisted()
        );
        if let Some(b) = r.budget_used_wan {
            s.push_str(&format!(
                ", {} 万元 recommended",
                crate::rubric::num::show(b)
            ));
        }
        let changes = &r.calibration_changes;
        if !changes.is_empty() {
            let shown: Vec<&str> = changes.iter().take(10).map(String::as_str).collect();
            s.push_str(&format!(
                "; calibration would change the shortlist for {}{}",
                shown.join(", "),
                if changes.len() > shown.len() {
                    format!(" and {} more", changes.len() - shown.len())
                } else {
                    String::new()
                }
            ));
        }
        s
    }
}

/// Text of one trimmed-away value: `E03 B1 2 (low)` / `E03 61.5 (high)`.
pub fn dropped_text(d: &crate::aggregate::Dropped) -> String {
    let mut s = String::new();
    dropped_to(&mut s, d);
    s
}

/// [`dropped_text`] appended to `out` (the CSV export writes one per dropped value).
pub(crate) fn dropped_to(out: &mut String, d: &crate::aggregate::Dropped) {
    out.push_str(&d.expert);
    out.push(' ');
    if let Some(c) = &d.criterion {
        out.push_str(c);
        out.push(' ');
    }
    crate::rubric::num::show_to(out, d.value);
    out.push_str(match d.side {
        crate::aggregate::Side::High => " (high)",
        crate::aggregate::Side::Low => " (low)",
    });
}

/// `p_shortlist` as text with three decimals, or empty.
/// The flags of an application in their written form, joined by `sep`.
pub(crate) fn join_flags(flags: &[crate::aggregate::Flag], sep: &str) -> String {
    let mut s = String::new();
    for (i, f) in flags.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        let _ = fmt::Write::write_fmt(&mut s, format_args!("{f}"));
    }
    s
}

pub(crate) fn p_text(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.3}")).unwrap_or_default()
}

/// An optional decimal as display text, or empty.
pub(crate) fn opt_show(d: Option<Decimal>) -> String {
    d.map(crate::rubric::num::show).unwrap_or_default()
}

/// The shortlisted flag of `app` under calibration (the official flag flipped when the
/// application is in `calibration_changes`).
pub(crate) fn calibrated_shortlisted(r: &Results, app: &AppResult) -> bool {
    app.shortlisted ^ r.calibration_changes.binary_search(&app.id).is_ok()
}

#[cfg(test)]
mod tests {
    use super::dropped_text;
    use crate::aggregate::{Dropped, Side};
    use rust_decimal::Decimal;

    #[test]
    fn dropped_values_are_written_as_expert_criterion_value_side() {
        let d = |criterion: Option<&str>, value: Decimal, side| Dropped {
            expert: "E03".into(),
            criterion: criterion.map(String::from),
            value,
            side,
        };
        for (dropped, want) in [
            (
                d(None, Decimal::new(8250, 2), Side::High),
                "E03 82.5 (high)",
            ),
            (
                d(Some("A1"), Decimal::new(-5, 3), Side::Low),
                "E03 A1 -0.005 (low)",
            ),
            (
                d(Some("B2"), Decimal::new(400, 2), Side::High),
                "E03 B2 4 (high)",
            ),
            (
                d(None, Decimal::MAX, Side::Low),
                "E03 79228162514264337593543950335 (low)",
            ),
        ] {
            assert_eq!(dropped_text(&dropped), want);
        }
    }
}
