//! Reading input: what a file given as a scores CSV (or as a sheet) is when it is not one,
//! from its first bytes — an Excel workbook, a PDF, a web page, an expert's sheet, text in
//! the Chinese Windows encoding (GBK/GB18030), … — so that the refusal can name it and say
//! how to save it instead. [`not_text`] ([`other_format`]) looks at most at the first 64 KB, once per file
//! before its header is read; the rest only when something is refused.

/// How to turn a spreadsheet into the file the commands read, in the words of the programs.
pub const SAVE_AS_CSV: &str = "open it in Excel or WPS and save it as CSV UTF-8 (另存为 → \
     “CSV UTF-8(逗号分隔)(*.csv)”)";

/// The bytes looked at.
const HEAD: usize = 64 << 10;

/// What the file starting with `bytes` is, when it is recognisably not a CSV (or JSON text):
/// a sentence naming it and saying what to do, or `None`.
pub fn not_text(bytes: &[u8]) -> Option<String> {
    let (what, sheet) = other_format(bytes)?;
    let advice = if sheet {
        SAVE_AS_CSV
    } else {
        "give the scores as a CSV file saved as CSV UTF-8 from the spreadsheet"
    };
    Some(format!("this is {what}, not a CSV file: {advice}"))
}

/// The kind of file starting with `bytes` when it is recognisably not text (nor a web page
/// or XML spreadsheet): its name (`an Excel workbook (.xlsx)`) and whether a spreadsheet
/// program opens it and saves it as CSV; `None` for text.
pub fn other_format(bytes: &[u8]) -> Option<(&'static str, bool)> {
    let head = &bytes[..bytes.len().min(HEAD)];
    let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    // (what it is, whether a spreadsheet program opens it and saves it as CSV)
    let (what, sheet) = if head.starts_with(b"PK\x03\x04") {
        if has(b"xl/") {
            ("an Excel workbook (.xlsx)", true)
        } else if has(b"word/") {
            ("a Word document (.docx)", false)
        } else {
            ("a ZIP archive (an .xlsx or .docx is one)", false)
        }
    } else if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        (
            "an Excel 97–2003 workbook (.xls) or another old Office file",
            true,
        )
    } else if head.starts_with(b"%PDF-") {
        ("a PDF document", false)
    } else if head.starts_with(b"\x1F\x8B")
        || head.starts_with(b"7z\xBC\xAF")
        || head.starts_with(b"Rar!")
    {
        ("a compressed archive", false)
    } else if let Some(markup) = markup(head) {
        (markup, true)
    } else if first_line(head).contains(&0) && !utf16(head) {
        // (a zero byte in the first line: a zero in a row is named at its column instead)
        ("a binary file (not text)", false)
    } else {
        return None;
    };
    Some((what, sheet))
}

/// The bytes before the first line break, at most 4 KB.
fn first_line(head: &[u8]) -> &[u8] {
    let head = &head[..head.len().min(4096)];
    memchr::memchr(b'\n', head).map_or(head, |p| &head[..p])
}

/// A web page or an XML spreadsheet (systems that “export to Excel” often write one of
/// these under an .xls or .csv name).
fn markup(head: &[u8]) -> Option<&'static str> {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = &text[start..text.len().min(start + 4096)];
    if text.first() != Some(&b'<') {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    if has(b"urn:schemas-microsoft-com:office:spreadsheet") {
        Some("an Excel XML spreadsheet (XML 电子表格)")
    } else if lower.starts_with(b"<!doctype html") || has(b"<html") || has(b"<table") {
        Some("a web page (HTML)")
    } else if lower.starts_with(b"<?xml") {
        Some("an XML file")
    } else {
        None
    }
}

/// UTF-16 text: its byte order mark, or ASCII with a zero byte beside every character.
pub fn utf16(b: &[u8]) -> bool {
    b.starts_with(b"\xFF\xFE")
        || b.starts_with(b"\xFE\xFF")
        || (b.len() >= 4 && (b[1] == 0 && b[3] == 0 || b[0] == 0 && b[2] == 0))
}

/// Text that is not UTF-8 but reads as GB18030 (GBK is a part of it: what Excel and WPS
/// save as “CSV” on Chinese Windows): the text as it reads, else `None`.
pub fn gb18030(bytes: &[u8]) -> Option<String> {
    if std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let text = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    // Text, not binary that happens to decode: no control characters but line ends and tabs.
    let printable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'));
    // Chinese text: at least one CJK character.
    let cjk = text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    (printable && cjk).then(|| text.into_owned())
}

/// The advice for text in GBK/GB18030.
pub fn gb18030_message(text: &str) -> String {
    let shown: String = text.trim().chars().take(30).collect();
    let more = if shown.chars().count() < text.trim().chars().count() {
        "…"
    } else {
        ""
    };
    format!(
        "not valid UTF-8: the file is in the Chinese Windows encoding GBK/GB18030 (these \
         bytes read “{shown}{more}” in it), as Excel and WPS save plain “CSV”; {SAVE_AS_CSV}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_formats_are_named() {
        for (bytes, want) in [
            (&b"PK\x03\x04\x14\0\0\0[Content_Types].xml....xl/workbook.xml"[..], "an Excel workbook (.xlsx)"),
            (b"PK\x03\x04\x14\0\0\0[Content_Types].xml....word/document.xml", "a Word document"),
            (b"PK\x03\x04\x14\0\0\0data.csv", "a ZIP archive"),
            (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0", "an Excel 97–2003 workbook (.xls)"),
            (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
            (b"\xEF\xBB\xBF\r\n<!DOCTYPE html><html>", "a web page (HTML)"),
            (b"<table><tr><td>application</td>", "a web page (HTML)"),
            (
                b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
                "an Excel XML spreadsheet",
            ),
            (b"\x7fELF\x02\x01\x01\0\0\0", "a binary file"),
        ] {
            let m = not_text(bytes).unwrap_or_else(|| panic!("{bytes:?} not recognised"));
            assert!(m.starts_with(&format!("this is {want}")), "{m}");
            assert!(m.contains("CSV UTF-8"), "{m}");
            assert_eq!(m.contains("open it in Excel"), !want.contains("PDF") && !want.contains("Word") && !want.contains("ZIP") && !want.contains("binary"), "{m}");
        }
        for text in [
            &b"application,expert,criterion,value\n"[..],
            b"\xEF\xBB\xBFapplication,expert",
            "申请编号,专家,指标,分值\n".as_bytes(),
            b"\xFF\xFEa\0p\0p\0",
            b"<notes>,E01,A1,1",
            b"application,expert,criterion,value\nT24-001\0,E01,A1,5\n",
            b"",
        ] {
            assert_eq!(not_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn gbk_text_is_recognised() {
        let (gbk, _, _) = encoding_rs::GBK.encode("申请编号,专家,指标,分值");
        let text = gb18030(&gbk).expect("GBK is GB18030");
        assert_eq!(text, "申请编号,专家,指标,分值");
        let m = gb18030_message(&text);
        assert!(
            m.contains("GBK/GB18030 (these bytes read “申请编号,专家,指标,分值”"),
            "{m}"
        );
        // UTF-8 is not; nor are bytes that are not Chinese text.
        assert_eq!(gb18030("申请编号".as_bytes()), None);
        assert_eq!(gb18030(b"\xff\xff\xff"), None);
        assert_eq!(gb18030(b"abc\x81\x30"), None);
    }
}
