//! `panel form <RUBRIC> -o 申报书.docx`: the program's blank 申报书 as a Word document.

use super::Outcome;
use std::path::Path;

use anyhow::{bail, Result};

use super::rubric::load_arg;
use crate::office::{self, FormFill};

/// Writes the blank form of `rubric_arg` (file or embedded id) to `out`; returns
/// (stdout, stderr, exit code).
pub fn form(rubric_arg: &Path, out: &Path, force: bool) -> Result<Outcome> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some("docx") {
        bail!(
            "-o {}: the form is a Word document; name the file .docx (e.g. 申报书.docx)",
            out.display()
        );
    }
    if out.exists() && !force {
        bail!(
            "{} exists; pass --force to replace it, or choose another -o",
            out.display()
        );
    }
    super::check_parent_dir(out, "-o")?;
    let loaded = load_arg(rubric_arg)?;
    let rubric = &loaded.rubric;
    let layout = office::layout(rubric);
    let bytes = office::form_docx(rubric, &layout, &FormFill::default())?;
    super::results::write_file(out, &bytes)?;
    let rules = if rubric.derived {
        "the derived rubric's"
    } else {
        "the rubric's"
    };
    let how = if layout.from_seed {
        "laid out like the call's own form".to_string()
    } else if office::call_prints_a_form(rubric) {
        format!(
            "the sections of the call's own 申报书, its tables not reproduced: the data fields \
             are {rules} facts, and the form says so"
        )
    } else {
        format!("the call prints no form: built from {rules} sections and facts, and says so")
    };
    Ok(Outcome::done(
        String::new(),
        format!(
            "wrote {} ({}, {} bytes; {how})\n",
            out.display(),
            layout.title,
            bytes.len()
        ),
    ))
}
