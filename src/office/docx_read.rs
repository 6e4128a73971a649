//! Reads a Word document (.docx, as written by Word, WPS, LibreOffice or python-docx)
//! into paragraphs and tables of plain text, with `zip` and `quick-xml`.
//!
//! Not docx-rs's reader: that one builds the writer's full document model and fails on
//! elements it does not know, while ingest only needs each cell's text and where it sits
//! (grid column, horizontal span, vertical merge) and must keep reading whatever else a
//! word processor put in the file.
//!
//! Tolerated: runs split anywhere (text is joined per paragraph), `w:br`/`w:cr` line
//! breaks and tabs (a tab stays `\t` in a paragraph outside tables, a space in a cell), symbol-font checkboxes (`w:sym`, or Wingdings glyphs typed as text),
//! content controls (`w:sdt`; a checkbox control by its `w14:checked` state, an unfilled
//! one showing its placeholder as empty), legacy FORMCHECKBOX fields (by `w:ffData`),
//! nested tables (flattened into their cell), text boxes. Not read as content:
//! `mc:Fallback` copies, tracked deletions and moves away (`w:del`, `w:moveFrom`, rows and
//! cells deleted), the former properties of tracked formatting changes, hidden text
//! (`w:vanish`), ruby guides, field instructions. Refused, with what the file is: an old
//! binary Word file (.doc), a password-protected document, anything that is not a zip with
//! `word/document.xml`, malformed XML.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::OfficeError;

/// The checked marks a cell may use: ticked boxes, ticks, and the filled shapes people
/// type over a box (`▇`, `█`, `●` for a radio button, `✅`).
pub const CHECKED_MARKS: [char; 19] = [
    '☑', '☒', '■', '√', '✓', '✔', '▣', '▇', '█', '▆', '◼', '◾', '⬛', '●', '◉', '✅', '⊠', '🗹',
    '🗸',
];
/// The unchecked marks (`○` beside a `●`).
pub const UNCHECKED_MARKS: [char; 6] = ['□', '☐', '▢', '◻', '○', '◯'];

/// What a picture (an image pasted into the text: a screenshot of a table, a scanned
/// signature) reads as: U+FFFC OBJECT REPLACEMENT CHARACTER, so that a value pasted as a
/// picture is a picture to report, not an empty cell or nothing at all.
pub const PICTURE: char = '\u{FFFC}';

/// A block of the document body.
#[derive(Debug, Clone, PartialEq)]
pub enum DocBlock {
    Para(String),
    Table(Vec<Vec<DocCell>>),
}

/// A table cell: its text (paragraphs joined by `\n`), its grid column and span. A cell
/// that continues a vertical merge carries the text of the merged cell above.
#[derive(Debug, Clone, PartialEq)]
pub struct DocCell {
    pub text: String,
    pub col: usize,
    pub span: usize,
    /// Continues a vertical merge (the text is the first cell's).
    pub merged: bool,
}

const MAX_DOCUMENT_XML: u64 = 64 * 1024 * 1024;

/// What a file that is not a readable .docx is, from its first bytes.
fn sniff(path: &Path, bytes: &[u8]) -> Option<OfficeError> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(OLE) {
        let marker: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let encrypted = bytes.windows(marker.len()).any(|w| w == marker.as_slice());
        return Some(if encrypted {
            OfficeError::Encrypted {
                file: path.to_path_buf(),
            }
        } else {
            OfficeError::OldWord {
                file: path.to_path_buf(),
            }
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Some(OfficeError::NotDocx {
            file: path.to_path_buf(),
            what: "an RTF document".into(),
        });
    }
    if bytes.starts_with(b"%PDF") {
        return Some(OfficeError::NotDocx {
            file: path.to_path_buf(),
            what: "a PDF file".into(),
        });
    }
    if !bytes.starts_with(b"PK") {
        // Word's other "Save as" formats, often given a .doc or .docx name.
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_lowercase();
        let what = if bytes.is_empty() {
            "an empty file (0 bytes)"
        } else if head.contains("mime-version:") {
            "a single-file web page (.mht, saved by Word as 单个文件网页)"
        } else if head.contains("<html") || head.contains("<!doctype html") {
            "a web page (HTML, saved by Word as 网页)"
        } else if head.contains("<w:worddocument") || head.contains("<pkg:package") {
            "a Word XML document (Word 2003 XML or 单个文件 XML, not a zip package)"
        } else {
            "not a zip package (damaged, or not an Office document)"
        };
        return Some(OfficeError::NotDocx {
            file: path.to_path_buf(),
            what: what.into(),
        });
    }
    None
}

/// A small XML part of the package as text (`None` if absent or unreadable).
fn small_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    let mut text = String::new();
    zip.by_name(name)
        .ok()?
        .take(1024 * 1024)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// Whether `[Content_Types].xml` gives `part` a WordprocessingML main document type
/// (.docx, .docm, .dotx).
fn is_word_main(content_types: &str, part: &str) -> bool {
    let name = format!("/{part}");
    let mut reader = Reader::from_str(content_types);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == b"Override"
                    && attr(&e, b"PartName").as_deref() == Some(name.as_str()) =>
            {
                return attr(&e, b"ContentType")
                    .is_some_and(|t| t.contains("wordprocessingml") && t.contains(".main+xml"));
            }
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

/// The main document part named by the package's relationships (`_rels/.rels`, type
/// officeDocument, with a Word content type): `word/document.xml` as Word and WPS write
/// it, another name from some converters.
fn main_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> String {
    const DEFAULT: &str = "word/document.xml";
    let (Some(rels), Some(types)) = (
        small_part(zip, "_rels/.rels"),
        small_part(zip, "[Content_Types].xml"),
    ) else {
        return DEFAULT.into();
    };
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let officedoc = attr(&e, b"Type").is_some_and(|t| t.ends_with("/officeDocument"));
                if let Some(target) = attr(&e, b"Target").filter(|_| officedoc) {
                    let target = target.trim_start_matches('/').to_string();
                    if zip.index_for_name(&target).is_some() && is_word_main(&types, &target) {
                        return target;
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return DEFAULT.into(),
            _ => {}
        }
    }
}

/// Reads `path` into blocks.
pub fn read_docx(path: &Path) -> Result<Vec<DocBlock>, OfficeError> {
    let bytes = std::fs::read(path).map_err(|e| OfficeError::Io {
        file: path.to_path_buf(),
        source: e,
    })?;
    read_docx_bytes(path, &bytes)
}

/// Reads a .docx held in memory (`path` names it in messages).
pub fn read_docx_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<DocBlock>, OfficeError> {
    if let Some(e) = sniff(path, bytes) {
        return Err(e);
    }
    let corrupt = |why: String| OfficeError::Corrupt {
        file: path.to_path_buf(),
        why,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("the zip package cannot be read ({e})")))?;
    let mut xml = String::new();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    let main = main_part(&mut zip);
    {
        let entry = match zip.by_name(&main) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => {
                let what = if names.iter().any(|n| n.starts_with("xl/")) {
                    "an Excel workbook (.xlsx)".to_string()
                } else if names.iter().any(|n| n.starts_with("ppt/")) {
                    "a PowerPoint presentation (.pptx)".to_string()
                } else if names.iter().any(|n| n == "content.xml") {
                    "an OpenDocument file (.odt, saved by WPS or LibreOffice as ODF)".to_string()
                } else {
                    "a zip file without word/document.xml".to_string()
                };
                return Err(OfficeError::NotDocx {
                    file: path.to_path_buf(),
                    what,
                });
            }
            Err(e) => return Err(corrupt(format!("{main} cannot be read ({e})"))),
        };
        entry
            .take(MAX_DOCUMENT_XML)
            .read_to_string(&mut xml)
            .map_err(|e| corrupt(format!("{main} cannot be read ({e})")))?;
    }
    parse_document(&xml).map_err(|(pos, why)| {
        corrupt(format!(
            "{main} is not well-formed XML at byte {pos}: {why}"
        ))
    })
}

#[derive(Default)]
struct RawCell {
    paras: Vec<String>,
    span: usize,
    /// `Some(true)`: starts a vertical merge; `Some(false)`: continues one.
    vmerge: Option<bool>,
    /// A cell deleted with tracked changes on (`w:cellDel`): not the form's.
    deleted: bool,
}

#[derive(Default)]
struct TableBuild {
    rows: Vec<Vec<RawCell>>,
    row: Option<Vec<RawCell>>,
    cell: Option<RawCell>,
}

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| String::from_utf8_lossy(&a.value).into_owned())
    })
}

/// A symbol-font character (`w:sym w:font="Wingdings" w:char="F0FE"`, or the same code
/// typed as text in a run of that font) as text: the boxes, ticks and filled squares of
/// Wingdings and Wingdings 2 become ☑ / ✓ / ■ / □, Symbol's radical sign √. The two fonts
/// draw different glyphs at one code (Wingdings 2's `P` is a tick, Wingdings' `n` a filled
/// square); a code of neither table stays as it is (a private-use character, which no
/// checkbox reads as ticked).
fn sym_char(font: Option<&str>, code: u32) -> Option<char> {
    let low = if code >= 0xF000 { code - 0xF000 } else { code };
    let font = font.unwrap_or("").to_ascii_lowercase();
    if font.starts_with("symbol") {
        return match low {
            0xD6 => Some('√'),
            _ => char::from_u32(code).filter(|ch| !ch.is_control()),
        };
    }
    let two = font.starts_with("wingdings 2") || font.starts_with("wingdings2");
    let mapped = match (two, low) {
        (true, 0x50) => Some('✓'),
        (true, 0x52) => Some('☑'),
        (true, 0x53 | 0x54) => Some('☒'),
        (true, 0x98 | 0x99) => Some('●'),
        (true, 0xA3 | 0x2A | 0x30 | 0xA2) => Some('□'),
        (false, 0xFE) => Some('☑'),
        (false, 0xFD | 0x78) => Some('☒'),
        (false, 0xFC) => Some('✓'),
        (false, 0x6E) => Some('■'),
        (false, 0x6C) => Some('●'),
        (false, 0xA4) => Some('◉'),
        (false, 0xA8 | 0x6F | 0x70 | 0x71 | 0x72) => Some('□'),
        (false, 0xA1) => Some('○'),
        // Codes read as boxes before the two tables were told apart.
        (_, 0x52 | 0x53) => Some('☑'),
        (_, 0xA3 | 0x30) => Some('□'),
        _ => None,
    };
    mapped.or_else(|| char::from_u32(code).filter(|ch| !ch.is_control()))
}

/// Whether a font draws symbols at private-use code points (U+F020–U+F0FF).
fn is_symbol_font(font: &str) -> bool {
    let f = font.to_ascii_lowercase();
    f.starts_with("wingdings") || f.starts_with("symbol") || f.starts_with("webdings")
}

/// An on/off property (`w:vanish`, `w14:checked`, `w:checked`): on unless its value says
/// off.
fn on_off(e: &BytesStart<'_>) -> bool {
    !matches!(attr(e, b"val").as_deref(), Some("0" | "false" | "off"))
}

fn finish_table(t: TableBuild) -> Vec<Vec<DocCell>> {
    let mut out: Vec<Vec<DocCell>> = Vec::new();
    for raw_row in t.rows {
        let mut row = Vec::new();
        let mut col = 0;
        for c in raw_row {
            let span = c.span.max(1);
            let mut text = c.paras.join("\n");
            let merged = c.vmerge == Some(false);
            if merged {
                if let Some(above) = out
                    .last()
                    .and_then(|r: &Vec<DocCell>| r.iter().find(|a| a.col == col))
                {
                    text = above.text.clone();
                }
            }
            row.push(DocCell {
                text,
                col,
                span,
                merged,
            });
            col += span;
        }
        out.push(row);
    }
    out
}

/// A run being read: hidden (`w:vanish`) runs are not printed, and the run's font says
/// whether private-use characters are symbol-font glyphs.
#[derive(Default)]
struct RunCtx {
    hidden: bool,
    font: Option<String>,
    /// Raised or lowered (`w:vertAlign` superscript / subscript): its digits are kept as
    /// superscript or subscript digits (a note mark typed after a number, `386¹`, must not
    /// read as `3861`; `m²` stays `m²`).
    script: Option<Script>,
}

#[derive(Clone, Copy)]
enum Script {
    Super,
    Sub,
}

/// A digit of a raised or lowered run as the superscript or subscript digit it shows.
fn scripted(c: char, script: Option<Script>) -> char {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    const SUB: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    match (script, c.to_digit(10)) {
        (Some(Script::Super), Some(d)) if c.is_ascii_digit() => SUP[d as usize],
        (Some(Script::Sub), Some(d)) if c.is_ascii_digit() => SUB[d as usize],
        _ => c,
    }
}

/// A content control (`w:sdt`) being read.
#[derive(Default)]
struct SdtCtx {
    /// Inside its `w:sdtPr`.
    in_pr: bool,
    /// It shows its placeholder (`w:showingPlcHdr`): nothing was typed into it.
    placeholder: bool,
    /// A checkbox control (`w14:checkbox`) and whether it is checked (`w14:checked`).
    checkbox: Option<bool>,
    /// Its content's text is not read (a placeholder, or a checkbox read from its state).
    suppress: bool,
}

/// A legacy form checkbox (`w:ffData/w:checkBox` of a FORMCHECKBOX field) being read.
#[derive(Default)]
struct FormCheckBox {
    default: bool,
    checked: Option<bool>,
}

fn mark(checked: bool) -> char {
    if checked {
        CHECKED_MARKS[0]
    } else {
        UNCHECKED_MARKS[0]
    }
}

/// Elements whose whole content is not the document's text: fallback copies of drawings,
/// tracked deletions and moves away, field instructions, ruby (phonetic) text, and the
/// former properties kept by tracked formatting changes (a `w:tcPrChange` holds the old
/// `w:gridSpan` / `w:vMerge`).
fn skipped(local: &[u8]) -> bool {
    matches!(
        local,
        b"Fallback"
            | b"del"
            | b"moveFrom"
            | b"instrText"
            | b"delText"
            | b"delInstrText"
            | b"rt"
            | b"rPrChange"
            | b"pPrChange"
            | b"tcPrChange"
            | b"trPrChange"
            | b"tblPrChange"
            | b"tblPrExChange"
            | b"tblGridChange"
            | b"sectPrChange"
            | b"numberingChange"
    )
}

/// Marks the cell being read as deleted with tracked changes on (`w:cellDel` in its
/// properties).
fn delete_cell(tables: &mut [TableBuild]) {
    if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
        c.deleted = true;
    }
}

/// Parses `word/document.xml`; an error gives the byte position and the reason.
fn parse_document(xml: &str) -> Result<Vec<DocBlock>, (u64, String)> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut blocks = Vec::new();
    let mut tables: Vec<TableBuild> = Vec::new();
    let mut paras: Vec<String> = Vec::new();
    let mut in_text = false;
    // Depth inside elements whose content is skipped (see `skipped`).
    let mut skip = 0usize;
    let mut in_body = false;
    // The runs (`w:r`) open: only there are `w:tab`, `w:br` and `w:sym` text (a `w:tab`
    // in `w:tabs` of paragraph properties is a tab stop). A text box nests runs.
    let mut runs: Vec<RunCtx> = Vec::new();
    // Inside paragraph properties (whose `w:rPr` is the paragraph mark's, not a run's).
    let mut in_ppr = 0usize;
    // Inside a row's properties (`w:trPr`), and whether the row is a tracked deletion.
    let mut in_trpr = false;
    let mut row_deleted = false;
    let mut sdts: Vec<SdtCtx> = Vec::new();
    let mut form_box: Option<FormCheckBox> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| (reader.error_position(), e.to_string()))?;
        // Text of hidden runs and of content controls read otherwise is not printed.
        let silent = runs.last().is_some_and(|r| r.hidden) || sdts.iter().any(|s| s.suppress);
        match ev {
            Event::Start(e) => {
                let name = e.local_name();
                let n = name.as_ref();
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                if n == b"del" && in_trpr {
                    row_deleted = true;
                }
                if n == b"cellDel" {
                    delete_cell(&mut tables);
                }
                if skipped(n) {
                    skip = 1;
                    continue;
                }
                match n {
                    b"body" => in_body = true,
                    b"p" => paras.push(String::new()),
                    b"pPr" => in_ppr += 1,
                    b"r" => runs.push(RunCtx::default()),
                    b"t" => in_text = true,
                    b"tbl" => tables.push(TableBuild::default()),
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row = Some(Vec::new());
                        }
                        row_deleted = false;
                    }
                    b"trPr" => in_trpr = true,
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(RawCell {
                                span: 1,
                                ..RawCell::default()
                            });
                        }
                    }
                    b"sdt" => sdts.push(SdtCtx::default()),
                    b"sdtPr" => {
                        if let Some(s) = sdts.last_mut() {
                            s.in_pr = true;
                        }
                    }
                    b"checkbox" => {
                        if let Some(s) = sdts.last_mut().filter(|s| s.in_pr) {
                            s.checkbox = Some(false);
                        }
                    }
                    b"sdtContent" => {
                        if let Some(s) = sdts.last_mut() {
                            match (s.checkbox, paras.last_mut()) {
                                (Some(checked), Some(p)) => {
                                    if !silent {
                                        p.push(mark(checked));
                                    }
                                    s.suppress = true;
                                }
                                _ => s.suppress = s.placeholder,
                            }
                        }
                    }
                    b"checkBox" => form_box = Some(FormCheckBox::default()),
                    // An image (DrawingML `pic:pic`, VML `v:imagedata`), not a text box.
                    b"pic" | b"imagedata" if !silent => {
                        if let Some(p) = paras.last_mut() {
                            p.push(PICTURE);
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip > 0 {
                    continue;
                }
                let name = e.local_name();
                let in_run = !runs.is_empty();
                match name.as_ref() {
                    b"del" if in_trpr => row_deleted = true,
                    b"cellDel" => delete_cell(&mut tables),
                    b"br" | b"cr" | b"tab" | b"ptab" | b"sym" | b"noBreakHyphen"
                        if !in_run || silent => {}
                    b"noBreakHyphen" => {
                        if let Some(p) = paras.last_mut() {
                            p.push('-');
                        }
                    }
                    b"br" | b"cr" => {
                        if let Some(p) = paras.last_mut() {
                            p.push('\n');
                        }
                    }
                    b"tab" | b"ptab" => {
                        // A tab, kept in paragraphs outside tables (a table converted to
                        // text separates its cells with tabs); a space in a cell.
                        if let Some(p) = paras.last_mut() {
                            p.push('\t');
                        }
                    }
                    b"sym" => {
                        let code =
                            attr(&e, b"char").and_then(|c| u32::from_str_radix(c.trim(), 16).ok());
                        let font = attr(&e, b"font");
                        if let (Some(p), Some(c)) = (
                            paras.last_mut(),
                            code.and_then(|c| sym_char(font.as_deref(), c)),
                        ) {
                            p.push(c);
                        }
                    }
                    b"vanish" if in_ppr == 0 => {
                        if let Some(r) = runs.last_mut() {
                            r.hidden = on_off(&e);
                        }
                    }
                    b"vertAlign" if in_ppr == 0 => {
                        if let Some(r) = runs.last_mut() {
                            r.script = match attr(&e, b"val").as_deref() {
                                Some("superscript") => Some(Script::Super),
                                Some("subscript") => Some(Script::Sub),
                                _ => None,
                            };
                        }
                    }
                    b"rFonts" if in_ppr == 0 => {
                        if let Some(r) = runs.last_mut() {
                            r.font = attr(&e, b"ascii")
                                .or_else(|| attr(&e, b"hAnsi"))
                                .or_else(|| attr(&e, b"eastAsia"));
                        }
                    }
                    b"showingPlcHdr" => {
                        if let Some(s) = sdts.last_mut().filter(|s| s.in_pr) {
                            s.placeholder = on_off(&e);
                        }
                    }
                    b"checkbox" => {
                        if let Some(s) = sdts.last_mut().filter(|s| s.in_pr) {
                            s.checkbox = Some(false);
                        }
                    }
                    b"checked" => {
                        if let Some(s) = sdts.last_mut().filter(|s| s.in_pr && s.checkbox.is_some())
                        {
                            s.checkbox = Some(on_off(&e));
                        } else if let Some(b) = form_box.as_mut() {
                            b.checked = Some(on_off(&e));
                        }
                    }
                    b"default" => {
                        if let Some(b) = form_box.as_mut() {
                            b.default = attr(&e, b"val")
                                .is_some_and(|v| v == "1" || v == "true" || v == "on");
                        }
                    }
                    b"gridSpan" => {
                        if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            c.span = attr(&e, b"val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(1)
                                .max(1);
                        }
                    }
                    b"vMerge" => {
                        if let Some(c) = tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            c.vmerge = Some(attr(&e, b"val").as_deref() == Some("restart"));
                        }
                    }
                    b"pic" | b"imagedata" if !silent => {
                        if let Some(p) = paras.last_mut() {
                            p.push(PICTURE);
                        }
                    }
                    b"p" => {
                        // An empty paragraph.
                        emit_para(String::new(), &mut tables, &mut blocks, in_body);
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let name = e.local_name();
                match name.as_ref() {
                    b"t" => in_text = false,
                    b"r" => {
                        runs.pop();
                    }
                    b"pPr" => in_ppr = in_ppr.saturating_sub(1),
                    b"trPr" => in_trpr = false,
                    b"p" => {
                        let text = paras.pop().unwrap_or_default();
                        emit_para(text, &mut tables, &mut blocks, in_body);
                    }
                    b"sdtPr" => {
                        if let Some(s) = sdts.last_mut() {
                            s.in_pr = false;
                        }
                    }
                    b"sdtContent" => {
                        if let Some(s) = sdts.last_mut() {
                            s.suppress = false;
                        }
                    }
                    b"sdt" => {
                        sdts.pop();
                    }
                    b"checkBox" => {
                        if let (Some(b), Some(p)) = (form_box.take(), paras.last_mut()) {
                            if !silent {
                                p.push(mark(b.checked.unwrap_or(b.default)));
                            }
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            if let (Some(c), Some(r)) = (t.cell.take(), t.row.as_mut()) {
                                // A cell deleted with tracked changes on is not the form's.
                                if !c.deleted {
                                    r.push(c);
                                }
                            }
                        }
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            if let Some(r) = t.row.take() {
                                // A row deleted with tracked changes on is not the form's.
                                if !row_deleted {
                                    t.rows.push(r);
                                }
                            }
                        }
                        row_deleted = false;
                    }
                    b"tbl" => {
                        if let Some(t) = tables.pop() {
                            let rows = finish_table(t);
                            match tables.last_mut().and_then(|p| p.cell.as_mut()) {
                                // A nested table: its rows become lines of the cell.
                                Some(parent) => {
                                    for r in rows {
                                        let line: Vec<String> = r
                                            .into_iter()
                                            .filter(|c| !c.merged)
                                            .map(|c| c.text.replace('\n', " "))
                                            .collect();
                                        parent.paras.push(line.join("　"));
                                    }
                                }
                                None => blocks.push(DocBlock::Table(rows)),
                            }
                        }
                    }
                    b"body" => in_body = false,
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip == 0 && !silent => {
                if let Some(p) = paras.last_mut() {
                    let s = t
                        .decode()
                        .map_err(|e| (reader.error_position(), e.to_string()))?;
                    // A symbol font's glyph typed as text (U+F0FE in Wingdings).
                    let script = runs.last().and_then(|r| r.script);
                    match runs.last().and_then(|r| r.font.as_deref()) {
                        Some(font) if is_symbol_font(font) => p.extend(s.chars().filter_map(|c| {
                            if ('\u{F020}'..='\u{F0FF}').contains(&c) {
                                sym_char(Some(font), c as u32)
                            } else {
                                Some(c)
                            }
                        })),
                        _ => p.extend(s.chars().map(|c| scripted(c, script))),
                    }
                }
            }
            Event::CData(t) if in_text && skip == 0 && !silent => {
                if let Some(p) = paras.last_mut() {
                    p.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) if in_text && skip == 0 && !silent => {
                if let Some(p) = paras.last_mut() {
                    let c = if r.is_char_ref() {
                        r.resolve_char_ref()
                            .map_err(|e| (reader.error_position(), e.to_string()))?
                    } else {
                        match r.decode().as_deref() {
                            Ok("amp") => Some('&'),
                            Ok("lt") => Some('<'),
                            Ok("gt") => Some('>'),
                            Ok("quot") => Some('"'),
                            Ok("apos") => Some('\''),
                            _ => None,
                        }
                    };
                    if let Some(c) = c {
                        p.push(c);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !tables.is_empty() || !paras.is_empty() {
        return Err((
            xml.len() as u64,
            "the document ends inside a table or paragraph".into(),
        ));
    }
    Ok(blocks)
}

fn emit_para(text: String, tables: &mut [TableBuild], blocks: &mut Vec<DocBlock>, in_body: bool) {
    match tables.last_mut().and_then(|t| t.cell.as_mut()) {
        Some(c) => c.paras.push(text.replace('\t', " ")),
        None if in_body => blocks.push(DocBlock::Para(text)),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn doc(body: &str) -> String {
        format!(r#"<?xml version="1.0"?><w:document {NS}><w:body>{body}</w:body></w:document>"#)
    }

    #[test]
    fn split_runs_entities_breaks_and_symbols() {
        let xml = doc(
            r#"<w:p><w:r><w:t>拥有</w:t></w:r><w:r><w:t xml:space="preserve">有效 </w:t></w:r><w:r><w:t>专利&amp;</w:t><w:br/><w:t>x</w:t></w:r><w:r><w:sym w:font="Wingdings" w:char="F0FE"/><w:t>是</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            parse_document(&xml).unwrap(),
            vec![DocBlock::Para("拥有有效 专利&\nx☑是".into())]
        );
    }

    #[test]
    fn spans_and_vertical_merges() {
        let xml = doc(
            r#"<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>经费</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>2021年</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>38</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        let b = parse_document(&xml).unwrap();
        let DocBlock::Table(rows) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(rows[0][1].col, 1);
        assert_eq!(rows[0][1].span, 2);
        assert_eq!(rows[1][0].text, "经费");
        assert!(rows[1][0].merged);
        assert_eq!(rows[1][1].col, 1);
    }

    /// A raised digit stays raised (`4¹`, not `41`); a picture is U+FFFC, a text box its
    /// text.
    #[test]
    fn superscripts_and_pictures() {
        let xml = doc(
            r#"<w:p><w:r><w:t>4</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="subscript"/></w:rPr><w:t>2</w:t></w:r><w:r><w:drawing><pic:pic xmlns:pic="p"/></w:drawing></w:r><w:r><w:pict><v:shape xmlns:v="v"><v:imagedata/></v:shape></w:pict></w:r></w:p>"#,
        );
        assert_eq!(
            parse_document(&xml).unwrap(),
            vec![DocBlock::Para(format!("4¹₂{PICTURE}{PICTURE}"))]
        );
    }

    #[test]
    fn tab_stops_are_not_text() {
        let xml = doc(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            parse_document(&xml).unwrap(),
            vec![DocBlock::Para("a\tb".into())]
        );
    }

    #[test]
    fn fallback_copies_and_deleted_text_are_skipped() {
        let xml = doc(
            r#"<w:p><w:r><w:t>x</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del><mc:AlternateContent xmlns:mc="m"><mc:Choice><w:r><w:t>y</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>y</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"#,
        );
        assert_eq!(
            parse_document(&xml).unwrap(),
            vec![DocBlock::Para("xy".into())]
        );
    }

    fn para_text(body: &str) -> String {
        match parse_document(&doc(body)).unwrap().as_slice() {
            [DocBlock::Para(p)] => p.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn moved_away_text_and_ruby_guides_are_not_content() {
        // Tracked move: the text at its old place is not read; at its new place it is.
        assert_eq!(
            para_text(
                r#"<w:p><w:moveFrom w:id="1"><w:r><w:t>400</w:t></w:r></w:moveFrom><w:moveTo w:id="2"><w:r><w:t>386</w:t></w:r></w:moveTo><w:ins w:id="3"><w:r><w:t>家</w:t></w:r></w:ins></w:p>"#
            ),
            "386家"
        );
        assert_eq!(
            para_text(
                r#"<w:p><w:r><w:t>法定</w:t></w:r><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>dai</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>代</w:t></w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>表人</w:t></w:r></w:p>"#
            ),
            "法定代表人"
        );
    }

    #[test]
    fn hidden_runs_are_not_printed_text() {
        assert_eq!(
            para_text(
                r#"<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:rPr><w:vanish/></w:rPr><w:t>400</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>386</w:t></w:r></w:p>"#
            ),
            "386"
        );
    }

    #[test]
    fn former_cell_properties_of_a_tracked_change_are_ignored() {
        let xml = doc(
            r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:tcPrChange w:id="1"><w:tcPr><w:gridSpan w:val="1"/><w:vMerge/></w:tcPr></w:tcPrChange></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        let b = parse_document(&xml).unwrap();
        let DocBlock::Table(rows) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!((rows[0][0].span, rows[0][0].merged), (2, false));
        assert_eq!(rows[0][1].col, 2);
    }

    #[test]
    fn a_row_deleted_with_tracked_changes_is_dropped() {
        let xml = doc(
            r#"<w:tbl><w:tr><w:trPr><w:del w:id="1"/></w:trPr><w:tc><w:p><w:del w:id="2"><w:r><w:delText>old</w:delText></w:r></w:del></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>new</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        let b = parse_document(&xml).unwrap();
        let DocBlock::Table(rows) = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][0].text, "new");
    }

    #[test]
    fn a_cell_deleted_with_tracked_changes_is_dropped() {
        // 注册资本 | (a cell deleted, its old value) | 386, and a tracked inserted cell kept.
        let xml = doc(
            r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>注册资本</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:cellDel w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"/></w:tcPr><w:p><w:r><w:t>400</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:cellIns w:id="2"/></w:tcPr><w:p><w:r><w:t>386</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        let b = parse_document(&xml).unwrap();
        let DocBlock::Table(rows) = &b[0] else {
            panic!("{b:?}")
        };
        let texts: Vec<&str> = rows[0].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["注册资本", "386"]);
        assert_eq!(rows[0][1].col, 1);
    }

    #[test]
    fn content_controls_placeholders_and_checkboxes() {
        // An unfilled control shows its placeholder: nothing was typed.
        assert_eq!(
            para_text(
                r#"<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>单击或点击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt></w:p>"#
            ),
            ""
        );
        assert_eq!(
            para_text(
                r#"<w:p><w:sdt><w:sdtPr><w:id w:val="1"/></w:sdtPr><w:sdtContent><w:r><w:t>386</w:t></w:r></w:sdtContent></w:sdt></w:p>"#
            ),
            "386"
        );
        // Checkbox controls read from w14:checked, whatever glyph (here Wingdings, typed
        // as a private-use character) shows the state.
        let cb = |checked: &str, glyph: char| {
            format!(
                r#"<w:sdt><w:sdtPr><w14:checkbox xmlns:w14="x"><w14:checked w14:val="{checked}"/><w14:checkedState w14:val="00FE" w14:font="Wingdings"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"#
            )
        };
        assert_eq!(
            para_text(&format!(
                "<w:p>{}<w:r><w:t>是　</w:t></w:r>{}<w:r><w:t>否</w:t></w:r></w:p>",
                cb("1", '\u{F0A8}'),
                cb("0", '\u{F0FE}')
            )),
            "☑是　□否"
        );
    }

    #[test]
    fn symbol_font_glyphs_and_legacy_form_checkboxes() {
        // Wingdings glyphs typed as text; Symbol's √ inserted as a symbol.
        assert_eq!(
            para_text(
                "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"Wingdings\" w:hAnsi=\"Wingdings\"/></w:rPr><w:t>\u{F0FE}</w:t></w:r><w:r><w:t>是</w:t></w:r><w:r><w:t>否</w:t></w:r><w:r><w:sym w:font=\"Symbol\" w:char=\"F0D6\"/></w:r></w:p>"
            ),
            "☑是否√"
        );
        // FORMCHECKBOX fields have no text: their state is in w:ffData.
        let ff = |inner: &str| {
            format!(
                r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/>{inner}</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
            )
        };
        assert_eq!(
            para_text(&format!(
                "<w:p>{}<w:r><w:t>是</w:t></w:r>{}<w:r><w:t>否</w:t></w:r>{}</w:p>",
                ff(r#"<w:default w:val="0"/><w:checked/>"#),
                ff(r#"<w:default w:val="1"/><w:checked w:val="0"/>"#),
                ff(r#"<w:default w:val="1"/>"#)
            )),
            "☑是□否☑"
        );
    }

    #[test]
    fn wingdings_and_wingdings_2_are_told_apart() {
        let sym = |font: &str, code: &str| {
            para_text(&format!(
                r#"<w:p><w:r><w:sym w:font="{font}" w:char="{code}"/></w:r></w:p>"#
            ))
        };
        assert_eq!(sym("Wingdings 2", "F050"), "✓");
        assert_eq!(sym("Wingdings 2", "F052"), "☑");
        assert_eq!(sym("Wingdings 2", "F054"), "☒");
        assert_eq!(sym("Wingdings 2", "F0A3"), "□");
        assert_eq!(sym("Wingdings", "F06E"), "■");
        assert_eq!(sym("Wingdings", "F0FC"), "✓");
        assert_eq!(sym("Wingdings", "F0A8"), "□");
        assert_eq!(sym("Wingdings", "F06C"), "●");
        // Wingdings' `P` is no tick (a flag): left as the private-use character.
        assert_eq!(sym("Wingdings", "F050"), "\u{F050}");
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse_document(&doc("<w:p><w:r><w:t>x</w:r></w:p>")).is_err());
    }
}
