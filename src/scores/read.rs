//! The one reader of a scores CSV, on the `csv` crate's own parser (`csv_core`, the
//! engine of `csv::Reader`; default dialect: quotes, quoted line breaks, `\n`, `\r\n` or `\r`
//! line ends, a UTF-8 byte order mark at the start). Rows stream to a callback, one at a
//! time; nothing holds the file.
//!
//! `csv_core` is driven directly, not through `csv::Reader`, because the reader needs the
//! bytes each record takes: a row's line is counted from them (`csv::Reader` hides them, and
//! its own record positions count `\r\n` files and blank lines differently), and no second
//! copy of the input is made.
//!
//! What it checks, once for every command: the header ([`super::header`]), blank rows
//! (skipped), UTF-8, the number of fields, and a line or record that never ends (more than
//! [`MAX_LINE`] bytes: not a CSV of scores). Each row comes with the line it starts on
//! (1 + the line breaks before its first byte: `\n`, `\r\n` or a lone `\r`, blank lines and
//! quoted line breaks included), and its fields trimmed of spaces and tabs.

use std::io::BufRead;

use csv_core::ReadRecordResult;
use sha2::{Digest, Sha256};

use super::header::{check_header, trim, EXPECTED_HEADER};
use super::CsvProblem;

/// Problems reported at most.
pub const MAX_PROBLEMS: usize = 50;
/// The longest line (and, quoted, record) accepted: a score row is a few dozen bytes.
pub const MAX_LINE: usize = 16 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The problems of a read, in the order found; full at [`MAX_PROBLEMS`].
#[derive(Debug, Default)]
pub struct Problems(Vec<CsvProblem>);

impl Problems {
    pub fn push(&mut self, line: u64, column: usize, message: String) {
        self.0.push(CsvProblem {
            line,
            column,
            message,
        });
    }

    pub fn push_problem(&mut self, p: CsvProblem) {
        self.0.push(p);
    }

    /// Enough problems: reading stops.
    pub fn full(&self) -> bool {
        self.0.len() >= MAX_PROBLEMS
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Lines counted from line `base` instead of 0 (the problems of a part of a file).
    pub fn shift_lines(&mut self, base: u64) {
        for p in &mut self.0 {
            p.line += base;
        }
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    /// The problems sorted by place.
    pub fn into_sorted(mut self) -> Vec<CsvProblem> {
        self.0.sort_by_key(|p| (p.line, p.column));
        self.0
    }
}

/// A data row with the header's number of fields: its line and its fields, trimmed (in a
/// four-column file the fifth is empty).
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub line: u64,
    pub fields: [&'a str; 5],
}

impl<'a> Row<'a> {
    pub fn application(&self) -> &'a str {
        self.fields[0]
    }
    pub fn expert(&self) -> &'a str {
        self.fields[1]
    }
    pub fn criterion(&self) -> &'a str {
        self.fields[2]
    }
    pub fn value(&self) -> &'a str {
        self.fields[3]
    }
    pub fn comment(&self) -> &'a str {
        self.fields[4]
    }
}

/// Line breaks counted over bytes given in order: `\n`, `\r\n` and a lone `\r` are one each.
/// The same count names the rows' lines and the parts' first lines
/// ([`RowReader::part`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lines {
    /// The line of the next byte.
    line: u64,
    /// The last byte counted was `\r`: a break, unless a `\n` follows (then that is the break).
    pending_cr: bool,
}

impl Lines {
    /// At the start of line `line`.
    pub fn at(line: u64) -> Self {
        Lines {
            line,
            pending_cr: false,
        }
    }

    /// Counts the line breaks of `bytes`, the input's next bytes after those counted so far.
    #[inline]
    pub fn count(&mut self, bytes: &[u8]) {
        let Some(&first) = bytes.first() else {
            return;
        };
        if self.pending_cr && first != b'\n' {
            self.line += 1;
        }
        self.pending_cr = false;
        // The `\n` counted at once (a record's few bytes in one pass, a part of a file with
        // `memchr`); each `\r` looked at only when there is one.
        let (newlines, cr) = if bytes.len() < 256 {
            // (byte-wide counters: fewer than 256 bytes)
            let (n, cr) = bytes.iter().fold((0u8, 0u8), |(n, cr), &b| {
                (n + u8::from(b == b'\n'), cr | u8::from(b == b'\r'))
            });
            (u64::from(n), cr != 0)
        } else {
            let n = memchr::memchr_iter(b'\n', bytes).count() as u64;
            (n, memchr::memchr(b'\r', bytes).is_some())
        };
        self.line += newlines;
        if cr {
            for (i, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b'\r') {
                match bytes.get(i + 1) {
                    Some(b'\n') => {}
                    Some(_) => self.line += 1,
                    None => self.pending_cr = true,
                }
            }
        }
    }

    /// The line of the next byte, if it is not a `\n`.
    pub fn next_line(&self) -> u64 {
        self.line + u64::from(self.pending_cr)
    }

    /// The line of the byte that comes next, known not to be `\n`.
    #[inline]
    fn settle(&mut self) -> u64 {
        if std::mem::take(&mut self.pending_cr) {
            self.line += 1;
        }
        self.line
    }
}

/// The record being read: its fields' bytes, end to end, and where each field ends.
struct Record {
    bytes: Vec<u8>,
    len: usize,
    ends: Vec<usize>,
    fields: usize,
}

impl Record {
    fn new() -> Self {
        Record {
            bytes: vec![0; 1024],
            len: 0,
            ends: vec![0; 8],
            fields: 0,
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.fields = 0;
    }

    fn ends(&self) -> &[usize] {
        &self.ends[..self.fields]
    }

    /// Every field blank (spaces and tabs only).
    fn blank(&self) -> bool {
        self.raw_fields().all(|f| trim(f).is_empty())
    }

    fn raw_fields(&self) -> impl Iterator<Item = &[u8]> {
        let mut from = 0;
        self.ends().iter().map(move |&end| {
            let field = &self.bytes[from..end];
            from = end;
            field
        })
    }
}

/// Reads the rows of a scores CSV from any buffered reader (a byte slice is read in place):
/// the header first ([`RowReader::header`]), then the rows ([`RowReader::rows`]).
pub struct RowReader<R: BufRead> {
    input: R,
    /// Bytes of the input parsed.
    pos: u64,
    /// The first `hashed` bytes of the input's buffer are hashed already.
    hashed: usize,
    /// The byte order mark at the start of the file was looked for (or this is a part).
    started: bool,
    /// `csv_core` drops a byte order mark at the start of its first input: a part gives it
    /// its first byte alone, so that a mark there stays data, as for one reader of the file.
    first_byte_alone: bool,
    core: csv_core::Reader,
    rec: Record,
    lines: Lines,
    /// Where the record being read starts (the byte after its leading line breaks), and its
    /// line.
    record: Option<(u64, u64)>,
    /// A quote was seen in the record being read (looked for only when it runs on).
    quoted: bool,
    /// An odd number of quotes in the bytes of the record being read counted so far (only
    /// when it runs on: every byte of a record that ends at the end of the input).
    quotes_odd: bool,
    /// The last record read ended at the end of the input inside a quoted field.
    unclosed: bool,
    /// Bytes of the input up to the end of the last record read.
    consumed: u64,
    hasher: Option<Sha256>,
    ncols: Option<usize>,
    rows: u64,
    /// A problem ended the reading (a read error, a runaway line).
    stopped: bool,
}

impl<R: BufRead> RowReader<R> {
    fn with(input: R, lines: Lines, ncols: Option<usize>, hasher: Option<Sha256>) -> Self {
        RowReader {
            input,
            pos: 0,
            hashed: 0,
            started: false,
            first_byte_alone: false,
            core: csv_core::Reader::new(),
            rec: Record::new(),
            lines,
            record: None,
            quoted: false,
            quotes_odd: false,
            unclosed: false,
            consumed: 0,
            hasher,
            ncols,
            rows: 0,
            stopped: false,
        }
    }

    /// A whole file: header first; the bytes are hashed (sha256) when `hash`.
    pub fn new(input: R, hash: bool) -> Self {
        Self::with(input, Lines::at(1), None, hash.then(Sha256::new))
    }

    /// A part of a file after its header (`ncols` columns), starting outside any quote
    /// right after a record or a line break, where the line count stood at `lines`;
    /// `hasher` (the file's hash so far) goes on hashing the bytes read.
    pub fn part(input: R, lines: Lines, ncols: usize, hasher: Option<Sha256>) -> Self {
        let mut r = Self::with(input, lines, Some(ncols), hasher);
        // A byte order mark is skipped at the start of a file only, as one reader would.
        r.started = true;
        r.first_byte_alone = true;
        r
    }

    /// The line count after the bytes parsed so far (after [`RowReader::header`]: where
    /// the rows' part starts, at [`RowReader::consumed`]).
    pub fn lines(&self) -> Lines {
        self.lines
    }

    /// The header's number of columns, once read.
    pub fn header_columns(&self) -> usize {
        self.ncols.unwrap_or(0)
    }

    /// Data rows read (blank rows excluded, rows with problems included).
    pub fn data_rows(&self) -> u64 {
        self.rows
    }

    /// Whether a problem ended [`RowReader::rows`] before the end of the input (a read
    /// error, a runaway line).
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Bytes of the input up to the end of the last record read.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The hex sha256 of the bytes read (when asked for at [`RowReader::new`]); read the
    /// rows to the end first.
    pub fn sha256(self) -> Option<String> {
        Some(hex::encode(self.hasher?.finalize()))
    }

    /// Fills the input's buffer (empty at the end) and hashes its new bytes when asked for.
    fn fill(&mut self) -> std::io::Result<()> {
        loop {
            match self.input.fill_buf() {
                Ok(data) => {
                    if let Some(h) = self.hasher.as_mut() {
                        if self.hashed < data.len() {
                            h.update(&data[self.hashed..]);
                        }
                    }
                    self.hashed = self.hashed.max(data.len());
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// `n` bytes of the input parsed.
    fn consume(&mut self, n: usize) {
        self.input.consume(n);
        self.pos += n as u64;
        self.hashed -= n.min(self.hashed);
    }

    /// Skips a UTF-8 byte order mark at the start of the input, also one that comes in
    /// pieces (a pipe may hand over one byte at a time); `Ok(false)` when the input starts
    /// with part of a mark and then something else (not UTF-8).
    fn skip_bom(&mut self) -> std::io::Result<bool> {
        let mut matched = 0;
        while matched < BOM.len() {
            self.fill()?;
            let data = self.input.fill_buf()?;
            let n = data
                .iter()
                .zip(&BOM[matched..])
                .take_while(|(a, b)| a == b)
                .count();
            let piece_ends = n == data.len();
            if n == 0 {
                // No mark; or part of one, then other bytes or the end.
                return Ok(matched == 0);
            }
            self.consume(n);
            matched += n;
            if !piece_ends && matched < BOM.len() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads the next record into `rec`: `Ok(Some(line))`, `Ok(None)` at the end, or the
    /// problem that stops the reading (a read error, a runaway line).
    fn next_record(&mut self) -> Result<Option<u64>, CsvProblem> {
        let io = |line: u64| move |e: std::io::Error| read_problem(line, &e);
        if !self.started {
            self.started = true;
            if !self.skip_bom().map_err(io(1))? {
                return Err(CsvProblem {
                    line: 1,
                    column: 1,
                    message: UTF8_MESSAGE.into(),
                });
            }
        }
        loop {
            let line = self.lines.next_line();
            self.fill().map_err(io(line))?;
            let data = self.input.fill_buf().map_err(io(line))?;
            let end = data.is_empty();
            if self.record.is_none() {
                // Line breaks before the record (blank lines, the `\n` of a `\r\n`).
                let skip = data
                    .iter()
                    .position(|&b| b != b'\n' && b != b'\r')
                    .unwrap_or(data.len());
                if skip > 0 {
                    self.lines.count(&data[..skip]);
                    self.consume(skip);
                    continue;
                }
                self.record = Some((self.pos, self.lines.settle()));
                self.rec.clear();
                self.quoted = false;
                self.quotes_odd = false;
            }
            let (start, line) = self.record.expect("a record is being read");
            let rec = &mut self.rec;
            let data = if std::mem::take(&mut self.first_byte_alone) {
                &data[..data.len().min(1)]
            } else {
                data
            };
            let (result, read, written, ends) =
                self.core
                    .read_record(data, &mut rec.bytes[rec.len..], &mut rec.ends[rec.fields..]);
            self.lines.count(&data[..read]);
            let too_long = self.pos + read as u64 - start > MAX_LINE as u64;
            if too_long || !matches!(result, ReadRecordResult::Record | ReadRecordResult::End) {
                // The record goes on: note a quote in it, for the message if it runs long,
                // and whether one is open, for a record that ends with the input.
                let quotes = memchr::memchr_iter(b'"', &data[..read]).count();
                self.quoted |= quotes > 0;
                self.quotes_odd ^= quotes % 2 == 1;
            }
            rec.len += written;
            rec.fields += ends;
            self.consume(read);
            if too_long {
                return Err(self.too_long(line));
            }
            match result {
                ReadRecordResult::Record => {
                    if end && self.quotes_odd {
                        // The input ended inside a quoted field (csv_core ends the field
                        // there): every byte of this record was counted above.
                        self.unclosed = true;
                    }
                    self.record = None;
                    self.consumed = self.pos;
                    return Ok(Some(line));
                }
                ReadRecordResult::End => {
                    self.record = None;
                    return Ok(None);
                }
                ReadRecordResult::OutputFull => {
                    let n = self.rec.bytes.len() * 2;
                    self.rec.bytes.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.rec.ends.len() * 2;
                    self.rec.ends.resize(n, 0);
                }
                ReadRecordResult::InputEmpty if end => {
                    // csv_core takes an empty input as the end: never here.
                    return Ok(None);
                }
                ReadRecordResult::InputEmpty => {}
            }
        }
    }

    /// The problem of a record longer than [`MAX_LINE`].
    fn too_long(&self, line: u64) -> CsvProblem {
        let mb = MAX_LINE >> 20;
        let message = match (self.ncols, self.quoted) {
            (None, _) => format!(
                "no header in the first {mb} MB (a line that long is not a CSV of scores); \
                 the first line must be {EXPECTED_HEADER}"
            ),
            (Some(_), true) => format!(
                "a record longer than {mb} MB (an unclosed quote?): this is not a CSV of scores"
            ),
            (Some(_), false) => format!(
                "cannot read the file (a line longer than {mb} MB: this is not a CSV of scores)"
            ),
        };
        CsvProblem {
            line,
            column: 1,
            message,
        }
    }

    /// Reads and checks the header ([`super::header::check_header`]); returns its number of
    /// columns. Its problem is the file's only one.
    pub fn header(&mut self) -> Result<usize, CsvProblem> {
        // A file that is not text at all (a workbook, a PDF, a web page) is named as such,
        // from the bytes the buffer holds, before any of it is parsed.
        self.fill().map_err(|e| read_problem(1, &e))?;
        let head = self.input.fill_buf().map_err(|e| read_problem(1, &e))?;
        if let Some(message) = super::sniff::not_text(head) {
            return Err(CsvProblem {
                line: 1,
                column: 1,
                message,
            });
        }
        match self.next_record()? {
            None => Err(CsvProblem {
                line: 1,
                column: 1,
                message: format!("the file is empty; the first line must be {EXPECTED_HEADER}"),
            }),
            Some(_) => {
                let n = check_header(self.rec.raw_fields())?;
                self.ncols = Some(n);
                Ok(n)
            }
        }
    }

    /// Hands every data row to `f`, until the end or until `problems` is full. Blank rows
    /// are skipped; a row that is not UTF-8 or has another number of fields than the header
    /// is a problem here and is not handed on. Call [`RowReader::header`] first.
    pub fn rows(&mut self, problems: &mut Problems, mut f: impl FnMut(&Row<'_>, &mut Problems)) {
        let ncols = self.ncols.expect("the header is read before the rows");
        while !problems.full() {
            let line = match self.next_record() {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(p) => {
                    problems.push_problem(p);
                    self.stopped = true;
                    break;
                }
            };
            let rec = &self.rec;
            if std::mem::take(&mut self.unclosed) {
                // Its last field runs from an opening quote to the end of the file: say so,
                // not that the field (`"4.5\n`) is not a number.
                self.rows += 1;
                problems.push(line, rec.fields.max(1), unclosed_message(rec));
                continue;
            }
            // One UTF-8 check of the whole record: its fields are then whole UTF-8 too
            // (they are cut at commas).
            let Ok(text) = std::str::from_utf8(&rec.bytes[..rec.len]) else {
                if !rec.blank() {
                    self.rows += 1;
                    problems.push(line, utf8_column(rec), utf8_message(rec));
                }
                continue;
            };
            // Built where it is handed on (a copy of its fields to another place costs more
            // than the rest of the row's work).
            let mut row = Row {
                line,
                fields: [""; 5],
            };
            let fields = &mut row.fields;
            let mut blank = true;
            let mut from = 0;
            let mut split = false;
            for (i, &end) in rec.ends().iter().enumerate() {
                // Fields written end to end may be UTF-8 together and not alone (a
                // character's bytes cut by a comma in the file): such a field is no text.
                let Some(field) = text.get(from..end) else {
                    split = true;
                    break;
                };
                let t = trim_str(field);
                from = end;
                blank &= t.is_empty();
                if let Some(slot) = fields.get_mut(i) {
                    *slot = t;
                }
            }
            if split {
                self.rows += 1;
                problems.push(line, utf8_column(rec), utf8_message(rec));
                continue;
            }
            if blank {
                continue;
            }
            self.rows += 1;
            let len = rec.fields;
            // The comment column is optional in each row too: a row may end after its value
            // (its comment is then empty) under a header that names the column.
            if ncols == 5 && len == 5 && split_decimal(fields[3], fields[4]) {
                // `…,8,5` under a header with comments: the value 8 and the comment "5", or
                // 8,5 with a decimal comma? Not guessed.
                problems.push(
                    line,
                    4,
                    format!(
                        "the value {:?} is followed by the comment {:?}: a decimal comma \
                         ({:?})? write the value with a dot ({:?}); a comment that is only \
                         digits needs words beside them",
                        fields[3],
                        fields[4],
                        format!("{},{}", fields[3], fields[4]),
                        format!("{}.{}", fields[3], fields[4]),
                    ),
                );
            } else if len == ncols || (ncols == 5 && len == 4) {
                f(&row, problems);
            } else {
                let extra_blank =
                    len > ncols && rec.raw_fields().skip(ncols).all(|f| trim(f).is_empty());
                let hint = if extra_blank {
                    format!(
                        "the last {} are empty (empty spreadsheet columns?): delete them",
                        len - ncols
                    )
                } else if let Some(value) = comma_decimal(rec, ncols) {
                    format!(
                        "the value seems written with a decimal comma ({value:?}), which splits \
                         it in two fields: write it with a dot ({:?})",
                        value.replace(',', ".")
                    )
                } else if len > ncols {
                    "quote fields that contain commas".to_string()
                } else {
                    "each row needs application,expert,criterion,value".to_string()
                };
                problems.push(
                    line,
                    len.min(ncols) + 1,
                    format!("{len} field(s), the header has {ncols}; {hint}"),
                );
            }
        }
    }
}

/// A whole number as the value and digits only as the comment: a value written with a
/// decimal comma, most likely. (The comment's first byte decides for almost every row.)
#[inline]
fn split_decimal(value: &str, comment: &str) -> bool {
    let digits = |f: &str| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit());
    digits(comment) && digits(value)
}

/// A row with one field more than the header whose value and next field are digits: a
/// value with a decimal comma (`8,5` unquoted). The value as typed.
#[cold]
fn comma_decimal(rec: &Record, ncols: usize) -> Option<String> {
    if rec.fields != ncols + 1 {
        return None;
    }
    let fields: Vec<&[u8]> = rec.raw_fields().map(trim).collect();
    let digits = |f: &[u8]| !f.is_empty() && f.iter().all(u8::is_ascii_digit);
    (digits(fields[3]) && digits(fields[4])).then(|| {
        format!(
            "{},{}",
            String::from_utf8_lossy(fields[3]),
            String::from_utf8_lossy(fields[4])
        )
    })
}

/// The problem of a record whose last field opens a quote that the file never closes.
#[cold]
fn unclosed_message(rec: &Record) -> String {
    let last = rec.raw_fields().last().unwrap_or_default();
    let text = String::from_utf8_lossy(last);
    let text = text.trim();
    // Its first line, at most 20 characters.
    let first = text.split(['\n', '\r']).next().unwrap_or_default();
    let shown: String = first.chars().take(20).collect();
    let more = if shown.len() < text.len() { "…" } else { "" };
    format!(
        "a quote opens this field (\"{shown}{more}) and is never closed: the file ends inside \
         it; add the closing quote (\") or remove the opening one"
    )
}

/// [`trim`] of a text field.
#[inline]
fn trim_str(s: &str) -> &str {
    let blank = |c: u8| c == b' ' || c == b'\t';
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if !blank(a) && !blank(b) => s,
        _ => s.trim_matches(|c| c == ' ' || c == '\t'),
    }
}

/// A read error at `line`.
#[cold]
pub(crate) fn read_problem(line: u64, e: &std::io::Error) -> CsvProblem {
    let message = if e.kind() == std::io::ErrorKind::IsADirectory {
        "this is a folder, not a file: give the path of the CSV file in it".to_string()
    } else {
        format!("cannot read the file ({e})")
    };
    CsvProblem {
        line,
        column: 1,
        message,
    }
}

/// The problem of a record that is not UTF-8: text in GBK/GB18030 is named as such.
#[cold]
fn utf8_message(rec: &Record) -> String {
    let field = rec
        .raw_fields()
        .find(|f| std::str::from_utf8(f).is_err())
        .unwrap_or(&rec.bytes[..rec.len]);
    match super::sniff::gb18030(trim(field)) {
        Some(text) => super::sniff::gb18030_message(&text),
        None => UTF8_MESSAGE.into(),
    }
}

pub const UTF8_MESSAGE: &str = "not valid UTF-8; save the file as UTF-8 (with or without BOM)";

/// The column (in characters, fields joined by commas) of a record's first byte that is not
/// UTF-8.
fn utf8_column(rec: &Record) -> usize {
    let mut column = 1;
    for field in rec.raw_fields() {
        match std::str::from_utf8(field) {
            Ok(s) => column += s.chars().count() + 1,
            Err(e) => {
                let valid = std::str::from_utf8(&field[..e.valid_up_to()]).unwrap_or_default();
                return column + valid.chars().count();
            }
        }
    }
    column
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, fields) of every row handed on, and the problems.
    fn read(input: &[u8]) -> (Vec<(u64, Vec<String>)>, Vec<CsvProblem>) {
        let mut r = RowReader::new(input, false);
        let mut problems = Problems::default();
        if let Err(p) = r.header() {
            return (Vec::new(), vec![p]);
        }
        let mut rows = Vec::new();
        r.rows(&mut problems, |row, _| {
            rows.push((row.line, row.fields.iter().map(|f| f.to_string()).collect()))
        });
        (rows, problems.into_sorted())
    }

    const HEAD: &str = "application,expert,criterion,value\n";

    #[test]
    fn rows_name_their_own_line() {
        for (input, lines) in [
            (format!("{HEAD}a,b,c,1\n\nd,e,f,2\n"), vec![2, 4]),
            (
                format!("{}a,b,c,1\r\n\r\nd,e,f,2\r\n", HEAD.replace('\n', "\r\n")),
                vec![2, 4],
            ),
            (
                "application,expert,criterion,value,comment\r\na,b,c,1,\"two\r\nlines\"\r\nd,e,f,2,\r\n"
                    .into(),
                vec![2, 4],
            ),
            (format!("\u{feff}\n{HEAD}\na,b,c,1\n , ,,\nx,y,z,2"), vec![4, 6]),
            // Lone `\r` line ends (old Mac spreadsheets), mixed with the others.
            (format!("{}a,b,c,1\r\rd,e,f,2\r", HEAD.replace('\n', "\r")), vec![2, 4]),
            (format!("{HEAD}a,b,c,1\r\n\rd,e,f,2\n\r\ng,h,i,3"), vec![2, 4, 6]),
        ] {
            let (rows, problems) = read(input.as_bytes());
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), lines, "{input:?}");
            // The same lines when records come in pieces (the byte order mark too).
            for cap in [1, 2, 3, 4, 7, 64] {
                let mut r = RowReader::new(std::io::BufReader::with_capacity(cap, input.as_bytes()), false);
                r.header().unwrap();
                let mut got = Vec::new();
                r.rows(&mut Problems::default(), |row, _| got.push(row.line));
                assert_eq!(got, lines, "{input:?} in pieces of {cap}");
            }
        }
    }

    #[test]
    fn part_of_a_byte_order_mark_is_not_utf8() {
        for input in [&b"\xEF\xBBapplication"[..], b"\xEFapp", b"\xEF\xBB"] {
            for cap in [1, 2, 64] {
                let mut r = RowReader::new(std::io::BufReader::with_capacity(cap, input), false);
                let p = r.header().unwrap_err();
                assert_eq!((p.line, p.column), (1, 1), "{input:?} {cap}");
                assert_eq!(p.message, UTF8_MESSAGE, "{input:?} {cap}");
            }
        }
    }

    #[test]
    fn fields_are_trimmed_and_counted() {
        let (rows, problems) =
            read(format!("{HEAD} a ,b\t,\"c,d\",1\nx,y\nx,y,z,1,, \n").as_bytes());
        assert_eq!(rows[0].1[..4], ["a", "b", "c,d", "1"]);
        assert_eq!(problems.len(), 2);
        assert_eq!((problems[0].line, problems[0].column), (3, 3));
        assert!(problems[0].message.ends_with(
            "2 field(s), the header has 4; each row needs application,expert,criterion,value"
        ));
        assert_eq!((problems[1].line, problems[1].column), (4, 5));
        assert!(problems[1]
            .message
            .ends_with("has 4; the last 2 are empty (empty spreadsheet columns?): delete them"));
    }

    /// An unquoted decimal comma splits the value in two fields: said as such.
    #[test]
    fn a_decimal_comma_is_named() {
        for (head, row, column) in [
            (HEAD, "a,b,c,8,5\n", 5),
            (
                "application,expert,criterion,value,comment\n",
                "a,b,c,8,5,fine\n",
                6,
            ),
        ] {
            let (rows, problems) = read(format!("{head}{row}").as_bytes());
            assert!(rows.is_empty());
            assert_eq!((problems[0].line, problems[0].column), (2, column));
            assert!(
                problems[0].message.ends_with(
                    "the value seems written with a decimal comma (\"8,5\"), which splits it \
                     in two fields: write it with a dot (\"8.5\")"
                ),
                "{problems:?}"
            );
        }
        // Under a header with comments, the comment "5" after the value 8 is not guessed.
        let head = "application,expert,criterion,value,comment\n";
        let (rows, problems) = read(format!("{head}a,b,c,8,5\na,b,d,8,5分\n").as_bytes());
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((problems[0].line, problems[0].column), (2, 4));
        assert!(
            problems[0].message.starts_with(
                "the value \"8\" is followed by the comment \"5\": a decimal comma (\"8,5\")? \
                 write the value with a dot (\"8.5\")"
            ),
            "{problems:?}"
        );
        // Not digits on both sides: the general hint.
        let (_, problems) = read(format!("{HEAD}a,b,c,8,x\n").as_bytes());
        assert!(problems[0]
            .message
            .ends_with("quote fields that contain commas"));
    }

    #[test]
    fn the_comment_may_be_left_out_of_a_row() {
        let head = "application,expert,criterion,value,comment\n";
        let (rows, problems) =
            read(format!("{head}a,b,c,1,fine\na,b,d,2\na,b,e\na,b,f,1,x,y\n").as_bytes());
        let got: Vec<_> = rows.iter().map(|r| r.1.join("|")).collect();
        assert_eq!(got, ["a|b|c|1|fine", "a|b|d|2|"]);
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.line, p.column, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    4,
                    4,
                    "3 field(s), the header has 5; each row needs \
                     application,expert,criterion,value"
                ),
                (
                    5,
                    6,
                    "6 field(s), the header has 5; quote fields that contain commas"
                ),
            ]
        );
    }

    #[test]
    fn invalid_utf8_names_its_column() {
        let mut bytes = format!("{HEAD}a,b,c,1\nT\u{4e2d}-").into_bytes();
        bytes.extend_from_slice(b"\xff01,E,c,1\n");
        let (rows, problems) = read(&bytes);
        assert_eq!(rows.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (3, 4));
        assert!(problems[0].message.contains("not valid UTF-8"));
    }

    /// A character whose bytes a comma cuts in two is not UTF-8 (each field is checked),
    /// even though the fields' bytes end to end are.
    #[test]
    fn a_character_cut_by_a_comma_is_not_utf8() {
        let mut bytes = format!("{HEAD}a,b,c,1\n").into_bytes();
        bytes.extend_from_slice(b"SY\xe4\xb8,\xad01,K02,3\n");
        let (rows, problems) = read(&bytes);
        assert_eq!(rows.len(), 1);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (3, 3));
        assert!(problems[0].message.contains("not valid UTF-8"));
    }

    #[test]
    fn empty_and_header_problems_come_alone() {
        let (_, p) = read(b"");
        assert!(p[0].message.starts_with("the file is empty"), "{p:?}");
        let (_, p) = read(b"app,expert,criterion,value\n");
        assert_eq!((p[0].line, p[0].column), (1, 1));
    }

    #[test]
    fn problems_stop_the_reading_when_full() {
        let mut text = HEAD.to_string();
        for _ in 0..200 {
            text.push_str("a,b\n");
        }
        let (_, p) = read(text.as_bytes());
        assert_eq!(p.len(), MAX_PROBLEMS);
        assert_eq!(p.last().unwrap().line, 51);
    }

    #[test]
    fn the_hash_is_of_every_byte() {
        use sha2::{Digest, Sha256};
        let text = format!("{HEAD}a,b,c,1\n\n\n");
        let mut r = RowReader::new(text.as_bytes(), true);
        r.header().unwrap();
        r.rows(&mut Problems::default(), |_, _| {});
        assert_eq!(
            r.sha256().unwrap(),
            hex::encode(Sha256::digest(text.as_bytes()))
        );
    }

    /// A record over [`MAX_LINE`] is refused whether the input comes in one piece (a byte
    /// slice) or in chunks, and an unclosed quote is named as the likely cause.
    #[test]
    fn runaway_records_are_refused_in_one_piece_or_many() {
        let long = "x".repeat(MAX_LINE + 10);
        for (body, want) in [
            (
                format!("a,b,c,1\n{long}\nd,e,f,2\n"),
                "a line longer than 16 MB",
            ),
            (format!("a,b,c,1\nd,e,f,\"{long}"), "an unclosed quote?"),
        ] {
            let text = format!("{HEAD}{body}");
            let chunked = std::io::BufReader::with_capacity(1 << 16, text.as_bytes());
            let mut one = RowReader::new(text.as_bytes(), false);
            let mut many = RowReader::new(chunked, false);
            for problems in [read_all(&mut one), read_all(&mut many)] {
                assert_eq!(problems.len(), 1, "{problems:?}");
                assert!(problems[0].message.contains(want), "{problems:?}");
                assert_eq!(problems[0].line, 3);
            }
        }
    }

    /// A quote that the file never closes is named as such, at the record's line and its
    /// last field, in one piece or in chunks of any size; closed quotes at the end of the
    /// file are fine.
    #[test]
    fn an_unclosed_quote_at_the_end_of_the_file_is_named() {
        for (body, want) in [
            (
                "T24-001,E01,B1.1,4\nT24-001,E01,B1.2,\"4.5",
                Some((3, 4, "a quote opens this field (\"4.5) and is never closed")),
            ),
            (
                "T24-001,E01,B1.1,4\nT24-001,E01,B1.2,\"4.5\n",
                Some((3, 4, "a quote opens this field (\"4.5) and is never closed")),
            ),
            (
                "T24-001,E01,B1.1,\"4\nT24-001,E01,B1.2,4.5\n",
                Some((2, 4, "a quote opens this field (\"4…) and is never closed")),
            ),
            ("T24-001,E01,B1.1,\"4\"\nT24-001,E01,B1.2,\"4.5\"", None),
            ("T24-001,E01,B1.1,\"4\"\"\"", None),
        ] {
            let text = format!("{HEAD}{body}");
            for cap in [1, 2, 3, 7, 64, 1 << 16] {
                let chunked = std::io::BufReader::with_capacity(cap, text.as_bytes());
                let problems = read_all(&mut RowReader::new(chunked, false));
                match want {
                    Some((line, column, message)) => {
                        assert_eq!(problems.len(), 1, "{body:?} {cap}: {problems:?}");
                        let p = &problems[0];
                        assert_eq!((p.line, p.column), (line, column), "{body:?} {cap}");
                        assert!(p.message.starts_with(message), "{body:?} {cap}: {p:?}");
                    }
                    None => assert!(problems.is_empty(), "{body:?} {cap}: {problems:?}"),
                }
            }
            assert_eq!(
                read_all(&mut RowReader::new(text.as_bytes(), false)).len(),
                want.map_or(0, |_| 1)
            );
        }
    }

    fn read_all<R: BufRead>(r: &mut RowReader<R>) -> Vec<CsvProblem> {
        r.header().unwrap();
        let mut problems = Problems::default();
        r.rows(&mut problems, |_, _| {});
        problems.into_sorted()
    }

    #[test]
    fn parts_continue_the_line_count() {
        let mut r = RowReader::part(&b"a,b,c,1\n\nd,e,f,2\n"[..], Lines::at(10), 4, None);
        let mut lines = Vec::new();
        r.rows(&mut Problems::default(), |row, _| lines.push(row.line));
        assert_eq!(lines, [10, 12]);
    }
}
