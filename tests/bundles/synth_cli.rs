//! `panel synth`: deterministic for a seed; its rubric, bundles and scores CSV pass the
//! panel's own checks (rubric check, bundle check, panel open, import). No timing here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use panel::synth::{self, Spec};

fn panel_cmd(home: &Path) -> Command {
    let mut c = Command::cargo_bin("panel").unwrap();
    c.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .env_remove("PANEL_KEY_DIR");
    c
}

fn run(home: &Path, args: &[&str]) -> (String, String, i32) {
    let o = panel_cmd(home).args(args).output().unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn synth_args<'a>(out: &'a str, seed: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "synth",
        "--apps",
        "60",
        "--experts",
        "9",
        "--criteria",
        "28",
        "--per-app",
        "5",
        "--seed",
        seed,
        "--text-bytes",
        "3000",
        "--out",
        out,
    ];
    v.extend_from_slice(extra);
    v
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path();
    let a = h.join("a");
    let b = h.join("b");
    let c = h.join("c");
    let d = h.join("d");
    for (dir, seed, extra) in [
        (&a, "7", vec![]),
        (&b, "7", vec![]),
        (&c, "8", vec![]),
        (&d, "7", vec!["--no-bundles"]),
    ] {
        let (out, err, code) = run(h, &synth_args(dir.to_str().unwrap(), seed, &extra));
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains("wrote synthetic panel synth-60x9x28-k5-s"),
            "{out}"
        );
    }
    let (ta, tb, tc, td) = (tree(&a), tree(&b), tree(&c), tree(&d));
    assert_eq!(
        ta.len(),
        4 + 60,
        "panel.json, rubric.json, scores.csv, conflicts.csv, 60 bundles"
    );
    assert!(ta == tb, "the same seed must give the same bytes");
    assert_ne!(ta[Path::new("scores.csv")], tc[Path::new("scores.csv")]);
    assert_ne!(
        ta[Path::new("bundles/SY00001.json")],
        tc[Path::new("bundles/SY00001.json")]
    );
    // bundles or not, the rest is the same
    assert_eq!(td.len(), 4);
    for (k, v) in &td {
        assert_eq!(&ta[k], v, "{} differs with --no-bundles", k.display());
    }

    // an existing panel is refused without --force, replaced with it
    let (_, err, code) = run(h, &synth_args(a.to_str().unwrap(), "8", &[]));
    assert_eq!(code, 1);
    assert!(
        err.contains("panel.json") && err.contains("--force"),
        "{err}"
    );
    let (_, err, code) = run(h, &synth_args(a.to_str().unwrap(), "8", &["--force"]));
    assert_eq!(code, 0, "{err}");
    assert!(tree(&a) == tc);
}

#[test]
fn rubric_bundles_and_csv_pass_the_panels_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path();
    let dir = h.join("p");
    let ds = dir.to_str().unwrap();
    let (out, err, code) = run(h, &synth_args(ds, "3", &[]));
    assert_eq!(code, 0, "{out}{err}");

    let rubric = dir.join("rubric.json");
    let (out, err, code) = run(h, &["rubric", "check", rubric.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("synthetic (28 criteria, 28 items, total 100"),
        "{out}"
    );

    let bundles = dir.join("bundles");
    let (out, err, code) = run(
        h,
        &[
            "bundle",
            "check",
            "--rubric",
            rubric.to_str().unwrap(),
            bundles.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("60 valid, 0 invalid"), "{out}");

    // the library view: every bundle valid and within its expected size
    let p = panel::panel::Panel::open(&dir).unwrap();
    assert_eq!(p.bundles.len(), 60);
    assert!(p.invalid.is_empty(), "{:?}", p.invalid);
    assert_eq!(p.config.experts.len(), 9);
    assert_eq!(p.rubric.rubric.criteria().count(), 28);
    for b in &p.bundles {
        let text: usize = b.bundle.sections.iter().map(|s| s.text.len()).sum();
        assert!(
            (3000..6000).contains(&text),
            "{}: {text} bytes",
            b.bundle.code
        );
    }

    // the scores CSV imports (every criterion id is a score key), all or nothing
    let db = h.join("chair-db");
    let csv = dir.join("scores.csv");
    let (out, err, code) = run(
        h,
        &[
            "import",
            ds,
            csv.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("imported"), "{out}");
    let lines = std::fs::read_to_string(&csv).unwrap().lines().count() - 1;
    assert!(out.contains(&format!("{lines} rows")), "{out}");

    // the same CSV computes: every application gets a result, the rubric's quota holds
    let (out, err, code) = run(
        h,
        &[
            "results",
            ds,
            "--scores",
            csv.to_str().unwrap(),
            "--resamples",
            "0",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let apps = find_applications(&v).expect("an applications array in the JSON");
    assert_eq!(apps.len(), 60, "{err}");
    let shortlisted = apps
        .iter()
        .filter(|a| a["shortlisted"] == serde_json::Value::Bool(true))
        .count();
    assert!(
        (1..=synth::quota(60)).contains(&shortlisted),
        "{shortlisted} shortlisted"
    );
    // and the chair database written by the import gives the same totals
    let (out2, err, code) = run(
        h,
        &[
            "results",
            ds,
            "--db",
            db.to_str().unwrap(),
            "--resamples",
            "0",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v2: serde_json::Value = serde_json::from_str(&out2).unwrap();
    let totals = |apps: &[serde_json::Value]| -> Vec<(String, String)> {
        apps.iter()
            .map(|a| (a["id"].to_string(), a["total"].to_string()))
            .collect()
    };
    assert_eq!(
        totals(apps),
        totals(find_applications(&v2).unwrap()),
        "CSV and imported database rank alike"
    );
}

/// The results' `applications` array, wherever the JSON nests it.
fn find_applications(v: &serde_json::Value) -> Option<&Vec<serde_json::Value>> {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(serde_json::Value::Array(a)) = m.get("applications") {
                return Some(a);
            }
            m.values().find_map(find_applications)
        }
        _ => None,
    }
}

#[test]
fn scores_follow_the_spec() {
    let spec = Spec {
        per_app: 4,
        ..Spec::new(300, 12, 30)
    };
    let mut csv = Vec::new();
    let mut conflicts = Vec::new();
    let st = synth::write_scores(&spec, &mut csv, &mut conflicts).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("application,expert,criterion,value"));
    let r = synth::rubric(&spec);
    let maxima: BTreeMap<String, rust_decimal::Decimal> =
        r.criteria().map(|(_, c)| (c.id.clone(), c.max)).collect();
    let mut per_pair: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut n = 0u64;
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 4, "{l}");
        let v: rust_decimal::Decimal = f[3].parse().unwrap();
        let max = maxima[f[2]];
        assert!(
            v >= rust_decimal::Decimal::ZERO && v <= max,
            "{l} (max {max})"
        );
        assert_eq!(
            (v * rust_decimal::Decimal::TWO).fract(),
            rust_decimal::Decimal::ZERO
        );
        *per_pair.entry((f[0].into(), f[1].into())).or_default() += 1;
        n += 1;
    }
    assert_eq!(n, st.rows);
    assert_eq!(per_pair.len() as u64, st.reviews);
    assert!(
        per_pair.values().all(|&k| k == 30),
        "a review scores every criterion"
    );
    // conflicts are listed and have no rows
    let conf = String::from_utf8(conflicts).unwrap();
    let listed: Vec<&str> = conf.lines().skip(1).collect();
    assert_eq!(listed.len() as u64, st.conflicts);
    for l in &listed {
        let (a, e) = l.split_once(',').unwrap();
        assert!(!per_pair.contains_key(&(a.to_string(), e.to_string())));
    }
    assert_eq!(st.reviews + st.conflicts + st.gaps, 300 * 4);
    // realistic spread: mean total somewhere in the sixties, not constant
    let mut totals: BTreeMap<(String, String), f64> = BTreeMap::new();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        *totals.entry((f[0].into(), f[1].into())).or_default() += f[3].parse::<f64>().unwrap();
    }
    let v: Vec<f64> = totals.values().copied().collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
    assert!((55.0..75.0).contains(&mean), "mean total {mean}");
    assert!((8.0..25.0).contains(&sd), "sd {sd}");
}

#[test]
fn bad_specs_are_refused_with_the_flag_to_change() {
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path();
    let out = h.join("x");
    let o = out.to_str().unwrap();
    for (args, want) in [
        (
            vec!["--apps", "0", "--experts", "3", "--criteria", "5"],
            "--apps 0",
        ),
        (
            vec!["--apps", "5", "--experts", "3", "--criteria", "201"],
            "--criteria 201",
        ),
        (
            vec![
                "--apps",
                "5",
                "--experts",
                "3",
                "--criteria",
                "5",
                "--per-app",
                "4",
            ],
            "--per-app 4",
        ),
    ] {
        let mut a = vec!["synth", "--out", o];
        a.extend(args);
        let (_, err, code) = run(h, &a);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(want), "{err}");
    }
    assert!(!out.join("panel.json").exists());
}

/// A wrong number on the command line is a usage error (exit code 2) that says what is
/// expected, for `synth` and `results` alike.
#[test]
fn wrong_numbers_say_what_is_expected() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/park-ip-trusteeship-2024"
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["results", fixture, "--quota", "abc"],
            "expected a whole number",
        ),
        (
            &["results", fixture, "--quorum", "1.5"],
            "expected a whole number",
        ),
        (
            &["results", fixture, "--budget=-5"],
            "expected a number ≥ 0",
        ),
        (
            &["results", fixture, "--threshold", "6O"],
            "expected a number ≥ 0",
        ),
        (
            &[
                "synth",
                "--apps",
                "ten",
                "--experts",
                "3",
                "--criteria",
                "5",
                "--out",
                "x",
            ],
            "expected a whole number",
        ),
    ];
    for (args, want) in cases {
        let (out, err, code) = run(tmp.path(), args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains(want) && err.contains("应为"),
            "{args:?}: {err}"
        );
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}
