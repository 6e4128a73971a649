//! `panel synth`: write a synthetic panel directory (benchmarks, load tests, demos at scale).

use super::Outcome;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::synth::{self, Spec};

/// Generates the panel described by `spec` into `out`; returns (stdout, stderr, exit code).
pub fn synth(spec: &Spec, out: &Path, force: bool) -> Result<Outcome> {
    let t = std::time::Instant::now();
    let r = synth::generate(spec, out, force)?;
    let ncat = synth::rubric(spec).categories.len();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "wrote synthetic panel {} to {} (seed {}) in {:.1} s",
        r.panel_id,
        r.dir.display(),
        spec.seed,
        t.elapsed().as_secs_f64()
    );
    let _ = writeln!(
        o,
        "  rubric.json    {} single-item expert criteria (K…, step 0.5) in {} categories, total 100; quota {}",
        spec.criteria,
        ncat,
        synth::quota(spec.apps)
    );
    if spec.bundles {
        let _ = writeln!(
            o,
            "  bundles/       {} bundles (about {} bytes of text each)",
            r.bundles, spec.text_bytes
        );
    } else {
        let _ = writeln!(o, "  bundles/       none (--no-bundles)");
    }
    let _ = writeln!(
        o,
        "  scores.csv     {} rows ({:.1} MB): {} reviews, {} of {} experts per application",
        r.stats.rows,
        r.score_bytes as f64 / 1e6,
        r.stats.reviews,
        spec.per_app,
        spec.experts
    );
    let _ = writeln!(
        o,
        "  conflicts.csv  {} declared conflicts (no rows); {} missing reviews (gaps); {} wild reviews",
        r.stats.conflicts, r.stats.gaps, r.stats.wild
    );
    let _ = writeln!(
        o,
        "next: panel results {} --scores {}",
        r.dir.display(),
        r.scores.display()
    );
    Ok(Outcome::done(o, String::new()))
}
