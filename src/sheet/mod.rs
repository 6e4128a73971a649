//! Score sheets: one expert's scores for one panel as a JSON file, their Ed25519 signatures,
//! the chair's merge, the CSV import of paper forms and the chair's reopen.
//!
//! The file format is specified in `docs/sheet-format.md`. In short:
//! - a sheet is written pretty-printed; its `digest` is the sha256 of the *canonical JSON* of
//!   everything except `digest` (compact `serde_json` serialization of [`Sheet`] with the
//!   field order below and items sorted by id);
//! - when the expert has a key, `<sheet>.sig` holds `ed25519:<hex>` over the file's exact
//!   bytes (never over a re-serialization), verified with `verify_strict`;
//! - `seq` and `prev_sha256` chain the exports of one expert, so the chair notices a replayed
//!   or rolled back sheet.
//!
//! Verification ([`verify_sheet`]) is pure; merging ([`merge_sheet`]) verifies completely,
//! then writes ONE store commit per sheet, so a refused sheet changes nothing.

mod export;
mod import;
pub mod keys;
mod merge;
mod reopen;
mod sniff;
mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::panel::Panel;
use crate::role::Role;
use crate::rubric;
use crate::store::{AppStatus, StoreError};

pub use export::{
    autosave, autosave_view, export_sheet, export_sheet_view, refuse_foreign_sheet, sheet_path,
    write_sheet_atomic,
};
pub use import::{import_csv, import_csv_view, parse_csv, CsvProblem, ImportReport, ImportRow};
pub use merge::{
    dry_run_sheet, merge_sheet, merge_sheet_view, plan_merge, Change, CommentChange,
    CommentChangeKind, ExpertState, MergeKind, MergePlan, MergeReport, Merged, Planned,
    StatusChange,
};
pub use reopen::{
    apply_reopens, pending_reopens, reopen, reopen_note_path, reopen_view, reopened_reason,
    ReopenNote, ReopenReport,
};
pub use verify::{
    read_sheet_file, read_sheet_file_limited, verify_content, verify_sheet, SignatureState,
    Verified,
};

/// `schema` of a sheet file.
pub const SHEET_SCHEMA: &str = "panel-sheet/1";
/// `schema` of a reopen note.
pub const REOPEN_SCHEMA: &str = "panel-reopen/1";
/// Largest sheet or CSV file accepted (bytes).
pub const MAX_SHEET_BYTES: u64 = 16 * 1024 * 1024;

/// Expert-store meta key: seq of the last export.
pub const META_EXPORT_SEQ: &str = "sheet_export_seq";
/// Expert-store meta key: sha256 of the last exported file's bytes.
pub const META_EXPORT_SHA: &str = "sheet_export_sha256";

/// Chair-store meta key holding `{"seq":N,"sha256":"…"}` of the last merged sheet of `expert`.
pub fn merged_meta_key(expert: &str) -> String {
    format!("sheet:{expert}")
}

// ---------------------------------------------------------------------------------------------
// The sheet file
// ---------------------------------------------------------------------------------------------

/// A sheet file. Field order is the canonical order (see `docs/sheet-format.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    pub schema: String,
    /// Panel id (`panel.json` `id`).
    pub panel: String,
    /// Rubric id.
    pub rubric: String,
    /// sha256 of the canonical rubric (`rubric::canonical_sha256`).
    pub rubric_sha256: String,
    pub expert: String,
    /// 1 for the expert's first export, +1 for each further export.
    pub seq: u64,
    /// sha256 of the previous exported sheet file's bytes; `null` for seq 1.
    pub prev_sha256: Option<String>,
    /// RFC 3339.
    pub exported_at: String,
    pub applications: Vec<SheetApp>,
    /// sha256 (hex) of the canonical JSON of every field above.
    pub digest: String,
}

/// One application of a sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetApp {
    /// Anonymous application code (bundle `code`).
    pub code: String,
    /// sha256 of the bundle file the expert scored.
    pub bundle_sha256: String,
    pub status: AppStatus,
    /// Why the expert declared a conflict of interest; only with status `conflict`.
    pub conflict_reason: Option<String>,
    /// Time of the newest stored value of this application, RFC 3339; `null` if none.
    pub updated_at: Option<String>,
    /// Item id → value, override reason and comment.
    pub items: BTreeMap<String, SheetItem>,
    /// The application-level comment.
    pub comment: Option<String>,
    /// The expert's written opinion (专家评审意见) when the rubric asks for one. Left out of
    /// the file (and so of the digest) when absent: sheets written before it read and verify
    /// unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<String>,
}

/// One item of an application in a sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetItem {
    /// Exact decimal as a string (`"4.5"`); `null` when only a comment is given.
    #[serde(with = "dec_opt")]
    pub value: Option<Decimal>,
    /// Override reason: why a rule item's value departs from the computed suggestion.
    pub reason: Option<String>,
    pub comment: Option<String>,
}

/// Decimal values as JSON strings only (never JSON numbers, which may be floats).
mod dec_opt {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) => {
                let ok = !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
                    && s.bytes().filter(|b| *b == b'.').count() <= 1;
                if !ok {
                    return Err(serde::de::Error::custom(format!(
                        "value {s:?} is not a plain decimal number such as \"4.5\""
                    )));
                }
                Decimal::from_str_exact(&s).map(Some).map_err(|e| {
                    serde::de::Error::custom(format!("value {s:?} is not a decimal: {e}"))
                })
            }
        }
    }
}

/// The canonical body: every field of [`Sheet`] except `digest`, in the same order.
#[derive(Serialize)]
struct Body<'a> {
    schema: &'a str,
    panel: &'a str,
    rubric: &'a str,
    rubric_sha256: &'a str,
    expert: &'a str,
    seq: u64,
    prev_sha256: &'a Option<String>,
    exported_at: &'a str,
    applications: &'a [SheetApp],
}

impl Sheet {
    /// The canonical JSON of everything except `digest`: compact `serde_json` output.
    pub fn canonical_body(&self) -> Vec<u8> {
        let body = Body {
            schema: &self.schema,
            panel: &self.panel,
            rubric: &self.rubric,
            rubric_sha256: &self.rubric_sha256,
            expert: &self.expert,
            seq: self.seq,
            prev_sha256: &self.prev_sha256,
            exported_at: &self.exported_at,
            applications: &self.applications,
        };
        // Serializing plain structs, strings and BTreeMaps cannot fail.
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// sha256 hex of [`Sheet::canonical_body`].
    pub fn compute_digest(&self) -> String {
        sha256_hex(&self.canonical_body())
    }

    /// The file bytes: pretty-printed JSON and a final newline.
    pub fn to_file_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    pub fn app(&self, code: &str) -> Option<&SheetApp> {
        self.applications.iter().find(|a| a.code == code)
    }
}

// ---------------------------------------------------------------------------------------------
// What the sheet module needs to know about a panel
// ---------------------------------------------------------------------------------------------

/// One expert of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    pub id: String,
    /// The name panel.json gives (for the hint when a file names the expert instead of
    /// giving the id).
    pub name: String,
    /// `ed25519:<hex>` from `panel.json`, if the expert has a key.
    pub public_key: Option<String>,
}

/// One application of the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct AppInfo {
    /// sha256 of the bundle file bytes.
    pub bundle_sha256: String,
    /// Computed suggestion of each rule item that has one (facts complete).
    pub suggestions: BTreeMap<String, Decimal>,
}

/// The panel as seen by sheets: id, rubric, roster, applications with bundle hashes and the
/// rubric's suggestions for rule items. Built from a [`crate::panel::Panel`] by
/// [`PanelView::from_panel`], or directly (tests).
#[derive(Debug, Clone)]
pub struct PanelView {
    pub dir: PathBuf,
    pub id: String,
    pub rubric: rubric::Loaded,
    pub experts: Vec<RosterEntry>,
    pub apps: BTreeMap<String, AppInfo>,
    /// panel.json `signatures` is not `"optional"`: a roster expert without a key is
    /// refused at merge ([`PanelView::new`] starts with `true`).
    pub signatures_required: bool,
}

impl PanelView {
    /// Builds a view; `apps` yields (code, bundle sha256, facts); suggestions are computed
    /// with [`rubric::evaluate`].
    pub fn new<'a>(
        dir: &Path,
        id: &str,
        rubric: rubric::Loaded,
        experts: Vec<RosterEntry>,
        apps: impl IntoIterator<Item = (String, String, &'a rubric::Facts)>,
    ) -> PanelView {
        let mut map = BTreeMap::new();
        for (code, sha, facts) in apps {
            let suggestions = rubric::evaluate(&rubric.rubric, facts).suggestions();
            map.insert(
                code,
                AppInfo {
                    bundle_sha256: sha,
                    suggestions,
                },
            );
        }
        PanelView {
            dir: dir.to_path_buf(),
            id: id.to_string(),
            rubric,
            experts,
            apps: map,
            signatures_required: true,
        }
    }

    /// The view of an opened panel (its valid bundles only).
    pub fn from_panel(panel: &Panel) -> PanelView {
        let mut view = PanelView::new(
            &panel.dir,
            &panel.config.id,
            panel.rubric.clone(),
            panel
                .config
                .experts
                .iter()
                .map(|e| RosterEntry {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    public_key: e.public_key.clone().filter(|k| !k.trim().is_empty()),
                })
                .collect(),
            panel
                .bundles
                .iter()
                .map(|b| (b.bundle.code.clone(), b.sha256.clone(), &b.facts)),
        );
        view.signatures_required = panel.config.signatures_required();
        view
    }

    /// The largest sheet or import file accepted: [`MAX_SHEET_BYTES`], or more for a large
    /// panel ([`SHEET_BYTES_PER_ITEM`] per application and rubric item), so that an expert
    /// of 10,000 applications can export and be merged.
    pub fn sheet_limit(&self) -> u64 {
        let items = self.rubric.rubric.items().count() as u64;
        MAX_SHEET_BYTES.max(
            (self.apps.len() as u64)
                .saturating_mul(items)
                .saturating_mul(SHEET_BYTES_PER_ITEM),
        )
    }

    pub fn expert(&self, id: &str) -> Option<&RosterEntry> {
        self.experts.iter().find(|e| e.id == id)
    }

    pub fn roster_ids(&self) -> String {
        self.experts
            .iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `<panel>/panel.json`, for messages.
    pub fn config_file(&self) -> PathBuf {
        self.dir.join("panel.json")
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a sheet (or a CSV row) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Unreadable,
    Malformed,
    Digest,
    SignatureMissing,
    SignatureBad,
    ForeignPanel,
    ForeignRubric,
    UnknownExpert,
    UnknownApplication,
    DuplicateApplication,
    BundleMismatch,
    UnknownItem,
    OutOfRange,
    OffStep,
    OverrideWithoutReason,
    ConflictWithScores,
    Incomplete,
    OlderRevision,
    BrokenChain,
}

/// Errors of sheets, keys, merge, import and reopen. Every message names the file and the
/// place in it and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("{}: {place}{message}", file.display())]
    Refused {
        file: PathBuf,
        kind: Refusal,
        /// `applications[2] (T24-003) items.B1.1: ` or empty.
        place: String,
        message: String,
    },

    #[error("{}: {} problem(s), nothing was imported:\n{}", file.display(), problems.len(),
        problems.iter().map(|p| format!("  {}:{}:{}: {}", file.display(), p.line, p.column, p.message)).collect::<Vec<_>>().join("\n"))]
    Csv {
        file: PathBuf,
        problems: Vec<CsvProblem>,
    },

    #[error("{action} {}: {source}. Check the path and its permissions.", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{context}: {source}")]
    Store {
        context: String,
        #[source]
        source: StoreError,
    },

    #[error("key {}: {message}", path.display())]
    Key { path: PathBuf, message: String },

    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },

    /// The sheet file at `path` was written by another database than `db`: not replaced.
    /// Shown in both languages; [`SheetError::in_language`] gives one.
    #[error("{}: {} / {}", path.display(), foreign_en(whose, db), foreign_zh(whose))]
    Foreign {
        path: PathBuf,
        /// What the file holds (`None`: not readable as a sheet).
        whose: Option<ForeignSheet>,
        /// This database.
        db: PathBuf,
    },
}

/// What a sheet file written by another database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignSheet {
    pub expert: String,
    pub seq: u64,
    pub exported_at: String,
    pub submitted: usize,
    pub applications: usize,
}

fn foreign_en(whose: &Option<ForeignSheet>, db: &Path) -> String {
    let what = match whose {
        Some(w) => format!(
            "expert {}'s sheet seq {} exported at {}, {} of {} applications submitted",
            w.expert, w.seq, w.exported_at, w.submitted, w.applications
        ),
        None => "a file this database cannot read as a sheet".into(),
    };
    format!(
        "not replaced: it holds {what}, written by another database, not by {} — your scores \
         are saved in that database. Open the database that wrote the sheet (--db), or move the \
         file away if it is obsolete, or work in a copy of the panel without it",
        db.display()
    )
}

fn foreign_zh(whose: &Option<ForeignSheet>) -> String {
    let what = match whose {
        Some(w) => format!(
            "专家 {} 的评分表（第 {} 版，已提交 {} 份）",
            w.expert, w.seq, w.submitted
        ),
        None => "无法识别的文件".into(),
    };
    format!(
        "未覆盖：该文件为{what}，由另一个数据库写入；您的评分已保存在数据库中。请用写入它的数据库\
         （--db）继续，或确认其已作废后将其移走。"
    )
}

impl SheetError {
    /// The message in one language (`zh`): the errors that carry both languages give the one
    /// asked for; every other error is shown as it is.
    pub fn in_language(&self, zh: bool) -> String {
        match self {
            SheetError::Foreign { path, whose, db } if zh => {
                format!("{}：{}", path.display(), foreign_zh(whose))
            }
            SheetError::Foreign { path, whose, db } => {
                format!("{}: {}", path.display(), foreign_en(whose, db))
            }
            e => e.to_string(),
        }
    }

    /// The refusal kind, for sheet refusals.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            SheetError::Refused { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

pub(crate) fn refused(
    file: &Path,
    kind: Refusal,
    place: impl Into<String>,
    message: impl Into<String>,
) -> SheetError {
    SheetError::Refused {
        file: file.to_path_buf(),
        kind,
        place: place.into(),
        message: message.into(),
    }
}

pub(crate) fn io_err(
    action: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> SheetError {
    let path = path.to_path_buf();
    move |source| SheetError::Io {
        action,
        path,
        source,
    }
}

pub(crate) fn store_err(context: impl Into<String>) -> impl FnOnce(StoreError) -> SheetError {
    let context = context.into();
    move |source| SheetError::Store { context, source }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Now, RFC 3339 UTC with seconds.
pub(crate) fn now_rfc3339() -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}

/// Ids used in file names (expert ids, application codes): ASCII letters, digits, `_`, `-`,
/// `.`, not starting with `.`, at most 64 characters.
pub(crate) fn is_safe_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

/// `<file>.sig`.
pub fn sig_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_os_string();
    s.push(".sig");
    PathBuf::from(s)
}

/// Bytes a sheet or import file may take per (application, rubric item) of the panel: a
/// sheet item with its comment takes about 115 (a 10,000-application × 30-item sheet is
/// 34.4 MB).
pub const SHEET_BYTES_PER_ITEM: u64 = 256;

/// Reads a file of at most `limit` bytes (see [`PanelView::sheet_limit`]).
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, SheetError> {
    check_size(path, limit)?;
    std::fs::read(path).map_err(io_err("cannot read", path))
}

/// Refuses a file larger than `limit` bytes (see [`PanelView::sheet_limit`]).
pub(crate) fn check_size(path: &Path, limit: u64) -> Result<(), SheetError> {
    let meta = std::fs::metadata(path).map_err(io_err("cannot read", path))?;
    if meta.len() > limit {
        return Err(SheetError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "file is {} bytes, more than the {limit} allowed for this panel; is this the \
                 right file?",
                meta.len()
            ),
        });
    }
    Ok(())
}

/// Writes `bytes` to `path` with [`crate::atomic_file`] (owner-only; a device or FIFO is
/// written in place), creating its directory first.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SheetError> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_err("cannot create directory", dir))?;
    }
    crate::atomic_file::store(
        path,
        bytes,
        crate::atomic_file::Options {
            access: crate::atomic_file::Access::Owner,
            special: crate::atomic_file::Special::WriteInPlace,
        },
    )
    .map_err(|e| SheetError::Io {
        action: e.action,
        path: e.path,
        source: e.source,
    })
}

/// Default database path: the user's data directory / `<panel_id>-<role, ':' → '-'>`
/// ([`Role::dir_name`]).
pub fn default_db_path(panel_id: &str, role: &Role) -> Result<PathBuf, SheetError> {
    let dirs =
        directories::ProjectDirs::from("", "", "panel").ok_or_else(|| SheetError::Invalid {
            path: PathBuf::from("~"),
            message: "no home directory to hold the database; pass --db <PATH>".into(),
        })?;
    Ok(dirs
        .data_dir()
        .join(format!("{panel_id}-{}", role.dir_name())))
}

/// Text of a decimal as stored (exact, scale kept).
pub(crate) fn dec_text(d: Decimal) -> String {
    d.to_string()
}
