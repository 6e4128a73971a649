//! Street addresses, the postcode written after one, and the bank named after
//! 开户行, found by their shape whoever they belong to (a partner's office, a
//! contact's home, the applicant's address typed differently from its identity).
//!
//! - An address is a road (路, 街, 大街, 大道, 公路, 巷) or a village group
//!   (村 3 组) and a house number (`88号`, `1000弄`), widened backwards over the
//!   administrative units and the road's name (`上海市浦东新区张江路`, also
//!   `中国（上海）自由贸易试验区`, a unit ending a line of a table cell) and
//!   forwards over the building tail (`3号楼502室`, `A座12层`, `恒隆广场2座3801室`,
//!   `4-501`, `27号1101`). A road without a number (`沿张江路产业带`), a number
//!   without a road (`1号线`, `第3号令`, `沪府发〔2023〕5号`) and an address in
//!   brackets after a public body (`市知识产权局（世博村路300号）`) stay.
//! - A postcode (6 digits) right after such an address, with or without 邮编 /
//!   邮政编码, in brackets or on the next line, is the same person's.
//! - After 开户行 / 开户银行 (spaces between the chars allowed, `名称`, `全称`,
//!   `及账号` after them), a bank name ending in 支行, 营业部, 分理处, 储蓄所 or
//!   信用社 (a bank alone or a city's 分行 does not place the account).

use std::sync::LazyLock;

use regex::Regex;

use super::{cand, re, Candidate, Confidence, PiiKind};

/// A road or village group and its house number.
static RE_CORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        // A table cell may wrap between the road and its number.
        r"(?:路|大街|街|大道|公路|巷)(?: |\r?\n)?[0-9]+(?:-[0-9]+)? ?(?:号|弄)|村 ?[0-9]+ ?组(?: ?[0-9]+ ?号)?",
    )
});

/// One piece of a building tail: a number with its unit, a lettered block, a
/// room number, each optionally after a building's name.
static RE_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\A[ \n]{0,2}(?:\p{Han}{1,10}?(?:广场|大厦|中心|大楼|园|苑|城|塔|院|坊|公寓|小区|基地|港|谷|汇|天地))?",
        r"(?:[0-9]+ ?(?:号楼|号院|号|支弄|弄|幢|栋|座|楼|层|室|单元|F|f)|[A-Za-z][0-9]{0,3} ?(?:座|栋|幢|楼|区|室)|[0-9]+-[0-9]+|[0-9]{2,5})"
    ))
});

/// Units a road's prefix is made of; a line break or a space may follow one.
const UNIT_ENDS: [char; 7] = ['省', '市', '区', '县', '镇', '乡', '道'];

/// Words after which an address starts (`位于`, `注册于`, `寄至`, `家住`, a label).
const STOPS: [&str; 17] = [
    "家住",
    "居住",
    "住在",
    "位于",
    "坐落于",
    "地处",
    "于",
    "在",
    "至",
    "是",
    "为",
    "到",
    "从",
    "地址",
    "地点",
    "住所",
    "住址",
];

/// A public body right before an address in brackets: its own address.
const PUBLIC_BODIES: [&str; 8] = [
    "局",
    "政府",
    "委员会",
    "管委会",
    "法院",
    "窗口",
    "大厅",
    "海关",
];

/// Numbers after which `号` is a decree, a line, a document: not a house.
const NOT_HOUSE: [&str; 6] = ["线", "令", "文", "公告", "通知", "字"];

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Start of the address whose road word starts at byte `r` of `h`: back over
/// the road's name and the units before it, at most 30 chars.
fn start_before(h: &str, r: usize) -> Option<usize> {
    let mut s = r;
    let mut n = 0;
    let mut in_bracket = false;
    while let Some(c) = h[..s].chars().next_back() {
        if n >= 30 {
            break;
        }
        let ok = if is_han(c) {
            true
        } else if c == ')' {
            in_bracket = true;
            true
        } else if c == '(' {
            let was = in_bracket;
            in_bracket = false;
            was
        } else if c == ' ' || c == '\n' {
            // Only between units: `上海市 浦东新区`, `普陀区\n真北路`.
            h[..s - c.len_utf8()]
                .chars()
                .next_back()
                .is_some_and(|p| UNIT_ENDS.contains(&p))
        } else {
            false
        };
        if !ok {
            break;
        }
        if is_han(c) && STOPS.iter().any(|w| h[..s].ends_with(w)) {
            // `h[..s]` ends with a stop word: the address starts at `s`.
            break;
        }
        s -= c.len_utf8();
        n += 1;
    }
    // The road's name: what follows the last unit; one to six chars.
    let prefix = &h[s..r];
    let name_from = prefix
        .char_indices()
        .filter(|&(_, c)| UNIT_ENDS.contains(&c) || c == ')')
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let name = prefix[name_from..].trim_start();
    let len = name.chars().count();
    if len == 0 {
        return None;
    }
    if len > 6 {
        // No unit before a long run: the road's name is its last four chars.
        let cut = name.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
        return Some(r - (name.len() - cut));
    }
    Some(s + prefix.len() - prefix.trim_start_matches([' ', '\n']).len())
}

/// A public body named in brackets right after the address
/// (`世纪大道2001号（市知识产权服务中心）`): the address is the body's.
fn public_body_after(rest: &str) -> bool {
    let Some(inner) = rest.trim_start_matches(' ').strip_prefix('(') else {
        return false;
    };
    let Some(close) = inner.find(')') else {
        return false;
    };
    let body = &inner[..close];
    body.chars().count() <= 20
        && (["市", "区", "国家"].iter().any(|w| body.starts_with(w))
            || PUBLIC_BODIES.iter().any(|w| body.ends_with(w)))
}

/// End of the building tail after byte `e`.
fn tail_end(h: &str, mut e: usize) -> usize {
    while let Some(m) = RE_TAIL.find(&h[e..]) {
        let next = e + m.end();
        // Not into a longer number, not a count (`3幢厂房` is a unit too, but a
        // tail follows a house number directly).
        if m.as_str().ends_with(|c: char| c.is_ascii_digit())
            && h[next..].starts_with(|c: char| c.is_ascii_digit())
        {
            break;
        }
        // A bare number ends the address only before a break (`27号1101`), not
        // before a word (`88号 2023年`: a year).
        if m.as_str().ends_with(|c: char| c.is_ascii_digit())
            && h[next..].starts_with(|c: char| is_han(c) || c.is_ascii_alphabetic())
        {
            break;
        }
        e = next;
    }
    e
}

/// Addresses in the normalized text `h`; their ends, for the postcode.
pub(super) fn scan_addresses(h: &str, out: &mut Vec<Candidate>) {
    let mut ends = Vec::new();
    for m in RE_CORE.find_iter(h) {
        let rest = &h[m.end()..];
        if NOT_HOUSE.iter().any(|w| rest.starts_with(w)) {
            continue;
        }
        if h[..m.start()].ends_with(|c: char| c.is_ascii_alphanumeric()) {
            continue;
        }
        let Some(s) = start_before(h, m.start()) else {
            continue;
        };
        let before = h[..s].trim_end_matches(' ');
        if let Some(body) = before.strip_suffix('(') {
            if PUBLIC_BODIES.iter().any(|w| body.trim_end().ends_with(w)) {
                continue;
            }
        }
        let e = tail_end(h, m.end());
        if public_body_after(&h[e..]) {
            continue;
        }
        out.push(cand(PiiKind::Address, Confidence::Medium, s, e));
        ends.push(e);
    }
    for e in ends {
        if let Some(c) = postcode_after(h, e) {
            out.push(c);
        }
    }
    scan_banks(h, out);
}

/// A postcode right after an address ending at byte `e`.
static RE_POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| re(r"\A[ ,;、\n]{0,3}\(? ?(?:(?:邮编|邮政编码) ?:? ?)?([0-9]{6})"));

fn postcode_after(h: &str, e: usize) -> Option<Candidate> {
    let caps = RE_POSTCODE.captures(&h[e..])?;
    let d = caps.get(1)?;
    let (s, end) = (e + d.start(), e + d.end());
    if h[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.') {
        return None;
    }
    Some(cand(PiiKind::Postcode, Confidence::Medium, s, end))
}

static RE_BANK_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"开 {0,3}户 {0,3}(?:银 {0,3})?行(?:名称|全称|网点)?(?:及账号|及帐号)?(?:\([^()\n]{0,8}\))?[ \t:为是]{0,4}",
    )
});

/// Offices that place the account: a sub-branch, an office, a savings bureau. A
/// bank alone (`招商银行`) or a city's branch (`中国工商银行上海分行`) does not.
const BANK_ENDS: [&str; 5] = ["支行", "营业部", "分理处", "储蓄所", "信用社"];

/// The bank named after 开户行 (or 信用社, …).
fn scan_banks(h: &str, out: &mut Vec<Candidate>) {
    for m in RE_BANK_LABEL.find_iter(h) {
        let p = m.end();
        let run_end = p + h[p..]
            .char_indices()
            .find(|&(_, c)| !(is_han(c) || c == '(' || c == ')'))
            .map_or(h.len() - p, |(i, _)| i);
        let run = &h[p..run_end];
        // Up to the last bank ending in the run.
        let Some(e) = BANK_ENDS
            .iter()
            .filter_map(|w| run.rfind(w).map(|i| i + w.len()))
            .max()
        else {
            continue;
        };
        if run[..e].chars().count() < 4 || run.starts_with(['见', '同', '详']) {
            continue;
        }
        let mut c = cand(PiiKind::Bank, Confidence::Medium, p, p + e);
        c.label = Some("开户行");
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{scan, PiiKind};

    fn found(text: &str) -> Vec<(PiiKind, String)> {
        scan(text, &[])
            .into_iter()
            .map(|f| {
                (
                    f.kind,
                    text.chars().skip(f.start).take(f.end - f.start).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn addresses_postcodes_and_branches_are_found() {
        use PiiKind::*;
        for (text, want) in [
            (
                "地址：上海市徐汇区漕溪北路595号A座12层",
                vec![(Address, "上海市徐汇区漕溪北路595号A座12层")],
            ),
            (
                "我司位于浦东新区张衡路1000弄68号，交通便利",
                vec![(Address, "浦东新区张衡路1000弄68号")],
            ),
            (
                "地址：奉贤区南桥镇江海村3组128号",
                vec![(Address, "奉贤区南桥镇江海村3组128号")],
            ),
            (
                "通信地址：上海市普陀区\n真北路958号6楼",
                vec![(Address, "上海市普陀区\n真北路958号6楼")],
            ),
            (
                "通讯地址：杨浦区国权路525号（200433）",
                vec![(Address, "杨浦区国权路525号"), (Postcode, "200433")],
            ),
            (
                "开 户 行：浦发银行徐汇支行",
                vec![(Bank, "浦发银行徐汇支行")],
            ),
        ] {
            let want: Vec<(PiiKind, String)> =
                want.into_iter().map(|(k, s)| (k, s.to_string())).collect();
            assert_eq!(found(text), want, "{text}");
        }
    }

    #[test]
    fn look_alikes_of_addresses_stay() {
        for text in [
            "园区沿张江路产业带布局",
            "距地铁2号线张江高科站约800米",
            "根据沪府发〔2023〕5号文件",
            "依据国家知识产权局第3号令",
            "1号楼至5号楼为研发用房",
            "受理窗口：市知识产权局政务服务窗口（世博村路300号1号楼）",
            "地址：上海市浦东新区世纪大道2001号（市知识产权服务中心）",
            "开户行及账号：招商银行",
            "开户行：中国工商银行上海分行",
            "开户行信息见附件3",
            "邮编：200120",
        ] {
            assert_eq!(found(text), vec![], "{text}");
        }
    }
}
