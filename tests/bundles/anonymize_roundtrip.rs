//! Round trip: `panel anonymize` on every raw fixture gives the committed
//! bundles, they pass `panel bundle check` (also against the identity map's
//! names), and `panel reveal` restores the applicants. Plus the rules around
//! the identity map (--force, stable codes, never inside the bundles dir).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use crate::bundle_fixtures::{programs_where, root};
use crate::pii_support;

/// The fixture programs with raw applications.
fn programs() -> Vec<PathBuf> {
    programs_where(|p| p.join("raw").is_dir())
}

struct Run {
    out: String,
    err: String,
    code: i32,
}

fn panel(args: &[&str], paths: &[&Path]) -> Run {
    let o = Command::cargo_bin("panel")
        .unwrap()
        .args(args)
        .args(paths)
        .output()
        .unwrap();
    Run {
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().expect("exit code"),
    }
}

fn anonymize(raws: &[&Path], out: &Path, map: &Path, force: bool) -> Run {
    let mut args: Vec<&Path> = raws.to_vec();
    args.extend([Path::new("--out"), out, Path::new("--identity-map"), map]);
    if force {
        args.push(Path::new("--force"));
    }
    panel(&["anonymize"], &args)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn applicant(raw: &Path) -> String {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(raw).unwrap()).unwrap();
    v["identity"]["applicant"].as_str().unwrap().to_string()
}

#[test]
fn every_raw_fixture_round_trips() {
    let mut total = 0;
    for p in programs() {
        let d = tempfile::tempdir().unwrap();
        let raw = d.path().join("raw");
        copy_dir(&p.join("raw"), &raw);
        let out = d.path().join("bundles");
        let map = d.path().join("secret/identity-map.json");
        // The committed codes' prefix (a programme's panels with codes of their own, e.g. the
        // seed 002 track panels LIC-… and LICO-…, were anonymized with --prefix).
        let first = std::fs::read_dir(p.join("bundles"))
            .unwrap()
            .flatten()
            .map(|e| e.path().file_stem().unwrap().to_string_lossy().into_owned())
            .min()
            .unwrap();
        let prefix = first.rsplit_once('-').unwrap().0.to_string();
        let r = panel(
            &["anonymize"],
            &[
                raw.as_path(),
                Path::new("--out"),
                &out,
                Path::new("--identity-map"),
                &map,
                Path::new("--prefix"),
                Path::new(&prefix),
            ],
        );
        assert_eq!(r.code, 0, "{}: {}{}", p.display(), r.out, r.err);

        // Same bundles as committed: anonymization is deterministic.
        let mut codes = Vec::new();
        for e in std::fs::read_dir(p.join("bundles")).unwrap().flatten() {
            let mine = std::fs::read(out.join(e.file_name()))
                .unwrap_or_else(|_| panic!("{:?} not produced", e.file_name()));
            assert_eq!(mine, std::fs::read(e.path()).unwrap(), "{:?}", e.path());
            codes.push(e.path().file_stem().unwrap().to_string_lossy().into_owned());
        }
        codes.sort();

        // The bundles pass the check, also against the identity map's names.
        let c = panel(
            &["bundle", "check"],
            &[&out, Path::new("--identity-map"), &map],
        );
        assert_eq!(c.code, 0, "{}", c.out);

        // Reveal restores every applicant, code by code.
        let list = d.path().join("codes.txt");
        std::fs::write(&list, codes.join("\n") + "\n").unwrap();
        // Unsigned (no key in this test): reveal only with --unsigned, and says so;
        // the bundles and raw files are reachable, so their sha256 are checked.
        let rv = panel(&["reveal"], &[&list, Path::new("--identity-map"), &map]);
        assert_eq!(rv.code, 1, "{}", rv.out);
        assert!(
            rv.err.contains("not signed") && rv.err.contains("--unsigned"),
            "{}",
            rv.err
        );
        let rv = panel(
            &["reveal", "--unsigned"],
            &[
                &list,
                Path::new("--identity-map"),
                &map,
                Path::new("--bundles"),
                &out,
            ],
        );
        assert_eq!(rv.code, 0, "{}", rv.err);
        let n = codes.len();
        assert!(
            rv.out.starts_with("UNVERIFIED (--unsigned)")
                && rv.out.contains(&format!(
                    "sha256 checked for {n} bundle(s) and {n} raw file(s)"
                )),
            "{}",
            rv.out
        );
        let m = panel::anonymize::read_map(&map).unwrap();
        for e in std::fs::read_dir(&raw).unwrap().flatten() {
            let name = applicant(&e.path());
            assert!(rv.out.contains(&name), "{name} not revealed:\n{}", rv.out);
            let entry = m
                .entries
                .iter()
                .find(|x| x.identity.applicant == name)
                .unwrap();
            let line = rv.out.lines().find(|l| l.starts_with(&entry.code)).unwrap();
            assert!(line.contains(&name), "{line}");
            if let Some(cc) = &entry.identity.credit_code {
                assert!(line.contains(cc.as_str()), "{line}");
            }
        }
        // Bundles never hold the applicant's name.
        for e in std::fs::read_dir(&out).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            for entry in &m.entries {
                assert!(!text.contains(&entry.identity.applicant));
            }
        }
        total += codes.len();
    }
    assert!(total >= 28);
}

fn t24_raw() -> PathBuf {
    root().join("fixtures/park-ip-trusteeship-2024/raw")
}

#[test]
fn identity_map_is_never_overwritten_without_force_and_codes_are_stable() {
    let d = tempfile::tempdir().unwrap();
    let raw = d.path().join("raw");
    copy_dir(&t24_raw(), &raw);
    let out = d.path().join("bundles");
    let map = d.path().join("map.json");
    assert_eq!(anonymize(&[&raw], &out, &map, false).code, 0);
    let map_before = std::fs::read(&map).unwrap();

    // Again without --force: refused, nothing changed.
    let r = anonymize(&[&raw], &out, &map, false);
    assert_ne!(r.code, 0);
    assert!(
        r.err.contains("--force") && r.err.contains("map.json"),
        "{}",
        r.err
    );
    assert_eq!(std::fs::read(&map).unwrap(), map_before);

    // With --force: every code kept.
    let r = anonymize(&[&raw], &out, &map, true);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("code kept"), "{}", r.out);
    let m1 = panel::anonymize::read_map(&map).unwrap();
    let m0: panel::anonymize::IdentityMap = serde_json::from_slice(&map_before).unwrap();
    for e in &m0.entries {
        let now = m1
            .entries
            .iter()
            .find(|x| x.raw_sha256 == e.raw_sha256)
            .unwrap();
        assert_eq!(now.code, e.code);
    }

    // A corrected raw file (same name, new content) keeps its code; a new raw
    // file gets the next free code; the others do not move.
    let f = raw.join("SQ2024-011.json");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        &f,
        text.replacen(
            "园区以转发政策通知为主",
            "园区以转发政策通知为主（已更正）",
            1,
        ),
    )
    .unwrap();
    let extra = raw.join("SQ2024-030.json");
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(raw.join("SQ2024-003.json")).unwrap())
            .unwrap();
    v["identity"]["applicant"] = Value::String("上海晴岚新兴产业园区管理有限公司".into());
    v["title"] = Value::String("晴岚园区知识产权集中托管项目".into());
    v["identity"]["aliases"] = serde_json::json!(["晴岚园区"]);
    std::fs::write(&extra, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let r = anonymize(&[&raw], &out, &map, true);
    assert_eq!(r.code, 0, "{}", r.err);
    let m2 = panel::anonymize::read_map(&map).unwrap();
    let code_of = |m: &panel::anonymize::IdentityMap, file: &str| {
        m.entries
            .iter()
            .find(|e| e.raw_file.ends_with(file))
            .map(|e| e.code.clone())
            .unwrap()
    };
    assert_eq!(
        code_of(&m2, "SQ2024-011.json"),
        code_of(&m0, "SQ2024-011.json")
    );
    assert_eq!(code_of(&m2, "SQ2024-030.json"), "T24-011");
    assert_eq!(code_of(&m2, "SQ2024-003.json"), "T24-001");
    assert_eq!(m2.entries.len(), 11);
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("T24-011.json")).unwrap()).unwrap();
    assert_eq!(b["title"], "[已隐去:姓名/名称]知识产权集中托管项目");
}

#[test]
fn codes_follow_the_order_given_not_the_names() {
    let d = tempfile::tempdir().unwrap();
    let a = t24_raw().join("SQ2024-003.json");
    let b = t24_raw().join("SQ2024-005.json");
    let out = d.path().join("o");
    let map = d.path().join("m.json");
    assert_eq!(anonymize(&[&b, &a], &out, &map, false).code, 0);
    let m = panel::anonymize::read_map(&map).unwrap();
    let code = |file: &str| {
        m.entries
            .iter()
            .find(|e| e.raw_file.ends_with(file))
            .unwrap()
            .code
            .clone()
    };
    assert_eq!(code("SQ2024-005.json"), "T24-001");
    assert_eq!(code("SQ2024-003.json"), "T24-002");
    // A prefix can be forced.
    let out2 = d.path().join("o2");
    let map2 = d.path().join("m2.json");
    let r = panel(
        &["anonymize", "--prefix", "X24"],
        &[
            &a,
            Path::new("--out"),
            &out2,
            Path::new("--identity-map"),
            &map2,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(out2.join("X24-001.json").is_file());
}

#[test]
fn identity_map_inside_the_bundles_dir_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("bundles");
    let map = out.join("identity.json");
    let r = anonymize(&[&t24_raw()], &out, &map, false);
    assert_ne!(r.code, 0);
    assert!(
        r.err
            .contains("must not be written into the bundles directory"),
        "{}",
        r.err
    );
    assert!(!map.exists());
    assert_eq!(std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0), 0);
}

#[test]
fn stray_personal_data_is_redacted_and_bad_raw_files_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let raw = d.path().join("raw");
    std::fs::create_dir_all(&raw).unwrap();
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(t24_raw().join("SQ2024-003.json")).unwrap())
            .unwrap();
    // Personal data not in the identity fields: a third party's phone and e-mail.
    let plan = v["sections"][2]["text"].as_str().unwrap().to_string();
    v["sections"][2]["text"] =
        Value::String(plan + "\n合作银行客户经理电话13761234567，邮箱banker01@example.net。");
    std::fs::write(raw.join("a.json"), serde_json::to_string(&v).unwrap()).unwrap();
    // A raw file with a wrong fact is refused with the fact named.
    v["facts"]["team_size"] = Value::String("七人".into());
    v["title"] = Value::String("另一个项目".into());
    std::fs::write(raw.join("b.json"), serde_json::to_string(&v).unwrap()).unwrap();
    // And one that is not a raw application at all.
    std::fs::copy(
        root().join("fixtures/park-ip-trusteeship-2024/bundles/T24-002.json"),
        raw.join("c.json"),
    )
    .unwrap();
    let out = d.path().join("bundles");
    let map = d.path().join("map.json");
    let r = anonymize(&[&raw], &out, &map, false);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(
        r.err.contains("b.json") && r.err.contains("team_size"),
        "{}",
        r.err
    );
    assert!(r.err.contains("c.json"), "{}", r.err);
    let text = std::fs::read_to_string(out.join("T24-001.json")).unwrap();
    assert!(!text.contains("13761234567") && !text.contains("banker01"));
    assert!(text.contains("[已隐去:手机号]") && text.contains("[已隐去:电子邮箱]"));
    assert!(
        !out.join("T24-002.json").exists(),
        "refused bundle not written"
    );
    let m = panel::anonymize::read_map(&map).unwrap();
    assert_eq!(m.entries.len(), 1);
}

#[test]
fn reveal_reads_results_json_csv_and_lists_unknown_codes() {
    let map = root().join("fixtures/park-ip-trusteeship-2024/secretariat/identity-map.json");
    let m = panel::anonymize::read_map(&map).unwrap();
    let name = |code: &str| m.entry(code).unwrap().identity.applicant.clone();
    let d = tempfile::tempdir().unwrap();
    let kd = root().join("fixtures/keys");
    let kd = kd.to_str().unwrap();

    let results = d.path().join("results.json");
    std::fs::write(
        &results,
        r#"{"settings":{},"applications":[
            {"rank":1,"id":"T24-005","status":"ranked","total":91.5,"shortlisted":true},
            {"rank":2,"id":"T24-001","status":"ranked","total":90.25,"shortlisted":true}]}"#,
    )
    .unwrap();
    let r = panel(
        &["reveal", "--key-dir", kd],
        &[&results, Path::new("--identity-map"), &map],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.starts_with("identity map")
            && r.out
                .lines()
                .next()
                .unwrap()
                .contains("verified: signature ok"),
        "{}",
        r.out
    );
    let lines: Vec<&str> = r.out.lines().skip(1).collect();
    assert!(lines[0].starts_with("T24-005") && lines[0].contains(&name("T24-005")));
    assert!(
        lines[0].contains("total 91.5") && lines[0].contains("rank 1"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains(&name("T24-001")));

    let r = panel(
        &["reveal", "--json", "--key-dir", kd],
        &[&results, Path::new("--identity-map"), &map],
    );
    let v: Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(v[0]["code"], "T24-005");
    assert_eq!(v[0]["applicant"], name("T24-005"));
    assert_eq!(v[0]["result"]["rank"], "1");
    assert!(v[0]["credit_code"].is_string());
    assert!(v[0]["contact_person"].is_string());

    let csv = d.path().join("shortlist.csv");
    std::fs::write(&csv, "rank,application,total\n1,T24-003,88\n2,T24-099,80\n").unwrap();
    let r = panel(
        &["reveal", "--key-dir", kd],
        &[&csv, Path::new("--identity-map"), &map],
    );
    assert_eq!(r.code, 1);
    assert!(r.out.contains(&name("T24-003")));
    assert!(
        r.err.contains("T24-099") && r.err.contains("not in the identity map"),
        "{}",
        r.err
    );

    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "rank,total\n1,2\n").unwrap();
    let r = panel(
        &["reveal", "--key-dir", kd],
        &[&bad, Path::new("--identity-map"), &map],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("bad.csv") && r.err.contains("column"),
        "{}",
        r.err
    );

    // Not an identity map.
    let r = panel(
        &["reveal", "--key-dir", kd],
        &[&csv, Path::new("--identity-map"), &results],
    );
    assert_eq!(r.code, 1);
    assert!(r.err.contains("results.json"), "{}", r.err);
    assert!(!r.err.contains("swapped"), "{}", r.err);

    // The results and the map the other way round: said so, with the command to run.
    let r = panel(
        &["reveal", "--key-dir", kd],
        &[&map, Path::new("--identity-map"), &results],
    );
    assert_eq!(r.code, 1);
    let run = format!(
        "run `panel reveal {} --identity-map {}`",
        results.display(),
        map.display()
    );
    assert!(
        r.err.contains("swapped?") && r.err.contains(&run),
        "{}",
        r.err
    );
}

/// Every typed form of `fixtures/pii/positive.tsv` (dots, dashes of every kind,
/// zero-width and ideographic spaces, line breaks, Chinese numerals, letters glued on,
/// obfuscated e-mails, labelled values with a bad checksum …) is redacted by
/// `panel anonymize` to exactly the expected text in every place a bundle holds text,
/// and reported by `panel bundle check` in each of those places when left in.
#[test]
fn every_typed_form_is_redacted_and_reported_in_every_text_place() {
    const JOIN: &str = "\n。\n";
    let pos = pii_support::positives();
    let input: Vec<&str> = pos.iter().map(|p| p.1.as_str()).collect();
    let expected: Vec<&str> = pos.iter().map(|p| p.2.as_str()).collect();
    let (input, expected) = (input.join(JOIN), expected.join(JOIN));

    let d = tempfile::tempdir().unwrap();
    let raw_dir = d.path().join("raw");
    std::fs::create_dir_all(&raw_dir).unwrap();
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(t24_raw().join("SQ2024-003.json")).unwrap())
            .unwrap();
    v["title"] = Value::String(format!("托管项目{JOIN}{input}"));
    v["sections"][1]["title"] = Value::String(format!("二、工作基础{JOIN}{input}"));
    v["sections"][2]["text"] = Value::String(format!("方案{JOIN}{input}"));
    v["attachments"][0]["name"] = Value::String(format!("附件{JOIN}{input}"));
    v["attachments"][0]["text"] = Value::String(format!("附件正文{JOIN}{input}"));
    // And every look-alike of `fixtures/pii/negative.txt`, which must come out verbatim.
    let negatives: Vec<String> = pii_support::corpus_lines("negative.txt")
        .into_iter()
        .map(|(_, l)| pii_support::unescape(&l))
        .collect();
    let negatives = negatives.join(JOIN);
    v["sections"][3]["text"] = Value::String(negatives.clone());
    std::fs::write(raw_dir.join("a.json"), serde_json::to_string(&v).unwrap()).unwrap();
    let out = d.path().join("bundles");
    let map = d.path().join("map.json");
    let r = anonymize(&[&raw_dir], &out, &map, false);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let b: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("T24-001.json")).unwrap()).unwrap();
    let places = [
        ("title", &b["title"], "托管项目"),
        (
            "sections[1].title",
            &b["sections"][1]["title"],
            "二、工作基础",
        ),
        ("sections[2].text", &b["sections"][2]["text"], "方案"),
        ("attachments[0].name", &b["attachments"][0]["name"], "附件"),
        (
            "attachments[0].text",
            &b["attachments"][0]["text"],
            "附件正文",
        ),
    ];
    for (place, got, head) in places {
        let got = got.as_str().unwrap();
        let want = format!("{head}{JOIN}{expected}");
        if got != want {
            let (g, w): (Vec<&str>, Vec<&str>) =
                (got.split(JOIN).collect(), want.split(JOIN).collect());
            let diff: Vec<String> = g
                .iter()
                .zip(&w)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("got {a:?}, want {b:?}"))
                .collect();
            panic!("{place}: {}", diff.join("\n"));
        }
    }

    assert_eq!(
        b["sections"][3]["text"].as_str().unwrap(),
        negatives,
        "look-alikes changed"
    );
    // String facts (here one no rubric declares, so only the library's redaction
    // is shown: the command would refuse the undeclared fact).
    let mut with_fact = v.clone();
    with_fact["facts"]["remark"] = Value::Array(vec![Value::String(input.clone())]);
    let raw: panel::anonymize::RawApplication = serde_json::from_value(with_fact).unwrap();
    let (fb, _) = panel::anonymize::make_bundle(&raw, "T24-001");
    assert_eq!(
        fb.facts["remark"][0].as_str().unwrap(),
        expected,
        "facts.remark[0]"
    );

    // The same texts left in a bundle (and in a string fact): `panel bundle check`
    // reports every one, in every place.
    let mut bad = b.clone();
    bad["title"] = Value::String(input.clone());
    bad["sections"][1]["title"] = Value::String(input.clone());
    bad["sections"][2]["text"] = Value::String(input.clone());
    bad["attachments"][0]["name"] = Value::String(input.clone());
    bad["attachments"][0]["text"] = Value::String(input.clone());
    bad["facts"]["remark"] = Value::String(input.clone());
    let bad_dir = d.path().join("bad");
    std::fs::create_dir_all(&bad_dir).unwrap();
    std::fs::write(
        bad_dir.join("T24-001.json"),
        serde_json::to_string(&bad).unwrap(),
    )
    .unwrap();
    let r = panel(&["bundle", "check", "--json"], &[&bad_dir]);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    let report: Value = serde_json::from_str(&r.out).unwrap();
    let problems = report[0]["problems"].as_array().unwrap();
    let wanted = pos.len();
    for place in [
        "title",
        "sections.work_foundation.title",
        "sections.work_plan",
        "attachments[0].name",
        "attachments[0].text",
        "facts.remark",
    ] {
        let n = problems
            .iter()
            .filter(|p| p["kind"] == "personal_data" && p["location"] == place)
            .count();
        assert_eq!(n, wanted, "{place}: {n} of {wanted} forms reported");
    }
}

/// `panel reveal` refuses a map that is unsigned, signed by another key, or altered
/// (codes swapped, an applicant, mobile or raw_sha256 edited), naming the file and
/// the codes; with --unsigned it says the map is unverified, and the sha256 of
/// reachable bundles and raw files still catch swapped codes and edited hashes.
#[test]
fn reveal_refuses_unsigned_swapped_and_edited_maps() {
    let fx = root().join("fixtures/park-ip-trusteeship-2024");
    let kd = root().join("fixtures/keys");
    let kd = kd.to_str().unwrap();
    let d = tempfile::tempdir().unwrap();
    let codes = d.path().join("codes.txt");
    std::fs::write(&codes, "T24-001\nT24-002\nT24-003\n").unwrap();
    // The map records its raw files relative to its own folder (`../raw/…`): the copy
    // sits in a `secretariat/` folder beside a copy of the raw files.
    std::fs::create_dir(d.path().join("secretariat")).unwrap();
    std::fs::create_dir(d.path().join("raw")).unwrap();
    for f in std::fs::read_dir(fx.join("raw")).unwrap().flatten() {
        std::fs::copy(f.path(), d.path().join("raw").join(f.file_name())).unwrap();
    }
    let map = d.path().join("secretariat/identity-map.json");
    let sig = d.path().join("secretariat/identity-map.json.sig");
    let original: Value = serde_json::from_str(
        &std::fs::read_to_string(fx.join("secretariat/identity-map.json")).unwrap(),
    )
    .unwrap();
    let write = |v: &Value| {
        std::fs::write(&map, serde_json::to_string_pretty(v).unwrap() + "\n").unwrap();
        std::fs::copy(fx.join("secretariat/identity-map.json.sig"), &sig).unwrap();
    };
    let bundles = fx.join("bundles");
    let reveal = |extra: &[&str]| {
        let mut args = vec!["reveal", "--key-dir", kd];
        args.extend(extra);
        panel(
            &args,
            &[
                &codes,
                Path::new("--identity-map"),
                &map,
                Path::new("--bundles"),
                &bundles,
            ],
        )
    };

    // The shipped map verifies, and so do its bundles and raw files.
    write(&original);
    let r = reveal(&[]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .contains("verified: signature ok; sha256 checked for 3 bundle(s) and 3 raw file(s)"),
        "{}",
        r.out
    );

    // No signature file.
    std::fs::remove_file(&sig).unwrap();
    let r = reveal(&[]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("identity-map.json") && r.err.contains("not signed"),
        "{}",
        r.err
    );
    let r = reveal(&["--unsigned"]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.starts_with("UNVERIFIED (--unsigned)"), "{}", r.out);

    // Another key.
    write(&original);
    let other = d.path().join("other-keys");
    panel(
        &[
            "keygen",
            "--expert",
            "SECRETARIAT",
            "--key-dir",
            other.to_str().unwrap(),
        ],
        &[],
    );
    let r = panel(
        &["reveal", "--key-dir", other.to_str().unwrap()],
        &[&codes, Path::new("--identity-map"), &map],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("identity-map.json.sig") && r.err.contains("does not match"),
        "{}",
        r.err
    );

    // Two codes swapped: both named; with --unsigned the bundles name them too.
    let mut swapped = original.clone();
    swapped["entries"][0]["code"] = Value::String("T24-002".into());
    swapped["entries"][1]["code"] = Value::String("T24-001".into());
    write(&swapped);
    let r = reveal(&[]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("T24-001, T24-002") && r.err.contains("altered"),
        "{}",
        r.err
    );
    assert!(r.out.is_empty(), "{}", r.out);
    let r = reveal(&["--unsigned"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err.contains("code T24-001: bundle")
            && r.err.contains("code T24-002: bundle")
            && r.err.contains("codes swapped"),
        "{}",
        r.err
    );
    assert!(r.out.is_empty(), "nothing revealed: {}", r.out);

    // An edited applicant, mobile or raw_sha256: that code is named.
    for (field, value) in [
        ("/identity/applicant", "上海另一家公司"),
        ("/identity/mobile", "13900000000"),
        (
            "/raw_sha256",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ),
    ] {
        let mut edited = original.clone();
        *edited["entries"][2].pointer_mut(field).unwrap() = Value::String(value.into());
        write(&edited);
        let r = reveal(&[]);
        assert_eq!(r.code, 1, "{field}");
        assert!(
            r.err.contains("entry T24-003 altered"),
            "{field}: {}",
            r.err
        );
    }
    // The edited raw_sha256 is caught by the raw file itself under --unsigned.
    let r = reveal(&["--unsigned"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("code T24-003: raw file"), "{}", r.err);
}

/// `panel anonymize --key` signs the map (and reveal verifies it with the public
/// key); the key is also found as SECRETARIAT in --key-dir; without a key the map is
/// written unsigned with a warning and a stale signature is removed; a public key
/// given as --key is refused.
#[test]
fn anonymize_signs_the_identity_map() {
    let d = tempfile::tempdir().unwrap();
    let keys = d.path().join("keys");
    let k = panel(
        &[
            "keygen",
            "--expert",
            "SECRETARIAT",
            "--key-dir",
            keys.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(k.code, 0, "{}", k.err);
    let secret = keys.join("SECRETARIAT.ed25519");
    let public = keys.join("SECRETARIAT.ed25519.pub");
    let raw = t24_raw().join("SQ2024-003.json");
    let out = d.path().join("bundles");
    let map = d.path().join("secret/map.json");
    let sig = d.path().join("secret/map.json.sig");
    let r = panel(
        &["anonymize"],
        &[
            &raw,
            Path::new("--out"),
            &out,
            Path::new("--identity-map"),
            &map,
            Path::new("--key"),
            &secret,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("signed: ") && sig.is_file(), "{}", r.out);
    let m = panel::anonymize::read_map(&map).unwrap();
    let bundle_bytes = std::fs::read(out.join("T24-001.json")).unwrap();
    assert_eq!(
        m.entries[0].bundle_sha256.as_deref(),
        Some(panel::anonymize::sha256_hex(&bundle_bytes).as_str())
    );
    let codes = d.path().join("codes.txt");
    std::fs::write(&codes, "T24-001\n").unwrap();
    let r = panel(
        &["reveal", "--key", public.to_str().unwrap()],
        &[
            &codes,
            Path::new("--identity-map"),
            &map,
            Path::new("--bundles"),
            &out,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out
            .contains("signature ok; sha256 checked for 1 bundle(s) and 1 raw file(s)"),
        "{}",
        r.out
    );
    // The public key as a literal.
    let pk = std::fs::read_to_string(&public).unwrap();
    let r = panel(
        &["reveal", "--key", pk.trim()],
        &[&codes, Path::new("--identity-map"), &map],
    );
    assert_eq!(r.code, 0, "{}", r.err);

    // Found in --key-dir as SECRETARIAT.
    let r = panel(
        &["anonymize", "--force", "--key-dir", keys.to_str().unwrap()],
        &[
            &raw,
            Path::new("--out"),
            &out,
            Path::new("--identity-map"),
            &map,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("signed: "), "{}", r.out);

    // No key: unsigned, said on stderr, stale signature gone.
    let empty = d.path().join("no-keys");
    let r = panel(
        &["anonymize", "--force", "--key-dir", empty.to_str().unwrap()],
        &[
            &raw,
            Path::new("--out"),
            &out,
            Path::new("--identity-map"),
            &map,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(
        r.out.contains("NOT signed") && r.err.contains("panel keygen --expert SECRETARIAT"),
        "{}{}",
        r.out,
        r.err
    );
    assert!(!sig.exists());

    // A public key is not a signing key.
    let r = panel(
        &["anonymize", "--force", "--key", public.to_str().unwrap()],
        &[
            &raw,
            Path::new("--out"),
            &out,
            Path::new("--identity-map"),
            &map,
        ],
    );
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        r.err.contains("SECRETARIAT.ed25519.pub") && r.err.contains("not a secret key"),
        "{}",
        r.err
    );
}

/// Every shipped identity map is signed with the demo secretariat key of
/// `fixtures/keys`, and binds each code to its committed bundle and raw file.
#[test]
fn shipped_identity_maps_are_signed_and_bind_their_files() {
    use panel::anonymize::{self, signature};
    let pk = signature::load_public(
        root()
            .join("fixtures/keys/SECRETARIAT.ed25519.pub")
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let mut n = 0;
    for p in programs() {
        let map_path = p.join("secretariat/identity-map.json");
        let bytes = std::fs::read(&map_path).unwrap();
        let map = anonymize::read_map(&map_path).unwrap();
        let sig = std::fs::read_to_string(signature::sig_path(&map_path)).unwrap();
        signature::verify_map(&map_path, &bytes, &map, &sig, &pk).unwrap();
        for e in &map.entries {
            let bundle = std::fs::read(p.join("bundles").join(format!("{}.json", e.code))).unwrap();
            assert_eq!(
                e.bundle_sha256.as_deref(),
                Some(anonymize::sha256_hex(&bundle).as_str()),
                "{}",
                e.code
            );
            let raw = p
                .join("raw")
                .join(Path::new(&e.raw_file).file_name().unwrap());
            assert_eq!(
                anonymize::sha256_hex(&std::fs::read(raw).unwrap()),
                e.raw_sha256,
                "{}",
                e.code
            );
            n += 1;
        }
    }
    assert!(n >= 28, "{n} entries");
}

/// `panel bundle check --identity-map` reports the identity's address (also
/// typed differently), postcode and bank, which anonymize redacts: before, only
/// its names were searched and such a bundle passed.
#[test]
fn bundle_check_with_the_identity_map_reports_address_postcode_and_bank() {
    let fx = root().join("fixtures/park-ip-trusteeship-2024");
    let map = fx.join("secretariat/identity-map.json");
    let m = panel::anonymize::read_map(&map).unwrap();
    let entry = m
        .entries
        .iter()
        .find(|e| e.identity.address.as_deref() == Some("上海市青浦区青禾路884号5幢"))
        .expect("the SQ2024-003 entry");
    let bundle = fx.join(format!("bundles/{}.json", entry.code));
    let d = tempfile::tempdir().unwrap();
    for (extra, want) in [
        (
            "注册地址：上海市青浦区青禾路884号5幢，邮编201395，开户银行：中国工商银行上海青禾支行",
            &["address", "postcode", "bank"][..],
        ),
        ("位于青浦区青禾路８８４号。", &["address"][..]),
    ] {
        let mut v: Value =
            serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
        let sections = v["sections"].as_array_mut().unwrap();
        let text = sections[2]["text"].as_str().unwrap().to_string();
        sections[2]["text"] = Value::String(format!("{text}{extra}"));
        let f = d.path().join("b.json");
        std::fs::write(&f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
        // Without the map the detectors find them by shape (a street address
        // with its house number, the postcode after it, the sub-branch after
        // 开户银行); with it, the identity's values are reported.
        let r = panel(&["bundle", "check"], &[&f]);
        assert_eq!(r.code, 1, "{}{}", r.out, r.err);
        let r = panel(
            &["bundle", "check", "--json"],
            &[&f, Path::new("--identity-map"), &map],
        );
        assert_eq!(r.code, 1, "{}{}", r.out, r.err);
        let out: Value = serde_json::from_str(&r.out).unwrap();
        let details: Vec<&str> = out[0]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["detail"].as_str().unwrap())
            .collect();
        assert_eq!(details, want, "{extra}");
    }
}
