//! The expert screen's inline score entry as a component: the text typed on an item row
//! (at most 12 characters, one decimal point), and whether it still shows the item's current
//! value or a refused text, which the first character typed replaces.

use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use crate::tui::action::Action;
use crate::tui::draw::{set, Theme};
use crate::tui::text::pad_left;

/// The most characters the entry takes.
const MAX_CHARS: usize = 12;

/// What a key in the open entry asks of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Check the text and save it as the item's value.
    Commit,
    /// The entry was closed without saving: say so.
    Cancelled,
    /// Show the help.
    Help,
    /// A second decimal point was typed: it is not taken; say so.
    SecondDot,
    /// A character past the most the entry takes: it is not taken; say so.
    Full,
    /// Any other key: say that a value is being typed.
    Pending,
}

/// The inline score entry's state.
#[derive(Debug, Clone, Default)]
pub struct InlineEntry {
    /// The text typed, when the entry is open.
    buf: Option<String>,
    /// The entry shows the item's current value (Enter on the row) or a refused text: the
    /// first character typed replaces it; Backspace edits it instead.
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

    /// The text was refused: it stays visible, and the next character typed replaces it
    /// (as after Enter on a row) instead of being appended to it.
    pub(super) fn refused(&mut self) {
        if self.buf.is_some() {
            self.fresh = true;
        }
    }

    /// A character typed into the open entry: `None` when taken, else why it is not (a
    /// second decimal point, or the entry is full).
    fn type_char(&mut self, c: char) -> Option<Outcome> {
        let b = self.buf.as_mut()?;
        if std::mem::take(&mut self.fresh) {
            b.clear();
        }
        if c == '.' && b.contains('.') {
            return Some(Outcome::SecondDot);
        }
        if b.chars().count() >= MAX_CHARS {
            return Some(Outcome::Full);
        }
        b.push(c);
        None
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
            Action::Type(c) => return self.type_char(c),
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

    /// The value cell's text fitted into `w` columns, one column left blank before it so
    /// that it never touches the suggestion column: the end of a longer text, after `…`.
    pub(super) fn cell_fit(&self, w: usize) -> Option<String> {
        let b = self.buf.as_ref()?;
        let room = w.saturating_sub(2).max(1);
        let n = b.chars().count();
        let shown = if n <= room {
            b.clone()
        } else {
            let tail: String = b.chars().skip(n + 1 - room).collect();
            format!("…{tail}")
        };
        Some(format!("{shown}▏"))
    }

    /// Draw the open entry over the value cell at (`x`, `y`), `w` columns wide: it stands out
    /// even in mono, and stays inside its column.
    pub(super) fn draw(&self, buf: &mut Buffer, x: u16, y: u16, w: usize, th: Theme) {
        if let Some(cell) = self.cell_fit(w) {
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
        assert_eq!(e.cell_fit(7).as_deref(), Some("3.5▏"));
        assert_eq!(e.handle(Action::Type('4')), None);
        assert_eq!(e.text(), Some("4"));
        assert_eq!(e.handle(Action::Backspace), None);
        assert_eq!(e.text(), Some(""));
        assert_eq!(e.handle(Action::Confirm), Some(Outcome::Commit));
        assert_eq!(e.handle(Action::Help), Some(Outcome::Help));
        assert_eq!(e.handle(Action::Submit), Some(Outcome::Pending));
        assert_eq!(e.handle(Action::Back), Some(Outcome::Cancelled));
        assert_eq!(e.text(), None);
        assert_eq!(e.cell_fit(7), None);
    }

    #[test]
    fn a_refused_text_stays_until_the_next_key_replaces_it() {
        let mut e = InlineEntry::default();
        e.start('1');
        for c in ".25".chars() {
            assert_eq!(e.handle(Action::Type(c)), None);
        }
        assert_eq!(e.handle(Action::Confirm), Some(Outcome::Commit));
        e.refused();
        // still shown
        assert_eq!(e.text(), Some("1.25"));
        // the next digit starts a new value, not "1.251"
        assert_eq!(e.handle(Action::Type('1')), None);
        assert_eq!(e.text(), Some("1"));
        // Backspace after a refusal edits the refused text instead
        e.refused();
        assert_eq!(e.handle(Action::Backspace), None);
        assert_eq!(e.text(), Some(""));
    }

    #[test]
    fn a_second_decimal_point_is_not_taken() {
        let mut e = InlineEntry::default();
        e.start('1');
        assert_eq!(e.handle(Action::Type('.')), None);
        assert_eq!(e.handle(Action::Type('.')), Some(Outcome::SecondDot));
        assert_eq!(e.handle(Action::Type('5')), None);
        assert_eq!(e.text(), Some("1.5"));
    }

    #[test]
    fn the_cell_never_grows_past_its_column() {
        let mut e = InlineEntry::default();
        e.start('1');
        for c in "23456789012345".chars() {
            e.handle(Action::Type(c));
        }
        assert_eq!(e.text().map(str::len), Some(MAX_CHARS));
        // the characters past the most are refused, never dropped without a word
        assert_eq!(e.handle(Action::Type('1')), Some(Outcome::Full));
        assert_eq!(e.text(), Some("123456789012"));
        let cell = e.cell_fit(7).unwrap();
        assert_eq!(cell, "…9012▏");
        assert!(crate::tui::text::width(&cell) < 7);
    }
}
