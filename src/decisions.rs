//! Storing the chair's decisions in the chair database: manual eligibility gates decided by a
//! person (`panel eligibility`) and grade assignments of graded award tracks (`panel awards
//! --assign`).
//!
//! Each decision is one commit of an `Op::Audit` (kind [`KIND_GATE`] or [`KIND_GRADE`]) to the
//! chair store, so it is journaled, hash-chained and fdatasync'ed like a merge; nothing is ever
//! overwritten: a later decision on the same gate (or grade of the same application)
//! supersedes the earlier one, and both stay in the journal. Who decided is an expert id of
//! the roster (the chair by default); when is the commit's timestamp.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::store::{Op, Receipt, Store, StoreError};

/// Audit kind of a gate decision.
pub const KIND_GATE: &str = "gate_decision";
/// Audit kind of a grade assignment.
pub const KIND_GRADE: &str = "grade_assignment";

/// What was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decided {
    /// A manual or unknown eligibility gate: `pass` true = 符合, false = 不符合.
    Gate { gate: String, pass: bool },
    /// A grade (等次) of a graded award track.
    Grade { track: String, grade: String },
}

/// One recorded decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub application: String,
    #[serde(flatten)]
    pub decided: Decided,
    pub reason: String,
    /// Expert id of the person who decided.
    pub decided_by: String,
    /// Their name in the roster.
    pub decided_by_name: String,
    /// Commit timestamp (RFC 3339), filled when read back.
    #[serde(default)]
    pub at: String,
    /// Journal sequence number of the commit, filled when read back.
    #[serde(default)]
    pub seq: u64,
}

impl Decision {
    /// One line in English: `E2 passed by E01 (专家一) at …: reason`.
    pub fn describe(&self) -> String {
        let what = match &self.decided {
            Decided::Gate { gate, pass: true } => format!("{gate} decided pass"),
            Decided::Gate { gate, pass: false } => format!("{gate} decided fail"),
            Decided::Grade { grade, .. } => format!("grade {grade} assigned"),
        };
        format!(
            "{what} by {} ({}) at {} (chair journal #{}): {}",
            self.decided_by, self.decided_by_name, self.at, self.seq, self.reason
        )
    }

    /// The same in Chinese, for the 评审汇总表.
    pub fn describe_zh(&self) -> String {
        let what = match &self.decided {
            Decided::Gate { gate, pass: true } => format!("{gate}经人工认定符合"),
            Decided::Gate { gate, pass: false } => format!("{gate}经人工认定不符合"),
            Decided::Grade { grade, .. } => format!("评定为{grade}"),
        };
        format!(
            "{what}（{}{}，{}；理由：{}）",
            self.decided_by_name,
            if self.decided_by_name == self.decided_by {
                String::new()
            } else {
                format!("/{}", self.decided_by)
            },
            self.at,
            self.reason
        )
    }
}

/// Records `d` as one durable commit of the chair store.
pub fn record(store: &mut Store, d: &Decision) -> Result<Receipt, StoreError> {
    let kind = match d.decided {
        Decided::Gate { .. } => KIND_GATE,
        Decided::Grade { .. } => KIND_GRADE,
    };
    let mut detail = serde_json::to_value(d).unwrap_or_default();
    if let Some(m) = detail.as_object_mut() {
        m.remove("at");
        m.remove("seq");
    }
    store.commit(vec![Op::Audit {
        kind: kind.into(),
        detail,
    }])
}

/// Every decision in the store, in commit order. Records that do not parse are skipped
/// (they cannot have been written by this module).
pub fn read(store: &Store) -> Vec<Decision> {
    store
        .audit_records()
        .into_iter()
        .filter(|r| r.kind == KIND_GATE || r.kind == KIND_GRADE)
        .filter_map(|r| {
            let mut d: Decision = serde_json::from_value(r.detail).ok()?;
            d.at = r.ts;
            d.seq = r.seq;
            Some(d)
        })
        .collect()
}

/// The decision in force that `d` would repeat word for word (the same application, gate or
/// track, outcome, reason and person), if any: recording it again would add a journal line
/// that changes nothing.
pub fn repeats(all: &[Decision], d: &Decision) -> Option<Decision> {
    in_force(all).into_iter().find(|x| {
        x.application == d.application
            && x.decided == d.decided
            && x.reason == d.reason
            && x.decided_by == d.decided_by
    })
}

/// The decisions in force: the last one per (application, gate) and per (application,
/// track) grade, in commit order.
pub fn in_force(all: &[Decision]) -> Vec<Decision> {
    let mut last: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (i, d) in all.iter().enumerate() {
        let key = match &d.decided {
            Decided::Gate { gate, .. } => ("gate".to_string(), d.application.clone(), gate.clone()),
            Decided::Grade { track, .. } => {
                ("grade".to_string(), d.application.clone(), track.clone())
            }
        };
        last.insert(key, i);
    }
    let mut idx: Vec<usize> = last.into_values().collect();
    idx.sort_unstable();
    idx.into_iter().map(|i| all[i].clone()).collect()
}

/// Gate decisions in force: (application, gate) → decision.
pub fn gate_map(all: &[Decision]) -> BTreeMap<(String, String), Decision> {
    in_force(all)
        .into_iter()
        .filter_map(|d| match &d.decided {
            Decided::Gate { gate, .. } => Some(((d.application.clone(), gate.clone()), d)),
            _ => None,
        })
        .collect()
}

/// Grade assignments in force for `track`: application → decision.
pub fn grade_map(all: &[Decision], track: &str) -> BTreeMap<String, Decision> {
    in_force(all)
        .into_iter()
        .filter_map(|d| match &d.decided {
            Decided::Grade { track: t, .. } if t == track => Some((d.application.clone(), d)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreIdentity;

    fn gate(app: &str, g: &str, pass: bool, reason: &str) -> Decision {
        Decision {
            application: app.into(),
            decided: Decided::Gate {
                gate: g.into(),
                pass,
            },
            reason: reason.into(),
            decided_by: "E01".into(),
            decided_by_name: "专家一".into(),
            at: String::new(),
            seq: 0,
        }
    }

    #[test]
    fn recorded_journaled_and_the_last_one_is_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let ident = StoreIdentity {
            panel_id: "p".into(),
            rubric_sha256: "ab".repeat(32),
            role: crate::role::Role::Chair,
        };
        let db = dir.path().join("chair");
        {
            let (mut s, _) = Store::open(&db, &ident).unwrap();
            record(&mut s, &gate("A1", "E2", false, "无运行团队")).unwrap();
            record(&mut s, &gate("A1", "E2", true, "补充材料证明有运行团队")).unwrap();
            record(&mut s, &gate("A2", "E2", true, "有")).unwrap();
            let g = Decision {
                decided: Decided::Grade {
                    track: "t".into(),
                    grade: "一等".into(),
                },
                ..gate("A3", "", true, "绩效最好")
            };
            record(&mut s, &g).unwrap();
        }
        let (s, _) = Store::open(&db, &ident).unwrap();
        let all = read(&s);
        assert_eq!(all.len(), 4);
        assert!(all.iter().all(|d| !d.at.is_empty() && d.seq > 1));
        let m = gate_map(&all);
        assert_eq!(m.len(), 2);
        let a1 = &m[&("A1".to_string(), "E2".to_string())];
        assert_eq!(a1.reason, "补充材料证明有运行团队");
        assert!(a1.describe().contains("E2 decided pass by E01 (专家一)"));
        assert!(a1.describe_zh().contains("E2经人工认定符合"));
        let g = grade_map(&all, "t");
        assert_eq!(g.len(), 1);
        assert!(grade_map(&all, "other").is_empty());
        // Both A1 decisions stay in the journal.
        let journal = std::fs::read_to_string(s.journal_path()).unwrap();
        assert_eq!(journal.matches(KIND_GATE).count(), 3, "{journal}");
    }
}
