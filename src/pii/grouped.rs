//! Detectors for identifiers as people type them: digit groups split by any
//! separator, values right after their label whatever their checksum, and
//! obfuscated e-mail addresses. They run on the normalized text (see
//! [`super::normalize`]), so dashes, spaces, zero-width chars and long runs of
//! Chinese numerals are already plain ASCII there.
//!
//! A *cluster* is a sequence of digit groups joined by short separator runs (at
//! most [`MAX_SEP`] chars of space, tab, line break, `-`, `.`, `/`, `·`, `•`,
//! `・`). Every contiguous stretch of groups of a cluster is a candidate:
//! - a resident ID (17 digits and a digit or `X`): any grouping, the checksum and
//!   birth date decide;
//! - a mobile (11 digits, `1[3-9]…`): only in the groupings people use for
//!   phone numbers (see [`mobile_shape`]), a line break may split a group
//!   anywhere; a `86`/`+86` group before it is part of
//!   it; letters may be glued on (`编号A13912345678B`), digits may not;
//! - a landline: an area code group, then 7 or 8 digits as one group, 3-4 or 4-4;
//! - a bank card (16–19 digits): groups of four and a last group of 1–4, Luhn.
//!
//! A stretch is not personal data when it is the integer or fraction part of a
//! decimal number (`.` before or after it, none inside), an amount (currency
//! sign before, 元/万/亿/千/%/‰ after), a patent number (`ZL`/`CN` before the
//! cluster), or (mobiles and cards) only part of a longer grouped number.
//!
//! Credit codes split by separators are clusters of letter-and-digit groups of 18
//! chars in all whose upper-case form passes both checks (GB 32100 and the
//! embedded GB 11714 organization code).

use std::sync::LazyLock;

use regex::Regex;

use super::{
    cand, is_calendar_date, is_valid_credit_code, is_valid_resident_id, looks_like_card,
    looks_like_resident_id, re, round_figures, unit_after, Candidate, Confidence, PiiKind,
};

/// Longest separator run between two groups of one identifier (`" - "`, `"\r\n"`).
pub const MAX_SEP: usize = 3;

/// Where the run of ASCII letters and digits from `k` ends.
fn alnum_end(b: &[u8], mut k: usize) -> usize {
    while k < b.len() && b[k].is_ascii_alphanumeric() {
        k += 1;
    }
    k
}

/// The ASCII separators from `j` (space, `-`, `/`, `.`, line break, tab), at most
/// [`MAX_SEP`]: where they end and how many there are.
fn ascii_separators(b: &[u8], mut j: usize) -> (usize, usize) {
    let mut n = 0;
    while n < MAX_SEP
        && j < b.len()
        && matches!(b[j], b' ' | b'-' | b'/' | b'.' | b'\n' | b'\r' | b'\t')
    {
        j += 1;
        n += 1;
    }
    (j, n)
}

#[inline]
fn sep_len(h: &str, i: usize) -> usize {
    match h[i..].chars().next() {
        Some(c @ (' ' | '\t' | '\n' | '\r' | '-' | '.' | '/' | '·' | '•' | '・')) => {
            c.len_utf8()
        }
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy)]
struct Group {
    /// Byte offsets in the normalized text; `e` includes a final `X`.
    s: usize,
    e: usize,
    /// Digits, without a final `X`.
    digits: usize,
    /// Ends with `X`/`x` (a resident ID's check character); always a cluster's last group.
    x: bool,
}

#[derive(Debug, Clone, Copy)]
struct Sep {
    s: usize,
    e: usize,
    newline: bool,
    /// Exactly one `.`.
    dot: bool,
}

/// The groups of the cluster of digits starting at `i` (an ASCII digit), and
/// the separators between them.
fn digit_cluster(h: &str, mut i: usize, groups: &mut Vec<Group>, seps: &mut Vec<Sep>) -> usize {
    let b = h.as_bytes();
    groups.clear();
    seps.clear();
    loop {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - s;
        let x = i < b.len()
            && matches!(b[i], b'X' | b'x')
            && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
        if x {
            i += 1;
        }
        groups.push(Group { s, e: i, digits, x });
        if x {
            return i;
        }
        // A separator run, then another digit group?
        let mut j = i;
        let mut n = 0;
        while n < MAX_SEP && j < b.len() {
            let l = sep_len(h, j);
            if l == 0 {
                break;
            }
            j += l;
            n += 1;
        }
        if n == 0 || j >= b.len() || !b[j].is_ascii_digit() {
            return i;
        }
        let text = &h[i..j];
        seps.push(Sep {
            s: i,
            e: j,
            newline: text.contains(['\n', '\r']),
            dot: text == ".",
        });
        i = j;
    }
}

/// Lengths of groups `i..=j` with groups split by a line break joined again.
fn merged_lengths(groups: &[Group], seps: &[Sep], i: usize, j: usize, out: &mut Vec<usize>) {
    out.clear();
    out.push(groups[i].digits);
    for k in i + 1..=j {
        if seps[k - 1].newline {
            if let Some(last) = out.last_mut() {
                *last += groups[k].digits;
            }
        } else {
            out.push(groups[k].digits);
        }
    }
}

/// Groupings people type mobiles in: one group; 3-4-4 and what a dropped
/// separator makes of it (3-8, 7-4); 4-3-4 and 4-7; five or more groups of one
/// or two digits (`1 3 9 1 2 …`, `13 91 23 …`). Not 4-4-3: that is how
/// year-based contract numbers are written (`1994-1110-357`).
fn mobile_shape(lens: &[usize]) -> bool {
    match lens.len() {
        1 => true,
        2..=4 => matches!(lens, [3, 4, 4] | [3, 8] | [7, 4] | [4, 3, 4] | [4, 7]),
        _ => lens.iter().all(|&l| l <= 2),
    }
}

/// The cluster follows letters and a `-`, `/` or `.` (`HT-1391-234-5678`): a
/// structured code, not a phone number (for the groupings only this module
/// reads; `139 1234 5678` is a mobile wherever it stands).
fn code_prefix(h: &str, s: usize) -> bool {
    let b = h.as_bytes();
    s >= 2 && matches!(b[s - 1], b'-' | b'/' | b'.') && b[s - 2].is_ascii_alphabetic()
}

/// An area code group (`010`, `02x`, `0[3-9]xx`), then a local number of 7 or 8
/// digits starting with 2-9 in one group or as 3-4 / 4-4 (`021.2317.0420`).
fn landline_shape(groups: &[Group], b: &[u8]) -> bool {
    let Some((area, local)) = groups.split_first() else {
        return false;
    };
    let a = &b[area.s..area.e];
    let area_ok = match a {
        [b'0', b'1', b'0'] => true,
        [b'0', b'2', _] => !area.x,
        [b'0', b'3'..=b'9', _, _] => !area.x,
        _ => false,
    };
    let lens: Vec<usize> = local.iter().map(|g| g.digits).collect();
    area_ok
        && local.iter().all(|g| !g.x)
        && (b'2'..=b'9').contains(&b[local[0].s])
        && matches!(lens.as_slice(), [7] | [8] | [3, 4] | [4, 4])
}

fn card_shape(groups: &[Group]) -> bool {
    let (last, body) = match groups.split_last() {
        Some(x) => x,
        None => return false,
    };
    !body.is_empty() && body.iter().all(|g| g.digits == 4) && (1..=4).contains(&last.digits)
}

/// What sits right before a cluster that makes it a patent or application
/// number (`ZL`, `CN`, `ZL `).
fn patent_prefix(h: &str, s: usize) -> bool {
    let before = h[..s].trim_end_matches(' ');
    let up: Vec<u8> = before
        .bytes()
        .rev()
        .take(2)
        .map(|b| b.to_ascii_uppercase())
        .collect();
    up == b"LZ" || up == b"NC"
}

fn currency_before(h: &str, s: usize) -> bool {
    matches!(
        h[..s].chars().next_back(),
        Some('¥' | '$' | '€' | '£' | '￥')
    )
}

/// The stretch `i..=j` is the integer or fraction part of a decimal number.
fn decimal_part(seps: &[Sep], i: usize, j: usize) -> bool {
    let inner_dot = (i..j).any(|k| seps[k].dot);
    if inner_dot {
        return false;
    }
    (i > 0 && seps[i - 1].dot) || (j < seps.len() && seps[j].dot)
}

/// A short group joined by the same single separator before or after: the
/// stretch is part of a longer grouped number.
fn continues(h: &str, groups: &[Group], seps: &[Sep], i: usize, j: usize) -> bool {
    let inner: Option<&str> = (i < j).then(|| &h[seps[i].s..seps[i].e]);
    let joined = |k: usize, g: &Group| {
        let sep = &h[seps[k].s..seps[k].e];
        g.digits <= 4 && inner.is_none_or(|x| x == sep) && !seps[k].newline
    };
    (i > 0 && joined(i - 1, &groups[i - 1])) || (j + 1 < groups.len() && joined(j, &groups[j + 1]))
}

/// The stretch `i..=j` crosses a `/` and a group joined without a slash stands
/// right before or after it: the slash separates two numbers of a list
/// (`135 2468 1357 / 136 1122 3344`), and the stretch `1357 / 136 1122` takes
/// the end of one and the start of the other.
fn slash_between_numbers(h: &str, seps: &[Sep], i: usize, j: usize) -> bool {
    let slash = |p: &Sep| h[p.s..p.e].contains('/');
    seps[i..j].iter().any(slash)
        && ((i > 0 && !slash(&seps[i - 1])) || (j < seps.len() && !slash(&seps[j])))
}

/// Digit clusters: resident IDs, mobiles and bank cards written in groups.
pub(super) fn scan_digit_groups(h: &str, out: &mut Vec<Candidate>) {
    let b = h.as_bytes();
    let mut groups = Vec::new();
    let mut seps = Vec::new();
    let mut lens = Vec::new();
    let mut digits: Vec<u8> = Vec::with_capacity(24);
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let end = digit_cluster(h, i, &mut groups, &mut seps);
        i = end.max(i + 1);
        let total: usize = groups.iter().map(|g| g.digits).sum();
        if total < 11 || patent_prefix(h, groups[0].s) {
            continue;
        }
        for gi in 0..groups.len() {
            digits.clear();
            for gj in gi..groups.len() {
                let g = groups[gj];
                digits.extend_from_slice(&b[g.s..g.s + g.digits]);
                if g.x {
                    digits.push(b'X');
                }
                if digits.len() > 19 {
                    break;
                }
                let (s, e) = (groups[gi].s, g.e);
                if currency_before(h, s) || unit_after(h, e) || decimal_part(&seps, gi, gj) {
                    continue;
                }
                if digits.len() == 18
                    && looks_like_resident_id(&digits)
                    && std::str::from_utf8(&digits).is_ok_and(is_valid_resident_id)
                {
                    out.push(cand(PiiKind::ResidentId, Confidence::High, s, e));
                    continue;
                }
                if g.x {
                    continue;
                }
                if digits.len() == 11 && digits[0] == b'1' && (b'3'..=b'9').contains(&digits[1]) {
                    merged_lengths(&groups, &seps, gi, gj, &mut lens);
                    // `86`/`0086` before it is the country code when it opens the
                    // cluster (`+86 139 1234 5678`), not when it is a group of a
                    // longer number (`4402 0086 1663 7122 278`).
                    let prefix = gi == 1 && matches!(&b[groups[0].s..groups[0].e], b"86" | b"0086");
                    let from = if prefix { 0 } else { gi };
                    // Part of a longer number, of a list, or of a structured code.
                    let part = continues(h, &groups, &seps, from, gj)
                        || slash_between_numbers(h, &seps, from, gj)
                        || (gj > gi && from == 0 && code_prefix(h, groups[0].s));
                    if mobile_shape(&lens) && !part {
                        let mut s = s;
                        if prefix {
                            s = groups[gi - 1].s;
                            if s > 0 && b[s - 1] == b'+' {
                                s -= 1;
                            }
                        }
                        out.push(cand(PiiKind::Mobile, Confidence::High, s, e));
                    }
                }
                if gj > gi
                    && (10..=12).contains(&digits.len())
                    && landline_shape(&groups[gi..=gj], b)
                    && !continues(h, &groups, &seps, gi, gj)
                    && !(gi == 0 && code_prefix(h, groups[0].s))
                {
                    out.push(cand(PiiKind::Landline, Confidence::High, s, e));
                }
                if (16..=19).contains(&digits.len())
                    && gj > gi
                    && card_shape(&groups[gi..=gj])
                    && looks_like_card(&digits)
                    && !round_figures(groups[gi..=gj].iter().map(|g| &b[g.s..g.e]))
                    && !continues(h, &groups, &seps, gi, gj)
                    && !b.get(e).is_some_and(u8::is_ascii_alphabetic)
                    && !(s > 0 && b[s - 1].is_ascii_alphabetic())
                {
                    out.push(cand(PiiKind::BankCard, Confidence::High, s, e));
                }
            }
        }
    }
}

/// Credit codes typed in groups (`91350100 M000100Y 43`, `9135-0100-m000-100y-43`).
pub(super) fn scan_credit_groups(h: &str, out: &mut Vec<Candidate>) {
    let b = h.as_bytes();
    let mut i = 0;
    let mut starts: Vec<(usize, usize)> = Vec::new();
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        // Collect the alphanumeric groups of this cluster.
        starts.clear();
        let mut k = i;
        loop {
            let s = k;
            k = alnum_end(b, k);
            starts.push((s, k));
            let (j, n) = ascii_separators(b, k);
            if n == 0 || j >= b.len() || !b[j].is_ascii_alphanumeric() {
                break;
            }
            k = j;
        }
        i = k.max(i + 1);
        if starts.len() < 2 {
            continue;
        }
        for gi in 0..starts.len() {
            let mut code: Vec<u8> = Vec::with_capacity(18);
            for &(s, e) in &starts[gi..] {
                code.extend(b[s..e].iter().map(u8::to_ascii_uppercase));
                if code.len() >= 18 {
                    break;
                }
            }
            if code.len() != 18 {
                continue;
            }
            let end = starts[gi..]
                .iter()
                .scan(0, |n, &(s, e)| {
                    *n += e - s;
                    Some((*n, e))
                })
                .find(|&(n, _)| n == 18)
                .map(|(_, e)| e);
            if let Some(e) = end {
                if std::str::from_utf8(&code).is_ok_and(is_valid_credit_code) {
                    out.push(cand(PiiKind::CreditCode, Confidence::High, starts[gi].0, e));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Labelled identifiers
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Id,
    Credit,
    OrgCode,
    Card,
    Account,
    Phone,
    WeChat,
    Email,
    Qq,
    Passport,
    RegNo,
}

/// Labels, longest first within a family where one contains another.
const LABELS: &[(&str, Family)] = &[
    ("公民身份号码", Family::Id),
    ("身份证件号码", Family::Id),
    ("身份证号码", Family::Id),
    ("身份证号", Family::Id),
    ("身份证", Family::Id),
    ("证件号码", Family::Id),
    ("证件号", Family::Id),
    ("统一社会信用代码", Family::Credit),
    ("社会统一信用代码", Family::Credit),
    ("统一信用代码", Family::Credit),
    ("社会信用代码", Family::Credit),
    ("纳税人识别号", Family::Credit),
    ("税号", Family::Credit),
    ("信用代码", Family::Credit),
    ("组织机构代码", Family::OrgCode),
    ("银行卡号", Family::Card),
    ("银行卡", Family::Card),
    ("卡号", Family::Card),
    ("工资卡", Family::Card),
    ("借记卡", Family::Card),
    ("储蓄卡", Family::Card),
    ("信用卡", Family::Card),
    ("银行账号", Family::Account),
    ("银行帐号", Family::Account),
    ("银行账户", Family::Account),
    ("开户账号", Family::Account),
    ("账户号码", Family::Account),
    ("帐户号码", Family::Account),
    ("收款账号", Family::Account),
    ("账号", Family::Account),
    ("帐号", Family::Account),
    ("账户", Family::Account),
    ("帐户", Family::Account),
    ("手机号码", Family::Phone),
    ("手机号", Family::Phone),
    ("手机", Family::Phone),
    ("移动电话", Family::Phone),
    ("联系电话", Family::Phone),
    ("办公电话", Family::Phone),
    ("电话号码", Family::Phone),
    ("电话", Family::Phone),
    ("联系方式", Family::Phone),
    ("座机", Family::Phone),
    ("固定电话", Family::Phone),
    ("固话", Family::Phone),
    ("传真", Family::Phone),
    ("Mobile", Family::Phone),
    ("Phone", Family::Phone),
    ("TEL", Family::Phone),
    ("Tel", Family::Phone),
    ("FAX", Family::Phone),
    ("Fax", Family::Phone),
    ("微信号码", Family::WeChat),
    ("微信号", Family::WeChat),
    ("微信ID", Family::WeChat),
    ("微信id", Family::WeChat),
    ("微信", Family::WeChat),
    ("V信", Family::WeChat),
    ("v信", Family::WeChat),
    ("VX", Family::WeChat),
    ("vx", Family::WeChat),
    ("Vx", Family::WeChat),
    ("WX", Family::WeChat),
    ("wx", Family::WeChat),
    ("WeChat", Family::WeChat),
    ("Wechat", Family::WeChat),
    ("wechat", Family::WeChat),
    ("WECHAT", Family::WeChat),
    ("加V", Family::WeChat),
    ("加v", Family::WeChat),
    ("QQ号码", Family::Qq),
    ("QQ号", Family::Qq),
    ("QQ群号", Family::Qq),
    ("QQ群", Family::Qq),
    ("QQ", Family::Qq),
    ("qq", Family::Qq),
    ("扣扣号", Family::Qq),
    ("扣扣", Family::Qq),
    ("护照号码", Family::Passport),
    ("护照号", Family::Passport),
    ("护照", Family::Passport),
    ("港澳通行证号码", Family::Passport),
    ("港澳通行证号", Family::Passport),
    ("港澳通行证", Family::Passport),
    ("通行证号码", Family::Passport),
    ("通行证号", Family::Passport),
    ("通行证", Family::Passport),
    ("台胞证号码", Family::Passport),
    ("台胞证号", Family::Passport),
    ("台胞证", Family::Passport),
    ("回乡证号码", Family::Passport),
    ("回乡证号", Family::Passport),
    ("回乡证", Family::Passport),
    ("Passport No.", Family::Passport),
    ("Passport", Family::Passport),
    ("营业执照注册号", Family::RegNo),
    ("工商注册号", Family::RegNo),
    ("注册号码", Family::RegNo),
    ("注册号", Family::RegNo),
    ("电子邮箱", Family::Email),
    ("电子邮件", Family::Email),
    ("邮箱地址", Family::Email),
    ("邮箱", Family::Email),
    ("E-mail", Family::Email),
    ("e-mail", Family::Email),
    ("E-Mail", Family::Email),
    ("EMAIL", Family::Email),
    ("Email", Family::Email),
    ("email", Family::Email),
];

/// A label and what may sit between it and its value (`：`, `为`, spaces, a line
/// break (a form's table cell), a bracketed note such as `（18位）`).
static RE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = LABELS.iter().map(|(l, _)| spaced_label(l)).collect();
    re(&format!(
        r"({})(?: ?\([^()\n]{{0,16}}\))?[ \t\r\n:=为是]{{0,4}}",
        alts.join("|")
    ))
});

/// A label as a pattern: a Word form aligns its labels with spaces between
/// the chars (`账　　号`, `开 户 行`, `Q Q`), so Chinese labels and `QQ` may
/// have up to three spaces between their chars.
pub(super) fn spaced_label(label: &str) -> String {
    if label.is_ascii() && label != "QQ" {
        return regex::escape(label);
    }
    let chars: Vec<String> = label
        .chars()
        .map(|c| regex::escape(&c.to_string()))
        .collect();
    chars.join(" {0,3}")
}

/// The labelled value's local part, at-sign in any disguise, and host.
static RE_LABELLED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\A[A-Za-z0-9][A-Za-z0-9._%+-]*",
        r"(?:\s*(?:@|[\[<{【]\s*(?i:at|[@#*])\s*[\]>}】]|\(\s*(?i:at|[@#*])\s*\)|#|\*|艾特|圈a)\s*|\s+(?i:at)\s+)",
        r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
        r"(?:(?:\s*[\[(<{【]\s*(?i:dot)\s*[\])>}】]\s*|\s+(?i:dot)\s+|\s*\.\s*|点)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|。[a-z](?:[a-z0-9-]*[a-z0-9])?)+"
    ))
});

static RE_WECHAT_ID: LazyLock<Regex> = LazyLock::new(|| re(r"\A[A-Za-z][A-Za-z0-9_-]{5,19}"));

/// A passport or travel-permit number: up to 2 letters, 6–10 digits, up to 2
/// letters or digits (`E12345678`, `EA1234567`, `G12345678`, `123456789`).
static RE_PASSPORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\A[A-Za-z]{0,2}[0-9]{6,10}[A-Za-z0-9]{0,2}"));

/// A passport number typed in groups after its label (`E 1234 5678`,
/// `EA-123-4567`): its letters, then digit groups joined by one space or `-`.
static RE_PASSPORT_GROUPED: LazyLock<Regex> =
    LazyLock::new(|| re(r"\A[A-Za-z]{1,2}[ -]?[0-9]{2,10}(?:[ -][0-9]{2,10}){1,3}"));

/// What may stand before `注册号` when it is not a business registration number.
const NOT_BUSINESS_REGISTRATION: [&str; 9] = [
    "商标",
    "品牌",
    "域名",
    "作品",
    "软件",
    "著作权",
    "版权",
    "设计",
    "登记",
];

/// The groups start with a date (`2024.06.18`, `2024-06-18 13:45`).
fn looks_like_date(groups: &[Group], b: &[u8]) -> bool {
    if groups.len() < 3 || groups[0].digits != 4 || groups[2].digits > 2 {
        return false;
    }
    let num = |g: &Group| {
        b[g.s..g.s + g.digits]
            .iter()
            .fold(0u32, |a, d| a * 10 + u32::from(d - b'0'))
    };
    let (y, m, d) = (num(&groups[0]), num(&groups[1]), num(&groups[2]));
    (1900..=2100).contains(&y) && groups[1].digits <= 2 && is_calendar_date(y, m, d)
}

/// A measure word after a number makes it a count (`手机 1500000 部`), not a phone.
fn count_after(h: &str, e: usize) -> bool {
    let unit = h[e..].chars().find(|c| *c != ' ');
    matches!(
        unit,
        Some(
            '个' | '件'
                | '台'
                | '部'
                | '家'
                | '人'
                | '次'
                | '项'
                | '位'
                | '名'
                | '套'
                | '年'
                | '月'
                | '日'
        )
    )
}

/// A passport or travel-permit number at `p`, whole: [`RE_PASSPORT`] not glued
/// to more letters or digits, opening with a letter or, in digits only, not
/// followed by a further digit group (`310115 19880315 2421` is a resident ID).
fn passport_value(h: &str, p: usize) -> bool {
    let b = h.as_bytes();
    let Some(m) = RE_PASSPORT.find(&h[p..]) else {
        return false;
    };
    let e = p + m.end();
    if b.get(e).is_some_and(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (j, seps) = ascii_separators(b, e);
    b[p].is_ascii_alphabetic() || seps == 0 || !b.get(j).is_some_and(u8::is_ascii_digit)
}

fn labelled(kind: PiiKind, s: usize, e: usize, label: &'static str) -> Candidate {
    let mut c = cand(kind, Confidence::Medium, s, e);
    c.label = Some(label);
    c
}

/// A value of identifier shape right after its label is personal data whatever
/// its checksum: a mistyped ID or mobile still identifies the person.
pub(super) fn scan_labelled(h: &str, out: &mut Vec<Candidate>) {
    let b = h.as_bytes();
    let mut groups = Vec::new();
    let mut seps = Vec::new();
    for caps in RE_LABEL.captures_iter(h) {
        let (Some(whole), Some(lab)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        let typed: String = lab.as_str().chars().filter(|c| *c != ' ').collect();
        let Some(&(label, family)) = LABELS
            .iter()
            .find(|(l, _)| *l == lab.as_str() || *l == typed)
        else {
            continue;
        };
        let p = whole.end();
        if p >= b.len() {
            continue;
        }
        // `QQ` inside a word, `商标注册号`: not these labels.
        if family == Family::Qq && h[..lab.start()].ends_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // `vx`, `wx`, `加V`: not inside a word, and a separator before the value.
        if ((label.is_ascii() && label.len() == 2) || label.starts_with('加'))
            && family == Family::WeChat
            && (h[..lab.start()].ends_with(|c: char| c.is_ascii_alphanumeric())
                || h[lab.end()..].starts_with(|c: char| c.is_ascii_alphanumeric()))
        {
            continue;
        }
        if family == Family::RegNo
            && NOT_BUSINESS_REGISTRATION
                .iter()
                .any(|w| h[..lab.start()].ends_with(w))
        {
            continue;
        }
        // `证件号码` names any identity document: after it a passport or
        // travel-permit number (`证件类型：护照，证件号码：P1234567`) as well as a
        // resident ID.
        let family = if family == Family::Id && label.starts_with("证件") && passport_value(h, p)
        {
            Family::Passport
        } else {
            family
        };
        match family {
            Family::Passport => {
                let grouped = RE_PASSPORT_GROUPED.find(&h[p..]).filter(|m| {
                    let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
                    (6..=10).contains(&digits)
                        && !b.get(p + m.end()).is_some_and(u8::is_ascii_alphanumeric)
                });
                if let Some(m) = grouped.or_else(|| RE_PASSPORT.find(&h[p..])) {
                    let e = p + m.end();
                    let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
                    if digits >= 6 && !b.get(e).is_some_and(u8::is_ascii_alphanumeric) {
                        out.push(labelled(PiiKind::Passport, p, e, label));
                    }
                }
            }
            Family::Email => {
                if let Some(m) = RE_LABELLED_EMAIL.find(&h[p..]) {
                    let e = p + m.end();
                    if !b.get(e).is_some_and(u8::is_ascii_alphanumeric) {
                        out.push(labelled(PiiKind::Email, p, e, label));
                    }
                }
            }
            Family::Credit | Family::OrgCode => {
                if !b[p].is_ascii_alphanumeric() {
                    continue;
                }
                // Ends of the letter-and-digit groups from the value on, with the
                // running length.
                let mut ends: Vec<(usize, usize)> = Vec::new();
                let (mut k, mut n) = (p, 0);
                loop {
                    let s = k;
                    k = alnum_end(b, k);
                    n += k - s;
                    ends.push((n, k));
                    let (j, m) = ascii_separators(b, k);
                    if n >= 18 || m == 0 || j >= b.len() || !b[j].is_ascii_alphanumeric() {
                        break;
                    }
                    k = j;
                }
                let at = |len: usize| ends.iter().find(|&&(n, _)| n == len).map(|&(_, e)| e);
                let end = at(18)
                    .or_else(|| {
                        // An organization code alone (9 chars, `12345678-9`) when nothing
                        // longer follows.
                        (family == Family::OrgCode && ends.last().is_some_and(|&(n, _)| n == 9))
                            .then(|| at(9))
                            .flatten()
                    })
                    .or_else(|| {
                        // A code mistyped with a character too few or too many (15–20),
                        // the whole run: after its label it still names the applicant.
                        let &(n, e) = ends.last()?;
                        let whole = !b.get(e).is_some_and(u8::is_ascii_alphanumeric);
                        (whole && (15..=20).contains(&n)).then_some(e)
                    });
                if let Some(e) = end {
                    out.push(labelled(PiiKind::CreditCode, p, e, label));
                }
            }
            Family::WeChat if b[p].is_ascii_alphabetic() => {
                // After 微信号 any id; after 微信： one that is not a plain word
                // (`微信：WeChatPay` is a product name, `微信：wx-lisi2024` an id).
                // A lower-case word after `微信：` is an id typed in pinyin
                // (`zhangwei`); without a colon (`加微信 chenchen_ip`) an id with
                // a digit, `_` or `-`.
                let colon = h[lab.end()..p].contains(':');
                if let Some(m) = RE_WECHAT_ID.find(&h[p..]) {
                    let e = p + m.end();
                    let id = m.as_str();
                    let plain_word = id.bytes().all(|c| c.is_ascii_alphabetic());
                    let lower_word = id.bytes().all(|c| c.is_ascii_lowercase());
                    let whole = !b.get(e).is_some_and(u8::is_ascii_alphanumeric);
                    let named = label.starts_with("微信号") || label.eq_ignore_ascii_case("微信id");
                    if whole && (named || !plain_word || (colon && lower_word)) {
                        out.push(labelled(PiiKind::WeChat, p, e, label));
                    }
                }
            }
            _ => {
                // Numbers: the digit cluster starting at the value, after an
                // optional `+86`/`(+86)` for phones.
                let mut q = p;
                if matches!(family, Family::Phone | Family::WeChat) {
                    for pre in ["(+86)", "+86", "(86)"] {
                        if h[q..].starts_with(pre) {
                            q += pre.len();
                            while q < b.len() && matches!(b[q], b' ' | b'-') {
                                q += 1;
                            }
                            break;
                        }
                    }
                }
                if q >= b.len() || !b[q].is_ascii_digit() {
                    continue;
                }
                digit_cluster(h, q, &mut groups, &mut seps);
                if !looks_like_date(&groups, b) {
                    labelled_number(h, b, p, family, label, &groups, out);
                }
            }
        }
    }
}

fn labelled_number(
    h: &str,
    b: &[u8],
    p: usize,
    family: Family,
    label: &'static str,
    groups: &[Group],
    out: &mut Vec<Candidate>,
) {
    // Stretches starting at the first group: the first one of the family's size.
    let mut n = 0;
    for (k, g) in groups.iter().enumerate() {
        n += g.digits;
        let e = g.e;
        if unit_after(h, e) {
            return;
        }
        match family {
            Family::Id => {
                if (n == 18 && !g.x) || (n == 17 && g.x) {
                    out.push(labelled(PiiKind::ResidentId, p, e, label));
                    return;
                }
                // The old 15-digit resident ID (before 1999), or an ID mistyped with a
                // digit too few or too many (16, 17, 19): the whole cluster after its label.
                if (15..=19).contains(&n) && k + 1 == groups.len() {
                    out.push(labelled(PiiKind::ResidentId, p, e, label));
                    return;
                }
                if n > 18 {
                    return;
                }
            }
            Family::Card | Family::Account => {
                let last = k + 1 == groups.len();
                if last && (10..=25).contains(&n) && !g.x {
                    let kind = if family == Family::Card {
                        PiiKind::BankCard
                    } else {
                        PiiKind::AccountNumber
                    };
                    out.push(labelled(kind, p, e, label));
                }
            }
            Family::Phone | Family::WeChat => {
                let last = k + 1 == groups.len();
                let mut digits: Vec<u8> = Vec::with_capacity(n);
                for g in &groups[..=k] {
                    digits.extend_from_slice(&b[g.s..g.s + g.digits]);
                }
                let digits: &[u8] = digits
                    .strip_prefix(b"86".as_slice())
                    .filter(|d| d.len() == 11 && d[0] == b'1')
                    .unwrap_or(&digits);
                if digits.len() == 11 && digits[0] == b'1' {
                    out.push(labelled(PiiKind::Mobile, p, e, label));
                    return;
                }
                if last
                    && (7..=16).contains(&n)
                    && !g.x
                    && !looks_like_date(groups, b)
                    && !count_after(h, e)
                {
                    // Not a mobile's 11 digits: a landline, or a mobile mistyped.
                    out.push(labelled(PiiKind::Landline, p, e, label));
                }
            }
            Family::Qq => {
                // 5–12 digits, not starting with 0, the whole cluster.
                if k + 1 == groups.len()
                    && (5..=12).contains(&n)
                    && !g.x
                    && b[groups[0].s] != b'0'
                    && !count_after(h, e)
                {
                    out.push(labelled(PiiKind::Qq, p, e, label));
                }
            }
            Family::RegNo => {
                // The 15-digit registration number of business licences before
                // the unified social credit code.
                if k + 1 == groups.len() && n == 15 && !g.x {
                    out.push(labelled(PiiKind::RegistrationNumber, p, e, label));
                }
            }
            _ => return,
        }
    }
}

// ---------------------------------------------------------------------------
// Obfuscated e-mail addresses
// ---------------------------------------------------------------------------

/// `name [at] host [dot] cn`, `name(at)host.cn`, `name AT host DOT cn`,
/// `name @ host.cn`, `name艾特host.cn`.
static RE_EMAIL_OBF: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"([A-Za-z0-9][A-Za-z0-9._%+-]*)",
        r"(\s*[\[<{【]\s*(?i:at)\s*[\]>}】]\s*|\s*\(\s*(?i:at)\s*\)\s*|\s+(?:AT|at|At)\s+|\s+@\s*|\s*@\s+|\s*艾特\s*)",
        r"([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?",
        r"(?:(?:\s*[\[(<{【]\s*(?i:dot)\s*[\])>}】]\s*|\s+(?:DOT|dot|Dot)\s+|\.)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|。[a-z](?:[a-z0-9-]*[a-z0-9])?)+)"
    ))
});

/// `#换成@`, `(将*替换为@)`: the char the text asks to read as `@`.
static RE_AT_HINT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"([#*&$%~^!])\s*(?:换成|换为|替换为|替换成|改为|改成|变为|代替|代表|即)\s*@")
});

static RE_EMAIL_HINTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([A-Za-z0-9][A-Za-z0-9._%+-]*)([#*&$%~^!])([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|。[a-z](?:[a-z0-9-]*[a-z0-9])?)+)",
    )
});

fn host_ok(host: &str) -> bool {
    let tld = host
        .rsplit(|c: char| {
            c == '.' || c == '。' || c.is_whitespace() || matches!(c, ']' | ')' | '>' | '}' | '】')
        })
        .next()
        .unwrap_or("");
    (2..=24).contains(&tld.len()) && tld.bytes().all(|c| c.is_ascii_alphabetic())
}

pub(super) fn scan_obfuscated_emails(h: &str, out: &mut Vec<Candidate>) {
    let b = h.as_bytes();
    let has_at = ["at", "AT", "At", "aT", "@", "艾特"]
        .iter()
        .any(|n| h.contains(n));
    if has_at {
        for caps in RE_EMAIL_OBF.captures_iter(h) {
            let (Some(m), Some(at), Some(host)) = (caps.get(0), caps.get(2), caps.get(3)) else {
                continue;
            };
            let at_t = at.as_str().trim();
            let host_t = host.as_str();
            let has_dot_word = host_t
                .split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| w.eq_ignore_ascii_case("dot"));
            // A bare lower-case "at" reads as English unless the dots are spelt too.
            let ok = match at_t {
                "at" | "At" => has_dot_word,
                _ => true,
            };
            if ok
                && host_ok(host_t)
                && !b.get(m.end()).is_some_and(u8::is_ascii_alphanumeric)
                && !(m.start() > 0 && b[m.start() - 1] == b'@')
            {
                out.push(cand(PiiKind::Email, Confidence::High, m.start(), m.end()));
            }
        }
    }
    // Every char the text asks to read as `@` (`#换成@` … `*替换为@`).
    let hints: Vec<&str> = RE_AT_HINT
        .captures_iter(h)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect();
    if !hints.is_empty() {
        for caps in RE_EMAIL_HINTED.captures_iter(h) {
            let (Some(m), Some(c), Some(host)) = (caps.get(0), caps.get(2), caps.get(3)) else {
                continue;
            };
            if hints.contains(&c.as_str())
                && host_ok(host.as_str())
                && !b.get(m.end()).is_some_and(u8::is_ascii_alphanumeric)
            {
                out.push(cand(PiiKind::Email, Confidence::High, m.start(), m.end()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{scan, Confidence, PiiKind};
    use super::*;

    #[test]
    fn mobile_shapes() {
        for ok in [
            &[11][..],
            &[3, 4, 4],
            &[4, 3, 4],
            &[3, 8],
            &[7, 4],
            &[4, 7],
            &[1; 11],
            &[2, 2, 2, 2, 2, 1],
        ] {
            assert!(mobile_shape(ok), "{ok:?}");
        }
        for bad in [
            &[3, 3, 3, 2][..],
            &[4, 4, 3],
            &[2, 9],
            &[1, 10],
            &[5, 5, 1],
            &[3, 4, 3, 1],
        ] {
            assert!(!mobile_shape(bad), "{bad:?}");
        }
    }

    /// (text, kind, confidence, label) of the single finding.
    #[test]
    fn labelled_values_name_their_label() {
        let cases: [(&str, PiiKind, Confidence, Option<&str>); 8] = [
            (
                "身份证号码（18位）：310115198506124538",
                PiiKind::ResidentId,
                Confidence::Medium,
                Some("身份证号码"),
            ),
            (
                "身份证号码：310115198506124537",
                PiiKind::ResidentId,
                Confidence::High,
                None,
            ),
            (
                "手机号为12912345678",
                PiiKind::Mobile,
                Confidence::Medium,
                Some("手机号"),
            ),
            (
                "传真：021 6543 210",
                PiiKind::Landline,
                Confidence::Medium,
                Some("传真"),
            ),
            (
                "微信号 zhangsan",
                PiiKind::WeChat,
                Confidence::Medium,
                Some("微信号"),
            ),
            (
                "开户账号：3100 1234 5678 9012 4",
                PiiKind::AccountNumber,
                Confidence::Medium,
                Some("开户账号"),
            ),
            (
                "Email: li.si(at)fudan点edu点cn",
                PiiKind::Email,
                Confidence::Medium,
                Some("Email"),
            ),
            (
                "组织机构代码 M000100Y-5",
                PiiKind::CreditCode,
                Confidence::Medium,
                Some("组织机构代码"),
            ),
        ];
        for (text, kind, conf, label) in cases {
            let f = scan(text, &[]);
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(
                (f[0].kind, f[0].confidence, f[0].label),
                (kind, conf, label),
                "{text}"
            );
        }
    }

    /// (text, the stretch found, kind, label): each escaped the scan before.
    #[test]
    fn labels_people_type_for_phones_qq_passports_registrations() {
        let cases: [(&str, &str, PiiKind, Option<&str>); 9] = [
            (
                "固话：６２３４５６７８。",
                "６２３４５６７８",
                PiiKind::Landline,
                Some("固话"),
            ),
            (
                "固定电话 62345678",
                "62345678",
                PiiKind::Landline,
                Some("固定电话"),
            ),
            ("QQ：123456789，", "123456789", PiiKind::Qq, Some("QQ")),
            ("QQ群号 12345678", "12345678", PiiKind::Qq, Some("QQ群号")),
            (
                "护照号 E12345678",
                "E12345678",
                PiiKind::Passport,
                Some("护照号"),
            ),
            (
                "Passport No. EA1234567",
                "EA1234567",
                PiiKind::Passport,
                Some("Passport No."),
            ),
            (
                "营业执照注册号 310115000123456。",
                "310115000123456",
                PiiKind::RegistrationNumber,
                Some("营业执照注册号"),
            ),
            (
                "身份证号：310115850612453",
                "310115850612453",
                PiiKind::ResidentId,
                Some("身份证号"),
            ),
            (
                "邮箱zhangwei@example。com，",
                "zhangwei@example。com",
                PiiKind::Email,
                None,
            ),
        ];
        for (text, want, kind, label) in cases {
            let f = scan(text, &[]);
            let got: Vec<(PiiKind, String, Option<&str>)> = f
                .iter()
                .map(|f| {
                    let v = text.chars().skip(f.start).take(f.end - f.start).collect();
                    (f.kind, v, f.label)
                })
                .collect();
            assert_eq!(got, [(kind, want.to_string(), label)], "{text}");
        }
    }

    #[test]
    fn new_label_look_alikes() {
        for text in [
            "商标注册号 12345678，注册号 12345678",
            "商标注册号 310115000123456",
            "QQ群 3 个，QQ 音乐，护照复印件 2 份",
            "注册号：31011500012345（14位）",
            "邮箱a@b.com。2024年",
        ] {
            let f: Vec<_> = scan(text, &[])
                .into_iter()
                .filter(|f| !(f.kind == PiiKind::Email && text.contains("a@b.com")))
                .collect();
            assert!(f.is_empty(), "{text}: {f:?}");
        }
        // The e-mail ends before the full stop that ends the sentence.
        let f = scan("邮箱a@b.com。2024年", &[]);
        assert_eq!((f.len(), f[0].end), (1, 9));
    }

    #[test]
    fn labelled_look_alikes() {
        for text in [
            "联系电话：2024.06.18 起",
            "手机 1500000 部",
            "微信 WeChatPay",
            "微信公众号 12345678",
            "账户余额12345678901元",
            "邮箱服务器 mail.example.com",
        ] {
            assert!(scan(text, &[]).is_empty(), "{text}: {:?}", scan(text, &[]));
        }
    }
}
