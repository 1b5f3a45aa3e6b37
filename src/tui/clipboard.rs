//! The clipboard: the system clipboard (arboard) first, OSC 52 through the
//! terminal when no display server answers, or nothing (the app then shows
//! the value). One [`Clipboard`] lives as long as the app: on X11 the
//! owner of a copy must stay alive to hand it out, or the copy vanishes.
//!
//! Copies are marked to be left out of clipboard managers' histories where
//! the platform has a convention for it (KDE's password-manager hint on
//! Linux, `org.nspasteboard.ConcealedType` on macOS). A copy is cleared
//! later only if the clipboard still holds exactly that value; an OSC 52
//! copy cannot be read back, so it is never cleared.
//!
//! OSC 52 reaches the clipboard of the terminal emulator, even over SSH.
//! Inside tmux it passes only with `set -g set-clipboard on` in
//! `~/.tmux.conf` (tmux's default, `external`, drops what programs send);
//! the emulator must allow it too. The sequence is written between frames
//! and flushed at once, so it never lands inside a half-drawn frame.
//!
//! If the app panics while a copy is still on the clipboard, the copy is
//! cleared as the clipboard is dropped: the system clipboard would
//! otherwise hand it to a clipboard manager on the way out.

use std::io::Write;

use crate::credential::Secret;

use super::config::ClipboardMode;
use super::msg::Copied;

/// Where copies go.
pub trait Clipboard {
    /// Copies text, saying where it went.
    fn copy(&mut self, text: &Secret) -> Copied;
    /// Clears the clipboard if it still holds `text`.
    fn clear_if_holding(&mut self, text: &Secret);
}

/// The real clipboard for a mode.
pub fn open(mode: ClipboardMode) -> Box<dyn Clipboard> {
    let system = match mode {
        ClipboardMode::Auto | ClipboardMode::System => match arboard::Clipboard::new() {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::info!(error = %e, "no system clipboard");
                None
            }
        },
        ClipboardMode::Osc52 | ClipboardMode::None => None,
    };
    let osc52 = matches!(mode, ClipboardMode::Auto | ClipboardMode::Osc52);
    Box::new(Terminal {
        system,
        osc52,
        held: None,
    })
}

struct Terminal {
    system: Option<arboard::Clipboard>,
    osc52: bool,
    /// The last value put on the system clipboard, cleared on a panic.
    held: Option<Secret>,
}

impl Clipboard for Terminal {
    fn copy(&mut self, text: &Secret) -> Copied {
        if let Some(system) = &mut self.system {
            match set_private(system, text.expose()) {
                Ok(()) => {
                    self.held = Some(text.clone());
                    return Copied::System;
                }
                Err(e) => tracing::info!(error = %e, "system clipboard refused the copy"),
            }
        }
        if self.osc52 {
            let mut out = std::io::stdout();
            let sent = crossterm::execute!(
                out,
                crossterm::clipboard::CopyToClipboard::to_clipboard_from(text.expose())
            )
            .and_then(|()| out.flush());
            return match sent {
                Ok(()) => Copied::Osc52,
                Err(e) => Copied::Unavailable(e.to_string()),
            };
        }
        Copied::Unavailable("no clipboard is configured".into())
    }

    fn clear_if_holding(&mut self, text: &Secret) {
        let Some(system) = &mut self.system else {
            return;
        };
        let holding = system
            .get_text()
            .is_ok_and(|now| zeroize::Zeroizing::new(now).as_str() == text.expose());
        if holding && let Err(e) = system.clear() {
            tracing::info!(error = %e, "could not clear the clipboard");
        }
        if self.held.as_ref() == Some(text) {
            self.held = None;
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        // On a normal quit the app has already cleared what it meant to.
        if std::thread::panicking()
            && let Some(text) = self.held.take()
        {
            self.clear_if_holding(&text);
        }
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn set_private(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtLinux;
    clipboard.set().exclude_from_history().text(text)
}

#[cfg(target_os = "macos")]
fn set_private(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    use arboard::SetExtApple;
    clipboard.set().exclude_from_history().text(text)
}

#[cfg(not(unix))]
fn set_private(clipboard: &mut arboard::Clipboard, text: &str) -> Result<(), arboard::Error> {
    clipboard.set_text(text)
}

/// A clipboard in memory, for tests: what was copied and what was cleared.
#[derive(Debug, Default)]
pub struct MemoryClipboard {
    /// The current content.
    pub content: Option<String>,
    /// How many times a clear happened.
    pub clears: usize,
}

impl Clipboard for MemoryClipboard {
    fn copy(&mut self, text: &Secret) -> Copied {
        self.content = Some(text.expose().to_owned());
        Copied::System
    }

    fn clear_if_holding(&mut self, text: &Secret) {
        if self.content.as_deref() == Some(text.expose()) {
            self.content = None;
            self.clears += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_clipboard_clears_only_what_it_still_holds() {
        let mut clip = MemoryClipboard::default();
        let (first, second) = (Secret::new("first".into()), Secret::new("second".into()));
        assert_eq!(clip.copy(&first), Copied::System);
        assert_eq!(clip.content.as_deref(), Some("first"));
        clip.copy(&second);
        clip.clear_if_holding(&first);
        assert_eq!((clip.content.as_deref(), clip.clears), (Some("second"), 0));
        clip.clear_if_holding(&second);
        assert_eq!((clip.content.as_deref(), clip.clears), (None, 1));
    }

    #[test]
    fn with_neither_clipboard_a_copy_goes_nowhere_and_says_why() {
        let mut clip = open(ClipboardMode::None);
        let copied = clip.copy(&Secret::new("value".into()));
        assert_eq!(
            copied,
            Copied::Unavailable("no clipboard is configured".into())
        );
    }
}
