//! A panel directory (`panel.json`: rubric, bundles, expert roster).

/// The demo panel (`fixtures/park-ip-trusteeship-2024/`: panel.json,
/// bundles/ and sheets/), embedded by `build.rs` as (relative path, content).
pub const DEMO_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_demo.rs"));

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bundle::{self, LoadedBundle};
use crate::rubric::{self, RubricError};

/// Schema identifier of `panel.json`.
pub const SCHEMA: &str = "panel/1";

/// Largest `panel.json` accepted (bytes).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// `panel.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PanelConfig {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Panel id (used in store and sheet names).
    pub id: String,
    pub title: String,
    /// A rubric file path relative to the panel directory, or an embedded rubric id.
    pub rubric: String,
    /// Bundles directory relative to the panel directory (default `bundles`).
    #[serde(default = "d_bundles")]
    pub bundles: String,
    pub experts: Vec<Expert>,
    /// Expert id of the panel chair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
    /// The track of a multi-track programme that this panel reviews or awards (an id of the
    /// rubric's `tracks`, or of the embedded programme rubric's, e.g. `univ-ops-center`):
    /// its quota, per-award cap, track total and exclusions then apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    /// The review meeting (date and place, as printed on the 评审汇总表).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<MeetingConfig>,
    /// `"required"` (the default): every roster expert's sheet must be signed, so an expert
    /// without `public_key` is refused at merge; `"optional"`: unsigned sheets of experts
    /// without a key are accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatures: Option<String>,
}

impl PanelConfig {
    /// Whether sheets must be signed (`signatures` absent or `"required"`).
    pub fn signatures_required(&self) -> bool {
        self.signatures.as_deref() != Some("optional")
    }
}

/// `meeting` of `panel.json`: `{"date": "2024年9月12日", "place": "…"}` (both optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeetingConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

fn d_bundles() -> String {
    "bundles".into()
}

/// One expert of the roster.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expert {
    /// Short id, unique in the panel (`E01`); letters, digits, `-`, `_`.
    pub id: String,
    pub name: String,
    /// Ed25519 public key (hex), once the expert has one.
    #[serde(default)]
    pub public_key: Option<String>,
}

/// An opened panel: its configuration, rubric and bundles.
#[derive(Debug, Clone)]
pub struct Panel {
    pub dir: PathBuf,
    pub config: PanelConfig,
    pub rubric: rubric::Loaded,
    /// Valid bundles, sorted by code.
    pub bundles: Vec<LoadedBundle>,
    /// Bundles that cannot be used, with the reason (file errors, problems,
    /// duplicate codes), sorted by path.
    pub invalid: Vec<(PathBuf, String)>,
    /// The track named by `panel.json` (`track`), resolved.
    pub track: Option<rubric::Track>,
}

/// Errors opening a panel directory.
#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    #[error("{file}: cannot read: {cause}. Is this a panel directory (with panel.json)?")]
    Io {
        file: PathBuf,
        cause: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] bundle::BundleError),
    /// The path given as the panel directory is not one (a file, or nothing).
    #[error("{}: {message}", dir.display())]
    NotADir { dir: PathBuf, message: String },
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
    #[error("{file}: rubric `{rubric}` is neither a file relative to the panel directory nor an embedded rubric (embedded: {known})")]
    UnknownRubric {
        file: PathBuf,
        rubric: String,
        known: String,
    },
    #[error("{file}: rubric: {cause}")]
    Rubric { file: PathBuf, cause: RubricError },
}

/// A panel directory is a folder: a file in its place (a sheet, a scores CSV, `panel.json`
/// itself: the arguments in the wrong order) or a path that does not exist is said as such,
/// with what to give instead.
fn check_panel_dir(dir: &Path) -> Result<(), PanelError> {
    let message = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() && !dir.join("panel.json").exists() && is_database(dir) => {
            "is a database (it holds journal.jsonl), not a panel directory: PANEL_DIR (the \
             folder that holds panel.json) comes first, the database goes after --db <DB>"
                .into()
        }
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) if dir.file_name().is_some_and(|n| n == "panel.json") => format!(
            "this is the panel file; give the folder that holds it ({}) as PANEL_DIR",
            match dir.parent().map(|p| p.display().to_string()) {
                Some(p) if !p.is_empty() => p,
                _ => ".".into(),
            }
        ),
        Ok(_) => "is a file, not a panel directory; PANEL_DIR (the folder that holds panel.json) \
                  comes first, the files after it (`panel merge <PANEL_DIR> <SHEET>...`, \
                  `panel import <PANEL_DIR> <CSV>`)"
            .into(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "no such folder; give the panel directory (the folder that holds panel.json), \
             relative to the current folder or absolute"
                .into()
        }
        // Permissions and the like: said by the read of panel.json that follows.
        Err(_) => return Ok(()),
    };
    Err(PanelError::NotADir {
        dir: dir.to_path_buf(),
        message,
    })
}

/// A folder that holds a database's journal (`panel score`, `merge`, … keep one there).
fn is_database(dir: &Path) -> bool {
    dir.join(crate::store::JOURNAL_FILE).is_file()
}

impl Panel {
    /// Open a panel directory: read `panel.json`, resolve the rubric (a file
    /// relative to the directory if it exists, else an embedded rubric id),
    /// and load every `*.json` in the bundles directory (not recursive).
    /// Invalid bundles and the second of two bundles with the same code go to
    /// [`Panel::invalid`] with their reason; the rest stay usable.
    pub fn open(dir: &Path) -> Result<Panel, PanelError> {
        check_panel_dir(dir)?;
        let file = dir.join("panel.json");
        let (text, _) = bundle::read_json_text(&file, MAX_CONFIG_BYTES).map_err(|e| match e {
            bundle::BundleError::Io { file, cause } => PanelError::Io { file, cause },
            other => PanelError::File(other),
        })?;
        let config: PanelConfig = rubric::parse_json(&file, &text)
            .map_err(|e| PanelError::File(bundle::BundleError::from(e)))?;
        validate_config(&file, &config)?;

        let rubric_path = dir.join(&config.rubric);
        let outside = |key: &str, value: &str| PanelError::Invalid {
            file: file.clone(),
            message: format!(
                "`{key}` `{value}` resolves (through a symbolic link) outside the panel \
                 directory; copy the files into the panel directory"
            ),
        };
        if rubric_path.exists() && !resolves_inside(dir, &rubric_path) {
            return Err(outside("rubric", &config.rubric));
        }
        let rubric = if !config.rubric.is_empty() && rubric_path.is_file() {
            rubric::load(&rubric_path).map_err(|cause| PanelError::Rubric {
                file: file.clone(),
                cause,
            })?
        } else {
            rubric::embedded(&config.rubric).ok_or_else(|| PanelError::UnknownRubric {
                file: file.clone(),
                rubric: config.rubric.clone(),
                known: rubric::embedded_ids(),
            })?
        };

        let track = match &config.track {
            None => None,
            Some(id) => Some(resolve_track(&file, id, &rubric.rubric)?),
        };
        let track_gates = track.as_ref().map_or(0, |t| t.eligibility.len());

        let bdir = dir.join(&config.bundles);
        if bdir.exists() && !resolves_inside(dir, &bdir) {
            return Err(outside("bundles", &config.bundles));
        }
        let rd = std::fs::read_dir(&bdir).map_err(|cause| PanelError::Io {
            file: bdir.clone(),
            cause,
        })?;
        let mut candidates: Vec<PathBuf> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.is_dir())
            .collect();
        candidates.sort();
        // Symlinks only inside the folder and never a second path to a bundle; FIFOs and
        // devices never read.
        let (paths, skipped) = bundle::select_entries(&candidates, &bdir);
        if paths.is_empty() && (!rubric.rubric.eligibility.is_empty() || track_gates > 0) {
            return Err(PanelError::Invalid {
                file: file.clone(),
                message: format!(
                    "the bundles folder {} holds no bundle (*.json), but rubric `{}` (or the \
                     track) has eligibility gates that are checked from the bundles; put the \
                     bundles there or correct `bundles` in panel.json",
                    bdir.display(),
                    rubric.rubric.id
                ),
            });
        }

        let mut bundles: Vec<LoadedBundle> = Vec::new();
        let mut invalid = skipped;
        let mut by_code: BTreeMap<String, PathBuf> = BTreeMap::new();
        for p in paths {
            match bundle::load_bundle(&p, &rubric.rubric) {
                Err(e) => invalid.push((p, e.to_string())),
                Ok(b) if !b.is_valid() => {
                    let reason = b.reason();
                    invalid.push((p, reason));
                }
                Ok(b) => {
                    if let Some(first) = by_code.get(&b.bundle.code) {
                        invalid.push((
                            p.clone(),
                            format!(
                                "duplicate code `{}`: also used by {}; give each bundle its own code",
                                b.bundle.code,
                                first.display()
                            ),
                        ));
                    } else {
                        by_code.insert(b.bundle.code.clone(), p);
                        bundles.push(b);
                    }
                }
            }
        }
        bundles.sort_by(|a, b| a.bundle.code.cmp(&b.bundle.code));
        invalid.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Panel {
            dir: dir.to_path_buf(),
            config,
            rubric,
            bundles,
            invalid,
            track,
        })
    }

    /// The eligibility gates every application of this panel is checked against: the
    /// rubric's `eligibility`, then the gates of the track that `panel.json` names (who may
    /// apply to it, seed 002 第六条–第二十二条). Results, awards, `panel eligibility` and the
    /// chair screen all read them here.
    pub fn eligibility_gates(&self) -> Vec<rubric::Gate> {
        let mut gates = self.rubric.rubric.eligibility.clone();
        if let Some(t) = &self.track {
            gates.extend(t.eligibility.iter().cloned());
        }
        gates
    }

    /// A valid bundle by code.
    pub fn bundle(&self, code: &str) -> Option<&LoadedBundle> {
        self.bundles.iter().find(|b| b.bundle.code == code)
    }

    /// An expert by id.
    pub fn expert(&self, id: &str) -> Option<&Expert> {
        self.config.experts.iter().find(|e| e.id == id)
    }

    /// The valid bundles' codes, `, `-separated (for a message naming what may be given).
    pub fn bundle_codes(&self) -> String {
        let codes: Vec<&str> = self
            .bundles
            .iter()
            .map(|b| b.bundle.code.as_str())
            .collect();
        codes.join(", ")
    }

    /// The roster's expert ids, `, `-separated (for a message naming what may be given).
    pub fn expert_ids(&self) -> String {
        let ids: Vec<&str> = self.config.experts.iter().map(|e| e.id.as_str()).collect();
        ids.join(", ")
    }
}

/// The track `id` named by `panel.json`: from the panel's rubric's `tracks`, else from an
/// embedded rubric's (the programme rubric lists every track). A reviewed track must be
/// reviewed with the rubric it names.
fn resolve_track(file: &Path, id: &str, r: &rubric::Rubric) -> Result<rubric::Track, PanelError> {
    let found = r.tracks.iter().find(|t| t.id == id).cloned().or_else(|| {
        rubric::EMBEDDED.iter().find_map(|(stem, _)| {
            let l = rubric::embedded(stem)?;
            l.rubric.tracks.into_iter().find(|t| t.id == id)
        })
    });
    let Some(t) = found else {
        let mut known: Vec<String> = r.tracks.iter().map(|t| t.id.clone()).collect();
        if known.is_empty() {
            known = rubric::EMBEDDED
                .iter()
                .filter_map(|(stem, _)| rubric::embedded(stem))
                .flat_map(|l| l.rubric.tracks.into_iter().map(|t| t.id))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
        }
        return Err(PanelError::Invalid {
            file: file.to_path_buf(),
            message: format!(
                "`track` `{id}` is not a track of rubric `{}` nor of an embedded programme \
                 rubric; give one of: {}",
                r.id,
                known.join(", ")
            ),
        });
    };
    // The track's gates are checked together with the rubric's: one id, one gate.
    if let Some(g) = t
        .eligibility
        .iter()
        .find(|g| r.eligibility.iter().any(|e| e.id == g.id))
    {
        return Err(PanelError::Invalid {
            file: file.to_path_buf(),
            message: format!(
                "`track` `{id}` ({} {}) has an eligibility gate `{}`, and rubric `{}` has one \
                 with the same id; give the rubric's gate another id",
                t.article, t.title, g.id, r.id
            ),
        });
    }
    if t.kind() == Some(crate::rubric::TrackMode::Panel) {
        if let Some(tr) = &t.rubric {
            if tr != &r.id {
                return Err(PanelError::Invalid {
                    file: file.to_path_buf(),
                    message: format!(
                        "`track` `{id}` ({} {}) is reviewed with rubric `{tr}`, but `rubric` \
                         is `{}`; set `rubric` to `{tr}`",
                        t.article, t.title, r.id
                    ),
                });
            }
        }
    }
    Ok(t)
}

fn id_ok(id: &str) -> bool {
    bundle::code_ok(id)
}

/// A path written in `panel.json` that stays inside the panel directory by its words:
/// relative, with no `..`, no root and no drive prefix.
fn stays_inside(path: &str) -> bool {
    use std::path::Component;
    !path.trim().is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// `path` (which exists) resolves, through any symbolic links, inside `dir`.
fn resolves_inside(dir: &Path, path: &Path) -> bool {
    match (dir.canonicalize(), path.canonicalize()) {
        (Ok(d), Ok(p)) => p.starts_with(d),
        _ => false,
    }
}

fn validate_config(file: &Path, c: &PanelConfig) -> Result<(), PanelError> {
    let bad = |message: String| PanelError::Invalid {
        file: file.to_path_buf(),
        message,
    };
    if c.schema != SCHEMA {
        return Err(bad(format!(
            "schema is `{}`, this version of panel reads `{SCHEMA}`",
            c.schema
        )));
    }
    if !id_ok(&c.id) {
        return Err(bad(format!(
            "`id` `{}` must be 1–40 ASCII letters, digits, `-` or `_`",
            c.id
        )));
    }
    if c.rubric.trim().is_empty() {
        return Err(bad("`rubric` is empty; give a rubric id or file".into()));
    }
    for (key, value) in [("rubric", &c.rubric), ("bundles", &c.bundles)] {
        if !stays_inside(value) {
            return Err(bad(format!(
                "`{key}` `{value}` leads outside the panel directory; give a path relative to \
                 the panel directory without `..` (or, for `rubric`, an embedded rubric id), and \
                 copy the files into the panel directory"
            )));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, e) in c.experts.iter().enumerate() {
        if !id_ok(&e.id) {
            return Err(bad(format!(
                "experts[{i}].id `{}` must be 1–40 ASCII letters, digits, `-` or `_`",
                e.id
            )));
        }
        if !seen.insert(e.id.as_str()) {
            return Err(bad(format!(
                "experts[{i}].id `{}` is used twice; expert ids must be unique",
                e.id
            )));
        }
    }
    if let Some(ch) = &c.chair {
        if !seen.contains(ch.as_str()) {
            return Err(bad(format!(
                "`chair` `{ch}` is not an expert id of the roster"
            )));
        }
    }
    if let Some(s) = &c.signatures {
        if s != "required" && s != "optional" {
            return Err(bad(format!(
                "`signatures` is {s:?}; write \"required\" (the default) or \"optional\""
            )));
        }
    }
    Ok(())
}

/// Write the embedded demo panel ([`DEMO_FILES`]) into `dir`, creating
/// directories as needed. Existing files are never overwritten (so a demo
/// directory in use keeps its sheets); missing ones are written.
pub fn materialize_demo(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (rel, content) in DEMO_FILES {
        let rel = Path::new(rel);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            continue;
        }
        let path = dir.join(rel);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // A plain write, not `atomic_file`: these are copies of files embedded in the
        // binary, and `panel demo` writes them into a fresh temporary directory each time;
        // two fsyncs for each of them would weigh on the demo's start-up (bar: < 200 ms).
        std::fs::write(&path, content)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, s: &str) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    }

    const CONFIG: &str = r#"{"schema":"panel/1","id":"t","title":"t","rubric":"park-ip-trusteeship-2024",
        "experts":[{"id":"E01","name":"专家一"},{"id":"E02","name":"专家二"}],"chair":"E01"}"#;

    #[test]
    fn config_errors_name_the_file() {
        let d = tempfile::tempdir().unwrap();
        let e = Panel::open(d.path()).unwrap_err().to_string();
        assert!(e.contains("panel.json"), "{e}");
        // The error of opening the panel with `config` as its panel.json.
        let refused = |config: &str| {
            write(&d.path().join("panel.json"), config);
            Panel::open(d.path()).unwrap_err().to_string()
        };
        let e = refused(&CONFIG.replace("\"E02\"", "\"E01\""));
        assert!(e.contains("used twice"), "{e}");
        let e = refused(&CONFIG.replace("\"chair\":\"E01\"", "\"chair\":\"E09\""));
        assert!(e.contains("chair"), "{e}");
        let e = refused(&CONFIG.replace("park-ip-trusteeship-2024", "nope"));
        assert!(e.contains("nope") && e.contains("embedded"), "{e}");
        let e = refused(&CONFIG.replace("\"title\"", "\"titel\""));
        assert!(e.contains("titel"), "{e}");
        let e = refused(CONFIG);
        assert!(e.contains("bundles"), "{e}");
        std::fs::create_dir_all(d.path().join("bundles")).unwrap();
        // The rubric has eligibility gates: an empty bundles folder is an error.
        let e = Panel::open(d.path()).unwrap_err().to_string();
        assert!(e.contains("holds no bundle"), "{e}");
        write(&d.path().join("bundles/bad.json"), "{}");
        let p = Panel::open(d.path()).unwrap();
        assert!(p.bundles.is_empty() && p.invalid.len() == 1);
        assert_eq!(p.expert("E02").map(|e| e.name.as_str()), Some("专家二"));
    }

    #[test]
    fn paths_stay_inside_the_panel_directory() {
        let d = tempfile::tempdir().unwrap();
        write(&d.path().join("bundles/b.json"), "{}");
        for (key, value) in [
            ("bundles", "/etc"),
            ("bundles", "../../../../etc"),
            ("bundles", "/dev"),
            ("bundles", "bundles/../.."),
            ("rubric", "../../../../etc/passwd"),
            ("rubric", "/etc/passwd"),
        ] {
            let config = if key == "bundles" {
                CONFIG.replace("\"chair\"", &format!("\"bundles\":\"{value}\",\"chair\""))
            } else {
                CONFIG.replace("park-ip-trusteeship-2024", value)
            };
            write(&d.path().join("panel.json"), &config);
            let e = Panel::open(d.path()).unwrap_err().to_string();
            assert!(
                e.contains("panel.json") && e.contains("outside the panel directory"),
                "{key} {value}: {e}"
            );
        }
        // A symbolic link inside the directory that leads out of it.
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            write(&outside.path().join("b.json"), "{}");
            std::os::unix::fs::symlink(outside.path(), d.path().join("elsewhere")).unwrap();
            write(
                &d.path().join("panel.json"),
                &CONFIG.replace("\"chair\"", "\"bundles\":\"elsewhere\",\"chair\""),
            );
            let e = Panel::open(d.path()).unwrap_err().to_string();
            assert!(e.contains("symbolic link"), "{e}");
        }
        write(&d.path().join("panel.json"), CONFIG);
        assert!(Panel::open(d.path()).is_ok());
    }

    #[test]
    fn rubric_file_and_invalid_bundles() {
        let d = tempfile::tempdir().unwrap();
        let (_, text) = rubric::EMBEDDED
            .iter()
            .find(|(id, _)| *id == "park-ip-trusteeship-2024")
            .unwrap();
        write(&d.path().join("rules/r.json"), text);
        write(
            &d.path().join("panel.json"),
            &CONFIG.replace("\"park-ip-trusteeship-2024\"", "\"rules/r.json\""),
        );
        write(&d.path().join("bundles/bad.json"), "{\"schema\": 1}");
        write(&d.path().join("bundles/notes.txt"), "ignored");
        let p = Panel::open(d.path()).unwrap();
        assert!(p.rubric.path.ends_with("rules/r.json"));
        assert_eq!(p.invalid.len(), 1);
        assert!(p.invalid[0].0.ends_with("bad.json"));
        assert!(p.invalid[0].1.contains("bad.json"), "{}", p.invalid[0].1);
        // A broken rubric file is an error naming panel.json and the rubric.
        write(&d.path().join("rules/r.json"), "{");
        let e = Panel::open(d.path()).unwrap_err().to_string();
        assert!(e.contains("panel.json") && e.contains("r.json"), "{e}");
    }

    #[test]
    fn demo_materializes_and_opens() {
        if DEMO_FILES.is_empty() {
            return; // fixtures not generated yet
        }
        let d = tempfile::tempdir().unwrap();
        materialize_demo(d.path()).unwrap();
        // Idempotent, never overwrites.
        std::fs::write(d.path().join("panel.json.keep"), "x").unwrap();
        materialize_demo(d.path()).unwrap();
        let p = Panel::open(d.path()).unwrap();
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        assert!(p.bundles.len() >= 8);
        assert!(p.bundle("T24-001").is_some());
    }
}
