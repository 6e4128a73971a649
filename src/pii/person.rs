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
//!
//! Also: the names of a `、` list after a label, of a table's name column
//! ([`scan_table_names`]), of running prose ([`scan_prose_names`]), and a name
//! written right before a contact value ([`scan_names_before_values`]).

use std::sync::LazyLock;

use regex::Regex;

use super::{cand, re, Candidate, Confidence, PiiKind};

/// Labels after which a person is named, longest first.
const LABELS: [&str; 22] = [
    "法定代表人",
    "法人代表",
    "法人",
    "开户名",
    "户名",
    "收款人",
    "持卡人",
    "收件人",
    "联系人员",
    "联系人",
    "联络人",
    "经办人",
    "负责人",
    "审核人",
    "填表人",
    "填报人",
    "填写人",
    "申报人",
    "签字人",
    "发明人",
    "设计人",
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
const NOT_GIVEN: &str = "式校员区市县省局处科室部院所司厂店组办会委员级体位门方案期间单公企业中心站队团届号楼路街镇村类型项目务表格式人名称单位机构称及和与或等的了是在由见详附另";

/// [`NOT_GIVEN`] as a set (see [`SURNAME_SET`]).
static NOT_GIVEN_SET: LazyLock<Vec<char>> = LazyLock::new(|| sorted_chars(NOT_GIVEN));

static RE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = LABELS
        .iter()
        .map(|l| super::grouped::spaced_label(l))
        .collect();
    // A signature note may follow the label (`负责人签字：`, `项目负责人（签字）：`);
    // the value may stand in the next line (the next cell of a form).
    re(&format!(
        r"(?:{})(?:\(?(?:签字|签名|签章)\)?)?[ \t\r\n:]{{0,3}}(?:为|是)?[ \t]{{0,2}}",
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
            TITLES
                .iter()
                .any(|t| rest.starts_with(t) && title_ends(rest, t))
                || FOLLOWERS.iter().any(|f| rest.starts_with(f))
        }
    }
}

/// The title `t` that `rest` starts with is one: a one-char title (`工`, `总`)
/// also opens roles (`工程师`, `总经理`, `总监`), so it must end the name's
/// words there (a char that is not Chinese, a field of the form).
fn title_ends(rest: &str, t: &str) -> bool {
    let after = &rest[t.len()..];
    t.chars().count() > 1
        || !after.starts_with(is_han)
        || FOLLOWERS.iter().any(|f| after.starts_with(f))
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
    // Surname and title: `李总`, but not `李总工程师`, a role.
    if let Some(t) = TITLES.iter().find(|t| h[after..].starts_with(*t)) {
        let e = after + t.len();
        if ends_here(h, e) && title_ends(&h[after..], t) {
            return Some(e);
        }
    }
    // Surname and one or two given chars, one space allowed after the surname
    // and then between the given chars too (`王 小 明`, spaced to fill a cell).
    let spaced = h[after..].starts_with(' ');
    let mut e = if spaced { after + 1 } else { after };
    for k in 0..2 {
        if k == 1 && spaced && h[e..].starts_with(' ') && h[e + 1..].starts_with(is_han) {
            e += 1;
        }
        let c = h[e..].chars().next().filter(|c| is_han(*c))?;
        if NOT_GIVEN_SET.binary_search(&c).is_ok() {
            return None;
        }
        e += c.len_utf8();
        // `王 小 明`: a spaced name goes on past the space before its last char.
        let spaced_on = spaced
            && k == 0
            && h[e..].starts_with(' ')
            && h[e + 1..]
                .chars()
                .next()
                .is_some_and(|c| is_han(c) && NOT_GIVEN_SET.binary_search(&c).is_err())
            && ends_here(
                h,
                e + 1 + h[e + 1..].chars().next().map_or(0, char::len_utf8),
            );
        if ends_here(h, e) && !spaced_on {
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
        let typed: String = m.as_str().chars().filter(|c| *c != ' ').collect();
        let label = LABELS.iter().find(|l| typed.starts_with(*l)).copied();
        // Several persons after one label are a list (`联系人：张三、李四`).
        for (s, e) in names_listed(h, p, &["、"]) {
            let mut c = cand(PiiKind::Name, Confidence::Medium, s, e);
            c.label = label;
            out.push(c);
        }
    }
    scan_prose_names(h, out);
    scan_table_names(h, out);
}

/// The names of a list starting at `p`: each maybe with a note in brackets
/// (`刘洋（组长）`), separated by one of `seps` and spaces.
fn names_listed(h: &str, mut p: usize, seps: &[&str]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    while let Some(e) = name_at(h, p) {
        found.push((p, e));
        p = e;
        if h[p..].starts_with('(') {
            match h[p..].find(')') {
                Some(j) => p += j + 1,
                None => break,
            }
        }
        let rest = h[p..].trim_start_matches(' ');
        p = match seps.iter().find(|s| rest.starts_with(**s)) {
            Some(sep) => h.len() - rest[sep.len()..].trim_start_matches(' ').len(),
            // Spaces alone separate the names of some lists (`赵磊 孙丽`).
            None if seps.contains(&" ") && rest.len() < h[p..].len() => h.len() - rest.len(),
            None => break,
        };
    }
    found
}

/// Names in a table converted to text (tab-separated cells, a row per line)
/// under a header cell that is a person label (`姓名`, `联系人`, `发明人` …):
/// a cell of that column holding a name and nothing else.
fn scan_table_names(h: &str, out: &mut Vec<Candidate>) {
    if !h.contains('\t') {
        return;
    }
    let mut column: Option<usize> = None;
    let mut at = 0;
    for line in h.split('\n') {
        let start = at;
        at += line.len() + 1;
        if !line.contains('\t') {
            column = None;
            continue;
        }
        let mut cell_at = start;
        let mut header = None;
        for (k, cell) in line.split('\t').enumerate() {
            let s = cell_at;
            cell_at += cell.len() + 1;
            let typed: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
            if LABELS.contains(&typed.as_str()) {
                header = Some(k);
            } else if column == Some(k) {
                let lead = cell.len() - cell.trim_start().len();
                let e = s + cell.trim_end().len();
                if name_at(h, s + lead) == Some(e) {
                    push_name(out, s + lead, e);
                }
            }
        }
        if header.is_some() {
            column = header;
        }
    }
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
        r"(?:团队成员|主要成员|项目成员|核心成员|成员|参与人员|参加人员|主要人员|项目组|完成人)[ \t]{0,2}(?:[:]|包括|有)[ \t]{0,2}",
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
        for (s, e) in names_listed(h, m.end(), &["、", ",", ";", "/", " "]) {
            push_name(out, s, e);
        }
    }
}

// ---------------------------------------------------------------------------
// A name written next to a contact value

/// Words after which a contact person is named (`请联系李老师：139…`,
/// `咨询请致电刘经理 136…`).
const CONTACT_VERBS: [&str; 7] = ["联系", "致电", "联络", "咨询", "请找", "找", "询问"];

/// Chars that may stand between a name and the contact value after it.
fn joins_name_and_value(c: char) -> bool {
    matches!(c, ' ' | '\t' | ',' | ':' | '(' | '/' | ';' | '、')
}

/// Labels of a contact value that may stand between the name and the value
/// (`孙老师，电话139…`, `王磊手机139…`), longest first.
const VALUE_LABELS: [&str; 10] = [
    "联系电话",
    "手机号",
    "电话",
    "手机",
    "邮箱",
    "微信",
    "QQ",
    "Tel",
    "TEL",
    "Email",
];

/// Where a name written before the value at byte `v` would end: back over at
/// most three joining chars, a label of [`VALUE_LABELS`], and three more.
fn name_end_before(h: &str, v: usize) -> usize {
    let back = |at: usize| {
        at - h[..at]
            .chars()
            .rev()
            .take(3)
            .take_while(|c| joins_name_and_value(*c))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let at = back(v);
    match VALUE_LABELS.iter().find(|l| h[..at].ends_with(*l)) {
        Some(l) => back(at - l.len()),
        None => at,
    }
}

/// A person named right before a contact value found in `h` (a mobile, an
/// ID number, an e-mail, a WeChat or QQ id): `张工（138…）`, `王小明，3101…`,
/// `联系方式：王工 136…`, `请联系李老师：135…`. The name stands at the start
/// of a clause (after a char that is not Chinese) or after a word of
/// [`CONTACT_VERBS`]; between it and the value at most three of
/// `, : ( / ; 、` or spaces, maybe around the value's label (`，电话`). Before a landline only a surname with a title counts
/// (`刘经理 021-…`): a city or district written before its office number
/// (`成都 028-…`) has a surname's char too.
pub(super) fn scan_names_before_values(h: &str, values: &[Candidate], out: &mut Vec<Candidate>) {
    for v in values {
        let titled_only = match v.kind {
            PiiKind::Mobile
            | PiiKind::ResidentId
            | PiiKind::Email
            | PiiKind::WeChat
            | PiiKind::Qq => false,
            PiiKind::Landline => true,
            _ => continue,
        };
        let ne = name_end_before(h, v.start);
        // Starts 2 to 5 chars before, farthest first: the longest name.
        let starts: Vec<usize> = h[..ne]
            .char_indices()
            .rev()
            .take(5)
            .take_while(|(_, c)| is_han(*c))
            .map(|(i, _)| i)
            .collect();
        for &p in starts.iter().rev() {
            if ne - p < 6 {
                continue; // one char: no name
            }
            let before = &h[..p];
            let opens =
                !before.ends_with(is_han) || CONTACT_VERBS.iter().any(|w| before.ends_with(w));
            if !opens
                || name_at(h, p) != Some(ne)
                || PLACES.iter().any(|pl| h[p..ne].starts_with(pl))
                || (titled_only && !TITLES.iter().any(|t| h[p..ne].ends_with(t)))
            {
                continue;
            }
            push_name(out, p, ne);
            break;
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
            "负责人：李总工程师办公室",
            "法人：企业法人",
            "发明人数量：12人",
            "联系方式：13524681357",
            "成都 028-85123456，武汉 027-87654321",
            "在王总的带领下，团队扩张工作有序推进",
            "提高总体水平，汇总 13524681357",
            "姓名\t（请填写）\n性别\t男",
            "序号\t项目\t金额\n1\t专利申请\t12.5",
        ] {
            assert!(names(text).is_empty(), "{text}: {:?}", names(text));
        }
    }

    #[test]
    fn names_in_lists_tables_and_next_to_contact_values() {
        for (text, want) in [
            ("联系人：张三、李四", &["张三", "李四"][..]),
            ("发明人：张伟、李娜、赵一鸣", &["张伟", "李娜", "赵一鸣"]),
            ("团队成员包括王小明、李华等", &["王小明", "李华"]),
            ("项目负责人（签字）：张伟", &["张伟"]),
            ("负责人签字：欧阳晓峰", &["欧阳晓峰"]),
            ("联系人\n王小明", &["王小明"]),
            ("姓　　名：王 小 明", &["王 小 明"]),
            ("法人：李华", &["李华"]),
            (
                "序号\t姓名\t职务\n1\t王小明\t总经理\n2\t欧阳晓峰\t工程师",
                &["王小明", "欧阳晓峰"],
            ),
            ("张工（13812457796）", &["张工"]),
            ("王小明，310229199506304421，高级工程师", &["王小明"]),
            ("请联系李老师：13524681357", &["李老师"]),
            ("咨询请致电刘经理 021-64881234", &["刘经理"]),
            ("联系方式：王工 136-1122-3344", &["王工"]),
            ("请联系孙老师，电话13911112222", &["孙老师"]),
            ("何工 / 13911112222", &["何工"]),
            ("王磊手机13911112222", &["王磊"]),
        ] {
            assert_eq!(names(text), want, "{text}");
        }
    }
}
