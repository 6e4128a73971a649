//! Command implementations behind the CLI (the binary's edge: `anyhow`
//! errors, text output). `src/main.rs` only parses and dispatches.

pub mod args;
pub mod audit;
pub mod awards;
pub mod bundle;
pub mod chair;
pub mod demo;
pub mod eligibility;
pub mod form;
pub mod ingest;
pub mod results;
pub mod rubric;
pub mod score;
pub mod sheet;
pub mod synth;
pub mod value_parsers;

/// How a command ended: the process's exit code, as the README documents it (argument
/// errors, code 2, are clap's and never reach a command).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success,
    /// 1: refused or invalid input, with the reason on stderr; nothing half done.
    Refused,
}

impl Exit {
    /// `Success` when `ok`, else `Refused`.
    pub fn ok_if(ok: bool) -> Exit {
        if ok {
            Exit::Success
        } else {
            Exit::Refused
        }
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::Refused => 1,
        }
    }
}

/// What a command produced: its output (stdout), its messages (stderr) and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub exit: Exit,
}

impl Outcome {
    /// An outcome with this output, these messages and this ending.
    pub fn new(stdout: impl Into<Vec<u8>>, stderr: impl Into<String>, exit: Exit) -> Outcome {
        Outcome {
            stdout: stdout.into(),
            stderr: stderr.into(),
            exit,
        }
    }

    /// A command that did its job.
    pub fn done(stdout: impl Into<Vec<u8>>, stderr: impl Into<String>) -> Outcome {
        Outcome::new(stdout, stderr, Exit::Success)
    }

    /// A command that refused, saying why on stderr.
    pub fn refused(stdout: impl Into<Vec<u8>>, stderr: impl Into<String>) -> Outcome {
        Outcome::new(stdout, stderr, Exit::Refused)
    }
}

/// Refuses, before anything is written, a file path whose folder does not exist or is not
/// a folder (the atomic write would otherwise fail on its temporary file, naming that).
/// `option` is how the user gave the path (`-o`, `--report`).
pub(crate) fn check_parent_dir(path: &std::path::Path, option: &str) -> anyhow::Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    match std::fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => anyhow::bail!(
            "cannot write {}: {} is a file, not a folder; choose another {option}",
            path.display(),
            parent.display()
        ),
        Err(_) => anyhow::bail!(
            "cannot write {}: the folder {} does not exist; create it first (mkdir -p {}) or \
             choose another {option}",
            path.display(),
            parent.display(),
            parent.display()
        ),
    }
}

/// Refuses an output folder (`--out`) that exists and is not a folder.
/// `holds` says what the folder is for (`the bundles`).
pub(crate) fn check_out_dir(dir: &std::path::Path, holds: &str) -> anyhow::Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => anyhow::bail!(
            "--out {}: is a file, not a folder; --out takes the folder for {holds} (a new or \
             existing folder)",
            dir.display()
        ),
        _ => Ok(()),
    }
}
