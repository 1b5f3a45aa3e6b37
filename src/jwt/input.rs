//! What people paste when they want a token read: a bare JWT, an
//! `Authorization: Bearer …` line, `Bearer …`, or a whole token response.
//!
//! A token response holds up to three tokens; each is decoded on its own and
//! labelled. Refresh tokens are often opaque (a UUID, a random string): inside
//! a response that is normal, so they are reported as opaque, not as broken.
//! Errors never quote the input: it is a secret.

use serde_json::Value;
use thiserror::Error;

use super::{DecodeError, Jwt, decode, looks_like_jwt};
use crate::json_kind::json_kind;

/// The most input read from stdin.
pub const MAX_INPUT: usize = 1 << 20;

/// The token fields of a token response, in the order they are shown.
pub const RESPONSE_TOKENS: [&str; 3] = ["access_token", "refresh_token", "id_token"];

/// Pasted input, sorted out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pasted {
    /// One token (any `Authorization:` / `Bearer` prefix removed).
    Token(String),
    /// The tokens of a token response, labelled by field name.
    Response(Vec<(&'static str, String)>),
}

/// Why pasted input holds no token.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum InputError {
    /// Only whitespace.
    #[error("the input is empty")]
    Empty,
    /// `Bearer` and nothing after it.
    #[error("`Bearer` is followed by no token")]
    BearerWithoutToken,
    /// Starts like JSON but does not parse.
    #[error("the input starts like a token response (JSON) but is not valid JSON: {why}")]
    Json {
        /// Where the parser stopped (line and column, never the content).
        why: String,
    },
    /// JSON, but not an object.
    #[error("the input is JSON but not a token response (an object)")]
    NotObject,
    /// A token field that is not a string.
    #[error("`{field}` in the token response is {found}, not a string")]
    NotString {
        /// The field, e.g. `access_token`.
        field: &'static str,
        /// What it is instead: "a number", "null"…
        found: &'static str,
    },
    /// A JSON object without any token field.
    #[error("the JSON object has none of access_token, refresh_token, id_token")]
    NoTokens,
    /// Not UTF-8 text.
    #[error("the input is not UTF-8 text (byte {at})")]
    Utf8 {
        /// Offset of the first bad byte.
        at: usize,
    },
    /// More than [`MAX_INPUT`].
    #[error("the input is larger than {} MiB; a token is a few KB", MAX_INPUT >> 20)]
    TooLarge,
}

/// One token of a response or a session, decoded.
#[derive(Clone, Debug, PartialEq)]
pub enum Decoded {
    /// A JWT.
    Jwt(Jwt),
    /// Not a JWT: shown by its length only.
    Opaque {
        /// Length in characters.
        length: usize,
    },
}

/// Sorts out pasted bytes (from stdin or an argument).
pub fn parse_bytes(bytes: &[u8]) -> Result<Pasted, InputError> {
    if bytes.len() > MAX_INPUT {
        return Err(InputError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| InputError::Utf8 {
        at: e.valid_up_to(),
    })?;
    parse(text)
}

/// Sorts out pasted text.
pub fn parse(text: &str) -> Result<Pasted, InputError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(InputError::Empty);
    }
    if text.starts_with('{') || text.starts_with('[') {
        return response(text);
    }
    let text = strip_prefix_ci(text, "authorization:").map_or(text, str::trim_start);
    let token = match strip_prefix_ci(text, "bearer") {
        Some("") => return Err(InputError::BearerWithoutToken),
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim(),
        _ => text,
    };
    Ok(Pasted::Token(token.to_owned()))
}

/// Decodes one token of a response or session: a JWT, or opaque when it
/// does not look like one (an empty one is an error).
pub fn decode_member(token: &str) -> Result<Decoded, DecodeError> {
    if token.trim().is_empty() {
        Err(DecodeError::Empty)
    } else if looks_like_jwt(token) {
        decode(token).map(Decoded::Jwt)
    } else {
        Ok(Decoded::Opaque {
            length: token.trim().chars().count(),
        })
    }
}

fn response(text: &str) -> Result<Pasted, InputError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| InputError::Json {
        why: format!("line {} column {}", e.line(), e.column()),
    })?;
    let Value::Object(map) = doc else {
        return Err(InputError::NotObject);
    };
    let mut tokens = Vec::new();
    for field in RESPONSE_TOKENS {
        match map.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => tokens.push((field, s.clone())),
            Some(other) => {
                return Err(InputError::NotString {
                    field,
                    found: json_kind(other),
                });
            }
        }
    }
    if tokens.is_empty() {
        return Err(InputError::NoTokens);
    }
    Ok(Pasted::Response(tokens))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_and_bearer_prefixes_are_peeled_off() {
        let cases = [
            ("eyJ.a.b", "eyJ.a.b"),
            ("  eyJ.a.b\n", "eyJ.a.b"),
            ("Bearer eyJ.a.b", "eyJ.a.b"),
            ("bearer   eyJ.a.b", "eyJ.a.b"),
            ("Authorization: Bearer eyJ.a.b", "eyJ.a.b"),
            ("authorization:bearer\teyJ.a.b", "eyJ.a.b"),
            ("Bearerish.a.b", "Bearerish.a.b"),
        ];
        crate::testing::cases::check_all(cases, |(input, want)| {
            assert_eq!(parse(input), Ok(Pasted::Token(want.into())), "{input}");
        });
    }

    #[test]
    fn broken_input_says_why_without_quoting_it() {
        let cases = [
            ("   ", InputError::Empty),
            ("Bearer", InputError::BearerWithoutToken),
            ("Authorization: Bearer  ", InputError::BearerWithoutToken),
            ("[1]", InputError::NotObject),
            ("{\"scope\":\"x\"}", InputError::NoTokens),
            (
                "{\"access_token\":42}",
                InputError::NotString {
                    field: "access_token",
                    found: "a number",
                },
            ),
        ];
        crate::testing::cases::check_all(cases, |(input, want)| {
            assert_eq!(parse(input), Err(want), "{input}");
        });
        let err = parse("{\"access_token\":\"secret").unwrap_err().to_string();
        assert!(err.contains("line 1") && !err.contains("secret"), "{err}");
        assert_eq!(parse_bytes(b"\xff"), Err(InputError::Utf8 { at: 0 }));
    }

    #[test]
    fn response_tokens_are_labelled_and_opaque_ones_are_not_errors() {
        let pasted = parse(r#"{"refresh_token":"3f1c-uuid","access_token":"eyJ.x.y"}"#);
        assert_eq!(
            pasted,
            Ok(Pasted::Response(vec![
                ("access_token", "eyJ.x.y".into()),
                ("refresh_token", "3f1c-uuid".into())
            ]))
        );
        assert_eq!(
            decode_member("3f1c-uuid"),
            Ok(Decoded::Opaque { length: 9 })
        );
        // `null` members mean absent, as the token endpoint parser reads them.
        assert_eq!(
            parse(r#"{"access_token":"eyJ.x.y","refresh_token":null}"#),
            Ok(Pasted::Response(vec![("access_token", "eyJ.x.y".into())]))
        );
    }
}
