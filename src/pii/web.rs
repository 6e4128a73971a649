//! Web addresses: an applicant's own website identifies it.
//!
//! Found (kind [`PiiKind::Url`]):
//! - `http://…`, `https://…`, `ftp://…` with the rest of the URL;
//! - `www.` and a host (`www.qinghe-park.com`, also `www.qinghe-park。com`);
//! - a bare domain whose top-level domain is a common one, written in lower case
//!   (`qinghe-park.com`, `qinghe.com.cn`, [`BARE_TLDS`]);
//! - right after a label (网址, 网站, 官网, 主页, 域名 …) a host with any alphabetic
//!   top-level domain that is not a file extension.
//!
//! Not found: file names (`附件1.pdf`, `台账.xlsx`: their extension is no top-level
//! domain of [`BARE_TLDS`], and after a label file extensions are excluded),
//! decimal numbers and versions (a top-level domain is letters), and the domains
//! reserved for documentation (`example.com`, `example.net`, `example.org`,
//! `*.example`, `*.test`, `*.invalid`, `localhost`, RFC 2606) and the government's
//! (`*.gov.cn`, `*.gov`): they identify no applicant.

use std::sync::LazyLock;

use regex::Regex;

use super::{cand, re, Candidate, Confidence, PiiKind};

/// Top-level domains of a bare domain (no `www.`, no scheme, no label).
pub const BARE_TLDS: [&str; 17] = [
    "com", "cn", "net", "org", "gov", "edu", "info", "biz", "io", "top", "xyz", "vip", "cc", "hk",
    "tech", "site", "ltd",
];

/// File extensions that are never a top-level domain after a label.
const FILE_EXTENSIONS: [&str; 22] = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "jpg", "jpeg", "png", "gif", "zip",
    "rar", "json", "csv", "md", "wps", "ofd", "tif", "bmp", "html",
];

/// A host label.
const LABEL: &str = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/// A further host label after `.`, or after `。` in lower case (`qinghe。com`,
/// while `qinghe.com。The` ends at `com`).
const MORE: &str =
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?|。[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)";
/// The top-level domain.
const TLD: &str = r"(?:\.[A-Za-z]{2,24}|。[a-z]{2,24})";
/// The path, query and fragment of a URL (trailing punctuation trimmed later).
const PATH: &str = r"(?:[/?#][A-Za-z0-9\-._~/?#=&%+:@!$*,;]*)?";

static RE_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:https?|ftp)://{LABEL}{MORE}*(?::[0-9]{{1,5}})?{PATH}"
    ))
});

static RE_WWW: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i:www)[.。]{LABEL}{MORE}*{TLD}(?::[0-9]{{1,5}})?{PATH}"
    ))
});

static RE_BARE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"{LABEL}(?:\.{LABEL})*\.(?:{})(?:\.(?:cn|hk))?{PATH}",
        BARE_TLDS.join("|")
    ))
});

static RE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(官方网站|网站地址|网址|官网|网站|主页|域名|Website|website|Homepage|URL)[ \t:=为是]{{0,4}}({LABEL}{MORE}*{TLD}{PATH})"
    ))
});

/// The host of a URL-like match, lower case, `。` read as `.`.
fn host(m: &str) -> String {
    let rest = m.split_once("://").map_or(m, |(_, r)| r);
    let end = rest.find([':', '/', '?', '#']).unwrap_or(rest.len());
    rest[..end].replace('。', ".").to_ascii_lowercase()
}

/// Domains that identify no applicant: those reserved for documentation and
/// tests (RFC 2606), and the government's (`gov.cn` and its subdomains, `.gov`):
/// a public authority's site (`www.cnipa.gov.cn`, a policy notice on
/// `www.shanghai.gov.cn/…`) is cited as evidence, it names no applicant.
fn reserved(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    ["example.com", "example.net", "example.org", "gov.cn"]
        .iter()
        .any(|d| h == *d || h.ends_with(&format!(".{d}")))
        || [".example", ".test", ".invalid", ".localhost", ".gov"]
            .iter()
            .any(|t| h.ends_with(t))
        || h == "localhost"
}

/// Trims punctuation that ends a sentence rather than the URL.
fn trim_end(h: &str, s: usize, mut e: usize) -> usize {
    while e > s
        && matches!(
            h.as_bytes()[e - 1],
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*'
        )
    {
        e -= 1;
    }
    e
}

/// Whether the char before `s` glues the match to a longer token (a word, an
/// e-mail's host, a path).
fn glued_before(h: &str, s: usize) -> bool {
    h[..s].chars().next_back().is_some_and(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '-' | '_' | '/' | '%' | '+')
    })
}

fn glued_after(h: &str, e: usize) -> bool {
    h[e..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '_'))
}

pub(super) fn scan_urls(h: &str, out: &mut Vec<Candidate>) {
    let lower = h.to_ascii_lowercase();
    if lower.contains("://") {
        for m in RE_SCHEME.find_iter(h) {
            let e = trim_end(h, m.start(), m.end());
            if !glued_before(h, m.start()) && !reserved(&host(&h[m.start()..e])) {
                out.push(cand(PiiKind::Url, Confidence::High, m.start(), e));
            }
        }
    }
    if lower.contains("www") {
        for m in RE_WWW.find_iter(h) {
            let e = trim_end(h, m.start(), m.end());
            if !glued_before(h, m.start())
                && !glued_after(h, e)
                && !reserved(&host(&h[m.start()..e]))
            {
                out.push(cand(PiiKind::Url, Confidence::High, m.start(), e));
            }
        }
    }
    let mut pos = 0;
    while let Some(m) = RE_BARE.find_at(h, pos) {
        let e = trim_end(h, m.start(), m.end());
        let ok =
            !glued_before(h, m.start()) && !glued_after(h, e) && !reserved(&host(&h[m.start()..e]));
        if ok {
            out.push(cand(PiiKind::Url, Confidence::High, m.start(), e));
            pos = m.end();
        } else {
            // Resume after the first label (a shorter domain may start later).
            let first = h[m.start()..]
                .find('.')
                .map_or(m.end(), |i| m.start() + i + 1);
            pos = first.max(m.start() + 1);
        }
    }
    for caps in RE_LABEL.captures_iter(h) {
        let (Some(lab), Some(v)) = (caps.get(1), caps.get(2)) else {
            continue;
        };
        let e = trim_end(h, v.start(), v.end());
        let hst = host(&h[v.start()..e]);
        let tld = hst.rsplit('.').next().unwrap_or("");
        let ascii_label = lab.as_str().is_ascii();
        if FILE_EXTENSIONS.contains(&tld)
            || reserved(&hst)
            || glued_after(h, e)
            || (ascii_label && glued_before(h, lab.start()))
        {
            continue;
        }
        let mut c = cand(PiiKind::Url, Confidence::Medium, v.start(), e);
        c.label = Some(label_str(lab.as_str()));
        out.push(c);
    }
}

/// The label as a `'static` string.
fn label_str(l: &str) -> &'static str {
    const LABELS: [&str; 10] = [
        "官方网站",
        "网站地址",
        "网址",
        "官网",
        "网站",
        "主页",
        "域名",
        "Website",
        "website",
        "Homepage",
    ];
    LABELS.iter().find(|x| **x == l).copied().unwrap_or("URL")
}

#[cfg(test)]
mod tests {
    use super::super::{scan, PiiKind};

    fn urls(text: &str) -> Vec<String> {
        scan(text, &[])
            .into_iter()
            .filter(|f| f.kind == PiiKind::Url)
            .map(|f| text.chars().skip(f.start).take(f.end - f.start).collect())
            .collect()
    }

    #[test]
    fn web_addresses_are_found() {
        let cases: [(&str, &str); 9] = [
            (
                "园区官网www.qinghe-park.com，欢迎访问",
                "www.qinghe-park.com",
            ),
            (
                "详见 http://www.qinghe-park.com/about?id=3。",
                "http://www.qinghe-park.com/about?id=3",
            ),
            ("https://qinghe.cn/news", "https://qinghe.cn/news"),
            ("平台qinghe-park.com上线", "qinghe-park.com"),
            ("域名qinghe.com.cn已备案", "qinghe.com.cn"),
            (
                "ＷＷＷ．ＱＩＮＧＨＥ．ＣＯＭ",
                "ＷＷＷ．ＱＩＮＧＨＥ．ＣＯＭ",
            ),
            ("www.qinghe-park。com，", "www.qinghe-park。com"),
            ("网址：qinghe.shop", "qinghe.shop"),
            ("官网 qh-park.online 。", "qh-park.online"),
        ];
        for (text, want) in cases {
            assert_eq!(urls(text), [want], "{text}");
        }
    }

    #[test]
    fn look_alikes_are_not_urls() {
        for text in [
            "附件1.pdf，附件2.xlsx，营业执照复印件-SQ2024-003.pdf",
            "网站：附件1.pdf",
            "增长12.5%，版本v1.2.3，IP 192.168.1.10",
            "look at www.example.com for details, mail.example.com",
            "ASP.NET 与 Node.js，e.g. 等",
            "在园区网站发布供需信息，国家知识产权局网站办理",
            "ZL202310123456.7，CN202310123456A",
            "zhang@qinghe.com",
            "www.cnipa.gov.cn 国家知识产权局官网，https://www.shanghai.gov.cn/nw12344/20240101/a.html",
            "官网：sipa.sh.gov.cn，www.uspto.gov",
        ] {
            assert!(urls(text).is_empty(), "{text}: {:?}", urls(text));
        }
    }
}
