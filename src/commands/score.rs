//! `panel score`, `panel demo` and `panel status`: the expert screen and
//! the expert's progress.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;

use crate::panel::{self, Panel};
use crate::rubric::{self, num};
use crate::store::{OpenReport, Store, StoreIdentity};
use crate::tui::app::{effective_values, load_sheets, progress_of, Level, Note};
use crate::tui::{self, App, AppInput, Lang, SectionText, Session, Sheet};

/// The store identity of an expert of a panel.
pub fn identity(panel: &Panel, expert: &str) -> StoreIdentity {
    StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: format!("expert:{expert}"),
    }
}

/// Default database of an expert: `<data dir>/<panel id>-expert-<id>`.
pub fn default_db(panel_id: &str, expert: &str) -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "panel")
        .ok_or_else(|| anyhow!("no home directory to keep the database in; pass --db <PATH>"))?;
    Ok(dirs.data_dir().join(format!("{panel_id}-expert-{expert}")))
}

/// The interface language: `--lang`, else from the environment.
pub fn lang_arg(lang: Option<&str>) -> Result<Lang> {
    match lang {
        None => Ok(Lang::from_env()),
        Some(s) => Lang::parse(s).ok_or_else(|| anyhow!("--lang {s}: use zh or en")),
    }
}

fn check_expert<'a>(panel: &'a Panel, expert: &str) -> Result<&'a panel::Expert> {
    panel.expert(expert).ok_or_else(|| {
        anyhow!(
            "{}: expert `{expert}` is not in the roster ({}); pass --expert with one of these ids",
            panel.dir.join("panel.json").display(),
            panel
                .config
                .experts
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// What the expert screen shows of a panel.
pub fn session(panel: &Panel, expert: &panel::Expert) -> Session {
    let apps = panel
        .bundles
        .iter()
        .map(|b| AppInput {
            code: b.bundle.code.clone(),
            title: b.bundle.title.clone(),
            requested_wan: b.bundle.requested_wan,
            facts: b.facts.clone(),
            sections: b
                .bundle
                .sections
                .iter()
                .map(|s| SectionText {
                    key: s.key.clone(),
                    title: s.title.clone(),
                    text: s.text.clone(),
                })
                .collect(),
            attachments: b
                .bundle
                .attachments
                .iter()
                .map(|a| a.name.clone())
                .collect(),
        })
        .collect();
    Session {
        panel_id: panel.config.id.clone(),
        panel_title: panel.config.title.clone(),
        expert_id: expert.id.clone(),
        expert_name: expert.name.clone(),
        rubric: panel.rubric.rubric.clone(),
        apps,
    }
}

fn open_panel(dir: &Path) -> Result<Panel> {
    let p = Panel::open(dir)?;
    for (path, reason) in &p.invalid {
        eprintln!("warning: {}: skipped: {reason}", path.display());
    }
    Ok(p)
}

fn report_open(rep: &OpenReport) -> Option<Note> {
    for r in &rep.repaired {
        eprintln!("repaired: {r}");
    }
    for w in &rep.warnings {
        eprintln!("warning: {w}");
    }
    let n = rep.repaired.len() + rep.warnings.len();
    (n > 0).then(|| Note {
        level: Level::Info,
        text: format!(
            "{n} repair(s)/warning(s) at open; see the terminal after quitting / 打开数据库时有修复或警告"
        ),
    })
}

/// Open the store and the screen, run it, and return the database path.
/// The store is opened (and a lock conflict reported) before the terminal
/// is touched.
fn run_screen(panel: &Panel, expert: &str, db: &Path, lang: Lang) -> Result<()> {
    let ex = check_expert(panel, expert)?.clone();
    let (store, rep) = Store::open(db, &identity(panel, expert))?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the expert screen needs an interactive terminal (stdin and stdout); \
             use `panel status {} --expert {expert}` for a text summary",
            panel.dir.display()
        );
    }
    let note = report_open(&rep);
    let session = session(panel, &ex);
    let codes: Vec<String> = session.apps.iter().map(|a| a.code.clone()).collect();
    let sheets = load_sheets(&store, expert, &codes);
    let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
    let mut app = App::new(
        session,
        sheets,
        Box::new(store),
        lang,
        tui::color_enabled(),
        (w, h),
    );
    app.note = note;
    tui::term::run(&mut app).context("terminal error")?;
    Ok(())
}

/// `panel score <PANEL_DIR> --expert <ID> [--db PATH] [--lang zh|en]`.
pub fn score(dir: &Path, expert: &str, db: Option<&Path>, lang: Option<&str>) -> Result<i32> {
    let lang = lang_arg(lang)?;
    let panel = open_panel(dir)?;
    let db = match db {
        Some(p) => p.to_path_buf(),
        None => default_db(&panel.config.id, expert)?,
    };
    run_screen(&panel, expert, &db, lang)?;
    println!("scores saved in / 评分保存在: {}", db.display());
    Ok(0)
}

/// `panel demo [--lang zh|en]`: the embedded demo panel in a new temporary
/// directory, scored by expert E01 in a fresh database there.
pub fn demo(lang: Option<&str>) -> Result<i32> {
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
    eprintln!("demo panel / 演示评审: {}", dir.display());
    eprintln!("database / 数据库: {}", db.display());
    let panel = open_panel(&dir)?;
    let expert = panel
        .config
        .experts
        .first()
        .map(|e| e.id.clone())
        .unwrap_or_else(|| "E01".into());
    run_screen(&panel, &expert, &db, lang)?;
    println!("demo panel / 演示评审: {}", dir.display());
    println!("database / 数据库: {}", db.display());
    println!(
        "reopen / 再次打开: panel score {} --expert {expert} --db {}",
        dir.display(),
        db.display()
    );
    Ok(0)
}

/// One application's progress for `panel status`.
#[derive(Debug, Clone, PartialEq)]
pub struct AppProgress {
    pub code: String,
    pub status: &'static str,
    pub expert_items: usize,
    pub expert_items_scored: usize,
    pub overrides: usize,
    pub comments: usize,
    pub total: rust_decimal::Decimal,
}

/// Progress of every application of the panel for one expert's sheets.
pub fn progress(panel: &Panel, sheets: &[Sheet]) -> Vec<AppProgress> {
    let r = &panel.rubric.rubric;
    let experts: Vec<&str> = r
        .items()
        .filter(|(_, _, i)| i.is_expert())
        .map(|(_, _, i)| i.id.as_str())
        .collect();
    panel
        .bundles
        .iter()
        .zip(sheets)
        .map(|(b, s)| {
            let eval = rubric::evaluate(r, &b.facts);
            let scored = rubric::combine(r, &effective_values(r, &eval, s));
            let overrides = s
                .values
                .iter()
                .filter(|(id, (v, _))| {
                    eval.item(id)
                        .and_then(|e| e.auto)
                        .is_some_and(|sugg| sugg != *v)
                })
                .count();
            AppProgress {
                code: b.bundle.code.clone(),
                status: progress_of(s).key(),
                expert_items: experts.len(),
                expert_items_scored: experts
                    .iter()
                    .filter(|i| s.values.contains_key(**i))
                    .count(),
                overrides,
                comments: s.comments.len(),
                total: scored.total,
            }
        })
        .collect()
}

/// `panel status <PANEL_DIR> --expert <ID> [--db PATH] [--json]`: returns the text to print.
pub fn status(dir: &Path, expert: &str, db: Option<&Path>, json_out: bool) -> Result<String> {
    let panel = open_panel(dir)?;
    let ex = check_expert(&panel, expert)?;
    let db = match db {
        Some(p) => p.to_path_buf(),
        None => default_db(&panel.config.id, expert)?,
    };
    let codes: Vec<String> = panel
        .bundles
        .iter()
        .map(|b| b.bundle.code.clone())
        .collect();
    let (sheets, exists) = if db.exists() {
        let (store, rep) = Store::open(&db, &identity(&panel, expert))?;
        report_open(&rep);
        (load_sheets(&store, expert, &codes), true)
    } else {
        (vec![Sheet::default(); codes.len()], false)
    };
    let rows = progress(&panel, &sheets);
    if json_out {
        let apps: Vec<_> = rows
            .iter()
            .map(|p| {
                json!({
                    "code": p.code,
                    "status": p.status,
                    "expert_items": p.expert_items,
                    "expert_items_scored": p.expert_items_scored,
                    "overrides": p.overrides,
                    "comments": p.comments,
                    "total": num::to_json(p.total),
                })
            })
            .collect();
        let v = json!({
            "panel": panel.config.id,
            "expert": ex.id,
            "db": db.display().to_string(),
            "db_exists": exists,
            "submitted": rows.iter().filter(|p| p.status == "submitted").count(),
            "conflict": rows.iter().filter(|p| p.status == "conflict").count(),
            "applications": apps,
        });
        return Ok(serde_json::to_string_pretty(&v)? + "\n");
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "panel {} · expert {} {} · database {}{}",
        panel.config.id,
        ex.id,
        ex.name,
        db.display(),
        if exists {
            ""
        } else {
            " (not created yet: nothing scored)"
        }
    );
    let _ = writeln!(
        out,
        "{:<12} {:<12} {:>13} {:>9} {:>8} {:>7}",
        "code", "status", "expert items", "overrides", "comments", "total"
    );
    for p in &rows {
        let _ = writeln!(
            out,
            "{:<12} {:<12} {:>13} {:>9} {:>8} {:>7}",
            p.code,
            p.status,
            format!("{}/{}", p.expert_items_scored, p.expert_items),
            p.overrides,
            p.comments,
            if p.status == "conflict" {
                "—".to_string()
            } else {
                num::show(p.total)
            }
        );
    }
    let sub = rows.iter().filter(|p| p.status == "submitted").count();
    let con = rows.iter().filter(|p| p.status == "conflict").count();
    let _ = writeln!(
        out,
        "{} applications: {sub} submitted, {con} conflict, {} open",
        rows.len(),
        rows.len() - sub - con
    );
    Ok(out)
}
