//! The last step of writing a Word document with `docx-rs`: the parts it builds are put in
//! the element order of the WordprocessingML schema, and the first row of each table can
//! be marked as its header row, before the package is zipped.
//!
//! docx-rs writes run properties as `w:sz, w:szCs, w:b, w:bCs, w:rFonts`, paragraph
//! properties with `w:rPr` first and section properties with `w:footerReference` last.
//! The schema gives these children a fixed sequence (`w:rFonts` before `w:b` before
//! `w:sz`, `w:rPr` last in `w:pPr`, references first in `w:sectPr`), and Word drops
//! children it meets out of sequence, so the 宋体 of `w:rFonts` and the bold of titles
//! would be lost there while LibreOffice shows them. docx-rs has no setting for a
//! repeated header row (`w:tblHeader`) either.

use std::io::Cursor;

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};

/// The sequence of the children of `w:rPr` (EG_RPrBase, with the tracked-change marks of
/// a paragraph mark's properties first and `w:rPrChange` last).
const RPR: &[&str] = &[
    "ins",
    "del",
    "moveFrom",
    "moveTo",
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "rPrChange",
];
const PPR: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];
const TCPR: &[&str] = &[
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
    "headers",
    "cellIns",
    "cellDel",
    "cellMerge",
    "tcPrChange",
];
const TBLPR: &[&str] = &[
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
];
/// `w:headerReference` and `w:footerReference` share the first place, in any order.
const SECTPR: &[&str] = &[
    "headerReference|footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
];

/// The child sequence of a property element, if `local` is one whose order is fixed.
fn sequence(local: &[u8]) -> Option<&'static [&'static str]> {
    match local {
        b"rPr" => Some(RPR),
        b"pPr" => Some(PPR),
        b"tcPr" => Some(TCPR),
        b"tblPr" => Some(TBLPR),
        b"sectPr" => Some(SECTPR),
        _ => None,
    }
}

/// A child's place in `seq` (an unknown child goes last, keeping its order).
fn rank(seq: &[&str], local: &[u8]) -> usize {
    let name = std::str::from_utf8(local).unwrap_or("");
    seq.iter()
        .position(|s| s.split('|').any(|n| n == name))
        .unwrap_or(seq.len())
}

type Events = Vec<Event<'static>>;

fn read(reader: &mut Reader<&[u8]>) -> Result<Event<'static>, String> {
    reader
        .read_event()
        .map(|e| e.into_owned())
        .map_err(|e| format!("{e} at byte {}", reader.error_position()))
}

/// The events of the element opened by `start` up to its end, property elements inside
/// it put in order.
fn element(reader: &mut Reader<&[u8]>, start: BytesStart<'static>) -> Result<Events, String> {
    let seq = sequence(start.local_name().as_ref());
    let mut children: Vec<(usize, Events)> = Vec::new();
    let end = start.to_end().into_owned();
    loop {
        let ev = read(reader)?;
        match ev {
            Event::Start(s) => {
                let r = seq.map_or(0, |q| rank(q, s.local_name().as_ref()));
                children.push((r, element(reader, s)?));
            }
            Event::Empty(ref s) => {
                let r = seq.map_or(0, |q| rank(q, s.local_name().as_ref()));
                children.push((r, vec![ev]));
            }
            Event::End(_) => break,
            Event::Eof => return Err("the part ends inside an element".into()),
            other => {
                // Text and the like stay where they are.
                let r = children.last().map_or(0, |(r, _)| *r);
                children.push((r, vec![other]));
            }
        }
    }
    if seq.is_some() {
        children.sort_by_key(|(r, _)| *r);
    }
    let mut out = vec![Event::Start(start)];
    out.extend(children.into_iter().flat_map(|(_, e)| e));
    out.push(Event::End(end));
    Ok(out)
}

/// `part` (a WordprocessingML part) with the children of `w:rPr`, `w:pPr`, `w:tcPr`,
/// `w:tblPr` and `w:sectPr` in the schema's order; with `header_rows`, the first row of
/// each top-level table marked `w:tblHeader` (repeated on every page the table runs onto).
pub fn canonical(part: &[u8], header_rows: bool) -> Result<Vec<u8>, String> {
    let mut reader = Reader::from_reader(part);
    let mut events: Events = Vec::new();
    loop {
        match read(&mut reader)? {
            Event::Eof => break,
            Event::Start(s) => events.extend(element(&mut reader, s)?),
            ev => events.push(ev),
        }
    }
    let mut writer = Writer::new(Vec::with_capacity(part.len() + 1024));
    let mut tables = 0usize;
    // The first row of a top-level table is open and not yet marked.
    let mut pending = false;
    let io = |e: std::io::Error| e.to_string();
    let header = |w: &mut Writer<Vec<u8>>, open: bool| -> std::io::Result<()> {
        if open {
            w.write_event(Event::Start(BytesStart::new("w:trPr")))?;
        }
        w.write_event(Event::Empty(BytesStart::new("w:tblHeader")))?;
        if open {
            w.write_event(Event::End(BytesEnd::new("w:trPr")))?;
        }
        Ok(())
    };
    for ev in events {
        let name = match &ev {
            Event::Start(e) | Event::Empty(e) => e.name().as_ref().to_vec(),
            Event::End(e) => e.name().as_ref().to_vec(),
            _ => Vec::new(),
        };
        match (&ev, name.as_slice()) {
            (Event::Start(_), b"w:tbl") => {
                tables += 1;
                pending = header_rows && tables == 1;
            }
            (Event::End(_), b"w:tbl") => tables = tables.saturating_sub(1),
            (Event::Empty(_), b"w:trPr") if pending => {
                pending = false;
                header(&mut writer, true).map_err(io)?;
                continue;
            }
            (Event::Start(_), b"w:trPr") if pending => {
                pending = false;
                writer.write_event(ev).map_err(io)?;
                header(&mut writer, false).map_err(io)?;
                continue;
            }
            (Event::Start(_) | Event::Empty(_), b"w:tc") if pending => {
                // A row without properties.
                pending = false;
                header(&mut writer, true).map_err(io)?;
            }
            _ => {}
        }
        writer.write_event(ev).map_err(io)?;
    }
    Ok(writer.into_inner())
}

/// Builds and zips `doc`, its document, styles, headers and footers in schema order (see
/// [`canonical`]).
pub fn pack(doc: docx_rs::Docx, header_rows: bool) -> Result<Vec<u8>, String> {
    let mut xml = doc.build();
    xml.document = canonical(&xml.document, header_rows)?;
    xml.styles = canonical(&xml.styles, false)?;
    for part in xml.headers.iter_mut().chain(xml.footers.iter_mut()) {
        *part = canonical(part, false)?;
    }
    let mut buf = Cursor::new(Vec::new());
    xml.pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str, header_rows: bool) -> String {
        String::from_utf8(canonical(s.as_bytes(), header_rows).unwrap()).unwrap()
    }

    #[test]
    fn property_children_follow_the_schema_sequence() {
        let got = canon(
            r#"<w:body><w:p><w:pPr><w:rPr /><w:jc w:val="center" /><w:pageBreakBefore /></w:pPr><w:r><w:rPr><w:sz w:val="32" /><w:szCs w:val="32" /><w:b /><w:bCs /><w:rFonts w:eastAsia="宋体" /></w:rPr><w:t xml:space="preserve">标题 &amp; x</w:t></w:r></w:p><w:sectPr><w:pgSz w:w="11906" /><w:pgMar w:top="1134" /><w:footerReference w:type="default" r:id="rId1" /></w:sectPr></w:body>"#,
            false,
        );
        assert_eq!(
            got,
            r#"<w:body><w:p><w:pPr><w:pageBreakBefore /><w:jc w:val="center" /><w:rPr /></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="宋体" /><w:b /><w:bCs /><w:sz w:val="32" /><w:szCs w:val="32" /></w:rPr><w:t xml:space="preserve">标题 &amp; x</w:t></w:r></w:p><w:sectPr><w:footerReference w:type="default" r:id="rId1" /><w:pgSz w:w="11906" /><w:pgMar w:top="1134" /></w:sectPr></w:body>"#
        );
    }

    #[test]
    fn the_first_row_of_each_top_level_table_is_its_header() {
        let got = canon(
            r#"<w:tbl><w:tr><w:trPr /><w:tc><w:tbl><w:tr><w:trPr /><w:tc /></w:tr></w:tbl></w:tc></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl><w:tbl><w:tr><w:tc /></w:tr></w:tbl>"#,
            true,
        );
        assert_eq!(
            got,
            r#"<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tbl><w:tr><w:trPr /><w:tc /></w:tr></w:tbl></w:tc></w:tr><w:tr><w:trPr /></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:tblHeader/><w:cantSplit /></w:trPr></w:tr></w:tbl><w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc /></w:tr></w:tbl>"#
        );
    }
}
