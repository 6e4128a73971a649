//! Export of an expert's sheet from the expert's store, and atomic writing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use serde_json::json;

use super::{
    io_err, keys, now_rfc3339, sha256_hex, sig_path, store_err, verify, write_atomic, PanelView,
    Sheet, SheetApp, SheetError, SheetItem, META_EXPORT_SEQ, META_EXPORT_SHA, SHEET_SCHEMA,
};
use crate::role::Role;
use crate::store::{AppStatus, Op, Store, OPINION_ITEM};

/// `<panel>/sheets/<expert>.sheet.json`, where the expert screen saves the sheet.
pub fn sheet_path(panel_dir: &Path, expert: &str) -> PathBuf {
    panel_dir
        .join("sheets")
        .join(format!("{expert}.sheet.json"))
}

/// Builds the sheet of `expert` from `store`, records the export in the store (meta
/// `sheet_export_seq` / `sheet_export_sha256`, audit `sheet_export`) and returns the file
/// bytes and, with a key, the signature file's text.
///
/// Every application of the panel is listed (untouched ones as drafts). A submitted
/// application gets the computed suggestion of each rule item the expert left untouched;
/// a conflicted one carries no item values. The sheet is verified like the chair will verify
/// it, so an export never produces a sheet the merge would refuse for its content.
pub fn export_sheet_view(
    view: &PanelView,
    store: &mut Store,
    expert: &str,
    key: Option<&SigningKey>,
) -> Result<(Vec<u8>, Option<String>), SheetError> {
    let db = store.path().to_path_buf();
    if view.expert(expert).is_none() {
        return Err(SheetError::Invalid {
            path: view.config_file(),
            message: format!(
                "expert {expert:?} is not in the roster of panel {} ({}); check --expert",
                view.id,
                view.roster_ids()
            ),
        });
    }
    if let Some(text) = store.meta("role") {
        let role = text.parse::<Role>().map_err(|e| SheetError::Invalid {
            path: db.clone(),
            message: format!(
                "{e}: this is not the database of expert {expert}; pass --db with expert \
                 {expert}'s database"
            ),
        })?;
        if role.expert_id() != Some(expert) {
            return Err(SheetError::Invalid {
                path: db.clone(),
                message: format!(
                    "this database belongs to {role}, not to {}; pass --db with expert \
                     {expert}'s database",
                    Role::expert(expert)
                ),
            });
        }
    }
    let mut scores: BTreeMap<String, Vec<(String, crate::store::ScoreEntry)>> = BTreeMap::new();
    for (app, item, e) in store.scores_for(expert) {
        scores.entry(app).or_default().push((item, e));
    }
    let mut comments: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (app, item, text) in store.comments_for(expert) {
        comments.entry(app).or_default().push((item, text));
    }
    let statuses: BTreeMap<String, (AppStatus, Option<String>)> = store
        .statuses_for(expert)
        .into_iter()
        .map(|(a, s, r)| (a, (s, r)))
        .collect();
    if let Some(fault) = store.fault() {
        return Err(SheetError::Invalid {
            path: db.clone(),
            message: format!("the database could not be read completely ({fault}); reopen it"),
        });
    }
    for code in scores.keys().chain(comments.keys()).chain(statuses.keys()) {
        if !view.apps.contains_key(code) {
            return Err(SheetError::Invalid {
                path: db.clone(),
                message: format!(
                    "the database holds scores of application {code:?}, which is not in panel \
                     {}; is this the right panel directory?",
                    view.id
                ),
            });
        }
    }

    let exported_at = now_rfc3339();
    let mut applications = Vec::new();
    for (code, info) in &view.apps {
        let (status, status_reason) = statuses
            .get(code)
            .cloned()
            .unwrap_or((AppStatus::Draft, None));
        let mut items: BTreeMap<String, SheetItem> = BTreeMap::new();
        let mut app_comment = None;
        let mut opinion = None;
        let mut updated_at: Option<String> = None;
        for (item, e) in scores.get(code).into_iter().flatten() {
            if updated_at.as_deref().is_none_or(|u| e.ts.as_str() > u) {
                updated_at = Some(e.ts.clone());
            }
            items.insert(
                item.clone(),
                SheetItem {
                    value: Some(e.value),
                    reason: e.reason.clone(),
                    comment: None,
                },
            );
        }
        for (item, text) in comments.get(code).into_iter().flatten() {
            if item.is_empty() {
                app_comment = Some(text.clone());
            } else if item == OPINION_ITEM {
                opinion = Some(text.clone());
            } else {
                items
                    .entry(item.clone())
                    .or_insert(SheetItem {
                        value: None,
                        reason: None,
                        comment: None,
                    })
                    .comment = Some(text.clone());
            }
        }
        if status == AppStatus::Conflict {
            items.clear();
        }
        if status == AppStatus::Submitted {
            for (id, s) in &info.suggestions {
                let e = items.entry(id.clone()).or_insert(SheetItem {
                    value: None,
                    reason: None,
                    comment: None,
                });
                if e.value.is_none() {
                    e.value = Some(*s);
                }
            }
        }
        applications.push(SheetApp {
            code: code.clone(),
            bundle_sha256: info.bundle_sha256.clone(),
            status,
            conflict_reason: if status == AppStatus::Conflict {
                status_reason
            } else {
                None
            },
            updated_at,
            items,
            comment: app_comment,
            opinion: if status == AppStatus::Conflict {
                None
            } else {
                opinion
            },
        });
    }

    let last_seq: u64 = match store.meta(META_EXPORT_SEQ) {
        None => 0,
        Some(s) => s.parse().map_err(|_| SheetError::Invalid {
            path: db.clone(),
            message: format!("meta {META_EXPORT_SEQ} is {s:?}, not a number"),
        })?,
    };
    let mut sheet = Sheet {
        schema: SHEET_SCHEMA.to_string(),
        panel: view.id.clone(),
        rubric: view.rubric.rubric.id.clone(),
        rubric_sha256: view.rubric.sha256.clone(),
        expert: expert.to_string(),
        seq: last_seq.saturating_add(1),
        prev_sha256: if last_seq == 0 {
            None
        } else {
            store.meta(META_EXPORT_SHA)
        },
        exported_at,
        applications,
        digest: String::new(),
    };
    sheet.digest = sheet.compute_digest();
    verify::verify_content(view, &db, &sheet)?;
    let bytes = sheet.to_file_bytes();
    let sha = sha256_hex(&bytes);
    let sig = key.map(|k| keys::sign(&bytes, k));
    if store.is_read_only() {
        // a read-only snapshot (tests, tools) records nothing
        return Ok((bytes, sig));
    }
    store
        .commit(vec![
            Op::Meta {
                key: META_EXPORT_SEQ.into(),
                value: sheet.seq.to_string(),
            },
            Op::Meta {
                key: META_EXPORT_SHA.into(),
                value: sha.clone(),
            },
            Op::Audit {
                kind: "sheet_export".into(),
                detail: json!({"seq": sheet.seq, "sha256": sha, "signed": sig.is_some()}),
            },
        ])
        .map_err(store_err(format!(
            "cannot record the export of sheet seq {}",
            sheet.seq
        )))?;
    Ok((bytes, sig))
}

/// Writes a sheet and its signature atomically (temp file in the same directory, fsync,
/// rename, fsync of the directory). Without a signature, a stale `<path>.sig` is removed.
/// The sheet is renamed into place before its signature; a reader in between sees a bad
/// signature and is refused (a retry succeeds), never a half-written file.
pub fn write_sheet_atomic(path: &Path, bytes: &[u8], sig: Option<&str>) -> Result<(), SheetError> {
    write_atomic(path, bytes)?;
    let sp = sig_path(path);
    match sig {
        Some(s) => write_atomic(&sp, s.as_bytes())?,
        None => match std::fs::remove_file(&sp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("cannot remove stale signature", &sp)(e)),
        },
    }
    Ok(())
}

/// Exports the sheet of `expert` into `<panel>/sheets/<expert>.sheet.json` (+ `.sig` when
/// the expert has a key in the key directory, see [`keys::key_dir`]). The expert screen
/// calls this whenever an application is submitted.
pub fn autosave_view(
    view: &PanelView,
    store: &mut Store,
    expert: &str,
    key_dir: Option<&Path>,
) -> Result<PathBuf, SheetError> {
    let dir = keys::key_dir(key_dir)?;
    let key = keys::load_signing_key(&dir, expert)?;
    let path = sheet_path(&view.dir, expert);
    refuse_foreign_sheet(&path, store)?;
    let (bytes, sig) = export_sheet_view(view, store, expert, key.as_ref())?;
    write_sheet_atomic(&path, &bytes, sig.as_deref())?;
    Ok(path)
}

/// Refuses to replace a sheet file this database did not write: the file at `path` must be
/// absent or byte-identical to the last export recorded in `store` (meta
/// `sheet_export_sha256`). A sheet written by another database (another computer, a fresh
/// `--db`, a shipped fixture) would otherwise be replaced by this database's shorter one and
/// the chair would lose the other's scores at the next merge. Nothing is written on refusal;
/// the scores stay in the database.
pub fn refuse_foreign_sheet(path: &Path, store: &Store) -> Result<(), SheetError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("cannot read the existing sheet", path)(e)),
    };
    if store.meta(META_EXPORT_SHA).as_deref() == Some(sha256_hex(&bytes).as_str()) {
        return Ok(());
    }
    let whose = serde_json::from_slice::<Sheet>(&bytes)
        .ok()
        .map(|s| super::ForeignSheet {
            submitted: s
                .applications
                .iter()
                .filter(|a| a.status == AppStatus::Submitted)
                .count(),
            applications: s.applications.len(),
            expert: s.expert,
            seq: s.seq,
            exported_at: s.exported_at,
        });
    Err(SheetError::Foreign {
        path: path.to_path_buf(),
        whose,
        db: store.path().to_path_buf(),
    })
}

/// [`export_sheet_view`] for an opened panel.
pub fn export_sheet(
    panel: &crate::panel::Panel,
    store: &mut Store,
    expert: &str,
    key: Option<&SigningKey>,
) -> Result<(Vec<u8>, Option<String>), SheetError> {
    export_sheet_view(&PanelView::from_panel(panel), store, expert, key)
}

/// [`autosave_view`] for an opened panel, with the default key directory
/// (`$PANEL_KEY_DIR`, else the user's data directory).
pub fn autosave(
    panel: &crate::panel::Panel,
    store: &mut Store,
    expert: &str,
) -> Result<PathBuf, SheetError> {
    autosave_view(&PanelView::from_panel(panel), store, expert, None)
}
