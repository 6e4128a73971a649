//! `panel` command line: parses arguments and dispatches to the library.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use panel::commands::args::Cmd;
use panel::commands::Outcome;

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

/// Writes what the command produced and gives its exit code.
fn emit(o: &Outcome) -> u8 {
    let _ = std::io::stdout().write_all(&o.stdout);
    let _ = std::io::stderr().write_all(o.stderr.as_bytes());
    o.exit.code()
}

/// mimalloc: the allocations of the multi-threaded results pipeline (and their frees on
/// other threads) are cheaper than with the system allocator. Built with `no_thp`: with
/// transparent huge pages allowed, system time swung from run to run (page clearing), see
/// docs/benchmarks.md "Allocator".
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The error and its causes, `: `-joined, each said once: a cause whose text is already in
/// the message (the library's errors quote their I/O error and say what to do after it) is
/// not repeated at the end.
fn error_text(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.is_empty() {
            out = text;
        } else if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd.run() {
        Ok(outcome) => ExitCode::from(emit(&outcome)),
        Err(e) => {
            eprintln!("error: {}", error_text(&e));
            ExitCode::from(1)
        }
    }
}
