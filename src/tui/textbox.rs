//! The text box of the editor overlays (comments, reasons, conflict declarations, search,
//! filters): a thin wrapper over the maintained `ratatui-textarea` widget, which gives cursor
//! keys, Home/End, word moves and deletes (Ctrl-←/→, Ctrl-W, Alt-Backspace), Delete, undo
//! (Ctrl-U), paste and soft wrapping by display width (CJK characters count two columns).
//!
//! A multi-line box takes a line break with Alt-Enter or Ctrl-J (Enter saves, as in every
//! editor of the screens); a single-line box (search, filter) never holds one.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::Widget;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// The most characters a box holds (line breaks included).
pub const MAX_CHARS: usize = 2000;

/// An editable text with its cursor.
#[derive(Clone, Debug)]
pub struct TextBox {
    // boxed: the widget is large and overlays are moved around on their stack
    area: Box<TextArea<'static>>,
    multiline: bool,
    /// The text the box was opened with.
    opened: String,
}

impl PartialEq for TextBox {
    fn eq(&self, other: &TextBox) -> bool {
        self.multiline == other.multiline
            && self.area.lines() == other.area.lines()
            && self.area.cursor() == other.area.cursor()
    }
}

impl Default for TextBox {
    fn default() -> TextBox {
        TextBox::single("")
    }
}

impl TextBox {
    fn build(text: &str, multiline: bool) -> TextBox {
        let lines: Vec<String> = if multiline {
            text.split('\n').map(str::to_string).collect()
        } else {
            vec![text.replace(['\n', '\r'], " ")]
        };
        let mut area = TextArea::new(lines);
        area.set_wrap_mode(if multiline {
            WrapMode::WordOrGlyph
        } else {
            WrapMode::None
        });
        area.set_cursor_line_style(Style::new());
        area.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        TextBox {
            opened: area.lines().join("\n"),
            area: Box::new(area),
            multiline,
        }
    }

    /// Whether the text differs from the text the box was opened with.
    pub fn changed(&self) -> bool {
        self.text() != self.opened
    }

    /// A multi-line box holding `text` (`\n` separates lines), the cursor at its end.
    pub fn multi(text: &str) -> TextBox {
        TextBox::build(text, true)
    }

    /// A one-line box holding `text`, the cursor at its end.
    pub fn single(text: &str) -> TextBox {
        TextBox::build(text, false)
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// The text, lines joined by `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    fn chars(&self) -> usize {
        self.area
            .lines()
            .iter()
            .map(|l| l.chars().count() + 1)
            .sum::<usize>()
            .saturating_sub(1)
    }

    /// Types one character (a line break only in a multi-line box; other control
    /// characters are dropped). Nothing beyond [`MAX_CHARS`].
    pub fn type_char(&mut self, c: char) {
        if self.chars() >= MAX_CHARS {
            return;
        }
        if c == '\n' || c == '\r' {
            if self.multiline {
                self.area.insert_newline();
            }
        } else if !c.is_control() {
            self.area.insert_char(c);
        }
    }

    /// Pasted text, character by character (same rules as typing).
    pub fn paste(&mut self, s: &str) {
        for c in s.replace("\r\n", "\n").chars() {
            self.type_char(c);
        }
    }

    /// Deletes the character before the cursor (joining lines at a line start).
    pub fn backspace(&mut self) {
        self.area.delete_char();
    }

    /// An editing key: Alt-Enter or Ctrl-J break the line (multi-line boxes), the rest goes
    /// to the widget (moves, deletes, undo). Returns whether the text or cursor changed.
    pub fn key(&mut self, ev: KeyEvent) -> bool {
        let newline = matches!(
            (ev.code, ev.modifiers),
            (KeyCode::Enter, m) if m.intersects(KeyModifiers::ALT | KeyModifiers::SHIFT)
        ) || (ev.code == KeyCode::Char('j') && ev.modifiers == KeyModifiers::CONTROL);
        if newline {
            if self.multiline && self.chars() < MAX_CHARS {
                self.area.insert_newline();
                return true;
            }
            return false;
        }
        match ev.code {
            KeyCode::Enter | KeyCode::Esc | KeyCode::Tab | KeyCode::BackTab => false,
            KeyCode::Char(c)
                if !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                let before = self.text();
                self.type_char(c);
                before != self.text()
            }
            _ => self.area.input(ev),
        }
    }

    /// Draws the text into `r` with `style` (the cursor reversed), scrolled to the cursor.
    pub fn render(&self, r: Rect, buf: &mut Buffer, style: Style) {
        let mut area = self.area.clone();
        area.set_style(style);
        (&*area).render(r, buf);
    }

    /// Where the cursor is drawn inside a box of `r` (for the terminal cursor, where input
    /// methods show their candidates).
    pub fn cursor_in(&self, r: Rect) -> (u16, u16) {
        let area = self.area.clone();
        let mut scratch = Buffer::empty(r);
        (&*area).render(r, &mut scratch);
        let sc = area.screen_cursor();
        let (top, left) = area.scroll_offset();
        let row = (sc.row as u16).saturating_sub(top);
        let col = (sc.col as u16).saturating_sub(left);
        (
            r.x + col.min(r.width.saturating_sub(1)),
            r.y + row.min(r.height.saturating_sub(1)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn typing_moving_and_deleting() {
        let mut t = TextBox::multi("");
        for c in "评审意见".chars() {
            t.type_char(c);
        }
        t.key(key(KeyCode::Left, KeyModifiers::NONE));
        t.key(key(KeyCode::Left, KeyModifiers::NONE));
        t.type_char('：');
        assert_eq!(t.text(), "评审：意见");
        t.key(key(KeyCode::End, KeyModifiers::NONE));
        t.key(key(KeyCode::Enter, KeyModifiers::ALT));
        t.paste("第二行\r\n第三行");
        assert_eq!(t.text(), "评审：意见\n第二行\n第三行");
        t.key(key(KeyCode::Home, KeyModifiers::NONE));
        t.backspace();
        assert_eq!(t.text(), "评审：意见\n第二行第三行");
        t.key(key(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(t.text(), "评审：意见\n第三行");
    }

    #[test]
    fn single_line_boxes_hold_no_line_break_and_text_is_bounded() {
        let mut t = TextBox::single("a\nb");
        assert_eq!(t.text(), "a b");
        t.key(key(KeyCode::Char('j'), KeyModifiers::CONTROL));
        t.paste("c\nd");
        assert_eq!(t.text(), "a bcd");
        let mut t = TextBox::multi("");
        t.paste(&"字".repeat(MAX_CHARS + 10));
        assert_eq!(t.text().chars().count(), MAX_CHARS);
    }

    #[test]
    fn the_cursor_follows_wide_characters() {
        let t = TextBox::single("论证充分");
        let r = Rect::new(2, 3, 20, 1);
        assert_eq!(t.cursor_in(r), (2 + 8, 3));
        let t = TextBox::multi("一\n二三");
        let r = Rect::new(0, 0, 20, 4);
        assert_eq!(t.cursor_in(r), (4, 1));
    }
}
