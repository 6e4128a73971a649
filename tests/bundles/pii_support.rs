//! The corpus files of `fixtures/pii/` (typed forms of personal data, look-alikes),
//! shared by the scan's and anonymize's tests.
#![allow(dead_code)]

/// `\n`, `\r`, `\t` and `\u{XXXX}` escapes of the corpus files.
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        if let Some(t) = tail.strip_prefix("u{") {
            let close = t.find('}').expect("closing brace of \\u{…}");
            let c = u32::from_str_radix(&t[..close], 16).expect("hex in \\u{…}");
            out.push(char::from_u32(c).expect("a char"));
            rest = &t[close + 1..];
        } else {
            let (c, n) = match tail.chars().next() {
                Some('n') => ('\n', 1),
                Some('r') => ('\r', 1),
                Some('t') => ('\t', 1),
                Some('\\') => ('\\', 1),
                other => panic!("unknown escape \\{other:?}"),
            };
            out.push(c);
            rest = &tail[n..];
        }
    }
    out.push_str(rest);
    out
}

pub fn corpus_lines(name: &str) -> Vec<(usize, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/pii")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// `(line number, input, expected redaction, label column)` of `positive.tsv`.
pub fn positives() -> Vec<(usize, String, String, Option<String>)> {
    corpus_lines("positive.tsv")
        .into_iter()
        .map(|(n, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(
                cols.len() >= 2,
                "positive.tsv:{n}: needs input<TAB>expected"
            );
            (
                n,
                unescape(cols[0]),
                unescape(cols[1]),
                cols.get(2).map(|s| s.to_string()),
            )
        })
        .collect()
}
