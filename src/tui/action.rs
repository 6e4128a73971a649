//! Every user action of the expert and the chair screens.
//!
//! The doc comments of the keyed actions are the help text: the first doc
//! line is English, the second Chinese, each as `short label: longer text`.
//! The `actions!` macro keeps them as data ([`Action::help`]), so the help
//! overlay and the bottom bar are generated from this one source.

/// Defines [`Action`] from doc-commented variants (English line, then Chinese line).
macro_rules! actions {
    (
        unit { $( #[doc = $en:literal] #[doc = $zh:literal] $name:ident, )* }
        with_char { $( #[doc = $cen:literal] #[doc = $czh:literal] $cname:ident, )* }
    ) => {
        /// A user action; each screen's `update` ([`crate::tui::app::update`],
        /// [`crate::tui::chair::update`]) applies it to its state.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $( #[doc = $en] #[doc = $zh] $name, )*
            $( #[doc = $cen] #[doc = $czh] $cname(char), )*
            /// Text typed into an editor overlay (any printable key there).
            Char(char),
            /// An editing key for the editor overlay's text box (moves, deletes, line
            /// breaks), passed on as it came.
            EditKey(crossterm::event::KeyEvent),
            /// Mouse click at a cell (column, row).
            Click { col: u16, row: u16 },
            /// Mouse wheel at a cell; `down` scrolls towards the end.
            Scroll { col: u16, row: u16, down: bool },
            /// The terminal was resized to width × height.
            Resize { w: u16, h: u16 },
        }

        impl Action {
            /// Names of the actions the key map may bind (snake_case), unit actions first.
            pub const UNIT_NAMES: &'static [&'static str] = &[ $( stringify!($name), )* ];
            /// Names of the actions that take the key's character.
            pub const CHAR_NAMES: &'static [&'static str] = &[ $( stringify!($cname), )* ];

            /// The action bound to `name` in the key map (snake_case); `key` is
            /// the key's character, needed by the actions that take one.
            pub fn from_name(name: &str, key: Option<char>) -> Option<Action> {
                $( if name == snake(stringify!($name)) { return Some(Action::$name); } )*
                $( if name == snake(stringify!($cname)) { return key.map(Action::$cname); } )*
                None
            }

            /// The key-map name of a keyed action (snake_case); `None` for the
            /// unkeyed ones (typed text, mouse, resize).
            pub fn name(&self) -> Option<String> {
                match self {
                    $( Action::$name => Some(snake(stringify!($name))), )*
                    $( Action::$cname(_) => Some(snake(stringify!($cname))), )*
                    _ => None,
                }
            }

            /// Help text `(zh, en)` from the variant's doc comment.
            pub fn help(&self) -> Option<(&'static str, &'static str)> {
                match self {
                    $( Action::$name => Some(($zh.trim(), $en.trim())), )*
                    $( Action::$cname(_) => Some(($czh.trim(), $cen.trim())), )*
                    _ => None,
                }
            }
        }
    };
}

/// `CamelCase` → `snake_case`.
pub fn snake(camel: &str) -> String {
    let mut s = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

actions! {
    unit {
        /// up: Move up one row (or scroll up)
        /// 上移: 上移一行（或向上滚动）
        Up,
        /// down: Move down one row (or scroll down)
        /// 下移: 下移一行（或向下滚动）
        Down,
        /// top: Go to the first row
        /// 顶部: 跳到第一行
        Top,
        /// bottom: Go to the last row
        /// 底部: 跳到最后一行
        Bottom,
        /// page up: Page up
        /// 上翻页: 向上翻页
        PageUp,
        /// page down: Page down
        /// 下翻页: 向下翻页
        PageDown,
        /// evidence up: Scroll the evidence beside the criteria up a page
        /// 证据上翻: 将评分表旁的证据向上翻一页
        EvidencePageUp,
        /// evidence down: Scroll the evidence beside the criteria down a page
        /// 证据下翻: 将评分表旁的证据向下翻一页
        EvidencePageDown,
        /// pane: Next pane (applications → criteria → evidence)
        /// 切换: 下一个窗格（申报项目 → 评分表 → 证据）
        NextPane,
        /// pane back: Previous pane
        /// 上一窗格: 上一个窗格
        PrevPane,
        /// open: Open the selected application's criteria
        /// 打开: 打开所选项目的评分表
        Open,
        /// edit: Edit the value of the selected item
        /// 编辑: 编辑所选评分项的分值
        Edit,
        /// save: Save / confirm
        /// 保存: 保存／确认
        Confirm,
        /// back: Back: close, cancel, or go to the previous pane (never quits)
        /// 返回: 返回：关闭、取消或回到上一窗格（不会退出）
        Back,
        /// delete: Delete the last character
        /// 删除: 删除最后一个字符
        Backspace,
        /// clear: Clear the item's value (a rule item goes back to its suggestion)
        /// 清除: 清除该项分值（规则项恢复为建议分）
        Reset,
        /// comment: Comment on the item (in the application list: on the application)
        /// 评语: 为该项写评语（在项目列表中：为整个项目）
        Comment,
        /// opinion: Write the expert's opinion on the application (专家评审意见; required before submitting when the rubric asks for one)
        /// 评审意见: 撰写该项目的专家评审意见（评分标准要求时，提交前必填）
        Opinion,
        /// conflict: Declare a conflict of interest (asks a reason, locks the application)
        /// 回避: 声明利益冲突回避（需填写理由，锁定该项目）
        Conflict,
        /// submit: Submit the application's scores (checks completeness, asks to confirm)
        /// 提交: 提交该项目评分（检查完整性并确认）
        Submit,
        /// search: Search the evidence
        /// 搜索: 在证据中搜索
        Search,
        /// next: Next search match
        /// 下一处: 下一个匹配
        SearchNext,
        /// previous: Previous search match
        /// 上一处: 上一个匹配
        SearchPrev,
        /// yes: Yes
        /// 是: 确认
        Yes,
        /// no: No
        /// 否: 取消
        No,
        /// help: Show or close this help
        /// 帮助: 显示或关闭帮助
        Help,
        /// quit: Quit (every saved score is already on disk; text left unsaved with Esc: press it twice)
        /// 退出: 退出（已保存的分数均已写入磁盘；用 Esc 留下未保存的文字时：按两次）
        Quit,
        /// quit now: Quit at once, from anywhere (text typed in an editor and not saved: press it twice)
        /// 立即退出: 任何时候立即退出（编辑框中有未保存的文字时：按两次）
        ForceQuit,
        /// switch view: Switch between the expert's and the chair's screen (demo)
        /// 切换视图: 在专家评分与组长汇总之间切换（演示）
        SwitchView,
        /// left: Move left one column
        /// 左移: 左移一列
        Left,
        /// right: Move right one column
        /// 右移: 右移一列
        Right,
        /// details: Open the application: experts × criteria, comments, overrides
        /// 详情: 打开该项目：专家×指标评分矩阵、评语、改动理由
        Drill,
        /// view: Next view (ranking → progress → experts)
        /// 视图: 下一个视图（排名 → 进度 → 专家倾向）
        NextView,
        /// view back: Previous view
        /// 上一视图: 上一个视图
        PrevView,
        /// next app: Next application (in ranking order)
        /// 下一项: 下一个项目（按排名顺序）
        NextApp,
        /// previous app: Previous application
        /// 上一项: 上一个项目
        PrevApp,
        /// method: Switch the panel method (mean → trimmed → median → normalized); the official result stays beside it
        /// 方法: 切换汇总方法（均值 → 截尾均值 → 中位数 → 标准化）；官方结果始终并列显示
        CycleMethod,
        /// by: Apply the method per criterion or to the expert totals
        /// 口径: 按指标或按专家总分汇总
        ToggleBy,
        /// reopen: Reopen the application for the selected expert (asks a reason; the expert sees it in the open screen within seconds, or at the next start)
        /// 退回: 退回所选专家重评该项目（须填写理由；专家的评分界面几秒内即显示，未打开则下次启动时显示）
        Reopen,
        /// export: Write the results (JSON, CSV, XLSX, Markdown, 评审汇总表) to results/ in the panel folder; another method than the official one to results/compare-<method>-<by>/
        /// 导出: 将结果（JSON、CSV、XLSX、Markdown、评审汇总表）写入评审目录下的 results/（非官方的对照方法写入其下单独的对照目录）
        Export,
        /// watch: Merge new score sheets from sheets/ as they arrive (on/off)
        /// 监听: 自动合并 sheets/ 中新到的评分表（开/关）
        ToggleWatch,
        /// find: Find an application by code or title
        /// 查找: 按编号或名称查找项目
        Find,
        /// to do: Next item that needs you (unscored expert items first, then rule items you have not confirmed); while a search is active, the next match
        /// 待评: 跳到下一个需要你评分的项（先未评的专家项，再未确认的规则项）；搜索时为下一个匹配
        NextTodo,
        /// to do back: Previous item that needs you; while a search is active, the previous match
        /// 上一待评: 跳到上一个需要你评分的项；搜索时为上一个匹配
        PrevTodo,
        /// sort: Sort the application list: code → status → suggested total
        /// 排序: 项目列表排序：编号 → 状态 → 建议总分
        Sort,
        /// digits: Digits do not score in the application list: Enter opens the application, then digits score its selected item
        /// 数字: 在项目列表中数字不打分：先按 Enter 打开项目，再用数字为所选评分项打分
        DigitInList,
        /// undo: Undo your last score change of this application in this session (saved as a new value; the journal keeps every value)
        /// 撤销: 撤销本次会话中对该项目的最后一次改分（作为新值保存，日志保留每个值）
        Undo,
    }
    with_char {
        /// score: Type a score (digits and .); Enter saves, Esc cancels
        /// 打分: 输入分数（数字与小数点）；Enter 保存，Esc 取消
        Type,
    }
}

impl Action {
    /// Whether the bottom bar lists this action (plain navigation is left out).
    pub fn in_bar(&self) -> bool {
        !matches!(
            self,
            Action::Up
                | Action::Down
                | Action::Top
                | Action::Bottom
                | Action::PageUp
                | Action::PageDown
                | Action::EvidencePageUp
                | Action::EvidencePageDown
                | Action::DigitInList
                | Action::PrevPane
                | Action::SearchPrev
                | Action::PrevTodo
                | Action::ForceQuit
                | Action::Left
                | Action::Right
                | Action::PrevView
                | Action::PrevApp
        )
    }

    /// Short label for the bottom bar.
    pub fn short(&self, zh: bool) -> Option<&'static str> {
        let (z, e) = self.help()?;
        let s = if zh { z } else { e };
        Some(s.split_once(':').map(|(a, _)| a.trim()).unwrap_or(s))
    }

    /// Long text for the help overlay.
    pub fn long(&self, zh: bool) -> Option<&'static str> {
        let (z, e) = self.help()?;
        let s = if zh { z } else { e };
        Some(s.split_once(':').map(|(_, b)| b.trim()).unwrap_or(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_every_keyed_action_has_help() {
        for n in Action::UNIT_NAMES {
            let a = Action::from_name(&snake(n), None).expect(n);
            assert_eq!(a.name().as_deref(), Some(snake(n).as_str()));
            let (zh, en) = a.help().expect("help");
            assert!(zh.contains(':') && en.contains(':'), "{n}: {zh} / {en}");
            assert!(!a.short(true).unwrap().is_empty());
            assert!(!a.long(false).unwrap().is_empty());
        }
        assert_eq!(
            Action::from_name("type", Some('4')),
            Some(Action::Type('4'))
        );
        assert_eq!(Action::from_name("type", None), None);
        assert_eq!(Action::from_name("no_such", None), None);
        assert_eq!(snake("SearchNext"), "search_next");
        assert_eq!(Action::Down.short(false), Some("down"));
        assert_eq!(Action::Down.long(true), Some("下移一行（或向下滚动）"));
        assert!(Action::Char('x').help().is_none());
    }
}
