//! An enterprise's full name in running prose (`本项目由上海恒知科技有限公司承担`,
//! `与苏州纳微生物科技股份有限公司签订托管协议`): a region of
//! [`super::trade_name::REGIONS`] (not 中国/中华: national groups identify no
//! applicant), four to sixteen chars, and an enterprise form (有限公司,
//! 股份有限公司, 有限责任公司, 事务所, with a partnership's note `（普通合伙）`, `（有限合伙）`).
//! The applicant's partners and clients name it as surely as its own name. Not a
//! name: a middle holding a list or a description (`上海多家知识产权代理有限公司`,
//! `上海注册的有限公司`: 的, 等, 和, 与, 及, 或, 、, 多, 各, 家, 类, 注册, 成立,
//! 设立), and names without a region (`知识产权代理有限公司`).

use std::sync::LazyLock;

use regex::Regex;

use super::trade_name::REGIONS;
use super::{cand, re, Candidate, Confidence, PiiKind};

static RE_ORG: LazyLock<Regex> = LazyLock::new(|| {
    let regions: Vec<&str> = REGIONS
        .iter()
        .copied()
        .filter(|r| !matches!(*r, "中国" | "中华"))
        .collect();
    re(&format!(
        r"(?:{})(?:省|市)?(\p{{Han}}{{4,16}}?)(?:股份有限公司|有限责任公司|有限公司|事务所)(?:\((?:普通合伙|有限合伙|特殊普通合伙)\))?",
        regions.join("|")
    ))
});

const NOT_IN_NAME: [&str; 16] = [
    "的", "等", "和", "与", "及", "或", "、", "多", "各", "家", "类", "注册", "成立", "设立",
    "一批", "若干",
];

pub(super) fn scan_org_names(h: &str, out: &mut Vec<Candidate>) {
    for caps in RE_ORG.captures_iter(h) {
        let (Some(all), Some(mid)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        if NOT_IN_NAME.iter().any(|w| mid.as_str().contains(w)) {
            continue;
        }
        out.push(cand(
            PiiKind::Name,
            Confidence::Medium,
            all.start(),
            all.end(),
        ));
    }
}
