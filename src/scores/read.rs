//! The one reader of a scores CSV, on the `csv` crate (`ByteRecord`, default dialect:
//! quotes, quoted line breaks, `\n`, `\r\n` or `\r` line ends, a UTF-8 byte order mark at
//! the start). Rows stream to a callback, one at a time; nothing holds the file.
//!
//! What it checks, once for every command: the header ([`super::header`]), blank rows
//! (skipped), UTF-8, the number of fields, and a line or record that never ends (more than
//! [`MAX_LINE`] bytes: not a CSV of scores). Each row comes with the line it starts on
//! (1 + the line breaks before its first byte, whatever the line ends, blank lines or
//! quoted line breaks before it; the `csv` crate's own positions count `\r\n` files
//! differently), and its fields trimmed of spaces and tabs.

use std::collections::VecDeque;
use std::io::Read;

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

/// Raised by [`Tracked`] when a record runs past [`MAX_LINE`].
#[derive(Debug)]
struct TooLong {
    /// A quote was seen in the record: an unclosed quote, most likely.
    quoted: bool,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a line longer than {} MB: this is not a CSV of scores",
            MAX_LINE >> 20
        )
    }
}

impl std::error::Error for TooLong {}

/// The input as the `csv` crate reads it, noting where the line ends are (to name the
/// line each record starts on), hashing the bytes when asked, and refusing a record longer
/// than [`MAX_LINE`].
struct Tracked<R> {
    inner: R,
    /// Bytes read.
    pos: u64,
    /// Positions of the `\r` and `\n` at or after `done` (`position << 1 | is_newline`).
    ends: VecDeque<u64>,
    /// Where the last record read ended.
    done: u64,
    /// The line of byte `done` (1 + the `\n` before it), kept up to date by [`Tracked::line_of`].
    line: u64,
    /// Everything before `line_at` has been counted into `line`.
    line_at: u64,
    last_quote: Option<u64>,
    bom_end: u64,
    hasher: Option<Sha256>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos - self.done > MAX_LINE as u64 {
            let quoted = self.last_quote.is_some_and(|q| q >= self.done);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                TooLong { quoted },
            ));
        }
        let n = loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        let data = &buf[..n];
        if self.pos == 0 && data.starts_with(BOM) {
            self.bom_end = BOM.len() as u64;
        }
        for i in memchr::memchr2_iter(b'\n', b'\r', data) {
            self.ends
                .push_back((self.pos + i as u64) << 1 | u64::from(data[i] == b'\n'));
        }
        if let Some(q) = memchr::memrchr(b'"', data) {
            self.last_quote = Some(self.pos + q as u64);
        }
        if let Some(h) = self.hasher.as_mut() {
            h.update(data);
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R> Tracked<R> {
    /// The line of the first byte at or after `at` that is not a line end (where a record
    /// whose reading started at `at` really starts). `at` never goes back.
    fn line_of(&mut self, at: u64) -> u64 {
        let mut at = at.max(self.line_at);
        if at < self.bom_end {
            at = self.bom_end;
        }
        while let Some(&e) = self.ends.front() {
            let p = e >> 1;
            if p <= at {
                self.line += e & 1;
                self.ends.pop_front();
                if p == at {
                    at += 1; // a line end before the record: skipped
                }
            } else {
                break;
            }
        }
        self.line_at = at;
        self.line
    }
}

/// Reads the rows of a scores CSV from any reader: the header first ([`RowReader::header`]),
/// then the rows ([`RowReader::rows`]).
pub struct RowReader<R: Read> {
    rdr: csv::Reader<Tracked<R>>,
    rec: csv::ByteRecord,
    ncols: Option<usize>,
    rows: u64,
}

fn csv_reader<R: Read>(t: Tracked<R>) -> csv::Reader<Tracked<R>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(t)
}

fn tracked<R: Read>(inner: R, first_line: u64, hasher: Option<Sha256>) -> Tracked<R> {
    Tracked {
        inner,
        pos: 0,
        ends: VecDeque::new(),
        done: 0,
        line: first_line,
        line_at: 0,
        last_quote: None,
        bom_end: 0,
        hasher,
    }
}

impl<R: Read> RowReader<R> {
    /// A whole file: header first; the bytes are hashed (sha256) when `hash`.
    pub fn new(input: R, hash: bool) -> Self {
        RowReader {
            rdr: csv_reader(tracked(input, 1, hash.then(Sha256::new))),
            rec: csv::ByteRecord::new(),
            ncols: None,
            rows: 0,
        }
    }

    /// A part of a file after its header (`ncols` columns), starting at a line start of the
    /// file's line `first_line` outside any quote; `hasher` (the file's hash so far) goes on
    /// hashing the bytes read.
    pub fn part(input: R, first_line: u64, ncols: usize, hasher: Option<Sha256>) -> Self {
        RowReader {
            rdr: csv_reader(tracked(input, first_line, hasher)),
            rec: csv::ByteRecord::new(),
            ncols: Some(ncols),
            rows: 0,
        }
    }

    /// The header's number of columns, once read.
    pub fn header_columns(&self) -> usize {
        self.ncols.unwrap_or(0)
    }

    /// Data rows read (blank rows excluded, rows with problems included).
    pub fn data_rows(&self) -> u64 {
        self.rows
    }

    /// Bytes of the input up to the end of the last record read.
    pub fn consumed(&self) -> u64 {
        self.rdr.position().byte()
    }

    /// The hex sha256 of the bytes read (when asked for at [`RowReader::new`]); read the
    /// rows to the end first.
    pub fn sha256(self) -> Option<String> {
        let h = self.rdr.into_inner().hasher?;
        Some(hex::encode(h.finalize()))
    }

    /// Reads the next record: `Ok(Some(line))`, `Ok(None)` at the end, or the problem that
    /// stops the reading (a read error, a runaway line).
    fn next_record(&mut self) -> Result<Option<u64>, CsvProblem> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => {
                let start = self.rec.position().map_or(0, |p| p.byte());
                let end = self.rdr.position().byte();
                let t = self.rdr.get_mut();
                let line = t.line_of(start);
                t.done = end;
                Ok(Some(line))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                let line = {
                    let t = self.rdr.get_mut();
                    let done = t.done;
                    t.line_of(done)
                };
                let too_long = match e.kind() {
                    csv::ErrorKind::Io(io) => io
                        .get_ref()
                        .and_then(|x| x.downcast_ref::<TooLong>())
                        .map(|t| t.quoted),
                    _ => None,
                };
                let message = match (too_long, self.ncols) {
                    (Some(_), None) => format!(
                        "no header in the first {} MB (a line that long is not a CSV of scores); \
                         the first line must be {EXPECTED_HEADER}",
                        MAX_LINE >> 20
                    ),
                    (Some(true), _) => format!(
                        "a record longer than {} MB (an unclosed quote?): this is not a CSV of \
                         scores",
                        MAX_LINE >> 20
                    ),
                    (Some(false), _) => format!(
                        "cannot read the file (a line longer than {} MB: this is not a CSV of \
                         scores)",
                        MAX_LINE >> 20
                    ),
                    (None, _) => match e.into_kind() {
                        csv::ErrorKind::Io(io) => return Err(read_problem(line, &io)),
                        other => format!("cannot read the file ({other:?})"),
                    },
                };
                Err(CsvProblem {
                    line,
                    column: 1,
                    message,
                })
            }
        }
    }

    /// Reads and checks the header ([`super::header::check_header`]); returns its number of
    /// columns. Its problem is the file's only one.
    pub fn header(&mut self) -> Result<usize, CsvProblem> {
        match self.next_record()? {
            None => Err(CsvProblem {
                line: 1,
                column: 1,
                message: format!("the file is empty; the first line must be {EXPECTED_HEADER}"),
            }),
            Some(_) => {
                let n = check_header(self.rec.iter())?;
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
                    break;
                }
            };
            // One UTF-8 check of the whole record (the `csv` crate's own).
            let rec = std::mem::take(&mut self.rec);
            let srec = match csv::StringRecord::from_byte_record(rec) {
                Ok(srec) => srec,
                Err(e) => {
                    let rec = e.into_byte_record();
                    if !rec.iter().all(|field| trim(field).is_empty()) {
                        self.rows += 1;
                        problems.push(line, utf8_column(&rec), UTF8_MESSAGE.into());
                    }
                    self.rec = rec;
                    continue;
                }
            };
            let mut fields = [""; 5];
            let mut blank = true;
            for (i, field) in srec.iter().enumerate() {
                let t = trim_str(field);
                blank &= t.is_empty();
                if let Some(slot) = fields.get_mut(i) {
                    *slot = t;
                }
            }
            let len = srec.len();
            if !blank {
                self.rows += 1;
                if len == ncols {
                    f(&Row { line, fields }, problems);
                } else {
                    problems.push(
                        line,
                        len.min(ncols) + 1,
                        format!(
                            "{len} field(s), the header has {ncols}; quote fields that contain \
                             commas"
                        ),
                    );
                }
            }
            self.rec = srec.into_byte_record();
        }
    }
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
pub(crate) fn read_problem(line: u64, e: &std::io::Error) -> CsvProblem {
    CsvProblem {
        line,
        column: 1,
        message: format!("cannot read the file ({e})"),
    }
}

pub const UTF8_MESSAGE: &str = "not valid UTF-8; save the file as UTF-8 (with or without BOM)";

/// The column (in characters, fields joined by commas) of a record's first byte that is not
/// UTF-8.
fn utf8_column(rec: &csv::ByteRecord) -> usize {
    let mut column = 1;
    for field in rec.iter() {
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
        ] {
            let (rows, problems) = read(input.as_bytes());
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), lines, "{input:?}");
        }
    }

    #[test]
    fn fields_are_trimmed_and_counted() {
        let (rows, problems) = read(format!("{HEAD} a ,b\t,\"c,d\",1\nx,y\n").as_bytes());
        assert_eq!(rows[0].1[..4], ["a", "b", "c,d", "1"]);
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].column), (3, 3));
        assert!(problems[0]
            .message
            .starts_with("2 field(s), the header has 4"));
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

    #[test]
    fn parts_continue_the_line_count() {
        let mut r = RowReader::part(&b"a,b,c,1\n\nd,e,f,2\n"[..], 10, 4, None);
        let mut lines = Vec::new();
        r.rows(&mut Problems::default(), |row, _| lines.push(row.line));
        assert_eq!(lines, [10, 12]);
    }
}
