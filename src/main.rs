//! `panel` command line: parses arguments and dispatches to the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use panel::commands::{Exit, Outcome};

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
    /// Audit log: verify a database's hash-chained journal / 审计日志
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// The chair's screen: ranking, details, progress, expert lean; reopen, export / 评审组长
    Chair {
        /// Panel directory (with panel.json).
        panel_dir: PathBuf,
        /// Chair database (default: the user's data directory/<panel id>-chair).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Merge new sheets from <PANEL_DIR>/sheets/ as they arrive (polls every second).
        #[arg(long)]
        watch: bool,
        /// Interface language: zh or en (default from LANG).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Try the expert and chair screens on the embedded demo panel (F2 switches; a fresh temporary database) / 演示
    Demo {
        /// Interface language: zh or en (default from LANG).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Open the expert screen: score applications criterion by criterion / 专家评分
    Score {
        /// Panel directory (with panel.json).
        panel_dir: PathBuf,
        /// Expert id (as in panel.json).
        #[arg(long)]
        expert: String,
        /// Database directory (default: the user's data directory/<panel>-expert-<id>).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Interface language: zh or en (default from LANG).
        #[arg(long)]
        lang: Option<String>,
    },
    /// What an expert has scored and submitted, per application / 评分进度
    Status {
        /// Panel directory (with panel.json).
        panel_dir: PathBuf,
        /// Expert id (as in panel.json).
        #[arg(long)]
        expert: String,
        /// Database directory (default as for `panel score`).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rubric files: check, show, evaluate against facts / 评分标准文件
    Rubric {
        #[command(subcommand)]
        cmd: RubricCmd,
    },
    /// Application bundles: check schema, facts, personal data / 申报材料包
    Bundle {
        #[command(subcommand)]
        cmd: BundleCmd,
    },
    /// Raw applications → anonymized bundles + identity map / 匿名化
    Anonymize {
        /// Raw application files (panel-raw/1) or directories of them.
        #[arg(required = true)]
        raw: Vec<PathBuf>,
        /// Directory for the bundles (handed to experts).
        #[arg(long)]
        out: PathBuf,
        /// Identity map to write (secretariat only; never inside --out).
        #[arg(long)]
        identity_map: PathBuf,
        /// Replace an existing identity map and bundles (codes are kept).
        #[arg(long)]
        force: bool,
        /// Code prefix instead of the program's (T24, DP, OC, PC, SF…).
        #[arg(long)]
        prefix: Option<String>,
        /// Check against this rubric (file or id) instead of the program's.
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// The secretariat's secret key file that signs the identity map (default:
        /// SECRETARIAT.ed25519 in the key directory, from `panel keygen --expert SECRETARIAT`).
        #[arg(long)]
        key: Option<PathBuf>,
        /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
        #[arg(long)]
        key_dir: Option<PathBuf>,
    },
    /// A program's blank 申报书 as a Word document / 申报书模板
    Form {
        /// Rubric file or embedded rubric id (e.g. park-ip-trusteeship-2024).
        rubric: PathBuf,
        /// The .docx to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Filled 申报书 (.docx) → raw applications (panel-raw/1) / 读取申报书
    Ingest {
        /// Filled forms (.docx).
        #[arg(required = true)]
        docx: Vec<PathBuf>,
        /// Program: rubric file or embedded rubric id.
        #[arg(long)]
        program: PathBuf,
        /// Directory for the raw applications.
        #[arg(long)]
        out: PathBuf,
        /// Write a per-file JSON report (what was read, what is missing, refusals).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Write a raw application even when values are missing (they stay missing).
        #[arg(long)]
        allow_missing: bool,
        /// Replace raw applications that already exist in --out.
        #[arg(long)]
        force: bool,
    },
    /// Join a results file or list of codes with the identity map / 揭示申报单位
    Reveal {
        /// Results (JSON from `panel results`, CSV, or one code per line).
        results: PathBuf,
        #[arg(long)]
        identity_map: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The secretariat's public key (`ed25519:<hex>` or a .pub file; default:
        /// SECRETARIAT.ed25519.pub in the key directory).
        #[arg(long)]
        key: Option<String>,
        /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
        #[arg(long)]
        key_dir: Option<PathBuf>,
        /// Reveal from an unsigned or altered identity map anyway (the output says so).
        #[arg(long)]
        unsigned: bool,
        /// Bundles directory: each revealed code's bundle must have the map's sha256.
        #[arg(long)]
        bundles: Option<PathBuf>,
    },
    /// Make an expert's Ed25519 key pair; prints the public key for panel.json / 生成专家密钥
    Keygen {
        /// Expert id (as in panel.json).
        #[arg(long)]
        expert: String,
        /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
        #[arg(long)]
        key_dir: Option<PathBuf>,
        /// Replace an existing key.
        #[arg(long)]
        force: bool,
    },
    /// Score sheets / 评分表
    Sheet {
        #[command(subcommand)]
        cmd: SheetCmd,
    },
    /// Verify and merge expert sheets into the chair database / 合并评分表
    Merge {
        /// The panel directory (with panel.json).
        panel_dir: PathBuf,
        /// Sheet files (their .sig files are read from beside them).
        #[arg(required = true)]
        sheets: Vec<PathBuf>,
        /// Chair database (default: the user's data directory/<panel id>-chair).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import paper-form scores from CSV (application,expert,criterion,value[,comment]) / 导入纸质评分
    Import {
        /// The panel directory (with panel.json).
        panel_dir: PathBuf,
        /// The CSV file (UTF-8, with or without BOM).
        csv: PathBuf,
        /// Chair database (default: the user's data directory/<panel id>-chair).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Rank, shortlist and export: JSON, CSV, XLSX, Markdown, 评审汇总表, 评分表 / 评审结果
    Results(Box<panel::commands::results::ResultsArgs>),
    /// Record a person's decision on a manual eligibility gate (journaled in the chair database) / 申报条件人工认定
    Eligibility(Box<panel::commands::eligibility::EligibilityArgs>),
    /// Formula awards of a per-unit or graded track (第十九条–第二十二条); --assign records a grade / 绩效奖补计算
    Awards(Box<panel::commands::awards::AwardsArgs>),
    /// Write a synthetic panel (rubric, bundles, scores CSV) for benchmarks / 生成合成评审数据
    Synth {
        /// Number of applications.
        #[arg(long, value_parser = panel::commands::args::whole::<usize>)]
        apps: usize,
        /// Number of experts in the roster.
        #[arg(long, value_parser = panel::commands::args::whole::<usize>)]
        experts: usize,
        /// Number of criteria (single-item expert criteria K01…, maxima adding up to 100).
        #[arg(long, value_parser = panel::commands::args::whole::<usize>)]
        criteria: usize,
        /// Experts scoring each application (default: min(3, experts)).
        #[arg(long, value_parser = panel::commands::args::whole::<usize>)]
        per_app: Option<usize>,
        /// Seed; the same seed gives the same bytes.
        #[arg(long, default_value_t = 1, value_parser = panel::commands::args::whole::<u64>)]
        seed: u64,
        /// Write no bundles (scores, rubric and panel.json only).
        #[arg(long)]
        no_bundles: bool,
        /// Approximate bytes of section text per bundle.
        #[arg(long, default_value_t = 4096, value_parser = panel::commands::args::whole::<usize>)]
        text_bytes: usize,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Replace a panel already in --out.
        #[arg(long)]
        force: bool,
    },
    /// Reopen one application for one expert / 退回重评
    Reopen {
        /// The panel directory (with panel.json).
        panel_dir: PathBuf,
        #[arg(long)]
        expert: String,
        /// Application code.
        #[arg(long)]
        application: String,
        /// Why (shown to the expert, kept in the audit log).
        #[arg(long)]
        reason: String,
        /// Chair database (default: the user's data directory/<panel id>-chair).
        #[arg(long)]
        db: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum SheetCmd {
    /// Export an expert's sheet (signed when the expert has a key).
    Export {
        /// The panel directory (with panel.json).
        panel_dir: PathBuf,
        #[arg(long)]
        expert: String,
        /// The expert's database (default: the user's data directory/<panel id>-expert-<ID>).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Output sheet file; the signature goes to <FILE>.sig.
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
        #[arg(long)]
        key_dir: Option<PathBuf>,
        /// Replace the panel's own sheet file (sheets/<EXPERT>.sheet.json) even when this
        /// database's screen did not write it (it may hold another database's scores).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
enum BundleCmd {
    /// Check bundle files or directories (recursive, raw/ skipped); exit 1 when any is invalid.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Check against this rubric (file or id) instead of each bundle's program.
        #[arg(long)]
        rubric: Option<PathBuf>,
        /// Also search the names held in this identity map.
        #[arg(long)]
        identity_map: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCmd {
    /// Check the journal (hash chain, sequence) against the sled index and, with --head, a
    /// head printed earlier; read-only. Exit 1 when damaged, disagreeing or rewritten.
    Verify {
        /// Database directory (holding journal.jsonl), or the journal file itself.
        db: PathBuf,
        /// A journal head printed earlier (at least its first 16 hex digits): it must be the
        /// hash of one of the journal's lines.
        #[arg(long)]
        head: Option<String>,
        /// The panel directory: check every line's signature against the key its roster
        /// gives the database's owner (the expert, or panel.json `chair`).
        #[arg(long)]
        panel: Option<PathBuf>,
    },
    /// Explicit repair: move a torn journal tail and a damaged or disagreeing sled index
    /// aside (kept, named in the output) and rebuild the index from the journal as it is.
    Repair {
        /// Database directory (holding journal.jsonl).
        db: PathBuf,
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

/// Writes what the command produced and gives its exit code.
fn emit(o: &Outcome) -> u8 {
    let _ = std::io::stdout().write_all(&o.stdout);
    let _ = std::io::stderr().write_all(o.stderr.as_bytes());
    o.exit.code()
}

/// Dispatches the parsed command line to its command.
fn run(cli: Cli) -> anyhow::Result<Outcome> {
    use panel::commands;
    match cli.cmd {
        Cmd::Demo { lang } => screen(commands::demo::demo(lang.as_deref())),
        Cmd::Score {
            panel_dir,
            expert,
            db,
            lang,
        } => screen(commands::score::score(
            &panel_dir,
            &expert,
            db.as_deref(),
            lang.as_deref(),
        )),
        Cmd::Chair {
            panel_dir,
            db,
            watch,
            lang,
        } => screen(commands::chair::chair(
            &panel_dir,
            db.as_deref(),
            watch,
            lang.as_deref(),
        )),
        Cmd::Status {
            panel_dir,
            expert,
            db,
            json,
        } => Ok(Outcome::done(
            commands::score::status(&panel_dir, &expert, db.as_deref(), json)?,
            "",
        )),
        Cmd::Audit { cmd } => match cmd {
            AuditCmd::Verify { db, head, panel } => {
                commands::audit::verify(&db, head.as_deref(), panel.as_deref())
            }
            AuditCmd::Repair { db } => commands::audit::repair(&db),
        },
        Cmd::Rubric { cmd } => match cmd {
            RubricCmd::Check { files } => Ok(commands::rubric::check(&files)),
            RubricCmd::Show { file } => {
                let l = commands::rubric::load_arg(&file)?;
                Ok(Outcome::done(commands::rubric::show_tree(&l.rubric), ""))
            }
            RubricCmd::Eval {
                rubric,
                facts,
                json,
            } => commands::rubric::eval(&rubric, &facts, json),
        },
        Cmd::Bundle {
            cmd:
                BundleCmd::Check {
                    paths,
                    json,
                    rubric,
                    identity_map,
                },
        } => {
            let opts = commands::bundle::CheckOptions {
                json,
                rubric,
                identity_map,
            };
            commands::bundle::check(&paths, &opts)
        }
        Cmd::Anonymize {
            raw,
            out,
            identity_map,
            force,
            prefix,
            rubric,
            key,
            key_dir,
        } => {
            let keys = commands::bundle::KeyArgs {
                key: key.map(|k| k.display().to_string()),
                key_dir,
            };
            commands::bundle::anonymize_cmd(
                &raw,
                &out,
                &identity_map,
                force,
                prefix,
                rubric.as_deref(),
                &keys,
            )
        }
        Cmd::Keygen {
            expert,
            key_dir,
            force,
        } => commands::sheet::keygen(&expert, key_dir.as_deref(), force),
        Cmd::Sheet {
            cmd:
                SheetCmd::Export {
                    panel_dir,
                    expert,
                    db,
                    output,
                    key_dir,
                    force,
                },
        } => commands::sheet::export(
            &panel_dir,
            &expert,
            db.as_deref(),
            &output,
            key_dir.as_deref(),
            force,
        ),
        Cmd::Merge {
            panel_dir,
            sheets,
            db,
            dry_run,
        } => commands::sheet::merge(&panel_dir, &sheets, db.as_deref(), dry_run),
        Cmd::Import {
            panel_dir,
            csv,
            db,
            dry_run,
        } => commands::sheet::import(&panel_dir, &csv, db.as_deref(), dry_run),
        Cmd::Reopen {
            panel_dir,
            expert,
            application,
            reason,
            db,
        } => commands::sheet::reopen(&panel_dir, &expert, &application, &reason, db.as_deref()),
        Cmd::Results(args) => {
            let (outcome, report) = commands::results::results_keeping(&args)?;
            // The process ends right after this: the operating system takes the report's
            // memory back at once, freeing it piece by piece would only cost time.
            std::mem::forget(report);
            Ok(outcome)
        }
        Cmd::Eligibility(args) => commands::eligibility::eligibility(&args),
        Cmd::Awards(args) => commands::awards::awards(&args),
        Cmd::Synth {
            apps,
            experts,
            criteria,
            per_app,
            seed,
            no_bundles,
            text_bytes,
            out,
            force,
        } => {
            let spec = panel::synth::Spec {
                apps,
                experts,
                criteria,
                per_app: per_app.unwrap_or(experts.min(3)),
                seed,
                bundles: !no_bundles,
                text_bytes,
            };
            commands::synth::synth(&spec, &out, force)
        }
        Cmd::Form {
            rubric,
            output,
            force,
        } => commands::form::form(&rubric, &output, force),
        Cmd::Ingest {
            docx,
            program,
            out,
            report,
            allow_missing,
            force,
        } => commands::ingest::ingest(
            &docx,
            &program,
            &out,
            report.as_deref(),
            allow_missing,
            force,
        ),
        Cmd::Reveal {
            results,
            identity_map,
            json,
            key,
            key_dir,
            unsigned,
            bundles,
        } => {
            let opts = commands::bundle::RevealOpts {
                as_json: json,
                keys: commands::bundle::KeyArgs { key, key_dir },
                unsigned,
                bundles,
            };
            commands::bundle::reveal_cmd(&results, &identity_map, &opts)
        }
    }
}

/// mimalloc: the allocations of the multi-threaded results pipeline (and their frees on
/// other threads) are cheaper than with the system allocator. Built with `no_thp`: with
/// transparent huge pages allowed, system time swung from run to run (page clearing), see
/// docs/benchmarks.md "Allocator".
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A screen's ending as an outcome (a screen prints nothing after it closes).
fn screen(r: anyhow::Result<Exit>) -> anyhow::Result<Outcome> {
    r.map(|exit| Outcome::new(Vec::new(), String::new(), exit))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(outcome) => ExitCode::from(emit(&outcome)),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
