//! Personal-data scan: finds resident ID numbers, unified social credit codes,
//! mobile and landline numbers, e-mail addresses, bank card and account numbers,
//! web addresses, labelled QQ, passport and registration numbers, and the
//! identity's own names and values ([`identity`]) in free text.
//!
//! How it works (details and examples: `docs/anonymization.md`):
//! - The text is normalized first ([`normalize`]): NFKC, every Unicode dash and
//!   space, zero-width and joiner chars removed, long runs of Chinese numerals as
//!   digits. Offsets reported in [`Finding`] are char offsets into the ORIGINAL
//!   text: every char that normalization changed is recorded, so offsets map back
//!   exactly even when a char expands (㎡ → m2) or vanishes (a zero-width space).
//! - Resident IDs, credit codes and plain card numbers are whole runs of 16–19
//!   ASCII letters/digits, classified by one pass over such runs. Mobiles,
//!   landlines, grouped cards, e-mails and account numbers (after 账号, 开户行 …)
//!   have regexes, compiled once. The regex crate has no lookaround and its
//!   Unicode `\b` does not separate digits from Chinese text, so every match is
//!   checked against its neighbours by hand: a number glued to more digits or
//!   ASCII letters, part of a decimal number, a currency sign before it or an
//!   amount unit (元, 万, 亿, 千, %, ‰) after it is not personal data.
//! - `grouped`: identifiers split by any separator (`139.1234.5678`,
//!   `310115 19850612 4537`, `9135-0100-m000-100y-43`, a line break), mobiles with
//!   letters glued on, disguised e-mails (`name [at] host`, `name AT host DOT cn`,
//!   `name#host.cn（#换成@）`), and values of identifier shape right after their
//!   label (身份证号码, 信用代码, 卡号, 账号, 手机, 电话, 微信, 邮箱 …) whatever their
//!   checksum; a [`Finding`] names the label that decided.
//! - Checksums decide where they exist (GB 11643, GB 32100 with the GB 11714 check
//!   of the embedded organization code, Luhn). An 18-digit string shaped like a
//!   resident ID (province digit, 18xx/19xx/20xx, month/day digits) is never
//!   taken as a card or an unchecked credit code: a mistyped ID is not a card.
//! - Overlapping candidates are resolved: the longer one wins, then the one of
//!   higher priority (resident ID > credit code (checked) > bank card > mobile >
//!   landline > e-mail > name > account number > credit code (unchecked)), then
//!   the checked one over the one found by its label.
//!
//! A [`Finding`] holds only a masked value, never the full one.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

mod address;
mod grouped;
pub mod identity;
pub mod normalize;
mod org;
mod person;
pub mod trade_name;
mod web;

pub use identity::Known;

use normalize::{byte_to_char_offsets, Normalized};

/// The kinds of personal data the scan finds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// 18-digit resident identity card number (GB 11643).
    ResidentId,
    /// Unified social credit code (GB 32100).
    CreditCode,
    /// Mainland mobile number.
    Mobile,
    /// Landline number with area code.
    Landline,
    /// E-mail address.
    Email,
    /// Bank card number (16–19 digits, Luhn).
    BankCard,
    /// Bank account number after a context word (账号, 开户行 …), no checksum.
    AccountNumber,
    /// A literal name from the raw application's identity fields.
    Name,
    /// A WeChat id right after its label (微信号：…).
    #[serde(rename = "wechat")]
    WeChat,
    /// The identity's address, or its road-and-number core.
    Address,
    /// The identity's postcode.
    Postcode,
    /// The identity's bank (开户银行), or its branch.
    Bank,
    /// A web address (`http://…`, `www.…`, a domain with a common top-level
    /// domain, or a host after 网址/网站/官网).
    Url,
    /// A QQ number right after its label.
    Qq,
    /// A passport (or travel permit) number right after its label.
    Passport,
    /// A 15-digit business registration number after 营业执照注册号/注册号.
    RegistrationNumber,
    /// A 400/800 service number (`400-820-8820`): an organisation's own hotline
    /// names the applicant as surely as its landline.
    Hotline,
}

impl PiiKind {
    /// Every kind.
    pub const ALL: [PiiKind; 17] = [
        PiiKind::ResidentId,
        PiiKind::CreditCode,
        PiiKind::Mobile,
        PiiKind::Landline,
        PiiKind::Email,
        PiiKind::BankCard,
        PiiKind::AccountNumber,
        PiiKind::Name,
        PiiKind::WeChat,
        PiiKind::Address,
        PiiKind::Postcode,
        PiiKind::Bank,
        PiiKind::Url,
        PiiKind::Qq,
        PiiKind::Passport,
        PiiKind::RegistrationNumber,
        PiiKind::Hotline,
    ];

    /// Stable snake_case identifier (same as the serde form).
    pub fn as_str(&self) -> &'static str {
        match self {
            PiiKind::ResidentId => "resident_id",
            PiiKind::CreditCode => "credit_code",
            PiiKind::Mobile => "mobile",
            PiiKind::Landline => "landline",
            PiiKind::Email => "email",
            PiiKind::BankCard => "bank_card",
            PiiKind::AccountNumber => "account_number",
            PiiKind::Name => "name",
            PiiKind::WeChat => "wechat",
            PiiKind::Address => "address",
            PiiKind::Postcode => "postcode",
            PiiKind::Bank => "bank",
            PiiKind::Url => "url",
            PiiKind::Qq => "qq",
            PiiKind::Passport => "passport",
            PiiKind::RegistrationNumber => "registration_number",
            PiiKind::Hotline => "hotline",
        }
    }

    /// Chinese label, used in redactions and user-facing messages.
    pub fn label_zh(&self) -> &'static str {
        match self {
            PiiKind::ResidentId => "身份证号",
            PiiKind::CreditCode => "统一社会信用代码",
            PiiKind::Mobile => "手机号",
            PiiKind::Landline => "固定电话",
            PiiKind::Email => "电子邮箱",
            PiiKind::BankCard => "银行卡号",
            PiiKind::AccountNumber => "银行账号",
            PiiKind::Name => "姓名/名称",
            PiiKind::WeChat => "微信号",
            PiiKind::Address => "地址",
            PiiKind::Postcode => "邮编",
            PiiKind::Bank => "开户银行",
            PiiKind::Url => "网址",
            PiiKind::Qq => "QQ号",
            PiiKind::Passport => "护照号",
            PiiKind::RegistrationNumber => "营业执照注册号",
            PiiKind::Hotline => "服务热线",
        }
    }
}

/// How sure the scan is.
///
/// `High`: checksum verified (resident ID, credit code, bank card) or a pattern
/// that is unambiguous on its own (mobile, landline, e-mail, literal name).
/// `Medium`: a credit code whose structure holds but whose check character fails,
/// account numbers (found by context, no checksum), and a resident ID or credit code of
/// the right shape right after its label whose check character fails (a typo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
}

/// One piece of personal data found in a text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    pub kind: PiiKind,
    /// Char offset in the ORIGINAL text (inclusive).
    pub start: usize,
    /// Char offset in the ORIGINAL text (exclusive).
    pub end: usize,
    /// Masked value, e.g. "138****5678"; never the full value.
    pub masked: String,
    pub confidence: Confidence,
    /// The label right before the value that made it personal data (`身份证号码`,
    /// `手机`, `邮箱` …), when a label decided; `None` when the value's form alone
    /// did (checksum, pattern, literal name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<&'static str>,
}

// ---------------------------------------------------------------------------
// Checksums
// ---------------------------------------------------------------------------

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits of a
/// resident ID. `None` unless `first17` is exactly 17 ASCII digits.
pub fn resident_id_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// A resident ID is valid when it has 18 chars, the first digit (province) is
/// 1–8, the birth date (chars 7–14) is a real calendar date in 1900..=2026 and
/// the check char (digit or `X`/`x`) is right.
pub fn is_valid_resident_id(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !(b'1'..=b'8').contains(&b[0]) {
        return false;
    }
    let Ok(first17) = std::str::from_utf8(&b[..17]) else {
        return false;
    };
    let Some(check) = resident_id_check_char(first17) else {
        return false;
    };
    if b[17].to_ascii_uppercase() != check as u8 {
        return false;
    }
    let year = digits_value(&b[6..10]);
    let month = digits_value(&b[10..12]);
    let day = digits_value(&b[12..14]);
    (1900..=2026).contains(&year) && is_calendar_date(year, month, day)
}

fn digits_value(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
}

fn is_calendar_date(year: u32, month: u32, day: u32) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A card number as issuers hand them out: 16–19 digits whose first digit is a
/// major industry identifier of banking and cards (3 travel and entertainment,
/// 4 and 5 Visa and Mastercard, 6 UnionPay, 9 the older domestic cards such as
/// `9558…`), not of resident-ID shape, passing the Luhn check. Numbers opening
/// with 1, 2, 7 or 8 are registration and serial numbers that begin with a year
/// (`2024310104931515`, a technical contract's registration number) even when
/// their digits happen to pass the Luhn check (one in ten does).
fn looks_like_card(digits: &[u8]) -> bool {
    (16..=19).contains(&digits.len())
        && matches!(digits[0], b'3'..=b'6' | b'9')
        && digits.iter().all(u8::is_ascii_digit)
        && !looks_like_resident_id(digits)
        && luhn_sum(digits, false).is_multiple_of(10)
}

/// A unit right after a number (spaces skipped): an amount (元, 万, 亿, 千, %,
/// ‰) or a count (次, 人次, 件, 篇, 笔): `13912345678次` is how often a page was
/// read, not a phone. Only measure words that seldom open the next word of a
/// form: not 户 (`帐号 … 户名`), 家 (`家庭住址`), 个 (`个人`), 张/名/位 (a name or
/// 名称 may follow a number).
fn unit_after(h: &str, e: usize) -> bool {
    let rest = h[e..].trim_start_matches(' ');
    rest.starts_with("人次")
        || matches!(
            rest.chars().next(),
            Some('元' | '万' | '亿' | '千' | '%' | '‰' | '次' | '件' | '篇' | '笔')
        )
}

/// A row of round figures (`3200 5200 2200 6000`, a budget table's line): three
/// or more of its groups of four end in `00`. The groups of a card number are
/// random digits (one in a hundred ends in `00`): two such groups happen in about
/// one card in 1,700 (`6225 8800 4670 2800`) and must not let it through; three,
/// in about one in 250,000.
fn round_figures<'g>(groups: impl Iterator<Item = &'g [u8]>) -> bool {
    groups
        .filter(|g| g.len() == 4 && g.ends_with(b"00"))
        .count()
        >= 3
}

/// Shape of a resident ID (province digit, plausible century and month/day
/// digits), regardless of the check digit and the exact date. Strings of this
/// shape are never taken as bank cards or unchecked credit codes: a mistyped or
/// fake ID number is not a card number.
fn looks_like_resident_id(b: &[u8]) -> bool {
    b.len() == 18
        && (b'1'..=b'8').contains(&b[0])
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
        && matches!(&b[6..8], b"18" | b"19" | b"20")
        && (b'0'..=b'1').contains(&b[10])
        && (b'0'..=b'3').contains(&b[12])
}

const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_CHARSET
        .iter()
        .position(|&x| x == c)
        .map(|p| p as u32)
}

/// GB 32100 check character of the first 17 chars of a unified social credit
/// code. `None` unless `first17` is 17 chars of the set 0-9 A-H J-N P-R T U W-Y.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in b.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    let idx = (31 - sum % 31) % 31;
    Some(CREDIT_CHARSET[idx as usize] as char)
}

/// GB 11714 check char of the 8-char body of an organization code.
fn org_code_check_char(body: &[u8]) -> Option<u8> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if body.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in body.iter().zip(W) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    })
}

/// Structure of a credit code without its final check char: registration
/// authority, category, region code (first digit 1–8) and a 9-char organization
/// code whose own GB 11714 check char is right.
fn credit_structure_ok(b: &[u8]) -> bool {
    if b.len() != 18 || !b.iter().all(|&c| credit_value(c).is_some()) {
        return false;
    }
    // Registration authority: 1-9 and A-G, N (agriculture), Y (other).
    let authority_ok = matches!(b[0], b'1'..=b'9' | b'A'..=b'G' | b'N' | b'Y');
    let category_ok = (b'1'..=b'9').contains(&b[1]);
    let region_ok = (b'1'..=b'8').contains(&b[2]) && b[2..8].iter().all(u8::is_ascii_digit);
    authority_ok && category_ok && region_ok && org_code_check_char(&b[8..16]) == Some(b[16])
}

/// A credit code is valid when its structure holds (authority, category, region,
/// organization code with its own check char) and its GB 32100 check char is
/// right. Upper case only.
pub fn is_valid_credit_code(code: &str) -> bool {
    let b = code.as_bytes();
    if !credit_structure_ok(b) {
        return false;
    }
    match std::str::from_utf8(&b[..17])
        .ok()
        .and_then(credit_code_check_char)
    {
        Some(c) => c as u8 == b[17],
        None => false,
    }
}

/// Luhn (mod 10) validity. `digits` must be at least 2 ASCII digits and nothing
/// else (strip separators first).
pub fn luhn_valid(digits: &str) -> bool {
    let b = digits.as_bytes();
    b.len() >= 2 && b.iter().all(u8::is_ascii_digit) && luhn_sum(b, false).is_multiple_of(10)
}

/// The digit that, appended to `partial`, makes a Luhn-valid number.
/// `None` unless `partial` is at least one ASCII digit and nothing else.
pub fn luhn_check_digit(partial: &str) -> Option<char> {
    let b = partial.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum = luhn_sum(b, true);
    Some((b'0' + ((10 - sum % 10) % 10) as u8) as char)
}

/// Luhn sum over `b` from the right; `double_first` says whether the rightmost
/// digit is doubled (true when computing a check digit to append).
fn luhn_sum(b: &[u8], double_first: bool) -> u32 {
    b.iter()
        .rev()
        .enumerate()
        .map(|(i, &c)| {
            let d = u32::from(c - b'0');
            if (i % 2 == 0) == double_first {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum()
}

// ---------------------------------------------------------------------------
// Masking and redaction
// ---------------------------------------------------------------------------

/// Masks a value: keeps the first 3 and the last 4 chars of values of 11 chars
/// or more (last 2 for 7–10 chars), stars between; shorter values keep at most
/// their first and last char. The full value is never returned for a non-empty
/// input.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    let (head, tail) = match n {
        0 => return String::new(),
        1 => (0, 0),
        2 | 3 => (1, 0),
        4..=6 => (1, 1),
        7..=10 => (3, 2),
        _ => (3, 4),
    };
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        if i < head || i >= n - tail {
            out.push(c);
        } else {
            out.push('*');
        }
    }
    out
}

/// Replaces every finding in `text` by `[已隐去:<label_zh>]`. Findings are char
/// offsets as returned by [`scan`]; out-of-range offsets are clamped and
/// overlapping findings are merged, so this never panics.
pub fn redact(text: &str, findings: &[Finding]) -> String {
    let mut spans: Vec<(usize, usize, PiiKind)> = findings
        .iter()
        .filter(|f| f.start < f.end)
        .map(|f| (f.start, f.end, f.kind))
        .collect();
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out = String::with_capacity(text.len());
    let mut spans = spans.into_iter().peekable();
    // `skip_until`: inside a replaced span, chars before this offset are dropped.
    let mut skip_until = 0usize;
    for (i, c) in text.chars().enumerate() {
        while let Some(&(s, e, kind)) = spans.peek() {
            if s > i {
                break;
            }
            spans.next();
            if e <= skip_until {
                continue; // fully inside a span already replaced
            }
            if s >= skip_until {
                out.push_str("[已隐去:");
                out.push_str(kind.label_zh());
                out.push(']');
            }
            skip_until = skip_until.max(e);
        }
        if i >= skip_until {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Candidate {
    kind: PiiKind,
    confidence: Confidence,
    /// The label that made it personal data.
    label: Option<&'static str>,
    /// Byte offsets in the normalized text.
    start: usize,
    end: usize,
    /// A value of the identity (address, account …): wins over a detector's
    /// candidate of the same span, so the redaction keeps the field's label.
    identity: bool,
}

impl Candidate {
    /// Lower is stronger, used only between candidates of equal length.
    fn priority(&self) -> u8 {
        match (self.kind, self.confidence) {
            (PiiKind::ResidentId, _) => 0,
            (PiiKind::CreditCode, Confidence::High) => 1,
            (PiiKind::BankCard, _) => 2,
            (PiiKind::Mobile, _) => 3,
            (PiiKind::Landline | PiiKind::Hotline, _) => 4,
            (PiiKind::Email, _) => 5,
            (PiiKind::Name, _) => 6,
            (PiiKind::AccountNumber, _) => 7,
            (PiiKind::WeChat | PiiKind::Qq | PiiKind::Passport, _) => 7,
            (PiiKind::RegistrationNumber, _) => 7,
            (PiiKind::Address | PiiKind::Postcode | PiiKind::Bank, _) => 6,
            (PiiKind::Url, _) => 5,
            (PiiKind::CreditCode, Confidence::Medium) => 8,
        }
    }
}

static RE_CARD_GROUPED: LazyLock<Regex> =
    LazyLock::new(|| re(r"[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{4}"));
static RE_CARD_TAIL: LazyLock<Regex> = LazyLock::new(|| re(r"\A[ -][0-9]{1,4}"));
static RE_MOBILE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:\(\+?86\)[ -]?|\+86[ -]?|86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}")
});
static RE_LANDLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        // Area codes: 010, 02x, or four digits 03xx-09xx; after the country code
        // (`+86`, `0086`, `86`) the area code drops its 0 (`86-21-6487 1234`).
        // A bracketed area code may end a line (the local number in the next).
        r"(?:\((?:010|02[0-9]|0[3-9][0-9]{2})\)(?:[ -]|\r?\n)?|(?:010|02[0-9]|0[3-9][0-9]{2})[ -]?",
        r"|(?:\+86|0086|86)[ -]?(?:\(0?(?:10|2[0-9]|[3-9][0-9]{2})\)|(?:10|2[0-9]|[3-9][0-9]{2}))[ -]?)",
        r"[2-9][0-9]{2,3}[ -]?[0-9]{4}",
        r"(?:(?:[ -]?(?:转分机|转|分机|ext\.?)[ ]?|-|[xX#])[0-9]{1,6})?"
    ))
});
/// Another local number of the same switchboard after a landline
/// (`021-6459 5173、8757 0187`).
static RE_LANDLINE_MORE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\A ?(?:、|/|,|;|或|及|和) ?([2-9][0-9]{2,3}[ -]?[0-9]{4})"));
/// A 400/800 service number: 10 digits in at most three groups.
static RE_HOTLINE: LazyLock<Regex> = LazyLock::new(|| re(r"[48]00[ -]?[0-9]{1,4}[ -]?[0-9]{3,7}"));
static RE_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        // A host label may follow an ideographic full stop `。` typed for `.` (in
        // lower case: `a@b.com。Tel` ends the address at `com`).
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?|。[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?:\.[A-Za-z]{2,24}|。[a-z]{2,24})",
    )
});
static RE_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:账号|帐号|帳號|账户|帐户|帳戶|开户行|開戶行|卡号|卡號)[^0-9\n]{0,24}?([0-9](?:(?:[ -]|\r?\n)?[0-9]){9,24})",
    )
});

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this module; a failure is a programming error
    // caught by the unit tests, not something user input can trigger.
    Regex::new(pattern).expect("pii: built-in regex must compile")
}

#[inline]
fn char_before(h: &str, i: usize) -> Option<char> {
    h[..i].chars().next_back()
}

#[inline]
fn char_after(h: &str, i: usize) -> Option<char> {
    h[i..].chars().next()
}

/// Neighbour guard for number-like matches `h[s..e]`: the token must not be glued
/// to ASCII letters or digits, must not be the integer or decimal part of a
/// decimal number, and must not be an amount (currency sign before, unit after).
fn digit_token_ok(h: &str, s: usize, e: usize) -> bool {
    let is_digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let is_alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let before = char_before(h, s);
    if is_alnum(char_after(h, s))
        && (is_alnum(before) || (before == Some('.') && is_digit(char_before(h, s - 1))))
    {
        return false;
    }
    if matches!(before, Some('¥' | '$' | '€' | '£')) {
        return false;
    }
    let after = char_after(h, e);
    if is_alnum(char_before(h, e))
        && (is_alnum(after) || (after == Some('.') && is_digit(char_after(h, e + 1))))
    {
        return false;
    }
    !unit_after(h, e)
}

/// For a match `h[s..e]` written in digit groups (it contains a space or hyphen):
/// whether a short digit group (1-4 digits) sits right before or after it across
/// one space or hyphen, i.e. the match is only part of a longer grouped number
/// such as `9312 0351 2256 4573 602`.
fn continues_grouped_number(h: &str, s: usize, e: usize) -> bool {
    let m = &h.as_bytes()[s..e];
    if !m.iter().any(|b| matches!(b, b' ' | b'-')) {
        return false;
    }
    let bytes = h.as_bytes();
    let before = s
        .checked_sub(1)
        .filter(|&i| matches!(bytes[i], b' ' | b'-'))
        .map(|i| {
            bytes[..i]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count()
        });
    let after = (e < bytes.len() && matches!(bytes[e], b' ' | b'-')).then(|| {
        bytes[e + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    });
    matches!(before, Some(1..=4)) || matches!(after, Some(1..=4))
}

/// After a rejected match starting at `s`, where to search next: past the ASCII
/// alphanumeric run containing `s` (no token can start inside it), or past the
/// char at `s`.
fn skip_after_reject(h: &str, s: usize) -> usize {
    let rest = &h[s..];
    let run = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if run > 0 {
        s + run
    } else {
        s + rest.chars().next().map_or(1, char::len_utf8)
    }
}

/// Runs `re` over `h`; `check` returns `Some(candidate)` to accept a match (it
/// may adjust its span) or `None` to reject it, after which the search resumes
/// at [`skip_after_reject`].
fn each_match(
    re: &Regex,
    h: &str,
    out: &mut Vec<Candidate>,
    mut check: impl FnMut(usize, usize) -> Option<Candidate>,
) {
    let mut pos = 0;
    while pos <= h.len() {
        let Some(m) = re.find_at(h, pos) else { break };
        match check(m.start(), m.end()) {
            Some(c) => {
                out.push(c);
                pos = m.end().max(m.start() + 1);
                while pos < h.len() && !h.is_char_boundary(pos) {
                    pos += 1;
                }
            }
            None => pos = skip_after_reject(h, m.start()),
        }
    }
}

fn cand(kind: PiiKind, confidence: Confidence, start: usize, end: usize) -> Candidate {
    Candidate {
        kind,
        confidence,
        label: None,
        start,
        end,
        identity: false,
    }
}

/// Resident IDs, credit codes and plain (ungrouped) card numbers are whole
/// runs of ASCII letters and digits of 16–19 chars: one pass over the runs
/// replaces three regex passes (a regex match with non-alphanumeric neighbours
/// is exactly such a run).
fn scan_alnum_runs(h: &str, out: &mut Vec<Candidate>) {
    let b = h.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if (16..=19).contains(&(i - s)) && digit_token_ok(h, s, i) {
            classify_run(&b[s..i], s, out);
        }
    }
}

fn classify_run(run: &[u8], s: usize, out: &mut Vec<Candidate>) {
    let e = s + run.len();
    let id_shaped = looks_like_resident_id(run);
    if run.len() == 18 {
        if id_shaped && std::str::from_utf8(run).is_ok_and(is_valid_resident_id) {
            out.push(cand(PiiKind::ResidentId, Confidence::High, s, e));
        }
        if credit_structure_ok(run) {
            if std::str::from_utf8(run).is_ok_and(is_valid_credit_code) {
                out.push(cand(PiiKind::CreditCode, Confidence::High, s, e));
            } else if !id_shaped {
                out.push(cand(PiiKind::CreditCode, Confidence::Medium, s, e));
            }
        } else if run.iter().any(u8::is_ascii_lowercase) {
            // Case folding: a credit code typed in lower case is still one.
            let upper = run.to_ascii_uppercase();
            if std::str::from_utf8(&upper).is_ok_and(is_valid_credit_code) {
                out.push(cand(PiiKind::CreditCode, Confidence::High, s, e));
            }
        }
    }
    if looks_like_card(run) {
        out.push(cand(PiiKind::BankCard, Confidence::High, s, e));
    }
}

/// Card numbers written in groups of four (`6222 0212 3456 7890 123`).
fn scan_grouped_cards(h: &str, out: &mut Vec<Candidate>) {
    let mut digits = String::with_capacity(19);
    each_match(&RE_CARD_GROUPED, h, out, |s, mut e| {
        // A group separator before: this is the middle of a longer grouped number.
        if matches!(char_before(h, s), Some(' ' | '-'))
            && char_before(h, s - 1).is_some_and(|c| c.is_ascii_digit())
        {
            return None;
        }
        // A short last group (1-3 digits) belongs to the card; a fifth group of
        // 4 means a number of 20 digits or more.
        if let Some(t) = RE_CARD_TAIL.find(&h[e..]) {
            if t.len() - 1 == 4 {
                return None;
            }
            if !char_after(h, e + t.end()).is_some_and(|c| c.is_ascii_digit()) {
                e += t.end();
            }
        }
        if !digit_token_ok(h, s, e) {
            return None;
        }
        digits.clear();
        digits.extend(h[s..e].chars().filter(char::is_ascii_digit));
        let groups = h[s..e].split([' ', '-']).map(str::as_bytes);
        (looks_like_card(digits.as_bytes()) && !round_figures(groups))
            .then(|| cand(PiiKind::BankCard, Confidence::High, s, e))
    });
}

fn scan_mobiles(h: &str, out: &mut Vec<Candidate>) {
    each_match(&RE_MOBILE, h, out, |s, e| {
        (digit_token_ok(h, s, e) && !continues_grouped_number(h, s, e))
            .then(|| cand(PiiKind::Mobile, Confidence::High, s, e))
    });
}

fn scan_landlines(h: &str, out: &mut Vec<Candidate>) {
    let mut more = Vec::new();
    each_match(&RE_LANDLINE, h, out, |s, e| {
        if !digit_token_ok(h, s, e) || continues_grouped_number(h, s, e) {
            return None;
        }
        // The other numbers of a list written after it without their area code.
        let mut at = e;
        while let Some(m) = RE_LANDLINE_MORE.captures(&h[at..]).and_then(|c| c.get(1)) {
            let (ms, me) = (at + m.start(), at + m.end());
            if !digit_token_ok(h, ms, me)
                || continues_grouped_number(h, ms, me)
                || compact_date(m.as_str())
            {
                break;
            }
            more.push(cand(PiiKind::Landline, Confidence::High, ms, me));
            at = me;
        }
        Some(cand(PiiKind::Landline, Confidence::High, s, e))
    });
    out.append(&mut more);
}

/// Words that say a number is to be dialled (`服务热线`, `请拨打`, `Tel`).
const DIAL_WORDS: [&str; 10] = [
    "热线", "电话", "客服", "咨询", "拨打", "致电", "联系", "呼叫", "Tel", "TEL",
];

/// Eight digits that read as a date `yyyymmdd` (`20231231`), 1900–2100.
fn compact_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 8 && b.iter().all(u8::is_ascii_digit) && {
        let (y, m, d) = (
            digits_value(&b[..4]),
            digits_value(&b[4..6]),
            digits_value(&b[6..]),
        );
        (1900..=2100).contains(&y) && is_calendar_date(y, m, d)
    }
}

/// 400/800 service numbers (`400-820-8820`, `800 810 8888`, `4008208820`):
/// 10 digits in one to three groups. Written as one run of digits it needs a
/// word of [`DIAL_WORDS`] in the 10 chars before it (`项目编号4003633225` is a
/// code); in groups, not all groups after `400` may be round figures
/// (`400 800 1200`, a row of a table).
fn scan_hotlines(h: &str, out: &mut Vec<Candidate>) {
    each_match(&RE_HOTLINE, h, out, |s, e| {
        let m = &h[s..e];
        let digits = m.bytes().filter(u8::is_ascii_digit).count();
        let groups: Vec<&str> = m.split([' ', '-']).collect();
        let shaped = if groups.len() == 1 {
            let before: String = h[..s]
                .chars()
                .rev()
                .take(10)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            DIAL_WORDS.iter().any(|w| before.contains(w))
        } else {
            !groups[1..].iter().all(|g| g.ends_with("00"))
        };
        (digits == 10 && shaped && digit_token_ok(h, s, e) && !continues_grouped_number(h, s, e))
            .then(|| cand(PiiKind::Hotline, Confidence::High, s, e))
    });
}

fn scan_emails(h: &str, out: &mut Vec<Candidate>) {
    each_match(&RE_EMAIL, h, out, |s, e| {
        // Leading punctuation is not part of an address.
        let lead = h.as_bytes()[s..e]
            .iter()
            .take_while(|b| matches!(b, b'.' | b'-' | b'+' | b'%'))
            .count();
        let s = s + lead;
        (h.as_bytes()[s] != b'@').then(|| cand(PiiKind::Email, Confidence::High, s, e))
    });
}

fn scan_accounts(h: &str, out: &mut Vec<Candidate>) {
    let mut pos = 0;
    while pos <= h.len() {
        let Some(caps) = RE_ACCOUNT.captures_at(h, pos) else {
            break;
        };
        let (Some(whole), Some(num)) = (caps.get(0), caps.get(1)) else {
            break;
        };
        let (s, e) = (num.start(), num.end());
        if digit_token_ok(h, s, e) && !continues_grouped_number(h, s, e) {
            out.push(cand(PiiKind::AccountNumber, Confidence::Medium, s, e));
            pos = e;
        } else {
            // Resume after the context word (at least one char further).
            pos = whole.start() + char_after(h, whole.start()).map_or(1, char::len_utf8);
        }
    }
}

/// A phone or card number found by its shape alone that stands in a row of a
/// table of figures (tab-separated cells): two more cells of plain numbers of
/// four digits or more (`2023\t13512345678\t15823456789`), or a cell naming a
/// unit of money (`收入（元）\t13912345678`, `单位：万元`): a figure, not a
/// contact. A contact row holds one number of each kind
/// (`1\t陈静\t13524681357`).
fn in_row_of_figures(h: &str, c: &Candidate) -> bool {
    if !matches!(
        c.kind,
        PiiKind::Mobile | PiiKind::Landline | PiiKind::BankCard | PiiKind::Hotline
    ) {
        return false;
    }
    let ls = h[..c.start].rfind('\n').map_or(0, |i| i + 1);
    let le = h[c.end..].find('\n').map_or(h.len(), |i| c.end + i);
    let line = &h[ls..le];
    if !line.contains('\t') {
        return false;
    }
    if ["元)", "单位:元", "单位:万元", "金额"]
        .iter()
        .any(|u| line.contains(u))
    {
        return true;
    }
    let mut at = ls;
    let figures = line
        .split('\t')
        .filter(|cell| {
            let s = at;
            at += cell.len() + 1;
            let own = s <= c.start && c.end <= s + cell.len();
            let cell = cell.trim();
            !own && cell.bytes().filter(u8::is_ascii_digit).count() >= 4
                && cell
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        })
        .count();
    figures >= 2
}

/// Scans one text. `names` are literal strings (applicant names, contact person
/// names, org names) from the raw application's identity fields; empty names and
/// names shorter than 2 chars are ignored. Returns findings sorted by start and
/// non-overlapping (the longer, then the higher-priority finding wins). Char
/// offsets refer to the original text.
pub fn scan(text: &str, names: &[String]) -> Vec<Finding> {
    scan_known(text, &Known::with_names(names))
}

/// Scans one text for personal data and for the `known` names and identity
/// values (matched after normalization, white space ignored; addresses by their
/// road-and-number core, see [`identity`]). Same result shape as [`scan`].
pub fn scan_known(text: &str, known: &Known) -> Vec<Finding> {
    let norm = Normalized::new(text);
    let h = norm.text();
    let mut cands: Vec<Candidate> = Vec::new();
    if h.bytes().any(|b| b.is_ascii_digit()) {
        scan_alnum_runs(h, &mut cands);
        scan_grouped_cards(h, &mut cands);
        scan_mobiles(h, &mut cands);
        scan_landlines(h, &mut cands);
        scan_hotlines(h, &mut cands);
        scan_accounts(h, &mut cands);
        grouped::scan_digit_groups(h, &mut cands);
    }
    if let Some(typed) = norm.with_letters_as_typed() {
        // Codes whose letters were read as digits (`…0l`: a credit code's check
        // character L), found in the text with those letters as typed.
        scan_alnum_runs(&typed, &mut cands);
        grouped::scan_credit_groups(&typed, &mut cands);
    }
    if h.bytes().any(|b| b.is_ascii_alphanumeric()) {
        grouped::scan_credit_groups(h, &mut cands);
        grouped::scan_labelled(h, &mut cands);
        grouped::scan_obfuscated_emails(h, &mut cands);
    }
    if h.contains('@') {
        scan_emails(h, &mut cands);
    }
    if h.contains(['.', '。']) {
        web::scan_urls(h, &mut cands);
    }
    cands.retain(|c| c.label.is_some() || !in_row_of_figures(h, c));
    let values = cands.len();
    person::scan_labelled_names(h, &mut cands);
    let mut before_values = Vec::new();
    person::scan_names_before_values(h, &cands[..values], &mut before_values);
    cands.append(&mut before_values);
    address::scan_addresses(h, &mut cands);
    org::scan_org_names(h, &mut cands);
    let found = cands.len();
    identity::scan_known(h, known, &mut cands);
    // The identity knows the exact bounds of its own address, postcode and
    // bank: a detector's candidate of the same kind overlapping one yields.
    let (detected, own) = cands.split_at(found);
    let yields: Vec<bool> = detected
        .iter()
        .map(|c| {
            matches!(c.kind, PiiKind::Address | PiiKind::Postcode | PiiKind::Bank)
                && own
                    .iter()
                    .any(|o| o.kind == c.kind && o.start < c.end && c.start < o.end)
        })
        .collect();
    let mut i = 0;
    cands.retain(|_| {
        i += 1;
        i > found || !yields[i - 1]
    });
    if cands.is_empty() {
        return Vec::new();
    }

    // To original byte offsets, then char offsets.
    let mut bytes: Vec<usize> = Vec::with_capacity(cands.len() * 2);
    for c in &cands {
        bytes.push(norm.orig_start(c.start));
        bytes.push(norm.orig_end(c.end));
    }
    let chars = byte_to_char_offsets(text, &bytes);

    // Resolve overlaps: longer first, then priority, then earlier.
    let span = |i: usize| (chars[2 * i], chars[2 * i + 1]);
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by_key(|&i| {
        let (s, e) = span(i);
        let c = &cands[i];
        // A checked or unambiguous value wins over the same value found by its label.
        (
            std::cmp::Reverse(e - s),
            !c.identity,
            c.priority(),
            c.confidence == Confidence::Medium,
            c.label.is_none(),
            s,
        )
    });
    let mut accepted: BTreeMap<usize, (usize, usize)> = BTreeMap::new(); // start -> (end, cand)
    for i in order {
        let (s, e) = span(i);
        if s >= e {
            continue;
        }
        let overlaps = accepted
            .range(..e)
            .next_back()
            .is_some_and(|(_, &(pe, _))| pe > s);
        if !overlaps {
            accepted.insert(s, (e, i));
        }
    }

    accepted
        .into_iter()
        .map(|(s, (e, i))| {
            let c = cands[i];
            let value = text.get(bytes[2 * i]..bytes[2 * i + 1]).unwrap_or("");
            Finding {
                kind: c.kind,
                start: s,
                end: e,
                masked: mask(value),
                confidence: c.confidence,
                label: c.label,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(PiiKind, usize, usize)> {
        scan(text, &[])
            .into_iter()
            .map(|f| (f.kind, f.start, f.end))
            .collect()
    }

    fn char_offset(text: &str, needle: &str) -> usize {
        let b = text.find(needle).expect("needle in text");
        text[..b].chars().count()
    }

    /// One finding of `kind` covering exactly `needle` in `text`.
    fn assert_single(text: &str, needle: &str, kind: PiiKind) {
        let s = char_offset(text, needle);
        let e = s + needle.chars().count();
        assert_eq!(kinds(text), vec![(kind, s, e)], "text: {text}");
    }

    fn assert_none(text: &str) {
        assert_eq!(kinds(text), vec![], "text: {text}");
    }

    fn valid_id(first17: &str) -> String {
        format!("{first17}{}", resident_id_check_char(first17).unwrap())
    }

    fn valid_card(partial: &str) -> String {
        format!("{partial}{}", luhn_check_digit(partial).unwrap())
    }

    fn wrong_id(first17: &str) -> String {
        let c = resident_id_check_char(first17).unwrap();
        let w = if c == '0' { '1' } else { '0' };
        format!("{first17}{w}")
    }

    /// A credit code whose check character `L` is typed in lower case stays a credit code
    /// although `l` inside a number is read as `1` (cases found by the proptest
    /// `typed_identifiers_never_survive_anonymize`); the same shape with no valid check
    /// character is not one.
    #[test]
    fn a_credit_code_ending_in_lower_case_l() {
        for typed in [
            "9146 0658 3268 3208 5l",
            "13137220—92958670 - 9l",
            "y1520232 23251937 0l",
        ] {
            let text = format!("代码：{typed}。");
            let found = kinds(&text);
            let at = char_offset(&text, &typed[..1]);
            assert!(
                found.iter().any(|&(k, s, e)| k == PiiKind::CreditCode
                    && s == at
                    && e == at + typed.chars().count()),
                "{typed}: {found:?}"
            );
        }
    }

    #[test]
    fn landlines_after_the_country_code_and_lists_of_local_numbers() {
        assert_single(
            "固话 86-571-2494 8151-5938；",
            "86-571-2494 8151-5938",
            PiiKind::Landline,
        );
        assert_single(
            "Tel: +86 21 6487 1234",
            "+86 21 6487 1234",
            PiiKind::Landline,
        );
        let t = "电话：021-64595173、87570187";
        let s = char_offset(t, "021");
        let m = char_offset(t, "8757");
        assert_eq!(
            kinds(t),
            vec![
                (PiiKind::Landline, s, s + 12),
                (PiiKind::Landline, m, m + 8)
            ]
        );
        // A list of figures after a landline is not a list of numbers to dial,
        // nor is a date.
        assert_eq!(kinds("电话021-64595173，87570187元").len(), 1);
        assert_eq!(kinds("电话：021-64595173；20231231截止").len(), 1);
    }

    #[test]
    fn hotlines_400_800() {
        for (t, v) in [
            ("服务热线：400-820-8820。", "400-820-8820"),
            ("客服 800 810 8888", "800 810 8888"),
            ("请拨打4008208820咨询", "4008208820"),
            ("咨询热线 400-8765-323。", "400-8765-323"),
        ] {
            assert_single(t, v, PiiKind::Hotline);
        }
        assert_none("项目编号4003633225，档案号8215831734。");
        assert_none("分三年 400 800 1200");
        assert_none("资金4008208820元，800人次");
    }

    #[test]
    fn card_look_alikes_year_led_numbers_and_round_figures() {
        // Luhn-valid, but a year-led registration number and a row of figures.
        assert!(luhn_valid("2024310104931515"));
        assert_none("技术合同登记号：2024310104931515，登记日期2024年5月。");
        assert!(luhn_valid("3200520022006000"));
        assert_none("年度经费（万元） 3200 5200 2200 6000");
        assert!(luhn_valid("3242520022006000"));
        assert_none("年度经费（万元） 3242 5200 2200 6000");
        // two groups ending in 00 happen in real cards
        assert!(luhn_valid("6225880046702800"));
        assert_single(
            "，6225 8800 4670 2800。",
            "6225 8800 4670 2800",
            PiiKind::BankCard,
        );
        // Real cards stay found, labelled ones in any grouping.
        let card = valid_card("622202003307666193");
        assert_single(&format!("卡号 {card}"), &card, PiiKind::BankCard);
        let t = format!("工资卡{} {}", &card[..6], &card[6..]);
        assert_eq!(kinds(&t).len(), 1, "{t}");
        assert_eq!(kinds(&t)[0].0, PiiKind::BankCard);
    }

    #[test]
    fn counts_after_a_number_make_it_no_phone() {
        assert_none("平台点击量13912345678次，访问量15800000000人次。");
        assert_none("专利13912345678件");
        // A name or a form's next field may follow a phone.
        assert_single("手机13912345678张伟", "13912345678", PiiKind::Mobile);
        assert_single(
            "帐号 6222020033076 户名见附件",
            "6222020033076",
            PiiKind::AccountNumber,
        );
    }

    #[test]
    fn at_sign_in_brackets() {
        assert_single(
            "联系邮箱：ZhangWei(#)126.com；",
            "ZhangWei(#)126.com",
            PiiKind::Email,
        );
        assert_single("邮箱：li.na[@]163.com", "li.na[@]163.com", PiiKind::Email);
    }

    #[test]
    fn times_sign_typed_for_the_check_character() {
        let id = valid_id("11010519491231002");
        assert!(id.ends_with('X'));
        let t = format!("身份证号码：{}×。", &id[..17]);
        let s = char_offset(&t, "1101");
        assert_eq!(kinds(&t), vec![(PiiKind::ResidentId, s, s + 18)]);
    }

    #[test]
    fn regexes_compile() {
        for r in [
            &*RE_CARD_GROUPED,
            &*RE_CARD_TAIL,
            &*RE_MOBILE,
            &*RE_LANDLINE,
            &*RE_LANDLINE_MORE,
            &*RE_HOTLINE,
            &*RE_EMAIL,
            &*RE_ACCOUNT,
        ] {
            assert!(!r.as_str().is_empty());
        }
    }

    #[test]
    fn kind_strings_and_labels() {
        assert_eq!(PiiKind::ResidentId.as_str(), "resident_id");
        assert_eq!(PiiKind::AccountNumber.as_str(), "account_number");
        assert_eq!(PiiKind::Name.label_zh(), "姓名/名称");
        assert_eq!(PiiKind::Landline.label_zh(), "固定电话");
        let json = serde_json::to_string(&PiiKind::BankCard).unwrap();
        assert_eq!(json, "\"bank_card\"");
        let back: PiiKind = serde_json::from_str("\"credit_code\"").unwrap();
        assert_eq!(
            serde_json::to_string(&PiiKind::WeChat).unwrap(),
            format!("\"{}\"", PiiKind::WeChat.as_str())
        );
        assert_eq!(back, PiiKind::CreditCode);
        assert_eq!(
            serde_json::to_string(&Confidence::Medium).unwrap(),
            "\"medium\""
        );
    }

    #[test]
    fn resident_id_checksum_standard_example() {
        // GB 11643-1999 example.
        assert_eq!(resident_id_check_char("11010519491231002"), Some('X'));
        assert!(is_valid_resident_id("11010519491231002X"));
        assert!(is_valid_resident_id("11010519491231002x"));
        assert!(!is_valid_resident_id("110105194912310021"));
        // Another classic example: 440524188001010014.
        assert_eq!(resident_id_check_char("44052418800101001"), Some('4'));
        // ...but 1880 is before 1900.
        assert!(!is_valid_resident_id("440524188001010014"));
        assert_eq!(resident_id_check_char("1101051949123100"), None);
        assert_eq!(resident_id_check_char("1101051949123100A"), None);
        assert_eq!(
            resident_id_check_char("１１０１０５１９４９１２３１００２"),
            None
        );
    }

    #[test]
    fn resident_id_dates_and_region() {
        assert!(is_valid_resident_id(&valid_id("31010420000229123"))); // leap day
        assert!(!is_valid_resident_id(&valid_id("31010419000229123"))); // 1900 not leap
        assert!(!is_valid_resident_id(&valid_id("31010419900230123"))); // Feb 30
        assert!(!is_valid_resident_id(&valid_id("31010419901301123"))); // month 13
        assert!(!is_valid_resident_id(&valid_id("31010419900100123"))); // day 0
        assert!(!is_valid_resident_id(&valid_id("31010420270101123"))); // year 2027
        assert!(is_valid_resident_id(&valid_id("31010420261231123")));
        assert!(!is_valid_resident_id(&valid_id("91010419900101123"))); // region 9
        assert!(!is_valid_resident_id(&valid_id("01010419900101123"))); // region 0
        assert!(!is_valid_resident_id(""));
        assert!(!is_valid_resident_id("身份证号码身份证"));
    }

    #[test]
    fn credit_code_checksums_of_real_codes() {
        // Publicly listed codes of well-known companies and the GB 32100 example.
        for code in [
            "91350100M000100Y43",
            "914403001922038216",
            "9144030071526726XG",
            "91330100716105852F",
        ] {
            assert!(is_valid_credit_code(code), "{code}");
            assert_eq!(
                credit_code_check_char(&code[..17]),
                Some(code.as_bytes()[17] as char)
            );
        }
        assert!(!is_valid_credit_code("91350100M000100Y44"));
        assert!(!is_valid_credit_code("91350100M000100Y4"));
        assert!(!is_valid_credit_code("91350100m000100y43"));
        assert_eq!(credit_code_check_char("91350100M000100YI"), None); // I not in set
        assert_eq!(org_code_check_char(b"M000100Y"), Some(b'4'));
        assert_eq!(org_code_check_char(b"71526726"), Some(b'X'));
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("4539578763621486"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid("7992 7398 713"));
        assert!(!luhn_valid("7"));
        assert!(!luhn_valid(""));
        assert_eq!(luhn_check_digit("7992739871"), Some('3'));
        assert_eq!(luhn_check_digit("453957876362148"), Some('6'));
        assert_eq!(luhn_check_digit(""), None);
        assert_eq!(luhn_check_digit("12a"), None);
        for p in ["622202123456789012", "62220212345678", "4"] {
            assert!(luhn_valid(&valid_card(p)), "{p}");
        }
    }

    #[test]
    fn mask_rules() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("11010519491231002X"), "110***********002X");
        assert_eq!(mask("张三"), "张*");
        assert_eq!(mask("张三丰"), "张**");
        assert_eq!(mask("上海某某"), "上**某");
        assert_eq!(mask("2317042"), "231**42");
        assert_eq!(mask("x"), "*");
        assert_eq!(mask(""), "");
        for v in ["ab", "abc", "abcd", "abcdefg", "a@b.cn", "13812345678"] {
            assert_ne!(mask(v), v);
        }
    }

    #[test]
    fn resident_ids_glued_to_chinese() {
        let id = valid_id("11010119900307123");
        assert_single(&format!("身份证号{id}号"), &id, PiiKind::ResidentId);
        let id = valid_id("11010519491231002"); // ends with X
        assert_single(&format!("证件号码：{id}，"), &id, PiiKind::ResidentId);
        let lower = id.to_lowercase();
        assert_single(&format!("证件号码{lower}。"), &lower, PiiKind::ResidentId);
    }

    /// Right after its label, an identifier of the right shape is personal data whatever
    /// its check character: a mistyped ID still identifies the person.
    #[test]
    fn labelled_identifiers_with_a_typo_are_found() {
        let bad = wrong_id("11010119900307123");
        for label in [
            "身份证号码：",
            "身份证号",
            "公民身份号码 ",
            "证件号码:",
            "身份证",
        ] {
            let text = format!("联系人{label}{bad}，");
            assert_single(&text, &bad, PiiKind::ResidentId);
            let f = scan(&text, &[]);
            assert_eq!(f[0].confidence, Confidence::Medium);
        }
        let lower = bad.to_lowercase();
        assert_single(&format!("身份证号码：{lower}"), &lower, PiiKind::ResidentId);
        for (label, code) in [
            ("统一社会信用代码：", "91350100M000100Y53"),
            ("信用代码", "91350100M000100Y53"),
            ("统一社会信用代码 ", "91350100m000100y53"),
            ("组织机构代码：", "91310000AAAAAAAAAA"),
        ] {
            let text = format!("单位{label}{code}。");
            assert_single(&text, code, PiiKind::CreditCode);
        }
        // A digit too few or too many is a typo too: still the person's ID.
        for typo in [&bad[..17], &format!("{bad}5")[..], &bad[..16]] {
            assert_single(&format!("身份证号码：{typo}，"), typo, PiiKind::ResidentId);
        }
        for typo in ["91350100M000100Y5", "91350100M000100Y533"] {
            assert_single(
                &format!("统一社会信用代码：{typo}。"),
                typo,
                PiiKind::CreditCode,
            );
        }
        // A run far longer than an ID after the label is something else.
        let longer = format!("身份证号{bad}5678号");
        assert!(
            kinds(&longer).iter().all(|k| k.0 != PiiKind::ResidentId),
            "{longer}"
        );
    }

    #[test]
    fn resident_id_wrong_check_or_date_not_flagged() {
        // Without a label, a failed check or an impossible date is not an ID.
        assert_none(&format!("编号{}号", wrong_id("11010119900307123")));
        assert_none(&format!("编号{}号", valid_id("11010119900230123")));
        assert_none(&format!("编号{}号", valid_id("11010119901301123")));
        // 19 digits containing a valid ID.
        let id = valid_id("11010119900307123");
        assert_none(&format!("编号{id}5号"));
        assert_none(&format!("编号5{id}号"));
    }

    #[test]
    fn full_width_offsets_map_to_original() {
        let id = valid_id("11010119900307123");
        let fw: String = id
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        let text = format!("（全角）身份证号：{fw}，手机１３８－１２３４－５６７８。");
        let f = scan(&text, &[]);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].kind, PiiKind::ResidentId);
        assert_eq!(f[0].start, char_offset(&text, &fw));
        assert_eq!(f[0].end, f[0].start + 18);
        assert_eq!(f[1].kind, PiiKind::Mobile);
        assert_eq!(f[1].start, char_offset(&text, "１３８"));
        assert_eq!(f[1].end, f[1].start + 13);
        assert_eq!(f[1].masked, "１３８******５６７８");
        // An expanding compatibility char before the number shifts nothing.
        let text = "面积50㎡，电话13812345678";
        assert_single(text, "13812345678", PiiKind::Mobile);
    }

    #[test]
    fn mobiles_in_formats() {
        for m in [
            "13812345678",
            "138-1234-5678",
            "138 1234 5678",
            "+8613812345678",
            "+86 138 1234 5678",
            "86-13812345678",
            "(+86)13812345678",
            "19912345678",
        ] {
            assert_single(&format!("电话{m}，"), m, PiiKind::Mobile);
            assert_single(&format!("联系人手机：{m}"), m, PiiKind::Mobile);
        }
        let text = "手机13812345678，13987654321、15011112222/17700001111";
        assert_eq!(kinds(text).len(), 4);
    }

    #[test]
    fn mobile_not_inside_longer_numbers() {
        let id = valid_id("11013819900101234");
        // A valid ID containing "13819900101" yields only the ID.
        assert_single(&format!("身份证{id}"), &id, PiiKind::ResidentId);
        assert_none(&format!("编号{}", wrong_id("11013819900101234")));
        assert_none("流水号2024061813812345678号");
        assert_none("编号913812345678");
        assert_none("编号138123456789");
        // Letters glued on do not hide a mobile (编号A13912345678B); digits do.
        assert_single("序列号A13812345678B", "13812345678", PiiKind::Mobile);
        assert_none("比例为0.13812345678");
        // A Luhn-valid 19-digit card gives the card, not a mobile inside it.
        let card = valid_card("621700138123456789");
        assert_single(&format!("卡{card}"), &card, PiiKind::BankCard);
    }

    #[test]
    fn landlines() {
        for l in [
            "021-23170420",
            "(021)23170420",
            "02123170420",
            "0571-87654321",
            "010-6275 1234",
            "021-23170420-8001",
            "021-23170420转8001",
            "0755 8601 3388",
        ] {
            assert_single(&format!("电话{l}，"), l, PiiKind::Landline);
        }
        assert_single(
            "电话（０２１）２３１７０４２０。",
            "（０２１）２３１７０４２０",
            PiiKind::Landline,
        );
    }

    #[test]
    fn emails() {
        assert_single(
            "邮箱zhang.san@sjtu.edu.cn。",
            "zhang.san@sjtu.edu.cn",
            PiiKind::Email,
        );
        assert_single(
            "邮箱：13812345678@163.com",
            "13812345678@163.com",
            PiiKind::Email,
        );
        assert_single(
            "Ｅ-mail：ｌｉｓｉ＠ｅｘａｍｐｌｅ．ｃｏｍ，",
            "ｌｉｓｉ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            PiiKind::Email,
        );
        assert_single(
            "见附件.wang_w@x-corp.com.cn",
            "wang_w@x-corp.com.cn",
            PiiKind::Email,
        );
        assert_none("版本 v1.2@build");
    }

    #[test]
    fn bank_cards_and_accounts() {
        let card = valid_card("622202123456789012"); // 19 digits
        assert_single(&format!("卡{card}"), &card, PiiKind::BankCard);
        let c16 = valid_card("453957876362148");
        let grouped = format!(
            "{} {} {} {}",
            &c16[..4],
            &c16[4..8],
            &c16[8..12],
            &c16[12..]
        );
        assert_single(&format!("卡号：{grouped}。"), &grouped, PiiKind::BankCard);
        let hyph = grouped.replace(' ', "-");
        assert_single(&format!("卡号{hyph}"), &hyph, PiiKind::BankCard);
        let g19 = format!(
            "{} {} {} {} {}",
            &card[..4],
            &card[4..8],
            &card[8..12],
            &card[12..16],
            &card[16..]
        );
        assert_single(&format!("卡号 {g19} 已核验"), &g19, PiiKind::BankCard);
        // Non-Luhn 16 digits: nothing without context, an account with it.
        let bad = format!(
            "{}{}",
            &c16[..15],
            (b'0' + (c16.as_bytes()[15] - b'0' + 1) % 10) as char
        );
        assert_none(&format!("订单编号{bad}"));
        assert_single(
            &format!("开户行：工商银行上海分行，账号：{bad}"),
            &bad,
            PiiKind::AccountNumber,
        );
        assert_single(
            "银行账户 3100 1234 5678 9012",
            "3100 1234 5678 9012",
            PiiKind::AccountNumber,
        );
        assert_none("账户余额12345678901元");
        let f = scan("帐号1001234567890", &[]);
        assert_eq!(f[0].confidence, Confidence::Medium);
    }

    #[test]
    fn credit_codes() {
        assert_single(
            "统一社会信用代码：91350100M000100Y43。",
            "91350100M000100Y43",
            PiiKind::CreditCode,
        );
        let f = scan("代码9144030071526726XG号", &[]);
        assert_eq!(f[0].confidence, Confidence::High);
        // Structure holds, check char wrong: Medium.
        let f = scan("信用代码91350100M000100Y44，", &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].kind, f[0].confidence),
            (PiiKind::CreditCode, Confidence::Medium)
        );
        // Organization code check broken: not a credit code, unless its label says it is.
        assert_none("编号91350100M000100Y53，");
        // Glued to more letters.
        assert_none("代码A91350100M000100Y43");
    }

    #[test]
    fn look_alikes_not_flagged() {
        for t in [
            "总投资2000万元，其中财政资助5447.20万元，自筹1,234,567元。",
            "于2024年5月31日前提交，2024-06-18截止，批次20240618。",
            "2023年度营业收入增长12.5%，研发投入占比35%。",
            "专利号ZL202310123456.7，申请号202310123456.7，公开号CN202310123456A。",
            "PCT/CN2023/123456，ZL 2023 1 0123456.7",
            "合同编号HT-2024-0618-001，订单号DD202406180001234。",
            "资产总额13500000000元，折合￥13812345678。",
            "项目周期2024—2026年，批准文号沪知局〔2024〕12号。",
            "IP 192.168.100.200，版本 3.14159265358979",
        ] {
            assert_none(t);
        }
    }

    #[test]
    fn names_literal() {
        let names = vec![
            "张三".to_string(),
            "上海某某科技有限公司".to_string(),
            "王".to_string(),
            "".to_string(),
            "  ".to_string(),
        ];
        let text = "申请单位上海某某科技有限公司，联系人张三，王总负责。";
        let f = scan(text, &names);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].kind, PiiKind::Name);
        assert_eq!(f[0].start, char_offset(text, "上海"));
        assert_eq!(f[0].end, f[0].start + 10);
        assert_eq!(f[1].start, char_offset(text, "张三"));
        assert_eq!(f[1].masked, "张*");
        // Full-width name matches half-width text and vice versa.
        let f = scan("联系人ＡＢＣ Ltd", &["ABC Ltd".to_string()]);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].start, f[0].end), (3, 10));
    }

    #[test]
    fn overlaps_resolved() {
        let names = vec!["张三".to_string(), "张三丰".to_string()];
        let f = scan("张三丰和张三", &names);
        assert_eq!(
            f.iter().map(|f| (f.start, f.end)).collect::<Vec<_>>(),
            vec![(0, 3), (4, 6)]
        );
        // Mobile inside an e-mail: the e-mail wins.
        let f = scan("13812345678@qq.com", &[]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].kind, PiiKind::Email);
    }

    #[test]
    fn redact_replaces_findings() {
        let id = valid_id("31010419851020456");
        let text = format!("张三，身份证{id}，电话021-23170420。");
        let f = scan(&text, &["张三".to_string()]);
        assert_eq!(f.len(), 3);
        let r = redact(&text, &f);
        assert_eq!(
            r,
            "[已隐去:姓名/名称]，身份证[已隐去:身份证号]，电话[已隐去:固定电话]。"
        );
        // Robust against foreign, overlapping or out-of-range findings.
        let odd = vec![
            Finding {
                kind: PiiKind::Mobile,
                start: 2,
                end: 500,
                masked: String::new(),
                confidence: Confidence::High,
                label: None,
            },
            Finding {
                kind: PiiKind::Email,
                start: 0,
                end: 3,
                masked: String::new(),
                confidence: Confidence::High,
                label: None,
            },
        ];
        assert_eq!(redact("abcdef", &odd), "[已隐去:电子邮箱]");
        assert_eq!(redact("abcdef", &[]), "abcdef");
    }

    #[test]
    fn findings_never_hold_full_value() {
        let id = valid_id("11010119900307123");
        let text = format!("{id} 13812345678 zhang@example.com");
        for f in scan(&text, &[]) {
            let dbg = format!("{f:?}");
            assert!(
                !dbg.contains(&id)
                    && !dbg.contains("13812345678")
                    && !dbg.contains("zhang@example.com")
            );
        }
    }
}
