//! `panel import`: raw scores from paper forms as CSV, validated like a sheet, committed in
//! one commit (all or nothing).
//!
//! Columns (header required, exact names): `application,expert,criterion,value[,comment]`.
//! `criterion` names an item id, or the criterion id of a criterion with a single item. Each
//! (application, expert) pair in the file is submitted: rule items without a row take their
//! computed suggestion, every other item needs a row. A rule item whose value departs from
//! its suggestion needs the row's `comment` as the written reason.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::json;

use super::merge::{Change, ExpertState};
use super::verify::check_value;
use super::{dec_text, io_err, store_err, PanelView, SheetError};
use crate::rubric::{value_check, Item};
pub use crate::scores::CsvProblem;
use crate::scores::{Problems, Row, RowReader, MAX_PROBLEMS};
use crate::store::{AppStatus, Op, Store, OPINION_ITEM};

/// One valid row.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub application: String,
    pub expert: String,
    /// The item id (a single-item criterion id is resolved to its item).
    pub item: String,
    pub value: Decimal,
    pub comment: Option<String>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub file: PathBuf,
    pub sha256: String,
    pub rows: usize,
    /// (expert, application) pairs submitted by the file.
    pub pairs: Vec<(String, String)>,
    /// (expert, change), the first [`AUDIT_CHANGES_MAX`] of them.
    pub changed: Vec<(String, Change)>,
    /// Number of changes (also beyond those listed in `changed`).
    pub changed_count: usize,
    /// Values filled in from rule suggestions.
    pub filled: usize,
    /// Chair journal commit, `None` in a dry run.
    pub chair_seq: Option<u64>,
}

/// Strings ↔ dense indices, in first-seen order.
#[derive(Default)]
struct Names {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.index.insert(s.to_owned(), i);
        i
    }
}

/// A valid row, compact (hundreds of thousands of them are held until every row is
/// checked): its pair and item by index.
struct Compact {
    line: u64,
    /// Index in [`Parsed::pairs`].
    pair: u32,
    /// Index in [`Parsed::items`].
    item: u32,
    value: Decimal,
    comment: Option<Box<str>>,
}

/// Every valid row of a file, checked against the panel.
struct Parsed<'v> {
    experts: Names,
    apps: Names,
    /// (expert, application) indices of each pair, in first-seen order.
    pairs: Vec<(u32, u32)>,
    /// The rubric's items, in its order.
    items: Vec<&'v Item>,
    rows: Vec<Compact>,
}

impl Parsed<'_> {
    fn expert(&self, pair: u32) -> &str {
        &self.experts.names[self.pairs[pair as usize].0 as usize]
    }
    fn app(&self, pair: u32) -> &str {
        &self.apps.names[self.pairs[pair as usize].1 as usize]
    }
    /// The pairs' indices sorted by (expert, application).
    fn sorted_pairs(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.pairs.len() as u32).collect();
        order.sort_by(|a, b| (self.expert(*a), self.app(*a)).cmp(&(self.expert(*b), self.app(*b))));
        order
    }
}

/// Reads and validates a CSV (any reader, streamed) against the panel: every valid row, or
/// all problems found (up to 50), each with its line and column. The file's sha256 with
/// the rows.
fn parse_rows<'v>(
    view: &'v PanelView,
    file: &Path,
    input: impl Read,
) -> Result<(Parsed<'v>, String), SheetError> {
    let fail = |problems: Vec<CsvProblem>| SheetError::Csv {
        file: file.to_path_buf(),
        problems,
    };
    let mut reader = RowReader::new(std::io::BufReader::with_capacity(1 << 16, input), true);
    reader.header().map_err(|p| fail(vec![p]))?;
    let r = &view.rubric.rubric;
    let items: Vec<&Item> = r.items().map(|(_, _, it)| it).collect();
    let mut item_index: HashMap<&str, u32> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        item_index.entry(it.id.as_str()).or_insert(i as u32);
    }
    let mut parsed = Parsed {
        experts: Names::default(),
        apps: Names::default(),
        pairs: Vec::new(),
        items,
        rows: Vec::new(),
    };
    let mut pair_index: HashMap<(u32, u32), u32> = HashMap::new();
    let mut seen: HashMap<(u32, u32), u64> = HashMap::new();
    let mut problems = Problems::default();
    // (application, expert, item) of the rows refused for their value: such an item is
    // not missing as well (the refusal already names its row).
    let mut refused: HashSet<(String, String, u32)> = HashSet::new();
    // A panel without applications refuses every row alike: said once, at the first.
    let mut no_apps_told = false;
    reader.rows(&mut problems, |row: &Row<'_>, problems: &mut Problems| {
        let line = row.line;
        let mut p = |column: usize, message: String| problems.push(line, column, message);
        let app = row.application();
        let expert = row.expert();
        let crit = row.criterion();
        let comment = Some(row.comment()).filter(|c| !c.is_empty());
        let mut ok = true;
        let info = view.apps.get(app);
        if info.is_none() && view.apps.is_empty() && no_apps_told {
            ok = false;
        } else if info.is_none() {
            ok = false;
            no_apps_told |= view.apps.is_empty();
            // An id that cannot be one (empty, an invisible character) says so first.
            let m = value_check::check_id("application", app)
                .err()
                .unwrap_or_else(|| {
                    if view.apps.is_empty() {
                        format!(
                            "application {app:?} is not in panel {}, which has no applications \
                             (no bundles): add the applications' bundles to the panel before \
                             importing their scores",
                            view.id
                        )
                    } else {
                        format!(
                            "application {app:?} is not in panel {}{} (applications: {})",
                            view.id,
                            value_check::did_you_mean(app, view.apps.keys().map(String::as_str)),
                            view.apps.keys().cloned().collect::<Vec<_>>().join(", ")
                        )
                    }
                });
            p(1, m);
        }
        if view.expert(expert).is_none() {
            ok = false;
            let m = value_check::check_id("expert", expert)
                .err()
                .unwrap_or_else(|| {
                    format!(
                        "expert {expert:?} is not in the roster ({}){}; add the expert to \
                         panel.json or correct the id",
                        view.roster_ids(),
                        value_check::did_you_mean_expert(
                            expert,
                            view.experts
                                .iter()
                                .map(|e| (e.id.as_str(), e.name.as_str()))
                        )
                    )
                });
            p(2, m);
        }
        let item: Option<u32> = match item_index.get(crit) {
            Some(&i) => Some(i),
            None => match r.criterion(crit) {
                Some(k) if k.items.len() == 1 => k
                    .items
                    .first()
                    .and_then(|it| item_index.get(it.id.as_str()).copied()),
                Some(k) => {
                    ok = false;
                    p(
                        3,
                        format!(
                            "criterion {crit} has {} items ({}); name the item",
                            k.items.len(),
                            k.items
                                .iter()
                                .map(|i| i.id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                    None
                }
                None => {
                    ok = false;
                    p(
                        3,
                        format!(
                            "rubric {} has no item or criterion {crit:?}{}",
                            view.rubric.rubric.id,
                            value_check::did_you_mean(
                                crit,
                                r.items()
                                    .map(|(_, _, it)| it.id.as_str())
                                    .chain(r.criteria().map(|(_, c)| c.id.as_str()))
                            )
                        ),
                    );
                    None
                }
            },
        };
        let item_ref = item.map(|i| parsed.items[i as usize]);
        // The written form here, range, decimal places and step in `check_value`: the one
        // value check (`rubric::value_check`).
        let value = match value_check::parse_score(row.value()).and_then(|v| match item_ref {
            Some(it) => value_check::check_places(v, it.max(), it.step()).map(|()| v),
            None => Ok(v),
        }) {
            Ok(v) => Some(v),
            Err(problem) => {
                ok = false;
                p(4, problem.message);
                None
            }
        };
        if let (Some(info), Some(item), Some(value)) = (info, item_ref, value) {
            if let Err((_, m)) = check_value(
                item,
                value,
                comment,
                info.suggestions.get(&item.id).copied(),
            ) {
                ok = false;
                let m = m.replace(
                    "an override needs a written reason",
                    "write the reason in the comment column",
                );
                p(4, format!("item {}: {m}", item.id));
            }
        }
        if let (false, Some(item)) = (ok, item) {
            refused.insert((app.to_string(), expert.to_string(), item));
        }
        if let (true, Some(item), Some(value)) = (ok, item, value) {
            let key = (parsed.experts.intern(expert), parsed.apps.intern(app));
            let next = parsed.pairs.len() as u32;
            let pair = *pair_index.entry(key).or_insert(next);
            if pair == next {
                parsed.pairs.push(key);
            }
            if let Some(first) = seen.get(&(pair, item)) {
                p(
                    3,
                    format!(
                        "item {} of {app} for {expert} is already given at line {first}; \
                         keep one row",
                        parsed.items[item as usize].id
                    ),
                );
                return;
            }
            seen.insert((pair, item), line);
            parsed.rows.push(Compact {
                line,
                pair,
                item,
                value,
                comment: comment.map(Into::into),
            });
        }
    });
    drop(seen);
    // Completeness of every (expert, application) pair, in (expert, application) order.
    let mut first_line = vec![u64::MAX; parsed.pairs.len()];
    let nitems = parsed.items.len();
    let mut given = vec![false; parsed.pairs.len() * nitems];
    for row in &parsed.rows {
        let p = row.pair as usize;
        first_line[p] = first_line[p].min(row.line);
        given[p * nitems + row.item as usize] = true;
    }
    for pair in parsed.sorted_pairs() {
        let (expert, app) = (parsed.expert(pair), parsed.app(pair));
        let sugg = view.apps.get(app).map(|i| &i.suggestions);
        let has = &given[pair as usize * nitems..(pair as usize + 1) * nitems];
        let given_ids: std::collections::HashSet<&str> = parsed
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| has[*i])
            .map(|(_, it)| it.id.as_str())
            .collect();
        let refused_row =
            |i: usize| refused.contains(&(app.to_string(), expert.to_string(), i as u32));
        let missing: Vec<&str> = parsed
            .items
            .iter()
            .enumerate()
            .filter(|(i, it)| {
                let id = it.id.as_str();
                !given_ids.contains(id)
                    && !sugg.is_some_and(|s| s.contains_key(id))
                    && (refused.is_empty() || !refused_row(*i))
            })
            .map(|(_, it)| it.id.as_str())
            .collect();
        if !missing.is_empty() && problems.len() < MAX_PROBLEMS {
            problems.push(
                first_line[pair as usize],
                3,
                format!(
                    "application {app} for expert {expert} lacks items {} (rows from this \
                     line on); add a row for each",
                    missing.join(", ")
                ),
            );
        }
    }
    if parsed.rows.is_empty() && problems.is_empty() {
        problems.push(2, 1, "the file has no rows below the header".into());
    }
    if !problems.is_empty() {
        return Err(fail(problems.into_sorted()));
    }
    let sha256 = reader.sha256().unwrap_or_default();
    Ok((parsed, sha256))
}

/// Parses and validates a CSV file's bytes against the panel. Returns every valid row, or
/// all problems found (up to 50), each with its line and column.
pub fn parse_csv(
    view: &PanelView,
    file: &Path,
    bytes: &[u8],
) -> Result<Vec<ImportRow>, SheetError> {
    let (parsed, _) = parse_rows(view, file, bytes)?;
    Ok(parsed
        .rows
        .iter()
        .map(|r| ImportRow {
            line: r.line,
            application: parsed.app(r.pair).to_string(),
            expert: parsed.expert(r.pair).to_string(),
            item: parsed.items[r.item as usize].id.clone(),
            value: r.value,
            comment: r.comment.as_deref().map(str::to_string),
        })
        .collect())
}

/// Imports a CSV file into the chair `store` in one commit (nothing when `dry_run`). With
/// `store == None` (no chair database yet) only a dry run is possible.
pub fn import_csv_view(
    view: &PanelView,
    store: Option<&mut Store>,
    path: &Path,
    dry_run: bool,
) -> Result<ImportReport, SheetError> {
    // The file is read as a stream: only its valid rows, compact, are held until every
    // row is checked.
    let limit = view.sheet_limit();
    super::check_size(path, limit)?;
    let file = std::fs::File::open(path).map_err(io_err("cannot read", path))?;
    let (parsed, sha256) = parse_rows(view, path, file.take(limit))?;
    let n_rows = parsed.rows.len();
    // The rows by pair, pairs in (expert, application) order.
    let order = parsed.sorted_pairs();
    let mut rank = vec![0u32; parsed.pairs.len()];
    for (r, &p) in order.iter().enumerate() {
        rank[p as usize] = r as u32;
    }
    let mut rows = parsed.rows;
    rows.sort_by_key(|r| (rank[r.pair as usize], r.line));
    let names = Parsed {
        rows: Vec::new(),
        ..parsed
    };
    let mut states: BTreeMap<String, ExpertState> = BTreeMap::new();
    for &p in &order {
        let expert = names.expert(p);
        if !states.contains_key(expert) {
            let st = match store.as_deref() {
                Some(s) => ExpertState::from_store(s, expert)?,
                None => ExpertState::default(),
            };
            states.insert(expert.to_string(), st);
        }
    }
    // A declared conflict of interest (回避) is never overridden by paper scores: the rows
    // of such a pair are refused, all of them, before anything is written.
    let db = store.as_deref().map(|s| s.path().to_path_buf());
    let mut conflicts = Vec::new();
    for &p in &order {
        let (expert, app) = (names.expert(p), names.app(p));
        let Some((AppStatus::Conflict, reason)) = states[expert].statuses.get(app) else {
            continue;
        };
        let line = rows
            .iter()
            .filter(|r| r.pair == p)
            .map(|r| r.line)
            .min()
            .unwrap_or(0);
        let reason = reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        conflicts.push(CsvProblem {
            line,
            column: 2,
            message: format!(
                "expert {expert} declared a conflict of interest (回避) on {app}{reason} in the \
                 chair database {}: a conflict is not overridden by imported scores. Remove the \
                 rows of {expert} for {app} (from this line on), or have {expert} withdraw the \
                 conflict first (`x` on {app} again in {expert}'s `panel score`, then merge \
                 {expert}'s new sheet with `panel merge`) and import again",
                db.as_deref()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default()
            ),
        });
    }
    if !conflicts.is_empty() {
        conflicts.sort_by_key(|c| c.line);
        conflicts.truncate(MAX_PROBLEMS);
        return Err(SheetError::Csv {
            file: path.to_path_buf(),
            problems: conflicts,
        });
    }
    let mut store = match (dry_run, store) {
        (true, _) => None,
        (false, Some(s)) => Some(s),
        (false, None) => {
            return Err(SheetError::Invalid {
                path: path.to_path_buf(),
                message: "no chair database to import into; pass --db".into(),
            })
        }
    };
    let pairs: Vec<(String, String)> = order
        .iter()
        .map(|&p| (names.expert(p).to_string(), names.app(p).to_string()))
        .collect();
    let mut filled = 0;
    // Every row was checked: the pairs' operations are committed as they are built, in
    // batches of about IMPORT_BATCH_OPS (a pair's operations never split), the import's one
    // audit record in the last (see `Batches`).
    let mut batches = Batches::new(path, IMPORT_BATCH_OPS);
    let mut changed = Vec::new();
    let mut changed_count = 0usize;
    let mut note_change = |expert: &str, c: Change| {
        changed_count += 1;
        if changed.len() < AUDIT_CHANGES_MAX {
            changed.push((expert.to_string(), c));
        }
    };
    // Target per (expert, app), built pair by pair: item → (value, reason, comment).
    type Target = BTreeMap<String, (Decimal, Option<String>, Option<String>)>;
    let mut rows = rows.into_iter().peekable();
    for &p in &order {
        let (expert, app) = (names.expert(p).to_string(), names.app(p).to_string());
        let info = &view.apps[&app];
        let mut t = Target::new();
        while let Some(row) = rows.next_if(|r| r.pair == p) {
            let item = names.items[row.item as usize].id.clone();
            let sugg = info.suggestions.get(&item).copied();
            let comment = row.comment.map(String::from);
            let reason = if sugg.is_some_and(|s| s != row.value) {
                comment.clone()
            } else {
                None
            };
            t.insert(item, (row.value, reason, comment));
        }
        for (id, s) in &info.suggestions {
            if !t.contains_key(id) {
                t.insert(id.clone(), (*s, None, None));
                filled += 1;
            }
        }
        let mut ops = Vec::new();
        let st = &states[&expert];
        let held: Vec<&(String, String)> = st.scores.keys().filter(|(a, _)| *a == app).collect();
        for (a, item) in &held {
            if !t.contains_key(item) {
                ops.push(Op::ClearScore {
                    expert: expert.clone(),
                    app: a.clone(),
                    item: item.clone(),
                });
                note_change(
                    &expert,
                    Change {
                        app: a.clone(),
                        item: item.clone(),
                        before: st.scores.get(&(a.clone(), item.clone())).map(|x| x.0),
                        after: None,
                    },
                );
            }
        }
        for (item, (value, reason, _)) in &t {
            let before = st.scores.get(&(app.clone(), item.clone())).map(|x| x.0);
            if before.map(dec_text) != Some(dec_text(*value)) {
                note_change(
                    &expert,
                    Change {
                        app: app.clone(),
                        item: item.clone(),
                        before,
                        after: Some(*value),
                    },
                );
            }
            ops.push(Op::SetScore {
                expert: expert.clone(),
                app: app.clone(),
                item: item.clone(),
                value: *value,
                reason: reason.clone(),
            });
        }
        for ((a, item), _) in st
            .comments
            .iter()
            .filter(|((a, i), _)| *a == app && !i.is_empty() && i != OPINION_ITEM)
        {
            if t.get(item).and_then(|x| x.2.as_ref()).is_none() {
                ops.push(Op::SetComment {
                    expert: expert.clone(),
                    app: a.clone(),
                    item: item.clone(),
                    text: String::new(),
                });
            }
        }
        for (item, (_, _, comment)) in t {
            if let Some(c) = comment {
                ops.push(Op::SetComment {
                    expert: expert.clone(),
                    app: app.clone(),
                    item,
                    text: c,
                });
            }
        }
        ops.push(Op::SetStatus {
            expert,
            app,
            status: AppStatus::Submitted,
            reason: None,
        });
        batches.add(store.as_deref_mut(), ops)?;
    }
    drop(states);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut detail = json!({
        "file": file_name,
        "rows": n_rows,
        "sha256": sha256,
        "filled_from_rules": filled,
        "pairs": pairs.iter().map(|(e, a)| json!({"expert": e, "app": a})).collect::<Vec<_>>(),
        "changed_count": changed_count,
    });
    if changed_count <= AUDIT_CHANGES_MAX {
        detail["changed"] = changed
            .iter()
            .map(|(e, c)| {
                json!({
                    "expert": e, "app": c.app, "item": c.item,
                    "before": c.before.map(dec_text), "after": c.after.map(dec_text)
                })
            })
            .collect::<Vec<_>>()
            .into();
    } else {
        // Hundreds of thousands of changes would make one audit line of hundreds of MB (and
        // ten times that in memory); every new value is in the import's set_score
        // operations, every old one in the journal before them.
        detail["changed_note"] = format!(
            "{changed_count} changes, not listed here: the import's set_score/clear_score \
             operations (this commit and the ones before it, back to the first of this \
             import) hold every new value, the journal before them every old one"
        )
        .into();
    }
    let audit = Op::Audit {
        kind: "import".into(),
        detail,
    };
    let chair_seq = batches.finish(store, audit)?;
    Ok(ImportReport {
        file: path.to_path_buf(),
        sha256,
        rows: n_rows,
        pairs,
        changed,
        changed_count,
        filled,
        chair_seq,
    })
}

/// [`import_csv_view`] for an opened panel, committing into `store`.
pub fn import_csv(
    panel: &crate::panel::Panel,
    store: &mut Store,
    path: &Path,
) -> Result<ImportReport, SheetError> {
    import_csv_view(&PanelView::from_panel(panel), Some(store), path, false)
}

/// Changes listed one by one in the import's audit record at most (beyond, a count).
pub const AUDIT_CHANGES_MAX: usize = 2_000;

/// Operations per commit of an import (a pair's operations are never split): bounded
/// memory and journal lines for imports of hundreds of thousands of rows. Measured on
/// 443,190 rows (docs/benchmarks.md): 20,000 per commit peaked at 393 MB, 5,000 at about
/// 270 MB, 2,000 at about 250 MB (sled holds less while applying a smaller batch) in about
/// the same time.
pub const IMPORT_BATCH_OPS: usize = 2_000;

/// The batches of an import: a pair's operations are added whole; when the batch would
/// exceed its size it is committed first. Every row was checked before the first commit, so
/// only a failure of the disk can stop it midway: the error then says which commits were
/// written (importing the same file again completes it: an import sets values, it does not
/// add). Without a store (dry run) nothing is committed.
struct Batches<'a> {
    path: &'a Path,
    batch_ops: usize,
    ops: Vec<Op>,
    /// First and last chair commit written so far.
    written: Option<(u64, u64)>,
}

impl<'a> Batches<'a> {
    fn new(path: &'a Path, batch_ops: usize) -> Self {
        Batches {
            path,
            batch_ops,
            ops: Vec::new(),
            written: None,
        }
    }

    fn commit(&mut self, store: &mut Store) -> Result<u64, SheetError> {
        let ops = std::mem::take(&mut self.ops);
        let written = match self.written {
            None => "nothing was written".to_string(),
            Some((a, b)) => format!(
                "commits {a}–{b} of this import were written and it is incomplete; import the \
                 same file again to complete it"
            ),
        };
        let receipt = store.commit(ops).map_err(store_err(format!(
            "{}: import refused by the chair database, {written}",
            self.path.display()
        )))?;
        self.written = Some((self.written.map_or(receipt.seq, |w| w.0), receipt.seq));
        Ok(receipt.seq)
    }

    fn add(&mut self, store: Option<&mut Store>, group: Vec<Op>) -> Result<(), SheetError> {
        let Some(store) = store else {
            return Ok(()); // dry run
        };
        if !self.ops.is_empty() && self.ops.len() + group.len() > self.batch_ops {
            self.commit(store)?;
        }
        self.ops.extend(group);
        Ok(())
    }

    /// Commits the last batch with the audit record; the last commit's seq.
    fn finish(mut self, store: Option<&mut Store>, audit: Op) -> Result<Option<u64>, SheetError> {
        let Some(store) = store else {
            return Ok(None);
        };
        self.ops.push(audit);
        self.commit(store).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreIdentity};

    #[test]
    fn batches_keep_pairs_whole_and_the_audit_last() {
        let dir = tempfile::tempdir().unwrap();
        let ident = StoreIdentity {
            panel_id: "p".into(),
            rubric_sha256: "0".repeat(64),
            role: crate::role::Role::Chair,
        };
        let (mut store, _) = Store::open(&dir.path().join("db"), &ident).unwrap();
        let pair = |app: &str, n: usize| -> Vec<Op> {
            let mut v: Vec<Op> = (0..n)
                .map(|i| Op::SetScore {
                    expert: "E01".into(),
                    app: app.into(),
                    item: format!("I{i}"),
                    value: Decimal::from(1),
                    reason: None,
                })
                .collect();
            v.push(Op::SetStatus {
                expert: "E01".into(),
                app: app.into(),
                status: AppStatus::Submitted,
                reason: None,
            });
            v
        };
        // pairs of 4, 4, 4 and 2 operations; batches of at most 8: [4+4], [4+2+audit]
        let groups = vec![pair("A", 3), pair("B", 3), pair("C", 3), pair("D", 1)];
        let audit = Op::Audit {
            kind: "import".into(),
            detail: serde_json::json!({"rows": 10}),
        };
        let before = store.seq();
        let mut b = Batches::new(Path::new("x.csv"), 8);
        for g in groups {
            b.add(Some(&mut store), g).unwrap();
        }
        let last = b.finish(Some(&mut store), audit).unwrap().unwrap();
        assert_eq!(last, before + 2);
        let entries = store.audit_entries().unwrap();
        let sizes: Vec<usize> = entries[before as usize..]
            .iter()
            .map(|e| e.ops.len())
            .collect();
        assert_eq!(sizes, vec![8, 7]);
        let audits = store.audit_records();
        assert_eq!(audits.len(), 1, "one audit record for the whole import");
        assert_eq!(audits[0].seq, last);
        assert_eq!(store.statuses_for("E01").len(), 4);
    }
}
