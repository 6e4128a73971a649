//! `p_shortlist`: bootstrap over each application's valid experts (advisory, `f64`).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::method::{combine_f64, round_f64};
use super::{Method, Rounding};

pub(crate) struct BootConfig {
    pub(crate) method: Method,
    pub(crate) k: usize,
    pub(crate) digits: u32,
    pub(crate) rounding: Rounding,
    pub(crate) threshold: f64,
    pub(crate) quota: Option<usize>,
    pub(crate) resamples: usize,
    pub(crate) seed: u64,
}

/// For each candidate (its experts' totals, candidates in application id order), the share
/// of draws in which it made the shortlist (threshold, then top `quota` by total, ties by
/// candidate order).
pub(crate) fn p_shortlist(cands: &[Vec<f64>], cfg: &BootConfig) -> Vec<f64> {
    if cfg.resamples == 0 {
        return vec![0.0; cands.len()];
    }
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let mut hits = vec![0u64; cands.len()];
    let mut buf: Vec<f64> = Vec::new();
    let mut passing: Vec<(f64, usize)> = Vec::with_capacity(cands.len());
    let threshold = cfg.threshold - 1e-9;
    for _ in 0..cfg.resamples {
        passing.clear();
        for (ci, vals) in cands.iter().enumerate() {
            let n = vals.len();
            if n == 0 {
                continue;
            }
            buf.clear();
            for _ in 0..n {
                buf.push(vals[rng.gen_range(0..n)]);
            }
            let t = round_f64(
                combine_f64(cfg.method, cfg.k, &mut buf),
                cfg.digits,
                cfg.rounding,
            );
            if t >= threshold {
                passing.push((t, ci));
            }
        }
        if let Some(q) = cfg.quota {
            if passing.len() > q {
                if q > 0 {
                    passing.select_nth_unstable_by(q - 1, |a, b| {
                        b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
                    });
                }
                passing.truncate(q);
            }
        }
        for &(_, ci) in &passing {
            hits[ci] += 1;
        }
    }
    hits.iter()
        .map(|&h| h as f64 / cfg.resamples as f64)
        .collect()
}
