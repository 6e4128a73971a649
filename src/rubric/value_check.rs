//! The one value check for every way a score comes in — the expert screen, a sheet, a
//! paper-form import and `panel results --scores`: the written form (a plain decimal, no
//! leading zeros, no `-0`, no more decimal places than the item's step has), the range
//! `0–max` and the step. Also the check of ids (application, expert) read from files:
//! printable and trimmed. Computing only; each caller words the refusal its own way.

use rust_decimal::Decimal;

use super::num::show;

/// Why a score was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueFault {
    /// Not a plain decimal (letters, comma, exponent, sign other than a leading `-`, …).
    NotNumber,
    /// A number in a form that is refused: leading zeros (`08`), negative zero (`-0`),
    /// more decimal places than the step has (`8.000` for a step of 0.5).
    Form,
    /// Below 0 or above the maximum.
    OutOfRange,
    /// Not a multiple of the step.
    OffStep,
}

/// A refusal: its kind and an English message naming the value and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueProblem {
    pub fault: ValueFault,
    pub message: String,
}

fn problem(fault: ValueFault, message: String) -> ValueProblem {
    ValueProblem { fault, message }
}

/// Parses the written form of a score: an optional leading `-`, digits with at most one
/// dot inside; no leading zero before another digit (`08`, `00.5`), no negative zero.
/// Returns the value with the scale as written (`8.0` has scale 1).
pub fn parse_score(text: &str) -> Result<Decimal, ValueProblem> {
    if text.contains(',') {
        return Err(problem(ValueFault::NotNumber, comma(text)));
    }
    let body = text.strip_prefix('-').unwrap_or(text);
    if body.is_empty()
        || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || body.bytes().filter(|b| *b == b'.').count() > 1
        || body.starts_with('.')
        || body.ends_with('.')
    {
        return Err(problem(ValueFault::NotNumber, not_a_number(text)));
    }
    let b = body.as_bytes();
    if b.len() > 1 && b[0] == b'0' && b[1].is_ascii_digit() {
        return Err(problem(
            ValueFault::Form,
            format!(
                "value {text:?} has a leading zero; write {:?}",
                body.trim_start_matches('0').strip_prefix('.').map_or_else(
                    || body.trim_start_matches('0').to_string(),
                    |r| format!("0.{r}")
                )
            ),
        ));
    }
    let value = Decimal::from_str_exact(text).map_err(|e| {
        problem(
            ValueFault::NotNumber,
            format!("value {text:?} is not a decimal ({e})"),
        )
    })?;
    if text.starts_with('-') && value.is_zero() {
        return Err(problem(
            ValueFault::Form,
            format!("value {text:?} is a negative zero; write \"0\""),
        ));
    }
    Ok(value)
}

/// The refusal of a text that is not a plain decimal; a number typed with an input method in
/// full-width mode (`４．５`, `４。５`: the expert screen takes those keys as digits) gets the
/// plain spelling to type instead, and so do the other ways a spreadsheet or a typist
/// decorates a number (a unit, a formula, an exponent, a sign, an invisible space): the
/// message names what is wrong and the plain decimal to write. Nothing of this is accepted.
#[cold]
fn not_a_number(text: &str) -> String {
    let plain = |t: &str| parse_score(t).is_ok().then(|| t.to_string());
    let half: String = text
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '。' => '.',
            _ => c,
        })
        .collect();
    if half != text && half.is_ascii() && parse_score(&half).is_ok() {
        return format!("value {text:?} is typed in full-width characters; type {half}");
    }
    const WRITE: &str = "write the expert's score as a plain decimal such as \"4.5\"";
    if text.is_empty() {
        return format!("the value is empty; {WRITE}");
    }
    if ["回避", "申请回避", "利益冲突", "利益回避"].contains(&text) {
        return format!(
            "value {text:?} marks a conflict of interest (回避), not a score: leave this \
             expert's rows of the application out (an expert without rows is not counted for \
             it); in the expert screen, `x` declares it"
        );
    }
    if text
        .chars()
        .all(|c| matches!(c, '-' | '—' | '–' | '－' | '―' | '/' | '／'))
    {
        return format!("value {text:?} is a dash, not a score; {WRITE}");
    }
    let (why, fixed) = if let Some(v) = text.strip_suffix('分').and_then(|t| plain(t.trim())) {
        ("has the unit 分", v)
    } else if let Some(v) = text
        .strip_prefix('=')
        .map(|t| t.trim_matches('"'))
        .and_then(plain)
    {
        ("is a spreadsheet formula", v)
    } else if let Some(v) = text.strip_prefix('+').and_then(plain) {
        ("has a plus sign", v)
    } else if text.contains(['e', 'E']) && !text.contains('%') {
        match Decimal::from_scientific(text) {
            Ok(v) => ("is in scientific notation", show(v.normalize())),
            Err(_) => return general(text),
        }
    } else if text.ends_with('%') || text.ends_with('％') {
        return format!(
            "value {text:?} is a percentage; a score is points, not a percentage: {WRITE}"
        );
    } else if let Some(v) = text
        .strip_prefix('.')
        .and_then(|t| plain(&format!("0.{t}")))
    {
        ("has no digit before its dot", v)
    } else if let Some(v) = text.strip_suffix('.').and_then(plain) {
        ("ends with a dot", v)
    } else if let Some(c) = text
        .chars()
        .find(|&c| c.is_whitespace() || crate::pii::normalize::is_invisible(c))
    {
        let rest: String = text
            .chars()
            .filter(|&c| !c.is_whitespace() && !crate::pii::normalize::is_invisible(c))
            .collect();
        match plain(&rest) {
            Some(v) => {
                return format!(
                    "value {text:?} contains the invisible or special space U+{:04X} (copied \
                     from a web page or a document?); delete it: write {v}",
                    c as u32
                )
            }
            None => return general(text),
        }
    } else {
        return general(text);
    };
    format!("value {text:?} {why}; write {fixed}")
}

/// The refusal of a value with a comma: a decimal comma gets the value with a dot.
#[cold]
fn comma(text: &str) -> String {
    let dotted = text.replacen(',', ".", 1);
    match parse_score(&dotted) {
        Ok(_) if text.matches(',').count() == 1 => format!(
            "value {text:?} uses a comma as the decimal mark; write decimals with a dot: \
             write {dotted}"
        ),
        _ => format!("value {text:?} uses a comma; write decimals with a dot, e.g. \"4.5\""),
    }
}

#[cold]
fn general(text: &str) -> String {
    format!("value {text:?} is not a number; write a plain decimal such as \"4.5\"")
}

/// Checks a value against an item's `max` and `step`: decimal places (as written) no more
/// than the step's, `0 <= value <= max`, a multiple of the step.
pub fn check_score(value: Decimal, max: Decimal, step: Decimal) -> Result<(), ValueProblem> {
    if value < Decimal::ZERO || value > max {
        return Err(problem(
            ValueFault::OutOfRange,
            format!(
                "value {value} is outside the item's range 0–{}; enter a value in range",
                show(max)
            ),
        ));
    }
    check_places(value, max, step)?;
    if step > Decimal::ZERO && !(value % step).is_zero() {
        return Err(problem(
            ValueFault::OffStep,
            format!(
                "value {value} is not a multiple of the item's step {}; round it to the step",
                show(step)
            ),
        ));
    }
    Ok(())
}

/// The decimal places of a value as written: no more than the step's (or the maximum's),
/// unless they are only trailing zeros of a value that is off the step anyway (reported as
/// off-step by [`check_score`]). `8.000` for a step of 0.5 is refused here.
pub fn check_places(value: Decimal, max: Decimal, step: Decimal) -> Result<(), ValueProblem> {
    let places = step.normalize().scale().max(max.normalize().scale());
    if value.scale() > places && value.normalize().scale() <= places {
        return Err(problem(
            ValueFault::Form,
            format!(
                "value {value} has {} decimal places, more than the item's step {} allows; \
                 write {}",
                value.scale(),
                show(step),
                show(value)
            ),
        ));
    }
    Ok(())
}

/// [`parse_score`] then [`check_score`]: the check of a typed or written score.
pub fn check_score_text(text: &str, max: Decimal, step: Decimal) -> Result<Decimal, ValueProblem> {
    let v = parse_score(text)?;
    check_score(v, max, step)?;
    Ok(v)
}

/// An id read from a file or typed (application, expert): not empty, no control
/// characters (NUL, line breaks, …), no invisible characters (a byte order mark, a
/// zero-width space), no white space at either end.
pub fn check_id(what: &str, id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the {what} {id:?} contains the control character U+{:04X}; ids are printable",
            c as u32
        ));
    }
    if let Some(c) = id.chars().find(|&c| crate::pii::normalize::is_invisible(c)) {
        return Err(format!(
            "the {what} {id:?} contains the invisible character U+{:04X} (a byte order mark or \
             zero-width space pasted with it?); delete it",
            c as u32
        ));
    }
    if id.trim() != id {
        return Err(format!(
            "the {what} {id:?} has white space at its start or end; write {:?}",
            id.trim()
        ));
    }
    Ok(())
}

/// The known id that `typed` is a mistyped spelling of: the same letters and digits in
/// another case, in full-width characters, with spaces or invisible characters, or with a
/// number written with more or fewer leading zeros (`E2` for `E02`, `SY1` for `SY00001`);
/// `None` when none or several are. For the refusal of an unknown id ("did you mean …"),
/// never to accept one.
#[cold]
pub fn near_id<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    fn fold(id: &str) -> String {
        let plain = id
            .chars()
            .filter(|&c| !c.is_whitespace() && !crate::pii::normalize::is_invisible(c))
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                _ => c,
            })
            .flat_map(char::to_uppercase);
        // Each run of digits without its leading zeros (a run of zeros alone stays `0`).
        let mut out = String::new();
        let mut run_start: Option<usize> = None;
        for c in plain {
            if c.is_ascii_digit() {
                let start = *run_start.get_or_insert(out.len());
                if out.len() > start && out[start..].bytes().all(|b| b == b'0') {
                    out.truncate(start);
                }
            } else {
                run_start = None;
            }
            out.push(c);
        }
        out
    }
    let want = fold(typed);
    let mut found = known.into_iter().filter(|k| *k != typed && fold(k) == want);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// `; did you mean "T24-001"?` when `typed` is a mistyped spelling of one known id
/// ([`near_id`]), else nothing.
#[cold]
pub fn did_you_mean<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    near_id(typed, known).map_or_else(String::new, |k| {
        format!(" (did you mean {k:?}? it differs only in case, width, spaces or leading zeros)")
    })
}

/// The roster expert whose name `typed` is (the whole name, or one of its words: `专家一`
/// in `专家一 Expert 1`), when a file names the expert where the id belongs; `None` when
/// none or several are. `roster` gives (id, name). For the refusal, never to accept one.
#[cold]
pub fn expert_named<'a>(
    typed: &str,
    roster: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let mut found = roster.into_iter().filter(|(id, name)| {
        *id != typed && (name.trim() == typed || name.split_whitespace().any(|w| w == typed))
    });
    let (first, _) = found.next()?;
    found.next().is_none().then_some(first)
}

/// `; did you mean "E01"?` when `typed` is a mistyped spelling of a roster id
/// ([`near_id`]) or a roster expert's name ([`expert_named`]), else nothing.
#[cold]
pub fn did_you_mean_expert<'a>(
    typed: &str,
    roster: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> String {
    if let Some(id) = near_id(typed, roster.clone().into_iter().map(|(id, _)| id)) {
        return did_you_mean(typed, [id]);
    }
    expert_named(typed, roster).map_or_else(String::new, |id| {
        format!(" (did you mean {id:?}? {typed:?} is that expert's name; the file gives ids)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// Full-width digits (an input method left in full-width mode) are refused with the
    /// plain spelling to type; anything else that is not a number gets the general words.
    #[test]
    fn full_width_numbers_get_a_hint() {
        for (text, want) in [
            (
                "４．５",
                "value \"４．５\" is typed in full-width characters; type 4.5",
            ),
            (
                "４。５",
                "value \"４。５\" is typed in full-width characters; type 4.5",
            ),
            (
                "１０",
                "value \"１０\" is typed in full-width characters; type 10",
            ),
            (
                "4．5",
                "value \"4．5\" is typed in full-width characters; type 4.5",
            ),
            (
                "４ｘ",
                "value \"４ｘ\" is not a number; write a plain decimal such as \"4.5\"",
            ),
            (
                "x",
                "value \"x\" is not a number; write a plain decimal such as \"4.5\"",
            ),
        ] {
            let p = parse_score(text).unwrap_err();
            assert_eq!(p.fault, ValueFault::NotNumber, "{text}");
            assert_eq!(p.message, want, "{text}");
        }
    }

    /// Other decorated numbers (from spreadsheets and typists) are refused, each with what
    /// is wrong and the plain decimal to write.
    #[test]
    fn decorated_numbers_get_the_plain_spelling() {
        for (text, want) in [
            ("", "the value is empty; write the expert's score as a plain decimal"),
            ("—", "value \"—\" is a dash, not a score; write the expert's score"),
            ("-", "value \"-\" is a dash, not a score"),
            ("8分", "value \"8分\" has the unit 分; write 8"),
            ("8.5 分", "value \"8.5 分\" has the unit 分; write 8.5"),
            ("=\"8\"", "value \"=\\\"8\\\"\" is a spreadsheet formula; write 8"),
            ("=8.5", "value \"=8.5\" is a spreadsheet formula; write 8.5"),
            ("+8", "value \"+8\" has a plus sign; write 8"),
            ("8.5E0", "value \"8.5E0\" is in scientific notation; write 8.5"),
            ("1.95e1", "value \"1.95e1\" is in scientific notation; write 19.5"),
            ("85%", "value \"85%\" is a percentage; a score is points"),
            ("回避", "value \"回避\" marks a conflict of interest (回避), not a score: leave"),
            (".5", "value \".5\" has no digit before its dot; write 0.5"),
            ("8.", "value \"8.\" ends with a dot; write 8"),
            ("8.5\u{a0}", "value \"8.5\\u{a0}\" contains the invisible or special space U+00A0 (copied from a web page or a document?); delete it: write 8.5"),
            ("8\u{200b}", "contains the invisible or special space U+200B"),
            ("8,5", "value \"8,5\" uses a comma as the decimal mark; write decimals with a dot: write 8.5"),
            ("1,000,5", "value \"1,000,5\" uses a comma; write decimals with a dot, e.g. \"4.5\""),
            ("e", "value \"e\" is not a number; write a plain decimal such as \"4.5\""),
            ("8分分", "value \"8分分\" is not a number"),
        ] {
            let p = parse_score(text).unwrap_err();
            assert_eq!(p.fault, ValueFault::NotNumber, "{text}");
            assert!(p.message.contains(want), "{text:?}: {}", p.message);
        }
    }

    #[test]
    fn forms_ranges_steps_table() {
        // (text, max, step, Ok(value as written) or the fault)
        let cases: &[(&str, &str, &str, Result<&str, ValueFault>)] = &[
            ("8", "10", "0.5", Ok("8")),
            ("8.5", "10", "0.5", Ok("8.5")),
            ("8.0", "10", "0.5", Ok("8.0")),
            ("0", "10", "0.5", Ok("0")),
            ("0.5", "10", "0.5", Ok("0.5")),
            ("10", "10", "0.5", Ok("10")),
            ("0.25", "1", "0.25", Ok("0.25")),
            ("08", "10", "0.5", Err(ValueFault::Form)),
            ("00.5", "10", "0.5", Err(ValueFault::Form)),
            ("-0", "10", "0.5", Err(ValueFault::Form)),
            ("-0.0", "10", "0.5", Err(ValueFault::Form)),
            ("8.000", "10", "0.5", Err(ValueFault::Form)),
            ("8.00", "10", "0.5", Err(ValueFault::Form)),
            ("8.0", "10", "1", Err(ValueFault::Form)),
            ("-1", "10", "0.5", Err(ValueFault::OutOfRange)),
            ("1000", "1", "0.5", Err(ValueFault::OutOfRange)),
            ("10.5", "10", "0.5", Err(ValueFault::OutOfRange)),
            ("0.25", "10", "0.5", Err(ValueFault::OffStep)),
            ("0.50", "10", "0.5", Err(ValueFault::Form)),
            ("0.3", "10", "0.5", Err(ValueFault::OffStep)),
            ("4,5", "10", "0.5", Err(ValueFault::NotNumber)),
            ("1e1", "10", "0.5", Err(ValueFault::NotNumber)),
            ("+1", "10", "0.5", Err(ValueFault::NotNumber)),
            (" 1", "10", "0.5", Err(ValueFault::NotNumber)),
            ("", "10", "0.5", Err(ValueFault::NotNumber)),
            (".5", "10", "0.5", Err(ValueFault::NotNumber)),
            ("5.", "10", "0.5", Err(ValueFault::NotNumber)),
        ];
        for (text, max, step, want) in cases {
            let got = check_score_text(text, d(max), d(step));
            match (want, got) {
                (Ok(v), Ok(g)) => assert_eq!(g.to_string(), *v, "{text}"),
                (Err(f), Err(p)) => assert_eq!(&p.fault, f, "{text}: {}", p.message),
                (w, g) => panic!("{text} (max {max}, step {step}): want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn leading_zero_message_says_what_to_write() {
        let p = parse_score("08").unwrap_err();
        assert!(p.message.contains("write \"8\""), "{}", p.message);
        let p = parse_score("00.5").unwrap_err();
        assert!(p.message.contains("write \"0.5\""), "{}", p.message);
    }

    #[test]
    fn ids_are_printable_and_trimmed() {
        assert!(check_id("application", "T24-001").is_ok());
        assert!(check_id("application", "T24-001\0")
            .unwrap_err()
            .contains("U+0000"));
        assert!(check_id("application", "T24\n001").is_err());
        assert!(check_id("application", "T24-001\u{3000}")
            .unwrap_err()
            .contains("white space"));
        assert!(check_id("expert", "").is_err());
        for c in ['\u{FEFF}', '\u{200B}', '\u{200D}', '\u{2060}', '\u{00AD}'] {
            let m = check_id("application", &format!("{c}T24-001")).unwrap_err();
            assert!(m.contains("invisible character"), "{m}");
        }
        assert!(check_id("application", "园区-001").is_ok());
    }

    #[test]
    fn near_ids_are_found_once() {
        let known = ["SY00001", "SY00002", "E02", "T24-001"];
        for (typed, want) in [
            ("sy00001", Some("SY00001")),
            ("ＳＹ００００１", Some("SY00001")),
            ("SY00001\u{200b}", Some("SY00001")),
            ("Ｅ０２", Some("E02")),
            ("e02", Some("E02")),
            ("T24–001", Some("T24-001")),
            ("E2", Some("E02")),
            ("sy1", Some("SY00001")),
            ("T24-1", Some("T24-001")),
            ("T24-0001", Some("T24-001")),
            ("SY0", None),
            ("E20", None),
            ("SY00009", None),
            ("SY00001", None),
        ] {
            assert_eq!(near_id(typed, known), want, "{typed}");
        }
        // Two known ids that differ only in case: no guess.
        assert_eq!(near_id("ab", ["AB", "Ab"]), None);
        // Two known ids that differ only in leading zeros: no guess either.
        assert_eq!(near_id("E1", ["E01", "E001"]), None);
        // A zero is a digit like another inside a number.
        assert_eq!(near_id("E12", ["E102"]), None);
        assert_eq!(near_id("E100", ["E0100"]), Some("E0100"));
        assert_eq!(
            did_you_mean("e02", known),
            " (did you mean \"E02\"? it differs only in case, width, spaces or leading zeros)"
        );
    }

    #[test]
    fn experts_named_instead_of_their_id() {
        let roster = [("E01", "张三"), ("E02", "专家二 Expert 2"), ("E03", "李四")];
        assert_eq!(expert_named("张三", roster), Some("E01"));
        assert_eq!(expert_named(" 专家二 ", roster), Some("E02"));
        assert_eq!(expert_named("专家二 Expert 2", roster), Some("E02"));
        assert_eq!(expert_named("王五", roster), None);
        assert_eq!(expert_named("", roster), None);
        // a word two names share names nobody
        assert_eq!(
            expert_named("Expert", [("E1", "Expert A"), ("E2", "Expert B")]),
            None
        );
        assert_eq!(
            did_you_mean_expert("李四", roster),
            " (did you mean \"E03\"? \"李四\" is that expert's name; the file gives ids)"
        );
        assert_eq!(
            did_you_mean_expert("e01", roster),
            " (did you mean \"E01\"? it differs only in case, width, spaces or leading zeros)"
        );
        assert_eq!(did_you_mean_expert("E09", roster), "");
    }

    proptest::proptest! {
        /// Every value on the step in range, written plainly, passes; one step more does not.
        #[test]
        fn on_step_values_pass(k in 0u32..=40, half in proptest::bool::ANY) {
            let step = if half { d("0.5") } else { d("1") };
            let max = d("20");
            let v = Decimal::from(k) * step;
            let text = crate::rubric::num::show(v);
            let ok = v <= max;
            proptest::prop_assert_eq!(check_score_text(&text, max, step).is_ok(), ok, "{}", text);
        }
    }
}
