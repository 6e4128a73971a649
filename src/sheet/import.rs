//! `panel import`: raw scores from paper forms as CSV, validated like a sheet, committed in
//! one commit (all or nothing).
//!
//! Columns (header required, exact names): `application,expert,criterion,value[,comment]`.
//! `criterion` names an item id, or the criterion id of a criterion with a single item. Each
//! (application, expert) pair in the file is submitted: rule items without a row take their
//! computed suggestion, every other item needs a row. A rule item whose value departs from
//! its suggestion needs the row's `comment` as the written reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::json;

use super::merge::{Change, ExpertState};
use super::verify::check_value;
use super::{dec_text, read_limited, sha256_hex, store_err, PanelView, SheetError};
use crate::rubric::value_check;
use crate::store::{AppStatus, Op, Store, OPINION_ITEM};

/// One problem of a CSV file, 1-based line (the header is line 1) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvProblem {
    pub line: u64,
    pub column: usize,
    pub message: String,
}

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

const HEADER: [&str; 5] = ["application", "expert", "criterion", "value", "comment"];
const MAX_PROBLEMS: usize = 50;

/// Parses and validates a CSV file's bytes against the panel. Returns every valid row, or
/// all problems found (up to 50), each with its line and column.
pub fn parse_csv(
    view: &PanelView,
    file: &Path,
    bytes: &[u8],
) -> Result<Vec<ImportRow>, SheetError> {
    let mut problems = Vec::new();
    let fail = |problems: Vec<CsvProblem>| SheetError::Csv {
        file: file.to_path_buf(),
        problems,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let col_start = bytes[..at]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&bytes[col_start..at])
                .chars()
                .count()
                + 1;
            return Err(fail(vec![CsvProblem {
                line,
                column,
                message: "not valid UTF-8; save the file as UTF-8 (with or without BOM)".into(),
            }]));
        }
    };
    // Records with the line each starts on (also after CRLF, blank lines and quoted
    // line breaks); fields trimmed like the csv crate's `Trim::All`.
    let mut records = crate::export::csv_lines::records(text.as_bytes()).into_iter();
    let field_strs = |r: &crate::export::csv_lines::OwnedRecord| -> Vec<String> {
        r.fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect()
    };
    let (header, header_len): (Vec<String>, usize) = match records.next() {
        Some(r) => (field_strs(&r), r.len),
        None => (Vec::new(), 0),
    };
    let expected = "application,expert,criterion,value[,comment]";
    if !(4..=5).contains(&header_len) {
        return Err(fail(vec![CsvProblem {
            line: 1,
            column: 1,
            message: format!(
                "the header has {header_len} column(s); it must be exactly {expected}"
            ),
        }]));
    }
    for (i, h) in header.iter().enumerate() {
        if h != HEADER[i] {
            return Err(fail(vec![CsvProblem {
                line: 1,
                column: i + 1,
                message: format!(
                    "column {} is named {h:?} but must be {:?}; the header must be exactly \
                     {expected}",
                    i + 1,
                    HEADER[i]
                ),
            }]));
        }
    }
    let ncols = header.len();
    let r = &view.rubric.rubric;
    let mut rows: Vec<ImportRow> = Vec::new();
    let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for record in records {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        let line = record.line;
        let rec = field_strs(&record);
        if record.extra_blank && rec.iter().all(String::is_empty) {
            continue; // blank line
        }
        if record.len != ncols {
            problems.push(CsvProblem {
                line,
                column: record.len.min(ncols) + 1,
                message: format!(
                    "{} field(s), the header has {ncols}; quote fields that contain commas",
                    record.len
                ),
            });
            continue;
        }
        let mut p = |column: usize, message: String| {
            problems.push(CsvProblem {
                line,
                column,
                message,
            })
        };
        let get = |i: usize| rec.get(i).map_or("", String::as_str);
        let app = get(0).to_string();
        let expert = get(1).to_string();
        let crit = get(2).to_string();
        let value_text = get(3);
        let comment = Some(get(4)).filter(|c| !c.is_empty()).map(str::to_string);
        let mut ok = true;
        let info = view.apps.get(&app);
        if info.is_none() {
            ok = false;
            p(
                1,
                format!(
                    "application {app:?} is not in panel {} (applications: {})",
                    view.id,
                    view.apps.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if view.expert(&expert).is_none() {
            ok = false;
            p(
                2,
                format!(
                    "expert {expert:?} is not in the roster ({}); add the expert to panel.json \
                     or correct the id",
                    view.roster_ids()
                ),
            );
        }
        let item = match r.item(&crit) {
            Some((_, _, it)) => Some(it),
            None => match r.criterion(&crit) {
                Some(k) if k.items.len() == 1 => k.items.first(),
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
                            "rubric {} has no item or criterion {crit:?}",
                            view.rubric.rubric.id
                        ),
                    );
                    None
                }
            },
        };
        // The written form here, range, decimal places and step in `check_value`: the one
        // value check (`rubric::value_check`).
        let value = match value_check::parse_score(value_text).and_then(|v| match item {
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
        if let (Some(info), Some(item), Some(value)) = (info, item, value) {
            if let Err((_, m)) = check_value(
                item,
                value,
                comment.as_deref(),
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
        if let (true, Some(item), Some(value)) = (ok, item, value) {
            let key = (expert.clone(), app.clone(), item.id.clone());
            if let Some(first) = seen.get(&key) {
                p(
                    3,
                    format!(
                        "item {} of {app} for {expert} is already given at line {first}; \
                         keep one row",
                        item.id
                    ),
                );
                continue;
            }
            seen.insert(key, line);
            rows.push(ImportRow {
                line,
                application: app,
                expert,
                item: item.id.clone(),
                value,
                comment,
            });
        }
    }
    // Completeness of every (expert, application) pair.
    let mut first_line: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut given: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for row in &rows {
        let k = (row.expert.clone(), row.application.clone());
        first_line.entry(k.clone()).or_insert(row.line);
        given.entry(k).or_default().insert(row.item.clone());
    }
    for ((expert, app), items) in &given {
        let sugg = view.apps.get(app).map(|i| &i.suggestions);
        let missing: Vec<&str> = r
            .items()
            .map(|(_, _, it)| it.id.as_str())
            .filter(|id| !items.contains(*id) && !sugg.is_some_and(|s| s.contains_key(*id)))
            .collect();
        if !missing.is_empty() && problems.len() < MAX_PROBLEMS {
            problems.push(CsvProblem {
                line: first_line[&(expert.clone(), app.clone())],
                column: 3,
                message: format!(
                    "application {app} for expert {expert} lacks items {} (rows from this \
                     line on); add a row for each",
                    missing.join(", ")
                ),
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(CsvProblem {
            line: 2,
            column: 1,
            message: "the file has no rows below the header".into(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        problems.sort_by_key(|p| (p.line, p.column));
        Err(fail(problems))
    }
}

/// Imports a CSV file into the chair `store` in one commit (nothing when `dry_run`). With
/// `store == None` (no chair database yet) only a dry run is possible.
pub fn import_csv_view(
    view: &PanelView,
    store: Option<&mut Store>,
    path: &Path,
    dry_run: bool,
) -> Result<ImportReport, SheetError> {
    let bytes = read_limited(path, view.sheet_limit())?;
    let rows = parse_csv(view, path, &bytes)?;
    let sha256 = sha256_hex(&bytes);
    drop(bytes);
    // Target per (expert, app): item → (value, reason, comment).
    type Target = BTreeMap<String, (Decimal, Option<String>, Option<String>)>;
    let mut targets: BTreeMap<(String, String), Target> = BTreeMap::new();
    let n_rows = rows.len();
    // The rows are consumed (their strings move into the targets): one copy in memory.
    for row in rows {
        let info = &view.apps[&row.application];
        let sugg = info.suggestions.get(&row.item).copied();
        let is_override = sugg.is_some_and(|s| s != row.value);
        let reason = if is_override {
            row.comment.clone()
        } else {
            None
        };
        targets
            .entry((row.expert, row.application))
            .or_default()
            .insert(row.item, (row.value, reason, row.comment));
    }
    let mut filled = 0;
    for ((_, app), t) in targets.iter_mut() {
        for (id, s) in &view.apps[app].suggestions {
            if !t.contains_key(id) {
                t.insert(id.clone(), (*s, None, None));
                filled += 1;
            }
        }
    }
    let mut states: BTreeMap<String, ExpertState> = BTreeMap::new();
    for (expert, _) in targets.keys() {
        if !states.contains_key(expert) {
            let st = match store.as_deref() {
                Some(s) => ExpertState::from_store(s, expert)?,
                None => ExpertState::default(),
            };
            states.insert(expert.clone(), st);
        }
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
    let pairs: Vec<(String, String)> = targets.keys().cloned().collect();
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
    for ((expert, app), t) in targets {
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
/// memory and journal lines for imports of hundreds of thousands of rows.
pub const IMPORT_BATCH_OPS: usize = 20_000;

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
            role: "chair".into(),
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
