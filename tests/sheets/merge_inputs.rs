//! `panel merge` given what a chair may pick up instead of a sheet, on a copy of the shipped
//! demo panel (in a folder whose name has a space and Chinese): each file is refused on its
//! own line naming the file, what it is and what to do; exit 1; no chair database is left.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const FIXTURE: &str = "fixtures/park-ip-trusteeship-2024";

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// A copy of the demo panel with its shipped sheets and keys.
pub struct Demo {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
}

pub fn demo() -> Demo {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("评审 组").join("t24 copy");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE), &dir);
    Demo { tmp, dir }
}

impl Demo {
    pub fn chair(&self) -> PathBuf {
        self.tmp.path().join("主席 库")
    }

    /// `panel merge <demo> <files> --db <chair>`: (stdout, stderr, exit code).
    pub fn merge(&self, files: &[&Path]) -> (String, String, i32) {
        let mut c = Command::cargo_bin("panel").unwrap();
        c.env("PANEL_KEY_DIR", self.dir.join("keys"))
            .env("HOME", self.tmp.path())
            .env("XDG_DATA_HOME", self.tmp.path().join("xdg"))
            .arg("merge")
            .arg(&self.dir)
            .args(files)
            .arg("--db")
            .arg(self.chair());
        let o = c.output().unwrap();
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
            o.status.code().unwrap_or(-1),
        )
    }

    pub fn sheet(&self, expert: &str) -> PathBuf {
        self.dir.join("sheets").join(format!("{expert}.sheet.json"))
    }
}

#[test]
fn files_that_are_not_sheets_are_named_with_what_to_do() {
    let d = demo();
    let sheet = std::fs::read(d.sheet("E02")).unwrap();
    let text = String::from_utf8(sheet.clone()).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let xlsx = b"PK\x03\x04\x14\0\0\0\0\0[Content_Types].xml<Types/>PK\x03\x04xl/workbook.xml";
    // (file name, bytes, words of the refusal)
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("scores.xlsx", xlsx.to_vec(), "this is an Excel workbook (.xlsx), not a sheet"),
        ("form.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(), "this is a PDF document, not a sheet"),
        (
            "paper.csv",
            "申请编号,专家,指标,分值\nT24-001,E02,A1.1,1\n".as_bytes().to_vec(),
            "this is a scores CSV (header “申请编号,专家,指标,分值”), not a sheet; scores from paper forms come in with `panel import",
        ),
        ("cut.sheet.json", sheet[..sheet.len() / 2].to_vec(), "the file ends in the middle of the sheet"),
        ("empty.sheet.json", Vec::new(), "the file is empty"),
        ("utf16.sheet.json", utf16, "the file is UTF-16 text"),
        ("gbk.sheet.json", gbk.into_owned(), "GBK/GB18030"),
        (
            "bundle.json",
            std::fs::read(d.dir.join("bundles/T24-001.json")).unwrap(),
            "this is an application bundle, not a sheet",
        ),
    ];
    for (name, bytes, want) in &cases {
        let f = d.tmp.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let (out, err, rc) = d.merge(&[&f]);
        assert_eq!(rc, 1, "{name}: {out}{err}");
        let line = format!("refused {}: ", f.display());
        assert!(out.starts_with(&line), "{name}: {out}");
        assert!(out.contains(want), "{name}: {out}");
        assert!(
            !d.chair().exists(),
            "{name}: a refused merge leaves no database"
        );
    }
    let sheets = d.dir.join("sheets");
    let (out, _, rc) = d.merge(&[&sheets]);
    assert_eq!(rc, 1);
    assert!(
        out.contains("this is a folder holding 4 sheet(s) (E02.sheet.json, E03.sheet.json"),
        "{out}"
    );
    assert!(
        out.contains(&format!("{}", sheets.join("*.sheet.json").display())),
        "{out}"
    );
    let (out, _, rc) = d.merge(&[&d.dir.join("panel.json")]);
    assert_eq!(rc, 1);
    assert!(
        out.contains("this is the panel's configuration (panel.json), not a sheet"),
        "{out}"
    );
    // the real sheet, in the same folders with a space and Chinese, merges
    let (out, err, rc) = d.merge(&[&d.sheet("E02")]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(
        out.starts_with(&format!(
            "merged (chair commit 2) {}",
            d.sheet("E02").display()
        )),
        "{out}"
    );
}

impl Demo {
    /// `panel audit verify <chair>`: its first line (commit count and head).
    fn audit(&self) -> String {
        let o = Command::cargo_bin("panel")
            .unwrap()
            .arg("audit")
            .arg("verify")
            .arg(self.chair())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

#[test]
fn a_bad_signature_says_why_and_a_renamed_sheet_is_noted() {
    use panel::sheet::keys;
    let d = demo();
    let (out, err, rc) = d.merge(&[&d.sheet("E04")]);
    assert_eq!(rc, 0, "{out}{err}");
    let before = d.audit();
    let sheet = std::fs::read(d.sheet("E02")).unwrap();
    let sig = std::fs::read(d.dir.join("sheets/E02.sheet.json.sig")).unwrap();
    let e03_key = keys::load_signing_key(&d.dir.join("keys"), "E03")
        .unwrap()
        .unwrap();
    let with_bom = [&b"\xEF\xBB\xBF"[..], &sheet].concat();
    let crlf = String::from_utf8(sheet.clone())
        .unwrap()
        .replace('\n', "\r\n")
        .into_bytes();
    let blank = String::from_utf8(sheet.clone())
        .unwrap()
        .replacen("\n  \"panel\"", "\n   \"panel\"", 1)
        .into_bytes();
    // (file name, bytes, signature, words of the refusal)
    let cases: Vec<(&str, Vec<u8>, Vec<u8>, &str)> = vec![
        (
            "e03-key.sheet.json",
            sheet.clone(),
            keys::sign(&sheet, &e03_key).into_bytes(),
            "signed with the key the roster holds for expert E03",
        ),
        (
            "other-sig.sheet.json",
            sheet.clone(),
            std::fs::read(d.dir.join("sheets/E03.sheet.json.sig")).unwrap(),
            "the signature file belongs to another sheet",
        ),
        (
            "bom.sheet.json",
            with_bom,
            sig.clone(),
            "a byte order mark (BOM) was added",
        ),
        (
            "crlf.sheet.json",
            crlf,
            sig.clone(),
            "its line ends were changed to CRLF",
        ),
        (
            "blank.sheet.json",
            blank,
            sig.clone(),
            "its blanks or line breaks were changed",
        ),
    ];
    for (name, bytes, signature, want) in &cases {
        let f = d.tmp.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        std::fs::write(d.tmp.path().join(format!("{name}.sig")), signature).unwrap();
        let (out, err, rc) = d.merge(&[&f]);
        assert_eq!(rc, 1, "{name}: {out}{err}");
        assert!(
            out.starts_with(&format!("refused {}: bad signature", f.display())),
            "{out}"
        );
        assert!(out.contains(want), "{name}: {out}");
        assert_eq!(d.audit(), before, "{name}: nothing was merged");
    }
    // E02's sheet copied over E03's: merged as E02's, and the chair is told
    std::fs::copy(d.sheet("E02"), d.sheet("E03")).unwrap();
    std::fs::copy(
        d.dir.join("sheets/E02.sheet.json.sig"),
        d.dir.join("sheets/E03.sheet.json.sig"),
    )
    .unwrap();
    let (out, err, rc) = d.merge(&[&d.sheet("E03")]);
    assert_eq!(rc, 0, "{out}{err}");
    assert!(
        out.contains(": expert E02 seq 1 (first sheet of this expert)"),
        "{out}"
    );
    assert!(
        out.contains(
            "note: the file is named for expert E03, but it is the sheet of expert E02 (it is \
             taken as E02's)"
        ),
        "{out}"
    );
}
