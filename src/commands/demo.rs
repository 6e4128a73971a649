//! `panel demo`: the embedded demo panel, scored by its first expert, with the chair's view
//! one key away. Built from the expert screen ([`super::score`]) and the chair screen
//! ([`super::chair`]); neither of those depends on the other.

use super::Exit;
use anyhow::{Context, Result};

use super::score::{check_expert, expert_app, identity, lang_arg, need_terminal, open_panel};
use crate::panel;
use crate::store::Store;
use crate::tui;

/// `panel demo [--lang zh|en]`: the embedded demo panel in a new temporary
/// directory, scored by expert E01 in a fresh database there; the switch-view key (F2)
/// opens the chair's view, with a chair database there made by merging the demo's sheets
/// (experts E02–E05) and, as they arrive, E01's.
pub fn demo(lang: Option<&str>) -> Result<Exit> {
    let lang = lang_arg(lang)?;
    let root = tempfile::Builder::new()
        .prefix("panel-demo-")
        .tempdir()
        .context("cannot create a temporary directory for the demo")?
        .keep();
    let dir = root.join("panel");
    panel::materialize_demo(&dir)
        .with_context(|| format!("cannot write the demo panel to {}", dir.display()))?;
    let db = root.join("db-E01");
    let chair_db = root.join("db-chair");
    eprintln!("demo panel / 演示评审: {}", dir.display());
    eprintln!("database / 数据库: {}", db.display());
    let panel = open_panel(&dir)?;
    let expert = panel
        .config
        .experts
        .first()
        .map(|e| e.id.clone())
        .unwrap_or_else(|| "E01".into());
    check_expert(&panel, &expert)?;
    let (store, _) = Store::open(&db, &identity(&panel, &expert))?;
    need_terminal("demo", "run it in a terminal".into())?;
    let (w, h) = tui::term::terminal_size();
    let color = tui::color_enabled();
    // the demo signs with its own demo keys (materialized in <demo>/keys/, the roster holds
    // their public keys): keys of a real installation are never used
    let keys = dir.join("keys");
    let app = expert_app(
        &panel,
        store,
        &expert,
        Some(keys.clone()),
        lang,
        color,
        (w, h),
    )?;
    let mut chair =
        super::chair::chair_app(&panel, &chair_db, true, lang, color, (w, h), Some(&keys))?;
    // the demo's sheets (E02–E05) are merged now; E01's as they are submitted
    tui::chair::tick(&mut chair);
    let mut demo = tui::demo::Demo::new(app, chair);
    tui::term::run_screen(&mut demo).context("terminal error")?;
    println!("demo panel / 演示评审: {}", dir.display());
    println!("database / 数据库: {}", db.display());
    println!("chair database / 组长数据库: {}", chair_db.display());
    println!(
        "reopen / 再次打开: panel score {} --expert {expert} --db {}",
        dir.display(),
        db.display()
    );
    println!(
        "chair / 组长视图: panel chair {} --db {} --watch",
        dir.display(),
        chair_db.display()
    );
    println!(
        "gates decided by hand / 人工认定资格条件 (E2b, E3b): panel eligibility {} \
         --application T24-001 --gate E2b --pass --reason \"…\" --db {}",
        dir.display(),
        chair_db.display()
    );
    Ok(Exit::Success)
}
