//! `panel keygen | sheet export | merge | import | reopen`. Each returns (stdout, stderr,
//! exit code).

use super::{Exit, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::panel::Panel;
use crate::role::Role;
use crate::rubric::num::show;
use crate::sheet::{
    self, keys, Change, MergeKind, MergeReport, PanelView, SheetError, SignatureState,
};
use crate::store::{AppStatus, OpenReport, Store, StoreError, StoreIdentity, OPINION_ITEM};

type Output = Outcome;

fn open_panel(dir: &Path) -> Result<Panel> {
    let p = Panel::open(dir)?;
    Ok(p)
}

fn report_open(db: &Path, rep: &OpenReport, err: &mut String) {
    for r in &rep.repaired {
        let _ = writeln!(err, "note: database {}: repaired: {r}", db.display());
    }
    for w in &rep.warnings {
        let _ = writeln!(err, "warning: database {}: {w}", db.display());
    }
}

/// Opens the chair database (`--db`, else `<data dir>/<panel id>-chair`).
fn open_chair(panel: &Panel, db: Option<&Path>, err: &mut String) -> Result<Store> {
    let path = chair_db_path(panel, db)?;
    let ident = StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: Role::Chair,
    };
    let signer = super::chair::chair_signer(panel, None)?;
    let (store, rep) = Store::open_signed(&path, &ident, signer)?;
    report_open(&path, &rep, err);
    Ok(store)
}

/// A refused command leaves no new database behind: when `store` was created by this
/// command and holds nothing but its creation commit, it is removed again (never anything
/// that existed before; see `Store::discard_new`). Says so on `err`.
fn discard_if_new(store: Store, err: &mut String) {
    let path = store.path().to_path_buf();
    match store.discard_new() {
        Ok(true) => {
            let _ = writeln!(
                err,
                "note: removed the database {} this command had just created (nothing was \
                 recorded in it)",
                path.display()
            );
        }
        Ok(false) => {}
        Err(e) => {
            let _ = writeln!(
                err,
                "warning: the database {} this command had just created could not be \
                 removed: {e}; it holds nothing but its creation commit, remove the directory \
                 by hand",
                path.display()
            );
        }
    }
}

fn chair_db_path(panel: &Panel, db: Option<&Path>) -> Result<PathBuf> {
    Ok(match db {
        Some(p) => p.to_path_buf(),
        None => sheet::default_db_path(&panel.config.id, &Role::Chair)?,
    })
}

/// `panel keygen --expert <ID> [--key-dir DIR] [--force]`.
pub fn keygen(expert: &str, key_dir: Option<&Path>, force: bool) -> Result<Output> {
    let dir = keys::key_dir(key_dir)?;
    let (public, secret, created) = keys::keygen(&dir, expert, force)?;
    let pk = keys::public_key_string(&public);
    let out = format!("{pk}\n");
    let secretariat = expert == crate::anonymize::signature::SECRETARIAT;
    let public_path = keys::public_key_path(&dir, expert);
    let err = match (created, secretariat) {
        (true, false) => format!(
            "created the key of expert {expert}: {} (secret, mode 0600; keep it private and \
             backed up) and {}.\nGive the public key above to the chair for panel.json: \
             \"experts\": [{{\"id\": \"{expert}\", …, \"public_key\": \"{pk}\"}}]\n",
            secret.display(),
            public_path.display()
        ),
        (true, true) => format!(
            "created the secretariat's key: {} (secret, mode 0600; keep it private and backed \
             up) and {}.\nIt signs identity maps: `panel anonymize` finds it in this key \
             directory (or pass --key {}). `panel reveal` verifies a map with the public key \
             above (--key {} or --key-dir {}); give that public key to whoever reveals. It does \
             not go into panel.json.\n",
            secret.display(),
            public_path.display(),
            secret.display(),
            public_path.display(),
            dir.display()
        ),
        (false, false) => format!(
            "expert {expert} already has a key ({}); its public key is above. Pass --force to \
             replace it (sheets signed with the old key will no longer verify).\n",
            secret.display()
        ),
        (false, true) => format!(
            "the secretariat already has a key ({}); its public key is above. Pass --force to \
             replace it (identity maps signed with the old key will no longer verify: `panel \
             reveal` refuses them until they are anonymized again with --force and the new \
             key).\n",
            secret.display()
        ),
    };
    Ok(Outcome::done(out, err))
}

fn summarize_statuses(bytes: &[u8]) -> String {
    let Ok(sheet) = serde_json::from_slice::<sheet::Sheet>(bytes) else {
        return String::new();
    };
    let count = |s: AppStatus| sheet.applications.iter().filter(|a| a.status == s).count();
    format!(
        "seq {}, {} applications: {} submitted, {} conflict, {} draft",
        sheet.seq,
        sheet.applications.len(),
        count(AppStatus::Submitted),
        count(AppStatus::Conflict),
        count(AppStatus::Draft)
    )
}

/// `panel sheet export <PANEL_DIR> --expert <ID> [--db PATH] -o <FILE> [--key-dir DIR]`.
pub fn export(
    panel_dir: &Path,
    expert: &str,
    db: Option<&Path>,
    out_file: &Path,
    key_dir: Option<&Path>,
    force: bool,
) -> Result<Output> {
    let panel = open_panel(panel_dir)?;
    let mut err = String::new();
    let role = Role::expert(expert);
    let db_path = match db {
        Some(p) => p.to_path_buf(),
        None => sheet::default_db_path(&panel.config.id, &role)?,
    };
    let mut inputs = super::panel_inputs(&panel);
    inputs.push((db_path.clone(), format!("expert {expert}'s database")));
    super::refuse_input_as_output(out_file, "-o", &inputs)?;
    if !db_path.exists() {
        anyhow::bail!(
            "{}: no database of expert {expert} here; score with `panel score` first, or pass \
             --db <PATH> of the expert's database",
            db_path.display()
        );
    }
    let ident = StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role,
    };
    // The export is recorded in the database (its seq and sha256), as the screen's autosave
    // records its own: the next export, from the command or the screen, follows it. An
    // export that recorded nothing would share its seq with the next one, and the chair,
    // having merged one, would refuse the other as a fork.
    // The expert's key signs the record as it signs every commit of the expert's database
    // (a signed journal takes no unsigned line).
    let kdir = keys::key_dir(key_dir)?;
    let key = keys::load_signing_key(&kdir, expert)?;
    let signer = key.clone().map(keys::store_signer);
    let (mut store, rep) = match Store::open_signed(&db_path, &ident, signer) {
        Ok(opened) => opened,
        Err(StoreError::Locked { holder, .. }) => anyhow::bail!(
            "{}: expert {expert}'s screen has this database open{holder}; an export now could \
             not be recorded, and a sheet not recorded would clash with the next one the \
             screen saves. Quit the screen (q) and export again, or send the sheet the screen \
             saved at the last submission ({})",
            db_path.display(),
            sheet::sheet_path(&panel.dir, expert).display()
        ),
        Err(e) => return Err(e.into()),
    };
    report_open(&db_path, &rep, &mut err);
    let roster_key = panel
        .expert(expert)
        .and_then(|e| e.public_key.clone())
        .filter(|k| !k.trim().is_empty());
    match (&key, &roster_key) {
        (None, Some(_)) => {
            let _ = writeln!(
                err,
                "warning: no key of expert {expert} in {}, but the roster holds one: the chair \
                 will refuse this unsigned sheet. Pass --key-dir, or set {}",
                kdir.display(),
                keys::KEY_DIR_ENV
            );
        }
        (Some(k), Some(r)) => {
            if keys::parse_public_key(r).ok() != Some(k.verifying_key()) {
                let _ = writeln!(
                    err,
                    "warning: the key in {} is not the one the roster holds for {expert}; the \
                     chair will refuse the signature. Give the chair your current public key \
                     ({})",
                    kdir.display(),
                    keys::public_key_string(&k.verifying_key())
                );
            }
        }
        (None, None) => {
            let _ = writeln!(
                err,
                "note: expert {expert} has no key in {}: the sheet is not signed (`panel \
                 keygen --expert {expert}` makes one)",
                kdir.display()
            );
        }
        (Some(_), None) => {}
    }
    // The panel's own sheet file is what the chair merges: never replace one another
    // database wrote (the screen's autosave keeps the same rule).
    let panel_sheet = sheet::sheet_path(&panel.dir, expert);
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    };
    if same(out_file, &panel_sheet) && !force {
        // "this database wrote it": the last export it recorded (command or screen)
        sheet::refuse_foreign_sheet(out_file, &store).map_err(|e| {
            anyhow::anyhow!(
                "{e}\n(to replace it with this database's sheet all the same, pass --force)"
            )
        })?;
    }
    let (bytes, sig) = sheet::export_sheet(&panel, &mut store, expert, key.as_ref())?;
    sheet::write_sheet_atomic(out_file, &bytes, sig.as_deref())?;
    let mut out = format!(
        "wrote {} (expert {expert}, {}; sha256 {})\n",
        out_file.display(),
        summarize_statuses(&bytes),
        &hex_sha(&bytes)[..16]
    );
    if sig.is_some() {
        let _ = writeln!(out, "signed {}", sheet::sig_path(out_file).display());
    }
    Ok(Outcome::done(out, err))
}

fn hex_sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn opt_dec(d: Option<rust_decimal::Decimal>) -> String {
    d.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

fn change_lines(out: &mut String, expert: &str, changed: &[Change]) {
    for c in changed {
        let _ = writeln!(
            out,
            "    {expert} {} {}: {} → {}",
            c.app,
            c.item,
            opt_dec(c.before),
            opt_dec(c.after)
        );
    }
}

fn merge_line(r: &MergeReport, out: &mut String, detail: bool) {
    let sig = match r.signature {
        SignatureState::Verified => "signature verified",
        SignatureState::Unsigned => "unsigned (no key in the roster)",
        SignatureState::NotCheckable => "signature not checked (no key in the roster)",
    };
    let replaces = r
        .replaced_seq
        .map(|s| format!(" (replaces seq {s})"))
        .unwrap_or_else(|| " (first sheet of this expert)".into());
    let verb = match r.kind {
        MergeKind::AlreadyMerged => {
            let _ = writeln!(
                out,
                "already merged {}: expert {} seq {}, nothing to do",
                r.file.display(),
                r.expert,
                r.seq
            );
            return;
        }
        MergeKind::WouldMerge => "would merge".to_string(),
        MergeKind::Merged { chair_seq } => format!("merged (chair commit {chair_seq})"),
    };
    let _ = writeln!(
        out,
        "{verb} {}: expert {} seq {}{replaces}, {} value(s) changed, {} status(es) changed, \
         {} comment(s) changed, {sig}",
        r.file.display(),
        r.expert,
        r.seq,
        r.changed.len(),
        r.status_changes.len(),
        r.comment_changes.len()
    );
    for n in &r.notes {
        let _ = writeln!(out, "    note: {n}");
    }
    if detail {
        change_lines(out, &r.expert, &r.changed);
        for s in &r.status_changes {
            let _ = writeln!(
                out,
                "    {} {} status: {} → {}",
                r.expert,
                s.app,
                s.before.map(status_name).unwrap_or("—"),
                status_name(s.after)
            );
        }
        for c in &r.comment_changes {
            let on = match c.item.as_str() {
                "" => "application comment".to_string(),
                OPINION_ITEM => "written opinion (专家评审意见)".to_string(),
                item => format!("{item} comment"),
            };
            let _ = writeln!(out, "    {} {} {on}: {}", r.expert, c.app, c.kind);
        }
    }
}

fn status_name(s: AppStatus) -> &'static str {
    match s {
        AppStatus::Draft => "draft",
        AppStatus::Submitted => "submitted",
        AppStatus::Conflict => "conflict",
    }
}

/// `panel merge <PANEL_DIR> <SHEET>... [--db CHAIR_DB] [--dry-run]`: one line per sheet;
/// exit 1 when any sheet is refused.
pub fn merge(
    panel_dir: &Path,
    sheets: &[PathBuf],
    db: Option<&Path>,
    dry_run: bool,
) -> Result<Output> {
    let panel = open_panel(panel_dir)?;
    let view = PanelView::from_panel(&panel);
    let (mut out, mut err) = (String::new(), String::new());
    let mut exit = Exit::Success;
    let refused = |e: &SheetError, out: &mut String| {
        let _ = writeln!(out, "refused {e}");
    };
    if dry_run {
        let path = chair_db_path(&panel, db)?;
        let store = if path.exists() {
            Some(open_chair(&panel, db, &mut err)?)
        } else {
            let _ = writeln!(
                err,
                "note: no chair database at {} yet; the dry run starts from an empty one",
                path.display()
            );
            None
        };
        let mut cache = BTreeMap::new();
        for s in sheets {
            match sheet::dry_run_sheet(&view, store.as_ref(), &mut cache, s) {
                Ok(r) => merge_line(&r, &mut out, true),
                Err(e) => {
                    exit = Exit::Refused;
                    refused(&e, &mut out);
                }
            }
        }
        let _ = writeln!(err, "dry run: nothing was written");
    } else {
        let mut store = open_chair(&panel, db, &mut err)?;
        for s in sheets {
            match sheet::merge_sheet_view(&view, &mut store, s) {
                Ok(r) => merge_line(&r, &mut out, false),
                Err(e) => {
                    exit = Exit::Refused;
                    refused(&e, &mut out);
                }
            }
        }
        if exit == Exit::Refused {
            // every sheet refused into a database this command created: none is left
            discard_if_new(store, &mut err);
        }
    }
    Ok(Outcome::new(out, err, exit))
}

/// `panel import <PANEL_DIR> <CSV> [--db CHAIR_DB] [--dry-run]`.
pub fn import(panel_dir: &Path, csv: &Path, db: Option<&Path>, dry_run: bool) -> Result<Output> {
    let panel = open_panel(panel_dir)?;
    let view = PanelView::from_panel(&panel);
    let (mut out, mut err) = (String::new(), String::new());
    let path = chair_db_path(&panel, db)?;
    let mut store = if dry_run && !path.exists() {
        None
    } else {
        Some(open_chair(&panel, db, &mut err)?)
    };
    match sheet::import_csv_view(&view, store.as_mut(), csv, dry_run) {
        Ok(r) => {
            let experts: std::collections::BTreeSet<&str> =
                r.pairs.iter().map(|(e, _)| e.as_str()).collect();
            let verb = match r.chair_seq {
                Some(s) => format!("imported (chair commit {s})"),
                None => "would import".into(),
            };
            let _ = writeln!(
                out,
                "{verb} {}: {} rows, {} application(s) submitted for {} expert(s), {} value(s) \
                 changed, {} rule value(s) taken from the computed suggestions",
                csv.display(),
                r.rows,
                r.pairs.len(),
                experts.len(),
                r.changed_count,
                r.filled
            );
            if dry_run {
                for (e, c) in &r.changed {
                    change_lines(&mut out, e, std::slice::from_ref(c));
                }
                if r.changed_count > r.changed.len() {
                    let _ = writeln!(
                        out,
                        "    … and {} more change(s)",
                        r.changed_count - r.changed.len()
                    );
                }
                let _ = writeln!(err, "dry run: nothing was written");
            }
            Ok(Outcome::done(out, err))
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            if let Some(store) = store {
                discard_if_new(store, &mut err);
            }
            Ok(Outcome::refused(out, err))
        }
    }
}

/// `panel reopen <PANEL_DIR> --expert <ID> --application <CODE> --reason "…" [--db]`.
pub fn reopen(
    panel_dir: &Path,
    expert: &str,
    app: &str,
    reason: &str,
    db: Option<&Path>,
) -> Result<Output> {
    let panel = open_panel(panel_dir)?;
    let mut err = String::new();
    let mut store = open_chair(&panel, db, &mut err)?;
    let r = match sheet::reopen(&panel, &mut store, expert, app, reason) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: reopen of {app} for {expert}: {e}");
            discard_if_new(store, &mut err);
            return Ok(Outcome::refused(String::new(), err));
        }
    };
    let mut out = format!(
        "reopened {app} for expert {expert} (chair commit {}; status was {}); note for the \
         expert: {}\n",
        r.chair_seq,
        r.before_status.map(status_name).unwrap_or("none"),
        r.note.display()
    );
    if !r.before.is_empty() {
        let _ = writeln!(
            out,
            "values before: {}",
            r.before
                .iter()
                .map(|(k, v)| format!("{k}={}", show(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        out,
        "the expert's `panel score` picks the note up at start; merge the expert's next sheet \
         to record the values after"
    );
    Ok(Outcome::done(out, err))
}
