//! JSON Web Tokens: decode the header and claims without a key, and tell a
//! JWT from an opaque token.
//!
//! Decoding never trusts the token: every segment is checked in turn (base64url,
//! UTF-8, a JSON object) and a failure names the segment and the reason, so a
//! developer sees *why* a pasted token is broken. Nothing here panics on any
//! input. [`input`] sorts out what people paste, [`claims`] lays a token out
//! for reading, and [`verify`] checks the signature against the issuer's keys.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use thiserror::Error;

pub mod claims;
pub mod input;
pub mod verify;

/// Tokens longer than this are refused before decoding (real ones are a few KB).
pub const MAX_TOKEN_LEN: usize = 256 * 1024;

/// Which part of a compact JWT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// The first part: algorithm, type, key id.
    Header,
    /// The second part: the claims.
    Claims,
    /// The third part: the signature.
    Signature,
}

impl Segment {
    /// The segment as a person names it.
    pub fn label(self) -> &'static str {
        match self {
            Segment::Header => "header (segment 1)",
            Segment::Claims => "claims (segment 2)",
            Segment::Signature => "signature (segment 3)",
        }
    }
}

/// Why a token could not be decoded.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    /// Nothing to decode.
    #[error("the token is empty")]
    Empty,
    /// Over [`MAX_TOKEN_LEN`].
    #[error("the token is {len} bytes long, more than any real JWT (limit {MAX_TOKEN_LEN})")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// Five segments: an encrypted JWT (JWE), which needs the recipient's key.
    #[error(
        "the token has 5 segments: it is an encrypted JWT (JWE) and cannot be read without the key"
    )]
    Encrypted,
    /// Not `header.claims.signature`.
    #[error("a JWT has 3 dot-separated segments (header.claims.signature); this has {found}")]
    Segments {
        /// How many segments there are.
        found: usize,
    },
    /// A segment is not base64url.
    #[error("the {} is not base64url: {why}", segment.label())]
    Base64 {
        /// Which segment.
        segment: Segment,
        /// What the decoder said.
        why: String,
    },
    /// A segment's bytes are not UTF-8.
    #[error("the {} is not UTF-8 text (byte {at})", segment.label())]
    Utf8 {
        /// Which segment.
        segment: Segment,
        /// Offset of the first bad byte.
        at: usize,
    },
    /// A segment is not JSON.
    #[error("the {} is not valid JSON: {why}", segment.label())]
    Json {
        /// Which segment.
        segment: Segment,
        /// What the parser said (line and column, never the content).
        why: String,
    },
    /// A segment is JSON but not an object.
    #[error("the {} is JSON but not an object", segment.label())]
    NotObject {
        /// Which segment.
        segment: Segment,
    },
}

/// A decoded (not verified) JWT.
#[derive(Clone, Debug, PartialEq)]
pub struct Jwt {
    /// The JOSE header: alg, typ, kid…
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
    /// The raw signature bytes.
    pub signature: Vec<u8>,
}

impl Jwt {
    /// A string header field, e.g. `alg` or `kid`.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name)?.as_str()
    }

    /// A string claim, e.g. `iss`.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name)?.as_str()
    }

    /// A time claim (exp, iat, nbf, auth_time) in Unix seconds. JSON numbers
    /// with a fraction are truncated; anything else is `None`.
    pub fn time_claim(&self, name: &str) -> Option<i64> {
        let value = self.claims.get(name)?;
        value.as_i64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e15)
                .map(|f| f as i64)
        })
    }
}

/// Decodes a compact JWT (surrounding whitespace is ignored).
pub fn decode(token: &str) -> Result<Jwt, DecodeError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(DecodeError::Empty);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(DecodeError::TooLong { len: token.len() });
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => return Err(DecodeError::Encrypted),
        found => return Err(DecodeError::Segments { found }),
    }
    Ok(Jwt {
        header: object(Segment::Header, parts[0])?,
        claims: object(Segment::Claims, parts[1])?,
        signature: base64url(Segment::Signature, parts[2])?,
    })
}

/// Whether a token looks like a JWT at all (three segments, a header that
/// starts like a JSON object). Tokens that do not are opaque, not broken.
pub fn looks_like_jwt(token: &str) -> bool {
    let token = token.trim();
    token.split('.').count() == 3 && token.starts_with("eyJ")
}

fn base64url(segment: Segment, text: &str) -> Result<Vec<u8>, DecodeError> {
    // Some encoders pad; RFC 7515 says not to, but padding is harmless.
    let text = text.trim_end_matches('=');
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| DecodeError::Base64 {
            segment,
            why: match e {
                base64::DecodeError::InvalidByte(at, byte) => {
                    let shown = if byte.is_ascii_graphic() {
                        format!("`{}`", byte as char)
                    } else {
                        format!("0x{byte:02x}")
                    };
                    format!("invalid character {shown} at offset {at}")
                }
                base64::DecodeError::InvalidLength(len) => format!("invalid length {len}"),
                base64::DecodeError::InvalidLastSymbol { offset: at, .. } => {
                    format!("invalid last symbol at offset {at}")
                }
                base64::DecodeError::InvalidPadding => "invalid padding".to_owned(),
            },
        })
}

fn object(segment: Segment, text: &str) -> Result<Map<String, Value>, DecodeError> {
    let bytes = base64url(segment, text)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| DecodeError::Utf8 {
        segment,
        at: e.valid_up_to(),
    })?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(DecodeError::NotObject { segment }),
        Err(e) => Err(DecodeError::Json {
            segment,
            why: format!(
                "{} at line {} column {}",
                classify(&e),
                e.line(),
                e.column()
            ),
        }),
    }
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "unexpected end",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected data",
        serde_json::error::Category::Io => "read error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::jwt::segment;

    const FIXTURE: &str = include_str!("../tests/fixtures/keycloak-token-response.json");

    fn fixture_token(field: &str) -> String {
        let v: Value = serde_json::from_str(FIXTURE).unwrap();
        v[field].as_str().unwrap().to_owned()
    }

    #[test]
    fn keycloak_fixture_access_token_decodes() {
        let jwt = decode(&fixture_token("access_token")).unwrap();
        assert_eq!(jwt.header_str("alg"), Some("RS256"));
        assert!(jwt.header_str("kid").unwrap().starts_with("WXYGv0SE-"));
        assert_eq!(jwt.time_claim("exp"), Some(1_525_272_141));
        assert_eq!(jwt.claims["realm_access"]["roles"][0], "balance:read");
        assert_eq!(jwt.signature.len(), 256);
    }

    #[test]
    fn broken_tokens_name_the_segment_and_the_reason() {
        let h = segment(br#"{"alg":"RS256"}"#);
        let c = segment(br#"{"exp":1}"#);
        let cases: Vec<(String, &str)> = vec![
            (String::new(), "empty"),
            ("abc".into(), "this has 1"),
            ("a.b.c.d.e".into(), "encrypted"),
            (format!("{h}.{c}"), "this has 2"),
            (
                format!("{h}.{c}.!!"),
                "signature (segment 3) is not base64url",
            ),
            (format!("%%.{c}.sig"), "header (segment 1) is not base64url"),
            (format!("{h}.{}.sig", segment([0xff, 0xfe])), "not UTF-8"),
            (
                format!("{h}.{}.sig", segment(b"{\"exp\":")),
                "unexpected end",
            ),
            (
                format!("{}.{c}.sig", segment(b"[1]")),
                "header (segment 1) is JSON but not an object",
            ),
            ("x".repeat(MAX_TOKEN_LEN + 1), "limit"),
        ];
        crate::testing::cases::check_all(cases, |(token, want)| {
            let err = decode(&token).unwrap_err().to_string();
            assert!(err.contains(want), "{token:.40}: {err}");
        });
    }

    #[test]
    fn opaque_tokens_are_told_from_jwts() {
        assert!(looks_like_jwt(&fixture_token("refresh_token")));
        assert!(!looks_like_jwt("3f1c2a1e-9a53-4a43-9b1e-6a8e3e1d2b6c"));
    }
}
