//! `panel bundle check`, `panel anonymize`, `panel reveal`.

use super::{Exit, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::{json, Value};

use crate::anonymize;
use crate::bundle::{self, kind, BundleError, LoadedBundle, Problem};
use crate::commands::rubric::load_arg;
use crate::rubric;

/// Options of `panel bundle check`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Print JSON instead of text.
    pub json: bool,
    /// Check every bundle against this rubric (file or embedded id) instead of
    /// the embedded rubric named by its `program`.
    pub rubric: Option<PathBuf>,
    /// Also search the names and identity values (address, postcode, bank,
    /// numbers) held in this identity map.
    pub identity_map: Option<PathBuf>,
}

/// The outcome for one file.
#[derive(Debug)]
pub struct Checked {
    pub path: PathBuf,
    /// The bundle's code, when the file could be parsed.
    pub id: Option<String>,
    pub program: Option<String>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Directories never walked: raw applications (identity data), VCS and build dirs.
const SKIP_DIRS: [&str; 4] = ["raw", ".git", "target", "node_modules"];

/// Files found under the given paths. Files named explicitly are always
/// checked; in directories (walked recursively, `raw/` skipped) only `*.json`
/// files other than `panel.json` are, and files whose `schema` names another
/// panel format (`panel-raw/…`, `panel-identity/…`, `panel/…`, sheets …) are
/// skipped and listed.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut candidates = Vec::new();
            walk(p, &mut candidates, &mut skipped);
            // Symlinks only inside the folder given and never a second path to a bundle
            // already read; FIFOs, devices and sockets never read.
            let (regular, skip) = bundle::select_entries(&candidates, p);
            skipped.extend(skip);
            for f in regular {
                match other_schema(&f) {
                    Some(s) => skipped.push((f, format!("not a bundle (schema `{s}`)"))),
                    None => files.push(f),
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    skipped.sort();
    (files, skipped)
}

/// The `*.json` files under `dir` other than `panel.json` (recursively; `raw/` and
/// symlinked directories not walked).
fn walk(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<(PathBuf, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        skipped.push((dir.to_path_buf(), "directory cannot be read".into()));
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() {
            if SKIP_DIRS.contains(&name.as_str()) {
                skipped.push((p, "raw applications / not bundles: not walked".into()));
            } else if p.is_symlink() {
                skipped.push((p, "a symlinked directory: not walked".into()));
            } else {
                walk(&p, files, skipped);
            }
        } else if p.extension().is_some_and(|x| x == "json") && name != "panel.json" {
            files.push(p);
        }
    }
}

/// The `schema` of a JSON file when it names a panel format other than bundles.
fn other_schema(p: &Path) -> Option<String> {
    let (text, _) = bundle::read_json_text(p, bundle::MAX_BUNDLE_BYTES).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    let s = v.get("schema")?.as_str()?;
    (s.starts_with("panel") && !s.starts_with("panel-bundle")).then(|| s.to_string())
}

/// Check bundle files (see [`collect`]); also flags the second of two bundles
/// of one program with the same code.
pub fn check_files(files: &[PathBuf], opts: &CheckOptions) -> Result<Vec<Checked>> {
    let forced = match &opts.rubric {
        Some(r) => Some(load_arg(r)?),
        None => None,
    };
    let known = match &opts.identity_map {
        Some(m) => anonymize::read_map(m)?.known(),
        None => crate::pii::Known::new(),
    };
    let mut cache: BTreeMap<String, Option<rubric::Loaded>> = BTreeMap::new();
    let mut out = Vec::new();
    let mut first: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    for f in files {
        let res: Result<LoadedBundle, BundleError> = (|| {
            let (b, _) = bundle::read_bundle(f)?;
            let loaded = match &forced {
                Some(l) => l.clone(),
                None => {
                    let entry = cache
                        .entry(b.program.clone())
                        .or_insert_with(|| rubric::embedded(&b.program));
                    match entry {
                        Some(l) => l.clone(),
                        // The error without `rubric_for`, which would parse every
                        // embedded rubric again for each such file.
                        None => {
                            return Err(BundleError::UnknownRubric {
                                file: f.clone(),
                                program: b.program.clone(),
                                known: rubric::embedded_ids(),
                            })
                        }
                    }
                }
            };
            bundle::load_bundle_with_known(f, &loaded.rubric, &known)
        })();
        match res {
            Ok(mut lb) => {
                let key = (lb.bundle.program.clone(), lb.bundle.code.clone());
                if let Some(p0) = first.get(&key) {
                    lb.problems.push(Problem {
                        kind: kind::DUPLICATE,
                        detail: "duplicate_code".into(),
                        location: "code".into(),
                        offset: None,
                        message: format!(
                            "code `{}` is also used by {}; codes must be unique in a program",
                            lb.bundle.code,
                            p0.display()
                        ),
                    });
                } else {
                    first.insert(key, f.clone());
                }
                out.push(Checked {
                    path: f.clone(),
                    id: Some(lb.bundle.code.clone()),
                    program: Some(lb.bundle.program.clone()),
                    problems: lb.problems,
                });
            }
            Err(e) => {
                // Keep the code when the JSON is a bundle of an unknown program.
                let (id, program) = match &e {
                    BundleError::UnknownRubric { program, .. } => (
                        bundle::read_bundle(f).ok().map(|(b, _)| b.code),
                        Some(program.clone()),
                    ),
                    _ => (None, None),
                };
                out.push(Checked {
                    path: f.clone(),
                    id,
                    program,
                    problems: vec![e.problem()],
                });
            }
        }
    }
    Ok(out)
}

/// `panel bundle check`: exit 0 when every bundle found is valid, 1 otherwise
/// (also when no bundle was found).
pub fn check(paths: &[PathBuf], opts: &CheckOptions) -> Result<Outcome> {
    let (files, skipped) = collect(paths);
    let results = check_files(&files, opts)?;
    let invalid = results.iter().filter(|c| !c.valid()).count();
    let mut out = String::new();
    let mut err = String::new();
    let exit = Exit::ok_if(!(invalid > 0 || results.is_empty()));
    if opts.json {
        let mut v: Vec<Value> = results
            .iter()
            .map(|c| {
                json!({
                    "path": c.path.display().to_string(),
                    "id": c.id,
                    "program": c.program,
                    "valid": c.valid(),
                    "problems": c.problems,
                })
            })
            .collect();
        // After the bundles: every path found but not read, with the reason.
        v.extend(
            skipped
                .iter()
                .map(|(p, reason)| json!({"path": p.display().to_string(), "skipped": reason})),
        );
        out = serde_json::to_string_pretty(&v)? + "\n";
    } else {
        for c in &results {
            if c.valid() {
                let _ = writeln!(
                    out,
                    "ok    {}  {}  {}",
                    c.path.display(),
                    c.id.as_deref().unwrap_or("?"),
                    c.program.as_deref().unwrap_or("")
                );
            } else {
                let _ = writeln!(
                    out,
                    "FAIL  {}  {}  {} problem(s)",
                    c.path.display(),
                    c.id.as_deref().unwrap_or("-"),
                    c.problems.len()
                );
                for p in &c.problems {
                    let _ = writeln!(out, "        {p}");
                }
            }
        }
        let _ = writeln!(
            out,
            "checked {} bundle(s): {} valid, {} invalid{}",
            results.len(),
            results.len() - invalid,
            invalid,
            if skipped.is_empty() {
                String::new()
            } else {
                format!("; skipped {} path(s) that are not bundles", skipped.len())
            }
        );
    }
    if results.is_empty() {
        let _ = writeln!(
            err,
            "error: no bundle found under {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(Outcome::new(out, err, exit))
}

/// How `panel anonymize` finds the secretariat's key.
#[derive(Debug, Clone, Default)]
pub struct KeyArgs {
    /// `--key`: the secret key file (anonymize) or the public key (reveal).
    pub key: Option<String>,
    /// `--key-dir`: where `SECRETARIAT.ed25519` is looked for without `--key`.
    pub key_dir: Option<PathBuf>,
}

/// The signing key: `--key FILE`, else `SECRETARIAT.ed25519` in the key
/// directory, else none (the map is written unsigned, with a warning).
fn signing_key(k: &KeyArgs) -> Result<(Option<ed25519_dalek::SigningKey>, Option<String>)> {
    if let Some(f) = &k.key {
        let key =
            anonymize::signature::load_secret_file(Path::new(f)).map_err(anyhow::Error::msg)?;
        return Ok((Some(key), None));
    }
    let dir = crate::sheet::keys::key_dir(k.key_dir.as_deref())?;
    match crate::sheet::keys::load_signing_key(&dir, anonymize::signature::SECRETARIAT)? {
        Some(key) => Ok((Some(key), None)),
        None => Ok((
            None,
            Some(format!(
                "warning: the identity map is NOT signed: no --key and no {} key in {}; `panel reveal` refuses an unsigned map unless --unsigned is given. Make the key once with `panel keygen --expert {}`, then anonymize again with --force",
                anonymize::signature::SECRETARIAT,
                dir.display(),
                anonymize::signature::SECRETARIAT
            )),
        )),
    }
}

/// `panel anonymize`.
pub fn anonymize_cmd(
    inputs: &[PathBuf],
    out_dir: &Path,
    identity_map: &Path,
    force: bool,
    prefix: Option<String>,
    rubric_arg: Option<&Path>,
    keys: &KeyArgs,
) -> Result<Outcome> {
    let (key, unsigned_warning) = signing_key(keys)?;
    let opts = anonymize::Options {
        key,
        out_dir: out_dir.to_path_buf(),
        identity_map: identity_map.to_path_buf(),
        force,
        prefix,
        rubric: match rubric_arg {
            Some(r) => Some(load_arg(r)?),
            None => None,
        },
    };
    let report = anonymize::anonymize(inputs, &opts)?;
    let mut out = String::new();
    let mut err = String::new();
    for w in &report.written {
        let _ = writeln!(
            out,
            "{}  ← {}  redacted: {}{}{}",
            w.bundle_path.display(),
            w.raw_file.display(),
            if w.redactions.total() == 0 {
                "nothing".to_string()
            } else {
                w.redactions.summary()
            },
            if w.reused {
                "  (code kept from the identity map)"
            } else {
                ""
            },
            if w.unchanged { "  (unchanged)" } else { "" }
        );
    }
    for e in &report.errors {
        let _ = writeln!(err, "error: {e}");
    }
    let _ = writeln!(
        out,
        "{} bundle(s) in {}; identity map {} ({} entries{}) — secretariat only, never give it to experts",
        report.written.len(),
        out_dir.display(),
        identity_map.display(),
        report.map_entries,
        match &report.signature {
            Some(sig) => format!(", signed: {}", sig.display()),
            None => ", NOT signed".to_string(),
        }
    );
    if report.signature.is_none() && report.map_entries > 0 {
        if let Some(w) = unsigned_warning {
            let _ = writeln!(err, "{w}");
        }
    }
    let exit = Exit::ok_if(report.errors.is_empty() && !report.written.is_empty());
    if report.written.is_empty() && report.errors.is_empty() {
        let _ = writeln!(err, "error: no raw application given");
    }
    Ok(Outcome::new(out, err, exit))
}

/// Options of `panel reveal`.
#[derive(Debug, Clone, Default)]
pub struct RevealOpts {
    pub as_json: bool,
    pub keys: KeyArgs,
    /// Reveal from a map without (or with a failing) signature; the output says so.
    pub unsigned: bool,
    /// Where the bundles are, to check their sha256 against the map.
    pub bundles: Option<PathBuf>,
}

/// Verifies the identity map's signature; `Ok(false)` when `--unsigned` let an
/// unverified map through.
fn verify_signature(
    identity_map: &Path,
    map: &anonymize::IdentityMap,
    o: &RevealOpts,
) -> Result<bool> {
    use anonymize::signature;
    let refuse = |why: String| -> Result<bool> {
        if o.unsigned {
            Ok(false)
        } else {
            Err(anyhow::anyhow!("{why}; pass --unsigned to reveal from it anyway (the output then says it is unverified)"))
        }
    };
    let sig_file = signature::sig_path(identity_map);
    let sig_text = match std::fs::read_to_string(&sig_file) {
        Ok(t) => t,
        Err(_) => {
            return refuse(format!(
                "{}: the identity map is not signed (no {}); reveal refuses a map whose codes and applicants nobody vouches for",
                identity_map.display(),
                sig_file.display()
            ))
        }
    };
    let public = match &o.keys.key {
        Some(k) => signature::load_public(k).map_err(anyhow::Error::msg)?,
        None => {
            let dir = crate::sheet::keys::key_dir(o.keys.key_dir.as_deref())?;
            let p = crate::sheet::keys::public_key_path(&dir, signature::SECRETARIAT);
            match std::fs::read_to_string(&p) {
                Ok(t) => crate::sheet::keys::parse_public_key(&t)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
                Err(_) => {
                    return refuse(format!(
                        "{}: no public key to verify it: give --key <{}.ed25519.pub or ed25519:hex> or --key-dir (looked for {})",
                        identity_map.display(),
                        signature::SECRETARIAT,
                        p.display()
                    ))
                }
            }
        }
    };
    let (text, _) = bundle::read_json_text(identity_map, anonymize::MAX_RAW_BYTES)?;
    match signature::verify_map(identity_map, text.as_bytes(), map, &sig_text, &public) {
        Ok(()) => Ok(true),
        Err(e) => refuse(e),
    }
}

/// `panel reveal`: join a results file with the identity map, after verifying
/// the map's signature and, where reachable, the bundles' and raw files' sha256.
pub fn reveal_cmd(results: &Path, identity_map: &Path, o: &RevealOpts) -> Result<Outcome> {
    let as_json = o.as_json;
    let map = anonymize::read_map(identity_map)?;
    let verified = verify_signature(identity_map, &map, o)?;
    let rows = anonymize::read_results(results)
        .with_context(|| format!("reading results {}", results.display()))?;
    let (joined, unknown) = anonymize::reveal(rows, &map);
    let mut out = String::new();
    let mut err = String::new();
    // Files reachable from here must be the ones the map was made from.
    let mut mismatches = Vec::new();
    let mut checked = (0usize, 0usize);
    for r in &joined {
        let (b, raw) = anonymize::check_files(r.entry, o.bundles.as_deref());
        for (c, n) in [(b, &mut checked.0), (raw, &mut checked.1)] {
            match c {
                anonymize::FileCheck::Matches => *n += 1,
                anonymize::FileCheck::Mismatch(m) => mismatches.push(m),
                _ => {}
            }
        }
    }
    if !mismatches.is_empty() {
        for m in &mismatches {
            let _ = writeln!(err, "error: {}: {m}", identity_map.display());
        }
        let _ = writeln!(
            err,
            "error: nothing revealed: the identity map does not match the files it was made from"
        );
        return Ok(Outcome::refused(String::new(), err));
    }
    let notice = if verified {
        format!(
            "identity map {} verified: signature ok; sha256 checked for {} bundle(s) and {} raw file(s)",
            identity_map.display(),
            checked.0,
            checked.1
        )
    } else {
        format!(
            "UNVERIFIED (--unsigned): identity map {} has no valid signature; codes and applicants below are not vouched for; sha256 checked for {} bundle(s) and {} raw file(s)",
            identity_map.display(),
            checked.0,
            checked.1
        )
    };
    if !as_json {
        let _ = writeln!(out, "{notice}");
    } else {
        let _ = writeln!(err, "{notice}");
    }
    if as_json {
        let v: Vec<Value> = joined
            .iter()
            .map(|r| {
                let id = &r.entry.identity;
                json!({
                    "code": r.row.code,
                    "result": r.row.fields.iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect::<serde_json::Map<String, Value>>(),
                    "program": r.entry.program,
                    "title": r.entry.title,
                    "applicant": id.applicant,
                    "credit_code": id.credit_code,
                    "contact_person": id.contact_person,
                    "mobile": id.mobile,
                    "landline": id.landline,
                    "email": id.email,
                    "raw_file": r.entry.raw_file,
                    "verified": verified,
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&v)? + "\n";
    } else {
        for r in &joined {
            let id = &r.entry.identity;
            let fields = r
                .row
                .fields
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join("  ");
            let contact = [
                id.contact_person.as_deref(),
                id.mobile.as_deref(),
                id.landline.as_deref(),
                id.email.as_deref(),
            ]
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
            let _ = writeln!(
                out,
                "{}{}  {}  统一社会信用代码 {}  联系人 {}  《{}》",
                r.row.code,
                if fields.is_empty() {
                    String::new()
                } else {
                    format!("  {fields}")
                },
                id.applicant,
                id.credit_code.as_deref().unwrap_or("—"),
                if contact.is_empty() { "—" } else { &contact },
                r.entry.title
            );
        }
    }
    for c in &unknown {
        let _ = writeln!(
            err,
            "error: {}: code `{c}` is not in the identity map {}",
            results.display(),
            identity_map.display()
        );
    }
    let exit = Exit::ok_if(unknown.is_empty() && !joined.is_empty());
    if joined.is_empty() && unknown.is_empty() {
        let _ = writeln!(err, "error: {}: no codes found", results.display());
    }
    Ok(Outcome::new(out, err, exit))
}
