//! The score store: the only module that touches sled.
//!
//! A database directory `<db>` holds:
//! - `<db>/LOCK`: our own advisory lock (one process per database, never waits);
//! - `<db>/journal.jsonl`: the hash-chained, fdatasync'ed journal, one JSON line per commit.
//!   It is the source of truth and the audit log;
//! - `<db>/sled/`: the sled database (trees `meta`, `scores`, `status`, `comments`, `audit`),
//!   a fast index that is checked against the journal at every open and repaired from it.
//!
//! A commit is acknowledged (`Ok`) only after its journal line is on disk (`fdatasync`).
//! sled 0.34.7 is not the durability point: its `flush()` uses `sync_file_range`, and a
//! damaged sled file can panic `sled::open` or silently drop records. See `docs/store.md`.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sled::transaction::{ConflictableTransactionError, Transactional};

/// Version of the journal and sled layout written by this build.
pub const SCHEMA_VERSION: u32 = 1;

/// The reserved item id under which [`Op::SetComment`] stores an expert's written opinion
/// (专家评审意见) on an application. Rubric item ids never start with `#`, so the key cannot
/// meet a real item; the journal format is unchanged.
pub const OPINION_ITEM: &str = "#opinion";

/// The hash chain's `prev` for the first line.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The lock file inside a database folder.
pub(crate) const LOCK_FILE: &str = "LOCK";
pub(crate) const JOURNAL_FILE: &str = "journal.jsonl";
const SLED_DIR: &str = "sled";
/// sled's page cache (its default is 1 GiB).
const SLED_CACHE_BYTES: u64 = 32 << 20;

/// Meta keys maintained by the store itself; `Op::Meta` may not set them.
pub const RESERVED_META_KEYS: [&str; 7] = [
    "schema_version",
    "panel_id",
    "rubric_sha256",
    "role",
    "created_with",
    "journal_seq",
    "journal_head",
];

// ---------------------------------------------------------------------------------------------
// Public data types
// ---------------------------------------------------------------------------------------------

/// Who opens a database: the panel, the rubric it scores against and the role of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreIdentity {
    pub panel_id: String,
    pub rubric_sha256: String,
    /// Stored as `"expert:<id>"` or `"chair"`.
    pub role: crate::role::Role,
}

/// Review status of one application for one expert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    Draft,
    Submitted,
    Conflict,
}

/// One operation of a commit. A commit (one journal line) holds one or more operations and
/// is applied atomically.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    SetScore {
        expert: String,
        app: String,
        item: String,
        #[serde(with = "rust_decimal::serde::str")]
        value: Decimal,
        /// Override reason, when the expert departs from the computed suggestion.
        reason: Option<String>,
    },
    ClearScore {
        expert: String,
        app: String,
        item: String,
    },
    SetComment {
        expert: String,
        app: String,
        /// `""` for the application-level comment, [`OPINION_ITEM`] for the written opinion.
        item: String,
        /// Empty text removes the comment.
        text: String,
    },
    SetStatus {
        expert: String,
        app: String,
        status: AppStatus,
        reason: Option<String>,
    },
    Meta {
        key: String,
        value: String,
    },
    /// E.g. the merge of a sheet, a reopen with before/after values.
    Audit {
        kind: String,
        detail: Value,
    },
}

/// Returned by [`Store::commit`] once the commit is durable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub seq: u64,
    pub hash: String,
}

/// A stored score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreEntry {
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
    pub reason: Option<String>,
    /// Journal sequence number of the commit that set it.
    pub seq: u64,
    pub ts: String,
}

/// A stored `Op::Audit`, from the `audit` tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: u64,
    /// Position of the operation inside its commit.
    pub index: u32,
    pub ts: String,
    pub kind: String,
    pub detail: Value,
}

/// One verified journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub prev: String,
    pub ts: String,
    pub ops: Vec<Op>,
    pub hash: String,
    /// The owner's Ed25519 signature over `hash` (`ed25519:<hex>`), when the database's
    /// owner has a key (see [`Signer`]). Not part of the hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

/// A commit's sequence number, hash and signature, as its journal line holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub seq: u64,
    pub hash: String,
    pub sig: Option<String>,
}

impl Seal {
    pub fn of(e: &JournalEntry) -> Seal {
        Seal {
            seq: e.seq,
            hash: e.hash.clone(),
            sig: e.sig.clone(),
        }
    }
}

/// Signs a commit's hash (its lowercase hex, as bytes) and returns the signature text
/// `ed25519:<hex>`. The store does not know keys; callers pass `sheet::keys::sign`.
pub type Signer = Box<dyn Fn(&[u8]) -> String + Send + Sync>;

/// What [`Store::open`] found and did. Nothing is repaired or moved silently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// A new database was created (first commit records schema and identity).
    pub created: bool,
    /// Number of commits in the journal after opening.
    pub journal_commits: u64,
    /// Repairs of the sled index, each with its reason.
    pub repaired: Vec<String>,
    /// Other findings worth showing (torn journal tail moved aside, role mismatch, ...).
    pub warnings: Vec<String>,
}

/// Result of [`verify_journal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalSummary {
    pub lines: u64,
    pub head_hash: String,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
    /// Bytes after the last newline (an interrupted, never acknowledged append); 0 normally.
    pub torn_tail_bytes: u64,
}

/// Errors of the store. Every message names the path (and line) and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "database {} is open for changes in another panel process{holder} (lock {}); one \
         process at a time may change it. Reading needs no lock: `panel results`, `panel \
         status` and `panel audit verify` work on it now. To change it (a sheet export \
         records itself in the database), close the other panel first.",
        path.display(),
        path.join(LOCK_FILE).display()
    )]
    Locked { path: PathBuf, holder: String },

    #[error(
        "database {} was opened read-only (a snapshot of its journal); nothing can be \
         committed through it",
        path.display()
    )]
    ReadOnly { path: PathBuf },

    #[error(
        "database {}: the sled index and the journal {} disagree: {detail}. This is tampering \
         or loss, not an accident the store may repair on its own; nothing was changed. \
         Restore the journal (or the whole directory) from a backup. `panel audit verify {}` \
         shows the evidence; only if you accept the journal as it is, `panel audit repair {}` \
         moves the index aside (kept, named in its output) and rebuilds it from the journal.",
        path.display(),
        path.join(JOURNAL_FILE).display(),
        path.display(),
        path.display()
    )]
    Disagree { path: PathBuf, detail: String },

    #[error(
        "journal {} line {line}: {reason}. The journal is the audit log and is never \
         truncated silently; restore it from a backup or move it aside to start over.",
        path.display()
    )]
    JournalDamaged {
        path: PathBuf,
        line: u64,
        reason: String,
    },

    #[error("{}", wrong_owner_message(path, owner, opener))]
    WrongOwner {
        path: PathBuf,
        /// The role recorded in the database's first commit.
        owner: crate::role::Role,
        /// The role of the process that wanted to write.
        opener: crate::role::Role,
    },

    #[error(
        "journal {} line {line} carries no signature, although line {signed} before it does: \
         its lines stop carrying signatures partway, which no panel process writes (a database \
         whose owner has a key is signed on every line from its creation). The journal was \
         most likely rewritten from line {line} on; nothing was written. No command writes \
         into such a journal, and `panel audit repair` does not rebuild an index from it (it \
         only repairs a torn tail or a damaged index). Check it with `panel audit verify {} \
         --panel <PANEL_DIR>` and restore the journal (or the whole directory) from a backup.",
        path.join(JOURNAL_FILE).display(),
        path.display()
    )]
    SignatureGap {
        path: PathBuf,
        /// The first unsigned line after a signed one (1-based).
        line: u64,
        /// The last signed line before it.
        signed: u64,
    },

    #[error(
        "database {}: its journal is signed by its owner (every line through line {line}), but \
         this process has no key to sign with; an unsigned line would break its signed audit \
         log, so nothing was written. Set $PANEL_KEY_DIR (or pass --key-dir where the command \
         has it) to the owner's key directory.",
        path.display()
    )]
    NoSigner { path: PathBuf, line: u64 },

    #[error(
        "database {} was written with schema version {found}, newer than this panel build \
         supports ({supported}). Upgrade panel, or pass --db <OTHER_PATH> to use a separate \
         database.",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error(
        "database {} belongs to {found}, not to {expected}. Pass --db <OTHER_PATH> to use a \
         separate database for this panel and rubric.",
        path.display()
    )]
    Foreign {
        path: PathBuf,
        found: String,
        expected: String,
    },

    #[error(
        "database {}: the sled index holds {sled_commits} commits but the journal {} is \
         missing or empty. The journal is the audit log; restore it from a backup, or move \
         the whole directory aside to start over.",
        path.display(),
        path.join(JOURNAL_FILE).display()
    )]
    JournalMissing { path: PathBuf, sled_commits: u64 },

    #[error(
        "commit to {} refused, nothing was written: operation {index}: {reason}",
        path.display()
    )]
    InvalidOp {
        path: PathBuf,
        index: usize,
        reason: String,
    },

    #[error(
        "database {} must be reopened before further commits: {reason}. Close and reopen \
         panel; the index is repaired from the journal at open.",
        path.display()
    )]
    NeedsReopen { path: PathBuf, reason: String },

    #[error("{action} {}: {source}. Check the disk and the permissions of this path.", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "sled index {}: {reason}. Move this directory aside; it is rebuilt from the journal \
         at the next open.",
        path.display()
    )]
    Sled { path: PathBuf, reason: String },
}

/// The message of [`StoreError::WrongOwner`]: who owns the database, who may not write
/// into it, and which command or database to use instead.
fn wrong_owner_message(
    path: &Path,
    owner: &crate::role::Role,
    opener: &crate::role::Role,
) -> String {
    use crate::role::Role;
    let db = path.display();
    let instead = match opener {
        Role::Chair => "the chair's commands (`panel merge`, `import`, `reopen`, `eligibility`, \
             `awards --assign`, `chair`) write into the chair database: pass --db with the \
             chair's database (without --db: <data dir>/<panel id>-chair), or a path that does \
             not exist yet to create one"
            .to_string(),
        Role::Expert(id) => format!(
            "`panel score --expert {id}` writes into expert {id}'s own database: pass --db \
             with it (without --db: <data dir>/<panel id>-expert-{id}), or a path that does not \
             exist yet to create one"
        ),
    };
    let read = match owner {
        Role::Chair => format!("`panel results <PANEL_DIR> --db {db}` reads it"),
        Role::Expert(id) => format!(
            "`panel status <PANEL_DIR> --expert {id} --db {db}` reads it, `panel sheet export \
             --expert {id} --db {db}` writes its sheet; the sheet reaches the chair through \
             `panel merge`"
        ),
    };
    format!(
        "database {db} belongs to {owner}, and {opener} may not write into it (its journal is \
         its owner's signed audit log); nothing was written. Use the right command or \
         database: {instead}. {read}."
    )
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

// ---------------------------------------------------------------------------------------------
// Key layout: the only place that knows how keys are built.
// ---------------------------------------------------------------------------------------------

/// sled tree names and key layout.
pub mod keys {
    /// Separator between key components; component strings may not contain it.
    pub const SEP: u8 = 0;

    pub const TREE_META: &str = "meta";
    pub const TREE_SCORES: &str = "scores";
    pub const TREE_STATUS: &str = "status";
    pub const TREE_COMMENTS: &str = "comments";
    pub const TREE_AUDIT: &str = "audit";

    /// Tree names in the order of [`TreeId`].
    pub const TREES: [&str; 5] = [
        TREE_META,
        TREE_SCORES,
        TREE_STATUS,
        TREE_COMMENTS,
        TREE_AUDIT,
    ];

    /// Index of a tree in [`TREES`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum TreeId {
        Meta = 0,
        Scores = 1,
        Status = 2,
        Comments = 3,
        Audit = 4,
    }

    fn join(parts: &[&str]) -> Vec<u8> {
        let mut k = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                k.push(SEP);
            }
            k.extend_from_slice(p.as_bytes());
        }
        k
    }

    /// `scores`: `expert \0 app`, one record holding every scored item of that expert and
    /// application (a [`super::ScoreRecord`]).
    pub fn scores(expert: &str, app: &str) -> Vec<u8> {
        join(&[expert, app])
    }

    /// `comments`: `expert \0 app \0 item` (item `""` for the application comment).
    pub fn comment(expert: &str, app: &str, item: &str) -> Vec<u8> {
        join(&[expert, app, item])
    }

    /// `status`: `expert \0 app`.
    pub fn status(expert: &str, app: &str) -> Vec<u8> {
        join(&[expert, app])
    }

    /// `meta`: the key's UTF-8 bytes.
    pub fn meta(key: &str) -> Vec<u8> {
        key.as_bytes().to_vec()
    }

    /// `audit`: big-endian seq (8 bytes) then big-endian op index (4 bytes).
    pub fn audit(seq: u64, index: u32) -> Vec<u8> {
        let mut k = seq.to_be_bytes().to_vec();
        k.extend_from_slice(&index.to_be_bytes());
        k
    }

    /// Prefix of every `scores`/`comments`/`status` key of one expert.
    pub fn expert_prefix(expert: &str) -> Vec<u8> {
        let mut k = expert.as_bytes().to_vec();
        k.push(SEP);
        k
    }

    /// Splits a key into exactly `n` UTF-8 components.
    pub fn split(key: &[u8], n: usize) -> Option<Vec<String>> {
        let parts: Vec<&[u8]> = key.split(|b| *b == SEP).collect();
        if parts.len() != n {
            return None;
        }
        parts
            .into_iter()
            .map(|p| String::from_utf8(p.to_vec()).ok())
            .collect()
    }

    /// Inverse of [`audit`].
    pub fn split_audit(key: &[u8]) -> Option<(u64, u32)> {
        if key.len() != 12 {
            return None;
        }
        let mut s = [0u8; 8];
        s.copy_from_slice(&key[..8]);
        let mut i = [0u8; 4];
        i.copy_from_slice(&key[8..]);
        Some((u64::from_be_bytes(s), u32::from_be_bytes(i)))
    }
}

use keys::TreeId;

// ---------------------------------------------------------------------------------------------
// Stored values: `{"d":"<sha256(key ++ content) hex>","c":<content>}`
// ---------------------------------------------------------------------------------------------

const VALUE_PREFIX: &[u8] = b"{\"d\":\"";
const VALUE_MIDDLE: &[u8] = b"\",\"c\":";

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// Encodes a record as a stored value carrying its digest.
fn encode_value<R: Serialize>(key: &[u8], record: &R) -> Result<Vec<u8>, String> {
    let content = serde_json::to_vec(record).map_err(|e| format!("cannot encode value: {e}"))?;
    let digest = sha256_hex(&[key, &content]);
    let mut out =
        Vec::with_capacity(VALUE_PREFIX.len() + 64 + VALUE_MIDDLE.len() + content.len() + 1);
    out.extend_from_slice(VALUE_PREFIX);
    out.extend_from_slice(digest.as_bytes());
    out.extend_from_slice(VALUE_MIDDLE);
    out.extend_from_slice(&content);
    out.push(b'}');
    Ok(out)
}

/// Checks the digest of a stored value over its exact bytes and returns the content bytes.
fn verify_value<'a>(key: &[u8], bytes: &'a [u8]) -> Result<&'a [u8], String> {
    let head = VALUE_PREFIX.len() + 64 + VALUE_MIDDLE.len();
    if bytes.len() < head + 1
        || !bytes.starts_with(VALUE_PREFIX)
        || &bytes[VALUE_PREFIX.len() + 64..head] != VALUE_MIDDLE
        || bytes[bytes.len() - 1] != b'}'
    {
        return Err("value is not in the {\"d\":…,\"c\":…} layout".to_string());
    }
    let stored = &bytes[VALUE_PREFIX.len()..VALUE_PREFIX.len() + 64];
    let content = &bytes[head..bytes.len() - 1];
    let digest = sha256_hex(&[key, content]);
    if digest.as_bytes() != stored {
        return Err("digest mismatch".to_string());
    }
    Ok(content)
}

fn decode_value<R: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<R, String> {
    let content = verify_value(key, bytes)?;
    serde_json::from_slice(content).map_err(|e| format!("undecodable value: {e}"))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StatusRecord {
    status: AppStatus,
    reason: Option<String>,
    seq: u64,
    ts: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CommentRecord {
    text: String,
    seq: u64,
    ts: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct MetaRecord {
    value: String,
    seq: u64,
    ts: String,
}

// ---------------------------------------------------------------------------------------------
// Effects: what a journal entry does to the sled trees (shared by commit, replay and repair).
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Effect {
    tree: TreeId,
    key: Vec<u8>,
    value: Option<Vec<u8>>,
}

/// The `scores` record of one expert and application: every scored item, by item id. One
/// record (not one per item) keeps a sheet's merge to about one index write per application.
type ScoreRecord = BTreeMap<String, ScoreEntry>;

/// The stored bytes of a `scores` record as the index holds them before an entry applies
/// (`None`: no record).
type ScoresBefore<'a> = dyn Fn(&[u8]) -> Result<Option<Vec<u8>>, String> + 'a;

/// The score record of `expert` and `app` in `records` (the records an entry has touched so
/// far), read through `before` the first time.
fn touched<'r>(
    records: &'r mut BTreeMap<Vec<u8>, ScoreRecord>,
    expert: &str,
    app: &str,
    before: &ScoresBefore,
) -> Result<&'r mut ScoreRecord, String> {
    let key = keys::scores(expert, app);
    if !records.contains_key(&key) {
        let rec = match before(&key)? {
            Some(bytes) => decode_value::<ScoreRecord>(&key, &bytes)
                .map_err(|e| format!("tree scores, record {expert}/{app}: {e}"))?,
            None => ScoreRecord::new(),
        };
        records.insert(key.clone(), rec);
    }
    Ok(records.get_mut(&key).expect("inserted above"))
}

/// What `entry` does to the trees. Score operations change whole records, so the records the
/// entry touches are read through `before`.
fn effects_of(entry: &JournalEntry, before: &ScoresBefore) -> Result<Vec<Effect>, String> {
    let (seq, ts) = (entry.seq, entry.ts.clone());
    let mut out = Vec::with_capacity(entry.ops.len() + 2);
    let mut records: BTreeMap<Vec<u8>, ScoreRecord> = BTreeMap::new();
    for (index, op) in entry.ops.iter().enumerate() {
        let eff = match op {
            Op::SetScore {
                expert,
                app,
                item,
                value,
                reason,
            } => {
                let entry = ScoreEntry {
                    value: *value,
                    reason: reason.clone(),
                    seq,
                    ts: ts.clone(),
                };
                touched(&mut records, expert, app, before)?.insert(item.clone(), entry);
                continue;
            }
            Op::ClearScore { expert, app, item } => {
                touched(&mut records, expert, app, before)?.remove(item);
                continue;
            }
            Op::SetComment {
                expert,
                app,
                item,
                text,
            } => {
                let key = keys::comment(expert, app, item);
                let value = if text.is_empty() {
                    None
                } else {
                    let rec = CommentRecord {
                        text: text.clone(),
                        seq,
                        ts: ts.clone(),
                    };
                    Some(encode_value(&key, &rec)?)
                };
                Effect {
                    tree: TreeId::Comments,
                    key,
                    value,
                }
            }
            Op::SetStatus {
                expert,
                app,
                status,
                reason,
            } => {
                let key = keys::status(expert, app);
                let rec = StatusRecord {
                    status: *status,
                    reason: reason.clone(),
                    seq,
                    ts: ts.clone(),
                };
                let value = Some(encode_value(&key, &rec)?);
                Effect {
                    tree: TreeId::Status,
                    key,
                    value,
                }
            }
            Op::Meta { key, value } => {
                let k = keys::meta(key);
                let rec = MetaRecord {
                    value: value.clone(),
                    seq,
                    ts: ts.clone(),
                };
                let value = Some(encode_value(&k, &rec)?);
                Effect {
                    tree: TreeId::Meta,
                    key: k,
                    value,
                }
            }
            Op::Audit { kind, detail } => {
                let index = u32::try_from(index).map_err(|_| "too many operations".to_string())?;
                let key = keys::audit(seq, index);
                let rec = AuditRecord {
                    seq,
                    index,
                    ts: ts.clone(),
                    kind: kind.clone(),
                    detail: detail.clone(),
                };
                let value = Some(encode_value(&key, &rec)?);
                Effect {
                    tree: TreeId::Audit,
                    key,
                    value,
                }
            }
        };
        out.push(eff);
    }
    for (key, rec) in records {
        let value = if rec.is_empty() {
            None
        } else {
            Some(encode_value(&key, &rec)?)
        };
        out.push(Effect {
            tree: TreeId::Scores,
            key,
            value,
        });
    }
    for (k, v) in [
        ("journal_seq", seq.to_string()),
        ("journal_head", entry.hash.clone()),
    ] {
        let key = keys::meta(k);
        let rec = MetaRecord {
            value: v,
            seq,
            ts: ts.clone(),
        };
        let value = Some(encode_value(&key, &rec)?);
        out.push(Effect {
            tree: TreeId::Meta,
            key,
            value,
        });
    }
    Ok(out)
}

/// The expected content of the sled trees, replayed from the journal in memory.
#[derive(Debug, Default)]
struct Replay {
    trees: [BTreeMap<Vec<u8>, Vec<u8>>; 5],
}

impl Replay {
    fn apply(&mut self, entry: &JournalEntry) -> Result<(), String> {
        let scores = &self.trees[TreeId::Scores as usize];
        let effects = effects_of(entry, &|key| Ok(scores.get(key).cloned()))?;
        for e in effects {
            let t = &mut self.trees[e.tree as usize];
            match e.value {
                Some(v) => {
                    t.insert(e.key, v);
                }
                None => {
                    t.remove(&e.key);
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Journal
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    seq: u64,
    prev: String,
    ts: String,
    ops: Vec<Value>,
    hash: String,
    #[serde(default)]
    sig: Option<String>,
}

/// What a line's hash covers. `O` is `[Value]` when a line is verified, and the operations
/// already encoded (`RawValue`) when a commit is written.
#[derive(Serialize)]
struct HashedBody<'a, O: ?Sized + Serialize> {
    seq: u64,
    ts: &'a str,
    ops: &'a O,
}

/// A journal line as written (without its newline).
#[derive(Serialize)]
struct LineOut<'a, O: ?Sized + Serialize> {
    seq: u64,
    prev: &'a str,
    ts: &'a str,
    ops: &'a O,
    hash: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sig: Option<&'a str>,
}

/// `hash = sha256(prev ++ canonical JSON of {seq, ts, ops})`, lowercase hex.
fn line_hash(prev: &str, seq: u64, ts: &str, ops: &[Value]) -> Result<String, String> {
    let body = serde_json::to_vec(&HashedBody { seq, ts, ops })
        .map_err(|e| format!("cannot encode: {e}"))?;
    Ok(sha256_hex(&[prev.as_bytes(), &body]))
}

/// Builds the journal line (with its trailing newline) for a commit.
fn encode_line(
    seq: u64,
    prev: &str,
    ts: &str,
    ops: &[Op],
    signer: Option<&Signer>,
) -> Result<(String, String), String> {
    // The operations are encoded once, straight from the typed ops (no generic JSON tree in
    // between: with `preserve_order` the bytes are those of `serde_json::to_value` then
    // serialize), and that encoding is embedded as a `RawValue` in the hashed body and the
    // line, which are then exactly what verifying the line recomputes (pinned by the tests
    // `encode_line_is_the_generic_serialization` and `committed_lines_verify_as_at_open`).
    // The caller's self-check parses the line back into typed operations and refuses the
    // commit unless they equal what was committed.
    let enc = |e: serde_json::Error| format!("cannot encode: {e}");
    let ops = serde_json::value::to_raw_value(ops).map_err(enc)?;
    let body = serde_json::to_vec(&HashedBody {
        seq,
        ts,
        ops: &*ops,
    })
    .map_err(enc)?;
    let hash = sha256_hex(&[prev.as_bytes(), &body]);
    let sig = signer.map(|sign| sign(hash.as_bytes()).trim().to_string());
    let mut line = serde_json::to_string(&LineOut {
        seq,
        prev,
        ts,
        ops: &*ops,
        hash: &hash,
        sig: sig.as_deref(),
    })
    .map_err(enc)?;
    line.push('\n');
    Ok((line, hash))
}

/// Parses and checks one complete line (without its newline) against the chain.
/// Ops stay generic JSON here; typed parsing happens after the schema check.
fn check_line(text: &[u8], expect_seq: u64, expect_prev: &str) -> Result<RawLine, String> {
    if text.is_empty() {
        return Err("empty line".to_string());
    }
    let text = std::str::from_utf8(text).map_err(|e| format!("not valid UTF-8 ({e})"))?;
    let raw: RawLine =
        serde_json::from_str(text).map_err(|e| format!("not a journal line: {e}"))?;
    if raw.seq != expect_seq {
        return Err(format!("seq is {}, expected {expect_seq}", raw.seq));
    }
    if raw.prev != expect_prev {
        return Err(format!(
            "prev {} does not match the hash of the previous line {expect_prev}",
            raw.prev
        ));
    }
    let computed = line_hash(&raw.prev, raw.seq, &raw.ts, &raw.ops)?;
    if computed != raw.hash {
        return Err(format!(
            "hash mismatch (stored {}, computed {computed}): the line was altered",
            raw.hash
        ));
    }
    Ok(raw)
}

fn typed_ops(raw: &RawLine) -> Result<Vec<Op>, String> {
    raw.ops
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Op::deserialize(v).map_err(|e| format!("operation {} is not understood: {e}", i + 1))
        })
        .collect()
}

fn meta_in_raw<'a>(ops: &'a [Value], key: &str) -> Option<&'a str> {
    ops.iter().rev().find_map(|v| {
        if v.get("op")?.as_str()? == "meta" && v.get("key")?.as_str()? == key {
            v.get("value")?.as_str()
        } else {
            None
        }
    })
}

#[derive(Debug, Default)]
struct JournalScan {
    entries: Vec<JournalEntry>,
    /// Length up to and including the last newline.
    complete_len: u64,
    /// Bytes after the last newline (torn append), unless they verify as the next line.
    torn: Vec<u8>,
    /// The bytes after the last newline were a complete line that verifies as the next
    /// commit, lacking only its newline: it is the last of `entries`.
    unterminated: bool,
}

/// The schema check on the first line's generic operations, before typed parsing (a newer
/// schema may hold operations this build does not know).
fn check_schema(path: &Path, first_ops: &[Value]) -> Result<(), StoreError> {
    let damaged = |reason: &str| StoreError::JournalDamaged {
        path: path.to_path_buf(),
        line: 1,
        reason: reason.to_string(),
    };
    let found = meta_in_raw(first_ops, "schema_version")
        .ok_or_else(|| {
            damaged("the first commit does not record schema_version; this is not a panel journal")
        })?
        .parse::<u32>()
        .map_err(|_| damaged("schema_version is not a number"))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn scan_journal(path: &Path) -> Result<JournalScan, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(JournalScan::default()),
        Err(e) => return Err(io_err("cannot read journal", path)(e)),
    };
    let complete_len = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    let torn = bytes[complete_len..].to_vec();
    let damaged = |line: u64, reason: String| StoreError::JournalDamaged {
        path: path.to_path_buf(),
        line,
        reason,
    };
    // Each line is verified, then typed at once, so that only one line's generic JSON is held
    // at a time. The errors keep their precedence: a broken chain anywhere is reported first,
    // then a missing or newer schema (line 1), then the first operation this build cannot
    // read; that is why the latter two are held until every line is verified.
    let mut entries: Vec<JournalEntry> = Vec::new();
    let mut schema_error: Option<StoreError> = None;
    let mut typed_error: Option<StoreError> = None;
    let mut take = |raw: RawLine| {
        if raw.seq == 1 {
            schema_error = check_schema(path, &raw.ops).err();
        }
        if schema_error.is_some() || typed_error.is_some() {
            return;
        }
        match typed_ops(&raw) {
            Ok(ops) => entries.push(JournalEntry {
                seq: raw.seq,
                prev: raw.prev,
                ts: raw.ts,
                ops,
                hash: raw.hash,
                sig: raw.sig,
            }),
            Err(r) => typed_error = Some(damaged(raw.seq, r)),
        }
    };
    let mut prev = GENESIS_HASH.to_string();
    let mut lines = 0u64;
    if complete_len > 0 {
        for (i, text) in bytes[..complete_len - 1].split(|b| *b == b'\n').enumerate() {
            let line = i as u64 + 1;
            let raw = check_line(text, line, &prev).map_err(|r| damaged(line, r))?;
            prev.clone_from(&raw.hash);
            lines = line;
            take(raw);
        }
    }
    // A last line that verifies but lacks its newline is a commit: keep it (dropping it would
    // trust the shorter side; it may have been acknowledged).
    let mut torn = torn;
    let mut unterminated = false;
    if !torn.is_empty() {
        if let Ok(raw) = check_line(&torn, lines + 1, &prev) {
            take(raw);
            torn.clear();
            unterminated = true;
        }
    }
    if let Some(e) = schema_error.or(typed_error) {
        return Err(e);
    }
    Ok(JournalScan {
        entries,
        complete_len: complete_len as u64,
        torn,
        unterminated,
    })
}

/// Verifies a journal file read-only (for `panel audit verify`): every complete line parses,
/// seq increases by one, each `prev` matches the previous hash and each hash verifies.
pub fn verify_journal(path: &Path) -> Result<JournalSummary, StoreError> {
    if !path.exists() {
        return Err(StoreError::Io {
            action: "cannot read journal",
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let scan = scan_journal(path)?;
    Ok(JournalSummary {
        lines: scan.entries.len() as u64,
        head_hash: scan
            .entries
            .last()
            .map_or_else(|| GENESIS_HASH.to_string(), |e| e.hash.clone()),
        first_ts: scan.entries.first().map(|e| e.ts.clone()),
        last_ts: scan.entries.last().map(|e| e.ts.clone()),
        torn_tail_bytes: scan.torn.len() as u64,
    })
}

/// The journal's first line, when it is complete and verifies as line 1 (else `None`: the
/// full scan under the lock reports what is wrong). Read alone, without the lock: a line
/// once written never changes.
fn first_entry(path: &Path) -> Option<JournalEntry> {
    use std::io::BufRead;
    let file = File::open(path).ok()?;
    let mut text = Vec::new();
    std::io::BufReader::new(file.take(64 << 20))
        .read_until(b'\n', &mut text)
        .ok()?;
    if text.pop() != Some(b'\n') {
        return None;
    }
    let raw = check_line(&text, 1, GENESIS_HASH).ok()?;
    let ops = typed_ops(&raw).ok()?;
    Some(JournalEntry {
        seq: raw.seq,
        prev: raw.prev,
        ts: raw.ts,
        ops,
        hash: raw.hash,
        sig: raw.sig,
    })
}

/// Where a journal's lines stop carrying signatures partway: the first unsigned line after
/// a signed one, with the last signed line before it (both 1-based). A database is signed on
/// every line from its creation when its owner has a key, and on none when not, so such a
/// gap is a journal rewritten from that line on with the signatures that could not be
/// forged dropped. A journal unsigned throughout, or unsigned lines before the first signed
/// one, are not a gap.
pub fn signature_gap(entries: &[JournalEntry]) -> Option<(u64, u64)> {
    let mut signed = None;
    for e in entries {
        match (&e.sig, signed) {
            (Some(_), _) => signed = Some(e.seq),
            (None, Some(s)) => return Some((e.seq, s)),
            (None, None) => {}
        }
    }
    None
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("cannot sync directory", dir))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `<dir>/<stem>-<unix_ts>`, with `-2`, `-3`, … appended if taken.
fn aside_path(dir: &Path, stem: &str) -> PathBuf {
    let ts = unix_now();
    let mut p = dir.join(format!("{stem}-{ts}"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("{stem}-{ts}-{n}"));
        n += 1;
    }
    p
}

fn now_ts() -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&fmt)
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_string())
}

// ---------------------------------------------------------------------------------------------
// sled opening under catch_unwind
// ---------------------------------------------------------------------------------------------

thread_local! {
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that stays silent for panics on a thread that is inside
/// [`quietly`], and otherwise delegates to the previous hook.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into `Err(message)`.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    let was = QUIET_PANICS.with(|q| q.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(was));
    r.map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_string()
        }
    })
}

struct Sled {
    db: sled::Db,
    trees: Vec<sled::Tree>,
}

enum SledFailure {
    /// sled's own file lock is held (a previous handle in this process is still closing).
    Locked(String),
    /// Damaged or inconsistent: move aside and rebuild.
    Broken(String),
    /// Written by an earlier version of panel in another layout: move aside and rebuild.
    Outdated(String),
    /// Not repairable automatically.
    Fatal(StoreError),
}

fn open_sled(dir: &Path) -> Result<Sled, SledFailure> {
    // sled's page cache defaults to 1 GiB; the index is rebuilt from the journal anyway, so
    // a small cache bounds the memory of large imports and merges.
    let db = sled::Config::new()
        .path(dir)
        .cache_capacity(SLED_CACHE_BYTES)
        .open()
        .map_err(|e| {
            let text = e.to_string();
            if text.contains("could not acquire lock") {
                SledFailure::Locked(text)
            } else {
                SledFailure::Broken(format!("sled could not open it: {text}"))
            }
        })?;
    let mut trees = Vec::with_capacity(keys::TREES.len());
    for name in keys::TREES {
        trees.push(
            db.open_tree(name)
                .map_err(|e| SledFailure::Broken(format!("cannot open tree {name}: {e}")))?,
        );
    }
    Ok(Sled { db, trees })
}

/// Compares one sled tree with its expected content; returns a description of the first few
/// differences, or None when equal.
fn diff_tree(
    tree: &sled::Tree,
    name: &str,
    expected: &BTreeMap<Vec<u8>, Vec<u8>>,
) -> Result<Option<String>, String> {
    let (mut missing, mut extra, mut differing, mut bad) = (0u64, 0u64, 0u64, 0u64);
    let mut seen = 0usize;
    for item in tree.iter() {
        let (k, v) = item.map_err(|e| format!("cannot read tree {name}: {e}"))?;
        if verify_value(&k, &v).is_err() {
            bad += 1;
        }
        match expected.get(k.as_ref()) {
            None => extra += 1,
            Some(want) => {
                seen += 1;
                if want.as_slice() != v.as_ref() {
                    differing += 1;
                }
            }
        }
    }
    missing += (expected.len() - seen) as u64;
    if missing + extra + differing + bad == 0 {
        Ok(None)
    } else {
        Ok(Some(format!(
            "tree {name}: {missing} missing, {extra} unexpected, {differing} differing, \
             {bad} failing their digest"
        )))
    }
}

fn read_meta_u64(sled: &Sled, key: &str) -> Result<Option<(u64, String)>, String> {
    let k = keys::meta(key);
    let Some(v) = sled.trees[TreeId::Meta as usize]
        .get(&k)
        .map_err(|e| format!("cannot read meta/{key}: {e}"))?
    else {
        return Ok(None);
    };
    let rec: MetaRecord = decode_value(&k, &v).map_err(|e| format!("meta/{key}: {e}"))?;
    let n = rec
        .value
        .parse::<u64>()
        .map_err(|_| format!("meta/{key} is not a number"))?;
    Ok(Some((n, rec.value)))
}

/// `meta/journal_seq` and `meta/journal_head` of a sled index (digest-checked).
fn read_sled_head(sled: &Sled) -> Result<(u64, Option<String>), String> {
    let applied = read_meta_u64(sled, "journal_seq")?.map_or(0, |(k, _)| k);
    let k = keys::meta("journal_head");
    let head = match sled.trees[TreeId::Meta as usize]
        .get(&k)
        .map_err(|e| format!("cannot read meta/journal_head: {e}"))?
    {
        None => None,
        Some(v) => Some(
            decode_value::<MetaRecord>(&k, &v)
                .map_err(|e| format!("meta/journal_head: {e}"))?
                .value,
        ),
    };
    if applied > 0 && head.is_none() {
        return Err(format!(
            "meta/journal_seq is {applied} but meta/journal_head is missing"
        ));
    }
    Ok((applied, head))
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(16)]
}

/// Whether an index that has applied `applied` commits with head `head` contradicts the
/// journal `entries`: it has applied more than the journal holds, or its head is not the
/// journal's hash at that commit. `None` when they agree (the index may be behind).
fn disagreement(entries: &[JournalEntry], applied: u64, head: Option<&str>) -> Option<String> {
    let n = entries.len() as u64;
    let journal_head = entries.last().map_or(GENESIS_HASH, |e| e.hash.as_str());
    if applied > n {
        return Some(format!(
            "the index has applied {applied} commits (head {}) but the journal holds only {n} \
             complete commits (head {}): commits {}–{applied} were applied, so acknowledged, \
             and are missing from the journal (cut short, or replaced by an older or rewritten \
             copy)",
            short(head.unwrap_or("?")),
            short(journal_head),
            n + 1
        ));
    }
    if applied == 0 {
        return None;
    }
    let at = &entries[applied as usize - 1].hash;
    match head {
        Some(h) if h == at => None,
        h => Some(format!(
            "the index records commit {applied} with hash {}, but line {applied} of the journal \
             has hash {}: the journal (or the index) was rewritten",
            h.unwrap_or("(none)"),
            at
        )),
    }
}

fn apply_in_transaction(sled: &Sled, effects: &[Effect]) -> Result<(), String> {
    let r: sled::transaction::TransactionResult<(), ()> = sled.trees[..].transaction(|tx| {
        for e in effects {
            let t = &tx[e.tree as usize];
            match &e.value {
                Some(v) => {
                    t.insert(e.key.as_slice(), v.as_slice())?;
                }
                None => {
                    t.remove(e.key.as_slice())?;
                }
            }
        }
        Ok::<(), ConflictableTransactionError<()>>(())
    });
    r.map_err(|e| format!("sled transaction failed: {e:?}"))
}

/// Opens an existing sled index and brings it in line with the journal.
/// Returns the open index and a note when it had to catch up. A disagreement between the
/// index's recorded head and the journal is fatal unless `accept_journal` (explicit repair),
/// which treats it as damage.
fn open_and_check(
    db_path: &Path,
    dir: &Path,
    entries: &[JournalEntry],
    accept_journal: bool,
) -> Result<(Sled, Option<String>), SledFailure> {
    let sled = open_sled(dir)?;
    let n = entries.len() as u64;
    let (applied, head) = read_sled_head(&sled).map_err(SledFailure::Broken)?;
    if applied > 0 && n == 0 {
        return Err(SledFailure::Fatal(StoreError::JournalMissing {
            path: db_path.to_path_buf(),
            sled_commits: applied,
        }));
    }
    if let Some(detail) = disagreement(entries, applied, head.as_deref()) {
        return Err(if accept_journal {
            SledFailure::Broken(format!("it disagrees with the journal: {detail}"))
        } else {
            SledFailure::Fatal(StoreError::Disagree {
                path: db_path.to_path_buf(),
                detail,
            })
        });
    }
    if n == 0 {
        // A new database: the index must be empty too.
        if let Some(t) = sled.trees.iter().find(|t| !t.is_empty()) {
            return Err(SledFailure::Fatal(StoreError::JournalMissing {
                path: db_path.to_path_buf(),
                sled_commits: t.len() as u64,
            }));
        }
    }
    // Earlier versions of panel kept one `scores` record per item (`expert \0 app \0 item`);
    // it is now one per expert and application. Such an index is rebuilt, never read.
    if let Some((key, _)) = sled.trees[TreeId::Scores as usize]
        .first()
        .map_err(|e| SledFailure::Broken(format!("cannot read tree scores: {e}")))?
    {
        if keys::split(&key, 3).is_some() {
            return Err(SledFailure::Outdated(
                "one record per scored item".to_string(),
            ));
        }
    }
    let mut replay = Replay::default();
    for e in &entries[..applied as usize] {
        replay.apply(e).map_err(SledFailure::Broken)?;
    }
    let mut diffs = Vec::new();
    for (i, name) in keys::TREES.iter().enumerate() {
        if let Some(d) =
            diff_tree(&sled.trees[i], name, &replay.trees[i]).map_err(SledFailure::Broken)?
        {
            diffs.push(d);
        }
    }
    if !diffs.is_empty() {
        return Err(SledFailure::Broken(format!(
            "its content differs from the journal at commit {applied}: {}",
            diffs.join("; ")
        )));
    }
    if applied == n {
        return Ok((sled, None));
    }
    // The missing commits apply in one transaction; each sees the score records as the
    // earlier ones left them.
    let mut effects: Vec<Effect> = Vec::new();
    let mut pending: HashMap<Vec<u8>, Option<Vec<u8>>> = HashMap::new();
    let scores = &sled.trees[TreeId::Scores as usize];
    for e in &entries[applied as usize..] {
        let before = |key: &[u8]| match pending.get(key) {
            Some(v) => Ok(v.clone()),
            None => scores
                .get(key)
                .map(|v| v.map(|v| v.to_vec()))
                .map_err(|e| format!("cannot read tree scores: {e}")),
        };
        let new = effects_of(e, &before).map_err(SledFailure::Broken)?;
        for eff in &new {
            if eff.tree == TreeId::Scores {
                pending.insert(eff.key.clone(), eff.value.clone());
            }
        }
        effects.extend(new);
    }
    apply_in_transaction(&sled, &effects).map_err(SledFailure::Broken)?;
    sled.db
        .flush()
        .map_err(|e| SledFailure::Broken(format!("flush failed: {e}")))?;
    Ok((
        sled,
        Some(format!(
            "sled index {} was behind the journal (commit {applied} of {n}): applied the {} \
             missing commit(s) from the journal (expected after a crash or kill)",
            dir.display(),
            n - applied
        )),
    ))
}

/// Builds a fresh sled index in `dir` (which must not exist) from the full journal.
fn rebuild(dir: &Path, entries: &[JournalEntry]) -> Result<Sled, String> {
    let sled = match open_sled(dir) {
        Ok(s) => s,
        Err(SledFailure::Broken(r) | SledFailure::Locked(r) | SledFailure::Outdated(r)) => {
            return Err(r)
        }
        Err(SledFailure::Fatal(e)) => return Err(e.to_string()),
    };
    let mut replay = Replay::default();
    for e in entries {
        replay.apply(e)?;
    }
    // Meta last, so that an interrupted rebuild never claims to be complete.
    for i in [1usize, 2, 3, 4, 0] {
        let mut batch = sled::Batch::default();
        for (k, v) in &replay.trees[i] {
            batch.insert(k.as_slice(), v.as_slice());
        }
        sled.trees[i]
            .apply_batch(batch)
            .map_err(|e| format!("cannot write tree {}: {e}", keys::TREES[i]))?;
    }
    sled.db.flush().map_err(|e| format!("flush failed: {e}"))?;
    for (i, name) in keys::TREES.iter().enumerate() {
        if let Some(d) = diff_tree(&sled.trees[i], name, &replay.trees[i])? {
            return Err(format!("rebuilt index does not read back: {d}"));
        }
    }
    Ok(sled)
}

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

/// An open database. Holds the lock until dropped.
pub struct Store {
    // Field order is drop order: sled and the journal close before the lock is released.
    index: Index,
    /// `None` for a read-only snapshot ([`Store::open_read_only`]): commits are refused.
    journal: Option<File>,
    journal_len: u64,
    seq: u64,
    head: String,
    path: PathBuf,
    journal_path: PathBuf,
    fault: Mutex<Option<String>>,
    /// Signs every commit's hash when the owner has a key.
    signer: Option<Signer>,
    /// A read-only snapshot's commits as verified at open: their hashes and signatures.
    seals: Option<Vec<Seal>>,
    /// This open created the database (journal and index; the directory and the lock file
    /// when they are marked): [`Store::discard_new`] may remove it again.
    created: Option<Created>,
    /// The journal's last line is signed: a commit without a signer is refused
    /// ([`StoreError::NoSigner`]), so an unsigned line never follows a signed one.
    signed_head: bool,
    /// `None` for a read-only snapshot, which never takes the lock.
    _lock: Option<File>,
}

/// What existed of a database directory before a writer opened it.
struct Existed {
    dir: bool,
    lock: bool,
    journal: bool,
    sled: bool,
}

/// What an open that created a database created besides its journal and sled index.
#[derive(Debug, Clone, Copy)]
struct Created {
    dir: bool,
    lock: bool,
}

/// A stored key and value.
type KeyValue = (Vec<u8>, Vec<u8>);

/// Where queries read from: the sled index of a writer, or the in-memory replay of a
/// read-only snapshot (the same bytes sled would hold).
enum Index {
    Sled(Sled),
    Memory(Box<Replay>),
}

impl Index {
    fn get(&self, tree: TreeId, key: &[u8]) -> Result<Option<Vec<u8>>, String> {
        match self {
            Index::Sled(s) => s.trees[tree as usize]
                .get(key)
                .map(|v| v.map(|v| v.to_vec()))
                .map_err(|e| e.to_string()),
            Index::Memory(r) => Ok(r.trees[tree as usize].get(key).cloned()),
        }
    }

    fn scan_prefix(&self, tree: TreeId, prefix: &[u8]) -> Vec<Result<KeyValue, String>> {
        match self {
            Index::Sled(s) => s.trees[tree as usize]
                .scan_prefix(prefix)
                .map(|r| {
                    r.map(|(k, v)| (k.to_vec(), v.to_vec()))
                        .map_err(|e| e.to_string())
                })
                .collect(),
            Index::Memory(r) => r.trees[tree as usize]
                .range(prefix.to_vec()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| Ok((k.clone(), v.clone())))
                .collect(),
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("seq", &self.seq)
            .field("head", &self.head)
            .finish_non_exhaustive()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Not the durability point (the journal is); this only saves replay work.
        if let Index::Sled(sled) = &self.index {
            let _ = quietly(|| sled.db.flush());
        }
    }
}

fn take_lock(db: &Path) -> Result<File, StoreError> {
    let lock_path = db.join(LOCK_FILE);
    let mut lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(io_err("cannot open lock file", &lock_path))?;
    // A lock that this very process took (the file names our pid) may still be held for a
    // moment after its store closed: a child process spawned by another thread in between
    // holds copies of our descriptors until it execs. Such a lock is retried briefly; any
    // other holder is refused at once.
    let own = format!("pid {}", std::process::id());
    let deadline = Instant::now() + Duration::from_millis(500);
    let locked = loop {
        match lock.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                let mut holder = String::new();
                let _ = (&lock).seek(std::io::SeekFrom::Start(0));
                let _ = lock.read_to_string(&mut holder);
                if holder.trim() != own {
                    break Err(std::fs::TryLockError::WouldBlock);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            r => break r,
        }
    };
    let _ = (&lock).seek(std::io::SeekFrom::Start(0));
    match locked {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = lock.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() {
                String::new()
            } else if holder == own {
                format!(" ({holder}: this very process holds another handle to it)")
            } else {
                format!(" ({holder})")
            };
            return Err(StoreError::Locked {
                path: db.to_path_buf(),
                holder,
            });
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(io_err("cannot lock", &lock_path)(e));
        }
    }
    // Diagnostics for whoever finds it locked; failures here do not matter.
    let _ = lock.set_len(0);
    let _ = lock.write_all(format!("pid {}", std::process::id()).as_bytes());
    Ok(lock)
}

/// Checks a non-ASCII-control-free id used as a key component.
fn check_component(what: &str, s: &str, allow_empty: bool) -> Result<(), String> {
    if !allow_empty && s.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if s.as_bytes().contains(&keys::SEP) {
        return Err(format!("{what} {s:?} contains a NUL character"));
    }
    Ok(())
}

fn validate_op(op: &Op) -> Result<(), String> {
    match op {
        Op::SetScore {
            expert, app, item, ..
        }
        | Op::ClearScore { expert, app, item } => {
            check_component("expert id", expert, false)?;
            check_component("application id", app, false)?;
            check_component("item id", item, false)
        }
        Op::SetComment {
            expert, app, item, ..
        } => {
            check_component("expert id", expert, false)?;
            check_component("application id", app, false)?;
            check_component("item id", item, true)
        }
        Op::SetStatus { expert, app, .. } => {
            check_component("expert id", expert, false)?;
            check_component("application id", app, false)
        }
        Op::Meta { key, .. } => {
            check_component("meta key", key, false)?;
            if RESERVED_META_KEYS.contains(&key.as_str()) {
                return Err(format!(
                    "meta key {key:?} is maintained by the store and cannot be set"
                ));
            }
            Ok(())
        }
        Op::Audit { kind, .. } => check_component("audit kind", kind, false),
    }
}

/// Refuses a database of another panel or rubric. Another role is refused to a writer
/// (`write`: nothing may be written into a database another role owns) and only a warning
/// to a reader.
fn check_identity(
    db: &Path,
    entries: &[JournalEntry],
    expect: &StoreIdentity,
    write: bool,
    report: &mut OpenReport,
) -> Result<(), StoreError> {
    let Some(first) = entries.first() else {
        return Ok(());
    };
    let meta = |k: &str| {
        first.ops.iter().rev().find_map(|op| match op {
            Op::Meta { key, value } if key == k => Some(value.clone()),
            _ => None,
        })
    };
    let panel = meta("panel_id").unwrap_or_default();
    let rubric = meta("rubric_sha256").unwrap_or_default();
    if panel != expect.panel_id || rubric != expect.rubric_sha256 {
        return Err(StoreError::Foreign {
            path: db.to_path_buf(),
            found: format!("panel {panel:?} with rubric sha256 {rubric}"),
            expected: format!(
                "panel {:?} with rubric sha256 {}",
                expect.panel_id, expect.rubric_sha256
            ),
        });
    }
    let role = meta("role").unwrap_or_default();
    let Ok(found) = role.parse::<crate::role::Role>() else {
        return Err(StoreError::Foreign {
            path: db.to_path_buf(),
            found: format!("role {role:?} (neither \"chair\" nor \"expert:<id>\")"),
            expected: format!("role \"{}\"", expect.role),
        });
    };
    if found != expect.role && write {
        return Err(StoreError::WrongOwner {
            path: db.to_path_buf(),
            owner: found,
            opener: expect.role.clone(),
        });
    }
    if found != expect.role {
        report.warnings.push(format!(
            "database {} belongs to role {role:?}, not {:?}: what it holds is shown, read \
             only; to see {}'s own database, give its path with --db",
            db.display(),
            expect.role.to_string(),
            expect.role
        ));
    }
    Ok(())
}

/// What a sled index says it has applied, read from a private copy (never the original).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SledEvidence {
    /// No `<db>/sled` directory.
    Absent,
    /// The copy could not be opened or read (damaged, or copied in the middle of a write).
    Unreadable(String),
    /// The index has applied `seq` commits, the last with hash `head`.
    Applied { seq: u64, head: Option<String> },
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let ty = entry.file_type()?;
        let target = to.join(entry.file_name());
        if ty.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Reads the applied commit count and head of `<db>/sled` from a copy in a temporary
/// directory: opening sled writes to its directory, and a writer may hold it.
pub fn sled_evidence(db: &Path) -> SledEvidence {
    let dir = db.join(SLED_DIR);
    if !dir.is_dir() {
        return SledEvidence::Absent;
    }
    let tmp = match tempfile::Builder::new()
        .prefix("panel-sled-copy-")
        .tempdir()
    {
        Ok(t) => t,
        Err(e) => return SledEvidence::Unreadable(format!("cannot make a temporary copy: {e}")),
    };
    let copy = tmp.path().join(SLED_DIR);
    if let Err(e) = copy_dir(&dir, &copy) {
        return SledEvidence::Unreadable(format!("cannot copy it: {e}"));
    }
    let read = quietly(|| match open_sled(&copy) {
        Ok(sled) => read_sled_head(&sled),
        Err(SledFailure::Broken(r) | SledFailure::Locked(r) | SledFailure::Outdated(r)) => Err(r),
        Err(SledFailure::Fatal(e)) => Err(e.to_string()),
    });
    match read {
        Ok(Ok((seq, head))) => SledEvidence::Applied { seq, head },
        Ok(Err(r)) => SledEvidence::Unreadable(r),
        Err(panic) => SledEvidence::Unreadable(format!("sled panicked reading it: {panic}")),
    }
}

/// A database examined without changing a byte: the journal's complete verified lines, its
/// torn tail, and what the sled index says (see [`sled_evidence`]).
#[derive(Debug)]
pub struct Inspection {
    pub path: PathBuf,
    pub journal_path: PathBuf,
    pub entries: Vec<JournalEntry>,
    /// Length of the journal up to and including its last newline.
    pub complete_len: u64,
    /// Bytes after the last newline that do not form a verified line.
    pub torn: Vec<u8>,
    /// The last line verifies as a commit but lacks its newline; it is the last of
    /// `entries` (kept: it may have been acknowledged).
    pub unterminated: bool,
    pub sled: SledEvidence,
}

/// Examines the database directory `db` read-only. The sled evidence is taken before the
/// journal is read, so a writer appending meanwhile never makes the index look ahead.
pub fn inspect(db: &Path) -> Result<Inspection, StoreError> {
    if !db.is_dir() {
        return Err(StoreError::Io {
            action: "cannot read database directory",
            path: db.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
        });
    }
    let sled = sled_evidence(db);
    let journal_path = db.join(JOURNAL_FILE);
    let scan = scan_journal(&journal_path)?;
    Ok(Inspection {
        path: db.to_path_buf(),
        journal_path,
        entries: scan.entries,
        complete_len: scan.complete_len,
        torn: scan.torn,
        unterminated: scan.unterminated,
        sled,
    })
}

impl Inspection {
    /// Hash of the last complete line (the genesis hash for an empty journal).
    pub fn head(&self) -> &str {
        self.entries
            .last()
            .map_or(GENESIS_HASH, |e| e.hash.as_str())
    }

    /// The disagreement between the sled index and the journal, if any.
    pub fn disagreement(&self) -> Option<String> {
        match &self.sled {
            SledEvidence::Applied { seq, head } => {
                disagreement(&self.entries, *seq, head.as_deref())
            }
            _ => None,
        }
    }

    /// Why a reader must refuse this database: the index has applied commits of an empty
    /// journal, or disagrees with it.
    pub fn refusal(&self) -> Option<StoreError> {
        if let SledEvidence::Applied { seq, .. } = &self.sled {
            if *seq > 0 && self.entries.is_empty() {
                return Some(StoreError::JournalMissing {
                    path: self.path.clone(),
                    sled_commits: *seq,
                });
            }
        }
        self.disagreement().map(|detail| StoreError::Disagree {
            path: self.path.clone(),
            detail,
        })
    }

    /// Findings a reader shows (a torn tail, an unreadable index), none of them a refusal.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let n = self.entries.len();
        if self.unterminated {
            out.push(format!(
                "journal {}: its last line, commit {n}, is complete and verifies but lacks its \
                 line end (an interrupted write, or a journal cut short); it is read as a \
                 commit. Left as it is (the next open for changes adds the line end).",
                self.journal_path.display()
            ));
        }
        if !self.torn.is_empty() {
            let what = "an incomplete line";
            let evidence = match &self.sled {
                SledEvidence::Applied { seq, .. } if *seq == n as u64 => format!(
                    "the sled index has applied exactly the {n} complete commits, so no \
                     applied commit is missing"
                ),
                _ => "no readable sled index tells whether it was acknowledged; compare \
                      with a head printed earlier (`panel audit verify <DB> --head <HASH>`)"
                    .to_string(),
            };
            out.push(format!(
                "journal {} ends with {} byte(s) after its last complete line ({what}): an \
                 append interrupted before its acknowledgement, or a journal cut short. Read \
                 as its {n} complete commits; {evidence}. Left as it is (the next `panel \
                 score`/`chair`/`merge` or `panel audit repair` moves the bytes aside).",
                self.journal_path.display(),
                self.torn.len()
            ));
        }
        if let SledEvidence::Unreadable(r) = &self.sled {
            out.push(format!(
                "the sled index {} could not be read for comparison ({r}); read from the \
                 journal, which verifies",
                self.path.join(SLED_DIR).display()
            ));
        }
        out
    }
}

impl Store {
    /// Opens (or creates) the database directory `db` for changes. See the module docs and
    /// `docs/store.md` for the algorithm. Never waits for a lock. Accidents (a torn last
    /// append, a damaged or lagging sled index) are repaired and reported; a disagreement
    /// between the index and the journal (tampering or loss) is refused with
    /// [`StoreError::Disagree`].
    pub fn open(db: &Path, expect: &StoreIdentity) -> Result<(Store, OpenReport), StoreError> {
        Self::open_writer(db, Some(expect), false, None)
    }

    /// [`Store::open`] for an owner with a key: every commit line (the first one included)
    /// carries `signer`'s signature over its hash, checked by `panel audit verify --panel`
    /// and `panel results`.
    pub fn open_signed(
        db: &Path,
        expect: &StoreIdentity,
        signer: Option<Signer>,
    ) -> Result<(Store, OpenReport), StoreError> {
        Self::open_writer(db, Some(expect), false, signer)
    }

    /// `panel audit repair`: takes the lock and repairs what [`Store::open`] repairs, and
    /// also a disagreement, by accepting the journal as it is (the disagreeing index is
    /// moved aside and kept). Every move is reported with its source and destination.
    pub fn repair(db: &Path) -> Result<OpenReport, StoreError> {
        if !db.join(JOURNAL_FILE).is_file() {
            return Err(StoreError::Io {
                action: "cannot repair: no journal in",
                path: db.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no journal.jsonl"),
            });
        }
        let (_store, report) = Self::open_writer(db, None, true, None)?;
        Ok(report)
    }

    /// Opens a consistent read-only snapshot of the database `db`: the journal up to its
    /// last complete, verified line, replayed in memory. Takes no lock (works while a
    /// screen has the database open), creates, moves and changes nothing, even on a damaged
    /// database. The sled index is read from a private copy only as evidence: if it
    /// disagrees with the journal the open fails with [`StoreError::Disagree`]. A torn last
    /// line or an unreadable index is reported in `OpenReport.warnings`.
    pub fn open_read_only(
        db: &Path,
        expect: &StoreIdentity,
    ) -> Result<(Store, OpenReport), StoreError> {
        let mut report = OpenReport::default();
        let ins = inspect(db)?;
        if let Some(e) = ins.refusal() {
            return Err(e);
        }
        check_identity(db, &ins.entries, expect, false, &mut report)?;
        report.warnings.extend(ins.notes());
        let mut replay = Replay::default();
        for e in &ins.entries {
            replay
                .apply(e)
                .map_err(|reason| StoreError::JournalDamaged {
                    path: ins.journal_path.clone(),
                    line: e.seq,
                    reason,
                })?;
        }
        report.journal_commits = ins.entries.len() as u64;
        let store = Store {
            index: Index::Memory(Box::new(replay)),
            journal: None,
            journal_len: ins.complete_len,
            seq: ins.entries.len() as u64,
            head: ins.head().to_string(),
            path: db.to_path_buf(),
            journal_path: ins.journal_path,
            fault: Mutex::new(None),
            signer: None,
            seals: Some(ins.entries.iter().map(Seal::of).collect()),
            created: None,
            signed_head: false,
            _lock: None,
        };
        Ok((store, report))
    }

    fn open_writer(
        db: &Path,
        expect: Option<&StoreIdentity>,
        accept_journal: bool,
        signer: Option<Signer>,
    ) -> Result<(Store, OpenReport), StoreError> {
        let mut report = OpenReport::default();
        // A database of another panel, rubric or owner is refused before anything is written,
        // not even the lock file: judged by its first journal line, which never changes.
        if let Some(expect) = expect {
            if let Some(first) = first_entry(&db.join(JOURNAL_FILE)) {
                check_identity(db, &[first], expect, true, &mut OpenReport::default())?;
            }
        }
        // What existed before this open: only what it creates may be removed again
        // (`Store::discard_new`).
        let before = Existed {
            dir: db.exists(),
            lock: db.join(LOCK_FILE).exists(),
            journal: db.join(JOURNAL_FILE).exists(),
            sled: db.join(SLED_DIR).exists(),
        };
        if !db.exists() {
            std::fs::create_dir_all(db).map_err(io_err("cannot create database directory", db))?;
            if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
                let _ = sync_dir(parent);
            }
        }
        // 1. Our lock, first.
        let lock = take_lock(db)?;

        // 2. The journal.
        let journal_path = db.join(JOURNAL_FILE);
        let scan = scan_journal(&journal_path)?;
        let JournalScan {
            entries,
            complete_len,
            torn,
            unterminated,
        } = scan;

        // Identity.
        if let Some(expect) = expect {
            check_identity(db, &entries, expect, true, &mut report)?;
        }
        // A journal whose lines stop carrying signatures partway was rewritten: nothing is
        // written into it, and the explicit repair never rebuilds an index from it.
        if let Some((line, signed)) = signature_gap(&entries) {
            return Err(StoreError::SignatureGap {
                path: db.to_path_buf(),
                line,
                signed,
            });
        }

        // 3 + 4. sled, checked against the journal.
        let sled_dir = db.join(SLED_DIR);
        let sled_existed = sled_dir.exists();
        let deadline = Instant::now() + Duration::from_secs(2);
        let sled = loop {
            let attempt = quietly(|| open_and_check(db, &sled_dir, &entries, accept_journal));
            let (stem, broken) = match attempt {
                Ok(Ok((sled, note))) => {
                    if let Some(note) = note {
                        if sled_existed {
                            report.repaired.push(note);
                        } else if !entries.is_empty() {
                            report.repaired.push(format!(
                                "sled index {} was missing; rebuilt it from the journal ({} \
                                 commits)",
                                sled_dir.display(),
                                entries.len()
                            ));
                        }
                    }
                    break sled;
                }
                Ok(Err(SledFailure::Fatal(e))) => return Err(e),
                Ok(Err(SledFailure::Locked(text))) => {
                    if Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                    return Err(StoreError::Locked {
                        path: db.to_path_buf(),
                        holder: format!(" (sled: {text})"),
                    });
                }
                Ok(Err(SledFailure::Broken(reason))) => {
                    ("sled.damaged", format!("was damaged ({reason})"))
                }
                Ok(Err(SledFailure::Outdated(reason))) => (
                    "sled.old",
                    format!("was written by an earlier version of panel ({reason})"),
                ),
                Err(panic) => (
                    "sled.damaged",
                    format!("was damaged (sled panicked while opening or reading it: {panic})"),
                ),
            };
            let aside = aside_path(db, stem);
            std::fs::rename(&sled_dir, &aside)
                .map_err(io_err("cannot move the sled index aside", &sled_dir))?;
            sync_dir(db)?;
            let sled = match quietly(|| rebuild(&sled_dir, &entries)) {
                Ok(Ok(s)) => s,
                Ok(Err(reason)) => {
                    return Err(StoreError::Sled {
                        path: sled_dir,
                        reason,
                    })
                }
                Err(panic) => {
                    return Err(StoreError::Sled {
                        path: sled_dir,
                        reason: format!("sled panicked while rebuilding: {panic}"),
                    })
                }
            };
            report.repaired.push(format!(
                "sled index {} {broken}; moved it to {} and rebuilt it from the journal ({} \
                 commits)",
                sled_dir.display(),
                aside.display(),
                entries.len()
            ));
            break sled;
        };

        // The journal's tail, only now that the index has not been refused: a torn
        // append is moved aside, a verified line lacking its newline completed.
        if !torn.is_empty() {
            let torn_path = aside_path(db, "journal.torn");
            let kept = crate::atomic_file::Options {
                access: crate::atomic_file::Access::Everyone,
                special: crate::atomic_file::Special::Refuse,
            };
            crate::atomic_file::store(&torn_path, &torn, kept).map_err(|e| {
                io_err("cannot save the torn journal tail to", &torn_path)(e.source)
            })?;
            let f = OpenOptions::new()
                .write(true)
                .open(&journal_path)
                .map_err(io_err("cannot open journal", &journal_path))?;
            f.set_len(complete_len)
                .and_then(|_| f.sync_all())
                .map_err(io_err(
                    "cannot truncate the torn tail of journal",
                    &journal_path,
                ))?;
            report.warnings.push(format!(
                "journal {} ended with an incomplete line ({} bytes) from an interrupted write; \
                 moved those bytes to {} and cut the journal back to its {} complete commits",
                journal_path.display(),
                torn.len(),
                torn_path.display(),
                entries.len()
            ));
        }
        if unterminated {
            let mut f = OpenOptions::new()
                .append(true)
                .open(&journal_path)
                .map_err(io_err("cannot open journal", &journal_path))?;
            f.write_all(b"\n")
                .and_then(|_| f.sync_all())
                .map_err(io_err(
                    "cannot complete the last line of journal",
                    &journal_path,
                ))?;
            report.warnings.push(format!(
                "journal {} ended with commit {} complete and verified but without its line \
                 end (an interrupted write, or a cut journal); kept it and added the line end",
                journal_path.display(),
                entries.len()
            ));
        }
        // The journal, for appending.
        let existed = journal_path.exists();
        let journal = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&journal_path)
            .map_err(io_err("cannot open journal", &journal_path))?;
        if !existed {
            journal
                .sync_all()
                .map_err(io_err("cannot sync journal", &journal_path))?;
            sync_dir(db)?;
        }
        let journal_len = journal
            .metadata()
            .map_err(io_err("cannot read journal", &journal_path))?
            .len();

        let mut store = Store {
            index: Index::Sled(sled),
            journal: Some(journal),
            journal_len,
            seq: entries.len() as u64,
            head: entries
                .last()
                .map_or_else(|| GENESIS_HASH.to_string(), |e| e.hash.clone()),
            path: db.to_path_buf(),
            journal_path,
            fault: Mutex::new(None),
            signer,
            seals: None,
            created: None,
            signed_head: entries.last().is_some_and(|e| e.sig.is_some()),
            _lock: Some(lock),
        };
        drop(entries);

        // 5. A new database records its schema and identity in its first commit.
        if let (0, Some(expect)) = (store.seq, expect) {
            let ops = vec![
                Op::Meta {
                    key: "schema_version".into(),
                    value: SCHEMA_VERSION.to_string(),
                },
                Op::Meta {
                    key: "panel_id".into(),
                    value: expect.panel_id.clone(),
                },
                Op::Meta {
                    key: "rubric_sha256".into(),
                    value: expect.rubric_sha256.clone(),
                },
                Op::Meta {
                    key: "role".into(),
                    value: expect.role.to_string(),
                },
                Op::Meta {
                    key: "created_with".into(),
                    value: format!("panel {}", env!("CARGO_PKG_VERSION")),
                },
            ];
            store.commit_unchecked(ops)?;
            report.created = true;
            if !before.journal && !before.sled {
                store.created = Some(Created {
                    dir: !before.dir,
                    lock: !before.lock,
                });
            }
        }
        report.journal_commits = store.seq;
        Ok((store, report))
    }

    /// Appends one commit to the journal, makes it durable (`fdatasync`), then applies it to
    /// sled. `Ok` means the commit survives a crash or power loss; only then may the caller
    /// show "saved". On `Err` nothing was acknowledged.
    pub fn commit(&mut self, ops: Vec<Op>) -> Result<Receipt, StoreError> {
        if ops.is_empty() {
            return Err(StoreError::InvalidOp {
                path: self.path.clone(),
                index: 0,
                reason: "a commit needs at least one operation".into(),
            });
        }
        for (i, op) in ops.iter().enumerate() {
            validate_op(op).map_err(|reason| StoreError::InvalidOp {
                path: self.path.clone(),
                index: i + 1,
                reason,
            })?;
        }
        self.commit_unchecked(ops)
    }

    /// Undoes the creation of a new database when the command that created it is refused:
    /// if this open created the database (its journal and sled index did not exist) and
    /// nothing was committed after its creation commit, closes it and removes what the
    /// open created: the sled index, the journal, the lock file and the directory when the
    /// open made them. Nothing that existed before is touched. Returns whether the database
    /// was removed (`false`: it is kept, closed).
    pub fn discard_new(mut self) -> Result<bool, StoreError> {
        let Some(created) = self.created.take() else {
            return Ok(false);
        };
        if self.seq != 1 || self.journal.is_none() {
            return Ok(false);
        }
        // sled and the journal close before their files are removed; the lock is held until
        // the last of them is gone.
        drop(std::mem::replace(
            &mut self.index,
            Index::Memory(Box::default()),
        ));
        self.journal = None;
        let sled_dir = self.path.join(SLED_DIR);
        std::fs::remove_dir_all(&sled_dir)
            .map_err(io_err("cannot remove the new sled index", &sled_dir))?;
        std::fs::remove_file(&self.journal_path)
            .map_err(io_err("cannot remove the new journal", &self.journal_path))?;
        let lock_path = self.path.join(LOCK_FILE);
        if created.lock {
            std::fs::remove_file(&lock_path)
                .map_err(io_err("cannot remove the new lock file", &lock_path))?;
        }
        drop(self._lock.take());
        if created.dir {
            // `remove_dir` removes only an empty directory: anything another process put
            // there meanwhile stays.
            std::fs::remove_dir(&self.path).map_err(io_err(
                "cannot remove the new database directory",
                &self.path,
            ))?;
        }
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let _ = sync_dir(parent);
        }
        Ok(true)
    }

    fn set_fault(&self, reason: String) {
        if let Ok(mut f) = self.fault.lock() {
            if f.is_none() {
                *f = Some(reason);
            }
        }
    }

    /// A read or write problem seen since open; further commits are refused until reopen.
    pub fn fault(&self) -> Option<String> {
        self.fault.lock().ok().and_then(|f| f.clone())
    }

    fn commit_unchecked(&mut self, ops: Vec<Op>) -> Result<Receipt, StoreError> {
        if let Some(reason) = self.fault() {
            return Err(StoreError::NeedsReopen {
                path: self.path.clone(),
                reason,
            });
        }
        let invalid = |reason: String| StoreError::InvalidOp {
            path: self.path.clone(),
            index: 0,
            reason,
        };
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        if self.signed_head && self.signer.is_none() {
            return Err(StoreError::NoSigner {
                path: self.path.clone(),
                line: self.seq,
            });
        }
        let seq = self.seq + 1;
        let ts = now_ts();
        let (line, hash) =
            encode_line(seq, &self.head, &ts, &ops, self.signer.as_ref()).map_err(invalid)?;
        // Self-check: the line, parsed back, must give exactly the commit's operations and
        // fields, and sled gets the values derived from the parsed line (so replay reproduces
        // them byte for byte). That the line also verifies the generic way at the next open
        // (hash over the re-serialized JSON of the operations) holds because `encode_line`
        // writes exactly that serialization: `encode_line_is_the_generic_serialization` and
        // the proptest `committed_lines_verify_as_at_open` pin it.
        let entry: JournalEntry = serde_json::from_str(&line[..line.len() - 1]).map_err(|e| {
            invalid(format!(
                "the commit does not survive a JSON round trip ({e})"
            ))
        })?;
        if entry.seq != seq
            || entry.prev != self.head
            || entry.ts != ts
            || entry.hash != hash
            || entry.ops != ops
        {
            return Err(invalid(
                "the commit does not survive a JSON round trip; avoid non-integer numbers in \
                 audit details"
                    .to_string(),
            ));
        }
        drop(ops);
        let before = |key: &[u8]| self.index.get(TreeId::Scores, key);
        let effects = match effects_of(&entry, &before) {
            Ok(effects) => effects,
            Err(e) => {
                // The index cannot be read: nothing is written; a reopen checks and repairs it.
                let reason = format!("cannot prepare commit {seq} for the sled index: {e}");
                self.set_fault(reason.clone());
                return Err(StoreError::NeedsReopen {
                    path: self.path.clone(),
                    reason,
                });
            }
        };

        // Durability point: the complete line, fdatasync'ed.
        let (Some(journal), Index::Sled(sled)) = (self.journal.as_mut(), &self.index) else {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        };
        if let Err(e) = journal.write_all(line.as_bytes()) {
            if journal.set_len(self.journal_len).is_err() {
                self.set_fault(format!("a failed append left the journal unrepaired ({e})"));
            }
            return Err(io_err("cannot append to journal", &self.journal_path)(e));
        }
        if let Err(e) = journal.sync_data() {
            self.set_fault(format!("fdatasync of the journal failed ({e})"));
            return Err(io_err("cannot sync journal", &self.journal_path)(e));
        }
        self.journal_len += line.len() as u64;
        self.seq = seq;
        self.head = hash.clone();
        self.signed_head = entry.sig.is_some();

        // The index. Failure here loses nothing (the journal has the commit), but queries
        // would be stale, so the store refuses further commits until reopened.
        match quietly(|| apply_in_transaction(sled, &effects)) {
            Ok(Ok(())) => {}
            Ok(Err(reason)) | Err(reason) => {
                let reason = format!(
                    "commit {seq} is durable in the journal but the sled index failed: {reason}"
                );
                self.set_fault(reason.clone());
                return Err(StoreError::NeedsReopen {
                    path: self.path.clone(),
                    reason,
                });
            }
        }
        Ok(Receipt { seq, hash })
    }

    // --- queries -------------------------------------------------------------------------

    fn get<R: DeserializeOwned>(&self, tree: TreeId, key: &[u8]) -> Option<R> {
        match self.index.get(tree, key) {
            Ok(Some(v)) => match decode_value(key, &v) {
                Ok(r) => Some(r),
                Err(e) => {
                    self.set_fault(format!("tree {}: {e}", keys::TREES[tree as usize]));
                    None
                }
            },
            Ok(None) => None,
            Err(e) => {
                self.set_fault(format!(
                    "cannot read tree {}: {e}",
                    keys::TREES[tree as usize]
                ));
                None
            }
        }
    }

    fn scan<R: DeserializeOwned>(&self, tree: TreeId, prefix: &[u8]) -> Vec<(Vec<u8>, R)> {
        let mut out = Vec::new();
        for item in self.index.scan_prefix(tree, prefix) {
            match item {
                Ok((k, v)) => match decode_value::<R>(&k, &v) {
                    Ok(r) => out.push((k.to_vec(), r)),
                    Err(e) => self.set_fault(format!("tree {}: {e}", keys::TREES[tree as usize])),
                },
                Err(e) => {
                    self.set_fault(format!(
                        "cannot read tree {}: {e}",
                        keys::TREES[tree as usize]
                    ));
                    break;
                }
            }
        }
        out
    }

    /// The score of `expert` for `item` of application `app`.
    pub fn score(&self, expert: &str, app: &str, item: &str) -> Option<ScoreEntry> {
        self.get::<ScoreRecord>(TreeId::Scores, &keys::scores(expert, app))?
            .remove(item)
    }

    /// All scores of one expert as `(app, item, entry)`, sorted by app then item (bytes).
    pub fn scores_for(&self, expert: &str) -> Vec<(String, String, ScoreEntry)> {
        self.scan::<ScoreRecord>(TreeId::Scores, &keys::expert_prefix(expert))
            .into_iter()
            .filter_map(|(k, rec)| {
                let mut p = keys::split(&k, 2)?;
                let app = p.pop()?;
                Some((app, rec))
            })
            .flat_map(|(app, rec)| rec.into_iter().map(move |(item, e)| (app.clone(), item, e)))
            .collect()
    }

    /// All scores as `(expert, app, item, entry)`, sorted by expert, app, item (bytes).
    pub fn all_scores(&self) -> Vec<(String, String, String, ScoreEntry)> {
        self.scan::<ScoreRecord>(TreeId::Scores, b"")
            .into_iter()
            .filter_map(|(k, rec)| {
                let mut p = keys::split(&k, 2)?;
                let app = p.pop()?;
                let expert = p.pop()?;
                Some((expert, app, rec))
            })
            .flat_map(|(expert, app, rec)| {
                rec.into_iter()
                    .map(move |(item, e)| (expert.clone(), app.clone(), item, e))
            })
            .collect()
    }

    /// Status of application `app` for `expert`, with its reason.
    pub fn status(&self, expert: &str, app: &str) -> Option<(AppStatus, Option<String>)> {
        self.get::<StatusRecord>(TreeId::Status, &keys::status(expert, app))
            .map(|r| (r.status, r.reason))
    }

    /// Statuses of one expert as `(app, status, reason)`, sorted by app.
    pub fn statuses_for(&self, expert: &str) -> Vec<(String, AppStatus, Option<String>)> {
        self.scan::<StatusRecord>(TreeId::Status, &keys::expert_prefix(expert))
            .into_iter()
            .filter_map(|(k, r)| {
                let mut p = keys::split(&k, 2)?;
                Some((p.pop()?, r.status, r.reason))
            })
            .collect()
    }

    /// All statuses as `(expert, app, status, reason)`, sorted by expert then app.
    pub fn all_statuses(&self) -> Vec<(String, String, AppStatus, Option<String>)> {
        self.scan::<StatusRecord>(TreeId::Status, b"")
            .into_iter()
            .filter_map(|(k, r)| {
                let mut p = keys::split(&k, 2)?;
                let app = p.pop()?;
                Some((p.pop()?, app, r.status, r.reason))
            })
            .collect()
    }

    /// Comment of `expert` on `item` of `app` (`item == ""`: the application comment).
    pub fn comment(&self, expert: &str, app: &str, item: &str) -> Option<String> {
        self.get::<CommentRecord>(TreeId::Comments, &keys::comment(expert, app, item))
            .map(|r| r.text)
    }

    /// Comments of one expert as `(app, item, text)`, sorted by app then item.
    pub fn comments_for(&self, expert: &str) -> Vec<(String, String, String)> {
        self.scan::<CommentRecord>(TreeId::Comments, &keys::expert_prefix(expert))
            .into_iter()
            .filter_map(|(k, r)| {
                let mut p = keys::split(&k, 3)?;
                let item = p.pop()?;
                Some((p.pop()?, item, r.text))
            })
            .collect()
    }

    /// All comments as `(expert, app, item, text)`, sorted.
    pub fn all_comments(&self) -> Vec<(String, String, String, String)> {
        self.scan::<CommentRecord>(TreeId::Comments, b"")
            .into_iter()
            .filter_map(|(k, r)| {
                let mut p = keys::split(&k, 3)?;
                let item = p.pop()?;
                let app = p.pop()?;
                Some((p.pop()?, app, item, r.text))
            })
            .collect()
    }

    /// A metadata value (including `schema_version`, `panel_id`, `rubric_sha256`, `role`,
    /// `journal_seq`, `journal_head`).
    pub fn meta(&self, key: &str) -> Option<String> {
        self.get::<MetaRecord>(TreeId::Meta, &keys::meta(key))
            .map(|r| r.value)
    }

    /// The `Op::Audit` records, in commit order.
    pub fn audit_records(&self) -> Vec<AuditRecord> {
        self.scan::<AuditRecord>(TreeId::Audit, b"")
            .into_iter()
            .map(|(_, r)| r)
            .collect()
    }

    /// The whole journal, verified: the audit trail of every commit.
    /// For a read-only snapshot: the lines of the snapshot, not those appended since.
    /// The hash and signature of every commit: for a read-only snapshot, those verified when
    /// it was opened; for a writer, read again from the journal.
    pub fn seals(&self) -> Result<Vec<Seal>, StoreError> {
        match &self.seals {
            Some(seals) => Ok(seals.clone()),
            None => Ok(self.audit_entries()?.iter().map(Seal::of).collect()),
        }
    }

    pub fn audit_entries(&self) -> Result<Vec<JournalEntry>, StoreError> {
        let mut entries = scan_journal(&self.journal_path)?.entries;
        entries.truncate(self.seq as usize);
        Ok(entries)
    }

    /// Sequence number of the last commit.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Hash of the last journal line (the chain head).
    pub fn head(&self) -> &str {
        &self.head
    }

    #[cfg(test)]
    fn sled_index(&self) -> &Sled {
        match &self.index {
            Index::Sled(s) => s,
            Index::Memory(_) => panic!("a read-only snapshot has no sled index"),
        }
    }

    /// Opened with [`Store::open_read_only`]: commits are refused.
    pub fn is_read_only(&self) -> bool {
        self.journal.is_none()
    }

    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `<db>/journal.jsonl`.
    pub fn journal_path(&self) -> &Path {
        &self.journal_path
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn ident() -> StoreIdentity {
        StoreIdentity {
            panel_id: "P-2024-TG".into(),
            rubric_sha256: "ab".repeat(32),
            role: crate::role::Role::expert("E01"),
        }
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    fn set(expert: &str, app: &str, item: &str, v: &str) -> Op {
        Op::SetScore {
            expert: expert.into(),
            app: app.into(),
            item: item.into(),
            value: dec(v),
            reason: None,
        }
    }

    #[test]
    fn commit_read_back_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        {
            let (mut s, rep) = Store::open(&db, &ident()).unwrap();
            assert!(rep.created);
            assert!(
                rep.repaired.is_empty() && rep.warnings.is_empty(),
                "{rep:?}"
            );
            let r = s
                .commit(vec![
                    set("E01", "A1", "1.1", "3.5"),
                    Op::SetScore {
                        expert: "E01".into(),
                        app: "A1".into(),
                        item: "2.1".into(),
                        value: dec("8"),
                        reason: Some("证券化 override".into()),
                    },
                    Op::SetComment {
                        expert: "E01".into(),
                        app: "A1".into(),
                        item: "".into(),
                        text: "方案完整".into(),
                    },
                    Op::SetStatus {
                        expert: "E01".into(),
                        app: "A1".into(),
                        status: AppStatus::Submitted,
                        reason: None,
                    },
                ])
                .unwrap();
            assert_eq!(r.seq, 2);
            s.commit(vec![
                set("E02", "A1", "1.1", "2"),
                Op::Audit {
                    kind: "merge".into(),
                    detail: serde_json::json!({"sheet": "E02.json", "revision": 3}),
                },
            ])
            .unwrap();
            let e = s.score("E01", "A1", "1.1").unwrap();
            assert_eq!(e.value, dec("3.5"));
            assert_eq!(e.seq, 2);
            assert_eq!(s.comment("E01", "A1", ""), Some("方案完整".into()));
            assert_eq!(s.status("E01", "A1"), Some((AppStatus::Submitted, None)));
            assert_eq!(s.meta("panel_id"), Some("P-2024-TG".into()));
            assert_eq!(s.meta("journal_seq"), Some("3".into()));
        }
        let (s, rep) = Store::open(&db, &ident()).unwrap();
        assert!(!rep.created);
        assert!(rep.repaired.is_empty(), "{rep:?}");
        assert_eq!(rep.journal_commits, 3);
        let mine = s.scores_for("E01");
        assert_eq!(
            mine.iter()
                .map(|(a, i, e)| (a.as_str(), i.as_str(), e.value))
                .collect::<Vec<_>>(),
            vec![("A1", "1.1", dec("3.5")), ("A1", "2.1", dec("8"))]
        );
        assert_eq!(mine[1].2.reason.as_deref(), Some("证券化 override"));
        assert_eq!(s.all_scores().len(), 3);
        assert_eq!(s.all_scores()[2].0, "E02");
        assert_eq!(s.statuses_for("E01").len(), 1);
        assert_eq!(
            s.comments_for("E01"),
            vec![("A1".into(), "".into(), "方案完整".into())]
        );
        let audit = s.audit_records();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].detail["revision"], 3);
        assert_eq!(s.audit_entries().unwrap().len(), 3);
        assert!(s.fault().is_none());
    }

    #[test]
    fn clear_and_remove_comment() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
        s.commit(vec![
            set("E01", "A1", "1", "1"),
            Op::SetComment {
                expert: "E01".into(),
                app: "A1".into(),
                item: "1".into(),
                text: "x".into(),
            },
        ])
        .unwrap();
        s.commit(vec![
            Op::ClearScore {
                expert: "E01".into(),
                app: "A1".into(),
                item: "1".into(),
            },
            Op::SetComment {
                expert: "E01".into(),
                app: "A1".into(),
                item: "1".into(),
                text: "".into(),
            },
        ])
        .unwrap();
        assert!(s.score("E01", "A1", "1").is_none());
        assert!(s.comment("E01", "A1", "1").is_none());
    }

    #[test]
    fn invalid_ops_are_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
        let len = std::fs::metadata(s.journal_path()).unwrap().len();
        for ops in [
            vec![],
            vec![set("E\0x", "A", "1", "1")],
            vec![set("E", "", "1", "1")],
            vec![Op::Meta {
                key: "panel_id".into(),
                value: "other".into(),
            }],
        ] {
            let e = s.commit(ops).unwrap_err();
            assert!(matches!(e, StoreError::InvalidOp { .. }), "{e}");
            assert!(e.to_string().contains("nothing was written"));
        }
        assert_eq!(std::fs::metadata(s.journal_path()).unwrap().len(), len);
        assert_eq!(s.seq(), 1);
    }

    #[test]
    fn key_layout() {
        assert_eq!(keys::scores("E1", "A2"), b"E1\0A2".to_vec());
        assert_eq!(keys::status("E1", "A2"), b"E1\0A2".to_vec());
        assert_eq!(keys::comment("E1", "A2", ""), b"E1\0A2\0".to_vec());
        assert_eq!(keys::audit(1, 2), vec![0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(keys::split_audit(&keys::audit(7, 9)), Some((7, 9)));
        assert_eq!(
            keys::split(&keys::comment("E1", "A2", ""), 3),
            Some(vec!["E1".into(), "A2".into(), "".into()])
        );
        assert!(keys::scores("E1", "A2").starts_with(&keys::expert_prefix("E1")));
        assert!(!keys::scores("E10", "A2").starts_with(&keys::expert_prefix("E1")));
    }

    #[test]
    fn value_digest_verifies_and_detects_changes() {
        let key = keys::scores("E", "A");
        let rec = ScoreEntry {
            value: dec("4.50"),
            reason: None,
            seq: 3,
            ts: "2026-11-23T00:00:00.000Z".into(),
        };
        let bytes = encode_value(&key, &rec).unwrap();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["c"]["value"], "4.50");
        assert_eq!(decode_value::<ScoreEntry>(&key, &bytes).unwrap(), rec);
        // same value under another key: digest covers the key
        assert!(verify_value(&keys::scores("E", "B"), &bytes).is_err());
        let mut changed = bytes.clone();
        let pos = changed.windows(4).position(|w| w == b"4.50").unwrap();
        changed[pos] = b'5';
        assert_eq!(
            verify_value(&key, &changed).unwrap_err(),
            "digest mismatch".to_string()
        );
    }

    #[test]
    fn digest_damage_in_sled_is_repaired_at_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
            s.commit(vec![set("E", "A", "1", "7")]).unwrap();
            // Tamper with the value behind the store's back (same process, test only).
            let key = keys::scores("E", "A");
            let mut v = s.sled_index().trees[TreeId::Scores as usize]
                .get(&key)
                .unwrap()
                .unwrap()
                .to_vec();
            let pos = v.windows(3).position(|w| w == b"\"7\"").unwrap();
            v[pos + 1] = b'9';
            s.sled_index().trees[TreeId::Scores as usize]
                .insert(&key, v)
                .unwrap();
            assert!(s.score("E", "A", "1").is_none());
            assert!(s.fault().unwrap().contains("digest mismatch"));
            let e = s.commit(vec![set("E", "A", "2", "1")]).unwrap_err();
            assert!(matches!(e, StoreError::NeedsReopen { .. }), "{e}");
        }
        let (s, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert_eq!(rep.repaired.len(), 1, "{rep:?}");
        assert!(rep.repaired[0].contains("failing their digest"), "{rep:?}");
        assert_eq!(s.score("E", "A", "1").unwrap().value, dec("7"));
    }

    #[test]
    fn silently_dropped_record_is_restored_at_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
            s.commit(vec![set("E", "A", "1", "7"), set("E", "A", "2", "8")])
                .unwrap();
            s.commit(vec![set("E", "B", "1", "9")]).unwrap();
            // sled "loses" one record while its meta still says it is up to date.
            s.sled_index().trees[TreeId::Scores as usize]
                .remove(keys::scores("E", "A"))
                .unwrap();
        }
        let (s, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert_eq!(rep.repaired.len(), 1, "{rep:?}");
        assert!(
            rep.repaired[0].contains("tree scores: 1 missing"),
            "{rep:?}"
        );
        assert!(rep.repaired[0].contains("sled.damaged-"), "{rep:?}");
        assert_eq!(s.score("E", "A", "2").unwrap().value, dec("8"));
        assert_eq!(s.all_scores().len(), 3);
    }

    #[test]
    fn score_records_group_items_and_vanish_when_empty() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
        // Within one commit, later operations see earlier ones.
        s.commit(vec![
            set("E", "A", "1", "7"),
            set("E", "A", "2", "8"),
            Op::ClearScore {
                expert: "E".into(),
                app: "A".into(),
                item: "1".into(),
            },
            set("E", "A", "1", "6"),
            set("E", "B", "1", "5"),
        ])
        .unwrap();
        s.commit(vec![set("E", "A", "3", "9")]).unwrap();
        let scores = s.scores_for("E");
        let got: Vec<(&str, &str, String, u64)> = scores
            .iter()
            .map(|(a, i, e)| (a.as_str(), i.as_str(), e.value.to_string(), e.seq))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", "1", "6".to_string(), 2),
                ("A", "2", "8".to_string(), 2),
                ("A", "3", "9".to_string(), 3),
                ("B", "1", "5".to_string(), 2),
            ]
        );
        assert_eq!(s.score("E", "A", "2").unwrap().value, dec("8"));
        assert!(s.score("E", "A", "4").is_none());
        // Clearing every item removes the record.
        let clear = |item: &str| Op::ClearScore {
            expert: "E".into(),
            app: "B".into(),
            item: item.into(),
        };
        s.commit(vec![clear("1")]).unwrap();
        let sled = s.sled_index();
        assert!(sled.trees[TreeId::Scores as usize]
            .get(keys::scores("E", "B"))
            .unwrap()
            .is_none());
        assert_eq!(s.all_scores().len(), 3);
        drop(s);
        let (s, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert!(rep.repaired.is_empty(), "{rep:?}");
        assert_eq!(s.all_scores().len(), 3);
    }

    #[test]
    fn index_behind_catches_up_records_touched_by_several_commits() {
        let dir = tempfile::tempdir().unwrap();
        let kept = tempfile::tempdir().unwrap();
        {
            let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
            s.commit(vec![set("E", "A", "1", "7")]).unwrap();
        }
        copy_dir(&dir.path().join(SLED_DIR), &kept.path().join(SLED_DIR)).unwrap();
        {
            let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
            s.commit(vec![set("E", "A", "2", "8")]).unwrap();
            s.commit(vec![Op::ClearScore {
                expert: "E".into(),
                app: "A".into(),
                item: "1".into(),
            }])
            .unwrap();
            s.commit(vec![set("E", "A", "3", "9")]).unwrap();
        }
        // The index as it was after the first commits: three commits behind.
        std::fs::remove_dir_all(dir.path().join(SLED_DIR)).unwrap();
        copy_dir(&kept.path().join(SLED_DIR), &dir.path().join(SLED_DIR)).unwrap();
        let (s, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert_eq!(rep.repaired.len(), 1, "{rep:?}");
        assert!(rep.repaired[0].contains("was behind"), "{rep:?}");
        let items: Vec<String> = s.scores_for("E").into_iter().map(|(_, i, _)| i).collect();
        assert_eq!(items, ["2", "3"]);
        drop(s);
        let (_, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert!(rep.repaired.is_empty(), "{rep:?}");
    }

    #[test]
    fn index_in_the_earlier_per_item_layout_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
            s.commit(vec![set("E", "A", "1", "7")]).unwrap();
            // What an earlier version wrote: one record per item.
            let scores = &s.sled_index().trees[TreeId::Scores as usize];
            let record = scores.remove(keys::scores("E", "A")).unwrap().unwrap();
            scores.insert(b"E\0A\x001", record).unwrap();
        }
        let (s, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert_eq!(rep.repaired.len(), 1, "{rep:?}");
        assert!(
            rep.repaired[0].contains("earlier version of panel (one record per scored item)"),
            "{rep:?}"
        );
        assert!(rep.repaired[0].contains("sled.old-"), "{rep:?}");
        assert_eq!(s.score("E", "A", "1").unwrap().value, dec("7"));
    }

    fn journal_with_lines(n: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
        for i in 0..n - 1 {
            s.commit(vec![set("E", "A", &format!("{i}"), "3.5")])
                .unwrap();
        }
        let p = s.journal_path().to_path_buf();
        (dir, p)
    }

    #[test]
    fn journal_chain_verifies() {
        let (_d, p) = journal_with_lines(5);
        let sum = verify_journal(&p).unwrap();
        assert_eq!(sum.lines, 5);
        assert_eq!(sum.torn_tail_bytes, 0);
        let text = std::fs::read_to_string(&p).unwrap();
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["prev"], GENESIS_HASH);
        assert_eq!(first["seq"], 1);
        let last: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        assert_eq!(last["hash"], sum.head_hash.as_str());
        // field order of a line is fixed
        assert!(text.starts_with("{\"seq\":1,\"prev\":\""));
    }

    #[test]
    fn journal_edited_line_is_named() {
        let (d, p) = journal_with_lines(6);
        let text = std::fs::read_to_string(&p).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines[3] = lines[3].replace("\"3.5\"", "\"4.5\"");
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        let e = verify_journal(&p).unwrap_err();
        match &e {
            StoreError::JournalDamaged { line, reason, .. } => {
                assert_eq!(*line, 4);
                assert!(reason.contains("hash mismatch"), "{reason}");
            }
            other => panic!("unexpected {other}"),
        }
        assert!(e.to_string().contains("line 4: hash mismatch"), "{e}");
        assert!(e.to_string().contains("never truncated silently"));
        let e = Store::open(d.path(), &ident()).unwrap_err();
        assert!(
            matches!(e, StoreError::JournalDamaged { line: 4, .. }),
            "{e}"
        );

        // a deleted line is caught at the next one
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.remove(2);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        let e = verify_journal(&p).unwrap_err();
        assert!(
            matches!(&e, StoreError::JournalDamaged { line: 3, reason, .. } if reason.contains("seq is 4")),
            "{e}"
        );
    }

    #[test]
    fn torn_tail_is_moved_aside_and_reported() {
        let (d, p) = journal_with_lines(3);
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"seq\":4,\"prev\":\"abc").unwrap();
        drop(f);
        assert_eq!(verify_journal(&p).unwrap().torn_tail_bytes, 20);
        let (mut s, rep) = Store::open(d.path(), &ident()).unwrap();
        assert_eq!(rep.warnings.len(), 1, "{rep:?}");
        assert!(
            rep.warnings[0].contains("incomplete line (20 bytes)"),
            "{rep:?}"
        );
        let torn: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("journal.torn-"))
            .collect();
        assert_eq!(torn.len(), 1);
        assert_eq!(
            std::fs::read(torn[0].path()).unwrap(),
            b"{\"seq\":4,\"prev\":\"abc"
        );
        assert_eq!(s.seq(), 3);
        s.commit(vec![set("E", "B", "1", "1")]).unwrap();
        drop(s);
        assert_eq!(verify_journal(&p).unwrap().lines, 4);
    }

    /// `encode_line` splices the encoded operations into the line; the bytes and the hash are
    /// those of serializing the generic JSON of the operations (the journal format).
    #[test]
    fn encode_line_is_the_generic_serialization() {
        let ops = vec![
            set("E01", "A1", "1.1", "3.5"),
            Op::SetScore {
                expert: "E01".into(),
                app: "A\"2\\".into(),
                item: "2.1".into(),
                value: dec("-0.50"),
                reason: Some("理由 \u{1} \n tab\t".into()),
            },
            Op::Audit {
                kind: "merge".into(),
                detail: serde_json::json!({"z": 1, "a": [true, null, "x"], "m": {"b": "c", "a": 2}}),
            },
        ];
        let signer: Signer = Box::new(|b: &[u8]| format!("ed25519:{}\n", b.len()));
        for (ts, sig) in [
            ("2026-11-23T00:00:00.000Z", None),
            ("2026-11-23T00:00:00.000Z\"", Some(&signer)),
        ] {
            let (line, hash) = encode_line(7, "ab".repeat(32).as_str(), ts, &ops, sig).unwrap();
            let values: Vec<Value> = ops
                .iter()
                .map(|o| serde_json::to_value(o).unwrap())
                .collect();
            let want_hash = line_hash(&"ab".repeat(32), 7, ts, &values).unwrap();
            let want_sig = sig.map(|s| s(want_hash.as_bytes()).trim().to_string());
            let want = serde_json::to_string(&LineOut {
                seq: 7,
                prev: &"ab".repeat(32),
                ts,
                ops: &values,
                hash: &want_hash,
                sig: want_sig.as_deref(),
            })
            .unwrap()
                + "\n";
            assert_eq!(hash, want_hash);
            assert_eq!(line, want);
        }
    }

    mod round_trip {
        use super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[A-Za-z0-9._-]{1,8}",
                "\\PC{0,12}",
                Just("理由 \"引号\" \\ \u{1}\t\n".to_string()),
            ]
        }

        fn decimal() -> impl Strategy<Value = Decimal> {
            (any::<i64>(), 0u32..8).prop_map(|(m, scale)| Decimal::new(m, scale))
        }

        fn detail() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                (-1000i32..1000).prop_map(|i| Value::from(f64::from(i) / 8.0)),
                text().prop_map(Value::from),
            ];
            leaf.prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    prop::collection::vec((text(), inner), 0..4)
                        .prop_map(|kv| Value::Object(kv.into_iter().collect())),
                ]
            })
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (
                    text(),
                    text(),
                    text(),
                    decimal(),
                    proptest::option::of(text())
                )
                    .prop_map(|(expert, app, item, value, reason)| Op::SetScore {
                        expert,
                        app,
                        item,
                        value,
                        reason
                    }),
                (text(), text(), text()).prop_map(|(expert, app, item)| Op::ClearScore {
                    expert,
                    app,
                    item
                }),
                (text(), text(), text(), text()).prop_map(|(expert, app, item, text)| {
                    Op::SetComment {
                        expert,
                        app,
                        item,
                        text,
                    }
                }),
                (text(), text(), proptest::option::of(text())).prop_map(|(expert, app, reason)| {
                    Op::SetStatus {
                        expert,
                        app,
                        status: AppStatus::Conflict,
                        reason,
                    }
                }),
                (text(), text()).prop_map(|(key, value)| Op::Meta { key, value }),
                (text(), detail()).prop_map(|(kind, detail)| Op::Audit { kind, detail }),
            ]
        }

        proptest! {
            /// What a commit writes verifies the way every open verifies it (hash over the
            /// re-serialized generic JSON) and parses back to the same operations: the
            /// commit's own self-check compares the typed operations only.
            #[test]
            fn committed_lines_verify_as_at_open(
                ops in prop::collection::vec(op(), 1..6),
                signed in any::<bool>(),
            ) {
                let signer: Signer = Box::new(|b: &[u8]| format!("ed25519:{}", b.len()));
                let prev = "cd".repeat(32);
                let ts = now_ts();
                let (line, hash) =
                    encode_line(9, &prev, &ts, &ops, signed.then_some(&signer)).unwrap();
                let raw = check_line(&line.as_bytes()[..line.len() - 1], 9, &prev).unwrap();
                prop_assert_eq!(&raw.hash, &hash);
                prop_assert_eq!(typed_ops(&raw).unwrap(), ops.clone());
                let entry: JournalEntry = serde_json::from_str(&line).unwrap();
                prop_assert_eq!(entry.ops, ops);
            }
        }
    }

    /// Lines built by hand: `(ops, hash override)` per line, chained.
    fn hand_journal(lines: &[(Vec<Value>, Option<&str>)]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(JOURNAL_FILE);
        let ts = "2026-11-23T00:00:00.000Z";
        let mut prev = GENESIS_HASH.to_string();
        let mut text = String::new();
        for (i, (ops, forced)) in lines.iter().enumerate() {
            let seq = i as u64 + 1;
            let real = line_hash(&prev, seq, ts, ops).unwrap();
            let hash = forced.map_or(real, str::to_string);
            text += &serde_json::to_string(&LineOut {
                seq,
                prev: &prev,
                ts,
                ops,
                hash: &hash,
                sig: None,
            })
            .unwrap();
            text.push('\n');
            prev = hash;
        }
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    /// Each line is typed as soon as it is verified, yet a broken chain further on is still
    /// reported before an unreadable operation earlier, as when every line was verified first.
    #[test]
    fn a_broken_chain_is_reported_before_an_unknown_operation() {
        let schema = serde_json::json!({"op":"meta","key":"schema_version","value":"1"});
        let unknown = serde_json::json!({"op":"future_op","x":1});
        let fine = serde_json::json!({"op":"meta","key":"k","value":"v"});
        let (_d, p) = hand_journal(&[
            (vec![schema.clone()], None),
            (vec![unknown.clone()], None),
            (vec![fine.clone()], Some(&"ab".repeat(32))),
        ]);
        let e = scan_journal(&p).unwrap_err();
        assert!(
            matches!(e, StoreError::JournalDamaged { line: 3, .. }),
            "{e}"
        );
        let (_d, p) = hand_journal(&[
            (vec![schema], None),
            (vec![unknown], None),
            (vec![fine], None),
        ]);
        let e = scan_journal(&p).unwrap_err();
        assert!(
            matches!(e, StoreError::JournalDamaged { line: 2, ref reason, .. } if reason.contains("not understood")),
            "{e}"
        );
    }

    #[test]
    fn newer_schema_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(JOURNAL_FILE);
        let ops = vec![
            serde_json::json!({"op":"meta","key":"schema_version","value":"2"}),
            serde_json::json!({"op":"future_op","x":1}),
        ];
        let ts = "2026-11-23T00:00:00.000Z";
        let hash = line_hash(GENESIS_HASH, 1, ts, &ops).unwrap();
        let line = serde_json::to_string(&LineOut {
            seq: 1,
            prev: GENESIS_HASH,
            ts,
            ops: &ops,
            hash: &hash,
            sig: None,
        })
        .unwrap();
        std::fs::write(&p, line + "\n").unwrap();
        let e = Store::open(dir.path(), &ident()).unwrap_err();
        assert!(
            matches!(
                e,
                StoreError::NewerSchema {
                    found: 2,
                    supported: 1,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("--db"));
    }

    #[test]
    fn foreign_panel_or_rubric_refused() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path(), &ident()).unwrap());
        let mut other = ident();
        other.panel_id = "P-OTHER".into();
        let e = Store::open(dir.path(), &other).unwrap_err();
        assert!(matches!(e, StoreError::Foreign { .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("P-2024-TG") && msg.contains("P-OTHER") && msg.contains("--db"));
        let mut other = ident();
        other.rubric_sha256 = "cd".repeat(32);
        assert!(matches!(
            Store::open(dir.path(), &other).unwrap_err(),
            StoreError::Foreign { .. }
        ));
        let mut chair = ident();
        chair.role = crate::role::Role::Chair;
        // another role may read (with a warning) but never write
        assert!(matches!(
            Store::open(dir.path(), &chair).unwrap_err(),
            StoreError::WrongOwner { .. }
        ));
        let (_s, rep) = Store::open_read_only(dir.path(), &chair).unwrap();
        assert!(rep.warnings[0].contains("role"), "{rep:?}");
    }

    #[test]
    fn sled_behind_journal_catches_up() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
        s.commit(vec![set("E", "A", "1", "1")]).unwrap();
        drop(s);
        // Simulate a crash after the journal append, before sled: append a valid line directly.
        let scan = scan_journal(&dir.path().join(JOURNAL_FILE)).unwrap();
        let head = scan.entries.last().unwrap().hash.clone();
        let (line, _) = encode_line(3, &head, &now_ts(), &[set("E", "A", "2", "6")], None).unwrap();
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(JOURNAL_FILE))
            .unwrap();
        f.write_all(line.as_bytes()).unwrap();
        drop(f);
        let (s, rep) = Store::open(dir.path(), &ident()).unwrap();
        assert_eq!(rep.repaired.len(), 1, "{rep:?}");
        assert!(
            rep.repaired[0].contains("behind the journal (commit 2 of 3)"),
            "{rep:?}"
        );
        assert_eq!(s.score("E", "A", "2").unwrap().value, dec("6"));
        assert_eq!(s.seq(), 3);
    }

    #[test]
    fn journal_missing_with_populated_sled_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Store::open(dir.path(), &ident()).unwrap();
        s.commit(vec![set("E", "A", "1", "1")]).unwrap();
        drop(s);
        std::fs::remove_file(dir.path().join(JOURNAL_FILE)).unwrap();
        let e = Store::open(dir.path(), &ident()).unwrap_err();
        assert!(matches!(e, StoreError::JournalMissing { .. }), "{e}");
    }

    #[test]
    fn signed_commits_carry_the_owners_signature_over_their_hash() {
        use ed25519_dalek::{Signer as _, Verifier as _};
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
        let public = key.verifying_key();
        let signer: Signer =
            Box::new(move |b: &[u8]| format!("ed25519:{}", hex::encode(key.sign(b).to_bytes())));
        {
            let (mut s, _) = Store::open_signed(&db, &ident(), Some(signer)).unwrap();
            s.commit(vec![set("E01", "A1", "1.1", "3")]).unwrap();
        }
        let (snap, _) = Store::open_read_only(&db, &ident()).unwrap();
        let entries = snap.audit_entries().unwrap();
        assert_eq!(entries.len(), 2, "the creation commit is signed too");
        for e in &entries {
            let sig = e.sig.as_deref().expect("signed line");
            let raw: [u8; 64] = hex::decode(sig.strip_prefix("ed25519:").unwrap())
                .unwrap()
                .try_into()
                .unwrap();
            let sig = ed25519_dalek::Signature::from_bytes(&raw);
            assert!(
                public.verify(e.hash.as_bytes(), &sig).is_ok(),
                "line {}",
                e.seq
            );
            assert!(public.verify(e.prev.as_bytes(), &sig).is_err());
        }
        // a writer without the key appends nothing: an unsigned line after signed ones
        // would be a signature gap
        drop(snap);
        let (mut s, _) = Store::open(&db, &ident()).unwrap();
        let e = s.commit(vec![set("E01", "A1", "1.2", "4")]).unwrap_err();
        assert!(matches!(e, StoreError::NoSigner { line: 2, .. }), "{e}");
        assert_eq!(s.audit_entries().unwrap().len(), 2);
    }

    #[test]
    fn second_open_in_process_is_locked() {
        let dir = tempfile::tempdir().unwrap();
        let (_s, _) = Store::open(dir.path(), &ident()).unwrap();
        let e = Store::open(dir.path(), &ident()).unwrap_err();
        assert!(matches!(e, StoreError::Locked { .. }), "{e}");
    }

    /// A lock this process holds a moment longer (as a forked child does until it execs) is
    /// waited for; one held past the half second is refused.
    #[test]
    fn own_lock_released_within_the_wait_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Store::open(dir.path(), &ident()).unwrap();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            drop(s);
        });
        let start = Instant::now();
        let (s2, _) = Store::open(dir.path(), &ident()).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(100));
        holder.join().unwrap();
        drop(s2);
        let (_s3, _) = Store::open(dir.path(), &ident()).unwrap();
        let start = Instant::now();
        let e = Store::open(dir.path(), &ident()).unwrap_err();
        assert!(matches!(e, StoreError::Locked { .. }), "{e}");
        assert!(start.elapsed() >= Duration::from_millis(400));
    }

    /// Prints the median commit latency beside a bare 4 KB write + fsync on the same disk,
    /// interleaved so that both see the same background load.
    /// `cargo test --release --lib store::tests::measure_commit_latency -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn measure_commit_latency() {
        let dir = tempfile::tempdir().unwrap();
        let n = 400;
        let median = |mut v: Vec<Duration>| {
            v.sort();
            v[v.len() / 2]
        };
        let mut bare = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.path().join("bare"))
            .unwrap();
        let block = vec![b'x'; 4096];
        let (mut s, _) = Store::open(&dir.path().join("db"), &ident()).unwrap();
        let (mut bare_t, mut commit_t) = (Vec::new(), Vec::new());
        for i in 0..n {
            let t = Instant::now();
            bare.write_all(&block).unwrap();
            bare.sync_all().unwrap();
            bare_t.push(t.elapsed());
            let op = set(
                "E01",
                &format!("A{}", i % 20),
                &format!("{}", i / 20),
                "3.5",
            );
            let t = Instant::now();
            s.commit(vec![op]).unwrap();
            commit_t.push(t.elapsed());
        }
        let (b, c) = (median(bare_t), median(commit_t));
        println!(
            "median bare 4KB write+fsync {:?}, median durable commit {:?}, ratio {:.2}",
            b,
            c,
            c.as_secs_f64() / b.as_secs_f64()
        );
    }

    /// Every file under `dir` (relative path → bytes).
    fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    todo.push(p);
                } else {
                    let bytes = std::fs::read(&p).unwrap();
                    out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), bytes);
                }
            }
        }
        out
    }

    fn chair() -> StoreIdentity {
        StoreIdentity {
            role: crate::role::Role::Chair,
            ..ident()
        }
    }

    /// A signer that the store cannot tell from a real one (it never verifies).
    fn fake_signer() -> Option<Signer> {
        Some(Box::new(|hash: &[u8]| {
            format!("ed25519:{}", hex::encode(&hash[..8]))
        }))
    }

    #[test]
    fn a_writer_of_another_role_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        {
            let (mut s, _) = Store::open(&db, &ident()).unwrap();
            s.commit(vec![set("E01", "A001", "1.1", "4")]).unwrap();
        }
        let before = files(&db);
        let e = Store::open(&db, &chair()).unwrap_err();
        assert!(matches!(e, StoreError::WrongOwner { .. }), "{e}");
        let msg = e.to_string();
        for part in [
            format!(
                "database {} belongs to expert:E01, and chair may not write",
                db.display()
            ),
            "nothing was written".into(),
            "pass --db with the chair's database".into(),
        ] {
            assert!(msg.contains(&part), "{part} in {msg}");
        }
        // not a byte changed, not even the lock file
        assert_eq!(files(&db), before);
        // the other direction too
        let chair_db = dir.path().join("chair");
        drop(Store::open(&chair_db, &chair()).unwrap());
        let e = Store::open(&chair_db, &ident()).unwrap_err();
        assert!(
            e.to_string()
                .contains("`panel score --expert E01` writes into expert E01's own database"),
            "{e}"
        );
        // reading is not writing: a snapshot opens, with a warning
        let (_s, rep) = Store::open_read_only(&db, &chair()).unwrap();
        assert_eq!(rep.warnings.len(), 1, "{:?}", rep.warnings);
        // the owner still writes
        let (mut s, _) = Store::open(&db, &ident()).unwrap();
        s.commit(vec![set("E01", "A001", "1.2", "2")]).unwrap();
    }

    #[test]
    fn discard_new_removes_only_what_this_open_created() {
        let dir = tempfile::tempdir().unwrap();
        // a new database, nothing committed: removed whole
        let db = dir.path().join("new");
        let (s, rep) = Store::open(&db, &ident()).unwrap();
        assert!(rep.created);
        assert!(s.discard_new().unwrap());
        assert!(!db.exists());
        // a new database with a commit: kept
        let (mut s, _) = Store::open(&db, &ident()).unwrap();
        s.commit(vec![set("E01", "A001", "1.1", "4")]).unwrap();
        assert!(!s.discard_new().unwrap());
        let (s, rep) = Store::open(&db, &ident()).unwrap();
        assert!(!rep.created);
        assert_eq!(s.seq(), 2);
        // an existing database: never removed
        assert!(!s.discard_new().unwrap());
        assert!(db.join(JOURNAL_FILE).is_file());
        let (s, _) = Store::open(&db, &ident()).unwrap();
        assert_eq!(s.seq(), 2);
        drop(s);
        // a directory that existed before stays (as it was: empty)
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let (s, _) = Store::open(&empty, &ident()).unwrap();
        assert!(s.discard_new().unwrap());
        assert!(empty.is_dir());
        assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
        // … and so does a lock file that was there
        std::fs::write(empty.join(LOCK_FILE), b"").unwrap();
        let (s, _) = Store::open(&empty, &ident()).unwrap();
        assert!(s.discard_new().unwrap());
        assert_eq!(
            std::fs::read_dir(&empty)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect::<Vec<_>>(),
            [std::ffi::OsString::from(LOCK_FILE)]
        );
        // a read-only snapshot never removes anything
        let (s, _) = Store::open_read_only(&db, &ident()).unwrap();
        assert!(!s.discard_new().unwrap());
        assert!(db.join(JOURNAL_FILE).is_file());
    }

    /// `journal.jsonl` with the `sig` of the 1-based lines in `lines` removed (not part of
    /// the hash: the chain still verifies).
    fn drop_sigs(db: &Path, lines: &[usize]) {
        let path = db.join(JOURNAL_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut out = String::new();
        for (i, l) in text.lines().enumerate() {
            match (lines.contains(&(i + 1)), l.find(",\"sig\":\"")) {
                (true, Some(at)) => {
                    out.push_str(&l[..at]);
                    out.push('}');
                }
                _ => out.push_str(l),
            }
            out.push('\n');
        }
        std::fs::write(&path, out).unwrap();
    }

    #[test]
    fn signatures_that_stop_partway_are_a_gap_and_refused_by_writers_and_repair() {
        let entry = |seq: u64, signed: bool| JournalEntry {
            seq,
            prev: String::new(),
            ts: String::new(),
            ops: Vec::new(),
            hash: String::new(),
            sig: signed.then(|| "ed25519:00".to_string()),
        };
        let gap = |signed: &[bool]| {
            let entries: Vec<JournalEntry> = signed
                .iter()
                .enumerate()
                .map(|(i, s)| entry(i as u64 + 1, *s))
                .collect();
            signature_gap(&entries)
        };
        assert_eq!(gap(&[]), None);
        assert_eq!(
            gap(&[false, false, false]),
            None,
            "a database without a key"
        );
        assert_eq!(gap(&[true, true, true]), None);
        assert_eq!(gap(&[false, true, true]), None, "signed from some line on");
        assert_eq!(gap(&[true, true, false, false]), Some((3, 2)));
        assert_eq!(gap(&[true, false, true]), Some((2, 1)));

        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        {
            let (mut s, _) = Store::open_signed(&db, &ident(), fake_signer()).unwrap();
            for i in 0..3 {
                s.commit(vec![set("E01", "A001", &format!("1.{i}"), "4")])
                    .unwrap();
            }
        }
        // a signed database is not written into without the key (it opens, to be read)
        let (mut s, _) = Store::open(&db, &ident()).unwrap();
        let e = s.commit(vec![set("E01", "A001", "1.9", "1")]).unwrap_err();
        assert!(matches!(e, StoreError::NoSigner { line: 4, .. }), "{e}");
        assert!(e.to_string().contains("PANEL_KEY_DIR"), "{e}");
        assert_eq!(s.seq(), 4);
        drop(s);
        // lines 3 and 4 lose their signatures (and the index that would disagree is gone)
        drop_sigs(&db, &[3, 4]);
        std::fs::remove_dir_all(db.join(SLED_DIR)).unwrap();
        let before = files(&db);
        for e in [
            Store::open_signed(&db, &ident(), fake_signer()).unwrap_err(),
            Store::repair(&db).unwrap_err(),
        ] {
            assert!(
                matches!(
                    e,
                    StoreError::SignatureGap {
                        line: 3,
                        signed: 2,
                        ..
                    }
                ),
                "{e}"
            );
            let msg = e.to_string();
            assert!(msg.contains("line 3 carries no signature"), "{msg}");
            assert!(msg.contains("does not rebuild an index"), "{msg}");
            assert!(msg.contains("--panel"), "{msg}");
        }
        // no index rebuilt, the journal as it was (the lock file names the last opener)
        assert!(!db.join(SLED_DIR).exists());
        let mut after = files(&db);
        let mut before = before;
        before.remove(Path::new(LOCK_FILE));
        after.remove(Path::new(LOCK_FILE));
        assert_eq!(after, before);
        // a database without a key (no line signed) opens and is written as before
        let plain = dir.path().join("plain");
        drop(Store::open(&plain, &ident()).unwrap());
        let (mut s, _) = Store::open(&plain, &ident()).unwrap();
        s.commit(vec![set("E01", "A001", "1.1", "4")]).unwrap();
        drop(s);
        Store::repair(&plain).unwrap();
    }
}
