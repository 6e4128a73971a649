//! The chair's reopen: one application unlocked for one expert, in the chair database and
//! through a note in `<panel>/reopen/` that the expert's `panel score` applies at start.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    dec_text, is_safe_id, now_rfc3339, sha256_hex, store_err, write_atomic, PanelView, SheetError,
    REOPEN_SCHEMA,
};
use crate::store::{AppStatus, Op, Store};

/// `<panel>/reopen/<expert>--<application>.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReopenNote {
    pub schema: String,
    pub panel: String,
    pub expert: String,
    pub application: String,
    pub reason: String,
    /// RFC 3339.
    pub at: String,
    /// The chair journal commit that recorded the reopen.
    pub chair_seq: u64,
    /// Where the note was read from (not in the file).
    #[serde(skip)]
    pub path: PathBuf,
    /// sha256 of the note file's bytes (not in the file).
    #[serde(skip)]
    pub sha256: String,
}

/// What `reopen` did.
#[derive(Debug, Clone)]
pub struct ReopenReport {
    pub note: PathBuf,
    pub chair_seq: u64,
    pub before_status: Option<AppStatus>,
    /// Item → value held by the chair before the reopen.
    pub before: BTreeMap<String, Decimal>,
}

/// `<panel>/reopen/<expert>--<application>.json`.
pub fn reopen_note_path(panel_dir: &Path, expert: &str, app: &str) -> PathBuf {
    panel_dir
        .join("reopen")
        .join(format!("{expert}--{app}.json"))
}

/// The status reason of an application the chair handed back, before the chair's reason.
const REOPEN_REASON_PREFIX: &str = "reopened by the chair: ";

/// The status reason a reopen records for the chair's `reason` (the journal keeps this text).
fn reopen_status_reason(reason: &str) -> String {
    format!("{REOPEN_REASON_PREFIX}{reason}")
}

/// The chair's reason, when a status reason is the one a reopen recorded
/// ([`reopen_status_reason`]); `None` for any other reason.
pub fn reopened_reason(status_reason: &str) -> Option<&str> {
    status_reason.strip_prefix(REOPEN_REASON_PREFIX)
}

/// Reopens application `app` for `expert`: chair commit (status draft with the reason, audit
/// `reopen` with the values before) and the reopen note for the expert.
pub fn reopen_view(
    view: &PanelView,
    store: &mut Store,
    expert: &str,
    app: &str,
    reason: &str,
) -> Result<ReopenReport, SheetError> {
    let invalid = |message: String| SheetError::Invalid {
        path: view.config_file(),
        message,
    };
    if view.expert(expert).is_none() {
        return Err(invalid(format!(
            "expert {expert:?} is not in the roster ({}); check --expert",
            view.roster_ids()
        )));
    }
    if !view.apps.contains_key(app) {
        return Err(invalid(format!(
            "application {app:?} is not in panel {} ({}); check --application",
            view.id,
            view.apps.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    if reason.trim().is_empty() {
        return Err(invalid(
            "a reopen needs a reason; pass --reason \"…\" (it is shown to the expert and kept \
             in the audit log)"
                .into(),
        ));
    }
    if !is_safe_id(expert) || !is_safe_id(app) || expert.contains("--") {
        return Err(invalid(format!(
            "expert {expert:?} or application {app:?} cannot name a reopen note file"
        )));
    }
    let before: BTreeMap<String, Decimal> = store
        .scores_for(expert)
        .into_iter()
        .filter(|(a, _, _)| a == app)
        .map(|(_, i, e)| (i, e.value))
        .collect();
    let held = store.status(expert, app);
    if let Some((AppStatus::Conflict, why)) = &held {
        // A reopen would turn the conflict into a draft the chair could then fill
        // (`panel import`): only the expert withdraws a declared conflict.
        return Err(SheetError::Invalid {
            path: store.path().to_path_buf(),
            message: format!(
                "{expert} declared a conflict of interest (回避) on {app}{}: a reopen would \
                 hand back an application the expert must not score; nothing was recorded. \
                 Only {expert} withdraws a conflict (`x` again on {app} in `panel score`, then \
                 the chair merges {expert}'s next sheet)",
                why.as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
        });
    }
    if let Some((AppStatus::Draft, why)) = &held {
        let note = reopen_note_path(&view.dir, expert, app);
        let by_chair = why.as_deref().and_then(reopened_reason);
        match by_chair {
            // The note was not written last time ("run the same reopen again"): go on.
            Some(_) if !note.exists() => {}
            Some(earlier) => {
                return Err(SheetError::Invalid {
                    path: store.path().to_path_buf(),
                    message: format!(
                        "{app} is already handed back to {expert} (reopened by the chair: \
                         {earlier}; note {}), and {expert} has not submitted it since; nothing \
                         was recorded. Merge {expert}'s next sheet, then reopen it again if \
                         needed",
                        note.display()
                    ),
                });
            }
            None => {
                return Err(SheetError::Invalid {
                    path: store.path().to_path_buf(),
                    message: format!(
                        "nothing to reopen: {expert} has not submitted {app} (the last sheet \
                         of {expert} merged here has it as a draft, so it is still the \
                         expert's to finish); nothing was recorded"
                    ),
                });
            }
        }
    }
    let before_status = held.map(|s| s.0);
    if before_status.is_none() {
        return Err(SheetError::Invalid {
            path: store.path().to_path_buf(),
            message: format!(
                "nothing to reopen: {expert} has not submitted {app} (this chair database \
                 holds no sheet or import of {expert} for it, so there is nothing to hand \
                 back); nothing was recorded. Merge {expert}'s sheet first (`panel merge`), or \
                 check --expert and --application"
            ),
        });
    }
    let reason = reason.trim().to_string();
    let receipt = store
        .commit(vec![
            Op::SetStatus {
                expert: expert.into(),
                app: app.into(),
                status: AppStatus::Draft,
                reason: Some(reopen_status_reason(&reason)),
            },
            Op::Audit {
                kind: "reopen".into(),
                detail: json!({
                    "expert": expert,
                    "app": app,
                    "reason": reason,
                    "before_status": before_status,
                    "before": before.iter().map(|(k, v)| (k.clone(), json!(dec_text(*v))))
                        .collect::<serde_json::Map<_, _>>(),
                }),
            },
        ])
        .map_err(store_err(format!(
            "cannot record the reopen of {app} for {expert}"
        )))?;
    let note = ReopenNote {
        schema: REOPEN_SCHEMA.into(),
        panel: view.id.clone(),
        expert: expert.into(),
        application: app.into(),
        reason,
        at: now_rfc3339(),
        chair_seq: receipt.seq,
        path: PathBuf::new(),
        sha256: String::new(),
    };
    let path = reopen_note_path(&view.dir, expert, app);
    let mut bytes = serde_json::to_vec_pretty(&note).unwrap_or_default();
    bytes.push(b'\n');
    write_atomic(&path, &bytes).map_err(|e| SheetError::Invalid {
        path: path.clone(),
        message: format!(
            "the chair database records the reopen (commit {}), but the note for the expert \
             could not be written ({e}); run the same reopen again",
            receipt.seq
        ),
    })?;
    Ok(ReopenReport {
        note: path,
        chair_seq: receipt.seq,
        before_status,
        before,
    })
}

fn read_note(path: &Path) -> Result<ReopenNote, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read ({e})"))?;
    let mut note: ReopenNote =
        serde_json::from_slice(&bytes).map_err(|e| format!("not a reopen note ({e})"))?;
    if note.schema != REOPEN_SCHEMA {
        return Err(format!("schema {:?} is not {REOPEN_SCHEMA:?}", note.schema));
    }
    note.sha256 = sha256_hex(&bytes);
    note.path = path.to_path_buf();
    Ok(note)
}

/// The reopen notes for `expert` in `<panel>/reopen/`, sorted by file name (applied or not;
/// [`apply_reopens`] skips those already applied). Unreadable notes are skipped.
pub fn pending_reopens(panel_dir: &Path, expert: &str) -> Vec<ReopenNote> {
    let dir = panel_dir.join("reopen");
    let prefix = format!("{expert}--");
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".json"))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    paths
        .iter()
        .filter_map(|p| read_note(p).ok())
        .filter(|n| n.expert == expert)
        .collect()
}

/// Applies the chair's reopen notes to the expert's `store`: status draft with the reason,
/// audit `reopen_applied`, meta `reopen_applied:<note sha256>`, all in one commit. Notes
/// already applied are skipped, so calling this at every start is safe. Returns the notes
/// applied now.
pub fn apply_reopens(
    store: &mut Store,
    panel_dir: &Path,
    expert: &str,
) -> Result<Vec<ReopenNote>, SheetError> {
    let panel_id = store.meta("panel_id");
    let mut ops = Vec::new();
    let mut applied = Vec::new();
    for note in pending_reopens(panel_dir, expert) {
        if panel_id.as_deref().is_some_and(|p| p != note.panel) {
            return Err(SheetError::Invalid {
                path: note.path.clone(),
                message: format!(
                    "the note is for panel {:?} but the database {} is for {:?}; remove the \
                     note or open the right database",
                    note.panel,
                    store.path().display(),
                    panel_id.unwrap_or_default()
                ),
            });
        }
        let key = format!("reopen_applied:{}", note.sha256);
        if store.meta(&key).is_some() {
            continue;
        }
        let before_status = store.status(expert, &note.application).map(|s| s.0);
        ops.push(Op::SetStatus {
            expert: expert.into(),
            app: note.application.clone(),
            status: AppStatus::Draft,
            reason: Some(reopen_status_reason(&note.reason)),
        });
        ops.push(Op::Audit {
            kind: "reopen_applied".into(),
            detail: json!({
                "note": note.path.file_name().map(|n| n.to_string_lossy().into_owned()),
                "sha256": note.sha256,
                "app": note.application,
                "reason": note.reason,
                "chair_seq": note.chair_seq,
                "before_status": before_status,
            }),
        });
        ops.push(Op::Meta {
            key,
            value: note.at.clone(),
        });
        applied.push(note);
    }
    if !ops.is_empty() {
        store.commit(ops).map_err(store_err(format!(
            "cannot apply the reopen notes of {}",
            panel_dir.join("reopen").display()
        )))?;
    }
    Ok(applied)
}

/// [`reopen_view`] for an opened panel.
pub fn reopen(
    panel: &crate::panel::Panel,
    store: &mut Store,
    expert: &str,
    app: &str,
    reason: &str,
) -> Result<ReopenReport, SheetError> {
    reopen_view(&PanelView::from_panel(panel), store, expert, app, reason)
}
