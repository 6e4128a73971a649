//! `panel results <PANEL_DIR> [--db CHAIR_DB | --scores CSV] [settings] [--format F] [-o FILE]`.

use super::Outcome;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rust_decimal::Decimal;

use super::value_parsers;
use crate::aggregate::{By, Method, Rounding};
use crate::export::{self, ExportError, Format, Report};
use crate::panel::Panel;
use crate::report;
use crate::results_input::{self, Overrides};
use crate::role::Role;
use crate::sheet;

/// Arguments of `panel results`.
#[derive(clap::Args, Debug, Clone)]
pub struct ResultsArgs {
    /// Panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// Chair database (default: the user's data directory/<panel id>-chair).
    #[arg(long, conflicts_with = "scores")]
    pub db: Option<PathBuf>,
    /// Compute from a raw-score CSV (application,expert,criterion,value[,comment]; criterion
    /// or item ids) instead of the chair database.
    #[arg(long)]
    pub scores: Option<PathBuf>,
    /// Panel value: mean, trimmed, median or normalized (default: the rubric's).
    #[arg(long)]
    pub method: Option<Method>,
    /// k of the trimmed mean: drop the k highest and k lowest values.
    #[arg(long, allow_negative_numbers = true, value_parser = value_parsers::whole::<usize>)]
    pub trim: Option<usize>,
    /// Apply the method per criterion or to the experts' totals.
    #[arg(long)]
    pub by: Option<By>,
    /// Decimal places kept: 0 to 6.
    #[arg(long = "round", value_name = "DIGITS", allow_negative_numbers = true, value_parser = value_parsers::digits)]
    pub round: Option<u32>,
    /// Rounding mode: half-up, truncate or none.
    #[arg(long)]
    pub rounding: Option<Rounding>,
    /// Minimum number of valid experts per application (at least 1).
    #[arg(long, allow_negative_numbers = true, value_parser = value_parsers::at_least_one)]
    pub quorum: Option<usize>,
    /// Minimum total for the shortlist.
    #[arg(long, allow_negative_numbers = true, value_parser = value_parsers::amount)]
    pub threshold: Option<Decimal>,
    /// Maximum number of shortlisted applications.
    #[arg(long, allow_negative_numbers = true, value_parser = value_parsers::whole::<usize>)]
    pub quota: Option<usize>,
    /// Total budget in 万元 (above 0; leave it out for no budget limit).
    #[arg(long, value_name = "WAN", allow_negative_numbers = true, value_parser = value_parsers::positive_amount)]
    pub budget: Option<Decimal>,
    /// Cap per award in 万元 (above 0; leave it out for no cap).
    #[arg(long, value_name = "WAN", allow_negative_numbers = true, value_parser = value_parsers::positive_amount)]
    pub cap: Option<Decimal>,
    /// Bootstrap draws for p_shortlist (0 disables; default 1000; at most 100000).
    #[arg(long, allow_negative_numbers = true, value_parser = value_parsers::resamples)]
    pub resamples: Option<usize>,
    /// Seed of the bootstrap (default 0).
    #[arg(long, allow_negative_numbers = true, value_parser = value_parsers::whole::<u64>)]
    pub seed: Option<u64>,
    /// Output format: json, csv, xlsx, md, summary-md (评审汇总表), sheet-md (评分表, with
    /// --expert), docx (评审汇总表 as Word), sheet-docx (评分表 as Word, with --expert).
    /// Default: from the -o extension, else md.
    #[arg(long)]
    pub format: Option<Format>,
    /// Expert whose 评分表 to print (--format sheet-md or sheet-docx).
    #[arg(long)]
    pub expert: Option<String>,
    /// Meeting date printed on the 评审汇总表 and 评分表: 2024年9月12日 or 2024-09-12
    /// (overrides panel.json `meeting.date`).
    #[arg(long, value_name = "DATE", value_parser = value_parsers::meeting_date)]
    pub meeting_date: Option<String>,
    /// Meeting place printed on the 评审汇总表 (overrides panel.json `meeting.place`).
    #[arg(long, value_name = "PLACE")]
    pub meeting_place: Option<String>,
    /// Language of the CSV column names: zh or en (default: from the environment, as the
    /// screens).
    #[arg(long, value_parser = value_parsers::lang)]
    pub lang: Option<String>,
    /// Write to this file instead of stdout (required for xlsx, docx and sheet-docx); an
    /// existing file is replaced.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl ResultsArgs {
    /// The settings given on the command line.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            method: self.method,
            trim: self.trim,
            by: self.by,
            digits: self.round,
            rounding: self.rounding,
            quorum: self.quorum,
            threshold: self.threshold,
            quota: self.quota,
            budget_wan: self.budget,
            per_award_cap_wan: self.cap,
            resamples: self.resamples,
            seed: self.seed,
        }
    }

    /// The output format: `--format`, else from the `-o` extension, else Markdown.
    pub fn resolved_format(&self) -> Format {
        self.format
            .or_else(|| self.output.as_deref().and_then(Format::from_extension))
            .unwrap_or(Format::Md)
    }
}

/// When the roster gives the chair (panel.json `chair`) a key, every commit of the chair
/// database must carry the chair's signature over its hash: a rewritten journal fails here,
/// naming its first bad line.
fn check_chair_signatures(panel: &Panel, store: &crate::store::Store, db: &Path) -> Result<()> {
    let Some((chair, key)) =
        sheet::keys::owner_key(panel, &Role::Chair).map_err(|e| anyhow::anyhow!(e))?
    else {
        return Ok(());
    };
    let seals = store.seals()?;
    if let Err((line, reason)) = sheet::keys::check_journal_signatures(&seals, &key) {
        anyhow::bail!(
            "chair database {}: journal {} line {line}: {reason}. panel.json gives the chair \
             {chair} a public_key, so every commit of the chair database carries {chair}'s \
             signature: this journal was rewritten (or written without the chair's key). \
             Nothing was read from it; `panel audit verify {} --panel {}` shows the evidence. \
             Restore the database from a backup.",
            db.display(),
            store.journal_path().display(),
            db.display(),
            panel.dir.display()
        );
    }
    Ok(())
}

/// Computes the report (without rendering it).
pub fn report(a: &ResultsArgs, format: Format) -> Result<Report> {
    report_with_notes(a, format, None).map(|(r, _)| r)
}

/// [`report`] with the warnings of opening the chair database (read-only snapshot).
fn report_with_notes(
    a: &ResultsArgs,
    format: Format,
    output: Option<&Path>,
) -> Result<(Report, Vec<String>)> {
    let mut notes = Vec::new();
    let panel = Panel::open(&a.panel_dir)?;
    if let Some(out) = output {
        let mut inputs = super::panel_inputs(&panel);
        if let Some(csv) = &a.scores {
            inputs.push((csv.clone(), "the scores file".into()));
        }
        if let Some(db) = &a.db {
            inputs.push((db.clone(), "the chair database".into()));
        }
        super::refuse_input_as_output(out, "-o", &inputs)?;
    }
    let o = a.overrides();
    let rep = match &a.scores {
        Some(csv) => {
            let detail = match (format, &a.expert) {
                (Format::SheetMd | Format::SheetDocx, Some(e)) => export::Detail::Expert(e.clone()),
                (Format::Xlsx, _) => export::Detail::All,
                _ => export::Detail::None,
            };
            report::build_from_csv_detail(&panel, csv, &o, &detail, format.shows_source_hash())?
        }
        None => {
            let db = match &a.db {
                Some(p) => p.clone(),
                None => sheet::default_db_path(&panel.config.id, &Role::Chair)?,
            };
            let (store, warnings) = results_input::open_chair(&panel, &db)?;
            notes = warnings;
            check_chair_signatures(&panel, &store, &db)?;
            report::build_from_store(&panel, &store, &db, &o)?
        }
    };
    Ok((rep, notes))
}

/// Most experts left out that the warning lists one by one.
const LEFT_OUT_SHOWN: usize = 10;

/// The warning, for the terminal, about experts left out of an application because of
/// their scores (two different values for one criterion, criteria missing): they change
/// the ranking, and the per-application notes of the JSON or XLSX are not where a chair
/// writing a CSV looks. Empty when no expert was left out.
fn left_out_warning(rep: &Report, scores: Option<(&Path, &Path)>) -> String {
    let all: Vec<(&str, &crate::aggregate::LeftOut)> = rep
        .results
        .applications
        .iter()
        .flat_map(|a| a.left_out.iter().map(|l| (a.id.as_str(), l)))
        .collect();
    if all.is_empty() {
        return String::new();
    }
    let apps = rep
        .results
        .applications
        .iter()
        .filter(|a| !a.left_out.is_empty())
        .count();
    let mut s = format!(
        "warning: {} expert score set(s) left out of {apps} application(s) because of their \
         scores (the notes of each application in --format json or xlsx say the same):\n",
        all.len()
    );
    for (id, l) in all.iter().take(LEFT_OUT_SHOWN) {
        s.push_str(&format!("  {id}: {}\n", l.note));
    }
    if all.len() > LEFT_OUT_SHOWN {
        s.push_str(&format!("  … and {} more\n", all.len() - LEFT_OUT_SHOWN));
    }
    if let Some((dir, csv)) = scores {
        if all
            .iter()
            .any(|(_, l)| l.why == crate::aggregate::LeftOutWhy::TwoValues)
        {
            s.push_str(&format!(
                "  {} gives two different values for one criterion of one expert; keep one \
                 row (`panel import {} {} --dry-run` names the lines)\n",
                csv.display(),
                dir.display(),
                csv.display()
            ));
        }
    }
    s
}

/// The warning, for the terminal, about experts outside the roster of panel.json whose
/// scores count (a scores CSV may name any expert): one whose id is mistyped would be
/// counted as another expert, and only the JSON and Markdown notes said so. Empty when every
/// expert is in the roster.
fn off_roster_warning(rep: &Report) -> String {
    let extra: Vec<&str> = rep
        .experts
        .iter()
        .filter(|e| !e.in_roster)
        .map(|e| e.id.as_str())
        .collect();
    if extra.is_empty() {
        return String::new();
    }
    format!(
        "warning: {} expert(s) not in the roster of panel.json are counted: {}; if an id is \
         mistyped, correct it in the scores file, else add the expert to panel.json\n",
        extra.len(),
        extra.join(", ")
    )
}

/// Writes `bytes` to `path` with [`crate::atomic_file`] as an ordinary document (`0644`); a
/// path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO) is written
/// in place: renaming over it would replace the device.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    super::check_parent_dir(path, "output path")?;
    crate::atomic_file::store(path, bytes, crate::atomic_file::Options::DOCUMENT)?;
    Ok(())
}

/// The formats `panel results` writes.
pub(crate) const RESULTS_FORMATS: [Format; 8] = [
    Format::Json,
    Format::Csv,
    Format::Xlsx,
    Format::Md,
    Format::SummaryMd,
    Format::SheetMd,
    Format::Docx,
    Format::SheetDocx,
];

/// What a command that renders to `--format` / `-o` writes: its name, its formats and the
/// file stem of its example (`-o results.xlsx`).
pub(crate) struct Writes<'a> {
    pub command: &'a str,
    pub formats: &'a [Format],
    pub stem: &'a str,
}

impl Writes<'_> {
    /// Each format's extension once, in words: `.json, .csv, .xlsx or .md`.
    fn extensions(&self) -> String {
        let mut exts: Vec<String> = Vec::new();
        for f in self.formats {
            let e = format!(".{}", f.extensions()[0]);
            if !exts.contains(&e) {
                exts.push(e);
            }
        }
        one_of(&exts)
    }

    /// The formats in words: `json, csv, xlsx or md`.
    fn names(&self) -> String {
        let names: Vec<String> = self.formats.iter().map(|f| f.to_string()).collect();
        one_of(&names)
    }
}

/// `a, b or c`.
fn one_of(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// Where the output of a command that writes `writes` goes, checked before anything is
/// computed: `Some(file)` for `-o FILE`; `None` for stdout (no `-o`, or `-o -`). `explicit`:
/// `format` was given with `--format` (else it came from the `-o` extension or the
/// default).
///
/// - A binary format (xlsx, docx) is never written to stdout: a terminal or a pipe would
///   get the bytes of a zip archive; the refusal names a file to write instead.
/// - An `-o` extension that does not fit `format` is refused (`-o out.docx` with `--format
///   md` would put Markdown into a file Word cannot open), and, without `--format`, an
///   extension no format of the command writes. A path without an extension (`/dev/stdout`)
///   and an existing FIFO or device are accepted.
pub(crate) fn output_target<'p>(
    output: Option<&'p Path>,
    format: Format,
    explicit: bool,
    writes: &Writes<'_>,
) -> Result<Option<&'p Path>, ExportError> {
    let ext = format.extensions()[0];
    if !writes.formats.contains(&format) && explicit {
        return Err(ExportError::Usage(format!(
            "--format {format}: `panel {}` writes {}",
            writes.command,
            writes.names()
        )));
    }
    let path = output.filter(|p| p.as_os_str() != "-");
    let Some(path) = path else {
        if format.is_binary() && writes.formats.contains(&format) {
            return Err(ExportError::Usage(format!(
                "--format {format} writes a binary file, not text for a terminal or a pipe: \
                 write it to a file: -o {}.{ext}",
                writes.stem
            )));
        }
        return Ok(None);
    };
    let Some(file_ext) = path.extension().and_then(|e| e.to_str()) else {
        return Ok(Some(path));
    };
    // A FIFO or a device is written in place whatever its name (`out.fifo`).
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Ok(Some(path));
    }
    let file_ext = file_ext.to_ascii_lowercase();
    if writes.formats.contains(&format) && format.extensions().contains(&file_ext.as_str()) {
        return Ok(Some(path));
    }
    if !explicit {
        return Err(ExportError::Usage(format!(
            "-o {}: no format of `panel {}` writes .{file_ext} files; name the file {}, or \
             pass --format",
            path.display(),
            writes.command,
            writes.extensions()
        )));
    }
    let suggest = Format::from_extension(path)
        .filter(|f| writes.formats.contains(f))
        .map(|f| format!(", or --format {f} for a .{file_ext} file"))
        .unwrap_or_default();
    Err(ExportError::Usage(format!(
        "-o {}: the extension .{file_ext} does not fit --format {format} (which writes \
         .{ext}); name the file .{ext}{suggest}",
        path.display(),
    )))
}

/// `panel results`: returns (stdout, stderr, exit code); with `-o` the output goes to the
/// file and stdout stays empty.
pub fn results(a: &ResultsArgs) -> Result<Outcome> {
    results_keeping(a).map(|(outcome, _report)| outcome)
}

/// [`results`], also handing back the report, so that a process about to exit can leave
/// it to the operating system instead of freeing it piece by piece (tens of milliseconds
/// for a panel of millions of scores).
pub fn results_keeping(a: &ResultsArgs) -> Result<(Outcome, Report)> {
    let format = a.resolved_format();
    let writes = Writes {
        command: "results",
        formats: &RESULTS_FORMATS,
        stem: "results",
    };
    let output = output_target(a.output.as_deref(), format, a.format.is_some(), &writes)?;
    if format.is_sheet() && a.expert.is_none() {
        return Err(ExportError::Usage(format!(
            "--format {format} prints one expert's 评分表; pass --expert <ID>"
        ))
        .into());
    }
    let lang = match super::score::lang_arg(a.lang.as_deref())? {
        crate::tui::Lang::Zh => export::HeaderLang::Zh,
        crate::tui::Lang::En => export::HeaderLang::En,
    };

    let t0 = std::time::Instant::now();
    let (mut rep, notes) = report_with_notes(a, format, output)?;
    if let Some(d) = &a.meeting_date {
        rep.meeting.date = Some(d.clone());
    }
    if let Some(p) = &a.meeting_place {
        rep.meeting.place = Some(p.clone());
    }
    let t1 = std::time::Instant::now();
    let bytes = rep.render_in(format, a.expert.as_deref(), lang)?;
    results_input::timing(&format!("render {format}"), t1);
    let mut err = String::new();
    for n in notes {
        err.push_str(&format!("warning: {n}\n"));
    }
    err.push_str(&off_roster_warning(&rep));
    err.push_str(&left_out_warning(
        &rep,
        a.scores.as_deref().map(|c| (a.panel_dir.as_path(), c)),
    ));
    err.push_str(&format!("{}\n", rep.summary_line()));
    match output {
        Some(path) => {
            write_file(path, &bytes)?;
            results_input::timing("total", t0);
            err.push_str(&format!("wrote {} ({format})\n", path.display()));
            Ok((Outcome::done(Vec::new(), err), rep))
        }
        None => Ok((Outcome::done(bytes, err), rep)),
    }
}
