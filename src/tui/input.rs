//! The app's own words for what the user does at the keyboard and the
//! mouse: a [`Key`] (what the keymap binds and what text fields take) and
//! a [`Pointer`] event. The terminal's events are turned into these at the
//! edge ([`terminal`](super::terminal)), so nothing inside the app depends
//! on the terminal library; [`keymap::route`](super::keymap::route) then
//! decides, by the app's [`InputMode`], whether a key is a bound action or
//! typed input.

use std::fmt;

/// A key, without its modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyCode {
    /// A character (shift is part of it: `G`, `?`).
    Char(char),
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Backspace.
    Backspace,
    /// Delete (forward).
    Delete,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// A function key, F1 to F12.
    F(u8),
}

/// A key press with the modifiers that matter (shift is part of the
/// character).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// Which key.
    pub code: KeyCode,
    /// Ctrl held.
    pub ctrl: bool,
    /// Alt held.
    pub alt: bool,
}

impl Key {
    /// A key pressed alone.
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A key pressed with Ctrl.
    pub const fn ctrl(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: true,
            alt: false,
        }
    }

    /// Parses a key as the config file writes it: `ctrl-c`, `alt-x`,
    /// `enter`, `q`, `Q`, `f5`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        // The config text is hostile: its errors quote it filtered.
        let shown = crate::sanitize::strip_controls(raw);
        let mut rest = raw;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                (ctrl, rest) = (true, r);
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                (alt, rest) = (true, r);
            } else {
                break;
            }
        }
        let code = match rest {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "tab" => KeyCode::Tab,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(format!("`{shown}` is not a key")),
            },
            one => {
                let mut chars = one.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if crate::sanitize::strip_controls(one) == one => {
                        KeyCode::Char(c)
                    }
                    _ => {
                        return Err(format!(
                            "`{shown}` is not a key (try `j`, `ctrl-c`, `up`, `f5`)"
                        ));
                    }
                }
            }
        };
        Ok(Self { code, ctrl, alt })
    }

    /// The key a binding is looked up by: Shift-Tab counts as Tab.
    pub fn binding(self) -> Self {
        match self.code {
            KeyCode::BackTab => Self {
                code: KeyCode::Tab,
                ..self
            },
            _ => self,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::BackTab => f.write_str("?"),
        }
    }
}

/// What the mouse did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerKind {
    /// The left button went down.
    Click,
    /// The wheel turned up.
    ScrollUp,
    /// The wheel turned down.
    ScrollDown,
}

/// A mouse event at a screen cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pointer {
    /// What happened.
    pub kind: PointerKind,
    /// The column, from 0.
    pub column: u16,
    /// The row, from 0.
    pub row: u16,
}

/// How keys are read right now; the app says ([`App::input_mode`]) and
/// [`keymap::route`](super::keymap::route) follows.
///
/// [`App::input_mode`]: super::app::App::input_mode
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputMode {
    /// The main screen: keys are looked up in the keymap (Esc, unbound
    /// there, clears the filter).
    Actions,
    /// A text field has the keyboard (the filter, a form): every key is
    /// input.
    Text,
    /// A dialog waits for an answer: every key is input.
    Dialog,
    /// The help overlay: its own key closes it, as do the dialog keys.
    Help,
}

/// Where a key moves the choice in a list that also takes typing (the
/// endpoint picker, the palette): at `at` of rows `0..=last`, `page` rows
/// on screen; `None` for a key that is not a move.
fn list_move(code: KeyCode, at: usize, page: usize, last: usize) -> Option<usize> {
    let to = match code {
        KeyCode::Up => at.saturating_sub(1),
        KeyCode::Down => at.saturating_add(1),
        KeyCode::PageUp => at.saturating_sub(page),
        KeyCode::PageDown => at.saturating_add(page),
        KeyCode::Home => 0,
        KeyCode::End => last,
        _ => return None,
    };
    Some(to.min(last))
}

/// The first row shown, moved from `scroll` just enough that row `at`
/// shows among `page` rows.
pub fn follow(scroll: usize, at: usize, page: usize) -> usize {
    let page = page.max(1);
    if at < scroll {
        at
    } else if at >= scroll + page {
        at + 1 - page
    } else {
        scroll
    }
}

/// What a key does in a list searched by typing (the endpoint picker,
/// the palette).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchKey {
    /// The query is now this.
    Query(String),
    /// The choice moves to this row.
    Moved(usize),
}

/// A key in a search list showing `page` rows: an edit of `query` (a
/// typed character added, Backspace's removed, Ctrl-U's emptied) or a
/// move of the choice from `at` among rows `0..=last`; `None` for any
/// other key.
pub fn search_key(query: &str, key: Key, at: usize, page: usize, last: usize) -> Option<SearchKey> {
    let edited = match key.code {
        KeyCode::Char('u') if key.ctrl => String::new(),
        KeyCode::Char(c) if !key.ctrl && !key.alt && !c.is_control() => format!("{query}{c}"),
        KeyCode::Backspace => {
            let mut query = query.to_owned();
            query.pop();
            query
        }
        code => return list_move(code, at, page, last).map(SearchKey::Moved),
    };
    Some(SearchKey::Query(edited))
}
