//! A person's name right after a person label (`联系人：刘洋`, `经办人：吴敏`,
//! `法定代表人：司徒建华`, `联系人：王先生`): the text names a person the identity
//! may not hold (a substitute contact, a name the form did not ask for).
//!
//! After the label (and `:`, spaces, `为`, `是`), a name is:
//! - a surname of [`COMPOUND_SURNAMES`] or [`SURNAMES`] and one or two given
//!   chars (one space may stand after the surname: `孙 悦`), or the surname and a
//!   title (`王先生`, `张工`, `李总`, `欧阳经理`); or
//! - two to six Chinese chars, a middle dot (`·`, `•`, `・`, `.`), two to six
//!   Chinese chars: a transliterated name (`迪丽娜尔·阿不都`).
//!
//! The name must end there: at a char that is not Chinese, or before a title
//! (`刘洋先生`), a field of the form (`电话`, `手机`, `职务` …) or `等`, `和`, `、`.
//! Given chars that seldom stand in a name but often in the words after such a
//! label (`区`, `办`, `部`, `级`, `体`, `目` …: `高新区`, `项目办`, `全体`) refuse
//! the match, so `联系人：项目办公室`, `负责人：由中心主任担任` and
//! `联系人：张江园区管理办公室` stay.

use std::sync::LazyLock;

use regex::Regex;

use super::{cand, re, Candidate, Confidence, PiiKind};

/// Labels after which a person is named, longest first.
const LABELS: [&str; 17] = [
    "法定代表人",
    "法人代表",
    "开户名",
    "户名",
    "收款人",
    "持卡人",
    "收件人",
    "联系人员",
    "联系人",
    "经办人",
    "负责人",
    "审核人",
    "填表人",
    "填报人",
    "申报人",
    "签字人",
    "姓名",
];

/// Two-char surnames (欧阳, 司马 …), tried before the single ones.
const COMPOUND_SURNAMES: [&str; 30] = [
    "欧阳", "司马", "上官", "诸葛", "司徒", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "钟离",
    "长孙", "宇文", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台",
    "公冶", "太史", "申屠", "濮阳", "闻人", "赫连",
];

/// Common single-char surnames. Left out: those that mostly open a common word
/// after a person label (`本`, `由`, `见`, `无`, `单`, `各`, `该`, `全`, `和`, `于`, `应`, `向`,
/// `明`, `时` …).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝";

/// [`SURNAMES`] sorted, for a binary search: every position of a text is tried, and a
/// search through the string per char cost more than the rest of the scan.
static SURNAME_SET: LazyLock<Vec<char>> = LazyLock::new(|| sorted_chars(SURNAMES));

fn sorted_chars(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The bytes of the surname `rest` starts with (compound first), if any.
fn surname_len(rest: &str) -> Option<usize> {
    COMPOUND_SURNAMES
        .iter()
        .find(|s| rest.starts_with(*s))
        .map(|s| s.len())
        .or_else(|| {
            let c = rest.chars().next()?;
            SURNAME_SET.binary_search(&c).is_ok().then(|| c.len_utf8())
        })
}

/// Titles written after a surname or a name.
const TITLES: [&str; 24] = [
    "先生",
    "女士",
    "小姐",
    "老师",
    "经理",
    "主任",
    "总监",
    "博士",
    "教授",
    "律师",
    "处长",
    "科长",
    "部长",
    "院长",
    "所长",
    "书记",
    "董事长",
    "总经理",
    "同志",
    "师傅",
    "总工",
    "工",
    "总",
    "主管",
];

/// Words that may follow a name in a form: the next field, a list.
const FOLLOWERS: [&str; 14] = [
    "电话",
    "手机",
    "职务",
    "职称",
    "邮箱",
    "联系",
    "性别",
    "身份证",
    "微信",
    "负责",
    "等",
    "和",
    "与",
    "及",
];

/// Given chars that seldom stand in a name but often in the words written after
/// a person label (units, places, forms, roles).
const NOT_GIVEN: &str = "校员区市县省局处科室部院所司厂店组办会委员级体位门方案期间单公企业中心站队团届号楼路街镇村类型项目务表格式人名称单位机构称及和与或等的了是在由见详附另";

/// [`NOT_GIVEN`] as a set (see [`SURNAME_SET`]).
static NOT_GIVEN_SET: LazyLock<Vec<char>> = LazyLock::new(|| sorted_chars(NOT_GIVEN));

static RE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = LABELS
        .iter()
        .map(|l| super::grouped::spaced_label(l))
        .collect();
    re(&format!(
        r"(?:{})[ \t:]{{0,3}}(?:为|是)?[ \t]{{0,2}}",
        alts.join("|")
    ))
});

/// A transliterated name with its middle dot.
static RE_DOTTED: LazyLock<Regex> =
    LazyLock::new(|| re(r"\A\p{Han}{2,6} ?[·•・‧∙.] ?\p{Han}{2,6}"));

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// The name may end at byte `e` of `h`.
fn ends_here(h: &str, e: usize) -> bool {
    let rest = &h[e..];
    match rest.chars().next() {
        None => true,
        Some(c) if !is_han(c) => true,
        Some(_) => {
            TITLES.iter().any(|t| rest.starts_with(t))
                || FOLLOWERS.iter().any(|f| rest.starts_with(f))
        }
    }
}

/// The end of a name starting at byte `p` of `h`, if one stands there.
fn name_at(h: &str, p: usize) -> Option<usize> {
    let rest = &h[p..];
    if let Some(m) = RE_DOTTED.find(rest) {
        // The part after the dot ends before a title or a field of the form.
        let mut e = p + m.end();
        while !ends_here(h, e) {
            let back = h[..e].chars().next_back()?;
            e -= back.len_utf8();
            if h[p..e].chars().rev().take_while(|c| is_han(*c)).count() < 2 {
                return None;
            }
        }
        return Some(e);
    }
    let surname = surname_len(rest)?;
    let after = p + surname;
    // Surname and title: `王先生`, `欧阳经理`.
    if let Some(t) = TITLES.iter().find(|t| h[after..].starts_with(*t)) {
        let e = after + t.len();
        if ends_here(h, e) {
            return Some(e);
        }
    }
    // Surname and one or two given chars, one space allowed after the surname.
    let given_from = if h[after..].starts_with(' ') {
        after + 1
    } else {
        after
    };
    let mut e = given_from;
    for _ in 0..2 {
        let c = h[e..].chars().next().filter(|c| is_han(*c))?;
        if NOT_GIVEN_SET.binary_search(&c).is_ok() {
            return None;
        }
        e += c.len_utf8();
        if ends_here(h, e) {
            return Some(e);
        }
    }
    None
}

/// Candidates for the names written right after a person label in the
/// normalized text `h`, and for the names running prose gives away (below).
pub(super) fn scan_labelled_names(h: &str, out: &mut Vec<Candidate>) {
    for m in RE_LABEL.find_iter(h) {
        let p = m.end();
        if let Some(e) = name_at(h, p) {
            let typed: String = m.as_str().chars().filter(|c| *c != ' ').collect();
            let label = LABELS.iter().find(|l| typed.starts_with(*l)).copied();
            let mut c = cand(PiiKind::Name, Confidence::Medium, p, e);
            c.label = label;
            out.push(c);
        }
    }
    scan_prose_names(h, out);
}

// ---------------------------------------------------------------------------
// Names in running prose

/// Roles written right before a name (`总经理李强`, `专利代理师徐志刚`).
const ROLES: [&str; 22] = [
    "董事长",
    "总经理",
    "总监",
    "经理",
    "主任",
    "专员",
    "工程师",
    "代理师",
    "律师",
    "研究员",
    "教授",
    "博士",
    "会计",
    "董事",
    "监事",
    "组长",
    "部长",
    "所长",
    "院长",
    "处长",
    "科长",
    "书记",
];

/// Words before a name whose act follows it (`由张伟负责`, `委托黄海涛同志`).
const AGENTS: [&str; 5] = ["由", "委托", "指定", "安排", "聘请"];

/// What a named person does right after the name in prose.
const ACTS: [&str; 18] = [
    "同志", "负责", "牵头", "担任", "主持", "具体", "统筹", "带队", "带领", "作为", "出任", "兼任",
    "高度", "亲自", "分管", "全面", "任", "收",
];

/// Labels of a list of people (`团队成员：赵磊、孙丽、周建华`).
static RE_TEAM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:团队成员|主要成员|项目成员|核心成员|成员|参与人员|主要人员|项目组)[ \t]{0,2}[:][ \t]{0,2}",
    )
});

/// Places and firms written like a surname and a given char (`张江`, `金桥`,
/// `闵行`, `华为`): never a name in prose.
const PLACES: [&str; 26] = [
    "张江", "金桥", "高桥", "周浦", "曹路", "康桥", "唐镇", "高行", "孙桥", "杨浦", "黄浦", "徐汇",
    "闵行", "马桥", "江湾", "罗店", "吴泾", "华漕", "徐泾", "江桥", "安亭", "朱泾", "金山", "宝山",
    "华为", "万科",
];

/// A name at `p` ending exactly where one of `acts` (or, with `open`, any
/// non-Chinese char) follows; the longest such name.
fn prose_name_at(h: &str, p: usize, acts: &[&str], open: bool) -> Option<usize> {
    let rest = &h[p..];
    let surname = surname_len(rest)?;
    let mut e = p + surname;
    let mut found = None;
    for _ in 0..2 {
        let Some(c) = h[e..].chars().next().filter(|c| is_han(*c)) else {
            break;
        };
        if NOT_GIVEN_SET.binary_search(&c).is_ok() {
            break;
        }
        e += c.len_utf8();
        let after = &h[e..];
        // A word of two chars decides at once (`吴静担任`, not `吴静担` + `任`).
        let word = acts
            .iter()
            .chain(TITLES.iter())
            .any(|a| a.chars().count() >= 2 && after.starts_with(a));
        let ends = word
            || acts.iter().any(|a| after.starts_with(a))
            || TITLES.iter().any(|t| after.starts_with(t))
            || (open && !after.starts_with(is_han));
        if ends && !PLACES.iter().any(|pl| h[p..e].starts_with(pl)) {
            found = Some(e);
            if word {
                break;
            }
        }
    }
    found
}

fn push_name(out: &mut Vec<Candidate>, s: usize, e: usize) {
    out.push(cand(PiiKind::Name, Confidence::Medium, s, e));
}

/// Names running prose gives away: after a role (`总经理李强牵头`), after
/// 由/委托 before an act (`由张伟负责`), before 同志, before the sex of a CV line
/// (`张国栋，男，`), in a list of people after its label.
fn scan_prose_names(h: &str, out: &mut Vec<Candidate>) {
    for (i, _) in h.char_indices() {
        // every rule below needs a surname here
        if surname_len(&h[i..]).is_none() {
            continue;
        }
        let before = &h[..i];
        let role = ROLES.iter().any(|r| before.ends_with(r));
        let agent = AGENTS.iter().any(|a| before.ends_with(a));
        let boundary = !before.ends_with(is_han);
        let e = if role {
            prose_name_at(h, i, &ACTS, true)
        } else if agent {
            prose_name_at(h, i, &ACTS, false)
        } else {
            None
        };
        let e = e
            .or_else(|| {
                prose_name_at(h, i, &["同志"], false).filter(|&e| h[e..].starts_with("同志"))
            })
            .or_else(|| {
                let e = prose_name_at(h, i, &[], true).filter(|_| boundary)?;
                let after = h[e..].trim_start_matches([',', '(', ' ']);
                let sex = after.starts_with("男") || after.starts_with("女");
                // `王老师 收` on an envelope line.
                let to = h[e..].trim_start_matches(' ');
                let recipient = to.starts_with("收") && !to["收".len()..].starts_with(is_han);
                ((sex && h[e..].starts_with([',', '('])) || recipient).then_some(e)
            });
        if let Some(e) = e {
            push_name(out, i, e);
        }
    }
    for m in RE_TEAM.find_iter(h) {
        let mut p = m.end();
        while let Some(e) = name_at(h, p) {
            push_name(out, p, e);
            p = e;
            // A note in brackets after the name, then the list's separator.
            if h[p..].starts_with('(') {
                match h[p..].find(')') {
                    Some(j) => p += j + 1,
                    None => break,
                }
            }
            let sep = h[p..].len() - h[p..].trim_start_matches(['、', ',', ';', ' ', '/']).len();
            if sep == 0 {
                break;
            }
            p += sep;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{scan, PiiKind};

    fn names(text: &str) -> Vec<String> {
        scan(text, &[])
            .into_iter()
            .filter(|f| f.kind == PiiKind::Name)
            .map(|f| text.chars().skip(f.start).take(f.end - f.start).collect())
            .collect()
    }

    #[test]
    fn names_after_person_labels_are_found() {
        for (text, want) in [
            ("联系人：刘洋，电话见上", "刘洋"),
            ("联系人：上官雨辰（手机见上）", "上官雨辰"),
            ("项目联系人：黄晓明", "黄晓明"),
            ("经办人：吴敏\n", "吴敏"),
            ("姓名：迪丽娜尔·阿不都", "迪丽娜尔·阿不都"),
            ("联系人: 孙 悦", "孙 悦"),
            ("法定代表人：司徒建华", "司徒建华"),
            ("负责人：何晓东；职务：总经理", "何晓东"),
            ("联系人：王先生，电话见封面。", "王先生"),
            ("联系人：张工 1381", "张工"),
            ("项目联系人：李总", "李总"),
            ("联系人：欧阳经理", "欧阳经理"),
            ("联系人刘洋先生", "刘洋"),
            ("联系人：刘洋电话021", "刘洋"),
            ("负责人为王磊。", "王磊"),
        ] {
            assert_eq!(names(text), [want], "{text}");
        }
    }

    #[test]
    fn words_after_person_labels_stay() {
        for text in [
            "联系人制度：每家企业设知识产权联系人",
            "联系人：各托管企业知识产权专员",
            "负责人：由中心主任担任",
            "联系人：项目办公室",
            "负责人：本单位法定代表人",
            "姓名：（不公开）",
            "法定代表人：见营业执照",
            "联系人：张江园区管理办公室",
            "负责人：高级工程师",
            "联系人：高新区管委会",
            "姓名\t职务\t职称",
            "项目负责人：（匿名）",
            "负责人员培训",
        ] {
            assert!(names(text).is_empty(), "{text}: {:?}", names(text));
        }
    }
}
