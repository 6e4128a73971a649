//! Reads a Word document (.docx, as written by Word, WPS, LibreOffice or python-docx)
//! into paragraphs and tables of plain text, with `zip` and `quick-xml`.
//!
//! Not docx-rs's reader: that one builds the writer's full document model and fails on
//! elements it does not know, while ingest only needs each cell's text and where it sits
//! (grid column, horizontal span, vertical merge) and must keep reading whatever else a
//! word processor put in the file.
//!
//! Tolerated: runs split anywhere (text is joined per paragraph), `w:br`/`w:cr` line
//! breaks and tabs, symbol-font checkboxes (`w:sym`), content controls (`w:sdt`),
//! nested tables (flattened into their cell), text boxes; `mc:Fallback` copies and
//! deleted text are skipped. Refused, with what the file is: an old binary Word file
//! (.doc), a password-protected document, anything that is not a zip with
//! `word/document.xml`, malformed XML.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::OfficeError;

/// The checked marks a cell may use.
pub const CHECKED_MARKS: [char; 7] = ['☑', '☒', '■', '√', '✓', '✔', '▣'];
/// The unchecked marks.
pub const UNCHECKED_MARKS: [char; 3] = ['□', '☐', '▢'];

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
        return Some(OfficeError::NotDocx {
            file: path.to_path_buf(),
            what: "not a zip package (damaged, or not an Office document)".into(),
        });
    }
    None
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
    {
        let entry = match zip.by_name("word/document.xml") {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => {
                let what = if names.iter().any(|n| n.starts_with("xl/")) {
                    "an Excel workbook (.xlsx)".to_string()
                } else if names.iter().any(|n| n.starts_with("ppt/")) {
                    "a PowerPoint presentation (.pptx)".to_string()
                } else {
                    "a zip file without word/document.xml".to_string()
                };
                return Err(OfficeError::NotDocx {
                    file: path.to_path_buf(),
                    what,
                });
            }
            Err(e) => return Err(corrupt(format!("word/document.xml cannot be read ({e})"))),
        };
        entry
            .take(MAX_DOCUMENT_XML)
            .read_to_string(&mut xml)
            .map_err(|e| corrupt(format!("word/document.xml cannot be read ({e})")))?;
    }
    parse_document(&xml).map_err(|(pos, why)| {
        corrupt(format!(
            "word/document.xml is not well-formed XML at byte {pos}: {why}"
        ))
    })
}

#[derive(Default)]
struct RawCell {
    paras: Vec<String>,
    span: usize,
    /// `Some(true)`: starts a vertical merge; `Some(false)`: continues one.
    vmerge: Option<bool>,
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

/// A symbol-font character (`w:sym w:char="F0FE"`) as text: Wingdings / Wingdings 2
/// boxes become ☑ / □.
fn sym_char(code: &str) -> Option<char> {
    let c = u32::from_str_radix(code.trim(), 16).ok()?;
    let low = if c >= 0xF000 { c - 0xF000 } else { c };
    match low {
        0xFE | 0x52 | 0xFD | 0x53 | 0x78 | 0xFC => Some('☑'),
        0xA8 | 0xA3 | 0x6F | 0xA1 | 0x30 | 0x71 => Some('□'),
        _ => char::from_u32(c).filter(|ch| !ch.is_control()),
    }
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

/// Parses `word/document.xml`; an error gives the byte position and the reason.
fn parse_document(xml: &str) -> Result<Vec<DocBlock>, (u64, String)> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut blocks = Vec::new();
    let mut tables: Vec<TableBuild> = Vec::new();
    let mut paras: Vec<String> = Vec::new();
    let mut in_text = false;
    // Depth inside elements whose content is skipped (mc:Fallback, w:del, w:instrText).
    let mut skip = 0usize;
    let mut in_body = false;
    // Inside a run (`w:r`): only there are `w:tab`, `w:br` and `w:sym` text (a `w:tab`
    // in `w:tabs` of paragraph properties is a tab stop).
    let mut in_run = 0usize;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| (reader.error_position(), e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = e.local_name();
                let n = name.as_ref();
                if skip > 0 {
                    skip += 1;
                    continue;
                }
                match n {
                    b"body" => in_body = true,
                    b"Fallback" | b"del" | b"instrText" | b"delText" => skip = 1,
                    b"p" => paras.push(String::new()),
                    b"r" => in_run += 1,
                    b"t" => in_text = true,
                    b"tbl" => tables.push(TableBuild::default()),
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.row = Some(Vec::new());
                        }
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            t.cell = Some(RawCell {
                                span: 1,
                                ..RawCell::default()
                            });
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
                match name.as_ref() {
                    b"br" | b"cr" | b"tab" | b"sym" | b"noBreakHyphen" if in_run == 0 => {}
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
                    b"tab" => {
                        if let Some(p) = paras.last_mut() {
                            p.push(' ');
                        }
                    }
                    b"sym" => {
                        if let (Some(p), Some(c)) = (
                            paras.last_mut(),
                            attr(&e, b"char").and_then(|c| sym_char(&c)),
                        ) {
                            p.push(c);
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
                    b"r" => in_run = in_run.saturating_sub(1),
                    b"p" => {
                        let text = paras.pop().unwrap_or_default();
                        emit_para(text, &mut tables, &mut blocks, in_body);
                    }
                    b"tc" => {
                        if let Some(t) = tables.last_mut() {
                            if let (Some(c), Some(r)) = (t.cell.take(), t.row.as_mut()) {
                                r.push(c);
                            }
                        }
                    }
                    b"tr" => {
                        if let Some(t) = tables.last_mut() {
                            if let Some(r) = t.row.take() {
                                t.rows.push(r);
                            }
                        }
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
            Event::Text(t) if in_text && skip == 0 => {
                if let Some(p) = paras.last_mut() {
                    let s = t
                        .decode()
                        .map_err(|e| (reader.error_position(), e.to_string()))?;
                    p.push_str(&s);
                }
            }
            Event::CData(t) if in_text && skip == 0 => {
                if let Some(p) = paras.last_mut() {
                    p.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) if in_text && skip == 0 => {
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
        Some(c) => c.paras.push(text),
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

    #[test]
    fn tab_stops_are_not_text() {
        let xml = doc(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            parse_document(&xml).unwrap(),
            vec![DocBlock::Para("a b".into())]
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

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse_document(&doc("<w:p><w:r><w:t>x</w:r></w:p>")).is_err());
    }
}
