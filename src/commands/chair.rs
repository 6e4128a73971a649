//! `panel chair <PANEL_DIR> [--db CHAIR_DB] [--watch] [--lang zh|en]`: the chair's screen.

use super::Exit;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::score::{lang_arg, need_terminal, open_panel, report_open};
use crate::panel::Panel;
use crate::role::Role;
use crate::sheet::{self, keys};
use crate::store::{Signer, Store, StoreError, StoreIdentity};
use crate::tui::{self, ChairApp, Lang};

/// The store identity of a panel's chair.
pub fn identity(panel: &Panel) -> StoreIdentity {
    StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: Role::Chair,
    }
}

/// The signer of the chair database: the secret key of panel.json's `chair` in the key
/// directory (`key_dir`, else `$PANEL_KEY_DIR`, else the data directory). When the roster
/// gives the chair a public key, a different or missing secret key is refused: nothing is
/// written (an unsigned commit would make every later read refuse the database).
pub fn chair_signer(panel: &Panel, key_dir: Option<&Path>) -> Result<Option<Signer>> {
    let Some(chair) = panel.config.chair.clone() else {
        return Ok(None);
    };
    let dir = keys::key_dir(key_dir)?;
    let secret = keys::load_signing_key(&dir, &chair)?;
    let roster = keys::owner_key(panel, &Role::Chair).map_err(|e| anyhow!(e))?;
    match (secret, roster) {
        (Some(k), Some((_, public))) if k.verifying_key() == public => {
            Ok(Some(keys::store_signer(k)))
        }
        (Some(_), Some(_)) => bail!(
            "{}: the key of the chair {chair} in {} is not the public_key the roster gives \
             {chair}; every commit of the chair database is signed with the chair's key. Use \
             the right key directory (--key-dir or ${}) or correct panel.json",
            panel.dir.join("panel.json").display(),
            dir.display(),
            keys::KEY_DIR_ENV
        ),
        // An unsigned commit in a database whose owner has a key would make every later
        // read refuse the whole database: write nothing.
        (None, Some(_)) => bail!(
            "{}: the roster gives the chair {chair} a public_key, but there is no secret key \
             of {chair} in {}: every commit of the chair database is signed with the chair's \
             key, and nothing is written without it. Set ${} (or --key-dir where the command \
             has it) to the chair's key directory",
            panel.dir.join("panel.json").display(),
            dir.display(),
            keys::KEY_DIR_ENV
        ),
        (Some(k), None) => Ok(Some(keys::store_signer(k))),
        (None, None) => Ok(None),
    }
}

/// Default chair database: `<data dir>/<panel id>-chair`.
pub fn default_db(panel: &Panel) -> Result<PathBuf> {
    Ok(sheet::default_db_path(&panel.config.id, &Role::Chair)?)
}

/// The chair screen over the chair database `db`. Without `watch` the database must
/// exist (merge sheets first); with `watch` it is created, and sheets are merged into it
/// as they appear in `<panel>/sheets/` (call [`tui::chair::tick`]). The chair's key is
/// looked up in `key_dir` (see [`chair_signer`]).
pub fn chair_app(
    panel: &Panel,
    db: &Path,
    watch: bool,
    lang: Lang,
    color: bool,
    size: (u16, u16),
    key_dir: Option<&Path>,
) -> Result<ChairApp> {
    if !watch && !db.exists() {
        bail!(
            "no chair database at {}: merge the experts' sheets first (`panel merge {} \
             <SHEETS>`), or start with --watch to merge the sheets of {} as they arrive, or \
             pass --db <PATH>",
            db.display(),
            panel.dir.display(),
            panel.dir.join("sheets").display()
        );
    }
    let signer = chair_signer(panel, key_dir)?;
    let (store, rep) = Store::open_signed(db, &identity(panel), signer)
        .map_err(|e| locked_in_language(e, lang))?;
    let note = report_open(&rep);
    let mut app =
        ChairApp::new(panel.clone(), store, db, lang, color, size).map_err(|e| anyhow!("{e}"))?;
    app.watch = watch;
    app.note = note;
    Ok(app)
}

/// A chair database another process holds, said in the screen's language with what to do
/// (the English text is the store's own). Any other error as the store says it.
fn locked_in_language(e: StoreError, lang: Lang) -> anyhow::Error {
    match &e {
        StoreError::Locked { path, holder } if lang.is_zh() => anyhow!(
            "组长数据库 {} 正被另一个 panel 进程{holder}打开修改（锁文件 {}），同一时间只能有一个\
             进程修改它。请先关闭另一个组长界面或正在运行的 panel merge / import / reopen（已合并\
             的评分都在数据库中）。只读命令（`panel results`、`panel audit verify`）现在即可使用。",
            path.display(),
            path.join(crate::store::LOCK_FILE).display()
        ),
        _ => e.into(),
    }
}

/// `panel chair`.
pub fn chair(dir: &Path, db: Option<&Path>, watch: bool, lang: Option<&str>) -> Result<Exit> {
    let lang = lang_arg(lang)?;
    let panel = open_panel(dir)?;
    let db = match db {
        Some(p) => p.to_path_buf(),
        None => default_db(&panel)?,
    };
    let (w, h) = tui::term::terminal_size();
    let mut app = chair_app(&panel, &db, watch, lang, tui::color_enabled(), (w, h), None)?;
    need_terminal(
        "chair screen",
        format!(
            "use `panel results {} --db {}` for the results as text",
            panel.dir.display(),
            db.display()
        ),
    )?;
    if watch {
        tui::chair::tick(&mut app);
    }
    tui::term::run_screen(&mut app).context("terminal error")?;
    println!("chair database / 组长数据库: {}", db.display());
    Ok(Exit::Success)
}
