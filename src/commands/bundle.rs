//! `panel bundle check`, `panel anonymize`, `panel reveal`.

use super::{Exit, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
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
    // A path that is not there is a mistyped argument, not an unreadable bundle.
    let (missing, present): (Vec<PathBuf>, Vec<PathBuf>) = paths
        .iter()
        .cloned()
        .partition(|p| std::fs::symlink_metadata(p).is_err());
    let (files, skipped) = collect(&present);
    let results = check_files(&files, opts)?;
    let invalid = results.iter().filter(|c| !c.valid()).count();
    let mut out = String::new();
    let mut err = String::new();
    for p in &missing {
        let _ = writeln!(
            err,
            "error: {}: no such file or folder; give bundle files or folders holding them",
            p.display()
        );
    }
    let exit = Exit::ok_if(!(invalid > 0 || results.is_empty() || !missing.is_empty()));
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
    if results.is_empty() && !present.is_empty() {
        let _ = writeln!(
            err,
            "error: no bundle found under {}",
            present
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

/// The folders `create_dir_all(dir)` would create, deepest first.
fn missing_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut d = Some(dir);
    while let Some(p) = d.filter(|p| !p.as_os_str().is_empty()) {
        if std::fs::symlink_metadata(p).is_ok() {
            break;
        }
        v.push(p.to_path_buf());
        d = p.parent();
    }
    v
}

/// Removes the folders of [`missing_dirs`] again, while they are empty.
fn remove_created(dirs: &[PathBuf]) {
    for d in dirs {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
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
    if identity_map.is_dir() {
        anyhow::bail!(
            "--identity-map {}: is a directory; give a file path for the identity map (e.g. {})",
            identity_map.display(),
            identity_map.join("identity-map.json").display()
        );
    }
    super::check_out_dir(out_dir, "the bundles")?;
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
    let map_existed = identity_map.exists();
    // Folders this run creates, removed again when it writes nothing into them.
    let created = missing_dirs(out_dir);
    let report = match anonymize::anonymize(inputs, &opts) {
        Ok(r) => r,
        Err(e) => {
            remove_created(&created);
            return Err(e.into());
        }
    };
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
    for w in &report.written {
        if !w.redactions.names_in_words.is_empty() {
            let _ = writeln!(
                err,
                "warning: {} ({}): a person's name of the identity also stands where it may be \
                 part of a longer word, and was redacted there too; check these places: where the \
                 word is not the person, reword the raw application and run anonymize again \
                 with --force / 姓名可能是普通词语的一部分，已一并隐去，请核对下列位置：",
                w.code,
                w.raw_file.display()
            );
            for place in &w.redactions.names_in_words {
                let _ = writeln!(err, "  {place}");
            }
        }
    }
    for e in &report.errors {
        let _ = writeln!(err, "error: {e}");
    }
    if report.written.is_empty() {
        remove_created(&created);
        let why = if report.errors.is_empty() {
            format!(
                "no raw application (*.json) found in {}; give panel-raw/1 files or folders \
                 holding them (`panel ingest` makes them from filled 申报书)",
                inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "none of the raw files could be anonymized ({} error(s) above); fix them and run \
                 again",
                report.errors.len()
            )
        };
        let map_note = if map_existed {
            format!(
                "the identity map {} keeps its {} entries",
                identity_map.display(),
                report.map_entries
            )
        } else {
            format!("no identity map written ({})", identity_map.display())
        };
        let _ = writeln!(
            err,
            "error: nothing written: {why}; no bundle written to {}, {map_note}",
            out_dir.display()
        );
        return Ok(Outcome::refused(out, err));
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
    Ok(Outcome::new(
        out,
        err,
        Exit::ok_if(report.errors.is_empty()),
    ))
}

/// Options of `panel reveal`.
#[derive(Debug, Clone, Default)]
pub struct RevealOpts {
    pub as_json: bool,
    pub keys: KeyArgs,
    /// Reveal from a map without (or with a failing) signature; the output says so.
    pub unsigned: bool,
    /// Where the bundles are, to check their sha256 against the map: every revealed
    /// code's bundle must be there.
    pub bundles: Option<PathBuf>,
    /// Reveal even when a raw file the map names cannot be found (its sha256 is then not
    /// checked, and the first line says so).
    pub allow_missing_raw: bool,
}

/// When `--key` names a file holding a secret key (bare hex, as `panel keygen` writes
/// `<ID>.ed25519`), the message saying so: the file is named `.ed25519`, or the public key
/// derived from it is the one that signed the map.
fn secret_key_given(arg: &str, map_bytes: &[u8], sig_text: &str) -> Option<String> {
    if arg.trim().starts_with("ed25519:") {
        return None;
    }
    let text = std::fs::read_to_string(arg).ok()?;
    let t = text.trim();
    if t.starts_with("ed25519:") {
        return None;
    }
    let bytes: [u8; 32] = hex::decode(t).ok()?.try_into().ok()?;
    let derived = ed25519_dalek::SigningKey::from_bytes(&bytes).verifying_key();
    let signed_this = sig_text
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|first| crate::sheet::keys::verify(map_bytes, first, &derived).is_ok());
    (signed_this || arg.ends_with(".ed25519")).then(|| {
        format!(
            "--key {arg}: this is a secret key{}, not a public key; reveal checks the map with \
             the public key: pass --key {}{}, and keep the secret key private",
            if signed_this {
                " (the one that signed this map)"
            } else {
                ""
            },
            crate::sheet::keys::public_key_string(&derived),
            if arg.ends_with(".ed25519") {
                format!(" (or the file {arg}.pub)")
            } else {
                String::new()
            }
        )
    })
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
    let (text, _) = bundle::read_json_text(identity_map, anonymize::MAX_RAW_BYTES)?;
    let sig_file = signature::sig_path(identity_map);
    let sig_text = std::fs::read_to_string(&sig_file).ok();
    if let (Some(k), Some(sig)) = (&o.keys.key, &sig_text) {
        if let Some(msg) = secret_key_given(k, text.as_bytes(), sig) {
            anyhow::bail!(msg);
        }
    }
    let Some(sig_text) = sig_text else {
        return refuse(format!(
            "{}: the identity map is not signed (no {}); reveal refuses a map whose codes and applicants nobody vouches for",
            identity_map.display(),
            sig_file.display()
        ));
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
    match signature::verify_map(identity_map, text.as_bytes(), map, &sig_text, &public) {
        Ok(()) => Ok(true),
        Err(e) => refuse(e),
    }
}

/// The raw file of one revealed code.
enum RawCheck {
    Matches,
    Mismatch(String),
    Missing(String),
}

fn check_raw(identity_map: &Path, entry: &anonymize::MapEntry) -> RawCheck {
    let candidates = anonymize::raw_candidates(identity_map, &entry.raw_file);
    let mut found = Vec::new();
    for c in &candidates {
        if let Ok(bytes) = std::fs::read(c) {
            if anonymize::sha256_hex(&bytes) == entry.raw_sha256 {
                return RawCheck::Matches;
            }
            found.push(c);
        }
    }
    let code = &entry.code;
    match found.first() {
        Some(p) => RawCheck::Mismatch(format!(
            "code {code}: raw file {} does not have the sha256 the identity map holds (edited raw file, edited raw_sha256, or codes swapped)",
            p.display()
        )),
        None => RawCheck::Missing(format!(
            "code {code}: raw file {} (as the identity map records it) not found: looked for {}; run reveal where the raw files are, or pass --allow-missing-raw to reveal without checking them",
            entry.raw_file,
            candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(" (the identity map's folder) and ")
                + if candidates.len() > 1 { " (the current folder)" } else { "" }
        )),
    }
}

/// `--bundles DIR` must be a folder.
fn check_bundles_dir(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => anyhow::bail!(
            "--bundles {}: is a file, not a folder; give the folder `panel anonymize --out` wrote the bundles to (or leave --bundles out: the bundles are then not checked)",
            dir.display()
        ),
        Err(_) => anyhow::bail!(
            "--bundles {}: no such folder; give the folder `panel anonymize --out` wrote the bundles to (or leave --bundles out: the bundles are then not checked)",
            dir.display()
        ),
    }
}

/// Codes as the map spells them: a code the map does not hold but holds in another case
/// (`t24-002` for `T24-002`) is read as that code.
fn map_spelling(rows: &mut [anonymize::ResultRow], map: &anonymize::IdentityMap) {
    for r in rows.iter_mut() {
        if map.entry(&r.code).is_some() {
            continue;
        }
        let mut same = map
            .entries
            .iter()
            .filter(|e| e.code.eq_ignore_ascii_case(&r.code));
        if let (Some(e), None) = (same.next(), same.next()) {
            r.code = e.code.clone();
        }
    }
}

/// `panel reveal`: join a results file with the identity map, after verifying
/// the map's signature and the revealed codes' raw files' sha256 (and their bundles',
/// with `--bundles`).
pub fn reveal_cmd(results: &Path, identity_map: &Path, o: &RevealOpts) -> Result<Outcome> {
    let as_json = o.as_json;
    if identity_map.is_dir() {
        anyhow::bail!(
            "--identity-map {}: is a directory; give the identity map file `panel anonymize` wrote",
            identity_map.display()
        );
    }
    if let Some(b) = &o.bundles {
        check_bundles_dir(b)?;
    }
    let map = anonymize::read_map(identity_map).map_err(|e| {
        // The two files given the other way round: say so, with the command to run.
        if anonymize::read_map(results).is_ok() {
            anyhow::anyhow!(
                "{e}; {} is the identity map: RESULTS and --identity-map are swapped? run \
                 `panel reveal {} --identity-map {}`",
                results.display(),
                identity_map.display(),
                results.display()
            )
        } else {
            e.into()
        }
    })?;
    let verified = verify_signature(identity_map, &map, o)?;
    let mut rows = anonymize::read_results(results).map_err(|e| {
        anyhow::anyhow!(
            "{e}; RESULTS is the JSON `panel results --format json` writes, a CSV with an `id` (or `application`, `code`) column, or one code per line"
        )
    })?;
    map_spelling(&mut rows, &map);
    let (joined, unknown) = anonymize::reveal(rows, &map);
    let mut out = String::new();
    let mut err = String::new();
    // The files the map was made from must be the ones found.
    let mut problems = Vec::new();
    let mut checked = (0usize, 0usize);
    let mut raw_missing = Vec::new();
    let mut bundle_no_hash = Vec::new();
    for r in &joined {
        let code = &r.entry.code;
        if let Some(dir) = &o.bundles {
            let p = dir.join(format!("{code}.json"));
            if !p.is_file() {
                problems.push(format!(
                    "code {code}: no bundle {} in --bundles {}; give the folder `panel anonymize --out` wrote",
                    p.display(),
                    dir.display()
                ));
            } else {
                match anonymize::check_files(r.entry, Some(dir), identity_map).0 {
                    anonymize::FileCheck::Matches => checked.0 += 1,
                    anonymize::FileCheck::Mismatch(m) => problems.push(m),
                    anonymize::FileCheck::NoHash => bundle_no_hash.push(code.as_str()),
                    anonymize::FileCheck::NotReachable => problems.push(format!(
                        "code {code}: bundle {} cannot be read; check its permissions",
                        p.display()
                    )),
                }
            }
        }
        match check_raw(identity_map, r.entry) {
            RawCheck::Matches => checked.1 += 1,
            RawCheck::Mismatch(m) => problems.push(m),
            RawCheck::Missing(m) => {
                if o.allow_missing_raw {
                    raw_missing.push(code.as_str());
                } else {
                    problems.push(m);
                }
            }
        }
    }
    if !problems.is_empty() {
        for m in &problems {
            let _ = writeln!(err, "error: {}: {m}", identity_map.display());
        }
        let _ = writeln!(
            err,
            "error: nothing revealed: the files the identity map was made from must be found and match it"
        );
        return Ok(Outcome::refused(String::new(), err));
    }
    let mut not_checked = String::new();
    if o.bundles.is_none() && !joined.is_empty() {
        not_checked.push_str("; bundles not checked (no --bundles)");
    }
    if !bundle_no_hash.is_empty() {
        let _ = write!(
            not_checked,
            "; the map holds no bundle sha256 for {} (a map written before bundles were bound)",
            bundle_no_hash.join(", ")
        );
    }
    if !raw_missing.is_empty() {
        let _ = write!(
            not_checked,
            "; raw file(s) of {} not found, not checked (--allow-missing-raw)",
            raw_missing.join(", ")
        );
    }
    let notice = if verified {
        format!(
            "identity map {} verified: signature ok; sha256 checked for {} bundle(s) and {} raw file(s){not_checked}",
            identity_map.display(),
            checked.0,
            checked.1
        )
    } else {
        format!(
            "UNVERIFIED (--unsigned): identity map {} has no valid signature; codes and applicants below are not vouched for; sha256 checked for {} bundle(s) and {} raw file(s){not_checked}",
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
            "error: {}: code `{c}` is not in the identity map {} (codes look like {}; check the spelling)",
            results.display(),
            identity_map.display(),
            map.entries.first().map(|e| e.code.as_str()).unwrap_or("T24-001")
        );
    }
    let exit = Exit::ok_if(unknown.is_empty() && !joined.is_empty());
    if joined.is_empty() && unknown.is_empty() {
        let _ = writeln!(err, "error: {}: no codes found", results.display());
    }
    Ok(Outcome::new(out, err, exit))
}
