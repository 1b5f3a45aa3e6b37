//! What the tool sent, struck from what it shows.
//!
//! A server's words (an `error_description`, a content type, a probed body)
//! may repeat the request they answer: an echoing or hostile endpoint puts
//! the client secret, the code or the refresh token into its error text,
//! and from there onto the terminal, into a log or into the app. The code
//! that builds a request knows every secret it carries, so it records them
//! in a [`Redactor`]; the code that reads the answer passes every piece of
//! server text through [`Redactor::quote`] (or [`Redactor::redact`],
//! [`Redactor::redact_json`]) before it becomes an error, a log line or
//! output. One mechanism, used where the request is built and where the
//! answer is read, instead of a replace at each place that prints.
//!
//! A secret is found however the server spelled it: as is, percent-encoded
//! (any mix of literal bytes and `%XX` in either case, `+` or `%20` for a
//! space, as form and URL encoders write it), with JSON's optional `\/`,
//! and for HTTP Basic ([`Redactor::add_authorization`]) also the base64 of
//! the whole `id:secret` pair, padded or not, in the form-encoded spelling
//! RFC 6749 §2.3.1 sends and the raw one other clients send.
//!
//! Short secrets: one shorter than [`ANYWHERE`] bytes is struck only where
//! it stands alone, with no letter or digit touching either end (a
//! `%XX` neighbour counts as what it decodes to). A 3-character password
//! then still disappears from `password=abc&grant_type=…` or `"abc"`, but
//! does not turn every `abc` inside a word into `[REDACTED]`, which would
//! make the text unreadable and, by the pattern of the holes, tell the
//! secret anyway. From [`ANYWHERE`] bytes on, a secret is struck wherever it
//! appears, inside words too.
//!
//! Not covered: a secret the server cut short or transformed otherwise
//! (hashed, double percent-encoded, HTML entities, another base64 alphabet,
//! base64 of a larger text), and secrets this request did not carry.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::sanitize::strip_controls;

/// What a struck secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Secrets at least this long are struck inside words too; shorter ones
/// only where they stand alone.
pub const ANYWHERE: usize = 8;

/// The secrets one request carried, to be struck from its answer.
#[derive(Clone, Default)]
pub struct Redactor {
    /// Each secret's bytes (zeroed when dropped), longest first so the
    /// longer of two overlapping secrets wins.
    secrets: Vec<Zeroizing<Vec<u8>>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Redactor {
    /// Records a secret the request carries (an empty one is no secret).
    pub fn add(&mut self, secret: &str) {
        let bytes = secret.as_bytes();
        if bytes.is_empty() || self.secrets.iter().any(|s| s.as_slice() == bytes) {
            return;
        }
        self.secrets.push(Zeroizing::new(bytes.to_vec()));
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// Records an `Authorization` header value: its credentials, and for
    /// `Basic` also the secret half of the pair (form-decoded too) and the
    /// base64 of the raw pair, so an echo in any of those spellings is
    /// struck. The user id half is not a secret and stays readable.
    pub fn add_authorization(&mut self, value: &str) {
        let (scheme, credentials) = value.trim().split_once(' ').unwrap_or(("", value));
        let credentials = credentials.trim();
        self.add(credentials);
        if !scheme.eq_ignore_ascii_case("basic") {
            return;
        }
        self.add(credentials.trim_end_matches('='));
        let Some(pair) = STANDARD
            .decode(credentials)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Zeroizing::new)
        else {
            return;
        };
        let Some((id, secret)) = pair.split_once(':') else {
            return;
        };
        self.add(secret);
        let decoded = |text: &str| -> Zeroizing<String> {
            Zeroizing::new(
                url::form_urlencoded::parse(format!("x={text}").as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .next()
                    .unwrap_or_default(),
            )
        };
        let (id, secret) = (decoded(id), decoded(secret));
        self.add(&secret);
        let raw_pair = Zeroizing::new(format!("{}:{}", id.as_str(), secret.as_str()));
        let raw = Zeroizing::new(STANDARD.encode(raw_pair.as_bytes()));
        self.add(raw.trim_end_matches('='));
    }

    /// `text` with every recorded secret, in any spelling this module
    /// knows, replaced by [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        if self.secrets.is_empty() {
            return text.to_owned();
        }
        // Controls and escape sequences go first: an answer that splits a
        // secret with one (`tok\x1b[men`) must not get it past the match
        // and then have the terminal filter join it up again.
        let text = strip_controls(text);
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match self.match_at(bytes, i) {
                Some(end) => {
                    out.extend_from_slice(REDACTED.as_bytes());
                    i = end;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        // Matches start and end on character boundaries (a secret is whole
        // UTF-8 and `%XX` escapes are ASCII); lossy only to be safe.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Whether `text` carries a recorded secret.
    pub fn reveals(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        (0..bytes.len()).any(|i| self.match_at(bytes, i).is_some())
    }

    /// Server text ready to show: secrets struck first (so a cut cannot
    /// leave half a secret), then control characters removed, then cut to
    /// `max` characters.
    pub fn quote(&self, text: &str, max: usize) -> String {
        let redacted = self.redact(text);
        // With no secrets `redact` did not filter.
        strip_controls(&redacted).chars().take(max).collect()
    }

    /// Every string and key of a JSON document redacted.
    pub fn redact_json(&self, value: Value) -> Value {
        if self.secrets.is_empty() {
            return value;
        }
        match value {
            Value::String(s) => Value::String(self.redact(&s)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.redact_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.redact(&k), self.redact_json(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// The end of the longest secret spelled at `start`, if one is.
    fn match_at(&self, text: &[u8], start: usize) -> Option<usize> {
        self.secrets
            .iter()
            .filter_map(|secret| {
                let end = match_spelled(text, start, secret)?;
                let alone = !is_word(before(text, start)) && !is_word(after(text, end));
                (secret.len() >= ANYWHERE || alone).then_some(end)
            })
            .max()
    }
}

/// Where `secret` ends when it is spelled at `start` in any mix of literal
/// bytes, `%XX` escapes (either case), `+` for a space and `\` before `/`,
/// `"` or `\` (JSON). Alternatives only branch at a `%` or `\` of the
/// secret, so the set of positions stays tiny.
fn match_spelled(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    let first = *secret.first()?;
    match text.get(start) {
        Some(&b) if b == first || b == b'%' || b == b'+' || b == b'\\' => {}
        _ => return None,
    }
    let mut at = vec![start];
    let mut next = Vec::with_capacity(2);
    for &want in secret {
        next.clear();
        for &i in &at {
            let Some(&got) = text.get(i) else { continue };
            if got == want {
                next.push(i + 1);
            }
            if want == b' ' && got == b'+' {
                next.push(i + 1);
            }
            if got == b'%' && hex_byte(text, i + 1) == Some(want) {
                next.push(i + 3);
            }
            if got == b'\\' && matches!(want, b'/' | b'"' | b'\\') && text.get(i + 1) == Some(&want)
            {
                next.push(i + 2);
            }
        }
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return None;
        }
        std::mem::swap(&mut at, &mut next);
    }
    at.into_iter().max()
}

/// The byte that two hex digits at `i` spell.
fn hex_byte(text: &[u8], i: usize) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    let hi = digit(*text.get(i)?)?;
    let lo = digit(*text.get(i + 1)?)?;
    u8::try_from(hi * 16 + lo).ok()
}

/// The byte before `start`, reading a `%XX` escape as what it spells.
fn before(text: &[u8], start: usize) -> Option<u8> {
    if start >= 3
        && text[start - 3] == b'%'
        && let Some(b) = hex_byte(text, start - 2)
    {
        return Some(b);
    }
    start.checked_sub(1).map(|i| text[i])
}

/// The byte at `end`, reading a `%XX` escape as what it spells.
fn after(text: &[u8], end: usize) -> Option<u8> {
    match text.get(end) {
        Some(b'%') => hex_byte(text, end + 1).or(Some(b'%')),
        other => other.copied(),
    }
}

/// Letters, digits and any byte of a non-ASCII character continue a word.
fn is_word(byte: Option<u8>) -> bool {
    byte.is_some_and(|b| b.is_ascii_alphanumeric() || b >= 0x80)
}

#[cfg(test)]
mod tests;
