//! Text made safe for a terminal: **the** one filter every output edge uses
//! (CLI stdout and stderr, the log, the app's screen, error chains), and the
//! test the validation of stored and typed values shares with it.
//!
//! [`strip_controls`] removes
//! - C0 controls except newline and tab, DEL and the C1 controls;
//! - whole escape sequences, not only their ESC: `ESC [ 31 m` (CSI, also
//!   the one-character CSI U+009B), `ESC ] … BEL` or `ESC ] … ESC \` (OSC:
//!   a window title, an OSC 52 clipboard write), DCS, SOS, PM and APC
//!   strings, and two- or three-character sequences such as `ESC c` (reset).
//!   Removing only the ESC would leave `[31m` or `]52;c;…` behind as text
//!   that reads like part of the value. A string sequence without its
//!   terminator ends at the next line break (which is kept): one bad value
//!   cannot swallow the rest of the output;
//! - bidirectional and invisible format characters that make text read
//!   differently than it is ([`is_format`]).
//!
//! The filter is a small state machine ([`Filter`]), so the same rules work
//! on a stream written in pieces ([`SafeWriter`], for stdout, stderr and the
//! log) as on one string. JSON keeps its data: [`json_pretty`] writes every
//! such character as a `\uXXXX` escape instead, so `--json` stays valid
//! and lossless, and passes the stream filter unchanged.

mod json;
mod writer;

pub use json::{clean_json, json_pretty};
pub use writer::SafeWriter;

/// Removes control characters, escape sequences and format characters (see
/// the module docs); newline and tab stay.
pub fn strip_controls(text: &str) -> String {
    if !needs_filter(text.as_bytes()) {
        return text.to_owned();
    }
    let mut filter = Filter::default();
    let mut out = String::with_capacity(text.len());
    filter.push_str(text, &mut out);
    out
}

/// Whether `c` may reach a terminal as it is: not a control character (but
/// newline and tab) and not a format character.
pub fn is_shown(c: char) -> bool {
    c == '\n' || c == '\t' || !(c.is_control() || is_format(c))
}

/// Whether `value` holds a character that may not reach a terminal or be
/// stored as typed: any control character (newline and tab included) or
/// format character. What validation of names, ids and scopes refuses.
pub fn has_unsafe_char(value: &str) -> bool {
    value.chars().any(|c| c.is_control() || is_format(c))
}

/// Whether `c` is a bidirectional or invisible format character: the Arabic
/// letter mark (U+061C), the Mongolian vowel separator (U+180E), zero-width
/// space, joiners and marks (U+200B–U+200F), line and paragraph separators
/// (U+2028, U+2029), embeddings and overrides (U+202A–U+202E), the word
/// joiner and invisible operators (U+2060–U+2064), isolates and deprecated
/// format controls (U+2066–U+206F), the byte order mark (U+FEFF),
/// interlinear annotation (U+FFF9–U+FFFB) and the tag characters
/// (U+E0000–U+E007F), which hide ASCII in plain sight.
pub fn is_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Whether [`strip_controls`] could change `bytes`. Checked on bytes: C0 and
/// DEL are single bytes, C1 characters start with 0xC2, the format
/// characters with 0xD8, 0xE1, 0xE2, 0xEF or 0xF3; text with none of these
/// (almost all) needs no copy-and-filter.
fn needs_filter(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| {
        (b < 0x20 && b != b'\n' && b != b'\t')
            || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe1 | 0xe2 | 0xef | 0xf3)
    })
}

/// Where the filter is in an escape sequence (ECMA-48).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Plain text.
    #[default]
    Text,
    /// After ESC.
    Escape,
    /// After ESC and intermediate bytes (`ESC ( B`).
    EscapeIntermediate,
    /// In a control sequence, after CSI.
    Csi,
    /// In a control string (OSC, DCS, SOS, PM, APC), until BEL or ST.
    String,
}

/// The stream form of [`strip_controls`]: feed it text in any pieces.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filter {
    state: State,
}

impl Filter {
    /// Filters `text` onto `out`, carrying a half-seen sequence over to the
    /// next call.
    pub fn push_str(&mut self, text: &str, out: &mut String) {
        for c in text.chars() {
            if self.keep(c) {
                out.push(c);
            }
        }
    }

    /// Whether nothing is half seen: the next text starts fresh.
    pub fn is_idle(&self) -> bool {
        self.state == State::Text
    }

    /// Feeds one character; whether it is shown.
    fn keep(&mut self, c: char) -> bool {
        use State::*;
        match (self.state, c) {
            (Text, '\u{1b}') => self.state = Escape,
            (Text, '\u{9b}') => self.state = Csi,
            (Text, '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}') => self.state = String,
            (Text, c) => return is_shown(c),
            (Escape, '[') => self.state = Csi,
            (Escape, ']' | 'P' | 'X' | '^' | '_') => self.state = String,
            (Escape | EscapeIntermediate, ' '..='/') => self.state = EscapeIntermediate,
            // The final character of a short sequence (`ESC c`, `ESC \`).
            (Escape | EscapeIntermediate, '0'..='~') => self.state = Text,
            (Csi, '0'..='?' | ' '..='/') => {}
            (Csi, '@'..='~') => self.state = Text,
            (String, '\u{7}' | '\u{9c}' | '\u{18}' | '\u{1a}') => self.state = Text,
            // ESC starts a new sequence; ESC `\` is ST, which ends the string.
            (String, '\u{1b}') => self.state = Escape,
            (String, '\n') => {
                self.state = Text;
                return true;
            }
            (String, _) => {}
            // Anything else ends a broken sequence and is read as text.
            (Escape | EscapeIntermediate | Csi, c) => {
                self.state = Text;
                return self.keep(c);
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_sequences_and_format_characters_are_removed_and_the_rest_kept() {
        let cases = [
            ("plain ascii", "plain ascii"),
            ("line\nand\ttab", "line\nand\ttab"),
            ("esc\u{1b}[31mred\u{1b}[0m", "escred"),
            ("csi\u{1b}[1;2;3 q.", "csi."),
            ("title\u{1b}]0;pwned\u{7}after", "titleafter"),
            ("clip\u{1b}]52;c;aGk=\u{1b}\\after", "clipafter"),
            ("dcs\u{1b}Pq#0;2;0\u{1b}\\x", "dcsx"),
            ("reset\u{1b}c!", "reset!"),
            ("charset\u{1b}(Bok", "charsetok"),
            ("c1 csi\u{9b}31mx", "c1 csix"),
            ("c1 osc\u{9d}0;t\u{9c}x", "c1 oscx"),
            ("lone esc at end\u{1b}", "lone esc at end"),
            ("esc before ä\u{1b}ä", "esc before ää"),
            ("broken csi\u{1b}[12ä", "broken csiä"),
            (
                "open osc\u{1b}]0;never ended\nnext line",
                "open osc\nnext line",
            ),
            ("del\u{7f} cr\r bell\u{7}", "del cr bell"),
            ("bidi\u{202e}txt\u{2066}\u{2069}", "biditxt"),
            (
                "zw\u{200b}\u{200c}\u{200d}\u{200e}\u{200f}\u{feff}\u{61c}\u{2060}x",
                "zwx",
            ),
            ("tag\u{e0041}\u{e007f}s", "tags"),
            ("sep\u{2028}\u{2029}", "sep"),
            // Non-ASCII that shares the lead bytes stays.
            (
                "ä ° € — \u{a0} ☃ ﬁ \u{1f600} ؀",
                "ä ° € — \u{a0} ☃ ﬁ \u{1f600} ؀",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(strip_controls(text), want, "{text:?}");
        }
    }

    #[test]
    fn a_sequence_split_across_pieces_is_removed_whole() {
        let text = "a\u{1b}]52;c;aGk=\u{7}b\u{1b}[31mc";
        for cut in 0..text.len() {
            if !text.is_char_boundary(cut) {
                continue;
            }
            let mut filter = Filter::default();
            let mut out = String::new();
            filter.push_str(&text[..cut], &mut out);
            filter.push_str(&text[cut..], &mut out);
            assert_eq!(out, "abc", "cut at {cut}");
            assert!(filter.is_idle());
        }
    }

    #[test]
    fn unsafe_characters_are_told_apart() {
        for bad in ["a\nb", "a\tb", "\u{1b}", "\u{9b}", "x\u{202e}", "\u{200b}"] {
            assert!(has_unsafe_char(bad), "{bad:?}");
        }
        for good in ["token-ABC", "Jürgen", "a b", "€"] {
            assert!(!has_unsafe_char(good), "{good:?}");
        }
    }
}
