//! Interface strings, Chinese and English, in one place. Rubric and
//! evidence text are shown as written and never pass through here.

use rust_decimal::Decimal;

use crate::aggregate::Status;
use crate::rubric::num::show;

/// Interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `zh` or `en` (also `zh_CN.UTF-8`, `en-US`, …).
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_ascii_lowercase();
        if l.starts_with("zh") {
            Some(Lang::Zh)
        } else if l.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From the environment: the first non-empty of `LC_ALL`, `LC_MESSAGES`,
    /// `LANG`; Chinese when it starts with `zh`, English otherwise.
    pub fn from_env() -> Lang {
        Lang::from_vars(|k| std::env::var(k).ok())
    }

    /// [`Lang::from_env`] over any variable lookup (testable).
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = get(k).filter(|v| !v.is_empty()) {
                return if v.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }

    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }

    /// `label：` in Chinese text, `label: ` in English.
    pub fn label(self, label: &str) -> String {
        match self {
            Lang::Zh => format!("{label}："),
            Lang::En => format!("{label}: "),
        }
    }

    /// `（note）` after Chinese text, ` (note)` after English.
    pub fn aside(self, note: &str) -> String {
        match self {
            Lang::Zh => format!("（{note}）"),
            Lang::En => format!(" ({note})"),
        }
    }

    /// The fixed strings.
    pub fn t(self) -> &'static Text {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    fn pick(self, zh: String, en: String) -> String {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A rule's explanation or cap note as the rubric evaluation writes it (arithmetic with
    /// English connecting words, fact keys as codes), in this language: the connecting words
    /// translated, the numbers and codes kept.
    pub fn explain(self, s: &str) -> String {
        const ZH: &[(&str, &str)] = &[
            ("是 yes", "是"),
            ("否 no", "否"),
            ("无 (null)", "无"),
            ("→ capped at", "→ 封顶"),
            ("→ raised to 0", "→ 提高到 0"),
            ("all of: ", "全部满足："),
            ("any of: ", "任一满足："),
            ("fact missing: ", "缺少事实："),
            ("requirement not met: ", "未满足要求："),
            ("→ criterion becomes", "→ 该指标改为"),
            ("→ no override", "→ 不改判"),
            ("below every band", "低于各档"),
            (": no option", "：无对应选项"),
            (" (not quantified)", "（未量化）"),
            (" is not a number", " 不是数字"),
            (" is not a bool", " 不是“是/否”"),
            (" is null", " 为空"),
            (" is 0", " 为 0"),
            (" undefined]", " 未定义]"),
            (" missing]", " 缺失]"),
            (" missing", " 缺失"),
            (" in [", " ∈ ["),
            ("option ", "选项 "),
            ("year #", "年份 #"),
            ("total: ", "总分："),
            (" = true", " = 是"),
            (" = false", " = 否"),
            (" not ", " 不满足 "),
            ("min(", "最小值("),
        ];
        // a yes/no fact reads with the same words wherever the evaluation wrote it (`= true`
        // in a rule that holds, the value's display form `否 no` otherwise)
        const EN: &[(&str, &str)] = &[
            ("是 yes", "yes"),
            ("否 no", "no"),
            ("无 (null)", "none"),
            (" = true", " = yes"),
            (" = false", " = no"),
        ];
        let table = match self {
            Lang::Zh => ZH,
            Lang::En => EN,
        };
        let mut out = s.to_string();
        for (from, to) in table {
            out = out.replace(from, to);
        }
        out
    }

    /// A note of the results pipeline on an application (English as the pipeline writes it,
    /// codes and numbers inside), in this language: the known phrases translated, codes,
    /// ids and numbers kept. A note with no known phrase is shown as written.
    pub fn note(self, s: &str) -> String {
        const ZH: &[(&str, &str)] = &[
            (
                "shortlisted with eligibility unchecked",
                "已入围，但资格尚未核验",
            ),
            ("eligibility unchecked: ", "资格未核验："),
            (" (checked by hand)", "（需人工核验）"),
            (" (missing ", "（缺少 "),
            (
                "conflict of interest declared by expert ",
                "声明回避的专家 ",
            ),
            (" score rows excluded", " 行评分不计入"),
            (
                ": draft, not submitted; not counted",
                "：草稿，未提交，不计入",
            ),
            ("incomplete: ", "不完整："),
            (" valid experts, quorum ", " 位有效专家，法定人数 "),
            (
                "absent from sheet revision ",
                "评分表修订版不含该项目，版本 ",
            ),
            ("expert ", "专家 "),
            ("; ", "；"),
        ];
        match self {
            Lang::Zh => {
                let mut out = s.to_string();
                for (from, to) in ZH {
                    out = out.replace(from, to);
                }
                out
            }
            Lang::En => s.to_string(),
        }
    }

    /// The kind of a rubric item, as the evidence pane names it.
    pub fn item_kind(self, kind: &str) -> String {
        let zh = match kind {
            "expert" => "专家评分",
            "flag" => "是否项",
            "choice" => "选项",
            "bands" => "分档",
            "per_unit" => "按数量计分",
            "all_of" => "全部满足",
            "any_of" => "任一满足",
            "override" => "改判",
            other => other,
        };
        match self {
            Lang::Zh => zh.to_string(),
            Lang::En => kind.replace('_', " "),
        }
    }

    pub fn saved(self, code: &str, item: &str, v: Decimal) -> String {
        self.pick(
            format!("已保存 {code} {item} = {}", show(v)),
            format!("saved {code} {item} = {}", show(v)),
        )
    }

    pub fn saved_override(self, code: &str, item: &str, v: Decimal, sugg: Decimal) -> String {
        self.pick(
            format!(
                "已保存 {code} {item} = {}（改动建议分 {}，已记录理由）",
                show(v),
                show(sugg)
            ),
            format!(
                "saved {code} {item} = {} (overrides suggestion {}, reason recorded)",
                show(v),
                show(sugg)
            ),
        )
    }

    pub fn cleared(self, code: &str, item: &str, sugg: Option<Decimal>) -> String {
        match sugg {
            Some(s) => self.pick(
                format!("已保存 {code} {item}：恢复为建议分 {}", show(s)),
                format!("saved {code} {item}: back to the suggestion {}", show(s)),
            ),
            None => self.pick(
                format!("已保存 {code} {item}：已清除，未评分"),
                format!("saved {code} {item}: cleared, not scored"),
            ),
        }
    }

    pub fn comment_saved(self, code: &str, item: &str, removed: bool) -> String {
        let target = if item.is_empty() {
            code.to_string()
        } else {
            format!("{code} {item}")
        };
        if removed {
            self.pick(
                format!("已保存：删除 {target} 的评语"),
                format!("saved: comment on {target} removed"),
            )
        } else {
            self.pick(
                format!("已保存 {target} 的评语"),
                format!("saved comment on {target}"),
            )
        }
    }

    pub fn conflict_saved(self, code: &str) -> String {
        self.pick(
            format!("已保存：{code} 已声明回避，本项目对你锁定"),
            format!("saved: conflict of interest declared for {code}; it is locked for you"),
        )
    }

    pub fn submitted(self, code: &str, total: Decimal) -> String {
        self.pick(
            format!("已保存：{code} 已提交，总分 {}，评分已锁定", show(total)),
            format!(
                "saved: {code} submitted, total {}; scores locked",
                show(total)
            ),
        )
    }

    pub fn with_sheet_written(self, msg: &str, path: &str) -> String {
        self.pick(
            format!("{msg}；评分表已写入 {path}"),
            format!("{msg}; sheet written to {path}"),
        )
    }

    pub fn sheet_not_written(self, err: &str) -> String {
        self.pick(
            format!(
                "已提交并保存到数据库（评分不会丢失），但评分表文件未能写出：{err}。\
                 可稍后用 `panel sheet export` 导出。"
            ),
            format!(
                "submitted and saved in the database (no score is lost), but the sheet file \
                 could not be written: {err}. Export it later with `panel sheet export`."
            ),
        )
    }

    pub fn reopened(self, code: &str, reason: &str) -> String {
        self.pick(
            format!("组长已退回 {code} 重评：{reason}"),
            format!("{code} reopened by the chair: {reason}"),
        )
    }

    pub fn reopened_hint(self) -> &'static str {
        match self {
            Lang::Zh => "该项目已恢复为可编辑；修改后请再次提交。",
            Lang::En => "It can be edited again; submit it again when done.",
        }
    }

    pub fn not_saved(self, err: &str) -> String {
        self.pick(format!("未保存！{err}"), format!("NOT saved! {err}"))
    }

    pub fn out_of_range(self, typed: &str, max: Decimal) -> String {
        self.pick(
            format!(
                "拒绝 {typed}：超出范围，分值须在 0–{} 之间，未保存",
                show(max)
            ),
            format!(
                "refused {typed}: out of range, the value must lie in 0–{}; not saved",
                show(max)
            ),
        )
    }

    pub fn off_step(self, typed: &str, step: Decimal) -> String {
        self.pick(
            format!("拒绝 {typed}：分值须为 {} 的整数倍，未保存", show(step)),
            format!(
                "refused {typed}: the value must be a multiple of {}; not saved",
                show(step)
            ),
        )
    }

    /// A number written in a refused form: `08`, `-0`, more decimal places than the step.
    /// The plain way to write it first (short enough for an 80-column status line).
    pub fn bad_form(self, typed: &str, step: Decimal) -> String {
        if let Ok(v) = typed.parse::<Decimal>() {
            let plain = show(v.normalize());
            if plain != typed {
                return self.pick(
                    format!("拒绝 “{typed}”：请写作 {plain}（不加多余的零），未保存"),
                    format!("refused “{typed}”: write {plain} (no extra zeros); not saved"),
                );
            }
        }
        self.pick(
            format!(
                "拒绝 “{typed}”：请按常规写法输入（不加前导零、不写 -0、小数位不超过步长 {}），未保存",
                show(step)
            ),
            format!(
                "refused “{typed}”: write the number plainly (no leading zero, no -0, no more \
                 decimal places than the step {}); not saved",
                show(step)
            ),
        )
    }

    /// The list filter's prompt: the status labels as the list shows them, and the filter
    /// in force (the box starts empty: what is typed replaces it).
    /// The filter editor closed with Esc: the filter (`current`, if any) stays as it was.
    pub fn filter_kept(self, current: Option<&str>) -> String {
        match current {
            Some(q) => self.pick(
                format!("筛选未改变（仍为“{q}”）；Esc 清除筛选"),
                format!("filter unchanged (still “{q}”); Esc clears it"),
            ),
            None => self.pick(
                "未筛选，列表未改变".into(),
                "no filter set; the list is as it was".into(),
            ),
        }
    }

    pub fn filter_prompt(self, current: Option<&str>) -> String {
        let t = self.t();
        let now = current.filter(|q| !q.is_empty());
        self.pick(
            format!(
                "筛选项目：编号、名称或状态（{}/{}/{}/{}）；留空清除{}",
                t.untouched,
                t.partial,
                t.submitted,
                t.conflict,
                now.map(|q| format!("（当前：{q}）")).unwrap_or_default()
            ),
            format!(
                "Filter applications: code, title or status ({}/{}/{}/{}); empty clears{}",
                t.untouched,
                t.partial,
                t.submitted,
                t.conflict,
                now.map(|q| format!(" (now: {q})")).unwrap_or_default()
            ),
        )
    }

    pub fn not_number(self, typed: &str) -> String {
        // `.5` and `1.`: say how to write them (the one value check takes only `0.5`, `1`)
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let plain = match typed.split_once('.') {
            Some(("", frac)) if digits(frac) => Some(format!("0.{frac}")),
            Some((int, "")) if digits(int) => Some(int.to_string()),
            _ => None,
        };
        if let Some(p) = plain {
            return self.pick(
                format!("拒绝 “{typed}”：请写作 {p}，未保存"),
                format!("refused “{typed}”: write {p}; not saved"),
            );
        }
        self.pick(
            format!("拒绝 “{typed}”：不是数字，未保存"),
            format!("refused “{typed}”: not a number; not saved"),
        )
    }

    /// Ctrl-C while an editor holds text not saved (fits the status line at 80 columns).
    pub fn unsaved_text_on_quit(self) -> String {
        self.pick(
            "文字未保存：Enter 保存，Esc 放弃，再按 Ctrl-C 不保存退出".into(),
            "text not saved: Enter saves it, Esc drops it, Ctrl-C again quits".into(),
        )
    }

    /// Esc left text in a comment or opinion box, kept unsaved; `key` opens it again.
    pub fn draft_kept(self, key: &str) -> String {
        self.pick(
            format!("未保存，文字已保留：再按 {key} 继续编辑，Enter 保存"),
            format!("not saved; your text is kept: {key} opens it again, Enter saves"),
        )
    }

    /// `q` while `n` boxes keep unsaved text (fits the status line at 80 columns).
    pub fn drafts_on_quit(self, n: usize) -> String {
        self.pick(
            format!("{n} 处未保存的文字已保留（c 或 w 打开）；再按 q 退出并丢弃"),
            format!("unsaved text kept in {n} box(es) (c/w opens); q again quits, dropping it"),
        )
    }

    /// Where a total would stand, for an application under a conflict of interest.
    pub fn not_scored(self) -> &'static str {
        match self {
            Lang::Zh => "不评分",
            Lang::En => "not scored",
        }
    }

    /// The criteria's footer for an application under a conflict of interest: no total, and
    /// how to withdraw the declaration.
    pub fn conflict_footer(self) -> &'static str {
        match self {
            Lang::Zh => "总分 —  已声明回避，不评分；x 撤回回避声明",
            Lang::En => "Total —  conflict: not scored; x withdraws it",
        }
    }

    /// The list's hint for a locked application (a conflict, or submitted), in place of
    /// "Enter opens … n the next item" (nothing is left to score there).
    pub fn locked_hint(self, conflict: bool) -> &'static str {
        match (self, conflict) {
            (Lang::Zh, true) => "已声明回避，不评分；x 撤回回避声明",
            (Lang::En, true) => "conflict declared, not scored; x withdraws it",
            (Lang::Zh, false) => "已提交，只读；Enter 查看评分表",
            (Lang::En, false) => "submitted, read-only; Enter shows its criteria",
        }
    }

    pub fn read_only(self, code: &str, conflict: bool) -> String {
        if conflict {
            self.pick(
                format!("{code} 已声明回避，只读；按 x 可撤回回避声明"),
                format!(
                    "{code} is locked (conflict of interest); press x to withdraw the declaration"
                ),
            )
        } else {
            self.pick(
                format!("{code} 已提交，只读；如需修改请联系评审组长重开"),
                format!("{code} is submitted and read-only; only the chair can reopen it"),
            )
        }
    }

    pub fn reason_prompt(self, item: &str, v: Decimal, sugg: Decimal) -> String {
        self.pick(
            format!(
                "{item}：评分 {} 不同于建议分 {}，请填写理由（必填）",
                show(v),
                show(sugg)
            ),
            format!(
                "{item}: {} differs from the suggestion {}; give a reason (required)",
                show(v),
                show(sugg)
            ),
        )
    }

    pub fn comment_prompt(self, code: &str, item: &str) -> String {
        if item.is_empty() {
            self.pick(
                format!("{code} 的总体评语（留空则删除）"),
                format!("Comment on {code} as a whole (empty removes it)"),
            )
        } else {
            self.pick(
                format!("{code} {item} 的评语（留空则删除）"),
                format!("Comment on {code} {item} (empty removes it)"),
            )
        }
    }

    /// Prompt of the opinion editor; `title` is the rubric's (专家评审意见), `title_en` its
    /// English title, `min` the fewest characters it takes (0: any).
    pub fn opinion_prompt(self, code: &str, title: &str, title_en: &str, min: usize) -> String {
        if min > 0 {
            self.pick(
                format!("{code} 的{title}（至少 {min} 个字，不计空白，提交前必填；Alt+Enter 换行，Enter 保存）"),
                format!("{title_en} on {code} (at least {min} characters, white space not counted, required before submitting; Alt+Enter breaks the line, Enter saves)"),
            )
        } else {
            self.pick(
                format!("{code} 的{title}（留空则删除）"),
                format!("{title_en} on {code} (empty removes it)"),
            )
        }
    }

    /// The opinion was saved (or removed).
    pub fn opinion_saved(self, code: &str, title: &str, title_en: &str, chars: usize) -> String {
        if chars == 0 {
            self.pick(
                format!("已保存：删除 {code} 的{title}"),
                format!("saved: {title_en} on {code} removed"),
            )
        } else {
            self.pick(
                format!("已保存 {code} 的{title}（{chars} 字）"),
                format!("saved {title_en} on {code} ({chars} characters)"),
            )
        }
    }

    /// The opinion was saved but is shorter than `min`: the shortfall first, short enough
    /// for an 80-column status line.
    pub fn opinion_saved_short(self, code: &str, have: usize, min: usize) -> String {
        self.pick(
            format!("已保存 {code} 的意见，但仅 {have} 字，至少需 {min} 字（按 w 修改）"),
            format!("saved {code} opinion, but {have} characters; {min} needed (w edits)"),
        )
    }

    /// The opinion blocks submitting: missing (`have == 0`) or shorter than `min`.
    pub fn opinion_missing(self, title: &str, title_en: &str, have: usize, min: usize) -> String {
        if have == 0 {
            self.pick(
                format!("{title}未填写（按 w 撰写）"),
                format!("{title_en} not written (press w)"),
            )
        } else {
            self.pick(
                format!("{title}仅 {have} 字，至少需 {min} 字（按 w 修改）"),
                format!("{title_en} has {have} characters, at least {min} are needed (press w)"),
            )
        }
    }

    pub fn conflict_prompt(self, code: &str) -> String {
        self.pick(
            format!("声明回避 {code}：请填写理由（必填），Enter 后再确认。声明后该项目对你锁定，你的评分不计入汇总，评审组长会看到理由；提交前可撤回。"),
            format!("Declare a conflict of interest for {code}: give a reason (required), then confirm. The application is then locked for you, your scores do not count, the chair sees the reason; you can withdraw it until you submit."),
        )
    }

    pub fn withdraw_prompt(self, code: &str) -> String {
        self.pick(
            format!("撤回 {code} 的回避声明：请填写理由（必填），Enter 后再确认。撤回后项目恢复为未提交，原有评分保留。"),
            format!("Withdraw the conflict of interest declared for {code}: give a reason (required), then confirm. The application becomes a draft again with its scores as they were."),
        )
    }

    pub fn confirm_conflict(self, code: &str, reason: &str) -> Vec<String> {
        vec![
            self.pick(
                format!("对 {code} 声明回避？"),
                format!("Declare a conflict of interest for {code}?"),
            ),
            self.pick(format!("理由：{reason}"), format!("Reason: {reason}")),
            self.pick(
                "该项目将对你锁定，你的评分不计入汇总；评分表随即写出，评审组长会看到理由。".into(),
                "The application is locked for you and your scores do not count; the sheet is written at once and the chair sees the reason.".into(),
            ),
        ]
    }

    pub fn confirm_withdraw(self, code: &str, reason: &str) -> Vec<String> {
        vec![
            self.pick(
                format!("撤回对 {code} 的回避声明？"),
                format!("Withdraw the conflict of interest for {code}?"),
            ),
            self.pick(format!("理由：{reason}"), format!("Reason: {reason}")),
            self.pick(
                "项目恢复为未提交，可继续评分；撤回及理由记入日志。".into(),
                "The application becomes a draft you can score; the withdrawal and its reason are journaled.".into(),
            ),
        ]
    }

    pub fn conflict_withdrawn(self, code: &str) -> String {
        self.pick(
            format!("已保存：{code} 的回避声明已撤回，可继续评分"),
            format!("saved: conflict of interest for {code} withdrawn; you can score it"),
        )
    }

    pub fn confirm_submit(self, code: &str, total: Decimal, filled: usize) -> Vec<String> {
        let mut v = vec![self.pick(
            format!("提交 {code}？总分 {}。", show(total)),
            format!("Submit {code}? Total {}.", show(total)),
        )];
        if filled > 0 {
            v.push(self.pick(
                format!("{filled} 个规则项将按建议分保存。"),
                format!("{filled} rule item(s) will be saved at their suggestion."),
            ));
        }
        v.push(self.pick(
            "提交后评分锁定，只有评审组长可以重开。".into(),
            "Scores are then locked; only the chair can reopen them.".into(),
        ));
        v
    }

    pub fn incomplete(self, code: &str) -> String {
        self.pick(
            format!("{code} 尚不能提交："),
            format!("{code} cannot be submitted yet:"),
        )
    }

    /// The status line under the list of what stops a submit: how much, and the first.
    pub fn incomplete_note(self, code: &str, n: usize, first: &str) -> String {
        self.pick(
            format!("{code} 尚不能提交：还有 {n} 处待完成，第一处：{first}"),
            format!("{code} cannot be submitted yet: {n} thing(s) left, the first: {first}"),
        )
    }

    pub fn unscored(self, item: &str) -> String {
        self.pick(format!("{item} 未评分"), format!("{item} is not scored"))
    }

    pub fn no_reason(self, item: &str) -> String {
        self.pick(
            format!("{item} 改动了建议分但没有理由"),
            format!("{item} overrides its suggestion without a reason"),
        )
    }

    /// A search with no match in the evidence shown, that of criterion `crit`.
    pub fn no_match(self, q: &str, crit: &str) -> String {
        self.pick(
            format!("{crit} 的证据中找不到 “{q}”（只查当前指标的证据；选其他指标的评分项再按 n）"),
            format!("“{q}” not found in the evidence of {crit} (the search looks in the criterion shown; select an item of another criterion, then n)"),
        )
    }

    pub fn hit(self, q: &str, i: usize, n: usize) -> String {
        self.pick(
            format!("“{q}” 第 {i}/{n} 处"),
            format!("“{q}” match {i} of {n}"),
        )
    }

    pub fn too_small(self, w: u16, h: u16) -> String {
        self.pick(
            format!("终端太小（{w}×{h}），至少需要 60×16"),
            format!("Terminal too small ({w}×{h}); 60×16 needed"),
        )
    }
}

/// Fixed interface strings.
pub struct Text {
    pub apps: &'static str,
    /// [`Text::apps`] where a narrow pane has no room for it.
    pub apps_short: &'static str,
    pub tree: &'static str,
    pub evidence: &'static str,
    pub standard: &'static str,
    pub requirement: &'static str,
    pub facts: &'static str,
    pub col_item: &'static str,
    pub col_max: &'static str,
    pub col_sugg: &'static str,
    pub col_value: &'static str,
    pub total: &'static str,
    pub bonus: &'static str,
    pub expert: &'static str,
    pub untouched: &'static str,
    pub partial: &'static str,
    pub submitted: &'static str,
    pub conflict: &'static str,
    pub suggestion: &'static str,
    pub expert_item: &'static str,
    pub missing: &'static str,
    pub comment: &'static str,
    pub app_comment: &'static str,
    pub no_evidence: &'static str,
    pub help: &'static str,
    pub legend: &'static str,
    pub legend_lines: [&'static str; 8],
    pub ctx_names: [&'static str; 13],
    pub reason: &'static str,
    pub search: &'static str,
    pub reason_required: &'static str,
    pub entry_pending: &'static str,
    /// A second decimal point typed into the score entry (not taken).
    pub second_dot: &'static str,
    pub entry_full: &'static str,
    pub entry_cancelled: &'static str,
    pub override_cancelled: &'static str,
    pub nothing_to_clear: &'static str,
    pub no_search: &'static str,
    pub no_apps: &'static str,
    /// A confirmation's keys, naming what yes does: submit, declare a conflict, withdraw it.
    pub yes_no: [&'static str; 3],
    pub any_key: &'static str,
    /// The help's scroll keys in the bar: a line, a page.
    pub help_scroll: [&'static str; 2],
    pub cannot_submit: &'static str,
    pub caps: &'static str,
    /// The note when a digit is typed in the application list.
    pub digits_in_list: &'static str,
    /// The status line with the application list focused: how to open the application.
    pub open_hint: &'static str,
    pub requested: &'static str,
    pub attachments: &'static str,
}

pub static ZH: Text = Text {
    apps: "申报项目",
    apps_short: "项目",
    tree: "评分表",
    evidence: "证据",
    standard: "评分标准",
    requirement: "要求",
    facts: "事实",
    col_item: "指标",
    col_max: "满分",
    col_sugg: "建议",
    col_value: "评分",
    total: "总分",
    bonus: "附加分",
    expert: "专家",
    untouched: "未开始",
    partial: "评分中",
    submitted: "已提交",
    conflict: "回避",
    suggestion: "建议分",
    expert_item: "专家评分项",
    missing: "缺失",
    comment: "评语",
    app_comment: "项目评语",
    no_evidence: "（该指标未关联申报材料）",
    help: "帮助",
    legend: "标记",
    legend_lines: [
        "○ 未开始   ● 评分中   ✓ 已提交   ✗ 回避（锁定）",
        "评分列：4.5 专家已评   =2 采用建议分   _ 未评分",
        "R 改动建议分（有理由）   ✎ 有评语   ⚠ 封顶或缺少事实",
        "▶ 所选行   ✍ 评审意见   ▲3 ▼12 上方、下方未显示的行数   ↕ 排序   ■ 评分标准",
        "分值须在 0 与满分之间，且为步长的整数倍（专家项 0.5，规则项 0.1）。",
        "规则项预填建议分；改动建议分必须填写理由。",
        "提交前每个专家项都须评分；提交后只读，只有评审组长可以重开。",
        "每次保存先写入磁盘日志，屏幕才显示“已保存”。",
    ],
    ctx_names: [
        "全局",
        "申报项目列表",
        "评分表",
        "证据",
        "输入分数时",
        "输入文字时",
        "确认框",
        "帮助",
        "消息",
        "排名表",
        "项目详情",
        "进度表",
        "专家倾向",
    ],
    reason: "理由",
    search: "搜索证据",
    reason_required: "必须填写理由，未保存",
    entry_pending: "正在输入分数：Enter 保存，Esc 取消",
    second_dot: "分数只能有一个小数点；第二个“.”未输入",
    entry_full: "分数最多 12 个字符；多出的字符未输入",
    entry_cancelled: "已取消输入，未保存",
    override_cancelled: "已取消改动，未保存",
    nothing_to_clear: "该项没有可清除的分值",
    no_search: "尚未搜索：按 / 输入要找的文字",
    no_apps: "（没有申报项目）",
    yes_no: [
        "[y/Enter] 提交   [n/Esc] 取消",
        "[y/Enter] 声明回避   [n/Esc] 取消",
        "[y/Enter] 撤回回避   [n/Esc] 取消",
    ],
    any_key: "按任意键关闭",
    help_scroll: ["滚动", "翻页"],
    cannot_submit: "不能提交",
    caps: "封顶",
    digits_in_list: "数字在评分表中打分：先按 Enter 打开项目",
    open_hint: "Enter 打开评分表，n 跳到待评项",
    requested: "申请资助",
    attachments: "附件",
};

pub static EN: Text = Text {
    apps: "Applications",
    apps_short: "Apps",
    tree: "Criteria",
    evidence: "Evidence",
    standard: "Scoring standard",
    requirement: "Requirement",
    facts: "Facts",
    col_item: "criterion",
    col_max: "max",
    col_sugg: "sugg",
    col_value: "score",
    total: "Total",
    bonus: "bonus",
    expert: "Expert",
    untouched: "untouched",
    partial: "in progress",
    submitted: "submitted",
    conflict: "conflict",
    suggestion: "Suggestion",
    expert_item: "expert judgement",
    missing: "missing",
    comment: "Comment",
    app_comment: "Application comment",
    no_evidence: "(no application material linked to this criterion)",
    help: "Help",
    legend: "Marks",
    legend_lines: [
        "○ untouched   ● in progress   ✓ submitted   ✗ conflict (locked)",
        "score column: 4.5 scored   =2 the rule's suggestion   _ not scored",
        "R overrides the suggestion (reason given)   ✎ comment   ⚠ capped or fact missing",
        "▶ selected row   ✍ written opinion   ▲3 ▼12 rows hidden above, below   ↕ sort order   ■ scoring standard",
        "Values lie in 0..max and are multiples of the step (expert items 0.5, rule items 0.1).",
        "Rule items are prefilled with their suggestion; overriding one requires a reason.",
        "Submit needs every expert item scored; then read-only until the chair reopens it.",
        "Every save is written to the on-disk journal before the screen says saved.",
    ],
    ctx_names: [
        "everywhere",
        "application list",
        "criteria",
        "evidence",
        "typing a score",
        "typing text",
        "confirmation",
        "help",
        "message",
        "ranking",
        "application details",
        "progress grid",
        "experts",
    ],
    reason: "Reason",
    search: "Search the evidence",
    reason_required: "a reason is required; not saved",
    entry_pending: "typing a score: Enter saves, Esc cancels",
    second_dot: "a score has one decimal point; the second “.” was not taken",
    entry_full: "a score has at most 12 characters; the next one was not taken",
    entry_cancelled: "entry cancelled; not saved",
    override_cancelled: "override cancelled; not saved",
    nothing_to_clear: "this item has no value to clear",
    no_search: "no search yet: press / and type the text",
    no_apps: "(no applications)",
    yes_no: [
        "[y/Enter] submit   [n/Esc] cancel",
        "[y/Enter] declare the conflict   [n/Esc] cancel",
        "[y/Enter] withdraw the declaration   [n/Esc] cancel",
    ],
    any_key: "press any key to close",
    help_scroll: ["scroll", "page"],
    cannot_submit: "Cannot submit yet",
    caps: "caps",
    digits_in_list: "digits score in the criteria pane: Enter opens the application",
    open_hint: "Enter opens its criteria, n the next item to score",
    requested: "requested funding",
    attachments: "attachments",
};

// ---------------------------------------------------------------------------------------------
// The chair screen
// ---------------------------------------------------------------------------------------------

/// Fixed strings of the chair screen.
pub struct ChairText {
    pub chair: &'static str,
    pub views: [&'static str; 4],
    pub col_rank: &'static str,
    pub col_delta: &'static str,
    pub col_code: &'static str,
    pub col_title: &'static str,
    pub col_total: &'static str,
    pub col_official: &'static str,
    pub col_calibrated: &'static str,
    pub col_p: &'static str,
    pub col_n: &'static str,
    pub col_status: &'static str,
    pub col_funding: &'static str,
    pub col_flags: &'static str,
    pub col_expert: &'static str,
    pub official: &'static str,
    pub threshold: &'static str,
    pub quota: &'static str,
    pub cap: &'static str,
    pub budget: &'static str,
    pub recommended: &'static str,
    pub shortlisted: &'static str,
    /// The shortlist could still change (header mark).
    pub provisional: &'static str,
    pub watching: &'static str,
    pub not_watching: &'static str,
    pub wan: &'static str,
    pub panel_row: &'static str,
    pub calibrated: &'static str,
    pub p_shortlist: &'static str,
    pub requested: &'static str,
    pub funding: &'static str,
    pub eligibility: &'static str,
    pub flags: &'static str,
    pub none: &'static str,
    pub spread: &'static str,
    pub overrides: &'static str,
    pub comments: &'static str,
    pub conflicts: &'static str,
    pub notes: &'static str,
    pub ineligible_reasons: &'static str,
    pub suggestion: &'static str,
    pub valid: &'static str,
    pub scored: &'static str,
    pub mean_total: &'static str,
    pub lean: &'static str,
    pub distribution: &'static str,
    pub range: &'static str,
    pub no_apps: &'static str,
    pub no_totals: &'static str,
    pub reopen_where: &'static str,
    pub draft_not_counted: &'static str,
    pub legend: &'static str,
    /// The marks legend; the flags' line is [`Lang::flag_legend`], after the first.
    pub legend_lines: [&'static str; 6],
    pub lean_help: &'static str,
    pub exported: &'static str,
    pub not_exported: &'static str,
    pub merge_refused: &'static str,
    /// Heading of what `--watch` merged or refused (progress view), newest first.
    pub merge_log: &'static str,
    pub reopened_title: &'static str,
    pub find_prompt: &'static str,
    pub progress_legend: &'static str,
    pub sheet_seq: &'static str,
    pub no_sheet: &'static str,
}

pub static CHAIR_ZH: ChairText = ChairText {
    chair: "评审组长",
    views: ["排名", "项目详情", "进度", "专家倾向"],
    col_rank: "排名",
    col_delta: "变化",
    col_code: "编号",
    col_title: "项目名称",
    col_total: "总分",
    col_official: "官方",
    col_calibrated: "校准",
    col_p: "入围率",
    col_n: "人",
    col_status: "状态",
    col_funding: "资助",
    col_flags: "提示",
    col_expert: "专家",
    official: "官方",
    threshold: "门槛",
    quota: "名额",
    cap: "每项上限",
    budget: "预算",
    recommended: "推荐资助",
    shortlisted: "入围",
    provisional: "暂定",
    watching: "◉ 监听 sheets/",
    not_watching: "○ 未监听",
    wan: "万",
    panel_row: "小组",
    calibrated: "校准总分",
    p_shortlist: "入围概率",
    requested: "申请",
    funding: "推荐资助",
    eligibility: "资格",
    flags: "提示",
    none: "无",
    spread: "总分分布",
    overrides: "改动建议分（理由）",
    comments: "评语",
    conflicts: "回避",
    notes: "说明",
    ineligible_reasons: "不符合资格",
    suggestion: "建议",
    valid: "有效",
    scored: "已评",
    mean_total: "平均总分",
    lean: "倾向（相对其他专家）",
    distribution: "总分分布",
    range: "范围",
    no_apps: "（没有申报项目）",
    no_totals: "（尚无已提交的评分）",
    reopen_where: "退回重评：先按 Enter 打开项目，再选中专家所在行按 r（或在进度表中选中格子）",
    draft_not_counted: "未提交，不计入",
    legend: "标记",
    legend_lines: [
        "★ 入围   40←50 申请 50 万元，按每项上限核定 40 万元",
        "=cut 并列跨越入围线，均不入围   $ 预算用尽   ? 资格未核验   +2 另有 2 个标记（详情中列全）",
        "矩阵：[4.5] 截尾时去掉的分   4.5! 分歧指标的最高/最低分   ! 偏离的总分",
        "进度：· 未评   ● 评分中（草稿）   ✓ 已提交   ✗ 回避",
        "官方结果按评分标准规定的方法计算；切换方法（m/b）只作对照，校准总分与入围概率始终并列显示。",
        "只有已提交的评分计入；回避的专家不计入该项目。",
    ],
    lean_help: "倾向 = 该专家总分减去同一项目其他专家平均总分，再对其评过的项目取平均；◀ 偏严 ▶ 偏宽。",
    exported: "已导出结果",
    not_exported: "导出失败",
    merge_refused: "评分表被拒收",
    merge_log: "本次监听的合并记录（最新在前）",
    reopened_title: "已退回重评",
    find_prompt: "查找项目：输入编号或名称的一部分",
    progress_legend: "· 未评  ● 草稿  ✓ 已提交  ✗ 回避",
    sheet_seq: "版",
    no_sheet: "未收到",
};

pub static CHAIR_EN: ChairText = ChairText {
    chair: "Chair",
    views: ["Ranking", "Application", "Progress", "Experts"],
    col_rank: "rank",
    col_delta: "Δ",
    col_code: "code",
    col_title: "title",
    col_total: "total",
    col_official: "offic.",
    col_calibrated: "calib.",
    col_p: "p(list)",
    col_n: "n",
    col_status: "status",
    col_funding: "fund",
    col_flags: "flags",
    col_expert: "expert",
    official: "official",
    threshold: "threshold",
    quota: "quota",
    cap: "cap",
    budget: "budget",
    recommended: "recommended",
    shortlisted: "shortlisted",
    provisional: "PROVISIONAL",
    watching: "◉ watching sheets/",
    not_watching: "○ not watching",
    wan: "万",
    panel_row: "panel",
    calibrated: "calibrated total",
    p_shortlist: "p(shortlist)",
    requested: "requested",
    funding: "recommended funding",
    eligibility: "eligibility",
    flags: "flags",
    none: "none",
    spread: "totals",
    overrides: "Overrides of a suggestion (reasons)",
    comments: "Comments",
    conflicts: "Conflicts of interest",
    notes: "Notes",
    ineligible_reasons: "Not eligible",
    suggestion: "suggestion",
    valid: "valid",
    scored: "scored",
    mean_total: "mean total",
    lean: "lean (vs the other experts)",
    distribution: "distribution of totals",
    range: "range",
    no_apps: "(no applications)",
    no_totals: "(no submitted scores yet)",
    reopen_where: "to reopen: open an application (Enter), select the expert's row and press r (or pick a cell in the progress grid)",
    draft_not_counted: "not submitted; not counted",
    legend: "Marks",
    legend_lines: [
        "★ shortlisted   40←50 requested 50 万, recommended 40 万 (the per-award cap)",
        "=cut a shared rank straddles the cut (none of it is shortlisted)   $ budget exhausted   ? eligibility unchecked   +2 two more marks than fit (the details list all)",
        "Matrix: [4.5] dropped by the trimmed mean   4.5! highest/lowest of a disagreement criterion   ! outlying total",
        "Progress: · unscored   ● draft   ✓ submitted   ✗ conflict",
        "The official result uses the rubric's method; other methods (m/b) are shown for comparison; calibrated totals and p(shortlist) are always beside it.",
        "Only submitted scores count; an expert with a conflict does not count for that application.",
    ],
    lean_help: "lean = the expert's total minus the mean of the other experts' totals on the same application, averaged over the applications they scored; ◀ stricter ▶ more generous.",
    exported: "Results exported",
    not_exported: "Export failed",
    merge_refused: "Sheet refused",
    merge_log: "merged or refused while watching (newest first)",
    reopened_title: "Reopened",
    find_prompt: "Find an application: part of its code or title",
    progress_legend: "· unscored  ● draft  ✓ submitted  ✗ conflict",
    sheet_seq: "seq",
    no_sheet: "no sheet",
};

impl Lang {
    /// The legend of the disagreement and outlier flags, with the panel's settings: the
    /// share of a criterion's max its range may reach, and the share of the total max (in
    /// points) an expert's total may deviate from the others' mean.
    pub fn flag_legend(
        self,
        range_share: Decimal,
        outlier_share: Decimal,
        total_max: Decimal,
    ) -> String {
        let pct = show(range_share * Decimal::ONE_HUNDRED);
        let points = show((outlier_share * total_max).normalize());
        self.pick(
            format!("≠B1 该指标专家评分极差超过满分的 {pct}%   !E03 该专家总分偏离其他专家均值超过 {points} 分"),
            format!("≠B1 the experts' range on B1 exceeds {pct}% of its max   !E03 that expert's total is over {points} points from the others' mean"),
        )
    }

    /// The chair screen's fixed strings.
    pub fn c(self) -> &'static ChairText {
        match self {
            Lang::Zh => &CHAIR_ZH,
            Lang::En => &CHAIR_EN,
        }
    }

    pub fn method_name(self, m: crate::aggregate::Method) -> &'static str {
        use crate::aggregate::Method;
        match (self, m) {
            (Lang::Zh, Method::Mean) => "均值",
            (Lang::Zh, Method::Trimmed) => "截尾均值",
            (Lang::Zh, Method::Median) => "中位数",
            (Lang::Zh, Method::Normalized) => "标准化",
            (Lang::En, Method::Mean) => "mean",
            (Lang::En, Method::Trimmed) => "trimmed mean",
            (Lang::En, Method::Median) => "median",
            (Lang::En, Method::Normalized) => "normalized",
        }
    }

    pub fn by_name(self, b: crate::aggregate::By) -> &'static str {
        use crate::aggregate::By;
        match (self, b) {
            (Lang::Zh, By::Criterion) => "按指标",
            (Lang::Zh, By::Total) => "按总分",
            (Lang::En, By::Criterion) => "per criterion",
            (Lang::En, By::Total) => "of totals",
        }
    }

    /// Short status of an application in the ranking.
    pub fn app_status(self, status: Status, threshold: Option<Decimal>) -> String {
        let zh = self.is_zh();
        match status {
            Status::Ranked => (if zh { "排名" } else { "ranked" }).into(),
            Status::Incomplete => (if zh { "人数不足" } else { "incomplete" }).into(),
            Status::Ineligible => (if zh { "不合格" } else { "ineligible" }).into(),
            Status::BelowThreshold => {
                let t = threshold.map(show).unwrap_or_default();
                if zh {
                    format!("低于{t}")
                } else {
                    format!("below {t}")
                }
            }
        }
    }

    pub fn method_switched(self, method: &str, entering: &[String], leaving: &[String]) -> String {
        if entering.is_empty() && leaving.is_empty() {
            return self.pick(
                format!("对照方法：{method}；入围名单与官方相同"),
                format!("comparing {method}: same shortlist as the official result"),
            );
        }
        let plus: Vec<String> = entering.iter().map(|c| format!("+{c}")).collect();
        let minus: Vec<String> = leaving.iter().map(|c| format!("−{c}")).collect();
        let ch = [plus, minus].concat().join(" ");
        self.pick(
            format!("对照方法：{method}；入围变化 {ch}（官方结果不变）"),
            format!("comparing {method}: shortlist would change {ch} (the official result stands)"),
        )
    }

    pub fn back_to_official(self, method: &str) -> String {
        self.pick(
            format!("回到官方方法：{method}"),
            format!("back to the official method: {method}"),
        )
    }

    pub fn merged_sheet(self, expert: &str, seq: u64, changed: usize) -> String {
        self.pick(
            format!("已合并 {expert} 的评分表（第 {seq} 版，{changed} 处变化）"),
            format!("merged the sheet of {expert} (seq {seq}, {changed} change(s))"),
        )
    }

    pub fn reopen_prompt(self, expert: &str, code: &str) -> String {
        self.pick(
            format!("退回 {code} 给 {expert} 重评：请填写理由（必填；专家将看到，并记入审计日志）"),
            format!("Reopen {code} for {expert}: give a reason (required; the expert sees it, and it is kept in the audit log)"),
        )
    }

    pub fn reopen_not_submitted(self, expert: &str, code: &str) -> String {
        self.pick(
            format!("{expert} 尚未提交 {code}，无需退回"),
            format!("{expert} has not submitted {code}; nothing to reopen"),
        )
    }

    /// Short enough for the status line at 80 columns with the note's path.
    pub fn reopen_done(self, expert: &str, code: &str, note: &str) -> String {
        self.pick(
            format!("已退回 {code} 给 {expert} 重评，理由已记录；通知：{note}"),
            format!("{code} reopened for {expert}, reason recorded; note {note}"),
        )
    }

    /// After a reopen: what was done, and what happens next on the expert's side and on the
    /// chair's (`watching`: whether `--watch` merges new sheets now).
    pub fn reopen_next(self, expert: &str, code: &str, note: &str, watching: bool) -> Vec<String> {
        let watch = match (self, watching) {
            (Lang::Zh, true) => "监听已开启，新评分表到达 sheets/ 即自动合并。".to_string(),
            (Lang::Zh, false) => "现未监听：按 w 开启（或以 --watch 启动），新评分表到达 sheets/ 即自动合并。".to_string(),
            (Lang::En, true) => "Watching is on: it is merged as soon as it arrives in sheets/.".to_string(),
            (Lang::En, false) => "Not watching now: w turns it on (or start with --watch), then it is merged as soon as it arrives in sheets/.".to_string(),
        };
        match self {
            Lang::Zh => vec![
                format!("已退回 {code} 给 {expert} 重评，理由已记录；通知：{note}"),
                String::new(),
                format!("接下来：{expert} 的评分界面会显示退回和理由（已打开则几秒内，否则下次启动时），{code} 重新可编辑。"),
                format!("{expert} 再次提交后，你会收到新版本的评分表：{watch}"),
            ],
            Lang::En => vec![
                format!("{code} reopened for {expert}, reason recorded; note {note}"),
                String::new(),
                format!("Next: {expert}'s screen shows the reopen and your reason (within seconds if it is open, else at the next start), and {code} can be edited again."),
                format!("When {expert} submits again you get the new revision of the sheet. {watch}"),
            ],
        }
    }

    /// The reopen editor closed with Esc: whether the typed reason was kept for the next `r`.
    pub fn reopen_cancelled(self, kept: bool) -> &'static str {
        match (self, kept) {
            (Lang::Zh, false) => "已取消，未退回",
            (Lang::Zh, true) => "已取消，未退回；已输入的理由已保留，再按 r 继续填写",
            (Lang::En, false) => "cancelled; nothing reopened",
            (Lang::En, true) => {
                "cancelled; nothing reopened; the reason typed is kept: r goes on with it"
            }
        }
    }

    /// The reopen editor opened again with the reason typed before.
    pub fn reopen_draft_restored(self) -> &'static str {
        match self {
            Lang::Zh => "已恢复上次取消时输入的理由",
            Lang::En => "the reason typed before is back",
        }
    }

    /// `q` with reopen reasons typed and not sent (`pairs`: `E02×T24-002`).
    pub fn reopen_drafts_on_quit(self, pairs: &[String]) -> String {
        self.pick(
            format!(
                "退回理由尚未提交（{}）：再按 q 退出（理由将丢失），r 继续填写",
                pairs.join("、")
            ),
            format!(
                "reopen reason(s) typed, not sent ({}): q again quits and drops them, r goes on",
                pairs.join(", ")
            ),
        )
    }

    pub fn exported_to(self, dir: &str, method: &str) -> String {
        self.pick(
            format!("已写入 {dir}（方法：{method}）"),
            format!("written to {dir} (method: {method})"),
        )
    }

    /// The export of a method other than the official one: where the official files are.
    pub fn exported_comparison(self, official_dir: &str) -> String {
        self.pick(
            format!("对照方法，非官方结果；官方结果在 {official_dir}，未被覆盖"),
            format!(
                "a comparison method, not the official result; the official files in \
                 {official_dir} are left as they are"
            ),
        )
    }

    /// Between the items of a list of sentences on one line.
    pub fn list_sep(self) -> &'static str {
        match self {
            Lang::Zh => "；",
            Lang::En => "; ",
        }
    }

    /// A status reason from the chair database in this language: a reopen's reason is stored
    /// after a fixed English prefix ([`crate::sheet::reopened_reason`]).
    pub fn status_reason(self, reason: &str) -> String {
        match (self, crate::sheet::reopened_reason(reason)) {
            (Lang::Zh, Some(r)) => format!("组长退回重评：{r}"),
            _ => reason.to_string(),
        }
    }

    pub fn watch_state(self, on: bool) -> String {
        match (self, on) {
            (Lang::Zh, true) => "开始监听 sheets/：新评分表到达即合并".into(),
            (Lang::Zh, false) => "已停止监听 sheets/".into(),
            (Lang::En, true) => "watching sheets/: new sheets are merged as they arrive".into(),
            (Lang::En, false) => "stopped watching sheets/".into(),
        }
    }

    pub fn found(self, q: &str, i: usize, n: usize) -> String {
        self.pick(
            format!("“{q}” 第 {i}/{n} 个项目"),
            format!("“{q}”: application {i} of {n}"),
        )
    }

    pub fn not_found(self, q: &str) -> String {
        self.pick(
            format!("没有编号或名称含 “{q}” 的项目"),
            format!("no application code or title contains “{q}”"),
        )
    }

    pub fn chair_too_small(self, w: u16, h: u16) -> String {
        self.too_small(w, h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_and_lists_use_the_chinese_semicolon() {
        assert_eq!(
            Lang::Zh.note("eligibility unchecked: E2b (checked by hand); E3b (checked by hand)"),
            "资格未核验：E2b（需人工核验）；E3b（需人工核验）"
        );
        assert_eq!(Lang::Zh.list_sep(), "；");
        assert_eq!(Lang::En.list_sep(), "; ");
    }

    #[test]
    fn a_reopen_reason_is_shown_in_the_interface_language() {
        let stored = "reopened by the chair: 请复核 B1";
        assert_eq!(Lang::Zh.status_reason(stored), "组长退回重评：请复核 B1");
        assert_eq!(Lang::En.status_reason(stored), stored);
        // another reason (a conflict's) as it was written
        assert_eq!(Lang::Zh.status_reason("本单位任职"), "本单位任职");
    }

    /// The flags' legend follows the rubric's settings (it said 40% and 30 points whatever
    /// the rubric set).
    #[test]
    fn the_flag_legend_reads_the_settings() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let en = Lang::En.flag_legend(d("0.25"), d("0.3"), d("110"));
        assert!(en.contains("exceeds 25% of its max"), "{en}");
        assert!(en.contains("over 33 points"), "{en}");
        let zh = Lang::Zh.flag_legend(d("0.4"), d("0.30"), d("100"));
        assert!(
            zh.contains("满分的 40%") && zh.contains("超过 30 分"),
            "{zh}"
        );
    }

    #[test]
    fn yes_no_facts_read_the_same_in_each_language() {
        // a rule that holds writes `= true`, one that fails writes the value's display form
        for (from, en, zh) in [
            (
                "industry_in_9x = true → 1",
                "industry_in_9x = yes → 1",
                "industry_in_9x = 是 → 1",
            ),
            (
                "industry_in_9x = 否 no → 0",
                "industry_in_9x = no → 0",
                "industry_in_9x = 否 → 0",
            ),
            ("x = false", "x = no", "x = 否"),
            ("x = 无 (null) → 0", "x = none → 0", "x = 无 → 0"),
        ] {
            assert_eq!(Lang::En.explain(from), en);
            assert_eq!(Lang::Zh.explain(from), zh);
        }
    }

    #[test]
    fn language_from_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(a, _)| *a == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_vars(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_vars(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", "zh_TW"), ("LANG", "en_US")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_vars(env(&[("LC_ALL", ""), ("LANG", "zh_CN")])),
            Lang::Zh
        );
        assert_eq!(Lang::from_vars(env(&[])), Lang::En);
        assert_eq!(Lang::parse("zh"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
