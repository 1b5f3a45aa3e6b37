//! Forms for adding, editing and importing credentials.
//!
//! (Scaffold: the real forms replace this.)

use crossterm::event::{KeyCode, KeyEvent};

use super::msg::Change;

/// What a key did to a form.
#[derive(Debug)]
pub enum FormEvent {
    /// Keep editing.
    Continue,
    /// Close the form without saving.
    Cancel,
    /// Save this change.
    Submit(Box<Change>),
}

/// An open form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// The form's title.
    pub title: String,
    /// An error from the last submit.
    pub error: Option<String>,
}

impl Form {
    /// The add form.
    pub fn add() -> Self {
        Self {
            title: "Add a credential".into(),
            error: None,
        }
    }

    /// Handles a key.
    pub fn key(&mut self, key: KeyEvent, _now: i64) -> FormEvent {
        match key.code {
            KeyCode::Esc => FormEvent::Cancel,
            _ => FormEvent::Continue,
        }
    }

    /// Handles pasted text.
    pub fn paste(&mut self, _text: &str) {}

    /// Shows why saving failed.
    pub fn set_error(&mut self, error: String) {
        self.error = Some(error);
    }
}
