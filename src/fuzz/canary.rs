//! Canaries: the fuzzer's input rewritten so that every secret slot holds a
//! value no message has any business repeating.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::jwt;

/// The canary put into secret slots: base64url characters only (so a JWT
/// stays a JWT with it appended), 16 of them (so a signature segment stays
/// decodable), and a word no message of the crate contains.
pub const CANARY: &str = "Zq7xCanaryW9kP2v";

/// The part of [`CANARY`] whose presence in a message is a leak.
const MARK: &str = "Canary";

/// The fields whose values are secrets, wherever they sit in a JSON document
/// (a token response, a store, a key set's private parts).
const SECRET_FIELDS: [&str; 13] = [
    "access_token",
    "refresh_token",
    "id_token",
    "device_code",
    "token",
    "password",
    "client_secret",
    "code",
    "code_verifier",
    "state",
    "d",
    "k",
    "p",
];

/// The input as text when it does not hold the mark already (else a
/// message quoting a non-secret part of it would look like a leak).
pub(super) fn unmarked(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok().filter(|t| !holds_mark(t))
}

/// Whether `text` holds the mark, also once the characters a cleaner
/// removes are gone (`Canar\u{17}y` is shown as `Canary`).
fn holds_mark(text: &str) -> bool {
    let kept: String = text
        .chars()
        .filter(|&c| !(c.is_control() || super::forbidden(c)) || c == '\n' || c == '\t')
        .collect();
    kept.contains(MARK)
}

/// Panics when `message` repeats a canary.
pub(super) fn assert_absent(what: &str, message: &str) {
    assert!(
        !message.contains(MARK),
        "{what} repeats a secret of the input: {message:?}"
    );
}

/// A token with canaries: appended to a JWT (it stays one), around
/// anything else.
pub(super) fn token(token: &str) -> String {
    let token = token.trim();
    if jwt::looks_like_jwt(token) {
        format!("{token}{CANARY}")
    } else {
        format!("{CANARY}{token}{CANARY}")
    }
}

/// A JSON document with every secret field's string marked; `None` when it
/// is no JSON, has no such field, or holds the mark once its escapes
/// (`\u0043anary`) are read.
pub(super) fn json_secrets(text: &str) -> Option<String> {
    let mut doc: Value = serde_json::from_str(text).ok()?;
    if json_holds_mark(&doc) {
        return None;
    }
    mark_json(&mut doc).then(|| doc.to_string())
}

/// Whether a string or key of the document holds the mark.
fn json_holds_mark(value: &Value) -> bool {
    match value {
        Value::String(s) => holds_mark(s),
        Value::Array(items) => items.iter().any(json_holds_mark),
        Value::Object(map) => map.iter().any(|(k, v)| holds_mark(k) || json_holds_mark(v)),
        _ => false,
    }
}

fn mark_json(value: &mut Value) -> bool {
    match value {
        Value::Array(items) => items.iter_mut().fold(false, |m, v| mark_json(v) | m),
        Value::Object(map) => map.iter_mut().fold(false, |m, (k, v)| {
            let here = match v {
                Value::String(s) if SECRET_FIELDS.contains(&k.as_str()) => {
                    *s = token(s);
                    true
                }
                other => mark_json(other),
            };
            here | m
        }),
        _ => false,
    }
}

/// Input for `import` with its secrets marked: the token fields of a JSON
/// object, the password of a Basic line, the token of a Bearer line, every
/// value of a `.env` file.
pub(super) fn import_secrets(text: &str) -> Option<String> {
    if text.trim_start().starts_with('{') {
        return json_secrets(text);
    }
    let mut changed = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| match header_line(line).or_else(|| env_line(line)) {
            Some(marked) => {
                changed = true;
                marked
            }
            None => line.to_owned(),
        })
        .collect();
    changed.then(|| lines.join("\n"))
}

/// `[Authorization:] Basic|Bearer value` with the secret marked.
fn header_line(line: &str) -> Option<String> {
    let rest = line.trim();
    let rest = match rest.split_once(':') {
        Some((name, after)) if name.trim().eq_ignore_ascii_case("authorization") => after.trim(),
        _ => rest,
    };
    let (scheme, value) = rest.split_once([' ', '\t'])?;
    let value = value.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(format!("Authorization: Bearer {}", token(value)));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(value).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let pair = format!("{id}:{CANARY}{secret}");
    Some(format!("Authorization: Basic {}", STANDARD.encode(pair)))
}

/// `KEY=value` with the canary at the start of the value (inside quotes).
fn env_line(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    let value = value.trim_start();
    let marked = match value.chars().next() {
        Some(q @ ('\'' | '"')) => format!("{q}{CANARY}{}", &value[1..]),
        _ => format!("{CANARY}{value}"),
    };
    Some(format!("{key}={marked}"))
}

/// A callback query with its code, state and tokens marked, and the marked
/// state (when there is exactly one) for the listener to expect; `None`
/// when the text holds the mark once percent-decoded, as a query or as the
/// fragment of a pasted redirect.
pub(super) fn query_secrets(query: &str) -> Option<(String, Option<String>)> {
    let parts = [
        Some(query),
        query.split_once('?').map(|(_, q)| q),
        query.rsplit_once('#').map(|(_, f)| f),
    ];
    let decoded_marked = parts.into_iter().flatten().any(|part| {
        url::form_urlencoded::parse(part.as_bytes())
            .any(|(k, v)| k.contains(MARK) || v.contains(MARK))
    });
    if decoded_marked {
        return None;
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let v = if SECRET_FIELDS.contains(&k.as_ref()) {
                token(&v)
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut states = pairs.iter().filter(|(k, _)| k == "state").map(|(_, v)| v);
    let state = match (states.next(), states.next()) {
        (Some(one), None) => Some(one.clone()),
        _ => None,
    };
    let marked = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    (marked != query).then_some((marked, state))
}
