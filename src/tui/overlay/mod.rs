//! The overlays shared by the expert and the chair screens, kept on a stack that sees keys
//! first, and the status-line note. Each popup is a component with its state (the
//! variant's fields), its `draw` and its `handle`: `help.rs`, `confirm.rs` (y/n),
//! `editor.rs` (a prompt and a text box), `message.rs`. [`Overlay::handle_common`] handles
//! the keys that mean the same on both screens, once; the screen decides the rest (what a
//! confirmed answer or a saved text does).
//!
//! Key dispatch ([`super::keys`]) looks only at the top overlay's kind, so it depends on
//! this module and not on either screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::action::Action;
use super::draw::Theme;
use super::i18n::Lang;
use super::textbox::TextBox;

mod confirm;
mod editor;
mod help;
mod message;

pub use confirm::Confirmed;
pub(crate) use editor::editor_geometry;
pub use editor::EditKind;
pub(crate) use help::{bar_items as help_bar_items, max_scroll as help_max_scroll};

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
            Overlay::Help { scroll } => help::handle(scroll, action),
            Overlay::Message { .. } => message::handle(action),
            Overlay::Editor { buf, .. } => editor::handle(buf, action),
            Overlay::Confirm { .. } => confirm::handle(),
        }
    }

    /// Keep an open help's scroll within `max` ([`help_max_scroll`]); other overlays are left
    /// as they are.
    pub(crate) fn keep_help_scroll(&mut self, max: usize) {
        if let Overlay::Help { scroll } = self {
            *scroll = (*scroll).min(max);
        }
    }

    /// Draw the overlay over `area`; `help` gives the help's lines for a width.
    pub(crate) fn draw(
        &self,
        lang: Lang,
        area: Rect,
        buf: &mut Buffer,
        th: Theme,
        help: &dyn Fn(usize) -> Vec<(String, bool)>,
    ) {
        match self {
            Overlay::Help { scroll } => help::draw(*scroll, lang, area, buf, th, help),
            Overlay::Confirm { what, lines, .. } => confirm::draw(what, lines, lang, area, buf, th),
            Overlay::Editor {
                kind,
                prompt,
                buf: text,
            } => editor::draw(kind, prompt, text, lang, area, buf, th),
            Overlay::Message { title, lines } => message::draw(title, lines, lang, area, buf, th),
        }
    }

    /// Where the terminal cursor goes over `area`: in an editor, at the end of its text
    /// (where input methods show their candidate window); elsewhere nowhere.
    pub(crate) fn cursor(&self, area: Rect) -> Option<(u16, u16)> {
        match self {
            Overlay::Editor { prompt, buf, .. } => Some(editor::cursor(prompt, buf, area)),
            _ => None,
        }
    }
}

/// The key bar's label for `a` with `top` the top overlay (if any): an editor's Enter and
/// Esc say what they do in that editor, as its key line does; a confirmation's yes says what
/// is confirmed and its no cancels, as the popup says; with the score entry open
/// (`typing`), Esc cancels the entry. Elsewhere the action's own short label.
pub(crate) fn bar_label(
    top: Option<&Overlay>,
    typing: bool,
    a: Action,
    lang: Lang,
) -> &'static str {
    let zh = lang.is_zh();
    let cancel = if zh { "取消" } else { "cancel" };
    match (top, a) {
        (Some(Overlay::Editor { kind, .. }), Action::Confirm) => kind.key_labels(lang).0,
        (Some(Overlay::Editor { kind, .. }), Action::Back) => kind.key_labels(lang).1,
        (Some(Overlay::Confirm { what, .. }), Action::Yes) => what.yes_label(lang),
        (Some(Overlay::Confirm { .. }), Action::No) => cancel,
        (None, Action::Back) if typing => cancel,
        _ => a.short(zh).unwrap_or(""),
    }
}

/// Draw one overlay ([`Overlay::draw`]); `help` gives the help overlay's lines for a width.
pub(crate) fn draw_overlay(
    lang: Lang,
    o: &Overlay,
    area: Rect,
    buf: &mut Buffer,
    th: Theme,
    help: &dyn Fn(usize) -> Vec<(String, bool)>,
) {
    o.draw(lang, area, buf, th, help);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_keys_scroll_and_close_the_help_and_messages_and_edit_text() {
        let mut help = Overlay::Help { scroll: 0 };
        assert_eq!(help.handle_common(Action::PageDown), Common::Done);
        assert_eq!(help.handle_common(Action::Up), Common::Done);
        assert_eq!(help, Overlay::Help { scroll: 9 });
        assert_eq!(help.handle_common(Action::Back), Common::Close);
        let mut msg = Overlay::Message {
            title: "t".into(),
            lines: Vec::new(),
        };
        let wheel = Action::Scroll {
            col: 0,
            row: 0,
            down: true,
        };
        assert_eq!(msg.handle_common(wheel), Common::Done);
        assert_eq!(msg.handle_common(Action::Yes), Common::Close);
        let mut ed = Overlay::Editor {
            kind: EditKind::Search,
            prompt: "p".into(),
            buf: TextBox::single(""),
        };
        assert_eq!(ed.handle_common(Action::Char('a')), Common::Done);
        assert_eq!(ed.handle_common(Action::Confirm), Common::Screen);
        assert_eq!(ed.handle_common(Action::Back), Common::Screen);
        let Overlay::Editor { buf, .. } = &ed else {
            unreachable!()
        };
        assert_eq!(buf.text(), "a");
        let mut confirm = Overlay::Confirm {
            app: 0,
            what: Confirmed::Submit,
            lines: Vec::new(),
        };
        assert_eq!(confirm.handle_common(Action::Yes), Common::Screen);
        assert!(confirm.cursor(Rect::new(0, 0, 80, 24)).is_none());
        assert!(ed.cursor(Rect::new(0, 0, 80, 24)).is_some());
    }
}
