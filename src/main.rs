//! `panel` command line: parses arguments and dispatches to the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "panel",
    version,
    about = "Rubric-aware scoring for expert review panels / 专家评审打分工具",
    long_about = "panel: experts score anonymized application bundles against official rubrics, \
criterion by criterion with the evidence beside them; the chair merges score sheets, \
enforces every cap, ranks, and exports the shortlist.\n\
Start with `panel demo`."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Rubric files: check, show, evaluate against facts / 评分标准文件
    Rubric {
        #[command(subcommand)]
        cmd: RubricCmd,
    },
}

#[derive(Subcommand, Debug)]
enum RubricCmd {
    /// Validate rubric files; exit 0 when valid (warnings allowed), 1 otherwise.
    Check {
        /// Rubric JSON files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the rubric tree with maxima and scoring standards.
    Show {
        /// A rubric file, or the id of an embedded rubric.
        file: PathBuf,
    },
    /// Evaluate the rule items of a rubric against facts.
    Eval {
        /// A rubric file, or the id of an embedded rubric.
        rubric: PathBuf,
        /// A bundle file, or a bare JSON object of facts.
        facts: PathBuf,
        /// Print JSON instead of the explained text.
        #[arg(long)]
        json: bool,
    },
}

fn emit(out: &str, err: &str) {
    let _ = std::io::stdout().write_all(out.as_bytes());
    let _ = std::io::stderr().write_all(err.as_bytes());
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    use panel::commands;
    match cli.cmd {
        Cmd::Rubric { cmd } => match cmd {
            RubricCmd::Check { files } => {
                let (mut out, mut err) = (String::new(), String::new());
                let code = commands::rubric::check(&files, &mut out, &mut err);
                emit(&out, &err);
                Ok(code)
            }
            RubricCmd::Show { file } => {
                let l = commands::rubric::load_arg(&file)?;
                emit(&commands::rubric::show_tree(&l.rubric), "");
                Ok(0)
            }
            RubricCmd::Eval {
                rubric,
                facts,
                json,
            } => {
                let (out, err, code) = commands::rubric::eval(&rubric, &facts, json)?;
                emit(&out, &err);
                Ok(code)
            }
        },
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
