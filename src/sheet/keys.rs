//! Expert keys (Ed25519) and detached signatures of sheet files.
//!
//! Key files live in the key directory (`--key-dir`, else `$PANEL_KEY_DIR`, else the user's
//! data directory `/keys`): `<expert>.ed25519` holds the 32-byte secret as hex (mode 0600),
//! `<expert>.ed25519.pub` the public key as `ed25519:<hex>`, the form `panel.json` lists.
//! A signature file holds `ed25519:<hex of 64 bytes>` over the exact bytes of the signed file.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::{io_err, is_safe_id, write_atomic, SheetError};
use crate::role::Role;

/// Environment variable overriding the key directory.
pub const KEY_DIR_ENV: &str = "PANEL_KEY_DIR";
const PREFIX: &str = "ed25519:";

/// The key directory: `explicit`, else `$PANEL_KEY_DIR`, else `<data dir>/keys`.
pub fn key_dir(explicit: Option<&Path>) -> Result<PathBuf, SheetError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(KEY_DIR_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "panel").ok_or_else(|| SheetError::Key {
        path: PathBuf::from("~"),
        message: "no home directory for the key; pass --key-dir <DIR>".into(),
    })?;
    Ok(dirs.data_dir().join("keys"))
}

/// `<dir>/<expert>.ed25519`.
pub fn secret_key_path(dir: &Path, expert: &str) -> PathBuf {
    dir.join(format!("{expert}.ed25519"))
}

/// `<dir>/<expert>.ed25519.pub`.
pub fn public_key_path(dir: &Path, expert: &str) -> PathBuf {
    dir.join(format!("{expert}.ed25519.pub"))
}

/// `ed25519:<hex>`.
pub fn public_key_string(key: &VerifyingKey) -> String {
    format!("{PREFIX}{}", hex::encode(key.as_bytes()))
}

/// Parses `ed25519:<64 hex>` (bare hex is accepted too).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, String> {
    let t = text.trim();
    let hex_part = t.strip_prefix(PREFIX).unwrap_or(t);
    let bytes =
        hex::decode(hex_part).map_err(|e| format!("public key {text:?} is not hex ({e})"))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| format!("public key {text:?} is not 32 bytes"))?;
    VerifyingKey::from_bytes(&arr).map_err(|e| format!("public key {text:?} is invalid ({e})"))
}

fn check_expert(dir: &Path, expert: &str) -> Result<(), SheetError> {
    if is_safe_id(expert) {
        Ok(())
    } else {
        Err(SheetError::Key {
            path: dir.to_path_buf(),
            message: format!(
                "expert id {expert:?} cannot name a key file; use letters, digits, '_', '-' \
                 or '.'"
            ),
        })
    }
}

/// Creates a key pair for `expert` in `dir`. An existing key is kept (and returned with
/// `created == false`) unless `force`.
pub fn keygen(
    dir: &Path,
    expert: &str,
    force: bool,
) -> Result<(VerifyingKey, PathBuf, bool), SheetError> {
    check_expert(dir, expert)?;
    let secret = secret_key_path(dir, expert);
    if secret.exists() && !force {
        let key = load_signing_key(dir, expert)?.ok_or_else(|| SheetError::Key {
            path: secret.clone(),
            message: "vanished while reading".into(),
        })?;
        return Ok((key.verifying_key(), secret, false));
    }
    std::fs::create_dir_all(dir).map_err(io_err("cannot create key directory", dir))?;
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    write_secret(&secret, &format!("{}\n", hex::encode(key.to_bytes())))?;
    let public = key.verifying_key();
    write_atomic(
        &public_key_path(dir, expert),
        format!("{}\n", public_key_string(&public)).as_bytes(),
    )?;
    Ok((public, secret, true))
}

/// The secret key file: owner-only (`0600`), stored atomically, never into a device.
fn write_secret(path: &Path, text: &str) -> Result<(), SheetError> {
    crate::atomic_file::store(path, text.as_bytes(), crate::atomic_file::Options::PRIVATE)
        .map_err(|e| io_err("cannot write secret key", path)(e.source))
}

/// The signing key of `expert` in `dir`, `None` when there is no key file.
pub fn load_signing_key(dir: &Path, expert: &str) -> Result<Option<SigningKey>, SheetError> {
    check_expert(dir, expert)?;
    let path = secret_key_path(dir, expert);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("cannot read secret key", &path)(e)),
    };
    let bad = |m: &str| SheetError::Key {
        path: path.clone(),
        message: format!("{m}; run `panel keygen --expert {expert} --force` to make a new key"),
    };
    let bytes = hex::decode(text.trim()).map_err(|_| bad("not a hex secret key"))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| bad("the secret key is not 32 bytes"))?;
    Ok(Some(SigningKey::from_bytes(&arr)))
}

/// Signature file content for `bytes`: `ed25519:<hex>` and a newline.
pub fn sign(bytes: &[u8], key: &SigningKey) -> String {
    format!("{PREFIX}{}\n", hex::encode(key.sign(bytes).to_bytes()))
}

/// Verifies a signature file's text over `bytes` with `verify_strict`.
pub fn verify(bytes: &[u8], sig_text: &str, key: &VerifyingKey) -> Result<(), String> {
    let hex_part = sig_text
        .trim()
        .strip_prefix(PREFIX)
        .ok_or_else(|| format!("the signature does not start with \"{PREFIX}\""))?;
    let raw = hex::decode(hex_part).map_err(|_| "the signature is not hex".to_string())?;
    let arr: [u8; 64] = raw
        .try_into()
        .map_err(|_| "the signature is not 64 bytes".to_string())?;
    let sig = Signature::from_bytes(&arr);
    key.verify_strict(bytes, &sig)
        .map_err(|_| "the signature does not match the file and the roster's key".to_string())
}

/// A store [`Signer`](crate::store::Signer) for `key`: every commit line of the owner's
/// database carries `sign(hash)` (see `docs/store.md`, "Signed journal").
pub fn store_signer(key: SigningKey) -> crate::store::Signer {
    Box::new(move |bytes| sign(bytes, &key))
}

/// The owner of a database with role `role` and the owner's key from the roster: the chair
/// is panel.json's `chair`. `None` when the owner has no key.
pub fn owner_key(
    panel: &crate::panel::Panel,
    role: &Role,
) -> Result<Option<(String, VerifyingKey)>, String> {
    let owner = match role {
        Role::Expert(id) => id.clone(),
        Role::Chair => match &panel.config.chair {
            Some(c) => c.clone(),
            None => return Ok(None),
        },
    };
    let Some(text) = panel
        .expert(&owner)
        .and_then(|e| e.public_key.clone())
        .filter(|k| !k.trim().is_empty())
    else {
        return Ok(None);
    };
    let key = parse_public_key(&text).map_err(|e| {
        format!(
            "{}: public_key of {owner}: {e}",
            panel.dir.join("panel.json").display()
        )
    })?;
    Ok(Some((owner, key)))
}

/// Checks that every journal line carries a valid signature of `key` over its hash.
/// `Err((line, reason))` names the first line that does not.
pub fn check_journal_signatures(
    entries: &[crate::store::Seal],
    key: &VerifyingKey,
) -> Result<(), (u64, String)> {
    for e in entries {
        match &e.sig {
            None => return Err((e.seq, "the line is not signed".to_string())),
            Some(sig) => verify(e.hash.as_bytes(), sig, key).map_err(|r| {
                (
                    e.seq,
                    r.replace(
                        "the file and the roster's key",
                        "the line's hash and the owner's key",
                    ),
                )
            })?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keygen_sign_verify() {
        let d = tempfile::tempdir().unwrap();
        let (pk, secret, created) = keygen(d.path(), "E01", false).unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (pk2, _, created) = keygen(d.path(), "E01", false).unwrap();
        assert!(!created);
        assert_eq!(pk, pk2);
        let text = std::fs::read_to_string(public_key_path(d.path(), "E01")).unwrap();
        assert_eq!(parse_public_key(&text).unwrap(), pk);
        let sk = load_signing_key(d.path(), "E01").unwrap().unwrap();
        let sig = sign(b"hello", &sk);
        assert!(verify(b"hello", &sig, &pk).is_ok());
        assert!(verify(b"hellp", &sig, &pk).is_err());
        assert!(verify(b"hello", "ed25519:00", &pk).is_err());
        assert!(verify(b"hello", "garbage", &pk).is_err());
        assert!(load_signing_key(d.path(), "E02").unwrap().is_none());
        assert!(keygen(d.path(), "../x", false).is_err());
        let (pk3, _, created) = keygen(d.path(), "E01", true).unwrap();
        assert!(created);
        assert_ne!(pk3, pk);
        assert!(parse_public_key("ed25519:zz").is_err());
        assert!(parse_public_key("abc").is_err());
    }
}
