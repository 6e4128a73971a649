//! Calibration: the `Normalized` method (see the module documentation of `aggregate`).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::method::{dec_from_i128, div_round, pow10, sqrt, to_units, Ratio};
use super::panel_values::{finish_criteria, panel_by_total, AppWork, Ctx, Panel, Scratch};
use super::{per_application, By, Method};

/// Decimal places kept for each expert's mean and 1/σ, so that every z-score sum is exact.
const Z_DIGITS: u32 = 12;

/// Decimal places a calibrated value is rounded to (half-up) before the `--round` rounding.
/// The 12-place intermediates leave a calibrated value off its exact figure by about 10^-12
/// on a panel's scale (7·10^-13 in the test of identical experts); without this step a value
/// that is exactly 21 (computed as 20.999999999999332) would truncate to 20, and applications
/// whose exact calibrated values are equal would differ in the last places under
/// `--rounding none` (a rank split, a spurious calibration change). `--round` keeps at most
/// 6 places, so 4 guard places remain: only an exact value within 5·10^-11 of a rounding
/// boundary can come out one unit off.
const GUARD_DIGITS: u32 = 10;

/// (mean, 1/σ) or (mean, σ) in `f64`, for the bootstrap only.
type PairF = (f64, f64);

fn round12(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(Z_DIGITS, RoundingStrategy::MidpointAwayFromZero)
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    n: u64,
    s1: Decimal,
    s2: Decimal,
}

impl Acc {
    fn add(&mut self, x: Decimal) {
        self.n += 1;
        self.s1 += x;
        self.s2 += x * x;
    }

    fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.s1 += o.s1;
        self.s2 += o.s2;
    }

    /// n² × population variance = n Σx² − (Σx)², exact.
    fn var_num(&self) -> Decimal {
        Decimal::from(self.n) * self.s2 - self.s1 * self.s1
    }

    /// (mean, sd) exact up to the 28 digits of a decimal; (0, 0) when empty.
    fn mean_sd(&self) -> (Decimal, Decimal) {
        if self.n == 0 {
            return (Decimal::ZERO, Decimal::ZERO);
        }
        let n = Decimal::from(self.n);
        (self.s1 / n, sqrt(self.var_num()) / n)
    }

    /// (rounded mean, rounded 1/σ); 1/σ = 0 when σ = 0 (which gives z = 0).
    fn z_params(&self) -> (Decimal, Decimal) {
        if self.n == 0 {
            return (Decimal::ZERO, Decimal::ZERO);
        }
        let n = Decimal::from(self.n);
        let var_num = self.var_num();
        let inv = if var_num <= Decimal::ZERO {
            Decimal::ZERO
        } else {
            round12(n / sqrt(var_num))
        };
        (round12(self.s1 / n), inv)
    }
}

pub(crate) struct Norm {
    /// The calibrated panel per application (`None` without a valid expert).
    pub(crate) panels: Vec<Option<Panel>>,
    /// Per application, per valid expert: the expert's calibrated total (for the bootstrap
    /// when `Normalized` is the official method); empty unless asked for.
    pub(crate) expert_values: Vec<Vec<f64>>,
}

impl Norm {
    /// Each application's (panel, expert values), split; the values kept only when asked for.
    fn from_per_app(per_app: Vec<(Option<Panel>, Vec<f64>)>, want_values: bool) -> Norm {
        let (panels, mut expert_values): (Vec<Option<Panel>>, Vec<Vec<f64>>) =
            per_app.into_iter().unzip();
        if !want_values {
            expert_values = Vec::new();
        }
        Norm {
            panels,
            expert_values,
        }
    }
}

fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}

pub(crate) fn normalized(
    ctx: &Ctx,
    works: &mut [AppWork],
    n_experts: usize,
    want_values: bool,
) -> Norm {
    match ctx.by {
        By::Criterion => by_criterion(ctx, works, n_experts, want_values),
        By::Total => by_total(ctx, works, n_experts, want_values),
    }
}

/// Fixed-point accumulator of one expert's values of one criterion (units of `10^-sv`).
#[derive(Debug, Clone, Copy, Default)]
struct AccU {
    n: u64,
    s1: i128,
    s2: i128,
}

impl AccU {
    fn add(&mut self, x: i64) {
        let x = i128::from(x);
        self.n += 1;
        self.s1 = self.s1.saturating_add(x);
        self.s2 = self.s2.saturating_add(x * x);
    }

    fn merge(&mut self, o: &AccU) {
        self.n += o.n;
        self.s1 = self.s1.saturating_add(o.s1);
        self.s2 = self.s2.saturating_add(o.s2);
    }

    /// n² × variance in units² (scale 2·sv), exact.
    fn var_num(&self) -> i128 {
        let n = i128::from(self.n);
        n.saturating_mul(self.s2)
            .saturating_sub(self.s1.saturating_mul(self.s1))
    }

    /// (mean, population sd), both rounded to 12 decimal places, in units of 10^-12.
    fn mean_sd(&self, sv: u32) -> (i128, i128) {
        if self.n == 0 {
            return (0, 0);
        }
        let n = i128::from(self.n);
        let m12 = div_round(self.s1.saturating_mul(pow10(Z_DIGITS - sv)), n);
        let var = dec_from_i128(self.var_num(), 2 * sv);
        let sd = round12(sqrt(var) / Decimal::from(self.n));
        (m12, to_units(sd, Z_DIGITS).map_or(0, i128::from))
    }

    /// (mean, 1/σ), both rounded to 12 decimal places, in units of 10^-12; 1/σ = 0 when σ = 0.
    fn z_params(&self, sv: u32) -> (i128, i128) {
        if self.n == 0 {
            return (0, 0);
        }
        let n = i128::from(self.n);
        let m12 = div_round(self.s1.saturating_mul(pow10(Z_DIGITS - sv)), n);
        let var_num = self.var_num();
        if var_num <= 0 {
            return (m12, 0);
        }
        // 1/σ = n × 10^sv / √var_num.
        let root = sqrt(dec_from_i128(var_num, 2 * sv));
        let inv = round12(Decimal::from(self.n) / root);
        (m12, to_units(inv, Z_DIGITS).map_or(0, i128::from))
    }
}

fn by_criterion(ctx: &Ctx, works: &[AppWork], n_experts: usize, want_values: bool) -> Norm {
    let nc = ctx.nc();
    let sv = ctx.sv.min(Z_DIGITS);
    let mut acc = vec![AccU::default(); n_experts * nc];
    for w in works {
        for (i, &e) in w.experts.iter().enumerate() {
            let row = &w.values[i * nc..(i + 1) * nc];
            let a = &mut acc[e as usize * nc..(e as usize + 1) * nc];
            for (slot, x) in a.iter_mut().zip(row) {
                slot.add(*x);
            }
        }
    }
    let mut glob = vec![AccU::default(); nc];
    for e in 0..n_experts {
        for c in 0..nc {
            glob[c].merge(&acc[e * nc + c]);
        }
    }
    let params: Vec<(i128, i128)> = acc.iter().map(|a| a.z_params(sv)).collect();
    drop(acc);
    let scale: Vec<(i128, i128)> = glob.iter().map(|a| a.mean_sd(sv)).collect();
    let to12 = pow10(Z_DIGITS - sv);
    let p12 = pow10(Z_DIGITS);
    let (params_f, scale_f): (Vec<PairF>, Vec<PairF>) = if want_values {
        let p = p12 as f64;
        (
            params
                .iter()
                .map(|(m, i)| (*m as f64 / p, *i as f64 / p))
                .collect(),
            scale
                .iter()
                .map(|(m, s)| (*m as f64 / p, *s as f64 / p))
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };

    let per_app = per_application(
        works.iter().collect(),
        ctx.parallel,
        |w: &AppWork, _: &mut ()| {
            let n = w.experts.len();
            if n == 0 {
                return (None, Vec::new());
            }
            let mut crit = Vec::with_capacity(nc);
            let mut weighted = Vec::with_capacity(nc);
            for c in 0..nc {
                // Σ z in units of 10^-24: (x − m) at scale 12 times 1/σ at scale 12; |z| ≤ √n.
                let mut sum_z: i128 = 0;
                for (i, &e) in w.experts.iter().enumerate() {
                    let (m, inv) = params[e as usize * nc + c];
                    if inv != 0 {
                        // No overflow: |x − m| ≤ 10^16 and |(x − m) × inv| ≈ |z| × 10^24 with
                        // |z| ≤ √n; wrapping ops keep the hot loop free of overflow checks.
                        let x = i128::from(w.values[i * nc + c]) * to12;
                        sum_z = sum_z.wrapping_add((x - m).wrapping_mul(inv));
                    }
                }
                // z̄ to 12 places; calibrated = μ + z̄ × σ in units of 10^-24, clamped to [0, max].
                let zbar = div_round(sum_z, (n as i128).saturating_mul(p12));
                let (mu, sd) = scale[c];
                let max24 = i128::from(ctx.max_units[c]).saturating_mul(pow10(2 * Z_DIGITS - sv));
                let cal = mu
                    .saturating_mul(p12)
                    .saturating_add(zbar.saturating_mul(sd))
                    .clamp(0, max24);
                let guard = pow10(2 * Z_DIGITS - GUARD_DIGITS);
                let cal = div_round(cal, guard).saturating_mul(guard);
                let r = ctx.round_ratio(Ratio {
                    num: cal,
                    den: 1,
                    scale: 2 * Z_DIGITS,
                });
                crit.push(r);
                weighted.push(ctx.weighted(c, r));
            }
            let panel = finish_criteria(ctx, crit, weighted, Vec::new(), Vec::new());
            let mut vals = Vec::new();
            if want_values {
                let unit = pow10(sv) as f64;
                vals = w
                    .experts
                    .iter()
                    .enumerate()
                    .map(|(i, &e)| {
                        (0..nc)
                            .map(|c| {
                                let (m, inv) = params_f[e as usize * nc + c];
                                let (mu, sd) = scale_f[c];
                                let x = w.values[i * nc + c] as f64 / unit;
                                f(ctx.crit_w[c]) * (mu + (x - m) * inv * sd)
                            })
                            .sum::<f64>()
                    })
                    .collect();
            }
            (Some(panel), vals)
        },
    );
    Norm::from_per_app(per_app, want_values)
}

fn by_total(ctx: &Ctx, works: &mut [AppWork], n_experts: usize, want_values: bool) -> Norm {
    let mut acc = vec![Acc::default(); n_experts];
    for w in works.iter() {
        for (i, &e) in w.experts.iter().enumerate() {
            acc[e as usize].add(w.totals[i]);
        }
    }
    let mut glob = Acc::default();
    for a in &acc {
        glob.merge(a);
    }
    let params: Vec<(Decimal, Decimal)> = acc.iter().map(Acc::z_params).collect();
    let (mu, sd) = glob.mean_sd();
    let per_app = per_application(
        works.iter().collect(),
        ctx.parallel,
        |w: &AppWork, sc: &mut Scratch| {
            let official = ctx.method == Method::Normalized;
            let Some(mut panel) = panel_by_total(ctx, w, Method::Mean, official, sc) else {
                return (None, Vec::new());
            };
            let n = Decimal::from(w.experts.len());
            let mut sum_z = Decimal::ZERO;
            let mut zs = Vec::new();
            for (i, &e) in w.experts.iter().enumerate() {
                let (m, inv) = params[e as usize];
                let z = if inv.is_zero() {
                    Decimal::ZERO
                } else {
                    (w.totals[i] - m) * inv
                };
                sum_z += z;
                if want_values {
                    zs.push(f(mu) + f(z) * f(sd));
                }
            }
            let cal = (mu + sum_z / n * sd)
                .clamp(Decimal::ZERO, ctx.max_total)
                .round_dp_with_strategy(GUARD_DIGITS, RoundingStrategy::MidpointAwayFromZero);
            panel.total = ctx.round(cal);
            panel.dropped.clear();
            panel.notes.clear();
            (Some(panel), zs)
        },
    );
    Norm::from_per_app(per_app, want_values)
}
