//! The terminal, owned in one place: switching into app mode and back
//! (raw mode, the alternate screen, mouse capture and bracketed paste, on
//! together and off together, on quit, on error and from the panic hook
//! in [`panic_guard`]), and the edge where the terminal's events become
//! the app's own [`Msg`]s. Nothing past this module sees a crossterm type.

mod panic_guard;

use std::io::{self, Stdout};

use anyhow::{Context, Result};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyCode as TermKey, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub use panic_guard::{drawing, spawn};

use super::input::{InputMode, Key, KeyCode, Pointer, PointerKind};
use super::keymap::{self, Keymap};
use super::msg::Msg;

/// The terminal the app draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Switches the terminal into app mode and installs the panic hook that
/// switches it back.
pub fn enter() -> Result<Term> {
    let entered = ratatui::try_init().and_then(|terminal| {
        crossterm::execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)
            .map(|()| terminal)
    });
    // Half set up is still set up: undo whatever part of it happened.
    let terminal = entered
        .inspect_err(|_| leave())
        .context("cannot set up the terminal")?;
    // After ratatui's own hook (which restores on every panic), so that
    // ours decides first.
    panic_guard::install_panic_hook(leave);
    panic_guard::terminal_taken(true);
    Ok(terminal)
}

/// Restores the terminal; safe to call more than once.
pub fn leave() {
    panic_guard::terminal_taken(false);
    let _ = crossterm::execute!(io::stdout(), DisableBracketedPaste, DisableMouseCapture);
    ratatui::restore();
}

/// What a terminal event means to the app in `mode`: keys go through
/// [`keymap::route`] (a bound action or typed input), the mouse becomes a
/// [`Pointer`]. Key releases, focus changes and keys or mouse buttons the
/// app has no use for mean nothing.
pub fn to_msg(event: Event, mode: InputMode, keymap: &Keymap) -> Option<Msg> {
    match event {
        Event::Key(key) => keymap::route(mode, keymap, to_key(key)?),
        Event::Mouse(mouse) => to_pointer(mouse).map(Msg::Pointer),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::FocusGained | Event::FocusLost => None,
    }
}

/// A key press in the app's words (shift is part of the character).
fn to_key(event: KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let code = match event.code {
        TermKey::Char(c) => KeyCode::Char(c),
        TermKey::Up => KeyCode::Up,
        TermKey::Down => KeyCode::Down,
        TermKey::Left => KeyCode::Left,
        TermKey::Right => KeyCode::Right,
        TermKey::Tab => KeyCode::Tab,
        TermKey::BackTab => KeyCode::BackTab,
        TermKey::Enter => KeyCode::Enter,
        TermKey::Esc => KeyCode::Esc,
        TermKey::Backspace => KeyCode::Backspace,
        TermKey::Delete => KeyCode::Delete,
        TermKey::Home => KeyCode::Home,
        TermKey::End => KeyCode::End,
        TermKey::PageUp => KeyCode::PageUp,
        TermKey::PageDown => KeyCode::PageDown,
        TermKey::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

/// A click or a wheel turn in the app's words.
fn to_pointer(event: MouseEvent) -> Option<Pointer> {
    let kind = match event.kind {
        MouseEventKind::Down(MouseButton::Left) => PointerKind::Click,
        MouseEventKind::ScrollUp => PointerKind::ScrollUp,
        MouseEventKind::ScrollDown => PointerKind::ScrollDown,
        _ => return None,
    };
    Some(Pointer {
        kind,
        column: event.column,
        row: event.row,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::msg::Action;

    fn press(code: TermKey, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn keys_become_actions_on_the_main_screen_and_input_in_a_text_field() {
        let keymap = Keymap::default();
        let j = press(TermKey::Char('j'), KeyModifiers::NONE);
        assert!(matches!(
            to_msg(j.clone(), InputMode::Actions, &keymap),
            Some(Msg::Action(Action::Down))
        ));
        assert!(matches!(
            to_msg(j, InputMode::Text, &keymap),
            Some(Msg::Key(Key {
                code: KeyCode::Char('j'),
                ctrl: false,
                ..
            }))
        ));
        let save = press(TermKey::Char('s'), KeyModifiers::CONTROL);
        assert!(matches!(
            to_msg(save, InputMode::Text, &keymap),
            Some(Msg::Key(Key {
                code: KeyCode::Char('s'),
                ctrl: true,
                ..
            }))
        ));
        let shift_tab = press(TermKey::BackTab, KeyModifiers::SHIFT);
        assert!(matches!(
            to_msg(shift_tab, InputMode::Actions, &keymap),
            Some(Msg::Action(Action::SwitchPane))
        ));
        let unbound = press(TermKey::Char('z'), KeyModifiers::NONE);
        assert!(to_msg(unbound, InputMode::Actions, &keymap).is_none());
    }

    #[test]
    fn releases_focus_and_unused_mouse_events_mean_nothing() {
        let keymap = Keymap::default();
        let mut release = KeyEvent::new(TermKey::Char('j'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        let moved = Event::Mouse(MouseEvent {
            kind: MouseEventKind::Moved,
            column: 1,
            row: 1,
            modifiers: KeyModifiers::NONE,
        });
        for event in [Event::Key(release), Event::FocusGained, moved] {
            assert!(to_msg(event, InputMode::Actions, &keymap).is_none());
        }
        let click = Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 3,
            row: 4,
            modifiers: KeyModifiers::NONE,
        });
        assert!(matches!(
            to_msg(click, InputMode::Dialog, &keymap),
            Some(Msg::Pointer(Pointer {
                kind: PointerKind::Click,
                column: 3,
                row: 4
            }))
        ));
    }
}
