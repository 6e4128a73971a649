//! The applicant's own values (from the raw application's identity fields or an
//! identity map), matched in a text after the same normalization as every
//! detector.
//!
//! - Every value and the text are normalized ([`super::normalize`]: NFKC, dashes,
//!   spaces, invisible chars), then compared with all white space removed:
//!   `上海青禾 科技园区管理有限公司`, `叶 佳 琪`, `上海市青浦区青禾路８８４号５幢` match
//!   the identity's `上海青禾科技园区管理有限公司`, `叶佳琪`, `上海市青浦区青禾路884号5幢`.
//! - An address is matched by its **road-and-number core**: the address without
//!   its leading administrative units (`上海市`, `青浦区`, `浦东新区`, `XX镇` …) up to and
//!   including the first `号` after a digit (`青禾路884号`). A match of the core is
//!   widened over the units written right before it (whole units, the nearest
//!   first) and over the rest of the address written right after it (its
//!   building tail, `5幢`), so `青禾路884号`, `青浦区青禾路884号5幢` and the full
//!   address are each one finding.
//! - A bank is matched by its branch (`中国工商银行上海青禾支行` → `青禾支行`, at
//!   least 4 chars ending in 支行/分行/分理处/营业部/储蓄所), widened the same way.
//! - A number of the identity (phone, account, postcode, ID …) is not matched
//!   glued to more digits.
//! - Abbreviations the text defines for a name (`上海青禾科技园区管理有限公司（以下简称
//!   “青禾公司”）`, also after a redaction `[已隐去:姓名/名称]`) become names too,
//!   unless generic (`公司`, `园区`, `甲方`, `本单位` …).

use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use super::normalize::Normalized;
use super::trade_name::trade_name;
use super::{cand, re, Candidate, Confidence, PiiKind};

/// Names and identity values searched in every text.
#[derive(Debug, Clone, Default)]
pub struct Known {
    names: Vec<String>,
    literals: Vec<(String, PiiKind)>,
    compiled: OnceLock<Vec<Pattern>>,
}

/// One compiled value: the core searched, the units that may stand right before
/// it (nearest last) and the tail that may follow it.
#[derive(Debug, Clone)]
struct Pattern {
    core: String,
    prefix_units: Vec<String>,
    tail: String,
    kind: PiiKind,
    /// From a literal value (not a name): wins over a detector's finding of the
    /// same span, so the redaction keeps the identity field's label.
    literal: bool,
    /// Only digits: not matched glued to more digits.
    numeric: bool,
    /// A trade name (see [`super::trade_name`]): matched only where one of
    /// these words follows it. Empty: matched anywhere.
    followers: Vec<String>,
}

impl Known {
    pub fn new() -> Self {
        Self::default()
    }

    /// Names only (what [`super::scan`] takes).
    pub fn with_names(names: &[String]) -> Self {
        let mut k = Self::new();
        for n in names {
            k.add_name(n);
        }
        k
    }

    /// A name (person, organisation, park, alias) searched literally.
    pub fn add_name(&mut self, name: &str) {
        let t = name.trim();
        if !t.is_empty() && !self.names.iter().any(|n| n == t) {
            self.names.push(t.to_string());
            self.compiled = OnceLock::new();
        }
    }

    /// A value of the identity redacted as `kind` (`Address`, `Postcode`, `Bank`,
    /// `Mobile`, `AccountNumber` …).
    pub fn add_literal(&mut self, value: &str, kind: PiiKind) {
        let t = value.trim();
        if !t.is_empty() && !self.literals.iter().any(|(v, k)| v == t && *k == kind) {
            self.literals.push((t.to_string(), kind));
            self.compiled = OnceLock::new();
        }
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Adds the abbreviations `text` defines for a known name (see the module
    /// doc); returns how many were new.
    pub fn learn_abbreviations(&mut self, text: &str) -> usize {
        let norm = Normalized::new(text);
        let found = abbreviations(norm.text(), self.patterns());
        let before = self.names.len();
        for a in found {
            self.add_name(&a);
        }
        self.names.len() - before
    }

    fn patterns(&self) -> &[Pattern] {
        self.compiled.get_or_init(|| {
            let mut v: Vec<Pattern> = Vec::new();
            for n in &self.names {
                v.extend(name_pattern(n));
            }
            for n in &self.names {
                v.extend(trade_name_pattern(n).filter(|t| !v.iter().any(|p| p.core == t.core)));
            }
            for (value, kind) in &self.literals {
                v.extend(literal_patterns(value, *kind));
            }
            v
        })
    }
}

fn compact_value(s: &str) -> String {
    let norm = Normalized::new(s);
    let h = norm.text();
    h.char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && !name_joiner_at(h, i))
        .map(|(_, c)| c)
        .collect()
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// The char at `i` joins the two parts of a transliterated name between Chinese
/// chars (white space around it ignored): the middle dot of `阿依古丽·买买提`, typed
/// as `·`, `•`, `・`, `‧`, `∙`, `.` or `-`, or left out. Such a char is dropped from
/// values and texts before they are compared, so every spelling matches.
fn name_joiner_at(h: &str, i: usize) -> bool {
    let Some(c) = h[i..].chars().next() else {
        return false;
    };
    if !matches!(c, '·' | '•' | '・' | '‧' | '∙' | '⋅' | '.' | '-') {
        return false;
    }
    let before = h[..i].chars().rev().find(|c| !c.is_whitespace());
    let after = h[i + c.len_utf8()..].chars().find(|c| !c.is_whitespace());
    before.is_some_and(is_han) && after.is_some_and(is_han)
}

/// A name's pattern: `core`, matched anywhere, or only before one of `followers`.
fn name_core_pattern(core: String, followers: Vec<String>) -> Pattern {
    Pattern {
        numeric: false,
        core,
        prefix_units: Vec::new(),
        tail: String::new(),
        kind: PiiKind::Name,
        literal: false,
        followers,
    }
}

fn name_pattern(name: &str) -> Option<Pattern> {
    let core = compact_value(name);
    // Empty names and single chars are ignored.
    (core.chars().nth(1).is_some()).then(|| name_core_pattern(core, Vec::new()))
}

/// The trade name of an enterprise name, matched before its industry and
/// organisation words (`青禾公司` for `上海青禾科技园区管理有限公司`).
fn trade_name_pattern(name: &str) -> Option<Pattern> {
    let (core, followers) = trade_name(&compact_value(name))?;
    Some(name_core_pattern(core, followers))
}

fn literal_patterns(value: &str, kind: PiiKind) -> Vec<Pattern> {
    let whole = compact_value(value);
    if whole.chars().count() < 4 {
        return Vec::new();
    }
    let plain = |core: String| Pattern {
        numeric: core.bytes().all(|b| b.is_ascii_digit()),
        core,
        prefix_units: Vec::new(),
        tail: String::new(),
        kind,
        literal: true,
        followers: Vec::new(),
    };
    let split = match kind {
        PiiKind::Address => address_parts(&whole),
        PiiKind::Bank => bank_parts(&whole),
        _ => None,
    };
    match split {
        Some((prefix_units, core, tail)) => vec![Pattern {
            numeric: false,
            core,
            prefix_units,
            tail,
            kind,
            literal: true,
            followers: Vec::new(),
        }],
        None => vec![plain(whole)],
    }
}

/// Suffixes of administrative units that may open an address.
const ADMIN_SUFFIXES: [&str; 11] = [
    "特别行政区",
    "自治区",
    "自治州",
    "街道",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "镇",
    "乡",
];

/// The leading administrative unit of `s` (at most 10 chars, no digits, ending
/// with one of [`ADMIN_SUFFIXES`]), shortest first.
fn leading_unit(s: &str) -> Option<&str> {
    for (n, (i, c)) in s.char_indices().enumerate() {
        if n >= 10 || c.is_ascii_digit() {
            return None;
        }
        let end = i + c.len_utf8();
        // `n >= 1`: a unit has a name before its suffix.
        if n >= 1 && ADMIN_SUFFIXES.iter().any(|x| s[..end].ends_with(x)) {
            return Some(&s[..end]);
        }
    }
    None
}

/// `(units, core, tail)` of an address: the leading administrative units, the
/// road and number up to the first `号` after a digit, and the rest.
fn address_parts(addr: &str) -> Option<(Vec<String>, String, String)> {
    let mut units = Vec::new();
    let mut rest = addr;
    while let Some(u) = leading_unit(rest) {
        if rest[u.len()..].chars().count() < 4 {
            break;
        }
        units.push(u.to_string());
        rest = &rest[u.len()..];
    }
    let mut end = rest.len();
    let mut prev_digit = false;
    for (i, c) in rest.char_indices() {
        if c == '号' && prev_digit {
            end = i + c.len_utf8();
            break;
        }
        prev_digit = c.is_ascii_digit();
    }
    let (core, tail) = rest.split_at(end);
    // The core must name a road (at least 2 chars other than digits) and be long
    // enough to identify: else the whole address is the pattern.
    let named = core.chars().filter(|c| !c.is_ascii_digit()).count() >= 3;
    (core.chars().count() >= 5 && named && (units.len() + usize::from(!tail.is_empty())) > 0)
        .then(|| (units, core.to_string(), tail.to_string()))
}

const BRANCH_ENDS: [&str; 5] = ["支行", "分行", "分理处", "营业部", "储蓄所"];
const MUNICIPALITIES: [&str; 4] = ["北京", "上海", "天津", "重庆"];

/// `(units, branch, "")` of a bank: `中国工商银行上海青禾支行` →
/// (`中国工商银行`, `上海`), `青禾支行`.
fn bank_parts(bank: &str) -> Option<(Vec<String>, String, String)> {
    let at = bank.rfind("银行")? + "银行".len();
    let (head, mut branch) = bank.split_at(at);
    let mut units = vec![head.to_string()];
    if let Some(u) = leading_unit(branch).filter(|u| u.ends_with('省') || u.ends_with('市')) {
        units.push(u.to_string());
        branch = &branch[u.len()..];
    } else if let Some(m) = MUNICIPALITIES.iter().find(|m| branch.starts_with(*m)) {
        units.push(m.to_string());
        branch = &branch[m.len()..];
    }
    (branch.chars().count() >= 4 && BRANCH_ENDS.iter().any(|e| branch.ends_with(e)))
        .then(|| (units, branch.to_string(), String::new()))
}

/// The normalized text with white space and the joiners of transliterated names
/// ([`name_joiner_at`]) removed, and for each of its bytes the byte offset in the
/// normalized text.
struct Compact<'a> {
    text: std::borrow::Cow<'a, str>,
    map: Option<Vec<usize>>,
}

impl<'a> Compact<'a> {
    fn new(h: &'a str) -> Self {
        let dropped = |i: usize, c: char| c.is_whitespace() || name_joiner_at(h, i);
        if !h.char_indices().any(|(i, c)| dropped(i, c)) {
            return Compact {
                text: h.into(),
                map: None,
            };
        }
        let mut text = String::with_capacity(h.len());
        let mut map = Vec::with_capacity(h.len());
        for (i, c) in h.char_indices() {
            if dropped(i, c) {
                continue;
            }
            text.push(c);
            map.extend(i..i + c.len_utf8());
        }
        Compact {
            text: text.into(),
            map: Some(map),
        }
    }

    /// The span of the normalized text for compact bytes `s..e`.
    fn span(&self, s: usize, e: usize) -> (usize, usize) {
        match &self.map {
            None => (s, e),
            Some(m) => (m[s], m[e - 1] + 1),
        }
    }
}

/// Every occurrence of every pattern's core in `hay`: `(start, end, pattern)`.
fn find_cores(hay: &str, pats: &[Pattern]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let cores: Vec<&str> = pats.iter().map(|p| p.core.as_str()).collect();
    if cores.len() <= 2 {
        for (pi, p) in cores.iter().enumerate() {
            for (s, m) in hay.match_indices(p) {
                out.push((s, s + m.len(), pi));
            }
        }
        return out;
    }
    // Many patterns: one pass over the text, filtering positions by the first two
    // bytes of the patterns (a 65,536-bit set), then by their exact first char.
    let key = |b: &[u8]| (usize::from(b[0]) << 8) | usize::from(b[1]);
    let mut bits = vec![0u64; 1024];
    let mut by_first: Vec<(char, usize)> = Vec::with_capacity(cores.len());
    for (i, p) in cores.iter().enumerate() {
        let k = key(p.as_bytes());
        bits[k >> 6] |= 1 << (k & 63);
        if let Some(c) = p.chars().next() {
            by_first.push((c, i));
        }
    }
    by_first.sort_unstable();
    let hb = hay.as_bytes();
    for i in 0..hb.len().saturating_sub(1) {
        let k = key(&hb[i..]);
        if bits[k >> 6] & (1 << (k & 63)) == 0 || !hay.is_char_boundary(i) {
            continue;
        }
        let Some(c) = hay[i..].chars().next() else {
            continue;
        };
        let from = by_first.partition_point(|&(f, _)| f < c);
        for &(_, pi) in by_first[from..].iter().take_while(|&&(f, _)| f == c) {
            if hb[i..].starts_with(cores[pi].as_bytes()) {
                out.push((i, i + cores[pi].len(), pi));
            }
        }
    }
    out
}

/// Widens a core match `s..e` of `p` in `hay` over its units before and its
/// tail after.
fn widen(hay: &str, p: &Pattern, mut s: usize, mut e: usize) -> (usize, usize) {
    for u in p.prefix_units.iter().rev() {
        if hay[..s].ends_with(u.as_str()) {
            s -= u.len();
        } else {
            break;
        }
    }
    // The longest prefix of the tail written after the core, not ending inside
    // a number (`5幢`, not the `5` of `50万元`).
    let rest = &hay[e..];
    let mut best = 0;
    for (i, c) in p.tail.char_indices() {
        let end = i + c.len_utf8();
        if !rest.starts_with(&p.tail[..end]) {
            break;
        }
        if !c.is_ascii_digit() {
            best = end;
        }
    }
    e += best;
    (s, e)
}

/// Candidates for the known names and values in the normalized text `h`, and
/// for the abbreviations `h` itself defines.
pub(super) fn scan_known(h: &str, known: &Known, out: &mut Vec<Candidate>) {
    let pats = known.patterns();
    if pats.is_empty() {
        return;
    }
    let compact = Compact::new(h);
    let extra: Vec<Pattern> = abbreviations(h, pats)
        .into_iter()
        .filter_map(|a| name_pattern(&a))
        .filter(|a| !pats.iter().any(|p| p.core == a.core))
        .collect();
    let all: Vec<Pattern>;
    let pats = if extra.is_empty() {
        pats
    } else {
        all = pats.iter().cloned().chain(extra).collect();
        &all
    };
    let hay: &str = &compact.text;
    let hb = hay.as_bytes();
    for (s, e, pi) in find_cores(hay, pats) {
        let p = &pats[pi];
        if !p.followers.is_empty() && !p.followers.iter().any(|f| hay[e..].starts_with(f)) {
            continue;
        }
        if p.numeric
            && (s > 0 && hb[s - 1].is_ascii_digit() || hb.get(e).is_some_and(u8::is_ascii_digit))
        {
            continue;
        }
        // A postcode's six digits before a unit are a figure (`201203平方米`).
        if p.kind == PiiKind::Postcode && unit_follows(&hay[e..]) {
            continue;
        }
        let (s, e) = widen(hay, p, s, e);
        let (hs, he) = compact.span(s, e);
        let mut c = cand(p.kind, Confidence::High, hs, he);
        c.identity = p.literal;
        out.push(c);
    }
}

/// An amount or measure unit opens `rest`.
fn unit_follows(rest: &str) -> bool {
    [
        "平方", "米", "元", "万", "亿", "千", "%", "‰", "次", "件", "篇", "笔", "吨", "人",
    ]
    .iter()
    .any(|u| rest.starts_with(u))
}

/// First chars of the words that commonly follow a person's name: titles
/// (教授, 博士, 老师, 主任 …), roles and verbs (负责, 担任, 牵头 …), conjunctions and
/// particles (和, 与, 等, 的 …), table cells (男, 女, 出生 …).
const NAME_FOLLOWERS: &str = "教博老先女士同主经总董院所处部局工研律代专负担牵为是的等和与及在于任作从现已将参组带领硕副讲助男女出生统协具获曾毕自对向也都亦还说表指介提开完撰编申联手电邮身性年职学本分共各两三兼";

/// Last chars of the words that commonly stand before a person's name: roles
/// (负责人, 成员, 主任, 教授 …), prepositions and verbs (由, 请, 向, 经 …),
/// conjunctions (和, 与, 及 …).
const NAME_PRECEDERS: &str =
    "由及和与同请向对给让将把被为是人员长任师授士生理总主经者导表代系名叫称即派推荐邀委聘指安排托";

/// Where a person's name of the identity stands glued to a char that does not
/// usually follow or precede a name: it may be part of a longer word (`高峰` in
/// `知识产权高峰论坛`, `高峰期`) and is redacted there too. `(name, char offset)`
/// of each such place in `text`, for the secretariat to check; `names` are the
/// persons' names (2–4 chars).
pub fn names_inside_words(text: &str, names: &[String]) -> Vec<(String, usize)> {
    let cjk = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    let mut out = Vec::new();
    for name in names {
        let name = name.trim();
        if !(2..=4).contains(&name.chars().count()) {
            continue;
        }
        for (b, _) in text.match_indices(name) {
            let before = text[..b].chars().next_back();
            let after = text[b + name.len()..].chars().next();
            let odd_after = after.is_some_and(|c| cjk(c) && !NAME_FOLLOWERS.contains(c));
            let odd_before = before.is_some_and(|c| cjk(c) && !NAME_PRECEDERS.contains(c));
            if odd_after || odd_before {
                out.push((name.to_string(), text[..b].chars().count()));
            }
        }
    }
    out.sort_by_key(|(_, at)| *at);
    out
}

/// `（以下简称“青禾公司”）` right after a name: the abbreviation.
static RE_ABBREV: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r#"\A\s*[,，]?\s*[(\[【]?\s*(?:以下简称为|以下简称|以下称为|以下称|下称|简称为|简称)\s*[:为]?\s*"#,
        r#"[“"「『‘'《]?\s*([^“”"「」『』‘’'《》()\[\]【】,，。、;；:\s]{2,12}?)\s*[”"」』’'》]"#,
    ))
});

/// The same, for an abbreviation written without quotes (`（简称青禾公司）`).
static RE_ABBREV_BARE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r#"\A\s*[(\[【]\s*(?:以下简称为|以下简称|以下称为|以下称|下称|简称为|简称)\s*[:为]?\s*"#,
        r#"([^“”"「」『』‘’'《》()\[\]【】,，。、;；:\s]{2,12}?)\s*[)\]】]"#,
    ))
});

/// Words never taken as an applicant's abbreviation: they name a role, not the
/// applicant.
const GENERIC_ABBREVIATIONS: [&str; 24] = [
    "公司",
    "本公司",
    "该公司",
    "我公司",
    "园区",
    "本园区",
    "该园区",
    "甲方",
    "乙方",
    "丙方",
    "申请单位",
    "申报单位",
    "申请人",
    "申报人",
    "本单位",
    "我单位",
    "该单位",
    "项目单位",
    "承担单位",
    "管理公司",
    "运营方",
    "服务机构",
    "托管机构",
    "合作方",
];

/// The abbreviations `h` (normalized) defines right after a known name or a
/// redacted name.
fn abbreviations(h: &str, pats: &[Pattern]) -> Vec<String> {
    if !h.contains("称") {
        return Vec::new();
    }
    let mut ends: Vec<usize> = Vec::new();
    let names: Vec<Pattern> = pats
        .iter()
        .filter(|p| p.kind == PiiKind::Name && p.followers.is_empty())
        .cloned()
        .collect();
    let compact = Compact::new(h);
    for (s, e, _) in find_cores(&compact.text, &names) {
        ends.push(compact.span(s, e).1);
    }
    let marker = format!("[已隐去:{}]", PiiKind::Name.label_zh());
    ends.extend(h.match_indices(&marker).map(|(i, m)| i + m.len()));
    let mut out: Vec<String> = Vec::new();
    for e in ends {
        let rest = &h[e..];
        let caps = RE_ABBREV
            .captures(rest)
            .or_else(|| RE_ABBREV_BARE.captures(rest));
        let Some(a) = caps.and_then(|c| c.get(1)) else {
            continue;
        };
        let a = a.as_str().trim();
        if !GENERIC_ABBREVIATIONS.contains(&a)
            && !a.starts_with("[已隐去")
            && a.chars().count() >= 2
            && !out.iter().any(|x| x == a)
        {
            out.push(a.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_may_stand_inside_a_longer_word() {
        let names = vec!["高峰".to_string(), "李娜".to_string()];
        let t =
            "举办知识产权高峰论坛2场，业务量达到高峰期。由高峰负责，成员高峰、李娜等，李娜教授。";
        let found = names_inside_words(t, &names);
        let at = |needle: &str| t[..t.find(needle).unwrap()].chars().count();
        assert_eq!(
            found,
            vec![
                ("高峰".to_string(), at("高峰论坛")),
                ("高峰".to_string(), at("高峰期")),
            ]
        );
        assert!(names_inside_words("项目负责人：高峰（教授）", &names).is_empty());
    }

    #[test]
    fn address_core_and_units() {
        let (u, c, t) = address_parts("上海市青浦区青禾路884号5幢").unwrap();
        assert_eq!(
            (u, c.as_str(), t.as_str()),
            (
                vec!["上海市".to_string(), "青浦区".to_string()],
                "青禾路884号",
                "5幢"
            )
        );
        let (u, c, t) = address_parts("上海市浦东新区张江镇碧波路690弄3号").unwrap();
        assert_eq!(u, ["上海市", "浦东新区", "张江镇"]);
        assert_eq!((c.as_str(), t.as_str()), ("碧波路690弄3号", ""));
        // Nothing to split off: the whole address.
        assert!(address_parts("青禾路884号").is_none());
    }

    #[test]
    fn bank_branch() {
        let (u, c, _) = bank_parts("中国工商银行上海青禾支行").unwrap();
        assert_eq!(
            (u, c.as_str()),
            (
                vec!["中国工商银行".to_string(), "上海".to_string()],
                "青禾支行"
            )
        );
        let (u, c, _) = bank_parts("招商银行股份有限公司上海分行").unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(c, "股份有限公司上海分行");
        assert!(bank_parts("中国银行").is_none());
    }

    #[test]
    fn abbreviations_defined_after_a_name() {
        let pats: Vec<Pattern> = name_pattern("上海青禾科技园区管理有限公司")
            .into_iter()
            .collect();
        let a = |h: &str| abbreviations(Normalized::new(h).text(), &pats);
        assert_eq!(
            a("上海青禾科技园区管理有限公司(以下简称“青禾公司”)成立于"),
            ["青禾公司"]
        );
        assert_eq!(a("上海青禾 科技园区管理有限公司（简称：青禾）"), ["青禾"]);
        assert_eq!(
            a("上海青禾科技园区管理有限公司(简称青禾园管)"),
            ["青禾园管"]
        );
        assert_eq!(a("[已隐去:姓名/名称](以下简称\"青禾\")"), ["青禾"]);
        // Generic role words are not abbreviations of the applicant.
        assert!(a("上海青禾科技园区管理有限公司(以下简称“公司”)").is_empty());
        assert!(a("上海青禾科技园区管理有限公司(以下简称“甲方”)").is_empty());
        // Not after a known name.
        assert!(a("上海另一家公司(以下简称“另一家”)").is_empty());
    }

    /// The identity of the fixture SQ2024-003.
    fn qinghe() -> Known {
        let mut k = Known::new();
        for n in [
            "上海青禾科技园区管理有限公司",
            "青禾园区",
            "叶佳琪",
            "邹晓明",
        ] {
            k.add_name(n);
        }
        k.add_literal("上海市青浦区青禾路884号5幢", PiiKind::Address);
        k.add_literal("201395", PiiKind::Postcode);
        k.add_literal("中国工商银行上海青禾支行", PiiKind::Bank);
        k.add_literal("6222020033076661934", PiiKind::AccountNumber);
        k
    }

    /// (text, the stretch found, its kind): every one escaped the literal match.
    #[test]
    fn identity_values_typed_differently_are_found() {
        let cases: [(&str, &str, PiiKind); 14] = [
            (
                "由上海青禾 科技园区管理有限公司负责",
                "上海青禾 科技园区管理有限公司",
                PiiKind::Name,
            ),
            ("联系人叶 佳 琪。", "叶 佳 琪", PiiKind::Name),
            (
                "联系人叶\u{3000}佳\u{200B}琪。",
                "叶\u{3000}佳\u{200B}琪",
                PiiKind::Name,
            ),
            ("青禾公司负责运营", "青禾公司", PiiKind::Name),
            (
                "地址：上海市青浦区青禾路８８４号５幢。",
                "上海市青浦区青禾路８８４号５幢",
                PiiKind::Address,
            ),
            (
                "地址：上海市青浦区青禾路884号，",
                "上海市青浦区青禾路884号",
                PiiKind::Address,
            ),
            (
                "位于青浦区青禾路884号5幢。",
                "青浦区青禾路884号5幢",
                PiiKind::Address,
            ),
            (
                "位于青禾路 884 号 5 幢",
                "青禾路 884 号 5 幢",
                PiiKind::Address,
            ),
            ("位于青禾路884号50万元", "青禾路884号", PiiKind::Address),
            ("邮编２０１３９５。", "２０１３９５", PiiKind::Postcode),
            (
                "开户银行：中国工商银行上海青禾支行，",
                "中国工商银行上海青禾支行",
                PiiKind::Bank,
            ),
            ("开户行工商银行青禾支行", "青禾支行", PiiKind::Bank),
            (
                "开户行：中国工商银行 上海青禾支行",
                "中国工商银行 上海青禾支行",
                PiiKind::Bank,
            ),
            (
                "账号 6222 0200 3307 6661 934。",
                "6222 0200 3307 6661 934",
                PiiKind::AccountNumber,
            ),
        ];
        let mut k = qinghe();
        k.learn_abbreviations("上海青禾科技园区管理有限公司（以下简称“青禾公司”）");
        for (text, want, kind) in cases {
            let f = super::super::scan_known(text, &k);
            let got: Vec<(PiiKind, String)> = f
                .iter()
                .map(|f| {
                    (
                        f.kind,
                        text.chars().skip(f.start).take(f.end - f.start).collect(),
                    )
                })
                .collect();
            assert_eq!(got, [(kind, want.to_string())], "{text}");
        }
    }

    #[test]
    fn identity_look_alikes_stay() {
        let k = qinghe();
        for text in [
            // A postcode's digits inside a longer number, a road without the number.
            "编号2013950，合同2201395号，青禾路沿线企业",
            // Another number on the same road, another branch of the bank.
            "青禾路886号，工商银行浦东支行",
            "以下简称“公司”",
        ] {
            // The identity adds nothing to what the detectors find by shape
            // (`青禾路886号` is a street address of its own).
            let f = super::super::scan_known(text, &k);
            assert_eq!(f, super::super::scan(text, &[]), "{text}");
        }
    }
}
