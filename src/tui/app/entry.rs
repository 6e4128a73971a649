//! The expert screen's inline score entry as a component: the text typed on an item row
//! (at most 12 characters), and whether it still shows the item's current value, which the
//! first character typed replaces.

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
}
