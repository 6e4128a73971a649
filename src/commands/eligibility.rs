//! `panel eligibility <PANEL_DIR> --application ID --gate GATE --pass|--fail --reason "…"
//! [--by EXPERT] [--db CHAIR_DB]`: a person decides a manual (or fact-less) eligibility gate;
//! the decision is recorded in the chair database (journaled) and used by every output.

use super::Outcome;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::decisions::{self, Decided, Decision};
use crate::panel::Panel;
use crate::role::Role;
use crate::rubric;
use crate::sheet;
use crate::store::Store;

/// Arguments of `panel eligibility`.
#[derive(clap::Args, Debug, Clone)]
pub struct EligibilityArgs {
    /// Panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// Application code (as in its bundle).
    #[arg(long)]
    pub application: String,
    /// Eligibility gate id of the rubric (E2 …); only a gate checked by hand or whose facts
    /// are missing can be decided.
    #[arg(long)]
    pub gate: String,
    /// The application meets the gate / 符合.
    #[arg(long, conflicts_with = "fail", required_unless_present = "fail")]
    pub pass: bool,
    /// The application does not meet the gate / 不符合.
    #[arg(long)]
    pub fail: bool,
    /// Why (the evidence checked); shown with every output.
    #[arg(long)]
    pub reason: String,
    /// Expert id of the person deciding (default: the panel's chair).
    #[arg(long)]
    pub by: Option<String>,
    /// Chair database (default: the user's data directory/<panel id>-chair).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

/// The deciding person: `--by`, else the panel's chair; must be in the roster.
pub(crate) fn decider(panel: &Panel, by: Option<&str>) -> Result<(String, String)> {
    let file = panel.dir.join("panel.json");
    let id = match by.or(panel.config.chair.as_deref()) {
        Some(id) => id.to_string(),
        None => bail!(
            "{}: no `chair` is set; say who decides with --by <EXPERT_ID>",
            file.display()
        ),
    };
    match panel.expert(&id) {
        Some(e) => Ok((id, e.name.clone())),
        None => bail!(
            "--by {id}: not an expert of the roster in {}; give one of: {}",
            file.display(),
            panel.expert_ids()
        ),
    }
}

/// Opens (creating if needed) the chair database.
pub(crate) fn open_chair(panel: &Panel, db: Option<&Path>) -> Result<(Store, PathBuf)> {
    let path = match db {
        Some(p) => p.to_path_buf(),
        None => sheet::default_db_path(&panel.config.id, &Role::Chair)?,
    };
    let signer = crate::commands::chair::chair_signer(panel, None)?;
    let (store, _) = Store::open_signed(&path, &crate::commands::chair::identity(panel), signer)?;
    Ok((store, path))
}

/// `panel eligibility`: returns (stdout, stderr, exit code). A gate that the bundle's facts
/// decide, an unknown application or gate, or an empty reason is refused (exit 1).
pub fn eligibility(a: &EligibilityArgs) -> Result<Outcome> {
    let panel = Panel::open(&a.panel_dir)?;
    let r = &panel.rubric.rubric;
    let file = panel.dir.join("panel.json");
    let Some(b) = panel.bundle(&a.application) else {
        bail!(
            "--application {}: no valid bundle with this code in {}; give one of: {}",
            a.application,
            panel.dir.join(&panel.config.bundles).display(),
            panel.bundle_codes()
        );
    };
    let gates = rubric::check_gates(&panel.eligibility_gates(), &b.facts);
    let Some(g) = gates.iter().find(|g| g.id == a.gate) else {
        bail!(
            "--gate {}: rubric `{}` ({}){} has no such eligibility gate; give one of: {}",
            a.gate,
            r.id,
            panel.rubric.path.display(),
            match &panel.track {
                Some(t) => format!(" and track `{}` ({})", t.id, t.article),
                None => String::new(),
            },
            gates
                .iter()
                .map(|g| g.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    if !g.outcome.is_open() {
        bail!(
            "gate {} of {} is decided by the bundle's facts ({}: {}); a person decides only a \
             gate checked by hand or whose facts are missing — correct the bundle instead",
            g.id,
            a.application,
            g.outcome,
            g.detail.join("; ")
        );
    }
    if a.reason.trim().is_empty() {
        bail!("--reason is empty: say what was checked (it is shown with every output)");
    }
    let (by, name) = decider(&panel, a.by.as_deref())?;
    let (mut store, path) = open_chair(&panel, a.db.as_deref())?;
    let d = Decision {
        application: a.application.clone(),
        decided: Decided::Gate {
            gate: g.id.clone(),
            pass: a.pass,
        },
        reason: a.reason.trim().to_string(),
        decided_by: by,
        decided_by_name: name,
        at: String::new(),
        seq: 0,
    };
    if let Some(same) = decisions::repeats(&decisions::read(&store), &d) {
        let out = format!(
            "already recorded / 已记录（未重复记录）: {} {}\n{}\n",
            a.application,
            same.describe(),
            same.describe_zh()
        );
        let err = format!(
            "chair database {}: this decision is in force as it is; nothing was written\n",
            path.display()
        );
        return Ok(Outcome::done(out, err));
    }
    let receipt = decisions::record(&mut store, &d)?;
    let all = decisions::read(&store);
    let recorded = all
        .iter()
        .rev()
        .find(|x| x.seq == receipt.seq)
        .cloned()
        .unwrap_or(d);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "recorded / 已记录: {} {}",
        a.application,
        recorded.describe()
    );
    let _ = writeln!(out, "{}", recorded.describe_zh());
    let _ = writeln!(
        out,
        "gate {}: {} — {}",
        g.id,
        g.text,
        if a.pass {
            "符合 / pass"
        } else {
            "不符合 / fail"
        }
    );
    let err = format!(
        "chair database {} (journal #{}); `panel results` uses the decision ({})\n",
        path.display(),
        receipt.seq,
        file.display()
    );
    Ok(Outcome::done(out, err))
}
