//! The chair's merge: a verified sheet replaces everything the chair database holds for its
//! expert, in ONE commit, after the revision chain is checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::verify::short;
use super::{
    dec_text, merged_meta_key, read_sheet_file_limited, refused, store_err, verify_sheet,
    PanelView, Refusal, SheetError, SignatureState, Verified,
};
use crate::store::{AppStatus, Op, Store, OPINION_ITEM};

/// The last merged sheet of an expert (chair meta `sheet:<expert>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    pub seq: u64,
    pub sha256: String,
}

/// What the chair database holds for one expert.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExpertState {
    pub merged: Option<Merged>,
    /// (app, item) → (value, override reason).
    pub scores: BTreeMap<(String, String), (Decimal, Option<String>)>,
    /// (app, item) → text; item `""` is the application comment.
    pub comments: BTreeMap<(String, String), String>,
    pub statuses: BTreeMap<String, (AppStatus, Option<String>)>,
}

impl ExpertState {
    /// Reads the state of `expert` from the chair store.
    pub fn from_store(store: &Store, expert: &str) -> Result<ExpertState, SheetError> {
        let key = merged_meta_key(expert);
        let merged =
            match store.meta(&key) {
                None => None,
                Some(text) => Some(serde_json::from_str::<Merged>(&text).map_err(|e| {
                    SheetError::Invalid {
                        path: store.path().to_path_buf(),
                        message: format!("meta {key:?} is not {{\"seq\",\"sha256\"}} JSON ({e})"),
                    }
                })?),
            };
        let st = ExpertState {
            merged,
            scores: store
                .scores_for(expert)
                .into_iter()
                .map(|(a, i, e)| ((a, i), (e.value, e.reason)))
                .collect(),
            comments: store
                .comments_for(expert)
                .into_iter()
                .map(|(a, i, t)| ((a, i), t))
                .collect(),
            statuses: store
                .statuses_for(expert)
                .into_iter()
                .map(|(a, s, r)| (a, (s, r)))
                .collect(),
        };
        if let Some(fault) = store.fault() {
            return Err(SheetError::Invalid {
                path: store.path().to_path_buf(),
                message: format!(
                    "the chair database could not be read completely ({fault}); reopen it"
                ),
            });
        }
        Ok(st)
    }
}

/// A value that changes with a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub app: String,
    pub item: String,
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
}

/// A status that changes with a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub app: String,
    pub before: Option<AppStatus>,
    pub after: AppStatus,
}

/// The commit a verified sheet turns into.
#[derive(Debug, Clone)]
pub struct MergePlan {
    pub expert: String,
    pub seq: u64,
    pub sha256: String,
    /// The seq of the merged sheet this one replaces.
    pub replaced_seq: Option<u64>,
    pub ops: Vec<Op>,
    pub changed: Vec<Change>,
    pub status_changes: Vec<StatusChange>,
    /// Comments, application comments and written opinions added, changed or removed.
    pub comment_changes: Vec<CommentChange>,
    pub notes: Vec<String>,
    /// The expert's state in the chair database after the commit.
    pub after: ExpertState,
}

/// Outcome of [`plan_merge`].
#[derive(Debug, Clone)]
pub enum Planned {
    /// This very file (same seq, same bytes) is already merged: nothing to do.
    AlreadyMerged {
        seq: u64,
    },
    Merge(Box<MergePlan>),
}

/// What happened to one sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeKind {
    /// Committed as chair journal commit `chair_seq`.
    Merged {
        chair_seq: u64,
    },
    /// `--dry-run`: would have been committed.
    WouldMerge,
    AlreadyMerged,
}

/// Result of merging one sheet.
#[derive(Debug, Clone)]
pub struct MergeReport {
    pub file: PathBuf,
    pub expert: String,
    pub seq: u64,
    pub sha256: String,
    pub kind: MergeKind,
    pub replaced_seq: Option<u64>,
    pub changed: Vec<Change>,
    pub status_changes: Vec<StatusChange>,
    pub comment_changes: Vec<CommentChange>,
    pub notes: Vec<String>,
    pub signature: SignatureState,
}

/// A comment of the expert's on an item (`item` empty: on the application; [`OPINION_ITEM`]:
/// the written opinion) that a merge adds, changes or removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentChange {
    pub app: String,
    pub item: String,
    pub kind: CommentChangeKind,
}

/// How a [`CommentChange`] changes the comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display)]
#[strum(serialize_all = "snake_case")]
pub enum CommentChangeKind {
    Added,
    Changed,
    Removed,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.to_string())
}

/// Checks the revision chain of a verified sheet against the chair's state of its expert and
/// computes the commit that replaces that state by the sheet's content.
///
/// Chain rules (merged = the last merged seq/sha256 of this expert):
/// - nothing merged yet: any seq is accepted;
/// - same seq and same file sha256: already merged, nothing to do;
/// - seq below the merged one: refused, older revision;
/// - same seq, different bytes: refused, the chain forked;
/// - seq = merged + 1: `prev_sha256` must equal the merged sha256, else refused;
/// - seq > merged + 1: accepted, noting that the revisions in between were never merged
///   (the expert exported several times, e.g. the autosave on every submission).
pub fn plan_merge(v: &Verified, st: &ExpertState) -> Result<Planned, SheetError> {
    let sheet = &v.sheet;
    let file = &v.file;
    let expert = &sheet.expert;
    let mut notes = v.notes.clone();
    if let Some(m) = &st.merged {
        if sheet.seq == m.seq && v.sha256 == m.sha256 {
            return Ok(Planned::AlreadyMerged { seq: sheet.seq });
        }
        if sheet.seq < m.seq {
            return Err(refused(
                file,
                Refusal::OlderRevision,
                "seq: ",
                format!(
                    "revision {} of expert {expert} is older than revision {} already merged; \
                     merge the newest sheet of this expert",
                    sheet.seq, m.seq
                ),
            ));
        }
        if sheet.seq == m.seq {
            return Err(refused(
                file,
                Refusal::BrokenChain,
                "seq: ",
                format!(
                    "revision {} of expert {expert} was already merged with different content \
                     (sha256 {}, this file {}); the expert's exports forked (database restored \
                     from a backup, or exported from two machines). Ask the expert to export \
                     again from the database they score in",
                    sheet.seq,
                    short(&m.sha256),
                    short(&v.sha256)
                ),
            ));
        }
        if sheet.seq == m.seq.saturating_add(1)
            && sheet.prev_sha256.as_deref() != Some(m.sha256.as_str())
        {
            return Err(refused(
                file,
                Refusal::BrokenChain,
                "prev_sha256: ",
                format!(
                    "revision {} of expert {expert} does not follow revision {} already merged \
                     (prev_sha256 {}, merged sheet {}); the sheet was replayed or the expert's \
                     exports forked. Ask the expert to export again from the database they \
                     score in",
                    sheet.seq,
                    m.seq,
                    sheet.prev_sha256.as_deref().map(short).unwrap_or("null"),
                    short(&m.sha256)
                ),
            ));
        }
        if sheet.seq > m.seq.saturating_add(1) {
            notes.push(format!(
                "revision(s) {}–{} of expert {expert} were exported but never merged",
                m.seq.saturating_add(1),
                sheet.seq - 1
            ));
        }
    }

    // The target state.
    let mut after = ExpertState {
        merged: Some(Merged {
            seq: sheet.seq,
            sha256: v.sha256.clone(),
        }),
        ..ExpertState::default()
    };
    for app in &sheet.applications {
        for (item, it) in &app.items {
            if let Some(value) = it.value {
                after.scores.insert(
                    (app.code.clone(), item.clone()),
                    (value, nonempty(&it.reason)),
                );
            }
            if let Some(c) = nonempty(&it.comment) {
                after.comments.insert((app.code.clone(), item.clone()), c);
            }
        }
        if let Some(c) = nonempty(&app.comment) {
            after.comments.insert((app.code.clone(), String::new()), c);
        }
        if let Some(c) = nonempty(&app.opinion) {
            after
                .comments
                .insert((app.code.clone(), OPINION_ITEM.to_string()), c);
        }
        let reason = if app.status == AppStatus::Conflict {
            nonempty(&app.conflict_reason)
        } else {
            None
        };
        after
            .statuses
            .insert(app.code.clone(), (app.status, reason));
    }
    // Applications the chair holds a non-draft status for but the sheet omits: back to draft.
    let absent_reason = format!("absent from sheet revision {}", sheet.seq);
    for (app, (status, _)) in &st.statuses {
        if !after.statuses.contains_key(app) && *status != AppStatus::Draft {
            after
                .statuses
                .insert(app.clone(), (AppStatus::Draft, Some(absent_reason.clone())));
        }
    }

    let mut ops = Vec::new();
    for (app, item) in st.scores.keys() {
        if !after.scores.contains_key(&(app.clone(), item.clone())) {
            ops.push(Op::ClearScore {
                expert: expert.clone(),
                app: app.clone(),
                item: item.clone(),
            });
        }
    }
    for ((app, item), (value, reason)) in &after.scores {
        ops.push(Op::SetScore {
            expert: expert.clone(),
            app: app.clone(),
            item: item.clone(),
            value: *value,
            reason: reason.clone(),
        });
    }
    for (app, item) in st.comments.keys() {
        if !after.comments.contains_key(&(app.clone(), item.clone())) {
            ops.push(Op::SetComment {
                expert: expert.clone(),
                app: app.clone(),
                item: item.clone(),
                text: String::new(),
            });
        }
    }
    for ((app, item), text) in &after.comments {
        ops.push(Op::SetComment {
            expert: expert.clone(),
            app: app.clone(),
            item: item.clone(),
            text: text.clone(),
        });
    }
    for (app, (status, reason)) in &after.statuses {
        ops.push(Op::SetStatus {
            expert: expert.clone(),
            app: app.clone(),
            status: *status,
            reason: reason.clone(),
        });
    }

    let mut changed = Vec::new();
    let mut keys: Vec<&(String, String)> = st.scores.keys().chain(after.scores.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let before = st.scores.get(k).map(|x| x.0);
        let now = after.scores.get(k).map(|x| x.0);
        // Exact comparison, scale included: "4.5" → "4.50" is recorded too.
        if before.map(dec_text) != now.map(dec_text) {
            changed.push(Change {
                app: k.0.clone(),
                item: k.1.clone(),
                before,
                after: now,
            });
        }
    }
    let mut status_changes = Vec::new();
    for (app, (status, _)) in &after.statuses {
        let before = st.statuses.get(app).map(|x| x.0);
        if before != Some(*status) {
            status_changes.push(StatusChange {
                app: app.clone(),
                before,
                after: *status,
            });
        }
    }

    let mut comment_changes = Vec::new();
    let mut keys: Vec<&(String, String)> =
        st.comments.keys().chain(after.comments.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let kind = match (st.comments.get(k), after.comments.get(k)) {
            (None, Some(_)) => CommentChangeKind::Added,
            (Some(_), None) => CommentChangeKind::Removed,
            (Some(a), Some(b)) if a != b => CommentChangeKind::Changed,
            _ => continue,
        };
        comment_changes.push(CommentChange {
            app: k.0.clone(),
            item: k.1.clone(),
            kind,
        });
    }

    let replaced_seq = st.merged.as_ref().map(|m| m.seq);
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    let opt = |d: Option<Decimal>| d.map(dec_text);
    ops.push(Op::Meta {
        key: merged_meta_key(expert),
        value: serde_json::to_string(&Merged {
            seq: sheet.seq,
            sha256: v.sha256.clone(),
        })
        .unwrap_or_default(),
    });
    ops.push(Op::Audit {
        kind: "merge".into(),
        detail: json!({
            "sheet": file_name,
            "expert": expert,
            "seq": sheet.seq,
            "sha256": v.sha256,
            "exported_at": sheet.exported_at,
            "signed": v.signature == SignatureState::Verified,
            "replaced_seq": replaced_seq,
            "changed": changed.iter().map(|c| json!({
                "app": c.app, "item": c.item, "before": opt(c.before), "after": opt(c.after)
            })).collect::<Vec<_>>(),
            "status_changed": status_changes.iter().map(|c| json!({
                "app": c.app, "before": c.before, "after": c.after
            })).collect::<Vec<_>>(),
            "comments_changed": comment_changes.iter().map(|c| json!({
                "app": c.app, "item": c.item, "change": c.kind.to_string()
            })).collect::<Vec<_>>(),
            "notes": notes,
        }),
    });
    Ok(Planned::Merge(Box::new(MergePlan {
        expert: expert.clone(),
        seq: sheet.seq,
        sha256: v.sha256.clone(),
        replaced_seq,
        ops,
        changed,
        status_changes,
        comment_changes,
        notes,
        after,
    })))
}

fn report(v: &Verified, kind: MergeKind, plan: Option<&MergePlan>) -> MergeReport {
    MergeReport {
        file: v.file.clone(),
        expert: v.sheet.expert.clone(),
        seq: v.sheet.seq,
        sha256: v.sha256.clone(),
        kind,
        replaced_seq: plan.and_then(|p| p.replaced_seq),
        changed: plan.map(|p| p.changed.clone()).unwrap_or_default(),
        status_changes: plan.map(|p| p.status_changes.clone()).unwrap_or_default(),
        comment_changes: plan.map(|p| p.comment_changes.clone()).unwrap_or_default(),
        notes: plan.map(|p| p.notes.clone()).unwrap_or_default(),
        signature: v.signature,
    }
}

/// Verifies the sheet file `path` (with `<path>.sig`) and merges it into the chair `store`
/// in one commit. On any error nothing is written.
pub fn merge_sheet_view(
    view: &PanelView,
    store: &mut Store,
    path: &Path,
) -> Result<MergeReport, SheetError> {
    let (bytes, sig) = read_sheet_file_limited(path, view.sheet_limit())?;
    let v = verify_sheet(view, path, &bytes, sig.as_deref())?;
    let st = ExpertState::from_store(store, &v.sheet.expert)?;
    match plan_merge(&v, &st)? {
        Planned::AlreadyMerged { .. } => Ok(report(&v, MergeKind::AlreadyMerged, None)),
        Planned::Merge(mut plan) => {
            // the operations go to the store; the report needs the rest of the plan
            let ops = std::mem::take(&mut plan.ops);
            let receipt = store.commit(ops).map_err(store_err(format!(
                "{}: merge refused by the chair database, nothing was written",
                path.display()
            )))?;
            Ok(report(
                &v,
                MergeKind::Merged {
                    chair_seq: receipt.seq,
                },
                Some(&plan),
            ))
        }
    }
}

/// Like [`merge_sheet_view`] but writes nothing: the states of the experts are taken from
/// `cache` (filled from `store` when given, else empty) and updated there, so several sheets
/// of one dry run see each other.
pub fn dry_run_sheet(
    view: &PanelView,
    store: Option<&Store>,
    cache: &mut BTreeMap<String, ExpertState>,
    path: &Path,
) -> Result<MergeReport, SheetError> {
    let (bytes, sig) = read_sheet_file_limited(path, view.sheet_limit())?;
    let v = verify_sheet(view, path, &bytes, sig.as_deref())?;
    let expert = v.sheet.expert.clone();
    if !cache.contains_key(&expert) {
        let st = match store {
            Some(s) => ExpertState::from_store(s, &expert)?,
            None => ExpertState::default(),
        };
        cache.insert(expert.clone(), st);
    }
    let st = cache.get(&expert).cloned().unwrap_or_default();
    match plan_merge(&v, &st)? {
        Planned::AlreadyMerged { .. } => Ok(report(&v, MergeKind::AlreadyMerged, None)),
        Planned::Merge(plan) => {
            let r = report(&v, MergeKind::WouldMerge, Some(&plan));
            cache.insert(expert, plan.after);
            Ok(r)
        }
    }
}

/// [`merge_sheet_view`] for an opened panel.
pub fn merge_sheet(
    panel: &crate::panel::Panel,
    store: &mut Store,
    path: &Path,
) -> Result<MergeReport, SheetError> {
    merge_sheet_view(&PanelView::from_panel(panel), store, path)
}
