//! The expert screen's input (the session: the panel, the rubric, the anonymized
//! applications) and where its commits go ([`Persist`]: the store, or [`MemPersist`] in
//! tests), with the sheets as the store holds them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rust_decimal::Decimal;

use crate::rubric::{Facts, Rubric};
use crate::sheet::ReopenNote;
use crate::store::{AppStatus, Op, Store};

/// A text section of an application, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionText {
    pub key: String,
    pub title: String,
    pub text: String,
}

/// One application as the expert sees it (from an anonymized bundle).
#[derive(Debug, Clone, PartialEq)]
pub struct AppInput {
    pub code: String,
    pub title: String,
    pub requested_wan: Option<Decimal>,
    pub facts: Facts,
    pub sections: Vec<SectionText>,
    /// Attachment names.
    pub attachments: Vec<String>,
}

/// Everything the expert screen shows, besides the expert's own scores.
#[derive(Debug, Clone)]
pub struct Session {
    pub panel_id: String,
    pub panel_title: String,
    pub expert_id: String,
    pub expert_name: String,
    pub rubric: Rubric,
    pub apps: Vec<AppInput>,
}

/// The expert's sheet for one application, as committed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    /// Explicit values: item → (value, override reason).
    pub values: BTreeMap<String, (Decimal, Option<String>)>,
    /// Comments: item (`""` for the application) → text.
    pub comments: BTreeMap<String, String>,
    pub status: Option<AppStatus>,
    pub status_reason: Option<String>,
}

/// What [`Persist::refresh`] found: the reopen notes applied, the sheets afresh.
pub type Refreshed = (Vec<ReopenNote>, Vec<Sheet>);

/// Where commits go: the real [`Store`], or a double in tests.
pub trait Persist {
    /// Commit atomically and durably; `Err` means nothing was written.
    fn commit(&mut self, ops: Vec<Op>) -> Result<(), String>;

    /// The sheet of `expert` for application `code` as committed: after a commit the
    /// screen shows this, so the store alone decides what an operation does.
    fn sheet(&self, expert: &str, code: &str) -> Sheet;

    /// Called after an application was submitted (or declared a conflict) and the commit
    /// is durable: write the expert's sheet for the chair. Returns where it went, or why
    /// it could not be written; `None` when there is nowhere to write one (a bare store,
    /// tests).
    fn export_sheet(&mut self) -> Option<Result<String, String>> {
        None
    }

    /// Pick up what changed outside the screen (the chair's reopen notes): the notes
    /// applied now and the sheets of `codes` afresh; `Ok(None)` when nothing changed.
    fn refresh(&mut self, _codes: &[String]) -> Result<Option<Refreshed>, String> {
        Ok(None)
    }
}

impl Persist for Store {
    fn commit(&mut self, ops: Vec<Op>) -> Result<(), String> {
        Store::commit(self, ops)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn sheet(&self, expert: &str, code: &str) -> Sheet {
        stored_sheet(self, expert, code)
    }
}

/// The sheet of `expert` for `code` in `store` (empty when nothing is stored).
pub fn stored_sheet(store: &Store, expert: &str, code: &str) -> Sheet {
    load_sheets(store, expert, &[code.to_string()])
        .pop()
        .unwrap_or_default()
}

/// An in-memory [`Persist`] for tests: records every commit; can be told to fail. A fake
/// of the store: it keeps the sheets as the store's operations would leave them.
#[derive(Debug, Clone, Default)]
pub struct MemPersist {
    pub log: Rc<RefCell<Vec<Vec<Op>>>>,
    pub fail: Rc<RefCell<Option<String>>>,
    /// (expert, application) → sheet.
    sheets: Rc<RefCell<BTreeMap<(String, String), Sheet>>>,
}

impl Persist for MemPersist {
    fn commit(&mut self, ops: Vec<Op>) -> Result<(), String> {
        if let Some(e) = self.fail.borrow().clone() {
            return Err(e);
        }
        let mut sheets = self.sheets.borrow_mut();
        for op in &ops {
            let (expert, app) = match op {
                Op::SetScore { expert, app, .. }
                | Op::ClearScore { expert, app, .. }
                | Op::SetComment { expert, app, .. }
                | Op::SetStatus { expert, app, .. } => (expert.clone(), app.clone()),
                Op::Meta { .. } | Op::Audit { .. } => continue,
            };
            let s = sheets.entry((expert, app)).or_default();
            match op.clone() {
                Op::SetScore {
                    item,
                    value,
                    reason,
                    ..
                } => {
                    s.values.insert(item, (value, reason));
                }
                Op::ClearScore { item, .. } => {
                    s.values.remove(&item);
                }
                Op::SetComment { item, text, .. } if text.is_empty() => {
                    s.comments.remove(&item);
                }
                Op::SetComment { item, text, .. } => {
                    s.comments.insert(item, text);
                }
                Op::SetStatus { status, reason, .. } => {
                    s.status = Some(status);
                    s.status_reason = reason;
                }
                Op::Meta { .. } | Op::Audit { .. } => {}
            }
        }
        drop(sheets);
        self.log.borrow_mut().push(ops);
        Ok(())
    }

    fn sheet(&self, expert: &str, code: &str) -> Sheet {
        self.sheets
            .borrow()
            .get(&(expert.to_string(), code.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// The sheets of `expert` in `store`, one per code (empty when nothing is stored).
pub fn load_sheets(store: &Store, expert: &str, codes: &[String]) -> Vec<Sheet> {
    let mut map: BTreeMap<&str, Sheet> = codes
        .iter()
        .map(|c| (c.as_str(), Sheet::default()))
        .collect();
    for (app, item, e) in store.scores_for(expert) {
        if let Some(s) = map.get_mut(app.as_str()) {
            s.values.insert(item, (e.value, e.reason));
        }
    }
    for (app, item, text) in store.comments_for(expert) {
        if let Some(s) = map.get_mut(app.as_str()) {
            s.comments.insert(item, text);
        }
    }
    for (app, st, reason) in store.statuses_for(expert) {
        if let Some(s) = map.get_mut(app.as_str()) {
            s.status = Some(st);
            s.status_reason = reason;
        }
    }
    codes
        .iter()
        .map(|c| map.remove(c.as_str()).unwrap_or_default())
        .collect()
}
