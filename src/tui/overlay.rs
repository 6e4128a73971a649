//! The overlays shared by the expert and the chair screens (help, confirmation, editor,
//! message), kept on a stack that sees keys first, and the status-line note.
//!
//! Key dispatch ([`super::keys`]) looks only at the top overlay's kind, so it depends on
//! this module and not on either screen.

use rust_decimal::Decimal;

use super::action::Action;
use super::textbox::TextBox;

/// What an editor overlay edits.
#[derive(Debug, Clone, PartialEq)]
pub enum EditKind {
    /// The reason for overriding a rule suggestion with `value`.
    Reason {
        app: usize,
        item: String,
        value: Decimal,
    },
    /// A comment on an item (`""`: the application).
    Comment { app: usize, item: String },
    /// The written opinion on the application; `title` is the rubric's (专家评审意见).
    Opinion { app: usize, title: String },
    /// The reason for declaring a conflict of interest (`withdraw`: for withdrawing one).
    Conflict { app: usize, withdraw: bool },
    /// The evidence search.
    Search,
    /// The chair's reason for reopening `app` for `expert` (chair screen).
    Reopen { expert: String, app: String },
    /// Find an application by code or title (chair screen).
    Find,
}

/// What a confirmation overlay confirms.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    Submit,
    /// Declaring a conflict of interest, with its reason.
    Conflict(String),
    /// Withdrawing a declared conflict, with the reason for withdrawing.
    Withdraw(String),
}

/// Overlays, on a stack that sees keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    /// Confirm `what` for `app` (y/n).
    Confirm {
        app: usize,
        what: Confirmed,
        lines: Vec<String>,
    },
    Editor {
        kind: EditKind,
        prompt: String,
        buf: TextBox,
    },
    Message {
        title: String,
        lines: Vec<String>,
    },
}

/// Severity of the status-line note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Saved,
    Info,
    Error,
}

/// The status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub level: Level,
    pub text: String,
}

/// What [`Overlay::handle_common`] did with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Common {
    /// Handled (or ignored) here.
    Done,
    /// The overlay is to be closed.
    Close,
    /// A key the screen decides on (confirm, cancel, yes, no).
    Screen,
}

impl Overlay {
    /// The overlay keys both screens handle the same way: the help scrolls and closes, a
    /// message closes on any key but the wheel, an editor's text box takes typing and
    /// editing keys.
    pub fn handle_common(&mut self, action: Action) -> Common {
        match self {
            Overlay::Help { scroll } => {
                match action {
                    Action::Back | Action::Help | Action::Quit | Action::Click { .. } => {
                        return Common::Close
                    }
                    Action::Down => *scroll += 1,
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::PageDown => *scroll += 10,
                    Action::PageUp => *scroll = scroll.saturating_sub(10),
                    Action::Top => *scroll = 0,
                    Action::Bottom => *scroll = usize::MAX / 2,
                    Action::Scroll { down, .. } => {
                        *scroll = if down {
                            *scroll + 3
                        } else {
                            scroll.saturating_sub(3)
                        }
                    }
                    _ => {}
                }
                Common::Done
            }
            Overlay::Message { .. } => match action {
                Action::Scroll { .. } => Common::Done,
                _ => Common::Close,
            },
            Overlay::Editor { buf, .. } => {
                match action {
                    Action::Char(c) => buf.type_char(c),
                    Action::EditKey(ev) => {
                        buf.key(ev);
                    }
                    Action::Backspace => buf.backspace(),
                    _ => return Common::Screen,
                }
                Common::Done
            }
            Overlay::Confirm { .. } => Common::Screen,
        }
    }
}
