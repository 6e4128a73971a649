//! Rubrics: the rules a panel applies, loaded from JSON files in `rubrics/`,
//! validated, and evaluated exactly (decimal arithmetic, caps in order).

pub mod check;
pub mod eval;
pub mod model;
pub mod num;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use check::{validate, Issue};
pub use eval::{
    check_gates, combine, eligibility_summary, eval_condition, evaluate, parse_facts,
    CriterionEval, Evaluation, FactProblem, FactValue, Facts, GateResult, ItemEval, Scored,
};
pub use model::*;

/// Largest rubric or facts file accepted (bytes).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Errors loading a rubric or a facts file.
#[derive(Debug, thiserror::Error)]
pub enum RubricError {
    #[error("{file}: cannot read: {source}. Check the path and permissions.")]
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
    let de = &mut serde_json::Deserializer::from_str(text);
    let res: Result<T, _> = serde_path_to_error::deserialize(de);
    match res {
        Ok(v) => Ok(v),
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

/// Parse and validate rubric text.
pub fn parse_rubric(file: &Path, text: &str) -> Result<Loaded, RubricError> {
    let rubric: Rubric = parse_json(file, text)?;
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
