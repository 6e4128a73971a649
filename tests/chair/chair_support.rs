//! Shared helpers of the chair-screen tests: the embedded demo panel in a temp dir, its
//! sheets merged into a fresh chair database, and the chair screen over it.
#![allow(dead_code)]

use std::path::PathBuf;

use panel::panel::Panel;
use panel::sheet;
use panel::store::Store;
use panel::tui::chair_view::draw;
use panel::tui::view::buffer_text;
use panel::tui::{ChairApp, Lang};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

pub struct Demo {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    /// The chair database of the last screen made (each screen gets its own).
    pub db: PathBuf,
    n: std::cell::Cell<usize>,
}

impl Demo {
    /// The demo panel materialized in a temp dir (with its sheets of E02–E05).
    pub fn new() -> Demo {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("panel");
        panel::panel::materialize_demo(&dir).unwrap();
        let db = tmp.path().join("chair");
        Demo {
            tmp,
            dir,
            db,
            n: std::cell::Cell::new(0),
        }
    }

    pub fn panel(&self) -> Panel {
        Panel::open(&self.dir).unwrap()
    }

    /// A new chair database path (several screens may be alive at once).
    fn next_db(&mut self) -> PathBuf {
        let n = self.n.get() + 1;
        self.n.set(n);
        self.db = self.tmp.path().join(format!("chair-{n}"));
        self.db.clone()
    }

    /// A fresh chair store (at a new path) with every sheet of `sheets/` merged.
    pub fn merged_store(&mut self) -> Store {
        let p = self.panel();
        let db = self.next_db();
        let (mut store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("sheets"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".sheet.json"))
            .collect();
        files.sort();
        for f in files {
            sheet::merge_sheet(&p, &mut store, &f).unwrap();
        }
        store
    }

    /// The chair screen over the merged demo sheets.
    pub fn app(&mut self, lang: Lang, w: u16, h: u16) -> ChairApp {
        let store = self.merged_store();
        ChairApp::new(self.panel(), store, &self.db, lang, false, (w, h)).unwrap()
    }

    /// The chair screen over an empty chair database (nothing merged).
    pub fn empty_app(&mut self, lang: Lang, w: u16, h: u16) -> ChairApp {
        let p = self.panel();
        let db = self.next_db();
        let (store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
        ChairApp::new(p, store, &self.db, lang, false, (w, h)).unwrap()
    }
}

/// The screen as text.
pub fn screen(app: &ChairApp) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    buffer_text(t.backend().buffer())
}

/// The rendered buffer (for style checks).
pub fn buffer(app: &ChairApp) -> ratatui::buffer::Buffer {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| draw(f, app)).unwrap();
    t.backend().buffer().clone()
}

/// A synthetic panel (`panel synth`: codes without a dash, `SY00001`…) in a temp dir, its
/// scores imported into a fresh chair database, and the chair screen over it.
pub fn synth_app(
    apps: usize,
    experts: usize,
    criteria: usize,
    lang: Lang,
    w: u16,
    h: u16,
) -> (tempfile::TempDir, ChairApp) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("panel");
    let spec = panel::synth::Spec {
        per_app: experts.min(5),
        text_bytes: 200,
        ..panel::synth::Spec::new(apps, experts, criteria)
    };
    panel::synth::generate(&spec, &dir, false).unwrap();
    let p = Panel::open(&dir).unwrap();
    let db = tmp.path().join("chair");
    let (mut store, _) = Store::open(&db, &panel::commands::chair::identity(&p)).unwrap();
    sheet::import_csv(&p, &mut store, &dir.join("scores.csv")).unwrap();
    let app = ChairApp::new(p, store, &db, lang, false, (w, h)).unwrap();
    (tmp, app)
}
