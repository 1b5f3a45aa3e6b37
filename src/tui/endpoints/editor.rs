//! A small text editor for the picker: one line (a path parameter) or
//! several (a JSON body), with a cursor that moves by character and line.
//! What it holds is not secret (parameters and bodies are shown as typed).

use super::super::input::{Key, KeyCode};

/// Lines of text and a cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Editor {
    lines: Vec<String>,
    /// The cursor's line.
    row: usize,
    /// The cursor's column, in characters.
    col: usize,
    multiline: bool,
}

impl Editor {
    /// A one-line editor holding `text`, the cursor at its end.
    pub fn line(text: &str) -> Self {
        let mut editor = Self::lines("", false);
        editor.insert(&text.replace(['\r', '\n'], ""));
        editor
    }

    /// A multi-line editor holding `text`, the cursor at its end.
    pub fn multiline(text: &str) -> Self {
        let mut editor = Self::lines("", true);
        editor.insert(text);
        editor
    }

    fn lines(first: &str, multiline: bool) -> Self {
        Self {
            lines: vec![first.to_owned()],
            row: 0,
            col: 0,
            multiline,
        }
    }

    /// The text, lines joined by `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The lines.
    pub fn rows(&self) -> &[String] {
        &self.lines
    }

    /// The cursor: (line, column in characters).
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    /// Whether it holds nothing but blanks.
    pub fn is_blank(&self) -> bool {
        self.lines.iter().all(|l| l.trim().is_empty())
    }

    fn byte(&self, col: usize) -> usize {
        let line = &self.lines[self.row];
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn width(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    /// Inserts text at the cursor (line breaks split lines when multi-line;
    /// control characters are dropped).
    pub fn insert(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n");
        for c in text.chars() {
            if c == '\n' && self.multiline {
                self.newline();
            } else if c == '\t' {
                self.insert_char(' ');
                self.insert_char(' ');
            } else if !c.is_control() {
                self.insert_char(c);
            }
        }
    }

    fn insert_char(&mut self, c: char) {
        let at = self.byte(self.col);
        self.lines[self.row].insert(at, c);
        self.col += 1;
    }

    fn newline(&mut self) {
        let at = self.byte(self.col);
        let rest = self.lines[self.row].split_off(at);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }

    /// Applies an editing key; `false` when the key is not an editing one.
    pub fn key(&mut self, key: Key) -> bool {
        if key.ctrl || key.alt {
            return false;
        }
        match key.code {
            KeyCode::Char(c) if !c.is_control() => self.insert_char(c),
            KeyCode::Enter if self.multiline => self.newline(),
            KeyCode::Backspace if self.col > 0 => {
                self.col -= 1;
                let at = self.byte(self.col);
                self.lines[self.row].remove(at);
            }
            KeyCode::Backspace if self.row > 0 => {
                let line = self.lines.remove(self.row);
                self.row -= 1;
                self.col = self.width(self.row);
                self.lines[self.row].push_str(&line);
            }
            KeyCode::Delete if self.col < self.width(self.row) => {
                let at = self.byte(self.col);
                self.lines[self.row].remove(at);
            }
            KeyCode::Delete if self.row + 1 < self.lines.len() => {
                let next = self.lines.remove(self.row + 1);
                self.lines[self.row].push_str(&next);
            }
            KeyCode::Left if self.col > 0 => self.col -= 1,
            KeyCode::Left if self.row > 0 => {
                self.row -= 1;
                self.col = self.width(self.row);
            }
            KeyCode::Right if self.col < self.width(self.row) => self.col += 1,
            KeyCode::Right if self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = 0;
            }
            KeyCode::Up if self.multiline && self.row > 0 => {
                self.row -= 1;
                self.col = self.col.min(self.width(self.row));
            }
            KeyCode::Down if self.multiline && self.row + 1 < self.lines.len() => {
                self.row += 1;
                self.col = self.col.min(self.width(self.row));
            }
            KeyCode::Home => self.col = 0,
            KeyCode::End => self.col = self.width(self.row),
            KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right => {}
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(editor: &mut Editor, codes: &[KeyCode]) {
        for code in codes {
            editor.key(Key::plain(*code));
        }
    }

    #[test]
    fn typing_breaks_and_joins_lines_in_a_body() {
        let mut body = Editor::multiline("{}");
        keys(&mut body, &[KeyCode::Left, KeyCode::Enter]);
        body.insert("\"a\": 1\n");
        assert_eq!(body.text(), "{\n\"a\": 1\n}");
        keys(&mut body, &[KeyCode::Up, KeyCode::End, KeyCode::Delete]);
        assert_eq!(body.text(), "{\n\"a\": 1}");
        keys(&mut body, &[KeyCode::Home, KeyCode::Backspace]);
        assert_eq!(body.text(), "{\"a\": 1}");
        assert_eq!(body.cursor(), (0, 1));
    }

    #[test]
    fn a_line_stays_one_line_and_drops_controls() {
        let mut line = Editor::line("w0\n");
        line.insert("\u{1b}[31m\nx");
        keys(&mut line, &[KeyCode::Enter, KeyCode::Char('é')]);
        assert_eq!(line.text(), "w0[31mxé");
        assert_eq!(line.rows().len(), 1);
        assert!(!line.key(Key::plain(KeyCode::Enter)));
        keys(
            &mut line,
            &[KeyCode::Home, KeyCode::Delete, KeyCode::Delete],
        );
        assert_eq!(line.text(), "[31mxé");
    }
}
