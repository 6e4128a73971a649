//! `panel score` and `panel status`: the expert screen and
//! the expert's progress.

use super::Exit;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;

use crate::panel::{self, Panel};
use crate::rubric::{self, num};
use crate::sheet::{self as sheets, PanelView};
use crate::store::{Op, OpenReport, Store, StoreError, StoreIdentity};
use crate::tui::app::{
    effective_values, load_sheets, progress_of, stored_sheet, Level, Note, Persist, Refreshed,
};
use crate::tui::{self, App, AppInput, Lang, SectionText, Session, Sheet};

/// The store identity of an expert of a panel.
pub fn identity(panel: &Panel, expert: &str) -> StoreIdentity {
    StoreIdentity {
        panel_id: panel.config.id.clone(),
        rubric_sha256: panel.rubric.sha256.clone(),
        role: crate::role::Role::expert(expert),
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

pub(crate) fn check_expert<'a>(panel: &'a Panel, expert: &str) -> Result<&'a panel::Expert> {
    panel.expert(expert).ok_or_else(|| {
        anyhow!(
            "{}: expert `{expert}` is not in the roster ({}); pass --expert with one of these ids",
            panel.dir.join("panel.json").display(),
            panel.expert_ids()
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

pub(crate) fn open_panel(dir: &Path) -> Result<Panel> {
    let p = Panel::open(dir)?;
    for (path, reason) in &p.invalid {
        eprintln!("warning: {}: skipped: {reason}", path.display());
    }
    Ok(p)
}

pub(crate) fn report_open(rep: &OpenReport) -> Option<Note> {
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

/// The expert screen's persistence: the expert's store, and the panel for the sheet
/// autosave and the chair's reopen notes.
pub struct ExpertBackend {
    pub store: Store,
    pub view: PanelView,
    pub expert: String,
    /// Key directory for signing the autosaved sheet (`None`: `$PANEL_KEY_DIR`, else the
    /// user's data directory).
    pub key_dir: Option<PathBuf>,
    /// The screen's language, for the sheet errors that come in both languages.
    pub lang: Lang,
}

impl Persist for ExpertBackend {
    fn commit(&mut self, ops: Vec<Op>) -> Result<(), String> {
        self.store
            .commit(ops)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn sheet(&self, expert: &str, code: &str) -> Sheet {
        stored_sheet(&self.store, expert, code)
    }

    /// `sheet::autosave`: `<panel>/sheets/<expert>.sheet.json` (+ `.sig` with a key).
    fn export_sheet(&mut self) -> Option<Result<String, String>> {
        let r = sheets::autosave_view(
            &self.view,
            &mut self.store,
            &self.expert,
            self.key_dir.as_deref(),
        );
        Some(
            r.map(|p| {
                p.strip_prefix(&self.view.dir)
                    .unwrap_or(&p)
                    .display()
                    .to_string()
            })
            .map_err(|e| e.in_language(self.lang.is_zh())),
        )
    }

    /// `sheet::apply_reopens`, then the sheets afresh when a note was applied.
    fn refresh(&mut self, codes: &[String]) -> Result<Option<Refreshed>, String> {
        let notes = sheets::apply_reopens(&mut self.store, &self.view.dir, &self.expert)
            .map_err(|e| e.to_string())?;
        if notes.is_empty() {
            return Ok(None);
        }
        Ok(Some((notes, load_sheets(&self.store, &self.expert, codes))))
    }
}

/// The expert screen of `expert` on `panel` over the expert's `store`: the chair's reopen
/// notes are applied first (`sheet::apply_reopens`) and shown; every submit (and conflict)
/// then writes the sheet for the chair (`sheet::autosave`).
pub fn expert_app(
    panel: &Panel,
    store: Store,
    expert: &str,
    key_dir: Option<PathBuf>,
    lang: Lang,
    color: bool,
    size: (u16, u16),
) -> Result<App> {
    let ex = check_expert(panel, expert)?.clone();
    let mut backend = ExpertBackend {
        store,
        view: PanelView::from_panel(panel),
        expert: expert.to_string(),
        key_dir,
        lang,
    };
    let reopened = sheets::apply_reopens(&mut backend.store, &panel.dir, expert);
    let session = session(panel, &ex);
    let codes: Vec<String> = session.apps.iter().map(|a| a.code.clone()).collect();
    let sheets = load_sheets(&backend.store, expert, &codes);
    let mut app = App::new(session, sheets, Box::new(backend), lang, color, size);
    match reopened {
        Ok(notes) => app.show_reopens(&notes),
        Err(e) => {
            app.note = Some(Note {
                level: Level::Error,
                text: e.to_string(),
            })
        }
    }
    Ok(app)
}

pub(crate) fn need_terminal(what: &str, hint: String) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!("the {what} needs an interactive terminal (stdin and stdout); {hint}");
    }
    Ok(())
}

/// A database another process holds, said in the screen's language with what to do: close
/// the other screen, or give another expert or panel its own database (`--db`). Any other
/// error as the store says it.
fn locked_in_language(e: StoreError, expert: &str, lang: Lang) -> anyhow::Error {
    let StoreError::Locked { path, holder } = &e else {
        return e.into();
    };
    let p = path.display();
    if lang.is_zh() {
        anyhow!(
            "数据库 {p} 正被另一个 panel 进程{holder}打开修改，同一时间只能有一个进程修改它。\
             请先关闭另一个评分界面（已保存的评分都在数据库中）。如果是另一位专家或另一个评审组\
             在这台电脑上评分，请用 --db <路径> 为其指定自己的数据库；专家 {expert} 请始终使用同一个\
             数据库。只读命令（`panel status`、`panel results`）现在即可使用。"
        )
    } else {
        anyhow!(
            "database {p} is open for changes in another panel process{holder}; one process at \
             a time may change it. Close the other screen first (every saved score is in the \
             database). Another expert or another panel on this computer? Give it its own \
             database with --db <PATH>; expert {expert} always uses the same one. Reading \
             commands (`panel status`, `panel results`) work on it now."
        )
    }
}

/// Open the store and the screen, run it, and return the database path.
/// The store is opened (and a lock conflict reported) before the terminal
/// is touched.
fn run_screen(panel: &Panel, expert: &str, db: &Path, lang: Lang) -> Result<()> {
    check_expert(panel, expert)?;
    let no_terminal = || {
        need_terminal(
            "expert screen",
            format!(
                "use `panel status {} --expert {expert}` for a text summary",
                panel.dir.display()
            ),
        )
    };
    // Without a terminal there is nothing to do: a database that does not exist yet is not
    // created (a refused command leaves none behind). An existing one is opened first, so
    // that a screen holding it is reported as such.
    if !db.exists() {
        no_terminal()?;
    }
    // The expert's key, when there is one, signs every commit of the expert's database.
    let signer = sheets::keys::load_signing_key(&sheets::keys::key_dir(None)?, expert)?
        .map(sheets::keys::store_signer);
    let (store, rep) = Store::open_signed(db, &identity(panel, expert), signer)
        .map_err(|e| locked_in_language(e, expert, lang))?;
    no_terminal()?;
    let note = report_open(&rep);
    let (w, h) = tui::term::terminal_size();
    let mut app = expert_app(
        panel,
        store,
        expert,
        None,
        lang,
        tui::color_enabled(),
        (w, h),
    )?;
    if app.note.is_none() {
        app.note = note;
    }
    tui::term::run(&mut app).context("terminal error")?;
    Ok(())
}

/// `panel score <PANEL_DIR> --expert <ID> [--db PATH] [--lang zh|en]`.
pub fn score(dir: &Path, expert: &str, db: Option<&Path>, lang: Option<&str>) -> Result<Exit> {
    let lang = lang_arg(lang)?;
    let panel = open_panel(dir)?;
    let db = match db {
        Some(p) => p.to_path_buf(),
        None => default_db(&panel.config.id, expert)?,
    };
    run_screen(&panel, expert, &db, lang)?;
    println!("scores saved in / 评分保存在: {}", db.display());
    Ok(Exit::Success)
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
        let (store, rep) = Store::open_read_only(&db, &identity(&panel, expert))?;
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
            match p.status {
                "conflict" => "—".to_string(),
                // the rules' suggestions alone: not a score yet
                "untouched" => format!("({})", num::show(p.total)),
                _ => num::show(p.total),
            }
        );
    }
    if rows.iter().any(|p| p.status == "untouched") {
        let _ = writeln!(
            out,
            "(total) of an untouched application: the rules' suggestions alone, not yet a score"
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
