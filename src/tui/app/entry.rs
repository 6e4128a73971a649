//! The expert screen's inline score entry as a component: the text typed on an item row
//! (at most 12 characters), and whether it still shows the item's current value, which the
//! first character typed replaces.

use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use crate::tui::action::Action;
use crate::tui::draw::{set, Theme};
use crate::tui::text::pad_left;

/// What a key in the open entry asks of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Check the text and save it as the item's value.
    Commit,
    /// The entry was closed without saving: say so.
    Cancelled,
    /// Show the help.
    Help,
    /// Any other key: say that a value is being typed.
    Pending,
}

/// The inline score entry's state.
#[derive(Debug, Clone, Default)]
pub struct InlineEntry {
    /// The text typed, when the entry is open.
    buf: Option<String>,
    /// The entry shows the item's current value (Enter on the row): the first character
    /// typed replaces it; Backspace edits it instead.
    fresh: bool,
}

impl InlineEntry {
    /// The text typed, when the entry is open.
    pub fn text(&self) -> Option<&str> {
        self.buf.as_deref()
    }

    /// Open with the character typed on the row.
    pub(super) fn start(&mut self, c: char) {
        self.buf = Some(c.to_string());
        self.fresh = false;
    }

    /// Open showing the item's `current` value (empty when it has none).
    pub(super) fn edit(&mut self, current: Option<String>) {
        self.fresh = current.is_some();
        self.buf = Some(current.unwrap_or_default());
    }

    /// Close, dropping the text.
    pub(super) fn close(&mut self) {
        self.buf = None;
    }

    /// A character typed into the open entry.
    pub(super) fn type_char(&mut self, c: char) {
        if let Some(b) = self.buf.as_mut() {
            if std::mem::take(&mut self.fresh) {
                b.clear();
            }
            if b.len() < 12 {
                b.push(c);
            }
        }
    }

    /// Backspace in the open entry.
    pub(super) fn backspace(&mut self) {
        self.fresh = false;
        if let Some(b) = self.buf.as_mut() {
            b.pop();
        }
    }

    /// Apply a key while the entry is open (it takes every key); `None` when the screen has
    /// nothing to do.
    pub(super) fn handle(&mut self, action: Action) -> Option<Outcome> {
        match action {
            Action::Type(c) => self.type_char(c),
            Action::Backspace => self.backspace(),
            Action::Confirm => return Some(Outcome::Commit),
            Action::Back => {
                self.close();
                return Some(Outcome::Cancelled);
            }
            Action::Help => return Some(Outcome::Help),
            Action::Scroll { .. } => {}
            _ => return Some(Outcome::Pending),
        }
        None
    }

    /// The value cell's text while the entry is open: the text typed and a cursor.
    pub(super) fn cell(&self) -> Option<String> {
        self.buf.as_ref().map(|b| format!("{b}▏"))
    }

    /// Draw the open entry over the value cell at (`x`, `y`), `w` columns wide: it stands out
    /// even in mono.
    pub(super) fn draw(&self, buf: &mut Buffer, x: u16, y: u16, w: usize, th: Theme) {
        if let Some(cell) = self.cell() {
            set(
                buf,
                x,
                y,
                &pad_left(&cell, w),
                w as u16,
                th.key().add_modifier(Modifier::BOLD),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_key_replaces_the_current_value_and_esc_closes() {
        let mut e = InlineEntry::default();
        e.edit(Some("3.5".into()));
        assert_eq!(e.cell().as_deref(), Some("3.5▏"));
        assert_eq!(e.handle(Action::Type('4')), None);
        assert_eq!(e.text(), Some("4"));
        assert_eq!(e.handle(Action::Backspace), None);
        assert_eq!(e.text(), Some(""));
        assert_eq!(e.handle(Action::Confirm), Some(Outcome::Commit));
        assert_eq!(e.handle(Action::Help), Some(Outcome::Help));
        assert_eq!(e.handle(Action::Submit), Some(Outcome::Pending));
        assert_eq!(e.handle(Action::Back), Some(Outcome::Cancelled));
        assert_eq!(e.text(), None);
        assert_eq!(e.cell(), None);
    }
}
