//! Interface strings, Chinese and English, in one place. Rubric and
//! evidence text are shown as written and never pass through here.

use rust_decimal::Decimal;

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

    pub fn not_number(self, typed: &str) -> String {
        self.pick(
            format!("拒绝 “{typed}”：不是数字，未保存"),
            format!("refused “{typed}”: not a number; not saved"),
        )
    }

    pub fn read_only(self, code: &str, conflict: bool) -> String {
        if conflict {
            self.pick(
                format!("{code} 已声明回避，只读；如需重开请联系评审组长"),
                format!("{code} is locked (conflict of interest); only the chair can reopen it"),
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

    pub fn conflict_prompt(self, code: &str) -> String {
        self.pick(
            format!("声明回避 {code}：请填写理由（必填）。保存后该项目对你锁定。"),
            format!("Conflict of interest for {code}: give a reason (required). The application is then locked for you."),
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

    pub fn unscored(self, item: &str) -> String {
        self.pick(format!("{item} 未评分"), format!("{item} is not scored"))
    }

    pub fn no_reason(self, item: &str) -> String {
        self.pick(
            format!("{item} 改动了建议分但没有理由"),
            format!("{item} overrides its suggestion without a reason"),
        )
    }

    pub fn no_match(self, q: &str) -> String {
        self.pick(
            format!("证据中找不到 “{q}”"),
            format!("“{q}” not found in the evidence"),
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
    pub legend_lines: [&'static str; 7],
    pub ctx_names: [&'static str; 9],
    pub reason: &'static str,
    pub search: &'static str,
    pub reason_required: &'static str,
    pub entry_pending: &'static str,
    pub entry_cancelled: &'static str,
    pub override_cancelled: &'static str,
    pub nothing_to_clear: &'static str,
    pub no_search: &'static str,
    pub no_apps: &'static str,
    pub yes_no: &'static str,
    pub editor_keys: &'static str,
    pub any_key: &'static str,
    pub cannot_submit: &'static str,
    pub caps: &'static str,
    pub requested: &'static str,
    pub attachments: &'static str,
}

pub static ZH: Text = Text {
    apps: "申报项目",
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
    ],
    reason: "理由",
    search: "搜索证据",
    reason_required: "必须填写理由，未保存",
    entry_pending: "正在输入分数：Enter 保存，Esc 取消",
    entry_cancelled: "已取消输入，未保存",
    override_cancelled: "已取消改动，未保存",
    nothing_to_clear: "该项没有可清除的分值",
    no_search: "尚未搜索：按 / 输入要找的文字",
    no_apps: "（没有申报项目）",
    yes_no: "[y/Enter] 提交   [n/Esc] 取消",
    editor_keys: "Enter 保存   Esc 取消   Backspace 删除",
    any_key: "按任意键关闭",
    cannot_submit: "不能提交",
    caps: "封顶",
    requested: "申请资助",
    attachments: "附件",
};

pub static EN: Text = Text {
    apps: "Applications",
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
    ],
    reason: "Reason",
    search: "Search the evidence",
    reason_required: "a reason is required; not saved",
    entry_pending: "typing a score: Enter saves, Esc cancels",
    entry_cancelled: "entry cancelled; not saved",
    override_cancelled: "override cancelled; not saved",
    nothing_to_clear: "this item has no value to clear",
    no_search: "no search yet: press / and type the text",
    no_apps: "(no applications)",
    yes_no: "[y/Enter] submit   [n/Esc] cancel",
    editor_keys: "Enter saves   Esc cancels   Backspace deletes",
    any_key: "press any key to close",
    cannot_submit: "Cannot submit yet",
    caps: "caps",
    requested: "requested funding",
    attachments: "attachments",
};

#[cfg(test)]
mod tests {
    use super::*;

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
