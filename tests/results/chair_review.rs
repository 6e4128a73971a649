//! The chair's and the secretariat's outputs as a user runs them, on a copy of the demo panel
//! in a folder whose name has a space and Chinese in it: the 评审汇总表 says 暂定 in every
//! layout, `panel reveal` reads the CSV `panel results` writes in either language, option
//! values out of range are refused saying what is allowed, and the Markdown report names its
//! source in full (as `panel audit verify --head` needs it).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::demo_panel::fixture;

struct Chair {
    tmp: tempfile::TempDir,
    dir: PathBuf,
    db: PathBuf,
}

/// A copy of the demo panel under `评审 会议/`, with the shipped sheets merged into a chair
/// database: every shortlisted application still has its gates E2b and E3b open (暂定).
fn chair() -> Chair {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("评审 会议");
    std::fs::create_dir_all(&root).unwrap();
    let dir = crate::demo_panel::copy_panel(&root, None);
    let db = root.join("组长 数据库");
    let c = Chair { tmp, dir, db };
    let sheets: Vec<String> = ["E02", "E03", "E04", "E05"]
        .iter()
        .map(|e| {
            fixture()
                .join("sheets")
                .join(format!("{e}.sheet.json"))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let mut args = vec!["merge".to_string(), c.dir_s()];
    args.extend(sheets);
    args.extend(["--db".to_string(), c.db_s()]);
    c.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    c
}

impl Chair {
    fn dir_s(&self) -> String {
        self.dir.to_string_lossy().into_owned()
    }

    fn db_s(&self) -> String {
        self.db.to_string_lossy().into_owned()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join("评审 会议").join(name)
    }

    fn run(&self, args: &[&str]) -> (Vec<u8>, String, i32) {
        crate::demo_panel::run_panel(self.tmp.path(), args)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (out, err, code) = self.run(args);
        assert_eq!(code, 0, "panel {args:?} failed: {err}");
        String::from_utf8(out).unwrap()
    }

    /// `panel results` on the chair database with `extra` (no bootstrap: faster, same shortlist).
    fn results(&self, extra: &[&str]) -> String {
        let (dir, db) = (self.dir_s(), self.db_s());
        let mut args = vec!["results", &dir, "--db", &db, "--resamples", "0"];
        args.extend_from_slice(extra);
        self.ok(&args)
    }
}

/// Every XML part of an Office file, by name; each must be well-formed XML.
fn office_parts(path: &Path) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{}: {name} is not well-formed XML: {e}", path.display()),
            }
        }
        parts.push((name, text));
    }
    parts
}

fn contains(parts: &[(String, String)], prefix: &str, needle: &str) -> bool {
    parts
        .iter()
        .any(|(name, text)| name.starts_with(prefix) && text.contains(needle))
}

/// A provisional shortlist's 评审汇总表 ends its title with （暂定） in Word and in the XLSX
/// sheet, as the Markdown one does (the Word and XLSX titles said nothing of it: a printed
/// provisional table looked final but for the note under the title).
#[test]
fn the_summary_title_says_provisional_in_every_layout() {
    let c = chair();
    let md = c.results(&["--format", "summary-md"]);
    assert!(md.contains("评审汇总表（暂定）\n"), "{md}");

    let docx = c.path("评审汇总表 暂定.docx");
    c.results(&["-o", docx.to_str().unwrap()]);
    let parts = office_parts(&docx);
    assert!(
        contains(&parts, "word/document.xml", "项目评审汇总表（暂定）</w:t>"),
        "the Word title lacks （暂定）"
    );

    let xlsx = c.path("结果 暂定.xlsx");
    c.results(&["-o", xlsx.to_str().unwrap()]);
    let parts = office_parts(&xlsx);
    assert!(
        contains(&parts, "xl/", "项目评审汇总表（暂定）<"),
        "the XLSX 评审汇总表 title lacks （暂定）"
    );

    // Once every gate of the shortlisted applications is decided, no title says 暂定.
    let j: Value = serde_json::from_str(&c.results(&["--format", "json"])).unwrap();
    let (dir, db) = (c.dir_s(), c.db_s());
    for a in j["applications"].as_array().unwrap() {
        if a["eligibility"] != "unchecked" {
            continue;
        }
        for gate in ["E2b", "E3b"] {
            c.ok(&[
                "eligibility",
                &dir,
                "--application",
                a["id"].as_str().unwrap(),
                "--gate",
                gate,
                "--pass",
                "--reason",
                "经核查符合",
                "--db",
                &db,
            ]);
        }
    }
    c.results(&["-o", docx.to_str().unwrap()]);
    c.results(&["-o", xlsx.to_str().unwrap()]);
    for file in [&docx, &xlsx] {
        let parts = office_parts(file);
        assert!(!contains(&parts, "", "暂定"), "{}", file.display());
        assert!(
            contains(&parts, "", "项目评审汇总表<"),
            "{}",
            file.display()
        );
    }
}

/// `panel reveal` reads the results CSV whatever the language of its header: with `--lang zh`
/// (the default in a Chinese locale) the code column is `申报编号`, which reveal refused
/// ("CSV header has no `id` … column").
#[test]
fn reveal_reads_the_results_csv_in_chinese_and_english() {
    let c = chair();
    let keys = c.path("秘书处 密钥");
    let keys_s = keys.to_str().unwrap();
    c.ok(&["keygen", "--expert", "SECRETARIAT", "--key-dir", keys_s]);
    let bundles = c.path("匿名 材料");
    let map = c.path("身份 对照.json");
    let raw = fixture().join("raw");
    c.ok(&[
        "anonymize",
        raw.to_str().unwrap(),
        "--out",
        bundles.to_str().unwrap(),
        "--identity-map",
        map.to_str().unwrap(),
        "--key-dir",
        keys_s,
    ]);
    for lang in ["zh", "en"] {
        let csv = c.path(&format!("结果 {lang}.csv"));
        c.results(&["--lang", lang, "-o", csv.to_str().unwrap()]);
        let out = c.ok(&[
            "reveal",
            csv.to_str().unwrap(),
            "--identity-map",
            map.to_str().unwrap(),
            "--bundles",
            bundles.to_str().unwrap(),
            "--key-dir",
            keys_s,
        ]);
        let first = out.lines().nth(1).unwrap_or_default();
        assert!(
            first.starts_with("T24-001  rank 1  status ranked")
                && first.contains("shortlisted true  funding_wan 40"),
            "--lang {lang}: {out}"
        );
    }
}

/// `--meeting-date` in ISO form is printed as the forms write dates; the 评分表's signature
/// date is the same day.
#[test]
fn the_meeting_date_is_printed_in_the_forms_own_way() {
    let c = chair();
    let docx = c.path("评审汇总表.docx");
    c.results(&[
        "-o",
        docx.to_str().unwrap(),
        "--meeting-date",
        "2024-09-12",
        "--meeting-place",
        "上海市知识产权局 3楼 会议室",
    ]);
    let parts = office_parts(&docx);
    assert!(
        contains(
            &parts,
            "word/document.xml",
            "评审时间：2024年9月12日　　评审地点：上海市知识产权局 3楼 会议室"
        ),
        "meeting line"
    );
    let sheet = c.results(&[
        "--format",
        "sheet-md",
        "--expert",
        "E02",
        "--meeting-date",
        "2024/9/12",
    ]);
    assert!(sheet.contains("2024年9月12日"), "{sheet}");
    assert!(!sheet.contains("2024/9/12"), "{sheet}");
}

/// The Markdown report names its source in full: the chair journal's head as
/// `panel audit verify --head` takes it (it printed 12 digits and `…`, which verify refuses:
/// it needs at least 16), and the rubric's sha256.
#[test]
fn the_markdown_report_names_the_journal_head_in_full() {
    let c = chair();
    let j: Value = serde_json::from_str(&c.results(&["--format", "json"])).unwrap();
    let head = j["source"]["journal_head"].as_str().unwrap();
    let rubric = j["panel"]["rubric_sha256"].as_str().unwrap();
    let md = c.results(&["--format", "md"]);
    assert!(md.contains(&format!("head `{head}`")), "{md}");
    assert!(md.contains(&format!("sha256 `{rubric}`")), "{md}");
    let verify = c.ok(&["audit", "verify", &c.db_s(), "--head", head]);
    assert!(verify.lines().any(|l| l.starts_with("ok ")), "{verify}");
}
