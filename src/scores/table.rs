//! `panel results --scores`: the rows of a scores CSV ([`super::read`]) into a
//! [`ScoreTable`].
//!
//! A row names a criterion (its value is the criterion's) or an item (items are combined
//! per (application, expert) with [`crate::rubric::combine`]; rule items without a row take
//! the application's suggestions). Values pass the one value check
//! ([`crate::rubric::value_check`]). Ids are interned in first-seen order.
//!
//! Large files are read in parts at once. A regular file is mapped into memory (no copy;
//! anything else, such as a pipe, is streamed by one reader). After the header, the file is cut at
//! line breaks into parts that [`rayon`] reads in parallel, batch after batch, each with its
//! own [`RowReader`], its own ids and lines counted from its own start; they are merged in
//! file order ([`Merger`]): each part's rows become a chunk of the score table (moved, not
//! copied), their ids mapped to the file's. A part that holds a quote is not read that way
//! (a quoted field may hold a line break, so a cut after it may fall inside a field): from
//! the first such part on, one [`RowReader`] reads the rest of the file. Both give the same
//! rows, lines and problems.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use rayon::prelude::*;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::read::{Lines, Problems, Row, RowReader, MAX_PROBLEMS, UTF8_MESSAGE};
use super::rubric_index::{pair_criteria, RubricIndex, Target};
use super::{CsvProblem, ReadError};
use crate::aggregate::table::{FxBuild, Interner, TableRows};
use crate::aggregate::ScoreTable;
use crate::rubric::Rubric;

/// Bytes of a batch of parts (whole lines: more when a line is longer).
const BATCH: usize = 8 << 20;
/// Bytes of a part read by one task (whole lines): 16 parts a batch keep both threads busy
/// to the batch's end (256 KB–512 KB read 4–5 % faster than 1 MB on the 84 MB bench file).
const PART: usize = 512 << 10;

/// Which (application, expert) details a CSV read keeps (they cost memory at scale).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    None,
    /// Every pair (XLSX).
    All,
    /// The pairs of one expert (that expert's 评分表).
    Expert(String),
}

impl Detail {
    fn keeps(&self, expert: &str) -> bool {
        match self {
            Detail::None => false,
            Detail::All => true,
            Detail::Expert(e) => e == expert,
        }
    }
}

/// Scores read from a raw-score CSV.
pub struct CsvScores {
    pub table: ScoreTable,
    pub rows: u64,
    /// sha256 of the bytes read, when asked for.
    pub sha256: Option<String>,
    /// Expert ids named by the file (sorted).
    pub experts: Vec<String>,
    /// Notes per application.
    pub notes: BTreeMap<String, Vec<String>>,
    /// (application, expert) → criterion values, when asked for.
    pub pairs: BTreeMap<(String, String), BTreeMap<String, Decimal>>,
}

/// A plain decimal (`4.5`, `-1`, `10`): digits with at most one dot inside; no exponent,
/// no comma, no sign other than a leading `-`. The reference of the fast parser's tests;
/// rows are checked by `rubric::value_check` (which also refuses `08` and `-0`).
#[cfg(test)]
pub(crate) fn parse_value(b: &[u8]) -> Result<Decimal, String> {
    let bad = || {
        let text = String::from_utf8_lossy(b);
        if b.contains(&b',') {
            format!("value {text:?} uses a comma; write decimals with a dot, e.g. \"4.5\"")
        } else {
            format!("value {text:?} is not a number; write a plain decimal such as \"4.5\"")
        }
    };
    let (neg, body) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if body.is_empty() || body[0] == b'.' || body[body.len() - 1] == b'.' {
        return Err(bad());
    }
    let mut mant: i64 = 0;
    let mut scale: u32 = 0;
    let mut dot = false;
    let mut digits = 0u32;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 18 {
                    // Too long for the fast path: exact parse.
                    return std::str::from_utf8(b)
                        .ok()
                        .and_then(|s| Decimal::from_str_exact(s).ok())
                        .ok_or_else(bad);
                }
                mant = mant * 10 + i64::from(c - b'0');
                if dot {
                    scale += 1;
                }
            }
            b'.' if !dot => dot = true,
            _ => return Err(bad()),
        }
    }
    Ok(Decimal::new(if neg { -mant } else { mant }, scale))
}

/// [`parse_value`]'s usual case (digits, one dot inside, a leading `-`, at most 12 bytes)
/// without building an error: the value as `mant × 10^-scale`, `(mant, scale)`; `None` for
/// anything else.
#[inline]
fn parse_scaled(b: &[u8]) -> Option<(i64, u32)> {
    let (mant, scale, end) = scaled_prefix(b)?;
    (end == b.len()).then_some((mant, scale))
}

/// The value [`parse_scaled`] takes at the start of `b`, up to the first byte that is
/// neither a digit nor the value's one dot: its mantissa, its decimal places and where it
/// ended. `None` when that value is not one `parse_scaled` takes.
#[inline]
fn scaled_prefix(b: &[u8]) -> Option<(i64, u32, usize)> {
    let neg = b.first() == Some(&b'-');
    let start = usize::from(neg);
    let mut mant: i64 = 0;
    let mut scale: u32 = 0;
    let mut dot = false;
    let mut j = start;
    while let Some(&c) = b.get(j) {
        match c {
            b'0'..=b'9' => {
                mant = mant * 10 + i64::from(c - b'0');
                scale += u32::from(dot);
            }
            b'.' if !dot => dot = true,
            _ => break,
        }
        j += 1;
        if j - start > 12 {
            return None;
        }
    }
    let body = &b[start..j];
    if body.is_empty()
        || body[0] == b'.'
        || body[body.len() - 1] == b'.'
        || (neg && mant == 0)
        || (body.len() > 1 && body[0] == b'0' && body[1] != b'.')
    {
        // (a negative zero and a leading zero are refused by the checked path)
        return None;
    }
    Some((if neg { -mant } else { mant }, scale, j))
}

/// Equality of short byte strings (ids of a few bytes) without a call to `memcmp`.
#[inline]
fn eq_short(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// Ids ↔ dense indices (first-seen order); a new id must be a valid id (printable and
/// trimmed; the checked path reports one that is not).
#[derive(Default)]
struct Ids(Interner);

impl Ids {
    #[inline]
    fn intern(&mut self, s: &str) -> Option<u32> {
        self.0
            .intern_if(s, |s| crate::rubric::value_check::check_id("id", s).is_ok())
    }

    fn names(&self) -> &[String] {
        &self.0.names
    }

    /// [`Ids::intern`] noting the `line` of a new id in `lines` (an application's first
    /// row, for a message naming it): paid once per distinct id, not once per row.
    #[inline]
    fn intern_at(&mut self, s: &str, lines: &mut Vec<u64>, line: u64) -> Option<u32> {
        self.0.intern_if(s, |s| {
            let ok = crate::rubric::value_check::check_id("id", s).is_ok();
            if ok {
                lines.push(line);
            }
            ok
        })
    }
}

/// An item row, with the part's own indices and line.
struct LocalItem {
    app: u32,
    expert: u32,
    item: u32,
    value: Decimal,
    line: u64,
}

/// What one part of the file (or the whole file) holds, with its own ids.
#[derive(Default)]
struct Part {
    apps: Ids,
    /// The line of each application's first row (by this part's index).
    app_lines: Vec<u64>,
    experts: Ids,
    /// Criterion rows by this part's application and expert and the rubric's criterion.
    rows: TableRows,
    items: Vec<LocalItem>,
    /// (application, expert) of the rows, each time it changes (criterion and item rows).
    pairs: Vec<(u32, u32)>,
    last_pair: Option<(u32, u32)>,
    problems: Problems,
    /// Data rows (not blank).
    data_rows: u64,
    /// A problem ended the reading (a runaway line): what follows is not read.
    stopped: bool,
    /// The part holds a quote: it was not read (see [`read_file`]).
    quoted: bool,
    /// Its line breaks (its rows' and problems' lines count from its start, 0).
    lines: u64,
}

impl Part {
    /// Notes the pair of the next row.
    #[inline]
    fn pair(&mut self, a: u32, e: u32) {
        if self.last_pair != Some((a, e)) {
            self.last_pair = Some((a, e));
            self.pairs.push((a, e));
        }
    }

    /// A valid criterion row whose value is `mant × 10^-scale`.
    #[inline]
    fn accept_scaled(&mut self, a: u32, e: u32, crit: u32, mant: i64, scale: u32) {
        self.pair(a, e);
        self.rows.push_scaled(a, e, crit, mant, scale);
    }

    /// A valid row of application `a`, expert `e` (this part's indices) at `line`.
    fn accept(&mut self, a: u32, e: u32, target: Target, value: Decimal, line: u64) {
        match target {
            Target::Criterion(crit) => {
                self.pair(a, e);
                self.rows.push(a, e, crit, value);
            }
            Target::Item(item) => {
                self.pair(a, e);
                self.items.push(LocalItem {
                    app: a,
                    expert: e,
                    item,
                    value,
                    line,
                });
            }
        }
    }
}

impl Part {
    /// Empty, keeping the buffers' capacity (parts are reused: no fresh memory for every
    /// part of a large file).
    fn clear(&mut self) {
        self.apps.0.clear();
        self.app_lines.clear();
        self.experts.0.clear();
        self.rows.clear();
        self.items.clear();
        self.pairs.clear();
        self.last_pair = None;
        self.problems = Problems::default();
        self.data_rows = 0;
        self.stopped = false;
        self.quoted = false;
        self.lines = 0;
    }
}

/// The row checks of `results --scores`.
struct RowParser<'a> {
    ix: &'a RubricIndex<'a>,
    /// The position in `ix.lookup_keys` of the last criterion/item id.
    last_key: usize,
    part: Part,
}

impl<'a> RowParser<'a> {
    fn new(ix: &'a RubricIndex<'a>, part: Part) -> Self {
        RowParser {
            ix,
            last_key: usize::MAX - 1,
            part,
        }
    }

    /// Reads every row of `reader` into `part` (empty; `bytes`: about how many it holds).
    fn read<R: BufRead>(
        ix: &'a RubricIndex<'a>,
        reader: &mut RowReader<R>,
        bytes: usize,
        part: Part,
    ) -> Part {
        let mut p = RowParser::new(ix, part);
        // About 19 bytes a row: room for the rows at once.
        p.part.rows.reserve(bytes / 16);
        let mut problems = Problems::default();
        reader.rows(&mut problems, |row, problems| p.row(row, problems));
        p.part.problems = problems;
        p.part.data_rows = reader.data_rows();
        p.part.stopped = reader.stopped();
        p.part.lines = reader.lines().next_line();
        p.part
    }

    /// The criterion or item `id` names: the key after the last one first (rows usually
    /// list a pair's criteria in the rubric's order), then a lookup.
    #[inline]
    fn target(&mut self, id: &[u8]) -> Option<Target> {
        let keys = &self.ix.lookup_keys;
        for p in [self.last_key.wrapping_add(1), 0] {
            if let Some((k, t)) = keys.get(p) {
                if eq_short(k, id) {
                    self.last_key = p;
                    return Some(*t);
                }
            }
        }
        let p = *self.ix.lookup.get(id)? as usize;
        self.last_key = p;
        Some(keys[p].1)
    }

    /// One row: the usual good row in few steps, anything else with every check.
    #[inline]
    fn row(&mut self, row: &Row<'_>, problems: &mut Problems) {
        if !self.good_row(row) {
            self.row_checked(row, problems);
        }
    }

    /// The usual row, all good, in few steps: `false` (and nothing done) when anything is
    /// off, for [`RowParser::row_checked`] to report.
    #[inline]
    fn good_row(&mut self, row: &Row<'_>) -> bool {
        let (app, expert) = (row.application(), row.expert());
        if app.is_empty() || expert.is_empty() {
            return false;
        }
        // Item rows need their line ("already given at line …"): the checked path.
        let Some(Target::Criterion(crit)) = self.target(row.criterion().as_bytes()) else {
            return false;
        };
        let Some((mant, scale)) = parse_scaled(row.value().as_bytes()) else {
            return false;
        };
        if !self.ix.crit_scaled_ok(crit, mant, scale) {
            return false;
        }
        let part = &mut self.part;
        let a = part.apps.intern_at(app, &mut part.app_lines, row.line);
        let (Some(a), Some(e)) = (a, part.experts.intern(expert)) else {
            return false;
        };
        part.accept_scaled(a, e, crit, mant, scale);
        true
    }

    /// Every check, with problems.
    #[inline(never)]
    fn row_checked(&mut self, row: &Row<'_>, problems: &mut Problems) {
        let line = row.line;
        let (app, expert, id, value) = (
            row.application(),
            row.expert(),
            row.criterion(),
            row.value(),
        );
        let mut ok = true;
        for (column, what, id) in [(1, "application", app), (2, "expert", expert)] {
            if let Err(m) = crate::rubric::value_check::check_id(what, id) {
                ok = false;
                problems.push(line, column, m);
            }
        }
        let target = self.target(id.as_bytes());
        if target.is_none() {
            ok = false;
            let r = &self.ix.rubric;
            let m = format!(
                "rubric {} has no criterion or item {id:?}{}",
                r.id,
                crate::rubric::value_check::did_you_mean(
                    id,
                    r.items()
                        .map(|(_, _, it)| it.id.as_str())
                        .chain(r.criteria().map(|(_, c)| c.id.as_str()))
                )
            );
            problems.push(line, 3, m);
        }
        // The one value check (`rubric::value_check`): form, then range, decimal places
        // and step of the item or criterion the row names.
        let value = match crate::rubric::value_check::parse_score(value) {
            Ok(v) => Some(v),
            Err(p) => {
                ok = false;
                problems.push(line, 4, p.message);
                None
            }
        };
        if let (Some(t), Some(v)) = (target, value) {
            if let Err(m) = self.ix.check_target_value(t, v) {
                ok = false;
                problems.push(line, 4, m);
            }
        }
        if let (true, Some(target), Some(value)) = (ok, target, value) {
            let part = &mut self.part;
            let a = part.apps.intern_at(app, &mut part.app_lines, line);
            let e = part.experts.intern(expert);
            let (Some(a), Some(e)) = (a, e) else {
                let column = if a.is_none() { 1 } else { 2 };
                problems.push(line, column, UTF8_MESSAGE.into());
                return;
            };
            part.accept(a, e, target, value, line);
        }
    }
}

/// An item row with file-wide application and expert, and line.
struct ItemRow {
    pair: (u32, u32),
    item: u32,
    value: Decimal,
    line: u64,
}

/// The blocks merged in file order: file-wide ids, the score table, item rows, problems.
struct Merger {
    apps: Ids,
    /// The line of each file application's first row (by file index).
    app_lines: Vec<u64>,
    experts: Ids,
    /// File (application, expert) of the rows, each time it changes: the pairs'
    /// first-seen order, for item rows.
    pair_log: Vec<(u32, u32)>,
    /// The table: its criteria are the rubric's, in the rubric's order (so a rubric
    /// criterion's index is its table index).
    table: ScoreTable,
    /// The table's index of each file application / expert (`u32::MAX`: not yet): only
    /// criterion rows enter the table.
    table_apps: Vec<u32>,
    table_experts: Vec<u32>,
    items: Vec<ItemRow>,
    problems: Problems,
    rows: u64,
    /// A part's reading was ended by a problem: the parts after it are not merged, as one
    /// reader of the file stops there.
    stopped: bool,
    /// The line of the next part's first byte (a part's lines count from its start).
    line: u64,
}

impl Merger {
    fn new(ix: &RubricIndex<'_>) -> Self {
        let mut table = ScoreTable::new();
        for (c, id) in ix.crit_ids.iter().enumerate() {
            let tc = table.criterion_index(id);
            debug_assert_eq!(tc as usize, c);
        }
        Merger {
            apps: Ids::default(),
            app_lines: Vec::new(),
            experts: Ids::default(),
            pair_log: Vec::new(),
            table,
            table_apps: Vec::new(),
            table_experts: Vec::new(),
            items: Vec::new(),
            problems: Problems::default(),
            rows: 0,
            stopped: false,
            line: 0,
        }
    }

    /// Nothing more is read: enough problems, or a problem that ends the reading.
    fn done(&self) -> bool {
        self.stopped || self.problems.full()
    }

    /// Adds the next part of the file, and empties it. Merge no part after [`Merger::done`].
    fn merge(&mut self, part: &mut Part) {
        self.stopped = part.stopped;
        let base = self.line;
        self.line += part.lines;
        let mut problems = std::mem::take(&mut part.problems);
        problems.shift_lines(base);
        self.problems.extend(problems);
        self.rows += part.data_rows;
        // Part ids → file ids (already checked).
        let amap: Vec<u32> = part
            .apps
            .names()
            .iter()
            .zip(&part.app_lines)
            .map(|(n, &line)| {
                let known = self.apps.names().len();
                let a = self.apps.intern(n).unwrap_or(u32::MAX);
                if self.apps.names().len() > known {
                    self.app_lines.push(base + line);
                }
                a
            })
            .collect();
        let emap: Vec<u32> = part
            .experts
            .names()
            .iter()
            .map(|n| self.experts.intern(n).unwrap_or(u32::MAX))
            .collect();
        self.table_apps.resize(self.apps.names().len(), u32::MAX);
        self.table_experts
            .resize(self.experts.names().len(), u32::MAX);
        self.pair_log.extend(
            part.pairs
                .iter()
                .map(|&(a, e)| (amap[a as usize], emap[e as usize])),
        );
        // Part ids → table ids, interned in the order of the criterion rows' runs.
        let mut tapps = vec![u32::MAX; amap.len()];
        let mut texperts = vec![u32::MAX; emap.len()];
        for (a, e) in part.rows.run_pairs() {
            if tapps[a as usize] == u32::MAX {
                let fa = amap[a as usize] as usize;
                if self.table_apps[fa] == u32::MAX {
                    self.table_apps[fa] = self.table.app_index(&self.apps.names()[fa]);
                }
                tapps[a as usize] = self.table_apps[fa];
            }
            if texperts[e as usize] == u32::MAX {
                let fe = emap[e as usize] as usize;
                if self.table_experts[fe] == u32::MAX {
                    self.table_experts[fe] = self.table.expert_index(&self.experts.names()[fe]);
                }
                texperts[e as usize] = self.table_experts[fe];
            }
        }
        // The part's rows become the table's next chunk (moved, not copied).
        self.table
            .append(std::mem::take(&mut part.rows), &tapps, &texperts);
        for it in part.items.drain(..) {
            self.items.push(ItemRow {
                pair: (amap[it.app as usize], emap[it.expert as usize]),
                item: it.item,
                value: it.value,
                line: base + it.line,
            });
        }
    }
}

/// A regular file mapped into memory: its parts are parsed where the operating system holds
/// the file, with no copy and no buffer to fill. `None` for what cannot be mapped (a pipe
/// such as `/dev/stdin`, an empty file): that is streamed by one reader.
fn map_file(file: &std::fs::File) -> Option<memmap2::Mmap> {
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() == 0 {
        return None;
    }
    // SAFETY: the map is only read, and lives no longer than the read. The file must not be
    // shortened by another program meanwhile (the process would end with SIGBUS, as any
    // program reading a mapped file); `docs/results.md` says so.
    unsafe { memmap2::Mmap::map(file) }.ok()
}

/// One reader for the whole input, from its header on.
fn one_reader<R: BufRead>(
    ix: &RubricIndex<'_>,
    mut reader: RowReader<R>,
    mut merger: Merger,
) -> Result<(Merger, Option<String>), CsvProblem> {
    reader.header()?;
    merger.merge(&mut RowParser::read(ix, &mut reader, 0, Part::default()));
    Ok((merger, reader.sha256()))
}

/// Where the line break at `p` (`\n`, `\r\n` or a lone `\r`) ends.
fn after_break(b: &[u8], p: usize) -> usize {
    if b[p] == b'\r' && b.get(p + 1) == Some(&b'\n') {
        p + 2
    } else {
        p + 1
    }
}

/// `body` cut after line breaks into parts of about `size` bytes (start, end). A cut is
/// never between the `\r` and `\n` of a `\r\n`: no part starts inside a line break.
fn part_bounds(body: &[u8], size: usize) -> Vec<(usize, usize)> {
    let mut bounds = Vec::new();
    let mut from = 0;
    while from < body.len() {
        let mut to = (from + size.max(1)).min(body.len());
        if to < body.len() {
            // After the next line break.
            to = memchr::memchr2(b'\n', b'\r', &body[to..])
                .map_or(body.len(), |p| after_break(body, to + p));
        }
        bounds.push((from, to));
        from = to;
    }
    bounds
}

/// Reads the file at `path`: its header, then its rows, merged in file order (see the
/// module's documentation); the sha256 of its bytes when `hash`.
/// `sizes`: the batch and part sizes; `None` reads the whole file with one reader.
fn read_file(
    path: &Path,
    ix: &RubricIndex<'_>,
    hash: bool,
    sizes: Option<(usize, usize)>,
) -> Result<(Merger, Option<String>), ReadError> {
    let csv_err = |p: CsvProblem| ReadError::Csv {
        file: path.to_path_buf(),
        problems: vec![p],
    };
    let file = std::fs::File::open(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut merger = Merger::new(ix);
    let Some(map) = map_file(&file) else {
        let input = BufReader::with_capacity(1 << 16, file);
        return one_reader(ix, RowReader::new(input, hash), merger).map_err(csv_err);
    };
    let bytes: &[u8] = &map;
    let Some((batch_size, part_size)) = sizes else {
        return one_reader(ix, RowReader::new(bytes, hash), merger).map_err(csv_err);
    };
    let mut head = RowReader::new(bytes, false);
    head.header().map_err(csv_err)?;
    let ncols = head.header_columns();
    let mut start = head.consumed() as usize;
    let mut lines = head.lines();
    if bytes.get(start) == Some(&b'\n') {
        // The `\n` of the header's `\r\n`.
        lines.count(b"\n");
        start += 1;
    }
    let mut hasher = hash.then(|| Sha256::new_with_prefix(&bytes[..start]));
    let body = &bytes[start..];
    merger.line = lines.next_line();
    // Batch after batch: the parts of a batch are read at once (each counting its lines from
    // its own start) while the previous batch's parts are merged and hashed. A part with a
    // quote is not read: a quoted field may hold a line break, so that a part may start
    // inside a field. From the first such part on, one reader reads the rest.
    let bounds = part_bounds(body, part_size);
    // Parts read, not yet merged, with their bounds.
    let mut pending: Vec<(Part, (usize, usize))> = Vec::new();
    // Parts merged and emptied, for the next batch (no fresh memory for every part).
    let mut spare: Vec<Part> = Vec::new();
    let mut quoted: Option<usize> = None;
    let mut merge =
        |merger: &mut Merger, pending: &mut Vec<(Part, (usize, usize))>, spare: &mut Vec<_>| {
            for (mut part, (from, to)) in pending.drain(..) {
                if quoted.is_some() || merger.done() {
                    continue;
                }
                if part.quoted {
                    quoted = Some(from);
                    continue;
                }
                merger.merge(&mut part);
                if let Some(h) = hasher.as_mut() {
                    h.update(&body[from..to]);
                }
                part.clear();
                spare.push(part);
            }
        };
    for batch in bounds.chunks((batch_size / part_size.max(1)).max(1)) {
        let mut fresh: Vec<Part> = spare.split_off(spare.len().saturating_sub(batch.len()));
        fresh.resize_with(batch.len(), Part::default);
        let (read, ()) = rayon::join(
            || {
                batch
                    .par_iter()
                    .zip(fresh)
                    .map(|(&bounds, mut part)| {
                        let text = &body[bounds.0..bounds.1];
                        if memchr::memchr(b'"', text).is_some() {
                            part.quoted = true;
                            return (part, bounds);
                        }
                        let mut reader = RowReader::part(text, Lines::at(0), ncols, None);
                        (RowParser::read(ix, &mut reader, text.len(), part), bounds)
                    })
                    .collect::<Vec<_>>()
            },
            || merge(&mut merger, &mut pending, &mut spare),
        );
        pending = read;
        if merger.done() || pending.iter().any(|(p, _)| p.quoted) {
            break;
        }
    }
    merge(&mut merger, &mut pending, &mut spare);
    if let (Some(from), false) = (quoted, merger.done()) {
        let mut reader = RowReader::part(&body[from..], Lines::at(0), ncols, hasher);
        merger.merge(&mut RowParser::read(ix, &mut reader, 0, Part::default()));
        return Ok((merger, reader.sha256()));
    }
    Ok((merger, hasher.map(|h| hex::encode(h.finalize()))))
}

/// Reads a raw-score CSV (`application,expert,criterion,value[,comment]`, UTF-8 with or
/// without BOM). `criterion` names a criterion id (the value is the criterion's) or an item
/// id (items are combined per (application, expert) with [`crate::rubric::combine`]; rule
/// items without a row take `suggestions`). The comment column is ignored. Problems (up to
/// 50) are reported with line and column.
///
/// `unknown_app`, when given, says why an application code may not be in the file (`None`:
/// it may): each such code is a problem at its first row, column 1 (the panel's
/// applications are known when it has bundles).
pub fn read_scores_csv(
    path: &Path,
    rubric: &Rubric,
    suggestions: &BTreeMap<String, BTreeMap<String, Decimal>>,
    detail: &Detail,
    hash: bool,
    unknown_app: Option<&UnknownApp<'_>>,
) -> Result<CsvScores, ReadError> {
    let ix = RubricIndex::new(rubric);
    let (m, sha256) = read_file(path, &ix, hash, Some((BATCH, PART)))?;
    finish_read(path, &ix, m, sha256, suggestions, detail, unknown_app)
}

/// Why an application code may not be in a scores file (`None`: it may); see
/// [`read_scores_csv`].
pub type UnknownApp<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Item rows combined into criterion values, the checks that need the whole file, details.
fn finish_read(
    path: &Path,
    ix: &RubricIndex<'_>,
    mut m: Merger,
    sha256: Option<String>,
    suggestions: &BTreeMap<String, BTreeMap<String, Decimal>>,
    detail: &Detail,
    unknown_app: Option<&UnknownApp<'_>>,
) -> Result<CsvScores, ReadError> {
    let nc = ix.crit_ids.len();
    let words = nc.div_ceil(64).max(1);
    let mut problems = std::mem::take(&mut m.problems);
    if let Some(unknown) = unknown_app {
        // Once per distinct code, at its first row.
        for (name, &line) in m.apps.names().iter().zip(&m.app_lines) {
            if let Some(message) = unknown(name) {
                problems.push(line, 1, message);
            }
        }
    }
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !m.items.is_empty() {
        // Pairs in first-seen order (of all rows), item rows by pair.
        let mut pair_index: HashMap<(u32, u32), u32, FxBuild> = HashMap::default();
        let mut pair_keys: Vec<(u32, u32)> = Vec::new();
        for &key in &m.pair_log {
            let next = pair_keys.len() as u32;
            if *pair_index.entry(key).or_insert(next) == next {
                pair_keys.push(key);
            }
        }
        // Per pair with item rows: the criteria its criterion rows gave.
        let mut bits = vec![0u64; pair_keys.len() * words];
        let mut by_table: HashMap<(u32, u32), u32, FxBuild> = HashMap::default();
        for it in &m.items {
            let (fa, fe) = it.pair;
            let (ta, te) = (m.table_apps[fa as usize], m.table_experts[fe as usize]);
            if ta != u32::MAX && te != u32::MAX {
                by_table.insert((ta, te), pair_index[&it.pair]);
            }
        }
        if !by_table.is_empty() {
            for (app, expert, cells) in m.table.runs() {
                if let Some(&p) = by_table.get(&(app, expert)) {
                    // Table criteria are the rubric's, in its order.
                    for (crit, _) in cells {
                        let c = crit as usize;
                        bits[p as usize * words + c / 64] |= 1u64 << (c % 64);
                    }
                }
            }
        }
        let mut item_rows: Vec<(u32, ItemRow)> = std::mem::take(&mut m.items)
            .into_iter()
            .map(|r| (pair_index[&r.pair], r))
            .collect();
        item_rows.sort_by_key(|(p, r)| (*p, r.item, r.line));
        let mut i = 0;
        while i < item_rows.len() && problems.len() < MAX_PROBLEMS {
            let p = item_rows[i].0;
            let (a, e) = pair_keys[p as usize];
            let app = m.apps.names()[a as usize].clone();
            let expert = m.experts.names()[e as usize].clone();
            let mut j = i;
            let mut given: BTreeMap<String, Decimal> = BTreeMap::new();
            while j < item_rows.len() && item_rows[j].0 == p {
                let r = &item_rows[j].1;
                if j > i && item_rows[j - 1].1.item == r.item {
                    problems.push(
                        r.line,
                        3,
                        format!(
                            "item {} of {app} for {expert} is already given at line {}; keep \
                             one row",
                            ix.items[r.item as usize].id,
                            item_rows[j - 1].1.line
                        ),
                    );
                }
                given.insert(ix.items[r.item as usize].id.clone(), r.value);
                j += 1;
            }
            let pb = &bits[p as usize * words..(p as usize + 1) * words];
            let mut pair_notes = Vec::new();
            let values = pair_criteria(
                ix,
                &given,
                suggestions.get(&app),
                &|c| pb[c / 64] & (1u64 << (c % 64)) != 0,
                &format!("expert {expert}"),
                &mut pair_notes,
            );
            if !pair_notes.is_empty() {
                notes.entry(app.clone()).or_default().extend(pair_notes);
            }
            for (c, v) in values {
                m.table.push(&app, &expert, ix.crit_ids[c], v);
            }
            i = j;
        }
    }
    if m.rows == 0 && problems.is_empty() {
        problems.push(2, 1, "the file has no rows below the header".into());
    }
    if !problems.is_empty() {
        let mut problems = problems.into_sorted();
        problems.truncate(MAX_PROBLEMS);
        return Err(ReadError::Csv {
            file: path.to_path_buf(),
            problems,
        });
    }
    let mut pairs = BTreeMap::new();
    if *detail != Detail::None {
        let t = &m.table;
        // Rows come in runs of one pair: one lookup per run.
        for (app, expert, cells) in t.runs() {
            let expert = &t.experts.names[expert as usize];
            if !detail.keeps(expert) {
                continue;
            }
            let values =
                cells.map(|(crit, v)| (t.criteria.names[crit as usize].clone(), t.value(v)));
            let key = (t.apps.names[app as usize].clone(), expert.clone());
            match pairs.entry(key) {
                // Built at once (a later value of the same criterion wins, as with insert).
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(values.collect::<BTreeMap<String, Decimal>>());
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    o.get_mut().extend(values);
                }
            }
        }
    }
    let mut experts = std::mem::take(&mut m.experts.0.names);
    experts.sort();
    Ok(CsvScores {
        table: m.table,
        rows: m.rows,
        sha256,
        experts,
        notes,
        pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The demo rubric, and a scores file holding `text` in a new temporary directory.
    fn demo_csv(text: &str) -> (Rubric, tempfile::TempDir, std::path::PathBuf) {
        let rubric = crate::rubric::embedded("park-ip-trusteeship-2024")
            .unwrap()
            .rubric;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.csv");
        std::fs::write(&path, text).unwrap();
        (rubric, tmp, path)
    }

    #[test]
    fn plain_values() {
        assert_eq!(parse_value(b"4.5").unwrap(), d("4.5"));
        assert_eq!(parse_value(b"10").unwrap(), d("10"));
        assert_eq!(parse_value(b"-0.25").unwrap(), d("-0.25"));
        assert_eq!(parse_value(b"0.10").unwrap().to_string(), "0.10");
        assert_eq!(
            parse_value(b"12345678901234567890.5").unwrap(),
            d("12345678901234567890.5")
        );
        for bad in [
            &b""[..],
            b".5",
            b"5.",
            b"1e3",
            b"4,5",
            b"+4",
            b"1.2.3",
            b"--1",
            b"x",
        ] {
            assert!(
                parse_value(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        assert!(parse_value(b"4,5").unwrap_err().contains("comma"));
    }

    #[test]
    fn scaled_values_are_the_short_plain_ones() {
        for (text, want) in [
            ("5", Some(0)),
            ("2.5", Some(1)),
            ("-1.25", Some(2)),
            ("0.1", Some(1)),
            ("05", None),
            ("-0", None),
            (".5", None),
            ("5.", None),
            ("1.2.3", None),
            ("", None),
            ("0000000000005", None),
        ] {
            assert_eq!(parse_scaled(text.as_bytes()).map(|p| p.1), want, "{text:?}");
        }
    }

    #[test]
    fn details_keep_the_last_value_of_a_repeated_criterion() {
        let rows = "application,expert,criterion,value\nT1,E01,A1,5\nT1,E01,A2,3\nT1,E01,A1,6\n\
                    T1,E02,A1,1\nT1,E01,A2,4\n";
        let (rubric, _tmp, path) = demo_csv(rows);
        let c =
            read_scores_csv(&path, &rubric, &BTreeMap::new(), &Detail::All, true, None).unwrap();
        let e01 = &c.pairs[&("T1".to_string(), "E01".to_string())];
        assert_eq!(e01["A1"], d("6"));
        assert_eq!(e01["A2"], d("4"));
        assert_eq!(c.pairs.len(), 2);
    }

    /// An application code that may not be in the file is named once, at its first row
    /// (column 1), wherever the parts are cut; the rest of the file is still checked.
    #[test]
    fn an_unknown_application_is_named_at_its_first_row() {
        let mut text = String::from("application,expert,criterion,value\n");
        for i in 0..40 {
            let app = if i >= 17 { "T9" } else { "T1" };
            let v = if i == 30 { "x" } else { "1" };
            text.push_str(&format!("{app},E0{},A1,{v}\n", i % 3 + 1));
        }
        let (rubric, _tmp, path) = demo_csv(&text);
        let ix = RubricIndex::new(&rubric);
        let unknown = |a: &str| (a == "T9").then(|| format!("application {a:?} is unknown"));
        for sizes in [None, Some((64, 16)), Some((1 << 10, 100))] {
            let (m, sha) = read_file(&path, &ix, false, sizes).unwrap();
            let Err(ReadError::Csv { problems, .. }) = finish_read(
                &path,
                &ix,
                m,
                sha,
                &BTreeMap::new(),
                &Detail::None,
                Some(&unknown),
            ) else {
                panic!("T9 accepted ({sizes:?})");
            };
            let places: Vec<(u64, usize, &str)> = problems
                .iter()
                .map(|p| (p.line, p.column, p.message.as_str()))
                .collect();
            assert_eq!(
                places,
                [
                    (19, 1, "application \"T9\" is unknown"),
                    (
                        32,
                        4,
                        "value \"x\" is not a number; write a plain decimal such as \"4.5\""
                    )
                ],
                "{sizes:?}"
            );
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// The outcome of a read, comparable: the table, counts, notes, details, or the
        /// problems.
        fn outcome(r: Result<CsvScores, ReadError>) -> String {
            match r {
                Ok(c) => format!(
                    "{:?}\n{}\n{}\n{:?}\n{:?}\n{:?}",
                    c.table,
                    c.rows,
                    c.sha256.as_deref().unwrap_or("-"),
                    c.experts,
                    c.notes,
                    c.pairs
                ),
                Err(e) => format!("{e:?}"),
            }
        }

        fn read_with(
            path: &Path,
            rubric: &Rubric,
            sizes: Option<(usize, usize)>,
            detail: &Detail,
        ) -> Result<CsvScores, ReadError> {
            read_checking(path, rubric, sizes, detail, false)
        }

        /// [`read_with`], refusing application `T2` when `known` (named at its first row).
        fn read_checking(
            path: &Path,
            rubric: &Rubric,
            sizes: Option<(usize, usize)>,
            detail: &Detail,
            known: bool,
        ) -> Result<CsvScores, ReadError> {
            let ix = RubricIndex::new(rubric);
            let (m, sha) = read_file(path, &ix, true, sizes)?;
            let unknown = |a: &str| (a == "T2").then(|| format!("{a} is unknown"));
            let unknown: Option<&UnknownApp<'_>> = known.then_some(&unknown);
            finish_read(path, &ix, m, sha, &BTreeMap::new(), detail, unknown)
        }

        fn line() -> impl Strategy<Value = String> {
            let app = prop::sample::select(vec!["T1", "T2", " T3 ", "T\u{4e2d}", "", "T1"]);
            let expert = prop::sample::select(vec!["E01", "E02", "E03 ", "", "E01"]);
            let crit = prop::sample::select(vec![
                "A1", "A2", "B1", "B2", "C1", "A1.1", "A1.2", "B1.1", "Q9", "A1",
            ]);
            let value = prop::sample::select(vec!["1", "2.5", "10", "0", "-1", "x", "4,5", "3.25"]);
            prop_oneof![
                8 => (app, expert, crit, value, any::<bool>()).prop_map(|(a, e, c, v, cm)| {
                    if cm { format!("{a},{e},{c},{v},note") } else { format!("{a},{e},{c},{v},") }
                }),
                1 => Just(String::new()),
                1 => Just(",,,,".to_string()),
                1 => Just("T1,E01,A1".to_string()),
                1 => Just("T1,E01,A1,1,,extra".to_string()),
                1 => Just("T1,E01,A1,1,\"a\nquoted, comment\"".to_string()),
                // a byte order mark in the middle of a file: data, wherever the parts start
                1 => Just("\u{feff}T1,E01,A1,1,".to_string()),
            ]
        }

        /// Parts that stop at the problem limit: the problems reported are still the
        /// file's first 50, at their own lines, as one reader reports them.
        #[test]
        fn parts_at_the_problem_limit_report_the_first_fifty() {
            let mut text = String::from("application,expert,criterion,value\n");
            for i in 0..400 {
                let v = if i % 3 == 0 { "x" } else { "1" };
                text.push_str(&format!("T{},E01,A1,{v}\n", i % 7));
            }
            let (rubric, _tmp, path) = demo_csv(&text);
            let one = outcome(read_with(&path, &rubric, None, &Detail::None));
            assert!(one.contains("line: 149, column: 4"), "{one}");
            for part in [40, 200, 1000, 3000] {
                let parts = outcome(read_with(
                    &path,
                    &rubric,
                    Some((part * 3, part)),
                    &Detail::None,
                ));
                assert_eq!(parts, one, "part {part}");
            }
        }

        /// A byte order mark at the start of a line in the middle of a file is data (an id
        /// with an invisible character, refused), also when a part of the file starts
        /// there: parts read as one reader does.
        #[test]
        fn a_byte_order_mark_inside_the_file_is_data_in_every_part() {
            let mut text = String::from("application,expert,criterion,value\n");
            for i in 0..60 {
                let bom = if i % 10 == 5 { "\u{feff}" } else { "" };
                text.push_str(&format!("{bom}T{},E01,A1,1\n", i % 7));
            }
            let (rubric, _tmp, path) = demo_csv(&text);
            let one = outcome(read_with(&path, &rubric, None, &Detail::None));
            assert!(one.contains("line: 7, column: 1"), "{one}");
            for part in 1..40 {
                let parts = outcome(read_with(&path, &rubric, Some((64, part)), &Detail::None));
                assert_eq!(parts, one, "part {part}");
            }
        }

        /// Files with `\r` or `\r\n` line ends are cut into parts at their own line breaks
        /// (never between the `\r` and `\n` of a `\r\n`): the same rows, lines and problems
        /// as one reader, for every part size.
        #[test]
        fn parts_cut_at_every_kind_of_line_break() {
            // `\n\r` is two breaks: a blank line after every row.
            for (eol, first) in [("\r", 6), ("\r\n", 6), ("\n\r", 11)] {
                let mut text = format!("application,expert,criterion,value{eol}");
                for i in 0..60 {
                    let v = if i % 9 == 4 { "x" } else { "1" };
                    text.push_str(&format!("T{},E01,A1,{v}{eol}", i % 7));
                }
                let (rubric, _tmp, path) = demo_csv(&text);
                let one = outcome(read_with(&path, &rubric, None, &Detail::None));
                let want = format!("line: {first}, column: 4");
                assert!(one.contains(&want), "{eol:?}: {one}");
                for part in 1..40 {
                    for batch in [16, 17, 64] {
                        let sizes = Some((batch, part));
                        let parts = outcome(read_with(&path, &rubric, sizes, &Detail::None));
                        assert_eq!(parts, one, "{eol:?} part {part} batch {batch}");
                    }
                }
            }
        }

        /// A line longer than the reader takes ends the reading where it is, in parts as
        /// with one reader: the problems after it are not reported.
        #[test]
        fn a_runaway_line_in_a_part_ends_the_reading_there() {
            let mut text = String::from("application,expert,criterion,value\n");
            let row = |i: usize, v: &str| format!("T{},E01,A1,{v}\n", i % 7);
            for i in 0..40 {
                text.push_str(&row(i, if i == 3 { "x" } else { "1" }));
            }
            text.push_str(&"y".repeat(crate::scores::read::MAX_LINE + 10));
            text.push('\n');
            for i in 0..40 {
                text.push_str(&row(i, "x"));
            }
            let (rubric, _tmp, path) = demo_csv(&text);
            let one = outcome(read_with(&path, &rubric, None, &Detail::None));
            assert!(one.contains("line: 5, column: 4"), "{one}");
            assert!(one.contains("line: 42, column: 1"), "{one}");
            assert!(!one.contains("line: 43"), "{one}");
            for sizes in [(1 << 20, 1 << 16), (1 << 10, 1 << 8), (64 << 20, 1 << 20)] {
                let parts = outcome(read_with(&path, &rubric, Some(sizes), &Detail::None));
                assert_eq!(parts, one, "{sizes:?}");
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(96))]
            /// Batches, parts and the merge give what one reader gives.
            #[test]
            fn parts_match_one_reader(
                lines in prop::collection::vec(line(), 0..120),
                eol in prop::sample::select(vec!["\n", "\r\n", "\r"]),
                part in 1usize..300,
                batch in 1usize..1000,
                all in any::<bool>(),
                known in any::<bool>(),
            ) {
                let mut text = format!("application,expert,criterion,value,comment{eol}");
                for l in &lines {
                    text.push_str(l);
                    text.push_str(eol);
                }
                let (rubric, _tmp, path) = demo_csv(&text);
                let detail = if all { Detail::All } else { Detail::Expert("E02".into()) };
                let one = outcome(read_checking(&path, &rubric, None, &detail, known));
                let sizes = Some((batch, part));
                let parts = outcome(read_checking(&path, &rubric, sizes, &detail, known));
                prop_assert_eq!(parts, one);
            }
        }
    }
}
