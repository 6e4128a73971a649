//! Interned score rows: the compact representation the pipeline works on.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;

use super::method::POW10_I64;
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
        self.intern_if(s, |_| true)
            .expect("every id is accepted without a check")
    }

    /// [`Interner::intern`], `None` (and nothing added) when `s` is new and `valid(s)` is
    /// false: a check paid once per distinct id, not once per row.
    #[inline]
    pub(crate) fn intern_if(&mut self, s: &str, valid: impl FnOnce(&str) -> bool) -> Option<u32> {
        if let Some(last) = self.last {
            // Rows usually come sorted: mostly the same id as the row before.
            if self.names[last as usize] == s {
                return Some(last);
            }
        }
        let id = match self.map.get(s) {
            Some(&id) => id,
            None => {
                if !valid(s) {
                    return None;
                }
                let id = self.names.len() as u32;
                self.names.push(s.to_owned());
                self.map.insert(s.into(), id);
                id
            }
        };
        self.last = Some(id);
        Some(id)
    }

    /// Empty, keeping the buffers' capacity.
    pub(crate) fn clear(&mut self) {
        self.map.clear();
        self.names.clear();
        self.last = None;
    }

    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

/// A run of rows of one (application, expert) pair: `cells[start..]` up to the next run's
/// start (or the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    app: u32,
    expert: u32,
    start: u32,
}

/// One row's criterion and value ([`Val`], packed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    crit: u32,
    v: CellValue,
}

/// A value as a table's row holds it: read it with [`ScoreTable::value`] or
/// [`ScoreTable::scaled`] (the encoding is this module's own). Two equal cell values of
/// one table stand for the same decimal; different ones may still be equal decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellValue(u32);

impl CellValue {
    /// No value: never the value of a row (for callers' "not yet" slots).
    pub(crate) const NONE: CellValue = CellValue(u32::MAX);
}

/// Set in a packed value that is an index into the table's exact decimals.
const BIG: u32 = 0x8000_0000;
/// Bits of a packed value's mantissa (signed); the 5 bits above hold the scale.
const MANT_BITS: u32 = 26;
const MANT_MASK: u32 = (1 << MANT_BITS) - 1;
/// Mantissas in `-MANT_LIMIT..MANT_LIMIT` are packed.
const MANT_LIMIT: i64 = 1 << (MANT_BITS - 1);

/// A value as a row holds it: a small decimal packed with its scale (exact), or a
/// [`Decimal`] kept beside the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Val {
    /// `mant × 10^-scale`.
    Small { mant: i64, scale: u32 },
    /// Index into the table's decimals.
    Big(usize),
}

/// `mant × 10^-scale` packed, when it fits (`|mant| < MANT_LIMIT`, `scale ≤ 28`).
#[inline]
fn pack_small(mant: i64, scale: u32) -> Option<CellValue> {
    ((-MANT_LIMIT..MANT_LIMIT).contains(&mant) && scale <= 28)
        .then_some(CellValue((scale << MANT_BITS) | (mant as u32 & MANT_MASK)))
}

/// A packed value of [`pack_small`] or a big index.
#[inline]
fn unpack(v: CellValue) -> Val {
    let v = v.0;
    if v & BIG != 0 {
        Val::Big((v & !BIG) as usize)
    } else {
        // Sign-extend the mantissa's 26 bits.
        let mant = (((v & MANT_MASK) << (32 - MANT_BITS)) as i32) >> (32 - MANT_BITS);
        Val::Small {
            mant: i64::from(mant),
            scale: v >> MANT_BITS,
        }
    }
}

/// The packed form of `big` index `i` (never [`CellValue::NONE`]).
#[inline]
fn pack_big(i: usize) -> CellValue {
    assert!(
        i < (BIG - 1) as usize,
        "more than 2^31 score values that are not small decimals"
    );
    CellValue(i as u32 | BIG)
}

/// `value` packed when it is small (and not a negative zero, whose sign a packed value
/// would lose); `None` when it must be kept as a [`Decimal`].
#[inline]
fn pack_decimal(value: Decimal) -> Option<CellValue> {
    let m = value.mantissa();
    if m == 0 && value.is_sign_negative() {
        return None;
    }
    pack_small(i64::try_from(m).ok()?, value.scale())
}

/// One row, unpacked (tests read the whole table so).
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    pub(crate) app: u32,
    pub(crate) expert: u32,
    pub(crate) criterion: u32,
    pub(crate) value: Decimal,
}

/// Score rows by index (application, expert, criterion: the caller's own indices), kept in
/// runs of one (application, expert) pair, each row as 8 bytes (criterion and packed value).
/// A reader that interns ids itself fills one (a part of a file) and moves it into a
/// [`ScoreTable`] with [`ScoreTable::append`], where it becomes one of the table's chunks.
#[derive(Debug, Default, Clone)]
pub(crate) struct TableRows {
    runs: Vec<Run>,
    cells: Vec<Cell>,
    /// Values that do not pack (see [`pack_decimal`]); empty once the rows are a table's
    /// chunk (their values then live in the table's [`ScoreTable::big`]).
    big: Vec<Decimal>,
    /// The most decimal places among the values.
    max_scale: u32,
    /// Whether some row's application index is smaller than the row's before (the rows are
    /// then not grouped by application).
    ungrouped: bool,
}

impl TableRows {
    /// Room for `rows` more rows.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.cells.reserve(rows);
    }

    /// Empty, keeping the buffers' capacity.
    pub(crate) fn clear(&mut self) {
        self.runs.clear();
        self.cells.clear();
        self.big.clear();
        self.max_scale = 0;
        self.ungrouped = false;
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.cells.len()
    }

    /// Adds one row.
    #[inline]
    pub(crate) fn push(&mut self, app: u32, expert: u32, crit: u32, value: Decimal) {
        let v = pack_decimal(value).unwrap_or_else(|| keep(&mut self.big, value));
        self.push_cell(app, expert, crit, v, value.scale());
    }

    /// Adds one row whose value is `mant × 10^-scale` (`scale ≤ 28`): [`TableRows::push`]
    /// of that decimal, without building it when it is small.
    #[inline]
    pub(crate) fn push_scaled(&mut self, app: u32, expert: u32, crit: u32, mant: i64, scale: u32) {
        let v = pack_small(mant, scale)
            .unwrap_or_else(|| keep(&mut self.big, Decimal::new(mant, scale)));
        self.push_cell(app, expert, crit, v, scale);
    }

    #[inline]
    fn push_cell(&mut self, app: u32, expert: u32, crit: u32, v: CellValue, scale: u32) {
        self.max_scale = self.max_scale.max(scale);
        self.start_run(app, expert);
        self.cells.push(Cell { crit, v });
    }

    /// Starts a run of `app`, `expert` unless the last run is theirs.
    #[inline]
    fn start_run(&mut self, app: u32, expert: u32) {
        match self.runs.last() {
            Some(r) if r.app == app && r.expert == expert => {}
            last => {
                if let Some(r) = last {
                    self.ungrouped |= app < r.app;
                }
                let start =
                    u32::try_from(self.cells.len()).expect("a score table holds at most 2^32 rows");
                self.runs.push(Run { app, expert, start });
            }
        }
    }

    /// The cells of run `i`.
    #[inline]
    fn run_cells(&self, i: usize) -> &[Cell] {
        let start = self.runs[i].start as usize;
        let end = self
            .runs
            .get(i + 1)
            .map_or(self.cells.len(), |r| r.start as usize);
        &self.cells[start..end]
    }

    /// (application, expert) of each run, in order (a pair may have several runs when its
    /// rows are not together).
    pub(crate) fn run_pairs(&self) -> impl ExactSizeIterator<Item = (u32, u32)> + '_ {
        self.runs.iter().map(|r| (r.app, r.expert))
    }
}

/// `value` kept in `big`: the packed form points there.
#[inline(never)]
fn keep(big: &mut Vec<Decimal>, value: Decimal) -> CellValue {
    big.push(value);
    pack_big(big.len() - 1)
}

/// Score rows with interned ids: build it row by row while reading a CSV or sheets, then
/// call [`run_table`](super::run_table). Equivalent to a `Vec<ScoreRow>` in any order.
///
/// Rows are kept in runs of one (application, expert) pair, each row as 8 bytes (criterion
/// and packed value): a raw-score CSV of millions of rows fits in a fraction of the memory
/// of one struct per row. They are held in chunks: the parts a reader filled are moved in
/// whole, not copied ([`ScoreTable::append`]); rows pushed one by one go to the last chunk.
#[derive(Debug, Default, Clone)]
pub struct ScoreTable {
    pub(crate) apps: Interner,
    pub(crate) experts: Interner,
    pub(crate) criteria: Interner,
    /// Each chunk's runs and cells (its `big` empty: the values that do not pack are in
    /// `big`, for every chunk).
    chunks: Vec<TableRows>,
    /// The table's index of each chunk's first run.
    first_run: Vec<usize>,
    /// Values that do not pack (see [`pack_decimal`]).
    big: Vec<Decimal>,
}

impl ScoreTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table with room for `rows` rows pushed one by one.
    pub fn with_capacity(rows: usize) -> Self {
        let mut table = Self::default();
        let mut chunk = TableRows::default();
        chunk.reserve(rows);
        table.first_run.push(0);
        table.chunks.push(chunk);
        table
    }

    /// Adds one expert's value for one criterion of one application.
    pub fn push(&mut self, app: &str, expert: &str, criterion: &str, value: Decimal) {
        let app = self.apps.intern(app);
        let expert = self.experts.intern(expert);
        let criterion = self.criteria.intern(criterion);
        self.push_row(app, expert, criterion, value);
    }

    /// Adds one row to the last chunk (a new one when there is none).
    fn push_row(&mut self, app: u32, expert: u32, criterion: u32, value: Decimal) {
        if self.chunks.is_empty() {
            self.first_run.push(0);
            self.chunks.push(TableRows::default());
        }
        let v = pack_decimal(value).unwrap_or_else(|| keep(&mut self.big, value));
        let last = self.chunks.last_mut().expect("a chunk was added");
        last.push_cell(app, expert, criterion, v, value.scale());
    }

    /// Moves `rows` in as the table's next chunk; their application and expert indices are
    /// mapped to this table's by `apps` and `experts` (for readers that intern ids
    /// themselves; their criterion indices are this table's). A pair whose rows go on from
    /// the last chunk into `rows` has a run in each.
    ///
    /// # Panics
    /// When an index is not mapped to one of this table (a programming error).
    pub(crate) fn append(&mut self, mut rows: TableRows, apps: &[u32], experts: &[u32]) {
        if rows.cells.is_empty() {
            return;
        }
        let (na, ne, nc) = (self.apps.len(), self.experts.len(), self.criteria.len());
        let foreign = "ScoreTable::append: index not from this table";
        assert!(
            rows.cells.iter().all(|c| (c.crit as usize) < nc),
            "{foreign}"
        );
        // The runs in this table's indices; grouping is the table's own order's.
        let mut last_app = self
            .chunks
            .last()
            .and_then(|c| c.runs.last())
            .map(|r| r.app);
        rows.ungrouped = false;
        for r in &mut rows.runs {
            let (app, expert) = (apps[r.app as usize], experts[r.expert as usize]);
            assert!((app as usize) < na && (expert as usize) < ne, "{foreign}");
            rows.ungrouped |= last_app.is_some_and(|last| app < last);
            last_app = Some(app);
            (r.app, r.expert) = (app, expert);
        }
        if !rows.big.is_empty() {
            let base = self.big.len();
            for c in &mut rows.cells {
                if let Val::Big(i) = unpack(c.v) {
                    c.v = pack_big(base + i);
                }
            }
            self.big.append(&mut rows.big);
        }
        self.first_run.push(self.run_count());
        self.chunks.push(rows);
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
        self.push_row(app, expert, criterion, value);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(TableRows::len).sum()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most decimal places among the values.
    pub(crate) fn max_scale(&self) -> u32 {
        self.chunks.iter().map(|c| c.max_scale).max().unwrap_or(0)
    }

    /// Whether the rows are grouped by application: no row's application index is smaller
    /// than the row's before (ids are interned in first-seen order, so the runs then come
    /// by application).
    pub(crate) fn is_grouped(&self) -> bool {
        // (A chunk's flag also counts its first run against the chunk before: see `append`.)
        self.chunks.iter().all(|c| !c.ungrouped)
    }

    /// The value `v` of this table stands for.
    #[inline]
    pub(crate) fn value(&self, v: CellValue) -> Decimal {
        match unpack(v) {
            Val::Small { mant, scale } => Decimal::new(mant, scale),
            Val::Big(i) => self.big[i],
        }
    }

    /// The value `v` of this table stands for in units of `10^-places`, when it is a small
    /// decimal with at most `places` decimal places (exact; `None` otherwise: read it with
    /// [`ScoreTable::value`]).
    #[inline]
    pub(crate) fn scaled(&self, v: CellValue, places: u32) -> Option<i64> {
        match unpack(v) {
            Val::Small { mant, scale } if scale <= places => POW10_I64
                .get((places - scale) as usize)
                .and_then(|f| mant.checked_mul(*f)),
            _ => None,
        }
    }

    /// Number of runs (see [`ScoreTable::run`]).
    pub(crate) fn run_count(&self) -> usize {
        match (self.first_run.last(), self.chunks.last()) {
            (Some(first), Some(last)) => first + last.runs.len(),
            _ => 0,
        }
    }

    /// (application, expert) of each run, in order.
    pub(crate) fn run_pairs(&self) -> impl ExactSizeIterator<Item = (u32, u32)> + '_ {
        let n = self.run_count();
        let pairs = self.chunks.iter().flat_map(TableRows::run_pairs);
        // (Every chunk's runs, so exactly `run_count` pairs.)
        ExactLen(pairs, n)
    }

    /// Run `i`: rows of one (application, expert) pair that were added one after the
    /// other: the pair and the rows' (criterion, value).
    #[inline]
    pub(crate) fn run(
        &self,
        i: usize,
    ) -> (
        u32,
        u32,
        impl ExactSizeIterator<Item = (u32, CellValue)> + '_,
    ) {
        // The last chunk that starts at or before run `i`.
        let c = self.first_run.partition_point(|&first| first <= i) - 1;
        let chunk = &self.chunks[c];
        let local = i - self.first_run[c];
        let r = chunk.runs[local];
        let cells = chunk.run_cells(local).iter().map(|c| (c.crit, c.v));
        (r.app, r.expert, cells)
    }

    /// Every run (see [`ScoreTable::run`]), in order.
    pub(crate) fn runs(
        &self,
    ) -> impl Iterator<
        Item = (
            u32,
            u32,
            impl ExactSizeIterator<Item = (u32, CellValue)> + '_,
        ),
    > + '_ {
        self.chunks.iter().flat_map(|chunk| {
            (0..chunk.runs.len()).map(move |i| {
                let r = chunk.runs[i];
                let cells = chunk.run_cells(i).iter().map(|c| (c.crit, c.v));
                (r.app, r.expert, cells)
            })
        })
    }

    /// Every row, in the order they were added.
    #[cfg(test)]
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        self.runs().flat_map(move |(app, expert, cells)| {
            cells.map(move |(criterion, v)| Row {
                app,
                expert,
                criterion,
                value: self.value(v),
            })
        })
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

/// An iterator known to yield exactly `.1` items.
struct ExactLen<I>(I, usize);

impl<I: Iterator> Iterator for ExactLen<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        let item = self.0.next()?;
        self.1 -= 1;
        Some(item)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.1, Some(self.1))
    }
}

impl<I: Iterator> ExactSizeIterator for ExactLen<I> {}

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

    /// Every decimal comes back exactly as it went in (value, scale and sign), packed or
    /// kept beside the rows.
    #[test]
    fn values_come_back_exactly() {
        let mut cases: Vec<Decimal> = vec![
            Decimal::ZERO,
            Decimal::new(-0, 3),
            -Decimal::new(0, 2),
            Decimal::new(250, 2),
            Decimal::new(MANT_LIMIT - 1, 0),
            Decimal::new(MANT_LIMIT, 0),
            Decimal::new(-MANT_LIMIT, 0),
            Decimal::new(-MANT_LIMIT - 1, 0),
            Decimal::new(1, 28),
            Decimal::MAX,
            Decimal::MIN,
        ];
        cases
            .extend((-40..40).map(|m| Decimal::new(m * 1_234_567, (m.unsigned_abs() % 29) as u32)));
        let mut t = ScoreTable::new();
        for (i, v) in cases.iter().enumerate() {
            t.push(&format!("A{}", i % 3), "E1", "K1", *v);
        }
        let rows: Vec<Row> = t.rows().collect();
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(t.apps.names[r.app as usize], format!("A{}", i % 3));
            assert_eq!((r.expert, r.criterion), (0, 0));
        }
        let back: Vec<Decimal> = rows.iter().map(|r| r.value).collect();
        assert_eq!(back.len(), cases.len());
        for (a, b) in cases.iter().zip(&back) {
            assert_eq!(a.to_string(), b.to_string());
            assert_eq!(a.is_sign_negative(), b.is_sign_negative(), "{a}");
        }
        assert!(!t.big.is_empty() && t.big.len() < cases.len());
        assert_eq!(t.max_scale(), 28);
    }

    #[test]
    fn runs_follow_pairs_and_grouping() {
        let mut t = ScoreTable::new();
        for (a, e) in [
            ("A1", "E1"),
            ("A1", "E1"),
            ("A1", "E2"),
            ("A2", "E1"),
            ("A2", "E1"),
        ] {
            t.push(a, e, "K1", Decimal::ONE);
        }
        assert_eq!(t.run_count(), 3);
        assert_eq!(t.len(), 5);
        assert!(t.is_grouped());
        t.push("A1", "E3", "K1", Decimal::ONE);
        assert!(!t.is_grouped());
    }

    /// Rows built by index and appended give the rows that pushing them by id gives: the
    /// same rows in the same order, big values moved, the most decimal places kept; a pair
    /// whose rows go on from one chunk into the next has a run in each; grouping counts
    /// the chunks' order.
    #[test]
    fn appended_rows_are_pushed_rows() {
        let big = Decimal::new(MANT_LIMIT * 3, 2);
        let parts: [&[(u32, u32, u32, Decimal)]; 3] = [
            &[
                (0, 0, 0, Decimal::new(15, 1)),
                (0, 0, 1, big),
                (1, 0, 0, Decimal::new(-0, 2)),
            ],
            &[(0, 0, 1, Decimal::new(7, 0)), (1, 1, 0, big + Decimal::ONE)],
            &[(0, 0, 0, Decimal::new(1, 28))],
        ];
        // Part indices → ids (each part has its own).
        let app_ids: [&[&str]; 3] = [&["A2", "A1"], &["A1", "A3"], &["A2"]];
        let expert_ids: [&[&str]; 3] = [&["E1"], &["E1", "E2"], &["E2"]];
        let crit_ids = ["K1", "K2"];
        let mut pushed = ScoreTable::new();
        let mut appended = ScoreTable::new();
        for c in crit_ids {
            appended.criterion_index(c);
        }
        let mut grouped = Vec::new();
        for (p, part) in parts.iter().enumerate() {
            let mut rows = TableRows::default();
            for &(a, e, c, v) in *part {
                pushed.push(
                    app_ids[p][a as usize],
                    expert_ids[p][e as usize],
                    crit_ids[c as usize],
                    v,
                );
                rows.push(a, e, c, v);
            }
            let apps: Vec<u32> = app_ids[p].iter().map(|a| appended.app_index(a)).collect();
            let experts: Vec<u32> = expert_ids[p]
                .iter()
                .map(|e| appended.expert_index(e))
                .collect();
            appended.append(rows, &apps, &experts);
            grouped.push(appended.is_grouped());
        }
        pushed.criterion_index("K2");
        let show = |t: &ScoreTable| -> Vec<String> {
            t.rows()
                .map(|r| {
                    let name = |i: &Interner, x: u32| i.names[x as usize].clone();
                    format!(
                        "{} {} {} {}",
                        name(&t.apps, r.app),
                        name(&t.experts, r.expert),
                        name(&t.criteria, r.criterion),
                        r.value
                    )
                })
                .collect()
        };
        assert_eq!(show(&pushed), show(&appended));
        assert_eq!(pushed.len(), appended.len());
        assert_eq!(pushed.max_scale(), appended.max_scale());
        assert_eq!(pushed.run_count(), 4);
        // A2/E1, A1/E1 | A1/E1 again (a run in the new chunk), A3/E2 | A2/E2.
        assert_eq!(appended.run_count(), 5);
        assert_eq!(appended.run_pairs().len(), 5);
        assert_eq!(appended.big.len(), 2);
        // A2 comes back after A3 in the third chunk only.
        assert_eq!(grouped, [true, true, false]);
        assert_eq!(pushed.is_grouped(), appended.is_grouped());
        // Every run found by index is the one iterated.
        let by_index: Vec<(u32, u32, usize)> = (0..appended.run_count())
            .map(|i| {
                let (a, e, cells) = appended.run(i);
                (a, e, cells.len())
            })
            .collect();
        let iterated: Vec<(u32, u32, usize)> = appended
            .runs()
            .map(|(a, e, cells)| (a, e, cells.len()))
            .collect();
        assert_eq!(by_index, iterated);
        // Rows pushed after an append go on in the last chunk, with their own big values.
        appended.push("A2", "E2", "K2", big * Decimal::TWO);
        assert_eq!(appended.run_count(), 5);
        assert_eq!(
            appended.value(appended.run(4).2.last().unwrap().1),
            big * Decimal::TWO
        );
    }

    /// `push_scaled` is `push` of the decimal, packed or not.
    #[test]
    fn push_scaled_is_push() {
        let mut a = TableRows::default();
        let mut b = TableRows::default();
        for (m, s) in [
            (45, 1),
            (0, 0),
            (-3, 2),
            (MANT_LIMIT, 0),
            (999_999_999_999, 12),
        ] {
            a.push_scaled(0, 0, 0, m, s);
            b.push(0, 0, 0, Decimal::new(m, s));
        }
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    /// The scaled query: small values in units of `10^-places`, `None` otherwise.
    #[test]
    fn scaled_values() {
        let mut t = ScoreTable::new();
        for v in [Decimal::new(45, 1), Decimal::new(-2, 0), Decimal::MAX] {
            t.push("A1", "E1", "K1", v);
        }
        let vs: Vec<CellValue> = t.run(0).2.map(|(_, v)| v).collect();
        assert_eq!(t.scaled(vs[0], 2), Some(450));
        assert_eq!(t.scaled(vs[0], 0), None);
        assert_eq!(t.scaled(vs[1], 3), Some(-2000));
        assert_eq!(t.scaled(vs[2], 2), None);
        assert_eq!(t.value(vs[2]), Decimal::MAX);
        assert!(vs.iter().all(|v| *v != CellValue::NONE));
    }

    #[test]
    #[should_panic(expected = "index not from this table")]
    fn push_indexed_refuses_foreign_indices() {
        let mut t = ScoreTable::new();
        t.app_index("A1");
        t.push_indexed(0, 0, 0, Decimal::ONE);
    }
}
