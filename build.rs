//! Embeds every rubric in `rubrics/` into the binary, so `panel` needs no
//! files and no network at run time.
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics");
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
        let _ = writeln!(s, "    ({stem:?}, include_str!({:?})),", f.display().to_string());
    }
    s.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_rubrics.rs");
    std::fs::write(out, s).unwrap();
}
