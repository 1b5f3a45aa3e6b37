//! One form field: a line of text with a cursor, a masked secret, the
//! multi-line paste area of the import form, or a choice among fixed
//! values. Values are zeroed when dropped and a field's `Debug` never
//! prints a secret, since forms sit inside the app state that tests and
//! logs may print.

use std::fmt;

use zeroize::Zeroizing;

/// Which field a [`Field`] is: forms find fields by this, never by the
/// label on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldId {
    /// The credential's name.
    Name,
    /// A PAT's token id.
    TokenId,
    /// A PAT's token.
    Token,
    /// A Basic login's username.
    Username,
    /// A Basic login's password.
    Password,
    /// An OAuth client's issuer URL.
    Issuer,
    /// An OAuth client's id.
    ClientId,
    /// An OAuth client's secret.
    ClientSecret,
    /// How the client authenticates (post, basic, none).
    AuthMethod,
    /// The scope a login asks for.
    Scope,
    /// sipgate operations whose scopes are added to the scope.
    ForEndpoints,
    /// The registered redirect URI.
    RedirectUri,
    /// The REST API base.
    Api,
    /// The credential's own probe path (empty: the config's).
    ProbePath,
    /// The import form's paste area.
    Input,
}

impl FieldId {
    /// The label on screen, which is also the core's name for the field
    /// (a [`CredentialError`](crate::credential::CredentialError) names
    /// fields so).
    pub fn label(self) -> &'static str {
        match self {
            FieldId::Name => "name",
            FieldId::TokenId => "token id",
            FieldId::Token => "token",
            FieldId::Username => "username",
            FieldId::Password => "password",
            FieldId::Issuer => "issuer",
            FieldId::ClientId => "client id",
            FieldId::ClientSecret => "client secret",
            FieldId::AuthMethod => "auth method",
            FieldId::Scope => "scope",
            FieldId::ForEndpoints => "for endpoints",
            FieldId::RedirectUri => "redirect URI",
            FieldId::Api => "API base",
            FieldId::ProbePath => "probe path",
            FieldId::Input => "input",
        }
    }

    /// The field the core names `name` in an error, if a form has one.
    pub fn from_core(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|id| id.label() == name)
    }

    const ALL: [FieldId; 15] = [
        FieldId::Name,
        FieldId::TokenId,
        FieldId::Token,
        FieldId::Username,
        FieldId::Password,
        FieldId::Issuer,
        FieldId::ClientId,
        FieldId::ClientSecret,
        FieldId::AuthMethod,
        FieldId::Scope,
        FieldId::ForEndpoints,
        FieldId::RedirectUri,
        FieldId::Api,
        FieldId::ProbePath,
        FieldId::Input,
    ];
}

/// What a field holds and how it is edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// One line of plain text.
    Text,
    /// One line, masked on screen unless the form reveals secrets.
    Secret,
    /// Several lines, masked (the import paste area: it is full of tokens).
    Lines,
    /// One of these values, cycled with ←/→/Space.
    Choice(&'static [&'static str]),
}

/// A field of a form.
#[derive(Clone, PartialEq, Eq)]
pub struct Field {
    /// Which field it is (its label is [`FieldId::label`]).
    pub id: FieldId,
    /// How it is edited and shown.
    pub input: Input,
    /// A line under the field while it has the focus.
    pub hint: String,
    /// Why its value was refused, shown under it.
    pub error: Option<String>,
    value: Zeroizing<String>,
    /// The cursor, in characters.
    cursor: usize,
}

impl fmt::Debug for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = match self.input {
            Input::Secret | Input::Lines => "[REDACTED]",
            _ => self.value.as_str(),
        };
        f.debug_struct("Field")
            .field("id", &self.id)
            .field("value", &value)
            .field("error", &self.error)
            .finish()
    }
}

impl Field {
    /// A field holding `value`, the cursor at its end.
    pub fn new(id: FieldId, input: Input, value: &str, hint: impl Into<String>) -> Self {
        Self {
            id,
            input,
            hint: hint.into(),
            error: None,
            value: Zeroizing::new(value.to_owned()),
            cursor: value.chars().count(),
        }
    }

    /// The label on screen.
    pub fn label(&self) -> &'static str {
        self.id.label()
    }

    /// The value as typed.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The cursor position, in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether the value is masked on screen.
    pub fn masked(&self) -> bool {
        matches!(self.input, Input::Secret | Input::Lines)
    }

    /// Whether Enter inserts a line break here.
    pub fn multiline(&self) -> bool {
        self.input == Input::Lines
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Inserts text at the cursor.
    pub fn insert(&mut self, text: &str) {
        if let Input::Choice(_) = self.input {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.value.insert_str(at, text);
        self.cursor += text.chars().count();
        self.error = None;
    }

    /// Pasted text: one-line fields drop the line breaks around it (a
    /// copied line usually ends in one); a break inside is kept, so the
    /// core's "contains a line break" error says what went wrong instead
    /// of two lines being glued together silently.
    pub fn paste(&mut self, text: &str) {
        if self.multiline() {
            self.insert(&text.replace("\r\n", "\n"));
        } else {
            self.insert(text.trim_matches(['\r', '\n']));
        }
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            self.delete();
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        let at = self.byte_at(self.cursor);
        if at < self.value.len() {
            self.value.remove(at);
            self.error = None;
        }
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
        self.error = None;
    }

    /// Moves the cursor by `delta` characters, or cycles a choice.
    pub fn step(&mut self, delta: isize) {
        if let Input::Choice(choices) = self.input {
            let at = choices.iter().position(|c| *c == self.value()).unwrap_or(0);
            let next = (at as isize + delta).rem_euclid(choices.len() as isize) as usize;
            *self.value = choices[next].to_owned();
            self.error = None;
            return;
        }
        self.cursor = self
            .cursor
            .saturating_add_signed(delta)
            .min(self.value.chars().count());
    }

    /// Moves the cursor to the start (`false`) or the end (`true`).
    pub fn jump(&mut self, end: bool) {
        self.cursor = if end { self.value.chars().count() } else { 0 };
    }

    /// A typed character: text goes in; a choice picks the value that
    /// starts with it.
    pub fn type_char(&mut self, c: char) {
        match self.input {
            Input::Choice(choices) => {
                if let Some(found) = choices.iter().find(|v| v.starts_with(c)) {
                    *self.value = (*found).to_owned();
                    self.error = None;
                } else if c == ' ' {
                    self.step(1);
                }
            }
            _ => self.insert(c.encode_utf8(&mut [0; 4])),
        }
    }

    /// The one-line text to draw: bullets for a hidden secret, and a
    /// visible stand-in for each control character (a pasted line break
    /// or escape must not reach the terminal). One character per
    /// character of the value, so the cursor index carries over.
    pub fn shown(&self, reveal: bool) -> String {
        self.value
            .chars()
            .map(|c| match c {
                _ if self.masked() && !reveal => '•',
                '\n' | '\r' => '⏎',
                c if c.is_control() => '�',
                c => c,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_moves_the_cursor_by_characters_not_bytes() {
        let mut f = Field::new(FieldId::Name, Input::Text, "äb", "");
        f.step(-1);
        f.insert("ü");
        assert_eq!((f.value(), f.cursor()), ("äüb", 2));
        f.backspace();
        f.jump(false);
        f.delete();
        assert_eq!((f.value(), f.cursor()), ("b", 0));
    }

    #[test]
    fn paste_trims_surrounding_line_breaks_but_keeps_inner_ones() {
        let mut f = Field::new(FieldId::Token, Input::Secret, "", "");
        f.paste("\r\nab\ncd\r\n");
        assert_eq!(f.value(), "ab\ncd");
        let mut area = Field::new(FieldId::Input, Input::Lines, "", "");
        area.paste("a\r\nb\n");
        assert_eq!(area.value(), "a\nb\n");
    }

    #[test]
    fn secrets_are_masked_and_never_debug_printed() {
        let f = Field::new(FieldId::Token, Input::Secret, "hunter2", "");
        assert_eq!(f.shown(false), "•••••••");
        assert_eq!(f.shown(true), "hunter2");
        assert!(!format!("{f:?}").contains("hunter2"));
        let plain = Field::new(FieldId::TokenId, Input::Text, "a\u{1b}\nb", "");
        assert_eq!(plain.shown(false), "a�⏎b");
    }

    #[test]
    fn choices_cycle_and_pick_by_first_letter() {
        let mut f = Field::new(
            FieldId::AuthMethod,
            Input::Choice(&["post", "basic", "none"]),
            "post",
            "",
        );
        f.step(-1);
        assert_eq!(f.value(), "none");
        f.type_char('b');
        assert_eq!(f.value(), "basic");
        f.type_char(' ');
        assert_eq!(f.value(), "none");
        f.insert("x");
        assert_eq!(f.value(), "none");
    }
}
