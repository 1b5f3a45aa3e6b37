//! The no-echo prompt on `/dev/tty`.
//!
//! Echo is switched off *before* the prompt is written, so nothing typed or
//! pasted the moment the prompt appears can be echoed. The terminal runs
//! without line editing or signals while reading, so this code handles
//! Backspace, Ctrl-U, Ctrl-C and Ctrl-D itself and always restores the
//! previous settings, on success, on error, on Ctrl-C and on panic (Drop).

use std::fs::File;
use std::io::{self, Read, Write};

use anyhow::{Result, bail};
use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};
use sipauth_tui::credential::Secret;
use zeroize::Zeroizing;

/// Restores the terminal settings it saved when dropped.
struct EchoOff<'a> {
    tty: &'a File,
    saved: Termios,
}

impl<'a> EchoOff<'a> {
    fn new(tty: &'a File) -> io::Result<Self> {
        let saved = termios::tcgetattr(tty)?;
        let mut quiet = saved.clone();
        quiet
            .local_modes
            .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG | LocalModes::IEXTEN);
        quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
        quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
        termios::tcsetattr(tty, OptionalActions::Flush, &quiet)?;
        Ok(Self { tty, saved })
    }
}

impl Drop for EchoOff<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.tty, OptionalActions::Now, &self.saved);
    }
}

/// What one key does to the line being read.
#[derive(Debug, PartialEq, Eq)]
enum Key {
    Byte(u8),
    Erase,
    Kill,
    Enter,
    Cancel,
    EndOfInput,
    Ignore,
}

fn key(byte: u8) -> Key {
    match byte {
        b'\r' | b'\n' => Key::Enter,
        0x03 => Key::Cancel,
        0x04 => Key::EndOfInput,
        0x7f | 0x08 => Key::Erase,
        0x15 => Key::Kill,
        0x00..=0x1f => Key::Ignore,
        b => Key::Byte(b),
    }
}

/// Removes the last UTF-8 character of the line.
fn erase_char(line: &mut Vec<u8>) {
    while let Some(b) = line.pop() {
        if b & 0b1100_0000 != 0b1000_0000 {
            break;
        }
    }
}

/// Shows `prompt` on the terminal and reads one line without echo.
pub fn prompt(prompt: &str) -> Result<Secret> {
    let tty = File::options().read(true).write(true).open("/dev/tty")?;
    let mut line = Zeroizing::new(Vec::new());
    let outcome = {
        let _quiet = EchoOff::new(&tty)?;
        (&tty).write_all(sipauth_tui::sanitize::strip_controls(prompt).as_bytes())?;
        read_line(&tty, &mut line)
    };
    (&tty).write_all(b"\r\n")?;
    outcome?;
    match String::from_utf8(std::mem::take(&mut *line)) {
        Ok(text) => Ok(Secret::new(text)),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            bail!("the input is not valid UTF-8")
        }
    }
}

fn read_line(mut tty: &File, line: &mut Vec<u8>) -> Result<()> {
    let mut byte = [0u8; 1];
    loop {
        if tty.read(&mut byte)? == 0 {
            return Ok(());
        }
        match key(byte[0]) {
            Key::Byte(b) => line.push(b),
            Key::Erase => erase_char(line),
            Key::Kill => line.clear(),
            Key::Enter => return Ok(()),
            Key::EndOfInput if line.is_empty() => bail!("no input (Ctrl-D)"),
            Key::EndOfInput => return Ok(()),
            Key::Cancel => bail!("cancelled (Ctrl-C)"),
            Key::Ignore => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_edit_the_line_like_a_terminal_would() {
        let mut line = Vec::new();
        for b in "pä".bytes() {
            if let Key::Byte(b) = key(b) {
                line.push(b);
            }
        }
        erase_char(&mut line);
        assert_eq!(line, b"p");
        assert_eq!(key(b'\r'), Key::Enter);
        assert_eq!(key(3), Key::Cancel);
        assert_eq!(key(0x1b), Key::Ignore);
        assert_eq!(key(0x7f), Key::Erase);
    }
}
