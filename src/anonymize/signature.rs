//! Signing and verifying the identity map (`<map>.sig`) with the secretariat's
//! Ed25519 key (`panel keygen --expert SECRETARIAT`, see [`crate::sheet::keys`]).
//!
//! The signature file holds, one per line:
//! - `ed25519:<hex>`: the signature over the exact bytes of the identity map file;
//! - `<code> ed25519:<hex>`: per entry, the signature over the entry's JSON
//!   (`serde_json::to_vec`), so that a map whose file signature fails can say which
//!   entries were altered, swapped, added or removed;
//! - `signer: ed25519:<hex>`: the public key of the key that signed (maps signed before it
//!   was written have no such line), so that a map checked with another key is reported as
//!   signed by another key, not as altered.
//!
//! Only the file signature decides; the entry lines and the signer line only name what
//! changed (they are not trusted: an edited signer line can only change the message of a
//! refusal).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};

use super::{IdentityMap, MapEntry};
use crate::sheet::keys;

/// The key id whose key signs identity maps.
pub const SECRETARIAT: &str = "SECRETARIAT";

/// The label of the signature file's line naming the signer's public key (not a code:
/// codes never hold `:`).
const SIGNER: &str = "signer:";

/// The secret key in `path` (64 hex chars, as `panel keygen` writes it).
pub fn load_secret_file(path: &Path) -> Result<SigningKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the secret key: {e}", path.display()))?;
    let bytes = hex::decode(text.trim()).map_err(|_| {
        format!(
            "{}: not a secret key (64 hex chars); give the `.ed25519` file `panel keygen --expert {SECRETARIAT}` wrote, not the `.pub`",
            path.display()
        )
    })?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| format!("{}: the secret key is not 32 bytes", path.display()))?;
    Ok(SigningKey::from_bytes(&arr))
}

/// A public key given as `ed25519:<hex>` or as the path of a file holding it.
pub fn load_public(arg: &str) -> Result<VerifyingKey, String> {
    if arg.trim().starts_with("ed25519:") {
        return keys::parse_public_key(arg);
    }
    let text = std::fs::read_to_string(arg)
        .map_err(|e| format!("{arg}: cannot read the public key: {e}"))?;
    keys::parse_public_key(&text).map_err(|e| format!("{arg}: {e}"))
}

/// `<map>.sig`.
pub fn sig_path(map: &Path) -> PathBuf {
    let mut s = map.as_os_str().to_os_string();
    s.push(".sig");
    PathBuf::from(s)
}

fn entry_bytes(e: &MapEntry) -> Vec<u8> {
    serde_json::to_vec(e).unwrap_or_default()
}

/// The signature file's content for a map written as `bytes`.
pub fn sign_map(bytes: &[u8], map: &IdentityMap, key: &SigningKey) -> String {
    let mut out = keys::sign(bytes, key);
    for e in &map.entries {
        out.push_str(&e.code);
        out.push(' ');
        out.push_str(&keys::sign(&entry_bytes(e), key));
    }
    out.push_str(SIGNER);
    out.push(' ');
    out.push_str(&keys::public_key_string(&key.verifying_key()));
    out.push('\n');
    out
}

/// The signer's public key a signature file records (`signer: ed25519:<hex>`), as written.
pub fn recorded_signer(sig_text: &str) -> Option<String> {
    sig_text.lines().find_map(|l| {
        l.trim()
            .strip_prefix(SIGNER)
            .map(|k| k.trim().to_string())
            .filter(|k| keys::parse_public_key(k).is_ok())
    })
}

/// Why a map does not verify; each message names the map file and, where it can,
/// the codes.
pub fn verify_map(
    map_file: &Path,
    bytes: &[u8],
    map: &IdentityMap,
    sig_text: &str,
    key: &VerifyingKey,
) -> Result<(), String> {
    let sig_file = sig_path(map_file);
    let mut lines = sig_text.lines().filter(|l| !l.trim().is_empty());
    let Some(file_sig) = lines.next() else {
        return Err(format!("{}: empty signature file", sig_file.display()));
    };
    if keys::verify(bytes, file_sig, key).is_ok() {
        return Ok(());
    }
    let given = keys::public_key_string(key);
    // Signed by another key: say so, not "altered".
    if let Some(signer) = recorded_signer(sig_text) {
        if keys::parse_public_key(&signer).ok().as_ref() != Some(key) {
            return Err(format!(
                "{}: the signature {} does not match the key given ({given}): signed by another \
                 key ({signer}); give the public key of the secretariat that signed the map \
                 (--key <SECRETARIAT.ed25519.pub> or --key-dir)",
                map_file.display(),
                sig_file.display()
            ));
        }
    }
    // Which entries changed?
    let mut per_code: BTreeMap<&str, &str> = BTreeMap::new();
    for l in lines {
        let l = l.trim();
        if l.starts_with(SIGNER) {
            continue;
        }
        if let Some((code, sig)) = l.split_once(' ') {
            per_code.insert(code, sig);
        }
    }
    // A signature file without a signer line (written before it existed): when not one of
    // its entry signatures holds under this key, the key is most likely another one.
    if recorded_signer(sig_text).is_none()
        && !map.entries.is_empty()
        && !map.entries.iter().any(|e| {
            per_code
                .get(e.code.as_str())
                .is_some_and(|sig| keys::verify(&entry_bytes(e), sig, key).is_ok())
        })
    {
        return Err(format!(
            "{}: the signature {} does not match the key given ({given}): most likely signed \
             by another key (not one of its entry signatures holds under this key; or every \
             entry was changed); give the public key of the secretariat that signed the map \
             (--key <SECRETARIAT.ed25519.pub> or --key-dir)",
            map_file.display(),
            sig_file.display()
        ));
    }
    let mut altered = Vec::new();
    let mut added = Vec::new();
    for e in &map.entries {
        match per_code.remove(e.code.as_str()) {
            Some(sig) => {
                if keys::verify(&entry_bytes(e), sig, key).is_err() {
                    altered.push(e.code.as_str());
                }
            }
            None => added.push(e.code.as_str()),
        }
    }
    altered.sort_unstable();
    added.sort_unstable();
    let removed: Vec<&str> = per_code.into_keys().collect();
    let mut what = Vec::new();
    if !altered.is_empty() {
        what.push(format!(
            "entr{} {} altered (an edited field, or codes swapped)",
            if altered.len() == 1 { "y" } else { "ies" },
            altered.join(", ")
        ));
    }
    if !added.is_empty() {
        what.push(format!("entries not signed: {}", added.join(", ")));
    }
    if !removed.is_empty() {
        what.push(format!("signed entries missing: {}", removed.join(", ")));
    }
    if what.is_empty() {
        what.push("the file was changed outside its entries".to_string());
    }
    Err(format!(
        "{}: the signature {} does not match the file and the secretariat's key: {}; \
         do not trust this map — restore it from the secretariat's copy",
        map_file.display(),
        sig_file.display(),
        what.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anonymize::{Identity, MAP_SCHEMA};

    fn entry(code: &str, applicant: &str) -> MapEntry {
        MapEntry {
            code: code.into(),
            program: "p".into(),
            raw_file: format!("raw/{code}.json"),
            raw_sha256: "0".repeat(64),
            bundle_sha256: Some("1".repeat(64)),
            title: "t".into(),
            identity: Identity {
                applicant: applicant.into(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn sign_verify_and_name_altered_codes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let pk = key.verifying_key();
        let map = IdentityMap {
            schema: MAP_SCHEMA.into(),
            entries: vec![entry("A-001", "甲公司"), entry("A-002", "乙公司")],
        };
        let bytes = serde_json::to_vec_pretty(&map).unwrap();
        let sig = sign_map(&bytes, &map, &key);
        let f = Path::new("m.json");
        assert!(verify_map(f, &bytes, &map, &sig, &pk).is_ok());
        // Swapped codes: both entries named.
        let mut swapped = map.clone();
        swapped.entries[0].code = "A-002".into();
        swapped.entries[1].code = "A-001".into();
        let b2 = serde_json::to_vec_pretty(&swapped).unwrap();
        let e = verify_map(f, &b2, &swapped, &sig, &pk).unwrap_err();
        assert!(
            e.contains("A-001, A-002") && e.contains("m.json.sig"),
            "{e}"
        );
        // An edited applicant: that code only.
        let mut edited = map.clone();
        edited.entries[1].identity.applicant = "丙公司".into();
        let b3 = serde_json::to_vec_pretty(&edited).unwrap();
        let e = verify_map(f, &b3, &edited, &sig, &pk).unwrap_err();
        assert!(e.contains("entry A-002 altered"), "{e}");
        // A removed entry; whitespace only; another key.
        let mut removed = map.clone();
        removed.entries.pop();
        let b4 = serde_json::to_vec_pretty(&removed).unwrap();
        let e = verify_map(f, &b4, &removed, &sig, &pk).unwrap_err();
        assert!(e.contains("signed entries missing: A-002"), "{e}");
        let mut b5 = bytes.clone();
        b5.push(b'\n');
        let e = verify_map(f, &b5, &map, &sig, &pk).unwrap_err();
        assert!(e.contains("outside its entries"), "{e}");
        // Another key: named as such, from the signer line, or (a signature file written
        // before the signer line) because no entry signature holds; never "altered".
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        let e = verify_map(f, &bytes, &map, &sig, &other).unwrap_err();
        assert!(
            e.contains("signed by another key")
                && e.contains(&keys::public_key_string(&pk))
                && !e.contains("altered"),
            "{e}"
        );
        let old_format: String = sig
            .lines()
            .filter(|l| !l.starts_with("signer:"))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(verify_map(f, &bytes, &map, &old_format, &pk).is_ok());
        let e = verify_map(f, &bytes, &map, &old_format, &other).unwrap_err();
        assert!(
            e.contains("most likely signed by another key") && !e.contains("entries A-001"),
            "{e}"
        );
        // The old format still names one altered entry among good ones.
        let e = verify_map(f, &b3, &edited, &old_format, &pk).unwrap_err();
        assert!(e.contains("entry A-002 altered"), "{e}");
        assert!(verify_map(f, &bytes, &map, "", &pk).is_err());
    }
}
