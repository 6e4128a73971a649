//! `panel awards <PANEL_DIR> [--format json|csv|xlsx|md] [-o FILE] [--db CHAIR_DB]`: the
//! formula awards of the panel's per-unit or graded track; and
//! `panel awards <PANEL_DIR> --assign ID --grade GRADE --reason "…" [--by EXPERT]`: the chair
//! records an applicant's grade (graded tracks), journaled in the chair database.

use super::Outcome;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Result};

use super::eligibility::{decider, open_chair};
use super::results::{output_target, Writes};
use crate::decisions::{self, Decided, Decision};
use crate::export::{self, ExportError, Format};
use crate::panel::Panel;
use crate::role::Role;
use crate::sheet;
use crate::store::{Store, StoreIdentity};

/// The formats `panel awards` writes.
const AWARDS_FORMATS: [Format; 4] = [Format::Json, Format::Csv, Format::Xlsx, Format::Md];

/// Arguments of `panel awards`.
#[derive(clap::Args, Debug, Clone)]
pub struct AwardsArgs {
    /// Panel directory (with panel.json naming a per_unit or graded track).
    pub panel_dir: PathBuf,
    /// Chair database with the decisions (default: the user's data directory/<panel
    /// id>-chair; without one, no gate is decided and no grade assigned).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Output format: json, csv, xlsx or md (default: from the -o extension, else md).
    #[arg(long, value_parser = super::value_parsers::awards_format)]
    pub format: Option<Format>,
    /// Write to this file instead of stdout (required for xlsx); an existing file is replaced.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Record a grade for this application (graded tracks) instead of computing.
    #[arg(long, requires_all = ["grade", "reason"])]
    pub assign: Option<String>,
    /// The grade (等次) to assign, one of the track's grades (e.g. 一等).
    #[arg(long, requires = "assign")]
    pub grade: Option<String>,
    /// Why this grade (shown with every output).
    #[arg(long, requires = "assign")]
    pub reason: Option<String>,
    /// Expert id of the person deciding (default: the panel's chair).
    #[arg(long, requires = "assign")]
    pub by: Option<String>,
}

fn read_decisions(panel: &Panel, db: Option<&std::path::Path>) -> Result<Vec<Decision>> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => sheet::default_db_path(&panel.config.id, &Role::Chair)?,
    };
    if !path.exists() {
        if db.is_some() {
            bail!(
                "--db {}: no chair database there; check the path",
                path.display()
            );
        }
        return Ok(Vec::new());
    }
    let ident = StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: Role::Chair,
    };
    // reading only: a read-only snapshot, no lock, nothing written
    let (store, _) = Store::open_read_only(&path, &ident)?;
    Ok(decisions::read(&store))
}

fn assign(panel: &Panel, a: &AwardsArgs, app: &str) -> Result<Outcome> {
    let file = panel.dir.join("panel.json");
    let grade = a.grade.clone().unwrap_or_default();
    let reason = a.reason.clone().unwrap_or_default();
    let Some(t) = &panel.track else {
        bail!(
            "{}: no `track`; grades belong to a graded track",
            file.display()
        );
    };
    if t.kind() != Some(crate::rubric::TrackMode::Graded) {
        bail!(
            "{}: track `{}` ({} {}) is `{}`, not graded: it takes no grades",
            file.display(),
            t.id,
            t.article,
            t.title,
            t.mode
        );
    }
    if !t.grades.iter().any(|g| g.id == grade) {
        bail!(
            "--grade {grade}: not a grade of track `{}`; give one of: {}",
            t.id,
            t.grades
                .iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if panel.bundle(app).is_none() {
        bail!(
            "--assign {app}: no valid bundle with this code in {}; give one of: {}",
            panel.dir.join(&panel.config.bundles).display(),
            panel.bundle_codes()
        );
    }
    if reason.trim().is_empty() {
        bail!("--reason is empty: say why this grade (it is shown with every output)");
    }
    let (by, name) = decider(panel, a.by.as_deref())?;
    let (mut store, path) = open_chair(panel, a.db.as_deref())?;
    let d = Decision {
        application: app.to_string(),
        decided: Decided::Grade {
            track: t.id.clone(),
            grade,
        },
        reason: reason.trim().to_string(),
        decided_by: by,
        decided_by_name: name,
        at: String::new(),
        seq: 0,
    };
    if let Some(same) = decisions::repeats(&decisions::read(&store), &d) {
        let out = format!(
            "already recorded / 已记录（未重复记录）: {app} {}\n{}\n",
            same.describe(),
            same.describe_zh()
        );
        let err = format!(
            "chair database {}: this grade is in force as it is; nothing was written\n",
            path.display()
        );
        return Ok(Outcome::done(out, err));
    }
    let receipt = decisions::record(&mut store, &d)?;
    let recorded = decisions::read(&store)
        .into_iter()
        .find(|x| x.seq == receipt.seq)
        .unwrap_or(d);
    let mut out = String::new();
    let _ = writeln!(out, "recorded / 已记录: {app} {}", recorded.describe());
    let _ = writeln!(out, "{}", recorded.describe_zh());
    let err = format!(
        "chair database {} (journal #{}); `panel awards` uses the grade\n",
        path.display(),
        receipt.seq
    );
    Ok(Outcome::done(out.into_bytes(), err))
}

/// `panel awards`: returns (stdout, stderr, exit code).
pub fn awards(a: &AwardsArgs) -> Result<Outcome> {
    let panel = Panel::open(&a.panel_dir)?;
    if let Some(app) = &a.assign {
        return assign(&panel, a, app);
    }
    let format = a
        .format
        .or_else(|| a.output.as_deref().and_then(Format::from_extension))
        .unwrap_or(Format::Md);
    let writes = Writes {
        command: "awards",
        formats: &AWARDS_FORMATS,
        stem: "awards",
    };
    let output = output_target(a.output.as_deref(), format, a.format.is_some(), &writes)?;
    if let Some(out) = output {
        let mut inputs = super::panel_inputs(&panel);
        if let Some(db) = &a.db {
            inputs.push((db.clone(), "the chair database".into()));
        }
        super::refuse_input_as_output(out, "-o", &inputs)?;
    }
    let bytes_of = |rep: &export::AwardsReport| -> Result<Vec<u8>> {
        Ok(match format {
            Format::Json => export::awards_json(rep).into_bytes(),
            Format::Csv => export::awards_csv(rep)?,
            Format::Md => export::awards_md(rep).into_bytes(),
            Format::Xlsx => export::awards_xlsx(rep)?,
            // refused by `output_target`
            other => {
                return Err(ExportError::Usage(format!(
                    "--format {other}: `panel awards` writes json, csv, xlsx or md"
                ))
                .into())
            }
        })
    };
    let decisions = read_decisions(&panel, a.db.as_deref())?;
    let rep = crate::report::build_awards(&panel, &decisions)?;
    let bytes = bytes_of(&rep)?;
    let aw = &rep.awards;
    let mut err = format!(
        "{} {}: {} applicant(s), awarded {} 元 of {} 元{}{}\n",
        rep.track.article,
        rep.track.id,
        aw.lines.len(),
        crate::rubric::num::show(aw.awarded_yuan),
        crate::rubric::num::show(aw.total_yuan),
        if aw.reduction_factor.is_some() {
            " (oversubscribed: 按比例核减)"
        } else {
            ""
        },
        if aw.provisional {
            "; PROVISIONAL (暂定)"
        } else {
            ""
        }
    );
    match output {
        Some(path) => {
            super::results::write_file(path, &bytes)?;
            err.push_str(&format!("wrote {} ({format})\n", path.display()));
            Ok(Outcome::done(Vec::new(), err))
        }
        None => Ok(Outcome::done(bytes, err)),
    }
}
