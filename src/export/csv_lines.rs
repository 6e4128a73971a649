//! A fast splitter for the common shape of a raw-score CSV: no quote characters, lines ended
//! by `\n` or `\r\n`. It yields exactly the records (line number, fields) that the `csv`
//! crate yields for such input (`has_headers(false)`, `flexible(true)`, default dialect):
//! empty lines are skipped, fields are split on every comma, a `\r` right before `\n` (or at
//! the very end) ends the record, and a record's line is 1 + the number of `\n` before it.
//!
//! Anything else — a `"` anywhere, a `\r` not followed by `\n` — makes the splitter stop
//! with [`Unsupported`]; the caller then reads the file with the `csv` crate instead.
//! A property test in `source.rs` checks the two agree on arbitrary input.

/// The input needs the general CSV reader (a quote or a lone carriage return).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported;

/// At most this many fields are passed as slices; more are counted (the row is an error
/// anyway: a score row has 4 or 5 fields).
pub(crate) const MAX_FIELDS: usize = 8;

/// One record: its line, its field count, and its first [`MAX_FIELDS`] fields. `extra_blank`
/// tells whether the fields beyond [`MAX_FIELDS`] are all empty after trimming spaces/tabs.
pub(crate) struct Record<'a> {
    pub(crate) line: u64,
    pub(crate) len: usize,
    pub(crate) fields: [&'a [u8]; MAX_FIELDS],
    pub(crate) extra_blank: bool,
}

impl<'a> Record<'a> {
    /// The fields that are held (`min(len, MAX_FIELDS)`).
    pub(crate) fn held(&self) -> &[&'a [u8]] {
        &self.fields[..self.len.min(MAX_FIELDS)]
    }
}

/// Splits blocks of bytes (any cut) into records; `f` returns `false` to stop early.
pub(crate) struct Splitter {
    /// The unfinished last line of the previous block.
    carry: Vec<u8>,
    /// The line number of the next line to start.
    line: u64,
    /// The previous block ended with `\r` (must be followed by `\n` or the end).
    pending_cr: bool,
    stopped: bool,
    /// Byte order marks still to look for ([`BOMS`]).
    boms: u8,
    /// Bytes fed before the current block.
    fed: usize,
    /// Bytes of the input up to the end of the last line handed on.
    consumed: usize,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            carry: Vec::new(),
            line: 1,
            pending_cr: false,
            stopped: false,
            boms: BOMS,
            fed: 0,
            consumed: 0,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// UTF-8 byte order marks are not data: one at the start of the first non-blank line is
/// dropped (the file's own), and then one more where `csv_core` reads its first record
/// (`csv_core` drops a BOM at the start of the input of its first call). After a line
/// holding only a BOM, that second look is at the next non-blank line.
const BOMS: u8 = 2;

const COMMAS: u64 = 0x2c2c_2c2c_2c2c_2c2c;
const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;

/// `0x80` in each byte of `x` that is zero, nothing elsewhere (the exact test: no false
/// positives from borrows).
#[inline]
fn zero_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Byte-slice equality without a call for short slices (ids are a few bytes long).
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    match n {
        // Two overlapping eight-byte words.
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        0..8 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

/// The eight bytes of `s` at `at` as a word.
#[inline]
fn word(s: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[at..at + 8]);
    u64::from_le_bytes(w)
}

#[inline]
fn is_blank(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b' ' | b'\t'))
}

impl Splitter {
    /// A splitter for input that continues a file after a line break (no byte order mark
    /// to look for); lines are counted from 1.
    pub(crate) fn continuing() -> Self {
        Splitter {
            boms: 0,
            ..Splitter::default()
        }
    }

    /// Bytes of the input up to the end of the last line handed on (after its `\n`).
    pub(crate) fn consumed(&self) -> usize {
        self.consumed
    }

    /// Feeds the next block. Returns `Err(Unsupported)` at the first quote or lone `\r`;
    /// `Ok(false)` when `f` asked to stop.
    pub(crate) fn feed(
        &mut self,
        block: &[u8],
        f: &mut impl FnMut(&Record<'_>) -> bool,
    ) -> Result<bool, Unsupported> {
        if self.stopped {
            return Ok(false);
        }
        if block.is_empty() {
            return Ok(true);
        }
        if memchr::memchr(b'"', block).is_some() {
            return Err(Unsupported);
        }
        if self.pending_cr && block.first().is_some_and(|&b| b != b'\n') {
            return Err(Unsupported);
        }
        self.pending_cr = false;
        for p in memchr::memchr_iter(b'\r', block) {
            match block.get(p + 1) {
                Some(b'\n') => {}
                Some(_) => return Err(Unsupported),
                None => self.pending_cr = true,
            }
        }
        let Some(first_nl) = memchr::memchr(b'\n', block) else {
            self.carry.extend_from_slice(block);
            self.fed += block.len();
            return Ok(true);
        };
        let fed = self.fed;
        self.fed += block.len();
        // The carried line, completed by this block's first line.
        let mut at = 0;
        if !self.carry.is_empty() {
            let mut carry = std::mem::take(&mut self.carry);
            carry.extend_from_slice(&block[..first_nl]);
            let go = self.line_done(&carry, f);
            carry.clear();
            self.carry = carry;
            self.consumed = fed + first_nl + 1;
            if !go {
                return Ok(false);
            }
            at = first_nl + 1;
        }
        // Line breaks and commas in one pass, eight bytes at a time.
        let n = block.len();
        let mut line_start = at;
        let mut commas = [0usize; MAX_FIELDS];
        let mut nc = 0usize;
        let mut i = at;
        while i < n {
            let (mut hits, width) = if i + 8 <= n {
                let mut word = [0u8; 8];
                word.copy_from_slice(&block[i..i + 8]);
                let w = u64::from_le_bytes(word);
                (zero_bytes(w ^ COMMAS) | zero_bytes(w ^ NEWLINES), 8)
            } else {
                let mut m = 0u64;
                for (k, &b) in block[i..].iter().enumerate() {
                    if b == b',' || b == b'\n' {
                        m |= 0x80 << (8 * k);
                    }
                }
                (m, n - i)
            };
            while hits != 0 {
                let j = i + (hits.trailing_zeros() / 8) as usize;
                hits &= hits - 1;
                if block[j] == b'\n' {
                    let line = &block[line_start..j];
                    let go = if nc < MAX_FIELDS && self.boms == 0 {
                        self.line_split(line, line_start, &commas[..nc], f)
                    } else {
                        self.line_done(line, f)
                    };
                    line_start = j + 1;
                    nc = 0;
                    self.consumed = fed + line_start;
                    if !go {
                        return Ok(false);
                    }
                } else {
                    if nc < MAX_FIELDS {
                        commas[nc] = j;
                    }
                    nc += 1;
                }
            }
            i += width;
        }
        self.carry.extend_from_slice(&block[line_start..]);
        Ok(true)
    }

    /// One line (without its `\n`) whose commas are known: at `commas` (positions in the
    /// block; the line starts at `base`), fewer than [`MAX_FIELDS`] of them.
    #[inline]
    fn line_split(
        &mut self,
        line: &[u8],
        base: usize,
        commas: &[usize],
        f: &mut impl FnMut(&Record<'_>) -> bool,
    ) -> bool {
        let no = self.line;
        self.line += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return true;
        }
        let mut rec = Record {
            line: no,
            len: commas.len() + 1,
            fields: [&[]; MAX_FIELDS],
            extra_blank: true,
        };
        let mut start = 0;
        for (k, &c) in commas.iter().enumerate() {
            rec.fields[k] = &line[start..c - base];
            start = c - base + 1;
        }
        rec.fields[commas.len()] = &line[start..];
        self.emit(&rec, f)
    }

    /// One whole line (without its `\n`) of input the caller splits into lines itself, handed
    /// on as [`Splitter::feed`] would (the caller checks for quotes and lone `\r` first).
    pub(crate) fn one_line(
        &mut self,
        line: &[u8],
        f: &mut impl FnMut(&Record<'_>) -> bool,
    ) -> bool {
        if self.stopped {
            return false;
        }
        self.line_done(line, f)
    }

    /// A line the caller handled itself.
    #[inline]
    pub(crate) fn count_line(&mut self) {
        self.line += 1;
    }

    /// The line number of the next line to start.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The end of the input: the last line, when it has no `\n`.
    pub(crate) fn finish(
        &mut self,
        f: &mut impl FnMut(&Record<'_>) -> bool,
    ) -> Result<bool, Unsupported> {
        if self.stopped {
            return Ok(false);
        }
        let carry = std::mem::take(&mut self.carry);
        self.consumed = self.fed;
        Ok(carry.is_empty() || self.line_done(&carry, f))
    }

    /// One line without its `\n`.
    #[inline]
    fn line_done(&mut self, line: &[u8], f: &mut impl FnMut(&Record<'_>) -> bool) -> bool {
        let no = self.line;
        self.line += 1;
        let mut line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return true;
        }
        if self.boms > 0 {
            line = self.strip_boms(line);
            if line.is_empty() {
                return true;
            }
        }
        let mut rec = Record {
            line: no,
            len: 0,
            fields: [&[]; MAX_FIELDS],
            extra_blank: true,
        };
        // The rare lines (carried over a block edge, a BOM, many fields): byte by byte.
        let mut start = 0;
        for (j, &b) in line.iter().enumerate() {
            if b == b',' {
                self.push(&mut rec, &line[start..j]);
                start = j + 1;
            }
        }
        self.push(&mut rec, &line[start..]);
        self.emit(&rec, f)
    }

    /// Hands `rec` on; remembers when `f` asks to stop.
    #[inline]
    fn emit(&mut self, rec: &Record<'_>, f: &mut impl FnMut(&Record<'_>) -> bool) -> bool {
        let go = f(rec);
        if !go {
            self.stopped = true;
        }
        go
    }

    /// `line` (not blank) without the byte order marks still expected.
    fn strip_boms<'a>(&mut self, mut line: &'a [u8]) -> &'a [u8] {
        if self.boms == 2 {
            match line.strip_prefix(BOM) {
                Some(rest) => {
                    self.boms = 1;
                    line = rest;
                    if line.is_empty() {
                        return line;
                    }
                }
                None => {
                    self.boms = 0;
                    return line;
                }
            }
        }
        self.boms = 0;
        line.strip_prefix(BOM).unwrap_or(line)
    }

    #[inline]
    fn push<'a>(&self, rec: &mut Record<'a>, field: &'a [u8]) {
        if rec.len < MAX_FIELDS {
            rec.fields[rec.len] = field;
        } else if !is_blank(field) {
            rec.extra_blank = false;
        }
        rec.len += 1;
    }
}

/// The general splitter: any CSV the `csv` crate reads (quotes, quoted line breaks, lone
/// carriage returns), through `csv_core` with the `csv` crate's defaults, giving the same
/// records. Unlike the `csv` crate's positions, a record's line is where the record starts
/// (1 + the number of `\n` before its first byte), also after blank lines and `\r\n`.
pub(crate) struct CoreSplitter {
    rdr: csv_core::Reader,
    line: u64,
    /// The current record's first line; `None` between records.
    rec_line: Option<u64>,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// Byte order marks still to look for ([`BOMS`]).
    boms: u8,
    /// The input before csv_core's first call, held until it has 3 bytes past line
    /// terminators (csv_core only looks for a BOM in a first input of 3 bytes or more).
    head: Vec<u8>,
    done: bool,
    /// The largest record (its fields' bytes) accepted; longer stops the splitter.
    limit: usize,
    too_long: bool,
}

impl Default for CoreSplitter {
    fn default() -> Self {
        CoreSplitter {
            rdr: csv_core::Reader::new(),
            line: 1,
            rec_line: None,
            out: vec![0; 1 << 12],
            out_len: 0,
            ends: vec![0; 16],
            ends_len: 0,
            boms: BOMS,
            head: Vec::new(),
            done: false,
            limit: usize::MAX,
            too_long: false,
        }
    }
}

impl CoreSplitter {
    /// A splitter that stops at a record of more than `limit` bytes ([`CoreSplitter::too_long`]).
    pub(crate) fn with_limit(limit: usize) -> Self {
        CoreSplitter {
            limit,
            ..CoreSplitter::default()
        }
    }

    /// Whether it stopped at a record longer than its limit.
    pub(crate) fn too_long(&self) -> bool {
        self.too_long
    }

    /// The line number where the next line starts.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Feeds the next block; `Ok(false)` when `f` asked to stop.
    pub(crate) fn feed(&mut self, block: &[u8], f: &mut impl FnMut(&Record<'_>) -> bool) -> bool {
        if self.boms == 0 {
            return self.run(block, false, f);
        }
        self.head.extend_from_slice(block);
        let start = self
            .head
            .iter()
            .position(|&b| b != b'\r' && b != b'\n')
            .unwrap_or(self.head.len());
        // Wait for two BOMs' worth past the terminators (or the end).
        if self.head.len() - start < 2 * BOM.len() {
            return true;
        }
        let head = std::mem::take(&mut self.head);
        self.run(&head, false, f)
    }

    /// The end of the input.
    pub(crate) fn finish(&mut self, f: &mut impl FnMut(&Record<'_>) -> bool) -> bool {
        let head = std::mem::take(&mut self.head);
        if !head.is_empty() && !self.run(&head, false, f) {
            return false;
        }
        self.run(&[], true, f)
    }

    fn run(
        &mut self,
        mut input: &[u8],
        eof: bool,
        f: &mut impl FnMut(&Record<'_>) -> bool,
    ) -> bool {
        use csv_core::ReadRecordResult as R;
        while !self.done {
            if self.rec_line.is_none() {
                // Between records csv_core skips line terminators; so do we, counting lines.
                let skip = input
                    .iter()
                    .position(|&b| b != b'\r' && b != b'\n')
                    .unwrap_or(input.len());
                self.line += memchr::memchr_iter(b'\n', &input[..skip]).count() as u64;
                input = &input[skip..];
                if input.is_empty() && !eof {
                    return true;
                }
                if self.boms == 2 && !input.is_empty() {
                    match input.strip_prefix(BOM) {
                        Some(rest) => {
                            self.boms = 1;
                            input = rest;
                            continue;
                        }
                        None => self.boms = 0,
                    }
                }
                // csv_core's first call drops a BOM of its own.
                self.boms = 0;
                self.rec_line = Some(self.line);
            }
            if input.is_empty() && !eof {
                // An empty input means the end to csv_core.
                return true;
            }
            let (res, nin, nout, nend) = self.rdr.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            self.line += memchr::memchr_iter(b'\n', &input[..nin]).count() as u64;
            input = &input[nin..];
            self.out_len += nout;
            self.ends_len += nend;
            match res {
                R::InputEmpty => return true,
                R::OutputFull => {
                    if self.out.len() >= self.limit {
                        self.too_long = true;
                        self.done = true;
                        return false;
                    }
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                R::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                R::Record => {
                    let line = self.rec_line.take().unwrap_or(self.line);
                    let mut rec = Record {
                        line,
                        len: self.ends_len,
                        fields: [&[]; MAX_FIELDS],
                        extra_blank: true,
                    };
                    let mut start = 0;
                    for (i, &end) in self.ends[..self.ends_len].iter().enumerate() {
                        let field = &self.out[start..end];
                        if i < MAX_FIELDS {
                            rec.fields[i] = field;
                        } else if !is_blank(field) {
                            rec.extra_blank = false;
                        }
                        start = end;
                    }
                    let go = f(&rec);
                    self.out_len = 0;
                    self.ends_len = 0;
                    if !go {
                        self.done = true;
                        return false;
                    }
                }
                R::End => {
                    self.done = true;
                }
            }
        }
        true
    }
}

/// A record with its fields copied out ([`records`]).
pub(crate) struct OwnedRecord {
    pub(crate) line: u64,
    /// The number of fields.
    pub(crate) len: usize,
    /// The first [`MAX_FIELDS`] fields.
    pub(crate) fields: Vec<Vec<u8>>,
    /// Whether the fields beyond [`MAX_FIELDS`] are all blank (spaces, tabs).
    pub(crate) extra_blank: bool,
}

/// Every record of `bytes` (a whole CSV in memory), with the line where it starts.
pub(crate) fn records(bytes: &[u8]) -> Vec<OwnedRecord> {
    let mut out = Vec::new();
    let mut s = CoreSplitter::default();
    let mut f = |r: &Record<'_>| {
        out.push(OwnedRecord {
            line: r.line,
            len: r.len,
            fields: r.held().iter().map(|f| f.to_vec()).collect(),
            extra_blank: r.extra_blank,
        });
        true
    };
    s.feed(bytes, &mut f);
    s.finish(&mut f);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `same` is slice equality at every length and for a difference at every position.
    #[test]
    fn same_is_equality() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n as u8).map(|i| b'A' + i % 26).collect();
            assert!(same(&a, &a.clone()));
            assert!(!same(&a, &a[..n.saturating_sub(1)]) || n == 0);
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same(&a, &b), "length {n}, difference at {at}");
            }
        }
    }

    fn split(blocks: &[&[u8]]) -> Result<Vec<(u64, Vec<String>)>, Unsupported> {
        let mut out = Vec::new();
        let mut s = Splitter::default();
        let mut f = |r: &Record<'_>| {
            out.push((
                r.line,
                r.held()
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
            true
        };
        for b in blocks {
            s.feed(b, &mut f)?;
        }
        s.finish(&mut f)?;
        Ok(out)
    }

    fn csv_crate(input: &[u8]) -> Vec<(u64, Vec<String>)> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut rec = csv::ByteRecord::new();
        let mut out = Vec::new();
        while rdr.read_byte_record(&mut rec).unwrap() {
            out.push((
                rec.position().unwrap().line(),
                rec.iter()
                    .take(MAX_FIELDS)
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
        }
        out
    }

    fn core(blocks: &[&[u8]]) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        let mut s = CoreSplitter::default();
        let mut f = |r: &Record<'_>| {
            out.push((
                r.line,
                r.held()
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            ));
            true
        };
        for b in blocks {
            s.feed(b, &mut f);
        }
        s.finish(&mut f);
        out
    }

    fn fields_only(v: Vec<(u64, Vec<String>)>) -> Vec<Vec<String>> {
        v.into_iter().map(|(_, f)| f).collect()
    }

    #[test]
    fn lines_fields_and_blank_lines() {
        let input = b"a,b,c,d\r\n\n\r\nx,,y,4.5\nlast,1";
        let got = split(&[input]).unwrap();
        assert_eq!(fields_only(got.clone()), fields_only(csv_crate(input)));
        assert_eq!(got, core(&[input]));
        // The record's own line (the csv crate would say 1: where the previous one ended).
        assert_eq!(got[1].0, 4);
        // Any cut gives the same records.
        for cut in 0..input.len() {
            assert_eq!(
                split(&[&input[..cut], &input[cut..]]).unwrap(),
                got,
                "{cut}"
            );
            assert_eq!(core(&[&input[..cut], &input[cut..]]), got, "{cut}");
        }
    }

    #[test]
    fn quoted_line_breaks_count_lines() {
        let input = b"\xEF\xBB\xBFh,x\r\n\"two\nlines\",1\r\n\r\nnext,\"a,b\"\"c\"\n";
        let got = core(&[input]);
        assert_eq!(fields_only(got.clone()), fields_only(csv_crate(input)));
        let lines: Vec<u64> = got.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 2, 5]);
        assert_eq!(got[2].1, ["next", "a,b\"c"]);
        for cut in 0..input.len() {
            assert_eq!(core(&[&input[..cut], &input[cut..]]), got, "{cut}");
        }
    }

    #[test]
    fn a_byte_order_mark_line_is_blank() {
        let input = b"\xEF\xBB\xBF\r\nh,x\na,1\n";
        let got = split(&[input]).unwrap();
        assert_eq!(got, core(&[input]));
        assert_eq!(fields_only(got.clone()), fields_only(csv_crate(input)));
        assert_eq!(got[0], (2, vec!["h".to_string(), "x".to_string()]));
    }

    #[test]
    fn quotes_and_lone_cr_are_unsupported() {
        assert_eq!(split(&[b"a,\"b\",c\n"]), Err(Unsupported));
        assert_eq!(split(&[b"a\rb\n"]), Err(Unsupported));
        assert_eq!(split(&[b"a\r", b"b\n"]), Err(Unsupported));
        assert!(split(&[b"a\r", b"\nb"]).is_ok());
        assert!(split(&[b"a,b\r"]).is_ok());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Bytes from a small alphabet that exercises every rule (no BOM: the `csv` crate
        /// and the splitters may differ on a second one).
        fn csvish() -> impl Strategy<Value = Vec<u8>> {
            let pieces = prop::sample::select(vec![
                &b"a"[..],
                b"E01",
                b"K1",
                b"4.5",
                b",",
                b",",
                b"\n",
                b"\r\n",
                b" ",
                b"\t",
                b"\r",
                b"\"",
                b"\"\"",
                "\u{4e2d}".as_bytes(),
                b"\xff",
            ]);
            prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
        }

        fn cuts(len: usize, seeds: &[usize]) -> Vec<usize> {
            let mut c: Vec<usize> = seeds.iter().map(|s| s % (len + 1)).collect();
            c.sort_unstable();
            c
        }

        fn blocks<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
            let mut out = Vec::new();
            let mut at = 0;
            for &c in cuts {
                out.push(&input[at..c]);
                at = c;
            }
            out.push(&input[at..]);
            out
        }

        proptest! {
            #[test]
            fn splitters_agree_with_each_other_and_the_csv_crate(
                input in csvish(),
                bom in any::<bool>(),
                seeds in prop::collection::vec(any::<usize>(), 0..4),
            ) {
                let mut input = input;
                if bom {
                    input.splice(0..0, BOM.iter().copied());
                }
                let cut = cuts(input.len(), &seeds);
                let parts = blocks(&input, &cut);
                let general = core(&parts);
                prop_assert_eq!(&general, &core(&[&input]));
                if !bom {
                    prop_assert_eq!(fields_only(general.clone()), fields_only(csv_crate(&input)));
                }
                match split(&parts) {
                    Ok(fast) => prop_assert_eq!(fast, general),
                    Err(Unsupported) => prop_assert!(
                        input.contains(&b'"') || input.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n')
                    ),
                }
            }
        }
    }
}
