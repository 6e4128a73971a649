//! The adversarial corpus (`fixtures/pii/adversarial.tsv`, written by
//! `fixtures/tools/gen_pii_adversarial.py`): personal data as real application
//! texts type it and look-alikes that must stay, checked with the identity of
//! `fixtures/pii/adversarial-raw.json`:
//!
//! - through the scan (`pii::scan_known` with the identity's names and values,
//!   then `pii::redact`), case by case;
//! - end to end through `panel anonymize`: every case is one attachment text of
//!   the raw application, the bundle's attachment texts are compared.
//!
//! A personal case passes when its secret survives neither as typed nor as its
//! core (7+ of its digits in a row after normalization, its letters and digits,
//! or the name without spaces) and every word of `keep` survives; a look-alike
//! passes when it comes out unchanged. Recall and false positives per kind are
//! printed (`cargo test --test bundles pii_adversarial:: -- --nocapture`).
//! Cases of kind `name_in_word` (a team member's name that is also a common
//! word, `高峰` in `高峰论坛`) are redacted and `panel anonymize` must list them
//! in its warning.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use panel::anonymize::{read_raw, sha256_hex};
use panel::pii;
use serde_json::Value;

use crate::pii_support::unescape;

struct Case {
    id: String,
    personal: bool,
    kind: String,
    text: String,
    secret: String,
    keep: Vec<String>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<Case> {
    let path = root().join("fixtures/pii/adversarial.tsv");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(n, l)| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 6, "adversarial.tsv:{}: six columns", n + 1);
            Case {
                id: c[0].into(),
                personal: match c[1] {
                    "pii" => true,
                    "keep" => false,
                    other => panic!("adversarial.tsv:{}: expect `{other}`", n + 1),
                },
                kind: c[2].into(),
                text: unescape(c[3]),
                secret: unescape(c[4]),
                keep: c[5]
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(unescape)
                    .collect(),
            }
        })
        .collect()
}

/// Full-width → ASCII, Chinese digit words → digits, lower case.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            '〇' | '零' => '0',
            '一' => '1',
            '二' => '2',
            '三' => '3',
            '四' => '4',
            '五' => '5',
            '六' => '6',
            '七' => '7',
            '八' => '8',
            '九' => '9',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn digits(s: &str) -> String {
    fold(s).chars().filter(char::is_ascii_digit).collect()
}

/// Why the personal case leaked, if it did.
fn leak(case: &Case, out: &str) -> Option<String> {
    if out.contains(&case.secret) {
        return Some("secret survives as typed".into());
    }
    let compact = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let d = digits(&case.secret);
    if d.len() >= 7 {
        let od = digits(out);
        let dc: Vec<char> = d.chars().collect();
        if dc
            .windows(7)
            .any(|w| od.contains(&w.iter().collect::<String>()))
        {
            return Some("7+ of its digits survive".into());
        }
    }
    if case.kind == "email" {
        let f = fold(&case.secret);
        let local: String = f
            .split(['@', '[', '(', '{', ' ', '（'])
            .next()
            .unwrap_or("")
            .into();
        if local.len() >= 3 && fold(out).contains(&local) {
            return Some(format!("user name `{local}` survives"));
        }
    }
    if d.is_empty() && compact(out).contains(&compact(&case.secret)) {
        return Some("name survives".into());
    }
    let lost: Vec<&String> = case.keep.iter().filter(|k| !out.contains(*k)).collect();
    if !lost.is_empty() {
        return Some(format!("over-redacted: lost {lost:?}"));
    }
    None
}

#[derive(Default)]
struct Tally {
    total: usize,
    bad: usize,
}

/// Checks every case's output; prints recall / false positives per kind and
/// returns the failures.
fn judge(what: &str, all: &[Case], outs: &[String]) -> Vec<String> {
    let mut by_kind: BTreeMap<(bool, &str), Tally> = BTreeMap::new();
    let mut fails = Vec::new();
    for (c, out) in all.iter().zip(outs) {
        let t = by_kind.entry((c.personal, c.kind.as_str())).or_default();
        t.total += 1;
        let why = if c.personal {
            leak(c, out)
        } else if out != &c.text {
            Some("look-alike changed".into())
        } else {
            None
        };
        if let Some(why) = why {
            t.bad += 1;
            fails.push(format!(
                "{what} {} {} {why}:\n    in:  {:?}\n    out: {:?}",
                c.id, c.kind, c.text, out
            ));
        }
    }
    let (mut p, mut pm, mut n, mut nf) = (0, 0, 0, 0);
    println!("{what}: kind  cases  failed");
    for ((personal, kind), t) in &by_kind {
        let tag = if *personal { "pii " } else { "keep" };
        println!("  {tag} {kind:<12} {:>5} {:>6}", t.total, t.bad);
        if *personal {
            p += t.total;
            pm += t.bad;
        } else {
            n += t.total;
            nf += t.bad;
        }
    }
    println!(
        "{what}: recall {}/{} ({:.1}%), false positives {}/{} look-alikes",
        p - pm,
        p,
        100.0 * (p - pm) as f64 / p.max(1) as f64,
        nf,
        n
    );
    fails
}

fn report(fails: Vec<String>) {
    if !fails.is_empty() {
        let shown: Vec<&String> = fails.iter().take(400).collect();
        panic!(
            "{} adversarial case(s) failed (first {}):\n{}",
            fails.len(),
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn adversarial_corpus_through_the_scan() {
    let (raw, _) = read_raw(&root().join("fixtures/pii/adversarial-raw.json")).unwrap();
    let all = cases();
    assert!(all.len() >= 800, "corpus too small: {}", all.len());
    let outs: Vec<String> = all
        .iter()
        .map(|c| {
            let mut known = raw.identity.known();
            known.learn_abbreviations(&c.text);
            pii::redact(&c.text, &pii::scan_known(&c.text, &known))
        })
        .collect();
    report(judge("scan", &all, &outs));
}

#[test]
fn adversarial_corpus_through_panel_anonymize() {
    let src = root().join("fixtures/pii/adversarial-raw.json");
    let mut raw: Value = serde_json::from_str(&std::fs::read_to_string(&src).unwrap()).unwrap();
    let all = cases();
    raw["attachments"] = Value::Array(
        all.iter()
            .map(|c| {
                serde_json::json!({
                    "name": format!("附件{}.pdf", c.id),
                    "sha256": sha256_hex(c.text.as_bytes()),
                    "text": c.text,
                })
            })
            .collect(),
    );
    let d = tempfile::tempdir().unwrap();
    let raw_path = d.path().join("ADV-001.json");
    std::fs::write(&raw_path, serde_json::to_string_pretty(&raw).unwrap()).unwrap();
    let out_dir = d.path().join("bundles");
    let o = Command::cargo_bin("panel")
        .unwrap()
        .arg("anonymize")
        .arg(&raw_path)
        .arg("--out")
        .arg(&out_dir)
        .arg("--identity-map")
        .arg(d.path().join("map.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "anonymize failed:\n{stdout}\n{stderr}");
    let bundle = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "json"))
        .expect("one bundle written")
        .path();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(bundle).unwrap()).unwrap();
    let outs: Vec<String> = b["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outs.len(), all.len());
    let fails = judge("anonymize", &all, &outs);
    // A name that is also a common word (高峰 in 高峰论坛) is redacted, and the
    // warning lists where, by attachment number.
    for (i, c) in all.iter().enumerate() {
        if c.kind == "name_in_word" {
            let place = format!("{} at attachment {},", c.secret, i + 1);
            assert!(
                stderr.contains(&place),
                "{}: no warning `{place}` in stderr:\n{stderr}",
                c.id
            );
        }
    }
    assert!(
        stderr.contains("姓名可能是普通词语的一部分"),
        "warning text:\n{stderr}"
    );
    report(fails);
}
