//! The XLSX export opens: a zip whose `xl/workbook.xml` names the six sheets (the
//! 评审汇总表 first), with the ranking in the shared strings. The zip is read by a small inflater below (no unzip tool
//! and no zip crate needed).

use std::collections::BTreeMap;

use panel::export::{self, Format, XLSX_SHEETS};
use panel::panel::Panel;
use panel::report;
use panel::results_input::Overrides;

use crate::demo_panel::{copy_panel, CRITERION_MAXIMA};

// ------------------------------------------------------------------------------------------
// A minimal zip reader + DEFLATE decoder (RFC 1951), enough for rust_xlsxwriter's output.
// ------------------------------------------------------------------------------------------

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
    nbits: u32,
}

impl Bits<'_> {
    fn need(&mut self, n: u32) {
        while self.nbits < n {
            let b = u32::from(*self.data.get(self.pos).expect("truncated deflate stream"));
            self.pos += 1;
            self.bit |= b << self.nbits;
            self.nbits += 8;
        }
    }
    fn get(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        self.need(n);
        let v = self.bit & ((1u32 << n) - 1);
        self.bit >>= n;
        self.nbits -= n;
        v
    }
}

/// Canonical Huffman decoding table: (counts per length, symbols sorted by code).
struct Huff {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huff {
    fn new(lengths: &[u8]) -> Huff {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[l as usize] += 1;
        }
        counts[0] = 0;
        let mut offs = [0u16; 16];
        for i in 1..16 {
            offs[i] = offs[i - 1] + counts[i - 1];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (s, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[offs[l as usize] as usize] = s as u16;
                offs[l as usize] += 1;
            }
        }
        Huff { counts, symbols }
    }

    fn decode(&self, b: &mut Bits) -> u16 {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= b.get(1) as i32;
            let count = self.counts[len] as i32;
            if code - count < first {
                return self.symbols[(index + (code - first)) as usize];
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        panic!("bad Huffman code");
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

fn inflate(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut b = Bits {
        data,
        pos: 0,
        bit: 0,
        nbits: 0,
    };
    loop {
        let last = b.get(1);
        match b.get(2) {
            0 => {
                b.bit = 0;
                b.nbits = 0;
                let len = u16::from_le_bytes([data[b.pos], data[b.pos + 1]]) as usize;
                b.pos += 4;
                out.extend_from_slice(&data[b.pos..b.pos + len]);
                b.pos += len;
            }
            kind @ (1 | 2) => {
                let (lit, dist) = if kind == 1 {
                    let mut l = [8u8; 288];
                    l[144..256].fill(9);
                    l[256..280].fill(7);
                    (Huff::new(&l), Huff::new(&[5u8; 30]))
                } else {
                    let hlit = b.get(5) as usize + 257;
                    let hdist = b.get(5) as usize + 1;
                    let hclen = b.get(4) as usize + 4;
                    const ORDER: [usize; 19] = [
                        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                    ];
                    let mut cl = [0u8; 19];
                    for &o in ORDER.iter().take(hclen) {
                        cl[o] = b.get(3) as u8;
                    }
                    let clh = Huff::new(&cl);
                    let mut lens = Vec::new();
                    while lens.len() < hlit + hdist {
                        match clh.decode(&mut b) {
                            s @ 0..=15 => lens.push(s as u8),
                            16 => {
                                let prev = *lens.last().unwrap();
                                for _ in 0..3 + b.get(2) {
                                    lens.push(prev);
                                }
                            }
                            17 => lens.extend(std::iter::repeat_n(0, 3 + b.get(3) as usize)),
                            _ => lens.extend(std::iter::repeat_n(0, 11 + b.get(7) as usize)),
                        }
                    }
                    (Huff::new(&lens[..hlit]), Huff::new(&lens[hlit..]))
                };
                loop {
                    let s = lit.decode(&mut b) as usize;
                    if s < 256 {
                        out.push(s as u8);
                    } else if s == 256 {
                        break;
                    } else {
                        let i = s - 257;
                        let len = LEN_BASE[i] as usize + b.get(LEN_EXTRA[i] as u32) as usize;
                        let d = dist.decode(&mut b) as usize;
                        let dist = DIST_BASE[d] as usize + b.get(DIST_EXTRA[d] as u32) as usize;
                        let start = out.len() - dist;
                        for k in 0..len {
                            out.push(out[start + k]);
                        }
                    }
                }
            }
            _ => panic!("bad deflate block type"),
        }
        if last == 1 {
            return out;
        }
    }
}

/// The members of a zip file (read through the central directory).
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let u16_at = |p: usize| u16::from_le_bytes([bytes[p], bytes[p + 1]]) as usize;
    let u32_at = |p: usize| u32::from_le_bytes(bytes[p..p + 4].try_into().unwrap()) as usize;
    let eocd = (0..bytes.len() - 21)
        .rev()
        .find(|&p| bytes[p..p + 4] == *b"PK\x05\x06")
        .expect("end of central directory");
    let entries = u16_at(eocd + 10);
    let mut p = u32_at(eocd + 16);
    let mut out = BTreeMap::new();
    for _ in 0..entries {
        assert_eq!(&bytes[p..p + 4], b"PK\x01\x02");
        let method = u16_at(p + 10);
        let csize = u32_at(p + 20);
        let name_len = u16_at(p + 28);
        let extra = u16_at(p + 30);
        let comment = u16_at(p + 32);
        let local = u32_at(p + 42);
        let name = String::from_utf8(bytes[p + 46..p + 46 + name_len].to_vec()).unwrap();
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let raw = &bytes[data_at..data_at + csize];
        let data = match method {
            0 => raw.to_vec(),
            8 => inflate(raw),
            m => panic!("{name}: compression method {m}"),
        };
        out.insert(name, data);
        p += 46 + name_len + extra + comment;
    }
    out
}

// ------------------------------------------------------------------------------------------

fn demo_report() -> (export::Report, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = copy_panel(tmp.path(), None);
    let mut csv = String::from("application,expert,criterion,value\n");
    let crits = CRITERION_MAXIMA;
    for (a, app) in ["T24-001", "T24-003", "T24-006", "T24-010"]
        .iter()
        .enumerate()
    {
        for (e, expert) in ["E01", "E02", "E03", "E04"].iter().enumerate() {
            for (c, (crit, max)) in crits.iter().enumerate() {
                // E04 disagrees strongly on B1.
                let v = if *expert == "E04" && *crit == "B1" {
                    2
                } else {
                    max - ((a + e + c) % 3) as i32
                };
                csv.push_str(&format!("{app},{expert},{crit},{v}\n"));
            }
        }
    }
    let path = tmp.path().join("s.csv");
    std::fs::write(&path, csv).unwrap();
    let panel = Panel::open(&dir).unwrap();
    let rep = report::build_from_csv(&panel, &path, &Overrides::default(), true).unwrap();
    (rep, tmp)
}

#[test]
fn inflater_reads_stored_and_fixed_blocks() {
    // A stored block ("abc") and a fixed-Huffman block of "aaaaa" (as zlib writes it).
    assert_eq!(
        inflate(&[0x01, 0x03, 0x00, 0xfc, 0xff, b'a', b'b', b'c']),
        b"abc"
    );
    assert_eq!(inflate(&[0x4b, 0x4c, 0x04, 0x02, 0x00]), b"aaaaa");
}

#[test]
fn xlsx_has_the_six_sheets_and_the_data() {
    let (rep, _t) = demo_report();
    let bytes = rep.render(Format::Xlsx, None).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let files = unzip(&bytes);
    let wb = String::from_utf8(files["xl/workbook.xml"].clone()).unwrap();
    let names: Vec<&str> = wb
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(names, XLSX_SHEETS);
    for i in 1..=6 {
        assert!(files.contains_key(&format!("xl/worksheets/sheet{i}.xml")));
    }
    // Text lives in the shared-string table or inline in the worksheets
    // (constant-memory mode writes inline strings).
    let strings: String = files
        .iter()
        .filter(|(k, _)| {
            k.as_str() == "xl/sharedStrings.xml" || k.starts_with("xl/worksheets/sheet")
        })
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect();
    for s in [
        "T24-001",
        "ineligible",
        "E5 已承担知识产权集中托管项目的单位自立项起三年内不再申报。",
        "disagreement:B1",
        "scores file sha256",
        "counted",
        "calibrated_total",
        // The pass mark's source and the provisional shortlist (gates E2b and E3b undecided).
        "threshold_source",
        "none (no pass mark is stated by the call)",
        "暂定 provisional",
        "provisional because",
        "T24-001已入围，但资格尚未核验完毕（申报条件E2b、E3b未判定）",
    ] {
        assert!(strings.contains(s), "{s} not in the workbook");
    }
    // The audit sheet names the CSV's hash.
    let export::SourceInfo::Csv { sha256, .. } = &rep.source else {
        panic!("{:?}", rep.source);
    };
    assert!(strings.contains(sha256.as_deref().expect("hashed for the XLSX")));
    // Numbers are numbers: T24-003 was cut to the cap of 40.
    let ranking = String::from_utf8(files["xl/worksheets/sheet2.xml"].clone()).unwrap();
    assert!(ranking.contains("<v>40</v>"), "{ranking}");
}

/// The first sheet is the printable 评审汇总表: Chinese headers, the values of the
/// Markdown 汇总表, the ineligibility reason in full, signature lines, and the print setup
/// (A4 landscape, fit to width, header row repeated).
#[test]
fn xlsx_summary_sheet_has_chinese_headers_values_and_print_setup() {
    let (rep, _t) = demo_report();
    let bytes = rep.render(Format::Xlsx, None).unwrap();
    let files = unzip(&bytes);
    let sheet = String::from_utf8(files["xl/worksheets/sheet1.xml"].clone()).unwrap();
    let md = rep.render(Format::SummaryMd, None).unwrap();
    let md = String::from_utf8(md).unwrap();
    for s in [
        "评审汇总表",
        "序号",
        "申报编号",
        "项目名称",
        "专家1",
        "平均分",
        "最终得分",
        "排名",
        "是否入围",
        "建议资助金额（万元）",
        "备注",
        "不符合申报条件：E5 已承担知识产权集中托管项目的单位自立项起三年内不再申报",
        "评审组长",
        "签字：",
        "评审时间：",
    ] {
        assert!(sheet.contains(s), "{s} not in the 评审汇总表 sheet");
    }
    // Every application's row of the Markdown 汇总表 is in the sheet (id and final score).
    for a in &rep.results.applications {
        assert!(sheet.contains(&a.id), "{} missing", a.id);
        let line = md
            .lines()
            .find(|l| l.contains(&format!("| {} |", a.id)))
            .unwrap();
        if let Some(t) = a.total {
            let t = panel::rubric::num::show(t);
            assert!(line.contains(&t), "{line}");
            assert!(
                sheet.contains(&format!("<v>{t}</v>")),
                "total {t} of {}",
                a.id
            );
        }
    }
    assert!(sheet.contains("orientation=\"landscape\""), "not landscape");
    assert!(sheet.contains("paperSize=\"9\""), "not A4");
    assert!(sheet.contains("fitToHeight=\"0\""), "not fitted to width");
    assert!(sheet.contains("fitToPage=\"1\""), "no fit-to-page");
    let wb = String::from_utf8(files["xl/workbook.xml"].clone()).unwrap();
    assert!(
        wb.contains("_xlnm.Print_Titles"),
        "header row not repeated: {wb}"
    );
}
