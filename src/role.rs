//! Who a database belongs to: the panel's chair or one expert.
//!
//! Written (Display, serde, the store's `role` meta value, journal lines, messages) as
//! `chair` or `expert:<id>`, the spelling every database on disk already holds. Parsed once
//! where a role comes in (a database's metadata or journal); everything else matches on the
//! variants. A leaf module: it imports nothing of the crate, so the store, the sheets and the
//! commands can all share it.
//!
//! Display, FromStr and serde are written by hand rather than derived with strum: the expert
//! variant carries an id after an `expert:` prefix, a form strum's derives do not parse.

use serde::{Deserialize, Serialize};

/// The owner of a database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The panel's chair (panel.json `chair` names the person).
    Chair,
    /// The expert with this id in the panel's roster.
    Expert(String),
}

impl Role {
    const CHAIR: &'static str = "chair";
    const EXPERT: &'static str = "expert:";

    /// The expert role of `id`.
    pub fn expert(id: impl Into<String>) -> Self {
        Role::Expert(id.into())
    }

    /// The expert id of an expert role.
    pub fn expert_id(&self) -> Option<&str> {
        match self {
            Role::Chair => None,
            Role::Expert(id) => Some(id),
        }
    }

    /// The name of the role's default database directory after `<panel id>-`: the role with
    /// every `:` as `-` (`chair`, `expert-<id>`; a `:` is not portable in a file name).
    pub fn dir_name(&self) -> String {
        self.to_string().replace(':', "-")
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Role::Chair => f.write_str(Role::CHAIR),
            Role::Expert(id) => write!(f, "{}{id}", Role::EXPERT),
        }
    }
}

/// A string that is not a [`Role`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected \"chair\" or \"expert:<id>\"")]
pub struct ParseRoleError(pub String);

impl std::str::FromStr for Role {
    type Err = ParseRoleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.strip_prefix(Role::EXPERT) {
            Some(id) if !id.is_empty() => Ok(Role::Expert(id.to_string())),
            None if s == Role::CHAIR => Ok(Role::Chair),
            _ => Err(ParseRoleError(s.to_string())),
        }
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_as_on_disk() {
        for (role, text) in [
            (Role::Chair, "chair"),
            (Role::expert("E01"), "expert:E01"),
            (Role::expert("专家:1"), "expert:专家:1"),
        ] {
            assert_eq!(role.to_string(), text);
            assert_eq!(text.parse::<Role>().unwrap(), role);
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
    }

    #[test]
    fn directory_names_keep_the_old_paths() {
        assert_eq!(Role::Chair.dir_name(), "chair");
        assert_eq!(Role::expert("E01").dir_name(), "expert-E01");
        assert_eq!(Role::expert("a:b").dir_name(), "expert-a-b");
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "Chair",
            "expert",
            "expert:",
            "chair:E01",
            "expert-E01",
            " chair",
        ] {
            let e = bad.parse::<Role>().unwrap_err();
            assert!(e.to_string().contains("expected \"chair\""), "{e}");
            assert!(serde_json::from_str::<Role>(&format!("{bad:?}")).is_err());
        }
    }
}

#[cfg(test)]
mod stored {
    use super::Role;
    use crate::store::{Store, StoreError, StoreIdentity};
    use sha2::{Digest, Sha256};

    /// The identity every test here opens its database with: a chair's.
    fn chair_identity() -> StoreIdentity {
        StoreIdentity {
            panel_id: "p".into(),
            rubric_sha256: "ab".repeat(32),
            role: Role::Chair,
        }
    }

    /// A database whose first journal line records `role` (the chain re-hashed, the sled
    /// index removed so it is rebuilt from the journal).
    fn database_recording(role: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        let ident = chair_identity();
        drop(Store::open(&db, &ident).unwrap());
        let journal = db.join("journal.jsonl");
        let text = std::fs::read_to_string(&journal).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        let mut line: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
        for op in line["ops"].as_array_mut().unwrap() {
            if op["key"] == "role" {
                op["value"] = role.into();
            }
        }
        let body = serde_json::to_string(&serde_json::json!({
            "seq": line["seq"], "ts": line["ts"], "ops": line["ops"],
        }))
        .unwrap();
        let mut h = Sha256::new();
        h.update(line["prev"].as_str().unwrap().as_bytes());
        h.update(body.as_bytes());
        line["hash"] = hex::encode(h.finalize()).into();
        std::fs::write(&journal, format!("{line}\n")).unwrap();
        std::fs::remove_dir_all(db.join("sled")).unwrap();
        (dir, db)
    }

    #[test]
    fn a_stored_role_that_does_not_parse_is_refused_naming_the_database() {
        let (_dir, db) = database_recording("boss");
        let ident = chair_identity();
        let e = Store::open_read_only(&db, &ident).unwrap_err();
        assert!(matches!(e, StoreError::Foreign { .. }), "{e}");
        let msg = e.to_string();
        for part in [
            db.display().to_string().as_str(),
            "\"boss\"",
            "\"chair\"",
            "--db",
        ] {
            assert!(msg.contains(part), "{part} in {msg}");
        }
    }

    #[test]
    fn another_valid_role_only_warns_as_before() {
        let (_dir, db) = database_recording("expert:E01");
        let ident = chair_identity();
        let (_s, rep) = Store::open_read_only(&db, &ident).unwrap();
        assert_eq!(
            rep.warnings,
            [format!(
                "database {} belongs to role \"expert:E01\", not \"chair\": what it holds is \
                 shown, read only; to see chair's own database, give its path with --db",
                db.display()
            )]
        );
    }
}
