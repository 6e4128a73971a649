//! Reading a raw-score CSV (`application,expert,criterion,value[,comment]`) into a
//! [`ScoreTable`], for `panel results --scores`.
//!
//! # Two paths, one set of rules
//!
//! - **Fast** (the usual file: no `"` and no lone `\r`): the header is read first; a reader
//!   thread reads the rest and cuts it into blocks of whole lines; two worker threads check
//!   and parse blocks ([`Splitter`]) into block-local rows; the calling thread hashes the
//!   blocks (sha256) and merges them in file order (block-local ids → file ids → table
//!   indices), so that everything is interned in first-seen order, as a sequential read
//!   would.
//! - **General** (any CSV: quotes, quoted line breaks, lone carriage returns): when a block
//!   holds a `"` or a lone `\r`, the file is read again, sequentially, with [`CoreSplitter`]
//!   (`csv_core`, the `csv` crate's dialect).
//!
//! Both feed the same row checks ([`BlockParser::record`]); a record's line is where it
//! starts in the file. Problems (at most [`MAX_PROBLEMS`], sorted by position) name line and
//! column; a header problem is reported alone.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::csv_lines::{same, CoreSplitter, Record, Splitter};
use super::source::{pair_criteria, FnvBuild, RubricIndex, Target};
use super::{ExportError, PairDetail, PairState};
use crate::aggregate::table::{pack_or_keep, pack_small, Cell};
use crate::aggregate::ScoreTable;
use crate::rubric::Rubric;
use crate::sheet::CsvProblem;

const HEADER: [&str; 5] = ["application", "expert", "criterion", "value", "comment"];
const EXPECTED_HEADER: &str = "application,expert,criterion,value[,comment]";
/// Problems reported at most.
pub(crate) const MAX_PROBLEMS: usize = 50;
/// Bytes per block (a block holds whole lines: more when a line is longer).
const BLOCK: usize = 1 << 20;
/// The longest line (and, quoted, field) accepted: a score row is a few dozen bytes.
const MAX_LINE: usize = 16 << 20;
const UTF8_MESSAGE: &str = "not valid UTF-8; save the file as UTF-8 (with or without BOM)";

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
    /// (application, expert) → values, when asked for.
    pub pairs: BTreeMap<(String, String), PairDetail>,
}

pub(crate) fn trim(b: &[u8]) -> &[u8] {
    let blank = |c: &u8| matches!(c, b' ' | b'\t');
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if !blank(f) && !blank(l) => b,
        _ => {
            let start = b.iter().position(|c| !blank(c)).unwrap_or(b.len());
            let end = b.iter().rposition(|c| !blank(c)).map_or(start, |p| p + 1);
            &b[start..end]
        }
    }
}

/// A plain decimal (`4.5`, `-1`, `10`): digits with at most one dot inside; no exponent,
/// no comma, no sign other than a leading `-`. The reference of the packed parsers' tests;
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

/// [`parse_value`]'s usual case (digits, one dot inside, a leading `-`, a value that packs
/// into a [`ScoreTable`] row) without building an error: the packed value and its decimal
/// places, `None` for anything else.
#[inline]
fn parse_packed(b: &[u8]) -> Option<(u32, u32)> {
    let (v, scale, end) = packed_prefix(b)?;
    (end == b.len()).then_some((v, scale))
}

/// [`parse_packed`] of the value that starts `b` and ends its line (`\n` or `\r\n`), in one
/// pass: the packed value, its decimal places and the position of the `\n`; `None` when
/// [`parse_packed`] would refuse the value, or the line does not end right after it.
#[inline]
fn packed_to_line_end(b: &[u8]) -> Option<(u32, u32, usize)> {
    let (v, scale, end) = packed_prefix(b)?;
    let nl = match (b.get(end), b.get(end + 1)) {
        (Some(b'\n'), _) => end,
        (Some(b'\r'), Some(b'\n')) => end + 1,
        _ => return None,
    };
    Some((v, scale, nl))
}

/// The value [`parse_packed`] takes at the start of `b`, up to the first byte that is
/// neither a digit nor the value's one dot: the packed value, its decimal places and where
/// it ended. `None` when that value is not one `parse_packed` takes.
#[inline]
fn packed_prefix(b: &[u8]) -> Option<(u32, u32, usize)> {
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
    Some((pack_small(if neg { -mant } else { mant }, scale)?, scale, j))
}

/// Checks the header's fields; returns the number of columns.
fn check_header(fields: &[&[u8]], len: usize) -> Result<usize, CsvProblem> {
    let problem = |column: usize, message: String| CsvProblem {
        line: 1,
        column,
        message,
    };
    let first = fields.first().copied().unwrap_or_default();
    // A UTF-16 byte order mark, or ASCII text with a zero byte beside every character.
    let utf16 = first.starts_with(b"\xFF\xFE")
        || first.starts_with(b"\xFE\xFF")
        || (first.len() >= 4 && (first[1] == 0 && first[3] == 0 || first[0] == 0 && first[2] == 0));
    if utf16 {
        return Err(problem(
            1,
            "the file is UTF-16 (as spreadsheet programs save “Unicode text”); save it as \
             CSV UTF-8"
                .into(),
        ));
    }
    if !(4..=5).contains(&len) {
        return Err(problem(
            1,
            format!("the header has {len} column(s); it must be exactly {EXPECTED_HEADER}"),
        ));
    }
    for (i, h) in fields.iter().enumerate() {
        let h = if i == 0 {
            h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h)
        } else {
            h
        };
        if trim(h) != HEADER[i].as_bytes() {
            return Err(problem(
                i + 1,
                format!(
                    "column {} is named {:?} but must be {:?}; the header must be exactly \
                     {EXPECTED_HEADER}",
                    i + 1,
                    String::from_utf8_lossy(h),
                    HEADER[i]
                ),
            ));
        }
    }
    Ok(len)
}

fn empty_file_problem() -> CsvProblem {
    CsvProblem {
        line: 1,
        column: 1,
        message: format!("the file is empty; the first line must be {EXPECTED_HEADER}"),
    }
}

fn read_problem(line: u64, e: &std::io::Error) -> CsvProblem {
    CsvProblem {
        line,
        column: 1,
        message: format!("cannot read the file ({e})"),
    }
}

/// Byte strings ↔ dense indices (first-seen order), with a one-entry cache for sorted input.
#[derive(Default)]
struct Ids {
    map: HashMap<Box<[u8]>, u32, FnvBuild>,
    names: Vec<String>,
    last: Option<u32>,
}

impl Ids {
    fn clear(&mut self) {
        self.map.clear();
        self.names.clear();
        self.last = None;
    }

    /// The index of `s`; `None` when `s` is not valid UTF-8 (checked only for new ids).
    #[inline]
    fn intern(&mut self, s: &[u8]) -> Option<u32> {
        if let Some(l) = self.last {
            if same(self.names[l as usize].as_bytes(), s) {
                return Some(l);
            }
        }
        let id = match self.map.get(s) {
            Some(&id) => id,
            None => {
                let name = std::str::from_utf8(s).ok()?;
                // Not printable or not trimmed: the checked path reports it.
                if crate::rubric::value_check::check_id("id", name).is_err() {
                    return None;
                }
                let name = name.to_owned();
                let id = self.names.len() as u32;
                self.names.push(name);
                self.map.insert(s.into(), id);
                id
            }
        };
        self.last = Some(id);
        Some(id)
    }
}

/// An item row, with the block's own indices and line.
struct LocalItem {
    app: u32,
    expert: u32,
    item: u32,
    value: Decimal,
    line: u64,
}

/// What one block (or, on the general path, the whole file) holds; lines are the block's
/// own (1 = its first line).
#[derive(Default)]
struct Part {
    apps: Ids,
    experts: Ids,
    /// Criterion rows in runs of one pair: (application, expert, first cell).
    runs: Vec<(u32, u32, u32)>,
    /// Criterion rows: the rubric criterion and the packed value (see [`ScoreTable`]).
    cells: Vec<Cell>,
    /// The values that do not pack.
    big: Vec<Decimal>,
    /// The most decimal places among the criterion rows' values.
    max_scale: u32,
    items: Vec<LocalItem>,
    /// (application, expert) of the rows, each time it changes (criterion and item rows).
    pairs: Vec<(u32, u32)>,
    last_pair: Option<(u32, u32)>,
    problems: Vec<CsvProblem>,
    /// Data rows (not blank).
    data_rows: u64,
    /// Newlines in the block.
    newlines: u64,
    /// The block needs the general parser.
    unsupported: bool,
    /// The block's bytes (to be hashed in order, then reused).
    block: Vec<u8>,
}

impl Part {
    /// Notes the pair of the next row; a new run of criterion rows starts when `crit` and
    /// the pair changed.
    #[inline]
    fn pair(&mut self, a: u32, e: u32, crit: bool) {
        if self.last_pair != Some((a, e)) {
            self.last_pair = Some((a, e));
            self.pairs.push((a, e));
        }
        if crit && self.runs.last().is_none_or(|r| (r.0, r.1) != (a, e)) {
            self.runs.push((a, e, self.cells.len() as u32));
        }
    }

    /// A valid criterion row whose value is packed (`scale`: its decimal places).
    #[inline]
    fn accept_packed(&mut self, a: u32, e: u32, crit: u32, v: u32, scale: u32) {
        self.pair(a, e, true);
        self.max_scale = self.max_scale.max(scale);
        self.cells.push(Cell { crit, v });
    }

    /// A valid row of application `a`, expert `e` (this part's indices) at `line`.
    fn accept(&mut self, a: u32, e: u32, target: Target, value: Decimal, line: u64) {
        match target {
            Target::Criterion(crit) => {
                let v = pack_or_keep(value, &mut self.big);
                self.accept_packed(a, e, crit, v, value.scale());
            }
            Target::Item(item) => {
                self.pair(a, e, false);
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

    /// Empty, keeping the buffers' capacity (parts go back to the workers).
    fn reset(&mut self) {
        self.apps.clear();
        self.experts.clear();
        self.runs.clear();
        self.cells.clear();
        self.big.clear();
        self.max_scale = 0;
        self.items.clear();
        self.pairs.clear();
        self.last_pair = None;
        self.problems.clear();
        self.data_rows = 0;
        self.newlines = 0;
        self.unsupported = false;
    }
}

/// The row checks, shared by both paths.
struct BlockParser<'a> {
    ix: &'a RubricIndex<'a>,
    /// Columns of the header; `None` until the header is read (general path).
    ncols: Option<usize>,
    /// The position in `ix.lookup_keys` of the last criterion/item id.
    last_key: usize,
    part: Part,
}

impl<'a> BlockParser<'a> {
    fn new(ix: &'a RubricIndex<'a>, ncols: Option<usize>, part: Part) -> Self {
        BlockParser {
            ix,
            ncols,
            last_key: usize::MAX - 1,
            part,
        }
    }

    /// The criterion or item `id` names: the key after the last one first (rows usually
    /// list a pair's criteria in the rubric's order), then a lookup.
    #[inline]
    fn target(&mut self, id: &[u8]) -> Option<Target> {
        let keys = &self.ix.lookup_keys;
        for p in [self.last_key.wrapping_add(1), 0] {
            if let Some((k, t)) = keys.get(p) {
                if same(k, id) {
                    self.last_key = p;
                    return Some(*t);
                }
            }
        }
        let p = *self.ix.lookup.get(id)? as usize;
        self.last_key = p;
        Some(keys[p].1)
    }

    fn problem(&mut self, line: u64, column: usize, message: String) {
        self.part.problems.push(CsvProblem {
            line,
            column,
            message,
        });
    }

    /// One record (`fields` = its first fields, `len` = its field count, `rest_blank` =
    /// whether fields beyond `fields` are all blank). Returns `false` to stop.
    #[inline]
    fn record(&mut self, line: u64, fields: &[&[u8]], len: usize, rest_blank: bool) -> bool {
        if Some(len) == self.ncols && self.good_row(fields) {
            return true;
        }
        self.record_checked(line, fields, len, rest_blank)
    }

    /// The usual row, all good, in few steps: `false` (and nothing done) when anything is
    /// off, for [`BlockParser::record_checked`] to report.
    #[inline]
    fn good_row(&mut self, fields: &[&[u8]]) -> bool {
        let app = trim(fields[0]);
        let expert = trim(fields[1]);
        if app.is_empty() || expert.is_empty() {
            return false;
        }
        // Item rows need their line ("already given at line …"): the checked path.
        let Some(Target::Criterion(crit)) = self.target(trim(fields[2])) else {
            return false;
        };
        let Some((v, scale)) = parse_packed(trim(fields[3])) else {
            return false;
        };
        if !self.ix.crit_packed_ok(crit, v, scale) {
            return false;
        }
        let part = &mut self.part;
        let (Some(a), Some(e)) = (part.apps.intern(app), part.experts.intern(expert)) else {
            return false;
        };
        part.data_rows += 1;
        part.accept_packed(a, e, crit, v, scale);
        true
    }

    /// Every check, with problems; the rows [`BlockParser::good_row`] passes on.
    #[inline(never)]
    fn record_checked(
        &mut self,
        line: u64,
        fields: &[&[u8]],
        len: usize,
        rest_blank: bool,
    ) -> bool {
        let Some(ncols) = self.ncols else {
            return match check_header(fields, len) {
                Ok(n) => {
                    self.ncols = Some(n);
                    true
                }
                Err(p) => {
                    self.part.problems.push(p);
                    false
                }
            };
        };
        if len != ncols {
            if rest_blank && fields.iter().all(|f| trim(f).is_empty()) {
                return true; // blank line
            }
            self.part.data_rows += 1;
            self.problem(
                line,
                len.min(ncols) + 1,
                format!("{len} field(s), the header has {ncols}; quote fields that contain commas"),
            );
            return self.part.problems.len() < MAX_PROBLEMS;
        }
        let app = trim(fields[0]);
        let expert = trim(fields[1]);
        let id = trim(fields[2]);
        let value = trim(fields[3]);
        if app.is_empty()
            && expert.is_empty()
            && id.is_empty()
            && value.is_empty()
            && fields.get(4).is_none_or(|c| trim(c).is_empty())
        {
            return true; // blank line
        }
        self.part.data_rows += 1;
        let mut ok = true;
        for (column, what, id) in [(1, "application", app), (2, "expert", expert)] {
            if let Ok(text) = std::str::from_utf8(id) {
                if let Err(m) = crate::rubric::value_check::check_id(what, text) {
                    ok = false;
                    self.problem(line, column, m);
                }
            }
        }
        let target = self.target(id);
        if target.is_none() {
            ok = false;
            let m = format!(
                "rubric {} has no criterion or item {:?}",
                self.ix.rubric.id,
                String::from_utf8_lossy(id)
            );
            self.problem(line, 3, m);
        }
        // The one value check (`rubric::value_check`): form, then range, decimal places
        // and step of the item or criterion the row names.
        let value = match std::str::from_utf8(value)
            .map_err(|_| format!("value {:?} is not a number", String::from_utf8_lossy(value)))
            .and_then(|t| crate::rubric::value_check::parse_score(t).map_err(|p| p.message))
        {
            Ok(v) => Some(v),
            Err(m) => {
                ok = false;
                self.problem(line, 4, m);
                None
            }
        };
        if let (Some(t), Some(v)) = (target, value) {
            if let Err(m) = self.ix.check_target_value(t, v) {
                ok = false;
                self.problem(line, 4, m);
            }
        }
        if let (true, Some(target), Some(value)) = (ok, target, value) {
            let part = &mut self.part;
            let a = part.apps.intern(app);
            let e = part.experts.intern(expert);
            let (Some(a), Some(e)) = (a, e) else {
                let column = if a.is_none() { 1 } else { 2 };
                self.problem(line, column, UTF8_MESSAGE.into());
                return self.part.problems.len() < MAX_PROBLEMS;
            };
            part.accept(a, e, target, value, line);
        }
        self.part.problems.len() < MAX_PROBLEMS
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
    problems: Vec<CsvProblem>,
    rows: u64,
}

impl Merger {
    fn new(ix: &RubricIndex<'_>, rows_hint: usize) -> Self {
        // Untouched capacity costs no resident memory; a regrowth would copy it all.
        let mut table = ScoreTable::with_capacity(rows_hint.min(1 << 28));
        for (c, id) in ix.crit_ids.iter().enumerate() {
            let tc = table.criterion_index(id);
            debug_assert_eq!(tc as usize, c);
        }
        Merger {
            apps: Ids::default(),
            experts: Ids::default(),
            pair_log: Vec::new(),
            table,
            table_apps: Vec::new(),
            table_experts: Vec::new(),
            items: Vec::new(),
            problems: Vec::new(),
            rows: 0,
        }
    }

    /// Adds a block whose first line is line `base` of the file.
    fn merge(&mut self, part: &mut Part, base: u64) {
        let at = |line: u64| base + line - 1;
        for mut p in part.problems.drain(..) {
            p.line = at(p.line);
            self.problems.push(p);
        }
        self.rows += part.data_rows;
        // Block ids → file ids (already valid UTF-8).
        let amap: Vec<u32> = part
            .apps
            .names
            .iter()
            .map(|n| self.apps.intern(n.as_bytes()).unwrap_or(u32::MAX))
            .collect();
        let emap: Vec<u32> = part
            .experts
            .names
            .iter()
            .map(|n| self.experts.intern(n.as_bytes()).unwrap_or(u32::MAX))
            .collect();
        self.table_apps.resize(self.apps.names.len(), u32::MAX);
        self.table_experts
            .resize(self.experts.names.len(), u32::MAX);
        self.pair_log.extend(
            part.pairs
                .iter()
                .map(|&(a, e)| (amap[a as usize], emap[e as usize])),
        );
        for (ri, &(a, e, start)) in part.runs.iter().enumerate() {
            let fa = amap[a as usize] as usize;
            let fe = emap[e as usize] as usize;
            let mut ta = self.table_apps[fa];
            if ta == u32::MAX {
                ta = self.table.app_index(&self.apps.names[fa]);
                self.table_apps[fa] = ta;
            }
            let mut te = self.table_experts[fe];
            if te == u32::MAX {
                te = self.table.expert_index(&self.experts.names[fe]);
                self.table_experts[fe] = te;
            }
            let end = part
                .runs
                .get(ri + 1)
                .map_or(part.cells.len(), |r| r.2 as usize);
            let cells = &part.cells[start as usize..end];
            self.table
                .push_cells(ta, te, cells, &part.big, part.max_scale);
        }
        for it in part.items.drain(..) {
            self.items.push(ItemRow {
                pair: (amap[it.app as usize], emap[it.expert as usize]),
                item: it.item,
                value: it.value,
                line: at(it.line),
            });
        }
    }
}

/// The header as the fast path sees it.
enum HeaderScan {
    /// Columns, the line where the data starts, the bytes of `buf` up to there.
    Ok(usize, u64, usize),
    /// A header problem (reported alone).
    Problem(CsvProblem),
    /// The header needs the general parser.
    Unsupported,
}

/// Appends up to `want` bytes of `file` to `buf` (hashing them when given a hasher);
/// `Ok(0)` at the end.
fn read_more(
    file: &mut std::fs::File,
    hasher: Option<&mut Sha256>,
    buf: &mut Vec<u8>,
    want: usize,
) -> std::io::Result<usize> {
    let old = buf.len();
    buf.resize(old + want, 0);
    loop {
        match file.read(&mut buf[old..]) {
            Ok(n) => {
                buf.truncate(old + n);
                if let Some(h) = hasher {
                    h.update(&buf[old..]);
                }
                return Ok(n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
}

/// Reads until the header (the first record, with the splitter's rules for blank lines and
/// byte order marks) is complete. Sets `eof` when the file ended.
fn scan_header(
    file: &mut std::fs::File,
    buf: &mut Vec<u8>,
    eof: &mut bool,
    block: usize,
) -> HeaderScan {
    let mut header: Option<Result<usize, CsvProblem>> = None;
    let mut sp = Splitter::default();
    let mut fed = 0usize;
    while header.is_none() && !*eof {
        if buf.len() > MAX_LINE {
            return HeaderScan::Problem(CsvProblem {
                line: sp.line(),
                column: 1,
                message: format!(
                    "no header in the first {} MB (a line that long is not a CSV of scores); \
                     the first line must be {EXPECTED_HEADER}",
                    MAX_LINE >> 20
                ),
            });
        }
        match read_more(file, None, buf, block) {
            Ok(0) => *eof = true,
            Ok(_) => {}
            Err(e) => return HeaderScan::Problem(read_problem(sp.line(), &e)),
        }
        let mut f = |r: &Record<'_>| {
            header = Some(check_header(r.held(), r.len));
            false
        };
        let mut outcome = sp.feed(&buf[fed..], &mut f);
        if *eof {
            outcome = outcome.and_then(|go| if go { sp.finish(&mut f) } else { Ok(false) });
        }
        fed = buf.len();
        if outcome.is_err() {
            return HeaderScan::Unsupported;
        }
    }
    match header {
        None => HeaderScan::Problem(empty_file_problem()),
        Some(Err(p)) => HeaderScan::Problem(p),
        Some(Ok(n)) => HeaderScan::Ok(n, sp.line(), sp.consumed()),
    }
}

/// A block of whole lines for a worker, with its index.
type Job = (usize, Vec<u8>);

/// The fast path's reader thread: the rest of the file (`buf` holds its start) in blocks of
/// whole lines, to the workers in turn; returns the read error that ended it early, if
/// any. (The blocks come back through the parts, and are hashed in order as they are
/// merged.)
fn reader_thread(
    mut file: std::fs::File,
    mut buf: Vec<u8>,
    mut eof: bool,
    workers: [SyncSender<Job>; 2],
    spare: Receiver<Vec<u8>>,
    block: usize,
) -> Option<std::io::Error> {
    let mut error = None;
    let mut index = 0usize;
    loop {
        // Fill the buffer to a block (more when one line is longer than a block).
        let mut has_nl = memchr::memchr(b'\n', &buf).is_some();
        while !eof && error.is_none() && (buf.len() < block || !has_nl) {
            if !has_nl && buf.len() > MAX_LINE {
                error = Some(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "a line longer than {} MB: this is not a CSV of scores",
                        MAX_LINE >> 20
                    ),
                ));
                break;
            }
            let want = block.saturating_sub(buf.len()).max(block / 4).max(1);
            let old = buf.len();
            match read_more(&mut file, None, &mut buf, want) {
                Ok(0) => eof = true,
                Ok(_) => has_nl = has_nl || memchr::memchr(b'\n', &buf[old..]).is_some(),
                Err(e) => error = Some(e),
            }
        }
        if error.is_some() && !eof {
            // Only whole lines are parsed: the rest is where the reading stopped.
            if let Some(nl) = memchr::memrchr(b'\n', &buf) {
                buf.truncate(nl + 1);
            } else {
                break;
            }
        }
        let last = eof || error.is_some();
        let cut = if last {
            buf.len()
        } else {
            memchr::memrchr(b'\n', &buf).map_or(buf.len(), |nl| nl + 1)
        };
        if cut == 0 {
            break;
        }
        let mut next = spare.try_recv().unwrap_or_default();
        next.clear();
        next.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let block = std::mem::replace(&mut buf, next);
        if workers[index % 2].send((index, block)).is_err() {
            break;
        }
        index += 1;
        if last {
            break;
        }
    }
    error
}

#[inline]
fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t')
}

/// A field of a fast line: not empty, nothing to trim.
#[inline]
fn plain_field(f: &[u8]) -> bool {
    matches!((f.first(), f.last()), (Some(&a), Some(&b)) if !blank(a) && !blank(b))
}

/// [`Splitter::feed`] and [`Splitter::finish`] of a whole block of a four-column file, with
/// the usual line read in one pass by [`fast_line`]; any other line goes through the
/// splitter and the full checks, exactly as `feed` would hand it on.
fn feed_four(
    p: &mut BlockParser<'_>,
    sp: &mut Splitter,
    block: &[u8],
) -> Result<bool, super::csv_lines::Unsupported> {
    // What `feed` refuses: quotes, and a `\r` not ending a line.
    if memchr::memchr(b'"', block).is_some() {
        return Err(super::csv_lines::Unsupported);
    }
    for at in memchr::memchr_iter(b'\r', block) {
        if block.get(at + 1).is_some_and(|&c| c != b'\n') {
            return Err(super::csv_lines::Unsupported);
        }
    }
    let n = block.len();
    let mut pos = 0;
    let mut prev = Prev::default();
    while pos < n {
        match fast_line(p, block, pos, &mut prev) {
            Some(next) => {
                sp.count_line();
                pos = next;
            }
            None => {
                let end = memchr::memchr(b'\n', &block[pos..]).map_or(n, |i| pos + i);
                let mut f = |r: &Record<'_>| p.record(r.line, r.held(), r.len, r.extra_blank);
                if !sp.one_line(&block[pos..end], &mut f) {
                    return Ok(false);
                }
                pos = end + 1;
            }
        }
    }
    Ok(true)
}

/// The last fast line's `application,expert,` (position and length in the block; length 0:
/// none yet) and their ids.
#[derive(Default)]
struct Prev {
    at: usize,
    len: usize,
    ids: (u32, u32),
}

/// The usual line at `pos` (`application,expert,criterion,value\n`: no blanks to trim, a
/// rubric criterion, a value [`parse_packed`] takes, a line break after it) taken as
/// [`BlockParser::good_row`] would; the position after its `\n`, or `None` (nothing done)
/// for any other line. A line starting with the last fast line's `application,expert,`
/// reuses its ids.
#[inline]
fn fast_line(p: &mut BlockParser<'_>, b: &[u8], pos: usize, prev: &mut Prev) -> Option<usize> {
    let n = b.len();
    let comma = |from: usize| -> Option<usize> {
        let i = from + b[from..].iter().position(|&c| c == b',' || c == b'\n')?;
        (b[i] == b',').then_some(i)
    };
    let (a, e, mut i) = if prev.len > 0
        && pos + prev.len <= n
        && same(&b[pos..pos + prev.len], &b[prev.at..prev.at + prev.len])
    {
        (prev.ids.0, prev.ids.1, pos + prev.len)
    } else {
        let c0 = comma(pos)?;
        let c1 = comma(c0 + 1)?;
        let (app, expert) = (&b[pos..c0], &b[c0 + 1..c1]);
        if !plain_field(app) || !plain_field(expert) {
            return None;
        }
        let a = p.part.apps.intern(app)?;
        let e = p.part.experts.intern(expert)?;
        *prev = Prev {
            at: pos,
            len: c1 + 1 - pos,
            ids: (a, e),
        };
        (a, e, c1 + 1)
    };
    // The criterion: the key after the last one, else a lookup.
    let keys = &p.ix.lookup_keys;
    let k = p.last_key.wrapping_add(1);
    let crit = match keys.get(k) {
        Some((key, Target::Criterion(c)))
            if b.len() > i + key.len()
                && b[i + key.len()] == b','
                && same(&b[i..i + key.len()], key) =>
        {
            p.last_key = k;
            i += key.len() + 1;
            *c
        }
        _ => {
            let c2 = comma(i)?;
            let id = &b[i..c2];
            if !plain_field(id) {
                return None;
            }
            let Some(Target::Criterion(c)) = p.target(id) else {
                return None;
            };
            i = c2 + 1;
            c
        }
    };
    // The value, up to the line break.
    let (v, scale, end) = packed_to_line_end(&b[i..])?;
    if !p.ix.crit_packed_ok(crit, v, scale) {
        return None;
    }
    let end = i + end;
    p.part.data_rows += 1;
    p.part.accept_packed(a, e, crit, v, scale);
    Some(end + 1)
}

/// A worker: parses the blocks it gets; sends (index, part) back.
fn worker(
    ix: &RubricIndex<'_>,
    ncols: usize,
    jobs: Receiver<Job>,
    parts: SyncSender<(usize, Part)>,
    spare_parts: &std::sync::Mutex<Receiver<Part>>,
) {
    for (index, block) in jobs {
        let mut part = spare_parts
            .lock()
            .ok()
            .and_then(|rx| rx.try_recv().ok())
            .unwrap_or_default();
        part.reset();
        // About 19 bytes a row: room for the block's rows at once.
        part.cells.reserve(block.len() / 16);
        let mut p = BlockParser::new(ix, Some(ncols), part);
        let mut sp = Splitter::continuing();
        let ok = if ncols == 4 {
            feed_four(&mut p, &mut sp, &block)
        } else {
            let mut f = |r: &Record<'_>| p.record(r.line, r.held(), r.len, r.extra_blank);
            sp.feed(&block, &mut f)
                .and_then(|go| if go { sp.finish(&mut f) } else { Ok(false) })
        };
        p.part.unsupported = ok.is_err();
        p.part.newlines = match ok {
            Ok(true) => sp.line() - 1,
            // Stopped early (enough problems): the lines after still count for the next
            // blocks' line numbers.
            _ => memchr::memchr_iter(b'\n', &block).count() as u64,
        };
        p.part.block = block;
        if parts.send((index, p.part)).is_err() {
            break;
        }
    }
}

fn open(path: &Path) -> Result<std::fs::File, ExportError> {
    std::fs::File::open(path).map_err(|source| ExportError::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    })
}

/// The fast path: `Ok(None)` when the file needs the general parser.
fn read_fast<'a>(
    path: &Path,
    ix: &'a RubricIndex<'a>,
    block: usize,
    hash: bool,
) -> Result<Option<(Merger, Option<String>)>, ExportError> {
    let mut file = open(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut buf: Vec<u8> = Vec::with_capacity(block + block / 4);
    let mut eof = false;
    let mut hasher = hash.then(Sha256::new);
    let (ncols, start_line) = match scan_header(&mut file, &mut buf, &mut eof, block) {
        HeaderScan::Ok(n, line, consumed) => {
            if let Some(h) = hasher.as_mut() {
                h.update(&buf[..consumed]);
            }
            buf.drain(..consumed);
            (n, line)
        }
        HeaderScan::Problem(p) => {
            return Err(ExportError::Csv {
                file: path.to_path_buf(),
                problems: vec![p],
            })
        }
        HeaderScan::Unsupported => return Ok(None),
    };
    let mut merger = Merger::new(ix, (size / 12) as usize);
    let (job0_tx, job0_rx) = sync_channel::<Job>(2);
    let (job1_tx, job1_rx) = sync_channel::<Job>(2);
    let (part_tx, part_rx) = sync_channel::<(usize, Part)>(4);
    let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(4);
    let (part_back_tx, part_back_rx) = sync_channel::<Part>(4);
    let part_back_rx = std::sync::Mutex::new(part_back_rx);
    let part_back_rx = &part_back_rx;
    let (unsupported, end_line, read) = std::thread::scope(|scope| {
        let reader =
            scope.spawn(move || reader_thread(file, buf, eof, [job0_tx, job1_tx], spare_rx, block));
        for jobs in [job0_rx, job1_rx] {
            let parts = part_tx.clone();
            scope.spawn(move || worker(ix, ncols, jobs, parts, part_back_rx));
        }
        drop(part_tx);
        // Merge in file order as the parts come; hash their bytes in the same order (the
        // reader thread only reads: this thread has time between parts).
        let mut pending: BTreeMap<usize, Part> = BTreeMap::new();
        let mut next = 0usize;
        let mut base = start_line;
        let mut unsupported = false;
        for (i, part) in part_rx {
            pending.insert(i, part);
            while let Some(mut part) = pending.remove(&next) {
                next += 1;
                if let Some(h) = hasher.as_mut() {
                    h.update(&part.block);
                }
                let _ = spare_tx.try_send(std::mem::take(&mut part.block));
                unsupported |= part.unsupported;
                if unsupported {
                    continue; // drain: the general parser reads it all again
                }
                merger.merge(&mut part, base);
                base += part.newlines;
                // Back to the workers: no fresh memory for every block.
                let _ = part_back_tx.try_send(part);
            }
        }
        (unsupported, base, reader.join())
    });
    if unsupported {
        return Ok(None);
    }
    let Ok(error) = read else {
        return Err(ExportError::Usage(format!(
            "{}: reading the scores failed unexpectedly",
            path.display()
        )));
    };
    if let Some(e) = error {
        merger.problems.push(read_problem(end_line, &e));
    }
    Ok(Some((merger, hasher.map(|h| hex::encode(h.finalize())))))
}

/// The general path: the whole file, sequentially, with [`CoreSplitter`].
fn read_general<'a>(
    path: &Path,
    ix: &'a RubricIndex<'a>,
    hash: bool,
) -> Result<(Merger, Option<String>), ExportError> {
    let mut file = open(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut hasher = hash.then(Sha256::new);
    let mut p = BlockParser::new(ix, None, Part::default());
    let mut sp = CoreSplitter::with_limit(MAX_LINE);
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut error = None;
    {
        let mut f = |r: &Record<'_>| p.record(r.line, r.held(), r.len, r.extra_blank);
        loop {
            buf.clear();
            match read_more(&mut file, hasher.as_mut(), &mut buf, BLOCK) {
                Ok(0) => {
                    sp.finish(&mut f);
                    break;
                }
                Ok(_) => {
                    if !sp.feed(&buf, &mut f) {
                        break;
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
    }
    if let Some(e) = error {
        p.part.problems.push(read_problem(sp.line(), &e));
    }
    if sp.too_long() {
        p.part.problems.push(CsvProblem {
            line: sp.line(),
            column: 1,
            message: format!(
                "a record longer than {} MB (an unclosed quote?): this is not a CSV of scores",
                MAX_LINE >> 20
            ),
        });
    }
    if p.ncols.is_none() {
        // No header: an empty file, or the header's own problem.
        let problem = p.part.problems.pop().unwrap_or_else(empty_file_problem);
        return Err(ExportError::Csv {
            file: path.to_path_buf(),
            problems: vec![problem],
        });
    }
    let mut merger = Merger::new(ix, (size / 12) as usize);
    merger.merge(&mut p.part, 1);
    Ok((merger, hasher.map(|h| hex::encode(h.finalize()))))
}

/// Reads a raw-score CSV (`application,expert,criterion,value[,comment]`, UTF-8 with or
/// without BOM). `criterion` names a criterion id (the value is the criterion's) or an item
/// id (items are combined per (application, expert) with [`crate::rubric::combine`]; rule
/// items without a row take `suggestions`). The comment column is ignored. Problems (up to
/// 50) are reported with line and column.
pub fn read_scores_csv(
    path: &Path,
    rubric: &Rubric,
    suggestions: &BTreeMap<String, BTreeMap<String, Decimal>>,
    detail: &Detail,
    hash: bool,
) -> Result<CsvScores, ExportError> {
    let ix = RubricIndex::new(rubric);
    let (m, sha256) = match read_fast(path, &ix, BLOCK, hash)? {
        Some(done) => done,
        // Quotes or lone carriage returns: read it again with the general parser.
        None => read_general(path, &ix, hash)?,
    };
    finish_read(path, &ix, m, sha256, suggestions, detail)
}

/// Item rows combined into criterion values, the checks that need the whole file, details.
fn finish_read(
    path: &Path,
    ix: &RubricIndex<'_>,
    mut m: Merger,
    sha256: Option<String>,
    suggestions: &BTreeMap<String, BTreeMap<String, Decimal>>,
    detail: &Detail,
) -> Result<CsvScores, ExportError> {
    let nc = ix.crit_ids.len();
    let words = nc.div_ceil(64).max(1);
    let mut problems = std::mem::take(&mut m.problems);
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !m.items.is_empty() {
        // Pairs in first-seen order (of all rows), item rows by pair.
        let mut pair_index: HashMap<(u32, u32), u32, FnvBuild> = HashMap::default();
        let mut pair_keys: Vec<(u32, u32)> = Vec::new();
        for &key in &m.pair_log {
            let next = pair_keys.len() as u32;
            if *pair_index.entry(key).or_insert(next) == next {
                pair_keys.push(key);
            }
        }
        // Per pair with item rows: the criteria its criterion rows gave.
        let mut bits = vec![0u64; pair_keys.len() * words];
        let mut by_table: HashMap<(u32, u32), u32, FnvBuild> = HashMap::default();
        for it in &m.items {
            let (fa, fe) = it.pair;
            let (ta, te) = (m.table_apps[fa as usize], m.table_experts[fe as usize]);
            if ta != u32::MAX && te != u32::MAX {
                by_table.insert((ta, te), pair_index[&it.pair]);
            }
        }
        if !by_table.is_empty() {
            for (ri, run) in m.table.runs.iter().enumerate() {
                if let Some(&p) = by_table.get(&(run.app, run.expert)) {
                    // Table criteria are the rubric's, in its order.
                    for cell in m.table.run_cells(ri) {
                        let c = cell.crit as usize;
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
            let app = m.apps.names[a as usize].clone();
            let expert = m.experts.names[e as usize].clone();
            let mut j = i;
            let mut given: BTreeMap<String, Decimal> = BTreeMap::new();
            while j < item_rows.len() && item_rows[j].0 == p {
                let r = &item_rows[j].1;
                if j > i && item_rows[j - 1].1.item == r.item {
                    problems.push(CsvProblem {
                        line: r.line,
                        column: 3,
                        message: format!(
                            "item {} of {app} for {expert} is already given at line {}; keep \
                             one row",
                            ix.items[r.item as usize].id,
                            item_rows[j - 1].1.line
                        ),
                    });
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
        problems.push(CsvProblem {
            line: 2,
            column: 1,
            message: "the file has no rows below the header".into(),
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.line, p.column));
        problems.truncate(MAX_PROBLEMS);
        return Err(ExportError::Csv {
            file: path.to_path_buf(),
            problems,
        });
    }
    let mut pairs = BTreeMap::new();
    if *detail != Detail::None {
        let t = &m.table;
        // Rows come in runs of one pair: one lookup per run.
        for (ri, run) in t.runs.iter().enumerate() {
            let expert = &t.experts.names[run.expert as usize];
            if !detail.keeps(expert) {
                continue;
            }
            let values = t
                .run_cells(ri)
                .iter()
                .map(|c| (t.criteria.names[c.crit as usize].clone(), t.value(c.v)));
            let key = (t.apps.names[run.app as usize].clone(), expert.clone());
            match pairs.entry(key) {
                // Built at once (a later value of the same criterion wins, as with insert).
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(PairDetail {
                        state: PairState::Scored,
                        criteria: values.collect(),
                        opinion: None,
                    });
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    o.get_mut().criteria.extend(values);
                }
            }
        }
    }
    let mut experts = std::mem::take(&mut m.experts.names);
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
    fn details_keep_the_last_value_of_a_repeated_criterion() {
        let rubric = crate::rubric::embedded("park-ip-trusteeship-2024")
            .unwrap()
            .rubric;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.csv");
        let rows = "application,expert,criterion,value\nT1,E01,A1,5\nT1,E01,A2,3\nT1,E01,A1,6\n\
                    T1,E02,A1,1\nT1,E01,A2,4\n";
        std::fs::write(&path, rows).unwrap();
        let c = read_scores_csv(&path, &rubric, &BTreeMap::new(), &Detail::All, true).unwrap();
        let e01 = &c.pairs[&("T1".to_string(), "E01".to_string())].criteria;
        assert_eq!(e01["A1"], d("6"));
        assert_eq!(e01["A2"], d("4"));
        assert_eq!(c.pairs.len(), 2);
    }

    #[test]
    fn trim_bytes() {
        assert_eq!(trim(b"  a b \t"), b"a b");
        assert_eq!(trim(b"a b"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// The outcome of a read, comparable: the table, counts, notes, details, or the
        /// problems.
        fn outcome(r: Result<CsvScores, ExportError>) -> String {
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
                Err(e) => format!("{e}"),
            }
        }

        fn read_with(
            path: &Path,
            rubric: &Rubric,
            block: Option<usize>,
            detail: &Detail,
        ) -> Result<CsvScores, ExportError> {
            let ix = RubricIndex::new(rubric);
            let (m, sha) = match block {
                Some(b) => match read_fast(path, &ix, b, true)? {
                    Some(done) => done,
                    None => return Err(ExportError::Usage("unsupported".into())),
                },
                None => read_general(path, &ix, true)?,
            };
            finish_read(path, &ix, m, sha, &BTreeMap::new(), detail)
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
            ]
        }

        /// Blocks that stop at the problem limit: the problems reported are still the
        /// file's first 50, at their own lines, as the sequential reader reports them.
        #[test]
        fn blocks_at_the_problem_limit_report_the_first_fifty() {
            let rubric = crate::rubric::embedded("park-ip-trusteeship-2024")
                .unwrap()
                .rubric;
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("s.csv");
            let mut text = String::from("application,expert,criterion,value\n");
            for i in 0..400 {
                let v = if i % 3 == 0 { "x" } else { "1" };
                text.push_str(&format!("T{},E01,A1,{v}\n", i % 7));
            }
            std::fs::write(&path, &text).unwrap();
            let general = outcome(read_with(&path, &rubric, None, &Detail::None));
            assert!(general.contains("s.csv:149:4"), "{general}");
            for block in [40, 200, 1000, 3000] {
                let fast = outcome(read_with(&path, &rubric, Some(block), &Detail::None));
                assert_eq!(fast, general, "block {block}");
            }
        }

        #[test]
        fn packed_to_line_end_table() {
            // A line, and the decimal places and line-end position wanted.
            type Case = (&'static [u8], Option<(u32, usize)>);
            let cases: [Case; 19] = [
                (b"5\n", Some((0, 1))),
                (b"5\r\n", Some((0, 2))),
                (b"2.5\nK", Some((1, 3))),
                (b"-1.25\n", Some((2, 5))),
                // leading zeros: refused by the value check, so not the fast path's
                (b"000000000005\n", None),
                (b"0000000000.1\n", None),
                (b"0.1\n", Some((1, 3))),
                (b"05\n", None),
                (b"0000000000005\n", None),
                (b"99999999\n", None),
                (b"-0\n", None),
                (b".5\n", None),
                (b"5.\n", None),
                (b"1.2.3\n", None),
                (b"\n", None),
                (b"-\n", None),
                (b"5\r", None),
                (b"5\rx\n", None),
                (b"5", None),
            ];
            for (line, want) in cases {
                let got = packed_to_line_end(line).map(|(_, scale, nl)| (scale, nl));
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
                if let Some((v, scale, nl)) = packed_to_line_end(line) {
                    let value = line[..nl].strip_suffix(b"\r").unwrap_or(&line[..nl]);
                    assert_eq!(parse_packed(value), Some((v, scale)));
                }
            }
        }

        proptest! {
            /// The one-pass value of a fast line is `parse_packed` of the line's value.
            #[test]
            fn packed_to_line_end_is_parse_packed(
                head in prop::collection::vec(
                    prop::sample::select(b"0123456789.-\r\n,x ".to_vec()),
                    0..18,
                ),
                tail in prop::collection::vec(any::<u8>(), 0..4),
            ) {
                let mut b = head.clone();
                b.extend_from_slice(&tail);
                let got = packed_to_line_end(&b);
                // The reference: the value up to the first `\n`, one `\r` stripped.
                let want = b.iter().position(|&c| c == b'\n').and_then(|nl| {
                    let value = b[..nl].strip_suffix(b"\r").unwrap_or(&b[..nl]);
                    // A `\r` inside the value is not a line end for either.
                    if value.contains(&b'\r') {
                        return None;
                    }
                    parse_packed(value).map(|(v, scale)| (v, scale, nl))
                });
                prop_assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&b));
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(96))]
            /// Blocks, workers and the merge give what one sequential read gives.
            #[test]
            fn fast_blocks_match_the_general_reader(
                lines in prop::collection::vec(line(), 0..120),
                crlf in any::<bool>(),
                block in 1usize..300,
                all in any::<bool>(),
            ) {
                let rubric = crate::rubric::embedded("park-ip-trusteeship-2024").unwrap().rubric;
                let tmp = tempfile::tempdir().unwrap();
                let path = tmp.path().join("s.csv");
                let eol = if crlf { "\r\n" } else { "\n" };
                let mut text = format!("application,expert,criterion,value,comment{eol}");
                for l in &lines {
                    text.push_str(l);
                    text.push_str(eol);
                }
                std::fs::write(&path, &text).unwrap();
                let detail = if all { Detail::All } else { Detail::Expert("E02".into()) };
                let general = outcome(read_with(&path, &rubric, None, &detail));
                let fast = outcome(read_with(&path, &rubric, Some(block), &detail));
                prop_assert_eq!(fast, general);
            }
        }
    }
}
