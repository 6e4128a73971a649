//! Verification of a sheet: format, digest, roster, signature, panel, rubric, applications,
//! item values. Pure: reads nothing but the given bytes and the panel view.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::{
    keys, read_limited, refused, sha256_hex, sig_path, sniff, PanelView, Refusal, Sheet,
    SheetError, SHEET_SCHEMA,
};
use crate::rubric::value_check::{self, ValueFault};
use crate::rubric::{num::show, Item, OpinionSpec};
use crate::store::AppStatus;

/// What was found about the signature of a verified sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureState {
    /// The roster holds the expert's key and the signature verified over the file bytes.
    Verified,
    /// The roster holds no key for the expert and there is no signature file.
    Unsigned,
    /// A signature file exists but the roster holds no key to check it with.
    NotCheckable,
}

/// A sheet that passed [`verify_sheet`].
#[derive(Debug, Clone)]
pub struct Verified {
    pub file: PathBuf,
    pub sheet: Sheet,
    /// sha256 of the file bytes.
    pub sha256: String,
    pub signature: SignatureState,
    /// What the chair should know though the sheet is accepted (a file named for another
    /// expert); the merge prints them and records them in its audit.
    pub notes: Vec<String>,
}

/// Reads a sheet file (of at most [`MAX_SHEET_BYTES`](super::MAX_SHEET_BYTES)) and its
/// `<file>.sig`, if any.
pub fn read_sheet_file(path: &Path) -> Result<(Vec<u8>, Option<String>), SheetError> {
    read_sheet_file_limited(path, super::MAX_SHEET_BYTES)
}

/// [`read_sheet_file`] with the limit of a panel ([`PanelView::sheet_limit`]).
pub fn read_sheet_file_limited(
    path: &Path,
    limit: u64,
) -> Result<(Vec<u8>, Option<String>), SheetError> {
    if path.is_dir() {
        return Err(refused(
            path,
            Refusal::Unreadable,
            "",
            sniff::folder_message(path),
        ));
    }
    let bytes = read_limited(path, limit)?;
    let sp = sig_path(path);
    let sig = match std::fs::read(&sp) {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(super::io_err("cannot read signature", &sp)(e)),
    };
    Ok((bytes, sig))
}

/// Parses the sheet JSON, naming the JSON path, line and column of the first problem.
pub(crate) fn parse_sheet(file: &Path, bytes: &[u8]) -> Result<Sheet, SheetError> {
    if let Some(message) = sniff::not_a_sheet(bytes) {
        return Err(refused(file, Refusal::Malformed, "", message));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        refused(
            file,
            Refusal::Malformed,
            "",
            format!(
                "not valid UTF-8 at byte {}; a sheet is written by `panel sheet export`, \
                 export it again",
                e.valid_up_to()
            ),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let de = &mut serde_json::Deserializer::from_str(text);
    let res: Result<Sheet, _> = serde_path_to_error::deserialize(de);
    res.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if let Some(message) = sniff::not_a_sheet_json(text, &inner) {
            return refused(file, Refusal::Malformed, "", message);
        }
        let msg = inner.to_string();
        let msg = msg.split(" at line ").next().unwrap_or("").to_string();
        refused(
            file,
            Refusal::Malformed,
            format!(
                "line {}, column {}, at `{path}`: ",
                inner.line(),
                inner.column()
            ),
            format!("{msg}; this is not a sheet written by `panel sheet export`"),
        )
    })
}

/// Verifies a sheet's bytes (and signature text) against the panel: everything except the
/// revision chain, which depends on the chair database (see `plan_merge`).
pub fn verify_sheet(
    view: &PanelView,
    file: &Path,
    bytes: &[u8],
    sig: Option<&str>,
) -> Result<Verified, SheetError> {
    let sheet = parse_sheet(file, bytes)?;
    if sheet.schema != SHEET_SCHEMA {
        return Err(refused(
            file,
            Refusal::Malformed,
            "schema: ",
            format!(
                "{:?} is not {SHEET_SCHEMA:?}; this sheet was written by another version of \
                 panel",
                sheet.schema
            ),
        ));
    }
    if sheet.seq == 0 {
        return Err(refused(
            file,
            Refusal::Malformed,
            "seq: ",
            "revisions start at 1; this is not a sheet written by `panel sheet export`",
        ));
    }
    let computed = sheet.compute_digest();
    if computed != sheet.digest {
        return Err(refused(
            file,
            Refusal::Digest,
            "digest: ",
            format!(
                "the content does not match its digest (stated {}, computed {}): the sheet \
                 was changed after export. Ask expert {} to export the sheet again; never \
                 edit a sheet by hand",
                short(&sheet.digest),
                short(&computed),
                sheet.expert
            ),
        ));
    }
    check_identity(view, file, &sheet)?;
    let Some(entry) = view.expert(&sheet.expert) else {
        return Err(refused(
            file,
            Refusal::UnknownExpert,
            "expert: ",
            format!(
                "{:?} is not in the roster of panel {} ({}: {}); add the expert to the roster \
                 or check where the sheet came from",
                sheet.expert,
                view.id,
                view.config_file().display(),
                view.roster_ids()
            ),
        ));
    };
    let signature = match (&entry.public_key, sig) {
        (Some(pk), sig) => {
            let key = keys::parse_public_key(pk).map_err(|m| SheetError::Invalid {
                path: view.config_file(),
                message: format!("experts[{}].public_key: {m}", sheet.expert),
            })?;
            let Some(sig) = sig else {
                return Err(refused(
                    file,
                    Refusal::SignatureMissing,
                    "",
                    format!(
                        "no signature file {}, but the roster holds a key for expert {}; \
                         copy the .sig file that `panel sheet export` wrote beside the sheet",
                        sig_path(file).display(),
                        sheet.expert
                    ),
                ));
            };
            keys::verify(bytes, sig, &key).map_err(|m| {
                refused(
                    file,
                    Refusal::SignatureBad,
                    "",
                    format!(
                        "bad signature ({}): {m}. {}",
                        sig_path(file).display(),
                        why_bad_signature(view, &sheet, bytes, sig)
                    ),
                )
            })?;
            SignatureState::Verified
        }
        (None, _) if view.signatures_required => {
            return Err(refused(
                file,
                Refusal::SignatureMissing,
                "",
                format!(
                    "expert {} has no public_key in {}, and signatures are required: without \
                     a key anyone could write this expert's sheet. Have the expert run `panel \
                     keygen --expert {}` and put the printed public key in the roster (then \
                     export again, signed), or set \"signatures\": \"optional\" in panel.json \
                     to accept unsigned sheets",
                    sheet.expert,
                    view.config_file().display(),
                    sheet.expert
                ),
            ));
        }
        (None, Some(_)) => SignatureState::NotCheckable,
        (None, None) => SignatureState::Unsigned,
    };
    verify_content(view, file, &sheet)?;
    let notes = named_for_another_expert(view, file, &sheet.expert)
        .into_iter()
        .collect();
    Ok(Verified {
        file: file.to_path_buf(),
        sheet,
        sha256: sha256_hex(bytes),
        signature,
        notes,
    })
}

/// A note when the file is named `<id>.sheet.json` for another roster expert than the one
/// whose sheet it is (renamed, or copied over another expert's sheet).
fn named_for_another_expert(view: &PanelView, file: &Path, expert: &str) -> Option<String> {
    let name = file.file_name()?.to_str()?;
    let named = name.strip_suffix(".sheet.json")?;
    (named != expert && view.expert(named).is_some()).then(|| {
        format!(
            "the file is named for expert {named}, but it is the sheet of expert {expert} \
             (it is taken as {expert}'s); was it renamed, or copied over {named}'s sheet? \
             Check that {named}'s own sheet is merged"
        )
    })
}

/// Why a signature that does not verify does not, as far as the file tells (its digest
/// verified, so its content is what the expert exported): signed with another roster
/// expert's key, or the bytes re-saved (byte order mark, line ends, blanks), or else the
/// `.sig` of another file.
fn why_bad_signature(view: &PanelView, sheet: &Sheet, bytes: &[u8], sig: &str) -> String {
    let expert = &sheet.expert;
    let signer = view.experts.iter().find(|e| {
        e.id != *expert
            && e.public_key
                .as_deref()
                .and_then(|pk| keys::parse_public_key(pk).ok())
                .is_some_and(|k| keys::verify(bytes, sig, &k).is_ok())
    });
    if let Some(other) = signer {
        return format!(
            "The sheet is expert {expert}'s, but it was signed with the key the roster holds \
             for expert {}: it was exported with another expert's key (a shared key \
             directory?). Ask expert {expert} to export again with their own key (`panel \
             sheet export … --key-dir` holding {expert}.ed25519)",
            other.id
        );
    }
    let exported = sheet.to_file_bytes();
    if bytes != exported.as_slice() {
        let mut what = Vec::new();
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            what.push("a byte order mark (BOM) was added at its start");
        }
        if memchr::memmem::find(bytes, b"\r\n").is_some() {
            what.push("its line ends were changed to CRLF");
        }
        if what.is_empty() {
            what.push("its blanks or line breaks were changed");
        }
        return format!(
            "Its content is intact (the digest matches), but {}: an editor or a text-mode \
             transfer re-saved it, and the signature covers the exact bytes exported. Copy \
             the exported file again, unchanged (as a binary file), or ask expert {expert} to \
             export again",
            what.join(" and ")
        );
    }
    format!(
        "The sheet's bytes are exactly as exported, so the signature file belongs to another \
         sheet (another expert's, or another revision of this one) or was made with a key that \
         is not the one the roster holds for {expert}. Copy the .sig written together with \
         this sheet, or ask expert {expert} to export again"
    )
}

pub(crate) fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// Checks a value for `item`: range, step (a rule item may also carry its computed
/// suggestion exactly), and the override reason of a rule item that departs from its
/// suggestion. Returns the refusal kind and a message.
pub(crate) fn check_value(
    item: &Item,
    value: Decimal,
    reason: Option<&str>,
    suggestion: Option<Decimal>,
) -> Result<(), (Refusal, String)> {
    // The one value check (range, decimal places, step); a rule item may also carry its
    // computed suggestion exactly.
    let is_rule = !item.is_expert();
    // A sheet's value is a stored decimal, not typed text: its form (decimal places) is
    // checked where text comes in (`import`, the screen, `--scores`).
    if let Err(p) = value_check::check_score(value.normalize(), item.max(), item.step()) {
        let exact_suggestion = is_rule && suggestion == Some(value);
        match p.fault {
            ValueFault::OutOfRange => return Err((Refusal::OutOfRange, p.message)),
            _ if exact_suggestion => return Ok(()),
            _ => return Err((Refusal::OffStep, p.message)),
        }
    }
    if is_rule && suggestion == Some(value) {
        return Ok(());
    }
    if is_rule {
        if let Some(s) = suggestion {
            if reason.map(str::trim).unwrap_or("").is_empty() {
                return Err((
                    Refusal::OverrideWithoutReason,
                    format!(
                        "value {} overrides the computed suggestion {} without a reason; an \
                         override needs a written reason",
                        value,
                        show(s)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The sheet's panel id and rubric (id and canonical sha256) are the panel's.
fn check_identity(view: &PanelView, file: &Path, sheet: &Sheet) -> Result<(), SheetError> {
    if sheet.panel != view.id {
        return Err(refused(
            file,
            Refusal::ForeignPanel,
            "panel: ",
            format!(
                "the sheet is for panel {:?}, not {:?} ({}); merge it into its own panel",
                sheet.panel,
                view.id,
                view.config_file().display()
            ),
        ));
    }
    let r = &view.rubric;
    if sheet.rubric != r.rubric.id || sheet.rubric_sha256 != r.sha256 {
        return Err(refused(
            file,
            Refusal::ForeignRubric,
            "rubric_sha256: ",
            format!(
                "the sheet was scored against rubric {} ({}), but the panel uses {} ({}); the \
                 rubric changed after scoring. Have the expert open the panel with the \
                 current rubric, re-check the scores and export again",
                sheet.rubric,
                short(&sheet.rubric_sha256),
                r.rubric.id,
                short(&r.sha256)
            ),
        ));
    }
    Ok(())
}

/// Checks a parsed sheet against the panel: panel id, rubric, applications, items, values,
/// conflicts and completeness.
pub fn verify_content(view: &PanelView, file: &Path, sheet: &Sheet) -> Result<(), SheetError> {
    check_identity(view, file, sheet)?;
    let r = &view.rubric;
    let mut seen = BTreeSet::new();
    for (i, app) in sheet.applications.iter().enumerate() {
        let place = format!("applications[{i}] ({}) ", app.code);
        let Some(info) = view.apps.get(&app.code) else {
            return Err(refused(
                file,
                Refusal::UnknownApplication,
                format!("applications[{i}].code: "),
                format!(
                    "application {:?} is not in panel {} (applications: {}); was the sheet \
                     made for another panel?",
                    app.code,
                    view.id,
                    view.apps.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if !seen.insert(app.code.as_str()) {
            return Err(refused(
                file,
                Refusal::DuplicateApplication,
                place,
                "the application appears twice; export the sheet again",
            ));
        }
        if app.bundle_sha256 != info.bundle_sha256 {
            return Err(refused(
                file,
                Refusal::BundleMismatch,
                format!("{place}bundle_sha256: "),
                format!(
                    "the expert scored bundle {} but the panel's bundle is {}; the bundle \
                     changed after scoring. Have the expert reload the panel, re-check this \
                     application and export again",
                    short(&app.bundle_sha256),
                    short(&info.bundle_sha256)
                ),
            ));
        }
        if app.status != AppStatus::Conflict && app.conflict_reason.is_some() {
            return Err(refused(
                file,
                Refusal::Malformed,
                format!("{place}conflict_reason: "),
                "a conflict reason on an application that is not in conflict; export again",
            ));
        }
        if app.status == AppStatus::Conflict {
            let valued: Vec<&str> = app
                .items
                .iter()
                .filter(|(_, v)| v.value.is_some())
                .map(|(k, _)| k.as_str())
                .collect();
            if !valued.is_empty() {
                return Err(refused(
                    file,
                    Refusal::ConflictWithScores,
                    place,
                    format!(
                        "the expert declared a conflict of interest but the sheet carries \
                         values for {}; a conflicted application is not scored. Clear the \
                         values or withdraw the conflict, then export again",
                        valued.join(", ")
                    ),
                ));
            }
        }
        for (id, it) in &app.items {
            let Some((_, _, item)) = r.rubric.item(id) else {
                return Err(refused(
                    file,
                    Refusal::UnknownItem,
                    format!("{place}items.{id}: "),
                    format!(
                        "rubric {} has no item {id:?}; the sheet was made for another rubric",
                        r.rubric.id
                    ),
                ));
            };
            if let Some(v) = it.value {
                check_value(
                    item,
                    v,
                    it.reason.as_deref(),
                    info.suggestions.get(id).copied(),
                )
                .map_err(|(kind, m)| refused(file, kind, format!("{place}items.{id}: "), m))?;
            }
        }
        if app.status == AppStatus::Submitted {
            let missing: Vec<&str> = r
                .rubric
                .items()
                .map(|(_, _, it)| it.id.as_str())
                .filter(|id| app.items.get(*id).and_then(|v| v.value).is_none())
                .collect();
            if !missing.is_empty() {
                return Err(refused(
                    file,
                    Refusal::Incomplete,
                    place,
                    format!(
                        "submitted without values for {}; score every item before \
                         submitting, or leave the application as a draft",
                        missing.join(", ")
                    ),
                ));
            }
            if let Some(spec) = &r.rubric.opinion {
                if !spec.satisfied_by(app.opinion.as_deref()) {
                    let n = app.opinion.as_deref().map(OpinionSpec::count).unwrap_or(0);
                    return Err(refused(
                        file,
                        Refusal::Incomplete,
                        format!("{place}opinion: "),
                        format!(
                            "submitted with {n} characters of {} where rubric {} asks for at \
                             least {}; have the expert write the opinion and export again",
                            spec.title,
                            r.rubric.id,
                            spec.min_chars.max(1)
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}
