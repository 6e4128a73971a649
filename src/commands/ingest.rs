//! `panel ingest <DOCX>... --program <RUBRIC> --out <RAW_DIR> [--report FILE]
//! [--allow-missing]`: filled 申报书 (.docx) → raw applications (`panel-raw/1`).

use super::{Exit, Outcome};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use super::rubric::load_arg;
use crate::office::{self, Missing, OfficeError};

/// One file's outcome (the `--report` JSON holds a list of these).
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub file: PathBuf,
    /// The raw application written, if any.
    pub raw: Option<PathBuf>,
    /// Values the form did not give (fact, identity field, title or section).
    pub missing: Vec<Missing>,
    /// Identity fields whose label the form has but whose cell is empty (written without
    /// them; `panel anonymize` has nothing to redact for them).
    pub warnings: Vec<Missing>,
    /// Attachments the form names that are not beside it.
    pub absent_attachments: Vec<String>,
    /// Why the file was refused (not a readable .docx, another program's form).
    pub refused: Option<String>,
}

/// Names of the other programs whose form title `blocks` carries.
fn other_programs(blocks: &[office::DocBlock], not: &str) -> Vec<String> {
    crate::rubric::EMBEDDED
        .iter()
        .filter_map(|(stem, _)| crate::rubric::embedded(stem))
        .filter(|l| l.rubric.id != not)
        .filter(|l| office::is_form_of(blocks, &office::layout(&l.rubric)))
        .map(|l| l.rubric.id)
        .collect()
}

/// Runs the ingest; returns (stdout, stderr, exit code): 0 when every file was written
/// with nothing missing (or `--allow-missing`), 1 otherwise.
pub fn ingest(
    files: &[PathBuf],
    program: &Path,
    out_dir: &Path,
    report: Option<&Path>,
    allow_missing: bool,
    force: bool,
) -> Result<Outcome> {
    let loaded = load_arg(program)?;
    let rubric = &loaded.rubric;
    let layout = office::layout(rubric);
    if files.is_empty() {
        bail!("no .docx given");
    }
    super::check_out_dir(out_dir, "the raw applications")?;
    if let Some(p) = report {
        let mut inputs: Vec<super::Input> = files
            .iter()
            .map(|f| (f.clone(), "one of the forms given".to_string()))
            .collect();
        inputs.push((program.to_path_buf(), "the program's rubric".into()));
        super::refuse_input_as_output(p, "--report", &inputs)?;
    }
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the output directory {}", out_dir.display()))?;
    let mut reports = Vec::new();
    let mut out = String::new();
    let mut err = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for file in files {
        let mut rep = FileReport {
            file: file.clone(),
            raw: None,
            missing: Vec::new(),
            warnings: Vec::new(),
            absent_attachments: Vec::new(),
            refused: None,
        };
        let blocks = match office::read_docx(file) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                rep.refused = Some(e.to_string());
                reports.push(rep);
                continue;
            }
        };
        if !office::is_form_of(&blocks, &layout) {
            let others = other_programs(&blocks, &rubric.id);
            let e = OfficeError::OtherProgram {
                file: file.clone(),
                program: rubric.id.clone(),
                expected: layout.title.replace("申报书", ""),
                hint: if others.is_empty() {
                    String::new()
                } else {
                    format!("; it looks like the form of {}", others.join(", "))
                },
            };
            let _ = writeln!(err, "error: {e}");
            rep.refused = Some(e.to_string());
            reports.push(rep);
            continue;
        }
        let got = office::ingest(file, &blocks, rubric, &layout);
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "form".into());
        let mut name = format!("{stem}.json");
        let mut n = 2;
        while !seen.insert(name.clone()) {
            name = format!("{stem}-{n}.json");
            n += 1;
        }
        for m in &got.missing {
            let _ = writeln!(err, "{}: {}: {}", file.display(), m.key, m.message);
        }
        for w in &got.warnings {
            let _ = writeln!(err, "{}: warning: {}: {}", file.display(), w.key, w.message);
        }
        for a in &got.absent_attachments {
            let _ = writeln!(
                err,
                "{}: attachment \"{a}\" is named in the form but not beside it (not hashed)",
                file.display()
            );
        }
        rep.missing = got.missing.clone();
        rep.warnings = got.warnings.clone();
        rep.absent_attachments = got.absent_attachments.clone();
        let path = out_dir.join(&name);
        if path.exists() && !force {
            let e = format!(
                "{}: {} exists (maybe corrected by hand); not replaced. Pass --force to \
                 replace it, or choose another --out",
                file.display(),
                path.display()
            );
            let _ = writeln!(err, "error: {e}");
            rep.refused = Some(e);
            reports.push(rep);
            continue;
        }
        if got.missing.is_empty() || allow_missing {
            let json = serde_json::to_string_pretty(&got.raw)? + "\n";
            super::results::write_file(&path, json.as_bytes())?;
            let _ = writeln!(
                out,
                "{}  ← {}  {} fact(s){}",
                path.display(),
                file.display(),
                got.raw.facts.len(),
                if got.missing.is_empty() {
                    String::new()
                } else {
                    format!(", {} missing (--allow-missing)", got.missing.len())
                }
            );
            rep.raw = Some(path);
        } else {
            let _ = writeln!(
                err,
                "{}: not written: {} value(s) missing; correct the form, or pass --allow-missing \
                 to write it without them (the rubric then treats those facts as missing)",
                file.display(),
                got.missing.len()
            );
        }
        reports.push(rep);
    }
    let written = reports.iter().filter(|r| r.raw.is_some()).count();
    let clean = reports
        .iter()
        .all(|r| r.raw.is_some() && (r.missing.is_empty() || allow_missing));
    let _ = writeln!(
        out,
        "{written} of {} form(s) written to {} (program {})",
        reports.len(),
        out_dir.display(),
        rubric.id
    );
    if let Some(p) = report {
        let json = serde_json::to_string_pretty(&reports)? + "\n";
        write_report(p, &json)?;
    }
    Ok(Outcome::new(out, err, Exit::ok_if(clean)))
}

fn write_report(p: &Path, json: &str) -> Result<()> {
    super::results::write_file(p, json.as_bytes())
        .with_context(|| format!("cannot write the report {}", p.display()))
}
