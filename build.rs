//! Embeds every rubric in `rubrics/` into the binary, so `panel` needs no
//! files and no network at run time.
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // read at run time, not baked in with env!: a build script compiled in one checkout
    // and reused in another (a copied target directory) must still read its own files
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("rubrics");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut s = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let stem = f.file_stem().unwrap().to_string_lossy();
        let _ = writeln!(
            s,
            "    ({stem:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    s.push(']');
    let out_dir = std::env::var("OUT_DIR").unwrap();
    std::fs::write(Path::new(&out_dir).join("embedded_rubrics.rs"), s).unwrap();

    // The demo panel: panel.json, bundles/, sheets/ (with their signatures) and keys/ (the
    // demo experts' keys, so that the demo signs and verifies like a real panel); never raw/
    // or invalid/.
    let demo = Path::new(&manifest).join("fixtures/park-ip-trusteeship-2024");
    println!("cargo:rerun-if-changed={}", demo.display());
    let mut files = Vec::new();
    for sub in ["", "bundles", "sheets", "keys"] {
        let d = demo.join(sub);
        println!("cargo:rerun-if-changed={}", d.display());
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let p = e.path();
                let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
                let wanted = match sub {
                    "sheets" => ext == "json" || ext == "sig",
                    "keys" => ext == "ed25519" || ext == "pub",
                    _ => ext == "json",
                };
                if p.is_file() && wanted {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    let mut s = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&demo).unwrap().display().to_string();
        let _ = writeln!(
            s,
            "    ({rel:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    s.push(']');
    std::fs::write(Path::new(&out_dir).join("embedded_demo.rs"), s).unwrap();
}
