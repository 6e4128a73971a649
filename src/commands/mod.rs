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

/// A file or folder a command reads, and what it is in words (`the panel file panel.json`).
pub(crate) type Input = (std::path::PathBuf, String);

/// What a panel is made of, for [`refuse_input_as_output`]: its `panel.json`, its rubric file
/// (when it is a file, not an embedded id) and its bundles folder.
pub(crate) fn panel_inputs(panel: &crate::panel::Panel) -> Vec<Input> {
    let mut inputs = vec![(
        panel.dir.join("panel.json"),
        "the panel file panel.json".to_string(),
    )];
    let rubric = panel.dir.join(&panel.config.rubric);
    if !panel.config.rubric.is_empty() && rubric.is_file() {
        inputs.push((rubric, "the panel's rubric".into()));
    }
    // A panel whose bundles lie in the panel folder itself (`"bundles": "."`) keeps its
    // other files writable there: panel.json is guarded on its own.
    let bundles = panel.dir.join(&panel.config.bundles);
    if bundles.canonicalize().ok() != panel.dir.canonicalize().ok() {
        inputs.push((bundles, "the panel's bundles folder".into()));
    }
    inputs
}

/// Refuses, before anything is written, an output path (`option`: how the user gave it,
/// `-o`, `--report`) that is one of the command's inputs or lies in an input folder: writing
/// there would replace `panel.json`, a bundle, a scores CSV or a form the user did not ask
/// to change (the atomic write replaces an existing file). Paths are compared resolved, so
/// `./p/../p/panel.json` and a link are seen through; an output whose folder does not exist
/// is left to [`check_parent_dir`].
pub(crate) fn refuse_input_as_output(
    out: &std::path::Path,
    option: &str,
    inputs: &[Input],
) -> anyhow::Result<()> {
    let resolved = match out.canonicalize() {
        Ok(p) => p,
        Err(_) => {
            let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
            let parent = parent.unwrap_or(std::path::Path::new("."));
            match (parent.canonicalize(), out.file_name()) {
                (Ok(dir), Some(name)) => dir.join(name),
                _ => return Ok(()),
            }
        }
    };
    for (input, what) in inputs {
        let Ok(input_resolved) = input.canonicalize() else {
            continue;
        };
        if resolved.starts_with(&input_resolved) {
            let place = if resolved == input_resolved {
                format!("is {what}")
            } else {
                format!("is in {what} ({})", input.display())
            };
            anyhow::bail!(
                "{option} {}: {place}, which this command reads; nothing was written. Choose \
                 another {option} path",
                out.display()
            );
        }
    }
    Ok(())
}
