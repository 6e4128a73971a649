//! Reading input: what a file given to `panel merge` as a sheet is when it is not one — a
//! folder, an Excel workbook, a PDF, a scores CSV of paper forms, another file of the panel
//! (panel.json, a bundle, a reopen note), a sheet cut off or re-saved in another encoding —
//! so that the refusal names it and says what to do instead.

use std::path::Path;

use crate::scores::{header, sniff as csv_sniff};

use super::SHEET_SCHEMA;

/// What to do with scores that are not a sheet: paper forms come in as a CSV.
const IMPORT_ADVICE: &str = "scores from paper forms come in with `panel import <PANEL_DIR> \
     <CSV>` (columns application,expert,criterion,value[,comment])";

/// What a sheet is, for the messages.
const WHAT_A_SHEET_IS: &str = "a sheet is the <expert>.sheet.json file that `panel sheet \
     export` or the expert's screen writes (with its .sig)";

/// Why the file `bytes` is not a sheet, read from its first bytes, when it is recognisably
/// something else: a sentence naming it and saying what to do, or `None` (the JSON parser
/// then names the place of the problem).
pub(crate) fn not_a_sheet(bytes: &[u8]) -> Option<String> {
    if let Some((what, spreadsheet)) = csv_sniff::other_format(bytes) {
        let advice = if spreadsheet {
            format!(
                "if it holds scores from paper forms, {}, then import that with `panel import \
                 <PANEL_DIR> <CSV>` (columns application,expert,criterion,value[,comment])",
                csv_sniff::SAVE_AS_CSV
            )
        } else {
            IMPORT_ADVICE.to_string()
        };
        return Some(format!(
            "this is {what}, not a sheet; {WHAT_A_SHEET_IS}. {}",
            upper_first(&advice)
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(format!(
            "the file is empty (an interrupted copy or export?); copy the expert's sheet again. \
             {}",
            upper_first(WHAT_A_SHEET_IS)
        ));
    }
    if csv_sniff::utf16(bytes) {
        return Some(
            "the file is UTF-16 text (an editor saved it as “Unicode”); a sheet is UTF-8 \
             exactly as `panel sheet export` wrote it, and its signature covers those bytes: \
             copy the exported file again, unchanged (never open and save a sheet in an \
             editor)"
                .to_string(),
        );
    }
    if csv_sniff::gb18030(bytes).is_some() {
        return Some(
            "the file is in the Chinese Windows encoding GBK/GB18030 (an editor re-saved it \
             as “ANSI”); a sheet is UTF-8 exactly as `panel sheet export` wrote it, and its \
             signature covers those bytes: copy the exported file again, unchanged (never \
             open and save a sheet in an editor)"
                .to_string(),
        );
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if text.starts_with('{') {
        return None;
    }
    let first_line = text.lines().next().unwrap_or("");
    if header::check_header(first_line.split(',').map(str::as_bytes)).is_ok() {
        return Some(format!(
            "this is a scores CSV (header “{}”), not a sheet; {IMPORT_ADVICE}",
            first_line.trim()
        ));
    }
    let shown: String = first_line.trim().chars().take(40).collect();
    let more = if shown.chars().count() < first_line.trim().chars().count() {
        "…"
    } else {
        ""
    };
    Some(format!(
        "this is not JSON (it starts with “{shown}{more}”), not a sheet; {WHAT_A_SHEET_IS}. {}",
        upper_first(IMPORT_ADVICE)
    ))
}

/// Why JSON that did not parse as a sheet is another file: another file of the panel or a
/// sheet of another format version, named by its `schema`; or cut off (the parser reached
/// the end of the file). `None` when nothing more is known than the parser's message.
pub(crate) fn not_a_sheet_json(text: &str, error: &serde_json::Error) -> Option<String> {
    if error.is_eof() {
        return Some(format!(
            "the file ends in the middle of the sheet (line {}): it was cut off, by an \
             interrupted copy, download or disk; copy the expert's sheet again",
            error.line()
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let schema = value.get("schema")?.as_str()?;
    if schema == SHEET_SCHEMA {
        return None;
    }
    if schema.starts_with("panel-sheet/") {
        return Some(format!(
            "schema: {schema:?} is a sheet of another format than {SHEET_SCHEMA:?}, written by \
             another version of panel; have the expert export it with this version"
        ));
    }
    let what = match schema {
        s if s == crate::panel::SCHEMA => "the panel's configuration (panel.json)".to_string(),
        s if s == crate::bundle::SCHEMA => "an application bundle".to_string(),
        s if s == crate::anonymize::RAW_SCHEMA => "a raw application".to_string(),
        s if s == crate::anonymize::MAP_SCHEMA => "the secretariat's identity map".to_string(),
        s if s == super::REOPEN_SCHEMA => "a reopen note of the chair".to_string(),
        s => format!("a JSON file of schema {s:?}"),
    };
    Some(format!("this is {what}, not a sheet; {WHAT_A_SHEET_IS}"))
}

/// Why the folder `dir` given as a sheet is not one: it names the sheets inside, if any.
pub(crate) fn folder_message(dir: &Path) -> String {
    let mut sheets: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sheet.json"))
                .collect()
        })
        .unwrap_or_default();
    sheets.sort();
    let pattern = dir.join("*.sheet.json");
    match sheets.len() {
        0 => format!(
            "this is a folder, and it holds no sheet (*.sheet.json); pass the sheet files \
             themselves. {}",
            upper_first(WHAT_A_SHEET_IS)
        ),
        n => format!(
            "this is a folder holding {n} sheet(s) ({}); pass the sheet files themselves: \
             `panel merge <PANEL_DIR> {}`",
            sheets.join(", "),
            pattern.display()
        ),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_files_are_named_with_what_to_do() {
        for (bytes, want) in [
            (
                &b"PK\x03\x04\x14\0\0\0[Content_Types].xml..xl/workbook.xml"[..],
                "this is an Excel workbook (.xlsx), not a sheet",
            ),
            (b"%PDF-1.7\n", "this is a PDF document, not a sheet"),
            (
                b"PK\x03\x04\x14\0\0\0word/document.xml",
                "this is a Word document (.docx), not a sheet",
            ),
            (
                b"application,expert,criterion,value\nT24-001,E01,A1.1,1\n",
                "this is a scores CSV (header “application,expert,criterion,value”)",
            ),
            (
                "\u{feff}申请编号,专家,指标,分值,评语\r\n".as_bytes(),
                "this is a scores CSV",
            ),
            (
                b"code;score\n",
                "this is not JSON (it starts with “code;score”)",
            ),
            (b" \n", "the file is empty"),
            (b"", "the file is empty"),
            (b"\xFF\xFE{\0\n\0", "the file is UTF-16 text"),
        ] {
            let m = not_a_sheet(bytes).unwrap_or_else(|| panic!("{bytes:?} not recognised"));
            assert!(m.starts_with(want), "{m}");
            assert!(m.contains("panel import") || m.contains("copy"), "{m}");
        }
        let (gbk, _, _) = encoding_rs::GBK.encode("{\n  \"comment\": \"方案具体\"\n}\n");
        let m = not_a_sheet(&gbk).unwrap();
        assert!(
            m.starts_with("the file is in the Chinese Windows encoding GBK/GB18030"),
            "{m}"
        );
        // a sheet (with or without a byte order mark) is left to the parser
        assert_eq!(not_a_sheet(b"{\n  \"schema\": \"panel-sheet/1\""), None);
        assert_eq!(not_a_sheet(b"\xEF\xBB\xBF{\"schema\":1}"), None);
    }

    #[test]
    fn other_json_is_named_by_its_schema_and_a_cut_file_as_cut() {
        let why = |text: &str| {
            let e = serde_json::from_str::<super::super::Sheet>(text).unwrap_err();
            not_a_sheet_json(text, &e)
        };
        let m = why("{\"schema\": \"panel/1\", \"id\": \"x\"}").unwrap();
        assert!(
            m.starts_with("this is the panel's configuration (panel.json), not a sheet"),
            "{m}"
        );
        let m = why("{\"schema\": \"panel-bundle/1\", \"code\": \"T24-001\"}").unwrap();
        assert!(m.starts_with("this is an application bundle"), "{m}");
        let m = why("{\"schema\": \"panel-sheet/2\", \"more\": 1}").unwrap();
        assert!(m.contains("another version of panel"), "{m}");
        let m = why("{\"schema\": \"panel-sheet/1\", \"panel\": \"demo\",\n  \"applications\": [")
            .unwrap();
        assert!(
            m.starts_with("the file ends in the middle of the sheet (line 2)"),
            "{m}"
        );
        // a sheet with a wrong field: the parser's message says where
        assert_eq!(why("{\"schema\": \"panel-sheet/1\", \"pannel\": 1}"), None);
    }
}
