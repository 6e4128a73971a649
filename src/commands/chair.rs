//! `panel chair <PANEL_DIR> [--db CHAIR_DB] [--watch] [--lang zh|en]`: the chair's screen.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::score::{lang_arg, need_terminal, open_panel, report_open};
use crate::panel::Panel;
use crate::sheet;
use crate::store::{Store, StoreIdentity};
use crate::tui::{self, ChairApp, Lang};

/// The store identity of a panel's chair.
pub fn identity(panel: &Panel) -> StoreIdentity {
    StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: "chair".into(),
    }
}

/// Default chair database: `<data dir>/<panel id>-chair`.
pub fn default_db(panel: &Panel) -> Result<PathBuf> {
    Ok(sheet::default_db_path(&panel.config.id, "chair")?)
}

/// The chair screen over the chair database `db`. Without `watch` the database must
/// exist (merge sheets first); with `watch` it is created, and sheets are merged into it
/// as they appear in `<panel>/sheets/` (call [`tui::chair::tick`]).
pub fn chair_app(
    panel: &Panel,
    db: &Path,
    watch: bool,
    lang: Lang,
    color: bool,
    size: (u16, u16),
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
    let (store, rep) = Store::open(db, &identity(panel))?;
    let note = report_open(&rep);
    let mut app =
        ChairApp::new(panel.clone(), store, db, lang, color, size).map_err(|e| anyhow!("{e}"))?;
    app.watch = watch;
    app.note = note;
    Ok(app)
}

/// `panel chair`.
pub fn chair(dir: &Path, db: Option<&Path>, watch: bool, lang: Option<&str>) -> Result<i32> {
    let lang = lang_arg(lang)?;
    let panel = open_panel(dir)?;
    let db = match db {
        Some(p) => p.to_path_buf(),
        None => default_db(&panel)?,
    };
    let (w, h) = tui::term::terminal_size();
    let mut app = chair_app(&panel, &db, watch, lang, tui::color_enabled(), (w, h))?;
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
    Ok(0)
}
