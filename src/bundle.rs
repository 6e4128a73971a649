//! Anonymized application bundles (`panel-bundle/1`): the format, loading and
//! validation. See `docs/bundle-format.md`.
//!
//! A bundle is one application as the panel sees it: program (rubric id), an
//! anonymous code, the facts, the text sections of the application form and a
//! list of attachments with their sha256. Loading has two levels of failure:
//!
//! - [`BundleError`]: the file cannot be used at all (unreadable, too large,
//!   binary, not UTF-8, not JSON of the bundle shape, unknown rubric);
//! - [`Problem`]s: the bundle is loaded but *invalid* (schema version, program,
//!   sections, attachments, facts against the rubric's declarations, personal
//!   data found by [`crate::pii::scan`]). An invalid bundle is listed with its
//!   problems and never shown to experts; the others stay usable.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::pii;
use crate::rubric::eval::truncate;
use crate::rubric::{self, num, Facts, Rubric, RubricError};

/// Schema identifier of the bundle format.
pub const SCHEMA: &str = "panel-bundle/1";

/// Largest bundle file accepted (bytes); same limit as `panel rubric eval`.
pub const MAX_BUNDLE_BYTES: u64 = rubric::MAX_FILE_BYTES;

/// Longest text (title, section, attachment extract) accepted, in chars.
pub const MAX_TEXT_CHARS: usize = 200_000;

/// One application as the panel sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Rubric id of the program.
    pub program: String,
    /// Anonymous code, unique in a panel (e.g. `T24-001`).
    pub code: String,
    /// Anonymous project title (no applicant names).
    pub title: String,
    /// Requested fiscal funding (万元).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "num::opt::serialize"
    )]
    pub requested_wan: Option<Decimal>,
    /// Facts under the rubric's canonical keys.
    pub facts: Map<String, Value>,
    /// Text sections of the application form, keys as declared by the rubric.
    pub sections: Vec<Section>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A text section of the application form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub key: String,
    pub title: String,
    pub text: String,
}

/// An attachment: its name, the sha256 of its bytes and an optional text extract.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub name: String,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Problem kinds.
pub mod kind {
    /// Personal data found by the scan; `detail` is the [`crate::pii::PiiKind`] id.
    pub const PERSONAL_DATA: &str = "personal_data";
    /// The bundle's structure: schema version, program, code, sections, attachments.
    pub const SCHEMA: &str = "schema";
    /// A fact against the rubric's declarations.
    pub const FACT: &str = "fact";
    /// The file itself: unreadable, too large, binary, not UTF-8.
    pub const FILE: &str = "file";
    /// The same code in two bundle files of the same program.
    pub const DUPLICATE: &str = "duplicate";
}

/// Why a bundle is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// One of [`kind`]: `personal_data`, `schema`, `fact`, `file`, `duplicate`.
    pub kind: &'static str,
    /// Machine tag: the personal-data kind (`resident_id`, `mobile`, …), or
    /// `schema_version`, `missing_section`, `invalid`, `undeclared`, ….
    pub detail: String,
    /// Where: `title`, `sections.<key>`, `facts.<key>`, `attachments[i].text`, ….
    pub location: String,
    /// Char offset in the text at `location` (personal data only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// Human explanation; personal data appears masked only.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} at {}", self.kind, self.detail, self.location)?;
        if let Some(o) = self.offset {
            write!(f, " (char {o})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Problem {
    fn new(
        kind: &'static str,
        detail: impl Into<String>,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            kind,
            detail: detail.into(),
            location: location.into(),
            offset: None,
            message: message.into(),
        }
    }
}

/// A bundle read from a file and checked against a rubric.
#[derive(Debug, Clone)]
pub struct LoadedBundle {
    pub path: PathBuf,
    pub bundle: Bundle,
    /// The facts typed by the rubric (facts with a problem are left out).
    pub facts: Facts,
    /// sha256 (hex) of the file bytes.
    pub sha256: String,
    /// Empty when the bundle is valid.
    pub problems: Vec<Problem>,
}

impl LoadedBundle {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn code(&self) -> &str {
        &self.bundle.code
    }

    /// A section by key.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.bundle.sections.iter().find(|s| s.key == key)
    }

    /// One line naming every problem (for lists of invalid bundles).
    pub fn reason(&self) -> String {
        self.problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The file cannot be used as a bundle at all.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{}: cannot read: {}", file.display(), crate::io_hint::explain(cause))]
    Io {
        file: PathBuf,
        cause: std::io::Error,
    },
    #[error("{file}: file is {size} bytes, more than the {max} a bundle may have; split long texts into attachments or shorten them")]
    TooLarge { file: PathBuf, size: u64, max: u64 },
    #[error("{file}: binary data (NUL byte at byte {offset}); a bundle is a UTF-8 JSON text file")]
    Binary { file: PathBuf, offset: usize },
    #[error("{file}: not valid UTF-8 at byte {offset}; save the file as UTF-8")]
    NotUtf8 { file: PathBuf, offset: usize },
    #[error("{file}: line {line}, column {column}, at `{path}`: {message}")]
    Parse {
        file: PathBuf,
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: program `{program}` is not a known rubric (known: {known}); pass --rubric <file> or fix `program`")]
    UnknownRubric {
        file: PathBuf,
        program: String,
        known: String,
    },
}

impl BundleError {
    /// The file the error is about.
    pub fn file(&self) -> &Path {
        match self {
            BundleError::Io { file, .. }
            | BundleError::TooLarge { file, .. }
            | BundleError::Binary { file, .. }
            | BundleError::NotUtf8 { file, .. }
            | BundleError::Parse { file, .. }
            | BundleError::UnknownRubric { file, .. } => file,
        }
    }

    /// The error as a [`Problem`] (for `panel bundle check --json`).
    pub fn problem(&self) -> Problem {
        let msg = self.to_string();
        match self {
            BundleError::Io { .. } => Problem::new(kind::FILE, "unreadable", ".", msg),
            BundleError::TooLarge { size, .. } => {
                Problem::new(kind::FILE, "too_large", format!("{size} bytes"), msg)
            }
            BundleError::Binary { offset, .. } => {
                Problem::new(kind::FILE, "binary", format!("byte {offset}"), msg)
            }
            BundleError::NotUtf8 { offset, .. } => {
                Problem::new(kind::FILE, "not_utf8", format!("byte {offset}"), msg)
            }
            BundleError::Parse {
                path, line, column, ..
            } => Problem::new(
                kind::SCHEMA,
                "json",
                format!("{path} (line {line}, column {column})"),
                msg,
            ),
            BundleError::UnknownRubric { .. } => {
                Problem::new(kind::SCHEMA, "unknown_rubric", "program", msg)
            }
        }
    }
}

impl From<RubricError> for BundleError {
    fn from(e: RubricError) -> Self {
        match e {
            RubricError::Io { file, source } => BundleError::Io {
                file,
                cause: source,
            },
            RubricError::TooLarge { file, size, max } => BundleError::TooLarge { file, size, max },
            RubricError::NotUtf8 { file, offset } => BundleError::NotUtf8 { file, offset },
            RubricError::Parse {
                file,
                path,
                line,
                column,
                message,
            } => BundleError::Parse {
                file,
                path,
                line,
                column,
                message,
            },
            RubricError::Invalid { file, issues } => BundleError::Parse {
                file,
                path: ".".into(),
                line: 1,
                column: 1,
                message: issues
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        }
    }
}

/// Which of the candidate files of a bundles folder are read: regular files, and symlinks
/// whose target is a regular file inside `root` that no other candidate already reaches
/// (real files are taken before symlinks, so a symlinked copy never shadows the real one).
/// Returns the files read (in the given order) and the skipped ones with the reason.
pub fn select_entries(
    candidates: &[PathBuf],
    root: &Path,
) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut seen: std::collections::HashMap<PathBuf, PathBuf> = std::collections::HashMap::new();
    let mut take = vec![false; candidates.len()];
    let mut skipped = Vec::new();
    for symlinks in [false, true] {
        for (i, p) in candidates.iter().enumerate() {
            let is_link = std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
            if is_link != symlinks {
                continue;
            }
            let reason = (|| {
                let target = std::fs::canonicalize(p)
                    .map_err(|_| "a symlink whose target does not exist: not read".to_string())?;
                if is_link && !target.starts_with(&root) {
                    return Err(format!(
                        "a symlink to {}, outside {}: not followed",
                        target.display(),
                        root.display()
                    ));
                }
                if !std::fs::metadata(&target).is_ok_and(|m| m.is_file()) {
                    return Err("not a regular file (a FIFO, device or socket): not read".into());
                }
                if let Some(first) = seen.get(&target) {
                    return Err(format!(
                        "a second path to {}, already read: skipped",
                        first.display()
                    ));
                }
                seen.insert(target, p.clone());
                Ok(())
            })();
            match reason {
                Ok(()) => take[i] = true,
                Err(r) => skipped.push((p.clone(), r)),
            }
        }
    }
    let files = candidates
        .iter()
        .zip(take)
        .filter(|(_, t)| *t)
        .map(|(p, _)| p.clone())
        .collect();
    (files, skipped)
}

/// Read a JSON text file with the size, binary and UTF-8 checks; returns the
/// text (BOM stripped) and the sha256 of the bytes.
pub fn read_json_text(path: &Path, max: u64) -> Result<(String, String), BundleError> {
    let io = |e| BundleError::Io {
        file: path.to_path_buf(),
        cause: e,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(BundleError::Io {
            file: path.to_path_buf(),
            cause: std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"),
        });
    }
    if !meta.is_file() {
        // A FIFO would block the read until some writer appears; a device never ends.
        return Err(BundleError::Io {
            file: path.to_path_buf(),
            cause: std::io::Error::other(
                "not a regular file (a FIFO, device or socket); give the path of a JSON file",
            ),
        });
    }
    if meta.len() > max {
        return Err(BundleError::TooLarge {
            file: path.to_path_buf(),
            size: meta.len(),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(BundleError::TooLarge {
            file: path.to_path_buf(),
            size: bytes.len() as u64,
            max,
        });
    }
    let sha = hex::encode(Sha256::digest(&bytes));
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(BundleError::Binary {
            file: path.to_path_buf(),
            offset,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| BundleError::NotUtf8 {
        file: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    Ok((text, sha))
}

/// Read and parse a bundle file without checking it against a rubric.
pub fn read_bundle(path: &Path) -> Result<(Bundle, String), BundleError> {
    let (text, sha) = read_json_text(path, MAX_BUNDLE_BYTES)?;
    let bundle: Bundle = rubric::parse_json(path, &text)?;
    Ok((bundle, sha))
}

/// Load a bundle file and check it against `rubric` (no names for the scan).
pub fn load_bundle(path: &Path, rubric: &Rubric) -> Result<LoadedBundle, BundleError> {
    load_bundle_with_names(path, rubric, &[])
}

/// Load a bundle file and check it against `rubric`; `names` (from an
/// identity map) are searched literally by the personal-data scan.
pub fn load_bundle_with_names(
    path: &Path,
    rubric: &Rubric,
    names: &[String],
) -> Result<LoadedBundle, BundleError> {
    load_bundle_with_known(path, rubric, &pii::Known::with_names(names))
}

/// Load a bundle file and check it against `rubric`; the `known` names and
/// identity values (from an identity map) are searched by the personal-data scan.
pub fn load_bundle_with_known(
    path: &Path,
    rubric: &Rubric,
    known: &pii::Known,
) -> Result<LoadedBundle, BundleError> {
    let (bundle, sha256) = read_bundle(path)?;
    let (facts, problems) = check_bundle_known(&bundle, rubric, known);
    Ok(LoadedBundle {
        path: path.to_path_buf(),
        bundle,
        facts,
        sha256,
        problems,
    })
}

/// The embedded rubric for a program id, or an error naming the file.
pub fn rubric_for(path: &Path, program: &str) -> Result<rubric::Loaded, BundleError> {
    rubric::embedded(program).ok_or_else(|| BundleError::UnknownRubric {
        file: path.to_path_buf(),
        program: program.to_string(),
        known: rubric::embedded_ids(),
    })
}

/// Whether a code is usable: 1–40 chars of ASCII letters, digits, `-` and `_`,
/// starting with a letter or digit (codes become file names).
pub fn code_ok(code: &str) -> bool {
    let b = code.as_bytes();
    !b.is_empty()
        && b.len() <= 40
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

fn sha256_ok(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Every text of a bundle that the personal-data scan reads, with its location:
/// title, section titles and texts, attachment names and extracts, and
/// string-valued facts (also inside arrays).
pub fn texts(bundle: &Bundle) -> Vec<(String, &str)> {
    let mut v: Vec<(String, &str)> = vec![("title".into(), bundle.title.as_str())];
    for (i, s) in bundle.sections.iter().enumerate() {
        let loc = section_loc(bundle, i);
        v.push((format!("{loc}.title"), s.title.as_str()));
        v.push((loc, s.text.as_str()));
    }
    for (i, a) in bundle.attachments.iter().enumerate() {
        v.push((format!("attachments[{i}].name"), a.name.as_str()));
        if let Some(t) = &a.text {
            v.push((format!("attachments[{i}].text"), t.as_str()));
        }
    }
    for (k, val) in &bundle.facts {
        collect_strings(&format!("facts.{k}"), val, &mut v);
    }
    v
}

fn collect_strings<'a>(loc: &str, v: &'a Value, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::String(s) => out.push((loc.to_string(), s.as_str())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_strings(&format!("{loc}[{i}]"), x, out);
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                collect_strings(&format!("{loc}.{k}"), x, out);
            }
        }
        _ => {}
    }
}

/// `sections.<key>`, or `sections[i]` when the key is empty or repeated.
fn section_loc(bundle: &Bundle, i: usize) -> String {
    let key = &bundle.sections[i].key;
    let repeated = bundle.sections.iter().filter(|s| &s.key == key).count() > 1;
    if key.is_empty() || repeated || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!("sections[{i}]")
    } else {
        format!("sections.{key}")
    }
}

/// Personal data found in the bundle's texts.
pub fn scan_bundle(bundle: &Bundle, names: &[String]) -> Vec<Problem> {
    scan_bundle_known(bundle, &pii::Known::with_names(names))
}

/// Personal data found in the bundle's texts, the `known` names and identity
/// values included (and the abbreviations any text defines for a name).
pub fn scan_bundle_known(bundle: &Bundle, known: &pii::Known) -> Vec<Problem> {
    let mut out = Vec::new();
    let all = texts(bundle);
    let mut known = known.clone();
    for (_, text) in &all {
        known.learn_abbreviations(text);
    }
    for (loc, text) in all {
        for f in pii::scan_known(text, &known) {
            out.push(Problem {
                kind: kind::PERSONAL_DATA,
                detail: f.kind.as_str().to_string(),
                offset: Some(f.start),
                message: format!(
                    "{} {} found at char {}{}; remove it or run `panel anonymize` on the raw application",
                    f.kind.label_zh(),
                    f.masked,
                    f.start,
                    f.label
                        .map(|l| format!(" (after the label 「{l}」)"))
                        .unwrap_or_default()
                ),
                location: loc.clone(),
            });
        }
    }
    out
}

/// Check a parsed bundle against a rubric: schema, program, code, sections,
/// attachments, facts (types, ranges, declared keys) and personal data.
/// Returns the typed facts and every problem found (empty: valid).
pub fn check_bundle(bundle: &Bundle, rubric: &Rubric, names: &[String]) -> (Facts, Vec<Problem>) {
    check_bundle_known(bundle, rubric, &pii::Known::with_names(names))
}

/// [`check_bundle`] with the names and identity values of `known` searched.
pub fn check_bundle_known(
    bundle: &Bundle,
    rubric: &Rubric,
    known: &pii::Known,
) -> (Facts, Vec<Problem>) {
    let mut p = Vec::new();
    if bundle.schema != SCHEMA {
        p.push(Problem::new(
            kind::SCHEMA,
            "schema_version",
            "schema",
            format!(
                "schema is `{}`, this version of panel reads `{SCHEMA}`",
                bundle.schema
            ),
        ));
    }
    if bundle.program != rubric.id {
        p.push(Problem::new(
            kind::SCHEMA,
            "program_mismatch",
            "program",
            format!(
                "bundle is for program `{}`, but the rubric is `{}`",
                bundle.program, rubric.id
            ),
        ));
    }
    if !code_ok(&bundle.code) {
        p.push(Problem::new(
            kind::SCHEMA,
            "code",
            "code",
            format!(
                "code `{}` must be 1–40 ASCII letters, digits, `-` or `_` (e.g. T24-001)",
                truncate(&bundle.code, 50)
            ),
        ));
    }
    if bundle.title.trim().is_empty() {
        p.push(Problem::new(
            kind::SCHEMA,
            "empty_title",
            "title",
            "title is empty; give the project's anonymous title",
        ));
    }
    check_len(&mut p, "title", &bundle.title);

    // Sections.
    let declared: Vec<&str> = rubric.sections.iter().map(|s| s.key.as_str()).collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (i, s) in bundle.sections.iter().enumerate() {
        let loc = section_loc(bundle, i);
        if !declared.is_empty() && !declared.contains(&s.key.as_str()) {
            p.push(Problem::new(
                kind::SCHEMA,
                "unknown_section",
                format!("sections[{i}].key"),
                format!(
                    "section `{}` is not declared by rubric `{}` (declared: {})",
                    truncate(&s.key, 40),
                    rubric.id,
                    declared.join(", ")
                ),
            ));
        }
        if !seen.insert(s.key.as_str()) {
            p.push(Problem::new(
                kind::SCHEMA,
                "duplicate_section",
                format!("sections[{i}].key"),
                format!("section `{}` appears more than once", truncate(&s.key, 40)),
            ));
        }
        if s.text.trim().is_empty() {
            p.push(Problem::new(
                kind::SCHEMA,
                "empty_section",
                loc.clone(),
                "section text is empty; the form asks for 无 where there is nothing to say",
            ));
        }
        check_len(&mut p, &loc, &s.text);
        check_len(&mut p, &format!("{loc}.title"), &s.title);
    }
    for d in &rubric.sections {
        if !seen.contains(d.key.as_str()) {
            p.push(Problem::new(
                kind::SCHEMA,
                "missing_section",
                format!("sections.{}", d.key),
                format!("section `{}` ({}) is missing", d.key, d.title),
            ));
        }
    }

    // Attachments.
    for (i, a) in bundle.attachments.iter().enumerate() {
        if a.name.trim().is_empty() {
            p.push(Problem::new(
                kind::SCHEMA,
                "attachment_name",
                format!("attachments[{i}].name"),
                "attachment name is empty",
            ));
        }
        check_len(&mut p, &format!("attachments[{i}].name"), &a.name);
        if !sha256_ok(&a.sha256) {
            p.push(Problem::new(
                kind::SCHEMA,
                "sha256",
                format!("attachments[{i}].sha256"),
                format!(
                    "sha256 must be 64 hex digits, found {} chars",
                    a.sha256.chars().count()
                ),
            ));
        }
        if let Some(t) = &a.text {
            check_len(&mut p, &format!("attachments[{i}].text"), t);
        }
    }

    // Facts.
    let (facts, fps) = rubric::parse_facts(rubric, &bundle.facts);
    for fp in fps {
        p.push(Problem::new(
            kind::FACT,
            fp.kind,
            format!("facts.{}", fp.key),
            format!("fact `{}`: {}", fp.key, fp.detail),
        ));
    }
    if let Some(r) = bundle.requested_wan {
        if r < Decimal::ZERO {
            p.push(Problem::new(
                kind::FACT,
                "invalid",
                "requested_wan",
                format!("requested_wan {} is negative", num::show(r)),
            ));
        }
        if let Some(key) = &rubric.funding.requested_fact {
            if let Some(rubric::FactValue::Num(f)) = facts.get(key) {
                if *f != r {
                    p.push(Problem::new(
                        kind::FACT,
                        "requested_mismatch",
                        "requested_wan",
                        format!(
                            "requested_wan {} differs from fact `{key}` {}; they must agree",
                            num::show(r),
                            num::show(*f)
                        ),
                    ));
                }
            }
        }
    }

    // Personal data.
    p.extend(scan_bundle_known(bundle, known));
    (facts, p)
}

fn check_len(p: &mut Vec<Problem>, loc: &str, text: &str) {
    // Cheap byte bound first: a text of at most MAX_TEXT_CHARS bytes is short enough.
    if text.len() > MAX_TEXT_CHARS {
        let n = text.chars().count();
        if n > MAX_TEXT_CHARS {
            p.push(Problem::new(
                kind::SCHEMA,
                "text_too_long",
                loc.to_string(),
                format!(
                    "text has {n} chars, more than the {MAX_TEXT_CHARS} allowed; move long material to an attachment"
                ),
            ));
        }
    }
}

/// Serialize a bundle as pretty JSON (2-space indent, trailing newline).
pub fn to_json_pretty(bundle: &Bundle) -> String {
    let mut s = serde_json::to_string_pretty(bundle).unwrap_or_default();
    s.push('\n');
    s
}

/// For tests: one section per section of `r`, each holding `text`.
#[cfg(test)]
pub(crate) fn sections_saying(r: &Rubric, text: &str) -> Vec<Section> {
    r.sections
        .iter()
        .map(|s| Section {
            key: s.key.clone(),
            title: s.title.clone(),
            text: text.into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Rubric {
        rubric::embedded("park-ip-trusteeship-2024")
            .expect("embedded rubric")
            .rubric
    }

    fn minimal(r: &Rubric) -> Bundle {
        Bundle {
            schema: SCHEMA.into(),
            program: r.id.clone(),
            code: "T24-900".into(),
            title: "园区知识产权集中托管项目".into(),
            requested_wan: Some(Decimal::from(40)),
            facts: serde_json::from_str(r#"{"fiscal_funding_wan": 40, "self_funding_wan": 20}"#)
                .unwrap(),
            sections: sections_saying(r, "无"),
            attachments: vec![Attachment {
                name: "营业执照复印件.pdf".into(),
                sha256: "a".repeat(64),
                text: None,
            }],
        }
    }

    #[test]
    fn minimal_bundle_is_valid() {
        let r = rubric();
        let (_, p) = check_bundle(&minimal(&r), &r, &[]);
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn problems_are_found_and_located() {
        let r = rubric();
        let mut b = minimal(&r);
        b.schema = "panel-bundle/9".into();
        b.sections.pop();
        b.sections[1].text = "联系人手机 13912345678，谢谢".into();
        b.attachments[0].sha256 = "xyz".into();
        b.facts
            .insert("team_size".into(), Value::String("五".into()));
        b.facts.insert("no_such".into(), Value::Bool(true));
        b.requested_wan = Some(Decimal::from(50));
        let (_, p) = check_bundle(&b, &r, &[]);
        let has = |k: &str, d: &str, l: &str| {
            p.iter()
                .any(|x| x.kind == k && x.detail == d && x.location == l)
        };
        assert!(has("schema", "schema_version", "schema"), "{p:#?}");
        assert!(
            has("schema", "missing_section", "sections.budget"),
            "{p:#?}"
        );
        assert!(has("schema", "sha256", "attachments[0].sha256"));
        assert!(has("fact", "invalid", "facts.team_size"));
        assert!(has("fact", "undeclared", "facts.no_such"));
        assert!(has("fact", "requested_mismatch", "requested_wan"));
        let pd = p
            .iter()
            .find(|x| x.kind == "personal_data")
            .expect("mobile");
        assert_eq!(pd.detail, "mobile");
        assert_eq!(pd.location, "sections.work_foundation");
        assert_eq!(pd.offset, Some(6));
        assert!(!pd.message.contains("13912345678"), "{}", pd.message);
        // Personal data in a string fact (inside an array too).
        b.facts.insert(
            "notes".into(),
            serde_json::json!(["见附件", "电话 13912345678"]),
        );
        let (_, p) = check_bundle(&b, &r, &[]);
        assert!(p
            .iter()
            .any(|x| x.kind == "personal_data" && x.location == "facts.notes[1]"));
    }

    #[test]
    fn names_are_searched_when_given() {
        let r = rubric();
        let mut b = minimal(&r);
        // A region outside the list of `pii::trade_name`: the shape alone does
        // not make it a name (`上海…有限公司` would be one, docs §4c).
        b.sections[0].text = "由嘉兴青禾科技园区管理有限公司申报".into();
        assert!(check_bundle(&b, &r, &[]).1.is_empty());
        let (_, p) = check_bundle(&b, &r, &["嘉兴青禾科技园区管理有限公司".to_string()]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].detail, "name");
    }

    #[test]
    fn long_text_is_a_problem() {
        let r = rubric();
        let mut b = minimal(&r);
        b.sections[2].text = "字".repeat(MAX_TEXT_CHARS + 1);
        let (_, p) = check_bundle(&b, &r, &[]);
        assert!(p
            .iter()
            .any(|x| x.detail == "text_too_long" && x.location == "sections.work_plan"));
    }

    #[test]
    fn code_rules() {
        assert!(code_ok("T24-001"));
        assert!(code_ok("SF_U-01"));
        assert!(!code_ok(""));
        assert!(!code_ok("-T24"));
        assert!(!code_ok("T24/001"));
        assert!(!code_ok("托管-001"));
        assert!(!code_ok(&"A".repeat(41)));
    }
}
