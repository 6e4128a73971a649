//! The command line's subcommands and their arguments (clap), each with the plumbing from
//! its arguments to its command in `commands/` ([`Cmd::run`]; `src/main.rs` only parses and
//! calls it). Numeric options use the parsers of `value_parsers.rs`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::awards::AwardsArgs;
use super::eligibility::EligibilityArgs;
use super::results::ResultsArgs;
use super::value_parsers::whole;
use super::{Exit, Outcome};

/// The subcommands of `panel` (the binary parses them and calls [`Cmd::run`]).
#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Audit log: verify a database's hash-chained journal / 审计日志
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// The chair's screen: ranking, details, progress, expert lean; reopen, export / 评审组长
    Chair(ChairArgs),
    /// Try the expert and chair screens on the embedded demo panel (F2 switches; a fresh temporary database) / 演示
    Demo(DemoArgs),
    /// Open the expert screen: score applications criterion by criterion / 专家评分
    Score(ScoreArgs),
    /// What an expert has scored and submitted, per application / 评分进度
    Status(StatusArgs),
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
    Anonymize(AnonymizeArgs),
    /// A program's blank 申报书 as a Word document / 申报书模板
    Form(FormArgs),
    /// Filled 申报书 (.docx) → raw applications (panel-raw/1) / 读取申报书
    Ingest(IngestArgs),
    /// Join a results file or list of codes with the identity map / 揭示申报单位
    Reveal(RevealArgs),
    /// Make an Ed25519 key pair: an expert's (prints the public key for panel.json) or, with --expert SECRETARIAT, the key that signs identity maps / 生成密钥
    Keygen(KeygenArgs),
    /// Score sheets / 评分表
    Sheet {
        #[command(subcommand)]
        cmd: SheetCmd,
    },
    /// Verify and merge expert sheets into the chair database / 合并评分表
    Merge(MergeArgs),
    /// Import paper-form scores from CSV (application,expert,criterion,value[,comment]) / 导入纸质评分
    Import(ImportArgs),
    /// Rank, shortlist and export: JSON, CSV, XLSX, Markdown, 评审汇总表, 评分表 / 评审结果
    Results(Box<ResultsArgs>),
    /// Record a person's decision on a manual eligibility gate (journaled in the chair database) / 申报条件人工认定
    Eligibility(Box<EligibilityArgs>),
    /// Formula awards of a per-unit or graded track (第十九条–第二十二条); --assign records a grade / 绩效奖补计算
    Awards(Box<AwardsArgs>),
    /// Write a synthetic panel (rubric, bundles, scores CSV) for benchmarks / 生成合成评审数据
    Synth(SynthArgs),
    /// Reopen one application for one expert / 退回重评
    Reopen(ReopenArgs),
}

impl Cmd {
    /// Runs the command: what it printed and how it ended (a screen prints nothing after
    /// it closes).
    pub fn run(self) -> Result<Outcome> {
        match self {
            Cmd::Audit { cmd } => cmd.run(),
            Cmd::Chair(a) => a.run(),
            Cmd::Demo(a) => a.run(),
            Cmd::Score(a) => a.run(),
            Cmd::Status(a) => a.run(),
            Cmd::Rubric { cmd } => cmd.run(),
            Cmd::Bundle { cmd } => cmd.run(),
            Cmd::Anonymize(a) => a.run(),
            Cmd::Form(a) => a.run(),
            Cmd::Ingest(a) => a.run(),
            Cmd::Reveal(a) => a.run(),
            Cmd::Keygen(a) => a.run(),
            Cmd::Sheet { cmd } => cmd.run(),
            Cmd::Merge(a) => a.run(),
            Cmd::Import(a) => a.run(),
            Cmd::Results(a) => {
                let (outcome, report) = super::results::results_keeping(&a)?;
                // The process ends right after this: the operating system takes the report's
                // memory back at once, freeing it piece by piece would only cost time.
                std::mem::forget(report);
                Ok(outcome)
            }
            Cmd::Eligibility(a) => super::eligibility::eligibility(&a),
            Cmd::Awards(a) => super::awards::awards(&a),
            Cmd::Synth(a) => a.run(),
            Cmd::Reopen(a) => a.run(),
        }
    }
}

/// A screen's ending as an outcome (a screen prints nothing after it closes).
fn screen(r: Result<Exit>) -> Result<Outcome> {
    r.map(|exit| Outcome::new(Vec::new(), String::new(), exit))
}

/// `panel chair`.
#[derive(Args, Debug)]
pub struct ChairArgs {
    /// Panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// Chair database (default: the user's data directory/<panel id>-chair).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Merge new sheets from <PANEL_DIR>/sheets/ as they arrive (polls every second).
    #[arg(long)]
    pub watch: bool,
    /// Interface language: zh or en (default from LANG).
    #[arg(long, value_parser = super::value_parsers::lang)]
    pub lang: Option<String>,
}

impl ChairArgs {
    fn run(self) -> Result<Outcome> {
        screen(super::chair::chair(
            &self.panel_dir,
            self.db.as_deref(),
            self.watch,
            self.lang.as_deref(),
        ))
    }
}

/// `panel demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Interface language: zh or en (default from LANG).
    #[arg(long, value_parser = super::value_parsers::lang)]
    pub lang: Option<String>,
}

impl DemoArgs {
    fn run(self) -> Result<Outcome> {
        screen(super::demo::demo(self.lang.as_deref()))
    }
}

/// `panel score`.
#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// Expert id (as in panel.json).
    #[arg(long)]
    pub expert: String,
    /// Database directory (default: the user's data directory/<panel>-expert-<id>).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Interface language: zh or en (default from LANG).
    #[arg(long, value_parser = super::value_parsers::lang)]
    pub lang: Option<String>,
}

impl ScoreArgs {
    fn run(self) -> Result<Outcome> {
        screen(super::score::score(
            &self.panel_dir,
            &self.expert,
            self.db.as_deref(),
            self.lang.as_deref(),
        ))
    }
}

/// `panel status`.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// Expert id (as in panel.json).
    #[arg(long)]
    pub expert: String,
    /// Database directory (default as for `panel score`).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl StatusArgs {
    fn run(self) -> Result<Outcome> {
        let text =
            super::score::status(&self.panel_dir, &self.expert, self.db.as_deref(), self.json)?;
        Ok(Outcome::done(text, ""))
    }
}

/// `panel anonymize`.
#[derive(Args, Debug)]
pub struct AnonymizeArgs {
    /// Raw application files (panel-raw/1) or directories of them.
    #[arg(required = true)]
    pub raw: Vec<PathBuf>,
    /// Directory for the bundles (handed to experts).
    #[arg(long)]
    pub out: PathBuf,
    /// Identity map to write (secretariat only; never inside --out).
    #[arg(long)]
    pub identity_map: PathBuf,
    /// Replace an existing identity map and bundles (codes are kept).
    #[arg(long)]
    pub force: bool,
    /// Code prefix instead of the program's (T24, DP, OC, PC, SF…).
    #[arg(long)]
    pub prefix: Option<String>,
    /// Check against this rubric (file or id) instead of the program's.
    #[arg(long)]
    pub rubric: Option<PathBuf>,
    /// The secretariat's secret key file that signs the identity map (default:
    /// SECRETARIAT.ed25519 in the key directory, from `panel keygen --expert SECRETARIAT`).
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
    #[arg(long)]
    pub key_dir: Option<PathBuf>,
}

impl AnonymizeArgs {
    fn run(self) -> Result<Outcome> {
        let keys = super::bundle::KeyArgs {
            key: self.key.map(|k| k.display().to_string()),
            key_dir: self.key_dir,
        };
        super::bundle::anonymize_cmd(
            &self.raw,
            &self.out,
            &self.identity_map,
            self.force,
            self.prefix,
            self.rubric.as_deref(),
            &keys,
        )
    }
}

/// `panel form`.
#[derive(Args, Debug)]
pub struct FormArgs {
    /// Rubric file or embedded rubric id (e.g. park-ip-trusteeship-2024).
    pub rubric: PathBuf,
    /// The .docx to write.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

impl FormArgs {
    fn run(self) -> Result<Outcome> {
        super::form::form(&self.rubric, &self.output, self.force)
    }
}

/// `panel ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Filled forms (.docx).
    #[arg(required = true)]
    pub docx: Vec<PathBuf>,
    /// Program: rubric file or embedded rubric id.
    #[arg(long)]
    pub program: PathBuf,
    /// Directory for the raw applications.
    #[arg(long)]
    pub out: PathBuf,
    /// Write a per-file JSON report (what was read, what is missing, refusals).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Write a raw application even when values are missing (they stay missing).
    #[arg(long)]
    pub allow_missing: bool,
    /// Replace raw applications that already exist in --out.
    #[arg(long)]
    pub force: bool,
}

impl IngestArgs {
    fn run(self) -> Result<Outcome> {
        super::ingest::ingest(
            &self.docx,
            &self.program,
            &self.out,
            self.report.as_deref(),
            self.allow_missing,
            self.force,
        )
    }
}

/// `panel reveal`.
#[derive(Args, Debug)]
pub struct RevealArgs {
    /// Results (JSON from `panel results`, CSV, or one code per line).
    pub results: PathBuf,
    /// The identity map `panel anonymize` wrote (its signature `<map>.sig` is read from
    /// beside it).
    #[arg(long)]
    pub identity_map: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The secretariat's public key (`ed25519:<hex>` or a .pub file; default:
    /// SECRETARIAT.ed25519.pub in the key directory).
    #[arg(long)]
    pub key: Option<String>,
    /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
    #[arg(long)]
    pub key_dir: Option<PathBuf>,
    /// Reveal from an unsigned or altered identity map anyway (the output says so).
    #[arg(long)]
    pub unsigned: bool,
    /// Bundles directory: each revealed code's bundle must be there, with the map's sha256.
    #[arg(long)]
    pub bundles: Option<PathBuf>,
    /// Reveal even when a raw file the map names cannot be found (looked for from the
    /// map's folder, then the current folder); its sha256 is then not checked.
    #[arg(long)]
    pub allow_missing_raw: bool,
}

impl RevealArgs {
    fn run(self) -> Result<Outcome> {
        let opts = super::bundle::RevealOpts {
            as_json: self.json,
            keys: super::bundle::KeyArgs {
                key: self.key,
                key_dir: self.key_dir,
            },
            unsigned: self.unsigned,
            bundles: self.bundles,
            allow_missing_raw: self.allow_missing_raw,
        };
        super::bundle::reveal_cmd(&self.results, &self.identity_map, &opts)
    }
}

/// `panel keygen`.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Expert id (as in panel.json), or SECRETARIAT for the key that signs identity maps.
    #[arg(long)]
    pub expert: String,
    /// Key directory (default: $PANEL_KEY_DIR, else the user's data directory/keys).
    #[arg(long)]
    pub key_dir: Option<PathBuf>,
    /// Replace an existing key.
    #[arg(long)]
    pub force: bool,
}

impl KeygenArgs {
    fn run(self) -> Result<Outcome> {
        super::sheet::keygen(&self.expert, self.key_dir.as_deref(), self.force)
    }
}

/// `panel merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// Sheet files (their .sig files are read from beside them).
    #[arg(required = true)]
    pub sheets: Vec<PathBuf>,
    /// Chair database (default: the user's data directory/<panel id>-chair).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl MergeArgs {
    fn run(self) -> Result<Outcome> {
        super::sheet::merge(
            &self.panel_dir,
            &self.sheets,
            self.db.as_deref(),
            self.dry_run,
        )
    }
}

/// `panel import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// The CSV file (UTF-8, with or without BOM).
    pub csv: PathBuf,
    /// Chair database (default: the user's data directory/<panel id>-chair).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl ImportArgs {
    fn run(self) -> Result<Outcome> {
        super::sheet::import(&self.panel_dir, &self.csv, self.db.as_deref(), self.dry_run)
    }
}

/// `panel synth`.
#[derive(Args, Debug)]
pub struct SynthArgs {
    /// Number of applications.
    #[arg(long, value_parser = whole::<usize>)]
    pub apps: usize,
    /// Number of experts in the roster.
    #[arg(long, value_parser = whole::<usize>)]
    pub experts: usize,
    /// Number of criteria (single-item expert criteria K01…, maxima adding up to 100).
    #[arg(long, value_parser = whole::<usize>)]
    pub criteria: usize,
    /// Experts scoring each application (default: min(3, experts)).
    #[arg(long, value_parser = whole::<usize>)]
    pub per_app: Option<usize>,
    /// Seed; the same seed gives the same bytes.
    #[arg(long, default_value_t = 1, value_parser = whole::<u64>)]
    pub seed: u64,
    /// Write no bundles (scores, rubric and panel.json only).
    #[arg(long)]
    pub no_bundles: bool,
    /// Approximate bytes of section text per bundle.
    #[arg(long, default_value_t = 4096, value_parser = whole::<usize>)]
    pub text_bytes: usize,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace a panel already in --out.
    #[arg(long)]
    pub force: bool,
}

impl SynthArgs {
    fn run(self) -> Result<Outcome> {
        let spec = crate::synth::Spec {
            apps: self.apps,
            experts: self.experts,
            criteria: self.criteria,
            per_app: self.per_app.unwrap_or(self.experts.min(3)),
            seed: self.seed,
            bundles: !self.no_bundles,
            text_bytes: self.text_bytes,
        };
        super::synth::synth(&spec, &self.out, self.force)
    }
}

/// `panel reopen`.
#[derive(Args, Debug)]
pub struct ReopenArgs {
    /// The panel directory (with panel.json).
    pub panel_dir: PathBuf,
    /// The expert to whom the application goes back (as in panel.json).
    #[arg(long)]
    pub expert: String,
    /// Application code.
    #[arg(long)]
    pub application: String,
    /// Why (shown to the expert, kept in the audit log).
    #[arg(long)]
    pub reason: String,
    /// Chair database (default: the user's data directory/<panel id>-chair).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

impl ReopenArgs {
    fn run(self) -> Result<Outcome> {
        super::sheet::reopen(
            &self.panel_dir,
            &self.expert,
            &self.application,
            &self.reason,
            self.db.as_deref(),
        )
    }
}

/// `panel sheet …`.
#[derive(Subcommand, Debug)]
pub enum SheetCmd {
    /// Export an expert's sheet (signed when the expert has a key).
    Export {
        /// The panel directory (with panel.json).
        panel_dir: PathBuf,
        /// Expert id (as in panel.json) whose sheet is exported.
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

impl SheetCmd {
    fn run(self) -> Result<Outcome> {
        match self {
            SheetCmd::Export {
                panel_dir,
                expert,
                db,
                output,
                key_dir,
                force,
            } => super::sheet::export(
                &panel_dir,
                &expert,
                db.as_deref(),
                &output,
                key_dir.as_deref(),
                force,
            ),
        }
    }
}

/// `panel bundle …`.
#[derive(Subcommand, Debug)]
pub enum BundleCmd {
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
        /// Also search the names and identity values (address, postcode, bank,
        /// numbers) held in this identity map.
        #[arg(long)]
        identity_map: Option<PathBuf>,
    },
}

impl BundleCmd {
    fn run(self) -> Result<Outcome> {
        match self {
            BundleCmd::Check {
                paths,
                json,
                rubric,
                identity_map,
            } => {
                let opts = super::bundle::CheckOptions {
                    json,
                    rubric,
                    identity_map,
                };
                super::bundle::check(&paths, &opts)
            }
        }
    }
}

/// `panel audit …`.
#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check the journal (hash chain, sequence) against the sled index and, with --head, a
    /// head printed earlier; read-only. Exit 1 when damaged, disagreeing or rewritten (also
    /// when its lines stop carrying signatures partway).
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
    /// Refused for a journal whose lines stop carrying signatures partway (rewritten).
    Repair {
        /// Database directory (holding journal.jsonl).
        db: PathBuf,
    },
}

impl AuditCmd {
    fn run(self) -> Result<Outcome> {
        match self {
            AuditCmd::Verify { db, head, panel } => {
                super::audit::verify(&db, head.as_deref(), panel.as_deref())
            }
            AuditCmd::Repair { db } => super::audit::repair(&db),
        }
    }
}

/// `panel rubric …`.
#[derive(Subcommand, Debug)]
pub enum RubricCmd {
    /// Validate rubric files; exit 0 when valid (warnings allowed), 1 otherwise.
    Check {
        /// Rubric JSON files, or folders holding them (their *.json).
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
        /// Also check the applicant gates of this track of the rubric (who may apply to
        /// it, e.g. `bank-pledge-award`), as a panel naming the track does.
        #[arg(long, value_name = "ID")]
        track: Option<String>,
    },
}

impl RubricCmd {
    fn run(self) -> Result<Outcome> {
        match self {
            RubricCmd::Check { files } => Ok(super::rubric::check(&files)),
            RubricCmd::Show { file } => {
                let l = super::rubric::load_arg(&file)?;
                Ok(Outcome::done(super::rubric::show_tree(&l.rubric), ""))
            }
            RubricCmd::Eval {
                rubric,
                facts,
                json,
                track,
            } => super::rubric::eval(&rubric, &facts, json, track.as_deref()),
        }
    }
}
