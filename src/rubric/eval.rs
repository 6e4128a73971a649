//! Evaluation of a rubric against facts, and scoring with expert values.
//!
//! Rule-computed items give *suggestions*; the expert may override one with a
//! reason. Caps apply in this order: item cap → criterion max → category max →
//! rubric total (each bonus category capped on its own). Every clamp is
//! recorded as a human-readable line ("A3.2: 30 × 0.2 = 6.0 → capped at 5").

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::model::*;
use super::num;

/// A typed fact value.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Num(Decimal),
    Bool(bool),
    Str(String),
    /// Yearly values, base year first; `None` for a year left empty.
    Years(Vec<Option<Decimal>>),
    /// Explicit `null`: known to be absent (e.g. no quantified target).
    Null,
}

impl FactValue {
    /// Display form for humans.
    pub fn display(&self) -> String {
        match self {
            FactValue::Num(d) => d.normalize().to_string(),
            FactValue::Bool(true) => "是 yes".into(),
            FactValue::Bool(false) => "否 no".into(),
            FactValue::Str(s) => s.clone(),
            FactValue::Years(v) => v
                .iter()
                .map(|x| x.map(|d| d.normalize().to_string()).unwrap_or("—".into()))
                .collect::<Vec<_>>()
                .join(" / "),
            FactValue::Null => "无 (null)".into(),
        }
    }
}

/// Facts of one application, typed by the rubric's declarations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub values: BTreeMap<String, FactValue>,
}

/// A fact of the wrong type, out of range or not declared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactProblem {
    pub key: String,
    /// `undeclared` (the rubric does not declare the key) or `invalid`
    /// (wrong type, out of range, not an allowed value).
    pub kind: &'static str,
    pub detail: String,
}

impl std::fmt::Display for FactProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fact `{}`: {}", self.key, self.detail)
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn to_decimal(n: &serde_json::Number) -> Option<Decimal> {
    use std::str::FromStr;
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from(u));
    }
    let s = n.to_string();
    Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&s))
        .ok()
}

/// Parse a JSON object of facts against the rubric's declarations.
///
/// Returns the typed facts and the problems found: wrong types, values out of
/// the declared range, enum values not declared, keys the rubric does not
/// declare. Facts with a problem are left out of the result (so they count as
/// missing), never guessed.
pub fn parse_facts(
    rubric: &Rubric,
    obj: &serde_json::Map<String, Value>,
) -> (Facts, Vec<FactProblem>) {
    let mut facts = Facts::default();
    let mut problems = Vec::new();
    for (key, v) in obj {
        let Some(decl) = rubric.fact(key) else {
            problems.push(FactProblem {
                key: key.clone(),
                kind: "undeclared",
                detail: format!(
                    "not declared by rubric `{}`; check the spelling against `panel rubric show`",
                    rubric.id
                ),
            });
            continue;
        };
        match parse_one(decl, v) {
            Ok(fv) => {
                facts.values.insert(key.clone(), fv);
            }
            Err(detail) => problems.push(FactProblem {
                key: key.clone(),
                kind: "invalid",
                detail,
            }),
        }
    }
    (facts, problems)
}

/// Largest magnitude accepted for any numeric fact (keeps every sum and
/// product far from decimal overflow).
pub const MAX_FACT_MAGNITUDE: i64 = 1_000_000_000_000;

fn check_range(decl: &FactDecl, d: Decimal) -> Result<(), String> {
    if d.abs() > Decimal::from(MAX_FACT_MAGNITUDE) {
        return Err(format!(
            "value {} is implausibly large (limit ±{MAX_FACT_MAGNITUDE}); check the unit (money is in 万元)",
            d.normalize()
        ));
    }
    if let Some(min) = decl.min {
        if d < min {
            return Err(format!(
                "value {} is below the allowed minimum {}",
                d.normalize(),
                min.normalize()
            ));
        }
    }
    if let Some(max) = decl.max {
        if d > max {
            return Err(format!(
                "value {} is above the allowed maximum {}",
                d.normalize(),
                max.normalize()
            ));
        }
    }
    Ok(())
}

fn parse_one(decl: &FactDecl, v: &Value) -> Result<FactValue, String> {
    let expected = decl.ty.as_str();
    let wrong = |v: &Value| {
        format!(
            "expected {expected}{}, found {} `{}`",
            if decl.nullable { " or null" } else { "" },
            json_type(v),
            truncate(&v.to_string(), 40)
        )
    };
    if v.is_null() {
        return if decl.nullable {
            Ok(FactValue::Null)
        } else {
            Err(wrong(v))
        };
    }
    match decl.ty {
        FactType::Int | FactType::Number => {
            let Value::Number(n) = v else {
                return Err(wrong(v));
            };
            let d = to_decimal(n).ok_or_else(|| wrong(v))?;
            if decl.ty == FactType::Int && d.fract() != Decimal::ZERO {
                return Err(wrong(v));
            }
            check_range(decl, d)?;
            Ok(FactValue::Num(d))
        }
        FactType::Bool => v.as_bool().map(FactValue::Bool).ok_or_else(|| wrong(v)),
        FactType::Enum => {
            let s = v.as_str().ok_or_else(|| wrong(v))?;
            if decl.values.iter().any(|x| x == s) {
                Ok(FactValue::Str(s.to_string()))
            } else {
                Err(format!(
                    "`{s}` is not one of the allowed values: {}",
                    decl.values.join(", ")
                ))
            }
        }
        FactType::Text => v
            .as_str()
            .map(|s| FactValue::Str(s.to_string()))
            .ok_or_else(|| wrong(v)),
        FactType::Years => {
            let arr = v.as_array().ok_or_else(|| wrong(v))?;
            if !decl.years.is_empty() && arr.len() != decl.years.len() {
                return Err(format!(
                    "expected {} yearly values (years {}), found {}",
                    decl.years.len(),
                    decl.years
                        .iter()
                        .map(|y| y.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    arr.len()
                ));
            }
            let mut out = Vec::with_capacity(arr.len());
            for (i, x) in arr.iter().enumerate() {
                match x {
                    Value::Null => out.push(None),
                    Value::Number(n) => {
                        let d = to_decimal(n).ok_or_else(|| wrong(v))?;
                        check_range(decl, d).map_err(|e| format!("year #{}: {e}", i + 1))?;
                        out.push(Some(d))
                    }
                    other => {
                        return Err(format!(
                            "year #{} (index {i}): expected a number or null, found {}",
                            i + 1,
                            json_type(other)
                        ))
                    }
                }
            }
            Ok(FactValue::Years(out))
        }
    }
}

/// `s` cut to its first `n` characters with `…` after them, when it is longer (for
/// quoting a value in a message).
pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// Result of a numeric lookup.
#[derive(Debug, Clone, PartialEq)]
enum Num {
    Val(Decimal, String),
    /// Missing facts (keys).
    Missing(Vec<String>),
    /// Defined facts but no value (e.g. division by zero, null target).
    Undefined(String),
}

impl Facts {
    pub fn get(&self, key: &str) -> Option<&FactValue> {
        self.values.get(key)
    }

    fn num(&self, key: &str) -> Num {
        match self.values.get(key) {
            None => Num::Missing(vec![key.to_string()]),
            Some(FactValue::Num(d)) => Num::Val(*d, d.normalize().to_string()),
            Some(FactValue::Null) => Num::Undefined(format!("{key} is null")),
            Some(other) => Num::Undefined(format!("{key} is not a number ({})", other.display())),
        }
    }

    fn years(&self, key: &str) -> Result<Vec<Decimal>, Num> {
        match self.values.get(key) {
            None => Err(Num::Missing(vec![key.to_string()])),
            Some(FactValue::Years(v)) => {
                if v.iter().any(|x| x.is_none()) || v.is_empty() {
                    Err(Num::Missing(vec![key.to_string()]))
                } else {
                    Ok(v.iter().map(|x| x.unwrap_or_default()).collect())
                }
            }
            Some(FactValue::Num(d)) => Ok(vec![*d]),
            Some(_) => Err(Num::Undefined(format!(
                "{key} is not a list of yearly values"
            ))),
        }
    }

    fn eval(&self, e: &NumExpr) -> Num {
        match e {
            NumExpr::Fact(k) => self.num(k),
            NumExpr::Ratio { num, den } | NumExpr::Per10k { num, den } => {
                let scale = if matches!(e, NumExpr::Ratio { .. }) {
                    Decimal::from(100)
                } else {
                    Decimal::from(10_000)
                };
                let (a, b) = (self.num(num), self.num(den));
                let mut missing = Vec::new();
                for x in [&a, &b] {
                    if let Num::Missing(m) = x {
                        missing.extend(m.clone());
                    }
                }
                if !missing.is_empty() {
                    return Num::Missing(missing);
                }
                match (a, b) {
                    (Num::Val(a, _), Num::Val(b, _)) => {
                        if b.is_zero() {
                            return Num::Undefined(format!("{den} is 0"));
                        }
                        let Some(v) = a.checked_mul(scale).and_then(|x| x.checked_div(b)) else {
                            return Num::Undefined("value out of range".into());
                        };
                        let unit = if scale == Decimal::from(100) {
                            "%"
                        } else {
                            " per 10,000"
                        };
                        Num::Val(
                            v,
                            format!(
                                "{} / {} × {} = {}{}{unit}",
                                a.normalize(),
                                b.normalize(),
                                scale,
                                // Shown to 4 places; compared exactly.
                                if v.round_dp(4) == v { "" } else { "≈" },
                                num::show(v.round_dp(4))
                            ),
                        )
                    }
                    (Num::Undefined(s), _) | (_, Num::Undefined(s)) => Num::Undefined(s),
                    _ => Num::Undefined("unreachable".into()),
                }
            }
            NumExpr::MinOver { fact, skip_first } => match self.years(fact) {
                Err(e) => e,
                Ok(v) => {
                    let w: &[Decimal] = if *skip_first && v.len() > 1 {
                        &v[1..]
                    } else {
                        &v
                    };
                    let m = w.iter().copied().min().unwrap_or_default();
                    Num::Val(
                        m,
                        format!(
                            "min({}) = {}",
                            w.iter()
                                .map(|d| d.normalize().to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                            m.normalize()
                        ),
                    )
                }
            },
            NumExpr::Increases { fact } => match self.years(fact) {
                Err(e) => e,
                Ok(v) => {
                    let n = v.windows(2).filter(|w| w[1] > w[0]).count();
                    Num::Val(
                        Decimal::from(n),
                        format!(
                            "{} → {n} year-on-year increase(s)",
                            v.iter()
                                .map(|d| d.normalize().to_string())
                                .collect::<Vec<_>>()
                                .join(" → ")
                        ),
                    )
                }
            },
            NumExpr::Sum(keys) => {
                let mut total = Decimal::ZERO;
                let mut missing = Vec::new();
                let mut parts = Vec::new();
                for k in keys {
                    match self.num(k) {
                        Num::Val(d, _) => {
                            total += d;
                            parts.push(d.normalize().to_string());
                        }
                        Num::Missing(m) => missing.extend(m),
                        Num::Undefined(s) => return Num::Undefined(s),
                    }
                }
                if !missing.is_empty() {
                    return Num::Missing(missing);
                }
                Num::Val(
                    total,
                    format!("{} = {}", parts.join(" + "), total.normalize()),
                )
            }
        }
    }
}

/// Outcome of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Truth {
    True(String),
    False(String),
    /// Facts missing (convention 6).
    Missing(Vec<String>),
}

/// An operator's symbol or words (`≥`, `is true`, `in`).
pub(crate) fn op_sym(op: Op) -> &'static str {
    match op {
        Op::Ge => "≥",
        Op::Gt => ">",
        Op::Le => "≤",
        Op::Lt => "<",
        Op::Eq => "=",
        Op::Ne => "≠",
        Op::IsTrue => "is true",
        Op::IsFalse => "is false",
        Op::Present => "is present",
        Op::In => "in",
    }
}

/// Evaluate one condition on the facts.
pub fn eval_condition(c: &Condition, facts: &Facts) -> Truth {
    let name = c
        .fact
        .clone()
        .or_else(|| c.expr.as_ref().map(|e| e.facts().join(",")))
        .unwrap_or_default();
    match c.op {
        Op::IsTrue | Op::IsFalse | Op::Present | Op::In => {
            let Some(k) = &c.fact else {
                return Truth::False("condition has no fact".into());
            };
            let Some(v) = facts.get(k) else {
                return Truth::Missing(vec![k.clone()]);
            };
            match (c.op, v) {
                (Op::IsTrue | Op::IsFalse, FactValue::Bool(b)) => {
                    let want = c.op == Op::IsTrue;
                    let s = format!("{k} = {b}");
                    if *b == want {
                        Truth::True(s)
                    } else {
                        Truth::False(s)
                    }
                }
                (Op::IsTrue | Op::IsFalse, FactValue::Null) => Truth::False(format!("{k} is null")),
                (Op::IsTrue | Op::IsFalse, other) => {
                    Truth::False(format!("{k} = {} is not a bool", other.display()))
                }
                (Op::Present, FactValue::Null) => {
                    Truth::False(format!("{k} is null (not quantified)"))
                }
                (Op::Present, v) => Truth::True(format!("{k} = {}", v.display())),
                // The rest is `Op::In`.
                (_, FactValue::Str(s)) => {
                    let t = format!("{k} = {s}");
                    if c.one_of.iter().any(|x| x == s) {
                        Truth::True(t)
                    } else {
                        Truth::False(t)
                    }
                }
                (_, v) => Truth::False(format!("{k} = {}", v.display())),
            }
        }
        Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq | Op::Ne => {
            let left = match (&c.fact, &c.expr) {
                (Some(k), _) => facts.num(k),
                (None, Some(e)) => facts.eval(e),
                (None, None) => return Truth::False("condition has no left side".into()),
            };
            let (l, lshow) = match left {
                Num::Val(v, s) => (v, s),
                Num::Missing(mut m) => {
                    // List the right side's missing fact too (e.g. self_funding_wan ≥
                    // 0.5 × fiscal_funding_wan with both absent), so every fact the
                    // comparison needs is shown as missing.
                    if let Some(Num::Missing(r)) = c.other.as_ref().map(|o| facts.num(o)) {
                        for k in r {
                            if !m.contains(&k) {
                                m.push(k);
                            }
                        }
                    }
                    return Truth::Missing(m);
                }
                Num::Undefined(s) => return Truth::False(s),
            };
            let (r, rshow) = match (&c.other, c.value) {
                (Some(o), _) => match facts.num(o) {
                    Num::Val(v, _) => {
                        let f = c.factor.unwrap_or(Decimal::ONE);
                        let r = v * f;
                        let s = if f == Decimal::ONE {
                            format!("{o} ({})", v.normalize())
                        } else {
                            format!(
                                "{} × {o} ({}) = {}",
                                f.normalize(),
                                v.normalize(),
                                num::show(r)
                            )
                        };
                        (r, s)
                    }
                    Num::Missing(m) => return Truth::Missing(m),
                    Num::Undefined(s) => return Truth::False(s),
                },
                (None, Some(v)) => (v, v.normalize().to_string()),
                (None, None) => return Truth::False("condition has no right side".into()),
            };
            let ok = match c.op {
                Op::Ge => l >= r,
                Op::Gt => l > r,
                Op::Le => l <= r,
                Op::Lt => l < r,
                Op::Eq => l == r,
                Op::Ne => l != r,
                _ => false,
            };
            let lname = if c.fact.is_some() {
                format!("{name} = {lshow}")
            } else {
                lshow
            };
            let s = format!(
                "{lname} {} {rshow}",
                if ok {
                    op_sym(c.op).to_string()
                } else {
                    format!("not {}", op_sym(c.op))
                }
            );
            if ok {
                Truth::True(s)
            } else {
                Truth::False(s)
            }
        }
    }
}

/// Evaluation of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemEval {
    pub id: String,
    pub kind: &'static str,
    #[serde(with = "num::dec")]
    pub max: Decimal,
    /// Suggested points after the item cap; `None` for expert items.
    #[serde(with = "num::opt")]
    pub auto: Option<Decimal>,
    /// How the suggestion was computed.
    pub explanation: String,
    pub clamps: Vec<String>,
    pub missing_facts: Vec<String>,
    /// For override items: whether the override holds.
    pub override_active: bool,
}

/// Evaluation of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionEval {
    pub id: String,
    #[serde(with = "num::dec")]
    pub max: Decimal,
    /// Points from rule items after all caps (expert items count 0).
    #[serde(with = "num::dec")]
    pub auto: Decimal,
    pub needs_expert: bool,
    pub missing_facts: Vec<String>,
    pub clamps: Vec<String>,
    pub items: Vec<ItemEval>,
}

/// Evaluation of a rubric against one application's facts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub rubric: String,
    pub criteria: Vec<CriterionEval>,
    /// Rule points after all caps, bonus included (expert items count 0).
    #[serde(with = "num::dec")]
    pub auto_total: Decimal,
    pub clamps: Vec<String>,
}

impl Evaluation {
    pub fn criterion(&self, id: &str) -> Option<&CriterionEval> {
        self.criteria.iter().find(|c| c.id == id)
    }

    pub fn item(&self, id: &str) -> Option<&ItemEval> {
        self.criteria
            .iter()
            .flat_map(|c| c.items.iter())
            .find(|i| i.id == id)
    }

    /// The rule items' points by item id (expert items have none).
    pub fn suggestions(&self) -> BTreeMap<String, Decimal> {
        self.criteria
            .iter()
            .flat_map(|c| c.items.iter())
            .filter_map(|i| i.auto.map(|a| (i.id.clone(), a)))
            .collect()
    }
}

fn eval_item(item: &Item, facts: &Facts) -> ItemEval {
    let mut out = ItemEval {
        id: item.id.clone(),
        kind: item.kind_name(),
        max: item.max(),
        auto: None,
        explanation: String::new(),
        clamps: Vec::new(),
        missing_facts: Vec::new(),
        override_active: false,
    };
    if let Rule::Expert { .. } = item.rule {
        out.explanation = "expert judgement / 专家打分".into();
        return out;
    }
    // Gate conditions shared by every rule kind.
    for c in &item.requires {
        match eval_condition(c, facts) {
            Truth::True(_) => {}
            Truth::False(s) => {
                out.auto = Some(Decimal::ZERO);
                out.explanation = format!("requirement not met: {s} → 0");
                return out;
            }
            Truth::Missing(m) => {
                out.auto = Some(Decimal::ZERO);
                out.explanation = format!("fact missing: {} → 0", m.join(", "));
                out.missing_facts = m;
                return out;
            }
        }
    }
    let (raw, expl, missing): (Decimal, String, Vec<String>) = match &item.rule {
        Rule::Expert { .. } => unreachable!("handled above"),
        Rule::Flag { fact, points } => match facts.get(fact) {
            None => (
                Decimal::ZERO,
                format!("fact missing: {fact} → 0"),
                vec![fact.clone()],
            ),
            Some(FactValue::Bool(true)) => (
                *points,
                format!("{fact} = true → {}", points.normalize()),
                vec![],
            ),
            Some(v) => (
                Decimal::ZERO,
                format!("{fact} = {} → 0", v.display()),
                vec![],
            ),
        },
        Rule::Choice { fact, options } => match facts.get(fact) {
            None => (
                Decimal::ZERO,
                format!("fact missing: {fact} → 0"),
                vec![fact.clone()],
            ),
            Some(FactValue::Str(s)) => match options.iter().find(|o| &o.value == s) {
                Some(o) => (
                    o.points,
                    format!("{fact} = {s} → {}", o.points.normalize()),
                    vec![],
                ),
                None => (
                    Decimal::ZERO,
                    format!("{fact} = {s}: no option → 0"),
                    vec![],
                ),
            },
            Some(v) => (
                Decimal::ZERO,
                format!("{fact} = {} → 0", v.display()),
                vec![],
            ),
        },
        Rule::Bands { value, bands } => match facts.eval(value) {
            Num::Missing(m) => (
                Decimal::ZERO,
                format!("fact missing: {} → 0", m.join(", ")),
                m,
            ),
            Num::Undefined(s) => (Decimal::ZERO, format!("{s} → 0"), vec![]),
            Num::Val(x, show) => {
                // Bands are validated not to overlap; if several match anyway
                // the higher band wins (convention 2).
                let hit = bands
                    .iter()
                    .filter(|b| b.contains(x))
                    .max_by_key(|b| b.points);
                match hit {
                    Some(b) => (
                        b.points,
                        format!(
                            "{show} in {}{} → {}",
                            b.interval(),
                            if b.as_written.is_empty() {
                                String::new()
                            } else {
                                format!(" “{}”", b.as_written)
                            },
                            b.points.normalize()
                        ),
                        vec![],
                    ),
                    None => (
                        Decimal::ZERO,
                        format!("{show}: below every band → 0"),
                        vec![],
                    ),
                }
            }
        },
        Rule::PerUnit { terms, .. } => {
            let mut total = Decimal::ZERO;
            let mut parts = Vec::new();
            let mut missing = Vec::new();
            for t in terms {
                match facts.num(&t.fact) {
                    Num::Val(n, _) => {
                        total += n * t.rate;
                        parts.push(format!("{} × {}", n.normalize(), t.rate.normalize()));
                    }
                    Num::Missing(m) => {
                        parts.push(format!("[{} missing] × {}", t.fact, t.rate.normalize()));
                        missing.extend(m);
                    }
                    Num::Undefined(_) => {
                        parts.push(format!("[{} undefined] × {}", t.fact, t.rate.normalize()))
                    }
                }
            }
            (
                total,
                format!("{} = {}", parts.join(" + "), num::show_raw(total)),
                missing,
            )
        }
        Rule::AllOf { conditions, points } | Rule::AnyOf { conditions, points } => {
            let any = matches!(item.rule, Rule::AnyOf { .. });
            let mut parts = Vec::new();
            let mut missing = Vec::new();
            let mut trues = 0;
            let mut falses = 0;
            for c in conditions {
                match eval_condition(c, facts) {
                    Truth::True(s) => {
                        trues += 1;
                        parts.push(format!("✓ {s}"));
                    }
                    Truth::False(s) => {
                        falses += 1;
                        parts.push(format!("✗ {s}"));
                    }
                    Truth::Missing(m) => {
                        parts.push(format!("? {} missing", m.join(", ")));
                        missing.extend(m);
                    }
                }
            }
            let ok = if any {
                trues > 0
            } else {
                falses == 0 && missing.is_empty() && trues > 0
            };
            let pts = if ok { *points } else { Decimal::ZERO };
            // With any_of, a missing fact does not matter once another holds.
            if any && ok {
                missing.clear();
            }
            (
                pts,
                format!(
                    "{}{} → {}",
                    if any { "any of: " } else { "all of: " },
                    parts.join("; "),
                    pts.normalize()
                ),
                missing,
            )
        }
        Rule::Override { condition, points } => match eval_condition(condition, facts) {
            Truth::True(s) => {
                out.override_active = true;
                (
                    *points,
                    format!("{s} → criterion becomes {}", points.normalize()),
                    vec![],
                )
            }
            Truth::False(s) => (Decimal::ZERO, format!("{s} → no override"), vec![]),
            Truth::Missing(m) => (
                Decimal::ZERO,
                format!("fact missing: {} → no override", m.join(", ")),
                m,
            ),
        },
    };
    let cap = item.max();
    let capped = if raw > cap {
        out.clamps.push(format!(
            "{}: {} → capped at {}",
            item.id,
            expl,
            cap.normalize()
        ));
        cap
    } else if raw < Decimal::ZERO {
        out.clamps
            .push(format!("{}: {} → raised to 0", item.id, raw.normalize()));
        Decimal::ZERO
    } else {
        raw
    };
    out.auto = Some(capped);
    out.explanation = if capped != raw {
        format!("{expl} → capped at {}", cap.normalize())
    } else {
        expl
    };
    out.missing_facts = missing;
    out
}

/// Evaluate the rubric's rule items against the facts.
pub fn evaluate(rubric: &Rubric, facts: &Facts) -> Evaluation {
    let mut criteria = Vec::new();
    let mut values = BTreeMap::new();
    for (_, k) in rubric.criteria() {
        let items: Vec<ItemEval> = k.items.iter().map(|i| eval_item(i, facts)).collect();
        for ie in &items {
            values.insert(ie.id.clone(), ie.auto.unwrap_or_default());
        }
        let mut missing: Vec<String> = items.iter().flat_map(|i| i.missing_facts.clone()).collect();
        missing.sort();
        missing.dedup();
        criteria.push(CriterionEval {
            id: k.id.clone(),
            max: k.max,
            auto: Decimal::ZERO,
            needs_expert: k.items.iter().any(|i| i.is_expert()),
            missing_facts: missing,
            clamps: items.iter().flat_map(|i| i.clamps.clone()).collect(),
            items,
        });
    }
    let scored = combine(rubric, &values);
    let mut clamps = Vec::new();
    for ce in &mut criteria {
        if let Some(cs) = scored.criteria.get(&ce.id) {
            ce.auto = cs.value;
            ce.clamps.extend(cs.clamps.clone());
        }
        clamps.extend(ce.clamps.clone());
    }
    clamps.extend(scored.clamps.clone());
    Evaluation {
        rubric: rubric.id.clone(),
        criteria,
        auto_total: scored.total,
        clamps,
    }
}

/// A criterion's value after caps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionScore {
    #[serde(with = "num::dec")]
    pub value: Decimal,
    /// Sum of the items before the criterion cap (or the override value).
    #[serde(with = "num::dec")]
    pub raw: Decimal,
    pub clamps: Vec<String>,
}

/// A whole score: per criterion, per category, total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub criteria: BTreeMap<String, CriterionScore>,
    #[serde(with = "num::map")]
    pub categories: BTreeMap<String, Decimal>,
    /// Non-bonus categories, capped at the rubric total.
    #[serde(with = "num::dec")]
    pub main: Decimal,
    /// Bonus categories, each capped on its own.
    #[serde(with = "num::dec")]
    pub bonus: Decimal,
    #[serde(with = "num::dec")]
    pub total: Decimal,
    pub clamps: Vec<String>,
}

/// Combine item values into criterion, category and total values, applying
/// every cap in order. Items without a value count 0. An item value is first
/// clamped to [0, item max]. A criterion's value is unweighted; its category
/// adds `weight × value` (exact, no rounding: one expert's own subtotal).
pub fn combine(rubric: &Rubric, item_values: &BTreeMap<String, Decimal>) -> Scored {
    let mut criteria = BTreeMap::new();
    let mut categories = BTreeMap::new();
    let mut clamps = Vec::new();
    let mut main = Decimal::ZERO;
    let mut bonus = Decimal::ZERO;
    for cat in &rubric.categories {
        let mut cat_sum = Decimal::ZERO;
        let mut cat_parts = Vec::new();
        for k in &cat.criteria {
            let mut kclamps = Vec::new();
            let mut sum = Decimal::ZERO;
            let mut parts = Vec::new();
            let mut override_val: Option<(String, Decimal)> = None;
            for it in &k.items {
                let mut v = item_values.get(&it.id).copied().unwrap_or_default();
                let max = it.max();
                if v > max {
                    kclamps.push(format!(
                        "{}: {} → capped at {}",
                        it.id,
                        num::show_raw(v),
                        max.normalize()
                    ));
                    v = max;
                } else if v < Decimal::ZERO {
                    kclamps.push(format!("{}: {} → raised to 0", it.id, num::show_raw(v)));
                    v = Decimal::ZERO;
                }
                if let Rule::Override { .. } = it.rule {
                    if v > Decimal::ZERO {
                        override_val = Some((it.id.clone(), v));
                    }
                    continue;
                }
                sum += v;
                parts.push(num::show(v));
            }
            let raw = match &override_val {
                Some((id, v)) => {
                    kclamps.push(format!(
                        "{}: override {id} holds → criterion becomes {} (instead of {})",
                        k.id,
                        v.normalize(),
                        num::show(sum)
                    ));
                    *v
                }
                None => sum,
            };
            let value = if raw > k.max {
                kclamps.push(format!(
                    "{}: {} = {} → capped at {}",
                    k.id,
                    if override_val.is_some() {
                        "override".to_string()
                    } else {
                        parts.join(" + ")
                    },
                    num::show(raw),
                    k.max.normalize()
                ));
                k.max
            } else {
                raw
            };
            // The category adds `weight × value` (the value itself stays unweighted).
            if k.weight == Decimal::ONE {
                cat_sum += value;
                cat_parts.push(num::show(value));
            } else {
                cat_sum += k.weight * value;
                cat_parts.push(format!("{}×{}", num::show(k.weight), num::show(value)));
            }
            criteria.insert(
                k.id.clone(),
                CriterionScore {
                    value,
                    raw,
                    clamps: kclamps,
                },
            );
        }
        let cv = if cat_sum > cat.max {
            clamps.push(format!(
                "{} {}: {} = {} → capped at {}",
                cat.id,
                cat.title,
                cat_parts.join(" + "),
                num::show(cat_sum),
                cat.max.normalize()
            ));
            cat.max
        } else {
            cat_sum
        };
        categories.insert(cat.id.clone(), cv);
        if cat.bonus {
            bonus += cv;
        } else {
            main += cv;
        }
    }
    if main > rubric.total_max {
        clamps.push(format!(
            "total: {} → capped at {}",
            num::show(main),
            rubric.total_max.normalize()
        ));
        main = rubric.total_max;
    }
    Scored {
        criteria,
        categories,
        main,
        bonus,
        total: main + bonus,
        clamps,
    }
}

spelled_enum! {
    "lowercase",
    /// The outcome of one gate. Serialized, displayed and parsed in lowercase (`pass`, `fail`,
    /// `unknown`, `manual`), the spelling of every output.
    pub enum GateOutcome {
        /// The facts meet the gate.
        Pass,
        /// The facts do not meet the gate.
        Fail,
        /// Facts the gate needs are missing.
        Unknown,
        /// No rule: the secretariat checks it by hand.
        Manual,
    }
}

impl GateOutcome {
    /// Still open: facts missing or checked by hand (a person may decide it).
    pub fn is_open(self) -> bool {
        matches!(self, GateOutcome::Unknown | GateOutcome::Manual)
    }
}

/// Outcome of one eligibility gate or target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateResult {
    pub id: String,
    pub text: String,
    pub outcome: GateOutcome,
    pub detail: Vec<String>,
    pub missing_facts: Vec<String>,
    /// The call's words of the `all_of` conditions that failed (those with a `text`), when
    /// the gate has more than one condition: which clause of the requirement is not met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_clauses: Vec<String>,
}

/// Check gates (eligibility or targets) against the facts.
pub fn check_gates(gates: &[Gate], facts: &Facts) -> Vec<GateResult> {
    gates
        .iter()
        .map(|g| {
            let mut detail = Vec::new();
            let mut missing = Vec::new();
            let mut fail = false;
            let mut failed_clauses = Vec::new();
            if g.all_of.is_empty() && g.any_of.is_empty() {
                return GateResult {
                    id: g.id.clone(),
                    text: g.text.clone(),
                    outcome: GateOutcome::Manual,
                    detail: vec!["checked by the secretariat / 由秘书处人工核验".into()],
                    missing_facts: vec![],
                    failed_clauses: vec![],
                };
            }
            for c in &g.all_of {
                match eval_condition(c, facts) {
                    Truth::True(s) => detail.push(format!("✓ {s}")),
                    Truth::False(s) => {
                        fail = true;
                        if g.all_of.len() + g.any_of.len() > 1 && !c.text.is_empty() {
                            failed_clauses.push(c.text.clone());
                        }
                        detail.push(format!("✗ {s}"))
                    }
                    Truth::Missing(m) => {
                        detail.push(format!("? {} missing", m.join(", ")));
                        missing.extend(m)
                    }
                }
            }
            if !g.any_of.is_empty() {
                let mut any_true = false;
                let mut any_missing = Vec::new();
                for (gi, group) in g.any_of.iter().enumerate() {
                    let mut ok = true;
                    let mut gm = Vec::new();
                    let mut gd = Vec::new();
                    for c in group {
                        match eval_condition(c, facts) {
                            Truth::True(s) => gd.push(format!("✓ {s}")),
                            Truth::False(s) => {
                                ok = false;
                                gd.push(format!("✗ {s}"))
                            }
                            Truth::Missing(m) => {
                                ok = false;
                                gm.extend(m)
                            }
                        }
                    }
                    if ok {
                        any_true = true;
                    }
                    if !gm.is_empty() && gd.iter().all(|d| d.starts_with('✓')) {
                        any_missing.extend(gm);
                    }
                    detail.push(format!("option {}: {}", gi + 1, gd.join("; ")));
                }
                if !any_true {
                    if any_missing.is_empty() {
                        fail = true;
                    } else {
                        missing.extend(any_missing);
                    }
                }
            }
            missing.sort();
            missing.dedup();
            let outcome = if fail {
                GateOutcome::Fail
            } else if !missing.is_empty() {
                GateOutcome::Unknown
            } else {
                GateOutcome::Pass
            };
            GateResult {
                id: g.id.clone(),
                text: g.text.clone(),
                outcome,
                detail,
                missing_facts: missing,
                failed_clauses,
            }
        })
        .collect()
}

spelled_enum! {
    "snake_case",
    /// Overall eligibility of an application: the verdict of its gates, without the reasons.
    /// Serialized, displayed and parsed in snake_case (`eligible`, `ineligible`, `unchecked`).
    pub enum EligibilityStatus {
        /// Every gate passed.
        Eligible,
        /// A gate failed.
        Ineligible,
        /// No gate failed, but some are undecided (facts missing or checked by hand).
        Unchecked,
    }
}

/// Overall eligibility from gate results: any fail → `ineligible`; else any
/// gate unknown (facts missing) or manual (checked by hand, no rule) →
/// `unchecked`; else `eligible`.
pub fn eligibility_summary(results: &[GateResult]) -> EligibilityStatus {
    if results.iter().any(|r| r.outcome == GateOutcome::Fail) {
        EligibilityStatus::Ineligible
    } else if results.iter().any(|r| r.outcome.is_open()) {
        EligibilityStatus::Unchecked
    } else {
        EligibilityStatus::Eligible
    }
}

#[cfg(test)]
mod tests {
    use super::GateOutcome;
    use strum::IntoEnumIterator;

    #[test]
    fn gate_outcomes_keep_their_lowercase_spelling() {
        let all: Vec<GateOutcome> = GateOutcome::iter().collect();
        let spelled: Vec<&str> = all.iter().map(|o| o.as_str()).collect();
        assert_eq!(spelled, ["pass", "fail", "unknown", "manual"]);
        for o in all {
            assert_eq!(o.to_string(), o.as_str());
            assert_eq!(o.as_ref(), o.as_str());
            assert_eq!(o.as_str().parse::<GateOutcome>().unwrap(), o);
            let json = serde_json::to_string(&o).unwrap();
            assert_eq!(json, format!("\"{}\"", o.as_str()));
            assert_eq!(serde_json::from_str::<GateOutcome>(&json).unwrap(), o);
            // `panel rubric eval` pads the outcome to a column: Display honours the width.
            assert_eq!(format!("[{o:<7}]"), format!("[{:<7}]", o.as_str()));
        }
        assert!("Pass".parse::<GateOutcome>().is_err());
        assert!(GateOutcome::Unknown.is_open() && GateOutcome::Manual.is_open());
        assert!(!GateOutcome::Pass.is_open() && !GateOutcome::Fail.is_open());
    }
}
