//! Rubrics: the rules a panel applies, loaded from JSON files in `rubrics/`,
//! validated, and evaluated exactly (decimal arithmetic, caps in order).

pub mod aggregation;
pub mod check;
pub mod eval;
pub mod model;
pub mod num;
pub mod value_check;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use check::{validate, Issue};
pub use eval::{
    check_gates, combine, eligibility_summary, eval_condition, evaluate, parse_facts,
    CriterionEval, EligibilityStatus, Evaluation, FactProblem, FactValue, Facts, GateOutcome,
    GateResult, ItemEval, Scored,
};
pub use model::*;

/// Largest rubric or facts file accepted (bytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Errors loading a rubric or a facts file.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("{}: cannot read: {}", file.display(), crate::io_hint::explain(source))]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: file is {size} bytes, more than the {max} allowed; is this the right file?")]
    TooLarge { file: PathBuf, size: u64, max: u64 },
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
    #[error("{file}: {} error(s):\n{}", issues.len(), issues.iter().map(|i| format!("  {i}")).collect::<Vec<_>>().join("\n"))]
    Invalid { file: PathBuf, issues: Vec<Issue> },
}

/// A rubric loaded from a file, with its canonical hash and warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub rubric: Rubric,
    pub path: PathBuf,
    /// sha256 of the canonical serialization (see [`canonical_sha256`]).
    pub sha256: String,
    /// The documented inconsistencies of the source (`warnings` in the file).
    pub warnings: Vec<String>,
}

/// Read a text file with size and UTF-8 checks.
pub fn read_text(path: &Path) -> Result<String, RubricError> {
    let meta = std::fs::metadata(path).map_err(|e| RubricError::Io {
        file: path.to_path_buf(),
        source: e,
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(RubricError::TooLarge {
            file: path.to_path_buf(),
            size: meta.len(),
            max: MAX_FILE_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| RubricError::Io {
        file: path.to_path_buf(),
        source: e,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| RubricError::NotUtf8 {
        file: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

/// Parse JSON text into `T`, reporting the JSON path of the first error.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, RubricError> {
    if let Some(offset) = escaped_nul(text) {
        let (line, column) = line_column(text, offset);
        return Err(RubricError::Parse {
            file: file.to_path_buf(),
            path: ".".into(),
            line,
            column,
            message: format!(
                "a \\u0000 (NUL) escape at byte {offset}: text may not hold NUL characters; \
                 remove it and check where the file came from"
            ),
        });
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let res: Result<T, _> = serde_path_to_error::deserialize(&mut *de);
    match res {
        Ok(v) => match de.end() {
            Ok(()) => Ok(v),
            Err(e) => {
                let offset = byte_offset(text, e.line(), e.column());
                Err(RubricError::Parse {
                    file: file.to_path_buf(),
                    path: ".".into(),
                    line: e.line(),
                    column: e.column(),
                    message: format!(
                        "trailing content at byte {offset} after the JSON value: a file holds \
                         exactly one JSON value; remove what follows the closing brace"
                    ),
                })
            }
        },
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            Err(RubricError::Parse {
                file: file.to_path_buf(),
                path: if path.is_empty() { ".".into() } else { path },
                line: inner.line(),
                column: inner.column(),
                message: inner
                    .to_string()
                    .split(" at line ")
                    .next()
                    .unwrap_or("")
                    .to_string(),
            })
        }
    }
}

/// The byte offset of the first `\u0000` escape inside a JSON text (a backslash that is
/// not itself escaped, then `u0000`), if any.
fn escaped_nul(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b[i + 1..].starts_with(b"u0000") {
                return Some(i);
            }
            i += 2; // the escaped character, whatever it is
        } else {
            i += 1;
        }
    }
    None
}

/// 1-based line and column (in bytes, as serde_json counts them) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    (line, offset - start + 1)
}

/// The byte offset of serde_json's 1-based line and column (bytes into the line).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Parse and validate rubric text.
pub fn parse_rubric(file: &Path, text: &str) -> Result<Loaded, RubricError> {
    let rubric: Rubric =
        parse_json(file, text).map_err(|e| other_format(file, text).unwrap_or(e))?;
    let issues = validate(&rubric);
    if !issues.is_empty() {
        return Err(RubricError::Invalid {
            file: file.to_path_buf(),
            issues,
        });
    }
    Ok(Loaded {
        sha256: canonical_sha256(&rubric),
        warnings: rubric.warnings.clone(),
        path: file.to_path_buf(),
        rubric,
    })
}

/// Load and validate a rubric file.
pub fn load(path: &Path) -> Result<Loaded, RubricError> {
    let text = read_text(path)?;
    parse_rubric(path, &text)
}

/// A file of another of the program's formats given where a rubric belongs (the
/// arguments of `panel rubric eval` swapped, a bundle for a rubric): said as such. Rubrics
/// carry no `schema`; the other formats do.
fn other_format(file: &Path, text: &str) -> Option<RubricError> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let schema = v.get("schema")?.as_str()?;
    let what = [
        ("panel-bundle/", "an application bundle"),
        ("panel-raw/", "a raw application"),
        ("panel-sheet/", "a score sheet"),
        ("panel-identity/", "an identity map"),
        ("panel-reopen/", "a reopen note"),
        ("panel/", "a panel file (panel.json)"),
    ]
    .iter()
    .find(|(prefix, _)| schema.starts_with(prefix))
    .map_or("a file of another format", |(_, what)| what);
    let (line, column) = line_column(text, text.find("\"schema\"").unwrap_or(0));
    Some(RubricError::Parse {
        file: file.to_path_buf(),
        path: "schema".into(),
        line,
        column,
        message: format!(
            "this is {what} (`schema` {schema:?}), not a rubric; give a rubric file or an \
             embedded rubric id (`panel rubric eval <RUBRIC> <FACTS>`: the rubric comes first)"
        ),
    })
}

/// sha256 (hex) of the rubric's canonical JSON serialization: the parsed model
/// serialized with fixed field order, so whitespace and key order in the file
/// do not change it.
pub fn canonical_sha256(rubric: &Rubric) -> String {
    let bytes = serde_json::to_vec(rubric).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// The rubrics shipped in `rubrics/` as (file stem, JSON text), embedded in
/// the binary by `build.rs` (no network, no files needed at run time).
pub const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_rubrics.rs"));

/// The embedded rubrics' ids (file stems), `, `-separated (for a message naming what may
/// be given).
pub fn embedded_ids() -> String {
    let ids: Vec<&str> = EMBEDDED.iter().map(|(id, _)| *id).collect();
    ids.join(", ")
}

/// An embedded rubric by id (or file stem).
pub fn embedded(id: &str) -> Option<Loaded> {
    EMBEDDED.iter().find_map(|(stem, text)| {
        let l = parse_rubric(Path::new(&format!("rubrics/{stem}.json")), text).ok()?;
        (l.rubric.id == id || *stem == id).then_some(l)
    })
}

/// Facts read from a facts file: a bare JSON object of facts, or a bundle
/// (an object with a `facts` object).
pub fn facts_object(
    file: &Path,
    text: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, RubricError> {
    let v: serde_json::Value = parse_json(file, text)?;
    let serde_json::Value::Object(mut obj) = v else {
        return Err(RubricError::Parse {
            file: file.to_path_buf(),
            path: ".".into(),
            line: 1,
            column: 1,
            message: "expected a JSON object of facts, or a bundle with a `facts` object".into(),
        });
    };
    if let Some(serde_json::Value::Object(f)) = obj.remove("facts") {
        return Ok(f);
    }
    if obj.contains_key("facts") {
        return Err(RubricError::Parse {
            file: file.to_path_buf(),
            path: "facts".into(),
            line: 1,
            column: 1,
            message: "`facts` must be a JSON object".into(),
        });
    }
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<serde_json::Value, RubricError> {
        parse_json(Path::new("b.json"), text)
    }

    fn message(e: RubricError) -> String {
        match e {
            RubricError::Parse { message, .. } => message,
            other => panic!("not a parse error: {other}"),
        }
    }

    #[test]
    fn one_value_is_accepted() {
        assert!(parse("{\"a\": 1}\n").is_ok());
        assert!(parse("  {\"a\": \"\\\\u0000\"}  \r\n\n").is_ok());
    }

    #[test]
    fn trailing_content_is_refused_with_its_offset() {
        let cases = [
            ("{\"a\": 1} x", 9),
            ("{\"a\": 1}\n{\"b\": 2}", 9),
            ("{\"a\": 1}\n\n联系人手机 13812345678", 10),
            ("{\"a\":\n 1}\n]", 10),
            // Multi-byte text before it on the same line: still the byte offset.
            ("{\"a\": \"中文\"} x", 16),
        ];
        for (text, offset) in cases {
            let m = message(parse(text).unwrap_err());
            assert!(
                m.contains(&format!("trailing content at byte {offset} ")),
                "{text:?}: {m}"
            );
        }
    }

    #[test]
    fn nul_escape_is_refused_with_its_offset() {
        let m = message(parse("{\"a\": \"x\\u0000y\"}").unwrap_err());
        assert!(m.contains("at byte 8:"), "{m}");
        // An escaped backslash before u0000 is plain text, not a NUL.
        assert!(parse("{\"a\": \"x\\\\u0000y\"}").is_ok());
    }
}
#[cfg(test)]
mod embedded_tests {
    /// Every embedded rubric parses and validates (`embedded` would otherwise hide it).
    #[test]
    fn every_embedded_rubric_validates() {
        for (stem, text) in super::EMBEDDED {
            if let Err(e) = super::parse_rubric(std::path::Path::new(stem), text) {
                panic!("{stem}: {e}");
            }
        }
    }
}
