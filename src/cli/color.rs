//! Colour on the command line: only on a terminal, never in a pipe, and as
//! the user says: `--color always|never` first, then `NO_COLOR` (no-color.org:
//! set and not empty turns it off), then `CLICOLOR_FORCE` (set, not empty and
//! not `0` turns it on in a pipe too), else whether the stream is a
//! terminal. Decided once per process, for stdout and stderr apart.
//!
//! Colour marks what to look at (a status, a hint, a warning, a heading);
//! the words say it all without colour. Sequences are written past the
//! output filter ([`SafeWriter::sgr`]), so server text still cannot carry
//! its own.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use sipauth_tui::sanitize::SafeWriter;

static STDOUT: AtomicBool = AtomicBool::new(false);
static STDERR: AtomicBool = AtomicBool::new(false);

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Choice {
    /// On a terminal, unless NO_COLOR (CLICOLOR_FORCE forces it)
    Auto,
    /// Always, even in a pipe
    Always,
    /// Never
    Never,
}

/// Whether a stream gets colour.
pub fn decide(
    choice: Choice,
    no_color: Option<OsString>,
    force: Option<OsString>,
    terminal: bool,
) -> bool {
    let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
    match choice {
        Choice::Always => true,
        Choice::Never => false,
        Choice::Auto if set(&no_color) => false,
        Choice::Auto if set(&force) && force.as_deref() != Some("0".as_ref()) => true,
        Choice::Auto => terminal,
    }
}

/// Decides for stdout and stderr.
pub fn init(choice: Option<Choice>) {
    let choice = choice.unwrap_or(Choice::Auto);
    let env = |name| std::env::var_os(name);
    let stdout = decide(
        choice,
        env("NO_COLOR"),
        env("CLICOLOR_FORCE"),
        std::io::stdout().is_terminal(),
    );
    let stderr = decide(
        choice,
        env("NO_COLOR"),
        env("CLICOLOR_FORCE"),
        std::io::stderr().is_terminal(),
    );
    STDOUT.store(stdout, Ordering::Relaxed);
    STDERR.store(stderr, Ordering::Relaxed);
}

/// SGR codes.
pub const RED: &str = "31";
/// Success.
pub const GREEN: &str = "32";
/// Warnings and hints.
pub const YELLOW: &str = "33";
/// Headings.
pub const BOLD: &str = "1";

/// A stream that can take our own colour.
pub trait Paint: Write {
    /// Writes `text` in `style` when this stream gets colour.
    fn paint(&mut self, style: &str, text: &str) -> std::io::Result<()>;
}

impl<W: Write> Paint for SafeWriter<W> {
    fn paint(&mut self, style: &str, text: &str) -> std::io::Result<()> {
        if STDOUT.load(Ordering::Relaxed) {
            self.sgr(style)?;
            self.write_all(text.as_bytes())?;
            self.sgr("0")
        } else {
            self.write_all(text.as_bytes())
        }
    }
}

impl Paint for Vec<u8> {
    fn paint(&mut self, _style: &str, text: &str) -> std::io::Result<()> {
        self.write_all(text.as_bytes())
    }
}

/// The style of a status code: green 2xx, yellow 3xx, red otherwise.
pub fn status_style(status: u16) -> &'static str {
    match status {
        200..=299 => GREEN,
        300..=399 => YELLOW,
        _ => RED,
    }
}

/// One diagnostic line on stderr, its `error:`, `warning:`, `note:` or
/// `hint:` prefix coloured when stderr gets colour.
pub fn diag_line(text: &str) {
    let mut err = SafeWriter::new(std::io::stderr().lock());
    let colour = STDERR.load(Ordering::Relaxed);
    let prefix = ["error:", "warning:", "note:", "hint:"]
        .into_iter()
        .find(|p| text.starts_with(p));
    let _ = match (colour, prefix) {
        (true, Some(p)) => {
            let style = if p == "error:" { RED } else { YELLOW };
            err.sgr(&format!("{BOLD};{style}"))
                .and_then(|()| err.write_all(p.as_bytes()))
                .and_then(|()| err.sgr("0"))
                .and_then(|()| writeln!(err, "{}", &text[p.len()..]))
        }
        _ => writeln!(err, "{text}"),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_beats_no_color_which_beats_clicolor_force_which_beats_the_terminal() {
        let some = |s: &str| Some(OsString::from(s));
        let cases = [
            (Choice::Always, None, None, false, true),
            (Choice::Never, None, some("1"), true, false),
            (Choice::Auto, some("1"), some("1"), true, false),
            (Choice::Auto, some(""), None, true, true),
            (Choice::Auto, None, some("1"), false, true),
            (Choice::Auto, None, some("0"), false, false),
            (Choice::Auto, None, some(""), false, false),
            (Choice::Auto, None, None, true, true),
            (Choice::Auto, None, None, false, false),
        ];
        sipauth_tui::testing::cases::check_all(cases, |(choice, no, force, tty, want)| {
            assert_eq!(decide(choice, no, force, tty), want);
        });
    }
}
