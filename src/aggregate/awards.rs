//! Computing formula awards (seed 002, 第十九条–第二十二条): per-unit awards (units × rate,
//! within the track total) and graded awards (the track total split by grade weights).
//!
//! Pure: callers give each applicant's units or grade and eligibility; amounts come back in
//! whole 元 with the working of every figure. Exact decimal arithmetic throughout.
//!
//! # Rules
//!
//! * **Per unit**: claim = units × 元 per unit, capped at the per-applicant cap when the track
//!   states one. When Σ claims ≤ total, each award is its claim rounded down to whole 元
//!   (the rates are maxima: 「不超过」). When Σ claims > total (oversubscribed), every claim is
//!   reduced by the same factor total ÷ Σ claims (按比例核减) and the amounts are
//!   apportioned by the largest-remainder rule: each gets ⌊claim × total ÷ Σ claims⌋ 元,
//!   and the 元 left over go one each to the largest remainders (ties: application id
//!   order). The sum is then exactly the total, never more, and no award exceeds its claim.
//! * **Graded**: each graded applicant's share is weight(grade) ÷ Σ weights of the graded
//!   applicants × total, apportioned in whole 元 by the same largest-remainder rule.
//! * Ineligible applicants get nothing. Applicants whose eligibility is unchecked, whose
//!   unit fact is missing or who have no grade yet make the result provisional (said, with
//!   the reasons): those without units or grade get nothing until the fact or grade is there.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// How a track's awards are computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum AwardRule {
    /// units × `yuan_per_unit`, at most `cap_yuan` per applicant.
    PerUnit {
        yuan_per_unit: Decimal,
        cap_yuan: Option<Decimal>,
        /// Unit as written (件, 万元 …), for the working.
        unit: String,
    },
    /// The total split by grade weight; grades best first.
    Graded { grades: Vec<(String, Decimal)> },
}

/// One applicant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AwardApplicant {
    pub id: String,
    /// Per unit: the units from the bundle's fact; `None` when the fact is missing.
    pub units: Option<Decimal>,
    /// Graded: the grade the chair assigned.
    pub grade: Option<String>,
    /// `Some(reasons)` when ineligible.
    pub ineligible: Option<Vec<String>>,
    /// Eligibility unchecked: the gates not decided yet (checked by hand, or lacking facts:
    /// 第二十条's T20 without `applicant_type`).
    pub unchecked: Option<Vec<super::OpenGate>>,
}

spelled_enum! {
    "snake_case",
    /// Outcome of one applicant's award. Serialized, displayed and parsed in snake_case
    /// (`awarded`, `ineligible`, `no_units`, `no_grade`, `unknown_grade`).
    pub enum AwardStatus {
        /// Takes part in the award.
        Awarded,
        /// Failed the eligibility check.
        Ineligible,
        /// The unit fact is missing (per-unit rule).
        NoUnits,
        /// Not graded yet (graded rule).
        NoGrade,
        /// The grade is not one of the track's grades.
        UnknownGrade,
    }
}

/// The result for one applicant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwardLine {
    pub id: String,
    pub status: AwardStatus,
    #[serde(serialize_with = "super::ser::opt_dec")]
    pub units: Option<Decimal>,
    pub grade: Option<String>,
    /// Per unit: units × rate (capped); graded: the exact share before rounding.
    #[serde(serialize_with = "super::ser::opt_dec")]
    pub claim_yuan: Option<Decimal>,
    /// The award in whole 元.
    #[serde(serialize_with = "super::ser::dec")]
    pub award_yuan: Decimal,
    /// Every step of the computation, in words and figures.
    pub working: Vec<String>,
    /// True while this applicant's eligibility is unchecked.
    pub provisional: bool,
}

/// The whole computation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Awards {
    pub rule: AwardRule,
    #[serde(serialize_with = "super::ser::dec")]
    pub total_yuan: Decimal,
    /// Σ claims (per unit) of the applicants awarded.
    #[serde(serialize_with = "super::ser::dec")]
    pub claimed_yuan: Decimal,
    /// Σ awards.
    #[serde(serialize_with = "super::ser::dec")]
    pub awarded_yuan: Decimal,
    /// Per unit, oversubscribed: total ÷ Σ claims (the uniform reduction, 按比例核减).
    #[serde(serialize_with = "super::ser::opt_dec")]
    pub reduction_factor: Option<Decimal>,
    pub lines: Vec<AwardLine>,
    /// True while any applicant's eligibility, units or grade is still open.
    pub provisional: bool,
    pub provisional_reasons: Vec<String>,
    /// The rule applied, in words (Chinese and English).
    pub rule_text: Vec<String>,
}

fn show(d: Decimal) -> String {
    crate::rubric::num::show(d)
}

fn floor(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(0, RoundingStrategy::ToNegativeInfinity)
}

/// Whole 元 shares of `total` in proportion to `claims` (all ≥ 0, Σ > 0), by the
/// largest-remainder rule: ⌊claimᵢ × total ÷ Σ⌋, then one 元 each to the largest
/// remainders (ties: lower index first, i.e. id order). Returns (amounts, got the extra 元).
fn apportion(claims: &[Decimal], total: Decimal) -> (Vec<Decimal>, Vec<bool>) {
    let sum: Decimal = claims.iter().copied().sum();
    let total = floor(total);
    let mut base = Vec::with_capacity(claims.len());
    let mut rem = Vec::with_capacity(claims.len());
    for &c in claims {
        let num = c * total;
        let mut q = floor(num / sum);
        // Exact correction of a quotient rounded at the 28th digit.
        while q * sum > num {
            q -= Decimal::ONE;
        }
        while (q + Decimal::ONE) * sum <= num {
            q += Decimal::ONE;
        }
        rem.push(num - q * sum);
        base.push(q);
    }
    let given: Decimal = base.iter().copied().sum();
    let mut left = total - given;
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by(|&a, &b| rem[b].cmp(&rem[a]).then(a.cmp(&b)));
    let mut extra = vec![false; claims.len()];
    for i in order {
        if left <= Decimal::ZERO {
            break;
        }
        if rem[i] > Decimal::ZERO {
            base[i] += Decimal::ONE;
            extra[i] = true;
            left -= Decimal::ONE;
        }
    }
    (base, extra)
}

/// Computes the awards of a track with total `total_yuan` (元) over `apps` (id order is
/// kept; pass them sorted by id).
pub fn compute(rule: &AwardRule, total_yuan: Decimal, apps: &[AwardApplicant]) -> Awards {
    let total_yuan = floor(total_yuan.max(Decimal::ZERO));
    let mut lines: Vec<AwardLine> = Vec::new();
    let mut reasons: Vec<String> = Vec::new();
    // Index of lines taking part, with their claims.
    let mut part: Vec<(usize, Decimal)> = Vec::new();
    for a in apps {
        let mut line = AwardLine {
            id: a.id.clone(),
            status: AwardStatus::Awarded,
            units: a.units,
            grade: a.grade.clone(),
            claim_yuan: None,
            award_yuan: Decimal::ZERO,
            working: Vec::new(),
            provisional: false,
        };
        if let Some(r) = &a.ineligible {
            line.status = AwardStatus::Ineligible;
            line.working
                .push(format!("不符合申报条件，不予奖补：{}", r.join("；")));
            lines.push(line);
            continue;
        }
        if let Some(open) = &a.unchecked {
            line.provisional = true;
            // A gate lacking facts names them (`T20缺少applicant_type`); one checked by hand
            // is its id.
            let zh: Vec<String> = open.iter().map(super::OpenGate::zh).collect();
            let en: Vec<String> = open
                .iter()
                .map(|g| match g {
                    super::OpenGate::Manual { gate } => gate.clone(),
                    missing => missing.to_string(),
                })
                .collect();
            line.working.push(format!(
                "申报条件{}待人工认定（panel eligibility），金额为暂定",
                zh.join("、")
            ));
            reasons.push(format!(
                "{}: eligibility gate {} not decided (record it with `panel eligibility`)",
                a.id,
                en.join("、")
            ));
        }
        match rule {
            AwardRule::PerUnit {
                yuan_per_unit,
                cap_yuan,
                unit,
            } => match a.units {
                None => {
                    line.status = AwardStatus::NoUnits;
                    line.working.push("缺少奖补计量事实，暂不计算".into());
                    reasons.push(format!("{}: the unit fact is missing", a.id));
                }
                Some(u) => {
                    let raw = u.max(Decimal::ZERO) * *yuan_per_unit;
                    line.working.push(format!(
                        "{}{unit} × {}元 = {}元",
                        show(u),
                        show(*yuan_per_unit),
                        show(raw)
                    ));
                    let claim = match cap_yuan {
                        Some(c) if raw > *c => {
                            line.working.push(format!("单户上限{}元", show(*c)));
                            *c
                        }
                        _ => raw,
                    };
                    line.claim_yuan = Some(claim);
                    part.push((lines.len(), claim));
                }
            },
            AwardRule::Graded { grades } => match &a.grade {
                None => {
                    line.status = AwardStatus::NoGrade;
                    line.working.push("待评审组长评定等次".into());
                    reasons.push(format!("{}: no grade assigned yet", a.id));
                }
                Some(g) => match grades.iter().find(|(id, _)| id == g) {
                    None => {
                        line.status = AwardStatus::UnknownGrade;
                        line.working
                            .push(format!("等次「{g}」不在评分标准所列等次中"));
                        reasons.push(format!("{}: grade {g} is not a grade of the track", a.id));
                    }
                    Some((_, w)) => part.push((lines.len(), *w)),
                },
            },
        }
        lines.push(line);
    }
    let claims: Vec<Decimal> = part.iter().map(|(_, c)| *c).collect();
    let sum: Decimal = claims.iter().copied().sum();
    let mut reduction = None;
    let mut rule_text = Vec::new();
    match rule {
        AwardRule::PerUnit { .. } => {
            rule_text.push(format!(
                "按件（额）计算：数量 × 标准；奖补总额不超过{}元。",
                show(total_yuan)
            ));
            if sum > total_yuan && sum > Decimal::ZERO {
                let f = total_yuan / sum;
                reduction = Some(f.round_dp(6));
                rule_text.push(format!(
                    "申请奖补合计{}元超过总额{}元，按比例核减：各项均乘以{} ÷ {}（≈{}），\
                     取整到元（最大余数法：先取整数部分，余下的元按小数部分从大到小各加1元，\
                     小数部分相同按申报编号），合计等于总额，不超过总额。",
                    show(sum),
                    show(total_yuan),
                    show(total_yuan),
                    show(sum),
                    show(f.round_dp(6))
                ));
                rule_text.push(format!(
                    "Oversubscribed: claims total {} 元 against {} 元; every claim is reduced by \
                     the same factor (按比例核减) and rounded to whole 元 by the largest-remainder \
                     rule, so the awards add up to the total exactly.",
                    show(sum),
                    show(total_yuan)
                ));
                let (amounts, extra) = apportion(&claims, total_yuan);
                for (k, (li, c)) in part.iter().enumerate() {
                    let exact = *c * total_yuan / sum;
                    let l = &mut lines[*li];
                    l.award_yuan = amounts[k];
                    l.working.push(format!(
                        "按比例核减：{} × {} ÷ {} = {} → {}元{}",
                        show(*c),
                        show(total_yuan),
                        show(sum),
                        show(exact.round_dp(4)),
                        show(amounts[k]),
                        if extra[k] {
                            "（最大余数加1元）"
                        } else {
                            ""
                        }
                    ));
                }
            } else {
                rule_text.push(format!(
                    "申请奖补合计{}元未超过总额{}元，按标准足额计算（取整到元，舍去不足1元部分）。",
                    show(sum),
                    show(total_yuan)
                ));
                for (li, c) in &part {
                    let l = &mut lines[*li];
                    l.award_yuan = floor(*c);
                    if l.award_yuan != *c {
                        l.working.push(format!(
                            "取整到元：{} → {}元",
                            show(*c),
                            show(l.award_yuan)
                        ));
                    }
                }
            }
        }
        AwardRule::Graded { grades } => {
            rule_text.push(format!(
                "分等次：总额{}元按各获评单位等次权重分配（{}）：单位金额 = 权重 ÷ 权重合计 × 总额，\
                 取整到元（最大余数法），合计不超过总额。",
                show(total_yuan),
                grades
                    .iter()
                    .map(|(g, w)| format!("{g} {}", show(*w)))
                    .collect::<Vec<_>>()
                    .join("、")
            ));
            if sum > Decimal::ZERO {
                let (amounts, extra) = apportion(&claims, total_yuan);
                for (k, (li, w)) in part.iter().enumerate() {
                    let exact = *w * total_yuan / sum;
                    let l = &mut lines[*li];
                    l.claim_yuan = Some(exact.round_dp(4));
                    l.award_yuan = amounts[k];
                    l.working.push(format!(
                        "{} 权重{} ÷ 权重合计{} × {}元 = {} → {}元{}",
                        l.grade.as_deref().unwrap_or(""),
                        show(*w),
                        show(sum),
                        show(total_yuan),
                        show(exact.round_dp(4)),
                        show(amounts[k]),
                        if extra[k] {
                            "（最大余数加1元）"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
    }
    let claimed_yuan = match rule {
        AwardRule::PerUnit { .. } => sum,
        AwardRule::Graded { .. } if sum > Decimal::ZERO => total_yuan,
        AwardRule::Graded { .. } => Decimal::ZERO,
    };
    let awarded_yuan = lines.iter().map(|l| l.award_yuan).sum();
    Awards {
        rule: rule.clone(),
        total_yuan,
        claimed_yuan,
        awarded_yuan,
        reduction_factor: reduction,
        lines,
        provisional: !reasons.is_empty(),
        provisional_reasons: reasons,
        rule_text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn per_unit(rate: &str) -> AwardRule {
        AwardRule::PerUnit {
            yuan_per_unit: d(rate),
            cap_yuan: None,
            unit: "件".into(),
        }
    }

    fn app(id: &str, units: &str) -> AwardApplicant {
        AwardApplicant {
            id: id.into(),
            units: Some(d(units)),
            ..Default::default()
        }
    }

    #[test]
    fn undersubscribed_pays_every_claim() {
        let a = compute(
            &per_unit("1500"),
            d("3000000"),
            &[app("A", "10"), app("B", "3")],
        );
        let got: Vec<Decimal> = a.lines.iter().map(|l| l.award_yuan).collect();
        assert_eq!(got, vec![d("15000"), d("4500")]);
        assert_eq!(a.reduction_factor, None);
        assert!(!a.provisional);
    }

    #[test]
    fn loans_in_wan_round_down_to_whole_yuan_and_a_cap_binds() {
        // 第二十条: 0.1 % of 123.4567万元 = 1234.567元 → 1234元 (the rate is a maximum).
        let rule = AwardRule::PerUnit {
            yuan_per_unit: d("10"),
            cap_yuan: Some(d("1000")),
            unit: "万元".into(),
        };
        let a = compute(&rule, d("5000000"), &[app("A", "123.4567"), app("B", "50")]);
        let got: Vec<Decimal> = a.lines.iter().map(|l| l.award_yuan).collect();
        assert_eq!(got, vec![d("1000"), d("500")]);
        assert!(a.lines[0]
            .working
            .iter()
            .any(|w| w.contains("单户上限1000元")));
        let rule = AwardRule::PerUnit {
            yuan_per_unit: d("10"),
            cap_yuan: None,
            unit: "万元".into(),
        };
        let a = compute(&rule, d("5000000"), &[app("A", "123.4567")]);
        assert_eq!(a.lines[0].award_yuan, d("1234"));
        assert_eq!(a.lines[0].working[1], "取整到元：1234.567 → 1234元");
    }

    #[test]
    fn oversubscribed_is_reduced_uniformly_and_sums_to_the_total() {
        // Claims 1000, 1000, 1000 against 100: 33.33 each, one extra 元 to the first by id.
        let a = compute(
            &per_unit("1"),
            d("100"),
            &[app("A", "1000"), app("B", "1000"), app("C", "1000")],
        );
        let got: Vec<Decimal> = a.lines.iter().map(|l| l.award_yuan).collect();
        assert_eq!(got, vec![d("34"), d("33"), d("33")]);
        assert_eq!(a.awarded_yuan, d("100"));
        assert!(a.rule_text.iter().any(|t| t.contains("按比例核减")));
    }

    #[test]
    fn graded_split_by_weight() {
        let rule = AwardRule::Graded {
            grades: vec![("一等".into(), d("3")), ("二等".into(), d("2"))],
        };
        let g = |id: &str, grade: &str| AwardApplicant {
            id: id.into(),
            grade: Some(grade.into()),
            ..Default::default()
        };
        let a = compute(
            &rule,
            d("500000"),
            &[g("A", "一等"), g("B", "二等"), g("C", "二等")],
        );
        let got: Vec<Decimal> = a.lines.iter().map(|l| l.award_yuan).collect();
        // 3/7, 2/7, 2/7 of 500000 = 214285.71, 142857.14, 142857.14 → 214286, 142857, 142857
        assert_eq!(got, vec![d("214286"), d("142857"), d("142857")]);
        assert_eq!(a.awarded_yuan, d("500000"));
    }

    #[test]
    fn ineligible_missing_and_unchecked() {
        let mut b = app("B", "5");
        b.ineligible = Some(vec!["E1 注册在本市".into()]);
        let mut c = app("C", "5");
        c.unchecked = Some(vec![crate::aggregate::OpenGate::Manual {
            gate: "E2".into(),
        }]);
        let mut e = app("E", "0");
        e.units = None;
        let a = compute(&per_unit("1500"), d("3000000"), &[app("A", "2"), b, c, e]);
        let st: Vec<&str> = a.lines.iter().map(|l| l.status.as_str()).collect();
        assert_eq!(st, vec!["awarded", "ineligible", "awarded", "no_units"]);
        assert_eq!(a.lines[1].award_yuan, Decimal::ZERO);
        assert!(a.lines[2].provisional && a.provisional);
        assert_eq!(a.provisional_reasons.len(), 2);
    }

    proptest::proptest! {
        /// Never above the total, never above a claim; exactly the total when oversubscribed.
        #[test]
        fn apportion_invariants(
            claims in proptest::collection::vec(0u64..5_000_000, 1..40),
            total in 1u64..10_000_000,
        ) {
            let apps: Vec<AwardApplicant> = claims
                .iter()
                .enumerate()
                .map(|(i, c)| app(&format!("A{i:03}"), &c.to_string()))
                .collect();
            let a = compute(&per_unit("1"), Decimal::from(total), &apps);
            let sum: u64 = claims.iter().sum();
            proptest::prop_assert!(a.awarded_yuan <= Decimal::from(total));
            for (l, c) in a.lines.iter().zip(&claims) {
                proptest::prop_assert!(l.award_yuan <= Decimal::from(*c));
                proptest::prop_assert!(l.award_yuan >= Decimal::ZERO);
            }
            if sum > total {
                proptest::prop_assert_eq!(a.awarded_yuan, Decimal::from(total));
            } else {
                proptest::prop_assert_eq!(a.awarded_yuan, Decimal::from(sum));
            }
        }
    }
}
