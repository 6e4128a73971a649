//! The per-set methods (mean, trimmed mean, median) and rounding, in exact decimals.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Method, Rounding};

/// Whether the trimmed mean with `k` drops anything from `n` values.
///
/// Rule: the `k` highest and `k` lowest values are dropped only when `n ≥ 2k + 1`, so that
/// at least one value remains (the brief's "only when at least 2k + 1 values remain" read
/// as "when the valid values number at least 2k + 1", the conventional
/// 去掉一个最高分和一个最低分 with three or more scores). With `k = 1`: 2 values → plain
/// mean, 3 → the middle one, 5 → mean of the middle three. `k = 0` never trims.
pub fn trims(n: usize, k: usize) -> bool {
    k > 0
        && k.checked_mul(2)
            .and_then(|d| d.checked_add(1))
            .is_some_and(|min| n >= min)
}

/// Rounds `value` to `digits` decimal places: `HalfUp` = midpoint away from zero
/// (2.345 → 2.35, −2.345 → −2.35), `Truncate` = toward zero (2.349 → 2.34), `None` = as is.
pub fn round_value(value: Decimal, digits: u32, rounding: Rounding) -> Decimal {
    match rounding {
        Rounding::HalfUp => {
            value.round_dp_with_strategy(digits, RoundingStrategy::MidpointAwayFromZero)
        }
        Rounding::Truncate => value.round_dp_with_strategy(digits, RoundingStrategy::ToZero),
        Rounding::None => value,
    }
}

/// Exact mean of `values` (non-empty).
pub(crate) fn mean(values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    let mut sum = Decimal::ZERO;
    let mut n: u64 = 0;
    for v in values {
        sum += v;
        n += 1;
    }
    if n == 0 {
        None
    } else {
        Some(sum / Decimal::from(n))
    }
}

/// Result of [`combine`]: the value, and whether `k` values were dropped on each side.
/// When `trimmed`, `order[..k]` are the dropped lows and `order[n-k..]` the dropped highs
/// (as positions into the input slice).
pub(crate) struct Combined {
    pub(crate) value: Decimal,
    pub(crate) trimmed: bool,
}

/// Applies `method` to `values` (given in canonical order: expert id ascending).
/// `order` receives the positions sorted by (value, position). `Normalized` is not a
/// per-set method; here it falls back to the plain mean (used for display subtotals only).
pub(crate) fn combine(
    method: Method,
    k: usize,
    values: &[Decimal],
    order: &mut Vec<usize>,
) -> Option<Combined> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    order.clear();
    order.extend(0..n);
    match method {
        Method::Mean | Method::Normalized => Some(Combined {
            value: mean(values.iter().copied())?,
            trimmed: false,
        }),
        Method::Trimmed => {
            if trims(n, k) {
                order.sort_by(|&a, &b| values[a].cmp(&values[b]).then(a.cmp(&b)));
                let value = mean(order[k..n - k].iter().map(|&i| values[i]))?;
                Some(Combined {
                    value,
                    trimmed: true,
                })
            } else {
                Some(Combined {
                    value: mean(values.iter().copied())?,
                    trimmed: false,
                })
            }
        }
        Method::Median => {
            order.sort_by(|&a, &b| values[a].cmp(&values[b]).then(a.cmp(&b)));
            let value = if n % 2 == 1 {
                values[order[n / 2]]
            } else {
                (values[order[n / 2 - 1]] + values[order[n / 2]]) / Decimal::TWO
            };
            Some(Combined {
                value,
                trimmed: false,
            })
        }
    }
}

/// `10^n` as `i128` (`n ≤ 38`).
pub(crate) fn pow10(n: u32) -> i128 {
    10i128.pow(n.min(38))
}

/// `a / b` rounded half away from zero (`b > 0`).
pub(crate) fn div_round(a: i128, b: i128) -> i128 {
    // The usual sizes in 64-bit arithmetic (a 128-bit division is a library call).
    if let (Ok(a), Ok(b)) = (i64::try_from(a), i64::try_from(b)) {
        let q = a / b;
        let r = (a % b).abs();
        return i128::from(if r >= b - r { q + a.signum() } else { q });
    }
    let q = a / b;
    let r = (a % b).abs();
    if r >= b - r {
        q + a.signum()
    } else {
        q
    }
}

/// The decimal `v × 10^-scale`: exact when it fits in a `Decimal`, otherwise with fewer
/// decimal places (half away from zero), saturating at `Decimal::MAX`/`MIN`.
pub(crate) fn dec_from_i128(v: i128, scale: u32) -> Decimal {
    let (mut v, mut scale) = (v, scale);
    while scale > 28 {
        v = div_round(v, 10);
        scale -= 1;
    }
    loop {
        if let Ok(d) = Decimal::try_from_i128_with_scale(v, scale) {
            return d;
        }
        if scale == 0 {
            return if v < 0 { Decimal::MIN } else { Decimal::MAX };
        }
        v = div_round(v, 10);
        scale -= 1;
    }
}

/// The largest integer `f` with `f × 10^-scale ≤ limit`, for comparing a count of units
/// `x ≥ 0` with a decimal limit: `x × 10^-scale > limit` exactly when
/// `x > floor_units(limit, scale)`. A negative limit gives `-1` (every such `x` exceeds
/// it); a limit of `2^90` units or more gives `i128::MAX` (none does). `scale ≤ 28`.
pub(crate) fn floor_units(limit: Decimal, scale: u32) -> i128 {
    const BIG: i128 = 1 << 90;
    if limit < Decimal::ZERO {
        return -1;
    }
    if limit >= dec_from_i128(BIG, scale) {
        return i128::MAX;
    }
    // Below 2^90 units the product fits: a rounding of its last digits can move the floor
    // by at most one, which the exact comparisons below correct.
    let pow = Decimal::from_i128_with_scale(10i128.pow(scale), 0);
    let Some(mut f) = limit.checked_mul(pow).and_then(|p| p.floor().to_i128()) else {
        return i128::MAX;
    };
    while f < BIG && dec_from_i128(f + 1, scale) <= limit {
        f += 1;
    }
    while f >= 0 && dec_from_i128(f, scale) > limit {
        f -= 1;
    }
    f
}

pub(crate) const POW10_I64: [i64; 19] = {
    let mut t = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `v` in units of `10^-scale`, when `v` has at most `scale` decimal places and fits an `i64`.
pub(crate) fn to_units(v: Decimal, scale: u32) -> Option<i64> {
    let s = v.scale();
    if s > scale {
        return None;
    }
    let factor = *POW10_I64.get((scale - s) as usize)?;
    i64::try_from(v.mantissa()).ok()?.checked_mul(factor)
}

/// The exact fraction `num / (den × 10^scale)` (`den > 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    pub(crate) num: i128,
    pub(crate) den: i128,
    pub(crate) scale: u32,
}

impl Ratio {
    /// The value as a decimal (28 significant digits when it does not terminate).
    pub(crate) fn to_decimal(self) -> Decimal {
        dec_from_i128(self.num, self.scale) / dec_from_i128(self.den, 0)
    }
}

/// An exact fraction `num / den` (`den > 0`, reduced), so that sums of panel values that do
/// not terminate (means of thirds, …) stay exact when rounding is `none`: 1/3 + 1/3 + 1/3
/// is 1, not the 0.9999999999999999999999999999 of 28-digit decimals. Every operation is
/// checked and gives `None` when it would leave `i128` (the caller then falls back to
/// decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frac {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Frac {
    pub(crate) const ZERO: Frac = Frac { num: 0, den: 1 };

    pub(crate) fn new(num: i128, den: i128) -> Option<Frac> {
        if den <= 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Frac {
            num: num / g,
            den: den / g,
        })
    }

    pub(crate) fn from_ratio(r: Ratio) -> Option<Frac> {
        Frac::new(r.num, r.den.checked_mul(10i128.checked_pow(r.scale)?)?)
    }

    pub(crate) fn from_decimal(d: Decimal) -> Option<Frac> {
        Frac::new(d.mantissa(), 10i128.checked_pow(d.scale())?)
    }

    /// `self × m / 10^scale` (a weight in fixed point).
    pub(crate) fn scaled(self, m: i128, scale: u32) -> Option<Frac> {
        Frac::new(
            self.num.checked_mul(m)?,
            self.den.checked_mul(10i128.checked_pow(scale)?)?,
        )
    }

    pub(crate) fn add(self, o: Frac) -> Option<Frac> {
        let g = gcd(self.den, o.den).max(1);
        let num = self
            .num
            .checked_mul(o.den / g)?
            .checked_add(o.num.checked_mul(self.den / g)?)?;
        Frac::new(num, (self.den / g).checked_mul(o.den)?)
    }

    pub(crate) fn gt(self, o: Frac) -> Option<bool> {
        Some(self.num.checked_mul(o.den)? > o.num.checked_mul(self.den)?)
    }

    /// The value as a decimal: exact when it terminates within 28 places, else rounded
    /// once; equal fractions give equal decimals.
    pub(crate) fn to_decimal(self) -> Option<Decimal> {
        let num = Decimal::try_from_i128_with_scale(self.num, 0).ok()?;
        let den = Decimal::try_from_i128_with_scale(self.den, 0).ok()?;
        num.checked_div(den)
    }
}

/// Rounds a [`Ratio`] exactly (one rounding step, integer arithmetic) to `digits` places;
/// the same result as [`round_value`] of the exact value.
pub(crate) fn round_ratio(r: Ratio, digits: u32, rounding: Rounding) -> Decimal {
    if matches!(rounding, Rounding::None) || digits > 28 {
        return round_value(r.to_decimal(), digits, rounding);
    }
    let (n, m) = if digits >= r.scale {
        (r.num.checked_mul(pow10(digits - r.scale)), Some(r.den))
    } else {
        (Some(r.num), r.den.checked_mul(pow10(r.scale - digits)))
    };
    match (n, m) {
        (Some(n), Some(m)) => {
            let q = match rounding {
                Rounding::HalfUp => div_round(n, m),
                _ => n / m,
            };
            dec_from_i128(q, digits)
        }
        _ => round_value(r.to_decimal(), digits, rounding),
    }
}

/// Result of [`combine_units`]: the exact value and whether values were trimmed (see
/// [`Combined`]).
pub(crate) struct CombinedU {
    pub(crate) value: Ratio,
    pub(crate) trimmed: bool,
}

/// [`combine`] over fixed-point values (units of `10^-scale`): exact integer sums; the value
/// is returned as an exact fraction, rounded later by [`round_ratio`].
pub(crate) fn combine_units(
    method: Method,
    k: usize,
    values: &[i64],
    scale: u32,
    order: &mut Vec<usize>,
) -> Option<CombinedU> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    order.clear();
    order.extend(0..n);
    let ratio = |num: i128, den: usize| Ratio {
        num,
        den: den as i128,
        scale,
    };
    let sum_all = || values.iter().map(|&v| i128::from(v)).sum::<i128>();
    match method {
        Method::Mean | Method::Normalized => Some(CombinedU {
            value: ratio(sum_all(), n),
            trimmed: false,
        }),
        Method::Trimmed => {
            if trims(n, k) {
                order.sort_unstable_by(|&a, &b| values[a].cmp(&values[b]).then(a.cmp(&b)));
                let sum = order[k..n - k].iter().map(|&i| i128::from(values[i])).sum();
                Some(CombinedU {
                    value: ratio(sum, n - 2 * k),
                    trimmed: true,
                })
            } else {
                Some(CombinedU {
                    value: ratio(sum_all(), n),
                    trimmed: false,
                })
            }
        }
        Method::Median => {
            order.sort_unstable_by(|&a, &b| values[a].cmp(&values[b]).then(a.cmp(&b)));
            let value = if n % 2 == 1 {
                ratio(i128::from(values[order[n / 2]]), 1)
            } else {
                let two = i128::from(values[order[n / 2 - 1]]) + i128::from(values[order[n / 2]]);
                ratio(two, 2)
            };
            Some(CombinedU {
                value,
                trimmed: false,
            })
        }
    }
}

/// `f64` version of [`combine`] for the bootstrap; sorts `values` in place.
pub(crate) fn combine_f64(method: Method, k: usize, values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    match method {
        Method::Mean | Method::Normalized => values.iter().sum::<f64>() / n as f64,
        Method::Trimmed => {
            if trims(n, k) {
                values.sort_by(f64::total_cmp);
                values[k..n - k].iter().sum::<f64>() / (n - 2 * k) as f64
            } else {
                values.iter().sum::<f64>() / n as f64
            }
        }
        Method::Median => {
            values.sort_by(f64::total_cmp);
            if n % 2 == 1 {
                values[n / 2]
            } else {
                (values[n / 2 - 1] + values[n / 2]) / 2.0
            }
        }
    }
}

/// `f64` rounding for the bootstrap (noise below 1e-9 removed before the mode applies).
pub(crate) fn round_f64(x: f64, digits: u32, rounding: Rounding) -> f64 {
    if matches!(rounding, Rounding::None) {
        return x;
    }
    let p = 10f64.powi(digits.min(12) as i32);
    let y = ((x * p) * 1e6).round() / 1e6;
    match rounding {
        Rounding::HalfUp => y.round() / p,
        Rounding::Truncate => y.trunc() / p,
        Rounding::None => x,
    }
}

/// Square root of a non-negative decimal (Newton from an `f64` guess; 0 for v ≤ 0).
pub(crate) fn sqrt(v: Decimal) -> Decimal {
    use rust_decimal::prelude::FromPrimitive;
    if v <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut x = v
        .to_f64()
        .map(f64::sqrt)
        .and_then(Decimal::from_f64)
        .filter(|x| *x > Decimal::ZERO)
        .unwrap_or(Decimal::ONE);
    for _ in 0..8 {
        let next = (x + v / x) / Decimal::TWO;
        if next == x {
            break;
        }
        x = next;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn floor_units_table() {
        assert_eq!(floor_units(d("3.75"), 2), 375);
        assert_eq!(floor_units(d("3.755"), 2), 375);
        assert_eq!(floor_units(d("3.7"), 0), 3);
        assert_eq!(floor_units(d("0"), 3), 0);
        assert_eq!(floor_units(d("-0.1"), 3), -1);
        assert_eq!(floor_units(Decimal::MAX, 6), i128::MAX);
        assert_eq!(floor_units(d("0.9999999999999999999999999999"), 6), 999_999);
    }

    #[test]
    fn fractions_sum_exactly() {
        let third = Frac::new(1, 3).unwrap();
        let sum = third.add(third).unwrap().add(third).unwrap();
        assert_eq!(sum, Frac::new(1, 1).unwrap());
        assert_eq!(sum.to_decimal(), Some(d("1")));
        let five_thirds = Frac::from_ratio(Ratio {
            num: 50,
            den: 3,
            scale: 1,
        })
        .unwrap();
        assert_eq!(five_thirds.add(third).unwrap().to_decimal(), Some(d("2")));
        assert_eq!(Frac::from_decimal(d("2.50")), Frac::new(5, 2));
        assert_eq!(third.scaled(15, 1).unwrap(), Frac::new(1, 2).unwrap());
        assert_eq!(third.gt(Frac::new(33, 100).unwrap()), Some(true));
        assert_eq!(Frac::new(i128::MAX, 1).unwrap().add(third), None);
    }

    proptest! {
        /// `x` units exceed the limit exactly when `x > floor_units(limit)`.
        #[test]
        fn floor_units_compares_exactly(
            m in any::<i64>(),
            ls in 0u32..=28,
            scale in 0u32..=10,
            x in 0i64..=1_000_000_000_000,
        ) {
            let limit = Decimal::new(m, ls);
            let f = floor_units(limit, scale);
            let x = i128::from(x);
            prop_assert_eq!(x > f, dec_from_i128(x, scale) > limit);
            // Tight: the floor's own units do not exceed the limit, one more does.
            if (0..1 << 90).contains(&f) {
                prop_assert!(dec_from_i128(f, scale) <= limit);
                prop_assert!(dec_from_i128(f + 1, scale) > limit);
            }
        }
    }

    #[test]
    fn trims_rule() {
        assert!(!trims(2, 1));
        assert!(trims(3, 1));
        assert!(trims(5, 1));
        assert!(trims(9, 1));
        assert!(!trims(4, 2));
        assert!(trims(5, 2));
        assert!(!trims(9, 0));
        assert!(!trims(usize::MAX, usize::MAX));
    }

    #[test]
    fn rounding_modes() {
        assert_eq!(round_value(d("2.345"), 2, Rounding::HalfUp), d("2.35"));
        assert_eq!(round_value(d("2.345"), 2, Rounding::Truncate), d("2.34"));
        assert_eq!(round_value(d("-2.345"), 2, Rounding::HalfUp), d("-2.35"));
        assert_eq!(round_value(d("2.345"), 2, Rounding::None), d("2.345"));
        assert_eq!(round_value(d("2.3449"), 2, Rounding::HalfUp), d("2.34"));
    }

    #[test]
    fn sqrt_exact() {
        assert_eq!(sqrt(d("16")), d("4"));
        assert_eq!(sqrt(d("2.25")), d("1.5"));
        let r = sqrt(d("2"));
        assert!((r * r - d("2")).abs() < d("0.0000000000000000000001"));
        assert_eq!(sqrt(d("-1")), Decimal::ZERO);
    }

    #[test]
    fn fixed_point_helpers() {
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(4, 3), 1);
        assert_eq!(div_round(-4, 3), -1);
        assert_eq!(to_units(d("2.5"), 2), Some(250));
        assert_eq!(to_units(d("2.55"), 1), None);
        assert_eq!(dec_from_i128(250, 2), d("2.5"));
        assert_eq!(dec_from_i128(i128::MAX, 0), Decimal::MAX);
        let mut order = Vec::new();
        let v = [50, 50, 60, 90, 90];
        let c = combine_units(Method::Trimmed, 1, &v, 0, &mut order).unwrap();
        assert!(c.trimmed);
        assert_eq!(round_ratio(c.value, 2, Rounding::HalfUp), d("66.67"));
        assert_eq!(round_ratio(c.value, 2, Rounding::Truncate), d("66.66"));
        assert_eq!((order[0], order[4]), (0, 4));
        let c = combine_units(Method::Median, 1, &[5, 1, 2, 4], 1, &mut order).unwrap();
        assert_eq!(c.value.to_decimal(), d("0.3"));
        // 85.005 exactly (units of 0.01: 17001 / 2).
        let r = Ratio {
            num: 17001,
            den: 2,
            scale: 2,
        };
        assert_eq!(round_ratio(r, 2, Rounding::HalfUp), d("85.01"));
        assert_eq!(round_ratio(r, 2, Rounding::Truncate), d("85.00"));
        assert_eq!(round_ratio(r, 2, Rounding::None), d("85.005"));
        assert_eq!(round_ratio(r, 0, Rounding::HalfUp), d("85"));
        let neg = Ratio {
            num: -17001,
            den: 2,
            scale: 2,
        };
        assert_eq!(round_ratio(neg, 2, Rounding::HalfUp), d("-85.01"));
        assert_eq!(round_ratio(neg, 2, Rounding::Truncate), d("-85.00"));
        // Agrees with rounding the decimal value.
        for num in -300i128..300 {
            for den in 1i128..8 {
                let r = Ratio { num, den, scale: 1 };
                for mode in [Rounding::HalfUp, Rounding::Truncate] {
                    assert_eq!(
                        round_ratio(r, 2, mode),
                        round_value(r.to_decimal(), 2, mode)
                    );
                }
            }
        }
    }

    #[test]
    fn f64_rounding() {
        assert_eq!(round_f64(1.005, 2, Rounding::HalfUp), 1.01);
        assert_eq!(round_f64(1.009, 2, Rounding::Truncate), 1.0);
    }
}
