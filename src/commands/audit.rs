//! `panel audit verify | repair`: the journal checked against its chain, the sled index, a
//! head printed earlier and the owner's signatures; the explicit repair.

use super::{Exit, Outcome};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::role::Role;
use crate::store::{self, Seal, SledEvidence};

type Output = Outcome;

/// A database directory, or its `journal.jsonl`.
fn db_dir(db: &Path) -> PathBuf {
    if db.is_file() {
        match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        db.to_path_buf()
    }
}

/// Checks a head given by the user (at least 16 hex digits, as printed) against the
/// journal: Ok(line) when some line has that hash.
fn find_head(entries: &[store::JournalEntry], given: &str) -> Result<Option<u64>> {
    let g = given.trim().to_ascii_lowercase();
    if g.len() < 16 || g.len() > 64 || !g.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!(
            "--head {given:?}: give the journal head as printed (at least 16 hexadecimal \
             digits, e.g. from `panel audit verify` or the 评审汇总表)"
        );
    }
    if g == store::GENESIS_HASH[..g.len()] && entries.is_empty() {
        return Ok(Some(0));
    }
    Ok(entries
        .iter()
        .find(|e| e.hash.starts_with(&g))
        .map(|e| e.seq))
}

/// The role recorded in the journal's first commit; an error (naming the journal) when it
/// is missing or neither `chair` nor `expert:<id>`.
fn journal_role(entries: &[store::JournalEntry], journal: &Path) -> Result<Role> {
    let text = entries
        .first()
        .and_then(|e| {
            e.ops.iter().rev().find_map(|op| match op {
                store::Op::Meta { key, value } if key == "role" => Some(value.clone()),
                _ => None,
            })
        })
        .unwrap_or_default();
    text.parse().map_err(|e| {
        anyhow::anyhow!(
            "{}: line 1 records no owner of this database ({e}), so there is no key to check \
             its signatures against: pass a panel database (an expert's or the chair's), or \
             anchor it with --head instead of --panel",
            journal.display()
        )
    })
}

/// `panel audit verify <DB> [--head HASH] [--panel DIR]`: read-only; exit 1 when the journal
/// is damaged, disagrees with the sled index, does not contain the given head, or (with the
/// panel) is not signed throughout by an owner who has a key, or (without it) its lines stop
/// carrying signatures partway ([`store::signature_gap`]).
pub fn verify(db: &Path, head: Option<&str>, panel_dir: Option<&Path>) -> Result<Output> {
    let dir = db_dir(db);
    let journal = dir.join("journal.jsonl");
    if !journal.is_file() {
        bail!(
            "{}: no journal here; pass the database directory (holding journal.jsonl) or the \
             journal file itself",
            journal.display()
        );
    }
    let ins = store::inspect(&dir)?;
    let (mut out, mut err) = (String::new(), String::new());
    let n = ins.entries.len();
    let evidence = match &ins.sled {
        SledEvidence::Absent => "no sled index to compare with".to_string(),
        SledEvidence::Unreadable(r) => format!("sled index not compared: unreadable ({r})"),
        SledEvidence::Applied { seq, .. } if *seq == n as u64 => {
            format!("sled index agrees (commit {seq}, same hash)")
        }
        SledEvidence::Applied { seq, .. } => format!(
            "sled index agrees up to commit {seq} (it applies the remaining {} at the next \
             open for changes)",
            n as u64 - seq.min(&(n as u64))
        ),
    };
    if let Some(e) = ins.refusal() {
        let _ = writeln!(
            err,
            "FAILED {}: {n} complete commit(s), chain intact, head {}; but {e}",
            journal.display(),
            ins.head()
        );
        return Ok(Outcome::refused(out, err));
    }
    let mut exit = Exit::Success;
    let signed = ins.entries.iter().filter(|e| e.sig.is_some()).count();
    let signatures = match panel_dir {
        None if signed == 0 => "no line is signed".to_string(),
        None => format!(
            "{signed} of {n} line(s) carry a signature, not checked (pass --panel <PANEL_DIR> \
             to check them against the owner's key)"
        ),
        Some(pd) => {
            let panel = crate::panel::Panel::open(pd)?;
            let role = journal_role(&ins.entries, &journal)?;
            match crate::sheet::keys::owner_key(&panel, &role).map_err(|e| anyhow::anyhow!(e))? {
                None => format!(
                    "the owner of this {role} database has no public_key in {}: nothing to \
                     check signatures against (anchor it with --head)",
                    pd.join("panel.json").display()
                ),
                Some((owner, key)) => {
                    match crate::sheet::keys::check_journal_signatures(
                        &ins.entries.iter().map(Seal::of).collect::<Vec<_>>(),
                        &key,
                    ) {
                        Ok(()) => format!("every line signed by {owner}"),
                        Err((line, reason)) => {
                            let _ = writeln!(
                                err,
                                "FAILED {}: line {line}: {reason}. The roster gives {owner} (the \
                                 owner of this {role} database) a public_key, so every line \
                                 carries {owner}'s signature over its hash: the journal was \
                                 rewritten from line {line} on (or written without the key). \
                                 Restore it from a backup.",
                                journal.display()
                            );
                            exit = Exit::Refused;
                            format!("signature check failed at line {line}")
                        }
                    }
                }
            }
        }
    };
    // Lines that stop carrying signatures partway are a rewritten journal, whatever the
    // panel says (with --panel and an owner's key the check above has named it already).
    let signatures = match store::signature_gap(&ins.entries) {
        Some((line, signed_line)) if exit == Exit::Success => {
            let _ = writeln!(
                err,
                "FAILED {}: line {line} carries no signature, although line {signed_line} \
                 before it does: the lines stop carrying signatures partway, which no panel \
                 process writes (a database whose owner has a key is signed on every line from \
                 its creation, one without a key on none). The journal was most likely \
                 rewritten from line {line} on, its unforgeable signatures dropped. Verify it \
                 with `panel audit verify {} --panel <PANEL_DIR>` (the owner's key) and restore \
                 it from a backup.",
                journal.display(),
                db.display()
            );
            exit = Exit::Refused;
            format!("line {line} unsigned after signed line {signed_line}")
        }
        _ => signatures,
    };
    if let Some(h) = head {
        match find_head(&ins.entries, h)? {
            Some(line) => {
                let _ = writeln!(
                    out,
                    "head {h} is line {line} of {n}: the journal up to it is the one that \
                     head was printed for{}",
                    if line as usize == n {
                        String::new()
                    } else {
                        format!(" ({} commit(s) since)", n - line as usize)
                    }
                );
            }
            None => {
                let _ = writeln!(
                    err,
                    "FAILED {}: head {h} printed earlier is the hash of no line of this \
                     journal ({n} commit(s), head {}): the journal was rewritten at or before \
                     the commit that head named, or it is another database. Restore it from a \
                     backup.",
                    journal.display(),
                    ins.head()
                );
                exit = Exit::Refused;
            }
        }
    }
    let _ = writeln!(
        out,
        "{} {}: {n} commit(s), chain intact, head {}{}; {evidence}; {signatures}",
        if exit == Exit::Success {
            "ok"
        } else {
            "checked"
        },
        journal.display(),
        ins.head(),
        match (ins.entries.first(), ins.entries.last()) {
            (Some(a), Some(b)) => format!(", {} … {}", a.ts, b.ts),
            _ => String::new(),
        },
    );
    for note in ins.notes() {
        let _ = writeln!(err, "warning: {note}");
    }
    Ok(Outcome::new(out, err, exit))
}

/// `panel audit repair <DB>`: takes the lock, moves a torn journal tail and a damaged or
/// disagreeing sled index aside (kept, named) and rebuilds the index from the journal;
/// refuses a journal whose lines stop carrying signatures partway (`StoreError::SignatureGap`).
pub fn repair(db: &Path) -> Result<Output> {
    let dir = db_dir(db);
    let rep = store::Store::repair(&dir)?;
    let mut out = String::new();
    for w in &rep.warnings {
        let _ = writeln!(out, "repaired: {w}");
    }
    for r in &rep.repaired {
        let _ = writeln!(out, "repaired: {r}");
    }
    if out.is_empty() {
        let _ = writeln!(
            out,
            "nothing to repair in {}: the journal ({} commit(s)) is complete and the sled \
             index agrees with it; nothing was moved",
            dir.display(),
            rep.journal_commits
        );
    }
    Ok(Outcome::done(out, String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_line(role: Option<&str>) -> Vec<store::JournalEntry> {
        let mut ops = vec![store::Op::Meta {
            key: "panel_id".into(),
            value: "p".into(),
        }];
        if let Some(r) = role {
            ops.push(store::Op::Meta {
                key: "role".into(),
                value: r.into(),
            });
        }
        vec![store::JournalEntry {
            seq: 1,
            prev: String::new(),
            ts: String::new(),
            ops,
            hash: String::new(),
            sig: None,
        }]
    }

    #[test]
    fn the_journal_role_is_parsed_once() {
        let j = Path::new("/db/journal.jsonl");
        assert_eq!(
            journal_role(&first_line(Some("chair")), j).unwrap(),
            Role::Chair
        );
        assert_eq!(
            journal_role(&first_line(Some("expert:E01")), j).unwrap(),
            Role::expert("E01")
        );
        for bad in [Some("boss"), Some(""), None] {
            let e = journal_role(&first_line(bad), j).unwrap_err().to_string();
            assert!(e.starts_with("/db/journal.jsonl: line 1"), "{e}");
            assert!(e.contains("--head"), "{e}");
        }
        assert!(journal_role(&[], j).is_err());
    }
}
