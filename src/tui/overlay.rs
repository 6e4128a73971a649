//! The overlays shared by the expert and the chair screens (help, confirmation, editor,
//! message), kept on a stack that sees keys first, and the status-line note.
//!
//! Key dispatch ([`super::keys`]) looks only at the top overlay's kind, so it depends on
//! this module and not on either screen.

use rust_decimal::Decimal;

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
