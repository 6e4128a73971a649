//! `panel rubric check | show | eval`.

use super::{Exit, Outcome};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::rubric::{self, num::show, Rubric, Rule};

/// Resolve a rubric argument: a file path, or the id of an embedded rubric.
pub fn load_arg(arg: &Path) -> Result<rubric::Loaded> {
    if arg.exists() {
        return Ok(rubric::load(arg)?);
    }
    let s = arg.to_string_lossy();
    if let Some(l) = rubric::embedded(&s) {
        return Ok(l);
    }
    bail!(
        "{}: no such file, and no embedded rubric has this id (embedded: {})",
        arg.display(),
        rubric::embedded_ids()
    )
}

/// `panel rubric check`: done when every file is valid (warnings allowed), refused otherwise.
pub fn check(args: &[PathBuf]) -> Outcome {
    let (mut out, mut err) = (String::new(), String::new());
    let mut exit = Exit::Success;
    let mut files = Vec::new();
    for a in args {
        if !a.is_dir() {
            files.push(a.clone());
            continue;
        }
        // A folder stands for its rubric files (`*.json`, not recursive).
        let mut inside: Vec<PathBuf> = std::fs::read_dir(a)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        if inside.is_empty() {
            exit = Exit::Refused;
            let _ = writeln!(
                err,
                "error: {}: a folder without rubric files (*.json); give rubric files or a \
                 folder that holds them",
                a.display()
            );
        }
        inside.sort();
        files.extend(inside);
    }
    for f in &files {
        match rubric::load(f) {
            Ok(l) => {
                let r = &l.rubric;
                let bonus = r.bonus_max();
                let _ = writeln!(
                    out,
                    "ok {}: {} ({} criteria, {} items, total {}{}{}) sha256 {}",
                    f.display(),
                    r.id,
                    r.criteria().count(),
                    r.items().count(),
                    show(r.total_max),
                    if bonus > rust_decimal::Decimal::ZERO {
                        format!(" + {} bonus", show(bonus))
                    } else {
                        String::new()
                    },
                    if r.derived { ", derived" } else { "" },
                    &l.sha256[..16]
                );
                for w in &l.warnings {
                    let _ = writeln!(err, "warning: {}: {w}", f.display());
                }
            }
            Err(e) => {
                exit = Exit::Refused;
                let _ = writeln!(err, "error: {e}");
            }
        }
    }
    Outcome::new(out, err, exit)
}

fn rule_summary(rule: &Rule) -> String {
    match rule {
        Rule::Expert { max } => format!("expert 0–{} ", show(*max)),
        Rule::Flag { fact, points } => format!("flag {fact} → {}", show(*points)),
        Rule::Choice { fact, options } => format!(
            "choice {fact}: {}",
            options
                .iter()
                .map(|o| format!("{}→{}", o.value, show(o.points)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Rule::Bands { value, bands } => format!(
            "bands on {}: {}",
            expr_name(value),
            bands
                .iter()
                .map(|b| format!("{}→{}", b.interval(), show(b.points)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Rule::PerUnit { terms, cap } => format!(
            "per_unit {} (cap {})",
            terms
                .iter()
                .map(|t| format!("{} × {}", show(t.rate), t.fact))
                .collect::<Vec<_>>()
                .join(" + "),
            show(*cap)
        ),
        Rule::AllOf { conditions, points } | Rule::AnyOf { conditions, points } => format!(
            "{} [{}] → {}",
            rule.kind_name(),
            conditions
                .iter()
                .map(cond_name)
                .collect::<Vec<_>>()
                .join("; "),
            show(*points)
        ),
        Rule::Override { condition, points } => {
            format!(
                "override when {} → criterion = {}",
                cond_name(condition),
                show(*points)
            )
        }
    }
}

fn expr_name(e: &rubric::NumExpr) -> String {
    use rubric::NumExpr::*;
    match e {
        Fact(k) => k.clone(),
        Ratio { num, den } => format!("{num}/{den} %"),
        Per10k { num, den } => format!("{num}/{den} × 10000"),
        MinOver { fact, skip_first } => {
            format!(
                "min over years of {fact}{}",
                if *skip_first {
                    " (base year excluded)"
                } else {
                    ""
                }
            )
        }
        Increases { fact } => format!("year-on-year increases of {fact}"),
        Sum(v) => v.join(" + "),
    }
}

fn cond_name(c: &rubric::Condition) -> String {
    use rubric::eval::op_sym;
    use rubric::Op;
    let left = c
        .fact
        .clone()
        .or_else(|| c.expr.as_ref().map(expr_name))
        .unwrap_or_default();
    let op = op_sym(c.op);
    match c.op {
        Op::IsTrue | Op::IsFalse | Op::Present => return format!("{left} {op}"),
        Op::In => return format!("{left} {op} {{{}}}", c.one_of.join(", ")),
        Op::Ge | Op::Gt | Op::Le | Op::Lt | Op::Eq | Op::Ne => {}
    }
    let right = match (&c.other, c.value) {
        (Some(o), _) => match c.factor {
            Some(f) => format!("{} × {o}", show(f)),
            None => o.clone(),
        },
        (None, Some(v)) => show(v),
        _ => "?".into(),
    };
    format!("{left} {op} {right}")
}

/// `panel rubric show`: the tree with maxima and scoring standards.
pub fn show_tree(r: &Rubric) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}  {}", r.id, r.title);
    if !r.title_en.is_empty() {
        let _ = writeln!(s, "  {}", r.title_en);
    }
    let _ = writeln!(
        s,
        "  version {} · {}{}",
        r.version,
        if r.derived {
            "DERIVED (no official point table) / 派生评分表"
        } else {
            "official / 官方评分标准"
        },
        if r.source.is_empty() {
            String::new()
        } else {
            format!(" · {}", r.source)
        }
    );
    let main: Vec<String> = r
        .categories
        .iter()
        .filter(|c| !c.bonus)
        .map(|c| show(c.max))
        .collect();
    let bonus = r.bonus_max();
    let _ = writeln!(
        s,
        "Total / 总分: {}{}  (= {})",
        show(r.total_max),
        if bonus > rust_decimal::Decimal::ZERO {
            format!(" + {} bonus / 附加分", show(bonus))
        } else {
            String::new()
        },
        main.join(" + ")
    );
    for cat in &r.categories {
        let _ = writeln!(
            s,
            "\n{} {} {}  [{}]{}",
            cat.id,
            cat.title,
            cat.title_en,
            show(cat.max),
            match (cat.bonus, cat.capped) {
                (true, true) => " bonus / 附加分, capped / 封顶",
                (true, false) => " bonus / 附加分",
                (false, true) => " capped / 封顶",
                (false, false) => "",
            }
        );
        for k in &cat.criteria {
            // A weight other than 1: the category adds weight × value.
            let weight = if k.weight == rust_decimal::Decimal::ONE {
                String::new()
            } else {
                format!(" × {}", show(k.weight))
            };
            let _ = writeln!(
                s,
                "  {} {} {}  [{}{weight}]",
                k.id,
                k.title,
                k.title_en,
                show(k.max)
            );
            if !k.requirement.is_empty() {
                let _ = writeln!(s, "     要求: {}", k.requirement);
            }
            if !k.standard.is_empty() {
                let _ = writeln!(s, "     评分标准: {}", k.standard);
            }
            for it in &k.items {
                let _ = writeln!(
                    s,
                    "     {:<6} [{}] {}",
                    it.id,
                    show(it.max()),
                    rule_summary(&it.rule)
                );
                if !it.requires.is_empty() {
                    let _ = writeln!(
                        s,
                        "            requires: {}",
                        it.requires
                            .iter()
                            .map(cond_name)
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
            }
        }
    }
    if !r.eligibility.is_empty() {
        let _ = writeln!(s, "\nEligibility / 申报条件:");
        for g in &r.eligibility {
            let _ = writeln!(s, "  {} {}", g.id, g.text);
        }
    }
    if !r.targets.is_empty() {
        let _ = writeln!(s, "\nTargets / 绩效目标:");
        for g in &r.targets {
            let _ = writeln!(s, "  {} {}", g.id, g.text);
        }
    }
    let f = &r.funding;
    let mut parts = Vec::new();
    if let Some(q) = f.quota {
        parts.push(format!("quota {q}"));
    }
    if let Some(c) = f.per_award_cap_wan {
        parts.push(format!("≤ {}万元 per award", show(c)));
    }
    if let Some(b) = f.budget_wan {
        parts.push(format!("budget {}万元", show(b)));
    }
    if let Some(x) = f.self_funding_ratio {
        parts.push(format!("self-funding ≥ {} × fiscal", show(x)));
    }
    if let Some(t) = f.min_team {
        parts.push(format!("team ≥ {t}"));
    }
    if !parts.is_empty() {
        let _ = writeln!(s, "\nFunding / 经费: {}", parts.join(" · "));
    }
    for t in &r.tracks {
        let _ = writeln!(
            s,
            "  track {} {} ({}){}{}{}{}{}",
            t.id,
            t.title,
            t.mode,
            t.quota
                .map(|q| format!(" quota {}{q}", if t.quota_approx { "≈" } else { "≤" }))
                .unwrap_or_default(),
            t.per_award_cap_wan
                .map(|c| if t.fixed_award {
                    format!(" = {}万元 each (fixed)", show(c))
                } else {
                    format!(" ≤ {}万元", show(c))
                })
                .unwrap_or_default(),
            t.budget_wan
                .map(|b| format!(" total ≤ {}万元", show(b)))
                .unwrap_or_default(),
            match (&t.unit_fact, t.yuan_per_unit) {
                (Some(f), Some(y)) => format!(" {}元 × {f}", show(y)),
                _ => String::new(),
            },
            if t.grades.is_empty() {
                String::new()
            } else {
                format!(
                    " grades {}",
                    t.grades
                        .iter()
                        .map(|g| format!("{}:{}", g.id, show(g.weight)))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            }
        );
        for target in &t.targets {
            let _ = writeln!(s, "    target: {target}");
        }
        // Who may apply: the track's gates, checked with the rubric's when a panel names it.
        for g in &t.eligibility {
            let _ = writeln!(s, "    gate {} {}", g.id, g.text);
        }
    }
    if !r.tie_break.is_empty() {
        let _ = writeln!(
            s,
            "Tie-break / 同分排序: {} → application id",
            r.tie_break.join(" → ")
        );
    }
    for w in &r.warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    s
}

/// `panel rubric eval`: evaluate a rubric against a facts file.
pub fn eval(
    rubric_arg: &Path,
    facts_file: &Path,
    json: bool,
    track: Option<&str>,
) -> Result<Outcome> {
    let loaded = load_arg(rubric_arg)?;
    let r = &loaded.rubric;
    let track = match track {
        None => None,
        Some(id) => match r.tracks.iter().find(|t| t.id == id) {
            Some(t) => Some(t),
            None if r.tracks.is_empty() => anyhow::bail!(
                "--track {id}: rubric {} has no tracks; leave --track out",
                r.id
            ),
            None => anyhow::bail!(
                "--track {id}: rubric {} has no such track; its tracks are {}",
                r.id,
                r.tracks
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    };
    let text = rubric::read_text(facts_file)?;
    let obj = rubric::facts_object(facts_file, &text)?;
    let (facts, problems) = rubric::parse_facts(r, &obj);
    let mut err = String::new();
    let mut exit = Exit::Success;
    for p in &problems {
        if p.kind == "undeclared" {
            let _ = writeln!(err, "warning: {}: {p} (ignored)", facts_file.display());
        } else {
            exit = Exit::Refused;
            let _ = writeln!(err, "error: {}: {p}", facts_file.display());
        }
    }
    if exit != Exit::Success {
        let _ = writeln!(
            err,
            "{}: fix the facts above and run again; no evaluation was made.",
            facts_file.display()
        );
        return Ok(Outcome::new(String::new(), err, exit));
    }
    let ev = rubric::evaluate(r, &facts);
    // The rubric's gates, then the track's (as `Panel::eligibility_gates` for a panel
    // naming the track).
    let mut gate_list = r.eligibility.clone();
    if let Some(t) = track {
        gate_list.extend(t.eligibility.iter().cloned());
    }
    let gates = rubric::check_gates(&gate_list, &facts);
    let targets = rubric::check_gates(&r.targets, &facts);
    if json {
        let v = serde_json::json!({
            "rubric": r.id,
            "track": track.map(|t| t.id.as_str()),
            "criteria": ev.criteria.iter().map(|c| serde_json::json!({
                "id": c.id,
                "max": rubric::num::to_json(c.max),
                "auto": rubric::num::to_json(c.auto),
                "needs_expert": c.needs_expert,
                "missing_facts": c.missing_facts,
                "clamps": c.clamps,
                "items": c.items,
            })).collect::<Vec<_>>(),
            "auto_total": rubric::num::to_json(ev.auto_total),
            "eligibility": rubric::eligibility_summary(&gates),
            "gates": gates,
            "targets": targets,
        });
        return Ok(Outcome::done(serde_json::to_string_pretty(&v)? + "\n", err));
    }
    let mut s = String::new();
    let _ = writeln!(s, "{} — {}", r.id, r.title);
    let _ = writeln!(s, "facts: {}", facts_file.display());
    if let Some(t) = track {
        let _ = writeln!(s, "track: {} {} ({})", t.id, t.title, t.article);
    }
    for (cat, k) in r.criteria() {
        let ce = ev.criterion(&k.id).context("criterion evaluated")?;
        let _ = writeln!(
            s,
            "\n{} {} ({}) auto {} / {}{}{}",
            k.id,
            k.title,
            cat.title,
            show(ce.auto),
            show(ce.max),
            if ce.needs_expert {
                "  + expert judgement"
            } else {
                ""
            },
            if ce.missing_facts.is_empty() {
                String::new()
            } else {
                format!("  FACT MISSING: {}", ce.missing_facts.join(", "))
            }
        );
        for ie in &ce.items {
            let _ = writeln!(
                s,
                "  {:<6} {:>5} / {:<4} {}",
                ie.id,
                ie.auto.map(show).unwrap_or_else(|| "—".into()),
                show(ie.max),
                ie.explanation
            );
        }
        for c in &ce.clamps {
            let _ = writeln!(s, "  clamp: {c}");
        }
    }
    let _ = writeln!(
        s,
        "\nauto total (rule items only, expert items count 0): {}",
        show(ev.auto_total)
    );
    if !gates.is_empty() {
        let _ = writeln!(
            s,
            "\neligibility / 申报条件: {}",
            rubric::eligibility_summary(&gates)
        );
        let w = gates.iter().map(|g| g.id.len()).max().unwrap_or(0);
        for g in &gates {
            let _ = writeln!(s, "  {:<w$} {:<7} {}", g.id, g.outcome, g.detail.join("; "));
        }
    }
    if !targets.is_empty() {
        let _ = writeln!(s, "\ntargets / 绩效目标:");
        let w = targets.iter().map(|g| g.id.len()).max().unwrap_or(0);
        for g in &targets {
            let _ = writeln!(s, "  {:<w$} {:<7} {}", g.id, g.outcome, g.detail.join("; "));
        }
    }
    Ok(Outcome::done(s, err))
}
