//! Interned score rows: the compact representation the pipeline works on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;

use super::ScoreRow;

/// A small, fast, non-cryptographic hasher (FxHash word mixing with a murmur3 finalizer so
/// that the low bits used for bucket selection depend on every input byte). Ids are local
/// data, so hash flooding is not a concern here.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.hash;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// String ids ↔ dense `u32` indices (first-seen order).
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    map: HashMap<Box<str>, u32, FxBuild>,
    pub(crate) names: Vec<String>,
    last: Option<u32>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(last) = self.last {
            if self.names[last as usize] == s {
                return last;
            }
        }
        let id = match self.map.get(s) {
            Some(&id) => id,
            None => {
                let id = self.names.len() as u32;
                self.names.push(s.to_owned());
                self.map.insert(s.into(), id);
                id
            }
        };
        self.last = Some(id);
        id
    }

    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub(crate) app: u32,
    pub(crate) expert: u32,
    pub(crate) criterion: u32,
    pub(crate) value: Decimal,
}

/// Score rows with interned ids: build it row by row while reading a CSV or sheets, then
/// call [`run_table`](super::run_table). Equivalent to a `Vec<ScoreRow>` in any order.
#[derive(Debug, Default, Clone)]
pub struct ScoreTable {
    pub(crate) apps: Interner,
    pub(crate) experts: Interner,
    pub(crate) criteria: Interner,
    pub(crate) rows: Vec<Row>,
    /// The most decimal places among the values.
    pub(crate) max_scale: u32,
    /// Whether some row's application index is smaller than the row's before (the rows are
    /// then not grouped by application).
    pub(crate) ungrouped: bool,
}

impl ScoreTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> Self {
        ScoreTable {
            rows: Vec::with_capacity(rows),
            ..Self::default()
        }
    }

    /// Adds one expert's value for one criterion of one application.
    pub fn push(&mut self, app: &str, expert: &str, criterion: &str, value: Decimal) {
        let row = Row {
            app: self.apps.intern(app),
            expert: self.experts.intern(expert),
            criterion: self.criteria.intern(criterion),
            value,
        };
        self.note(&row);
        self.rows.push(row);
    }

    #[inline]
    fn note(&mut self, row: &Row) {
        self.max_scale = self.max_scale.max(row.value.scale());
        if let Some(last) = self.rows.last() {
            self.ungrouped |= row.app < last.app;
        }
    }

    /// The index of application `id` in this table (interned on first use), for
    /// [`ScoreTable::push_indexed`].
    pub fn app_index(&mut self, id: &str) -> u32 {
        self.apps.intern(id)
    }

    /// The index of expert `id` in this table (interned on first use).
    pub fn expert_index(&mut self, id: &str) -> u32 {
        self.experts.intern(id)
    }

    /// The index of criterion `id` in this table (interned on first use).
    pub fn criterion_index(&mut self, id: &str) -> u32 {
        self.criteria.intern(id)
    }

    /// Adds one row by indices from [`ScoreTable::app_index`], [`ScoreTable::expert_index`]
    /// and [`ScoreTable::criterion_index`] of this table: the same as [`ScoreTable::push`]
    /// with the ids, without looking them up again (for readers that intern ids themselves).
    ///
    /// # Panics
    /// When an index was not returned by this table (a programming error).
    pub fn push_indexed(&mut self, app: u32, expert: u32, criterion: u32, value: Decimal) {
        assert!(
            (app as usize) < self.apps.len()
                && (expert as usize) < self.experts.len()
                && (criterion as usize) < self.criteria.len(),
            "ScoreTable::push_indexed: index not from this table"
        );
        let row = Row {
            app,
            expert,
            criterion,
            value,
        };
        self.note(&row);
        self.rows.push(row);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A table holding `rows`.
    pub fn from_rows(rows: &[ScoreRow]) -> Self {
        let mut table = Self::with_capacity(rows.len());
        for r in rows {
            table.push(&r.app, &r.expert, &r.criterion, r.value);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_indexed_is_push_without_the_lookup() {
        let rows = [
            ("A2", "E1", "K1", 3),
            ("A1", "E2", "K2", 4),
            ("A2", "E2", "K1", 5),
        ];
        let mut by_name = ScoreTable::new();
        let mut by_index = ScoreTable::new();
        for (a, e, c, v) in rows {
            by_name.push(a, e, c, Decimal::from(v));
            let (a, e, c) = (
                by_index.app_index(a),
                by_index.expert_index(e),
                by_index.criterion_index(c),
            );
            by_index.push_indexed(a, e, c, Decimal::from(v));
        }
        assert_eq!(format!("{by_name:?}"), format!("{by_index:?}"));
    }

    #[test]
    #[should_panic(expected = "index not from this table")]
    fn push_indexed_refuses_foreign_indices() {
        let mut t = ScoreTable::new();
        t.app_index("A1");
        t.push_indexed(0, 0, 0, Decimal::ONE);
    }
}
