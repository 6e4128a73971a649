//! The trade name (字号) of an enterprise name, for the short forms a text uses
//! without defining them (`青禾公司`, `青禾科技园区管理公司` for
//! `上海青禾科技园区管理有限公司`).
//!
//! An enterprise name is built as administrative region + trade name + industry
//! words + organisation form (the registration rules for enterprise names):
//! `上海` + `青禾` + `科技园区管理` + `有限公司`. The trade name is what the
//! short forms keep, so it is searched, but only where an organisation or
//! industry word of the same name follows it (`青禾公司`, `青禾科技`,
//! `青禾园区管理公司`, `上海青禾公司`): a trade name is often a plain word
//! (`青禾`, `光明`, `东方`) and alone it is not taken as the applicant's name.
//!
//! Limits: only names ending in an enterprise form (公司, 集团, 事务所, 合伙企业 …;
//! not universities, hospitals or public bodies, whose short forms are no trade
//! names); only region prefixes of [`REGIONS`] (provinces, municipalities and
//! large cities, with or without 省/市/自治区), a district of 2–4 chars ending in
//! 区/县 after one of them, and a region in brackets (`青禾（上海）科技有限公司`);
//! a trade name of 2–4 chars before the first industry word of [`INDUSTRY_WORDS`]
//! (a name whose industry words are not in the list gives no trade name).

/// Forms of organisation an enterprise name ends with, longest first.
const ENTERPRISE_FORMS: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "合伙企业(有限合伙)",
    "合伙企业",
    "有限公司",
    "集团公司",
    "事务所",
    "公司",
    "集团",
    "工作室",
];

/// Industry and organisation words that follow a trade name in an enterprise
/// name (and in its short forms).
pub const INDUSTRY_WORDS: &[&str] = &[
    "科技",
    "技术",
    "信息",
    "知识产权",
    "专利",
    "商标",
    "版权",
    "代理",
    "咨询",
    "管理",
    "园区",
    "科技园",
    "产业园",
    "发展",
    "投资",
    "实业",
    "贸易",
    "服务",
    "网络",
    "软件",
    "电子",
    "生物",
    "医药",
    "制药",
    "智能",
    "新材料",
    "材料",
    "能源",
    "新能源",
    "环保",
    "环境",
    "文化",
    "传媒",
    "教育",
    "工程",
    "建设",
    "建筑",
    "设计",
    "制造",
    "机械",
    "设备",
    "汽车",
    "电气",
    "通信",
    "通讯",
    "数据",
    "数字",
    "物联网",
    "半导体",
    "集成电路",
    "微电子",
    "光电",
    "化工",
    "食品",
    "农业",
    "金融",
    "资产",
    "创新",
    "创业",
    "孵化",
    "产业",
    "医疗",
    "器械",
    "健康",
    "运营",
    "供应链",
    "物流",
    "航空",
    "航天",
    "光学",
    "精密",
    "检测",
    "认证",
    "律师",
    "会计师",
    "研究",
    "开发",
    "国际",
    "控股",
    "企业",
    "科创",
    "电力",
    "仪器",
    "系统",
    "自动化",
    "机器人",
    "人工智能",
    "互联网",
    "商务",
    "置业",
    "物业",
    "集团",
    "股份",
    "有限",
    "公司",
    "事务所",
];

/// Provinces, municipalities and special regions written without 省/市.
pub(super) const REGIONS: &[&str] = &[
    "中国",
    "中华",
    "北京",
    "上海",
    "天津",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "苏州",
    "无锡",
    "宁波",
    "合肥",
    "武汉",
    "成都",
    "西安",
    "厦门",
    "青岛",
    "长沙",
];

/// A leading region of `s`: a name of [`REGIONS`] with an optional 省/市/自治区;
/// its length in bytes.
fn leading_region(s: &str) -> Option<usize> {
    let r = REGIONS.iter().find(|r| s.starts_with(*r))?;
    let rest = &s[r.len()..];
    let extra = ["省", "市", "自治区"]
        .iter()
        .find(|x| rest.starts_with(*x))
        .map_or(0, |x| x.len());
    Some(r.len() + extra)
}

/// A district (2–4 chars ending in 区 or 县) at the start of `s`.
fn leading_district(s: &str) -> Option<usize> {
    for (n, (i, c)) in s.char_indices().enumerate().take(4) {
        if n >= 1 && (c == '区' || c == '县') {
            return Some(i + c.len_utf8());
        }
    }
    None
}

/// The trade name of an enterprise name (normalized, no white space) and the
/// words that may follow it in a short form: the name's own industry words
/// and organisation form, and the generic 公司, 集团, 有限公司 (and the name's
/// bracketed region, `(上海)`). `None` for names of other organisations, and
/// when no trade name of 2–4 chars stands before an industry word.
pub fn trade_name(name: &str) -> Option<(String, Vec<String>)> {
    let form = ENTERPRISE_FORMS.iter().find(|f| name.ends_with(*f))?;
    let mut rest = &name[..name.len() - form.len()];
    let mut followers: Vec<String> = Vec::new();
    if let Some(n) = leading_region(rest) {
        // `青禾(上海)公司` for `上海青禾…`: the region moved behind the trade name.
        if let Some(r) = REGIONS.iter().find(|r| rest.starts_with(*r)) {
            followers.push(format!("({r})"));
        }
        rest = &rest[n..];
        if let Some(d) = leading_district(rest) {
            // `上海市青浦区青禾…`: a district right after the city.
            let after = &rest[d..];
            if after.chars().count() >= 4 {
                rest = after;
            }
        }
    }
    // `青禾(上海)科技`: the region in brackets.
    let mut body = rest.to_string();
    if let (Some(o), Some(c)) = (rest.find('('), rest.find(')')) {
        if o < c && rest[o + 1..c].chars().count() <= 4 {
            if !followers.iter().any(|f| f == &rest[o..c + 1]) {
                followers.push(rest[o..c + 1].to_string());
            }
            body = format!("{}{}", &rest[..o], &rest[c + 1..]);
        }
    }
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    // The first industry word at char 2 or later ends the trade name.
    let cut = (2..=chars.len().min(4)).find(|&k| {
        let at = chars.get(k).map_or(body.len(), |&(i, _)| i);
        k == chars.len() || INDUSTRY_WORDS.iter().any(|w| body[at..].starts_with(w))
    })?;
    let at = chars.get(cut).map_or(body.len(), |&(i, _)| i);
    let trade = &body[..at];
    if !trade.chars().all(|c| c.is_alphabetic())
        || trade.chars().any(|c| c.is_ascii())
        || INDUSTRY_WORDS.iter().any(|w| trade.contains(w))
    {
        return None;
    }
    let tail = format!("{}{form}", &body[at..]);
    for w in INDUSTRY_WORDS {
        if tail.contains(w) && !followers.iter().any(|f| f == w) {
            followers.push(w.to_string());
        }
    }
    for w in ["公司", "集团", "有限公司", *form] {
        if !followers.iter().any(|f| f == w) {
            followers.push(w.to_string());
        }
    }
    Some((trade.to_string(), followers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trade(name: &str) -> Option<String> {
        trade_name(name).map(|(t, _)| t)
    }

    #[test]
    fn trade_names_of_enterprise_names() {
        assert_eq!(
            trade("上海青禾科技园区管理有限公司").as_deref(),
            Some("青禾")
        );
        assert_eq!(
            trade("上海澄知知识产权代理有限公司").as_deref(),
            Some("澄知")
        );
        assert_eq!(
            trade("上海市青浦区青禾科技有限公司").as_deref(),
            Some("青禾")
        );
        assert_eq!(trade("青禾(上海)科技有限公司").as_deref(), Some("青禾"));
        assert_eq!(
            trade("江苏省澜舟智能装备股份有限公司").as_deref(),
            Some("澜舟")
        );
        assert_eq!(trade("上海青禾有限公司").as_deref(), Some("青禾"));
        assert_eq!(trade("北京金诚同达律师事务所").as_deref(), Some("金诚同达"));
        let (_, f) = trade_name("上海青禾科技园区管理有限公司").unwrap();
        for w in ["科技", "园区", "管理", "公司", "有限公司"] {
            assert!(f.iter().any(|x| x == w), "{w} in {f:?}");
        }
        let (_, f) = trade_name("青禾(上海)科技有限公司").unwrap();
        assert!(f.iter().any(|x| x == "(上海)"), "{f:?}");
        let (_, f) = trade_name("上海青禾科技有限公司").unwrap();
        assert!(f.iter().any(|x| x == "(上海)"), "{f:?}");
    }

    #[test]
    fn no_trade_name() {
        // Not an enterprise: universities, public bodies, people.
        assert_eq!(trade("上海交通大学"), None);
        assert_eq!(trade("上海市知识产权局"), None);
        assert_eq!(trade("欧阳明轩"), None);
        // No industry word within 4 chars of the start.
        assert_eq!(trade("上海浦江之星恒远企划有限公司"), None);
        // Industry word right after the region: no trade name.
        assert_eq!(trade("上海知识产权服务有限公司"), None);
        // A region not in the list is not stripped: no trade name rather than a wrong one.
        assert_eq!(trade("嘉兴市青禾科技有限公司"), None);
        assert_eq!(trade("青禾市场营销有限公司").as_deref(), None);
    }
}
